//! The index advice: `migration::recommended_indexes`, read from the program's table graph, and
//! `migration::missing_indexes`, which reads the database's own catalog.
//!
//! This binary links every model of the suite. A few of their tables exist only in the tests
//! that create them (the column-type and session-kill tables): `missing_indexes` skips tables the
//! database lacks. The `sd_other` schema is shared with `qualified.rs`, which checks its indexes
//! in its own test; statements on it are left out here.

use diesel::connection::SimpleConnection;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::migration::{missing_indexes, recommended_indexes};

use super::{Conn, Db};
use crate::common::TestDb;

/// A fresh database with the test schema, named after this module and `test`.
fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    Db::connect(&test, &crate::common::schema::ddl())
}

/// What `missing_indexes` reports, but for the shared `sd_other` schema.
fn missing(conn: &mut Conn) -> Vec<String> {
    let all = missing_indexes(conn).expect("index check");
    all.into_iter()
        .filter(|s| !s.contains("sd_other"))
        .collect()
}

/// Runs `statements`.
fn run(conn: &mut Conn, statements: &[String]) {
    conn.batch_execute(&statements.join("\n"))
        .unwrap_or_else(|e| panic!("{e}: {statements:#?}"));
}

/// The recommended statement that creates index `name`.
fn recommended(name: &str) -> String {
    let quoted = match Db::DIALECT {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let all = recommended_indexes(Db::DIALECT);
    let found = all.iter().find(|s| s.contains(&format!(" {quoted} ON ")));
    found
        .cloned()
        .unwrap_or_else(|| panic!("{name} in {all:#?}"))
}

fn drop_index(conn: &mut Conn, name: &str, table: &str) {
    let sql = match Db::DIALECT {
        Dialect::Mysql => format!("DROP INDEX {name} ON {table}"),
        _ => format!("DROP INDEX {name}"),
    };
    conn.batch_execute(&sql).expect("drop index");
}

#[test]
fn the_recommended_statements_follow_the_graph() {
    let live = match Db::DIALECT {
        Dialect::Mysql => {
            "CREATE INDEX IF NOT EXISTS `comments_post_id_live` ON `comments` (`post_id`, `deleted_at`);"
        }
        _ => {
            r#"CREATE INDEX IF NOT EXISTS "comments_post_id_live" ON "comments" ("post_id") WHERE "deleted_at" IS NULL;"#
        }
    };
    assert_eq!(recommended("comments_post_id_live"), live);
    let q = |s: &str| match Db::DIALECT {
        Dialect::Mysql => s.replace('"', "`"),
        _ => s.to_owned(),
    };
    // `deletion_id` of a table named by `#[sql_name]`; the marker of a renamed column.
    assert_eq!(
        recommended("blog_entries_deletion_id_idx"),
        q(
            r#"CREATE INDEX IF NOT EXISTS "blog_entries_deletion_id_idx" ON "blog_entries" ("deletion_id");"#
        )
    );
    // `protect` into a table without a soft-delete model: a plain index.
    assert_eq!(
        recommended("invoices_post_id_idx"),
        q(r#"CREATE INDEX IF NOT EXISTS "invoices_post_id_idx" ON "invoices" ("post_id");"#)
    );
    // A self-reference, and a table with two cascade parents.
    recommended("categories_parent_id_live");
    recommended("post_tags_post_id_live");
    recommended("post_tags_tag_id_live");
    let all = recommended_indexes(Db::DIALECT);
    let mut unique = all.clone();
    unique.dedup();
    assert_eq!(unique, all, "each index once");
}

#[test]
fn running_what_is_missing_twice_leaves_nothing_missing() {
    let mut conn = connect("run_twice");
    let first = missing(&mut conn);
    let recommended = recommended_indexes(Db::DIALECT);
    for statement in &first {
        assert!(recommended.contains(statement), "{statement}");
    }
    assert!(first.contains(&self::recommended("comments_post_id_live")));
    // The schema indexes `deletion_id` of posts and comments under names of its own: they count.
    for name in ["posts_deletion_id_idx", "comments_deletion_id_idx"] {
        assert!(
            !first.iter().any(|s| s.contains(name)),
            "{name}: {first:#?}"
        );
    }
    run(&mut conn, &first);
    run(&mut conn, &first);
    assert_eq!(missing(&mut conn), Vec::<String>::new());
}

#[test]
fn a_schema_missing_one_index_reports_exactly_that_statement() {
    let mut conn = connect("one_missing");
    let all = missing(&mut conn);
    run(&mut conn, &all);
    // A plain index on the foreign key does not serve live reads (on MySQL, InnoDB needs some
    // index on `post_id` for the foreign key; the live index had replaced its own).
    conn.batch_execute("CREATE INDEX comments_by_post ON comments (post_id)")
        .expect("plain index");
    drop_index(&mut conn, "comments_post_id_live", "comments");
    let expected = vec![recommended("comments_post_id_live")];
    assert_eq!(missing(&mut conn), expected);

    // One with the marker as its next key column does, whatever its name.
    conn.batch_execute("CREATE INDEX comments_by_post_live ON comments (post_id, deleted_at, id)")
        .expect("composite index");
    assert_eq!(missing(&mut conn), Vec::<String>::new());
}

#[test]
fn a_partial_index_counts_by_its_predicate() {
    if Db::DIALECT == Dialect::Mysql {
        return; // no partial indexes
    }
    let mut conn = connect("partial");
    let all = missing(&mut conn);
    run(&mut conn, &all);
    drop_index(&mut conn, "comments_post_id_live", "comments");
    let expected = vec![recommended("comments_post_id_live")];
    conn.batch_execute(
        "CREATE INDEX comments_hidden_by_post ON comments (post_id) WHERE deleted_at IS NOT NULL",
    )
    .expect("partial index over hidden rows");
    assert_eq!(missing(&mut conn), expected);
    conn.batch_execute(
        "CREATE INDEX comments_live_by_post ON comments (post_id)  WHERE (deleted_at is null)",
    )
    .expect("partial index over live rows, written by hand");
    assert_eq!(missing(&mut conn), Vec::<String>::new());
}
