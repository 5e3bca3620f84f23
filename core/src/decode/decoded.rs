//! Decisions pasted already decoded: the JSON a blob decodes to, written in the paste itself.
//!
//! People paste the end of their own decoding (`{"decision":"deny",…}`), bare, in Markdown fences,
//! indented, pretty-printed over many lines, or escaped once or more inside a JSON or Go string
//! (`{\"decision\":\"deny\",…}`, `{\\\"decision\\\":…}` in an ARM message); some events carry
//! the decision as raw JSON where the blob would be (`… denied by policy: {"decision":"deny",…}`).
//!
//! The guest serialises the decision with Go's `encoding/json`, which sorts the keys, so
//! `decision` is the first key of every decision it writes and of every copy that kept the order
//! (jq, Python, PowerShell). A candidate is an object whose first key is `"decision"`; how many
//! backslashes stand before that key's quote says how many times it was escaped (`2^n - 1` for
//! `n` levels). Its end is found by one scan that counts brackets outside the strings of that
//! level, and stops where the string holding it ends. Only that stretch is unescaped and read.
//!
//! Each candidate is read at most up to where the next one starts, so the whole search is linear
//! in the length of the paste.

use std::ops::Range;

use super::model::{Decision, Reason};
use super::units::find_exact;

/// The key every guest decision starts with.
const KEY: &str = "decision";
/// How many levels of escaping are followed (`\\\\\\\\\\\\\\\"`: 15 backslashes is four).
const MAX_LEVEL: u32 = 5;
/// The longest decision read (the guest's own blobs stay far below this).
const MAX_JSON: usize = 512 * 1024;

/// One decision written as JSON text in the paste.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonText {
    /// From the opening `{` to after its closing `}` (or where the text of it stops).
    pub range: Range<usize>,
    /// How many times the JSON was escaped inside strings (0: as it is).
    pub escapes: u8,
    /// Whether the closing `}` was found.
    pub closed: bool,
    /// The JSON text with its escaping undone.
    pub json: String,
}

/// What a quote preceded by a run of backslashes is, at an escaping level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// A quote of the JSON itself (opens or closes one of its strings).
    Structural,
    /// A quote inside one of its strings (`\"` in the JSON).
    Escaped,
    /// The end of a string the JSON is written in: the JSON stops here.
    Outer,
}

/// Undoing `level` escapings of a quote after `run` backslashes: each one halves the run, and a
/// quote that was not escaped at some level ends the string of that level.
fn quote_kind(mut run: usize, level: u32) -> Quote {
    for _ in 0..level {
        if run.is_multiple_of(2) {
            return Quote::Outer;
        }
        run = (run - 1) / 2;
    }
    if run.is_multiple_of(2) {
        Quote::Structural
    } else {
        Quote::Escaped
    }
}

/// The escaping level of a structural quote after `run` backslashes (`2^n - 1` of them), if any.
pub(super) fn level_of(run: usize) -> Option<u32> {
    (0..=MAX_LEVEL).find(|&n| run == (1usize << n) - 1)
}

/// How many backslashes end `b[..end]`.
fn backslashes_before(b: &[u8], end: usize) -> usize {
    b[..end].iter().rev().take_while(|&&c| c == b'\\').count()
}

/// Whitespace of the JSON at any level: blanks, line breaks, and escaped line breaks and tabs
/// (`\n`, `\\n`, `\r\n` …). Steps back over it from `end`; returns where it starts.
fn skip_space_back(b: &[u8], mut end: usize) -> usize {
    loop {
        match end.checked_sub(1).map(|i| b[i]) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => end -= 1,
            Some(b'n' | b'r' | b't') if end >= 2 && b[end - 2] == b'\\' => {
                end -= 1;
                end -= backslashes_before(b, end);
            }
            _ => return end,
        }
    }
}

/// A candidate: the `{` before a `"decision"` key at byte `at` (where its letters start), and the
/// escaping level.
fn candidate_at(b: &[u8], at: usize) -> Option<(usize, u32)> {
    let quote = at.checked_sub(1).filter(|&q| b[q] == b'"')?;
    let run = backslashes_before(b, quote);
    let level = level_of(run)?;
    // The closing quote of the key, written the same way, then `:`.
    let after = at + KEY.len();
    let close = after + run;
    if b.get(after..close)?.iter().any(|&c| c != b'\\') || b.get(close) != Some(&b'"') {
        return None;
    }
    let mut i = close + 1;
    while b.get(i).is_some_and(|&c| c == b' ' || c == b'\t') {
        i += 1;
    }
    if b.get(i) != Some(&b':') {
        return None;
    }
    let open = skip_space_back(b, quote - run);
    let open = open.checked_sub(1).filter(|&o| b[o] == b'{')?;
    Some((open, level))
}

/// Where the JSON that opens at `open` ends, reading no further than `limit`: (end, closed).
fn json_end(b: &[u8], open: usize, limit: usize, level: u32) -> (usize, bool) {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = open;
    while i < limit {
        match b[i] {
            b'\\' => {
                let run = b[i..limit].iter().take_while(|&&c| c == b'\\').count();
                let next = i + run;
                if b.get(next) == Some(&b'"') && next < limit {
                    match quote_kind(run, level) {
                        Quote::Outer => return (i, false),
                        Quote::Structural => in_string = !in_string,
                        Quote::Escaped => {}
                    }
                    i = next + 1;
                } else {
                    i = next.max(i + 1);
                }
                continue;
            }
            b'"' => match quote_kind(0, level) {
                Quote::Outer => return (i, false),
                Quote::Structural => in_string = !in_string,
                Quote::Escaped => {}
            },
            b'{' | b'[' if !in_string => depth += 1,
            b'}' | b']' if !in_string => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (i + 1, true);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (limit, false)
}

/// Undoes one level of JSON (or Go) string escaping. Lenient: an escape it does not know is kept
/// as it is, so nothing is lost.
pub fn unescape_once(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[copied..i]);
        let (decoded, len): (Option<char>, usize) = match b.get(i + 1) {
            Some(b'"') => (Some('"'), 2),
            Some(b'\\') => (Some('\\'), 2),
            Some(b'/') => (Some('/'), 2),
            Some(b'\'') => (Some('\''), 2),
            Some(b'n') => (Some('\n'), 2),
            Some(b'r') => (Some('\r'), 2),
            Some(b't') => (Some('\t'), 2),
            Some(b'b') => (Some('\u{8}'), 2),
            Some(b'f') => (Some('\u{c}'), 2),
            Some(b'u') => match unicode_escape(b, i) {
                Some((c, len)) => (Some(c), len),
                None => (None, 1),
            },
            _ => (None, 1),
        };
        match decoded {
            Some(c) => out.push(c),
            // Kept as written: the backslash here, what follows in the next round.
            None => out.push('\\'),
        }
        i += len;
        copied = i;
    }
    out.push_str(&s[copied..]);
    out
}

/// The `\uXXXX` escape at `i` (a surrogate pair as one character): the character and the length.
/// `None` for a malformed escape or a lone surrogate, which stays as written.
fn unicode_escape(b: &[u8], i: usize) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        let digits = b.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let unit = hex(i + 2)?;
    if (0xd800..0xdc00).contains(&unit) {
        if b.get(i + 6..i + 8) != Some(b"\\u") {
            return None;
        }
        let low = hex(i + 8).filter(|l| (0xdc00..0xe000).contains(l))?;
        let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        return char::from_u32(code).map(|c| (c, 12));
    }
    char::from_u32(unit).map(|c| (c, 6))
}

/// Every decision written as JSON text in `text`, in order, outside the byte ranges in `skip`
/// (sorted, not overlapping: the blobs). Only objects whose `decision` is `"deny"` count.
pub fn find_json_decisions(text: &str, skip: &[Range<usize>]) -> Vec<JsonText> {
    let b = text.as_bytes();
    let inside = |pos: usize| {
        let i = skip.partition_point(|r| r.start <= pos);
        i > 0 && skip[i - 1].end > pos
    };
    let keys = std::iter::successors(find_exact(b, 0, KEY.as_bytes()), |&at| {
        find_exact(b, at + KEY.len(), KEY.as_bytes())
    });
    let candidates: Vec<(usize, u32)> = keys
        .filter_map(|at| candidate_at(b, at))
        .filter(|&(open, _)| !inside(open))
        .collect();
    let mut out = Vec::new();
    let mut consumed = 0;
    for (k, &(open, level)) in candidates.iter().enumerate() {
        if open < consumed {
            continue;
        }
        let next = candidates.get(k + 1).map_or(b.len(), |c| c.0);
        let mut limit = next
            .max(open + 1)
            .min(open.saturating_add(MAX_JSON))
            .min(b.len());
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let (end, closed) = json_end(b, open, limit, level);
        // A blob inside it (in one of its strings): the blob is what counts.
        let next_skip = skip.partition_point(|r| r.start < open);
        if skip.get(next_skip).is_some_and(|r| r.start < end) {
            continue;
        }
        let mut json = text[open..end].to_string();
        for _ in 0..level {
            json = unescape_once(&json);
        }
        if !says_deny(&json) {
            continue;
        }
        consumed = end;
        out.push(JsonText {
            range: open..end,
            escapes: level as u8,
            closed,
            json,
        });
    }
    out
}

/// The fixed `reason` texts of the guest's enforcer (a policy that is not valid or gives no
/// reason, an interpreter error): how each starts.
const GUEST_REASONS: &[&str] = &[
    "Security policy is",
    "rule for ",
    "enforcement point",
    "policy does not define",
    "error querying enforcement point",
    "unable to find value for key",
    "value for '",
];

/// Whether a `{"decision":"deny",…}` is the guest's and not another tool's (AI agent hooks,
/// authorisation services and SSE feeds write `{"decision":"deny","reason":"…"}` too): it has an
/// `input`, `truncated` or `policyError`, a `reason` with `errors`, or one of the enforcer's own
/// reason texts.
pub fn looks_like_a_guest_decision(d: &Decision) -> bool {
    d.input.is_some()
        || d.rule.is_some()
        || d.truncated.is_some()
        || d.policy_error.is_some()
        || match &d.reason {
            Some(Reason::Errors { .. }) => true,
            Some(Reason::Text(t)) => GUEST_REASONS.iter().any(|r| t.starts_with(r)),
            _ => false,
        }
}

/// Whether the unescaped JSON's first key, `decision`, holds `"deny"` (in any case).
fn says_deny(json: &str) -> bool {
    let Some(rest) = json
        .trim_start_matches(|c: char| c == '{' || c.is_whitespace())
        .strip_prefix("\"decision\"")
    else {
        return false;
    };
    let rest = rest
        .trim_start()
        .strip_prefix(':')
        .unwrap_or("")
        .trim_start();
    rest.get(..6)
        .is_some_and(|v| v.eq_ignore_ascii_case("\"deny\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECISION: &str =
        r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#;

    fn escape(s: &str) -> String {
        s.replace('\\', "\\\\").replace('"', "\\\"")
    }

    fn found(text: &str) -> Vec<(String, u8, bool)> {
        find_json_decisions(text, &[])
            .into_iter()
            .map(|j| (j.json, j.escapes, j.closed))
            .collect()
    }

    #[test]
    fn bare_and_escaped_decisions_read_the_same() {
        let once = escape(DECISION);
        let twice = escape(&once);
        let thrice = escape(&twice);
        for (text, level) in [
            (format!("x: {DECISION}: unknown"), 0),
            (format!("\"{once}\""), 1),
            (format!("{{\"message\":\"a: {once}\"}}"), 1),
            (format!("\\\"{twice}\\\""), 2),
            (format!("m: {thrice}"), 3),
        ] {
            assert_eq!(
                found(&text),
                vec![(DECISION.to_string(), level, true)],
                "{text}"
            );
        }
    }

    #[test]
    fn the_range_is_the_json_as_written() {
        let text = format!("denied by policy: \"{}\": unknown", escape(DECISION));
        let j = &find_json_decisions(&text, &[])[0];
        assert_eq!(&text[j.range.clone()], escape(DECISION));
    }

    #[test]
    fn pretty_printed_with_escaped_newlines() {
        let pretty =
            "{\n  \"decision\": \"deny\",\n  \"reason\": {\"errors\": [\"a \\\"b\\\" {\"]}\n}";
        assert_eq!(found(pretty)[0].0, pretty);
        // The same inside a JSON string: newlines as \n, quotes as \".
        let inner = pretty
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        assert_eq!(
            found(&format!("\"{inner}\"")),
            vec![(pretty.to_string(), 1, true)]
        );
    }

    #[test]
    fn a_cut_decision_stops_where_its_string_or_the_next_one_starts() {
        // Cut inside an ARM message: the outer string ends at the unescaped quote.
        let cut = &escape(DECISION)[..40];
        let text = format!("{{\"message\":\"{cut}\"}} {DECISION}");
        let all = found(&text);
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(!all[0].2);
        assert_eq!(all[0].0, DECISION[..all[0].0.len()]);
        assert_eq!(all[1], (DECISION.to_string(), 0, true));
    }

    #[test]
    fn only_denials_whose_first_key_is_decision() {
        assert!(found(r#"{"decision":"allow","reason":{}}"#).is_empty());
        assert!(found(r#"{"input":{},"decision":"deny"}"#).is_empty());
        assert!(found(r#"the "decision": "deny" field"#).is_empty());
        assert!(found(r#"{"decision": <placeholder>}"#).is_empty());
        assert!(
            found(r#"{\\"decision\\":"deny"}"#).is_empty(),
            "two backslashes: no level"
        );
        assert_eq!(found(r#"{"decision": "DENY"}"#).len(), 1);
    }

    #[test]
    fn unescaping_is_lenient() {
        assert_eq!(
            unescape_once(r#"a\"b\\c\/d\n\u00e9\ud83d\ude00"#),
            "a\"b\\c/d\né😀"
        );
        assert_eq!(
            unescape_once(r"\q \u12 \ud800 end\"),
            r"\q \u12 \ud800 end\"
        );
    }

    #[test]
    fn quote_kinds_by_level() {
        assert_eq!(quote_kind(0, 0), Quote::Structural);
        assert_eq!(quote_kind(1, 0), Quote::Escaped);
        assert_eq!(quote_kind(2, 0), Quote::Structural);
        assert_eq!(quote_kind(0, 1), Quote::Outer);
        assert_eq!(quote_kind(1, 1), Quote::Structural);
        assert_eq!(quote_kind(3, 1), Quote::Escaped);
        assert_eq!(quote_kind(3, 2), Quote::Structural);
        assert_eq!(quote_kind(1, 2), Quote::Outer);
    }

    #[test]
    fn many_unclosed_candidates_take_linear_time() {
        let text = "{\\\"decision\\\":\\\"deny\\\",[".repeat(200_000);
        let t = std::time::Instant::now();
        let n = find_json_decisions(&text, &[]).len();
        assert!(t.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(n, 200_000);
    }

    #[test]
    fn the_longest_read_stops_on_a_character_boundary() {
        let text = format!("{{\"decision\":\"deny\",\"x\":\"{}", "é".repeat(MAX_JSON));
        let found = find_json_decisions(&text, &[]);
        assert_eq!(found.len(), 1);
        assert!(!found[0].closed);
    }

    #[test]
    fn a_decision_holding_a_blob_is_left_to_the_blob() {
        let text =
            r#"{"decision":"deny","reason":{"errors":["x policyDecision< eyJ9 >policyDecision"]}}"#;
        let blob = text.find("policyDecision<").unwrap()..text.find("\"]}}").unwrap();
        assert!(find_json_decisions(text, &[blob]).is_empty());
        assert_eq!(find_json_decisions(text, &[]).len(), 1);
    }
}
