//! The program-wide table graph, collected at link time from every `#[derive(SoftDeletable)]`.
//!
//! Cascade edges are declared on the parent, but an exact restore must know *every* parent of
//! a table (a `post_tags` row is under a post and a tag, declared by two different models).
//! Trait impls per edge cannot be enumerated at run time, and asking users to repeat each edge
//! on the child would let the two declarations drift apart; so each derive submits its
//! [`TableMeta`] to a link-time registry (the `inventory` crate) and the runtime builds the
//! incoming edges once, on first use.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

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
    /// The identity of every table a model names: its own, and its edges' children.
    names: HashMap<&'static str, &'static str>,
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
        let mut names = HashMap::new();
        for meta in tables.values() {
            let children = meta.cascade.iter().map(|e| (e.child)().identity());
            let protected = meta.protect.iter().map(|e| e.identity());
            let nullified = meta.nullify.iter().map(|e| e.identity());
            for name in std::iter::once(meta.identity())
                .chain(children)
                .chain(protected)
                .chain(nullified)
            {
                names.insert(name, name);
            }
        }
        Graph {
            tables,
            names,
            incoming,
        }
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

/// `name` as a `&'static str`: the identity of a table some linked model names (as a model,
/// or as the child of an edge), else a copy kept for the program's life (only names read back
/// from the record that no linked model knows, so the copies are bounded by the tables ever
/// recorded).
pub(crate) fn intern(name: &str) -> &'static str {
    if let Some(known) = graph().names.get(name) {
        return known;
    }
    static OTHERS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut others = OTHERS.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some(known) = others.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    others.insert(leaked);
    leaked
}

pub(crate) fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(Graph::build)
}
