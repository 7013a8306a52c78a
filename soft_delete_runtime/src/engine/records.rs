//! The operations on the record tables themselves: list changesets and erasures, redact an actor.

use super::{transaction, Exec};
use crate::error::SoftDeleteError;
use crate::options::RedactOptions;
use crate::record::{check_limit, check_text, Changeset, ChangesetFilter, Erasure};

/// One page of changesets, newest first.
pub(crate) async fn list_changesets<E: Exec>(
    e: &mut E,
    filter: &ChangesetFilter,
) -> Result<Vec<Changeset>, SoftDeleteError> {
    check_text("actor", filter.actor.as_deref())?;
    check_text("root_table", filter.root_table.as_deref())?;
    check_limit("limit", filter.limit)?;
    Ok(e.list_changesets(filter).await?)
}

/// At most `limit` erasure records below `before_id`, newest first; with `limit` `None`, all of
/// them (`Erasure::list`).
pub(crate) async fn list_erasures<E: Exec>(
    e: &mut E,
    before_id: Option<i64>,
    limit: Option<i64>,
) -> Result<Vec<Erasure>, SoftDeleteError> {
    let limit = match limit {
        Some(limit) => {
            check_limit("limit", limit)?;
            limit
        }
        None => i64::MAX,
    };
    let rows = e.list_erasures(before_id, limit).await?;
    Ok(rows.into_iter().map(|r| r.into_erasure()).collect())
}

/// Rewrites an actor's name in every record, in one transaction.
pub(crate) async fn redact_actor<E: Exec>(
    e: &mut E,
    options: &RedactOptions,
) -> Result<u64, SoftDeleteError> {
    check_text("actor", Some(&options.actor))?;
    check_text("replacement", options.replacement.as_deref())?;
    transaction(e, None, async |e| Ok(e.redact(options).await?)).await
}
