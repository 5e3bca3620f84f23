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

mod json_leniency_on_serde {
    //! The parse stage on top of serde_json: what serde_json reads is read the same, with no
    //! problem; a document cut anywhere is completed, never called a syntax error, and what is
    //! shown of it is what the document says.
    use aci_triage_core::decode::parse::parse;
    use proptest::prelude::*;
    use serde_json::Value;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            "-?[1-9][0-9]{0,30}(\\.[0-9]{1,20})?(e[+-][0-9]{1,4})?"
                .prop_map(|n| serde_json::from_str::<Value>(&n).unwrap()),
            "\\PC{0,12}".prop_map(Value::String),
            "[\u{0}-\u{1f}\"\\\\<>&\u{e9}\u{1F600}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(("[a-z_]{0,6}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Every scalar of `v` with its path (keys and indices).
    fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        match v {
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(i.to_string());
                    leaves(x, path, out);
                    path.pop();
                }
            }
            Value::Object(m) => {
                for (k, x) in m {
                    path.push(k.clone());
                    leaves(x, path, out);
                    path.pop();
                }
            }
            scalar => out.push((path.clone(), scalar.clone())),
        }
    }

    fn at<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
        path.iter().try_fold(v, |v, p| match v {
            Value::Array(items) => items.get(p.parse::<usize>().ok()?),
            Value::Object(m) => m.get(p),
            _ => None,
        })
    }

    /// Whether every number in `v` is a 64-bit integer or a float that f64 writes back as it was
    /// written.
    fn numbers_survive_f64(v: &Value) -> bool {
        match v {
            Value::Number(n) => {
                n.is_i64()
                    || n.is_u64()
                    || n.as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .is_some_and(|f| f.to_string() == n.to_string())
            }
            Value::Array(items) => items.iter().all(numbers_survive_f64),
            Value::Object(m) => m.values().all(numbers_survive_f64),
            _ => true,
        }
    }

    /// Objects made of the decision's known keys (at two levels) and others, holding anything.
    fn arb_decision() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("decision"),
            Just("input"),
            Just("reason"),
            Just("policyError"),
            Just("truncated"),
            Just("rule"),
            Just("errors"),
            Just("error_objects"),
            Just("x"),
        ];
        let inner = proptest::collection::vec((key.clone(), arb_json()), 0..6).prop_map(|kv| {
            Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        });
        let value = prop_oneof![arb_json(), inner];
        proptest::collection::vec((key, value), 0..8)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1500, .. ProptestConfig::default() })]

        #[test]
        fn the_decision_is_read_as_serde_reads_it(v in arb_decision()) {
            use aci_triage_core::decode::Decision;
            use serde::Deserialize as _;
            // Every object is a decision, nothing dropped.
            let ours = Decision::from_value(&v);
            prop_assert!(ours.is_some());
            // Where serde's flatten path can read it, it reads the same. (It cannot hold an
            // integer beyond 64 bits in its buffer: `{"x": 1e20-ish integer}` fails there; and
            // it holds other numbers as f64, so one that f64 cannot write back as it was written
            // comes out changed, `10000000000000.063` as `…062`: ours keeps it, there is nothing
            // to compare.)
            if !numbers_survive_f64(&v) {
                return Ok(());
            }
            if let Ok(serde) = Decision::deserialize(&v) {
                prop_assert_eq!(ours, Some(serde.clone()));
                prop_assert_eq!(serde_json::from_str::<Decision>(&v.to_string()).unwrap(), serde);
            }
        }

        #[test]
        fn reads_what_serde_writes(v in arb_json(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
            let p = parse(&text);
            prop_assert!(p.problem.is_none() && p.repaired.is_none() && p.trailing.is_none());
            prop_assert!(!p.duplicate_keys && p.lone_surrogates == 0);
            prop_assert_eq!(p.json.as_ref(), Some(&v));
            // Numbers are kept as written.
            prop_assert_eq!(p.json.unwrap().to_string(), v.to_string());
        }

        #[test]
        fn a_cut_document_is_completed_with_what_it_says(v in arb_json(), pretty in any::<bool>(), cut in any::<prop::sample::Index>()) {
            let v = Value::Array(vec![v]);
            let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
            let mut k = 1 + cut.index(text.len() - 1);
            while !text.is_char_boundary(k) {
                k -= 1;
            }
            let p = parse(&text[..k]);
            if let Some(shown) = &p.json {
                // A cut is not a syntax error.
                prop_assert!(p.problem.is_none(), "{:?} for {:?}", p.problem, &text[..k]);
                let appended = p.repaired.as_deref().unwrap_or_default();
                prop_assert!(!appended.is_empty() && appended.chars().all(|c| matches!(c, '"' | ']' | '}')), "{:?}", appended);
                // Every value shown is the document's, at the same place; only the last one may
                // be cut short (a string or a number the cut fell into).
                let mut shown_leaves = Vec::new();
                leaves(shown, &mut Vec::new(), &mut shown_leaves);
                let last = shown_leaves.len().saturating_sub(1);
                for (i, (path, leaf)) in shown_leaves.iter().enumerate() {
                    let original = at(&v, path);
                    let same = original == Some(leaf);
                    let prefix = i == last && match (original, leaf) {
                        (Some(Value::String(o)), Value::String(s)) => o.starts_with(s.as_str()),
                        (Some(o @ Value::Number(_)), Value::Number(n)) => o.to_string().starts_with(&n.to_string()),
                        _ => false,
                    };
                    prop_assert!(same || prefix, "{:?}: {:?} is not {:?}", path, leaf, original);
                }
            } else {
                // Nothing to show: the problem says the text ended.
                prop_assert!(p.repaired.is_none());
                let ended = p.problem.as_ref().is_some_and(|e| e.message.starts_with("the text ends"));
                prop_assert!(ended, "{:?} for {:?}", p.problem, &text[..k]);
            }
        }
    }
}

mod base64_prepass_on_the_crate {
    //! The lenient pre-pass on top of the base64 crate: every valid encoding decodes to its bytes;
    //! a copy cut anywhere decodes to as many bytes as its characters hold, with the right note;
    //! whitespace, escapes and stray characters in a pasted blob are skipped, the stray ones
    //! named with their offsets in the paste.
    use aci_triage_core::decode::b64::{decode_lenient, Alphabet, B64Note};
    use aci_triage_core::decode::{analyze, FindingKind};
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

        #[test]
        fn decodes_both_alphabets_with_or_without_padding(bytes in proptest::collection::vec(any::<u8>(), 0..300), url in any::<bool>(), pad in any::<bool>()) {
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

        #[test]
        fn a_cut_copy_keeps_what_its_characters_hold(bytes in proptest::collection::vec(any::<u8>(), 1..300), cut in any::<prop::sample::Index>()) {
            let text = STANDARD_NO_PAD.encode(&bytes);
            let k = cut.index(text.len() + 1);
            let d = decode_lenient(&text[..k]);
            let whole = if k % 4 == 1 { k - 1 } else { k };
            prop_assert_eq!(&d.bytes[..], &bytes[..whole * 6 / 8]);
            let expected = match k % 4 {
                1 => vec![B64Note::DanglingCharacter { index: k - 1 }],
                2 | 3 => vec![B64Note::MissingPadding],
                _ => vec![],
            };
            prop_assert_eq!(d.notes, expected);
        }

        #[test]
        fn a_pasted_blob_skips_wraps_escapes_and_stray_characters(
            json in "\\PC{1,120}",
            breaks in proptest::collection::vec((any::<prop::sample::Index>(), 0..6usize), 0..8),
        ) {
            let b64 = STANDARD.encode(&json);
            // Split the base64 at random places, joined by hard wraps, spaces, escapes and up to
            // three characters that are not base64.
            let mut at: Vec<(usize, usize)> = breaks.iter().map(|(i, k)| (i.index(b64.len()), *k)).collect();
            at.sort();
            let mut paste = String::from("x: policyDecision< ");
            let mut stray = Vec::new();
            let mut from = 0;
            for (i, kind) in at {
                let piece = &b64[from..i];
                from = i;
                paste.push_str(&piece.replace('+', "\\u002B").replace('/', "&#47;"));
                match kind {
                    0 => paste.push_str("\n  "),
                    1 => paste.push_str("\\n"),
                    2 => paste.push(' '),
                    3 if stray.len() < 3 => {
                        stray.push((paste.len(), '\u{2502}'));
                        paste.push('\u{2502}');
                    }
                    4 if stray.len() < 3 => {
                        stray.push((paste.len(), '!'));
                        paste.push('!');
                    }
                    _ => paste.push('\t'),
                }
            }
            paste.push_str(&b64[from..]);
            paste.push_str(" >policyDecision");
            let a = analyze(&paste);
            prop_assert_eq!(a.findings.len(), 1, "{}", paste);
            let FindingKind::Decision(d) = &a.findings[0].kind else { panic!("{paste}") };
            prop_assert!(d.blob.closed);
            prop_assert_eq!(&d.blob.text, &json);
            prop_assert_eq!(&d.blob.invalid_chars, &stray);
            prop_assert_eq!(&d.blob.base64, &b64);
        }
    }
}
