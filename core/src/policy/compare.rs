//! A denial held against the policy, in the framework's own terms (hcsshim
//! `pkg/securitypolicy/framework.rego`; `shared/reference/ccepolicy.md` §3).
//!
//! Two results, both structured:
//! - a **prediction**: the verdict and error list the framework would give for this input under
//!   this policy, by the framework's rules re-stated here ([`evaluate`]); tests hold it against
//!   the real framework run by regorus;
//! - per error of the denial, a **check** that names the differing field: the candidates'
//!   commands beside the argv (first differing element), where a device hash is (layer k of n),
//!   the env rules that could match each name, the first differing part of each mount …
//!
//! The enforcer matches containers by their layers at `mount_overlay` and then only looks at
//! those (`data.metadata.matches[containerID]`), which the denial does not carry. The candidates
//! are chosen the same way when the paste gives the layers ([`Evidence`]); otherwise by the
//! manifest's container name, or all containers, and then said to be a heuristic.

use std::collections::HashMap;

use regex_lite::Regex;
use serde_json::{Map, Value};

use super::manifest::ManifestContainer;
use super::model::{
    access_of, Access, Binding, Capabilities, Container, EnvRule, Fragment, Mount, Policy,
    Strategy, User, BASE_FIELDS,
};
use super::version::{signal_name, Semver};

// ---------------------------------------------------------------------------------------------
// Inputs

/// A decoded denial, in a shape of its own (independent of the decoder's model).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Denial {
    /// The enforcement point (`input.rule`), when known.
    pub rule: Option<String>,
    /// The input fields without `rule`; `None` when the platform truncated `input` away.
    pub input: Option<Map<String, Value>>,
    /// `reason.errors`.
    pub errors: Vec<String>,
    /// The `truncated` list.
    pub truncated: Vec<String>,
}

impl Denial {
    /// Reads a decoded decision JSON (`{"decision", "input": {…, "rule"}, "reason": {"errors"},
    /// "truncated"}`). `None` when it is not an object.
    pub fn from_decision(v: &Value) -> Option<Denial> {
        let o = v.as_object()?;
        let mut d = Denial::default();
        if let Some(Value::Object(input)) = o.get("input") {
            let mut m = input.clone();
            d.rule = m
                .remove("rule")
                .and_then(|r| r.as_str().map(str::to_string));
            d.input = Some(m);
        }
        if let Some(Value::Array(e)) = o.get("reason").and_then(|r| r.get("errors")) {
            d.errors = e
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
        }
        if let Some(Value::Array(t)) = o.get("truncated") {
            d.truncated = t
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
        }
        Some(d)
    }

    /// Reads a decoded decision from its JSON text.
    pub fn parse(json: &str) -> Option<Denial> {
        Denial::from_decision(&serde_json::from_str(json).ok()?)
    }

    fn field(&self, k: &str) -> Option<&Value> {
        self.input.as_ref()?.get(k)
    }
}

/// What else the paste tells, beyond the denial itself.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Evidence {
    /// Devices mounted (allowed) before this denial: (target, deviceHash), from `mount_device`
    /// inputs in guest logs.
    pub devices: Vec<(String, String)>,
    /// Overlays mounted (allowed) before this denial: (containerID, layerPaths), from
    /// `mount_overlay` inputs. With `devices` they give the layers of each container, which is
    /// how the enforcer picks the candidates.
    pub overlays: Vec<(String, Vec<String>)>,
    /// The container the denial is about, by its manifest name (from the event text or the
    /// user), when known.
    pub container_name: Option<String>,
    /// The manifest's containers, when a manifest was pasted.
    pub manifest: Vec<ManifestContainer>,
    /// `svn` of the fragment a `load_fragment` loads (it is in the fragment, not the input).
    pub fragment_svn: Option<String>,
    /// `framework_version` of that fragment.
    pub fragment_framework_version: Option<String>,
    /// The container was already started (for `create_container`: the denial then says
    /// `container already started`). Exec and signal assume a started container.
    pub already_started: bool,
    /// (target, containerID) of plan9 mounts seen, for `plan9://` mount sources.
    pub plan9_mounts: Vec<(String, String)>,
}

impl Evidence {
    /// The manifest's containers of a workload, and the container the denial names (when the
    /// event text gives it).
    pub fn from_workload(w: &super::manifest::Workload, container_name: Option<&str>) -> Evidence {
        Evidence {
            manifest: w.containers.clone(),
            container_name: container_name.map(str::to_string),
            ..Evidence::default()
        }
    }
}

/// Which guest enforces the policy: the framework version and the matching rules that changed
/// between hcsshim releases (ccepolicy.md §3.13).
#[derive(Clone, Debug, PartialEq)]
pub struct Guest {
    /// The guest framework's `version`.
    pub framework_version: Semver,
    /// Env `re2` rules are anchored (`^…$`) (hcsshim v0.14.0, 2025-08).
    pub anchored_env: bool,
    /// Mount-source and user `re2` patterns are anchored (hcsshim v0.15.0-rc.1, 2026-03).
    pub anchored_mounts_users: bool,
    /// Policies older than framework 0.4.1 get `[9, 15]` added to each container's signals.
    pub signal_backfill: bool,
    /// The `{"name","name_strategy","value","value_strategy"}` env rule form is understood.
    pub split_env_rules: bool,
}

impl Guest {
    /// hcsshim v0.10 … v0.13 (2023-05 … 2025-04): framework 0.3.0, unanchored patterns. This is
    /// the `framework.rego` regorus ships, which the tests run as the oracle.
    pub fn released_0_3() -> Guest {
        Guest {
            framework_version: Semver::new(0, 3, 0),
            anchored_env: false,
            anchored_mounts_users: false,
            signal_backfill: false,
            split_env_rules: false,
        }
    }

    /// hcsshim v0.14.x (2025-08 … 2026-04): framework 0.3.0, env patterns anchored.
    pub fn v0_14() -> Guest {
        Guest {
            anchored_env: true,
            ..Guest::released_0_3()
        }
    }

    /// hcsshim main / v0.15.0-rc.4 (2026-08): framework 0.5.0, everything anchored, signal
    /// backfill, split env rules.
    pub fn newest() -> Guest {
        Guest {
            framework_version: Semver::new(0, 5, 0),
            anchored_env: true,
            anchored_mounts_users: true,
            signal_backfill: true,
            split_env_rules: true,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The data the Go side of the enforcer gives the framework.

/// The sandbox mount prefix of policy mount sources.
pub const SANDBOX_PREFIX: &str = "sandbox://";
pub const HUGE_PAGES_PREFIX: &str = "hugepages://";
pub const PLAN9_PREFIX: &str = "plan9://";

/// (destination, type, source, options) of the mounts containerd adds to every Linux container
/// (hcsshim `DefaultCRIMounts`), always allowed.
pub const DEFAULT_MOUNTS: [(&str, &str, &str, &[&str]); 8] = [
    ("/proc", "proc", "proc", &["nosuid", "noexec", "nodev"]),
    (
        "/dev",
        "tmpfs",
        "tmpfs",
        &["nosuid", "strictatime", "mode=755", "size=65536k"],
    ),
    (
        "/dev/pts",
        "devpts",
        "devpts",
        &[
            "nosuid",
            "noexec",
            "newinstance",
            "ptmxmode=0666",
            "mode=0620",
            "gid=5",
        ],
    ),
    (
        "/dev/shm",
        "tmpfs",
        "shm",
        &["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    ),
    (
        "/dev/mqueue",
        "mqueue",
        "mqueue",
        &["nosuid", "noexec", "nodev"],
    ),
    (
        "/sys",
        "sysfs",
        "sysfs",
        &["nosuid", "noexec", "nodev", "ro"],
    ),
    (
        "/run",
        "tmpfs",
        "tmpfs",
        &["nosuid", "strictatime", "mode=755", "size=65536k"],
    ),
    (
        "/sys/fs/cgroup",
        "cgroup",
        "cgroup",
        &["nosuid", "noexec", "nodev", "relatime", "ro"],
    ),
];

/// The mounts a privileged container may have besides (read-write `/sys/fs/cgroup` and `/sys`;
/// ccepolicy.md §3.5).
pub const PRIVILEGED_MOUNTS: [(&str, &str, &str, &[&str]); 2] = [
    (
        "/sys/fs/cgroup",
        "cgroup",
        "cgroup",
        &["nosuid", "noexec", "nodev", "relatime", "rw"],
    ),
    (
        "/sys",
        "sysfs",
        "sysfs",
        &["nosuid", "noexec", "nodev", "rw"],
    ),
];

/// Destinations the guest adds per container for networking (allowed through
/// `ExtendDefaultMounts`; their sources depend on the sandbox).
pub const NETWORKING_DESTINATIONS: [&str; 3] = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];

/// hcsshim `DefaultUnprivilegedCapabilities`.
pub const DEFAULT_UNPRIVILEGED_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// hcsshim `DefaultPrivilegedCapabilities`.
pub const DEFAULT_PRIVILEGED_CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

// ---------------------------------------------------------------------------------------------
// Regex matching, as Go's regexp does for `regex.match` (a search unless anchored).

/// hcsshim's `anchor_pattern`: adds `^` and `$` where missing.
pub fn anchor(p: &str) -> String {
    let mut s = String::with_capacity(p.len() + 2);
    if !p.starts_with('^') {
        s.push('^');
    }
    s.push_str(p);
    if !p.ends_with('$') {
        s.push('$');
    }
    s
}

#[derive(Default)]
struct Regexes {
    cache: HashMap<String, Option<Regex>>,
}

impl Regexes {
    /// `regex.match(pattern, value)`; an invalid pattern matches nothing (Rego: undefined).
    fn is_match(&mut self, pattern: &str, value: &str) -> bool {
        if self.cache.len() > 4096 {
            self.cache.clear();
        }
        self.cache
            .entry(pattern.to_string())
            .or_insert_with(|| Regex::new(pattern).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(value))
    }

    fn matches(&mut self, pattern: &str, value: &str, anchored: bool) -> bool {
        if anchored {
            self.is_match(&anchor(pattern), value)
        } else {
            self.is_match(pattern, value)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The framework's view of a policy container (after `apply_defaults`).

/// Capabilities as `get_capabilities` sees them.
#[derive(Clone, Debug, PartialEq)]
enum CapsField {
    /// Absent: every capability check of this container is undefined (fails).
    Undefined,
    /// `null`: derived from the defaults.
    Null,
    Set(Capabilities),
}

#[derive(Clone, Debug)]
struct Eff<'a> {
    c: &'a Container,
    no_new_privileges: Option<bool>,
    user: Option<User>,
    capabilities: CapsField,
    seccomp: Option<String>,
    signals: Vec<i64>,
    backfilled_signals: Vec<i64>,
}

fn semver_of(p: &Policy) -> Option<Option<Semver>> {
    // None: missing; Some(None): present but not a valid semver.
    let f = p.framework_version.as_ref()?;
    match f.value.value() {
        Some(s) => Some(Semver::parse(s)),
        None => Some(None),
    }
}

/// Which containers the framework considers (`candidate_containers`), with the defaults that
/// `check_container` applies for older policies. Empty when the policy's framework version is
/// missing, invalid or ahead of the guest's.
fn candidate_containers<'a>(p: &'a Policy, g: &Guest) -> Vec<Eff<'a>> {
    let Some(Some(pv)) = semver_of(p) else {
        return Vec::new();
    };
    let cmp = pv.cmp(&g.framework_version);
    if cmp == std::cmp::Ordering::Greater {
        return Vec::new();
    }
    let older = cmp == std::cmp::Ordering::Less;
    let mut out = Vec::new();
    for c in p.container_list() {
        let raw = c.raw.as_object();
        let has = |k: &str| raw.is_some_and(|o| o.contains_key(k));
        if older && BASE_FIELDS.iter().any(|k| !has(k)) {
            continue; // check_container's object is undefined: the container drops out.
        }
        let caps_raw = raw.and_then(|o| o.get("capabilities"));
        let mut e = Eff {
            c,
            no_new_privileges: c.no_new_privileges,
            user: c.user.clone(),
            capabilities: match caps_raw {
                None => CapsField::Undefined,
                Some(Value::Null) => CapsField::Null,
                Some(_) => c
                    .capabilities
                    .clone()
                    .map_or(CapsField::Undefined, CapsField::Set),
            },
            seccomp: c.seccomp_profile_sha256.clone(),
            signals: c.signals.clone(),
            backfilled_signals: Vec::new(),
        };
        if older {
            if pv < Semver::new(0, 2, 0) {
                e.no_new_privileges = Some(false);
            }
            if pv < Semver::new(0, 2, 1) {
                e.user = Some(User {
                    user_idname: Some(super::model::IdName {
                        pattern: String::new(),
                        strategy: "any".into(),
                    }),
                    group_idnames: vec![super::model::IdName {
                        pattern: String::new(),
                        strategy: "any".into(),
                    }],
                    umask: Some("0022".into()),
                });
            }
            if pv < Semver::new(0, 2, 2) {
                e.capabilities = CapsField::Null;
            }
            if pv < Semver::new(0, 2, 3) {
                e.seccomp = Some(String::new());
            }
            if g.signal_backfill && pv < Semver::new(0, 4, 1) {
                for s in [9, 15] {
                    e.backfilled_signals.push(s);
                    e.signals.push(s);
                }
            }
        }
        out.push(e);
    }
    out
}

/// `candidate_fragments` (with `check_fragment` for older policies).
fn candidate_fragments<'a>(p: &'a Policy, g: &Guest) -> Vec<&'a Fragment> {
    let Some(Some(pv)) = semver_of(p) else {
        return Vec::new();
    };
    match pv.cmp(&g.framework_version) {
        std::cmp::Ordering::Greater => Vec::new(),
        std::cmp::Ordering::Equal => p.fragment_list().iter().collect(),
        std::cmp::Ordering::Less => p
            .fragment_list()
            .iter()
            .filter(|f| {
                ["issuer", "feed", "minimum_svn", "includes"]
                    .iter()
                    .all(|k| f.raw.get(k).is_some())
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Candidates

/// How the candidate containers were chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Basis {
    /// By layers, as the enforcer does (the paste has the overlay's layer paths and the device
    /// hashes mounted at them).
    Layers,
    /// By the manifest's container name equal to the policy container's `name` (a heuristic:
    /// the enforcer never reads names).
    ManifestName,
    /// Nothing to choose by: every policy container (a heuristic).
    AllContainers,
    /// The enforcement point does not look at containers.
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Candidates {
    pub basis: Basis,
    /// Policy container indices (`containers[i]`).
    pub containers: Vec<usize>,
}

impl Candidates {
    pub fn is_heuristic(&self) -> bool {
        matches!(self.basis, Basis::ManifestName | Basis::AllContainers)
    }
}

fn str_list(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|a| {
        a.iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect()
    })
}

/// The layer hashes of an overlay (top first, as `layerPaths` are), when every path was seen
/// in a `mount_device`.
fn overlay_hashes(paths: &[String], ev: &Evidence) -> Option<Vec<String>> {
    paths
        .iter()
        .map(|p| {
            ev.devices
                .iter()
                .rev()
                .find(|(t, _)| t == p)
                .map(|(_, h)| h.clone())
        })
        .collect()
}

/// `layerPaths_ok`: same count, and `layers[n-1-i] == hash of layerPaths[i]`.
fn layers_match(layers: &[String], top_first: &[String]) -> bool {
    layers.len() == top_first.len()
        && top_first
            .iter()
            .enumerate()
            .all(|(i, h)| &layers[layers.len() - 1 - i] == h)
}

fn choose_candidates(p: &Policy, d: &Denial, ev: &Evidence, effs: &[Eff]) -> Candidates {
    let per_container = matches!(
        d.rule.as_deref(),
        Some(
            "create_container"
                | "exec_in_container"
                | "signal_container_process"
                | "shutdown_container"
        )
    );
    if !per_container {
        return Candidates {
            basis: Basis::NotApplicable,
            containers: Vec::new(),
        };
    }
    let cid = d.field("containerID").and_then(Value::as_str);
    let overlay = cid.and_then(|cid| ev.overlays.iter().rev().find(|(c, _)| c == cid));
    if let Some(hashes) = overlay.and_then(|(_, paths)| overlay_hashes(paths, ev)) {
        return Candidates {
            basis: Basis::Layers,
            containers: effs
                .iter()
                .filter(|e| layers_match(&e.c.layers, &hashes))
                .map(|e| e.c.index)
                .collect(),
        };
    }
    if let Some(name) = &ev.container_name {
        let by_name: Vec<usize> = p
            .container_list()
            .iter()
            .filter(|c| c.name.as_deref() == Some(name.as_str()))
            .map(|c| c.index)
            .filter(|i| effs.iter().any(|e| e.c.index == *i))
            .collect();
        if !by_name.is_empty() {
            return Candidates {
                basis: Basis::ManifestName,
                containers: by_name,
            };
        }
    }
    Candidates {
        basis: Basis::AllContainers,
        containers: effs.iter().map(|e| e.c.index).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// The framework's checks

struct Ctx<'a> {
    p: &'a Policy,
    g: &'a Guest,
    input: &'a Map<String, Value>,
    ev: &'a Evidence,
    re: Regexes,
}

fn flag_truthy(p: &Policy, name: &str) -> bool {
    // A rule body `allow_x` is true unless the value is `false` or undefined.
    p.flags
        .iter()
        .find(|f| f.name == name)
        .is_some_and(|f| match &f.value {
            super::model::Field::Value(b) => *b,
            super::model::Field::Invalid(_) => true,
            _ => false,
        })
}

impl Ctx<'_> {
    fn get(&self, k: &str) -> Option<&Value> {
        self.input.get(k)
    }

    fn command_ok(&self, command: Option<&Vec<String>>) -> bool {
        let (Some(cmd), Some(args)) = (command, self.get("argList").and_then(Value::as_array))
        else {
            return false;
        };
        cmd.len() == args.len()
            && args
                .iter()
                .zip(cmd)
                .all(|(a, c)| a.as_str() == Some(c.as_str()))
    }

    fn env_ok(&mut self, rule: &EnvRule, env: &str) -> bool {
        match rule {
            EnvRule::Pattern {
                pattern, strategy, ..
            } => match strategy {
                Strategy::String => pattern == env,
                Strategy::Re2 => self.re.matches(pattern, env, self.g.anchored_env),
                Strategy::Other(_) => false,
            },
            EnvRule::Split {
                name,
                name_strategy,
                value,
                value_strategy,
                ..
            } => {
                if !self.g.split_env_rules {
                    return false;
                }
                let (n, v) = env.split_once('=').unwrap_or((env, ""));
                let mut part = |p: &str, s: &Strategy, x: &str| match s {
                    Strategy::String => p == x,
                    Strategy::Re2 => self.re.matches(p, x, true),
                    Strategy::Other(_) => false,
                };
                part(name, name_strategy, n) && part(value, value_strategy, v)
            }
            EnvRule::Unreadable(_) => false,
        }
    }

    fn env_list(&self) -> Vec<String> {
        self.get("envList")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `envList_ok(rules, envList)`.
    fn env_list_ok(&mut self, rules: &[EnvRule], envs: &[String]) -> bool {
        for r in rules {
            // rule_ok: some env exists, and a required rule must match it.
            let ok = envs.iter().any(|e| !r.required() || self.env_ok(r, e));
            if !ok {
                return false;
            }
        }
        envs.iter().all(|e| rules.iter().any(|r| self.env_ok(r, e)))
    }

    /// `valid_envs_for_all(items)`: `None` when the largest subsets differ (undefined).
    fn valid_envs_for_all(&mut self, items: &[&[EnvRule]]) -> Option<Vec<String>> {
        let input = self.env_list();
        if !flag_truthy(self.p, "allow_environment_variable_dropping") {
            return Some(input);
        }
        let mut sets: Vec<Vec<String>> = Vec::new();
        for rules in items {
            let mut s: Vec<String> = Vec::new();
            for e in &input {
                if rules.iter().any(|r| self.env_ok(r, e)) && !s.contains(e) {
                    s.push(e.clone());
                }
            }
            s.sort();
            sets.push(s);
        }
        let max = sets.iter().map(Vec::len).max()?;
        let mut largest = sets.into_iter().filter(|s| s.len() == max);
        let first = largest.next()?;
        if largest.all(|s| s == first) {
            Some(first)
        } else {
            None
        }
    }

    fn working_dir_ok(&self, wd: Option<&String>) -> bool {
        match (wd, self.get("workingDir")) {
            (Some(w), Some(Value::String(i))) => w == i,
            _ => false,
        }
    }

    fn input_privileged(&self) -> Option<bool> {
        self.get("privileged").map(truthy)
    }

    fn privileged_ok(&self, allow_elevated: Option<bool>) -> bool {
        let Some(ae) = allow_elevated else {
            return false;
        };
        match self.input_privileged() {
            None | Some(false) => true,
            Some(true) => ae,
        }
    }

    fn no_new_privileges_ok(&self, nnp: Option<bool>) -> bool {
        match nnp {
            Some(true) => self.get("noNewPrivileges").is_some_and(truthy),
            Some(false) => true,
            None => false,
        }
    }

    fn id_name_ok(&mut self, pattern: &str, strategy: &str, value: Option<&Value>) -> bool {
        let Some(v) = value else { return false };
        let field = |k: &str| v.get(k);
        match strategy {
            "any" => true,
            "id" => field("id") == Some(&Value::String(pattern.to_string())),
            "name" => field("name") == Some(&Value::String(pattern.to_string())),
            "re2" => match field("name").and_then(Value::as_str) {
                Some(n) => self.re.matches(pattern, n, self.g.anchored_mounts_users),
                None => false,
            },
            _ => false,
        }
    }

    fn user_ok(&mut self, user: Option<&User>) -> bool {
        let Some(u) = user else { return false };
        let umask_ok = match (&u.umask, self.get("umask")) {
            (Some(m), Some(Value::String(i))) => m == i,
            _ => false,
        };
        if !umask_ok {
            return false;
        }
        let Some(un) = &u.user_idname else {
            return false;
        };
        let input_user = self.get("user").cloned();
        if !self.id_name_ok(&un.pattern, &un.strategy, input_user.as_ref()) {
            return false;
        }
        let groups = self
            .get("groups")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        groups.iter().all(|g| {
            u.group_idnames
                .clone()
                .iter()
                .any(|gi| self.id_name_ok(&gi.pattern, &gi.strategy, Some(g)))
        })
    }

    fn seccomp_ok(&self, s: Option<&String>) -> bool {
        match (s, self.get("seccompProfileSHA256")) {
            (Some(p), Some(Value::String(i))) => p == i,
            _ => false,
        }
    }

    fn mount_source_ok(&mut self, constraint: &str, source: &str, anchored: bool) -> bool {
        let mut ok = false;
        for (prefix, dir_key) in [
            (SANDBOX_PREFIX, "sandboxDir"),
            (HUGE_PAGES_PREFIX, "hugePagesDir"),
        ] {
            if constraint.starts_with(prefix) {
                if let Some(dir) = self.get(dir_key).and_then(Value::as_str) {
                    let c = constraint.replace(prefix, dir);
                    ok |= self.re.matches(&c, source, anchored);
                }
            }
        }
        if constraint.starts_with(PLAN9_PREFIX) {
            let cid = self.get("containerID").and_then(Value::as_str);
            ok |= self
                .ev
                .plan9_mounts
                .iter()
                .any(|(t, c)| t == source && Some(c.as_str()) == cid);
        }
        ok || constraint == source
    }

    fn mount_constraint_ok(&mut self, c: &Mount, m: &Value, anchored: bool) -> bool {
        let (Some(ct), Some(cs), Some(cd)) = (&c.kind, &c.source, &c.destination) else {
            return false;
        };
        let s = |k: &str| m.get(k).and_then(Value::as_str);
        let (Some(mt), Some(ms), Some(md)) = (s("type"), s("source"), s("destination")) else {
            return false;
        };
        if mt != ct || md.is_empty() || md != cd {
            return false;
        }
        if !self.mount_source_ok(cs, ms, anchored) {
            return false;
        }
        let opts: Vec<&str> = m
            .get("options")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        opts.len() == c.options.len()
            && opts.iter().all(|o| c.options.iter().any(|x| x == o))
            && c.options.iter().all(|x| opts.contains(&x.as_str()))
    }

    fn mount_ok(&mut self, mounts: &[Mount], allow_elevated: Option<bool>, m: &Value) -> bool {
        let Some(ae) = allow_elevated else {
            return false;
        };
        let anchored = self.g.anchored_mounts_users;
        if mounts
            .iter()
            .any(|c| self.mount_constraint_ok(c, m, anchored))
        {
            return true;
        }
        if DEFAULT_MOUNTS
            .iter()
            .any(|d| self.mount_constraint_ok(&fixed_mount(d), m, anchored))
        {
            return true;
        }
        ae && PRIVILEGED_MOUNTS
            .iter()
            .any(|d| self.mount_constraint_ok(&fixed_mount(d), m, anchored))
    }

    fn input_mounts(&self) -> Vec<Value> {
        self.get("mounts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    fn mount_list_ok(&mut self, e: &Eff) -> bool {
        if e.c.raw.get("mounts").is_none() {
            return false;
        }
        self.input_mounts()
            .iter()
            .all(|m| self.mount_ok(&e.c.mounts, e.c.allow_elevated, m))
    }

    fn get_capabilities(&self, e: &Eff, privileged: Option<bool>) -> Option<Capabilities> {
        let privileged = privileged?;
        match &e.capabilities {
            CapsField::Undefined => None,
            CapsField::Set(c) => Some(c.clone()),
            CapsField::Null => {
                let ae = e.c.allow_elevated?;
                let set = |l: &[&str]| {
                    let mut v: Vec<String> = l.iter().map(|s| s.to_string()).collect();
                    v.sort();
                    v.dedup();
                    v
                };
                if ae && privileged {
                    let s = set(&DEFAULT_PRIVILEGED_CAPS);
                    Some(Capabilities {
                        bounding: s.clone(),
                        effective: s.clone(),
                        inheritable: s.clone(),
                        permitted: s,
                        ambient: Vec::new(),
                    })
                } else {
                    let s = set(&DEFAULT_UNPRIVILEGED_CAPS);
                    Some(Capabilities {
                        bounding: s.clone(),
                        effective: s.clone(),
                        inheritable: Vec::new(),
                        permitted: s,
                        ambient: Vec::new(),
                    })
                }
            }
        }
    }

    fn input_caps(&self) -> Option<Capabilities> {
        let c = self.get("capabilities")?.as_object()?;
        let set = |k: &str| -> Option<Vec<String>> {
            Some(
                c.get(k)?
                    .as_array()?
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
            )
        };
        Some(Capabilities {
            bounding: set("bounding")?,
            effective: set("effective")?,
            inheritable: set("inheritable")?,
            permitted: set("permitted")?,
            ambient: set("ambient")?,
        })
    }

    /// `valid_caps_for_all`: `None` when undefined.
    fn valid_caps_for_all(&self, items: &[&Eff], privileged: Option<bool>) -> Option<Capabilities> {
        if !(flag_truthy(self.p, "allow_capability_dropping")
            && semver_of(self.p)
                .flatten()
                .is_some_and(|v| v >= Semver::new(0, 2, 2)))
        {
            return self.input_caps();
        }
        let largest = self.largest_caps_sets(items, privileged)?;
        all_caps_equal(&largest)
    }

    /// The env step of the narrowing: the containers whose rules accept the env list the
    /// framework settles on; `None` when that list is undefined (or nothing survives).
    fn narrow_env<'x, 'y>(&mut self, items: &[&'x Eff<'y>]) -> Option<Vec<&'x Eff<'y>>> {
        let sets: Vec<&[EnvRule]> = items.iter().map(|e| e.c.env_rules.as_slice()).collect();
        let env_list = self.valid_envs_for_all(&sets)?;
        let after: Vec<&Eff> = items
            .iter()
            .copied()
            .filter(|e| self.env_list_ok(&e.c.env_rules, &env_list))
            .collect();
        (!after.is_empty()).then_some(after)
    }

    /// The capabilities step: the survivors (possibly none), or `None` when the capability
    /// list is undefined.
    fn narrow_caps<'x, 'y>(
        &self,
        items: &[&'x Eff<'y>],
        privileged: Option<bool>,
    ) -> Option<Vec<&'x Eff<'y>>> {
        let caps = self.valid_caps_for_all(items, privileged)?;
        Some(
            items
                .iter()
                .copied()
                .filter(|e| {
                    self.get_capabilities(e, privileged)
                        .is_some_and(|a| caps_ok(&a, &caps))
                })
                .collect(),
        )
    }

    fn largest_caps_sets(
        &self,
        items: &[&Eff],
        privileged: Option<bool>,
    ) -> Option<Vec<Capabilities>> {
        let req = self.input_caps()?;
        let filtered: Vec<Capabilities> = items
            .iter()
            .filter_map(|e| {
                let allowed = self.get_capabilities(e, privileged)?;
                Some(filter_caps(&allowed, &req))
            })
            .collect();
        let counts: Vec<usize> = filtered
            .iter()
            .map(|c| c.sets().iter().map(|(_, s)| s.len()).sum())
            .collect();
        let max = *counts.iter().max()?;
        Some(
            filtered
                .into_iter()
                .zip(counts)
                .filter(|(_, n)| *n == max)
                .map(|(c, _)| c)
                .collect(),
        )
    }
}

fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Bool(false) | Value::Null)
}

fn fixed_mount(d: &(&str, &str, &str, &[&str])) -> Mount {
    Mount {
        destination: Some(d.0.to_string()),
        kind: Some(d.1.to_string()),
        source: Some(d.2.to_string()),
        options: d.3.iter().map(|s| s.to_string()).collect(),
    }
}

fn set_of(v: &[String]) -> Vec<String> {
    let mut s = v.to_vec();
    s.sort();
    s.dedup();
    s
}

fn filter_caps(allowed: &Capabilities, req: &Capabilities) -> Capabilities {
    let f = |a: &Vec<String>, r: &Vec<String>| {
        set_of(
            &r.iter()
                .filter(|c| a.contains(c))
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    Capabilities {
        bounding: f(&allowed.bounding, &req.bounding),
        effective: f(&allowed.effective, &req.effective),
        inheritable: f(&allowed.inheritable, &req.inheritable),
        permitted: f(&allowed.permitted, &req.permitted),
        ambient: f(&allowed.ambient, &req.ambient),
    }
}

fn all_caps_equal(sets: &[Capabilities]) -> Option<Capabilities> {
    let first = sets.first()?;
    if sets.iter().all(|s| s == first) {
        Some(first.clone())
    } else {
        None
    }
}

/// `capsList_ok`: same count and mutual membership.
fn caps_list_ok(allowed: &[String], requested: &[String]) -> bool {
    allowed.len() == requested.len()
        && requested.iter().all(|c| allowed.contains(c))
        && allowed.iter().all(|a| requested.contains(a))
}

fn caps_ok(allowed: &Capabilities, req: &Capabilities) -> bool {
    allowed
        .sets()
        .iter()
        .zip(req.sets().iter())
        .all(|((_, a), (_, r))| caps_list_ok(a, r))
}

fn svn_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

fn svn_ok(svn: &str, min: &str) -> bool {
    if let (Some(a), Some(b)) = (Semver::parse(svn), Semver::parse(min)) {
        if a >= b {
            return true;
        }
    }
    matches!((svn_number(svn), svn_number(min)), (Some(a), Some(b)) if a >= b)
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// What the framework would answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub allowed: bool,
    /// The `errors` set, sorted (the framework's errors are a set).
    pub errors: Vec<String>,
    /// What could not be known, so the prediction may be off there.
    pub uncertain: Vec<Uncertainty>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Uncertainty {
    /// Env values are redacted in denials (`NAME=<<redacted>>`): env rules cannot be checked.
    RedactedEnv,
    /// The input's capabilities are the placeholder `[privileged]`/`[unprivileged]`.
    CapabilityPlaceholder,
    /// Candidates are a heuristic (no layers in the paste).
    HeuristicCandidates,
    /// Fragments the guest may have loaded are not visible: their containers and layers count
    /// too.
    FragmentContents,
    /// The fragment's own `svn` (needed for `load_fragment`) is not in the paste.
    FragmentSvn,
    /// The earlier `mount_device` hashes are not in the paste (overlay matching needs them).
    DeviceHashes,
    /// The policy binds this enforcement point to something other than the framework.
    CustomRule,
}

fn framework_version_errors(p: &Policy, g: &Guest) -> Vec<String> {
    match semver_of(p) {
        None => vec![format!(
            "framework_version is missing. Current version: {}",
            g.framework_version
        )],
        Some(Some(v)) if v > g.framework_version => vec![format!(
            "framework_version is ahead of the current version: {} is greater than {}",
            p.framework_version
                .as_ref()
                .and_then(|f| f.value.value().cloned())
                .unwrap_or_default(),
            g.framework_version
        )],
        _ => Vec::new(),
    }
}

/// The framework's answer for `rule` with `input`, given the candidates (`matches`) the
/// enforcer would hold for this container.
pub fn evaluate(
    p: &Policy,
    rule: &str,
    input: &Map<String, Value>,
    matches: &[usize],
    ev: &Evidence,
    g: &Guest,
) -> Prediction {
    let effs = candidate_containers(p, g);
    let matched: Vec<&Eff> = effs
        .iter()
        .filter(|e| matches.contains(&e.c.index))
        .collect();
    let mut cx = Ctx {
        p,
        g,
        input,
        ev,
        re: Regexes::default(),
    };
    let mut errors = framework_version_errors(p, g);
    let mut uncertain = Vec::new();
    if cx.env_list().iter().any(|e| e.ends_with("=<<redacted>>")) {
        uncertain.push(Uncertainty::RedactedEnv);
    }
    if matches!(input.get("capabilities"), Some(Value::String(_))) {
        uncertain.push(Uncertainty::CapabilityPlaceholder);
    }
    if !p.fragment_list().is_empty() && matches!(rule, "mount_device" | "mount_overlay") {
        uncertain.push(Uncertainty::FragmentContents);
    }
    let allowed = match rule {
        "mount_device" => {
            let hash = input.get("deviceHash").and_then(Value::as_str);
            let target = input.get("target").and_then(Value::as_str);
            let found = hash.is_some_and(|h| {
                p.container_list()
                    .iter()
                    .any(|c| c.layers.iter().any(|l| l == h))
            });
            let mounted = target.is_some_and(|t| ev.devices.iter().any(|(x, _)| x == t));
            if !found {
                errors.push("deviceHash not found".into());
            }
            if mounted {
                errors.push("device already mounted at path".into());
            }
            found && !mounted
        }
        "mount_overlay" => {
            let cid = input.get("containerID").and_then(Value::as_str);
            let exists = cid.is_some_and(|c| ev.overlays.iter().any(|(x, _)| x == c));
            let paths = str_list(input.get("layerPaths")).unwrap_or_default();
            let any = match overlay_hashes(&paths, ev) {
                Some(h) => effs.iter().any(|e| layers_match(&e.c.layers, &h)),
                None => {
                    uncertain.push(Uncertainty::DeviceHashes);
                    false
                }
            };
            if exists {
                errors.push("overlay has already been mounted".into());
            }
            if !any {
                errors.push("no matching containers for overlay".into());
            }
            any && !exists
        }
        "create_container" => create_container(&mut cx, &matched, &mut errors),
        "exec_in_container" => exec_in_container(&mut cx, &matched, &mut errors),
        "exec_external" => exec_external(&mut cx, &mut errors),
        "signal_container_process" => {
            let sig = input.get("signal").and_then(Value::as_i64);
            let init = input.get("isInitProcess").is_some_and(truthy);
            let sig_in = |l: &[i64]| sig.is_some_and(|s| l.contains(&s));
            let by_init = matched.iter().any(|e| sig_in(&e.signals));
            let by_exec = matched.iter().any(|e| {
                e.c.exec_processes
                    .iter()
                    .any(|x| cx.command_ok(x.command.as_ref()) && sig_in(&x.signals))
            });
            if !(by_init || by_exec) {
                errors.push("target isn't allowed to receive the signal".into());
            }
            // A started container is assumed (else: `container not started`).
            if init {
                by_init
            } else {
                by_exec
            }
        }
        "load_fragment" => load_fragment(&mut cx, &mut errors, &mut uncertain),
        "get_properties" => flag_truthy(p, "allow_properties_access"),
        "dump_stacks" => flag_truthy(p, "allow_dump_stacks"),
        "runtime_logging" => flag_truthy(p, "allow_runtime_logging"),
        "host_network" => flag_truthy(p, "allow_host_network"),
        "scratch_mount" => {
            let encrypted = input.get("encrypted").is_some_and(truthy);
            let allow = flag_truthy(p, "allow_unencrypted_scratch");
            if !allow && !encrypted {
                errors.push("unencrypted scratch not allowed".into());
            }
            allow || encrypted
        }
        _ => false,
    };
    let allowed = match p.binding(rule) {
        Some(Binding::Framework(_)) | None => allowed,
        Some(Binding::Literal { allowed: a, .. }) => {
            // A literal result (allow-all policies): no framework rule runs.
            errors.clear();
            a.unwrap_or(false)
        }
        Some(Binding::Custom(_)) => {
            uncertain.push(Uncertainty::CustomRule);
            allowed
        }
    };
    errors.sort();
    errors.dedup();
    Prediction {
        allowed,
        errors,
        uncertain,
    }
}

fn env_names_without_rule(cx: &mut Ctx, rule_sets: &[&[EnvRule]]) -> Vec<String> {
    let mut bad = Vec::new();
    for e in cx.env_list() {
        let ok = rule_sets
            .iter()
            .any(|rs| rs.iter().any(|r| cx.env_ok(r, &e)));
        if !ok {
            bad.push(e.split('=').next().unwrap_or("").to_string());
        }
    }
    bad
}

fn has_missing_required(cx: &mut Ctx, rules: &[EnvRule]) -> bool {
    let envs = cx.env_list();
    rules
        .iter()
        .filter(|r| r.required())
        .any(|r| !envs.iter().any(|e| cx.env_ok(r, e)))
}

fn create_container(cx: &mut Ctx, matched: &[&Eff], errors: &mut Vec<String>) -> bool {
    let started = cx.ev.already_started;
    if started {
        errors.push("container already started".into());
    }
    let priv_in = cx.input_privileged();
    let initial = |cx: &mut Ctx, e: &Eff, seccomp: bool| {
        cx.no_new_privileges_ok(e.no_new_privileges)
            && cx.user_ok(e.user.as_ref())
            && cx.privileged_ok(e.c.allow_elevated)
            && cx.working_dir_ok(e.c.working_dir.as_ref())
            && cx.command_ok(e.c.command.as_ref())
            && cx.mount_list_ok(e)
            && (!seccomp || cx.seccomp_ok(e.seccomp.as_ref()))
    };
    // Error rules that look at any matched container on its own.
    if !matched.iter().any(|e| cx.privileged_ok(e.c.allow_elevated)) {
        errors.push("privileged escalation not allowed".into());
    }
    if !matched.iter().any(|e| cx.command_ok(e.c.command.as_ref())) {
        errors.push("invalid command".into());
    }
    let rule_sets: Vec<&[EnvRule]> = matched.iter().map(|e| e.c.env_rules.as_slice()).collect();
    let bad = env_names_without_rule(cx, &rule_sets);
    if !bad.is_empty() {
        errors.push(format!("invalid env list: {}", bad.join(",")));
    }
    if !matched
        .iter()
        .any(|e| cx.working_dir_ok(e.c.working_dir.as_ref()))
    {
        errors.push("invalid working directory".into());
    }
    let mut bad_mounts = Vec::new();
    for m in cx.input_mounts() {
        let ok = matched
            .iter()
            .any(|e| cx.mount_ok(&e.c.mounts, e.c.allow_elevated, &m));
        if !ok {
            bad_mounts.push(
                m.get("destination")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            );
        }
    }
    if !bad_mounts.is_empty() {
        errors.push(format!("invalid mount list: {}", bad_mounts.join(",")));
    }
    if !matched
        .iter()
        .any(|e| cx.no_new_privileges_ok(e.no_new_privileges))
    {
        errors.push("invalid noNewPrivileges".into());
    }
    if !matched.iter().any(|e| cx.user_ok(e.user.as_ref())) {
        errors.push("invalid user".into());
    }
    if !matched.iter().any(|e| cx.seccomp_ok(e.seccomp.as_ref())) {
        errors.push("invalid seccomp".into());
    }
    if started {
        return false;
    }
    // missing required environment variable: among those passing the initial checks
    // (without seccomp).
    let possible: Vec<&Eff> = matched
        .iter()
        .copied()
        .filter(|e| initial(cx, e, false))
        .collect();
    if possible
        .iter()
        .any(|e| has_missing_required(cx, &e.c.env_rules))
    {
        errors.push("missing required environment variable".into());
    }
    // containers only distinguishable by capabilties (initial without seccomp, then env).
    if flag_truthy(cx.p, "allow_capability_dropping")
        && semver_of(cx.p)
            .flatten()
            .is_some_and(|v| v >= Semver::new(0, 2, 2))
        && !possible.is_empty()
    {
        if let Some(after_env) = cx.narrow_env(&possible) {
            if let Some(largest) = cx.largest_caps_sets(&after_env, priv_in) {
                if all_caps_equal(&largest).is_none() {
                    errors.push("containers only distinguishable by capabilties".into());
                }
            }
        }
    }
    // The decision, and the errors of the full narrowing.
    let initial_ok: Vec<&Eff> = matched
        .iter()
        .copied()
        .filter(|e| initial(cx, e, true))
        .collect();
    let Some(after_env) = cx.narrow_env(&initial_ok) else {
        return false;
    };
    let Some(after_caps) = cx.narrow_caps(&after_env, priv_in) else {
        return false;
    };
    if after_caps.is_empty() {
        errors.push("capabilities don't match".into());
        return false;
    }
    let stdio = after_caps[0].c.allow_stdio_access;
    if after_caps.iter().any(|e| e.c.allow_stdio_access != stdio) {
        errors.push("containers only distinguishable by allow_stdio_access".into());
        return false;
    }
    stdio.is_some()
}

fn exec_in_container(cx: &mut Ctx, matched: &[&Eff], errors: &mut Vec<String>) -> bool {
    // A started container is assumed (the enforcer would say `container not started`).
    let exec_cmd_ok = |cx: &Ctx, e: &Eff| {
        e.c.exec_processes
            .iter()
            .any(|x| cx.command_ok(x.command.as_ref()))
    };
    if !matched.iter().any(|e| exec_cmd_ok(cx, e)) {
        errors.push("invalid command".into());
    }
    let rule_sets: Vec<&[EnvRule]> = matched.iter().map(|e| e.c.env_rules.as_slice()).collect();
    let bad = env_names_without_rule(cx, &rule_sets);
    if !bad.is_empty() {
        errors.push(format!("invalid env list: {}", bad.join(",")));
    }
    if !matched
        .iter()
        .any(|e| cx.working_dir_ok(e.c.working_dir.as_ref()))
    {
        errors.push("invalid working directory".into());
    }
    // These two look at the exec process's own fields, which confcom never writes: with
    // such policies they are reported on every denied exec (ccepolicy.md §3.7).
    let proc_raw = |e: &Eff, k: &str| -> Vec<Option<Value>> {
        e.c.raw
            .get("exec_processes")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| x.get(k).cloned()).collect())
            .unwrap_or_default()
    };
    let mut nnp_match = false;
    let mut user_match = false;
    for e in matched {
        let wds = proc_raw(e, "working_dir");
        let nnps = proc_raw(e, "no_new_privileges");
        let users = proc_raw(e, "user");
        for (j, x) in e.c.exec_processes.iter().enumerate() {
            if !cx.command_ok(x.command.as_ref()) {
                continue;
            }
            let wd = wds
                .get(j)
                .cloned()
                .flatten()
                .and_then(|v| v.as_str().map(str::to_string));
            if !cx.working_dir_ok(wd.as_ref()) {
                continue;
            }
            let nnp = nnps.get(j).cloned().flatten().and_then(|v| v.as_bool());
            nnp_match |= cx.no_new_privileges_ok(nnp);
            let u = users
                .get(j)
                .cloned()
                .flatten()
                .and_then(|v| super::model::container(0, &serde_json::json!({"user": v})).user);
            user_match |= cx.user_ok(u.as_ref());
        }
    }
    if !nnp_match {
        errors.push("invalid noNewPrivileges".into());
    }
    if !user_match {
        errors.push("invalid user".into());
    }
    let privileged = Some(false);
    let initial = |cx: &mut Ctx, e: &Eff| {
        cx.working_dir_ok(e.c.working_dir.as_ref())
            && cx.no_new_privileges_ok(e.no_new_privileges)
            && cx.user_ok(e.user.as_ref())
            && exec_cmd_ok(cx, e)
    };
    let possible: Vec<&Eff> = matched.iter().copied().filter(|e| initial(cx, e)).collect();
    if possible
        .iter()
        .any(|e| has_missing_required(cx, &e.c.env_rules))
    {
        errors.push("missing required environment variable".into());
    }
    let Some(after_env) = cx.narrow_env(&possible) else {
        return false;
    };
    let Some(after_caps) = cx.narrow_caps(&after_env, privileged) else {
        return false;
    };
    let ok = !after_caps.is_empty();
    if !ok {
        errors.push("capabilities don't match".into());
    }
    ok
}

fn exec_external(cx: &mut Ctx, errors: &mut Vec<String>) -> bool {
    let procs: Vec<super::model::ExternalProcess> = {
        let Some(Some(pv)) = semver_of(cx.p) else {
            return false;
        };
        if pv > cx.g.framework_version {
            Vec::new()
        } else {
            let all = cx.p.external_processes.value().cloned().unwrap_or_default();
            if pv < cx.g.framework_version {
                all.into_iter()
                    .filter(|x| {
                        ["command", "env_rules", "working_dir", "allow_stdio_access"]
                            .iter()
                            .all(|k| x.raw.get(k).is_some())
                    })
                    .collect()
            } else {
                all
            }
        }
    };
    if !procs.iter().any(|x| cx.command_ok(x.command.as_ref())) {
        errors.push("invalid command".into());
    }
    let sets: Vec<&[EnvRule]> = procs.iter().map(|x| x.env_rules.as_slice()).collect();
    let bad = env_names_without_rule(cx, &sets);
    if !bad.is_empty() {
        errors.push(format!("invalid env list: {}", bad.join(",")));
    }
    if !procs
        .iter()
        .any(|x| cx.working_dir_ok(x.working_dir.as_ref()))
    {
        errors.push("invalid working directory".into());
    }
    let possible: Vec<&super::model::ExternalProcess> = procs
        .iter()
        .filter(|x| cx.working_dir_ok(x.working_dir.as_ref()) && cx.command_ok(x.command.as_ref()))
        .collect();
    if possible
        .iter()
        .any(|x| has_missing_required(cx, &x.env_rules))
    {
        errors.push("missing required environment variable".into());
    }
    if possible.is_empty() {
        return false;
    }
    let sets: Vec<&[EnvRule]> = possible.iter().map(|x| x.env_rules.as_slice()).collect();
    let Some(env_list) = cx.valid_envs_for_all(&sets) else {
        return false;
    };
    let after: Vec<&&super::model::ExternalProcess> = possible
        .iter()
        .filter(|x| cx.env_list_ok(&x.env_rules, &env_list))
        .collect();
    if after.is_empty() {
        return false;
    }
    let stdio = after[0].allow_stdio_access;
    if after.iter().any(|x| x.allow_stdio_access != stdio) {
        errors.push("external processes only distinguishable by allow_stdio_access".into());
        return false;
    }
    stdio.is_some()
}

fn load_fragment(cx: &mut Ctx, errors: &mut Vec<String>, uncertain: &mut Vec<Uncertainty>) -> bool {
    let frags = candidate_fragments(cx.p, cx.g);
    let issuer = cx.get("issuer").and_then(Value::as_str).map(str::to_string);
    let feed = cx.get("feed").and_then(Value::as_str).map(str::to_string);
    let issuer_ok = frags
        .iter()
        .any(|f| f.issuer.is_some() && f.issuer == issuer);
    let same: Vec<&&Fragment> = frags
        .iter()
        .filter(|f| f.issuer.is_some() && f.issuer == issuer && f.feed.is_some() && f.feed == feed)
        .collect();
    if !issuer_ok {
        errors.push("invalid fragment issuer".into());
    }
    if issuer_ok && same.is_empty() {
        errors.push("invalid fragment feed".into());
    }
    if cx.get("namespace").is_some() {
        match cx.ev.fragment_framework_version.as_deref() {
            None => errors.push(format!(
                "fragment framework_version is missing. Current version: {}",
                cx.g.framework_version
            )),
            Some(v) => {
                if Semver::parse(v).is_some_and(|s| s > cx.g.framework_version) {
                    errors.push(format!(
                        "fragment framework_version is ahead of the current version: {v} is greater than {}",
                        cx.g.framework_version
                    ));
                }
            }
        }
    }
    let Some(svn) = cx.ev.fragment_svn.clone() else {
        uncertain.push(Uncertainty::FragmentSvn);
        return false;
    };
    if same.is_empty() {
        return false;
    }
    let mins: Vec<String> = same.iter().filter_map(|f| f.minimum_svn.clone()).collect();
    let valid = mins.iter().any(|m| svn_ok(&svn, m));
    let mismatch = mins.iter().any(|m| {
        (svn_number(&svn).is_some() && Semver::parse(m).is_some())
            || (Semver::parse(&svn).is_some() && svn_number(m).is_some())
    });
    if mismatch {
        errors.push("fragment svn and the specified minimum are different types".into());
    } else if !valid {
        errors.push("fragment svn is below the specified minimum".into());
    }
    valid
}

// ---------------------------------------------------------------------------------------------
// Per-error checks: what differs, field by field

/// A policy container as a check refers to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Who {
    /// `containers[index]`.
    pub index: usize,
    pub label: String,
}

fn who(c: &Container) -> Who {
    Who {
        index: c.index,
        label: c.label.clone(),
    }
}

/// Where the expected commands come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandSource {
    /// The containers' `command` (create_container).
    Container,
    /// The containers' `exec_processes[].command` (exec_in_container, non-init signals).
    Exec,
    /// The policy's `external_processes[].command` (exec_external).
    External,
}

/// One expected command beside the argv.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandRow {
    /// The container (for exec: the container the process belongs to; for external processes:
    /// the process index and its command as label).
    pub who: Who,
    /// `exec_processes[j]` / `external_processes[j]`.
    pub process: Option<usize>,
    /// `None` = `null` / absent (never matches).
    pub expected: Option<Vec<String>>,
    /// First index where they differ (a length difference counts at the shorter length).
    pub first_difference: Option<usize>,
    pub matches: bool,
}

/// A manifest container's `command`/`args`, the likely origin of the policy command.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestCommand {
    pub container: Option<String>,
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommandCheck {
    /// The argv the guest asked for (`None` when `input` was truncated away).
    pub argv: Option<Vec<String>>,
    pub source: CommandSource,
    pub rows: Vec<CommandRow>,
    pub manifest: Vec<ManifestCommand>,
}

/// Where a layer hash is in the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerHit {
    pub who: Who,
    /// 1-based, base layer = 1.
    pub position: usize,
    pub of: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DeviceHashCheck {
    pub hash: Option<String>,
    /// Exact hits (the enforcer would have allowed the mount: look elsewhere).
    pub hits: Vec<LayerHit>,
    /// Hits that differ only in letter case (the enforcer compares exactly).
    pub case_only: Vec<LayerHit>,
    /// The policy lists fragments: the layer may be in one of them (ACI sidecars come from the
    /// infrastructure fragment), which this text cannot show.
    pub fragments: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OverlayCheck {
    /// `len(input.layerPaths)`.
    pub layers_requested: Option<usize>,
    /// Each container's layer count, and whether its layers match (when the hashes are known).
    pub rows: Vec<(Who, usize, Option<bool>)>,
}

/// How an env rule relates to a variable name whose value is hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvRuleFit {
    /// The rule matches the whole `NAME=value` the input has (values known).
    Matches,
    /// A `string` rule for this name: the value must be exactly the rule's.
    SameName { required_value: String },
    /// A `re2` rule whose name part matches the name: a possible match (the value is hidden).
    PatternMayMatch,
    /// Matches only without anchoring, i.e. on guests older than hcsshim v0.14.
    OnlyUnanchored,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvRuleHit {
    pub who: Who,
    pub rule: EnvRule,
    pub fit: EnvRuleFit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvName {
    pub name: String,
    /// Rules that could match it; empty = no rule for this name.
    pub rules: Vec<EnvRuleHit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnvCheck {
    pub names: Vec<EnvName>,
    /// `allow_environment_variable_dropping`: with `true`, an unmatched variable is dropped,
    /// not denied, so this error alone is rarely the cause.
    pub dropping: Option<bool>,
    /// Values in the input are `<<redacted>>`.
    pub redacted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequiredEnvCheck {
    /// (container, required rule pattern) that no input variable matches.
    pub missing: Vec<(Who, String)>,
}

/// The first part of a mount that differs from a policy mount of the same destination.
#[derive(Clone, Debug, PartialEq)]
pub enum MountDiff {
    /// Nothing differs (the mount is allowed by this constraint).
    None,
    Type {
        policy: Option<String>,
        input: Option<String>,
    },
    Source {
        policy: Option<String>,
        input: Option<String>,
        /// The source matches the pattern only without anchoring (older guests).
        only_unanchored: bool,
    },
    Options {
        /// In the policy, not in the input (e.g. `ro`).
        policy_only: Vec<String>,
        /// In the input, not in the policy (e.g. `rw`).
        input_only: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct MountRow {
    pub who: Who,
    pub mount: Mount,
    pub diff: MountDiff,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MountDestination {
    pub destination: String,
    /// The input's mount with this destination (when `input` is there).
    pub input: Option<Mount>,
    /// Policy mounts of the candidates with this destination; empty = the policy has none.
    pub policy: Vec<MountRow>,
    /// A destination the guest's defaults cover (CRI or networking mounts).
    pub default_destination: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MountCheck {
    pub destinations: Vec<MountDestination>,
}

/// A field compared by equality.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueCheck {
    pub field: &'static str,
    pub input: Option<Value>,
    pub rows: Vec<(Who, Option<Value>, bool)>,
}

/// What about a user fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserPart {
    Umask,
    User,
    /// The input group at this index matches no `group_idnames` entry.
    Group(usize),
    /// The policy container has no user rule.
    NoRule,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UserCheck {
    pub input_user: Option<Value>,
    pub input_groups: Option<Value>,
    pub input_umask: Option<Value>,
    pub rows: Vec<(Who, Option<User>, Vec<UserPart>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CapsRow {
    pub who: Who,
    /// What the container allows (its `capabilities`, or the defaults when `null`).
    pub allowed: Option<Capabilities>,
    /// Per set: (name, allowed but not requested, requested but not allowed).
    pub sets: Vec<(&'static str, Vec<String>, Vec<String>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CapsCheck {
    pub privileged: Option<bool>,
    /// `allow_capability_dropping` in force (needs framework_version ≥ 0.2.2): extra requested
    /// capabilities are dropped; missing ones still fail.
    pub dropping: bool,
    /// The input has `[privileged]`/`[unprivileged]` instead of the lists.
    pub placeholder: Option<String>,
    pub rows: Vec<CapsRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignalRow {
    pub who: Who,
    /// The container's signals as the guest sees them (backfill included).
    pub signals: Vec<i64>,
    /// Added by the guest for policies older than framework 0.4.1 (newer guests only).
    pub backfilled: Vec<i64>,
    /// For a non-init process: the signals of the exec process with the same argv.
    pub exec_signals: Option<Vec<i64>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignalCheck {
    pub signal: Option<i64>,
    pub name: Option<&'static str>,
    pub is_init: Option<bool>,
    pub rows: Vec<SignalRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FragmentRow {
    pub index: usize,
    pub fragment: Fragment,
    pub issuer_matches: bool,
    pub feed_matches: bool,
    /// `svn ≥ minimum_svn`, when the fragment's svn is known.
    pub svn_ok: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FragmentCheck {
    pub issuer: Option<String>,
    pub feed: Option<String>,
    pub svn: Option<String>,
    pub rows: Vec<FragmentRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VersionCheck {
    /// The policy's value and the key it uses (`framework_version` / `framework_svn`).
    pub policy: Option<(String, &'static str)>,
    pub guest: String,
    pub ahead: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlagCheck {
    pub rule: String,
    pub flag: &'static str,
    /// `None`: the policy does not set it (the framework reads that as false).
    pub value: Option<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrivilegedCheck {
    pub input: Option<bool>,
    pub rows: Vec<(Who, Option<bool>)>,
}

/// What one error is about, compared.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Command(CommandCheck),
    DeviceHash(DeviceHashCheck),
    Overlay(OverlayCheck),
    EnvList(EnvCheck),
    RequiredEnv(RequiredEnvCheck),
    Mounts(MountCheck),
    WorkingDir(ValueCheck),
    Seccomp(ValueCheck),
    NoNewPrivileges(ValueCheck),
    User(UserCheck),
    Capabilities(CapsCheck),
    Privileged(PrivilegedCheck),
    Signal(SignalCheck),
    Fragment(FragmentCheck),
    FrameworkVersion(VersionCheck),
    Flag(FlagCheck),
    /// An error this module has no comparison for; only its text.
    Other,
}

/// One error of the denial and its comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCheck {
    pub error: String,
    pub check: Check,
    /// The prediction has this error too (`None` when there is no prediction).
    pub predicted: Option<bool>,
}

/// A manifest value compared with the policy when the input is missing (labelled as such).
#[derive(Clone, Debug, PartialEq)]
pub enum ManifestDiff {
    /// The command the manifest implies (K8s `command` + `args`) against the policy's.
    Command {
        manifest: Vec<String>,
        policy: Option<Vec<String>>,
        /// `args` only: the image ENTRYPOINT comes first, so only the tail is compared.
        args_only: bool,
        first_difference: Option<usize>,
    },
    /// The image reference against the policy's `id`.
    Image {
        manifest: String,
        policy: Option<String>,
    },
    /// A manifest env var no rule of the container names.
    EnvWithoutRule { name: String },
    /// A volume mount the policy has no mount for.
    MountMissing { path: String },
    /// Read-only in one, read-write in the other.
    MountAccess {
        path: String,
        manifest_read_only: bool,
        policy: Access,
    },
    Privileged {
        manifest: bool,
        policy: Option<bool>,
    },
    WorkingDir {
        manifest: String,
        policy: Option<String>,
    },
}

/// One manifest container against its policy container.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestCheck {
    pub container: Option<String>,
    /// The policy container of the same `name` (a heuristic), if any.
    pub policy_container: Option<Who>,
    pub diffs: Vec<ManifestDiff>,
}

/// A denial held against a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    /// The enforcement point: the denial's, or inferred from its errors when `input` (which
    /// carries `rule`) was truncated away.
    pub rule: Option<String>,
    /// `rule` was inferred from the errors ([`infer_rule`]).
    pub rule_inferred: bool,
    pub candidates: Candidates,
    /// How the policy binds this enforcement point (a custom or literal rule is not the
    /// framework's).
    pub binding: Option<Binding>,
    /// The framework's answer for this input; `None` when the input is missing.
    pub prediction: Option<Prediction>,
    /// The prediction's error set equals the denial's.
    pub agrees: Option<bool>,
    pub checks: Vec<ErrorCheck>,
    /// Input fields the checks need that the truncated denial no longer has.
    pub cannot_compare: Vec<&'static str>,
    /// With the input missing: the manifest against the policy instead (when a manifest was
    /// pasted).
    pub manifest_checks: Vec<ManifestCheck>,
}

fn first_difference(a: &[String], b: &[String]) -> Option<usize> {
    let n = a.len().min(b.len());
    (0..n)
        .find(|&i| a[i] != b[i])
        .or(if a.len() != b.len() { Some(n) } else { None })
}

fn input_strs(d: &Denial, k: &str) -> Option<Vec<String>> {
    str_list(d.field(k))
}

fn mount_of(v: &Value) -> Mount {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Mount {
        destination: s("destination"),
        source: s("source"),
        kind: s("type"),
        options: str_list(v.get("options")).unwrap_or_default(),
    }
}

/// The input fields each enforcement point's checks read.
fn input_fields(rule: &str) -> &'static [&'static str] {
    match rule {
        "create_container" => &[
            "argList",
            "envList",
            "workingDir",
            "mounts",
            "privileged",
            "noNewPrivileges",
            "user",
            "groups",
            "umask",
            "capabilities",
            "seccompProfileSHA256",
        ],
        "exec_in_container" => &[
            "argList",
            "envList",
            "workingDir",
            "noNewPrivileges",
            "user",
            "groups",
            "umask",
            "capabilities",
        ],
        "exec_external" => &["argList", "envList", "workingDir"],
        "mount_device" => &["deviceHash", "target"],
        "mount_overlay" => &["layerPaths", "containerID"],
        "signal_container_process" => &["signal", "isInitProcess", "argList"],
        "load_fragment" => &["issuer", "feed", "namespace"],
        _ => &[],
    }
}

struct Explainer<'a> {
    p: &'a Policy,
    d: &'a Denial,
    ev: &'a Evidence,
    g: &'a Guest,
    cands: Vec<&'a Container>,
    re: Regexes,
}

impl Explainer<'_> {
    fn command(&self) -> CommandCheck {
        let argv = input_strs(self.d, "argList");
        let rule = self.d.rule.as_deref().unwrap_or("");
        let mut rows = Vec::new();
        let row = |who: Who, process: Option<usize>, expected: Option<Vec<String>>| {
            let fd = match (&argv, &expected) {
                (Some(a), Some(e)) => first_difference(e, a),
                _ => None,
            };
            let matches = argv.is_some() && expected.is_some() && fd.is_none();
            CommandRow {
                who,
                process,
                expected,
                first_difference: fd,
                matches,
            }
        };
        let source = match rule {
            "exec_in_container" | "signal_container_process" => {
                for c in &self.cands {
                    for (j, x) in c.exec_processes.iter().enumerate() {
                        rows.push(row(who(c), Some(j), x.command.clone()));
                    }
                }
                CommandSource::Exec
            }
            "exec_external" => {
                for (j, x) in self
                    .p
                    .external_processes
                    .value()
                    .map(|v| v.as_slice())
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                {
                    let label = x.command.as_ref().map(|c| c.join(" ")).unwrap_or_default();
                    rows.push(row(Who { index: j, label }, Some(j), x.command.clone()));
                }
                CommandSource::External
            }
            _ => {
                for c in &self.cands {
                    rows.push(row(who(c), None, c.command.clone()));
                }
                CommandSource::Container
            }
        };
        let manifest = self
            .manifest_for_candidates()
            .into_iter()
            .map(|m| ManifestCommand {
                container: m.name.clone(),
                command: m.command.clone(),
                args: m.args.clone(),
            })
            .collect();
        CommandCheck {
            argv,
            source,
            rows,
            manifest,
        }
    }

    /// Manifest containers that go with the candidates (same name), or the named one.
    fn manifest_for_candidates(&self) -> Vec<&ManifestContainer> {
        self.ev
            .manifest
            .iter()
            .filter(|m| {
                self.ev
                    .container_name
                    .as_ref()
                    .is_some_and(|n| m.name.as_ref() == Some(n))
                    || self
                        .cands
                        .iter()
                        .any(|c| c.name.is_some() && c.name == m.name)
            })
            .collect()
    }

    fn device_hash(&self) -> DeviceHashCheck {
        let hash = self
            .d
            .field("deviceHash")
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut hits = Vec::new();
        let mut case_only = Vec::new();
        if let Some(h) = &hash {
            for c in self.p.container_list() {
                for (i, l) in c.layers.iter().enumerate() {
                    let hit = LayerHit {
                        who: who(c),
                        position: i + 1,
                        of: c.layers.len(),
                    };
                    if l == h {
                        hits.push(hit);
                    } else if l.eq_ignore_ascii_case(h) {
                        case_only.push(hit);
                    }
                }
            }
        }
        DeviceHashCheck {
            hash,
            hits,
            case_only,
            fragments: self.p.fragment_list().len(),
        }
    }

    fn overlay(&self) -> OverlayCheck {
        let paths = input_strs(self.d, "layerPaths");
        let hashes = paths.as_ref().and_then(|p| overlay_hashes(p, self.ev));
        OverlayCheck {
            layers_requested: paths.as_ref().map(Vec::len),
            rows: self
                .p
                .container_list()
                .iter()
                .map(|c| {
                    (
                        who(c),
                        c.layers.len(),
                        hashes.as_ref().map(|h| layers_match(&c.layers, h)),
                    )
                })
                .collect(),
        }
    }

    fn env_fit(&mut self, rule: &EnvRule, name: &str, full: Option<&str>) -> Option<EnvRuleFit> {
        if let (
            Some(env),
            EnvRule::Pattern {
                pattern, strategy, ..
            },
        ) = (full, rule)
        {
            // The value is known (not redacted): test the rule itself.
            let anchored = self.g.anchored_env;
            return match strategy {
                Strategy::String if pattern == env => Some(EnvRuleFit::Matches),
                Strategy::Re2 if self.re.matches(pattern, env, anchored) => {
                    Some(EnvRuleFit::Matches)
                }
                Strategy::Re2 if anchored && self.re.matches(pattern, env, false) => {
                    Some(EnvRuleFit::OnlyUnanchored)
                }
                _ => None,
            };
        }
        match rule {
            EnvRule::Pattern {
                pattern,
                strategy: Strategy::String,
                ..
            } => {
                let (n, v) = pattern.split_once('=').unwrap_or((pattern, ""));
                (n == name).then(|| EnvRuleFit::SameName {
                    required_value: v.to_string(),
                })
            }
            EnvRule::Pattern {
                pattern,
                strategy: Strategy::Re2,
                ..
            } => {
                let name_part = pattern.split_once('=').map(|(n, _)| n).unwrap_or(pattern);
                if self.re.matches(name_part, name, true) {
                    Some(EnvRuleFit::PatternMayMatch)
                } else if self.re.matches(name_part, name, false) {
                    Some(EnvRuleFit::OnlyUnanchored)
                } else {
                    None
                }
            }
            EnvRule::Split {
                name: n,
                name_strategy,
                ..
            } => {
                let ok = match name_strategy {
                    Strategy::String => n == name,
                    Strategy::Re2 => self.re.matches(n, name, true),
                    Strategy::Other(_) => false,
                };
                ok.then_some(EnvRuleFit::PatternMayMatch)
            }
            _ => None,
        }
    }

    fn env(&mut self, error: &str) -> EnvCheck {
        let list: Vec<String> = input_strs(self.d, "envList").unwrap_or_default();
        let redacted = list.iter().any(|e| e.ends_with("=<<redacted>>"));
        let names: Vec<String> = match error.strip_prefix("invalid env list:") {
            Some(rest) if !rest.trim().is_empty() => {
                rest.trim().split(',').map(str::to_string).collect()
            }
            _ => list
                .iter()
                .map(|e| e.split('=').next().unwrap_or("").to_string())
                .collect(),
        };
        let mut out = Vec::new();
        let cands = self.cands.clone();
        for n in names {
            let full = list
                .iter()
                .find(|e| e.split('=').next() == Some(n.as_str()) && !e.ends_with("=<<redacted>>"))
                .cloned();
            let mut rules = Vec::new();
            for c in &cands {
                for r in &c.env_rules {
                    if let Some(fit) = self.env_fit(r, &n, full.as_deref()) {
                        rules.push(EnvRuleHit {
                            who: who(c),
                            rule: r.clone(),
                            fit,
                        });
                    }
                }
            }
            out.push(EnvName { name: n, rules });
        }
        EnvCheck {
            names: out,
            dropping: self.p.flag("allow_environment_variable_dropping"),
            redacted,
        }
    }

    fn required_env(&mut self) -> RequiredEnvCheck {
        let list: Vec<String> = input_strs(self.d, "envList").unwrap_or_default();
        let anchored = self.g.anchored_env;
        let mut missing = Vec::new();
        for c in self.cands.clone() {
            for r in &c.env_rules {
                if let EnvRule::Pattern {
                    pattern,
                    strategy,
                    required: true,
                } = r
                {
                    let hit = list.iter().any(|e| match strategy {
                        Strategy::String => pattern == e,
                        Strategy::Re2 => self.re.matches(pattern, e, anchored),
                        Strategy::Other(_) => false,
                    });
                    if !hit {
                        missing.push((who(c), pattern.clone()));
                    }
                }
            }
        }
        RequiredEnvCheck { missing }
    }

    fn mount_diff(&mut self, c: &Mount, m: &Mount) -> MountDiff {
        if c.kind != m.kind {
            return MountDiff::Type {
                policy: c.kind.clone(),
                input: m.kind.clone(),
            };
        }
        let (Some(cs), Some(ms)) = (&c.source, &m.source) else {
            return MountDiff::Source {
                policy: c.source.clone(),
                input: m.source.clone(),
                only_unanchored: false,
            };
        };
        let sandbox = self.d.field("sandboxDir").and_then(Value::as_str);
        let huge = self.d.field("hugePagesDir").and_then(Value::as_str);
        let src_ok = |re: &mut Regexes, anchored: bool| {
            let mut ok = cs == ms;
            for (prefix, dir) in [(SANDBOX_PREFIX, sandbox), (HUGE_PAGES_PREFIX, huge)] {
                if let (true, Some(dir)) = (cs.starts_with(prefix), dir) {
                    ok |= re.matches(&cs.replace(prefix, dir), ms, anchored);
                }
            }
            ok |= cs.starts_with(PLAN9_PREFIX);
            ok
        };
        let anchored = self.g.anchored_mounts_users;
        if !src_ok(&mut self.re, anchored) {
            return MountDiff::Source {
                policy: Some(cs.clone()),
                input: Some(ms.clone()),
                only_unanchored: anchored && src_ok(&mut self.re, false),
            };
        }
        let policy_only: Vec<String> = c
            .options
            .iter()
            .filter(|o| !m.options.contains(o))
            .cloned()
            .collect();
        let input_only: Vec<String> = m
            .options
            .iter()
            .filter(|o| !c.options.contains(o))
            .cloned()
            .collect();
        if !policy_only.is_empty() || !input_only.is_empty() || c.options.len() != m.options.len() {
            return MountDiff::Options {
                policy_only,
                input_only,
            };
        }
        MountDiff::None
    }

    fn mounts(&mut self, error: &str) -> MountCheck {
        let input: Vec<Mount> = self
            .d
            .field("mounts")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(mount_of).collect())
            .unwrap_or_default();
        let dests: Vec<String> = error
            .strip_prefix("invalid mount list:")
            .unwrap_or("")
            .trim()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let mut out = Vec::new();
        for dest in dests {
            let im = input
                .iter()
                .find(|m| m.destination.as_deref() == Some(dest.as_str()))
                .cloned();
            let mut rows = Vec::new();
            for c in self.cands.clone() {
                for pm in &c.mounts {
                    if pm.destination.as_deref() == Some(dest.as_str()) {
                        let diff = match &im {
                            Some(m) => self.mount_diff(pm, m),
                            None => MountDiff::None,
                        };
                        rows.push(MountRow {
                            who: who(c),
                            mount: pm.clone(),
                            diff,
                        });
                    }
                }
            }
            let default_destination = DEFAULT_MOUNTS.iter().any(|d| d.0 == dest)
                || NETWORKING_DESTINATIONS.contains(&dest.as_str());
            out.push(MountDestination {
                destination: dest,
                input: im,
                policy: rows,
                default_destination,
            });
        }
        MountCheck { destinations: out }
    }

    fn value_check(
        &self,
        field: &'static str,
        input_key: &str,
        get: impl Fn(&Container) -> Option<Value>,
    ) -> ValueCheck {
        let input = self.d.field(input_key).cloned();
        ValueCheck {
            field,
            rows: self
                .cands
                .iter()
                .map(|c| {
                    let v = get(c);
                    let ok = v.is_some() && v == input;
                    (who(c), v, ok)
                })
                .collect(),
            input,
        }
    }

    fn user(&mut self) -> UserCheck {
        let effs = candidate_containers(self.p, self.g);
        let input_user = self.d.field("user").cloned();
        let input_groups = self.d.field("groups").cloned();
        let input_umask = self.d.field("umask").cloned();
        let empty = Map::new();
        let input = self.d.input.as_ref().unwrap_or(&empty);
        let mut cx = Ctx {
            p: self.p,
            g: self.g,
            input,
            ev: self.ev,
            re: Regexes::default(),
        };
        let mut rows = Vec::new();
        for c in &self.cands {
            let u = effs
                .iter()
                .find(|e| e.c.index == c.index)
                .and_then(|e| e.user.clone())
                .or_else(|| c.user.clone());
            let mut parts = Vec::new();
            match &u {
                None => parts.push(UserPart::NoRule),
                Some(u) => {
                    if u.umask.as_ref().map(|m| Value::String(m.clone())) != input_umask {
                        parts.push(UserPart::Umask);
                    }
                    let ok = u.user_idname.as_ref().is_some_and(|un| {
                        cx.id_name_ok(&un.pattern, &un.strategy, input_user.as_ref())
                    });
                    if !ok {
                        parts.push(UserPart::User);
                    }
                    for (i, g) in input_groups
                        .as_ref()
                        .and_then(Value::as_array)
                        .map(|a| a.as_slice())
                        .unwrap_or(&[])
                        .iter()
                        .enumerate()
                    {
                        if !u
                            .group_idnames
                            .iter()
                            .any(|gi| cx.id_name_ok(&gi.pattern, &gi.strategy, Some(g)))
                        {
                            parts.push(UserPart::Group(i));
                        }
                    }
                }
            }
            rows.push((who(c), u, parts));
        }
        UserCheck {
            input_user,
            input_groups,
            input_umask,
            rows,
        }
    }

    fn capabilities(&self) -> CapsCheck {
        let effs = candidate_containers(self.p, self.g);
        let empty = Map::new();
        let input = self.d.input.as_ref().unwrap_or(&empty);
        let cx = Ctx {
            p: self.p,
            g: self.g,
            input,
            ev: self.ev,
            re: Regexes::default(),
        };
        let privileged = cx.input_privileged();
        let req = cx.input_caps();
        let rows = self
            .cands
            .iter()
            .map(|c| {
                let allowed = effs
                    .iter()
                    .find(|e| e.c.index == c.index)
                    .and_then(|e| cx.get_capabilities(e, Some(privileged.unwrap_or(false))));
                let sets = match (&allowed, &req) {
                    (Some(a), Some(r)) => a
                        .sets()
                        .iter()
                        .zip(r.sets().iter())
                        .map(|((n, a), (_, r))| {
                            (
                                *n,
                                a.iter().filter(|x| !r.contains(x)).cloned().collect(),
                                r.iter().filter(|x| !a.contains(x)).cloned().collect(),
                            )
                        })
                        .filter(|(_, a, b): &(&str, Vec<String>, Vec<String>)| {
                            !a.is_empty() || !b.is_empty()
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                CapsRow {
                    who: who(c),
                    allowed,
                    sets,
                }
            })
            .collect();
        CapsCheck {
            privileged,
            dropping: flag_truthy(self.p, "allow_capability_dropping")
                && semver_of(self.p)
                    .flatten()
                    .is_some_and(|v| v >= Semver::new(0, 2, 2)),
            placeholder: self
                .d
                .field("capabilities")
                .and_then(Value::as_str)
                .map(str::to_string),
            rows,
        }
    }

    fn signal(&self) -> SignalCheck {
        let effs = candidate_containers(self.p, self.g);
        let signal = self.d.field("signal").and_then(Value::as_i64);
        let is_init = self.d.field("isInitProcess").map(truthy);
        let argv = input_strs(self.d, "argList");
        SignalCheck {
            signal,
            name: signal.and_then(signal_name),
            is_init,
            rows: self
                .cands
                .iter()
                .map(|c| {
                    let e = effs.iter().find(|e| e.c.index == c.index);
                    SignalRow {
                        who: who(c),
                        signals: e
                            .map(|e| e.signals.clone())
                            .unwrap_or_else(|| c.signals.clone()),
                        backfilled: e.map(|e| e.backfilled_signals.clone()).unwrap_or_default(),
                        exec_signals: argv.as_ref().and_then(|a| {
                            c.exec_processes
                                .iter()
                                .find(|x| x.command.as_ref() == Some(a))
                                .map(|x| x.signals.clone())
                        }),
                    }
                })
                .collect(),
        }
    }

    fn fragment(&self) -> FragmentCheck {
        let issuer = self
            .d
            .field("issuer")
            .and_then(Value::as_str)
            .map(str::to_string);
        let feed = self
            .d
            .field("feed")
            .and_then(Value::as_str)
            .map(str::to_string);
        let svn = self.ev.fragment_svn.clone();
        FragmentCheck {
            rows: self
                .p
                .fragment_list()
                .iter()
                .enumerate()
                .map(|(i, f)| FragmentRow {
                    index: i,
                    fragment: f.clone(),
                    issuer_matches: f.issuer.is_some() && f.issuer == issuer,
                    feed_matches: f.feed.is_some() && f.feed == feed,
                    svn_ok: match (&svn, &f.minimum_svn) {
                        (Some(s), Some(m)) => Some(svn_ok(s, m)),
                        _ => None,
                    },
                })
                .collect(),
            issuer,
            feed,
            svn,
        }
    }

    fn check(&mut self, error: &str) -> Check {
        let rule = self.d.rule.clone().unwrap_or_default();
        let e = error.trim();
        if e == "invalid command" {
            Check::Command(self.command())
        } else if e == "deviceHash not found" {
            Check::DeviceHash(self.device_hash())
        } else if e == "no matching containers for overlay" {
            Check::Overlay(self.overlay())
        } else if e.starts_with("invalid env list") {
            Check::EnvList(self.env(e))
        } else if e == "missing required environment variable" {
            Check::RequiredEnv(self.required_env())
        } else if e.starts_with("invalid mount list") {
            Check::Mounts(self.mounts(e))
        } else if e == "invalid working directory" {
            Check::WorkingDir(self.value_check("working_dir", "workingDir", |c| {
                c.working_dir.clone().map(Value::String)
            }))
        } else if e == "invalid seccomp" {
            let effs = candidate_containers(self.p, self.g);
            Check::Seccomp(self.value_check(
                "seccomp_profile_sha256",
                "seccompProfileSHA256",
                |c| {
                    effs.iter()
                        .find(|x| x.c.index == c.index)
                        .and_then(|x| x.seccomp.clone())
                        .map(Value::String)
                },
            ))
        } else if e == "invalid noNewPrivileges" {
            let effs = candidate_containers(self.p, self.g);
            Check::NoNewPrivileges(
                self.value_check("no_new_privileges", "noNewPrivileges", |c| {
                    effs.iter()
                        .find(|x| x.c.index == c.index)
                        .and_then(|x| x.no_new_privileges)
                        .map(Value::Bool)
                }),
            )
        } else if e == "invalid user" {
            Check::User(self.user())
        } else if e.starts_with("capabilities don't match")
            || e.starts_with("containers only distinguishable by capabilties")
        {
            Check::Capabilities(self.capabilities())
        } else if e == "privileged escalation not allowed" {
            Check::Privileged(PrivilegedCheck {
                input: self.d.field("privileged").map(truthy),
                rows: self
                    .cands
                    .iter()
                    .map(|c| (who(c), c.allow_elevated))
                    .collect(),
            })
        } else if e == "target isn't allowed to receive the signal" {
            Check::Signal(self.signal())
        } else if e.starts_with("invalid fragment") || e.starts_with("fragment svn") {
            Check::Fragment(self.fragment())
        } else if e.starts_with("framework_version is") {
            Check::FrameworkVersion(VersionCheck {
                policy: self
                    .p
                    .framework_version
                    .as_ref()
                    .and_then(|f| f.value.value().map(|v| (v.clone(), f.key))),
                guest: self.g.framework_version.to_string(),
                ahead: e.contains("ahead"),
            })
        } else if let Some(flag) = flag_of_rule(&rule) {
            Check::Flag(FlagCheck {
                rule,
                flag,
                value: self.p.flag(flag),
            })
        } else {
            Check::Other
        }
    }
}

/// The policy flag an enforcement point is decided by alone.
pub fn flag_of_rule(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "get_properties" => "allow_properties_access",
        "dump_stacks" => "allow_dump_stacks",
        "runtime_logging" => "allow_runtime_logging",
        "host_network" => "allow_host_network",
        "scratch_mount" => "allow_unencrypted_scratch",
        _ => return None,
    })
}

/// The enforcement point an error list implies, for denials whose `input` (and so `rule`) was
/// truncated away. `invalid command` is taken as `create_container` (the usual case; an exec
/// denial says "exec" in the event text, which the caller can pass as the rule instead).
pub fn infer_rule(errors: &[String]) -> Option<&'static str> {
    let has = |p: &str| errors.iter().any(|e| e.starts_with(p));
    Some(
        if has("deviceHash not found") || has("device already mounted") {
            "mount_device"
        } else if has("no matching containers for overlay") || has("overlay has already") {
            "mount_overlay"
        } else if has("target isn't allowed to receive the signal") {
            "signal_container_process"
        } else if has("invalid fragment") || has("fragment svn") {
            "load_fragment"
        } else if has("unencrypted scratch") {
            "scratch_mount"
        } else if has("invalid mount list")
            || has("privileged escalation")
            || has("invalid seccomp")
            || has("container already started")
            || has("invalid command")
            || has("invalid env list")
            || has("invalid working directory")
            || has("capabilities don't match")
            || has("missing required environment variable")
        {
            "create_container"
        } else {
            return None;
        },
    )
}

/// The command a K8s container runs as far as the manifest says: `command` + `args`; with
/// `args` only, the ENTRYPOINT (unknown here) comes first.
fn manifest_argv(m: &ManifestContainer) -> Option<(Vec<String>, bool)> {
    match (&m.command, &m.args) {
        (Some(c), Some(a)) => Some((c.iter().chain(a).cloned().collect(), false)),
        (Some(c), None) => Some((c.clone(), false)),
        (None, Some(a)) => Some((a.clone(), true)),
        (None, None) => None,
    }
}

fn manifest_checks(p: &Policy, ev: &Evidence, rule: &str) -> Vec<ManifestCheck> {
    let mut out = Vec::new();
    for m in &ev.manifest {
        if ev
            .container_name
            .as_ref()
            .is_some_and(|n| m.name.as_ref() != Some(n))
        {
            continue;
        }
        let pc = p
            .container_list()
            .iter()
            .find(|c| c.name.is_some() && c.name == m.name);
        let mut diffs = Vec::new();
        if let Some((argv, args_only)) = manifest_argv(m) {
            let policy = pc.and_then(|c| c.command.clone());
            let fd = match &policy {
                Some(pcmd) if args_only => {
                    if pcmd.len() >= argv.len() && pcmd[pcmd.len() - argv.len()..] == argv[..] {
                        None
                    } else {
                        Some(0)
                    }
                }
                Some(pcmd) => first_difference(pcmd, &argv),
                None => Some(0),
            };
            if fd.is_some() {
                diffs.push(ManifestDiff::Command {
                    manifest: argv,
                    policy,
                    args_only,
                    first_difference: fd,
                });
            }
        }
        if let (Some(img), Some(c)) = (&m.image, pc) {
            if c.id.as_ref().is_some_and(|id| id != img) {
                diffs.push(ManifestDiff::Image {
                    manifest: img.clone(),
                    policy: c.id.clone(),
                });
            }
        }
        if let Some(c) = pc {
            for e in &m.env {
                let named = c.env_rules.iter().any(|r| match r {
                    EnvRule::Pattern {
                        pattern,
                        strategy: Strategy::String,
                        ..
                    } => pattern.split('=').next() == Some(e.name.as_str()),
                    EnvRule::Pattern {
                        pattern,
                        strategy: Strategy::Re2,
                        ..
                    } => {
                        let np = pattern.split_once('=').map(|(n, _)| n).unwrap_or(pattern);
                        Regex::new(&anchor(np)).is_ok_and(|r| r.is_match(&e.name))
                    }
                    EnvRule::Split { name, .. } => name == &e.name,
                    _ => false,
                });
                if !named {
                    diffs.push(ManifestDiff::EnvWithoutRule {
                        name: e.name.clone(),
                    });
                }
            }
            for vm in &m.volume_mounts {
                let Some(path) = &vm.mount_path else { continue };
                match c
                    .mounts
                    .iter()
                    .find(|x| x.destination.as_ref() == Some(path))
                {
                    None => diffs.push(ManifestDiff::MountMissing { path: path.clone() }),
                    Some(pm) => {
                        let acc = access_of(&pm.options);
                        let forced_ro = matches!(
                            vm.volume_kind.as_deref(),
                            Some("configMap" | "secret" | "downwardAPI" | "projected")
                        );
                        let manifest_ro = vm.read_only || forced_ro;
                        if (manifest_ro && acc == Access::Rw) || (!manifest_ro && acc == Access::Ro)
                        {
                            diffs.push(ManifestDiff::MountAccess {
                                path: path.clone(),
                                manifest_read_only: vm.read_only,
                                policy: acc,
                            });
                        }
                    }
                }
            }
            let privileged = m.security.privileged.unwrap_or(false);
            if c.allow_elevated != Some(privileged) && (privileged || c.allow_elevated.is_none()) {
                diffs.push(ManifestDiff::Privileged {
                    manifest: privileged,
                    policy: c.allow_elevated,
                });
            }
            if let Some(wd) = &m.working_dir {
                if c.working_dir.as_ref() != Some(wd) {
                    diffs.push(ManifestDiff::WorkingDir {
                        manifest: wd.clone(),
                        policy: c.working_dir.clone(),
                    });
                }
            }
        }
        if rule != "create_container" && rule != "exec_in_container" {
            diffs.retain(|d| !matches!(d, ManifestDiff::Command { .. }));
        }
        out.push(ManifestCheck {
            container: m.name.clone(),
            policy_container: pc.map(who),
            diffs,
        });
    }
    out
}

/// Holds a denial against a policy: candidates, the framework's predicted answer, and a check
/// per error.
pub fn hold(p: &Policy, d: &Denial, ev: &Evidence, g: &Guest) -> Holding {
    let rule_inferred = d.rule.is_none() && infer_rule(&d.errors).is_some();
    let with_rule;
    let d = if rule_inferred {
        with_rule = Denial {
            rule: infer_rule(&d.errors).map(str::to_string),
            ..d.clone()
        };
        &with_rule
    } else {
        d
    };
    let effs = candidate_containers(p, g);
    let candidates = choose_candidates(p, d, ev, &effs);
    let rule = d.rule.clone();
    let prediction = match (&d.input, &rule) {
        (Some(input), Some(r)) => {
            let mut pr = evaluate(p, r, input, &candidates.containers, ev, g);
            if candidates.is_heuristic() {
                pr.uncertain.push(Uncertainty::HeuristicCandidates);
            }
            Some(pr)
        }
        _ => None,
    };
    let agrees = prediction.as_ref().map(|pr| {
        let mut want: Vec<String> = d.errors.clone();
        want.sort();
        want.dedup();
        want == pr.errors
    });
    let cands: Vec<&Container> = if candidates.basis == Basis::NotApplicable {
        p.container_list().iter().collect()
    } else {
        p.container_list()
            .iter()
            .filter(|c| candidates.containers.contains(&c.index))
            .collect()
    };
    let mut ex = Explainer {
        p,
        d,
        ev,
        g,
        cands,
        re: Regexes::default(),
    };
    let checks = d
        .errors
        .iter()
        .map(|e| ErrorCheck {
            error: e.clone(),
            check: ex.check(e),
            predicted: prediction.as_ref().map(|pr| pr.errors.contains(e)),
        })
        .collect::<Vec<_>>();
    let mut checks = checks;
    if d.errors.is_empty() {
        // No error strings (the flag-decided points, or a stripped reason): the flag tells.
        if let Some(flag) = rule.as_deref().and_then(flag_of_rule) {
            checks.push(ErrorCheck {
                error: String::new(),
                check: Check::Flag(FlagCheck {
                    rule: rule.clone().unwrap_or_default(),
                    flag,
                    value: p.flag(flag),
                }),
                predicted: None,
            });
        }
    }
    let truncated = d.input.is_none();
    let cannot_compare = if truncated {
        rule.as_deref()
            .map(input_fields)
            .unwrap_or(&["argList", "envList", "mounts", "workingDir"])
            .to_vec()
    } else {
        Vec::new()
    };
    let manifest_checks = if truncated {
        manifest_checks(p, ev, rule.as_deref().unwrap_or("create_container"))
    } else {
        Vec::new()
    };
    Holding {
        binding: rule.as_deref().and_then(|r| p.binding(r)).cloned(),
        rule,
        rule_inferred,
        candidates,
        prediction,
        agrees,
        checks,
        cannot_compare,
        manifest_checks,
    }
}
