use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

// As a schema crate would: the line declares `deleted_at` the marker of `posts`.
mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            deleted_at -> Nullable<Timestamp>,
            removed_at -> Nullable<Timestamp>,
            deletion_id -> Nullable<BigInt>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);
}
use schema::posts;

// The model names another marker column.
#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared, deleted_at = removed_at)]
struct Post {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
    removed_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

// Code using the model raises no further error.
fn main() {
    let _ = Post::active();
}
