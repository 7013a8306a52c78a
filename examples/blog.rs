//! Authors → posts → comments: a cascade, a trash bin, and an exact restore.
//!
//! A moderator deletes one comment on Monday. On Tuesday the author is deleted, which hides
//! their posts and the remaining comments as one changeset. Restoring Tuesday's changeset brings
//! back exactly what it hid: Monday's comment stays deleted until its own changeset is restored.
//!
//! Run it with `cargo run --example blog` (embedded SQLite, nothing to install).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::ChangesetFilter;

diesel::table! {
    authors (id) { id -> Integer, name -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> }
}
diesel::table! {
    posts (id) { id -> Integer, author_id -> Integer, title -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> }
}
diesel::table! {
    comments (id) { id -> Integer, post_id -> Integer, body -> Text, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> }
}
diesel::joinable!(posts -> authors (author_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(authors, posts, comments);

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(cascade(posts::author_id))]
struct Author {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = posts, belongs_to(Author))]
#[soft_delete(cascade(comments::post_id))]
struct Post {
    id: i32,
    author_id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = comments, belongs_to(Post))]
struct Comment {
    id: i32,
    post_id: i32,
    body: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn day(d: u32) -> Result<NaiveDateTime, Box<dyn std::error::Error>> {
    NaiveDate::from_ymd_opt(2026, 11, d)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .ok_or_else(|| "invalid date".into())
}

fn show(conn: &mut SqliteConnection, when: &str) -> QueryResult<()> {
    let live: Vec<(String, String)> = comments::table
        .inner_join(posts::table)
        .filter(Comment::is_live())
        .filter(Post::is_live())
        .select((posts::title, comments::body))
        .order(comments::id)
        .load(conn)?;
    println!(
        "   {when}: {} live comments {:?}",
        live.len(),
        live.iter().map(|(_, b)| b).collect::<Vec<_>>()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = SqliteConnection::establish(":memory:")?;
    soft_delete_runtime::migration::install(&mut conn)?;
    conn.batch_execute(
        "PRAGMA foreign_keys = ON;
         CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id), title TEXT NOT NULL,
                             deleted_at TIMESTAMP, deletion_id BIGINT);
         CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id), body TEXT NOT NULL,
                                deleted_at TIMESTAMP, deletion_id BIGINT);
         CREATE INDEX posts_deletion_id ON posts (deletion_id);
         CREATE INDEX comments_deletion_id ON comments (deletion_id);
         INSERT INTO authors (id, name) VALUES (1, 'Grace'), (2, 'Edsger');
         INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'Compilers'), (2, 1, 'COBOL'), (3, 2, 'GOTO');
         INSERT INTO comments (id, post_id, body) VALUES
             (1, 1, 'great'), (2, 1, 'BUY CHEAP WATCHES'), (3, 2, 'classic'), (4, 3, 'harmful?');",
    )?;
    println!("The blog: 2 authors, 3 posts, 4 comments.");
    show(&mut conn, "at start")?;

    println!("\nMonday: a moderator removes a spam comment.");
    let spam: Comment = comments::table
        .find(2)
        .select(Comment::as_select())
        .first(&mut conn)?;
    let monday = spam.soft_delete_with(
        &mut conn,
        DeleteOptions::new()
            .actor("mod-ann")
            .reason("spam")
            .at(day(23)?),
    )?;
    show(&mut conn, "after Monday")?;

    println!("\nTuesday: Grace's account is deleted; her posts and their comments go with it.");
    let grace: Author = Author::active()
        .find(1)
        .select(Author::as_select())
        .first(&mut conn)?;
    let tuesday = grace.soft_delete_with(
        &mut conn,
        DeleteOptions::new()
            .actor("admin-bo")
            .reason("account closed")
            .at(day(24)?),
    )?;
    println!(
        "   changeset #{} hid {} rows",
        tuesday.id, tuesday.rows_affected
    );
    show(&mut conn, "after Tuesday")?;

    println!("\nThe trash bin, newest first:");
    for cs in Changeset::list(&mut conn, &ChangesetFilter::new().restored(false))? {
        println!(
            "   #{} {} by {} ({}): {} row(s) from {} {}",
            cs.id,
            cs.created_at,
            cs.actor.as_deref().unwrap_or("?"),
            cs.reason.as_deref().unwrap_or(""),
            cs.rows_affected,
            cs.root_table,
            cs.root_key.as_deref().unwrap_or("")
        );
        for rows in Changeset::rows(&mut conn, cs.id)? {
            println!("      {}: {:?}", rows.table, rows.keys);
        }
    }

    println!("\nWednesday: Grace's account is reinstated. Restoring any member restores the whole changeset;");
    println!("here we restore through one of her comments.");
    let her_comment: Comment = comments::table
        .find(3)
        .select(Comment::as_select())
        .first(&mut conn)?;
    let report = her_comment.restore_with(&mut conn, RestoreOptions::new().actor("admin-bo"))?;
    println!(
        "   restored {:?}",
        report.restored.iter().collect::<Vec<_>>()
    );
    show(&mut conn, "after the restore")?;
    let still_spam: Comment = comments::table
        .find(2)
        .select(Comment::as_select())
        .first(&mut conn)?;
    println!(
        "   the spam comment is still hidden by Monday's changeset #{}: deletion_id = {:?}",
        monday.id, still_spam.deletion_id
    );
    if still_spam.deletion_id != Some(monday.id) {
        return Err("the restore was not exact".into());
    }

    println!("\nRestoring the same changeset twice is refused:");
    match Changeset::restore(&mut conn, tuesday.id) {
        Err(e) => println!("   {e}"),
        Ok(_) => return Err("a changeset was restored twice".into()),
    }
    Ok(())
}
