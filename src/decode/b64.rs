//! Lenient base64: standard alphabet first, URL-safe as a fallback, padding optional, and as
//! many bytes as can be recovered from damaged input.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);

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

/// Decodes `s`, which holds only characters from `A–Z a–z 0–9 + / = - _` (the scanner removed
/// whitespace and resolved escapes). Never fails: at worst it returns no bytes with notes.
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
    if !after.is_empty() && after.bytes().any(|c| c != b'=') {
        notes.push(B64Note::PaddingInMiddle { index: data_len });
    }
    let mut data: String = s[..data_len].to_string();
    if alphabet == Alphabet::Mixed {
        data = data.replace('-', "+").replace('_', "/");
    }
    if data.len() % 4 == 1 {
        notes.push(B64Note::DanglingCharacter {
            index: data.len() - 1,
        });
        data.pop();
    } else if !data.len().is_multiple_of(4) && after.is_empty() {
        notes.push(B64Note::MissingPadding);
    }
    let engine = if alphabet == Alphabet::UrlSafe {
        &URL_SAFE
    } else {
        &STANDARD
    };
    // The data holds only alphabet characters and has a valid length, so this cannot fail; keep
    // a defensive fallback all the same.
    let bytes = engine.decode(data.as_bytes()).unwrap_or_default();
    Decoded {
        bytes,
        alphabet,
        notes,
    }
}

/// Standard base64 of bytes, with padding (used to show re-encoded text).
pub fn encode_standard(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
}
