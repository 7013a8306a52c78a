//! The facts the derive publishes about each soft-deletable table, as plain data.
//!
//! The cascade engine reads the table graph from here at run time; it never needs the
//! Rust types of the tables it walks.

use crate::hooks::HookFns;
use crate::table_name::{ColumnsRef, RenderDb, TableName, TableRef};

/// How a table marks hidden rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// `deleted_at: Option<NaiveDateTime>` — `Nullable<Timestamp>` column.
    Timestamp,
    /// `deleted_at: Option<DateTime<Utc>>` — `Nullable<Timestamptz>` (PostgreSQL) or
    /// `Nullable<TimestamptzSqlite>` column.
    TimestampTz,
    /// `deleted: bool` — flag strategy.
    Flag,
}

/// Static description of one soft-deletable table, emitted by `#[derive(SoftDeletable)]`.
#[derive(Debug)]
pub struct TableMeta {
    /// The table's SQL name, as Diesel renders it: `TableRef::of::<posts::table>()`.
    pub table: TableRef,
    /// SQL names of the primary-key columns, in key order (one for a single-column key).
    pub primary_key: &'static [&'static str],
    /// SQL name of the marker column.
    pub marker: &'static str,
    /// How the marker column marks hidden rows.
    pub marker_kind: MarkerKind,
    /// SQL name of the `deletion_id` column, when the model has one.
    pub deletion_id: Option<&'static str>,
    /// Outgoing `cascade(child::fk)` edges.
    pub cascade: &'static [CascadeEdge],
    /// Outgoing `protect(child::fk)` edges.
    pub protect: &'static [ProtectEdge],
    /// Outgoing `nullify(child::fk)` edges.
    pub nullify: &'static [NullifyEdge],
    /// Every column of the table, as Diesel names them (for `export_tree`).
    pub columns: ColumnsRef,
    /// The model's hooks.
    pub hooks: HookFns,
}

/// A `cascade(child::fk)` edge: hiding a parent row hides the child rows whose `fk` names it.
#[derive(Debug, Clone, Copy)]
pub struct CascadeEdge {
    /// The child table's facts.
    pub child: fn() -> &'static TableMeta,
    /// SQL names of the foreign-key columns in the child table, in the parent's key order.
    pub fk: &'static [&'static str],
}

/// A `protect(child::fk)` edge: deleting a parent is refused while live child rows name it.
#[derive(Debug)]
pub struct ProtectEdge {
    /// The child table's SQL name.
    pub table: TableRef,
    /// SQL names of the foreign-key columns in the child table, in the parent's key order.
    pub fk: &'static [&'static str],
}

/// The foreign-key columns of an edge, as a tuple of Diesel columns of one table:
/// `(comments::post_id,)`, or `(votes::post_id, votes::tag_id)` for a composite key.
///
/// Implemented for tuples of one to four columns of the same table. The derive writes the tuple
/// from `cascade(...)`/`protect(...)`; a composite key is listed in the parent's key order.
pub trait ForeignKey {
    /// The child table the columns belong to.
    type Table;
    /// The columns' SQL names, in order.
    const COLUMNS: &'static [&'static str];
}

macro_rules! foreign_key_tuples {
    ($(($first:ident $(, $rest:ident)*)),* $(,)?) => {$(
        impl<$first: diesel::Column $(, $rest: diesel::Column<Table = $first::Table>)*> ForeignKey
            for ($first, $($rest,)*)
        {
            type Table = $first::Table;
            const COLUMNS: &'static [&'static str] = &[$first::NAME $(, $rest::NAME)*];
        }
    )*};
}

foreign_key_tuples!((A), (A, B), (A, B, C), (A, B, C, D));

/// A `nullify(child::fk)` edge (Django's `SET_NULL`): a soft delete leaves the child rows
/// alone; a hard delete, purge or erase of a parent sets their `fk` to `NULL`.
#[derive(Debug)]
pub struct NullifyEdge {
    /// The child table's SQL name.
    pub table: TableRef,
    /// SQL name of the (nullable) foreign-key column in the child table.
    pub fk: &'static str,
    /// The child table's columns (`export_tree` lists the rows a `nullify` edge reaches).
    pub columns: ColumnsRef,
}

/// The SQL type of a column a `nullify` edge can set to `NULL`: `Nullable<T>`.
#[diagnostic::on_unimplemented(
    message = "a `nullify` edge needs a nullable foreign key, but this column is `{Self}` (NOT NULL)",
    label = "`nullify` sets this column to NULL",
    note = "declare the column `Nullable<...>` in `table!` (and drop NOT NULL in the schema), or use `cascade(...)` (delete the children) or `protect(...)` (refuse while they exist) for a required foreign key"
)]
pub trait NullableForeignKey {}

impl<T> NullableForeignKey for diesel::sql_types::Nullable<T> {}

impl CascadeEdge {
    /// The edge through foreign-key columns `Fk`, whose first column is `First`; compiles
    /// only when their table can be a cascade target. (The derive names `First` apart so that
    /// such an error points at the column as written.)
    pub const fn new<First, Fk>() -> Self
    where
        First: diesel::Column,
        First::Table: crate::CascadeTarget,
        Fk: ForeignKey<Table = First::Table>,
    {
        CascadeEdge {
            child: <First::Table as crate::SoftDeleteTable>::meta,
            fk: Fk::COLUMNS,
        }
    }
}

impl ProtectEdge {
    /// The edge through foreign-key columns `Fk`, whose first column is `First`.
    pub const fn new<First, Fk>() -> Self
    where
        First: diesel::Column,
        First::Table: diesel::query_builder::QueryFragment<RenderDb> + Default + 'static,
        Fk: ForeignKey<Table = First::Table>,
    {
        ProtectEdge {
            table: TableRef::of::<First::Table>(),
            fk: Fk::COLUMNS,
        }
    }

    /// The child table's identity ([`TableName::qualified`]).
    pub fn identity(&self) -> &'static str {
        self.table.get().qualified
    }
}

impl NullifyEdge {
    /// The edge for foreign-key column `Fk`; compiles only when `Fk` is nullable.
    pub const fn new<Fk>() -> Self
    where
        Fk: diesel::Column,
        <Fk as diesel::Expression>::SqlType: NullableForeignKey,
        Fk::Table:
            diesel::Table + diesel::query_builder::QueryFragment<RenderDb> + Default + 'static,
        <Fk::Table as diesel::Table>::AllColumns: diesel::query_builder::QueryFragment<RenderDb>,
    {
        NullifyEdge {
            table: TableRef::of::<Fk::Table>(),
            fk: Fk::NAME,
            columns: ColumnsRef::of::<Fk::Table>(),
        }
    }

    /// The child table's identity ([`TableName::qualified`]).
    pub fn identity(&self) -> &'static str {
        self.table.get().qualified
    }
}

impl TableMeta {
    /// The table's identity ([`TableName::qualified`]): `posts`, or `app.accounts` for a table
    /// in a schema. Errors, reports, hooks and the changeset record name the table by it.
    pub fn identity(&self) -> &'static str {
        self.table.get().qualified
    }

    /// The table's SQL name, for statements.
    pub fn sql(&self) -> &'static TableName {
        self.table.get()
    }
}
