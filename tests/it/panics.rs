//! Panic safety: an operation stays all or nothing when code inside it panics.
//!
//! A hook of the root table (`shelves`) or of a cascaded one (`books`) panics at each hook
//! point, under `catch_unwind` as a web framework isolates a failing request. Afterwards the
//! panic has reached the caller, the data is as before the call (read from a second
//! connection), the connection is at the transaction depth it had, and the same operation then
//! commits on the same connection (read from the second connection again). Inside a caller's
//! transaction, the caller's own writes survive and commit.
//!
//! Also here: text the changeset record cannot store is refused before any statement runs.

use std::panic::{self, AssertUnwindSafe};

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::schema::soft_delete_changesets;
use soft_delete_runtime::{ChangesetFilter, RestoreOptions, MAX_TEXT_BYTES};

use super::{Conn, Db};
use crate::common::models::{panic_at, Book, HookPoint, Shelf};
use crate::common::schema::*;
use crate::common::{StatementCounter, TestDb};

/// An operation under test, on the connection it is given.
type Operation<'a> = &'a dyn Fn(&mut Conn) -> Result<(), SoftDeleteError>;

/// The two tables whose hooks panic: the operation's root, and the table it cascades to.
const TABLES: [&str; 2] = ["shelves", "books"];

fn test_name(test: &str) -> String {
    format!("{}::{test}", module_path!())
}

/// Two shelves; books 1 and 2 on shelf 1, book 3 on shelf 2.
fn connect(test: &str) -> Conn {
    let mut conn = Db::connect(&test_name(test), &crate::common::schema::ddl());
    conn.batch_execute(
        "INSERT INTO shelves (id, name) VALUES (1, 's1'), (2, 's2');
         INSERT INTO books (id, shelf_id, title) VALUES (1, 1, 'b1'), (2, 1, 'b2'), (3, 2, 'b3');",
    )
    .expect("seed");
    conn
}

fn shelf(id: i32) -> Shelf {
    Shelf {
        id,
        name: String::new(),
        deleted_at: None,
        deletion_id: None,
    }
}

/// Every shelf, book and changeset, as text: equal states mean nothing changed.
fn state(conn: &mut Conn) -> Vec<String> {
    fn text<T: std::fmt::Debug>(rows: QueryResult<Vec<T>>) -> Vec<String> {
        rows.expect("state")
            .iter()
            .map(|r| format!("{r:?}"))
            .collect()
    }
    let mut out = text(
        shelves::table
            .select(Shelf::as_select())
            .order(shelves::id)
            .load(conn),
    );
    out.extend(text(
        books::table
            .select(Book::as_select())
            .order(books::id)
            .load(conn),
    ));
    out.extend(text(
        soft_delete_changesets::table
            .select(Changeset::as_select())
            .order(soft_delete_changesets::id)
            .load(conn),
    ));
    out
}

/// How many transactions and savepoints are open on `conn`.
fn depth(conn: &mut Conn) -> u32 {
    <Conn as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .expect("the transaction manager is not broken")
        .map_or(0, |d| d.get())
}

/// Live shelves and books, as `(shelves, books)`.
fn live(conn: &mut Conn) -> (i64, i64) {
    let s = Shelf::active().count().get_result(conn).expect("count");
    let b = Book::active().count().get_result(conn).expect("count");
    (s, b)
}

/// Runs `op` on `conn` with the `point` hook of `table` panicking, and checks that the panic
/// reached the caller and that neither the data (read from `observer`) nor the connection's
/// transaction depth changed.
fn assert_panic_rolls_back(
    conn: &mut Conn,
    observer: &mut Conn,
    (point, table): (HookPoint, &'static str),
    what: &str,
    op: Operation<'_>,
) {
    let before = state(observer);
    let depth_before = depth(conn);
    panic_at(Some((point, table)));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| op(conn)));
    panic_at(None);
    let payload = match outcome {
        Err(payload) => payload,
        Ok(result) => panic!("{what}, {point:?} on {table}: no panic came through: {result:?}"),
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("hook panicked"),
        "{what}: another panic came through: {message:?}"
    );
    assert_eq!(
        depth(conn),
        depth_before,
        "{what}, {point:?} on {table}: the connection's transaction depth changed"
    );
    assert_eq!(
        state(observer),
        before,
        "{what}, {point:?} on {table}: another connection sees changes"
    );
    assert_eq!(
        state(conn),
        before,
        "{what}, {point:?} on {table}: the same connection sees changes"
    );
}

/// The soft deletes of shelf 1 (which cascade to its two books).
fn soft_deletes() -> Vec<(&'static str, Operation<'static>)> {
    vec![
        ("soft delete of shelf 1", &|c| {
            shelf(1).soft_delete(c).map(drop)
        }),
        ("bulk soft delete of shelf 1", &|c| {
            Shelf::soft_delete_where(c, shelves::id.eq(1)).map(drop)
        }),
    ]
}

fn panic_in_soft_delete_hook_rolls_back(test: &str, point: HookPoint) {
    let mut conn = connect(test);
    let mut observer = Db::second(&test_name(test));
    for table in TABLES {
        for (what, op) in soft_deletes() {
            assert_panic_rolls_back(&mut conn, &mut observer, (point, table), what, op);
            // The same operation on the same connection then commits.
            op(&mut conn).expect(what);
            assert_eq!(
                live(&mut observer),
                (1, 1),
                "{what}: committed after the panic"
            );
            let last = Changeset::list(&mut conn, &ChangesetFilter::new().limit(1)).unwrap();
            Changeset::restore(&mut conn, last[0].id).expect("restore");
            assert_eq!(live(&mut observer), (2, 3));
        }
    }
}

#[test]
fn panic_in_before_soft_delete_rolls_back() {
    panic_in_soft_delete_hook_rolls_back(
        "panic_in_before_soft_delete_rolls_back",
        HookPoint::BeforeSoftDelete,
    );
}

#[test]
fn panic_in_after_soft_delete_rolls_back() {
    panic_in_soft_delete_hook_rolls_back(
        "panic_in_after_soft_delete_rolls_back",
        HookPoint::AfterSoftDelete,
    );
}

fn panic_in_restore_hook_rolls_back(test: &str, point: HookPoint) {
    let mut conn = connect(test);
    let mut observer = Db::second(&test_name(test));
    for table in TABLES {
        for by_row in [false, true] {
            let id = shelf(1).soft_delete(&mut conn).expect("soft delete").id;
            assert_eq!(live(&mut observer), (1, 1));
            let (what, op): (&str, Operation<'_>) = if by_row {
                ("restore of shelf 1", &|c| shelf(1).restore(c).map(drop))
            } else {
                ("Changeset::restore", &|c| {
                    Changeset::restore(c, id).map(drop)
                })
            };
            assert_panic_rolls_back(&mut conn, &mut observer, (point, table), what, op);
            op(&mut conn).expect(what);
            assert_eq!(
                live(&mut observer),
                (2, 3),
                "{what}: committed after the panic"
            );
        }
    }
}

#[test]
fn panic_in_before_restore_rolls_back() {
    panic_in_restore_hook_rolls_back(
        "panic_in_before_restore_rolls_back",
        HookPoint::BeforeRestore,
    );
}

#[test]
fn panic_in_after_restore_rolls_back() {
    panic_in_restore_hook_rolls_back("panic_in_after_restore_rolls_back", HookPoint::AfterRestore);
}

/// Inside the caller's transaction the operation's savepoint is rolled back; the caller's
/// earlier writes survive, its transaction stays usable, and everything commits with it.
#[test]
fn panic_inside_the_callers_transaction_keeps_its_writes() {
    let test = "panic_inside_the_callers_transaction_keeps_its_writes";
    let mut conn = connect(test);
    let mut observer = Db::second(&test_name(test));
    conn.transaction::<_, SoftDeleteError, _>(|conn| {
        conn.batch_execute("INSERT INTO shelves (id, name) VALUES (3, 's3')")?;
        for table in TABLES {
            panic_at(Some((HookPoint::AfterSoftDelete, table)));
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| shelf(1).soft_delete(conn)));
            panic_at(None);
            assert!(outcome.is_err(), "the panic in {table} came through");
            assert_eq!(depth(conn), 1, "only the caller's transaction is open");
        }
        shelf(2).soft_delete(conn)?;
        Ok(())
    })
    .expect("the caller's transaction commits");
    let shelves: Vec<(i32, bool)> = shelves::table
        .select((shelves::id, shelves::deleted_at.is_not_null()))
        .order(shelves::id)
        .load(&mut observer)
        .expect("shelves");
    assert_eq!(shelves, vec![(1, false), (2, true), (3, false)]);
    assert_eq!(
        live(&mut observer),
        (2, 2),
        "shelf 1's books live, shelf 2's hidden"
    );
}

/// A NUL character, or more than `MAX_TEXT_BYTES` bytes, in `actor` or `reason` is refused
/// with `InvalidInput` naming the field, before any statement; `MAX_TEXT_BYTES` bytes are
/// stored and read back whole on every backend.
#[test]
fn text_the_record_cannot_store_is_refused_before_any_statement() {
    let mut conn = connect("text_the_record_cannot_store_is_refused_before_any_statement");
    let counter = StatementCounter::attach(&mut conn);
    let too_long = "x".repeat(MAX_TEXT_BYTES + 1);
    let cases: [(&str, DeleteOptions); 4] = [
        ("actor", DeleteOptions::new().actor("ali\0ce")),
        ("reason", DeleteOptions::new().reason("spam\0")),
        ("actor", DeleteOptions::new().actor(too_long.clone())),
        ("reason", DeleteOptions::new().reason(too_long.clone())),
    ];
    for (field, options) in cases {
        match shelf(1).soft_delete_with(&mut conn, options) {
            Err(SoftDeleteError::InvalidInput { message }) => {
                assert!(message.contains(&format!("`{field}`")), "{message}");
            }
            other => panic!("{field}: expected InvalidInput, got {other:?}"),
        }
        assert_eq!(counter.take(), 0, "{field}: no statement was sent");
    }
    let filter = ChangesetFilter {
        actor: Some("a\0".into()),
        ..ChangesetFilter::new()
    };
    assert!(matches!(
        Changeset::list(&mut conn, &filter),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
    assert_eq!(counter.take(), 0);

    // The longest reason, of two-byte characters, is stored whole.
    let longest = format!("{}a", "é".repeat((MAX_TEXT_BYTES - 1) / 2));
    assert_eq!(longest.len(), MAX_TEXT_BYTES);
    let id = shelf(1)
        .soft_delete_with(&mut conn, DeleteOptions::new().reason(longest.clone()))
        .expect("the longest reason is accepted")
        .id;
    assert_eq!(
        Changeset::find(&mut conn, id).unwrap().reason,
        Some(longest)
    );
    let restore = RestoreOptions::new().actor("b\0b");
    assert!(matches!(
        Changeset::restore_with(&mut conn, id, &restore),
        Err(SoftDeleteError::InvalidInput { message }) if message.contains("`actor`")
    ));
    assert!(matches!(
        shelf(1).restore_with(&mut conn, restore),
        Err(SoftDeleteError::InvalidInput { .. })
    ));
    assert_eq!(
        live(&mut conn),
        (1, 1),
        "the refused restores changed nothing"
    );
}
