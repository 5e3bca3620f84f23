//! How a blob decoded: the decoding notes (markers, skipped characters, base64, UTF-8, JSON
//! problems, what was completed) and the decoded text and JSON with their copy buttons.

use serde_json::Value;

use super::values::pretty;
use crate::decode::{Alphabet, B64Note, DecodedBlob, Origin};
use crate::report::{plural, Block};

/// Everything worth saying about how a blob decoded: (is it a warning, text).
pub fn blob_problems(b: &DecodedBlob) -> Vec<(bool, String)> {
    blob_problems_at(b, &[])
}

/// [`blob_problems`], naming each skipped character by its line and column in the paste
/// (`places`, parallel to `b.invalid_chars`; byte offsets where it has none).
pub fn blob_problems_at(b: &DecodedBlob, places: &[(usize, usize)]) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    if !b.closed {
        out.push((true, "The closing >policyDecision marker is missing: the paste ends inside this blob, or the copy was cut. What could be decoded is shown.".to_string()));
    }
    if b.dropped_lines > 0 {
        out.push((
            false,
            format!(
                "{} after the blob did not decode and were left out.",
                plural(b.dropped_lines, "line", "lines")
            ),
        ));
    }
    if !b.invalid_chars.is_empty() {
        let shown: Vec<String> = b
            .invalid_chars
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, (off, c))| {
                let at = match places.get(i) {
                    Some((line, col)) => format!("line {line}, column {col}"),
                    None => format!("byte {off}"),
                };
                if c.is_control() || c.is_whitespace() {
                    format!("U+{:04X} at {at} of the paste", *c as u32)
                } else {
                    format!("\u{201c}{c}\u{201d} at {at} of the paste")
                }
            })
            .collect();
        let n = b.invalid_chars.len();
        out.push((
            true,
            format!(
                "{} between the markers {} not base64 and {} skipped: {}.",
                plural(n, "character", "characters"),
                if n == 1 { "is" } else { "are" },
                if n == 1 { "was" } else { "were" },
                shown.join(", ")
            ),
        ));
    }
    for n in &b.b64_notes {
        match n {
            B64Note::MissingPadding => out.push((false, "The base64 had no = padding; that is harmless.".into())),
            B64Note::PaddingInMiddle { index } => out.push((true, format!("An = sign appears inside the base64 at character {}; everything after it was ignored.", index + 1))),
            B64Note::DanglingCharacter { index } => out.push((true, format!("The base64 ends with one character too many (character {}): the blob was cut off.", index + 1))),
        }
    }
    match b.alphabet {
        Alphabet::Standard => {}
        Alphabet::UrlSafe => out.push((false, "The blob uses the URL-safe base64 alphabet (- and _); the guest writes the standard one, so something re-encoded it.".into())),
        Alphabet::Mixed => out.push((true, "The blob mixes both base64 alphabets; it was decoded treating - and _ as + and /.".into())),
    }
    if b.escaped_delimiters {
        out.push((false, "The markers were escaped (\\u003c, &lt; or similar), as JSON and HTML output write them.".into()));
    }
    if let Some(at) = b.utf8_error_at {
        out.push((true, format!("The decoded bytes are not valid UTF-8 from byte {at} on; such bytes are shown as \u{fffd}.")));
    }
    if let Some(p) = &b.json_problem {
        out.push((
            true,
            format!(
                "The decoded text is not valid JSON: {} (line {}, column {}).",
                p.message, p.line, p.column
            ),
        ));
    }
    match (&b.repaired, &b.json_problem) {
        (Some(appended), None) => {
            out.push((true, format!("The JSON was cut off; it was completed by adding \u{201c}{appended}\u{201d} so that the part that arrived can be shown. Fields after the cut are missing.")));
            // Cut inside a string: the last value shown is only its beginning.
            if let Some(v) = b.json.as_ref().filter(|_| appended.starts_with('"')).and_then(last_string) {
                out.push((true, format!("The last value before the cut, \u{201c}{v}\u{201d}, is only its beginning (such as a variable name or hash cut short).")));
            }
        }
        (Some(appended), Some(_)) => out.push((true, format!("The fields before the problem are explained, completed by adding \u{201c}{appended}\u{201d}; the decoded text below shows everything, the rest included."))),
        _ => {}
    }
    if b.lone_surrogates > 0 {
        let (what, verb) = match b.lone_surrogates {
            1 => ("1 \\u escape".to_string(), "stands"),
            n => (format!("{n} \\u escapes"), "stand"),
        };
        out.push((true, format!("The JSON has {what} that {verb} for half of a UTF-16 character pair with no other half (a lone surrogate), which is no character; shown as \u{fffd}, as the guest's own JSON reader reads it. Something other than the guest wrote or changed this text.")));
    }
    if b.duplicate_keys {
        out.push((true, "An object in the JSON has the same key more than once; the last value of each is shown, as the guest's JSON reader and browsers read it. The decoded text below shows every one.".into()));
    }
    if let Some(t) = &b.trailing {
        out.push((
            true,
            format!("Text follows the JSON inside the blob and was ignored: \u{201c}{t}\u{201d}"),
        ));
    }
    if b.json.is_some() && b.decision.is_none() {
        out.push((true, "The JSON is not an object, so it is not a policy decision; it is shown below as it is.".into()));
    }
    if let Origin::Json {
        escapes,
        after_empty_blob,
    } = b.origin
    {
        let from = if after_empty_blob {
            "The policyDecision blob itself is empty (nothing between its markers); the decision was written as JSON right after it and was read from there."
        } else {
            "This decision was read as decoded JSON written in the paste (pasted already decoded, or raw where a blob would be), not from a blob's base64."
        };
        let unescaped = match escapes {
            0 => String::new(),
            1 => " It was escaped once inside a string and was unescaped first.".into(),
            n => format!(" It was escaped {n} times inside strings and was unescaped first."),
        };
        out.push((false, format!("{from}{unescaped}")));
    }
    if b.text.is_empty() {
        out.push((true, "Nothing could be decoded from this blob.".into()));
    }
    out
}

/// The string that comes last in the document (where a cut-off text ends).
fn last_string(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(items) => last_string(items.last()?),
        Value::Object(fields) => last_string(fields.values().next_back()?),
        _ => None,
    }
}

/// The decoded text (when it is not all shown as JSON) and the decoded JSON, to read and copy.
pub(super) fn raw_blocks(b: &DecodedBlob, doc: &mut Vec<Block>) {
    let details = |summary: &str, shown: String, label: &'static str, open: bool| Block::Details {
        summary: summary.into(),
        open,
        body: vec![Block::Pre {
            code: shown.clone(),
            copy: vec![(label, shown), ("Copy base64", b.base64.clone())],
        }],
    };
    // Invalid JSON: the text as decoded comes first, so nothing after the problem is hidden.
    if b.json.is_none() || b.json_problem.is_some() || b.duplicate_keys {
        let (summary, shown) = match b.text.is_empty() {
            false => ("Decoded text", b.text.clone()),
            true => ("Base64 as found", b.base64.clone()),
        };
        doc.push(details(summary, shown, "Copy text", true));
    }
    if let Some(v) = &b.json {
        doc.push(details("Decoded JSON", pretty(v), "Copy JSON", false));
    }
}

#[cfg(test)]
mod tests {
    use crate::explain::finding_doc;
    use crate::report::markdown;

    #[test]
    fn invalid_json_in_a_whole_blob_shows_all_of_the_decoded_text() {
        use base64::Engine;
        let json = r#"{"decision":"deny","reason":{"errors":["invalid command" "x"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let a = crate::decode::analyze(&format!("policyDecision< {b64} >policyDecision"));
        let md = markdown(&finding_doc(&a.findings[0], "f"));
        assert!(md.contains("is not valid JSON"), "{md}");
        assert!(!md.contains("was cut off"), "{md}");
        assert!(md.contains("**Decoded text**"), "{md}");
        assert!(
            md.contains(json),
            "the text as decoded, \"x\" included: {md}"
        );
        // The part before the problem is still explained.
        assert!(md.contains("#### Command not allowed"), "{md}");
    }

    #[test]
    fn a_value_cut_by_the_copy_is_called_a_beginning() {
        use base64::Engine;
        let json = r#"{"decision":"deny","reason":{"errors":["invalid env list: FOO,APP_IDENTITY_ENDPOINT"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        // Cut inside the second variable's name (a multiple of 4 characters, so whole bytes).
        let cut_at = json.find("IDENTITY").unwrap() * 4 / 3 / 4 * 4;
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&format!("policyDecision< {}", &b64[..cut_at])).findings[0],
            "f",
        ));
        assert!(
            md.contains("The last value before the cut, \u{201c}invalid env list: FOO,APP"),
            "{md}"
        );
        assert!(md.contains("is only its beginning"), "{md}");
        // Cut between values: nothing is cut short.
        let whole_value = json.find(r#""]}}"#).unwrap() + 1;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&json[..whole_value + 1]);
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&format!("policyDecision< {b64}")).findings[0],
            "f",
        ));
        assert!(md.contains("was cut off"), "{md}");
        assert!(!md.contains("is only its beginning"), "{md}");
    }
}
