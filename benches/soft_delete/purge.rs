//! 5. Purge of 1M hidden rows (posts and their comments), by the library and by hand, at two
//!    batch sizes, with the recommended indexes: timed runs on a freshly seeded database each
//!    (`PURGE` lines).

use std::time::Duration;

use crate::harness::{exec, fresh, purge_cutoff, seed, smoke, BenchDb, Hidden, Sizes};
use crate::probe::print_profile;
use crate::timing::{fmt_d, median_of, print_ratio, timed};

/// Section 5: library and hand-written purges at each batch size, then their `RATIO`.
pub fn purge<B: BenchDb>(sizes: &Sizes) {
    // lib, hand, hand, lib: each side runs once early and once late.
    let order: &[&str] = if smoke() {
        &["lib", "hand"]
    } else {
        &["lib", "hand", "hand", "lib"]
    };
    for batch in sizes.purge_batches {
        let mut lib_times = Vec::new();
        let mut hand_times = Vec::new();
        for (run, &side) in order.iter().enumerate() {
            let time = purge_run::<B>(sizes, side, batch, run, run == 0);
            if side == "lib" {
                lib_times.push(time);
            } else {
                hand_times.push(time);
            }
        }
        print_ratio(
            &format!("purge/batch_{batch}"),
            B::NAME,
            median_of(lib_times),
            median_of(hand_times),
        );
    }
}

/// Run `run` (0-based): seeds, purges by `side` in batches of `batch` posts, prints its `PURGE`
/// line (and with `profile` the library's `PROFILE` lines), and returns the purge's time.
fn purge_run<B: BenchDb>(
    sizes: &Sizes,
    side: &str,
    batch: u32,
    run: usize,
    profile: bool,
) -> Duration {
    let (authors_n, posts_per, comments_per) = sizes.purge;
    let (mut conn, events) = fresh::<B>("purge");
    seed(
        &mut conn,
        authors_n,
        posts_per,
        comments_per,
        Hidden::PostsAndComments,
        true,
    );
    // The schema BENCHMARKS.md advises, on both sides: the live index on `comments.post_id`
    // serves the purge's live-row check.
    let recommended = soft_delete_runtime::migration::recommended_indexes(B::DIALECT);
    exec(&mut conn, &recommended.join("\n"));
    conn.analyze();
    conn.settle();
    events.take_transactions();
    events.capture(profile);
    let ((rows, batches), time) = timed(|| {
        if side == "lib" {
            let report = conn.lib_purge(purge_cutoff(), batch);
            (report.removed.total(), report.batches)
        } else {
            conn.hand_purge(purge_cutoff(), i64::from(batch))
        }
    });
    events.capture(false);
    if profile {
        print_profile(
            &format!("{} lib purge batch_size={batch}", B::NAME),
            events.take_sql(),
        );
    }
    let tx = events.take_transactions();
    let longest = tx.iter().max().copied().unwrap_or_default();
    let left = conn.count("comments") + conn.count("posts");
    println!(
        "PURGE {} {side} batch_size={batch} run {}: {rows} rows in {} = {:.0} rows/s; \
         {batches} batches, {} transactions, longest {}, median {}; rows left {left}",
        B::NAME,
        run + 1,
        fmt_d(time),
        rows as f64 / time.as_secs_f64(),
        tx.len(),
        fmt_d(longest),
        fmt_d(median_of(tx.clone())),
    );
    time
}
