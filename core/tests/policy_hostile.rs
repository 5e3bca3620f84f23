//! Bad input gets a clear note and partial results, never a panic: not base64, not ASCII, not
//! Rego, JSON, cut, 120 KB and more, thousands of containers, deep nesting, random bytes.

use aci_triage_core::policy::compare::{self, Denial, Evidence, Guest};
use aci_triage_core::policy::model::{read_policy, Field, LARGE_POLICY_BYTES, MANY_CONTAINERS};
use aci_triage_core::policy::text::Base64Problem;
use aci_triage_core::policy::{read_bytes, read_paste, Note};
use base64::Engine as _;

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name);
    std::fs::read_to_string(&p).unwrap()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn pod_with(value: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    microsoft.containerinstance.virtualnode.ccepolicy: \"{value}\"\nspec:\n  containers:\n  - name: app\n    image: x\n")
}

#[test]
fn not_base64() {
    let paste = read_paste(&pod_with(&format!(
        "{}*garbage!",
        &b64(&fixture("09-confcom-vn2-basic_command_args-policy.rego"))[..400]
    )));
    let p = &paste.policies[0];
    assert!(
        p.notes.iter().any(|n| matches!(
            n,
            Note::NotBase64 {
                problem: Base64Problem::BadCharacter { at: 400, ch: '*' }
            }
        )),
        "{:?}",
        p.notes
    );
    // What came before the bad character is read: the package and versions.
    assert_eq!(p.policy.package.as_deref(), Some("policy"));
    assert!(p.policy.api_version.is_some());
    assert!(
        matches!(p.policy.containers, Field::Absent | Field::Cut),
        "{:?}",
        p.policy.containers
    );
}

#[test]
fn not_ascii_not_rego_and_json() {
    let paste = read_paste(&pod_with(&b64(
        "package policy\n\napi_version := \"0.10.0\"\n# caf\u{e9}\n",
    )));
    assert!(paste.policies[0]
        .policy
        .notes
        .contains(&Note::NotAscii { count: 1 }));
    let paste = read_paste(&pod_with(&b64("this is some text, not a policy at all")));
    let p = &paste.policies[0];
    assert!(p.notes.contains(&Note::NotAPolicy));
    assert!(p.policy.notes.contains(&Note::NotRego));
    let paste = read_paste(&pod_with(&b64("{\"allow_all\": true}")));
    assert!(paste.policies[0].notes.contains(&Note::JsonPolicy));
    // Binary after decoding.
    let bin = base64::engine::general_purpose::STANDARD
        .encode([0u8, 159, 146, 150, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    let paste = read_paste(&pod_with(&bin));
    assert!(paste.policies[0].notes.contains(&Note::NotAPolicy));
}

#[test]
fn cut_in_the_middle_of_containers() {
    let text = fixture("09-confcom-vn2-basic_command_args-policy.rego");
    let cut = &text[..text.find("\"layers\"").unwrap()];
    let p = read_policy(cut);
    assert_eq!(p.containers, Field::Cut);
    assert!(p.notes.contains(&Note::PolicyCut {
        in_value: "containers".into()
    }));
    // The complete values before the cut are there.
    assert_eq!(p.fragment_list().len(), 1);
    assert!(p.framework_version.is_some());
    // A base64 cut at a length that cannot be whole.
    let enc = b64(&text);
    let paste = read_paste(&pod_with(&enc[..enc.len() / 2 + 1]));
    assert!(
        paste.policies[0].cut
            || paste.policies[0]
                .policy
                .notes
                .iter()
                .any(|n| matches!(n, Note::PolicyCut { .. }))
    );
}

fn big_policy(containers: usize, repeat_of_01: bool) -> String {
    let t = fixture("01-vn2-nginx-policy.rego");
    let start = t.find("containers := [").unwrap() + "containers := [".len();
    let end = t[start..].find("\n").unwrap() + start;
    let list = &t[start..end - 1];
    let first_end = list.find("},{\"allow_elevated\"").unwrap() + 1;
    let one = if repeat_of_01 {
        list[..first_end].to_string()
    } else {
        r#"{"allow_elevated":false,"allow_stdio_access":true,"command":["a"],"env_rules":[],"exec_processes":[],"layers":["00"],"mounts":[],"name":"c","signals":[],"working_dir":"/"}"#.to_string()
    };
    let many = vec![one; containers].join(",");
    format!("{}{}]{}", &t[..start], many, &t[end..])
}

#[test]
fn a_policy_of_120_kb_and_more_is_flagged() {
    let text = big_policy(40, true);
    assert!(text.len() >= LARGE_POLICY_BYTES, "{}", text.len());
    let paste = read_paste(&pod_with(&b64(&text)));
    let p = &paste.policies[0].policy;
    assert!(p.notes.contains(&Note::LargePolicy { bytes: text.len() }));
    assert_eq!(p.container_list().len(), 40, "still read in full");
}

#[test]
fn thousands_of_containers() {
    let text = big_policy(3000, false);
    let p = read_policy(&text);
    assert_eq!(p.container_list().len(), 3000);
    assert!(p.notes.contains(&Note::ManyContainers { count: 3000 }));
    assert!(p.container_list().len() > MANY_CONTAINERS);
    // Held against a denial: every container a candidate, still an answer.
    let d = Denial::parse(r#"{"decision":"deny","input":{"argList":["b"],"containerID":"x","rule":"create_container"},"reason":{"errors":["invalid command"]}}"#).unwrap();
    let h = compare::hold(&p, &d, &Evidence::default(), &Guest::released_0_3());
    let compare::Check::Command(c) = &h.checks[0].check else {
        panic!()
    };
    assert_eq!(c.rows.len(), 3000);
    assert!(c.rows.iter().all(|r| r.first_difference == Some(0)));
}

#[test]
fn deep_nesting_and_random_bytes() {
    let deep = format!(
        "package policy\ncontainers := {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let p = read_policy(&deep);
    assert!(
        matches!(p.containers, Field::NotLiteral(_)),
        "refused, not a stack overflow"
    );
    let deep_yaml = format!("apiVersion: v1\nkind: Pod\nspec: {}\n", "[".repeat(100_000));
    let paste = read_paste(&deep_yaml);
    assert!(paste
        .notes
        .iter()
        .any(|n| matches!(n, Note::YamlError { .. })));
    let deep_json = "[".repeat(100_000);
    let _ = read_paste(&deep_json);
    let mut x: u32 = 7;
    let bytes: Vec<u8> = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    let paste = read_bytes(&bytes);
    assert!(paste.policies.is_empty());
}

#[test]
fn a_truncated_denial_compares_the_manifest_instead() {
    // The real VN2 pair: manifest (command + args) and its policy; the denial lost its input.
    let yaml = fixture("09-confcom-vn2-basic_command_args-virtual_node.yaml")
        .replace("- echo hello", "- echo goodbye");
    let paste = read_paste(&yaml);
    let policy = read_policy(&fixture("09-confcom-vn2-basic_command_args-policy.rego"));
    let d = Denial::parse(
        r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#,
    )
    .unwrap();
    let ev = Evidence {
        manifest: paste.workloads[0].containers.clone(),
        container_name: Some("app".into()),
        ..Evidence::default()
    };
    let h = compare::hold(&policy, &d, &ev, &Guest::released_0_3());
    assert!(h.prediction.is_none(), "no input, no prediction");
    assert!(h.cannot_compare.contains(&"argList"));
    assert_eq!(
        h.rule.as_deref(),
        Some("create_container"),
        "inferred from the error"
    );
    assert!(h.rule_inferred);
    assert_eq!(h.candidates.basis, compare::Basis::ManifestName);
    let m = &h.manifest_checks[0];
    assert_eq!(m.container.as_deref(), Some("app"));
    assert_eq!(m.policy_container.as_ref().map(|w| w.index), Some(0));
    assert!(m.diffs.contains(&compare::ManifestDiff::Command {
        manifest: vec!["/bin/sh".into(), "-c".into(), "echo goodbye".into()],
        policy: Some(vec!["/bin/sh".into(), "-c".into(), "echo hello".into()]),
        args_only: false,
        first_difference: Some(2),
    }));
    let compare::Check::Command(c) = &h.checks[0].check else {
        panic!()
    };
    assert_eq!(c.argv, None);
    assert_eq!(
        c.manifest[0].args.as_deref(),
        Some(&["-c".to_string(), "echo goodbye".to_string()][..])
    );
}

#[test]
fn by_name_when_the_paste_has_no_layers() {
    let policy = read_policy(&fixture("01-vn2-nginx-policy.rego"));
    let d = Denial::parse(r#"{"decision":"deny","input":{"argList":["nginx","-g","daemon on;"],"containerID":"abc","envList":["NGINX_VERSION=<<redacted>>","APP_IDENTITY_ENDPOINT=<<redacted>>","KUBERNETES_SERVICE_HOST=<<redacted>>"],"rule":"create_container","workingDir":"/"},"reason":{"errors":["invalid command","invalid env list: APP_IDENTITY_ENDPOINT"]}}"#).unwrap();
    let ev = Evidence {
        container_name: Some("mypod".into()),
        ..Evidence::default()
    };
    let h = compare::hold(&policy, &d, &ev, &Guest::newest());
    assert_eq!(h.candidates.basis, compare::Basis::ManifestName);
    assert!(h.candidates.is_heuristic());
    assert_eq!(h.candidates.containers, vec![0]);
    let pr = h.prediction.as_ref().unwrap();
    assert!(pr.uncertain.contains(&compare::Uncertainty::RedactedEnv));
    let compare::Check::Command(c) = &h.checks[0].check else {
        panic!()
    };
    assert_eq!(c.rows[0].first_difference, Some(2));
    let compare::Check::EnvList(e) = &h.checks[1].check else {
        panic!()
    };
    assert!(e.redacted);
    assert_eq!(e.names[0].name, "APP_IDENTITY_ENDPOINT");
    assert!(e.names[0].rules.is_empty(), "no rule names it");
    assert_eq!(e.dropping, Some(true));
}
