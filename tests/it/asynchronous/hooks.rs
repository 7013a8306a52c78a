//! Hooks that await queries: a ledger's `after_soft_delete_async` / `after_restore_async`
//! insert an `audit_log` row through `ctx.connection::<AsyncConn>()`, inside the operation's
//! transaction. The row commits with the operation and goes when a later hook vetoes it.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use soft_delete_runtime::asynchronous::SoftDelete as AsyncSoftDelete;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;

use super::{name, open, Conn, Db};
use crate::common::models::{Ledger, VETO_IN_LINES};
use crate::common::schema::*;
use crate::common::TestDb;

/// The audit rows: (event, changeset, rows), in insertion order.
fn audit(conn: &mut Conn) -> Vec<(String, Option<i64>, i64)> {
    audit_log::table
        .select((
            audit_log::event,
            audit_log::changeset_id,
            audit_log::touched,
        ))
        .order(audit_log::id)
        .load(conn)
        .expect("audit log")
}

fn ledger(conn: &mut Conn, id: i32) -> Ledger {
    ledgers::table
        .find(id)
        .select(Ledger::as_select())
        .first(conn)
        .expect("ledger")
}

/// Live lines of ledger `id`.
fn live_lines(conn: &mut Conn, id: i32) -> i64 {
    ledger_lines::table
        .filter(ledger_lines::ledger_id.eq(id))
        .filter(ledger_lines::deleted_at.is_null())
        .count()
        .get_result(conn)
        .expect("lines")
}

#[tokio::test]
async fn async_hooks_write_inside_the_transaction() {
    let test = "async_hooks_write";
    let mut conn = Db::connect(&name(test), &ddl());
    conn.batch_execute(
        "INSERT INTO ledgers (id, name) VALUES (1, 'l1'), (2, 'l2');
         INSERT INTO ledger_lines (id, ledger_id) VALUES (1, 1), (2, 1), (3, 2);",
    )
    .expect("ledgers");
    let mut aconn = open(test).await;
    let (one, two) = (ledger(&mut conn, 1), ledger(&mut conn, 2));

    let cs = AsyncSoftDelete::soft_delete(&one, &mut aconn)
        .await
        .expect("soft delete");
    assert_eq!(cs.rows_affected, 3);
    assert_eq!(
        audit(&mut conn),
        vec![("soft_delete".to_owned(), Some(cs.id), 1)],
        "the hook's row committed with the operation"
    );

    let vetoed = AsyncSoftDelete::soft_delete_with(
        &two,
        &mut aconn,
        DeleteOptions::new().reason(VETO_IN_LINES),
    )
    .await;
    assert!(
        matches!(
            vetoed,
            Err(SoftDeleteError::Aborted {
                table: "ledger_lines",
                ..
            })
        ),
        "{vetoed:?}"
    );
    assert_eq!(
        audit(&mut conn).len(),
        1,
        "the vetoed operation's audit row is gone"
    );
    assert_eq!(live_lines(&mut conn, 2), 1);
    let changesets: i64 = soft_delete_changesets::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(changesets, 1);

    let report = AsyncSoftDelete::restore(&one, &mut aconn)
        .await
        .expect("restore on the connection after the veto");
    assert_eq!(report.restored.total(), 3);
    assert_eq!(
        audit(&mut conn),
        vec![
            ("soft_delete".to_owned(), Some(cs.id), 1),
            ("restore".to_owned(), Some(cs.id), 1)
        ]
    );
    assert_eq!(live_lines(&mut conn, 1), 2);

    // The synchronous API runs the synchronous hooks (here the defaults): no audit row.
    SoftDelete::soft_delete(&two, &mut conn).expect("sync soft delete");
    assert_eq!(audit(&mut conn).len(), 2);
}
