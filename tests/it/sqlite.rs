//! Every topic on SQLite (always enabled), and the SQLite-only column type.

type Db = crate::common::db::Sqlite;
type Conn = <Db as crate::common::TestDb>::Conn;
#[cfg(feature = "async")]
type AsyncConn =
    diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;

#[path = "common/driver.rs"]
mod driver;
#[path = "common/rows.rs"]
mod rows;

#[cfg(feature = "async")]
#[path = "asynchronous/mod.rs"]
mod asynchronous;
#[path = "backends.rs"]
mod backends;
#[path = "cascade.rs"]
mod cascade;
#[path = "composite.rs"]
mod composite;
#[path = "fault_injection.rs"]
mod fault_injection;
#[path = "indexes.rs"]
mod indexes;
#[cfg(feature = "async")]
#[path = "invariants.rs"]
mod invariants;
#[path = "leaks.rs"]
mod leaks;
#[path = "model_based.rs"]
mod model_based;
#[path = "panics.rs"]
mod panics;
#[path = "policies.rs"]
mod policies;
#[path = "reads.rs"]
mod reads;
#[path = "record_truth.rs"]
mod record_truth;
#[path = "records.rs"]
mod records;
#[path = "single_table.rs"]
mod single_table;
#[cfg(feature = "async")]
#[path = "spawned.rs"]
mod spawned;
#[path = "split.rs"]
mod split;
#[path = "table_names.rs"]
mod table_names;
#[path = "views.rs"]
mod views;

mod types;
