//! What the write operations return besides a changeset.

use crate::record::Changeset;
use crate::registry::intern;

/// Per-table row counts, in the order tables were first touched.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableCounts(Vec<(&'static str, u64)>);

impl TableCounts {
    pub(crate) fn add(&mut self, table: &'static str, n: u64) {
        match self.0.iter_mut().find(|(t, _)| *t == table) {
            Some((_, c)) => *c += n,
            None => self.0.push((table, n)),
        }
    }
    /// Rows counted for `table` (0 when it was not touched).
    pub fn get(&self, table: &str) -> u64 {
        self.0
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, c)| *c)
    }
    /// Rows over all tables.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, c)| c).sum()
    }
    /// `(table, rows)` pairs, in the order the operation touched the tables.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().copied()
    }
    pub(crate) fn merge(&mut self, other: &TableCounts) {
        for (t, n) in other.iter() {
            self.add(t, n);
        }
    }
    /// `[["users", 1], ["sessions", 3]]`: the form `soft_delete_erasures` stores.
    pub(crate) fn to_json(&self) -> String {
        serde_json::Value::from(
            self.0
                .iter()
                .map(|(t, n)| serde_json::json!([t, n]))
                .collect::<Vec<_>>(),
        )
        .to_string()
    }
    /// Reads [`TableCounts::to_json`]'s form; what does not parse is left out.
    pub(crate) fn from_json(text: &str) -> TableCounts {
        let mut out = TableCounts::default();
        let Ok(serde_json::Value::Array(pairs)) = serde_json::from_str(text) else {
            return out;
        };
        for pair in pairs {
            if let (Some(t), Some(n)) = (pair[0].as_str(), pair[1].as_u64()) {
                out.add(intern(t), n);
            }
        }
        out
    }
}

/// The outcome of a restore.
///
/// Every row the changeset hid is accounted for: made live again (`restored`), still hidden
/// because a cascade parent of it is hidden by another changeset (`deferred`: it comes back with
/// that changeset), or permanently removed before the restore (`already_removed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The restored changeset, with `restored_at` / `restored_by` set; `None` when a model
    /// without `deletion_id` restored a single row.
    pub changeset: Option<Changeset>,
    /// Rows made live again, per table.
    pub restored: TableCounts,
    /// Rows that stay hidden because a cascade parent of theirs is hidden by another changeset:
    /// they moved to that changeset and come back when it is restored. One entry per table and
    /// changeset, in the order the restore met them.
    pub deferred: Vec<Deferred>,
    /// Rows of the changeset that a hard delete, purge or erasure removed for good before this
    /// restore ([`Changeset::rows_removed`]); they cannot come back.
    pub already_removed: u64,
}

impl RestoreReport {
    /// Rows deferred over all tables and changesets.
    pub fn deferred_total(&self) -> u64 {
        self.deferred.iter().map(|d| d.rows).sum()
    }
}

/// Rows a restore left hidden, waiting for the changeset that hides their cascade parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferred {
    /// Identity of the table of the rows.
    pub table: &'static str,
    /// How many rows.
    pub rows: u64,
    /// The changeset they now belong to: the one hiding their parent. Restoring it brings them
    /// back.
    pub changeset: i64,
}

/// The outcome of a purge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Rows permanently removed, per table.
    pub removed: TableCounts,
    /// How many batches (transactions) the purge ran.
    pub batches: u32,
}
