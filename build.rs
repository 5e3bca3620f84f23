//! Turns the knowledge catalog (`src/knowledge/data/*.toml`) into static Rust data, so the app
//! ships no TOML parser and looks entries up without parsing anything at start-up.
//!
//! The build fails with a clear message when an entry lacks a required part; the host tests
//! check the catalog against the reference lists as well.

use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    id: String,
    title: String,
    doing: String,
    owner: String,
    owner_note: String,
    since: String,
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    empty_errors: Option<String>,
    #[serde(default)]
    field: Vec<Field>,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Field {
    name: String,
    meaning: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntriesFile {
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    text: Vec<String>,
    #[serde(default)]
    historical: Vec<String>,
    #[serde(default)]
    rules: Vec<String>,
    title: String,
    meaning: String,
    causes: Vec<String>,
    fix: Vec<Step>,
    sources: Vec<String>,
    #[serde(default)]
    owner: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(rename = "do")]
    text: String,
    #[serde(default)]
    run: Option<String>,
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// A list as `Lines("a\nb")`: one string, one item per line (see `knowledge::Lines`).
fn lits(v: &[String]) -> String {
    if let Some(bad) = v.iter().find(|s| s.contains('\n') || s.trim().is_empty()) {
        panic!("knowledge catalog: list items are single non-empty lines, not {bad:?}");
    }
    format!("Lines({})", lit(&v.join("\n")))
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({})", lit(s)),
        None => "None".to_string(),
    }
}

fn owner(s: &str, what: &str) -> &'static str {
    match s {
        "user" => "Owner::User",
        "platform" => "Owner::Platform",
        "either" => "Owner::Either",
        other => panic!("{what}: owner must be user, platform or either, not {other:?}"),
    }
}

fn require(what: &str, field: &str, value: &str) {
    if value.trim().is_empty() {
        panic!("knowledge catalog: {what} has an empty `{field}`");
    }
}

fn read(path: &Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn emit_entries(out: &mut String, name: &str, kind: &str, file: &Path) {
    let parsed: EntriesFile = toml::from_str(&read(file))
        .unwrap_or_else(|e| panic!("knowledge catalog {}: {e}", file.display()));
    writeln!(out, "pub static {name}: &[Entry] = &[").unwrap();
    for e in &parsed.entry {
        let what = format!("{} entry {:?}", file.display(), e.id);
        require(&what, "id", &e.id);
        require(&what, "title", &e.title);
        require(&what, "meaning", &e.meaning);
        if e.causes.is_empty() || e.causes.iter().any(|c| c.trim().is_empty()) {
            panic!("knowledge catalog: {what} needs at least one non-empty cause");
        }
        if e.fix.is_empty() || e.fix.iter().any(|s| s.text.trim().is_empty()) {
            panic!("knowledge catalog: {what} needs at least one fix step with text");
        }
        if e.sources.is_empty() || e.sources.iter().any(|s| !s.starts_with("https://")) {
            panic!("knowledge catalog: {what} needs sources, each an https:// URL");
        }
        // `Steps`: one string, steps ended by U+001E, a step's command after U+001F.
        let mut steps = String::new();
        for st in &e.fix {
            let all = format!("{}{}", st.text, st.run.as_deref().unwrap_or(""));
            if all.contains(['\u{1e}', '\u{1f}']) {
                panic!(
                    "knowledge catalog: {what} has a fix step with a U+001E or U+001F character"
                );
            }
            steps.push_str(&st.text);
            if let Some(run) = &st.run {
                steps.push('\u{1f}');
                steps.push_str(run);
            }
            steps.push('\u{1e}');
        }
        let own = match &e.owner {
            Some(o) => format!("Some({})", owner(o, &what)),
            None => "None".to_string(),
        };
        writeln!(
            out,
            "    Entry {{ kind: Kind::{kind}, id: {}, text: {}, historical: {}, rules: {}, title: {}, meaning: {}, causes: {}, fix: Steps({}), sources: {}, owner: {own} }},",
            lit(&e.id),
            lits(&e.text),
            lits(&e.historical),
            lits(&e.rules),
            lit(&e.title),
            lit(&e.meaning),
            lits(&e.causes),
            lit(&steps),
            lits(&e.sources),
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let dir = Path::new("src/knowledge/data");
    let mut out =
        String::from("// @generated by build.rs from src/knowledge/data/*.toml. Do not edit.\n\n");

    let rules: RulesFile = toml::from_str(&read(&dir.join("rules.toml")))
        .unwrap_or_else(|e| panic!("knowledge catalog rules.toml: {e}"));
    writeln!(out, "pub static RULES: &[Rule] = &[").unwrap();
    for r in &rules.rule {
        let what = format!("rules.toml rule {:?}", r.id);
        for (f, v) in [
            ("id", &r.id),
            ("title", &r.title),
            ("doing", &r.doing),
            ("owner_note", &r.owner_note),
            ("since", &r.since),
        ] {
            require(&what, f, v);
        }
        if r.sources.is_empty() || r.sources.iter().any(|s| !s.starts_with("https://")) {
            panic!("knowledge catalog: {what} needs sources, each an https:// URL");
        }
        // `Fields`: one string, `name<TAB>meaning` per line (see `knowledge::Fields`).
        let fields: Vec<String> = r
            .field
            .iter()
            .map(|f| {
                require(&what, "field.meaning", &f.meaning);
                if f.name.contains(['\t', '\n']) || f.meaning.contains(['\t', '\n']) {
                    panic!(
                        "knowledge catalog: {what}: field {:?} has a tab or line break",
                        f.name
                    );
                }
                format!("{}\t{}", f.name, f.meaning)
            })
            .collect();
        writeln!(
            out,
            "    Rule {{ id: {}, title: {}, doing: {}, owner: {}, owner_note: {}, since: {}, platform: {}, empty_errors: {}, fields: Fields({}), sources: {} }},",
            lit(&r.id),
            lit(&r.title),
            lit(&r.doing),
            owner(&r.owner, &what),
            lit(&r.owner_note),
            lit(&r.since),
            opt(&r.platform),
            opt(&r.empty_errors),
            lit(&fields.join("\n")),
            lits(&r.sources),
        )
        .unwrap();
    }
    writeln!(out, "];\n").unwrap();

    emit_entries(&mut out, "MESSAGES", "Message", &dir.join("messages.toml"));
    emit_entries(&mut out, "REASONS", "Reason", &dir.join("reasons.toml"));
    emit_entries(&mut out, "FORMATS", "Format", &dir.join("formats.toml"));

    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("catalog.rs"), out).expect("write catalog.rs");
    println!("cargo:rerun-if-changed=build.rs");
}
