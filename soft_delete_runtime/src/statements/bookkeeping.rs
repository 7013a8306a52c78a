//! The statements that keep the changeset record true while rows change under it: a permanent
//! removal counts the hidden rows it takes from each changeset, and a restore that defers rows to
//! another changeset adds them to that changeset's count. Each is one `UPDATE` of
//! `soft_delete_changesets` joined to a grouped count over the user table, whatever the number of
//! rows or changesets involved.
//!
//! A join, not `WHERE id IN (SELECT ..)`: InnoDB then locks only the changesets it changes (an
//! `IN` sub-select in an `UPDATE` made MariaDB scan, and lock, the whole record table, which
//! stalled concurrent writers).

use diesel::Column;

use super::builder::Stmt;
use super::clauses::{self, Sel};
use super::Edge;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::{MarkerKind, TableMeta};
use crate::schema::soft_delete_changesets as cs;
use crate::table_name::{TableName, TableRef};
use crate::time::Instant;

/// `soft_delete_changesets`, named as Diesel names it.
static CHANGESETS: TableRef = TableRef::of::<cs::table>();

/// `soft_delete_changesets`, named as Diesel names it (also for `migration::install`).
pub(crate) fn changesets() -> &'static TableName {
    CHANGESETS.get()
}

/// The derived table's alias and columns: one row per changeset and the rows counted for it.
const COUNTS: &str = "sd_counts";
const CHANGESET: &str = "sd_changeset";
const ROWS: &str = "sd_rows";

/// Rows of a table that a removal is about to take.
pub(crate) enum Taken<'a, DB> {
    /// The rows whose key is among those `sel` picks (up to `limit`): the seed of a removal.
    Keys(Sel<'a, DB>, Option<i64>),
    /// The rows `sel` picks (a level under marked parents, or a leaf table's rows).
    Rows(Sel<'a, DB>),
}

impl<DB> Clone for Closed<'_, DB> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<DB> Copy for Closed<'_, DB> {}

impl<DB> Clone for Taken<'_, DB> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<DB> Copy for Taken<'_, DB> {}

/// Before a removal takes rows of `m` (`did`: its `deletion_id` column): adds to each
/// changeset the number of its hidden rows among them, and stamps `removed_at` on those left
/// with nothing to restore.
///
/// `UPDATE soft_delete_changesets SET removed_at = CASE WHEN rows_removed + sd_rows >=
/// rows_affected THEN at ELSE removed_at END, rows_removed = rows_removed + sd_rows FROM (SELECT
/// did AS sd_changeset, COUNT(*) AS sd_rows FROM m WHERE did > 0 AND <taken> GROUP BY did) AS
/// sd_counts WHERE id = sd_changeset AND restored_at IS NULL` (see [`joined_update`] for MySQL).
/// `removed_at` comes first because MySQL assigns left to right. (The removal's own marks are
/// negative, changeset ids positive.)
pub(crate) fn count_removed<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    did: &'static str,
    taken: Taken<'a, DB>,
    at: Instant,
) -> Stmt<'a, DB> {
    let mut counts = Stmt::new();
    counts
        .sql("SELECT ")
        .ident(did)
        .sql(" AS ")
        .ident(CHANGESET);
    counts
        .sql(", COUNT(*) AS ")
        .ident(ROWS)
        .sql(" FROM ")
        .table(m.sql());
    counts
        .sql(" WHERE ")
        .ident(did)
        .sql(" > ")
        .i64(0)
        .sql(" AND ");
    match taken {
        Taken::Keys(sel, limit) => {
            counts.cols(m.primary_key).sql(" IN ");
            clauses::keys(&mut counts, m, sel, limit, changesets());
        }
        Taken::Rows(sel) => clauses::condition(&mut counts, m, sel, changesets()),
    }
    counts.sql(" GROUP BY ").ident(did);

    let (removed, removed_at) = (cs::rows_removed::NAME, cs::removed_at::NAME);
    let mut s = joined_update(counts, |s| {
        set(s, removed_at).sql("CASE WHEN ");
        col(s, removed).sql(" + ").col(COUNTS, ROWS).sql(" >= ");
        col(s, cs::rows_affected::NAME).sql(" THEN ");
        s.time(MarkerKind::Timestamp, at).sql(" ELSE ");
        col(s, removed_at).sql(" END, ");
        set(s, removed);
        col(s, removed).sql(" + ").col(COUNTS, ROWS);
    });
    s.sql(" AND ");
    col(&mut s, cs::restored_at::NAME).sql(" IS NULL");
    s
}

/// The rows changeset `id` hides in `edge`'s child table (`child_did`: its `deletion_id`
/// column) whose parent through `edge` is hidden by another changeset, counted per that
/// changeset: rows `(changeset, count)`, ordered by changeset.
///
/// `SELECT p.did, COUNT(*) FROM <waiting children> AND p.did <> id GROUP BY p.did ORDER BY
/// p.did` (see [`waiting_counts`]).
///
/// On MySQL a locking read (`LOCK IN SHARE MODE`, which MySQL 8 and MariaDB both take): the
/// restore decides from the parents' state, so a soft delete hiding one of them must wait for
/// the restore (then cascade over the restored rows), and a soft delete already under way must
/// finish first (then the parent reads hidden). A plain `SELECT` would read InnoDB's snapshot
/// and could restore a child under a parent hidden meanwhile. (PostgreSQL locked the parents
/// before, with `lock_parents`; SQLite has one writer at a time.) Not cached as a prepared
/// statement there: once a cached locking `SELECT` had failed (a deadlock under concurrent
/// writers), its next execution on that connection hung in libmariadb's `mysql_stmt_execute`
/// with the server idle (seen with MariaDB 10.11 in `tests/it/concurrency.rs`).
pub(crate) fn deferred_counts<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let mut s = waiting_counts(edge, child_did, id);
    s.sql(" ORDER BY ").col(PARENT, edge.parent_did);
    if DB::DIALECT == Dialect::Mysql {
        s.sql(" LOCK IN SHARE MODE").uncached();
    }
    s
}

/// Adds to each changeset hiding a parent through `edge` the rows of changeset `id` that
/// [`deferred_counts`] found under its parents (they are about to move to it): `UPDATE
/// soft_delete_changesets SET rows_affected = rows_affected + sd_rows FROM (<deferred counts>) AS
/// sd_counts WHERE id = sd_changeset` (see [`joined_update`] for MySQL).
pub(crate) fn take_deferred<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let affected = cs::rows_affected::NAME;
    joined_update(waiting_counts(edge, child_did, id), |s| {
        set(s, affected);
        col(s, affected).sql(" + ").col(COUNTS, ROWS);
    })
}

/// The alias of the parent table in [`waiting_counts`].
const PARENT: &str = "sd_parent";

/// `SELECT p.did AS sd_changeset, COUNT(*) AS sd_rows FROM child INNER JOIN parent AS sd_parent
/// ON <sd_parent is child's parent> WHERE child.did = id AND sd_parent.did <> id AND <sd_parent
/// hidden> GROUP BY sd_parent.did`: the rows of changeset `id` in `edge`'s child table waiting
/// for a parent hidden by another changeset, per that changeset.
fn waiting_counts<DB: SoftDeleteBackend>(
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Stmt<'static, DB> {
    let (parent, child) = (edge.parent, edge.child.sql());
    let pdid = edge.parent_did;
    let mut s = Stmt::new();
    s.sql("SELECT ")
        .col(PARENT, pdid)
        .sql(" AS ")
        .ident(CHANGESET);
    s.sql(", COUNT(*) AS ")
        .ident(ROWS)
        .sql(" FROM ")
        .table(child);
    s.sql(" INNER JOIN ")
        .table(parent.sql())
        .sql(" AS ")
        .ident(PARENT);
    s.sql(" ON ");
    clauses::parent_is(&mut s, PARENT, parent, child, edge.fk);
    s.sql(" WHERE ")
        .table_col(child, child_did)
        .sql(" = ")
        .i64(id);
    s.sql(" AND ")
        .col(PARENT, pdid)
        .sql(" <> ")
        .i64(id)
        .sql(" AND ");
    clauses::hidden(&mut s, Some(PARENT), parent);
    s.sql(" GROUP BY ").col(PARENT, pdid);
    s
}

/// `UPDATE soft_delete_changesets` joined to `counts` (a select of `sd_changeset`, `sd_rows`) as
/// `sd_counts`, with the assignments `set` writes; the caller may append `AND ..`.
/// PostgreSQL and SQLite: `UPDATE t SET .. FROM (<counts>) AS sd_counts WHERE t.id =
/// sd_counts.sd_changeset`; MySQL: `UPDATE t INNER JOIN (<counts>) AS sd_counts ON t.id =
/// sd_counts.sd_changeset SET .. WHERE 1 = 1`.
fn joined_update<'a, DB: SoftDeleteBackend>(
    counts: Stmt<'a, DB>,
    set: impl FnOnce(&mut Stmt<'a, DB>),
) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    s.sql("UPDATE ").table(changesets());
    if DB::DIALECT == Dialect::Mysql {
        s.sql(" INNER JOIN (")
            .append(counts)
            .sql(") AS ")
            .ident(COUNTS);
        s.sql(" ON ");
        col(&mut s, cs::id::NAME).sql(" = ").col(COUNTS, CHANGESET);
        s.sql(" SET ");
        set(&mut s);
        s.sql(" WHERE ").i64(1).sql(" = ").i64(1);
    } else {
        s.sql(" SET ");
        set(&mut s);
        s.sql(" FROM (").append(counts).sql(") AS ").ident(COUNTS);
        s.sql(" WHERE ");
        col(&mut s, cs::id::NAME).sql(" = ").col(COUNTS, CHANGESET);
    }
    s
}

/// `col = ` in a `SET` list: bare on PostgreSQL and SQLite, which refuse a qualified target;
/// qualified on MySQL, where the join makes a bare name ambiguous.
fn set<'s, 'a, DB: SoftDeleteBackend>(
    s: &'s mut Stmt<'a, DB>,
    column: &'static str,
) -> &'s mut Stmt<'a, DB> {
    if DB::DIALECT == Dialect::Mysql {
        col(s, column);
    } else {
        s.ident(column);
    }
    s.sql(" = ")
}

/// A column of `soft_delete_changesets`, qualified by its table.
fn col<'s, 'a, DB: SoftDeleteBackend>(
    s: &'s mut Stmt<'a, DB>,
    column: &'static str,
) -> &'s mut Stmt<'a, DB> {
    s.table_col(changesets(), column)
}

/// How the changesets of a table without `deletion_id` end: such a changeset names its one row
/// only by `root_table` and `root_key` (a single-row soft delete).
pub(crate) enum Closed<'a, DB> {
    /// The row `key` (its text form) was restored through the row, by `actor`.
    Restored {
        key: &'a str,
        actor: Option<&'a str>,
    },
    /// The rows whose key is among those `sel` picks (up to `limit`) are about to be removed;
    /// only for a one-column key, whose text the database writes as `key_text` does.
    Removed(Sel<'a, DB>, Option<i64>),
}

/// Closes the open changesets (neither restored nor removed) of `m`, a table without
/// `deletion_id`, whose `root_key` names a row `closed` says has come back or is going:
/// `UPDATE soft_delete_changesets SET restored_at = at, restored_by = actor | removed_at = at,
/// rows_removed = rows_affected WHERE root_table = <m> AND restored_at IS NULL AND removed_at IS
/// NULL AND root_key = key | root_key IN (SELECT CAST(pk AS TEXT) FROM m WHERE pk IN <keys>)`.
/// Text is compared byte for byte on MySQL too (see [`clauses::exact`]).
pub(crate) fn close_row_changesets<'a, DB: SoftDeleteBackend>(
    m: &'static TableMeta,
    closed: Closed<'a, DB>,
    at: Instant,
) -> Stmt<'a, DB> {
    let mut s = clauses::update(changesets());
    s.sql(" SET ");
    match closed {
        Closed::Restored { actor, .. } => {
            s.ident(cs::restored_at::NAME).sql(" = ");
            s.time(MarkerKind::Timestamp, at).sql(", ");
            s.ident(cs::restored_by::NAME).sql(" = ");
            match actor {
                Some(actor) => s.text(actor),
                None => s.sql("NULL"),
            };
        }
        Closed::Removed(..) => {
            s.ident(cs::removed_at::NAME).sql(" = ");
            s.time(MarkerKind::Timestamp, at).sql(", ");
            s.ident(cs::rows_removed::NAME).sql(" = ");
            s.ident(cs::rows_affected::NAME);
        }
    }
    s.sql(" WHERE ");
    clauses::exact(&mut s, cs::root_table::NAME, |s| {
        s.text(m.identity());
    });
    s.sql(" AND ")
        .ident(cs::restored_at::NAME)
        .sql(" IS NULL AND ");
    s.ident(cs::removed_at::NAME).sql(" IS NULL AND ");
    match closed {
        Closed::Restored { key, .. } => clauses::exact(&mut s, cs::root_key::NAME, |s| {
            s.text(key);
        }),
        Closed::Removed(sel, limit) => {
            clauses::utf8_bytes(&mut s, |s| {
                s.ident(cs::root_key::NAME);
            });
            s.sql(" IN (SELECT ");
            clauses::utf8_bytes(&mut s, |s| {
                s.sql("CAST(").list(m.primary_key);
                s.sql(if DB::DIALECT == Dialect::Mysql {
                    " AS CHAR)"
                } else {
                    " AS TEXT)"
                });
            });
            s.sql(" FROM ").table(m.sql()).sql(" WHERE ");
            s.cols(m.primary_key).sql(" IN ");
            clauses::keys(&mut s, m, sel, limit, changesets());
            s.sql(")");
        }
    }
    s
}
