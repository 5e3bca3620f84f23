//! Reading the event text around a blob.
//!
//! The guest wraps every policy error in a sentence that names what it was doing (`container
//! creation denied due to policy: `); the host adds its own layers (`failed to create container
//! <id>: `, `guest RPC failure: `). When the enforcer dropped `input` to fit its size limit, the
//! wrapper is the only way to tell which enforcement point denied. The text may be split across
//! lines or escaped; it is read in its normalised form (see [`super::units::normalized_lower`]).
//! `kubectl describe` adds its own count of repeats to an event's row (`(x12 over 10m)`).

use super::units;

/// How far back from a blob the wrapper text is read.
const WINDOW: usize = 700;

/// What the event text around a blob says.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Context {
    /// The guest's wrapper sentence before the blob, when one was recognised.
    pub wrapper: Option<Wrapper>,
    /// Details from the host's layers of the message (container ID, correlation IDs).
    pub host: Vec<(String, String)>,
    /// The repeat count `kubectl describe` printed on the blob's line, or 0.
    pub kubectl_count: u32,
}

/// Reads the event text before the blob that starts at `at`, but not before `from` (where the
/// previous blob ended: its text belongs to it).
pub fn read(text: &str, from: usize, at: usize) -> Context {
    let start = at.saturating_sub(WINDOW).max(from);
    let start = (start..=at)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(at);
    let window = units::normalized_lower(text.as_bytes(), start, at);
    Context {
        wrapper: infer_wrapper(&window),
        host: host_details(&window),
        kubectl_count: kubectl_count(text, at),
    }
}

/// The `(xN over …)` count of a `kubectl describe` events row, before `at` on its line.
pub fn kubectl_count(text: &str, at: usize) -> u32 {
    let b = text.as_bytes();
    let from = at.saturating_sub(1000);
    let line = b[from..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |p| from + p + 1);
    let row = &b[line..at];
    row.windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"(x")
        .find_map(|(i, _)| {
            let digits = &row[i + 2..];
            let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
            let count = std::str::from_utf8(&digits[..n]).ok()?.parse().ok()?;
            digits[n..].starts_with(b" over ").then_some(count)
        })
        .unwrap_or(0)
}

/// One wrapper sentence of the guest and the enforcement point it belongs to.
struct WrapperPattern {
    /// Lower-case text; `{name}` marks a variable part.
    pattern: &'static str,
    rule: &'static str,
    /// Other enforcement points the same sentence is used for.
    alternatives: &'static [&'static str],
}

/// The GCS wrapper texts (microsoft/hcsshim `internal/guest/runtime/hcsv2/uvm.go`,
/// `pkg/securitypolicy/securitypolicy_options.go`, `internal/gcs-sidecar/handlers.go`).
const WRAPPERS: &[WrapperPattern] = &[
    WrapperPattern { pattern: "container creation denied due to policy", rule: "create_container", alternatives: &[] },
    WrapperPattern { pattern: "mounting scsi device controller {controller} lun {lun} onto {target} with mount options {options} denied by policy", rule: "mount_device", alternatives: &["rw_mount_device"] },
    WrapperPattern { pattern: "mounting scsi device controller {controller} lun {lun} onto {target} denied by policy", rule: "mount_device", alternatives: &["rw_mount_device"] },
    WrapperPattern { pattern: "creating blockdev symlink at {target} (-> scsi controller {controller} lun {lun}) denied by policy", rule: "mount_blockdev", alternatives: &[] },
    WrapperPattern { pattern: "unmounting scsi device at {target} denied by policy", rule: "unmount_device", alternatives: &["rw_unmount_device"] },
    WrapperPattern { pattern: "removing blockdev symlink at {target} (-> scsi controller {controller} lun {lun}) denied by policy", rule: "unmount_blockdev", alternatives: &[] },
    WrapperPattern { pattern: "mounting pmem device {device} onto {target} denied by policy", rule: "mount_device", alternatives: &[] },
    WrapperPattern { pattern: "unmounting pmem device from {target} denied by policy", rule: "unmount_device", alternatives: &[] },
    WrapperPattern { pattern: "overlay creation denied by policy", rule: "mount_overlay", alternatives: &[] },
    WrapperPattern { pattern: "scratch mounting denied by policy", rule: "scratch_mount", alternatives: &[] },
    WrapperPattern { pattern: "overlay removal denied by policy", rule: "unmount_overlay", alternatives: &[] },
    WrapperPattern { pattern: "mounting plan9 device at {target} denied by policy", rule: "plan9_mount", alternatives: &[] },
    WrapperPattern { pattern: "unmounting plan9 device at {target} denied by policy", rule: "plan9_unmount", alternatives: &[] },
    WrapperPattern { pattern: "exec in container denied due to policy", rule: "exec_in_container", alternatives: &[] },
    WrapperPattern { pattern: "exec is denied due to policy", rule: "exec_external", alternatives: &[] },
    WrapperPattern { pattern: "get properties denied due to policy", rule: "get_properties", alternatives: &[] },
    WrapperPattern { pattern: "dump stacks denied due to policy", rule: "dump_stacks", alternatives: &[] },
    WrapperPattern { pattern: "error loading security policy fragment", rule: "load_fragment", alternatives: &[] },
    WrapperPattern { pattern: "error loading transparency trust list", rule: "load_transparency_trust_list", alternatives: &[] },
    WrapperPattern { pattern: "createcontainer operation is denied by policy", rule: "create_container", alternatives: &[] },
    WrapperPattern { pattern: "registry entry operation is denied by policy", rule: "registry_changes", alternatives: &[] },
    WrapperPattern { pattern: "cim mount is denied by policy", rule: "mount_cims", alternatives: &[] },
    WrapperPattern { pattern: "log providers denied by policy", rule: "log_provider", alternatives: &[] },
];

/// What the wrapper text says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    /// The enforcement point the wrapper belongs to.
    pub rule: &'static str,
    /// Other enforcement points the same wrapper is used for.
    pub alternatives: &'static [&'static str],
    /// The wrapper as it appeared (normalised).
    pub text: String,
    /// Variable parts of the wrapper (SCSI controller, LUN, mount target …).
    pub details: Vec<(String, String)>,
}

/// Longest stretch a variable part of a wrapper may have.
const MAX_VAR: usize = 300;

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Matches `pattern` so that it ends exactly at the end of `window`.
fn match_suffix(window: &str, pattern: &str) -> Option<(usize, Vec<(String, String)>)> {
    // Split into literals and variable names: lit0 {v1} lit1 {v2} lit2 ...
    let mut literals: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        literals.push(&rest[..open]);
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    literals.push(rest);

    let last = literals.last()?;
    if !window.ends_with(last) {
        return None;
    }
    let mut end = window.len() - last.len();
    let mut values: Vec<(String, String)> = Vec::new();
    for idx in (0..names.len()).rev() {
        let lit = literals[idx];
        let search_from = end.saturating_sub(MAX_VAR + lit.len());
        let search_from = (search_from..=end).find(|&i| window.is_char_boundary(i))?;
        let hay = &window[search_from..end];
        let pos = hay.rfind(lit)? + search_from;
        let value = window[pos + lit.len()..end].trim();
        if value.is_empty() || value.contains(": ") {
            return None;
        }
        values.push((names[idx].to_string(), value.to_string()));
        end = pos;
    }
    values.reverse();
    let start = end;
    // The wrapper must start at a word boundary ("unmounting" is not "mounting").
    if window[..start].chars().next_back().is_some_and(is_word) {
        return None;
    }
    Some((start, values))
}

/// Reads the wrapper that ends right before a blob. `window` is the normalised, lower-cased text
/// before the marker.
pub fn infer_wrapper(window: &str) -> Option<Wrapper> {
    let trimmed = window.trim_end_matches([' ', ':', '"', '\'', '\\', '(', '[', '=']);
    WRAPPERS.iter().find_map(|w| {
        let (start, details) = match_suffix(trimmed, w.pattern)?;
        Some(Wrapper {
            rule: w.rule,
            alternatives: w.alternatives,
            text: trimmed[start..].to_string(),
            details,
        })
    })
}

/// Details the host and orchestrator layers add to the event (container ID, correlation IDs).
/// `window` is normalised and lower-cased.
pub fn host_details(window: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(id) = token_after(window, "failed to create container ", |c| {
        c.is_ascii_hexdigit()
    }) {
        if id.len() >= 12 {
            out.push(("container ID".to_string(), id));
        }
    }
    for (label, key) in [
        ("correlation ID", "correlationid: '"),
        ("activity ID", "activityid: '"),
    ] {
        if let Some(v) = token_after(window, key, |c| c.is_ascii_hexdigit() || c == '-') {
            if !v.is_empty() {
                out.push((label.to_string(), v));
            }
        }
    }
    out
}

fn token_after(window: &str, key: &str, ok: impl Fn(char) -> bool) -> Option<String> {
    let at = window.rfind(key)? + key.len();
    Some(
        window[at..]
            .chars()
            .take_while(|&c| ok(c))
            .take(128)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_container_wrapper() {
        let w = infer_wrapper("failed to create container 1819: guest rpc failure: container creation denied due to policy: ").unwrap();
        assert_eq!(w.rule, "create_container");
        assert_eq!(w.text, "container creation denied due to policy");
    }

    #[test]
    fn mount_wrapper_with_variables() {
        let w = infer_wrapper(
            "mounting scsi device controller 0 lun 3 onto /run/mounts/m3 denied by policy: ",
        )
        .unwrap();
        assert_eq!(w.rule, "mount_device");
        assert_eq!(
            w.details,
            vec![
                ("controller".to_string(), "0".to_string()),
                ("lun".to_string(), "3".to_string()),
                ("target".to_string(), "/run/mounts/m3".to_string()),
            ]
        );
    }

    #[test]
    fn unmounting_is_not_mounting() {
        let w =
            infer_wrapper("unmounting plan9 device at /run/gcs/c/abc/mounts/m1 denied by policy: ")
                .unwrap();
        assert_eq!(w.rule, "plan9_unmount");
        let w = infer_wrapper("unmounting scsi device at /run/mounts/m1 denied by policy").unwrap();
        assert_eq!(w.rule, "unmount_device");
    }

    #[test]
    fn wrapper_must_end_at_the_marker() {
        assert!(
            infer_wrapper("container creation denied due to policy: and then something else")
                .is_none()
        );
    }

    #[test]
    fn host_details_found() {
        let d = host_details("failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest rpc failure");
        assert_eq!(d[0].1.len(), 64);
    }
}
