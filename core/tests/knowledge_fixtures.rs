//! Decoded decisions meet the catalog: for every enforcement point, a realistic decision is
//! base64-encoded into event text, found and decoded by `decode::analyze`, and its rule and
//! error messages must resolve to catalog entries. Also the message families with values, the
//! policy-error shapes, and the neighbouring formats (legacy text, Kata, ARM).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use aci_triage_core::decode::{
    analyze, Analysis, DecisionFinding, FindingKind, OtherFormat, Reason, RuleSource,
};
use aci_triage_core::knowledge::{
    self, entry, lookup_message, lookup_reason, rule, split_legacy_errors, Kind, RULES,
};
use base64::Engine as _;
use serde_json::{json, Value};

fn blob(decision: &Value) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(decision.to_string());
    format!("policyDecision< {b64} >policyDecision")
}

/// An event line as `kubectl describe pod` shows it, with the guest's wrapper before the blob.
fn event(wrapper: &str, decision: &Value) -> String {
    format!(
        "  Warning  Failed  12s (x2 over 40s)  kubelet  Error: failed to create containerd task: failed to create shim task: failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest RPC failure: {wrapper}{}: unknown\n",
        blob(decision)
    )
}

fn only_decision(a: &Analysis) -> &DecisionFinding {
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    match &a.findings[0].kind {
        FindingKind::Decision(d) => d,
        other => panic!("expected a decision, got {other:?}"),
    }
}

fn deny(rule: &str, input: Value, errors: &[&str]) -> Value {
    let mut input = input;
    input
        .as_object_mut()
        .expect("input object")
        .insert("rule".into(), json!(rule));
    json!({"decision": "deny", "input": input, "reason": {"errors": errors}})
}

/// (rule, guest wrapper text, input without `rule`, errors)
fn cases() -> Vec<(&'static str, &'static str, Value, Vec<&'static str>)> {
    let cid = "3873bfc939e2415892b5b74a7b1dbade0f7222e266df43df85968ddda59be56e";
    vec![
        ("mount_device", "mounting scsi device controller 0 lun 3 onto /run/mounts/scsi/m3 denied by policy: ",
            json!({"deviceHash": "deab9495e4a3c245e3be675a350d0e7a9fe6dcdc95a73582f8586dd759ca7a0b", "mountPathRegex": "/run/mounts/scsi/m[0-9]+", "target": "/run/mounts/scsi/m3"}),
            vec!["deviceHash not found"]),
        ("rw_mount_device", "mounting scsi device controller 0 lun 1 onto /run/mounts/scsi/m1 denied by policy: ",
            json!({"encrypted": false, "ensureFilesystem": true, "filesystem": "ext4", "mountPathRegex": "/run/mounts/scsi/m[0-9]+", "target": "/run/mounts/scsi/m1"}),
            vec!["unencrypted scratch not allowed, non-readonly mount request for SCSI disk must request encryption"]),
        ("mount_blockdev", "creating blockdev symlink at /run/blockdev/b0 (-> scsi controller 0 lun 4) denied by policy: ",
            json!({"target": "/run/blockdev/b0"}),
            vec!["blockdev mounts are not supported"]),
        ("mount_overlay", "overlay creation denied by policy: ",
            json!({"containerID": cid, "layerPaths": ["/run/mounts/scsi/m2", "/run/mounts/scsi/m3"], "target": format!("/run/gcs/c/{cid}/rootfs")}),
            vec!["no matching containers for overlay"]),
        ("mount_cims", "CIM mount is denied by policy: ",
            json!({"containerID": cid, "layerHashes": ["ab12", "cd34"], "mountedCim": "merged.cim"}),
            vec![]),
        ("registry_changes", "registry entry operation is denied by policy: ",
            json!({"containerID": cid, "registryChanges": {"AddValues": [{"Key": {"Hive": "System", "Name": "Software\\Contoso"}, "Name": "Mode", "StringValue": "on"}]}}),
            vec![]),
        ("create_container", "container creation denied due to policy: ",
            json!({
                "argList": ["/bin/sh", "-c", "python3 main.py"],
                "capabilities": "[unprivileged]",
                "containerID": cid,
                "devices": [],
                "envList": ["PATH=<<redacted>>", "FOO=<<redacted>>"],
                "groups": [{"id": "0", "name": "root"}],
                "hugePagesDir": "/run/gcs/c/abc/hugepages",
                "isSandboxContainer": false,
                "mounts": [{"destination": "/etc/hosts", "options": ["rbind", "rw"], "source": "sandbox:///tmp/atlas/emptydir/hosts", "type": "bind"}],
                "noNewPrivileges": false,
                "privileged": false,
                "sandboxDir": "/run/gcs/c/abc/sandboxMounts",
                "seccompProfileSHA256": "",
                "umask": "0022",
                "user": {"id": "0", "name": "root"},
                "workingDir": "/app"
            }),
            vec!["invalid command", "invalid env list: FOO"]),
        ("unmount_device", "unmounting scsi device at /run/mounts/scsi/m3 denied by policy: ",
            json!({"unmountTarget": "/run/mounts/scsi/m3"}),
            vec!["no device at path to unmount"]),
        ("rw_unmount_device", "unmounting scsi device at /run/mounts/scsi/m1 denied by policy: ",
            json!({"unmountTarget": "/run/mounts/scsi/m1"}),
            vec!["received read-write unmount request, but device provided is read-only"]),
        ("unmount_blockdev", "removing blockdev symlink at /run/blockdev/b0 (-> scsi controller 0 lun 4) denied by policy: ",
            json!({"unmountTarget": "/run/blockdev/b0"}),
            vec!["blockdev mounts are not supported"]),
        ("unmount_overlay", "overlay removal denied by policy: ",
            json!({"unmountTarget": format!("/run/gcs/c/{cid}/rootfs")}),
            vec!["no overlay at path to unmount"]),
        ("exec_in_container", "exec in container denied due to policy: ",
            json!({"argList": ["/bin/sh"], "capabilities": "[unprivileged]", "containerID": cid, "envList": ["TERM=<<redacted>>"], "groups": [], "noNewPrivileges": false, "umask": "0022", "user": {"id": "0", "name": "root"}, "workingDir": "/"}),
            vec!["invalid command"]),
        ("exec_external", "exec is denied due to policy: ",
            json!({"argList": ["/bin/ls"], "envList": [], "workingDir": "/"}),
            vec!["external processes only distinguishable by allow_stdio_access"]),
        ("shutdown_container", "",
            json!({"containerID": cid}),
            vec!["container not started"]),
        ("signal_container_process", "",
            json!({"argList": ["/bin/sleep", "infinity"], "containerID": cid, "isInitProcess": false, "signal": 9}),
            vec![]),
        ("plan9_mount", "mounting plan9 device at /run/gcs/c/abc/mounts/m1 denied by policy: ",
            json!({"mountPathPrefix": "/mounts/m[0-9]+", "rootPrefix": "/run/gcs/c", "target": "/run/gcs/c/abc/mounts/m1"}),
            vec!["device already mounted at path"]),
        ("plan9_unmount", "unmounting plan9 device at /run/gcs/c/abc/mounts/m1 denied by policy: ",
            json!({"unmountTarget": "/run/gcs/c/abc/mounts/m1"}),
            vec!["no device at path to unmount"]),
        ("get_properties", "get properties denied due to policy: ", json!({}), vec![]),
        ("dump_stacks", "dump stacks denied due to policy: ", json!({}), vec![]),
        ("runtime_logging", "", json!({}), vec![]),
        ("load_fragment", "error loading security policy fragment: ",
            json!({"feed": "mcr.microsoft.com/aci/aci-cc-infra-fragment", "fragment_loaded": false, "has_header_svn": true, "header_svn": 1, "issuer": "did:x509:0:sha256:unknown::eku:1.3.6.1.4.1.311.76.59.1.3", "namespace": "fragment", "receipts": []}),
            vec!["invalid fragment issuer"]),
        ("scratch_mount", "scratch mounting denied by policy: ",
            json!({"encrypted": false, "target": "/run/gcs/c/abc/scratch"}),
            vec!["unencrypted scratch not allowed"]),
        ("scratch_unmount", "",
            json!({"unmountTarget": "/run/gcs/c/abc/scratch"}),
            vec!["no scratch at path to unmount"]),
        ("log_provider", "log providers denied by policy: ",
            json!({"providers": ["Microsoft-Windows-Kernel-Process"]}),
            vec!["log provider not allowed by policy"]),
        ("load_transparency_trust_list", "error loading transparency trust list: ",
            json!({"issuer": "did:x509:0:sha256:abc::subject:CN:Contoso", "ledgers": ["contoso.ledger"], "subject": "contoso-ttl", "svn": "1"}),
            vec!["no TTL candidate matches the provided TTL's issuer, subject and svn"]),
        ("host_network", "", json!({}), vec![]),
    ]
}

#[test]
fn every_enforcement_point_decodes_to_catalog_entries() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases.iter().map(|c| c.0).collect();
    let all: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(covered, all, "one decision per enforcement point");

    for (id, wrapper, input, errors) in cases {
        let text = event(wrapper, &deny(id, input.clone(), &errors));
        let a = analyze(&text);
        let d = only_decision(&a);
        let dec = d.blob.decision.as_ref().expect("decoded decision");
        assert_eq!(dec.decision.as_deref(), Some("deny"));
        assert_eq!(d.rule(), Some((id, RuleSource::Input)), "{id}");
        // The wrapper, when there is one, names the same point (or lists it as an alternative).
        if let Some(w) = &d.wrapper {
            assert!(
                w.rule == id || w.alternatives.contains(&id),
                "{id}: wrapper says {}",
                w.rule
            );
        }
        let r = rule(id).unwrap_or_else(|| panic!("no catalog rule {id}"));
        // Every input field the decision carries is explained.
        for (name, _) in dec.input.as_ref().expect("input") {
            assert!(r.field(name).is_some(), "{id}: field {name} unexplained");
        }
        assert_eq!(dec.errors(), errors.as_slice(), "{id}");
        if errors.is_empty() {
            assert!(
                r.empty_errors.is_some(),
                "{id}: empty errors need an explanation"
            );
        }
        for e in dec.errors() {
            let m = lookup_message(e).unwrap_or_else(|| panic!("{id}: {e:?} unknown"));
            assert!(
                m.entry.rules.is_empty() || m.entry.rules.contains(id),
                "{id}: {e:?} belongs to {:?}",
                m.entry.rules
            );
        }
    }
}

/// Expected template parameters: (name, values).
type Params = Vec<(&'static str, Vec<&'static str>)>;

#[test]
fn each_message_family_resolves_with_its_values() {
    // (rule, error, catalog id, expected parameters)
    let cases: Vec<(&str, &str, &str, Params)> = vec![
        ("create_container", "invalid env list: APP_IDENTITY_ENDPOINT,IDENTITY_ENDPOINT", "invalid-env-list",
            vec![("variables", vec!["APP_IDENTITY_ENDPOINT", "IDENTITY_ENDPOINT"])]),
        ("exec_in_container", "invalid env list: DEBUG", "invalid-env-list",
            vec![("variables", vec!["DEBUG"])]),
        ("create_container", "invalid env list", "invalid-env-list-combination", vec![]),
        ("create_container", "invalid mount list: /var/run/secrets/kubernetes.io/serviceaccount,/mnt/azurefiles", "invalid-mount-list",
            vec![("destinations", vec!["/var/run/secrets/kubernetes.io/serviceaccount", "/mnt/azurefiles"])]),
        ("mount_device", "framework_version is missing. Current version: 0.5.0", "framework-version-missing",
            vec![("guest_version", vec!["0.5.0"])]),
        ("mount_overlay", "framework_version is ahead of the current version: 0.6.0 is greater than 0.5.0", "framework-version-ahead",
            vec![("policy_version", vec!["0.6.0"]), ("guest_version", vec!["0.5.0"])]),
        ("load_fragment", "fragment framework_version is missing. Current version: 0.5.0", "fragment-framework-version-missing",
            vec![("guest_version", vec!["0.5.0"])]),
        ("load_fragment", "fragment framework_version is ahead of the current version: 0.6.0 is greater than 0.5.0", "fragment-framework-version-ahead",
            vec![("fragment_version", vec!["0.6.0"]), ("guest_version", vec!["0.5.0"])]),
        ("load_fragment", "svn in header 3 does not match svn in fragment rego 2", "fragment-svn-header-mismatch",
            vec![("header_svn", vec!["3"]), ("fragment_svn", vec!["2"])]),
        ("load_fragment", "missing receipt from TTL:contoso", "missing-receipt",
            vec![("receipt_issuer", vec!["TTL:contoso"])]),
        ("signal_container_process", "target isn't allowed to receive the signal", "signal-not-allowed", vec![]),
        ("load_fragment", "fragment svn is below the specified minimum", "fragment-svn-below-minimum", vec![]),
    ];
    for (id, error, entry_id, params) in cases {
        let text = event("", &deny(id, json!({}), &[error]));
        let a = analyze(&text);
        let d = only_decision(&a);
        let errors = d.blob.decision.as_ref().unwrap().errors();
        assert_eq!(errors, [error]);
        let m = lookup_message(&errors[0]).unwrap_or_else(|| panic!("{error:?} unknown"));
        assert_eq!(m.entry.id, entry_id, "{error:?}");
        assert!(!m.historical);
        let got: Vec<(&str, Vec<&str>)> = m
            .params
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.values.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(got, params, "{error:?}");
    }
}

#[test]
fn the_public_examples_resolve() {
    // Both examples of the virtual-nodes troubleshooting doc.
    let text = "failed to create containerd task: failed to create shim task: failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest RPC failure: container creation denied due to policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkiLCJyZWFzb24iOnsiZXJyb3JzIjpbImludmFsaWQgY29tbWFuZCJdfSwidHJ1bmNhdGVkIjpbImlucHV0Il19 >policyDecision: unknown";
    let a = analyze(text);
    let d = only_decision(&a);
    assert_eq!(d.rule(), Some(("create_container", RuleSource::Wrapper)));
    let dec = d.blob.decision.as_ref().unwrap();
    assert!(dec.was_truncated("input"));
    let m = lookup_message(&dec.errors()[0]).unwrap();
    assert_eq!(m.entry.id, "invalid-command");
    assert!(m.entry.rules.contains("create_container"));
    assert!(rule("create_container").is_some());

    let decision = json!({"decision":"deny","input":{"deviceHash":"deab9495e4a3c245e3be675a350d0e7a9fe6dcdc95a73582f8586dd759ca7a0b","rule":"mount_device","target":"/run/mounts/m9"},"reason":{"errors":["deviceHash not found"]}});
    let a = analyze(&blob(&decision));
    let d = only_decision(&a);
    assert_eq!(d.rule(), Some(("mount_device", RuleSource::Input)));
    let m = lookup_message(&d.blob.decision.as_ref().unwrap().errors()[0]).unwrap();
    assert_eq!(m.entry.id, "device-hash-not-found");
    assert_eq!(knowledge::only_rule_of(m.entry), Some("mount_device"));
}

#[test]
fn policy_errors_and_reasonless_denials_resolve() {
    // denyWithError: the input has no `rule`, the wrapper tells it, policyError names it.
    let decision = json!({
        "decision": "deny",
        "input": {"argList": ["/pause"], "containerID": "abc"},
        "policyError": "rule for create_container is missing from policy",
        "reason": "Security policy is not valid. Please check security policy or re-generate with tooling."
    });
    let a = analyze(&event(
        "container creation denied due to policy: ",
        &decision,
    ));
    let d = only_decision(&a);
    assert_eq!(d.rule(), Some(("create_container", RuleSource::Wrapper)));
    let dec = d.blob.decision.as_ref().unwrap();
    let m = lookup_reason(dec.policy_error.as_deref().unwrap()).unwrap();
    assert_eq!(m.entry.id, "rule-missing-from-policy");
    assert_eq!(m.params[0].values, ["create_container"]);
    let Some(Reason::Text(t)) = &dec.reason else {
        panic!("plain reason expected: {:?}", dec.reason)
    };
    assert_eq!(lookup_reason(t).unwrap().entry.id, "invalid-policy");
    // The point's usual owner ("yours to fix") would contradict a broken policy: not shown.
    let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
        &a.findings[0],
        "f",
    ));
    assert!(!md.contains("**Usually yours to fix**:"), "{md}");
    assert!(md.contains("Policy error"), "{md}");

    // Without input or wrapper, the policy error names the point.
    let decision = json!({
        "decision": "deny",
        "policyError": "rule for exec_in_container is missing from policy",
        "reason": "Security policy is not valid. Please check security policy or re-generate with tooling."
    });
    let a = analyze(&blob(&decision));
    let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
        &a.findings[0],
        "f",
    ));
    let title = rule("exec_in_container").unwrap().title;
    assert!(md.starts_with(&format!("## {title}")), "{md}");
    assert!(
        md.contains("`exec_in_container`, named in the policy error."),
        "{md}"
    );

    // A policy that gives no reason.
    let decision = json!({
        "decision": "deny",
        "input": {"rule": "get_properties"},
        "reason": "Security policy is either not valid or did not provide a reason for denial. Please check security policy or re-generate with tooling."
    });
    let a = analyze(&event("get properties denied due to policy: ", &decision));
    let d = only_decision(&a);
    let Some(Reason::Text(t)) = &d.blob.decision.as_ref().unwrap().reason else {
        panic!("plain reason expected")
    };
    let m = lookup_reason(t).unwrap();
    assert_eq!(m.entry.id, "no-reason");
    assert_eq!(m.entry.kind, Kind::Reason);
}

#[test]
fn an_unknown_message_is_kept_verbatim() {
    let unknown = "policy framework 9.9 refused the flux capacitor";
    let decision = deny(
        "create_container",
        json!({"containerID": "abc"}),
        &["invalid command", unknown],
    );
    let a = analyze(&event(
        "container creation denied due to policy: ",
        &decision,
    ));
    let d = only_decision(&a);
    let errors = d.blob.decision.as_ref().unwrap().errors();
    assert_eq!(errors, ["invalid command", unknown]);
    assert!(lookup_message(unknown).is_none());
    assert!(lookup_reason(unknown).is_none());
    assert!(lookup_message(&errors[0]).is_some());
}

fn legacy(a: &Analysis) -> (String, Option<String>, Option<String>) {
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    match &a.findings[0].kind {
        FindingKind::Other(OtherFormat::Legacy { rule, errors, rest }) => {
            (rule.clone(), errors.clone(), rest.clone())
        }
        other => panic!("expected the legacy format, got {other:?}"),
    }
}

#[test]
fn legacy_plain_text_resolves() {
    assert!(entry("legacy").is_some_and(|e| e.kind == Kind::Format));

    // The support article's example.
    let text = "Failed to create containerd task: failed to create shim task: failed to mount container storage: failed to add LCOW layer: failed to add SCSI layer: failed to modify UVM with new SCSI mount: guest modify: guest RPC failure: mounting scsi device controller 3 lun 2 onto /run/mounts/m4 denied by policy: mount_device not allowed by policy. Errors: [deviceHash not found].";
    let (r, errors, _) = legacy(&analyze(text));
    assert_eq!(r, "mount_device");
    assert!(rule(&r).is_some());
    let msgs = split_legacy_errors(errors.as_deref().unwrap());
    assert_eq!(msgs, ["deviceHash not found"]);
    assert_eq!(
        lookup_message(&msgs[0]).unwrap().entry.id,
        "device-hash-not-found"
    );

    // An old framework-version message, with spaces inside its values.
    let text = "guest RPC failure: overlay creation denied by policy: mount_overlay not allowed by policy. Errors: [framework_svn is ahead of the current svn: 1.1.0 > 0.1.0].";
    let (r, errors, _) = legacy(&analyze(text));
    assert_eq!(r, "mount_overlay");
    let msgs = split_legacy_errors(errors.as_deref().unwrap());
    assert_eq!(
        msgs,
        ["framework_svn is ahead of the current svn: 1.1.0 > 0.1.0"]
    );
    let m = lookup_message(&msgs[0]).unwrap();
    assert_eq!(m.entry.id, "framework-version-ahead");
    assert!(m.historical);
    assert_eq!(m.params[0].values, ["1.1.0"]);
    assert_eq!(m.params[1].values, ["0.1.0"]);

    // Several errors, space-separated, and the input.
    let text = "container creation denied due to policy: create_container not allowed by policy. Errors: [invalid command invalid env list: A,B]. Input: {\"argList\":[\"/bin/app\"],\"containerID\":\"abc\"}.";
    let (r, errors, rest) = legacy(&analyze(text));
    assert_eq!(r, "create_container");
    let msgs = split_legacy_errors(errors.as_deref().unwrap());
    assert_eq!(msgs, ["invalid command", "invalid env list: A,B"]);
    let ids: Vec<&str> = msgs
        .iter()
        .map(|m| lookup_message(m).unwrap().entry.id)
        .collect();
    assert_eq!(ids, ["invalid-command", "invalid-env-list"]);
    assert!(rest.unwrap().starts_with("Input: {"));

    // The invalid-policy variant: the fixed reason followed by the input.
    let text = "mount_device not allowed by policy. Security policy is not valid. Please check security policy or re-generate with tooling. Input: {\"deviceHash\":\"ab\",\"target\":\"/run/mounts/m1\"}";
    let (r, errors, rest) = legacy(&analyze(text));
    assert_eq!(r, "mount_device");
    assert!(errors.is_none());
    let rest = rest.expect("the reason text");
    // As the UI passes it: with a trailing full stop removed.
    let m = lookup_reason(rest.trim_end_matches('.')).unwrap();
    assert_eq!(m.entry.id, "invalid-policy");
    // Its input is explained field by field, as in a decoded decision, also from JSON output.
    for text in [
        text.to_string(),
        format!("{{\"message\": {}}}", serde_json::to_string(text).unwrap()),
    ] {
        let a = analyze(&text);
        let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
            &a.findings[0],
            "f",
        ));
        assert!(md.contains("### What the platform asked for"), "{md}");
        assert!(md.contains("| `deviceHash` | `ab` |"), "{md}");
        assert!(md.contains("| `target` | `/run/mounts/m1` |"), "{md}");
    }
}

fn kata(a: &Analysis) -> (String, Option<String>) {
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    match &a.findings[0].kind {
        FindingKind::Other(OtherFormat::Kata {
            request, details, ..
        }) => (request.clone(), details.clone()),
        other => panic!("expected a Kata denial, got {other:?}"),
    }
}

#[test]
fn kata_denials_resolve_to_the_kata_entry() {
    let e = entry("kata").expect("kata entry");
    assert_eq!(e.kind, Kind::Format);

    let text = "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: failed to create shim task: \"CreateContainerRequest is blocked by policy\": unknown";
    let (request, details) = kata(&analyze(text));
    assert_eq!(request, "CreateContainerRequest");
    assert!(details.is_none());

    let text = "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"4f1c\": cannot enter container 4f1c, with err rpc error: code = PermissionDenied desc = \"ExecProcessRequest is blocked by policy: agent_policy:114: allow_exec: input = {}\": unknown";
    let (request, details) = kata(&analyze(text));
    assert_eq!(request, "ExecProcessRequest");
    let details = details.expect("agent_policy details");
    assert!(details.starts_with("agent_policy:114"), "{details}");
    // The failing line and rule point into the policy on the pod.
    let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
        &analyze(text).findings[0],
        "f",
    ));
    assert!(md.contains("line 114, in rule `allow_exec`"), "{md}");
    assert!(
        md.contains(r"{.metadata.annotations.io\.katacontainers\.config\.agent\.policy}' | base64 -d | sed -n '104,124p'"),
        "{md}"
    );
    // Newer agents name the entry rule, then the one that failed; JSON output escapes quotes.
    let text = r#""message": "failed to create shim task: \"CreateContainerRequest is blocked by policy: agent_policy:59: allow_create_container_input: input = {}, agent_policy:1192: allow_env: env = [\\\"FOO=bar\\\"]\": unknown""#;
    let (request, details) = kata(&analyze(text));
    assert_eq!(request, "CreateContainerRequest");
    assert!(
        details
            .as_deref()
            .unwrap()
            .ends_with(r#"env = ["FOO=bar"]"#),
        "{details:?}"
    );
    let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
        &analyze(text).findings[0],
        "f",
    ));
    assert!(
        md.contains("its line 59, in rule `allow_create_container_input`, then its line 1192, in rule `allow_env`"),
        "{md}"
    );
    assert!(md.contains("sed -n '49,69p;1182,1202p'"), "{md}");
    // Without the agent_policy prefix there is no line to point at.
    let plain = "\"CreateContainerRequest is blocked by policy: some other detail\": unknown";
    let md = aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
        &analyze(plain).findings[0],
        "f",
    ));
    assert!(!md.contains("sed -n"), "{md}");
    assert!(e.meaning.contains("agent_policy"));
    assert!(e.causes.iter().any(|c| c.contains("ExecProcessRequest")));
}

#[test]
fn arm_rejections_resolve() {
    let text = r#"{"status":"Failed","error":{"code":"InvalidCcePolicy","message":"The CCE Policy cannot be left empty for Confidential Container Groups."}}"#;
    let a = analyze(text);
    let ids: Vec<&str> = a
        .findings
        .iter()
        .map(|f| match &f.kind {
            FindingKind::Other(OtherFormat::Known { id, .. }) => *id,
            other => panic!("expected known formats, got {other:?}"),
        })
        .collect();
    // One error, one finding: the code's known message.
    assert_eq!(ids, ["arm-empty-policy"]);
    let e = entry("arm-empty-policy").unwrap();
    assert_eq!(e.kind, Kind::Format);
    assert!(!e.fix.is_empty());

    // A message the catalog does not know stays with its code, verbatim.
    let text = r#"{"error":{"code":"InvalidCcePolicy","message":"The CCE Policy exceeds the maximum allowed size of 131072 bytes."}}"#;
    let a = analyze(text);
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    let FindingKind::Other(OtherFormat::Known { id, text: t }) = &a.findings[0].kind else {
        panic!("{a:#?}")
    };
    assert_eq!(*id, "arm-invalid-cce-policy");
    assert!(
        t.contains("exceeds the maximum allowed size of 131072 bytes"),
        "{t}"
    );

    // The az CLI's form: the code line and the message line are the same error.
    let text = "(InvalidCcePolicy) The CCE Policy is not valid Base64.\nCode: InvalidCcePolicy\nMessage: The CCE Policy is not valid Base64.\n";
    let a = analyze(text);
    assert_eq!(a.findings.len(), 1, "{a:#?}");
    assert!(matches!(
        &a.findings[0].kind,
        FindingKind::Other(OtherFormat::Known {
            id: "arm-invalid-base64",
            ..
        })
    ));
}

#[test]
fn stdio_denials_keep_what_they_were_about() {
    let text = "Error: teeing container stdio to log path \"/x\" denied due to policy not allowing stdio access\nError: exec in container of process that requires terminal access denied due to policy not allowing stdio access\n";
    let texts: Vec<String> = analyze(text)
        .findings
        .iter()
        .map(|f| match &f.kind {
            FindingKind::Other(OtherFormat::Known {
                id: "stdio-denied",
                text,
            }) => text.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        [
            "teeing container stdio to log path \"/x\" denied due to policy not allowing stdio access",
            "exec in container of process that requires terminal access denied due to policy not allowing stdio access",
        ]
    );
}

#[test]
fn json_policy_enforcer_wordings_map_to_todays_messages() {
    assert!(entry("json-policy").is_some_and(|e| e.kind == Kind::Format));
    // (event text, the message found, today's message it stands for, its catalog entry)
    let cases = [
        (
            "guest RPC failure: roothash 1f2e3d for mount /run/mounts/m2 doesn't match policy: unknown",
            "roothash 1f2e3d for mount /run/mounts/m2 doesn't match policy",
            Some("deviceHash not found"),
            "device-hash-not-found",
        ),
        (
            "failed to create container abc: command [ash -c echo 'invalid command'] doesn't match policy",
            "command [ash -c echo 'invalid command'] doesn't match policy",
            Some("invalid command"),
            "invalid-command",
        ),
        (
            "Error: env variable API_KEY=secret unmatched by policy rule",
            "env variable API_KEY=secret unmatched by policy rule",
            Some("invalid env list: API_KEY"),
            "invalid-env-list",
        ),
        // In `kubectl get events -o json` the directory's quotes are escaped.
        (
            r#""message": "working_dir \"/non/existent\" unmatched by policy rule""#,
            r#"working_dir \"/non/existent\" unmatched by policy rule"#,
            Some("invalid working directory"),
            "invalid-working-directory",
        ),
        (
            "privileged escalation unmatched by policy rule",
            "privileged escalation unmatched by policy rule",
            Some("privileged escalation not allowed"),
            "privileged-escalation-not-allowed",
        ),
        (
            "guest RPC failure: mount {Destination:/data Type:bind Source:/run/gcs/c/1/x Options:[rbind rw]} is not allowed by mount constraints",
            "mount {Destination:/data Type:bind Source:/run/gcs/c/1/x Options:[rbind rw]} is not allowed by mount constraints",
            Some("invalid mount list: /data"),
            "invalid-mount-list",
        ),
        (
            "mounting scsi device denied: policy doesn't allow mounting containers",
            "policy doesn't allow mounting containers",
            None,
            "json-policy",
        ),
    ];
    for (text, found, today, id) in cases {
        let a = analyze(text);
        assert_eq!(a.findings.len(), 1, "{text}: {a:#?}");
        let FindingKind::Other(OtherFormat::JsonPolicy { text: t, today: td }) =
            &a.findings[0].kind
        else {
            panic!("{text}: expected the JSON-policy format, got {a:#?}");
        };
        assert_eq!(t, found);
        assert_eq!(td.as_deref(), today);
        let resolved = td.as_deref().and_then(lookup_message).map(|m| m.entry.id);
        assert_eq!(resolved.unwrap_or("json-policy"), id, "{text}");
        let doc = aci_triage_core::explain::finding_doc(&a.findings[0], "f");
        let md = aci_triage_core::report::markdown(&doc);
        assert!(md.contains(found), "{md}");
        assert!(md.contains("JSON-format policy"), "{md}");
        assert!(md.contains(entry(id).unwrap().meaning), "{md}");
    }
    // Mixed with other formats in one paste, in the order of the text.
    let text = "mount {Destination:/a} is not allowed by mount constraints\ncreate_container not allowed by policy. Errors: [invalid command]\nenv variable X unmatched by policy rule\n";
    let kinds: Vec<&str> = analyze(text)
        .findings
        .iter()
        .map(|f| match &f.kind {
            FindingKind::Other(OtherFormat::JsonPolicy { .. }) => "json",
            FindingKind::Other(OtherFormat::Legacy { .. }) => "legacy",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["json", "legacy", "json"]);
    // Look-alikes are not findings: no start, a start on an earlier line, no word boundary.
    for text in [
        "mount constraints are configured",
        "roothash abc\nthe layer doesn't match policy",
        "subcommand [x] doesn't match policy",
        "the policy does not allow mounting containers",
    ] {
        let a = analyze(text);
        assert!(
            a.findings
                .iter()
                .all(|f| !matches!(f.kind, FindingKind::Other(OtherFormat::JsonPolicy { .. }))),
            "{text}: {a:#?}"
        );
    }
}

#[test]
fn a_messages_own_side_is_shown_when_the_catalog_names_it() {
    let md = |errors: &[&str]| {
        let d = deny(
            "mount_device",
            json!({"deviceHash": "ab", "target": "/run/mounts/m1"}),
            errors,
        );
        let a = analyze(&event("", &d));
        aci_triage_core::report::markdown(&aci_triage_core::explain::finding_doc(
            &a.findings[0],
            "f",
        ))
    };
    // The rule is usually the user's; this message is the platform's.
    let platform = md(&["device already mounted at path"]);
    assert_eq!(
        entry("device-already-mounted").and_then(|e| e.owner),
        Some(knowledge::Owner::Platform)
    );
    assert!(platform.contains("**Usually yours to fix**"), "{platform}");
    assert!(
        platform.contains("**Usually the platform's side.**"),
        "{platform}"
    );
    // A message without an owner in the catalog adds no such line.
    assert_eq!(entry("device-hash-not-found").and_then(|e| e.owner), None);
    let user = md(&["deviceHash not found"]);
    assert!(!user.contains("platform's side"), "{user}");
}

// ---------------------------------------------------------------------------------------------
// Corrections that change what an engineer does (issue 12, "Knowledge corrections")

/// The catalog ids of a decoded decision's errors, and each one's follow-on note (if any) given
/// the others: what the explanation and the summary rank as probably not the cause.
fn follow_ons(text: &str) -> Vec<(&'static str, Option<&'static str>)> {
    let a = analyze(text);
    let d = only_decision(&a);
    let rule = d.rule().map(|(r, _)| r);
    let ids: Vec<&'static str> = d
        .blob
        .decision
        .as_ref()
        .unwrap()
        .errors()
        .iter()
        .map(|e| {
            lookup_message(e)
                .unwrap_or_else(|| panic!("{e:?}"))
                .entry
                .id
        })
        .collect();
    ids.iter()
        .map(|&id| {
            let others: Vec<&str> = ids.iter().copied().filter(|&o| o != id).collect();
            (id, entry(id).unwrap().follow_on(rule, &others))
        })
        .collect()
}

fn all_text(id: &str) -> String {
    let e = entry(id).unwrap();
    [e.title, e.meaning]
        .into_iter()
        .chain(e.causes.iter())
        .chain(e.fix.iter().flat_map(|s| [s.text, s.run.unwrap_or("")]))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn exec_denials_mark_user_and_no_new_privileges_as_noise() {
    // What every exec denial under a confcom policy lists: confcom's exec processes carry no
    // working_dir, user or no_new_privileges, so those two checks fail whatever runs.
    let cid = "3873bfc939e2415892b5b74a7b1dbade0f7222e266df43df85968ddda59be56e";
    let input = json!({"argList": ["sh"], "capabilities": "[unprivileged]", "containerID": cid, "envList": ["TERM=<<redacted>>"], "groups": [{"id": "0", "name": "root"}], "noNewPrivileges": false, "umask": "0022", "user": {"id": "0", "name": "root"}, "workingDir": "/"});
    let errors = ["invalid command", "invalid noNewPrivileges", "invalid user"];
    let text = event(
        "exec in container denied due to policy: ",
        &deny("exec_in_container", input.clone(), &errors),
    );
    let got = follow_ons(&text);
    assert_eq!(
        got[0],
        ("invalid-command", None),
        "the command is the cause"
    );
    for (id, note) in &got[1..] {
        let note = note.unwrap_or_else(|| panic!("{id} should be marked as noise on exec"));
        assert!(
            note.contains("every exec denial") && note.contains("`invalid command`"),
            "{note}"
        );
    }
    // The same messages at container start are real differences.
    let text = event(
        "container creation denied due to policy: ",
        &deny("create_container", input, &errors),
    );
    assert!(follow_ons(&text).iter().all(|(_, n)| n.is_none()));
    // And the exec argv is compared exactly: `sh` is not `/bin/sh`; debug mode adds two bare shells.
    let e = entry("invalid-command").unwrap();
    assert!(e.meaning.contains("`sh` is not `/bin/sh`"), "{}", e.meaning);
    assert!(e
        .fix
        .iter()
        .any(|s| s.run == Some("kubectl exec -it <pod> -c <container> -- /bin/sh")));
    let exec = rule("exec_in_container").unwrap();
    assert!(exec.doing.contains("noise") && exec.doing.contains("exactly"));
    assert!(exec
        .owner_note
        .contains("argument-less `/bin/sh` and `/bin/bash` only"));
}

#[test]
fn env_list_reads_as_dropping_not_as_an_upgrade() {
    let e = entry("invalid-env-list").unwrap();
    let all = all_text("invalid-env-list").to_lowercase();
    // Dropping is on by default, so the variable is dropped, not refused.
    assert!(e
        .meaning
        .contains("allow_environment_variable_dropping := true"));
    assert!(e.meaning.contains("dropped"));
    // "Upgrade confcom" is not the fix for a platform-injected variable.
    assert!(!all.contains("upgrade confcom"), "{all}");
    assert!(e
        .fix
        .iter()
        .all(|s| s.run.is_none_or(|r| !r.contains("az extension"))));
    let platform = e
        .causes
        .iter()
        .find(|c| c.contains("platform sidecar"))
        .expect("the platform-container case");
    assert!(
        platform.contains("`APP_IDENTITY_ENDPOINT`") && platform.contains("`IDENTITY_ENDPOINT`")
    );
    assert!(platform.contains("does not help"));
    // Causes in order: a co-symptom, then dropping off, then the platform container.
    let order: Vec<usize> = ["Another error", "dropping switched off", "platform sidecar"]
        .iter()
        .map(|w| e.causes.iter().position(|c| c.contains(w)).unwrap())
        .collect();
    assert_eq!(order, [0, 1, 2]);
    // `-y` accepts any value; `--diff` matches unanchored; dropping has a cost.
    assert!(all.contains("accepts any value"));
    assert!(all.contains("re.search"));
    assert!(all.contains("vanishes silently"));

    // Beside another error it is marked as probably not the cause; alone it is not.
    let input = json!({"containerID": "abc", "envList": ["APP_IDENTITY_ENDPOINT=<<redacted>>"]});
    let with_command = event(
        "container creation denied due to policy: ",
        &deny(
            "create_container",
            input.clone(),
            &["invalid command", "invalid env list: APP_IDENTITY_ENDPOINT"],
        ),
    );
    let got = follow_ons(&with_command);
    assert_eq!(got[0], ("invalid-command", None));
    assert!(got[1].1.is_some_and(|n| n.contains("dropped")), "{got:?}");
    // The verbatim decision of Azure/azure-cli-extensions#10310: alone, so it stays the cause.
    let alone =
        r#"{"decision":"deny","reason":{"errors":["invalid env list: APP_IDENTITY_ENDPOINT"]}}"#;
    let alone = event(
        "container creation denied due to policy: ",
        &serde_json::from_str(alone).unwrap(),
    );
    assert_eq!(follow_ons(&alone), [("invalid-env-list", None)]);
    // On exec, the noise messages do not demote it: they are noise themselves.
    let exec = event(
        "exec in container denied due to policy: ",
        &deny(
            "exec_in_container",
            input,
            &[
                "invalid env list: DEBUG",
                "invalid noNewPrivileges",
                "invalid user",
            ],
        ),
    );
    assert_eq!(follow_ons(&exec)[0], ("invalid-env-list", None));
}

#[test]
fn framework_version_errors_make_overlay_and_fragment_errors_follow() {
    let overlay = event(
        "overlay creation denied by policy: ",
        &deny(
            "mount_overlay",
            json!({"containerID": "abc", "layerPaths": ["/run/mounts/scsi/m2"], "target": "/run/gcs/c/abc/rootfs"}),
            &[
                "framework_version is ahead of the current version: 0.5.0 is greater than 0.4.1",
                "no matching containers for overlay",
            ],
        ),
    );
    let got = follow_ons(&overlay);
    assert_eq!(got[0], ("framework-version-ahead", None));
    assert!(
        got[1].1.is_some_and(|n| n.contains("framework_version")),
        "{got:?}"
    );
    let fragment = event(
        "error loading security policy fragment: ",
        &deny(
            "load_fragment",
            json!({"feed": "mcr.microsoft.com/aci/aci-cc-infra-fragment", "fragment_loaded": false, "issuer": "did:x509:0:sha256:abc", "namespace": "fragment"}),
            &[
                "framework_version is missing. Current version: 0.4.1",
                "invalid fragment issuer",
            ],
        ),
    );
    let got = follow_ons(&fragment);
    assert_eq!(got[0], ("framework-version-missing", None));
    assert!(got[1].1.is_some(), "{got:?}");
    // Alone, `no matching containers for overlay` is the cause, led by the subset/order case
    // (a rebuilt image fails earlier, at mount_device).
    let e = entry("no-matching-containers-for-overlay").unwrap();
    assert!(e.follow_on(Some("mount_overlay"), &[]).is_none());
    assert!(e.meaning.contains("fails earlier, at mount_device"));
    assert!(e.causes.first().unwrap().contains("framework_version"));
    assert!(e.causes.iter().nth(1).unwrap().contains("subset"));
    // The version entry says why, and pins confcom in a way that works.
    let v = entry("framework-version-ahead").unwrap();
    assert!(v
        .meaning
        .contains("ignores the policy's containers and fragments"));
    assert!(v
        .causes
        .iter()
        .any(|c| c.contains("0.5.0") && c.contains("v0.15.0-rc.4")));
    assert!(v.fix.iter().any(|s| s
        .run
        .is_some_and(|r| r.starts_with("az extension remove --name confcom\naz extension add"))));
}

#[test]
fn corrected_meanings_for_required_env_signals_capabilities_and_mounts() {
    // Only the pause container has a required variable: the platform's side.
    let e = entry("missing-required-environment-variable").unwrap();
    assert!(e.meaning.contains("pause") && e.meaning.contains("PATH="));
    assert!(!all_text("missing-required-environment-variable").contains("image's `PATH`"));
    assert_eq!(e.owner, Some(knowledge::Owner::Platform));

    // Stop signals: the guest version decides too.
    let s = entry("signal-not-allowed").unwrap();
    assert!(
        s.meaning.contains("#2540") && s.meaning.contains("#2538") && s.meaning.contains("0.4.1")
    );
    assert!(s.causes.first().unwrap().contains("platform rollout"));
    for pr in ["2538", "2540", "2562", "2750"] {
        assert!(
            s.sources
                .iter()
                .any(|u| u.ends_with(&format!("/pull/{pr}"))),
            "{pr}"
        );
    }

    // Capability dropping removes extras only; asking for fewer is still refused.
    let c = entry("capabilities-dont-match").unwrap();
    assert!(c
        .meaning
        .contains("fewer capabilities than the policy lists is still refused"));
    assert!(c.causes.first().unwrap().contains("drop: [\"ALL\"]"));

    // VN2: configMap/secret/projected mounts are always read-only in confcom output.
    let m = all_text("invalid-mount-list");
    assert!(m.contains("configMap, secret, downwardAPI and projected volumes read-only"));
    assert!(m.contains("`/var/run/secrets/kubernetes.io/serviceaccount`"));

    // Regex anchoring by guest version.
    assert!(all_text("invalid-env-list").contains("hcsshim v0.14.0 anchor"));
    assert!(m.contains("hcsshim v0.15.0-rc.1 anchor"));
    assert!(all_text("invalid-user").contains("hcsshim v0.15.0-rc.1 anchor"));

    // Teardown after a failed start is marked as following it.
    for (id, rule) in [
        ("no-device-to-unmount", "unmount_device"),
        ("no-overlay-to-unmount", "unmount_overlay"),
        ("no-scratch-to-unmount", "scratch_unmount"),
        ("container-not-started", "shutdown_container"),
    ] {
        assert!(
            entry(id).unwrap().follow_on(Some(rule), &[]).is_some(),
            "{id}"
        );
    }
    assert!(entry("container-not-started")
        .unwrap()
        .follow_on(Some("exec_in_container"), &[])
        .is_none());
}

#[test]
fn fix_commands_do_not_mislead() {
    for e in every_entry() {
        for s in e.fix.iter() {
            let run = s.run.unwrap_or("");
            // `-i config.json` for a virtual-node pod needs the scenario, and prints the policy.
            if run.contains("-i config.json") {
                assert!(
                    s.text.contains("`\"scenario\": \"vn2\"`") && s.text.contains("prints"),
                    "{}: {:?}",
                    e.id,
                    s.text
                );
            }
            // `--print-existing-policy` output starts with a header line: never fed to opa.
            assert!(
                !run.contains("--print-existing-policy >"),
                "{}: {run}",
                e.id
            );
            // Pinning an older confcom needs the installed one removed first.
            if run.contains("az extension add --name confcom --version") {
                assert!(
                    run.contains("az extension remove --name confcom"),
                    "{}",
                    e.id
                );
            }
        }
    }
    // Regenerating changes HOSTDATA: the main regenerate fixes say so, with the new value.
    for id in [
        "invalid-command",
        "invalid-env-list",
        "device-hash-not-found",
        "invalid-mount-list",
        "no-matching-containers-for-overlay",
        "signal-not-allowed",
        "framework-version-ahead",
    ] {
        let e = entry(id).unwrap();
        assert!(
            e.fix.iter().any(|s| s.text.contains("HOSTDATA")
                && s.text.contains("x-ms-sevsnpvm-hostdata")
                && s.run
                    .is_some_and(|r| r.ends_with("| base64 -d | sha256sum"))),
            "{id}"
        );
    }
    // Debug mode: what it opens, without the env wildcard confcom's code never writes.
    let debug = entry("invalid-command")
        .unwrap()
        .fix
        .iter()
        .find(|s| s.run.is_some_and(|r| r.contains("--debug-mode")))
        .unwrap();
    assert!(debug.text.contains("new hash") && debug.text.contains("never ship it"));
}

fn every_entry() -> impl Iterator<Item = &'static knowledge::Entry> {
    knowledge::MESSAGES
        .iter()
        .chain(knowledge::REASONS.iter())
        .chain(knowledge::FORMATS.iter())
}

#[test]
fn new_entries_for_issue_12_exist_with_their_advice() {
    // The oversized-policy symptom: what it usually means, how to measure, how to shrink, and
    // that other causes give the same text.
    let o = all_text("oversized-policy");
    for want in [
        "120 KB",
        "--print-existing-policy | wc -c",
        "| base64 -d | wc -c",
        "fragment",
        "same words",
        "same text with a policy of normal size",
    ] {
        assert!(o.contains(want), "oversized-policy lacks {want:?}");
    }
    // Kata: AKS and elsewhere.
    let k = all_text("kata");
    assert!(k.contains("az confcom katapolicygen") && k.contains("genpolicy -y pod.yaml"));
    assert!(k.contains("contrast generate"));
    // Lookalikes say what the text is instead.
    let ap = entry("lookalike-azure-policy").unwrap();
    assert!(ap.title.contains("Azure Policy") && ap.meaning.contains("nothing to do with"));
    let aw = entry("lookalike-admission-webhook").unwrap();
    assert!(aw.meaning.contains("Gatekeeper"));
    for id in ["lookalike-guest-hostname", "lookalike-no-space"] {
        assert!(
            entry(id).unwrap().meaning.contains("not a policy decision"),
            "{id}"
        );
    }
}
