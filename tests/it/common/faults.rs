//! Fault injection: a trigger that makes a statement on a table fail, on every backend.

use diesel::connection::SimpleConnection;
use soft_delete_runtime::backend::Dialect;

/// Makes every `event` (`UPDATE`, `DELETE`, `INSERT`) of a row of `table` fail.
pub fn install<C: SimpleConnection>(conn: &mut C, dialect: Dialect, table: &str, event: &str) {
    let sql = match dialect {
        Dialect::Sqlite => format!(
            "CREATE TRIGGER inject_fault BEFORE {event} ON {table}
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        ),
        Dialect::Postgres => format!(
            "CREATE OR REPLACE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'injected fault on %', TG_TABLE_NAME; END $$;
             CREATE TRIGGER inject_fault BEFORE {event} ON {table}
                 FOR EACH ROW EXECUTE FUNCTION inject_fault();"
        ),
        Dialect::Mysql => format!(
            "CREATE TRIGGER inject_fault BEFORE {event} ON {table} FOR EACH ROW \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'"
        ),
    };
    conn.batch_execute(&sql).expect("install the fault");
}

/// Removes the fault [`install`] put on `table`.
pub fn remove<C: SimpleConnection>(conn: &mut C, dialect: Dialect, table: &str) {
    let sql = match dialect {
        Dialect::Postgres => format!("DROP TRIGGER inject_fault ON {table}"),
        _ => "DROP TRIGGER inject_fault".to_owned(),
    };
    conn.batch_execute(&sql).expect("remove the fault");
}
