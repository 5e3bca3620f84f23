//! Turns the knowledge catalog (`src/knowledge/data/*.toml`) into one packed text data file,
//! `catalog-<hash>.txt`, so the app ships no TOML parser and splits the tables once at start-up.
//! The app fetches the file right after it starts (it is not in the wasm); off the web it is
//! built in (`knowledge::CATALOG_TEXT`).
//!
//! The build fails with a clear message when an entry lacks a required part; the host tests
//! check the catalog against the reference lists as well. The wizard's graph
//! (`src/wizard/data/*.toml`) is checked by its own part, `build/wizard.rs`, and written as a
//! JSON data file that the app fetches when the wizard is first needed.

#[path = "build/wizard.rs"]
mod wizard;

use serde::Deserialize;
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
    #[serde(default)]
    follows: Vec<Follow>,
}

/// When a message is usually a consequence of another one (or noise) rather than the cause.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Follow {
    /// Only at these enforcement points (empty: any).
    #[serde(default)]
    rules: Vec<String>,
    /// Only beside one of these catalog entries in the same decision (empty: always).
    #[serde(default)]
    with: Vec<String>,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(rename = "do")]
    text: String,
    #[serde(default)]
    run: Option<String>,
}

/// A list as one string, one item per line (see `knowledge::Lines`).
fn joined(v: &[String]) -> String {
    if let Some(bad) = v.iter().find(|s| s.contains('\n') || s.trim().is_empty()) {
        panic!("knowledge catalog: list items are single non-empty lines, not {bad:?}");
    }
    v.join("\n")
}

/// Appends one field of a packed record, refusing the separators inside it.
fn push_field(packed: &mut String, field: &str, what: &str) {
    if field.contains(['\u{1a}', '\u{1c}', '\u{1d}']) {
        panic!("knowledge catalog: {what} contains a U+001A, U+001C or U+001D character");
    }
    packed.push_str(field);
    packed.push('\u{1d}');
}

fn owner_char(s: &str, what: &str) -> &'static str {
    match s {
        "user" => "u",
        "platform" => "p",
        "either" => "e",
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

/// The packed table of an entries file (see `knowledge::unpack_entries`).
fn packed_entries(file: &Path) -> String {
    let parsed: EntriesFile = toml::from_str(&read(file))
        .unwrap_or_else(|e| panic!("knowledge catalog {}: {e}", file.display()));
    // One string for the whole table (see `knowledge::unpack_entries`): records end with U+001C,
    // fields end with U+001D. Pointers to separate strings would compress poorly in the WASM.
    let mut packed = String::new();
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
        // `FollowOns`: one line per item, `rules<TAB>with<TAB>note`, lists comma-separated.
        let follows: Vec<String> = e
            .follows
            .iter()
            .map(|f| {
                require(&what, "follows.note", &f.note);
                let ids = f.rules.iter().chain(&f.with);
                if let Some(bad) = ids
                    .clone()
                    .find(|i| i.is_empty() || i.contains([',', '\t', '\n']))
                {
                    panic!("knowledge catalog: {what}: bad id {bad:?} in `follows`");
                }
                if f.note.contains(['\t', '\n']) {
                    panic!("knowledge catalog: {what}: a `follows` note has a tab or line break");
                }
                format!("{}\t{}\t{}", f.rules.join(","), f.with.join(","), f.note)
            })
            .collect();
        let own = match &e.owner {
            Some(o) => owner_char(o, &what),
            None => "",
        };
        for field in [
            e.id.as_str(),
            &joined(&e.text),
            &joined(&e.historical),
            &joined(&e.rules),
            &e.title,
            &e.meaning,
            &joined(&e.causes),
            &steps,
            &joined(&e.sources),
            own,
            &follows.join("\n"),
        ] {
            push_field(&mut packed, field, &what);
        }
        packed.push('\u{1c}');
    }
    packed
}

/// The first line of the catalog's data file (`knowledge::install` checks it): a host that
/// answers with another page for a missing file is told apart from the catalog.
const CATALOG_HEADER: &str = "aci-triage catalog 1\n";

fn main() {
    let dir = Path::new("src/knowledge/data");

    let rules: RulesFile = toml::from_str(&read(&dir.join("rules.toml")))
        .unwrap_or_else(|e| panic!("knowledge catalog rules.toml: {e}"));
    // Packed like the entries (see `knowledge::unpack_rules`).
    let mut packed = String::new();
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
        for field in [
            r.id.as_str(),
            &r.title,
            &r.doing,
            owner_char(&r.owner, &what),
            &r.owner_note,
            &r.since,
            r.platform.as_deref().unwrap_or(""),
            r.empty_errors.as_deref().unwrap_or(""),
            &fields.join("\n"),
            &joined(&r.sources),
        ] {
            push_field(&mut packed, field, &what);
        }
        packed.push('\u{1c}');
    }

    // The catalog as one text data file (see `knowledge::install`): a header line, then the
    // packed tables of rules, messages, reasons and formats, separated by U+001A. Named by its
    // hash like the wizard's graph; the app fetches it at start-up (it is not in the wasm).
    let mut catalog = String::from(CATALOG_HEADER);
    catalog.push_str(&packed);
    for file in ["messages.toml", "reasons.toml", "formats.toml"] {
        catalog.push('\u{1a}');
        catalog.push_str(&packed_entries(&dir.join(file)));
    }
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let name = wizard::hashed_file_name("catalog", "txt", &catalog);
    let data_dir = Path::new(&out_dir).join("catalog");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).expect("create OUT_DIR/catalog");
    std::fs::write(data_dir.join(&name), &catalog).expect("write the catalog's data file");
    let code = format!(
        "// @generated by build.rs from src/knowledge/data/*.toml. Do not edit.\n\n\
         /// The file name of the catalog's data, `catalog-<hash>.txt`, beside index.html.\n\
         pub const CATALOG_FILE: &str = {name:?};\n\n\
         /// The data file itself, for the host (tests, tools) and the `embedded-catalog` feature.\n\
         #[cfg(any(not(target_arch = \"wasm32\"), feature = \"embedded-catalog\"))]\n\
         pub const CATALOG_TEXT: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/catalog/{name}\"));\n"
    );
    std::fs::write(Path::new(&out_dir).join("catalog.rs"), code).expect("write catalog.rs");
    println!("cargo:rerun-if-changed=build.rs");

    // The wizard's graph: a JSON data file named by its hash (tools/postbuild.py copies the one
    // the wasm names into dist/), and the Rust code that names it (and embeds it off the web).
    let json = wizard::compile_file(Path::new("src/wizard/data/network.toml"));
    let name = wizard::hashed_name("network", &json);
    let data_dir = Path::new(&out_dir).join("wizard");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).expect("create OUT_DIR/wizard");
    std::fs::write(data_dir.join(&name), &json).expect("write the wizard's data file");
    let code = format!(
        "// @generated by build.rs from src/wizard/data/network.toml. Do not edit.\n\n\
         /// The file name of the network graph's data, `network-<hash>.json`, beside index.html.\n\
         pub const NETWORK_FILE: &str = {name:?};\n\n\
         /// The data file itself, for the host (tests, tools) and the `embedded-graph` feature.\n\
         #[cfg(any(not(target_arch = \"wasm32\"), feature = \"embedded-graph\"))]\n\
         pub const NETWORK_JSON: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/wizard/{name}\"));\n"
    );
    std::fs::write(Path::new(&out_dir).join("wizard_network.rs"), code)
        .expect("write wizard_network.rs");
    println!("cargo:rerun-if-changed=build/wizard.rs");
}
