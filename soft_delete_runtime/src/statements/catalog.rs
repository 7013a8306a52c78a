//! Read-only statements over the database's own catalog: whether a table exists, and the key
//! columns and partial predicate of each of its indexes, for `migration::missing_indexes`.
//!
//! The table's name and schema are bound as text, never spliced into the SQL: PostgreSQL
//! resolves them with `to_regclass(quote_ident(..))` (the search path, as Diesel's unqualified
//! names do), SQLite through its `pragma_*` table-valued functions, MySQL/MariaDB through
//! `information_schema` (the connection's database, `DATABASE()`, when the `table!` names none).

use super::builder::Stmt;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::table_name::TableName;

/// `SELECT COUNT(*)`: 1 when table `t` exists, else 0.
pub(crate) fn table_exists<DB: SoftDeleteBackend>(t: &'static TableName) -> Stmt<'static, DB> {
    let mut s = Stmt::new();
    match (DB::DIALECT, t.schema) {
        (Dialect::Postgres, _) => {
            s.sql("SELECT COUNT(*) FROM (SELECT ");
            regclass(&mut s, t);
            s.sql(" AS t) AS sd_t WHERE sd_t.t IS NOT NULL");
        }
        // An unknown schema is an error in a `pragma_*` function: the schema is read from the
        // list of attached databases first.
        (Dialect::Sqlite, Some(schema)) => {
            s.sql("SELECT COUNT(*) FROM pragma_database_list AS d WHERE d.name = ")
                .text(schema)
                .sql(" AND EXISTS (SELECT 1 FROM pragma_table_info(")
                .text(t.name)
                .sql(", d.name))");
        }
        (Dialect::Sqlite, None) => {
            s.sql("SELECT COUNT(*) FROM (SELECT 1 FROM pragma_table_info(")
                .text(t.name)
                .sql(") LIMIT 1) AS sd_t");
        }
        (Dialect::Mysql, _) => {
            s.sql("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
            mysql_schema(&mut s, t);
            s.sql(" AND TABLE_NAME = ").text(t.name);
        }
    }
    s
}

/// `SELECT COUNT(*)`: 1 when table `t` (an existing one) has a column `column`, else 0.
pub(crate) fn column_exists<DB: SoftDeleteBackend>(
    t: &'static TableName,
    column: &'static str,
) -> Stmt<'static, DB> {
    let mut s = Stmt::new();
    match DB::DIALECT {
        Dialect::Postgres => {
            s.sql("SELECT COUNT(*) FROM pg_catalog.pg_attribute WHERE NOT attisdropped AND attrelid = ");
            regclass(&mut s, t);
            s.sql(" AND attname = ").text(column);
        }
        Dialect::Sqlite => {
            s.sql("SELECT COUNT(*) FROM pragma_table_info(")
                .text(t.name);
            if let Some(schema) = t.schema {
                s.sql(", ").text(schema);
            }
            s.sql(") WHERE name = ").text(column);
        }
        Dialect::Mysql => {
            s.sql("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ");
            mysql_schema(&mut s, t);
            s.sql(" AND TABLE_NAME = ").text(t.name);
            s.sql(" AND COLUMN_NAME = ").text(column);
        }
    }
    s
}

/// One row per key column of each B-tree index of table `t` (an existing one): the index's
/// name, the column's position, the column's name (`NULL` for an expression or a column
/// prefix) and the index's partial predicate (`NULL` when it has none), ordered by index and
/// position. Included (non-key) columns and indexes not yet valid are left out.
pub(crate) fn index_columns<DB: SoftDeleteBackend>(t: &'static TableName) -> Stmt<'static, DB> {
    let mut s = Stmt::new();
    match DB::DIALECT {
        Dialect::Postgres => {
            s.sql(
                "SELECT c.relname::text, k.n, a.attname::text, pg_get_expr(x.indpred, x.indrelid) \
                 FROM pg_catalog.pg_index AS x \
                 JOIN pg_catalog.pg_class AS c ON c.oid = x.indexrelid \
                 JOIN pg_catalog.pg_am AS am ON am.oid = c.relam \
                 CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
                 LEFT JOIN pg_catalog.pg_attribute AS a \
                 ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0 \
                 WHERE x.indisvalid AND am.amname = 'btree' AND k.n <= x.indnkeyatts \
                 AND x.indrelid = ",
            );
            regclass(&mut s, t);
        }
        Dialect::Sqlite => {
            s.sql(
                "SELECT l.name, i.seqno, i.name, CASE WHEN l.partial THEN \
                 (SELECT m.sql FROM ",
            );
            if let Some(schema) = t.schema {
                s.ident(schema).sql(".");
            }
            s.sql("sqlite_master AS m WHERE m.type = 'index' AND m.name = l.name) END ");
            s.sql("FROM pragma_index_list(").text(t.name);
            if let Some(schema) = t.schema {
                s.sql(", ").text(schema);
            }
            s.sql(") AS l JOIN pragma_index_info(l.name");
            if let Some(schema) = t.schema {
                s.sql(", ").text(schema);
            }
            s.sql(") AS i");
        }
        Dialect::Mysql => {
            s.sql(
                "SELECT INDEX_NAME, CAST(SEQ_IN_INDEX AS SIGNED), \
                 CASE WHEN SUB_PART IS NULL THEN COLUMN_NAME END, NULL \
                 FROM information_schema.STATISTICS \
                 WHERE INDEX_TYPE = 'BTREE' AND TABLE_SCHEMA = ",
            );
            mysql_schema(&mut s, t);
            s.sql(" AND TABLE_NAME = ").text(t.name);
        }
    }
    s.sql(" ORDER BY 1, 2");
    s
}

/// PostgreSQL: `to_regclass(quote_ident($1) [|| '.' || quote_ident($2)])`, `NULL` when absent.
fn regclass<DB: SoftDeleteBackend>(s: &mut Stmt<'static, DB>, t: &'static TableName) {
    s.sql("to_regclass(");
    if let Some(schema) = t.schema {
        s.sql("quote_ident(").text(schema).sql(") || '.' || ");
    }
    s.sql("quote_ident(").text(t.name).sql("))");
}

/// MySQL: the `table!`'s database, or the connection's.
fn mysql_schema<DB: SoftDeleteBackend>(s: &mut Stmt<'static, DB>, t: &'static TableName) {
    match t.schema {
        Some(schema) => s.text(schema),
        None => s.sql("DATABASE()"),
    };
}
