//! The set-based engine: every operation is a fixed number of statements per edge of the
//! cascade graph and per level, whatever the number of rows. No row is loaded into memory.

mod context;
pub(crate) mod erase;
pub(crate) mod export;
mod graph;
pub(crate) mod inspect;
mod protect;
pub(crate) mod remove;
pub(crate) mod restore;
pub(crate) mod soft_delete;

use std::panic::{self, AssertUnwindSafe};

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
/// All or nothing, even when `f` panics (a hook, the engine): whatever `f` returns or however it
/// ends, the transaction is committed only on `Ok`; on `Err` or an unwinding panic it is rolled
/// back, together with any transaction a hook opened inside it and left open, so the connection
/// is left at the transaction depth it had before the call, and the panic then resumes. (Diesel's
/// own `Connection::transaction` neither commits nor rolls back when its closure unwinds: the
/// open transaction would swallow every later write on the connection.)
///
/// On PostgreSQL a transaction the engine opens itself picks its isolation level from that graph
/// (see [`Isolation`]; `SERIALIZABLE` when the graph is unknown); inside a caller's transaction
/// the caller's level applies. SQLite serialises writers itself; InnoDB's `UPDATE`s read the
/// latest committed rows under locks, which keeps these statements consistent at its default
/// `REPEATABLE READ`.
pub(crate) fn transaction<C, T>(
    conn: &mut C,
    scope: Option<&'static TableMeta>,
    f: impl FnOnce(&mut C) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    C: SoftDeleteConnection,
{
    let depth = transaction_depth(conn);
    let set_level = <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres && depth == 0;
    C::TransactionManager::begin_transaction(conn)?;
    // `AssertUnwindSafe`: after an unwind nothing `f` touched is used again; its writes are
    // rolled back below and the panic goes on to the caller.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        if set_level {
            let level = scope.map_or(Isolation::Serializable, Isolation::for_graph);
            conn.batch_execute(level.statement())?;
        }
        f(conn)
    }));
    match outcome {
        Ok(Ok(value)) => match C::TransactionManager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(commit) => {
                // Diesel rolls back a failed `COMMIT`, but may leave a savepoint whose
                // `RELEASE` failed open: close it, so the depth is the caller's again.
                let _ = roll_back_to(conn, depth);
                Err(commit.into())
            }
        },
        Ok(Err(error)) => match roll_back_to(conn, depth) {
            // A broken transaction manager most likely comes from the error itself.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
        Err(panic) => {
            // The panic is what the caller needs to see; a failed rollback leaves Diesel's
            // transaction manager in its error state, which pools treat as a broken connection.
            let _ = roll_back_to(conn, depth);
            panic::resume_unwind(panic)
        }
    }
}

/// Rolls back open transactions and savepoints until `conn` is at transaction depth `depth`.
fn roll_back_to<C: SoftDeleteConnection>(conn: &mut C, depth: u32) -> diesel::QueryResult<()> {
    while transaction_depth(conn) > depth {
        C::TransactionManager::rollback_transaction(conn)?;
    }
    Ok(())
}

/// How many transactions and savepoints are open on `conn`; `None` when its transaction
/// manager is in its error state.
fn open_depth<C: SoftDeleteConnection>(conn: &mut C) -> Option<u32> {
    let status = C::TransactionManager::transaction_manager_status_mut(conn);
    let depth = status.transaction_depth().ok()?;
    Some(depth.map_or(0, |d| d.get()))
}

/// [`open_depth`], 0 in the error state: there is nothing the engine can roll back then.
fn transaction_depth<C: SoftDeleteConnection>(conn: &mut C) -> u32 {
    open_depth(conn).unwrap_or(0)
}

/// Whether `conn` has no transaction open (so the engine's own would be the outermost one).
pub(crate) fn outside_transaction<C: SoftDeleteConnection>(conn: &mut C) -> bool {
    open_depth(conn) == Some(0)
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
