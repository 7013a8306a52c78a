//! Backend-specific column types and connection kinds: `DateTime<Utc>` markers
//! (`Timestamptz` on PostgreSQL, `TimestamptzSqlite` on SQLite), `Uuid` keys on PostgreSQL, and
//! connections checked out of an r2d2 pool on every backend.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use soft_delete_runtime::prelude::*;

mod sqlite_tz {
    use super::*;

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
        let mut conn = common::sqlite_connect(
            "tz",
            "CREATE TABLE events_sqlite (id INTEGER PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMP, deletion_id BIGINT);
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
}

#[cfg(feature = "postgres")]
mod postgres_types {
    use super::*;
    use diesel::connection::SimpleConnection;

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
        let mut conn = common::pg_connect(
            "backends::uuid_tz",
            "CREATE TABLE events_pg (id UUID PRIMARY KEY, name TEXT NOT NULL, deleted_at TIMESTAMPTZ, deletion_id BIGINT);",
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
}

/// Operations accept connections checked out of an r2d2 pool.
macro_rules! pool_suite {
    () => {
        #[test]
        fn pooled_connection_soft_delete_and_restore() {
            use crate::common::models::User;
            use crate::common::schema::users;

            // Set the schema up on one connection, then run the operations on a pooled one
            // pointing at the same database.
            let url = match DIALECT {
                soft_delete_runtime::backend::Dialect::Sqlite => {
                    let path =
                        std::env::temp_dir().join(format!("sd_pool_{}.db", std::process::id()));
                    let _ = std::fs::remove_file(&path);
                    path.to_string_lossy().into_owned()
                }
                _ => String::new(),
            };
            let mut setup = if url.is_empty() {
                connect("pool", crate::common::schema::DDL)
            } else {
                let mut c = <Conn as diesel::Connection>::establish(&url).expect("file db");
                soft_delete_runtime::migration::install(&mut c).expect("install");
                diesel::connection::SimpleConnection::batch_execute(
                    &mut c,
                    &crate::common::ddl(DIALECT, crate::common::schema::DDL),
                )
                .expect("ddl");
                c
            };
            diesel::insert_into(users::table)
                .values((users::id.eq(1_i64), users::email.eq("p@x")))
                .execute(&mut setup)
                .expect("insert");
            let pool_url = if url.is_empty() {
                current_url(&mut setup)
            } else {
                url.clone()
            };
            let pool = Pool::builder()
                .max_size(2)
                .build(ConnectionManager::<Conn>::new(pool_url))
                .expect("pool");
            let mut pooled = pool.get().expect("checkout");
            prepare_pooled(&mut pooled);
            let u: User = users::table
                .find(1_i64)
                .select(User::as_select())
                .first(&mut pooled)
                .expect("u");
            u.soft_delete(&mut pooled)
                .expect("soft delete on a pooled connection");
            assert_eq!(
                User::active()
                    .count()
                    .get_result::<i64>(&mut pooled)
                    .expect("n"),
                0
            );
            u.restore(&mut pooled)
                .expect("restore on a pooled connection");
            assert_eq!(
                User::active()
                    .count()
                    .get_result::<i64>(&mut setup)
                    .expect("n"),
                1
            );
            if !url.is_empty() {
                drop(pooled);
                drop(pool);
                let _ = std::fs::remove_file(&url);
            }
        }
    };
}

mod pool_sqlite {
    use super::*;
    type Conn = diesel::SqliteConnection;
    const DIALECT: soft_delete_runtime::backend::Dialect =
        soft_delete_runtime::backend::Dialect::Sqlite;
    fn connect(_: &str, _: &str) -> Conn {
        unreachable!("SQLite uses a file database here")
    }
    fn current_url(_: &mut Conn) -> String {
        unreachable!("SQLite uses a file database here")
    }
    fn prepare_pooled(_: &mut diesel::r2d2::PooledConnection<ConnectionManager<Conn>>) {}
    pool_suite!();
}

#[cfg(feature = "postgres")]
mod pool_postgres {
    use super::*;
    use diesel::connection::SimpleConnection;
    type Conn = diesel::PgConnection;
    const DIALECT: soft_delete_runtime::backend::Dialect =
        soft_delete_runtime::backend::Dialect::Postgres;
    fn connect(name: &str, ddl: &str) -> Conn {
        common::pg_connect(&format!("backends::{name}"), ddl)
    }
    fn current_url(_: &mut Conn) -> String {
        std::env::var("PG_DATABASE_URL").expect("url")
    }
    fn prepare_pooled(c: &mut diesel::r2d2::PooledConnection<ConnectionManager<Conn>>) {
        c.batch_execute(&format!(
            "SET search_path TO {}",
            common::db_name("backends::pool")
        ))
        .expect("search path");
    }
    pool_suite!();
}

#[cfg(feature = "mysql")]
mod pool_mysql {
    use super::*;
    type Conn = diesel::MysqlConnection;
    const DIALECT: soft_delete_runtime::backend::Dialect =
        soft_delete_runtime::backend::Dialect::Mysql;
    fn connect(name: &str, ddl: &str) -> Conn {
        common::mysql_connect(&format!("backends::{name}"), ddl)
    }
    fn current_url(_: &mut Conn) -> String {
        let url = std::env::var("MYSQL_DATABASE_URL").expect("url");
        let base = url
            .rsplit_once('/')
            .map_or(url.as_str(), |(b, _)| b)
            .to_owned();
        format!("{base}/{}", common::db_name("backends::pool"))
    }
    fn prepare_pooled(_: &mut diesel::r2d2::PooledConnection<ConnectionManager<Conn>>) {}
    pool_suite!();
}
