//! The statements of a soft delete.

use crate::key::RowFilter;

use super::builder::Stmt;
use super::clauses::{self, Sel};
use super::Edge;
use crate::backend::SoftDeleteBackend;
use crate::meta::TableMeta;
use crate::time::Instant;

/// Hides the live rows of `m` that `filter` picks, recording changeset `id`:
/// `UPDATE m SET <hidden>[, deletion_id = id] WHERE (<filter>) AND <live>`.
pub(crate) fn hide_root<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    filter: &'a RowFilter<'a, DB>,
    at: Instant,
    id: i64,
) -> Stmt<'a, DB> {
    let mut s = clauses::update(m.sql());
    clauses::set_hidden(&mut s, m, at, id);
    s.sql(" WHERE (").fragment(filter).sql(") AND ");
    clauses::live(&mut s, None, m);
    s
}

/// Hides the live children, through `edge`, of the parent rows changeset `id` hid:
/// `UPDATE child SET <hidden> WHERE <live> AND fk IN (SELECT pk FROM parent WHERE did = id)`.
pub(crate) fn hide_children<DB: SoftDeleteBackend>(
    edge: Edge,
    at: Instant,
    id: i64,
) -> Stmt<'static, DB> {
    let child = edge.child;
    let mut s = clauses::update(child.sql());
    clauses::set_hidden(&mut s, child, at, id);
    s.sql(" WHERE ");
    clauses::live(&mut s, None, child);
    s.sql(" AND ").cols(edge.fk).sql(" IN ");
    let parents = Sel::Mark(edge.parent_did, id);
    clauses::keys(&mut s, edge.parent, parents, None, child.sql());
    s
}

/// Counts the rows of `m` that `filter` picks, live or hidden.
pub(crate) fn count_rows<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    filter: &'a RowFilter<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = clauses::count_from(m.sql());
    s.fragment(filter);
    s
}
