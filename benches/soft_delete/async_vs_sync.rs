//! 8. Async vs sync (feature `async`): the same operations through the synchronous API on the
//!    backend's Diesel connection and through `soft_delete_runtime::asynchronous` on its
//!    diesel-async connection, on the same tables in the same run (`ASYNC` lines).
//!
//! The blog tree of section 2 (author 1 → 1,000 posts → 100,000 comments, author 2 the same,
//! untouched; FK and `deletion_id` indexes). Measured, each sync and async, interleaved: the
//! cascade soft delete of author 1, the restore of its changeset, and two reads — the count of
//! author 1's live comments through `comments JOIN posts` (100,000 rows counted), and the live
//! comments of one post, loaded (100 rows). The async side runs on a tokio current-thread
//! runtime, `block_on` per operation, inside the timed span.
//!
//! Timing: paired rounds, each running both sides once (untimed set-up and reset around each),
//! the order alternating from round to round; the reported ratio is the median of the rounds'
//! async/sync ratios, so a change in background load (the machine is shared) between rounds
//! cancels out. Then `PROFILE` lines: for each side, an operation's total time against the time
//! its statements took, as the connection's instrumentation reports them; the rest is the
//! API's own time (engine, runtime, and on SQLite the hop to the blocking thread).

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::harness::{enabled, fresh, reset, seed_live, smoke, BenchConn, Sizes};
use crate::models::Author;
use crate::probe::Events;
use crate::timing::{fmt_d, median_of};

/// Comments per post in the tree (100,000 under author 1 at full size).
const COMMENTS_PER_POST: i64 = 100;
/// Paired rounds of each cascade operation (one in a smoke run).
const CASCADE_ROUNDS: usize = 11;
/// Paired rounds of each read.
const READ_ROUNDS: usize = 101;
/// Profiled runs of each cascade operation per side.
const PROFILE_RUNS: usize = 3;
/// Profiled paired rounds of the count through the join.
const READ_PROFILE_ROUNDS: usize = 31;

/// A backend's two APIs over its two connections (`both_apis.rs`, compiled once per backend):
/// the synchronous one on `Self`, the asynchronous one on [`BothApis::Async`].
pub trait BothApis: BenchConn + Send {
    /// The backend's diesel-async connection.
    type Async;
    /// A diesel-async connection to the database [`BenchConn::open`] made for `name`, with the
    /// same session settings.
    fn open_async(name: &str) -> impl Future<Output = Self::Async>;
    /// Instruments `conn` as [`fresh`] instruments the sync connection.
    fn probe_async(conn: &mut Self::Async) -> Events;
    /// A second Diesel connection to that database, opened as [`BothApis::open_async`] opens
    /// the async one.
    fn open_sync_again(name: &str) -> Self;
    /// Author `id`.
    fn author_row(&mut self, id: i32) -> Author;
    /// `author.soft_delete(conn)`, sync; the changeset id.
    fn sync_delete(&mut self, author: &Author) -> i64;
    /// `Changeset::restore(conn, id)`, sync.
    fn sync_restore(&mut self, id: i64);
    /// How many live comments of live posts author `author` has, through the join, sync.
    fn sync_live_count(&mut self, author: i32) -> i64;
    /// The live comments of post `post`, loaded, sync; how many.
    fn sync_post_comments(&mut self, post: i32) -> usize;
    /// [`BothApis::sync_delete`], awaited on the async connection.
    fn async_delete(conn: &mut Self::Async, author: &Author) -> impl Future<Output = i64>;
    /// [`BothApis::sync_restore`], awaited.
    fn async_restore(conn: &mut Self::Async, id: i64) -> impl Future<Output = ()>;
    /// [`BothApis::sync_live_count`], awaited (`diesel_async::RunQueryDsl`).
    fn async_live_count(conn: &mut Self::Async, author: i32) -> impl Future<Output = i64>;
    /// [`BothApis::sync_post_comments`], awaited.
    fn async_post_comments(conn: &mut Self::Async, post: i32) -> impl Future<Output = usize>;
}

/// Both connections to the section's database, and the runtime the async one runs on.
pub struct Pair<B: BothApis> {
    sync: B,
    aconn: Option<B::Async>,
    rt: Runtime,
    /// The instrumentation of `sync` and of `aconn`.
    events: [Events; 2],
}

impl<B: BothApis> Pair<B> {
    /// The async connection and the runtime to drive it.
    fn rt_async(&mut self) -> (&Runtime, &mut B::Async) {
        let aconn = self.aconn.as_mut().expect("async connection open");
        (&self.rt, aconn)
    }
}

impl<B: BothApis> Drop for Pair<B> {
    /// Closes the async connection inside its runtime (MySQL's disconnects there).
    fn drop(&mut self) {
        let _inside = self.rt.enter();
        drop(self.aconn.take());
    }
}

/// Section 8: cascade soft delete, restore and two reads, sync vs async, on backend `B`.
pub fn async_vs_sync<B: BothApis>(sizes: &Sizes) {
    let (mut sync, sync_events) = fresh::<B>("async_vs_sync");
    seed_live(&mut sync, 2, sizes.posts, COMMENTS_PER_POST, true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut aconn = rt.block_on(B::open_async("async_vs_sync"));
    let async_events = B::probe_async(&mut aconn);
    let mut pair = Pair {
        sync,
        aconn: Some(aconn),
        rt,
        events: [sync_events, async_events],
    };
    println!(
        "ASYNC {} data: author 1 -> {} posts -> {} comments (tables hold twice that); \
         async on a tokio current-thread runtime",
        B::NAME,
        sizes.posts,
        sizes.posts * COMMENTS_PER_POST
    );
    statements(&mut pair);
    cascade(&mut pair);
    reads(&mut pair);
    profile(&mut pair);
}

/// Which API an operation goes through.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Sync,
    Async,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Sync => 0,
            Side::Async => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Side::Sync => "sync",
            Side::Async => "async",
        }
    }
}

/// Soft-deletes author 1's tree through `side`; the changeset id.
fn delete<B: BothApis>(pair: &mut Pair<B>, side: Side, author: &Author) -> i64 {
    match side {
        Side::Sync => pair.sync.sync_delete(author),
        Side::Async => {
            let (rt, aconn) = pair.rt_async();
            rt.block_on(B::async_delete(aconn, author))
        }
    }
}

/// Restores changeset `id` through `side`.
fn restore<B: BothApis>(pair: &mut Pair<B>, side: Side, id: i64) {
    match side {
        Side::Sync => pair.sync.sync_restore(id),
        Side::Async => {
            let (rt, aconn) = pair.rt_async();
            rt.block_on(B::async_restore(aconn, id));
        }
    }
}

/// Untimed: settles the storage and hides author 1's tree (sync); the changeset to restore.
fn hidden_tree<B: BothApis>(pair: &mut Pair<B>) -> i64 {
    let author = pair.sync.author_row(1);
    let id = pair.sync.sync_delete(&author);
    pair.sync.settle();
    id
}

/// `ASYNC <backend> statements`: what one soft delete and one restore send on each side
/// (the same engine, so the counts must agree).
fn statements<B: BothApis>(pair: &mut Pair<B>) {
    let author = pair.sync.author_row(1);
    let mut counts = [[0; 2]; 2];
    for side in [Side::Sync, Side::Async] {
        let events = pair.events[side.index()].clone();
        events.take_statements();
        let id = delete(pair, side, &author);
        counts[side.index()][0] = events.take_statements();
        restore(pair, side, id);
        counts[side.index()][1] = events.take_statements();
    }
    let [[sync_delete, sync_restore], [async_delete, async_restore]] = counts;
    println!(
        "ASYNC {} statements: soft delete sync {sync_delete} async {async_delete}, \
         restore sync {sync_restore} async {async_restore}",
        B::NAME
    );
    assert_eq!(counts[0], counts[1], "the two APIs drive one engine");
    reset(&mut pair.sync);
}

/// The cascade soft delete of author 1 and the restore of its changeset, each side.
fn cascade<B: BothApis>(pair: &mut Pair<B>) {
    let rounds = if smoke() { 1 } else { CASCADE_ROUNDS };
    paired(
        pair,
        "soft_delete",
        rounds,
        &mut |p| {
            p.sync.settle();
            p.sync.author_row(1)
        },
        &mut |p, side, author| {
            black_box(delete(p, side, &author));
        },
        &mut |p| reset(&mut p.sync),
    );
    paired(
        pair,
        "restore",
        rounds,
        &mut hidden_tree,
        &mut |p, side, id| restore(p, side, id),
        &mut |_| (),
    );
}

/// The two reads, each side, on the live tree.
fn reads<B: BothApis>(pair: &mut Pair<B>) {
    pair.sync.settle();
    let rounds = if smoke() { 1 } else { READ_ROUNDS };
    paired(
        pair,
        "live_count_join",
        rounds,
        &mut |_| (),
        &mut |p, side, ()| match side {
            Side::Sync => {
                black_box(p.sync.sync_live_count(1));
            }
            Side::Async => {
                let (rt, aconn) = p.rt_async();
                black_box(rt.block_on(B::async_live_count(aconn, 1)));
            }
        },
        &mut |_| (),
    );
    paired(
        pair,
        "post_comments_load",
        rounds,
        &mut |_| (),
        &mut |p, side, ()| match side {
            Side::Sync => {
                black_box(p.sync.sync_post_comments(1));
            }
            Side::Async => {
                let (rt, aconn) = p.rt_async();
                black_box(rt.block_on(B::async_post_comments(aconn, 1)));
            }
        },
        &mut |_| (),
    );
}

/// One operation, both sides, in `rounds` paired rounds (sync first in even rounds, async
/// first in odd ones); `setup` and `teardown` run untimed around each side. Prints
/// `ASYNC <backend> <operation>: async/sync <median of the rounds' ratios> (..)`.
fn paired<B: BothApis, I>(
    pair: &mut Pair<B>,
    operation: &str,
    rounds: usize,
    setup: &mut dyn FnMut(&mut Pair<B>) -> I,
    op: &mut dyn FnMut(&mut Pair<B>, Side, I),
    teardown: &mut dyn FnMut(&mut Pair<B>),
) {
    if !enabled(&format!("async_vs_sync/{operation}")) {
        return;
    }
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [Side::Sync, Side::Async]
        } else {
            [Side::Async, Side::Sync]
        };
        for side in order {
            let input = setup(pair);
            let t = Instant::now();
            op(pair, side, input);
            times[side.index()].push(t.elapsed());
            teardown(pair);
        }
    }
    let mut ratios: Vec<f64> = times[1]
        .iter()
        .zip(&times[0])
        .map(|(a, s)| a.as_secs_f64() / s.as_secs_f64().max(1e-12))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let [sync, asynchronous] = times.map(median_of);
    println!(
        "ASYNC {} {operation}: async/sync {:.2} (median of {rounds} paired rounds, {:.2}-{:.2}; \
         medians async {}, sync {}: {:.2})",
        B::NAME,
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1],
        fmt_d(asynchronous),
        fmt_d(sync),
        asynchronous.as_secs_f64() / sync.as_secs_f64().max(1e-12),
    );
}

/// `PROFILE async_vs_sync <backend> <operation> <side>`: an operation's total time, the time
/// its statements took (from the connection's instrumentation), and the rest; medians of
/// [`PROFILE_RUNS`] runs per side.
fn profile<B: BothApis>(pair: &mut Pair<B>) {
    if !enabled("async_vs_sync/profile") {
        return;
    }
    let runs = if smoke() { 1 } else { PROFILE_RUNS };
    for side in [Side::Sync, Side::Async] {
        let mut delete_runs = Vec::new();
        let mut restore_runs = Vec::new();
        for _ in 0..runs {
            pair.sync.settle();
            let author = pair.sync.author_row(1);
            let mut id = 0;
            delete_runs.push(captured(pair, side, |p| id = delete(p, side, &author)));
            pair.sync.settle();
            restore_runs.push(captured(pair, side, |p| restore(p, side, id)));
        }
        print_split::<B>("soft_delete", side.name(), delete_runs);
        print_split::<B>("restore", side.name(), restore_runs);
    }
    profile_read(pair);
}

/// The `PROFILE` lines of the count through the join, in rounds rotating four variants: the
/// sync API on this thread, the async API, the sync API on a thread spawned for the statement,
/// and the sync API on a second connection opened as the async one is (which tell the cost of
/// another thread, and of another connection, from the async API's).
fn profile_read<B: BothApis>(pair: &mut Pair<B>) {
    pair.sync.settle();
    let rounds = if smoke() { 1 } else { READ_PROFILE_ROUNDS };
    let mut second = B::open_sync_again("async_vs_sync");
    let second_events = Events::attach(&mut second);
    let mut runs: [Vec<_>; 4] = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for round in 0..rounds {
        for k in 0..4 {
            let variant = (round + k) % 4;
            if variant == 3 {
                second_events.take_sql();
                second_events.capture(true);
                let t = Instant::now();
                black_box(second.sync_live_count(1));
                let total = t.elapsed();
                second_events.capture(false);
                let sql = second_events.take_sql();
                runs[3].push((total, sql.iter().map(|(_, d)| *d).sum(), sql.len()));
                continue;
            }
            let side = if variant == 1 {
                Side::Async
            } else {
                Side::Sync
            };
            runs[variant].push(captured(pair, side, |p| match variant {
                0 => {
                    black_box(p.sync.sync_live_count(1));
                }
                1 => {
                    let (rt, aconn) = p.rt_async();
                    black_box(rt.block_on(B::async_live_count(aconn, 1)));
                }
                _ => {
                    let conn = &mut p.sync;
                    std::thread::scope(|s| {
                        black_box(s.spawn(|| conn.sync_live_count(1)).join().expect("count"));
                    });
                }
            }));
        }
    }
    let [sync_runs, async_runs, thread_runs, second_runs] = runs;
    print_split::<B>("live_count_join", "sync", sync_runs);
    print_split::<B>("live_count_join", "async", async_runs);
    print_split::<B>("live_count_join", "sync-on-a-spawned-thread", thread_runs);
    print_split::<B>("live_count_join", "sync-second-connection", second_runs);
}

/// Runs `f` with `side`'s statements captured: (total, in statements, statements sent).
fn captured<B: BothApis>(
    pair: &mut Pair<B>,
    side: Side,
    f: impl FnOnce(&mut Pair<B>),
) -> (Duration, Duration, usize) {
    let events = pair.events[side.index()].clone();
    events.take_sql();
    events.capture(true);
    let t = Instant::now();
    f(pair);
    let total = t.elapsed();
    events.capture(false);
    let sql = events.take_sql();
    (total, sql.iter().map(|(_, d)| *d).sum(), sql.len())
}

/// One `PROFILE` line from the runs of [`captured`].
fn print_split<B: BothApis>(operation: &str, side: &str, runs: Vec<(Duration, Duration, usize)>) {
    let statements = runs.first().map_or(0, |r| r.2);
    let total = median_of(runs.iter().map(|r| r.0).collect());
    let inside = median_of(runs.iter().map(|r| r.1).collect());
    let outside = median_of(runs.iter().map(|r| r.0.saturating_sub(r.1)).collect());
    println!(
        "PROFILE async_vs_sync {} {operation} {}: total {}, in {statements} statements {}, \
         outside them {}",
        B::NAME,
        side,
        fmt_d(total),
        fmt_d(inside),
        fmt_d(outside),
    );
}
