//! The record's inputs (issue 20, parts 4 and 6b): names given to the record — actor, restorer,
//! root table — are compared byte for byte on every backend (MariaDB's `TEXT` collation is case-
//! and trailing-space-insensitive), so a redaction rewrites only that person's records; page
//! sizes outside `0..=MAX_PAGE` are refused before any statement is sent.

use diesel::connection::SimpleConnection;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, RedactOptions, MAX_PAGE};

use super::driver::{Api, SyncApi};
use super::Db;
use crate::common::keys;
use crate::common::schema::ddl;
use crate::common::TestDb;

/// A fresh database with the test schema, named after this module and `test`.
fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
}

/// Author 1 with posts `1..=posts`, no comments.
fn seed_posts<D: Api>(d: &mut D, posts: i32) {
    let values: Vec<String> = (1..=posts)
        .map(|p| format!("({p}, 1, 'post {p}')"))
        .collect();
    d.conn()
        .batch_execute(&format!(
            "INSERT INTO authors (id, name) VALUES (1, 'author 1');
             INSERT INTO posts (id, author_id, title) VALUES {};",
            values.join(", ")
        ))
        .expect("seed");
}

/// On MySQL/MariaDB, the record tables in `latin1`, as a server whose default character set is
/// `latin1` (MariaDB before 11.6) creates them: the comparison must not depend on the columns'
/// character set. Elsewhere nothing to do.
fn record_tables_in_latin1<D: Api>(d: &mut D) {
    if Db::DIALECT == Dialect::Mysql {
        d.conn()
            .batch_execute(
                "ALTER TABLE soft_delete_changesets CONVERT TO CHARACTER SET latin1;
                 ALTER TABLE soft_delete_erasures CONVERT TO CHARACTER SET latin1;",
            )
            .expect("latin1");
    }
}

/// The records of `names` (distinct byte strings): per name, a changeset by it (post `i + 1`,
/// reason `r<i>`) restored by the next name, then an erasure by it (post `n + i + 1`, reason
/// `e<i>`). Returns the changeset ids and the erasure ids, in the order of `names`.
fn records_by<D: Api>(d: &mut D, names: &[&str]) -> (Vec<i64>, Vec<i64>) {
    let n = names.len();
    seed_posts(d, 2 * n as i32);
    let mut changesets = Vec::new();
    for (i, &name) in names.iter().enumerate() {
        let options = DeleteOptions::new().actor(name).reason(format!("r{i}"));
        let c = d
            .soft_delete_with(&keys::post(i as i32 + 1), options)
            .expect("soft delete");
        let restorer = RestoreOptions::new().actor(names[(i + 1) % n]);
        d.restore_changeset_with(c.id, &restorer).expect("restore");
        changesets.push(c.id);
    }
    let mut erasures = Vec::new();
    for (i, &name) in names.iter().enumerate() {
        let options = EraseOptions::new().actor(name).reason(format!("e{i}"));
        let e = d
            .erase(&keys::post((n + i) as i32 + 1), options)
            .expect("erase");
        erasures.push(e.id);
    }
    (changesets, erasures)
}

/// `ChangesetFilter::actor(name)` finds exactly the changeset of each of `names` ([`records_by`]).
fn actor_filter_finds_exactly(d: &mut impl Api, names: &[&str], changesets: &[i64]) {
    for (&name, &id) in names.iter().zip(changesets) {
        let found = d
            .list_changesets(&ChangesetFilter::new().actor(name))
            .expect("list by actor");
        assert_eq!(
            found.iter().map(|c| c.id).collect::<Vec<_>>(),
            [id],
            "ChangesetFilter::actor({name:?}) finds that actor's changeset only"
        );
    }
}

/// `redact_actor_with(names[0] -> "former", clear_reasons)` rewrites exactly the records that
/// carry `names[0]` byte for byte, of the records of `names` ([`records_by`]).
fn redaction_rewrites_exactly(
    d: &mut impl Api,
    names: &[&str],
    (changesets, erasures): (Vec<i64>, Vec<i64>),
) {
    let n = names.len();
    let target = names[0];
    let redacted = d
        .redact_actor_with(
            &RedactOptions::new(target)
                .replacement("former")
                .clear_reasons(),
        )
        .expect("redact");
    let rewrite = |name: &str| {
        if name == target {
            "former".to_owned()
        } else {
            name.to_owned()
        }
    };
    for (i, (&id, &name)) in changesets.iter().zip(names).enumerate() {
        let c = d.find_changeset(id).expect("find");
        let restorer = names[(i + 1) % n];
        let reason = (name != target).then(|| format!("r{i}"));
        assert_eq!(
            (c.actor, c.restored_by, c.reason),
            (Some(rewrite(name)), Some(rewrite(restorer)), reason),
            "changeset by {name:?}, restored by {restorer:?}"
        );
    }
    let mut listed = d.list_erasures().expect("erasures");
    listed.reverse();
    assert_eq!(listed.iter().map(|e| e.id).collect::<Vec<_>>(), erasures);
    for (i, (e, &name)) in listed.iter().zip(names).enumerate() {
        let reason = (name != target).then(|| format!("e{i}"));
        assert_eq!(
            (e.actor.clone(), e.reason.clone()),
            (Some(rewrite(name)), reason),
            "erasure by {name:?}"
        );
    }
    // The changeset by `target`, the one it restored (the last), its erasure.
    assert_eq!(redacted, 3, "records carrying {target:?} exactly");
}

const ALICES: [&str; 4] = ["alice", "Alice", "ALICE", "alice "];

fn redaction_rewrites_only_the_exact_actor_on<D: Api>() {
    let mut d: D = connect("exact_redaction");
    let records = records_by(&mut d, &ALICES);
    redaction_rewrites_exactly(&mut d, &ALICES, records);
}

fn actor_and_root_table_filters_are_exact_on<D: Api>() {
    let mut d: D = connect("exact_filters");
    let (changesets, _) = records_by(&mut d, &ALICES);
    actor_filter_finds_exactly(&mut d, &ALICES, &changesets);
    let by_root = |d: &mut D, table: &str| -> Vec<i64> {
        d.list_changesets(&ChangesetFilter::new().root_table(table))
            .expect("list")
            .iter()
            .map(|c| c.id)
            .collect()
    };
    let mut newest_first = changesets.clone();
    newest_first.reverse();
    assert_eq!(by_root(&mut d, "posts"), newest_first);
    for other in ["POSTS", "Posts", "posts ", " posts", "post"] {
        assert_eq!(by_root(&mut d, other), Vec::<i64>::new(), "{other:?}");
    }
}

fn non_ascii_names_are_exact_whatever_the_character_set_on<D: Api>() {
    let mut d: D = connect("exact_non_ascii");
    record_tables_in_latin1(&mut d);
    let names = ["Zoë", "zoë", "ZOË", "Zoe", "Zoë "];
    let records = records_by(&mut d, &names);
    actor_filter_finds_exactly(&mut d, &names, &records.0);
    redaction_rewrites_exactly(&mut d, &names, records);
}

/// `limit` outside `0..=MAX_PAGE` is `InvalidInput` naming `limit`, with no statement sent;
/// 0 is an empty page; `MAX_PAGE` and `Erasure::list` (every record) still work.
fn page_sizes_out_of_range_are_refused_before_any_statement_on<D: Api>() {
    let mut d: D = connect("page_sizes");
    seed_posts(&mut d, 4);
    for p in 1..=2 {
        d.soft_delete(&keys::post(p)).expect("soft delete");
    }
    for p in 3..=4 {
        d.erase(&keys::post(p), EraseOptions::new()).expect("erase");
    }
    let counter = d.count_statements();
    for limit in [-1, -50, i64::MIN, MAX_PAGE + 1, i64::MAX] {
        let listed = d.list_changesets(&ChangesetFilter::new().limit(limit));
        let Err(SoftDeleteError::InvalidInput { message }) = &listed else {
            panic!("ChangesetFilter::limit({limit}): {listed:?}");
        };
        assert!(
            message.contains("`limit`") && message.contains(&limit.to_string()),
            "{message}"
        );
        let page = d.list_erasures_page(None, limit);
        let Err(SoftDeleteError::InvalidInput { message }) = &page else {
            panic!("Erasure::list_page(None, {limit}): {page:?}");
        };
        assert!(message.contains("`limit`"), "{message}");
        assert_eq!(counter.take(), 0, "limit {limit}: no statement sent");
    }
    assert_eq!(
        d.list_changesets(&ChangesetFilter::new().limit(0)).ok(),
        Some(vec![]),
        "0 is an empty page"
    );
    assert_eq!(d.list_erasures_page(None, 0).ok(), Some(vec![]));
    let all = ChangesetFilter::new().limit(MAX_PAGE);
    assert_eq!(d.list_changesets(&all).map(|l| l.len()).ok(), Some(2));
    assert_eq!(
        d.list_erasures_page(None, MAX_PAGE).map(|l| l.len()).ok(),
        Some(2)
    );
    assert_eq!(d.list_erasures().map(|l| l.len()).ok(), Some(2));
    // An id below every id is an empty page, not an error: paging ran past the end.
    assert_eq!(
        d.list_changesets(&ChangesetFilter::new().before_id(i64::MIN))
            .ok(),
        Some(vec![])
    );
    assert_eq!(d.list_erasures_page(Some(-1), 10).ok(), Some(vec![]));
}

#[test]
fn redaction_rewrites_only_the_exact_actor() {
    redaction_rewrites_only_the_exact_actor_on::<SyncApi>();
}

#[test]
fn non_ascii_names_are_exact_whatever_the_character_set() {
    non_ascii_names_are_exact_whatever_the_character_set_on::<SyncApi>();
}

#[test]
fn actor_and_root_table_filters_are_exact() {
    actor_and_root_table_filters_are_exact_on::<SyncApi>();
}

#[test]
fn page_sizes_out_of_range_are_refused_before_any_statement() {
    page_sizes_out_of_range_are_refused_before_any_statement_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`).
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn redaction_rewrites_only_the_exact_actor() {
        redaction_rewrites_only_the_exact_actor_on::<AsyncApi>();
    }

    #[test]
    fn non_ascii_names_are_exact_whatever_the_character_set() {
        non_ascii_names_are_exact_whatever_the_character_set_on::<AsyncApi>();
    }

    #[test]
    fn actor_and_root_table_filters_are_exact() {
        actor_and_root_table_filters_are_exact_on::<AsyncApi>();
    }

    #[test]
    fn page_sizes_out_of_range_are_refused_before_any_statement() {
        page_sizes_out_of_range_are_refused_before_any_statement_on::<AsyncApi>();
    }
}
