//! Exact restore of one changeset.

use super::clauses;
use super::graph::components_from;
use super::{run_hook, Audit, TableCounts};
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::connection::SoftDeleteConnection;
use crate::options::normalize;
use crate::registry::{graph, Incoming};
use crate::sql::Stmt;
use crate::{Changeset, RestoreOptions, RestoreReport, SoftDeleteError, TableMeta};

pub(crate) fn restore<C: SoftDeleteConnection>(
    conn: &mut C,
    id: i64,
    options: &RestoreOptions,
) -> Result<RestoreReport, SoftDeleteError> {
    let audit = Audit {
        actor: options.actor.as_deref(),
        reason: None,
        at: normalize(options.at),
    };
    // The isolation level depends on the changeset's graph: on PostgreSQL, outside a transaction,
    // read its root first (it never changes; `run` re-reads the record under its claim).
    let scope = if <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Postgres
        && super::outside_transaction(conn)
    {
        Some(super::root_of(&Changeset::find(conn, id)?)?)
    } else {
        None
    };
    super::transaction(conn, scope, |conn| run(conn, id, &audit))
}

fn run<C: SoftDeleteConnection>(
    conn: &mut C,
    id: i64,
    audit: &Audit<'_>,
) -> Result<RestoreReport, SoftDeleteError> {
    let mut changeset = Changeset::find(conn, id)?;
    if changeset.restored_at.is_some() {
        return Err(SoftDeleteError::AlreadyRestored { id });
    }
    let root = super::root_of(&changeset)?;
    if root.deletion_id.is_none() {
        return Err(SoftDeleteError::InvalidInput {
            message: format!(
                "table `{}` has no `deletion_id` column, so its rows do not record their changeset: restore the row itself with `row.restore(conn)`",
                root.table
            ),
        });
    }

    // Claim the changeset first: of two concurrent restores of one changeset, the second waits
    // on this row and then finds it restored.
    let mut s = clauses::update::<C::Backend>(crate::CHANGESET_TABLE);
    s.sql(" SET ").ident("restored_at").sql(" = ");
    s.time(
        crate::MarkerKind::Timestamp,
        crate::sql::Instant::new(audit.at),
    );
    s.sql(", ")
        .ident("restored_by")
        .sql(" = ")
        .text(audit.actor);
    s.sql(" WHERE ").ident("id").sql(" = ").i64(id);
    s.sql(" AND ").ident("restored_at").sql(" IS NULL");
    if s.execute(conn)? == 0 {
        return Err(SoftDeleteError::AlreadyRestored { id });
    }

    let mut restored = TableCounts::default();
    for component in components_from(root) {
        for m in &component.tables {
            run_hook(conn, m.hooks.before_restore, m.table, Some(id), audit, None)?;
        }
        // Each incoming edge, and whether its parents may be hidden by another changeset: yes,
        // unless the parent lock (PostgreSQL) counted none.
        let mut edges: Vec<(&'static TableMeta, &Incoming, bool)> = Vec::new();
        for m in &component.tables {
            for edge in graph().incoming(m.table) {
                let needed = lock_parents(conn, m, edge, id)? != Some(0);
                edges.push((m, edge, needed));
            }
        }
        // In a cycle a row moved by one pass can hide the parent of a row of another edge, so
        // there every edge is re-tagged as soon as one needs it.
        let any_needed = edges.iter().any(|e| e.2);
        edges.retain(|e| if component.cyclic { any_needed } else { e.2 });
        // A row whose other cascade parent is still hidden (by another changeset) stays hidden
        // and moves to that parent's changeset, so it comes back with it.
        while !edges.is_empty() {
            let mut moved = 0;
            for (m, edge, _) in &edges {
                moved += retag(conn, m, edge, id)?;
            }
            if !component.cyclic || moved == 0 {
                break;
            }
        }
        for m in &component.tables {
            let Some(did) = m.deletion_id else { continue };
            let mut s = clauses::update::<C::Backend>(m.table);
            clauses::set_live(&mut s, m);
            s.sql(" WHERE ").ident(did).sql(" = ").i64(id);
            let n = s
                .execute(conn)
                .map_err(|e| SoftDeleteError::from_write(m.table, e))?;
            if n > 0 {
                restored.add(m.table, n as u64);
            }
        }
    }
    for (table, rows) in restored.iter().collect::<Vec<_>>() {
        if let Some(m) = graph().table(table) {
            run_hook(
                conn,
                m.hooks.after_restore,
                table,
                Some(id),
                audit,
                Some(rows),
            )?;
        }
    }

    changeset.restored_at = Some(audit.at);
    changeset.restored_by = audit.actor.map(str::to_owned);
    Ok(RestoreReport {
        changeset: Some(changeset),
        restored,
    })
}

/// PostgreSQL: takes `FOR SHARE` locks on the parents (through `edge`) of the rows of `child`
/// that changeset `id` hid, before the restore decides from those parents' state, and counts
/// those that are hidden by another changeset (`None` where nothing was locked or counted).
/// With none, the edge has nothing to retag, and the locks keep it so until the transaction ends.
///
/// At `READ COMMITTED` a statement does not wait for rows another transaction is changing: a
/// restore could read a parent as live while a concurrent soft delete is hiding it (and leave the
/// child live under a hidden parent), or a soft delete could skip a child that a concurrent
/// restore is bringing back. With the parents share-locked, a concurrent soft delete of a parent
/// waits for this restore (and then cascades over the restored rows), and this restore waits
/// for a soft delete already under way (and then sees the parent hidden). MySQL's `UPDATE ... JOIN`
/// already locks the rows it reads; SQLite has one writer at a time.
fn lock_parents<C: SoftDeleteConnection>(
    conn: &mut C,
    child: &'static TableMeta,
    edge: &Incoming,
    id: i64,
) -> Result<Option<i64>, SoftDeleteError> {
    let (Some(cdid), Some(pdid)) = (child.deletion_id, edge.parent.deletion_id) else {
        return Ok(None);
    };
    if <C::Backend as SoftDeleteBackend>::DIALECT != Dialect::Postgres {
        return Ok(None);
    }
    let parent = edge.parent;
    let locked = "sd_locked";
    let mut s: Stmt<'_, C::Backend> = Stmt::new();
    // The test is an expression over the locked rows, not a `WHERE`: PostgreSQL may push a
    // `WHERE` below the lock, where it would see the rows as they were before the wait.
    s.sql("SELECT COALESCE(SUM(CASE WHEN ");
    s.col(locked, pdid).sql(" <> ").i64(id);
    s.sql(" AND ");
    clauses::hidden(&mut s, Some(locked), parent);
    s.sql(" THEN 1 ELSE 0 END), 0) FROM (SELECT ")
        .ident(parent.marker)
        .sql(", ")
        .ident(pdid)
        .sql(" FROM ")
        .ident(parent.table);
    s.sql(" WHERE ")
        .ident(parent.primary_key)
        .sql(" IN (SELECT ")
        .ident(edge.fk);
    s.sql(" FROM ")
        .ident(child.table)
        .sql(" WHERE ")
        .ident(cdid)
        .sql(" = ")
        .i64(id);
    s.sql(") FOR SHARE) AS ").ident(locked);
    Ok(Some(clauses::scalar(conn, &s)?))
}

/// Moves the rows of `child` hidden by changeset `id` whose parent through `edge` is hidden by
/// another changeset into that changeset.
fn retag<C: SoftDeleteConnection>(
    conn: &mut C,
    child: &'static TableMeta,
    edge: &Incoming,
    id: i64,
) -> Result<usize, SoftDeleteError> {
    let (Some(cdid), Some(pdid)) = (child.deletion_id, edge.parent.deletion_id) else {
        return Ok(0);
    };
    let parent = edge.parent;
    let p = "sd_parent";
    let mut s: Stmt<'_, C::Backend> = Stmt::new();
    s.sql("UPDATE ").ident(child.table);
    if <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Mysql {
        s.sql(" INNER JOIN ")
            .ident(parent.table)
            .sql(" AS ")
            .ident(p);
        s.sql(" ON ")
            .col(p, parent.primary_key)
            .sql(" = ")
            .col(child.table, edge.fk);
        s.sql(" SET ")
            .col(child.table, cdid)
            .sql(" = ")
            .col(p, pdid);
    } else {
        s.sql(" SET ").ident(cdid).sql(" = ").col(p, pdid);
        s.sql(" FROM ").ident(parent.table).sql(" AS ").ident(p);
        s.sql(" WHERE ")
            .col(p, parent.primary_key)
            .sql(" = ")
            .col(child.table, edge.fk);
    }
    s.sql(
        if <C::Backend as SoftDeleteBackend>::DIALECT == Dialect::Mysql {
            " WHERE "
        } else {
            " AND "
        },
    );
    s.col(child.table, cdid).sql(" = ").i64(id);
    // `<> id` is already false for NULL. An extra `IS NOT NULL` made PostgreSQL plan an index
    // scan over every hidden parent once per child row (3.3 s vs 62 ms on 100k rows, BENCHMARKS.md).
    s.sql(" AND ").col(p, pdid).sql(" <> ").i64(id);
    s.sql(" AND ");
    clauses::hidden(&mut s, Some(p), parent);
    Ok(s.execute(conn)?)
}

/// `row.restore()`: restores the changeset that hid the row, or the row alone when it records none.
pub(crate) fn restore_row<C: SoftDeleteConnection>(
    conn: &mut C,
    meta: &'static TableMeta,
    key: &dyn diesel::query_builder::QueryFragment<C::Backend>,
    options: &RestoreOptions,
) -> Result<RestoreReport, SoftDeleteError> {
    // -1: live; 0: hidden without a changeset; otherwise the changeset id.
    let mut s: Stmt<'_, C::Backend> = Stmt::new();
    s.sql("SELECT CASE WHEN ");
    clauses::live(&mut s, None, meta);
    // Bound as BigInt parameters so every backend types the CASE as BIGINT.
    s.sql(" THEN ").i64(-1).sql(" ELSE ");
    match meta.deletion_id {
        Some(did) => s.sql("COALESCE(").ident(did).sql(", ").i64(0).sql(")"),
        None => s.i64(0),
    };
    s.sql(" END FROM ")
        .ident(meta.table)
        .sql(" WHERE ")
        .fragment(key);
    let state = s.load_i64(conn)?;
    match state.first().copied() {
        None => Err(SoftDeleteError::NotFound { table: meta.table }),
        Some(-1) => Err(SoftDeleteError::NotDeleted { table: meta.table }),
        Some(0) => {
            let audit = Audit {
                actor: options.actor.as_deref(),
                reason: None,
                at: normalize(options.at),
            };
            super::transaction(conn, Some(meta), |conn| {
                restore_single(conn, meta, key, &audit)
            })
        }
        Some(id) => restore(conn, id, options),
    }
}

/// Restores one row that records no changeset.
fn restore_single<C: SoftDeleteConnection>(
    conn: &mut C,
    meta: &'static TableMeta,
    key: &dyn diesel::query_builder::QueryFragment<C::Backend>,
    audit: &Audit<'_>,
) -> Result<RestoreReport, SoftDeleteError> {
    run_hook(
        conn,
        meta.hooks.before_restore,
        meta.table,
        None,
        audit,
        None,
    )?;
    let mut s = clauses::update::<C::Backend>(meta.table);
    clauses::set_live(&mut s, meta);
    s.sql(" WHERE (").fragment(key).sql(") AND ");
    clauses::hidden(&mut s, None, meta);
    let n = s
        .execute(conn)
        .map_err(|e| SoftDeleteError::from_write(meta.table, e))?;
    if n == 0 {
        // Another connection restored or removed it since we looked.
        return Err(SoftDeleteError::NotDeleted { table: meta.table });
    }
    run_hook(
        conn,
        meta.hooks.after_restore,
        meta.table,
        None,
        audit,
        Some(n as u64),
    )?;
    let mut restored = TableCounts::default();
    restored.add(meta.table, n as u64);
    Ok(RestoreReport {
        changeset: None,
        restored,
    })
}
