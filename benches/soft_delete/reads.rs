//! 1. Reads: `Model::active().filter(..)` against `.filter(deleted_at.is_null())`, for a filtered
//!    scan, then per-post lookups and counts under three index set-ups.

use std::hint::black_box;

use criterion::Criterion;

use crate::harness::{enabled, exec, fresh, seed, BenchDb, Hidden, Sizes};
use crate::timing::{compare, fmt_d, recorded_median, Comparison};

/// The three index set-ups of `comments.post_id`, applied in turn: label and DDL.
const INDEX_SETUPS: [(&str, &str); 3] = [
    ("index", ""),
    (
        "partial_index",
        "DROP INDEX comments_post_id; \
         CREATE INDEX comments_post_id_live ON comments (post_id) WHERE deleted_at IS NULL;",
    ),
    ("no_index", "DROP INDEX comments_post_id_live;"),
];

/// Section 1: `reads/active_filter` over 100k comments, then [`lookups`].
pub fn reads<B: BenchDb>(c: &mut Criterion, sizes: &Sizes) {
    let (mut conn, _) = fresh::<B>("reads");
    // 1 author, 1,000 posts, 100,000 comments, half of them hidden.
    seed(&mut conn, 1, sizes.posts, 100, Hidden::HalfOfComments, true);
    let total = conn.count("comments");
    let lib_sql = B::lib_active_like_sql();
    println!(
        "SQL reads/active_filter {}: identical to hand-written = {}: {lib_sql}",
        B::NAME,
        lib_sql == B::hand_active_like_sql()
    );
    let live = conn.lib_active_like();
    println!(
        "DATA reads {}: {total} comments, {} returned by the filter",
        B::NAME,
        live.len()
    );
    compare(
        c,
        &mut conn,
        Comparison {
            name: "reads/active_filter",
            backend: B::NAME,
            setup: &mut |_| (),
            teardown: &mut |_| (),
        },
        &mut [
            ("lib", &mut |conn: &mut B, ()| {
                black_box(conn.lib_active_like());
            }),
            ("hand", &mut |conn: &mut B, ()| {
                black_box(conn.hand_active_like());
            }),
        ],
    );
    lookups(c, &mut conn, sizes);
}

/// Index lookups of the live comments of a few posts, and their counts (with the partial index,
/// an index-only count), under each of [`INDEX_SETUPS`].
fn lookups<B: BenchDb>(c: &mut Criterion, conn: &mut B, sizes: &Sizes) {
    let step = (sizes.posts as i32 / sizes.lookups).max(1);
    let targets: Vec<i32> = (0..sizes.lookups).map(|k| 1 + k * step).collect();
    for (label, ddl) in INDEX_SETUPS {
        if !ddl.is_empty() {
            exec(conn, ddl);
            conn.analyze();
        }
        let lookup = PerPost {
            what: "lookup",
            label,
            targets: &targets,
        };
        lookup.compare(
            c,
            conn,
            |conn, p| {
                black_box(conn.lib_lookup(p));
            },
            |conn, p| {
                black_box(conn.hand_lookup(p));
            },
        );
        let count = PerPost {
            what: "count",
            ..lookup
        };
        count.compare(
            c,
            conn,
            |conn, p| {
                black_box(conn.lib_count(p));
            },
            |conn, p| {
                black_box(conn.hand_count(p));
            },
        );
    }
}

/// Benchmark `reads/<what>_<label>`: each side runs once per post of `targets` per iteration.
#[derive(Clone, Copy)]
struct PerPost<'a> {
    what: &'a str,
    label: &'a str,
    targets: &'a [i32],
}

impl PerPost<'_> {
    /// Compares `lib` and `hand`, then prints the library's median per round (`INDEX reads/..`).
    fn compare<B: BenchDb>(
        self,
        c: &mut Criterion,
        conn: &mut B,
        lib: fn(&mut B, i32),
        hand: fn(&mut B, i32),
    ) {
        let PerPost {
            what,
            label,
            targets,
        } = self;
        let name = format!("reads/{what}_{label}");
        compare(
            c,
            conn,
            Comparison {
                name: &name,
                backend: B::NAME,
                setup: &mut |_| (),
                teardown: &mut |_| (),
            },
            &mut [
                ("lib", &mut |conn: &mut B, ()| {
                    targets.iter().for_each(|&p| lib(conn, p))
                }),
                ("hand", &mut |conn: &mut B, ()| {
                    targets.iter().for_each(|&p| hand(conn, p))
                }),
            ],
        );
        if enabled(&name) {
            println!(
                "INDEX reads/{what} {} {label}: lib {} per {} {what}s",
                B::NAME,
                fmt_d(recorded_median(&format!("{name}/{}/lib", B::NAME))),
                targets.len()
            );
        }
    }
}
