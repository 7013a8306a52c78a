//! Permanent deletion: `hard_delete` and `purge`, children first, set-based.
//!
//! The rows to remove are first marked level by level in their `deletion_id` column with
//! temporary negative values unique to the operation (`-(t << 16) - level`, where `t` is a
//! changeset id reserved for the operation and released at its end). A row reached again at a
//! deeper level (a diamond, a seed that is also another seed's descendant) is marked again, so
//! each row ends at the *deepest* level it is reached and every child is strictly deeper than its
//! parents. Levels are then deleted deepest first: children go before their parents, with or
//! without `ON DELETE CASCADE` in the schema, and even on MySQL, which checks foreign keys row by
//! row. The marks never outlive the transaction.
//!
//! A *leaf* table (one with no cascade edges of its own) is not marked: nothing hangs off its
//! rows, so they are deleted straight through their parent's mark
//! (`DELETE FROM leaf WHERE fk IN (SELECT pk FROM parent WHERE deletion_id = <mark>)`) just
//! before that parent level goes. Leaves usually hold most of the rows, and marking them first
//! would write every one of them twice.

use diesel::query_builder::QueryFragment;

use super::clauses::{self, Sel};
use super::{protect, TableCounts};
use crate::backend::SoftDeleteBackend;
use crate::changeset::NewChangeset;
use crate::connection::SoftDeleteConnection;
use crate::options::now;
use crate::sql::{Instant, Stmt};
use crate::{PurgeOptions, PurgeReport, SoftDeleteError, TableMeta};

/// Mark values one operation reserves below its base.
const MARK_RANGE: i64 = 1 << 16;

/// Deepest cascade a single operation follows (deeper means a cycle in the data, or a tree
/// far deeper than any real one).
const MAX_DEPTH: usize = 4096;

/// Where a removal starts.
pub(crate) enum Seed<'a, DB> {
    /// The rows matching a predicate (one key for `hard_delete`), live or hidden.
    Filter(&'a dyn QueryFragment<DB>),
    /// Up to `limit` rows hidden before `cutoff`.
    HiddenBefore { cutoff: Instant, limit: i64 },
}

impl<DB> Clone for Seed<'_, DB> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<DB> Copy for Seed<'_, DB> {}

impl<'a, DB> Seed<'a, DB> {
    fn sel(self) -> Sel<'a, DB> {
        match self {
            Seed::Filter(f) => Sel::Filter(f),
            Seed::HiddenBefore { cutoff, .. } => Sel::HiddenBefore(cutoff),
        }
    }
    fn limit(self) -> Option<i64> {
        match self {
            Seed::Filter(_) => None,
            Seed::HiddenBefore { limit, .. } => Some(limit),
        }
    }
}

pub(crate) fn hard_delete<C: SoftDeleteConnection>(
    conn: &mut C,
    meta: &'static TableMeta,
    key: &dyn QueryFragment<C::Backend>,
) -> Result<TableCounts, SoftDeleteError> {
    super::transaction(conn, Some(meta), |conn| {
        let removed = remove_tree(conn, meta, Seed::Filter(key), false)?;
        if removed.get(meta.table) == 0 {
            return Err(SoftDeleteError::NotFound { table: meta.table });
        }
        Ok(removed)
    })
}

pub(crate) fn purge<C: SoftDeleteConnection>(
    conn: &mut C,
    meta: &'static TableMeta,
    options: &PurgeOptions,
) -> Result<PurgeReport, SoftDeleteError> {
    if options.older_than > chrono::Utc::now().naive_utc() {
        return Err(SoftDeleteError::InvalidInput {
            message: format!(
                "purge cutoff {} is in the future; pass a time in the past (for example `Utc::now().naive_utc() - Duration::days(30)`)",
                options.older_than
            ),
        });
    }
    if options.batch_size == 0 {
        return Err(SoftDeleteError::InvalidInput {
            message: "purge batch size is 0; pass at least 1".to_owned(),
        });
    }
    let seed = Seed::HiddenBefore {
        cutoff: Instant::new(options.older_than),
        limit: i64::from(options.batch_size),
    };
    let mut report = PurgeReport::default();
    loop {
        let removed =
            super::transaction(conn, Some(meta), |conn| remove_tree(conn, meta, seed, true))?;
        if removed.get(meta.table) == 0 {
            return Ok(report);
        }
        report.batches += 1;
        report.removed.merge(&removed);
    }
}

/// Removes the seed rows and all their cascade descendants; runs inside the caller's transaction.
fn remove_tree<C: SoftDeleteConnection>(
    conn: &mut C,
    meta: &'static TableMeta,
    seed: Seed<'_, C::Backend>,
    purge: bool,
) -> Result<TableCounts, SoftDeleteError> {
    let mut removed = TableCounts::default();
    let Some(did) = meta.deletion_id else {
        // Without `deletion_id` a model has no cascade edges: one statement does it.
        protect::check(conn, meta, || seed.sel())?;
        let mut s: Stmt<'_, C::Backend> = Stmt::new();
        s.sql("DELETE FROM ")
            .ident(meta.table)
            .sql(" WHERE ")
            .ident(meta.primary_key)
            .sql(" IN ");
        clauses::keys(&mut s, meta, seed.sel(), seed.limit(), meta.table);
        let n = s.execute(conn)?;
        removed.add(meta.table, n as u64);
        return Ok(removed);
    };

    let reserved = <C::Backend as SoftDeleteBackend>::insert_changeset(
        conn,
        &NewChangeset {
            created_at: now(),
            actor: None,
            reason: Some("reserved by a running hard delete or purge"),
            root_table: meta.table,
            root_key: None,
            rows_affected: 0,
        },
    )?;
    let base = -(reserved << 16);
    let mark = |level: usize| base - level as i64;

    // Level 0: the seed rows.
    let mut s = clauses::update::<C::Backend>(meta.table);
    s.sql(" SET ").ident(did).sql(" = ").i64(mark(0));
    s.sql(" WHERE ").ident(meta.primary_key).sql(" IN ");
    clauses::keys(&mut s, meta, seed.sel(), seed.limit(), meta.table);
    let n = s.execute(conn)?;
    let mut levels: Vec<Vec<&'static TableMeta>> = Vec::new();
    if n > 0 {
        levels.push(vec![meta]);
    }

    // Deeper levels: every descendant, live or hidden, not yet marked at this depth or deeper.
    // Leaf tables are only recorded, with the parent level whose mark reaches them.
    let mut leaves: Vec<Leaf<'_, C::Backend>> = Vec::new();
    while let Some(frontier) = levels.last() {
        let k = levels.len() - 1;
        if k + 1 >= MAX_DEPTH {
            return Err(SoftDeleteError::InvalidInput {
                message: format!(
                    "the cascade under `{}` is deeper than {MAX_DEPTH} levels: check the data for a cycle (a row that is its own ancestor)",
                    meta.table
                ),
            });
        }
        let mut next: Vec<&'static TableMeta> = Vec::new();
        for parent in frontier {
            let Some(pdid) = parent.deletion_id else {
                continue;
            };
            for edge in parent.cascade {
                let child = (edge.child)();
                if child.cascade.is_empty() {
                    leaves.push(Leaf {
                        level: k,
                        table: child,
                        under: Sel::Under {
                            fk: edge.fk,
                            parent,
                            did: pdid,
                            mark: mark(k),
                        },
                    });
                    continue;
                }
                let Some(cdid) = child.deletion_id else {
                    continue;
                };
                let mut s = clauses::update::<C::Backend>(child.table);
                s.sql(" SET ").ident(cdid).sql(" = ").i64(mark(k + 1));
                s.sql(" WHERE (")
                    .ident(cdid)
                    .sql(" IS NULL OR ")
                    .ident(cdid)
                    .sql(" > ")
                    .i64(mark(k + 1));
                s.sql(" OR ")
                    .ident(cdid)
                    .sql(" <= ")
                    .i64(base - MARK_RANGE)
                    .sql(") AND ");
                s.ident(edge.fk).sql(" IN ");
                clauses::keys(&mut s, parent, Sel::Mark(pdid, mark(k)), None, child.table);
                if s.execute(conn)? > 0 && !next.iter().any(|m| m.table == child.table) {
                    next.push(child);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        levels.push(next);
    }

    // Checks, before anything is deleted.
    for (k, tables) in levels.iter().enumerate() {
        for m in tables {
            let Some(mdid) = m.deletion_id else { continue };
            check_removable(conn, m, Sel::Mark(mdid, mark(k)), purge && k > 0)?;
        }
    }
    for leaf in &leaves {
        check_removable(conn, leaf.table, leaf.under, purge)?;
    }

    // Deepest level first; at each level the leaves under it, then its own rows.
    for (k, tables) in levels.iter().enumerate().rev() {
        for leaf in leaves.iter().filter(|l| l.level == k) {
            removed.add(leaf.table.table, delete(conn, leaf.table, leaf.under)?);
        }
        for m in tables {
            let Some(mdid) = m.deletion_id else { continue };
            removed.add(m.table, delete(conn, m, Sel::Mark(mdid, mark(k)))?);
        }
    }

    let mut s: Stmt<'_, C::Backend> = Stmt::new();
    s.sql("DELETE FROM ")
        .ident(crate::CHANGESET_TABLE)
        .sql(" WHERE ")
        .ident("id")
        .sql(" = ")
        .i64(reserved);
    s.execute(conn)?;
    Ok(removed)
}

/// A leaf table reached from the rows of one parent level.
struct Leaf<'a, DB> {
    /// The parent level whose mark reaches the leaf rows.
    level: usize,
    table: &'static TableMeta,
    /// The leaf rows: `fk IN (SELECT pk FROM parent WHERE deletion_id = <mark of level>)`.
    under: Sel<'a, DB>,
}

/// Refuses to remove the rows `sel` picks of `m` when a `protect` edge still has live rows under
/// them, or, when `live_refused` (a purge below its seeds), when any of them is live: a purge
/// removes what is hidden, and a live row under a purged one is refused, not lost.
fn check_removable<'a, C: SoftDeleteConnection>(
    conn: &mut C,
    m: &'static TableMeta,
    sel: Sel<'a, C::Backend>,
    live_refused: bool,
) -> Result<(), SoftDeleteError> {
    protect::check(conn, m, || sel)?;
    if live_refused {
        let mut s = clauses::count_from::<C::Backend>(m.table);
        clauses::condition(&mut s, m, sel, m.table);
        s.sql(" AND ");
        clauses::live(&mut s, None, m);
        protect::refuse_live(m.table, clauses::scalar(conn, &s)?)?;
    }
    Ok(())
}

/// `DELETE FROM m WHERE <sel>`; returns the number of rows deleted.
fn delete<C: SoftDeleteConnection>(
    conn: &mut C,
    m: &'static TableMeta,
    sel: Sel<'_, C::Backend>,
) -> Result<u64, SoftDeleteError> {
    let mut s: Stmt<'_, C::Backend> = Stmt::new();
    s.sql("DELETE FROM ").ident(m.table).sql(" WHERE ");
    clauses::condition(&mut s, m, sel, m.table);
    Ok(s.execute(conn)? as u64)
}
