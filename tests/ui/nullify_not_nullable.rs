use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    votes (id) {
        id -> Integer,
        user_id -> Integer,
    }
}

// `votes.user_id` is NOT NULL: a `nullify` edge could not set it to NULL.
#[derive(SoftDeletable)]
#[diesel(table_name = users)]
#[soft_delete(nullify(votes::user_id))]
struct User {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
