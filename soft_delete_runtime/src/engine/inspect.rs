//! Read-only views of a changeset.

use super::graph::components_from;
use super::Exec;
use crate::error::SoftDeleteError;
use crate::record::ChangesetRows;
use crate::statements;

/// The text form of a composite key read back from the database.
fn canonical_key(json: &str) -> Result<String, SoftDeleteError> {
    crate::key::canonical(json).map_err(|e| {
        SoftDeleteError::Database(diesel::result::Error::DeserializationError(Box::new(e)))
    })
}

/// Per table reachable from the changeset's root, the keys of the rows it hides.
pub(crate) async fn rows<E: Exec>(
    e: &mut E,
    id: i64,
) -> Result<Vec<ChangesetRows>, SoftDeleteError> {
    let root = super::root_of(&super::changeset(e, id).await?)?;
    let mut out = Vec::new();
    for component in components_from(root) {
        for m in component.tables {
            let Some(did) = m.deletion_id else { continue };
            let mut keys = e.load_text(&statements::changeset_keys(m, did, id)).await?;
            if m.primary_key.len() > 1 {
                keys = keys
                    .iter()
                    .map(|k| canonical_key(k))
                    .collect::<Result<_, _>>()?;
            }
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
