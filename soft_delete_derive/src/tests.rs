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
        #[diesel(primary_key(a, b))]
        #[soft_delete(deletion_id = nope)]
        struct Bad { a: i32, b: i32 }
    })
    .to_string();
    assert_eq!(out.matches("compile_error").count(), 3, "{out}");
}
