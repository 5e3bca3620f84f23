//! Hostile pastes found while fuzzing: the decoder and the explanation must take linear time and
//! memory in proportion to the input (a paste may be up to 64 MB; the WASM app has 4 GB at most,
//! and running out aborts it like a panic does).
//!
//! Memory is measured with a counting allocator, so this file is its own test binary with a
//! single test that runs the cases one after another.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use aci_triage_core::decode::{self, repair};
use aci_triage_core::explain::finding_doc;
use aci_triage_core::report;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{peak_of, total_allocated};

/// Peak extra memory and time of `f`.
fn measure(f: impl FnOnce()) -> (usize, Duration) {
    let t = Instant::now();
    let ((), peak) = peak_of(f);
    (peak, t.elapsed())
}

/// What the app does with a paste: analyse it, explain every finding, write the Markdown.
fn full_pipeline(text: &str) {
    let a = decode::analyze(text);
    for (i, f) in a.findings.iter().enumerate() {
        let doc = finding_doc(f, &format!("finding-{i}"));
        std::hint::black_box(report::markdown(&doc));
    }
}

fn blob(json: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(json);
    format!("container creation denied due to policy: policyDecision< {b64} >policyDecision")
}

/// Generous bounds: well above what linear code needs unoptimised, well below what the bugs
/// these cases were found with needed.
const MAX_BYTES_PER_INPUT_BYTE: usize = 48;
const MAX_TIME: Duration = Duration::from_secs(20);

fn check(name: &str, input_len: usize, f: impl FnOnce()) {
    let (peak, took) = measure(f);
    let per_byte = peak / input_len.max(1);
    eprintln!("{name}: {input_len} bytes in, peak {peak} bytes ({per_byte}/byte), {took:?}");
    assert!(
        per_byte <= MAX_BYTES_PER_INPUT_BYTE,
        "{name}: peak memory {peak} bytes for {input_len} bytes of input ({per_byte} per byte)"
    );
    assert!(took <= MAX_TIME, "{name}: took {took:?}");
}

/// What a paste says of each occurrence was read by collecting every `Name:`, `Namespace:`
/// and `Events:` line before it, once per occurrence: pods × occurrences. Thousands of
/// `kubectl describe` blocks, each with a denial in its events.
fn many_describe_blocks() {
    let pods = 4000;
    let denial = blob(r#"{"decision":"deny","reason":{"errors":["invalid command"]}}"#);
    let text: String = (0..pods)
        .map(|i| {
            format!(
                "Name:         web-{i}\nNamespace:    shop-{i}\nStatus:       Pending\nEvents:\n  Type     Reason  Age              From     Message\n  ----     ------  ----             ----     -------\n  Warning  Failed  2m (x3 over 9m)  kubelet  Error: {denial}\n\n"
            )
        })
        .collect();
    let before = total_allocated();
    check("many describe blocks", text.len(), || full_pipeline(&text));
    let allocated = total_allocated() - before;
    eprintln!(
        "many describe blocks: {allocated} bytes allocated in all ({}/byte)",
        allocated / text.len()
    );
    assert!(
        allocated / text.len() <= MAX_BYTES_PER_INPUT_BYTE,
        "many describe blocks: {allocated} bytes allocated for {} bytes of input",
        text.len()
    );
    // Each occurrence is its own pod's, with kubectl's count.
    let a = decode::analyze(&text);
    assert_eq!(a.findings.len(), 1);
    let occurrences = &a.findings[0].occurrences;
    assert_eq!(occurrences.len(), pods);
    let own = occurrences
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            o.kubectl_count == 3
                && o.place.pod.as_deref() == Some(format!("web-{i}").as_str())
                && o.place.namespace.as_deref() == Some(format!("shop-{i}").as_str())
        })
        .count();
    assert_eq!(own, pods);
}

#[test]
fn hostile_inputs_take_linear_time_and_memory() {
    many_describe_blocks();
    // JSON repair used to copy the stack of open containers at every ',': length × depth.
    let cut_deep = format!("{}{}", "[".repeat(250), "1,".repeat(500_000));
    check("repair of deep cut-off JSON", cut_deep.len(), || {
        std::hint::black_box(repair::repair_prefix(&cut_deep));
    });
    // Pretty-printing many small values nested deep: 434 bytes per input byte.
    let text = blob(&format!("{}{}", "[".repeat(120), "1,".repeat(400_000)));
    check("cut-off deep JSON in a blob", text.len(), || {
        full_pipeline(&text)
    });
    let text = blob(&format!(
        "{}{}1{}",
        "[".repeat(120),
        "1,".repeat(400_000),
        "]".repeat(120)
    ));
    check("deep JSON in a blob", text.len(), || full_pipeline(&text));

    // Each repeat of a message got the full explanation again: 491 bytes per input byte.
    for message in ["invalid command", "a message nobody knows"] {
        let errors = format!("\"{message}\",").repeat(50_000);
        let text = blob(&format!(
            r#"{{"decision":"deny","reason":{{"errors":[{errors}"x"]}}}}"#
        ));
        check(&format!("repeated {message:?}"), text.len(), || {
            full_pipeline(&text)
        });
    }

    // Every list and table of the explanation had a row per item, each a few hundred bytes of
    // blocks for a few bytes of JSON: 50 to 85 bytes per input byte.
    let n = 100_000;
    let distinct: String = (0..n)
        .map(|i| format!("\"invalid command {i}\","))
        .collect();
    for (name, json) in [
        (
            "distinct messages",
            format!(r#"{{"decision":"deny","reason":{{"errors":[{distinct}"x"]}}}}"#),
        ),
        (
            "a long parameter list",
            format!(
                r#"{{"decision":"deny","reason":{{"errors":["invalid env list: {}"]}}}}"#,
                "a,".repeat(5 * n)
            ),
        ),
        (
            "repeated input fields",
            format!(
                r#"{{"decision":"deny","input":{{"rule":"mount_device",{}"x":1}}}}"#,
                "\"target\":\"/a\",".repeat(n)
            ),
        ),
        (
            "a long input list",
            format!(
                r#"{{"decision":"deny","input":{{"rule":"create_container","argList":[{}"x"]}}}}"#,
                "\"a\",".repeat(3 * n)
            ),
        ),
        (
            "a long truncated list",
            format!(
                r#"{{"decision":"deny","truncated":[{}"x"]}}"#,
                "\"input\",".repeat(n)
            ),
        ),
        (
            "many unknown fields",
            format!(r#"{{"decision":"deny",{}"x":1}}"#, "\"q\":1,".repeat(2 * n)),
        ),
        (
            "many other reason fields",
            format!(
                r#"{{"decision":"deny","reason":{{"errors":[],{}"x":1}}}}"#,
                "\"q\":1,".repeat(2 * n)
            ),
        ),
    ] {
        let text = blob(&json);
        check(name, text.len(), || full_pipeline(&text));
    }

    // The scanner's own stages on shapes that make each one work hardest: the line-prefix
    // reader (a possible prefix on every line), the split-marker search (a line break inside the
    // word on every line), the decoded-JSON reader (a key on every few bytes, never closed), the
    // search for the other formats (their anchor words back to back).
    // `bench_scan --hostile` prints the time of each at two sizes.
    for (name, unit) in [
        ("every byte a {", "{"),
        ("a prefix on every line", "> // 2026-05-04T10:22:31Z x\n"),
        ("decoration on every line", "# ----\n"),
        (
            "a log header on every line",
            "Dec 01 10:21:33 aks-node kubelet[4521]: E1201 10:21:33.123456    4521 pod_workers.go:1298] x\n",
        ),
        ("markers split by a wrap", "policyDe\ncision<\n"),
        ("decision keys, unclosed", "{\"decision\":\"deny\",["),
        ("escaped decision keys", "{\\\"decision\\\":\\\"deny\\\",["),
        (
            "the format anchors",
            "policy permission framework_ mount constraints ",
        ),
    ] {
        let text = unit.repeat(1_000_000 / unit.len());
        check(name, text.len(), || {
            std::hint::black_box(decode::analyze(&text));
        });
    }
}
