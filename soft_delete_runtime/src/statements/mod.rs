//! The statements the engine sends, one named function each.
//!
//! The engine walks a table graph known only at run time (from [`TableMeta`]), so its
//! statements cannot be typed Diesel DSL values; they are built with [`builder::Stmt`], a custom
//! `QueryFragment` (Diesel's own way to extend its query builder), from the pieces in
//! [`clauses`]. Statements over the runtime's own `soft_delete_changesets` table are typed Diesel
//! DSL on its `table!`, in the backend layer.
//!
//! Each function returns the statement unsent; the engine runs it (`execute`, `load_scalar`).

pub(crate) mod bookkeeping;
pub(crate) mod builder;
pub(crate) mod catalog;
pub(crate) mod clauses;
pub(crate) mod export;
mod read;
mod remove;
mod restore;
mod soft_delete;

pub(crate) use bookkeeping::{
    close_row_changesets, count_removed, deferred_counts, take_deferred, Closed, Taken,
};
pub(crate) use export::{export_rows, Pick, Tree};
pub(crate) use read::changeset_keys;
pub(crate) use remove::{
    count_live, count_protected, delete_seed, delete_where, mark_level, mark_seed,
    nullify_children, protected_hidden_by, Detach, Doomed,
};
pub(crate) use restore::{lock_parents, restore_level, restore_row, retag, row_state};
pub(crate) use soft_delete::{count_rows, hide_children, hide_root};

use crate::meta::TableMeta;

/// A cascade edge whose parent records changesets in its `deletion_id` column: the edges along
/// which the operations follow rows from a parent level to its children.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge {
    pub(crate) parent: &'static TableMeta,
    /// The parent's `deletion_id` column.
    pub(crate) parent_did: &'static str,
    /// The child's foreign-key columns naming the parent's primary key.
    pub(crate) fk: &'static [&'static str],
    pub(crate) child: &'static TableMeta,
}

impl Edge {
    /// The edge `parent -> child` through `fk`; `None` when `parent` has no `deletion_id`.
    pub(crate) fn new(
        parent: &'static TableMeta,
        fk: &'static [&'static str],
        child: &'static TableMeta,
    ) -> Option<Edge> {
        Some(Edge {
            parent,
            parent_did: parent.deletion_id?,
            fk,
            child,
        })
    }

    /// The `cascade` edges of `parent`, none when it has no `deletion_id`.
    pub(crate) fn outgoing(parent: &'static TableMeta) -> impl Iterator<Item = Edge> {
        let edges = parent.cascade.iter();
        edges.filter_map(move |e| Edge::new(parent, e.fk, (e.child)()))
    }
}
