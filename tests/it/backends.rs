//! Connection kinds: the operations accept connections checked out of an r2d2 pool. (The
//! backend-specific column types are tested in each backend's own directory.)

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use soft_delete_runtime::prelude::*;

use super::{Conn, Db};
use crate::common::models::User;
use crate::common::schema::{ddl, users};
use crate::common::TestDb;

#[test]
fn pooled_connection_soft_delete_and_restore() {
    // Set the schema up on one connection, then run the operations on a pooled one pointing at
    // the same database.
    let test = format!("{}::pool", module_path!());
    let mut setup = Db::connect(&test, &ddl());
    diesel::insert_into(users::table)
        .values((users::id.eq(1_i64), users::email.eq("p@x")))
        .execute(&mut setup)
        .expect("insert");
    let pool = Pool::builder()
        .max_size(2)
        .build(ConnectionManager::<Conn>::new(Db::url(&test)))
        .expect("pool");
    let mut pooled = pool.get().expect("checkout");
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
}
