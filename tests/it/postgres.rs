//! Every topic on PostgreSQL (feature `postgres`, server at `PG_DATABASE_URL`), and the tests
//! only PostgreSQL runs: its column types, the engine's isolation levels, killed sessions.

type Db = crate::common::db::Postgres;
type Conn = <Db as crate::common::TestDb>::Conn;
#[cfg(feature = "async")]
type AsyncConn = diesel_async::AsyncPgConnection;

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
#[path = "concurrency.rs"]
mod concurrency;
#[path = "fault_injection.rs"]
mod fault_injection;
#[path = "indexes.rs"]
mod indexes;
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
#[path = "qualified.rs"]
mod qualified;
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

mod isolation;
mod session_kill;
mod types;
