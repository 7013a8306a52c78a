//! 2. Cascade soft delete and restore of one author's tree (1 → 1,000 → 100,000 rows).

use std::hint::black_box;

use criterion::Criterion;

use crate::harness::{fresh, reset, seed, BenchDb, Hidden, Sizes};
use crate::models::Author;
use crate::timing::{compare, Comparison};

/// Section 2: `cascade/soft_delete` and `cascade/restore` of author 1's tree.
pub fn cascade<B: BenchDb>(c: &mut Criterion, sizes: &Sizes) {
    let (mut conn, _) = fresh::<B>("cascade");
    // Author 1: 1,000 posts, 100,000 comments; author 2 the same, untouched.
    seed(&mut conn, 2, sizes.posts, 100, Hidden::Nothing, true);
    println!(
        "CASCADE {}: author 1 -> {} posts -> {} comments (tables hold twice that)",
        B::NAME,
        sizes.posts,
        sizes.posts * 100
    );
    compare(
        c,
        &mut conn,
        Comparison {
            name: "cascade/soft_delete",
            backend: B::NAME,
            setup: &mut |conn: &mut B| {
                conn.settle();
                conn.author(1)
            },
            teardown: &mut |conn: &mut B| reset(conn),
        },
        &mut [
            ("lib", &mut |conn: &mut B, a: Author| {
                black_box(conn.lib_delete(a));
            }),
            ("hand", &mut |conn: &mut B, a: Author| {
                black_box(conn.hand_delete(a.id));
            }),
        ],
    );
    compare(
        c,
        &mut conn,
        Comparison {
            name: "cascade/restore",
            backend: B::NAME,
            setup: &mut |conn: &mut B| {
                let id = conn.hand_delete(1);
                conn.settle();
                id
            },
            teardown: &mut |_| (),
        },
        &mut [
            ("lib", &mut |conn: &mut B, id: i64| conn.lib_restore(id)),
            ("hand", &mut |conn: &mut B, id: i64| conn.hand_restore(id)),
        ],
    );
}
