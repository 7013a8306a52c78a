//! PostgreSQL's column types: `Uuid` keys and `DateTime<Utc>` markers as `Timestamptz`.

use chrono::{DateTime, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

use super::Db;
use crate::common::TestDb;

diesel::table! {
    events_pg (id) {
        id -> Uuid,
        name -> Text,
        deleted_at -> Nullable<Timestamptz>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(Debug, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = events_pg)]
pub struct Event {
    pub id: uuid::Uuid,
    pub name: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub deletion_id: Option<i64>,
}

#[test]
fn uuid_key_and_timestamptz_marker_on_postgres() {
    let mut conn = Db::connect(
        &format!("{}::uuid_tz", module_path!()),
        "CREATE TABLE events_pg (id UUID PRIMARY KEY, name TEXT NOT NULL,
             deleted_at TIMESTAMPTZ, deletion_id BIGINT);",
    );
    // The session time zone must not matter: the marker is bound as timestamptz.
    conn.batch_execute("SET TIME ZONE 'America/New_York'")
        .expect("tz");
    let (a, b) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    diesel::insert_into(events_pg::table)
        .values(&vec![
            (events_pg::id.eq(a), events_pg::name.eq("a")),
            (events_pg::id.eq(b), events_pg::name.eq("b")),
        ])
        .execute(&mut conn)
        .expect("insert");
    let at = Utc
        .with_ymd_and_hms(2030, 5, 6, 7, 8, 9)
        .single()
        .expect("time");
    let e: Event = events_pg::table
        .find(a)
        .select(Event::as_select())
        .first(&mut conn)
        .expect("e");
    let cs = e
        .soft_delete_with(&mut conn, DeleteOptions::new().at(at.naive_utc()))
        .expect("delete");
    assert_eq!(cs.root_key, Some(a.to_string()));
    let hidden: Event = events_pg::table
        .find(a)
        .select(Event::as_select())
        .first(&mut conn)
        .expect("e");
    assert_eq!(hidden.deleted_at, Some(at));
    let live: Vec<uuid::Uuid> = Event::active()
        .select(events_pg::id)
        .load(&mut conn)
        .expect("live");
    assert_eq!(live, vec![b]);
    let report = hidden.restore(&mut conn).expect("restore");
    assert_eq!(report.changeset.map(|c| c.id), Some(cs.id));
    assert_eq!(
        Event::active()
            .count()
            .get_result::<i64>(&mut conn)
            .expect("n"),
        2
    );
}
