//! The executors the engine runs on: what an operation can do with its connection.
//!
//! The engine's operations are `async fn`s generic over [`Exec`]: they decide which statement
//! comes next, and the executor sends it. The synchronous API drives them with [`Blocking`],
//! whose every future is ready when first polled (each method runs its statement on a Diesel
//! [`Connection`](diesel::Connection) and returns), polled to completion by [`block_on`] without
//! any async runtime. An asynchronous executor drives the very same `async fn`s over an async
//! connection, so the statements and the decisions between them exist once.

use std::any::Any;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use diesel::connection::TransactionManager;
use diesel::QueryResult;
#[cfg(feature = "async")]
use diesel_async::TransactionManager as AsyncTransactionManager;

#[cfg(feature = "async")]
use crate::backend::sealed::AsyncOps;
use crate::backend::sealed::Ops;
use crate::backend::SoftDeleteBackend;
use crate::connection::SoftDeleteConnection;
use crate::record::{Changeset, NewChangeset, NewErasure};
use crate::statements::builder::Stmt;

/// A connection the engine can drive: statement runs, the transaction manager, the typed
/// statements over the runtime's own tables (`sealed::Ops`), and what hooks receive.
pub(crate) trait Exec {
    /// The connection's backend.
    type Backend: SoftDeleteBackend;

    /// Runs `stmt`, returning the number of rows it changed.
    async fn execute(&mut self, stmt: &Stmt<'_, Self::Backend>) -> QueryResult<usize>;
    /// Runs a query whose single column is a `BigInt`.
    async fn load_i64(&mut self, stmt: &Stmt<'_, Self::Backend>) -> QueryResult<Vec<i64>>;
    /// Runs a query whose single column is `Text`.
    async fn load_text(&mut self, stmt: &Stmt<'_, Self::Backend>) -> QueryResult<Vec<String>>;
    /// Runs a `SELECT COUNT(*)`-style query and returns its single value (0 for no row).
    async fn load_scalar(&mut self, stmt: &Stmt<'_, Self::Backend>) -> QueryResult<i64> {
        Ok(self.load_i64(stmt).await?.first().copied().unwrap_or(0))
    }
    /// Runs SQL without binds (`SET TRANSACTION ...`).
    async fn batch_execute(&mut self, sql: &str) -> QueryResult<()>;

    /// How many transactions and savepoints are open; `None` when the transaction manager is in
    /// its error state.
    fn depth(&mut self) -> Option<u32>;
    /// Opens a transaction, or a savepoint inside one.
    async fn begin(&mut self) -> QueryResult<()>;
    /// Commits the innermost transaction or savepoint.
    async fn commit(&mut self) -> QueryResult<()>;
    /// Rolls back the innermost transaction or savepoint.
    async fn rollback(&mut self) -> QueryResult<()>;

    /// `Ops::insert_changeset`.
    async fn insert_changeset(&mut self, new: &NewChangeset<'_>) -> QueryResult<i64>;
    /// `Ops::set_rows_affected`.
    async fn set_rows_affected(&mut self, id: i64, rows: i64) -> QueryResult<usize>;
    /// `Ops::claim_restore`.
    async fn claim_restore(
        &mut self,
        id: i64,
        at: chrono::NaiveDateTime,
        actor: Option<&str>,
    ) -> QueryResult<usize>;
    /// `Ops::delete_changeset`.
    async fn delete_changeset(&mut self, id: i64) -> QueryResult<usize>;
    /// `Ops::find_changeset`.
    async fn find_changeset(&mut self, id: i64) -> QueryResult<Option<Changeset>>;
    /// `Ops::insert_erasure`.
    async fn insert_erasure(&mut self, new: &NewErasure<'_>) -> QueryResult<i64>;

    /// The connection a hook reaches through `HookContext::connection`: the one the caller
    /// passed to the operation.
    fn hook_connection(&mut self) -> &mut dyn Any;
}

/// The synchronous executor: a Diesel connection, every future ready at once.
pub(crate) struct Blocking<'c, C>(pub(crate) &'c mut C);

impl<C: SoftDeleteConnection> Exec for Blocking<'_, C> {
    type Backend = C::Backend;

    async fn execute(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<usize> {
        stmt.execute(self.0)
    }
    async fn load_i64(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<i64>> {
        stmt.load_i64(self.0)
    }
    async fn load_text(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<String>> {
        stmt.load_text(self.0)
    }
    async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        self.0.batch_execute(sql)
    }

    fn depth(&mut self) -> Option<u32> {
        let status = C::TransactionManager::transaction_manager_status_mut(self.0);
        let depth = status.transaction_depth().ok()?;
        Some(depth.map_or(0, |d| d.get()))
    }
    async fn begin(&mut self) -> QueryResult<()> {
        C::TransactionManager::begin_transaction(self.0)
    }
    async fn commit(&mut self) -> QueryResult<()> {
        C::TransactionManager::commit_transaction(self.0)
    }
    async fn rollback(&mut self) -> QueryResult<()> {
        C::TransactionManager::rollback_transaction(self.0)
    }

    async fn insert_changeset(&mut self, new: &NewChangeset<'_>) -> QueryResult<i64> {
        <C::Backend as Ops>::insert_changeset(self.0, new)
    }
    async fn set_rows_affected(&mut self, id: i64, rows: i64) -> QueryResult<usize> {
        <C::Backend as Ops>::set_rows_affected(self.0, id, rows)
    }
    async fn claim_restore(
        &mut self,
        id: i64,
        at: chrono::NaiveDateTime,
        actor: Option<&str>,
    ) -> QueryResult<usize> {
        <C::Backend as Ops>::claim_restore(self.0, id, at, actor)
    }
    async fn delete_changeset(&mut self, id: i64) -> QueryResult<usize> {
        <C::Backend as Ops>::delete_changeset(self.0, id)
    }
    async fn find_changeset(&mut self, id: i64) -> QueryResult<Option<Changeset>> {
        <C::Backend as Ops>::find_changeset(self.0, id)
    }
    async fn insert_erasure(&mut self, new: &NewErasure<'_>) -> QueryResult<i64> {
        <C::Backend as Ops>::insert_erasure(self.0, new)
    }

    fn hook_connection(&mut self) -> &mut dyn Any {
        self.0
    }
}

/// Runs `future` to completion on this thread, without a runtime.
///
/// Meant for the engine driven by [`Blocking`]: nothing in it waits for a wake-up, so the first
/// poll returns `Ready`. Should a future ever return `Pending`, it is polled again (a no-op
/// waker cannot be woken), never dropped half-way.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// The asynchronous executor (feature `async`): a diesel-async connection, each statement
/// awaited.
#[cfg(feature = "async")]
pub(crate) struct Awaiting<'c, C>(pub(crate) &'c mut C);

#[cfg(feature = "async")]
impl<C> Exec for Awaiting<'_, C>
where
    C: crate::connection::SoftDeleteAsyncConnection,
{
    type Backend = C::Backend;

    async fn execute(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<usize> {
        diesel_async::AsyncConnectionCore::execute_returning_count(&mut *self.0, stmt).await
    }
    async fn load_i64(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<i64>> {
        let typed = crate::statements::builder::Typed(stmt, std::marker::PhantomData);
        <C::Backend as AsyncOps>::load_i64(&mut *self.0, typed).await
    }
    async fn load_text(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<String>> {
        let typed = crate::statements::builder::Typed(stmt, std::marker::PhantomData);
        <C::Backend as AsyncOps>::load_text(&mut *self.0, typed).await
    }
    async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        diesel_async::SimpleAsyncConnection::batch_execute(&mut *self.0, sql).await
    }

    fn depth(&mut self) -> Option<u32> {
        let status =
            <C::TransactionManager as AsyncTransactionManager<C>>::transaction_manager_status_mut(
                self.0,
            );
        let depth = status.transaction_depth().ok()?;
        Some(depth.map_or(0, |d| d.get()))
    }
    async fn begin(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::begin_transaction(self.0).await
    }
    async fn commit(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::commit_transaction(self.0).await
    }
    async fn rollback(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::rollback_transaction(self.0).await
    }

    async fn insert_changeset(&mut self, new: &NewChangeset<'_>) -> QueryResult<i64> {
        <C::Backend as AsyncOps>::insert_changeset(self.0, new).await
    }
    async fn set_rows_affected(&mut self, id: i64, rows: i64) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::set_rows_affected(self.0, id, rows).await
    }
    async fn claim_restore(
        &mut self,
        id: i64,
        at: chrono::NaiveDateTime,
        actor: Option<&str>,
    ) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::claim_restore(self.0, id, at, actor).await
    }
    async fn delete_changeset(&mut self, id: i64) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::delete_changeset(self.0, id).await
    }
    async fn find_changeset(&mut self, id: i64) -> QueryResult<Option<Changeset>> {
        <C::Backend as AsyncOps>::find_changeset(self.0, id).await
    }
    async fn insert_erasure(&mut self, new: &NewErasure<'_>) -> QueryResult<i64> {
        <C::Backend as AsyncOps>::insert_erasure(self.0, new).await
    }

    fn hook_connection(&mut self) -> &mut dyn Any {
        self.0
    }
}
