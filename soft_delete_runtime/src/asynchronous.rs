//! The operations on diesel-async connections (feature `async`), awaited, with the same names.
//!
//! As diesel-async users switch `diesel::RunQueryDsl` for `diesel_async::RunQueryDsl`, switch
//! one import: keep `use soft_delete_runtime::prelude::*;` and add
//! `use soft_delete_runtime::asynchronous::SoftDelete;`. The explicit import shadows the
//! prelude's synchronous [`SoftDelete`](crate::SoftDelete), so `post.soft_delete(&mut conn)` is
//! this trait's method and is awaited. (Import both by name and the calls are ambiguous, as with
//! the two `RunQueryDsl`s.) The read helpers (`Post::active()`, `Post::is_live()`, ...) are here
//! too, and build the same plain Diesel queries, which you run with `diesel_async::RunQueryDsl`:
//!
//! ```ignore
//! use diesel::prelude::*;
//! use diesel_async::RunQueryDsl;
//! use soft_delete_runtime::prelude::*;
//! use soft_delete_runtime::asynchronous::SoftDelete;
//!
//! let post: Post = Post::active().find(1).select(Post::as_select()).first(&mut conn).await?;
//! let changeset = post.soft_delete(&mut conn).await?;
//! post.restore(&mut conn).await?;
//! ```
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

use crate::connection::SoftDeleteAsyncConnection;
use crate::dsl::{Active, OnlyDeleted, SoftDeleteDsl};
use crate::engine;
use crate::error::SoftDeleteError;
use crate::marker::TimestampedStrategy;
use crate::model::KeyFilter;
use crate::options::{DeleteOptions, EraseOptions, PurgeOptions, RestoreOptions};
use crate::record::{Changeset, Erasure};
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
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>>
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
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        async move {
            let filter = self.key_filter();
            let root = engine::soft_delete::Root {
                meta: Self::Table::meta(),
                filter: &*filter,
                key: Some(self.key_text()),
            };
            engine::soft_delete::soft_delete(&mut engine::Awaiting(conn), root, &options).await
        }
    }

    /// [`crate::SoftDelete::soft_delete_where`], awaited.
    fn soft_delete_where<C, P>(
        conn: &mut C,
        predicate: P,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend>,
        P::SqlType: BoolOrNullableBool,
    {
        <Self as SoftDelete>::soft_delete_where_with(conn, predicate, DeleteOptions::new())
    }

    /// [`crate::SoftDelete::soft_delete_where_with`], awaited.
    fn soft_delete_where_with<C, P>(
        conn: &mut C,
        predicate: P,
        options: DeleteOptions,
    ) -> impl Future<Output = Result<Changeset, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend>,
        P::SqlType: BoolOrNullableBool,
    {
        async move {
            let root = engine::soft_delete::Root {
                meta: Self::Table::meta(),
                filter: &predicate,
                key: None,
            };
            engine::soft_delete::soft_delete(&mut engine::Awaiting(conn), root, &options).await
        }
    }

    /// [`crate::SoftDelete::restore`], awaited.
    fn restore<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>>
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
    ) -> impl Future<Output = Result<RestoreReport, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        async move {
            let filter = self.key_filter();
            let key = self.key_text();
            let meta = Self::Table::meta();
            let mut e = engine::Awaiting(conn);
            engine::restore::restore_row(&mut e, meta, &*filter, &key, &options).await
        }
    }

    /// [`crate::SoftDelete::hard_delete`], awaited.
    fn hard_delete<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<TableCounts, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        async move {
            let filter = self.key_filter();
            let meta = Self::Table::meta();
            engine::remove::hard_delete(&mut engine::Awaiting(conn), meta, &*filter).await
        }
    }

    /// [`crate::SoftDelete::erase`], awaited.
    fn erase<C>(
        &self,
        conn: &mut C,
        options: EraseOptions,
    ) -> impl Future<Output = Result<Erasure, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        async move {
            let filter = self.key_filter();
            let key = self.key_text();
            let meta = Self::Table::meta();
            let mut e = engine::Awaiting(conn);
            engine::erase::erase(&mut e, meta, &*filter, &key, &options).await
        }
    }

    /// [`crate::SoftDelete::export_tree`], awaited.
    fn export_tree<C>(
        &self,
        conn: &mut C,
    ) -> impl Future<Output = Result<serde_json::Value, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        Self: KeyFilter<C::Backend>,
    {
        async move {
            let filter = self.key_filter();
            let meta = Self::Table::meta();
            engine::export::export_tree(&mut engine::Awaiting(conn), meta, &*filter).await
        }
    }

    /// [`crate::SoftDelete::purge`], awaited.
    fn purge<C>(
        conn: &mut C,
        older_than: NaiveDateTime,
    ) -> impl Future<Output = Result<PurgeReport, SoftDeleteError>>
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
    ) -> impl Future<Output = Result<PurgeReport, SoftDeleteError>>
    where
        C: SoftDeleteAsyncConnection,
        <Self::Table as SoftDeleteTable>::Strategy: TimestampedStrategy,
    {
        async move {
            let meta = Self::Table::meta();
            engine::remove::purge(&mut engine::Awaiting(conn), meta, &options).await
        }
    }
}

impl<T: crate::SoftDelete> SoftDelete for T {}
