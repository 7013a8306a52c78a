//! The facts the derive states about a table, as traits on Diesel's table type.

use diesel::Column;

use crate::marker::MarkerStrategy;
use crate::meta::TableMeta;

/// A table mapped by a `#[derive(SoftDeletable)]` model.
///
/// Implemented by the derive on the Diesel table type (`posts::table`); you do not implement it
/// by hand. Generic code reads the live condition through [`IsLive`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a soft-deletable table",
    label = "no `#[derive(SoftDeletable)]` model maps this table",
    note = "add `#[derive(SoftDeletable)]` to the model whose `#[diesel(table_name = ...)]` names this table"
)]
pub trait SoftDeleteTable: diesel::Table + Default + Copy + 'static {
    /// The marker column (`posts::deleted_at`).
    type Marker: Column<Table = Self> + Default + Copy;
    /// How the marker column tells live from hidden rows.
    type Strategy: MarkerStrategy<Self::Marker>;
    /// The table's facts for the cascade engine.
    fn meta() -> &'static TableMeta;
}

/// A soft-deletable table with a `deletion_id` column: it can be the parent or the child of a
/// `cascade` edge, and its rows record which changeset hid them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot take part in a cascade: it needs a `#[derive(SoftDeletable)]` model with a `deletion_id` column",
    label = "no `SoftDeletable` model with a `deletion_id` field maps this table",
    note = "derive `SoftDeletable` on the model whose `#[diesel(table_name = ...)]` names this table, and give that model `deletion_id: Option<i64>` over a nullable `BigInt` column (or name another column with `#[soft_delete(deletion_id = col)]`)"
)]
pub trait CascadeTarget: SoftDeleteTable {
    /// The `deletion_id` column.
    type DeletionId: Column<Table = Self> + Default + Copy;
}

/// The live condition of table `T` (`posts::deleted_at.is_null()`'s type).
pub type IsLive<T> =
    <<T as SoftDeleteTable>::Strategy as MarkerStrategy<<T as SoftDeleteTable>::Marker>>::Live;

/// The hidden condition of table `T` (`posts::deleted_at.is_not_null()`'s type).
pub type IsDeleted<T> =
    <<T as SoftDeleteTable>::Strategy as MarkerStrategy<<T as SoftDeleteTable>::Marker>>::Deleted;

/// The live condition of table `T` as a value.
pub fn is_live<T: SoftDeleteTable>() -> IsLive<T> {
    T::Strategy::live(T::Marker::default())
}

/// The hidden condition of table `T` as a value.
pub fn is_deleted<T: SoftDeleteTable>() -> IsDeleted<T> {
    T::Strategy::deleted(T::Marker::default())
}
