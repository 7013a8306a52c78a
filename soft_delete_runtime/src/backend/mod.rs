//! What differs between SQLite, PostgreSQL and MySQL/MariaDB, behind one trait.

use diesel::backend::Backend;
use diesel::connection::LoadConnection;
use diesel::query_builder::AstPass;
use diesel::sql_types::{BigInt, Text};
use diesel::QueryResult;

use crate::changeset::{Changeset, ChangesetFilter, NewChangeset};
use crate::sql::{Instant, Typed};
use crate::MarkerKind;

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod pg;
#[cfg(feature = "sqlite")]
mod sqlite;

mod sealed {
    pub trait Sealed {}
    #[cfg(feature = "sqlite")]
    impl Sealed for diesel::sqlite::Sqlite {}
    #[cfg(feature = "postgres")]
    impl Sealed for diesel::pg::Pg {}
    #[cfg(feature = "mysql")]
    impl Sealed for diesel::mysql::Mysql {}
}

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

/// A Diesel backend the runtime supports. Implemented for `Sqlite`, `Pg` and `Mysql` under the
/// features of the same names; you do not implement it.
pub trait SoftDeleteBackend: Backend + Sized + 'static + sealed::Sealed {
    /// The dialect, for the few statements whose shape differs.
    const DIALECT: Dialect;

    #[doc(hidden)]
    fn push_i64<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b i64) -> QueryResult<()>;
    #[doc(hidden)]
    fn push_bool<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b bool) -> QueryResult<()>;
    #[doc(hidden)]
    fn push_text<'b>(out: &mut AstPass<'_, 'b, Self>, v: &'b Option<&'b str>) -> QueryResult<()>;
    #[doc(hidden)]
    fn push_time<'b>(
        out: &mut AstPass<'_, 'b, Self>,
        kind: MarkerKind,
        at: &'b Instant,
    ) -> QueryResult<()>;
    #[doc(hidden)]
    fn load_i64<C: LoadConnection<Backend = Self>>(
        conn: &mut C,
        q: Typed<'_, '_, Self, BigInt>,
    ) -> QueryResult<Vec<i64>>;
    #[doc(hidden)]
    fn load_text<C: LoadConnection<Backend = Self>>(
        conn: &mut C,
        q: Typed<'_, '_, Self, Text>,
    ) -> QueryResult<Vec<String>>;
    #[doc(hidden)]
    fn insert_changeset<C: LoadConnection<Backend = Self>>(
        conn: &mut C,
        new: &NewChangeset<'_>,
    ) -> QueryResult<i64>;
    #[doc(hidden)]
    fn find_changeset<C: LoadConnection<Backend = Self>>(
        conn: &mut C,
        id: i64,
    ) -> QueryResult<Option<Changeset>>;
    #[doc(hidden)]
    fn list_changesets<C: LoadConnection<Backend = Self>>(
        conn: &mut C,
        filter: &ChangesetFilter,
    ) -> QueryResult<Vec<Changeset>>;
}

/// Changeset-table operations written once with Diesel's typed DSL and instantiated per backend.
macro_rules! common_backend_ops {
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
            v: &'b Option<&'b str>,
        ) -> diesel::QueryResult<()> {
            out.push_bind_param::<diesel::sql_types::Nullable<diesel::sql_types::Text>, Option<&'b str>>(v)
        }

        fn load_i64<C: diesel::connection::LoadConnection<Backend = Self>>(
            conn: &mut C,
            q: $crate::sql::Typed<'_, '_, Self, diesel::sql_types::BigInt>,
        ) -> diesel::QueryResult<Vec<i64>> {
            diesel::RunQueryDsl::load::<i64>(q, conn)
        }

        fn load_text<C: diesel::connection::LoadConnection<Backend = Self>>(
            conn: &mut C,
            q: $crate::sql::Typed<'_, '_, Self, diesel::sql_types::Text>,
        ) -> diesel::QueryResult<Vec<String>> {
            diesel::RunQueryDsl::load::<String>(q, conn)
        }

        fn find_changeset<C: diesel::connection::LoadConnection<Backend = Self>>(
            conn: &mut C,
            id: i64,
        ) -> diesel::QueryResult<Option<$crate::Changeset>> {
            use diesel::prelude::*;
            use $crate::schema::soft_delete_changesets as t;
            t::table
                .find(id)
                .select($crate::Changeset::as_select())
                .first(conn)
                .optional()
        }

        fn list_changesets<C: diesel::connection::LoadConnection<Backend = Self>>(
            conn: &mut C,
            f: &$crate::ChangesetFilter,
        ) -> diesel::QueryResult<Vec<$crate::Changeset>> {
            use diesel::prelude::*;
            use $crate::schema::soft_delete_changesets as t;
            let mut q = t::table
                .select($crate::Changeset::as_select())
                .into_boxed::<$db>();
            if let Some(a) = &f.actor {
                q = q.filter(t::actor.eq(a.clone()));
            }
            if let Some(r) = &f.root_table {
                q = q.filter(t::root_table.eq(r.clone()));
            }
            if let Some(s) = f.since {
                q = q.filter(t::created_at.ge(s));
            }
            if let Some(u) = f.until {
                q = q.filter(t::created_at.lt(u));
            }
            if let Some(restored) = f.restored {
                q = if restored {
                    q.filter(t::restored_at.is_not_null())
                } else {
                    q.filter(t::restored_at.is_null())
                };
            }
            if let Some(before) = f.before_id {
                q = q.filter(t::id.lt(before));
            }
            q.order((t::created_at.desc(), t::id.desc()))
                .limit(f.limit)
                .load(conn)
        }
    };
}
pub(crate) use common_backend_ops;

/// `insert_changeset` with `RETURNING id`: one round trip (PostgreSQL, SQLite 3.35+).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
macro_rules! insert_returning_id {
    () => {
        fn insert_changeset<C: diesel::connection::LoadConnection<Backend = Self>>(
            conn: &mut C,
            new: &$crate::changeset::NewChangeset<'_>,
        ) -> diesel::QueryResult<i64> {
            use diesel::prelude::*;
            use $crate::schema::soft_delete_changesets as t;
            diesel::insert_into(t::table)
                .values(new)
                .returning(t::id)
                .get_result(conn)
        }
    };
}
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use insert_returning_id;
