//! Cascade engine and changesets (soft delete, restore, protect, hard delete, purge).

use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, ChangesetRows, PurgeOptions};

use super::rows::{author, comment, post, snapshot, tag};
use super::{Conn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::{keys, StatementCounter, TestDb};

/// A fresh database with `ddl`, named after this module and `test`.
fn connect_with(test: &str, ddl: &str) -> Conn {
    Db::connect(&format!("{}::{test}", module_path!()), ddl)
}

/// A fresh database with the test schema.
fn connect(test: &str) -> Conn {
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

#[test]
fn three_levels_hide_and_restore_as_one_changeset() {
    let mut conn = connect("three_levels");
    seed_blog(&mut conn, 2, 2, 3);
    let a1 = author(&mut conn, 1);
    let cs = a1
        .soft_delete_with(
            &mut conn,
            DeleteOptions::new().actor("alice").reason("spam"),
        )
        .expect("soft delete");
    assert_eq!(cs.rows_affected, 1 + 2 + 6);
    assert_eq!(cs.actor.as_deref(), Some("alice"));
    assert_eq!(cs.root_table, "authors");
    assert_eq!(cs.root_key.as_deref(), Some("1"));
    assert_eq!(live_posts(&mut conn), vec![3, 4]);
    assert_eq!(live_comments(&mut conn), (7..=12).collect::<Vec<_>>());
    let marks = comment_marks(&mut conn);
    assert!(marks[..6].iter().all(|(_, d)| *d == Some(cs.id)));
    assert!(marks[6..].iter().all(|(_, d)| d.is_none()));
    assert_eq!(
        Changeset::find(&mut conn, cs.id).expect("find"),
        cs,
        "returned record equals stored record"
    );

    let rows = Changeset::rows(&mut conn, cs.id).expect("rows");
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

    let report = Changeset::restore_with(&mut conn, cs.id, &RestoreOptions::new().actor("bob"))
        .expect("restore");
    assert_eq!(report.restored.total(), 9);
    assert_eq!(report.restored.get("comments"), 6);
    assert_eq!(live_posts(&mut conn), vec![1, 2, 3, 4]);
    assert_eq!(live_comments(&mut conn).len(), 12);
    assert!(comment_marks(&mut conn).iter().all(|(_, d)| d.is_none()));
    let stored = Changeset::find(&mut conn, cs.id).expect("find");
    assert_eq!(stored.restored_by.as_deref(), Some("bob"));
    assert!(stored.restored_at.is_some());
    assert!(matches!(
        Changeset::restore(&mut conn, cs.id),
        Err(SoftDeleteError::AlreadyRestored { id }) if id == cs.id
    ));
}

/// The statement count depends on the graph's shape, not on the number of rows: for a
/// soft delete, its restore, a purge batch and a hard delete.
#[test]
fn statement_count_is_the_same_for_10_and_10000_rows() {
    let mut counts = Vec::new();
    for (name, posts_per, comments_per) in [("small", 2, 4), ("large", 100, 100)] {
        let mut conn = connect(&format!("stmt_count_{name}"));
        seed_blog(&mut conn, 2, posts_per, comments_per);
        let tree = 1 + posts_per + posts_per * comments_per;
        let a = author(&mut conn, 1);
        let counter = StatementCounter::attach(&mut conn);
        let cs = a.soft_delete(&mut conn).expect("soft delete");
        let deleted = counter.take();
        assert_eq!(cs.rows_affected as i32, tree);
        Changeset::restore(&mut conn, cs.id).expect("restore");
        let restored = counter.take();
        assert_eq!(
            live_comments(&mut conn).len() as i32,
            2 * posts_per * comments_per
        );

        author(&mut conn, 1)
            .soft_delete_with(&mut conn, DeleteOptions::new().at(day(1)))
            .expect("hide");
        counter.take();
        let purged = Author::purge_with(&mut conn, PurgeOptions::new(day(2))).expect("purge");
        let purge = counter.take();
        assert_eq!((purged.batches, purged.removed.total() as i32), (1, tree));
        let removed = author(&mut conn, 2)
            .hard_delete(&mut conn)
            .expect("hard delete");
        let hard = counter.take();
        assert_eq!(removed.total() as i32, tree);
        assert_eq!(
            authors::table
                .count()
                .get_result::<i64>(&mut conn)
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

#[test]
fn self_reference_five_deep() {
    let mut conn = connect("self_ref");
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
            .execute(&mut conn)
            .expect("insert");
    }
    let root: Category = categories::table
        .find(1)
        .select(Category::as_select())
        .first(&mut conn)
        .expect("c");
    let cs = root.soft_delete(&mut conn).expect("soft delete");
    assert_eq!(cs.rows_affected, 6);
    let live: Vec<i32> = Category::active()
        .select(categories::id)
        .load(&mut conn)
        .expect("live");
    assert_eq!(live, vec![6]);
    // Restoring a leaf restores the structure.
    let leaf: Category = categories::table
        .find(5)
        .select(Category::as_select())
        .first(&mut conn)
        .expect("c");
    let report = leaf.restore(&mut conn).expect("restore");
    assert_eq!(report.restored.get("categories"), 6);
    assert_eq!(
        Category::active()
            .count()
            .get_result::<i64>(&mut conn)
            .expect("count"),
        7
    );
}

#[test]
fn diamond_hides_each_row_once_and_restores_exactly() {
    let mut conn = connect("diamond");
    diesel::insert_into(projects::table)
        .values((projects::id.eq(1), projects::name.eq("p")))
        .execute(&mut conn)
        .expect("p");
    diesel::insert_into(milestones::table)
        .values(&vec![
            (milestones::id.eq(1), milestones::project_id.eq(1)),
            (milestones::id.eq(2), milestones::project_id.eq(1)),
        ])
        .execute(&mut conn)
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
        .execute(&mut conn)
        .expect("t");
    // Task 2 was deleted earlier through its milestone.
    let m2: Milestone = milestones::table
        .find(2)
        .select(Milestone::as_select())
        .first(&mut conn)
        .expect("m");
    let earlier = m2.soft_delete(&mut conn).expect("milestone");
    assert_eq!(earlier.rows_affected, 2);

    let p: Project = projects::table
        .find(1)
        .select(Project::as_select())
        .first(&mut conn)
        .expect("p");
    let cs = p.soft_delete(&mut conn).expect("project");
    assert_eq!(
        cs.rows_affected,
        1 + 1 + 2,
        "project, milestone 1, tasks 1 and 3; each row counted once"
    );
    let marks: Vec<(i32, Option<i64>)> = tasks::table
        .select((tasks::id, tasks::deletion_id))
        .order(tasks::id)
        .load(&mut conn)
        .expect("t");
    assert_eq!(
        marks,
        vec![(1, Some(cs.id)), (2, Some(earlier.id)), (3, Some(cs.id))]
    );

    Changeset::restore(&mut conn, cs.id).expect("restore");
    let live: Vec<i32> = Task::active()
        .select(tasks::id)
        .order(tasks::id)
        .load(&mut conn)
        .expect("t");
    assert_eq!(
        live,
        vec![1, 3],
        "task 2 stays hidden with the earlier changeset"
    );
    let ms: Vec<i32> = Milestone::active()
        .select(milestones::id)
        .load(&mut conn)
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
#[test]
fn join_row_under_two_parents_in_every_order() {
    for (delete_post_first, restore_post_first) in
        [(true, true), (true, false), (false, true), (false, false)]
    {
        let name = format!("join_{delete_post_first}_{restore_post_first}");
        let mut conn = connect(&name);
        seed_tagged(&mut conn);
        let (p, t) = (post(&mut conn, 1), tag(&mut conn, 1));
        let (cs_post, cs_tag) = if delete_post_first {
            let a = p.soft_delete(&mut conn).expect("post");
            (a, t.soft_delete(&mut conn).expect("tag"))
        } else {
            let b = t.soft_delete(&mut conn).expect("tag");
            (p.soft_delete(&mut conn).expect("post"), b)
        };
        let first_hider = if delete_post_first {
            cs_post.id
        } else {
            cs_tag.id
        };
        assert_eq!(join_row(&mut conn).deletion_id, Some(first_hider), "{name}");

        let (first, second) = if restore_post_first {
            (cs_post.id, cs_tag.id)
        } else {
            (cs_tag.id, cs_post.id)
        };
        Changeset::restore(&mut conn, first).expect("first restore");
        let row = join_row(&mut conn);
        assert!(
            row.deleted_at.is_some(),
            "{name}: join row must stay hidden while one parent is hidden"
        );
        assert_eq!(
            row.deletion_id,
            Some(second),
            "{name}: it comes back with the hidden parent's changeset"
        );

        Changeset::restore(&mut conn, second).expect("second restore");
        let row = join_row(&mut conn);
        assert!(
            row.deleted_at.is_none() && row.deletion_id.is_none(),
            "{name}: live once both parents are"
        );
    }
}

#[test]
fn earlier_changeset_stays_hidden_on_restore() {
    let mut conn = connect("earlier");
    seed_blog(&mut conn, 1, 1, 3);
    let monday = comment(&mut conn, 2)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(day(6)))
        .expect("monday");
    let tuesday = post(&mut conn, 1)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(day(7)))
        .expect("tuesday");
    assert_eq!(
        tuesday.rows_affected, 3,
        "the post and its two live comments"
    );
    Changeset::restore(&mut conn, tuesday.id).expect("restore");
    assert_eq!(live_comments(&mut conn), vec![1, 3]);
    assert_eq!(comment(&mut conn, 2).deletion_id, Some(monday.id));
    comment(&mut conn, 2)
        .restore(&mut conn)
        .expect("restore monday");
    assert_eq!(live_comments(&mut conn), vec![1, 2, 3]);
}

#[test]
fn restoring_a_cascaded_child_restores_the_structure() {
    let mut conn = connect("child_restore");
    seed_blog(&mut conn, 1, 2, 2);
    let cs = author(&mut conn, 1).soft_delete(&mut conn).expect("delete");
    let report = comment(&mut conn, 3).restore(&mut conn).expect("restore");
    assert_eq!(report.changeset.as_ref().map(|c| c.id), Some(cs.id));
    assert_eq!(report.restored.total(), 7);
    assert!(author(&mut conn, 1).deleted_at.is_none());
    assert_eq!(live_posts(&mut conn), vec![1, 2]);
    assert_eq!(live_comments(&mut conn), vec![1, 2, 3, 4]);
    assert!(matches!(
        comment(&mut conn, 3).restore(&mut conn),
        Err(SoftDeleteError::NotDeleted { table: "comments" })
    ));
}

#[test]
fn protect_blocks_soft_and_hard_delete_and_writes_nothing() {
    let mut conn = connect("protect");
    seed_blog(&mut conn, 1, 2, 2);
    diesel::insert_into(invoices::table)
        .values((
            invoices::id.eq(1),
            invoices::post_id.eq(2),
            invoices::amount.eq(10),
        ))
        .execute(&mut conn)
        .expect("invoice");
    let before = snapshot(&mut conn);
    let protected = |r: Result<_, SoftDeleteError>| {
        matches!(
            r,
            Err(SoftDeleteError::Protected {
                table: "invoices",
                live_children: 1
            })
        )
    };
    assert!(protected(
        post(&mut conn, 2).soft_delete(&mut conn).map(|_| ())
    ));
    assert!(
        protected(author(&mut conn, 1).soft_delete(&mut conn).map(|_| ())),
        "reached through the cascade"
    );
    assert!(protected(
        post(&mut conn, 2).hard_delete(&mut conn).map(|_| ())
    ));
    assert!(protected(
        author(&mut conn, 1).hard_delete(&mut conn).map(|_| ())
    ));
    assert_eq!(snapshot(&mut conn), before);
    // The unprotected post can go.
    post(&mut conn, 1)
        .soft_delete(&mut conn)
        .expect("post 1 has no invoice");
}

/// Hard delete and purge remove a leaf table (no cascade children; tasks) straight
/// through its parents' marks: its `protect` edges and a purge's refusal of live rows
/// must still see every leaf row, reached at either level of the diamond.
#[test]
fn protect_and_live_rows_of_a_leaf_block_removal() {
    use diesel::connection::SimpleConnection;
    let mut conn = connect("leaf_protect");
    conn.batch_execute(
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
            .execute(&mut conn)
            .expect("timesheet");
        let r = keys::project(1).hard_delete(&mut conn);
        assert!(
            matches!(
                r,
                Err(SoftDeleteError::Protected {
                    table: "timesheets",
                    live_children: 1
                })
            ),
            "timesheet on task {task}: {r:?}"
        );
        assert_eq!(tasks_left(&mut conn), 2);
        diesel::delete(timesheets::table)
            .execute(&mut conn)
            .expect("clear");
    }
    // A purge refuses a live task under a hidden project, at either level.
    keys::project(1)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(day(1)))
        .expect("hide");
    for task in [1, 2] {
        diesel::update(tasks::table.find(task))
            .set((
                tasks::deleted_at.eq(None::<chrono::NaiveDateTime>),
                tasks::deletion_id.eq(None::<i64>),
            ))
            .execute(&mut conn)
            .expect("a live task under a hidden project");
        let r = Project::purge_with(&mut conn, PurgeOptions::new(day(2)));
        assert!(
            matches!(
                r,
                Err(SoftDeleteError::Protected {
                    table: "tasks",
                    live_children: 1
                })
            ),
            "live task {task}: {r:?}"
        );
        assert_eq!(tasks_left(&mut conn), 2);
        diesel::update(tasks::table.find(task))
            .set((
                tasks::deleted_at.eq(Some(day(1))),
                tasks::deletion_id.eq(Some(0_i64)),
            ))
            .execute(&mut conn)
            .expect("hide again");
    }
    let report = Project::purge_with(&mut conn, PurgeOptions::new(day(2))).expect("purge");
    assert_eq!(
        (
            report.removed.get("projects"),
            report.removed.get("milestones"),
            report.removed.get("tasks")
        ),
        (1, 1, 2)
    );
    assert_eq!(tasks_left(&mut conn), 0);
}

#[test]
fn hook_error_at_third_level_rolls_back_the_first_two() {
    let mut conn = connect("hook_rollback");
    seed_blog(&mut conn, 1, 2, 2);
    let before = snapshot(&mut conn);
    let err = author(&mut conn, 1)
        .soft_delete_with(
            &mut conn,
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
    assert_eq!(snapshot(&mut conn), before);
    assert_eq!(changeset_count(&mut conn), 0);
}

#[test]
fn purge_removes_old_deletions_with_descendants_and_leaves_newer_ones() {
    let mut conn = connect("purge");
    seed_blog(&mut conn, 4, 2, 2);
    // A comment under author 1 hidden earlier by itself: it goes with its parent.
    comment(&mut conn, 1)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(day(1)))
        .expect("c");
    for a in 1..=3 {
        author(&mut conn, a)
            .soft_delete_with(&mut conn, DeleteOptions::new().at(day(2)))
            .expect("old");
    }
    let newer = author(&mut conn, 4)
        .soft_delete_with(&mut conn, DeleteOptions::new().at(day(20)))
        .expect("new");
    let report =
        Author::purge_with(&mut conn, PurgeOptions::new(day(10)).batch_size(2)).expect("purge");
    assert_eq!(report.batches, 2, "3 authors in batches of 2");
    assert_eq!(report.removed.get("authors"), 3);
    assert_eq!(report.removed.get("posts"), 6);
    assert_eq!(report.removed.get("comments"), 12);
    let left: Vec<i32> = authors::table
        .select(authors::id)
        .load(&mut conn)
        .expect("a");
    assert_eq!(left, vec![4]);
    assert_eq!(
        posts::table
            .count()
            .get_result::<i64>(&mut conn)
            .expect("p"),
        2
    );
    Changeset::restore(&mut conn, newer.id).expect("newer deletion is intact");
    assert_eq!(live_comments(&mut conn).len(), 4);
    // Temporary marks never survive.
    let negative: i64 = comments::table
        .filter(comments::deletion_id.lt(0))
        .count()
        .get_result(&mut conn)
        .expect("n");
    assert_eq!(negative, 0);
    let future = chrono::Utc::now().naive_utc() + chrono::Duration::days(1);
    assert!(matches!(
        Author::purge(&mut conn, future),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
}

#[test]
fn hard_delete_removes_descendants_children_first() {
    let mut conn = connect("hard_delete");
    seed_blog(&mut conn, 2, 2, 2);
    comment(&mut conn, 1)
        .soft_delete(&mut conn)
        .expect("hidden comment goes too");
    let removed = author(&mut conn, 1)
        .hard_delete(&mut conn)
        .expect("hard delete");
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
        .load(&mut conn)
        .expect("c");
    assert_eq!(left, vec![5, 6, 7, 8]);
    let cs_rows: i64 = changeset_count(&mut conn);
    assert_eq!(
        cs_rows, 1,
        "only the comment's changeset; the reserved one is released"
    );
    assert!(matches!(
        keys::author(1).hard_delete(&mut conn),
        Err(SoftDeleteError::NotFound { table: "authors" })
    ));
}

#[test]
fn hard_delete_with_on_delete_cascade_in_the_schema() {
    let ddl = ddl()
        .replace(
            "REFERENCES authors (id)",
            "REFERENCES authors (id) ON DELETE CASCADE",
        )
        .replace(
            "REFERENCES posts (id)",
            "REFERENCES posts (id) ON DELETE CASCADE",
        );
    let mut conn = connect_with("hard_delete_on_delete_cascade", &ddl);
    seed_blog(&mut conn, 2, 2, 2);
    let removed = author(&mut conn, 2)
        .hard_delete(&mut conn)
        .expect("hard delete");
    assert_eq!(
        removed.total(),
        1 + 2 + 4,
        "children are removed first, so the schema cascade finds nothing left"
    );
    let left: Vec<i32> = comments::table
        .select(comments::id)
        .order(comments::id)
        .load(&mut conn)
        .expect("c");
    assert_eq!(left, vec![1, 2, 3, 4]);
}

#[test]
fn bulk_soft_delete_is_one_changeset() {
    let mut conn = connect("bulk");
    seed_blog(&mut conn, 1, 4, 2);
    let cs = Post::soft_delete_where(&mut conn, posts::id.le(3)).expect("bulk");
    assert_eq!(cs.rows_affected, 3 + 6);
    assert_eq!(cs.root_key, None);
    assert_eq!(live_posts(&mut conn), vec![4]);
    assert!(matches!(
        Post::soft_delete_where(&mut conn, posts::id.le(3)),
        Err(SoftDeleteError::NotFound { table: "posts" })
    ));
    Changeset::restore(&mut conn, cs.id).expect("restore");
    assert_eq!(live_posts(&mut conn), vec![1, 2, 3, 4]);
}

#[test]
fn changeset_list_pages_newest_first_with_filters() {
    let mut conn = connect("list");
    seed_blog(&mut conn, 1, 5, 0);
    let mut ids = Vec::new();
    for p in 1..=5 {
        let actor = if p % 2 == 0 { "even" } else { "odd" };
        let opts = DeleteOptions::new().actor(actor).at(day(p as u32));
        ids.push(
            post(&mut conn, p)
                .soft_delete_with(&mut conn, opts)
                .expect("d")
                .id,
        );
    }
    Changeset::restore(&mut conn, ids[0]).expect("restore");
    let page1 = Changeset::list(&mut conn, &ChangesetFilter::new().limit(2)).expect("list");
    assert_eq!(
        page1.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let page2 = Changeset::list(
        &mut conn,
        &ChangesetFilter::new().limit(2).before_id(page1[1].id),
    )
    .expect("list");
    assert_eq!(
        page2.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let odd_trash = Changeset::list(
        &mut conn,
        &ChangesetFilter::new().actor("odd").restored(false),
    )
    .expect("list");
    assert_eq!(
        odd_trash.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[4], ids[2]]
    );
    let dated = Changeset::list(
        &mut conn,
        &ChangesetFilter::new().since(day(2)).until(day(4)),
    )
    .expect("list");
    assert_eq!(
        dated.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]],
        "created on days 2 and 3"
    );
    let authors_only =
        Changeset::list(&mut conn, &ChangesetFilter::new().root_table("authors")).expect("list");
    assert!(authors_only.is_empty());
    assert!(matches!(
        Changeset::restore(&mut conn, 999_999),
        Err(SoftDeleteError::ChangesetNotFound { id: 999_999 })
    ));
}
