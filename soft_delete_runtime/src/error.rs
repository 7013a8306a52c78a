//! The one error type every fallible operation returns.

use std::fmt;

/// Everything that can go wrong in a soft-delete operation.
///
/// Every multi-statement operation runs in one transaction: when it returns an
/// error, the transaction has been rolled back and every row is as it was.
/// Each message says what happened and what to do about it.
#[derive(Debug)]
#[non_exhaustive]
pub enum SoftDeleteError {
    /// No row matched the key or filter (for a bulk operation: no live row matched).
    NotFound {
        /// SQL name of the table that was searched.
        table: &'static str,
    },
    /// The row exists but is already hidden; restore it first or leave it.
    AlreadyDeleted {
        /// SQL name of the table.
        table: &'static str,
    },
    /// The row is live, so there is nothing to restore.
    NotDeleted {
        /// SQL name of the table.
        table: &'static str,
    },
    /// A `protect(child::fk)` edge refused the deletion because child rows reference the rows:
    /// live ones refuse a soft delete; live *or hidden* ones refuse a hard delete, purge or
    /// erasure (a hidden row still exists and still names its parent: removing the parent would
    /// break its foreign key, or leave it an orphan that a restore would bring back).
    Protected {
        /// SQL name of the child table that holds the rows.
        table: &'static str,
        /// How many live child rows reference the rows being deleted.
        live_children: i64,
        /// How many hidden child rows reference them (counted by permanent removals only).
        hidden_children: i64,
        /// A changeset hiding one of those hidden rows, if any records one: restore it and
        /// detach the row, or remove the row, before removing the parent.
        hidden_by: Option<i64>,
    },
    /// No changeset has this id.
    ChangesetNotFound {
        /// The id that was looked up.
        id: i64,
    },
    /// The changeset was restored already; each changeset is restored at most once.
    AlreadyRestored {
        /// The changeset id.
        id: i64,
    },
    /// The changeset has nothing left to restore: every row it hid was permanently removed
    /// (hard delete, purge or erasure) since. It stays as a record
    /// ([`ChangesetState::Removed`](crate::ChangesetState::Removed)); nothing was marked.
    NothingToRestore {
        /// The changeset id.
        id: i64,
    },
    /// The operation would break a unique index (typically: restoring a row whose key a new
    /// live row took meanwhile). Nothing was changed.
    Conflict {
        /// SQL name of the table where the collision happened.
        table: &'static str,
        /// The database's description of the violated constraint and key.
        detail: String,
    },
    /// A `SoftDeleteHooks` method refused the operation; it was rolled back.
    Aborted {
        /// SQL name of the table whose hook refused.
        table: &'static str,
        /// The reason the hook gave.
        message: String,
    },
    /// A permission rule ([`SoftDeleteHooks::authorize_restore`](crate::SoftDeleteHooks::authorize_restore)
    /// or [`authorize_erase`](crate::SoftDeleteHooks::authorize_erase)) refused the operation;
    /// nothing was changed.
    Refused {
        /// Identity of the table whose rule refused.
        table: &'static str,
        /// The reason the rule gave.
        message: String,
    },
    /// A changeset names a root table that no `#[derive(SoftDeletable)]` model in this program maps.
    UnknownTable {
        /// The table name stored in the changeset.
        table: String,
    },
    /// An argument cannot be used as given (for example a purge cutoff in the future).
    InvalidInput {
        /// What is wrong and what to pass instead.
        message: String,
    },
    /// A transient failure under concurrent writers — serialization failure, deadlock, lock
    /// wait timeout, or SQLite's "database is locked". The transaction was rolled back; the same
    /// call can succeed when retried (see [`crate::retry`]).
    Transient(diesel::result::Error),
    /// The database reported an error that none of the variants above describes.
    Database(diesel::result::Error),
}

impl SoftDeleteError {
    /// Builds the error a hook returns to veto an operation.
    pub fn aborted(table: &'static str, message: impl Into<String>) -> Self {
        SoftDeleteError::Aborted {
            table,
            message: message.into(),
        }
    }

    /// True for transient failures that the same call can succeed on when retried
    /// (serialization failures and deadlocks under concurrent writers).
    pub fn is_retryable(&self) -> bool {
        matches!(self, SoftDeleteError::Transient(_))
    }
}

impl fmt::Display for SoftDeleteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SoftDeleteError::NotFound { table } => write!(
                f,
                "no matching row in `{table}`: check the key or filter (hidden rows are only found through `with_deleted()`)"
            ),
            SoftDeleteError::AlreadyDeleted { table } => write!(
                f,
                "the row in `{table}` is already soft-deleted: restore it first, or use `hard_delete` to remove it for good"
            ),
            SoftDeleteError::NotDeleted { table } => write!(
                f,
                "the row in `{table}` is live, so there is nothing to restore"
            ),
            SoftDeleteError::Protected {
                table,
                live_children,
                hidden_children,
                hidden_by,
            } => protected(f, table, *live_children, *hidden_children, *hidden_by),
            SoftDeleteError::ChangesetNotFound { id } => write!(
                f,
                "no changeset with id {id}: list existing ones with `Changeset::list`"
            ),
            SoftDeleteError::AlreadyRestored { id } => write!(
                f,
                "changeset {id} was already restored; a changeset is restored at most once"
            ),
            SoftDeleteError::NothingToRestore { id } => write!(
                f,
                "changeset {id} has nothing left to restore: every row it hid was permanently removed (hard delete, purge or erasure); it is kept as a record and was not marked restored"
            ),
            SoftDeleteError::Conflict { table, detail } => write!(
                f,
                "conflict in `{table}`: {detail}; nothing was changed — remove or rename the live row that holds the key, then retry"
            ),
            SoftDeleteError::Aborted { table, message } => write!(
                f,
                "a hook on `{table}` aborted the operation: {message}; nothing was changed"
            ),
            SoftDeleteError::Refused { table, message } => write!(
                f,
                "refused by the permission rule of `{table}`: {message}; nothing was changed"
            ),
            SoftDeleteError::UnknownTable { table } => write!(
                f,
                "table `{table}` has no `#[derive(SoftDeletable)]` model in this program: link the crate that defines it"
            ),
            SoftDeleteError::InvalidInput { message } => write!(f, "invalid input: {message}"),
            SoftDeleteError::Transient(e) => write!(
                f,
                "transient conflict with a concurrent transaction ({e}); nothing was changed — retry the operation"
            ),
            SoftDeleteError::Database(e) => write!(f, "database error: {e}"),
        }
    }
}

/// The message of [`SoftDeleteError::Protected`].
fn protected(
    f: &mut fmt::Formatter<'_>,
    table: &str,
    live: i64,
    hidden: i64,
    hidden_by: Option<i64>,
) -> fmt::Result {
    if hidden == 0 {
        return write!(
            f,
            "refused: {live} live row(s) in `{table}` reference the rows being deleted (a `protect` edge); delete or detach them first"
        );
    }
    let by = hidden_by.map_or(String::new(), |id| {
        format!(", for example by changeset {id}")
    });
    write!(
        f,
        "refused: {} row(s) in `{table}` reference the rows being removed (a `protect` edge): \
         {live} live and {hidden} hidden{by}; a hidden row still exists and still names its \
         parent, so remove or detach those rows first (restore their changeset to reach them \
         through the live API, or hard-delete them)",
        live + hidden
    )
}

impl std::error::Error for SoftDeleteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SoftDeleteError::Database(e) | SoftDeleteError::Transient(e) => Some(e),
            _ => None,
        }
    }
}

impl From<diesel::result::Error> for SoftDeleteError {
    fn from(e: diesel::result::Error) -> Self {
        if is_transient(&e) {
            SoftDeleteError::Transient(e)
        } else {
            SoftDeleteError::Database(e)
        }
    }
}

/// Serialization failures (PostgreSQL 40001, MySQL deadlock 1213 — Diesel maps both to
/// `SerializationFailure`), and the transient errors Diesel reports as `Unknown`: PostgreSQL's
/// deadlock (40P01) and lock timeouts (55P03), MySQL's lock wait timeout (1205), SQLite's
/// busy/locked database.
fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message().to_ascii_lowercase();
            m.contains("deadlock")
                || m.contains("lock wait timeout")
                || m.contains("lock timeout")
                || m.contains("could not obtain lock")
                || m.contains("could not serialize")
                || m.contains("database is locked")
                || m.contains("database table is locked")
        }
        _ => false,
    }
}

/// Runs `op` until it succeeds, fails with a non-transient error, or has been tried
/// `attempts` times, sleeping a little longer after each transient failure.
///
/// Every operation of this crate is one transaction that either completes or changes nothing,
/// so retrying a [`SoftDeleteError::Transient`] failure is always safe.
///
/// ```
/// # use soft_delete_runtime::{retry, SoftDeleteError};
/// let mut calls = 0;
/// let out: Result<u32, SoftDeleteError> = retry(3, || { calls += 1; Ok(7) });
/// assert_eq!((out.ok(), calls), (Some(7), 1));
/// ```
pub fn retry<T>(
    attempts: u32,
    mut op: impl FnMut() -> Result<T, SoftDeleteError>,
) -> Result<T, SoftDeleteError> {
    let mut tried = 0;
    loop {
        tried += 1;
        match op() {
            Err(e) if e.is_retryable() && tried < attempts.max(1) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * u64::from(tried)));
            }
            other => return other,
        }
    }
}

impl SoftDeleteError {
    /// Maps a database error raised while writing `table` to the matching variant.
    pub(crate) fn from_write(table: &'static str, e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let mut detail = info.message().to_owned();
                if let Some(c) = info.constraint_name() {
                    detail = format!("unique constraint `{c}` violated ({detail})");
                }
                if let Some(d) = info.details() {
                    detail = format!("{detail}: {d}");
                }
                SoftDeleteError::Conflict { table, detail }
            }
            other => SoftDeleteError::from(other),
        }
    }
}
