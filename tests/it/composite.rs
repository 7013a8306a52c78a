//! Composite primary keys: a join table keyed `(module_id, tag)` (integer + text) is a cascade
//! child of `modules`, a cascade parent of `tag_votes` through the composite foreign key
//! `(module_id, tag)`, and a protect parent of `tag_pins`. Rows that share one key column with
//! the addressed row (same module, other tag; same tag, other module) must stay untouched.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::migration::{missing_indexes, recommended_indexes};
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::SoftDeleteError;

use super::{Conn, Db};
use crate::common::{at, StatementCounter, TestDb};

diesel::table! {
    modules (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    module_tags (module_id, tag) {
        module_id -> Integer,
        tag -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    tag_votes (id) {
        id -> Integer,
        module_id -> Integer,
        tag -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    tag_pins (id) {
        id -> Integer,
        module_id -> Integer,
        tag -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(modules, module_tags, tag_votes, tag_pins);

// The models map every column, as an application's would; the tests read some through queries.
#[allow(dead_code)]
#[derive(Debug, Clone, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = modules)]
#[soft_delete(cascade(module_tags::module_id))]
struct Module {
    id: i32,
    name: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = module_tags, primary_key(module_id, tag))]
#[soft_delete(
    cascade((tag_votes::module_id, tag_votes::tag)),
    protect((tag_pins::module_id, tag_pins::tag))
)]
struct ModuleTag {
    module_id: i32,
    tag: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

#[allow(dead_code)]
#[derive(Debug, Clone, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = tag_votes)]
struct TagVote {
    id: i32,
    module_id: i32,
    tag: String,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

const DDL: &str = "
CREATE TABLE modules (id {pk}, name VARCHAR(100) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE module_tags (module_id INTEGER NOT NULL, tag VARCHAR(100) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT, PRIMARY KEY (module_id, tag),
    FOREIGN KEY (module_id) REFERENCES modules (id));
CREATE TABLE tag_votes (id {pk}, module_id INTEGER NOT NULL, tag VARCHAR(100) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (module_id, tag) REFERENCES module_tags (module_id, tag));
CREATE TABLE tag_pins (id {pk}, module_id INTEGER NOT NULL, tag VARCHAR(100) NOT NULL,
    FOREIGN KEY (module_id, tag) REFERENCES module_tags (module_id, tag));
";

/// A tag with a comma and a quote: its key's text form must still read back unambiguously.
const ODD_TAG: &str = "a,\"b\"";

/// Modules 1 and 2, each tagged `rust`, `go` and [`ODD_TAG`]; two votes per tag.
fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    let mut conn = Db::connect(&test, DDL);
    conn.batch_execute("INSERT INTO modules (id, name) VALUES (1, 'm1'), (2, 'm2');")
        .expect("modules");
    let mut vote = 0;
    for module in [1, 2] {
        for tag in ["rust", "go", ODD_TAG] {
            diesel::insert_into(module_tags::table)
                .values((module_tags::module_id.eq(module), module_tags::tag.eq(tag)))
                .execute(&mut conn)
                .expect("tag");
            for _ in 0..2 {
                vote += 1;
                diesel::insert_into(tag_votes::table)
                    .values((
                        tag_votes::id.eq(vote),
                        tag_votes::module_id.eq(module),
                        tag_votes::tag.eq(tag),
                    ))
                    .execute(&mut conn)
                    .expect("vote");
            }
        }
    }
    conn
}

fn tag(module_id: i32, tag: &str) -> ModuleTag {
    ModuleTag {
        module_id,
        tag: tag.to_owned(),
        deleted_at: None,
        deletion_id: None,
    }
}

fn module(id: i32) -> Module {
    Module {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

/// The live tags as `(module, tag)`, and the ids of the live votes, both sorted.
fn live(conn: &mut Conn) -> (Vec<(i32, String)>, Vec<i32>) {
    let tags = ModuleTag::active()
        .select((module_tags::module_id, module_tags::tag))
        .order((module_tags::module_id, module_tags::tag))
        .load(conn)
        .expect("tags");
    let votes = TagVote::active()
        .select(tag_votes::id)
        .order(tag_votes::id)
        .load(conn)
        .expect("votes");
    (tags, votes)
}

/// Every tag but those listed, as `live` returns them.
fn tags_but(gone: &[(i32, &str)]) -> Vec<(i32, String)> {
    let mut all = Vec::new();
    for m in [1, 2] {
        for t in ["rust", "go", ODD_TAG] {
            if !gone.contains(&(m, t)) {
                all.push((m, t.to_owned()));
            }
        }
    }
    all.sort();
    all
}

/// Vote ids in `1..=12` but those listed.
fn votes_but(gone: &[i32]) -> Vec<i32> {
    (1..=12).filter(|v| !gone.contains(v)).collect()
}

#[test]
fn key_and_key_text_of_a_composite_key() {
    let t = tag(7, ODD_TAG);
    assert_eq!(t.key(), (7, ODD_TAG.to_owned()));
    assert_eq!(t.key_text(), r#"["7","a,\"b\""]"#);
    assert_eq!(module(7).key_text(), "7");
}

#[test]
fn soft_delete_of_a_composite_row_hides_it_and_its_votes_only() {
    let mut conn = connect("soft_delete_row");
    // (1, rust) has votes 1 and 2; (1, go) and (2, rust) share one key column with it.
    let changeset = tag(1, "rust").soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.root_table, "module_tags");
    assert_eq!(changeset.root_key.as_deref(), Some(r#"["1","rust"]"#));
    assert_eq!(changeset.rows_affected, 3);
    assert_eq!(
        live(&mut conn),
        (tags_but(&[(1, "rust")]), votes_but(&[1, 2]))
    );

    let rows = Changeset::rows(&mut conn, changeset.id).expect("rows");
    let listed: Vec<(&str, Vec<String>)> = rows.iter().map(|r| (r.table, r.keys.clone())).collect();
    assert_eq!(
        listed,
        vec![
            ("module_tags", vec![r#"["1","rust"]"#.to_owned()]),
            ("tag_votes", vec!["1".to_owned(), "2".to_owned()]),
        ]
    );

    let again = tag(1, "rust").soft_delete(&mut conn);
    assert!(
        matches!(again, Err(SoftDeleteError::AlreadyDeleted { .. })),
        "{again:?}"
    );
    tag(1, "rust").restore(&mut conn).expect("restore by row");
    assert_eq!(live(&mut conn), (tags_but(&[]), votes_but(&[])));
}

#[test]
fn a_cascade_reaches_composite_children_and_their_children() {
    let mut conn = connect("cascade");
    let changeset = module(2).soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.rows_affected, 1 + 3 + 6);
    assert_eq!(
        live(&mut conn),
        (
            tags_but(&[(2, "rust"), (2, "go"), (2, ODD_TAG)]),
            votes_but(&[7, 8, 9, 10, 11, 12])
        )
    );
    let rows = Changeset::rows(&mut conn, changeset.id).expect("rows");
    let tags = rows
        .iter()
        .find(|r| r.table == "module_tags")
        .expect("module_tags listed");
    // Key order: (2, "a,\"b\"") < (2, "go") < (2, "rust").
    let expected: Vec<String> = [ODD_TAG, "go", "rust"]
        .iter()
        .map(|t| tag(2, t).key_text())
        .collect();
    assert_eq!(
        tags.keys, expected,
        "the text form the row's key_text gives"
    );

    // Restoring through any member, here a composite row, restores the whole changeset.
    tag(2, ODD_TAG).restore(&mut conn).expect("restore");
    assert_eq!(live(&mut conn), (tags_but(&[]), votes_but(&[])));
}

#[test]
fn hard_delete_of_a_composite_row_removes_its_votes_unless_pinned() {
    let mut conn = connect("hard_delete");
    conn.batch_execute("INSERT INTO tag_pins (id, module_id, tag) VALUES (1, 1, 'go');")
        .expect("pin");
    let refused = tag(1, "go").hard_delete(&mut conn);
    assert!(
        matches!(refused, Err(SoftDeleteError::Protected { .. })),
        "{refused:?}"
    );
    assert_eq!(live(&mut conn), (tags_but(&[]), votes_but(&[])));

    let removed = tag(2, "go").hard_delete(&mut conn).expect("hard delete");
    assert_eq!(removed.get("module_tags"), 1);
    assert_eq!(removed.get("tag_votes"), 2);
    let all_tags: i64 = module_tags::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(all_tags, 5);
    assert_eq!(
        live(&mut conn),
        (tags_but(&[(2, "go")]), votes_but(&[9, 10]))
    );
}

#[test]
fn purge_removes_hidden_composite_rows_and_their_votes() {
    let mut conn = connect("purge");
    let long_ago = DeleteOptions::new().at(at(2001, 1, 1, 0, 0, 0));
    tag(1, ODD_TAG)
        .soft_delete_with(&mut conn, long_ago)
        .expect("soft delete");
    tag(2, "rust").soft_delete(&mut conn).expect("recent");
    let report = ModuleTag::purge(&mut conn, at(2010, 1, 1, 0, 0, 0)).expect("purge");
    assert_eq!(report.removed.get("module_tags"), 1);
    assert_eq!(report.removed.get("tag_votes"), 2);
    let left: Vec<(i32, String)> = module_tags::table
        .select((module_tags::module_id, module_tags::tag))
        .order((module_tags::module_id, module_tags::tag))
        .load(&mut conn)
        .expect("tags");
    assert_eq!(left, tags_but(&[(1, ODD_TAG)]), "the recent one stays");
}

/// Statements of a cascade from `module(1)` after tagging it `tags` times.
fn statements_for(tags: usize) -> usize {
    let mut conn = connect(&format!("statements_{tags}"));
    for i in 0..tags {
        diesel::insert_into(module_tags::table)
            .values((
                module_tags::module_id.eq(1),
                module_tags::tag.eq(format!("t{i}")),
            ))
            .execute(&mut conn)
            .expect("tag");
    }
    let counter = StatementCounter::attach(&mut conn);
    module(1).soft_delete(&mut conn).expect("soft delete");
    let hidden = counter.take();
    let id = ModuleTag::only_deleted()
        .select(module_tags::deletion_id)
        .first::<Option<i64>>(&mut conn)
        .expect("hidden tag")
        .expect("deletion id");
    Changeset::restore(&mut conn, id).expect("restore");
    hidden + counter.take()
}

#[test]
fn composite_edges_cost_the_same_statements_whatever_the_row_count() {
    assert_eq!(statements_for(0), statements_for(40));
}

#[test]
fn the_index_advice_covers_composite_foreign_keys() {
    let mut conn = connect("indexes");
    // `sd_other` is shared with `qualified.rs`: not this test's.
    let missing = |conn: &mut Conn| -> Vec<String> {
        let all = missing_indexes(conn).expect("index check");
        all.into_iter()
            .filter(|s| !s.contains("sd_other"))
            .collect()
    };
    let (live, pins) = match Db::DIALECT {
        Dialect::Mysql => (
            "CREATE INDEX IF NOT EXISTS `tag_votes_module_id_tag_live` ON `tag_votes` (`module_id`, `tag`, `deleted_at`);",
            "CREATE INDEX IF NOT EXISTS `tag_pins_module_id_tag_idx` ON `tag_pins` (`module_id`, `tag`);",
        ),
        _ => (
            r#"CREATE INDEX IF NOT EXISTS "tag_votes_module_id_tag_live" ON "tag_votes" ("module_id", "tag") WHERE "deleted_at" IS NULL;"#,
            r#"CREATE INDEX IF NOT EXISTS "tag_pins_module_id_tag_idx" ON "tag_pins" ("module_id", "tag");"#,
        ),
    };
    let recommended = recommended_indexes(Db::DIALECT);
    assert!(recommended.iter().any(|s| s == live), "{recommended:#?}");
    assert!(recommended.iter().any(|s| s == pins), "{recommended:#?}");

    let before = missing(&mut conn);
    assert!(before.iter().any(|s| s == live), "{before:#?}");
    // InnoDB indexes a foreign key's columns itself: that index serves the plain one.
    let pins_missing = Db::DIALECT != Dialect::Mysql;
    assert_eq!(
        before.iter().any(|s| s == pins),
        pins_missing,
        "{before:#?}"
    );
    // The primary key `(module_id, tag)` is over every row: it does not serve the live
    // index on `module_tags (module_id)`.
    assert!(
        before
            .iter()
            .any(|s| s.contains("module_tags_module_id_live")),
        "{before:#?}"
    );

    conn.batch_execute(&before.join("\n"))
        .expect("create indexes");
    assert_eq!(missing(&mut conn), Vec::<String>::new());
}
