//! SQL pieces shared by the statements: marker tests, `SET` lists, key sub-selects and the
//! row selections ([`Sel`]) the operations start from.

use crate::key::RowFilter;

use super::builder::Stmt;
use crate::backend::exact::UTF8_BYTES;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::{MarkerKind, TableMeta};
use crate::table_name::TableName;
use crate::time::Instant;

/// Which rows of a table a sub-select picks.
pub(crate) enum Sel<'a, DB> {
    /// `deletion_id = id`
    Mark(&'static str, i64),
    /// The caller's predicate (a key or a user filter), live rows only.
    LiveFilter(&'a RowFilter<'a, DB>),
    /// The caller's predicate, live or hidden rows.
    Filter(&'a RowFilter<'a, DB>),
    /// Rows hidden before the cutoff.
    HiddenBefore(Instant),
    /// Rows whose `fk` refers to a row of `parent` whose `deletion_id` column (`did`) is `mark`.
    Under {
        fk: &'static [&'static str],
        parent: &'static TableMeta,
        did: &'static str,
        mark: i64,
    },
}

impl<DB> Clone for Sel<'_, DB> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<DB> Copy for Sel<'_, DB> {}

/// `<marker> IS NULL` / `<marker> = false`, on column reference `table.marker` or bare `marker`.
pub(crate) fn live<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    qual: Option<&'a str>,
    m: &'static TableMeta,
) {
    column(s, qual, m.marker);
    match m.marker_kind {
        MarkerKind::Flag => s.sql(" = ").bool(false),
        _ => s.sql(" IS NULL"),
    };
}

/// `<marker> IS NOT NULL` / `<marker> = true`.
pub(crate) fn hidden<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    qual: Option<&'a str>,
    m: &'static TableMeta,
) {
    column(s, qual, m.marker);
    match m.marker_kind {
        MarkerKind::Flag => s.sql(" = ").bool(true),
        _ => s.sql(" IS NOT NULL"),
    };
}

pub(crate) fn column<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    qual: Option<&'a str>,
    col: &'a str,
) {
    match qual {
        Some(t) => s.col(t, col),
        None => s.ident(col),
    };
}

/// `SET <marker> = <hidden value>[, deletion_id = id]`
pub(crate) fn set_hidden<DB: SoftDeleteBackend>(
    s: &mut Stmt<'_, DB>,
    m: &'static TableMeta,
    at: Instant,
    id: i64,
) {
    s.sql(" SET ").ident(m.marker).sql(" = ");
    match m.marker_kind {
        MarkerKind::Flag => s.bool(true),
        kind => s.time(kind, at),
    };
    if let Some(did) = m.deletion_id {
        s.sql(", ").ident(did).sql(" = ").i64(id);
    }
}

/// `SET <marker> = <live value>[, deletion_id = NULL]`
pub(crate) fn set_live<DB: SoftDeleteBackend>(s: &mut Stmt<'_, DB>, m: &'static TableMeta) {
    s.sql(" SET ").ident(m.marker);
    match m.marker_kind {
        MarkerKind::Flag => s.sql(" = ").bool(false),
        _ => s.sql(" = NULL"),
    };
    if let Some(did) = m.deletion_id {
        s.sql(", ").ident(did).sql(" = NULL");
    }
}

/// `(SELECT pk FROM parent WHERE <sel>)`, as the right-hand side of `fk IN` (a row value
/// `(a, b) IN (SELECT a, b ...)` for a composite key).
///
/// MySQL refuses a sub-select on the table being updated or deleted from (error 1093) and
/// `LIMIT` inside `IN (...)`; there the keys go through a derived table, which it materialises.
pub(crate) fn keys<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    parent: &'static TableMeta,
    sel: Sel<'a, DB>,
    limit: Option<i64>,
    target: &'static TableName,
) {
    let wrap = DB::DIALECT == Dialect::Mysql && (parent.sql() == target || limit.is_some());
    s.sql("(SELECT ");
    if wrap {
        s.col_list("sd_keys", parent.primary_key)
            .sql(" FROM (SELECT ");
    }
    s.list(parent.primary_key)
        .sql(" FROM ")
        .table(parent.sql())
        .sql(" WHERE ");
    condition(s, parent, sel, target);
    if let Some(n) = limit {
        s.sql(" ORDER BY ")
            .list(parent.primary_key)
            .sql(" LIMIT ")
            .i64(n);
    }
    if wrap {
        s.sql(") AS ").ident("sd_keys");
    }
    s.sql(")");
}

/// The condition picking the rows `sel` names of `table`, unqualified (`target` is the table the
/// enclosing statement writes, see [`keys`]).
pub(crate) fn condition<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    table: &'static TableMeta,
    sel: Sel<'a, DB>,
    target: &'static TableName,
) {
    match sel {
        Sel::Mark(did, id) => {
            s.ident(did).sql(" = ").i64(id);
        }
        Sel::LiveFilter(f) => {
            s.sql("(").fragment(f).sql(") AND ");
            live(s, None, table);
        }
        Sel::Filter(f) => {
            s.sql("(").fragment(f).sql(")");
        }
        Sel::HiddenBefore(cutoff) => {
            hidden(s, None, table);
            s.sql(" AND ")
                .ident(table.marker)
                .sql(" < ")
                .time(table.marker_kind, cutoff);
        }
        Sel::Under {
            fk,
            parent: up,
            did,
            mark,
        } => {
            s.cols(fk).sql(" IN ");
            keys(s, up, Sel::Mark(did, mark), None, target);
        }
    }
}

/// `p.a = t.x AND p.b = t.y`: parent alias `p`'s key equals the foreign key of `child`.
pub(crate) fn parent_is<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    p: &'a str,
    parent: &'static TableMeta,
    child: &'static TableName,
    fk: &'static [&'static str],
) {
    for (i, (pk, fk)) in parent.primary_key.iter().zip(fk).enumerate() {
        if i > 0 {
            s.sql(" AND ");
        }
        s.col(p, pk).sql(" = ").table_col(child, fk);
    }
}

/// `SELECT COUNT(*) FROM table WHERE ` — the caller appends the condition.
pub(crate) fn count_from<'a, DB: SoftDeleteBackend>(table: &'static TableName) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("SELECT COUNT(*) FROM ").table(table).sql(" WHERE ");
    s
}

/// `UPDATE table` — the caller appends `SET ...`.
pub(crate) fn update<'a, DB: SoftDeleteBackend>(table: &'static TableName) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("UPDATE ").table(table);
    s
}

/// `DELETE FROM table WHERE ` — the caller appends the condition.
pub(crate) fn delete_from<'a, DB: SoftDeleteBackend>(table: &'static TableName) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("DELETE FROM ").table(table).sql(" WHERE ");
    s
}

/// `(col = <value>)`, byte for byte on every backend: on MySQL/MariaDB, which compare text
/// under the column's collation (case- and trailing-space-insensitive), both sides are also
/// compared as their UTF-8 bytes — the rendering of `backend::exact::exact_eq`, for statements
/// built as a [`Stmt`].
pub(crate) fn exact<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    col: &'static str,
    value: impl Fn(&mut Stmt<'a, DB>),
) {
    s.sql("(").ident(col).sql(" = ");
    value(s);
    if DB::DIALECT == Dialect::Mysql {
        s.sql(" AND ");
        utf8_bytes(s, |s| {
            s.ident(col);
        });
        s.sql(" = ");
        utf8_bytes(s, &value);
    }
    s.sql(")");
}

/// On MySQL the UTF-8 bytes of `text` ([`UTF8_BYTES`], which never compare case- or
/// pad-insensitively); elsewhere the text itself.
pub(crate) fn utf8_bytes<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    text: impl Fn(&mut Stmt<'a, DB>),
) {
    if DB::DIALECT == Dialect::Mysql {
        s.sql(UTF8_BYTES.0);
        text(s);
        s.sql(UTF8_BYTES.1);
    } else {
        text(s);
    }
}
