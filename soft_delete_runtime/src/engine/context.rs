//! What one operation carries through its statements and hooks.

use chrono::NaiveDateTime;

use crate::error::SoftDeleteError;
use crate::hooks::{Hook, HookCall, HookFns};
use crate::record::check_text;
use crate::time::{normalize, Instant};

use super::Exec;

/// One operation's changeset, audit data and time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op<'a> {
    /// The changeset being created or restored (`None` for a row restored without one).
    pub(crate) changeset: Option<i64>,
    pub(crate) actor: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    /// When, truncated to the microseconds every backend stores.
    pub(crate) at: Instant,
}

impl<'a> Op<'a> {
    /// An operation by `actor`, for `reason`, at `at` (now when `None`), without a changeset
    /// yet. Refuses an `actor` or `reason` the record cannot store (see [`check_text`]), before
    /// the operation sends anything.
    pub(crate) fn new(
        actor: Option<&'a str>,
        reason: Option<&'a str>,
        at: Option<NaiveDateTime>,
    ) -> Result<Op<'a>, SoftDeleteError> {
        check_text("actor", actor)?;
        check_text("reason", reason)?;
        Ok(Op {
            changeset: None,
            actor,
            reason,
            at: Instant::new(normalize(at)),
        })
    }

    /// The same operation, working on changeset `id`.
    pub(crate) fn on(self, id: i64) -> Op<'a> {
        Op {
            changeset: Some(id),
            ..self
        }
    }

    /// The operation's time as the record stores it.
    pub(crate) fn time(&self) -> NaiveDateTime {
        self.at.naive
    }

    /// Runs hook `which` of `hooks` (table `table`) on the connection of `e`; `rows`: in
    /// `after_*` hooks, the rows changed.
    pub(crate) async fn hook<E: Exec>(
        &self,
        e: &mut E,
        hooks: &'static HookFns,
        which: Hook,
        table: &'static str,
        rows: Option<u64>,
    ) -> Result<(), SoftDeleteError> {
        let call = HookCall {
            hooks,
            which,
            table,
            changeset_id: self.changeset,
            actor: self.actor,
            reason: self.reason,
            at: self.at.naive,
            rows,
        };
        e.run_hook(&call).await
    }
}
