//! The set-based engine: every operation is a fixed number of statements per edge of the
//! cascade graph and per level, whatever the number of rows. No row is loaded into memory.

mod context;
mod graph;
pub(crate) mod inspect;
mod protect;
pub(crate) mod remove;
pub(crate) mod restore;
pub(crate) mod soft_delete;

use diesel::connection::TransactionManager;

use crate::backend::sealed::Ops;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::connection::SoftDeleteConnection;
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::record::Changeset;
use crate::registry::graph;
pub(crate) use context::Op;

/// Runs `f` in a transaction (a savepoint when one is open) over the cascade graph under `scope`
/// (`None`: not known before the transaction starts).
///
/// On PostgreSQL a transaction the engine opens itself picks its isolation level from that graph
/// (see [`Isolation`]; `SERIALIZABLE` when the graph is unknown); inside a caller's transaction the caller's level applies. SQLite
/// serialises writers itself; InnoDB's `UPDATE`s read the latest committed rows under locks,
/// which keeps these statements consistent at its default `REPEATABLE READ`.
pub(crate) fn transaction<C, T>(
    conn: &mut C,
    scope: Option<&'static TableMeta>,
    f: impl FnOnce(&mut C) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    C: SoftDeleteConnection,
{
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
    pub(crate) fn for_graph(scope: &'static TableMeta) -> Isolation {
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

/// The record of changeset `id`.
pub(crate) fn changeset<C: SoftDeleteConnection>(
    conn: &mut C,
    id: i64,
) -> Result<Changeset, SoftDeleteError> {
    <C::Backend as Ops>::find_changeset(conn, id)?.ok_or(SoftDeleteError::ChangesetNotFound { id })
}

/// The facts of the table a changeset started from.
pub(crate) fn root_of(changeset: &Changeset) -> Result<&'static TableMeta, SoftDeleteError> {
    graph()
        .table(&changeset.root_table)
        .ok_or_else(|| SoftDeleteError::UnknownTable {
            table: changeset.root_table.clone(),
        })
}
