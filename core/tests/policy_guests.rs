//! What differs on newer guests (ccepolicy.md §3.13), which the regorus oracle (framework
//! 0.3.0) cannot show: anchored env patterns (hcsshim v0.14), anchored mount sources (v0.15),
//! the `[9, 15]` signal backfill for policies older than framework 0.4.1, framework 0.5.0.

use aci_triage_core::policy::compare::{
    self, Check, Denial, EnvRuleFit, Evidence, Guest, MountDiff,
};
use aci_triage_core::policy::model::read_policy;
use serde_json::json;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/policy")
            .join(name),
    )
    .unwrap()
}

fn denial(rule: &str, input: serde_json::Value, errors: &[&str]) -> Denial {
    Denial {
        rule: Some(rule.into()),
        input: input.as_object().cloned(),
        errors: errors.iter().map(|s| s.to_string()).collect(),
        truncated: vec![],
    }
}

fn all(p: &aci_triage_core::policy::Policy) -> Vec<usize> {
    p.container_list().iter().map(|c| c.index).collect()
}

#[test]
fn env_patterns_are_anchored_from_v0_14() {
    let text = fixture("01-vn2-nginx-policy.rego").replace(
        "allow_environment_variable_dropping := true",
        "allow_environment_variable_dropping := false",
    );
    let p = read_policy(&text);
    let input = json!({"argList": ["nginx", "-g", "daemon off;"], "envList": ["lower_KUBE_SERVICE_HOST=10.0.0.1"], "workingDir": "/"});
    let m = input.as_object().unwrap();
    let old = compare::evaluate(
        &p,
        "create_container",
        m,
        &[0],
        &Evidence::default(),
        &Guest::released_0_3(),
    );
    assert!(
        !old.errors.iter().any(|e| e.starts_with("invalid env list")),
        "a substring match on older guests: {:?}",
        old.errors
    );
    let new = compare::evaluate(
        &p,
        "create_container",
        m,
        &[0],
        &Evidence::default(),
        &Guest::v0_14(),
    );
    assert!(
        new.errors
            .contains(&"invalid env list: lower_KUBE_SERVICE_HOST".to_string()),
        "{:?}",
        new.errors
    );
    let d = denial(
        "create_container",
        input.clone(),
        &["invalid env list: lower_KUBE_SERVICE_HOST"],
    );
    let ev = Evidence {
        container_name: Some("mypod".into()),
        ..Evidence::default()
    };
    let h = compare::hold(&p, &d, &ev, &Guest::v0_14());
    let Check::EnvList(e) = &h.checks[0].check else {
        panic!()
    };
    assert!(
        e.names[0]
            .rules
            .iter()
            .any(|r| r.fit == EnvRuleFit::OnlyUnanchored),
        "{:?}",
        e.names[0].rules
    );
}

#[test]
fn mount_sources_are_anchored_from_v0_15() {
    let p = read_policy(&fixture("01-vn2-nginx-policy.rego"));
    let sandbox = "/run/gcs/c/s0/sandboxMounts";
    let mount = json!({"destination": "/etc/hosts", "type": "bind", "options": ["rbind", "rshared", "rw"], "source": format!("/elsewhere{sandbox}/tmp/atlas/emptydir/x")});
    let input = json!({"argList": ["nginx", "-g", "daemon off;"], "envList": [], "workingDir": "/", "sandboxDir": sandbox, "mounts": [mount]});
    let m = input.as_object().unwrap();
    let old = compare::evaluate(
        &p,
        "create_container",
        m,
        &all(&p),
        &Evidence::default(),
        &Guest::v0_14(),
    );
    assert!(
        !old.errors
            .iter()
            .any(|e| e.starts_with("invalid mount list")),
        "{:?}",
        old.errors
    );
    let new = compare::evaluate(
        &p,
        "create_container",
        m,
        &all(&p),
        &Evidence::default(),
        &Guest::newest(),
    );
    assert!(
        new.errors
            .contains(&"invalid mount list: /etc/hosts".to_string()),
        "{:?}",
        new.errors
    );
    let d = denial(
        "create_container",
        input.clone(),
        &["invalid mount list: /etc/hosts"],
    );
    let h = compare::hold(&p, &d, &Evidence::default(), &Guest::newest());
    let Check::Mounts(mc) = &h.checks[0].check else {
        panic!()
    };
    assert!(
        mc.destinations[0].default_destination,
        "/etc/hosts is also a networking mount"
    );
    assert!(mc.destinations[0].policy.iter().any(|r| matches!(
        r.diff,
        MountDiff::Source {
            only_unanchored: true,
            ..
        }
    )));
}

#[test]
fn signal_backfill_and_framework_0_5_0() {
    let p = read_policy(&fixture("03-confcom-aci-command-policy.rego"));
    assert!(p.container_list()[0].signals.is_empty());
    let input = json!({"containerID": "c", "signal": 15, "isInitProcess": true});
    let m = input.as_object().unwrap();
    let old = compare::evaluate(
        &p,
        "signal_container_process",
        m,
        &[0],
        &Evidence::default(),
        &Guest::released_0_3(),
    );
    assert!(!old.allowed);
    let new = compare::evaluate(
        &p,
        "signal_container_process",
        m,
        &[0],
        &Evidence::default(),
        &Guest::newest(),
    );
    assert!(new.allowed, "[9, 15] added for a 0.2.3 policy");
    let d = denial(
        "signal_container_process",
        input.clone(),
        &["target isn't allowed to receive the signal"],
    );
    let h = compare::hold(
        &p,
        &d,
        &Evidence {
            container_name: Some("container1".into()),
            ..Evidence::default()
        },
        &Guest::newest(),
    );
    let Check::Signal(s) = &h.checks[0].check else {
        panic!()
    };
    assert_eq!(s.name, Some("SIGTERM"));
    assert_eq!(s.rows[0].backfilled, vec![9, 15]);

    // A framework 0.5.0 policy: every point fails on a 0.3.0 guest, none on the newest.
    let t = fixture("03-confcom-aci-command-policy.rego").replace(
        "framework_version := \"0.2.3\"",
        "framework_version := \"0.5.0\"",
    );
    let p = read_policy(&t);
    let e = compare::evaluate(
        &p,
        "get_properties",
        &serde_json::Map::new(),
        &[],
        &Evidence::default(),
        &Guest::released_0_3(),
    );
    assert_eq!(
        e.errors,
        vec!["framework_version is ahead of the current version: 0.5.0 is greater than 0.3.0"]
    );
    let e = compare::evaluate(
        &p,
        "get_properties",
        &serde_json::Map::new(),
        &[],
        &Evidence::default(),
        &Guest::newest(),
    );
    assert!(e.errors.is_empty() && e.allowed);
}
