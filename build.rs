//! Says which database backends the test suites will skip, so `cargo test` on SQLite alone
//! never passes silently for PostgreSQL or MySQL; and writes the README that `src/lib.rs` takes
//! as its docs (so the README's examples run as doctests).

use std::path::Path;

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
    write_readme();
}

/// `$OUT_DIR/README.md`: the README, whose examples that use diesel-async are marked `ignore`
/// when feature `async` is off (diesel-async is not linked then); with it, they all run.
fn write_readme() {
    println!("cargo:rerun-if-changed=README.md");
    let readme = std::fs::read_to_string("README.md").expect("README.md at the package root");
    let readme = match std::env::var_os("CARGO_FEATURE_ASYNC") {
        Some(_) => readme,
        None => ignore_async_examples(&readme),
    };
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("README.md"), readme).expect("write README.md to OUT_DIR");
}

/// Rewrites the opening fence of each Rust code block that mentions `diesel_async` to
/// `rust,ignore`, keeping its indentation.
fn ignore_async_examples(readme: &str) -> String {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_start();
        let indent = &lines[i][..lines[i].len() - fence.len()];
        let close = (1..lines.len() - i)
            .find(|n| lines[i + n].trim() == "```")
            .map(|n| i + n);
        match close {
            Some(close) if fence.starts_with("```rust") => {
                let body = &lines[i + 1..close];
                let fence = match body.iter().any(|l| l.contains("diesel_async")) {
                    true => format!("{indent}```rust,ignore"),
                    false => lines[i].to_owned(),
                };
                out.push(fence);
                out.extend(body.iter().map(|l| (*l).to_owned()));
                out.push(lines[close].to_owned());
                i = close + 1;
            }
            _ => {
                out.push(lines[i].to_owned());
                i += 1;
            }
        }
    }
    out.join("\n") + "\n"
}
