//! Models declared by a `macro_rules!` that takes the field types as `$t:ty`: the derive reads
//! each type through the invisible group the macro wraps it in, so `Option<NaiveDateTime>`,
//! `Option<$t>` and `bool` are recognized as if written out.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

diesel::table! {
    readings (id) {
        id -> Integer,
        value -> Double,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    samples (id) {
        id -> Integer,
        reading_id -> Integer,
        removed_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    notes (id) {
        id -> Integer,
        hidden -> Bool,
    }
}

/// Every field type is a `$t:ty`.
macro_rules! model {
    ($(#[$attr:meta])* $name:ident { $($field:ident: $t:ty),* $(,)? }) => {
        #[derive(Queryable, Selectable, SoftDeletable)]
        $(#[$attr])*
        pub struct $name {
            $(pub $field: $t),*
        }
    };
}

/// The marker's inner type is a `$t:ty` inside a written-out `Option`.
macro_rules! timestamped {
    ($name:ident, $table:ident, $marker:ident: $ts:ty, $id:ty) => {
        #[derive(Queryable, Selectable, SoftDeletable)]
        #[diesel(table_name = $table)]
        #[soft_delete(deleted_at = $marker)]
        pub struct $name {
            pub id: $id,
            pub reading_id: $id,
            pub $marker: Option<$ts>,
            pub deletion_id: Option<i64>,
        }
    };
}

model! {
    #[diesel(table_name = readings)]
    #[soft_delete(cascade(samples::reading_id))]
    Reading {
        id: i32,
        value: f64,
        deleted_at: Option<NaiveDateTime>,
        deletion_id: Option<i64>,
    }
}

timestamped!(Sample, samples, removed_at: NaiveDateTime, i32);

model! {
    #[diesel(table_name = notes)]
    #[soft_delete(deleted = hidden)]
    Note { id: i32, hidden: bool }
}

fn main() {
    let _ = Reading::active().select(readings::value);
    let _ = Sample::only_deleted().filter(samples::reading_id.eq(1));
    let _ = Note::is_live();
}
