//! The wizard part of the build script: turns a troubleshooting graph written in TOML
//! (`src/wizard/data/network.toml`) into a compact JSON data file (`network-<hash>.json` in
//! `OUT_DIR/wizard/`), so the app ships no TOML parser and the graph stays out of the first
//! download: the app fetches the file when the wizard is first needed (`wizard::load` reads it;
//! tools/postbuild.py puts it into dist/ and inlines it into the single-file build).
//!
//! The build fails with every problem listed at once, each naming the file, the node and its
//! line: a missing or unknown field, an unknown `next`, a cycle, a node the start can't reach, an
//! unknown source or snippet, an id that isn't kebab-case, a question without its one "I don't
//! know" answer. `core/tests/wizard.rs` includes this file to check those messages.
//!
//! The file's shape (see the comments at the top of `network.toml`):
//! `name`, `title`, `start`, `[sources]` (name = https URL), `[snippets]` (name = text, used as `@{name}`
//! in any text), then `[[question]]` (id, title, intro, sources, answers, `[[question.check]]`
//! do / run / meaning) and `[[outcome]]` (id, title, observation, cause, caveats, sources,
//! `[[outcome.fix]]` and `[[outcome.verify]]` do / run).

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphFile {
    pub name: String,
    pub title: String,
    pub start: String,
    pub sources: BTreeMap<String, String>,
    #[serde(default)]
    pub snippets: BTreeMap<String, String>,
    pub question: Vec<QuestionDef>,
    pub outcome: Vec<OutcomeDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub id: String,
    pub title: String,
    pub intro: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub answers: Vec<AnswerDef>,
    #[serde(rename = "check")]
    pub checks: Vec<CheckDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    #[serde(rename = "do")]
    pub text: String,
    #[serde(default)]
    pub run: Option<String>,
    pub meaning: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerDef {
    pub id: String,
    pub label: String,
    pub next: String,
    #[serde(default)]
    pub unsure: bool,
    #[serde(default)]
    pub cant_run: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    pub id: String,
    pub title: String,
    pub observation: String,
    pub cause: String,
    #[serde(default)]
    pub caveats: Vec<String>,
    pub sources: Vec<String>,
    pub fix: Vec<StepDef>,
    pub verify: Vec<StepDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    #[serde(rename = "do")]
    pub text: String,
    #[serde(default)]
    pub run: Option<String>,
}

/// Reads, checks and expands a graph file: snippets replaced, sources turned into URLs. `file`
/// names the file in messages. Errors: every problem found, one message each.
pub fn parse(text: &str, file: &str) -> Result<GraphFile, Vec<String>> {
    let mut g: GraphFile = toml::from_str(text).map_err(|e| vec![format!("{file}: {e}")])?;
    let mut errors = Vec::new();
    let at = |id: &str| match line_of(text, id) {
        Some(line) => format!("{file}:{line}: {id:?}"),
        None => format!("{file}: {id:?}"),
    };

    // Snippets, then every text through them.
    let snippets = expand_snippets(&g.snippets, file, &mut errors);
    let mut used = BTreeSet::new();
    let mut expand = |s: &mut String, what: &str| match expand_text(s, &snippets) {
        Ok((out, names)) => {
            *s = out;
            used.extend(names);
        }
        Err(e) => errors.push(format!("{what}: {e}")),
    };
    for q in &mut g.question {
        let w = at(&q.id);
        expand(&mut q.title, &w);
        expand(&mut q.intro, &w);
        for a in &mut q.answers {
            expand(&mut a.label, &w);
        }
        for c in &mut q.checks {
            expand(&mut c.text, &w);
            expand(&mut c.meaning, &w);
            if let Some(r) = &mut c.run {
                expand(r, &w);
            }
        }
    }
    for o in &mut g.outcome {
        let w = at(&o.id);
        for s in [&mut o.title, &mut o.observation, &mut o.cause] {
            expand(s, &w);
        }
        for c in &mut o.caveats {
            expand(c, &w);
        }
        for s in o.fix.iter_mut().chain(o.verify.iter_mut()) {
            expand(&mut s.text, &w);
            if let Some(r) = &mut s.run {
                expand(r, &w);
            }
        }
    }
    for name in g.snippets.keys().filter(|n| !used.contains(*n)) {
        // Snippets used only by other snippets count as used.
        if !g
            .snippets
            .values()
            .any(|v| v.contains(&format!("@{{{name}}}")))
        {
            errors.push(format!("{file}: snippet {name:?} is never used"));
        }
    }

    // Sources: names of the [sources] table, each an https URL, each used.
    for (name, url) in &g.sources {
        if !url.starts_with("https://") || url.contains(char::is_whitespace) {
            errors.push(format!(
                "{file}: source {name:?} is not an https URL: {url:?}"
            ));
        }
    }
    let mut cited = BTreeSet::new();
    let mut resolve = |list: &mut Vec<String>, what: &str, errors: &mut Vec<String>| {
        let mut seen = BTreeSet::new();
        for s in list.iter_mut() {
            if !seen.insert(s.clone()) {
                errors.push(format!("{what}: source {s:?} is listed twice"));
            }
            match g.sources.get(s.as_str()) {
                Some(url) => {
                    cited.insert(s.clone());
                    *s = url.clone();
                }
                None => errors.push(format!(
                    "{what}: unknown source {s:?} (sources are names from the [sources] table)"
                )),
            }
        }
    };
    for q in &mut g.question {
        resolve(&mut q.sources, &at(&q.id), &mut errors);
    }
    for o in &mut g.outcome {
        resolve(&mut o.sources, &at(&o.id), &mut errors);
    }
    for name in g.sources.keys().filter(|n| !cited.contains(*n)) {
        errors.push(format!("{file}: source {name:?} is never cited"));
    }

    check_shape(&g, &at, &mut errors);
    if errors.is_empty() {
        Ok(g)
    } else {
        Err(errors)
    }
}

/// The graph as compact JSON, the data file the app reads at run time (`wizard::load`):
/// `{"name","title","start","questions":[…],"outcomes":[…]}`, nodes in the file's order, texts
/// with snippets expanded and sources as URLs. A question is `{"id","title","intro","checks":
/// [{"do","run"?,"meaning"}],"answers":[{"id","label","next","unsure"?,"cant_run"?}],"sources"}`,
/// an outcome `{"id","title","observation","cause","fix":[{"do","run"?}],"verify","caveats",
/// "sources"}`; absent keys are `false` or none.
pub fn to_json(g: &GraphFile) -> String {
    use serde_json::{json, Map, Value};
    fn step(text: &str, run: &Option<String>, meaning: Option<&str>) -> Value {
        let mut m = Map::new();
        m.insert("do".into(), text.into());
        if let Some(r) = run {
            m.insert("run".into(), r.as_str().into());
        }
        if let Some(meaning) = meaning {
            m.insert("meaning".into(), meaning.into());
        }
        Value::Object(m)
    }
    let questions: Vec<Value> = g
        .question
        .iter()
        .map(|q| {
            let answers: Vec<Value> = q
                .answers
                .iter()
                .map(|a| {
                    let mut m = Map::new();
                    m.insert("id".into(), a.id.as_str().into());
                    m.insert("label".into(), a.label.as_str().into());
                    m.insert("next".into(), a.next.as_str().into());
                    if a.unsure {
                        m.insert("unsure".into(), true.into());
                    }
                    if a.cant_run {
                        m.insert("cant_run".into(), true.into());
                    }
                    Value::Object(m)
                })
                .collect();
            let checks: Vec<Value> = q
                .checks
                .iter()
                .map(|c| step(&c.text, &c.run, Some(&c.meaning)))
                .collect();
            json!({"id": q.id, "title": q.title, "intro": q.intro, "checks": checks,
                   "answers": answers, "sources": q.sources})
        })
        .collect();
    let steps =
        |v: &[StepDef]| -> Vec<Value> { v.iter().map(|s| step(&s.text, &s.run, None)).collect() };
    let outcomes: Vec<Value> = g
        .outcome
        .iter()
        .map(|o| {
            json!({"id": o.id, "title": o.title, "observation": o.observation, "cause": o.cause,
                   "fix": steps(&o.fix), "verify": steps(&o.verify), "caveats": o.caveats,
                   "sources": o.sources})
        })
        .collect();
    json!({"name": g.name, "title": g.title, "start": g.start, "questions": questions,
           "outcomes": outcomes})
    .to_string()
}

/// The data file's name: `<stem>-<16 hex digits of a 64-bit FNV-1a hash of the JSON>.json`, so
/// that a host may cache it for ever and the service worker may take it from the HTTP cache.
pub fn hashed_name(stem: &str, json: &str) -> String {
    hashed_file_name(stem, "json", json)
}

/// `<stem>-<16 hex digits of the 64-bit FNV-1a hash of the text>.<ext>`: the name of a data file
/// beside index.html (the wizard's graph, the catalog).
pub fn hashed_file_name(stem: &str, ext: &str, text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{stem}-{h:016x}.{ext}")
}

/// The line (1-based) of a node's `id = "…"` line, for messages.
fn line_of(text: &str, id: &str) -> Option<usize> {
    let want = format!("id = {id:?}");
    text.lines().position(|l| l.trim() == want).map(|i| i + 1)
}

/// Ids are `[a-z0-9]` words joined by `-`: they need no escaping in a link.
pub fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Every snippet with the snippets it uses replaced (at most 8 levels deep, which also stops
/// a snippet that uses itself).
fn expand_snippets(
    raw: &BTreeMap<String, String>,
    file: &str,
    errors: &mut Vec<String>,
) -> HashMap<String, String> {
    let mut done: HashMap<String, String> = raw
        .iter()
        .map(|(k, v)| (k.clone(), v.trim_end_matches('\n').to_string()))
        .collect();
    for _ in 0..8 {
        let snapshot = done.clone();
        let mut changed = false;
        for v in done.values_mut() {
            if let Ok((out, names)) = expand_text(v, &snapshot) {
                changed |= !names.is_empty();
                *v = out;
            }
        }
        if !changed {
            for (k, v) in &done {
                if let Err(e) = expand_text(v, &done) {
                    errors.push(format!("{file}: snippet {k:?}: {e}"));
                }
            }
            return done;
        }
    }
    errors.push(format!(
        "{file}: snippets refer to each other in a loop (or more than 8 levels deep)"
    ));
    done
}

/// `text` with each `@{name}` replaced by its snippet, and the names used. A trailing line
/// break (from a multi-line TOML string) is dropped.
fn expand_text(
    text: &str,
    snippets: &HashMap<String, String>,
) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(text.len());
    let mut names = Vec::new();
    let mut rest = text.trim_end_matches('\n');
    while let Some(at) = rest.find("@{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("unclosed snippet reference in {:?}", short(text)));
        };
        let name = &after[..end];
        let Some(value) = snippets.get(name) else {
            return Err(format!(
                "unknown snippet @{{{name}}} (snippets are names from the [snippets] table)"
            ));
        };
        out.push_str(value);
        names.push(name.to_string());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok((out, names))
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// One line of prose: not empty, no line break or tab, `code` marks balanced.
fn check_prose(s: &str, field: &str, what: &str, errors: &mut Vec<String>) {
    if s.trim().is_empty() {
        errors.push(format!("{what}: `{field}` is empty"));
    } else if s.contains(['\n', '\t']) || s != s.trim() {
        errors.push(format!(
            "{what}: `{field}` is one line of text without tabs or surrounding spaces: {:?}",
            short(s)
        ));
    } else if !s.matches('`').count().is_multiple_of(2) {
        errors.push(format!(
            "{what}: `{field}` has an unclosed `code` mark: {:?}",
            short(s)
        ));
    }
}

fn check_command(s: &str, what: &str, errors: &mut Vec<String>) {
    if s.trim().is_empty() {
        errors.push(format!("{what}: an empty `run`"));
    } else if s.contains('\t') || s.lines().any(|l| l != l.trim_end()) {
        errors.push(format!(
            "{what}: a `run` with a tab or trailing spaces: {:?}",
            short(s)
        ));
    }
}

fn check_shape(g: &GraphFile, at: &dyn Fn(&str) -> String, errors: &mut Vec<String>) {
    check_prose(&g.name, "name", "the graph", errors);
    check_prose(&g.title, "title", "the graph", errors);
    // Ids: kebab-case and unique.
    let mut kinds: HashMap<&str, bool> = HashMap::new(); // id -> is a question
    let ids = g
        .question
        .iter()
        .map(|q| (q.id.as_str(), true))
        .chain(g.outcome.iter().map(|o| (o.id.as_str(), false)));
    for (id, question) in ids {
        if !is_kebab(id) {
            errors.push(format!(
                "{}: ids are kebab-case ([a-z0-9] words joined by -)",
                at(id)
            ));
        }
        if kinds.insert(id, question).is_some() {
            errors.push(format!("{}: this id is used twice", at(id)));
        }
    }
    match kinds.get(g.start.as_str()) {
        Some(true) => {}
        Some(false) => errors.push(format!("start {:?} is an outcome, not a question", g.start)),
        None => errors.push(format!("start {:?} names no question", g.start)),
    }

    for q in &g.question {
        let w = at(&q.id);
        check_prose(&q.title, "title", &w, errors);
        check_prose(&q.intro, "intro", &w, errors);
        if !q.title.ends_with('?') {
            errors.push(format!("{w}: the title is a question (ends with ?)"));
        }
        if q.checks.is_empty() || q.checks.iter().all(|c| c.run.is_none()) {
            errors.push(format!(
                "{w}: needs at least one [[question.check]] with a `run` command"
            ));
        }
        for c in &q.checks {
            check_prose(&c.text, "check.do", &w, errors);
            check_prose(&c.meaning, "check.meaning", &w, errors);
            if let Some(r) = &c.run {
                check_command(r, &w, errors);
            }
        }
        if q.answers.len() < 2 {
            errors.push(format!("{w}: needs at least two answers"));
        }
        let mut answer_ids = BTreeSet::new();
        for a in &q.answers {
            check_prose(&a.label, "label", &w, errors);
            if !is_kebab(&a.id) {
                errors.push(format!("{w}: answer id {:?} is not kebab-case", a.id));
            }
            if !answer_ids.insert(a.id.as_str()) {
                errors.push(format!("{w}: answer id {:?} is used twice", a.id));
            }
            if a.next == q.id {
                errors.push(format!(
                    "{w}: answer {:?} leads back to its own question",
                    a.id
                ));
            } else if !kinds.contains_key(a.next.as_str()) {
                errors.push(format!(
                    "{w}: answer {:?} has an unknown next {:?} (no question or outcome has that id)",
                    a.id, a.next
                ));
            }
            if a.unsure && a.cant_run {
                errors.push(format!(
                    "{w}: answer {:?} is either unsure or cant_run, not both",
                    a.id
                ));
            }
            if a.cant_run && kinds.get(a.next.as_str()) != Some(&false) {
                errors.push(format!(
                    "{w}: the cant_run answer {:?} must lead straight to a result, not to {:?}",
                    a.id, a.next
                ));
            }
        }
        let unsure = q.answers.iter().filter(|a| a.unsure).count();
        if unsure != 1 {
            errors.push(format!(
                "{w}: needs exactly one answer with `unsure = true` (the \"I don't know\"), has {unsure}"
            ));
        }
        if q.answers.iter().filter(|a| a.cant_run).count() > 1 {
            errors.push(format!("{w}: at most one answer has `cant_run = true`"));
        }
    }
    for o in &g.outcome {
        let w = at(&o.id);
        for (field, s) in [
            ("title", &o.title),
            ("observation", &o.observation),
            ("cause", &o.cause),
        ] {
            check_prose(s, field, &w, errors);
        }
        for c in &o.caveats {
            check_prose(c, "caveats", &w, errors);
        }
        if o.fix.is_empty() || o.verify.is_empty() {
            errors.push(format!(
                "{w}: needs [[outcome.fix]] and [[outcome.verify]] steps"
            ));
        }
        for s in o.fix.iter().chain(&o.verify) {
            check_prose(&s.text, "do", &w, errors);
            if let Some(r) = &s.run {
                check_command(r, &w, errors);
            }
        }
        if o.sources.is_empty() {
            errors.push(format!("{w}: needs at least one source"));
        }
    }
    if !errors.is_empty() {
        // The walks below need every `next` to exist.
        return;
    }

    // No cycles (depth-first, three colours), and every node reachable from the start.
    let next: HashMap<&str, Vec<&str>> = g
        .question
        .iter()
        .map(|q| {
            (
                q.id.as_str(),
                q.answers.iter().map(|a| a.next.as_str()).collect(),
            )
        })
        .collect();
    fn visit<'a>(
        id: &'a str,
        next: &HashMap<&'a str, Vec<&'a str>>,
        colour: &mut HashMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        errors: &mut Vec<String>,
    ) {
        match colour.get(id) {
            Some(1) => {
                let from = stack.iter().position(|s| *s == id).unwrap_or(0);
                errors.push(format!(
                    "cycle: {} -> {id} (a path must always end in an outcome)",
                    stack[from..].join(" -> ")
                ));
                return;
            }
            Some(_) => return,
            None => {}
        }
        colour.insert(id, 1);
        stack.push(id);
        for n in next.get(id).into_iter().flatten() {
            visit(n, next, colour, stack, errors);
        }
        stack.pop();
        colour.insert(id, 2);
    }
    let mut colour = HashMap::new();
    visit(&g.start, &next, &mut colour, &mut Vec::new(), errors);
    for (id, _) in kinds.iter().filter(|(id, _)| !colour.contains_key(*id)) {
        errors.push(format!(
            "{}: no path from the start {:?} reaches this node",
            at(id),
            g.start
        ));
    }
}

/// For build.rs: reads `path`, checks it and returns its JSON ([`to_json`]), or panics with
/// every problem listed.
#[allow(dead_code)]
pub fn compile_file(path: &std::path::Path) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    match parse(&text, &path.display().to_string()) {
        Ok(g) => to_json(&g),
        Err(errors) => panic!(
            "\nthe wizard graph {} has {} problem(s):\n  - {}\n",
            path.display(),
            errors.len(),
            errors.join("\n  - ")
        ),
    }
}
