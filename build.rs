//! Says which database backends the test suites will skip, so `cargo test` on SQLite alone
//! never passes silently for PostgreSQL or MySQL.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let skipped: Vec<&str> = [
        ("postgres", "CARGO_FEATURE_POSTGRES"),
        ("mysql", "CARGO_FEATURE_MYSQL"),
    ]
    .into_iter()
    .filter(|(_, var)| std::env::var_os(var).is_none())
    .map(|(name, _)| name)
    .collect();
    if !skipped.is_empty() {
        println!(
            "cargo:warning=test suites run on SQLite only; skipped backends: {} (enable with `--features {}` and set PG_DATABASE_URL / MYSQL_DATABASE_URL)",
            skipped.join(", "),
            skipped.join(",")
        );
    }
}
