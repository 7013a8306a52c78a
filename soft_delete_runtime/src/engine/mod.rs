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

/// Runs `f` in a transaction (a savepoint when one is open) over the cascade graph under `scope`
/// (`None`: not known before the transaction starts).
///
/// On PostgreSQL a transaction the engine opens itself picks its isolation level from that graph
/// (see [`Isolation`]; `SERIALIZABLE` when the graph is unknown); inside a caller's transaction the caller's level applies. SQLite
/// serialises writers itself; InnoDB's `UPDATE`s read the latest committed rows under locks,
/// which keeps these statements consistent at its default `REPEATABLE READ`.
pub(crate) fn transaction<C, T>(
    conn: &mut C,
    scope: Option<&'static crate::TableMeta>,
    f: impl FnOnce(&mut C) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    C: SoftDeleteConnection,
{
    use crate::backend::{Dialect, SoftDeleteBackend};
    let set_level = <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres
        && outside_transaction(conn);
    conn.transaction(|conn| {
        if set_level {
            let level = scope.map_or(Isolation::Serializable, Isolation::for_graph);
            conn.batch_execute(level.statement())?;
        }
        f(conn)
    })
}

/// Whether `conn` has no transaction open (so the engine's own would be the outermost one).
pub(crate) fn outside_transaction<C: SoftDeleteConnection>(conn: &mut C) -> bool {
    use diesel::connection::TransactionManager;
    matches!(
        C::TransactionManager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(None)
    )
}

/// The isolation level of a transaction the engine opens itself on PostgreSQL.
///
/// A cascade reads parents and writes children in separate statements. At `READ COMMITTED` each
/// statement reads the latest committed rows, and a restore share-locks (`FOR SHARE`) the
/// parents it decides from, so a restore and a soft delete racing over *different* tables wait
/// for each other and then decide from committed state: `READ COMMITTED` is exact there. (Not
/// `REPEATABLE READ`: its single snapshot would miss a child restored while the soft delete
/// waited for the parent's lock.) When the graph has a cycle (a self-referencing table), one
/// statement both reads and writes the rows of one table, from one snapshot, and only
/// `SERIALIZABLE` is exact: one of two racing transactions fails with the retryable
/// [`SoftDeleteError::Transient`] instead. `SERIALIZABLE` costs PostgreSQL about 15 % on large
/// cascades (BENCHMARKS.md), so it is used only there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isolation {
    ReadCommitted,
    Serializable,
}

impl Isolation {
    /// The level for an operation over the cascade graph reachable from `scope`.
    pub(crate) fn for_graph(scope: &'static crate::TableMeta) -> Isolation {
        if graph::components_from(scope).iter().any(|c| c.cyclic) {
            Isolation::Serializable
        } else {
            Isolation::ReadCommitted
        }
    }

    fn statement(self) -> &'static str {
        match self {
            Isolation::ReadCommitted => "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            Isolation::Serializable => "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        }
    }
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
