//! The text form of a primary key: [`Changeset::root_key`](crate::Changeset::root_key) and
//! [`ChangesetRows::keys`](crate::ChangesetRows::keys) hold it.
//!
//! A single-column key is its value's text: `42`, `rust`,
//! `67e55044-10b1-426f-9247-bb680e5fe0c8`. A composite key is a JSON array of its columns' texts,
//! in primary-key order: `["7","rust"]`. The two never collide for the keys a table has (a
//! table's keys are all single or all composite), and a composite form reads back unambiguously
//! whatever the texts hold (commas, quotes, brackets).

use std::fmt::Display;

use diesel::query_builder::QueryFragment;

/// A condition on one table's rows that the engine writes into its statements: a model's
/// [`KeyFilter`](crate::KeyFilter) (`primary_key = key`) or the predicate of
/// [`soft_delete_where`](crate::SoftDelete::soft_delete_where).
///
/// `Send + Sync` (every Diesel expression over bindable values is), so that an operation's
/// future on an async connection is `Send` and can run on a multi-threaded runtime
/// (`tokio::spawn`, axum handlers).
pub type RowFilter<'a, DB> = dyn QueryFragment<DB> + Send + Sync + 'a;

/// The text form of the key whose columns, in key order, are `parts`.
///
/// ```
/// use soft_delete_runtime::key_text;
/// assert_eq!(key_text(&[&42]), "42");
/// assert_eq!(key_text(&[&7, &"a,\"b\""]), r#"["7","a,\"b\""]"#);
/// ```
pub fn key_text(parts: &[&dyn Display]) -> String {
    match parts {
        [one] => one.to_string(),
        _ => {
            let texts: Vec<String> = parts.iter().map(ToString::to_string).collect();
            serde_json::Value::from(texts).to_string()
        }
    }
}

/// The text form of a composite key from the JSON array of its columns' texts as a database
/// renders it (PostgreSQL and MySQL put a space after each comma): the array re-written
/// compactly, as [`key_text`] writes it.
pub(crate) fn canonical(json: &str) -> Result<String, serde_json::Error> {
    let texts: Vec<String> = serde_json::from_str(json)?;
    Ok(serde_json::Value::from(texts).to_string())
}
