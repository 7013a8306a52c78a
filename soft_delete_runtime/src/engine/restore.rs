//! Exact restore of one changeset.

use crate::key::RowFilter;

use super::graph::{components_from, Component};
use super::{Exec, Op};
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::error::SoftDeleteError;
use crate::hooks::{Authorization, Hook};
use crate::meta::TableMeta;
use crate::options::RestoreOptions;
use crate::registry::graph;
use crate::report::{Deferred, RestoreReport, TableCounts};
use crate::statements::{self, Edge};

pub(crate) async fn restore<E: Exec>(
    e: &mut E,
    id: i64,
    options: &RestoreOptions,
) -> Result<RestoreReport, SoftDeleteError> {
    let op = Op::new(options.actor.as_deref(), None, options.at)?.on(id);
    // The isolation level depends on the changeset's graph: on PostgreSQL, outside a transaction,
    // read its root first (it never changes; `run` re-reads the record under its claim).
    let scope = if <E::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres
        && super::outside_transaction(e)
    {
        Some(super::root_of(&super::changeset(e, id).await?)?)
    } else {
        None
    };
    super::transaction(e, scope, async |e| run(e, op, id).await).await
}

async fn run<E: Exec>(e: &mut E, op: Op<'_>, id: i64) -> Result<RestoreReport, SoftDeleteError> {
    let mut changeset = super::changeset(e, id).await?;
    if changeset.restored_at.is_some() {
        return Err(SoftDeleteError::AlreadyRestored { id });
    }
    if changeset.removed_at.is_some() {
        return Err(SoftDeleteError::NothingToRestore { id });
    }
    let root = super::root_of(&changeset)?;
    (root.hooks.authorize_restore)(&Authorization {
        table: root.identity(),
        changeset: Some(&changeset),
        key: changeset.root_key.as_deref(),
        actor: op.actor,
    })?;
    if root.deletion_id.is_none() {
        return Err(SoftDeleteError::InvalidInput {
            message: format!(
                "table `{}` has no `deletion_id` column, so its rows do not record their \
                 changeset: restore the row itself with `row.restore(conn)`",
                root.identity()
            ),
        });
    }
    // Claim the changeset first: of two concurrent restores of one changeset, the second waits
    // on this row and then finds it restored.
    if e.claim_restore(id, op.time(), op.actor).await? == 0 {
        return Err(SoftDeleteError::AlreadyRestored { id });
    }

    let mut restored = TableCounts::default();
    let mut deferred = Vec::new();
    for component in components_from(root) {
        for m in &component.tables {
            op.hook(e, &m.hooks, Hook::BeforeRestore, m.identity(), None)
                .await?;
        }
        retag_component(e, &component, id, &mut deferred).await?;
        for m in &component.tables {
            let Some(did) = m.deletion_id else { continue };
            let n = e
                .execute(&statements::restore_level(m, did, id))
                .await
                .map_err(|err| SoftDeleteError::from_write(m.identity(), err))?;
            if n > 0 {
                restored.add(m.identity(), n as u64);
            }
        }
    }
    if restored.total() == 0 && deferred.is_empty() {
        // Nothing carried the id any more (rows removed before the record kept count of them,
        // or by hand): an error, so the claim above is rolled back and nothing is marked.
        return Err(SoftDeleteError::NothingToRestore { id });
    }
    for (table, rows) in restored.iter() {
        if let Some(m) = graph().table(table) {
            op.hook(e, &m.hooks, Hook::AfterRestore, table, Some(rows))
                .await?;
        }
    }
    changeset.restored_at = Some(op.time());
    changeset.restored_by = op.actor.map(str::to_owned);
    Ok(RestoreReport {
        already_removed: changeset.rows_removed.max(0) as u64,
        changeset: Some(changeset),
        restored,
        deferred,
    })
}

/// Before a component's rows come back: a row whose other cascade parent is still hidden (by
/// another changeset) stays hidden and moves to that parent's changeset, so it comes back with
/// it. Per edge: the waiting rows counted per changeset (`deferred`), and only when there are
/// some, those changesets' counts raised and the rows moved.
async fn retag_component<E: Exec>(
    e: &mut E,
    component: &Component,
    id: i64,
    deferred: &mut Vec<Deferred>,
) -> Result<(), SoftDeleteError> {
    // Each incoming edge, and whether its parents may be hidden by another changeset: yes,
    // unless the parent lock (PostgreSQL) counted none.
    let mut edges: Vec<(Edge, &'static str, bool)> = Vec::new();
    for m in &component.tables {
        for incoming in graph().incoming(m.identity()) {
            let (Some(edge), Some(cdid)) =
                (Edge::new(incoming.parent, incoming.fk, m), m.deletion_id)
            else {
                continue;
            };
            let needed = lock_parents(e, edge, cdid, id).await? != Some(0);
            edges.push((edge, cdid, needed));
        }
    }
    // In a cycle a row moved by one pass can hide the parent of a row of another edge, so
    // there every edge is looked at as soon as one needs it, pass after pass.
    let any_needed = edges.iter().any(|e| e.2);
    edges.retain(|e| if component.cyclic { any_needed } else { e.2 });
    while !edges.is_empty() {
        let mut moved = 0;
        for (edge, cdid, _) in &edges {
            moved += defer_edge(e, *edge, cdid, id, deferred).await?;
        }
        if !component.cyclic || moved == 0 {
            break;
        }
    }
    Ok(())
}

/// Moves the rows of changeset `id` waiting for a parent through `edge` to the changesets hiding
/// those parents, counted into them and into `deferred`; returns how many moved.
async fn defer_edge<E: Exec>(
    e: &mut E,
    edge: Edge,
    cdid: &'static str,
    id: i64,
    deferred: &mut Vec<Deferred>,
) -> Result<u64, SoftDeleteError> {
    let waiting = e
        .load_pairs(&statements::deferred_counts(edge, cdid, id))
        .await?;
    if waiting.is_empty() {
        return Ok(0);
    }
    e.execute(&statements::take_deferred(edge, cdid, id))
        .await?;
    e.execute(&statements::retag(edge, cdid, id)).await?;
    let table = edge.child.identity();
    let mut moved = 0;
    for (changeset, rows) in waiting {
        let rows = rows.max(0) as u64;
        moved += rows;
        match deferred
            .iter_mut()
            .find(|d| d.table == table && d.changeset == changeset)
        {
            Some(d) => d.rows += rows,
            None => deferred.push(Deferred {
                table,
                rows,
                changeset,
            }),
        }
    }
    Ok(moved)
}

/// PostgreSQL: takes `FOR SHARE` locks on the parents (through `edge`) of the child rows that
/// changeset `id` hid, before the restore decides from those parents' state, and counts those
/// that are hidden by another changeset (`None` on the other backends, which lock nothing here).
/// With none, the edge has nothing to retag, and the locks keep it so until the transaction ends.
///
/// At `READ COMMITTED` a statement does not wait for rows another transaction is changing: a
/// restore could read a parent as live while a concurrent soft delete is hiding it (and leave the
/// child live under a hidden parent), or a soft delete could skip a child that a concurrent
/// restore is bringing back. With the parents share-locked, a concurrent soft delete of a parent
/// waits for this restore (and then cascades over the restored rows), and this restore waits
/// for a soft delete already under way (and then sees the parent hidden). On MySQL the count of
/// waiting rows (`statements::deferred_counts`) is itself a locking read; SQLite has one writer
/// at a time.
async fn lock_parents<E: Exec>(
    e: &mut E,
    edge: Edge,
    child_did: &'static str,
    id: i64,
) -> Result<Option<i64>, SoftDeleteError> {
    if <E::Backend as SoftDeleteBackend>::DIALECT != Dialect::Postgres {
        return Ok(None);
    }
    Ok(Some(
        e.load_scalar(&statements::lock_parents(edge, child_did, id))
            .await?,
    ))
}

/// `row.restore()`: restores the changeset that hid the row, or the row alone when it records none.
pub(crate) async fn restore_row<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
    key_text: &str,
    options: &RestoreOptions,
) -> Result<RestoreReport, SoftDeleteError> {
    let op = Op::new(options.actor.as_deref(), None, options.at)?;
    let state = e.load_i64(&statements::row_state(meta, key)).await?;
    match state.first().copied() {
        None => Err(SoftDeleteError::NotFound {
            table: meta.identity(),
        }),
        Some(-1) => Err(SoftDeleteError::NotDeleted {
            table: meta.identity(),
        }),
        Some(0) => {
            (meta.hooks.authorize_restore)(&Authorization {
                table: meta.identity(),
                changeset: None,
                key: Some(key_text),
                actor: op.actor,
            })?;
            super::transaction(e, Some(meta), async |e| {
                restore_single(e, meta, key, key_text, op).await
            })
            .await
        }
        Some(id) => restore(e, id, options).await,
    }
}

/// Restores one row that records no changeset, and closes as restored the changesets that name
/// it by key (those of its soft deletes).
async fn restore_single<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
    key_text: &str,
    op: Op<'_>,
) -> Result<RestoreReport, SoftDeleteError> {
    op.hook(e, &meta.hooks, Hook::BeforeRestore, meta.identity(), None)
        .await?;
    let n = e
        .execute(&statements::restore_row(meta, key))
        .await
        .map_err(|err| SoftDeleteError::from_write(meta.identity(), err))?;
    if n == 0 {
        // Another connection restored or removed it since we looked.
        return Err(SoftDeleteError::NotDeleted {
            table: meta.identity(),
        });
    }
    let closed = statements::Closed::Restored {
        key: key_text,
        actor: op.actor,
    };
    e.execute(&statements::close_row_changesets(meta, closed, op.at))
        .await?;
    op.hook(
        e,
        &meta.hooks,
        Hook::AfterRestore,
        meta.identity(),
        Some(n as u64),
    )
    .await?;
    let mut restored = TableCounts::default();
    restored.add(meta.identity(), n as u64);
    Ok(RestoreReport {
        changeset: None,
        restored,
        deferred: Vec::new(),
        already_removed: 0,
    })
}
