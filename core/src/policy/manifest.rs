//! Workloads read from manifests: Kubernetes pods and pod-creating resources (the pod
//! template's annotations and containers) and ARM container groups (`ccePolicy` and the
//! containers' properties).

use serde_json::{Map, Value};

use super::Note;

/// The annotation that carries a VN2 pod's CCE policy (base64 of the Rego).
pub const CCE_POLICY_ANNOTATION: &str = "microsoft.containerinstance.virtualnode.ccepolicy";
/// The annotation of a Kata / AKS Confidential Containers genpolicy policy.
pub const KATA_POLICY_ANNOTATION: &str = "io.katacontainers.config.agent.policy";
/// `"false"` keeps VN2 from injecting kube-proxy into the pod.
pub const INJECT_KUBE_PROXY_ANNOTATION: &str =
    "microsoft.containerinstance.virtualnode.injectkubeproxy";
/// `"false"` keeps VN2 from pointing the pod at cluster DNS.
pub const INJECT_DNS_ANNOTATION: &str = "microsoft.containerinstance.virtualnode.injectdns";
/// kubectl's copy of the applied manifest (a JSON string).
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The Kubernetes kinds that create pods (confcom reads exactly these).
pub const WORKLOAD_KINDS: [&str; 7] = [
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicaSet",
];

pub const ARM_CONTAINER_GROUP: &str = "Microsoft.ContainerInstance/containerGroups";
pub const ARM_CONTAINER_GROUP_PROFILE: &str = "Microsoft.ContainerInstance/containerGroupProfiles";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    /// A Kubernetes kind from [`WORKLOAD_KINDS`].
    Kubernetes(String),
    /// An ARM resource of type [`ARM_CONTAINER_GROUP`] or [`ARM_CONTAINER_GROUP_PROFILE`].
    Arm(String),
}

/// What the manifest says about its policy.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyValue {
    /// No annotation / no `ccePolicy`.
    Missing,
    /// `""`: no policy yet (confcom fills it in; deploying it as is means no policy).
    Empty,
    /// An ARM expression such as `[parameters('ccePolicy')]`: the policy is not in this text.
    Expression(String),
    /// The base64 text, and whether it came from `last-applied-configuration` only.
    Encoded {
        base64: String,
        from_last_applied: bool,
    },
    /// A value of another type, as JSON text.
    NotAString(String),
}

/// An environment variable of a manifest container. The value is kept only when it is
/// written literally.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
    /// `valueFrom` (K8s) or `secureValue` (ARM): the value is not in the manifest.
    pub indirect: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VolumeMount {
    pub name: Option<String>,
    pub mount_path: Option<String>,
    pub read_only: bool,
    /// The kind of the volume it refers to (`configMap`, `secret`, `emptyDir`, `azureFile` …),
    /// when the pod lists it.
    pub volume_kind: Option<String>,
}

/// The container's `securityContext` (merged with the pod's for the user and group).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SecurityContext {
    pub privileged: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub capabilities_add: Vec<String>,
    pub capabilities_drop: Vec<String>,
    /// `seccompProfile.type` (K8s) or the ARM profile's presence.
    pub seccomp: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ManifestContainer {
    pub name: Option<String>,
    pub image: Option<String>,
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub env: Vec<EnvVar>,
    pub volume_mounts: Vec<VolumeMount>,
    pub security: SecurityContext,
    /// An init container (K8s `initContainers`, ARM `initContainers`).
    pub init: bool,
}

/// One workload found in a paste.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// 1-based line of its document in the paste (0 when not known).
    pub line: usize,
    pub policy: PolicyValue,
    pub kata_policy: Option<String>,
    pub inject_kube_proxy: Option<String>,
    pub inject_dns: Option<String>,
    pub labels: Vec<(String, String)>,
    pub containers: Vec<ManifestContainer>,
    /// The manifest asks for a Confidential pod or group (a CCE policy annotation or
    /// property, even empty, or ARM sku `Confidential`).
    pub confidential: bool,
    pub notes: Vec<Note>,
}

impl Workload {
    /// The VN2 DNS risk: a Confidential pod, or one with `injectkubeproxy: "false"`, reaches no
    /// kube-proxy, so cluster DNS (a service IP) is unreachable unless `injectdns: "false"`
    /// keeps VN2 from pointing the pod at it: every lookup then waits for the first
    /// nameserver's timeout.
    pub fn dns_risk(&self) -> bool {
        let is_false = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|x| x.trim().eq_ignore_ascii_case("false"))
        };
        matches!(self.kind, WorkloadKind::Kubernetes(_))
            && (self.confidential || is_false(&self.inject_kube_proxy))
            && !is_false(&self.inject_dns)
    }
}

fn s(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(x) => Some(x.clone()),
        Value::Null => None,
        other @ (Value::Bool(_) | Value::Number(_)) => Some(other.to_string()),
        _ => None,
    }
}

fn list(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => Some(a.iter().filter_map(|x| s(Some(x))).collect()),
        _ => None,
    }
}

fn arr(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or(&[])
}

fn pairs(v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), s(Some(v)).unwrap_or_else(|| v.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

fn env_vars(list: &[Value], indirect_key: &str) -> Vec<EnvVar> {
    list.iter()
        .filter_map(|e| {
            Some(EnvVar {
                name: s(e.get("name"))?,
                value: s(e.get("value")),
                indirect: e.get(indirect_key).is_some(),
            })
        })
        .collect()
}

fn security(
    sc: Option<&Value>,
    num: impl Fn(&str) -> Option<i64>,
    seccomp: Option<String>,
) -> SecurityContext {
    let caps = |k: &str| list(sc.and_then(|x| x.pointer(k))).unwrap_or_default();
    SecurityContext {
        privileged: sc
            .and_then(|x| x.get("privileged"))
            .and_then(Value::as_bool),
        allow_privilege_escalation: sc
            .and_then(|x| x.get("allowPrivilegeEscalation"))
            .and_then(Value::as_bool),
        run_as_user: num("runAsUser"),
        run_as_group: num("runAsGroup"),
        capabilities_add: caps("/capabilities/add"),
        capabilities_drop: caps("/capabilities/drop"),
        seccomp,
    }
}

fn k8s_container(
    c: &Value,
    init: bool,
    volumes: &Map<String, Value>,
    pod_sc: Option<&Value>,
) -> ManifestContainer {
    let sc = c.get("securityContext");
    let num = |k: &str| {
        sc.and_then(|x| x.get(k))
            .and_then(Value::as_i64)
            .or_else(|| pod_sc.and_then(|x| x.get(k)).and_then(Value::as_i64))
    };
    ManifestContainer {
        name: s(c.get("name")),
        image: s(c.get("image")),
        command: list(c.get("command")),
        args: list(c.get("args")),
        working_dir: s(c.get("workingDir")),
        env: env_vars(arr(c.get("env")), "valueFrom"),
        volume_mounts: arr(c.get("volumeMounts"))
            .iter()
            .map(|m| {
                let name = s(m.get("name"));
                VolumeMount {
                    volume_kind: name.as_ref().and_then(|n| {
                        volumes.get(n).and_then(|v| {
                            v.as_object()?
                                .keys()
                                .find(|k| k.as_str() != "name")
                                .cloned()
                        })
                    }),
                    name,
                    mount_path: s(m.get("mountPath")),
                    read_only: m.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
                }
            })
            .collect(),
        security: security(
            sc,
            num,
            s(sc.and_then(|x| x.pointer("/seccompProfile/type")))
                .or_else(|| s(pod_sc.and_then(|x| x.pointer("/seccompProfile/type")))),
        ),
        init,
    }
}

fn arm_container(c: &Value, init: bool) -> ManifestContainer {
    let p = c.get("properties").unwrap_or(&Value::Null);
    let sc = p.get("securityContext");
    ManifestContainer {
        name: s(c.get("name")),
        image: s(p.get("image")),
        command: list(p.get("command")),
        args: None,
        working_dir: None,
        env: env_vars(arr(p.get("environmentVariables")), "secureValue"),
        volume_mounts: arr(p.get("volumeMounts"))
            .iter()
            .map(|m| VolumeMount {
                name: s(m.get("name")),
                mount_path: s(m.get("mountPath")),
                read_only: m.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
                volume_kind: None,
            })
            .collect(),
        security: security(
            sc,
            |k| sc.and_then(|x| x.get(k)).and_then(Value::as_i64),
            sc.and_then(|x| x.get("seccompProfile"))
                .map(|_| "profile".to_string()),
        ),
        init,
    }
}

/// Finds the pod template of a workload the way confcom does: follow `spec` → `template` /
/// `jobTemplate` until a `spec.containers`. Returns (metadata, spec).
fn pod_template(doc: &Value) -> Option<(Option<&Value>, &Value)> {
    let mut cur = doc;
    for _ in 0..6 {
        let spec = cur.get("spec")?;
        if spec.get("containers").is_some() {
            return Some((cur.get("metadata"), spec));
        }
        cur = spec.get("template").or_else(|| spec.get("jobTemplate"))?;
    }
    None
}

fn annotations_of(meta: Option<&Value>) -> Option<&Map<String, Value>> {
    meta?.get("annotations")?.as_object()
}

fn k8s_workload(doc: &Value, kind: &str, line: usize) -> Workload {
    let top_meta = doc.get("metadata");
    let (meta, spec) = match pod_template(doc) {
        Some((m, s)) => (m, Some(s)),
        None => (if kind == "Pod" { top_meta } else { None }, None),
    };
    let mut notes = Vec::new();
    let ann = annotations_of(meta);
    let ann_str = |k: &str| ann.and_then(|a| a.get(k));
    // kubectl keeps the applied manifest in the *top* object's annotations.
    let last_applied: Option<Value> = annotations_of(top_meta)
        .and_then(|a| a.get(LAST_APPLIED_ANNOTATION))
        .and_then(Value::as_str)
        .and_then(|t| serde_json::from_str(t).ok());
    let last_policy = last_applied.as_ref().and_then(|la| {
        let (m, _) = pod_template(la).unwrap_or((la.get("metadata"), &Value::Null));
        annotations_of(m)?.get(CCE_POLICY_ANNOTATION).cloned()
    });
    let policy = match (ann_str(CCE_POLICY_ANNOTATION), &last_policy) {
        (Some(direct), last) => {
            if let Some(l) = last {
                if l != direct {
                    notes.push(Note::LastAppliedDiffers);
                }
            }
            policy_value(direct, false)
        }
        (None, Some(last)) => {
            notes.push(Note::OnlyInLastApplied);
            policy_value(last, true)
        }
        (None, None) => PolicyValue::Missing,
    };
    let volumes: Map<String, Value> = arr(spec.and_then(|s| s.get("volumes")))
        .iter()
        .filter_map(|v| Some((s(v.get("name"))?, v.clone())))
        .collect();
    let pod_sc = spec.and_then(|s| s.get("securityContext"));
    let mut containers: Vec<ManifestContainer> = arr(spec.and_then(|s| s.get("initContainers")))
        .iter()
        .map(|c| k8s_container(c, true, &volumes, pod_sc))
        .collect();
    containers.extend(
        arr(spec.and_then(|s| s.get("containers")))
            .iter()
            .map(|c| k8s_container(c, false, &volumes, pod_sc)),
    );
    let confidential = !matches!(policy, PolicyValue::Missing);
    Workload {
        kind: WorkloadKind::Kubernetes(kind.to_string()),
        name: s(top_meta.and_then(|m| m.get("name"))),
        namespace: s(top_meta.and_then(|m| m.get("namespace"))),
        line,
        policy,
        kata_policy: s(ann_str(KATA_POLICY_ANNOTATION)),
        inject_kube_proxy: s(ann_str(INJECT_KUBE_PROXY_ANNOTATION)),
        inject_dns: s(ann_str(INJECT_DNS_ANNOTATION)),
        labels: pairs(meta.and_then(|m| m.get("labels"))),
        containers,
        confidential,
        notes,
    }
}

fn policy_value(v: &Value, from_last_applied: bool) -> PolicyValue {
    match v {
        Value::String(t) if t.trim().is_empty() => PolicyValue::Empty,
        Value::String(t) if t.trim_start().starts_with('[') && t.trim_end().ends_with(']') => {
            PolicyValue::Expression(t.clone())
        }
        Value::String(t) => PolicyValue::Encoded {
            base64: t.clone(),
            from_last_applied,
        },
        Value::Null => PolicyValue::Empty,
        other => PolicyValue::NotAString(other.to_string()),
    }
}

fn arm_workload(res: &Value, kind: &str, line: usize) -> Workload {
    let p = res.get("properties").unwrap_or(&Value::Null);
    let ccp = p.get("confidentialComputeProperties");
    let policy = match ccp.and_then(|c| c.get("ccePolicy")) {
        Some(v) => policy_value(v, false),
        None => PolicyValue::Missing,
    };
    let sku_confidential = s(p.get("sku")).is_some_and(|x| x.eq_ignore_ascii_case("confidential"));
    let mut containers: Vec<ManifestContainer> = arr(p.get("initContainers"))
        .iter()
        .map(|c| arm_container(c, true))
        .collect();
    containers.extend(
        arr(p.get("containers"))
            .iter()
            .map(|c| arm_container(c, false)),
    );
    Workload {
        kind: WorkloadKind::Arm(kind.to_string()),
        name: s(res.get("name")),
        namespace: None,
        line,
        policy,
        kata_policy: None,
        inject_kube_proxy: None,
        inject_dns: None,
        labels: pairs(res.get("tags")),
        containers,
        confidential: ccp.is_some() || sku_confidential,
        notes: Vec::new(),
    }
}

fn arm_type(v: &Value) -> Option<&'static str> {
    let t = v.get("type")?.as_str()?;
    [ARM_CONTAINER_GROUP, ARM_CONTAINER_GROUP_PROFILE]
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(t))
}

/// Every workload in one JSON or YAML document: a K8s object (or a `List` of them), an ARM
/// template or deployment (container groups anywhere in it, nested deployments included), or
/// a single container group resource as `az container show` prints it.
pub fn workloads_in(doc: &Value, line: usize) -> Vec<Workload> {
    let mut out = Vec::new();
    let mut stack = vec![(doc, 0usize)];
    let mut visited = 0usize;
    while let Some((v, depth)) = stack.pop() {
        visited += 1;
        if visited > 200_000 || depth > 24 {
            break;
        }
        let Some(o) = v.as_object() else {
            if let Some(a) = v.as_array() {
                stack.extend(a.iter().rev().map(|x| (x, depth + 1)));
            }
            continue;
        };
        if let Some(kind) = o.get("kind").and_then(Value::as_str) {
            if let Some(k) = WORKLOAD_KINDS.iter().find(|k| **k == kind) {
                out.push(k8s_workload(v, k, line));
                continue;
            }
            if kind == "List" || kind.ends_with("List") {
                stack.extend(arr(o.get("items")).iter().rev().map(|x| (x, depth + 1)));
                continue;
            }
        }
        if let Some(t) = arm_type(v) {
            out.push(arm_workload(v, t, line));
            continue;
        }
        // Descend into ARM containers of resources: `resources`, `properties`, `template`.
        for key in ["resources", "properties", "template", "value"] {
            if let Some(x) = o.get(key) {
                stack.push((x, depth + 1));
            }
        }
    }
    out
}
