use soft_delete_runtime::prelude::*;

diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(deleted_at = deleted_at)]
struct Post {
    id: i32,
    author_id: i32,
    title: String,
    deleted_at: bool,
    deletion_id: Option<i64>,
}

fn main() {}
