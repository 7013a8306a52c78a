//! The record tables' operations on a Diesel connection: find, list, inspect, restore and
//! redact changesets ([`ChangesetStore`]), list erasures ([`ErasureStore`]).
//!
//! They are traits, implemented by [`Changeset`] and [`Erasure`] and in the prelude, so that
//! `Changeset::find(&mut conn, id)` reads the same on a diesel-async connection: there, the
//! traits of the same names in [`crate::asynchronous`] are in scope instead.

use crate::connection::SoftDeleteConnection;
use crate::engine;
use crate::error::SoftDeleteError;
use crate::options::{RedactOptions, RestoreOptions};
use crate::record::{Changeset, ChangesetFilter, ChangesetRows, Erasure};
use crate::report::RestoreReport;

/// Only the record types implement the store traits.
pub(crate) mod sealed {
    /// The record types.
    pub trait Record {}
    impl Record for crate::record::Changeset {}
    impl Record for crate::record::Erasure {}
}

/// The changeset record's operations, called as `Changeset::find(&mut conn, id)`,
/// `Changeset::list(..)`, ...: implemented by [`Changeset`] (only) and in the prelude.
///
/// With feature `async`, `asynchronous::ChangesetStore`
/// has the same functions for diesel-async connections, awaited.
pub trait ChangesetStore: sealed::Record {
    /// Loads changeset `id`.
    fn find<C: SoftDeleteConnection>(conn: &mut C, id: i64) -> Result<Changeset, SoftDeleteError> {
        engine::block_on(engine::changeset(&mut engine::Blocking(conn), id))
    }

    /// Pages through the changesets, newest first.
    fn list<C: SoftDeleteConnection>(
        conn: &mut C,
        filter: &ChangesetFilter,
    ) -> Result<Vec<Changeset>, SoftDeleteError> {
        engine::block_on(engine::records::list_changesets(
            &mut engine::Blocking(conn),
            filter,
        ))
    }

    /// Per table, the keys of the rows changeset `id` currently hides (tables with none are left out).
    fn rows<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<Vec<ChangesetRows>, SoftDeleteError> {
        engine::block_on(engine::inspect::rows(&mut engine::Blocking(conn), id))
    }

    /// Restores changeset `id`: every row it hid comes back, as one unit.
    ///
    /// Rows hidden by other changesets stay hidden; a row whose other cascade parent is still
    /// hidden stays hidden and moves to that parent's changeset.
    fn restore<C: SoftDeleteConnection>(
        conn: &mut C,
        id: i64,
    ) -> Result<RestoreReport, SoftDeleteError> {
        Self::restore_with(conn, id, &RestoreOptions::new())
    }

    /// [`ChangesetStore::restore`] with who and when.
    fn restore_with<C: SoftDeleteConnection>(
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

    /// Rewrites `actor` and `restored_by` wherever they are `actor`, in every changeset and
    /// every erasure record, to `replacement` (a person's name is personal data too); returns
    /// how many records changed. One transaction, one statement per record table.
    ///
    /// [`redact_actor_with`](ChangesetStore::redact_actor_with) also clears reasons, or writes
    /// `NULL`.
    fn redact_actor<C: SoftDeleteConnection>(
        conn: &mut C,
        actor: &str,
        replacement: &str,
    ) -> Result<u64, SoftDeleteError> {
        Self::redact_actor_with(conn, &RedactOptions::new(actor).replacement(replacement))
    }

    /// [`ChangesetStore::redact_actor`] as `options` say: `NULL` instead of a replacement, and
    /// with [`RedactOptions::clear_reasons`] the `reason` of that actor's records set to `NULL`.
    fn redact_actor_with<C: SoftDeleteConnection>(
        conn: &mut C,
        options: &RedactOptions,
    ) -> Result<u64, SoftDeleteError> {
        engine::block_on(engine::records::redact_actor(
            &mut engine::Blocking(conn),
            options,
        ))
    }
}

impl ChangesetStore for Changeset {}

/// The erasure record's operations, called as `Erasure::list(&mut conn)`: implemented by
/// [`Erasure`] (only) and in the prelude. With feature `async`,
/// `asynchronous::ErasureStore` awaits them.
pub trait ErasureStore: sealed::Record {
    /// Every erasure record, newest first (what an admin screen lists beside the trash bin).
    /// Erasures are rare; page with [`ErasureStore::list_page`] when they are not.
    fn list<C: SoftDeleteConnection>(conn: &mut C) -> Result<Vec<Erasure>, SoftDeleteError> {
        engine::block_on(engine::records::list_erasures(
            &mut engine::Blocking(conn),
            None,
            None,
        ))
    }

    /// At most `limit` erasure records with an id below `before_id` (`None`: from the newest),
    /// newest first. `limit` is 0 to [`MAX_PAGE`](crate::MAX_PAGE); any other is refused with
    /// [`SoftDeleteError::InvalidInput`] before any statement.
    fn list_page<C: SoftDeleteConnection>(
        conn: &mut C,
        before_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Erasure>, SoftDeleteError> {
        engine::block_on(engine::records::list_erasures(
            &mut engine::Blocking(conn),
            before_id,
            Some(limit),
        ))
    }
}

impl ErasureStore for Erasure {}
