//! Finding and decoding what a paste holds. Pure code: no browser APIs.
//!
//! [`analyze`] is the entry point: it finds every `policyDecision< … >policyDecision` blob (and
//! the other denial formats worth recognising), decodes each as far as it can, reads the event
//! text around it, and collapses identical decisions into one [`Finding`] with all occurrences.

pub mod b64;
pub mod context;
pub mod formats;
pub mod model;
pub mod repair;
pub mod scan;
pub mod units;

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use crate::json::{self, Value};

pub use b64::{Alphabet, B64Note};
pub use context::Wrapper;
pub use formats::OtherFormat;
pub use model::{Decision, Reason};
pub use scan::RawBlob;

/// FNV-1a: the maps here only dedupe the user's own paste, so a small non-keyed hash is enough
/// (and saves the WASM bundle std's SipHash).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fnv>>;

/// How far back from a blob the wrapper text is read.
const WINDOW: usize = 700;

/// Where a finding occurred in the paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Byte range in the pasted text.
    pub range: Range<usize>,
    /// 1-based line number of its start.
    pub line: usize,
    /// The repeat count `kubectl describe` printed on that line (`12s (x12 over 10m)`), or 0.
    pub kubectl_count: u32,
}

/// The `(xN over …)` count of a `kubectl describe` events row, before `at` on its line.
pub fn kubectl_count(text: &str, at: usize) -> u32 {
    let b = text.as_bytes();
    let from = at.saturating_sub(1000);
    let line = b[from..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |p| from + p + 1);
    let row = &b[line..at];
    row.windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"(x")
        .find_map(|(i, _)| {
            let digits = &row[i + 2..];
            let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
            let count = std::str::from_utf8(&digits[..n]).ok()?.parse().ok()?;
            digits[n..].starts_with(b" over ").then_some(count)
        })
        .unwrap_or(0)
}

/// A JSON syntax problem, with its position in the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Everything learnt from one blob's payload.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedBlob {
    /// The base64 text as found (whitespace removed, escapes resolved).
    pub base64: String,
    /// Whether the closing `>policyDecision` was present.
    pub closed: bool,
    /// Whether the delimiters were escaped (`\u003c`, `&lt;` …).
    pub escaped_delimiters: bool,
    pub alphabet: Alphabet,
    pub b64_notes: Vec<B64Note>,
    /// Characters between the delimiters that are not base64, with their byte offsets in the
    /// paste. They were skipped.
    pub invalid_chars: Vec<(usize, char)>,
    /// Lines dropped from the end of an unclosed blob because they did not decode to text.
    pub dropped_lines: usize,
    /// The decoded text (invalid UTF-8 replaced).
    pub text: String,
    /// Byte index in the decoded bytes where invalid UTF-8 starts.
    pub utf8_error_at: Option<usize>,
    /// The parsed JSON (possibly completed, see `repaired`).
    pub json: Option<Value>,
    pub json_problem: Option<JsonProblem>,
    /// Text after the JSON value that is not part of it.
    pub trailing: Option<String>,
    /// When the JSON was cut off: the characters added to close it.
    pub repaired: Option<String>,
    pub decision: Option<Decision>,
}

impl DecodedBlob {
    /// Whether the blob is known to be incomplete (cut off or damaged).
    pub fn is_incomplete(&self) -> bool {
        !self.closed
            || self.repaired.is_some()
            || self
                .b64_notes
                .iter()
                .any(|n| matches!(n, B64Note::DanglingCharacter { .. }))
    }
}

/// A decoded policy decision and the event text around it.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionFinding {
    pub blob: DecodedBlob,
    /// The guest's wrapper sentence before the blob, when one was recognised.
    pub wrapper: Option<Wrapper>,
    /// Details from the host's layers of the message (container ID, correlation IDs).
    pub host: Vec<(String, String)>,
}

/// Where the enforcement point of a decision came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSource {
    /// `input.rule` in the decision.
    Input,
    /// The wrapper text before the blob.
    Wrapper,
}

impl DecisionFinding {
    /// The enforcement point and how it is known.
    pub fn rule(&self) -> Option<(&str, RuleSource)> {
        if let Some(r) = self.blob.decision.as_ref().and_then(|d| d.rule.as_deref()) {
            return Some((r, RuleSource::Input));
        }
        self.wrapper.as_ref().map(|w| (w.rule, RuleSource::Wrapper))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FindingKind {
    Decision(Box<DecisionFinding>),
    Other(OtherFormat),
}

/// One distinct finding with every place it occurred.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    pub occurrences: Vec<Occurrence>,
}

/// The result of reading a paste.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// How many blobs and other messages were found, counting repeats.
    pub total_occurrences: usize,
    /// Length of the analysed text in bytes.
    pub input_len: usize,
}

impl Analysis {
    /// A hash of what the analysis shows: every finding's content and where it occurred. Two
    /// analyses with the same fingerprint render the same (used to skip needless re-renders).
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fnv::default();
        // Empty and non-empty pastes without findings show different messages.
        h.write(&[(self.input_len == 0) as u8]);
        for f in &self.findings {
            match &f.kind {
                FindingKind::Decision(d) => {
                    h.write(d.blob.base64.as_bytes());
                    h.write(
                        d.wrapper
                            .as_ref()
                            .map_or("", |w| w.text.as_str())
                            .as_bytes(),
                    );
                    h.write(&[d.blob.closed as u8, d.blob.invalid_chars.len() as u8]);
                    for (k, v) in &d.host {
                        h.write(k.as_bytes());
                        h.write(v.as_bytes());
                    }
                }
                FindingKind::Other(o) => h.write(o.key().as_bytes()),
            }
            for o in &f.occurrences {
                h.write(&(o.range.start as u64).to_le_bytes());
                h.write(&(o.range.end as u64).to_le_bytes());
                h.write(&(o.line as u64).to_le_bytes());
            }
            h.write(&[0xff]);
        }
        h.finish()
    }
}

/// Finds, decodes and groups everything in `text`.
pub fn analyze(text: &str) -> Analysis {
    let b = text.as_bytes();
    let blobs = scan::find_blobs(text);
    let mut findings: Vec<Finding> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    // Decoding is done once per distinct payload.
    let mut decoded_cache: HashMap<(usize, u64), DecodedBlob> = HashMap::default();
    let mut prev_end = 0usize;
    let mut covered: Vec<Range<usize>> = Vec::with_capacity(blobs.len());

    for raw in &blobs {
        let window_start = raw.range.start.saturating_sub(WINDOW).max(prev_end);
        let window_start = (window_start..=raw.range.start)
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(raw.range.start);
        let window = units::normalized_lower(b, window_start, raw.range.start);
        let wrapper = context::infer_wrapper(&window);
        let host = context::host_details(&window);

        let blob = decode_raw(text, raw, &mut decoded_cache);
        let occurrence = Occurrence {
            range: raw.range.clone(),
            line: raw.line,
            kubectl_count: kubectl_count(text, raw.range.start),
        };
        covered.push(raw.range.clone());
        prev_end = raw.range.end;

        let has_input_rule = blob.decision.as_ref().is_some_and(|d| d.rule.is_some());
        let mut key = if blob.json.is_some() || !blob.text.is_empty() {
            blob.text.clone()
        } else {
            blob.base64.clone()
        };
        if !has_input_rule {
            key.push('\u{0}');
            key.push_str(wrapper.as_ref().map_or("", |w| w.rule));
        }
        if !blob.closed {
            key.push_str("\u{0}open");
        }
        match by_key.get(&key) {
            Some(&i) => findings[i].occurrences.push(occurrence),
            None => {
                by_key.insert(key, findings.len());
                findings.push(Finding {
                    kind: FindingKind::Decision(Box::new(DecisionFinding {
                        blob,
                        wrapper,
                        host,
                    })),
                    occurrences: vec![occurrence],
                });
            }
        }
    }

    // Other formats come in text order too; merge the two ordered lists by first occurrence.
    let decisions = std::mem::take(&mut findings);
    let mut others: Vec<Finding> = Vec::new();
    let mut other_keys: HashMap<String, usize> = HashMap::default();
    for (other, occ) in formats::find_other_formats(text, &covered) {
        match other_keys.get(&other.key()) {
            Some(&i) => others[i].occurrences.push(occ),
            None => {
                other_keys.insert(other.key(), others.len());
                others.push(Finding {
                    kind: FindingKind::Other(other),
                    occurrences: vec![occ],
                });
            }
        }
    }
    let mut a = decisions.into_iter().peekable();
    let mut b = others.into_iter().peekable();
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if x.occurrences[0].range.start <= y.occurrences[0].range.start {
            a.next()
        } else {
            b.next()
        };
        findings.extend(next);
    }
    findings.extend(a);
    findings.extend(b);

    let total_occurrences = findings.iter().map(|f| f.occurrences.len()).sum();
    Analysis {
        findings,
        total_occurrences,
        input_len: text.len(),
    }
}

fn decode_raw(
    text: &str,
    raw: &RawBlob,
    cache: &mut HashMap<(usize, u64), DecodedBlob>,
) -> DecodedBlob {
    let (base64, invalid) = scan::clean_body(text, raw.body.clone());
    // Identical payloads decode identically; key on a cheap hash of the text.
    let cache_key = (base64.len(), fxhash(&base64));
    if invalid.is_empty() && raw.closed {
        if let Some(hit) = cache.get(&cache_key) {
            if hit.base64 == base64 {
                let mut blob = hit.clone();
                blob.escaped_delimiters = raw.escaped_delimiters;
                return blob;
            }
        }
    }

    let mut blob = if raw.closed || raw.line_breaks.is_empty() {
        decode_payload(base64, raw.closed)
    } else {
        decode_unclosed(text, raw, base64)
    };
    blob.escaped_delimiters = raw.escaped_delimiters;
    blob.invalid_chars = invalid;
    if blob.invalid_chars.is_empty() && raw.closed {
        cache.insert(cache_key, blob.clone());
    }
    blob
}

/// An unclosed blob may have swallowed lines that follow it. Keep the longest run of lines that
/// still decodes to plausible text.
///
/// Cutting the body at a line break keeps a prefix of its base64, which decodes to a prefix of
/// the bytes. So the bytes are decoded once and each cut is judged by the length of its prefix;
/// only the chosen cut is decoded again. (Decoding every cut was quadratic in the number of
/// lines: minutes for a 1 MB paste.)
fn decode_unclosed(text: &str, raw: &RawBlob, full: String) -> DecodedBlob {
    let full_blob = decode_payload(full, false);
    if plausible(&full_blob) {
        return full_blob;
    }
    let base64 = full_blob.base64.as_str();
    let bytes = b64::decode_lenient(base64).bytes;
    // The longest prefix of the bytes that is UTF-8 text without control characters: a prefix of
    // it is plausible when it is not empty and ends on a character boundary.
    let valid = match std::str::from_utf8(&bytes) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    let good = valid
        .char_indices()
        .find(|&(_, c)| is_bad_control(c))
        .map_or(valid.len(), |(i, _)| i);
    // Base64 data ends at the first `=` (see `b64::decode_lenient`); n characters of data decode
    // to 6n/8 bytes, a dangling last character to none.
    let data_len = base64.find('=').unwrap_or(base64.len());
    let cut_lens = scan::clean_lengths_at(text, raw.body.clone(), &raw.line_breaks);
    for (dropped, &len) in cut_lens.iter().rev().enumerate() {
        let decoded_len = len.min(data_len) * 6 / 8;
        if decoded_len > 0 && decoded_len <= good && valid.is_char_boundary(decoded_len) {
            let mut candidate = decode_payload(base64[..len].to_string(), false);
            candidate.dropped_lines = dropped + 1;
            return candidate;
        }
    }
    full_blob
}

fn is_bad_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

fn plausible(blob: &DecodedBlob) -> bool {
    blob.utf8_error_at.is_none() && !blob.text.is_empty() && !blob.text.chars().any(is_bad_control)
}

/// Decodes a cleaned base64 payload: base64 → UTF-8 → JSON → decision.
pub fn decode_payload(base64: String, closed: bool) -> DecodedBlob {
    let d = b64::decode_lenient(&base64);
    let (text, utf8_error_at) = match String::from_utf8(d.bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let mut blob = DecodedBlob {
        base64,
        closed,
        escaped_delimiters: false,
        alphabet: d.alphabet,
        b64_notes: d.notes,
        invalid_chars: Vec::new(),
        dropped_lines: 0,
        text,
        utf8_error_at,
        json: None,
        json_problem: None,
        trailing: None,
        repaired: None,
        decision: None,
    };
    parse_json(&mut blob);
    blob.decision = blob.json.as_ref().and_then(Decision::from_value);
    blob
}

fn parse_json(blob: &mut DecodedBlob) {
    let text = blob.text.as_str();
    if text.trim().is_empty() {
        return;
    }
    match json::parse_prefix(text) {
        Ok((v, end)) => {
            let rest = text[end..].trim();
            if !rest.is_empty() {
                blob.trailing = Some(rest.chars().take(200).collect());
            }
            blob.json = Some(v);
        }
        Err(e) => {
            blob.json_problem = Some(JsonProblem {
                line: e.line,
                column: e.column,
                message: e.message.to_string(),
            });
            // Decode as far as possible: complete the text up to the problem.
            if let Some(r) = repair::repair_prefix(&text[..e.offset.min(text.len())]) {
                blob.json = Some(r.value);
                blob.repaired = Some(r.appended);
                if e.eof {
                    // A cut-off document is expected damage, reported as incompleteness.
                    blob.json_problem = None;
                }
            }
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
        (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    /// Generous: the linear code takes well under a second for these inputs even unoptimised;
    /// the quadratic code it replaced took minutes.
    const LIMIT: Duration = Duration::from_secs(10);

    /// The straightforward search that [`decode_unclosed`] must agree with: decode every cut
    /// from the end until one is plausible.
    fn decode_unclosed_reference(text: &str, raw: &RawBlob, full: String) -> DecodedBlob {
        let full_blob = decode_payload(full, false);
        if plausible(&full_blob) {
            return full_blob;
        }
        for (dropped, &cut) in raw.line_breaks.iter().rev().enumerate() {
            let (b64, _) = scan::clean_body(text, raw.body.start..cut);
            let mut candidate = decode_payload(b64, false);
            if plausible(&candidate) {
                candidate.dropped_lines = dropped + 1;
                return candidate;
            }
        }
        full_blob
    }

    #[test]
    fn fingerprint_follows_what_is_shown() {
        let blob = "policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision";
        let a = analyze(&format!("failed to create container aaaaaaaaaaaa: {blob}"));
        let same = analyze(&format!("failed to create container aaaaaaaaaaaa: {blob}"));
        let other_id = analyze(&format!("failed to create container bbbbbbbbbbbb: {blob}"));
        let moved = analyze(&format!("failed to create container aaaaaaaaaaaa:  {blob}"));
        assert_eq!(a.fingerprint(), same.fingerprint());
        assert_ne!(a.fingerprint(), other_id.fingerprint());
        assert_ne!(a.fingerprint(), moved.fingerprint());
        assert_ne!(a.fingerprint(), Analysis::default().fingerprint());
        assert_ne!(analyze("").fingerprint(), analyze("no blobs").fingerprint());
    }

    #[test]
    fn unclosed_blob_with_many_lines_takes_linear_time() {
        // 20 000 lines that never decode to text: each cut used to be decoded from scratch.
        let text = format!("policyDecision< {}", "AAAA\n".repeat(20_000));
        let t = Instant::now();
        let a = analyze(&text);
        assert!(t.elapsed() < LIMIT, "took {:?}", t.elapsed());
        assert_eq!(a.findings.len(), 1);
    }

    #[test]
    fn unclosed_blob_drops_trailing_lines_that_are_not_text() {
        // `{"a":"b"}` then two lines of base64 that decode to control characters.
        let text = "x: policyDecision< eyJhIjoi\n  YiJ9\n  AAAA\n  AAAA";
        let a = analyze(text);
        let FindingKind::Decision(d) = &a.findings[0].kind else {
            panic!("not a decision")
        };
        assert_eq!(d.blob.text, "{\"a\":\"b\"}");
        assert_eq!(d.blob.dropped_lines, 2);
    }

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("eyJhIjoi".to_string()),
            Just("YiJ9".to_string()),
            Just("AAAA".to_string()),
            Just("w6k".to_string()),
            Just("w6".to_string()),
            Just("8J+Y".to_string()),
            Just("gA".to_string()),
            Just("=".to_string()),
            Just("YQ==".to_string()),
            Just("\\n".to_string()),
            "[A-Za-z0-9+/=_-]{1,9}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

        #[test]
        fn unclosed_search_agrees_with_the_reference(
            lines in proptest::collection::vec(line(), 1..12),
            seps in proptest::collection::vec(prop_oneof![Just("\n"), Just("\n  "), Just("\\n"), Just("\r\n")], 12),
        ) {
            let mut text = String::from("policyDecision< ");
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    text.push_str(seps[i]);
                }
                text.push_str(l);
            }
            for raw in scan::find_blobs(&text).iter().filter(|r| !r.closed) {
                let (full, _) = scan::clean_body(&text, raw.body.clone());
                prop_assert_eq!(
                    decode_unclosed(&text, raw, full.clone()),
                    decode_unclosed_reference(&text, raw, full)
                );
            }
        }
    }
}
