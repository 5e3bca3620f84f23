//! Finding the policy in every kind of paste: each pod-creating workload kind, multi-document
//! YAML, `kubectl get -o json` (and `List`), `last-applied-configuration`, `kubectl describe`
//! (cut by kubectl), ARM templates (`containerGroups`, `containerGroupProfiles`, empty, an
//! expression), the base64 alone, Rego text with confcom's headers, UTF-16 files.
//!
//! The workloads are built from the real VN2 pod `fixtures/policy/01-vn2-nginx-pod.yaml` and its
//! annotation; the ARM template is the real `03-confcom-aci-command-arm_template.json`.

use aci_triage_core::policy::manifest::{PolicyValue, WorkloadKind};
use aci_triage_core::policy::text::Encoding;
use aci_triage_core::policy::{read_bytes, read_paste, Flavor, Note, Origin};
use base64::Engine as _;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The base64 policy of the real VN2 pod.
fn annotation() -> String {
    let pod = fixture("01-vn2-nginx-pod.yaml");
    let line = pod.lines().find(|l| l.contains("ccepolicy:")).unwrap();
    line.split_once(": ").unwrap().1.trim().to_string()
}

fn policy_text() -> String {
    fixture("01-vn2-nginx-policy.rego")
}

/// A pod template (metadata + spec) as YAML, indented by `n` spaces.
fn template(n: usize) -> String {
    let pad = " ".repeat(n);
    format!(
        "{pad}metadata:\n{pad}  annotations:\n{pad}    microsoft.containerinstance.virtualnode.ccepolicy: {}\n{pad}    microsoft.containerinstance.virtualnode.injectkubeproxy: \"false\"\n{pad}  labels:\n{pad}    app: web\n{pad}spec:\n{pad}  containers:\n{pad}  - image: mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine\n{pad}    name: mypod\n{pad}    command: [\"nginx\"]\n{pad}    args: [\"-g\", \"daemon off;\"]\n{pad}    env:\n{pad}    - name: MODE\n{pad}      value: prod\n{pad}    - name: SECRET\n{pad}      valueFrom:\n{pad}        secretKeyRef: {{name: s, key: k}}\n{pad}    volumeMounts:\n{pad}    - name: cfg\n{pad}      mountPath: /etc/cfg\n{pad}    securityContext:\n{pad}      privileged: false\n{pad}      runAsUser: 1000\n{pad}  volumes:\n{pad}  - name: cfg\n{pad}    configMap:\n{pad}      name: cfg\n",
        annotation()
    )
}

fn workload_yaml(kind: &str) -> String {
    let head = format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web-{}\n  namespace: shop\n",
        kind.to_lowercase()
    );
    match kind {
        "Pod" => format!("apiVersion: v1\nkind: Pod\n{}", template(0).replacen("metadata:\n", "metadata:\n  name: web-pod\n  namespace: shop\n", 1)),
        "CronJob" => format!("{head}spec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n{}", template(8)),
        _ => format!("{head}spec:\n  replicas: 1\n  template:\n{}", template(4)),
    }
}

#[test]
fn every_workload_kind_gives_its_pod_templates_policy_and_containers() {
    for kind in [
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "ReplicaSet",
    ] {
        let paste = read_paste(&workload_yaml(kind));
        assert_eq!(paste.workloads.len(), 1, "{kind}: {:?}", paste.notes);
        let w = &paste.workloads[0];
        assert_eq!(w.kind, WorkloadKind::Kubernetes(kind.to_string()));
        assert_eq!(
            w.name.as_deref(),
            Some(format!("web-{}", kind.to_lowercase()).as_str())
        );
        assert_eq!(w.namespace.as_deref(), Some("shop"));
        assert!(w.confidential);
        assert_eq!(w.inject_kube_proxy.as_deref(), Some("false"));
        assert_eq!(w.inject_dns, None);
        assert!(
            w.dns_risk(),
            "{kind}: Confidential without injectdns: \"false\""
        );
        assert_eq!(w.labels, vec![("app".to_string(), "web".to_string())]);
        let c = &w.containers[0];
        assert_eq!(c.name.as_deref(), Some("mypod"));
        assert_eq!(c.command.as_deref(), Some(&["nginx".to_string()][..]));
        assert_eq!(c.args.as_ref().unwrap().len(), 2);
        assert_eq!(
            c.env
                .iter()
                .map(|e| (e.name.as_str(), e.value.as_deref(), e.indirect))
                .collect::<Vec<_>>(),
            vec![("MODE", Some("prod"), false), ("SECRET", None, true)]
        );
        assert_eq!(c.volume_mounts[0].mount_path.as_deref(), Some("/etc/cfg"));
        assert_eq!(c.volume_mounts[0].volume_kind.as_deref(), Some("configMap"));
        assert_eq!(c.security.run_as_user, Some(1000));
        assert_eq!(paste.policies.len(), 1, "{kind}");
        let p = &paste.policies[0];
        assert_eq!(
            p.origin,
            Origin::Annotation {
                workload: 0,
                from_last_applied: false
            }
        );
        assert_eq!(p.text, policy_text(), "{kind}");
        assert!(!p.cut);
    }
}

#[test]
fn multi_document_yaml_with_other_documents() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n---\n{}---\n{}",
        workload_yaml("Deployment"),
        workload_yaml("CronJob")
    );
    let paste = read_paste(&text);
    assert_eq!(paste.workloads.len(), 2);
    assert_eq!(paste.policies.len(), 2);
    assert_eq!(
        paste.policies[1].origin,
        Origin::Annotation {
            workload: 1,
            from_last_applied: false
        }
    );
    assert!(paste.policies[0].line < paste.policies[1].line);
}

fn pod_json(annotations: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "confidential-alpine", "namespace": "default", "annotations": annotations},
        "spec": {"containers": [{"name": "mypod", "image": "mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine"}]}
    })
}

#[test]
fn kubectl_json_list_and_last_applied() {
    let a = annotation();
    let direct = json!({"microsoft.containerinstance.virtualnode.ccepolicy": a});
    // -o json
    let paste = read_paste(&serde_json::to_string_pretty(&pod_json(direct.clone())).unwrap());
    assert_eq!(paste.policies.len(), 1);
    assert_eq!(paste.policies[0].text, policy_text());
    // a List (the third pod repeats the same policy)
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [pod_json(direct.clone()), pod_json(json!({})), pod_json(json!({"microsoft.containerinstance.virtualnode.ccepolicy": a, "microsoft.containerinstance.virtualnode.injectdns": "false"}))]});
    let paste = read_paste(&serde_json::to_string(&list).unwrap());
    assert_eq!(paste.workloads.len(), 3);
    assert!(!paste.workloads[1].confidential);
    assert!(
        !paste.workloads[1].dns_risk(),
        "not Confidential, kube-proxy injected"
    );
    assert!(!paste.workloads[2].dns_risk(), "injectdns: false");
    assert!(paste.workloads[0].dns_risk());
    assert_eq!(paste.policies.len(), 2);

    // last-applied-configuration holds the same policy: one policy, no note.
    let last = serde_json::to_string(&pod_json(direct.clone())).unwrap();
    let both = json!({"microsoft.containerinstance.virtualnode.ccepolicy": a, "kubectl.kubernetes.io/last-applied-configuration": last});
    let paste = read_paste(&serde_json::to_string_pretty(&pod_json(both)).unwrap());
    assert_eq!(paste.policies.len(), 1);
    assert!(!paste.policies[0].notes.contains(&Note::LastAppliedDiffers));

    // ... a different one: the direct one is used, and the difference said.
    let other = base64::engine::general_purpose::STANDARD
        .encode(fixture("09-confcom-vn2-basic_command_args-policy.rego"));
    let last = serde_json::to_string(&pod_json(
        json!({"microsoft.containerinstance.virtualnode.ccepolicy": other}),
    ))
    .unwrap();
    let differ = json!({"microsoft.containerinstance.virtualnode.ccepolicy": a, "kubectl.kubernetes.io/last-applied-configuration": last});
    let paste = read_paste(&serde_json::to_string_pretty(&pod_json(differ)).unwrap());
    assert_eq!(paste.policies.len(), 1);
    assert_eq!(paste.policies[0].text, policy_text());
    assert!(paste.policies[0].notes.contains(&Note::LastAppliedDiffers));

    // ... only in last-applied.
    let last = serde_json::to_string(&pod_json(direct)).unwrap();
    let only = json!({"kubectl.kubernetes.io/last-applied-configuration": last});
    let paste = read_paste(&serde_json::to_string_pretty(&pod_json(only)).unwrap());
    assert_eq!(
        paste.policies[0].origin,
        Origin::Annotation {
            workload: 0,
            from_last_applied: true
        }
    );
    assert!(paste.policies[0].notes.contains(&Note::OnlyInLastApplied));
}

/// What `kubectl describe pod` prints for a long annotation: the key, then the value cut at 138
/// characters with `...` (kubectl `printAnnotationsMultiline`, `maxAnnotationLen` 140).
fn describe_text(value: &str) -> String {
    let cut = if value.len() > 138 {
        format!("{}...", &value[..138])
    } else {
        value.to_string()
    };
    format!(
        "Name:             confidential-alpine\nNamespace:        default\nPriority:         0\nNode:             virtualnode2-0/\nLabels:           <none>\nAnnotations:      microsoft.containerinstance.virtualnode.ccepolicy:\n                    {cut}\n                  microsoft.containerinstance.virtualnode.injectdns: false\nStatus:           Pending\nContainers:\n  mypod:\n    Image:          mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine\n"
    )
}

#[test]
fn describe_with_the_annotation_cut_by_kubectl() {
    let paste = read_paste(&describe_text(&annotation()));
    assert_eq!(paste.policies.len(), 1);
    assert!(paste.workloads.is_empty(), "describe is not a manifest");
    let p = &paste.policies[0];
    assert_eq!(
        p.origin,
        Origin::Describe {
            pod: Some("confidential-alpine".into()),
            key: "microsoft.containerinstance.virtualnode.ccepolicy".into()
        }
    );
    assert!(p.cut);
    assert!(p.notes.contains(&Note::CutByKubectl { kept_chars: 138 }));
    assert!(
        policy_text().starts_with(&p.text),
        "the kept part is the policy's start"
    );
    // What is complete is used: the package and api_version (138 base64 chars = 103 bytes).
    assert_eq!(p.policy.package.as_deref(), Some("policy"));
    assert_eq!(
        p.policy
            .api_version
            .as_ref()
            .unwrap()
            .value
            .value()
            .map(String::as_str),
        Some("0.10.0")
    );
    assert!(p.policy.container_list().is_empty());

    // The repository's describe fixture has a short, whole annotation.
    let d = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describe-pod.txt"),
    )
    .unwrap();
    let paste = read_paste(&d);
    assert_eq!(paste.policies.len(), 1);
    assert!(!paste.policies[0].cut);
    assert_eq!(
        paste.policies[0].text,
        "package policy\n\napi_version := \"0.10.0\"\n"
    );
}

#[test]
fn arm_templates() {
    // The real template: ccePolicy "" = no policy yet.
    let paste = read_paste(&fixture("03-confcom-aci-command-arm_template.json"));
    assert_eq!(paste.workloads.len(), 1);
    let w = &paste.workloads[0];
    assert_eq!(
        w.kind,
        WorkloadKind::Arm("Microsoft.ContainerInstance/containerGroups".into())
    );
    assert_eq!(w.policy, PolicyValue::Empty);
    assert!(w.confidential);
    assert!(paste.policies.is_empty());
    assert!(paste.notes.contains(&Note::EmptyPolicy));
    assert_eq!(
        w.containers[0].command.as_ref().unwrap()[2],
        "while true; do echo hello; sleep 10; done"
    );

    // The same template with its policy filled in, as a containerGroupProfile, inside a
    // deployment object.
    let mut t: Value =
        serde_json::from_str(&fixture("03-confcom-aci-command-arm_template.json")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD
        .encode(fixture("03-confcom-aci-command-policy.rego"));
    t["resources"][0]["type"] = json!("Microsoft.ContainerInstance/containerGroupProfiles");
    t["resources"][0]["properties"]["confidentialComputeProperties"]["ccePolicy"] = json!(b64);
    let deployment = json!({"properties": {"template": t, "mode": "Incremental"}});
    let paste = read_paste(&serde_json::to_string_pretty(&deployment).unwrap());
    assert_eq!(
        paste.workloads[0].kind,
        WorkloadKind::Arm("Microsoft.ContainerInstance/containerGroupProfiles".into())
    );
    assert_eq!(paste.policies.len(), 1);
    assert_eq!(
        paste.policies[0].origin,
        Origin::ArmCcePolicy { workload: 0 }
    );
    assert_eq!(
        paste.policies[0].text,
        fixture("03-confcom-aci-command-policy.rego")
    );

    // A Bicep/ARM expression: the policy is elsewhere.
    t["resources"][0]["properties"]["confidentialComputeProperties"]["ccePolicy"] =
        json!("[parameters('ccePolicy')]");
    let paste = read_paste(&serde_json::to_string(&t).unwrap());
    assert!(paste.notes.contains(&Note::ArmExpression {
        text: "[parameters('ccePolicy')]".into()
    }));
}

#[test]
fn base64_alone_rego_text_and_headers() {
    let paste = read_paste(&format!("  {}\n", annotation()));
    assert_eq!(paste.policies.len(), 1);
    assert_eq!(paste.policies[0].origin, Origin::Base64);
    assert_eq!(paste.policies[0].text, policy_text());

    let paste = read_paste(&policy_text());
    assert_eq!(paste.policies[0].origin, Origin::Rego { header: None });
    assert_eq!(paste.policies[0].policy.container_list().len(), 2);

    // --print-existing-policy on a two-pod YAML.
    let text = format!(
        "Policy for Pod: confidential-alpine\n{}\nPolicy for Pod: basic-command-args\n{}",
        policy_text(),
        fixture("09-confcom-vn2-basic_command_args-policy.rego")
    );
    let paste = read_paste(&text);
    assert_eq!(paste.policies.len(), 2);
    assert_eq!(
        paste.policies[0].origin,
        Origin::Rego {
            header: Some("confidential-alpine".into())
        }
    );
    assert_eq!(
        paste.policies[1].origin,
        Origin::Rego {
            header: Some("basic-command-args".into())
        }
    );
    assert_eq!(paste.policies[1].policy.container_list()[0].label, "app");
    let text = format!(
        "CCE Policy for Container Group: group1\n{}",
        fixture("03-confcom-aci-command-policy.rego")
    );
    assert_eq!(
        read_paste(&text).policies[0].origin,
        Origin::Rego {
            header: Some("group1".into())
        }
    );
}

#[test]
fn utf16_files_with_and_without_bom() {
    // confcom's sample-policy-output.rego is UTF-16LE with BOM and CRLF.
    let crlf = policy_text().replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in crlf.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let paste = read_bytes(&bytes);
    assert!(paste.notes.contains(&Note::Encoding {
        encoding: Encoding::Utf16Le { bom: true },
        replaced: false
    }));
    assert_eq!(paste.policies.len(), 1);
    let p = &paste.policies[0].policy;
    assert_eq!(p.container_list().len(), 2);
    assert_eq!(p.container_list()[0].command.as_ref().unwrap()[0], "nginx");
    // Big-endian without a BOM.
    let be: Vec<u8> = policy_text()
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let paste = read_bytes(&be);
    assert!(paste.notes.contains(&Note::Encoding {
        encoding: Encoding::Utf16Be { bom: false },
        replaced: false
    }));
    assert_eq!(paste.policies[0].policy.container_list().len(), 2);
    // UTF-8 with a BOM.
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend_from_slice(fixture("01-vn2-nginx-pod.yaml").as_bytes());
    assert_eq!(read_bytes(&b).policies.len(), 1);
}

#[test]
fn one_paste_with_everything() {
    let text = format!(
        "{}\n\n{}\n---\n{}\nsome other line\n{}\n",
        describe_text(&annotation()),
        workload_yaml("Deployment"),
        fixture("09-confcom-vn2-basic_command_args-virtual_node.yaml"),
        serde_json::to_string_pretty(&pod_json(json!({"io.katacontainers.config.agent.policy": base64::engine::general_purpose::STANDARD.encode("package agent_policy\n\npolicy_data := {\"containers\": []}\n")}))).unwrap()
    );
    let paste = read_paste(&text);
    let kinds: Vec<_> = paste
        .workloads
        .iter()
        .map(|w| (w.kind.clone(), w.name.clone()))
        .collect();
    assert!(
        kinds.contains(&(
            WorkloadKind::Kubernetes("Deployment".into()),
            Some("web-deployment".into())
        )),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            WorkloadKind::Kubernetes("Pod".into()),
            Some("basic-command-args".into())
        )),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(
            WorkloadKind::Kubernetes("Pod".into()),
            Some("confidential-alpine".into())
        )),
        "{kinds:?}"
    );
    // The describe's cut copy is the same policy as the Deployment's: both found, the cut one
    // from describe (it comes first), the whole one from the manifest.
    let origins: Vec<_> = paste.policies.iter().map(|p| &p.origin).collect();
    assert!(
        origins.iter().any(|o| matches!(o, Origin::Describe { .. })),
        "{origins:?}"
    );
    assert!(
        origins
            .iter()
            .any(|o| matches!(o, Origin::Annotation { .. })),
        "{origins:?}"
    );
    let kata = paste
        .policies
        .iter()
        .find(|p| matches!(p.origin, Origin::KataAnnotation { .. }))
        .expect("the Kata policy");
    assert_eq!(kata.policy.flavor, Flavor::Kata);
    assert!(kata.notes.contains(&Note::KataAnnotation));
}
