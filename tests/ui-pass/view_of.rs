//! Several structs over one table: `User` states the facts, `UserName` is another model of
//! the same table (`view_of = User`) with the row methods and reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        user_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = users)]
#[soft_delete(cascade(posts::user_id))]
pub struct User {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Queryable, Selectable, SoftDeletable)]
#[diesel(table_name = users)]
#[soft_delete(view_of = User)]
pub struct UserName {
    pub id: i32,
    pub name: String,
}

fn main() {
    let _ = |conn: &mut SqliteConnection| {
        UserName::active()
            .select(UserName::as_select())
            .load(conn)
    };
    let _ = UserName::only_deleted().count();
    let _ = |conn: &mut SqliteConnection, u: &UserName| u.soft_delete(conn).map(|c| c.id);
}
