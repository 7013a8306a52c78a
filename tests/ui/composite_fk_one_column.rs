use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    authors (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

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
#[diesel(table_name = authors)]
#[soft_delete(cascade((posts::author_id)))]
struct Author {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
struct Post {
    id: i32,
    author_id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn main() {}
