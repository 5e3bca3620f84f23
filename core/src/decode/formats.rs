//! Denials that are not `policyDecision` blobs but worth recognising in the same paste:
//! the guest's plain-text format from before April 2023, AKS Confidential Containers (Kata)
//! agent-policy denials, ARM / resource-provider rejections of the policy itself, the
//! closed-door enforcer's fixed messages and a few plain-text guest errors.
//!
//! Every message here is found near the word "policy", so the text is searched once for that
//! word and each signature is compared around it.

use super::decoded;
use super::parse;
use super::units::find_ci;
use super::Occurrence;
use serde_json::{Map, Value};
use std::ops::Range;

/// A recognised message that is not a policyDecision blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OtherFormat {
    /// `<rule> not allowed by policy. Errors: [...]. Input: {...}` (hcsshim before PR #1718).
    Legacy {
        rule: String,
        /// The text between `Errors: [` and `]`, as written (Go prints the list space-separated).
        errors: Option<String>,
        /// Whatever followed: `Input: {…}`, a fixed reason text, …
        rest: Option<String>,
    },
    /// `<Name>Request is blocked by policy[: details]` from the Kata agent.
    Kata {
        request: String,
        /// What the agent printed after the sentence (genpolicy's `agent_policy:…` lines), its
        /// escaping undone.
        details: Option<String>,
        /// The text stops right after the request's name, inside a `PERMISSION_DENIED` status:
        /// the `is blocked by policy` that follows it was cut off.
        cut: bool,
    },
    /// A fixed message from [`SIGNATURES`]; `id` is its catalog id.
    Known { id: &'static str, text: String },
    /// A policy's own error message standing alone, outside any blob, decision or older format
    /// (`framework_version is ahead of the current version: 0.5.0 is greater than 0.4.1` copied
    /// out of a decision or a log). It is explained as the same error inside a decision is.
    Message { text: String },
    /// A message of the JSON-format policy enforcer that preceded Rego policies, and the
    /// message today's guests write for the same check (none for the policy without containers).
    JsonPolicy { text: String, today: Option<String> },
}

impl OtherFormat {
    /// The input fields that survive in an older plain-text denial's `Input: {…}`, even when the
    /// text of it was cut (by the paste, or by the end of the string a wrapper put it in) or
    /// escaped (`{\\\"deviceHash\\\":…` inside an ARM message): what reads as JSON, completed
    /// where it was cut. `None` when nothing of it reads.
    pub fn legacy_input(&self) -> Option<Map<String, Value>> {
        let OtherFormat::Legacy {
            rest: Some(rest), ..
        } = self
        else {
            return None;
        };
        let (_, tail) = rest.split_once("Input: {")?;
        let mut json = format!("{{{tail}");
        let passes = json
            .find('"')
            .and_then(|q| decoded::level_of(backslashes_before(json.as_bytes(), q)))
            .unwrap_or(0);
        for _ in 0..passes {
            json = decoded::unescape_once(&json);
        }
        match parse::parse(&json).json? {
            Value::Object(m) if !m.is_empty() => Some(m),
            _ => None,
        }
    }

    /// Identity for collapsing repeats.
    pub fn key(&self) -> String {
        match self {
            OtherFormat::Legacy { rule, errors, rest } => {
                let e = errors.as_deref().unwrap_or("\u{1}");
                let r = rest.as_deref().unwrap_or("\u{1}");
                format!("legacy\u{0}{rule}\u{0}{e}\u{0}{r}")
            }
            OtherFormat::Kata {
                request,
                details,
                cut,
            } => {
                format!(
                    "kata\u{0}{request}\u{0}{}\u{0}{cut}",
                    details.as_deref().unwrap_or("\u{1}")
                )
            }
            OtherFormat::Known { id, text } => format!("known\u{0}{id}\u{0}{text}"),
            OtherFormat::JsonPolicy { text, .. } => format!("json\u{0}{text}"),
            OtherFormat::Message { text } => format!("message\u{0}{text}"),
        }
    }
}

/// Fixed messages: (catalog id, verbatim text). Compared case-insensitively.
pub const SIGNATURES: &[(&str, &str)] = &[
    // ARM / ACI resource provider, before anything reaches the guest.
    (
        "arm-empty-policy",
        "The CCE Policy cannot be left empty for Confidential Container Groups.",
    ),
    ("arm-invalid-base64", "The CCE Policy is not valid Base64."),
    ("arm-invalid-cce-policy", "\"code\": \"InvalidCcePolicy\""),
    ("arm-invalid-cce-policy", "\"code\":\"InvalidCcePolicy\""),
    ("arm-invalid-cce-policy", "code: InvalidCcePolicy"),
    // The guest failing to load the policy.
    (
        "rego-compilation-failed",
        "error creating Rego policy: rego compilation failed",
    ),
    (
        "policy-base64-undecodable",
        "unable to decode policy from Base64 format",
    ),
    ("policy-already-set", "security policy has already been set"),
    // `security policy digest "…" doesn't match HostData provided at launch "…"`: the variable
    // digest sits between the anchor and the rest, which is checked in `match_at`.
    ("hostdata-mismatch", "security policy digest "),
    (
        "capabilities-nil",
        "capabilities object provided by the UVM to the policy engine is nil",
    ),
    // Plain-text stdio denials (internal/guest/runtime/hcsv2/uvm.go).
    (
        "stdio-denied",
        "denied due to policy not allowing stdio access",
    ),
    // Closed-door enforcer: the guest has no policy (or a deny-all one) yet.
    ("closed-door", "mounting is denied by policy"),
    ("closed-door", "unmounting is denied by policy"),
    ("closed-door", "creating an overlay fs is denied by policy"),
    ("closed-door", "removing an overlay fs is denied by policy"),
    ("closed-door", "running commands is denied by policy"),
    (
        "closed-door",
        "starting additional processes in a container is denied by policy",
    ),
    (
        "closed-door",
        "starting additional processes in uvm is denied by policy",
    ),
    (
        "closed-door",
        "shutting down containers is denied by policy",
    ),
    (
        "closed-door",
        "signalling container processes is denied by policy",
    ),
    (
        "closed-door",
        "getting container properties is denied by policy",
    ),
    ("closed-door", "getting stack dumps is denied by policy"),
    ("closed-door", "loading fragments is denied by policy"),
    ("closed-door", "runtime logging is denied by policy"),
    ("closed-door", "mounting scratch is denied by the policy"),
    ("closed-door", "unmounting scratch is denied by the policy"),
    ("closed-door", "host network is denied by policy"),
    ("closed-door", "container mounts are denied by policy"),
    (
        "closed-door",
        "enforcing expected mounts is denied by policy",
    ),
    (
        "closed-door",
        "enforcing wait mount points is denied by policy",
    ),
    // Third-party Kata tooling.
    (
        "contrast-missing-annotation",
        "The policy annotation is missing. Did you forget to run",
    ),
];

const ANCHOR: &[u8] = b"polic";
/// The one JSON-enforcer message without the word "policy" ends with these words.
const MOUNT_ANCHOR: &[u8] = b"mount constraints";
/// The gRPC status of the Kata agent's refusals (`PERMISSION_DENIED`, `PermissionDenied`).
const PERMISSION_ANCHOR: &[u8] = b"permission";
/// The framework version messages of the policy (`framework_version is missing. …`).
const FRAMEWORK_ANCHOR: &[u8] = b"framework_";
/// The two texts of a container group that failed before any policy decision (often: a policy
/// above about 120 KB), found by these words.
const HCS_ANCHOR: &[u8] = b"hcs::createcomputesystem ";
const POD_ANCHOR: &[u8] = b"cannot be created in pod";
const LEGACY: &[u8] = b"not allowed by policy";
const KATA: &[u8] = b"is blocked by policy";
/// Longest stretch read after a message (details, legacy input).
const MAX_TAIL: usize = 2000;

/// Where the anchor word starts in a signature (`usize::MAX`: nowhere). Evaluated at compile time:
/// every "polic" in a paste is compared against every signature.
const fn anchor_offset(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i + ANCHOR.len() <= b.len() {
        let mut k = 0;
        while k < ANCHOR.len() && b[i + k].to_ascii_lowercase() == ANCHOR[k] {
            k += 1;
        }
        if k == ANCHOR.len() {
            return i;
        }
        i += 1;
    }
    usize::MAX
}

/// [`anchor_offset`] of each of [`SIGNATURES`].
const ANCHOR_OFFSETS: [usize; SIGNATURES.len()] = {
    let mut out = [0; SIGNATURES.len()];
    let mut k = 0;
    while k < SIGNATURES.len() {
        out[k] = anchor_offset(SIGNATURES[k].1);
        k += 1;
    }
    out
};

fn covered_by(covered: &[Range<usize>], pos: usize) -> bool {
    // `covered` is sorted by start and non-overlapping.
    let i = covered.partition_point(|r| r.start <= pos);
    i > 0 && covered[i - 1].end > pos
}

fn eq_at(b: &[u8], at: usize, needle: &[u8]) -> bool {
    b.get(at..at + needle.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(needle))
}

/// Finds the other formats in `text`, outside the byte ranges in `covered` (the blobs).
pub fn find_other_formats(text: &str, covered: &[Range<usize>]) -> Vec<(OtherFormat, Occurrence)> {
    let b = text.as_bytes();
    let mut out: Vec<(OtherFormat, Occurrence)> = Vec::new();
    let mut consumed_to = 0usize;
    let mut line = 1usize;
    let mut line_at = 0usize;
    // The anchors are searched in step, so matches come in the order of the text.
    const ANCHORS: [&[u8]; 6] = [
        ANCHOR,
        MOUNT_ANCHOR,
        PERMISSION_ANCHOR,
        FRAMEWORK_ANCHOR,
        HCS_ANCHOR,
        POD_ANCHOR,
    ];
    let mut next: [Option<usize>; 6] = ANCHORS.map(|a| find_ci(b, 0, a));
    while let Some((k, pos)) = next
        .iter()
        .enumerate()
        .filter_map(|(k, p)| p.map(|p| (k, p)))
        .min_by_key(|&(_, p)| p)
    {
        next[k] = find_ci(b, pos.max(consumed_to) + ANCHORS[k].len(), ANCHORS[k]);
        if pos < consumed_to || covered_by(covered, pos) {
            continue;
        }
        let found = match k {
            2 => kata_cut_at(text, pos),
            3 => framework_message_at(text, pos),
            4 | 5 => oversized_at(text, pos, k == 4),
            _ => match_at(text, pos),
        };
        if let Some((found, range)) = found {
            if range.start < consumed_to || covered_by(covered, range.start) {
                continue;
            }
            line += b[line_at..range.start]
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
            line_at = range.start;
            consumed_to = range.end;
            let kubectl_count = super::context::kubectl_count(text, range.start);
            out.push((
                found,
                Occurrence {
                    range,
                    line,
                    kubectl_count,
                    place: Default::default(),
                },
            ));
        }
    }
    out
}

/// Tries every format whose anchor word ("polic…") could sit at `pos`.
fn match_at(text: &str, pos: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    // "… not allowed by policy" and "… is blocked by policy": the anchor is in the last word.
    let phrase_at = |phrase: &[u8]| {
        let off = phrase.len() - "policy".len();
        pos.checked_sub(off).filter(|&s| eq_at(b, s, phrase))
    };
    if let Some(found) = phrase_at(LEGACY).and_then(|s| legacy_at(text, s)) {
        return Some(found);
    }
    if let Some(found) = phrase_at(KATA).and_then(|s| kata_at(text, s)) {
        return Some(found);
    }
    // The older plain form of a policyError: "rule for <point> is missing from policy".
    if let Some(found) = phrase_at(MISSING_RULE).and_then(|s| missing_rule_at(text, s)) {
        return Some(found);
    }
    if let Some(found) = json_policy_at(text, pos) {
        return Some(found);
    }
    for (&(id, sig), &off) in SIGNATURES.iter().zip(&ANCHOR_OFFSETS) {
        let Some(start) = pos.checked_sub(off) else {
            continue;
        };
        let boundary = start == 0 || !b[start - 1].is_ascii_alphanumeric();
        // The first byte tells most signatures apart before the whole is compared.
        let first = b[start].eq_ignore_ascii_case(&sig.as_bytes()[0]);
        if boundary && first && eq_at(b, start, sig.as_bytes()) {
            let mut start = start;
            let mut end = start + sig.len();
            // Keep the variable tail of messages that carry one (the compiler's complaint).
            if matches!(
                id,
                "rego-compilation-failed"
                    | "policy-base64-undecodable"
                    | "contrast-missing-annotation"
            ) {
                end = tail_end(text, end);
                if id == "rego-compilation-failed" {
                    end = compiler_lines_end(text, end);
                }
            }
            // The stdio denials differ in what they start with (a log path, a terminal).
            if id == "stdio-denied" {
                if let Some(s) = start_before(b, start, STDIO_STARTS) {
                    start = s;
                }
            }
            // ARM's code: the message that goes with it says what was wrong.
            if id == "arm-invalid-cce-policy" {
                if let Some(found) = arm_message(text, start, end) {
                    return Some(found);
                }
            }
            if id == "hostdata-mismatch" {
                // The digest is quoted, so the sentence runs past quotes: look for its end nearby.
                const REST: &str = "doesn't match HostData provided at launch";
                match find_within(&text[end..], REST, 300) {
                    Some(at) => end += at + REST.len(),
                    None => continue,
                }
                let quoted = text[end..]
                    .strip_prefix(" \"")
                    .and_then(|r| find_within(r, "\"", 300));
                if let Some(q) = quoted {
                    end += 2 + q + 1;
                }
            }
            let shown = text.get(start..end).unwrap_or(sig);
            // A message wrapped over lines is shown on one.
            let shown = if shown.contains('\n') {
                shown.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                shown.to_string()
            };
            return Some((OtherFormat::Known { id, text: shown }, start..end));
        }
    }
    None
}

/// How the guest's stdio denials start (internal/guest/runtime/hcsv2/uvm.go).
const STDIO_STARTS: &[&str] = &[
    "teeing container stdio",
    "exec in container of process",
    "exec of process",
];

/// The nearest of `starts` before `at` on the same line (within [`MAX_TAIL`] bytes), at a word
/// boundary.
fn start_before(b: &[u8], at: usize, starts: &[&str]) -> Option<usize> {
    let stop = at.saturating_sub(MAX_TAIL);
    let mut s = at;
    while s > stop && b[s - 1] != b'\n' {
        s -= 1;
        let boundary = s == 0 || !b[s - 1].is_ascii_alphanumeric();
        if boundary && starts.iter().any(|h| eq_at(b, s, h.as_bytes())) {
            return Some(s);
        }
    }
    None
}

/// After ARM's `InvalidCcePolicy` code (`start..end`), its message, if one follows within a few
/// lines: a known one becomes that finding, any other is kept with the code.
fn arm_message(text: &str, start: usize, end: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let window = end..(end + 300).min(b.len());
    let at = [&b"\"message\": \""[..], b"\"message\":\"", b"message: "]
        .iter()
        .filter_map(|k| find_ci(&b[window.clone()], 0, k).map(|i| end + i + k.len()))
        .min()?;
    let msg_end = tail_end(text, at);
    let message = text.get(at..msg_end)?.trim();
    if message.is_empty() {
        return None;
    }
    let known = SIGNATURES
        .iter()
        .find(|(id, sig)| id.starts_with("arm-") && message.starts_with(sig));
    let found = match known {
        Some(&(id, _)) => OtherFormat::Known {
            id,
            text: message.to_string(),
        },
        None => OtherFormat::Known {
            id: "arm-invalid-cce-policy",
            text: text[start..msg_end].to_string(),
        },
    };
    Some((found, start..msg_end))
}

/// After `N errors occurred:` at the end of a line (`end`), the compiler's complaints on the
/// lines that follow (`policy.rego:48: rego_parse_error: …`, one a line): where the last ends.
fn compiler_lines_end(text: &str, end: usize) -> usize {
    if !text[..end].trim_end().ends_with("occurred:") {
        return end;
    }
    let mut last = end;
    for (at, piece) in lines_after(text, end).take(16) {
        if piece.len() > MAX_TAIL || !piece.contains("rego_") || !piece.contains(".rego:") {
            break;
        }
        last = at + piece.trim_end().len();
    }
    last
}

/// The lines after the one `from` is on, each with the offset where it starts.
fn lines_after(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pieces = text[from..].split('\n');
    let mut at = from + pieces.next().map_or(0, str::len) + 1;
    pieces.map(move |piece| {
        let start = at;
        at += piece.len() + 1;
        (start, piece)
    })
}

/// End of the message that continues at `from`: the end of the line or of the JSON string.
fn tail_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let limit = (from + MAX_TAIL).min(b.len());
    let mut j = from;
    while j < limit {
        match b[j] {
            b'\n' | b'\r' => break,
            b'"' if b[j - 1] != b'\\' => break,
            _ => j += 1,
        }
    }
    while j > from && !text.is_char_boundary(j) {
        j -= 1;
    }
    j
}

/// End of the `{…}` group that starts at `open` (braces counted, at most MAX_TAIL bytes), plus a
/// following full stop.
fn braces_end(text: &str, open: usize) -> usize {
    let b = text.as_bytes();
    let limit = (open + MAX_TAIL).min(b.len());
    let mut depth = 0usize;
    let mut j = open;
    while j < limit {
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    j += 1;
                    if b.get(j) == Some(&b'.') {
                        j += 1;
                    }
                    return j;
                }
            }
            _ => {}
        }
        j += 1;
    }
    tail_end(text, open)
}

fn ident_before(b: &[u8], end: usize, ok: impl Fn(u8) -> bool) -> usize {
    let mut s = end;
    while s > 0 && ok(b[s - 1]) && end - s < 64 {
        s -= 1;
    }
    s
}

/// Where `needle` first occurs in `hay`, if it starts within `max` bytes. Only that stretch is
/// read: searching the rest of a paste for every message would be quadratic.
fn find_within(hay: &str, needle: &str, max: usize) -> Option<usize> {
    let mut end = hay.len().min(max + needle.len());
    while !hay.is_char_boundary(end) {
        end -= 1;
    }
    hay[..end].find(needle)
}

fn legacy_at(text: &str, phrase: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    // "<rule> not allowed by policy": one space before the phrase, a snake_case name before it.
    let name_end = phrase.checked_sub(1).filter(|&e| b[e] == b' ')?;
    let start = ident_before(b, name_end, |c| c.is_ascii_lowercase() || c == b'_');
    if start == name_end || (start > 0 && b[start - 1].is_ascii_alphanumeric()) {
        return None;
    }
    let rule = text[start..name_end].to_string();
    let mut end = phrase + LEGACY.len();
    // ". Errors: [ ... ]", the list sometimes on the next line.
    let mut errors = None;
    let after = text.get(end..)?;
    if let Some(dotted) = after.strip_prefix('.') {
        let gap = dotted.len() - dotted.trim_start_matches([' ', '\t', '\r', '\n']).len();
        end += 1;
        if let Some(rest) = dotted[gap..].strip_prefix("Errors: [") {
            let close = find_within(rest, "]", MAX_TAIL)?;
            errors = Some(rest[..close].to_string());
            end += gap + "Errors: [".len() + close + 1;
        }
    }
    // Whatever follows in the same message: "Input: {...}", a reason text. The message ends at
    // the line's or the JSON string's end; the input's own quotes come after "Input: {".
    let message_end = tail_end(text, end);
    let tail_to = match find_within(&text[end..message_end], "Input: {", 200) {
        Some(at) => {
            let open = end + at + "Input: ".len();
            // Escaped inside a JSON string, the input ends with that string at the latest.
            match text[open..].starts_with("{\\") {
                true => braces_end(text, open).min(message_end),
                false => braces_end(text, open),
            }
        }
        None => tail_end(text, end),
    };
    let rest_text = text[end..tail_to].trim_start_matches(['.', ' ']).trim_end();
    let rest = (!rest_text.is_empty()).then(|| rest_text.to_string());
    if rest.is_some() {
        end = tail_to;
    }
    Some((OtherFormat::Legacy { rule, errors, rest }, start..end))
}

/// Messages of the JSON-format policy enforcer that guests used before Rego policies
/// (hcsshim `pkg/securitypolicy/securitypolicyenforcer.go` at `8f5f651f3^`, removed by PR #2539):
/// how each starts and ends, and the message today's guests write for the same check. Between
/// start and end: a hash and a path, a command, a variable, a directory or a mount.
const JSON_POLICY: &[(&str, &str, &str)] = &[
    ("roothash ", " doesn't match policy", "deviceHash not found"),
    ("command [", " doesn't match policy", "invalid command"),
    (
        "env variable ",
        " unmatched by policy rule",
        "invalid env list",
    ),
    (
        "working_dir ",
        " unmatched by policy rule",
        "invalid working directory",
    ),
    (
        "privileged escalation",
        " unmatched by policy rule",
        "privileged escalation not allowed",
    ),
    (
        "mount {",
        " is not allowed by mount constraints",
        "invalid mount list",
    ),
];
/// Where the anchor sits in each ending of [`JSON_POLICY`] ("policy …" or "mount constraints"),
/// evaluated at compile time: every "polic" in a paste is compared against every ending.
const JSON_POLICY_ANCHORS: [usize; JSON_POLICY.len()] = {
    let mut out = [0; JSON_POLICY.len()];
    let mut k = 0;
    while k < JSON_POLICY.len() {
        let tail = JSON_POLICY[k].1;
        out[k] = anchor_offset(tail);
        if out[k] == usize::MAX {
            out[k] = offset_of(tail.as_bytes(), MOUNT_ANCHOR);
        }
        assert!(out[k] != usize::MAX, "an ending without its anchor");
        k += 1;
    }
    out
};

/// Where `needle` first starts in `s` (`usize::MAX`: nowhere), at compile time.
const fn offset_of(s: &[u8], needle: &[u8]) -> usize {
    let mut i = 0;
    while i + needle.len() <= s.len() {
        let mut k = 0;
        while k < needle.len() && s[i + k] == needle[k] {
            k += 1;
        }
        if k == needle.len() {
            return i;
        }
        i += 1;
    }
    usize::MAX
}

/// The JSON enforcer's answer to every mount and container when the policy lists no containers.
const NO_CONTAINERS: &str = "policy doesn't allow mounting containers";

/// A JSON-enforcer message whose anchor word ("polic…" or "mount constraints") is at `pos`.
fn json_policy_at(text: &str, pos: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let at_word = |s: usize| s == 0 || !b[s - 1].is_ascii_alphanumeric();
    let mut found = None;
    if at_word(pos) && eq_at(b, pos, NO_CONTAINERS.as_bytes()) {
        found = Some((pos, pos + NO_CONTAINERS.len(), None));
    }
    for (&(head, tail, today), &off) in JSON_POLICY.iter().zip(&JSON_POLICY_ANCHORS) {
        let Some(tail_at) = pos
            .checked_sub(off)
            .filter(|&t| eq_at(b, t, tail.as_bytes()))
        else {
            continue;
        };
        // The nearest start before the ending, on the same line, wins.
        let Some(s) = start_before(b, tail_at, &[head]) else {
            continue;
        };
        if found.is_none_or(|(f, ..)| s > f) {
            found = Some((s, tail_at + tail.len(), Some((head.len(), tail_at, today))));
        }
    }
    let (start, end, today) = found?;
    // Today's wording names what did not match: the variable's name, the mount's destination.
    let today = today.map(|(head_len, tail_at, today)| {
        let value = &b[start + head_len..tail_at];
        let named = match today {
            "invalid env list" => value.split(|&c| c == b'=').next(),
            "invalid mount list" => find_ci(value, 0, b"destination:").map(|d| {
                let v = &value[d + 12..];
                &v[..v
                    .iter()
                    .position(|&c| c == b' ' || c == b'}')
                    .unwrap_or(v.len())]
            }),
            _ => None,
        };
        match named {
            Some(n) => format!("{today}: {}", String::from_utf8_lossy(n)),
            None => today.to_string(),
        }
    });
    let text = text[start..end].to_string();
    Some((OtherFormat::JsonPolicy { text, today }, start..end))
}

const MISSING_RULE: &[u8] = b"is missing from policy";

fn missing_rule_at(text: &str, phrase: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let name_end = phrase.checked_sub(1).filter(|&e| b[e] == b' ')?;
    let name_start = ident_before(b, name_end, |c| c.is_ascii_lowercase() || c == b'_');
    let start = name_start.checked_sub("rule for ".len())?;
    if name_start == name_end || !eq_at(b, start, b"rule for ") {
        return None;
    }
    let end = phrase + MISSING_RULE.len();
    Some((
        OtherFormat::Known {
            id: "rule-missing-from-policy",
            text: text[start..end].to_string(),
        },
        start..end,
    ))
}

fn kata_at(text: &str, phrase: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    // `"CreateContainerRequest is blocked by policy` — skip one space and an optional quote.
    let mut name_end = phrase.checked_sub(1).filter(|&e| b[e] == b' ')?;
    let mut start = ident_before(b, name_end, |c| c.is_ascii_alphanumeric());
    if start == name_end {
        return None;
    }
    let request = text[start..name_end].to_string();
    if !request.ends_with("Request") {
        return None;
    }
    // Quoted inside escaped output (`\"…`, `\\\"…` in a Rust `Status` inside `Others("…")`):
    // the message ends at the next quote escaped the same way or less, and its own quotes are
    // escaped one level more.
    let quote_run = (start > 0 && b[start - 1] == b'"').then(|| backslashes_before(b, start - 1));
    if start > 0 && matches!(b[start - 1], b'"' | b'\'') {
        start -= 1;
    }
    name_end = phrase + KATA.len();
    let mut details = None;
    let rest = text.get(name_end..)?;
    if let Some(after_colon) = rest.strip_prefix(':') {
        let d_start = name_end + 1;
        let line_rest = after_colon.split('\n').next().unwrap_or("");
        let (raw, d_end) = if line_rest.trim().is_empty() {
            // genpolicy's lines on the lines after the sentence (Contrast, plain genpolicy).
            following_policy_lines(text, d_start + line_rest.len())
        } else {
            let mut d_end = tail_end(text, d_start);
            if let Some(run) = quote_run.filter(|&r| r > 0) {
                if let Some((q, r)) = (d_start..d_end)
                    .filter(|&j| b[j] == b'"')
                    .map(|j| (j, backslashes_before(b, j)))
                    .find(|&(_, r)| r <= run)
                {
                    d_end = q - r;
                }
            }
            (text[d_start..d_end].to_string(), d_end)
        };
        let passes = match quote_run.and_then(decoded::level_of) {
            Some(level) => level + 1,
            None => raw
                .find('"')
                .and_then(|q| decoded::level_of(backslashes_before(raw.as_bytes(), q)))
                .unwrap_or(0),
        };
        let mut d = raw;
        for _ in 0..passes {
            d = decoded::unescape_once(&d);
        }
        let d = d.trim();
        if !d.is_empty() && !d.eq_ignore_ascii_case("unknown") {
            details = Some(d.to_string());
            name_end = d_end;
        }
    }
    Some((
        OtherFormat::Kata {
            request,
            details,
            cut: false,
        },
        start..name_end,
    ))
}

/// How many backslashes end `b[..end]`.
fn backslashes_before(b: &[u8], end: usize) -> usize {
    b[..end].iter().rev().take_while(|&&c| c == b'\\').count()
}

/// The lines after the one `from` is on that begin with `agent_policy:`: their text, one per
/// line, and where the last ends. At most [`MAX_DETAIL_LINES`] bytes.
fn following_policy_lines(text: &str, from: usize) -> (String, usize) {
    let mut out = String::new();
    let mut end = from;
    for (at, piece) in lines_after(text, from) {
        let line = piece.trim();
        if !line.starts_with("agent_policy:") || out.len() + line.len() > MAX_DETAIL_LINES {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        end = at + piece.trim_end().len();
    }
    (out, end)
}

/// The longest run of genpolicy lines read after a Kata denial.
const MAX_DETAIL_LINES: usize = 16 * 1024;

/// How the policy's framework version messages start (framework.rego; the `svn` ones before
/// March 2023), each followed by versions. A `fragment ` before them is part of the message.
const FRAMEWORK_MESSAGES: &[&str] = &[
    "framework_version is missing. Current version: ",
    "framework_version is ahead of the current version: ",
    "framework_svn is missing. Current svn: ",
    "framework_svn is ahead of the current svn: ",
];

/// A framework version message standing alone at `pos`: its start, the versions after it
/// (`0.5.0 is greater than 0.4.1`, `1.1.0 > 0.1.0`, `0.4.1`) and nothing more.
fn framework_message_at(text: &str, pos: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let head = FRAMEWORK_MESSAGES
        .iter()
        .find(|h| b[pos..].starts_with(h.as_bytes()))?;
    let mut start = pos;
    if pos >= 9 && &b[pos - 9..pos] == b"fragment " {
        start = pos - 9;
    }
    if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
        return None;
    }
    let version = |at: usize| {
        at + b[at..]
            .iter()
            .take(32)
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+'))
            .count()
    };
    let first = pos + head.len();
    let mut end = version(first);
    if end == first {
        return None;
    }
    for sep in [" is greater than ", " > "] {
        if b[end..].starts_with(sep.as_bytes()) {
            let second = version(end + sep.len());
            if second > end + sep.len() {
                end = second;
            }
            break;
        }
    }
    // A version ends with a digit or letter, not the sentence's full stop.
    while end > first && b[end - 1] == b'.' {
        end -= 1;
    }
    Some((
        OtherFormat::Message {
            text: text[start..end].to_string(),
        },
        start..end,
    ))
}

/// A Kata refusal whose text was cut right after the request's name: `PERMISSION_DENIED,
/// message: "\"CreateContainerRequest` and nothing more on the line. (When the sentence follows,
/// it is found at its own anchor.) `pos` is where `permission` starts.
fn kata_cut_at(text: &str, pos: usize) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let status = [&b"permission_denied"[..], b"permissiondenied"]
        .into_iter()
        .find(|s| eq_at(b, pos, s))?;
    let from = pos + status.len();
    let line_end = (from..(from + 400).min(b.len()))
        .find(|&j| b[j] == b'\n')
        .unwrap_or((from + 400).min(b.len()));
    // The first word ending in `Request` after the status, on its line.
    let mut j = from;
    while j < line_end {
        if !b[j].is_ascii_uppercase() || b[j - 1].is_ascii_alphanumeric() {
            j += 1;
            continue;
        }
        let end = j + b[j..line_end]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        let word = &text[j..end];
        if word.len() > "Request".len() && word.ends_with("Request") {
            // Only quotes, backslashes and blanks may follow: the rest was cut.
            let cut = b[end..line_end]
                .iter()
                .all(|c| matches!(c, b'"' | b'\\' | b' ' | b'\t' | b'\r' | b'`'));
            return cut.then(|| {
                (
                    OtherFormat::Kata {
                        request: word.to_string(),
                        details: None,
                        cut: true,
                    },
                    j..end,
                )
            });
        }
        j = end.max(j + 1);
    }
    None
}

/// Where `needle` (lower-case ASCII) matches `b` at `at`, ignoring case, each space in it standing
/// for a run of whitespace (a message wrapped over lines): the end of the match.
fn eq_spaced(b: &[u8], at: usize, needle: &[u8]) -> Option<usize> {
    let mut j = at;
    for &c in needle {
        if c == b' ' {
            let from = j;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if j == from {
                return None;
            }
        } else if b.get(j)?.to_ascii_lowercase() == c {
            j += 1;
        } else {
            return None;
        }
    }
    Some(j)
}

/// After `from`, on the same line and within a short stretch, where `needle` ([`eq_spaced`])
/// matches: (its start, its end).
fn spaced_after(b: &[u8], from: usize, needle: &[u8]) -> Option<(usize, usize)> {
    let limit = (from + 300).min(b.len());
    (from..limit)
        .take_while(|&j| b[j] != b'\n')
        .find_map(|j| eq_spaced(b, j, needle).map(|e| (j, e)))
}

/// The oversized-policy symptom at `pos` (the anchor `hcs::CreateComputeSystem ` when `hcs`, else
/// `cannot be created in pod`): `hcs::CreateComputeSystem <id>: The requested operation failed.:
/// unknown`, or `task with id: '<task>' cannot be created in pod: '<pod>' which is not running:
/// failed precondition`. Only where a container group's or pod's containerd task failed to start
/// (`shim task`, `container group` nearby): the same words elsewhere are not this finding.
fn oversized_at(text: &str, pos: usize, hcs: bool) -> Option<(OtherFormat, Range<usize>)> {
    let b = text.as_bytes();
    let (start, end) = if hcs {
        let id = pos + HCS_ANCHOR.len();
        let (at, end) = spaced_after(b, id, b": the requested operation failed.: unknown")?;
        (at > id).then_some((pos, end))?
    } else {
        const HEAD: &[u8] = b"task with id: '";
        let start = (pos.saturating_sub(300)..pos)
            .rev()
            .find(|&s| eq_at(b, s, HEAD))?;
        // The task's id, quoted, on one line; the words may wrap after it.
        let id = b
            .get(start + HEAD.len()..pos)?
            .trim_ascii_end()
            .strip_suffix(b"'")?;
        if id.is_empty() || id.contains(&b'\n') {
            return None;
        }
        let pod = eq_spaced(b, pos + POD_ANCHOR.len(), b": '")?;
        let (at, end) = spaced_after(b, pod, b"' which is not running: failed precondition")?;
        (at > pod).then_some((start, end))?
    };
    let lo = start.saturating_sub(400);
    let hi = (end + 400).min(b.len());
    let near = |w: &[u8]| find_ci(&b[lo..hi], 0, w).is_some();
    if !near(b"shim task") && !near(b"container group") {
        return None;
    }
    let shown = text.get(start..end)?.split_whitespace().collect::<Vec<_>>();
    Some((
        OtherFormat::Known {
            id: "oversized-policy",
            text: shown.join(" "),
        },
        start..end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(t: &str) -> Vec<OtherFormat> {
        find_other_formats(t, &[])
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    #[test]
    fn legacy_with_errors_and_input() {
        let f = find("Error: mount_overlay not allowed by policy. Errors: [no matching containers for overlay]. Input: {\"containerID\":\"abc\"}.");
        assert_eq!(
            f,
            vec![OtherFormat::Legacy {
                rule: "mount_overlay".into(),
                errors: Some("no matching containers for overlay".into()),
                rest: Some("Input: {\"containerID\":\"abc\"}.".into()),
            }]
        );
    }

    #[test]
    fn kata_with_and_without_details() {
        let f = find(
            "failed to create shim task: \"CreateContainerRequest is blocked by policy\": unknown",
        );
        assert_eq!(
            f,
            vec![OtherFormat::Kata {
                request: "CreateContainerRequest".into(),
                details: None,
                cut: false,
            }]
        );
        let f = find(
            "ExecProcessRequest is blocked by policy: agent_policy:114: allow_exec: input = {}",
        );
        assert_eq!(
            f,
            vec![OtherFormat::Kata {
                request: "ExecProcessRequest".into(),
                details: Some("agent_policy:114: allow_exec: input = {}".into()),
                cut: false,
            }]
        );
    }

    #[test]
    fn arm_and_closed_door_signatures() {
        let f = find(
            r#"{"code": "InvalidCcePolicy", "message": "The CCE Policy is not valid Base64."}"#,
        );
        let ids: Vec<_> = f
            .iter()
            .map(|x| match x {
                OtherFormat::Known { id, .. } => *id,
                _ => "",
            })
            .collect();
        // The code and its known message are one finding: the message's.
        assert_eq!(ids, ["arm-invalid-base64"]);
        let f = find("err: running commands is denied by policy");
        assert!(matches!(
            &f[0],
            OtherFormat::Known {
                id: "closed-door",
                ..
            }
        ));
    }

    #[test]
    fn legacy_errors_on_the_next_line() {
        let f = find("create_container not allowed by policy.\r\nErrors: [invalid command].");
        assert!(
            matches!(&f[0], OtherFormat::Legacy { errors: Some(e), .. } if e == "invalid command"),
            "{f:?}"
        );
    }

    #[test]
    fn hostdata_mismatch_with_its_digests() {
        let f = find(
            r#"security policy digest "ab12" doesn't match HostData provided at launch "cd34""#,
        );
        assert!(
            matches!(&f[0], OtherFormat::Known { id: "hostdata-mismatch", text } if text.ends_with("\"cd34\"")),
            "{f:?}"
        );
        assert!(find(r#"security policy digest "ab12" is fine"#).is_empty());
    }

    #[test]
    fn old_missing_rule_policy_error() {
        let f = find("Denied by policy: rule for mount_device is missing from policy: unknown.");
        assert_eq!(
            f,
            vec![OtherFormat::Known {
                id: "rule-missing-from-policy",
                text: "rule for mount_device is missing from policy".into()
            }]
        );
    }

    #[test]
    fn unmounting_is_found_as_itself() {
        let f = find("unmounting is denied by policy");
        assert_eq!(
            f,
            vec![OtherFormat::Known {
                id: "closed-door",
                text: "unmounting is denied by policy".into()
            }]
        );
    }

    #[test]
    fn many_legacy_messages_take_linear_time() {
        // Each message used to search the rest of the paste for `]` or `Input: {`: minutes for
        // these 8 MB. Linear takes about a second here (ten under a fully loaded debug build);
        // the guard only catches the return of the quadratic search, speed itself is `make bench`'s.
        for (unit, found) in [
            ("a not allowed by policy.\n", true),
            ("a not allowed by policy. Errors: [", false),
        ] {
            let text = unit.repeat(8_000_000 / unit.len());
            let t = std::time::Instant::now();
            let n = text
                .match_indices("not allowed by policy")
                .filter_map(|(at, _)| legacy_at(&text, at))
                .count();
            let took = t.elapsed();
            assert!(
                took < std::time::Duration::from_secs(60),
                "{unit:?}: {took:?}"
            );
            assert_eq!(n > 0, found, "{unit:?}");
        }
    }

    #[test]
    fn legacy_errors_and_input_are_looked_for_nearby_only() {
        let far = format!(
            "x not allowed by policy. {} Input: {{a:1}}",
            "y".repeat(300)
        );
        let rest = format!("{} Input: {{a:1}}", "y".repeat(300));
        assert!(matches!(&find(&far)[0], OtherFormat::Legacy { rest: Some(r), .. } if *r == rest));
        let near = "x not allowed by policy. Errors: [e1 e2]. Input: {\"a\":1}";
        assert_eq!(
            find(near),
            vec![OtherFormat::Legacy {
                rule: "x".into(),
                errors: Some("e1 e2".into()),
                rest: Some("Input: {\"a\":1}".into()),
            }]
        );
        let long_list = format!(
            "x not allowed by policy. Errors: [{}]",
            "e".repeat(MAX_TAIL + 1)
        );
        assert!(find(&long_list).is_empty());
        let longest_list = format!(
            "x not allowed by policy. Errors: [{}]",
            "e".repeat(MAX_TAIL)
        );
        assert_eq!(find(&longest_list).len(), 1);
    }

    #[test]
    fn covered_ranges_are_skipped() {
        let t = "running commands is denied by policy";
        let all: Range<usize> = 0..t.len();
        assert!(find_other_formats(t, std::slice::from_ref(&all)).is_empty());
    }

    #[test]
    fn legacy_input_fields_survive_a_cut_and_escaping() {
        let input = |t: &str| {
            find(t)
                .first()
                .and_then(OtherFormat::legacy_input)
                .map(|m| serde_json::Value::Object(m).to_string())
        };
        assert_eq!(
            input(r#"x: mount_device not allowed by policy. Errors: [deviceHash not found]. Input: {"deviceHash":"ab","target":"/run/mounts/m4"}."#).as_deref(),
            Some(r#"{"deviceHash":"ab","target":"/run/mounts/m4"}"#)
        );
        // Cut inside the second field, escaped twice inside an ARM message.
        let cut = r#""message":"a: create_container not allowed by policy. Errors: [invalid command]. Input: {\\\"containerID\\\":\\\"0971693a\\\",\\\"argList\\\":[\\\"/bin/sh"#;
        assert_eq!(
            input(cut).as_deref(),
            Some(r#"{"containerID":"0971693a","argList":["/bin/sh"]}"#)
        );
        // The escaped input ends with the string it is in, not at the JSON's closing brace.
        let f = find(
            r#"{"message":"create_container not allowed by policy. Errors: [e]. Input: {\"a\":[\"/usr/lo"}"#,
        );
        assert!(
            matches!(&f[..], [OtherFormat::Legacy { rest: Some(r), .. }] if r.ends_with("/usr/lo")),
            "{f:?}"
        );
        // Nothing that reads.
        assert_eq!(
            input(r#"x not allowed by policy. Input: {\\\"deviceH"#),
            None
        );
        assert_eq!(input("x not allowed by policy. Errors: [e]."), None);
    }

    #[test]
    fn the_compilers_complaints_on_the_next_lines_are_kept() {
        let f = find("error creating Rego policy: rego compilation failed: 2 errors occurred:\n    policy.rego:48: rego_parse_error: non-terminated string\n    policy.rego:50: rego_type_error: x\nDone.");
        assert_eq!(
            f,
            vec![OtherFormat::Known {
                id: "rego-compilation-failed",
                text: "error creating Rego policy: rego compilation failed: 2 errors occurred: policy.rego:48: rego_parse_error: non-terminated string policy.rego:50: rego_type_error: x".into()
            }]
        );
    }

    #[test]
    fn framework_messages_standing_alone() {
        let f = find("framework_version is ahead of the current version: 0.5.0 is greater than 0.4.1\n[\"fragment framework_version is missing. Current version: 0.4.1\", \"framework_svn is ahead of the current svn: 1.1.0 > 0.1.0.\"]");
        let texts: Vec<&str> = f
            .iter()
            .map(|x| match x {
                OtherFormat::Message { text } => text.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            texts,
            [
                "framework_version is ahead of the current version: 0.5.0 is greater than 0.4.1",
                "fragment framework_version is missing. Current version: 0.4.1",
                "framework_svn is ahead of the current svn: 1.1.0 > 0.1.0",
            ]
        );
        // Inside the older plain-text format it is that format's.
        let f = find("mount_overlay not allowed by policy. Errors: [framework_svn is ahead of the current svn: 1.1.0 > 0.1.0].");
        assert!(matches!(&f[..], [OtherFormat::Legacy { .. }]), "{f:?}");
        assert!(find("framework_version is missing. Current version: ").is_empty());
        assert!(find("my_framework_version is missing. Current version: 1").is_empty());
    }

    #[test]
    fn the_oversized_policy_symptom_in_a_container_group_only() {
        let known = |t: &str| -> Vec<String> {
            find(t)
                .into_iter()
                .filter_map(|f| match f {
                    OtherFormat::Known {
                        id: "oversized-policy",
                        text,
                    } => Some(text),
                    _ => None,
                })
                .collect()
        };
        // Both texts, wrapped and indented, read on one line.
        let f = known(
            "Failed to create containerd task: failed to create shim task: error while creating the compute system:\n  \
             hcs::CreateComputeSystem 1a2b@vm: The requested operation failed.: unknown.\\r\\n;\n\
             Failed to create containerd task: failed to create shim task: task with id: 'c1' cannot be created in pod: 'p1'\n  \
             which is not running: failed precondition.",
        );
        assert_eq!(
            f,
            [
                "hcs::CreateComputeSystem 1a2b@vm: The requested operation failed.: unknown",
                "task with id: 'c1' cannot be created in pod: 'p1' which is not running: failed precondition",
            ]
        );
        // The ACI sentence alone is context enough.
        assert_eq!(known("hcs::CreateComputeSystem x@vm: The requested operation failed.: unknown. The container group provisioning has failed.").len(), 1);
        // Without a container group or shim task nearby, or with other words, no finding.
        for t in [
            "hcs::CreateComputeSystem x@vm: The requested operation failed.: unknown",
            "task with id: 'c1' cannot be created in pod: 'p1' which is not running: failed precondition",
            "failed to create shim task: hcs::CreateComputeSystem x: The system cannot find the file specified.",
            "failed to create shim task: hcs::CreateComputeSystem : The requested operation failed.: unknown",
            "failed to create shim task: rpc error: code = FailedPrecondition desc = failed precondition",
            "failed to create shim task: task with id: 'c1' cannot be created in pod: 'p1': failed precondition",
            "failed to create shim task: task with id: '' cannot be created in pod: 'p1' which is not running: failed precondition",
            "failed to create shim task: task with id: 'c1\n' cannot be created in pod: 'p1' which is not running: failed precondition",
            "container group: job cannot be created in pod: 'p1' which is not running: failed precondition",
        ] {
            assert!(known(t).is_empty(), "{t}");
        }
    }
}
