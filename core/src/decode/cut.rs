//! A blob cut off by a partial copy: its closing `>policyDecision` is missing, so the scanner
//! took every line of base64-looking text after it (see [`super::scan`]). Which of those lines
//! still belong to it is judged by what they decode to.

use super::scan::{self, RawBlob};

/// A control character that text does not hold (decoded garbage does).
fn is_bad_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Whether decoded bytes read as text: valid UTF-8 (`utf8_error` false), not empty, no stray
/// control characters.
pub fn is_text(decoded: &str, utf8_error: bool) -> bool {
    !utf8_error && !decoded.is_empty() && !decoded.chars().any(is_bad_control)
}

/// Where to cut the base64 of the unclosed blob `raw` so that it keeps the longest run of lines
/// that still decodes to text: (length of the base64 to keep, lines dropped). `base64` is the
/// whole body's base64; `decoded` and `utf8_error_at` what it decodes to. `None`: no cut at a line
/// break reads as text.
///
/// Cutting the body at a line break keeps a prefix of its base64, which decodes to a prefix of
/// the bytes. So each cut is judged by the length of its prefix of the bytes already decoded,
/// and only the chosen cut is decoded again. (Decoding every cut was quadratic in the number of
/// lines: minutes for a 1 MB paste.)
pub fn last_text_cut(
    text: &str,
    raw: &RawBlob,
    base64: &str,
    decoded: &str,
    utf8_error_at: Option<usize>,
) -> Option<(usize, usize)> {
    // The longest prefix of the bytes that is UTF-8 text without control characters (invalid
    // UTF-8 was replaced after `utf8_error_at`): a prefix of it reads as text when it is not
    // empty and ends on a character boundary.
    let valid = &decoded[..utf8_error_at.unwrap_or(decoded.len()).min(decoded.len())];
    let good = valid
        .char_indices()
        .find(|&(_, c)| is_bad_control(c))
        .map_or(valid.len(), |(i, _)| i);
    // Base64 data ends at the first `=` (see `b64::decode_lenient`); n characters of data decode
    // to 6n/8 bytes, a dangling last character to none.
    let data_len = base64.find('=').unwrap_or(base64.len());
    let cut_lens = scan::clean_lengths_at(text, raw.body.clone(), &raw.line_breaks);
    cut_lens
        .iter()
        .rev()
        .enumerate()
        .find_map(|(dropped, &len)| {
            let decoded_len = len.min(data_len) * 6 / 8;
            let ok = decoded_len > 0 && decoded_len <= good && valid.is_char_boundary(decoded_len);
            ok.then_some((len, dropped + 1))
        })
}
