//! The changeset record stays true through hard delete, purge and erasure (issue 20): a changeset
//! whose rows went for good leaves the trash bin and cannot be "restored", a partly removed one
//! restores the rest and says what is gone, a restore says which rows it deferred and to whom,
//! `protect` sees hidden children, and a row nullified through several edges counts once.

use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, ChangesetState, Deferred, PurgeOptions};

use super::driver::{Api, SyncApi};
use super::rows::snapshot;
use super::Conn;
use crate::common::keys;
use crate::common::models::*;
use crate::common::schema::*;

fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
}

fn day(d: u32) -> chrono::NaiveDateTime {
    crate::common::at(2020, 1, d, 12, 0, 0)
}

/// Authors 1 and 2, each with two posts (author 1: posts 1, 2), each post with two comments
/// (post 1: comments 1, 2; post 2: comments 3, 4; ...).
fn seed_blog(conn: &mut Conn) {
    conn.batch_execute_ok(
        "INSERT INTO authors (id, name) VALUES (1, 'ann'), (2, 'bob');
         INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 2, 'd');
         INSERT INTO comments (id, post_id, body) VALUES
             (1, 1, 'x'), (2, 1, 'x'), (3, 2, 'x'), (4, 2, 'x'),
             (5, 3, 'x'), (6, 3, 'x'), (7, 4, 'x'), (8, 4, 'x');",
    );
}

/// `batch_execute` that fails the test on an error.
trait BatchOk {
    fn batch_execute_ok(&mut self, sql: &str);
}
impl BatchOk for Conn {
    fn batch_execute_ok(&mut self, sql: &str) {
        diesel::connection::SimpleConnection::batch_execute(self, sql).expect("seed");
    }
}

fn listed<D: Api>(d: &mut D, filter: ChangesetFilter) -> Vec<i64> {
    let list = d.list_changesets(&filter).expect("list");
    list.iter().map(|c| c.id).collect()
}

/// How a test removes author 1 for good.
#[derive(Debug, Clone, Copy)]
enum Removal {
    HardDelete,
    Purge,
    Erase,
}

fn remove_author_1<D: Api>(d: &mut D, how: Removal) {
    match how {
        Removal::HardDelete => {
            d.hard_delete(&keys::author(1)).expect("hard delete");
        }
        Removal::Purge => {
            let report = d
                .purge_with::<Author>(PurgeOptions::new(day(2)))
                .expect("purge");
            assert_eq!(report.removed.get("authors"), 1, "{how:?}: {report:?}");
        }
        Removal::Erase => {
            d.erase(&keys::author(1), EraseOptions::new().actor("dpo"))
                .expect("erase");
        }
    }
}

/// Soft delete author 1 (7 rows), then remove it for good: the changeset is `Removed`, out of
/// the trash bin, and restoring it is `NothingToRestore` with nothing marked.
fn removal_empties_the_changeset_on<D: Api>() {
    for how in [Removal::HardDelete, Removal::Purge, Removal::Erase] {
        let mut d: D = connect(&format!("empties_{how:?}"));
        seed_blog(d.conn());
        let hidden = d
            .soft_delete_with(&keys::author(1), DeleteOptions::new().at(day(1)))
            .expect("hide");
        assert_eq!(hidden.rows_affected, 7);
        let bob = d.soft_delete(&keys::author(2)).expect("hide bob");
        remove_author_1(&mut d, how);

        let record = d.find_changeset(hidden.id).expect("record");
        assert_eq!(
            (record.rows_affected, record.rows_removed),
            (7, 7),
            "{how:?}"
        );
        assert!(record.removed_at.is_some(), "{how:?}: {record:?}");
        assert_eq!(record.state(), ChangesetState::Removed, "{how:?}");
        assert_eq!(record.rows_restorable(), 0);
        assert_eq!(
            listed(&mut d, ChangesetFilter::new().restored(false)),
            [bob.id],
            "{how:?}: the trash bin no longer offers it"
        );
        assert_eq!(
            listed(
                &mut d,
                ChangesetFilter::new().state(ChangesetState::Removed)
            ),
            [hidden.id],
            "{how:?}"
        );
        assert!(d.changeset_rows(hidden.id).expect("rows").is_empty());
        let before = snapshot(d.conn());
        let restore = d.restore_changeset(hidden.id);
        assert!(
            matches!(restore, Err(SoftDeleteError::NothingToRestore { id }) if id == hidden.id),
            "{how:?}: {restore:?}"
        );
        assert_eq!(snapshot(d.conn()), before, "{how:?}: nothing marked");
        let after = d.find_changeset(hidden.id).expect("record");
        assert_eq!(after, record, "{how:?}: the record is unchanged");
        // Bob's changeset is untouched and still restores.
        let bob_record = d.find_changeset(bob.id).expect("bob");
        assert_eq!((bob_record.rows_removed, bob_record.removed_at), (0, None));
        assert_eq!(
            d.restore_changeset(bob.id).expect("bob").restored.total(),
            7
        );
    }
}

/// Hard delete of one hidden post of a hidden author: the author's changeset counts the 3 rows
/// gone, keeps the 4 others restorable, and its restore says so.
fn partial_removal_restores_the_rest_on<D: Api>() {
    let mut d: D = connect("partial");
    seed_blog(d.conn());
    let hidden = d.soft_delete(&keys::author(1)).expect("hide");
    let removed = d
        .hard_delete(&keys::post(1))
        .expect("hard delete a hidden post");
    assert_eq!((removed.get("posts"), removed.get("comments")), (1, 2));

    let record = d.find_changeset(hidden.id).expect("record");
    assert_eq!((record.rows_affected, record.rows_removed), (7, 3));
    assert_eq!(record.state(), ChangesetState::Restorable);
    assert_eq!(record.rows_restorable(), 4);
    let rows: usize = d
        .changeset_rows(hidden.id)
        .expect("rows")
        .iter()
        .map(|r| r.keys.len())
        .sum();
    assert_eq!(rows, 4, "Changeset::rows and the record agree");
    assert_eq!(
        listed(&mut d, ChangesetFilter::new().restored(false)),
        [hidden.id]
    );

    let report = d.restore_changeset(hidden.id).expect("restore the rest");
    assert_eq!(report.restored.total(), 4);
    assert_eq!(report.already_removed, 3);
    assert!(report.deferred.is_empty());
    let record = d.find_changeset(hidden.id).expect("record");
    assert_eq!(record.state(), ChangesetState::Restored);
    assert_eq!(record.removed_at, None);
}

/// A moderator hides comment 1 (C1); then author 1 is deleted (C2 hides the post). Restoring C1
/// leaves the comment hidden under its hidden post, moved to C2 — and the report says so.
/// Restoring C2 then brings it back. Once through the changeset, once through the row.
fn restore_reports_what_it_defers_on<D: Api>() {
    for through_row in [false, true] {
        let mut d: D = connect(&format!("defers_{through_row}"));
        seed_blog(d.conn());
        let c1 = d.soft_delete(&keys::comment(1)).expect("moderator");
        let c2 = d.soft_delete(&keys::author(1)).expect("author");
        assert_eq!(c2.rows_affected, 6, "the hidden comment stays with C1");

        let report = if through_row {
            d.restore(&keys::comment(1)).expect("restore the row")
        } else {
            d.restore_changeset(c1.id).expect("restore C1")
        };
        assert_eq!(report.restored.total(), 0);
        assert_eq!(
            report.deferred,
            [Deferred {
                table: "comments",
                rows: 1,
                changeset: c2.id
            }]
        );
        assert_eq!(report.deferred_total(), 1);
        let record = report.changeset.expect("a changeset restore");
        assert_eq!(
            (record.id, record.state()),
            (c1.id, ChangesetState::Restored)
        );
        let comment: (Option<i64>, bool) = comments::table
            .find(1)
            .select((comments::deletion_id, comments::deleted_at.is_not_null()))
            .first(d.conn())
            .expect("comment");
        assert_eq!(comment, (Some(c2.id), true), "moved to C2, still hidden");
        let c2_record = d.find_changeset(c2.id).expect("C2");
        assert_eq!(c2_record.rows_affected, 7, "C2 counts the row it now holds");
        assert_eq!(c2_record.rows_restorable(), 7);

        let back = d.restore_changeset(c2.id).expect("restore C2");
        assert_eq!(back.restored.total(), 7);
        assert_eq!(back.restored.get("comments"), 4);
    }
}

fn protected_by(r: &Result<impl std::fmt::Debug, SoftDeleteError>, table: &str, hidden_by: i64) {
    match r {
        Err(SoftDeleteError::Protected {
            table: t,
            live_children: 0,
            hidden_children: 1,
            hidden_by: Some(id),
        }) if *t == table && *id == hidden_by => {}
        other => panic!("expected a refusal by a hidden `{table}` row of {hidden_by}: {other:?}"),
    }
}

/// A hidden contract (real foreign key) or memo (none) still protects its client from hard
/// delete, erase and purge, with an error naming the changeset; a soft delete only counts
/// live children. Nothing changes on a refusal.
fn protect_sees_hidden_children_on<D: Api>() {
    let mut d: D = connect("protect_hidden");
    d.conn().batch_execute_ok(
        "INSERT INTO clients (id, name) VALUES (1, 'acme');
         INSERT INTO contracts (id, client_id) VALUES (1, 1);",
    );
    let contract = d.soft_delete(&keys::contract(1)).expect("hide contract");
    let before = snapshot(d.conn());
    protected_by(&d.hard_delete(&keys::client(1)), "contracts", contract.id);
    let erase = d.erase(&keys::client(1), EraseOptions::new().actor("dpo"));
    protected_by(&erase, "contracts", contract.id);
    let message = erase.expect_err("refused").to_string();
    assert!(
        message.contains("hidden") && message.contains(&contract.id.to_string()),
        "{message}"
    );
    assert_eq!(snapshot(d.conn()), before);

    let client = d
        .soft_delete_with(&keys::client(1), DeleteOptions::new().at(day(1)))
        .expect("a soft delete counts live children only");
    let before = snapshot(d.conn());
    let purge = d.purge_with::<Client>(PurgeOptions::new(day(2)));
    protected_by(&purge, "contracts", contract.id);
    assert_eq!(snapshot(d.conn()), before);

    // The contract goes for good; a hidden memo (no foreign key) protects the same way.
    d.hard_delete(&keys::contract(1)).expect("contract");
    d.conn()
        .batch_execute_ok("INSERT INTO memos (id, client_id) VALUES (1, 1);");
    let memo = d.soft_delete(&keys::memo(1)).expect("hide memo");
    protected_by(&d.hard_delete(&keys::client(1)), "memos", memo.id);
    d.hard_delete(&keys::memo(1)).expect("memo");
    d.hard_delete(&keys::client(1))
        .expect("now nothing names the client");
    let record = d.find_changeset(client.id).expect("record");
    assert_eq!(record.state(), ChangesetState::Removed);
    let memo_record = d.find_changeset(memo.id).expect("memo record");
    assert_eq!(
        (memo_record.rows_removed, memo_record.state()),
        (1, ChangesetState::Removed)
    );
}

/// A referral: id, `from_id`, `to_id`, `order_id`.
type Referral = (i32, Option<i32>, Option<i32>, Option<i32>);

/// Erasing client 1 removes it and its order 1; referral 1 names the client twice and the order
/// once (three `nullify` edges, two levels) and counts once; referral 2 names the client once,
/// referral 3 the order once; referral 4 nothing.
fn nullified_rows_count_once_on<D: Api>() {
    let mut d: D = connect("nullify_once");
    d.conn().batch_execute_ok(
        "INSERT INTO clients (id, name) VALUES (1, 'acme'), (2, 'bolt');
         INSERT INTO orders (id, client_id) VALUES (1, 1), (2, 2);
         INSERT INTO referrals (id, from_id, to_id, order_id) VALUES
             (1, 1, 1, 1), (2, 1, 2, 2), (3, 2, 2, 1), (4, 2, 2, 2);",
    );
    let erasure = d
        .erase(&keys::client(1), EraseOptions::new().actor("dpo"))
        .expect("erase");
    assert_eq!(
        (
            erasure.removed.get("clients"),
            erasure.removed.get("orders")
        ),
        (1, 1)
    );
    assert_eq!(erasure.nullified.get("referrals"), 3, "{erasure:?}");
    let rows: Vec<Referral> = referrals::table
        .order(referrals::id)
        .load(d.conn())
        .expect("referrals");
    assert_eq!(
        rows,
        [
            (1, None, None, None),
            (2, None, Some(2), Some(2)),
            (3, Some(2), Some(2), None),
            (4, Some(2), Some(2), Some(2)),
        ]
    );
}

/// An install from before `rows_removed` / `removed_at`: `migration::install` adds them (and
/// again is harmless); a changeset whose rows went before the upgrade (here: by hand) restores to
/// `NothingToRestore`, marking nothing.
fn install_upgrades_an_old_record_table_on<D: Api>() {
    let mut d: D = connect("upgrade");
    seed_blog(d.conn());
    let hidden = d.soft_delete(&keys::author(1)).expect("hide");
    d.conn().batch_execute_ok(
        "ALTER TABLE soft_delete_changesets DROP COLUMN removed_at;
         ALTER TABLE soft_delete_changesets DROP COLUMN rows_removed;",
    );
    assert!(
        d.find_changeset(hidden.id).is_err(),
        "the old table lacks the columns"
    );
    soft_delete_runtime::migration::install(d.conn()).expect("upgrade");
    soft_delete_runtime::migration::install(d.conn()).expect("again");
    let record = d.find_changeset(hidden.id).expect("record");
    assert_eq!(
        (record.rows_affected, record.rows_removed, record.removed_at),
        (7, 0, None)
    );
    // Rows removed behind the record's back (as before the upgrade): nothing to restore.
    d.conn().batch_execute_ok(&format!(
        "DELETE FROM comments WHERE deletion_id = {id};
         DELETE FROM posts WHERE deletion_id = {id};
         DELETE FROM authors WHERE deletion_id = {id};",
        id = hidden.id
    ));
    let restore = d.restore_changeset(hidden.id);
    assert!(
        matches!(restore, Err(SoftDeleteError::NothingToRestore { id }) if id == hidden.id),
        "{restore:?}"
    );
    assert_eq!(d.find_changeset(hidden.id).expect("record"), record);
}

#[test]
fn install_upgrades_an_old_record_table() {
    install_upgrades_an_old_record_table_on::<SyncApi>();
}

/// A model without `deletion_id` (bills) still records a changeset when a row is soft deleted,
/// but no row names it: once the bill is removed for good, or restored through the row, the
/// changeset has nothing left to restore, yet stays in the trash bin as `Restorable` (and
/// `Changeset::restore` of it is `InvalidInput`) — a gap the model-based test found. Such a
/// changeset names its row by `root_key`: the removal and the row's restore close it.
fn changeset_of_a_model_without_deletion_id_leaves_the_trash_bin_on<D: Api>() {
    let mut d: D = connect("no_deletion_id");
    d.conn().batch_execute_ok(
        "INSERT INTO members (id, name) VALUES (1, 'm');
         INSERT INTO bills (id, member_id, amount) VALUES (1, 1, 10), (2, 1, 20);",
    );
    let removed = d.soft_delete(&keys::bill(1)).expect("settle bill 1");
    d.hard_delete(&keys::bill(1)).expect("remove bill 1");
    let restored = d.soft_delete(&keys::bill(2)).expect("settle bill 2");
    d.restore(&keys::bill(2))
        .expect("restore bill 2 through the row");
    let trash = listed(&mut d, ChangesetFilter::new().restored(false));
    assert!(
        !trash.contains(&removed.id) && !trash.contains(&restored.id),
        "the trash bin offers {trash:?}: changeset {} (its bill removed for good) and {} (its \
         bill restored) have nothing left to restore; states {:?}, {:?}",
        removed.id,
        restored.id,
        d.find_changeset(removed.id).map(|c| c.state()),
        d.find_changeset(restored.id).map(|c| c.state()),
    );
    let removed = d.find_changeset(removed.id).expect("record");
    assert_eq!(
        (removed.state(), removed.rows_removed),
        (ChangesetState::Removed, 1)
    );
    let restored = d.find_changeset(restored.id).expect("record");
    assert_eq!(restored.state(), ChangesetState::Restored);
}

#[test]
fn removal_empties_the_changeset() {
    removal_empties_the_changeset_on::<SyncApi>();
}

#[test]
fn partial_removal_restores_the_rest() {
    partial_removal_restores_the_rest_on::<SyncApi>();
}

#[test]
fn restore_reports_what_it_defers() {
    restore_reports_what_it_defers_on::<SyncApi>();
}

#[test]
fn protect_sees_hidden_children() {
    protect_sees_hidden_children_on::<SyncApi>();
}

#[test]
fn nullified_rows_count_once() {
    nullified_rows_count_once_on::<SyncApi>();
}

#[test]
fn changeset_of_a_model_without_deletion_id_leaves_the_trash_bin() {
    changeset_of_a_model_without_deletion_id_leaves_the_trash_bin_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`).
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn removal_empties_the_changeset() {
        removal_empties_the_changeset_on::<AsyncApi>();
    }

    #[test]
    fn install_upgrades_an_old_record_table() {
        install_upgrades_an_old_record_table_on::<AsyncApi>();
    }

    #[test]
    fn partial_removal_restores_the_rest() {
        partial_removal_restores_the_rest_on::<AsyncApi>();
    }

    #[test]
    fn restore_reports_what_it_defers() {
        restore_reports_what_it_defers_on::<AsyncApi>();
    }

    #[test]
    fn protect_sees_hidden_children() {
        protect_sees_hidden_children_on::<AsyncApi>();
    }

    #[test]
    fn nullified_rows_count_once() {
        nullified_rows_count_once_on::<AsyncApi>();
    }

    #[test]
    fn changeset_of_a_model_without_deletion_id_leaves_the_trash_bin() {
        changeset_of_a_model_without_deletion_id_leaves_the_trash_bin_on::<AsyncApi>();
    }
}
