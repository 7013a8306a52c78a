//! Erasure: the permanent removal of a row (live or hidden) and its cascade tree, recorded
//! without the erased data.

use crate::key::RowFilter;

use super::{remove, Exec, Op};
use crate::error::SoftDeleteError;
use crate::hooks::Authorization;
use crate::meta::TableMeta;
use crate::options::EraseOptions;
use crate::record::{Erasure, NewErasure};

/// Asks the table's erase rule, then in one transaction removes the row and its tree (applying
/// `protect` checks and `nullify` edges, as a hard delete) and records the erasure.
pub(crate) async fn erase<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
    key_text: &str,
    options: &EraseOptions,
) -> Result<Erasure, SoftDeleteError> {
    let op = Op::new(
        options.actor.as_deref(),
        options.reason.as_deref(),
        options.at,
    )?;
    (meta.hooks.authorize_erase)(&Authorization {
        table: meta.identity(),
        changeset: None,
        key: Some(key_text),
        actor: op.actor,
    })?;
    super::transaction(e, Some(meta), async |e| {
        let removal = remove::remove_row(e, meta, key).await?;
        let new = NewErasure {
            erased_at: op.time(),
            actor: op.actor,
            reason: op.reason,
            root_table: meta.identity(),
            root_key: Some(key_text),
            rows_removed: removal.removed.total() as i64,
            removed: removal.removed.to_json(),
            nullified: removal.nullified.to_json(),
        };
        let id = e.insert_erasure(&new).await?;
        Ok(Erasure {
            id,
            erased_at: op.time(),
            actor: op.actor.map(str::to_owned),
            reason: op.reason.map(str::to_owned),
            table: meta.identity().to_owned(),
            key: Some(key_text.to_owned()),
            removed: removal.removed,
            nullified: removal.nullified,
        })
    })
    .await
}
