//! `protect(child::fk)`: refuse to delete rows that child rows still reference — live ones for a
//! soft delete, live or hidden ones for a permanent removal.

use super::Exec;
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::registry::graph;
use crate::statements::{self, clauses::Sel};

/// Fails with `Protected` when a protect edge of `parent` has live children under the rows `sel`
/// picks: what a soft delete checks (hidden children stay hidden with their own changeset).
pub(crate) async fn check<'a, E: Exec>(
    e: &mut E,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, E::Backend>,
) -> Result<(), SoftDeleteError> {
    check_edges(e, parent, sel, true).await
}

/// Fails with `Protected` when a protect edge of `parent` has any child, live or hidden, under
/// the rows `sel` picks: what a hard delete, purge or erasure checks. A hidden child still exists
/// and still names its parent; removing the parent would break its foreign key, or leave an
/// orphan that a restore of its changeset would bring back.
pub(crate) async fn check_removal<'a, E: Exec>(
    e: &mut E,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, E::Backend>,
) -> Result<(), SoftDeleteError> {
    check_edges(e, parent, sel, false).await
}

/// One count per protect edge of `parent` (of live children only when `live_only`); the details
/// of a refusal (how many are live, which changeset hides one) cost two more, only then.
async fn check_edges<'a, E: Exec>(
    e: &mut E,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, E::Backend>,
    live_only: bool,
) -> Result<(), SoftDeleteError> {
    for edge in parent.protect {
        // A child table without a soft-delete model has only live rows.
        let child = graph().table(edge.identity());
        let count = statements::count_protected(parent, edge, child, sel(), live_only);
        let found = e.load_scalar(&count).await?;
        if found == 0 {
            continue;
        }
        let live = match (child, live_only) {
            (Some(_), false) => {
                let live = statements::count_protected(parent, edge, child, sel(), true);
                e.load_scalar(&live).await?
            }
            _ => found,
        };
        let hidden_by = match child.and_then(|c| Some((c, c.deletion_id?))) {
            Some((c, did)) if live < found => {
                let stmt = statements::protected_hidden_by(parent, edge, c, did, sel());
                Some(e.load_scalar(&stmt).await?).filter(|id| *id > 0)
            }
            _ => None,
        };
        return Err(SoftDeleteError::Protected {
            table: edge.identity(),
            live_children: live,
            hidden_children: found - live,
            hidden_by,
        });
    }
    Ok(())
}

/// `Protected` when `live_children` rows of `table` are live.
pub(crate) fn refuse_live(table: &'static str, live_children: i64) -> Result<(), SoftDeleteError> {
    if live_children > 0 {
        return Err(SoftDeleteError::Protected {
            table,
            live_children,
            hidden_children: 0,
            hidden_by: None,
        });
    }
    Ok(())
}
