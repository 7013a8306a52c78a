//! Points in time as the record and the markers store them: UTC, microsecond precision.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// A point in time in both forms the backends bind (`Timestamp` and `Timestamptz` columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    pub(crate) naive: NaiveDateTime,
    pub(crate) utc: DateTime<Utc>,
}

impl Instant {
    pub(crate) fn new(naive: NaiveDateTime) -> Self {
        Instant {
            naive,
            utc: naive.and_utc(),
        }
    }
}

/// The current UTC time, truncated to microseconds (the precision every backend stores).
pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// `at` truncated to microseconds, so what is returned equals what is stored.
pub(crate) fn normalize(at: Option<NaiveDateTime>) -> NaiveDateTime {
    at.map(|t| t.trunc_subsecs(6)).unwrap_or_else(now)
}
