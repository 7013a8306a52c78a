//! Pooled connections (deadpool and bb8, through diesel-async's `AsyncDieselConnectionManager`):
//! every operation takes the pooled object itself (`&mut pooled`: deadpool's `Object`, bb8's
//! `get_owned()`) or the connection in it (`&mut *pooled`: any of them, bb8's `get()` too), and a
//! connection handed back after an operation serves the next checkout.

use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::{bb8, deadpool};
use diesel_async::{AsyncConnection, TransactionManager};
use soft_delete_runtime::asynchronous::{ChangesetStore, SoftDelete};
use soft_delete_runtime::{Changeset, ChangesetFilter, RestoreOptions, SoftDeleteAsyncConnection};

use super::super::rows::author;
use super::{connect, live_tree, name, AsyncConn, Conn, Db};
use crate::common::TestDb;

/// The backend of this module's connections.
type Backend = <Conn as diesel::Connection>::Backend;

/// Soft-deletes authors 1 (on `first`) and 2 (on `second`), lists, finds and reads both
/// changesets, restores author 1's on `second` and author 2's on `first`.
async fn exercise<A, B>(first: &mut A, second: &mut B, conn: &mut Conn)
where
    A: SoftDeleteAsyncConnection<Backend = Backend>,
    B: SoftDeleteAsyncConnection<Backend = Backend>,
{
    let (one, two) = (author(conn, 1), author(conn, 2));
    let cs1 = one
        .soft_delete(first)
        .await
        .expect("soft delete on the first");
    let cs2 = two
        .soft_delete(second)
        .await
        .expect("soft delete on the second");
    assert_eq!((cs1.rows_affected, cs2.rows_affected), (10, 10));
    assert_eq!((live_tree(conn, 1), live_tree(conn, 2)), ((0, 0), (0, 0)));

    let listed = Changeset::list(first, &ChangesetFilter::new())
        .await
        .expect("list");
    assert_eq!(listed, vec![cs2.clone(), cs1.clone()], "newest first");
    assert_eq!(Changeset::find(second, cs1.id).await.expect("find"), cs1);
    let rows = Changeset::rows(first, cs2.id).await.expect("rows");
    assert_eq!(rows.iter().map(|r| r.keys.len()).sum::<usize>(), 10);

    let restored = Changeset::restore(second, cs1.id).await.expect("restore");
    assert_eq!(restored.restored.total(), 10);
    let options = RestoreOptions::new().actor("pool");
    let restored = Changeset::restore_with(first, cs2.id, &options)
        .await
        .expect("restore_with");
    assert_eq!(restored.restored.total(), 10);
    assert_eq!((live_tree(conn, 1), live_tree(conn, 2)), ((3, 6), (3, 6)));
    let unrestored = ChangesetFilter::new().restored(false);
    let open = Changeset::list(second, &unrestored).await.expect("list");
    assert!(open.is_empty(), "both restored: {open:?}");
}

/// A checked-out connection that is idle: outside any transaction, not broken.
fn assert_idle<C: AsyncConnection>(conn: &mut C) {
    let status = C::TransactionManager::transaction_manager_status_mut(conn);
    assert_eq!(
        status.transaction_depth().ok(),
        Some(None),
        "a connection back from the pool is outside any transaction"
    );
}

/// Soft-deletes author 1's tree on `again`, a connection checked out after `exercise`.
async fn soft_delete_author_1<C>(again: &mut C, conn: &mut Conn)
where
    C: SoftDeleteAsyncConnection<Backend = Backend>,
{
    let one = author(conn, 1);
    one.soft_delete(again).await.expect("soft delete");
    assert_eq!(live_tree(conn, 1), (0, 0));
}

#[tokio::test]
async fn deadpool_connections() {
    let test = "deadpool_connections";
    let (mut conn, _) = connect(test, 2).await;
    let manager = AsyncDieselConnectionManager::<AsyncConn>::new(Db::url(&name(test)));
    let pool = deadpool::Pool::builder(manager)
        .max_size(2)
        .build()
        .expect("pool");
    let mut first = pool.get().await.expect("checkout");
    let mut second = pool.get().await.expect("checkout");
    exercise(&mut first, &mut *second, &mut conn).await;
    drop((first, second));

    let mut again = pool.get().await.expect("checkout after use");
    assert_idle(&mut *again);
    soft_delete_author_1(&mut again, &mut conn).await;
    assert_eq!(pool.status().size, 2, "no connection was discarded");
}

#[tokio::test]
async fn bb8_connections() {
    let test = "bb8_connections";
    let (mut conn, _) = connect(test, 2).await;
    let manager = AsyncDieselConnectionManager::<AsyncConn>::new(Db::url(&name(test)));
    let pool = bb8::Pool::builder()
        .max_size(2)
        .build(manager)
        .await
        .expect("pool");
    // `get_owned`: a `PooledConnection<'static, _>`, which passes as `&mut pooled`; one that
    // borrows the pool passes as `&mut *pooled`.
    let mut first = pool.get_owned().await.expect("checkout");
    let mut second = pool.get().await.expect("checkout");
    exercise(&mut first, &mut *second, &mut conn).await;
    drop((first, second));

    let mut again = pool.get().await.expect("checkout after use");
    assert_idle(&mut *again);
    soft_delete_author_1(&mut *again, &mut conn).await;
}
