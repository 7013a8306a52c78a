//! The changeset record as plain data: one row of `soft_delete_changesets` per soft delete
//! operation, the row the engine inserts, and the filters and views of the trash bin.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::error::SoftDeleteError;
use crate::report::TableCounts;
use crate::schema::{soft_delete_changesets, soft_delete_erasures};

/// The longest `actor` or `reason` the changeset record takes, in bytes (UTF-8).
///
/// It is the capacity of MySQL's `TEXT` column, the smallest of the three backends', so a value
/// accepted on one backend is accepted on all of them. Longer values are refused with
/// [`SoftDeleteError::InvalidInput`] before any statement runs, never truncated.
pub const MAX_TEXT_BYTES: usize = 65_535;

/// The largest page size [`Changeset::list`](crate::ChangesetStore::list) and
/// [`Erasure::list_page`](crate::ErasureStore::list_page) take: 10,000 records.
///
/// A page is read by one statement and held in memory whole, and the record grows with every
/// operation, so a size above any screen's page is a way to load it all by accident. Ten
/// thousand is far above what a screen shows and still a few megabytes of changesets. A
/// `limit` above it, or below 0, is refused with [`SoftDeleteError::InvalidInput`] before any
/// statement runs; 0 is a valid, empty page. To read further, page on with `before_id`
/// (keyset paging reaches every record); [`Erasure::list`](crate::ErasureStore::list) returns
/// every erasure record at once.
pub const MAX_PAGE: i64 = 10_000;

/// Refuses a page size outside `0..=MAX_PAGE` (SQLite reads a negative `LIMIT` as "no limit",
/// PostgreSQL refuses it with a database error), naming the argument `field`.
pub(crate) fn check_limit(field: &'static str, limit: i64) -> Result<(), SoftDeleteError> {
    let problem = if limit < 0 {
        "a page size cannot be negative"
    } else if limit > MAX_PAGE {
        "a page holds at most `MAX_PAGE` records"
    } else {
        return Ok(());
    };
    Err(SoftDeleteError::InvalidInput {
        message: format!(
            "`{field}` is {limit}: {problem}; pass 0 to {MAX_PAGE} and read the next page with \
             `before_id` (the id of the last record of this page)"
        ),
    })
}

/// Refuses text the record cannot store the same way on every backend: a NUL character
/// (PostgreSQL cannot store one in `TEXT`) or more than [`MAX_TEXT_BYTES`] bytes.
pub(crate) fn check_text(field: &'static str, value: Option<&str>) -> Result<(), SoftDeleteError> {
    let Some(text) = value else {
        return Ok(());
    };
    let problem = if text.contains('\0') {
        "contains a NUL character (`\\0`), which PostgreSQL cannot store; remove it".to_owned()
    } else if text.len() > MAX_TEXT_BYTES {
        format!(
            "is {} bytes long; the changeset record stores at most {MAX_TEXT_BYTES} bytes \
             (`MAX_TEXT_BYTES`): shorten it",
            text.len()
        )
    } else {
        return Ok(());
    };
    Err(SoftDeleteError::InvalidInput {
        message: format!("`{field}` {problem}"),
    })
}

/// One soft delete operation, as recorded in `soft_delete_changesets`.
///
/// Every row the operation hid carries its `id` in `deletion_id`; restoring the changeset
/// brings exactly those rows back. The record stays true when rows go for good: a hard delete,
/// purge or erasure of rows it hides counts them in [`rows_removed`](Changeset::rows_removed),
/// in the same transaction, and once none is left the changeset leaves the trash bin
/// ([`ChangesetState::Removed`]) and can no longer be restored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = soft_delete_changesets)]
pub struct Changeset {
    /// Changeset id.
    pub id: i64,
    /// When the rows were hidden (UTC).
    pub created_at: NaiveDateTime,
    /// Who hid them.
    pub actor: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// SQL name of the table the operation started from.
    pub root_table: String,
    /// Primary key of the root row, as text (single-row deletes only).
    pub root_key: Option<String>,
    /// How many rows the changeset has hidden, over all tables: the rows the operation hid, plus
    /// rows another changeset's restore deferred to this one (a row whose cascade parent this
    /// changeset hides waits for it; see [`RestoreReport::deferred`](crate::RestoreReport::deferred)).
    /// Until the changeset is restored, `rows_affected - rows_removed` rows carry its id.
    pub rows_affected: i64,
    /// When the changeset was restored (UTC).
    pub restored_at: Option<NaiveDateTime>,
    /// Who restored it.
    pub restored_by: Option<String>,
    /// How many of its hidden rows were permanently removed since (hard delete, purge, erase):
    /// a restore cannot bring them back.
    pub rows_removed: i64,
    /// When the last of its hidden rows was permanently removed: from then on the changeset is
    /// [`ChangesetState::Removed`], a record with nothing left to restore.
    pub removed_at: Option<NaiveDateTime>,
}

impl Changeset {
    /// Where the changeset stands: in the trash bin, restored, or with nothing left to restore.
    pub fn state(&self) -> ChangesetState {
        if self.restored_at.is_some() {
            ChangesetState::Restored
        } else if self.removed_at.is_some() {
            ChangesetState::Removed
        } else {
            ChangesetState::Restorable
        }
    }

    /// How many of its rows a restore would bring back or defer now: `rows_affected -
    /// rows_removed` while it is [`ChangesetState::Restorable`], 0 otherwise.
    pub fn rows_restorable(&self) -> i64 {
        match self.state() {
            ChangesetState::Restorable => (self.rows_affected - self.rows_removed).max(0),
            ChangesetState::Restored | ChangesetState::Removed => 0,
        }
    }
}

/// The state of a [`Changeset`], and what [`ChangesetFilter::state`] selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangesetState {
    /// Not restored, and some of its rows are still hidden: the trash bin. A restore brings
    /// them back.
    Restorable,
    /// Restored (`restored_at` is set).
    Restored,
    /// Every row it hid was permanently removed (hard delete, purge, erase) before anyone
    /// restored it (`removed_at` is set): a record only. Restoring it is
    /// [`SoftDeleteError::NothingToRestore`].
    Removed,
}

/// The row an operation inserts. Public only inside the sealed backend trait's signatures.
#[derive(Insertable)]
#[diesel(table_name = soft_delete_changesets)]
pub struct NewChangeset<'a> {
    pub(crate) created_at: NaiveDateTime,
    pub(crate) actor: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    pub(crate) root_table: &'a str,
    pub(crate) root_key: Option<&'a str>,
    pub(crate) rows_affected: i64,
}

impl NewChangeset<'_> {
    /// The record as it reads back once inserted as changeset `id`.
    pub(crate) fn to_changeset(&self, id: i64) -> Changeset {
        Changeset {
            id,
            created_at: self.created_at,
            actor: self.actor.map(str::to_owned),
            reason: self.reason.map(str::to_owned),
            root_table: self.root_table.to_owned(),
            root_key: self.root_key.map(str::to_owned),
            rows_affected: self.rows_affected,
            restored_at: None,
            restored_by: None,
            rows_removed: 0,
            removed_at: None,
        }
    }
}

/// Which changesets [`Changeset::list`](crate::ChangesetStore::list) returns: newest first, one page at a time.
///
/// ```
/// # use soft_delete_runtime::ChangesetFilter;
/// // the trash bin: changesets with rows left to restore
/// let first_page = ChangesetFilter::new().root_table("posts").restored(false).limit(20);
/// // next page: ChangesetFilter { before_id: Some(last_id_of_previous_page), ..first_page }
/// # let _ = first_page;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesetFilter {
    /// Only changesets by this actor.
    pub actor: Option<String>,
    /// Only changesets whose root table is this one.
    pub root_table: Option<String>,
    /// Only changesets created at or after this time.
    pub since: Option<NaiveDateTime>,
    /// Only changesets created before this time.
    pub until: Option<NaiveDateTime>,
    /// Only changesets in this state; `None`: all of them.
    pub state: Option<ChangesetState>,
    /// Keyset paging: only changesets with an id below this one (any id; none below 1 exist).
    pub before_id: Option<i64>,
    /// Page size, 0 to [`MAX_PAGE`] (default 50); any other value is refused with
    /// [`SoftDeleteError::InvalidInput`]. 0 is an empty page.
    pub limit: i64,
}

impl Default for ChangesetFilter {
    fn default() -> Self {
        ChangesetFilter {
            actor: None,
            root_table: None,
            since: None,
            until: None,
            state: None,
            before_id: None,
            limit: 50,
        }
    }
}

impl ChangesetFilter {
    /// Every changeset, 50 per page.
    pub fn new() -> Self {
        Self::default()
    }
    /// Only changesets by `actor`.
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }
    /// Only changesets that started from `table`.
    pub fn root_table(mut self, table: impl Into<String>) -> Self {
        self.root_table = Some(table.into());
        self
    }
    /// Only changesets created at or after `t`.
    pub fn since(mut self, t: NaiveDateTime) -> Self {
        self.since = Some(t);
        self
    }
    /// Only changesets created before `t`.
    pub fn until(mut self, t: NaiveDateTime) -> Self {
        self.until = Some(t);
        self
    }
    /// `false`: only the trash bin — changesets not yet restored with rows left to restore
    /// ([`ChangesetState::Restorable`]); `true`: only restored ones ([`ChangesetState::Restored`]).
    /// Changesets whose rows were all removed for good are neither: select them with
    /// [`ChangesetFilter::state`]`(ChangesetState::Removed)`.
    pub fn restored(self, restored: bool) -> Self {
        self.state(if restored {
            ChangesetState::Restored
        } else {
            ChangesetState::Restorable
        })
    }
    /// Only changesets in `state`.
    pub fn state(mut self, state: ChangesetState) -> Self {
        self.state = Some(state);
        self
    }
    /// Only changesets older than the one with id `id` (the next page).
    pub fn before_id(mut self, id: i64) -> Self {
        self.before_id = Some(id);
        self
    }
    /// Page size, 0 to [`MAX_PAGE`]: [`Changeset::list`](crate::ChangesetStore::list) refuses
    /// any other with [`SoftDeleteError::InvalidInput`], before any statement.
    pub fn limit(mut self, limit: i64) -> Self {
        self.limit = limit;
        self
    }
}

/// The keys one changeset hides in one table (from [`Changeset::rows`](crate::ChangesetStore::rows)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesetRows {
    /// SQL name of the table.
    pub table: &'static str,
    /// Primary keys of the rows, as text, in ascending key order.
    pub keys: Vec<String>,
}

/// One erasure, as recorded in `soft_delete_erasures`: which row of which table was erased,
/// when, by whom and why, and how many rows per table went — never the erased data.
///
/// Returned by `row.erase(..)`; [`Erasure::list`](crate::ErasureStore::list) pages through the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    /// Erasure id (its own sequence, distinct from changeset ids).
    pub id: i64,
    /// When (UTC).
    pub erased_at: NaiveDateTime,
    /// Who erased.
    pub actor: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Identity of the erased row's table.
    pub table: String,
    /// Primary key of the erased row, as text.
    pub key: Option<String>,
    /// Rows removed per table: the row and its cascade tree.
    pub removed: TableCounts,
    /// Rows per table whose foreign key a `nullify` edge set to `NULL`.
    pub nullified: TableCounts,
}

/// A row of `soft_delete_erasures` as loaded.
#[derive(Queryable, Selectable)]
#[diesel(table_name = soft_delete_erasures)]
pub struct ErasureRow {
    pub(crate) id: i64,
    pub(crate) erased_at: NaiveDateTime,
    pub(crate) actor: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) root_table: String,
    pub(crate) root_key: Option<String>,
    pub(crate) removed: String,
    pub(crate) nullified: String,
}

impl ErasureRow {
    pub(crate) fn into_erasure(self) -> Erasure {
        Erasure {
            id: self.id,
            erased_at: self.erased_at,
            actor: self.actor,
            reason: self.reason,
            table: self.root_table,
            key: self.root_key,
            removed: TableCounts::from_json(&self.removed),
            nullified: TableCounts::from_json(&self.nullified),
        }
    }
}

/// The row an erasure inserts. Public only inside the sealed backend trait's signatures.
#[derive(Insertable)]
#[diesel(table_name = soft_delete_erasures)]
pub struct NewErasure<'a> {
    pub(crate) erased_at: NaiveDateTime,
    pub(crate) actor: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    pub(crate) root_table: &'a str,
    pub(crate) root_key: Option<&'a str>,
    pub(crate) rows_removed: i64,
    pub(crate) removed: String,
    pub(crate) nullified: String,
}
