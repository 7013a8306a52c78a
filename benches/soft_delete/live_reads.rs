//! 7. Live reads at scale: what the live filter costs a read, and what the runtime's
//!    recommended indexes (`migration::recommended_indexes`) save (`READS` lines).
//!
//! The blog tree with comments interleaved across posts, as real comments arrive (comment `i`
//! belongs to post `i mod posts`, so a post's comments lie on different pages), at 0 % and
//! 50 % hidden; the hidden half is hidden by the library in many small changesets (one per 200
//! ids, each hiding every second run of 7 ids). Four reads — one author's comments through a
//! join, and their count; a page of 20 comments by id; the comment count of each of 20 posts —
//! each run filtered to live rows and unfiltered on the same tables: the ratio filtered / unfiltered is the cost of soft delete to
//! that read. First with the foreign-key indexes only, then with the recommended indexes added.

use std::hint::black_box;

use criterion::Criterion;

use crate::harness::{exec, fresh, BenchConn, Sizes};
use crate::schema::FK_INDEXES;
use crate::sides::LiveReads;
use crate::timing::{fmt_d, measure, Comparison};

/// Posts per author.
const POSTS_PER_AUTHOR: i64 = 10;
/// Ids per hiding changeset.
const CHANGESET_SPAN: i64 = 200;

/// Section 7: every scale of `sizes.live_reads`, at 0 % and 50 % hidden.
pub fn live_reads<B: BenchConn + LiveReads>(c: &mut Criterion, sizes: &Sizes) {
    let recommended = soft_delete_runtime::migration::recommended_indexes(B::DIALECT);
    for sql in &recommended {
        println!("SQL recommended index {}: {sql}", B::NAME);
    }
    for &(authors, per_post) in &sizes.live_reads {
        for hidden in [false, true] {
            let (mut conn, _) = fresh::<B>("live_reads");
            let data = seed(&mut conn, authors, per_post, hidden);
            for indexes in ["fk", "recommended"] {
                if indexes == "recommended" {
                    exec(&mut conn, &recommended.join("\n"));
                    conn.analyze();
                    conn.settle();
                }
                reads(c, &mut conn, &data, indexes);
            }
        }
    }
}

/// What was seeded, and the targets of the reads.
struct Data {
    comments: i64,
    hidden_pct: i64,
    author: i32,
    page_after: i32,
    posts: Vec<i32>,
}

/// `authors` authors x 10 posts x `per_post` comments, interleaved; with `hidden`, half the
/// comments hidden by changesets of [`CHANGESET_SPAN`] ids. Then the foreign-key indexes.
fn seed<B: BenchConn + LiveReads>(conn: &mut B, authors: i64, per_post: i64, hidden: bool) -> Data {
    let posts = authors * POSTS_PER_AUTHOR;
    let comments = posts * per_post;
    exec(
        conn,
        &B::insert_series(
            "authors (id, name, deleted_at, deletion_id)",
            authors,
            "i, 'author ' || i, NULL, NULL",
        ),
    );
    exec(
        conn,
        &B::insert_series(
            "posts (id, author_id, title, deleted_at, deletion_id)",
            posts,
            // `(i - 1) div 10 + 1`, written so MySQL's decimal `/` divides exactly too.
            &format!(
                "i, ((i - 1) - (i - 1) % {POSTS_PER_AUTHOR}) / {POSTS_PER_AUTHOR} + 1, \
                 'post title ' || i, NULL, NULL"
            ),
        ),
    );
    exec(
        conn,
        &B::insert_series(
            "comments (id, post_id, body, deleted_at, deletion_id)",
            comments,
            &format!(
                "i, (i - 1) % {posts} + 1, 'a comment of modest length, number ' || i, NULL, NULL"
            ),
        ),
    );
    exec(conn, FK_INDEXES);
    let mut changesets = 0;
    let mut hidden_rows = 0;
    if hidden {
        let mut first = 1;
        while first <= comments {
            let last = (first + CHANGESET_SPAN - 1).min(comments);
            hidden_rows += conn.hide_comments(first as i32, last as i32);
            changesets += 1;
            first = last + 1;
        }
    }
    conn.analyze();
    conn.settle();
    let hidden_pct = (hidden_rows * 100 + comments / 2) / comments.max(1);
    println!(
        "DATA live_reads {}: {authors} authors, {posts} posts, {comments} comments interleaved; \
         {hidden_rows} hidden ({hidden_pct} %) by {changesets} changesets",
        B::NAME
    );
    let first_post = (posts / 2).max(1) as i32;
    let page = 20.min(posts) as i32;
    Data {
        comments,
        hidden_pct,
        author: (authors / 2).max(1) as i32,
        page_after: (comments / 2) as i32,
        posts: (first_post..first_post + page).collect(),
    }
}

/// The reads under the current indexes, each a `READS` line.
fn reads<B: BenchConn + LiveReads>(c: &mut Criterion, conn: &mut B, data: &Data, indexes: &str) {
    let Data {
        author,
        page_after,
        ref posts,
        ..
    } = *data;
    read(
        c,
        conn,
        data,
        indexes,
        "author_comments",
        &mut |conn, live| {
            black_box(conn.author_comments(author, live));
        },
    );
    read(
        c,
        conn,
        data,
        indexes,
        "author_comment_count",
        &mut |conn, live| {
            black_box(conn.author_comment_count(author, live));
        },
    );
    read(c, conn, data, indexes, "page_of_20", &mut |conn, live| {
        black_box(conn.comment_page(page_after, live));
    });
    read(
        c,
        conn,
        data,
        indexes,
        "count_per_post",
        &mut |conn, live| {
            black_box(conn.counts_per_post(posts, live));
        },
    );
}

/// One read, filtered and unfiltered: `READS <read> <backend> comments=.. hidden=..%
/// indexes=..: filtered/unfiltered <ratio> (filtered .., unfiltered ..)`.
fn read<B: BenchConn + LiveReads>(
    c: &mut Criterion,
    conn: &mut B,
    data: &Data,
    indexes: &str,
    what: &str,
    op: &mut dyn FnMut(&mut B, bool),
) {
    let name = format!(
        "live_reads/{what}_{}_hidden{}_{indexes}",
        data.comments, data.hidden_pct
    );
    if !crate::harness::enabled(&name) {
        return;
    }
    let op = std::cell::RefCell::new(op);
    let medians = measure(
        c,
        conn,
        Comparison {
            name: &name,
            backend: B::NAME,
            setup: &mut |_| (),
            teardown: &mut |_| (),
        },
        &mut [
            ("filtered", &mut |conn: &mut B, ()| {
                (op.borrow_mut())(conn, true)
            }),
            ("unfiltered", &mut |conn: &mut B, ()| {
                (op.borrow_mut())(conn, false)
            }),
        ],
    );
    let (filtered, unfiltered) = (medians[0], medians[1]);
    println!(
        "READS {what} {} comments={} hidden={}% indexes={indexes}: filtered/unfiltered {:.2} \
         (filtered {}, unfiltered {})",
        B::NAME,
        data.comments,
        data.hidden_pct,
        filtered.as_secs_f64() / unfiltered.as_secs_f64().max(1e-12),
        fmt_d(filtered),
        fmt_d(unfiltered),
    );
}
