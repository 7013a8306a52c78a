use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::PurgeOptions;
use soft_delete_runtime::SoftDeleteConnection;

diesel::table! {
    notes (id) {
        id -> Integer,
        body -> Text,
        deleted -> Bool,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = notes)]
#[soft_delete(deleted = deleted)]
struct Note {
    id: i32,
    body: String,
    deleted: bool,
}

fn purge_old<C: SoftDeleteConnection>(conn: &mut C, cutoff: NaiveDateTime) {
    let _ = Note::purge_with(conn, PurgeOptions::new(cutoff));
}

fn main() {}
