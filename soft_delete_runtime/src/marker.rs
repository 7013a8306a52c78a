//! Marker strategies: how a table tells hidden rows from live ones, as Diesel expressions.

use diesel::expression::Expression;
use diesel::sql_types::Bool;
use diesel::ExpressionMethods;

use crate::meta::MarkerKind;

/// A marker strategy: the SQL condition for live and hidden rows, given the marker column.
///
/// The runtime ships three: [`Timestamp`], [`TimestampTz`] and [`Flag`]. The derive picks one
/// from the Rust type of the marker field.
pub trait MarkerStrategy<Col> {
    /// How the engine binds the marker value for this strategy.
    const KIND: MarkerKind;
    /// The condition for live rows (`deleted_at IS NULL`, `deleted = false`).
    type Live;
    /// The condition for hidden rows (`deleted_at IS NOT NULL`, `deleted = true`).
    type Deleted;
    /// The live condition on `col`.
    fn live(col: Col) -> Self::Live;
    /// The hidden condition on `col`.
    fn deleted(col: Col) -> Self::Deleted;
}

/// `deleted_at: Option<NaiveDateTime>`, a `Nullable<Timestamp>` column: live while `NULL`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timestamp;

/// `deleted_at: Option<DateTime<Utc>>`, a `Nullable<Timestamptz>` column: live while `NULL`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimestampTz;

/// `deleted: bool`, a `Bool` column: live while `false`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flag;

/// Both timestamp strategies: live while the column is `NULL`.
macro_rules! nullable_timestamp_strategy {
    ($strategy:ty, $kind:expr) => {
        impl<Col: Expression + ExpressionMethods> MarkerStrategy<Col> for $strategy {
            const KIND: MarkerKind = $kind;
            type Live = diesel::dsl::IsNull<Col>;
            type Deleted = diesel::dsl::IsNotNull<Col>;
            fn live(col: Col) -> Self::Live {
                col.is_null()
            }
            fn deleted(col: Col) -> Self::Deleted {
                col.is_not_null()
            }
        }
    };
}
nullable_timestamp_strategy!(Timestamp, MarkerKind::Timestamp);
nullable_timestamp_strategy!(TimestampTz, MarkerKind::TimestampTz);

impl<Col: Expression<SqlType = Bool>> MarkerStrategy<Col> for Flag {
    const KIND: MarkerKind = MarkerKind::Flag;
    type Live = diesel::dsl::Eq<Col, bool>;
    type Deleted = diesel::dsl::Eq<Col, bool>;
    fn live(col: Col) -> Self::Live {
        col.eq(false)
    }
    fn deleted(col: Col) -> Self::Deleted {
        col.eq(true)
    }
}

/// The strategy a marker column's SQL type implies, for tables declared with
/// [`soft_delete_table!`](crate::soft_delete_table): `Nullable<Timestamp>` → [`Timestamp`],
/// `Nullable<Timestamptz>` (PostgreSQL) or `Nullable<TimestamptzSqlite>` (SQLite) →
/// [`TimestampTz`], `Bool` → [`Flag`]. `Col` is the column, named in the error when its SQL type
/// is none of these.
#[diagnostic::on_unimplemented(
    message = "the marker column must be `Nullable<Timestamp>` or `Nullable<Timestamptz>` (`Nullable<TimestamptzSqlite>` on SQLite), or `Bool` for a flag, but `{Col}` is `{Self}`",
    label = "the second argument names the marker column",
    note = "name the column that tells hidden rows from live ones as the second argument of `soft_delete_table!(<table>, <marker column>, <deletion_id column>)`: a nullable timestamp (NULL while the row is live) or a `Bool` flag"
)]
pub trait MarkerSqlType<Col> {
    /// The strategy.
    type Strategy;
}

// `do_not_recommend`: the error lists no impls, so it reads the same whatever backend features
// are enabled.
#[diagnostic::do_not_recommend]
impl<Col> MarkerSqlType<Col> for diesel::sql_types::Nullable<diesel::sql_types::Timestamp> {
    type Strategy = Timestamp;
}

#[cfg(feature = "postgres")]
#[diagnostic::do_not_recommend]
impl<Col> MarkerSqlType<Col> for diesel::sql_types::Nullable<diesel::sql_types::Timestamptz> {
    type Strategy = TimestampTz;
}

#[cfg(feature = "sqlite")]
#[diagnostic::do_not_recommend]
impl<Col> MarkerSqlType<Col> for diesel::sql_types::Nullable<diesel::sql_types::TimestamptzSqlite> {
    type Strategy = TimestampTz;
}

#[diagnostic::do_not_recommend]
impl<Col> MarkerSqlType<Col> for Bool {
    type Strategy = Flag;
}

/// A model of a declared table reads its marker column `Col`, of SQL type `Self`, with a field
/// whose type picks strategy `S`: `Option<NaiveDateTime>` a `Nullable<Timestamp>`,
/// `Option<DateTime<Utc>>` a `Nullable<Timestamptz>` or `Nullable<TimestamptzSqlite>`, `bool`
/// a `Bool` (checked by the derive of a `table_declared` model).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this model's marker field does not fit its column `{Col}`, which is `{Self}`",
    label = "the marker field",
    note = "a `Nullable<Timestamp>` column takes `Option<NaiveDateTime>` and a `Nullable<Timestamptz>` (`Nullable<TimestamptzSqlite>` on SQLite) column takes `Option<DateTime<Utc>>`, under `#[soft_delete(deleted_at = column)]`; a `Bool` column takes `bool`, under `#[soft_delete(deleted = column)]`"
)]
pub trait MarkerField<Col, S> {}

#[diagnostic::do_not_recommend]
impl<Col> MarkerField<Col, Timestamp>
    for diesel::sql_types::Nullable<diesel::sql_types::Timestamp>
{
}

#[cfg(feature = "postgres")]
#[diagnostic::do_not_recommend]
impl<Col> MarkerField<Col, TimestampTz>
    for diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>
{
}

#[cfg(feature = "sqlite")]
#[diagnostic::do_not_recommend]
impl<Col> MarkerField<Col, TimestampTz>
    for diesel::sql_types::Nullable<diesel::sql_types::TimestamptzSqlite>
{
}

#[diagnostic::do_not_recommend]
impl<Col> MarkerField<Col, Flag> for Bool {}

/// Strategies whose marker records *when* a row was hidden (needed by `purge`).
#[diagnostic::on_unimplemented(
    message = "`purge` needs a timestamp marker, but this model marks hidden rows with `{Self}`",
    label = "`purge` picks rows by when they were hidden, which a bool flag does not record",
    note = "give the model a timestamp marker, `deleted_at: Option<NaiveDateTime>` (or `Option<DateTime<Utc>>`) over a nullable timestamp column; `hard_delete` removes a hidden row of a flag model permanently"
)]
pub trait TimestampedStrategy {}
impl TimestampedStrategy for Timestamp {}
impl TimestampedStrategy for TimestampTz {}
