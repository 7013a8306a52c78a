//! [`Stmt`]: one statement as a list of SQL pieces walked through Diesel's `AstPass`, so
//! identifiers are quoted by the backend and every value is a typed bind parameter.

use crate::key::RowFilter;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use crate::backend::{IndexRow, SoftDeleteBackend};
use crate::meta::MarkerKind;
use crate::table_name::TableName;
use crate::time::Instant;

pub(crate) enum Part<'a, DB> {
    Sql(&'static str),
    Ident(&'a str),
    /// `"schema"."table"` or `"table"`
    Table(&'static TableName),
    /// `"schema"."table"."column"`
    TableCol(&'static TableName, &'a str),
    /// `"table"."column"`
    Col(&'a str, &'a str),
    I64(i64),
    Text(&'a str),
    Bool(bool),
    Time(MarkerKind, Instant),
    Fragment(&'a RowFilter<'a, DB>),
    /// Tells Diesel not to cache the prepared statement.
    Uncached,
}

/// One SQL statement under construction.
pub(crate) struct Stmt<'a, DB> {
    parts: Vec<Part<'a, DB>>,
}

impl<'a, DB: SoftDeleteBackend> Stmt<'a, DB> {
    pub(crate) fn new() -> Self {
        Stmt { parts: Vec::new() }
    }
    pub(crate) fn sql(&mut self, s: &'static str) -> &mut Self {
        self.parts.push(Part::Sql(s));
        self
    }
    pub(crate) fn ident(&mut self, s: &'a str) -> &mut Self {
        self.parts.push(Part::Ident(s));
        self
    }
    /// A table, named as Diesel names it (schema-qualified when its `table!` is).
    pub(crate) fn table(&mut self, t: &'static TableName) -> &mut Self {
        self.parts.push(Part::Table(t));
        self
    }
    /// A column qualified by its table.
    pub(crate) fn table_col(&mut self, t: &'static TableName, column: &'a str) -> &mut Self {
        self.parts.push(Part::TableCol(t, column));
        self
    }
    /// `"a"`, or the row value `("a", "b")` for a composite key: the left side of `IN`.
    pub(crate) fn cols(&mut self, cols: &'a [&'a str]) -> &mut Self {
        match cols {
            [one] => self.ident(one),
            _ => self.sql("(").list(cols).sql(")"),
        }
    }
    /// `"a", "b"`: a select or `ORDER BY` list.
    pub(crate) fn list(&mut self, cols: &'a [&'a str]) -> &mut Self {
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            self.ident(c);
        }
        self
    }
    /// `"t"."a", "t"."b"`: a select list of columns qualified by an alias.
    pub(crate) fn col_list(&mut self, table: &'a str, cols: &'a [&'a str]) -> &mut Self {
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                self.sql(", ");
            }
            self.col(table, c);
        }
        self
    }
    pub(crate) fn col(&mut self, table: &'a str, column: &'a str) -> &mut Self {
        self.parts.push(Part::Col(table, column));
        self
    }
    pub(crate) fn i64(&mut self, v: i64) -> &mut Self {
        self.parts.push(Part::I64(v));
        self
    }
    /// A `Text` bind parameter.
    pub(crate) fn text(&mut self, v: &'a str) -> &mut Self {
        self.parts.push(Part::Text(v));
        self
    }
    pub(crate) fn bool(&mut self, v: bool) -> &mut Self {
        self.parts.push(Part::Bool(v));
        self
    }
    pub(crate) fn time(&mut self, kind: MarkerKind, at: Instant) -> &mut Self {
        self.parts.push(Part::Time(kind, at));
        self
    }
    /// Keeps the statement out of Diesel's prepared-statement cache.
    pub(crate) fn uncached(&mut self) -> &mut Self {
        self.parts.push(Part::Uncached);
        self
    }
    /// Appends the pieces of `other` (a sub-select built apart).
    pub(crate) fn append(&mut self, other: Stmt<'a, DB>) -> &mut Self {
        self.parts.extend(other.parts);
        self
    }
    pub(crate) fn fragment(&mut self, f: &'a RowFilter<'a, DB>) -> &mut Self {
        self.parts.push(Part::Fragment(f));
        self
    }

    /// Runs the statement, returning the number of rows it changed.
    pub(crate) fn execute<C>(&self, conn: &mut C) -> QueryResult<usize>
    where
        C: diesel::Connection<Backend = DB>,
    {
        conn.execute_returning_count(self)
    }

    /// Runs a query whose single column is a `BigInt`.
    pub(crate) fn load_i64<C>(&self, conn: &mut C) -> QueryResult<Vec<i64>>
    where
        C: diesel::connection::LoadConnection<Backend = DB>,
    {
        <DB as crate::backend::sealed::Ops>::load_i64(conn, Typed(self, std::marker::PhantomData))
    }

    /// Runs a query whose single column is `Text`.
    pub(crate) fn load_text<C>(&self, conn: &mut C) -> QueryResult<Vec<String>>
    where
        C: diesel::connection::LoadConnection<Backend = DB>,
    {
        <DB as crate::backend::sealed::Ops>::load_text(conn, Typed(self, std::marker::PhantomData))
    }

    /// Runs a query whose two columns are `BigInt`s.
    pub(crate) fn load_pairs<C>(&self, conn: &mut C) -> QueryResult<Vec<(i64, i64)>>
    where
        C: diesel::connection::LoadConnection<Backend = DB>,
    {
        <DB as crate::backend::sealed::Ops>::load_pairs(conn, Typed(self, std::marker::PhantomData))
    }

    /// Runs a catalog query whose rows are [`IndexRow`]s.
    pub(crate) fn load_index_rows<C>(&self, conn: &mut C) -> QueryResult<Vec<IndexRow>>
    where
        C: diesel::connection::LoadConnection<Backend = DB>,
    {
        DB::load_index_rows(conn, Typed(self, std::marker::PhantomData))
    }

    /// Runs a `SELECT COUNT(*)`-style query and returns its single value (0 for no row).
    pub(crate) fn load_scalar<C>(&self, conn: &mut C) -> QueryResult<i64>
    where
        C: diesel::connection::LoadConnection<Backend = DB>,
    {
        Ok(self.load_i64(conn)?.first().copied().unwrap_or(0))
    }
}

impl<DB: SoftDeleteBackend> QueryFragment<DB> for Stmt<'_, DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Part::Sql(s) => out.push_sql(s),
                Part::Ident(s) => out.push_identifier(s)?,
                Part::Table(t) => push_table(&mut out, t)?,
                Part::TableCol(t, c) => {
                    push_table(&mut out, t)?;
                    out.push_sql(".");
                    out.push_identifier(c)?;
                }
                Part::Col(t, c) => {
                    out.push_identifier(t)?;
                    out.push_sql(".");
                    out.push_identifier(c)?;
                }
                Part::I64(v) => DB::push_i64(&mut out, v)?,
                Part::Text(v) => DB::push_text(&mut out, v)?,
                Part::Bool(v) => DB::push_bool(&mut out, v)?,
                Part::Time(kind, at) => DB::push_time(&mut out, *kind, at)?,
                Part::Fragment(f) => f.walk_ast(out.reborrow())?,
                Part::Uncached => out.unsafe_to_cache_prepared(),
            }
        }
        Ok(())
    }
}

/// `"schema"."name"` or `"name"`, the way Diesel's `FROM` clause renders a `table!`.
fn push_table<DB: SoftDeleteBackend>(
    out: &mut AstPass<'_, '_, DB>,
    t: &TableName,
) -> QueryResult<()> {
    if let Some(schema) = t.schema {
        out.push_identifier(schema)?;
        out.push_sql(".");
    }
    out.push_identifier(t.name)
}

impl<DB> QueryId for Stmt<'_, DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// A [`Stmt`] read as a query returning one column of SQL type `ST`.
pub(crate) struct Typed<'s, 'a, DB, ST = diesel::sql_types::BigInt>(
    pub(crate) &'s Stmt<'a, DB>,
    pub(crate) std::marker::PhantomData<ST>,
);

impl<DB: SoftDeleteBackend, ST> QueryFragment<DB> for Typed<'_, '_, DB, ST> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }
}

impl<DB, ST> QueryId for Typed<'_, '_, DB, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB, ST> Query for Typed<'_, '_, DB, ST> {
    type SqlType = ST;
}

impl<DB, ST, C> RunQueryDsl<C> for Typed<'_, '_, DB, ST> {}
