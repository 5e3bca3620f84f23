//! The comparison against the real framework: Microsoft's Rego interpreter (regorus, a
//! dev-dependency) runs the ACI `framework.rego` and `api.rego` that regorus ships in its
//! package's `tests/aci/` (found through `cargo metadata`, read from the registry copy, never
//! copied here) with the real policies in `fixtures/policy/`. For each policy container a base
//! input is built that the framework allows, then mutated (changed command, missing layer,
//! extra env var, ro/rw flip, signal not listed …). Each case asserts that our prediction
//! (verdict and error set) equals the framework's, and that our check names the field that
//! differs.
//!
//! The oracle's framework is version 0.3.0 (api 0.10.0): hcsshim v0.10 … v0.13, whose regexes
//! are unanchored. [`Guest::released_0_3`] is the matching guest.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::sync::OnceLock;

use aci_triage_core::policy::compare::{
    self, Basis, Check, Denial, Evidence, Guest, Holding, MountDiff, UserPart,
};
use aci_triage_core::policy::model::{read_policy, Policy};
use serde_json::{json, Map, Value};

const SANDBOX_DIR: &str = "/run/gcs/c/sandbox0/sandboxMounts";
const HUGE_DIR: &str = "/run/gcs/c/sandbox0/hugepages";

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// regorus's `tests/aci/` in the registry copy cargo uses.
fn aci_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        // Only this platform's dependencies (the others may not be downloaded).
        let rustc = std::process::Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc -vV");
        let host = String::from_utf8_lossy(&rustc.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .expect("rustc names its host");
        let out = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--filter-platform",
                &host,
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "cargo metadata: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
        let pkg = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "regorus")
            .expect("regorus is a dev-dependency");
        let manifest = PathBuf::from(pkg["manifest_path"].as_str().unwrap());
        let dir = manifest.parent().unwrap().join("tests/aci");
        assert!(
            dir.join("framework.rego").is_file(),
            "{} has no framework.rego",
            dir.display()
        );
        dir
    })
}

fn framework_version_of_oracle() -> String {
    let f = std::fs::read_to_string(aci_dir().join("framework.rego")).unwrap();
    f.lines()
        .find_map(|l| l.strip_prefix("version := "))
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("framework.rego has a version")
}

fn caps_json(list: &[&str]) -> Value {
    json!(list)
}

fn mounts_json(list: &[(&str, &str, &str, &[&str])]) -> Value {
    Value::Array(
        list.iter()
            .map(|(d, t, s, o)| json!({"destination": d, "type": t, "source": s, "options": o}))
            .collect(),
    )
}

/// The data the Go side gives the framework (hcsshim `regoEnforcer` defaults).
fn base_data(metadata: Value) -> Value {
    json!({
        "metadata": metadata,
        "defaultMounts": mounts_json(&compare::DEFAULT_MOUNTS),
        "privilegedMounts": mounts_json(&compare::PRIVILEGED_MOUNTS),
        "sandboxPrefix": compare::SANDBOX_PREFIX,
        "hugePagesPrefix": compare::HUGE_PAGES_PREFIX,
        "plan9Prefix": compare::PLAN9_PREFIX,
        "defaultUnprivilegedCapabilities": caps_json(&compare::DEFAULT_UNPRIVILEGED_CAPS),
        "defaultPrivilegedCapabilities": caps_json(&compare::DEFAULT_PRIVILEGED_CAPS),
    })
}

struct Oracle {
    engine: regorus::Engine,
}

struct Answer {
    allowed: bool,
    errors: Vec<String>,
    result: Value,
}

fn to_regorus(v: &Value) -> regorus::Value {
    regorus::Value::from_json_str(&v.to_string()).expect("JSON for regorus")
}

fn from_regorus(v: &regorus::Value) -> Value {
    if *v == regorus::Value::Undefined {
        return Value::Null;
    }
    serde_json::from_str(&v.to_json_str().expect("regorus value to JSON")).unwrap()
}

/// regorus refuses lines over 1024 columns, and confcom writes `containers` on one line: such a
/// line is written again as indented JSON (the same value).
fn oracle_text(policy: &str) -> String {
    let mut out = String::new();
    for line in policy.split_inclusive('\n') {
        let long = line.len() > 1000;
        let rewritten =
            long.then(|| line.split_once(" := "))
                .flatten()
                .and_then(|(name, value)| {
                    let v: Value = serde_json::from_str(value.trim()).ok()?;
                    Some(format!(
                        "{name} := {}\n",
                        serde_json::to_string_pretty(&v).ok()?
                    ))
                });
        out.push_str(rewritten.as_deref().unwrap_or(line));
    }
    out
}

impl Oracle {
    fn new(policy: &str, extra_modules: &[(&str, &str)]) -> Oracle {
        let policy = &oracle_text(policy);
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(true);
        for f in ["api.rego", "framework.rego"] {
            let text = std::fs::read_to_string(aci_dir().join(f)).unwrap();
            engine.add_policy(f.to_string(), text).expect(f);
        }
        engine
            .add_policy("policy.rego".into(), policy.to_string())
            .expect("the policy parses in regorus");
        for (name, text) in extra_modules {
            engine
                .add_policy(name.to_string(), text.to_string())
                .expect(name);
        }
        Oracle { engine }
    }

    fn ask(&self, rule: &str, input: &Value, metadata: &Value) -> Answer {
        let mut e = self.engine.clone();
        e.add_data(to_regorus(&base_data(metadata.clone())))
            .unwrap();
        let mut inp = input.clone();
        inp["rule"] = json!(rule);
        e.set_input(to_regorus(&inp));
        let result = from_regorus(
            &e.eval_rule(format!("data.policy.{rule}"))
                .expect("rule evaluates"),
        );
        let reason = e
            .eval_rule("data.policy.reason".into())
            .map(|v| from_regorus(&v))
            .unwrap_or(Value::Null);
        let mut errors: Vec<String> = reason["errors"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        errors.sort();
        Answer {
            allowed: result["allowed"] == json!(true),
            errors,
            result,
        }
    }
}

/// One policy and one of its containers, with the state the guest would have before
/// `create_container`: its layers mounted and its overlay matched.
struct Scene {
    text: String,
    policy: Policy,
    oracle: Oracle,
    k: usize,
    cid: String,
    devices: Vec<(String, String)>,
    paths: Vec<String>,
    matches: Value,
}

fn scene(text: &str, k: usize) -> Scene {
    let policy = read_policy(text);
    let c = &policy.container_list()[k];
    let cid = format!("container{k}");
    let devices: Vec<(String, String)> = c
        .layers
        .iter()
        .enumerate()
        .map(|(i, h)| (format!("/run/layers/p{k}-l{i}"), h.clone()))
        .collect();
    // layerPaths run top layer first.
    let paths: Vec<String> = devices.iter().rev().map(|(t, _)| t.clone()).collect();
    let oracle = Oracle::new(text, &[]);
    let dev_meta: Map<String, Value> = devices.iter().map(|(t, h)| (t.clone(), json!(h))).collect();
    let overlay = oracle.ask(
        "mount_overlay",
        &json!({"containerID": cid, "layerPaths": paths, "target": format!("/run/gcs/c/{cid}/rootfs")}),
        &json!({"devices": dev_meta}),
    );
    let matches = overlay.result["metadata"]
        .as_array()
        .and_then(|m| m.iter().find(|x| x["name"] == "matches"))
        .map(|x| x["value"].clone())
        .unwrap_or(json!([]));
    Scene {
        text: text.to_string(),
        policy,
        oracle,
        k,
        cid,
        devices,
        paths,
        matches,
    }
}

/// A concrete source for a policy source pattern (`sandbox:///tmp/atlas/emptydir/.+`).
fn concrete_source(s: &str) -> String {
    let mut out = s.to_string();
    for (prefix, dir) in [
        (compare::SANDBOX_PREFIX, SANDBOX_DIR),
        (compare::HUGE_PAGES_PREFIX, HUGE_DIR),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            out = format!(
                "{dir}{}",
                rest.replace(".+", "x1")
                    .replace(".*", "")
                    .replace("\\.", ".")
            );
        }
    }
    out
}

impl Scene {
    fn raw(&self) -> &Value {
        &self.policy.container_list()[self.k].raw
    }

    fn metadata(&self, started: bool) -> Value {
        let dev: Map<String, Value> = self
            .devices
            .iter()
            .map(|(t, h)| (t.clone(), json!(h)))
            .collect();
        let mut m = json!({"devices": dev, "matches": {self.cid.clone(): self.matches.clone()}});
        if started {
            m["started"] = json!({self.cid.clone(): {"privileged": false}});
        }
        m
    }

    fn evidence(&self) -> Evidence {
        Evidence {
            devices: self.devices.clone(),
            overlays: vec![(self.cid.clone(), self.paths.clone())],
            ..Evidence::default()
        }
    }

    /// A create_container input the policy container allows.
    fn create_input(&self) -> Value {
        let r = self.raw();
        let env: Vec<Value> = r["env_rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["strategy"] == "string")
            .map(|e| e["pattern"].clone())
            .collect();
        let mounts: Vec<Value> = r["mounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                json!({
                    "destination": m["destination"],
                    "type": m["type"],
                    "options": m["options"],
                    "source": concrete_source(m["source"].as_str().unwrap()),
                })
            })
            .collect();
        let privileged = r["allow_elevated"].as_bool().unwrap_or(false);
        let unpriv = &compare::DEFAULT_UNPRIVILEGED_CAPS[..];
        let caps = match &r["capabilities"] {
            Value::Object(_) => r["capabilities"].clone(),
            _ if privileged => {
                let p = &compare::DEFAULT_PRIVILEGED_CAPS[..];
                json!({"bounding": p, "effective": p, "inheritable": p, "permitted": p, "ambient": []})
            }
            _ => {
                json!({"bounding": unpriv, "effective": unpriv, "inheritable": [], "permitted": unpriv, "ambient": []})
            }
        };
        let mut user = json!({"id": "0", "name": "root"});
        if let Some(u) = r.get("user") {
            match u["user_idname"]["strategy"].as_str() {
                Some("id") => user["id"] = u["user_idname"]["pattern"].clone(),
                Some("name") => user["name"] = u["user_idname"]["pattern"].clone(),
                _ => {}
            }
        }
        json!({
            "containerID": self.cid,
            "argList": r["command"],
            "envList": env,
            "workingDir": r["working_dir"],
            "sandboxDir": SANDBOX_DIR,
            "hugePagesDir": HUGE_DIR,
            "mounts": mounts,
            "devices": [],
            "privileged": privileged,
            "noNewPrivileges": r["no_new_privileges"].as_bool().unwrap_or(false),
            "user": user,
            "groups": [user.clone()],
            "umask": r.pointer("/user/umask").cloned().unwrap_or(json!("0022")),
            "capabilities": caps,
            "seccompProfileSHA256": r["seccomp_profile_sha256"].as_str().unwrap_or(""),
            "isSandboxContainer": false,
        })
    }

    /// Asks the oracle and us; asserts that both agree; returns our holding.
    fn both(&self, case: &str, rule: &str, input: &Value, started: bool) -> (Holding, Answer) {
        let want = self.oracle.ask(rule, input, &self.metadata(started));
        let denial = Denial {
            rule: Some(rule.to_string()),
            input: input.as_object().cloned(),
            errors: want.errors.clone(),
            truncated: Vec::new(),
        };
        let h = compare::hold(
            &self.policy,
            &denial,
            &self.evidence(),
            &Guest::released_0_3(),
        );
        let got = h
            .prediction
            .as_ref()
            .expect("a prediction for a full input");
        assert_eq!(
            (got.allowed, &got.errors),
            (want.allowed, &want.errors),
            "{case}: ours (left) vs the framework (right), container {} of\n{}",
            self.k,
            &self.text[..self.text.len().min(300)]
        );
        assert_eq!(h.agrees, Some(true), "{case}");
        if matches!(
            rule,
            "create_container" | "exec_in_container" | "signal_container_process"
        ) {
            assert_eq!(h.candidates.basis, Basis::Layers, "{case}");
            // The enforcer's matches for this container, by layers, are ours.
            let theirs = self.matches.as_array().map_or(0, Vec::len);
            assert_eq!(
                h.candidates.containers.len(),
                theirs,
                "{case}: as many candidates as the framework matched"
            );
            if theirs > 0 {
                assert!(
                    h.candidates.containers.contains(&self.k),
                    "{case}: the container is a candidate"
                );
            }
        }
        (h, want)
    }
}

/// The (policy, container) pairs worth asking: the same container under the same framework
/// version and flags (the pause container, or 03's container in 08) is asked once.
fn distinct_scenes() -> Vec<(&'static str, String, usize)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for name in POLICIES {
        let text = fixture(name);
        let p = read_policy(&text);
        let fv = p
            .framework_version
            .as_ref()
            .and_then(|f| f.value.value().cloned());
        let flags: Vec<_> = p
            .flags
            .iter()
            .map(|f| (f.name.clone(), f.value.value().copied()))
            .collect();
        for c in p.container_list() {
            if seen.insert((c.raw.to_string(), fv.clone(), format!("{flags:?}"))) {
                out.push((name, text.clone(), c.index));
            }
        }
    }
    out
}

fn check<'a>(h: &'a Holding, prefix: &str) -> &'a Check {
    &h.checks
        .iter()
        .find(|c| c.error.starts_with(prefix))
        .unwrap_or_else(|| {
            panic!(
                "no check for {prefix:?} in {:?}",
                h.checks.iter().map(|c| &c.error).collect::<Vec<_>>()
            )
        })
        .check
}

/// The policies with a framework (the allow-all ones have none).
const POLICIES: [&str; 7] = [
    "01-vn2-nginx-policy.rego",
    "03-confcom-aci-command-policy.rego",
    "03-confcom-aci-command-policy_debug.rego",
    "05a-caci-examples-old-framework_svn-ba712ae.rego",
    "06-hcsshim-test-policy-v0.1.0.rego",
    "08-confcom-aci-command-policy_exclude_default_fragment-newer.rego",
    "09-confcom-vn2-basic_command_args-policy.rego",
];

#[test]
fn the_oracle_is_framework_0_3_0() {
    assert_eq!(framework_version_of_oracle(), "0.3.0");
    assert_eq!(Guest::released_0_3().framework_version.to_string(), "0.3.0");
}

#[test]
fn create_container_mutations_agree_with_the_framework() {
    let mut cases = 0;
    for (name, text, k) in distinct_scenes() {
        {
            let s = scene(&text, k);
            let base = s.create_input();
            let (h, want) = s.both(
                &format!("{name}[{k}] base"),
                "create_container",
                &base,
                false,
            );
            assert!(
                want.allowed,
                "{name}[{k}]: the base input is allowed: {:?}",
                want.errors
            );
            assert!(h.checks.is_empty());
            cases += 1;

            let args = base["argList"].as_array().unwrap().len();
            // Changed last argument.
            let mut m = base.clone();
            let last = m["argList"][args - 1].as_str().unwrap().to_string();
            m["argList"][args - 1] = json!(format!("{last}-changed"));
            let (h, want) = s.both(
                &format!("{name}[{k}] changed command"),
                "create_container",
                &m,
                false,
            );
            assert!(!want.allowed && want.errors.contains(&"invalid command".to_string()));
            let Check::Command(cc) = check(&h, "invalid command") else {
                panic!()
            };
            let row = cc.rows.iter().find(|r| r.who.index == k).unwrap();
            assert_eq!(row.first_difference, Some(args - 1), "{name}[{k}]");
            cases += 1;

            // One argument more.
            let mut m = base.clone();
            m["argList"].as_array_mut().unwrap().push(json!("--extra"));
            let (h, _) = s.both(
                &format!("{name}[{k}] extra argument"),
                "create_container",
                &m,
                false,
            );
            let Check::Command(cc) = check(&h, "invalid command") else {
                panic!()
            };
            assert_eq!(
                cc.rows
                    .iter()
                    .find(|r| r.who.index == k)
                    .unwrap()
                    .first_difference,
                Some(args)
            );
            cases += 1;

            // An env var no rule matches.
            let mut m = base.clone();
            m["envList"]
                .as_array_mut()
                .unwrap()
                .push(json!("NOT_IN_POLICY_XYZ=1"));
            let (h, want) = s.both(
                &format!("{name}[{k}] extra env"),
                "create_container",
                &m,
                false,
            );
            assert!(
                want.errors
                    .contains(&"invalid env list: NOT_IN_POLICY_XYZ".to_string()),
                "{:?}",
                want.errors
            );
            let Check::EnvList(ec) = check(&h, "invalid env list") else {
                panic!()
            };
            assert_eq!(ec.names[0].name, "NOT_IN_POLICY_XYZ");
            assert!(ec.names[0].rules.is_empty(), "no rule for it");
            assert_eq!(
                ec.dropping,
                s.policy.flag("allow_environment_variable_dropping")
            );
            cases += 1;

            // A required env var missing.
            let required: Vec<String> = s.raw()["env_rules"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["required"] == true && e["strategy"] == "string")
                .map(|e| e["pattern"].as_str().unwrap().to_string())
                .collect();
            if let Some(req) = required.first() {
                let mut m = base.clone();
                m["envList"].as_array_mut().unwrap().retain(|e| e != req);
                let (h, want) = s.both(
                    &format!("{name}[{k}] required env missing"),
                    "create_container",
                    &m,
                    false,
                );
                assert!(
                    want.errors
                        .contains(&"missing required environment variable".to_string()),
                    "{:?}",
                    want.errors
                );
                let Check::RequiredEnv(rc) = check(&h, "missing required") else {
                    panic!()
                };
                assert!(rc.missing.iter().any(|(w, p)| w.index == k && p == req));
                cases += 1;
            }

            // Working directory.
            let mut m = base.clone();
            m["workingDir"] = json!("/somewhere/else");
            let (h, _) = s.both(
                &format!("{name}[{k}] working dir"),
                "create_container",
                &m,
                false,
            );
            let Check::WorkingDir(vc) = check(&h, "invalid working directory") else {
                panic!()
            };
            assert_eq!(vc.input, Some(json!("/somewhere/else")));
            assert!(vc.rows.iter().any(|(w, v, ok)| w.index == k
                && *v == Some(s.raw()["working_dir"].clone())
                && !ok));
            cases += 1;

            // A ro mount asked for rw.
            let ro = base["mounts"]
                .as_array()
                .unwrap()
                .iter()
                .position(|m| m["options"].as_array().unwrap().contains(&json!("ro")));
            if let Some(i) = ro {
                let mut m = base.clone();
                let opts = m["mounts"][i]["options"].as_array_mut().unwrap();
                for o in opts.iter_mut() {
                    if o == "ro" {
                        *o = json!("rw");
                    }
                }
                let dest = m["mounts"][i]["destination"].as_str().unwrap().to_string();
                let (h, want) =
                    s.both(&format!("{name}[{k}] ro→rw"), "create_container", &m, false);
                assert!(
                    want.errors.contains(&format!("invalid mount list: {dest}")),
                    "{:?}",
                    want.errors
                );
                let Check::Mounts(mc) = check(&h, "invalid mount list") else {
                    panic!()
                };
                let d = &mc.destinations[0];
                assert_eq!(d.destination, dest);
                assert!(d.policy.iter().any(|r| r.diff
                    == MountDiff::Options {
                        policy_only: vec!["ro".into()],
                        input_only: vec!["rw".into()]
                    }));
                cases += 1;
            }

            // A mount the policy does not have.
            let mut m = base.clone();
            m["mounts"].as_array_mut().unwrap().push(json!({
                "destination": "/data/added-later", "type": "bind",
                "source": format!("{SANDBOX_DIR}/tmp/atlas/emptydir/new"), "options": ["rbind", "rshared", "rw"]
            }));
            let (h, _) = s.both(
                &format!("{name}[{k}] unknown mount"),
                "create_container",
                &m,
                false,
            );
            let Check::Mounts(mc) = check(&h, "invalid mount list") else {
                panic!()
            };
            assert_eq!(mc.destinations[0].destination, "/data/added-later");
            assert!(
                mc.destinations[0].policy.is_empty(),
                "the policy has no mount there"
            );
            cases += 1;

            // Privileged when the policy does not allow it.
            if s.raw()["allow_elevated"] == false {
                let mut m = base.clone();
                m["privileged"] = json!(true);
                let (h, _) = s.both(
                    &format!("{name}[{k}] privileged"),
                    "create_container",
                    &m,
                    false,
                );
                let Check::Privileged(pc) = check(&h, "privileged escalation") else {
                    panic!()
                };
                assert_eq!(pc.input, Some(true));
                cases += 1;
            }

            // noNewPrivileges required but not set.
            if s.raw()["no_new_privileges"] == true {
                let mut m = base.clone();
                m["noNewPrivileges"] = json!(false);
                let (h, _) = s.both(
                    &format!("{name}[{k}] noNewPrivileges"),
                    "create_container",
                    &m,
                    false,
                );
                assert!(matches!(
                    check(&h, "invalid noNewPrivileges"),
                    Check::NoNewPrivileges(_)
                ));
                cases += 1;
            }

            // Another umask.
            let mut m = base.clone();
            m["umask"] = json!("0077");
            let (h, want) = s.both(&format!("{name}[{k}] umask"), "create_container", &m, false);
            if want.errors.contains(&"invalid user".to_string()) {
                let Check::User(uc) = check(&h, "invalid user") else {
                    panic!()
                };
                assert!(uc
                    .rows
                    .iter()
                    .any(|(w, _, parts)| w.index == k && parts.contains(&UserPart::Umask)));
            }
            cases += 1;

            // A seccomp profile the policy does not list.
            let mut m = base.clone();
            m["seccompProfileSHA256"] =
                json!("0000000000000000000000000000000000000000000000000000000000000000");
            let (h, want) = s.both(
                &format!("{name}[{k}] seccomp"),
                "create_container",
                &m,
                false,
            );
            if want.errors.contains(&"invalid seccomp".to_string()) {
                assert!(matches!(check(&h, "invalid seccomp"), Check::Seccomp(_)));
            }
            cases += 1;

            // One capability less, and one more.
            let mut m = base.clone();
            let removed = m["capabilities"]["bounding"].as_array_mut().unwrap().pop();
            let (h, want) = s.both(
                &format!("{name}[{k}] capability missing"),
                "create_container",
                &m,
                false,
            );
            if let (Some(cap), true) = (
                removed,
                want.errors
                    .contains(&"capabilities don't match".to_string()),
            ) {
                let Check::Capabilities(cc) = check(&h, "capabilities don't match") else {
                    panic!()
                };
                let row = cc.rows.iter().find(|r| r.who.index == k).unwrap();
                assert!(row
                    .sets
                    .iter()
                    .any(|(set, allowed_only, _)| *set == "bounding"
                        && allowed_only.contains(&cap.as_str().unwrap().to_string())));
            }
            let mut m = base.clone();
            m["capabilities"]["bounding"]
                .as_array_mut()
                .unwrap()
                .push(json!("CAP_SYS_TIME"));
            s.both(
                &format!("{name}[{k}] capability extra"),
                "create_container",
                &m,
                false,
            );
            cases += 2;
        }
    }
    eprintln!("create_container: {cases} cases agree with the framework");
    assert!(cases >= 100, "{cases}");
}

#[test]
fn mount_device_and_overlay_agree_with_the_framework() {
    let mut cases = 0;
    for (name, text, k) in distinct_scenes() {
        {
            let s = scene(&text, k);
            let layers = s.policy.container_list()[k].layers.clone();
            // Each layer mounts; a changed hash does not.
            let last = layers.len() - 1;
            let input = json!({"deviceHash": layers[last], "target": "/run/layers/new"});
            let (h, want) = s.both(
                &format!("{name}[{k}] device"),
                "mount_device",
                &input,
                false,
            );
            assert!(want.allowed);
            assert!(h.checks.is_empty());
            let flip = if layers[last].ends_with('0') {
                '1'
            } else {
                '0'
            };
            let bad = format!("{}{flip}", &layers[last][..63]);
            let input = json!({"deviceHash": bad, "target": "/run/layers/new"});
            let (h, want) = s.both(
                &format!("{name}[{k}] device hash"),
                "mount_device",
                &input,
                false,
            );
            assert_eq!(want.errors, vec!["deviceHash not found".to_string()]);
            let Check::DeviceHash(dc) = check(&h, "deviceHash not found") else {
                panic!()
            };
            assert!(dc.hits.is_empty());
            // The same hash in upper case is a case-only match: still denied.
            let upper = layers[last].to_uppercase();
            if upper != layers[last] {
                let (h, _) = s.both(
                    &format!("{name}[{k}] device case"),
                    "mount_device",
                    &json!({"deviceHash": upper, "target": "/x"}),
                    false,
                );
                let Check::DeviceHash(dc) = check(&h, "deviceHash not found") else {
                    panic!()
                };
                assert!(dc.case_only.iter().any(|hit| hit.who.index == k
                    && hit.position == last + 1
                    && hit.of == layers.len()));
            }
            // The overlay with one layer missing matches no container.
            if layers.len() > 1 {
                let paths: Vec<String> = s.paths[1..].to_vec();
                let input = json!({"containerID": "other", "layerPaths": paths, "target": "/run/gcs/c/other/rootfs"});
                let want = s.oracle.ask(
                    "mount_overlay",
                    &input,
                    &json!({"devices": s.metadata(false)["devices"]}),
                );
                let denial = Denial {
                    rule: Some("mount_overlay".into()),
                    input: input.as_object().cloned(),
                    errors: want.errors.clone(),
                    truncated: vec![],
                };
                let ev = Evidence {
                    devices: s.devices.clone(),
                    ..Evidence::default()
                };
                let h = compare::hold(&s.policy, &denial, &ev, &Guest::released_0_3());
                let p = h.prediction.as_ref().unwrap();
                assert_eq!(
                    (p.allowed, &p.errors),
                    (want.allowed, &want.errors),
                    "{name}[{k}] overlay"
                );
                assert!(want
                    .errors
                    .contains(&"no matching containers for overlay".to_string()));
                let Check::Overlay(oc) = check(&h, "no matching containers") else {
                    panic!()
                };
                assert_eq!(oc.layers_requested, Some(layers.len() - 1));
                assert!(oc
                    .rows
                    .iter()
                    .any(|(w, n, m)| w.index == k && *n == layers.len() && *m == Some(false)));
                cases += 1;
            }
            cases += 2;
        }
    }
    eprintln!("mount_device/mount_overlay: {cases} cases agree");
    assert!(cases >= 20);
}

#[test]
fn signals_and_exec_agree_with_the_framework() {
    let mut cases = 0;
    for (name, text, k) in distinct_scenes() {
        {
            let s = scene(&text, k);
            let c = s.policy.container_list()[k].clone();
            for sig in [1, 3, 9, 15] {
                let input = json!({"containerID": s.cid, "signal": sig, "isInitProcess": true, "argList": c.command});
                let (h, want) = s.both(
                    &format!("{name}[{k}] signal {sig}"),
                    "signal_container_process",
                    &input,
                    true,
                );
                assert_eq!(
                    want.allowed,
                    c.signals.contains(&sig),
                    "{name}[{k}] signal {sig}"
                );
                if !want.allowed {
                    let Check::Signal(sc) = check(&h, "target isn't allowed") else {
                        panic!()
                    };
                    assert_eq!(sc.signal, Some(sig));
                    assert!(sc.name.is_some());
                    assert!(sc
                        .rows
                        .iter()
                        .any(|r| r.who.index == k && r.signals == c.signals));
                }
                cases += 1;
            }
            // Exec: each listed process is allowed; `sh` for `/bin/sh` is not.
            let base = s.create_input();
            for x in &c.exec_processes {
                let mut input = base.clone();
                input["argList"] = json!(x.command);
                let (_, want) = s.both(
                    &format!("{name}[{k}] exec {:?}", x.command),
                    "exec_in_container",
                    &input,
                    true,
                );
                assert!(
                    want.allowed,
                    "{name}[{k}] exec {:?}: {:?}",
                    x.command, want.errors
                );
                cases += 1;
            }
            let mut input = base.clone();
            input["argList"] = json!(["sh"]);
            let (h, want) = s.both(
                &format!("{name}[{k}] exec sh"),
                "exec_in_container",
                &input,
                true,
            );
            assert!(!want.allowed);
            let Check::Command(cc) = check(&h, "invalid command") else {
                panic!()
            };
            assert_eq!(cc.source, compare::CommandSource::Exec);
            assert_eq!(cc.rows.len(), c.exec_processes.len());
            cases += 1;
        }
    }
    eprintln!("signal/exec: {cases} cases agree");
}

#[test]
fn flags_fragments_and_versions_agree_with_the_framework() {
    let mut cases = 0;
    for name in POLICIES {
        let text = fixture(name);
        let s = scene(&text, 0);
        for rule in ["get_properties", "dump_stacks", "runtime_logging"] {
            let (h, want) = s.both(&format!("{name} {rule}"), rule, &json!({}), false);
            let flag = compare::flag_of_rule(rule).unwrap();
            assert_eq!(want.allowed, s.policy.flag(flag) == Some(true));
            if !want.allowed {
                assert!(h.checks.iter().any(|c| matches!(&c.check, Check::Flag(f) if f.flag == flag && f.value == Some(false))));
            }
            cases += 1;
        }
        // load_fragment, with the fragment module the guest would add.
        for f in s.policy.fragment_list() {
            let issuer = f.issuer.clone().unwrap();
            let feed = f.feed.clone().unwrap();
            let min = f.minimum_svn.clone().unwrap();
            // Numeric svns only: regorus raises an error for `to_number("1.0.0")` where OPA (and
            // so the guest) makes it undefined, so the old semver `minimum_svn` (policy 05a)
            // cannot be asked of it; `fragments_with_semver_svn` below covers that by hand.
            if min.contains('.') {
                continue;
            }
            let svns: &[&str] = &["1", "0", "4"];
            for svn in svns {
                let module =
                    format!("package fragns\n\nsvn := \"{svn}\"\nframework_version := \"0.2.3\"\n");
                let oracle = Oracle::new(&text, &[("fragment.rego", &module)]);
                for (label, iss, fd) in [
                    ("ok", issuer.as_str(), feed.as_str()),
                    ("issuer", "did:web:someone.else", feed.as_str()),
                    ("feed", issuer.as_str(), "example.azurecr.io/other"),
                ] {
                    let input = json!({"issuer": iss, "feed": fd, "namespace": "fragns", "local_path": "/x"});
                    let want = oracle.ask("load_fragment", &input, &json!({}));
                    let denial = Denial {
                        rule: Some("load_fragment".into()),
                        input: input.as_object().cloned(),
                        errors: want.errors.clone(),
                        truncated: vec![],
                    };
                    let ev = Evidence {
                        fragment_svn: Some(svn.to_string()),
                        fragment_framework_version: Some("0.2.3".into()),
                        ..Evidence::default()
                    };
                    let h = compare::hold(&s.policy, &denial, &ev, &Guest::released_0_3());
                    let p = h.prediction.as_ref().unwrap();
                    assert_eq!(
                        (p.allowed, &p.errors),
                        (want.allowed, &want.errors),
                        "{name} fragment {label} svn {svn}"
                    );
                    if !want.errors.is_empty() {
                        let Check::Fragment(fc) = &h.checks[0].check else {
                            panic!("{:?}", h.checks)
                        };
                        assert_eq!(fc.issuer.as_deref(), Some(iss));
                        assert!(fc
                            .rows
                            .iter()
                            .any(|r| r.issuer_matches == (label != "issuer")));
                    }
                    cases += 1;
                }
            }
        }
    }
    // framework_version ahead of the guest.
    let text = fixture("03-confcom-aci-command-policy.rego");
    let ahead = text.replace(
        "framework_version := \"0.2.3\"",
        "framework_version := \"0.5.0\"",
    );
    let s = scene(&ahead, 0);
    assert_eq!(
        s.matches,
        json!([]),
        "no container matches a policy ahead of the guest"
    );
    let input = s.create_input();
    let (h, want) = s.both("framework_version ahead", "create_container", &input, false);
    assert!(want.errors.contains(
        &"framework_version is ahead of the current version: 0.5.0 is greater than 0.3.0"
            .to_string()
    ));
    let Check::FrameworkVersion(vc) = check(&h, "framework_version is") else {
        panic!()
    };
    assert!(vc.ahead);
    assert_eq!(vc.guest, "0.3.0");
    assert_eq!(vc.policy, Some(("0.5.0".to_string(), "framework_version")));
    cases += 1;
    // Env dropping off: the extra variable now denies.
    let t = text.replace(
        "allow_environment_variable_dropping := true",
        "allow_environment_variable_dropping := false",
    );
    let s = scene(&t, 0);
    let mut m = s.create_input();
    m["envList"]
        .as_array_mut()
        .unwrap()
        .push(json!("NEW_PLATFORM_VAR=1"));
    let (h, want) = s.both("dropping off", "create_container", &m, false);
    assert!(!want.allowed);
    let Check::EnvList(ec) = check(&h, "invalid env list") else {
        panic!()
    };
    assert_eq!(ec.dropping, Some(false));
    cases += 1;
    eprintln!("flags/fragments/versions: {cases} cases agree");
}

/// Cases regorus cannot be asked (it raises an error where OPA, and so the guest, makes a builtin
/// call undefined): a missing `framework_version` and the old semver `minimum_svn`. The expected
/// answers follow framework.rego read with OPA's semantics.
#[test]
fn cases_the_oracle_cannot_evaluate() {
    let g = Guest::released_0_3();
    let text = fixture("03-confcom-aci-command-policy.rego")
        .replace("framework_version := \"0.2.3\"\n", "");
    let p = read_policy(&text);
    let d = Denial {
        rule: Some("get_properties".into()),
        input: Some(Map::new()),
        errors: vec!["framework_version is missing. Current version: 0.3.0".into()],
        truncated: vec![],
    };
    let h = compare::hold(&p, &d, &Evidence::default(), &g);
    assert_eq!(h.agrees, Some(true));
    let Check::FrameworkVersion(vc) = &h.checks[0].check else {
        panic!()
    };
    assert!(!vc.ahead && vc.policy.is_none());

    // 05a: `minimum_svn: "1.0.0"`; a semver svn compares as semver, a number is another type.
    let p = read_policy(&fixture("05a-caci-examples-old-framework_svn-ba712ae.rego"));
    let f = &p.fragment_list()[0];
    let input = json!({"issuer": f.issuer, "feed": f.feed, "namespace": "fragns"});
    for (svn, allowed, errors) in [
        ("1.0.0", true, vec![]),
        ("1.2.0", true, vec![]),
        (
            "0.9.0",
            false,
            vec!["fragment svn is below the specified minimum"],
        ),
        (
            "2",
            false,
            vec!["fragment svn and the specified minimum are different types"],
        ),
    ] {
        let ev = Evidence {
            fragment_svn: Some(svn.into()),
            fragment_framework_version: Some("0.1.0".into()),
            ..Evidence::default()
        };
        let pr = compare::evaluate(
            &p,
            "load_fragment",
            input.as_object().unwrap(),
            &[],
            &ev,
            &g,
        );
        assert_eq!(
            (
                pr.allowed,
                pr.errors.iter().map(String::as_str).collect::<Vec<_>>()
            ),
            (allowed, errors),
            "svn {svn}"
        );
    }
}
