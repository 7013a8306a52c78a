//! The operations under test, behind one trait: [`Api`], implemented by [`SyncApi`] (the
//! synchronous API on the backend's `Conn`) and, with feature `async`, by [`AsyncApi`] (the
//! awaited API on the backend's `AsyncConn`, driven by a current-thread tokio runtime). A
//! suite writes each test once, generic over `D: Api`, and mounts it on both.
//!
//! Mounted by each backend module (like `rows.rs`), which names `Conn`, `AsyncConn` and `Db`.
//! Setup and reads go through [`Api::conn`], a synchronous connection to the same database:
//! on [`SyncApi`] the very connection the operations run on, on [`AsyncApi`] a second one.

use chrono::NaiveDateTime;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::sql_types::BoolOrNullableBool;
use soft_delete_runtime::marker::TimestampedStrategy;
use soft_delete_runtime::{
    Changeset, ChangesetFilter, ChangesetRows, DeleteOptions, EraseOptions, Erasure, KeyFilter,
    PurgeOptions, PurgeReport, RedactOptions, RestoreOptions, RestoreReport, SoftDelete,
    SoftDeleteError, SoftDeleteTable, TableCounts,
};

use super::{Conn, Db};
use crate::common::{StatementCounter, TestDb};

/// The backend of this module's connections (the same for `Conn` and `AsyncConn`).
pub type Backend = <Conn as diesel::Connection>::Backend;

/// A model the driver can operate on, by its key.
pub trait Model: SoftDelete + KeyFilter<Backend> {}
impl<M: SoftDelete + KeyFilter<Backend>> Model for M {}

/// A model whose marker is a timestamp (what `purge` needs).
pub trait Timestamped: SoftDelete<Table: SoftDeleteTable<Strategy: TimestampedStrategy>> {}
impl<M: SoftDelete<Table: SoftDeleteTable<Strategy: TimestampedStrategy>>> Timestamped for M {}

/// A boolean predicate over the table of `M` (what `soft_delete_where` takes).
pub trait Predicate<M: SoftDelete>:
    Expression<SqlType: BoolOrNullableBool>
    + AppearsOnTable<M::Table>
    + QueryFragment<Backend>
    + Send
    + Sync
{
}
impl<M: SoftDelete, P> Predicate<M> for P where
    P: Expression<SqlType: BoolOrNullableBool>
        + AppearsOnTable<M::Table>
        + QueryFragment<Backend>
        + Send
        + Sync
{
}

type Result<T> = std::result::Result<T, SoftDeleteError>;

/// The soft-delete operations the suites run, sync or async.
pub trait Api: Sized {
    /// `"sync"` or `"async"`, for figures and messages.
    const KIND: &'static str;

    /// A fresh database for `test` (a name unique per test and per driver) with the tables of
    /// `ddl` ([`TestDb::connect`]).
    fn open(test: &str, ddl: &str) -> Self;

    /// The synchronous connection for setup and reads.
    fn conn(&mut self) -> &mut Conn;

    /// Counts the statements the operations send from now on (on the connection they run on).
    fn count_statements(&mut self) -> StatementCounter;

    // The operations, each forwarding to the API function of the same name.

    fn soft_delete<M: Model>(&mut self, row: &M) -> Result<Changeset>;
    fn soft_delete_with<M: Model>(&mut self, row: &M, options: DeleteOptions) -> Result<Changeset>;
    fn soft_delete_where<M: Model, P: Predicate<M>>(&mut self, predicate: P) -> Result<Changeset>;
    fn soft_delete_where_with<M: Model, P: Predicate<M>>(
        &mut self,
        predicate: P,
        options: DeleteOptions,
    ) -> Result<Changeset>;
    fn restore<M: Model>(&mut self, row: &M) -> Result<RestoreReport>;
    fn restore_with<M: Model>(&mut self, row: &M, options: RestoreOptions)
        -> Result<RestoreReport>;
    fn hard_delete<M: Model>(&mut self, row: &M) -> Result<TableCounts>;
    fn erase<M: Model>(&mut self, row: &M, options: EraseOptions) -> Result<Erasure>;
    fn purge<M: Timestamped>(&mut self, older_than: NaiveDateTime) -> Result<PurgeReport>;
    fn purge_with<M: Timestamped>(&mut self, options: PurgeOptions) -> Result<PurgeReport>;
    /// `Changeset::restore`.
    fn restore_changeset(&mut self, id: i64) -> Result<RestoreReport>;
    /// `Changeset::restore_with`.
    fn restore_changeset_with(
        &mut self,
        id: i64,
        options: &RestoreOptions,
    ) -> Result<RestoreReport>;
    /// `Changeset::find`.
    fn find_changeset(&mut self, id: i64) -> Result<Changeset>;
    /// `Changeset::list`.
    fn list_changesets(&mut self, filter: &ChangesetFilter) -> Result<Vec<Changeset>>;
    /// `Changeset::rows`.
    fn changeset_rows(&mut self, id: i64) -> Result<Vec<ChangesetRows>>;
    /// `Changeset::redact_actor_with`.
    fn redact_actor_with(&mut self, options: &RedactOptions) -> Result<u64>;
    /// `Erasure::list`.
    fn list_erasures(&mut self) -> Result<Vec<Erasure>>;
    /// `Erasure::list_page`.
    fn list_erasures_page(&mut self, before_id: Option<i64>, limit: i64) -> Result<Vec<Erasure>>;
}

/// The synchronous API on one connection, which setup and reads share.
pub struct SyncApi(Conn);

impl Api for SyncApi {
    const KIND: &'static str = "sync";

    fn open(test: &str, ddl: &str) -> Self {
        SyncApi(Db::connect(test, ddl))
    }

    fn conn(&mut self) -> &mut Conn {
        &mut self.0
    }

    fn count_statements(&mut self) -> StatementCounter {
        StatementCounter::attach(&mut self.0)
    }

    fn soft_delete<M: Model>(&mut self, row: &M) -> Result<Changeset> {
        SoftDelete::soft_delete(row, &mut self.0)
    }
    fn soft_delete_with<M: Model>(&mut self, row: &M, options: DeleteOptions) -> Result<Changeset> {
        SoftDelete::soft_delete_with(row, &mut self.0, options)
    }
    fn soft_delete_where<M: Model, P: Predicate<M>>(&mut self, predicate: P) -> Result<Changeset> {
        M::soft_delete_where(&mut self.0, predicate)
    }
    fn soft_delete_where_with<M: Model, P: Predicate<M>>(
        &mut self,
        predicate: P,
        options: DeleteOptions,
    ) -> Result<Changeset> {
        M::soft_delete_where_with(&mut self.0, predicate, options)
    }
    fn restore<M: Model>(&mut self, row: &M) -> Result<RestoreReport> {
        SoftDelete::restore(row, &mut self.0)
    }
    fn restore_with<M: Model>(
        &mut self,
        row: &M,
        options: RestoreOptions,
    ) -> Result<RestoreReport> {
        SoftDelete::restore_with(row, &mut self.0, options)
    }
    fn hard_delete<M: Model>(&mut self, row: &M) -> Result<TableCounts> {
        SoftDelete::hard_delete(row, &mut self.0)
    }
    fn erase<M: Model>(&mut self, row: &M, options: EraseOptions) -> Result<Erasure> {
        SoftDelete::erase(row, &mut self.0, options)
    }
    fn purge<M: Timestamped>(&mut self, older_than: NaiveDateTime) -> Result<PurgeReport> {
        M::purge(&mut self.0, older_than)
    }
    fn purge_with<M: Timestamped>(&mut self, options: PurgeOptions) -> Result<PurgeReport> {
        M::purge_with(&mut self.0, options)
    }
    fn restore_changeset(&mut self, id: i64) -> Result<RestoreReport> {
        <Changeset as soft_delete_runtime::ChangesetStore>::restore(&mut self.0, id)
    }
    fn restore_changeset_with(
        &mut self,
        id: i64,
        options: &RestoreOptions,
    ) -> Result<RestoreReport> {
        <Changeset as soft_delete_runtime::ChangesetStore>::restore_with(&mut self.0, id, options)
    }
    fn find_changeset(&mut self, id: i64) -> Result<Changeset> {
        <Changeset as soft_delete_runtime::ChangesetStore>::find(&mut self.0, id)
    }
    fn list_changesets(&mut self, filter: &ChangesetFilter) -> Result<Vec<Changeset>> {
        <Changeset as soft_delete_runtime::ChangesetStore>::list(&mut self.0, filter)
    }
    fn changeset_rows(&mut self, id: i64) -> Result<Vec<ChangesetRows>> {
        <Changeset as soft_delete_runtime::ChangesetStore>::rows(&mut self.0, id)
    }
    fn redact_actor_with(&mut self, options: &RedactOptions) -> Result<u64> {
        <Changeset as soft_delete_runtime::ChangesetStore>::redact_actor_with(&mut self.0, options)
    }
    fn list_erasures(&mut self) -> Result<Vec<Erasure>> {
        <Erasure as soft_delete_runtime::ErasureStore>::list(&mut self.0)
    }
    fn list_erasures_page(&mut self, before_id: Option<i64>, limit: i64) -> Result<Vec<Erasure>> {
        <Erasure as soft_delete_runtime::ErasureStore>::list_page(&mut self.0, before_id, limit)
    }
}

#[cfg(feature = "async")]
pub use asynchronous::AsyncApi;

#[cfg(feature = "async")]
mod asynchronous {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    use soft_delete_runtime::asynchronous::{ChangesetStore, ErasureStore, SoftDelete};
    use soft_delete_runtime::backend::Dialect;

    use super::super::AsyncConn;
    use super::*;

    /// The awaited API on a diesel-async connection, each operation run to its end by
    /// `block_on` on a current-thread runtime; setup and reads on a second, synchronous,
    /// connection to the same database.
    pub struct AsyncApi {
        conn: Conn,
        /// `None` only while dropping (the connection is dropped inside the runtime).
        aconn: Option<AsyncConn>,
        runtime: tokio::runtime::Runtime,
    }

    impl AsyncApi {
        /// Runs `op` on the async connection (the operations' own) to its end.
        pub fn run<'a, T, F>(&'a mut self, op: impl FnOnce(&'a mut AsyncConn) -> F) -> T
        where
            F: std::future::Future<Output = T> + 'a,
        {
            let aconn = self.aconn.as_mut().expect("open until dropped");
            self.runtime.block_on(op(aconn))
        }
    }

    impl Drop for AsyncApi {
        fn drop(&mut self) {
            let _inside = self.runtime.enter();
            drop(self.aconn.take());
        }
    }

    impl Api for AsyncApi {
        const KIND: &'static str = "async";

        fn open(test: &str, ddl: &str) -> Self {
            // Its own database: the sync run of the same test may be running.
            let name = format!("{test}::async");
            let conn = Db::connect(&name, ddl);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            let aconn = runtime.block_on(async {
                let url = Db::url(&name);
                let mut aconn = AsyncConn::establish(&url).await.expect("async connection");
                if Db::DIALECT == Dialect::Sqlite {
                    // Per connection, as `Db::connect` does for the synchronous one.
                    aconn
                        .batch_execute("PRAGMA foreign_keys = ON;")
                        .await
                        .expect("pragma");
                }
                aconn
            });
            AsyncApi {
                conn,
                aconn: Some(aconn),
                runtime,
            }
        }

        fn conn(&mut self) -> &mut Conn {
            &mut self.conn
        }

        fn count_statements(&mut self) -> StatementCounter {
            StatementCounter::attach_async(self.aconn.as_mut().expect("open until dropped"))
        }

        fn soft_delete<M: Model>(&mut self, row: &M) -> Result<Changeset> {
            self.run(|c| SoftDelete::soft_delete(row, c))
        }
        fn soft_delete_with<M: Model>(
            &mut self,
            row: &M,
            options: DeleteOptions,
        ) -> Result<Changeset> {
            self.run(|c| SoftDelete::soft_delete_with(row, c, options))
        }
        fn soft_delete_where<M: Model, P: Predicate<M>>(
            &mut self,
            predicate: P,
        ) -> Result<Changeset> {
            self.run(|c| <M as SoftDelete>::soft_delete_where(c, predicate))
        }
        fn soft_delete_where_with<M: Model, P: Predicate<M>>(
            &mut self,
            predicate: P,
            options: DeleteOptions,
        ) -> Result<Changeset> {
            self.run(|c| <M as SoftDelete>::soft_delete_where_with(c, predicate, options))
        }
        fn restore<M: Model>(&mut self, row: &M) -> Result<RestoreReport> {
            self.run(|c| SoftDelete::restore(row, c))
        }
        fn restore_with<M: Model>(
            &mut self,
            row: &M,
            options: RestoreOptions,
        ) -> Result<RestoreReport> {
            self.run(|c| SoftDelete::restore_with(row, c, options))
        }
        fn hard_delete<M: Model>(&mut self, row: &M) -> Result<TableCounts> {
            self.run(|c| SoftDelete::hard_delete(row, c))
        }
        fn erase<M: Model>(&mut self, row: &M, options: EraseOptions) -> Result<Erasure> {
            self.run(|c| SoftDelete::erase(row, c, options))
        }
        fn purge<M: Timestamped>(&mut self, older_than: NaiveDateTime) -> Result<PurgeReport> {
            self.run(|c| <M as SoftDelete>::purge(c, older_than))
        }
        fn purge_with<M: Timestamped>(&mut self, options: PurgeOptions) -> Result<PurgeReport> {
            self.run(|c| <M as SoftDelete>::purge_with(c, options))
        }
        fn restore_changeset(&mut self, id: i64) -> Result<RestoreReport> {
            self.run(|c| <Changeset as ChangesetStore>::restore(c, id))
        }
        fn restore_changeset_with(
            &mut self,
            id: i64,
            options: &RestoreOptions,
        ) -> Result<RestoreReport> {
            self.run(|c| <Changeset as ChangesetStore>::restore_with(c, id, options))
        }
        fn find_changeset(&mut self, id: i64) -> Result<Changeset> {
            self.run(|c| <Changeset as ChangesetStore>::find(c, id))
        }
        fn list_changesets(&mut self, filter: &ChangesetFilter) -> Result<Vec<Changeset>> {
            self.run(|c| <Changeset as ChangesetStore>::list(c, filter))
        }
        fn changeset_rows(&mut self, id: i64) -> Result<Vec<ChangesetRows>> {
            self.run(|c| <Changeset as ChangesetStore>::rows(c, id))
        }
        fn redact_actor_with(&mut self, options: &RedactOptions) -> Result<u64> {
            self.run(|c| <Changeset as ChangesetStore>::redact_actor_with(c, options))
        }
        fn list_erasures(&mut self) -> Result<Vec<Erasure>> {
            self.run(<Erasure as ErasureStore>::list)
        }
        fn list_erasures_page(
            &mut self,
            before_id: Option<i64>,
            limit: i64,
        ) -> Result<Vec<Erasure>> {
            self.run(|c| <Erasure as ErasureStore>::list_page(c, before_id, limit))
        }
    }
}
