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
use aci_triage_core::share::{self, Content, ShareError, Shared};
use aci_triage_core::wizard::{WizardState, NETWORK};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The share codec with `miniz_oxide` in place of the browser's streams (the path is relative to
/// this file, also where `core/tests/fuzz_regressions.rs` includes it).
#[path = "../../core/tests/support/share_codec.rs"]
mod share_codec;

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

    // The line-prefix detector: each character of the view without prefixes is the paste's
    // character at the offset it maps back to, and nothing but prefixes was taken out.
    let view = decode::prefix::strip(text);
    assert!(view.text.len() <= text.len());
    for (pos, ch) in view.text.char_indices().take(100_000) {
        let at = view.start_in_paste(pos);
        assert!(text.is_char_boundary(at));
        assert_eq!(text[at..].chars().next(), Some(ch), "view offset {pos}");
    }
    assert_eq!(view.start_in_paste(view.text.len()), text.len());
    assert!(view.end_in_paste(view.text.len()) <= text.len());

    // The decoded-JSON finder: ranges in order, not overlapping, on character boundaries.
    let mut json_end = 0;
    for j in decode::decoded::find_json_decisions(text, &[]) {
        assert!(json_end <= j.range.start && j.range.start < j.range.end);
        assert!(j.range.end <= text.len());
        assert!(text.is_char_boundary(j.range.start) && text.is_char_boundary(j.range.end));
        assert!(text[j.range.clone()].starts_with('{'));
        json_end = j.range.end;
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
    // The summary a findings-only link falls back to is built from the same analysis.
    let _ = share::findings::summary(text, &a);
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
                invalid_at: Vec::new(),
            })),
            occurrences: vec![Occurrence {
                range: 0..0,
                line: 1,
                kubectl_count: 0,
                place: Default::default(),
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

/// Share links. Arbitrary text as a fragment (alone and after each version's prefix); arbitrary
/// bytes as the deflate stream of a version-2 envelope whose length and checksum match, and as a
/// version-1 zlib stream. A link that opens re-encodes to one that opens the same. Then the round
/// trip of a state (first byte: which kind; the rest: the text), where a findings-only text must
/// give the recipient the sender's analysis, and a cut link must read as cut. The codec's split
/// halves are checked too: a version-2 link that `share::open` passes is one whose cuts it
/// reports itself (before any inflating), and `finish` never panics on what an inflater returns.
pub fn share_decode(data: &[u8]) {
    let fragment = String::from_utf8_lossy(data);
    for f in [
        fragment.to_string(),
        format!("v1.{fragment}"),
        format!("v2.{fragment}"),
    ] {
        let _ = share::is_share_fragment(&f);
        match share_codec::decode(&f) {
            Ok(s) => {
                if let Ok(link) = share_codec::encode(&s) {
                    assert_eq!(share_codec::decode(&link).as_ref(), Ok(&s));
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    let len = data.len() as u32;
    let mut envelope = [len.to_le_bytes(), (!len).to_le_bytes()].concat();
    envelope.extend_from_slice(data);
    envelope.extend_from_slice(&adler2::adler32_slice(data).to_le_bytes());
    for link in [
        format!("v2.{}", URL_SAFE_NO_PAD.encode(&envelope)),
        format!("v1.{}", URL_SAFE_NO_PAD.encode(data)),
    ] {
        if let Err(e) = share_codec::decode(&link) {
            assert!(!e.to_string().is_empty());
        }
    }

    let (flags, rest) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
    let text = String::from_utf8_lossy(rest).into_owned();
    let state = match flags % 4 {
        0 => Shared::Decoder {
            text,
            content: Content::Full,
            policy_left_out: false,
        },
        // The search for what the findings need is bounded, but not cheap: small texts only.
        1 if text.len() <= 2048 => {
            let state = Shared::decoder(&text, false);
            if let Shared::Decoder {
                text: sent,
                content: Content::Findings,
                policy_left_out: false,
            } = &state
            {
                assert_eq!(
                    decode::analyze(sent),
                    decode::analyze(&text),
                    "the recipient's analysis differs from the sender's"
                );
            }
            state
        }
        1 | 2 => Shared::Decoder {
            text,
            content: Content::Summary,
            policy_left_out: false,
        },
        _ => Shared::Wizard { answers: text },
    };
    if let Ok(link) = share_codec::encode(&state) {
        assert!(link.len() <= share::MAX_LEN);
        assert_eq!(
            share_codec::decode(&link),
            Ok(state),
            "round trip through {link}"
        );
        for cut in [3, link.len() / 2, link.len() - 1] {
            assert_eq!(share::open(&link[..cut]), Err(ShareError::Truncated));
            assert_eq!(
                share_codec::decode(&link[..cut]),
                Err(ShareError::Truncated)
            );
        }
        // Whatever an inflater makes of the sealed bytes, finishing reports it without panicking.
        if let Ok(sealed) = share::open(&link) {
            for inflated in [
                Err(share::InflateFailure::EndedEarly),
                Err(share::InflateFailure::BadData),
                Ok(rest.to_vec()),
            ] {
                if let Err(e) = sealed.clone().finish(inflated) {
                    assert!(!e.to_string().is_empty());
                }
            }
        }
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
