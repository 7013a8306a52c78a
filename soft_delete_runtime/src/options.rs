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

/// Who erases, why and when: recorded in `soft_delete_erasures` (the erased row's data is not).
///
/// ```
/// # use soft_delete_runtime::EraseOptions;
/// let opts = EraseOptions::new().actor("alice").reason("GDPR request");
/// assert_eq!(opts.reason.as_deref(), Some("GDPR request"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EraseOptions {
    /// Who asked for the erasure (stored in `soft_delete_erasures.actor`, reaches
    /// [`SoftDeleteHooks::authorize_erase`](crate::SoftDeleteHooks::authorize_erase); the limits
    /// of [`DeleteOptions::actor`]).
    pub actor: Option<String>,
    /// Why (stored in `soft_delete_erasures.reason`).
    pub reason: Option<String>,
    /// The erasure time (UTC); defaults to now.
    pub at: Option<NaiveDateTime>,
}

impl EraseOptions {
    /// No actor, no reason, time = now.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets who erases.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
    /// Sets why.
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    /// Sets the erasure time (UTC).
    pub fn at(mut self, at: NaiveDateTime) -> Self {
        self.at = Some(at);
        self
    }
}

/// What [`Changeset::redact_actor_with`](crate::ChangesetStore::redact_actor_with) rewrites.
///
/// ```
/// # use soft_delete_runtime::RedactOptions;
/// let opts = RedactOptions::new("alice").replacement("Deleted user").clear_reasons();
/// assert!(opts.clear_reasons);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactOptions {
    /// The name to remove, as stored in `actor` / `restored_by`.
    pub actor: String,
    /// What to write instead; `None` writes `NULL`.
    pub replacement: Option<String>,
    /// Also set `reason` to `NULL` on the records whose `actor` is [`RedactOptions::actor`]
    /// (a reason often names or describes the person).
    pub clear_reasons: bool,
}

impl RedactOptions {
    /// Redact `actor`, writing `NULL` in its place, reasons kept.
    pub fn new(actor: impl Into<String>) -> Self {
        RedactOptions {
            actor: actor.into(),
            replacement: None,
            clear_reasons: false,
        }
    }
    /// Writes `replacement` instead of `NULL`.
    pub fn replacement(mut self, replacement: impl Into<String>) -> Self {
        self.replacement = Some(replacement.into());
        self
    }
    /// Also clears the `reason` of that actor's records.
    pub fn clear_reasons(mut self) -> Self {
        self.clear_reasons = true;
        self
    }
}
