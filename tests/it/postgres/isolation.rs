//! The isolation level of the transactions the engine opens itself, seen from triggers.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::concurrency::connect;
use super::invariants::seed;
use super::Conn;
use crate::common::keys::{author, category};

/// The isolation level each write ran at, as a statement trigger on `comments` and
/// `categories` saw it.
fn levels_seen(conn: &mut Conn) -> Vec<(String, String)> {
    diesel::sql_query("SELECT tbl, level FROM iso_log ORDER BY n")
        .load::<IsoLog>(conn)
        .expect("iso_log")
        .into_iter()
        .map(|r| (r.tbl, r.level))
        .collect()
}

#[derive(QueryableByName)]
struct IsoLog {
    #[diesel(sql_type = diesel::sql_types::Text)]
    tbl: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    level: String,
}

/// A transaction the engine opens itself runs at `READ COMMITTED` over an acyclic cascade
/// graph, whatever the session's default, and at `SERIALIZABLE` over a graph with a
/// self-referencing table; inside the caller's transaction the caller's level applies.
#[test]
fn engine_picks_the_isolation_level_from_the_cascade_graph() {
    let test = "isolation_per_graph";
    let mut conn = connect(test);
    seed(&mut conn);
    conn.batch_execute(
        "CREATE TABLE iso_log (n SERIAL PRIMARY KEY, tbl TEXT NOT NULL, level TEXT NOT NULL);
         CREATE FUNCTION log_iso() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO iso_log (tbl, level)
               VALUES (TG_TABLE_NAME, current_setting('transaction_isolation'));
           RETURN NULL;
         END $$;
         CREATE TRIGGER comments_iso AFTER UPDATE ON comments
             FOR EACH STATEMENT EXECUTE FUNCTION log_iso();
         CREATE TRIGGER categories_iso AFTER UPDATE ON categories
             FOR EACH STATEMENT EXECUTE FUNCTION log_iso();
         SET default_transaction_isolation = 'repeatable read';",
    )
    .expect("trigger");
    let rc = |t: &str| (t.to_owned(), "read committed".to_owned());
    let ser = |t: &str| (t.to_owned(), "serializable".to_owned());
    let clear = |conn: &mut Conn| conn.batch_execute("TRUNCATE iso_log").expect("truncate");

    let cs = author(1).soft_delete(&mut conn).expect("soft delete");
    assert_eq!(levels_seen(&mut conn), vec![rc("comments")]);
    clear(&mut conn);
    Changeset::restore(&mut conn, cs.id).expect("restore");
    // The restoring UPDATE (no parent is hidden by another changeset: nothing to retag).
    assert_eq!(levels_seen(&mut conn), vec![rc("comments")]);
    clear(&mut conn);

    let cs = category(2)
        .soft_delete(&mut conn)
        .expect("soft delete category");
    assert!(!levels_seen(&mut conn).is_empty());
    assert!(
        levels_seen(&mut conn)
            .iter()
            .all(|l| *l == ser("categories")),
        "{:?}",
        levels_seen(&mut conn)
    );
    clear(&mut conn);
    category(3).restore(&mut conn).expect("restore category");
    assert!(!levels_seen(&mut conn).is_empty());
    assert!(
        levels_seen(&mut conn)
            .iter()
            .all(|l| *l == ser("categories")),
        "{:?}",
        levels_seen(&mut conn)
    );
    clear(&mut conn);
    assert!(Changeset::find(&mut conn, cs.id)
        .expect("find")
        .restored_at
        .is_some());

    author(2).hard_delete(&mut conn).expect("hard delete");
    assert!(
        levels_seen(&mut conn).iter().all(|l| *l == rc("comments")),
        "{:?}",
        levels_seen(&mut conn)
    );
    clear(&mut conn);

    conn.build_transaction()
        .repeatable_read()
        .run(|c| author(3).soft_delete(c).map(|_| ()))
        .expect("inside the caller's transaction");
    assert_eq!(
        levels_seen(&mut conn),
        vec![("comments".to_owned(), "repeatable read".to_owned())]
    );
}
