//! The statements of a restore.

use crate::key::RowFilter;

use super::builder::Stmt;
use super::clauses;
use super::Edge;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::TableMeta;

/// Makes live again the rows of `m` that changeset `id` hid (`did`: the `deletion_id` column):
/// `UPDATE m SET <live>, deletion_id = NULL WHERE did = id`.
pub(crate) fn restore_level<DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let mut s = clauses::update(m.sql());
    clauses::set_live(&mut s, m);
    s.sql(" WHERE ").ident(did).sql(" = ").i64(id);
    s
}

/// Makes live again the hidden row of `m` that `key` picks (a model without `deletion_id`).
pub(crate) fn restore_row<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    key: &'a RowFilter<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = clauses::update(m.sql());
    clauses::set_live(&mut s, m);
    s.sql(" WHERE (").fragment(key).sql(") AND ");
    clauses::hidden(&mut s, None, m);
    s
}

/// The state of the row `key` picks, as one `BigInt`: `-1` live, `0` hidden without a
/// changeset, otherwise the id of the changeset that hid it. No row: the row does not exist.
pub(crate) fn row_state<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    key: &'a RowFilter<'a, DB>,
) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("SELECT CASE WHEN ");
    clauses::live(&mut s, None, m);
    // Bound as BigInt parameters so every backend types the CASE as BIGINT.
    s.sql(" THEN ").i64(-1).sql(" ELSE ");
    match m.deletion_id {
        Some(did) => s.sql("COALESCE(").ident(did).sql(", ").i64(0).sql(")"),
        None => s.i64(0),
    };
    s.sql(" END FROM ")
        .table(m.sql())
        .sql(" WHERE ")
        .fragment(key);
    s
}

/// PostgreSQL: share-locks (`FOR SHARE`) the parents, through `edge`, of the child rows that
/// changeset `id` hid (`child_did`: the child's `deletion_id` column), and counts those hidden
/// by another changeset.
///
/// The test is an expression over the locked rows, not a `WHERE`: PostgreSQL may push a
/// `WHERE` below the lock, where it would see the rows as they were before the wait.
pub(crate) fn lock_parents<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let (parent, pdid) = (edge.parent, edge.parent_did);
    let locked = "sd_locked";
    let mut s = Stmt::new();
    s.sql("SELECT COALESCE(SUM(CASE WHEN ");
    s.col(locked, pdid).sql(" <> ").i64(id).sql(" AND ");
    clauses::hidden(&mut s, Some(locked), parent);
    s.sql(" THEN 1 ELSE 0 END), 0) FROM (SELECT ");
    s.ident(parent.marker).sql(", ").ident(pdid);
    s.sql(" FROM ").table(parent.sql()).sql(" WHERE ");
    s.cols(parent.primary_key).sql(" IN (SELECT ").list(edge.fk);
    s.sql(" FROM ").table(edge.child.sql()).sql(" WHERE ");
    s.ident(child_did).sql(" = ").i64(id);
    s.sql(") FOR SHARE) AS ").ident(locked);
    s
}

/// Moves the child rows changeset `id` hid whose parent through `edge` is hidden by another
/// changeset into that changeset (`child_did`: the child's `deletion_id` column).
pub(crate) fn retag<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let (parent, pdid, child) = (edge.parent, edge.parent_did, edge.child.sql());
    let p = "sd_parent";
    let mut s = Stmt::new();
    s.sql("UPDATE ").table(child);
    if DB::DIALECT == Dialect::Mysql {
        s.sql(" INNER JOIN ")
            .table(parent.sql())
            .sql(" AS ")
            .ident(p);
        s.sql(" ON ");
        clauses::parent_is(&mut s, p, parent, child, edge.fk);
        s.sql(" SET ")
            .table_col(child, child_did)
            .sql(" = ")
            .col(p, pdid);
        s.sql(" WHERE ");
    } else {
        s.sql(" SET ").ident(child_did).sql(" = ").col(p, pdid);
        s.sql(" FROM ").table(parent.sql()).sql(" AS ").ident(p);
        s.sql(" WHERE ");
        clauses::parent_is(&mut s, p, parent, child, edge.fk);
        s.sql(" AND ");
    }
    s.table_col(child, child_did).sql(" = ").i64(id);
    // `<> id` is already false for NULL. An extra `IS NOT NULL` made PostgreSQL plan an index
    // scan over every hidden parent once per child row (3.3 s vs 62 ms on 100k rows, BENCHMARKS.md).
    s.sql(" AND ").col(p, pdid).sql(" <> ").i64(id).sql(" AND ");
    clauses::hidden(&mut s, Some(p), parent);
    s
}
