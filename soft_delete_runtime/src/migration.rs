//! Migration SQL the runtime ships: its changeset table, and live-only unique indexes.

use crate::backend::{Dialect, SoftDeleteBackend};
use crate::connection::SoftDeleteConnection;
use crate::error::SoftDeleteError;
use crate::meta::MarkerKind;
use crate::table::{CascadeTarget, SoftDeleteTable};
use crate::table_name::TableName;

/// The `CREATE TABLE` for `soft_delete_changesets` on `dialect` (idempotent).
///
/// Put it in your migrations, or call [`install`] at start-up.
pub fn changeset_table_sql(dialect: Dialect) -> &'static str {
    /// The table with the per-dialect column types filled in.
    macro_rules! table {
        ($id:literal, $time:literal, $name:literal, $index:literal) => {
            concat!(
                "CREATE TABLE IF NOT EXISTS soft_delete_changesets (\n",
                "    id ",
                $id,
                ",\n",
                "    created_at ",
                $time,
                " NOT NULL,\n",
                "    actor TEXT,\n",
                "    reason TEXT,\n",
                "    root_table ",
                $name,
                " NOT NULL,\n",
                "    root_key TEXT,\n",
                "    rows_affected BIGINT NOT NULL DEFAULT 0,\n",
                "    restored_at ",
                $time,
                ",\n",
                "    restored_by TEXT",
                $index,
            )
        };
    }
    macro_rules! created_at_index {
        () => {
            "\n);\nCREATE INDEX IF NOT EXISTS soft_delete_changesets_created_at ON soft_delete_changesets (created_at);"
        };
    }
    match dialect {
        Dialect::Sqlite => concat!(
            table!("INTEGER PRIMARY KEY AUTOINCREMENT", "TIMESTAMP", "TEXT", ""),
            created_at_index!()
        ),
        Dialect::Postgres => concat!(
            table!("BIGSERIAL PRIMARY KEY", "TIMESTAMP", "TEXT", ""),
            created_at_index!()
        ),
        // MySQL has no `CREATE INDEX IF NOT EXISTS`: the index is declared with the table.
        Dialect::Mysql => table!(
            "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(6)",
            "VARCHAR(255)",
            ",\n    INDEX soft_delete_changesets_created_at (created_at)\n);"
        ),
    }
}

/// The `CREATE TABLE` for `soft_delete_erasures` on `dialect` (idempotent): one row per
/// `row.erase(..)`, recording that an erasure happened, never the erased data.
///
/// New in this version: an existing install gets it by calling [`install`] again, or by adding
/// this statement to a migration.
pub fn erasure_table_sql(dialect: Dialect) -> &'static str {
    macro_rules! table {
        ($id:literal, $time:literal, $name:literal) => {
            concat!(
                "CREATE TABLE IF NOT EXISTS soft_delete_erasures (\n",
                "    id ",
                $id,
                ",\n    erased_at ",
                $time,
                " NOT NULL,\n",
                "    actor TEXT,\n",
                "    reason TEXT,\n",
                "    root_table ",
                $name,
                " NOT NULL,\n",
                "    root_key TEXT,\n",
                "    rows_removed BIGINT NOT NULL DEFAULT 0,\n",
                "    removed TEXT NOT NULL,\n",
                "    nullified TEXT NOT NULL\n);"
            )
        };
    }
    match dialect {
        Dialect::Sqlite => table!("INTEGER PRIMARY KEY AUTOINCREMENT", "TIMESTAMP", "TEXT"),
        Dialect::Postgres => table!("BIGSERIAL PRIMARY KEY", "TIMESTAMP", "TEXT"),
        Dialect::Mysql => table!(
            "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(6)",
            "VARCHAR(255)"
        ),
    }
}

/// Creates `soft_delete_changesets` and `soft_delete_erasures` on `conn` where they do not
/// exist (safe to call at every start-up, and to upgrade an existing install).
pub fn install<C: SoftDeleteConnection>(conn: &mut C) -> Result<(), SoftDeleteError> {
    let dialect = <C::Backend as SoftDeleteBackend>::DIALECT;
    conn.batch_execute(changeset_table_sql(dialect))?;
    conn.batch_execute(erasure_table_sql(dialect))?;
    Ok(())
}

fn quote(dialect: Dialect, ident: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("`{}`", ident.replace('`', "``")),
        _ => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

/// The table as Diesel names it: `"schema"."name"` or `"name"`.
fn quote_table(dialect: Dialect, table: &TableName) -> String {
    match table.schema {
        Some(schema) => format!("{}.{}", quote(dialect, schema), quote(dialect, table.name)),
        None => quote(dialect, table.name),
    }
}

/// SQL for a unique index over the *live* rows of table `T` only, so a hidden row never blocks
/// a new live row with the same key.
///
/// PostgreSQL and SQLite get a partial index (`WHERE deleted_at IS NULL`); MySQL/MariaDB, which
/// have none, get a stored generated column that is `1` for live rows and `NULL` for hidden ones,
/// and a unique index over the key columns plus it (`NULL`s never collide).
///
/// ```
/// # use diesel::prelude::*;
/// # use soft_delete_runtime::prelude::*;
/// # use soft_delete_runtime::{backend::Dialect, migration::unique_live_index};
/// # diesel::table! { users (id) { id -> Integer, email -> Text, deleted_at -> Nullable<Timestamp> } }
/// # #[derive(Queryable, Selectable, SoftDeletable)]
/// # #[diesel(table_name = users)]
/// # struct User { id: i32, email: String, deleted_at: Option<chrono::NaiveDateTime> }
/// assert_eq!(
///     unique_live_index::<users::table>(Dialect::Postgres, &["email"]),
///     r#"CREATE UNIQUE INDEX "users_email_live_key" ON "users" ("email") WHERE "deleted_at" IS NULL;"#
/// );
/// ```
pub fn unique_live_index<T: SoftDeleteTable>(dialect: Dialect, columns: &[&str]) -> String {
    let meta = T::meta();
    // An index lives in its table's schema: its name is the table's own name plus the columns.
    let name = format!("{}_{}_live_key", meta.sql().name, columns.join("_"));
    let cols: Vec<String> = columns.iter().map(|c| quote(dialect, c)).collect();
    let marker = quote(dialect, meta.marker);
    let live = match (meta.marker_kind, dialect) {
        (MarkerKind::Flag, Dialect::Postgres) => format!("NOT {marker}"),
        (MarkerKind::Flag, _) => format!("{marker} = 0"),
        _ => format!("{marker} IS NULL"),
    };
    match dialect {
        Dialect::Postgres | Dialect::Sqlite => format!(
            "CREATE UNIQUE INDEX {} ON {} ({}) WHERE {live};",
            quote(dialect, &name),
            quote_table(dialect, meta.sql()),
            cols.join(", ")
        ),
        Dialect::Mysql => {
            let flag = quote(dialect, &format!("{name}_live"));
            format!(
                "ALTER TABLE {table} ADD COLUMN {flag} TINYINT GENERATED ALWAYS AS (CASE WHEN {live} THEN 1 ELSE NULL END) STORED;\n\
                 CREATE UNIQUE INDEX {idx} ON {table} ({cols}, {flag});",
                table = quote_table(dialect, meta.sql()),
                idx = quote(dialect, &name),
                cols = cols.join(", "),
            )
        }
    }
}

/// SQL for the index every cascade statement uses: on `deletion_id` of table `T`.
///
/// Cascades and restores select rows by `deletion_id`; without this index each level scans the
/// table.
pub fn deletion_id_index<T: CascadeTarget>(dialect: Dialect) -> String {
    let meta = T::meta();
    let did = <T::DeletionId as diesel::Column>::NAME;
    format!(
        "CREATE INDEX {} ON {} ({});",
        quote(dialect, &format!("{}_{did}_idx", meta.sql().name)),
        quote_table(dialect, meta.sql()),
        quote(dialect, did)
    )
}
