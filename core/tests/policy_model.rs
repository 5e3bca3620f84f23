//! Every real policy in `fixtures/policy/` (provenance in its SOURCES.md) read into the model:
//! the containers each one lists, its generation, flags, bindings and what kind of policy it is.

use aci_triage_core::policy::model::{
    read_policy, Access, Binding, EnvRule, Field, Flavor, Generation, NameSource, Stdio, Strategy,
};
use aci_triage_core::policy::read_paste;

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (label, layer count, command) of each container.
type Row = (String, usize, Option<Vec<String>>);

fn summary(name: &str) -> Vec<Row> {
    read_policy(&fixture(name))
        .container_list()
        .iter()
        .map(|c| (c.label.clone(), c.layers.len(), c.command.clone()))
        .collect()
}

fn v(s: &[&str]) -> Option<Vec<String>> {
    Some(s.iter().map(|x| x.to_string()).collect())
}

#[test]
fn each_real_policy_lists_the_expected_containers() {
    let pause = ("pause-container".to_string(), 1, v(&["/pause"]));
    let cmd03 = v(&["/bin/sh", "-c", "while true; do echo hello; sleep 10; done"]);
    let expected: Vec<(&str, Vec<Row>)> = vec![
        (
            "01-vn2-nginx-policy.rego",
            vec![
                ("mypod".into(), 2, v(&["nginx", "-g", "daemon off;"])),
                pause.clone(),
            ],
        ),
        ("02-vn2-allow-all-policy.rego", vec![]),
        (
            "03-confcom-aci-command-policy.rego",
            vec![("container1".into(), 1, cmd03.clone()), pause.clone()],
        ),
        (
            "03-confcom-aci-command-policy_debug.rego",
            vec![("container1".into(), 1, cmd03.clone()), pause.clone()],
        ),
        (
            "05a-caci-examples-old-framework_svn-ba712ae.rego",
            vec![
                (
                    "caciexamples.azurecr.io/simple_server:latest".into(),
                    11,
                    v(&["python", "payload.py"]),
                ),
                pause.clone(),
            ],
        ),
        (
            "06-hcsshim-test-policy-v0.1.0.rego",
            vec![
                pause.clone(),
                ("container 2".into(), 1, v(&["ash", "-c", "echo 'Hello'"])),
            ],
        ),
        ("07-caci-testing-allow_all_policy.rego", vec![]),
        (
            "08-confcom-aci-command-policy_exclude_default_fragment-newer.rego",
            vec![("container1".into(), 1, cmd03), pause.clone()],
        ),
        (
            "09-confcom-vn2-basic_command_args-policy.rego",
            vec![
                ("app".into(), 1, v(&["/bin/sh", "-c", "echo hello"])),
                pause,
            ],
        ),
    ];
    for (name, want) in expected {
        assert_eq!(summary(name), want, "{name}");
    }
}

#[test]
fn generations_flags_and_bindings() {
    let p = read_policy(&fixture("01-vn2-nginx-policy.rego"));
    assert_eq!(p.flavor, Flavor::Standard);
    assert_eq!(p.package.as_deref(), Some("policy"));
    assert_eq!(
        p.generation,
        Generation::Versioned {
            api: Some("0.10.0".into()),
            framework: Some("0.2.3".into())
        }
    );
    assert!(p.debug_mode, "VN2 sample has the debug shells");
    assert_eq!(p.stdio, Stdio::AllAllowed);
    assert_eq!(p.fragment_list().len(), 1);
    let f = &p.fragment_list()[0];
    assert_eq!(
        f.feed.as_deref(),
        Some("mcr.microsoft.com/aci/aci-cc-infra-fragment")
    );
    assert_eq!(f.minimum_svn.as_deref(), Some("1"));
    assert_eq!(f.includes, vec!["containers", "fragments"]);
    assert_eq!(p.flag("allow_dump_stacks"), Some(true));
    assert_eq!(p.flag("allow_unencrypted_scratch"), Some(false));
    assert_eq!(p.flags.len(), 6);
    assert!(p.flags.iter().all(|f| f.known));
    assert_eq!(p.rules.len(), 17);
    assert!(p
        .rules
        .iter()
        .all(|r| matches!(&r.binding, Binding::Framework(n) if *n == r.point)));
    let c = &p.container_list()[0];
    assert_eq!(c.label_source, NameSource::Policy);
    assert_eq!(
        c.id.as_deref(),
        Some("mcr.microsoft.com/oss/nginx/nginx:1.17.3-alpine")
    );
    assert_eq!(c.signals, vec![15]);
    assert_eq!(c.working_dir.as_deref(), Some("/"));
    assert_eq!(c.allow_elevated, Some(false));
    let sa = c
        .mounts
        .iter()
        .find(|m| m.destination.as_deref() == Some("/var/run/secrets/kubernetes.io/serviceaccount"))
        .unwrap();
    assert_eq!(sa.access(), Access::Ro);
    assert_eq!(
        sa.source.as_deref(),
        Some("sandbox:///tmp/atlas/emptydir/.+")
    );
    assert!(c.env_rules.iter().any(|r| matches!(r, EnvRule::Pattern { pattern, strategy: Strategy::Re2, .. } if pattern == "[A-Z0-9_]+_SERVICE_HOST=.+")));
    assert_eq!(c.capabilities.as_ref().unwrap().bounding.len(), 14);
    let u = c.user.as_ref().unwrap();
    assert_eq!(u.umask.as_deref(), Some("0022"));
    assert_eq!(u.user_idname.as_ref().unwrap().strategy, "any");
    assert!(c.missing.is_empty() && c.malformed.is_empty());

    let d = read_policy(&fixture("03-confcom-aci-command-policy_debug.rego"));
    assert!(d.debug_mode);
    assert!(!read_policy(&fixture("03-confcom-aci-command-policy.rego")).debug_mode);

    let old = read_policy(&fixture("05a-caci-examples-old-framework_svn-ba712ae.rego"));
    assert_eq!(old.generation, Generation::SvnSpelling);
    assert_eq!(old.framework_version.as_ref().unwrap().key, "framework_svn");
    assert_eq!(old.fragment_list()[0].minimum_svn.as_deref(), Some("1.0.0"));
    assert_eq!(old.container_list()[0].label_source, NameSource::ImageId);
    assert!(
        old.container_list()[0].user.is_none(),
        "no user rule before framework 0.2.1"
    );
    assert_eq!(old.flags.len(), 5);

    let hcs = read_policy(&fixture("06-hcsshim-test-policy-v0.1.0.rego"));
    assert_eq!(hcs.container_list()[0].label_source, NameSource::Pause);
    assert_eq!(hcs.container_list()[1].label_source, NameSource::Position);
    // Backtick raw strings read as strings.
    assert!(
        matches!(&hcs.container_list()[0].env_rules[0], EnvRule::Pattern { pattern, required: true, .. } if pattern.starts_with("PATH=/usr/local/sbin"))
    );
    let ext = hcs.external_processes.value().unwrap();
    assert_eq!(ext.len(), 2);
    assert_eq!(ext[0].command, v(&["ls", "-l", "/dev/mapper"]));
    assert_eq!(hcs.flag("allow_environment_variable_dropping"), Some(false));
    assert_eq!(hcs.stdio, Stdio::AllDisabled);

    let newer = read_policy(&fixture(
        "08-confcom-aci-command-policy_exclude_default_fragment-newer.rego",
    ));
    assert_eq!(newer.fragments, Field::Value(vec![]));
    assert_eq!(newer.container_list()[0].signals, vec![9, 15]);
    assert!(newer.binding("rw_mount_device").is_some());

    let vn2 = read_policy(&fixture("09-confcom-vn2-basic_command_args-policy.rego"));
    assert_eq!(vn2.fragment_list()[0].minimum_svn.as_deref(), Some("4"));
    assert!(vn2.container_list()[0]
        .env_rules
        .contains(&EnvRule::Pattern {
            pattern: "APP_MODE=production".into(),
            strategy: Strategy::String,
            required: false
        }));
}

#[test]
fn allow_all_fragment_only_and_kata_are_recognised() {
    for name in [
        "02-vn2-allow-all-policy.rego",
        "07-caci-testing-allow_all_policy.rego",
    ] {
        let p = read_policy(&fixture(name));
        assert_eq!(p.flavor, Flavor::AllowAll, "{name}");
        assert!(p.rules.iter().all(|r| matches!(
            r.binding,
            Binding::Literal {
                allowed: Some(true),
                ..
            }
        )));
    }
    assert_eq!(
        read_policy(&fixture("02-vn2-allow-all-policy.rego")).generation,
        Generation::SvnSpelling
    );

    // A policy whose workload is in its fragments: only the pause container of its own.
    let text = fixture("03-confcom-aci-command-policy.rego");
    let start = text.find("containers := [").unwrap();
    let pause = text.find("{\"allow_elevated\":false,\"allow_stdio_access\":true,\"capabilities\":{\"ambient\":[],\"bounding\":[\"CAP_CHOWN\"").unwrap();
    let fragment_only = format!("{}containers := [{}", &text[..start], &text[pause..]);
    let p = read_policy(&fragment_only);
    assert_eq!(p.container_list().len(), 1);
    assert_eq!(p.flavor, Flavor::FragmentOnly);

    let kata = "package agent_policy\n\nimport future.keywords.in\n\ndefault CreateContainerRequest := false\n\npolicy_data := {\n  \"containers\": [\n    {\"OCI\": {\"Version\": \"1.1.0\", \"Process\": {\"Args\": [\"/pause\"]}}},\n    {\"OCI\": {\"Version\": \"1.1.0\", \"Process\": {\"Args\": [\"nginx\", \"-g\", \"daemon off;\"]}}}\n  ],\n  \"common\": {},\n  \"request_defaults\": {\"ExecProcessRequest\": {\"commands\": []}}\n}\n";
    let p = read_policy(kata);
    assert_eq!(p.flavor, Flavor::Kata);
    let k = p.kata.as_ref().unwrap();
    assert_eq!(k.containers, Some(2));
    assert_eq!(k.process_args[1], vec!["nginx", "-g", "daemon off;"]);

    let frag = "package contoso\n\nsvn := \"3\"\nframework_version := \"0.2.3\"\n\nfragments := []\ncontainers := []\n";
    assert_eq!(
        read_policy(frag).flavor,
        Flavor::Fragment {
            namespace: "contoso".into()
        }
    );
}

#[test]
fn literal_reader_tolerates_rego_layouts_and_refuses_non_literals() {
    // opa fmt layout: tabs, trailing commas, comments.
    let t = "package policy\n\napi_version := \"0.10.0\" # api\nframework_version := \"0.2.3\"\n\ncontainers := [\n\t{\n\t\t\"command\": [\"a\", \"b\",],\n\t\t# a comment [with brackets]\n\t\t\"layers\": [`abc`],\n\t\t\"env_rules\": [{\"pattern\": `X=[a-z]+`, \"strategy\": \"re2\", \"required\": false,},],\n\t},\n]\nfragments := data.other.fragments\nallow_dump_stacks := input.x\n";
    let p = read_policy(t);
    let c = &p.container_list()[0];
    assert_eq!(c.command, v(&["a", "b"]));
    assert_eq!(c.layers, vec!["abc"]);
    assert!(matches!(&c.env_rules[0], EnvRule::Pattern { pattern, .. } if pattern == "X=[a-z]+"));
    assert_eq!(
        p.fragments,
        Field::NotLiteral("data.other.fragments".into())
    );
    assert!(matches!(&p.flags[0].value, Field::NotLiteral(t) if t == "input.x"));
    // A regex with brackets inside a string does not end the literal.
    let t = "package policy\ncontainers := [{\"env_rules\": [{\"pattern\": \"A=[\", \"strategy\": \"re2\"}], \"command\": [\"]\"]}]\n";
    let p = read_policy(t);
    assert_eq!(p.container_list()[0].command, v(&["]"]));
    // A conditional assignment is not a literal.
    let t = "package policy\ncontainers := [] { input.x }\n";
    assert!(matches!(read_policy(t).containers, Field::NotLiteral(_)));
}

#[test]
fn the_decoded_annotation_of_the_vn2_pod_is_the_saved_policy() {
    // 01's pod carries the policy 01-vn2-nginx-policy.rego as base64.
    let paste = read_paste(&fixture("01-vn2-nginx-pod.yaml"));
    assert_eq!(paste.policies.len(), 1);
    assert_eq!(paste.policies[0].text, fixture("01-vn2-nginx-policy.rego"));
}
