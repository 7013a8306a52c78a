//! The operations on diesel-async connections (feature `async`), awaited, with the same names.
//!
//! As diesel-async users switch `diesel::RunQueryDsl` for `diesel_async::RunQueryDsl`, switch
//! one import: `use soft_delete_runtime::asynchronous::prelude::*;` instead of
//! `use soft_delete_runtime::prelude::*;`. It holds the same items, but for the traits whose
//! functions are awaited here: [`SoftDelete`], [`ChangesetStore`], [`ErasureStore`] (the same
//! names, the same functions). Glob both preludes and the calls are ambiguous, as with the two
//! `RunQueryDsl`s. The read helpers (`Post::active()`, `Post::is_live()`, ...) are here too, and
//! build the same plain Diesel queries, which you run with `diesel_async::RunQueryDsl`:
//!
//! ```ignore
//! use diesel::prelude::*;
//! use diesel_async::RunQueryDsl;
//! use soft_delete_runtime::asynchronous::prelude::*;
//!
//! soft_delete_runtime::asynchronous::migration::install(&mut conn).await?;
//! let post: Post = Post::active().find(1).select(Post::as_select()).first(&mut conn).await?;
//! let changeset = post.soft_delete(&mut conn).await?;
//! Changeset::restore(&mut conn, changeset.id).await?;
//! ```
//!
//! Every future here is `Send` (spawn it, serve it from an axum handler) and can be dropped at
//! any await point, by a timeout or a client going away: the operation's transaction is then
//! never committed, and the connection reports itself broken (its transaction manager is in the
//! error state: later transactions on it fail with `BrokenTransactionManager`), which makes
//! pools (deadpool, bb8) discard it, and the database roll the transaction back when it closes.
//! Only a `COMMIT` already sent when the future is dropped still lands: then the whole
//! operation is committed, never a part of it. (On SQLite, diesel-async's `SyncConnectionWrapper`
//! waits, when dropped, for the statement running on tokio's blocking pool, with
//! `block_in_place`: drop its futures on a multi-thread runtime.)
//!
//! Pooled connections (`deadpool::managed::Object`, bb8's `PooledConnection`) are diesel-async
//! connections: pass `&mut *pooled` as a plain one (or `&mut pooled` when the pooled connection
//! does not borrow its pool: deadpool's, bb8's `get_owned()`).
//!
//! The operations are the synchronous ones, statement for statement: one engine sends them,
//! driven by an executor that awaits each statement on the diesel-async connection (see
//! ARCHITECTURE.md, "One engine, driven sync or async"). Each runs in one transaction (a
//! savepoint when one is open), begun and rolled back through diesel-async's transaction
//! manager; a hook reaches the connection with `ctx.connection::<AsyncPgConnection>()` (the
//! type passed to the operation).

use std::future::Future;

use chrono::NaiveDateTime;

use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::query_dsl::methods::FilterDsl;
use diesel::sql_types::BoolOrNullableBool;

use crate::changeset::sealed;
use crate::connection::SoftDeleteAsyncConnection;
use crate::dsl::{Active, OnlyDeleted, SoftDeleteDsl};
use crate::engine;
use crate::error::SoftDeleteError;
use crate::marker::TimestampedStrategy;
use crate::model::KeyFilter;
use crate::options::RedactOptions;
use crate::options::{DeleteOptions, EraseOptions, PurgeOptions, RestoreOptions};
use crate::record::{Changeset, ChangesetFilter, ChangesetRows, Erasure};
use crate::report::{PurgeReport, RestoreReport, TableCounts};
use crate::table::{is_deleted, is_live, IsDeleted, IsLive, SoftDeleteTable};

/// The synchronous [`SoftDelete`](crate::SoftDelete)'s operations on a diesel-async
/// connection, awaited. Implemented for every soft-deletable model; see the module docs for
/// the import that selects it.
pub trait SoftDelete: crate::SoftDelete {
    /// Live rows: [`crate::SoftDelete::active`].
    fn active() -> Active<Self::Table>
    where
        Self::Table: FilterDsl<IsLive<Self::Table>>,
    {
        Self::Table::default().active()
    }

    /// Hidden rows: [`crate::SoftDelete::only_deleted`].
    fn only_deleted() -> OnlyDeleted<Self::Table>
    where
        Self::Table: FilterDsl<IsDeleted<Self::Table>>,
    {
        Self::Table::default().only_deleted()
    }

    /// Every row, live or hidden: the table itself.
    fn with_deleted() -> Self::Table {
        Self::Table::default()
    }

    /// The live condition: [`crate::SoftDelete::is_live`].
    fn is_live() -> IsLive<Self::Table> {
        is_live::<Self::Table>()
    }

    /// The hidden condition: [`crate::SoftDelete::is_deleted`].
    fn is_deleted() -> IsDeleted<Self::Table> {
        is_deleted::<Self::Table>()
    }

    /// [`crate::SoftDelete::soft_delete`], awaited.
    fn soft_delete<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        <Self as SoftDelete>::soft_delete_with(self, conn, DeleteOptions::new())
    }

    /// [`crate::SoftDelete::soft_delete_with`], awaited.
    fn soft_delete_with<C>(
        &self,
        conn: &mut C,
        options: DeleteOptions,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        // The key is read here, outside the future, which so holds no `&Self` (models need
        // not be `Sync` for the future to be `Send`).
        let (filter, key) = (self.key_filter(), self.key_text());
        async move {
            let root = engine::soft_delete::Root {
                meta: Self::Table::meta(),
                filter: &*filter,
                key: Some(key),
            };
            engine::soft_delete::soft_delete(&mut engine::Awaiting::new(conn), root, &options).await
        }
    }

    /// [`crate::SoftDelete::soft_delete_where`], awaited.
    fn soft_delete_where<C, P>(
        conn: &mut C,
        predicate: P,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        <Self as SoftDelete>::soft_delete_where_with(conn, predicate, DeleteOptions::new())
    }

    /// [`crate::SoftDelete::soft_delete_where_with`], awaited.
    fn soft_delete_where_with<C, P>(
        conn: &mut C,
        predicate: P,
        options: DeleteOptions,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        async move {
            let root = engine::soft_delete::Root {
                meta: Self::Table::meta(),
                filter: &predicate,
                key: None,
            };
            engine::soft_delete::soft_delete(&mut engine::Awaiting::new(conn), root, &options).await
        }
    }

    /// [`crate::SoftDelete::restore`], awaited.
    fn restore<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        <Self as SoftDelete>::restore_with(self, conn, RestoreOptions::new())
    }

    /// [`crate::SoftDelete::restore_with`], awaited.
    fn restore_with<C>(
        &self,
        conn: &mut C,
        options: RestoreOptions,
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        let (filter, key) = (self.key_filter(), self.key_text());
        async move {
            let meta = Self::Table::meta();
            let mut e = engine::Awaiting::new(conn);
            engine::restore::restore_row(&mut e, meta, &*filter, &key, &options).await
        }
    }

    /// [`crate::SoftDelete::hard_delete`], awaited.
    fn hard_delete<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<TableCounts, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        async move {
            let meta = Self::Table::meta();
            engine::remove::hard_delete(&mut engine::Awaiting::new(conn), meta, &*filter).await
        }
    }

    /// [`crate::SoftDelete::erase`], awaited.
    fn erase<C>(
        &self,
        conn: &mut C,
        options: EraseOptions,
    ) -> impl Future<Output = Result<Erasure, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        let (filter, key) = (self.key_filter(), self.key_text());
        async move {
            let meta = Self::Table::meta();
            let mut e = engine::Awaiting::new(conn);
            engine::erase::erase(&mut e, meta, &*filter, &key, &options).await
        }
    }

    /// [`crate::SoftDelete::export_tree`], awaited.
    fn export_tree<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<serde_json::Value, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        async move {
            let meta = Self::Table::meta();
            let mut e = engine::Awaiting::new(conn);
            engine::export::export_tree(&mut e, meta, &*filter).await
        }
    }

    /// [`crate::SoftDelete::purge`], awaited.
    fn purge<C>(
        conn: &mut C,
        older_than: NaiveDateTime,
    ) -> impl Future<Output = Result<PurgeReport, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        <Self::Table as SoftDeleteTable>::Strategy: TimestampedStrategy,
    {
        <Self as SoftDelete>::purge_with(conn, PurgeOptions::new(older_than))
    }

    /// [`crate::SoftDelete::purge_with`], awaited.
    fn purge_with<C>(
        conn: &mut C,
        options: PurgeOptions,
    ) -> impl Future<Output = Result<PurgeReport, SoftDeleteError>> + Send
    where
        C: SoftDeleteAsyncConnection,
        <Self::Table as SoftDeleteTable>::Strategy: TimestampedStrategy,
    {
        async move {
            let meta = Self::Table::meta();
            engine::remove::purge(&mut engine::Awaiting::new(conn), meta, &options).await
        }
    }
}

impl<T: crate::SoftDelete> SoftDelete for T {}

/// [`crate::ChangesetStore`]'s functions on a diesel-async connection, awaited:
/// `Changeset::find(&mut conn, id).await`. Implemented by [`Changeset`] (only).
pub trait ChangesetStore: sealed::Record {
    /// [`crate::ChangesetStore::find`], awaited.
    fn find<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
        id: i64,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>> + Send {
        async move { engine::changeset(&mut engine::Awaiting::new(conn), id).await }
    }

    /// [`crate::ChangesetStore::list`], awaited.
    fn list<'a, C: SoftDeleteAsyncConnection>(
        conn: &'a mut C,
        filter: &'a ChangesetFilter,
    ) -> impl Future<Output = Result<Vec<Changeset>, SoftDeleteError>> + Send + 'a {
        async move {
            let mut e = engine::Awaiting::new(conn);
            engine::records::list_changesets(&mut e, filter).await
        }
    }

    /// [`crate::ChangesetStore::rows`], awaited.
    fn rows<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
        id: i64,
    ) -> impl Future<Output = Result<Vec<ChangesetRows>, SoftDeleteError>> + Send {
        async move { engine::inspect::rows(&mut engine::Awaiting::new(conn), id).await }
    }

    /// [`crate::ChangesetStore::restore`], awaited.
    fn restore<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
        id: i64,
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>> + Send {
        async move {
            let options = RestoreOptions::new();
            engine::restore::restore(&mut engine::Awaiting::new(conn), id, &options).await
        }
    }

    /// [`crate::ChangesetStore::restore_with`], awaited.
    fn restore_with<'a, C: SoftDeleteAsyncConnection>(
        conn: &'a mut C,
        id: i64,
        options: &'a RestoreOptions,
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>> + Send + 'a {
        async move { engine::restore::restore(&mut engine::Awaiting::new(conn), id, options).await }
    }

    /// [`crate::ChangesetStore::redact_actor`], awaited.
    fn redact_actor<'a, C: SoftDeleteAsyncConnection>(
        conn: &'a mut C,
        actor: &'a str,
        replacement: &'a str,
    ) -> impl Future<Output = Result<u64, SoftDeleteError>> + Send + 'a {
        async move {
            let options = RedactOptions::new(actor).replacement(replacement);
            engine::records::redact_actor(&mut engine::Awaiting::new(conn), &options).await
        }
    }

    /// [`crate::ChangesetStore::redact_actor_with`], awaited.
    fn redact_actor_with<'a, C: SoftDeleteAsyncConnection>(
        conn: &'a mut C,
        options: &'a RedactOptions,
    ) -> impl Future<Output = Result<u64, SoftDeleteError>> + Send + 'a {
        async move { engine::records::redact_actor(&mut engine::Awaiting::new(conn), options).await }
    }
}

impl ChangesetStore for Changeset {}

/// [`crate::ErasureStore`]'s functions on a diesel-async connection, awaited:
/// `Erasure::list(&mut conn).await`. Implemented by [`Erasure`] (only).
pub trait ErasureStore: sealed::Record {
    /// [`crate::ErasureStore::list`], awaited.
    fn list<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
    ) -> impl Future<Output = Result<Vec<Erasure>, SoftDeleteError>> + Send {
        async move {
            let mut e = engine::Awaiting::new(conn);
            engine::records::list_erasures(&mut e, None, None).await
        }
    }

    /// [`crate::ErasureStore::list_page`], awaited.
    fn list_page<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
        before_id: Option<i64>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Erasure>, SoftDeleteError>> + Send {
        async move {
            let mut e = engine::Awaiting::new(conn);
            engine::records::list_erasures(&mut e, before_id, Some(limit)).await
        }
    }
}

impl ErasureStore for Erasure {}

/// [`crate::migration`] for diesel-async connections: [`install`](migration::install) awaited,
/// and the same SQL and index advice (re-exported).
pub mod migration {

    use crate::connection::SoftDeleteAsyncConnection;
    use crate::engine;
    use crate::error::SoftDeleteError;
    pub use crate::migration::{
        changeset_table_sql, changeset_table_upgrade_sql, deletion_id_index, erasure_table_sql,
        recommended_indexes, unique_live_index,
    };

    /// [`crate::migration::install`], awaited: creates `soft_delete_changesets` and
    /// `soft_delete_erasures` where they do not exist, and adds the columns a table from an
    /// earlier version lacks.
    pub async fn install<C: SoftDeleteAsyncConnection>(
        conn: &mut C,
    ) -> Result<(), SoftDeleteError> {
        crate::migration::install_on(&mut engine::Awaiting::new(conn)).await
    }
}

/// Everything a model file needs on diesel-async connections:
/// `use soft_delete_runtime::asynchronous::prelude::*;` in place of the synchronous prelude.
pub mod prelude {
    pub use crate::dsl::SoftDeleteDsl;
    pub use crate::error::SoftDeleteError;
    pub use crate::options::{DeleteOptions, EraseOptions, RestoreOptions};
    pub use crate::record::{Changeset, Erasure};
    #[cfg(feature = "derive")]
    pub use crate::SoftDeletable;

    pub use super::{ChangesetStore, ErasureStore, SoftDelete};
}
