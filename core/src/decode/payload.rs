//! Decoding one blob's payload: base64 (cleaned by the scanner) → bytes ([`super::b64`]) →
//! UTF-8 text → JSON and decision ([`super::parse`]). A blob whose closing marker is missing may
//! have swallowed lines after it; [`super::cut`] says where it really ends.

use serde_json::Value;

use super::b64::{self, Alphabet, B64Note};
use super::cut;
use super::model::Decision;
use super::parse::{self, JsonProblem};
use super::scan::RawBlob;

/// Everything learnt from one blob's payload.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedBlob {
    /// The base64 text as found (whitespace removed, escapes resolved); empty for a decision read
    /// as decoded JSON (see `origin`).
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
    /// How many lone UTF-16 surrogate escapes in the JSON were read as U+FFFD.
    pub lone_surrogates: usize,
    /// Whether an object in the JSON repeats a key (the last value is kept).
    pub duplicate_keys: bool,
    pub decision: Option<Decision>,
    /// Where the decision came from: a blob's base64, or JSON already decoded in the paste.
    pub origin: Origin,
}

/// Where a decision's text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Origin {
    /// Decoded from the base64 of a `policyDecision< … >policyDecision` blob.
    #[default]
    Blob,
    /// Read as decoded JSON: the decision was written in the paste itself (pasted after someone
    /// decoded it, or raw in the event where the blob would be). `base64` is empty.
    Json {
        /// How many times the JSON was escaped inside strings (0: as it is; 1: `{\"decision\":…`).
        escapes: u8,
        /// It followed an empty `policyDecision< >policyDecision` blob, which is part of the same
        /// occurrence: the blob was empty, the decision came as text after it.
        after_empty_blob: bool,
    },
}

impl DecodedBlob {
    /// What identifies the decision when collapsing repeats: its JSON written compactly when it
    /// read without problems (so the same decision decoded from a blob, pasted decoded,
    /// pretty-printed or escaped is one), else the decoded text, else the base64.
    pub fn identity(&self) -> String {
        match &self.json {
            Some(v)
                if self.json_problem.is_none()
                    && self.repaired.is_none()
                    && !self.duplicate_keys =>
            {
                v.to_string()
            }
            _ if !self.text.is_empty() || self.json.is_some() => self.text.clone(),
            _ => self.base64.clone(),
        }
    }

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

/// Decodes the blob `raw` of `text`, whose body the scanner cleaned to `base64`, skipping the
/// `invalid` characters.
pub fn decode_blob(
    text: &str,
    raw: &RawBlob,
    base64: String,
    invalid: Vec<(usize, char)>,
) -> DecodedBlob {
    let mut blob = if raw.closed || raw.line_breaks.is_empty() {
        decode_payload(base64, raw.closed)
    } else {
        decode_unclosed(text, raw, base64)
    };
    blob.escaped_delimiters = raw.escaped_delimiters;
    blob.invalid_chars = invalid;
    blob
}

/// An unclosed blob may have swallowed lines that follow it: keeps the longest run of lines that
/// still decodes to text.
fn decode_unclosed(text: &str, raw: &RawBlob, full: String) -> DecodedBlob {
    let whole = decode_payload(full, false);
    if cut::is_text(&whole.text, whole.utf8_error_at.is_some()) {
        return whole;
    }
    let at = cut::last_text_cut(text, raw, &whole.base64, &whole.text, whole.utf8_error_at);
    match at {
        Some((len, dropped)) => {
            let mut candidate = decode_payload(whole.base64[..len].to_string(), false);
            candidate.dropped_lines = dropped;
            candidate
        }
        None => whole,
    }
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
    DecodedBlob {
        base64,
        closed,
        alphabet: d.alphabet,
        b64_notes: d.notes,
        ..read_text(text, utf8_error_at, Origin::Blob)
    }
}

/// A decision written as JSON text in the paste ([`super::decoded`]), read like a blob's decoded
/// text. A JSON cut short is completed (and says so) as a cut blob's is; `closed` stays true, as
/// there is no closing marker to miss.
pub fn decode_json_text(json: String, escapes: u8) -> DecodedBlob {
    let origin = Origin::Json {
        escapes,
        after_empty_blob: false,
    };
    read_text(json, None, origin)
}

/// Decoded text read as JSON and decision; the fields of the base64 layer left empty.
fn read_text(text: String, utf8_error_at: Option<usize>, origin: Origin) -> DecodedBlob {
    let parsed = parse::parse(&text);
    DecodedBlob {
        base64: String::new(),
        closed: true,
        escaped_delimiters: false,
        alphabet: Alphabet::Standard,
        b64_notes: Vec::new(),
        invalid_chars: Vec::new(),
        dropped_lines: 0,
        text,
        utf8_error_at,
        json: parsed.json,
        json_problem: parsed.problem,
        trailing: parsed.trailing,
        repaired: parsed.repaired,
        lone_surrogates: parsed.lone_surrogates,
        duplicate_keys: parsed.duplicate_keys,
        decision: parsed.decision,
        origin,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{analyze, scan, FindingKind};
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    /// Generous: the linear code takes well under a second for these inputs even unoptimised;
    /// the quadratic code it replaced took minutes.
    const LIMIT: Duration = Duration::from_secs(10);

    fn plausible(blob: &DecodedBlob) -> bool {
        cut::is_text(&blob.text, blob.utf8_error_at.is_some())
    }

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
