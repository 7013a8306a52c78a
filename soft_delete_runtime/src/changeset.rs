//! The changeset record's operations: find, list, inspect and restore changesets.

use crate::backend::sealed::Ops;
use crate::connection::SoftDeleteConnection;
use crate::engine;
use crate::error::SoftDeleteError;
use crate::options::{RedactOptions, RestoreOptions};
use crate::record::{check_text, Changeset, ChangesetFilter, ChangesetRows, Erasure};
use crate::report::RestoreReport;

impl Changeset {
    /// Loads changeset `id`.
    pub fn find<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<Changeset, SoftDeleteError> {
        engine::block_on(engine::changeset(&mut engine::Blocking(conn), id))
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
        engine::block_on(engine::inspect::rows(&mut engine::Blocking(conn), id))
    }

    /// Restores changeset `id`: every row it hid comes back, as one unit.
    ///
    /// Rows hidden by other changesets stay hidden; a row whose other cascade parent is still
    /// hidden stays hidden and moves to that parent's changeset.
    pub fn restore<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<RestoreReport, SoftDeleteError> {
        engine::block_on(engine::restore::restore(
            &mut engine::Blocking(conn),
            id,
            &RestoreOptions::new(),
        ))
    }

    /// Rewrites `actor` and `restored_by` wherever they are `actor`, in every changeset and
    /// every erasure record, to `replacement` (a person's name is personal data too); returns
    /// how many records changed. One transaction, one statement per record table.
    ///
    /// [`redact_actor_with`](Changeset::redact_actor_with) also clears reasons, or writes `NULL`.
    pub fn redact_actor<C: SoftDeleteConnection>(
        conn: &mut C,
        actor: &str,
        replacement: &str,
    ) -> Result<u64, SoftDeleteError> {
        Self::redact_actor_with(conn, &RedactOptions::new(actor).replacement(replacement))
    }

    /// [`Changeset::redact_actor`] as `options` say: `NULL` instead of a replacement, and with
    /// [`RedactOptions::clear_reasons`] the `reason` of that actor's records set to `NULL`.
    pub fn redact_actor_with<C: SoftDeleteConnection>(
        conn: &mut C,
        options: &RedactOptions,
    ) -> Result<u64, SoftDeleteError> {
        check_text("actor", Some(&options.actor))?;
        check_text("replacement", options.replacement.as_deref())?;
        let mut e = engine::Blocking(conn);
        engine::block_on(engine::transaction(&mut e, None, async |e| {
            Ok(<C::Backend as Ops>::redact(e.0, options)?)
        }))
    }

    /// [`Changeset::restore`] with who and when.
    pub fn restore_with<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
        options: &RestoreOptions,
    ) -> Result<RestoreReport, SoftDeleteError> {
        engine::block_on(engine::restore::restore(
            &mut engine::Blocking(conn),
            id,
            options,
        ))
    }
}

impl Erasure {
    /// Every erasure record, newest first (what an admin screen lists beside the trash bin).
    /// Erasures are rare; page with [`Erasure::list_page`] when they are not.
    pub fn list<C: SoftDeleteConnection>(conn: &mut C) -> Result<Vec<Erasure>, SoftDeleteError> {
        Self::list_page(conn, None, i64::MAX)
    }

    /// At most `limit` erasure records with an id below `before_id` (`None`: from the newest),
    /// newest first.
    pub fn list_page<C: SoftDeleteConnection>(
        conn: &mut C,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Erasure>, SoftDeleteError> {
        let rows = <C::Backend as Ops>::list_erasures(conn, before_id, limit)?;
        Ok(rows.into_iter().map(|r| r.into_erasure()).collect())
    }
}
