//! The design document's example: cascade, protect, hooks, and a nameable live query.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{Active, HookContext, SoftDeleteHooks};

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

diesel::table! {
    invoices (id) {
        id -> Integer,
        post_id -> Integer,
    }
}

#[derive(Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(cascade(posts::author_id))]
pub struct Author {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = posts, belongs_to(Author))]
#[soft_delete(protect(invoices::post_id), hooks)]
pub struct Post {
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

impl SoftDeleteHooks for Post {
    fn before_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        if ctx.actor.is_none() {
            return Err(ctx.abort("posts may only be deleted by a named actor"));
        }
        Ok(())
    }
}

pub fn live_posts() -> Active<posts::table> {
    Post::active()
}

fn main() {
    let _ = live_posts()
        .filter(posts::title.like("a%"))
        .order(posts::id);
    let _ = Author::only_deleted();
    let _ = Author::with_deleted();
}
