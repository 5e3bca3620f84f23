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
pub mod formats;
pub mod group;
pub mod model;
pub mod parse;
pub mod payload;
pub mod repair;
pub mod scan;
pub mod units;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;

pub use b64::{Alphabet, B64Note};
pub use context::{Place, Wrapper};
pub use formats::OtherFormat;
pub use model::{Decision, Reason};
pub use parse::JsonProblem;
pub use payload::{decode_payload, DecodedBlob};
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
    let blobs = scan::find_blobs(text);
    let mut decisions = group::Decisions::default();
    let mut prev_end = 0;
    for raw in &blobs {
        let (base64, invalid) = scan::clean_body(text, raw.body.clone());
        // Identical clean payloads decode identically: each is decoded (and parsed) once.
        let reusable = invalid.is_empty() && raw.closed;
        let blob = match decisions.decoded(&base64).filter(|_| reusable) {
            Some(earlier) => DecodedBlob {
                escaped_delimiters: raw.escaped_delimiters,
                ..earlier.clone()
            },
            None => payload::decode_blob(text, raw, base64, invalid),
        };
        let context = context::read(text, prev_end, raw.range.start);
        prev_end = raw.range.end;
        decisions.add(blob, reusable, context, raw.range.clone(), raw.line);
    }
    let others = formats::find_other_formats(text, decisions.covered());
    group::collect(decisions, others, text)
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
