//! The statements of a permanent removal (`hard_delete`, `purge`) and of the `protect` checks.

use super::builder::Stmt;
use super::clauses::{self, Sel};
use super::Edge;
use crate::backend::SoftDeleteBackend;
use crate::meta::{NullifyEdge, ProtectEdge, TableMeta};

/// Marks the seed rows of a removal (up to `limit` of them): `UPDATE m SET did = mark WHERE pk
/// IN (SELECT pk FROM m WHERE <sel> [ORDER BY pk LIMIT limit])`.
pub(crate) fn mark_seed<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    did: &'static str,
    sel: Sel<'a, DB>,
    limit: Option<i64>,
    mark: i64,
) -> Stmt<'a, DB> {
    let mut s = clauses::update(m.sql());
    s.sql(" SET ").ident(did).sql(" = ").i64(mark);
    s.sql(" WHERE ").cols(m.primary_key).sql(" IN ");
    clauses::keys(&mut s, m, sel, limit, m.sql());
    s
}

/// Marks, with `mark`, the children through `edge` of the parent rows marked `parent_mark`,
/// unless a child already carries a deeper mark of this operation (`child_did`: the child's
/// `deletion_id` column). Marks run downwards from the operation's base: a value above `mark`
/// is a shallower mark (or a changeset id), one at or below `floor` belongs to no level of this
/// operation.
pub(crate) fn mark_level<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    parent_mark: i64,
    mark: i64,
    floor: i64,
) -> Stmt<'static, DB> {
    let child = edge.child;
    let mut s = clauses::update(child.sql());
    s.sql(" SET ").ident(child_did).sql(" = ").i64(mark);
    s.sql(" WHERE (").ident(child_did).sql(" IS NULL OR ");
    s.ident(child_did).sql(" > ").i64(mark);
    s.sql(" OR ")
        .ident(child_did)
        .sql(" <= ")
        .i64(floor)
        .sql(") AND ");
    s.cols(edge.fk).sql(" IN ");
    let parents = Sel::Mark(edge.parent_did, parent_mark);
    clauses::keys(&mut s, edge.parent, parents, None, child.sql());
    s
}

/// Deletes the rows of `m` that `sel` picks, up to `limit` of them (a model without
/// `deletion_id`, removed in one statement).
pub(crate) fn delete_seed<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    sel: Sel<'a, DB>,
    limit: Option<i64>,
) -> Stmt<'a, DB> {
    let mut s = clauses::delete_from(m.sql());
    s.cols(m.primary_key).sql(" IN ");
    clauses::keys(&mut s, m, sel, limit, m.sql());
    s
}

/// `DELETE FROM m WHERE <sel>`.
pub(crate) fn delete_where<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    sel: Sel<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = clauses::delete_from(m.sql());
    clauses::condition(&mut s, m, sel, m.sql());
    s
}

/// Counts the live rows among those `sel` picks of `m`.
pub(crate) fn count_live<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    sel: Sel<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = clauses::count_from(m.sql());
    clauses::condition(&mut s, m, sel, m.sql());
    s.sql(" AND ");
    clauses::live(&mut s, None, m);
    s
}

/// Counts the rows of a `protect` edge's child table that name a row `sel` picks of `parent`,
/// live ones only when the child is a soft-delete model (`child`: its facts).
pub(crate) fn count_protected<'a, DB: SoftDeleteBackend>(
    parent: &'static TableMeta,
    edge: &'static ProtectEdge,
    child: Option<&'static TableMeta>,
    sel: Sel<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = clauses::count_from(edge.table.get());
    s.cols(edge.fk).sql(" IN ");
    clauses::keys(&mut s, parent, sel, None, edge.table.get());
    if let Some(child) = child {
        s.sql(" AND ");
        clauses::live(&mut s, None, child);
    }
    s
}

/// Sets to `NULL` the foreign key of a `nullify` edge's child rows that name a row `sel` picks
/// of `parent` (up to `limit` of them, as the removal picks them): `UPDATE child SET fk = NULL
/// WHERE fk IN (SELECT pk FROM parent WHERE <sel>)`. Live and hidden children alike.
pub(crate) fn nullify_children<'a, DB: SoftDeleteBackend>(
    parent: &'static TableMeta,
    edge: &'static NullifyEdge,
    sel: Sel<'a, DB>,
    limit: Option<i64>,
) -> Stmt<'a, DB> {
    let child = edge.table.get();
    let mut s = clauses::update(child);
    s.sql(" SET ").ident(edge.fk).sql(" = NULL WHERE ");
    s.ident(edge.fk).sql(" IN ");
    clauses::keys(&mut s, parent, sel, limit, child);
    s
}
