//! Model-based property test of the cascade engine and its record, on every enabled backend.
//!
//! Each case builds a random forest over the test schema (authors → posts → comments,
//! tags → post_tags ← posts, the self-referencing `categories` tree with shuffled ids, and a few
//! `invoices` that protect posts, and members → threads → votes where votes also name their
//! member through a `nullify` edge, and bills that protect their member: soft-deletable rows that
//! record no changeset), then runs a random sequence of operations: soft delete of a row at any
//! level, bulk `soft_delete_where`, restore by row and by changeset id (restorable, partly
//! removed, emptied by removals, deferring rows to another changeset, already restored, or
//! unknown), hard delete, erase (by the data-protection officer, or refused by the members'
//! rule), purge with a cutoff and a batch size, removals of a row a changeset hides, soft deletes
//! of the live parent of a hidden row, and plain inserts of live rows under any parent (live or
//! hidden). Hard delete, erase and purge clear the member of the votes that survive their member.
//!
//! An in-memory reference model implements the documented semantics independently of the engine,
//! the record included: per changeset the rows it hid plus those deferred to it
//! (`rows_affected`), the hidden rows removed for good since (`rows_removed`), whether removals
//! emptied it (`removed_at`) and whether it was restored. After every step the database (every
//! row of every table, `soft_delete_changesets` and the erasure records) must equal the model
//! exactly, and every return value (changeset record, restore report with its deferred rows and
//! `already_removed`, removed counts, error variant with its `protect` counts) must be the one the
//! model predicts. Then [`check_record`]: no operation left a live row under a hidden cascade
//! parent, `Changeset::rows` lists what the model says for every changeset, the counts of every
//! changeset not restored agree with the rows carrying its id, and the trash bin lists what the
//! model's does. Failures shrink to a minimal replayable sequence (proptest), persisted in
//! `tests/it/model_based*.proptest-regressions`.
//!
//! `PROPTEST_CASES` raises the case count (default 32 cases of up to 30 operations).
//! Every test runs on the synchronous API and, with feature `async`, on the diesel-async
//! connection (`asynchronous` below), against the same reference model and case count.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};
use proptest::test_runner::{TestCaseError, TestRunner};
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;
use soft_delete_runtime::{
    ChangesetFilter, ChangesetState, PurgeOptions, PurgeReport, RestoreReport, TableCounts,
    MAX_PAGE,
};

use super::driver::{Api, SyncApi};
use super::{Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{keys, TestDb};

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Tbl {
    Authors,
    Posts,
    Comments,
    Tags,
    PostTags,
    Categories,
    Members,
    Threads,
    Votes,
    Bills,
}

const TABLES: [Tbl; 10] = [
    Tbl::Authors,
    Tbl::Posts,
    Tbl::Comments,
    Tbl::Tags,
    Tbl::PostTags,
    Tbl::Categories,
    Tbl::Members,
    Tbl::Threads,
    Tbl::Votes,
    Tbl::Bills,
];

impl Tbl {
    pub(super) fn name(self) -> &'static str {
        match self {
            Tbl::Authors => "authors",
            Tbl::Posts => "posts",
            Tbl::Comments => "comments",
            Tbl::Tags => "tags",
            Tbl::PostTags => "post_tags",
            Tbl::Categories => "categories",
            Tbl::Members => "members",
            Tbl::Threads => "threads",
            Tbl::Votes => "ballots",
            Tbl::Bills => "bills",
        }
    }

    /// Whether the table's rows record the changeset that hid them: all but `bills`, whose
    /// soft delete records a changeset that no row names.
    pub(super) fn has_deletion_id(self) -> bool {
        self != Tbl::Bills
    }

    /// The cascade parents of a row, one per foreign-key column, in column order. (A vote's
    /// second foreign key, its member, is a `nullify` edge, and a bill's member a `protect`
    /// edge: neither is a cascade parent.)
    pub(super) fn parent_tables(self) -> &'static [Tbl] {
        match self {
            Tbl::Authors | Tbl::Tags | Tbl::Members | Tbl::Bills => &[],
            Tbl::Threads => &[Tbl::Members],
            Tbl::Votes => &[Tbl::Threads],
            Tbl::Posts => &[Tbl::Authors],
            Tbl::Comments => &[Tbl::Posts],
            Tbl::PostTags => &[Tbl::Posts, Tbl::Tags],
            Tbl::Categories => &[Tbl::Categories],
        }
    }
}

pub(super) type Key = (Tbl, i32);

/// One row as the comparison sees it: foreign keys, marker, changeset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) fks: Vec<Option<i32>>,
    pub(super) deleted_at: Option<NaiveDateTime>,
    pub(super) deletion_id: Option<i64>,
}

/// The outcome of a failed operation, as far as the model predicts it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failure {
    NotFound(&'static str),
    AlreadyDeleted(&'static str),
    NotDeleted(&'static str),
    /// A `protect` edge: the child table, and its live and hidden rows under the rows to delete
    /// (a soft delete counts live ones only). Never `hidden_by`: invoices have no model and bills
    /// no `deletion_id`.
    Protected {
        table: &'static str,
        live: i64,
        hidden: i64,
    },
    /// A purge batch with live rows below its seeds, per table: refused by one of these tables
    /// (which one the engine checks first is its choice), with at most that many live rows.
    LiveBelow(BTreeMap<&'static str, i64>),
    ChangesetNotFound(i64),
    AlreadyRestored(i64),
    /// Every row of the changeset was removed for good (or none is left).
    NothingToRestore(i64),
    /// A changeset of a model without `deletion_id` (a bill): no row records it, so only the
    /// row can be restored.
    NoDeletionId,
    Refused(&'static str),
}

impl Failure {
    /// Whether `e` is this failure.
    fn is(&self, e: &SoftDeleteError) -> bool {
        use SoftDeleteError as E;
        match (self, e) {
            (Failure::NotFound(t), E::NotFound { table })
            | (Failure::AlreadyDeleted(t), E::AlreadyDeleted { table })
            | (Failure::NotDeleted(t), E::NotDeleted { table })
            | (Failure::Refused(t), E::Refused { table, .. }) => t == table,
            (
                Failure::Protected {
                    table: t,
                    live,
                    hidden,
                },
                E::Protected {
                    table,
                    live_children,
                    hidden_children,
                    hidden_by: None,
                },
            ) => t == table && live == live_children && hidden == hidden_children,
            (
                Failure::LiveBelow(tables),
                E::Protected {
                    table,
                    live_children,
                    hidden_children: 0,
                    hidden_by: None,
                },
            ) => tables
                .get(table)
                .is_some_and(|n| (1..=*n).contains(live_children)),
            (Failure::ChangesetNotFound(i), E::ChangesetNotFound { id })
            | (Failure::AlreadyRestored(i), E::AlreadyRestored { id })
            | (Failure::NothingToRestore(i), E::NothingToRestore { id }) => i == id,
            (Failure::NoDeletionId, E::InvalidInput { message }) => {
                message.contains("no `deletion_id` column")
            }
            _ => false,
        }
    }

    /// The name the figures count it under.
    fn name(&self) -> String {
        match self {
            Failure::Protected { table, hidden, .. } if *hidden > 0 => {
                format!("Protected by hidden {table}")
            }
            Failure::Protected { table, .. } => format!("Protected by {table}"),
            other => {
                let text = format!("{other:?}");
                text.split('(').next().unwrap_or_default().to_owned()
            }
        }
    }
}

/// Rows per table, without zero entries.
type Counts = BTreeMap<&'static str, u64>;

fn counts_of(tc: &TableCounts) -> Counts {
    tc.iter().filter(|(_, n)| *n > 0).collect()
}

fn count_keys<'a>(keys: impl IntoIterator<Item = &'a Key>) -> Counts {
    let mut out = Counts::new();
    for (t, _) in keys {
        *out.entry(t.name()).or_default() += 1;
    }
    out
}

/// An id no row or changeset ever has.
const MISSING_ROW: i32 = 100_000;
const MISSING_CHANGESET: i64 = 999_999_999;

/// `removed_at` as the model predicts it: the engine stamps the removal's wall-clock time, which
/// the model cannot know, so it writes this placeholder and adopts the database's time at the
/// next comparison (from then on the time must stay as it is).
fn removed_placeholder() -> NaiveDateTime {
    chrono::DateTime::UNIX_EPOCH.naive_utc()
}

#[derive(Clone, Debug, Default)]
struct Model {
    rows: BTreeMap<Key, Row>,
    /// Invoices per post id (invoices are never deleted; they protect their post).
    invoices: BTreeMap<i32, i64>,
    changesets: BTreeMap<i64, Changeset>,
    /// Next id to allocate per table; ids `1..next` have been allocated (some since removed).
    next: BTreeMap<Tbl, i32>,
    /// The erasure records, by id.
    erasures: BTreeMap<i64, Erasure>,
}

/// What a restore of a changeset will do, before the choices the contract leaves open.
#[derive(Debug)]
struct RestorePlan {
    id: i64,
    /// The rows carrying the changeset.
    members: Vec<Key>,
    /// The rows that stay hidden, each with the changesets hiding a cascade parent of it
    /// (directly, or through a parent that itself stays hidden): it moves to one of them. A
    /// join row whose two parents are hidden by different changesets may move to either.
    stuck: BTreeMap<Key, BTreeSet<i64>>,
}

/// A restore the model predicts: of a changeset, or of one row that records none (a bill).
#[derive(Debug)]
enum PlannedRestore {
    Changeset(RestorePlan),
    Row(Key),
}

/// What a restore returns, as the model predicts it.
#[derive(Debug, PartialEq, Eq)]
struct Restored {
    restored: Counts,
    /// Rows that moved to another changeset, per (table, changeset).
    deferred: BTreeMap<(&'static str, i64), u64>,
    changeset: Option<Changeset>,
    already_removed: u64,
}

impl Model {
    fn allocated(&self, t: Tbl) -> i32 {
        self.next.get(&t).copied().unwrap_or(1) - 1
    }

    fn alloc(&mut self, t: Tbl) -> i32 {
        let id = self.allocated(t) + 1;
        self.next.insert(t, id + 1);
        id
    }

    fn existing(&self, t: Tbl) -> Vec<i32> {
        self.rows
            .range((t, i32::MIN)..=(t, i32::MAX))
            .map(|((_, id), _)| *id)
            .collect()
    }

    fn is_live(&self, k: Key) -> bool {
        self.rows.get(&k).is_some_and(|r| r.deleted_at.is_none())
    }

    fn parents(&self, k: Key) -> Vec<Key> {
        let row = &self.rows[&k];
        k.0.parent_tables()
            .iter()
            .zip(&row.fks)
            .filter_map(|(t, fk)| fk.map(|id| (*t, id)))
            .collect()
    }

    fn children(&self, k: Key) -> Vec<Key> {
        self.rows
            .keys()
            .copied()
            .filter(|c| self.parents(*c).contains(&k))
            .collect()
    }

    /// The rows carrying changeset `id`.
    fn carried(&self, id: i64) -> impl Iterator<Item = Key> + '_ {
        self.rows
            .iter()
            .filter(move |(_, r)| r.deletion_id == Some(id))
            .map(|(k, _)| *k)
    }

    /// Whether the changeset is in the trash bin: not restored, and not emptied by removals.
    fn restorable(cs: &Changeset) -> bool {
        cs.restored_at.is_none() && cs.removed_at.is_none()
    }

    /// The `protect` edges over the rows of `set`: a post's invoices (a table without a model:
    /// always live), a member's bills (hidden by a soft delete that records no changeset). A
    /// soft delete is refused by live children only, a removal (`removal`) by any.
    fn protected(&self, set: &BTreeSet<Key>, removal: bool) -> Option<Failure> {
        let invoices: i64 = set
            .iter()
            .filter(|(t, _)| *t == Tbl::Posts)
            .map(|(_, id)| self.invoices.get(id).copied().unwrap_or(0))
            .sum();
        if invoices > 0 {
            return Some(Failure::Protected {
                table: "invoices",
                live: invoices,
                hidden: 0,
            });
        }
        let (mut live, mut hidden) = (0, 0);
        for ((t, _), bill) in self
            .rows
            .range((Tbl::Bills, i32::MIN)..=(Tbl::Bills, i32::MAX))
        {
            debug_assert_eq!(*t, Tbl::Bills);
            if bill.fks[0].is_some_and(|m| set.contains(&(Tbl::Members, m))) {
                match bill.deleted_at {
                    None => live += 1,
                    Some(_) if removal => hidden += 1,
                    Some(_) => {}
                }
            }
        }
        (live + hidden > 0).then_some(Failure::Protected {
            table: "bills",
            live,
            hidden,
        })
    }

    /// Every descendant of `seeds` through cascade edges, live or hidden, seeds included.
    fn closure(&self, seeds: &BTreeSet<Key>) -> BTreeSet<Key> {
        let mut set = seeds.clone();
        let mut frontier: Vec<Key> = seeds.iter().copied().collect();
        while let Some(p) = frontier.pop() {
            for c in self.children(p) {
                if set.insert(c) {
                    frontier.push(c);
                }
            }
        }
        set
    }

    fn insert_row(&mut self, t: Tbl, id: i32, fks: Vec<Option<i32>>) {
        self.rows.insert(
            (t, id),
            Row {
                fks,
                deleted_at: None,
                deletion_id: None,
            },
        );
    }

    /// Soft delete of `roots` in `t`: the rows it will hide, or why it fails.
    ///
    /// The live roots and, level by level, the live children of every row hidden so far.
    /// `protect` refuses when a post to hide has an invoice or a member to hide a live bill.
    fn plan_soft_delete(&self, t: Tbl, roots: &[i32], single: bool) -> Result<Vec<Key>, Failure> {
        if single {
            match self.rows.get(&(t, roots[0])) {
                None => return Err(Failure::NotFound(t.name())),
                Some(r) if r.deleted_at.is_some() => return Err(Failure::AlreadyDeleted(t.name())),
                Some(_) => {}
            }
        }
        let live_roots: BTreeSet<Key> = roots
            .iter()
            .map(|id| (t, *id))
            .filter(|k| self.is_live(*k))
            .collect();
        if live_roots.is_empty() {
            return Err(Failure::NotFound(t.name()));
        }
        let mut set = live_roots.clone();
        let mut frontier: Vec<Key> = live_roots.into_iter().collect();
        while let Some(p) = frontier.pop() {
            for c in self.children(p) {
                if self.is_live(c) && set.insert(c) {
                    frontier.push(c);
                }
            }
        }
        if let Some(refusal) = self.protected(&set, false) {
            return Err(refusal);
        }
        Ok(set.into_iter().collect())
    }

    fn apply_soft_delete(
        &mut self,
        hidden: &[Key],
        cs: &Changeset,
        root: Tbl,
        root_key: Option<String>,
        at: NaiveDateTime,
        reason: &str,
    ) -> Changeset {
        for k in hidden {
            let row = self.rows.get_mut(k).expect("planned row exists");
            row.deleted_at = Some(at);
            row.deletion_id = k.0.has_deletion_id().then_some(cs.id);
        }
        let expected = Changeset {
            id: cs.id,
            created_at: at,
            actor: Some("model".to_owned()),
            reason: Some(reason.to_owned()),
            root_table: root.name().to_owned(),
            root_key,
            rows_affected: hidden.len() as i64,
            restored_at: None,
            restored_by: None,
            rows_removed: 0,
            removed_at: None,
        };
        self.changesets.insert(cs.id, expected.clone());
        expected
    }

    /// Restore of changeset `id`: why it fails, or which rows stay hidden and where they may go.
    ///
    /// Its rows come back, except those with a cascade parent still hidden by another changeset
    /// (directly, or through a parent that itself stays hidden). A changeset emptied by removals
    /// has nothing to restore.
    fn plan_restore(&self, id: i64) -> Result<RestorePlan, Failure> {
        let Some(cs) = self.changesets.get(&id) else {
            return Err(Failure::ChangesetNotFound(id));
        };
        if cs.restored_at.is_some() {
            return Err(Failure::AlreadyRestored(id));
        }
        if cs.removed_at.is_some() {
            return Err(Failure::NothingToRestore(id));
        }
        if cs.root_table == Tbl::Bills.name() {
            return Err(Failure::NoDeletionId);
        }
        let members: Vec<Key> = self.carried(id).collect();
        if members.is_empty() {
            return Err(Failure::NothingToRestore(id));
        }
        let mut stuck: BTreeMap<Key, BTreeSet<i64>> = BTreeMap::new();
        loop {
            let mut changed = false;
            for &r in &members {
                if stuck.contains_key(&r) {
                    continue;
                }
                let mut targets = BTreeSet::new();
                for p in self.parents(r) {
                    let Some(prow) = self.rows.get(&p) else {
                        continue;
                    };
                    if prow.deleted_at.is_none() {
                        continue;
                    }
                    match prow.deletion_id {
                        Some(d) if d != id => {
                            targets.insert(d);
                        }
                        Some(_) => {
                            if let Some(t) = stuck.get(&p) {
                                targets.extend(t.iter().copied());
                            }
                        }
                        None => {}
                    }
                }
                if !targets.is_empty() {
                    stuck.insert(r, targets);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Ok(RestorePlan { id, members, stuck })
    }

    /// `row.restore()`: the restore of the changeset that hid the row, or of the row alone when
    /// its table records none.
    fn plan_restore_row(&self, k: Key) -> Result<PlannedRestore, Failure> {
        match self.rows.get(&k) {
            None => Err(Failure::NotFound(k.0.name())),
            Some(r) if r.deleted_at.is_none() => Err(Failure::NotDeleted(k.0.name())),
            Some(r) => match r.deletion_id {
                Some(id) => self.plan_restore(id).map(PlannedRestore::Changeset),
                None => Ok(PlannedRestore::Row(k)),
            },
        }
    }

    /// Carries out `plan`: the rows that stay hidden move to the changeset hiding their parent
    /// (`chosen` picks it where the contract allows several), which counts them in
    /// `rows_affected`; the others come back; the changeset is marked restored.
    fn apply_restore(
        &mut self,
        plan: &RestorePlan,
        chosen: impl Fn(Key, &BTreeSet<i64>) -> i64,
        at: NaiveDateTime,
    ) -> Restored {
        let mut restored = Vec::new();
        let mut deferred: BTreeMap<(&'static str, i64), u64> = BTreeMap::new();
        for &r in &plan.members {
            let row = self.rows.get_mut(&r).expect("member exists");
            match plan.stuck.get(&r) {
                Some(targets) => {
                    let to = chosen(r, targets);
                    row.deletion_id = Some(to);
                    *deferred.entry((r.0.name(), to)).or_default() += 1;
                    let target = self.changesets.get_mut(&to).expect("target changeset");
                    target.rows_affected += 1;
                }
                None => {
                    row.deleted_at = None;
                    row.deletion_id = None;
                    restored.push(r);
                }
            }
        }
        let cs = self.changesets.get_mut(&plan.id).expect("known changeset");
        cs.restored_at = Some(at);
        cs.restored_by = Some("admin".to_owned());
        Restored {
            restored: count_keys(&restored),
            deferred,
            already_removed: cs.rows_removed as u64,
            changeset: Some(cs.clone()),
        }
    }

    /// Restores a hidden row that records no changeset (a bill): only the row comes back; the
    /// open changesets that name it by key (its soft deletes') are marked restored, by `actor`
    /// at `at`.
    fn restore_single(&mut self, k: Key, at: NaiveDateTime, actor: &str) -> Restored {
        let row = self.rows.get_mut(&k).expect("hidden row exists");
        row.deleted_at = None;
        for cs in self.open_changesets_naming(k) {
            cs.restored_at = Some(at);
            cs.restored_by = Some(actor.to_owned());
        }
        Restored {
            restored: count_keys(&[k]),
            deferred: BTreeMap::new(),
            changeset: None,
            already_removed: 0,
        }
    }

    /// Permanent deletion of one row with every descendant, live or hidden: the rows removed
    /// and the rows nullified per table.
    fn hard_delete(&mut self, k: Key) -> Result<(Counts, Counts), Failure> {
        if !self.rows.contains_key(&k) {
            return Err(Failure::NotFound(k.0.name()));
        }
        let set = self.closure(&BTreeSet::from([k]));
        if let Some(refusal) = self.protected(&set, true) {
            return Err(refusal);
        }
        Ok(self.remove(&set))
    }

    /// Removes `set`, then clears the member of the surviving votes whose member went
    /// (`nullify(votes::member_id)`); the rows removed, and the rows nullified, per table.
    ///
    /// Every hidden row removed counts into the changeset it carries (`rows_removed`); a
    /// changeset left with no row is emptied (`removed_at`).
    fn remove(&mut self, set: &BTreeSet<Key>) -> (Counts, Counts) {
        let mut counted = BTreeSet::new();
        for r in set.iter().filter(|r| !r.0.has_deletion_id()) {
            for cs in self.open_changesets_naming(*r) {
                cs.rows_removed = cs.rows_affected;
                cs.removed_at = Some(removed_placeholder());
            }
        }
        for r in set {
            let row = self.rows.remove(r).expect("removed row exists");
            if let (Some(_), Some(id)) = (row.deleted_at, row.deletion_id) {
                let cs = self
                    .changesets
                    .get_mut(&id)
                    .expect("a hidden row's changeset");
                cs.rows_removed += 1;
                counted.insert(id);
            }
        }
        for id in counted {
            let cs = self.changesets.get_mut(&id).expect("counted changeset");
            if cs.restored_at.is_none() && cs.rows_removed >= cs.rows_affected {
                cs.removed_at = Some(removed_placeholder());
            }
        }
        let mut nullified = Counts::new();
        for ((t, _), row) in self.rows.iter_mut() {
            let gone = |m: &Option<i32>| m.is_some_and(|m| set.contains(&(Tbl::Members, m)));
            if *t == Tbl::Votes && gone(&row.fks[1]) {
                row.fks[1] = None;
                *nullified.entry(t.name()).or_default() += 1;
            }
        }
        (count_keys(set), nullified)
    }

    /// The changesets neither restored nor removed that name row `k` of a table without
    /// `deletion_id` by their root (its soft deletes').
    fn open_changesets_naming(&mut self, k: Key) -> impl Iterator<Item = &mut Changeset> {
        let key = k.1.to_string();
        self.changesets.values_mut().filter(move |cs| {
            cs.root_table == k.0.name()
                && cs.root_key.as_deref() == Some(key.as_str())
                && cs.restored_at.is_none()
                && cs.removed_at.is_none()
        })
    }

    /// Purge: batches of up to `batch` rows of `t` hidden before `cutoff` (lowest ids first),
    /// each removed with every descendant in its own transaction. A batch with a protected post
    /// or member, or a live descendant, fails; the batches before it stay done.
    fn purge(
        &mut self,
        t: Tbl,
        cutoff: NaiveDateTime,
        batch: usize,
    ) -> (Result<(), Failure>, Counts, u32) {
        let mut removed = Counts::new();
        let mut batches = 0;
        loop {
            let seeds: BTreeSet<Key> = self
                .rows
                .range((t, i32::MIN)..=(t, i32::MAX))
                .filter(|(_, r)| r.deleted_at.is_some_and(|d| d < cutoff))
                .map(|(k, _)| *k)
                .take(batch)
                .collect();
            if seeds.is_empty() {
                return (Ok(()), removed, batches);
            }
            let set = self.closure(&seeds);
            if let Some(refusal) = self.protected(&set, true) {
                return (Err(refusal), removed, batches);
            }
            let mut live_below: BTreeMap<&'static str, i64> = BTreeMap::new();
            for k in set
                .iter()
                .filter(|k| !seeds.contains(k) && self.is_live(**k))
            {
                *live_below.entry(k.0.name()).or_default() += 1;
            }
            if !live_below.is_empty() {
                return (Err(Failure::LiveBelow(live_below)), removed, batches);
            }
            for (t, n) in self.remove(&set).0 {
                *removed.entry(t).or_default() += n;
            }
            batches += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random scenarios
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Forest {
    authors: u8,
    /// Author pick per post.
    posts: Vec<u8>,
    /// Post pick per comment.
    comments: Vec<u8>,
    tags: u8,
    /// (post pick, tag pick) per join row.
    post_tags: Vec<(u8, u8)>,
    /// Parent pick per category node (among earlier nodes), and the id of each node: a
    /// permutation, so a parent's id may be above its child's.
    categories: Vec<Option<u8>>,
    category_ids: Vec<usize>,
    /// Post pick per invoice.
    invoices: Vec<u8>,
    members: u8,
    /// Member pick per thread.
    threads: Vec<u8>,
    /// (thread pick, member pick or none) per vote.
    votes: Vec<(u8, Option<u8>)>,
    /// Member pick per bill (a live bill protects its member from a soft delete, any bill from
    /// a removal).
    bills: Vec<u8>,
}

#[derive(Clone, Debug)]
enum Op {
    SoftDelete {
        table: Tbl,
        pick: u16,
    },
    SoftDeleteWhere {
        table: Tbl,
        picks: Vec<u16>,
    },
    RestoreRow {
        table: Tbl,
        pick: u16,
    },
    RestoreChangeset {
        pick: u16,
    },
    HardDelete {
        table: Tbl,
        pick: u16,
    },
    /// `dpo`: by the data-protection officer, whom the members' erase rule requires.
    Erase {
        table: Tbl,
        pick: u16,
        dpo: bool,
    },
    Purge {
        table: Tbl,
        cutoff: u16,
        batch: u8,
    },
    /// A row hidden by a changeset, of any table, removed for good: hard delete, erase (by the
    /// officer), or a purge of its table up to now.
    RemoveHidden {
        pick: u16,
    },
    /// Soft delete of the live cascade parent of a hidden row (of any table): the nesting after
    /// which restoring the row's changeset defers it to the parent's. With none, a soft delete
    /// of a live row under a live parent, the first half of that nesting.
    HideParentOfHidden {
        pick: u16,
    },
    Insert {
        table: Tbl,
        parents: (u16, u16),
    },
}

#[derive(Clone, Debug)]
struct Scenario {
    forest: Forest,
    ops: Vec<Op>,
}

fn table() -> impl Strategy<Value = Tbl> {
    prop::sample::select(TABLES.to_vec())
}

fn forest() -> impl Strategy<Value = Forest> {
    let categories = prop::collection::vec(prop::option::weighted(0.7, any::<u8>()), 1..8)
        .prop_flat_map(|cats| {
            let n = cats.len();
            (Just(cats), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        });
    (
        1u8..=3,
        prop::collection::vec(any::<u8>(), 1..6),
        prop::collection::vec(any::<u8>(), 0..8),
        1u8..=2,
        prop::collection::vec(any::<(u8, u8)>(), 0..4),
        categories,
        prop::collection::vec(any::<u8>(), 0..=1),
        (
            1u8..=2,
            prop::collection::vec(any::<u8>(), 0..4),
            prop::collection::vec(any::<(u8, Option<u8>)>(), 0..8),
            prop::collection::vec(any::<u8>(), 0..3),
        ),
    )
        .prop_map(
            |(
                authors,
                posts,
                comments,
                tags,
                post_tags,
                (categories, category_ids),
                invoices,
                (members, threads, votes, bills),
            )| {
                Forest {
                    authors,
                    posts,
                    comments,
                    tags,
                    post_tags,
                    categories,
                    category_ids,
                    invoices,
                    members,
                    threads,
                    votes,
                    bills,
                }
            },
        )
}

/// Random operations; `purge_tables` are the tables a purge may start from. Hard delete and
/// erase pick a hidden row half the time, and `RemoveHidden` always removes a row a changeset
/// hides (from any table), so that removals take rows from changesets, partly or wholly, often;
/// restores by id pick partly removed, emptied and deferring changesets too.
fn op(purge_tables: Vec<Tbl>) -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (table(), any::<u16>()).prop_map(|(table, pick)| Op::SoftDelete { table, pick }),
        2 => (table(), prop::collection::vec(any::<u16>(), 1..4))
            .prop_map(|(table, picks)| Op::SoftDeleteWhere { table, picks }),
        3 => (table(), any::<u16>()).prop_map(|(table, pick)| Op::RestoreRow { table, pick }),
        4 => any::<u16>().prop_map(|pick| Op::RestoreChangeset { pick }),
        2 => (table(), any::<u16>()).prop_map(|(table, pick)| Op::HardDelete { table, pick }),
        2 => (table(), any::<u16>(), any::<bool>())
            .prop_map(|(table, pick, dpo)| Op::Erase { table, pick, dpo }),
        // Members again, where the `nullify` edge starts.
        1 => any::<u16>().prop_map(|pick| Op::Erase { table: Tbl::Members, pick, dpo: true }),
        1 => any::<u16>().prop_map(|pick| Op::HardDelete { table: Tbl::Members, pick }),
        2 => (prop::sample::select(purge_tables), any::<u16>(), any::<u8>())
            .prop_map(|(table, cutoff, batch)| Op::Purge { table, cutoff, batch }),
        3 => any::<u16>().prop_map(|pick| Op::RemoveHidden { pick }),
        2 => any::<u16>().prop_map(|pick| Op::HideParentOfHidden { pick }),
        1 => (table(), any::<(u16, u16)>())
            .prop_map(|(table, parents)| Op::Insert { table, parents }),
    ]
}

/// Operations first, so that shrinking removes operations before it simplifies the forest.
fn scenario(purge_tables: Vec<Tbl>) -> impl Strategy<Value = Scenario> {
    (prop::collection::vec(op(purge_tables), 1..=30), forest())
        .prop_map(|(ops, forest)| Scenario { forest, ops })
}

/// 32 cases unless `PROPTEST_CASES` says otherwise, thorough shrinking, failures persisted in
/// `regressions` (relative to the package root) and replayed first on the next run.
fn config(regressions: &'static str) -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 32;
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        config.max_shrink_iters = 20_000;
    }
    config.failure_persistence = Some(Box::new(FileFailurePersistence::Direct(regressions)));
    config
}

fn base_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date")
}

/// The time of step `step`: one minute apart, all in the past.
fn time_of(step: usize) -> NaiveDateTime {
    base_time() + Duration::minutes(step as i64 + 1)
}

/// A row to insert: its key and foreign keys.
type NewRow = (Key, Vec<Option<i32>>);

/// The model of `forest`, its rows (parents before children), and the invoices as (id, post).
fn build(forest: &Forest) -> (Model, Vec<NewRow>, Vec<(i32, i32)>) {
    let mut m = Model::default();
    let mut order = Vec::new();
    let mut add = |m: &mut Model, t: Tbl, fks: Vec<Option<i32>>| {
        let id = m.alloc(t);
        m.insert_row(t, id, fks.clone());
        order.push(((t, id), fks));
    };
    for _ in 0..forest.authors {
        add(&mut m, Tbl::Authors, vec![]);
    }
    for _ in 0..forest.tags {
        add(&mut m, Tbl::Tags, vec![]);
    }
    let a = i32::from(forest.authors);
    for p in &forest.posts {
        add(&mut m, Tbl::Posts, vec![Some(i32::from(*p) % a + 1)]);
    }
    let np = forest.posts.len() as i32;
    if np > 0 {
        for c in &forest.comments {
            add(&mut m, Tbl::Comments, vec![Some(i32::from(*c) % np + 1)]);
        }
        if forest.tags > 0 {
            for (p, t) in &forest.post_tags {
                let tag = i32::from(*t) % i32::from(forest.tags) + 1;
                add(
                    &mut m,
                    Tbl::PostTags,
                    vec![Some(i32::from(*p) % np + 1), Some(tag)],
                );
            }
        }
    }
    for _ in 0..forest.members {
        add(&mut m, Tbl::Members, vec![]);
    }
    let nm = i32::from(forest.members);
    for t in &forest.threads {
        add(&mut m, Tbl::Threads, vec![Some(i32::from(*t) % nm + 1)]);
    }
    for b in &forest.bills {
        add(&mut m, Tbl::Bills, vec![Some(i32::from(*b) % nm + 1)]);
    }
    let nt = forest.threads.len() as i32;
    if nt > 0 {
        for (t, member) in &forest.votes {
            let member = member.map(|p| i32::from(p) % nm + 1);
            add(
                &mut m,
                Tbl::Votes,
                vec![Some(i32::from(*t) % nt + 1), member],
            );
        }
    }
    // Categories: node i has id category_ids[i] + 1; inserted in node order (parents first).
    for (i, parent) in forest.categories.iter().enumerate() {
        let id = forest.category_ids[i] as i32 + 1;
        let parent_id = match parent {
            Some(p) if i > 0 => Some(forest.category_ids[*p as usize % i] as i32 + 1),
            _ => None,
        };
        m.rows.insert(
            (Tbl::Categories, id),
            Row {
                fks: vec![parent_id],
                deleted_at: None,
                deletion_id: None,
            },
        );
        order.push(((Tbl::Categories, id), vec![parent_id]));
    }
    m.next
        .insert(Tbl::Categories, forest.categories.len() as i32 + 1);
    let mut invoices = Vec::new();
    if np > 0 {
        for (i, p) in forest.invoices.iter().enumerate() {
            let post = i32::from(*p) % np + 1;
            *m.invoices.entry(post).or_default() += 1;
            invoices.push((i as i32 + 1, post));
        }
    }
    (m, order, invoices)
}

/// A row id of `t` from `pick`: mostly an id ever allocated (so also removed rows), one time
/// in eight (or when none was) an id that never was.
fn pick_row(m: &Model, t: Tbl, pick: u16) -> i32 {
    let n = m.allocated(t);
    let one_in_eight = pick % 8;
    if n == 0 || one_in_eight == 0 {
        MISSING_ROW
    } else {
        i32::from(pick / 8) % n + 1
    }
}

/// Like [`pick_row`], but half the time a currently hidden row, when there is one.
fn pick_hidden_row(m: &Model, t: Tbl, pick: u16) -> i32 {
    let hidden: Vec<i32> = m
        .existing(t)
        .into_iter()
        .filter(|id| !m.is_live((t, *id)))
        .collect();
    let one_in_two = pick % 2;
    if hidden.is_empty() || one_in_two == 1 {
        pick_row(m, t, pick / 2)
    } else {
        hidden[usize::from(pick / 2) % hidden.len()]
    }
}

/// A changeset id from `pick`: one time in eight (or when none is known) one that does not
/// exist; otherwise, by kind, one in the trash bin that removals took rows from (partly
/// removed), one they emptied (`Removed`), one whose restore defers rows to another changeset
/// (two in eight), one in the trash bin, or any known one, restored or not (two in eight) — each
/// kind when there is one, else any known one.
fn pick_changeset(m: &Model, pick: u16) -> i64 {
    let kind = pick % 8;
    let known: Vec<&Changeset> = m.changesets.values().collect();
    if known.is_empty() || kind == 0 {
        return MISSING_CHANGESET;
    }
    // How many changesets the rows its restore defers may go to, at most.
    let defers_to = |c: &Changeset| {
        m.plan_restore(c.id).map_or(0, |plan| {
            plan.stuck.values().map(BTreeSet::len).max().unwrap_or(0)
        })
    };
    let wanted = |c: &Changeset| match kind {
        1 => Model::restorable(c) && c.rows_removed > 0,
        2 => c.removed_at.is_some(),
        // A join row under two parents hidden by different changesets, if there is one.
        3 => defers_to(c) > 1,
        4 => defers_to(c) > 0,
        5 => Model::restorable(c),
        _ => true,
    };
    let mut pool: Vec<i64> = known.iter().filter(|c| wanted(c)).map(|c| c.id).collect();
    if pool.is_empty() && kind == 3 {
        pool = known
            .iter()
            .filter(|c| defers_to(c) > 0)
            .map(|c| c.id)
            .collect();
    }
    if pool.is_empty() {
        pool = known.iter().map(|c| c.id).collect();
    }
    pool[usize::from(pick / 8) % pool.len()]
}

/// Per-run figures, printed at the end of each backend's test.
#[derive(Default)]
struct Stats {
    cases: Cell<u64>,
    ops: Cell<u64>,
    ok: Cell<u64>,
    expected_errors: Cell<u64>,
    rows_checked: Cell<u64>,
    /// Changesets whose rows (`Changeset::rows`) and counts were checked, summed over steps.
    changesets_checked: Cell<u64>,
    /// Hidden rows removals took from changesets (`rows_removed` added up).
    rows_removed: Cell<u64>,
    /// Changesets removals emptied (`Removed`).
    emptied: Cell<u64>,
    /// Rows restores deferred to another changeset.
    deferred: Cell<u64>,
    per_op: RefCell<BTreeMap<String, u64>>,
}

impl Stats {
    fn bump(&self, c: &Cell<u64>, n: u64) {
        c.set(c.get() + n);
    }
    fn record(&self, what: String) {
        *self.per_op.borrow_mut().entry(what).or_default() += 1;
    }
}

/// Compares an operation's result with the model's prediction; `Ok(Some)` when both succeeded.
fn outcome<M, D>(
    model: Result<M, Failure>,
    db: Result<D, SoftDeleteError>,
    stats: &Stats,
    kind: &str,
) -> Result<Option<(M, D)>, String>
where
    M: std::fmt::Debug,
    D: std::fmt::Debug,
{
    match (model, db) {
        (Ok(m), Ok(d)) => {
            stats.bump(&stats.ok, 1);
            stats.record(format!("{kind} ok"));
            Ok(Some((m, d)))
        }
        (Err(f), Err(e)) if f.is(&e) => {
            stats.bump(&stats.expected_errors, 1);
            stats.record(format!("{kind} {}", f.name()));
            Ok(None)
        }
        (m, d) => Err(format!("model expected {m:?}, database returned {d:?}")),
    }
}

fn diff<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    what: &str,
    model: &BTreeMap<K, V>,
    db: &BTreeMap<K, V>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in model {
        match db.get(k) {
            None => out.push(format!("{what} {k:?}: model {v:?}, missing in database")),
            Some(d) if d != v => out.push(format!("{what} {k:?}: model {v:?}, database {d:?}")),
            _ => {}
        }
    }
    for (k, d) in db {
        if !model.contains_key(k) {
            out.push(format!("{what} {k:?}: not in model, database {d:?}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The suite, on the backend's connection
// ---------------------------------------------------------------------------------------------

/// A fresh database with the test schema, named after this module and `test`.
fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
}

fn insert(conn: &mut Conn, (t, id): Key, fks: &[Option<i32>]) -> QueryResult<()> {
    let fk = |i: usize| fks[i].expect("foreign key");
    match t {
        Tbl::Authors => diesel::insert_into(authors::table)
            .values((authors::id.eq(id), authors::name.eq("a")))
            .execute(conn),
        Tbl::Tags => diesel::insert_into(tags::table)
            .values((tags::id.eq(id), tags::name.eq("t")))
            .execute(conn),
        Tbl::Posts => diesel::insert_into(posts::table)
            .values((
                posts::id.eq(id),
                posts::author_id.eq(fk(0)),
                posts::title.eq("p"),
            ))
            .execute(conn),
        Tbl::Comments => diesel::insert_into(comments::table)
            .values((
                comments::id.eq(id),
                comments::post_id.eq(fk(0)),
                comments::body.eq("c"),
            ))
            .execute(conn),
        Tbl::PostTags => diesel::insert_into(post_tags::table)
            .values((
                post_tags::id.eq(id),
                post_tags::post_id.eq(fk(0)),
                post_tags::tag_id.eq(fk(1)),
            ))
            .execute(conn),
        Tbl::Categories => diesel::insert_into(categories::table)
            .values((
                categories::id.eq(id),
                categories::parent_id.eq(fks[0]),
                categories::name.eq("k"),
            ))
            .execute(conn),
        Tbl::Members => diesel::insert_into(members::table)
            .values((members::id.eq(id), members::name.eq("m")))
            .execute(conn),
        Tbl::Threads => diesel::insert_into(threads::table)
            .values((
                threads::id.eq(id),
                threads::member_id.eq(fk(0)),
                threads::title.eq("t"),
            ))
            .execute(conn),
        Tbl::Votes => diesel::insert_into(votes::table)
            .values((
                votes::id.eq(id),
                votes::thread_id.eq(fk(0)),
                votes::member_id.eq(fks[1]),
            ))
            .execute(conn),
        Tbl::Bills => diesel::insert_into(bills::table)
            .values((
                bills::id.eq(id),
                bills::member_id.eq(fk(0)),
                bills::amount.eq(1),
            ))
            .execute(conn),
    }
    .map(|_| ())
}

type Flat = (i32, Option<NaiveDateTime>, Option<i64>);
type Linked = (i32, i32, Option<NaiveDateTime>, Option<i64>);

/// Every row of the soft-deletable tables (also read by `invariants.rs`).
pub(super) fn load(conn: &mut Conn) -> diesel::QueryResult<BTreeMap<Key, Row>> {
    let mut out = BTreeMap::new();
    let mut put = |t: Tbl, id: i32, fks: Vec<Option<i32>>, deleted_at, deletion_id| {
        out.insert(
            (t, id),
            Row {
                fks,
                deleted_at,
                deletion_id,
            },
        );
    };
    for (id, d, x) in authors::table
        .select((authors::id, authors::deleted_at, authors::deletion_id))
        .load::<Flat>(conn)?
    {
        put(Tbl::Authors, id, vec![], d, x);
    }
    for (id, d, x) in tags::table
        .select((tags::id, tags::deleted_at, tags::deletion_id))
        .load::<Flat>(conn)?
    {
        put(Tbl::Tags, id, vec![], d, x);
    }
    for (id, a, d, x) in posts::table
        .select((
            posts::id,
            posts::author_id,
            posts::deleted_at,
            posts::deletion_id,
        ))
        .load::<Linked>(conn)?
    {
        put(Tbl::Posts, id, vec![Some(a)], d, x);
    }
    for (id, p, d, x) in comments::table
        .select((
            comments::id,
            comments::post_id,
            comments::deleted_at,
            comments::deletion_id,
        ))
        .load::<Linked>(conn)?
    {
        put(Tbl::Comments, id, vec![Some(p)], d, x);
    }
    for (id, p, t, d, x) in post_tags::table
        .select((
            post_tags::id,
            post_tags::post_id,
            post_tags::tag_id,
            post_tags::deleted_at,
            post_tags::deletion_id,
        ))
        .load::<(i32, i32, i32, Option<NaiveDateTime>, Option<i64>)>(conn)?
    {
        put(Tbl::PostTags, id, vec![Some(p), Some(t)], d, x);
    }
    for (id, p, d, x) in categories::table
        .select((
            categories::id,
            categories::parent_id,
            categories::deleted_at,
            categories::deletion_id,
        ))
        .load::<(i32, Option<i32>, Option<NaiveDateTime>, Option<i64>)>(conn)?
    {
        put(Tbl::Categories, id, vec![p], d, x);
    }
    for (id, d, x) in members::table
        .select((members::id, members::deleted_at, members::deletion_id))
        .load::<Flat>(conn)?
    {
        put(Tbl::Members, id, vec![], d, x);
    }
    for (id, m, d, x) in threads::table
        .select((
            threads::id,
            threads::member_id,
            threads::deleted_at,
            threads::deletion_id,
        ))
        .load::<Linked>(conn)?
    {
        put(Tbl::Threads, id, vec![Some(m)], d, x);
    }
    for (id, t, m, d, x) in votes::table
        .select((
            votes::id,
            votes::thread_id,
            votes::member_id,
            votes::deleted_at,
            votes::deletion_id,
        ))
        .load::<(i32, i32, Option<i32>, Option<NaiveDateTime>, Option<i64>)>(conn)?
    {
        put(Tbl::Votes, id, vec![Some(t), m], d, x);
    }
    for (id, m, d) in bills::table
        .select((bills::id, bills::member_id, bills::deleted_at))
        .load::<(i32, i32, Option<NaiveDateTime>)>(conn)?
    {
        put(Tbl::Bills, id, vec![Some(m)], d, None);
    }
    Ok(out)
}

fn load_changesets(conn: &mut Conn) -> diesel::QueryResult<BTreeMap<i64, Changeset>> {
    Ok(soft_delete_changesets::table
        .select(Changeset::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}

/// What the database holds after a step: every row, and every changeset.
struct Stored {
    rows: BTreeMap<Key, Row>,
    changesets: BTreeMap<i64, Changeset>,
}

/// Whether `t` can be the wall-clock time of a removal in this run: after every time the test
/// itself writes (2020) and not in the future.
fn is_wall_clock(t: NaiveDateTime) -> bool {
    let earliest = NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
    earliest.is_some_and(|e| t > e) && t <= chrono::Utc::now().naive_utc() + Duration::minutes(1)
}

/// The database equals the model: every row of every table, every changeset and every erasure
/// record. A `removed_at` the model predicts (a placeholder) takes the database's time, which
/// must be the wall-clock time of the removal; from then on it must not change.
fn compare(conn: &mut Conn, m: &mut Model, stats: &Stats) -> Result<Stored, String> {
    let db = load(conn).map_err(|e| format!("load: {e}"))?;
    let cs = load_changesets(conn).map_err(|e| format!("load changesets: {e}"))?;
    stats.bump(&stats.rows_checked, (db.len() + cs.len()) as u64);
    let erasures: BTreeMap<i64, Erasure> = Erasure::list(conn)
        .map_err(|e| format!("load erasures: {e}"))?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    stats.bump(&stats.rows_checked, erasures.len() as u64);
    let mut problems = Vec::new();
    for (id, c) in m.changesets.iter_mut() {
        if c.removed_at != Some(removed_placeholder()) {
            continue;
        }
        match cs.get(id).and_then(|d| d.removed_at) {
            Some(t) if is_wall_clock(t) => c.removed_at = Some(t),
            Some(t) => problems.push(format!(
                "changeset {id}: removed_at {t} is not the time of the removal"
            )),
            // `diff` reports the missing stamp.
            None => {}
        }
    }
    problems.extend(diff("row", &m.rows, &db));
    problems.extend(diff("changeset", &m.changesets, &cs));
    problems.extend(diff("erasure", &m.erasures, &erasures));
    if problems.is_empty() {
        Ok(Stored {
            rows: db,
            changesets: cs,
        })
    } else {
        Err(problems.join("\n"))
    }
}

/// The pairs (live row, hidden cascade parent of it) in `rows`, over every cascade edge:
/// the self-reference of `categories` and both parents of a `post_tags` row (its post and its
/// tag) included.
fn live_under_hidden(rows: &BTreeMap<Key, Row>) -> BTreeSet<(Key, Key)> {
    let mut out = BTreeSet::new();
    for (k, row) in rows.iter().filter(|(_, r)| r.deleted_at.is_none()) {
        for (t, fk) in k.0.parent_tables().iter().zip(&row.fks) {
            let Some(parent) = fk.map(|id| (*t, id)) else {
                continue;
            };
            if rows.get(&parent).is_some_and(|p| p.deleted_at.is_some()) {
                out.insert((*k, parent));
            }
        }
    }
    out
}

/// The checks after every step, on the database and the model (equal by then, see [`compare`]):
/// - no operation leaves a live row under a hidden cascade parent: such a pair exists only
///   where it already did, or where the step inserted the live row (the test writes such rows
///   on purpose, as an application may);
/// - per changeset, `Changeset::rows` lists exactly the rows carrying its id, and until it is
///   restored `rows_affected - rows_removed` rows carry it (`rows_restorable()`), and it is
///   `Removed` exactly when none does (for a changeset of `bills`, whose rows record none: it is
///   restorable only while the bill its key names is hidden);
/// - the trash bin (`ChangesetFilter::restored(false)`) lists exactly the model's restorable
///   changesets, newest first, and `state(Removed)` exactly the emptied ones.
fn check_record<D: Api>(
    d: &mut D,
    m: &Model,
    before: &Stored,
    after: &Stored,
    stats: &Stats,
) -> Result<(), String> {
    let mut problems = Vec::new();
    let old = live_under_hidden(&before.rows);
    for (child, parent) in live_under_hidden(&after.rows).difference(&old) {
        if before.rows.contains_key(child) {
            problems.push(format!("{child:?} is live under hidden {parent:?}"));
        }
    }
    for (id, cs) in &after.changesets {
        let mut expected: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (t, key) in m.carried(*id) {
            expected.entry(t.name()).or_default().push(key.to_string());
        }
        let listed = d
            .changeset_rows(*id)
            .map_err(|e| format!("Changeset::rows({id}): {e}"))?;
        let mut rows: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for r in listed {
            if r.keys.is_empty() || rows.insert(r.table, r.keys).is_some() {
                problems.push(format!("Changeset::rows({id}): an empty or repeated table"));
            }
        }
        if rows != expected {
            problems.push(format!(
                "Changeset::rows({id}) is {rows:?}, the model's {expected:?}"
            ));
        }
        let carried = after
            .rows
            .values()
            .filter(|r| r.deletion_id == Some(*id))
            .count() as i64;
        let counted = cs.root_table != Tbl::Bills.name();
        if counted && cs.restored_at.is_none() {
            let restorable = cs.rows_affected - cs.rows_removed;
            let removed = cs.state() == ChangesetState::Removed;
            if restorable != carried || cs.rows_restorable() != carried || removed != (carried == 0)
            {
                problems.push(format!(
                    "changeset {id} says {} of {} rows removed ({:?}), {carried} carry its id",
                    cs.rows_removed,
                    cs.rows_affected,
                    cs.state()
                ));
            }
        }
        if !counted && cs.state() == ChangesetState::Restorable {
            // A bill's changeset names its bill by key: in the trash bin only while it is hidden.
            let bill = cs.root_key.as_deref().and_then(|k| k.parse::<i32>().ok());
            if let Some(bill) = bill {
                let row = after.rows.get(&(Tbl::Bills, bill));
                if row.is_none_or(|r| r.deleted_at.is_none()) {
                    problems.push(format!(
                        "changeset {id} of bill {bill} is restorable, but the bill is not hidden"
                    ));
                }
            }
        }
        stats.bump(&stats.changesets_checked, 1);
    }
    let newest_first = |keep: fn(&Changeset) -> bool| {
        let mut ids: Vec<(NaiveDateTime, i64)> = m
            .changesets
            .values()
            .filter(|c| keep(c))
            .map(|c| (c.created_at, c.id))
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.into_iter().map(|(_, id)| id).collect::<Vec<i64>>()
    };
    for (filter, expected) in [
        (
            ChangesetFilter::new().restored(false),
            newest_first(Model::restorable),
        ),
        (
            ChangesetFilter::new().state(ChangesetState::Removed),
            newest_first(|c| c.removed_at.is_some()),
        ),
    ] {
        let listed = d
            .list_changesets(&filter.clone().limit(MAX_PAGE))
            .map_err(|e| format!("Changeset::list: {e}"))?;
        let ids: Vec<i64> = listed.iter().map(|c| c.id).collect();
        if ids != expected {
            problems.push(format!(
                "{:?} lists {ids:?}, the model {expected:?}",
                filter.state
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn reset(conn: &mut Conn) -> QueryResult<()> {
    conn.batch_execute(
        "DELETE FROM invoices; DELETE FROM post_tags; DELETE FROM comments; DELETE FROM posts;
         DELETE FROM authors; DELETE FROM tags; UPDATE categories SET parent_id = NULL;
         DELETE FROM categories; DELETE FROM ballots; DELETE FROM threads; DELETE FROM bills;
         DELETE FROM members;
         DELETE FROM soft_delete_changesets; DELETE FROM soft_delete_erasures;",
    )
}

fn soft_delete_row<D: Api>(
    d: &mut D,
    t: Tbl,
    id: i32,
    o: DeleteOptions,
) -> Result<Changeset, SoftDeleteError> {
    match t {
        Tbl::Authors => d.soft_delete_with(&keys::author(id), o),
        Tbl::Posts => d.soft_delete_with(&keys::post(id), o),
        Tbl::Comments => d.soft_delete_with(&keys::comment(id), o),
        Tbl::Tags => d.soft_delete_with(&keys::tag(id), o),
        Tbl::PostTags => d.soft_delete_with(&keys::post_tag(id), o),
        Tbl::Categories => d.soft_delete_with(&keys::category(id), o),
        Tbl::Members => d.soft_delete_with(&keys::member(id), o),
        Tbl::Threads => d.soft_delete_with(&keys::thread(id), o),
        Tbl::Votes => d.soft_delete_with(&keys::vote(id), o),
        Tbl::Bills => d.soft_delete_with(&keys::bill(id), o),
    }
}

fn restore_row<D: Api>(
    d: &mut D,
    t: Tbl,
    id: i32,
    o: RestoreOptions,
) -> Result<RestoreReport, SoftDeleteError> {
    match t {
        Tbl::Authors => d.restore_with(&keys::author(id), o),
        Tbl::Posts => d.restore_with(&keys::post(id), o),
        Tbl::Comments => d.restore_with(&keys::comment(id), o),
        Tbl::Tags => d.restore_with(&keys::tag(id), o),
        Tbl::PostTags => d.restore_with(&keys::post_tag(id), o),
        Tbl::Categories => d.restore_with(&keys::category(id), o),
        Tbl::Members => d.restore_with(&keys::member(id), o),
        Tbl::Threads => d.restore_with(&keys::thread(id), o),
        Tbl::Votes => d.restore_with(&keys::vote(id), o),
        Tbl::Bills => d.restore_with(&keys::bill(id), o),
    }
}

fn hard_delete_row<D: Api>(d: &mut D, t: Tbl, id: i32) -> Result<TableCounts, SoftDeleteError> {
    match t {
        Tbl::Authors => d.hard_delete(&keys::author(id)),
        Tbl::Posts => d.hard_delete(&keys::post(id)),
        Tbl::Comments => d.hard_delete(&keys::comment(id)),
        Tbl::Tags => d.hard_delete(&keys::tag(id)),
        Tbl::PostTags => d.hard_delete(&keys::post_tag(id)),
        Tbl::Categories => d.hard_delete(&keys::category(id)),
        Tbl::Members => d.hard_delete(&keys::member(id)),
        Tbl::Threads => d.hard_delete(&keys::thread(id)),
        Tbl::Votes => d.hard_delete(&keys::vote(id)),
        Tbl::Bills => d.hard_delete(&keys::bill(id)),
    }
}

fn erase_row<D: Api>(
    d: &mut D,
    t: Tbl,
    id: i32,
    o: EraseOptions,
) -> Result<Erasure, SoftDeleteError> {
    match t {
        Tbl::Authors => d.erase(&keys::author(id), o),
        Tbl::Posts => d.erase(&keys::post(id), o),
        Tbl::Comments => d.erase(&keys::comment(id), o),
        Tbl::Tags => d.erase(&keys::tag(id), o),
        Tbl::PostTags => d.erase(&keys::post_tag(id), o),
        Tbl::Categories => d.erase(&keys::category(id), o),
        Tbl::Members => d.erase(&keys::member(id), o),
        Tbl::Threads => d.erase(&keys::thread(id), o),
        Tbl::Votes => d.erase(&keys::vote(id), o),
        Tbl::Bills => d.erase(&keys::bill(id), o),
    }
}

fn soft_delete_where<D: Api>(
    d: &mut D,
    t: Tbl,
    ids: Vec<i32>,
    o: DeleteOptions,
) -> Result<Changeset, SoftDeleteError> {
    match t {
        Tbl::Authors => d.soft_delete_where_with::<Author, _>(authors::id.eq_any(ids), o),
        Tbl::Posts => d.soft_delete_where_with::<Post, _>(posts::id.eq_any(ids), o),
        Tbl::Comments => d.soft_delete_where_with::<Comment, _>(comments::id.eq_any(ids), o),
        Tbl::Tags => d.soft_delete_where_with::<Tag, _>(tags::id.eq_any(ids), o),
        Tbl::PostTags => d.soft_delete_where_with::<PostTag, _>(post_tags::id.eq_any(ids), o),
        Tbl::Categories => d.soft_delete_where_with::<Category, _>(categories::id.eq_any(ids), o),
        Tbl::Members => d.soft_delete_where_with::<Member, _>(members::id.eq_any(ids), o),
        Tbl::Threads => d.soft_delete_where_with::<Thread, _>(threads::id.eq_any(ids), o),
        Tbl::Votes => d.soft_delete_where_with::<Vote, _>(votes::id.eq_any(ids), o),
        Tbl::Bills => d.soft_delete_where_with::<Bill, _>(bills::id.eq_any(ids), o),
    }
}

fn purge<D: Api>(d: &mut D, t: Tbl, o: PurgeOptions) -> Result<PurgeReport, SoftDeleteError> {
    match t {
        Tbl::Authors => d.purge_with::<Author>(o),
        Tbl::Posts => d.purge_with::<Post>(o),
        Tbl::Comments => d.purge_with::<Comment>(o),
        Tbl::Tags => d.purge_with::<Tag>(o),
        Tbl::PostTags => d.purge_with::<PostTag>(o),
        Tbl::Categories => d.purge_with::<Category>(o),
        Tbl::Members => d.purge_with::<Member>(o),
        Tbl::Threads => d.purge_with::<Thread>(o),
        Tbl::Votes => d.purge_with::<Vote>(o),
        Tbl::Bills => d.purge_with::<Bill>(o),
    }
}

/// Finishes a restore the model planned, once the database's is done. Where the contract leaves
/// a choice (a join row under two parents hidden by different changesets may move to either),
/// the model takes the database's if it is one of them. Then the report must be the predicted
/// one: rows restored per table, rows deferred per table and changeset (in whatever order the
/// engine met them, each pair once), the changeset record and `already_removed`.
fn finish_restore<D: Api>(
    d: &mut D,
    m: &mut Model,
    kind: &str,
    planned: Result<PlannedRestore, Failure>,
    db: Result<RestoreReport, SoftDeleteError>,
    at: NaiveDateTime,
    stats: &Stats,
) -> Result<(), String> {
    let Some((planned, report)) = outcome(planned, db, stats, kind)? else {
        return Ok(());
    };
    let expected = match planned {
        PlannedRestore::Row(k) => m.restore_single(k, at, "admin"),
        PlannedRestore::Changeset(plan) => {
            let open = plan.stuck.values().any(|targets| targets.len() > 1);
            if open {
                stats.record(format!("{kind} ok, a row under two hidden parents"));
            }
            let stored = if open {
                load(d.conn()).map_err(|e| format!("load: {e}"))?
            } else {
                BTreeMap::new()
            };
            let chosen = |k: Key, targets: &BTreeSet<i64>| {
                let db = stored.get(&k).and_then(|r| r.deletion_id);
                db.filter(|id| targets.contains(id))
                    .or_else(|| targets.first().copied())
                    .expect("a row stays hidden for some changeset")
            };
            m.apply_restore(&plan, chosen, at)
        }
    };
    let mut deferred = BTreeMap::new();
    for entry in &report.deferred {
        let pair = (entry.table, entry.changeset);
        if entry.rows == 0 || deferred.insert(pair, entry.rows).is_some() {
            return Err(format!(
                "restore report {report:?}: an empty or repeated deferred entry"
            ));
        }
    }
    let got = Restored {
        restored: counts_of(&report.restored),
        deferred,
        changeset: report.changeset.clone(),
        already_removed: report.already_removed,
    };
    if got != expected {
        return Err(format!(
            "restore report {report:?}, model expected {expected:?}"
        ));
    }
    if expected.already_removed > 0 {
        stats.record(format!("{kind} ok, partly removed"));
    }
    for (table, changeset) in expected.deferred.keys() {
        let parent = &m.changesets[changeset].root_table;
        stats.record(format!(
            "{kind} ok, deferred {table} to a changeset of {parent}"
        ));
    }
    stats.bump(&stats.deferred, report.deferred_total());
    Ok(())
}

/// Hard delete of row `id` of `t`, compared with the model's.
fn hard_delete_step<D: Api>(
    d: &mut D,
    m: &mut Model,
    t: Tbl,
    id: i32,
    stats: &Stats,
) -> Result<(), String> {
    let mut next = m.clone();
    let model = next.hard_delete((t, id));
    let db = hard_delete_row(d, t, id);
    if let Some(((counts, nullified), removed)) = outcome(model, db, stats, "hard_delete")? {
        if !nullified.is_empty() {
            stats.record("hard_delete ok, votes nullified".to_owned());
        }
        if counts_of(&removed) != counts {
            return Err(format!(
                "hard delete removed {removed:?}, model expected {counts:?}"
            ));
        }
        *m = next;
    }
    Ok(())
}

/// Erasure of row `id` of `t` by the data-protection officer (`dpo`) or not, compared with the
/// model's, erasure record included.
fn erase_step<D: Api>(
    d: &mut D,
    m: &mut Model,
    (t, id): Key,
    dpo: bool,
    (at, reason): (NaiveDateTime, &str),
    stats: &Stats,
) -> Result<(), String> {
    let actor = if dpo { "dpo" } else { "model" };
    let mut next = m.clone();
    let model = if t == Tbl::Members && !dpo {
        Err(Failure::Refused("members"))
    } else {
        next.hard_delete((t, id))
    };
    let options = EraseOptions::new().actor(actor).reason(reason).at(at);
    let db = erase_row(d, t, id, options);
    if let Some(((removed, nullified), erasure)) = outcome(model, db, stats, "erase")? {
        let expected = Erasure {
            id: erasure.id,
            erased_at: at,
            actor: Some(actor.to_owned()),
            reason: Some(reason.to_owned()),
            table: t.name().to_owned(),
            key: Some(id.to_string()),
            removed: erasure.removed.clone(),
            nullified: erasure.nullified.clone(),
        };
        if counts_of(&erasure.removed) != removed
            || counts_of(&erasure.nullified) != nullified
            || erasure != expected
            || next.erasures.contains_key(&erasure.id)
        {
            return Err(format!(
                "erasure {erasure:?}, model expected {removed:?} removed and {nullified:?} \
                 nullified"
            ));
        }
        if !nullified.is_empty() {
            stats.record("erase ok, votes nullified".to_owned());
        }
        next.erasures.insert(erasure.id, erasure);
        *m = next;
    }
    Ok(())
}

/// Purge of `t` up to `cutoff` in batches of `batch` rows, compared with the model's (whose
/// batches before a refused one stay done, as the engine's).
fn purge_step<D: Api>(
    d: &mut D,
    m: &mut Model,
    t: Tbl,
    cutoff: NaiveDateTime,
    batch: usize,
    stats: &Stats,
) -> Result<(), String> {
    let (model, counts, batches) = m.purge(t, cutoff, batch);
    let db = purge(d, t, PurgeOptions::new(cutoff).batch_size(batch as u32));
    if let Some(((), report)) = outcome(model, db, stats, "purge")? {
        if counts_of(&report.removed) != counts || report.batches != batches {
            return Err(format!(
                "purge report {report:?}, model expected {counts:?} in {batches} batches"
            ));
        }
        if batches > 0 {
            stats.record(format!("purge ok, {batches} batch(es)"));
        }
    }
    Ok(())
}

fn step<D: Api>(d: &mut D, m: &mut Model, n: usize, op: &Op, stats: &Stats) -> Result<(), String> {
    let at = time_of(n);
    let reason = format!("step {n}");
    let delete_opts = || {
        DeleteOptions::new()
            .actor("model")
            .reason(reason.clone())
            .at(at)
    };
    // `admin`: the members' restore rule lets an admin restore.
    let restore_opts = RestoreOptions::new().actor("admin").at(at);
    match op {
        Op::SoftDelete { table, pick } => {
            let id = pick_row(m, *table, *pick);
            let plan = m.plan_soft_delete(*table, &[id], true);
            let db = soft_delete_row(d, *table, id, delete_opts());
            if let Some((hidden, cs)) = outcome(plan, db, stats, "soft_delete")? {
                if m.changesets.contains_key(&cs.id) || cs.id <= 0 {
                    return Err(format!("changeset id {} is not new", cs.id));
                }
                let expected =
                    m.apply_soft_delete(&hidden, &cs, *table, Some(id.to_string()), at, &reason);
                if cs != expected {
                    return Err(format!("returned {cs:?}, model expected {expected:?}"));
                }
            }
        }
        Op::SoftDeleteWhere { table, picks } => {
            let ids: Vec<i32> = picks
                .iter()
                .map(|p| pick_row(m, *table, *p))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let plan = m.plan_soft_delete(*table, &ids, false);
            let db = soft_delete_where(d, *table, ids, delete_opts());
            if let Some((hidden, cs)) = outcome(plan, db, stats, "soft_delete_where")? {
                if m.changesets.contains_key(&cs.id) || cs.id <= 0 {
                    return Err(format!("changeset id {} is not new", cs.id));
                }
                let expected = m.apply_soft_delete(&hidden, &cs, *table, None, at, &reason);
                if cs != expected {
                    return Err(format!("returned {cs:?}, model expected {expected:?}"));
                }
            }
        }
        Op::RestoreRow { table, pick } => {
            let id = pick_hidden_row(m, *table, *pick);
            let planned = m.plan_restore_row((*table, id));
            let db = restore_row(d, *table, id, restore_opts.clone());
            finish_restore(d, m, "restore_row", planned, db, at, stats)?;
        }
        Op::RestoreChangeset { pick } => {
            let id = pick_changeset(m, *pick);
            let planned = m.plan_restore(id).map(PlannedRestore::Changeset);
            let db = d.restore_changeset_with(id, &restore_opts);
            finish_restore(d, m, "restore_changeset", planned, db, at, stats)?;
        }
        Op::HardDelete { table, pick } => {
            let id = pick_hidden_row(m, *table, *pick);
            hard_delete_step(d, m, *table, id, stats)?;
        }
        Op::Erase { table, pick, dpo } => {
            let id = pick_hidden_row(m, *table, *pick);
            erase_step(d, m, (*table, id), *dpo, (at, &reason), stats)?;
        }
        Op::Purge {
            table,
            cutoff,
            batch,
        } => {
            // Half the time everything hidden so far, otherwise a cutoff among the steps.
            let cutoff = if cutoff % 2 == 0 {
                at
            } else {
                base_time() + Duration::minutes(i64::from(cutoff / 2) % (n as i64 + 2))
            };
            purge_step(d, m, *table, cutoff, usize::from(*batch % 3) + 1, stats)?;
        }
        Op::HideParentOfHidden { pick } => {
            let with_live_parent = |hidden: bool| {
                m.rows
                    .iter()
                    .filter(move |(_, r)| r.deletion_id.is_some() == hidden)
                    .flat_map(|(k, _)| m.parents(*k).into_iter().map(move |p| (*k, p)))
                    .filter(|(_, p)| m.is_live(*p))
            };
            // Half the time the second parent of a hidden join row whose first is hidden
            // already, when there is one: a restore of the row may then go either way.
            let mut targets: Vec<Key> = with_live_parent(true)
                .filter(|(k, _)| pick % 2 == 0 && m.parents(*k).iter().any(|p| !m.is_live(*p)))
                .map(|(_, p)| p)
                .collect();
            if targets.is_empty() {
                targets = with_live_parent(true).map(|(_, p)| p).collect();
            }
            if targets.is_empty() {
                targets = with_live_parent(false)
                    .filter(|(k, _)| m.is_live(*k))
                    .map(|(k, _)| k)
                    .collect();
            }
            if targets.is_empty() {
                stats.record("hide_parent_of_hidden: none".to_owned());
                return Ok(());
            }
            let (t, id) = targets[usize::from(pick / 2) % targets.len()];
            let plan = m.plan_soft_delete(t, &[id], true);
            let db = soft_delete_row(d, t, id, delete_opts());
            if let Some((hidden, cs)) = outcome(plan, db, stats, "hide_parent_of_hidden")? {
                let expected =
                    m.apply_soft_delete(&hidden, &cs, t, Some(id.to_string()), at, &reason);
                if cs != expected || cs.id <= 0 {
                    return Err(format!("returned {cs:?}, model expected {expected:?}"));
                }
            }
        }
        Op::RemoveHidden { pick } => {
            let hidden: Vec<Key> = m
                .rows
                .iter()
                .filter(|(_, r)| r.deletion_id.is_some())
                .map(|(k, _)| *k)
                .collect();
            if hidden.is_empty() {
                stats.record("remove_hidden: nothing hidden".to_owned());
                return Ok(());
            }
            let (t, id) = hidden[usize::from(pick / 4) % hidden.len()];
            match pick % 4 {
                0 | 1 => hard_delete_step(d, m, t, id, stats)?,
                2 => erase_step(d, m, (t, id), true, (at, &reason), stats)?,
                _ => purge_step(d, m, t, at, usize::from(pick / 4 % 3) + 1, stats)?,
            }
        }
        Op::Insert {
            table,
            parents: (a, b),
        } => {
            let pick = |m: &Model, t: Tbl, p: u16| {
                let ids = m.existing(t);
                (!ids.is_empty()).then(|| ids[usize::from(p) % ids.len()])
            };
            let fks: Option<Vec<Option<i32>>> = match table {
                Tbl::Authors | Tbl::Tags => Some(vec![]),
                Tbl::Posts => pick(m, Tbl::Authors, *a).map(|p| vec![Some(p)]),
                Tbl::Comments => pick(m, Tbl::Posts, *a).map(|p| vec![Some(p)]),
                Tbl::PostTags => pick(m, Tbl::Posts, *a)
                    .zip(pick(m, Tbl::Tags, *b))
                    .map(|(p, t)| vec![Some(p), Some(t)]),
                Tbl::Categories => Some(vec![if b % 4 == 0 {
                    None
                } else {
                    pick(m, Tbl::Categories, *a)
                }]),
                Tbl::Members => Some(vec![]),
                Tbl::Threads => pick(m, Tbl::Members, *a).map(|p| vec![Some(p)]),
                Tbl::Bills => pick(m, Tbl::Members, *a).map(|p| vec![Some(p)]),
                Tbl::Votes => pick(m, Tbl::Threads, *a).map(|t| {
                    let member = if b % 3 == 0 {
                        None
                    } else {
                        pick(m, Tbl::Members, *b)
                    };
                    vec![Some(t), member]
                }),
            };
            if let Some(fks) = fks {
                let id = m.alloc(*table);
                insert(d.conn(), (*table, id), &fks).map_err(|e| format!("insert: {e}"))?;
                m.insert_row(*table, id, fks);
                stats.record("insert ok".to_owned());
            }
        }
    }
    Ok(())
}

fn run_case<D: Api>(d: &mut D, sc: &Scenario, stats: &Stats) -> Result<(), String> {
    reset(d.conn()).map_err(|e| format!("reset: {e}"))?;
    let (mut m, order, invoices) = build(&sc.forest);
    for (k, fks) in &order {
        insert(d.conn(), *k, fks).map_err(|e| format!("seed {k:?}: {e}"))?;
    }
    for (id, post) in invoices {
        diesel::insert_into(invoices::table)
            .values((
                invoices::id.eq(id),
                invoices::post_id.eq(post),
                invoices::amount.eq(1),
            ))
            .execute(d.conn())
            .map_err(|e| format!("invoice: {e}"))?;
    }
    let mut stored =
        compare(d.conn(), &mut m, stats).map_err(|e| format!("after seeding:\n{e}"))?;
    stats.bump(&stats.cases, 1);
    for (n, op) in sc.ops.iter().enumerate() {
        stats.bump(&stats.ops, 1);
        let before = m.changesets.clone();
        step(d, &mut m, n, op, stats).map_err(|e| format!("step {n} {op:?}: {e}"))?;
        let after =
            compare(d.conn(), &mut m, stats).map_err(|e| format!("after step {n} {op:?}:\n{e}"))?;
        check_record(d, &m, &stored, &after, stats)
            .map_err(|e| format!("after step {n} {op:?}:\n{e}"))?;
        stored = after;
        for (id, cs) in &m.changesets {
            let old = before.get(id);
            let removed_before = old.map_or(0, |c| c.rows_removed);
            stats.bump(
                &stats.rows_removed,
                (cs.rows_removed - removed_before) as u64,
            );
            if cs.removed_at.is_some() && old.is_some_and(|c| c.removed_at.is_none()) {
                stats.bump(&stats.emptied, 1);
            }
        }
    }
    Ok(())
}

/// Runs the model-based test on driver `D` with `config`'s case count.
fn run_model<D: Api>(name: &str, regressions: &'static str, purge_tables: Vec<Tbl>) {
    let d = RefCell::new(connect::<D>(name));
    let stats = Stats::default();
    let mut runner = TestRunner::new(config(regressions));
    let result = runner.run(&scenario(purge_tables), |sc| {
        run_case(&mut *d.borrow_mut(), &sc, &stats).map_err(TestCaseError::fail)
    });
    eprintln!(
        "{name} [{:?}, {}]: {} cases, {} operations ({} succeeded, {} failed as predicted), \
         {} rows and changesets compared, {} changesets' rows and counts checked; {} hidden \
         rows removed from changesets, {} changesets emptied, {} rows deferred\n  \
         per operation: {:?}",
        Db::DIALECT,
        D::KIND,
        stats.cases.get(),
        stats.ops.get(),
        stats.ok.get(),
        stats.expected_errors.get(),
        stats.rows_checked.get(),
        stats.changesets_checked.get(),
        stats.rows_removed.get(),
        stats.emptied.get(),
        stats.deferred.get(),
        stats.per_op.borrow(),
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every operation, with purges starting from every table but `categories` (which the
/// next test purges).
fn random_forests_and_operations_match_the_reference_model_on<D: Api>() {
    let tables = TABLES
        .iter()
        .copied()
        .filter(|t| *t != Tbl::Categories)
        .collect();
    run_model::<D>(
        "model_based",
        "tests/it/model_based.proptest-regressions",
        tables,
    );
}

/// The same with purges of the self-referencing `categories` table too.
fn random_forests_with_category_purges_match_the_reference_model_on<D: Api>() {
    run_model::<D>(
        "model_based_category_purge",
        "tests/it/model_based_category_purge.proptest-regressions",
        vec![Tbl::Categories],
    );
}

fn seed_categories(conn: &mut Conn, rows: &[(i32, Option<i32>)]) {
    for (id, parent) in rows {
        insert(conn, (Tbl::Categories, *id), &[*parent]).expect("category");
    }
}

fn category_ids(conn: &mut Conn) -> Vec<i32> {
    categories::table
        .select(categories::id)
        .order(categories::id)
        .load(conn)
        .expect("ids")
}

/// Chain 1 → 3 → 2 (the child's id is below its parent's), hidden as one changeset and
/// purged two roots per batch: the first batch seeds rows 1 and 2, so row 3 is a
/// descendant of seed 1 at level 1 and the parent of seed 2 (level 0). The purge
/// must not remove row 3 while row 2 still references it.
fn purge_in_batches_with_a_seed_below_a_non_seed_on<D: Api>() {
    let mut d: D = connect("purge_seed_below_non_seed");
    seed_categories(d.conn(), &[(1, None), (3, Some(1)), (2, Some(3))]);
    d.soft_delete_with(&keys::category(1), DeleteOptions::new().at(base_time()))
        .expect("hide the tree");
    let report = d.purge_with::<Category>(PurgeOptions::new(time_of(0)).batch_size(2));
    let report = report.expect("purge of a hidden tree succeeds");
    assert_eq!(report.removed.get("categories"), 3);
    assert_eq!(category_ids(d.conn()), Vec::<i32>::new());
}

/// A hidden chain 1 → 2 → 3 purged in one batch: all three rows are seeds at level 0.
/// SQLite and PostgreSQL check the self-referencing foreign key at the end of a statement;
/// MySQL/MariaDB check it row by row, in key order, and refuse to delete row 1 while row 2
/// still references it.
fn purge_removes_a_hidden_category_chain_on<D: Api>() {
    let mut d: D = connect("purge_hidden_chain");
    seed_categories(
        d.conn(),
        &[(1, None), (2, Some(1)), (3, Some(2)), (4, None)],
    );
    d.soft_delete_with(&keys::category(1), DeleteOptions::new().at(base_time()))
        .expect("hide the tree");
    let report = d
        .purge::<Category>(time_of(0))
        .expect("purge of a hidden tree succeeds");
    assert_eq!(report.removed.get("categories"), 3);
    assert_eq!(report.batches, 1);
    assert_eq!(category_ids(d.conn()), vec![4]);
}

/// A diamond (project → milestone → task, and project → task directly): the task is
/// reached at level 1 through the project, so it is marked at the same level as its
/// milestone, which it references: hard delete and purge must remove the task first, although
/// the project's cascade edges list `milestones` before `tasks`.
fn hard_delete_and_purge_of_a_diamond_remove_children_first_on<D: Api>() {
    let mut d: D = connect("diamond_remove");
    d.conn()
        .batch_execute(
            "INSERT INTO projects (id, name) VALUES (1, 'p'), (2, 'q');
             INSERT INTO milestones (id, project_id) VALUES (1, 1), (2, 2);
             INSERT INTO tasks (id, project_id, milestone_id)
                 VALUES (1, 1, 1), (2, 1, NULL), (3, 2, 2);",
        )
        .expect("seed");
    let removed = d
        .hard_delete(&keys::project(1))
        .expect("hard delete of a diamond succeeds");
    assert_eq!(
        (
            removed.get("projects"),
            removed.get("milestones"),
            removed.get("tasks")
        ),
        (1, 1, 2)
    );
    d.soft_delete_with(&keys::project(2), DeleteOptions::new().at(base_time()))
        .expect("hide project 2");
    let report = d
        .purge::<Project>(time_of(0))
        .expect("purge of a diamond succeeds");
    assert_eq!(report.removed.total(), 3);
    let left: i64 = tasks::table.count().get_result(d.conn()).expect("tasks");
    assert_eq!(left, 0);
}

/// A post and its tagging are hidden by C; then the post's author (D1) and the tag (D2) are
/// hidden. Restoring C defers the post to D1, and the tagging to D1 or D2 (the contract lets it
/// wait for either parent): the report names each move, the chosen changeset counts the row,
/// and each changeset's count agrees with the rows carrying its id, through both restores.
fn join_row_under_two_hidden_parents_defers_to_either_on<D: Api>() {
    let mut d: D = connect("two_hidden_parents");
    for (k, fks) in [
        ((Tbl::Authors, 1), vec![]),
        ((Tbl::Tags, 1), vec![]),
        ((Tbl::Posts, 1), vec![Some(1)]),
        ((Tbl::PostTags, 1), vec![Some(1), Some(1)]),
    ] {
        insert(d.conn(), k, &fks).expect("seed");
    }
    let c = d.soft_delete(&keys::post(1)).expect("C hides the post");
    let d1 = d
        .soft_delete(&keys::author(1))
        .expect("D1 hides the author");
    let d2 = d.soft_delete(&keys::tag(1)).expect("D2 hides the tag");
    assert_eq!(
        (c.rows_affected, d1.rows_affected, d2.rows_affected),
        (2, 1, 1)
    );
    let carried = |d: &mut D, id: i64| {
        let rows = load(d.conn()).expect("rows");
        rows.values().filter(|r| r.deletion_id == Some(id)).count() as i64
    };

    let report = d.restore_changeset(c.id).expect("restore C");
    assert_eq!(report.restored.total(), 0, "{report:?}");
    let tagging: Option<i64> = post_tags::table
        .find(1)
        .select(post_tags::deletion_id)
        .first(d.conn())
        .expect("tagging");
    let to = tagging.expect("the tagging stays hidden");
    assert!(to == d1.id || to == d2.id, "moved to {to}");
    let mut deferred: Vec<(&str, u64, i64)> = report
        .deferred
        .iter()
        .map(|x| (x.table, x.rows, x.changeset))
        .collect();
    deferred.sort_unstable();
    assert_eq!(deferred, [("post_tags", 1, to), ("posts", 1, d1.id)]);
    // D1: its author, the post, and the tagging if it went there; D2: its tag, and the tagging.
    for (cs, counted) in [(d1.id, 2), (d2.id, 1)] {
        let record = d.find_changeset(cs).expect("record");
        assert_eq!(
            record.rows_affected,
            counted + i64::from(to == cs),
            "{record:?}"
        );
        assert_eq!(record.rows_restorable(), carried(&mut d, cs), "{record:?}");
    }

    // The parents come back one by one; the tagging with the last of them.
    let first = d.restore_changeset(d1.id).expect("restore D1");
    let second = d.restore_changeset(d2.id).expect("restore D2");
    let restored = |r: &RestoreReport| (r.restored.total(), r.deferred_total());
    if to == d1.id {
        // D1 brings back the author and the post; the tagging waits for the tag, moving to D2.
        assert_eq!(restored(&first), (2, 1), "{first:?}");
        assert_eq!(first.deferred[0].changeset, d2.id);
        assert_eq!(restored(&second), (2, 0), "{second:?}");
    } else {
        assert_eq!(restored(&first), (2, 0), "{first:?}");
        assert_eq!(restored(&second), (2, 0), "{second:?}");
    }
    let rows = load(d.conn()).expect("rows");
    assert!(rows.values().all(|r| r.deleted_at.is_none()), "{rows:?}");
}

/// `purge(conn, Utc::now().naive_utc())` — "everything hidden until now" — is not a cutoff
/// "in the future", also when the call lands in the same microsecond as the caller's clock
/// reading (the caller's cutoff has nanoseconds, the runtime's clock microseconds).
fn purge_up_to_now_is_accepted_on<D: Api>() {
    let mut d: D = connect("purge_now");
    for _ in 0..100 {
        let cutoff = chrono::Utc::now().naive_utc();
        if let Err(e) = d.purge::<Author>(cutoff) {
            panic!("purge up to {cutoff} (the caller's now) was refused: {e}");
        }
    }
}

#[test]
fn random_forests_and_operations_match_the_reference_model() {
    random_forests_and_operations_match_the_reference_model_on::<SyncApi>();
}

#[test]
fn random_forests_with_category_purges_match_the_reference_model() {
    random_forests_with_category_purges_match_the_reference_model_on::<SyncApi>();
}

#[test]
fn purge_in_batches_with_a_seed_below_a_non_seed() {
    purge_in_batches_with_a_seed_below_a_non_seed_on::<SyncApi>();
}

#[test]
fn purge_removes_a_hidden_category_chain() {
    purge_removes_a_hidden_category_chain_on::<SyncApi>();
}

#[test]
fn hard_delete_and_purge_of_a_diamond_remove_children_first() {
    hard_delete_and_purge_of_a_diamond_remove_children_first_on::<SyncApi>();
}

#[test]
fn purge_up_to_now_is_accepted() {
    purge_up_to_now_is_accepted_on::<SyncApi>();
}

#[test]
fn join_row_under_two_hidden_parents_defers_to_either() {
    join_row_under_two_hidden_parents_defers_to_either_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`), with the same reference model.
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn random_forests_and_operations_match_the_reference_model() {
        random_forests_and_operations_match_the_reference_model_on::<AsyncApi>();
    }

    #[test]
    fn random_forests_with_category_purges_match_the_reference_model() {
        random_forests_with_category_purges_match_the_reference_model_on::<AsyncApi>();
    }

    #[test]
    fn purge_in_batches_with_a_seed_below_a_non_seed() {
        purge_in_batches_with_a_seed_below_a_non_seed_on::<AsyncApi>();
    }

    #[test]
    fn purge_removes_a_hidden_category_chain() {
        purge_removes_a_hidden_category_chain_on::<AsyncApi>();
    }

    #[test]
    fn hard_delete_and_purge_of_a_diamond_remove_children_first() {
        hard_delete_and_purge_of_a_diamond_remove_children_first_on::<AsyncApi>();
    }

    #[test]
    fn purge_up_to_now_is_accepted() {
        purge_up_to_now_is_accepted_on::<AsyncApi>();
    }

    #[test]
    fn join_row_under_two_hidden_parents_defers_to_either() {
        join_row_under_two_hidden_parents_defers_to_either_on::<AsyncApi>();
    }
}
