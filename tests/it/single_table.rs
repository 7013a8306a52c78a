//! One table at a time: every method, every error variant reachable on one table, the three
//! marker strategies, and the two bad-path guarantees (a failing hook leaves every row as it
//! was; restoring a live row is `NotDeleted` and writes nothing).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::migration::unique_live_index;
use soft_delete_runtime::prelude::*;

use super::{Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{StatementCounter, TestDb};

/// A fresh database with the test schema, named after this module and `test`.
fn connect(test: &str) -> Conn {
    Db::connect(&format!("{}::{test}", module_path!()), &ddl())
}

/// A leap day, with microseconds.
fn at() -> chrono::NaiveDateTime {
    crate::common::at(2024, 2, 29, 23, 59, 58) + chrono::Duration::microseconds(123_456)
}

fn seed_users(conn: &mut Conn) {
    diesel::insert_into(users::table)
        .values(&vec![
            (users::id.eq(1_i64), users::email.eq("a@x")),
            (users::id.eq(2_i64), users::email.eq("b@x")),
            (users::id.eq(3_i64), users::email.eq("c@x")),
        ])
        .execute(conn)
        .expect("users");
}
fn user(conn: &mut Conn, id: i64) -> User {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .expect("user")
}
fn all_users(conn: &mut Conn) -> Vec<User> {
    users::table
        .select(User::as_select())
        .order(users::id)
        .load(conn)
        .expect("users")
}
fn live_user_ids(conn: &mut Conn) -> Vec<i64> {
    User::active()
        .select(users::id)
        .order(users::id)
        .load(conn)
        .expect("live")
}

#[test]
fn timestamp_marker_soft_delete_restore_and_views() {
    let mut conn = connect("timestamp_marker");
    seed_users(&mut conn);
    let cs = user(&mut conn, 2)
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor("alice").reason("spam").at(at()),
        )
        .expect("soft delete");
    assert_eq!(
        (
            cs.rows_affected,
            cs.root_table.as_str(),
            cs.root_key.as_deref()
        ),
        (1, "users", Some("2"))
    );
    assert_eq!(cs.created_at, at(), "microseconds are kept");
    assert_eq!(user(&mut conn, 2).deleted_at, Some(at()));
    assert_eq!(live_user_ids(&mut conn), vec![1, 3]);
    let hidden: Vec<i64> = User::only_deleted()
        .select(users::id)
        .load(&mut conn)
        .expect("hidden");
    assert_eq!(hidden, vec![2]);
    let every: i64 = User::with_deleted()
        .count()
        .get_result(&mut conn)
        .expect("all");
    assert_eq!(every, 3);
    let stored = Changeset::find(&mut conn, cs.id).expect("stored");
    assert_eq!(stored, cs);

    let report = user(&mut conn, 2).restore(&mut conn).expect("restore");
    assert_eq!(report.restored.get("users"), 1);
    assert_eq!(live_user_ids(&mut conn), vec![1, 2, 3]);
    assert_eq!(user(&mut conn, 2).deleted_at, None);
}

#[test]
fn errors_on_one_table() {
    let mut conn = connect("errors_one_table");
    seed_users(&mut conn);
    let ghost = User {
        id: 99,
        email: "ghost".into(),
        deleted_at: None,
    };
    assert!(matches!(
        ghost.soft_delete(&mut conn),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    assert!(matches!(
        ghost.restore(&mut conn),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    assert!(matches!(
        ghost.hard_delete(&mut conn),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    let u1 = user(&mut conn, 1);
    u1.soft_delete(&mut conn).expect("first delete");
    let again = u1.soft_delete(&mut conn).expect_err("second delete");
    assert!(matches!(
        again,
        SoftDeleteError::AlreadyDeleted { table: "users" }
    ));
    assert!(
        again.to_string().contains("already soft-deleted"),
        "{again}"
    );
    assert!(matches!(
        user(&mut conn, 3).restore(&mut conn),
        Err(SoftDeleteError::NotDeleted { table: "users" })
    ));
    assert!(matches!(
        Changeset::restore(&mut conn, 12345),
        Err(SoftDeleteError::ChangesetNotFound { id: 12345 })
    ));
    assert!(matches!(
        User::soft_delete_where(&mut conn, users::email.eq("nobody")),
        Err(SoftDeleteError::NotFound { .. })
    ));
    // A model without `deletion_id` restores row by row, not by changeset.
    let cs = user(&mut conn, 3).soft_delete(&mut conn).expect("delete");
    assert!(matches!(
        Changeset::restore(&mut conn, cs.id),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
    // Database errors come through as `Database`.
    diesel::sql_query("DROP TABLE users")
        .execute(&mut conn)
        .expect("drop");
    let err = ghost.soft_delete(&mut conn).expect_err("no table");
    assert!(matches!(err, SoftDeleteError::Database(_)), "{err:?}");
}

#[test]
fn tracked_row_and_changeset_restore_and_already_restored() {
    let mut conn = connect("tracked_single");
    diesel::insert_into(tags::table)
        .values((tags::id.eq(1), tags::name.eq("t")))
        .execute(&mut conn)
        .expect("tag");
    let t: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(&mut conn)
        .expect("tag");
    let cs = t.soft_delete(&mut conn).expect("delete");
    let row: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(&mut conn)
        .expect("tag");
    assert_eq!(row.deletion_id, Some(cs.id));
    Changeset::restore(&mut conn, cs.id).expect("restore");
    assert!(matches!(
        Changeset::restore(&mut conn, cs.id),
        Err(SoftDeleteError::AlreadyRestored { .. })
    ));
    let row: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(&mut conn)
        .expect("tag");
    assert_eq!((row.deleted_at, row.deletion_id), (None, None));
}

#[test]
fn bulk_soft_delete_where_on_one_table() {
    let mut conn = connect("bulk_one_table");
    seed_users(&mut conn);
    let cs = User::soft_delete_where_with(
        &mut conn,
        users::email.like("%@x").and(users::id.ne(2)),
        DeleteOptions::new().actor("cron"),
    )
    .expect("bulk");
    assert_eq!(cs.rows_affected, 2);
    assert_eq!(cs.root_key, None);
    assert_eq!(live_user_ids(&mut conn), vec![2]);
}

#[test]
fn hard_delete_one_row() {
    let mut conn = connect("hard_one");
    seed_users(&mut conn);
    user(&mut conn, 1)
        .soft_delete(&mut conn)
        .expect("hidden rows can be hard-deleted too");
    let removed = user(&mut conn, 1).hard_delete(&mut conn).expect("hard");
    assert_eq!(removed.get("users"), 1);
    let ids: Vec<i64> = users::table
        .select(users::id)
        .order(users::id)
        .load(&mut conn)
        .expect("ids");
    assert_eq!(ids, vec![2, 3]);
}

#[test]
fn flag_marker_with_string_key() {
    let mut conn = connect("flag_marker");
    diesel::insert_into(notes::table)
        .values(&vec![
            (
                notes::code.eq("a"),
                notes::body.eq("x"),
                notes::deleted.eq(false),
            ),
            (
                notes::code.eq("b"),
                notes::body.eq("y"),
                notes::deleted.eq(false),
            ),
        ])
        .execute(&mut conn)
        .expect("notes");
    let a: Note = notes::table
        .find("a")
        .select(Note::as_select())
        .first(&mut conn)
        .expect("a");
    let cs = a.soft_delete(&mut conn).expect("delete");
    assert_eq!(cs.root_key.as_deref(), Some("a"));
    let live: Vec<String> = Note::active()
        .select(notes::code)
        .load(&mut conn)
        .expect("live");
    assert_eq!(live, vec!["b".to_string()]);
    let hidden: Vec<String> = Note::only_deleted()
        .select(notes::code)
        .load(&mut conn)
        .expect("hidden");
    assert_eq!(hidden, vec!["a".to_string()]);
    assert!(matches!(
        a.soft_delete(&mut conn),
        Err(SoftDeleteError::AlreadyDeleted { table: "notes" })
    ));
    a.restore(&mut conn).expect("restore");
    assert_eq!(
        Note::active()
            .count()
            .get_result::<i64>(&mut conn)
            .expect("n"),
        2
    );
}

#[test]
fn failing_hook_leaves_every_row_as_it_was() {
    let mut conn = connect("hook_single");
    diesel::insert_into(authors::table)
        .values((authors::id.eq(1), authors::name.eq("a")))
        .execute(&mut conn)
        .expect("a");
    diesel::insert_into(posts::table)
        .values((
            posts::id.eq(1),
            posts::author_id.eq(1),
            posts::title.eq("p"),
        ))
        .execute(&mut conn)
        .expect("p");
    diesel::insert_into(comments::table)
        .values((
            comments::id.eq(1),
            comments::post_id.eq(1),
            comments::body.eq("c"),
        ))
        .execute(&mut conn)
        .expect("c");
    let c: Comment = comments::table
        .find(1)
        .select(Comment::as_select())
        .first(&mut conn)
        .expect("c");
    let err = c
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().reason("fail-in-comments-hook"),
        )
        .expect_err("hook refuses");
    assert!(matches!(
        &err,
        SoftDeleteError::Aborted { table: "comments", message }
            if message == "comments refuse this reason"
    ));
    let after: Comment = comments::table
        .find(1)
        .select(Comment::as_select())
        .first(&mut conn)
        .expect("c");
    assert_eq!(after, c);
    let n: i64 = soft_delete_runtime::schema::soft_delete_changesets::table
        .count()
        .get_result(&mut conn)
        .expect("n");
    assert_eq!(n, 0, "the changeset row was rolled back too");
}

#[test]
fn restoring_a_live_row_is_not_deleted_and_writes_nothing() {
    let mut conn = connect("restore_live");
    seed_users(&mut conn);
    let before = all_users(&mut conn);
    let counter = StatementCounter::attach(&mut conn);
    let err = user(&mut conn, 1).restore(&mut conn).expect_err("live");
    assert!(matches!(
        err,
        SoftDeleteError::NotDeleted { table: "users" }
    ));
    // One SELECT to load the row in the test, one to read its state: no write, no transaction.
    assert_eq!(counter.take(), 2);
    assert_eq!(all_users(&mut conn), before);
}

/// A hidden row does not block a new live row with the same key; restoring the hidden one
/// then collides and fails with `Conflict`, changing nothing.
#[test]
fn live_only_unique_index_and_restore_conflict() {
    let mut conn = connect("unique_live");
    seed_users(&mut conn);
    conn.batch_execute(&unique_live_index::<users::table>(Db::DIALECT, &["email"]))
        .expect("index");
    user(&mut conn, 1).soft_delete(&mut conn).expect("delete");
    diesel::insert_into(users::table)
        .values((users::id.eq(10_i64), users::email.eq("a@x")))
        .execute(&mut conn)
        .expect("a new live row may reuse a hidden row's key");
    let dup = diesel::insert_into(users::table)
        .values((users::id.eq(11_i64), users::email.eq("a@x")))
        .execute(&mut conn);
    assert!(dup.is_err(), "two live rows with one key are still refused");
    let before = all_users(&mut conn);
    let err = user(&mut conn, 1).restore(&mut conn).expect_err("collides");
    assert!(
        matches!(&err, SoftDeleteError::Conflict { table: "users", .. }),
        "{err:?}"
    );
    assert_eq!(all_users(&mut conn), before);
}
