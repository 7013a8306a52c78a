//! Operations racing in tokio tasks on a multi-thread runtime, each on a connection of one
//! deadpool pool: soft deletes of disjoint and overlapping subtrees and restores racing them,
//! over the blog `invariants.rs` seeds. Afterwards its invariants hold (every hidden row
//! accounted for by an unrestored changeset of its own structure, no live row under a hidden
//! one), no row is lost, and every failure was a typed, expected one. Transient failures
//! (`SoftDeleteError::Transient`: deadlocks, serialization failures, SQLite's locked tables) are
//! retried, as `soft_delete_runtime::retry` does for the sync API.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use soft_delete_runtime::asynchronous::{ChangesetStore, SoftDelete};
use soft_delete_runtime::{Changeset, SoftDeleteError};

use super::super::invariants::{check_invariants, draw, seed, Draw, Rng, AUTHORS, POSTS, SEEDED};
use super::{name, AsyncConn, Db};
use crate::common::keys::{author, category, comment, post, tag};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::TestDb;

/// Operations of the random workload, each spawned as a task.
const OPERATIONS: usize = 240;
/// Tries of one operation while it fails with a transient error.
const ATTEMPTS: u32 = 60;

/// One operation of the workload: on a table (0 authors, 1 posts, 2 comments, 3 tags,
/// 4 categories) and row.
#[derive(Debug, Clone, Copy)]
enum Choice {
    SoftDelete(u64, i32),
    SoftDeleteWhere(u64, i32),
    RestoreRow(u64, i32),
    RestoreChangeset(i64),
}

impl Choice {
    fn kind(self) -> &'static str {
        match self {
            Choice::SoftDelete(..) => "soft_delete",
            Choice::SoftDeleteWhere(..) => "soft_delete_where",
            Choice::RestoreRow(..) => "restore_row",
            Choice::RestoreChangeset(..) => "restore_changeset",
        }
    }

    fn draw(rng: &mut Rng, known: &Mutex<Vec<i64>>) -> Choice {
        let Draw {
            roll,
            table,
            id,
            changeset,
        } = draw(rng, known);
        match (roll, changeset) {
            (0..=7, _) => Choice::SoftDelete(table, id),
            (8..=9, _) => Choice::SoftDeleteWhere(table, id),
            (16.., Some(cs)) => Choice::RestoreChangeset(cs),
            _ => Choice::RestoreRow(table, id),
        }
    }
}

/// Runs `choice` once on `conn`; the changeset it created, if any.
async fn run(conn: &mut AsyncConn, choice: Choice) -> Result<Option<i64>, SoftDeleteError> {
    Ok(match choice {
        Choice::SoftDelete(table, id) => Some(
            match table {
                0 => author(id).soft_delete(conn).await,
                1 => post(id).soft_delete(conn).await,
                2 => comment(id).soft_delete(conn).await,
                3 => tag(id).soft_delete(conn).await,
                _ => category(id).soft_delete(conn).await,
            }?
            .id,
        ),
        Choice::SoftDeleteWhere(table, id) => Some(
            match table {
                0 | 1 => Post::soft_delete_where(conn, posts::author_id.eq(id % AUTHORS + 1)).await,
                2 => Comment::soft_delete_where(conn, comments::post_id.eq(id % POSTS + 1)).await,
                _ => Category::soft_delete_where(conn, categories::parent_id.eq(id)).await,
            }?
            .id,
        ),
        Choice::RestoreRow(table, id) => {
            match table {
                0 => author(id).restore(conn).await,
                1 => post(id).restore(conn).await,
                2 => comment(id).restore(conn).await,
                3 => tag(id).restore(conn).await,
                _ => category(id).restore(conn).await,
            }?;
            None
        }
        Choice::RestoreChangeset(id) => {
            Changeset::restore(conn, id).await?;
            None
        }
    })
}

/// Runs `choice` until it does not fail with a transient error (at most [`ATTEMPTS`] times).
async fn run_retrying(
    conn: &mut AsyncConn,
    choice: Choice,
) -> (Result<Option<i64>, SoftDeleteError>, u32) {
    let mut tried = 0;
    loop {
        tried += 1;
        match run(conn, choice).await {
            Err(e) if e.is_retryable() && tried < ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(u64::from(tried.min(10)))).await;
            }
            other => return (other, tried - 1),
        }
    }
}

/// What happened to the operations.
#[derive(Default, Debug)]
struct Tally {
    ops: u64,
    retries: u64,
    outcomes: BTreeMap<String, u64>,
    unexpected: Vec<String>,
}

impl Tally {
    fn add(&mut self, choice: Choice, result: &Result<Option<i64>, SoftDeleteError>, retries: u32) {
        self.ops += 1;
        self.retries += u64::from(retries);
        let outcome = match result {
            Ok(_) => "ok",
            Err(SoftDeleteError::AlreadyDeleted { .. }) => "AlreadyDeleted",
            Err(SoftDeleteError::NotDeleted { .. }) => "NotDeleted",
            Err(SoftDeleteError::AlreadyRestored { .. }) => "AlreadyRestored",
            Err(SoftDeleteError::NotFound { .. }) => "NotFound",
            Err(e) => {
                self.unexpected.push(format!("{choice:?}: {e} ({e:?})"));
                "UNEXPECTED"
            }
        };
        *self
            .outcomes
            .entry(format!("{} {outcome}", choice.kind()))
            .or_default() += 1;
    }

    fn count(&self, key: &str) -> u64 {
        self.outcomes.get(key).copied().unwrap_or(0)
    }
}

/// The seeded blog and a pool of `size` connections to it.
fn seeded_pool(test: &str, size: usize) -> (super::Conn, Pool<AsyncConn>) {
    let mut conn = Db::connect(&name(test), &crate::common::schema::ddl());
    seed(&mut conn);
    let manager = AsyncDieselConnectionManager::<AsyncConn>::new(Db::url(&name(test)));
    let pool = Pool::builder(manager).max_size(size).build().expect("pool");
    (conn, pool)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_operations_in_tasks_keep_the_invariants() {
    let test = "tasks_random";
    let (mut conn, pool) = seeded_pool(test, 4);
    let known = Arc::new(Mutex::new(Vec::new()));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut tasks = Vec::new();
    for _ in 0..OPERATIONS {
        let choice = Choice::draw(&mut rng, &known);
        // Checked out here, so that at most 4 operations run at once; each in its own task.
        let pooled = pool.get().await.expect("checkout");
        let known = known.clone();
        tasks.push(tokio::spawn(async move {
            let mut pooled = pooled;
            let (result, retries) = run_retrying(&mut pooled, choice).await;
            if let Ok(Some(cs)) = result {
                known.lock().expect("known").push(cs);
            }
            (choice, result, retries)
        }));
    }
    let mut tally = Tally::default();
    for task in tasks {
        let (choice, result, retries) = task.await.expect("task");
        tally.add(choice, &result, retries);
    }
    let check = check_invariants(&mut conn);
    eprintln!(
        "tasks {test} [{:?}]: {} operations in tasks, {} retries, {} rows and changesets \
         checked\n  outcomes: {:?}",
        Db::DIALECT,
        tally.ops,
        tally.retries,
        check.rows_checked,
        tally.outcomes
    );
    assert!(
        tally.unexpected.is_empty(),
        "operations failed with unexpected errors:\n{}",
        tally.unexpected.join("\n")
    );
    assert_eq!(tally.ops, OPERATIONS as u64);
    assert!(tally.count("soft_delete ok") > 0 && tally.count("restore_row ok") > 0);
    assert_eq!(check.rows, SEEDED, "rows lost");
    check.assert_clean(test);
}

/// Checks out `n` connections of `pool` (its size at least `n`), then spawns `n` tasks that
/// each run `choice` on one; their results.
async fn race(
    pool: &Pool<AsyncConn>,
    n: usize,
    choice: Choice,
) -> Vec<Result<Option<i64>, SoftDeleteError>> {
    let mut checked_out = Vec::new();
    for _ in 0..n {
        checked_out.push(pool.get().await.expect("checkout"));
    }
    let tasks: Vec<_> = checked_out
        .into_iter()
        .map(|mut pooled| tokio::spawn(async move { run_retrying(&mut pooled, choice).await.0 }))
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    results
}

/// Eight tasks hide the same author at once: one wins, the others find it hidden; eight
/// restore its changeset at once: one wins, the others find it restored; then soft deletes of
/// an author race restores of one of its posts' changesets.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tasks_racing_for_the_same_rows() {
    let test = "tasks_same_rows";
    let (mut conn, pool) = seeded_pool(test, 8);

    let hides = race(&pool, 8, Choice::SoftDelete(0, 1)).await;
    let won: Vec<i64> = hides
        .iter()
        .filter_map(|r| r.as_ref().ok().copied().flatten())
        .collect();
    assert_eq!(won.len(), 1, "{hides:?}");
    assert!(
        hides
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(SoftDeleteError::AlreadyDeleted { .. }))),
        "{hides:?}"
    );

    let restores = race(&pool, 8, Choice::RestoreChangeset(won[0])).await;
    assert_eq!(
        restores.iter().filter(|r| r.is_ok()).count(),
        1,
        "{restores:?}"
    );
    assert!(
        restores
            .iter()
            .all(|r| matches!(r, Ok(_) | Err(SoftDeleteError::AlreadyRestored { .. }))),
        "{restores:?}"
    );
    check_invariants(&mut conn).assert_clean(test);

    // Post 4 (author 2) hidden alone; then its restore races the author's soft delete.
    let mut pooled = pool.get().await.expect("checkout");
    let post_cs = post(4).soft_delete(&mut pooled).await.expect("post 4").id;
    drop(pooled);
    let (left, right) = tokio::join!(
        race(&pool, 1, Choice::SoftDelete(0, 2)),
        race(&pool, 1, Choice::RestoreChangeset(post_cs))
    );
    eprintln!(
        "tasks {test} [{:?}]: author 2 soft delete {left:?}, post 4 restore {right:?}",
        Db::DIALECT
    );
    for r in left.iter().chain(&right) {
        assert!(r.is_ok(), "{r:?}");
    }
    let check = check_invariants(&mut conn);
    assert_eq!(check.rows, SEEDED);
    check.assert_clean(test);
}
