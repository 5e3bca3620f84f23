//! Reading pasted text one *logical* character at a time.
//!
//! Real pastes carry the same characters in many spellings: `<` can arrive as `\u003c` (Go and
//! .NET JSON encoders), `\\u003c` (JSON inside JSON), `&lt;` or `&#60;` (HTML), `\x3c`; newlines
//! as the two characters `\n`; `/` as `\/`; YAML double-quoted strings continue a line with a
//! trailing backslash. The scanner works on logical characters so that every spelling, and any
//! mix of them, is handled by one code path.

/// What one logical unit of the text stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// An ASCII character (after escapes were resolved).
    Ascii(u8),
    /// Whitespace; `newline` is true when it breaks a line (a real or escaped newline).
    Space { newline: bool },
    /// Anything else (non-ASCII text, control characters).
    Other,
}

impl Unit {
    pub fn is_space(self) -> bool {
        matches!(self, Unit::Space { .. })
    }
}

fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u32),
        b'a'..=b'f' => Some((b - b'a' + 10) as u32),
        b'A'..=b'F' => Some((b - b'A' + 10) as u32),
        _ => None,
    }
}

fn hex_at(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = b.get(at..at + len)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + hex_val(d)?))
}

fn from_code(code: u32) -> Unit {
    match code {
        0x0a | 0x0d => Unit::Space { newline: true },
        0x09 | 0x20 | 0xa0 | 0x200b => Unit::Space { newline: false },
        c if (0x20..0x80).contains(&c) => Unit::Ascii(c as u8),
        _ => Unit::Other,
    }
}

/// Reads the logical unit that starts at byte `i` of `b`; returns it and the index just after it.
/// `i` must be `< b.len()`.
pub fn unit_at(b: &[u8], i: usize) -> (Unit, usize) {
    let c = b[i];
    match c {
        b'\\' => backslash_unit(b, i),
        b'&' => entity_unit(b, i).unwrap_or((Unit::Ascii(b'&'), i + 1)),
        // URL-encoded (a paste copied out of a link): the delimiters and base64's own symbols.
        b'%' => match hex_at(b, i + 1, 2) {
            Some(code @ (0x3c | 0x3e | 0x2b | 0x2f | 0x3d)) => (Unit::Ascii(code as u8), i + 3),
            Some(0x20) => (Unit::Space { newline: false }, i + 3),
            Some(0x0a) => (Unit::Space { newline: true }, i + 3),
            _ => (Unit::Ascii(b'%'), i + 1),
        },
        b'\n' | b'\r' => (Unit::Space { newline: true }, i + 1),
        b' ' | b'\t' | 0x0c => (Unit::Space { newline: false }, i + 1),
        0x20..=0x7e => (Unit::Ascii(c), i + 1),
        0xc2 if b.get(i + 1) == Some(&0xa0) => (Unit::Space { newline: false }, i + 2),
        // U+200B zero-width space, U+FEFF byte order mark: ticket systems insert them.
        0xe2 if b.get(i + 1..i + 3) == Some(&[0x80, 0x8b]) => {
            (Unit::Space { newline: false }, i + 3)
        }
        0xef if b.get(i + 1..i + 3) == Some(&[0xbb, 0xbf]) => {
            (Unit::Space { newline: false }, i + 3)
        }
        _ => (Unit::Other, i + utf8_len(c)),
    }
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

fn backslash_unit(b: &[u8], i: usize) -> (Unit, usize) {
    // A run of backslashes (JSON inside JSON doubles them) followed by the escaped character.
    let mut j = i;
    while j < b.len() && b[j] == b'\\' && j - i < 8 {
        j += 1;
    }
    let Some(&e) = b.get(j) else {
        return (Unit::Ascii(b'\\'), i + 1);
    };
    match e {
        b'u' => match hex_at(b, j + 1, 4) {
            Some(code) => (from_code(code), j + 5),
            None => (Unit::Ascii(b'\\'), i + 1),
        },
        b'x' => match hex_at(b, j + 1, 2) {
            Some(code) => (from_code(code), j + 3),
            None => (Unit::Ascii(b'\\'), i + 1),
        },
        b'n' | b'r' => (Unit::Space { newline: true }, j + 1),
        b't' => (Unit::Space { newline: false }, j + 1),
        b'/' => (Unit::Ascii(b'/'), j + 1),
        b'"' => (Unit::Ascii(b'"'), j + 1),
        // YAML double-quoted line continuation and its escaped leading space.
        b'\n' => (Unit::Space { newline: true }, j + 1),
        b'\r' if b.get(j + 1) == Some(&b'\n') => (Unit::Space { newline: true }, j + 2),
        b' ' => (Unit::Space { newline: false }, j + 1),
        _ => (Unit::Ascii(b'\\'), i + 1),
    }
}

fn entity_unit(b: &[u8], i: usize) -> Option<(Unit, usize)> {
    let rest = b.get(i + 1..)?;
    let take = |name: &[u8]| -> bool {
        rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name)
    };
    for (name, ch) in [
        (&b"lt;"[..], b'<'),
        (b"gt;", b'>'),
        (b"quot;", b'"'),
        (b"apos;", b'\''),
        (b"sol;", b'/'),
        (b"plus;", b'+'),
        (b"equals;", b'='),
        (b"amp;lt;", b'<'),
        (b"amp;gt;", b'>'),
        (b"amp;", b'&'),
        (b"nbsp;", b' '),
    ] {
        if take(name) {
            let unit = if ch == b' ' {
                Unit::Space { newline: false }
            } else {
                Unit::Ascii(ch)
            };
            return Some((unit, i + 1 + name.len()));
        }
    }
    // Numeric references: &#60; &#x3c;
    if rest.first() == Some(&b'#') {
        let (hex, start) = match rest.get(1) {
            Some(b'x') | Some(b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut code: u32 = 0;
        let mut k = start;
        while k < rest.len() && k < start + 7 {
            let d = rest[k];
            let v = if hex {
                hex_val(d)
            } else if d.is_ascii_digit() {
                Some((d - b'0') as u32)
            } else {
                None
            };
            match v {
                Some(v) => code = code * if hex { 16 } else { 10 } + v,
                None => break,
            }
            k += 1;
        }
        if k > start && rest.get(k) == Some(&b';') {
            return Some((from_code(code), i + 1 + k + 1));
        }
    }
    None
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `x` that is zero, and maybe of some bytes above a zero one (a
/// borrow): never misses a zero byte, and the lowest flag is always exact.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(ONES) & !x & HIGH
}

/// How a byte of the text is compared to `c` of a needle: (bits set before comparing, the byte
/// it must then be), broadcast to a word. A letter matches in either case, anything else exactly.
#[inline(always)]
fn folded(c: u8) -> (u64, u64) {
    if c.is_ascii_alphabetic() {
        (ONES * 0x20, ONES * (c | 0x20) as u64)
    } else {
        (0, ONES * c as u64)
    }
}

/// The first position at or after `from` where `needle` (lower-case ASCII) occurs in `b`, ignoring
/// ASCII case. The scanner runs this over every byte of a paste, so it must not cost a call per
/// byte: see [`find_pair`].
pub fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    find_pair(b, from, needle, true)
}

/// The first position at or after `from` where `needle` occurs in `b`, exactly.
pub fn find_exact(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    find_pair(b, from, needle, false)
}

/// The search of [`find_ci`] and [`find_exact`]: tests eight positions at a time for the needle's
/// first *and* last byte (a pair that rarely occurs by chance, even in base64), and compares the
/// whole needle only there. One copy serves both: an exact search folds nothing, so its loop is
/// the same.
#[inline(never)]
fn find_pair(b: &[u8], from: usize, needle: &[u8], ignore_case: bool) -> Option<usize> {
    let n = needle.len();
    let last = b.len().checked_sub(n)?;
    if n == 0 || from > last {
        return None;
    }
    let matches_at = |i: usize| {
        if ignore_case {
            needle
                .iter()
                .zip(&b[i..i + n])
                .all(|(&w, &c)| c.to_ascii_lowercase() == w)
        } else {
            &b[i..i + n] == needle
        }
    };
    let pattern = |c: u8| {
        if ignore_case {
            folded(c)
        } else {
            (0, ONES * c as u64)
        }
    };
    // The second byte tested is the needle's rarest in pasted text, so that few positions pass
    // both tests by chance (`hcs::createcomputesystem ` ends in a space, which prose has everywhere).
    let mut off = n - 1;
    for k in 1..n {
        if rarity(needle[k]) > rarity(needle[off]) {
            off = k;
        }
    }
    let (fold_a, want_a) = pattern(needle[0]);
    let (fold_b, want_b) = pattern(needle[off]);
    // Eight candidates while all of them are `<= last` (so both words fit); the words come as
    // slices of eight, so the loop does no bounds checks of its own.
    let heads = b[from..=last].as_chunks::<8>().0;
    let tails = b[from + off..].as_chunks::<8>().0;
    let mut i = from;
    for (head, tail) in heads.iter().zip(tails) {
        let a = (u64::from_le_bytes(*head) | fold_a) ^ want_a;
        let z = (u64::from_le_bytes(*tail) | fold_b) ^ want_b;
        // Every candidate of the eight in order: the lowest flag is exact, the others may be
        // false (a borrow) but no true one is missed.
        let mut both = zero_bytes(a) & zero_bytes(z);
        while both != 0 {
            let at = i + (both.trailing_zeros() / 8) as usize;
            if matches_at(at) {
                return Some(at);
            }
            both &= both - 1;
        }
        i += 8;
    }
    (i..=last).find(|&at| matches_at(at))
}

/// How rarely `c` occurs in pasted logs, events and JSON, roughly (0: everywhere, such as blanks,
/// digits and punctuation of timestamps; 4: hardly ever). Letters count in either case; an
/// upper-case letter that must match exactly is rarer than its lower-case one.
fn rarity(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => 3,
        b' ' | b'0'..=b'9' | b'"' | b':' | b'/' | b'.' | b'-' | b',' | b'=' | b'\n' => 0,
        b'e' | b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'r' => 1,
        b'h' | b'l' | b'd' | b'c' | b'u' | b'm' => 2,
        b'f' | b'p' | b'g' | b'w' | b'y' | b'b' => 3,
        _ => 4,
    }
}

/// The first position at or after `from` where the byte `c` is, eight bytes at a time.
pub fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    let want = ONES * c as u64;
    let rest = b.get(from..)?;
    let (words, tail) = rest.as_chunks::<8>();
    let mut i = from;
    for w in words {
        let z = zero_bytes(u64::from_le_bytes(*w) ^ want);
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    tail.iter().position(|&x| x == c).map(|p| i + p)
}

/// Iterates the logical units of `b[from..to]` with their byte positions.
pub struct Units<'a> {
    b: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Units<'a> {
    pub fn new(b: &'a [u8], from: usize, to: usize) -> Self {
        Units {
            b,
            pos: from,
            end: to.min(b.len()),
        }
    }
}

impl Iterator for Units<'_> {
    /// (start byte, unit, end byte)
    type Item = (usize, Unit, usize);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let (u, next) = unit_at(self.b, start);
        self.pos = next.min(self.end).max(start + 1);
        Some((start, u, self.pos))
    }
}

/// The text of `b[from..to]` with escapes resolved, whitespace collapsed to single spaces and
/// ASCII lower-cased. Used to read the wrapper text around a blob.
pub fn normalized_lower(b: &[u8], from: usize, to: usize) -> String {
    let mut out = normalized(b, from, to);
    out.make_ascii_lowercase();
    out
}

/// [`normalized_lower`] with the case as written: byte for byte the same text but for ASCII
/// capitals, so a range of one is the same range of the other.
pub fn normalized(b: &[u8], from: usize, to: usize) -> String {
    let to = to.min(b.len());
    let mut out = String::with_capacity(to.saturating_sub(from));
    let mut last_space = true;
    let mut pos = from;
    while pos < to {
        // Fast path: a run of printable ASCII that is neither whitespace nor an escape's start.
        let run = b[pos..to]
            .iter()
            .take_while(|&&c| matches!(c, 0x21..=0x7e) && c != b'\\' && c != b'&')
            .count();
        if run > 0 {
            out.push_str(std::str::from_utf8(&b[pos..pos + run]).unwrap_or_default());
            last_space = false;
            pos += run;
            continue;
        }
        let (u, next) = unit_at(b, pos);
        pos = next.min(to).max(pos + 1);
        match u {
            Unit::Ascii(c) => {
                out.push(c as char);
                last_space = false;
            }
            Unit::Space { .. } => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            Unit::Other => {
                out.push('\u{fffd}');
                last_space = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &str) -> Vec<Unit> {
        Units::new(s.as_bytes(), 0, s.len())
            .map(|(_, u, _)| u)
            .collect()
    }

    #[test]
    fn escapes_resolve_to_the_same_character() {
        for s in [
            "<",
            "\\u003c",
            "\\u003C",
            "\\\\u003c",
            "&lt;",
            "&LT;",
            "&#60;",
            "&#x3c;",
            "\\x3c",
            "&amp;lt;",
        ] {
            assert_eq!(units(s), vec![Unit::Ascii(b'<')], "{s}");
        }
        assert_eq!(units("\\/"), vec![Unit::Ascii(b'/')]);
        assert_eq!(units("\\u002B"), vec![Unit::Ascii(b'+')]);
    }

    #[test]
    fn escaped_and_yaml_newlines_are_line_breaks() {
        assert_eq!(units("\\n"), vec![Unit::Space { newline: true }]);
        assert_eq!(units("\\\n"), vec![Unit::Space { newline: true }]);
        assert_eq!(units("\u{a0}"), vec![Unit::Space { newline: false }]);
    }

    #[test]
    fn broken_escapes_are_plain_characters() {
        assert_eq!(
            units("\\u00"),
            vec![
                Unit::Ascii(b'\\'),
                Unit::Ascii(b'u'),
                Unit::Ascii(b'0'),
                Unit::Ascii(b'0')
            ]
        );
        assert_eq!(
            units("&lt"),
            vec![Unit::Ascii(b'&'), Unit::Ascii(b'l'), Unit::Ascii(b't')]
        );
        assert_eq!(units("&#;")[0], Unit::Ascii(b'&'));
    }

    #[test]
    fn find_ci_matches_a_plain_search() {
        let hay = b"Pod policy: POLICYdecision< x >PolicyDecision pp polic";
        let naive = |from: usize, needle: &[u8]| {
            (from..=hay.len().saturating_sub(needle.len()))
                .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
                .filter(|_| hay.len() >= needle.len())
        };
        for needle in [&b"policydecision"[..], b"polic", b"p", b"policy"] {
            for from in 0..=hay.len() + 1 {
                assert_eq!(find_ci(hay, from, needle), naive(from, needle), "{from}");
            }
        }
        assert_eq!(find_ci(b"po", 0, b"polic"), None);
        assert_eq!(find_ci(b"", 0, b"p"), None);
        assert_eq!(find_ci(b"abc", 0, b""), None);
        // Exactly: case counts.
        for from in 0..=hay.len() + 1 {
            let naive = (from..=hay.len().saturating_sub(6)).find(|&i| &hay[i..i + 6] == b"policy");
            assert_eq!(find_exact(hay, from, b"policy"), naive, "{from}");
        }
        assert_eq!(find_exact(b"", 0, b"x"), None);
    }

    #[test]
    fn find_byte_matches_position() {
        let hay = b"0123456789\nabcdefghijklmnop\nqrstuvwxyz\n\n";
        for from in 0..=hay.len() + 1 {
            let naive = hay
                .get(from..)
                .and_then(|t| t.iter().position(|&c| c == b'\n'))
                .map(|p| from + p);
            assert_eq!(find_byte(hay, from, b'\n'), naive, "{from}");
        }
    }

    #[test]
    fn normalized_text_collapses_whitespace_and_escapes() {
        let s = "Container  Creation\\ndenied due\n   to policy: ";
        assert_eq!(
            normalized_lower(s.as_bytes(), 0, s.len()),
            "container creation denied due to policy: "
        );
    }

    fn hay_byte() -> impl proptest::strategy::Strategy<Value = u8> {
        proptest::sample::select(b"pPoOlLiIcCnN_:\"' \n\x02\x10mM".to_vec())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        #[test]
        fn searches_match_a_plain_search(
            hay in proptest::collection::vec(hay_byte(), 0..80),
            needle in proptest::sample::select(vec![
                &b"polic"[..], b"p", b"pn", b"policn", b"\"p:", b"_n", b"\n",
                // The rarest byte before the last: the second test is in the middle.
                b"p_on", b"c:_ n", b"pol ic",
            ]),
            from in 0usize..90,
        ) {
            let at = |eq: &dyn Fn(&[u8]) -> bool| {
                (from..hay.len().saturating_sub(needle.len()) + 1)
                    .find(|&i| hay.len() >= needle.len() && eq(&hay[i..i + needle.len()]))
            };
            proptest::prop_assert_eq!(
                find_ci(&hay, from, needle),
                at(&|w| w.eq_ignore_ascii_case(needle))
            );
            proptest::prop_assert_eq!(find_exact(&hay, from, needle), at(&|w| w == needle));
            let byte = needle[0];
            proptest::prop_assert_eq!(
                find_byte(&hay, from, byte),
                hay.get(from..).and_then(|t| t.iter().position(|&c| c == byte)).map(|p| from + p)
            );
        }
    }
}
