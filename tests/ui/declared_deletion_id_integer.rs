// A schema crate's line names a `Nullable<Integer>` column as the `deletion_id`: changeset ids
// are `BigInt`s.
diesel::table! {
    stickers (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<Integer>,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, deleted_at, deletion_id);

fn main() {}
