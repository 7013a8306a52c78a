//! The reads of the live-reads section, filtered to live rows and not, as an application
//! writes them in typed Diesel. Compiled once per backend, for the `Conn` of the module that
//! includes it (`sqlite.rs`, `postgres.rs`, `mysql.rs`).

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use soft_delete_runtime::prelude::*;

use super::Conn;
use crate::models::{Comment, Post};
use crate::schema::{comments, posts};
use crate::sides::LiveReads;

impl LiveReads for Conn {
    fn author_comments(&mut self, author: i32, live: bool) -> usize {
        let q = comments::table
            .inner_join(posts::table)
            .filter(posts::author_id.eq(author))
            .select(Comment::as_select());
        let rows: Vec<Comment> = if live {
            q.filter(Comment::is_live())
                .filter(Post::is_live())
                .load(self)
        } else {
            q.load(self)
        }
        .expect("author's comments");
        rows.len()
    }

    fn author_comment_count(&mut self, author: i32, live: bool) -> i64 {
        let q = comments::table
            .inner_join(posts::table)
            .filter(posts::author_id.eq(author))
            .count();
        if live {
            q.filter(Comment::is_live())
                .filter(Post::is_live())
                .get_result(self)
        } else {
            q.get_result(self)
        }
        .expect("count of the author's comments")
    }

    fn comment_page(&mut self, after: i32, live: bool) -> usize {
        let rows: Vec<Comment> = if live {
            Comment::active()
                .filter(comments::id.gt(after))
                .order(comments::id)
                .limit(20)
                .select(Comment::as_select())
                .load(self)
        } else {
            comments::table
                .filter(comments::id.gt(after))
                .order(comments::id)
                .limit(20)
                .select(Comment::as_select())
                .load(self)
        }
        .expect("page of comments");
        rows.len()
    }

    fn counts_per_post(&mut self, posts: &[i32], live: bool) -> i64 {
        let counts: Vec<(i32, i64)> = if live {
            Comment::active()
                .filter(comments::post_id.eq_any(posts))
                .group_by(comments::post_id)
                .select((comments::post_id, count_star()))
                .load(self)
        } else {
            comments::table
                .filter(comments::post_id.eq_any(posts))
                .group_by(comments::post_id)
                .select((comments::post_id, count_star()))
                .load(self)
        }
        .expect("counts per post");
        counts.iter().map(|(_, n)| n).sum()
    }

    fn hide_comments(&mut self, first: i32, last: i32) -> i64 {
        // `(id - 1) div 7` is even; MySQL's `/` is decimal, so the remainder goes first.
        let every_second_run =
            sql::<Bool>("(((comments.id - 1) - (comments.id - 1) % 7) / 7) % 2 = 0");
        Comment::soft_delete_where(
            self,
            comments::id.between(first, last).and(every_second_run),
        )
        .expect("hide comments")
        .rows_affected
    }
}
