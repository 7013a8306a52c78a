//! Code generation from the validated model. Generated code names the runtime by absolute
//! paths and keeps its helpers inside an anonymous `const _` block.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Model, View};
use crate::types::Strategy;

/// The impls of a valid model.
pub fn expand(model: &Model<'_>) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let diesel = quote!(#rt::__private::diesel);
    let ident = model.ident;
    let table = &model.table.path;
    let pk_col = &model.primary_key.column;
    let pk_field = &model.primary_key.ident;
    let pk_ty = &model.primary_key.ty;
    let marker_col = &model.marker.column;
    let strategy = match model.strategy {
        Strategy::Timestamp => quote!(#rt::marker::Timestamp),
        Strategy::TimestampTz => quote!(#rt::marker::TimestampTz),
        Strategy::Flag => quote!(#rt::marker::Flag),
    };

    let (deletion_id_meta, cascade_target) = match &model.deletion_id {
        Some(d) => {
            let col = &d.column;
            (
                quote!(::core::option::Option::Some(<#table::#col as #diesel::Column>::NAME)),
                quote! {
                    impl #rt::CascadeTarget for #table::table {
                        type DeletionId = #table::#col;
                    }
                },
            )
        }
        None => (quote!(::core::option::Option::None), quote!()),
    };

    let cascade = model
        .cascade
        .iter()
        .map(|fk| quote_spanned!(fk.span()=> #rt::CascadeEdge::new::<#fk>()));
    let protect = model
        .protect
        .iter()
        .map(|fk| quote_spanned!(fk.span()=> #rt::ProtectEdge::new::<#fk>()));
    let protect_count = model.protect.len();
    let nullify = model
        .nullify
        .iter()
        .map(|fk| quote_spanned!(fk.span()=> #rt::NullifyEdge::new::<#fk>()));
    let nullify_count = model.nullify.len();
    let hooks_impl = if model.hooks {
        quote!()
    } else {
        quote!(impl #rt::SoftDeleteHooks for #ident {})
    };

    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            // A static of its own: an edge caches its table's name, and a static may only
            // borrow such (interior-mutable) data from another static.
            static __SOFT_DELETE_PROTECT: [#rt::ProtectEdge; #protect_count] = [#(#protect),*];
            static __SOFT_DELETE_NULLIFY: [#rt::NullifyEdge; #nullify_count] = [#(#nullify),*];
            static __SOFT_DELETE_META: #rt::TableMeta = #rt::TableMeta {
                table: #rt::TableRef::of::<#table::table>(),
                primary_key: <#table::#pk_col as #diesel::Column>::NAME,
                marker: <#table::#marker_col as #diesel::Column>::NAME,
                marker_kind: <#strategy as #rt::marker::MarkerStrategy<#table::#marker_col>>::KIND,
                deletion_id: #deletion_id_meta,
                cascade: &[#(#cascade),*],
                protect: &__SOFT_DELETE_PROTECT,
                nullify: &__SOFT_DELETE_NULLIFY,
                columns: #rt::ColumnsRef::of::<#table::table>(),
                hooks: #rt::HookFns::of::<#ident>(),
            };

            impl #rt::SoftDeleteTable for #table::table {
                type Marker = #table::#marker_col;
                type Strategy = #strategy;
                fn meta() -> &'static #rt::TableMeta {
                    &__SOFT_DELETE_META
                }
            }

            #cascade_target

            impl #rt::SoftDelete for #ident {
                type Table = #table::table;
                type Key = #pk_ty;
                fn key(&self) -> &Self::Key {
                    &self.#pk_field
                }
            }

            #hooks_impl

            #rt::__private::inventory::submit! {
                #rt::__private::Registration(<#table::table as #rt::SoftDeleteTable>::meta)
            }
        };
    }
}

/// The impls of a `view_of` struct: the row methods and reads of `SoftDelete` over the table
/// whose facts (`SoftDeleteTable`, registration, hooks) the named model's derive emits.
pub fn expand_view(view: &View<'_>) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let ident = view.ident;
    let table = &view.table.path;
    let pk_field = &view.primary_key.ident;
    let pk_ty = &view.primary_key.ty;
    let of = view.of;
    // A mismatch is reported on `view_of = ...`: the named model maps another table.
    let same_table = quote_spanned! {of.span()=>
        fn __soft_delete_same_table<M: #rt::SoftDelete<Table = T>, T>() {}
        let _ = __soft_delete_same_table::<#of, #table::table>;
    };
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            impl #rt::SoftDelete for #ident {
                type Table = #table::table;
                type Key = #pk_ty;
                fn key(&self) -> &Self::Key {
                    &self.#pk_field
                }
            }

            const _: fn() = || {
                #same_table
            };
        };
    }
}
