//! `SoftDeleteDsl`: `.active()` / `.only_deleted()` on any query over a soft-deletable table,
//! and the nameable types of those queries.

// `table!` expansions name these types through this path in every user crate, so it is as
// stable as the macro itself; `diesel::query_builder` keeps them private.
use diesel::internal::table_macro::{BoxedSelectStatement, FromClause, SelectStatement};
use diesel::query_dsl::methods::FilterDsl;

use crate::table::SoftDeleteTable;
use crate::table::{is_deleted, is_live, IsDeleted, IsLive};

/// A query whose rows come from one soft-deletable table.
///
/// Implemented for the table itself, for `table.filter(..)...` select statements and for their
/// boxed form. Joins are not sources: filter them with `Model::is_live()`.
#[diagnostic::on_unimplemented(
    message = "`.active()` and `.only_deleted()` need a query over one soft-deletable table",
    label = "a join, or a table without a `#[derive(SoftDeletable)]` model",
    note = "on a join, filter each soft-deletable table with its model's condition: `.filter(Post::is_live().and(Author::is_live()))` (`is_deleted()` for hidden rows); in a `LEFT JOIN`, put it in the `ON` clause",
    note = "on a single table, derive `SoftDeletable` on the model whose `#[diesel(table_name = ...)]` names it"
)]
pub trait SoftDeleteSource {
    /// The table the rows come from.
    type Table: SoftDeleteTable;
}

impl<T: SoftDeleteTable> SoftDeleteSource for T {
    type Table = T;
}

impl<T, S, D, W, O, LOf, G, H, LC> SoftDeleteSource
    for SelectStatement<FromClause<T>, S, D, W, O, LOf, G, H, LC>
where
    T: SoftDeleteTable,
{
    type Table = T;
}

impl<'a, ST, T, DB, GB> SoftDeleteSource for BoxedSelectStatement<'a, ST, FromClause<T>, DB, GB>
where
    T: SoftDeleteTable,
{
    type Table = T;
}

/// The query `Q` restricted to live rows (`Active<posts::table>` is the type of `Post::active()`).
pub type Active<Q> = diesel::dsl::Filter<Q, IsLive<<Q as SoftDeleteSource>::Table>>;

/// The query `Q` restricted to hidden rows.
pub type OnlyDeleted<Q> = diesel::dsl::Filter<Q, IsDeleted<<Q as SoftDeleteSource>::Table>>;

/// Adds the live / hidden condition to a query.
///
/// The condition is ANDed around everything filtered before it: call `.active()` last and an
/// earlier `or_filter` cannot reach hidden rows. An `or_filter` written *after* `.active()`
/// widens the query exactly as in plain Diesel (`live AND a OR b`), so keep `.active()` last:
///
/// ```
/// # use diesel::prelude::*;
/// # use diesel::debug_query;
/// # use diesel::sqlite::Sqlite;
/// # use soft_delete_runtime::prelude::*;
/// # diesel::table! { posts (id) { id -> Integer, title -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
/// # #[derive(Queryable, Selectable, SoftDeletable)]
/// # #[diesel(table_name = posts)]
/// # struct Post { id: i32, title: String, deleted_at: Option<chrono::NaiveDateTime>, deletion_id: Option<i64> }
/// let q = posts::table
///     .filter(posts::title.eq("a"))
///     .or_filter(posts::title.eq("b"))
///     .active();
/// assert_eq!(
///     debug_query::<Sqlite, _>(&q).to_string(),
///     "SELECT `posts`.`id`, `posts`.`title`, `posts`.`deleted_at`, `posts`.`deletion_id` \
///      FROM `posts` WHERE (((`posts`.`title` = ?) OR (`posts`.`title` = ?)) AND (`posts`.`deleted_at` IS NULL)) \
///      -- binds: [\"a\", \"b\"]"
/// );
/// ```
///
/// Every Diesel query has these methods, so that on a join the error says what to write instead
/// (`Model::is_live()`) rather than "method not found"; they apply to a [`SoftDeleteSource`].
pub trait SoftDeleteDsl: Sized {
    /// Only live rows.
    fn active(self) -> Active<Self>
    where
        Self: SoftDeleteSource + FilterDsl<IsLive<<Self as SoftDeleteSource>::Table>>,
    {
        self.filter(is_live::<<Self as SoftDeleteSource>::Table>())
    }

    /// Only hidden rows.
    fn only_deleted(self) -> OnlyDeleted<Self>
    where
        Self: SoftDeleteSource + FilterDsl<IsDeleted<<Self as SoftDeleteSource>::Table>>,
    {
        self.filter(is_deleted::<<Self as SoftDeleteSource>::Table>())
    }
}

impl<Q: diesel::query_builder::AsQuery> SoftDeleteDsl for Q {}
