//! Reading a blob's decoded text as JSON (with serde_json) and the decision in it, as far as the
//! text allows.
//!
//! On top of serde_json:
//! - a cut-off document is completed by [`super::repair`] and says what was added;
//! - a syntax error names its line and column (in characters) in the decoded text, in plain words;
//! - nesting deeper than serde_json's recursion limit (127 levels) is a syntax error, never a
//!   stack overflow;
//! - a lone UTF-16 surrogate escape (`"\ud800"`), which serde_json refuses, is read as U+FFFD,
//!   as Go's encoding/json (the guest's side) reads it, and counted;
//! - an object that repeats a key keeps the last value (as Go and JavaScript read JSON), and
//!   the repeat is noted so the decoded text can be shown as well.

use serde_json::{Deserializer, Value};

use super::model::Decision;
use super::repair;

/// A JSON syntax problem, with its position in the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonProblem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
}

/// What a decoded text holds as JSON.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parsed {
    /// The value (possibly completed, see `repaired`).
    pub json: Option<Value>,
    pub problem: Option<JsonProblem>,
    /// Text after the JSON value that is not part of it (at most 200 characters).
    pub trailing: Option<String>,
    /// When the JSON was cut off: the characters added to close it.
    pub repaired: Option<String>,
    /// How many lone surrogate escapes were read as U+FFFD.
    pub lone_surrogates: usize,
    /// Whether an object repeats a key (its last value is the one kept).
    pub duplicate_keys: bool,
    pub decision: Option<Decision>,
}

/// Reads `text` as JSON and the decision in it.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    if text.trim().is_empty() {
        return out;
    }
    let mut first = parse_prefix(text);
    let fixed;
    let mut text = text;
    if first.as_ref().is_err_and(is_surrogate_error) {
        if let Some((f, n)) = replace_lone_surrogates(text) {
            fixed = f;
            text = &fixed;
            out.lone_surrogates = n;
            first = parse_prefix(text);
        }
    }
    match first {
        Ok((v, end)) => {
            let rest = text[end..].trim();
            if !rest.is_empty() {
                out.trailing = Some(rest.chars().take(200).collect());
            }
            out.duplicate_keys = pairs_in_text(&text[..end]) > pairs_in_value(&v);
            out.json = Some(v);
        }
        Err(e) => {
            let (offset, eof, problem) = locate(text, &e);
            out.problem = Some(problem);
            // Decode as far as possible: complete the text up to the problem.
            if let Some(r) = repair::repair_prefix(&text[..offset]) {
                out.duplicate_keys = pairs_in_text(&text[..r.kept]) > pairs_in_value(&r.value);
                out.json = Some(r.value);
                out.repaired = Some(r.appended);
                if eof {
                    // A cut-off document is expected damage, reported as incompleteness.
                    out.problem = None;
                }
            }
        }
    }
    if let Some(v) = out.json.as_mut() {
        shrink(v);
    }
    out.decision = out.json.as_ref().and_then(Decision::from_value);
    out
}

/// Gives back the spare capacity serde_json's reader leaves in lists (they grow by doubling):
/// a hostile decision of one huge list would otherwise hold up to twice its size.
fn shrink(v: &mut Value) {
    match v {
        Value::Array(items) => {
            items.shrink_to_fit();
            items.iter_mut().for_each(shrink);
        }
        Value::Object(m) => m.values_mut().for_each(shrink),
        _ => {}
    }
}

/// Parses one JSON value at the start of `text` (after whitespace). Returns it and the byte
/// offset where it ends, so the caller can tell trailing text apart.
pub fn parse_prefix(text: &str) -> Result<(Value, usize), serde_json::Error> {
    let mut values = Deserializer::from_str(text).into_iter::<Value>();
    match values.next() {
        Some(Ok(v)) => Ok((v, values.byte_offset())),
        Some(Err(e)) => Err(e),
        // Only whitespace: serde_json's own error for an empty document.
        None => serde_json::from_str::<Value>(text).map(|v| (v, text.len())),
    }
}

/// Where the problem `e` is in `text`: the byte offset to repair up to, whether the text simply
/// ended, and the problem as shown.
fn locate(text: &str, e: &serde_json::Error) -> (usize, bool, JsonProblem) {
    let eof = e.classify() == serde_json::error::Category::Eof;
    let line_start = if e.line() <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(e.line() - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    // serde_json counts columns in bytes, 1-based, at the offending byte.
    let mut offset = if eof {
        text.len()
    } else {
        (line_start + e.column().saturating_sub(1)).min(text.len())
    };
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let column = text[line_start.min(offset)..offset].chars().count() + 1;
    let full = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let message = plain_message(full.strip_suffix(&at).unwrap_or(&full));
    let problem = JsonProblem {
        line: e.line().max(1),
        column,
        message,
    };
    (offset, eof, problem)
}

/// serde_json's messages, in the words the app uses.
fn plain_message(serde: &str) -> String {
    let plain = match serde {
        "EOF while parsing a list" => "the text ends inside a list",
        "EOF while parsing an object" => "the text ends inside an object",
        "EOF while parsing a string" => "the text ends inside a string",
        "EOF while parsing a value" => "the text ends where a value should start",
        "expected `:`" => "expected ':' after the key",
        "expected `,` or `]`" => "expected ',' or ']'",
        "expected `,` or `}`" => "expected ',' or '}'",
        "expected ident" => "invalid literal",
        "expected value" => "expected a value",
        "key must be a string" => "expected a key in double quotes",
        "invalid escape" => "invalid escape in a string",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "control character inside a string"
        }
        "trailing comma" => "a comma before the closing bracket",
        "trailing characters" => "unexpected text after the value",
        "recursion limit exceeded" => "nested too deeply",
        other => other,
    };
    plain.to_string()
}

fn is_surrogate_error(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.starts_with("lone leading surrogate") || m.starts_with("unexpected end of hex escape")
}

/// `text` with every `\u` escape of an unpaired UTF-16 surrogate replaced by `\ufffd` (the same
/// length, so positions stay), and how many there were; `None` when there are none.
fn replace_lone_surrogates(text: &str) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let hex_at = |i: usize| -> Option<u32> {
        let digits = b.get(i..i + 6)?.strip_prefix(b"\\u")?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let mut out: Option<String> = None;
    let mut count = 0;
    let (mut i, mut copied, mut in_string) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                let unit = hex_at(i);
                let lone = match unit {
                    Some(0xd800..=0xdbff) => {
                        if matches!(hex_at(i + 6), Some(0xdc00..=0xdfff)) {
                            // A proper pair: keep both halves.
                            i += 12;
                            continue;
                        }
                        true
                    }
                    Some(0xdc00..=0xdfff) => true,
                    _ => false,
                };
                if lone {
                    let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    o.push_str(&text[copied..i]);
                    o.push_str("\\ufffd");
                    copied = i + 6;
                    count += 1;
                }
                // Skip the escape (`\"` must not end the string).
                i += if unit.is_some() { 6 } else { 2 };
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut o = out?;
    o.push_str(&text[copied.min(text.len())..]);
    Some((o, count))
}

/// How many key-value pairs the JSON text writes: each `:` outside a string is one.
fn pairs_in_text(text: &str) -> usize {
    let (mut n, mut in_string, mut escape) = (0, false, false);
    for &c in text.as_bytes() {
        if in_string {
            match c {
                _ if escape => escape = false,
                b'\\' => escape = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if c == b'"' {
            in_string = true;
        } else if c == b':' {
            n += 1;
        }
    }
    n
}

/// How many key-value pairs a value holds. Fewer than its text writes: a key was repeated.
/// (The depth is bounded by serde_json's recursion limit.)
fn pairs_in_value(v: &Value) -> usize {
    match v {
        Value::Object(m) => m.len() + m.values().map(pairs_in_value).sum::<usize>(),
        Value::Array(items) => items.iter().map(pairs_in_value).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> (JsonProblem, bool) {
        let p = parse(text);
        let eof = p.repaired.is_some() && p.problem.is_none();
        (
            p.problem.unwrap_or(JsonProblem {
                line: 0,
                column: 0,
                message: String::new(),
            }),
            eof,
        )
    }

    #[test]
    fn parses_and_keeps_key_order_and_numbers_as_written() {
        let p = parse(
            r#" {"b":1,"a":[true,null,"x\u003cy"],"c":{"d":-1.50,"e":123456789012345678901234567890}} "#,
        );
        assert_eq!(
            p.json.unwrap().to_string(),
            r#"{"b":1,"a":[true,null,"x<y"],"c":{"d":-1.50,"e":123456789012345678901234567890}}"#
        );
        assert!(p.problem.is_none() && p.trailing.is_none() && !p.duplicate_keys);
    }

    #[test]
    fn errors_have_positions_in_characters() {
        let (e, _) = problem("{\"a\":1,,}");
        assert_eq!((e.line, e.column), (1, 8));
        assert_eq!(e.message, "expected a key in double quotes");
        let (e, _) = problem("{\n  \"a\": tru }");
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (2, 11, "invalid literal")
        );
        // Columns count characters, not bytes.
        let (e, _) = problem("{\"é\":1 2}");
        assert_eq!((e.line, e.column), (1, 8));
        assert_eq!(e.message, "expected ',' or '}'");
    }

    #[test]
    fn a_cut_document_is_completed_not_an_error() {
        let p = parse("{\"a\":[1,2");
        assert!(p.problem.is_none());
        assert_eq!(p.repaired.as_deref(), Some("]}"));
        assert_eq!(p.json.unwrap().to_string(), r#"{"a":[1,2]}"#);
    }

    #[test]
    fn hostile_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        let p = parse(&deep);
        // Too deep is a problem, not a cut: the part that fits is still completed.
        let e = p.problem.expect("a problem");
        assert_eq!(e.message, "nested too deeply");
        assert_eq!((e.line, e.column), (1, 128));
        assert_eq!(p.repaired.as_deref().map(str::len), Some(127));
    }

    #[test]
    fn every_message_is_in_plain_words() {
        for (text, message) in [
            ("[1", "the text ends inside a list"),
            ("{\"a\":1", "the text ends inside an object"),
            ("\"ab", "the text ends inside a string"),
            ("{\"a\":", "the text ends where a value should start"),
            ("{\"a\" 1}", "expected ':' after the key"),
            ("[1 2]", "expected ',' or ']'"),
            ("{\"a\":1 2}", "expected ',' or '}'"),
            ("[nul]", "invalid literal"),
            ("[?]", "expected a value"),
            ("{1:2}", "expected a key in double quotes"),
            ("[\"\\x\"]", "invalid escape in a string"),
            ("[\"\\u12G4\"]", "invalid escape in a string"),
            ("[\"a\u{1}b\"]", "control character inside a string"),
            ("[1,]", "a comma before the closing bracket"),
            ("1x", "unexpected text after the value"),
            ("[01]", "invalid number"),
            ("[-]", "invalid number"),
        ] {
            let p = parse(text);
            let got = p.problem.map(|e| e.message).unwrap_or_else(|| {
                // Cut-off texts are completed instead; their message is that of the cut.
                let e = parse_prefix(text).unwrap_err();
                locate(text, &e).2.message
            });
            assert_eq!(got, message, "{text}");
        }
    }

    #[test]
    fn trailing_text_is_kept() {
        let p = parse("{\"a\":1} and more");
        assert_eq!(p.trailing.as_deref(), Some("and more"));
        assert!(p.json.is_some() && p.problem.is_none());
    }

    #[test]
    fn lone_surrogates_read_as_replacement_characters() {
        let p = parse(r#"{"a":"x\ud800y","b":"\udc00","c":"\ud83d\ude00","d":"\\ud800"}"#);
        assert!(p.problem.is_none(), "{:?}", p.problem);
        assert_eq!(p.lone_surrogates, 2);
        let v = p.json.unwrap();
        assert_eq!(v["a"], "x\u{fffd}y");
        assert_eq!(v["b"], "\u{fffd}");
        assert_eq!(v["c"], "\u{1f600}");
        assert_eq!(v["d"], "\\ud800");
        // A lone surrogate before a cut: replaced, then completed.
        let p = parse(r#"{"a":"\ud800","b":["#);
        assert_eq!(p.lone_surrogates, 1);
        assert_eq!(p.repaired.as_deref(), Some("]}"));
        assert!(parse(r#"{"c":"\ud83d\ude00"}"#).lone_surrogates == 0);
    }

    #[test]
    fn repeated_keys_keep_the_last_value_and_are_noted() {
        let p = parse(r#"{"decision":"allow","x":{"a":1,"a":2},"decision":"deny"}"#);
        assert!(p.duplicate_keys);
        let v = p.json.unwrap();
        assert_eq!(v.to_string(), r#"{"decision":"deny","x":{"a":2}}"#);
        assert_eq!(p.decision.unwrap().decision.as_deref(), Some("deny"));
        // Colons inside strings are not keys.
        assert!(!parse(r#"{"a":"b:c","d\":":"e"}"#).duplicate_keys);
        assert!(parse(r#"{"a":1,"a":{"b":"#).duplicate_keys);
    }
}
