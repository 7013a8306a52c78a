//! The changeset record's operations: find, list, inspect and restore changesets.

use crate::backend::sealed::Ops;
use crate::connection::SoftDeleteConnection;
use crate::engine;
use crate::error::SoftDeleteError;
use crate::options::RestoreOptions;
use crate::record::{check_text, Changeset, ChangesetFilter, ChangesetRows};
use crate::report::RestoreReport;

impl Changeset {
    /// Loads changeset `id`.
    pub fn find<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<Changeset, SoftDeleteError> {
        engine::changeset(conn, id)
    }

    /// Pages through the changesets, newest first.
    pub fn list<C: SoftDeleteConnection>(
        conn: &mut C,
        filter: &ChangesetFilter,
    ) -> Result<Vec<Changeset>, SoftDeleteError> {
        check_text("actor", filter.actor.as_deref())?;
        check_text("root_table", filter.root_table.as_deref())?;
        Ok(<C::Backend as Ops>::list_changesets(conn, filter)?)
    }

    /// Per table, the keys of the rows changeset `id` currently hides (tables with none are left out).
    pub fn rows<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<Vec<ChangesetRows>, SoftDeleteError> {
        engine::inspect::rows(conn, id)
    }

    /// Restores changeset `id`: every row it hid comes back, as one unit.
    ///
    /// Rows hidden by other changesets stay hidden; a row whose other cascade parent is still
    /// hidden stays hidden and moves to that parent's changeset.
    pub fn restore<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<RestoreReport, SoftDeleteError> {
        engine::restore::restore(conn, id, &RestoreOptions::new())
    }

    /// [`Changeset::restore`] with who and when.
    pub fn restore_with<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
        options: &RestoreOptions,
    ) -> Result<RestoreReport, SoftDeleteError> {
        engine::restore::restore(conn, id, options)
    }
}
