use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

// As a schema crate would: the line declares the flag `hidden` the marker of `posts`.
mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            hidden -> Bool,
            deleted_at -> Nullable<Timestamp>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, hidden);
}
use schema::posts;

// The model's marker is its `deleted_at` field (the default).
#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared)]
struct Post {
    id: i32,
    hidden: bool,
    deleted_at: Option<NaiveDateTime>,
}

// Code using the model raises no further error.
fn main() {
    let _ = Post::active();
}
