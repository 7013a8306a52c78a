//! 6. Index advice: cascades and a purge with and without the `deletion_id` indexes the runtime
//!    advises (`INDEX cascade` and `INDEX purge` lines).

use crate::harness::{
    create_deletion_indexes, drop_deletion_indexes, fresh, old_time, purge_cutoff, seed, BenchDb,
    Hidden, Sizes,
};
use crate::probe::Events;
use crate::scaling::{median_time, Rounds};
use crate::timing::{fmt_d, timed};

/// Section 6: two cascades and a purge, with and without the `deletion_id` indexes.
pub fn index_advice<B: BenchDb>(sizes: &Sizes) {
    // (a) the 100k cascade of benchmark 2: half of each table.
    // (b) a small cascade (one author, 10 posts, 1,000 comments) in a 1M-comment table.
    let (a_n, p_n, c_n) = sizes.advice;
    for (label, authors_n, posts_per, comments_per) in [
        ("half_of_table", 2, sizes.posts, 100),
        ("small_in_large", a_n, p_n, c_n),
    ] {
        let (mut conn, events) = fresh::<B>("advice");
        seed(
            &mut conn,
            authors_n,
            posts_per,
            comments_per,
            Hidden::Nothing,
            true,
        );
        let rows = 1 + posts_per + posts_per * comments_per;
        let total = authors_n * posts_per * comments_per + authors_n * posts_per + authors_n;
        for indexed in [true, false] {
            if !indexed {
                drop_deletion_indexes(&mut conn);
                conn.analyze();
                conn.settle();
            }
            cascade_line(&mut conn, &events, label, rows, total, indexed);
        }
        if label == "small_in_large" {
            purge_lines(&mut conn, label);
        }
    }
}

/// The median of 3 rounds of author 1's cascade, printed as one `INDEX cascade` line.
fn cascade_line<B: BenchDb>(
    conn: &mut B,
    events: &Events,
    label: &str,
    rows: i64,
    total: i64,
    indexed: bool,
) {
    let mut runs = Rounds::default();
    for _ in 0..3 {
        runs.push(conn, events, false);
    }
    println!(
        "INDEX cascade {} {label} ({rows} of {total} rows) deletion_id index={}: \
         lib soft_delete {}, restore {}; hand soft_delete {}, restore {}",
        B::NAME,
        yes_no(indexed),
        fmt_d(median_time(&runs.lib_d)),
        fmt_d(median_time(&runs.lib_r)),
        fmt_d(median_time(&runs.hand_d)),
        fmt_d(median_time(&runs.hand_r)),
    );
}

/// Purge of 20 authors' posts (and their comments), hidden long ago, in batches of 50 posts:
/// with the indexes, then (other authors) without.
fn purge_lines<B: BenchDb>(conn: &mut B, label: &str) {
    create_deletion_indexes(conn);
    conn.analyze();
    for (indexed, first) in [(true, 1), (false, 21)] {
        if !indexed {
            drop_deletion_indexes(conn);
            conn.analyze();
        }
        for id in first..first + 20 {
            let a = conn.author(id);
            conn.lib_delete_at(a, old_time());
        }
        conn.settle();
        let (report, t) = timed(|| conn.lib_purge(purge_cutoff(), 50));
        println!(
            "INDEX purge {} {label} ({} rows, {} batches) deletion_id index={}: {}",
            B::NAME,
            report.removed.total(),
            report.batches,
            yes_no(indexed),
            fmt_d(t),
        );
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}
