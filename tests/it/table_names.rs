//! Tables named as Diesel names them: every operation on a `#[sql_name]` table (with a renamed
//! marker column) addresses that table, and decoy tables named after the `table!` modules —
//! `entries`, `replies`, with the same columns and hidden rows of their own — stay untouched.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::{Conn, Db};
use crate::common::models::{Entry, Reply};
use crate::common::schema::entries;
use crate::common::{at, TestDb};

diesel::table! {
    /// The decoy the module name `entries` would address.
    #[sql_name = "entries"]
    decoy_entries (id) {
        id -> Integer,
        title -> Text,
        removed_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The decoy the module name `replies` would address.
    #[sql_name = "replies"]
    decoy_replies (id) {
        id -> Integer,
        entry_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

/// Entries 1 and 2 with replies 1, 2 (on entry 1) and 3 (on entry 2); decoys with one live and
/// one long-hidden row each.
fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    let mut conn = Db::connect(&test, &crate::common::schema::ddl());
    conn.batch_execute(
        "INSERT INTO blog_entries (id, title) VALUES (1, 'e1'), (2, 'e2');
         INSERT INTO entry_replies (id, entry_id, body) VALUES (1, 1, 'r'), (2, 1, 'r'), (3, 2, 'r');
         INSERT INTO entries (id, title, removed_at, deleted_at, deletion_id)
             VALUES (1, 'decoy', NULL, NULL, NULL),
                    (2, 'decoy', '2000-01-01 00:00:00', '2000-01-01 00:00:00', NULL);
         INSERT INTO replies (id, entry_id, body, deleted_at, deletion_id)
             VALUES (1, 1, 'decoy', NULL, NULL), (2, 2, 'decoy', '2000-01-01 00:00:00', NULL);",
    )
    .expect("seed");
    conn
}

type DecoyRow = (
    i32,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
);

type DecoyReply = (i32, Option<NaiveDateTime>, Option<i64>);

/// Every decoy row's key, markers and `deletion_id`.
fn decoys(conn: &mut Conn) -> (Vec<DecoyRow>, Vec<DecoyReply>) {
    let e = decoy_entries::table
        .select((
            decoy_entries::id,
            decoy_entries::removed_at,
            decoy_entries::deleted_at,
            decoy_entries::deletion_id,
        ))
        .order(decoy_entries::id)
        .load(conn)
        .expect("decoy entries");
    let r = decoy_replies::table
        .select((
            decoy_replies::id,
            decoy_replies::deleted_at,
            decoy_replies::deletion_id,
        ))
        .order(decoy_replies::id)
        .load(conn)
        .expect("decoy replies");
    (e, r)
}

fn entry(id: i32) -> Entry {
    Entry {
        id,
        title: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

/// Live entries and replies, as `(entries, replies)`.
fn live(conn: &mut Conn) -> (i64, i64) {
    let e = Entry::active().count().get_result(conn).expect("count");
    let r = Reply::active().count().get_result(conn).expect("count");
    (e, r)
}

#[test]
fn soft_delete_and_restore_address_the_sql_name_table() {
    let mut conn = connect("soft_delete_and_restore");
    let untouched = decoys(&mut conn);
    let changeset = entry(1).soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.root_table, "blog_entries");
    assert_eq!(changeset.rows_affected, 3, "the entry and its two replies");
    assert_eq!(live(&mut conn), (1, 1));
    let hidden: Option<NaiveDateTime> = entries::table
        .find(1)
        .select(entries::deleted_at)
        .first(&mut conn)
        .expect("entry");
    assert!(
        hidden.is_some(),
        "the renamed marker column `removed_at` is set"
    );
    let rows = Changeset::rows(&mut conn, changeset.id).expect("rows");
    let tables: Vec<(&str, Vec<String>)> = rows.iter().map(|r| (r.table, r.keys.clone())).collect();
    assert_eq!(
        tables,
        vec![
            ("blog_entries", vec!["1".to_owned()]),
            ("entry_replies", vec!["1".to_owned(), "2".to_owned()])
        ]
    );
    assert_eq!(decoys(&mut conn), untouched, "soft delete touched a decoy");

    let report = Changeset::restore(&mut conn, changeset.id).expect("restore");
    assert_eq!(report.restored.get("blog_entries"), 1);
    assert_eq!(report.restored.get("entry_replies"), 2);
    assert_eq!(live(&mut conn), (2, 3));
    entry(1).soft_delete(&mut conn).expect("soft delete again");
    entry(1).restore(&mut conn).expect("restore by row");
    assert_eq!(live(&mut conn), (2, 3));
    assert_eq!(decoys(&mut conn), untouched, "restore touched a decoy");
}

#[test]
fn hard_delete_and_purge_address_the_sql_name_table() {
    let mut conn = connect("hard_delete_and_purge");
    let untouched = decoys(&mut conn);
    let long_ago = DeleteOptions::new().at(at(2001, 1, 1, 0, 0, 0));
    entry(2)
        .soft_delete_with(&mut conn, long_ago)
        .expect("soft delete");
    let report = Entry::purge(&mut conn, at(2010, 1, 1, 0, 0, 0)).expect("purge");
    assert_eq!(report.removed.get("blog_entries"), 1);
    assert_eq!(report.removed.get("entry_replies"), 1);
    assert_eq!(
        decoys(&mut conn),
        untouched,
        "purge touched a decoy's hidden rows"
    );

    let removed = entry(1).hard_delete(&mut conn).expect("hard delete");
    assert_eq!(removed.get("blog_entries"), 1);
    assert_eq!(removed.get("entry_replies"), 2);
    let left: i64 = entries::table.count().get_result(&mut conn).expect("count");
    assert_eq!(left, 0);
    assert_eq!(decoys(&mut conn), untouched, "hard delete touched a decoy");
}

#[test]
fn migration_sql_names_the_sql_name_table() {
    let sql = soft_delete_runtime::migration::unique_live_index::<entries::table>(
        Db::DIALECT,
        &["title"],
    );
    assert!(sql.contains("blog_entries"), "{sql}");
    assert!(sql.contains("removed_at"), "{sql}");
    let mut conn = connect("migration_sql");
    conn.batch_execute(&sql).expect("the live index applies");
    let index = soft_delete_runtime::migration::deletion_id_index::<entries::table>(Db::DIALECT);
    conn.batch_execute(&index)
        .expect("the deletion_id index applies");
}

#[test]
fn export_and_erase_address_the_sql_name_table() {
    let mut conn = connect("export_and_erase");
    let untouched = decoys(&mut conn);
    let json = entry(1).export_tree(&mut conn).expect("export");
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["blog_entries", "entry_replies"]);
    let e1 = json["blog_entries"][0].as_object().expect("row");
    let columns: Vec<&String> = e1.keys().collect();
    assert_eq!(
        columns,
        ["deletion_id", "id", "removed_at", "title"],
        "SQL column names"
    );
    assert_eq!(e1["title"], "e1");
    assert_eq!(json["entry_replies"].as_array().map(Vec::len), Some(2));
    let erasure = entry(1)
        .erase(&mut conn, soft_delete_runtime::EraseOptions::new())
        .expect("erase");
    assert_eq!(erasure.table, "blog_entries");
    assert_eq!(erasure.removed.get("entry_replies"), 2);
    assert_eq!(live(&mut conn), (1, 1));
    assert_eq!(decoys(&mut conn), untouched, "erase touched a decoy");
}
