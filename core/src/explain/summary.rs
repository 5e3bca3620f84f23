//! The triage summary: with two or more findings, one line per finding in the order to read
//! them (failures of the policy itself first, then the pipeline: mount → overlay → create →
//! exec, then the first occurrence), each with what was denied, its key value, whose move it
//! usually is, how often and where it occurred, and follow-on noise marked as such.

use super::decision::decision_rule;
use super::{card_heading_id, is_confidential_aci, wizard_link};
use crate::decode::{Analysis, Finding, FindingKind, OtherFormat, Reason};
use crate::knowledge::{self, Entry, Owner};
use crate::report::{hint, plural, text, Block, Inline};

/// Longest key error shown in a headline, in characters.
const KEY_CHARS: usize = 90;

/// What a finding is about, in a few words: the facts its headline and its summary line show.
#[derive(Clone, Debug, Default)]
pub struct Gist {
    /// The error (or request) that says what went wrong, shortened.
    pub key: Option<String>,
    /// The input value that identifies what was refused: (what it is, the value).
    pub value: Option<(&'static str, String)>,
    pub owner: Option<Owner>,
    /// Where it stands in the order of reading (see [`Stage`]).
    pub stage: Stage,
    /// Why it is probably a consequence of another failure, when it is.
    pub follow_on: Option<&'static str>,
}

/// The order in which findings are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The policy itself failed (a policy error, an invalid policy, `framework_version` ahead
    /// or missing, a rule missing from the policy): everything else is moot.
    Policy,
    /// Mounting image layers and disks (and loading fragments, which comes first).
    Mount,
    Overlay,
    Create,
    Exec,
    #[default]
    Other,
    /// Teardown: unmounting, stopping.
    Teardown,
    /// A decision that allowed.
    Allowed,
}

fn stage_of_rule(rule: &str) -> Stage {
    match rule {
        "load_fragment" | "mount_device" | "rw_mount_device" | "mount_blockdev" | "plan9_mount"
        | "scratch_mount" | "mount_cims" => Stage::Mount,
        "mount_overlay" => Stage::Overlay,
        "create_container" | "registry_changes" => Stage::Create,
        "exec_in_container" | "exec_external" => Stage::Exec,
        r if r.starts_with("unmount") || r.ends_with("_unmount") || r == "shutdown_container" => {
            Stage::Teardown
        }
        _ => Stage::Other,
    }
}

/// Catalog entries (formats and reasons) that say the policy itself failed.
const POLICY_WIDE: &[&str] = &[
    "framework-version-ahead",
    "framework-version-missing",
    "rule-missing-from-policy",
    "invalid-policy",
    "no-api-version",
    "enforcement-point-unknown",
    "enforcement-point-invalid",
    "enforcement-point-info-incomplete",
    "enforcement-point-query-failed",
    "interpreter-missing-key",
    "interpreter-not-boolean",
    "arm-empty-policy",
    "arm-invalid-base64",
    "arm-invalid-cce-policy",
    "rego-compilation-failed",
    "policy-base64-undecodable",
    "policy-already-set",
    "hostdata-mismatch",
    "oversized-policy",
    "closed-door",
    "contrast-missing-annotation",
];

/// `s` cut to [`KEY_CHARS`] characters.
fn short(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(KEY_CHARS) {
        Some((at, _)) => format!("{}\u{2026}", s[..at].trim_end()),
        None => s.to_string(),
    }
}

/// The cause among error messages (the first that is no follow-on of the others), or the first
/// with the note that makes it one when all are.
fn cause_of<'a>(
    errors: &'a [String],
    rule: Option<&str>,
) -> Option<(&'a str, Option<&'static Entry>, Option<&'static str>)> {
    // Each distinct message once (a hostile decision repeats one thousands of times).
    let errors: Vec<&'a str> = super::distinct(errors).take(super::MAX_ITEMS).collect();
    let found: Vec<Option<&'static Entry>> = errors
        .iter()
        .map(|e| knowledge::lookup_message(e).map(|m| m.entry))
        .collect();
    let ids: Vec<&str> = found.iter().flatten().map(|e| e.id).collect();
    let note = |i: usize| {
        let e = found[i]?;
        let others: Vec<&str> = ids.iter().copied().filter(|&x| x != e.id).collect();
        e.follow_on(rule, &others)
    };
    let first = *errors.first()?;
    match (0..errors.len()).find(|&i| note(i).is_none()) {
        Some(i) => Some((errors[i], found[i], None)),
        None => Some((first, found[0], note(0))),
    }
}

/// The gist of a finding.
pub fn gist(f: &Finding) -> Gist {
    let mut g = Gist::default();
    match &f.kind {
        FindingKind::Decision(d) => {
            let rule = decision_rule(d).map(|(id, _)| id);
            let rule_entry = rule.as_deref().and_then(knowledge::rule);
            g.stage = rule.as_deref().map_or(Stage::Other, stage_of_rule);
            g.owner = rule_entry.map(|r| r.owner);
            let Some(dec) = d.blob.decision.as_ref() else {
                g.key = Some("the blob did not decode to a decision".into());
                return g;
            };
            if dec.decision.as_deref() == Some("allow") {
                g.stage = Stage::Allowed;
                g.key = Some("allowed, not a denial".into());
                g.owner = None;
                return g;
            }
            if let Some((msg, entry, note)) = cause_of(dec.errors(), rule.as_deref()) {
                g.key = Some(short(msg));
                g.owner = entry.and_then(|e| e.owner).or(g.owner);
                g.follow_on = note;
                if super::distinct(dec.errors())
                    .take(super::MAX_ITEMS)
                    .filter_map(knowledge::lookup_message)
                    .any(|m| POLICY_WIDE.contains(&m.entry.id))
                {
                    g.stage = Stage::Policy;
                }
            }
            let reason_text = match &dec.reason {
                Some(Reason::Text(t)) => Some(t.as_str()),
                _ => None,
            };
            for t in [dec.policy_error.as_deref(), reason_text]
                .into_iter()
                .flatten()
            {
                let m = knowledge::lookup_reason(t);
                if m.as_ref().is_some_and(|m| m.entry.id != "no-reason")
                    || dec.policy_error.is_some()
                {
                    g.stage = Stage::Policy;
                    g.owner = m.and_then(|m| m.entry.owner).or(Some(Owner::Either));
                }
                g.key.get_or_insert_with(|| short(t));
            }
            if g.key.is_none() && dec.errors().is_empty() && dec.reason.is_some() {
                g.key = Some("no reason given (errors is empty)".into());
            }
            g.value = input_value(dec.input.as_ref(), rule.as_deref()).or_else(|| {
                d.wrapper.as_ref().and_then(|w| {
                    w.details
                        .iter()
                        .find(|(k, _)| k == "target")
                        .map(|(_, v)| ("mount", v.clone()))
                })
            });
        }
        FindingKind::Other(o) => match o {
            OtherFormat::Legacy { rule, errors, .. } => {
                g.stage = stage_of_rule(rule);
                g.owner = knowledge::rule(rule).map(|r| r.owner);
                let list = errors
                    .as_deref()
                    .map(knowledge::split_legacy_errors)
                    .unwrap_or_default();
                if let Some((msg, entry, note)) = cause_of(&list, Some(rule)) {
                    g.key = Some(short(msg));
                    g.owner = entry.and_then(|e| e.owner).or(g.owner);
                    g.follow_on = note;
                }
            }
            OtherFormat::Kata { request, .. } => {
                g.stage = match request.as_str() {
                    "CreateContainerRequest" | "CreateSandboxRequest" | "CopyFileRequest" => {
                        Stage::Create
                    }
                    "ExecProcessRequest" => Stage::Exec,
                    _ => Stage::Other,
                };
                g.key = Some(request.clone());
                g.owner = knowledge::entry("kata").and_then(|e| e.owner);
            }
            OtherFormat::Known { id, text } => {
                if POLICY_WIDE.contains(id) {
                    g.stage = Stage::Policy;
                }
                g.key = Some(short(text));
                g.owner = knowledge::entry(id).and_then(|e| e.owner);
            }
            OtherFormat::JsonPolicy { text, .. } => {
                g.key = Some(short(text));
                g.owner = knowledge::entry("json-policy").and_then(|e| e.owner);
            }
            OtherFormat::Message { text } => {
                let entry = knowledge::lookup_message(text).map(|m| m.entry);
                if entry.is_some_and(|e| POLICY_WIDE.contains(&e.id)) {
                    g.stage = Stage::Policy;
                }
                g.key = Some(short(text));
                g.owner = entry.and_then(|e| e.owner);
            }
        },
    }
    g
}

/// The input value that identifies what was refused.
fn input_value(
    input: Option<&serde_json::Map<String, serde_json::Value>>,
    rule: Option<&str>,
) -> Option<(&'static str, String)> {
    let input = input?;
    if let Some(h) = input.get("deviceHash").and_then(|v| v.as_str()) {
        return Some(("image layer", h.to_string()));
    }
    if let Some(args) = input.get("argList").and_then(|v| v.as_array()) {
        let argv: Vec<String> = args.iter().map(crate::decode::model::value_text).collect();
        return Some(("command", short(&argv.join(" "))));
    }
    if rule.is_some_and(|r| r.contains("mount")) {
        if let Some(t) = input.get("target").and_then(|v| v.as_str()) {
            return Some(("mount", t.to_string()));
        }
    }
    None
}

/// How often a finding occurred: kubectl's counts where the paste shows them.
fn how_often(f: &Finding) -> String {
    let seen = f.occurrences.len();
    let counted: u64 = f
        .occurrences
        .iter()
        .map(|o| u64::from(o.kubectl_count.max(1)))
        .sum();
    if f.occurrences.iter().any(|o| o.kubectl_count > 1) {
        format!("{counted} times by kubectl's count")
    } else if seen == 1 {
        "once".to_string()
    } else {
        format!("{seen} times")
    }
}

/// `namespace/pod` of each distinct pod a finding hit, in order.
pub fn pods(f: &Finding) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in &f.occurrences {
        let Some(pod) = &o.place.pod else { continue };
        let name = match &o.place.namespace {
            Some(ns) => format!("{ns}/{pod}"),
            None => pod.clone(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Most pods listed on one summary line before "and N more".
const MAX_PODS: usize = 8;

/// The summary of an analysis with two or more findings, `None` otherwise. Each line links to
/// its card's heading ([`card_heading_id`]).
pub fn summary_doc(a: &Analysis) -> Option<Vec<Block>> {
    if a.findings.len() < 2 {
        return None;
    }
    let gists: Vec<Gist> = a.findings.iter().map(gist).collect();
    let mut order: Vec<usize> = (0..a.findings.len()).collect();
    // Teardown is a consequence when anything else failed before it.
    let causes = gists
        .iter()
        .filter(|g| g.follow_on.is_none() && g.stage < Stage::Teardown)
        .count();
    let follows = |i: usize| {
        let g = &gists[i];
        g.follow_on.or_else(|| {
            (g.stage == Stage::Teardown && causes > 0).then_some(
                "Teardown after an earlier failure: the platform undoes what a refused step set up.",
            )
        })
    };
    // Causes before their consequences, then by stage, then in the paste's order (a paste is
    // at most 256 MB: its positions fit in 48 bits).
    crate::order::sort_by_rank(&mut order, |&i| {
        let start = a.findings[i]
            .occurrences
            .first()
            .map_or(0, |o| o.range.start as u64);
        (u64::from(follows(i).is_some()) << 63) | ((gists[i].stage as u64) << 48) | start
    });

    let mut doc = vec![
        Block::Heading {
            level: 2,
            text: text("Triage summary"),
            id: Some(SUMMARY_ID.to_string()),
        },
        Block::Para {
            class: hint::PLAIN,
            text: text(format!(
                "{} in the order to read them: failures of the policy itself first (they make the rest moot), then the order in which a container starts (mount \u{2192} overlay \u{2192} create \u{2192} exec), then likely consequences of those.",
                plural(a.findings.len(), "distinct finding", "distinct findings")
            )),
        },
    ];
    let items = order
        .iter()
        .map(|&i| {
            let f = &a.findings[i];
            let g = &gists[i];
            let mut head = vec![Inline::Link {
                href: format!("#{}", card_heading_id(i)),
                text: super::finding_title(f),
            }];
            if let Some((what, v)) = &g.value {
                head.push(Inline::Text(format!(" \u{b7} {what} ")));
                head.push(Inline::Code(short(v)));
            }
            let mut facts: Vec<Inline> = Vec::new();
            if g.stage == Stage::Policy {
                let oversized = matches!(
                    &f.kind,
                    FindingKind::Other(OtherFormat::Known {
                        id: "oversized-policy",
                        ..
                    })
                );
                facts.push(Inline::Strong(
                    (if oversized {
                        "Failed before any policy decision (often: the policy is too large)."
                    } else {
                        "The policy itself failed."
                    })
                    .into(),
                ));
                facts.push(Inline::Text(" ".into()));
            }
            let mut line = Vec::new();
            if let Some(o) = g.owner {
                line.push(o.label().to_string());
            }
            line.push(format!("seen {}", how_often(f)));
            if let Some(o) = f.occurrences.first() {
                line.push(format!("first on line {}", o.line));
            }
            facts.push(Inline::Text(line.join(" \u{b7} ")));
            let pods = pods(f);
            if !pods.is_empty() {
                facts.push(Inline::Text(format!(
                    " \u{b7} {}: ",
                    if pods.len() == 1 { "pod" } else { "pods" }
                )));
                for (k, p) in pods.iter().take(MAX_PODS).enumerate() {
                    if k > 0 {
                        facts.push(Inline::Text(", ".into()));
                    }
                    facts.push(Inline::Code(p.clone()));
                }
                if pods.len() > MAX_PODS {
                    facts.push(Inline::Text(format!(" and {} more", pods.len() - MAX_PODS)));
                }
            }
            facts.push(Inline::Text(".".into()));
            let mut item = vec![
                Block::Para {
                    class: hint::PLAIN,
                    text: head,
                },
                Block::Para {
                    class: hint::NOTE,
                    text: facts,
                },
            ];
            if let Some(note) = follows(i) {
                let mut t = vec![Inline::Strong(
                    "Likely a consequence of the first failure.".into(),
                )];
                t.push(Inline::Text(" ".into()));
                t.extend(crate::report::inlines(note));
                item.push(Block::Para {
                    class: hint::FOLLOW_ON,
                    text: t,
                });
            }
            item
        })
        .collect();
    doc.push(Block::List {
        ordered: true,
        class: hint::SUMMARY,
        items,
    });
    if a.findings.iter().any(is_confidential_aci) {
        doc.push(wizard_link());
    }
    Some(doc)
}

/// The id of the summary's heading.
pub const SUMMARY_ID: &str = "summary";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::analyze;
    use crate::report::{markdown, plain};
    use base64::Engine;

    fn blob(json: &str) -> String {
        format!(
            "policyDecision< {} >policyDecision",
            base64::engine::general_purpose::STANDARD.encode(json)
        )
    }

    /// The summary's lines as (link target, plain text of the line).
    fn lines(doc: &[Block]) -> Vec<(String, String)> {
        let Some(Block::List { items, .. }) = doc
            .iter()
            .find(|b| matches!(b, Block::List { class, .. } if *class == hint::SUMMARY))
        else {
            panic!("no summary list: {doc:?}")
        };
        items
            .iter()
            .map(|item| {
                let href = item
                    .iter()
                    .find_map(|b| match b {
                        Block::Para { text, .. } => text.iter().find_map(|i| match i {
                            Inline::Link { href, .. } => Some(href.clone()),
                            _ => None,
                        }),
                        _ => None,
                    })
                    .unwrap_or_default();
                (href, markdown(item))
            })
            .collect()
    }

    /// A `kubectl describe pod` paste whose events hold, in this order: an unmount after the
    /// failure, a create denial (x3), a mount denial, a stop of the container that never
    /// started, and a policy whose framework_version is ahead (with the overlay error it causes).
    fn noisy_describe() -> String {
        let unmount = blob(
            r#"{"decision":"deny","input":{"rule":"unmount_device","unmountTarget":"/run/mounts/m9"},"reason":{"errors":["no device at path to unmount"]}}"#,
        );
        let create = blob(
            r#"{"decision":"deny","input":{"rule":"create_container","argList":["/bin/sh","-c","start.sh"]},"reason":{"errors":["invalid command","invalid env list: APP_IDENTITY_ENDPOINT"]}}"#,
        );
        let mount = blob(
            r#"{"decision":"deny","input":{"deviceHash":"deab9495e4a3c245e3be675a350d0e7a9fe6dcdc95a73582f8586dd759ca7a0b","rule":"mount_device","target":"/run/mounts/m9"},"reason":{"errors":["deviceHash not found"]}}"#,
        );
        let stop = blob(
            r#"{"decision":"deny","input":{"rule":"shutdown_container","containerID":"abc"},"reason":{"errors":["container not started"]}}"#,
        );
        let version = blob(
            r#"{"decision":"deny","input":{"rule":"mount_overlay","containerID":"abc"},"reason":{"errors":["no matching containers for overlay","framework_version is ahead of the current version: 0.9.0 is greater than 0.5.0"]}}"#,
        );
        format!(
            "Name:             web-7d4b9c6f5-x2xkq\nNamespace:        shop\nContainers:\n  web:\n    Image:   myregistry.azurecr.io/web:latest\nEvents:\n  Type     Reason  Age               From     Message\n  ----     ------  ----              ----     -------\n  Warning  Failed  5m                kubelet  Error: {unmount}\n  Warning  Failed  90s (x3 over 4m)  kubelet  Error: {create}\n  Warning  Failed  4m                kubelet  Error: {mount}\n  Warning  Failed  3m                kubelet  Error: {stop}\n  Warning  Failed  2m                kubelet  Error: {version}\n"
        )
    }

    #[test]
    fn one_finding_has_no_summary() {
        assert!(summary_doc(&analyze(&blob(r#"{"decision":"deny"}"#))).is_none());
        assert!(summary_doc(&analyze("")).is_none());
    }

    #[test]
    fn policy_wide_first_then_the_pipeline_then_follow_on_noise() {
        let a = analyze(&noisy_describe());
        assert_eq!(a.findings.len(), 5);
        let doc = summary_doc(&a).expect("a summary");
        assert_eq!(
            doc[0],
            Block::Heading {
                level: 2,
                text: text("Triage summary"),
                id: Some(SUMMARY_ID.into())
            }
        );
        let l = lines(&doc);
        // Findings in paste order: 0 unmount, 1 create, 2 mount, 3 stop, 4 framework_version.
        let order: Vec<&str> = l.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            order,
            [
                "#finding-4",
                "#finding-2",
                "#finding-1",
                "#finding-0",
                "#finding-3"
            ],
            "{l:#?}"
        );
        // The policy-wide one says so; its key error is the version, not the overlay noise.
        assert!(l[0].1.contains("The policy itself failed."), "{}", l[0].1);
        assert!(l[0].1.contains("framework_version is ahead"), "{}", l[0].1);
        // The mount names its layer; the create its command and the cause (not the env list,
        // which is dropped by default beside another error).
        assert!(l[1].1.contains("image layer `deab9495"), "{}", l[1].1);
        assert!(
            l[2].1
                .contains("Starting a container \u{2014} invalid command"),
            "{}",
            l[2].1
        );
        assert!(
            l[2].1.contains("command `/bin/sh -c start.sh`"),
            "{}",
            l[2].1
        );
        // kubectl's count, the first line, the pod from describe's header, whose move.
        assert!(
            l[2].1.contains("seen 3 times by kubectl's count"),
            "{}",
            l[2].1
        );
        assert!(l[2].1.contains("first on line 10"), "{}", l[2].1);
        assert!(
            l[2].1.contains("pod: `shop/web-7d4b9c6f5-x2xkq`"),
            "{}",
            l[2].1
        );
        assert!(l[1].1.contains("Usually yours to fix"), "{}", l[1].1);
        // Teardown noise is marked, with the catalog's reason; causes are not.
        for (_, line) in &l[3..] {
            assert!(
                line.contains("Likely a consequence of the first failure."),
                "{line}"
            );
            assert!(line.contains("Teardown after an earlier failure"), "{line}");
        }
        for (_, line) in &l[..3] {
            assert!(!line.contains("Likely a consequence"), "{line}");
        }
        // Once per paste: the network pointer is in the summary, on no card.
        let md = markdown(&doc);
        assert_eq!(
            md.matches("Troubleshoot a Confidential pod's network")
                .count(),
            1
        );
        for i in 0..a.findings.len() {
            let card = markdown(&super::super::card_doc(&a, i));
            assert!(
                !card.contains("Troubleshoot a Confidential pod's network"),
                "{card}"
            );
        }
    }

    #[test]
    fn the_report_starts_with_the_summary() {
        let a = analyze(&noisy_describe());
        let md = super::super::ticket_markdown(&a, None);
        let summary = md.find("## Triage summary").expect("summary");
        let first_card = md.find("## Assembling").expect("a card");
        assert!(summary < first_card, "{md}");
    }

    #[test]
    fn a_cluster_wide_event_list_reads_as_affected_workloads() {
        let deny = blob(
            r#"{"decision":"deny","input":{"rule":"create_container"},"reason":{"errors":["invalid command"]}}"#,
        );
        let exec = blob(
            r#"{"decision":"deny","input":{"rule":"exec_in_container","argList":["sh"]},"reason":{"errors":["invalid command"]}}"#,
        );
        let text = format!(
            "NAMESPACE   LAST SEEN   TYPE      REASON   OBJECT          MESSAGE\n\
             shop        2m          Warning   Failed   pod/web-1       Error: {deny}\n\
             shop        90s         Warning   Failed   pod/web-2       Error: {deny}\n\
             jobs        30s         Warning   Failed   pod/batch-9     exec failed: {exec}\n\
             billing     10s         Warning   Failed   pod/api-0       Error: {deny}\n"
        );
        let a = analyze(&text);
        assert_eq!(a.findings.len(), 2);
        let l = lines(&summary_doc(&a).unwrap());
        assert_eq!(l[0].0, "#finding-0");
        assert!(
            l[0].1
                .contains("pods: `shop/web-1`, `shop/web-2`, `billing/api-0`"),
            "{}",
            l[0].1
        );
        assert!(l[1].1.contains("pod: `jobs/batch-9`"), "{}", l[1].1);
        // The card says where each occurrence came from.
        let card = markdown(&super::super::card_doc(&a, 0));
        assert!(card.contains("Pod `web-2` in namespace `shop`"), "{card}");
        assert!(
            card.contains("`web-2` in namespace `shop`, seen 90s ago"),
            "{card}"
        );
    }

    #[test]
    fn headlines_carry_the_key_error() {
        let a = analyze(&blob(
            r#"{"decision":"deny","input":{"rule":"create_container"},"reason":{"errors":["invalid env list: APP_IDENTITY_ENDPOINT"]}}"#,
        ));
        let doc = super::super::card_doc(&a, 0);
        let Block::Heading { text, .. } = &doc[0] else {
            panic!()
        };
        assert_eq!(
            plain(text),
            "Starting a container \u{2014} invalid env list: APP_IDENTITY_ENDPOINT"
        );
        // The variable is named as the platform's own.
        let md = markdown(&doc);
        assert!(
            md.contains("`APP_IDENTITY_ENDPOINT` is the platform's own managed-identity variable"),
            "{md}"
        );
        // Alone, the card has the network pointer.
        assert_eq!(
            md.matches("Troubleshoot a Confidential pod's network")
                .count(),
            1,
            "{md}"
        );
        // Long messages are cut in the headline, never in the card.
        let long = "x".repeat(200);
        let a = analyze(&blob(&format!(
            r#"{{"decision":"deny","input":{{"rule":"create_container"}},"reason":{{"errors":["{long}"]}}}}"#
        )));
        let title = super::super::finding_title(&a.findings[0]);
        assert!(
            title.ends_with('\u{2026}') && title.chars().count() < 130,
            "{title}"
        );
        assert!(markdown(&super::super::card_doc(&a, 0)).contains(&long));
    }

    #[test]
    fn the_oversized_policy_symptom_is_explained_and_read_first() {
        use crate::decode::{Occurrence, OtherFormat};
        // However the reader recognises the symptom, its card and its place in the summary.
        let text = "hcs::CreateComputeSystem 1234@vm: The requested operation failed.: unknown";
        let oversized = Finding {
            kind: FindingKind::Other(OtherFormat::Known {
                id: "oversized-policy",
                text: text.into(),
            }),
            occurrences: vec![Occurrence {
                range: 500..570,
                line: 9,
                ..Default::default()
            }],
        };
        let md = markdown(&super::super::finding_doc(&oversized, "f"));
        for what in [
            "## Container group failed to start (often: policy too large)",
            "about 120 KB",
            "--print-existing-policy | wc -c",
            "base64 -d | wc -c",
            "signed policy fragment",
            "any failure to create the VM produces the same words",
        ] {
            assert!(md.contains(what), "{what}: {md}");
        }
        let mut a = analyze(&blob(
            r#"{"decision":"deny","input":{"rule":"create_container"},"reason":{"errors":["invalid command"]}}"#,
        ));
        a.findings.push(oversized);
        let l = lines(&summary_doc(&a).unwrap());
        assert_eq!(l[0].0, "#finding-1", "{l:#?}");
        assert!(
            l[0].1
                .contains("Failed before any policy decision (often: the policy is too large)."),
            "{}",
            l[0].1
        );
    }
}
