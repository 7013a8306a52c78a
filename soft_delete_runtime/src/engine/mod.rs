//! The set-based engine: every operation is a fixed number of statements per edge of the
//! cascade graph and per level, whatever the number of rows. No row is loaded into memory.

pub(crate) mod clauses;
pub(crate) mod graph;
pub(crate) mod inspect;
pub(crate) mod protect;
pub(crate) mod remove;
pub(crate) mod restore;
pub(crate) mod soft_delete;

use crate::connection::SoftDeleteConnection;
use crate::hooks::{HookContext, HookFn};
use crate::SoftDeleteError;

/// Runs `f` in a transaction (a savepoint when one is open).
///
/// On PostgreSQL a transaction the engine opens itself runs at `SERIALIZABLE`: a cascade reads
/// parents and writes children in separate statements, and at `READ COMMITTED` a concurrent
/// restore and soft delete can each miss the other's uncommitted rows and leave a live row under
/// a hidden parent. Under `SERIALIZABLE` one of them fails instead, with the retryable
/// [`SoftDeleteError::Transient`]. Inside a caller's transaction the caller's level applies.
/// SQLite serialises writers itself; InnoDB's `UPDATE`s read the latest committed rows under
/// locks, which keeps these statements consistent at its default `REPEATABLE READ`.
pub(crate) fn transaction<C, T>(
    conn: &mut C,
    f: impl FnOnce(&mut C) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    C: SoftDeleteConnection,
{
    use crate::backend::{Dialect, SoftDeleteBackend};
    use diesel::connection::TransactionManager;
    let outermost = matches!(
        C::TransactionManager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(None)
    );
    conn.transaction(|conn| {
        if outermost && <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
        }
        f(conn)
    })
}

/// Who, why and when, as the hooks see it.
pub(crate) struct Audit<'a> {
    pub(crate) actor: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    pub(crate) at: chrono::NaiveDateTime,
}

/// Runs one hook of `table` on `conn`.
pub(crate) fn run_hook<C: SoftDeleteConnection>(
    conn: &mut C,
    hook: HookFn,
    table: &'static str,
    changeset_id: Option<i64>,
    audit: &Audit<'_>,
    rows: Option<u64>,
) -> Result<(), SoftDeleteError> {
    let mut ctx = HookContext {
        table,
        changeset_id,
        actor: audit.actor,
        reason: audit.reason,
        at: audit.at,
        rows,
        conn,
    };
    hook(&mut ctx)
}

/// The facts of the table a changeset started from.
pub(crate) fn root_of(
    changeset: &crate::Changeset,
) -> Result<&'static crate::TableMeta, SoftDeleteError> {
    crate::registry::graph()
        .table(&changeset.root_table)
        .ok_or_else(|| SoftDeleteError::UnknownTable {
            table: changeset.root_table.clone(),
        })
}

/// Per-table row counts, in the order tables were first touched.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableCounts(Vec<(&'static str, u64)>);

impl TableCounts {
    pub(crate) fn add(&mut self, table: &'static str, n: u64) {
        match self.0.iter_mut().find(|(t, _)| *t == table) {
            Some((_, c)) => *c += n,
            None => self.0.push((table, n)),
        }
    }
    /// Rows counted for `table` (0 when it was not touched).
    pub fn get(&self, table: &str) -> u64 {
        self.0
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, c)| *c)
    }
    /// Rows over all tables.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, c)| c).sum()
    }
    /// `(table, rows)` pairs, in the order the operation touched the tables.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().copied()
    }
    pub(crate) fn merge(&mut self, other: &TableCounts) {
        for (t, n) in other.iter() {
            self.add(t, n);
        }
    }
}
