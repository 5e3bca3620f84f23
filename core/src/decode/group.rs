//! Collapsing repeats: identical decisions (and identical other messages) become one [`Finding`]
//! with every occurrence, and the two lists are merged in the order of the text.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use super::context::{Context, Wrapper};
use super::formats::OtherFormat;
use super::payload::DecodedBlob;
use super::{Analysis, DecisionFinding, Finding, FindingKind, Occurrence};

/// The decisions found so far, each distinct one once.
#[derive(Default)]
pub struct Decisions {
    findings: Vec<Finding>,
    by_key: HashMap<String, usize>,
    /// A hash of a clean, closed payload → the finding whose blob was decoded from it.
    by_payload: HashMap<u64, usize>,
    /// The byte ranges of every blob, in order.
    covered: Vec<Range<usize>>,
}

fn payload_hash(base64: &str) -> u64 {
    let mut h = DefaultHasher::new();
    base64.hash(&mut h);
    h.finish()
}

impl Decisions {
    /// The blob decoded earlier from the same clean, closed payload: identical payloads decode
    /// identically, so each is decoded once.
    pub fn decoded(&self, base64: &str) -> Option<&DecodedBlob> {
        let &i = self.by_payload.get(&payload_hash(base64))?;
        match &self.findings[i].kind {
            FindingKind::Decision(d) if d.blob.base64 == base64 => Some(&d.blob),
            _ => None,
        }
    }

    /// Adds one blob where it occurred. `reusable`: its payload was clean and closed, so a later
    /// identical one may take its decoding.
    pub fn add(
        &mut self,
        blob: DecodedBlob,
        reusable: bool,
        context: Context,
        range: Range<usize>,
        line: usize,
    ) {
        let Context {
            wrapper,
            host,
            kubectl_count,
        } = context;
        let occurrence = Occurrence {
            range: range.clone(),
            line,
            kubectl_count,
        };
        self.covered.push(range);

        let key = decision_key(&blob, wrapper.as_ref());
        match self.by_key.get(&key) {
            Some(&i) => self.findings[i].occurrences.push(occurrence),
            None => {
                let i = self.findings.len();
                self.by_key.insert(key, i);
                if reusable {
                    self.by_payload
                        .entry(payload_hash(&blob.base64))
                        .or_insert(i);
                }
                self.findings.push(Finding {
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

    /// The byte ranges of the blobs, sorted and not overlapping.
    pub fn covered(&self) -> &[Range<usize>] {
        &self.covered
    }
}

/// What makes two decisions one finding: the decoded text (the base64 when nothing decoded), the
/// wrapper's enforcement point unless the decision names its own, and whether it was cut off.
fn decision_key(blob: &DecodedBlob, wrapper: Option<&Wrapper>) -> String {
    let has_input_rule = blob.decision.as_ref().is_some_and(|d| d.rule.is_some());
    let mut key = blob.identity();
    if !has_input_rule {
        key.push('\u{0}');
        key.push_str(wrapper.map_or("", |w| w.rule));
    }
    if !blob.closed {
        key.push_str("\u{0}open");
    }
    key
}

/// The identity under which [`analyze`](super::analyze) collapses repeats into one [`Finding`]:
/// two occurrences with the same key are one finding, shown as the first of them. Lets a caller
/// that analyses a paste in pieces merge the pieces' findings exactly as the whole text would.
pub fn finding_key(kind: &FindingKind) -> String {
    match kind {
        // The first character keeps the two kinds apart.
        FindingKind::Decision(d) => format!("d{}", decision_key(&d.blob, d.wrapper.as_ref())),
        FindingKind::Other(o) => format!("o{}", o.key()),
    }
}

/// The analysis: the decisions and the other messages, each repeat collapsed, merged in the
/// order of their first occurrence.
pub fn collect(
    decisions: Decisions,
    others: Vec<(OtherFormat, Occurrence)>,
    input_len: usize,
) -> Analysis {
    let mut other_findings: Vec<Finding> = Vec::new();
    let mut other_keys: HashMap<String, usize> = HashMap::new();
    for (other, occ) in others {
        match other_keys.get(&other.key()) {
            Some(&i) => other_findings[i].occurrences.push(occ),
            None => {
                other_keys.insert(other.key(), other_findings.len());
                other_findings.push(Finding {
                    kind: FindingKind::Other(other),
                    occurrences: vec![occ],
                });
            }
        }
    }
    // Both lists are in text order; merge them by first occurrence.
    let mut findings = Vec::with_capacity(decisions.findings.len() + other_findings.len());
    let mut a = decisions.findings.into_iter().peekable();
    let mut b = other_findings.into_iter().peekable();
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
        input_len,
    }
}
