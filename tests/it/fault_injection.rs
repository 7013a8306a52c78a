//! Fault injection: every operation is all or nothing when the database fails under it.
//!
//! A trigger makes every `UPDATE` of a chosen table fail (SQLite `RAISE(ABORT)`, a PL/pgSQL
//! exception on PostgreSQL, `SIGNAL SQLSTATE '45000'` on MariaDB/MySQL). For each level of the
//! cascade (authors, posts, comments, and the changeset table itself, written last), soft
//! delete, bulk soft delete, restore (by id, by row, and a restore that only moves a row to
//! another changeset), hard delete and purge must fail with a typed `SoftDeleteError` and leave
//! every row of every table and every changeset exactly as before; with the trigger gone, the
//! same operation then succeeds on the same connection.
//!
//! Every test runs on the synchronous API and, with feature `async`, on the diesel-async
//! connection (`asynchronous` below): the triggers are the database's, so they fire under
//! either connection.
//!
//! On PostgreSQL the session is also killed mid-operation (`postgres/session_kill.rs`).

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::PurgeOptions;

use super::driver::{Api, SyncApi};
use super::{rows, Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{keys, TestDb};

/// Faults injected and rows (and changesets) compared, over the backend's tests.
pub(super) static FAULTS: AtomicU64 = AtomicU64::new(0);
pub(super) static ROWS_CHECKED: AtomicU64 = AtomicU64::new(0);

pub(super) fn print_figures(test: &str) {
    eprintln!(
        "fault_injection {test}: {} faults injected so far, {} rows and changesets compared, \
         0 differences",
        FAULTS.load(Ordering::SeqCst),
        ROWS_CHECKED.load(Ordering::SeqCst)
    );
}

/// [`print_figures`] for a test run on driver `D`.
fn figures<D: Api>(test: &str) {
    print_figures(&format!("{test} ({})", D::KIND));
}

/// The injected error must come back typed, as the database error it is, not retryable.
fn assert_injected<T: std::fmt::Debug>(what: &str, result: Result<T, SoftDeleteError>) {
    match result {
        Err(e @ SoftDeleteError::Database(_)) => {
            assert!(
                e.to_string().contains("injected fault"),
                "{what}: unexpected database error {e}"
            );
            assert!(
                !e.is_retryable(),
                "{what}: an injected fault is not transient"
            );
            FAULTS.fetch_add(1, Ordering::SeqCst);
        }
        other => panic!("{what}: expected the injected fault, got {other:?}"),
    }
}

/// The levels a fault is injected at: the three cascade levels, and the changeset
/// table, which every soft delete and restore updates last.
const LEVELS: [&str; 4] = ["authors", "posts", "comments", "soft_delete_changesets"];

fn day(d: u32) -> chrono::NaiveDateTime {
    crate::common::at(2021, 3, d, 8, 0, 0)
}

/// A fresh database with the test schema, named after this module and `test`.
fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
}

/// Two authors, two posts each, two comments per post, a tag on every post.
fn seed(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO authors (id, name) VALUES (1, 'a1'), (2, 'a2');
         INSERT INTO posts (id, author_id, title)
             VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3'), (4, 2, 'p4');
         INSERT INTO comments (id, post_id, body)
             VALUES (1, 1, 'c'), (2, 1, 'c'), (3, 2, 'c'), (4, 2, 'c'),
                 (5, 3, 'c'), (6, 3, 'c'), (7, 4, 'c'), (8, 4, 'c');
         INSERT INTO tags (id, name) VALUES (1, 't');
         INSERT INTO post_tags (id, post_id, tag_id)
             VALUES (1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1);",
    )
    .expect("seed");
}

/// Every row of the blog and every changeset, counted in the figures.
fn snapshot(conn: &mut Conn) -> Vec<String> {
    let out = rows::snapshot(conn);
    ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
    out
}

fn install_fault(conn: &mut Conn, table: &str) {
    install_fault_on(conn, table, "UPDATE");
}

/// Makes every `event` (`UPDATE` or `DELETE`) of a row of `table` fail.
fn install_fault_on(conn: &mut Conn, table: &str, event: &str) {
    crate::common::faults::install(conn, Db::DIALECT, table, event);
}

fn remove_fault(conn: &mut Conn, table: &str) {
    crate::common::faults::remove(conn, Db::DIALECT, table);
}

/// A soft delete to run under a fault, and its description.
type SoftDeleteOp<D> = (
    &'static str,
    fn(&mut D) -> Result<Changeset, SoftDeleteError>,
);

/// The soft deletes whose cascade writes `table`: from each level at or above it.
fn soft_deletes<D: Api>(table: &str) -> Vec<SoftDeleteOp<D>> {
    let mut ops: Vec<SoftDeleteOp<D>> = vec![
        ("soft delete of author 1", |d| {
            d.soft_delete(&keys::author(1))
        }),
        ("bulk soft delete of authors", |d| {
            d.soft_delete_where::<Author, _>(authors::id.le(2))
        }),
    ];
    if table != "authors" {
        ops.push(("soft delete of post 1", |d| d.soft_delete(&keys::post(1))));
        ops.push(("bulk soft delete of posts", |d| {
            d.soft_delete_where::<Post, _>(posts::author_id.eq(2))
        }));
    }
    if table == "comments" || table == "soft_delete_changesets" {
        ops.push(("soft delete of comment 1", |d| {
            d.soft_delete(&keys::comment(1))
        }));
    }
    ops
}

fn soft_delete_fails_atomically_at_each_level_on<D: Api>() {
    let mut d: D = connect("fault_soft_delete");
    seed(d.conn());
    for table in LEVELS {
        for (what, op) in soft_deletes::<D>(table) {
            let what = format!("{what}, fault on {table}");
            let before = snapshot(d.conn());
            install_fault(d.conn(), table);
            assert_injected(&what, op(&mut d));
            remove_fault(d.conn(), table);
            assert_eq!(snapshot(d.conn()), before, "{what}: nothing may change");
            // The connection is usable and the same operation now goes through.
            let cs = op(&mut d).unwrap_or_else(|e| panic!("{what}, without the fault: {e}"));
            assert!(cs.rows_affected > 0);
            d.restore_changeset(cs.id).expect("restore");
        }
    }
    figures::<D>("soft_delete_fails_atomically_at_each_level");
}

fn restore_fails_atomically_at_each_level_on<D: Api>() {
    let mut d: D = connect("fault_restore");
    seed(d.conn());
    for table in LEVELS {
        let cs = d.soft_delete(&keys::author(1)).expect("hide author 1");
        assert_eq!(cs.rows_affected, 1 + 2 + 4 + 2);
        let before = snapshot(d.conn());
        install_fault(d.conn(), table);
        assert_injected(
            &format!("restore by id, fault on {table}"),
            d.restore_changeset(cs.id),
        );
        assert_eq!(
            snapshot(d.conn()),
            before,
            "restore by id, fault on {table}"
        );
        assert_injected(
            &format!("restore by row, fault on {table}"),
            d.restore(&keys::comment(3)),
        );
        assert_eq!(
            snapshot(d.conn()),
            before,
            "restore by row, fault on {table}"
        );
        remove_fault(d.conn(), table);
        assert_eq!(snapshot(d.conn()), before);
        let report = d
            .restore_changeset(cs.id)
            .expect("restore without the fault");
        assert_eq!(report.restored.total(), 9);
    }
    figures::<D>("restore_fails_atomically_at_each_level");
}

/// A restore whose only write moves a row to another changeset (its parent is still
/// hidden by a later one) fails as a whole too.
fn restore_that_only_moves_rows_fails_atomically_on<D: Api>() {
    let mut d: D = connect("fault_restore_retag");
    seed(d.conn());
    let earlier = d.soft_delete(&keys::comment(1)).expect("comment 1");
    let later = d.soft_delete(&keys::post(1)).expect("post 1");
    for table in ["comments", "soft_delete_changesets"] {
        let before = snapshot(d.conn());
        install_fault(d.conn(), table);
        assert_injected(
            &format!("retag, fault on {table}"),
            d.restore_changeset(earlier.id),
        );
        remove_fault(d.conn(), table);
        assert_eq!(snapshot(d.conn()), before, "retag, fault on {table}");
    }
    let report = d.restore_changeset(earlier.id).expect("without the fault");
    assert_eq!(
        report.restored.total(),
        0,
        "comment 1 stays hidden under post 1"
    );
    let moved: Option<i64> = comments::table
        .find(1)
        .select(comments::deletion_id)
        .first(d.conn())
        .expect("c1");
    assert_eq!(moved, Some(later.id));
    figures::<D>("restore_that_only_moves_rows_fails_atomically");
}

fn hard_delete_and_purge_fail_atomically_at_each_level_on<D: Api>() {
    let mut d: D = connect("fault_remove");
    seed(d.conn());
    d.soft_delete_with(&keys::author(2), DeleteOptions::new().at(day(1)))
        .expect("hide author 2");
    // Hard delete and purge mark the rows of tables with cascade children with an `UPDATE`,
    // then delete deepest first; leaf tables (comments, post_tags) are only deleted. A
    // fault on a `DELETE` of a parent level fires after the deeper levels are gone.
    for (table, event) in [
        ("authors", "UPDATE"),
        ("posts", "UPDATE"),
        ("comments", "DELETE"),
        ("post_tags", "DELETE"),
        ("posts", "DELETE"),
        ("authors", "DELETE"),
    ] {
        let before = snapshot(d.conn());
        install_fault_on(d.conn(), table, event);
        let what = format!("fault on {event} of {table}");
        assert_injected(
            &format!("hard delete, {what}"),
            d.hard_delete(&keys::author(1)),
        );
        assert_eq!(snapshot(d.conn()), before, "hard delete, {what}");
        assert_injected(
            &format!("purge, {what}"),
            d.purge_with::<Author>(PurgeOptions::new(day(2))),
        );
        assert_eq!(snapshot(d.conn()), before, "purge, {what}");
        remove_fault(d.conn(), table);
    }
    let removed = d
        .hard_delete(&keys::author(1))
        .expect("hard delete without the fault");
    assert_eq!(removed.total(), 1 + 2 + 4 + 2);
    let purged = d
        .purge_with::<Author>(PurgeOptions::new(day(2)))
        .expect("purge without the fault");
    assert_eq!(purged.removed.total(), 1 + 2 + 4 + 2);
    assert_eq!(
        authors::table
            .count()
            .get_result::<i64>(d.conn())
            .expect("n"),
        0
    );
    figures::<D>("hard_delete_and_purge_fail_atomically_at_each_level");
}

/// Inside the caller's transaction the operation is a savepoint: the fault rolls back
/// the operation only, and the caller's own writes commit. `in_transaction` runs, in one
/// transaction of the caller's (on the operations' connection), an insert of category 1, the
/// soft deletes of author 1 and post 3 (each hitting the fault), and an insert of category 2.
fn fault_inside_an_outer_transaction_on<D: Api>(test: &str, in_transaction: impl FnOnce(&mut D)) {
    let mut d: D = connect(test);
    seed(d.conn());
    let before = snapshot(d.conn());
    install_fault(d.conn(), "comments");
    in_transaction(&mut d);
    remove_fault(d.conn(), "comments");
    assert_eq!(
        snapshot(d.conn()),
        before,
        "the failed operations left nothing"
    );
    let kept: Vec<i32> = categories::table
        .select(categories::id)
        .order(categories::id)
        .load(d.conn())
        .expect("c");
    assert_eq!(
        kept,
        vec![1, 2],
        "the caller's writes around the failed operations commit"
    );
    figures::<D>(test);
}

#[test]
fn fault_inside_an_outer_transaction_rolls_back_only_the_operation() {
    fault_inside_an_outer_transaction_on("fault_savepoint", |d: &mut SyncApi| {
        d.conn()
            .transaction::<_, diesel::result::Error, _>(|c| {
                diesel::insert_into(categories::table)
                    .values((categories::id.eq(1), categories::name.eq("kept")))
                    .execute(c)?;
                assert_injected("soft delete in a savepoint", keys::author(1).soft_delete(c));
                assert_injected(
                    "soft delete of post 3 in a savepoint",
                    keys::post(3).soft_delete(c),
                );
                diesel::insert_into(categories::table)
                    .values((categories::id.eq(2), categories::name.eq("kept too")))
                    .execute(c)?;
                Ok(())
            })
            .expect("the outer transaction commits");
    });
}

#[test]
fn soft_delete_fails_atomically_at_each_level() {
    soft_delete_fails_atomically_at_each_level_on::<SyncApi>();
}

#[test]
fn restore_fails_atomically_at_each_level() {
    restore_fails_atomically_at_each_level_on::<SyncApi>();
}

#[test]
fn restore_that_only_moves_rows_fails_atomically() {
    restore_that_only_moves_rows_fails_atomically_on::<SyncApi>();
}

#[test]
fn hard_delete_and_purge_fail_atomically_at_each_level() {
    hard_delete_and_purge_fail_atomically_at_each_level_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`); the outer-transaction test stays
/// synchronous (it runs the operations inside Diesel's `Connection::transaction`).
#[cfg(feature = "async")]
mod asynchronous {
    use diesel_async::AsyncConnection;

    use super::super::driver::AsyncApi;
    use super::*;

    /// The savepoint test with the caller's transaction a diesel-async one.
    #[test]
    fn fault_inside_an_outer_transaction_rolls_back_only_the_operation() {
        fault_inside_an_outer_transaction_on("fault_savepoint", |d: &mut AsyncApi| {
            d.run(|conn| {
                conn.transaction::<_, diesel::result::Error, _>(async |c| {
                    let kept = diesel::insert_into(categories::table)
                        .values((categories::id.eq(1), categories::name.eq("kept")));
                    diesel_async::RunQueryDsl::execute(kept, c).await?;
                    let one = keys::author(1);
                    let r = soft_delete_runtime::asynchronous::SoftDelete::soft_delete(&one, c);
                    assert_injected("soft delete in a savepoint", r.await);
                    let three = keys::post(3);
                    let r = soft_delete_runtime::asynchronous::SoftDelete::soft_delete(&three, c);
                    assert_injected("soft delete of post 3 in a savepoint", r.await);
                    let too = diesel::insert_into(categories::table)
                        .values((categories::id.eq(2), categories::name.eq("kept too")));
                    diesel_async::RunQueryDsl::execute(too, c).await?;
                    Ok(())
                })
            })
            .expect("the outer transaction commits");
        });
    }

    #[test]
    fn soft_delete_fails_atomically_at_each_level() {
        soft_delete_fails_atomically_at_each_level_on::<AsyncApi>();
    }

    #[test]
    fn restore_fails_atomically_at_each_level() {
        restore_fails_atomically_at_each_level_on::<AsyncApi>();
    }

    #[test]
    fn restore_that_only_moves_rows_fails_atomically() {
        restore_that_only_moves_rows_fails_atomically_on::<AsyncApi>();
    }

    #[test]
    fn hard_delete_and_purge_fail_atomically_at_each_level() {
        hard_delete_and_purge_fail_atomically_at_each_level_on::<AsyncApi>();
    }
}
