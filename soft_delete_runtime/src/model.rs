//! `SoftDelete`: what a `#[derive(SoftDeletable)]` model can do.

use crate::key::RowFilter;
use chrono::NaiveDateTime;
use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression};
use diesel::query_builder::QueryFragment;
use diesel::query_dsl::methods::FilterDsl;
use diesel::sql_types::BoolOrNullableBool;

use crate::connection::SoftDeleteConnection;
use crate::dsl::{Active, OnlyDeleted, SoftDeleteDsl};
use crate::engine;
use crate::error::SoftDeleteError;
use crate::marker::TimestampedStrategy;
use crate::options::{DeleteOptions, EraseOptions, PurgeOptions, RestoreOptions};
use crate::record::{Changeset, Erasure};
use crate::report::{PurgeReport, RestoreReport, TableCounts};
use crate::table::{is_deleted, is_live, IsDeleted, IsLive, SoftDeleteTable};

/// A soft-deletable model. Implemented by `#[derive(SoftDeletable)]`.
///
/// Reading: [`active`](SoftDelete::active), [`only_deleted`](SoftDelete::only_deleted),
/// [`with_deleted`](SoftDelete::with_deleted) and [`is_live`](SoftDelete::is_live) build plain
/// Diesel queries and expressions. Writing: every operation runs in one transaction (a savepoint
/// when one is open) and either completes or changes nothing.
pub trait SoftDelete: Sized {
    /// The model's Diesel table.
    type Table: SoftDeleteTable;
    /// The Rust type of the primary key: the key field's type, or a tuple of the key fields'
    /// types in key order for a composite key (`#[diesel(primary_key(post_id, tag_id))]`).
    type Key: Clone;

    /// This row's primary key (a tuple for a composite key).
    fn key(&self) -> Self::Key;

    /// This row's primary key in the text form the changeset record holds ([`crate::key_text`]):
    /// `42`, or `["7","rust"]` for a composite key.
    fn key_text(&self) -> String;

    /// Live rows: `table.filter(deleted_at.is_null())`.
    fn active() -> Active<Self::Table>
    where
        Self::Table: FilterDsl<IsLive<Self::Table>>,
    {
        Self::Table::default().active()
    }

    /// Hidden rows: `table.filter(deleted_at.is_not_null())`.
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

    /// The live condition, for filtering joined tables:
    /// `comments::table.inner_join(posts::table).filter(Post::is_live())`.
    fn is_live() -> IsLive<Self::Table> {
        is_live::<Self::Table>()
    }

    /// The hidden condition.
    fn is_deleted() -> IsDeleted<Self::Table> {
        is_deleted::<Self::Table>()
    }

    /// Hides this row and, through `cascade` edges, everything under it, as one new changeset.
    fn soft_delete<C>(&self, conn: &mut C) -> Result<Changeset, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        self.soft_delete_with(conn, DeleteOptions::new())
    }

    /// [`soft_delete`](SoftDelete::soft_delete), recording who, why and when.
    fn soft_delete_with<C>(
        &self,
        conn: &mut C,
        options: DeleteOptions,
    ) -> Result<Changeset, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        let root = engine::soft_delete::Root {
            meta: Self::Table::meta(),
            filter: &*filter,
            key: Some(self.key_text()),
        };
        engine::block_on(engine::soft_delete::soft_delete(
            &mut engine::Blocking(conn),
            root,
            &options,
        ))
    }

    /// Hides every live row matching `predicate` (and their cascades) as one changeset.
    ///
    /// `predicate` is any boolean expression over this table: `posts::title.like("spam%")`, or
    /// `posts::id.eq_any(query.select(posts::id))` for a query. No live row matching is `NotFound`.
    fn soft_delete_where<C, P>(conn: &mut C, predicate: P) -> Result<Changeset, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        Self::soft_delete_where_with(conn, predicate, DeleteOptions::new())
    }

    /// [`soft_delete_where`](SoftDelete::soft_delete_where), recording who, why and when.
    fn soft_delete_where_with<C, P>(
        conn: &mut C,
        predicate: P,
        options: DeleteOptions,
    ) -> Result<Changeset, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        P: Expression + AppearsOnTable<Self::Table> + QueryFragment<C::Backend> + Send + Sync,
        P::SqlType: BoolOrNullableBool,
    {
        let root = engine::soft_delete::Root {
            meta: Self::Table::meta(),
            filter: &predicate,
            key: None,
        };
        engine::block_on(engine::soft_delete::soft_delete(
            &mut engine::Blocking(conn),
            root,
            &options,
        ))
    }

    /// Restores the whole changeset that hid this row (restoring any member restores the
    /// structure). A live row is `NotDeleted`, and nothing is written.
    fn restore<C>(&self, conn: &mut C) -> Result<RestoreReport, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        self.restore_with(conn, RestoreOptions::new())
    }

    /// [`restore`](SoftDelete::restore), recording who and when.
    fn restore_with<C>(
        &self,
        conn: &mut C,
        options: RestoreOptions,
    ) -> Result<RestoreReport, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        let key = self.key_text();
        engine::block_on(engine::restore::restore_row(
            &mut engine::Blocking(conn),
            Self::Table::meta(),
            &*filter,
            &key,
            &options,
        ))
    }

    /// Deletes this row permanently, with its cascade descendants (children first), unless a
    /// `protect` edge has live children; `nullify` edges set their children's foreign key to
    /// `NULL`. Returns the rows removed per table.
    fn hard_delete<C>(&self, conn: &mut C) -> Result<TableCounts, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        engine::block_on(engine::remove::hard_delete(
            &mut engine::Blocking(conn),
            Self::Table::meta(),
            &*filter,
        ))
    }

    /// Erases this row (live or hidden) for good, with its cascade descendants, applying
    /// `nullify` edges (their foreign keys become `NULL`) and `protect` checks, in one
    /// transaction, and records in `soft_delete_erasures` that the erasure happened — table,
    /// key, time, actor, reason and rows per table, never the erased data.
    ///
    /// The table's [`SoftDeleteHooks::authorize_erase`](crate::SoftDeleteHooks::authorize_erase)
    /// rule is asked first, with [`EraseOptions::actor`]; a refusal changes nothing.
    fn erase<C>(&self, conn: &mut C, options: EraseOptions) -> Result<Erasure, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        let key = self.key_text();
        engine::block_on(engine::erase::erase(
            &mut engine::Blocking(conn),
            Self::Table::meta(),
            &*filter,
            &key,
            &options,
        ))
    }

    /// This row and everything under it through `cascade` edges, live or hidden, and the rows
    /// its tree's `nullify` edges point at — what [`erase`](SoftDelete::erase) removes or
    /// anonymises — as JSON: one key per table (its identity), each an array of row objects
    /// in key order, `{"column": value, ...}` with every column of the table.
    ///
    /// The database renders the rows (`json_object`, `JSON_OBJECT`, `row_to_json`), so values
    /// look as each backend renders them (timestamps as text, booleans as `0`/`1` on SQLite and
    /// MySQL). One `SELECT` per table, whatever the number of rows.
    fn export_tree<C>(&self, conn: &mut C) -> Result<serde_json::Value, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        Self: KeyFilter<C::Backend>,
    {
        let filter = self.key_filter();
        engine::block_on(engine::export::export_tree(
            &mut engine::Blocking(conn),
            Self::Table::meta(),
            &*filter,
        ))
    }

    /// Permanently deletes the rows hidden before `older_than` (UTC) with their cascade
    /// descendants, in batches of 1,000 root rows per transaction.
    fn purge<C>(conn: &mut C, older_than: NaiveDateTime) -> Result<PurgeReport, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        <Self::Table as SoftDeleteTable>::Strategy: TimestampedStrategy,
    {
        Self::purge_with(conn, PurgeOptions::new(older_than))
    }

    /// [`purge`](SoftDelete::purge) with a chosen batch size.
    fn purge_with<C>(conn: &mut C, options: PurgeOptions) -> Result<PurgeReport, SoftDeleteError>
    where
        C: SoftDeleteConnection,
        <Self::Table as SoftDeleteTable>::Strategy: TimestampedStrategy,
    {
        engine::block_on(engine::remove::purge(
            &mut engine::Blocking(conn),
            Self::Table::meta(),
            &options,
        ))
    }
}

/// The `primary_key = self.key()` predicate of a model, for backend `DB`.
///
/// `#[derive(SoftDeletable)]` implements it for every backend that can bind the key's columns
/// (`id = $1`, or `post_id = $1 AND tag_id = $2` for a composite key).
pub trait KeyFilter<DB: Backend>: SoftDelete {
    /// `primary_key = self.key()`.
    fn key_filter(&self) -> Box<RowFilter<'_, DB>>;
}
