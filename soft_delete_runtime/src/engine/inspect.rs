//! Read-only views of a changeset.

use super::clauses;
use super::graph::components_from;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::changeset::ChangesetRows;
use crate::connection::SoftDeleteConnection;
use crate::sql::Stmt;
use crate::{Changeset, SoftDeleteError};

/// Per table reachable from the changeset's root, the keys of the rows it hides.
pub(crate) fn rows<C: SoftDeleteConnection>(
    conn: &mut C,
    id: i64,
) -> Result<Vec<ChangesetRows>, SoftDeleteError> {
    let changeset = Changeset::find(conn, id)?;
    let root = super::root_of(&changeset)?;
    let text = match <C::Backend as SoftDeleteBackend>::DIALECT {
        Dialect::Mysql => " AS CHAR)",
        _ => " AS TEXT)",
    };
    let mut out = Vec::new();
    for component in components_from(root) {
        for m in component.tables {
            let Some(did) = m.deletion_id else { continue };
            let mut s: Stmt<'_, C::Backend> = Stmt::new();
            s.sql("SELECT CAST(").ident(m.primary_key).sql(text);
            s.sql(" FROM ")
                .ident(m.table)
                .sql(" WHERE ")
                .ident(did)
                .sql(" = ")
                .i64(id);
            s.sql(" AND ");
            clauses::hidden(&mut s, None, m);
            s.sql(" ORDER BY ").ident(m.primary_key);
            let keys = s.load_text(conn)?;
            if !keys.is_empty() {
                out.push(ChangesetRows {
                    table: m.table,
                    keys,
                });
            }
        }
    }
    Ok(out)
}
