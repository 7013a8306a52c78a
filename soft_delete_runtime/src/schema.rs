//! The runtime's own table, as a Diesel schema.

diesel::table! {
    /// One row per soft delete operation: the "trash bin" and the undo log.
    soft_delete_changesets (id) {
        /// Changeset id; the `deletion_id` of every row the operation hid.
        id -> BigInt,
        /// When the rows were hidden (UTC).
        created_at -> Timestamp,
        /// Who hid them.
        actor -> Nullable<Text>,
        /// Why.
        reason -> Nullable<Text>,
        /// SQL name of the table the operation started from.
        root_table -> Text,
        /// Primary key of the root row (single-row deletes), as text.
        root_key -> Nullable<Text>,
        /// How many rows the operation hid, over all tables.
        rows_affected -> BigInt,
        /// When the changeset was restored (UTC).
        restored_at -> Nullable<Timestamp>,
        /// Who restored it.
        restored_by -> Nullable<Text>,
    }
}
