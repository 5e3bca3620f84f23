//! The scanner and decoder over realistic pastes (see tests/fixtures/generate.py for how each
//! shape was made).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::{
    analyze, Analysis, DecisionFinding, Finding, FindingKind, RuleSource,
};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decision(f: &Finding) -> &DecisionFinding {
    match &f.kind {
        FindingKind::Decision(d) => d,
        other => panic!("expected a decision, got {other:?}"),
    }
}

fn errors(f: &Finding) -> Vec<String> {
    decision(f)
        .blob
        .decision
        .as_ref()
        .expect("decision")
        .errors()
        .to_vec()
}

fn rule(f: &Finding) -> Option<(String, RuleSource)> {
    decision(f).rule().map(|(r, s)| (r.to_string(), s))
}

/// 1-based numbers of the lines that contain `needle`, found independently of the scanner.
fn lines_with(text: &str, needle: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase())
        })
        .map(|(i, _)| i + 1)
        .collect()
}

fn lines_of(f: &Finding) -> Vec<usize> {
    f.occurrences.iter().map(|o| o.line).collect()
}

#[test]
fn describe_pod_events_table() {
    let text = fixture("describe-pod.txt");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 2, "{a:#?}");
    assert_eq!(a.total_occurrences, 3);
    let blob_lines = lines_with(&text, "policyDecision<");

    let mount = &a.findings[0];
    assert_eq!(
        rule(mount),
        Some(("mount_device".into(), RuleSource::Input))
    );
    assert_eq!(errors(mount), ["deviceHash not found"]);
    assert_eq!(lines_of(mount), blob_lines[..1]);
    let w = decision(mount).wrapper.as_ref().expect("mount wrapper");
    assert!(w
        .details
        .contains(&("target".to_string(), "/run/mounts/m9".to_string())));

    let create = &a.findings[1];
    assert_eq!(
        rule(create),
        Some(("create_container".into(), RuleSource::Wrapper))
    );
    assert_eq!(errors(create), ["invalid command"]);
    assert!(create_truncated(create));
    assert_eq!(lines_of(create), blob_lines[1..]);
    assert_eq!(decision(create).host[0].0, "container ID");
    // `(x3 over 2m)` on the first of its rows: kubectl saw it three times there.
    let counts: Vec<u32> = create.occurrences.iter().map(|o| o.kubectl_count).collect();
    assert_eq!(counts, [3, 0]);
    assert_eq!(mount.occurrences[0].kubectl_count, 0);
    let seen = aci_triage_core::explain::occurrence_text(&create.occurrences);
    assert!(seen.contains("kubectl counted it 4 times"), "{seen}");

    // Byte ranges point at the blobs in the paste.
    for f in &a.findings {
        for o in &f.occurrences {
            let s = &text[o.range.clone()];
            assert!(
                s.starts_with("policyDecision< ") && s.ends_with(" >policyDecision"),
                "{s}"
            );
        }
    }
}

fn create_truncated(f: &Finding) -> bool {
    decision(f)
        .blob
        .decision
        .as_ref()
        .is_some_and(|d| d.was_truncated("input"))
}

#[test]
fn kubectl_events_json_with_escaped_delimiters() {
    let text = fixture("events.json");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 2, "{a:#?}");
    let first = decision(&a.findings[0]);
    assert!(first.blob.escaped_delimiters);
    assert_eq!(rule(&a.findings[0]).unwrap().0, "create_container");
    assert_eq!(errors(&a.findings[0]), ["invalid command"]);

    let env = &a.findings[1];
    assert_eq!(
        rule(env),
        Some(("create_container".into(), RuleSource::Input))
    );
    assert_eq!(
        errors(env),
        ["invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT"]
    );
    // \u003c escapes inside the decoded JSON read as the characters they stand for.
    let input = decision(env)
        .blob
        .decision
        .as_ref()
        .unwrap()
        .input
        .as_ref()
        .unwrap();
    let env_list = &input.iter().find(|(k, _)| *k == "envList").unwrap().1;
    let serde_json::Value::Array(items) = env_list else {
        panic!("{env_list:?}")
    };
    assert_eq!(items[0].as_str(), Some("PATH=<<redacted>>"));
    // The range covers the escaped markers.
    let s = &text[env.occurrences[0].range.clone()];
    assert!(
        s.starts_with("policyDecision\\u003c") && s.ends_with("\\u003epolicyDecision"),
        "{s}"
    );
}

#[test]
fn kubectl_events_yaml_folded_lines() {
    let text = fixture("events.yaml");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 2, "{a:#?}");
    assert_eq!(
        rule(&a.findings[0]),
        Some(("mount_device".into(), RuleSource::Input))
    );
    // The mount wrapper spans two lines in the YAML.
    let w = decision(&a.findings[0])
        .wrapper
        .as_ref()
        .expect("wrapper across lines");
    assert_eq!(w.rule, "mount_device");
    assert_eq!(
        rule(&a.findings[1]),
        Some(("create_container".into(), RuleSource::Wrapper))
    );
    assert!(decision(&a.findings[1]).blob.closed);
}

#[test]
fn hard_wrapped_terminal_copy() {
    let text = fixture("wrapped.txt");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    let f = &a.findings[0];
    assert!(decision(f).blob.closed);
    assert!(decision(f).blob.json_problem.is_none());
    assert_eq!(
        errors(f),
        ["invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT"]
    );
    assert_eq!(lines_of(f), lines_with(&text, "policyDecision<"));
}

#[test]
fn html_escaped_portal_copy() {
    let a = analyze(&fixture("portal.html"));
    assert_eq!(a.findings.len(), 1);
    assert!(decision(&a.findings[0]).blob.escaped_delimiters);
    assert_eq!(errors(&a.findings[0]), ["invalid command"]);
}

#[test]
fn mixed_paste_collapses_identical_decisions_and_keeps_the_cut_one() {
    let text = fixture("mixed.txt");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 3, "{a:#?}");
    assert_eq!(a.total_occurrences, 4);

    // Lower-case markers, truncated input, exec wrapper.
    assert_eq!(
        rule(&a.findings[0]),
        Some(("exec_in_container".into(), RuleSource::Wrapper))
    );

    // The JSON-in-JSON copy and the unpadded copy are the same decision.
    let mount = &a.findings[1];
    assert_eq!(mount.occurrences.len(), 2);
    assert_eq!(errors(mount), ["deviceHash not found"]);
    assert_eq!(
        lines_of(mount),
        [
            lines_with(&text, "\"log\"")[0],
            lines_with(&text, "lun 9 onto")[1]
        ]
    );

    // The blob cut off by a partial copy decodes as far as it goes.
    let cut = decision(&a.findings[2]);
    assert!(!cut.blob.closed);
    assert!(cut.blob.is_incomplete());
    assert_eq!(
        cut.wrapper.as_ref().map(|w| w.rule),
        Some("create_container")
    );
    let d = cut.blob.decision.as_ref().expect("partial decision");
    assert_eq!(d.decision.as_deref(), Some("deny"));
    assert_eq!(d.rule, None, "the rule comes after the cut");
    assert!(cut.blob.repaired.is_some());
}

#[test]
fn damaged_blobs_still_show_what_they_can() {
    let text = fixture("damaged.txt");
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 2, "{a:#?}");

    let bang = decision(&a.findings[0]);
    assert_eq!(bang.blob.invalid_chars.len(), 1);
    let (offset, ch) = bang.blob.invalid_chars[0];
    assert_eq!(ch, '!');
    assert_eq!(&text[offset..offset + 1], "!");
    assert_eq!(errors(&a.findings[0]), ["invalid command"]);

    let broken = decision(&a.findings[1]);
    let p = broken
        .blob
        .json_problem
        .as_ref()
        .expect("JSON problem reported");
    assert_eq!(p.line, 1);
    assert!(p.column > 50, "{p:?}");
    assert_eq!(
        errors(&a.findings[1]),
        ["invalid command"],
        "the part before the damage is kept"
    );
}

#[test]
fn nothing_relevant() {
    let a: Analysis = analyze(&fixture("no-findings.txt"));
    assert!(a.findings.is_empty());
    assert_eq!(a.total_occurrences, 0);
}

#[test]
fn seed_examples_from_the_reference() {
    use aci_triage_core::examples::{SEED_CREATE_CONTAINER, SEED_MOUNT_DEVICE};
    let a = analyze(SEED_CREATE_CONTAINER);
    assert_eq!(a.findings.len(), 1);
    let d = decision(&a.findings[0]);
    assert_eq!(
        d.blob.text,
        r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#
    );
    assert_eq!(rule(&a.findings[0]).unwrap().0, "create_container");

    let a = analyze(SEED_MOUNT_DEVICE);
    assert_eq!(
        rule(&a.findings[0]),
        Some(("mount_device".into(), RuleSource::Input))
    );
    assert_eq!(errors(&a.findings[0]), ["deviceHash not found"]);
}

#[test]
fn unclosed_blob_does_not_swallow_the_next_line() {
    let b64 = "eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfX0";
    let text = format!(
        "container creation denied due to policy: policyDecision< {}\nNormal\n",
        &b64[..40]
    );
    let a = analyze(&text);
    let d = decision(&a.findings[0]);
    assert!(!d.blob.closed);
    assert_eq!(d.blob.dropped_lines, 1);
    assert!(d.blob.text.starts_with("{\"decision\":\"deny\""));
}

#[test]
fn url_encoded_copy_from_a_link() {
    // base64 of {"decision":"deny","input":{"rule":"mount_device","deviceHash":"ab?>>"},…}: its
    // `+` and `=` arrive as %2B and %3D, the delimiters as %3C and %3E, spaces as %20.
    let text = "x policyDecision%3C%20eyJkZWNpc2lvbiI6ImRlbnkiLCJpbnB1dCI6eyJydWxlIjoibW91bnRfZGV2aWNlIiwiZGV2aWNlSGFzaCI6ImFiPz4%2BIiwidGFyZ2V0IjoiL3J1bi9tb3VudHMvbTEifSwicmVhc29uIjp7ImVycm9ycyI6WyJkZXZpY2VIYXNoIG5vdCBmb3VuZCJdfX0%3D%20%3EpolicyDecision";
    let a = analyze(text);
    assert_eq!(a.findings.len(), 1);
    let d = decision(&a.findings[0]);
    assert!(d.blob.closed && !d.blob.is_incomplete(), "{d:#?}");
    assert!(d.blob.invalid_chars.is_empty());
    assert_eq!(errors(&a.findings[0]), ["deviceHash not found"]);
    assert!(
        d.blob.text.contains(r#""deviceHash":"ab?>>""#),
        "{}",
        d.blob.text
    );
}
