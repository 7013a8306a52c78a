//! Measuring and printing: per-iteration samples, the criterion comparison with its interleaved
//! rounds, the `RATIO` line, durations, and the process's memory.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};

use crate::harness::{enabled, smoke};

thread_local! {
    static SAMPLES: RefCell<HashMap<String, Vec<Duration>>> = RefCell::new(HashMap::new());
}

fn record(key: &str, d: Duration) {
    SAMPLES.with(|s| s.borrow_mut().entry(key.to_owned()).or_default().push(d));
}

/// The median of `v` (zero when empty).
pub fn median_of(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

/// The median of every sample recorded under `key` (`<group>/<backend>/<variant>`).
pub fn recorded_median(key: &str) -> Duration {
    SAMPLES.with(|s| median_of(s.borrow().get(key).cloned().unwrap_or_default()))
}

/// `d` in s, ms or µs, as every printed line shows durations.
pub fn fmt_d(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn ratio(lib: Duration, hand: Duration) -> f64 {
    lib.as_secs_f64() / hand.as_secs_f64().max(1e-12)
}

/// `RATIO <name> <backend>: lib/hand (lib .., hand ..)`.
pub fn print_ratio(name: &str, backend: &str, lib: Duration, hand: Duration) {
    println!(
        "RATIO {name} {backend}: {:.2} (lib {}, hand {})",
        ratio(lib, hand),
        fmt_d(lib),
        fmt_d(hand)
    );
}

/// `(VmHWM, VmRSS)` of this process, in kB.
pub fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets VmHWM to the current RSS (Linux `clear_refs` value 5), so the next reading is the peak
/// of what follows.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Times `f` once.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// One variant of a comparison: a label (`lib` first, then `hand`, then any others) and the
/// operation, which gets what `setup` returned.
pub type Variant<'a, C, I> = (&'static str, &'a mut dyn FnMut(&mut C, I));

/// One comparison: criterion group `name` on `backend`, run on `conn`. Each iteration is
/// `setup` (untimed), a variant (timed), `teardown` (untimed).
pub struct Comparison<'a, C, I> {
    /// The criterion group, also the `RATIO` line's name and the section filter's key.
    pub name: &'a str,
    /// The backend's name ([`BenchConn::NAME`](crate::harness::BenchConn::NAME)).
    pub backend: &'a str,
    /// Brings the data to the starting state; its result goes to the variant.
    pub setup: &'a mut dyn FnMut(&mut C) -> I,
    /// Runs after each timed variant.
    pub teardown: &'a mut dyn FnMut(&mut C),
}

/// Runs `cmp` with one benchmark per variant (see [`measure`]) and prints its `RATIO` lines:
/// lib (the first variant) against `hand`, and against any further variant.
pub fn compare<C, I>(
    c: &mut Criterion,
    conn: &mut C,
    cmp: Comparison<'_, C, I>,
    variants: &mut [Variant<'_, C, I>],
) {
    if !enabled(cmp.name) {
        return;
    }
    let (name, backend) = (cmp.name, cmp.backend);
    let medians = measure(c, conn, cmp, variants);
    let lib = medians[0];
    for ((label, _), other) in variants.iter().zip(&medians).skip(1) {
        if *label == "hand" {
            print_ratio(name, backend, lib, *other);
        } else {
            print_ratio(&format!("{name}(vs {label})"), backend, lib, *other);
        }
    }
}

/// Runs `cmp` with one benchmark per variant and returns each variant's median time, in the
/// order of `variants`.
///
/// Criterion measures the variants one after the other, so a change in background load between
/// them (the machine is shared) would show up as a difference between them. After criterion's
/// measurement, interleaved rounds therefore run every variant once per round, in rotating
/// order (at least 5 rounds, more while under 2 s). A median is taken over all per-iteration
/// times recorded for a variant (criterion's warm-up and samples, and the interleaved rounds).
pub fn measure<C, I>(
    c: &mut Criterion,
    conn: &mut C,
    cmp: Comparison<'_, C, I>,
    variants: &mut [Variant<'_, C, I>],
) -> Vec<Duration> {
    let Comparison {
        name,
        backend,
        setup,
        teardown,
    } = cmp;
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat);
    let mut keys = Vec::new();
    for (label, op) in variants.iter_mut() {
        let id = format!("{backend}/{label}");
        let key = format!("{name}/{id}");
        group.bench_function(&id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input = setup(conn);
                    let t = Instant::now();
                    op(conn, input);
                    let d = t.elapsed();
                    teardown(conn);
                    record(&key, d);
                    total += d;
                }
                total
            })
        });
        keys.push(key);
    }
    group.finish();

    let paired = interleaved(conn, setup, teardown, variants);
    for (key, times) in keys.iter().zip(&paired) {
        for d in times {
            record(key, *d);
        }
    }
    keys.iter().map(|key| recorded_median(key)).collect()
}

/// The interleaved rounds after criterion's measurement: each variant's times, in its order.
fn interleaved<C, I>(
    conn: &mut C,
    setup: &mut dyn FnMut(&mut C) -> I,
    teardown: &mut dyn FnMut(&mut C),
    variants: &mut [Variant<'_, C, I>],
) -> Vec<Vec<Duration>> {
    let n = variants.len();
    let mut paired: Vec<Vec<Duration>> = vec![Vec::new(); n];
    let (min_rounds, budget) = if smoke() {
        (1, Duration::ZERO)
    } else {
        (5, Duration::from_secs(2))
    };
    let started = Instant::now();
    let mut round = 0;
    while round < min_rounds || (started.elapsed() < budget && round < 100) {
        for j in 0..n {
            let k = (round + j) % n;
            let input = setup(conn);
            let t = Instant::now();
            (variants[k].1)(conn, input);
            paired[k].push(t.elapsed());
            teardown(conn);
        }
        round += 1;
    }
    paired
}
