//! Reading: the views produce exactly the SQL of the hand-written filter (checked with
//! `diesel::debug_query` on each backend), their types are nameable, and the `.active()`
//! placement rule around `or_filter` is pinned both ways.

use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{Active, OnlyDeleted};

use super::driver::{Api, SyncApi};
use super::Conn;
use crate::common::models::*;
use crate::common::schema::*;

/// Downstream code can name the query types in signatures.
fn live_posts() -> Active<posts::table> {
    Post::active()
}

fn hidden_posts() -> OnlyDeleted<posts::table> {
    Post::only_deleted()
}

fn live_posts_titled(
    title: &str,
) -> Active<diesel::dsl::Filter<posts::table, diesel::dsl::Eq<posts::title, String>>> {
    posts::table
        .filter(posts::title.eq(title.to_owned()))
        .active()
}

type Backend = <Conn as diesel::Connection>::Backend;

/// A query's SQL with its bind values, as Diesel renders it for the backend.
fn sql<Q: QueryFragment<Backend>>(q: &Q) -> String {
    diesel::debug_query::<Backend, _>(q).to_string()
}

/// A fresh database with the test schema, named after this module and `test`.
fn connect<D: Api>(test: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), &ddl())
}

#[test]
fn views_are_the_hand_written_filters() {
    assert_eq!(
        sql(&Post::active()),
        sql(&posts::table.filter(posts::deleted_at.is_null()))
    );
    assert_eq!(
        sql(&live_posts()),
        sql(&posts::table.filter(posts::deleted_at.is_null()))
    );
    assert_eq!(
        sql(&Post::only_deleted()),
        sql(&posts::table.filter(posts::deleted_at.is_not_null()))
    );
    assert_eq!(sql(&hidden_posts()), sql(&Post::only_deleted()));
    assert_eq!(sql(&Post::with_deleted()), sql(&posts::table));
    assert_eq!(
        sql(&Note::active()),
        sql(&notes::table.filter(notes::deleted.eq(false)))
    );
    assert_eq!(
        sql(&Note::only_deleted()),
        sql(&notes::table.filter(notes::deleted.eq(true)))
    );
    assert!(sql(&Post::active()).contains("IS NULL"));
}

#[test]
fn dsl_on_filtered_selected_and_boxed_queries() {
    let hand = posts::table
        .filter(posts::author_id.eq(1))
        .filter(posts::deleted_at.is_null())
        .select(posts::id)
        .order(posts::id);
    let lib = posts::table
        .filter(posts::author_id.eq(1))
        .active()
        .select(posts::id)
        .order(posts::id);
    assert_eq!(sql(&lib), sql(&hand));
    let boxed = posts::table
        .filter(posts::author_id.eq(1))
        .into_boxed::<Backend>()
        .active();
    let boxed_hand = posts::table
        .filter(posts::author_id.eq(1))
        .into_boxed::<Backend>()
        .filter(posts::deleted_at.is_null());
    assert_eq!(sql(&boxed), sql(&boxed_hand));
    assert_eq!(
        sql(&live_posts_titled("a")),
        sql(&posts::table
            .filter(posts::title.eq("a"))
            .filter(posts::deleted_at.is_null()))
    );
    let count = Post::active().filter(posts::author_id.eq(2)).count();
    let count_hand = posts::table
        .filter(posts::deleted_at.is_null())
        .filter(posts::author_id.eq(2))
        .count();
    assert_eq!(sql(&count), sql(&count_hand));
}

#[test]
fn is_live_filters_joined_tables() {
    let lib = comments::table
        .inner_join(posts::table)
        .filter(Post::is_live())
        .filter(Comment::is_live())
        .select(comments::id);
    let hand = comments::table
        .inner_join(posts::table)
        .filter(posts::deleted_at.is_null())
        .filter(comments::deleted_at.is_null())
        .select(comments::id);
    assert_eq!(sql(&lib), sql(&hand));
}

/// `.active()` last ANDs the live condition around an earlier `or_filter`; an `or_filter`
/// written after `.active()` widens the query exactly as in plain Diesel.
fn or_filter_placement_is_pinned_both_ways_on<D: Api>() {
    let mut d: D = connect("or_filter");
    diesel::insert_into(authors::table)
        .values((authors::id.eq(1), authors::name.eq("a")))
        .execute(d.conn())
        .expect("a");
    diesel::insert_into(posts::table)
        .values(&vec![
            (
                posts::id.eq(1),
                posts::author_id.eq(1),
                posts::title.eq("x"),
            ),
            (
                posts::id.eq(2),
                posts::author_id.eq(1),
                posts::title.eq("y"),
            ),
        ])
        .execute(d.conn())
        .expect("p");
    let p2: Post = posts::table
        .find(2)
        .select(Post::as_select())
        .first(d.conn())
        .expect("p2");
    d.soft_delete(&p2).expect("hide post 2");

    let safe: Vec<i32> = posts::table
        .filter(posts::title.eq("x"))
        .or_filter(posts::title.eq("y"))
        .active()
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("safe");
    assert_eq!(safe, vec![1], "active() last keeps hidden rows out");

    let widened: Vec<i32> = posts::table
        .filter(posts::title.eq("x"))
        .active()
        .or_filter(posts::title.eq("y"))
        .select(posts::id)
        .order(posts::id)
        .load(d.conn())
        .expect("widened");
    assert_eq!(
        widened,
        vec![1, 2],
        "an or_filter after active() widens, as in plain Diesel"
    );
}

#[test]
fn or_filter_placement_is_pinned_both_ways() {
    or_filter_placement_is_pinned_both_ways_on::<SyncApi>();
}

/// The test that runs an operation, on the async API (feature `async`); the others render SQL and use no connection.
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn or_filter_placement_is_pinned_both_ways() {
        or_filter_placement_is_pinned_both_ways_on::<AsyncApi>();
    }
}
