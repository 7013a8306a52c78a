//! SQLite: a file-backed database in WAL mode under the temp directory, one file per section.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use soft_delete_runtime::backend::Dialect;

use crate::harness::{exec, BenchConn};

/// The connection [`hand`] and [`library`] are compiled for.
type Conn = diesel::SqliteConnection;

// Diesel's statements are not generic over the backend (their `QueryFragment` impls need a sealed
// Diesel trait), so each side is compiled once per connection type, on purpose.
/// The sync and async APIs on this backend (the async-vs-sync section).
#[cfg(feature = "async")]
#[allow(clippy::duplicate_mod)]
#[path = "both_apis.rs"]
mod both_apis;
/// The hand-written side on SQLite.
#[allow(clippy::duplicate_mod)]
#[path = "hand.rs"]
mod hand;
/// The library side on SQLite.
#[allow(clippy::duplicate_mod)]
#[path = "library.rs"]
mod library;
/// The live reads on this backend.
#[allow(clippy::duplicate_mod)]
#[path = "live.rs"]
mod live;

/// The diesel-async connection [`both_apis`] is compiled for.
#[cfg(feature = "async")]
type AsyncConn = diesel_async::sync_connection_wrapper::SyncConnectionWrapper<SqliteConnection>;

/// What `open` sets per connection (WAL mode stays with the file).
#[cfg(feature = "async")]
const ASYNC_SESSION: &str = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";

/// The file `open(name)` made.
#[cfg(feature = "async")]
fn async_url(name: &str) -> String {
    path(name).display().to_string()
}

fn dir() -> PathBuf {
    std::env::temp_dir().join(format!("soft_delete_bench_{}", std::process::id()))
}

/// The database file of section `name`.
fn path(name: &str) -> PathBuf {
    dir().join(format!("{name}.db"))
}

impl BenchConn for SqliteConnection {
    const NAME: &'static str = "sqlite";
    const DIALECT: Dialect = Dialect::Sqlite;
    const VERSION_SQL: &'static str = "sqlite_version()";
    const TUNE_TABLES: &'static str = "";

    /// A new file-backed database (any previous one of that name removed), WAL mode.
    fn open(name: &str) -> Self {
        let dir = dir();
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = path(name);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut conn =
            Self::establish(path.to_str().expect("utf-8 temp path")).expect("open SQLite file");
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON;",
        )
        .expect("pragmas");
        conn
    }

    fn cleanup() {
        let _ = std::fs::remove_dir_all(dir());
    }

    fn insert_series(target: &str, n: i64, select: &str) -> String {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
             INSERT INTO {target} SELECT {select} FROM s"
        )
    }

    fn ts_literal(t: &str) -> String {
        format!("'{t}'")
    }

    /// SQLite keeps no planner statistics unless asked, as most applications do.
    fn analyze(&mut self) {}

    /// Folds the WAL back into the database file.
    fn settle(&mut self) {
        exec(self, "PRAGMA wal_checkpoint(TRUNCATE);");
    }
}
