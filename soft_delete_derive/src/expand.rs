//! Code generation from the validated model. Generated code names the runtime by absolute
//! paths and keeps its helpers inside an anonymous `const _` block.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Field, Model, View};
use crate::types::Strategy;

/// The impls of a valid model.
pub fn expand(model: &Model<'_>) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let diesel = quote!(#rt::__private::diesel);
    let ident = model.ident;
    let table = &model.table.path;
    let pk_cols = model.primary_key.iter().map(|f| &f.column);
    let key = key_impls(ident, table, &model.primary_key);
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

    // `new::<first column, (all columns,)>()`: an error about the child table points at the
    // first column as written (a tuple type would be reported at its parentheses only).
    let edge = |kind: TokenStream, fk: &crate::attr::Fk| {
        let cols = &fk.columns;
        let first = &cols[0];
        quote_spanned!(first.span()=> #kind::new::<#first, (#(#cols,)*)>())
    };
    let cascade = model
        .cascade
        .iter()
        .map(|fk| edge(quote!(#rt::CascadeEdge), fk));
    let protect = model
        .protect
        .iter()
        .map(|fk| edge(quote!(#rt::ProtectEdge), fk));
    let protect_count = model.protect.len();
    let nullify = model.nullify.iter().map(|fk| {
        let col = &fk.columns[0];
        quote_spanned!(col.span()=> #rt::NullifyEdge::new::<#col>())
    });
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
                primary_key: &[#(<#table::#pk_cols as #diesel::Column>::NAME),*],
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

            #key

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
    let key = key_impls(ident, table, &view.primary_key);
    let of = view.of;
    // A mismatch is reported on `view_of = ...`: the named model maps another table.
    let same_table = quote_spanned! {of.span()=>
        fn __soft_delete_same_table<M: #rt::SoftDelete<Table = T>, T>() {}
        let _ = __soft_delete_same_table::<#of, #table::table>;
    };
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            #key

            const _: fn() = || {
                #same_table
            };
        };
    }
}

/// `impl SoftDelete` (the key and its text form) and `impl KeyFilter` (the key predicate, for
/// every backend that binds the key's columns) for a struct whose key is `pk`.
fn key_impls(ident: &syn::Ident, table: &syn::Path, pk: &[Field]) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let diesel = quote!(#rt::__private::diesel);
    let fields: Vec<_> = pk.iter().map(|f| &f.ident).collect();
    let (key_ty, key) = match pk {
        [one] => {
            let (ty, name) = (&one.ty, &one.ident);
            (
                quote!(#ty),
                quote!(::core::clone::Clone::clone(&self.#name)),
            )
        }
        _ => {
            let tys = pk.iter().map(|f| &f.ty);
            (
                quote!((#(#tys,)*)),
                quote!((#(::core::clone::Clone::clone(&self.#fields),)*)),
            )
        }
    };
    // `a = $1 AND b = $2 ...`, left-nested as `.and()` builds it; and its type.
    let mut filter = TokenStream::new();
    let mut filter_ty = TokenStream::new();
    for (i, f) in pk.iter().enumerate() {
        let (col, ty, name) = (&f.column, &f.ty, &f.ident);
        let eq = quote!(#diesel::ExpressionMethods::eq(#table::#col, ::core::clone::Clone::clone(&self.#name)));
        let eq_ty = quote!(#diesel::dsl::Eq<#table::#col, #ty>);
        if i == 0 {
            (filter, filter_ty) = (eq, eq_ty);
        } else {
            filter = quote!(#diesel::BoolExpressionMethods::and(#filter, #eq));
            filter_ty = quote!(#diesel::dsl::And<#filter_ty, #eq_ty>);
        }
    }
    quote! {
        impl #rt::SoftDelete for #ident {
            type Table = #table::table;
            type Key = #key_ty;
            fn key(&self) -> Self::Key {
                #key
            }
            fn key_text(&self) -> ::std::string::String {
                #rt::key_text(&[#(&self.#fields as &dyn ::core::fmt::Display),*])
            }
        }

        impl<__DB> #rt::KeyFilter<__DB> for #ident
        where
            __DB: #diesel::backend::Backend,
            #filter_ty: #diesel::query_builder::QueryFragment<__DB> + 'static,
        {
            fn key_filter(&self) -> ::std::boxed::Box<dyn #diesel::query_builder::QueryFragment<__DB> + '_> {
                ::std::boxed::Box::new(#filter)
            }
        }
    }
}
