//! Shared test harness: the schema, the models, and one connection per test on each backend.
//!
//! A suite is a macro holding `#[test]` functions that use `Conn` and `connect(name)`;
//! `for_each_backend!(suite)` instantiates it once per enabled backend, so every test runs on
//! SQLite always, and on PostgreSQL / MariaDB when the `postgres` / `mysql` features are on.
#![allow(dead_code, unused_macros, unused_imports)]

pub mod models;
pub mod schema;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use soft_delete_runtime::backend::Dialect;

/// The DDL for `dialect`.
pub fn ddl(dialect: Dialect, sql: &str) -> String {
    let (pk, bigpk, ts) = match dialect {
        Dialect::Sqlite => ("INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY", "TIMESTAMP"),
        Dialect::Postgres => ("SERIAL PRIMARY KEY", "BIGSERIAL PRIMARY KEY", "TIMESTAMP"),
        Dialect::Mysql => (
            "INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(6) NULL",
        ),
    };
    sql.replace("{pk}", pk)
        .replace("{bigpk}", bigpk)
        .replace("{ts}", ts)
}

/// A database name unique to one test: `sd_` + the test's path, shortened with a hash if long.
pub fn db_name(test: &str) -> String {
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

fn required_url(var: &str, feature: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!(
            "the `{feature}` feature is on but {var} is not set: point it at a server \
             (see README, \"Running the suite on your servers\") or build without `--features {feature}`"
        )
    })
}

pub fn sqlite_connect(_test: &str, ddl_sql: &str) -> diesel::SqliteConnection {
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    conn.batch_execute("PRAGMA foreign_keys = ON;")
        .expect("pragma");
    soft_delete_runtime::migration::install(&mut conn).expect("install");
    conn.batch_execute(&ddl(Dialect::Sqlite, ddl_sql))
        .expect("ddl");
    conn
}

#[cfg(feature = "postgres")]
pub fn pg_connect(test: &str, ddl_sql: &str) -> diesel::PgConnection {
    let url = required_url("PG_DATABASE_URL", "postgres");
    let mut conn = diesel::PgConnection::establish(&url).expect("connect to PostgreSQL");
    let schema = db_name(test);
    conn.batch_execute(&format!(
        "SET client_min_messages TO WARNING; DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema};"
    ))
    .expect("schema");
    soft_delete_runtime::migration::install(&mut conn).expect("install");
    conn.batch_execute(&ddl(Dialect::Postgres, ddl_sql))
        .expect("ddl");
    conn
}

#[cfg(feature = "mysql")]
pub fn mysql_connect(test: &str, ddl_sql: &str) -> diesel::MysqlConnection {
    let url = required_url("MYSQL_DATABASE_URL", "mysql");
    let name = db_name(test);
    let mut admin = diesel::MysqlConnection::establish(&url).expect("connect to MySQL");
    admin
        .batch_execute(&format!(
            "DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};"
        ))
        .expect("database");
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let mut conn = diesel::MysqlConnection::establish(&format!("{base}/{name}"))
        .expect("connect to test database");
    soft_delete_runtime::migration::install(&mut conn).expect("install");
    conn.batch_execute(&ddl(Dialect::Mysql, ddl_sql))
        .expect("ddl");
    conn
}

/// Counts the statements a connection sends, through Diesel's instrumentation.
#[derive(Clone, Default)]
pub struct StatementCounter(Arc<AtomicUsize>);

impl StatementCounter {
    pub fn attach<C: Connection>(conn: &mut C) -> StatementCounter {
        let counter = StatementCounter::default();
        let inner = counter.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                inner.fetch_add(1, Ordering::SeqCst);
            }
        });
        counter
    }
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

/// Instantiates `$suite!()` once per enabled backend, in modules `sqlite`, `postgres`, `mysql`,
/// each defining `Conn`, `DIALECT` and `connect(test_name, ddl)`.
macro_rules! for_each_backend {
    ($suite:ident) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            pub type Conn = diesel::SqliteConnection;
            #[allow(dead_code)]
            pub const DIALECT: soft_delete_runtime::backend::Dialect =
                soft_delete_runtime::backend::Dialect::Sqlite;
            pub fn connect(test: &str, ddl: &str) -> Conn {
                crate::common::sqlite_connect(test, ddl)
            }
            $suite!();
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            pub type Conn = diesel::PgConnection;
            #[allow(dead_code)]
            pub const DIALECT: soft_delete_runtime::backend::Dialect =
                soft_delete_runtime::backend::Dialect::Postgres;
            pub fn connect(test: &str, ddl: &str) -> Conn {
                crate::common::pg_connect(&format!("{}::{test}", module_path!()), ddl)
            }
            $suite!();
        }
        #[cfg(feature = "mysql")]
        mod mysql {
            #[allow(unused_imports)]
            use super::*;
            pub type Conn = diesel::MysqlConnection;
            #[allow(dead_code)]
            pub const DIALECT: soft_delete_runtime::backend::Dialect =
                soft_delete_runtime::backend::Dialect::Mysql;
            pub fn connect(test: &str, ddl: &str) -> Conn {
                crate::common::mysql_connect(&format!("{}::{test}", module_path!()), ddl)
            }
            $suite!();
        }
    };
}
pub(crate) use for_each_backend;
