//! MariaDB/MySQL (feature `mysql`, server at `MYSQL_DATABASE_URL`): database `sd_bench`,
//! re-created for each section and dropped at the end. Only the live reads (and, with feature
//! `async`, the async-vs-sync section) run here: the hand-written side of the other sections
//! uses `RETURNING`, which MySQL lacks.

use diesel::connection::SimpleConnection;
use diesel::{Connection, MysqlConnection};
use soft_delete_runtime::backend::Dialect;

use crate::harness::{exec, BenchConn};

/// The connection [`live`] is compiled for.
type Conn = diesel::MysqlConnection;

/// The sync and async APIs on this backend (the async-vs-sync section).
#[cfg(feature = "async")]
#[allow(clippy::duplicate_mod)]
#[path = "both_apis.rs"]
mod both_apis;
/// The live reads on MariaDB/MySQL.
#[allow(clippy::duplicate_mod)]
#[path = "live.rs"]
mod live;

/// The diesel-async connection [`both_apis`] is compiled for.
#[cfg(feature = "async")]
type AsyncConn = diesel_async::AsyncMysqlConnection;

/// What `open` sets for the session.
#[cfg(feature = "async")]
const ASYNC_SESSION: &str = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT')";

/// The URL naming database `sd_bench`.
#[cfg(feature = "async")]
fn async_url(_name: &str) -> String {
    urls().1
}

const DATABASE: &str = "sd_bench";

/// The server's URL, and the same URL naming database `sd_bench`.
fn urls() -> (String, String) {
    let url = std::env::var("MYSQL_DATABASE_URL").expect("MYSQL_DATABASE_URL");
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    let bench = format!("{base}/{DATABASE}");
    (url, bench)
}

impl BenchConn for MysqlConnection {
    const NAME: &'static str = "mariadb";
    const DIALECT: Dialect = Dialect::Mysql;
    const VERSION_SQL: &'static str = "version()";
    const TUNE_TABLES: &'static str = "";

    /// A connection to a freshly re-created database `sd_bench`, `||` concatenating.
    fn open(_name: &str) -> Self {
        let (url, bench) = urls();
        let mut admin = Self::establish(&url).expect("connect to MySQL");
        admin
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE};"
            ))
            .expect("database");
        let mut conn = Self::establish(&bench).expect("connect to the bench database");
        // The sections build text with `||`, as on the other backends.
        exec(
            &mut conn,
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT')",
        );
        conn
    }

    fn cleanup() {
        if let Ok(mut conn) = Self::establish(&urls().0) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {DATABASE}"));
        }
    }

    /// MariaDB's sequence engine (`seq_1_to_n`).
    fn insert_series(target: &str, n: i64, select: &str) -> String {
        format!(
            "INSERT INTO {target} SELECT {select} FROM (SELECT seq AS i FROM seq_1_to_{n}) AS s"
        )
    }

    fn ts_literal(t: &str) -> String {
        format!("TIMESTAMP '{t}'")
    }

    /// Index statistics after a bulk load (InnoDB samples them itself over time).
    fn analyze(&mut self) {
        exec(self, "ANALYZE TABLE authors, posts, comments");
    }

    /// InnoDB purges old row versions in the background; nothing to do.
    fn settle(&mut self) {}
}
