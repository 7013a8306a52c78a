//! Models in a crate of their own: the tables are `soft_delete_split_schema`'s, which declares
//! them soft-deletable (`soft_delete_table!`); each model says `#[soft_delete(table_declared)]`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_split_schema::{authors, comments, posts, reactions};

/// An author; hiding one hides their posts.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(table_declared, cascade(posts::author_id))]
pub struct Author {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A post; hiding one hides its comments and reactions (the latter have no model).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = posts)]
#[soft_delete(table_declared, cascade(comments::post_id, reactions::post_id))]
pub struct Post {
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = comments)]
#[soft_delete(table_declared)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}
