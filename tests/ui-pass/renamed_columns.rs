//! Marker and `deletion_id` columns named by key, mapped to differently named fields with
//! `#[diesel(column_name = ...)]`, and a self-referencing cascade.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

diesel::table! {
    categories (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        name -> Text,
        removed_at -> Nullable<Timestamp>,
        changeset -> Nullable<BigInt>,
    }
}

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = categories)]
#[soft_delete(
    deleted_at = removed_at,
    deletion_id = changeset,
    cascade(categories::parent_id)
)]
pub struct Category {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    #[diesel(column_name = removed_at)]
    pub hidden_at: Option<NaiveDateTime>,
    #[diesel(column_name = changeset)]
    pub hidden_by: Option<i64>,
}

fn main() {
    let _ = Category::active().select((categories::id, categories::name));
}
