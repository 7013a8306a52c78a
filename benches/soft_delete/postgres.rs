//! PostgreSQL (feature `postgres`, server at `PG_DATABASE_URL`): schema `bench_sd`, re-created
//! for each section and dropped at the end.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use soft_delete_runtime::backend::Dialect;

use crate::harness::{exec, BenchConn};

/// The connection [`hand`] and [`library`] are compiled for.
type Conn = diesel::PgConnection;

// Diesel's statements are not generic over the backend (their `QueryFragment` impls need a sealed
// Diesel trait), so each side is compiled once per connection type, on purpose.
/// The sync and async APIs on this backend (the async-vs-sync section).
#[cfg(feature = "async")]
#[allow(clippy::duplicate_mod)]
#[path = "both_apis.rs"]
mod both_apis;
/// The hand-written side on PostgreSQL.
#[allow(clippy::duplicate_mod)]
#[path = "hand.rs"]
mod hand;
/// The library side on PostgreSQL.
#[allow(clippy::duplicate_mod)]
#[path = "library.rs"]
mod library;
/// The live reads on this backend.
#[allow(clippy::duplicate_mod)]
#[path = "live.rs"]
mod live;

/// The diesel-async connection [`both_apis`] is compiled for.
#[cfg(feature = "async")]
type AsyncConn = diesel_async::AsyncPgConnection;

/// What `open` sets for the session.
#[cfg(feature = "async")]
const ASYNC_SESSION: &str = "SET client_min_messages TO WARNING; SET search_path TO bench_sd;";

/// The server's URL (the schema is the session's).
#[cfg(feature = "async")]
fn async_url(_name: &str) -> String {
    url()
}

const SCHEMA: &str = "bench_sd";

fn url() -> String {
    std::env::var("PG_DATABASE_URL").expect("PG_DATABASE_URL")
}

impl BenchConn for PgConnection {
    const NAME: &'static str = "postgres";
    const DIALECT: Dialect = Dialect::Postgres;
    const VERSION_SQL: &'static str = "version()";
    /// `settle` vacuums between timed operations; autovacuum starting in the middle of one
    /// would only add noise.
    const TUNE_TABLES: &'static str = "ALTER TABLE authors SET (autovacuum_enabled = false); \
        ALTER TABLE posts SET (autovacuum_enabled = false); \
        ALTER TABLE comments SET (autovacuum_enabled = false);";

    /// A connection to a freshly re-created schema `bench_sd`.
    fn open(_name: &str) -> Self {
        let mut conn = Self::establish(&url()).expect("connect to PostgreSQL");
        conn.batch_execute(&format!(
            "SET client_min_messages TO WARNING; DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; \
             CREATE SCHEMA {SCHEMA}; SET search_path TO {SCHEMA};"
        ))
        .expect("schema");
        conn
    }

    fn cleanup() {
        if let Ok(mut conn) = Self::establish(&url()) {
            let _ = conn.batch_execute(&format!(
                "SET client_min_messages TO WARNING; DROP SCHEMA IF EXISTS {SCHEMA} CASCADE;"
            ));
        }
    }

    fn insert_series(target: &str, n: i64, select: &str) -> String {
        format!("INSERT INTO {target} SELECT {select} FROM generate_series(1, {n}) AS s(i)")
    }

    fn ts_literal(t: &str) -> String {
        format!("TIMESTAMP '{t}'")
    }

    /// What autovacuum would have done after a bulk load.
    fn analyze(&mut self) {
        exec(self, "ANALYZE");
    }

    /// Removes the dead tuples the last operation left, so every iteration starts from the
    /// same heap, and flushes dirty buffers.
    fn settle(&mut self) {
        exec(
            self,
            "VACUUM authors, posts, comments, soft_delete_changesets",
        );
        exec(self, "CHECKPOINT");
    }
}
