//! What differs between SQLite, PostgreSQL and MySQL/MariaDB, behind one trait.
//!
//! [`SoftDeleteBackend`] is public (it bounds every operation) and sealed: its working methods
//! live on the supertrait `sealed::Ops`, which users can neither name nor implement. They are
//! written once, with Diesel's typed DSL where the statement is over the runtime's own table, and
//! instantiated per backend by `backend_ops!`, because the `FromSql`/`ToSql` bounds they need can
//! only be proved for a concrete backend.

pub(crate) mod exact;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "sqlite")]
mod sqlite;

/// The SQL dialect of a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35 or newer.
    Sqlite,
    /// PostgreSQL 12 or newer.
    Postgres,
    /// MySQL 8 or MariaDB 10.5 or newer.
    Mysql,
}

/// One key column of an index, as the catalog queries return it: the index's name, the column's
/// position in the index (from 0 or 1, ascending), the column's name (`None` for an expression
/// or a prefix of a column) and the index's partial predicate, if any.
pub(crate) type IndexRow = (String, i64, Option<String>, Option<String>);

/// The SQL types of an [`IndexRow`].
pub(crate) type IndexRowSql = (
    diesel::sql_types::Text,
    diesel::sql_types::BigInt,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
    diesel::sql_types::Nullable<diesel::sql_types::Text>,
);

/// A Diesel backend the runtime supports. Implemented for `Sqlite`, `Pg` and `Mysql` under the
/// features of the same names; you do not implement it (it is sealed).
pub trait SoftDeleteBackend: sealed::Ops {
    /// The dialect, for the few statements whose shape differs.
    const DIALECT: Dialect;
}

pub(crate) mod sealed {
    use diesel::backend::Backend;
    use diesel::connection::LoadConnection;
    use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
    use diesel::sql_types::{BigInt, Text};
    use diesel::{QueryResult, RunQueryDsl};

    use super::{IndexRow, IndexRowSql};

    use crate::meta::MarkerKind;
    use crate::options::RedactOptions;
    use crate::record::{Changeset, ChangesetFilter, ErasureRow, NewChangeset, NewErasure};
    use crate::time::Instant;

    /// The backend-specific half of [`super::SoftDeleteBackend`]: typed binds, typed loads and
    /// the statements over `soft_delete_changesets`. Not nameable outside the crate.
    pub trait Ops: Backend + AsyncOps + Sized + 'static {
        /// Binds a `BigInt`.
        fn push_i64<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b i64) -> QueryResult<()>;
        /// Binds a `Text`.
        fn push_text<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b str) -> QueryResult<()>;
        /// Binds a `Bool`.
        fn push_bool<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b bool) -> QueryResult<()>;
        /// Binds a marker time of `kind`.
        fn push_time<'b>(
            out: &mut AstPass<'_, 'b, Self>,
            kind: MarkerKind,
            at: &'b Instant,
        ) -> QueryResult<()>;
        /// Runs a query whose single column is a `BigInt`.
        fn load_i64<C, Q>(conn: &mut C, q: Q) -> QueryResult<Vec<i64>>
        where
            C: LoadConnection<Backend = Self>,
            Q: Query<SqlType = BigInt> + QueryFragment<Self> + QueryId + RunQueryDsl<C>;
        /// Runs a query whose single column is `Text`.
        fn load_text<C, Q>(conn: &mut C, q: Q) -> QueryResult<Vec<String>>
        where
            C: LoadConnection<Backend = Self>,
            Q: Query<SqlType = Text> + QueryFragment<Self> + QueryId + RunQueryDsl<C>;
        /// Runs a query whose two columns are `BigInt`s.
        fn load_pairs<C, Q>(conn: &mut C, q: Q) -> QueryResult<Vec<(i64, i64)>>
        where
            C: LoadConnection<Backend = Self>,
            Q: Query<SqlType = (BigInt, BigInt)> + QueryFragment<Self> + QueryId + RunQueryDsl<C>;
        /// Runs a catalog query whose rows are (index name, position, column, predicate).
        fn load_index_rows<C, Q>(conn: &mut C, q: Q) -> QueryResult<Vec<IndexRow>>
        where
            C: LoadConnection<Backend = Self>,
            Q: Query<SqlType = IndexRowSql> + QueryFragment<Self> + QueryId + RunQueryDsl<C>;
        /// Inserts a changeset row and returns its id.
        fn insert_changeset<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            new: &NewChangeset<'_>,
        ) -> QueryResult<i64>;
        /// Records the row count of changeset `id`.
        fn set_rows_affected<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            id: i64,
            rows: i64,
        ) -> QueryResult<usize>;
        /// Marks changeset `id` restored unless it already is; returns the rows changed (0 or 1).
        fn claim_restore<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            id: i64,
            at: chrono::NaiveDateTime,
            actor: Option<&str>,
        ) -> QueryResult<usize>;
        /// Deletes changeset row `id`.
        fn delete_changeset<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            id: i64,
        ) -> QueryResult<usize>;
        /// Loads changeset `id`.
        fn find_changeset<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            id: i64,
        ) -> QueryResult<Option<Changeset>>;
        /// One page of changesets, newest first.
        fn list_changesets<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            filter: &ChangesetFilter,
        ) -> QueryResult<Vec<Changeset>>;
        /// Inserts an erasure record and returns its id.
        fn insert_erasure<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            new: &NewErasure<'_>,
        ) -> QueryResult<i64>;
        /// Erasure records with an id below `before_id` (all when `None`), newest first.
        fn list_erasures<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            before_id: Option<i64>,
            limit: i64,
        ) -> QueryResult<Vec<ErasureRow>>;
        /// Rewrites `actor` / `restored_by` (and `reason` when asked) as `options` says, in the
        /// changesets and the erasure records; returns the records changed.
        fn redact<C: LoadConnection<Backend = Self>>(
            conn: &mut C,
            options: &RedactOptions,
        ) -> QueryResult<u64>;
    }

    /// With feature `async`: the loads and the `soft_delete_changesets` statements of [`Ops`]
    /// on diesel-async connections, from the same source (`changeset_ops!`). Without it, an
    /// empty trait every type implements.
    #[cfg(feature = "async")]
    pub trait AsyncOps: Backend + Sized + 'static {
        /// Runs a query whose single column is a `BigInt`.
        fn load_i64<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = QueryResult<Vec<i64>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: Query<SqlType = BigInt> + QueryFragment<Self> + QueryId + 'c;
        /// Runs a query whose single column is `Text`.
        fn load_text<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = QueryResult<Vec<String>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: Query<SqlType = Text> + QueryFragment<Self> + QueryId + 'c;
        /// Runs a query whose two columns are `BigInt`s.
        fn load_pairs<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = QueryResult<Vec<(i64, i64)>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: Query<SqlType = (BigInt, BigInt)> + QueryFragment<Self> + QueryId + 'c;
        /// Inserts a changeset row and returns its id.
        fn insert_changeset<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            new: &NewChangeset<'_>,
        ) -> impl std::future::Future<Output = QueryResult<i64>> + Send;
        /// Records the row count of changeset `id`.
        fn set_rows_affected<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            id: i64,
            rows: i64,
        ) -> impl std::future::Future<Output = QueryResult<usize>> + Send;
        /// Marks changeset `id` restored unless it already is; returns the rows changed (0 or 1).
        fn claim_restore<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            id: i64,
            at: chrono::NaiveDateTime,
            actor: Option<&str>,
        ) -> impl std::future::Future<Output = QueryResult<usize>> + Send;
        /// Deletes changeset row `id`.
        fn delete_changeset<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            id: i64,
        ) -> impl std::future::Future<Output = QueryResult<usize>> + Send;
        /// Loads changeset `id`.
        fn find_changeset<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            id: i64,
        ) -> impl std::future::Future<Output = QueryResult<Option<Changeset>>> + Send;
        /// Inserts an erasure record and returns its id.
        fn insert_erasure<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            new: &NewErasure<'_>,
        ) -> impl std::future::Future<Output = QueryResult<i64>> + Send;
        /// One page of changesets, newest first.
        fn list_changesets<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            filter: &ChangesetFilter,
        ) -> impl std::future::Future<Output = QueryResult<Vec<Changeset>>> + Send;
        /// Erasure records with an id below `before_id` (all when `None`), newest first.
        fn list_erasures<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            before_id: Option<i64>,
            limit: i64,
        ) -> impl std::future::Future<Output = QueryResult<Vec<ErasureRow>>> + Send;
        /// Rewrites `actor` / `restored_by` (and `reason` when asked) as `options` says.
        fn redact<C: diesel_async::AsyncConnectionCore<Backend = Self>>(
            conn: &mut C,
            options: &RedactOptions,
        ) -> impl std::future::Future<Output = QueryResult<u64>> + Send;
    }

    /// Without feature `async`: nothing to implement.
    #[cfg(not(feature = "async"))]
    pub trait AsyncOps {}
    #[cfg(not(feature = "async"))]
    impl<T> AsyncOps for T {}
}

/// The methods of `sealed::Ops` that are the same on every backend but for the backend type,
/// written once with Diesel's typed DSL (`$db`: the backend, for `into_boxed`).
macro_rules! backend_ops {
    ($db:ty) => {
        fn push_i64<'b>(
            out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
            v: &'b i64,
        ) -> diesel::QueryResult<()> {
            out.push_bind_param::<diesel::sql_types::BigInt, i64>(v)
        }

        fn push_bool<'b>(
            out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
            v: &'b bool,
        ) -> diesel::QueryResult<()> {
            out.push_bind_param::<diesel::sql_types::Bool, bool>(v)
        }

        fn push_text<'b>(
            out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
            v: &'b str,
        ) -> diesel::QueryResult<()> {
            out.push_bind_param::<diesel::sql_types::Text, str>(v)
        }

        fn load_i64<C, Q>(conn: &mut C, q: Q) -> diesel::QueryResult<Vec<i64>>
        where
            C: diesel::connection::LoadConnection<Backend = Self>,
            Q: diesel::query_builder::Query<SqlType = diesel::sql_types::BigInt>
                + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + diesel::RunQueryDsl<C>,
        {
            diesel::RunQueryDsl::load::<i64>(q, conn)
        }

        fn load_text<C, Q>(conn: &mut C, q: Q) -> diesel::QueryResult<Vec<String>>
        where
            C: diesel::connection::LoadConnection<Backend = Self>,
            Q: diesel::query_builder::Query<SqlType = diesel::sql_types::Text>
                + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + diesel::RunQueryDsl<C>,
        {
            diesel::RunQueryDsl::load::<String>(q, conn)
        }

        fn load_pairs<C, Q>(conn: &mut C, q: Q) -> diesel::QueryResult<Vec<(i64, i64)>>
        where
            C: diesel::connection::LoadConnection<Backend = Self>,
            Q: diesel::query_builder::Query<
                    SqlType = (diesel::sql_types::BigInt, diesel::sql_types::BigInt),
                > + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + diesel::RunQueryDsl<C>,
        {
            diesel::RunQueryDsl::load::<(i64, i64)>(q, conn)
        }

        fn load_index_rows<C, Q>(
            conn: &mut C,
            q: Q,
        ) -> diesel::QueryResult<Vec<crate::backend::IndexRow>>
        where
            C: diesel::connection::LoadConnection<Backend = Self>,
            Q: diesel::query_builder::Query<SqlType = crate::backend::IndexRowSql>
                + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + diesel::RunQueryDsl<C>,
        {
            diesel::RunQueryDsl::load::<crate::backend::IndexRow>(q, conn)
        }

        crate::backend::changeset_ops!(
            diesel::connection::LoadConnection<Backend = Self>,
            diesel::RunQueryDsl,
            [],
            []
        );
    };
}
use backend_ops;

/// The statements over `soft_delete_changesets` the engine sends, written once and expanded
/// twice: for Diesel connections (`sealed::Ops`, `fn`s running `diesel::RunQueryDsl`) and, with
/// feature `async`, for diesel-async connections (`sealed::AsyncOps`, `async fn`s awaiting
/// `diesel_async::RunQueryDsl`). `$conn`: the connection bound; `$run`: the `RunQueryDsl` to
/// use; `[$($asyncness)*]`: `async` or nothing; `[$($aw)*]`: `.await` or nothing.
macro_rules! changeset_ops {
    ($conn:path, $run:path, [$($asyncness:tt)*], [$($aw:tt)*]) => {
        $($asyncness)* fn set_rows_affected<C: $conn>(
            conn: &mut C,
            id: i64,
            rows: i64,
        ) -> diesel::QueryResult<usize> {
            use crate::schema::soft_delete_changesets as t;
            use diesel::prelude::*;
            use $run;
            diesel::update(t::table.find(id))
                .set(t::rows_affected.eq(rows))
                .execute(conn)
                $($aw)*
        }

        $($asyncness)* fn claim_restore<C: $conn>(
            conn: &mut C,
            id: i64,
            at: chrono::NaiveDateTime,
            actor: Option<&str>,
        ) -> diesel::QueryResult<usize> {
            use crate::schema::soft_delete_changesets as t;
            use diesel::prelude::*;
            use $run;
            diesel::update(t::table.find(id).filter(t::restored_at.is_null()))
                .set((t::restored_at.eq(at), t::restored_by.eq(actor)))
                .execute(conn)
                $($aw)*
        }

        $($asyncness)* fn delete_changeset<C: $conn>(
            conn: &mut C,
            id: i64,
        ) -> diesel::QueryResult<usize> {
            use crate::schema::soft_delete_changesets as t;
            use diesel::prelude::*;
            use $run;
            diesel::delete(t::table.find(id)).execute(conn) $($aw)*
        }

        $($asyncness)* fn find_changeset<C: $conn>(
            conn: &mut C,
            id: i64,
        ) -> diesel::QueryResult<Option<crate::record::Changeset>> {
            use crate::schema::soft_delete_changesets as t;
            use diesel::prelude::*;
            use $run;
            t::table
                .find(id)
                .select(crate::record::Changeset::as_select())
                .first(conn)
                $($aw)*
                .optional()
        }

        $($asyncness)* fn list_erasures<C: $conn>(
            conn: &mut C,
            before_id: Option<i64>,
            limit: i64,
        ) -> diesel::QueryResult<Vec<crate::record::ErasureRow>> {
            use crate::schema::soft_delete_erasures as e;
            use diesel::prelude::*;
            use $run;
            let mut q = e::table
                .select(crate::record::ErasureRow::as_select())
                .into_boxed::<Self>();
            if let Some(before) = before_id {
                q = q.filter(e::id.lt(before));
            }
            q.order(e::id.desc()).limit(limit).load(conn) $($aw)*
        }

        $($asyncness)* fn redact<C: $conn>(
            conn: &mut C,
            o: &crate::options::RedactOptions,
        ) -> diesel::QueryResult<u64> {
            use crate::schema::soft_delete_changesets as t;
            use crate::schema::soft_delete_erasures as e;
            use crate::backend::exact::exact_eq;
            use diesel::dsl::case_when;
            use diesel::prelude::*;
            use $run;
            use diesel::sql_types::{Nullable, Text};
            let old = o.actor.as_str();
            let new = || o.replacement.as_deref().into_sql::<Nullable<Text>>();
            let null = || None::<&str>.into_sql::<Nullable<Text>>();
            // Byte for byte (`exact_eq`), not under MySQL's collations: only this person's.
            let by_old = || exact_eq(t::actor, old);
            let restored_by_old = exact_eq(t::restored_by, old);
            let mine = t::table.filter(by_old().or(restored_by_old));
            let actor = t::actor.eq(case_when(by_old(), new()).otherwise(t::actor));
            let restored_by = t::restored_by
                .eq(case_when(restored_by_old, new()).otherwise(t::restored_by));
            let theirs = || e::table.filter(exact_eq(e::actor, old));
            let (changesets, erasures) = if o.clear_reasons {
                // `reason` first: MySQL evaluates a `SET` list left to right, so a later
                // assignment would see the rewritten `actor`.
                let reason = t::reason.eq(case_when(by_old(), null()).otherwise(t::reason));
                let c = diesel::update(mine)
                    .set((reason, actor, restored_by))
                    .execute(conn)
                    $($aw)*?;
                let e = diesel::update(theirs())
                    .set((e::reason.eq(null()), e::actor.eq(new())))
                    .execute(conn)
                    $($aw)*?;
                (c, e)
            } else {
                let c = diesel::update(mine)
                    .set((actor, restored_by))
                    .execute(conn)
                    $($aw)*?;
                let e = diesel::update(theirs())
                    .set(e::actor.eq(new()))
                    .execute(conn)
                    $($aw)*?;
                (c, e)
            };
            Ok((changesets + erasures) as u64)
        }

        $($asyncness)* fn list_changesets<C: $conn>(
            conn: &mut C,
            f: &crate::record::ChangesetFilter,
        ) -> diesel::QueryResult<Vec<crate::record::Changeset>> {
            use crate::schema::soft_delete_changesets as t;
            use diesel::prelude::*;
            use $run;
            let mut q = t::table
                .select(crate::record::Changeset::as_select())
                .into_boxed::<Self>();
            if let Some(a) = &f.actor {
                q = q.filter(crate::backend::exact::exact_eq(t::actor, a.clone()));
            }
            if let Some(r) = &f.root_table {
                q = q.filter(crate::backend::exact::exact_eq(t::root_table, r.clone()));
            }
            if let Some(s) = f.since {
                q = q.filter(t::created_at.ge(s));
            }
            if let Some(u) = f.until {
                q = q.filter(t::created_at.lt(u));
            }
            q = match f.state {
                None => q,
                Some(crate::record::ChangesetState::Restorable) => q
                    .filter(t::restored_at.is_null())
                    .filter(t::removed_at.is_null()),
                Some(crate::record::ChangesetState::Restored) => {
                    q.filter(t::restored_at.is_not_null())
                }
                Some(crate::record::ChangesetState::Removed) => q
                    .filter(t::restored_at.is_null())
                    .filter(t::removed_at.is_not_null()),
            };
            if let Some(before) = f.before_id {
                q = q.filter(t::id.lt(before));
            }
            q.order((t::created_at.desc(), t::id.desc()))
                .limit(f.limit)
                .load(conn)
                $($aw)*
        }
    };
}
pub(crate) use changeset_ops;

/// Runs `q` on a diesel-async connection and reads its single column (of SQL type `ST`) as `T`:
/// `sealed::AsyncOps::load_i64` and `load_text`.
///
/// `AsyncConnectionCore::load`, not `RunQueryDsl::load`: the connection renders the query before
/// the future starts, so the future holds no part of the query (nor the lifetimes of the
/// engine's statement).
#[cfg(feature = "async")]
pub(crate) fn load_column<'c, DB, C, Q, ST, T>(
    conn: &'c mut C,
    q: Q,
) -> impl std::future::Future<Output = diesel::QueryResult<Vec<T>>> + Send + 'c
where
    DB: diesel::backend::Backend,
    C: diesel_async::AsyncConnectionCore<Backend = DB>,
    Q: diesel::query_builder::Query<SqlType = ST>
        + diesel::query_builder::QueryFragment<DB>
        + diesel::query_builder::QueryId
        + 'c,
    T: diesel::deserialize::FromSqlRow<ST, DB> + Send + 'static,
{
    use futures_util::{StreamExt, TryStreamExt};
    let rows = diesel_async::AsyncConnectionCore::load(conn, q);
    async move {
        rows.await?
            .map(|row| {
                T::build_from_row(&row?).map_err(diesel::result::Error::DeserializationError)
            })
            .try_collect()
            .await
    }
}

/// The backend-independent half of `sealed::AsyncOps` (`$db`: the backend).
#[cfg(feature = "async")]
macro_rules! async_ops {
    () => {
        fn load_i64<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = diesel::QueryResult<Vec<i64>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: diesel::query_builder::Query<SqlType = diesel::sql_types::BigInt>
                + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + 'c,
        {
            crate::backend::load_column::<Self, C, Q, diesel::sql_types::BigInt, i64>(conn, q)
        }

        fn load_text<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = diesel::QueryResult<Vec<String>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: diesel::query_builder::Query<SqlType = diesel::sql_types::Text>
                + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + 'c,
        {
            crate::backend::load_column::<Self, C, Q, diesel::sql_types::Text, String>(conn, q)
        }

        fn load_pairs<'c, C, Q>(
            conn: &'c mut C,
            q: Q,
        ) -> impl std::future::Future<Output = diesel::QueryResult<Vec<(i64, i64)>>> + Send
        where
            C: diesel_async::AsyncConnectionCore<Backend = Self>,
            Q: diesel::query_builder::Query<
                    SqlType = (diesel::sql_types::BigInt, diesel::sql_types::BigInt),
                > + diesel::query_builder::QueryFragment<Self>
                + diesel::query_builder::QueryId
                + 'c,
        {
            type Pair = (diesel::sql_types::BigInt, diesel::sql_types::BigInt);
            crate::backend::load_column::<Self, C, Q, Pair, (i64, i64)>(conn, q)
        }

        crate::backend::changeset_ops!(
            diesel_async::AsyncConnectionCore<Backend = Self>,
            diesel_async::RunQueryDsl,
            [async],
            [.await]
        );
    };
}
#[cfg(feature = "async")]
pub(crate) use async_ops;

/// `insert_changeset` with `RETURNING id`: one round trip (PostgreSQL, SQLite 3.35+); the
/// parameters as [`changeset_ops!`]'s.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! insert_returning_id {
    ($conn:path, $run:path, [$($asyncness:tt)*], [$($aw:tt)*]) => {
        $($asyncness)* fn insert_changeset<C: $conn>(
            conn: &mut C,
            new: &crate::record::NewChangeset<'_>,
        ) -> diesel::QueryResult<i64> {
            use crate::schema::soft_delete_changesets as t;
            use $run;
            diesel::insert_into(t::table)
                .values(new)
                .returning(t::id)
                .get_result(conn)
                $($aw)*
        }

        $($asyncness)* fn insert_erasure<C: $conn>(
            conn: &mut C,
            new: &crate::record::NewErasure<'_>,
        ) -> diesel::QueryResult<i64> {
            use crate::schema::soft_delete_erasures as e;
            use $run;
            diesel::insert_into(e::table)
                .values(new)
                .returning(e::id)
                .get_result(conn)
                $($aw)*
        }
    };
}
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use insert_returning_id;
