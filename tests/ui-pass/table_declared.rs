//! A table declared soft-deletable next to its `table!` (as a schema crate would), and a model
//! that leaves the table traits to that declaration.
use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

mod schema {
    diesel::table! {
        posts (id) {
            id -> Integer,
            title -> Text,
            deleted_at -> Nullable<Timestamp>,
            deletion_id -> Nullable<BigInt>,
        }
    }
    soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);

    diesel::table! {
        flags (code) {
            code -> Text,
            deleted -> Bool,
        }
    }
    soft_delete_runtime::soft_delete_table!(flags, deleted);
}

use schema::{flags, posts};

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared)]
struct Post {
    id: i32,
    title: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(SoftDeletable)]
#[diesel(table_name = flags, primary_key(code))]
#[soft_delete(table_declared, deleted = deleted)]
struct Flag {
    code: String,
    deleted: bool,
}

fn main() {
    let _ = Post::active();
    let _ = Flag::only_deleted();
}
