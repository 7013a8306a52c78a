//! The models of the test schema: what cascades to what, what protects what, and the hooks.

use std::cell::Cell;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_runtime::prelude::*;
use soft_delete_runtime::{Authorization, HookContext, SoftDeleteHooks};

use super::schema::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(cascade(posts::author_id))]
pub struct Author {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDeletable,
)]
#[diesel(table_name = posts, belongs_to(Author))]
#[soft_delete(
    cascade(comments::post_id, post_tags::post_id),
    protect(invoices::post_id)
)]
pub struct Post {
    pub id: i32,
    pub author_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Hooks: comments refuse to be hidden by an operation whose reason is
/// `"fail-in-comments-hook"` (used to inject a failure at the third level of a cascade).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDeletable,
)]
#[diesel(table_name = comments, belongs_to(Post))]
#[soft_delete(hooks)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

impl SoftDeleteHooks for Comment {
    fn before_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        if ctx.reason == Some("fail-in-comments-hook") {
            return Err(ctx.abort("comments refuse this reason"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = tags)]
#[soft_delete(cascade(post_tags::tag_id))]
pub struct Tag {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = post_tags)]
pub struct PostTag {
    pub id: i32,
    pub post_id: i32,
    pub tag_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = categories)]
#[soft_delete(cascade(categories::parent_id))]
pub struct Category {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// No `deletion_id`: filters and single-row soft delete / restore only.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Bool flag strategy, a `String` primary key, and the table name inferred from the struct
/// name (`Note` → `notes`), as Diesel does.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, SoftDeletable)]
#[diesel(primary_key(code))]
#[soft_delete(deleted = deleted)]
pub struct Note {
    pub code: String,
    pub body: String,
    pub deleted: bool,
}

/// Diamond: tasks hang off a project directly and through its milestones.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = projects)]
#[soft_delete(cascade(milestones::project_id, tasks::project_id))]
pub struct Project {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = milestones)]
#[soft_delete(cascade(tasks::milestone_id))]
pub struct Milestone {
    pub id: i32,
    pub project_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A leaf of the diamond (no cascade children) that timesheets protect.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = tasks)]
#[soft_delete(protect(timesheets::task_id))]
pub struct Task {
    pub id: i32,
    pub project_id: i32,
    pub milestone_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A hook point a test can make panic, with [`panic_at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookPoint {
    BeforeSoftDelete,
    AfterSoftDelete,
    BeforeRestore,
    AfterRestore,
}

thread_local! {
    /// The hook that panics on this thread (each test runs on a thread of its own).
    static PANIC_AT: Cell<Option<(HookPoint, &'static str)>> = const { Cell::new(None) };
}

/// Makes the `point` hook of `table` panic on this thread (`None`: no hook panics).
pub fn panic_at(plan: Option<(HookPoint, &'static str)>) {
    PANIC_AT.with(|p| p.set(plan));
}

/// Panics when [`panic_at`] named this hook.
fn panic_if_planned(point: HookPoint, ctx: &HookContext<'_>) -> Result<(), SoftDeleteError> {
    if PANIC_AT.with(Cell::get) == Some((point, ctx.table)) {
        panic!("hook panicked: {point:?} on {}", ctx.table);
    }
    Ok(())
}

/// Hooks that panic on demand ([`panic_at`]): the root of the panic-safety tests.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = shelves)]
#[soft_delete(cascade(books::shelf_id), hooks)]
pub struct Shelf {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Hooks that panic on demand: the cascaded table of the panic-safety tests.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = books)]
#[soft_delete(hooks)]
pub struct Book {
    pub id: i32,
    pub shelf_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

impl SoftDeleteHooks for Shelf {
    fn before_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::BeforeSoftDelete, ctx)
    }
    fn after_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::AfterSoftDelete, ctx)
    }
    fn before_restore(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::BeforeRestore, ctx)
    }
    fn after_restore(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::AfterRestore, ctx)
    }
}

impl SoftDeleteHooks for Book {
    fn before_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::BeforeSoftDelete, ctx)
    }
    fn after_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::AfterSoftDelete, ctx)
    }
    fn before_restore(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::BeforeRestore, ctx)
    }
    fn after_restore(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        panic_if_planned(HookPoint::AfterRestore, ctx)
    }
}

/// A model over a `#[sql_name]` table with a renamed marker column.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = entries)]
#[soft_delete(cascade(replies::entry_id))]
pub struct Entry {
    pub id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Cascaded from [`Entry`], over a `#[sql_name]` table.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = replies)]
pub struct Reply {
    pub id: i32,
    pub entry_id: i32,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A model over a schema-qualified table (`sd_other.accounts`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = accounts)]
#[soft_delete(cascade(sessions::account_id))]
pub struct Account {
    pub id: i32,
    pub email: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Cascaded from [`Account`], in the same schema.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i32,
    pub account_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// A second model of `authors` (Diesel's "several structs per table"): it states none of the
/// table's facts, which stay on [`Author`], and gets the row methods and reads.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = authors)]
#[soft_delete(view_of = Author)]
pub struct AuthorName {
    pub id: i32,
    pub name: String,
}

/// Delete policies: threads and logins cascade, votes are nullified (they survive an erasure
/// with a NULL member), unsettled bills protect. Restores: only the deleter or `admin`;
/// erasure: only a named actor (the data-protection officer, `dpo`).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = members)]
#[soft_delete(
    cascade(threads::member_id, logins::member_id),
    nullify(votes::member_id),
    protect(bills::member_id),
    hooks
)]
pub struct Member {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

impl SoftDeleteHooks for Member {
    fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        let deleter = req.changeset.and_then(|c| c.actor.as_deref());
        match req.actor {
            Some("admin") => Ok(()),
            Some(me) if deleter == Some(me) => Ok(()),
            _ => Err(req.refuse("only the member's deleter or an admin may restore")),
        }
    }
    fn authorize_erase(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        match req.actor {
            Some("dpo") => Ok(()),
            _ => Err(req.refuse("only the data-protection officer erases members")),
        }
    }
}

/// Cascades to votes, nullifies bookmarks (a table without a model).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = threads)]
#[soft_delete(cascade(votes::thread_id), nullify(bookmarks::thread_id))]
pub struct Thread {
    pub id: i32,
    pub member_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Reached from a member twice: through its `nullify` edge and through its threads.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = votes)]
pub struct Vote {
    pub id: i32,
    pub member_id: Option<i32>,
    pub thread_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = logins)]
pub struct Login {
    pub id: i32,
    pub member_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Settling a bill soft-deletes it; a live bill protects its member.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = bills)]
pub struct Bill {
    pub id: i32,
    pub member_id: i32,
    pub amount: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Async hooks (feature `async`): soft-deleting or restoring a ledger writes an `audit_log` row
/// on the operation's own connection, inside its transaction ([`audit`]).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = ledgers)]
#[soft_delete(cascade(ledger_lines::ledger_id), hooks)]
pub struct Ledger {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Cascaded from [`Ledger`]; its `after_soft_delete_async` hook, which runs after the ledger's,
/// vetoes an operation whose reason is [`VETO_IN_LINES`].
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = ledger_lines)]
#[soft_delete(hooks)]
pub struct LedgerLine {
    pub id: i32,
    pub ledger_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// The reason the ledger lines' hook vetoes.
#[cfg(feature = "async")]
pub const VETO_IN_LINES: &str = "veto-in-lines";

impl SoftDeleteHooks for Ledger {
    #[cfg(feature = "async")]
    fn after_soft_delete_async<'c>(
        ctx: &'c mut HookContext<'_>,
    ) -> soft_delete_runtime::HookFuture<'c> {
        Box::pin(async move { audit::write(ctx, "soft_delete").await })
    }
    #[cfg(feature = "async")]
    fn after_restore_async<'c>(
        ctx: &'c mut HookContext<'_>,
    ) -> soft_delete_runtime::HookFuture<'c> {
        Box::pin(async move { audit::write(ctx, "restore").await })
    }
}

impl SoftDeleteHooks for LedgerLine {
    #[cfg(feature = "async")]
    fn after_soft_delete_async<'c>(
        ctx: &'c mut HookContext<'_>,
    ) -> soft_delete_runtime::HookFuture<'c> {
        Box::pin(async move {
            if ctx.reason == Some(VETO_IN_LINES) {
                return Err(ctx.abort("ledger lines veto this reason"));
            }
            Ok(())
        })
    }
}

/// The audit rows the ledger hooks write, awaited on whichever diesel-async connection the
/// operation runs on.
#[cfg(feature = "async")]
pub mod audit {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use soft_delete_runtime::{HookContext, SoftDeleteError};

    use crate::common::schema::audit_log;

    /// Inserts the audit row of `event` for the operation `ctx` describes, on its connection.
    pub async fn write(
        ctx: &mut HookContext<'_>,
        event: &'static str,
    ) -> Result<(), SoftDeleteError> {
        let row = (
            audit_log::event.eq(event),
            audit_log::changeset_id.eq(ctx.changeset_id),
            audit_log::touched.eq(ctx.rows.unwrap_or(0) as i64),
        );
        #[cfg(feature = "postgres")]
        if let Some(conn) = ctx.connection::<diesel_async::AsyncPgConnection>() {
            diesel::insert_into(audit_log::table)
                .values(row)
                .execute(conn)
                .await?;
            return Ok(());
        }
        #[cfg(feature = "mysql")]
        if let Some(conn) = ctx.connection::<diesel_async::AsyncMysqlConnection>() {
            diesel::insert_into(audit_log::table)
                .values(row)
                .execute(conn)
                .await?;
            return Ok(());
        }
        type Sqlite =
            diesel_async::sync_connection_wrapper::SyncConnectionWrapper<diesel::SqliteConnection>;
        if let Some(conn) = ctx.connection::<Sqlite>() {
            diesel::insert_into(audit_log::table)
                .values(row)
                .execute(conn)
                .await?;
            return Ok(());
        }
        Err(ctx.abort("the audit hook runs on the suites' diesel-async connections only"))
    }
}

/// The record after removals: orders cascade, contracts and memos protect (live or hidden),
/// referrals are nullified from both ends.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = clients)]
#[soft_delete(
    cascade(orders::client_id),
    protect(contracts::client_id, memos::client_id),
    nullify(referrals::from_id, referrals::to_id)
)]
pub struct Client {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Cascaded from [`Client`]; nullifies the referrals naming it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = orders)]
#[soft_delete(nullify(referrals::order_id))]
pub struct Order {
    pub id: i32,
    pub client_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Protects its client, through a real foreign key.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = contracts)]
pub struct Contract {
    pub id: i32,
    pub client_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}

/// Protects its client, without a foreign key.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDeletable)]
#[diesel(table_name = memos)]
pub struct Memo {
    pub id: i32,
    pub client_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub deletion_id: Option<i64>,
}
