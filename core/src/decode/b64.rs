//! Lenient base64: standard alphabet first, URL-safe as a fallback, padding optional, and as
//! many bytes as can be recovered from damaged input. (Hand-written: a few dozen lines instead of
//! a general base64 crate in the WASM bundle.)

/// The 6-bit value of a base64 character of either alphabet (`+`/`-` = 62, `/`/`_` = 63).
pub fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64 characters (no padding, no other characters: they are skipped). A final group
/// of 2 or 3 characters yields 1 or 2 bytes; its unused low bits are ignored.
pub fn decode_chars(chars: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chars.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in chars.iter().filter_map(|&c| sextet(c)) {
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
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
    if data.len() % 4 == 1 {
        notes.push(B64Note::DanglingCharacter {
            index: data.len() - 1,
        });
        data.pop();
    } else if !data.len().is_multiple_of(4) && after.is_empty() {
        notes.push(B64Note::MissingPadding);
    }
    let bytes = decode_chars(data.as_bytes());
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
