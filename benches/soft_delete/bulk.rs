//! 4. Bulk `soft_delete_where` against the hand-written changeset + UPDATEs, and against the
//!    bare UPDATE a plain `deleted_at` column needs.

use std::hint::black_box;

use criterion::Criterion;

use crate::harness::{exec, fresh, seed, BenchDb, Hidden, Sizes};
use crate::timing::{compare, Comparison};

/// Section 4: `bulk/soft_delete_where` on half of the posts, against `hand` and `bare UPDATE`.
pub fn bulk<B: BenchDb>(c: &mut Criterion, sizes: &Sizes) {
    let (mut conn, _) = fresh::<B>("bulk");
    let (authors_n, posts_per) = sizes.bulk;
    seed(&mut conn, authors_n, posts_per, 0, Hidden::Nothing, true);
    let max_author = (authors_n / 2) as i32;
    println!(
        "BULK {}: {} of {} posts match author_id <= {max_author}; comments table empty",
        B::NAME,
        max_author as i64 * posts_per,
        authors_n * posts_per
    );
    compare(
        c,
        &mut conn,
        Comparison {
            name: "bulk/soft_delete_where",
            backend: B::NAME,
            setup: &mut |conn: &mut B| conn.settle(),
            teardown: &mut |conn: &mut B| reset_bulk(conn),
        },
        &mut [
            ("lib", &mut |conn: &mut B, ()| {
                black_box(conn.lib_bulk(max_author));
            }),
            ("hand", &mut |conn: &mut B, ()| conn.hand_bulk(max_author)),
            ("bare UPDATE", &mut |conn: &mut B, ()| {
                conn.bare_bulk(max_author)
            }),
        ],
    );
}

/// Every post live again.
fn reset_bulk<B: BenchDb>(conn: &mut B) {
    exec(
        conn,
        "UPDATE posts SET deleted_at = NULL, deletion_id = NULL WHERE deleted_at IS NOT NULL",
    );
}
