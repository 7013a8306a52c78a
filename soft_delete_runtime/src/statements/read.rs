//! Read-only statements over the rows a changeset hid.

use super::builder::Stmt;
use super::clauses;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::TableMeta;

/// The primary keys, as text and in key order, of the rows of `m` that changeset `id` hides
/// (`did`: the `deletion_id` column).
pub(crate) fn changeset_keys<DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let text = match DB::DIALECT {
        Dialect::Mysql => " AS CHAR)",
        _ => " AS TEXT)",
    };
    let mut s = Stmt::new();
    s.sql("SELECT CAST(").ident(m.primary_key).sql(text);
    s.sql(" FROM ").table(m.sql()).sql(" WHERE ");
    s.ident(did).sql(" = ").i64(id).sql(" AND ");
    clauses::hidden(&mut s, None, m);
    s.sql(" ORDER BY ").ident(m.primary_key);
    s
}
