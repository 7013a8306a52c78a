//! The integration tests, in one binary: `cargo test --test it` (add `-- cascade` for one
//! topic, `-- postgres::` for one backend).
//!
//! Each topic (`cascade.rs`, `leaks.rs`, ...) is ordinary Rust written against `Conn`, the
//! connection of the backend module that mounts it. `sqlite.rs` mounts every topic with
//! `Db = Sqlite`; `postgres.rs` and `mysql.rs` (features `postgres` / `mysql`) mount them again
//! for their servers, with the tests only that backend can run in their own directories. So a
//! test's path names its backend: `postgres::cascade::self_reference_five_deep`.
//!
//! A module per backend rather than generic test functions: Diesel's query DSL and the
//! derived `SoftDelete` methods are implemented per backend, so a query on a generic connection
//! does not type-check without a bound for each query type.
//!
//! Sync and async: the suites whose subject is the operations (`single_table`, `cascade`,
//! `reads`, `leaks`, `model_based`, `fault_injection`) call them through `common/driver.rs`'s
//! `Api` trait, each test a function generic over it, mounted twice: `#[test] fn name()` on
//! `SyncApi` (the synchronous API), and with feature `async` the same name in the suite's
//! `asynchronous` module on `AsyncApi` (the awaited API on the backend's diesel-async connection,
//! on a database of its own). So `-- asynchronous` selects every async run:
//! `postgres::cascade::asynchronous::self_reference_five_deep`.

#![allow(
    clippy::duplicate_mod,
    reason = "each backend module mounts every topic file, on purpose"
)]

mod common;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;
// The compile-error expectations are pinned to builds without `async`: with diesel-async
// linked, rustc shortens type paths in its messages differently (`SelectStatement<..>` for
// `diesel::query_builder::select_statement::SelectStatement<..>`), not what the errors say.
#[cfg(not(feature = "async"))]
mod ui;
