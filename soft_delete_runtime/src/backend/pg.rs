use diesel::pg::Pg;

use super::sealed::Ops;
use super::{Dialect, SoftDeleteBackend};
use crate::meta::MarkerKind;
use crate::time::Instant;

impl SoftDeleteBackend for Pg {
    const DIALECT: Dialect = Dialect::Postgres;
}

impl Ops for Pg {
    super::backend_ops!(Pg);

    fn push_time<'b>(
        out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
        kind: MarkerKind,
        at: &'b Instant,
    ) -> diesel::QueryResult<()> {
        match kind {
            MarkerKind::TimestampTz => {
                out.push_bind_param::<diesel::sql_types::Timestamptz, _>(&at.utc)
            }
            _ => out.push_bind_param::<diesel::sql_types::Timestamp, _>(&at.naive),
        }
    }

    super::insert_returning_id!(
        diesel::connection::LoadConnection<Backend = Self>,
        diesel::RunQueryDsl,
        [],
        []
    );
}

#[cfg(feature = "async")]
impl super::sealed::AsyncOps for Pg {
    super::async_ops!();
    super::insert_returning_id!(
        diesel_async::AsyncConnectionCore<Backend = Self>,
        diesel_async::RunQueryDsl,
        [async],
        [.await]
    );
}
