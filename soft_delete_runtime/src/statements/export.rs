//! The statements of `export_tree`: read-only, one `SELECT` per exported table, each row
//! rendered as a JSON object by the database.
//!
//! The rows of a table are picked by a predicate nested as deep as the cascade graph (never as
//! the data): the root's key, or `fk IN (SELECT pk FROM parent WHERE <parent's predicate>)` per
//! incoming edge; a self-referencing table adds a recursive common table expression over its
//! own edges.

use crate::key::RowFilter;

use super::builder::Stmt;
use crate::backend::{Dialect, SoftDeleteBackend};
use crate::meta::TableMeta;
use crate::table_name::TableName;

/// The tables of an export, parents before children.
pub(crate) struct Tree<'a, DB> {
    pub(crate) nodes: Vec<Node<'a, DB>>,
}

/// One table of the cascade tree.
pub(crate) struct Node<'a, DB> {
    pub(crate) table: &'static TableMeta,
    /// The root's predicate (the key of the exported row), on the root table only.
    pub(crate) root: Option<&'a RowFilter<'a, DB>>,
    /// Cascade edges from earlier nodes: `(fk columns, parent node)`.
    pub(crate) incoming: Vec<(&'static [&'static str], usize)>,
    /// Cascade edges from this table to itself (their foreign keys).
    pub(crate) self_fks: Vec<&'static [&'static str]>,
    /// Name of the recursive common table expression, for a self-referencing table.
    pub(crate) cte: String,
}

/// Which rows of an exported table one predicate picks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pick {
    /// The rows of tree node `i`.
    Node(usize),
    /// The rows whose `fk` (a `nullify` edge) names a row of tree node `parent`.
    Nullified {
        fk: &'static [&'static str],
        parent: usize,
    },
}

/// One exported table: its name, columns, ordering column and the predicates of its rows.
pub(crate) struct Output {
    pub(crate) table: &'static TableName,
    pub(crate) columns: &'static [&'static str],
    pub(crate) order: &'static [&'static str],
    pub(crate) picks: Vec<Pick>,
}

/// `SELECT <row as JSON text> FROM table WHERE <picks> ORDER BY <order>`.
pub(crate) fn export_rows<'a, DB: SoftDeleteBackend>(
    tree: &'a Tree<'a, DB>,
    out: &'a Output,
) -> Stmt<'a, DB> {
    let mut s = Stmt::new();
    match DB::DIALECT {
        Dialect::Postgres => {
            let row = "sd_row";
            s.sql("SELECT CAST(row_to_json(")
                .ident(row)
                .sql(") AS TEXT) FROM (SELECT ");
            for (i, c) in out.columns.iter().enumerate() {
                if i > 0 {
                    s.sql(", ");
                }
                s.ident(c);
            }
            s.sql(" FROM ").table(out.table).sql(" WHERE ");
            picks(&mut s, tree, out);
            s.sql(") AS ")
                .ident(row)
                .sql(" ORDER BY ")
                .col_list(row, out.order);
        }
        dialect => {
            let (open, close) = match dialect {
                Dialect::Mysql => ("SELECT CAST(JSON_OBJECT(", ") AS CHAR)"),
                _ => ("SELECT json_object(", ")"),
            };
            s.sql(open);
            for (i, c) in out.columns.iter().enumerate() {
                if i > 0 {
                    s.sql(", ");
                }
                s.text(c).sql(", ").ident(c);
            }
            s.sql(close).sql(" FROM ").table(out.table).sql(" WHERE ");
            picks(&mut s, tree, out);
            s.sql(" ORDER BY ").list(out.order);
        }
    }
    s
}

fn picks<'a, DB: SoftDeleteBackend>(s: &mut Stmt<'a, DB>, tree: &'a Tree<'a, DB>, out: &'a Output) {
    s.sql("(");
    for (i, p) in out.picks.iter().enumerate() {
        if i > 0 {
            s.sql(" OR ");
        }
        match *p {
            Pick::Node(n) => pick(s, tree, n),
            Pick::Nullified { fk, parent } => under(s, tree, fk, parent),
        }
    }
    if out.picks.is_empty() {
        s.sql("1 = 0");
    }
    s.sql(")");
}

/// `fk IN (SELECT pk FROM parent WHERE <pick(parent)>)`
fn under<'a, DB: SoftDeleteBackend>(
    s: &mut Stmt<'a, DB>,
    tree: &'a Tree<'a, DB>,
    fk: &'static [&'static str],
    parent: usize,
) {
    let p = tree.nodes[parent].table;
    s.cols(fk).sql(" IN (SELECT ").list(p.primary_key);
    s.sql(" FROM ").table(p.sql()).sql(" WHERE ");
    pick(s, tree, parent);
    s.sql(")");
}

/// The predicate, over node `i`'s table unqualified, of the rows the tree holds there.
fn pick<'a, DB: SoftDeleteBackend>(s: &mut Stmt<'a, DB>, tree: &'a Tree<'a, DB>, i: usize) {
    let node = &tree.nodes[i];
    if node.self_fks.is_empty() {
        entry(s, tree, i);
        return;
    }
    let (m, cte, c) = (node.table, node.cte.as_str(), "sd_c");
    // The expression's own names for the key columns: `sd_k0`, `sd_k1`, ...
    let k = &CTE_KEYS[..m.primary_key.len().min(CTE_KEYS.len())];
    s.sql("(")
        .cols(m.primary_key)
        .sql(" IN (WITH RECURSIVE ")
        .ident(cte);
    s.sql(" (").list(k).sql(") AS (SELECT ").list(m.primary_key);
    s.sql(" FROM ").table(m.sql()).sql(" WHERE ");
    entry(s, tree, i);
    s.sql(" UNION SELECT ").col_list(c, m.primary_key);
    s.sql(" FROM ").table(m.sql()).sql(" AS ").ident(c);
    s.sql(" INNER JOIN ").ident(cte).sql(" ON ");
    for (j, fk) in node.self_fks.iter().enumerate() {
        if j > 0 {
            s.sql(" OR ");
        }
        s.sql("(");
        for (n, (fk, k)) in fk.iter().zip(k).enumerate() {
            if n > 0 {
                s.sql(" AND ");
            }
            s.col(c, fk).sql(" = ").col(cte, k);
        }
        s.sql(")");
    }
    s.sql(") SELECT ")
        .list(k)
        .sql(" FROM ")
        .ident(cte)
        .sql("))");
}

/// Column names of the recursive expression's key (a composite key has at most this many
/// columns in a self-referencing export; Diesel's `table!` allows more, no schema seen needs it).
const CTE_KEYS: &[&str] = &[
    "sd_k0", "sd_k1", "sd_k2", "sd_k3", "sd_k4", "sd_k5", "sd_k6", "sd_k7",
];

/// The rows node `i` is entered by: the root's key, or a row of a parent node.
fn entry<'a, DB: SoftDeleteBackend>(s: &mut Stmt<'a, DB>, tree: &'a Tree<'a, DB>, i: usize) {
    let node = &tree.nodes[i];
    s.sql("(");
    let mut first = true;
    if let Some(f) = node.root {
        s.sql("(").fragment(f).sql(")");
        first = false;
    }
    for &(fk, parent) in &node.incoming {
        if !first {
            s.sql(" OR ");
        }
        first = false;
        under(s, tree, fk, parent);
    }
    if first {
        s.sql("1 = 0");
    }
    s.sql(")");
}
