//! 3. Scaling: soft delete and restore of one author's tree at 10k, 100k and 1M comments, timed
//!    outside criterion with statement counts and memory (`SCALE` lines), and the engine's SQL
//!    (`SQL`) and per-statement profile (`PROFILE`).

use std::time::Duration;

use crate::harness::{fresh, seed, BenchDb, Hidden, Sizes};
use crate::probe::{print_profile, Events};
use crate::timing::{fmt_d, median_of, memory, print_ratio, reset_peak, timed};

/// One measured operation.
pub struct Run {
    time: Duration,
    /// Statements sent, `BEGIN` and `COMMIT` included.
    statements: usize,
    /// VmHWM after the operation minus VmRSS before it, in kB (peak growth).
    peak_growth: i64,
    /// VmRSS before and after, in kB.
    rss: (u64, u64),
}

fn measure(events: &Events, f: impl FnOnce()) -> Run {
    events.take_statements();
    reset_peak();
    let (_, rss_before) = memory();
    let ((), time) = timed(f);
    let (hwm_after, rss_after) = memory();
    Run {
        time,
        statements: events.take_statements(),
        peak_growth: hwm_after as i64 - rss_before as i64,
        rss: (rss_before, rss_after),
    }
}

/// SQL captured during one operation, with each statement's duration.
type Captured = Vec<(String, Duration)>;

/// Soft delete and restore of author 1's tree, by the library and by hand, measured
/// round after round; the database settles after every operation.
#[derive(Default)]
pub struct Rounds {
    pub lib_d: Vec<Run>,
    pub lib_r: Vec<Run>,
    pub hand_d: Vec<Run>,
    pub hand_r: Vec<Run>,
}

impl Rounds {
    /// One round. With `capture`, returns the SQL of the library's two operations.
    pub fn push<B: BenchDb>(
        &mut self,
        conn: &mut B,
        events: &Events,
        capture: bool,
    ) -> [(&'static str, Captured); 2] {
        let a = conn.author(1);
        let mut id = 0;
        events.capture(capture);
        self.lib_d.push(measure(events, || id = conn.lib_delete(a)));
        events.capture(false);
        let deleted = events.take_sql();
        conn.settle();
        events.capture(capture);
        self.lib_r.push(measure(events, || conn.lib_restore(id)));
        events.capture(false);
        let restored = events.take_sql();
        conn.settle();
        self.hand_d
            .push(measure(events, || id = conn.hand_delete(1)));
        conn.settle();
        self.hand_r.push(measure(events, || conn.hand_restore(id)));
        conn.settle();
        [("soft_delete", deleted), ("restore", restored)]
    }
}

/// The median time of `runs`.
pub fn median_time(runs: &[Run]) -> Duration {
    median_of(runs.iter().map(|r| r.time).collect())
}

/// The smallest scale lists the engine's SQL; the next one shows where its time goes.
fn report_capture<B: BenchDb>(scale: usize, op: &str, comments: i64, captured: Captured) {
    if scale == 0 {
        for (sql, _) in captured {
            println!("SQL lib {op} {}: {sql}", B::NAME);
        }
    } else if !captured.is_empty() {
        print_profile(
            &format!("{} lib {op} comments={comments}", B::NAME),
            captured,
        );
    }
}

/// Section 3: three scales, each on a fresh database, reported as `SCALE` and `RATIO` lines.
pub fn scaling<B: BenchDb>(sizes: &Sizes) {
    println!(
        "SCALING {}: VmHWM reset before each operation: {}",
        B::NAME,
        reset_peak()
    );
    for (k, &per_post) in sizes.scales.iter().enumerate() {
        let (mut conn, events) = fresh::<B>("scaling");
        seed(&mut conn, 2, sizes.posts, per_post, Hidden::Nothing, true);
        let comments = sizes.posts * per_post;
        let rows = 1 + sizes.posts + comments;
        let mut runs = Rounds::default();
        for run in 0..sizes.scale_runs[k] {
            let captured = runs.push(&mut conn, &events, k < 2 && run == 0);
            for (op, sql) in captured {
                report_capture::<B>(k, op, comments, sql);
            }
        }
        let Rounds {
            mut lib_d,
            mut lib_r,
            mut hand_d,
            mut hand_r,
        } = runs;
        report_scale::<B>("soft_delete", comments, rows, &mut lib_d, &mut hand_d);
        report_scale::<B>("restore", comments, rows, &mut lib_r, &mut hand_r);
    }
}

/// The `SCALE` and `RATIO scaling/..` lines of operation `op` at one scale, from the median runs.
fn report_scale<B: BenchDb>(op: &str, comments: i64, rows: i64, lib: &mut [Run], hand: &mut [Run]) {
    lib.sort_by_key(|r| r.time);
    hand.sort_by_key(|r| r.time);
    let l = &lib[lib.len() / 2];
    let h = &hand[hand.len() / 2];
    let peak = lib.iter().map(|r| r.peak_growth).max().unwrap_or(0);
    let per_row = |r: &Run| r.time.as_nanos() as f64 / rows as f64;
    println!(
        "SCALE {} {op} comments={comments} rows={rows}: \
         lib {} ({:.0} ns/row, {} statements, peak RSS growth {peak} kB, VmRSS {} -> {} kB); \
         hand {} ({:.0} ns/row, {} statements)",
        B::NAME,
        fmt_d(l.time),
        per_row(l),
        l.statements,
        l.rss.0,
        l.rss.1,
        fmt_d(h.time),
        per_row(h),
        h.statements,
    );
    print_ratio(&format!("scaling/{op}_{comments}"), B::NAME, l.time, h.time);
}
