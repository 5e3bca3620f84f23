//! Arbitrary input never panics the scanner or the decoder (a panic would kill the WASM app).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::{analyze, decode_payload, FindingKind};
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

mod json_against_serde {
    //! The app's small JSON reader agrees with serde_json, the reference.
    use aci_triage_core::json;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            (-1e12f64..1e12).prop_map(|f| serde_json::json!(f)),
            "\\PC{0,12}".prop_map(serde_json::Value::String),
            "[\u{0}-\u{1f}\"\\\\<>&\u{e9}\u{1F600}]{0,6}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-z_]{0,6}", inner), 0..6)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\"a\"".to_string()),
            Just("\"\\u00e9\\ud83d\\ude00\"".to_string()),
            Just("\"\\x\"".to_string()),
            Just("\"\\ud800\"".to_string()),
            Just("1".to_string()),
            Just("-0.5e+3".to_string()),
            Just("01".to_string()),
            Just("1.".to_string()),
            Just("-".to_string()),
            Just("true".to_string()),
            Just("nul".to_string()),
            Just(" ".to_string()),
            Just("\n".to_string()),
            Just("\"".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1500, .. ProptestConfig::default() })]

        #[test]
        fn reads_what_serde_writes(v in arb_json(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { serde_json::to_string(&v).unwrap() };
            let ours = json::parse(&text).unwrap();
            let back: serde_json::Value = serde_json::from_str(&json::to_string(&ours)).unwrap();
            prop_assert_eq!(&back, &v);
            let back: serde_json::Value = serde_json::from_str(&json::to_pretty(&ours)).unwrap();
            prop_assert_eq!(back, v);
        }

        #[test]
        fn accepts_and_rejects_like_serde(parts in proptest::collection::vec(token(), 0..16)) {
            let text: String = parts.concat();
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            let ours = json::parse(&text);
            // Two deliberate differences: a lone surrogate escape becomes U+FFFD here, and numbers
            // are kept as written, so one beyond f64's range is not an error.
            let out_of_range = matches!(&theirs, Err(e) if e.to_string().contains("out of range"));
            if !text.contains("\\ud800\"") && !out_of_range {
                prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: ours {:?} theirs {:?}", text, ours, theirs);
            }
            if let (Ok(o), Ok(t)) = (ours, theirs) {
                let back: serde_json::Value = serde_json::from_str(&json::to_string(&o)).unwrap();
                prop_assert_eq!(back, t);
            }
        }
    }
}

mod base64_against_reference {
    //! The lenient decoder agrees with the base64 crate on every valid encoding.
    use aci_triage_core::decode::b64::{decode_lenient, Alphabet};
    use base64::Engine;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        #[test]
        fn decodes_both_alphabets_with_or_without_padding(bytes in proptest::collection::vec(any::<u8>(), 0..300), url in any::<bool>(), pad in any::<bool>()) {
            use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
            let engine = match (url, pad) {
                (false, true) => &STANDARD,
                (false, false) => &STANDARD_NO_PAD,
                (true, true) => &URL_SAFE,
                (true, false) => &URL_SAFE_NO_PAD,
            };
            let text = engine.encode(&bytes);
            let d = decode_lenient(&text);
            prop_assert_eq!(&d.bytes, &bytes);
            if url && (text.contains('-') || text.contains('_')) {
                prop_assert_eq!(d.alphabet, Alphabet::UrlSafe);
            }
        }
    }
}
