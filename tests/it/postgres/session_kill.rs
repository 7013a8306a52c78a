//! The session dies in the middle of an operation — killed from a hook between two statements,
//! or while a statement runs — and after reconnecting nothing is half-applied.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer};
use diesel::PgConnection;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{HookContext, SoftDeleteHooks};

use super::fault_injection::{print_figures, FAULTS, ROWS_CHECKED};
use super::Db;
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{keys, TestDb};

// A parent and a child whose hooks kill the session.
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
/// operation's actor is `"kill-session"`.
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

/// Terminates the operation's backend from a second connection and waits until it is gone,
/// then lets the operation carry on into a dead session.
fn kill_own_session(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
    if ctx.actor != Some("kill-session") {
        return Ok(());
    }
    let Some(conn) = ctx.connection::<diesel::PgConnection>() else {
        return Ok(());
    };
    let pid = backend_pid(conn).map_err(|e| ctx.abort(format!("pid: {e}")))?;
    terminate(pid).map_err(|e| ctx.abort(format!("terminate: {e}")))?;
    Ok(())
}

const KILL_DDL: &str = "
    CREATE TABLE kill_parents (id SERIAL PRIMARY KEY, deleted_at TIMESTAMP, deletion_id BIGINT);
    CREATE TABLE kill_children (id SERIAL PRIMARY KEY,
        parent_id INTEGER NOT NULL REFERENCES kill_parents (id),
        deleted_at TIMESTAMP, deletion_id BIGINT);
    INSERT INTO kill_parents (id) VALUES (1), (2);
    INSERT INTO kill_children (id, parent_id) VALUES (1, 1), (2, 1), (3, 2);";

fn url() -> String {
    std::env::var("PG_DATABASE_URL").expect("PG_DATABASE_URL")
}

fn backend_pid(conn: &mut PgConnection) -> diesel::QueryResult<i32> {
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
fn terminate(pid: i32) -> diesel::QueryResult<()> {
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
    out.extend(super::rows::changesets(conn));
    ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
    out
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
    let name = &format!("{}::between_statements", module_path!());
    let mut conn = Db::connect(name, KILL_DDL);
    let before = kill_snapshot(&mut conn);
    let result = parent(1).soft_delete_with(&mut conn, DeleteOptions::new().actor("kill-session"));
    assert_killed("soft delete", result);
    drop(conn);

    let mut conn = Db::second(name);
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

    let mut conn = Db::second(name);
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
    let name = &format!("{}::during_statement", module_path!());
    let mut conn = Db::connect(name, &ddl());
    conn.batch_execute(
        "INSERT INTO authors (id, name) VALUES (1, 'a');
         INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'p'), (2, 1, 'q');
         INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'c'), (2, 2, 'c');",
    )
    .expect("seed");
    let snapshot = |conn: &mut PgConnection| {
        let out = super::rows::snapshot(conn);
        ROWS_CHECKED.fetch_add(out.len() as u64, Ordering::SeqCst);
        out
    };
    let sleep_on_comments = "
        CREATE FUNCTION sleep_forever() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_sleep(300); RETURN NEW; END $$;
        CREATE TRIGGER sleep_forever BEFORE UPDATE ON comments
            FOR EACH ROW EXECUTE FUNCTION sleep_forever();";

    // Kills the session once it is seen sleeping inside the trigger.
    let kill_when_sleeping = |pid: i32| {
        std::thread::spawn(move || {
            let mut admin = PgConnection::establish(&url()).expect("admin");
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let sleeping: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!(
                    "(SELECT count(*) FROM pg_stat_activity
                      WHERE pid = {pid} AND wait_event = 'PgSleep')"
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
    let a1 = keys::author(1);
    assert_killed(
        "soft delete, killed in the comments UPDATE",
        a1.soft_delete(&mut conn),
    );
    killer.join().expect("killer");
    drop(conn);

    let mut conn = Db::second(name);
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
    conn.batch_execute(
        "CREATE TRIGGER sleep_forever BEFORE UPDATE ON comments
             FOR EACH ROW EXECUTE FUNCTION sleep_forever();",
    )
    .expect("trigger");
    let pid = backend_pid(&mut conn).expect("pid");
    let killer = kill_when_sleeping(pid);
    assert_killed(
        "restore, killed in the comments UPDATE",
        Changeset::restore(&mut conn, cs.id),
    );
    killer.join().expect("killer");
    drop(conn);

    let mut conn = Db::second(name);
    assert_eq!(snapshot(&mut conn), before, "restore: nothing half-applied");
    conn.batch_execute("DROP TRIGGER sleep_forever ON comments")
        .expect("drop");
    Changeset::restore(&mut conn, cs.id).expect("restore without the trigger");
    let live: i64 = Comment::active().count().get_result(&mut conn).expect("n");
    assert_eq!(live, 2);
    print_figures("session_killed_during_a_statement_leaves_nothing_half_applied");
}
