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
enum Post {
    Live,
    Deleted,
}

fn main() {}
