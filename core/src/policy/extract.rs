//! Finding every policy in a paste, in any mix: JSON and YAML manifests, ARM templates,
//! `kubectl describe` output, the bare base64, and Rego text.

use serde_json::Value;

use super::manifest::{self, PolicyValue, Workload};
use super::model::{read_policy, Policy};
use super::text::{self, decode_base64, is_base64_char, text_from_bytes, Encoding};
use super::yaml;
use super::Note;

/// Where a policy was found.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// The VN2 annotation of `workloads[workload]` (or its `last-applied-configuration` copy).
    Annotation {
        workload: usize,
        from_last_applied: bool,
    },
    /// The Kata annotation of `workloads[workload]`.
    KataAnnotation { workload: usize },
    /// `properties.confidentialComputeProperties.ccePolicy` of `workloads[workload]`.
    ArmCcePolicy { workload: usize },
    /// A `kubectl describe pod` Annotations block; the pod's `Name:` if given.
    Describe { pod: Option<String>, key: String },
    /// A base64 text on its own.
    Base64,
    /// Rego text pasted as is, with the confcom header that named it (`Policy for Pod: x`,
    /// `CCE Policy for Container Group: x`), if any.
    Rego { header: Option<String> },
}

/// One policy found in the paste.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundPolicy {
    pub origin: Origin,
    /// 1-based line in the paste where it (or its document) starts.
    pub line: usize,
    /// Base64 characters it was decoded from (none for Rego text).
    pub encoded_chars: Option<usize>,
    /// The policy text is incomplete (kubectl's `...`, a damaged base64, a cut paste).
    pub cut: bool,
    /// The Rego text.
    pub text: String,
    pub policy: Policy,
    /// Notes about finding and decoding it (the policy's own notes are in `policy.notes`).
    pub notes: Vec<Note>,
}

/// Everything policy-related in one paste.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PolicyPaste {
    pub workloads: Vec<Workload>,
    pub policies: Vec<FoundPolicy>,
    pub notes: Vec<Note>,
    /// Where in the paste the policies and manifests are (for what a share link carries).
    pub spans: Spans,
}

/// Byte ranges of a paste, sorted and merged.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Spans {
    /// The documents and blocks that gave a workload or a policy: a manifest, an ARM template,
    /// a describe Annotations block, a Rego text, a base64 on its own.
    pub documents: Vec<std::ops::Range<usize>>,
    /// The policies themselves: each base64 value (every copy of it, `last-applied-configuration`
    /// too) and each Rego text.
    pub values: Vec<std::ops::Range<usize>>,
}

fn merged(mut v: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    v.retain(|r| r.start < r.end);
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Every place `b64` (a cleaned base64 text) stands in `text`, each to the end of its run of
/// base64 characters (found by its first 64 characters: a copy that breaks the value over lines
/// is found up to the break).
fn base64_places(text: &str, b64: &str) -> Vec<std::ops::Range<usize>> {
    let head: String = b64.chars().take(64).collect();
    if head.len() < 16 {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(head.as_str()).take(1000) {
        let mut end = at + head.len();
        while end < bytes.len() && is_base64_char(bytes[end] as char) {
            end += 1;
        }
        out.push(at..end);
    }
    out
}

impl PolicyPaste {
    /// The workload a policy belongs to, when it came from a manifest.
    pub fn workload_of(&self, p: &FoundPolicy) -> Option<&Workload> {
        match p.origin {
            Origin::Annotation { workload, .. }
            | Origin::KataAnnotation { workload }
            | Origin::ArmCcePolicy { workload } => self.workloads.get(workload),
            _ => None,
        }
    }
}

/// Reads a dropped file: UTF-8 or UTF-16 (BOM or not), then as a paste.
pub fn read_bytes(bytes: &[u8]) -> PolicyPaste {
    let ft = text_from_bytes(bytes);
    let mut p = read_paste(&ft.text);
    if ft.encoding != Encoding::Utf8 || ft.replaced {
        p.notes.insert(
            0,
            Note::Encoding {
                encoding: ft.encoding,
                replaced: ft.replaced,
            },
        );
    }
    p
}

fn line_starts(t: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(t.match_indices('\n').map(|(i, _)| i + 1));
    v
}

fn line_at(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).max(1)
}

/// Decodes a base64 policy into its text, with notes. `cut` says the base64 is known to be
/// incomplete.
fn decode_policy(b64: &str, mut cut: bool) -> (String, bool, Vec<Note>, usize) {
    let mut notes = Vec::new();
    let chars = b64.chars().filter(|c| !c.is_whitespace()).count();
    let d = decode_base64(b64);
    if let Some(p) = d.problem.clone() {
        cut |= matches!(p, text::Base64Problem::DanglingCharacter);
        notes.push(Note::NotBase64 { problem: p });
    }
    let (mut t, _) = text::ascii_text(&d.bytes);
    if cut {
        // The last character may be a partial UTF-8 sequence or a half-decoded byte.
        while t.ends_with(char::REPLACEMENT_CHARACTER) {
            t.pop();
        }
    }
    let trimmed = t.trim_start();
    if trimmed.starts_with('{') && serde_json::from_str::<Value>(trimmed).is_ok() {
        notes.push(Note::JsonPolicy);
    } else if !t.is_empty() && !has_package_line(&t) {
        notes.push(Note::NotAPolicy);
    }
    (t, cut, notes, chars)
}

fn has_package_line(t: &str) -> bool {
    t.lines().take(200).any(is_package_line)
}

fn is_package_line(l: &str) -> bool {
    let l = l.trim_end();
    match l.strip_prefix("package") {
        Some(rest) if rest.starts_with([' ', '\t']) => {
            let name = rest.trim();
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        }
        _ => false,
    }
}

fn policy_from_b64(
    b64: &str,
    cut: bool,
    origin: Origin,
    line: usize,
    mut notes: Vec<Note>,
) -> FoundPolicy {
    let (text, cut, more, chars) = decode_policy(b64, cut);
    notes.extend(more);
    FoundPolicy {
        origin,
        line,
        encoded_chars: Some(chars),
        cut,
        policy: read_policy(&text),
        text,
        notes,
    }
}

fn clean_b64(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

struct Finder<'a> {
    text: &'a str,
    starts: Vec<usize>,
    out: PolicyPaste,
    /// Cleaned base64 texts already taken, to skip the same value found again.
    seen_b64: Vec<String>,
    /// Byte ranges already read as a document or block.
    used: Vec<std::ops::Range<usize>>,
    /// Byte ranges of documents read whole: their values were taken from their structure (a
    /// base64 inside, e.g. in `last-applied-configuration`, is not a policy of its own).
    structured: Vec<std::ops::Range<usize>>,
    /// [`Spans::documents`] and [`Spans::values`] as found (Rego texts only: the base64 values
    /// are placed at the end, from `seen_b64`).
    documents: Vec<std::ops::Range<usize>>,
    values: Vec<std::ops::Range<usize>>,
}

impl<'a> Finder<'a> {
    fn seen(&self, b64: &str) -> bool {
        self.seen_b64
            .iter()
            .any(|s| s == b64 || s.starts_with(b64) || b64.starts_with(s.as_str()))
    }

    fn is_used(&self, at: usize) -> bool {
        self.used.iter().any(|r| r.contains(&at))
    }

    fn add_workloads(&mut self, doc: &Value, line: usize, range: std::ops::Range<usize>) {
        let found = manifest::workloads_in(doc, line);
        if !found.is_empty() {
            self.documents.push(range);
        }
        for w in found {
            let idx = self.out.workloads.len();
            match &w.policy {
                PolicyValue::Encoded {
                    base64,
                    from_last_applied,
                } => {
                    let origin = match w.kind {
                        manifest::WorkloadKind::Arm(_) => Origin::ArmCcePolicy { workload: idx },
                        _ => Origin::Annotation {
                            workload: idx,
                            from_last_applied: *from_last_applied,
                        },
                    };
                    let c = clean_b64(base64);
                    self.seen_b64.push(c);
                    let found = policy_from_b64(base64, false, origin, line, w.notes.clone());
                    self.out.policies.push(found);
                }
                PolicyValue::Empty => self.out.notes.push(Note::EmptyPolicy),
                PolicyValue::Expression(t) => {
                    self.out.notes.push(Note::ArmExpression { text: t.clone() })
                }
                _ => {}
            }
            if let Some(k) = &w.kata_policy {
                let c = clean_b64(k);
                if !c.is_empty() {
                    self.seen_b64.push(c);
                    let found = policy_from_b64(
                        k,
                        false,
                        Origin::KataAnnotation { workload: idx },
                        line,
                        vec![Note::KataAnnotation],
                    );
                    self.out.policies.push(found);
                }
            }
            self.out.workloads.push(w);
        }
    }

    /// JSON documents: the whole text, or each one that starts a line with `{` / `[`.
    fn json(&mut self) {
        let t = self.text.trim_start();
        let lead = self.text.len() - t.len();
        if t.starts_with(['{', '[']) {
            if let Ok(v) = serde_json::from_str::<Value>(t) {
                self.used.push(0..self.text.len());
                self.structured.push(0..self.text.len());
                self.add_workloads(&v, line_at(&self.starts, lead), 0..self.text.len());
                return;
            }
        }
        let mut i = 0;
        while i < self.starts.len() {
            let at = self.starts[i];
            i += 1;
            if !self.text[at..].starts_with(['{', '[']) || self.is_used(at) {
                continue;
            }
            let mut stream =
                serde_json::Deserializer::from_str(&self.text[at..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(v)) => {
                    let end = at + stream.byte_offset();
                    self.used.push(at..end);
                    self.structured.push(at..end);
                    let line = line_at(&self.starts, at);
                    self.add_workloads(&v, line, at..end);
                    i = self.starts.partition_point(|&s| s < end);
                }
                // A document that breaks after its first line: say so, and go on after the
                // point where it broke.
                Some(Err(e)) if e.is_eof() || e.line() > 1 => {
                    if self.text[at..].starts_with('{') && e.line() > 1 {
                        self.out.notes.push(Note::JsonError {
                            line: line_at(&self.starts, at) + e.line() - 1,
                            message: e.to_string(),
                        });
                    }
                    let skip = line_at(&self.starts, at) + e.line().saturating_sub(1);
                    i = i.max(skip.min(self.starts.len()));
                }
                _ => {}
            }
        }
    }

    /// Rego texts: from a `package` line at column 0 to the next one, a confcom header, a YAML
    /// line at column 0 or a document separator.
    fn rego(&mut self) {
        let n = self.starts.len();
        let mut i = 0;
        while i < n {
            let at = self.starts[i];
            let line = self.line_text(i);
            if !is_package_line(line) || self.is_used(at) {
                i += 1;
                continue;
            }
            let header = (0..i)
                .rev()
                .map(|j| self.line_text(j).trim())
                .find(|l| !l.is_empty())
                .and_then(header_name);
            let mut j = i + 1;
            while j < n {
                let l = self.line_text(j);
                if is_package_line(l)
                    || header_name(l.trim()).is_some()
                    || l.starts_with("---")
                    || yaml_key_line(l)
                {
                    break;
                }
                j += 1;
            }
            let end = if j < n {
                self.starts[j]
            } else {
                self.text.len()
            };
            let body = &self.text[at..end];
            self.used.push(at..end);
            self.documents.push(at..end);
            self.values.push(at..end);
            self.out.policies.push(FoundPolicy {
                origin: Origin::Rego { header },
                line: i + 1,
                encoded_chars: None,
                cut: false,
                policy: read_policy(body),
                text: body.to_string(),
                notes: Vec::new(),
            });
            i = j;
        }
    }

    fn line_text(&self, i: usize) -> &'a str {
        let s = self.starts[i];
        let e = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[s..e].trim_end_matches(['\n', '\r'])
    }

    /// `kubectl describe` Annotations blocks.
    fn describe(&mut self) {
        let n = self.starts.len();
        for i in 0..n {
            let l = self.line_text(i);
            let Some(rest) = l.strip_prefix("Annotations:") else {
                continue;
            };
            let pod = (0..i)
                .rev()
                .map(|j| self.line_text(j))
                .find_map(|l| l.strip_prefix("Name:").map(|v| v.trim().to_string()));
            // The block: the rest of this line, then every indented line.
            let mut entries: Vec<(String, Vec<String>, usize)> = Vec::new();
            let first_indent = l.len() - rest.trim_start().len();
            let mut lines: Vec<(usize, &str, usize)> = vec![(first_indent, rest.trim(), i)];
            let mut j = i + 1;
            while j < n {
                let t = self.line_text(j);
                if t.is_empty() || !t.starts_with([' ', '\t']) {
                    break;
                }
                let ind = t.len() - t.trim_start().len();
                lines.push((ind, t.trim(), j));
                j += 1;
            }
            let key_indent = first_indent;
            for (ind, t, ln) in lines {
                let is_key = ind <= key_indent && annotation_key(t).is_some();
                if is_key || entries.is_empty() {
                    match annotation_key(t) {
                        Some((k, v)) => entries.push((
                            k.to_string(),
                            if v.is_empty() {
                                Vec::new()
                            } else {
                                vec![v.to_string()]
                            },
                            ln,
                        )),
                        None => continue,
                    }
                } else if let Some(e) = entries.last_mut() {
                    e.1.push(t.to_string());
                }
            }
            for (key, values, ln) in entries {
                if key != manifest::CCE_POLICY_ANNOTATION && key != manifest::KATA_POLICY_ANNOTATION
                {
                    continue;
                }
                let joined: String = values.concat();
                let cut = joined.ends_with("...");
                let b64 = joined.trim_end_matches("...");
                let c = clean_b64(b64);
                if c.is_empty() || self.seen(&c) {
                    continue;
                }
                self.seen_b64.push(c.clone());
                let mut notes = Vec::new();
                if cut {
                    notes.push(Note::CutByKubectl {
                        kept_chars: c.len(),
                    });
                }
                if key == manifest::KATA_POLICY_ANNOTATION {
                    notes.push(Note::KataAnnotation);
                }
                let found = policy_from_b64(
                    b64,
                    cut,
                    Origin::Describe {
                        pod: pod.clone(),
                        key: key.clone(),
                    },
                    ln + 1,
                    notes,
                );
                self.out.policies.push(found);
                let to = self.starts.get(j).copied().unwrap_or(self.text.len());
                self.documents.push(self.starts[i]..to);
            }
        }
    }

    /// YAML documents: regions that start at `apiVersion:`, `kind:` or `---` at column 0.
    fn yaml(&mut self) {
        let n = self.starts.len();
        let mut i = 0;
        while i < n {
            let l = self.line_text(i);
            let start_here = !self.is_used(self.starts[i])
                && (l.starts_with("apiVersion:") || l.starts_with("kind:") || l.starts_with("---"));
            if !start_here {
                i += 1;
                continue;
            }
            // Extend back over the document's own top-level keys (e.g. `metadata:` first).
            let mut s = i;
            while s > 0 {
                let p = self.line_text(s - 1);
                if p.trim().is_empty() || p.starts_with("---") || self.is_used(self.starts[s - 1]) {
                    break;
                }
                if !(yaml_key_line(p) || p.starts_with([' ', '#', '-'])) {
                    break;
                }
                s -= 1;
            }
            let mut e = i + 1;
            while e < n {
                let l = self.line_text(e);
                if self.is_used(self.starts[e]) {
                    break;
                }
                let yamlish = l.trim().is_empty()
                    || l.starts_with([' ', '\t', '#', '-'])
                    || l.starts_with("...")
                    || yaml_key_line(l);
                if !yamlish {
                    break;
                }
                e += 1;
            }
            let from = self.starts[s];
            let to = if e < n {
                self.starts[e]
            } else {
                self.text.len()
            };
            self.used.push(from..to);
            self.read_yaml_region(from, to, s + 1);
            i = e;
        }
    }

    fn read_yaml_region(&mut self, from: usize, to: usize, first_line: usize) {
        let region = &self.text[from..to];
        let (docs, err) = yaml::read_documents(region);
        let mut docs = docs;
        if err.is_none() {
            self.structured.push(from..to);
        }
        if let Some(err) = err {
            self.out.notes.push(Note::YamlError {
                line: first_line + err.line.saturating_sub(1),
                message: err.message.clone(),
            });
            // Read again up to the line that broke: the documents before it are whole.
            let cut_line = err.line.saturating_sub(1);
            let rs = line_starts(region);
            if cut_line >= 1 && cut_line < rs.len() {
                let (again, _) = yaml::read_documents(&region[..rs[cut_line]]);
                if again.len() > docs.len() {
                    docs = again;
                }
            }
        }
        for d in docs {
            self.add_workloads(&d.value, first_line + d.line.saturating_sub(1), from..to);
        }
    }

    /// Base64 runs on their own (64 characters or more) that decode to a Rego policy.
    fn bare_base64(&mut self) {
        let b = self.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !is_base64_char(b[i] as char) || (i > 0 && is_base64_char(b[i - 1] as char)) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < b.len() && is_base64_char(b[j] as char) {
                j += 1;
            }
            let run = &self.text[i..j];
            let start = i;
            i = j.max(i + 1);
            if self.structured.iter().any(|r| r.contains(&start)) {
                continue;
            }
            let c = clean_b64(run);
            if c.len() < 64 || self.seen(&c) {
                continue;
            }
            // Cheap test first: the first 3 KiB must decode to text with a `package` line.
            let head: String = c.chars().take(4096).collect();
            let head = &head[..head.len() - head.len() % 4];
            let d = decode_base64(head);
            let (t, _) = text::ascii_text(&d.bytes);
            if !has_package_line(&t) {
                continue;
            }
            let cut = self.text[j..].starts_with("...");
            self.seen_b64.push(c.clone());
            let mut notes = Vec::new();
            if cut {
                notes.push(Note::CutByKubectl {
                    kept_chars: c.len(),
                });
            }
            let line = line_at(&self.starts, start);
            let found = policy_from_b64(run, cut, Origin::Base64, line, notes);
            self.out.policies.push(found);
            self.documents.push(start..j);
        }
    }
}

/// `Policy for Pod: x` / `CCE Policy for Container Group: x` → `x`.
fn header_name(l: &str) -> Option<String> {
    ["CCE Policy for Container Group:", "Policy for Pod:"]
        .iter()
        .find_map(|h| l.strip_prefix(h))
        .map(|n| n.trim().to_string())
}

/// A YAML `key:` line at column 0 (not a Rego `:=`).
fn yaml_key_line(l: &str) -> bool {
    let b = l.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_' || b[0] == b'"') {
        return false;
    }
    match l.find(':') {
        Some(c) => {
            let after = &l[c + 1..];
            !after.starts_with('=')
                && (after.is_empty() || after.starts_with([' ', '\t']))
                && l[..c].bytes().all(|x| {
                    x.is_ascii_alphanumeric() || matches!(x, b'_' | b'-' | b'.' | b'/' | b'"')
                })
        }
        None => false,
    }
}

/// `key: value` or `key:` of a describe annotation line.
fn annotation_key(t: &str) -> Option<(&str, &str)> {
    let (k, v) = t.split_once(':')?;
    let ok = !k.is_empty()
        && k.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    if !ok || !(v.is_empty() || v.starts_with(' ')) {
        return None;
    }
    Some((k, v.trim()))
}

/// Reads a paste: every workload its manifests describe and every policy it carries, in the
/// order they appear.
pub fn read_paste(text: &str) -> PolicyPaste {
    let mut f = Finder {
        text,
        starts: line_starts(text),
        out: PolicyPaste::default(),
        seen_b64: Vec::new(),
        used: Vec::new(),
        structured: Vec::new(),
        documents: Vec::new(),
        values: Vec::new(),
    };
    f.json();
    f.rego();
    f.describe();
    f.yaml();
    f.bare_base64();
    let mut values = std::mem::take(&mut f.values);
    for b64 in &f.seen_b64 {
        values.extend(base64_places(text, b64));
    }
    f.out.spans = Spans {
        documents: merged(std::mem::take(&mut f.documents)),
        values: merged(values),
    };
    let mut out = f.out;
    out.policies.sort_by_key(|p| p.line);
    out
}
