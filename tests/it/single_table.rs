//! One table at a time: every method, every error variant reachable on one table, the three
//! marker strategies, and the two bad-path guarantees (a failing hook leaves every row as it
//! was; restoring a live row is `NotDeleted` and writes nothing).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::migration::unique_live_index;
use soft_delete_runtime::prelude::*;

use super::driver::{Api, SyncApi};
use super::{Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{keys, TestDb};

/// A fresh database with the test schema, named after this module and `test`.
fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
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

fn timestamp_marker_soft_delete_restore_and_views_on<D: Api>() {
    let mut d: D = connect("timestamp_marker");
    seed_users(d.conn());
    let cs = d
        .soft_delete_with(
            &keys::user(2),
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
    assert_eq!(user(d.conn(), 2).deleted_at, Some(at()));
    assert_eq!(live_user_ids(d.conn()), vec![1, 3]);
    let hidden: Vec<i64> = User::only_deleted()
        .select(users::id)
        .load(d.conn())
        .expect("hidden");
    assert_eq!(hidden, vec![2]);
    let every: i64 = User::with_deleted()
        .count()
        .get_result(d.conn())
        .expect("all");
    assert_eq!(every, 3);
    let stored = d.find_changeset(cs.id).expect("stored");
    assert_eq!(stored, cs);

    let report = d.restore(&keys::user(2)).expect("restore");
    assert_eq!(report.restored.get("users"), 1);
    assert_eq!(live_user_ids(d.conn()), vec![1, 2, 3]);
    assert_eq!(user(d.conn(), 2).deleted_at, None);
}

fn errors_on_one_table_on<D: Api>() {
    let mut d: D = connect("errors_one_table");
    seed_users(d.conn());
    let ghost = User {
        id: 99,
        email: "ghost".into(),
        deleted_at: None,
    };
    assert!(matches!(
        d.soft_delete(&ghost),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    assert!(matches!(
        d.restore(&ghost),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    assert!(matches!(
        d.hard_delete(&ghost),
        Err(SoftDeleteError::NotFound { table: "users" })
    ));
    let u1 = user(d.conn(), 1);
    d.soft_delete(&u1).expect("first delete");
    let again = d.soft_delete(&u1).expect_err("second delete");
    assert!(matches!(
        again,
        SoftDeleteError::AlreadyDeleted { table: "users" }
    ));
    assert!(
        again.to_string().contains("already soft-deleted"),
        "{again}"
    );
    assert!(matches!(
        d.restore(&keys::user(3)),
        Err(SoftDeleteError::NotDeleted { table: "users" })
    ));
    assert!(matches!(
        d.restore_changeset(12345),
        Err(SoftDeleteError::ChangesetNotFound { id: 12345 })
    ));
    assert!(matches!(
        d.soft_delete_where::<User, _>(users::email.eq("nobody")),
        Err(SoftDeleteError::NotFound { .. })
    ));
    // A model without `deletion_id` restores row by row, not by changeset.
    let cs = d.soft_delete(&keys::user(3)).expect("delete");
    assert!(matches!(
        d.restore_changeset(cs.id),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
    // Database errors come through as `Database`.
    diesel::sql_query("DROP TABLE users")
        .execute(d.conn())
        .expect("drop");
    let err = d.soft_delete(&ghost).expect_err("no table");
    assert!(matches!(err, SoftDeleteError::Database(_)), "{err:?}");
}

fn tracked_row_and_changeset_restore_and_already_restored_on<D: Api>() {
    let mut d: D = connect("tracked_single");
    diesel::insert_into(tags::table)
        .values((tags::id.eq(1), tags::name.eq("t")))
        .execute(d.conn())
        .expect("tag");
    let t: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(d.conn())
        .expect("tag");
    let cs = d.soft_delete(&t).expect("delete");
    let row: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(d.conn())
        .expect("tag");
    assert_eq!(row.deletion_id, Some(cs.id));
    d.restore_changeset(cs.id).expect("restore");
    assert!(matches!(
        d.restore_changeset(cs.id),
        Err(SoftDeleteError::AlreadyRestored { .. })
    ));
    let row: Tag = tags::table
        .find(1)
        .select(Tag::as_select())
        .first(d.conn())
        .expect("tag");
    assert_eq!((row.deleted_at, row.deletion_id), (None, None));
}

fn bulk_soft_delete_where_on_one_table_on<D: Api>() {
    let mut d: D = connect("bulk_one_table");
    seed_users(d.conn());
    let cs = d
        .soft_delete_where_with::<User, _>(
            users::email.like("%@x").and(users::id.ne(2)),
            DeleteOptions::new().actor("cron"),
        )
        .expect("bulk");
    assert_eq!(cs.rows_affected, 2);
    assert_eq!(cs.root_key, None);
    assert_eq!(live_user_ids(d.conn()), vec![2]);
}

fn hard_delete_one_row_on<D: Api>() {
    let mut d: D = connect("hard_one");
    seed_users(d.conn());
    d.soft_delete(&keys::user(1))
        .expect("hidden rows can be hard-deleted too");
    let removed = d.hard_delete(&keys::user(1)).expect("hard");
    assert_eq!(removed.get("users"), 1);
    let ids: Vec<i64> = users::table
        .select(users::id)
        .order(users::id)
        .load(d.conn())
        .expect("ids");
    assert_eq!(ids, vec![2, 3]);
}

fn flag_marker_with_string_key_on<D: Api>() {
    let mut d: D = connect("flag_marker");
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
        .execute(d.conn())
        .expect("notes");
    let a: Note = notes::table
        .find("a")
        .select(Note::as_select())
        .first(d.conn())
        .expect("a");
    let cs = d.soft_delete(&a).expect("delete");
    assert_eq!(cs.root_key.as_deref(), Some("a"));
    let live: Vec<String> = Note::active()
        .select(notes::code)
        .load(d.conn())
        .expect("live");
    assert_eq!(live, vec!["b".to_string()]);
    let hidden: Vec<String> = Note::only_deleted()
        .select(notes::code)
        .load(d.conn())
        .expect("hidden");
    assert_eq!(hidden, vec!["a".to_string()]);
    assert!(matches!(
        d.soft_delete(&a),
        Err(SoftDeleteError::AlreadyDeleted { table: "notes" })
    ));
    d.restore(&a).expect("restore");
    assert_eq!(
        Note::active()
            .count()
            .get_result::<i64>(d.conn())
            .expect("n"),
        2
    );
}

fn failing_hook_leaves_every_row_as_it_was_on<D: Api>() {
    let mut d: D = connect("hook_single");
    diesel::insert_into(authors::table)
        .values((authors::id.eq(1), authors::name.eq("a")))
        .execute(d.conn())
        .expect("a");
    diesel::insert_into(posts::table)
        .values((
            posts::id.eq(1),
            posts::author_id.eq(1),
            posts::title.eq("p"),
        ))
        .execute(d.conn())
        .expect("p");
    diesel::insert_into(comments::table)
        .values((
            comments::id.eq(1),
            comments::post_id.eq(1),
            comments::body.eq("c"),
        ))
        .execute(d.conn())
        .expect("c");
    let c: Comment = comments::table
        .find(1)
        .select(Comment::as_select())
        .first(d.conn())
        .expect("c");
    let err = d
        .soft_delete_with(&c, DeleteOptions::new().reason("fail-in-comments-hook"))
        .expect_err("hook refuses");
    assert!(matches!(
        &err,
        SoftDeleteError::Aborted { table: "comments", message }
            if message == "comments refuse this reason"
    ));
    let after: Comment = comments::table
        .find(1)
        .select(Comment::as_select())
        .first(d.conn())
        .expect("c");
    assert_eq!(after, c);
    let n: i64 = soft_delete_runtime::schema::soft_delete_changesets::table
        .count()
        .get_result(d.conn())
        .expect("n");
    assert_eq!(n, 0, "the changeset row was rolled back too");
}

fn restoring_a_live_row_is_not_deleted_and_writes_nothing_on<D: Api>() {
    let mut d: D = connect("restore_live");
    seed_users(d.conn());
    let before = all_users(d.conn());
    let u1 = user(d.conn(), 1);
    let counter = d.count_statements();
    let err = d.restore(&u1).expect_err("live");
    assert!(matches!(
        err,
        SoftDeleteError::NotDeleted { table: "users" }
    ));
    // One SELECT to read its state: no write, no transaction.
    assert_eq!(counter.take(), 1);
    assert_eq!(all_users(d.conn()), before);
}

/// A hidden row does not block a new live row with the same key; restoring the hidden one
/// then collides and fails with `Conflict`, changing nothing.
fn live_only_unique_index_and_restore_conflict_on<D: Api>() {
    let mut d: D = connect("unique_live");
    seed_users(d.conn());
    d.conn()
        .batch_execute(&unique_live_index::<users::table>(Db::DIALECT, &["email"]))
        .expect("index");
    d.soft_delete(&keys::user(1)).expect("delete");
    diesel::insert_into(users::table)
        .values((users::id.eq(10_i64), users::email.eq("a@x")))
        .execute(d.conn())
        .expect("a new live row may reuse a hidden row's key");
    let dup = diesel::insert_into(users::table)
        .values((users::id.eq(11_i64), users::email.eq("a@x")))
        .execute(d.conn());
    assert!(dup.is_err(), "two live rows with one key are still refused");
    let before = all_users(d.conn());
    let err = d.restore(&keys::user(1)).expect_err("collides");
    assert!(
        matches!(&err, SoftDeleteError::Conflict { table: "users", .. }),
        "{err:?}"
    );
    assert_eq!(all_users(d.conn()), before);
}

#[test]
fn timestamp_marker_soft_delete_restore_and_views() {
    timestamp_marker_soft_delete_restore_and_views_on::<SyncApi>();
}

#[test]
fn errors_on_one_table() {
    errors_on_one_table_on::<SyncApi>();
}

#[test]
fn tracked_row_and_changeset_restore_and_already_restored() {
    tracked_row_and_changeset_restore_and_already_restored_on::<SyncApi>();
}

#[test]
fn bulk_soft_delete_where_on_one_table() {
    bulk_soft_delete_where_on_one_table_on::<SyncApi>();
}

#[test]
fn hard_delete_one_row() {
    hard_delete_one_row_on::<SyncApi>();
}

#[test]
fn flag_marker_with_string_key() {
    flag_marker_with_string_key_on::<SyncApi>();
}

#[test]
fn failing_hook_leaves_every_row_as_it_was() {
    failing_hook_leaves_every_row_as_it_was_on::<SyncApi>();
}

#[test]
fn restoring_a_live_row_is_not_deleted_and_writes_nothing() {
    restoring_a_live_row_is_not_deleted_and_writes_nothing_on::<SyncApi>();
}

#[test]
fn live_only_unique_index_and_restore_conflict() {
    live_only_unique_index_and_restore_conflict_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`).
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn timestamp_marker_soft_delete_restore_and_views() {
        timestamp_marker_soft_delete_restore_and_views_on::<AsyncApi>();
    }

    #[test]
    fn errors_on_one_table() {
        errors_on_one_table_on::<AsyncApi>();
    }

    #[test]
    fn tracked_row_and_changeset_restore_and_already_restored() {
        tracked_row_and_changeset_restore_and_already_restored_on::<AsyncApi>();
    }

    #[test]
    fn bulk_soft_delete_where_on_one_table() {
        bulk_soft_delete_where_on_one_table_on::<AsyncApi>();
    }

    #[test]
    fn hard_delete_one_row() {
        hard_delete_one_row_on::<AsyncApi>();
    }

    #[test]
    fn flag_marker_with_string_key() {
        flag_marker_with_string_key_on::<AsyncApi>();
    }

    #[test]
    fn failing_hook_leaves_every_row_as_it_was() {
        failing_hook_leaves_every_row_as_it_was_on::<AsyncApi>();
    }

    #[test]
    fn restoring_a_live_row_is_not_deleted_and_writes_nothing() {
        restoring_a_live_row_is_not_deleted_and_writes_nothing_on::<AsyncApi>();
    }

    #[test]
    fn live_only_unique_index_and_restore_conflict() {
        live_only_unique_index_and_restore_conflict_on::<AsyncApi>();
    }
}
