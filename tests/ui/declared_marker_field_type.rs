use soft_delete_runtime::prelude::*;

// As a schema crate would: the marker `deleted_at` is a nullable timestamp.
mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            deleted_at -> Nullable<Timestamp>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, deleted_at);
}
use schema::posts;

// The model reads it as a bool flag.
#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared, deleted = deleted_at)]
struct Post {
    id: i32,
    deleted_at: bool,
}

// Code using the model raises no further error.
fn main() {
    let _ = Post::active();
}
