//! The operations on a diesel-async connection (feature `async`): the same engine as the
//! synchronous API, so the same rows change and the same number of statements is sent.
//!
//! Here: each operation awaited once, statement counts against the sync API, errors and panics
//! rolled back. Beside it: dropped futures (`cancel.rs`), pooled connections (`pools.rs`),
//! operations racing in tokio tasks (`tasks.rs`), hooks that await queries (`hooks.rs`), and the
//! changeset and erasure records read and written awaited (`records.rs`).

mod cancel;
mod hooks;
mod pools;
mod records;
mod tasks;

use diesel::prelude::*;
use diesel_async::AsyncConnection;
use soft_delete_runtime::asynchronous::SoftDelete as AsyncSoftDelete;
use soft_delete_runtime::prelude::*;

use super::rows::author;
use super::{AsyncConn, Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{StatementCounter, TestDb};

/// This module's name for `test`.
fn name(test: &str) -> String {
    format!("{}::{test}", module_path!())
}

/// Another async connection to the database of `test`.
async fn open(test: &str) -> AsyncConn {
    AsyncConn::establish(&Db::url(&name(test)))
        .await
        .expect("async connection")
}

/// Adds author `a` with `posts` posts (ids from `first_post`) of `comments` comments each (ids
/// from `first_comment`), in a few multi-row statements.
fn add_tree(
    conn: &mut Conn,
    a: i32,
    (first_post, posts): (i32, i32),
    (first_comment, comments): (i32, i32),
) {
    use diesel::connection::SimpleConnection;
    let mut sql = format!("INSERT INTO authors (id, name) VALUES ({a}, 'author {a}');\n");
    let post_ids: Vec<i32> = (first_post..first_post + posts).collect();
    let values: Vec<String> = post_ids
        .iter()
        .map(|p| format!("({p}, {a}, 'post {p}')"))
        .collect();
    sql += &format!(
        "INSERT INTO posts (id, author_id, title) VALUES {};\n",
        values.join(", ")
    );
    let mut rows: Vec<String> = Vec::new();
    let mut id = first_comment;
    for p in &post_ids {
        for _ in 0..comments {
            rows.push(format!("({id}, {p}, 'comment {id}')"));
            id += 1;
        }
    }
    for chunk in rows.chunks(500) {
        sql += &format!(
            "INSERT INTO comments (id, post_id, body) VALUES {};\n",
            chunk.join(", ")
        );
    }
    conn.batch_execute(&sql).expect("tree");
}

/// A fresh database with the test schema and `n` authors, each with 3 posts of 2 comments;
/// a synchronous and an asynchronous connection to it.
async fn connect(test: &str, n: i32) -> (Conn, AsyncConn) {
    let mut conn = Db::connect(&name(test), &ddl());
    for a in 1..=n {
        diesel::insert_into(authors::table)
            .values((authors::id.eq(a), authors::name.eq(format!("author {a}"))))
            .execute(&mut conn)
            .expect("author");
        for p in 1..=3 {
            let pid = (a - 1) * 3 + p;
            diesel::insert_into(posts::table)
                .values((
                    posts::id.eq(pid),
                    posts::author_id.eq(a),
                    posts::title.eq(format!("post {pid}")),
                ))
                .execute(&mut conn)
                .expect("post");
            for c in 1..=2 {
                diesel::insert_into(comments::table)
                    .values((
                        comments::id.eq((pid - 1) * 2 + c),
                        comments::post_id.eq(pid),
                        comments::body.eq("hi"),
                    ))
                    .execute(&mut conn)
                    .expect("comment");
            }
        }
    }
    let aconn = AsyncConn::establish(&Db::url(&name(test)))
        .await
        .expect("async connection");
    (conn, aconn)
}

/// Live posts and comments of author `a` (3 posts of 2 comments each when nothing is hidden).
fn live_tree(conn: &mut Conn, a: i32) -> (i64, i64) {
    let posts = posts::table
        .filter(posts::author_id.eq(a))
        .filter(<Post as SoftDelete>::is_live())
        .count()
        .get_result(conn)
        .expect("posts");
    let comments = comments::table
        .inner_join(posts::table)
        .filter(posts::author_id.eq(a))
        .filter(<Comment as SoftDelete>::is_live())
        .count()
        .get_result(conn)
        .expect("comments");
    (posts, comments)
}

#[tokio::test]
async fn soft_delete_restore_hard_delete() {
    let (mut conn, mut aconn) = connect("soft_delete_restore_hard_delete", 1).await;
    let a = author(&mut conn, 1);
    let cs = AsyncSoftDelete::soft_delete_with(
        &a,
        &mut aconn,
        DeleteOptions::new().actor("alice").reason("async"),
    )
    .await
    .expect("soft delete");
    assert_eq!(cs.rows_affected, 1 + 3 + 6);
    assert_eq!(cs.actor.as_deref(), Some("alice"));
    assert_eq!(live_tree(&mut conn, 1), (0, 0));
    assert_eq!(
        Changeset::find(&mut conn, cs.id)
            .expect("record")
            .rows_affected,
        10
    );

    let report = AsyncSoftDelete::restore(&a, &mut aconn)
        .await
        .expect("restore");
    assert_eq!(report.restored.total(), 10);
    assert_eq!(live_tree(&mut conn, 1), (3, 6));
    assert!(matches!(
        AsyncSoftDelete::restore(&a, &mut aconn).await,
        Err(SoftDeleteError::NotDeleted { .. })
    ));

    let removed = AsyncSoftDelete::hard_delete(&a, &mut aconn)
        .await
        .expect("hard delete");
    assert_eq!(removed.total(), 10);
    assert_eq!(live_tree(&mut conn, 1), (0, 0));
    let left: i64 = comments::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(left, 0);
}

#[tokio::test]
async fn same_statement_counts_as_sync() {
    let (mut conn, mut aconn) = connect("same_statement_counts_as_sync", 2).await;
    let sync = StatementCounter::attach(&mut conn);
    let asynch = StatementCounter::attach_async(&mut aconn);
    let (one, two) = (author(&mut conn, 1), author(&mut conn, 2));
    sync.take();

    let cs1 = SoftDelete::soft_delete(&one, &mut conn).expect("sync soft delete");
    let cs2 = AsyncSoftDelete::soft_delete(&two, &mut aconn)
        .await
        .expect("async soft delete");
    assert_eq!(cs1.rows_affected, cs2.rows_affected);
    assert_eq!(sync.take(), asynch.take(), "soft delete");

    SoftDelete::restore(&one, &mut conn).expect("sync restore");
    AsyncSoftDelete::restore(&two, &mut aconn)
        .await
        .expect("async restore");
    assert_eq!(sync.take(), asynch.take(), "restore");

    SoftDelete::hard_delete(&one, &mut conn).expect("sync hard delete");
    AsyncSoftDelete::hard_delete(&two, &mut aconn)
        .await
        .expect("async hard delete");
    assert_eq!(sync.take(), asynch.take(), "hard delete");
}

#[tokio::test]
async fn error_rolls_back_and_connection_stays_usable() {
    let (mut conn, mut aconn) = connect("error_rolls_back", 1).await;
    let a = author(&mut conn, 1);
    AsyncSoftDelete::soft_delete(&a, &mut aconn)
        .await
        .expect("soft delete");
    assert!(matches!(
        AsyncSoftDelete::soft_delete(&a, &mut aconn).await,
        Err(SoftDeleteError::AlreadyDeleted { .. })
    ));
    let records: i64 = soft_delete_runtime::schema::soft_delete_changesets::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(records, 1, "the failed operation left no changeset");
    AsyncSoftDelete::restore(&a, &mut aconn)
        .await
        .expect("restore after an error");
    assert_eq!(live_tree(&mut conn, 1), (3, 6));
}

#[tokio::test]
async fn purge_erase_export() {
    let (mut conn, mut aconn) = connect("purge_erase_export", 3).await;
    let day = |d| crate::common::at(2020, 1, d, 12, 0, 0);
    let (one, two) = (author(&mut conn, 1), author(&mut conn, 2));

    let tree = AsyncSoftDelete::export_tree(&two, &mut aconn)
        .await
        .expect("export");
    assert_eq!(tree["posts"].as_array().map(Vec::len), Some(3));
    assert_eq!(tree["comments"].as_array().map(Vec::len), Some(6));

    AsyncSoftDelete::soft_delete_with(&one, &mut aconn, DeleteOptions::new().at(day(1)))
        .await
        .expect("soft delete");
    let purged = <Author as AsyncSoftDelete>::purge(&mut aconn, day(2))
        .await
        .expect("purge");
    assert_eq!((purged.batches, purged.removed.total()), (1, 10));

    let erasure = AsyncSoftDelete::erase(&two, &mut aconn, EraseOptions::new().actor("dpo"))
        .await
        .expect("erase");
    assert_eq!(erasure.removed.total(), 10);
    let left: i64 = authors::table.count().get_result(&mut conn).expect("count");
    assert_eq!(left, 1, "author 3 is untouched");
    assert_eq!(live_tree(&mut conn, 3), (3, 6));
}

/// Polls `future` to its end, catching a panic at any poll (as a web framework isolates a
/// failing request).
async fn catch_panic<F: std::future::Future>(future: F) -> Result<F::Output, ()> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::task::Poll;
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(
        |cx| match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(_) => Poll::Ready(Err(())),
        },
    )
    .await
}

/// A hook panics after the cascade, at an await point deep in the operation: the panic
/// reaches the caller, nothing changed, and the same connection then commits the operation.
#[tokio::test]
async fn panic_in_a_hook_rolls_back() {
    use crate::common::models::{panic_at, HookPoint, Shelf};
    let test = "panic_in_a_hook_rolls_back";
    let mut conn = Db::connect(&name(test), &ddl());
    diesel::sql_query("INSERT INTO shelves (id, name) VALUES (1, 's1'), (2, 's2')")
        .execute(&mut conn)
        .expect("shelves");
    diesel::sql_query(
        "INSERT INTO books (id, shelf_id, title) VALUES (1, 1, 'b1'), (2, 1, 'b2'), (3, 2, 'b3')",
    )
    .execute(&mut conn)
    .expect("books");
    let mut aconn = AsyncConn::establish(&Db::url(&name(test)))
        .await
        .expect("async connection");
    let shelf: Shelf = shelves::table
        .find(1)
        .select(Shelf::as_select())
        .first(&mut conn)
        .expect("shelf");
    let changesets = |conn: &mut Conn| -> i64 {
        soft_delete_runtime::schema::soft_delete_changesets::table
            .count()
            .get_result(conn)
            .expect("count")
    };
    let live_books = |conn: &mut Conn| -> i64 {
        books::table
            .filter(books::deleted_at.is_null())
            .count()
            .get_result(conn)
            .expect("count")
    };

    panic_at(Some((HookPoint::AfterSoftDelete, "books")));
    let outcome = catch_panic(AsyncSoftDelete::soft_delete(&shelf, &mut aconn)).await;
    panic_at(None);
    assert!(outcome.is_err(), "the panic reaches the caller");
    assert_eq!((changesets(&mut conn), live_books(&mut conn)), (0, 3));

    let cs = AsyncSoftDelete::soft_delete(&shelf, &mut aconn)
        .await
        .expect("the connection commits the next operation");
    assert_eq!(cs.rows_affected, 3);
    assert_eq!((changesets(&mut conn), live_books(&mut conn)), (1, 1));
}

/// The import switch: the prelude plus `asynchronous::SoftDelete` by name, and the calls read
/// as the synchronous ones, awaited.
mod switched {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use soft_delete_runtime::asynchronous::SoftDelete;
    use soft_delete_runtime::prelude::*;

    use crate::common::models::*;

    #[tokio::test]
    async fn same_names_awaited() {
        let (_conn, mut aconn) = super::connect("same_names_awaited", 1).await;
        let a: Author = Author::active()
            .find(1)
            .select(Author::as_select())
            .first(&mut aconn)
            .await
            .expect("author");
        let cs = a
            .soft_delete_with(&mut aconn, DeleteOptions::new().actor("bob"))
            .await
            .expect("soft delete");
        assert_eq!((cs.rows_affected, cs.actor.as_deref()), (10, Some("bob")));
        let live: i64 = Post::active()
            .count()
            .get_result(&mut aconn)
            .await
            .expect("count");
        assert_eq!(live, 0);
        a.restore(&mut aconn).await.expect("restore");
        let live: i64 = Post::active()
            .count()
            .get_result(&mut aconn)
            .await
            .expect("count");
        assert_eq!(live, 3);
    }
}
