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
//! On PostgreSQL the session is also killed mid-operation — from a hook between two statements,
//! and while a statement runs — and after reconnecting nothing is half-applied.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{HookContext, SoftDeleteHooks};

/// Faults injected and rows (and changesets) compared, over the whole binary.
static FAULTS: AtomicU64 = AtomicU64::new(0);
static ROWS_CHECKED: AtomicU64 = AtomicU64::new(0);

fn print_figures(test: &str) {
    eprintln!(
        "fault_injection {test}: {} faults injected so far, {} rows and changesets compared, 0 differences",
        FAULTS.load(Ordering::SeqCst),
        ROWS_CHECKED.load(Ordering::SeqCst)
    );
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

// Tables of the PostgreSQL session-kill test: a parent and a child whose hooks kill the session.
diesel::table! {
    kill_parents (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    kill_children (id) {
        id -> Integer,
        parent_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = kill_parents)]
#[soft_delete(cascade(kill_children::parent_id))]
pub struct KillParent {
    pub id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// After hiding or restoring its rows, a child kills its own database session when the
/// operation's actor is `"kill-session"` (PostgreSQL connections only).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = kill_children)]
#[soft_delete(hooks)]
pub struct KillChild {
    pub id: i32,
    pub parent_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

impl SoftDeleteHooks for KillChild {
    fn after_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        kill_own_session(ctx)
    }
    fn after_restore(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        kill_own_session(ctx)
    }
}

#[cfg(not(feature = "postgres"))]
fn kill_own_session(_ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
    Ok(())
}

/// Terminates the operation's backend from a second connection and waits until it is gone,
/// then lets the operation carry on into a dead session.
#[cfg(feature = "postgres")]
fn kill_own_session(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
    if ctx.actor != Some("kill-session") {
        return Ok(());
    }
    let Some(conn) = ctx.connection::<diesel::PgConnection>() else {
        return Ok(());
    };
    let pid = postgres_kill::backend_pid(conn).map_err(|e| ctx.abort(format!("pid: {e}")))?;
    postgres_kill::terminate(pid).map_err(|e| ctx.abort(format!("terminate: {e}")))?;
    Ok(())
}

macro_rules! fault_suite {
    () => {
        use diesel::connection::SimpleConnection;
        use soft_delete_runtime::backend::Dialect;
        use soft_delete_runtime::schema::soft_delete_changesets;
        use soft_delete_runtime::PurgeOptions;

        use crate::common::models::*;
        use crate::common::schema::*;

        /// The levels a fault is injected at: the three cascade levels, and the changeset
        /// table, which every soft delete and restore updates last.
        const LEVELS: [&str; 4] = ["authors", "posts", "comments", "soft_delete_changesets"];

        fn day(d: u32) -> chrono::NaiveDateTime {
            chrono::NaiveDate::from_ymd_opt(2021, 3, d)
                .and_then(|d| d.and_hms_opt(8, 0, 0))
                .expect("valid date")
        }

        /// Two authors, two posts each, two comments per post, a tag on every post.
        fn seed(conn: &mut Conn) {
            conn.batch_execute(
                "INSERT INTO authors (id, name) VALUES (1, 'a1'), (2, 'a2');
                 INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3'), (4, 2, 'p4');
                 INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'c'), (2, 1, 'c'), (3, 2, 'c'), (4, 2, 'c'),
                     (5, 3, 'c'), (6, 3, 'c'), (7, 4, 'c'), (8, 4, 'c');
                 INSERT INTO tags (id, name) VALUES (1, 't');
                 INSERT INTO post_tags (id, post_id, tag_id) VALUES (1, 1, 1), (2, 2, 1), (3, 3, 1), (4, 4, 1);",
            )
            .expect("seed");
        }

        /// Every row of every table of the blog, and every changeset.
        fn snapshot(conn: &mut Conn) -> Vec<String> {
            let mut out = Vec::new();
            macro_rules! rows {
                ($t:ident, $m:ty) => {
                    out.extend(
                        $t::table
                            .select(<$m>::as_select())
                            .order($t::id)
                            .load(conn)
                            .expect(stringify!($t))
                            .iter()
                            .map(|r| format!("{r:?}")),
                    );
                };
            }
            rows!(authors, Author);
            rows!(posts, Post);
            rows!(comments, Comment);
            rows!(tags, Tag);
            rows!(post_tags, PostTag);
            rows!(soft_delete_changesets, Changeset);
            ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
            out
        }

        fn install_fault(conn: &mut Conn, table: &str) {
            install_fault_on(conn, table, "UPDATE");
        }

        /// Makes every `event` (`UPDATE` or `DELETE`) of a row of `table` fail.
        fn install_fault_on(conn: &mut Conn, table: &str, event: &str) {
            let sql = match DIALECT {
                Dialect::Sqlite => format!(
                    "CREATE TRIGGER inject_fault BEFORE {event} ON {table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
                ),
                Dialect::Postgres => format!(
                    "CREATE OR REPLACE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'injected fault on %', TG_TABLE_NAME; END $$;
                     CREATE TRIGGER inject_fault BEFORE {event} ON {table} FOR EACH ROW EXECUTE FUNCTION inject_fault();"
                ),
                Dialect::Mysql => format!(
                    "CREATE TRIGGER inject_fault BEFORE {event} ON {table} FOR EACH ROW \
                     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'"
                ),
            };
            conn.batch_execute(&sql).expect("install the fault");
        }

        fn remove_fault(conn: &mut Conn, table: &str) {
            let sql = match DIALECT {
                Dialect::Postgres => format!("DROP TRIGGER inject_fault ON {table}"),
                _ => "DROP TRIGGER inject_fault".to_owned(),
            };
            conn.batch_execute(&sql).expect("remove the fault");
        }

        fn author(id: i32) -> Author {
            Author { id, name: String::new(), deleted_at: None, deletion_id: None }
        }
        fn post(id: i32) -> Post {
            Post { id, author_id: 0, title: String::new(), deleted_at: None, deletion_id: None }
        }
        fn comment(id: i32) -> Comment {
            Comment { id, post_id: 0, body: String::new(), deleted_at: None, deletion_id: None }
        }

        /// The soft deletes whose cascade writes `table`: from each level at or above it.
        fn soft_deletes(table: &str) -> Vec<(&'static str, fn(&mut Conn) -> Result<Changeset, SoftDeleteError>)> {
            let mut ops: Vec<(&'static str, fn(&mut Conn) -> Result<Changeset, SoftDeleteError>)> = vec![
                ("soft delete of author 1", |c| author(1).soft_delete(c)),
                ("bulk soft delete of authors", |c| Author::soft_delete_where(c, authors::id.le(2))),
            ];
            if table != "authors" {
                ops.push(("soft delete of post 1", |c| post(1).soft_delete(c)));
                ops.push(("bulk soft delete of posts", |c| Post::soft_delete_where(c, posts::author_id.eq(2))));
            }
            if table == "comments" || table == "soft_delete_changesets" {
                ops.push(("soft delete of comment 1", |c| comment(1).soft_delete(c)));
            }
            ops
        }

        #[test]
        fn soft_delete_fails_atomically_at_each_level() {
            let mut conn = connect("fault_soft_delete", crate::common::schema::DDL);
            seed(&mut conn);
            for table in LEVELS {
                for (what, op) in soft_deletes(table) {
                    let what = format!("{what}, fault on {table}");
                    let before = snapshot(&mut conn);
                    install_fault(&mut conn, table);
                    assert_injected(&what, op(&mut conn));
                    remove_fault(&mut conn, table);
                    assert_eq!(snapshot(&mut conn), before, "{what}: nothing may change");
                    // The connection is usable and the same operation now goes through.
                    let cs = op(&mut conn).unwrap_or_else(|e| panic!("{what}, without the fault: {e}"));
                    assert!(cs.rows_affected > 0);
                    Changeset::restore(&mut conn, cs.id).expect("restore");
                }
            }
            print_figures("soft_delete_fails_atomically_at_each_level");
        }

        #[test]
        fn restore_fails_atomically_at_each_level() {
            let mut conn = connect("fault_restore", crate::common::schema::DDL);
            seed(&mut conn);
            for table in LEVELS {
                let cs = author(1).soft_delete(&mut conn).expect("hide author 1");
                assert_eq!(cs.rows_affected, 1 + 2 + 4 + 2);
                let before = snapshot(&mut conn);
                install_fault(&mut conn, table);
                assert_injected(&format!("restore by id, fault on {table}"), Changeset::restore(&mut conn, cs.id));
                assert_eq!(snapshot(&mut conn), before, "restore by id, fault on {table}");
                assert_injected(&format!("restore by row, fault on {table}"), comment(3).restore(&mut conn));
                assert_eq!(snapshot(&mut conn), before, "restore by row, fault on {table}");
                remove_fault(&mut conn, table);
                assert_eq!(snapshot(&mut conn), before);
                let report = Changeset::restore(&mut conn, cs.id).expect("restore without the fault");
                assert_eq!(report.restored.total(), 9);
            }
            print_figures("restore_fails_atomically_at_each_level");
        }

        /// A restore whose only write moves a row to another changeset (its parent is still
        /// hidden by a later one) fails as a whole too.
        #[test]
        fn restore_that_only_moves_rows_fails_atomically() {
            let mut conn = connect("fault_restore_retag", crate::common::schema::DDL);
            seed(&mut conn);
            let earlier = comment(1).soft_delete(&mut conn).expect("comment 1");
            let later = post(1).soft_delete(&mut conn).expect("post 1");
            for table in ["comments", "soft_delete_changesets"] {
                let before = snapshot(&mut conn);
                install_fault(&mut conn, table);
                assert_injected(&format!("retag, fault on {table}"), Changeset::restore(&mut conn, earlier.id));
                remove_fault(&mut conn, table);
                assert_eq!(snapshot(&mut conn), before, "retag, fault on {table}");
            }
            let report = Changeset::restore(&mut conn, earlier.id).expect("without the fault");
            assert_eq!(report.restored.total(), 0, "comment 1 stays hidden under post 1");
            let moved: Option<i64> = comments::table.find(1).select(comments::deletion_id).first(&mut conn).expect("c1");
            assert_eq!(moved, Some(later.id));
            print_figures("restore_that_only_moves_rows_fails_atomically");
        }

        #[test]
        fn hard_delete_and_purge_fail_atomically_at_each_level() {
            let mut conn = connect("fault_remove", crate::common::schema::DDL);
            seed(&mut conn);
            author(2).soft_delete_with(&mut conn, DeleteOptions::new().at(day(1))).expect("hide author 2");
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
                let before = snapshot(&mut conn);
                install_fault_on(&mut conn, table, event);
                let what = format!("fault on {event} of {table}");
                assert_injected(&format!("hard delete, {what}"), author(1).hard_delete(&mut conn));
                assert_eq!(snapshot(&mut conn), before, "hard delete, {what}");
                assert_injected(&format!("purge, {what}"), Author::purge_with(&mut conn, PurgeOptions::new(day(2))));
                assert_eq!(snapshot(&mut conn), before, "purge, {what}");
                remove_fault(&mut conn, table);
            }
            let removed = author(1).hard_delete(&mut conn).expect("hard delete without the fault");
            assert_eq!(removed.total(), 1 + 2 + 4 + 2);
            let purged = Author::purge_with(&mut conn, PurgeOptions::new(day(2))).expect("purge without the fault");
            assert_eq!(purged.removed.total(), 1 + 2 + 4 + 2);
            assert_eq!(authors::table.count().get_result::<i64>(&mut conn).expect("n"), 0);
            print_figures("hard_delete_and_purge_fail_atomically_at_each_level");
        }

        /// Inside the caller's transaction the operation is a savepoint: the fault rolls back
        /// the operation only, and the caller's own writes commit.
        #[test]
        fn fault_inside_an_outer_transaction_rolls_back_only_the_operation() {
            let mut conn = connect("fault_savepoint", crate::common::schema::DDL);
            seed(&mut conn);
            let before = snapshot(&mut conn);
            install_fault(&mut conn, "comments");
            conn.transaction::<_, diesel::result::Error, _>(|c| {
                diesel::insert_into(categories::table)
                    .values((categories::id.eq(1), categories::name.eq("kept")))
                    .execute(c)?;
                assert_injected("soft delete in a savepoint", author(1).soft_delete(c));
                assert_injected("soft delete of post 3 in a savepoint", post(3).soft_delete(c));
                diesel::insert_into(categories::table)
                    .values((categories::id.eq(2), categories::name.eq("kept too")))
                    .execute(c)?;
                Ok(())
            })
            .expect("the outer transaction commits");
            remove_fault(&mut conn, "comments");
            assert_eq!(snapshot(&mut conn), before, "the failed operations left nothing");
            let kept: Vec<i32> = categories::table.select(categories::id).order(categories::id).load(&mut conn).expect("c");
            assert_eq!(kept, vec![1, 2], "the caller's writes around the failed operations commit");
            print_figures("fault_inside_an_outer_transaction_rolls_back_only_the_operation");
        }
    };
}

common::for_each_backend!(fault_suite);

/// PostgreSQL: the session dies in the middle of an operation.
#[cfg(feature = "postgres")]
mod postgres_kill {
    use std::time::{Duration, Instant};

    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Bool, Integer};
    use diesel::PgConnection;

    use super::*;
    use crate::common::models::*;
    use crate::common::schema::*;

    const KILL_DDL: &str = "
        CREATE TABLE kill_parents (id SERIAL PRIMARY KEY, deleted_at TIMESTAMP, deletion_id BIGINT);
        CREATE TABLE kill_children (id SERIAL PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES kill_parents (id),
            deleted_at TIMESTAMP, deletion_id BIGINT);
        INSERT INTO kill_parents (id) VALUES (1), (2);
        INSERT INTO kill_children (id, parent_id) VALUES (1, 1), (2, 1), (3, 2);";

    fn url() -> String {
        std::env::var("PG_DATABASE_URL").expect("PG_DATABASE_URL")
    }

    pub(super) fn backend_pid(conn: &mut PgConnection) -> diesel::QueryResult<i32> {
        diesel::select(diesel::dsl::sql::<Integer>("pg_backend_pid()")).get_result(conn)
    }

    fn still_there(admin: &mut PgConnection, pid: i32) -> diesel::QueryResult<bool> {
        let n: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!(
            "(SELECT count(*) FROM pg_stat_activity WHERE pid = {pid})"
        )))
        .get_result(admin)?;
        Ok(n > 0)
    }

    /// Terminates backend `pid` from a new connection and waits (bounded) until it is gone.
    pub(super) fn terminate(pid: i32) -> diesel::QueryResult<()> {
        let mut admin = PgConnection::establish(&url())
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        let killed: bool = diesel::select(diesel::dsl::sql::<Bool>(&format!(
            "pg_terminate_backend({pid})"
        )))
        .get_result(&mut admin)?;
        assert!(killed, "pg_terminate_backend({pid}) found the session");
        let deadline = Instant::now() + Duration::from_secs(30);
        while still_there(&mut admin, pid)? && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    /// A second session on the schema `connect` created for `name`.
    fn reconnect(name: &str) -> PgConnection {
        let mut conn = PgConnection::establish(&url()).expect("reconnect");
        conn.batch_execute(&format!(
            "SET search_path TO {}",
            crate::common::db_name(name)
        ))
        .expect("search_path");
        conn
    }

    fn kill_snapshot(conn: &mut PgConnection) -> Vec<String> {
        let mut out: Vec<String> = kill_parents::table
            .select(KillParent::as_select())
            .order(kill_parents::id)
            .load(conn)
            .expect("parents")
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        out.extend(
            kill_children::table
                .select(KillChild::as_select())
                .order(kill_children::id)
                .load(conn)
                .expect("children")
                .iter()
                .map(|r| format!("{r:?}")),
        );
        out.extend(changesets(conn));
        ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
        out
    }

    fn changesets(conn: &mut PgConnection) -> Vec<String> {
        soft_delete_runtime::schema::soft_delete_changesets::table
            .select(Changeset::as_select())
            .order(soft_delete_runtime::schema::soft_delete_changesets::id)
            .load(conn)
            .expect("changesets")
            .iter()
            .map(|r| format!("{r:?}"))
            .collect()
    }

    fn assert_killed<T: std::fmt::Debug>(what: &str, result: Result<T, SoftDeleteError>) {
        match result {
            Err(SoftDeleteError::Database(e)) => {
                eprintln!("{what}: failed as expected with: {e}");
                FAULTS.fetch_add(1, Ordering::SeqCst);
            }
            other => {
                panic!("{what}: expected a database error from the dead session, got {other:?}")
            }
        }
    }

    fn parent(id: i32) -> KillParent {
        KillParent {
            id,
            deleted_at: None,
            deletion_id: None,
        }
    }

    /// The session is killed between two statements of a soft delete (from the child's
    /// `after_soft_delete` hook, when both tables are already written), and of a restore.
    #[test]
    fn session_killed_between_statements_leaves_nothing_half_applied() {
        let name = "fault_injection::pg_kill_between_statements";
        let mut conn = crate::common::pg_connect(name, KILL_DDL);
        let before = kill_snapshot(&mut conn);
        let result =
            parent(1).soft_delete_with(&mut conn, DeleteOptions::new().actor("kill-session"));
        assert_killed("soft delete", result);
        drop(conn);

        let mut conn = reconnect(name);
        assert_eq!(
            kill_snapshot(&mut conn),
            before,
            "soft delete: nothing half-applied"
        );

        let cs = parent(1)
            .soft_delete(&mut conn)
            .expect("soft delete without a kill");
        assert_eq!(cs.rows_affected, 3);
        let before = kill_snapshot(&mut conn);
        let result = Changeset::restore_with(
            &mut conn,
            cs.id,
            &RestoreOptions::new().actor("kill-session"),
        );
        assert_killed("restore", result);
        drop(conn);

        let mut conn = reconnect(name);
        assert_eq!(
            kill_snapshot(&mut conn),
            before,
            "restore: nothing half-applied"
        );
        let report = Changeset::restore(&mut conn, cs.id).expect("restore without a kill");
        assert_eq!(report.restored.total(), 3);
        print_figures("session_killed_between_statements_leaves_nothing_half_applied");
    }

    /// The session is killed while the third level's `UPDATE` runs (a trigger on `comments`
    /// sleeps; a second connection sees it sleeping and terminates it).
    #[test]
    fn session_killed_during_a_statement_leaves_nothing_half_applied() {
        let name = "fault_injection::pg_kill_during_statement";
        let mut conn = crate::common::pg_connect(name, crate::common::schema::DDL);
        conn.batch_execute(
            "INSERT INTO authors (id, name) VALUES (1, 'a');
             INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'p'), (2, 1, 'q');
             INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'c'), (2, 2, 'c');",
        )
        .expect("seed");
        let snapshot = |conn: &mut PgConnection| {
            let mut out: Vec<String> = authors::table
                .select(Author::as_select())
                .load(conn)
                .expect("a")
                .iter()
                .map(|r| format!("{r:?}"))
                .collect();
            out.extend(
                posts::table
                    .select(Post::as_select())
                    .order(posts::id)
                    .load(conn)
                    .expect("p")
                    .iter()
                    .map(|r| format!("{r:?}")),
            );
            out.extend(
                comments::table
                    .select(Comment::as_select())
                    .order(comments::id)
                    .load(conn)
                    .expect("c")
                    .iter()
                    .map(|r| format!("{r:?}")),
            );
            out.extend(changesets(conn));
            ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
            out
        };
        let sleep_on_comments = "CREATE FUNCTION sleep_forever() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN PERFORM pg_sleep(300); RETURN NEW; END $$;
             CREATE TRIGGER sleep_forever BEFORE UPDATE ON comments FOR EACH ROW EXECUTE FUNCTION sleep_forever();";

        // Kills the session once it is seen sleeping inside the trigger.
        let kill_when_sleeping = |pid: i32| {
            std::thread::spawn(move || {
                let mut admin = PgConnection::establish(&url()).expect("admin");
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    let sleeping: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!(
                        "(SELECT count(*) FROM pg_stat_activity WHERE pid = {pid} AND wait_event = 'PgSleep')"
                    )))
                    .get_result(&mut admin)
                    .expect("poll");
                    if sleeping > 0 || Instant::now() > deadline {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                terminate(pid).expect("terminate");
            })
        };

        let before = snapshot(&mut conn);
        conn.batch_execute(sleep_on_comments).expect("trigger");
        let pid = backend_pid(&mut conn).expect("pid");
        let killer = kill_when_sleeping(pid);
        let a1 = Author {
            id: 1,
            name: String::new(),
            deleted_at: None,
            deletion_id: None,
        };
        assert_killed(
            "soft delete, killed in the comments UPDATE",
            a1.soft_delete(&mut conn),
        );
        killer.join().expect("killer");
        drop(conn);

        let mut conn = reconnect(name);
        assert_eq!(
            snapshot(&mut conn),
            before,
            "soft delete: nothing half-applied"
        );
        conn.batch_execute("DROP TRIGGER sleep_forever ON comments")
            .expect("drop");
        let cs = a1
            .soft_delete(&mut conn)
            .expect("soft delete without the trigger");
        assert_eq!(cs.rows_affected, 5);

        let before = snapshot(&mut conn);
        conn.batch_execute("CREATE TRIGGER sleep_forever BEFORE UPDATE ON comments FOR EACH ROW EXECUTE FUNCTION sleep_forever();")
            .expect("trigger");
        let pid = backend_pid(&mut conn).expect("pid");
        let killer = kill_when_sleeping(pid);
        assert_killed(
            "restore, killed in the comments UPDATE",
            Changeset::restore(&mut conn, cs.id),
        );
        killer.join().expect("killer");
        drop(conn);

        let mut conn = reconnect(name);
        assert_eq!(snapshot(&mut conn), before, "restore: nothing half-applied");
        conn.batch_execute("DROP TRIGGER sleep_forever ON comments")
            .expect("drop");
        Changeset::restore(&mut conn, cs.id).expect("restore without the trigger");
        let live: i64 = Comment::active().count().get_result(&mut conn).expect("n");
        assert_eq!(live, 2);
        print_figures("session_killed_during_a_statement_leaves_nothing_half_applied");
    }
}
