//! The core is pure: no file under `core/src` names a browser crate. (The crate split already
//! enforces it when building, since `core/Cargo.toml` does not depend on them; this test names
//! the rule and catches it before anyone adds such a dependency.)
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

const BROWSER_CRATES: &[&str] = &["leptos", "web_sys", "js_sys", "gloo", "wasm_bindgen"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `word` as a whole identifier in `line` (so `gloo` does not match `igloo`, but `gloo::` and
/// `web_sys::window` do).
fn names(line: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

#[test]
fn no_browser_crate_in_the_core() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        // Code only: comments may name what the core stays clear of.
        let code = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"));
        for (n, line) in code {
            for word in BROWSER_CRATES {
                if names(line, word) {
                    found.push(format!(
                        "{}:{}: {word}: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the pure core must not use browser crates:\n{}",
        found.join("\n")
    );
    // And the manifest does not depend on them.
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("core/Cargo.toml");
    for word in BROWSER_CRATES {
        let dep = word.replace('_', "-");
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(&dep)),
            "core/Cargo.toml depends on {dep}"
        );
    }
}

#[test]
fn the_check_finds_what_it_looks_for() {
    assert!(names("use web_sys::Window;", "web_sys"));
    assert!(names("leptos::prelude::*", "leptos"));
    assert!(names("gloo::timers", "gloo"));
    assert!(!names("an igloo", "gloo"));
    assert!(!names("my_leptos_like", "leptos"));
}
