//! The share codec: the version-2 envelope on top of base64 / deflate / serde_json (round trips,
//! every cut reported as a cut, every changed character as damage), version-1 links made by the
//! old encoder, repairs of links mangled on the way, size limits, the findings-only text (the
//! recipient sees the sender's cards; nothing else of the paste travels) and the link base. The
//! codec is split around the compression, which the app leaves to the browser: here
//! `miniz_oxide` deflates and inflates (`support/share_codec.rs`), and the split itself is tested
//! at the end (what is decided before inflating, how inflating failures are reported).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::{analyze, Analysis};
use aci_triage_core::explain::finding_doc;
use aci_triage_core::report::markdown;
use aci_triage_core::share::{
    self, findings, is_share_fragment, link_base, repair_fragment, Content, EncodeError, Inflate,
    InflateFailure, Reach, ShareError, Shared, MAX_INFLATED, MAX_LEN,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use proptest::prelude::*;

#[path = "support/share_codec.rs"]
mod share_codec;
use share_codec::{decode, deflate_raw, deflate_zlib, encode, inflate};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The paste fixtures the fidelity tests run over.
const PASTES: &[&str] = &[
    "describe-pod.txt",
    "events.json",
    "events.yaml",
    "mixed.txt",
    "wrapped.txt",
    "damaged.txt",
    "portal.html",
];

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn full(text: &str) -> Shared {
    Shared::Decoder {
        text: text.to_string(),
        content: Content::Full,
        policy_left_out: false,
    }
}

/// A version-2 link around arbitrary bytes as its deflate stream, with a matching length and
/// checksum: what a hostile link can look like.
fn crafted_v2(stream: &[u8]) -> String {
    let len = stream.len() as u32;
    let mut bytes = len.to_le_bytes().to_vec();
    bytes.extend_from_slice(&(!len).to_le_bytes());
    bytes.extend_from_slice(stream);
    bytes.extend_from_slice(&adler2::adler32_slice(stream).to_le_bytes());
    format!("v2.{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn some_links() -> Vec<(String, Shared)> {
    let states = vec![
        full(""),
        full("policyDecision< eyJhIjoxfQ== >policyDecision"),
        full(&fixture("describe-pod.txt")),
        Shared::decoder(&fixture("describe-pod.txt"), false),
        Shared::Decoder {
            text: "a\nsummary".into(),
            content: Content::Summary,
            policy_left_out: false,
        },
        Shared::Wizard {
            answers: "outbound-slow.v2.yes".into(),
        },
    ];
    states
        .into_iter()
        .map(|s| (encode(&s).unwrap(), s))
        .collect()
}

#[test]
fn round_trips() {
    for (link, s) in some_links().into_iter().chain([(
        encode(&full("ünïcödé \u{1F600} \0 <script> \"q\" \\")).unwrap(),
        full("ünïcödé \u{1F600} \0 <script> \"q\" \\"),
    )]) {
        assert!(link.starts_with("v2."), "{link}");
        assert!(link[3..].bytes().all(|c| ALPHABET.contains(&c)), "{link}");
        assert_eq!(decode(&link).unwrap(), s);
    }
}

fn any_state() -> impl Strategy<Value = Shared> {
    let text = prop_oneof![
        any::<String>(),
        "[a-z <>=\n]{0,300}",
        proptest::collection::vec(
            prop_oneof![
                Just("policyDecision< "),
                Just("eyJhIjoxfQ=="),
                Just(" >policyDecision\n"),
                Just("x")
            ],
            0..40
        )
        .prop_map(|v| v.concat()),
    ];
    prop_oneof![
        (text.clone(), 0..3u8).prop_map(|(text, c)| Shared::Decoder {
            text,
            content: [Content::Full, Content::Findings, Content::Summary][c as usize],
            policy_left_out: false,
        }),
        text.prop_map(|answers| Shared::Wizard { answers }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_states_round_trip(s in any_state()) {
        let link = encode(&s).unwrap();
        prop_assert_eq!(decode(&link), Ok(s));
    }

    #[test]
    fn random_fragments_never_panic(f in "v[12]\\.[A-Za-z0-9_%. -]{0,200}", g in any::<String>()) {
        let _ = decode(&f).map_err(|e| e.to_string());
        let _ = decode(&g);
        let _ = is_share_fragment(&g);
    }

    #[test]
    fn random_streams_in_a_valid_envelope_never_panic(stream in proptest::collection::vec(any::<u8>(), 0..400)) {
        match decode(&crafted_v2(&stream)) {
            // Bytes that happen to inflate to our JSON are fine; anything else is damage.
            Ok(_) | Err(ShareError::Corrupted(_)) | Err(ShareError::ContentTooLarge) => {}
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }
}

#[test]
fn every_prefix_of_a_link_is_reported_cut_off() {
    for (link, _) in some_links() {
        for cut in 3..link.len() {
            assert_eq!(
                decode(&link[..cut]),
                Err(ShareError::Truncated),
                "{link} cut at {cut}"
            );
        }
        assert!(decode(&link[..link.len() - 10])
            .unwrap_err()
            .to_string()
            .contains("incomplete"));
    }
}

/// Every link text that differs from `link` in one character of its payload: with `all`, every
/// other character of the alphabet in every place; otherwise each of the six one-bit changes of
/// the character's value (the smallest damage a character can take).
fn changed(link: &str, all: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for i in 3..link.len() {
        let was = ALPHABET
            .iter()
            .position(|&c| c == link.as_bytes()[i])
            .unwrap();
        let with: Vec<usize> = if all {
            (0..64).filter(|&v| v != was).collect()
        } else {
            (0..6).map(|bit| was ^ (1 << bit)).collect()
        };
        for v in with {
            let mut bytes = link.as_bytes().to_vec();
            bytes[i] = ALPHABET[v];
            out.push((i, String::from_utf8(bytes).unwrap()));
        }
    }
    out
}

#[test]
fn every_changed_character_is_reported_damaged() {
    for (n, (link, s)) in some_links().into_iter().enumerate() {
        // All 63 changes of every character of the short links; six of every one of the long.
        let all = link.len() < 200;
        for (i, bad) in changed(&link, all) {
            match decode(&bad) {
                Err(ShareError::Corrupted(why)) => assert!(!why.is_empty()),
                other => panic!("link {n}, character {i}: {bad}: {other:?} (was {s:?})"),
            }
        }
    }
}

#[test]
fn foreign_characters_are_damage_with_their_position() {
    let (link, _) = &some_links()[3];
    for at in [3, 10, link.len() / 2, link.len() - 1] {
        let mut bad = link.clone();
        bad.insert(at, '*');
        let err = decode(&bad).unwrap_err();
        assert!(
            matches!(&err, ShareError::Corrupted(m) if m.contains(&format!("position {}", at - 2))),
            "{err:?}"
        );
        assert!(err.to_string().contains("damaged"));
    }
}

#[test]
fn envelopes_that_pass_their_checks_but_hold_no_state_are_damage() {
    let not_ours = deflate_raw(b"{\"k\":\"x\"}");
    let not_json = deflate_raw(b"hello world");
    for link in [
        crafted_v2(&not_ours),
        crafted_v2(&not_json),
        crafted_v2(b"\xff\xff\xff"),
    ] {
        assert!(
            matches!(decode(&link), Err(ShareError::Corrupted(_))),
            "{link}"
        );
    }
}

#[test]
fn versions_and_non_links() {
    for f in [
        "",
        "wizard",
        "wizard/outbound-slow",
        "v",
        "v1",
        "x1.abc",
        "v.abc",
        "#v1.abc",
    ] {
        assert_eq!(decode(f), Err(ShareError::NotALink), "{f:?}");
        assert!(!is_share_fragment(f), "{f:?}");
    }
    let (link, _) = &some_links()[0];
    for v in ["v3.", "v9.", "v10."] {
        let newer = link.replacen("v2.", v, 1);
        let err = decode(&newer).unwrap_err();
        assert_eq!(
            err,
            ShareError::UnknownVersion(v.trim_end_matches('.').into())
        );
        assert!(err.to_string().contains("newer version"));
    }
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
    match encode(&full(&noise)) {
        Err(EncodeError::TooLarge(n)) => assert!(n > MAX_LEN),
        other => panic!("{other:?}"),
    }
    // Megabytes are refused before any compression work.
    let big = "policyDecision ".repeat(400_000);
    assert!(matches!(encode(&full(&big)), Err(EncodeError::SourceTooLarge(n)) if n > 6_000_000));
    let huge = format!("v2.{}", "A".repeat(MAX_LEN + 1));
    assert_eq!(decode(&huge), Err(ShareError::TooLarge(huge.len())));
    // A short link that unpacks to more than the app accepts (a deflate bomb).
    let bomb = crafted_v2(&deflate_raw(&vec![b' '; 9 << 20]));
    assert!(bomb.len() < MAX_LEN);
    let err = decode(&bomb).unwrap_err();
    assert_eq!(err, ShareError::ContentTooLarge);
    assert!(err.to_string().contains("too large"));
}

#[test]
fn compresses_repetitive_pastes() {
    let text = fixture("describe-pod.txt").repeat(20);
    let link = encode(&full(&text)).unwrap();
    assert!(
        link.len() < text.len() / 5,
        "{} vs {}",
        link.len(),
        text.len()
    );
}

// ------------------------------------------------------------------------------------------------
// Version 1

#[derive(serde::Deserialize)]
struct V1Fixture {
    links: Vec<V1Link>,
}

#[derive(serde::Deserialize)]
struct V1Link {
    name: String,
    link: String,
    state: V1State,
}

#[derive(serde::Deserialize)]
struct V1State {
    k: String,
    #[serde(default)]
    t: String,
    #[serde(default)]
    f: bool,
    #[serde(default)]
    a: String,
}

fn v1_links() -> Vec<(String, String, Shared)> {
    let doc: V1Fixture = serde_json::from_str(&fixture("share-v1.json")).unwrap();
    assert!(doc.links.len() >= 10);
    doc.links
        .into_iter()
        .map(|l| {
            let state = match l.state.k.as_str() {
                // Version-1 findings-only links carry the one-line-per-finding summary.
                "d" => Shared::Decoder {
                    text: l.state.t,
                    content: if l.state.f {
                        Content::Full
                    } else {
                        Content::Summary
                    },
                    policy_left_out: false,
                },
                _ => Shared::Wizard { answers: l.state.a },
            };
            (l.name, l.link, state)
        })
        .collect()
}

#[test]
fn version_1_links_keep_opening() {
    for (name, link, state) in v1_links() {
        assert!(link.starts_with("v1."), "{name}");
        assert!(is_share_fragment(&link), "{name}");
        assert_eq!(decode(&link).as_ref(), Ok(&state), "{name}");
        // And they read as before through the repairs, which they never needed.
        assert_eq!(decode(&format!("{link}.")).as_ref(), Ok(&state), "{name}");
    }
}

#[test]
fn version_1_findings_links_still_show_their_findings() {
    let v1 = v1_links();
    let (_, link, _) = v1
        .iter()
        .find(|(n, _, _)| n == "describe-pod.txt, findings only")
        .unwrap();
    let Ok(Shared::Decoder { text, .. }) = decode(link) else {
        panic!()
    };
    let sender = analyze(&fixture("describe-pod.txt"));
    assert_eq!(analyze(&text).findings.len(), sender.findings.len());
}

#[test]
fn cut_version_1_links_are_reported_cut_off() {
    for (name, link, _) in v1_links() {
        for cut in 3..link.len() {
            assert_eq!(
                decode(&link[..cut]),
                Err(ShareError::Truncated),
                "{name} cut at {cut}"
            );
        }
    }
}

#[test]
fn changed_version_1_links_never_open_as_something_else() {
    // Version 1 carries no length: a change can look like a cut. It never opens wrongly.
    for (name, link, state) in v1_links().into_iter().filter(|(_, l, _)| l.len() < 800) {
        for (i, bad) in changed(&link, false) {
            if let Ok(s) = decode(&bad) {
                assert_eq!(s, state, "{name}: character {i}: {bad}");
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Links mangled on the way

#[test]
fn percent_encoded_and_wrapped_links_are_repaired() {
    for (link, s) in some_links()
        .into_iter()
        .chain(v1_links().into_iter().take(2).map(|(_, l, s)| (l, s)))
    {
        let encoded = link
            .replace('.', "%2E")
            .replace('-', "%2D")
            .replace('_', "%5f");
        let twice = encoded.replace('%', "%25");
        let wrapped: String = link
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let sep = match i % 70 {
                    69 => "\n",
                    35 => " \r\n  ",
                    50 => "\u{200b}",
                    _ => "",
                };
                std::iter::once(c).chain(sep.chars())
            })
            .collect();
        let spaces_encoded = wrapped.replace(' ', "%20").replace('\n', "%0A");
        for mangled in [
            encoded,
            twice,
            wrapped,
            spaces_encoded,
            format!("  {link}\n"),
        ] {
            assert!(is_share_fragment(&mangled), "{mangled}");
            assert_eq!(repair_fragment(&mangled), link);
            assert_eq!(decode(&mangled).as_ref(), Ok(&s), "{mangled}");
        }
    }
}

#[test]
fn punctuation_after_a_link_is_not_part_of_it() {
    let (link, s) = &some_links()[1];
    for tail in [".", ",", ")", ">", "\"", "'", "!", "*", "]", ")."] {
        assert_eq!(decode(&format!("{link}{tail}")).as_ref(), Ok(s), "{tail}");
    }
}

// ------------------------------------------------------------------------------------------------
// Findings-only links: the recipient sees the sender's cards, and nothing else of the paste

/// The Markdown of every finding's explanation, as the cards and the copied report show it.
fn documents(a: &Analysis) -> Vec<String> {
    a.findings
        .iter()
        .enumerate()
        .map(|(i, f)| markdown(&finding_doc(f, &format!("finding-{i}"))))
        .collect()
}

/// The text a findings-only link of `paste` opens with, through encode and decode.
fn received(paste: &str) -> String {
    let link = encode(&Shared::decoder(paste, false)).unwrap();
    match decode(&link).unwrap() {
        Shared::Decoder {
            text,
            content: Content::Findings,
            policy_left_out: false,
        } => text,
        other => panic!("{other:?}"),
    }
}

fn pastes() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = PASTES.iter().map(|n| (n.to_string(), fixture(n))).collect();
    v.push((
        "the built-in example".into(),
        aci_triage_core::examples::describe_pod_example(),
    ));
    v
}

#[test]
fn the_recipient_sees_the_senders_cards() {
    for (name, paste) in pastes() {
        // Without the pod names, namespaces, containers and times of the paste: the link
        // promises to leave them out.
        let sender = analyze(&paste).without_names();
        assert!(!sender.findings.is_empty(), "{name}");
        let text = received(&paste);
        let recipient = analyze(&text);
        assert_eq!(documents(&recipient), documents(&sender), "{name}");
        // Stronger: the same analysis, down to every byte position and line.
        assert_eq!(recipient, sender, "{name}");
        assert_eq!(text.len(), paste.len(), "{name}");
        assert_eq!(text.lines().count(), paste.lines().count(), "{name}");
    }
}

#[test]
fn the_sender_sees_line_53_the_recipient_too() {
    // A paste whose finding sits far down, with its container ID and repeat count on its line.
    let paste = format!(
        "{}  Warning  Failed  90s (x7 over 9m)  kubelet  Error: {}\n",
        "  Normal   Pulled   1m  kubelet  Container image \"contoso.azurecr.io/shop/cart:1.2\" already present on machine\n".repeat(52),
        aci_triage_core::examples::SEED_CREATE_CONTAINER
    );
    let text = received(&paste);
    let docs = documents(&analyze(&text)).join("\n");
    assert!(docs.contains("on line 53"), "{docs}");
    assert!(docs.contains("kubectl counted it 7 times"), "{docs}");
    assert!(docs.contains("18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065"));
    assert!(
        !text.contains("contoso") && !text.contains("Pulled"),
        "{text}"
    );
}

/// What each fixture names that is not part of any finding.
const SECRETS: &[&str] = &[
    "web-7d4b9c6f5-x2xkq",
    "shop",
    "Namespace",
    "virtualnode2-0",
    "myregistry",
    "default-scheduler",
    "involvedObject",
    "web.1",
    "Ticket #4471",
    "Thanks",
    "<div",
    "Back-off",
    "Pulling",
    "Scheduled",
];

#[test]
fn nothing_else_of_the_paste_travels() {
    for (name, paste) in pastes() {
        // The findings without the names the paste gives them (which the link leaves out).
        let sender = analyze(&paste).without_names();
        let shown = format!("{:?}", sender.findings);
        let text = received(&paste);
        for secret in SECRETS {
            assert!(
                !text.contains(secret) || shown.contains(secret),
                "{name}: {secret} travels in {text}"
            );
        }
        // And every word kept outside the findings' own text is one the analysis needs: without
        // it, the recipient would see something else.
        let b = text.as_bytes();
        let own: Vec<_> = sender
            .findings
            .iter()
            .flat_map(|f| f.occurrences.iter().map(|o| o.range.clone()))
            .collect();
        let mut i = 0;
        let mut kept_words = 0;
        while i < b.len() {
            if let Some(r) = own.iter().find(|r| r.contains(&i)) {
                i = r.end;
                continue;
            }
            if b[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !own.iter().any(|r| r.start == i) {
                i += 1;
            }
            let mut without = b.to_vec();
            without[start..i].fill(b' ');
            let without = String::from_utf8(without).unwrap();
            assert_ne!(
                analyze(&without).without_names(),
                sender,
                "{name}: {:?} is kept but not needed",
                &text[start..i]
            );
            kept_words += 1;
        }
        // kubectl's repeat counts travel too: each event's `"count": 3,` with the braces and the
        // `"message":` that make it the event's (about ten words per event of events.json).
        assert!(kept_words < 60, "{name}: {kept_words} words kept");
    }
}

#[test]
fn the_findings_link_costs_little_more_than_the_summary() {
    for (name, paste) in pastes() {
        let exact = encode(&Shared::decoder(&paste, false)).unwrap();
        let summary = encode(&Shared::Decoder {
            text: findings::summary(&paste, &analyze(&paste)),
            content: Content::Summary,
            policy_left_out: false,
        })
        .unwrap();
        println!(
            "{name}: findings-only link {} characters, summary {}",
            exact.len(),
            summary.len()
        );
        assert!(
            exact.len() < summary.len() + 400,
            "{name}: {} vs {}",
            exact.len(),
            summary.len()
        );
    }
}

#[test]
fn pastes_without_findings_share_nothing_but_layout() {
    let paste = fixture("no-findings.txt");
    let text = received(&paste);
    assert!(text.bytes().all(|c| c.is_ascii_whitespace()), "{text}");
    assert!(analyze(&text).findings.is_empty());
}

#[test]
fn a_paste_too_large_to_reduce_is_shared_as_a_summary() {
    // Hundreds of findings, each in its own event: working out what each one needs would take
    // longer than the budget allows, so the link carries the summary and says so.
    let mut paste = String::new();
    for i in 0..600 {
        paste.push_str(&format!(
            "  Warning  Failed  {i}s  kubelet  pod/web-{i:05} Error: failed to create container {i:064x}: guest RPC failure: container creation denied due to policy: policyDecision< {} >policyDecision\n",
            URL_SAFE_NO_PAD.encode(format!("{{\"decision\":\"deny\",\"reason\":{{\"errors\":[\"invalid command {i}\"]}}}}"))
        ));
    }
    let Shared::Decoder { text, content, .. } = Shared::decoder(&paste, false) else {
        panic!()
    };
    assert_eq!(content, Content::Summary);
    assert!(!text.contains("pod/web-"));
    assert_eq!(analyze(&text).findings.len(), 600);
}

// ------------------------------------------------------------------------------------------------
// Where links point

#[test]
fn links_from_the_offline_file_or_localhost_are_flagged() {
    let published = "https://aci-triage.example.org/app/";
    let hosted = Some(published);
    for (page, reach) in [
        ("file:///home/x/aci-triage.html", Reach::SendersDisk),
        (
            "FILE:///C:/Users/x/Downloads/aci-triage.html",
            Reach::SendersDisk,
        ),
        ("http://localhost:8080/", Reach::SendersComputer),
        ("http://127.0.0.1:4173/index.html", Reach::SendersComputer),
        ("http://[::1]:8000/", Reach::SendersComputer),
        ("http://app.localhost/", Reach::SendersComputer),
        ("blob:https://x.example/1234", Reach::ThisBrowser),
        (
            "content://com.android.externalstorage/aci-triage.html",
            Reach::ThisBrowser,
        ),
    ] {
        let b = link_base(page, hosted);
        assert_eq!(b.reach, reach, "{page}");
        assert_eq!(b.best(), published, "{page}");
        let w = b.warning().unwrap();
        assert!(w.contains("aci-triage.example.org"), "{w}");
        let alone = link_base(page, None);
        assert_eq!(alone.best(), page);
        assert!(alone.warning().unwrap().contains("nobody else"));
    }
    for page in [
        "https://aci-triage.example.org/app/",
        "https://contoso.github.io/aci-triage/?x=1#v2.abc",
        "http://127.example.com/",
        "https://localhost.example.com/",
    ] {
        let b = link_base(page, hosted);
        assert_eq!(b.reach, Reach::Anyone, "{page}");
        assert!(b.warning().is_none());
        assert_eq!(b.best(), page.split(['?', '#']).next().unwrap());
    }
    // A published address that is itself local is not offered.
    let b = link_base("file:///x.html", Some("http://localhost:8080/"));
    assert_eq!(b.hosted, None);
}

// ------------------------------------------------------------------------------------------------
// The codec split around the compression (the app's inflater and deflater are the browser's)

#[test]
fn cut_and_damaged_version_2_links_are_told_apart_before_any_inflating() {
    for (link, _) in some_links() {
        // `open` alone, with no inflater: every cut is a cut, every change damage.
        for cut in 3..link.len() {
            assert_eq!(
                share::open(&link[..cut]),
                Err(ShareError::Truncated),
                "{link} cut at {cut}"
            );
        }
        for (i, bad) in changed(&link, false) {
            assert!(
                matches!(share::open(&bad), Err(ShareError::Corrupted(_))),
                "character {i}: {bad}"
            );
        }
        let sealed = share::open(&link).unwrap();
        assert_eq!(sealed.format(), Inflate::Raw);
    }
}

#[test]
fn the_sealed_bytes_are_the_deflate_stream_of_the_prepared_payload() {
    for (_, s) in some_links() {
        let prepared = share::prepare(&s).unwrap();
        let stream = deflate_raw(prepared.payload());
        let link = prepared.seal(&stream).unwrap();
        let sealed = share::open(&link).unwrap();
        assert_eq!(sealed.stream(), &stream[..]);
        assert_eq!(
            inflate(sealed.stream(), sealed.format()).unwrap(),
            prepared.payload()
        );
        assert_eq!(sealed.finish(Ok(prepared.payload().to_vec())), Ok(s));
    }
}

#[test]
fn inflating_failures_map_to_the_messages_of_each_version() {
    let (link, _) = &some_links()[2];
    let (_, v1, _) = &v1_links()[0];
    let v2 = || share::open(link).unwrap();
    let v1 = || share::open(v1).unwrap();
    assert_eq!(v1().format(), Inflate::Zlib);
    // Version 2's envelope said the stream is complete: a stream that still ends early is damage.
    assert!(matches!(
        v2().finish(Err(InflateFailure::EndedEarly)),
        Err(ShareError::Corrupted(_))
    ));
    // Version 1 has no envelope: the stream ending early is how a cut shows.
    assert_eq!(
        v1().finish(Err(InflateFailure::EndedEarly)),
        Err(ShareError::Truncated)
    );
    for sealed in [v1(), v2()] {
        assert_eq!(
            sealed.clone().finish(Err(InflateFailure::TooLarge)),
            Err(ShareError::ContentTooLarge)
        );
        let err = sealed
            .clone()
            .finish(Err(InflateFailure::BadData))
            .unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
        // An inflater that ignores the limit still gets the limit's message.
        assert_eq!(
            sealed.clone().finish(Ok(vec![b' '; MAX_INFLATED + 1])),
            Err(ShareError::ContentTooLarge)
        );
        assert!(matches!(
            sealed.finish(Ok(b"not json".to_vec())),
            Err(ShareError::Corrupted(_))
        ));
    }
}

#[test]
fn version_1_links_are_zlib_streams_and_cuts_show_while_inflating() {
    for (name, link, state) in v1_links() {
        let sealed = share::open(&link).unwrap();
        let json = inflate(sealed.stream(), Inflate::Zlib).unwrap();
        // The same payload deflated again by any zlib deflater opens the same.
        let again = format!("v1.{}", URL_SAFE_NO_PAD.encode(deflate_zlib(&json)));
        assert_eq!(decode(&again).as_ref(), Ok(&state), "{name}");
        // A cut version-1 link passes `open` (no length to compare) and ends early in the inflater.
        let cut = &link[..link.len() * 2 / 3];
        let sealed = share::open(cut).unwrap();
        assert_eq!(
            inflate(sealed.stream(), sealed.format()),
            Err(InflateFailure::EndedEarly),
            "{name}"
        );
    }
}

#[test]
fn limits_are_checked_on_each_side_of_the_compression() {
    // The source limit before any compressing.
    let big = "x".repeat(5 << 20);
    assert!(matches!(
        share::prepare(&full(&big)),
        Err(EncodeError::SourceTooLarge(_))
    ));
    // The link's limit after it: a stream that does not fit is refused, whatever made it.
    let prepared = share::prepare(&full("small")).unwrap();
    match prepared.seal(&vec![0u8; MAX_LEN]) {
        Err(EncodeError::TooLarge(n)) => assert!(n > MAX_LEN),
        other => panic!("{other:?}"),
    }
    // The inflater stops at the limit.
    let bomb = deflate_raw(&vec![b' '; MAX_INFLATED + 1]);
    assert_eq!(inflate(&bomb, Inflate::Raw), Err(InflateFailure::TooLarge));
}
