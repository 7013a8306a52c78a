// A schema crate's line names a `Timestamp NOT NULL` column as the marker: live rows need NULL.
diesel::table! {
    stickers (id) {
        id -> Integer,
        deleted_at -> Timestamp,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, deleted_at, deletion_id);

fn main() {}
