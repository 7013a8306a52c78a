use soft_delete_runtime::prelude::*;

diesel::table! {
    posts (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(cascade(comments::post_id, comments::post_id))]
struct Post {
    id: i32,
    deleted_at: i32,
    deletion_id: Option<i32>,
}

fn main() {
    let _ = Post::active();
}
