//! Hooks a model can run inside the transaction of each operation.

use std::any::Any;
#[cfg(feature = "async")]
use std::future::Future;
#[cfg(feature = "async")]
use std::pin::Pin;

use chrono::NaiveDateTime;

use crate::error::SoftDeleteError;
use crate::record::Changeset;

/// What an operation tells a hook.
///
/// Hooks run once per table and operation (not once per row: the engine never loads rows).
/// The rows concerned are those whose `deletion_id` equals [`HookContext::changeset_id`].
pub struct HookContext<'a> {
    /// SQL name of the table the hook belongs to.
    pub table: &'static str,
    /// The changeset being created or restored (`None` when a row without `deletion_id` is restored).
    pub changeset_id: Option<i64>,
    /// Who asked for the operation, when known.
    pub actor: Option<&'a str>,
    /// Why, when given.
    pub reason: Option<&'a str>,
    /// The operation's timestamp (UTC).
    pub at: NaiveDateTime,
    /// In `after_*` hooks: how many rows of this table the operation changed.
    pub rows: Option<u64>,
    pub(crate) conn: &'a mut (dyn Any + Send),
}

impl HookContext<'_> {
    /// The connection the operation runs on, inside its transaction.
    ///
    /// Ask for the connection type you passed to the operation
    /// (`ctx.connection::<SqliteConnection>()`, or on a diesel-async connection with feature
    /// `async`, `ctx.connection::<AsyncPgConnection>()`); any other type gives `None`. On an
    /// async connection, await its queries in the `*_async` hooks (feature `async`).
    pub fn connection<C: 'static>(&mut self) -> Option<&mut C> {
        self.conn.downcast_mut::<C>()
    }

    /// Builds the error that vetoes the operation, naming this hook's table.
    pub fn abort(&self, message: impl Into<String>) -> SoftDeleteError {
        SoftDeleteError::aborted(self.table, message)
    }
}

/// What a permission rule ([`SoftDeleteHooks::authorize_restore`],
/// [`SoftDeleteHooks::authorize_erase`]) decides from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Authorization<'a> {
    /// The table whose rule decides: the changeset's root table for a restore, the erased row's
    /// table for an erase (its identity, as in the changeset record).
    pub table: &'static str,
    /// For a restore: the changeset being restored (`None` when a row of a model without
    /// `deletion_id` is restored on its own). For an erase: `None`.
    pub changeset: Option<&'a Changeset>,
    /// The key of the row, as text: the erased row, the row restored on its own, or the
    /// changeset's `root_key` (`None` for a bulk soft delete).
    pub key: Option<&'a str>,
    /// Who asks ([`RestoreOptions::actor`](crate::RestoreOptions::actor),
    /// [`EraseOptions::actor`](crate::EraseOptions::actor)); `None` when not given.
    pub actor: Option<&'a str>,
}

impl Authorization<'_> {
    /// The error that refuses the operation: [`SoftDeleteError::Refused`] naming this table.
    pub fn refuse(&self, message: impl Into<String>) -> SoftDeleteError {
        SoftDeleteError::Refused {
            table: self.table,
            message: message.into(),
        }
    }
}

/// Callbacks around soft delete and restore, run inside the operation's transaction, and the
/// permission rules of restore and erase.
///
/// Returning `Err` aborts the whole operation and rolls it back. Every method defaults to a
/// no-op (the rules: allow); `#[derive(SoftDeletable)]` emits an empty impl unless the model says
/// `#[soft_delete(hooks)]`, in which case you write the impl:
///
/// ```
/// # use soft_delete_runtime::{HookContext, SoftDeleteError, SoftDeleteHooks};
/// struct Invoice;
/// impl SoftDeleteHooks for Invoice {
///     fn before_soft_delete(ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
///         if ctx.actor.is_none() {
///             return Err(ctx.abort("invoices may only be deleted by a named actor"));
///         }
///         Ok(())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` says `#[soft_delete(hooks)]` but does not implement `SoftDeleteHooks`",
    label = "`#[soft_delete(hooks)]` asks you to write `impl SoftDeleteHooks for {Self}`",
    note = "write `impl soft_delete_runtime::SoftDeleteHooks for {Self} {{ ... }}` overriding the hooks you need, or remove `hooks` from `#[soft_delete(...)]` to get no-op hooks"
)]
pub trait SoftDeleteHooks {
    /// Before the operation hides rows of this table.
    fn before_soft_delete(_ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
    /// After the operation has hidden rows of this table (and cascaded).
    fn after_soft_delete(_ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
    /// Before a restore brings rows of this table back.
    fn before_restore(_ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
    /// After a restore brought rows of this table back.
    fn after_restore(_ctx: &mut HookContext<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
    /// [`before_soft_delete`](Self::before_soft_delete) on a diesel-async connection (feature
    /// `async`): the engine awaits this one instead, and by default it runs the synchronous
    /// hook. Override it to await queries on `ctx.connection::<AsyncPgConnection>()` (or the
    /// async connection type you use); see [`HookFuture`].
    #[cfg(feature = "async")]
    fn before_soft_delete_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
        Box::pin(std::future::ready(Self::before_soft_delete(ctx)))
    }
    /// [`after_soft_delete`](Self::after_soft_delete) on a diesel-async connection; see
    /// [`before_soft_delete_async`](Self::before_soft_delete_async).
    #[cfg(feature = "async")]
    fn after_soft_delete_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
        Box::pin(std::future::ready(Self::after_soft_delete(ctx)))
    }
    /// [`before_restore`](Self::before_restore) on a diesel-async connection; see
    /// [`before_soft_delete_async`](Self::before_soft_delete_async).
    #[cfg(feature = "async")]
    fn before_restore_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
        Box::pin(std::future::ready(Self::before_restore(ctx)))
    }
    /// [`after_restore`](Self::after_restore) on a diesel-async connection; see
    /// [`before_soft_delete_async`](Self::before_soft_delete_async).
    #[cfg(feature = "async")]
    fn after_restore_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
        Box::pin(std::future::ready(Self::after_restore(ctx)))
    }
    /// Who may restore a changeset whose root row is in this table (or a row of this table
    /// restored on its own). Asked once per restore, before anything is written, by
    /// [`Changeset::restore`](crate::ChangesetStore::restore) and `row.restore()` alike; return
    /// [`Err(req.refuse(..))`](Authorization::refuse) to refuse, and nothing changes.
    ///
    /// ```
    /// # use soft_delete_runtime::{Authorization, SoftDeleteError, SoftDeleteHooks};
    /// struct Post;
    /// impl SoftDeleteHooks for Post {
    ///     fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
    ///         let deleter = req.changeset.and_then(|c| c.actor.as_deref());
    ///         match req.actor {
    ///             Some("admin") => Ok(()),
    ///             Some(me) if deleter == Some(me) => Ok(()),
    ///             _ => Err(req.refuse("only the deleter or an admin may restore")),
    ///         }
    ///     }
    /// }
    /// ```
    fn authorize_restore(_req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
    /// Who may erase a row of this table (`row.erase(..)`). Asked before anything is written;
    /// a refusal changes nothing.
    fn authorize_erase(_req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
        Ok(())
    }
}

/// A hook, as a function pointer the engine can store in [`crate::TableMeta`].
pub type HookFn = fn(&mut HookContext<'_>) -> Result<(), SoftDeleteError>;

/// What a `*_async` hook returns (feature `async`): its work, boxed so that the engine can keep
/// the hook as a function pointer, `Send` so that the operation's future stays `Send`.
///
/// One hook per connection kind, the same shape: the synchronous hook serves Diesel connections
/// (and, by default, async ones too); its `_async` twin, when you write one, serves diesel-async
/// connections and can await queries inside the operation's transaction:
///
/// ```ignore
/// impl SoftDeleteHooks for Post {
///     fn after_soft_delete_async<'c>(ctx: &'c mut HookContext<'_>) -> HookFuture<'c> {
///         Box::pin(async move {
///             let id = ctx.changeset_id;
///             let conn = ctx.connection::<AsyncPgConnection>().ok_or_else(|| ctx.abort("not PostgreSQL"))?;
///             diesel::insert_into(audit::table).values(audit::changeset.eq(id)).execute(conn).await?;
///             Ok(())
///         })
///     }
/// }
/// ```
#[cfg(feature = "async")]
pub type HookFuture<'c> = Pin<Box<dyn Future<Output = Result<(), SoftDeleteError>> + Send + 'c>>;

/// An async hook (feature `async`), as a function pointer the engine can store in
/// [`crate::TableMeta`].
#[cfg(feature = "async")]
pub type AsyncHookFn = for<'c, 'a> fn(&'c mut HookContext<'a>) -> HookFuture<'c>;

/// A permission rule, as a function pointer the engine can store in [`crate::TableMeta`].
pub type AuthorizeFn = fn(&Authorization<'_>) -> Result<(), SoftDeleteError>;

/// The hooks and permission rules of one model, as function pointers.
#[derive(Debug, Clone, Copy)]
pub struct HookFns {
    /// [`SoftDeleteHooks::before_soft_delete`]
    pub before_soft_delete: HookFn,
    /// [`SoftDeleteHooks::after_soft_delete`]
    pub after_soft_delete: HookFn,
    /// [`SoftDeleteHooks::before_restore`]
    pub before_restore: HookFn,
    /// [`SoftDeleteHooks::after_restore`]
    pub after_restore: HookFn,
    /// [`SoftDeleteHooks::authorize_restore`]
    pub authorize_restore: AuthorizeFn,
    /// [`SoftDeleteHooks::authorize_erase`]
    pub authorize_erase: AuthorizeFn,
    /// [`SoftDeleteHooks::before_soft_delete_async`]
    #[cfg(feature = "async")]
    pub before_soft_delete_async: AsyncHookFn,
    /// [`SoftDeleteHooks::after_soft_delete_async`]
    #[cfg(feature = "async")]
    pub after_soft_delete_async: AsyncHookFn,
    /// [`SoftDeleteHooks::before_restore_async`]
    #[cfg(feature = "async")]
    pub before_restore_async: AsyncHookFn,
    /// [`SoftDeleteHooks::after_restore_async`]
    #[cfg(feature = "async")]
    pub after_restore_async: AsyncHookFn,
}

impl HookFns {
    /// The hooks of model `M`.
    pub const fn of<M: SoftDeleteHooks>() -> Self {
        HookFns {
            before_soft_delete: M::before_soft_delete,
            after_soft_delete: M::after_soft_delete,
            before_restore: M::before_restore,
            after_restore: M::after_restore,
            authorize_restore: M::authorize_restore,
            authorize_erase: M::authorize_erase,
            #[cfg(feature = "async")]
            before_soft_delete_async: M::before_soft_delete_async,
            #[cfg(feature = "async")]
            after_soft_delete_async: M::after_soft_delete_async,
            #[cfg(feature = "async")]
            before_restore_async: M::before_restore_async,
            #[cfg(feature = "async")]
            after_restore_async: M::after_restore_async,
        }
    }

    /// The synchronous hook `which`.
    pub(crate) fn sync(&self, which: Hook) -> HookFn {
        match which {
            Hook::BeforeSoftDelete => self.before_soft_delete,
            Hook::AfterSoftDelete => self.after_soft_delete,
            Hook::BeforeRestore => self.before_restore,
            Hook::AfterRestore => self.after_restore,
        }
    }

    /// The async hook `which`.
    #[cfg(feature = "async")]
    pub(crate) fn awaited(&self, which: Hook) -> AsyncHookFn {
        match which {
            Hook::BeforeSoftDelete => self.before_soft_delete_async,
            Hook::AfterSoftDelete => self.after_soft_delete_async,
            Hook::BeforeRestore => self.before_restore_async,
            Hook::AfterRestore => self.after_restore_async,
        }
    }
}

/// Which of a table's hooks an operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hook {
    BeforeSoftDelete,
    AfterSoftDelete,
    BeforeRestore,
    AfterRestore,
}

/// A hook call without its connection: what the engine tells the hook, handed to the executor,
/// which adds the connection ([`HookCall::context`]) and runs the hook of its kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HookCall<'a> {
    pub(crate) hooks: &'static HookFns,
    pub(crate) which: Hook,
    pub(crate) table: &'static str,
    pub(crate) changeset_id: Option<i64>,
    pub(crate) actor: Option<&'a str>,
    pub(crate) reason: Option<&'a str>,
    pub(crate) at: NaiveDateTime,
    pub(crate) rows: Option<u64>,
}

impl<'a> HookCall<'a> {
    /// The context the hook receives, on connection `conn`.
    pub(crate) fn context<'c>(&self, conn: &'c mut (dyn Any + Send)) -> HookContext<'c>
    where
        'a: 'c,
    {
        HookContext {
            table: self.table,
            changeset_id: self.changeset_id,
            actor: self.actor,
            reason: self.reason,
            at: self.at,
            rows: self.rows,
            conn,
        }
    }
}
