//! Reading a decision's input like an expert: what particular values tell.

use serde_json::Value;

/// Linux signal names by number (x86-64 numbering, as the guest uses).
pub fn signal_name(n: i64) -> Option<&'static str> {
    Some(match n {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        16 => "SIGSTKFLT",
        17 => "SIGCHLD",
        18 => "SIGCONT",
        19 => "SIGSTOP",
        20 => "SIGTSTP",
        21 => "SIGTTIN",
        22 => "SIGTTOU",
        23 => "SIGURG",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        26 => "SIGVTALRM",
        27 => "SIGPROF",
        28 => "SIGWINCH",
        29 => "SIGIO",
        30 => "SIGPWR",
        31 => "SIGSYS",
        _ => return None,
    })
}

/// What a `truncated` list means, in plain words.
pub fn truncation_meaning(dropped: &[String]) -> String {
    let has = |x: &str| dropped.iter().any(|d| d == x);
    let mut parts: Vec<&str> = Vec::new();
    if has("reason.error_objects") {
        parts.push("the candidate containers or processes the policy compared against (`reason.error_objects`)");
    }
    if has("input") {
        parts.push("the enforcement point's input (`input`): which container, command, mount or layer was involved, and the rule name itself");
    }
    if has("reason") {
        parts.push("the reason (`reason`): the error messages themselves");
    }
    let unknown: Vec<&String> = dropped
        .iter()
        .filter(|d| !matches!(d.as_str(), "reason.error_objects" | "input" | "reason"))
        .collect();
    let mut s = String::from(
        "The guest limits a policy error to 3 KiB (3,072 characters including the markers) and drops parts of the decision, in a fixed order, until it fits. ",
    );
    if parts.is_empty() {
        s.push_str("The list names nothing the app recognises. ");
    } else {
        s.push_str("Dropped here: ");
        s.push_str(&parts.join("; "));
        s.push_str(". ");
    }
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|u| format!("`{u}`")).collect();
        s.push_str(&format!(
            "It also lists {}, which the guest never writes: the paste may be damaged. ",
            names.join(", ")
        ));
    }
    if has("input") {
        s.push_str("Without the input, the wrapper text in the event (such as \"container creation denied due to policy\") tells which enforcement point denied. ");
    }
    s.push_str("The full decision is not logged anywhere you can reach; to see exactly what was compared, reproduce with the same manifest and compare it with the policy (`az confcom acipolicygen --virtual-node-yaml pod.yaml --diff`).");
    s
}

/// Notes on one input field's value, beyond the field's general meaning.
pub fn field_notes(rule: Option<&str>, field: &str, value: &Value) -> Vec<String> {
    let mut notes = Vec::new();
    match (field, value) {
        ("deviceHash", Value::String(h)) => {
            notes.push(format!(
                "A dm-verity root hash ({} hex digits{}), not a registry or `docker image inspect` digest. Compute the image's layer hashes with `dmverity-vhd --docker roothash -i <image>` and compare.",
                h.len(),
                if h.len() == 64 { "" } else { "; a whole one has 64, so this one is incomplete" }
            ));
        }
        ("target", Value::String(t)) if rule.is_none_or(|r| r.contains("mount")) => {
            if t.starts_with("/run/mounts/scsi/") {
                notes.push(
                    "The `/run/mounts/scsi/mN` form comes from newer guests (since late 2025)."
                        .into(),
                );
            } else if t.starts_with("/run/mounts/m") {
                notes.push(
                    "The `/run/mounts/mN` form comes from older guests (before late 2025).".into(),
                );
            }
        }
        ("envList", Value::Array(items)) => {
            let names: Vec<String> = items
                .iter()
                .filter_map(|v| v.as_str())
                .map(|s| s.split('=').next().unwrap_or(s).to_string())
                .collect();
            notes.push(format!(
                "{} {}: {}. The platform replaces every value with <<redacted>> before reporting; values are never included.",
                names.len(),
                if names.len() == 1 { "variable" } else { "variables" },
                names.join(", ")
            ));
        }
        ("capabilities", Value::String(p)) if p == "[privileged]" || p == "[unprivileged]" => {
            notes.push(format!(
                "`{p}` is a placeholder: the capability sets equal the default {} sets, so the guest wrote this short form instead of listing them.",
                p.trim_matches(['[', ']'])
            ));
        }
        ("signal", Value::Number(n)) => {
            if let Some(name) = n.as_i64().and_then(signal_name) {
                notes.push(format!(
                    "Signal {n} is {name}. To a container's init process (`isInitProcess: true`), policies with a framework_version below 0.4.1 allow SIGKILL (9) and SIGTERM (15) implicitly; newer policies must list every stop signal in the container's `signals`. An exec'd process needs it in that process's `signals`."
                ));
            }
        }
        _ => {}
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn signals_by_name() {
        assert_eq!(signal_name(9), Some("SIGKILL"));
        assert_eq!(signal_name(15), Some("SIGTERM"));
        assert_eq!(signal_name(99), None);
    }

    #[test]
    fn env_names_without_values() {
        let n = field_notes(
            Some("create_container"),
            "envList",
            &json(r#"["A=<<redacted>>", "B=<<redacted>>"]"#),
        );
        assert!(n[0].starts_with("2 variables: A, B."));
    }

    #[test]
    fn mount_target_age() {
        assert!(
            field_notes(Some("mount_device"), "target", &json(r#""/run/mounts/m9""#))[0]
                .contains("older")
        );
        assert!(field_notes(
            Some("mount_device"),
            "target",
            &json(r#""/run/mounts/scsi/m2""#)
        )[0]
        .contains("newer"));
    }

    #[test]
    fn truncation_mentions_what_was_dropped() {
        let s = truncation_meaning(&["input".into()]);
        assert!(s.contains("`input`"));
        assert!(!s.contains("`reason`)"));
        let s = truncation_meaning(&["igput".into()]);
        assert!(s.contains("`igput`"));
    }

    #[test]
    fn a_short_device_hash_is_called_incomplete() {
        let whole = Value::String("a".repeat(64));
        let cut = Value::String("a".repeat(48));
        assert!(!field_notes(Some("mount_device"), "deviceHash", &whole)[0].contains("incomplete"));
        assert!(field_notes(Some("mount_device"), "deviceHash", &cut)[0]
            .contains("48 hex digits; a whole one has 64, so this one is incomplete"));
    }
}
