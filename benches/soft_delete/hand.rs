//! The hand-written side of every comparison: the same operations in typed Diesel, each in one
//! transaction at the connection's default isolation level. Compiled once per backend, for the
//! `Conn` of the module that includes it (`sqlite.rs`, `postgres.rs`).

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error;
use soft_delete_runtime::schema::soft_delete_changesets as cs;

use super::Conn;
use crate::models::Comment;
use crate::schema::{authors, comments, posts};
use crate::sides::Hand;

type Db = <Conn as Connection>::Backend;

/// The changeset row a hand-written soft delete records (the same columns the engine fills).
fn changeset(
    conn: &mut Conn,
    root_table: &str,
    root_key: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(cs::table)
        .values((
            cs::created_at.eq(now),
            cs::root_table.eq(root_table),
            cs::root_key.eq(root_key),
            cs::rows_affected.eq(0_i64),
        ))
        .returning(cs::id)
        .get_result(conn)
}

/// Hides the live comments of the posts changeset `id` hid.
fn hide_comments(conn: &mut Conn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        comments::table
            .filter(comments::deleted_at.is_null())
            .filter(
                comments::post_id.eq_any(
                    posts::table
                        .filter(posts::deletion_id.eq(id))
                        .select(posts::id),
                ),
            ),
    )
    .set((comments::deleted_at.eq(now), comments::deletion_id.eq(id)))
    .execute(conn)
}

/// One purge batch: the comments of the next `batch` posts hidden before `cutoff`, then those
/// posts. Returns (comments, posts) deleted.
fn purge_batch(conn: &mut Conn, cutoff: NaiveDateTime, batch: i64) -> QueryResult<(usize, usize)> {
    conn.transaction::<_, Error, _>(|conn| {
        let v = diesel::alias!(posts as victims);
        let victims = v
            .filter(v.field(posts::deleted_at).is_not_null())
            .filter(v.field(posts::deleted_at).lt(cutoff))
            .order(v.field(posts::id))
            .limit(batch)
            .select(v.field(posts::id));
        let c = diesel::delete(comments::table.filter(comments::post_id.eq_any(victims)))
            .execute(conn)?;
        let p = diesel::delete(posts::table.filter(posts::id.eq_any(victims))).execute(conn)?;
        Ok((c, p))
    })
}

impl Hand for Conn {
    fn hand_changeset(
        &mut self,
        root_table: &str,
        root_key: Option<String>,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        changeset(self, root_table, root_key, now)
    }

    fn hand_active_like_sql() -> String {
        let q = comments::table
            .filter(comments::deleted_at.is_null())
            .filter(comments::body.like("%5"))
            .select(Comment::as_select());
        diesel::debug_query::<Db, _>(&q).to_string()
    }

    fn hand_active_like(&mut self) -> Vec<Comment> {
        comments::table
            .filter(comments::deleted_at.is_null())
            .filter(comments::body.like("%5"))
            .select(Comment::as_select())
            .load(self)
            .expect("hand read")
    }

    fn hand_lookup(&mut self, post: i32) -> Vec<Comment> {
        comments::table
            .filter(comments::deleted_at.is_null())
            .filter(comments::post_id.eq(post))
            .select(Comment::as_select())
            .load(self)
            .expect("hand lookup")
    }

    fn hand_count(&mut self, post: i32) -> i64 {
        comments::table
            .filter(comments::deleted_at.is_null())
            .filter(comments::post_id.eq(post))
            .count()
            .get_result(self)
            .expect("hand count")
    }

    /// A changeset row, then one set-based UPDATE per table, in one transaction.
    fn hand_delete(&mut self, author: i32) -> i64 {
        self.transaction::<_, Error, _>(|conn| {
            let now = Utc::now().naive_utc();
            let id = changeset(conn, "authors", Some(author.to_string()), now)?;
            diesel::update(
                authors::table
                    .filter(authors::id.eq(author))
                    .filter(authors::deleted_at.is_null()),
            )
            .set((authors::deleted_at.eq(now), authors::deletion_id.eq(id)))
            .execute(conn)?;
            diesel::update(
                posts::table
                    .filter(posts::author_id.eq(author))
                    .filter(posts::deleted_at.is_null()),
            )
            .set((posts::deleted_at.eq(now), posts::deletion_id.eq(id)))
            .execute(conn)?;
            hide_comments(conn, id, now)?;
            Ok(id)
        })
        .expect("hand soft delete")
    }

    fn hand_restore(&mut self, id: i64) {
        self.transaction::<_, Error, _>(|conn| {
            let none_at: Option<NaiveDateTime> = None;
            let none_id: Option<i64> = None;
            diesel::update(authors::table.filter(authors::deletion_id.eq(id)))
                .set((
                    authors::deleted_at.eq(none_at),
                    authors::deletion_id.eq(none_id),
                ))
                .execute(conn)?;
            diesel::update(posts::table.filter(posts::deletion_id.eq(id)))
                .set((
                    posts::deleted_at.eq(none_at),
                    posts::deletion_id.eq(none_id),
                ))
                .execute(conn)?;
            diesel::update(comments::table.filter(comments::deletion_id.eq(id)))
                .set((
                    comments::deleted_at.eq(none_at),
                    comments::deletion_id.eq(none_id),
                ))
                .execute(conn)?;
            diesel::update(cs::table.find(id))
                .set(cs::restored_at.eq(Some(Utc::now().naive_utc())))
                .execute(conn)?;
            Ok(())
        })
        .expect("hand restore")
    }

    /// A changeset row, the UPDATE of the matching posts, the cascade to comments.
    fn hand_bulk(&mut self, max_author: i32) {
        self.transaction::<_, Error, _>(|conn| {
            let now = Utc::now().naive_utc();
            let id = changeset(conn, "posts", None, now)?;
            diesel::update(
                posts::table
                    .filter(posts::author_id.le(max_author))
                    .filter(posts::deleted_at.is_null()),
            )
            .set((posts::deleted_at.eq(now), posts::deletion_id.eq(id)))
            .execute(conn)?;
            hide_comments(conn, id, now)?;
            Ok(())
        })
        .expect("hand bulk")
    }

    /// Without changeset or cascade.
    fn bare_bulk(&mut self, max_author: i32) {
        let now = Utc::now().naive_utc();
        diesel::update(
            posts::table
                .filter(posts::author_id.le(max_author))
                .filter(posts::deleted_at.is_null()),
        )
        .set(posts::deleted_at.eq(now))
        .execute(self)
        .expect("bare bulk");
    }

    /// Batch after batch until one deletes no post.
    fn hand_purge(&mut self, cutoff: NaiveDateTime, batch: i64) -> (u64, u32) {
        let mut rows = 0_u64;
        let mut batches = 0_u32;
        loop {
            let (c, p) = purge_batch(self, cutoff, batch).expect("hand purge");
            if p == 0 {
                return (rows, batches);
            }
            rows += (c + p) as u64;
            batches += 1;
        }
    }
}
