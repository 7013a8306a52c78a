//! Benchmarks of `soft_delete_runtime` against the hand-written Diesel a careful engineer would
//! write for the same schema, measured in the same run, and of what soft delete costs a read.
//!
//! `cargo bench` runs the suite on SQLite (a file-backed database in WAL mode under the temp
//! directory); `PG_DATABASE_URL=postgres://... cargo bench --features postgres` adds PostgreSQL
//! (in schema `bench_sd`, dropped at the end), and `MYSQL_DATABASE_URL=mysql://...
//! cargo bench --features mysql` MariaDB (database `sd_bench`; the live reads, and with feature
//! `async` the async-vs-sync section, only). A first
//! argument filters sections and benchmarks: `cargo bench -- cascade`. Run without `--bench`
//! (`cargo test --benches`) it is a smoke test on tiny tables. The live reads run at 100k
//! comments, and at 1M too when `SOFT_DELETE_BENCH_1M` is set. With feature `async`, each backend
//! then runs the async-vs-sync section (`cargo bench --features async -- async_vs_sync`). See
//! BENCHMARKS.md for the figures and how to read them.
//!
//! Every comparison prints one line, `RATIO <name> <backend>: lib/hand (lib .., hand ..)`, from the
//! medians of the per-iteration times recorded here (setup and reset are never timed). The
//! sections that touch a million rows are timed runs outside criterion, printed as `SCALE`,
//! `PURGE` and `INDEX` lines. The live reads print `READS <read> <backend> ...: filtered/unfiltered`.
//!
//! Layout: `harness` (the [`BenchConn`](harness::BenchConn) and [`BenchDb`] traits over a
//! backend, sizes, loading data), `sqlite`, `postgres` and `mysql` (their implementations),
//! `timing` and `probe` (measuring and printing), `sides` (the two sides of every comparison:
//! `library.rs` and `hand.rs`, and the live reads, `live.rs`, each compiled once per backend),
//! then one module per section, in the order they run: `reads`, `cascade`, `scaling`, `bulk`,
//! `purge`, `index_advice`, `live_reads`, and with feature `async` `async_vs_sync` (its two APIs
//! per backend in `both_apis.rs`), which prints `ASYNC <backend> <operation>: async/sync ..`.

// With MySQL alone, only the live reads run: the other sections are compiled but unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres")),
    allow(dead_code, unused_imports)
)]

#[cfg(feature = "async")]
mod async_vs_sync;
mod bulk;
mod cascade;
mod harness;
mod index_advice;
mod live_reads;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
mod probe;
mod purge;
mod reads;
mod scaling;
mod sides;
#[cfg(feature = "sqlite")]
mod sqlite;
mod timing;

use std::time::Duration;

use criterion::Criterion;

use harness::{enabled, fresh, BenchDb, Sizes};
use sides::LiveReads;

mod schema {
    // The same tables as the test suite.
    soft_delete_fixtures::blog_tables!();

    diesel::allow_tables_to_appear_in_same_query!(authors, posts, comments);

    /// Foreign-key indexes: any real schema has them, whatever the soft-delete library.
    pub const FK_INDEXES: &str = "
CREATE INDEX posts_author_id ON posts (author_id);
CREATE INDEX comments_post_id ON comments (post_id);
";
}

mod models {
    use super::schema::*;
    use chrono::NaiveDateTime;
    use diesel::prelude::*;
    use soft_delete_runtime::prelude::*;

    #[derive(Debug, Clone, Queryable, Selectable, Identifiable, SoftDeletable)]
    #[diesel(table_name = authors)]
    #[soft_delete(cascade(posts::author_id))]
    pub struct Author {
        pub id: i32,
        pub name: String,
        pub deleted_at: Option<NaiveDateTime>,
        pub deletion_id: Option<i64>,
    }

    #[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
    #[diesel(table_name = posts, belongs_to(Author))]
    #[soft_delete(cascade(comments::post_id))]
    pub struct Post {
        pub id: i32,
        pub author_id: i32,
        pub title: String,
        pub deleted_at: Option<NaiveDateTime>,
        pub deletion_id: Option<i64>,
    }

    #[derive(Debug, Clone, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
    #[diesel(table_name = comments, belongs_to(Post))]
    pub struct Comment {
        pub id: i32,
        pub post_id: i32,
        pub body: String,
        pub deleted_at: Option<NaiveDateTime>,
        pub deletion_id: Option<i64>,
    }
}

/// Every enabled section on backend `B`, then its clean-up.
fn run<B: BenchDb + LiveReads>(c: &mut Criterion, sizes: &Sizes) {
    {
        let (mut conn, _) = fresh::<B>("version");
        println!("BACKEND {}: {}", B::NAME, conn.version());
    }
    if enabled("reads") {
        reads::reads::<B>(c, sizes);
    }
    if enabled("cascade") {
        cascade::cascade::<B>(c, sizes);
    }
    if enabled("scaling") {
        scaling::scaling::<B>(sizes);
    }
    if enabled("bulk") {
        bulk::bulk::<B>(c, sizes);
    }
    if enabled("purge") {
        purge::purge::<B>(sizes);
    }
    if enabled("index_advice") {
        index_advice::index_advice::<B>(sizes);
    }
    if enabled("live_reads") {
        live_reads::live_reads::<B>(c, sizes);
    }
    B::cleanup();
}

/// The live reads alone, on a backend without the hand-written side (MariaDB/MySQL).
#[cfg(feature = "mysql")]
fn run_reads_only<B: harness::BenchConn + LiveReads>(c: &mut Criterion, sizes: &Sizes) {
    if enabled("live_reads") {
        live_reads::live_reads::<B>(c, sizes);
    }
    B::cleanup();
}

/// The async-vs-sync section on backend `B` (feature `async`), then its clean-up.
#[cfg(feature = "async")]
fn run_async<B: async_vs_sync::BothApis>(sizes: &Sizes) {
    if enabled("async_vs_sync") {
        async_vs_sync::async_vs_sync::<B>(sizes);
        B::cleanup();
    }
}

/// Without feature `async` there is no async section.
#[cfg(not(feature = "async"))]
fn run_async<B>(_: &Sizes) {}

fn main() {
    let smoke = {
        let args: Vec<String> = std::env::args().collect();
        !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
    };
    harness::set_smoke(smoke);
    let sizes = Sizes::new(smoke);
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1))
        .configure_from_args();
    println!(
        "MACHINE: {} CPUs available{}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if smoke {
            " (smoke run: tiny tables)"
        } else {
            ""
        }
    );

    #[cfg(feature = "sqlite")]
    {
        run::<diesel::SqliteConnection>(&mut c, &sizes);
        run_async::<diesel::SqliteConnection>(&sizes);
    }

    #[cfg(feature = "postgres")]
    if std::env::var("PG_DATABASE_URL").is_ok() {
        run::<diesel::PgConnection>(&mut c, &sizes);
        run_async::<diesel::PgConnection>(&sizes);
    } else {
        println!("PG_DATABASE_URL is not set: PostgreSQL skipped");
    }

    #[cfg(feature = "mysql")]
    if std::env::var("MYSQL_DATABASE_URL").is_ok() {
        run_reads_only::<diesel::MysqlConnection>(&mut c, &sizes);
        run_async::<diesel::MysqlConnection>(&sizes);
    } else {
        println!("MYSQL_DATABASE_URL is not set: MariaDB/MySQL skipped");
    }

    c.final_summary();
}
