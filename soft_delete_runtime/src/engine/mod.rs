//! The set-based engine: every operation is a fixed number of statements per edge of the
//! cascade graph and per level, whatever the number of rows. No row is loaded into memory.
//!
//! # One engine, two drivers
//!
//! Every operation is written once, as an `async fn` generic over an executor
//! ([`Exec`]): the engine builds each statement (`statements::*`), decides from the results
//! what comes next (which edge to follow, which parents to lock, when a purge stops), and hands
//! the statement to the executor, which sends it (`execute`, `load_i64`, `load_text`,
//! `load_scalar`, the changeset-table statements of `sealed::Ops`, the transaction manager) and
//! runs hooks on the caller's connection ([`Exec::run_hook`]: the synchronous hook, or the
//! `*_async` one). [`transaction`] is generic too: begin, commit, rollback to the caller's
//! depth, and a panic caught at whichever poll of the body it happens in.
//!
//! The synchronous API (`SoftDelete`, `Changeset`) drives the operations with [`Blocking`] over
//! a Diesel connection: each of its methods runs its statement and returns, so every future is
//! ready when first polled, and [`block_on`] polls the operation once, with a no-op waker and no
//! runtime. The asynchronous executor (`Awaiting`, feature `async`) over a diesel-async
//! connection drives the same `async fn`s awaiting each statement. Nothing but the executor
//! differs between the two, so no statement and no decision between statements exists twice,
//! and both send the same statements.

mod context;
pub(crate) mod erase;
mod exec;
pub(crate) mod export;
mod graph;
pub(crate) mod inspect;
mod protect;
pub(crate) mod records;
pub(crate) mod remove;
pub(crate) mod restore;
pub(crate) mod soft_delete;

use std::future::{poll_fn, Future};
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::Poll;

use crate::backend::{Dialect, SoftDeleteBackend};
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::record::Changeset;
use crate::registry::graph;
pub(crate) use context::Op;
#[cfg(feature = "async")]
pub(crate) use exec::Awaiting;
pub(crate) use exec::{block_on, Blocking, Exec};

/// Runs `f` in a transaction (a savepoint when one is open) over the cascade graph under `scope`
/// (`None`: not known before the transaction starts).
///
/// All or nothing, even when `f` panics (a hook, the engine): whatever `f` returns or however it
/// ends, the transaction is committed only on `Ok`; on `Err` or an unwinding panic it is rolled
/// back, together with any transaction a hook opened inside it and left open, so the connection
/// is left at the transaction depth it had before the call, and the panic then resumes. (Diesel's
/// own `Connection::transaction` neither commits nor rolls back when its closure unwinds: the
/// open transaction would swallow every later write on the connection.) A panic is caught at
/// whichever poll of `f`'s future it happens in.
///
/// On PostgreSQL a transaction the engine opens itself picks its isolation level from that graph
/// (see [`Isolation`]; `SERIALIZABLE` when the graph is unknown); inside a caller's transaction
/// the caller's level applies. SQLite serialises writers itself; InnoDB's `UPDATE`s read the
/// latest committed rows under locks, which keeps these statements consistent at its default
/// `REPEATABLE READ`.
pub(crate) async fn transaction<E, T>(
    e: &mut E,
    scope: Option<&'static TableMeta>,
    f: impl AsyncFnOnce(&mut E) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    E: Exec,
{
    let depth = transaction_depth(e);
    let set_level = <E::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres && depth == 0;
    e.enter();
    let result = run_in_transaction(e, depth, set_level, scope, f).await;
    e.leave();
    result
}

/// [`transaction`] between [`Exec::enter`] and [`Exec::leave`]: begin, the body, then commit or
/// roll back.
async fn run_in_transaction<E, T>(
    e: &mut E,
    depth: u32,
    set_level: bool,
    scope: Option<&'static TableMeta>,
    f: impl AsyncFnOnce(&mut E) -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError>
where
    E: Exec,
{
    e.begin().await?;
    let outcome = {
        let body = async {
            if set_level {
                let level = scope.map_or(Isolation::Serializable, Isolation::for_graph);
                e.batch_execute(level.statement()).await?;
            }
            f(&mut *e).await
        };
        let mut body = pin!(body);
        // `AssertUnwindSafe`: after an unwind nothing `body` touched is used again; its writes
        // are rolled back below and the panic goes on to the caller.
        poll_fn(
            |cx| match panic::catch_unwind(AssertUnwindSafe(|| body.as_mut().poll(cx))) {
                Ok(Poll::Pending) => Poll::Pending,
                Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
                Err(panic) => Poll::Ready(Err(panic)),
            },
        )
        .await
    };
    match outcome {
        Ok(Ok(value)) => match e.commit().await {
            Ok(()) => Ok(value),
            Err(commit) => {
                // Diesel rolls back a failed `COMMIT`, but may leave a savepoint whose
                // `RELEASE` failed open: close it, so the depth is the caller's again.
                let _ = roll_back_to(e, depth).await;
                Err(commit.into())
            }
        },
        Ok(Err(error)) => match roll_back_to(e, depth).await {
            // A broken transaction manager most likely comes from the error itself.
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
        Err(panic) => {
            // The panic is what the caller needs to see; a failed rollback leaves Diesel's
            // transaction manager in its error state, which pools treat as a broken connection.
            let _ = roll_back_to(e, depth).await;
            // The unwind skips `transaction`'s own `leave`; the transaction is finished here.
            e.leave();
            panic::resume_unwind(panic)
        }
    }
}

/// Rolls back open transactions and savepoints until `e` is at transaction depth `depth`.
async fn roll_back_to<E: Exec>(e: &mut E, depth: u32) -> diesel::QueryResult<()> {
    while transaction_depth(e) > depth {
        e.rollback().await?;
    }
    Ok(())
}

/// [`Exec::depth`], 0 in the error state: there is nothing the engine can roll back then.
fn transaction_depth<E: Exec>(e: &mut E) -> u32 {
    e.depth().unwrap_or(0)
}

/// Whether `e` has no transaction open (so the engine's own would be the outermost one).
pub(crate) fn outside_transaction<E: Exec>(e: &mut E) -> bool {
    e.depth() == Some(0)
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
pub(crate) async fn changeset<E: Exec>(e: &mut E, id: i64) -> Result<Changeset, SoftDeleteError> {
    e.find_changeset(id)
        .await?
        .ok_or(SoftDeleteError::ChangesetNotFound { id })
}

/// The facts of the table a changeset started from.
pub(crate) fn root_of(changeset: &Changeset) -> Result<&'static TableMeta, SoftDeleteError> {
    graph()
        .table(&changeset.root_table)
        .ok_or_else(|| SoftDeleteError::UnknownTable {
            table: changeset.root_table.clone(),
        })
}
