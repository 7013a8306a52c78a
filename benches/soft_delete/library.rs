//! The library side of every comparison: `soft_delete_runtime`'s operations and views, plus the
//! typed look-ups the set-ups share. Compiled once per backend, for the `Conn` of the module that
//! includes it (`sqlite.rs`, `postgres.rs`).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{Changeset, PurgeOptions, PurgeReport};

use super::Conn;
use crate::harness::BenchConn;
use crate::models::{Author, Comment, Post};
use crate::schema::{authors, comments, posts};
use crate::sides::Library;

type Db = <Conn as Connection>::Backend;

impl Library for Conn {
    fn version(&mut self) -> String {
        diesel::select(sql::<Text>(<Conn as BenchConn>::VERSION_SQL))
            .get_result(self)
            .expect("version")
    }

    fn author(&mut self, id: i32) -> Author {
        authors::table
            .find(id)
            .select(Author::as_select())
            .first(self)
            .expect("author")
    }

    fn count(&mut self, table: &str) -> i64 {
        diesel::select(sql::<BigInt>(&format!("(SELECT COUNT(*) FROM {table})")))
            .get_result(self)
            .expect("count")
    }

    fn lib_active_like_sql() -> String {
        let q = Comment::active()
            .filter(comments::body.like("%5"))
            .select(Comment::as_select());
        diesel::debug_query::<Db, _>(&q).to_string()
    }

    fn lib_active_like(&mut self) -> Vec<Comment> {
        Comment::active()
            .filter(comments::body.like("%5"))
            .select(Comment::as_select())
            .load(self)
            .expect("lib read")
    }

    fn lib_lookup(&mut self, post: i32) -> Vec<Comment> {
        Comment::active()
            .filter(comments::post_id.eq(post))
            .select(Comment::as_select())
            .load(self)
            .expect("lib lookup")
    }

    fn lib_count(&mut self, post: i32) -> i64 {
        Comment::active()
            .filter(comments::post_id.eq(post))
            .count()
            .get_result(self)
            .expect("lib count")
    }

    fn lib_delete(&mut self, author: Author) -> i64 {
        author.soft_delete(self).expect("lib soft delete").id
    }

    fn lib_delete_at(&mut self, author: Author, at: NaiveDateTime) {
        author
            .soft_delete_with(self, DeleteOptions::new().at(at))
            .expect("hide for purge");
    }

    fn lib_restore(&mut self, id: i64) {
        Changeset::restore(self, id).expect("lib restore");
    }

    fn lib_bulk(&mut self, max_author: i32) -> i64 {
        Post::soft_delete_where(self, posts::author_id.le(max_author))
            .expect("lib bulk")
            .id
    }

    fn lib_purge(&mut self, cutoff: NaiveDateTime, batch: u32) -> PurgeReport {
        Post::purge_with(self, PurgeOptions::new(cutoff).batch_size(batch)).expect("lib purge")
    }
}
