//! Arbitrary input never panics the scanner or the decoder (a panic would kill the WASM app).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage::decode::{analyze, decode_payload, FindingKind};
use proptest::prelude::*;

/// Pieces real pastes are made of, so random input often looks like a blob.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("policyDecision<".to_string()),
        Just(">policyDecision".to_string()),
        Just("policyDecision\\u003c ".to_string()),
        Just(" \\u003epolicyDecision".to_string()),
        Just("&lt;".to_string()),
        Just("&gt;".to_string()),
        Just("\\".to_string()),
        Just("\\\\u003".to_string()),
        Just("&#".to_string()),
        Just("\n    ".to_string()),
        Just("container creation denied due to policy: ".to_string()),
        Just("mounting scsi device controller 0 lun ".to_string()),
        Just(" not allowed by policy. Errors: [".to_string()),
        Just("Request is blocked by policy: ".to_string()),
        Just(
            "eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfX0="
                .to_string()
        ),
        "[A-Za-z0-9+/=_-]{0,40}",
        "\\PC{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn analyze_never_panics(parts in proptest::collection::vec(piece(), 0..24)) {
        let text: String = parts.concat();
        let a = analyze(&text);
        // Every occurrence points inside the text, on a char boundary.
        for f in &a.findings {
            for o in &f.occurrences {
                prop_assert!(o.range.start <= o.range.end && o.range.end <= text.len());
                prop_assert!(text.is_char_boundary(o.range.start) && text.is_char_boundary(o.range.end));
                prop_assert!(o.line >= 1);
            }
            if let FindingKind::Decision(d) = &f.kind {
                for (off, _) in &d.blob.invalid_chars {
                    prop_assert!(*off < text.len());
                }
            }
        }
        prop_assert_eq!(a.total_occurrences, a.findings.iter().map(|f| f.occurrences.len()).sum::<usize>());
    }

    #[test]
    fn decode_payload_never_panics(s in "[A-Za-z0-9+/=_-]{0,300}") {
        let _ = decode_payload(s, false);
    }

    #[test]
    fn arbitrary_bytes_as_base64_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine;
        let s = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let blob = decode_payload(s, true);
        prop_assert_eq!(blob.utf8_error_at.is_none(), std::str::from_utf8(&bytes).is_ok());
    }
}
