use diesel::sqlite::Sqlite;

use super::{Dialect, SoftDeleteBackend};
use crate::sql::Instant;
use crate::MarkerKind;

impl SoftDeleteBackend for Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;

    super::common_backend_ops!(Sqlite);

    fn push_time<'b>(
        out: &mut diesel::query_builder::AstPass<'_, 'b, Self>,
        kind: MarkerKind,
        at: &'b Instant,
    ) -> diesel::QueryResult<()> {
        match kind {
            MarkerKind::TimestampTz => {
                out.push_bind_param::<diesel::sql_types::TimestamptzSqlite, _>(&at.utc)
            }
            _ => out.push_bind_param::<diesel::sql_types::Timestamp, _>(&at.naive),
        }
    }

    fn insert_changeset<C: diesel::connection::LoadConnection<Backend = Self>>(
        conn: &mut C,
        new: &crate::changeset::NewChangeset<'_>,
    ) -> diesel::QueryResult<i64> {
        use crate::schema::soft_delete_changesets as t;
        use diesel::prelude::*;
        diesel::insert_into(t::table)
            .values(new)
            .returning(t::id)
            .get_result(conn)
    }
}
