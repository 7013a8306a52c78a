//! A model with a lifetime parameter (a borrowed column), as Diesel allows.
use std::borrow::Cow;

use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    posts (id) {
        id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(hooks)]
struct Post<'a> {
    id: i32,
    title: Cow<'a, str>,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

impl<'a> soft_delete_runtime::SoftDeleteHooks for Post<'a> {}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(view_of = Post)]
struct PostTitle<'a> {
    id: i32,
    title: &'a str,
}

fn soft_delete_a_borrowed_row(conn: &mut diesel::SqliteConnection, title: &str) {
    let post = Post {
        id: 1,
        title: Cow::Borrowed(title),
        deleted_at: None,
        deletion_id: None,
    };
    let _ = post.soft_delete(conn);
    let _ = PostTitle { id: 1, title }.restore(conn);
}

fn main() {
    let _ = soft_delete_a_borrowed_row;
    let _ = Post::active();
}
