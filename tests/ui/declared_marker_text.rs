// A schema crate's line names a `Nullable<Text>` column as the marker (no `deletion_id`).
diesel::table! {
    stickers (id) {
        id -> Integer,
        removed -> Nullable<Text>,
    }
}
soft_delete_runtime::soft_delete_table!(stickers, removed);

fn main() {}
