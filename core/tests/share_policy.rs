//! The pod's policy in a share link only when ticked: what each of the four choices (findings
//! only or full text, with or without the policy) carries, read back by the policy reader and
//! the decoder as the recipient would; the "left out" mark through a real link; links made
//! before the mark existed keep opening. Built on the repository's describe fixture (a denial
//! and a whole `ccepolicy` annotation) and the real VN2 pod `fixtures/policy/01-vn2-nginx-pod.yaml`.
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::analyze;
use aci_triage_core::policy::read_paste;
use aci_triage_core::share::{self, Content, PolicyPlaces, Shared};

#[path = "support/share_codec.rs"]
mod share_codec;
use share_codec::{decode, deflate_raw, encode};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A describe with a denial and the pod's annotation, then the pod's manifest.
fn paste() -> String {
    format!(
        "{}\n---\n{}",
        fixture("describe-pod.txt"),
        fixture("policy/01-vn2-nginx-pod.yaml")
    )
}

fn places(text: &str) -> PolicyPlaces {
    PolicyPlaces::of(text, &read_paste(text).spans)
}

/// The first characters of every base64 policy in the paste.
fn heads(text: &str) -> Vec<String> {
    let p = places(text);
    assert!(!p.values.is_empty(), "no policy value found");
    p.values
        .iter()
        .map(|&(s, e)| text[s..e.min(s + 40)].to_string())
        .collect()
}

fn parts(s: Shared) -> (String, Content, bool) {
    match s {
        Shared::Decoder {
            text,
            content,
            policy_left_out,
        } => (text, content, policy_left_out),
        other => panic!("{other:?}"),
    }
}

fn policy_texts(text: &str) -> Vec<String> {
    read_paste(text)
        .policies
        .into_iter()
        .map(|p| p.text)
        .collect()
}

#[test]
fn the_reader_places_every_copy_of_the_policy_and_its_documents() {
    let text = paste();
    let p = places(&text);
    // The describe's annotation and the manifest's: two values, both base64 of `package`.
    assert_eq!(p.values.len(), 2, "{:?}", p.values);
    for &(s, e) in &p.values {
        assert!(text[s..e].starts_with("cGFja2FnZS"), "{}", &text[s..s + 20]);
        // Whole values: to the end of the base64, both the describe's short one and the
        // manifest's thousands of characters.
        assert!(!text.as_bytes()[e].is_ascii_alphanumeric());
    }
    // Each value lies inside a document.
    for &(s, e) in &p.values {
        assert!(p.documents.iter().any(|&(ds, de)| ds <= s && e <= de));
    }
    assert!(p.fits(&text) && !p.fits("other text"));
}

#[test]
fn findings_only_without_the_policy() {
    let text = paste();
    let (sent, content, left_out) = parts(Shared::decoder_with_policy(
        &text,
        false,
        Some(&places(&text)),
        false,
    ));
    assert_eq!(content, Content::Findings);
    assert!(left_out);
    for h in heads(&text) {
        assert!(!sent.contains(&h), "the policy travels: {h}");
    }
    assert!(policy_texts(&sent).is_empty());
    // The recipient still sees the sender's denial cards.
    assert_eq!(analyze(&sent).findings.len(), analyze(&text).findings.len());
    assert!(!analyze(&text).findings.is_empty());
}

#[test]
fn findings_only_with_the_policy() {
    let text = paste();
    let (sent, content, left_out) = parts(Shared::decoder_with_policy(
        &text,
        false,
        Some(&places(&text)),
        true,
    ));
    assert_eq!(content, Content::Findings);
    assert!(!left_out);
    assert_eq!(sent.len(), text.len(), "byte positions stay");
    // The recipient's policy reader finds the same policies and the manifest's pod.
    assert_eq!(policy_texts(&sent), policy_texts(&text));
    let w = read_paste(&sent).workloads;
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].name.as_deref(), Some("confidential-alpine"));
    assert_eq!(analyze(&sent).findings.len(), analyze(&text).findings.len());
    // Without the tick the same paste's default link (the old behaviour) carries no policy.
    let (plain, _, _) = parts(Shared::decoder(&text, false));
    assert!(policy_texts(&plain).is_empty());
}

#[test]
fn full_text_with_and_without_the_policy() {
    let text = paste();
    let p = places(&text);
    let (all, content, left_out) = parts(Shared::decoder_with_policy(&text, true, Some(&p), true));
    assert_eq!(
        (all.as_str(), content, left_out),
        (text.as_str(), Content::Full, false)
    );

    let (sent, content, left_out) =
        parts(Shared::decoder_with_policy(&text, true, Some(&p), false));
    assert_eq!(content, Content::Full);
    assert!(left_out);
    assert_eq!(
        sent.lines().count(),
        text.lines().count(),
        "line breaks stay"
    );
    for h in heads(&text) {
        assert!(!sent.contains(&h));
    }
    assert!(policy_texts(&sent).is_empty());
    // The rest of the full text is there: the pod's manifest (without its policy), the events.
    assert!(sent.contains("name: confidential-alpine"));
    assert_eq!(analyze(&sent).findings.len(), analyze(&text).findings.len());
}

#[test]
fn places_of_another_text_or_none_change_nothing() {
    let text = paste();
    let stale = places("apiVersion: v1\nkind: Pod\n");
    for full in [false, true] {
        assert_eq!(
            Shared::decoder_with_policy(&text, full, Some(&stale), false),
            Shared::decoder(&text, full)
        );
        assert_eq!(
            Shared::decoder_with_policy(&text, full, None, false),
            Shared::decoder(&text, full)
        );
    }
}

#[test]
fn without_the_reader_base64_policies_are_found_by_their_start() {
    let text = format!(
        "{}\n---\n{}",
        fixture("events.yaml"),
        fixture("policy/01-vn2-nginx-pod.yaml")
    );
    let g = PolicyPlaces::guess(&text);
    assert_eq!(g.values.len(), 1, "{:?}", g.values);
    let (sent, _, left_out) = parts(Shared::decoder_with_policy(&text, true, Some(&g), false));
    assert!(left_out);
    assert!(policy_texts(&sent).is_empty());
    // Ticked, the findings-only link carries the base64, which the reader reads on its own.
    let (sent, _, _) = parts(Shared::decoder_with_policy(&text, false, Some(&g), true));
    assert_eq!(policy_texts(&sent), policy_texts(&text));
    assert_eq!(policy_texts(&sent).len(), 1);
    assert!(PolicyPlaces::guess("no policy here cGFja2FnZS").is_empty());
}

#[test]
fn the_left_out_mark_travels_and_old_links_open_without_it() {
    let text = paste();
    let state = Shared::decoder_with_policy(&text, false, Some(&places(&text)), false);
    let link = encode(&state).unwrap();
    assert_eq!(decode(&link).unwrap(), state);
    let ticked = Shared::decoder_with_policy(&text, false, Some(&places(&text)), true);
    assert_eq!(decode(&encode(&ticked).unwrap()).unwrap(), ticked);

    // A version-2 link as the app wrote it before the mark (no "o" in its JSON).
    let old_json = br#"{"k":"d","t":"some text","f":false}"#;
    let prepared_stream = deflate_raw(old_json);
    let sealed = share::prepare(&Shared::Wizard {
        answers: String::new(),
    })
    .unwrap()
    .seal(&prepared_stream)
    .unwrap();
    assert_eq!(
        decode(&sealed).unwrap(),
        Shared::Decoder {
            text: "some text".into(),
            content: Content::Findings,
            policy_left_out: false,
        }
    );
}
