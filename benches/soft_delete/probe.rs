//! The connection's instrumentation: statements counted, captured and timed, and the duration
//! of each top-level transaction; `PROFILE` lines from what it captured.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::InstrumentationEvent;
use diesel::Connection;

use crate::timing::fmt_d;

/// What the connection's instrumentation saw: statements sent, their SQL and duration when
/// capturing, and the duration of each top-level transaction (from `BEGIN` to the end of
/// `COMMIT`).
#[derive(Default)]
struct Probe {
    statements: usize,
    capture: bool,
    sql: Vec<(String, Duration)>,
    query_start: Option<Instant>,
    tx_start: Option<Instant>,
    ending: bool,
    transactions: Vec<Duration>,
}

/// A handle on a connection's [`Probe`], shared with its instrumentation.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Probe>>);

impl Events {
    /// Instruments `conn`; the returned handle reads what it records.
    pub fn attach<C: Connection>(conn: &mut C) -> Events {
        let events = Events::default();
        conn.set_instrumentation(events.handler());
        events
    }

    /// Instruments diesel-async connection `conn` in the same way.
    #[cfg(feature = "async")]
    pub fn attach_async<C: diesel_async::AsyncConnection>(conn: &mut C) -> Events {
        let events = Events::default();
        conn.set_instrumentation(events.handler());
        events
    }

    /// The instrumentation that records into this handle's probe.
    fn handler(&self) -> impl FnMut(InstrumentationEvent<'_>) + Send + 'static {
        let inner = self.0.clone();
        move |event: InstrumentationEvent<'_>| {
            let mut p = inner.lock().expect("probe");
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    p.statements += 1;
                    if p.capture {
                        p.sql.push((query.to_string(), Duration::ZERO));
                        p.query_start = Some(Instant::now());
                    }
                }
                InstrumentationEvent::FinishQuery { .. } => {
                    if let Some(start) = p.query_start.take() {
                        if let Some(last) = p.sql.last_mut() {
                            last.1 = start.elapsed();
                        }
                    }
                    if p.ending {
                        p.ending = false;
                        if let Some(start) = p.tx_start.take() {
                            p.transactions.push(start.elapsed());
                        }
                    }
                }
                InstrumentationEvent::BeginTransaction { depth, .. } if depth.get() == 1 => {
                    p.tx_start = Some(Instant::now());
                }
                InstrumentationEvent::CommitTransaction { depth, .. }
                | InstrumentationEvent::RollbackTransaction { depth, .. }
                    if depth.get() == 1 =>
                {
                    p.ending = true;
                }
                _ => {}
            }
        }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Probe> {
        self.0.lock().expect("probe")
    }
    /// Statements started since the last call.
    pub fn take_statements(&self) -> usize {
        std::mem::take(&mut self.lock().statements)
    }
    /// Starts or stops capturing each statement's SQL and duration.
    pub fn capture(&self, on: bool) {
        self.lock().capture = on;
    }
    /// The statements captured since the last call.
    pub fn take_sql(&self) -> Vec<(String, Duration)> {
        std::mem::take(&mut self.lock().sql)
    }
    /// Durations of the top-level transactions finished since the last call.
    pub fn take_transactions(&self) -> Vec<Duration> {
        std::mem::take(&mut self.lock().transactions)
    }
}

/// Prints where the time of captured statements went: per statement text (binds stripped),
/// total time and count, longest first.
pub fn print_profile(label: &str, captured: Vec<(String, Duration)>) {
    let mut by_sql: Vec<(String, Duration, usize)> = Vec::new();
    for (sql, d) in captured {
        let text = sql.split(" -- binds").next().unwrap_or("").to_owned();
        match by_sql.iter_mut().find(|(t, _, _)| *t == text) {
            Some(entry) => {
                entry.1 += d;
                entry.2 += 1;
            }
            None => by_sql.push((text, d, 1)),
        }
    }
    by_sql.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (text, d, n) in by_sql {
        println!("PROFILE {label}: {:>9} x{n} {text}", fmt_d(d));
    }
}
