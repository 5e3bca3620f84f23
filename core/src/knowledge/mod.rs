//! What the app knows about the policy framework: every enforcement point, every error message,
//! the plain reason and policyError texts, and the neighbouring denial formats, each with its
//! meaning, likely causes, fix and sources. Pure data and lookup: no browser APIs. (Turning a
//! finding and its entries into a document is [`crate::explain`]'s part.)
//!
//! The data lives in `src/knowledge/data/*.toml` (see the README for how to add an entry);
//! `build.rs` packs it into one text data file, [`CATALOG_FILE`], which the app fetches right
//! after it starts and hands to [`install`]. Off the web (tests, tools) and with the
//! `embedded-catalog` feature the same file is built in ([`CATALOG_TEXT`]).

/// Whose move it usually is when this denial happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The workload or its policy changed: the user fixes it.
    User,
    /// The platform did something the policy does not expect: a support case.
    Platform,
    /// Either, depending on circumstances.
    Either,
}

impl Owner {
    pub fn label(self) -> &'static str {
        match self {
            Owner::User => "Usually yours to fix",
            Owner::Platform => "Usually the platform's side",
            Owner::Either => "Could be either side",
        }
    }
    /// The label as a sentence (an entry's own line).
    pub fn sentence(self) -> &'static str {
        match self {
            Owner::User => "Usually yours to fix.",
            Owner::Platform => "Usually the platform's side.",
            Owner::Either => "Could be either side.",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An error string in `reason.errors`.
    Message,
    /// A plain `reason` string or a `policyError` text.
    Reason,
    /// A message in another format (legacy text, Kata, ARM, closed-door …).
    Format,
}

/// Short texts kept as one string, one per line: a list of `&str` would put a pointer and a
/// length per item in the WASM data, where they compress poorly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines(pub &'static str);

impl Lines {
    pub fn iter(&self) -> std::str::Lines<'static> {
        self.0.lines()
    }
    pub fn len(&self) -> usize {
        self.iter().count()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn first(&self) -> Option<&'static str> {
        self.iter().next()
    }
    pub fn contains(&self, item: &str) -> bool {
        self.iter().any(|x| x == item)
    }
}

impl IntoIterator for Lines {
    type Item = &'static str;
    type IntoIter = std::str::Lines<'static>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl IntoIterator for &Lines {
    type Item = &'static str;
    type IntoIter = std::str::Lines<'static>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One input field of an enforcement point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub meaning: &'static str,
}

/// The input fields of an enforcement point, packed like [`Lines`]: `name<TAB>meaning` per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields(pub &'static str);

impl Fields {
    pub fn iter(&self) -> impl Iterator<Item = Field> + Clone {
        Lines(self.0).iter().map(|l| {
            let (name, meaning) = l.split_once('\t').unwrap_or((l, ""));
            Field { name, meaning }
        })
    }
}

/// An enforcement point (a rule of the policy framework).
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// What the platform was doing, in plain words.
    pub title: &'static str,
    pub doing: &'static str,
    pub owner: Owner,
    pub owner_note: &'static str,
    /// The policy API version that introduced it.
    pub since: &'static str,
    /// `Some("Windows")` for points that exist only on confidential Windows containers.
    pub platform: Option<&'static str>,
    /// What a denial with an empty `errors` list usually means here.
    pub empty_errors: Option<&'static str>,
    pub fields: Fields,
    pub sources: Lines,
}

impl Rule {
    pub fn field(&self, name: &str) -> Option<Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A fix step: what to do, and the command to run when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub text: &'static str,
    pub run: Option<&'static str>,
}

/// Fix steps kept as one string (like [`Lines`]): each step ends with U+001E, and a step's
/// command follows its text after U+001F.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps(pub &'static str);

impl Steps {
    pub fn iter(&self) -> impl Iterator<Item = Step> + Clone {
        self.0
            .split_terminator('\u{1e}')
            .map(|s| match s.split_once('\u{1f}') {
                Some((text, run)) => Step {
                    text,
                    run: Some(run),
                },
                None => Step { text: s, run: None },
            })
    }
    pub fn len(&self) -> usize {
        self.0.matches('\u{1e}').count()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// When a message is usually a consequence of another one, or noise, rather than the cause:
/// at `rules` (any point if empty), beside one of the entries `with` in the same decision
/// (always if empty). `note` says why and what to read instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowOn {
    /// Enforcement point ids, comma-separated.
    pub rules: &'static str,
    /// Catalog entry ids, comma-separated.
    pub with: &'static str,
    pub note: &'static str,
}

impl FollowOn {
    pub fn rules(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.rules.split_terminator(',')
    }
    pub fn with(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.with.split_terminator(',')
    }
}

/// The follow-on conditions of an entry, packed like [`Fields`]: `rules<TAB>with<TAB>note` per
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowOns(pub &'static str);

impl FollowOns {
    pub fn iter(&self) -> impl Iterator<Item = FollowOn> + Clone {
        Lines(self.0).iter().map(|l| {
            let mut p = l.splitn(3, '\t');
            let mut next = || p.next().unwrap_or_default();
            FollowOn {
                rules: next(),
                with: next(),
                note: next(),
            }
        })
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A message, reason or format entry.
#[derive(Debug)]
pub struct Entry {
    pub kind: Kind,
    pub id: &'static str,
    /// Current wordings: verbatim, or a template with `{name}` (one value) or `{name,}` (a
    /// comma-separated list) parts.
    pub text: Lines,
    /// Older wordings that mean the same.
    pub historical: Lines,
    /// Enforcement points that produce it.
    pub rules: Lines,
    pub title: &'static str,
    pub meaning: &'static str,
    /// Likely causes, most likely first.
    pub causes: Lines,
    pub fix: Steps,
    pub sources: Lines,
    pub owner: Option<Owner>,
    /// When this message is likely a consequence (or noise) rather than the cause.
    pub follows: FollowOns,
}

impl Entry {
    /// Why this message is probably not the cause when `rule` reports it beside the messages
    /// whose catalog ids are `others` (the rest of the same decision's errors), if it is not.
    pub fn follow_on(&self, rule: Option<&str>, others: &[&str]) -> Option<&'static str> {
        self.follows
            .iter()
            .find(|f| {
                let at_rule = f.rules.is_empty() || rule.is_some_and(|r| f.rules().any(|x| x == r));
                let beside = f.with.is_empty() || f.with().any(|w| others.contains(&w));
                at_rule && beside
            })
            .map(|f| f.note)
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The catalog's tables, split out of its data file.
struct Tables {
    rules: Vec<Rule>,
    messages: Vec<Entry>,
    reasons: Vec<Entry>,
    formats: Vec<Entry>,
}

static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();

/// The first line of the data file (build.rs writes it).
const HEADER: &str = "aci-triage catalog 1\n";
/// Between the tables of the data file.
const TABLE: char = '\u{1a}';

/// Why a text is not this build's catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError(pub &'static str);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Reads the catalog's data file ([`CATALOG_FILE`]) and makes it the catalog for the life of the
/// program (the first one stays). Until then every lookup finds nothing: the app shows no
/// explanation before [`is_installed`]. Off the web the built-in copy is there from the start.
pub fn install(text: String) -> Result<(), CatalogError> {
    if TABLES.get().is_some() {
        return Ok(());
    }
    let body = text
        .strip_prefix(HEADER)
        .ok_or(CatalogError("the file is not the app's catalog"))?;
    if body.split(TABLE).count() != 4 || body.split(TABLE).any(|t| !t.ends_with(RECORD)) {
        return Err(CatalogError("the catalog file is damaged"));
    }
    // Lives as long as the program: the tables point into it.
    let text: &'static str = Box::leak(text.into_boxed_str());
    let _ = TABLES.set(split(&text[HEADER.len()..]));
    Ok(())
}

/// Whether the catalog is there (always off the web and with `embedded-catalog`).
pub fn is_installed() -> bool {
    tables().is_some()
}

fn split(body: &'static str) -> Tables {
    let mut t = body.split(TABLE);
    let mut next = || t.next().unwrap_or_default();
    Tables {
        rules: unpack_rules(next()),
        messages: unpack_entries(Kind::Message, next()),
        reasons: unpack_entries(Kind::Reason, next()),
        formats: unpack_entries(Kind::Format, next()),
    }
}

#[cfg(any(not(target_arch = "wasm32"), feature = "embedded-catalog"))]
fn tables() -> Option<&'static Tables> {
    Some(TABLES.get_or_init(|| {
        let body = CATALOG_TEXT
            .strip_prefix(HEADER)
            .unwrap_or_else(|| panic!("the built-in catalog has no header"));
        split(body)
    }))
}

#[cfg(not(any(not(target_arch = "wasm32"), feature = "embedded-catalog")))]
fn tables() -> Option<&'static Tables> {
    TABLES.get()
}

/// One of the catalog's tables: empty until the catalog is installed (see [`install`]).
pub struct Table<T: 'static>(fn(&'static Tables) -> &'static [T]);

impl<T: 'static> std::ops::Deref for Table<T> {
    type Target = [T];
    fn deref(&self) -> &'static [T] {
        tables().map_or(&[], self.0)
    }
}

fn rules_of(t: &'static Tables) -> &'static [Rule] {
    &t.rules
}
fn messages_of(t: &'static Tables) -> &'static [Entry] {
    &t.messages
}
fn reasons_of(t: &'static Tables) -> &'static [Entry] {
    &t.reasons
}
fn formats_of(t: &'static Tables) -> &'static [Entry] {
    &t.formats
}

/// Every enforcement point.
pub static RULES: Table<Rule> = Table(rules_of);
/// Every error message of `reason.errors`.
pub static MESSAGES: Table<Entry> = Table(messages_of);
/// The plain reason and policyError texts.
pub static REASONS: Table<Entry> = Table(reasons_of);
/// The messages of neighbouring formats.
pub static FORMATS: Table<Entry> = Table(formats_of);

/// The catalog tables are each one string (written by build.rs): records end with U+001C and
/// fields with U+001D, in the order of the struct. Separate `&str`s would each be a pointer and a
/// length in the WASM data, which gzip hardly compresses; splitting once at start-up is cheap.
const RECORD: char = '\u{1c}';
const FIELD: char = '\u{1d}';

fn owner_of(c: &str) -> Option<Owner> {
    match c {
        "u" => Some(Owner::User),
        "p" => Some(Owner::Platform),
        "e" => Some(Owner::Either),
        _ => None,
    }
}

/// Each record of a packed table, as a reader of its fields in order (empty past the last).
fn records(packed: &'static str) -> impl Iterator<Item = impl FnMut() -> &'static str> {
    packed.split_terminator(RECORD).map(|record| {
        let mut fields = record.split(FIELD);
        move || fields.next().unwrap_or_default()
    })
}

fn unpack_entries(kind: Kind, packed: &'static str) -> Vec<Entry> {
    records(packed)
        .map(|mut next| {
            // Struct fields are evaluated in the order written: the order build.rs packs them.
            Entry {
                kind,
                id: next(),
                text: Lines(next()),
                historical: Lines(next()),
                rules: Lines(next()),
                title: next(),
                meaning: next(),
                causes: Lines(next()),
                fix: Steps(next()),
                sources: Lines(next()),
                owner: owner_of(next()),
                follows: FollowOns(next()),
            }
        })
        .collect()
}

fn unpack_rules(packed: &'static str) -> Vec<Rule> {
    let some = |s: &'static str| Some(s).filter(|s| !s.is_empty());
    records(packed)
        .map(|mut next| Rule {
            id: next(),
            title: next(),
            doing: next(),
            owner: owner_of(next()).unwrap_or(Owner::Either),
            owner_note: next(),
            since: next(),
            platform: some(next()),
            empty_errors: some(next()),
            fields: Fields(next()),
            sources: Lines(next()),
        })
        .collect()
}

/// Looks up an enforcement point.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Looks up an entry by id in any table.
pub fn entry(id: &str) -> Option<&'static Entry> {
    MESSAGES
        .iter()
        .chain(REASONS.iter())
        .chain(FORMATS.iter())
        .find(|e| e.id == id)
}

/// A value pulled out of a templated message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// One value, or the items of a comma-separated list.
    pub values: Vec<String>,
}

/// The result of matching a text against the catalog.
#[derive(Debug)]
pub struct Match {
    pub entry: &'static Entry,
    pub params: Vec<Param>,
    /// Whether an older wording matched.
    pub historical: bool,
}

/// Matches `text` against a template (`{name}` and `{name,}` parts) in full.
pub fn match_template(template: &str, text: &str) -> Option<Vec<Param>> {
    let mut params = Vec::new();
    let mut t = template;
    let mut s = text;
    loop {
        match t.find('{') {
            None => return (t == s).then_some(params),
            Some(open) => {
                let close = t[open..].find('}')? + open;
                let (lit, name) = (&t[..open], &t[open + 1..close]);
                s = s.strip_prefix(lit)?;
                t = &t[close + 1..];
                // The value runs to the next literal (or the end).
                let next_lit = match t.find('{') {
                    Some(n) => &t[..n],
                    None => t,
                };
                let value = if next_lit.is_empty() {
                    let v = s;
                    s = "";
                    v
                } else if t.len() == next_lit.len() {
                    // The last literal must end the text.
                    let v = s.strip_suffix(next_lit)?;
                    s = &s[v.len()..];
                    v
                } else {
                    let at = s.find(next_lit)?;
                    let v = &s[..at];
                    s = &s[at..];
                    v
                };
                if value.is_empty() {
                    return None;
                }
                let (name, values) = match name.strip_suffix(',') {
                    Some(n) => (
                        n,
                        value
                            .split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect(),
                    ),
                    None => (name, vec![value.to_string()]),
                };
                params.push(Param {
                    name: name.to_string(),
                    values,
                });
            }
        }
    }
}

fn find_in(table: &'static [Entry], text: &str) -> Option<Match> {
    let text = text.trim();
    // Exact wordings first, so `invalid env list` never reads as a broken template.
    for historical in [false, true] {
        for e in table {
            let list = if historical { e.historical } else { e.text };
            if list.iter().any(|t| !t.contains('{') && t == text) {
                return Some(Match {
                    entry: e,
                    params: Vec::new(),
                    historical,
                });
            }
        }
    }
    for historical in [false, true] {
        for e in table {
            let list = if historical { e.historical } else { e.text };
            for t in list.iter().filter(|t| t.contains('{')) {
                if let Some(params) = match_template(t, text) {
                    return Some(Match {
                        entry: e,
                        params,
                        historical,
                    });
                }
            }
        }
    }
    None
}

/// Looks up an error message from `reason.errors`.
pub fn lookup_message(text: &str) -> Option<Match> {
    find_in(&MESSAGES, text)
}

/// Looks up a plain `reason` string or a `policyError` text.
pub fn lookup_reason(text: &str) -> Option<Match> {
    find_in(&REASONS, text)
        .or_else(|| {
            // Interpreter errors carry variable detail after a fixed start.
            REASONS.iter().find_map(|e| {
                e.text
                    .iter()
                    .filter_map(|t| t.strip_suffix("{detail}"))
                    .find(|p| text.trim().starts_with(p))
                    .map(|_| Match {
                        entry: e,
                        params: Vec::new(),
                        historical: false,
                    })
            })
        })
        .or_else(|| fixed_reason_at_start(text))
}

/// A fixed reason sentence at the start of `text`, with or without its final full stop and
/// followed by nothing or by further sentences: the legacy plain-text format appends
/// ` Input: {…}` to the fixed reason, and callers may have trimmed the full stop.
fn fixed_reason_at_start(text: &str) -> Option<Match> {
    let text = text.trim();
    for historical in [false, true] {
        for e in REASONS.iter() {
            let list = if historical { e.historical } else { e.text };
            for t in list.iter().filter(|t| !t.contains('{')) {
                let stem = t.trim_end_matches('.');
                if stem.is_empty() {
                    continue;
                }
                if let Some(rest) = text.strip_prefix(stem) {
                    if rest.is_empty() || rest.starts_with('.') || rest.starts_with(' ') {
                        return Some(Match {
                            entry: e,
                            params: Vec::new(),
                            historical,
                        });
                    }
                }
            }
        }
    }
    None
}

/// Splits the error list of the legacy plain-text format, which Go printed space-separated
/// (`[invalid command invalid env list: A,B]`), into messages, using the catalog's wordings.
pub fn split_legacy_errors(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = list.trim();
    while !rest.is_empty() {
        if let Some(len) = known_at_start(rest) {
            out.push(rest[..len].to_string());
            rest = rest[len..].trim_start();
            continue;
        }
        // Unknown text: it runs up to the next word where a known message starts.
        let next_known = rest
            .match_indices(' ')
            .map(|(i, _)| i)
            .find(|&i| known_at_start(rest[i..].trim_start()).is_some());
        match next_known {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = rest[i..].trim_start();
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    out
}

/// The length of the longest known wording (or filled-in template) that begins `rest` and ends
/// at a word's end.
fn known_at_start(rest: &str) -> Option<usize> {
    let mut best: Option<usize> = None;
    for e in MESSAGES.iter() {
        for t in e.text.iter().chain(e.historical) {
            let fixed = t.split('{').next().unwrap_or(t);
            if !fixed.is_empty() && rest.starts_with(fixed) {
                let len = if t.contains('{') {
                    // Template: the shortest stretch, ending at a space or the end, that
                    // matches the whole template with space-free values. Templates with
                    // several values (`… {policy} > {current}`) have spaces between them.
                    match template_len(t, rest, fixed.len()) {
                        Some(len) => len,
                        None => continue,
                    }
                } else {
                    fixed.len()
                };
                let ends_word = rest[len..].is_empty() || rest[len..].starts_with(' ');
                if ends_word && best.is_none_or(|b| len > b) {
                    best = Some(len);
                }
            }
        }
    }
    best
}

/// Length of the shortest prefix of `rest` (ending at a space or at the end, and longer than
/// `from`) that matches `template` in full with values that contain no whitespace.
fn template_len(template: &str, rest: &str, from: usize) -> Option<usize> {
    let ends = rest
        .char_indices()
        .filter(|&(i, c)| i > from && c == ' ')
        .map(|(i, _)| i)
        .chain(std::iter::once(rest.len()));
    for end in ends {
        let candidate = &rest[..end];
        if let Some(params) = match_template(template, candidate) {
            if params
                .iter()
                .all(|p| p.values.iter().all(|v| !v.contains(char::is_whitespace)))
            {
                return Some(end);
            }
        }
    }
    None
}

/// The enforcement point a message belongs to when it belongs to exactly one.
pub fn only_rule_of(entry: &Entry) -> Option<&'static str> {
    let mut rules = entry.rules.iter();
    match (rules.next(), rules.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// A readable label for a source URL (`owner/repo · path` for GitHub files).
pub fn source_label(url: &str) -> String {
    let rest = url.trim_start_matches("https://").trim_end_matches('/');
    let Some(gh) = rest.strip_prefix("github.com/") else {
        return rest.to_string();
    };
    let p: Vec<&str> = gh.splitn(5, '/').collect();
    let (sep, tail) = match (p.get(2).copied(), p.get(3).copied()) {
        (Some("blob" | "tree"), Some(_)) if p.len() == 5 => (" \u{b7} ", p[4]),
        (Some("issues" | "pull"), Some(n)) => (" #", n),
        // Short commit ids (the ids are ASCII hex).
        (Some("commit"), Some(c)) => (" @", c.get(..9).unwrap_or(c)),
        _ => return gh.to_string(),
    };
    [p[0], "/", p[1], sep, tail].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_extract_params() {
        let p = match_template("invalid env list: {names,}", "invalid env list: A,B").unwrap();
        assert_eq!(
            p,
            vec![Param {
                name: "names".into(),
                values: vec!["A".into(), "B".into()]
            }]
        );
        let p = match_template(
            "framework_version is ahead of the current version: {policy} is greater than {current}",
            "framework_version is ahead of the current version: 0.9.0 is greater than 0.5.0",
        )
        .unwrap();
        assert_eq!(p[0].values, ["0.9.0"]);
        assert_eq!(p[1].values, ["0.5.0"]);
        assert!(match_template("invalid env list: {names,}", "invalid env list").is_none());
        assert!(match_template("missing receipt from {issuer}", "missing receipt from ").is_none());
    }

    #[test]
    fn seed_messages_are_known() {
        assert_eq!(
            lookup_message("invalid command").unwrap().entry.id,
            "invalid-command"
        );
        assert_eq!(
            lookup_message("deviceHash not found").unwrap().entry.id,
            "device-hash-not-found"
        );
        assert!(lookup_message("no such message").is_none());
    }

    #[test]
    fn source_labels() {
        assert_eq!(
            source_label(
                "https://github.com/microsoft/hcsshim/blob/main/pkg/securitypolicy/framework.rego"
            ),
            "microsoft/hcsshim · pkg/securitypolicy/framework.rego"
        );
        assert_eq!(
            source_label("https://github.com/Azure/azure-cli-extensions/issues/10310"),
            "Azure/azure-cli-extensions #10310"
        );
    }

    #[test]
    fn packed_lists_read_back_item_by_item() {
        let empty = Lines("");
        assert!(empty.is_empty());
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.first(), None);
        let two = Lines("a b\nc");
        assert_eq!(two.iter().collect::<Vec<_>>(), ["a b", "c"]);
        assert_eq!(two.len(), 2);
        assert!(two.contains("c") && !two.contains("a"));

        let steps = Steps("Do this.\u{1f}cmd one\ncmd two\u{1e}Then that.\u{1e}");
        assert_eq!(steps.len(), 2);
        let all: Vec<Step> = steps.iter().collect();
        assert_eq!(
            all,
            [
                Step {
                    text: "Do this.",
                    run: Some("cmd one\ncmd two")
                },
                Step {
                    text: "Then that.",
                    run: None
                },
            ]
        );
        assert!(Steps("").is_empty() && Steps("").iter().next().is_none());
        // Every catalog entry reads back with at least one step, each with text.
        for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
            assert!(
                e.fix.iter().next().is_some() && e.fix.iter().all(|s| !s.text.is_empty()),
                "{}",
                e.id
            );
        }
    }
}
