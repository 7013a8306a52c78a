//! Cascade engine and changesets (soft delete, restore, protect, hard delete, purge).

use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, ChangesetRows, PurgeOptions};

use super::driver::{Api, SyncApi};
use super::rows::{author, comment, post, snapshot, tag};
use super::Conn;
use crate::common::keys;
use crate::common::models::*;
use crate::common::schema::*;

/// A fresh database with `ddl`, named after this module and `test`.
fn connect_with<D: Api>(test: &str, ddl: &str) -> D {
    D::open(&format!("{}::{test}", module_path!()), ddl)
}

/// A fresh database with the test schema.
fn connect<D: Api>(test: &str) -> D {
    connect_with(test, &ddl())
}

fn day(d: u32) -> chrono::NaiveDateTime {
    crate::common::at(2020, 1, d, 12, 0, 0)
}

/// `n_authors` authors, each with `n_posts` posts, each with `n_comments` comments.
/// Ids are dense from 1 in insertion order.
fn seed_blog(conn: &mut Conn, n_authors: i32, n_posts: i32, n_comments: i32) {
    let authors: Vec<_> = (1..=n_authors)
        .map(|a| (authors::id.eq(a), authors::name.eq(format!("author {a}"))))
        .collect();
    diesel::insert_into(authors::table)
        .values(&authors)
        .execute(conn)
        .expect("authors");
    let posts: Vec<_> = (1..=n_authors)
        .flat_map(|a| (1..=n_posts).map(move |p| (a, (a - 1) * n_posts + p)))
        .map(|(a, p)| {
            (
                posts::id.eq(p),
                posts::author_id.eq(a),
                posts::title.eq(format!("post {p}")),
            )
        })
        .collect();
    for chunk in posts.chunks(500) {
        diesel::insert_into(posts::table)
            .values(chunk)
            .execute(conn)
            .expect("posts");
    }
    let total_posts = n_authors * n_posts;
    let comments: Vec<_> = (1..=total_posts)
        .flat_map(|p| (1..=n_comments).map(move |c| (p, (p - 1) * n_comments + c)))
        .map(|(p, c)| {
            (
                comments::id.eq(c),
                comments::post_id.eq(p),
                comments::body.eq("hi"),
            )
        })
        .collect();
    for chunk in comments.chunks(500) {
        diesel::insert_into(comments::table)
            .values(chunk)
            .execute(conn)
            .expect("comments");
    }
}

fn live_posts(conn: &mut Conn) -> Vec<i32> {
    Post::active()
        .select(posts::id)
        .order(posts::id)
        .load(conn)
        .expect("posts")
}
fn live_comments(conn: &mut Conn) -> Vec<i32> {
    Comment::active()
        .select(comments::id)
        .order(comments::id)
        .load(conn)
        .expect("comments")
}
fn comment_marks(conn: &mut Conn) -> Vec<(i32, Option<i64>)> {
    comments::table
        .select((comments::id, comments::deletion_id))
        .order(comments::id)
        .load(conn)
        .expect("comments")
}
fn changeset_count(conn: &mut Conn) -> i64 {
    soft_delete_runtime::schema::soft_delete_changesets::table
        .count()
        .get_result(conn)
        .expect("count")
}

fn three_levels_hide_and_restore_as_one_changeset_on<D: Api>() {
    let mut d: D = connect("three_levels");
    seed_blog(d.conn(), 2, 2, 3);
    let a1 = author(d.conn(), 1);
    let cs = d
        .soft_delete_with(&a1, DeleteOptions::new().actor("alice").reason("spam"))
        .expect("soft delete");
    assert_eq!(cs.rows_affected, 1 + 2 + 6);
    assert_eq!(cs.actor.as_deref(), Some("alice"));
    assert_eq!(cs.root_table, "authors");
    assert_eq!(cs.root_key.as_deref(), Some("1"));
    assert_eq!(live_posts(d.conn()), vec![3, 4]);
    assert_eq!(live_comments(d.conn()), (7..=12).collect::<Vec<_>>());
    let marks = comment_marks(d.conn());
    assert!(marks[..6].iter().all(|(_, d)| *d == Some(cs.id)));
    assert!(marks[6..].iter().all(|(_, d)| d.is_none()));
    assert_eq!(
        d.find_changeset(cs.id).expect("find"),
        cs,
        "returned record equals stored record"
    );

    let rows = d.changeset_rows(cs.id).expect("rows");
    assert_eq!(
        rows,
        vec![
            ChangesetRows {
                table: "authors",
                keys: vec!["1".into()]
            },
            ChangesetRows {
                table: "posts",
                keys: vec!["1".into(), "2".into()]
            },
            ChangesetRows {
                table: "comments",
                keys: (1..=6).map(|i| i.to_string()).collect()
            },
        ]
    );

    let report = d
        .restore_changeset_with(cs.id, &RestoreOptions::new().actor("bob"))
        .expect("restore");
    assert_eq!(report.restored.total(), 9);
    assert_eq!(report.restored.get("comments"), 6);
    assert_eq!(live_posts(d.conn()), vec![1, 2, 3, 4]);
    assert_eq!(live_comments(d.conn()).len(), 12);
    assert!(comment_marks(d.conn()).iter().all(|(_, d)| d.is_none()));
    let stored = d.find_changeset(cs.id).expect("find");
    assert_eq!(stored.restored_by.as_deref(), Some("bob"));
    assert!(stored.restored_at.is_some());
    assert!(matches!(
        d.restore_changeset(cs.id),
        Err(SoftDeleteError::AlreadyRestored { id }) if id == cs.id
    ));
}

/// The statement count depends on the graph's shape, not on the number of rows: for a
/// soft delete, its restore, a purge batch and a hard delete.
fn statement_count_is_the_same_for_10_and_10000_rows_on<D: Api>() {
    let mut counts = Vec::new();
    for (name, posts_per, comments_per) in [("small", 2, 4), ("large", 100, 100)] {
        let mut d: D = connect(&format!("stmt_count_{name}"));
        seed_blog(d.conn(), 2, posts_per, comments_per);
        let tree = 1 + posts_per + posts_per * comments_per;
        let a = author(d.conn(), 1);
        let counter = d.count_statements();
        let cs = d.soft_delete(&a).expect("soft delete");
        let deleted = counter.take();
        assert_eq!(cs.rows_affected as i32, tree);
        d.restore_changeset(cs.id).expect("restore");
        let restored = counter.take();
        assert_eq!(
            live_comments(d.conn()).len() as i32,
            2 * posts_per * comments_per
        );

        d.soft_delete_with(&keys::author(1), DeleteOptions::new().at(day(1)))
            .expect("hide");
        counter.take();
        let purged = d
            .purge_with::<Author>(PurgeOptions::new(day(2)))
            .expect("purge");
        let purge = counter.take();
        assert_eq!((purged.batches, purged.removed.total() as i32), (1, tree));
        let removed = d.hard_delete(&keys::author(2)).expect("hard delete");
        let hard = counter.take();
        assert_eq!(removed.total() as i32, tree);
        assert_eq!(
            authors::table
                .count()
                .get_result::<i64>(d.conn())
                .expect("n"),
            0
        );
        counts.push([deleted, restored, purge, hard]);
    }
    assert!(counts[0].iter().all(|&n| n > 0));
    assert_eq!(
        counts[0], counts[1],
        "statements for ~10 rows vs 10,000 rows (soft delete, restore, purge, hard delete)"
    );
}

fn self_reference_five_deep_on<D: Api>() {
    let mut d: D = connect("self_ref");
    // 1 → 2 → 3 → 4 → 5 is a chain; 6 is a second root; 7 hangs off 3.
    for (id, parent) in [
        (1, None),
        (2, Some(1)),
        (3, Some(2)),
        (4, Some(3)),
        (5, Some(4)),
        (6, None),
        (7, Some(3)),
    ] {
        diesel::insert_into(categories::table)
            .values((
                categories::id.eq(id),
                categories::parent_id.eq(parent),
                categories::name.eq("c"),
            ))
            .execute(d.conn())
            .expect("insert");
    }
    let root: Category = categories::table
        .find(1)
        .select(Category::as_select())
        .first(d.conn())
        .expect("c");
    let cs = d.soft_delete(&root).expect("soft delete");
    assert_eq!(cs.rows_affected, 6);
    let live: Vec<i32> = Category::active()
        .select(categories::id)
        .load(d.conn())
        .expect("live");
    assert_eq!(live, vec![6]);
    // Restoring a leaf restores the structure.
    let leaf: Category = categories::table
        .find(5)
        .select(Category::as_select())
        .first(d.conn())
        .expect("c");
    let report = d.restore(&leaf).expect("restore");
    assert_eq!(report.restored.get("categories"), 6);
    assert_eq!(
        Category::active()
            .count()
            .get_result::<i64>(d.conn())
            .expect("count"),
        7
    );
}

fn diamond_hides_each_row_once_and_restores_exactly_on<D: Api>() {
    let mut d: D = connect("diamond");
    diesel::insert_into(projects::table)
        .values((projects::id.eq(1), projects::name.eq("p")))
        .execute(d.conn())
        .expect("p");
    diesel::insert_into(milestones::table)
        .values(&vec![
            (milestones::id.eq(1), milestones::project_id.eq(1)),
            (milestones::id.eq(2), milestones::project_id.eq(1)),
        ])
        .execute(d.conn())
        .expect("m");
    diesel::insert_into(tasks::table)
        .values(&vec![
            (
                tasks::id.eq(1),
                tasks::project_id.eq(1),
                tasks::milestone_id.eq(Some(1)),
            ),
            (
                tasks::id.eq(2),
                tasks::project_id.eq(1),
                tasks::milestone_id.eq(Some(2)),
            ),
            (
                tasks::id.eq(3),
                tasks::project_id.eq(1),
                tasks::milestone_id.eq(None),
            ),
        ])
        .execute(d.conn())
        .expect("t");
    // Task 2 was deleted earlier through its milestone.
    let m2: Milestone = milestones::table
        .find(2)
        .select(Milestone::as_select())
        .first(d.conn())
        .expect("m");
    let earlier = d.soft_delete(&m2).expect("milestone");
    assert_eq!(earlier.rows_affected, 2);

    let p: Project = projects::table
        .find(1)
        .select(Project::as_select())
        .first(d.conn())
        .expect("p");
    let cs = d.soft_delete(&p).expect("project");
    assert_eq!(
        cs.rows_affected,
        1 + 1 + 2,
        "project, milestone 1, tasks 1 and 3; each row counted once"
    );
    let marks: Vec<(i32, Option<i64>)> = tasks::table
        .select((tasks::id, tasks::deletion_id))
        .order(tasks::id)
        .load(d.conn())
        .expect("t");
    assert_eq!(
        marks,
        vec![(1, Some(cs.id)), (2, Some(earlier.id)), (3, Some(cs.id))]
    );

    d.restore_changeset(cs.id).expect("restore");
    let live: Vec<i32> = Task::active()
        .select(tasks::id)
        .order(tasks::id)
        .load(d.conn())
        .expect("t");
    assert_eq!(
        live,
        vec![1, 3],
        "task 2 stays hidden with the earlier changeset"
    );
    let ms: Vec<i32> = Milestone::active()
        .select(milestones::id)
        .load(d.conn())
        .expect("m");
    assert_eq!(ms, vec![1]);
}

fn seed_tagged(conn: &mut Conn) {
    seed_blog(conn, 1, 1, 0);
    diesel::insert_into(tags::table)
        .values((tags::id.eq(1), tags::name.eq("rust")))
        .execute(conn)
        .expect("tag");
    diesel::insert_into(post_tags::table)
        .values((
            post_tags::id.eq(1),
            post_tags::post_id.eq(1),
            post_tags::tag_id.eq(1),
        ))
        .execute(conn)
        .expect("post_tag");
}
fn join_row(conn: &mut Conn) -> PostTag {
    post_tags::table
        .find(1)
        .select(PostTag::as_select())
        .first(conn)
        .expect("pt")
}

/// A join row under a post and a tag is live only when both are, in every order of
/// deleting and restoring its two parents.
fn join_row_under_two_parents_in_every_order_on<D: Api>() {
    for (delete_post_first, restore_post_first) in
        [(true, true), (true, false), (false, true), (false, false)]
    {
        let name = format!("join_{delete_post_first}_{restore_post_first}");
        let mut d: D = connect(&name);
        seed_tagged(d.conn());
        let (p, t) = (post(d.conn(), 1), tag(d.conn(), 1));
        let (cs_post, cs_tag) = if delete_post_first {
            let a = d.soft_delete(&p).expect("post");
            (a, d.soft_delete(&t).expect("tag"))
        } else {
            let b = d.soft_delete(&t).expect("tag");
            (d.soft_delete(&p).expect("post"), b)
        };
        let first_hider = if delete_post_first {
            cs_post.id
        } else {
            cs_tag.id
        };
        assert_eq!(join_row(d.conn()).deletion_id, Some(first_hider), "{name}");

        let (first, second) = if restore_post_first {
            (cs_post.id, cs_tag.id)
        } else {
            (cs_tag.id, cs_post.id)
        };
        d.restore_changeset(first).expect("first restore");
        let row = join_row(d.conn());
        assert!(
            row.deleted_at.is_some(),
            "{name}: join row must stay hidden while one parent is hidden"
        );
        assert_eq!(
            row.deletion_id,
            Some(second),
            "{name}: it comes back with the hidden parent's changeset"
        );

        d.restore_changeset(second).expect("second restore");
        let row = join_row(d.conn());
        assert!(
            row.deleted_at.is_none() && row.deletion_id.is_none(),
            "{name}: live once both parents are"
        );
    }
}

fn earlier_changeset_stays_hidden_on_restore_on<D: Api>() {
    let mut d: D = connect("earlier");
    seed_blog(d.conn(), 1, 1, 3);
    let monday = d
        .soft_delete_with(&keys::comment(2), DeleteOptions::new().at(day(6)))
        .expect("monday");
    let tuesday = d
        .soft_delete_with(&keys::post(1), DeleteOptions::new().at(day(7)))
        .expect("tuesday");
    assert_eq!(
        tuesday.rows_affected, 3,
        "the post and its two live comments"
    );
    d.restore_changeset(tuesday.id).expect("restore");
    assert_eq!(live_comments(d.conn()), vec![1, 3]);
    assert_eq!(comment(d.conn(), 2).deletion_id, Some(monday.id));
    d.restore(&keys::comment(2)).expect("restore monday");
    assert_eq!(live_comments(d.conn()), vec![1, 2, 3]);
}

fn restoring_a_cascaded_child_restores_the_structure_on<D: Api>() {
    let mut d: D = connect("child_restore");
    seed_blog(d.conn(), 1, 2, 2);
    let cs = d.soft_delete(&keys::author(1)).expect("delete");
    let report = d.restore(&keys::comment(3)).expect("restore");
    assert_eq!(report.changeset.as_ref().map(|c| c.id), Some(cs.id));
    assert_eq!(report.restored.total(), 7);
    assert!(author(d.conn(), 1).deleted_at.is_none());
    assert_eq!(live_posts(d.conn()), vec![1, 2]);
    assert_eq!(live_comments(d.conn()), vec![1, 2, 3, 4]);
    assert!(matches!(
        d.restore(&keys::comment(3)),
        Err(SoftDeleteError::NotDeleted { table: "comments" })
    ));
}

fn protect_blocks_soft_and_hard_delete_and_writes_nothing_on<D: Api>() {
    let mut d: D = connect("protect");
    seed_blog(d.conn(), 1, 2, 2);
    diesel::insert_into(invoices::table)
        .values((
            invoices::id.eq(1),
            invoices::post_id.eq(2),
            invoices::amount.eq(10),
        ))
        .execute(d.conn())
        .expect("invoice");
    let before = snapshot(d.conn());
    let protected = |r: Result<_, SoftDeleteError>| {
        matches!(
            r,
            Err(SoftDeleteError::Protected {
                table: "invoices",
                live_children: 1,
                hidden_children: 0,
                hidden_by: None
            })
        )
    };
    assert!(protected(d.soft_delete(&keys::post(2)).map(|_| ())));
    assert!(
        protected(d.soft_delete(&keys::author(1)).map(|_| ())),
        "reached through the cascade"
    );
    assert!(protected(d.hard_delete(&keys::post(2)).map(|_| ())));
    assert!(protected(d.hard_delete(&keys::author(1)).map(|_| ())));
    assert_eq!(snapshot(d.conn()), before);
    // The unprotected post can go.
    d.soft_delete(&keys::post(1))
        .expect("post 1 has no invoice");
}

/// Hard delete and purge remove a leaf table (no cascade children; tasks) straight
/// through its parents' marks: its `protect` edges and a purge's refusal of live rows
/// must still see every leaf row, reached at either level of the diamond.
fn protect_and_live_rows_of_a_leaf_block_removal_on<D: Api>() {
    use diesel::connection::SimpleConnection;
    let mut d: D = connect("leaf_protect");
    d.conn()
        .batch_execute(
            "INSERT INTO projects (id, name) VALUES (1, 'p');
         INSERT INTO milestones (id, project_id) VALUES (1, 1);
         INSERT INTO tasks (id, project_id, milestone_id) VALUES (1, 1, 1), (2, 1, NULL);",
        )
        .expect("seed");
    let tasks_left = |conn: &mut Conn| tasks::table.count().get_result::<i64>(conn).expect("tasks");
    // Task 1 hangs off the milestone (two levels down), task 2 off the project only.
    for (task, hours) in [(1, 3), (2, 5)] {
        diesel::insert_into(timesheets::table)
            .values((
                timesheets::id.eq(task),
                timesheets::task_id.eq(task),
                timesheets::hours.eq(hours),
            ))
            .execute(d.conn())
            .expect("timesheet");
        let r = d.hard_delete(&keys::project(1));
        assert!(
            matches!(
                r,
                Err(SoftDeleteError::Protected {
                    table: "timesheets",
                    live_children: 1,
                    hidden_children: 0,
                    hidden_by: None
                })
            ),
            "timesheet on task {task}: {r:?}"
        );
        assert_eq!(tasks_left(d.conn()), 2);
        diesel::delete(timesheets::table)
            .execute(d.conn())
            .expect("clear");
    }
    // A purge refuses a live task under a hidden project, at either level.
    d.soft_delete_with(&keys::project(1), DeleteOptions::new().at(day(1)))
        .expect("hide");
    for task in [1, 2] {
        diesel::update(tasks::table.find(task))
            .set((
                tasks::deleted_at.eq(None::<chrono::NaiveDateTime>),
                tasks::deletion_id.eq(None::<i64>),
            ))
            .execute(d.conn())
            .expect("a live task under a hidden project");
        let r = d.purge_with::<Project>(PurgeOptions::new(day(2)));
        assert!(
            matches!(
                r,
                Err(SoftDeleteError::Protected {
                    table: "tasks",
                    live_children: 1,
                    hidden_children: 0,
                    hidden_by: None
                })
            ),
            "live task {task}: {r:?}"
        );
        assert_eq!(tasks_left(d.conn()), 2);
        diesel::update(tasks::table.find(task))
            .set((
                tasks::deleted_at.eq(Some(day(1))),
                tasks::deletion_id.eq(Some(0_i64)),
            ))
            .execute(d.conn())
            .expect("hide again");
    }
    let report = d
        .purge_with::<Project>(PurgeOptions::new(day(2)))
        .expect("purge");
    assert_eq!(
        (
            report.removed.get("projects"),
            report.removed.get("milestones"),
            report.removed.get("tasks")
        ),
        (1, 1, 2)
    );
    assert_eq!(tasks_left(d.conn()), 0);
}

fn hook_error_at_third_level_rolls_back_the_first_two_on<D: Api>() {
    let mut d: D = connect("hook_rollback");
    seed_blog(d.conn(), 1, 2, 2);
    let before = snapshot(d.conn());
    let err = d
        .soft_delete_with(
            &keys::author(1),
            DeleteOptions::new().reason("fail-in-comments-hook"),
        )
        .expect_err("the comments hook refuses");
    assert!(
        matches!(
            err,
            SoftDeleteError::Aborted {
                table: "comments",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(snapshot(d.conn()), before);
    assert_eq!(changeset_count(d.conn()), 0);
}

fn purge_removes_old_deletions_with_descendants_and_leaves_newer_ones_on<D: Api>() {
    let mut d: D = connect("purge");
    seed_blog(d.conn(), 4, 2, 2);
    // A comment under author 1 hidden earlier by itself: it goes with its parent.
    d.soft_delete_with(&keys::comment(1), DeleteOptions::new().at(day(1)))
        .expect("c");
    for a in 1..=3 {
        d.soft_delete_with(&keys::author(a), DeleteOptions::new().at(day(2)))
            .expect("old");
    }
    let newer = d
        .soft_delete_with(&keys::author(4), DeleteOptions::new().at(day(20)))
        .expect("new");
    let report = d
        .purge_with::<Author>(PurgeOptions::new(day(10)).batch_size(2))
        .expect("purge");
    assert_eq!(report.batches, 2, "3 authors in batches of 2");
    assert_eq!(report.removed.get("authors"), 3);
    assert_eq!(report.removed.get("posts"), 6);
    assert_eq!(report.removed.get("comments"), 12);
    let left: Vec<i32> = authors::table
        .select(authors::id)
        .load(d.conn())
        .expect("a");
    assert_eq!(left, vec![4]);
    assert_eq!(
        posts::table.count().get_result::<i64>(d.conn()).expect("p"),
        2
    );
    d.restore_changeset(newer.id)
        .expect("newer deletion is intact");
    assert_eq!(live_comments(d.conn()).len(), 4);
    // Temporary marks never survive.
    let negative: i64 = comments::table
        .filter(comments::deletion_id.lt(0))
        .count()
        .get_result(d.conn())
        .expect("n");
    assert_eq!(negative, 0);
    let future = chrono::Utc::now().naive_utc() + chrono::Duration::days(1);
    assert!(matches!(
        d.purge::<Author>(future),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
}

fn hard_delete_removes_descendants_children_first_on<D: Api>() {
    let mut d: D = connect("hard_delete");
    seed_blog(d.conn(), 2, 2, 2);
    d.soft_delete(&keys::comment(1))
        .expect("hidden comment goes too");
    let removed = d.hard_delete(&keys::author(1)).expect("hard delete");
    assert_eq!(
        (
            removed.get("authors"),
            removed.get("posts"),
            removed.get("comments")
        ),
        (1, 2, 4)
    );
    let left: Vec<i32> = comments::table
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("c");
    assert_eq!(left, vec![5, 6, 7, 8]);
    let cs_rows: i64 = changeset_count(d.conn());
    assert_eq!(
        cs_rows, 1,
        "only the comment's changeset; the reserved one is released"
    );
    assert!(matches!(
        d.hard_delete(&keys::author(1)),
        Err(SoftDeleteError::NotFound { table: "authors" })
    ));
}

fn hard_delete_with_on_delete_cascade_in_the_schema_on<D: Api>() {
    let ddl = ddl()
        .replace(
            "REFERENCES authors (id)",
            "REFERENCES authors (id) ON DELETE CASCADE",
        )
        .replace(
            "REFERENCES posts (id)",
            "REFERENCES posts (id) ON DELETE CASCADE",
        );
    let mut d: D = connect_with("hard_delete_on_delete_cascade", &ddl);
    seed_blog(d.conn(), 2, 2, 2);
    let removed = d.hard_delete(&keys::author(2)).expect("hard delete");
    assert_eq!(
        removed.total(),
        1 + 2 + 4,
        "children are removed first, so the schema cascade finds nothing left"
    );
    let left: Vec<i32> = comments::table
        .select(comments::id)
        .order(comments::id)
        .load(d.conn())
        .expect("c");
    assert_eq!(left, vec![1, 2, 3, 4]);
}

fn bulk_soft_delete_is_one_changeset_on<D: Api>() {
    let mut d: D = connect("bulk");
    seed_blog(d.conn(), 1, 4, 2);
    let cs = d
        .soft_delete_where::<Post, _>(posts::id.le(3))
        .expect("bulk");
    assert_eq!(cs.rows_affected, 3 + 6);
    assert_eq!(cs.root_key, None);
    assert_eq!(live_posts(d.conn()), vec![4]);
    assert!(matches!(
        d.soft_delete_where::<Post, _>(posts::id.le(3)),
        Err(SoftDeleteError::NotFound { table: "posts" })
    ));
    d.restore_changeset(cs.id).expect("restore");
    assert_eq!(live_posts(d.conn()), vec![1, 2, 3, 4]);
}

fn changeset_list_pages_newest_first_with_filters_on<D: Api>() {
    let mut d: D = connect("list");
    seed_blog(d.conn(), 1, 5, 0);
    let mut ids = Vec::new();
    for p in 1..=5 {
        let actor = if p % 2 == 0 { "even" } else { "odd" };
        let opts = DeleteOptions::new().actor(actor).at(day(p as u32));
        ids.push(d.soft_delete_with(&keys::post(p), opts).expect("d").id);
    }
    d.restore_changeset(ids[0]).expect("restore");
    let page1 = d
        .list_changesets(&ChangesetFilter::new().limit(2))
        .expect("list");
    assert_eq!(
        page1.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let page2 = d
        .list_changesets(&ChangesetFilter::new().limit(2).before_id(page1[1].id))
        .expect("list");
    assert_eq!(
        page2.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let odd_trash = d
        .list_changesets(&ChangesetFilter::new().actor("odd").restored(false))
        .expect("list");
    assert_eq!(
        odd_trash.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[4], ids[2]]
    );
    let dated = d
        .list_changesets(&ChangesetFilter::new().since(day(2)).until(day(4)))
        .expect("list");
    assert_eq!(
        dated.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]],
        "created on days 2 and 3"
    );
    let authors_only = d
        .list_changesets(&ChangesetFilter::new().root_table("authors"))
        .expect("list");
    assert!(authors_only.is_empty());
    assert!(matches!(
        d.restore_changeset(999_999),
        Err(SoftDeleteError::ChangesetNotFound { id: 999_999 })
    ));
}

#[test]
fn three_levels_hide_and_restore_as_one_changeset() {
    three_levels_hide_and_restore_as_one_changeset_on::<SyncApi>();
}

#[test]
fn statement_count_is_the_same_for_10_and_10000_rows() {
    statement_count_is_the_same_for_10_and_10000_rows_on::<SyncApi>();
}

#[test]
fn self_reference_five_deep() {
    self_reference_five_deep_on::<SyncApi>();
}

#[test]
fn diamond_hides_each_row_once_and_restores_exactly() {
    diamond_hides_each_row_once_and_restores_exactly_on::<SyncApi>();
}

#[test]
fn join_row_under_two_parents_in_every_order() {
    join_row_under_two_parents_in_every_order_on::<SyncApi>();
}

#[test]
fn earlier_changeset_stays_hidden_on_restore() {
    earlier_changeset_stays_hidden_on_restore_on::<SyncApi>();
}

#[test]
fn restoring_a_cascaded_child_restores_the_structure() {
    restoring_a_cascaded_child_restores_the_structure_on::<SyncApi>();
}

#[test]
fn protect_blocks_soft_and_hard_delete_and_writes_nothing() {
    protect_blocks_soft_and_hard_delete_and_writes_nothing_on::<SyncApi>();
}

#[test]
fn protect_and_live_rows_of_a_leaf_block_removal() {
    protect_and_live_rows_of_a_leaf_block_removal_on::<SyncApi>();
}

#[test]
fn hook_error_at_third_level_rolls_back_the_first_two() {
    hook_error_at_third_level_rolls_back_the_first_two_on::<SyncApi>();
}

#[test]
fn purge_removes_old_deletions_with_descendants_and_leaves_newer_ones() {
    purge_removes_old_deletions_with_descendants_and_leaves_newer_ones_on::<SyncApi>();
}

#[test]
fn hard_delete_removes_descendants_children_first() {
    hard_delete_removes_descendants_children_first_on::<SyncApi>();
}

#[test]
fn hard_delete_with_on_delete_cascade_in_the_schema() {
    hard_delete_with_on_delete_cascade_in_the_schema_on::<SyncApi>();
}

#[test]
fn bulk_soft_delete_is_one_changeset() {
    bulk_soft_delete_is_one_changeset_on::<SyncApi>();
}

#[test]
fn changeset_list_pages_newest_first_with_filters() {
    changeset_list_pages_newest_first_with_filters_on::<SyncApi>();
}

/// The same tests on the async API (feature `async`).
#[cfg(feature = "async")]
mod asynchronous {
    use super::super::driver::AsyncApi;
    use super::*;

    #[test]
    fn three_levels_hide_and_restore_as_one_changeset() {
        three_levels_hide_and_restore_as_one_changeset_on::<AsyncApi>();
    }

    #[test]
    fn statement_count_is_the_same_for_10_and_10000_rows() {
        statement_count_is_the_same_for_10_and_10000_rows_on::<AsyncApi>();
    }

    #[test]
    fn self_reference_five_deep() {
        self_reference_five_deep_on::<AsyncApi>();
    }

    #[test]
    fn diamond_hides_each_row_once_and_restores_exactly() {
        diamond_hides_each_row_once_and_restores_exactly_on::<AsyncApi>();
    }

    #[test]
    fn join_row_under_two_parents_in_every_order() {
        join_row_under_two_parents_in_every_order_on::<AsyncApi>();
    }

    #[test]
    fn earlier_changeset_stays_hidden_on_restore() {
        earlier_changeset_stays_hidden_on_restore_on::<AsyncApi>();
    }

    #[test]
    fn restoring_a_cascaded_child_restores_the_structure() {
        restoring_a_cascaded_child_restores_the_structure_on::<AsyncApi>();
    }

    #[test]
    fn protect_blocks_soft_and_hard_delete_and_writes_nothing() {
        protect_blocks_soft_and_hard_delete_and_writes_nothing_on::<AsyncApi>();
    }

    #[test]
    fn protect_and_live_rows_of_a_leaf_block_removal() {
        protect_and_live_rows_of_a_leaf_block_removal_on::<AsyncApi>();
    }

    #[test]
    fn hook_error_at_third_level_rolls_back_the_first_two() {
        hook_error_at_third_level_rolls_back_the_first_two_on::<AsyncApi>();
    }

    #[test]
    fn purge_removes_old_deletions_with_descendants_and_leaves_newer_ones() {
        purge_removes_old_deletions_with_descendants_and_leaves_newer_ones_on::<AsyncApi>();
    }

    #[test]
    fn hard_delete_removes_descendants_children_first() {
        hard_delete_removes_descendants_children_first_on::<AsyncApi>();
    }

    #[test]
    fn hard_delete_with_on_delete_cascade_in_the_schema() {
        hard_delete_with_on_delete_cascade_in_the_schema_on::<AsyncApi>();
    }

    #[test]
    fn bulk_soft_delete_is_one_changeset() {
        bulk_soft_delete_is_one_changeset_on::<AsyncApi>();
    }

    #[test]
    fn changeset_list_pages_newest_first_with_filters() {
        changeset_list_pages_newest_first_with_filters_on::<AsyncApi>();
    }
}
