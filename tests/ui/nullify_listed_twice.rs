use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    users (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    votes (id) {
        id -> Integer,
        user_id -> Nullable<Integer>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = users)]
#[soft_delete(nullify(votes::user_id, votes::user_id))]
struct User {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
