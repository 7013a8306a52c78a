//! Read-only statements over the rows a changeset hid.

use super::builder::Stmt;
use super::clauses;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::TableMeta;

/// The primary keys, as text and in key order, of the rows of `m` that changeset `id` hides
/// (`did`: the `deletion_id` column). A composite key comes as a JSON array of its columns'
/// texts, which `key::canonical` brings to the form `key::key_text` writes.
pub(crate) fn changeset_keys<DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let mut s = Stmt::new();
    s.sql("SELECT ");
    match m.primary_key {
        [one] => text(&mut s, one),
        cols => json_array(&mut s, cols),
    }
    s.sql(" FROM ").table(m.sql()).sql(" WHERE ");
    s.ident(did).sql(" = ").i64(id).sql(" AND ");
    clauses::hidden(&mut s, None, m);
    s.sql(" ORDER BY ").list(m.primary_key);
    s
}

/// `CAST(col AS TEXT)` (`AS CHAR` on MySQL).
fn text<DB: SoftDeleteBackend>(s: &mut Stmt<'static, DB>, col: &'static str) {
    s.sql("CAST(").ident(col);
    match DB::DIALECT {
        Dialect::Mysql => s.sql(" AS CHAR)"),
        _ => s.sql(" AS TEXT)"),
    };
}

/// The JSON array of the columns' texts, as text.
fn json_array<DB: SoftDeleteBackend>(s: &mut Stmt<'static, DB>, cols: &'static [&'static str]) {
    let (open, close) = match DB::DIALECT {
        Dialect::Postgres => ("CAST(json_build_array(", ") AS TEXT)"),
        Dialect::Mysql => ("CAST(JSON_ARRAY(", ") AS CHAR)"),
        Dialect::Sqlite => ("json_array(", ")"),
    };
    s.sql(open);
    for (i, col) in cols.iter().enumerate() {
        if i > 0 {
            s.sql(", ");
        }
        text(s, col);
    }
    s.sql(close);
}
