//! Delete policies and erasure (issue 12): `nullify` edges beside `cascade` and `protect`,
//! `erase` and its record, `export_tree`, `Changeset::redact_actor`, and the restore / erase
//! permission rules — on the member graph of `common::models::Member`:
//!
//! ```text
//! members ─cascade→ threads ─cascade→ votes (SQL name `ballots`; decoy table `votes`)
//!    │  └─cascade→ logins        └─nullify→ bookmarks (no model)
//!    ├─nullify→ votes.member_id
//!    └─protect← bills (live = unsettled)
//! ```

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::{soft_delete_changesets, soft_delete_erasures};
use soft_delete_runtime::{PurgeOptions, RedactOptions};

use super::{Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{StatementCounter, TestDb};

fn connect(test: &str) -> Conn {
    Db::connect(&format!("{}::{test}", module_path!()), &ddl())
}

/// Members 1 (Ann) and 2 (Bo); threads 1 and 3 by Ann, 2 by Bo; votes: 1 Ann on her thread
/// (reached twice), 2 Ann on Bo's thread (nullified), 3 Bo on Ann's thread (cascaded), 4 Bo on
/// his own, 5 anonymous on Ann's thread 3; logins 1, 2 Ann's, 3 Bo's; bill 1 (Bo's, live);
/// bookmarks on each thread. The decoy `votes` holds a copy of every vote.
fn seed(conn: &mut Conn) {
    conn.batch_execute(
        "INSERT INTO members (id, name) VALUES (1, 'Ann'), (2, 'Bo');
         INSERT INTO threads (id, member_id, title) VALUES (1, 1, 't1'), (2, 2, 't2'), (3, 1, 't3');
         INSERT INTO ballots (id, member_id, thread_id)
             VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 2, 2), (5, NULL, 3);
         INSERT INTO votes (id, member_id, thread_id)
             VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 2, 2), (5, NULL, 3);
         INSERT INTO logins (id, member_id) VALUES (1, 1), (2, 1), (3, 2);
         INSERT INTO bills (id, member_id, amount) VALUES (1, 2, 100);
         INSERT INTO bookmarks (id, thread_id, note) VALUES (1, 1, 'b1'), (2, 2, 'b2'), (3, 3, 'b3');",
    )
    .expect("seed");
}

fn member(conn: &mut Conn, id: i32) -> Member {
    members::table
        .find(id)
        .select(Member::as_select())
        .first(conn)
        .expect("member")
}

fn votes(conn: &mut Conn) -> Vec<Vote> {
    votes::table
        .select(Vote::as_select())
        .order(votes::id)
        .load(conn)
        .expect("votes")
}

/// `(id, member_id)` of every vote.
fn vote_authors(conn: &mut Conn) -> Vec<(i32, Option<i32>)> {
    votes(conn).iter().map(|v| (v.id, v.member_id)).collect()
}

/// The decoy table named like the `votes` module: `(id, member_id)` of its rows.
fn decoy_votes(conn: &mut Conn) -> Vec<(i32, Option<i32>)> {
    diesel::sql_query("SELECT id, member_id FROM votes ORDER BY id")
        .load::<DecoyVote>(conn)
        .expect("decoy")
        .into_iter()
        .map(|v| (v.id, v.member_id))
        .collect()
}

/// The text columns of an erasure record.
type RecordText = (
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
);

#[derive(QueryableByName)]
struct DecoyVote {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
    member_id: Option<i32>,
}

const DECOY: [(i32, Option<i32>); 5] = [
    (1, Some(1)),
    (2, Some(1)),
    (3, Some(2)),
    (4, Some(2)),
    (5, None),
];

fn bookmark_threads(conn: &mut Conn) -> Vec<(i32, Option<i32>)> {
    bookmarks::table
        .select((bookmarks::id, bookmarks::thread_id))
        .order(bookmarks::id)
        .load(conn)
        .expect("bookmarks")
}

/// Every row of the member graph, the decoy, the changesets and the erasure records, as text.
fn snapshot(conn: &mut Conn) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let m: Vec<Member> = members::table
        .select(Member::as_select())
        .order(members::id)
        .load(conn)
        .expect("m");
    out.extend(m.iter().map(|r| format!("{r:?}")));
    let t: Vec<Thread> = threads::table
        .select(Thread::as_select())
        .order(threads::id)
        .load(conn)
        .expect("t");
    out.extend(t.iter().map(|r| format!("{r:?}")));
    out.extend(votes(conn).iter().map(|r| format!("{r:?}")));
    let l: Vec<Login> = logins::table
        .select(Login::as_select())
        .order(logins::id)
        .load(conn)
        .expect("l");
    out.extend(l.iter().map(|r| format!("{r:?}")));
    let b: Vec<Bill> = bills::table
        .select(Bill::as_select())
        .order(bills::id)
        .load(conn)
        .expect("b");
    out.extend(b.iter().map(|r| format!("{r:?}")));
    out.extend(
        bookmark_threads(conn)
            .iter()
            .map(|r| format!("bookmark {r:?}")),
    );
    out.extend(decoy_votes(conn).iter().map(|r| format!("decoy {r:?}")));
    let c: Vec<Changeset> = soft_delete_changesets::table
        .select(Changeset::as_select())
        .order(soft_delete_changesets::id)
        .load(conn)
        .expect("changesets");
    out.extend(c.iter().map(|r| format!("{r:?}")));
    out.extend(
        Erasure::list(conn)
            .expect("erasures")
            .iter()
            .map(|r| format!("{r:?}")),
    );
    out
}

#[test]
fn soft_delete_leaves_nullify_children_live_and_untouched() {
    let mut conn = connect("soft_delete_leaves_nullify");
    seed(&mut conn);
    let changeset = member(&mut conn, 1)
        .soft_delete(&mut conn)
        .expect("soft delete");
    // Ann, threads 1 and 3, votes 1, 3, 5 (under her threads), logins 1 and 2.
    assert_eq!(changeset.rows_affected, 8);
    let live: Vec<i32> = Vote::active()
        .select(votes::id)
        .order(votes::id)
        .load(&mut conn)
        .expect("live");
    assert_eq!(live, [2, 4], "vote 2 (Ann on Bo's thread) stays live");
    assert_eq!(
        vote_authors(&mut conn),
        [
            (1, Some(1)),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(2)),
            (5, None)
        ],
        "a soft delete clears no foreign key"
    );
    assert_eq!(
        bookmark_threads(&mut conn),
        [(1, Some(1)), (2, Some(2)), (3, Some(3))]
    );
    // Reads that join to the parent filter it with `is_live()`.
    let on_live_members: i64 = votes::table
        .inner_join(members::table.on(votes::member_id.eq(members::id.nullable())))
        .filter(Member::is_live())
        .filter(Vote::is_live())
        .count()
        .get_result(&mut conn)
        .expect("join");
    assert_eq!(on_live_members, 1, "only Bo's vote 4");
}

#[test]
fn hard_delete_nullifies_survivors_and_deletes_children_reached_twice() {
    let mut conn = connect("hard_delete_nullifies");
    seed(&mut conn);
    let removed = member(&mut conn, 1)
        .hard_delete(&mut conn)
        .expect("hard delete");
    assert_eq!(
        (
            removed.get("members"),
            removed.get("threads"),
            removed.get("ballots"),
            removed.get("logins")
        ),
        (1, 2, 3, 2)
    );
    assert_eq!(
        vote_authors(&mut conn),
        [(2, None), (4, Some(2))],
        "vote 1 went with Ann's thread, vote 2 survives with a NULL member"
    );
    assert_eq!(
        bookmark_threads(&mut conn),
        [(1, None), (2, Some(2)), (3, None)]
    );
    assert_eq!(
        decoy_votes(&mut conn),
        DECOY,
        "the table named like the module is untouched"
    );
}

#[test]
fn purge_applies_nullify_edges() {
    let mut conn = connect("purge_applies_nullify");
    seed(&mut conn);
    let at = crate::common::at(2020, 1, 1, 0, 0, 0);
    member(&mut conn, 1)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(at))
        .expect("soft delete");
    let report = Member::purge_with(
        &mut conn,
        PurgeOptions::new(crate::common::at(2021, 1, 1, 0, 0, 0)),
    )
    .expect("purge");
    assert_eq!(report.removed.get("members"), 1);
    assert_eq!(vote_authors(&mut conn), [(2, None), (4, Some(2))]);
    assert_eq!(
        bookmark_threads(&mut conn),
        [(1, None), (2, Some(2)), (3, None)]
    );
    assert_eq!(decoy_votes(&mut conn), DECOY);
}

#[test]
fn erase_removes_the_tree_keeps_votes_and_records_no_data() {
    let mut conn = connect("erase_removes_the_tree");
    seed(&mut conn);
    let ann = member(&mut conn, 1);
    let erasure = ann
        .erase(
            &mut conn,
            EraseOptions::new().actor("dpo").reason("GDPR request"),
        )
        .expect("erase");
    assert_eq!(erasure.table, "members");
    assert_eq!(erasure.key.as_deref(), Some("1"));
    assert_eq!(erasure.actor.as_deref(), Some("dpo"));
    assert_eq!(erasure.removed.get("members"), 1);
    assert_eq!(erasure.removed.get("threads"), 2);
    assert_eq!(erasure.removed.get("ballots"), 3);
    assert_eq!(erasure.removed.get("logins"), 2);
    assert_eq!(erasure.removed.total(), 8);
    assert_eq!(erasure.nullified.get("ballots"), 1);
    assert_eq!(erasure.nullified.get("bookmarks"), 2);
    assert_eq!(vote_authors(&mut conn), [(2, None), (4, Some(2))]);
    assert_eq!(decoy_votes(&mut conn), DECOY);
    // The record reads back as returned, and holds nothing of Ann's data.
    assert_eq!(
        Erasure::list(&mut conn).expect("list"),
        std::slice::from_ref(&erasure)
    );
    let rows: Vec<RecordText> = soft_delete_erasures::table
        .select((
            soft_delete_erasures::actor,
            soft_delete_erasures::reason,
            soft_delete_erasures::root_table,
            soft_delete_erasures::root_key,
            soft_delete_erasures::removed,
            soft_delete_erasures::nullified,
        ))
        .load(&mut conn)
        .expect("record");
    assert!(!format!("{rows:?}").contains("Ann"), "{rows:?}");
    // Nothing is left to find.
    assert!(matches!(
        ann.erase(&mut conn, EraseOptions::new().actor("dpo")),
        Err(SoftDeleteError::NotFound { table: "members" })
    ));
}

#[test]
fn erase_takes_a_hidden_row_and_protect_blocks_until_settled() {
    let mut conn = connect("erase_hidden_and_protect");
    seed(&mut conn);
    conn.batch_execute("INSERT INTO bills (id, member_id, amount) VALUES (2, 1, 50);")
        .expect("bill");
    let ann = member(&mut conn, 1);
    let before = snapshot(&mut conn);
    let refused = ann.erase(&mut conn, EraseOptions::new().actor("dpo"));
    assert!(
        matches!(
            refused,
            Err(SoftDeleteError::Protected {
                table: "bills",
                live_children: 1,
                hidden_children: 0,
                hidden_by: None
            })
        ),
        "{refused:?}"
    );
    assert_eq!(
        snapshot(&mut conn),
        before,
        "a refused erasure changes nothing"
    );
    // A hidden (soft-deleted) bill still exists and still references Ann: it protects her from
    // erasure as a live one does, and the error says it is hidden; nothing changes.
    let bill: Bill = bills::table
        .find(2)
        .select(Bill::as_select())
        .first(&mut conn)
        .expect("bill");
    bill.soft_delete(&mut conn).expect("hide the bill");
    let before = snapshot(&mut conn);
    let refused = ann.erase(&mut conn, EraseOptions::new().actor("dpo"));
    assert!(
        matches!(
            refused,
            Err(SoftDeleteError::Protected {
                table: "bills",
                live_children: 0,
                hidden_children: 1,
                hidden_by: None
            })
        ),
        "{refused:?}"
    );
    assert_eq!(snapshot(&mut conn), before);
    // Settled (archived elsewhere and removed), the bill lets go: hide Ann, erase the hidden row.
    bill.hard_delete(&mut conn).expect("settle");
    ann.soft_delete(&mut conn).expect("hide");
    let erasure = ann
        .erase(&mut conn, EraseOptions::new().actor("dpo"))
        .expect("erase hidden");
    assert_eq!(erasure.removed.total(), 8);
    assert_eq!(vote_authors(&mut conn), [(2, None), (4, Some(2))]);
}

#[test]
fn erase_rule_refuses_and_changes_nothing() {
    let mut conn = connect("erase_rule_refuses");
    seed(&mut conn);
    let before = snapshot(&mut conn);
    for options in [EraseOptions::new(), EraseOptions::new().actor("eve")] {
        match member(&mut conn, 1).erase(&mut conn, options) {
            Err(
                e @ SoftDeleteError::Refused {
                    table: "members", ..
                },
            ) => {
                assert!(e.to_string().contains("data-protection officer"), "{e}");
            }
            other => panic!("expected Refused, got {other:?}"),
        }
        assert_eq!(snapshot(&mut conn), before);
    }
    // The rule of the erased row's table decides: threads have none.
    let thread: Thread = threads::table
        .find(2)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    thread
        .erase(&mut conn, EraseOptions::new())
        .expect("erase a thread");
}

#[test]
fn restore_rule_decides_for_row_and_changeset_restores() {
    let mut conn = connect("restore_rule");
    seed(&mut conn);
    let changeset = member(&mut conn, 1)
        .soft_delete_with(&mut conn, DeleteOptions::new().actor("bob"))
        .expect("soft delete");
    let before = snapshot(&mut conn);
    let refused =
        Changeset::restore_with(&mut conn, changeset.id, &RestoreOptions::new().actor("eve"));
    assert!(
        matches!(
            refused,
            Err(SoftDeleteError::Refused {
                table: "members",
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(matches!(
        Changeset::restore(&mut conn, changeset.id),
        Err(SoftDeleteError::Refused { .. })
    ));
    // Restoring through a cascaded row asks the root table's rule too.
    let thread: Thread = threads::table
        .find(1)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    assert!(matches!(
        thread.restore_with(&mut conn, RestoreOptions::new().actor("eve")),
        Err(SoftDeleteError::Refused {
            table: "members",
            ..
        })
    ));
    assert_eq!(
        snapshot(&mut conn),
        before,
        "a refused restore changes nothing"
    );
    let report = thread
        .restore_with(&mut conn, RestoreOptions::new().actor("bob"))
        .expect("the deleter restores");
    assert_eq!(report.restored.total(), 8);

    let again = member(&mut conn, 1)
        .soft_delete_with(&mut conn, DeleteOptions::new().actor("bob"))
        .expect("again");
    Changeset::restore_with(&mut conn, again.id, &RestoreOptions::new().actor("admin"))
        .expect("admin restores");
    // A changeset rooted at a table without a rule restores for anyone.
    let thread: Thread = threads::table
        .find(2)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    let c = thread.soft_delete(&mut conn).expect("hide thread");
    Changeset::restore(&mut conn, c.id).expect("no rule on threads");
}

#[test]
fn redact_actor_rewrites_every_record() {
    let mut conn = connect("redact_actor");
    seed(&mut conn);
    let c1 = member(&mut conn, 1)
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor("ann").reason("ann asked"),
        )
        .expect("c1");
    Changeset::restore_with(&mut conn, c1.id, &RestoreOptions::new().actor("admin"))
        .expect("restore");
    let thread: Thread = threads::table
        .find(2)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    let c2 = thread
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor("bo").reason("bo's spam"),
        )
        .expect("c2");
    Changeset::restore_with(&mut conn, c2.id, &RestoreOptions::new().actor("ann"))
        .expect("restore by ann");
    let c3 = thread
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor("ann").reason("ann cleaned up"),
        )
        .expect("c3");
    let l3: Login = logins::table
        .find(1)
        .select(Login::as_select())
        .first(&mut conn)
        .expect("login");
    let erasure = l3
        .erase(
            &mut conn,
            EraseOptions::new().actor("ann").reason("ann's login"),
        )
        .expect("erase");

    // c1 (actor), c2 (restored_by), c3 (actor), the erasure record.
    let n = Changeset::redact_actor(&mut conn, "ann", "Deleted user").expect("redact");
    assert_eq!(n, 4);
    let c1 = Changeset::find(&mut conn, c1.id).expect("c1");
    assert_eq!(
        (c1.actor.as_deref(), c1.reason.as_deref()),
        (Some("Deleted user"), Some("ann asked"))
    );
    assert_eq!(c1.restored_by.as_deref(), Some("admin"));
    let c2 = Changeset::find(&mut conn, c2.id).expect("c2");
    assert_eq!(
        (c2.actor.as_deref(), c2.restored_by.as_deref()),
        (Some("bo"), Some("Deleted user"))
    );
    assert_eq!(c2.reason.as_deref(), Some("bo's spam"));
    let e = &Erasure::list(&mut conn).expect("list")[0];
    assert_eq!(
        (e.id, e.actor.as_deref()),
        (erasure.id, Some("Deleted user"))
    );

    // With reasons cleared, written as NULL.
    let n = Changeset::redact_actor_with(
        &mut conn,
        &RedactOptions::new("Deleted user").clear_reasons(),
    )
    .expect("redact again");
    assert_eq!(n, 4);
    let c3 = Changeset::find(&mut conn, c3.id).expect("c3");
    assert_eq!((c3.actor, c3.reason), (None, None));
    let c2 = Changeset::find(&mut conn, c2.id).expect("c2");
    assert_eq!(
        (c2.restored_by, c2.reason.as_deref()),
        (None, Some("bo's spam")),
        "bo's reason stays"
    );
    let e = &Erasure::list(&mut conn).expect("list")[0];
    assert_eq!((e.actor.as_deref(), e.reason.as_deref()), (None, None));
    assert!(!format!("{:?}", snapshot(&mut conn)).contains("ann"));
    assert!(matches!(
        Changeset::redact_actor(&mut conn, "a\0b", "x"),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
}

#[test]
fn export_tree_holds_the_tree_live_or_hidden_and_the_nullified_rows() {
    let mut conn = connect("export_tree");
    seed(&mut conn);
    // Hide thread 3 on its own: it is still Ann's, so it is exported.
    let t3: Thread = threads::table
        .find(3)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    t3.soft_delete(&mut conn).expect("hide");
    let json = member(&mut conn, 1).export_tree(&mut conn).expect("export");
    let ids = |table: &str| -> Vec<i64> {
        json[table]
            .as_array()
            .unwrap_or_else(|| panic!("{table} in {json}"))
            .iter()
            .map(|r| r["id"].as_i64().expect("id"))
            .collect()
    };
    assert_eq!(ids("members"), [1]);
    assert_eq!(ids("threads"), [1, 3]);
    assert_eq!(
        ids("ballots"),
        [1, 2, 3, 5],
        "under Ann's threads, and Ann's own (nullify)"
    );
    assert_eq!(ids("logins"), [1, 2]);
    assert_eq!(ids("bookmarks"), [1, 3]);
    assert_eq!(json.as_object().map(|o| o.len()), Some(5), "{json}");
    let ann = &json["members"][0];
    assert_eq!(ann["name"], "Ann");
    assert!(ann["deleted_at"].is_null());
    let keys: Vec<&String> = ann.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["deleted_at", "deletion_id", "id", "name"]);
    assert!(
        !json["threads"][1]["deleted_at"].is_null(),
        "hidden rows are exported"
    );
    assert_eq!(json["bookmarks"][0]["note"], "b1");
    // No such row.
    let mut ghost = member(&mut conn, 2);
    ghost.id = 99;
    assert!(matches!(
        ghost.export_tree(&mut conn),
        Err(SoftDeleteError::NotFound { table: "members" })
    ));
}

/// More rows under the member, same statements: every new statement is set-based.
#[test]
fn statement_counts_do_not_depend_on_row_counts() {
    let mut counts = Vec::new();
    for (i, rows) in [1, 40].into_iter().enumerate() {
        let mut conn = connect(&format!("statement_counts_{i}"));
        seed(&mut conn);
        let mut sql = String::new();
        for k in 0..rows {
            let (t, v, b) = (100 + k, 100 + k, 100 + k);
            sql.push_str(&format!(
                "INSERT INTO threads (id, member_id, title) VALUES ({t}, 1, 'x');
                 INSERT INTO ballots (id, member_id, thread_id) VALUES ({v}, 1, 2), ({}, 2, {t});
                 INSERT INTO bookmarks (id, thread_id, note) VALUES ({b}, {t}, 'x');
                 INSERT INTO logins (id, member_id) VALUES ({}, 1);",
                v + 1000,
                200 + k
            ));
        }
        sql.push_str("DELETE FROM bills;");
        conn.batch_execute(&sql).expect("more rows");
        let counter = StatementCounter::attach(&mut conn);
        member(&mut conn, 1).export_tree(&mut conn).expect("export");
        let export = counter.take();
        member(&mut conn, 1)
            .erase(&mut conn, EraseOptions::new().actor("dpo"))
            .expect("erase");
        let erase = counter.take();
        member(&mut conn, 2)
            .hard_delete(&mut conn)
            .expect("hard delete");
        let hard = counter.take();
        Changeset::redact_actor(&mut conn, "dpo", "x").expect("redact");
        let redact = counter.take();
        counts.push((export, erase, hard, redact));
    }
    eprintln!("policies statement counts (export, erase, hard delete, redact): {counts:?}");
    assert_eq!(counts[0], counts[1]);
}

fn install_fault(conn: &mut Conn, table: &str, event: &str) {
    crate::common::faults::install(conn, Db::DIALECT, table, event);
}

fn remove_fault(conn: &mut Conn, table: &str) {
    crate::common::faults::remove(conn, Db::DIALECT, table);
}

/// A failure at each new statement — the nullify `UPDATE`s (ballots at level 0, bookmarks at
/// level 1), the deletes around them, the erasure record's `INSERT`, the redaction — rolls the
/// whole operation back; without the fault it then succeeds.
#[test]
fn a_fault_in_any_new_statement_changes_nothing() {
    let mut conn = connect("faults");
    seed(&mut conn);
    let points = [
        ("ballots", "UPDATE"),
        ("bookmarks", "UPDATE"),
        ("logins", "DELETE"),
        ("members", "DELETE"),
        ("soft_delete_erasures", "INSERT"),
    ];
    let mut injected = 0;
    for (table, event) in points {
        let before = snapshot(&mut conn);
        install_fault(&mut conn, table, event);
        let erased = member(&mut conn, 1).erase(&mut conn, EraseOptions::new().actor("dpo"));
        assert!(
            matches!(&erased, Err(e @ SoftDeleteError::Database(_)) if e.to_string().contains("injected fault")),
            "{table} {event}: {erased:?}"
        );
        if table != "soft_delete_erasures" {
            let hard = member(&mut conn, 1).hard_delete(&mut conn);
            assert!(
                matches!(hard, Err(SoftDeleteError::Database(_))),
                "{table}: {hard:?}"
            );
            injected += 1;
        }
        injected += 1;
        remove_fault(&mut conn, table);
        assert_eq!(snapshot(&mut conn), before, "{table} {event}");
    }
    let thread: Thread = threads::table
        .find(2)
        .select(Thread::as_select())
        .first(&mut conn)
        .expect("t");
    thread
        .soft_delete_with(&mut conn, DeleteOptions::new().actor("ann"))
        .expect("a changeset by ann");
    let before = snapshot(&mut conn);
    install_fault(&mut conn, "soft_delete_erasures", "UPDATE");
    // The changesets are rewritten first, then the erasure records fail: all rolled back.
    conn.batch_execute(
        "INSERT INTO soft_delete_erasures (erased_at, actor, root_table, removed, nullified)
         VALUES ('2020-01-01 00:00:00', 'ann', 'members', '[]', '[]')",
    )
    .expect("an erasure record by ann");
    let before_redact = snapshot(&mut conn);
    assert_ne!(before, before_redact);
    let redacted = Changeset::redact_actor(&mut conn, "ann", "x");
    assert!(
        matches!(redacted, Err(SoftDeleteError::Database(_))),
        "{redacted:?}"
    );
    assert_eq!(snapshot(&mut conn), before_redact);
    remove_fault(&mut conn, "soft_delete_erasures");
    injected += 1;
    assert_eq!(
        Changeset::redact_actor(&mut conn, "ann", "x").expect("redact"),
        2
    );
    let erasure = member(&mut conn, 1)
        .erase(&mut conn, EraseOptions::new().actor("dpo"))
        .expect("erase without faults");
    assert_eq!(erasure.removed.total(), 8);
    eprintln!("policies fault injection: {injected} faults injected, 0 differences");
}

/// A self-referencing table: the export follows the tree to any depth with a recursive query,
/// still one statement for the table.
#[test]
fn export_tree_follows_a_self_reference_to_any_depth() {
    let mut conn = connect("export_self_reference");
    conn.batch_execute(
        "INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, 'root'), (2, 1, 'a'),
             (3, 2, 'b'), (4, 3, 'c'), (5, 4, 'd'), (6, NULL, 'other'), (7, 6, 'x');",
    )
    .expect("seed");
    let c3: Category = categories::table
        .find(3)
        .select(Category::as_select())
        .first(&mut conn)
        .expect("c");
    c3.soft_delete(&mut conn).expect("hide a middle level");
    let root: Category = categories::table
        .find(1)
        .select(Category::as_select())
        .first(&mut conn)
        .expect("c");
    let counter = StatementCounter::attach(&mut conn);
    let json = root.export_tree(&mut conn).expect("export");
    let statements = counter.take();
    let ids: Vec<i64> = json["categories"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let leaf: Category = categories::table
        .find(5)
        .select(Category::as_select())
        .first(&mut conn)
        .expect("c");
    assert_eq!(
        leaf.export_tree(&mut conn).expect("leaf")["categories"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    eprintln!("export of a 5-deep self-referencing tree: {statements} statements");
}

diesel::table! {
    /// A model without `deletion_id` (no cascade) that nullifies `pets`.
    owners (id) {
        id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pets (id) {
        id -> Integer,
        owner_id -> Nullable<Integer>,
    }
}

#[derive(Debug, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = owners)]
#[soft_delete(nullify(pets::owner_id))]
struct Owner {
    id: i32,
    deleted_at: Option<chrono::NaiveDateTime>,
}

fn owner(id: i32) -> Owner {
    Owner {
        id,
        deleted_at: None,
    }
}

fn pet_owners(conn: &mut Conn) -> Vec<(i32, Option<i32>)> {
    pets::table
        .select((pets::id, pets::owner_id))
        .order(pets::id)
        .load(conn)
        .expect("pets")
}

/// Without `deletion_id` a removal is one `DELETE` of the seed rows; their `nullify` edges run
/// first over the same rows (for a purge: the same batch).
#[test]
fn nullify_from_a_model_without_deletion_id() {
    let mut conn = connect("nullify_without_deletion_id");
    conn.batch_execute(&soft_delete_fixtures::ddl(
        Db::DIALECT,
        "CREATE TABLE owners (id {pk}, deleted_at {ts});
         CREATE TABLE pets (id {pk}, owner_id INTEGER, FOREIGN KEY (owner_id) REFERENCES owners (id));
         INSERT INTO owners (id) VALUES (1), (2), (3), (4);
         INSERT INTO pets (id, owner_id) VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 1);",
    ))
    .expect("tables");
    let removed = owner(1).hard_delete(&mut conn).expect("hard delete");
    assert_eq!(removed.get("owners"), 1);
    assert_eq!(
        pet_owners(&mut conn),
        [
            (1, None),
            (2, Some(2)),
            (3, Some(3)),
            (4, Some(4)),
            (5, None)
        ]
    );
    let long_ago = DeleteOptions::new().at(crate::common::at(2020, 1, 1, 0, 0, 0));
    for id in [2, 3] {
        owner(id)
            .soft_delete_with(&mut conn, long_ago.clone())
            .expect("hide");
    }
    let hidden: Vec<Owner> = Owner::only_deleted()
        .select(Owner::as_select())
        .load(&mut conn)
        .expect("hidden");
    assert!(hidden.iter().all(|o| o.deleted_at.is_some()) && hidden.len() == 2);
    let cutoff = crate::common::at(2021, 1, 1, 0, 0, 0);
    let report =
        Owner::purge_with(&mut conn, PurgeOptions::new(cutoff).batch_size(1)).expect("purge");
    assert_eq!((report.removed.get("owners"), report.batches), (2, 2));
    let erasure = owner(4)
        .erase(&mut conn, EraseOptions::new())
        .expect("erase");
    assert_eq!(erasure.nullified.get("pets"), 1);
    assert_eq!(
        pet_owners(&mut conn),
        [(1, None), (2, None), (3, None), (4, None), (5, None)]
    );
}
