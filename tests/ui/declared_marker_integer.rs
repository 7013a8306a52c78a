// A schema crate's line names an `Integer` column as the marker.
diesel::table! {
    stickers (id) {
        id -> Integer,
        deleted_at -> Integer,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, deleted_at, deletion_id);

fn main() {}
