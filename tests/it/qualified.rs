//! Schema-qualified tables (`table! { sd_other.accounts ... }`): a PostgreSQL schema, or a
//! MySQL database, other than the connection's. Every operation addresses `sd_other.accounts`
//! and `sd_other.sessions`; the decoys `accounts` and `sessions` in the test's own schema,
//! first on the search path, stay untouched. The changeset records the qualified identity,
//! so restoring by id finds the table again.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::migration::missing_indexes;
use soft_delete_runtime::prelude::*;

use super::{Conn, Db};
use crate::common::models::{Account, Session};
use crate::common::{at, TestDb};

diesel::table! {
    /// The decoy an unqualified `accounts` would address.
    #[sql_name = "accounts"]
    decoy_accounts (id) {
        id -> Integer,
        email -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// The decoy an unqualified `sessions` would address.
    #[sql_name = "sessions"]
    decoy_sessions (id) {
        id -> Integer,
        account_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

const OTHER: &str = "
CREATE TABLE sd_other.accounts (id {pk}, email VARCHAR(200) NOT NULL, deleted_at {ts},
    deletion_id BIGINT);
CREATE TABLE sd_other.sessions (id {pk}, account_id INTEGER NOT NULL, deleted_at {ts},
    deletion_id BIGINT, FOREIGN KEY (account_id) REFERENCES sd_other.accounts (id));
INSERT INTO sd_other.accounts (id, email) VALUES (1, 'a'), (2, 'b');
INSERT INTO sd_other.sessions (id, account_id) VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO accounts (id, email, deleted_at) VALUES (1, 'decoy', NULL), (2, 'decoy', '2000-01-01');
INSERT INTO sessions (id, account_id, deleted_at) VALUES (1, 1, NULL), (2, 2, '2000-01-01');
";

fn connect(test: &str) -> Conn {
    let test = format!("{}::{test}", module_path!());
    let mut conn = Db::connect(&test, &crate::common::schema::ddl());
    let fresh = match Db::DIALECT {
        Dialect::Postgres => "DROP SCHEMA IF EXISTS sd_other CASCADE; CREATE SCHEMA sd_other;",
        _ => "DROP DATABASE IF EXISTS sd_other; CREATE DATABASE sd_other;",
    };
    conn.batch_execute(fresh).expect("the other schema");
    conn.batch_execute(&soft_delete_fixtures::ddl(Db::DIALECT, OTHER))
        .expect("the other schema's tables");
    conn
}

type DecoyRow = (i32, Option<chrono::NaiveDateTime>, Option<i64>);

fn decoys(conn: &mut Conn) -> (Vec<DecoyRow>, Vec<DecoyRow>) {
    let a = decoy_accounts::table
        .select((
            decoy_accounts::id,
            decoy_accounts::deleted_at,
            decoy_accounts::deletion_id,
        ))
        .order(decoy_accounts::id)
        .load(conn)
        .expect("decoy accounts");
    let s = decoy_sessions::table
        .select((
            decoy_sessions::id,
            decoy_sessions::deleted_at,
            decoy_sessions::deletion_id,
        ))
        .order(decoy_sessions::id)
        .load(conn)
        .expect("decoy sessions");
    (a, s)
}

fn account(id: i32) -> Account {
    Account {
        id,
        email: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

fn live(conn: &mut Conn) -> (i64, i64) {
    let a = Account::active().count().get_result(conn).expect("count");
    let s = Session::active().count().get_result(conn).expect("count");
    (a, s)
}

#[test]
fn every_operation_addresses_the_qualified_table() {
    let mut conn = connect("every_operation");
    let untouched = decoys(&mut conn);

    let changeset = account(1).soft_delete(&mut conn).expect("soft delete");
    assert_eq!(changeset.root_table, "sd_other.accounts");
    assert_eq!(changeset.rows_affected, 3);
    assert_eq!(live(&mut conn), (1, 1));
    let tables: Vec<&str> = Changeset::rows(&mut conn, changeset.id)
        .expect("rows")
        .iter()
        .map(|r| r.table)
        .collect();
    assert_eq!(tables, ["sd_other.accounts", "sd_other.sessions"]);
    assert_eq!(decoys(&mut conn), untouched, "soft delete touched a decoy");

    Changeset::restore(&mut conn, changeset.id).expect("restore by id");
    assert_eq!(live(&mut conn), (2, 3));
    assert_eq!(decoys(&mut conn), untouched, "restore touched a decoy");

    let long_ago = DeleteOptions::new().at(at(2001, 1, 1, 0, 0, 0));
    account(2)
        .soft_delete_with(&mut conn, long_ago)
        .expect("soft delete");
    let purged = Account::purge(&mut conn, at(2010, 1, 1, 0, 0, 0)).expect("purge");
    assert_eq!(purged.removed.get("sd_other.accounts"), 1);
    assert_eq!(purged.removed.get("sd_other.sessions"), 1);
    assert_eq!(
        decoys(&mut conn),
        untouched,
        "purge touched a decoy's hidden rows"
    );

    let removed = account(1).hard_delete(&mut conn).expect("hard delete");
    assert_eq!(removed.get("sd_other.sessions"), 2);
    assert_eq!(live(&mut conn), (0, 0));
    assert_eq!(decoys(&mut conn), untouched, "hard delete touched a decoy");

    // The index check reads the qualified tables' catalog, and their statements name them.
    let other = |conn: &mut Conn| -> Vec<String> {
        let missing = missing_indexes(conn).expect("index check");
        missing
            .into_iter()
            .filter(|s| s.contains("sd_other"))
            .collect()
    };
    let q = |s: &str| match Db::DIALECT {
        Dialect::Mysql => s.replace('"', "`"),
        _ => s.to_owned(),
    };
    let expected = [
        q(r#"CREATE INDEX IF NOT EXISTS "accounts_deletion_id_idx" ON "sd_other"."accounts" ("deletion_id");"#),
        match Db::DIALECT {
            Dialect::Mysql => "CREATE INDEX IF NOT EXISTS `sessions_account_id_live` ON `sd_other`.`sessions` (`account_id`, `deleted_at`);".to_owned(),
            _ => r#"CREATE INDEX IF NOT EXISTS "sessions_account_id_live" ON "sd_other"."sessions" ("account_id") WHERE "deleted_at" IS NULL;"#.to_owned(),
        },
        q(r#"CREATE INDEX IF NOT EXISTS "sessions_deletion_id_idx" ON "sd_other"."sessions" ("deletion_id");"#),
    ];
    assert_eq!(other(&mut conn), expected);
    conn.batch_execute(&expected.join("\n"))
        .expect("create indexes");
    assert_eq!(other(&mut conn), Vec::<String>::new());
}

#[test]
fn export_and_erase_address_the_qualified_table() {
    let mut conn = connect("export_and_erase");
    let untouched = decoys(&mut conn);
    let json = account(1).export_tree(&mut conn).expect("export");
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["sd_other.accounts", "sd_other.sessions"]);
    assert_eq!(json["sd_other.accounts"][0]["email"], "a");
    assert_eq!(json["sd_other.sessions"].as_array().map(Vec::len), Some(2));
    let erasure = account(1)
        .erase(&mut conn, EraseOptions::new())
        .expect("erase");
    assert_eq!(erasure.table, "sd_other.accounts");
    assert_eq!(erasure.removed.get("sd_other.sessions"), 2);
    assert_eq!(live(&mut conn), (1, 1));
    assert_eq!(decoys(&mut conn), untouched, "erase touched a decoy");
}
