//! Soft delete with cascade: one changeset, one `UPDATE` per edge and level.

use diesel::query_builder::QueryFragment;

use super::clauses::{self, Sel};
use super::{protect, run_hook, Audit, TableCounts};
use crate::backend::SoftDeleteBackend;
use crate::changeset::NewChangeset;
use crate::connection::SoftDeleteConnection;
use crate::options::normalize;
use crate::sql::{Instant, Stmt};
use crate::{Changeset, DeleteOptions, SoftDeleteError, TableMeta};

/// The rows an operation starts from.
pub(crate) struct Root<'a, DB> {
    pub(crate) meta: &'static TableMeta,
    /// A predicate over `meta.table`: the key of one row, or the user's filter.
    pub(crate) filter: &'a dyn QueryFragment<DB>,
    /// The key as text, for a single-row operation.
    pub(crate) key: Option<String>,
}

pub(crate) fn soft_delete<C: SoftDeleteConnection>(
    conn: &mut C,
    root: Root<'_, C::Backend>,
    options: &DeleteOptions,
) -> Result<Changeset, SoftDeleteError> {
    let at = normalize(options.at);
    let audit = Audit {
        actor: options.actor.as_deref(),
        reason: options.reason.as_deref(),
        at,
    };
    super::transaction(conn, Some(root.meta), |conn| run(conn, &root, &audit))
}

fn run<C: SoftDeleteConnection>(
    conn: &mut C,
    root: &Root<'_, C::Backend>,
    audit: &Audit<'_>,
) -> Result<Changeset, SoftDeleteError> {
    let meta = root.meta;
    // Protect edges of the root are checked before anything is written.
    protect::check(conn, meta, || Sel::LiveFilter(root.filter))?;

    let new = NewChangeset {
        created_at: audit.at,
        actor: audit.actor,
        reason: audit.reason,
        root_table: meta.table,
        root_key: root.key.as_deref(),
        rows_affected: 0,
    };
    let id = <C::Backend as SoftDeleteBackend>::insert_changeset(conn, &new)?;
    let instant = Instant::new(audit.at);
    let mut counts = TableCounts::default();
    // Every table the operation touched, in order, with its own facts (from the edge, not the registry).
    let mut touched: Vec<&'static TableMeta> = Vec::new();

    run_hook(
        conn,
        meta.hooks.before_soft_delete,
        meta.table,
        Some(id),
        audit,
        None,
    )?;
    touched.push(meta);
    let mut s = clauses::update::<C::Backend>(meta.table);
    clauses::set_hidden(&mut s, meta, instant, id);
    s.sql(" WHERE (").fragment(root.filter).sql(") AND ");
    clauses::live(&mut s, None, meta);
    let n = s
        .execute(conn)
        .map_err(|e| SoftDeleteError::from_write(meta.table, e))?;
    if n == 0 {
        return Err(missing(conn, root)?);
    }
    counts.add(meta.table, n as u64);

    if meta.deletion_id.is_some() {
        cascade(conn, meta, id, instant, audit, &mut counts, &mut touched)?;
        // Protect edges of cascaded tables: their rows are only known now; an error rolls back.
        for child in touched.iter().skip(1).filter(|m| counts.get(m.table) > 0) {
            if let Some(cdid) = child.deletion_id {
                protect::check(conn, child, || Sel::Mark(cdid, id))?;
            }
        }
    }

    for m in &touched {
        let rows = counts.get(m.table);
        if rows > 0 {
            run_hook(
                conn,
                m.hooks.after_soft_delete,
                m.table,
                Some(id),
                audit,
                Some(rows),
            )?;
        }
    }

    let total = counts.total() as i64;
    let mut s = clauses::update::<C::Backend>(crate::CHANGESET_TABLE);
    s.sql(" SET ").ident("rows_affected").sql(" = ").i64(total);
    s.sql(" WHERE ").ident("id").sql(" = ").i64(id);
    s.execute(conn)?;

    Ok(Changeset {
        id,
        created_at: audit.at,
        actor: audit.actor.map(str::to_owned),
        reason: audit.reason.map(str::to_owned),
        root_table: meta.table.to_owned(),
        root_key: root.key.clone(),
        rows_affected: total,
        restored_at: None,
        restored_by: None,
    })
}

/// Level by level: hide the live children of every row this changeset hid so far.
#[allow(clippy::too_many_arguments)]
fn cascade<C: SoftDeleteConnection>(
    conn: &mut C,
    root: &'static TableMeta,
    id: i64,
    at: Instant,
    audit: &Audit<'_>,
    counts: &mut TableCounts,
    touched: &mut Vec<&'static TableMeta>,
) -> Result<(), SoftDeleteError> {
    let mut frontier: Vec<&'static TableMeta> = vec![root];
    while !frontier.is_empty() {
        let mut next: Vec<&'static TableMeta> = Vec::new();
        for parent in &frontier {
            let Some(pdid) = parent.deletion_id else {
                continue;
            };
            for edge in parent.cascade {
                let child = (edge.child)();
                if !touched.iter().any(|m| m.table == child.table) {
                    run_hook(
                        conn,
                        child.hooks.before_soft_delete,
                        child.table,
                        Some(id),
                        audit,
                        None,
                    )?;
                    touched.push(child);
                }
                let mut s: Stmt<'_, C::Backend> = clauses::update(child.table);
                clauses::set_hidden(&mut s, child, at, id);
                s.sql(" WHERE ");
                clauses::live(&mut s, None, child);
                s.sql(" AND ").ident(edge.fk).sql(" IN ");
                clauses::keys(&mut s, parent, Sel::Mark(pdid, id), None, child.table);
                let n = s
                    .execute(conn)
                    .map_err(|e| SoftDeleteError::from_write(child.table, e))?;
                if n > 0 {
                    counts.add(child.table, n as u64);
                    if !next.iter().any(|m| m.table == child.table) {
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
fn missing<C: SoftDeleteConnection>(
    conn: &mut C,
    root: &Root<'_, C::Backend>,
) -> Result<SoftDeleteError, SoftDeleteError> {
    let table = root.meta.table;
    if root.key.is_none() {
        return Ok(SoftDeleteError::NotFound { table });
    }
    let mut s = clauses::count_from::<C::Backend>(table);
    s.fragment(root.filter);
    Ok(if clauses::scalar(conn, &s)? == 0 {
        SoftDeleteError::NotFound { table }
    } else {
        SoftDeleteError::AlreadyDeleted { table }
    })
}
