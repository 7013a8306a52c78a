//! Migration SQL the runtime ships: its changeset table, the indexes soft deletion wants
//! ([`recommended_indexes`], checked against a live database by [`missing_indexes`]), and
//! live-only unique indexes.

mod indexes;

use crate::backend::{Dialect, SoftDeleteBackend};
use crate::connection::SoftDeleteConnection;
use crate::engine;
use crate::error::SoftDeleteError;
use crate::meta::MarkerKind;
use crate::registry::graph;
use crate::schema::soft_delete_changesets;
use crate::statements::{bookkeeping, catalog};
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
                "    restored_by TEXT,\n",
                "    rows_removed BIGINT NOT NULL DEFAULT 0,\n",
                "    removed_at ",
                $time,
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

/// The `ALTER TABLE` that brings a `soft_delete_changesets` created by an earlier version up to
/// this one, on `dialect`: the columns `rows_removed` and `removed_at`, with which hard delete,
/// purge and erasure keep the record true (see [`Changeset::state`](crate::Changeset::state)).
///
/// Put it in a migration of its own (it is not idempotent on SQLite and MySQL, which have no
/// `ADD COLUMN IF NOT EXISTS`), or call [`install`], which adds what is missing. Changesets whose
/// rows were removed before the upgrade keep `rows_removed = 0` and stay listed; restoring one
/// returns [`SoftDeleteError::NothingToRestore`] and marks nothing.
pub fn changeset_table_upgrade_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => concat!(
            "ALTER TABLE soft_delete_changesets ADD COLUMN rows_removed BIGINT NOT NULL DEFAULT 0;\n",
            "ALTER TABLE soft_delete_changesets ADD COLUMN removed_at TIMESTAMP;"
        ),
        Dialect::Postgres => concat!(
            "ALTER TABLE soft_delete_changesets\n",
            "    ADD COLUMN IF NOT EXISTS rows_removed BIGINT NOT NULL DEFAULT 0,\n",
            "    ADD COLUMN IF NOT EXISTS removed_at TIMESTAMP;"
        ),
        Dialect::Mysql => concat!(
            "ALTER TABLE soft_delete_changesets\n",
            "    ADD COLUMN rows_removed BIGINT NOT NULL DEFAULT 0,\n",
            "    ADD COLUMN removed_at DATETIME(6);"
        ),
    }
}

/// Creates `soft_delete_changesets` and `soft_delete_erasures` on `conn` where they do not
/// exist, and adds the columns a table from an earlier version lacks
/// ([`changeset_table_upgrade_sql`]): safe to call at every start-up, and the way to upgrade an
/// existing install. It runs DDL, so the connection needs the privilege to create and alter
/// tables.
pub fn install<C: SoftDeleteConnection>(conn: &mut C) -> Result<(), SoftDeleteError> {
    engine::block_on(install_on(&mut engine::Blocking(conn)))
}

/// [`install`] on any executor (the async API's `install` awaits it).
pub(crate) async fn install_on<E: engine::Exec>(e: &mut E) -> Result<(), SoftDeleteError> {
    let dialect = <E::Backend as SoftDeleteBackend>::DIALECT;
    e.batch_execute(changeset_table_sql(dialect)).await?;
    e.batch_execute(erasure_table_sql(dialect)).await?;
    let removed_at = <soft_delete_changesets::removed_at as diesel::Column>::NAME;
    let has = catalog::column_exists::<E::Backend>(bookkeeping::changesets(), removed_at);
    if e.load_scalar(&has).await? == 0 {
        e.batch_execute(changeset_table_upgrade_sql(dialect))
            .await?;
    }
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

/// The `CREATE INDEX` statements of every index soft deletion wants, for the tables of every
/// `#[derive(SoftDeletable)]` model linked into the program, on `dialect`: paste them into a
/// migration's `up.sql`, or run them.
///
/// For each table, ordered by the table's identity and then by columns:
/// - **`deletion_id`** (every table that has the column): a restore selects each table's rows by
///   it, and each cascade level selects its parents by it;
/// - **a live index on every `cascade` and `protect` foreign key**: the index reads that filter
///   children by their parent *and* by the live condition — `Comment::active()` of a post, a
///   join through `Comment::is_live()`, live counts, `protect` checks — find only live rows in
///   it. On PostgreSQL it is a partial index, `(fk) WHERE deleted_at IS NULL`; on SQLite
///   `(fk, deleted_at) WHERE deleted_at IS NULL` (with the marker in the index SQLite counts
///   live rows from the index alone); on MySQL/MariaDB, which have no partial indexes, and for
///   a bool flag marker (compared with a bound value, from which no planner proves a partial
///   predicate) `(fk, marker)`. A `protect` child without a soft-delete model gets a plain
///   `(fk)` index;
/// - **a plain index on every `nullify` foreign key**: a removal sets the column to `NULL` on
///   live and hidden children alike, so it selects them over every row.
///
/// Each statement is `CREATE INDEX IF NOT EXISTS`, so running the list again is harmless (MySQL
/// 8 lacks `IF NOT EXISTS` for indexes — MariaDB has it; there, run what [`missing_indexes`]
/// lists). Names are stable: `<table>_<columns>_live` and `<table>_<column>_idx` (the name
/// [`deletion_id_index`] gives), cut to 63 bytes with a hash when longer. Tables are named as
/// Diesel names them (schema-qualified, `#[sql_name]`). BENCHMARKS.md, *Schema advice*, has
/// what each index is measured to save.
///
/// ```
/// # use chrono::NaiveDateTime;
/// # use diesel::prelude::*;
/// # use soft_delete_runtime::prelude::*;
/// use soft_delete_runtime::{backend::Dialect, migration::recommended_indexes};
/// # diesel::table! { authors (id) { id -> Integer, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
/// # diesel::table! { posts (id) { id -> Integer, author_id -> Integer, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
///
/// #[derive(Queryable, Selectable, SoftDeletable)]
/// #[diesel(table_name = authors)]
/// #[soft_delete(cascade(posts::author_id))]
/// struct Author { id: i32, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
///
/// #[derive(Queryable, Selectable, SoftDeletable)]
/// #[diesel(table_name = posts)]
/// struct Post { id: i32, author_id: i32, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
///
/// assert_eq!(recommended_indexes(Dialect::Postgres), [
///     r#"CREATE INDEX IF NOT EXISTS "authors_deletion_id_idx" ON "authors" ("deletion_id");"#,
///     r#"CREATE INDEX IF NOT EXISTS "posts_author_id_live" ON "posts" ("author_id") WHERE "deleted_at" IS NULL;"#,
///     r#"CREATE INDEX IF NOT EXISTS "posts_deletion_id_idx" ON "posts" ("deletion_id");"#,
/// ]);
/// assert_eq!(
///     recommended_indexes(Dialect::Mysql)[1],
///     "CREATE INDEX IF NOT EXISTS `posts_author_id_live` ON `posts` (`author_id`, `deleted_at`);"
/// );
/// ```
pub fn recommended_indexes(dialect: Dialect) -> Vec<String> {
    indexes::plan().iter().map(|w| w.sql(dialect)).collect()
}

/// The statements of [`recommended_indexes`] whose index `conn`'s database lacks, read from its
/// catalog (`pg_index`, SQLite's `pragma_index_list`, `information_schema.STATISTICS`); empty
/// when the schema has them all. A test in your crate asserting that it is empty keeps the
/// schema honest as models and migrations change.
///
/// An index counts by what it serves, not by its name: a B-tree index whose leading key
/// columns are the recommended ones, in order, and
/// - for a `deletion_id` (or plain foreign-key) index: that has no partial predicate;
/// - for a live index: either with the partial predicate `marker IS NULL` (up to quoting,
///   case, spacing and parentheses; not for a bool flag marker), or with no predicate and the
///   marker as the next key column (`(fk, deleted_at)`, the form MySQL/MariaDB get).
///
/// A plain index on the foreign key alone does **not** count for a live index: a read of live
/// children must then fetch every hidden row to skip it, which is what the live index is for.
/// An expression index or one over a column prefix does not count for that column.
///
/// A table the database does not have is skipped (a program may link the models of several
/// databases); if it has none of them, that is `InvalidInput` (a wrong database or search path
/// would otherwise pass as a schema with every index).
///
/// ```
/// # use chrono::NaiveDateTime;
/// # use diesel::{connection::SimpleConnection, prelude::*};
/// # use soft_delete_runtime::prelude::*;
/// use soft_delete_runtime::migration::missing_indexes;
/// # diesel::table! { authors (id) { id -> Integer, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
/// # diesel::table! { posts (id) { id -> Integer, author_id -> Integer, deleted_at -> Nullable<Timestamp>, deletion_id -> Nullable<BigInt> } }
/// # #[derive(Queryable, Selectable, SoftDeletable)]
/// # #[diesel(table_name = authors)]
/// # #[soft_delete(cascade(posts::author_id))]
/// # struct Author { id: i32, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
/// # #[derive(Queryable, Selectable, SoftDeletable)]
/// # #[diesel(table_name = posts)]
/// # struct Post { id: i32, author_id: i32, deleted_at: Option<NaiveDateTime>, deletion_id: Option<i64> }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut conn = SqliteConnection::establish(":memory:")?;
/// conn.batch_execute("
///     CREATE TABLE authors (id INTEGER PRIMARY KEY, deleted_at TIMESTAMP, deletion_id BIGINT);
///     CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id),
///         deleted_at TIMESTAMP, deletion_id BIGINT);
///     CREATE INDEX authors_deletion ON authors (deletion_id);
///     CREATE INDEX posts_author ON posts (author_id);  -- not over live rows: does not count
/// ")?;
/// let missing = missing_indexes(&mut conn)?;
/// assert_eq!(missing, [
///     r#"CREATE INDEX IF NOT EXISTS "posts_author_id_live" ON "posts" ("author_id", "deleted_at") WHERE "deleted_at" IS NULL;"#,
///     r#"CREATE INDEX IF NOT EXISTS "posts_deletion_id_idx" ON "posts" ("deletion_id");"#,
/// ]);
/// conn.batch_execute(&missing.join("\n"))?;
/// assert!(missing_indexes(&mut conn)?.is_empty());
/// # Ok(()) }
/// ```
pub fn missing_indexes<C: SoftDeleteConnection>(
    conn: &mut C,
) -> Result<Vec<String>, SoftDeleteError> {
    let dialect = <C::Backend as SoftDeleteBackend>::DIALECT;
    let plan = indexes::plan();
    let mut missing = Vec::new();
    let mut tables_found = 0_usize;
    for wanted in plan.chunk_by(|a, b| a.table == b.table) {
        let table = wanted[0].table;
        if catalog::table_exists::<C::Backend>(table).load_scalar(conn)? == 0 {
            continue;
        }
        tables_found += 1;
        let rows = catalog::index_columns::<C::Backend>(table).load_index_rows(conn)?;
        let existing = indexes::Existing::from_rows(rows);
        for w in wanted {
            if !existing.iter().any(|ix| w.served_by(dialect, ix)) {
                missing.push(w.sql(dialect));
            }
        }
    }
    if tables_found == 0 && !plan.is_empty() {
        let names: Vec<&str> = graph().tables().iter().map(|m| m.identity()).collect();
        return Err(SoftDeleteError::InvalidInput {
            message: format!(
                "none of the tables the program's models map ({}) exists in this database: \
                 check the connection's database and search path",
                names.join(", ")
            ),
        });
    }
    Ok(missing)
}
