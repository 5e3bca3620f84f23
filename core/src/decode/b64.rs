//! Lenient base64 on top of the `base64` crate: the standard alphabet (what the guest writes),
//! the URL-safe one (a copy that something re-encoded), both mixed, padding or none, and as many
//! bytes as a cut or damaged copy still holds.
//!
//! The scanner has already skipped whitespace, resolved escapes and noted the characters that are
//! not base64 with their offsets (see [`super::scan::clean_body`]). This pre-pass picks the
//! alphabet, stops at an `=` inside the text and drops a dangling last character, noting each;
//! the crate's engine decodes the rest (padding indifferent, unused trailing bits allowed).

use std::borrow::Cow;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// Padding optional, and the unused low bits of a last group ignored (a cut copy leaves some).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Whether `c` is a base64 digit of either alphabet (`+` or `-` for 62, `/` or `_` for 63).
pub fn is_digit(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_')
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alphabet {
    Standard,
    UrlSafe,
    /// Both `+`/`/` and `-`/`_` appeared; decoded as if all were the standard ones.
    Mixed,
}

/// Something worth telling the user about the base64 layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum B64Note {
    /// Padding was missing (harmless).
    MissingPadding,
    /// `=` appeared before the end, at this 0-based character index; what follows was ignored.
    PaddingInMiddle { index: usize },
    /// One character was left over at the end and cannot encode a byte (the text was cut).
    DanglingCharacter { index: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub bytes: Vec<u8>,
    pub alphabet: Alphabet,
    pub notes: Vec<B64Note>,
}

/// Decodes `s`, which the scanner leaves holding only characters from `A–Z a–z 0–9 + / = - _`
/// (any other character is skipped). Never fails: at worst it returns no bytes with notes.
pub fn decode_lenient(s: &str) -> Decoded {
    let mut notes = Vec::new();
    let has_std = s.bytes().any(|c| c == b'+' || c == b'/');
    let has_url = s.bytes().any(|c| c == b'-' || c == b'_');
    let alphabet = match (has_std, has_url) {
        (_, false) => Alphabet::Standard,
        (false, true) => Alphabet::UrlSafe,
        (true, true) => Alphabet::Mixed,
    };

    // Everything up to the first '='; anything after a '=' that is not trailing padding is noted.
    let data_len = s.find('=').unwrap_or(s.len());
    let after = &s[data_len..];
    if after.bytes().any(|c| c != b'=') {
        notes.push(B64Note::PaddingInMiddle { index: data_len });
    }
    let mut data: Cow<str> = Cow::Borrowed(&s[..data_len]);
    if !data.bytes().all(is_digit) {
        data = Cow::Owned(
            data.chars()
                .filter(|&c| c.is_ascii() && is_digit(c as u8))
                .collect(),
        );
    }
    if alphabet == Alphabet::Mixed {
        data = Cow::Owned(data.replace('-', "+").replace('_', "/"));
    }
    if data.len() % 4 == 1 {
        notes.push(B64Note::DanglingCharacter {
            index: data.len() - 1,
        });
        data = Cow::Owned(data[..data.len() - 1].to_string());
    } else if !data.len().is_multiple_of(4) && after.is_empty() {
        notes.push(B64Note::MissingPadding);
    }
    let engine = match alphabet {
        Alphabet::UrlSafe => &URL_SAFE,
        Alphabet::Standard | Alphabet::Mixed => &STANDARD,
    };
    // Only digits of the engine's alphabet, no padding, never 4n+1 of them: the engine accepts
    // every such text.
    let bytes = engine.decode(data.as_bytes()).unwrap_or_default();
    Decoded {
        bytes,
        alphabet,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_with_and_without_padding() {
        assert_eq!(decode_lenient("eyJhIjoxfQ==").bytes, b"{\"a\":1}");
        let d = decode_lenient("eyJhIjoxfQ");
        assert_eq!(d.bytes, b"{\"a\":1}");
        assert_eq!(d.notes, vec![B64Note::MissingPadding]);
    }

    #[test]
    fn url_safe_fallback() {
        // 0xfb 0xff -> "+/8" standard, "-_8" url-safe
        let d = decode_lenient("-_8");
        assert_eq!(d.alphabet, Alphabet::UrlSafe);
        assert_eq!(d.bytes, vec![0xfb, 0xff]);
    }

    #[test]
    fn mixed_alphabets_read_as_standard() {
        let d = decode_lenient("+_8");
        assert_eq!(d.alphabet, Alphabet::Mixed);
        assert_eq!(d.bytes, vec![0xfb, 0xff]);
    }

    #[test]
    fn dangling_character_is_dropped_and_noted() {
        let d = decode_lenient("eyJhIjoxf");
        assert_eq!(d.bytes, b"{\"a\":1");
        assert_eq!(d.notes, vec![B64Note::DanglingCharacter { index: 8 }]);
    }

    #[test]
    fn padding_in_the_middle_keeps_the_first_part() {
        let d = decode_lenient("eyJhIjoxfQ==eyJi");
        assert_eq!(d.bytes, b"{\"a\":1}");
        assert_eq!(d.notes, vec![B64Note::PaddingInMiddle { index: 10 }]);
    }

    #[test]
    fn trailing_bits_and_stray_characters_are_tolerated() {
        // "YR" leaves bits set after 'a' (a canonical encoder writes "YQ").
        assert_eq!(decode_lenient("YR").bytes, b"a");
        assert_eq!(decode_lenient("Y!Q").bytes, b"a");
        assert_eq!(decode_lenient("").bytes, b"");
        assert_eq!(decode_lenient("=").bytes, b"");
    }
}
