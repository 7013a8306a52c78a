//! `export_tree`: a row and everything under it through `cascade` edges, live or hidden, and
//! the rows its `nullify` edges reach, as JSON built by the database. One `SELECT` per table.

use crate::key::RowFilter;
use serde_json::{Map, Value};

use super::graph::components_from;
use super::Exec;
use crate::error::SoftDeleteError;
use crate::meta::TableMeta;
use crate::registry::graph;
use crate::statements::{self, Pick, Tree};

pub(crate) async fn export_tree<E: Exec>(
    e: &mut E,
    meta: &'static TableMeta,
    key: &RowFilter<'_, E::Backend>,
) -> Result<Value, SoftDeleteError> {
    let tree = tree(meta, key)?;
    let outputs = outputs(&tree);
    super::transaction(e, Some(meta), async |e| {
        let mut out = Map::new();
        for output in &outputs {
            let rows = e.load_text(&statements::export_rows(&tree, output)).await?;
            let rows = rows
                .iter()
                .map(|r| serde_json::from_str::<Value>(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| {
                    SoftDeleteError::Database(diesel::result::Error::DeserializationError(
                        Box::new(err),
                    ))
                })?;
            out.insert(output.table.qualified.to_owned(), Value::Array(rows));
        }
        let found = out
            .get(meta.identity())
            .and_then(Value::as_array)
            .is_some_and(|rows| !rows.is_empty());
        if !found {
            return Err(SoftDeleteError::NotFound {
                table: meta.identity(),
            });
        }
        Ok(Value::Object(out))
    })
    .await
}

/// The cascade tree under `root`, parents first.
fn tree<'a, DB>(
    root: &'static TableMeta,
    key: &'a RowFilter<'a, DB>,
) -> Result<Tree<'a, DB>, SoftDeleteError> {
    let mut tree = Tree { nodes: Vec::new() };
    for component in components_from(root) {
        if component.tables.len() > 1 {
            let names: Vec<&str> = component.tables.iter().map(|m| m.identity()).collect();
            return Err(SoftDeleteError::InvalidInput {
                message: format!(
                    "`export_tree` does not follow a cascade cycle through several tables ({}); \
                     export each table's rows with a query of your own",
                    names.join(", ")
                ),
            });
        }
        for m in component.tables {
            let index = tree.nodes.len();
            let mut node = statements::export::Node {
                table: m,
                root: (m.identity() == root.identity()).then_some(key),
                incoming: Vec::new(),
                self_fks: Vec::new(),
                cte: format!("sd_tree{index}"),
            };
            for inc in graph().incoming(m.identity()) {
                if inc.parent.identity() == m.identity() {
                    node.self_fks.push(inc.fk);
                } else if let Some(p) = position(&tree, inc.parent) {
                    node.incoming.push((inc.fk, p));
                }
            }
            tree.nodes.push(node);
        }
    }
    Ok(tree)
}

fn position<DB>(tree: &Tree<'_, DB>, m: &'static TableMeta) -> Option<usize> {
    tree.nodes
        .iter()
        .position(|n| n.table.identity() == m.identity())
}

/// One output per tree table, plus one per `nullify` child table outside the tree.
fn outputs<DB>(tree: &Tree<'_, DB>) -> Vec<statements::export::Output> {
    let mut outputs: Vec<statements::export::Output> = tree
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| statements::export::Output {
            table: n.table.sql(),
            columns: n.table.columns.get(),
            order: n.table.primary_key,
            picks: vec![Pick::Node(i)],
        })
        .collect();
    for (i, n) in tree.nodes.iter().enumerate() {
        for edge in n.table.nullify {
            let pick = Pick::Nullified {
                fk: std::slice::from_ref(&edge.fk),
                parent: i,
            };
            let at = outputs
                .iter()
                .position(|o| o.table.qualified == edge.identity());
            match at {
                Some(o) => outputs[o].picks.push(pick),
                None => {
                    let columns = edge.columns.get();
                    let Some(order) = columns.get(..1) else {
                        continue;
                    };
                    outputs.push(statements::export::Output {
                        table: edge.table.get(),
                        columns,
                        order,
                        picks: vec![pick],
                    });
                }
            }
        }
    }
    outputs
}
