//! Read-only views of a changeset.

use super::graph::components_from;
use crate::connection::SoftDeleteConnection;
use crate::error::SoftDeleteError;
use crate::record::ChangesetRows;
use crate::statements;

/// Per table reachable from the changeset's root, the keys of the rows it hides.
pub(crate) fn rows<C: SoftDeleteConnection>(
    conn: &mut C,
    id: i64,
) -> Result<Vec<ChangesetRows>, SoftDeleteError> {
    let root = super::root_of(&super::changeset(conn, id)?)?;
    let mut out = Vec::new();
    for component in components_from(root) {
        for m in component.tables {
            let Some(did) = m.deletion_id else { continue };
            let keys = statements::changeset_keys(m, did, id).load_text(conn)?;
            if !keys.is_empty() {
                out.push(ChangesetRows {
                    table: m.identity(),
                    keys,
                });
            }
        }
    }
    Ok(out)
}
