use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    votes (id) {
        id -> Integer,
        user_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = users)]
#[soft_delete(cascade(votes::user_id), nullify(votes::user_id))]
struct User {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(SoftDeletable)]
#[diesel(table_name = votes)]
struct Vote {
    id: i32,
    user_id: Option<i32>,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn main() {}
