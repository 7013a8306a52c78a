//! Reads of the blog on one backend's connection, mounted by each backend module.

use diesel::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;
use soft_delete_runtime::Changeset;

use super::Conn;
use crate::common::models::*;
use crate::common::schema::*;

pub fn author(conn: &mut Conn, id: i32) -> Author {
    authors::table
        .find(id)
        .select(Author::as_select())
        .first(conn)
        .expect("author")
}

pub fn post(conn: &mut Conn, id: i32) -> Post {
    posts::table
        .find(id)
        .select(Post::as_select())
        .first(conn)
        .expect("post")
}

pub fn comment(conn: &mut Conn, id: i32) -> Comment {
    comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)
        .expect("comment")
}

pub fn tag(conn: &mut Conn, id: i32) -> Tag {
    tags::table
        .find(id)
        .select(Tag::as_select())
        .first(conn)
        .expect("tag")
}

/// Every row of the blog tables (with tags and `post_tags`) and every changeset, as text:
/// equal snapshots mean nothing changed.
pub fn snapshot(conn: &mut Conn) -> Vec<String> {
    fn text<T: std::fmt::Debug>(rows: QueryResult<Vec<T>>) -> Vec<String> {
        rows.expect("snapshot")
            .iter()
            .map(|r| format!("{r:?}"))
            .collect()
    }
    let mut out = text(
        authors::table
            .select(Author::as_select())
            .order(authors::id)
            .load(conn),
    );
    out.extend(text(
        posts::table
            .select(Post::as_select())
            .order(posts::id)
            .load(conn),
    ));
    out.extend(text(
        comments::table
            .select(Comment::as_select())
            .order(comments::id)
            .load(conn),
    ));
    out.extend(text(
        tags::table
            .select(Tag::as_select())
            .order(tags::id)
            .load(conn),
    ));
    out.extend(text(
        post_tags::table
            .select(PostTag::as_select())
            .order(post_tags::id)
            .load(conn),
    ));
    out.extend(changesets(conn));
    out
}

/// Every changeset, as text.
pub fn changesets(conn: &mut Conn) -> Vec<String> {
    soft_delete_changesets::table
        .select(Changeset::as_select())
        .order(soft_delete_changesets::id)
        .load(conn)
        .expect("changesets")
        .iter()
        .map(|r| format!("{r:?}"))
        .collect()
}
