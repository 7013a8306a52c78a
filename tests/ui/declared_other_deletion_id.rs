use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

// As a schema crate would: the line declares no `deletion_id` column.
mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            deleted_at -> Nullable<Timestamp>,
            deletion_id -> Nullable<BigInt>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, deleted_at);
}
use schema::posts;

// The model has one.
#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared)]
struct Post {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

// Code using the model raises no further error.
fn main() {
    let _ = Post::active();
}
