//! `protect(child::fk)`: refuse to delete rows that live child rows still reference.

use super::clauses::{self, Sel};
use crate::connection::SoftDeleteConnection;
use crate::registry::graph;
use crate::{SoftDeleteError, TableMeta};

/// Fails with `Protected` when a protect edge of `parent` has live children under the rows `sel` picks.
pub(crate) fn check<'a, C: SoftDeleteConnection>(
    conn: &mut C,
    parent: &'static TableMeta,
    sel: impl Fn() -> Sel<'a, C::Backend>,
) -> Result<(), SoftDeleteError> {
    for edge in parent.protect {
        let mut s = clauses::count_from::<C::Backend>(edge.table);
        s.ident(edge.fk).sql(" IN ");
        clauses::keys(&mut s, parent, sel(), None, edge.table);
        // A child table without a soft-delete model has only live rows.
        if let Some(child) = graph().table(edge.table) {
            s.sql(" AND ");
            clauses::live(&mut s, None, child);
        }
        refuse_live(edge.table, clauses::scalar(conn, &s)?)?;
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
