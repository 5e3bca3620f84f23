//! Versioned, compressed state in the URL fragment. Pure code: no browser APIs.
//!
//! A link looks like `https://host/path/#v2.<payload>`: the payload is base64url (the `base64`
//! crate) of an envelope around a deflate stream (`miniz_oxide`) of a small JSON document
//! (`serde_json`); see [`envelope`] for the bytes and why a cut-off link is told apart from a
//! damaged one. The fragment is never sent to a server. Links of version 1 (`#v1.`, a zlib
//! stream) keep opening.
//!
//! By default a decoder link carries only what the findings need, at the positions the sender
//! saw ([`findings`]): not the surrounding event text with pod names and namespaces. The full
//! text is included only when the user asks for it.
//!
//! Compression runs here, in the pure core (`miniz_oxide`), rather than through the browser's
//! `CompressionStream`: a link must open synchronously at start-up (its findings are on the first
//! paint, not swapped in after a promise), the Share panel builds its link synchronously as the
//! paste changes, the whole codec (and the findings-only search, which encodes) is tested and
//! fuzzed on the host like the rest of the core, and the offline file needs no browser feature
//! beyond WebAssembly. Measured cost in the release wasm (gzip -9): inflate 6.5 KB, deflate 7.7 KB.

pub mod address;
mod envelope;
pub mod findings;
mod payload;

use std::borrow::Cow;

pub use address::{link_base, LinkBase, Reach, HOSTED_URL};

/// The format version this build writes, as `v2.` at the start of the fragment.
pub const VERSION: u32 = 2;
/// Above this many characters a link may be cut by chat tools and mail clients: warn.
pub const WARN_LEN: usize = 2_000;
/// Above this many characters a link is refused: it would not survive being passed around.
pub const MAX_LEN: usize = 60_000;
/// Texts larger than this are refused before compressing: even text that compresses 100-fold
/// would not fit [`MAX_LEN`], and compressing megabytes only to refuse them wastes memory.
const MAX_SOURCE: usize = 4 * 1024 * 1024;
/// Decompressed payloads larger than this are rejected (a hostile link cannot exhaust memory).
const MAX_INFLATED: usize = 8 * 1024 * 1024;

/// What a link restores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    /// The decoder with this text.
    Decoder { text: String, content: Content },
    /// The network wizard at this state (see `wizard::WizardState::encode`).
    Wizard { answers: String },
}

/// What the text of a decoder link is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// The whole paste, as the sender had it.
    Full,
    /// The paste with everything its findings do not need blanked ([`findings::findings_only`]):
    /// the recipient sees the same cards, line numbers and notes as the sender.
    Findings,
    /// One line per finding ([`findings::summary`]): what version-1 links carry, and what a paste
    /// too large to reduce is shared as. Line numbers are the summary's, not the sender's.
    Summary,
}

impl Shared {
    /// The decoder state to share for the paste `text`: all of it (`full`), or what its findings
    /// need (a summary when that takes too long to work out, see [`Content::Summary`]).
    pub fn decoder(text: &str, full: bool) -> Shared {
        if full {
            return Shared::Decoder {
                text: text.to_string(),
                content: Content::Full,
            };
        }
        match findings::findings_only(text) {
            Some(reduced) => Shared::Decoder {
                text: reduced,
                content: Content::Findings,
            },
            None => Shared::Decoder {
                text: findings::summary(text, &crate::decode::analyze(text)),
                content: Content::Summary,
            },
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
    /// The link was altered: characters base64url does not use, or data that fails its checks.
    Corrupted(String),
    /// The data ends early: the link was cut off (chat tools do this to long links).
    Truncated,
    /// The link is larger than this app accepts.
    TooLarge(usize),
    /// The link unpacks to more than this app accepts.
    ContentTooLarge,
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
            ShareError::ContentTooLarge => write!(
                f,
                "This link is too large to open: it unpacks to more than {} MB.",
                MAX_INFLATED >> 20
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
    let json = payload::to_json(state);
    if json.len() > MAX_SOURCE {
        return Err(EncodeError::SourceTooLarge(json.len()));
    }
    let out = format!("v{VERSION}.{}", envelope::pack(&json));
    if out.len() > MAX_LEN {
        return Err(EncodeError::TooLarge(out.len()));
    }
    Ok(out)
}

/// A fragment put back the way the app wrote it, undoing what happens to links on their way:
/// percent-encoding (`v2%2E…`, also twice over: `%252E`), and spaces, line breaks and invisible
/// characters that chat tools and mail clients insert when they wrap a long link. Returns the
/// fragment itself when nothing needed repair; the UI can put a repaired one in the address bar.
pub fn repair_fragment(fragment: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(fragment);
    // Each round undoes one level of encoding; three is more than any tool chain applies.
    for _ in 0..3 {
        if !has_percent_escape(&out) {
            break;
        }
        let decoded = percent_encoding::percent_decode_str(&out)
            .decode_utf8_lossy()
            .into_owned();
        out = Cow::Owned(decoded);
    }
    let stray = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}'
            )
    };
    if out.contains(stray) {
        out = Cow::Owned(out.chars().filter(|&c| !stray(c)).collect());
    }
    out
}

fn has_percent_escape(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// The version and the payload of a (repaired) fragment that has the shape `v<number>.…`.
fn split_version(fragment: &str) -> Option<(&str, &str)> {
    let (version, payload) = fragment.strip_prefix('v')?.split_once('.')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .then_some((version, payload))
}

/// Whether a fragment (without the `#`) looks like a share link of any version, also after the
/// repairs of [`repair_fragment`].
pub fn is_share_fragment(fragment: &str) -> bool {
    split_version(&repair_fragment(fragment)).is_some()
}

/// Decodes a fragment (without the `#`), after the repairs of [`repair_fragment`].
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = repair_fragment(fragment);
    let (version, payload) = split_version(&fragment).ok_or(ShareError::NotALink)?;
    let version = match version {
        "1" => 1,
        "2" => 2,
        _ => return Err(ShareError::UnknownVersion(format!("v{version}"))),
    };
    if fragment.len() > MAX_LEN {
        return Err(ShareError::TooLarge(fragment.len()));
    }
    // A link at the end of a sentence, in brackets or in quotes: that punctuation is not the link's.
    let payload =
        payload.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '>', '*', '\'', '"']);
    let json = if version == 1 {
        envelope::unpack_v1(payload, MAX_INFLATED)?
    } else {
        envelope::unpack_v2(payload, MAX_INFLATED)?
    };
    payload::from_json(&json, version)
        .ok_or_else(|| ShareError::Corrupted("its content is not what this app writes".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_fragment_shape() {
        assert!(is_share_fragment("v1.abc"));
        assert!(is_share_fragment("v12.abc"));
        assert!(is_share_fragment("v2%2Eabc"));
        assert!(is_share_fragment(" v2.\nabc"));
        assert!(!is_share_fragment("wizard"));
        assert!(!is_share_fragment("v.abc"));
        assert!(!is_share_fragment("vx.abc"));
    }

    #[test]
    fn repair_leaves_clean_fragments_alone() {
        assert!(matches!(repair_fragment("v2.abc-_"), Cow::Borrowed(_)));
        assert_eq!(repair_fragment("v2%252Eab%2Dc"), "v2.ab-c");
        assert_eq!(repair_fragment("v2.ab\u{200b}c d\r\n e"), "v2.abcde");
        // A percent sign that escapes nothing stays (and is reported as damage by `decode`).
        assert_eq!(repair_fragment("v2.ab%zz"), "v2.ab%zz");
    }
}
