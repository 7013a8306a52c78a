//! Text equality that holds byte for byte on every backend: [`exact_eq`], for the statements
//! that compare a name in the record (actor, restorer, root table) with one a caller gives.
//!
//! SQLite's `=` on `TEXT` (collation `BINARY`) and PostgreSQL's (a deterministic collation)
//! already are exact. MySQL's and MariaDB's `=` compares under the column's collation: with the
//! default ones case-insensitively, and, on every `PAD SPACE` collation (MariaDB's `utf8mb4_bin`
//! included), ignoring trailing spaces — `'alice' = 'Alice '` holds. There the comparison also
//! compares the two sides as binary strings (which have no collation and never pad), each
//! converted to UTF-8 first, so a column in another character set (`latin1`, the default of
//! older servers) is compared by the same bytes as the value:
//!
//! ```sql
//! (`t`.`actor` = ? AND CAST(CONVERT(`t`.`actor` USING utf8mb4) AS BINARY)
//!                    = CAST(CONVERT(? USING utf8mb4) AS BINARY))
//! ```
//!
//! The collation comparison in front is implied by the binary one; it is kept so that an index
//! on the column can still select the candidate rows. The comparison is in the statement, not
//! in the table's definition, so existing installs need no change.

use diesel::expression::{
    AppearsOnTable, AsExpression, Expression, SelectableExpression, TypedExpressionType,
    ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::is_nullable::{IsSqlTypeNullable, MaybeNullable};
use diesel::sql_types::{Bool, MaybeNullableType, SqlType};
use diesel::QueryResult;

use super::{Dialect, SoftDeleteBackend};

/// `left = right`, true only when both sides hold the same bytes, on every backend: see the
/// module documentation for the SQL. `NULL` on either side compares as with `=`.
#[derive(Debug, Clone, Copy, QueryId, ValidGrouping)]
pub(crate) struct ExactEq<L, R> {
    left: L,
    right: R,
}

/// `left = right`, byte for byte on every backend (what [`ExactEq`] renders).
pub(crate) fn exact_eq<L, R>(left: L, right: R) -> ExactEq<L, R::Expression>
where
    L: Expression,
    L::SqlType: SqlType + TypedExpressionType,
    R: AsExpression<L::SqlType>,
{
    ExactEq {
        left,
        right: right.as_expression(),
    }
}

/// `Bool`, nullable when the operands are: the type of Diesel's `left.eq(right)`.
impl<L, R> Expression for ExactEq<L, R>
where
    L: Expression,
    L::SqlType: SqlType,
    R: Expression<SqlType = L::SqlType>,
    IsSqlTypeNullable<L::SqlType>: MaybeNullableType<Bool>,
{
    type SqlType = MaybeNullable<IsSqlTypeNullable<L::SqlType>, Bool>;
}

impl<L, R, QS> AppearsOnTable<QS> for ExactEq<L, R>
where
    Self: Expression,
    L: AppearsOnTable<QS>,
    R: AppearsOnTable<QS>,
{
}

impl<L, R, QS> SelectableExpression<QS> for ExactEq<L, R>
where
    Self: AppearsOnTable<QS>,
    L: SelectableExpression<QS>,
    R: SelectableExpression<QS>,
{
}

impl<L, R, DB> QueryFragment<DB> for ExactEq<L, R>
where
    DB: SoftDeleteBackend,
    L: QueryFragment<DB>,
    R: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.left.walk_ast(out.reborrow())?;
        out.push_sql(" = ");
        self.right.walk_ast(out.reborrow())?;
        if DB::DIALECT == Dialect::Mysql {
            out.push_sql(" AND ");
            utf8_bytes(&self.left, out.reborrow())?;
            out.push_sql(" = ");
            utf8_bytes(&self.right, out.reborrow())?;
        }
        out.push_sql(")");
        Ok(())
    }
}

/// MySQL's expression for the UTF-8 bytes of a text `e`: `UTF8_BYTES.0`, `e`, `UTF8_BYTES.1`,
/// i.e. `CAST(CONVERT(<e> USING utf8mb4) AS BINARY)`. Also written by the engine's own
/// statements (`statements::clauses::exact`).
pub(crate) const UTF8_BYTES: (&str, &str) = ("CAST(CONVERT(", " USING utf8mb4) AS BINARY)");

/// MySQL: `CAST(CONVERT(<e> USING utf8mb4) AS BINARY)`, the UTF-8 bytes of `e`.
fn utf8_bytes<'b, DB, E>(e: &'b E, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
where
    DB: SoftDeleteBackend,
    E: QueryFragment<DB>,
{
    out.push_sql(UTF8_BYTES.0);
    e.walk_ast(out.reborrow())?;
    out.push_sql(UTF8_BYTES.1);
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::dsl::{AsExprOf, Filter, Select};
    use diesel::prelude::*;
    use diesel::sql_types::{Nullable, Text};

    use super::{exact_eq, ExactEq};
    use crate::schema::soft_delete_changesets as t;

    type ByAlice =
        Filter<Select<t::table, t::id>, ExactEq<t::actor, AsExprOf<&'static str, Nullable<Text>>>>;

    /// What `ChangesetFilter::actor("alice")` adds to a select.
    fn by_alice() -> ByAlice {
        t::table.select(t::id).filter(exact_eq(t::actor, "alice"))
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_compares_with_equals() {
        assert_eq!(
            diesel::debug_query::<diesel::sqlite::Sqlite, _>(&by_alice()).to_string(),
            "SELECT `soft_delete_changesets`.`id` FROM `soft_delete_changesets` \
             WHERE (`soft_delete_changesets`.`actor` = ?) -- binds: [\"alice\"]"
        );
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_compares_with_equals() {
        assert_eq!(
            diesel::debug_query::<diesel::pg::Pg, _>(&by_alice()).to_string(),
            "SELECT \"soft_delete_changesets\".\"id\" FROM \"soft_delete_changesets\" \
             WHERE (\"soft_delete_changesets\".\"actor\" = $1) -- binds: [\"alice\"]"
        );
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_also_compares_the_utf8_bytes() {
        assert_eq!(
            diesel::debug_query::<diesel::mysql::Mysql, _>(&by_alice()).to_string(),
            "SELECT `soft_delete_changesets`.`id` FROM `soft_delete_changesets` \
             WHERE (`soft_delete_changesets`.`actor` = ? \
             AND CAST(CONVERT(`soft_delete_changesets`.`actor` USING utf8mb4) AS BINARY) \
             = CAST(CONVERT(? USING utf8mb4) AS BINARY)) -- binds: [\"alice\", \"alice\"]"
        );
    }
}
