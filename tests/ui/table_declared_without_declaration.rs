use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

// The schema (here in the same file, as if it were the schema crate) lacks the line
// `soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);`.
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
#[soft_delete(table_declared)]
struct Post {
    id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn main() {}
