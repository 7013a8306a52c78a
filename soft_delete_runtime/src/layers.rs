//! The runtime's imports flow one way: data → backends → statements → engine → API.
//!
//! Read from the source files: every `crate::` path in a module names a module of its own layer
//! or of a layer below (a name re-exported at the crate root counts as the module it comes
//! from).

use std::path::Path;

/// The modules of each layer, bottom-up.
const LAYERS: &[&[&str]] = &[
    &[
        "declared",
        "error",
        "hooks",
        "key",
        "marker",
        "meta",
        "options",
        "record",
        "registry",
        "report",
        "schema",
        "table",
        "table_name",
        "time",
    ],
    &["backend", "connection"],
    &["statements"],
    &["engine"],
    &["asynchronous", "changeset", "dsl", "migration", "model"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `name -> module` for the crate root's `pub use module::{...}` re-exports.
fn reexports(lib: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in lib.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        for name in names.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !name.is_empty() {
                out.push((name.to_owned(), module.to_owned()));
            }
        }
    }
    out
}

/// The identifiers following `crate::` in `source`, comments left out.
fn crate_paths(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
                .collect();
            out.push(name);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_flow_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let names = reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = first.trim_end_matches(".rs");
        if module == "lib" || module == "layers" {
            continue;
        }
        let own = layer_of(module).unwrap_or_else(|| panic!("{module} is in no layer"));
        for path in crate_paths(&std::fs::read_to_string(file).unwrap()) {
            assert!(
                !path.starts_with('{'),
                "{}: import from the modules, not `crate::{{...}}`",
                rel.display()
            );
            let target = names
                .iter()
                .find(|(name, _)| *name == path)
                .map_or(path.as_str(), |(_, m)| m.as_str());
            let Some(layer) = layer_of(target) else {
                continue; // `__private`, constants of the crate root
            };
            if layer > own {
                violations.push(format!("{} imports crate::{path}", rel.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports against the layers: {violations:#?}"
    );
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines().map(str::trim) {
        let decl = line.strip_prefix("pub ").unwrap_or(line);
        if let Some(module) = decl.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
            assert!(
                module == "layers" || layer_of(module).is_some(),
                "module `{module}` is in no layer of src/layers.rs"
            );
        }
    }
}
