//! The operations of the async-vs-sync section through both APIs: `soft_delete_runtime::prelude`
//! with `diesel::RunQueryDsl` on the backend's Diesel connection, and
//! `soft_delete_runtime::asynchronous::prelude` with `diesel_async::RunQueryDsl` on its
//! diesel-async connection. Compiled once per backend, for the `Conn` and `AsyncConn` of the
//! module that includes it (`sqlite.rs`, `postgres.rs`, `mysql.rs`), which also gives
//! `async_url` and `ASYNC_SESSION` (the session settings `BenchConn::open` makes).

use std::future::Future;

use diesel_async::{AsyncConnection, SimpleAsyncConnection};

use super::{async_url, AsyncConn, Conn, ASYNC_SESSION};
use crate::async_vs_sync::BothApis;
use crate::models::Author;
use crate::probe::Events;

/// The synchronous API, as the other sections call it.
mod sync_api {
    use diesel::prelude::*;
    use soft_delete_runtime::prelude::*;

    use super::Conn;
    use crate::models::{Author, Comment, Post};
    use crate::schema::{authors, comments, posts};

    /// Author `id`.
    pub fn author(conn: &mut Conn, id: i32) -> Author {
        authors::table
            .find(id)
            .select(Author::as_select())
            .first(conn)
            .expect("author")
    }

    /// Soft-deletes `author` and its cascade; the changeset id.
    pub fn delete(conn: &mut Conn, author: &Author) -> i64 {
        author.soft_delete(conn).expect("sync soft delete").id
    }

    /// Restores changeset `id`.
    pub fn restore(conn: &mut Conn, id: i64) {
        Changeset::restore(conn, id).expect("sync restore");
    }

    /// The live comments of author `author`'s live posts, counted through the join.
    pub fn live_count(conn: &mut Conn, author: i32) -> i64 {
        comments::table
            .inner_join(posts::table)
            .filter(posts::author_id.eq(author))
            .filter(Comment::is_live())
            .filter(Post::is_live())
            .count()
            .get_result(conn)
            .expect("sync live count")
    }

    /// The live comments of post `post`, loaded; how many.
    pub fn post_comments(conn: &mut Conn, post: i32) -> usize {
        let rows: Vec<Comment> = Comment::active()
            .filter(comments::post_id.eq(post))
            .select(Comment::as_select())
            .load(conn)
            .expect("sync load");
        rows.len()
    }
}

/// The same operations through the asynchronous API: only the imports differ.
mod async_api {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use soft_delete_runtime::asynchronous::prelude::*;

    use super::AsyncConn;
    use crate::models::{Author, Comment, Post};
    use crate::schema::{comments, posts};

    /// Soft-deletes `author` and its cascade; the changeset id.
    pub async fn delete(conn: &mut AsyncConn, author: &Author) -> i64 {
        author
            .soft_delete(conn)
            .await
            .expect("async soft delete")
            .id
    }

    /// Restores changeset `id`.
    pub async fn restore(conn: &mut AsyncConn, id: i64) {
        Changeset::restore(conn, id).await.expect("async restore");
    }

    /// The live comments of author `author`'s live posts, counted through the join.
    pub async fn live_count(conn: &mut AsyncConn, author: i32) -> i64 {
        comments::table
            .inner_join(posts::table)
            .filter(posts::author_id.eq(author))
            .filter(Comment::is_live())
            .filter(Post::is_live())
            .count()
            .get_result(conn)
            .await
            .expect("async live count")
    }

    /// The live comments of post `post`, loaded; how many.
    pub async fn post_comments(conn: &mut AsyncConn, post: i32) -> usize {
        let rows: Vec<Comment> = Comment::active()
            .filter(comments::post_id.eq(post))
            .select(Comment::as_select())
            .load(conn)
            .await
            .expect("async load");
        rows.len()
    }
}

impl BothApis for Conn {
    type Async = AsyncConn;

    async fn open_async(name: &str) -> AsyncConn {
        let mut conn = AsyncConn::establish(&async_url(name))
            .await
            .expect("async connection");
        if !ASYNC_SESSION.is_empty() {
            conn.batch_execute(ASYNC_SESSION)
                .await
                .expect("async session settings");
        }
        conn
    }

    fn probe_async(conn: &mut AsyncConn) -> Events {
        Events::attach_async(conn)
    }

    fn open_sync_again(name: &str) -> Conn {
        use diesel::connection::{Connection, SimpleConnection};
        let mut conn =
            <Conn as Connection>::establish(&async_url(name)).expect("second connection");
        if !ASYNC_SESSION.is_empty() {
            conn.batch_execute(ASYNC_SESSION).expect("session settings");
        }
        conn
    }

    fn author_row(&mut self, id: i32) -> Author {
        sync_api::author(self, id)
    }

    fn sync_delete(&mut self, author: &Author) -> i64 {
        sync_api::delete(self, author)
    }

    fn sync_restore(&mut self, id: i64) {
        sync_api::restore(self, id)
    }

    fn sync_live_count(&mut self, author: i32) -> i64 {
        sync_api::live_count(self, author)
    }

    fn sync_post_comments(&mut self, post: i32) -> usize {
        sync_api::post_comments(self, post)
    }

    fn async_delete(conn: &mut AsyncConn, author: &Author) -> impl Future<Output = i64> {
        async_api::delete(conn, author)
    }

    fn async_restore(conn: &mut AsyncConn, id: i64) -> impl Future<Output = ()> {
        async_api::restore(conn, id)
    }

    fn async_live_count(conn: &mut AsyncConn, author: i32) -> impl Future<Output = i64> {
        async_api::live_count(conn, author)
    }

    fn async_post_comments(conn: &mut AsyncConn, post: i32) -> impl Future<Output = usize> {
        async_api::post_comments(conn, post)
    }
}
