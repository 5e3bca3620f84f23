//! What the paste itself tells about each finding (issue 15) and the codes and field names shown
//! beside what is explained (issue 12): read from real texts where there are some
//! (`tests/fixtures/real/`, sources in its SOURCES.md) and from the built-in example.
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::analyze;
use aci_triage_core::examples::describe_pod_example;
use aci_triage_core::explain::{card_doc, finding_title};
use aci_triage_core::report::markdown;
use base64::Engine;

fn real(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn card(text: &str, i: usize) -> String {
    let a = analyze(text);
    markdown(&card_doc(&a, i))
}

/// The line of `md` that holds `part` (the test fails, with the whole card, if none does).
fn line_with<'a>(md: &'a str, part: &str) -> &'a str {
    md.lines()
        .find(|l| l.contains(part))
        .unwrap_or_else(|| panic!("no line with {part:?} in:\n{md}"))
}

fn blob(json: &str) -> String {
    format!(
        "policyDecision< {} >policyDecision",
        base64::engine::general_purpose::STANDARD.encode(json)
    )
}

#[test]
fn events_json_gives_count_pod_container_and_times() {
    let text = real("variant-events-json-count.json");
    let a = analyze(&text);
    let o = &a.findings[0].occurrences[0];
    assert_eq!(o.kubectl_count, 7);
    assert_eq!(o.place.pod.as_deref(), Some("vn2-nginx"));
    assert_eq!(o.place.namespace.as_deref(), Some("default"));
    assert_eq!(o.place.container.as_deref(), Some("nginx"));
    let md = card(&text, 0);
    assert!(md.contains("kubectl counted it 7 times"), "{md}");
    assert!(
        md.contains("Pod `vn2-nginx` in namespace `default`, container `nginx`, first seen 2026-05-04T10:14:02Z, last seen 2026-05-04T10:22:31Z."),
        "{md}"
    );
}

#[test]
fn the_events_table_gives_count_pod_container_and_ages() {
    let text = real("variant-events-table-count.txt");
    let a = analyze(&text);
    let o = &a.findings[0].occurrences[0];
    assert_eq!(o.kubectl_count, 7);
    assert_eq!(o.place.pod.as_deref(), Some("vn2-nginx"));
    assert_eq!(o.place.container.as_deref(), Some("nginx"));
    let md = card(&text, 0);
    assert!(
        md.contains("Pod `vn2-nginx`, container `nginx`, first seen 17m ago, last seen 8m ago (as of when kubectl listed it)."),
        "{md}"
    );
}

#[test]
fn events_yaml_gives_count_and_pod() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let a = analyze(&text);
    let counts: Vec<u32> = a
        .findings
        .iter()
        .map(|f| f.occurrences[0].kubectl_count)
        .collect();
    // Each event's own count, with or without its involvedObject.
    assert_eq!(counts, [3, 1]);
    let p = &a.findings[0].occurrences[0].place;
    assert_eq!(p.pod.as_deref(), Some("web-7d4b9c6f5-x2xkq"));
    assert_eq!(p.namespace.as_deref(), Some("shop"));
}

#[test]
fn the_example_counts_what_kubectl_says_and_puts_the_mutable_tag_first() {
    let text = describe_pod_example();
    let a = analyze(&text);
    assert_eq!(a.mutable_images, ["myregistry.azurecr.io/web:latest"]);
    // `(x3 over 2m)` and one more row: 4, as kubectl counted.
    let create = card(&text, 1);
    assert!(create.contains("kubectl counted it 4 times (its repeat count for the event: 3 times on line 12, once on line 13)."), "{create}");
    assert!(
        create.contains(
            "Pod `web-7d4b9c6f5-x2xkq` in namespace `shop`, first seen 2m ago, last seen 30s ago"
        ),
        "{create}"
    );
    // The layer denial's first cause is the mutable tag, naming the paste's image.
    let mount = card(&text, 0);
    let causes = mount.split("##### Likely causes").nth(1).unwrap();
    let first = causes.trim_start().lines().next().unwrap();
    assert!(
        first.starts_with("1. A mutable tag (such as `latest`)"),
        "{first}"
    );
    assert!(causes.contains("This paste shows `myregistry.azurecr.io/web:latest`: a tag that can point at a new image"), "{causes}");
    // Without the image on :latest, the order is the catalog's and nothing is named.
    let plain = text.replace("web:latest", "web:1.4.2");
    assert!(analyze(&plain).mutable_images.is_empty());
    assert!(!card(&plain, 0).contains("This paste shows"));
}

#[test]
fn arm_codes_are_shown_beside_the_message() {
    let text = real("confidential-ai-9-arm-invalidccepolicy.txt");
    let md = card(&text, 0);
    assert!(
        md.contains(
            "Error codes, outermost first: `DeploymentFailed` › `BadRequest` › `InvalidCcePolicy`"
        ),
        "{md}"
    );
    // Next to the verbatim message, before its explanation.
    let codes = md.find("Error codes").unwrap();
    let verbatim = md.find("`The CCE Policy").unwrap_or(0);
    assert!(verbatim < codes, "{md}");
}

#[test]
fn an_allow_decision_is_not_a_denial() {
    let text = blob(
        r#"{"decision":"allow","input":{"rule":"create_container","argList":["/pause"]},"reason":{"errors":[]}}"#,
    );
    let a = analyze(&text);
    assert_eq!(
        finding_title(&a.findings[0]),
        "Starting a container — allowed, not a denial"
    );
    let md = card(&text, 0);
    assert!(!md.contains("Why it was denied"), "{md}");
    assert!(!md.contains("Usually yours to fix"), "{md}");
    assert!(
        md.contains("This decision allowed the request: it is not a denial."),
        "{md}"
    );
}

#[test]
fn a_decision_names_its_own_fields() {
    let text = aci_triage_core::examples::SEED_CREATE_CONTAINER;
    let md = card(text, 0);
    assert!(
        md.contains("### What the platform cut (`truncated`)"),
        "{md}"
    );
    assert!(md.contains("### Why it was denied (`reason`)"), "{md}");
    let md = card(aci_triage_core::examples::SEED_MOUNT_DEVICE, 0);
    assert!(
        md.contains("### What the platform asked for (`input`)"),
        "{md}"
    );
}

#[test]
fn a_trimmed_decision_says_its_rule_was_inferred_from_the_message() {
    // Neither input nor truncated, no wrapper: a message one point reports names it; one a few
    // points report names the likeliest and the others.
    let md = card(
        &blob(r#"{"decision":"deny","reason":{"errors":["deviceHash not found"]}}"#),
        0,
    );
    assert!(
        md.starts_with("## Mounting a read-only image layer — deviceHash not found"),
        "{md}"
    );
    assert!(md.contains("Enforcement point `mount_device`, inferred from the error message, which only this enforcement point reports"), "{md}");
    let md = card(
        &blob(r#"{"decision":"deny","reason":{"errors":["invalid env list: FOO"]}}"#),
        0,
    );
    assert!(md.contains("Enforcement point `create_container`, inferred from the error message, which only this point and `exec_in_container` or `exec_external` report"), "{md}");
}

#[test]
fn decoding_notes_give_line_and_column() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(r#"{"decision":"deny"}"#);
    let text = format!(
        "first line\n  policyDecision< {}#{} >policyDecision",
        &b64[..8],
        &b64[8..]
    );
    let md = card(&text, 0);
    assert!(
        md.contains("\u{201c}#\u{201d} at line 2, column 27 of the paste"),
        "{md}"
    );
}

#[test]
fn follow_on_messages_say_so_in_the_card() {
    let md = card(
        &blob(
            r#"{"decision":"deny","input":{"rule":"create_container"},"reason":{"errors":["invalid command","invalid env list: APP_IDENTITY_ENDPOINT"]}}"#,
        ),
        0,
    );
    assert!(
        md.contains("Probably not the cause: with confcom's default"),
        "{md}"
    );
    // The cause is what the headline names.
    assert!(
        md.starts_with("## Starting a container — invalid command\n"),
        "{md}"
    );
}

/// `kubectl get events -A -o json` with one denial event for each of `pods` pods.
fn events_of_pods(pods: usize) -> String {
    let items: Vec<serde_json::Value> = (0..pods)
        .map(|i| {
            serde_json::json!({
                "apiVersion": "v1",
                "count": 1,
                "firstTimestamp": "2026-05-04T10:14:02Z",
                "lastTimestamp": "2026-05-04T10:14:02Z",
                "involvedObject": {
                    "kind": "Pod",
                    "name": format!("web-{i}"),
                    "namespace": "shop",
                    "fieldPath": "spec.containers{app}"
                },
                "kind": "Event",
                "message": format!("failed to create containerd task: failed to create shim task: guest RPC failure: container creation denied due to policy: {}: unknown", blob(r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#)),
                "reason": "Failed",
                "type": "Warning"
            })
        })
        .collect();
    serde_json::to_string_pretty(
        &serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List"}),
    )
    .unwrap()
}

#[test]
fn many_places_list_ten_then_the_others_in_one_paragraph_and_say_what_is_not_listed() {
    let text = events_of_pods(230);
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].occurrences.len(), 230);
    let md = card(&text, 0);
    // The first ten one per line.
    for i in 0..10 {
        assert!(
            md.contains(&format!(
                "Pod `web-{i}` in namespace `shop`, container `app`"
            )),
            "{md}"
        );
    }
    assert!(!md.contains("Pod `web-10` in namespace"), "{md}");
    // The others by namespace/pod/container with their first line, each once, in one paragraph.
    let rest = line_with(&md, "And 220 more: ");
    assert!(
        rest.starts_with("And 220 more: shop/web-10/app (line "),
        "{rest}"
    );
    assert_eq!(rest.matches("; ").count(), 189, "{rest}");
    assert!(rest.contains("; shop/web-199/app (line "), "{rest}");
    assert!(!rest.contains("web-200"), "{rest}");
    // Beyond the longest list a card shows, it says how many are not listed.
    assert!(md.contains("… and 30 more, not listed here."), "{md}");
    // A finding with few places lists them all one per line, with nothing after.
    let md = card(&events_of_pods(10), 0);
    assert!(md.contains("Pod `web-9` in namespace `shop`"), "{md}");
    assert!(!md.contains(" more: "), "{md}");
}

#[test]
fn a_pod_seen_again_later_is_one_place_with_all_its_lines() {
    // The same 30 pods twice (web-0 … web-29, web-0 … web-29): each place once, with two lines,
    // in the order first seen.
    let mut list: serde_json::Value = serde_json::from_str(&events_of_pods(30)).unwrap();
    let items = list["items"].as_array().unwrap().clone();
    list["items"]
        .as_array_mut()
        .unwrap()
        .extend(items.iter().cloned());
    let text = serde_json::to_string_pretty(&list).unwrap();
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].occurrences.len(), 60);
    let md = card(&text, 0);
    for i in 0..10 {
        let line = line_with(&md, &format!("Pod `web-{i}` in namespace `shop`"));
        assert!(line.contains(" Lines "), "{line}");
        assert_eq!(md.matches(&format!("Pod `web-{i}` in")).count(), 1, "{md}");
    }
    let rest = line_with(&md, "And 20 more: ");
    assert!(
        rest.starts_with("And 20 more: shop/web-10/app (line"),
        "{rest}"
    );
    assert_eq!(rest.matches("web-29/").count(), 1, "{rest}");
}
