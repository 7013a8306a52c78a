//! Concurrent writers, on PostgreSQL and MariaDB/MySQL (SQLite has a single writer).
//!
//! Random workload: several threads, each with its own connection, soft-delete and restore
//! overlapping subtrees (authors → posts → comments, tags → post_tags, a category tree) for a
//! bounded time. Afterwards every row must be accounted for (the invariants of
//! `invariants.rs`).
//!
//! Every failed operation must have failed with a typed error: an expected one (`AlreadyDeleted`,
//! `NotDeleted`, `AlreadyRestored`, `NotFound`) or a retryable one (`is_retryable()`).
//!
//! Deterministic races: two connections, one holding an open transaction, interleaved by hand;
//! after both finish (each committed, or failed with a retryable error) the same invariants hold.
//!
//! Both run at the server's default isolation level and with every operation inside a
//! SERIALIZABLE transaction.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::prelude::*;

use super::invariants::{
    check_invariants, draw, seed, Draw, Rng, AUTHORS, CATEGORIES, POSTS, SEEDED,
};
use super::{Conn, Db};
use crate::common::keys::{author, category, comment, post, tag};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::TestDb;

const THREADS: u64 = 4;
const RUN_FOR: Duration = Duration::from_secs(3);

/// The name of `test`'s database: unique to this module and backend.
fn full_name(test: &str) -> String {
    format!("{}::{test}", module_path!())
}

/// A fresh database with the test schema.
pub(super) fn connect(test: &str) -> Conn {
    Db::connect(&full_name(test), &ddl())
}

/// Another connection to the database `connect` created.
fn open(test: &str) -> Conn {
    let mut conn = Db::second(&full_name(test));
    if Db::DIALECT == Dialect::Mysql {
        conn.batch_execute("SET SESSION innodb_lock_wait_timeout = 10")
            .expect("lock wait");
    }
    conn
}

/// A session blocked by the other one gives up after 2 s instead of waiting (PostgreSQL:
/// forever; InnoDB: 50 s).
fn short_lock_wait(conn: &mut Conn) {
    let sql = match Db::DIALECT {
        Dialect::Postgres => "SET lock_timeout = '2s'",
        _ => "SET SESSION innodb_lock_wait_timeout = 2",
    };
    conn.batch_execute(sql).expect("lock wait");
}

/// What happened to the operations, per kind.
#[derive(Default, Debug)]
struct Tally {
    ops: u64,
    outcomes: BTreeMap<String, u64>,
    unexpected: Vec<String>,
}

impl Tally {
    fn add(&mut self, op: &str, result: Result<(), SoftDeleteError>) {
        self.ops += 1;
        let outcome = match &result {
            Ok(()) => "ok".to_owned(),
            Err(e) if e.is_retryable() => "retryable".to_owned(),
            Err(
                SoftDeleteError::AlreadyDeleted { .. }
                | SoftDeleteError::NotDeleted { .. }
                | SoftDeleteError::AlreadyRestored { .. }
                | SoftDeleteError::NotFound { .. },
            ) => {
                let e = format!("{:?}", result.as_ref().err());
                e.trim_start_matches("Some(")
                    .split([' ', '{', '('])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            }
            Err(e) => {
                self.unexpected.push(format!("{op}: {e} ({e:?})"));
                "UNEXPECTED".to_owned()
            }
        };
        *self.outcomes.entry(format!("{op} {outcome}")).or_default() += 1;
    }
    fn merge(&mut self, other: Tally) {
        self.ops += other.ops;
        for (k, n) in other.outcomes {
            *self.outcomes.entry(k).or_default() += n;
        }
        self.unexpected.extend(other.unexpected);
    }
}

/// One random operation on `conn`.
fn one_op(
    conn: &mut Conn,
    rng: &mut Rng,
    known: &Mutex<Vec<i64>>,
    tally: &mut Tally,
    serializable: bool,
) {
    let Draw {
        roll,
        table,
        id,
        changeset,
    } = draw(rng, known);
    let mut run = |conn: &mut Conn| -> Result<(&'static str, Option<i64>), SoftDeleteError> {
        Ok(match roll {
            0..=7 => {
                let cs = match table {
                    0 => author(id).soft_delete(conn),
                    1 => post(id).soft_delete(conn),
                    2 => comment(id).soft_delete(conn),
                    3 => tag(id).soft_delete(conn),
                    _ => category(id).soft_delete(conn),
                }?;
                ("soft_delete", Some(cs.id))
            }
            8..=9 => {
                let cs = match table {
                    0 | 1 => Post::soft_delete_where(conn, posts::author_id.eq(rng.id(AUTHORS))),
                    2 => Comment::soft_delete_where(conn, comments::post_id.eq(rng.id(POSTS))),
                    _ => Category::soft_delete_where(
                        conn,
                        categories::parent_id.eq(rng.id(CATEGORIES)),
                    ),
                }?;
                ("soft_delete_where", Some(cs.id))
            }
            10..=15 => {
                match table {
                    0 => author(id).restore(conn),
                    1 => post(id).restore(conn),
                    2 => comment(id).restore(conn),
                    3 => tag(id).restore(conn),
                    _ => category(id).restore(conn),
                }?;
                ("restore_row", None)
            }
            _ => match changeset {
                Some(cs) => {
                    Changeset::restore(conn, cs)?;
                    ("restore_changeset", None)
                }
                None => ("nothing", None),
            },
        })
    };
    let op = match roll {
        0..=7 => "soft_delete",
        8..=9 => "soft_delete_where",
        10..=15 => "restore_row",
        _ => "restore_changeset",
    };
    let result = if serializable {
        Db::serializable(conn, |c| run(c))
    } else {
        run(conn)
    };
    match result {
        Ok((_, Some(id))) => {
            known.lock().expect("known").push(id);
            tally.add(op, Ok(()));
        }
        Ok((what, None)) if what != "nothing" => tally.add(op, Ok(())),
        Ok(_) => {}
        Err(e) => tally.add(op, Err(e)),
    }
}

fn run_workload(test: &str, serializable: bool) {
    let mut conn = connect(test);
    seed(&mut conn);
    let known = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + RUN_FOR;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let known = known.clone();
            let test = test.to_owned();
            std::thread::spawn(move || {
                let mut conn = open(&test);
                let mut rng =
                    Rng(0x9E37_79B9_7F4A_7C15 ^ (t + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
                let mut tally = Tally::default();
                while Instant::now() < deadline {
                    one_op(&mut conn, &mut rng, &known, &mut tally, serializable);
                }
                tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for h in handles {
        tally.merge(h.join().expect("worker"));
    }
    let check = check_invariants(&mut conn);
    eprintln!(
        "concurrency {test} [{:?}]: {THREADS} threads for {RUN_FOR:?}, {} operations, \
         {} rows and changesets checked\n  outcomes: {:?}",
        Db::DIALECT,
        tally.ops,
        check.rows_checked,
        tally.outcomes
    );
    assert!(
        tally.unexpected.is_empty(),
        "operations failed with unexpected errors:\n{}",
        tally.unexpected.join("\n")
    );
    assert!(tally.ops > 0);
    assert_eq!(check.rows, SEEDED, "rows lost");
    check.assert_clean(test);
}

#[test]
fn concurrent_writers_at_the_default_isolation_level() {
    run_workload("concurrent_default", false);
}

#[test]
fn concurrent_writers_each_in_a_serializable_transaction() {
    run_workload("concurrent_serializable", true);
}

// --- Deterministic races ------------------------------------------------------------

/// Runs `second` on a second connection while `first` holds its transaction open on
/// the first, then commits `first`. Each may fail, but only with a retryable error.
/// Then checks the invariants.
fn race(
    test: &str,
    serializable: bool,
    setup: impl FnOnce(&mut Conn) -> Vec<i64>,
    first: impl FnOnce(&mut Conn, &[i64]) -> Result<(), SoftDeleteError>,
    second: impl FnOnce(&mut Conn, &[i64]) -> Result<(), SoftDeleteError>,
) {
    let mut conn = connect(test);
    seed(&mut conn);
    let ids = setup(&mut conn);
    let mut other = open(test);
    short_lock_wait(&mut other);
    let mut second_result = None;
    let body = |c: &mut Conn| -> Result<(), SoftDeleteError> {
        first(c, &ids)?;
        let r = if serializable {
            Db::serializable(&mut other, |o| second(o, &ids))
        } else {
            second(&mut other, &ids)
        };
        second_result = Some(r);
        Ok(())
    };
    let first_result = if serializable {
        Db::serializable(&mut conn, body)
    } else {
        conn.transaction(body)
    };
    let second_result = second_result.unwrap_or(Ok(()));
    for (who, r) in [("first", &first_result), ("second", &second_result)] {
        if let Err(e) = r {
            assert!(
                e.is_retryable(),
                "{test}: the {who} session failed with a non-retryable error: {e} ({e:?})"
            );
        }
    }
    eprintln!(
        "race {test} [{:?}]: first {first_result:?}, second {second_result:?}",
        Db::DIALECT
    );
    check_invariants(&mut conn).assert_clean(test);
}

/// Post 1 was hidden alone (changeset A). Session 1 hides author 1 and, before it
/// commits, session 2 restores A: post 1 must not come back live under a hidden author.
fn restore_child_while_parent_is_hidden(test: &str, serializable: bool) {
    race(
        test,
        serializable,
        |c| vec![post(1).soft_delete(c).expect("post 1").id],
        |c, _| author(1).soft_delete(c).map(|_| ()),
        |c, ids| Changeset::restore(c, ids[0]).map(|_| ()),
    );
}

/// Post 1 was hidden alone (changeset A). Session 1 restores A and, before it commits,
/// session 2 hides author 1: post 1 must not stay live under a hidden author.
fn hide_parent_while_child_is_restored(test: &str, serializable: bool) {
    race(
        test,
        serializable,
        |c| vec![post(1).soft_delete(c).expect("post 1").id],
        |c, ids| Changeset::restore(c, ids[0]).map(|_| ()),
        |c, _| author(1).soft_delete(c).map(|_| ()),
    );
}

/// Post 1 was hidden alone (A), then author 1 (B; post 1 stays with A). Session 1
/// restores B and, before it commits, session 2 restores A, which moves post 1 to B
/// because author 1 still looks hidden: post 1 must not end up carrying the restored B.
fn restore_child_changeset_while_parent_changeset_is_restored(test: &str, serializable: bool) {
    race(
        test,
        serializable,
        |c| {
            let a = post(1).soft_delete(c).expect("post 1").id;
            let b = author(1).soft_delete(c).expect("author 1").id;
            vec![a, b]
        },
        |c, ids| Changeset::restore(c, ids[1]).map(|_| ()),
        |c, ids| Changeset::restore(c, ids[0]).map(|_| ()),
    );
}

#[test]
fn race_restore_child_while_parent_is_hidden() {
    restore_child_while_parent_is_hidden("race_restore_child_default", false);
}

#[test]
fn race_restore_child_while_parent_is_hidden_serializable() {
    restore_child_while_parent_is_hidden("race_restore_child_serializable", true);
}

#[test]
fn race_hide_parent_while_child_is_restored() {
    hide_parent_while_child_is_restored("race_hide_parent_default", false);
}

#[test]
fn race_hide_parent_while_child_is_restored_serializable() {
    hide_parent_while_child_is_restored("race_hide_parent_serializable", true);
}

#[test]
fn race_restore_child_changeset_while_parent_changeset_is_restored() {
    restore_child_changeset_while_parent_changeset_is_restored("race_two_restores_default", false);
}

/// An operation that gives up waiting for a row lock held by another transaction
/// (PostgreSQL `lock_timeout`, InnoDB `innodb_lock_wait_timeout`) failed only because of
/// the other writer: it must be reported as retryable, like a deadlock.
#[test]
fn lock_wait_timeout_is_retryable() {
    let test = "lock_wait_timeout";
    let mut conn = connect(test);
    seed(&mut conn);
    let mut other = open(test);
    short_lock_wait(&mut other);
    conn.transaction::<_, SoftDeleteError, _>(|c| {
        post(1).soft_delete(c)?;
        let blocked = post(1).soft_delete(&mut other);
        eprintln!("lock wait timeout [{:?}]: {blocked:?}", Db::DIALECT);
        match blocked {
            Err(e) => assert!(
                e.is_retryable(),
                "a lock wait timeout must be retryable: {e} ({e:?})"
            ),
            Ok(cs) => panic!("the second session hid a row locked by the first: {cs:?}"),
        }
        Ok(())
    })
    .expect("the first session commits");
    check_invariants(&mut conn).assert_clean(test);
}

#[test]
fn race_restore_child_changeset_while_parent_changeset_is_restored_serializable() {
    restore_child_changeset_while_parent_changeset_is_restored(
        "race_two_restores_serializable",
        true,
    );
}
