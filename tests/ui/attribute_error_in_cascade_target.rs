use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    authors (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(cascade(posts::author_id))]
struct Author {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(deleted_at = removed_at)]
struct Post {
    id: i32,
    author_id: i32,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn main() {
    let _ = Author::active();
    let _ = Post::is_live();
}
