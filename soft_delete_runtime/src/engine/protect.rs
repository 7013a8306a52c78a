//! `protect(child::fk)`: refuse to delete rows that live child rows still reference.

use super::Exec;
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::registry::graph;
use crate::statements::{self, clauses::Sel};

/// Fails with `Protected` when a protect edge of `parent` has live children under the rows `sel` picks.
pub(crate) async fn check<'a, E: Exec>(
    e: &mut E,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, E::Backend>,
) -> Result<(), SoftDeleteError> {
    for edge in parent.protect {
        // A child table without a soft-delete model has only live rows.
        let child = graph().table(edge.identity());
        let live = e
            .load_scalar(&statements::count_protected(parent, edge, child, sel()))
            .await?;
        refuse_live(edge.identity(), live)?;
    }
    Ok(())
}

/// `Protected` when `live_children` rows of `table` are live.
pub(crate) fn refuse_live(table: &'static str, live_children: i64) -> Result<(), SoftDeleteError> {
    if live_children > 0 {
        return Err(SoftDeleteError::Protected {
            table,
            live_children,
        });
    }
    Ok(())
}
