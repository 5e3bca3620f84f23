//! Finding and decoding what a paste holds. Pure code: no browser APIs.
//!
//! [`analyze`] is the entry point. It runs the stages in order, each in its own file:
//!
//! 0. [`prefix`] takes out the prefix that quoted or logged text repeats on every line (`> `,
//!    `// `, a timestamp), so the rest reads the text as it was before; offsets found are
//!    mapped back to the paste;
//! 1. find: [`scan`] finds every `policyDecision< … >policyDecision` blob (its `<` and `>` in
//!    any spelling, see [`units`]) and cleans each body to base64; [`decoded`] finds decisions
//!    written as JSON in the paste itself (already decoded, or raw in the event), escaped any
//!    number of times;
//! 2. decode the payload: [`payload`] turns the base64 into bytes ([`b64`]) and text; a blob
//!    whose closing marker is missing is cut where its lines stop decoding to text ([`cut`]);
//! 3. parse: [`parse`] reads the text as JSON, completing a cut-off document ([`repair`]), and
//!    the decision in it ([`model`]);
//! 4. read the context: [`context`] reads the event text around the blob (the guest's wrapper
//!    sentence, the host's IDs, kubectl's repeat count); [`formats`] finds the other denial
//!    formats worth recognising, outside the blobs;
//! 5. group: [`group`] collapses identical findings into one [`Finding`] with every occurrence.
//!
//! [`stream::Scanner`] gives the same analysis for a text fed in chunks, piece by piece.

pub mod b64;
pub mod context;
pub mod cut;
pub mod decoded;
pub mod formats;
pub mod group;
pub mod lookalike;
pub mod model;
pub mod parse;
pub mod payload;
pub mod prefix;
pub mod repair;
pub mod scan;
pub mod stream;
pub mod units;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;

pub use b64::{Alphabet, B64Note};
pub use context::{Place, Wrapper};
pub use formats::OtherFormat;
pub use model::{Decision, Reason};
pub use parse::JsonProblem;
pub use payload::{decode_payload, DecodedBlob, Origin};
pub use scan::RawBlob;

/// Where a finding occurred in the paste.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Occurrence {
    /// Byte range in the pasted text.
    pub range: Range<usize>,
    /// 1-based line number of its start.
    pub line: usize,
    /// The repeat count kubectl printed for its event (`describe`'s `12s (x12 over 10m)`, the
    /// `COUNT` column of `get events`, an event's `"count"`), or 0.
    pub kubectl_count: u32,
    /// The pod, namespace, container, times and error codes the paste gives for it.
    pub place: Place,
}

/// A decoded policy decision and the event text around it.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionFinding {
    pub blob: DecodedBlob,
    /// The guest's wrapper sentence before the blob, when one was recognised.
    pub wrapper: Option<Wrapper>,
    /// Details from the host's layers of the message (container ID, correlation IDs).
    pub host: Vec<(String, String)>,
    /// 1-based line and column in the paste of each of `blob.invalid_chars`.
    pub invalid_at: Vec<(usize, usize)>,
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
    /// Images the paste names on the mutable `:latest` tag (a few at most).
    pub mutable_images: Vec<String>,
}

impl Analysis {
    /// A hash of what the analysis shows: every finding's content and where it occurred. Two
    /// analyses with the same fingerprint render the same (used to skip needless re-renders).
    pub fn fingerprint(&self) -> u64 {
        // Not keyed: the same analysis always gives the same fingerprint.
        let mut h = DefaultHasher::new();
        // Empty and non-empty pastes without findings show different messages.
        h.write(&[(self.input_len == 0) as u8]);
        self.mutable_images.hash(&mut h);
        for f in &self.findings {
            match &f.kind {
                FindingKind::Decision(d) => {
                    h.write(d.blob.base64.as_bytes());
                    if d.blob.origin != Origin::Blob {
                        // No base64: the text is what tells two such decisions apart.
                        h.write(d.blob.text.as_bytes());
                    }
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
                h.write(&o.kubectl_count.to_le_bytes());
                o.place.hash(&mut h);
            }
            h.write(&[0xff]);
        }
        h.finish()
    }
}

/// Finds, decodes and groups everything in `text`.
pub fn analyze(text: &str) -> Analysis {
    let mut a = analyze_piece(text);
    group::merge_bare_json(&mut a.findings);
    a
}

/// [`analyze`] without its last step (bare decoded decisions joining an identical one with a
/// wrapper), which looks at the whole text: a text analysed in pieces takes that step once, over
/// the pieces' findings merged ([`stream::Scanner`]).
pub(crate) fn analyze_piece(text: &str) -> Analysis {
    let view = prefix::strip(text);
    let mut a = analyze_text(&view.text);
    a.input_len = text.len();
    if view.is_stripped() {
        for f in &mut a.findings {
            for o in &mut f.occurrences {
                o.range = view.range_in_paste(&o.range);
            }
            if let FindingKind::Decision(d) = &mut f.kind {
                for (off, _) in &mut d.blob.invalid_chars {
                    *off = view.start_in_paste(*off);
                }
            }
        }
    }
    a
}

/// [`analyze`] on the text without line prefixes.
fn analyze_text(text: &str) -> Analysis {
    let blobs = scan::find_blobs(text);
    let blob_ranges: Vec<Range<usize>> = blobs.iter().map(|b| b.range.clone()).collect();
    let mut jsons = decoded::find_json_decisions(text, &blob_ranges)
        .into_iter()
        .filter_map(|j| {
            let blob = payload::decode_json_text(j.json, j.escapes);
            blob.decision
                .as_ref()
                .is_some_and(decoded::looks_like_a_guest_decision)
                .then_some((j.range, blob))
        })
        .peekable();
    let mut decisions = group::Decisions::default();
    let mut lines = Lines::default();
    let mut prev_end = 0;
    for raw in &blobs {
        while let Some((range, blob)) = jsons.next_if(|(r, _)| r.start < raw.range.start) {
            let context = context::read(text, prev_end, range.start);
            prev_end = range.end;
            let line = lines.at(text, range.start);
            decisions.add(blob, false, context, range, line);
        }
        let (base64, invalid) = scan::clean_body(text, raw.body.clone());
        let context = context::read(text, prev_end, raw.range.start);
        // An empty blob with the decision written right after it: one occurrence, read as JSON.
        if base64.is_empty() && invalid.is_empty() && raw.closed {
            if let Some((range, mut blob)) =
                jsons.next_if(|(r, _)| follows_closely(text, raw.range.end, r.start))
            {
                prev_end = range.end;
                if let Origin::Json { escapes, .. } = blob.origin {
                    blob.origin = Origin::Json {
                        escapes,
                        after_empty_blob: true,
                    };
                }
                blob.escaped_delimiters = raw.escaped_delimiters;
                decisions.add(blob, false, context, raw.range.start..range.end, raw.line);
                continue;
            }
        }
        // Identical clean payloads decode identically: each is decoded (and parsed) once.
        let reusable = invalid.is_empty() && raw.closed;
        if let Some(earlier) = decisions.decoded(&base64).filter(|_| reusable) {
            prev_end = raw.range.end;
            let range = raw.range.clone();
            decisions.add_repeat(earlier, raw.escaped_delimiters, context, range, raw.line);
            continue;
        }
        let blob = payload::decode_blob(text, raw, base64, invalid);
        if is_placeholder(&blob) {
            continue;
        }
        prev_end = raw.range.end;
        decisions.add(blob, reusable, context, raw.range.clone(), raw.line);
    }
    for (range, blob) in jsons {
        let context = context::read(text, prev_end, range.start);
        prev_end = range.end;
        let line = lines.at(text, range.start);
        decisions.add(blob, false, context, range, line);
    }
    let others = formats::find_other_formats(text, decisions.covered());
    group::collect(decisions, others, text)
}

/// A blob that only describes the format, as documentation writes it
/// (`policyDecision< (base64) >policyDecision`, `policyDecision< <base64> >policyDecision`): a
/// few letters between characters that are not base64, decoding to no text.
fn is_placeholder(blob: &DecodedBlob) -> bool {
    blob.closed
        && !blob.invalid_chars.is_empty()
        && blob.base64.len() < 24
        && !cut::is_text(&blob.text, blob.utf8_error_at.is_some())
}

/// Whether only a separator (`: `, blanks, quotes, escapes) stands between `end` and `start`.
fn follows_closely(text: &str, end: usize, start: usize) -> bool {
    start >= end
        && start - end <= 16
        && text.as_bytes()[end..start]
            .iter()
            .all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b':' | b'=' | b'"' | b'\\'))
}

/// 1-based line numbers of ascending byte offsets, counted once over the text.
#[derive(Default)]
struct Lines {
    counted_to: usize,
    newlines: usize,
}

impl Lines {
    fn at(&mut self, text: &str, pos: usize) -> usize {
        if pos > self.counted_to {
            self.newlines += scan::count_newlines(&text.as_bytes()[self.counted_to..pos]);
            self.counted_to = pos;
        }
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    const VN2_B64: &str = "eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfSwidHJ1bmNhdGVkIjpbImlucHV0Il19";
    const VN2_JSON: &str =
        r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#;

    #[test]
    fn a_decision_decoded_or_not_is_one_finding() {
        let pretty = "{\n  \"decision\": \"deny\",\n  \"reason\": {\"errors\": [\"invalid command\"]},\n  \"truncated\": [\"input\"]\n}";
        let text = format!(
            "container creation denied due to policy: policyDecision< {VN2_B64} >policyDecision\nDecoded: {VN2_JSON}\nPretty:\n{pretty}\nEscaped: \"{}\"",
            VN2_JSON.replace('"', "\\\"")
        );
        let a = analyze(&text);
        assert_eq!(a.findings.len(), 1, "{:#?}", a.findings);
        let f = &a.findings[0];
        assert_eq!(f.occurrences.len(), 4);
        assert_eq!(
            f.occurrences.iter().map(|o| o.line).collect::<Vec<_>>(),
            [1, 2, 4, 9]
        );
        let FindingKind::Decision(d) = &f.kind else {
            panic!()
        };
        assert_eq!(d.blob.origin, Origin::Blob);
        // The JSON read first is the one shown, and says where it came from.
        let a = analyze(&format!("Escaped: \"{}\"", VN2_JSON.replace('"', "\\\"")));
        let FindingKind::Decision(d) = &a.findings[0].kind else {
            panic!()
        };
        assert_eq!(
            d.blob.origin,
            Origin::Json {
                escapes: 1,
                after_empty_blob: false
            }
        );
        assert_eq!(d.blob.text, VN2_JSON);
        assert!(d.blob.base64.is_empty());
    }

    #[test]
    fn an_empty_blob_and_the_decision_after_it_are_one_occurrence() {
        let text = format!("container creation denied due to policy: policyDecision< >policyDecision: {VN2_JSON}: unknown");
        let a = analyze(&text);
        assert_eq!(a.findings.len(), 1);
        let f = &a.findings[0];
        let FindingKind::Decision(d) = &f.kind else {
            panic!()
        };
        assert_eq!(
            d.blob.origin,
            Origin::Json {
                escapes: 0,
                after_empty_blob: true
            }
        );
        assert_eq!(d.rule(), Some(("create_container", RuleSource::Wrapper)));
        let r = f.occurrences[0].range.clone();
        assert!(text[r].starts_with("policyDecision< >") && text.ends_with(": unknown"));
        // An empty blob alone stays an empty blob.
        let a = analyze("denied: policyDecision< >policyDecision: unknown");
        let FindingKind::Decision(d) = &a.findings[0].kind else {
            panic!()
        };
        assert_eq!(d.blob.origin, Origin::Blob);
        assert!(d.blob.base64.is_empty());
    }

    #[test]
    fn other_tools_decisions_are_not_ours() {
        for text in [
            r#"{"decision":"deny","reason":"Forbidden by security policy"}"#,
            r#"{"decision": "block", "reason": "..."}"#,
            r#"data: {"decision":"DENY"}"#,
            r#"{"decision":"allow","reason":{"errors":[]}}"#,
        ] {
            assert!(analyze(text).findings.is_empty(), "{text}");
        }
        // The enforcer's own reason texts are.
        let a = analyze(
            r#"{"decision":"deny","reason":"Security policy is not valid. Please check security policy or re-generate with tooling."}"#,
        );
        assert_eq!(a.findings.len(), 1);
    }

    #[test]
    fn ranges_found_without_line_prefixes_point_into_the_paste() {
        let text = format!(
            "> container creation denied due to policy:\n> policyDecision< {}\n> {} >policyDecision\n> x",
            &VN2_B64[..50],
            &VN2_B64[50..]
        );
        let a = analyze(&text);
        assert_eq!(a.input_len, text.len());
        let f = &a.findings[0];
        let FindingKind::Decision(d) = &f.kind else {
            panic!()
        };
        assert_eq!(d.blob.text, VN2_JSON);
        assert_eq!(d.rule(), Some(("create_container", RuleSource::Wrapper)));
        let r = f.occurrences[0].range.clone();
        assert!(text[r.clone()].starts_with("policyDecision< eyJk"));
        assert!(text[r].ends_with(">policyDecision"));
        assert_eq!(f.occurrences[0].line, 2);
    }

    #[test]
    fn a_placeholder_is_no_blob() {
        for text in [
            "policydecision< (base64) >policydecision",
            "policyDecision< <base64> >policyDecision",
        ] {
            assert!(analyze(text).findings.is_empty(), "{text}");
        }
    }
}
