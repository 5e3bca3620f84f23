//! The knowledge catalog against the reference list (tests/reference/catalog-reference.txt),
//! which was compiled from the domain reference independently of the catalog files.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeSet, HashMap, HashSet};

use aci_triage_core::decode::formats::SIGNATURES;
use aci_triage_core::knowledge::{
    self, entry, lookup_message, lookup_reason, rule, split_legacy_errors, Entry, Kind, Match,
    Owner, Param, FORMATS, MESSAGES, REASONS, RULES,
};

// ---------------------------------------------------------------------------------------------
// The reference list

#[derive(Debug, Default)]
struct Reference {
    /// (id, since, fields, platform)
    rules: Vec<(String, String, Vec<String>, Option<String>)>,
    /// (text, rules: None for `any`)
    messages: Vec<(String, Option<Vec<String>>)>,
    /// (old wording, current wording)
    historical: Vec<(String, String)>,
    reasons: Vec<String>,
    formats: Vec<String>,
    /// (id, text)
    format_texts: Vec<(String, String)>,
    /// (id, text): texts that look like ours but must not become findings.
    lookalike_texts: Vec<(String, String)>,
}

fn reference() -> Reference {
    let path = format!(
        "{}/tests/reference/catalog-reference.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut r = Reference::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (kind, rest) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("line {}: no prefix: {line}", n + 1));
        let parts: Vec<&str> = rest.split(" | ").collect();
        let attr = |name: &str| -> Option<String> {
            parts[1..]
                .iter()
                .find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
                .map(str::to_string)
        };
        let list = |v: String| -> Vec<String> {
            v.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        match kind {
            "rule" => r.rules.push((
                parts[0].to_string(),
                attr("since").unwrap_or_else(|| panic!("line {}: no since", n + 1)),
                list(attr("fields").unwrap_or_else(|| panic!("line {}: no fields", n + 1))),
                attr("platform"),
            )),
            "message" => {
                let rules = attr("rules").unwrap_or_else(|| panic!("line {}: no rules", n + 1));
                let rules = (rules != "any").then(|| list(rules));
                r.messages.push((parts[0].to_string(), rules));
            }
            "historical" => {
                assert_eq!(parts.len(), 2, "line {}: old | current", n + 1);
                r.historical
                    .push((parts[0].to_string(), parts[1].to_string()));
            }
            // Reason texts never contain " | "; keep the whole line.
            "reason" => r.reasons.push(rest.to_string()),
            "format" => r.formats.push(rest.to_string()),
            "format-text" => {
                let (id, t) = rest
                    .split_once(" | ")
                    .unwrap_or_else(|| panic!("line {}: id | text", n + 1));
                r.format_texts.push((id.to_string(), t.to_string()));
            }
            "lookalike-text" => {
                let (id, t) = rest
                    .split_once(" | ")
                    .unwrap_or_else(|| panic!("line {}: id | text", n + 1));
                r.lookalike_texts.push((id.to_string(), t.to_string()));
            }
            other => panic!("line {}: unknown prefix {other:?}", n + 1),
        }
    }
    r
}

fn found(what: &str, m: Option<Match>) -> Match {
    m.unwrap_or_else(|| panic!("the catalog does not explain {what:?}"))
}

/// Every entry must be usable on its own: a title, a meaning, causes, fix steps, https sources.
fn assert_complete(e: &Entry) {
    let id = e.id;
    assert!(!e.title.trim().is_empty(), "{id}: title");
    assert!(e.meaning.trim().len() >= 40, "{id}: meaning too short");
    assert!(!e.causes.is_empty(), "{id}: causes");
    assert!(e.causes.iter().all(|c| !c.trim().is_empty()), "{id}: cause");
    assert!(!e.fix.is_empty(), "{id}: fix");
    assert!(e.fix.iter().all(|s| !s.text.trim().is_empty()), "{id}: fix");
    assert!(
        e.fix
            .iter()
            .all(|s| s.run.is_none_or(|r| !r.trim().is_empty())),
        "{id}: empty command"
    );
    assert!(!e.sources.is_empty(), "{id}: sources");
    for s in e.sources {
        assert!(s.starts_with("https://"), "{id}: source {s}");
        assert!(!s.contains(' '), "{id}: source {s}");
    }
    // `code` spans must be balanced or the UI renders the rest of the text as code.
    for t in [e.title, e.meaning]
        .into_iter()
        .chain(e.causes.iter())
        .chain(e.fix.iter().map(|s| s.text))
    {
        assert_eq!(
            t.matches('`').count() % 2,
            0,
            "{id}: unbalanced backticks in {t:?}"
        );
    }
}

fn param<'a>(m: &'a Match, name: &str) -> &'a [String] {
    &m.params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{}: no parameter {name}: {:?}", m.entry.id, m.params))
        .values
}

// ---------------------------------------------------------------------------------------------
// Rules

#[test]
fn every_enforcement_point_is_in_the_catalog() {
    let r = reference();
    assert_eq!(
        r.rules.len(),
        26,
        "the reference lists 26 enforcement points"
    );
    for (id, since, fields, platform) in &r.rules {
        let rule = rule(id).unwrap_or_else(|| panic!("rules.toml lacks {id}"));
        assert_eq!(rule.since, since, "{id}: since");
        assert_eq!(rule.platform, platform.as_deref(), "{id}: platform");
        assert!(!rule.title.trim().is_empty() && !rule.doing.trim().is_empty());
        assert!(!rule.owner_note.trim().is_empty(), "{id}: owner_note");
        assert!(!rule.sources.is_empty(), "{id}: sources");
        assert!(rule.sources.iter().all(|s| s.starts_with("https://")));
        for f in fields {
            let field = rule
                .field(f)
                .unwrap_or_else(|| panic!("{id}: no field {f}"));
            assert!(!field.meaning.trim().is_empty(), "{id}.{f}");
        }
        // No invented fields either.
        for f in rule.fields.iter() {
            assert!(
                fields.iter().any(|x| x == f.name),
                "{id}: extra field {}",
                f.name
            );
        }
    }
    // And nothing the reference does not know.
    let listed: HashSet<&str> = r.rules.iter().map(|(id, ..)| id.as_str()).collect();
    for rule in RULES.iter() {
        assert!(
            listed.contains(rule.id),
            "rules.toml has unknown {}",
            rule.id
        );
    }
    assert_eq!(RULES.len(), 26);
}

#[test]
fn rule_titles_are_plain_words_and_unique() {
    let mut seen = HashSet::new();
    for r in RULES.iter() {
        assert!(seen.insert(r.title), "duplicate title {}", r.title);
        assert!(!r.title.contains('_'), "{}: title is not plain words", r.id);
        assert!(r.title.chars().next().unwrap().is_uppercase(), "{}", r.id);
    }
    assert_eq!(
        rule("exec_in_container").unwrap().title,
        "Running a command in a container (kubectl exec or an exec probe)"
    );
    assert_eq!(
        rule("signal_container_process").unwrap().title,
        "Delivering a signal to a container process"
    );
    assert_eq!(
        rule("mount_device").unwrap().title,
        "Mounting a read-only image layer"
    );
}

#[test]
fn empty_error_lists_are_explained_where_expected() {
    for id in [
        "get_properties",
        "dump_stacks",
        "runtime_logging",
        "host_network",
        "plan9_mount",
        "plan9_unmount",
        "signal_container_process",
        "create_container",
        "mount_cims",
        "registry_changes",
    ] {
        let r = rule(id).unwrap();
        let note = r
            .empty_errors
            .unwrap_or_else(|| panic!("{id}: empty_errors"));
        assert!(note.len() > 40, "{id}: empty_errors too short");
    }
    // The flag-only points say which flag is off.
    for (id, flag) in [
        ("get_properties", "allow_properties_access"),
        ("dump_stacks", "allow_dump_stacks"),
        ("runtime_logging", "allow_runtime_logging"),
        ("host_network", "allow_host_network"),
    ] {
        assert!(
            rule(id).unwrap().empty_errors.unwrap().contains(flag),
            "{id}"
        );
    }
}

#[test]
fn owners_are_sensible() {
    assert_eq!(rule("mount_device").unwrap().owner, Owner::User);
    assert_eq!(rule("create_container").unwrap().owner, Owner::User);
    assert_eq!(rule("exec_in_container").unwrap().owner, Owner::User);
    for id in [
        "unmount_device",
        "rw_unmount_device",
        "exec_external",
        "plan9_mount",
    ] {
        assert_eq!(rule(id).unwrap().owner, Owner::Platform, "{id}");
    }
    // Stop signals depend on the guest's version as much as on the policy.
    assert_eq!(
        rule("signal_container_process").unwrap().owner,
        Owner::Either
    );
    let own = |id: &str| entry(id).unwrap().owner;
    assert_eq!(own("signal-not-allowed"), Some(Owner::Either));
    // Only the pause container has a required variable in confcom policies.
    assert_eq!(
        own("missing-required-environment-variable"),
        Some(Owner::Platform)
    );
    // The guest supplies the framework and API modules itself.
    for id in [
        "enforcement-point-unknown",
        "enforcement-point-invalid",
        "enforcement-point-info-incomplete",
    ] {
        assert_eq!(own(id), Some(Owner::Platform), "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// Messages

#[test]
fn every_reference_message_is_explained() {
    let r = reference();
    let mut hit: BTreeSet<&str> = BTreeSet::new();
    for (text, rules) in &r.messages {
        let m = found(text, lookup_message(text));
        assert_eq!(m.entry.kind, Kind::Message);
        assert!(!m.historical, "{text:?} is a current wording");
        assert_complete(m.entry);
        let mut want: Vec<&str> = rules
            .as_ref()
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let mut got: Vec<&str> = m.entry.rules.iter().collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "{text:?}: rules of {}", m.entry.id);
        hit.insert(m.entry.id);
    }
    // Every message entry is backed by the reference.
    let all: BTreeSet<&str> = MESSAGES.iter().map(|e| e.id).collect();
    assert_eq!(
        hit, all,
        "catalog message entries not in the reference list"
    );
}

#[test]
fn message_counts_match_the_framework() {
    // 40 fixed strings and 8 templated ones in the current framework.rego.
    let texts: Vec<&str> = MESSAGES.iter().flat_map(|e| e.text.iter()).collect();
    let fixed = texts.iter().filter(|t| !t.contains('{')).count();
    let templates = texts.iter().filter(|t| t.contains('{')).count();
    assert_eq!((fixed, templates), (40, 8), "{texts:#?}");
    let unique: HashSet<&&str> = texts.iter().collect();
    assert_eq!(unique.len(), texts.len(), "a wording is listed twice");
}

#[test]
fn upstream_typos_are_kept() {
    for t in [
        "privileged escalation not allowed",
        "containers only distinguishable by capabilties",
    ] {
        let m = lookup_message(t).unwrap();
        assert!(m.entry.text.contains(t), "{t}");
    }
    // The corrected spelling is not the platform's message.
    assert!(lookup_message("containers only distinguishable by capabilities").is_none());
}

#[test]
fn historical_wordings_map_to_the_current_entry() {
    let r = reference();
    assert!(r.historical.len() >= 6);
    for (old, current) in &r.historical {
        let o = found(old, lookup_message(old));
        let c = found(current, lookup_message(current));
        assert!(o.historical, "{old:?} should be marked historical");
        assert!(!c.historical, "{current:?} is current");
        assert_eq!(o.entry.id, c.entry.id, "{old:?} and {current:?}");
        // Both wordings of a versioned message carry the same values (the plain historical
        // `invalid mount list` carried none).
        if !o.params.is_empty() {
            assert_eq!(o.params, c.params, "{old:?}");
        }
    }
}

#[test]
fn exact_wordings_win_over_templates() {
    // `invalid env list` (no colon) is its own message, not a broken template.
    let m = lookup_message("invalid env list").unwrap();
    assert_eq!(m.entry.id, "invalid-env-list-combination");
    assert!(m.params.is_empty());
    let m = lookup_message("invalid env list: A").unwrap();
    assert_eq!(m.entry.id, "invalid-env-list");
    assert_ne!(
        m.entry.id,
        lookup_message("invalid env list").unwrap().entry.id
    );
    // The plain `invalid mount list` is the old wording of the templated message.
    let m = lookup_message("invalid mount list").unwrap();
    assert_eq!(m.entry.id, "invalid-mount-list");
    assert!(m.historical && m.params.is_empty());
    // A template needs a value.
    assert!(lookup_message("invalid env list: ").is_none_or(|m| m.entry.id != "invalid-env-list"));
}

#[test]
fn templates_extract_their_values() {
    let m = lookup_message("invalid env list: FOO,BAR").unwrap();
    assert_eq!(
        m.params,
        vec![Param {
            name: "variables".into(),
            values: vec!["FOO".into(), "BAR".into()]
        }]
    );
    let m = lookup_message("invalid mount list: /data,/etc/config").unwrap();
    assert_eq!(param(&m, "destinations"), ["/data", "/etc/config"]);

    let m = lookup_message(
        "framework_version is ahead of the current version: 0.6.0 is greater than 0.5.0",
    )
    .unwrap();
    assert_eq!(m.entry.id, "framework-version-ahead");
    assert_eq!(param(&m, "policy_version"), ["0.6.0"]);
    assert_eq!(param(&m, "guest_version"), ["0.5.0"]);

    let m = lookup_message("framework_svn is ahead of the current svn: 1.1.0 > 0.1.0").unwrap();
    assert_eq!(m.entry.id, "framework-version-ahead");
    assert!(m.historical);
    assert_eq!(param(&m, "policy_version"), ["1.1.0"]);
    assert_eq!(param(&m, "guest_version"), ["0.1.0"]);

    let m = lookup_message("framework_version is missing. Current version: 0.5.0").unwrap();
    assert_eq!(m.entry.id, "framework-version-missing");
    assert_eq!(param(&m, "guest_version"), ["0.5.0"]);

    let m = lookup_message(
        "fragment framework_version is ahead of the current version: 0.7.0 is greater than 0.5.0",
    )
    .unwrap();
    assert_eq!(m.entry.id, "fragment-framework-version-ahead");
    assert_eq!(param(&m, "fragment_version"), ["0.7.0"]);
    assert_eq!(param(&m, "guest_version"), ["0.5.0"]);

    let m =
        lookup_message("fragment framework_version is missing. Current version: 0.5.0").unwrap();
    assert_eq!(m.entry.id, "fragment-framework-version-missing");

    let m = lookup_message("svn in header 2 does not match svn in fragment rego 1").unwrap();
    assert_eq!(param(&m, "header_svn"), ["2"]);
    assert_eq!(param(&m, "fragment_svn"), ["1"]);

    let m = lookup_message("missing receipt from TTL:contoso-ledgers").unwrap();
    assert_eq!(m.entry.id, "missing-receipt");
    assert_eq!(param(&m, "receipt_issuer"), ["TTL:contoso-ledgers"]);
}

#[test]
fn the_fragment_and_policy_versions_are_different_entries() {
    let policy = lookup_message("framework_version is missing. Current version: 0.5.0").unwrap();
    let fragment =
        lookup_message("fragment framework_version is missing. Current version: 0.5.0").unwrap();
    assert_ne!(policy.entry.id, fragment.entry.id);
    assert!(
        policy.entry.rules.is_empty(),
        "global: any enforcement point"
    );
    assert_eq!(
        fragment.entry.rules.iter().collect::<Vec<_>>(),
        ["load_fragment"]
    );
}

#[test]
fn unknown_messages_are_not_guessed() {
    for t in [
        "",
        "something else entirely",
        "invalid commands",
        "deviceHash not found!",
        "invalid mount list: ",
    ] {
        assert!(lookup_message(t).is_none(), "{t:?}");
    }
}

#[test]
fn fix_steps_use_the_tools_the_reference_names() {
    let runs = |id: &str| -> String {
        entry(id)
            .unwrap()
            .fix
            .iter()
            .filter_map(|s| s.run)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let texts = |id: &str| -> String {
        let e = entry(id).unwrap();
        e.fix
            .iter()
            .map(|s| s.text)
            .chain(e.sources.iter())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(runs("device-hash-not-found").contains("--diff"));
    // The policy the pod carries, not the local file's.
    assert!(runs("device-hash-not-found").contains(
        r"kubectl get pod <pod> -o jsonpath='{.metadata.annotations.microsoft\.containerinstance\.virtualnode\.ccepolicy}' | base64 -d"
    ));
    assert!(runs("device-hash-not-found").contains("az extension update --name confcom"));
    assert!(
        runs("invalid-command").contains("az confcom acipolicygen --virtual-node-yaml pod.yaml")
    );
    assert!(runs("invalid-command").contains("--debug-mode"));
    assert!(runs("invalid-env-list").contains("-i config.json"));
    assert!(runs("invalid-env-list").contains("--approve-wildcards"));
    assert!(texts("invalid-env-list").contains("allow_environment_variable_dropping := true"));
    assert!(texts("invalid-env-list")
        .contains("https://github.com/Azure/azure-cli-extensions/issues/10310"));
    assert!(runs("fragment-svn-below-minimum").contains("az confcom acifragmentgen"));
    assert!(runs("fragment-svn-below-minimum").contains("--svn"));
    assert!(runs("kata").contains("az confcom katapolicygen --yaml pod.yaml"));
    for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
        assert!(
            e.sources.iter().all(|s| !s.contains("example.com")),
            "{}: placeholder source",
            e.id
        );
    }
}

#[test]
fn every_rule_named_by_an_entry_exists() {
    for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
        for r in e.rules {
            assert!(rule(r).is_some(), "{} names unknown rule {r}", e.id);
        }
    }
    // Every rule that has error strings in the reference is named by some message.
    let named: HashSet<&str> = MESSAGES.iter().flat_map(|e| e.rules.iter()).collect();
    for id in [
        "mount_device",
        "rw_mount_device",
        "mount_blockdev",
        "unmount_blockdev",
        "mount_overlay",
        "unmount_overlay",
        "create_container",
        "unmount_device",
        "rw_unmount_device",
        "exec_in_container",
        "exec_external",
        "shutdown_container",
        "signal_container_process",
        "plan9_mount",
        "plan9_unmount",
        "load_fragment",
        "load_transparency_trust_list",
        "scratch_mount",
        "scratch_unmount",
        "log_provider",
    ] {
        assert!(named.contains(id), "no message names {id}");
    }
}

// ---------------------------------------------------------------------------------------------
// Reasons and policy errors

#[test]
fn every_reference_reason_is_explained() {
    let r = reference();
    let mut hit: BTreeSet<&str> = BTreeSet::new();
    for text in &r.reasons {
        let m = found(text, lookup_reason(text));
        assert_eq!(m.entry.kind, Kind::Reason, "{text:?}");
        assert_complete(m.entry);
        hit.insert(m.entry.id);
    }
    let all: BTreeSet<&str> = REASONS.iter().map(|e| e.id).collect();
    assert_eq!(hit, all, "reason entries not in the reference list");
    assert_eq!(
        lookup_reason(
            "Security policy is not valid. Please check security policy or re-generate with tooling."
        )
        .unwrap()
        .entry
        .id,
        "invalid-policy"
    );
}

#[test]
fn policy_errors_name_the_enforcement_point() {
    let m = lookup_reason("rule for mount_device is missing from policy").unwrap();
    assert_eq!(m.entry.id, "rule-missing-from-policy");
    assert_eq!(param(&m, "enforcement_point"), ["mount_device"]);
    let m = lookup_reason("enforcement point rule host_network does not exist").unwrap();
    assert_eq!(param(&m, "enforcement_point"), ["host_network"]);
    let m = lookup_reason("enforcement point create_container result missing use_framework info")
        .unwrap();
    assert_eq!(m.entry.id, "enforcement-point-info-incomplete");
    assert_eq!(param(&m, "enforcement_point"), ["create_container"]);
    // The pre-2023 wording without the rule name is the same entry, marked historical.
    let m = lookup_reason("enforcement point result missing defaults").unwrap();
    assert_eq!(m.entry.id, "enforcement-point-info-incomplete");
    assert!(m.historical);
    let m = lookup_reason("unable to find value for key 'allowed'").unwrap();
    assert_eq!(param(&m, "key"), ["allowed"]);
    let m = lookup_reason("value for 'allowed' is not a boolean").unwrap();
    assert_eq!(m.entry.id, "interpreter-not-boolean");
    // Variable detail after a fixed start.
    let m = lookup_reason("error querying enforcement point information: boom").unwrap();
    assert_eq!(m.entry.id, "enforcement-point-query-failed");
}

#[test]
fn fixed_reasons_match_without_their_full_stop_or_with_more_after_them() {
    let full =
        "Security policy is not valid. Please check security policy or re-generate with tooling.";
    let no_stop = full.trim_end_matches('.');
    assert_eq!(lookup_reason(no_stop).unwrap().entry.id, "invalid-policy");
    let legacy = format!("{full} Input: {{\"deviceHash\":\"ab\"}}");
    assert_eq!(lookup_reason(&legacy).unwrap().entry.id, "invalid-policy");
    // But not a different sentence that merely starts the same way.
    assert!(lookup_reason(
        "Security policy is not valid. Please check security policy or re-generate with toolingX"
    )
    .is_none());
    assert!(lookup_reason("Security policy").is_none());
}

// ---------------------------------------------------------------------------------------------
// Other formats

#[test]
fn every_other_format_has_an_entry() {
    let r = reference();
    for id in &r.formats {
        let e = entry(id).unwrap_or_else(|| panic!("formats.toml lacks {id}"));
        assert_eq!(e.kind, Kind::Format, "{id}");
        assert_complete(e);
    }
    // Every id the decoder can produce.
    for (id, _) in SIGNATURES {
        let e = entry(id).unwrap_or_else(|| panic!("formats.toml lacks {id}"));
        assert_eq!(e.kind, Kind::Format, "{id}");
        assert!(
            r.formats.iter().any(|f| f == id),
            "{id} not in the reference list"
        );
    }
    for e in FORMATS.iter() {
        assert!(
            r.formats.iter().any(|f| f == e.id),
            "{} not in the reference",
            e.id
        );
    }
}

/// Reference texts the decoder does not recognise yet (see the note in the test). A gap that
/// gets fixed makes the test fail until it is removed from here.
const FORMAT_GAPS: &[&str] = &[];

#[test]
fn reference_format_texts_are_recognised() {
    use aci_triage_core::decode::{analyze, FindingKind, OtherFormat};
    let r = reference();
    assert!(!r.format_texts.is_empty());
    let mut missed = Vec::new();
    for (id, text) in &r.format_texts {
        let a = analyze(&format!("Error: {text}"));
        let ids: Vec<&str> = a
            .findings
            .iter()
            .filter_map(|f| match &f.kind {
                FindingKind::Other(OtherFormat::Known { id, .. }) => Some(*id),
                FindingKind::Other(OtherFormat::JsonPolicy { .. }) => Some("json-policy"),
                _ => None,
            })
            .collect();
        assert!(entry(id).is_some(), "{id}");
        let recognised = ids.contains(&id.as_str());
        if FORMAT_GAPS.contains(&id.as_str()) {
            assert!(
                !recognised,
                "{id} is recognised now: remove it from FORMAT_GAPS"
            );
        } else if !recognised {
            missed.push(format!("{text:?} → {ids:?}, expected {id}"));
        }
    }
    assert!(missed.is_empty(), "not recognised:\n{}", missed.join("\n"));
}

#[test]
fn kata_entry_says_it_is_another_stack() {
    let e = entry("kata").unwrap();
    assert!(e.meaning.contains("different stack"));
    assert!(e.meaning.contains("io.katacontainers.config.agent.policy"));
    let all = e
        .causes
        .iter()
        .chain(e.fix.iter().map(|s| s.text))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("ExecProcessRequest") && all.contains("kubectl exec"));
    assert!(all.contains("workload identity") && all.contains("empty"));
}

// ---------------------------------------------------------------------------------------------
// Identity and splitting

#[test]
fn ids_are_unique_kebab_case_and_the_seed_ids_stay() {
    let mut seen: HashMap<&str, Kind> = HashMap::new();
    for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
        assert!(
            e.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not kebab-case",
            e.id
        );
        assert!(seen.insert(e.id, e.kind).is_none(), "duplicate id {}", e.id);
    }
    let mut rules = HashSet::new();
    for r in RULES.iter() {
        assert!(rules.insert(r.id), "duplicate rule {}", r.id);
    }
    assert_eq!(entry("invalid-command").unwrap().kind, Kind::Message);
    assert_eq!(entry("device-hash-not-found").unwrap().kind, Kind::Message);
    assert_eq!(entry("invalid-policy").unwrap().kind, Kind::Reason);
    assert_eq!(entry("legacy").unwrap().kind, Kind::Format);
    assert_eq!(entry("kata").unwrap().kind, Kind::Format);
}

#[test]
fn legacy_error_lists_split_into_known_messages() {
    assert_eq!(
        split_legacy_errors("invalid command invalid env list: A,B"),
        ["invalid command", "invalid env list: A,B"]
    );
    assert_eq!(
        split_legacy_errors("invalid env list: A,B invalid working directory invalid mount list"),
        [
            "invalid env list: A,B",
            "invalid working directory",
            "invalid mount list"
        ]
    );
    // Templates with several values and spaces between them stay whole.
    assert_eq!(
        split_legacy_errors("framework_svn is ahead of the current svn: 1.1.0 > 0.1.0"),
        ["framework_svn is ahead of the current svn: 1.1.0 > 0.1.0"]
    );
    assert_eq!(
        split_legacy_errors(
            "framework_svn is ahead of the current svn: 1.1.0 > 0.1.0 deviceHash not found"
        ),
        [
            "framework_svn is ahead of the current svn: 1.1.0 > 0.1.0",
            "deviceHash not found"
        ]
    );
    assert_eq!(
        split_legacy_errors(
            "svn in header 2 does not match svn in fragment rego 1 invalid fragment feed"
        ),
        [
            "svn in header 2 does not match svn in fragment rego 1",
            "invalid fragment feed"
        ]
    );
    // Unknown text is kept as one message, up to where a known one starts.
    assert_eq!(
        split_legacy_errors("invalid command some future error"),
        ["invalid command", "some future error"]
    );
    assert_eq!(
        split_legacy_errors("some brand new thing invalid command invalid env list: A,B"),
        [
            "some brand new thing",
            "invalid command",
            "invalid env list: A,B"
        ]
    );
    for part in split_legacy_errors("invalid command invalid env list: A,B") {
        assert!(lookup_message(&part).is_some(), "{part}");
    }
}

#[test]
fn only_rule_of_is_used_for_single_rule_messages() {
    assert_eq!(
        knowledge::only_rule_of(lookup_message("deviceHash not found").unwrap().entry),
        Some("mount_device")
    );
    assert_eq!(
        knowledge::only_rule_of(lookup_message("invalid command").unwrap().entry),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Follow-on messages and look-alikes

#[test]
fn follow_on_conditions_name_real_rules_and_entries() {
    let mut with_any = 0;
    for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
        for f in e.follows.iter() {
            let id = e.id;
            assert!(f.note.trim().len() > 40, "{id}: follow-on note too short");
            assert_eq!(
                f.note.matches('`').count() % 2,
                0,
                "{id}: backticks in {:?}",
                f.note
            );
            for r in f.rules() {
                assert!(rule(r).is_some(), "{id}: follows at unknown rule {r}");
                assert!(
                    e.rules.is_empty() || e.rules.contains(r),
                    "{id}: follows at {r}, which does not report it"
                );
            }
            for w in f.with() {
                assert_ne!(w, id, "{id} follows itself");
                let other = entry(w).unwrap_or_else(|| panic!("{id}: follows unknown {w}"));
                // Two messages that each defer to the other would leave no cause to read first.
                let back = other.follows.iter().any(|g| {
                    g.with().any(|x| x == id)
                        && (g.rules.is_empty()
                            || f.rules.is_empty()
                            || g.rules().any(|r| f.rules().any(|s| s == r)))
                });
                assert!(!back, "{id} and {w} each follow the other");
                with_any += 1;
            }
        }
    }
    assert!(with_any > 20, "{with_any}");
    // The framework-version errors never defer: they make the rest moot.
    for id in ["framework-version-ahead", "framework-version-missing"] {
        assert!(entry(id).unwrap().follows.is_empty(), "{id}");
    }
}

#[test]
fn lookalikes_are_not_findings_and_say_what_they_are() {
    use aci_triage_core::decode::analyze;
    let r = reference();
    assert!(r.lookalike_texts.len() >= 5);
    let mut seen = BTreeSet::new();
    for (id, text) in &r.lookalike_texts {
        let e = entry(id).unwrap_or_else(|| panic!("formats.toml lacks {id}"));
        assert_eq!(e.kind, Kind::Format, "{id}");
        assert!(id.starts_with("lookalike-"), "{id}");
        assert!(
            r.formats.iter().any(|f| f == id),
            "{id} not a `format:` line"
        );
        assert_complete(e);
        assert!(
            e.title.contains("not"),
            "{id}: the title says what it is not"
        );
        // Its wording, as the catalog records it, is in the sample text.
        assert!(
            e.text.iter().any(|t| parts_in_order(t, text)),
            "{id}: no recorded wording in {text:?}"
        );
        let a = analyze(&format!("Error: {text}"));
        assert!(
            a.findings.is_empty(),
            "{id}: {text:?} became {:#?}",
            a.findings
        );
        seen.insert(id.as_str());
    }
    // Every look-alike entry has a sample.
    for e in FORMATS.iter().filter(|e| e.id.starts_with("lookalike-")) {
        assert!(seen.contains(e.id), "{} has no lookalike-text line", e.id);
    }
}

/// Whether the fixed parts of a catalog wording (split at its `{name}` parts) occur in `text`
/// in order, case-insensitively.
fn parts_in_order(template: &str, text: &str) -> bool {
    let text = text.to_lowercase();
    let mut at = 0;
    for part in template.to_lowercase().split(['{', '}']).step_by(2) {
        match text[at..].find(part) {
            Some(i) => at += i + part.len(),
            None => return false,
        }
    }
    true
}

#[test]
fn the_oversized_policy_entry_records_both_symptoms() {
    let r = reference();
    let e = entry("oversized-policy").expect("oversized-policy entry");
    assert_eq!(e.kind, Kind::Format);
    assert_complete(e);
    let samples: Vec<&String> = r
        .format_texts
        .iter()
        .filter(|(id, _)| id == "oversized-policy")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(samples.len(), 2);
    // Each wording matches one of the public texts, and neither matches the other.
    for (t, sample) in e.text.iter().zip(&samples) {
        assert!(parts_in_order(t, sample), "{t:?} in {sample:?}");
    }
    assert!(!parts_in_order(e.text.first().unwrap(), samples[1]));
}
