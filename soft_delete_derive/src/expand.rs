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
    let key = key_impls(
        ident,
        model.generics,
        table,
        &model.primary_key,
        model.table_declared.is_some(),
    );
    let marker_col = &model.marker.column;
    let strategy = match model.strategy {
        Strategy::Timestamp => quote!(#rt::marker::Timestamp),
        Strategy::TimestampTz => quote!(#rt::marker::TimestampTz),
        Strategy::Flag => quote!(#rt::marker::Flag),
    };
    // The kind as the derive read it from the field's type: a marker column the strategy does
    // not fit is reported once, where the strategy meets the column.
    let marker_kind = match model.strategy {
        Strategy::Timestamp => quote!(#rt::MarkerKind::Timestamp),
        Strategy::TimestampTz => quote!(#rt::MarkerKind::TimestampTz),
        Strategy::Flag => quote!(#rt::MarkerKind::Flag),
    };

    let (deletion_id_meta, cascade_target) = match &model.deletion_id {
        Some(d) => {
            let col = &d.column;
            (
                quote!(::core::option::Option::Some(<#table::#col as #diesel::Column>::NAME)),
                Some(quote!(#table::#col)),
            )
        }
        None => (quote!(::core::option::Option::None), None),
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
    // The hooks of a model with lifetime parameters: those of its `'static` instance.
    let statics = model.generics.lifetimes().map(|_| quote!('static));
    let static_ident = if model.generics.params.is_empty() {
        quote!(#ident)
    } else {
        quote!(#ident<#(#statics),*>)
    };
    let table_impls = if let Some(span) = model.table_declared {
        declared_checks(model, &strategy, span)
    } else {
        // Spanned at the table's name, whole (an item's span runs from its first token to its
        // last): over another crate's table these impls are the orphan-rule error (E0117) that
        // `table_declared` avoids, and it points there.
        let span = model.table.span;
        let cascade_target = cascade_target.map(|deletion_id| {
            quote_spanned! {span=>
                impl ::soft_delete_runtime::CascadeTarget for #table::table {
                    type DeletionId = #deletion_id;
                }
            }
        });
        quote_spanned! {span=>
            impl ::soft_delete_runtime::SoftDeleteTable for #table::table {
                type Marker = #table::#marker_col;
                type Strategy = #strategy;
                fn meta() -> &'static ::soft_delete_runtime::TableMeta {
                    __soft_delete_meta()
                }
            }

            #cascade_target
        }
    };
    let hooks_impl = if model.hooks {
        quote!()
    } else {
        let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
        quote!(impl #impl_generics #rt::SoftDeleteHooks for #ident #ty_generics #where_clause {})
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
                marker_kind: #marker_kind,
                deletion_id: #deletion_id_meta,
                cascade: &[#(#cascade),*],
                protect: &__SOFT_DELETE_PROTECT,
                nullify: &__SOFT_DELETE_NULLIFY,
                columns: #rt::ColumnsRef::of::<#table::table>(),
                hooks: #rt::HookFns::of::<#static_ident>(),
            };

            fn __soft_delete_meta() -> &'static #rt::TableMeta {
                &__SOFT_DELETE_META
            }

            #table_impls

            #key

            #hooks_impl

            #rt::__private::inventory::submit! {
                #rt::__private::Registration(__soft_delete_meta)
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
    let key = key_impls(ident, view.generics, table, &view.primary_key, false);
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
///
/// `declared`: the table's traits come from its crate's `soft_delete_table!` line; the impls
/// then hold only where it is there, so that its absence is the one error `declared_checks`
/// reports.
fn key_impls(
    ident: &syn::Ident,
    generics: &syn::Generics,
    table: &syn::Path,
    pk: &[Field],
    declared: bool,
) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let own_bounds = where_clause.map(|w| &w.predicates);
    let mut with_db = generics.clone();
    with_db.params.push(syn::parse_quote!(__DB));
    let (db_impl_generics, _, _) = with_db.split_for_impl();
    let table_bound = if declared {
        quote!(for<'__sd> #table::table: #rt::SoftDeleteTable,)
    } else {
        TokenStream::new()
    };
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
        impl #impl_generics #rt::SoftDelete for #ident #ty_generics where #table_bound #own_bounds {
            type Table = #table::table;
            type Key = #key_ty;
            fn key(&self) -> Self::Key {
                #key
            }
            fn key_text(&self) -> ::std::string::String {
                #rt::key_text(&[#(&self.#fields as &dyn ::core::fmt::Display),*])
            }
        }

        impl #db_impl_generics #rt::KeyFilter<__DB> for #ident #ty_generics
        where
            #table_bound
            __DB: #diesel::backend::Backend,
            #filter_ty: #diesel::query_builder::QueryFragment<__DB>,
            #own_bounds
        {
            fn key_filter(&self) -> ::std::boxed::Box<#rt::RowFilter<'_, __DB>> {
                ::std::boxed::Box::new(#filter)
            }
        }
    }
}

/// `table_declared`: the table's crate implements the table traits (`soft_delete_table!`);
/// check that it did, with this model's marker and `deletion_id` columns, and that the marker
/// field fits its column. Each broken rule is one error at the model's token that states it: a
/// missing declaration at `table_declared` (and then nothing else about the declaration), another
/// marker or `deletion_id` column at the model's key or field naming it, a marker field of the
/// wrong type at that type.
fn declared_checks(
    model: &Model<'_>,
    strategy: &TokenStream,
    span: proc_macro2::Span,
) -> TokenStream {
    let rt = quote!(::soft_delete_runtime);
    let private = quote!(#rt::__private);
    let table = &model.table.path;
    let marker = &model.marker.column;
    // Aliases spanned where the model names each column: an error about a type argument
    // points at the argument.
    let marker_alias = quote_spanned! {model.marker_span=>
        type __SoftDeleteMarker = #table::#marker;
    };
    let marker_arg = quote_spanned!(model.marker_span=> __SoftDeleteMarker);
    let field_span = syn::spanned::Spanned::span(&model.marker.ty);
    let sql_type_alias = quote_spanned! {field_span=>
        type __SoftDeleteMarkerSqlType =
            <#table::#marker as #private::diesel::Expression>::SqlType;
    };
    let sql_type_arg = quote_spanned!(field_span=> __SoftDeleteMarkerSqlType);
    let (deletion_id_bound, deletion_id_alias, deletion_id_arg) =
        match (&model.deletion_id, model.deletion_id_span) {
            (Some(field), Some(d_span)) => {
                let col = &field.column;
                (
                    quote!(D: #private::SameDeletionId<<T as #rt::DeclaredTable>::DeletionId>,),
                    quote_spanned!(d_span=> type __SoftDeleteDeletionId = #table::#col;),
                    quote_spanned!(d_span=> __SoftDeleteDeletionId),
                )
            }
            _ => (
                quote!(<T as #rt::DeclaredTable>::DeletionId: #private::NoDeletionIdDeclared,),
                TokenStream::new(),
                quote!(#rt::NoDeletionId),
            ),
        };
    // The call's first and last tokens at `table_declared` too: an unmet bound on `T` is
    // reported on the whole call.
    let table_alias = quote_spanned!(span=> type __SoftDeleteTable = #table::table;);
    let table_arg = quote_spanned!(span=> __SoftDeleteTable);
    let declared = quote_spanned!(span=> __soft_delete_declared::<);
    let end = quote_spanned!(span=> >);
    quote! {
        const _: fn() = || {
            #table_alias
            #marker_alias
            #sql_type_alias
            #deletion_id_alias
            // One function: a table without the declaration is one error, about that.
            fn __soft_delete_declared<T, M, D>()
            where
                T: #rt::DeclaredTable,
                M: #private::SameMarker<<T as #rt::SoftDeleteTable>::Marker>,
                #deletion_id_bound
            {
            }
            let _ = #declared #table_arg, #marker_arg, #deletion_id_arg #end;
            fn __soft_delete_marker_field<ST, C, S>()
            where
                ST: #private::MarkerField<C, S>,
            {
            }
            let _ = __soft_delete_marker_field::<#sql_type_arg, __SoftDeleteMarker, #strategy>;
        };
    }
}
