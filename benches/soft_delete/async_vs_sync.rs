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

use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::Criterion;
use tokio::runtime::Runtime;

use crate::harness::{enabled, fresh, reset, seed_live, BenchConn, Sizes};
use crate::models::Author;
use crate::probe::Events;
use crate::timing::{fmt_d, measure, Comparison};

/// Comments per post in the tree (100,000 under author 1 at full size).
const COMMENTS_PER_POST: i64 = 100;

/// A backend's two APIs over its two connections (`both_apis.rs`, compiled once per backend):
/// the synchronous one on `Self`, the asynchronous one on [`BothApis::Async`].
pub trait BothApis: BenchConn {
    /// The backend's diesel-async connection.
    type Async;
    /// A diesel-async connection to the database [`BenchConn::open`] made for `name`, with the
    /// same session settings.
    fn open_async(name: &str) -> impl Future<Output = Self::Async>;
    /// Counts the statements `conn` sends from now on.
    fn count_async(conn: &mut Self::Async) -> Arc<AtomicUsize>;
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
pub fn async_vs_sync<B: BothApis>(c: &mut Criterion, sizes: &Sizes) {
    let (mut sync, events) = fresh::<B>("async_vs_sync");
    seed_live(&mut sync, 2, sizes.posts, COMMENTS_PER_POST, true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let aconn = rt.block_on(B::open_async("async_vs_sync"));
    let mut pair = Pair {
        sync,
        aconn: Some(aconn),
        rt,
    };
    println!(
        "ASYNC {} data: author 1 -> {} posts -> {} comments (tables hold twice that); \
         async on a tokio current-thread runtime",
        B::NAME,
        sizes.posts,
        sizes.posts * COMMENTS_PER_POST
    );
    statements(&mut pair, &events);
    cascade(c, &mut pair);
    reads(c, &mut pair);
}

/// `ASYNC <backend> statements`: what one soft delete and one restore send on each side
/// (the same engine, so the counts must agree).
fn statements<B: BothApis>(pair: &mut Pair<B>, events: &Events) {
    let author = pair.sync.author_row(1);
    events.take_statements();
    let id = pair.sync.sync_delete(&author);
    let sync_delete = events.take_statements();
    pair.sync.sync_restore(id);
    let sync_restore = events.take_statements();
    let (rt, aconn) = pair.rt_async();
    let counter = B::count_async(aconn);
    let id = rt.block_on(B::async_delete(aconn, &author));
    let async_delete = counter.swap(0, Ordering::Relaxed);
    rt.block_on(B::async_restore(aconn, id));
    let async_restore = counter.swap(0, Ordering::Relaxed);
    println!(
        "ASYNC {} statements: soft delete sync {sync_delete} async {async_delete}, \
         restore sync {sync_restore} async {async_restore}",
        B::NAME
    );
    assert_eq!(
        (sync_delete, sync_restore),
        (async_delete, async_restore),
        "the two APIs drive one engine"
    );
    reset(&mut pair.sync);
}

/// The cascade soft delete of author 1 and the restore of its changeset, each side.
fn cascade<B: BothApis>(c: &mut Criterion, pair: &mut Pair<B>) {
    compare(
        c,
        pair,
        "soft_delete",
        &mut |p| {
            p.sync.settle();
            p.sync.author_row(1)
        },
        &mut |p| reset(&mut p.sync),
        &mut [
            ("sync", &mut |p: &mut Pair<B>, a: Author| {
                black_box(p.sync.sync_delete(&a));
            }),
            ("async", &mut |p: &mut Pair<B>, a: Author| {
                let (rt, aconn) = p.rt_async();
                black_box(rt.block_on(B::async_delete(aconn, &a)));
            }),
        ],
    );
    compare(
        c,
        pair,
        "restore",
        &mut |p| {
            let a = p.sync.author_row(1);
            let id = p.sync.sync_delete(&a);
            p.sync.settle();
            id
        },
        &mut |_| (),
        &mut [
            ("sync", &mut |p: &mut Pair<B>, id: i64| {
                p.sync.sync_restore(id)
            }),
            ("async", &mut |p: &mut Pair<B>, id: i64| {
                let (rt, aconn) = p.rt_async();
                rt.block_on(B::async_restore(aconn, id));
            }),
        ],
    );
}

/// The two reads, each side, on the live tree.
fn reads<B: BothApis>(c: &mut Criterion, pair: &mut Pair<B>) {
    pair.sync.settle();
    compare(
        c,
        pair,
        "live_count_join",
        &mut |_| (),
        &mut |_| (),
        &mut [
            ("sync", &mut |p: &mut Pair<B>, ()| {
                black_box(p.sync.sync_live_count(1));
            }),
            ("async", &mut |p: &mut Pair<B>, ()| {
                let (rt, aconn) = p.rt_async();
                black_box(rt.block_on(B::async_live_count(aconn, 1)));
            }),
        ],
    );
    compare(
        c,
        pair,
        "post_comments_load",
        &mut |_| (),
        &mut |_| (),
        &mut [
            ("sync", &mut |p: &mut Pair<B>, ()| {
                black_box(p.sync.sync_post_comments(1));
            }),
            ("async", &mut |p: &mut Pair<B>, ()| {
                let (rt, aconn) = p.rt_async();
                black_box(rt.block_on(B::async_post_comments(aconn, 1)));
            }),
        ],
    );
}

/// One operation, `[("sync", ..), ("async", ..)]`, measured interleaved (criterion group
/// `async_vs_sync/<operation>`): `ASYNC <backend> <operation>: async/sync <ratio> (async .., sync ..)`.
#[allow(clippy::type_complexity)]
fn compare<B: BothApis, I>(
    c: &mut Criterion,
    pair: &mut Pair<B>,
    operation: &str,
    setup: &mut dyn FnMut(&mut Pair<B>) -> I,
    teardown: &mut dyn FnMut(&mut Pair<B>),
    variants: &mut [(&'static str, &mut dyn FnMut(&mut Pair<B>, I)); 2],
) {
    let name = format!("async_vs_sync/{operation}");
    if !enabled(&name) {
        return;
    }
    let cmp = Comparison {
        name: &name,
        backend: B::NAME,
        setup,
        teardown,
    };
    let medians: Vec<Duration> = measure(c, pair, cmp, variants);
    let (sync, asynchronous) = (medians[0], medians[1]);
    println!(
        "ASYNC {} {operation}: async/sync {:.2} (async {}, sync {})",
        B::NAME,
        asynchronous.as_secs_f64() / sync.as_secs_f64().max(1e-12),
        fmt_d(asynchronous),
        fmt_d(sync),
    );
}
