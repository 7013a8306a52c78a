//! The two sides of every comparison, as the operations a backend's connection provides:
//! [`Library`] (`soft_delete_runtime`, in `library.rs`) and [`Hand`] (the hand-written Diesel,
//! in `hand.rs`). Both files are compiled once per backend (`sqlite.rs`, `postgres.rs`), so
//! their typed Diesel is ordinary code over one concrete connection.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use soft_delete_runtime::PurgeReport;

use crate::models::{Author, Comment};

/// The library side, and the typed look-ups the set-ups share.
pub trait Library {
    /// The server's version string ([`BenchConn::VERSION_SQL`](crate::harness::BenchConn)).
    fn version(&mut self) -> String;
    /// Author `id`, as the library's operations take it.
    fn author(&mut self, id: i32) -> Author;
    /// `SELECT COUNT(*)` of `table`.
    fn count(&mut self, table: &str) -> i64;
    /// The SQL of [`Library::lib_active_like`], binds included.
    fn lib_active_like_sql() -> String;
    /// The live comments whose body ends in 5: `Comment::active().filter(..)`.
    fn lib_active_like(&mut self) -> Vec<Comment>;
    /// The live comments of post `post`.
    fn lib_lookup(&mut self, post: i32) -> Vec<Comment>;
    /// How many live comments post `post` has.
    fn lib_count(&mut self, post: i32) -> i64;
    /// Soft-deletes `author` and its cascade; returns the changeset id.
    fn lib_delete(&mut self, author: Author) -> i64;
    /// Soft-deletes `author` and its cascade as if at `at`.
    fn lib_delete_at(&mut self, author: Author, at: NaiveDateTime);
    /// Restores changeset `id`.
    fn lib_restore(&mut self, id: i64);
    /// `Post::soft_delete_where(author_id <= max_author)`; returns the changeset id.
    fn lib_bulk(&mut self, max_author: i32) -> i64;
    /// Purges the posts (and their comments) hidden before `cutoff`, `batch` posts at a time.
    fn lib_purge(&mut self, cutoff: NaiveDateTime, batch: u32) -> PurgeReport;
}

/// The hand-written side: what a careful engineer writes for this schema in typed Diesel.
pub trait Hand {
    /// Records a changeset row (the columns the engine fills); returns its id.
    fn hand_changeset(
        &mut self,
        root_table: &str,
        root_key: Option<String>,
        now: NaiveDateTime,
    ) -> QueryResult<i64>;
    /// The SQL of [`Hand::hand_active_like`], binds included.
    fn hand_active_like_sql() -> String;
    /// The live comments whose body ends in 5: `.filter(deleted_at.is_null())`.
    fn hand_active_like(&mut self) -> Vec<Comment>;
    /// The live comments of post `post`.
    fn hand_lookup(&mut self, post: i32) -> Vec<Comment>;
    /// How many live comments post `post` has.
    fn hand_count(&mut self, post: i32) -> i64;
    /// Soft-deletes author `author` and its cascade; returns the changeset id.
    fn hand_delete(&mut self, author: i32) -> i64;
    /// Restores changeset `id`.
    fn hand_restore(&mut self, id: i64);
    /// Soft-deletes the posts of authors up to `max_author`, and their comments.
    fn hand_bulk(&mut self, max_author: i32);
    /// The same posts with the single `UPDATE` a plain `deleted_at` column needs.
    fn bare_bulk(&mut self, max_author: i32);
    /// Purges the posts (and their comments) hidden before `cutoff`, `batch` posts at a time;
    /// returns (rows removed, batches).
    fn hand_purge(&mut self, cutoff: NaiveDateTime, batch: i64) -> (u64, u32);
}

/// The four reads of the live-reads section, each either filtered to live rows (`is_live()`,
/// `Model::active()`) or not, on the same tables: the cost of soft delete to a read
/// (`live.rs`, compiled once per backend like the two sides).
pub trait LiveReads {
    /// The comments on author `author`'s posts, through `comments JOIN posts`; with `live`,
    /// `Comment::is_live()` and `Post::is_live()`. Returns the rows loaded.
    fn author_comments(&mut self, author: i32, live: bool) -> usize;
    /// How many comments author `author`'s posts have, through `comments JOIN posts`; with
    /// `live`, live comments of live posts.
    fn author_comment_count(&mut self, author: i32, live: bool) -> i64;
    /// The 20 comments after id `after`, by id; with `live`, from `Comment::active()`.
    fn comment_page(&mut self, after: i32, live: bool) -> usize;
    /// The comment count of each post of `posts` (`GROUP BY post_id`); with `live`, of live
    /// comments. Returns the sum of the counts.
    fn counts_per_post(&mut self, posts: &[i32], live: bool) -> i64;
    /// Soft-deletes the comments with ids in `first..=last` that fall in every second run of 7
    /// ids, as one changeset (`Comment::soft_delete_where`); returns the rows hidden.
    fn hide_comments(&mut self, first: i32, last: i32) -> i64;
}
