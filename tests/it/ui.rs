//! Compile-fail tests for `#[derive(SoftDeletable)]`: every misuse of the attributes must be a
//! compile error spanned on the offending token, saying what to write instead. The expected
//! compiler output is pinned in `tests/ui/*.stderr`; regenerate with `TRYBUILD=overwrite`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
