use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;
// The table is another crate's (a schema crate, which declares it soft-deletable).
use soft_delete_split_schema::comments;

// The model forgot `#[soft_delete(table_declared)]`.
#[derive(SoftDeletable)]
#[diesel(table_name = comments)]
struct Comment {
    id: i32,
    post_id: i32,
    body: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

// Code using the model raises no further error.
fn main() {
    let _ = Comment::active();
}
