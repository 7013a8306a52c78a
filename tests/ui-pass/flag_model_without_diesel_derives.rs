//! A bool flag marker, a `String` key named with `#[diesel(primary_key(...))]`, and the table
//! name inferred from the struct name (`Note` → `notes`), on a model that derives nothing else
//! from Diesel.

use soft_delete_runtime::prelude::*;

diesel::table! {
    notes (code) {
        code -> Text,
        body -> Text,
        deleted -> Bool,
    }
}

#[derive(SoftDeletable)]
#[diesel(primary_key(code))]
#[soft_delete(deleted = deleted)]
pub struct Note {
    pub code: String,
    pub body: String,
    pub deleted: bool,
}

fn main() {
    let _ = Note::active();
    let _ = Note::is_live();
}
