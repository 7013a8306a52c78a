//! `#[derive(SoftDeletable)]` for `soft_delete_runtime`.
//!
//! The macro only states facts about the model — its table, key, marker column, `deletion_id`
//! column, cascade and protect edges, hooks — as impls of the runtime's traits. All SQL and all
//! behaviour live in `soft_delete_runtime`; use the derive through its re-export there.
//!
//! The pipeline is one file a stage: `attr.rs` parses the attributes into plain data,
//! `model.rs` holds the model read from the struct, `check.rs` checks every rule, `expand.rs`
//! generates code from the validated model only. Every error goes to the context in `ctxt.rs`
//! and is reported together with the others; `fallback.rs` then emits stub impls so the
//! model's users raise no follow-on errors. `types.rs` reads field types, `symbol.rs` names
//! the attribute keys.

mod attr;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod model;
mod symbol;
#[cfg(test)]
mod tests;
mod types;

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

/// The derive on `proc_macro2` tokens, so tests can call it: parse, check, expand.
fn derive(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.into_compile_error(),
    };
    let cx = ctxt::Ctxt::new();
    let parsed = model::Input::from_ast(&cx, &input);
    let expanded = if parsed.attrs.view_of.is_some() {
        check::check_view(&cx, &parsed).map(|view| expand::expand_view(&view))
    } else {
        check::check(&cx, &parsed).map(|model| expand::expand(&model))
    };
    match (cx.check(), expanded) {
        (Ok(()), Some(tokens)) => tokens,
        (Err(errors), _) => fallback::expand(&parsed, &errors),
        // Every rule that leaves the model incomplete reports why; this is a safety net.
        (Ok(()), None) => {
            let msg = "`SoftDeletable` could not read this model";
            fallback::expand(&parsed, &[syn::Error::new(input.ident.span(), msg)])
        }
    }
}
