//! The club's tables and models: members write posts, comment and vote, and sign in on devices.
//!
//! What deletion means here is stated once, on the models: deleting a member hides their posts
//! and sessions with them; hiding a post hides its comments and votes; erasing a member keeps
//! the votes they cast on others' posts, without a voter. Who may restore and erase is stated
//! here too, for each table a deletion can start from.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::asynchronous::prelude::*;
use soft_delete_runtime::{Authorization, SoftDeleteHooks};

use crate::staff;

diesel::table! {
    members (id) {
        id -> Integer,
        name -> Text,
        email -> Text,
        is_active -> Bool,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        member_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        member_id -> Integer,
        device -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    votes (id) {
        id -> Integer,
        post_id -> Integer,
        member_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(posts -> members (member_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(sessions -> members (member_id));
diesel::joinable!(votes -> posts (post_id));
diesel::joinable!(votes -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(members, posts, comments, sessions, votes);

// The structs map every column; the pages read only some of them.

/// A club member. `is_active` is the app's own, reversible flag: an inactive member stays listed.
#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = members)]
#[soft_delete(
    cascade(posts::member_id, sessions::member_id),
    nullify(votes::member_id),
    hooks
)]
pub struct Member {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub is_active: bool,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = posts, belongs_to(Member))]
#[soft_delete(cascade(comments::post_id, votes::post_id), hooks)]
pub struct Post {
    pub id: i32,
    pub member_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = comments, belongs_to(Post))]
#[soft_delete(hooks)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i32,
    pub member_id: i32,
    pub device: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A vote on a post. `member_id` is nullable: a vote outlives an erased voter.
#[allow(dead_code)]
#[derive(Debug, Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
#[diesel(table_name = votes, belongs_to(Post))]
pub struct Vote {
    pub id: i32,
    pub post_id: i32,
    pub member_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

// The runtime asks the rule of the table a deletion started from (its root table), whichever
// way the restore is called. The app deletes from these three tables.

impl SoftDeleteHooks for Member {
    fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_restore(req)
    }
    fn authorize_erase(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_erase(req)
    }
}

impl SoftDeleteHooks for Post {
    fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_restore(req)
    }
    fn authorize_erase(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_erase(req)
    }
}

impl SoftDeleteHooks for Comment {
    fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_restore(req)
    }
    fn authorize_erase(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        staff::authorize_erase(req)
    }
}
