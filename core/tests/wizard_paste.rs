//! The wizard pre-answered from a paste: the manifest's facts, the answer each question gets
//! and why, the path "Use the answers from your paste" leads to, and that every question and
//! answer the rules name is in the graph. Built on the real VN2 pod
//! `fixtures/policy/01-vn2-nginx-pod.yaml` (Confidential, no `injectdns`).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::policy::read_paste;
use aci_triage_core::wizard::paste::PRE_ANSWERED;
use aci_triage_core::wizard::{pre_answer, pre_answers, Facts, WizardState, NETWORK};

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn facts_of(text: &str) -> Option<Facts> {
    Facts::from_workloads(&read_paste(text).workloads)
}

/// A pod with these annotation lines (already indented by four spaces).
fn pod(name: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  annotations:\n{annotations}spec:\n  containers:\n  - name: app\n    image: nginx\n"
    )
}

#[test]
fn the_real_confidential_pod_gives_its_facts() {
    let f = facts_of(&fixture("01-vn2-nginx-pod.yaml")).expect("a pod");
    assert_eq!(
        f,
        Facts {
            pod: "Pod confidential-alpine".into(),
            confidential: true,
            kube_proxy_off: false,
            dns_injection_off: false,
        }
    );
}

#[test]
fn each_question_the_manifest_decides_and_why() {
    let f = facts_of(&fixture("01-vn2-nginx-pod.yaml")).unwrap();
    let got = |q: &str| pre_answer(&f, q).map(|p| (p.answer, p.because));
    let (a, why) = got("cc-dns").unwrap();
    assert_eq!(a, "on");
    assert!(
        why.contains("`microsoft.containerinstance.virtualnode.injectdns: \"false\"`")
            && why.contains("Pod confidential-alpine"),
        "{why}"
    );
    assert_eq!(got("dns-injected").unwrap().0, "on");
    let (a, why) = got("proxy").unwrap();
    assert_eq!(a, "confidential");
    assert!(
        why.contains("`microsoft.containerinstance.virtualnode.ccepolicy`"),
        "{why}"
    );
    assert_eq!(got("proxy-check").unwrap().0, "ccepolicy");
    assert_eq!(got("generation").unwrap().0, "v2");
    assert_eq!(got("cluster-proxy").unwrap().0, "no-kube-proxy");
    // What the user sees or what a command printed is never taken from a manifest.
    for q in [
        "symptom",
        "cc-dns-check",
        "dns-injected-check",
        "isolate",
        "nat",
        "route",
    ] {
        assert_eq!(got(q), None, "{q}");
    }
}

#[test]
fn kube_proxy_off_and_dns_off() {
    let f = facts_of(&pod(
        "plain",
        "    microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"\n    microsoft.containerinstance.virtualnode.injectdns: \"false\"\n",
    ))
    .unwrap();
    assert!(!f.confidential && f.kube_proxy_off && f.dns_injection_off);
    let p = pre_answer(&f, "proxy").unwrap();
    assert_eq!(p.answer, "no-kube-proxy");
    assert!(
        p.because.contains("injectkubeproxy: \"false\""),
        "{}",
        p.because
    );
    assert_eq!(
        pre_answer(&f, "proxy-check").unwrap().answer,
        "injectkubeproxy"
    );
    let d = pre_answer(&f, "cc-dns").unwrap();
    assert_eq!(d.answer, "off");
    assert!(d.because.contains("injectdns: \"false\""), "{}", d.because);
    // Not Confidential: the generation is not the manifest's to say.
    assert_eq!(pre_answer(&f, "generation"), None);

    // DNS off alone: cluster services fail for want of the DNS, kube-proxy is not known.
    let f = facts_of(&pod(
        "dns-off",
        "    microsoft.containerinstance.virtualnode.injectdns: \"false\"\n",
    ))
    .unwrap();
    assert_eq!(pre_answer(&f, "cluster-proxy").unwrap().answer, "dns-off");
    // Kube-proxy may still be off for the whole node (Helm): no answer from the pod.
    assert_eq!(pre_answer(&f, "proxy"), None);
}

#[test]
fn no_kubernetes_pod_or_pods_that_disagree_give_no_facts() {
    assert_eq!(
        facts_of(&fixture("03-confcom-aci-command-arm_template.json")),
        None,
        "an ARM container group is not a pod on a virtual node"
    );
    assert_eq!(facts_of("just some event text"), None);
    let two = format!(
        "{}---\n{}",
        pod(
            "a",
            "    microsoft.containerinstance.virtualnode.injectdns: \"false\"\n"
        ),
        pod("b", "    x: y\n")
    );
    assert_eq!(facts_of(&two), None);
    let same = format!("{}---\n{}", pod("a", "    x: y\n"), pod("b", "    x: z\n"));
    assert_eq!(facts_of(&same).unwrap().pod, "Pod a, Pod b");
}

#[test]
fn following_the_paste_from_the_confidential_path_reaches_the_dns_fix() {
    let f = facts_of(&fixture("01-vn2-nginx-pod.yaml")).unwrap();
    let g = &NETWORK;
    let at = WizardState::decode(g, "confidential").unwrap();
    let (taken, end) = pre_answers(g, &at, &f);
    assert_eq!(taken.iter().map(|p| p.answer).collect::<Vec<_>>(), ["on"]);
    assert_eq!(end.encode(), "confidential.on");
    assert_eq!(end.current(g).id(), "disable-dns-injection");
    // From "lookups are slow": Confidential, then DNS injection on.
    let at = WizardState::decode(g, "lookups-slow").unwrap();
    let (_, end) = pre_answers(g, &at, &f);
    assert_eq!(end.encode(), "lookups-slow.confidential.on");
    // From "outbound slow": v2, then the NAT gateway question, which a manifest can't answer.
    let at = WizardState::decode(g, "outbound-slow").unwrap();
    let (taken, end) = pre_answers(g, &at, &f);
    assert_eq!(taken.len(), 1);
    assert_eq!(end.encode(), "outbound-slow.v2");
    assert_eq!(end.current(g).id(), "nat");
    // At the first question the paste answers nothing; the user's own answer stays theirs:
    // having answered differently, the wizard follows that.
    let (taken, end) = pre_answers(g, &WizardState::new(), &f);
    assert!(taken.is_empty() && end.is_empty());
    let own = WizardState::decode(g, "confidential.off").unwrap();
    assert_eq!(own.current(g).id(), "cc-nat");
    assert!(pre_answers(g, &own, &f).0.is_empty());
}

#[test]
fn every_rule_names_a_question_and_answers_of_the_graph() {
    let g = &NETWORK;
    for (q, answers) in PRE_ANSWERED {
        let question = g
            .question(q)
            .unwrap_or_else(|| panic!("{q} is not a question of the graph"));
        for a in *answers {
            assert!(question.answer(a).is_some(), "{q} has no answer {a}");
        }
    }
    // And what pre_answer gives is always among them, for every combination of facts.
    for bits in 0..8u8 {
        let f = Facts {
            pod: "Pod p".into(),
            confidential: bits & 1 != 0,
            kube_proxy_off: bits & 2 != 0,
            dns_injection_off: bits & 4 != 0,
        };
        for node in g.nodes.iter() {
            if let Some(p) = pre_answer(&f, node.id()) {
                let allowed = PRE_ANSWERED
                    .iter()
                    .find(|(q, _)| *q == node.id())
                    .map(|(_, a)| *a)
                    .unwrap_or(&[]);
                assert!(allowed.contains(&p.answer), "{} → {}", node.id(), p.answer);
                assert_eq!(p.question, node.id());
            }
        }
    }
}

#[test]
fn the_document_the_wizard_shows_of_the_paste() {
    use aci_triage_core::report::{markdown, Block, Inline};
    let f = facts_of(&fixture("01-vn2-nginx-pod.yaml")).unwrap();
    let g = &NETWORK;
    let link = |s: &WizardState| format!("#wizard/{}", s.encode());
    let at = WizardState::decode(g, "lookups-slow").unwrap();
    let d = aci_triage_core::wizard::paste::doc(g, &at, &f, link).unwrap();
    let md = markdown(&d);
    assert!(md.contains("**From your paste: **Yes: Confidential (`ccepolicy`). Pod confidential-alpine has the `microsoft.containerinstance.virtualnode.ccepolicy` annotation"), "{md}");
    let Block::Para { text, .. } = &d[0] else {
        panic!("{d:?}")
    };
    assert_eq!(
        text.last(),
        Some(&Inline::Link {
            href: "#wizard/lookups-slow.confidential.on".into(),
            text: "Use the 2 answers from your paste".into()
        })
    );
    let first =
        markdown(&aci_triage_core::wizard::paste::doc(g, &WizardState::new(), &f, link).unwrap());
    assert!(
        first.contains("Your paste describes Pod confidential-alpine"),
        "{first}"
    );
    // A question the paste does not answer, and an outcome: nothing.
    let nat = WizardState::decode(g, "outbound-slow.v2").unwrap();
    assert_eq!(aci_triage_core::wizard::paste::doc(g, &nat, &f, link), None);
    let end = WizardState::decode(g, "confidential.on").unwrap();
    assert_eq!(aci_triage_core::wizard::paste::doc(g, &end, &f, link), None);
}
