//! A schema crate as `diesel print-schema` writes it, plus one `soft_delete_table!` line per
//! soft-deletable table: the models live in `soft_delete_split_models`. The tables carry
//! `#[sql_name]`s, so the module names (`authors`, `posts`, ...) name decoy tables the tests
//! create, which must stay untouched.

diesel::table! {
    #[sql_name = "sp_authors"]
    authors (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(authors, deleted_at, deletion_id);

diesel::table! {
    #[sql_name = "sp_posts"]
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(posts, deleted_at, deletion_id);

diesel::table! {
    #[sql_name = "sp_comments"]
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(comments, deleted_at, deletion_id);

diesel::table! {
    /// Declared soft-deletable, but no model maps it: cascades reach it through its
    /// declaration alone.
    #[sql_name = "sp_reactions"]
    reactions (id) {
        id -> Integer,
        post_id -> Integer,
        hidden -> Bool,
        deletion_id -> Nullable<BigInt>,
    }
}
soft_delete_runtime::soft_delete_table!(reactions, hidden, deletion_id);

diesel::joinable!(posts -> authors (author_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(reactions -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(authors, posts, comments, reactions);
