//! What the write operations return besides a changeset.

use crate::engine::TableCounts;
use crate::Changeset;

/// The outcome of a restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The restored changeset, with `restored_at` / `restored_by` set; `None` when a model
    /// without `deletion_id` restored a single row.
    pub changeset: Option<Changeset>,
    /// Rows made live again, per table.
    pub restored: TableCounts,
}

/// The outcome of a purge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Rows permanently removed, per table.
    pub removed: TableCounts,
    /// How many batches (transactions) the purge ran.
    pub batches: u32,
}
