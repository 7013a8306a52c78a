// A schema crate's line names a `BigInt NOT NULL` column as the `deletion_id`: live rows have
// none, and a restore sets it back to NULL.
diesel::table! {
    stickers (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> BigInt,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, deleted_at, deletion_id);

fn main() {}
