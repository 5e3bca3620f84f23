//! The network troubleshooting wizard: the graph's shape and content, and the state machine
//! (answer, back, jump to an earlier answer, link round trip, Markdown summary).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use std::sync::LazyLock;

use aci_triage_core::report;
use aci_triage_core::wizard::{
    fragment, load, Graph, Node, Outcome, WizardError, WizardState, CONFIDENTIAL_ANSWERS,
    CONFIDENTIAL_LINK, NETWORK, NETWORK_FILE, NETWORK_JSON,
};

/// The graph as the app reads it: the built data file, through `wizard::load`.
static G: &LazyLock<Graph> = &NETWORK;

/// Whether a command is a YAML manifest: its first meaningful line is a key (`apiVersion:` …).
fn is_yaml(code: &str) -> bool {
    let first = code
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    first.split_once(':').is_some_and(|(key, rest)| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && (rest.is_empty() || rest.starts_with(' '))
    })
}

use authoring::is_kebab;

fn outcome(id: &str) -> &'static Outcome {
    G.outcome(id).unwrap_or_else(|| panic!("no outcome {id}"))
}

/// Depth-first over the tree of all paths from the start: `visit` sees every reachable state
/// exactly once, as the answer ids taken and the node it stands at. Panics on a cycle or a
/// dangling `next` (each has its own test too, with a clearer message).
fn walk(visit: &mut dyn FnMut(&[&'static str], &'static Node)) {
    fn go(
        node: &'static Node,
        path: &mut Vec<&'static str>,
        seen: &mut Vec<&'static str>,
        visit: &mut dyn FnMut(&[&'static str], &'static Node),
    ) {
        assert!(!seen.contains(&node.id()), "cycle through {}", node.id());
        visit(path, node);
        if let Node::Question(q) = node {
            seen.push(q.id);
            for a in q.answers {
                let next = G
                    .node(a.next)
                    .unwrap_or_else(|| panic!("{}/{} leads to unknown {}", q.id, a.id, a.next));
                path.push(a.id);
                go(next, path, seen, visit);
                path.pop();
            }
            seen.pop();
        }
    }
    go(G.start_node(), &mut Vec::new(), &mut Vec::new(), visit);
}

// ---- shape of the graph ---------------------------------------------------------------------

#[test]
fn start_is_a_question() {
    let start = G.node(G.start).expect("start node exists");
    assert!(
        start.as_question().is_some(),
        "the wizard starts with a question"
    );
}

#[test]
fn ids_are_unique_and_url_safe() {
    let mut ids = BTreeSet::new();
    for n in G.nodes {
        assert!(is_kebab(n.id()), "node id {:?} is not kebab-case", n.id());
        assert!(ids.insert(n.id()), "duplicate node id {}", n.id());
        if let Node::Question(q) = n {
            let mut answers = BTreeSet::new();
            for a in q.answers {
                assert!(
                    is_kebab(a.id),
                    "answer id {}/{:?} is not kebab-case",
                    q.id,
                    a.id
                );
                assert!(
                    answers.insert(a.id),
                    "duplicate answer id {}/{}",
                    q.id,
                    a.id
                );
            }
        }
    }
}

#[test]
fn no_dangling_next() {
    for n in G.nodes {
        if let Node::Question(q) = n {
            for a in q.answers {
                assert!(
                    G.node(a.next).is_some(),
                    "{}/{} leads to unknown node {:?}",
                    q.id,
                    a.id,
                    a.next
                );
                assert_ne!(
                    a.next, q.id,
                    "{}/{} leads back to its own question",
                    q.id, a.id
                );
            }
        }
    }
}

#[test]
fn every_node_is_reachable() {
    let mut reached = BTreeSet::new();
    let mut todo = vec![G.start];
    while let Some(id) = todo.pop() {
        if !reached.insert(id) {
            continue;
        }
        if let Some(Node::Question(q)) = G.node(id) {
            todo.extend(q.answers.iter().map(|a| a.next));
        }
    }
    let unreachable: Vec<_> = G
        .nodes
        .iter()
        .map(Node::id)
        .filter(|id| !reached.contains(id))
        .collect();
    assert!(unreachable.is_empty(), "unreachable nodes: {unreachable:?}");
}

#[test]
fn no_cycles() {
    // Depth-first search with three colours: a grey node met again is a cycle.
    fn visit(
        id: &'static str,
        colour: &mut BTreeMap<&'static str, u8>,
        stack: &mut Vec<&'static str>,
    ) {
        match colour.get(id) {
            Some(1) => panic!("cycle: {} -> {id}", stack.join(" -> ")),
            Some(2) => return,
            _ => {}
        }
        colour.insert(id, 1);
        stack.push(id);
        if let Some(Node::Question(q)) = G.node(id) {
            for a in q.answers {
                visit(a.next, colour, stack);
            }
        }
        stack.pop();
        colour.insert(id, 2);
    }
    let mut colour = BTreeMap::new();
    for n in G.nodes {
        visit(n.id(), &mut colour, &mut Vec::new());
    }
}

#[test]
fn every_path_ends_in_an_outcome() {
    let mut paths = 0usize;
    let mut longest = 0;
    let mut ends = BTreeSet::new();
    walk(&mut |path, node| {
        let leaf = match node {
            Node::Outcome(_) => true,
            Node::Question(q) => q.answers.is_empty(),
        };
        if leaf {
            assert!(
                node.is_outcome(),
                "path {} ends at question {}",
                path.join("."),
                node.id()
            );
            paths += 1;
            longest = longest.max(path.len());
            ends.insert(node.id());
        }
    });
    assert!(paths > 20, "only {paths} paths");
    for n in G.nodes.iter().filter(|n| n.is_outcome()) {
        assert!(ends.contains(n.id()), "outcome {} ends no path", n.id());
    }
    assert_eq!(
        G.max_questions_from(G.start),
        longest,
        "max_questions_from agrees with the longest path"
    );
}

#[test]
fn every_question_has_answers_and_one_i_dont_know_that_leads_to_a_check() {
    for n in G.nodes {
        let Node::Question(q) = n else { continue };
        assert!(q.answers.len() >= 2, "{} has fewer than 2 answers", q.id);
        let unsure: Vec<_> = q.answers.iter().filter(|a| a.unsure).collect();
        assert_eq!(
            unsure.len(),
            1,
            "{} needs exactly one \"I don't know\" answer",
            q.id
        );
        let a = unsure[0];
        assert!(
            a.label.contains("don't know")
                || a.label.contains("can't")
                || a.label.contains("Neither"),
            "{}/{}: {:?} doesn't read like an \"I don't know\" answer",
            q.id,
            a.id,
            a.label
        );
        assert_eq!(q.unsure_answer().map(|a| a.id), Some(a.id));
        let next = G.node(a.next).unwrap();
        if q.id.ends_with("-check") {
            // From a check that can't be done: go on to the next question, or collect data for
            // support. Never straight to a diagnosis.
            assert!(
                next.as_question().is_some() || next.id() == "support",
                "{}/{} leads straight to the diagnosis {}",
                q.id,
                a.id,
                next.id()
            );
        } else {
            let check = format!("{}-check", q.id);
            assert_eq!(
                a.next, check,
                "{}: \"I don't know\" should lead to its check",
                q.id
            );
            assert!(next.as_question().is_some(), "{check} is a question");
        }
        // The known answers are not all the same as "I don't know".
        assert!(
            q.answers.iter().any(|b| !b.unsure && b.next != a.next),
            "{}: answers don't branch",
            q.id
        );
    }
}

#[test]
fn every_question_says_how_to_find_the_answer() {
    for n in G.nodes {
        let Node::Question(q) = n else { continue };
        assert!(q.title.ends_with('?'), "{}: the title is a question", q.id);
        assert!(!q.intro.trim().is_empty(), "{}: intro", q.id);
        assert!(!q.checks.is_empty(), "{}: no checks", q.id);
        assert!(
            q.checks.iter().any(|c| c.command.is_some()),
            "{}: no check with a command",
            q.id
        );
        for c in q.checks {
            assert!(
                !c.text.trim().is_empty() && !c.meaning.trim().is_empty(),
                "{}: empty check",
                q.id
            );
        }
    }
}

#[test]
fn every_outcome_is_complete_and_sourced() {
    for n in G.nodes {
        let Node::Outcome(o) = n else { continue };
        assert!(!o.title.trim().is_empty(), "{}: title", o.id);
        assert!(o.observation.len() > 20, "{}: observation", o.id);
        assert!(o.cause.len() > 20, "{}: cause", o.id);
        assert!(!o.fix.is_empty(), "{}: fix", o.id);
        assert!(!o.verify.is_empty(), "{}: verify", o.id);
        for s in o.fix.iter().chain(o.verify) {
            assert!(!s.text.trim().is_empty(), "{}: empty step", o.id);
        }
        assert!(
            o.fix.iter().chain(o.verify).any(|s| s.run.is_some()),
            "{}: nothing to copy",
            o.id
        );
        assert!(!o.sources.is_empty(), "{}: no source", o.id);
    }
}

#[test]
fn sources_are_https_links() {
    for n in G.nodes {
        let sources = match n {
            Node::Question(q) => q.sources,
            Node::Outcome(o) => o.sources,
        };
        let mut seen = BTreeSet::new();
        for s in sources {
            assert!(
                s.starts_with("https://") && s.len() > 12,
                "{}: {s:?} is not an https link",
                n.id()
            );
            assert!(!s.contains(char::is_whitespace), "{}: {s:?}", n.id());
            assert!(seen.insert(s), "{}: {s} listed twice", n.id());
        }
    }
}

/// Every prose text of the graph, with where it is.
fn prose() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for n in G.nodes {
        match n {
            Node::Question(q) => {
                out.push((format!("{}.title", q.id), q.title));
                out.push((format!("{}.intro", q.id), q.intro));
                for c in q.checks {
                    out.push((format!("{}.check", q.id), c.text));
                    out.push((format!("{}.meaning", q.id), c.meaning));
                }
                for a in q.answers {
                    out.push((format!("{}/{}.label", q.id, a.id), a.label));
                }
            }
            Node::Outcome(o) => {
                out.push((format!("{}.title", o.id), o.title));
                out.push((format!("{}.observation", o.id), o.observation));
                out.push((format!("{}.cause", o.id), o.cause));
                for s in o.fix.iter().chain(o.verify) {
                    out.push((format!("{}.step", o.id), s.text));
                }
                for c in o.caveats {
                    out.push((format!("{}.caveat", o.id), c));
                }
            }
        }
    }
    out
}

/// Every command and manifest of the graph.
fn code() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for n in G.nodes {
        match n {
            Node::Question(q) => out.extend(
                q.checks
                    .iter()
                    .filter_map(|c| c.command)
                    .map(|c| (q.id.to_string(), c)),
            ),
            Node::Outcome(o) => out.extend(
                o.fix
                    .iter()
                    .chain(o.verify)
                    .filter_map(|s| s.run)
                    .map(|c| (o.id.to_string(), c)),
            ),
        }
    }
    out
}

#[test]
fn text_is_clean_and_inline_code_is_balanced() {
    for (at, text) in prose() {
        assert!(!text.trim().is_empty(), "{at}: empty");
        assert_eq!(text, text.trim(), "{at}: surrounding whitespace");
        assert_eq!(
            text.matches('`').count() % 2,
            0,
            "{at}: unbalanced backticks in {text:?}"
        );
        assert!(
            !text.contains('\n') && !text.contains('\t'),
            "{at}: line break or tab"
        );
        assert!(!text.contains("``"), "{at}: empty inline code");
    }
}

#[test]
fn commands_and_manifests_are_tidy() {
    let all = code();
    assert!(all.len() > 40);
    for (at, c) in all {
        assert!(!c.trim().is_empty(), "{at}: empty command");
        assert!(!c.contains('\t'), "{at}: tab in {c:?}");
        assert!(
            !c.starts_with(char::is_whitespace),
            "{at}: leading whitespace in {c:?}"
        );
        for line in c.lines() {
            assert_eq!(
                line,
                line.trim_end(),
                "{at}: trailing whitespace in {line:?}"
            );
        }
        // Backticks would run commands inside double quotes in a shell.
        assert!(!c.contains('`'), "{at}: backtick in {c:?}");
        if is_yaml(c) {
            for line in c.lines() {
                let indent = line.len() - line.trim_start().len();
                assert_eq!(indent % 2, 0, "{at}: odd YAML indentation in {line:?}");
            }
        }
    }
}

// ---- the key paths ----------------------------------------------------------------------------

fn state(link: &str) -> WizardState {
    WizardState::decode(G, link).unwrap_or_else(|e| panic!("{link}: {e}"))
}

#[test]
fn outbound_slow_without_nat_gateway_ends_at_the_nat_outcome() {
    for link in [
        "outbound-slow.v2.no",
        "outbound-fail.v2.no",
        "outbound-slow.v2.unsure.none",
        "outbound-slow.v1.no.no",
    ] {
        let s = state(link);
        let o = s
            .outcome(G)
            .unwrap_or_else(|| panic!("{link} ends at a question"));
        assert_eq!(o.id, "no-nat-gateway", "{link}");
    }
    let o = outcome("no-nat-gateway");
    let runs: Vec<&str> = o.fix.iter().filter_map(|s| s.run).collect();
    let all = runs.join("\n");
    assert!(
        all.contains("az network public-ip create"),
        "creates a public IP"
    );
    assert!(
        all.contains("az network nat gateway create"),
        "creates the NAT gateway"
    );
    assert!(
        all.contains("az network vnet subnet update") && all.contains("--nat-gateway"),
        "attaches it"
    );
    assert!(all.contains("--name cg"), "to the cg subnet");
    assert!(
        o.fix.iter().any(|s| s.text.contains("Re-create")),
        "and re-creates the pods"
    );
    assert!(
        o.verify
            .iter()
            .filter_map(|s| s.run)
            .any(|r| r.contains("natGateway")),
        "verifies the subnet"
    );
}

#[test]
fn confidential_pod_path_ends_at_dns_injection_with_pod_and_deployment_snippets() {
    for link in [
        "outbound-slow.v2.yes.confidential.on",
        "outbound-slow.v2.yes.unsure.ccepolicy.on",
        "outbound-slow.v2.yes.confidential.unsure.cluster-ip",
        "outbound-slow.v2.yes.no-kube-proxy.on",
        // Slow lookups go straight to the kube-proxy question.
        "lookups-slow.confidential.on",
        // The path of their own: DNS injection first.
        "confidential.on",
        "confidential.unsure.cluster-ip",
    ] {
        assert_eq!(
            state(link).outcome(G).map(|o| o.id),
            Some("disable-dns-injection"),
            "{link}"
        );
    }
    // "Still on?" is answered Yes when it is on.
    let Node::Question(q) = G.node("dns-injected").unwrap() else {
        panic!("dns-injected is a question")
    };
    let label = |id: &str| q.answers.iter().find(|a| a.id == id).unwrap().label;
    assert!(label("on").starts_with("Yes") && label("off").starts_with("No"));
    let o = outcome("disable-dns-injection");
    let annotation = "microsoft.containerinstance.virtualnode.injectdns: \"false\"";
    let pod = o
        .fix
        .iter()
        .filter_map(|s| s.run)
        .find(|r| r.contains("kind: Pod"))
        .expect("a Pod manifest");
    assert!(pod.contains(annotation));
    // In a Pod the annotation sits in the top-level metadata, before the spec.
    assert!(pod.find(annotation).unwrap() < pod.find("\nspec:").unwrap());
    let deployment = o
        .fix
        .iter()
        .filter_map(|s| s.run)
        .find(|r| r.contains("kind: Deployment"))
        .expect("a Deployment manifest");
    // In a Deployment it sits under spec.template.metadata.annotations.
    let template = deployment
        .find("  template:\n    metadata:")
        .expect("a pod template");
    let at = deployment.find(annotation).expect("the annotation");
    assert!(at > template, "the annotation is inside the pod template");
    assert!(
        deployment[template..at].contains("      annotations:\n"),
        "under template metadata annotations"
    );
    // What stops working, and what to use instead.
    let caveats = o.caveats.join(" ");
    assert!(caveats.contains("svc.cluster.local"));
    assert!(caveats.contains("internal load balancer") && caveats.contains("external-dns"));
    assert!(caveats.contains("private endpoints"));
    assert!(o.sources.iter().any(|s| s.contains("Troubleshooting.md")));
}

#[test]
fn cluster_only_failures_without_kube_proxy_explain_the_alternatives() {
    assert_eq!(
        state("cluster-only.no-kube-proxy").outcome(G).map(|o| o.id),
        Some("cluster-services")
    );
    assert_eq!(
        state("cluster-only.both-on.full-works")
            .outcome(G)
            .map(|o| o.id),
        Some("short-names")
    );
    let o = outcome("cluster-services");
    let runs: String = o.fix.iter().filter_map(|s| s.run).collect();
    assert!(runs.contains("azure-load-balancer-internal: \"true\""));
    assert!(runs.contains("external-dns.alpha.kubernetes.io/hostname"));
}

#[test]
fn further_causes_are_covered() {
    let expect = [
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.yes",
            "forced-tunnel",
        ),
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.no.deny",
            "nsg-deny",
        ),
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.no.allow.under-load",
            "snat-exhaustion",
        ),
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.no.allow.after-idle",
            "idle-timeout",
        ),
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.no.allow.port-25",
            "port-25",
        ),
        (
            "outbound-fail.v2.yes.kube-proxy-on.response",
            "destination-rejects",
        ),
        (
            "outbound-slow.v2.yes.kube-proxy-on.lookup.custom",
            "custom-dns",
        ),
        (
            "outbound-slow.v2.yes.kube-proxy-on.lookup.cluster",
            "cluster-dns-slow",
        ),
        ("outbound-slow.v1.yes", "v1-limits"),
        ("not-starting.not-delegated", "subnet-delegation"),
        ("not-starting.full", "subnet-full"),
        (
            "outbound-fail.v2.yes.kube-proxy-on.connect.no.allow.always",
            "support",
        ),
    ];
    for (link, id) in expect {
        assert_eq!(state(link).outcome(G).map(|o| o.id), Some(id), "{link}");
    }
    let support = outcome("support");
    assert!(
        support.fix.len() >= 3,
        "the support outcome says what data to collect"
    );
}

// ---- Confidential pods, commands that can't be run, commands that misbehave -------------------

/// The commands of a node, each with the node's id.
fn commands_of(n: &'static Node) -> Vec<&'static str> {
    match n {
        Node::Question(q) => q.checks.iter().filter_map(|c| c.command).collect(),
        Node::Outcome(o) => o.fix.iter().chain(o.verify).filter_map(|s| s.run).collect(),
    }
}

/// Whether a command line runs something in the affected pod itself (`<pod>`).
fn execs_in_pod(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("kubectl exec <pod>") || line.starts_with("kubectl exec -it <pod>")
}

/// Every node reachable from a state.
fn reachable_from(s: &WizardState) -> Vec<&'static Node> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![s.current(G).id()];
    let mut out = Vec::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let n = G.node(id).unwrap();
        out.push(n);
        if let Node::Question(q) = n {
            todo.extend(q.answers.iter().map(|a| a.next));
        }
    }
    out
}

#[test]
fn the_confidential_deep_link_opens_their_own_path() {
    assert_eq!(
        CONFIDENTIAL_LINK,
        format!("#{}", fragment(CONFIDENTIAL_ANSWERS))
    );
    let s = state(CONFIDENTIAL_ANSWERS);
    assert_eq!(s.current(G).id(), "cc-dns");
    // DNS injection (answerable from the spec) → NAT gateway → routes → NSG → SNAT / idle.
    let q = s.question(G).unwrap();
    assert!(q.title.contains("injectdns"), "{}", q.title);
    for (link, at) in [
        ("confidential.off", "cc-nat"),
        ("confidential.off.yes", "route"),
        ("confidential.off.yes.no", "nsg"),
        ("confidential.off.yes.no.allow", "pattern"),
        ("confidential.unsure.other", "cc-nat"),
        ("confidential.off.unsure.attached", "route"),
    ] {
        assert_eq!(state(link).current(G).id(), at, "{link}");
    }
    for (link, id) in [
        ("confidential.on", "disable-dns-injection"),
        ("confidential.off.no", "no-nat-gateway"),
        ("confidential.off.yes.yes", "forced-tunnel"),
        ("confidential.off.yes.no.deny", "nsg-deny"),
        (
            "confidential.off.yes.no.allow.under-load",
            "snat-exhaustion",
        ),
        ("confidential.off.yes.no.allow.after-idle", "idle-timeout"),
    ] {
        assert_eq!(state(link).outcome(G).map(|o| o.id), Some(id), "{link}");
    }
    // The path never asks which virtual-node generation (Confidential pods run on v2 only).
    let path = reachable_from(&s);
    assert!(path.iter().all(|n| !n.id().starts_with("generation")));
}

/// Confidential pods refuse `kubectl exec` unless their policy was made with `--debug-mode`.
/// From the first question on and on every step of their path: a command run in the pod itself
/// always comes with the test pod's way, the first way a question offers is not `kubectl exec`
/// into the pod, and the shell the debug mode allows is labelled as such.
#[test]
fn the_confidential_path_never_offers_bare_kubectl_exec_as_the_only_way() {
    let first = G.start_node().as_question().unwrap();
    assert!(
        first.intro.contains("refuse `kubectl exec`") && first.intro.contains("--debug-mode"),
        "Question 1 says so: {}",
        first.intro
    );
    let mut path = reachable_from(&state(CONFIDENTIAL_ANSWERS));
    path.push(G.start_node());
    assert!(path.len() > 15, "{} nodes", path.len());
    let mut exec_commands = 0;
    for n in &path {
        if let Node::Question(q) = n {
            let lead = q.checks.iter().find_map(|c| c.command).unwrap();
            assert!(
                !lead.lines().any(execs_in_pod),
                "{}: the first way is kubectl exec into the pod:\n{lead}",
                q.id
            );
        }
        for c in commands_of(n) {
            let in_pod: Vec<&str> = c.lines().filter(|l| execs_in_pod(l)).collect();
            if in_pod.is_empty() {
                continue;
            }
            exec_commands += 1;
            if in_pod.iter().all(|l| l.ends_with("-- /bin/sh")) {
                // The debug-mode shell: its own check says when it works.
                let Node::Question(q) = n else {
                    panic!("{}: a debug shell in a result", n.id())
                };
                let check = q.checks.iter().find(|k| k.command == Some(c)).unwrap();
                assert!(
                    check.text.contains("--debug-mode") && check.meaning.contains("--debug-mode"),
                    "{}: {check:?}",
                    q.id
                );
                continue;
            }
            assert!(
                c.contains("refuses kubectl exec") && c.contains("kubectl exec nettest")
                    || c.contains("kubectl exec -it nettest"),
                "{}: kubectl exec into the pod with no other way:\n{c}",
                n.id()
            );
        }
    }
    assert!(exec_commands > 5, "{exec_commands}");
    // The cc-* questions say why they read the spec or use the test pod.
    for n in path.iter().filter(|n| n.id().starts_with("cc-dns")) {
        let q = n.as_question().unwrap();
        let all = [q.intro]
            .into_iter()
            .chain(q.checks.iter().flat_map(|c| [c.text, c.meaning]))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains("kubectl exec"), "{}: {all}", q.id);
    }
}

/// Every command in the graph that runs something in the pod itself offers the test pod too
/// (pods that refuse `kubectl exec` are not only on the Confidential path).
#[test]
fn every_kubectl_exec_into_the_pod_comes_with_the_test_pod() {
    for (at, c) in code() {
        if c.lines().any(execs_in_pod) && !c.trim_end().ends_with("-- /bin/sh") {
            assert!(
                c.contains("kubectl exec nettest") || c.contains("kubectl exec -it nettest"),
                "{at}:\n{c}"
            );
        }
    }
}

/// "I can't run commands": from any question, taking that answer where there is one and
/// "I don't know" elsewhere ends at the data-collection result within 4 steps.
#[test]
fn cant_run_commands_ends_at_data_collection_within_four_steps_from_any_question() {
    let collect = outcome("collect-data");
    assert!(collect.fix.len() >= 3, "says what to ask for");
    let runs: String = collect.fix.iter().filter_map(|s| s.run).collect();
    for what in [
        "--output yaml",
        "subnet show",
        "helm get values",
        "date -u",
        "SNATConnectionCount",
    ] {
        assert!(runs.contains(what), "collect-data asks for {what}");
    }
    let mut questions = 0;
    for n in G.nodes {
        let Node::Question(start) = n else { continue };
        questions += 1;
        if start.id.ends_with("-check") {
            let a = start
                .cant_run_answer()
                .unwrap_or_else(|| panic!("{}: no \"I can't run commands\" answer", start.id));
            assert!(
                a.label.contains("can't run commands"),
                "{}: {}",
                start.id,
                a.label
            );
        }
        let mut at: &'static Node = n;
        let mut steps = Vec::new();
        while let Node::Question(q) = at {
            let a = q.cant_run_answer().or(q.unsure_answer()).unwrap();
            steps.push(format!("{}/{}", q.id, a.id));
            at = G.node(a.next).unwrap();
            assert!(steps.len() <= 4, "from {}: {}", start.id, steps.join(" → "));
        }
        assert_eq!(
            at.id(),
            "collect-data",
            "from {}: {}",
            start.id,
            steps.join(" → ")
        );
    }
    assert_eq!(
        questions,
        G.nodes.iter().filter(|n| !n.is_outcome()).count()
    );
    // In the app, from the start: "I don't know yet", then "I can't run commands".
    assert_eq!(
        state("unsure.cant-run").outcome(G).map(|o| o.id),
        Some("collect-data")
    );
}

/// Commands that misbehaved in a terminal: a grep through the pod's YAML printed the whole
/// ccepolicy; `kubectl exec` right after `kubectl run` or `apply` ran before the pod was ready;
/// `time` in `sh -c` is missing from slim images.
#[test]
fn commands_do_not_flood_race_or_need_time() {
    for (at, c) in code() {
        assert!(
            !c.contains("--output yaml | grep"),
            "{at}: greps the YAML:\n{c}"
        );
        assert!(
            !c.contains("sh -c 'time") && !c.contains("; time "),
            "{at}: time:\n{c}"
        );
        let mut created: Vec<String> = Vec::new();
        for line in c.lines() {
            if let Some(rest) = line.strip_prefix("kubectl run ") {
                created.push(rest.split_whitespace().next().unwrap().to_string());
            }
            if line == "kubectl apply -f nettest.yaml" {
                created.push("nettest".into());
            }
            if let Some(rest) = line.strip_prefix("kubectl wait ") {
                created.retain(|p| !rest.contains(&format!("pod/{p} ")));
            }
            for p in &created {
                assert!(
                    !line.starts_with(&format!("kubectl exec {p} ")),
                    "{at}: exec in {p} before it is ready:\n{c}"
                );
            }
        }
    }
    // The annotations are listed by key, long values as their length.
    let q = G.question("proxy").unwrap();
    let list = q.checks[0].command.unwrap();
    assert!(
        list.contains("go-template") && list.contains("characters"),
        "{list}"
    );
}

// ---- the state machine ------------------------------------------------------------------------

/// Checks one state against the graph: `ancestors[i]` is the state after the first `i` answers
/// (`ancestors.last()` is `s` itself) and `questions[i]` the question answered at step `i`.
fn check_state(
    s: &WizardState,
    node: &'static Node,
    ancestors: &[WizardState],
    questions: &[&'static str],
) {
    let n = s.len();
    assert_eq!(ancestors.len(), n + 1);
    assert_eq!(s.current(G).id(), node.id());

    // The link: only URL-fragment-safe characters, and it reads back to the same state.
    let link = s.encode();
    assert!(
        link.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
        "{link}"
    );
    assert_eq!(WizardState::decode(G, &link).as_ref(), Ok(s), "{link}");

    // The breadcrumb lists each answered question with the answer given.
    let trail = s.trail(G);
    assert_eq!(trail.len(), n, "{link}");
    for (i, item) in trail.iter().enumerate() {
        assert_eq!(
            (item.index, item.question_id, item.answer_id),
            (i, questions[i], s.answer_at(i).unwrap())
        );
        let q = G.question(item.question_id).unwrap();
        assert_eq!(item.question_title, q.title);
        assert_eq!(item.answer_label, q.answer(item.answer_id).unwrap().label);
    }

    // Back returns to the previous state; jump_to(i) keeps the answers before i and stands at
    // question i again, for every i.
    if n > 0 {
        assert_eq!(&s.back(), &ancestors[n - 1], "{link}");
        assert_eq!(s.back().current(G).id(), questions[n - 1]);
    } else {
        assert_eq!(
            s.back(),
            WizardState::default(),
            "back at the start stays at the start"
        );
    }
    for (i, earlier) in ancestors.iter().enumerate() {
        let j = s.jump_to(i);
        assert_eq!(&j, earlier, "{link} jump_to({i})");
        if i < n {
            assert_eq!(j.current(G).id(), questions[i], "{link} jump_to({i})");
        }
    }
    assert_eq!(
        &s.jump_to(n + 3),
        s,
        "jumping past the end keeps everything"
    );

    // Answering: an unknown id is refused, at an outcome everything is.
    match node {
        Node::Outcome(_) => assert!(s.answer(G, "yes").is_err()),
        Node::Question(_) => assert!(s.answer(G, "not-an-answer").is_err()),
    }
}

/// Answers `a` at the end of (`ancestors`, `questions`), checks that the new state stands at
/// the node the answer names, and returns that node.
fn step(
    ancestors: &mut Vec<WizardState>,
    questions: &mut Vec<&'static str>,
    a: &str,
) -> &'static Node {
    let s = ancestors.last().unwrap();
    let q = s.question(G).expect("a question to answer");
    let answer = q.answer(a).unwrap();
    let next = s
        .answer(G, a)
        .unwrap_or_else(|e| panic!("{}: {e}", s.encode()));
    assert_eq!(next.answers[..s.len()], s.answers[..]);
    assert_eq!(
        next.answers.last(),
        Some(&(q.id.to_string(), a.to_string()))
    );
    assert_eq!(next.current(G).id(), answer.next);
    ancestors.push(next);
    questions.push(q.id);
    G.node(answer.next).unwrap()
}

/// Every (question, answer) edge, each from one state that reaches the question (the first
/// found breadth-first), and every state along the way.
#[test]
fn every_answer_navigates_and_round_trips() {
    let mut first: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([(G.start, Vec::new())]);
    while let Some((id, path)) = queue.pop_front() {
        if first.contains_key(id) {
            continue;
        }
        if let Some(Node::Question(q)) = G.node(id) {
            for a in q.answers {
                let mut p = path.clone();
                p.push(a.id);
                queue.push_back((a.next, p));
            }
        }
        first.insert(id, path);
    }
    assert_eq!(first.len(), G.nodes.len());
    let mut edges = 0;
    for n in G.nodes {
        let Node::Question(q) = n else { continue };
        for a in q.answers {
            let mut ancestors = vec![WizardState::new()];
            let mut questions = Vec::new();
            let mut node = G.start_node();
            check_state(&ancestors[0], node, &ancestors, &questions);
            for id in first[q.id].iter().chain([&a.id]) {
                node = step(&mut ancestors, &mut questions, id);
                check_state(ancestors.last().unwrap(), node, &ancestors, &questions);
            }
            assert_eq!(node.id(), a.next);
            edges += 1;
        }
    }
    assert!(edges > 60, "{edges} edges");
}

/// Thousands of complete walks with pseudo-random answers (fixed seed), every state checked.
#[test]
fn random_walks_navigate_and_round_trip() {
    let mut seed: u64 = 0x5eed_cafe_f00d_0001;
    let mut next = move |bound: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % bound
    };
    let mut outcomes = BTreeSet::new();
    for _ in 0..2000 {
        let mut ancestors = vec![WizardState::new()];
        let mut questions = Vec::new();
        let mut node = G.start_node();
        check_state(&ancestors[0], node, &ancestors, &questions);
        while let Node::Question(q) = node {
            let a = q.answers[next(q.answers.len())].id;
            node = step(&mut ancestors, &mut questions, a);
            check_state(ancestors.last().unwrap(), node, &ancestors, &questions);
        }
        outcomes.insert(node.id());
    }
    assert!(outcomes.len() > 5, "{outcomes:?}");
}

/// The same checks for every reachable state (every prefix of every path, about a million):
/// a few minutes, so it runs on demand: `cargo test --release --test wizard -- --ignored`.
#[test]
#[ignore = "exhaustive over every reachable state (1.2 million); minutes, best with --release"]
fn every_reachable_state_navigates_and_round_trips() {
    fn go(
        node: &'static Node,
        ancestors: &mut Vec<WizardState>,
        questions: &mut Vec<&'static str>,
        count: &mut usize,
    ) {
        *count += 1;
        check_state(ancestors.last().unwrap(), node, ancestors, questions);
        if let Node::Question(q) = node {
            for a in q.answers {
                let next = step(ancestors, questions, a.id);
                go(next, ancestors, questions, count);
                questions.pop();
                ancestors.pop();
            }
        }
    }
    let mut count = 0;
    go(
        G.start_node(),
        &mut vec![WizardState::new()],
        &mut Vec::new(),
        &mut count,
    );
    assert!(count > 100, "{count} states");
}

#[test]
fn answer_rejects_wrong_ids_and_outcomes() {
    let start = WizardState::new();
    let err = start.answer(G, "v2").unwrap_err();
    assert!(
        matches!(err, WizardError::NotAnAnswer { ref question_id, .. } if question_id == "symptom")
    );
    assert!(err.to_string().contains(G.start_node().title()), "{err}");
    assert_eq!(err.kept(), None);

    let done = state("outbound-slow.v2.no");
    let err = done.answer(G, "yes").unwrap_err();
    assert!(
        matches!(err, WizardError::AtOutcome { ref outcome_id, .. } if outcome_id == "no-nat-gateway")
    );
    assert!(err.to_string().contains("No NAT gateway"), "{err}");
}

#[test]
fn decode_rejects_garbage_unknown_ids_and_misplaced_answers() {
    assert_eq!(WizardState::decode(G, ""), Ok(WizardState::default()));
    assert_eq!(
        WizardState::decode(G, "  outbound-slow.v2 \n"),
        Ok(state("outbound-slow.v2"))
    );

    // Garbage.
    for bad in [
        "%%%",
        "outbound-slow..v2",
        ".",
        "outbound-slow.",
        "Outbound-Slow",
        "a b",
        "<script>",
    ] {
        let err = WizardState::decode(G, bad).unwrap_err();
        assert!(
            matches!(err, WizardError::Malformed { .. }),
            "{bad}: {err:?}"
        );
        assert!(!err.to_string().is_empty());
    }
    let err = WizardState::decode(G, "outbound-slow..v2").unwrap_err();
    assert!(
        matches!(err, WizardError::Malformed { step: 2, .. }),
        "{err:?}"
    );
    assert_eq!(err.kept(), Some(&state("outbound-slow")));

    // An unknown id.
    let err = WizardState::decode(G, "outbound-slow.bogus").unwrap_err();
    match &err {
        WizardError::UnknownAnswer {
            step,
            part,
            question_id,
            kept,
            ..
        } => {
            assert_eq!(
                (*step, part.as_str(), question_id.as_str()),
                (2, "bogus", "generation")
            );
            assert_eq!(kept, &state("outbound-slow"));
        }
        other => panic!("{other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("step 2") && msg.contains("bogus"), "{msg}");
    assert!(
        msg.contains(G.question("generation").unwrap().title),
        "{msg}"
    );

    // A real answer id, but of another question than the one reached.
    let err = WizardState::decode(G, "v2").unwrap_err();
    assert!(
        matches!(err, WizardError::UnknownAnswer { step: 1, ref question_id, .. } if question_id == "symptom"),
        "{err:?}"
    );
    assert_eq!(err.kept(), Some(&WizardState::default()));
    assert!(err.to_string().contains("first question"), "{err}");
    let err = WizardState::decode(G, "outbound-slow.v2.confidential").unwrap_err();
    assert!(
        matches!(err, WizardError::UnknownAnswer { step: 3, ref question_id, .. } if question_id == "nat"),
        "{err:?}"
    );
    // Messages are plain text: the title's `code` marks are dropped.
    assert!(G.question("nat").unwrap().title.contains('`'));
    assert!(!err.to_string().contains('`'), "{err}");
    // An empty step says so rather than quoting nothing.
    let msg = WizardState::decode(G, "outbound-slow..v2")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("step 2: its answer is missing"), "{msg}");

    // Going on after the result.
    let err = WizardState::decode(G, "outbound-slow.v2.no.yes").unwrap_err();
    assert!(
        matches!(err, WizardError::PastOutcome { step: 4, .. }),
        "{err:?}"
    );
    assert_eq!(err.kept(), Some(&state("outbound-slow.v2.no")));

    // Very long input is cut short in messages.
    let long = "x".repeat(10_000);
    let err = WizardState::decode(G, &long).unwrap_err();
    assert!(err.to_string().len() < 400, "{err}");
}

#[test]
fn the_summary_is_written_by_the_report_markdown_writer() {
    for link in [
        "",
        "outbound-slow.v2",
        "outbound-slow.v2.no",
        "confidential.on",
    ] {
        let s = state(link);
        let doc = aci_triage_core::wizard::doc::summary_doc(&s, G);
        assert_eq!(s.markdown(G), report::markdown(&doc), "{link}");
    }
    // What that writer does: the graph's title, the answers, the result with its sources as
    // labelled links.
    let md = state("outbound-slow.v2.no").markdown(G);
    assert!(md.starts_with(&format!("## {}\n", G.title)), "{md}");
    assert!(md.contains("\n### Answers\n\n1. "), "{md}");
    assert!(
        md.contains("\n### Result: No NAT gateway on the ACI subnet\n"),
        "{md}"
    );
    assert!(md.contains("\n#### Fix\n\n1. "), "{md}");
    assert!(
        md.contains("Sources: [microsoft/virtualnodesOnAzureContainerInstances · Docs/Troubleshooting.md#network-troubleshooting]("),
        "{md}"
    );
}

#[test]
fn markdown_has_the_trail_and_the_outcome_with_commands() {
    let s = state("outbound-slow.v2.no");
    let md = s.markdown(G);
    for item in s.trail(G) {
        assert!(md.contains(item.question_title), "{md}");
        assert!(md.contains(item.answer_label), "{md}");
    }
    let o = outcome("no-nat-gateway");
    assert!(md.contains(o.title) && md.contains(o.observation) && md.contains(o.cause));
    for step in o.fix.iter().chain(o.verify) {
        assert!(md.contains(step.text), "{md}");
    }
    assert!(md.contains("```\n"), "{md}");
    assert!(md.contains("az network nat gateway create"), "{md}");
    for src in o.sources {
        assert!(md.contains(&format!("]({src})")), "{md}");
    }
    // Every fence that opens also closes.
    assert_eq!(md.matches("```").count() % 2, 0, "{md}");

    let md = state("outbound-slow.v2.yes.confidential.on").markdown(G);
    assert!(md.contains("   ```\n   apiVersion: v1\n"), "{md}");
    assert!(
        md.contains("microsoft.containerinstance.virtualnode.injectdns: \"false\""),
        "{md}"
    );

    let md = state("outbound-slow.v2").markdown(G);
    assert!(
        md.contains("Open question") && md.contains(G.question("nat").unwrap().title),
        "{md}"
    );
    assert!(WizardState::new().markdown(G).contains("No answers yet"));
}

#[test]
fn a_damaged_link_opens_as_far_as_it_goes_with_its_notice_and_corrected_address() {
    let ok = WizardState::open(G, "outbound-slow.v2");
    assert_eq!(ok.state, state("outbound-slow.v2"));
    assert_eq!((ok.notice(), ok.corrected_fragment()), (None, None));

    let bad = WizardState::open(G, "outbound-slow.nonsense.v2");
    assert_eq!(bad.state, state("outbound-slow"));
    assert!(bad.notice().unwrap().contains("nonsense"));
    assert_eq!(
        bad.corrected_fragment().as_deref(),
        Some("wizard/outbound-slow")
    );

    let past = WizardState::open(G, "outbound-slow.v2.no.yes");
    assert_eq!(
        past.corrected_fragment().as_deref(),
        Some("wizard/outbound-slow.v2.no")
    );
    assert!(past.state.outcome(G).is_some());

    let garbage = WizardState::open(G, "%%%");
    assert_eq!(garbage.state, WizardState::default());
    assert_eq!(garbage.corrected_fragment().as_deref(), Some("wizard"));
    assert_eq!(fragment(""), "wizard");
}

#[test]
fn coming_back_to_a_question_knows_the_answer_chosen_before() {
    let deep = state("outbound-slow.v2.no");
    // The breadcrumb's first item, the Previous question button, the browser's Back.
    for (back, chosen) in [
        (deep.jump_to(0), "outbound-slow"),
        (deep.back(), "no"),
        (deep.jump_to(1), "v2"),
    ] {
        let a = back.earlier_choice(G, &deep).unwrap();
        assert_eq!(a.id, chosen);
        assert!(back.question(G).unwrap().answer(a.id).is_some());
    }
    // The breadcrumb item carries its answer too.
    let trail = deep.trail(G);
    assert_eq!(trail[1].answer_id, "v2");
    // Not coming back: nothing to mark.
    assert_eq!(deep.earlier_choice(G, &deep).map(|a| a.id), None);
    assert_eq!(
        deep.back()
            .earlier_choice(G, &WizardState::default())
            .map(|a| a.id),
        None
    );
    assert_eq!(
        state("outbound-fail")
            .earlier_choice(G, &deep)
            .map(|a| a.id),
        None,
        "another path"
    );
}

#[test]
fn the_nav_names_the_view_like_the_graph() {
    let html = include_str!("../../index.html");
    assert!(
        html.contains(&format!("<a href=\"#wizard\">{}</a>", G.name)),
        "index.html's nav says {:?}",
        G.name
    );
    assert!(G.title.starts_with(G.name));
    for what in ["failing", "DNS", "cluster services", "don't start"] {
        assert!(G.title.contains(what), "{}", G.title);
    }
}

// ---- the graph file and its build-time checks -------------------------------------------------

/// The build script's wizard part, to check what it says about broken graph files.
#[path = "../build/wizard.rs"]
#[allow(dead_code)]
mod authoring;

const NETWORK_TOML: &str = include_str!("../src/wizard/data/network.toml");

#[test]
fn the_graph_file_compiles_to_the_graph_the_app_uses() {
    let g = authoring::parse(NETWORK_TOML, "network.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    let ids: Vec<&str> = g
        .question
        .iter()
        .map(|q| q.id.as_str())
        .chain(g.outcome.iter().map(|o| o.id.as_str()))
        .collect();
    assert_eq!(ids, G.nodes.iter().map(Node::id).collect::<Vec<_>>());
    assert_eq!((g.title.as_str(), g.start.as_str()), (G.title, G.start));
    // Snippets are expanded and sources are URLs by then.
    let symptom = &g.question[0];
    assert!(symptom.sources.iter().all(|s| s.starts_with("https://")));
    assert!(!NETWORK_TOML.contains("@{nope}"));
    for q in &g.question {
        for c in &q.checks {
            assert!(!c.run.as_deref().unwrap_or("").contains("@{"), "{}", q.id);
        }
    }
}

/// A small valid graph; each test breaks one thing.
const TINY: &str = r#"
name = "Tiny"
title = "Tiny"
start = "first"

[sources]
doc = "https://example.com/doc"

[snippets]
hello = "echo hello"

[[question]]
id = "first"
title = "Does it work?"
intro = "Try it."
sources = ["doc"]
answers = [
  { id = "yes", label = "Yes", next = "done" },
  { id = "unsure", label = "I don't know", next = "first-check", unsure = true },
]
[[question.check]]
do = "Run it."
run = "@{hello}"
meaning = "It prints hello."

[[question]]
id = "first-check"
title = "Does the check pass?"
intro = "Check it."
answers = [
  { id = "pass", label = "It passes", next = "done" },
  { id = "unsure", label = "I can't tell", next = "done", unsure = true },
]
[[question.check]]
do = "Check it."
run = "true"
meaning = "No output."

[[outcome]]
id = "done"
title = "Done"
observation = "It works now."
cause = "It always did."
sources = ["doc"]
[[outcome.fix]]
do = "Nothing."
[[outcome.verify]]
do = "Run it again."
run = "@{hello}"
"#;

fn problems(text: &str) -> String {
    match authoring::parse(text, "tiny.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.join("\n"),
    }
}

#[test]
fn a_valid_graph_file_becomes_json_the_loader_reads_back() {
    let g = authoring::parse(TINY, "tiny.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(g.question[0].checks[0].run.as_deref(), Some("echo hello"));
    assert_eq!(g.question[0].sources, ["https://example.com/doc"]);
    let json = authoring::to_json(&g);
    assert!(
        json.starts_with('{') && !json.contains("\n  "),
        "compact: {json}"
    );
    let tiny = load(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(
        (tiny.name, tiny.title, tiny.start),
        ("Tiny", "Tiny", "first")
    );
    let ids: Vec<&str> = tiny.nodes.iter().map(Node::id).collect();
    assert_eq!(ids, ["first", "first-check", "done"]);
    let first = tiny.question("first").unwrap();
    assert_eq!(first.checks[0].command, Some("echo hello"));
    assert_eq!(first.checks[0].meaning, "It prints hello.");
    assert_eq!(first.sources, ["https://example.com/doc"]);
    let unsure = first.answer("unsure").unwrap();
    assert!(unsure.unsure && !unsure.cant_run && unsure.next == "first-check");
    assert!(!first.answer("yes").unwrap().unsure);
    let done = tiny.outcome("done").unwrap();
    assert_eq!((done.fix[0].text, done.fix[0].run), ("Nothing.", None));
    assert_eq!(done.verify[0].run, Some("echo hello"));
    assert!(done.caveats.is_empty());
    // The state machine walks the loaded graph like the built-in one.
    let s = WizardState::decode(&tiny, "unsure.pass").unwrap();
    assert_eq!(s.current(&tiny).id(), "done");
    // The name carries the content's hash.
    let name = authoring::hashed_name("tiny", &json);
    assert!(
        name.starts_with("tiny-") && name.ends_with(".json") && name.len() == 26,
        "{name}"
    );
    assert_ne!(
        name,
        authoring::hashed_name("tiny", &json.replace("Nothing.", "Nothing!"))
    );
}

#[test]
fn the_app_data_file_is_the_checked_graph_under_its_hashed_name() {
    let g = authoring::parse(NETWORK_TOML, "network.toml").unwrap_or_else(|e| panic!("{e:#?}"));
    // (The same JSON; its keys may come in another order: the build's serde_json sorts them.)
    let value = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert_eq!(value(NETWORK_JSON), value(&authoring::to_json(&g)));
    assert_eq!(
        NETWORK_FILE,
        authoring::hashed_name("network", NETWORK_JSON)
    );
    // Every text of the file reaches the graph: the Markdown of every outcome has its commands.
    for o in G.nodes.iter().filter_map(Node::as_outcome) {
        let def = g.outcome.iter().find(|d| d.id == o.id).unwrap();
        assert_eq!(
            (o.observation, o.cause),
            (def.observation.as_str(), def.cause.as_str())
        );
        assert_eq!(o.fix.len(), def.fix.len(), "{}", o.id);
        assert_eq!(o.sources, def.sources, "{}", o.id);
    }
}

/// What `load` says about a data file.
fn load_error(json: &str) -> String {
    match load(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_bad_data_file_is_refused_with_what_is_wrong() {
    let good = authoring::to_json(&authoring::parse(TINY, "tiny.toml").unwrap());
    assert!(load(&good).is_ok());
    for (json, says) in [
        (String::new(), "not JSON"),
        ("<!doctype html><p>Not found".to_string(), "not JSON"),
        (good[..good.len() / 2].to_string(), "not JSON"),
        ("[]".to_string(), "the graph is not an object"),
        ("{}".to_string(), "the graph: `name` is missing"),
        (
            good.replace(r#""title":"Tiny""#, r#""title":7"#),
            "`title` is not a string",
        ),
        (
            good.replace(r#""start":"first""#, r#""start":"done""#),
            r#"the start "done" names no question"#,
        ),
        (
            good.replace(r#""next":"done""#, r#""next":"gone""#),
            r#"question "first": answer "yes" leads to "gone", which is no node"#,
        ),
        (
            good.replace(r#""unsure":true"#, r#""unsure":"yes""#),
            r#"question "first" answers[1]: `unsure` is not true or false"#,
        ),
        (
            good.replace(r#""meaning":"It prints hello.""#, r#""meaning":null"#),
            r#"question "first" checks[0]: `meaning` is not a string"#,
        ),
        (
            good.replace(r#""caveats":[]"#, r#""caveats":[1]"#),
            r#"outcome "done" caveats[0] is not a string"#,
        ),
        (
            good.replace(r#""id":"first-check""#, r#""id":"done""#),
            "two nodes have the same id",
        ),
        (
            good.replace(r#""questions":["#, r#""questions":[7,"#),
            "questions[0] is not an object",
        ),
    ] {
        let msg = load_error(&json);
        assert!(
            msg.contains(says),
            "{json}\n  said: {msg}\n  wanted: {says}"
        );
        assert!(
            msg.starts_with("the wizard's data file is damaged"),
            "{msg}"
        );
    }
    // A graph without nodes has no start question (the state machine needs one).
    let empty = r#"{"name":"E","title":"E","start":"a","questions":[],"outcomes":[]}"#;
    assert!(load_error(empty).contains("names no question"));
}

#[test]
fn the_build_names_an_unknown_next_with_its_line() {
    let msg = problems(&TINY.replace(r#"next = "first-check""#, r#"next = "frist-check""#));
    assert!(
        msg.contains(r#"tiny.toml:13: "first": answer "unsure" has an unknown next "frist-check""#),
        "{msg}"
    );
}

#[test]
fn the_build_names_a_missing_field() {
    let msg = problems(&TINY.replace("cause = \"It always did.\"\n", ""));
    assert!(msg.contains("missing field `cause`"), "{msg}");
    assert!(msg.contains("tiny.toml"), "{msg}");
    let msg = problems(&TINY.replace("meaning = \"No output.\"\n", ""));
    assert!(msg.contains("missing field `meaning`"), "{msg}");
    let msg = problems(&TINY.replace("title = \"Does it work?\"\n", "titel = \"Does it work?\"\n"));
    assert!(msg.contains("unknown field `titel`"), "{msg}");
}

#[test]
fn the_build_refuses_a_cycle_and_unreachable_nodes() {
    let msg = problems(&TINY.replace(
        r#"{ id = "pass", label = "It passes", next = "done" }"#,
        r#"{ id = "pass", label = "It passes", next = "first" }"#,
    ));
    assert!(
        msg.contains("cycle: first -> first-check -> first"),
        "{msg}"
    );

    let msg = problems(&TINY.replace(
        r#"{ id = "unsure", label = "I don't know", next = "first-check", unsure = true }"#,
        r#"{ id = "unsure", label = "I don't know", next = "done", unsure = true }"#,
    ));
    assert!(
        msg.contains(
            r#"tiny.toml:27: "first-check": no path from the start "first" reaches this node"#
        ),
        "{msg}"
    );
}

#[test]
fn the_build_refuses_unknown_sources_snippets_and_bad_answers() {
    let msg = problems(&TINY.replace(r#"sources = ["doc"]"#, r#"sources = ["dco"]"#));
    assert!(msg.contains(r#"unknown source "dco""#), "{msg}");
    let msg = problems(&TINY.replace(r#"run = "@{hello}""#, r#"run = "@{helo}""#));
    assert!(msg.contains("unknown snippet @{helo}"), "{msg}");
    let msg = problems(&TINY.replace(", unsure = true }", " }"));
    assert!(
        msg.contains("needs exactly one answer with `unsure = true`"),
        "{msg}"
    );
    let msg = problems(&TINY.replace(r#"id = "pass""#, r#"id = "Pass""#));
    assert!(
        msg.contains(r#"answer id "Pass" is not kebab-case"#),
        "{msg}"
    );
    // "I can't run commands" goes straight to a result.
    let msg = problems(&TINY.replace(
        r#"{ id = "yes", label = "Yes", next = "done" }"#,
        r#"{ id = "yes", label = "Yes", next = "first-check", cant_run = true }"#,
    ));
    assert!(
        msg.contains(
            r#"the cant_run answer "yes" must lead straight to a result, not to "first-check""#
        ),
        "{msg}"
    );
}

/// Answer ids are in shared links: every answer of the earlier wizard still exists and leads to
/// the same node, so old links open where they did.
#[test]
fn old_links_keep_opening_where_they_did() {
    let old = include_str!("fixtures/wizard-answers-v1.txt");
    let mut n = 0;
    for line in old.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let (edge, next) = line.split_once(" -> ").unwrap();
        let (q, a) = edge.split_once('/').unwrap();
        let answer = G
            .question(q)
            .and_then(|q| q.answer(a))
            .unwrap_or_else(|| panic!("{edge} is gone"));
        assert_eq!(answer.next, next, "{edge} leads elsewhere now");
        n += 1;
    }
    assert!(n > 90, "{n} answers");
}
