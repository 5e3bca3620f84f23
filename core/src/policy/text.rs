//! Bytes to text, and the policy's base64 to bytes.
//!
//! A dropped file can be UTF-8 (with or without a BOM) or UTF-16 (a confcom policy saved through a
//! Windows shell redirect is UTF-16LE with a BOM). The policy itself is ASCII (confcom base64-encodes
//! `policy.encode("ascii")`), so anything else in it is worth saying.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// How a file's bytes were read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
}

/// The text of a file, with how it was read.
#[derive(Clone, Debug, PartialEq)]
pub struct FileText {
    pub text: String,
    pub encoding: Encoding,
    /// Bytes that were not valid in the encoding were replaced by U+FFFD.
    pub replaced: bool,
}

fn utf16(bytes: &[u8], little: bool) -> (String, bool) {
    let units = bytes.chunks(2).map(|c| {
        let (a, b) = (c[0], *c.get(1).unwrap_or(&0));
        if little {
            u16::from_le_bytes([a, b])
        } else {
            u16::from_be_bytes([a, b])
        }
    });
    let mut replaced = bytes.len() % 2 == 1;
    let text = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                replaced = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    (text, replaced)
}

/// Reads a file's bytes as text: a UTF-8 or UTF-16 BOM decides; without one, text whose every
/// other byte is NUL is taken as UTF-16 (a BOM-less Windows export), anything else as UTF-8.
pub fn text_from_bytes(bytes: &[u8]) -> FileText {
    let (encoding, body) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (Encoding::Utf8Bom, rest),
        [0xFF, 0xFE, rest @ ..] => (Encoding::Utf16Le { bom: true }, rest),
        [0xFE, 0xFF, rest @ ..] => (Encoding::Utf16Be { bom: true }, rest),
        _ => {
            let sample = &bytes[..bytes.len().min(512)];
            let pairs = sample.len() / 2;
            let odd_nul = sample
                .chunks(2)
                .filter(|c| c.len() == 2 && c[1] == 0)
                .count();
            let even_nul = sample
                .chunks(2)
                .filter(|c| c.len() == 2 && c[0] == 0)
                .count();
            if pairs >= 2 && odd_nul * 10 >= pairs * 9 {
                (Encoding::Utf16Le { bom: false }, bytes)
            } else if pairs >= 2 && even_nul * 10 >= pairs * 9 {
                (Encoding::Utf16Be { bom: false }, bytes)
            } else {
                (Encoding::Utf8, bytes)
            }
        }
    };
    let (text, replaced) = match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => match std::str::from_utf8(body) {
            Ok(s) => (s.to_string(), false),
            Err(_) => (String::from_utf8_lossy(body).into_owned(), true),
        },
        Encoding::Utf16Le { .. } => utf16(body, true),
        Encoding::Utf16Be { .. } => utf16(body, false),
    };
    FileText {
        text,
        encoding,
        replaced,
    }
}

/// Why a base64 text could not be read in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base64Problem {
    /// A character outside both base64 alphabets, at this char index of the cleaned text.
    BadCharacter { at: usize, ch: char },
    /// One character too many for a whole byte at the end (a cut): it was dropped.
    DanglingCharacter,
    /// `=` padding in the middle.
    PaddingInside,
}

/// The bytes a base64 text stands for, decoded as far as it is valid.
#[derive(Clone, Debug, PartialEq)]
pub struct Base64Bytes {
    pub bytes: Vec<u8>,
    /// The URL-safe alphabet (`-`, `_`) was used.
    pub url_safe: bool,
    pub problem: Option<Base64Problem>,
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);

fn engine(url_safe: bool) -> GeneralPurpose {
    if url_safe {
        GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT)
    } else {
        GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT)
    }
}

/// Whether `c` may appear in base64 of either alphabet (padding included).
pub fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=')
}

/// Decodes base64, ignoring whitespace (YAML folding, wrapped lines). On a bad character the
/// part before it is decoded and the problem says where it stopped.
pub fn decode_base64(s: &str) -> Base64Bytes {
    let clean: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut problem = None;
    let mut end = clean.len();
    if let Some(at) = clean.iter().position(|&c| !is_base64_char(c)) {
        problem = Some(Base64Problem::BadCharacter { at, ch: clean[at] });
        end = at;
    }
    let mut body: String = clean[..end].iter().collect();
    let trimmed_len = body.trim_end_matches('=').len();
    if body[..trimmed_len].contains('=') {
        problem.get_or_insert(Base64Problem::PaddingInside);
        let cut = body.find('=').unwrap_or(body.len());
        body.truncate(cut);
    } else {
        body.truncate(trimmed_len);
    }
    if body.len() % 4 == 1 {
        body.pop();
        problem.get_or_insert(Base64Problem::DanglingCharacter);
    }
    let url_safe = body.contains(['-', '_']);
    let bytes = if url_safe && body.contains(['+', '/']) {
        // Both alphabets at once: read the URL-safe characters as their standard twins.
        let std: String = body
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        engine(false).decode(std).unwrap_or_default()
    } else {
        engine(url_safe).decode(&body).unwrap_or_default()
    };
    Base64Bytes {
        bytes,
        url_safe,
        problem,
    }
}

/// Whether `s` (after whitespace) is long enough and made only of base64 characters, so it is
/// worth decoding as a policy.
pub fn looks_like_base64(s: &str) -> bool {
    let mut n = 0usize;
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if !is_base64_char(c) {
            return false;
        }
        n += 1;
    }
    n >= 16
}

/// The count of bytes that are not 7-bit ASCII, and the text (lossy where not UTF-8).
pub fn ascii_text(bytes: &[u8]) -> (String, usize) {
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    (String::from_utf8_lossy(bytes).into_owned(), non_ascii)
}
