//! The test databases: [`TestDb`] and its three implementations, one per backend.
//!
//! Every test gets a database of its own, named after the test's module path and name, so the
//! tests run in parallel and a failed run leaves a database to inspect: a schema on
//! PostgreSQL, a database on MariaDB/MySQL, a shared-cache in-memory database on SQLite.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use soft_delete_runtime::backend::Dialect;
use soft_delete_runtime::{SoftDeleteConnection, SoftDeleteError};

/// A database server (or engine) the suites run on.
pub trait TestDb {
    /// The connection the suites use.
    type Conn: SoftDeleteConnection;

    /// The dialect, for the few statements whose SQL differs.
    const DIALECT: Dialect;

    /// The URL of the database of test `test` (unique per test and deterministic).
    fn url(test: &str) -> String;

    /// A fresh, empty database for `test`, holding the changeset table and the tables of `ddl`
    /// (placeholders filled by [`soft_delete_fixtures::ddl`]).
    fn connect(test: &str, ddl: &str) -> Self::Conn;

    /// Runs `f` in a `SERIALIZABLE` transaction on `conn` (used by the concurrency suite, which
    /// needs a server).
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    fn serializable<T>(
        conn: &mut Self::Conn,
        f: impl FnOnce(&mut Self::Conn) -> Result<T, SoftDeleteError>,
    ) -> Result<T, SoftDeleteError>;

    /// Another connection to the database [`connect`](TestDb::connect) created for `test`.
    fn second(test: &str) -> Self::Conn {
        Self::Conn::establish(&Self::url(test)).expect("a second connection")
    }
}

/// SQLite (always enabled).
pub struct Sqlite;

impl TestDb for Sqlite {
    type Conn = diesel::SqliteConnection;
    const DIALECT: Dialect = Dialect::Sqlite;

    /// An in-memory database that lives while one of its connections is open.
    fn url(test: &str) -> String {
        format!("file:{}?mode=memory&cache=shared", db_name(test))
    }

    fn connect(test: &str, ddl: &str) -> Self::Conn {
        let mut conn = Self::second(test);
        conn.batch_execute("PRAGMA foreign_keys = ON;")
            .expect("pragma");
        install(&mut conn, Self::DIALECT, ddl);
        conn
    }

    /// SQLite transactions are always serializable.
    fn serializable<T>(
        conn: &mut Self::Conn,
        f: impl FnOnce(&mut Self::Conn) -> Result<T, SoftDeleteError>,
    ) -> Result<T, SoftDeleteError> {
        conn.transaction(f)
    }
}

/// PostgreSQL at `PG_DATABASE_URL`: one schema per test.
#[cfg(feature = "postgres")]
pub struct Postgres;

#[cfg(feature = "postgres")]
impl TestDb for Postgres {
    type Conn = diesel::PgConnection;
    const DIALECT: Dialect = Dialect::Postgres;

    /// The server's URL, with the test's schema as the search path.
    fn url(test: &str) -> String {
        let url = required_url("PG_DATABASE_URL", "postgres");
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}options=-csearch_path%3D{}", db_name(test))
    }

    fn connect(test: &str, ddl: &str) -> Self::Conn {
        let url = required_url("PG_DATABASE_URL", "postgres");
        let mut admin = Self::Conn::establish(&url).expect("connect to PostgreSQL");
        let schema = db_name(test);
        admin
            .batch_execute(&format!(
                "SET client_min_messages TO WARNING;
                 DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
            ))
            .expect("schema");
        let mut conn = Self::second(test);
        install(&mut conn, Self::DIALECT, ddl);
        conn
    }

    fn serializable<T>(
        conn: &mut Self::Conn,
        f: impl FnOnce(&mut Self::Conn) -> Result<T, SoftDeleteError>,
    ) -> Result<T, SoftDeleteError> {
        conn.build_transaction().serializable().run(f)
    }
}

/// MariaDB or MySQL at `MYSQL_DATABASE_URL`: one database per test.
#[cfg(feature = "mysql")]
pub struct Mysql;

#[cfg(feature = "mysql")]
impl TestDb for Mysql {
    type Conn = diesel::MysqlConnection;
    const DIALECT: Dialect = Dialect::Mysql;

    /// The server's URL with the test's database in place of the given one.
    fn url(test: &str) -> String {
        let url = required_url("MYSQL_DATABASE_URL", "mysql");
        let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
        format!("{base}/{}", db_name(test))
    }

    fn connect(test: &str, ddl: &str) -> Self::Conn {
        let url = required_url("MYSQL_DATABASE_URL", "mysql");
        let name = db_name(test);
        let mut admin = Self::Conn::establish(&url).expect("connect to MySQL");
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};"
            ))
            .expect("database");
        let mut conn = Self::second(test);
        install(&mut conn, Self::DIALECT, ddl);
        conn
    }

    fn serializable<T>(
        conn: &mut Self::Conn,
        f: impl FnOnce(&mut Self::Conn) -> Result<T, SoftDeleteError>,
    ) -> Result<T, SoftDeleteError> {
        conn.batch_execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?;
        conn.transaction(f)
    }
}

/// The changeset table, then the tables of `ddl`.
fn install<C: SoftDeleteConnection>(conn: &mut C, dialect: Dialect, ddl: &str) {
    soft_delete_runtime::migration::install(conn).expect("install");
    conn.batch_execute(&soft_delete_fixtures::ddl(dialect, ddl))
        .expect("ddl");
}

/// A database name unique to one test: `sd_` + the test's path, shortened with a hash if long.
fn db_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if clean.len() <= 48 {
        format!("sd_{clean}")
    } else {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in clean.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
        format!("sd_{}_{h:x}", &clean[clean.len() - 30..])
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn required_url(var: &str, feature: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "the `{feature}` feature is on but {var} is not set: point it at a server \
             (see README, \"Running the suite on your servers\") or build without \
             `--features {feature}`"
        )
    })
}
