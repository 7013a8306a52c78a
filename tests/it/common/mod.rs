//! What every suite shares: the schema and models, the test databases, key-only model values,
//! dates, and a statement counter. `rows.rs` (reads on a backend's connection) is not a module
//! of this one: each backend module mounts it, like the suites.

pub mod db;
pub mod faults;
pub mod keys;
pub mod models;
pub mod schema;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::InstrumentationEvent;
use diesel::Connection;

pub use db::TestDb;

/// The moment `year-month-day hour:minute:second`.
pub fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, second))
        .expect("valid date")
}

/// Counts the statements a connection sends, through Diesel's instrumentation.
#[derive(Clone, Default)]
pub struct StatementCounter(Arc<AtomicUsize>);

impl StatementCounter {
    /// Starts counting the statements `conn` sends.
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

    /// Starts counting the statements a diesel-async connection sends.
    #[cfg(feature = "async")]
    pub fn attach_async<C: diesel_async::AsyncConnection>(conn: &mut C) -> StatementCounter {
        let counter = StatementCounter::default();
        let inner = counter.0.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                inner.fetch_add(1, Ordering::SeqCst);
            }
        });
        counter
    }

    /// The statements sent since the last call, and a fresh start.
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}
