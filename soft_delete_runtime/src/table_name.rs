//! How Diesel names a table in SQL, read from the table type itself.
//!
//! A `table!` may carry `#[sql_name = "..."]` or a schema (`app.accounts`); the module name is
//! then not the table's SQL name. The runtime takes the name from the same static fragment
//! Diesel's own `FROM` clause renders, so every statement addresses the table Diesel addresses.

use std::sync::OnceLock;

use diesel::backend::Backend;
use diesel::query_builder::{QueryBuilder, QueryFragment};

/// The backend whose rendering the names are read from (any enabled one quotes every part).
#[cfg(feature = "sqlite")]
pub type RenderDb = diesel::sqlite::Sqlite;
#[cfg(all(not(feature = "sqlite"), feature = "postgres"))]
pub type RenderDb = diesel::pg::Pg;
#[cfg(all(not(feature = "sqlite"), not(feature = "postgres"), feature = "mysql"))]
pub type RenderDb = diesel::mysql::Mysql;

/// A table's SQL name as its `table!` declares it.
#[derive(Debug, PartialEq, Eq)]
pub struct TableName {
    /// The schema (PostgreSQL) or database (MySQL) the `table!` names, if any.
    pub schema: Option<&'static str>,
    /// The table's own name (its `#[sql_name]`, or the `table!` module name).
    pub name: &'static str,
    /// `schema.name`, or `name` alone: the table's identity in the changeset record, the
    /// registry, errors and reports. A part holding a `.` or a `"` is written quoted
    /// (`"a.b".c`), so two different tables never share an identity.
    pub qualified: &'static str,
}

/// The SQL name of one `table!` type, read on first use and kept for the program's life.
///
/// A field of the statics the derive emits ([`crate::TableMeta::table`],
/// [`crate::ProtectEdge::table`]): `TableRef::of::<posts::table>()`.
#[derive(Debug)]
pub struct TableRef {
    read: fn() -> TableName,
    name: OnceLock<&'static TableName>,
}

impl TableRef {
    /// The name of table `T` (any `table!` type).
    pub const fn of<T>() -> TableRef
    where
        T: QueryFragment<RenderDb> + Default + 'static,
    {
        TableRef {
            read: || TableName::read(&T::default()),
            name: OnceLock::new(),
        }
    }

    /// The table's name.
    pub fn get(&self) -> &'static TableName {
        self.name.get_or_init(|| Box::leak(Box::new((self.read)())))
    }
}

/// The columns of one `table!` type, in declaration order, as Diesel names them in SQL
/// (`#[sql_name]` columns by their SQL name); read on first use from Diesel's rendering of
/// `table::all_columns` and kept for the program's life.
#[derive(Debug)]
pub struct ColumnsRef {
    read: fn() -> Vec<&'static str>,
    columns: OnceLock<&'static [&'static str]>,
}

impl ColumnsRef {
    /// The columns of table `T` (any `table!` type).
    pub const fn of<T>() -> ColumnsRef
    where
        T: diesel::Table + 'static,
        T::AllColumns: QueryFragment<RenderDb>,
    {
        ColumnsRef {
            read: || read_columns(&T::all_columns()),
            columns: OnceLock::new(),
        }
    }

    /// The column names.
    pub fn get(&self) -> &'static [&'static str] {
        self.columns
            .get_or_init(|| Box::leak((self.read)().into_boxed_slice()))
    }
}

/// The column names of a rendered column list (`"t"."a", "t"."b"`): the last part of each item.
pub(crate) fn read_columns<T: QueryFragment<RenderDb>>(columns: &T) -> Vec<&'static str> {
    let mut sql = <RenderDb as Backend>::QueryBuilder::default();
    if columns.to_sql(&mut sql, &RenderDb::default()).is_err() {
        return Vec::new();
    }
    let sql = sql.finish();
    let mut out = Vec::new();
    let mut rest = sql.as_str();
    loop {
        let (item, tail) = split_item(rest);
        if let Some(last) = split_quoted(item).pop() {
            out.push(leak(last));
        }
        match tail {
            Some(t) => rest = t,
            None => return out,
        }
    }
}

/// The first item of a comma-separated list of quoted identifiers, and the rest after its comma.
fn split_item(sql: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    for (i, c) in sql.char_indices() {
        match (quote, c) {
            (None, '"' | '`') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ',') => return (&sql[..i], Some(&sql[i + 1..])),
            _ => {}
        }
    }
    (sql, None)
}

impl TableName {
    /// Reads the name from Diesel's rendering of `table` (`"app"."accounts"`).
    fn read<T: QueryFragment<RenderDb>>(table: &T) -> TableName {
        let mut sql = <RenderDb as Backend>::QueryBuilder::default();
        let parts = match table.to_sql(&mut sql, &RenderDb::default()) {
            Ok(()) => split_quoted(&sql.finish()),
            Err(_) => Vec::new(),
        };
        let (schema, name) = match parts.as_slice() {
            [name] => (None, name.clone()),
            [schema, name] => (Some(schema.clone()), name.clone()),
            // Not a form Diesel renders for a `table!`; keep its text whole.
            _ => (None, String::new()),
        };
        TableName::new(schema, name)
    }

    fn new(schema: Option<String>, name: String) -> TableName {
        let qualified = match &schema {
            Some(s) => format!("{}.{}", identity_part(s), identity_part(&name)),
            None => identity_part(&name),
        };
        TableName {
            schema: schema.map(leak),
            name: leak(name),
            qualified: leak(qualified),
        }
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A part of an identity, quoted when it holds a `.` or a `"`.
fn identity_part(part: &str) -> String {
    if part.contains(['.', '"']) {
        format!("\"{}\"", part.replace('"', "\"\""))
    } else {
        part.to_owned()
    }
}

/// The identifiers of a rendered, dot-separated sequence of quoted identifiers (`"a"."b"` or
/// `` `a`.`b` ``, a doubled quote inside standing for one); empty when `sql` is not one.
fn split_quoted(sql: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut chars = sql.trim().chars().peekable();
    while let Some(quote) = chars.next() {
        if quote != '"' && quote != '`' {
            return Vec::new();
        }
        let mut part = String::new();
        loop {
            match chars.next() {
                Some(c) if c == quote && chars.peek() == Some(&quote) => {
                    chars.next();
                    part.push(c);
                }
                Some(c) if c == quote => break,
                Some(c) => part.push(c),
                None => return Vec::new(),
            }
        }
        parts.push(part);
        match chars.next() {
            Some('.') | None => {}
            Some(_) => return Vec::new(),
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    diesel::table! {
        #[sql_name = "blog_posts"]
        renamed (id) { id -> Integer, }
    }
    diesel::table! {
        app.accounts (id) { id -> Integer, }
    }
    diesel::table! {
        plain (id) { id -> Integer, }
    }

    #[test]
    fn names_come_from_the_table_type() {
        static PLAIN: TableRef = TableRef::of::<plain::table>();
        static RENAMED: TableRef = TableRef::of::<renamed::table>();
        static ACCOUNTS: TableRef = TableRef::of::<accounts::table>();
        assert_eq!(PLAIN.get().qualified, "plain");
        let renamed = RENAMED.get();
        assert_eq!((renamed.schema, renamed.name), (None, "blog_posts"));
        assert_eq!(renamed.qualified, "blog_posts");
        let accounts = ACCOUNTS.get();
        assert_eq!((accounts.schema, accounts.name), (Some("app"), "accounts"));
        assert_eq!(accounts.qualified, "app.accounts");
        assert!(std::ptr::eq(accounts, ACCOUNTS.get()), "read once");
    }

    diesel::table! {
        cols (id) {
            id -> Integer,
            #[sql_name = "the, \"name\""]
            name -> Text,
        }
    }

    #[test]
    fn columns_come_from_the_table_type() {
        static COLS: ColumnsRef = ColumnsRef::of::<cols::table>();
        assert_eq!(COLS.get(), ["id", "the, \"name\""]);
        static ACCOUNTS: ColumnsRef = ColumnsRef::of::<accounts::table>();
        assert_eq!(ACCOUNTS.get(), ["id"]);
    }

    #[test]
    fn quoted_parts_split_and_identities_stay_unambiguous() {
        assert_eq!(split_quoted(r#""a"."b""#), ["a", "b"]);
        assert_eq!(split_quoted("`a`.`b`"), ["a", "b"]);
        assert_eq!(split_quoted(r#""x""y".z"#), Vec::<String>::new());
        assert_eq!(split_quoted(r#""x""y""#), [r#"x"y"#]);
        let dotted = TableName::new(None, "a.b".into());
        let schema = TableName::new(Some("a".into()), "b".into());
        assert_eq!(dotted.qualified, r#""a.b""#);
        assert_ne!(dotted.qualified, schema.qualified);
    }
}
