//! The core's modules depend on each other in one direction (README, Layout): `knowledge` and
//! `decode` at the bottom, the document model `report` above the catalog, `explain` on top of
//! everything it turns into documents. A module that reaches upwards (the document model
//! importing the wizard, say) fails here. Comments and `#[cfg(test)]` code are not counted: a
//! test may check a module against another.

use std::collections::BTreeSet;
use std::path::Path;

const MODULES: [&str; 8] = [
    "decode",
    "explain",
    "report",
    "knowledge",
    "wizard",
    "share",
    "policy",
    "examples",
];

/// What each module may use besides itself.
fn allowed(module: &str) -> &'static [&'static str] {
    match module {
        "knowledge" | "decode" | "policy" | "examples" => &[],
        "report" => &["knowledge"],
        "wizard" => &["knowledge", "policy", "report"],
        "share" => &["decode", "policy"],
        "explain" => &["decode", "knowledge", "policy", "report", "share", "wizard"],
        _ => unreachable!(),
    }
}

/// The module's source files: `src/<m>.rs` and everything under `src/<m>/`.
fn files(src: &Path, module: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.exists() {
        out.push(single);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}

/// The `crate::<module>` names used by the code of `text` before its first `#[cfg(test)]`.
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut found = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if MODULES.contains(&name.as_str()) {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for m in MODULES {
        for f in files(&src, m) {
            seen += 1;
            let text = std::fs::read_to_string(&f).unwrap();
            for used in uses(&text) {
                if used != m && !allowed(m).contains(&used.as_str()) {
                    wrong.push(format!(
                        "{} uses crate::{used}",
                        f.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        seen > 30,
        "only {seen} source files found under {}",
        src.display()
    );
    assert!(
        wrong.is_empty(),
        "modules reaching upwards:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_a_use_and_skips_comments_and_tests() {
    let text = "use crate::wizard::Graph;\n// crate::explain in a comment\nfn f() { crate::report::para(\"\"); }\n#[cfg(test)]\nmod tests { use crate::decode; }\n";
    let got: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(got, ["report", "wizard"]);
}
