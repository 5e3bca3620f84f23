//! Versioned, compressed state in the URL fragment. Pure code: no browser APIs.
//!
//! A link looks like `https://host/path/#v1.<payload>` where the payload is base64url (no padding)
//! of a zlib stream (deflate + Adler-32, so truncation and corruption are detected) of a small
//! JSON document. The fragment is never sent to a server.
//!
//! By default a decoder link carries only the blobs the findings came from, each with the short
//! wrapper sentence that names the enforcement point — not the surrounding event text with pod
//! names and namespaces. The full text is included only when the user asks for it.

pub mod zlib;

use serde_json::Value;

use crate::decode::{Analysis, FindingKind};

/// The current format version, written as `v1.` at the start of the fragment.
pub const VERSION: u32 = 1;
/// Above this many characters a link may be cut by chat tools and mail clients: warn.
pub const WARN_LEN: usize = 2_000;
/// Above this many characters a link is refused: it would not survive being passed around.
pub const MAX_LEN: usize = 60_000;
/// Texts larger than this are refused before compressing: even text that compresses 100-fold
/// would not fit [`MAX_LEN`], and compressing megabytes only to refuse them wastes memory.
const MAX_SOURCE: usize = 4 * 1024 * 1024;
/// Decompressed payloads larger than this are rejected (a hostile link cannot exhaust memory).
const MAX_INFLATED: usize = 8 * 1024 * 1024;

/// What a link restores. In the JSON: `{"k":"d","t":text,"f":full}` or `{"k":"w","a":answers}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    /// The decoder with this text: either the blobs with their wrapper sentences (`full` false)
    /// or the whole paste (`full` true).
    Decoder { text: String, full: bool },
    /// The network wizard at this state (see `wizard::WizardState::encode`).
    Wizard { answers: String },
}

impl Shared {
    fn to_json(&self) -> Vec<u8> {
        let s = |x: &str| Value::String(x.to_string());
        let v: Value = Value::Object(
            match self {
                Shared::Decoder { text, full } => vec![
                    ("k".into(), s("d")),
                    ("t".into(), s(text)),
                    ("f".into(), Value::Bool(*full)),
                ],
                Shared::Wizard { answers } => vec![("k".into(), s("w")), ("a".into(), s(answers))],
            }
            .into_iter()
            .collect(),
        );
        v.to_string().into_bytes()
    }

    fn from_json(bytes: &[u8]) -> Option<Shared> {
        let v: Value = serde_json::from_str(std::str::from_utf8(bytes).ok()?).ok()?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        match v.get("k")?.as_str()? {
            "d" => Some(Shared::Decoder {
                text: s("t")?,
                full: v.get("f").and_then(Value::as_bool).unwrap_or(false),
            }),
            "w" => Some(Shared::Wizard { answers: s("a")? }),
            _ => None,
        }
    }
}

/// Why a link could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment does not start with `v<number>.`.
    NotALink,
    /// A version this build does not know (a newer app made the link).
    UnknownVersion(String),
    /// Characters that base64url does not use: the link was altered.
    Corrupted(String),
    /// The data ends early: the link was cut off (chat tools do this to long links).
    Truncated,
    /// The link is larger than this app accepts.
    TooLarge(usize),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::NotALink => write!(f, "This link does not hold aci-triage state."),
            ShareError::UnknownVersion(v) => write!(
                f,
                "This link was made by a newer version of aci-triage (format {v}); this copy cannot read it. Reload the page to get the newest version."
            ),
            ShareError::Corrupted(why) => write!(f, "This link is damaged ({why}); ask for it again."),
            ShareError::Truncated => write!(
                f,
                "This link is incomplete: it was probably cut off when it was pasted into a chat or e-mail. Ask for it again, or share the text itself."
            ),
            ShareError::TooLarge(n) => write!(
                f,
                "This link is too large to open ({n} characters; the limit is {MAX_LEN})."
            ),
        }
    }
}

/// Why a link could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The encoded link would have this many characters, above [`MAX_LEN`].
    TooLarge(usize),
    /// The text to share has this many bytes, far above what a link can carry.
    SourceTooLarge(usize),
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EncodeError::TooLarge(n) => write!(
                f,
                "This is too much to share as a link ({n} characters after compression; the limit is {MAX_LEN}). Nothing was cut: share the text as a file instead, or share without the full text."
            ),
            EncodeError::SourceTooLarge(n) => write!(
                f,
                "This text is far too large to share as a link ({} KB). Nothing was cut: share it as a file instead, or share without the full text.",
                n / 1000
            ),
        }
    }
}

/// Encodes `state` as a fragment (without the `#`).
pub fn encode(state: &Shared) -> Result<String, EncodeError> {
    let json = state.to_json();
    if json.len() > MAX_SOURCE {
        return Err(EncodeError::SourceTooLarge(json.len()));
    }
    let packed = zlib::compress(&json);
    let mut out = format!("v{VERSION}.");
    out.push_str(&b64url_encode(&packed));
    if out.len() > MAX_LEN {
        return Err(EncodeError::TooLarge(out.len()));
    }
    Ok(out)
}

/// Whether a fragment (without the `#`) looks like a share link of any version.
pub fn is_share_fragment(fragment: &str) -> bool {
    let Some(rest) = fragment.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest.as_bytes().get(digits) == Some(&b'.')
}

/// Decodes a fragment (without the `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.trim();
    if !is_share_fragment(fragment) {
        return Err(ShareError::NotALink);
    }
    let (version, payload) = fragment[1..].split_once('.').ok_or(ShareError::NotALink)?;
    if version != VERSION.to_string() {
        return Err(ShareError::UnknownVersion(format!("v{version}")));
    }
    if fragment.len() > MAX_LEN {
        return Err(ShareError::TooLarge(fragment.len()));
    }
    // Chat tools sometimes append punctuation or percent-encode; be forgiving about both.
    let payload = payload.trim_end_matches(['.', ',', ')', '>', '\'', '"']);
    let payload = payload.replace("%2D", "-").replace("%5F", "_");
    let packed = b64url_decode(&payload)?;
    let json = inflate(&packed)?;
    Shared::from_json(&json)
        .ok_or_else(|| ShareError::Corrupted("its content is not what this app writes".into()))
}

fn inflate(packed: &[u8]) -> Result<Vec<u8>, ShareError> {
    zlib::decompress(packed, MAX_INFLATED).map_err(|e| match e {
        zlib::InflateError::Truncated => ShareError::Truncated,
        zlib::InflateError::TooLarge => ShareError::TooLarge(packed.len()),
        zlib::InflateError::Checksum => ShareError::Corrupted("its checksum does not match".into()),
        zlib::InflateError::Corrupt => ShareError::Corrupted("it does not decompress".into()),
    })
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(B64URL[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn b64url_decode(s: &str) -> Result<Vec<u8>, ShareError> {
    let data = s.trim_end_matches('=');
    if let Some((i, c)) = data
        .char_indices()
        .find(|&(_, c)| !c.is_ascii() || !crate::decode::b64::is_digit(c as u8))
    {
        return Err(ShareError::Corrupted(format!(
            "character \u{201c}{c}\u{201d} at position {} does not belong in it",
            i + 1
        )));
    }
    if data.len() % 4 == 1 {
        return Err(ShareError::Truncated);
    }
    Ok(crate::decode::b64::decode_lenient(data).bytes)
}

/// The text a default (privacy-preserving) decoder link carries: each distinct finding once,
/// as its blob with the guest's wrapper sentence, or the recognised message itself. Pod names,
/// namespaces, container IDs and all other event text stay out.
pub fn findings_text(source: &str, analysis: &Analysis) -> String {
    let mut lines: Vec<String> = Vec::with_capacity(analysis.findings.len());
    // Blobs cut off by a partial copy keep their missing end marker, so they go last.
    let mut open: Vec<String> = Vec::new();
    for f in &analysis.findings {
        let Some(first) = f.occurrences.first() else {
            continue;
        };
        let matched = source.get(first.range.clone()).unwrap_or_default();
        let line = match &f.kind {
            FindingKind::Decision(d) => {
                // Re-write the blob plainly, whatever escaping the paste used.
                let blob = if d.blob.closed {
                    format!("policyDecision< {} >policyDecision", d.blob.base64)
                } else {
                    format!("policyDecision< {}", d.blob.base64)
                };
                let line = match &d.wrapper {
                    Some(w) => format!("{}: {blob}", w.text),
                    None => blob,
                };
                if !d.blob.closed {
                    open.push(line);
                    continue;
                }
                line
            }
            FindingKind::Other(_) => matched.to_string(),
        };
        lines.push(line);
    }
    lines.extend(open);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trip() {
        for n in 0..40 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 % 256) as u8).collect();
            let e = b64url_encode(&data);
            assert!(!e.contains(['+', '/', '=']));
            assert_eq!(b64url_decode(&e).unwrap(), data);
        }
    }

    #[test]
    fn share_fragment_shape() {
        assert!(is_share_fragment("v1.abc"));
        assert!(is_share_fragment("v12.abc"));
        assert!(!is_share_fragment("wizard"));
        assert!(!is_share_fragment("v.abc"));
    }
}
