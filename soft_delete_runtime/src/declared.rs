//! Tables declared soft-deletable in their own crate: when the models live in another crate
//! than `schema.rs`, Rust's orphan rule keeps the derive from implementing the runtime's traits
//! on the foreign `table` type, so one line next to `table!` does it
//! ([`soft_delete_table!`](crate::soft_delete_table)), and the model says
//! `#[soft_delete(table_declared)]`.
//!
//! The line states what the table's type must carry (the marker and `deletion_id` columns,
//! whose SQL types it checks as the derive checks a model's fields); the rest of the table's
//! facts (key, edges, hooks) stay on the model, whose derive registers them and checks that
//! the model names the declared columns (the hidden traits below carry those errors' wording).
//! `meta()` finds the facts in the registry by the table's identity.

use std::sync::OnceLock;

use diesel::query_builder::QueryFragment;
use diesel::sql_types::{BigInt, Nullable};
use diesel::Column;

use crate::hooks::{HookFns, SoftDeleteHooks};
use crate::marker::MarkerStrategy;
use crate::meta::TableMeta;
use crate::registry::registered;
use crate::table::SoftDeleteTable;
use crate::table_name::{read_columns, ColumnsRef, RenderDb, TableRef};

/// A table declared with [`soft_delete_table!`](crate::soft_delete_table) next to its `table!`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared soft-deletable next to its `table!`",
    label = "`#[soft_delete(table_declared)]` says this table's `table!` carries the declaration",
    note = "add `soft_delete_runtime::soft_delete_table!(<table>, <marker column>, <deletion_id column>);` after the `table!` of `{Self}` (leave out the `deletion_id` column when the table has none), or drop `table_declared` when the model and the `table!` are in one crate"
)]
pub trait DeclaredTable: SoftDeleteTable {
    /// The declared `deletion_id` column, or [`NoDeletionId`].
    type DeletionId;
}

/// The [`DeclaredTable::DeletionId`] of a table declared without a `deletion_id` column.
#[derive(Debug, Clone, Copy)]
pub struct NoDeletionId;

/// A `deletion_id` column's SQL type, `Self`, is `Nullable<BigInt>` (checked by
/// `soft_delete_table!` for its third argument, `Col`), as the derive checks a model's
/// `deletion_id` field.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the `deletion_id` column must be `Nullable<BigInt>` (a field `Option<i64>`), but `{Col}` is `{Self}`",
    label = "the third argument names the `deletion_id` column, into which a cascade writes changeset ids",
    note = "name a nullable `BigInt` column as the third argument of `soft_delete_table!(<table>, <marker column>, <deletion_id column>)`, or leave the third argument out when the table has no such column (then no cascade reaches it)"
)]
pub trait DeletionIdSqlType<Col> {
    /// `Col`.
    type Column;
}

#[diagnostic::do_not_recommend]
impl<Col> DeletionIdSqlType<Col> for Nullable<BigInt> {
    type Column = Col;
}

/// A `table_declared` model's marker column, `Self`, is the one its table's
/// `soft_delete_table!` line declares, `Declared` (checked by the derive).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this model's marker column is `{Self}`, but the `soft_delete_table!` line of its table declares `{Declared}`",
    label = "the model's marker column",
    note = "a table has one marker: name the declared column on the model, `#[soft_delete(deleted_at = <column>)]` (`deleted = <column>` for a `Bool` flag) with a field over it, or change the second argument of the `soft_delete_table!` line"
)]
pub trait SameMarker<Declared> {}

impl<M> SameMarker<M> for M {}

/// A `table_declared` model's `deletion_id` column, `Self`, is the one its table's
/// `soft_delete_table!` line declares, `Declared` (checked by the derive).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this model's `deletion_id` column is `{Self}`, but the `soft_delete_table!` line of its table declares `{Declared}`",
    label = "the model's `deletion_id` column",
    note = "name the same column in both places: the third argument of `soft_delete_table!(<table>, <marker column>, <deletion_id column>)` (`NoDeletionId`: the line names none), and a field over it on the model (`#[soft_delete(deletion_id = <column>)]` when it is not named `deletion_id`)"
)]
pub trait SameDeletionId<Declared> {}

impl<D> SameDeletionId<D> for D {}

/// The `deletion_id` column a `table_declared` model without one finds declared, `Self`: none,
/// [`NoDeletionId`] (checked by the derive).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "the `soft_delete_table!` line of this model's table declares the `deletion_id` column `{Self}`, but the model has no field over it",
    label = "the model's table is declared with a `deletion_id` column",
    note = "add `deletion_id: Option<i64>` to the model (`#[soft_delete(deletion_id = <column>)]` when the field has another name), or leave the third argument out of the `soft_delete_table!` line"
)]
pub trait NoDeletionIdDeclared {}

#[diagnostic::do_not_recommend]
impl NoDeletionIdDeclared for NoDeletionId {}

/// The facts of one declared table, found once (emitted by `soft_delete_table!`).
#[doc(hidden)]
pub struct Declared {
    meta: OnceLock<&'static TableMeta>,
}

/// The hooks of a table no model is linked for: none, and every rule allows.
struct NoModel;
impl SoftDeleteHooks for NoModel {}

impl Declared {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Declared {
        Declared {
            meta: OnceLock::new(),
        }
    }

    /// The facts of table `T`: those its model registered; when no model of `T` is linked into
    /// the program (only another model's edge reaches it), the declaration's own — key, marker
    /// and `deletion_id` from the table type, no edges, no hooks.
    pub fn meta<T>(&'static self, deletion_id: Option<&'static str>) -> &'static TableMeta
    where
        T: SoftDeleteTable + QueryFragment<RenderDb>,
        T::AllColumns: QueryFragment<RenderDb>,
        T::PrimaryKey: QueryFragment<RenderDb>,
    {
        self.meta.get_or_init(|| {
            let table = TableRef::of::<T>();
            if let Some(meta) = registered(table.get().qualified) {
                return meta;
            }
            let key = read_columns(&T::default().primary_key());
            Box::leak(Box::new(TableMeta {
                table,
                primary_key: Box::leak(key.into_boxed_slice()),
                marker: T::Marker::NAME,
                marker_kind: <T::Strategy as MarkerStrategy<T::Marker>>::KIND,
                deletion_id,
                cascade: &[],
                protect: &[],
                nullify: &[],
                columns: ColumnsRef::of::<T>(),
                hooks: HookFns::of::<NoModel>(),
            }))
        })
    }
}

/// Declares a Diesel table soft-deletable in the crate of its `table!`, for models in another
/// crate (which then say `#[soft_delete(table_declared)]`). One line per table, after `table!`:
///
/// ```ignore
/// diesel::table! { posts (id) { id -> Integer, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
/// soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);
/// ```
///
/// The arguments are the `table!` module, its marker column and, for a table cascades reach,
/// its `deletion_id` column. They are checked as the derive checks a model's fields, each a
/// compile error on the line that says what to write instead:
/// - the marker column is `Nullable<Timestamp>` or `Nullable<Timestamptz>`
///   (`Nullable<TimestamptzSqlite>` on SQLite), or a `Bool` flag; the strategy follows its SQL
///   type;
/// - the `deletion_id` column is `Nullable<BigInt>`.
///
/// A `table_declared` model of the table must name the same marker and `deletion_id` columns
/// (or, for a line without a `deletion_id`, have none), with field types that fit them; each
/// difference is one compile error on the model's key or field, naming the declared column.
#[macro_export]
macro_rules! soft_delete_table {
    ($table:ident, $marker:ident $(,)?) => {
        $crate::soft_delete_table!(@impl $table, $marker, ::core::option::Option::None);
        impl $crate::DeclaredTable for $table::table {
            type DeletionId = $crate::NoDeletionId;
        }
    };
    ($table:ident, $marker:ident, $deletion_id:ident $(,)?) => {
        $crate::soft_delete_table!(@impl $table, $marker, ::core::option::Option::Some(
            <$table::$deletion_id as $crate::__private::diesel::Column>::NAME
        ));
        impl $crate::CascadeTarget for $table::table {
            // The column itself, once its SQL type is checked: a cascade writes changeset ids
            // into it, so it is `Nullable<BigInt>`, as the derive requires `Option<i64>` of a
            // model's field. Another type is the one error here, `DeletionIdSqlType`'s.
            type DeletionId = <<$table::$deletion_id as $crate::__private::diesel::Expression>::SqlType
                as $crate::__private::DeletionIdSqlType<$table::$deletion_id>>::Column;
        }
        impl $crate::DeclaredTable for $table::table {
            type DeletionId = $table::$deletion_id;
        }
    };
    (@impl $table:ident, $marker:ident, $deletion_id:expr) => {
        impl $crate::SoftDeleteTable for $table::table {
            type Marker = $table::$marker;
            // A marker column of another SQL type is the one error here, `MarkerSqlType`'s.
            type Strategy = <<$table::$marker as $crate::__private::diesel::Expression>::SqlType
                as $crate::marker::MarkerSqlType<$table::$marker>>::Strategy;
            fn meta() -> &'static $crate::TableMeta {
                static DECLARED: $crate::__private::Declared = $crate::__private::Declared::new();
                DECLARED.meta::<$table::table>($deletion_id)
            }
        }
    };
}
