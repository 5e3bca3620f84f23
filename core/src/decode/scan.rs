//! Finding `policyDecision< … >policyDecision` blobs in pasted text, with their byte ranges.
//!
//! The marker is matched case-insensitively; its `<` and `>` may be spelled in any of the ways
//! [`super::units`] understands. Inside the blob, whitespace (terminal or ticket-system hard
//! wraps, YAML folding, indentation) is skipped. A blob without its closing marker (a partial
//! copy) is still returned, with `closed == false`.

use super::units::{find_byte, find_ci, unit_at, Unit, Units};
use std::ops::Range;

pub(super) const MARKER: &[u8] = b"policydecision";
/// How far apart an opening and a closing marker may be before the pair is not trusted when the
/// text between them is not base64.
const MAX_DIRTY_BODY: usize = 16 * 1024;
/// How many non-base64 characters a closed body may contain and still be treated as one blob.
const MAX_INVALID_IN_CLOSED_BODY: usize = 8;

/// One blob as found in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawBlob {
    /// From the first byte of the opening marker to the last byte of the closing marker (or of
    /// the body when the closing marker is missing).
    pub range: Range<usize>,
    /// The text between the delimiters (may contain whitespace and escapes).
    pub body: Range<usize>,
    /// Whether the closing `>policyDecision` was found.
    pub closed: bool,
    /// Whether the delimiters were written as escapes (`\u003c`, `&lt;` …) rather than `<`/`>`.
    pub escaped_delimiters: bool,
    /// Byte offsets in the text where the body continues after a line break. Used to drop
    /// trailing lines that are not part of an unclosed blob.
    pub line_breaks: Vec<usize>,
    /// 1-based line number of the opening marker.
    pub line: usize,
}

/// Bytes of a base64 body ([`B64`]) and plain whitespace ([`SPACE`]), one table lookup each: the
/// scanner reads every byte of every body this way.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_') {
            t[c] |= B64;
        }
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
            t[c] |= SPACE;
        }
        c += 1;
    }
    t
};
const B64: u8 = 1;
const SPACE: u8 = 2;

#[inline(always)]
fn is_b64(c: u8) -> bool {
    CLASS[c as usize] & B64 != 0
}

/// Byte offsets of every case-insensitive occurrence of the marker word.
fn marker_positions(b: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = find_ci(b, i, MARKER) {
        out.push(at);
        i = at + MARKER.len();
    }
    out
}

/// If an opening delimiter (`<` in any spelling, optionally after spaces, or after a hard wrap
/// and the next line's indentation) follows the marker word that ends at `after_word`, returns
/// (position after it, escaped?).
fn opening_delim(b: &[u8], after_word: usize) -> Option<(usize, bool)> {
    let mut i = after_word;
    let mut spaces = 0;
    let mut wrapped = false;
    while i < b.len() {
        let (u, next) = unit_at(b, i);
        match u {
            Unit::Ascii(b'<') => return Some((next, next - i > 1)),
            Unit::Space { newline: false } if spaces < 2 || (wrapped && spaces < 64) => {
                spaces += 1;
                i = next;
            }
            Unit::Space { newline: true } if !wrapped => {
                wrapped = true;
                // `\r\n` is one break.
                if b[i] == b'\r' && b.get(next) == Some(&b'\n') {
                    i = next + 1;
                } else {
                    i = next;
                }
            }
            _ => return None,
        }
    }
    None
}

/// Whether `c` is one of the letters of the marker word, in either case.
fn is_marker_letter(c: u8) -> bool {
    const LETTERS: u32 = {
        let mut m = 0u32;
        let mut k = 0;
        // A line ending in the whole word ends no split word.
        while k + 1 < MARKER.len() {
            m |= 1 << (MARKER[k] - b'a');
            k += 1;
        }
        m
    };
    let l = c.to_ascii_lowercase().wrapping_sub(b'a');
    l < 26 && LETTERS & (1 << l) != 0
}

/// Where the marker word starts and ends when a hard wrap splits it (`policyDe⏎cision<`, the
/// next line maybe indented): for each line break, whether the line ends with the word's first
/// letters and the next one starts with the rest.
fn wrapped_markers(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(nl) = find_byte(b, from, b'\n') {
        from = nl + 1;
        let line_end = if nl > 0 && b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        // Most lines end in nothing the word can start with: one byte tells.
        let Some(&tail) = line_end.checked_sub(1).map(|i| &b[i]) else {
            continue;
        };
        if !is_marker_letter(tail) {
            continue;
        }
        let mut next = nl + 1;
        while b.get(next).is_some_and(|&c| c == b' ' || c == b'\t') {
            next += 1;
        }
        let head = b.get(next).map_or(0, u8::to_ascii_lowercase);
        for k in (1..MARKER.len()).rev() {
            if MARKER[k - 1] != tail.to_ascii_lowercase() || MARKER[k] != head {
                continue;
            }
            let Some(start) = line_end.checked_sub(k) else {
                continue;
            };
            let rest = &MARKER[k..];
            if b[start..line_end].eq_ignore_ascii_case(&MARKER[..k])
                && b.get(next..next + rest.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(rest))
            {
                out.push((start, next + rest.len()));
                break;
            }
        }
    }
    out
}

/// If a closing delimiter (`>` then optional whitespace then the marker word) starts at `i`,
/// returns the position after the marker word and whether `>` was escaped.
fn closing_delim(b: &[u8], i: usize, markers: &[usize]) -> Option<(usize, bool)> {
    let (u, mut j) = unit_at(b, i);
    if u != Unit::Ascii(b'>') {
        return None;
    }
    let escaped = j - i > 1;
    let mut spaces = 0;
    while j < b.len() && spaces < 3 {
        let (u, next) = unit_at(b, j);
        if !u.is_space() {
            break;
        }
        spaces += 1;
        j = next;
    }
    if markers.binary_search(&j).is_ok() {
        Some((j + MARKER.len(), escaped))
    } else {
        wrapped_marker_end(b, j).map(|end| (end, escaped))
    }
}

/// The end of the marker word starting at `i` when a hard wrap splits it (`>policy⏎  Decision`):
/// its letters in order, case-insensitively, with line breaks and indentation between them.
fn wrapped_marker_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut wrapped = false;
    for (k, &letter) in MARKER.iter().enumerate() {
        if k > 0 && b.get(i).is_some_and(|&c| c == b'\n' || c == b'\r') {
            wrapped = true;
            while b.get(i).is_some_and(|&c| is_plain_space(c)) {
                i += 1;
            }
        }
        if b.get(i)?.to_ascii_lowercase() != letter {
            return None;
        }
        i += 1;
    }
    wrapped.then_some(i)
}

/// Finds every blob in `text`, in order.
pub fn find_blobs(text: &str) -> Vec<RawBlob> {
    let b = text.as_bytes();
    let markers = marker_positions(b);
    // Openings: marker word followed by `<`.
    let mut openings: Vec<(usize, usize, bool)> = markers
        .iter()
        .map(|&m| (m, m + MARKER.len()))
        .chain(wrapped_markers(b))
        .filter_map(|(m, word_end)| opening_delim(b, word_end).map(|(body, esc)| (m, body, esc)))
        .collect();
    openings.sort_unstable();

    let mut blobs = Vec::with_capacity(openings.len());
    let mut line = 1usize;
    let mut line_counted_to = 0usize;
    let mut resume = 0usize;
    for (k, &(start, body_start, esc_open)) in openings.iter().enumerate() {
        if start < resume {
            // This "opening" sits inside a blob we already consumed.
            continue;
        }
        let limit = openings.get(k + 1).map_or(b.len(), |o| o.0);
        line += count_newlines(&b[line_counted_to..start]);
        line_counted_to = start;

        let blob = match find_closed_body(b, body_start, limit, &markers) {
            Some((body_end, close_end, esc_close)) => RawBlob {
                range: start..close_end,
                body: body_start..body_end,
                closed: true,
                escaped_delimiters: esc_open || esc_close,
                line_breaks: line_breaks_in(b, body_start, body_end),
                line,
            },
            None => {
                let (body_end, breaks) = unclosed_body(b, body_start, limit);
                RawBlob {
                    range: start..body_end,
                    body: body_start..body_end,
                    closed: false,
                    escaped_delimiters: esc_open,
                    line_breaks: breaks,
                    line,
                }
            }
        };
        resume = blob.range.end;
        blobs.push(blob);
    }
    blobs
}

/// How many `\n` bytes `b` holds, eight bytes at a time (this runs over the whole paste).
pub fn count_newlines(b: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let newlines = u64::from_le_bytes([b'\n'; 8]);
    let mut words = b.chunks_exact(8);
    let mut n = 0usize;
    while words.len() > 0 {
        // Each byte of `acc` counts the newlines in its column, at most 31 words at a time, so
        // the eight columns add up without overflow (no popcount: wasm and x86-64 builds lack a
        // fast one).
        let mut acc = 0u64;
        for word in words.by_ref().take(31) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            let x = u64::from_le_bytes(w) ^ newlines;
            // The high bit of each byte of `t` is clear exactly where `x` has a zero byte.
            let t = ((x & LOW7) + LOW7) | x;
            acc += (!t & !LOW7) >> 7;
        }
        n += (acc.wrapping_mul(ONES) >> 56) as usize;
    }
    n + words.remainder().iter().filter(|&&c| c == b'\n').count()
}

/// Plain whitespace bytes, which [`unit_at`] reads as one [`Unit::Space`] each.
#[inline(always)]
fn is_plain_space(c: u8) -> bool {
    CLASS[c as usize] & SPACE != 0
}

/// Looks for the closing delimiter between `from` and `limit`. Returns (body end, end of the
/// closing marker, escaped?) when the pair is trustworthy.
fn find_closed_body(
    b: &[u8],
    from: usize,
    limit: usize,
    markers: &[usize],
) -> Option<(usize, usize, bool)> {
    let mut invalid = 0usize;
    let mut pos = from;
    let limit = limit.min(b.len());
    while pos < limit {
        // Fast path: a base64 character or plain whitespace, while the body is still clean.
        if invalid == 0 && CLASS[b[pos] as usize] != 0 {
            pos += 1;
            continue;
        }
        let (u, next) = unit_at(b, pos);
        match u {
            Unit::Ascii(b'>') => {
                if let Some((end, esc)) = closing_delim(b, pos, markers) {
                    return Some((pos, end, esc));
                }
                invalid += 1;
            }
            Unit::Ascii(c) if is_b64(c) => {}
            Unit::Space { .. } => {}
            _ => invalid += 1,
        }
        if invalid > MAX_INVALID_IN_CLOSED_BODY || (invalid > 0 && pos - from > MAX_DIRTY_BODY) {
            return None;
        }
        pos = next.min(limit).max(pos + 1);
    }
    None
}

/// The body of a blob whose closing marker is missing: base64 characters, continuing across
/// whitespace only where a line breaks (a hard wrap). A run of plain spaces ends it.
fn unclosed_body(b: &[u8], from: usize, limit: usize) -> (usize, Vec<usize>) {
    let mut end = from;
    let mut breaks = Vec::new();
    let mut seen_b64 = false;
    let mut pending_newline = false;
    let mut in_gap = false;
    for (pos, u, next) in Units::new(b, from, limit) {
        match u {
            Unit::Ascii(c) if is_b64(c) => {
                if in_gap && seen_b64 {
                    if !pending_newline {
                        break;
                    }
                    breaks.push(pos);
                }
                in_gap = false;
                pending_newline = false;
                seen_b64 = true;
                end = next;
            }
            Unit::Space { newline } => {
                in_gap = true;
                pending_newline |= newline;
            }
            _ => break,
        }
    }
    (end, breaks)
}

fn line_breaks_in(b: &[u8], from: usize, to: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut gap_newline = false;
    let mut pos = from;
    let to = to.min(b.len());
    while pos < to {
        // Fast path: runs of base64 characters and plain spaces.
        let c = b[pos];
        if (is_b64(c) && !gap_newline) || matches!(c, b' ' | b'\t' | 0x0c) {
            pos += 1;
            continue;
        }
        let (u, next) = unit_at(b, pos);
        match u {
            Unit::Space { newline } => gap_newline |= newline,
            _ => {
                if gap_newline {
                    out.push(pos);
                }
                gap_newline = false;
            }
        }
        pos = next.min(to).max(pos + 1);
    }
    out
}

/// The base64 text of a body: every base64 character with escapes resolved and whitespace
/// dropped, plus the characters that are not base64 with their byte offsets in the text.
pub fn clean_body(text: &str, body: Range<usize>) -> (String, Vec<(usize, char)>) {
    let b = text.as_bytes();
    let mut out = String::with_capacity(body.len());
    let mut invalid = Vec::new();
    let end = body.end.min(b.len());
    let mut pos = body.start;
    while pos < end {
        // Fast path: a run of base64 characters is copied in one go, plain whitespace skipped.
        let run = b[pos..end].iter().take_while(|&&c| is_b64(c)).count();
        if run > 0 {
            out.push_str(&text[pos..pos + run]);
            pos += run;
            continue;
        }
        if is_plain_space(b[pos]) {
            pos += 1;
            continue;
        }
        let (u, next) = unit_at(b, pos);
        let next = next.min(end).max(pos + 1);
        match u {
            Unit::Ascii(c) if is_b64(c) => out.push(c as char),
            Unit::Space { .. } => {}
            Unit::Ascii(c) => invalid.push((pos, c as char)),
            Unit::Other => {
                let ch = text
                    .get(pos..next)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{fffd}');
                invalid.push((pos, ch));
            }
        }
        pos = next;
    }
    (out, invalid)
}

/// For each cut in `cuts` (ascending byte offsets inside `body`, each where a unit starts, such
/// as [`RawBlob::line_breaks`]): the length of `clean_body(text, body.start..cut).0`, computed in
/// one pass.
pub fn clean_lengths_at(text: &str, body: Range<usize>, cuts: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(cuts.len());
    let mut cuts = cuts.iter().peekable();
    let mut len = 0usize;
    for (pos, u, _) in Units::new(text.as_bytes(), body.start, body.end) {
        while cuts.next_if(|&&c| c <= pos).is_some() {
            out.push(len);
        }
        if matches!(u, Unit::Ascii(c) if is_b64(c)) {
            len += 1;
        }
    }
    out.extend(cuts.map(|_| len));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const B64: &str = "eyJkZWNpc2lvbiI6ImRlbnkifQ==";

    #[test]
    fn plain_blob_with_range() {
        let t = format!("x: policyDecision< {B64} >policyDecision: unknown");
        let blobs = find_blobs(&t);
        assert_eq!(blobs.len(), 1);
        assert!(blobs[0].closed);
        assert_eq!(
            &t[blobs[0].range.clone()],
            &format!("policyDecision< {B64} >policyDecision")
        );
        assert_eq!(clean_body(&t, blobs[0].body.clone()).0, B64);
    }

    #[test]
    fn unclosed_blob_stops_at_plain_space() {
        let t = format!("policyDecision< {B64} then words");
        let blobs = find_blobs(&t);
        assert!(!blobs[0].closed);
        assert_eq!(clean_body(&t, blobs[0].body.clone()).0, B64);
    }

    #[test]
    fn unclosed_blob_continues_over_line_breaks() {
        let t = "policyDecision< eyJkZWNp\n   c2lvbiI6\n   ImRlbnkifQ";
        let blobs = find_blobs(t);
        assert_eq!(
            clean_body(t, blobs[0].body.clone()).0,
            "eyJkZWNpc2lvbiI6ImRlbnkifQ"
        );
        assert_eq!(blobs[0].line_breaks.len(), 2);
        let lens = clean_lengths_at(t, blobs[0].body.clone(), &blobs[0].line_breaks);
        let expected: Vec<usize> = blobs[0]
            .line_breaks
            .iter()
            .map(|&cut| clean_body(t, blobs[0].body.start..cut).0.len())
            .collect();
        assert_eq!(lens, expected);
        assert_eq!(lens, [8, 16]);
    }

    #[test]
    fn newlines_are_counted_in_words_and_tail() {
        for s in [
            "",
            "\n",
            "a\nb",
            "\n\n\n\n\n\n\n\n\n",
            "0123456\n89\n\n",
            "é\nü\n\u{a}x",
            &"ab\ncdefg\n\n".repeat(100),
            &"\n".repeat(2000),
        ] {
            let naive = s.bytes().filter(|&c| c == b'\n').count();
            assert_eq!(count_newlines(s.as_bytes()), naive, "{s:?}");
        }
    }

    #[test]
    fn clean_body_resolves_escapes_between_plain_runs() {
        let t = "policyDecision< eyJk\\u002BZW\n  Np&#43;c2l\\/v é bi >policyDecision";
        let blobs = find_blobs(t);
        assert!(blobs[0].closed);
        let (b64, invalid) = clean_body(t, blobs[0].body.clone());
        assert_eq!(b64, "eyJk+ZWNp+c2l/vbi");
        assert_eq!(invalid, vec![(t.find('é').unwrap(), 'é')]);
        assert_eq!(blobs[0].line_breaks, vec![t.find("Np").unwrap()]);
    }

    #[test]
    fn marker_word_alone_is_not_a_blob() {
        assert!(find_blobs("the policyDecision field").is_empty());
        assert!(find_blobs(">policyDecision").is_empty());
    }

    #[test]
    fn a_closing_marker_split_by_a_hard_wrap_still_closes() {
        let text = "x policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policy\n    Decision: unknown";
        let blobs = find_blobs(text);
        assert_eq!(blobs.len(), 1);
        assert!(blobs[0].closed);
        assert_eq!(&text[blobs[0].range.clone()], &text[2..text.len() - 9]);
        // Letters that do not spell the marker are no marker.
        let text = "x policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policy\n    Deceit";
        assert!(!find_blobs(text)[0].closed);
    }

    #[test]
    fn an_opening_marker_split_by_a_hard_wrap_still_opens() {
        for text in [
            "denied: policyDe\ncision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision",
            "denied: policyDecision\r\n  < eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision",
            "denied: p\n    olicyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision",
            "denied: policyDecisio\nn < eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision",
        ] {
            let blobs = find_blobs(text);
            assert_eq!(blobs.len(), 1, "{text:?}");
            assert!(blobs[0].closed);
            assert_eq!(blobs[0].range.start, 8, "{text:?}");
            assert_eq!(clean_body(text, blobs[0].body.clone()).0, B64);
        }
        // Letters that do not spell the marker, or two line breaks, are no marker.
        assert!(find_blobs("policyDe\ncisive< eyJk >policyDecision").is_empty());
        assert!(find_blobs("policyDecision\n\n< eyJk >policyDecision").is_empty());
    }

    /// The split-marker search as it was before it checked one byte per line first.
    fn wrapped_markers_reference(b: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = b[from..].iter().position(|&c| c == b'\n') {
            let nl = from + p;
            from = nl + 1;
            let line_end = if nl > 0 && b[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            };
            let mut next = nl + 1;
            while b.get(next).is_some_and(|&c| c == b' ' || c == b'\t') {
                next += 1;
            }
            for k in (1..MARKER.len()).rev() {
                let Some(start) = line_end.checked_sub(k) else {
                    continue;
                };
                let rest = &MARKER[k..];
                if b[start..line_end].eq_ignore_ascii_case(&MARKER[..k])
                    && b.get(next..next + rest.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(rest))
                {
                    out.push((start, next + rest.len()));
                    break;
                }
            }
        }
        out
    }

    fn wrap_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "policyDe",
            "cision<",
            "p",
            "olicyDecision",
            "policyDecisio",
            "n",
            "N <",
            "\n",
            "\r\n",
            "  ",
            "\t",
            "x",
            "POLICY",
            "decision",
            "policy",
            "ecision",
            "é",
            "<",
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        #[test]
        fn split_markers_as_the_reference_finds_them(
            pieces in proptest::collection::vec(wrap_piece(), 0..40)
        ) {
            let text: String = pieces.concat();
            let b = text.as_bytes();
            proptest::prop_assert_eq!(wrapped_markers(b), wrapped_markers_reference(b));
            let naive = b.iter().filter(|&&c| c == b'\n').count();
            proptest::prop_assert_eq!(count_newlines(b), naive);
        }
    }

    #[test]
    fn the_byte_classes_are_the_predicates() {
        for c in 0..=255u8 {
            let b64 = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_');
            assert_eq!(is_b64(c), b64, "{c}");
            assert_eq!(
                is_plain_space(c),
                matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
            );
        }
    }
}
