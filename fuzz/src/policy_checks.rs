//! What the `policy` fuzz target runs and asserts: the policy reader of issue 13 on arbitrary
//! bytes (a dropped file): encoding sniffing, JSON and YAML manifests, `kubectl describe`,
//! base64, the tolerant Rego literal reader, and the comparison of a denial with every policy
//! found. Replayed over the checked-in corpus by `core/tests/policy_fuzz_regressions.rs`.
//!
//! Besides "never panics", it checks the invariants the UI relies on.

use aci_triage_core::policy::compare::{self, Denial, Evidence, Guest};
use aci_triage_core::policy::extract::Origin;
use aci_triage_core::policy::{model, read_bytes, rego, yaml};

/// A denial every policy is held against: a create_container with a full input.
const DENIAL: &str = r#"{"decision":"deny","input":{"argList":["/bin/sh","-c","echo hello"],"containerID":"c1","envList":["APP_MODE=<<redacted>>","X=1"],"mounts":[{"destination":"/etc/hosts","options":["rbind","rw"],"source":"/run/gcs/c/s/sandboxMounts/tmp/atlas/emptydir/a","type":"bind"}],"privileged":false,"rule":"create_container","sandboxDir":"/run/gcs/c/s/sandboxMounts","workingDir":"/","user":{"id":"0","name":"root"},"groups":[],"umask":"0022","capabilities":"[unprivileged]","seccompProfileSHA256":""},"reason":{"errors":["invalid command","invalid env list: X","invalid mount list: /etc/hosts","deviceHash not found","target isn't allowed to receive the signal","invalid user","capabilities don't match","framework_version is missing. Current version: 0.3.0"]}}"#;

pub fn policy(data: &[u8]) {
    let paste = read_bytes(data);
    for p in &paste.policies {
        assert_eq!(p.policy.size, p.text.len());
        match p.origin {
            Origin::Annotation { workload, .. }
            | Origin::KataAnnotation { workload }
            | Origin::ArmCcePolicy { workload } => assert!(workload < paste.workloads.len()),
            _ => {}
        }
        for c in p.policy.container_list() {
            assert!(!c.label.is_empty(), "every container has a label");
        }
        assert!(p.line >= 1);
    }
    // The pieces on their own, on the text as UTF-8.
    let text = String::from_utf8_lossy(data);
    // Where the policies are: sorted ranges on character boundaries of the text read; the
    // share link's four choices never panic, the full text with the policy is the text, and
    // without it no byte moves (line breaks stay).
    let read = aci_triage_core::policy::read_paste(&text);
    for v in [&read.spans.documents, &read.spans.values] {
        for r in v.iter() {
            assert!(r.start < r.end && r.end <= text.len());
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert!(
            v.windows(2).all(|w| w[0].end < w[1].start),
            "merged and sorted"
        );
    }
    let _ = aci_triage_core::wizard::Facts::from_workloads(&read.workloads);
    if text.len() <= 4096 {
        use aci_triage_core::share::{PolicyPlaces, Shared};
        for places in [
            PolicyPlaces::of(&text, &read.spans),
            PolicyPlaces::guess(&text),
        ] {
            for (full, with) in [(true, true), (true, false), (false, true), (false, false)] {
                let s = Shared::decoder_with_policy(&text, full, Some(&places), with);
                if let Shared::Decoder { text: t, .. } = &s {
                    if full {
                        assert_eq!(t.len(), text.len());
                        if with {
                            assert_eq!(t.as_str(), &*text);
                        }
                    }
                }
            }
        }
    }
    let m = rego::read_module(&text);
    for a in &m.assignments {
        assert!(a.line >= 1);
    }
    let _ = yaml::read_documents(&text);
    let pol = model::read_policy(&text);
    // The input itself as a denial, when it is one, and the fixed denial, against each policy.
    let mut denials: Vec<Denial> = Denial::parse(&text).into_iter().collect();
    denials.extend(Denial::parse(DENIAL));
    let mut policies: Vec<&model::Policy> = paste.policies.iter().map(|p| &p.policy).collect();
    policies.push(&pol);
    let ev = Evidence {
        manifest: paste
            .workloads
            .iter()
            .flat_map(|w| w.containers.clone())
            .collect(),
        ..Evidence::default()
    };
    for p in policies {
        for d in &denials {
            for g in [Guest::released_0_3(), Guest::newest()] {
                let h = compare::hold(p, d, &ev, &g);
                if d.errors.is_empty() {
                    assert!(h.checks.len() <= 1, "only the flag check without errors");
                } else {
                    assert_eq!(h.checks.len(), d.errors.len(), "one check per error");
                }
                for c in &h.candidates.containers {
                    assert!(*c < p.container_list().len());
                }
            }
        }
    }
}
