//! The policy model: what a CCE policy's Rego says, field by field, read from its literals.
//!
//! Every field keeps the difference between "absent", "a literal we read" and "present but not
//! a literal" ([`Field`]), so a display never shows a guess. Containers keep their raw JSON too,
//! for "show the hashes" and for the comparison.

use serde_json::Value;

use super::rego::{self, Assigned, Module};
use super::version::Semver;
use super::Note;

/// A top-level value of the policy.
#[derive(Clone, Debug, PartialEq)]
pub enum Field<T> {
    /// The policy does not assign it.
    Absent,
    /// A literal, read.
    Value(T),
    /// Assigned, but not a literal: shown as text, not evaluated.
    NotLiteral(String),
    /// A literal of the wrong shape (e.g. `containers := "x"`), shown as JSON text.
    Invalid(String),
    /// The text ends inside this value.
    Cut,
}

impl<T> Field<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

/// What kind of policy this is.
#[derive(Clone, Debug, PartialEq)]
pub enum Flavor {
    /// A confcom / hcsshim policy (`package policy`) that delegates to the framework.
    Standard,
    /// Every enforcement point it defines is a literal `{"allowed": true …}` and it lists no
    /// containers: it allows everything.
    AllowAll,
    /// No container of its own (or only the pause container): the workload comes from signed
    /// fragments, which this text does not contain.
    FragmentOnly,
    /// A fragment itself (`package <namespace>` with `svn := …`), loaded by `load_fragment`.
    Fragment { namespace: String },
    /// A confcom sidecar policy (`package microsoftcontainerinstance`).
    Sidecar,
    /// A Kata Containers genpolicy policy (`package agent_policy`): a different format, enforced
    /// by the Kata agent, not by the hcsshim framework.
    Kata,
    /// A Rego module of another package.
    OtherPackage(String),
}

/// Which spelling of the versions the policy uses, and what that tells about its producer.
#[derive(Clone, Debug, PartialEq)]
pub enum Generation {
    /// `api_svn`/`framework_svn` (confcom ≤ 0.2.13, hcsshim tools of 2023).
    SvnSpelling,
    /// `api_version`/`framework_version`, with the values seen.
    Versioned {
        api: Option<String>,
        framework: Option<String>,
    },
    /// Neither is assigned.
    Unversioned,
}

/// A version assignment and the key it was written under.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionField {
    /// `api_version`, `api_svn`, `framework_version` or `framework_svn`.
    pub key: &'static str,
    pub value: Field<String>,
}

impl VersionField {
    pub fn semver(&self) -> Option<Semver> {
        self.value.value().and_then(|s| Semver::parse(s))
    }
}

/// A policy-level `allow_*` flag.
#[derive(Clone, Debug, PartialEq)]
pub struct Flag {
    pub name: String,
    pub value: Field<bool>,
    /// A known flag name (see [`KNOWN_FLAGS`]); an unknown one (e.g. the docs' misspelling
    /// `allow_capabilities_dropping`) has no effect on the framework.
    pub known: bool,
}

/// The flags the framework reads, in the order confcom writes them.
pub const KNOWN_FLAGS: [&str; 7] = [
    "allow_properties_access",
    "allow_dump_stacks",
    "allow_runtime_logging",
    "allow_environment_variable_dropping",
    "allow_unencrypted_scratch",
    "allow_capability_dropping",
    "allow_host_network",
];

/// The enforcement points a policy binds (the rule lines after the flags).
pub const ENFORCEMENT_POINTS: [&str; 22] = [
    "mount_device",
    "unmount_device",
    "mount_overlay",
    "unmount_overlay",
    "create_container",
    "exec_in_container",
    "exec_external",
    "shutdown_container",
    "signal_container_process",
    "plan9_mount",
    "plan9_unmount",
    "get_properties",
    "dump_stacks",
    "runtime_logging",
    "load_fragment",
    "scratch_mount",
    "scratch_unmount",
    "rw_mount_device",
    "host_network",
    "load_transparency_trust_list",
    "mount_cims",
    "log_provider",
];

/// How an enforcement point is bound.
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// `x := data.framework.x` (the name may differ from the point's).
    Framework(String),
    /// A literal result, e.g. `{"allowed": true}`; `allowed` is its `allowed` field.
    Literal { value: Value, allowed: Option<bool> },
    /// Anything else (a custom rule): not evaluated.
    Custom(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleBinding {
    pub point: String,
    pub binding: Binding,
}

/// One entry of `fragments`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Fragment {
    pub issuer: Option<String>,
    pub feed: Option<String>,
    /// As written: a string (`"1"`, `"1.0.0"` in old policies) or a number, as text.
    pub minimum_svn: Option<String>,
    pub includes: Vec<String>,
    pub raw: Value,
}

/// How an env rule matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Exact equality with the whole `NAME=value`.
    String,
    /// A regular expression (RE2 syntax).
    Re2,
    /// Another word: no framework rule matches it, so the env rule never matches.
    Other(String),
}

impl Strategy {
    fn from(s: &str) -> Strategy {
        match s {
            "string" => Strategy::String,
            "re2" => Strategy::Re2,
            o => Strategy::Other(o.to_string()),
        }
    }
}

/// One env rule.
#[derive(Clone, Debug, PartialEq)]
pub enum EnvRule {
    /// `{"pattern": "NAME=value", "strategy": …, "required": …}`
    Pattern {
        pattern: String,
        strategy: Strategy,
        required: bool,
    },
    /// The newer form `{"name", "name_strategy", "value", "value_strategy", "required"}`
    /// (hcsshim 2026-07): name and value are checked separately. Older guests do not know it.
    Split {
        name: String,
        name_strategy: Strategy,
        value: String,
        value_strategy: Strategy,
        required: bool,
    },
    /// A rule of another shape, as JSON text.
    Unreadable(String),
}

impl EnvRule {
    pub fn required(&self) -> bool {
        match self {
            EnvRule::Pattern { required, .. } | EnvRule::Split { required, .. } => *required,
            EnvRule::Unreadable(_) => false,
        }
    }
}

/// Read-only or read-write, from a mount's options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Ro,
    Rw,
    Unstated,
}

/// One mount constraint.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Mount {
    pub destination: Option<String>,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub options: Vec<String>,
}

impl Mount {
    pub fn access(&self) -> Access {
        access_of(&self.options)
    }
}

pub fn access_of(options: &[String]) -> Access {
    if options.iter().any(|o| o == "ro") {
        Access::Ro
    } else if options.iter().any(|o| o == "rw") {
        Access::Rw
    } else {
        Access::Unstated
    }
}

/// An `exec_processes` entry.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ExecProcess {
    pub command: Option<Vec<String>>,
    pub signals: Vec<i64>,
}

/// How a user or group is matched.
#[derive(Clone, Debug, PartialEq)]
pub struct IdName {
    pub pattern: String,
    /// `any`, `id`, `name` or `re2`.
    pub strategy: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub user_idname: Option<IdName>,
    pub group_idnames: Vec<IdName>,
    pub umask: Option<String>,
}

/// The five capability sets.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Capabilities {
    pub bounding: Vec<String>,
    pub effective: Vec<String>,
    pub inheritable: Vec<String>,
    pub permitted: Vec<String>,
    pub ambient: Vec<String>,
}

impl Capabilities {
    /// The sets by name, in the framework's order.
    pub fn sets(&self) -> [(&'static str, &Vec<String>); 5] {
        [
            ("bounding", &self.bounding),
            ("effective", &self.effective),
            ("inheritable", &self.inheritable),
            ("permitted", &self.permitted),
            ("ambient", &self.ambient),
        ]
    }
}

/// Where a container's display name comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameSource {
    /// The policy's `name` (the manifest's container name, for confcom).
    Policy,
    /// No `name`: the image reference in `id`.
    ImageId,
    /// Recognised as the built-in pause container (command `/pause`, its well-known layer).
    Pause,
    /// Nothing to go by: its position.
    Position,
}

/// The well-known layer hash of the pause container every confcom policy lists.
pub const PAUSE_LAYER: &str = "16b514057a06ad665f92c02863aca074fd5976c755d26bff16365299169e8415";

/// One policy container.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// Position in `containers` (0-based).
    pub index: usize,
    /// What to call it, and why.
    pub label: String,
    pub label_source: NameSource,
    pub name: Option<String>,
    pub id: Option<String>,
    /// Base layer first.
    pub layers: Vec<String>,
    /// `None` when absent or `null` (then no command matches).
    pub command: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub env_rules: Vec<EnvRule>,
    pub mounts: Vec<Mount>,
    pub exec_processes: Vec<ExecProcess>,
    pub signals: Vec<i64>,
    pub user: Option<User>,
    /// `None` for `null` or absent: the framework derives the defaults.
    pub capabilities: Option<Capabilities>,
    pub allow_elevated: Option<bool>,
    pub no_new_privileges: Option<bool>,
    pub allow_stdio_access: Option<bool>,
    pub seccomp_profile_sha256: Option<String>,
    /// Base fields the framework needs that this container lacks (an old-framework policy
    /// without them drops the container from every match).
    pub missing: Vec<&'static str>,
    /// Fields present with an unexpected type, by name.
    pub malformed: Vec<String>,
    pub raw: Value,
}

impl Container {
    /// `--debug-mode` adds `/bin/sh` and `/bin/bash` exec processes to each user container.
    pub fn has_debug_shells(&self) -> bool {
        let has = |c: &str| {
            self.exec_processes
                .iter()
                .any(|p| p.command.as_deref() == Some(&[c.to_string()][..]))
        };
        has("/bin/sh") && has("/bin/bash")
    }

    pub fn is_pause(&self) -> bool {
        self.label_source == NameSource::Pause
            || (self.layers.len() == 1 && self.layers[0] == PAUSE_LAYER)
    }
}

/// An `external_processes` entry (hcsshim-tool policies; confcom writes none).
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalProcess {
    pub command: Option<Vec<String>>,
    pub env_rules: Vec<EnvRule>,
    pub working_dir: Option<String>,
    pub allow_stdio_access: Option<bool>,
    pub raw: Value,
}

/// Whether containers may use stdio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdio {
    AllAllowed,
    /// `--disable-stdio`: no container may.
    AllDisabled,
    Mixed,
    /// No containers (or none says).
    Unknown,
}

/// A Kata genpolicy policy, as far as it is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct KataSummary {
    /// Containers in `policy_data.containers`, when that is a literal.
    pub containers: Option<usize>,
    /// Each container's `OCI.Process.Args` where present.
    pub process_args: Vec<Vec<String>>,
}

/// A policy as read from its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub flavor: Flavor,
    pub package: Option<String>,
    pub api_version: Option<VersionField>,
    pub framework_version: Option<VersionField>,
    pub generation: Generation,
    pub fragments: Field<Vec<Fragment>>,
    pub containers: Field<Vec<Container>>,
    pub external_processes: Field<Vec<ExternalProcess>>,
    pub flags: Vec<Flag>,
    pub rules: Vec<RuleBinding>,
    /// Every user container (not the pause container) has the `--debug-mode` exec shells.
    pub debug_mode: bool,
    pub stdio: Stdio,
    /// `svn` of a fragment text.
    pub svn: Field<String>,
    pub kata: Option<KataSummary>,
    /// Bytes of the policy text.
    pub size: usize,
    pub notes: Vec<Note>,
}

impl Policy {
    /// The containers read, or none.
    pub fn container_list(&self) -> &[Container] {
        self.containers.value().map(|v| v.as_slice()).unwrap_or(&[])
    }

    pub fn fragment_list(&self) -> &[Fragment] {
        self.fragments.value().map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// A flag's literal value, if the policy has one.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.flags
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.value().copied())
    }

    pub fn binding(&self, point: &str) -> Option<&Binding> {
        self.rules
            .iter()
            .find(|r| r.point == point)
            .map(|r| &r.binding)
    }
}

/// Policies this large are a known cause of failed deployments (the annotation and the ARM
/// property have size limits); the figure the issue names.
pub const LARGE_POLICY_BYTES: usize = 120 * 1024;
/// More containers than this are shown in part.
pub const MANY_CONTAINERS: usize = 1000;

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::Array(a) => Some(a.iter().map(text).collect()),
        _ => None,
    }
}

fn ints(v: Option<&Value>) -> Vec<i64> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_i64()).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn env_rule(v: &Value) -> EnvRule {
    let Some(o) = v.as_object() else {
        return EnvRule::Unreadable(v.to_string());
    };
    let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
    let str_of = |k: &str| o.get(k).and_then(Value::as_str);
    if let (Some(p), Some(s)) = (str_of("pattern"), str_of("strategy")) {
        return EnvRule::Pattern {
            pattern: p.to_string(),
            strategy: Strategy::from(s),
            required,
        };
    }
    if let (Some(n), Some(ns), Some(val), Some(vs)) = (
        str_of("name"),
        str_of("name_strategy"),
        str_of("value"),
        str_of("value_strategy"),
    ) {
        return EnvRule::Split {
            name: n.to_string(),
            name_strategy: Strategy::from(ns),
            value: val.to_string(),
            value_strategy: Strategy::from(vs),
            required,
        };
    }
    EnvRule::Unreadable(v.to_string())
}

pub(crate) fn env_rules(v: Option<&Value>) -> Vec<EnvRule> {
    match v {
        Some(Value::Array(a)) => a.iter().map(env_rule).collect(),
        _ => Vec::new(),
    }
}

fn mount(v: &Value) -> Mount {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Mount {
        destination: s("destination"),
        source: s("source"),
        kind: s("type"),
        options: strings(v.get("options")).unwrap_or_default(),
    }
}

fn id_name(v: &Value) -> Option<IdName> {
    Some(IdName {
        pattern: v.get("pattern").map(text).unwrap_or_default(),
        strategy: v.get("strategy")?.as_str()?.to_string(),
    })
}

fn user(v: &Value) -> Option<User> {
    let o = v.as_object()?;
    Some(User {
        user_idname: o.get("user_idname").and_then(id_name),
        group_idnames: match o.get("group_idnames") {
            Some(Value::Array(a)) => a.iter().filter_map(id_name).collect(),
            _ => Vec::new(),
        },
        umask: o.get("umask").and_then(Value::as_str).map(str::to_string),
    })
}

fn capabilities(v: &Value) -> Option<Capabilities> {
    let o = v.as_object()?;
    let set = |k: &str| strings(o.get(k)).unwrap_or_default();
    Some(Capabilities {
        bounding: set("bounding"),
        effective: set("effective"),
        inheritable: set("inheritable"),
        permitted: set("permitted"),
        ambient: set("ambient"),
    })
}

/// The fields `check_container` copies as they are: a container without one of them drops
/// out of the candidates on a guest newer than the policy.
pub const BASE_FIELDS: [&str; 9] = [
    "command",
    "env_rules",
    "layers",
    "mounts",
    "allow_elevated",
    "working_dir",
    "exec_processes",
    "signals",
    "allow_stdio_access",
];

/// Reads one `containers[i]`.
pub fn container(index: usize, v: &Value) -> Container {
    let o = v.as_object();
    let get = |k: &str| o.and_then(|o| o.get(k));
    let s = |k: &str| get(k).and_then(Value::as_str).map(str::to_string);
    let b = |k: &str| get(k).and_then(Value::as_bool);
    let mut malformed = Vec::new();
    let mut check = |k: &str, ok: fn(&Value) -> bool| {
        if let Some(x) = get(k) {
            if !ok(x) {
                malformed.push(k.to_string());
            }
        }
    };
    check("command", |x| x.is_array() || x.is_null());
    check("layers", Value::is_array);
    check("env_rules", Value::is_array);
    check("mounts", Value::is_array);
    check("exec_processes", Value::is_array);
    check("signals", Value::is_array);
    check("working_dir", Value::is_string);
    check("allow_elevated", Value::is_boolean);
    check("allow_stdio_access", Value::is_boolean);
    check("no_new_privileges", Value::is_boolean);
    check("capabilities", |x| x.is_object() || x.is_null());
    check("user", Value::is_object);
    let missing = BASE_FIELDS
        .iter()
        .copied()
        .filter(|k| get(k).is_none())
        .collect();
    let name = s("name");
    let id = s("id");
    let layers = strings(get("layers")).unwrap_or_default();
    let command = strings(get("command"));
    let is_pause = (layers.len() == 1 && layers[0] == PAUSE_LAYER)
        || (command.as_deref() == Some(&["/pause".to_string()][..]) && name.is_none());
    let (label, label_source) = if let Some(n) = name.clone().filter(|n| !n.is_empty()) {
        (n, NameSource::Policy)
    } else if is_pause {
        ("pause-container".to_string(), NameSource::Pause)
    } else if let Some(i) = id.clone().filter(|i| !i.is_empty()) {
        (i, NameSource::ImageId)
    } else {
        (format!("container {}", index + 1), NameSource::Position)
    };
    Container {
        index,
        label,
        label_source,
        name,
        id,
        layers,
        command,
        working_dir: s("working_dir"),
        env_rules: env_rules(get("env_rules")),
        mounts: match get("mounts") {
            Some(Value::Array(a)) => a.iter().map(mount).collect(),
            _ => Vec::new(),
        },
        exec_processes: match get("exec_processes") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|p| ExecProcess {
                    command: strings(p.get("command")),
                    signals: ints(p.get("signals")),
                })
                .collect(),
            _ => Vec::new(),
        },
        signals: ints(get("signals")),
        user: get("user").and_then(user),
        capabilities: get("capabilities").and_then(capabilities),
        allow_elevated: b("allow_elevated"),
        no_new_privileges: b("no_new_privileges"),
        allow_stdio_access: b("allow_stdio_access"),
        seccomp_profile_sha256: s("seccomp_profile_sha256"),
        missing,
        malformed,
        raw: v.clone(),
    }
}

fn fragment(v: &Value) -> Fragment {
    let s = |k: &str| v.get(k).map(text);
    Fragment {
        issuer: s("issuer").or_else(|| s("iss")),
        feed: s("feed"),
        minimum_svn: s("minimum_svn"),
        includes: strings(v.get("includes")).unwrap_or_default(),
        raw: v.clone(),
    }
}

fn field_of<T>(m: &Module, name: &str, read: impl FnOnce(&Value) -> Option<T>) -> Field<T> {
    match m.get(name).map(|a| &a.value) {
        None => Field::Absent,
        Some(Assigned::Literal(v)) => match read(v) {
            Some(t) => Field::Value(t),
            None => Field::Invalid(short_json(v)),
        },
        Some(Assigned::Framework(r)) => Field::NotLiteral(format!("data.framework.{r}")),
        Some(Assigned::NotLiteral { text }) => Field::NotLiteral(text.clone()),
        Some(Assigned::Cut) => Field::Cut,
    }
}

fn short_json(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

fn version(m: &Module, new: &'static str, old: &'static str) -> Option<VersionField> {
    for key in [new, old] {
        if m.get(key).is_some() {
            return Some(VersionField {
                key,
                value: field_of(m, key, |v| v.as_str().map(str::to_string)),
            });
        }
    }
    None
}

/// Reads a policy from its Rego text. Never fails: a text that is not Rego gives a policy with
/// nothing read and a note saying so.
pub fn read_policy(text: &str) -> Policy {
    let m = rego::read_module(text);
    let mut notes = Vec::new();
    if m.package.is_none() {
        notes.push(Note::NotRego);
    }
    if text.len() >= LARGE_POLICY_BYTES {
        notes.push(Note::LargePolicy { bytes: text.len() });
    }
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    if non_ascii > 0 {
        notes.push(Note::NotAscii { count: non_ascii });
    }
    let package = m.package.clone();
    let api_version = version(&m, "api_version", "api_svn");
    let framework_version = version(&m, "framework_version", "framework_svn");
    let generation = match (&api_version, &framework_version) {
        (None, None) => Generation::Unversioned,
        (a, f)
            if a.as_ref().is_some_and(|v| v.key == "api_svn")
                || f.as_ref().is_some_and(|v| v.key == "framework_svn") =>
        {
            Generation::SvnSpelling
        }
        (a, f) => Generation::Versioned {
            api: a.as_ref().and_then(|v| v.value.value().cloned()),
            framework: f.as_ref().and_then(|v| v.value.value().cloned()),
        },
    };
    let mut containers: Field<Vec<Container>> = field_of(&m, "containers", |v| {
        v.as_array()
            .map(|a| a.iter().enumerate().map(|(i, c)| container(i, c)).collect())
    });
    if let Field::Value(cs) = &mut containers {
        if cs.len() > MANY_CONTAINERS {
            notes.push(Note::ManyContainers { count: cs.len() });
        }
    }
    let fragments = field_of(&m, "fragments", |v| {
        v.as_array().map(|a| a.iter().map(fragment).collect())
    });
    let external_processes = field_of(&m, "external_processes", |v| {
        v.as_array().map(|a| {
            a.iter()
                .map(|p| ExternalProcess {
                    command: strings(p.get("command")),
                    env_rules: env_rules(p.get("env_rules")),
                    working_dir: p
                        .get("working_dir")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    allow_stdio_access: p.get("allow_stdio_access").and_then(Value::as_bool),
                    raw: p.clone(),
                })
                .collect()
        })
    });
    let mut flags = Vec::new();
    for a in &m.assignments {
        if a.name.starts_with("allow_") && !flags.iter().any(|f: &Flag| f.name == a.name) {
            flags.push(Flag {
                name: a.name.clone(),
                value: field_of(&m, &a.name, Value::as_bool),
                known: KNOWN_FLAGS.contains(&a.name.as_str()),
            });
        }
    }
    let mut rules = Vec::new();
    for a in &m.assignments {
        if !ENFORCEMENT_POINTS.contains(&a.name.as_str())
            || rules.iter().any(|r: &RuleBinding| r.point == a.name)
        {
            continue;
        }
        let binding = match &m.get(&a.name).map(|x| &x.value) {
            Some(Assigned::Framework(r)) => Binding::Framework(r.clone()),
            Some(Assigned::Literal(v)) => Binding::Literal {
                value: v.clone(),
                allowed: v.get("allowed").and_then(Value::as_bool),
            },
            Some(Assigned::NotLiteral { text }) => Binding::Custom(text.clone()),
            _ => Binding::Custom(String::new()),
        };
        rules.push(RuleBinding {
            point: a.name.clone(),
            binding,
        });
    }
    for r in &m.other_rules {
        if ENFORCEMENT_POINTS.contains(&r.as_str()) && !rules.iter().any(|x| &x.point == r) {
            rules.push(RuleBinding {
                point: r.clone(),
                binding: Binding::Custom(format!("{r} {{ … }}")),
            });
        }
    }
    let svn = field_of(&m, "svn", |v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });

    let list = containers.value().map(|v| v.as_slice()).unwrap_or(&[]);
    let users: Vec<&Container> = list.iter().filter(|c| !c.is_pause()).collect();
    let debug_mode = !users.is_empty() && users.iter().all(|c| c.has_debug_shells());
    let stdio = {
        let vals: Vec<bool> = list.iter().filter_map(|c| c.allow_stdio_access).collect();
        if vals.is_empty() {
            Stdio::Unknown
        } else if vals.iter().all(|&b| b) {
            Stdio::AllAllowed
        } else if vals.iter().all(|&b| !b) {
            Stdio::AllDisabled
        } else {
            Stdio::Mixed
        }
    };

    let mut kata = None;
    let flavor = match package.as_deref() {
        Some("agent_policy") => {
            kata = Some(kata_summary(&m));
            Flavor::Kata
        }
        Some("microsoftcontainerinstance") => Flavor::Sidecar,
        Some("policy") | None => {
            let literal_points: Vec<&RuleBinding> = rules
                .iter()
                .filter(|r| matches!(r.binding, Binding::Literal { .. }))
                .collect();
            let allow_all = !literal_points.is_empty()
                && rules.iter().all(|r| {
                    matches!(
                        r.binding,
                        Binding::Literal {
                            allowed: Some(true),
                            ..
                        }
                    )
                })
                && list.is_empty();
            if allow_all {
                Flavor::AllowAll
            } else if users.is_empty()
                && matches!(containers, Field::Value(_) | Field::Absent)
                && fragments
                    .value()
                    .is_some_and(|f: &Vec<Fragment>| !f.is_empty())
                && package.is_some()
            {
                Flavor::FragmentOnly
            } else {
                Flavor::Standard
            }
        }
        Some(ns) if m.get("svn").is_some() => Flavor::Fragment {
            namespace: ns.to_string(),
        },
        Some(other) => Flavor::OtherPackage(other.to_string()),
    };
    for a in &m.assignments {
        if a.value == Assigned::Cut {
            notes.push(Note::PolicyCut {
                in_value: a.name.clone(),
            });
            break;
        }
    }

    Policy {
        flavor,
        package,
        api_version,
        framework_version,
        generation,
        fragments,
        containers,
        external_processes,
        flags,
        rules,
        debug_mode,
        stdio,
        svn,
        kata,
        size: text.len(),
        notes,
    }
}

fn kata_summary(m: &Module) -> KataSummary {
    let data = m.get("policy_data").and_then(|a| match &a.value {
        Assigned::Literal(v) => Some(v),
        _ => None,
    });
    let list = data
        .and_then(|d| d.get("containers"))
        .and_then(Value::as_array);
    KataSummary {
        containers: list.map(Vec::len),
        process_args: list
            .map(|l| {
                l.iter()
                    .filter_map(|c| strings(c.pointer("/OCI/Process/Args")))
                    .collect()
            })
            .unwrap_or_default(),
    }
}
