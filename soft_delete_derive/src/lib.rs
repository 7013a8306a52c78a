//! `#[derive(SoftDeletable)]` for `soft_delete_runtime`.
//!
//! The macro only states facts about the model — its table, key, marker column, `deletion_id`
//! column, cascade and protect edges, hooks — as impls of the runtime's traits. All SQL and all
//! behaviour live in `soft_delete_runtime`; use the derive through its re-export there.
//!
//! The pipeline is one file a stage: `attr.rs` parses the attributes into plain data, `model.rs`
//! builds and validates the model (collecting every error), `expand.rs` generates code from the
//! validated model only.

mod attr;
mod expand;
mod model;
mod symbol;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Makes a Diesel model soft-deletable. See `soft_delete_runtime` for the attribute reference.
///
/// `diesel` is registered as a helper attribute too, because the derive reads
/// `#[diesel(table_name = ..., primary_key(...))]` and `#[diesel(column_name = ...)]`: a model
/// that derives nothing else from Diesel can still name its table.
#[proc_macro_derive(SoftDeletable, attributes(soft_delete, diesel))]
pub fn derive_soft_deletable(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// The derive on `proc_macro2` tokens, so tests can call it.
fn derive(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2(input)
        .and_then(|input| model::Model::from_input(&input))
        .map(|model| expand::expand(&model))
        .unwrap_or_else(syn::Error::into_compile_error)
}
