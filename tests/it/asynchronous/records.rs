//! The changeset and erasure records on a diesel-async connection — `Changeset::{find, list,
//! rows, restore_with, redact_actor}`, `Erasure::list`, `asynchronous::migration::install` —
//! give what the synchronous API gives on the same database.

use diesel::connection::SimpleConnection;
use soft_delete_runtime::asynchronous as aio;
use soft_delete_runtime::asynchronous::SoftDelete as AsyncSoftDelete;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{ChangesetFilter, ErasureStore};

use super::super::rows::author;
use super::{connect, AsyncConn, Conn};
use crate::common::models::Author;

/// `install` on an async connection: idempotent on an installed database, and on one without
/// the runtime's tables it creates them (the sync API then reads them).
async fn install_on_a_bare_database(conn: &mut Conn, aconn: &mut AsyncConn) {
    soft_delete_runtime::asynchronous::migration::install(aconn)
        .await
        .expect("install on an installed database");
    conn.batch_execute("DROP TABLE soft_delete_erasures; DROP TABLE soft_delete_changesets;")
        .expect("drop");
    assert!(Changeset::list(conn, &ChangesetFilter::new()).is_err());
    soft_delete_runtime::asynchronous::migration::install(aconn)
        .await
        .expect("install");
    assert_eq!(
        Changeset::list(conn, &ChangesetFilter::new()).ok(),
        Some(vec![])
    );
    assert_eq!(<Erasure as ErasureStore>::list(conn).ok(), Some(vec![]));
}

#[tokio::test]
async fn records_read_and_written_as_the_sync_api_does() {
    let (mut conn, mut aconn) = connect("records_as_sync", 4).await;
    install_on_a_bare_database(&mut conn, &mut aconn).await;
    let authors: Vec<Author> = (1..=4).map(|a| author(&mut conn, a)).collect();

    let alice = DeleteOptions::new().actor("alice").reason("spam");
    let cs1 = AsyncSoftDelete::soft_delete_with(&authors[0], &mut aconn, alice.clone())
        .await
        .expect("async soft delete");
    let cs2 = SoftDelete::soft_delete_with(&authors[1], &mut conn, alice).expect("sync");
    let cs3 = AsyncSoftDelete::soft_delete_with(
        &authors[2],
        &mut aconn,
        DeleteOptions::new().actor("bob"),
    )
    .await
    .expect("async soft delete");
    let carol = RestoreOptions::new().actor("carol");
    let report = <Changeset as aio::ChangesetStore>::restore_with(&mut aconn, cs2.id, &carol)
        .await
        .expect("restore_with");
    assert_eq!(report.restored.total(), 10);
    assert_eq!(
        report
            .changeset
            .as_ref()
            .and_then(|c| c.restored_by.as_deref()),
        Some("carol")
    );
    let erasure = AsyncSoftDelete::erase(&authors[3], &mut aconn, EraseOptions::new().actor("dpo"))
        .await
        .expect("erase");

    for id in [cs1.id, cs2.id, cs3.id] {
        let found = <Changeset as aio::ChangesetStore>::find(&mut aconn, id)
            .await
            .expect("find");
        assert_eq!(found, Changeset::find(&mut conn, id).expect("sync find"));
        let rows = <Changeset as aio::ChangesetStore>::rows(&mut aconn, id)
            .await
            .expect("rows");
        assert_eq!(rows, Changeset::rows(&mut conn, id).expect("sync rows"));
    }
    assert!(matches!(
        <Changeset as aio::ChangesetStore>::find(&mut aconn, cs3.id + 100).await,
        Err(SoftDeleteError::ChangesetNotFound { .. })
    ));
    let filters = [
        ChangesetFilter::new(),
        ChangesetFilter::new().actor("alice"),
        ChangesetFilter::new().restored(false),
        ChangesetFilter::new().limit(1),
        ChangesetFilter::new().before_id(cs3.id),
    ];
    for filter in &filters {
        let listed = <Changeset as aio::ChangesetStore>::list(&mut aconn, filter)
            .await
            .expect("list");
        assert_eq!(
            listed,
            Changeset::list(&mut conn, filter).expect("sync"),
            "{filter:?}"
        );
    }
    let all = <Changeset as aio::ChangesetStore>::list(&mut aconn, &filters[0])
        .await
        .expect("list");
    assert_eq!(
        all.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![cs3.id, cs2.id, cs1.id]
    );

    let erasures = <Erasure as aio::ErasureStore>::list(&mut aconn)
        .await
        .expect("erasures");
    assert_eq!(
        erasures,
        <Erasure as ErasureStore>::list(&mut conn).expect("sync")
    );
    assert_eq!(erasures, vec![erasure]);

    let redacted = <Changeset as aio::ChangesetStore>::redact_actor(&mut aconn, "alice", "former")
        .await
        .expect("redact");
    assert_eq!(redacted, 2, "alice's two changesets");
    let by_former =
        Changeset::list(&mut conn, &ChangesetFilter::new().actor("former")).expect("list");
    assert_eq!(
        by_former.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![cs2.id, cs1.id]
    );
    let redacted = <Changeset as aio::ChangesetStore>::redact_actor(&mut aconn, "carol", "former")
        .await
        .expect("redact");
    assert_eq!(redacted, 1, "carol restored one changeset");
    let restored = Changeset::find(&mut conn, cs2.id).expect("find");
    assert_eq!(restored.restored_by.as_deref(), Some("former"));
    // The sync API counts the same way: nothing of alice's or carol's is left.
    assert_eq!(
        Changeset::redact_actor(&mut conn, "alice", "x").expect("sync redact"),
        0
    );
}
