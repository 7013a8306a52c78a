//! The quickstart on diesel-async: the same session, awaited, on a tokio runtime. The database
//! is embedded SQLite behind diesel-async's `SyncConnectionWrapper`: nothing to install.
//!
//! Run it with `cargo run --example async_quickstart --features async`.
//!
//! Two imports differ from the synchronous quickstart: `soft_delete_runtime::asynchronous::prelude`
//! instead of `soft_delete_runtime::prelude` (the same names, awaited), and
//! `diesel_async::RunQueryDsl` for the reads, which are the same plain Diesel queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, RunQueryDsl, SimpleAsyncConnection};
use soft_delete_runtime::asynchronous::prelude::*;
use soft_delete_runtime::{ChangesetFilter, HookContext, HookFuture, SoftDeleteHooks};

/// SQLite's synchronous connection, run on tokio's blocking threads by diesel-async. With
/// PostgreSQL or MySQL it is `AsyncPgConnection` or `AsyncMysqlConnection`, and nothing else
/// below changes.
type Conn = SyncConnectionWrapper<SqliteConnection>;

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

/// Deleting an author hides their posts too (`cascade`); `hooks`: the hook below.
#[allow(dead_code)] // the struct maps every column; the narration reads only some
#[derive(Debug, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(cascade(posts::author_id), hooks)]
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

/// On a diesel-async connection the engine awaits the `*_async` hooks. This one queries the
/// operation's own connection, inside its transaction, before anything is committed.
impl SoftDeleteHooks for Author {
    fn after_soft_delete_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
        Box::pin(async move {
            let Some(conn) = ctx.connection::<Conn>() else {
                return Ok(()); // another connection type: nothing to report
            };
            let live: i64 = Post::active().count().get_result(conn).await?;
            println!(
                "   (after_soft_delete_async, inside the transaction: live posts left: {live})"
            );
            Ok(())
        })
    }
}

async fn titles(conn: &mut Conn) -> QueryResult<Vec<String>> {
    Post::active()
        .select(posts::title)
        .order(posts::id)
        .load(conn)
        .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("1. An in-memory SQLite database, with the runtime's changeset table installed.");
    let mut conn = Conn::establish(":memory:").await?;
    soft_delete_runtime::asynchronous::migration::install(&mut conn).await?;
    conn.batch_execute(
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id),
                             title TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);",
    )
    .await?;

    println!("2. Insert two authors and three posts.");
    // One row per INSERT: diesel-async's SQLite wrapper has no multi-row inserts.
    for (id, name) in [(1, "Ada"), (2, "Linus")] {
        diesel::insert_into(authors::table)
            .values((authors::id.eq(id), authors::name.eq(name)))
            .execute(&mut conn)
            .await?;
    }
    for (id, author_id, title) in [
        (1, 1, "Notes on the Analytical Engine"),
        (2, 1, "On Bernoulli numbers"),
        (3, 2, "Just for fun"),
    ] {
        diesel::insert_into(posts::table)
            .values((
                posts::id.eq(id),
                posts::author_id.eq(author_id),
                posts::title.eq(title),
            ))
            .execute(&mut conn)
            .await?;
    }
    println!("   live posts: {:?}", titles(&mut conn).await?);

    println!(
        "3. Soft delete Ada, saying who and why. Her posts are hidden with her, as one changeset."
    );
    let ada: Author = Author::active()
        .find(1)
        .select(Author::as_select())
        .first(&mut conn)
        .await?;
    let changeset = ada
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new()
                .actor("alice")
                .reason("duplicate account"),
        )
        .await?;
    println!(
        "   changeset #{} by {:?} ({:?}) hid {} rows starting from {}",
        changeset.id,
        changeset.actor,
        changeset.reason,
        changeset.rows_affected,
        changeset.root_table
    );

    println!("4. The three views, read with diesel_async::RunQueryDsl.");
    println!("   Post::active():       {:?}", titles(&mut conn).await?);
    let hidden: Vec<String> = Post::only_deleted()
        .select(posts::title)
        .order(posts::id)
        .load(&mut conn)
        .await?;
    println!("   Post::only_deleted(): {hidden:?}");
    let all: i64 = Post::with_deleted().count().get_result(&mut conn).await?;
    println!("   Post::with_deleted(): {all} rows");
    let joined: Vec<(String, String)> = posts::table
        .inner_join(authors::table)
        .filter(Author::is_live())
        .select((authors::name, posts::title))
        .load(&mut conn)
        .await?;
    println!("   posts joined to live authors (Author::is_live()): {joined:?}");

    println!(
        "5. The trash bin: what changeset #{} holds, table by table.",
        changeset.id
    );
    for rows in Changeset::rows(&mut conn, changeset.id).await? {
        println!("   {}: keys {:?}", rows.table, rows.keys);
    }

    println!(
        "6. Restore it. Any member restores the whole structure: here, one of the hidden posts."
    );
    let hidden_post: Post = posts::table
        .find(2)
        .select(Post::as_select())
        .first(&mut conn)
        .await?;
    let report = hidden_post
        .restore_with(&mut conn, RestoreOptions::new().actor("bob"))
        .await?;
    println!(
        "   restored {} rows; live posts: {:?}",
        report.restored.total(),
        titles(&mut conn).await?
    );

    println!("7. Restoring a live row changes nothing and says so.");
    match hidden_post.restore(&mut conn).await {
        Err(e @ SoftDeleteError::NotDeleted { .. }) => println!("   {e}"),
        other => return Err(format!("expected NotDeleted, got {other:?}").into()),
    }

    println!("8. Hard delete is explicit and permanent: Linus and his posts are gone for good.");
    let linus: Author = Author::active()
        .find(2)
        .select(Author::as_select())
        .first(&mut conn)
        .await?;
    let removed = linus.hard_delete(&mut conn).await?;
    println!("   removed: {:?}", removed.iter().collect::<Vec<_>>());
    let left: i64 = Post::with_deleted().count().get_result(&mut conn).await?;
    println!("   rows left in posts: {left}");

    println!("9. The changeset record, newest first: who did what, and who undid it.");
    for record in Changeset::list(&mut conn, &ChangesetFilter::new()).await? {
        println!(
            "   #{}: created {} by {:?}, {} rows, restored {:?} by {:?}",
            record.id,
            record.created_at,
            record.actor,
            record.rows_affected,
            record.restored_at,
            record.restored_by
        );
    }
    Ok(())
}
