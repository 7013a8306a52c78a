use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

diesel::table! {
    authors (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(posts -> authors (author_id));
diesel::allow_tables_to_appear_in_same_query!(authors, posts);

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = authors)]
struct Author {
    id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = posts)]
struct Post {
    id: i32,
    author_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {
    let _ = posts::table.inner_join(authors::table).active();
}
