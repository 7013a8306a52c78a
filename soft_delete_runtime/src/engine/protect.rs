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
    for edge in parent.protect {
        // A child table without a soft-delete model has only live rows.
        let child = graph().table(edge.identity());
        let live = e
            .load_scalar(&statements::count_protected(
                parent,
                edge,
                child,
                sel(),
                true,
            ))
            .await?;
        refuse_live(edge.identity(), live)?;
    }
    Ok(())
}

/// Fails with `Protected` when a protect edge of `parent` has any child, live or hidden, under
/// the rows `sel` picks: what a hard delete, purge or erasure checks. A hidden child still exists
/// and still names its parent; removing the parent would break its foreign key, or leave an
/// orphan that a restore of its changeset would bring back. One statement per edge; the details
/// of a refusal (how many are live, which changeset hides one) cost two more, only then.
pub(crate) async fn check_removal<'a, E: Exec>(
    e: &mut E,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, E::Backend>,
) -> Result<(), SoftDeleteError> {
    for edge in parent.protect {
        let child = graph().table(edge.identity());
        let all = e
            .load_scalar(&statements::count_protected(
                parent,
                edge,
                child,
                sel(),
                false,
            ))
            .await?;
        if all == 0 {
            continue;
        }
        let live = match child {
            Some(_) => {
                e.load_scalar(&statements::count_protected(
                    parent,
                    edge,
                    child,
                    sel(),
                    true,
                ))
                .await?
            }
            None => all,
        };
        let hidden_by = match child.and_then(|c| Some((c, c.deletion_id?))) {
            Some((c, did)) if live < all => {
                let stmt = statements::protected_hidden_by(parent, edge, c, did, sel());
                Some(e.load_scalar(&stmt).await?).filter(|id| *id > 0)
            }
            _ => None,
        };
        return Err(SoftDeleteError::Protected {
            table: edge.identity(),
            live_children: live,
            hidden_children: all - live,
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
