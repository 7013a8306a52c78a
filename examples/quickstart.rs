//! A first session with soft_delete, on an in-memory SQLite database: nothing to install.
//!
//! Run it with `cargo run --example quickstart`.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

diesel::table! {
    authors (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(posts -> authors (author_id));
diesel::allow_tables_to_appear_in_same_query!(authors, posts);

/// Deleting an author hides their posts too (`cascade`).
#[allow(dead_code)] // the struct maps every column; the narration reads only some
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
struct Post {
    id: i32,
    author_id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn titles(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    Post::active()
        .select(posts::title)
        .order(posts::id)
        .load(conn)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("1. An in-memory SQLite database, with the runtime's changeset table installed.");
    let mut conn = SqliteConnection::establish(":memory:")?;
    soft_delete_runtime::migration::install(&mut conn)?;
    conn.batch_execute(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id),
                             title TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);",
    )?;

    println!("2. Insert two authors and three posts.");
    diesel::insert_into(authors::table)
        .values(&vec![
            (authors::id.eq(1), authors::name.eq("Ada")),
            (authors::id.eq(2), authors::name.eq("Linus")),
        ])
        .execute(&mut conn)?;
    diesel::insert_into(posts::table)
        .values(&vec![
            (
                posts::id.eq(1),
                posts::author_id.eq(1),
                posts::title.eq("Notes on the Analytical Engine"),
            ),
            (
                posts::id.eq(2),
                posts::author_id.eq(1),
                posts::title.eq("On Bernoulli numbers"),
            ),
            (
                posts::id.eq(3),
                posts::author_id.eq(2),
                posts::title.eq("Just for fun"),
            ),
        ])
        .execute(&mut conn)?;
    println!("   live posts: {:?}", titles(&mut conn)?);

    println!(
        "3. Soft delete Ada, saying who and why. Her posts are hidden with her, as one changeset."
    );
    let ada: Author = Author::active()
        .find(1)
        .select(Author::as_select())
        .first(&mut conn)?;
    let changeset = ada.soft_delete_with(
        &mut conn,
        DeleteOptions::new()
            .actor("alice")
            .reason("duplicate account"),
    )?;
    println!(
        "   changeset #{} by {:?} ({:?}) hid {} rows starting from {}",
        changeset.id,
        changeset.actor,
        changeset.reason,
        changeset.rows_affected,
        changeset.root_table
    );

    println!("4. The three views.");
    println!("   Post::active():       {:?}", titles(&mut conn)?);
    let hidden: Vec<String> = Post::only_deleted()
        .select(posts::title)
        .order(posts::id)
        .load(&mut conn)?;
    println!("   Post::only_deleted(): {hidden:?}");
    let all: i64 = Post::with_deleted().count().get_result(&mut conn)?;
    println!("   Post::with_deleted(): {all} rows");
    let joined: Vec<(String, String)> = posts::table
        .inner_join(authors::table)
        .filter(Author::is_live())
        .select((authors::name, posts::title))
        .load(&mut conn)?;
    println!("   posts joined to live authors (Author::is_live()): {joined:?}");

    println!(
        "5. The trash bin: what changeset #{} holds, table by table.",
        changeset.id
    );
    for rows in Changeset::rows(&mut conn, changeset.id)? {
        println!("   {}: keys {:?}", rows.table, rows.keys);
    }

    println!(
        "6. Restore it. Any member restores the whole structure: here, one of the hidden posts."
    );
    let hidden_post: Post = posts::table
        .find(2)
        .select(Post::as_select())
        .first(&mut conn)?;
    let report = hidden_post.restore_with(&mut conn, RestoreOptions::new().actor("bob"))?;
    println!(
        "   restored {} rows; live posts: {:?}",
        report.restored.total(),
        titles(&mut conn)?
    );

    println!("7. Restoring a live row changes nothing and says so.");
    match hidden_post.restore(&mut conn) {
        Err(e @ SoftDeleteError::NotDeleted { .. }) => println!("   {e}"),
        other => return Err(format!("expected NotDeleted, got {other:?}").into()),
    }

    println!("8. Hard delete is explicit and permanent: Linus and his posts are gone for good.");
    let linus: Author = Author::active()
        .find(2)
        .select(Author::as_select())
        .first(&mut conn)?;
    let removed = linus.hard_delete(&mut conn)?;
    println!("   removed: {:?}", removed.iter().collect::<Vec<_>>());
    println!(
        "   rows left in posts: {}",
        Post::with_deleted().count().get_result::<i64>(&mut conn)?
    );

    println!("9. The changeset record keeps who did what, and who undid it.");
    let record = Changeset::find(&mut conn, changeset.id)?;
    println!(
        "   #{}: created {} by {:?}, {} rows, restored {:?} by {:?}",
        record.id,
        record.created_at,
        record.actor,
        record.rows_affected,
        record.restored_at,
        record.restored_by
    );
    Ok(())
}
