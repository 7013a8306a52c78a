//! A model whose struct and fields are raw identifiers: `r#Match` infers the table `matchs`
//! (without the `r#`), and raw field names map their columns.

use chrono::NaiveDateTime;
use soft_delete_runtime::prelude::*;

diesel::table! {
    matchs (id) {
        id -> Integer,
        r#type -> Text,
        r#final -> Nullable<Timestamp>,
    }
}

#[derive(SoftDeletable)]
#[soft_delete(deleted_at = r#final)]
pub struct r#Match {
    pub id: i32,
    pub r#type: String,
    pub r#final: Option<NaiveDateTime>,
}

fn main() {
    let _ = r#Match::active();
    let _ = Match::is_live();
}
