//! Several models per table: `AuthorName` (`view_of = Author`) reads and writes `authors`
//! through the facts `Author` states — the same cascade, changesets and reads.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::{Conn, Db};
use crate::common::models::{Author, AuthorName, Post};
use crate::common::schema::authors;
use crate::common::TestDb;

/// Authors 1 and 2, two posts each.
fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    let mut conn = Db::connect(&test, &crate::common::schema::ddl());
    conn.batch_execute(
        "INSERT INTO authors (id, name) VALUES (1, 'Ann'), (2, 'Bo');
         INSERT INTO posts (id, author_id, title)
             VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 2, 'd');",
    )
    .expect("seed");
    conn
}

fn name(conn: &mut Conn, id: i32) -> AuthorName {
    AuthorName::with_deleted()
        .find(id)
        .select(AuthorName::as_select())
        .first(conn)
        .expect("author")
}

fn live(conn: &mut Conn) -> (i64, i64) {
    let a = AuthorName::active()
        .count()
        .get_result(conn)
        .expect("count");
    let p = Post::active().count().get_result(conn).expect("count");
    (a, p)
}

#[test]
fn a_second_model_soft_deletes_restores_and_hard_deletes_with_the_tables_facts() {
    let mut conn = connect("second_model");
    let ann = name(&mut conn, 1);
    let changeset = ann.soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.root_table, "authors");
    assert_eq!(
        changeset.rows_affected, 3,
        "Author's cascade to posts applies"
    );
    assert_eq!(live(&mut conn), (1, 2));
    let hidden: Vec<String> = AuthorName::only_deleted()
        .select(authors::name)
        .load(&mut conn)
        .expect("hidden");
    assert_eq!(hidden, ["Ann"]);
    // Either model restores the row: one table, one set of facts.
    let report = ann.restore(&mut conn).expect("restore");
    assert_eq!(report.restored.total(), 3);
    assert_eq!(live(&mut conn), (2, 4));

    let bo: Author = Author::active()
        .find(2)
        .select(Author::as_select())
        .first(&mut conn)
        .expect("author");
    bo.soft_delete(&mut conn)
        .expect("soft delete through Author");
    name(&mut conn, 2)
        .restore(&mut conn)
        .expect("restore through AuthorName");
    assert_eq!(live(&mut conn), (2, 4));

    let removed = name(&mut conn, 2)
        .hard_delete(&mut conn)
        .expect("hard delete");
    assert_eq!(removed.get("authors"), 1);
    assert_eq!(removed.get("posts"), 2);
    assert_eq!(live(&mut conn), (1, 2));
}
