//! Schema and models in two crates: `soft_delete_split_schema` holds the `table!`s (with
//! `#[sql_name]`s) and one `soft_delete_table!` line each, `soft_delete_split_models` the models
//! (`#[soft_delete(table_declared)]`). Reads, writes, cascades across the crates' tables (into
//! `sp_reactions`, which has no model), the registry (`Changeset::restore` by id) — and decoy
//! tables named after the modules stay untouched.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_split_models::{Author, Comment, Post};
use soft_delete_split_schema::{comments, posts, reactions};

use super::{Conn, Db};
use crate::common::{at, TestDb};

const DDL: &str = "
CREATE TABLE sp_authors (id {pk}, name VARCHAR(100) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE sp_posts (id {pk}, author_id INTEGER NOT NULL, title VARCHAR(100) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE sp_comments (id {pk}, post_id INTEGER NOT NULL, body VARCHAR(100) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE sp_reactions (id {pk}, post_id INTEGER NOT NULL, hidden BOOLEAN NOT NULL DEFAULT FALSE,
    deletion_id BIGINT);
CREATE TABLE authors (id {pk}, name VARCHAR(100) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE posts (id {pk}, author_id INTEGER NOT NULL, title VARCHAR(100) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT);
";

/// Authors 1 and 2, a post each (post 1 by author 1), two comments and a reaction per post;
/// decoys `authors` and `posts` with the same keys.
fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    let mut conn = Db::connect(&test, DDL);
    conn.batch_execute(
        "INSERT INTO sp_authors (id, name) VALUES (1, 'a1'), (2, 'a2');
         INSERT INTO sp_posts (id, author_id, title) VALUES (1, 1, 'p1'), (2, 2, 'p2');
         INSERT INTO sp_comments (id, post_id, body) VALUES (1, 1, 'c'), (2, 1, 'c'), (3, 2, 'c'), (4, 2, 'c');
         INSERT INTO sp_reactions (id, post_id) VALUES (1, 1), (2, 2);
         INSERT INTO authors (id, name) VALUES (1, 'decoy'), (2, 'decoy');
         INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'decoy'), (2, 2, 'decoy');",
    )
    .expect("seed");
    conn
}

fn author(id: i32) -> Author {
    Author {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

/// Live posts, comments and reactions.
fn live(conn: &mut Conn) -> (i64, i64, i64) {
    let p = Post::active().count().get_result(conn).expect("posts");
    let c = Comment::active()
        .count()
        .get_result(conn)
        .expect("comments");
    let r = reactions::table
        .filter(reactions::hidden.eq(false))
        .count()
        .get_result(conn)
        .expect("reactions");
    (p, c, r)
}

diesel::table! {
    /// The decoy the module name `authors` would address.
    #[sql_name = "authors"]
    decoy_authors (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The decoy the module name `posts` would address.
    #[sql_name = "posts"]
    decoy_posts (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

/// The decoys' untouched rows: live and without a `deletion_id`, in `authors` and `posts`.
fn decoys(conn: &mut Conn) -> (i64, i64) {
    let a = decoy_authors::table
        .filter(decoy_authors::deleted_at.is_null())
        .filter(decoy_authors::deletion_id.is_null())
        .count()
        .get_result(conn)
        .expect("authors");
    let p = decoy_posts::table
        .filter(decoy_posts::deleted_at.is_null())
        .filter(decoy_posts::deletion_id.is_null())
        .count()
        .get_result(conn)
        .expect("posts");
    (a, p)
}

#[test]
fn reads_over_tables_of_another_crate() {
    let mut conn = connect("reads");
    let titles: Vec<String> = Post::active()
        .select(posts::title)
        .order(posts::id)
        .load(&mut conn)
        .expect("posts");
    assert_eq!(titles, ["p1", "p2"]);
    let joined: i64 = comments::table
        .inner_join(posts::table)
        .filter(Post::is_live())
        .filter(Comment::is_live())
        .count()
        .get_result(&mut conn)
        .expect("join");
    assert_eq!(joined, 4);
}

#[test]
fn a_cascade_crosses_the_crates_and_restores_by_id() {
    let mut conn = connect("cascade");
    let before = decoys(&mut conn);
    assert_eq!(before, (2, 2));
    let changeset = author(1).soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.root_table, "sp_authors");
    assert_eq!(changeset.rows_affected, 1 + 1 + 2 + 1);
    assert_eq!(live(&mut conn), (1, 2, 1));
    let rows = Changeset::rows(&mut conn, changeset.id).expect("rows");
    let mut tables: Vec<&str> = rows.iter().map(|r| r.table).collect();
    tables.sort_unstable();
    assert_eq!(
        tables,
        ["sp_authors", "sp_comments", "sp_posts", "sp_reactions"]
    );
    assert_eq!(
        decoys(&mut conn),
        before,
        "a decoy named after a module changed"
    );

    let report = Changeset::restore(&mut conn, changeset.id).expect("restore by id");
    assert_eq!(report.restored.get("sp_reactions"), 1);
    assert_eq!(live(&mut conn), (2, 4, 2));
    assert_eq!(decoys(&mut conn), before);
}

#[test]
fn hard_delete_and_purge_across_the_crates() {
    let mut conn = connect("remove");
    let before = decoys(&mut conn);
    let long_ago = DeleteOptions::new().at(at(2001, 1, 1, 0, 0, 0));
    author(2)
        .soft_delete_with(&mut conn, long_ago)
        .expect("soft delete");
    let report = Author::purge(&mut conn, at(2010, 1, 1, 0, 0, 0)).expect("purge");
    assert_eq!(report.removed.get("sp_authors"), 1);
    assert_eq!(report.removed.get("sp_posts"), 1);
    assert_eq!(report.removed.get("sp_comments"), 2);
    assert_eq!(report.removed.get("sp_reactions"), 1);
    let removed = author(1).hard_delete(&mut conn).expect("hard delete");
    assert_eq!(removed.get("sp_posts"), 1);
    let left: i64 = posts::table.count().get_result(&mut conn).expect("count");
    assert_eq!(left, 0);
    assert_eq!(
        decoys(&mut conn),
        before,
        "a decoy named after a module changed"
    );
}
