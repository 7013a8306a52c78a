//! The invariants every interleaving of soft deletes and restores must leave, checked over a
//! seeded blog (authors → posts → comments, tags → post_tags, a category tree): the concurrency
//! suites, sync (`concurrency.rs`) and async (`asynchronous/tasks.rs`), run their workloads on
//! [`seed`] and then [`check_invariants`], drawing their operations with [`draw`].
//!
//! - a row is hidden exactly when it carries a changeset id (`deleted_at` and `deletion_id`
//!   agree), and that changeset exists and is not restored (no restored id remains anywhere);
//! - every row a changeset carries is that changeset's root or hangs off a row it carries
//!   (no changeset holds rows outside its own structure);
//! - no live row hangs off a hidden row (hiding a parent hides everything below it).

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;

use super::Conn;

pub const AUTHORS: i32 = 3;
pub const POSTS: i32 = 9;
pub const COMMENTS: i32 = 27;
pub const TAGS: i32 = 2;
pub const CATEGORIES: i32 = 10;
/// Rows of the seeded blog (soft deletes and restores never remove one).
pub const SEEDED: usize = (AUTHORS + POSTS + COMMENTS + TAGS + POSTS + CATEGORIES) as usize;

/// 3 authors × 3 posts × 3 comments, 2 tags on alternate posts, and a category tree
/// 1 → 2 → 3 → 4, 1 → 5, 2 → 6 → 7, 8 → 9 → 10.
pub fn seed(conn: &mut Conn) {
    let mut sql = String::new();
    for a in 1..=AUTHORS {
        sql += &format!("INSERT INTO authors (id, name) VALUES ({a}, 'a');\n");
    }
    for p in 1..=POSTS {
        sql += &format!(
            "INSERT INTO posts (id, author_id, title) VALUES ({p}, {}, 'p');\n",
            (p - 1) / 3 + 1
        );
    }
    for c in 1..=COMMENTS {
        sql += &format!(
            "INSERT INTO comments (id, post_id, body) VALUES ({c}, {}, 'c');\n",
            (c - 1) / 3 + 1
        );
    }
    for t in 1..=TAGS {
        sql += &format!("INSERT INTO tags (id, name) VALUES ({t}, 't');\n");
    }
    for p in 1..=POSTS {
        sql += &format!(
            "INSERT INTO post_tags (id, post_id, tag_id) VALUES ({p}, {p}, {});\n",
            p % TAGS + 1
        );
    }
    for (id, parent) in [
        (1, "NULL"),
        (2, "1"),
        (3, "2"),
        (4, "3"),
        (5, "1"),
        (6, "2"),
        (7, "6"),
        (8, "NULL"),
        (9, "8"),
        (10, "9"),
    ] {
        sql += &format!(
            "INSERT INTO categories (id, parent_id, name) VALUES ({id}, {parent}, 'k');\n"
        );
    }
    conn.batch_execute(&sql).expect("seed");
}
/// A small deterministic generator (xorshift64*), one per thread or task.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
    pub fn id(&mut self, max: i32) -> i32 {
        self.below(max as u64) as i32 + 1
    }
}

/// One random operation of a workload, before it is run.
pub struct Draw {
    /// 0..20: which kind of operation (each suite maps the ranges).
    pub roll: u64,
    /// 0 authors, 1 posts, 2 comments, 3 tags, 4 categories.
    pub table: u64,
    /// A row of `table`.
    pub id: i32,
    /// One of the `known` changesets, if there is any yet.
    pub changeset: Option<i64>,
}

/// Draws a roll, a table, a row of it and one of the `known` changesets, in that order.
pub fn draw(rng: &mut Rng, known: &Mutex<Vec<i64>>) -> Draw {
    let roll = rng.below(20);
    let table = rng.below(5);
    let id = match table {
        0 => rng.id(AUTHORS),
        1 => rng.id(POSTS),
        2 => rng.id(COMMENTS),
        3 => rng.id(TAGS),
        _ => rng.id(CATEGORIES),
    };
    let changeset = {
        let k = known.lock().expect("known");
        (!k.is_empty()).then(|| k[rng.below(k.len() as u64) as usize])
    };
    Draw {
        roll,
        table,
        id,
        changeset,
    }
}

type Key = (&'static str, i32);

struct Stored {
    parents: Vec<Key>,
    deleted_at: Option<NaiveDateTime>,
    deletion_id: Option<i64>,
}

/// Every row, read as `model_based.rs` reads them, with its parents as keys.
fn load_rows(conn: &mut Conn) -> BTreeMap<Key, Stored> {
    let rows = super::model_based::load(conn).expect("rows");
    rows.into_iter()
        .map(|((table, id), row)| {
            let parents = table
                .parent_tables()
                .iter()
                .zip(row.fks)
                .filter_map(|(parent, fk)| Some((parent.name(), fk?)))
                .collect();
            let stored = Stored {
                parents,
                deleted_at: row.deleted_at,
                deletion_id: row.deletion_id,
            };
            ((table.name(), id), stored)
        })
        .collect()
}

/// Violations of the invariants, by kind.
#[derive(Default)]
pub struct Check {
    /// Rows of the soft-deletable tables (soft deletes and restores never remove one).
    pub rows: usize,
    pub rows_checked: usize,
    /// `deleted_at` and `deletion_id` disagree, or the changeset is missing or restored.
    pub unaccounted: Vec<String>,
    /// A row carried by a changeset that is neither its root nor above it.
    pub outside_structure: Vec<String>,
    /// A live row under a hidden parent.
    pub live_under_hidden: Vec<String>,
}

impl Check {
    pub fn assert_clean(&self, what: &str) {
        assert!(
            self.unaccounted.is_empty(),
            "{what}: rows not accounted for:\n{}",
            self.unaccounted.join("\n")
        );
        assert!(
            self.outside_structure.is_empty(),
            "{what}: changesets hold rows outside their structure:\n{}",
            self.outside_structure.join("\n")
        );
        assert!(
            self.live_under_hidden.is_empty(),
            "{what}: live rows under hidden parents:\n{}",
            self.live_under_hidden.join("\n")
        );
    }
}

pub fn check_invariants(conn: &mut Conn) -> Check {
    let rows = load_rows(conn);
    let changesets: BTreeMap<i64, Changeset> = soft_delete_changesets::table
        .select(Changeset::as_select())
        .load(conn)
        .expect("changesets")
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut check = Check {
        rows: rows.len(),
        rows_checked: rows.len() + changesets.len(),
        ..Check::default()
    };
    for (key, row) in &rows {
        match (row.deleted_at, row.deletion_id) {
            (None, None) => {
                for p in &row.parents {
                    if rows.get(p).is_some_and(|p| p.deleted_at.is_some()) {
                        check.live_under_hidden.push(format!(
                            "{key:?} is live under hidden {p:?} (changeset {:?})",
                            rows[p].deletion_id
                        ));
                    }
                }
            }
            (Some(_), Some(id)) => match changesets.get(&id) {
                None => check.unaccounted.push(format!(
                    "{key:?} is hidden by changeset {id}, which does not exist"
                )),
                Some(cs) if cs.restored_at.is_some() => check.unaccounted.push(format!(
                    "{key:?} is hidden by changeset {id}, which was restored"
                )),
                Some(cs) => {
                    let root = cs.root_table == key.0
                        && cs.root_key.as_ref().is_none_or(|k| *k == key.1.to_string());
                    let under = row
                        .parents
                        .iter()
                        .any(|p| rows.get(p).is_some_and(|p| p.deletion_id == Some(id)));
                    if !root && !under {
                        check.outside_structure.push(format!(
                            "{key:?} carries changeset {id} (root {}:{:?}) but neither is its \
                             root nor hangs off a row it carries",
                            cs.root_table, cs.root_key
                        ));
                    }
                }
            },
            (d, x) => check
                .unaccounted
                .push(format!("{key:?}: deleted_at {d:?} with deletion_id {x:?}")),
        }
    }
    check
}
