use diesel::mysql::Mysql;

use super::sealed::Ops;
use super::{Dialect, SoftDeleteBackend};
use crate::meta::MarkerKind;
use crate::time::Instant;

impl SoftDeleteBackend for Mysql {
    const DIALECT: Dialect = Dialect::Mysql;
}

impl Ops for Mysql {
    super::backend_ops!(Mysql);

    /// MySQL has no time-zone-aware column type: both kinds are stored as UTC `DATETIME(6)`.
    fn push_time<'b>(
        out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
        _kind: MarkerKind,
        at: &'b Instant,
    ) -> diesel::QueryResult<()> {
        out.push_bind_param::<diesel::sql_types::Datetime, _>(&at.naive)
    }

    /// No `RETURNING` on MySQL: the id comes from `LAST_INSERT_ID()` on the same connection.
    fn insert_changeset<C: diesel::connection::LoadConnection<Backend = Self>>(
        conn: &mut C,
        new: &crate::record::NewChangeset<'_>,
    ) -> diesel::QueryResult<i64> {
        use crate::schema::soft_delete_changesets as t;
        use diesel::prelude::*;
        diesel::insert_into(t::table).values(new).execute(conn)?;
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "CAST(LAST_INSERT_ID() AS SIGNED)",
        ))
        .get_result(conn)
    }

    /// As `insert_changeset`: the id from `LAST_INSERT_ID()`.
    fn insert_erasure<C: diesel::connection::LoadConnection<Backend = Self>>(
        conn: &mut C,
        new: &crate::record::NewErasure<'_>,
    ) -> diesel::QueryResult<i64> {
        use crate::schema::soft_delete_erasures as e;
        use diesel::prelude::*;
        diesel::insert_into(e::table).values(new).execute(conn)?;
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "CAST(LAST_INSERT_ID() AS SIGNED)",
        ))
        .get_result(conn)
    }
}
