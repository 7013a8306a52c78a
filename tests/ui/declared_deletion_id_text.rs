// A schema crate's line names a `Nullable<Text>` column as the `deletion_id`: a cascade would
// write changeset ids into it.
diesel::table! {
    stickers (id) {
        id -> Integer,
        note -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, deleted_at, note);

fn main() {}
