//! Snapshots of the expansion, so a reviewer sees what a change does to generated code.

fn expand(input: proc_macro2::TokenStream) -> String {
    let tokens = crate::derive(input);
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

#[test]
fn timestamp_model_with_cascade_and_protect() {
    insta::assert_snapshot!(expand(quote::quote! {
        #[derive(Queryable, Selectable, Identifiable, Associations, SoftDeletable)]
        #[diesel(table_name = crate::schema::posts, belongs_to(Author))]
        #[soft_delete(cascade(comments::post_id), protect(invoices::post_id))]
        struct Post {
            id: i32,
            author_id: i32,
            title: String,
            deleted_at: Option<NaiveDateTime>,
            deletion_id: Option<i64>,
        }
    }));
}

#[test]
fn nullify_edges_beside_cascade_and_protect() {
    insta::assert_snapshot!(expand(quote::quote! {
        #[derive(Queryable, Selectable, SoftDeletable)]
        #[diesel(table_name = users)]
        #[soft_delete(
            cascade(sessions::user_id),
            nullify(votes::user_id, comments::author_id),
            protect(invoices::user_id),
            hooks
        )]
        struct User {
            id: i32,
            name: String,
            deleted_at: Option<NaiveDateTime>,
            deletion_id: Option<i64>,
        }
    }));
}

#[test]
fn flag_model_with_string_key_and_hooks() {
    insta::assert_snapshot!(expand(quote::quote! {
        #[derive(Queryable, Selectable, SoftDeletable)]
        #[diesel(primary_key(code))]
        #[soft_delete(deleted = is_deleted, hooks)]
        struct Country {
            code: String,
            #[diesel(column_name = is_deleted)]
            removed: bool,
        }
    }));
}

#[test]
fn errors_are_combined() {
    let out = crate::derive(quote::quote! {
        #[diesel(primary_key(a, c))]
        #[soft_delete(deletion_id = nope)]
        struct Bad { a: i32, b: i32 }
    })
    .to_string();
    assert_eq!(out.matches("compile_error").count(), 3, "{out}");
}

#[test]
fn raw_identifier_struct_infers_its_table_without_the_prefix() {
    insta::assert_snapshot!(expand(quote::quote! {
        #[derive(SoftDeletable)]
        #[soft_delete(deleted_at = r#final)]
        struct r#Match {
            id: i32,
            r#type: String,
            r#final: Option<NaiveDateTime>,
        }
    }));
}

#[test]
fn field_types_are_read_through_macro_groups() {
    use proc_macro2::{Delimiter, Group};
    let invisible = |tokens| Group::new(Delimiter::None, tokens);
    let marker = invisible(quote::quote!(Option<NaiveDateTime>));
    let inner = invisible(quote::quote!(i64));
    let out = crate::derive(quote::quote! {
        #[diesel(table_name = posts)]
        struct Post {
            id: i32,
            deleted_at: #marker,
            deletion_id: Option<#inner>,
            parenthesized: (bool),
        }
    })
    .to_string();
    assert!(!out.contains("compile_error"), "{out}");
    assert!(out.contains("marker :: Timestamp"), "{out}");
    assert!(out.contains("CascadeTarget"), "{out}");
}

#[test]
fn parenthesized_flag_type_is_a_bool() {
    let out = crate::derive(quote::quote! {
        #[soft_delete(deleted = hidden)]
        struct Note { id: i32, hidden: (bool) }
    })
    .to_string();
    assert!(!out.contains("compile_error"), "{out}");
    assert!(out.contains("marker :: Flag"), "{out}");
}

#[test]
fn a_view_of_another_model_states_no_table_facts() {
    let out = expand(quote::quote! {
        #[derive(Queryable, Selectable, SoftDeletable)]
        #[diesel(table_name = users)]
        #[soft_delete(view_of = User)]
        struct UserName {
            id: i32,
            name: String,
        }
    });
    assert!(!out.contains("SoftDeleteTable for"), "{out}");
    assert!(!out.contains("inventory"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn a_table_declared_model_checks_the_declaration_and_implements_nothing_on_the_table() {
    let out = expand(quote::quote! {
        #[derive(Queryable, Selectable, SoftDeletable)]
        #[diesel(table_name = schema::posts)]
        #[soft_delete(table_declared, deleted_at = removed_at, cascade(schema::comments::post_id))]
        struct Post {
            id: i32,
            removed_at: Option<NaiveDateTime>,
            deletion_id: Option<i64>,
        }
    });
    assert!(!out.contains("SoftDeleteTable for"), "{out}");
    assert!(!out.contains("CascadeTarget for"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_error_comes_with_stub_impls_only() {
    insta::assert_snapshot!(expand(quote::quote! {
        #[derive(SoftDeletable)]
        #[diesel(table_name = posts)]
        #[soft_delete(deleted_at = removed_at)]
        struct Post {
            id: i32,
            title: String,
            deleted_at: Option<NaiveDateTime>,
            deletion_id: Option<i64>,
        }
    }));
}

#[test]
fn an_enum_gets_its_error_and_no_stubs() {
    let out = crate::derive(quote::quote! {
        #[diesel(table_name = posts)]
        enum Post { Live }
    })
    .to_string();
    assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    assert!(!out.contains("impl"), "{out}");
}

mod ctxt {
    use crate::ctxt::Ctxt;
    use proc_macro2::Span;

    #[test]
    #[should_panic(expected = "dropped without `check()`")]
    fn an_unchecked_context_panics() {
        let cx = Ctxt::new();
        cx.error_at(Span::call_site(), "lost");
        drop(cx);
    }

    #[test]
    #[should_panic(expected = "dropped without `check()`")]
    fn an_unchecked_context_panics_even_without_errors() {
        drop(Ctxt::new());
    }

    #[test]
    fn a_checked_context_without_errors_is_ok() {
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    fn every_error_is_reported_in_order() {
        let cx = Ctxt::new();
        cx.error_at(Span::call_site(), "first");
        cx.error_spanned_by(quote::quote!(deleted_at), "second");
        cx.syn_error(syn::Error::new(Span::call_site(), "third"));
        let errors = cx.check().unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages, ["first", "second", "third"]);
    }

    #[test]
    fn several_mistakes_in_one_model_are_all_reported() {
        let out = crate::derive(quote::quote! {
            #[soft_delete(cascade(a::b, a::b), protect(a::b), deletion_id = nope)]
            struct Bad { id: i32, deleted_at: i32 }
        })
        .to_string();
        for msg in [
            "the marker field `deleted_at` must be",
            "no field maps column `nope`",
            "both a `cascade` and a `protect` edge",
            "listed twice",
        ] {
            assert!(out.contains(msg), "{msg} missing from {out}");
        }
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
    }
}
