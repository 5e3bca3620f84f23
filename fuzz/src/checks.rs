//! What each fuzz target runs and asserts, one function per target, each taking the fuzzer's raw
//! bytes. Shared by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the regression test
//! `tests/fuzz_regressions.rs`, which replays the checked-in corpus through the same functions,
//! so a fixed bug that comes back fails `make test`.
//!
//! Besides "never panics", each function checks the invariants the UI relies on.

use aci_triage_core::decode::parse::{parse, parse_prefix};
use aci_triage_core::decode::{self, DecisionFinding, Finding, FindingKind, Occurrence};
use aci_triage_core::explain::finding_doc;
use aci_triage_core::report;
use aci_triage_core::share::{self, zlib, Shared};
use aci_triage_core::wizard::{WizardState, NETWORK};
use base64::Engine as _;

/// Explains a finding as the UI and the copied ticket text do.
fn explain(f: &Finding, i: usize) {
    let doc = finding_doc(f, &format!("finding-{i}"));
    let md = report::markdown(&doc);
    assert!(!md.is_empty(), "a finding's Markdown is never empty");
}

/// Arbitrary bytes as (lossy) UTF-8 text pasted into the decoder: the scanner, the decoder, the
/// explanation and the Markdown report. Byte ranges must lie on char boundaries inside the text
/// (the UI slices the text with them).
pub fn scan_analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;

    let blobs = decode::scan::find_blobs(text);
    let mut prev_end = 0;
    for raw in &blobs {
        assert!(
            raw.range.start >= prev_end,
            "blobs overlap or are out of order"
        );
        assert!(raw.range.start <= raw.body.start && raw.body.start <= raw.body.end);
        assert!(raw.body.end <= raw.range.end && raw.range.end <= text.len());
        for r in [&raw.range, &raw.body] {
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        for &lb in &raw.line_breaks {
            assert!(raw.body.start <= lb && lb <= raw.body.end);
        }
        assert!(raw.line >= 1);
        prev_end = raw.range.end;
    }

    let a = decode::analyze(text);
    assert_eq!(a.input_len, text.len());
    assert_eq!(
        a.total_occurrences,
        a.findings
            .iter()
            .map(|f| f.occurrences.len())
            .sum::<usize>()
    );
    for (i, f) in a.findings.iter().enumerate() {
        assert!(!f.occurrences.is_empty());
        for o in &f.occurrences {
            assert!(o.range.start <= o.range.end && o.range.end <= text.len());
            assert!(
                text.is_char_boundary(o.range.start) && text.is_char_boundary(o.range.end),
                "occurrence {:?} is not on char boundaries",
                o.range
            );
            assert!(o.line >= 1);
        }
        if let FindingKind::Decision(d) = &f.kind {
            for &(off, _) in &d.blob.invalid_chars {
                assert!(off < text.len() && text.is_char_boundary(off));
            }
        }
        explain(f, i);
    }
    // The privacy-preserving share text is built from the same analysis.
    let _ = share::findings_text(text, &a);
}

/// Arbitrary text as a cleaned base64 payload (open and closed), and arbitrary bytes as the
/// decoded payload itself (so the fuzzer reaches the JSON, decision and explanation code), each
/// explained as a finding.
pub fn decode_payload(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    for (payload, closed) in [(text.clone(), false), (text, true), (encoded, true)] {
        let blob = decode::decode_payload(payload, closed);
        if let Some(at) = blob.utf8_error_at {
            assert!(at <= blob.text.len());
        }
        let f = Finding {
            kind: FindingKind::Decision(Box::new(DecisionFinding {
                blob,
                wrapper: None,
                host: Vec::new(),
            })),
            occurrences: vec![Occurrence {
                range: 0..0,
                line: 1,
                kubectl_count: 0,
            }],
        };
        explain(&f, 0);
    }
    let blob = decode::decode_payload(base64::engine::general_purpose::STANDARD.encode(data), true);
    // Base64 made by a standard encoder always decodes to exactly the bytes it was made from.
    assert_eq!(
        blob.utf8_error_at.is_none(),
        std::str::from_utf8(data).is_ok()
    );
}

/// Share links: arbitrary text as a fragment; arbitrary bytes as a zlib stream; and the round
/// trip of a decoder or wizard state (first byte: which, and `full`; the rest: the text).
pub fn share_decode(data: &[u8]) {
    let fragment = String::from_utf8_lossy(data);
    let _ = share::decode(&fragment);
    // As if it followed a valid prefix.
    let _ = share::decode(&format!("v1.{fragment}"));

    const LIMIT: usize = 1 << 20;
    if let Ok(out) = zlib::decompress(data, LIMIT) {
        assert!(out.len() <= LIMIT);
    }
    let packed = zlib::compress(data);
    assert_eq!(
        zlib::decompress(&packed, data.len()).as_deref(),
        Ok(data),
        "compress then decompress must give the data back"
    );

    let (flags, rest) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
    let text = String::from_utf8_lossy(rest).into_owned();
    let state = if flags & 2 == 0 {
        Shared::Decoder {
            text,
            full: flags & 1 == 1,
        }
    } else {
        Shared::Wizard { answers: text }
    };
    if let Ok(link) = share::encode(&state) {
        assert!(link.len() <= share::MAX_LEN);
        assert_eq!(share::decode(&link), Ok(state), "round trip through {link}");
    }
}

/// Reading JSON: our leniency and repair on top of serde_json, with arbitrary text. What
/// serde_json reads is read the same, with nothing to report; a problem has a place in the text;
/// a completed document says what was added and only closes what was open; what is shown
/// pretty-printed reads back as the same value.
pub fn json(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let p = parse(&text);
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        assert!(p.problem.is_none() && p.repaired.is_none() && p.trailing.is_none());
        assert_eq!(p.json.as_ref(), Some(&v));
    }
    if let Some(e) = &p.problem {
        assert!(e.line >= 1 && e.column >= 1);
        assert!(e.line <= text.matches('\n').count() + 1, "{e:?}");
    }
    if let Some(appended) = &p.repaired {
        assert!(p.json.is_some());
        assert!(
            appended.chars().all(|c| matches!(c, '"' | ']' | '}')),
            "{appended:?}"
        );
    }
    if let Some(v) = &p.json {
        let pretty = serde_json::to_string_pretty(v).expect("a value always serialises");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&pretty)
                .ok()
                .as_ref(),
            Some(v)
        );
    }
    if let Ok((_, end)) = parse_prefix(&text) {
        assert!(end <= text.len() && text.is_char_boundary(end));
    }
    if let Some(r) = decode::repair::repair_prefix(&text) {
        assert!(r.kept <= text.len() && text.is_char_boundary(r.kept));
    }
}

/// Wizard links: arbitrary text; a state it decodes to re-encodes to a link that decodes to the
/// same state, and everything derived from it can be computed.
pub fn wizard_decode(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let state = match WizardState::decode(&NETWORK, &text) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.to_string();
            match e.kept() {
                Some(k) => k.clone(),
                None => return,
            }
        }
    };
    assert_eq!(
        WizardState::decode(&NETWORK, &state.encode()).as_ref(),
        Ok(&state)
    );
    let _ = state.current(&NETWORK);
    assert_eq!(state.trail(&NETWORK).len(), state.len());
    let _ = state.markdown(&NETWORK);
}
