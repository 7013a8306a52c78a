//! The leak catalogue: every way a query is known to reach hidden rows (or to stay clean), each
//! pinned by a test on every backend. A test named `..._leaks` shows the leak with plain Diesel;
//! the same test shows the query that does not leak.
//!
//! The data: author 1 has posts 1 ("x") and 2 ("y"), author 2 has post 3 ("x"); post 1 has
//! comments 1, 2, 3, post 2 comment 4, post 3 comment 5. Post 2 is hidden (with comment 4, by
//! the cascade) and comment 3 is hidden alone. Author 3 ("quiet") has one post, 4, hidden.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::driver::{Api, SyncApi};
use super::rows::{author, comment, post};
use super::Conn;
use crate::common::keys;
use crate::common::models::*;
use crate::common::schema::*;

type Backend = <Conn as diesel::Connection>::Backend;

struct Hidden {
    post_2: Changeset,
    comment_3: Changeset,
}

fn at(minute: u32) -> chrono::NaiveDateTime {
    crate::common::at(2022, 6, 1, 10, minute, 0)
}

/// A fresh database for `test` holding the data described at the top of this file.
fn seed<D: Api>(test: &str) -> (D, Hidden) {
    let mut d = D::open(&format!("{}::{test}", module_path!()), &ddl());
    d.conn()
        .batch_execute(
            "INSERT INTO authors (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'quiet');
         INSERT INTO posts (id, author_id, title)
             VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'x'), (4, 3, 'z');
         INSERT INTO comments (id, post_id, body)
             VALUES (1, 1, 'c1'), (2, 1, 'c2'), (3, 1, 'c3'), (4, 2, 'c4'), (5, 3, 'c5');",
        )
        .expect("seed");
    let post_2 = d
        .soft_delete_with(&keys::post(2), DeleteOptions::new().at(at(1)))
        .expect("hide post 2");
    let comment_3 = d
        .soft_delete_with(&keys::comment(3), DeleteOptions::new().at(at(2)))
        .expect("hide comment 3");
    d.soft_delete_with(&keys::post(4), DeleteOptions::new().at(at(3)))
        .expect("hide post 4");
    (d, Hidden { post_2, comment_3 })
}

/// GORM #3627 / #4914: an OR written after the soft-delete condition escapes it. With
/// Diesel, `.active().or_filter(..)` is `live AND a OR b` and reaches hidden rows;
/// `.active()` applied last wraps everything before it: `(a OR b) AND live`.
fn or_filter_after_active_leaks_and_active_last_does_not_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_or_filter");
    let widened: Vec<i32> = Post::active()
        .filter(posts::title.eq("x"))
        .or_filter(posts::title.eq("y"))
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("widened");
    assert_eq!(
        widened,
        vec![1, 2, 3],
        "pinned: the OR after .active() reaches hidden post 2"
    );

    let safe: Vec<i32> = posts::table
        .filter(posts::title.eq("x"))
        .or_filter(posts::title.eq("y"))
        .active()
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("safe");
    assert_eq!(safe, vec![1, 3], ".active() last keeps hidden rows out");

    // Dynamic filters on a boxed query: the same rule.
    let mut boxed = posts::table.into_boxed::<Backend>();
    for title in ["x", "y"] {
        boxed = boxed.or_filter(posts::title.eq(title));
    }
    let boxed_safe: Vec<i32> = boxed
        .active()
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("boxed");
    assert_eq!(boxed_safe, vec![1, 3]);
    let mut boxed_leaky = Post::active().into_boxed::<Backend>();
    for title in ["x", "y"] {
        boxed_leaky = boxed_leaky.or_filter(posts::title.eq(title));
    }
    let leaked: Vec<i32> = boxed_leaky
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("boxed");
    assert_eq!(
        leaked,
        vec![1, 2, 3],
        "pinned: or_filter after a boxed .active() widens too"
    );
}

/// `.active()` is a WHERE condition, so it applies before ORDER BY / LIMIT whatever the
/// order the methods were called in: "the first post" skips hidden ones.
fn limit_before_active_still_counts_live_rows_only_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_limit");
    let first_after_1: Vec<i32> = posts::table
        .filter(posts::id.gt(1))
        .order(posts::id)
        .limit(1)
        .active()
        .select(posts::id)
        .load(d.conn())
        .expect("first");
    assert_eq!(
        first_after_1,
        vec![3],
        "hidden post 2 is skipped, not returned or counted"
    );
}

/// A join reads the joined table's hidden rows unless that table is filtered too.
fn join_leaks_hidden_rows_of_the_joined_table_unless_filtered_with_is_live_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_join");
    let leaky: Vec<(i32, i32)> = Author::active()
        .inner_join(posts::table)
        .select((authors::id, posts::id))
        .order(posts::id)
        .load(d.conn())
        .expect("leaky");
    assert_eq!(
        leaky,
        vec![(1, 1), (1, 2), (2, 3), (3, 4)],
        "pinned: hidden posts 2 and 4 come through the join"
    );

    let live: Vec<(i32, i32)> = Author::active()
        .inner_join(posts::table)
        .filter(Post::is_live())
        .select((authors::id, posts::id))
        .order(posts::id)
        .load(d.conn())
        .expect("live");
    assert_eq!(live, vec![(1, 1), (2, 3)]);

    // Three tables: every joined table needs its own condition.
    let comments_of_live_posts: Vec<i32> = comments::table
        .inner_join(posts::table.inner_join(authors::table))
        .filter(Comment::is_live())
        .filter(Post::is_live())
        .filter(Author::is_live())
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("three tables");
    assert_eq!(comments_of_live_posts, vec![1, 2, 5]);
}

/// In a LEFT JOIN the live condition of the joined table belongs in the ON clause: in
/// WHERE it drops the parents whose children are all hidden.
fn left_join_takes_is_live_in_the_on_clause_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_left_join");
    let in_on: Vec<(i32, Option<i32>)> = Author::active()
        .left_join(posts::table.on(posts::author_id.eq(authors::id).and(Post::is_live())))
        .select((authors::id, posts::id.nullable()))
        .order((authors::id, posts::id))
        .load(d.conn())
        .expect("on");
    assert_eq!(
        in_on,
        vec![(1, Some(1)), (2, Some(3)), (3, None)],
        "author 3 listed without posts"
    );

    let in_where: Vec<(i32, Option<i32>)> = Author::active()
        .left_join(posts::table)
        .filter(Post::is_live())
        .select((authors::id, posts::id.nullable()))
        .order((authors::id, posts::id))
        .load(d.conn())
        .expect("where");
    assert_eq!(
        in_where,
        vec![(1, Some(1)), (2, Some(3))],
        "pinned: in WHERE, author 3 disappears"
    );
}

/// `belonging_to` is a plain filter on the child table: it returns hidden children
/// unless `.active()` is added; `grouped_by` then groups live rows only.
fn belonging_to_leaks_unless_active_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_belonging_to");
    let p1 = post(d.conn(), 1);
    let all: Vec<i32> = Comment::belonging_to(&p1)
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("all");
    assert_eq!(
        all,
        vec![1, 2, 3],
        "pinned: hidden comment 3 belongs to post 1 too"
    );
    let live: Vec<i32> = Comment::belonging_to(&p1)
        .active()
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("live");
    assert_eq!(live, vec![1, 2]);

    let ann = author(d.conn(), 1);
    let posts_of_ann: Vec<Post> = Post::belonging_to(&ann)
        .active()
        .select(Post::as_select())
        .load(d.conn())
        .expect("posts");
    assert_eq!(
        posts_of_ann.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![1]
    );

    let parents: Vec<Post> = posts::table
        .select(Post::as_select())
        .order(posts::id)
        .load(d.conn())
        .expect("posts");
    let children: Vec<Comment> = Comment::belonging_to(&parents)
        .active()
        .select(Comment::as_select())
        .order(comments::id)
        .load(d.conn())
        .expect("children");
    let grouped: Vec<(i32, Vec<i32>)> = children
        .grouped_by(&parents)
        .into_iter()
        .zip(&parents)
        .map(|(cs, p)| (p.id, cs.into_iter().map(|c| c.id).collect()))
        .collect();
    assert_eq!(
        grouped,
        vec![(1, vec![1, 2]), (2, vec![]), (3, vec![5]), (4, vec![])]
    );
}

/// Counts, aggregates, GROUP BY, EXISTS and IN-subselects through `.active()` see live
/// rows only; the same queries on the bare table count hidden rows.
fn counts_and_aggregates_through_active_on<D: Api>() {
    let (mut d, _) = seed::<D>("leak_aggregates");
    let all: i64 = comments::table.count().get_result(d.conn()).expect("all");
    let live: i64 = Comment::active()
        .count()
        .get_result(d.conn())
        .expect("live");
    assert_eq!(
        (all, live),
        (5, 3),
        "pinned: the bare table counts hidden rows"
    );

    let max_live: Option<i32> = Post::active()
        .select(diesel::dsl::max(posts::id))
        .first(d.conn())
        .expect("max");
    assert_eq!(max_live, Some(3));
    let max_all: Option<i32> = posts::table
        .select(diesel::dsl::max(posts::id))
        .first(d.conn())
        .expect("max");
    assert_eq!(max_all, Some(4));

    let per_post: Vec<(i32, i64)> = Comment::active()
        .group_by(comments::post_id)
        .select((comments::post_id, diesel::dsl::count_star()))
        .order(comments::post_id)
        .load(d.conn())
        .expect("group by");
    assert_eq!(per_post, vec![(1, 2), (3, 1)]);

    let any_live_y: bool = diesel::select(diesel::dsl::exists(
        Post::active().filter(posts::title.eq("y")),
    ))
    .get_result(d.conn())
    .expect("exists");
    assert!(!any_live_y, "post 2 ('y') is hidden");

    let under_live_posts: Vec<i32> = Comment::active()
        .filter(comments::post_id.eq_any(Post::active().select(posts::id)))
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("subselect");
    assert_eq!(under_live_posts, vec![1, 2, 5]);

    assert_eq!(
        Post::active()
            .find(2)
            .select(Post::as_select())
            .first(d.conn())
            .optional()
            .expect("find"),
        None,
        "find through .active() does not see a hidden row"
    );
    assert!(Post::with_deleted()
        .find(2)
        .select(Post::as_select())
        .first(d.conn())
        .is_ok());
}

/// `diesel::update(Post::active().filter(..))` only writes live rows.
fn update_through_active_touches_only_live_rows_on<D: Api>() {
    let (mut d, hidden) = seed::<D>("leak_update");
    let n = diesel::update(Post::active().filter(posts::author_id.eq(1)))
        .set(posts::title.eq("renamed"))
        .execute(d.conn())
        .expect("update");
    assert_eq!(n, 1, "only live post 1");
    let p2 = post(d.conn(), 2);
    assert_eq!(
        (p2.title.as_str(), p2.deletion_id),
        ("y", Some(hidden.post_2.id)),
        "hidden post 2 untouched"
    );
    assert_eq!(post(d.conn(), 1).title, "renamed");

    let n = diesel::update(posts::table.filter(posts::author_id.eq(1)))
        .set(posts::title.eq("plain"))
        .execute(d.conn())
        .expect("plain update");
    assert_eq!(n, 2, "pinned: the bare table writes hidden post 2 as well");
}

/// `diesel::delete(Comment::active().filter(..))` only removes live rows.
fn delete_through_active_touches_only_live_rows_on<D: Api>() {
    let (mut d, hidden) = seed::<D>("leak_delete");
    let n = diesel::delete(Comment::active().filter(comments::post_id.eq(1)))
        .execute(d.conn())
        .expect("delete");
    assert_eq!(n, 2, "live comments 1 and 2");
    let left: Vec<(i32, Option<i64>)> = comments::table
        .select((comments::id, comments::deletion_id))
        .order(comments::id)
        .load(d.conn())
        .expect("left");
    assert_eq!(
        left,
        vec![
            (3, Some(hidden.comment_3.id)),
            (4, Some(hidden.post_2.id)),
            (5, None)
        ]
    );
    // The hidden comment is still restorable.
    d.restore(&keys::comment(3)).expect("restore comment 3");
    assert_eq!(
        Comment::active()
            .count()
            .get_result::<i64>(d.conn())
            .expect("n"),
        2
    );
}

/// A bulk soft delete (and a cascade) never re-hides hidden rows: their `deletion_id`
/// and `deleted_at` stay those of the earlier changeset, the new changeset counts only
/// the rows it hid, and restoring it leaves the earlier ones hidden.
fn bulk_soft_delete_never_rehides_hidden_rows_on<D: Api>() {
    let (mut d, hidden) = seed::<D>("leak_bulk_rehide");
    let before: Vec<(i32, Option<chrono::NaiveDateTime>, Option<i64>)> = comments::table
        .filter(comments::id.eq_any([3, 4]))
        .select((comments::id, comments::deleted_at, comments::deletion_id))
        .order(comments::id)
        .load(d.conn())
        .expect("before");
    let bulk = d
        .soft_delete_where_with::<Post, _>(posts::author_id.eq(1), DeleteOptions::new().at(at(30)))
        .expect("bulk");
    assert_eq!(
        bulk.rows_affected,
        1 + 2,
        "post 1 and its live comments 1, 2 — not post 2, comment 3 or 4"
    );

    let after: Vec<(i32, Option<chrono::NaiveDateTime>, Option<i64>)> = comments::table
        .filter(comments::id.eq_any([3, 4]))
        .select((comments::id, comments::deleted_at, comments::deletion_id))
        .order(comments::id)
        .load(d.conn())
        .expect("after");
    assert_eq!(after, before);
    let p2 = post(d.conn(), 2);
    assert_eq!(
        (p2.deleted_at, p2.deletion_id),
        (Some(at(1)), Some(hidden.post_2.id))
    );

    // A cascade from the author does not re-hide them either.
    let whole = d
        .soft_delete_with(&keys::author(1), DeleteOptions::new().at(at(31)))
        .expect("author");
    assert_eq!(
        whole.rows_affected, 1,
        "only the author itself was still live"
    );

    d.restore_changeset(whole.id).expect("restore author");
    d.restore_changeset(bulk.id).expect("restore bulk");
    let live: Vec<i32> = Comment::active()
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("live");
    assert_eq!(
        live,
        vec![1, 2, 5],
        "comments 3 and 4 stay with their own changesets"
    );
    assert_eq!(comment(d.conn(), 3).deletion_id, Some(hidden.comment_3.id));
    assert_eq!(comment(d.conn(), 4).deletion_id, Some(hidden.post_2.id));
}

#[test]
fn or_filter_after_active_leaks_and_active_last_does_not() {
    or_filter_after_active_leaks_and_active_last_does_not_on::<SyncApi>();
}

#[test]
fn limit_before_active_still_counts_live_rows_only() {
    limit_before_active_still_counts_live_rows_only_on::<SyncApi>();
}

#[test]
fn join_leaks_hidden_rows_of_the_joined_table_unless_filtered_with_is_live() {
    join_leaks_hidden_rows_of_the_joined_table_unless_filtered_with_is_live_on::<SyncApi>();
}

#[test]
fn left_join_takes_is_live_in_the_on_clause() {
    left_join_takes_is_live_in_the_on_clause_on::<SyncApi>();
}

#[test]
fn belonging_to_leaks_unless_active() {
    belonging_to_leaks_unless_active_on::<SyncApi>();
}

#[test]
fn counts_and_aggregates_through_active() {
    counts_and_aggregates_through_active_on::<SyncApi>();
}

#[test]
fn update_through_active_touches_only_live_rows() {
    update_through_active_touches_only_live_rows_on::<SyncApi>();
}

#[test]
fn delete_through_active_touches_only_live_rows() {
    delete_through_active_touches_only_live_rows_on::<SyncApi>();
}

#[test]
fn bulk_soft_delete_never_rehides_hidden_rows() {
    bulk_soft_delete_never_rehides_hidden_rows_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`).
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn or_filter_after_active_leaks_and_active_last_does_not() {
        or_filter_after_active_leaks_and_active_last_does_not_on::<AsyncApi>();
    }

    #[test]
    fn limit_before_active_still_counts_live_rows_only() {
        limit_before_active_still_counts_live_rows_only_on::<AsyncApi>();
    }

    #[test]
    fn join_leaks_hidden_rows_of_the_joined_table_unless_filtered_with_is_live() {
        join_leaks_hidden_rows_of_the_joined_table_unless_filtered_with_is_live_on::<AsyncApi>();
    }

    #[test]
    fn left_join_takes_is_live_in_the_on_clause() {
        left_join_takes_is_live_in_the_on_clause_on::<AsyncApi>();
    }

    #[test]
    fn belonging_to_leaks_unless_active() {
        belonging_to_leaks_unless_active_on::<AsyncApi>();
    }

    #[test]
    fn counts_and_aggregates_through_active() {
        counts_and_aggregates_through_active_on::<AsyncApi>();
    }

    #[test]
    fn update_through_active_touches_only_live_rows() {
        update_through_active_touches_only_live_rows_on::<AsyncApi>();
    }

    #[test]
    fn delete_through_active_touches_only_live_rows() {
        delete_through_active_touches_only_live_rows_on::<AsyncApi>();
    }

    #[test]
    fn bulk_soft_delete_never_rehides_hidden_rows() {
        bulk_soft_delete_never_rehides_hidden_rows_on::<AsyncApi>();
    }
}
