use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    tag_votes (id) {
        id -> Integer,
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(post_tags, tag_votes);

// A composite key, and a cascade edge through a composite foreign key.
#[derive(SoftDeletable)]
#[diesel(table_name = post_tags, primary_key(post_id, tag_id))]
#[soft_delete(cascade((tag_votes::post_id, tag_votes::tag_id)))]
struct PostTag {
    post_id: i32,
    tag_id: i32,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(SoftDeletable)]
#[diesel(table_name = tag_votes)]
struct TagVote {
    id: i32,
    post_id: i32,
    tag_id: i32,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

fn main() {}
