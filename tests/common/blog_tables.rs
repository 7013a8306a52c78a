// The blog tables (authors → posts → comments), `include!`d by the test schema
// (`tests/common/schema.rs`) and by the benchmarks (`benches/soft_delete.rs`), so both measure
// and test the same columns.

diesel::table! {
    authors (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        author_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(posts -> authors (author_id));
diesel::joinable!(comments -> posts (post_id));
