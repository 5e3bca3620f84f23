//! Versioned, compressed state in the URL fragment. Pure code: no browser APIs.
//!
//! A link looks like `https://host/path/#v2.<payload>`: the payload is base64url (the `base64`
//! crate) of an envelope around a raw deflate stream of a small JSON document (`serde_json`); see
//! [`envelope`] for the bytes and why a cut-off link is told apart from a damaged one. The
//! fragment is never sent to a server. Links of version 1 (`#v1.`, a zlib stream) keep opening.
//!
//! By default a decoder link carries only what the findings need, at the positions the sender
//! saw ([`findings`]): not the surrounding event text with pod names and namespaces. The full
//! text is included only when the user asks for it. The pod's CCE policy (it names images and
//! registries) goes into a link only when the user ticks it as well ([`policy`]).
//!
//! The deflating and inflating are not done here: the codec is split around them, and the app
//! hands them to the browser's own `CompressionStream` / `DecompressionStream` (`deflate-raw`,
//! and `deflate` for version 1). Making a link is [`prepare`] (the JSON, the size check before
//! any compressing) then [`Prepared::seal`] with the deflate stream (the envelope, the size check
//! of the link); opening one is [`open`] (repairs, version, base64url, and the envelope's checks:
//! whether the link was cut or damaged is decided there, before any inflating) then
//! [`Sealed::finish`] with what the inflater gave back or how it failed ([`InflateFailure`]).
//! Everything but the two compression steps stays here, tested and fuzzed on the host, where the
//! tests use `miniz_oxide` as their deflater.
//!
//! Why the browser's streams: the first visit downloads the app's WebAssembly, and a deflater and
//! an inflater of our own cost about 14 KB of it (gzip -9: inflate 6.5 KB, deflate 7.7 KB) for a
//! step every browser the app supports already does natively (Chromium, also from `file://`).
//! What we gave up: those streams are asynchronous, so a link is no longer open when the app
//! first renders: it lands a moment later, possibly after the first paint ("Opening the shared
//! link…" shows meanwhile; a link superseded by another address or by the user's own paste or
//! typing never lands). In Chromium the streams' promises mostly settle before the page is
//! painted, but nothing guarantees it. The Share panel likewise builds its link a moment after
//! the paste changes ("Building the link…", with Copy disabled until the link is the current
//! one). The host tests no longer run the deflater the app uses: they run `miniz_oxide` through
//! the same split codec, and the browser tests (`tests/web.rs`, the Playwright specs) run the
//! browser's.
//! Browsers compress with their own deflate level, so a link made by the browser may be a few
//! characters longer than the same link made at level 9; any deflater's stream opens everywhere.

pub mod address;
mod envelope;
pub mod findings;
mod payload;
pub mod policy;

use std::borrow::Cow;

pub use address::{link_base, LinkBase, Reach, HOSTED_URL};
pub use policy::{fingerprint, PolicyPlaces};

/// The format version this build writes, as `v2.` at the start of the fragment.
pub const VERSION: u32 = 2;
/// Above this many characters a link may be cut by chat tools and mail clients: warn.
pub const WARN_LEN: usize = 2_000;
/// Above this many characters a link is refused: it would not survive being passed around.
pub const MAX_LEN: usize = 60_000;
/// Texts larger than this are refused before compressing: even text that compresses 100-fold
/// would not fit [`MAX_LEN`], and compressing megabytes only to refuse them wastes memory.
const MAX_SOURCE: usize = 4 * 1024 * 1024;
/// Decompressed payloads larger than this are rejected (a hostile link cannot exhaust memory):
/// the inflater stops reading once its output exceeds it.
pub const MAX_INFLATED: usize = 8 * 1024 * 1024;

/// What a link restores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    /// The decoder with this text. `policy_left_out`: the sender's paste held the pod's CCE
    /// policy and the link leaves it out ([`policy`]); the recipient is told so.
    Decoder {
        text: String,
        content: Content,
        policy_left_out: bool,
    },
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
                policy_left_out: false,
            };
        }
        match findings::findings_only(text) {
            Some(reduced) => Shared::Decoder {
                text: reduced,
                content: Content::Findings,
                policy_left_out: false,
            },
            None => Shared::Decoder {
                text: findings::summary(text, &crate::decode::analyze(text)),
                content: Content::Summary,
                policy_left_out: false,
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

/// A state ready to be compressed: its JSON payload, not larger than a link could carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    json: Vec<u8>,
}

/// The first half of making a link: the JSON payload of `state`, refused when it is so large that
/// no compression would make it fit ([`EncodeError::SourceTooLarge`]). Compress
/// [`Prepared::payload`] to a raw deflate stream (RFC 1951) and [`Prepared::seal`] it.
pub fn prepare(state: &Shared) -> Result<Prepared, EncodeError> {
    let json = payload::to_json(state);
    if json.len() > MAX_SOURCE {
        return Err(EncodeError::SourceTooLarge(json.len()));
    }
    Ok(Prepared { json })
}

impl Prepared {
    /// The bytes to deflate.
    pub fn payload(&self) -> &[u8] {
        &self.json
    }

    /// The second half of making a link: the fragment (without the `#`) around `stream`, the raw
    /// deflate stream of [`Prepared::payload`]; refused above [`MAX_LEN`] characters.
    pub fn seal(&self, stream: &[u8]) -> Result<String, EncodeError> {
        let out = format!("v{VERSION}.{}", envelope::pack(stream));
        if out.len() > MAX_LEN {
            return Err(EncodeError::TooLarge(out.len()));
        }
        Ok(out)
    }
}

/// How the bytes of a [`Sealed`] link are to be inflated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inflate {
    /// A raw deflate stream (RFC 1951; the browser's `deflate-raw`): version 2.
    Raw,
    /// A zlib stream (RFC 1950, with its own Adler-32; the browser's `deflate`): version 1.
    Zlib,
}

/// How inflating a [`Sealed`] link's bytes failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateFailure {
    /// The stream ended before its end mark (all the bytes were read without error).
    EndedEarly,
    /// The output grew beyond [`MAX_INFLATED`]; the inflater stopped there.
    TooLarge,
    /// The bytes are not a valid stream of that kind (including a zlib checksum that does not
    /// match, and bytes after the end of the stream).
    BadData,
}

/// A link whose text passed every check that can be made before inflating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    version: u32,
    stream: Vec<u8>,
}

impl Sealed {
    /// The bytes to inflate.
    pub fn stream(&self) -> &[u8] {
        &self.stream
    }

    /// How to inflate them.
    pub fn format(&self) -> Inflate {
        if self.version == 1 {
            Inflate::Zlib
        } else {
            Inflate::Raw
        }
    }

    /// The second half of opening a link: the state in `inflated` (what the inflater gave back
    /// for [`Sealed::stream`], or how it failed), or why there is none.
    pub fn finish(self, inflated: Result<Vec<u8>, InflateFailure>) -> Result<Shared, ShareError> {
        let json = match inflated {
            Ok(json) if json.len() > MAX_INFLATED => return Err(ShareError::ContentTooLarge),
            Ok(json) => json,
            Err(InflateFailure::TooLarge) => return Err(ShareError::ContentTooLarge),
            // Version 1 carries no length: a stream that ends early is a cut link. Version 2's
            // envelope said the stream arrived complete: if it still ends early, it is damaged.
            Err(InflateFailure::EndedEarly) if self.version == 1 => {
                return Err(ShareError::Truncated)
            }
            Err(InflateFailure::EndedEarly | InflateFailure::BadData) => {
                return Err(ShareError::Corrupted("it does not decompress".into()))
            }
        };
        payload::from_json(&json, self.version)
            .ok_or_else(|| ShareError::Corrupted("its content is not what this app writes".into()))
    }
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

/// The first half of opening a link: reads a fragment (without the `#`), after the repairs of
/// [`repair_fragment`], down to the compressed bytes, with every check that needs no inflating
/// (a cut version-2 link is [`ShareError::Truncated`] here, a damaged one
/// [`ShareError::Corrupted`]). Inflate [`Sealed::stream`] as [`Sealed::format`] says, stopping
/// beyond [`MAX_INFLATED`] bytes, and [`Sealed::finish`] it.
pub fn open(fragment: &str) -> Result<Sealed, ShareError> {
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
    let stream = if version == 1 {
        envelope::unpack_v1(payload)?
    } else {
        envelope::unpack_v2(payload)?
    };
    Ok(Sealed { version, stream })
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
