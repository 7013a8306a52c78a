//! The executors the engine runs on: what an operation can do with its connection.
//!
//! The engine's operations are `async fn`s generic over [`Exec`]: they decide which statement
//! comes next, and the executor sends it. The synchronous API drives them with [`Blocking`],
//! whose every future is ready when first polled (each method runs its statement on a Diesel
//! [`Connection`](diesel::Connection) and returns), polled to completion by [`block_on`] without
//! any async runtime. An asynchronous executor drives the very same `async fn`s over an async
//! connection, so the statements and the decisions between them exist once.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use diesel::connection::{TransactionManager, TransactionManagerStatus};
use diesel::QueryResult;
#[cfg(feature = "async")]
use diesel_async::TransactionManager as AsyncTransactionManager;

#[cfg(feature = "async")]
use crate::backend::sealed::AsyncOps;
use crate::backend::sealed::Ops;
use crate::backend::SoftDeleteBackend;
use crate::connection::SoftDeleteConnection;
use crate::error::SoftDeleteError;
use crate::hooks::HookCall;
use crate::options::RedactOptions;
use crate::record::{Changeset, ChangesetFilter, ErasureRow, NewChangeset, NewErasure};
use crate::statements::builder::Stmt;

/// A connection the engine can drive: statement runs, the transaction manager, the typed
/// statements over the runtime's own tables (`sealed::Ops`), and what hooks receive.
pub(crate) trait Exec: Send {
    /// The connection's backend.
    type Backend: SoftDeleteBackend;

    /// Runs `stmt`, returning the number of rows it changed.
    fn execute(
        &mut self,
        stmt: &Stmt<'_, Self::Backend>,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
    /// Runs a query whose single column is a `BigInt`.
    fn load_i64(
        &mut self,
        stmt: &Stmt<'_, Self::Backend>,
    ) -> impl Future<Output = QueryResult<Vec<i64>>> + Send;
    /// Runs a query whose single column is `Text`.
    fn load_text(
        &mut self,
        stmt: &Stmt<'_, Self::Backend>,
    ) -> impl Future<Output = QueryResult<Vec<String>>> + Send;
    /// Runs a query whose two columns are `BigInt`s.
    fn load_pairs(
        &mut self,
        stmt: &Stmt<'_, Self::Backend>,
    ) -> impl Future<Output = QueryResult<Vec<(i64, i64)>>> + Send;
    /// Runs a `SELECT COUNT(*)`-style query and returns its single value (0 for no row).
    fn load_scalar(
        &mut self,
        stmt: &Stmt<'_, Self::Backend>,
    ) -> impl Future<Output = QueryResult<i64>> + Send {
        async move { Ok(self.load_i64(stmt).await?.first().copied().unwrap_or(0)) }
    }
    /// Runs SQL without binds (`SET TRANSACTION ...`).
    fn batch_execute(&mut self, sql: &str) -> impl Future<Output = QueryResult<()>> + Send;

    /// How many transactions and savepoints are open; `None` when the transaction manager is in
    /// its error state.
    fn depth(&mut self) -> Option<u32> {
        let depth = self.status().transaction_depth().ok()?;
        Some(depth.map_or(0, |d| d.get()))
    }
    /// The connection's transaction manager state (Diesel's type, which diesel-async shares).
    fn status(&mut self) -> &mut TransactionManagerStatus;
    /// Opens a transaction, or a savepoint inside one.
    fn begin(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
    /// Commits the innermost transaction or savepoint.
    fn commit(&mut self) -> impl Future<Output = QueryResult<()>> + Send;
    /// Rolls back the innermost transaction or savepoint.
    fn rollback(&mut self) -> impl Future<Output = QueryResult<()>> + Send;

    /// `Ops::insert_changeset`.
    fn insert_changeset(
        &mut self,
        new: &NewChangeset<'_>,
    ) -> impl Future<Output = QueryResult<i64>> + Send;
    /// `Ops::set_rows_affected`.
    fn set_rows_affected(
        &mut self,
        id: i64,
        rows: i64,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
    /// `Ops::claim_restore`.
    fn claim_restore(
        &mut self,
        id: i64,
        at: chrono::NaiveDateTime,
        actor: Option<&str>,
    ) -> impl Future<Output = QueryResult<usize>> + Send;
    /// `Ops::delete_changeset`.
    fn delete_changeset(&mut self, id: i64) -> impl Future<Output = QueryResult<usize>> + Send;
    /// `Ops::find_changeset`.
    fn find_changeset(
        &mut self,
        id: i64,
    ) -> impl Future<Output = QueryResult<Option<Changeset>>> + Send;
    /// `Ops::insert_erasure`.
    fn insert_erasure(
        &mut self,
        new: &NewErasure<'_>,
    ) -> impl Future<Output = QueryResult<i64>> + Send;

    /// `Ops::list_changesets`.
    fn list_changesets(
        &mut self,
        filter: &ChangesetFilter,
    ) -> impl Future<Output = QueryResult<Vec<Changeset>>> + Send;
    /// `Ops::list_erasures`.
    fn list_erasures(
        &mut self,
        before_id: Option<i64>,
        limit: i64,
    ) -> impl Future<Output = QueryResult<Vec<ErasureRow>>> + Send;
    /// `Ops::redact`.
    fn redact(&mut self, options: &RedactOptions) -> impl Future<Output = QueryResult<u64>> + Send;

    /// Runs the hook `call` names, of this executor's kind (the synchronous hook, or with
    /// feature `async` the `*_async` one), on the connection the caller passed to the
    /// operation (what `HookContext::connection` returns).
    fn run_hook(
        &mut self,
        call: &HookCall<'_>,
    ) -> impl Future<Output = Result<(), SoftDeleteError>> + Send;

    /// The engine's [`transaction`](super::transaction) has begun: until [`Exec::leave`], the
    /// connection holds a transaction only the engine can finish.
    fn enter(&mut self) {}
    /// The engine's transaction is finished (committed or rolled back).
    fn leave(&mut self) {}
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
    async fn load_pairs(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<(i64, i64)>> {
        stmt.load_pairs(self.0)
    }
    async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        self.0.batch_execute(sql)
    }

    fn status(&mut self) -> &mut TransactionManagerStatus {
        C::TransactionManager::transaction_manager_status_mut(self.0)
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

    async fn list_changesets(&mut self, filter: &ChangesetFilter) -> QueryResult<Vec<Changeset>> {
        <C::Backend as Ops>::list_changesets(self.0, filter)
    }
    async fn list_erasures(
        &mut self,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<ErasureRow>> {
        <C::Backend as Ops>::list_erasures(self.0, before_id, limit)
    }
    async fn redact(&mut self, options: &RedactOptions) -> QueryResult<u64> {
        <C::Backend as Ops>::redact(self.0, options)
    }

    async fn run_hook(&mut self, call: &HookCall<'_>) -> Result<(), SoftDeleteError> {
        (call.hooks.sync(call.which))(&mut call.context(self.0))
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
///
/// An operation's future can be dropped at any await point (a request timeout). Its
/// transaction is then neither committed nor rolled back, and the connection still has it open;
/// a later operation on the connection would nest inside it and "commit" into a transaction
/// nobody commits. So when an `Awaiting` is dropped inside the engine's transaction, it puts
/// the connection's transaction manager in its error state: every later transaction on the
/// connection fails with `BrokenTransactionManager`, and pools (deadpool, bb8) discard it as
/// broken. The database rolls the open transaction back when the connection closes.
#[cfg(feature = "async")]
pub(crate) struct Awaiting<'c, C: crate::connection::SoftDeleteAsyncConnection> {
    conn: &'c mut C,
    /// How many engine transactions are open on `conn` (see [`Exec::enter`]).
    open: u32,
}

#[cfg(feature = "async")]
impl<'c, C: crate::connection::SoftDeleteAsyncConnection> Awaiting<'c, C> {
    /// The executor over `conn`.
    pub(crate) fn new(conn: &'c mut C) -> Self {
        Awaiting { conn, open: 0 }
    }
}

#[cfg(feature = "async")]
impl<C: crate::connection::SoftDeleteAsyncConnection> Drop for Awaiting<'_, C> {
    fn drop(&mut self) {
        // The operation's future drops the statement it was awaiting before this executor (the
        // statement borrows it). On SQLite's `SyncConnectionWrapper` that drop waits for the
        // statement running on the blocking pool to finish (diesel-async 0.9.2), so the wrapped
        // connection and its transaction state are the wrapper's alone again here. Left open
        // instead, its transaction would take every later operation on the connection as a
        // savepoint that nobody commits.
        if self.open > 0 {
            self.status().set_in_error();
        }
    }
}

/// `future` as a boxed `dyn Future + Send`, proved `Send` where its lifetimes are named.
///
/// Awaited unboxed, a load's future holds the typed query's lifetimes, and rustc 1.86 (our
/// `rust-version`) fails to prove the loading `async fn` `Send` across them ("lifetime bound not
/// satisfied", rust-lang/rust#100013). One allocation per load; an operation sends a handful.
#[cfg(feature = "async")]
fn send_boxed<'a, T>(
    future: impl Future<Output = T> + Send + 'a,
) -> std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>> {
    Box::pin(future)
}

#[cfg(feature = "async")]
impl<C> Exec for Awaiting<'_, C>
where
    C: crate::connection::SoftDeleteAsyncConnection,
{
    fn enter(&mut self) {
        self.open += 1;
    }
    fn leave(&mut self) {
        self.open = self.open.saturating_sub(1);
    }

    type Backend = C::Backend;

    async fn execute(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<usize> {
        diesel_async::AsyncConnectionCore::execute_returning_count(&mut *self.conn, stmt).await
    }
    async fn load_i64(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<i64>> {
        let typed = crate::statements::builder::Typed(stmt, std::marker::PhantomData);
        send_boxed(<C::Backend as AsyncOps>::load_i64(&mut *self.conn, typed)).await
    }
    async fn load_text(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<String>> {
        let typed = crate::statements::builder::Typed(stmt, std::marker::PhantomData);
        send_boxed(<C::Backend as AsyncOps>::load_text(&mut *self.conn, typed)).await
    }
    async fn load_pairs(&mut self, stmt: &Stmt<'_, C::Backend>) -> QueryResult<Vec<(i64, i64)>> {
        let typed = crate::statements::builder::Typed(stmt, std::marker::PhantomData);
        send_boxed(<C::Backend as AsyncOps>::load_pairs(&mut *self.conn, typed)).await
    }
    async fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        diesel_async::SimpleAsyncConnection::batch_execute(&mut *self.conn, sql).await
    }

    fn status(&mut self) -> &mut TransactionManagerStatus {
        <C::TransactionManager as AsyncTransactionManager<C>>::transaction_manager_status_mut(
            self.conn,
        )
    }
    async fn begin(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::begin_transaction(self.conn).await
    }
    async fn commit(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::commit_transaction(self.conn).await
    }
    async fn rollback(&mut self) -> QueryResult<()> {
        <C::TransactionManager as AsyncTransactionManager<C>>::rollback_transaction(self.conn).await
    }

    async fn insert_changeset(&mut self, new: &NewChangeset<'_>) -> QueryResult<i64> {
        <C::Backend as AsyncOps>::insert_changeset(self.conn, new).await
    }
    async fn set_rows_affected(&mut self, id: i64, rows: i64) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::set_rows_affected(self.conn, id, rows).await
    }
    async fn claim_restore(
        &mut self,
        id: i64,
        at: chrono::NaiveDateTime,
        actor: Option<&str>,
    ) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::claim_restore(self.conn, id, at, actor).await
    }
    async fn delete_changeset(&mut self, id: i64) -> QueryResult<usize> {
        <C::Backend as AsyncOps>::delete_changeset(self.conn, id).await
    }
    async fn find_changeset(&mut self, id: i64) -> QueryResult<Option<Changeset>> {
        <C::Backend as AsyncOps>::find_changeset(self.conn, id).await
    }
    async fn insert_erasure(&mut self, new: &NewErasure<'_>) -> QueryResult<i64> {
        <C::Backend as AsyncOps>::insert_erasure(self.conn, new).await
    }

    async fn list_changesets(&mut self, filter: &ChangesetFilter) -> QueryResult<Vec<Changeset>> {
        <C::Backend as AsyncOps>::list_changesets(self.conn, filter).await
    }
    async fn list_erasures(
        &mut self,
        before_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<ErasureRow>> {
        <C::Backend as AsyncOps>::list_erasures(self.conn, before_id, limit).await
    }
    async fn redact(&mut self, options: &RedactOptions) -> QueryResult<u64> {
        <C::Backend as AsyncOps>::redact(self.conn, options).await
    }

    async fn run_hook(&mut self, call: &HookCall<'_>) -> Result<(), SoftDeleteError> {
        (call.hooks.awaited(call.which))(&mut call.context(self.conn)).await
    }
}
