//! Collapsing repeats: identical decisions (and identical other messages) become one [`Finding`]
//! with every occurrence, and the two lists are merged in the order of the text.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use super::context::{Context, Wrapper};
use super::formats::OtherFormat;
use super::payload::{DecodedBlob, Origin};
use super::{Analysis, DecisionFinding, Finding, FindingKind, Occurrence};

/// The decisions found so far, each distinct one once.
#[derive(Default)]
pub struct Decisions {
    findings: Vec<Finding>,
    by_key: HashMap<String, usize>,
    /// A hash of a clean, closed payload → the finding whose blob was decoded from it.
    by_payload: HashMap<u64, usize>,
    /// For each finding of `by_payload`: the findings its repeats went to, by the wrapper's
    /// enforcement point when that is part of their key (`""` otherwise).
    /// (Indexed by finding; a `Vec`, not a map: each map type is its own code in the WASM.)
    repeats: Vec<Vec<(&'static str, usize)>>,
    /// The byte ranges of every blob, in order.
    covered: Vec<Range<usize>>,
}

fn payload_hash(base64: &str) -> u64 {
    let mut h = DefaultHasher::new();
    base64.hash(&mut h);
    h.finish()
}

impl Decisions {
    /// The finding whose blob was decoded earlier from the same clean, closed payload:
    /// identical payloads decode identically, so each is decoded once.
    pub fn decoded(&self, base64: &str) -> Option<usize> {
        let &i = self.by_payload.get(&payload_hash(base64))?;
        match &self.findings[i].kind {
            FindingKind::Decision(d) if d.blob.base64 == base64 => Some(i),
            _ => None,
        }
    }

    /// Adds a blob decoded from the same payload as finding `earlier`'s ([`Self::decoded`])
    /// where it occurred, as [`Self::add`] would add a copy of that blob, without copying it
    /// when it joins a finding it has joined before.
    pub fn add_repeat(
        &mut self,
        earlier: usize,
        escaped_delimiters: bool,
        context: Context,
        range: Range<usize>,
        line: usize,
    ) {
        let FindingKind::Decision(d) = &self.findings[earlier].kind else {
            return;
        };
        // The part of the key that differs between repeats (see `decision_key`).
        let variant = match &context.wrapper {
            Some(w) if d.blob.decision.as_ref().is_none_or(|x| x.rule.is_none()) => w.rule,
            _ => "",
        };
        let known = self
            .repeats
            .get(earlier)
            .and_then(|r| r.iter().find(|(v, _)| *v == variant));
        let i = match known {
            Some(&(_, i)) => {
                self.covered.push(range.clone());
                self.findings[i].occurrences.push(Occurrence {
                    range,
                    line,
                    kubectl_count: context.kubectl_count,
                    place: Default::default(),
                });
                return;
            }
            None => {
                let blob = DecodedBlob {
                    escaped_delimiters,
                    ..d.blob.clone()
                };
                self.add(blob, true, context, range, line)
            }
        };
        if self.repeats.len() <= earlier {
            self.repeats.resize_with(earlier + 1, Vec::new);
        }
        self.repeats[earlier].push((variant, i));
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
    ) -> usize {
        let Context {
            wrapper,
            host,
            kubectl_count,
        } = context;
        let occurrence = Occurrence {
            range: range.clone(),
            line,
            kubectl_count,
            place: Default::default(),
        };
        self.covered.push(range);

        let key = decision_key(&blob, wrapper.as_ref());
        match self.by_key.get(&key) {
            Some(&i) => {
                self.findings[i].occurrences.push(occurrence);
                i
            }
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
                        invalid_at: Vec::new(),
                    })),
                    occurrences: vec![occurrence],
                });
                i
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

/// A decision pasted as JSON with nothing around it to say its enforcement point is the same
/// decision as an identical one whose blob or JSON had a wrapper sentence: its occurrences join
/// that finding (grouping keeps decisions apart by their wrapper when they have no `input.rule`).
pub(super) fn merge_bare_json(findings: &mut Vec<Finding>) {
    let bare = |f: &Finding| match &f.kind {
        FindingKind::Decision(d) => {
            d.wrapper.is_none() && d.rule().is_none() && d.blob.origin != Origin::Blob
        }
        FindingKind::Other(_) => false,
    };
    if !findings.iter().any(bare) {
        return;
    }
    // Each identity once, to the first finding with a wrapper that has it.
    let mut with_wrapper: HashMap<String, usize> = Default::default();
    for (j, f) in findings.iter().enumerate() {
        if let (FindingKind::Decision(d), false) = (&f.kind, bare(f)) {
            with_wrapper.entry(d.blob.identity()).or_insert(j);
        }
    }
    let mut merged = false;
    for i in 0..findings.len() {
        let FindingKind::Decision(d) = &findings[i].kind else {
            continue;
        };
        if !bare(&findings[i]) {
            continue;
        }
        let Some(&j) = with_wrapper.get(&d.blob.identity()) else {
            continue;
        };
        let moved = std::mem::take(&mut findings[i].occurrences);
        let into = &mut findings[j].occurrences;
        into.extend(moved);
        crate::order::sort_by_rank(into, |o| o.range.start as u64);
        merged = true;
    }
    if merged {
        findings.retain(|f| !f.occurrences.is_empty());
        crate::order::sort_by_rank(findings, |f| {
            f.occurrences.first().map_or(0, |o| o.range.start as u64)
        });
    }
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

/// The analysis of `text`: the decisions and the other messages, each repeat collapsed, merged
/// in the order of their first occurrence, each occurrence with what its event says of it.
pub fn collect(
    decisions: Decisions,
    others: Vec<(OtherFormat, Occurrence)>,
    text: &str,
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

    read_events(text, &mut findings);
    let total_occurrences = findings.iter().map(|f| f.occurrences.len()).sum();
    Analysis {
        findings,
        total_occurrences,
        input_len: text.len(),
        mutable_images: super::context::latest_images(text),
    }
}

/// Fills in each occurrence's repeat count and place from its event, and the line and column
/// of each character a blob skipped.
fn read_events(text: &str, findings: &mut [Finding]) {
    let mut spans: Vec<(usize, usize)> = findings
        .iter()
        .flat_map(|f| f.occurrences.iter().map(|o| (o.range.start, o.range.end)))
        .collect();
    // (Blobs do not overlap: no two start at one place.)
    crate::order::sort_by_rank(&mut spans, |s| s.0 as u64);
    let positions: Vec<usize> = spans.iter().map(|s| s.0).collect();
    let mut events = super::context::Events::new(text, &positions);
    // Codes before a message belong to it, not to the finding before it: each occurrence reads
    // back to where the previous one (in the text) ended.
    let prev_end = |start: usize| {
        // The last span that starts there, and the one before it.
        let k = spans.partition_point(|s| s.0 <= start).checked_sub(1)?;
        Some(k.checked_sub(1).map_or(0, |p| spans[p].1.min(start)))
    };
    for f in findings.iter_mut() {
        for o in &mut f.occurrences {
            let from = prev_end(o.range.start).unwrap_or(0);
            let (count, place) = events.read(o.range.start, from);
            o.kubectl_count = count;
            o.place = place;
        }
        if let FindingKind::Decision(d) = &mut f.kind {
            let lines = events.lines();
            d.invalid_at = d
                .blob
                .invalid_chars
                .iter()
                .map(|&(off, _)| lines.line_col(off))
                .collect();
        }
    }
}

impl Analysis {
    /// The analysis without the names it read from the paste: each occurrence's pod, namespace,
    /// container and times, and the images on `:latest`. Counts, codes and everything the
    /// findings hold stay. What a findings-only share link carries is checked against this, so
    /// that it never keeps a pod name only because a card would show it.
    pub fn without_names(mut self) -> Analysis {
        for f in &mut self.findings {
            for o in &mut f.occurrences {
                o.place = super::Place {
                    codes: std::mem::take(&mut o.place.codes),
                    ..Default::default()
                };
            }
        }
        self.mutable_images.clear();
        self
    }
}
