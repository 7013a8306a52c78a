//! Every row operation awaited inside a spawned task that borrows the row and the connection
//! across its awaits, as an axum handler does. Such a task compiles only when the operations'
//! futures are `Send` for every lifetime of those borrows: `restore` and `export_tree` were not
//! (rustc's "implementation of `Send` is not general enough"), which a `tokio::spawn` of the
//! bare future does not show.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use soft_delete_runtime::asynchronous::prelude::*;

use super::{AsyncConn, Db};
use crate::common::models::*;
use crate::common::schema::*;
use crate::common::TestDb;

#[tokio::test]
async fn row_operations_run_in_a_spawned_task_that_borrows_across_awaits() {
    let name = format!("{}::spawned", module_path!());
    let _schema = Db::connect(&name, &ddl()); // (an in-memory SQLite lives while it is open)
    let mut conn = AsyncConn::establish(&Db::url(&name))
        .await
        .expect("async connection");
    diesel::insert_into(authors::table)
        .values((authors::id.eq(1), authors::name.eq("Ada")))
        .execute(&mut conn)
        .await
        .expect("author");
    diesel::insert_into(posts::table)
        .values((
            posts::id.eq(1),
            posts::author_id.eq(1),
            posts::title.eq("Notes"),
        ))
        .execute(&mut conn)
        .await
        .expect("post");

    let task = tokio::spawn(async move {
        let conn = &mut conn;
        let ada: Author = authors::table
            .find(1)
            .select(Author::as_select())
            .first(conn)
            .await?;
        let ada = &ada;
        let hidden = ada.soft_delete(conn).await?.rows_affected;
        let exported = ada.export_tree(conn).await?;
        let restored = ada.restore(conn).await?.restored.total();
        let again = ada.soft_delete(conn).await?;
        let restored_with = ada
            .restore_with(conn, RestoreOptions::new().actor("bob"))
            .await?
            .restored
            .total();
        let record = Changeset::find(conn, again.id).await?;
        let erased = ada.erase(conn, EraseOptions::new()).await?.removed.total();
        Ok::<_, SoftDeleteError>((hidden, exported, restored, restored_with, record, erased))
    });
    let (hidden, exported, restored, restored_with, record, erased) =
        task.await.expect("task").expect("operations");

    assert_eq!(hidden, 2);
    assert_eq!(exported["posts"].as_array().map(Vec::len), Some(1));
    assert_eq!((restored, restored_with), (2, 2));
    assert_eq!(record.restored_by.as_deref(), Some("bob"));
    assert_eq!(erased, 2);
}
