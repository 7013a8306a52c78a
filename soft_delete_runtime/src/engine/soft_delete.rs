//! Soft delete with cascade: one changeset, one `UPDATE` per edge and level.

use crate::key::RowFilter;

use super::{protect, Exec, Op};
use crate::error::SoftDeleteError;
use crate::hooks::Hook;
use crate::meta::TableMeta;
use crate::options::DeleteOptions;
use crate::record::{Changeset, NewChangeset};
use crate::report::TableCounts;
use crate::statements::clauses::Sel;
use crate::statements::{self, Edge};

/// The rows an operation starts from.
pub(crate) struct Root<'a, DB> {
    pub(crate) meta: &'static TableMeta,
    /// A predicate over `meta.identity()`: the key of one row, or the user's filter.
    pub(crate) filter: &'a RowFilter<'a, DB>,
    /// The key as text, for a single-row operation.
    pub(crate) key: Option<String>,
}

pub(crate) async fn soft_delete<E: Exec>(
    e: &mut E,
    root: Root<'_, E::Backend>,
    options: &DeleteOptions,
) -> Result<Changeset, SoftDeleteError> {
    let op = Op::new(
        options.actor.as_deref(),
        options.reason.as_deref(),
        options.at,
    )?;
    super::transaction(e, Some(root.meta), async |e| run(e, &root, op).await).await
}

/// The tables an operation touched, in order, with the rows it changed in each.
#[derive(Default)]
struct Touched {
    /// Each table's own facts (from the edge that reached it, not the registry).
    tables: Vec<&'static TableMeta>,
    counts: TableCounts,
}

async fn run<E: Exec>(
    e: &mut E,
    root: &Root<'_, E::Backend>,
    op: Op<'_>,
) -> Result<Changeset, SoftDeleteError> {
    let meta = root.meta;
    // Protect edges of the root are checked before anything is written.
    protect::check(e, meta, || Sel::LiveFilter(root.filter)).await?;
    let mut new = record(root, op);
    let id = e.insert_changeset(&new).await?;
    let op = op.on(id);

    let mut touched = Touched::default();
    op.hook(
        e,
        &meta.hooks,
        Hook::BeforeSoftDelete,
        meta.identity(),
        None,
    )
    .await?;
    touched.tables.push(meta);
    let n = e
        .execute(&statements::hide_root(meta, root.filter, op.at, id))
        .await
        .map_err(|err| SoftDeleteError::from_write(meta.identity(), err))?;
    if n == 0 {
        return Err(missing(e, root).await?);
    }
    touched.counts.add(meta.identity(), n as u64);

    if meta.deletion_id.is_some() {
        cascade(e, op, id, &mut touched).await?;
        // Protect edges of cascaded tables: their rows are only known now; an error rolls back.
        for child in touched.tables.iter().skip(1) {
            if let (Some(cdid), true) =
                (child.deletion_id, touched.counts.get(child.identity()) > 0)
            {
                protect::check(e, child, || Sel::Mark(cdid, id)).await?;
            }
        }
    }
    for m in &touched.tables {
        let rows = touched.counts.get(m.identity());
        if rows > 0 {
            op.hook(e, &m.hooks, Hook::AfterSoftDelete, m.identity(), Some(rows))
                .await?;
        }
    }
    new.rows_affected = touched.counts.total() as i64;
    e.set_rows_affected(id, new.rows_affected).await?;
    Ok(new.to_changeset(id))
}

/// The changeset row `op` records for `root`.
fn record<'a, DB>(root: &'a Root<'_, DB>, op: Op<'a>) -> NewChangeset<'a> {
    NewChangeset {
        created_at: op.time(),
        actor: op.actor,
        reason: op.reason,
        root_table: root.meta.identity(),
        root_key: root.key.as_deref(),
        rows_affected: 0,
    }
}

/// Level by level: hide the live children of every row this changeset hid so far.
async fn cascade<E: Exec>(
    e: &mut E,
    op: Op<'_>,
    id: i64,
    touched: &mut Touched,
) -> Result<(), SoftDeleteError> {
    let mut frontier: Vec<&'static TableMeta> = vec![touched.tables[0]];
    while !frontier.is_empty() {
        let mut next: Vec<&'static TableMeta> = Vec::new();
        for parent in &frontier {
            for edge in Edge::outgoing(parent) {
                let child = edge.child;
                if !touched
                    .tables
                    .iter()
                    .any(|m| m.identity() == child.identity())
                {
                    op.hook(
                        e,
                        &child.hooks,
                        Hook::BeforeSoftDelete,
                        child.identity(),
                        None,
                    )
                    .await?;
                    touched.tables.push(child);
                }
                let n = e
                    .execute(&statements::hide_children(edge, op.at, id))
                    .await
                    .map_err(|err| SoftDeleteError::from_write(child.identity(), err))?;
                if n > 0 {
                    touched.counts.add(child.identity(), n as u64);
                    if !next.iter().any(|m| m.identity() == child.identity()) {
                        next.push(child);
                    }
                }
            }
        }
        frontier = next;
    }
    Ok(())
}

/// Why the root update matched nothing: no such row, or the row is hidden already.
async fn missing<E: Exec>(
    e: &mut E,
    root: &Root<'_, E::Backend>,
) -> Result<SoftDeleteError, SoftDeleteError> {
    let table = root.meta.identity();
    if root.key.is_none() {
        return Ok(SoftDeleteError::NotFound { table });
    }
    Ok(
        if e.load_scalar(&statements::count_rows(root.meta, root.filter))
            .await?
            == 0
        {
            SoftDeleteError::NotFound { table }
        } else {
            SoftDeleteError::AlreadyDeleted { table }
        },
    )
}
