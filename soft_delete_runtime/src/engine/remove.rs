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
//! `nullify(child::fk)` edges are applied once every row is marked and checked, before anything
//! is deleted: one `UPDATE` per child table for all the edges and levels that reach it (`SET fk =
//! CASE WHEN fk IN (SELECT pk FROM parent WHERE deletion_id = <mark>) .. THEN NULL ..`), live and
//! hidden children alike, except the rows the removal deletes anyway; a row is counted once,
//! however many of its keys go.
//!
//! The changeset record stays true: before the rows of a table are marked (or, for a leaf
//! table, deleted), one `UPDATE` of `soft_delete_changesets` adds to each changeset the number of
//! its hidden rows among them (`rows_removed`) and stamps `removed_at` on a changeset left with
//! nothing to restore, in the removal's transaction (`statements::count_removed`).
//!
//! A *leaf* table (one with no cascade or nullify edges of its own) is not marked: nothing hangs off its
//! rows, so they are deleted straight through their parent's mark
//! (`DELETE FROM leaf WHERE fk IN (SELECT pk FROM parent WHERE deletion_id = <mark>)`) just
//! before that parent level goes. Leaves usually hold most of the rows, and marking them first
//! would write every one of them twice.

use crate::key::RowFilter;

use super::{protect, Exec};
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::options::PurgeOptions;
use crate::record::NewChangeset;
use crate::registry::graph;
use crate::report::{PurgeReport, TableCounts};
use crate::statements::clauses::Sel;
use crate::statements::{self, Detach, Doomed, Edge, Taken};
use crate::time::{now, Instant};

/// Mark values one operation reserves below its base.
const MARK_RANGE: i64 = 1 << 16;

/// Deepest cascade a single operation follows (deeper means a cycle in the data, or a tree
/// far deeper than any real one).
const MAX_DEPTH: usize = 4096;

/// Where a removal starts.
pub(crate) enum Seed<'a, DB> {
    /// The rows matching a predicate (one key for `hard_delete`), live or hidden.
    Filter(&'a RowFilter<'a, DB>),
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

/// What a removal did: rows deleted, and rows whose foreign key a `nullify` edge cleared.
#[derive(Default)]
pub(crate) struct Removal {
    pub(crate) removed: TableCounts,
    pub(crate) nullified: TableCounts,
}

pub(crate) async fn hard_delete<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
) -> Result<TableCounts, SoftDeleteError> {
    super::transaction(e, Some(meta), async |e| {
        Ok(remove_row(e, meta, key).await?.removed)
    })
    .await
}

/// Removes the row `key` picks, live or hidden, with its tree; `NotFound` when there is none.
/// Runs inside the caller's transaction.
pub(crate) async fn remove_row<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
) -> Result<Removal, SoftDeleteError> {
    let removal = remove_tree(e, meta, Seed::Filter(key), false).await?;
    if removal.removed.get(meta.identity()) == 0 {
        return Err(SoftDeleteError::NotFound {
            table: meta.identity(),
        });
    }
    Ok(removal)
}

pub(crate) async fn purge<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    options: &PurgeOptions,
) -> Result<PurgeReport, SoftDeleteError> {
    if options.older_than > chrono::Utc::now().naive_utc() {
        return Err(SoftDeleteError::InvalidInput {
            message: format!(
                "purge cutoff {} is in the future; pass a time in the past (for example \
                 `Utc::now().naive_utc() - Duration::days(30)`)",
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
        let removed = super::transaction(e, Some(meta), async |e| {
            Ok(remove_tree(e, meta, seed, true).await?.removed)
        })
        .await?;
        if removed.get(meta.identity()) == 0 {
            return Ok(report);
        }
        report.batches += 1;
        report.removed.merge(&removed);
    }
}

/// Removes the seed rows and all their cascade descendants; runs inside the caller's transaction.
async fn remove_tree<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    seed: Seed<'_, E::Backend>,
    purge: bool,
) -> Result<Removal, SoftDeleteError> {
    let mut removal = Removal::default();
    let Some(did) = meta.deletion_id else {
        // Without `deletion_id` a model has no cascade edges (and records no changesets): its
        // nullify edges, then one statement does it.
        protect::check_removal(e, meta, || seed.sel()).await?;
        let detach = meta.nullify.iter().map(|edge| Detach {
            parent: meta,
            edge,
            sel: seed.sel(),
            limit: seed.limit(),
        });
        nullify(e, detach.collect(), &[], None, &mut removal.nullified).await?;
        if let [_] = meta.primary_key {
            // Its changesets name their row by key: those of the rows going are closed. (A
            // composite key's text form is JSON the database does not write the same way.)
            let closed = statements::Closed::Removed(seed.sel(), seed.limit());
            let at = Instant::new(now());
            e.execute(&statements::close_row_changesets(meta, closed, at))
                .await?;
        }
        let n = e
            .execute(&statements::delete_seed(meta, seed.sel(), seed.limit()))
            .await?;
        removal.removed.add(meta.identity(), n as u64);
        return Ok(removal);
    };
    let reserved = e.insert_changeset(&reservation(meta)).await?;
    let marks = Marks {
        base: -(reserved << 16),
        at: Instant::new(now()),
    };
    let plan = mark_levels(e, meta, did, seed, marks).await?;
    check_plan(e, &plan, marks, purge).await?;
    nullify_plan(e, &plan, marks, &mut removal.nullified).await?;
    delete_plan(e, &plan, marks, &mut removal).await?;
    e.delete_changeset(reserved).await?;
    Ok(removal)
}

/// Applies the `nullify` edges of every marked level: per child table, one statement for all
/// the edges and levels that reach it, sparing the rows the removal deletes anyway.
async fn nullify_plan<E: Exec>(
    e: &mut E,
    plan: &Plan<'_, E::Backend>,
    marks: Marks,
    counts: &mut TableCounts,
) -> Result<(), SoftDeleteError> {
    let mut detach: Vec<(&'static str, Vec<Detach<'_, E::Backend>>)> = Vec::new();
    for (k, tables) in plan.levels.iter().enumerate() {
        for m in tables {
            let Some(mdid) = m.deletion_id else { continue };
            for edge in m.nullify {
                let d = Detach {
                    parent: m,
                    edge,
                    sel: Sel::Mark(mdid, marks.at(k)),
                    limit: None,
                };
                match detach.iter_mut().find(|(t, _)| *t == edge.identity()) {
                    Some((_, list)) => list.push(d),
                    None => detach.push((edge.identity(), vec![d])),
                }
            }
        }
    }
    for (child, list) in detach {
        let under: Vec<Sel<'_, E::Backend>> = plan
            .leaves
            .iter()
            .filter(|l| l.table.identity() == child)
            .map(|l| l.under)
            .collect();
        nullify(e, list, &under, Some(marks), counts).await?;
    }
    Ok(())
}

/// Detaches the children `detach` names (all edges into one child table), sparing the rows of
/// the removal's leaves (`under`) and those it marked (`marks`); counts each changed row once.
async fn nullify<'a, E: Exec>(
    e: &mut E,
    detach: Vec<Detach<'a, E::Backend>>,
    under: &[Sel<'a, E::Backend>],
    marks: Option<Marks>,
    counts: &mut TableCounts,
) -> Result<(), SoftDeleteError> {
    let Some(first) = detach.first() else {
        return Ok(());
    };
    let (identity, table) = (first.edge.identity(), first.edge.table.get());
    let child = graph().table(identity);
    let marked = match (child.and_then(|c| c.deletion_id), marks) {
        (Some(did), Some(m)) => Some((did, m.at(0), m.floor())),
        _ => None,
    };
    let doomed = Doomed {
        marked,
        under,
        child,
    };
    let n = e
        .execute(&statements::nullify_children(table, &detach, &doomed))
        .await
        .map_err(|err| SoftDeleteError::from_write(identity, err))?;
    counts.add(identity, n as u64);
    Ok(())
}

/// The changeset row a removal reserves for the duration of its transaction: its id makes the
/// operation's marks unique.
fn reservation(meta: &'static TableMeta) -> NewChangeset<'static> {
    NewChangeset {
        created_at: now(),
        actor: None,
        reason: Some("reserved by a running hard delete or purge"),
        root_table: meta.identity(),
        root_key: None,
        rows_affected: 0,
    }
}

/// The temporary `deletion_id` values of one removal: `base - level`, all within
/// `MARK_RANGE` below `base`; and the time the removal stamps on the changesets it empties.
#[derive(Clone, Copy)]
struct Marks {
    base: i64,
    at: Instant,
}

impl Marks {
    fn at(self, level: usize) -> i64 {
        self.base - level as i64
    }
    /// Values at or below this one belong to no level of this operation.
    fn floor(self) -> i64 {
        self.base - MARK_RANGE
    }
}

/// What a removal will delete: the marked tables of each level, and the leaf tables.
struct Plan<'a, DB> {
    levels: Vec<Vec<&'static TableMeta>>,
    leaves: Vec<Leaf<'a, DB>>,
}

/// A leaf table reached from the rows of one parent level.
struct Leaf<'a, DB> {
    /// The parent level whose mark reaches the leaf rows.
    level: usize,
    table: &'static TableMeta,
    /// The leaf rows: `fk IN (SELECT pk FROM parent WHERE deletion_id = <mark of level>)`.
    under: Sel<'a, DB>,
}

/// Marks the seed rows (level 0), then every descendant, live or hidden, not yet marked at
/// this depth or deeper. Leaf tables are only recorded, with the parent level whose mark
/// reaches them.
async fn mark_levels<'a, E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    did: &'static str,
    seed: Seed<'a, E::Backend>,
    marks: Marks,
) -> Result<Plan<'a, E::Backend>, SoftDeleteError> {
    let mut plan = Plan {
        levels: Vec::new(),
        leaves: Vec::new(),
    };
    let taken = Taken::Keys(seed.sel(), seed.limit());
    e.execute(&statements::count_removed(meta, did, taken, marks.at))
        .await?;
    let seeded = statements::mark_seed(meta, did, seed.sel(), seed.limit(), marks.at(0));
    if e.execute(&seeded).await? > 0 {
        plan.levels.push(vec![meta]);
    }
    while let Some(frontier) = plan.levels.last() {
        let k = plan.levels.len() - 1;
        if k + 1 >= MAX_DEPTH {
            return Err(SoftDeleteError::InvalidInput {
                message: format!(
                    "the cascade under `{}` is deeper than {MAX_DEPTH} levels: check the data \
                     for a cycle (a row that is its own ancestor)",
                    meta.identity()
                ),
            });
        }
        let mut next: Vec<&'static TableMeta> = Vec::new();
        for parent in frontier {
            for edge in Edge::outgoing(parent) {
                let child = edge.child;
                if child.cascade.is_empty() && child.nullify.is_empty() {
                    plan.leaves.push(Leaf {
                        level: k,
                        table: child,
                        under: Sel::Under {
                            fk: edge.fk,
                            parent,
                            did: edge.parent_did,
                            mark: marks.at(k),
                        },
                    });
                    continue;
                }
                let Some(cdid) = child.deletion_id else {
                    continue;
                };
                let under = Sel::Under {
                    fk: edge.fk,
                    parent,
                    did: edge.parent_did,
                    mark: marks.at(k),
                };
                e.execute(&statements::count_removed(
                    child,
                    cdid,
                    Taken::Rows(under),
                    marks.at,
                ))
                .await?;
                let stmt =
                    statements::mark_level(edge, cdid, marks.at(k), marks.at(k + 1), marks.floor());
                if e.execute(&stmt).await? > 0
                    && !next.iter().any(|m| m.identity() == child.identity())
                {
                    next.push(child);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        plan.levels.push(next);
    }
    Ok(plan)
}

/// The checks, before anything is deleted.
async fn check_plan<E: Exec>(
    e: &mut E,
    plan: &Plan<'_, E::Backend>,
    marks: Marks,
    purge: bool,
) -> Result<(), SoftDeleteError> {
    for (k, tables) in plan.levels.iter().enumerate() {
        for m in tables {
            let Some(mdid) = m.deletion_id else { continue };
            check_removable(e, m, Sel::Mark(mdid, marks.at(k)), purge && k > 0).await?;
        }
    }
    for leaf in &plan.leaves {
        check_removable(e, leaf.table, leaf.under, purge).await?;
    }
    Ok(())
}

/// Deletes deepest level first; at each level the leaves under it (counted into their
/// changesets first), then its own rows.
async fn delete_plan<E: Exec>(
    e: &mut E,
    plan: &Plan<'_, E::Backend>,
    marks: Marks,
    removal: &mut Removal,
) -> Result<(), SoftDeleteError> {
    for (k, tables) in plan.levels.iter().enumerate().rev() {
        for leaf in plan.leaves.iter().filter(|l| l.level == k) {
            if let Some(ldid) = leaf.table.deletion_id {
                let taken = Taken::Rows(leaf.under);
                e.execute(&statements::count_removed(
                    leaf.table, ldid, taken, marks.at,
                ))
                .await?;
            }
            let n = e
                .execute(&statements::delete_where(leaf.table, leaf.under))
                .await?;
            removal.removed.add(leaf.table.identity(), n as u64);
        }
        for m in tables {
            let Some(mdid) = m.deletion_id else { continue };
            let n = e
                .execute(&statements::delete_where(m, Sel::Mark(mdid, marks.at(k))))
                .await?;
            removal.removed.add(m.identity(), n as u64);
        }
    }
    Ok(())
}

/// Refuses to remove the rows `sel` picks of `m` when a `protect` edge still has rows (live or
/// hidden) under them, or, when `live_refused` (a purge below its seeds), when any of them is live: a purge
/// removes what is hidden, and a live row under a purged one is refused, not lost.
async fn check_removable<E: Exec>(
    e: &mut E,
    m: &'static TableMeta,
    sel: Sel<'_, E::Backend>,
    live_refused: bool,
) -> Result<(), SoftDeleteError> {
    protect::check_removal(e, m, || sel).await?;
    if live_refused {
        let live = e.load_scalar(&statements::count_live(m, sel)).await?;
        protect::refuse_live(m.identity(), live)?;
    }
    Ok(())
}
