//! Safe, undoable, set-based soft deletion for [Diesel](https://diesel.rs) models.
//!
//! Mark a model `#[derive(SoftDeletable)]`: deleting a row hides it (and, through declared
//! `cascade` edges, everything hanging off it) instead of destroying it; typed queries read live
//! rows only; every deletion is recorded as a [`Changeset`] that restores exactly what it hid.
//!
//! ```
//! use chrono::NaiveDateTime;
//! use diesel::{connection::SimpleConnection, prelude::*};
//! use soft_delete_runtime::prelude::*;
//!
//! diesel::table! {
//!     authors (id) { id -> Integer, name -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> }
//! }
//! diesel::table! {
//!     posts (id) { id -> Integer, author_id -> Integer, title -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> }
//! }
//!
//! #[derive(Queryable, Selectable, SoftDeletable)]
//! #[diesel(table_name = authors)]
//! #[soft_delete(cascade(posts::author_id))]
//! struct Author { id: i32, name: String, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
//!
//! #[derive(Queryable, Selectable, SoftDeletable)]
//! #[diesel(table_name = posts)]
//! struct Post { id: i32, author_id: i32, title: String, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = SqliteConnection::establish(":memory:")?;
//! soft_delete_runtime::migration::install(&mut conn)?;
//! # conn.batch_execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
//! #   CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
//! #   INSERT INTO authors VALUES (1, 'Ann', NULL, NULL); INSERT INTO posts VALUES (1, 1, 'Hello', NULL, NULL), (2, 1, 'Again', NULL, NULL);")?;
//! let ann: Author = Author::active().find(1).select(Author::as_select()).first(&mut conn)?;
//! let changeset = ann.soft_delete_with(&mut conn, DeleteOptions::new().actor("alice").reason("spam"))?;
//! assert_eq!(changeset.rows_affected, 3); // the author and both posts
//! assert_eq!(Post::active().count().get_result::<i64>(&mut conn)?, 0);
//!
//! Changeset::restore(&mut conn, changeset.id)?;
//! assert_eq!(Post::active().count().get_result::<i64>(&mut conn)?, 2);
//! # Ok(()) }
//! ```
//!
//! # Features
//! - `derive` (default): re-exports `#[derive(SoftDeletable)]`.
//! - `sqlite` (default): SQLite, with libsqlite3 bundled.
//! - `postgres`: PostgreSQL (needs libpq).
//! - `mysql`: MySQL and MariaDB (needs libmysqlclient or libmariadb).
//! - `async`: the operations on diesel-async connections, awaited (module `asynchronous`), for the
//!   backends enabled.
#![warn(missing_docs)]

// Layers, bottom-up; a module imports only from its own layer or below (see ARCHITECTURE.md and
// the `layers` test). Data:
mod declared;
mod error;
mod hooks;
mod key;
pub mod marker;
mod meta;
mod options;
mod record;
mod registry;
mod report;
pub mod schema;
mod table;
mod table_name;
mod time;
// Backends:
pub mod backend;
mod connection;
// Statements:
mod statements;
// The engine:
mod engine;
// The API:
#[cfg(feature = "async")]
pub mod asynchronous;
mod changeset;
mod dsl;
pub mod migration;
mod model;

#[cfg(test)]
mod layers;

pub use changeset::{ChangesetStore, ErasureStore};
#[cfg(feature = "async")]
pub use connection::SoftDeleteAsyncConnection;
pub use connection::{BackendOf, SoftDeleteConnection};
pub use declared::{DeclaredTable, NoDeletionId};
pub use dsl::{Active, OnlyDeleted, SoftDeleteDsl, SoftDeleteSource};
pub use error::{retry, SoftDeleteError};
#[cfg(feature = "async")]
pub use hooks::{AsyncHookFn, HookFuture};
pub use hooks::{Authorization, AuthorizeFn, HookContext, HookFn, HookFns, SoftDeleteHooks};
pub use key::{key_text, RowFilter};
pub use meta::{
    CascadeEdge, ForeignKey, MarkerKind, NullableForeignKey, NullifyEdge, ProtectEdge, TableMeta,
};
pub use model::{KeyFilter, SoftDelete};
pub use options::{DeleteOptions, EraseOptions, PurgeOptions, RedactOptions, RestoreOptions};
pub use record::{
    Changeset, ChangesetFilter, ChangesetRows, ChangesetState, Erasure, MAX_PAGE, MAX_TEXT_BYTES,
};
pub use report::{Deferred, PurgeReport, RestoreReport, TableCounts};
pub use table::{is_deleted, is_live, CascadeTarget, IsDeleted, IsLive, SoftDeleteTable};
pub use table_name::{ColumnsRef, TableName, TableRef};

/// `#[derive(SoftDeletable)]`: see the crate documentation for its attributes.
#[cfg(feature = "derive")]
pub use soft_delete_derive::SoftDeletable;

/// SQL name of the runtime's changeset table.
pub const CHANGESET_TABLE: &str = "soft_delete_changesets";

/// SQL name of the runtime's erasure record table.
pub const ERASURE_TABLE: &str = "soft_delete_erasures";

/// Everything a model file needs: `use soft_delete_runtime::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "derive")]
    pub use crate::SoftDeletable;
    pub use crate::{
        Changeset, ChangesetStore, DeleteOptions, EraseOptions, Erasure, ErasureStore,
        RestoreOptions, SoftDelete, SoftDeleteDsl, SoftDeleteError,
    };
}

/// Items the derive's generated code refers to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::declared::{
        Declared, DeletionIdSqlType, NoDeletionIdDeclared, SameDeletionId, SameMarker,
    };
    pub use crate::marker::MarkerField;
    pub use crate::registry::Registration;
    pub use diesel;
    pub use inventory;
}
