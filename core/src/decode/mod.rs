//! Finding and decoding what a paste holds. Pure code: no browser APIs.
//!
//! [`analyze`] is the entry point. It runs the stages in order, each in its own file:
//!
//! 1. find: [`scan`] finds every `policyDecision< … >policyDecision` blob (its `<` and `>` in
//!    any spelling, see [`units`]) and cleans each body to base64;
//! 2. decode the payload: [`payload`] turns the base64 into bytes ([`b64`]) and text; a blob
//!    whose closing marker is missing is cut where its lines stop decoding to text ([`cut`]);
//! 3. parse: [`parse`] reads the text as JSON, completing a cut-off document ([`repair`]), and
//!    the decision in it ([`model`]);
//! 4. read the context: [`context`] reads the event text around the blob (the guest's wrapper
//!    sentence, the host's IDs, kubectl's repeat count); [`formats`] finds the other denial
//!    formats worth recognising, outside the blobs;
//! 5. group: [`group`] collapses identical findings into one [`Finding`] with every occurrence.

pub mod b64;
pub mod context;
pub mod cut;
pub mod decoded;
pub mod formats;
pub mod group;
pub mod model;
pub mod parse;
pub mod payload;
pub mod prefix;
pub mod repair;
pub mod scan;
pub mod units;

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::ops::Range;

pub use b64::{Alphabet, B64Note};
pub use context::Wrapper;
pub use formats::OtherFormat;
pub use model::{Decision, Reason};
pub use parse::JsonProblem;
pub use payload::{decode_payload, DecodedBlob, Origin};
pub use scan::RawBlob;

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
        // Not keyed: the same analysis always gives the same fingerprint.
        let mut h = DefaultHasher::new();
        // Empty and non-empty pastes without findings show different messages.
        h.write(&[(self.input_len == 0) as u8]);
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
            }
            h.write(&[0xff]);
        }
        h.finish()
    }
}

/// Finds, decodes and groups everything in `text`.
pub fn analyze(text: &str) -> Analysis {
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
        .peekable();
    let mut decisions = group::Decisions::default();
    let mut lines = Lines::default();
    let mut prev_end = 0;
    for raw in &blobs {
        while let Some(j) = jsons.next_if(|j| j.range.start < raw.range.start) {
            let context = context::read(text, prev_end, j.range.start);
            prev_end = j.range.end;
            let line = lines.at(text, j.range.start);
            let blob = payload::decode_json_text(j.json, j.escapes);
            decisions.add(blob, false, context, j.range, line);
        }
        let (base64, invalid) = scan::clean_body(text, raw.body.clone());
        let context = context::read(text, prev_end, raw.range.start);
        // An empty blob with the decision written right after it: one occurrence, read as JSON.
        if base64.is_empty() && invalid.is_empty() && raw.closed {
            if let Some(j) = jsons.next_if(|j| follows_closely(text, raw.range.end, j.range.start))
            {
                prev_end = j.range.end;
                let mut blob = payload::decode_json_text(j.json, j.escapes);
                blob.origin = Origin::Json {
                    escapes: j.escapes,
                    after_empty_blob: true,
                };
                blob.escaped_delimiters = raw.escaped_delimiters;
                decisions.add(blob, false, context, raw.range.start..j.range.end, raw.line);
                continue;
            }
        }
        // Identical clean payloads decode identically: each is decoded (and parsed) once.
        let reusable = invalid.is_empty() && raw.closed;
        let blob = match decisions.decoded(&base64).filter(|_| reusable) {
            Some(earlier) => DecodedBlob {
                escaped_delimiters: raw.escaped_delimiters,
                ..earlier.clone()
            },
            None => payload::decode_blob(text, raw, base64, invalid),
        };
        if is_placeholder(&blob) {
            continue;
        }
        prev_end = raw.range.end;
        decisions.add(blob, reusable, context, raw.range.clone(), raw.line);
    }
    for j in jsons {
        let context = context::read(text, prev_end, j.range.start);
        prev_end = j.range.end;
        let line = lines.at(text, j.range.start);
        let blob = payload::decode_json_text(j.json, j.escapes);
        decisions.add(blob, false, context, j.range, line);
    }
    let others = formats::find_other_formats(text, decisions.covered());
    group::collect(decisions, others, text.len())
}

/// A blob that only describes the format, as documentation writes it (`policyDecision< (base64)
/// >policyDecision`, `policyDecision< <base64> >policyDecision`): a few letters between
/// characters that are not base64, decoding to no text.
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
}
