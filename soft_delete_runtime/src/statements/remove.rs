//! The statements of a permanent removal (`hard_delete`, `purge`) and of the `protect` checks.

use super::builder::Stmt;
use super::clauses::{self, Sel};
use super::Edge;
use crate::backend::SoftDeleteBackend;
use crate::meta::{NullifyEdge, ProtectEdge, TableMeta};
use crate::table_name::TableName;

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

/// Counts the rows of a `protect` edge's child table that name a row `sel` picks of `parent`:
/// the live ones only when `live_only` and the child is a soft-delete model (`child`: its facts),
/// otherwise all of them.
pub(crate) fn count_protected<'a, DB: SoftDeleteBackend>(
    parent: &'static TableMeta,
    edge: &'static ProtectEdge,
    child: Option<&'static TableMeta>,
    sel: Sel<'a, DB>,
    live_only: bool,
) -> Stmt<'a, DB> {
    let mut s = clauses::count_from(edge.table.get());
    s.cols(edge.fk).sql(" IN ");
    clauses::keys(&mut s, parent, sel, None, edge.table.get());
    if let (Some(child), true) = (child, live_only) {
        s.sql(" AND ");
        clauses::live(&mut s, None, child);
    }
    s
}

/// The lowest changeset id among the hidden rows of a `protect` edge's child table (`child`: its
/// facts, `did`: its `deletion_id` column) that name a row `sel` picks of `parent`; 0 when none
/// records one.
pub(crate) fn protected_hidden_by<'a, DB: SoftDeleteBackend>(
    parent: &'static TableMeta,
    edge: &'static ProtectEdge,
    child: &'static TableMeta,
    did: &'static str,
    sel: Sel<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("SELECT COALESCE(MIN(").ident(did).sql("), ").i64(0);
    s.sql(") FROM ").table(edge.table.get()).sql(" WHERE ");
    s.cols(edge.fk).sql(" IN ");
    clauses::keys(&mut s, parent, sel, None, edge.table.get());
    s.sql(" AND ").ident(did).sql(" > ").i64(0).sql(" AND ");
    clauses::hidden(&mut s, None, child);
    s
}

/// One set of parent rows whose children a `nullify` edge detaches: the rows `sel` picks of
/// `parent` (up to `limit`), named by the child's column `edge.fk`.
pub(crate) struct Detach<'a, DB> {
    pub(crate) parent: &'static TableMeta,
    pub(crate) edge: &'static NullifyEdge,
    pub(crate) sel: Sel<'a, DB>,
    pub(crate) limit: Option<i64>,
}

/// Child rows a removal deletes anyway, which its `nullify` edges leave alone: those it marked
/// (`did` between `floor`, exclusive, and `top`) and those `under` picks (a leaf table's rows).
pub(crate) struct Doomed<'s, 'a, DB> {
    pub(crate) marked: Option<(&'static str, i64, i64)>,
    pub(crate) under: &'s [Sel<'a, DB>],
    pub(crate) child: Option<&'static TableMeta>,
}

/// Sets to `NULL` every foreign key of `child` that names a parent row being removed, in one
/// statement for all the `nullify` edges into `child` (`detach`), so each row is counted once
/// however many of its keys go; live and hidden children alike, except the rows the removal
/// deletes anyway (`doomed`):
/// `UPDATE child SET fk = CASE WHEN fk IN (<keys>) [OR fk IN (..)] THEN NULL ELSE fk END, ..
/// WHERE (fk IN (<keys>) OR ..) AND (did IS NULL OR did > top OR did <= floor)
/// AND NOT COALESCE(<leaf rows>, FALSE)`.
pub(crate) fn nullify_children<'a, DB: SoftDeleteBackend>(
    child: &'static TableName,
    detach: &[Detach<'a, DB>],
    doomed: &Doomed<'_, 'a, DB>,
) -> Stmt<'a, DB> {
    let mut columns: Vec<&'static str> = Vec::new();
    for d in detach {
        if !columns.contains(&d.edge.fk) {
            columns.push(d.edge.fk);
        }
    }
    let mut s = clauses::update(child);
    for (i, fk) in columns.iter().enumerate() {
        s.sql(if i == 0 { " SET " } else { ", " });
        s.ident(fk).sql(" = CASE WHEN ");
        names_any(&mut s, detach.iter().filter(|d| d.edge.fk == *fk), child);
        s.sql(" THEN NULL ELSE ").ident(fk).sql(" END");
    }
    s.sql(" WHERE (");
    names_any(&mut s, detach.iter(), child);
    s.sql(")");
    if let Some((did, top, floor)) = doomed.marked {
        s.sql(" AND (")
            .ident(did)
            .sql(" IS NULL OR ")
            .ident(did)
            .sql(" > ")
            .i64(top);
        s.sql(" OR ").ident(did).sql(" <= ").i64(floor).sql(")");
    }
    if let Some(meta) = doomed.child {
        for sel in doomed.under {
            s.sql(" AND NOT COALESCE(");
            clauses::condition(&mut s, meta, *sel, child);
            s.sql(", FALSE)");
        }
    }
    s
}

/// `fk IN (<keys>) OR fk2 IN (<keys>) ..`, one term per [`Detach`].
fn names_any<'d, 'a: 'd, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    detach: impl Iterator<Item = &'d Detach<'a, DB>>,
    child: &'static TableName,
) {
    for (i, d) in detach.enumerate() {
        if i > 0 {
            s.sql(" OR ");
        }
        s.ident(d.edge.fk).sql(" IN ");
        clauses::keys(s, d.parent, d.sel, d.limit, child);
    }
}
