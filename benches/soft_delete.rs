//! Benchmarks of `soft_delete_runtime` against the hand-written Diesel a careful engineer would
//! write for the same schema, measured in the same run.
//!
//! `cargo bench` runs the suite on SQLite (a file-backed database in WAL mode under the temp
//! directory); `PG_DATABASE_URL=postgres://... cargo bench --features postgres` adds PostgreSQL
//! (in schema `bench_sd`, dropped at the end). A first argument filters sections and benchmarks:
//! `cargo bench -- cascade`. Run without `--bench` (`cargo test --benches`) it is a smoke test on
//! tiny tables. See BENCHMARKS.md for the figures and how to read them.
//!
//! Every comparison prints one line, `RATIO <name> <backend>: lib/hand (lib .., hand ..)`, from the
//! medians of the per-iteration times recorded here (setup and reset are never timed). The
//! sections that touch a million rows are timed runs outside criterion, printed as `SCALE`,
//! `PURGE` and `INDEX` lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime, Utc};
use criterion::{Criterion, SamplingMode};
use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

mod schema {
    // The same tables as the test suite.
    soft_delete_fixtures::blog_tables!();

    diesel::allow_tables_to_appear_in_same_query!(authors, posts, comments);

    /// Tables only: the secondary indexes are created after the data is loaded.
    pub const TABLES: &str = "
CREATE TABLE authors (id {pk}, name VARCHAR(200) NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE posts (id {pk}, author_id INTEGER NOT NULL REFERENCES authors (id), title VARCHAR(200) NOT NULL,
    deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE comments (id {pk}, post_id INTEGER NOT NULL REFERENCES posts (id), body VARCHAR(200) NOT NULL,
    deleted_at TIMESTAMP, deletion_id BIGINT);
";

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

// ---------------------------------------------------------------------------------------------
// Sizes, filters, recording, formatting
// ---------------------------------------------------------------------------------------------

/// Table sizes. `smoke` (no `--bench` on the command line) divides everything so the suite runs
/// in seconds as a test.
struct Sizes {
    /// Posts per author in the cascade, scaling and read benchmarks.
    posts: i64,
    /// Comments per post at the three scales (10k, 100k, 1M comments under one author).
    scales: [i64; 3],
    /// Runs whose median is reported, per scale (a single run at 1M).
    scale_runs: [usize; 3],
    /// Bulk: authors x posts per author; half the authors match the predicate.
    bulk: (i64, i64),
    /// Purge: authors x posts per author x comments per post, all posts and comments hidden.
    purge: (i64, i64, i64),
    /// Purge batch sizes (root rows, i.e. posts, per transaction).
    purge_batches: [u32; 2],
    /// Index advice, small cascade in a large table: authors x posts x comments.
    advice: (i64, i64, i64),
    /// Index-lookup reads per iteration.
    lookups: i32,
}

impl Sizes {
    fn new(smoke: bool) -> Sizes {
        if smoke {
            Sizes {
                posts: 10,
                scales: [1, 10, 100],
                scale_runs: [1, 1, 1],
                bulk: (4, 100),
                purge: (2, 10, 10),
                purge_batches: [5, 2],
                advice: (40, 2, 10),
                lookups: 3,
            }
        } else {
            Sizes {
                posts: 1_000,
                scales: [10, 100, 1_000],
                scale_runs: [5, 5, 1],
                bulk: (200, 1_000),
                purge: (100, 100, 100),
                purge_batches: [1_000, 100],
                advice: (1_000, 10, 100),
                lookups: 20,
            }
        }
    }
}

/// The positional filter given after `--`, if any.
fn filter() -> Option<String> {
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .filter(|a| !a.is_empty())
}

/// Whether section `name` runs under the command line's filter.
fn enabled(name: &str) -> bool {
    match filter() {
        None => true,
        Some(f) => name.contains(&f) || f.starts_with(name),
    }
}

/// Set when running as a smoke test (no `--bench`).
static SMOKE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn smoke() -> bool {
    SMOKE.load(std::sync::atomic::Ordering::Relaxed)
}

thread_local! {
    static SAMPLES: RefCell<HashMap<String, Vec<Duration>>> = RefCell::new(HashMap::new());
}

fn record(key: &str, d: Duration) {
    SAMPLES.with(|s| s.borrow_mut().entry(key.to_owned()).or_default().push(d));
}

fn median_of(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn recorded_median(key: &str) -> Duration {
    SAMPLES.with(|s| median_of(s.borrow().get(key).cloned().unwrap_or_default()))
}

fn fmt_d(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn ratio(lib: Duration, hand: Duration) -> f64 {
    lib.as_secs_f64() / hand.as_secs_f64().max(1e-12)
}

fn print_ratio(name: &str, backend: &str, lib: Duration, hand: Duration) {
    println!(
        "RATIO {name} {backend}: {:.2} (lib {}, hand {})",
        ratio(lib, hand),
        fmt_d(lib),
        fmt_d(hand)
    );
}

/// `(VmHWM, VmRSS)` of this process, in kB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets VmHWM to the current RSS (Linux `clear_refs` value 5), so the next reading is the peak
/// of what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn old_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

fn purge_cutoff() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2021, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

/// What the connection's instrumentation saw: statements sent, their SQL and duration when
/// capturing, and the duration of each top-level transaction (from `BEGIN` to the end of
/// `COMMIT`).
#[derive(Default)]
struct Probe {
    statements: usize,
    capture: bool,
    sql: Vec<(String, Duration)>,
    query_start: Option<Instant>,
    tx_start: Option<Instant>,
    ending: bool,
    transactions: Vec<Duration>,
}

#[derive(Clone, Default)]
struct Events(Arc<Mutex<Probe>>);

impl Events {
    fn attach<C: Connection>(conn: &mut C) -> Events {
        let events = Events::default();
        let inner = events.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            let mut p = inner.lock().expect("probe");
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    p.statements += 1;
                    if p.capture {
                        p.sql.push((query.to_string(), Duration::ZERO));
                        p.query_start = Some(Instant::now());
                    }
                }
                InstrumentationEvent::FinishQuery { .. } => {
                    if let Some(start) = p.query_start.take() {
                        if let Some(last) = p.sql.last_mut() {
                            last.1 = start.elapsed();
                        }
                    }
                    if p.ending {
                        p.ending = false;
                        if let Some(start) = p.tx_start.take() {
                            p.transactions.push(start.elapsed());
                        }
                    }
                }
                InstrumentationEvent::BeginTransaction { depth, .. } if depth.get() == 1 => {
                    p.tx_start = Some(Instant::now());
                }
                InstrumentationEvent::CommitTransaction { depth, .. }
                | InstrumentationEvent::RollbackTransaction { depth, .. }
                    if depth.get() == 1 =>
                {
                    p.ending = true;
                }
                _ => {}
            }
        });
        events
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Probe> {
        self.0.lock().expect("probe")
    }
    fn take_statements(&self) -> usize {
        std::mem::take(&mut self.lock().statements)
    }
    fn capture(&self, on: bool) {
        self.lock().capture = on;
    }
    fn take_sql(&self) -> Vec<(String, Duration)> {
        std::mem::take(&mut self.lock().sql)
    }
    fn take_transactions(&self) -> Vec<Duration> {
        std::mem::take(&mut self.lock().transactions)
    }
}

/// Prints where the time of captured statements went: per statement text (binds stripped),
/// total time and count, longest first.
fn print_profile(label: &str, captured: Vec<(String, Duration)>) {
    let mut by_sql: Vec<(String, Duration, usize)> = Vec::new();
    for (sql, d) in captured {
        let text = sql.split(" -- binds").next().unwrap_or("").to_owned();
        match by_sql.iter_mut().find(|(t, _, _)| *t == text) {
            Some(entry) => {
                entry.1 += d;
                entry.2 += 1;
            }
            None => by_sql.push((text, d, 1)),
        }
    }
    by_sql.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (text, d, n) in by_sql {
        println!("PROFILE {label}: {:>9} x{n} {text}", fmt_d(d));
    }
}

/// One variant of a comparison: a label (`lib` first, then `hand`, then any others) and the
/// operation, which gets what `setup` returned.
type Variant<'a, C, I> = (&'static str, &'a mut dyn FnMut(&mut C, I));

/// Criterion group `name` with one benchmark per variant, each iteration being
/// `setup` (untimed), the variant (timed), `teardown` (untimed).
///
/// Criterion measures the variants one after the other, so a change in background load between
/// them (the machine is shared) would show up as a difference between lib and hand. After
/// criterion's measurement, interleaved rounds therefore run every variant once per round, in
/// rotating order (at least 5 rounds, more while under 2 s). The `RATIO` lines compare the
/// medians of all per-iteration times recorded for a variant (criterion's warm-up and samples,
/// and the interleaved rounds): lib against `hand`, and against any further variant.
#[allow(clippy::too_many_arguments)]
fn compare<C, I>(
    c: &mut Criterion,
    name: &str,
    backend: &str,
    conn: &mut C,
    setup: &mut dyn FnMut(&mut C) -> I,
    teardown: &mut dyn FnMut(&mut C),
    variants: &mut [Variant<'_, C, I>],
) {
    if !enabled(name) {
        return;
    }
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    let mut keys = Vec::new();
    for (label, op) in variants.iter_mut() {
        let id = format!("{backend}/{label}");
        let key = format!("{name}/{id}");
        group.bench_function(&id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input = setup(conn);
                    let t = Instant::now();
                    op(conn, input);
                    let d = t.elapsed();
                    teardown(conn);
                    record(&key, d);
                    total += d;
                }
                total
            })
        });
        keys.push((*label, key));
    }
    group.finish();

    let n = variants.len();
    let mut paired: Vec<Vec<Duration>> = vec![Vec::new(); n];
    let (min_rounds, budget) = if smoke() {
        (1, Duration::ZERO)
    } else {
        (5, Duration::from_secs(2))
    };
    let started = Instant::now();
    let mut round = 0;
    while round < min_rounds || (started.elapsed() < budget && round < 100) {
        for j in 0..n {
            let k = (round + j) % n;
            let input = setup(conn);
            let t = Instant::now();
            (variants[k].1)(conn, input);
            paired[k].push(t.elapsed());
            teardown(conn);
        }
        round += 1;
    }
    for ((_, key), times) in keys.iter().zip(&paired) {
        for d in times {
            record(key, *d);
        }
    }
    let lib = recorded_median(&keys[0].1);
    for (label, key) in &keys[1..] {
        let other = recorded_median(key);
        if *label == "hand" {
            print_ratio(name, backend, lib, other);
        } else {
            print_ratio(&format!("{name}(vs {label})"), backend, lib, other);
        }
    }
}

/// Times `f` once.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

// ---------------------------------------------------------------------------------------------
// The suite, instantiated once per backend
// ---------------------------------------------------------------------------------------------

macro_rules! suite {
    () => {
        use diesel::dsl::sql;
        use diesel::sql_types::Text;
        use soft_delete_runtime::schema::soft_delete_changesets as cs;
        use soft_delete_runtime::{Changeset, PurgeOptions};

        use crate::models::*;
        use crate::schema::*;

        type Db = <Conn as Connection>::Backend;

        fn exec(conn: &mut Conn, sql: &str) {
            conn.batch_execute(sql)
                .unwrap_or_else(|e| panic!("{NAME}: {e}\n{sql}"));
        }

        /// A fresh database holding the changeset table and the three blog tables, no data.
        fn fresh(name: &str) -> (Conn, Events) {
            let mut conn = open(name);
            soft_delete_runtime::migration::install(&mut conn).expect("install");
            exec(&mut conn, &TABLES.replace("{pk}", PK));
            exec(&mut conn, TUNE_TABLES);
            let events = Events::attach(&mut conn);
            (conn, events)
        }

        #[derive(Clone, Copy, PartialEq)]
        enum Hidden {
            Nothing,
            /// Every second comment (even ids) hidden long ago.
            HalfOfComments,
            /// Every post and comment hidden long ago.
            PostsAndComments,
        }

        /// `authors` authors x `posts_per` posts x `comments_per` comments, ids dense from 1,
        /// generated by the database (no rows pass through this process), then the FK indexes
        /// and, when `deletion_indexes`, the `deletion_id` indexes.
        fn seed(
            conn: &mut Conn,
            authors: i64,
            posts_per: i64,
            comments_per: i64,
            hidden: Hidden,
            deletion_indexes: bool,
        ) {
            let old = ts_literal("2020-01-01 00:00:00");
            let mark = if hidden == Hidden::Nothing {
                0
            } else {
                // The changeset that hid the seeded rows.
                diesel::insert_into(cs::table)
                    .values((
                        cs::created_at.eq(old_time()),
                        cs::root_table.eq("posts"),
                        cs::rows_affected.eq(0_i64),
                    ))
                    .returning(cs::id)
                    .get_result::<i64>(conn)
                    .expect("seed changeset")
            };
            let (post_hidden, comment_hidden) = match hidden {
                Hidden::Nothing => ("NULL, NULL".to_owned(), "NULL, NULL".to_owned()),
                Hidden::HalfOfComments => (
                    "NULL, NULL".to_owned(),
                    format!(
                        "CASE WHEN i % 2 = 0 THEN {old} END, CASE WHEN i % 2 = 0 THEN {mark} END"
                    ),
                ),
                Hidden::PostsAndComments => (format!("{old}, {mark}"), format!("{old}, {mark}")),
            };
            let posts = authors * posts_per;
            let comments = posts * comments_per;
            exec(
                conn,
                &insert_series(
                    "authors (id, name, deleted_at, deletion_id)",
                    authors,
                    "i, 'author ' || i, NULL, NULL",
                ),
            );
            exec(
                conn,
                &insert_series(
                    "posts (id, author_id, title, deleted_at, deletion_id)",
                    posts,
                    &format!("i, (i - 1) / {posts_per} + 1, 'post title ' || i, {post_hidden}"),
                ),
            );
            if comments > 0 {
                exec(
                    conn,
                    &insert_series(
                        "comments (id, post_id, body, deleted_at, deletion_id)",
                        comments,
                        &format!(
                            "i, (i - 1) / {comments_per} + 1, 'a comment of modest length, number ' || i, {comment_hidden}"
                        ),
                    ),
                );
            }
            exec(conn, FK_INDEXES);
            if deletion_indexes {
                create_deletion_indexes(conn);
            }
            analyze(conn);
            settle(conn);
        }

        /// The runtime's advice: `migration::deletion_id_index` on every cascade table.
        fn create_deletion_indexes(conn: &mut Conn) {
            use soft_delete_runtime::migration::deletion_id_index;
            let sql = [
                deletion_id_index::<authors::table>(DIALECT),
                deletion_id_index::<posts::table>(DIALECT),
                deletion_id_index::<comments::table>(DIALECT),
            ]
            .join("\n");
            exec(conn, &sql);
        }

        fn drop_deletion_indexes(conn: &mut Conn) {
            exec(
                conn,
                "DROP INDEX authors_deletion_id_idx; DROP INDEX posts_deletion_id_idx; DROP INDEX comments_deletion_id_idx;",
            );
        }

        /// Everything live again, whatever hid it (untimed reset between iterations).
        fn reset(conn: &mut Conn) {
            for t in ["comments", "posts", "authors"] {
                exec(
                    conn,
                    &format!(
                        "UPDATE {t} SET deleted_at = NULL, deletion_id = NULL WHERE deletion_id IS NOT NULL"
                    ),
                );
            }
        }

        fn author(conn: &mut Conn, id: i32) -> Author {
            authors::table
                .find(id)
                .select(Author::as_select())
                .first(conn)
                .expect("author")
        }

        fn lib_delete(conn: &mut Conn, a: Author) -> i64 {
            a.soft_delete(conn).expect("lib soft delete").id
        }

        fn lib_restore(conn: &mut Conn, id: i64) {
            Changeset::restore(conn, id).expect("lib restore");
        }

        /// The changeset row a hand-written soft delete records (the same columns the engine fills).
        fn hand_changeset(
            conn: &mut Conn,
            root_table: &str,
            root_key: Option<String>,
            now: NaiveDateTime,
        ) -> QueryResult<i64> {
            diesel::insert_into(cs::table)
                .values((
                    cs::created_at.eq(now),
                    cs::root_table.eq(root_table),
                    cs::root_key.eq(root_key),
                    cs::rows_affected.eq(0_i64),
                ))
                .returning(cs::id)
                .get_result(conn)
        }

        /// Hides the live comments of the posts changeset `id` hid.
        fn hand_hide_comments(conn: &mut Conn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
            diesel::update(
                comments::table
                    .filter(comments::deleted_at.is_null())
                    .filter(comments::post_id.eq_any(
                        posts::table.filter(posts::deletion_id.eq(id)).select(posts::id),
                    )),
            )
            .set((comments::deleted_at.eq(now), comments::deletion_id.eq(id)))
            .execute(conn)
        }

        /// What a careful engineer writes for this schema: a changeset row, then one set-based
        /// UPDATE per table, in one transaction (at the connection's default isolation level).
        fn hand_delete(conn: &mut Conn, author: i32) -> i64 {
            conn.transaction::<_, diesel::result::Error, _>(|conn| {
                let now = Utc::now().naive_utc();
                let id = hand_changeset(conn, "authors", Some(author.to_string()), now)?;
                diesel::update(
                    authors::table
                        .filter(authors::id.eq(author))
                        .filter(authors::deleted_at.is_null()),
                )
                .set((authors::deleted_at.eq(now), authors::deletion_id.eq(id)))
                .execute(conn)?;
                diesel::update(
                    posts::table
                        .filter(posts::author_id.eq(author))
                        .filter(posts::deleted_at.is_null()),
                )
                .set((posts::deleted_at.eq(now), posts::deletion_id.eq(id)))
                .execute(conn)?;
                hand_hide_comments(conn, id, now)?;
                Ok(id)
            })
            .expect("hand soft delete")
        }

        fn hand_restore(conn: &mut Conn, id: i64) {
            conn.transaction::<_, diesel::result::Error, _>(|conn| {
                let none_at: Option<NaiveDateTime> = None;
                let none_id: Option<i64> = None;
                diesel::update(authors::table.filter(authors::deletion_id.eq(id)))
                    .set((authors::deleted_at.eq(none_at), authors::deletion_id.eq(none_id)))
                    .execute(conn)?;
                diesel::update(posts::table.filter(posts::deletion_id.eq(id)))
                    .set((posts::deleted_at.eq(none_at), posts::deletion_id.eq(none_id)))
                    .execute(conn)?;
                diesel::update(comments::table.filter(comments::deletion_id.eq(id)))
                    .set((comments::deleted_at.eq(none_at), comments::deletion_id.eq(none_id)))
                    .execute(conn)?;
                diesel::update(cs::table.find(id))
                    .set(cs::restored_at.eq(Some(Utc::now().naive_utc())))
                    .execute(conn)?;
                Ok(())
            })
            .expect("hand restore")
        }

        /// Bulk: a changeset row, the UPDATE of the matching posts, the cascade to comments.
        fn hand_bulk(conn: &mut Conn, max_author: i32) {
            conn.transaction::<_, diesel::result::Error, _>(|conn| {
                let now = Utc::now().naive_utc();
                let id = hand_changeset(conn, "posts", None, now)?;
                diesel::update(
                    posts::table
                        .filter(posts::author_id.le(max_author))
                        .filter(posts::deleted_at.is_null()),
                )
                .set((posts::deleted_at.eq(now), posts::deletion_id.eq(id)))
                .execute(conn)?;
                hand_hide_comments(conn, id, now)?;
                Ok(())
            })
            .expect("hand bulk")
        }

        /// Bulk without changeset or cascade: the single UPDATE a plain `deleted_at` column needs.
        fn bare_bulk(conn: &mut Conn, max_author: i32) {
            let now = Utc::now().naive_utc();
            diesel::update(
                posts::table
                    .filter(posts::author_id.le(max_author))
                    .filter(posts::deleted_at.is_null()),
            )
            .set(posts::deleted_at.eq(now))
            .execute(conn)
            .expect("bare bulk");
        }

        /// Purge by hand: per transaction, delete the comments of the next `batch` hidden posts,
        /// then those posts. Returns (rows removed, batches).
        fn hand_purge(conn: &mut Conn, cutoff: NaiveDateTime, batch: i64) -> (u64, u32) {
            let mut rows = 0_u64;
            let mut batches = 0_u32;
            loop {
                let (c, p) = conn
                    .transaction::<_, diesel::result::Error, _>(|conn| {
                        let v = diesel::alias!(posts as victims);
                        let victims = v
                            .filter(v.field(posts::deleted_at).is_not_null())
                            .filter(v.field(posts::deleted_at).lt(cutoff))
                            .order(v.field(posts::id))
                            .limit(batch)
                            .select(v.field(posts::id));
                        let c = diesel::delete(
                            comments::table.filter(comments::post_id.eq_any(victims.clone())),
                        )
                        .execute(conn)?;
                        let p = diesel::delete(posts::table.filter(posts::id.eq_any(victims)))
                            .execute(conn)?;
                        Ok((c, p))
                    })
                    .expect("hand purge");
                if p == 0 {
                    return (rows, batches);
                }
                rows += (c + p) as u64;
                batches += 1;
            }
        }

        fn count(conn: &mut Conn, table: &str) -> i64 {
            diesel::select(sql::<diesel::sql_types::BigInt>(&format!(
                "(SELECT COUNT(*) FROM {table})"
            )))
            .get_result(conn)
            .expect("count")
        }

        pub fn run(c: &mut Criterion, sizes: &Sizes) {
            {
                let (mut conn, _) = fresh("version");
                let version: String = diesel::select(sql::<Text>(VERSION_SQL))
                    .get_result(&mut conn)
                    .expect("version");
                println!("BACKEND {NAME}: {version}");
            }
            if enabled("reads") {
                reads(c, sizes);
            }
            if enabled("cascade") {
                cascade(c, sizes);
            }
            if enabled("scaling") {
                scaling(sizes);
            }
            if enabled("bulk") {
                bulk(c, sizes);
            }
            if enabled("purge") {
                purge(sizes);
            }
            if enabled("index_advice") {
                index_advice(sizes);
            }
            cleanup();
        }

        // 1. Reads -------------------------------------------------------------------------

        fn reads(c: &mut Criterion, sizes: &Sizes) {
            let (mut conn, _) = fresh("reads");
            // 1 author, 1,000 posts, 100,000 comments, half of them hidden.
            seed(&mut conn, 1, sizes.posts, 100, Hidden::HalfOfComments, true);
            let total = count(&mut conn, "comments");

            let lib_q = || {
                Comment::active()
                    .filter(comments::body.like("%5"))
                    .select(Comment::as_select())
            };
            let hand_q = || {
                comments::table
                    .filter(comments::deleted_at.is_null())
                    .filter(comments::body.like("%5"))
                    .select(Comment::as_select())
            };
            let lib_sql = diesel::debug_query::<Db, _>(&lib_q()).to_string();
            let hand_sql = diesel::debug_query::<Db, _>(&hand_q()).to_string();
            println!(
                "SQL reads/active_filter {NAME}: identical to hand-written = {}: {lib_sql}",
                lib_sql == hand_sql
            );
            let live: Vec<Comment> = lib_q().load(&mut conn).expect("load");
            println!(
                "READS {NAME}: {total} comments, {} returned by the filter",
                live.len()
            );
            compare(
                c,
                "reads/active_filter",
                NAME,
                &mut conn,
                &mut |_| (),
                &mut |_| (),
                &mut [
                    ("lib", &mut |conn: &mut Conn, ()| {
                        black_box(lib_q().load::<Comment>(conn).expect("lib read"));
                    }),
                    ("hand", &mut |conn: &mut Conn, ()| {
                        black_box(hand_q().load::<Comment>(conn).expect("hand read"));
                    }),
                ],
            );

            // Index lookups of the live comments of a few posts, under three index set-ups.
            let step = (sizes.posts as i32 / sizes.lookups).max(1);
            let targets: Vec<i32> = (0..sizes.lookups).map(|k| 1 + k * step).collect();
            let configs: [(&str, &str); 3] = [
                ("index", ""),
                (
                    "partial_index",
                    "DROP INDEX comments_post_id; CREATE INDEX comments_post_id_live ON comments (post_id) WHERE deleted_at IS NULL;",
                ),
                ("no_index", "DROP INDEX comments_post_id_live;"),
            ];
            for (label, ddl) in configs {
                if !ddl.is_empty() {
                    exec(&mut conn, ddl);
                    analyze(&mut conn);
                }
                per_post(
                    c,
                    &mut conn,
                    "lookup",
                    label,
                    &targets,
                    |conn, p| {
                        black_box(
                            Comment::active()
                                .filter(comments::post_id.eq(p))
                                .select(Comment::as_select())
                                .load::<Comment>(conn)
                                .expect("lib lookup"),
                        );
                    },
                    |conn, p| {
                        black_box(
                            comments::table
                                .filter(comments::deleted_at.is_null())
                                .filter(comments::post_id.eq(p))
                                .select(Comment::as_select())
                                .load::<Comment>(conn)
                                .expect("hand lookup"),
                        );
                    },
                );
                // Live comments per post: with the partial index, an index-only count.
                per_post(
                    c,
                    &mut conn,
                    "count",
                    label,
                    &targets,
                    |conn, p| {
                        black_box(
                            Comment::active()
                                .filter(comments::post_id.eq(p))
                                .count()
                                .get_result::<i64>(conn)
                                .expect("lib count"),
                        );
                    },
                    |conn, p| {
                        black_box(
                            comments::table
                                .filter(comments::deleted_at.is_null())
                                .filter(comments::post_id.eq(p))
                                .count()
                                .get_result::<i64>(conn)
                                .expect("hand count"),
                        );
                    },
                );
            }
        }

        /// Benchmark `reads/<what>_<label>`: `lib` and `hand` each run once per post of `targets`
        /// per iteration; prints the library's median per round.
        #[allow(clippy::too_many_arguments)]
        fn per_post(
            c: &mut Criterion,
            conn: &mut Conn,
            what: &str,
            label: &str,
            targets: &[i32],
            lib: fn(&mut Conn, i32),
            hand: fn(&mut Conn, i32),
        ) {
            let name = format!("reads/{what}_{label}");
            compare(
                c,
                &name,
                NAME,
                conn,
                &mut |_| (),
                &mut |_| (),
                &mut [
                    ("lib", &mut |conn: &mut Conn, ()| {
                        targets.iter().for_each(|&p| lib(conn, p))
                    }),
                    ("hand", &mut |conn: &mut Conn, ()| {
                        targets.iter().for_each(|&p| hand(conn, p))
                    }),
                ],
            );
            if enabled(&name) {
                println!(
                    "INDEX reads/{what} {NAME} {label}: lib {} per {} {what}s",
                    fmt_d(recorded_median(&format!("{name}/{NAME}/lib"))),
                    targets.len()
                );
            }
        }

        // 2. Cascade soft delete and restore ------------------------------------------------

        fn cascade(c: &mut Criterion, sizes: &Sizes) {
            let (mut conn, _) = fresh("cascade");
            // Author 1: 1,000 posts, 100,000 comments; author 2 the same, untouched.
            seed(&mut conn, 2, sizes.posts, 100, Hidden::Nothing, true);
            println!(
                "CASCADE {NAME}: author 1 -> {} posts -> {} comments (tables hold twice that)",
                sizes.posts,
                sizes.posts * 100
            );
            compare(
                c,
                "cascade/soft_delete",
                NAME,
                &mut conn,
                &mut |conn| {
                    settle(conn);
                    author(conn, 1)
                },
                &mut |conn| reset(conn),
                &mut [
                    ("lib", &mut |conn: &mut Conn, a: Author| {
                        black_box(lib_delete(conn, a));
                    }),
                    ("hand", &mut |conn: &mut Conn, a: Author| {
                        black_box(hand_delete(conn, a.id));
                    }),
                ],
            );
            compare(
                c,
                "cascade/restore",
                NAME,
                &mut conn,
                &mut |conn| {
                    let id = hand_delete(conn, 1);
                    settle(conn);
                    id
                },
                &mut |_| (),
                &mut [
                    ("lib", &mut |conn: &mut Conn, id: i64| lib_restore(conn, id)),
                    ("hand", &mut |conn: &mut Conn, id: i64| hand_restore(conn, id)),
                ],
            );
        }

        // 3. Scaling --------------------------------------------------------------------------

        struct Run {
            time: Duration,
            statements: usize,
            /// VmHWM after the operation minus VmRSS before it, in kB (peak growth).
            peak_growth: i64,
            rss: (u64, u64),
        }

        fn measure(events: &Events, f: impl FnOnce()) -> Run {
            events.take_statements();
            reset_peak();
            let (_, rss_before) = memory();
            let ((), time) = timed(f);
            let (hwm_after, rss_after) = memory();
            Run {
                time,
                statements: events.take_statements(),
                peak_growth: hwm_after as i64 - rss_before as i64,
                rss: (rss_before, rss_after),
            }
        }

        /// Soft delete and restore of author 1's tree, by the library and by hand, measured
        /// round after round; the database settles after every operation.
        #[derive(Default)]
        struct Rounds {
            lib_d: Vec<Run>,
            lib_r: Vec<Run>,
            hand_d: Vec<Run>,
            hand_r: Vec<Run>,
        }

        impl Rounds {
            /// One round. With `capture`, returns the SQL of the library's two operations.
            fn push(
                &mut self,
                conn: &mut Conn,
                events: &Events,
                capture: bool,
            ) -> [(&'static str, Vec<(String, Duration)>); 2] {
                let a = author(conn, 1);
                let mut id = 0;
                events.capture(capture);
                self.lib_d.push(measure(events, || id = lib_delete(conn, a)));
                events.capture(false);
                let deleted = events.take_sql();
                settle(conn);
                events.capture(capture);
                self.lib_r.push(measure(events, || lib_restore(conn, id)));
                events.capture(false);
                let restored = events.take_sql();
                settle(conn);
                self.hand_d.push(measure(events, || id = hand_delete(conn, 1)));
                settle(conn);
                self.hand_r.push(measure(events, || hand_restore(conn, id)));
                settle(conn);
                [("soft_delete", deleted), ("restore", restored)]
            }
        }

        fn median_time(runs: &[Run]) -> Duration {
            median_of(runs.iter().map(|r| r.time).collect())
        }

        /// The smallest scale lists the engine's SQL; the next one shows where its time goes.
        fn report_capture(
            scale: usize,
            op: &str,
            comments: i64,
            captured: Vec<(String, Duration)>,
        ) {
            if scale == 0 {
                for (sql, _) in captured {
                    println!("SQL lib {op} {NAME}: {sql}");
                }
            } else if !captured.is_empty() {
                print_profile(&format!("{NAME} lib {op} comments={comments}"), captured);
            }
        }

        fn scaling(sizes: &Sizes) {
            println!(
                "SCALING {NAME}: VmHWM reset before each operation: {}",
                reset_peak()
            );
            for (k, &per_post) in sizes.scales.iter().enumerate() {
                let (mut conn, events) = fresh("scaling");
                seed(&mut conn, 2, sizes.posts, per_post, Hidden::Nothing, true);
                let comments = sizes.posts * per_post;
                let rows = 1 + sizes.posts + comments;
                let mut runs = Rounds::default();
                for run in 0..sizes.scale_runs[k] {
                    let captured = runs.push(&mut conn, &events, k < 2 && run == 0);
                    for (op, sql) in captured {
                        report_capture(k, op, comments, sql);
                    }
                }
                let Rounds {
                    mut lib_d,
                    mut lib_r,
                    mut hand_d,
                    mut hand_r,
                } = runs;
                for (op, lib, hand) in [
                    ("soft_delete", &mut lib_d, &mut hand_d),
                    ("restore", &mut lib_r, &mut hand_r),
                ] {
                    lib.sort_by_key(|r| r.time);
                    hand.sort_by_key(|r| r.time);
                    let l = &lib[lib.len() / 2];
                    let h = &hand[hand.len() / 2];
                    let peak = lib.iter().map(|r| r.peak_growth).max().unwrap_or(0);
                    println!(
                        "SCALE {NAME} {op} comments={comments} rows={rows}: lib {} ({:.0} ns/row, {} statements, peak RSS growth {peak} kB, VmRSS {} -> {} kB); hand {} ({:.0} ns/row, {} statements)",
                        fmt_d(l.time),
                        l.time.as_nanos() as f64 / rows as f64,
                        l.statements,
                        l.rss.0,
                        l.rss.1,
                        fmt_d(h.time),
                        h.time.as_nanos() as f64 / rows as f64,
                        h.statements,
                    );
                    print_ratio(
                        &format!("scaling/{op}_{comments}"),
                        NAME,
                        l.time,
                        h.time,
                    );
                }
            }
        }

        // 4. Bulk soft_delete_where ---------------------------------------------------------

        fn bulk(c: &mut Criterion, sizes: &Sizes) {
            let (mut conn, _) = fresh("bulk");
            let (authors_n, posts_per) = sizes.bulk;
            seed(&mut conn, authors_n, posts_per, 0, Hidden::Nothing, true);
            let max_author = (authors_n / 2) as i32;
            println!(
                "BULK {NAME}: {} of {} posts match author_id <= {max_author}; comments table empty",
                max_author as i64 * posts_per,
                authors_n * posts_per
            );
            compare(
                c,
                "bulk/soft_delete_where",
                NAME,
                &mut conn,
                &mut |conn| settle(conn),
                &mut |conn| reset_bulk(conn),
                &mut [
                    ("lib", &mut |conn: &mut Conn, ()| {
                        black_box(
                            Post::soft_delete_where(conn, posts::author_id.le(max_author))
                                .expect("lib bulk"),
                        );
                    }),
                    ("hand", &mut |conn: &mut Conn, ()| hand_bulk(conn, max_author)),
                    ("bare UPDATE", &mut |conn: &mut Conn, ()| {
                        bare_bulk(conn, max_author)
                    }),
                ],
            );
        }

        fn reset_bulk(conn: &mut Conn) {
            exec(
                conn,
                "UPDATE posts SET deleted_at = NULL, deletion_id = NULL WHERE deleted_at IS NOT NULL",
            );
        }

        // 5. Purge ----------------------------------------------------------------------------

        fn purge(sizes: &Sizes) {
            let (authors_n, posts_per, comments_per) = sizes.purge;
            // lib, hand, hand, lib: each side runs once early and once late.
            let order: &[&str] = if smoke() {
                &["lib", "hand"]
            } else {
                &["lib", "hand", "hand", "lib"]
            };
            for (b, batch) in sizes.purge_batches.into_iter().enumerate() {
                let mut lib_times = Vec::new();
                let mut hand_times = Vec::new();
                for (run, &side) in order.iter().enumerate() {
                    let (mut conn, events) = fresh("purge");
                    seed(
                        &mut conn,
                        authors_n,
                        posts_per,
                        comments_per,
                        Hidden::PostsAndComments,
                        true,
                    );
                    events.take_transactions();
                    let profile = b == 0 && run == 0;
                    events.capture(profile);
                    let ((rows, batches), time) = timed(|| {
                        if side == "lib" {
                            let report = Post::purge_with(
                                &mut conn,
                                PurgeOptions::new(purge_cutoff()).batch_size(batch),
                            )
                            .expect("lib purge");
                            (report.removed.total(), report.batches)
                        } else {
                            hand_purge(&mut conn, purge_cutoff(), i64::from(batch))
                        }
                    });
                    events.capture(false);
                    if profile {
                        print_profile(
                            &format!("{NAME} lib purge batch_size={batch}"),
                            events.take_sql(),
                        );
                    }
                    let tx = events.take_transactions();
                    let longest = tx.iter().max().copied().unwrap_or_default();
                    let left = count(&mut conn, "comments") + count(&mut conn, "posts");
                    println!(
                        "PURGE {NAME} {side} batch_size={batch} run {}: {rows} rows in {} = {:.0} rows/s; {batches} batches, {} transactions, longest {}, median {}; rows left {left}",
                        run + 1,
                        fmt_d(time),
                        rows as f64 / time.as_secs_f64(),
                        tx.len(),
                        fmt_d(longest),
                        fmt_d(median_of(tx.clone())),
                    );
                    if side == "lib" {
                        lib_times.push(time);
                    } else {
                        hand_times.push(time);
                    }
                }
                print_ratio(
                    &format!("purge/batch_{batch}"),
                    NAME,
                    median_of(lib_times),
                    median_of(hand_times),
                );
            }
        }

        // 6. Index advice ---------------------------------------------------------------------

        fn index_advice(sizes: &Sizes) {
            // (a) the 100k cascade of benchmark 2: half of each table.
            // (b) a small cascade (one author, 10 posts, 1,000 comments) in a 1M-comment table.
            let (a_n, p_n, c_n) = sizes.advice;
            for (label, authors_n, posts_per, comments_per) in [
                ("half_of_table", 2, sizes.posts, 100),
                ("small_in_large", a_n, p_n, c_n),
            ] {
                let (mut conn, events) = fresh("advice");
                seed(&mut conn, authors_n, posts_per, comments_per, Hidden::Nothing, true);
                let rows = 1 + posts_per + posts_per * comments_per;
                let total = authors_n * posts_per * comments_per;
                for indexed in [true, false] {
                    if !indexed {
                        drop_deletion_indexes(&mut conn);
                        analyze(&mut conn);
                        settle(&mut conn);
                    }
                    let mut runs = Rounds::default();
                    for _ in 0..3 {
                        runs.push(&mut conn, &events, false);
                    }
                    println!(
                        "INDEX cascade {NAME} {label} ({rows} of {} rows) deletion_id index={}: lib soft_delete {}, restore {}; hand soft_delete {}, restore {}",
                        total + authors_n * posts_per + authors_n,
                        if indexed { "yes" } else { "no" },
                        fmt_d(median_time(&runs.lib_d)),
                        fmt_d(median_time(&runs.lib_r)),
                        fmt_d(median_time(&runs.hand_d)),
                        fmt_d(median_time(&runs.hand_r)),
                    );
                }
                if label == "small_in_large" {
                    // Purge of 20 authors' posts (and their comments), hidden long ago, in
                    // batches of 50 posts: with the indexes, then (other authors) without.
                    create_deletion_indexes(&mut conn);
                    analyze(&mut conn);
                    for (indexed, first) in [(true, 1), (false, 21)] {
                        if !indexed {
                            drop_deletion_indexes(&mut conn);
                            analyze(&mut conn);
                        }
                        for id in first..first + 20 {
                            let a = author(&mut conn, id);
                            a.soft_delete_with(&mut conn, DeleteOptions::new().at(old_time()))
                                .expect("hide for purge");
                        }
                        settle(&mut conn);
                        let (report, t) = timed(|| {
                            Post::purge_with(
                                &mut conn,
                                PurgeOptions::new(purge_cutoff()).batch_size(50),
                            )
                            .expect("purge")
                        });
                        println!(
                            "INDEX purge {NAME} {label} ({} rows, {} batches) deletion_id index={}: {}",
                            report.removed.total(),
                            report.batches,
                            if indexed { "yes" } else { "no" },
                            fmt_d(t),
                        );
                    }
                }
            }
        }
    };
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use soft_delete_runtime::backend::Dialect;
    use std::path::PathBuf;

    type Conn = diesel::SqliteConnection;
    const NAME: &str = "sqlite";
    const DIALECT: Dialect = Dialect::Sqlite;
    const PK: &str = "INTEGER PRIMARY KEY";
    const VERSION_SQL: &str = "sqlite_version()";
    const TUNE_TABLES: &str = "";

    fn dir() -> PathBuf {
        std::env::temp_dir().join(format!("soft_delete_bench_{}", std::process::id()))
    }

    /// A new file-backed database (any previous one of that name removed), WAL mode.
    fn open(name: &str) -> Conn {
        let dir = dir();
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(format!("{name}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut conn =
            Conn::establish(path.to_str().expect("utf-8 temp path")).expect("open SQLite file");
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .expect("pragmas");
        conn
    }

    fn cleanup() {
        let _ = std::fs::remove_dir_all(dir());
    }

    fn insert_series(target: &str, n: i64, select: &str) -> String {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
             INSERT INTO {target} SELECT {select} FROM s"
        )
    }

    fn ts_literal(t: &str) -> String {
        format!("'{t}'")
    }

    /// SQLite keeps no planner statistics unless asked, as most applications do.
    fn analyze(_conn: &mut Conn) {}

    /// Between timed operations: fold the WAL back into the database file.
    fn settle(conn: &mut Conn) {
        exec(conn, "PRAGMA wal_checkpoint(TRUNCATE);");
    }

    suite!();
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use soft_delete_runtime::backend::Dialect;

    type Conn = diesel::PgConnection;
    const NAME: &str = "postgres";
    const DIALECT: Dialect = Dialect::Postgres;
    const PK: &str = "SERIAL PRIMARY KEY";
    const VERSION_SQL: &str = "version()";
    /// `settle` vacuums between timed operations; autovacuum starting in the middle of one
    /// would only add noise.
    const TUNE_TABLES: &str = "ALTER TABLE authors SET (autovacuum_enabled = false); \
        ALTER TABLE posts SET (autovacuum_enabled = false); \
        ALTER TABLE comments SET (autovacuum_enabled = false);";
    const SCHEMA: &str = "bench_sd";

    fn url() -> String {
        std::env::var("PG_DATABASE_URL").expect("PG_DATABASE_URL")
    }

    /// A connection to a freshly re-created schema `bench_sd`.
    fn open(_name: &str) -> Conn {
        let mut conn = Conn::establish(&url()).expect("connect to PostgreSQL");
        conn.batch_execute(&format!(
            "SET client_min_messages TO WARNING; DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; \
             CREATE SCHEMA {SCHEMA}; SET search_path TO {SCHEMA};"
        ))
        .expect("schema");
        conn
    }

    fn cleanup() {
        if let Ok(mut conn) = Conn::establish(&url()) {
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
    fn analyze(conn: &mut Conn) {
        exec(conn, "ANALYZE");
    }

    /// Between timed operations: remove the dead tuples the last operation left, so every
    /// iteration starts from the same heap, and flush dirty buffers.
    fn settle(conn: &mut Conn) {
        exec(
            conn,
            "VACUUM authors, posts, comments, soft_delete_changesets",
        );
        exec(conn, "CHECKPOINT");
    }

    suite!();
}

fn main() {
    let smoke = {
        let args: Vec<String> = std::env::args().collect();
        !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
    };
    SMOKE.store(smoke, std::sync::atomic::Ordering::Relaxed);
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
    sqlite::run(&mut c, &sizes);

    #[cfg(feature = "postgres")]
    if std::env::var("PG_DATABASE_URL").is_ok() {
        postgres::run(&mut c, &sizes);
    } else {
        println!("PG_DATABASE_URL is not set: PostgreSQL skipped");
    }

    c.final_summary();
}
