//! The database: SQLite in a temporary file behind diesel-async's deadpool pool, filled with
//! demo data.

use std::error::Error;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use soft_delete_runtime::asynchronous::migration;
use soft_delete_runtime::asynchronous::prelude::*;
use soft_delete_runtime::backend::Dialect;

use crate::models::*;

/// SQLite's connection, run on tokio's blocking threads by diesel-async. On PostgreSQL or MySQL:
/// `AsyncPgConnection` or `AsyncMysqlConnection`, and nothing else in the app changes.
pub type Conn = SyncConnectionWrapper<SqliteConnection>;

pub type DbPool = Pool<Conn>;

/// A pool over a fresh database holding the demo data.
///
/// A file, not `:memory:`: an in-memory database lives only as long as its connection, and the
/// pool discards a connection whose request was cancelled in the middle of an operation (the
/// browser went away: nothing was committed, and the connection reports itself broken). SQLite
/// writes one transaction at a time, so the pool keeps one connection. On PostgreSQL or MySQL,
/// build the pool from your database URL with deadpool's defaults instead.
pub async fn pool() -> Result<DbPool, Box<dyn Error>> {
    let file = database_file();
    let _ = std::fs::remove_file(&file); // a previous process's, with the same id
    let url = file
        .to_str()
        .ok_or("the temporary directory's path is not UTF-8")?;
    let pool = Pool::builder(AsyncDieselConnectionManager::<Conn>::new(url))
        .max_size(1)
        .build()?;
    let mut conn = pool.get().await?;
    seed(&mut conn).await?;
    drop(conn); // back to the pool
    Ok(pool)
}

/// The demo's database: one file per process, in the temporary directory.
pub fn database_file() -> PathBuf {
    std::env::temp_dir().join(format!("trash_bin-{}.sqlite", std::process::id()))
}

const SCHEMA: &str = "
CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE, deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES members (id),
    title TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
    body TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES members (id),
    device TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
CREATE TABLE votes (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
    member_id INTEGER REFERENCES members (id), deleted_at TIMESTAMP, deletion_id BIGINT);

INSERT INTO members (id, name, email) VALUES
    (1, 'Ada Lovelace', 'ada@example.org'), (2, 'Linus Torvalds', 'linus@example.org'),
    (3, 'Grace Hopper', 'grace@example.org'), (4, 'Margaret Hamilton', 'margaret@example.org'),
    (5, 'Alan Turing', 'alan@example.org'), (6, 'Mallory', 'mallory@example.org');
INSERT INTO posts (id, member_id, title) VALUES
    (1, 1, 'Notes on the Analytical Engine'), (2, 1, 'On Bernoulli numbers'),
    (3, 2, 'Just for fun'), (4, 3, 'Nanoseconds, explained with wire'),
    (5, 4, 'Apollo guidance, priority displays'), (6, 5, 'On computable numbers'),
    (7, 5, 'On computable numbers (draft)'), (8, 6, 'Cheap watches!!!');
INSERT INTO comments (id, post_id, body) VALUES
    (1, 1, 'A beautiful piece of work.'), (2, 1, 'First!!1 Buy cheap watches'),
    (3, 3, 'Will it run on my 386?'), (4, 5, 'Thank you for the restart alarms.');
INSERT INTO sessions (id, member_id, device) VALUES
    (1, 1, 'laptop'), (2, 1, 'phone'), (3, 2, 'desktop'), (4, 3, 'tablet'),
    (5, 4, 'laptop'), (6, 5, 'phone'), (7, 6, 'bot farm');
INSERT INTO votes (id, post_id, member_id) VALUES
    (1, 1, 4), (2, 3, 4), (3, 1, 5), (4, 5, 1), (5, 5, 5), (6, 6, 4);
";

/// Creates the tables and the demo data, including a few earlier deletions in the trash bin.
pub async fn seed(conn: &mut Conn) -> Result<(), Box<dyn Error>> {
    migration::install(conn).await?; // the runtime's changeset table
    conn.batch_execute(SCHEMA).await?;
    // Deleted members must not block a new member with the same email: unique among live rows.
    conn.batch_execute(&migration::unique_live_index::<members::table>(
        Dialect::Sqlite,
        &["email"],
    ))
    .await?;
    // The indexes cascades and live reads use (`deletion_id`, foreign keys over live rows).
    conn.batch_execute(&migration::recommended_indexes(Dialect::Sqlite).join("\n"))
        .await?;

    let spam = Comment::with_deleted()
        .find(2)
        .select(Comment::as_select())
        .first(conn)
        .await?;
    spam.soft_delete_with(conn, earlier("carol", "spam", 2)?)
        .await?;
    let draft = Post::with_deleted()
        .find(7)
        .select(Post::as_select())
        .first(conn)
        .await?;
    draft
        .soft_delete_with(conn, earlier("alice", "duplicate post", 3)?)
        .await?;
    for (id, actor, reason, day) in [
        (3, "alice", "asked to close the account", 4),
        (6, "bob", "spam account", 5),
        (1, "carol", "asked for a break", 6),
    ] {
        let member = Member::with_deleted()
            .find(id)
            .select(Member::as_select())
            .first(conn)
            .await?;
        member
            .soft_delete_with(conn, earlier(actor, reason, day)?)
            .await?;
    }
    Ok(())
}

fn earlier(actor: &str, reason: &str, day: u32) -> Result<DeleteOptions, Box<dyn Error>> {
    let at: NaiveDateTime = NaiveDate::from_ymd_opt(2026, 11, day)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .ok_or("invalid demo date")?;
    Ok(DeleteOptions::new().actor(actor).reason(reason).at(at))
}
