//! The indexes the engine and the usual reads want, read from the program's table graph, and
//! how an index found in the catalog is judged to serve one of them.

use crate::backend::{Dialect, IndexRow};
use crate::meta::{MarkerKind, TableMeta};
use crate::registry::graph;
use crate::table_name::TableName;

use super::{quote, quote_table};

/// The longest index name every backend keeps whole: PostgreSQL truncates names to 63 bytes,
/// MySQL refuses names over 64 characters.
const MAX_NAME: usize = 63;

/// One recommended index: key columns of a table, over every row or over live rows only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// The table, as Diesel names it.
    pub(crate) table: &'static TableName,
    /// The key columns, in order.
    pub(crate) columns: Vec<&'static str>,
    /// For an index over live rows: the table's marker.
    pub(crate) live: Option<Live>,
}

/// The marker of a table whose live rows an index serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Live {
    marker: &'static str,
    kind: MarkerKind,
}

impl Live {
    fn of(m: &'static TableMeta) -> Live {
        Live {
            marker: m.marker,
            kind: m.marker_kind,
        }
    }

    /// Whether `dialect` gets a partial index (`WHERE marker IS NULL`) rather than the marker
    /// as the last key column. MySQL/MariaDB have no partial indexes; a bool flag is compared
    /// with a bound value (`deleted = $1`), from which no planner proves a partial predicate.
    fn partial(self, dialect: Dialect) -> bool {
        dialect != Dialect::Mysql && self.kind != MarkerKind::Flag
    }
}

/// Every recommended index of the tables linked into the program, ordered by table identity,
/// then columns; each once.
pub(crate) fn plan() -> Vec<Wanted> {
    let g = graph();
    let mut out = Vec::new();
    for t in g.tables() {
        if let Some(did) = t.deletion_id {
            out.push(Wanted {
                table: t.sql(),
                columns: vec![did],
                live: None,
            });
        }
        for edge in t.cascade {
            let child = (edge.child)();
            out.push(Wanted {
                table: child.sql(),
                columns: edge.fk.to_vec(),
                live: Some(Live::of(child)),
            });
        }
        for edge in t.protect {
            // A child table without a soft-delete model has only live rows.
            let child = g.table(edge.identity());
            out.push(Wanted {
                table: edge.table.get(),
                columns: edge.fk.to_vec(),
                live: child.map(Live::of),
            });
        }
        for edge in t.nullify {
            // Over every row: a removal sets the foreign key of hidden children to NULL too.
            out.push(Wanted {
                table: edge.table.get(),
                columns: vec![edge.fk],
                live: None,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.table.qualified, &a.columns, a.live.is_some()).cmp(&(
            b.table.qualified,
            &b.columns,
            b.live.is_some(),
        ))
    });
    out.dedup();
    out
}

impl Wanted {
    /// The index's name: `<table>_<columns>_live` or `<table>_<columns>_idx` (the name
    /// `deletion_id_index` gives), shortened with a hash when longer than [`MAX_NAME`] bytes.
    pub(crate) fn name(&self) -> String {
        let suffix = if self.live.is_some() { "live" } else { "idx" };
        let name = format!("{}_{}_{suffix}", self.table.name, self.columns.join("_"));
        fit_name(name)
    }

    /// `CREATE INDEX IF NOT EXISTS ...;` on `dialect`.
    pub(crate) fn sql(&self, dialect: Dialect) -> String {
        let name = quote(dialect, &self.name());
        // SQLite qualifies the index, never the table, with the schema.
        let (index, table) = match (dialect, self.table.schema) {
            (Dialect::Sqlite, Some(schema)) => (
                format!("{}.{name}", quote(dialect, schema)),
                quote(dialect, self.table.name),
            ),
            _ => (name, quote_table(dialect, self.table)),
        };
        let mut columns: Vec<String> = self.columns.iter().map(|c| quote(dialect, c)).collect();
        let mut predicate = String::new();
        if let Some(live) = self.live {
            let marker = quote(dialect, live.marker);
            if live.partial(dialect) {
                predicate = format!(" WHERE {marker} IS NULL");
            } else {
                columns.push(marker);
            }
        }
        format!(
            "CREATE INDEX IF NOT EXISTS {index} ON {table} ({}){predicate};",
            columns.join(", ")
        )
    }

    /// Whether index `ix` of the table serves the lookups this one is for: its leading key
    /// columns are [`Wanted::columns`], in order, and
    /// - for a plain index, it has no partial predicate;
    /// - for a live one, either its partial predicate is `marker IS NULL` (a timestamp marker),
    ///   or it has none and its next key column is the marker.
    ///
    /// An index on the foreign key alone does *not* serve a live one: every hidden row it
    /// finds must be fetched to be skipped.
    pub(crate) fn served_by(&self, dialect: Dialect, ix: &Existing) -> bool {
        let n = self.columns.len();
        let leading = ix.columns.len() >= n
            && self
                .columns
                .iter()
                .zip(&ix.columns)
                .all(|(want, have)| have.as_deref().is_some_and(|h| same(dialect, want, h)));
        if !leading {
            return false;
        }
        let predicate = ix
            .predicate
            .as_deref()
            .map(|p| predicate_tokens(dialect, p));
        match (self.live, predicate) {
            (None, predicate) => predicate.is_none(),
            (Some(live), None) => ix.columns.get(n).is_some_and(|next| {
                next.as_deref()
                    .is_some_and(|c| same(dialect, live.marker, c))
            }),
            (Some(live), Some(tokens)) => {
                live.kind != MarkerKind::Flag && is_null_test(dialect, live.marker, &tokens)
            }
        }
    }
}

/// Whether column names `want` (the model's) and `have` (the catalog's) name the same column:
/// exactly on PostgreSQL, ignoring ASCII case on SQLite and MySQL/MariaDB.
fn same(dialect: Dialect, want: &str, have: &str) -> bool {
    match dialect {
        Dialect::Postgres => want == have,
        _ => want.eq_ignore_ascii_case(have),
    }
}

/// `name` whole when it fits [`MAX_NAME`] bytes, else its longest prefix that leaves room for
/// `_` and 8 hex digits of a hash of the whole name (FNV-1a): stable, and distinct for names
/// that share the prefix.
pub(crate) fn fit_name(name: String) -> String {
    if name.len() <= MAX_NAME {
        return name;
    }
    let mut hash: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let mut end = MAX_NAME - 9;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}_{hash:08x}", &name[..end])
}

/// One index of a table as the catalog describes it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Existing {
    /// The key columns in order; `None` for an expression or a column prefix.
    columns: Vec<Option<String>>,
    /// The partial predicate (on SQLite: the whole `CREATE INDEX` text), if any.
    predicate: Option<String>,
}

impl Existing {
    /// The indexes of catalog rows ordered by index name and position.
    pub(crate) fn from_rows(rows: Vec<IndexRow>) -> Vec<Existing> {
        let mut out: Vec<(String, Existing)> = Vec::new();
        for (name, _position, column, predicate) in rows {
            match out.last_mut() {
                Some((last, ix)) if *last == name => ix.columns.push(column),
                _ => out.push((
                    name,
                    Existing {
                        columns: vec![column],
                        predicate,
                    },
                )),
            }
        }
        out.into_iter().map(|(_, ix)| ix).collect()
    }
}

/// A token of SQL text, for comparing predicates up to spacing, case, quoting and parentheses.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A keyword or an unquoted identifier, lower-cased.
    Word(String),
    /// A quoted identifier, as written between the quotes.
    Quoted(String),
    /// A string literal's contents.
    Str(String),
    /// Any other character.
    Sym(char),
}

/// The tokens of `sql`, comments left out.
fn tokens(sql: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '"' | '`' | '\'' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let mut text = String::new();
                while let Some(d) = chars.next() {
                    if d == close {
                        if close != ']' && chars.peek() == Some(&close) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    text.push(d);
                }
                out.push(if c == '\'' {
                    Token::Str(text)
                } else {
                    Token::Quoted(text)
                });
            }
            '-' if chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut word = String::from(c);
                while let Some(&d) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_' || d == '$') {
                        break;
                    }
                    word.push(d);
                    chars.next();
                }
                out.push(Token::Word(word.to_lowercase()));
            }
            c => out.push(Token::Sym(c)),
        }
    }
    out
}

/// The tokens of a partial predicate, parentheses left out. SQLite's catalog holds the whole
/// `CREATE INDEX` statement: its predicate follows the `WHERE` outside any parentheses.
fn predicate_tokens(dialect: Dialect, text: &str) -> Vec<Token> {
    let all = tokens(text);
    let start = if dialect == Dialect::Sqlite {
        let mut depth = 0_i32;
        let mut start = all.len();
        for (i, t) in all.iter().enumerate() {
            match t {
                Token::Sym('(') => depth += 1,
                Token::Sym(')') => depth -= 1,
                Token::Word(w) if depth == 0 && w == "where" => {
                    start = i + 1;
                    break;
                }
                _ => {}
            }
        }
        start
    } else {
        0
    };
    all.into_iter()
        .skip(start)
        .filter(|t| !matches!(t, Token::Sym('(' | ')' | ';')))
        .collect()
}

/// Whether `tokens` are `marker IS NULL`, the marker written bare or quoted.
fn is_null_test(dialect: Dialect, marker: &str, tokens: &[Token]) -> bool {
    let names_marker = match tokens.first() {
        // Lower-cased: PostgreSQL folds an unquoted name to lower case, the others ignore case.
        Some(Token::Word(w) | Token::Quoted(w)) => same(dialect, marker, w),
        _ => false,
    };
    names_marker && tokens[1..] == [Token::Word("is".into()), Token::Word("null".into())]
}

#[cfg(test)]
mod tests {
    use super::*;

    static COMMENTS: TableName = TableName {
        schema: None,
        name: "comments",
        qualified: "comments",
    };

    fn live_fk() -> Wanted {
        Wanted {
            table: &COMMENTS,
            columns: vec!["post_id"],
            live: Some(Live {
                marker: "deleted_at",
                kind: MarkerKind::Timestamp,
            }),
        }
    }

    fn index(columns: &[&str], predicate: Option<&str>) -> Existing {
        Existing {
            columns: columns.iter().map(|c| Some((*c).to_owned())).collect(),
            predicate: predicate.map(str::to_owned),
        }
    }

    #[test]
    fn long_names_are_cut_to_63_bytes_with_a_stable_hash() {
        let short = fit_name("comments_post_id_live".into());
        assert_eq!(short, "comments_post_id_live");
        let long = "a_table_with_a_rather_long_name_for_its_foreign_key_column".repeat(2);
        let a = fit_name(format!("{long}_x_live"));
        let b = fit_name(format!("{long}_y_live"));
        assert_eq!((a.len(), b.len()), (63, 63));
        assert_ne!(a, b);
        assert_eq!(a, fit_name(format!("{long}_x_live")));
        let wide = fit_name("é".repeat(40));
        assert!(wide.len() <= 63 && wide.starts_with('é'));
    }

    #[test]
    fn statements_per_dialect() {
        let w = live_fk();
        assert_eq!(
            w.sql(Dialect::Postgres),
            r#"CREATE INDEX IF NOT EXISTS "comments_post_id_live" ON "comments" ("post_id") WHERE "deleted_at" IS NULL;"#
        );
        assert_eq!(
            w.sql(Dialect::Mysql),
            "CREATE INDEX IF NOT EXISTS `comments_post_id_live` ON `comments` (`post_id`, `deleted_at`);"
        );
        static ACCOUNTS: TableName = TableName {
            schema: Some("app"),
            name: "accounts",
            qualified: "app.accounts",
        };
        let q = Wanted {
            table: &ACCOUNTS,
            columns: vec!["deletion_id"],
            live: None,
        };
        assert_eq!(
            q.sql(Dialect::Sqlite),
            r#"CREATE INDEX IF NOT EXISTS "app"."accounts_deletion_id_idx" ON "accounts" ("deletion_id");"#
        );
        assert_eq!(
            q.sql(Dialect::Postgres),
            r#"CREATE INDEX IF NOT EXISTS "accounts_deletion_id_idx" ON "app"."accounts" ("deletion_id");"#
        );
    }

    #[test]
    fn which_indexes_serve_a_live_index() {
        let w = live_fk();
        let pg = Dialect::Postgres;
        assert!(w.served_by(pg, &index(&["post_id"], Some("(deleted_at IS NULL)"))));
        assert!(w.served_by(
            pg,
            &index(&["post_id", "id"], Some(r#"("deleted_at" IS NULL)"#))
        ));
        assert!(w.served_by(pg, &index(&["post_id", "deleted_at"], None)));
        assert!(!w.served_by(pg, &index(&["post_id"], None)));
        assert!(!w.served_by(pg, &index(&["id", "post_id"], Some("(deleted_at IS NULL)"))));
        assert!(!w.served_by(pg, &index(&["post_id"], Some("(deleted_at IS NOT NULL)"))));
        assert!(!w.served_by(pg, &index(&["post_id"], Some("(body IS NULL)"))));
        let sqlite = Dialect::Sqlite;
        let written =
            "CREATE INDEX x ON comments (post_id) -- live\n WHERE (\"Deleted_At\"  is null)";
        assert!(w.served_by(sqlite, &index(&["post_id"], Some(written))));
        let other = "CREATE INDEX x ON comments (post_id) WHERE deleted_at IS NULL AND id > 5";
        assert!(!w.served_by(sqlite, &index(&["post_id"], Some(other))));
    }

    #[test]
    fn which_indexes_serve_a_plain_index() {
        let w = Wanted {
            live: None,
            ..live_fk()
        };
        assert!(w.served_by(Dialect::Mysql, &index(&["POST_ID", "x"], None)));
        assert!(!w.served_by(Dialect::Mysql, &index(&["x", "post_id"], None)));
        assert!(!w.served_by(
            Dialect::Postgres,
            &index(&["post_id"], Some("(deleted_at IS NULL)"))
        ));
        let expression = Existing {
            columns: vec![None],
            predicate: None,
        };
        assert!(!w.served_by(Dialect::Postgres, &expression));
    }

    #[test]
    fn catalog_rows_group_by_index() {
        let rows = vec![
            ("a".to_owned(), 1, Some("x".to_owned()), None),
            ("a".to_owned(), 2, Some("y".to_owned()), None),
            ("b".to_owned(), 1, None, Some("p".to_owned())),
        ];
        assert_eq!(
            Existing::from_rows(rows),
            [
                index(&["x", "y"], None),
                Existing {
                    columns: vec![None],
                    predicate: Some("p".into())
                }
            ]
        );
    }
}
