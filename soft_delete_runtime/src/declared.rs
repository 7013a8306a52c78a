//! Tables declared soft-deletable in their own crate: when the models live in another crate
//! than `schema.rs`, Rust's orphan rule keeps the derive from implementing the runtime's traits
//! on the foreign `table` type, so one line next to `table!` does it
//! ([`soft_delete_table!`](crate::soft_delete_table)), and the model says
//! `#[soft_delete(table_declared)]`.
//!
//! The line states what the table's type must carry (the marker and `deletion_id` columns);
//! the rest of the table's facts (key, edges, hooks) stay on the model, whose derive registers
//! them. `meta()` finds them in the registry by the table's identity.

use std::sync::OnceLock;

use diesel::query_builder::QueryFragment;
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
/// The arguments are the `table!` module, its marker column (a nullable timestamp, or a `Bool`
/// flag) and, for a table cascades reach, its `deletion_id` column.
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
            type DeletionId = $table::$deletion_id;
        }
        impl $crate::DeclaredTable for $table::table {
            type DeletionId = $table::$deletion_id;
        }
    };
    (@impl $table:ident, $marker:ident, $deletion_id:expr) => {
        impl $crate::SoftDeleteTable for $table::table {
            type Marker = $table::$marker;
            type Strategy = <<$table::$marker as $crate::__private::diesel::Expression>::SqlType
                as $crate::marker::MarkerSqlType>::Strategy;
            fn meta() -> &'static $crate::TableMeta {
                static DECLARED: $crate::__private::Declared = $crate::__private::Declared::new();
                DECLARED.meta::<$table::table>($deletion_id)
            }
        }
    };
}
