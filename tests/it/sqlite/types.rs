//! SQLite's column type for `DateTime<Utc>` markers: `TimestamptzSqlite`.

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::Db;
use crate::common::TestDb;

diesel::table! {
    events_sqlite (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<TimestamptzSqlite>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(Debug, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = events_sqlite)]
pub struct Event {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[test]
fn datetime_utc_marker_on_sqlite() {
    let mut conn = Db::connect(
        &format!("{}::tz", module_path!()),
        "CREATE TABLE events_sqlite (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
             deleted_at TIMESTAMP, deletion_id BIGINT);
         INSERT INTO events_sqlite (id, name) VALUES (1, 'launch'), (2, 'party');",
    );
    let at = Utc
        .with_ymd_and_hms(2030, 5, 6, 7, 8, 9)
        .single()
        .expect("time");
    let e: Event = events_sqlite::table
        .find(1)
        .select(Event::as_select())
        .first(&mut conn)
        .expect("e");
    e.soft_delete_with(&mut conn, DeleteOptions::new().at(at.naive_utc()))
        .expect("delete");
    let hidden: Event = events_sqlite::table
        .find(1)
        .select(Event::as_select())
        .first(&mut conn)
        .expect("e");
    assert_eq!(hidden.deleted_at, Some(at));
    let live: Vec<i32> = Event::active()
        .select(events_sqlite::id)
        .load(&mut conn)
        .expect("live");
    assert_eq!(live, vec![2]);
    hidden.restore(&mut conn).expect("restore");
    assert_eq!(
        Event::active()
            .count()
            .get_result::<i64>(&mut conn)
            .expect("n"),
        2
    );
}
