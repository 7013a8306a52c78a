//! What the derive emits after reporting an error: the `compile_error!`s, and stub impls of
//! the traits call sites use, so that one mistake is reported once and code using the model
//! (`Post::active()`, a `cascade` edge into its table) raises no follow-on errors.
//!
//! The stubs only type-check: their bodies never run (the crate does not build), they register
//! nothing with the runtime, and they name no column of the table but its primary key, so
//! they cannot fail to resolve where the real impls would not. Each bound that might not hold
//! sits behind a `for<'__sd>` where-clause, which makes an impl that does not apply silent
//! instead of an error: over a table with a composite key, whose `PrimaryKey` is a tuple and
//! not a column, the stubs do not apply and call sites still see errors.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{parse_quote, Type};

use crate::model::{Field, Input};
use crate::symbol::DELETION_ID;

/// The errors, then the stubs when the model's table is known.
pub fn expand(input: &Input<'_>, errors: &[syn::Error]) -> TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    let stubs = if !table_known(input) {
        TokenStream::new()
    } else if input.attrs.is_view || input.attrs.table_declared.is_some() {
        // The named model, or the table's own crate, stands for the table; only this
        // struct's own impl is missing.
        let table = &input.table.path;
        model_stub(input, &quote!(#table::table))
    } else {
        stubs(input)
    };
    quote! {
        #(#errors)*
        #stubs
    }
}

/// Whether there is a model to stand in for, over the table the user meant: a struct with
/// named fields whose table is named by `table_name`, or inferred as the real impls would.
/// An enum, a union or a tuple struct gets no stubs: it is rewritten, not fixed.
fn table_known(input: &Input<'_>) -> bool {
    let diesel = &input.diesel;
    input.fields.is_some() && (diesel.table_name.is_some() || !diesel.incomplete)
}

/// `SoftDeleteTable` (and `CascadeTarget`) on the table, with the primary key standing in for
/// the marker and `deletion_id` columns, and `SoftDelete` on the model.
fn stubs(input: &Input<'_>) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let diesel = quote!(#rt::__private::diesel);
    let table = &input.table.path;
    let table = quote!(#table::table);
    let pk = quote!(<#table as #diesel::Table>::PrimaryKey);
    // Higher-ranked, so that a key that cannot stand in (a composite key) only makes the
    // stubs not apply instead of raising errors of its own.
    let column = quote! {
        for<'__sd> #pk: #diesel::Column<Table = #table>
            + ::core::default::Default
            + ::core::marker::Copy,
        for<'__sd> #rt::marker::Timestamp: #rt::marker::MarkerStrategy<#pk>
    };
    let cascade_target = if may_have_deletion_id(input) {
        quote! {
            impl #rt::CascadeTarget for #table where #column {
                type DeletionId = #pk;
            }
        }
    } else {
        TokenStream::new()
    };
    let model = model_stub(input, &table);
    quote! {
        const _: () = {
            impl #rt::SoftDeleteTable for #table where #column {
                type Marker = #pk;
                type Strategy = #rt::marker::Timestamp;
                fn meta() -> &'static #rt::TableMeta {
                    ::core::unimplemented!()
                }
            }

            #cascade_target

            #model
        };
    }
}

/// `impl SoftDelete for Model`, over the model's generics if it has any.
fn model_stub(input: &Input<'_>, table: &TokenStream) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let ident = input.ident;
    let key = key_type(input);
    let mut generics = input.generics.clone();
    let predicates = &mut generics.make_where_clause().predicates;
    predicates.push(parse_quote!(for<'__sd> #table: #rt::SoftDeleteTable));
    predicates.push(parse_quote! {
        for<'__sd> #key: ::core::clone::Clone
    });
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let mut filter_generics = generics.clone();
    filter_generics.params.push(parse_quote!(__DB));
    let (filter_impl_generics, _, _) = filter_generics.split_for_impl();
    quote! {
        impl #impl_generics #rt::SoftDelete for #ident #ty_generics #where_clause {
            type Table = #table;
            type Key = #key;
            fn key(&self) -> Self::Key {
                ::core::unimplemented!()
            }
            fn key_text(&self) -> ::std::string::String {
                ::core::unimplemented!()
            }
        }

        impl #filter_impl_generics #rt::KeyFilter<__DB> for #ident #ty_generics #where_clause,
            __DB: #rt::__private::diesel::backend::Backend,
        {
            fn key_filter(&self) -> ::std::boxed::Box<#rt::RowFilter<'_, __DB>> {
                ::core::unimplemented!()
            }
        }
    }
}

/// The key's type: the type of the field mapping each key column (a tuple for a composite
/// key); `String` where no field maps a key column.
fn key_type(input: &Input<'_>) -> Type {
    let fields: Option<Vec<&Field>> = match &input.diesel.primary_key {
        Some(pk) => pk.value.iter().map(|col| input.field(col)).collect(),
        None => input.field_named("id").map(|f| vec![f]),
    };
    match fields.as_deref() {
        Some([one]) => one.ty.clone(),
        Some(many) if !many.is_empty() => {
            let tys = many.iter().map(|f| &f.ty);
            parse_quote!((#(#tys,)*))
        }
        _ => parse_quote!(::std::string::String),
    }
}

/// Whether the table may be a cascade target: unless the model surely has no `deletion_id`,
/// another model's `cascade` edge into it must not fail because of this model's error.
fn may_have_deletion_id(input: &Input<'_>) -> bool {
    let attrs = &input.attrs;
    attrs.incomplete || attrs.deletion_id.is_some() || input.field_named(DELETION_ID).is_some()
}
