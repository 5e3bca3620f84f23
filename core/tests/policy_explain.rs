//! The policy's documents (explain::policy): the policy as its own finding, each denial held
//! against it, the DNS risk and the notes for bad input, built from the real policies in
//! `fixtures/policy/` (provenance in its SOURCES.md) and denials made for them.

use aci_triage_core::decode::analyze;
use aci_triage_core::explain::policy::{report, ticket_markdown, worth_reading, PolicyReport};
use aci_triage_core::report::markdown;
use base64::Engine;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/policy")
            .join(name),
    )
    .unwrap()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn blob(json: &str) -> String {
    format!("policyDecision< {} >policyDecision", b64(json))
}

/// A `create_container` denial of the nginx pod (fixture 01) whose command differs from the
/// policy's `["nginx","-g","daemon off;"]` in its last element.
const NGINX_DENIAL: &str = r#"{"decision":"deny","input":{"argList":["nginx","-g","daemon on;"],"containerID":"5f1d","envList":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"mounts":[],"privileged":false,"rule":"create_container","workingDir":"/"},"reason":{"errors":["invalid command"]}}"#;

fn docs_md(r: &PolicyReport) -> Vec<String> {
    r.documents.iter().map(|d| markdown(d)).collect()
}

fn pod_with_denial() -> String {
    format!(
        "{}\n---\n# events\n# Warning  Failed  kubelet  Error: failed to create containerd task: {}\n",
        fixture("01-vn2-nginx-pod.yaml"),
        blob(NGINX_DENIAL)
    )
}

#[test]
fn a_pod_yaml_with_a_denial_shows_the_policy_and_the_differing_command() {
    let text = pod_with_denial();
    assert!(worth_reading(&text));
    let a = analyze(&text);
    assert_eq!(a.findings.len(), 1);
    let r = report(&text, &a);
    let docs = docs_md(&r);
    // The policy, the DNS risk of the Confidential pod (no injectdns), nothing else.
    assert_eq!(docs.len(), 2, "{docs:#?}");
    let pol = &docs[0];
    assert!(
        pol.starts_with("## CCE policy of Pod confidential-alpine"),
        "{pol}"
    );
    for want in [
        "API `0.10.0` (as api_version), framework `0.2.3` (as framework_version).",
        "Container 1: mypod",
        "`mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine`",
        "`[\"nginx\",\"-g\",\"daemon off;\"]`",
        "2 layers (dm-verity root hashes, base layer first)",
        "(the built-in pause container)",
        "`allow_environment_variable_dropping`",
        "feed `mcr.microsoft.com/aci/aci-cc-infra-fragment`",
    ] {
        assert!(pol.contains(want), "missing {want:?} in\n{pol}");
    }
    // The comparison, keyed by the denial's blob.
    assert_eq!(r.comparisons.len(), 1);
    let c = markdown(&r.comparisons[0].blocks);
    assert!(c.contains("### Against the pod's policy"), "{c}");
    assert!(c.contains("#### `invalid command`"), "{c}");
    assert!(
        c.contains("mypod (containers[0]): `[\"nginx\",\"-g\",\"daemon off;\"]` — differs at element 3: the policy has `daemon off;`, the denial ran `daemon on;`"),
        "{c}"
    );
    assert!(c.contains("chosen by the manifest's container name"), "{c}");
    // The ticket has the comparison right after its finding, and the policy after.
    let md = ticket_markdown(&a, Some(&r), None);
    let at_finding = md.find("Policy denial").or_else(|| md.find("## ")).unwrap();
    let at_cmp = md.find("differs at element 3").unwrap();
    let at_policy = md.find("## CCE policy of Pod").unwrap();
    assert!(at_finding < at_cmp && at_cmp < at_policy, "{md}");
    // Without a policy report it is the decoder's own ticket.
    assert_eq!(
        ticket_markdown(&a, None, None),
        aci_triage_core::explain::ticket_markdown(&a, None)
    );
}

#[test]
fn the_report_crosses_a_module_boundary_as_json() {
    let text = pod_with_denial();
    let r = report(&text, &analyze(&text));
    let json = serde_json::to_string(&r).unwrap();
    let back: PolicyReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    // The module's export is that same JSON.
    let exported = aci_triage_core::explain::policy::analyze_json(&text);
    assert_eq!(
        aci_triage_core::explain::policy::from_json(&exported),
        Some(r)
    );
    assert_eq!(
        aci_triage_core::explain::policy::from_json("not json"),
        None
    );
    assert_eq!(
        aci_triage_core::explain::policy::from_json(
            r#"{"documents":[[{"Para":{"text":[]}}]],"comparisons":[]}"#
        ),
        None,
        "a block without its class is not read"
    );
    // Every kind of block and inline the reports use reads back equal (the DNS risk has links,
    // sources and a Pre with a copy button; the policy has Defs, Details, Badges and a Table).
    let dns = aci_triage_core::explain::policy::analyze_json(&fixture("01-vn2-nginx-pod.yaml"));
    let r2: PolicyReport = serde_json::from_str(&dns).unwrap();
    assert_eq!(aci_triage_core::explain::policy::from_json(&dns), Some(r2));
    for kind in [
        "\"Heading\"",
        "\"Defs\"",
        "\"Details\"",
        "\"Badges\"",
        "\"Table\"",
        "\"Pre\"",
        "\"Link\"",
        "\"Section\"",
        "\"List\"",
    ] {
        assert!(
            json.contains(kind) || dns.contains(kind),
            "{kind} not exercised"
        );
    }
    assert!(serde_json::from_str::<PolicyReport>("{\"documents\":1}").is_err());
}

#[test]
fn a_denial_that_matches_the_policy_is_said_to_come_from_elsewhere() {
    let ok = NGINX_DENIAL.replace("daemon on;", "daemon off;");
    let text = format!("{}\n{}\n", fixture("01-vn2-nginx-pod.yaml"), blob(&ok));
    let r = report(&text, &analyze(&text));
    let c = markdown(&r.comparisons[0].blocks);
    assert!(
        c.contains("`[\"nginx\",\"-g\",\"daemon off;\"]` — the same"),
        "{c}"
    );
    assert!(!c.contains("differs at element"), "{c}");
}

#[test]
fn a_describe_with_a_cut_annotation_says_so() {
    let ann = fixture("01-vn2-nginx-pod.yaml")
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("microsoft.containerinstance.virtualnode.ccepolicy: ")
                .map(str::to_string)
        })
        .unwrap();
    let text = format!("Name:             confidential-alpine\nNamespace:        default\nAnnotations:      microsoft.containerinstance.virtualnode.ccepolicy:\n                    {}...\nStatus:           Pending\n", &ann[..138]);
    let r = report(&text, &analyze(&text));
    let docs = docs_md(&r);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    assert!(
        docs[0].starts_with("## CCE policy of pod confidential-alpine"),
        "{}",
        docs[0]
    );
    assert!(docs[0].contains("`incomplete`"), "{}", docs[0]);
    assert!(
        docs[0].contains("`kubectl describe` cut the annotation (it shortens long values and marks them `...`): only the first 138 base64 characters are in the paste."),
        "{}",
        docs[0]
    );
    assert!(docs[0].contains("API `0.10.0`"), "{}", docs[0]);
    // A denial beside it has nothing to be held against: the cut kept no container.
    let with_denial = format!(
        "{text}Events:\n  Warning  Failed  kubelet  Error: {}\n",
        blob(NGINX_DENIAL)
    );
    let r = report(&with_denial, &analyze(&with_denial));
    assert_eq!(r.documents.len(), 1);
    assert!(r.comparisons.is_empty(), "{:?}", r.comparisons);
}

#[test]
fn an_arm_template_with_its_policy() {
    let mut arm: serde_json::Value =
        serde_json::from_str(&fixture("03-confcom-aci-command-arm_template.json")).unwrap();
    arm["resources"][0]["properties"]["confidentialComputeProperties"]["ccePolicy"] =
        b64(&fixture("03-confcom-aci-command-policy.rego")).into();
    let text = serde_json::to_string_pretty(&arm).unwrap();
    let r = report(&text, &analyze(&text));
    let docs = docs_md(&r);
    assert_eq!(
        docs.len(),
        1,
        "ARM groups have no cluster DNS risk: {docs:#?}"
    );
    let d = &docs[0];
    assert!(
        d.starts_with("## CCE policy of containerGroups group1"),
        "{d}"
    );
    assert!(
        d.contains("From the ARM property `properties.confidentialComputeProperties.ccePolicy`"),
        "{d}"
    );
    assert!(
        d.contains("`[\"/bin/sh\",\"-c\",\"while true; do echo hello; sleep 10; done\"]`"),
        "{d}"
    );
    // The template as generated has no policy yet: said so.
    let empty = fixture("03-confcom-aci-command-arm_template.json");
    let r = report(&empty, &analyze(&empty));
    let all = docs_md(&r).join("\n");
    assert!(
        all.contains("The policy value is empty: no policy yet."),
        "{all}"
    );
}

#[test]
fn the_dns_risk_finding() {
    let pod = fixture("01-vn2-nginx-pod.yaml");
    let docs = docs_md(&report(&pod, &analyze(&pod)));
    let dns = docs
        .iter()
        .find(|d| d.starts_with("## Cluster DNS unreachable from Pod confidential-alpine: every lookup waits for the first nameserver's timeout"))
        .expect("a DNS risk document");
    assert!(
        dns.contains("microsoft.containerinstance.virtualnode.injectdns: \"false\""),
        "{dns}"
    );
    assert!(dns.contains("It is a Confidential pod"), "{dns}");
    // With injectdns "false" the risk is gone.
    let fixed = pod.replace("\r\n", "\n").replacen(
        "  annotations:\n",
        "  annotations:\n    microsoft.containerinstance.virtualnode.injectdns: \"false\"\n",
        1,
    );
    assert!(fixed.contains("injectdns"), "the annotation was added");
    let docs = docs_md(&report(&fixed, &analyze(&fixed)));
    assert!(
        !docs.iter().any(|d| d.contains("Cluster DNS unreachable")),
        "{docs:#?}"
    );
    // A plain pod without kube-proxy has it too.
    let plain = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
    assert!(worth_reading(plain));
    let docs = docs_md(&report(plain, &analyze(plain)));
    assert_eq!(docs.len(), 1, "{docs:#?}");
    assert!(
        docs[0].contains(
            "It sets `microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"`"
        ),
        "{}",
        docs[0]
    );
}

#[test]
fn allow_all_kata_and_bad_input_are_named() {
    let allow = fixture("02-vn2-allow-all-policy.rego");
    let d = docs_md(&report(&allow, &analyze(&allow))).join("\n");
    assert!(
        d.contains("`allow-all`") && d.contains("An allow-all policy"),
        "{d}"
    );

    let not_b64 = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    microsoft.containerinstance.virtualnode.ccepolicy: \"cGFja2FnZSBwb2xpY3kK!!!\"\nspec:\n  containers:\n  - name: c\n    image: x\n";
    let d = docs_md(&report(not_b64, &analyze(not_b64))).join("\n");
    assert!(d.contains("The policy's base64 is damaged"), "{d}");

    // 120 KiB and more: the size is itself a known failure cause.
    let base = fixture("03-confcom-aci-command-policy.rego");
    let big = format!("{base}\n# {}\n", "x".repeat(125 * 1024));
    let d = docs_md(&report(&big, &analyze(&big))).join("\n");
    assert!(
        d.contains("Policies of 120 KiB and more are a known cause of failed deployments"),
        "{d}"
    );

    assert!(!worth_reading(
        "Events:\n  Warning  Failed  policyDecision< eyJ9 >policyDecision"
    ));
}

#[test]
fn hostile_inputs_get_documents_and_read_back() {
    // The policy fuzz target's corpus (damaged base64, YAML, Rego), each with a denial beside
    // it: no panic, and the JSON the reader module sends reads back equal in the first module.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/policy");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let data = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for text in [data.clone(), format!("{data}\n{}\n", blob(NGINX_DENIAL))] {
            let json = aci_triage_core::explain::policy::analyze_json(&text);
            let derived: PolicyReport = serde_json::from_str(&json).unwrap();
            assert_eq!(
                aci_triage_core::explain::policy::from_json(&json),
                Some(derived),
                "{}",
                path.display()
            );
            n += 1;
        }
    }
    assert!(n >= 20, "{n} inputs");
}

#[test]
fn a_policy_repeated_many_times_is_one_document() {
    // A describe of every replica (the large-paste case: hundreds of copies).
    let one = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describe-pod.txt"),
    )
    .unwrap();
    let many = one.repeat(300);
    let r = report(&many, &analyze(&many));
    let docs = docs_md(&r);
    assert_eq!(docs.len(), 1, "{}", docs.len());
    // Rego text pasted twice: one document that says so.
    let policy = fixture("09-confcom-vn2-basic_command_args-policy.rego");
    let twice = format!("Policy for Pod: a\n{policy}\nPolicy for Pod: a\n{policy}");
    let docs = docs_md(&report(&twice, &analyze(&twice)));
    assert!(docs.len() <= 2, "{docs:#?}");
    if docs.len() == 1 {
        assert!(
            docs[0].contains("The same policy is in the paste 2 times"),
            "{}",
            docs[0]
        );
    }
    // Different policies beyond the limit are counted, not shown.
    let distinct: String = (0..14)
        .map(|i| format!("Name: p{i}\nAnnotations:      microsoft.containerinstance.virtualnode.ccepolicy: {}\n\n", b64(&format!("package policy\n\napi_version := \"0.{i}.0\"\n"))))
        .collect();
    let docs = docs_md(&report(&distinct, &analyze(&distinct)));
    assert_eq!(docs.len(), 11, "{docs:#?}");
    assert!(
        docs[10].contains("The paste holds 14 different policies; the first 10 are shown."),
        "{}",
        docs[10]
    );
}

#[test]
fn the_report_carries_the_wizards_facts_and_where_the_policy_is() {
    let pod = fixture("01-vn2-nginx-pod.yaml");
    let exported = aci_triage_core::explain::policy::analyze_json(&pod);
    let r = aci_triage_core::explain::policy::from_json(&exported).expect("a report");
    let f = r.wizard.as_ref().expect("the pod's facts");
    assert!(f.confidential && !f.dns_injection_off && !f.kube_proxy_off);
    assert_eq!(f.pod, "Pod confidential-alpine");
    // The places are for this text, and the policy value is the annotation's base64.
    assert!(r.places.fits(&pod));
    let (s, e) = r.places.values[0];
    assert!(pod[s..e].starts_with("cGFja2FnZS") && pod[..s].ends_with("ccepolicy: "));
    // The DNS-risk card opens the wizard's path for pods without kube-proxy, where the paste
    // answers the DNS question.
    let blocks = serde_json::to_string(&r.documents).unwrap();
    assert!(
        blocks.contains(&format!(
            "\"href\":\"{}\",\"text\":\"troubleshoot network latency\"",
            aci_triage_core::wizard::CONFIDENTIAL_LINK
        )),
        "{blocks}"
    );
    // A pod with only `injectdns: "false"` is read too (for the wizard), with no card.
    let dns_off = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    microsoft.containerinstance.virtualnode.injectdns: \"false\"\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
    assert!(worth_reading(dns_off));
    let r = report(dns_off, &analyze(dns_off));
    assert!(r.documents.is_empty() && !r.is_empty());
    assert!(r.wizard.unwrap().dns_injection_off);
}
