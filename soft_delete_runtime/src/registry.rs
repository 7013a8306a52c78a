//! The program-wide table graph, collected at link time from every `#[derive(SoftDeletable)]`.
//!
//! Cascade edges are declared on the parent, but an exact restore must know *every* parent of
//! a table (a `post_tags` row is under a post and a tag, declared by two different models).
//! Trait impls per edge cannot be enumerated at run time, and asking users to repeat each edge
//! on the child would let the two declarations drift apart; so each derive submits its
//! [`TableMeta`] to a link-time registry (the `inventory` crate) and the runtime builds the
//! incoming edges once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::TableMeta;

/// One model's entry in the registry. Emitted by the derive; not for direct use.
#[doc(hidden)]
pub struct Registration(pub fn() -> &'static TableMeta);

inventory::collect!(Registration);

/// An edge seen from its child: `parent` hides `child` rows whose `fk` names a parent key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Incoming {
    pub(crate) parent: &'static TableMeta,
    pub(crate) fk: &'static [&'static str],
}

pub(crate) struct Graph {
    tables: HashMap<&'static str, &'static TableMeta>,
    incoming: HashMap<&'static str, Vec<Incoming>>,
}

impl Graph {
    fn build() -> Graph {
        let mut tables: HashMap<&'static str, &'static TableMeta> = HashMap::new();
        for reg in inventory::iter::<Registration> {
            let meta = (reg.0)();
            tables.entry(meta.identity()).or_insert(meta);
        }
        let mut incoming: HashMap<&'static str, Vec<Incoming>> = HashMap::new();
        let mut parents: Vec<&'static TableMeta> = tables.values().copied().collect();
        parents.sort_by_key(|m| m.identity());
        for parent in parents {
            for edge in parent.cascade {
                let child = (edge.child)();
                let list = incoming.entry(child.identity()).or_default();
                if !list
                    .iter()
                    .any(|e| e.parent.identity() == parent.identity() && e.fk == edge.fk)
                {
                    list.push(Incoming {
                        parent,
                        fk: edge.fk,
                    });
                }
            }
        }
        Graph { tables, incoming }
    }

    /// The facts of the model mapping `table`, if one is linked into the program.
    pub(crate) fn table(&self, table: &str) -> Option<&'static TableMeta> {
        self.tables.get(table).copied()
    }

    /// Every table linked into the program, ordered by identity.
    pub(crate) fn tables(&self) -> Vec<&'static TableMeta> {
        let mut all: Vec<&'static TableMeta> = self.tables.values().copied().collect();
        all.sort_by_key(|m| m.identity());
        all
    }

    /// Every cascade edge that ends at `table`.
    pub(crate) fn incoming(&self, table: &str) -> &[Incoming] {
        self.incoming.get(table).map(Vec::as_slice).unwrap_or(&[])
    }
}

pub(crate) fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(Graph::build)
}
