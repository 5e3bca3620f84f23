//! The share codec: round trips, every malformed link, versions and size limits.
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::analyze;
use aci_triage_core::share::{
    decode, encode, findings_text, EncodeError, ShareError, Shared, MAX_LEN,
};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn decoder(text: &str, full: bool) -> Shared {
    Shared::Decoder {
        text: text.to_string(),
        full,
    }
}

#[test]
fn round_trips() {
    for s in [
        decoder("", false),
        decoder("policyDecision< eyJhIjoxfQ== >policyDecision", false),
        decoder(&fixture("describe-pod.txt"), true),
        decoder("ünïcödé \u{1F600} \0 <script>", true),
        Shared::Wizard {
            answers: "slow-all.v2.nat-no".into(),
        },
        Shared::Wizard {
            answers: String::new(),
        },
    ] {
        let link = encode(&s).unwrap();
        assert!(link.starts_with("v1."), "{link}");
        assert!(
            link[3..]
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "{link}"
        );
        assert_eq!(decode(&link).unwrap(), s);
    }
}

#[test]
fn compresses_repetitive_pastes() {
    let text = fixture("describe-pod.txt").repeat(20);
    let link = encode(&decoder(&text, true)).unwrap();
    assert!(
        link.len() < text.len() / 5,
        "{} vs {}",
        link.len(),
        text.len()
    );
}

#[test]
fn not_a_link() {
    for f in ["", "wizard", "v", "v1", "x1.abc", "v.abc", "#v1.abc"] {
        assert_eq!(decode(f), Err(ShareError::NotALink), "{f:?}");
    }
}

#[test]
fn unknown_version() {
    let link = encode(&decoder("x", false)).unwrap();
    let v2 = link.replacen("v1.", "v2.", 1);
    assert_eq!(decode(&v2), Err(ShareError::UnknownVersion("v2".into())));
    assert!(decode(&v2)
        .unwrap_err()
        .to_string()
        .contains("newer version"));
}

#[test]
fn truncated_links_say_so() {
    let link = encode(&decoder(&fixture("describe-pod.txt"), true)).unwrap();
    // Cut anywhere in the payload (as chat tools do): never a panic, never a wrong result.
    for cut in (4..link.len() - 1).step_by(7) {
        let err = decode(&link[..cut]).unwrap_err();
        assert!(
            matches!(err, ShareError::Truncated | ShareError::Corrupted(_)),
            "cut {cut}: {err:?}"
        );
    }
    assert_eq!(decode(&link[..link.len() - 10]), Err(ShareError::Truncated));
}

#[test]
fn altered_links_are_detected() {
    let link = encode(&decoder(
        "policyDecision< eyJhIjoxfQ== >policyDecision and more text",
        false,
    ))
    .unwrap();
    let mut bad = link.clone();
    bad.insert(10, '*');
    assert!(matches!(decode(&bad), Err(ShareError::Corrupted(m)) if m.contains("position")));
    // Flip one payload character: the checksum or the stream catches it.
    let mut flipped: Vec<u8> = link.clone().into_bytes();
    let i = flipped.len() - 3;
    flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
    assert!(decode(std::str::from_utf8(&flipped).unwrap()).is_err());
    // Valid zlib of something that is not our JSON.
    let junk = format!("v1.{}", "eNrLSM3JyVcozy_KSQEAGgsEXQ"); // zlib("hello world")
    assert!(matches!(decode(&junk), Err(ShareError::Corrupted(_))));
}

#[test]
fn trailing_punctuation_from_chat_tools_is_forgiven() {
    let s = decoder("abc", false);
    let link = encode(&s).unwrap();
    assert_eq!(decode(&format!("{link}.")).unwrap(), s);
    assert_eq!(decode(&format!("{link})")).unwrap(), s);
}

#[test]
fn size_limits() {
    // Incompressible text: the encoder refuses instead of cutting.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: String = (0..MAX_LEN)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (b'!' + (x % 90) as u8) as char
        })
        .collect();
    match encode(&decoder(&noise, true)) {
        Err(EncodeError::TooLarge(n)) => assert!(n > MAX_LEN),
        other => panic!("{other:?}"),
    }
    // Megabytes are refused before any compression work.
    let big = "policyDecision ".repeat(400_000);
    assert!(
        matches!(encode(&decoder(&big, true)), Err(EncodeError::SourceTooLarge(n)) if n > 6_000_000)
    );
    let huge = format!("v1.{}", "A".repeat(MAX_LEN + 1));
    assert_eq!(decode(&huge), Err(ShareError::TooLarge(huge.len())));
}

#[test]
fn default_link_keeps_findings_not_event_text() {
    let paste = fixture("describe-pod.txt");
    let a = analyze(&paste);
    let text = findings_text(&paste, &a);
    for secret in [
        "web-7d4b9c6f5-x2xkq",
        "shop",
        "myregistry",
        "18197025abfacf",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into {text}");
    }
    // The shared text restores the same findings (rules, errors, decoded content).
    let b = analyze(&text);
    assert_eq!(b.findings.len(), a.findings.len());
    for (x, y) in a.findings.iter().zip(&b.findings) {
        let (
            aci_triage_core::decode::FindingKind::Decision(x),
            aci_triage_core::decode::FindingKind::Decision(y),
        ) = (&x.kind, &y.kind)
        else {
            panic!("decisions expected")
        };
        assert_eq!(x.blob.text, y.blob.text);
        assert_eq!(x.rule().map(|r| r.0), y.rule().map(|r| r.0));
    }
}

#[test]
fn default_link_restores_escaped_and_cut_blobs() {
    let paste = fixture("mixed.txt");
    let a = analyze(&paste);
    let b = analyze(&findings_text(&paste, &a));
    assert_eq!(a.findings.len(), b.findings.len());
    let texts = |x: &aci_triage_core::decode::Analysis| -> Vec<String> {
        x.findings
            .iter()
            .map(|f| match &f.kind {
                aci_triage_core::decode::FindingKind::Decision(d) => d.blob.text.clone(),
                aci_triage_core::decode::FindingKind::Other(o) => format!("{o:?}"),
            })
            .collect()
    };
    assert_eq!(texts(&a), texts(&b));
}

mod zlib_interop {
    use aci_triage_core::share::zlib::{compress, decompress, InflateError};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

        #[test]
        fn ours_inflates_with_the_reference(data in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 0..3000)) {
            let ours = compress(&data);
            prop_assert_eq!(miniz_oxide::inflate::decompress_to_vec_zlib(&ours).unwrap(), data.clone());
            prop_assert_eq!(decompress(&ours, 1 << 20).unwrap(), data);
        }

        #[test]
        fn reference_streams_inflate_with_ours(data in proptest::collection::vec(prop_oneof![Just(b'x'), Just(b' '), any::<u8>()], 0..3000), level in 0u8..=10) {
            // Level 0 writes stored blocks, low levels fixed Huffman, higher ones dynamic Huffman.
            let theirs = miniz_oxide::deflate::compress_to_vec_zlib(&data, level);
            prop_assert_eq!(decompress(&theirs, 1 << 20).unwrap(), data);
        }

        #[test]
        fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decompress(&data, 1 << 16);
            let mut z = vec![0x78, 0x9c];
            z.extend_from_slice(&data);
            let _ = decompress(&z, 1 << 16);
        }
    }

    #[test]
    fn every_prefix_of_a_stream_is_reported_truncated() {
        let text = std::fs::read(format!(
            "{}/tests/fixtures/describe-pod.txt",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        for (name, stream) in [
            ("ours", compress(&text)),
            (
                "reference",
                miniz_oxide::deflate::compress_to_vec_zlib(&text, 9),
            ),
        ] {
            for cut in 0..stream.len() {
                assert_eq!(
                    decompress(&stream[..cut], 1 << 20),
                    Err(InflateError::Truncated),
                    "{name} cut at {cut}"
                );
            }
        }
    }
}
