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
        /// How many rows the changeset has hidden, over all tables: those the operation hid, plus
        /// those another changeset's restore deferred to it.
        rows_affected -> BigInt,
        /// When the changeset was restored (UTC).
        restored_at -> Nullable<Timestamp>,
        /// Who restored it.
        restored_by -> Nullable<Text>,
        /// How many of its hidden rows were permanently removed since (hard delete, purge, erase).
        rows_removed -> BigInt,
        /// When the last of its hidden rows was permanently removed: nothing is left to restore.
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One row per erasure: which row was erased, when, by whom, and how many rows per table
    /// went — never the erased data.
    soft_delete_erasures (id) {
        /// Erasure id.
        id -> BigInt,
        /// When the rows were erased (UTC).
        erased_at -> Timestamp,
        /// Who erased them.
        actor -> Nullable<Text>,
        /// Why.
        reason -> Nullable<Text>,
        /// Identity of the erased row's table.
        root_table -> Text,
        /// Primary key of the erased row, as text.
        root_key -> Nullable<Text>,
        /// How many rows the erasure removed, over all tables.
        rows_removed -> BigInt,
        /// Rows removed per table, as JSON: `[["users", 1], ["sessions", 3]]`.
        removed -> Text,
        /// Rows whose foreign key was set to `NULL` per table, as JSON, like `removed`.
        nullified -> Text,
    }
}
