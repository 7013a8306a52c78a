//! Options of the write operations.

use chrono::NaiveDateTime;

/// Who deletes, why and when: recorded on the changeset.
///
/// ```
/// # use soft_delete_runtime::DeleteOptions;
/// let opts = DeleteOptions::new().actor("alice").reason("spam");
/// assert_eq!(opts.actor.as_deref(), Some("alice"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Who asked for the deletion (stored in `soft_delete_changesets.actor`; at most
    /// [`MAX_TEXT_BYTES`](crate::MAX_TEXT_BYTES) bytes, no NUL character).
    pub actor: Option<String>,
    /// Why (stored in `soft_delete_changesets.reason`; the same limits as `actor`).
    pub reason: Option<String>,
    /// The deletion time (UTC); defaults to now. Stored with microsecond precision.
    pub at: Option<NaiveDateTime>,
}

impl DeleteOptions {
    /// No actor, no reason, time = now.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets who deletes.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
    /// Sets why.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    /// Sets the deletion time (UTC).
    pub fn at(mut self, at: NaiveDateTime) -> Self {
        self.at = Some(at);
        self
    }
}

/// Who restores and when: recorded as `restored_by` / `restored_at`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Who asked for the restore (stored in `restored_by`; at most
    /// [`MAX_TEXT_BYTES`](crate::MAX_TEXT_BYTES) bytes, no NUL character).
    pub actor: Option<String>,
    /// The restore time (UTC); defaults to now.
    pub at: Option<NaiveDateTime>,
}

impl RestoreOptions {
    /// No actor, time = now.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets who restores.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
    /// Sets the restore time (UTC).
    pub fn at(mut self, at: NaiveDateTime) -> Self {
        self.at = Some(at);
        self
    }
}

/// How a purge runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeOptions {
    /// Rows hidden strictly before this time (UTC) are removed.
    pub older_than: NaiveDateTime,
    /// How many root rows one batch (one transaction) removes at most. Default 1,000.
    pub batch_size: u32,
}

impl PurgeOptions {
    /// Purge rows hidden before `older_than`, in batches of 1,000 root rows.
    pub fn new(older_than: NaiveDateTime) -> Self {
        PurgeOptions {
            older_than,
            batch_size: 1_000,
        }
    }
    /// Sets the batch size (at least 1).
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n;
        self
    }
}
