//! Verbatim texts from public issues, commits and docs (and marked variants built around them),
//! read by `analyze` and compared with what a correct reading is. The expectations live in
//! `tests/fixtures/real/expected.toml`, the sources in `tests/fixtures/real/SOURCES.md`.
//!
//! A case marked `known_gap` is one the app reads wrongly today: the test asserts that the
//! reading still differs, so it fails when a fix lands and the mark must be removed.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::PathBuf;

use aci_triage_core::decode::lookalike::{self, Lookalike};
use aci_triage_core::decode::{analyze, Finding, FindingKind, Origin, OtherFormat, RuleSource};
use aci_triage_core::explain::{decision_rule, Via};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectations {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    findings: usize,
    known_gap: Option<String>,
    /// With no finding: the other kind of denial the empty state names (`lookalike::detect`),
    /// none when absent.
    lookalike: Option<String>,
    #[serde(default)]
    expect: Vec<Expect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    kind: String,
    rule: Option<String>,
    rule_source: Option<String>,
    errors: Option<Vec<String>>,
    truncated: Option<Vec<String>>,
    id: Option<String>,
    request: Option<String>,
    text_starts: Option<String>,
    text_contains: Option<String>,
    no_details: Option<bool>,
    occurrences: Option<usize>,
    counts: Option<Vec<u32>>,
    /// The input fields read (decision: `input` without `rule`; legacy: what survives of
    /// `Input: {…}`), in order.
    input_keys: Option<Vec<String>>,
    /// Decision: it was read as decoded JSON (not from a blob's base64).
    read_as_json: Option<bool>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real")
}

fn load() -> Expectations {
    let path = dir().join("expected.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// What the test reads from a finding, by the names the expectations use.
struct Reading {
    kind: &'static str,
    rule: Option<String>,
    rule_source: Option<&'static str>,
    errors: Option<Vec<String>>,
    truncated: Option<Vec<String>>,
    id: Option<String>,
    request: Option<String>,
    /// Decision: the decoded text; legacy: what followed; kata: details; known: the text.
    text: Option<String>,
    input_keys: Option<Vec<String>>,
    read_as_json: Option<bool>,
}

fn reading(f: &Finding) -> Reading {
    let mut r = Reading {
        kind: "",
        rule: None,
        rule_source: None,
        errors: None,
        truncated: None,
        id: None,
        request: None,
        text: None,
        input_keys: None,
        read_as_json: None,
    };
    match &f.kind {
        FindingKind::Decision(d) => {
            r.kind = "decision";
            // The enforcement point as the card names it: from the decision or its wrapper,
            // else inferred from the message (shape 5).
            if let Some((rule, via)) = decision_rule(d) {
                r.rule = Some(rule);
                r.rule_source = Some(match via {
                    Via::Source(RuleSource::Input) => "input",
                    Via::Source(RuleSource::Wrapper) => "wrapper",
                    Via::Message => "message",
                    Via::MessageOneOf(_) => "message-one-of",
                    Via::PolicyError => "policy-error",
                });
            }
            r.errors = d.blob.decision.as_ref().map(|x| x.errors().to_vec());
            r.truncated = d.blob.decision.as_ref().and_then(|x| x.truncated.clone());
            r.text = Some(d.blob.text.clone());
            r.input_keys = d
                .blob
                .decision
                .as_ref()
                .and_then(|x| x.input.as_ref())
                .map(|i| i.keys().cloned().collect());
            r.read_as_json = Some(d.blob.origin != Origin::Blob);
        }
        FindingKind::Other(
            o @ OtherFormat::Legacy {
                rule, errors, rest, ..
            },
        ) => {
            r.kind = "legacy";
            r.input_keys = o.legacy_input().map(|m| m.keys().cloned().collect());
            r.rule = Some(rule.clone());
            r.errors = Some(errors.iter().cloned().collect());
            r.text = rest.clone();
        }
        FindingKind::Other(OtherFormat::Kata {
            request, details, ..
        }) => {
            r.kind = "kata";
            r.request = Some(request.clone());
            r.text = details.clone();
        }
        FindingKind::Other(OtherFormat::Known { id, text }) => {
            // The failure before any decision reads as its own kind (shape 7).
            r.kind = if *id == "oversized-policy" {
                "oversized"
            } else {
                "known"
            };
            r.id = Some(id.to_string());
            r.text = Some(text.clone());
        }
        FindingKind::Other(OtherFormat::Message { text }) => {
            r.kind = "message";
            r.text = Some(text.clone());
        }
        FindingKind::Other(OtherFormat::JsonPolicy { text, .. }) => {
            r.kind = "json-policy";
            r.text = Some(text.clone());
        }
    }
    r
}

fn check<T: PartialEq + std::fmt::Debug>(
    what: &str,
    expected: &Option<T>,
    actual: &Option<T>,
) -> Result<(), String> {
    match expected {
        Some(e) if actual.as_ref() != Some(e) => {
            Err(format!("{what}: expected {e:?}, read {actual:?}"))
        }
        _ => Ok(()),
    }
}

fn compare(i: usize, e: &Expect, f: &Finding) -> Result<(), String> {
    let r = reading(f);
    let at = |m: String| format!("finding {}: {m}", i + 1);
    if e.kind != r.kind {
        return Err(at(format!("kind: expected {}, read {}", e.kind, r.kind)));
    }
    check("rule", &e.rule, &r.rule).map_err(at)?;
    check("rule_source", &e.rule_source.as_deref(), &r.rule_source).map_err(at)?;
    check("errors", &e.errors, &r.errors).map_err(at)?;
    check("truncated", &e.truncated, &r.truncated).map_err(at)?;
    check("id", &e.id, &r.id).map_err(at)?;
    check("request", &e.request, &r.request).map_err(at)?;
    check("input_keys", &e.input_keys, &r.input_keys).map_err(at)?;
    check("read_as_json", &e.read_as_json, &r.read_as_json).map_err(at)?;
    let text = r.text.as_deref().unwrap_or("");
    if let Some(s) = &e.text_starts {
        if !text.starts_with(s.as_str()) {
            return Err(at(format!(
                "text: expected to start with {s:?}, read {text:?}"
            )));
        }
    }
    if let Some(s) = &e.text_contains {
        if !text.contains(s.as_str()) {
            return Err(at(format!(
                "text: expected to contain {s:?}, read {text:?}"
            )));
        }
    }
    if e.no_details == Some(true) && r.text.is_some() {
        return Err(at(format!("expected no details, read {:?}", r.text)));
    }
    check("occurrences", &e.occurrences, &Some(f.occurrences.len())).map_err(at)?;
    let counts: Vec<u32> = f.occurrences.iter().map(|o| o.kubectl_count).collect();
    check("counts", &e.counts, &Some(counts)).map_err(at)?;
    Ok(())
}

/// Whether the app's reading of `text` is the expected one; the first difference otherwise.
fn read_matches(case: &Case, text: &str) -> Result<(), String> {
    let a = analyze(text);
    if a.findings.len() != case.findings {
        let kinds: Vec<_> = a.findings.iter().map(|f| reading(f).kind).collect();
        return Err(format!(
            "expected {} findings, read {} {kinds:?}",
            case.findings,
            a.findings.len()
        ));
    }
    for (i, (e, f)) in case.expect.iter().zip(&a.findings).enumerate() {
        compare(i, e, f)?;
    }
    if a.findings.is_empty() {
        let read = lookalike::detect(text).map(|l| match l {
            Lookalike::AzurePolicy => "azure-policy",
            Lookalike::AzurePolicyForAks => "azure-policy-for-aks",
            Lookalike::Gatekeeper => "gatekeeper",
            Lookalike::AdmissionWebhook => "admission-webhook",
        });
        if read != case.lookalike.as_deref() {
            return Err(format!(
                "lookalike: expected {:?}, read {read:?}",
                case.lookalike
            ));
        }
    }
    Ok(())
}

#[test]
fn every_real_paste_reads_as_expected_or_as_its_known_gap() {
    let expectations = load();
    let mut failures = Vec::new();
    let mut gaps = Vec::new();
    let mut seen = BTreeSet::new();
    for case in &expectations.case {
        assert!(
            seen.insert(case.file.clone()),
            "{}: listed twice",
            case.file
        );
        assert_eq!(
            case.expect.len(),
            case.findings,
            "{}: one [[case.expect]] per finding",
            case.file
        );
        let path = dir().join(&case.file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        match (read_matches(case, &text), &case.known_gap) {
            (Ok(()), None) => {}
            (Err(why), None) => failures.push(format!("{}: {why}", case.file)),
            (Err(why), Some(gap)) => gaps.push(format!("{}: {gap} ({why})", case.file)),
            (Ok(()), Some(gap)) => failures.push(format!(
                "{}: now read as expected; remove `known_gap = {gap:?}` from expected.toml",
                case.file
            )),
        }
    }
    eprintln!("{} known gaps:", gaps.len());
    for g in &gaps {
        eprintln!("  {g}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_has_an_expectation_and_a_source() {
    let expectations = load();
    let listed: BTreeSet<_> = expectations.case.iter().map(|c| c.file.clone()).collect();
    let sources = std::fs::read_to_string(dir().join("SOURCES.md")).expect("SOURCES.md");
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(dir()).expect("fixture folder") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        if name.ends_with(".txt") || name.ends_with(".json") {
            files.insert(name);
        }
    }
    assert_eq!(files, listed, "fixtures and expected.toml disagree");
    for f in &files {
        assert!(
            sources.contains(&format!("`{f}`")),
            "{f}: no row in SOURCES.md"
        );
        if f.starts_with("variant-") {
            assert!(
                sources.contains(&format!("`{f}` | variant")),
                "{f}: SOURCES.md must mark it as a variant"
            );
        }
    }
}

/// A decision with neither `input` nor `truncated` (shape 5): its card says where the
/// enforcement point it names comes from.
#[test]
fn a_trimmed_decision_card_says_its_rule_is_inferred() {
    use aci_triage_core::explain::finding_doc;
    use aci_triage_core::report::markdown;
    let path = dir().join("variant-decision-trimmed-devicehash.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let a = analyze(&text);
    let [f] = &a.findings[..] else {
        panic!("{:?}", a.findings)
    };
    let md = markdown(&finding_doc(f, "f"));
    assert!(
        md.contains("inferred from the error message, which only this enforcement point reports"),
        "{md}"
    );
    assert!(md.contains("`mount_device`"), "{md}");
}

/// Real log lines whose header changes on every line (klog's time, thread and source line;
/// journald's before it) lose the whole header, so that a message split over such lines reads
/// as one: each line of the view is the message the logger wrote.
#[test]
fn real_log_headers_are_taken_out_whole() {
    use aci_triage_core::decode::prefix::strip;
    for (file, first_words) in [
        (
            "kubeedge-6076-klog-kubelet.txt",
            &[
                "\"Started kubelet\"",
                "\"Starting to listen read-only\"",
                "\"Starting FS ResourceAnalyzer\"",
                "\"Adding debug handlers",
                "\"Starting to sync pod status",
                "\"Starting Kubelet Volume Manager\"",
                "\"Desired state populator",
                "\"Starting kubelet main sync loop\"",
                "\"Reconciler: start",
                "\"Skipping pod synchronization\"",
                "\"Failed to listen and serve\"",
            ][..],
        ),
        (
            "kubernetes-54760-journald-klog.txt",
            &["checking backoff", "Back-off 5m0s", "Error syncing pod"][..],
        ),
    ] {
        let text = std::fs::read_to_string(dir().join(file)).expect(file);
        let view = strip(&text);
        let lines: Vec<&str> = view.text.lines().collect();
        assert_eq!(lines.len(), first_words.len(), "{file}: {lines:#?}");
        for (line, words) in lines.iter().zip(first_words) {
            assert!(line.starts_with(words), "{file}: {line:?}");
            // Only the header went: the line is the end of the paste's own line.
            assert!(text.lines().any(|l| l.ends_with(line)), "{file}: {line:?}");
        }
    }
}

/// The card of a decision says where its text came from (shapes 1 and 2): read as decoded JSON,
/// unescaped first, or written after an empty blob, which is said to be empty; a blob's card
/// says none of it. A Windows wrapper is quoted with its own capitals (shape 10).
#[test]
fn cards_say_how_the_decision_was_read() {
    use aci_triage_core::explain::finding_doc;
    use aci_triage_core::report::markdown;
    let card = |file: &str| {
        let text = std::fs::read_to_string(dir().join(file)).expect(file);
        let a = analyze(&text);
        let [f] = &a.findings[..] else {
            panic!("{file}: {:?}", a.findings)
        };
        markdown(&finding_doc(f, "f"))
    };
    const JSON: &str = "This decision was read as decoded JSON written in the paste";
    for (file, says, not) in [
        ("variant-decoded-json-mail-quoted.txt", JSON, "escaped"),
        ("vn2-devicehash-json-fence.txt", JSON, "escaped"),
        (
            "variant-escaped-three-times.txt",
            "It was escaped 3 times inside strings and was unescaped first.",
            "blob itself is empty",
        ),
        (
            "variant-go-string-escaped-once.txt",
            "It was escaped once inside a string",
            "blob itself is empty",
        ),
        (
            "variant-empty-blob-then-raw-json.txt",
            "The policyDecision blob itself is empty (nothing between its markers); the decision was written as JSON right after it",
            JSON,
        ),
        ("vn2-troubleshooting-event.txt", "invalid command", "decoded JSON written"),
        (
            "variant-windows-wrapper.txt",
            "CreateContainer operation is denied by policy",
            "decoded JSON written",
        ),
    ] {
        let md = card(file);
        assert!(md.contains(says), "{file}: {md}");
        assert!(!md.contains(not), "{file}: {md}");
    }
}
