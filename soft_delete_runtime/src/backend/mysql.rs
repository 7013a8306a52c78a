use diesel::mysql::Mysql;

use super::sealed::Ops;
use super::{Dialect, SoftDeleteBackend};
use crate::meta::MarkerKind;
use crate::time::Instant;

/// No `RETURNING` on MySQL: the inserts read their id from `LAST_INSERT_ID()` on the same
/// connection. The parameters as `changeset_ops!`'s.
macro_rules! insert_last_id {
    ($conn:path, $run:path, [$($asyncness:tt)*], [$($aw:tt)*]) => {
        $($asyncness)* fn insert_changeset<C: $conn>(
            conn: &mut C,
            new: &crate::record::NewChangeset<'_>,
        ) -> diesel::QueryResult<i64> {
            use crate::schema::soft_delete_changesets as t;
            use $run;
            diesel::insert_into(t::table).values(new).execute(conn) $($aw)* ?;
            diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(LAST_INSERT_ID() AS SIGNED)",
            ))
            .get_result(conn)
            $($aw)*
        }

        $($asyncness)* fn insert_erasure<C: $conn>(
            conn: &mut C,
            new: &crate::record::NewErasure<'_>,
        ) -> diesel::QueryResult<i64> {
            use crate::schema::soft_delete_erasures as e;
            use $run;
            diesel::insert_into(e::table).values(new).execute(conn) $($aw)* ?;
            diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(LAST_INSERT_ID() AS SIGNED)",
            ))
            .get_result(conn)
            $($aw)*
        }
    };
}

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

    insert_last_id!(
        diesel::connection::LoadConnection<Backend = Self>,
        diesel::RunQueryDsl,
        [],
        []
    );
}

#[cfg(feature = "async")]
impl super::sealed::AsyncOps for Mysql {
    super::async_ops!();
    insert_last_id!(
        diesel_async::AsyncConnectionCore<Backend = Self>,
        diesel_async::RunQueryDsl,
        [async],
        [.await]
    );
}
