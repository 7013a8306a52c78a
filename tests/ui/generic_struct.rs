use chrono::NaiveDateTime;
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
struct Post<'a, T> {
    id: i32,
    author_id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
    extra: &'a T,
}

fn main() {}
