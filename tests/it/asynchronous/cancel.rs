//! Dropped futures: an operation over a large cascade (1 author → 50 posts → 2000 comments)
//! is dropped after its 1st, 2nd, ... pending poll, each time on a fresh connection, until a
//! run finishes. After every drop, another connection sees every row and every changeset as
//! before the operation; the connection the future was dropped on either refuses the next
//! operation (its transaction manager is broken) or commits it. The last run, not cut, commits.
//! A statement may finish before the future is polled again (often on SQLite, on the servers
//! when the machine is busy), so the sweep is repeated on fresh databases until its cuts hit
//! enough distinct statements (`sweeps`).
//!
//! A statement already handed to the database when its future is dropped still runs there: a
//! cut while `COMMIT` is in flight may leave the whole operation committed, never a part of it
//! (a purge commits batch by batch: a cut after its batch committed finds it done).
//! `Cuts::committed_at` records when that happened; no later cut is tried.
//!
//! Multi-thread runtimes: SQLite's `SyncConnectionWrapper` waits for a dropped statement with
//! `block_in_place`.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncConnection;
use soft_delete_runtime::asynchronous::SoftDelete as AsyncSoftDelete;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;

use super::super::rows::{author, snapshot};
use super::{add_tree, live_tree, name, open, AsyncConn, Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{at, keys, TestDb};

/// The big tree's size: author 1's posts, and comments per post.
const POSTS: i32 = 50;
const COMMENTS_PER_POST: i32 = 40;
/// Author 1's tree: the author, its posts, their comments.
const TREE: i64 = 1 + POSTS as i64 + (POSTS * COMMENTS_PER_POST) as i64;

/// A fresh database: author 1 with the big tree, author 2 with 3 posts of 2 comments (the probe
/// a connection's next operation hides).
fn big_tree(test: &str) -> Conn {
    let mut conn = Db::connect(&name(test), &ddl());
    add_tree(&mut conn, 1, (1, POSTS), (1, COMMENTS_PER_POST));
    let first_comment = POSTS * COMMENTS_PER_POST + 1;
    add_tree(&mut conn, 2, (POSTS + 1, 3), (first_comment, 2));
    conn
}

/// Comments left (author 2 has 6).
fn comment_count(conn: &mut Conn) -> i64 {
    comments::table.count().get_result(conn).expect("count")
}

/// Polls `future` until it has returned `Pending` `polls` times, then drops it; its output if
/// it finished first.
async fn poll_then_drop<F: Future>(future: F, polls: usize) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut pending = 0;
    poll_fn(|cx| match future.as_mut().poll(cx) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending => {
            pending += 1;
            if pending >= polls {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        }
    })
    .await
}

/// The statements a connection started: how many, and the last one's SQL.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<(usize, String)>>);

impl Recorder {
    fn attach(aconn: &mut AsyncConn) -> Recorder {
        let recorder = Recorder::default();
        let inner = recorder.0.clone();
        aconn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                let mut seen = inner.lock().expect("recorder");
                seen.0 += 1;
                seen.1 = query.to_string();
            }
        });
        recorder
    }

    fn seen(&self) -> (usize, String) {
        self.0.lock().expect("recorder").clone()
    }
}

/// What the cuts of one operation showed.
#[derive(Debug, Default)]
struct Cuts {
    /// Cuts after which the database was exactly as before.
    rolled_back: usize,
    /// The cut after which the whole operation was found committed: its `COMMIT` was in
    /// flight, or (a purge) its one batch had committed and the cut hit the next batch's check.
    committed_at: Option<usize>,
    /// Pending polls of the run that finished (`None` when a cut committed first).
    complete_run_polls: Option<usize>,
    /// Statements sent by the cut runs, one entry per cut.
    statements: Vec<usize>,
    /// Cuts whose connection refused the next operation, and cuts whose connection committed it.
    refused_next: usize,
    committed_next: usize,
}

/// What the connection a future was dropped on does with the next operation.
enum Next {
    /// An error (the transaction manager is broken), and `AsyncConnection::transaction` fails.
    Refused,
    /// It hid author 2 in changeset `.0`; whether that committed is checked from another
    /// connection once this one is closed.
    Done(i64),
}

/// Runs the next operation (hiding author 2, `two`) on the connection a future was dropped on.
async fn next_operation(aconn: &mut AsyncConn, two: &Author) -> Next {
    match AsyncSoftDelete::soft_delete(two, aconn).await {
        Ok(cs) => Next::Done(cs.id),
        Err(e) => {
            let tx = aconn
                .transaction(async |_| Ok::<_, diesel::result::Error>(()))
                .await;
            assert!(
                tx.is_err(),
                "the connection refused the operation ({e}) but runs transactions: {tx:?}"
            );
            Next::Refused
        }
    }
}

/// After the connection that ran `next` is closed: author 2's tree is hidden by that changeset
/// (it committed, not into a savepoint of a transaction nobody commits); then it is put back
/// as it was, changeset record included.
fn check_and_undo(conn: &mut Conn, changeset: i64) {
    let hidden: i64 = authors::table
        .filter(authors::id.eq(2))
        .filter(authors::deletion_id.eq(changeset))
        .count()
        .get_result(conn)
        .expect("author 2");
    assert_eq!(
        hidden, 1,
        "the next operation on the dropped-on connection reported success but did not commit"
    );
    assert_eq!(live_tree(conn, 2), (0, 0));
    for table in ["authors", "posts", "comments"] {
        unhide(conn, table, changeset);
    }
    diesel::delete(soft_delete_changesets::table.find(changeset))
        .execute(conn)
        .expect("undo changeset");
}

/// Clears `deleted_at` and `deletion_id` on the rows of `table` that `changeset` hid.
fn unhide(conn: &mut Conn, table: &str, changeset: i64) {
    diesel::sql_query(format!(
        "UPDATE {table} SET deleted_at = NULL, deletion_id = NULL WHERE deletion_id = {changeset}"
    ))
    .execute(conn)
    .unwrap_or_else(|e| panic!("undo {table}: {e}"));
}

/// Whether the database changed from `before`. After a cut with `COMMIT` in flight, the server
/// may apply it only after the check: wait up to 2 s for a change.
async fn changed(conn: &mut Conn, before: &[String], commit_in_flight: bool) -> bool {
    let tries = if commit_in_flight { 40 } else { 1 };
    for _ in 0..tries {
        if snapshot(conn) != before {
            return true;
        }
        if commit_in_flight {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    false
}

/// Cuts `op` after 1, 2, ... pending polls, each on a fresh connection, and checks each
/// aftermath; returns when a run finishes (its output must be `Ok`) or a cut committed. Either
/// way the whole operation is then in the database: `done` says so.
async fn cut_everywhere<T: std::fmt::Debug>(
    test: &str,
    conn: &mut Conn,
    mut op: impl AsyncFnMut(&mut AsyncConn) -> Result<T, SoftDeleteError>,
    done: &impl Fn(&mut Conn) -> bool,
) -> Cuts {
    let before = snapshot(conn);
    let two = author(conn, 2);
    let mut cuts = Cuts::default();
    for k in 1.. {
        let mut aconn = open(test).await;
        let recorder = Recorder::attach(&mut aconn);
        if let Some(output) = poll_then_drop(op(&mut aconn), k).await {
            output.expect("the run that was not cut");
            cuts.complete_run_polls = Some(k - 1);
            break;
        }
        let (sent, last) = recorder.seen();
        cuts.statements.push(sent);
        let next = next_operation(&mut aconn, &two).await;
        drop(aconn);
        match next {
            Next::Refused => cuts.refused_next += 1,
            Next::Done(cs) => {
                cuts.committed_next += 1;
                check_and_undo(conn, cs);
            }
        }
        let commit_in_flight = last.trim().eq_ignore_ascii_case("COMMIT");
        if changed(conn, &before, commit_in_flight).await {
            cuts.committed_at = Some(k);
            break;
        }
        cuts.rolled_back += 1;
    }
    eprintln!("cancel {test} [{:?}]: {cuts:?}", Db::DIALECT);
    assert!(
        done(conn),
        "the database changed, but is not what the whole operation leaves: {cuts:?}"
    );
    cuts
}

/// [`cut_everywhere`] over fresh databases (the big tree, then `setup`) until the cuts that
/// rolled back have hit enough distinct statement positions, in at most 8 sweeps: usually one
/// on the servers, several on SQLite, whose statements often finish before the future is
/// polled again (so a sweep there cuts at few, varying positions). Returns the last sweep's
/// database.
async fn sweeps<T: std::fmt::Debug>(
    test: &str,
    setup: impl Fn(&mut Conn),
    mut op: impl AsyncFnMut(&mut AsyncConn) -> Result<T, SoftDeleteError>,
    done: impl Fn(&mut Conn) -> bool,
) -> Conn {
    // A statement that has its answer by the time it is polled again yields no cut point, and
    // on a busy machine that happens on the servers too: sweep again rather than fail.
    let (most, wanted) = match Db::DIALECT {
        Dialect::Sqlite => (8, 4),
        _ => (8, 5),
    };
    let mut positions = std::collections::BTreeSet::new();
    for sweep in 1..=most {
        let mut conn = big_tree(test);
        setup(&mut conn);
        let cuts = cut_everywhere(test, &mut conn, &mut op, &done).await;
        positions.extend(cuts.statements[..cuts.rolled_back].iter().copied());
        if positions.len() >= wanted || sweep == most {
            assert!(
                positions.len() >= wanted,
                "{sweep} sweeps cut after only {} distinct statement positions: {positions:?}",
                positions.len()
            );
            return conn;
        }
    }
    unreachable!("the last sweep returns")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_soft_delete_changes_nothing() {
    let a = keys::author(1);
    let mut conn = sweeps(
        "cancelled_soft_delete",
        |_| {},
        async |c| AsyncSoftDelete::soft_delete(&a, c).await,
        |conn| live_tree(conn, 1) == (0, 0),
    )
    .await;
    assert_eq!(live_tree(&mut conn, 2), (3, 6));
    let records: Vec<i64> = soft_delete_changesets::table
        .select(soft_delete_changesets::rows_affected)
        .load(&mut conn)
        .expect("changesets");
    assert_eq!(records, vec![TREE]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_restore_changes_nothing() {
    let a = keys::author(1);
    let whole = (i64::from(POSTS), i64::from(POSTS * COMMENTS_PER_POST));
    let mut conn = sweeps(
        "cancelled_restore",
        |conn| {
            SoftDelete::soft_delete(&a, conn).expect("sync soft delete");
        },
        async |c| AsyncSoftDelete::restore(&a, c).await,
        |conn| live_tree(conn, 1) == whole,
    )
    .await;
    let restored: Vec<Option<chrono::NaiveDateTime>> = soft_delete_changesets::table
        .select(soft_delete_changesets::restored_at)
        .load(&mut conn)
        .expect("changesets");
    assert!(matches!(restored[..], [Some(_)]), "{restored:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_purge_changes_nothing() {
    let a = keys::author(1);
    let day = |d| at(2020, 1, d, 12, 0, 0);
    let mut conn = sweeps(
        "cancelled_purge",
        |conn| {
            SoftDelete::soft_delete_with(&a, conn, DeleteOptions::new().at(day(1)))
                .expect("sync soft delete");
        },
        async |c| <Author as AsyncSoftDelete>::purge(c, day(2)).await,
        |conn| comment_count(conn) == 6,
    )
    .await;
    assert_eq!(
        live_tree(&mut conn, 2),
        (3, 6),
        "author 2's tree is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_hard_delete_changes_nothing() {
    let a = keys::author(1);
    let mut conn = sweeps(
        "cancelled_hard_delete",
        |_| {},
        async |c| AsyncSoftDelete::hard_delete(&a, c).await,
        |conn| comment_count(conn) == 6,
    )
    .await;
    assert_eq!(
        live_tree(&mut conn, 2),
        (3, 6),
        "author 2's tree is untouched"
    );
}

/// On a pool (deadpool, one connection): an operation cut on a pooled connection, the
/// connection handed back; the next checkout gets a working connection (the pool discarded the
/// broken one, which closed and so rolled back), and after the cuts the whole operation
/// commits on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_on_a_pooled_connection() {
    let test = "cancelled_on_a_pooled_connection";
    let mut conn = big_tree(test);
    let a = author(&mut conn, 1);
    let before = snapshot(&mut conn);
    let manager = AsyncDieselConnectionManager::<AsyncConn>::new(Db::url(&name(test)));
    let pool = Pool::builder(manager).max_size(1).build().expect("pool");
    let mut cuts = 0;
    let finished = loop {
        let mut pooled = pool.get().await.expect("checkout");
        let k = cuts + 1;
        let run = poll_then_drop(AsyncSoftDelete::soft_delete(&a, &mut *pooled), k).await;
        if let Some(output) = run {
            break output;
        }
        cuts += 1;
        drop(pooled);
        let mut next = pool.get().await.expect("checkout after a cut");
        next.transaction(async |_| Ok::<_, diesel::result::Error>(()))
            .await
            .expect("the checkout after a cut runs transactions");
        drop(next);
        if snapshot(&mut conn) != before {
            // Only a COMMIT in flight lands, and then the whole operation.
            assert_eq!(
                live_tree(&mut conn, 1),
                (0, 0),
                "cut after {k} pending polls"
            );
        }
    };
    eprintln!("cancel {test} [{:?}]: {cuts} cuts on the pool", Db::DIALECT);
    assert!(cuts >= 2, "only {cuts} cuts");
    match finished {
        Ok(cs) => assert_eq!(cs.rows_affected, TREE),
        // The last cut's COMMIT landed after its check.
        Err(SoftDeleteError::AlreadyDeleted { .. }) => {}
        Err(e) => panic!("the run on the pool that was not cut: {e}"),
    }
    assert_eq!(live_tree(&mut conn, 1), (0, 0));
}
