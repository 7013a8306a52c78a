use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

// As a schema crate would: the line declares `deletion_id`.
mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            deleted_at -> Nullable<Timestamp>,
            deletion_id -> Nullable<BigInt>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);
}
use schema::posts;

// The model has no field for it.
#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared)]
struct Post {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

// Code using the model raises no further error.
fn main() {
    let _ = Post::active();
}
