//! Text quoted or logged line by line: a prefix at the start of every line (`// ` or `# ` in
//! code comments, `> ` in mail and chat quotes, `| ` in tables, a log timestamp, the
//! `[pod/name/container] ` of `kubectl logs --prefix`) splits the wrapper sentence and the blob
//! into pieces that each begin with it. The prefix is read as text (digits of a timestamp as
//! base64, `> ` before the closing marker), so it is taken out before anything else reads the
//! paste, and every byte offset found in the view without it is mapped back to the paste.
//!
//! Nothing is listed by hand: a prefix is whatever consecutive lines (two or more) begin with
//! in the same shape, made of leading tokens that look like decoration or like a stamp. A token
//! is *decoration* when it has no letters, digits, quotes or brackets (`//`, `#`, `>`, `|`,
//! `>>>`); a *stamp* when it holds digits and punctuation and is at least 8 long (timestamps,
//! `2026/05/04`), or is written in square brackets (`[pod/x/y]`, `[INFO]`). Two lines share a
//! token when it is the same after every run of digits is read as one digit. A token is only a
//! prefix when blanks follow it (or, for decoration, the line ends), so the base64 of a blob's
//! line is never one.

use std::borrow::Cow;

use super::units::find_byte;
use std::ops::Range;

/// How many leading tokens of a line are compared.
const MAX_TOKENS: usize = 4;
/// The longest token that can be part of a prefix.
const MAX_TOKEN: usize = 64;

/// The paste with the line prefixes taken out, and the way back to the paste's offsets.
#[derive(Debug)]
pub struct View<'a> {
    pub text: Cow<'a, str>,
    /// (offset in `text` where a prefix was taken out, bytes taken out up to there).
    removed: Vec<(usize, usize)>,
}

impl View<'_> {
    /// Whether anything was taken out.
    pub fn is_stripped(&self) -> bool {
        !self.removed.is_empty()
    }

    /// The paste's offset of the character that starts at `pos` in the view.
    pub fn start_in_paste(&self, pos: usize) -> usize {
        let i = self.removed.partition_point(|&(at, _)| at <= pos);
        pos + i.checked_sub(1).map_or(0, |i| self.removed[i].1)
    }

    /// The paste's offset of the end of a range that ends at `pos` in the view.
    pub fn end_in_paste(&self, pos: usize) -> usize {
        let i = self.removed.partition_point(|&(at, _)| at < pos);
        pos + i.checked_sub(1).map_or(0, |i| self.removed[i].1)
    }

    /// A range of the view as a range of the paste.
    pub fn range_in_paste(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.start_in_paste(r.start);
        start..self.end_in_paste(r.end).max(start)
    }
}

/// One leading token of a line: where it is in the line, and where the prefix would end after it
/// (blanks included).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Token {
    start: usize,
    len: usize,
    end: usize,
    /// A stamp rather than decoration.
    stamp: bool,
    /// The partial-line flag of the CRI log format (`P`, `F`): any such flag has the same shape.
    flag: bool,
}

/// The leading tokens of a line that could be a prefix (no allocation: this runs on every line).
#[derive(Clone, Copy, Debug, Default)]
struct Tokens {
    n: usize,
    t: [Token; MAX_TOKENS],
}

impl Tokens {
    fn as_slice(&self) -> &[Token] {
        &self.t[..self.n]
    }
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// Decoration: punctuation only, no letters, digits, quotes, brackets or escapes; not a lone
/// bullet.
fn is_decoration(t: &[u8]) -> bool {
    t.iter().all(|&c| is_decoration_char(c)) && !matches!(t, b"-" | b"*")
}

fn is_decoration_char(c: u8) -> bool {
    matches!(
        c,
        b'#' | b'/' | b'>' | b'|' | b'*' | b';' | b'!' | b'%' | b'-' | b':'
    )
}

/// A stamp: 8 or more characters starting with a digit, with punctuation and at most three
/// letters (a date or time: `2026-05-04T10:22:31.1Z`, `2026/05/04`, `10:22:31.118`), or a word
/// in square brackets (`[pod/x/y]`). Not `agent_policy:126:`, which starts with letters.
fn is_stamp(t: &[u8]) -> bool {
    if t.iter()
        .any(|c| matches!(c, b'"' | b'\'' | b'{' | b'}' | b'<' | b'>' | b'\\'))
    {
        return false;
    }
    let bracketed = t.len() >= 3 && t[0] == b'[' && t[t.len() - 1] == b']';
    let letters = t.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let punct = t.iter().any(|c| c.is_ascii_punctuation());
    bracketed || (t.len() >= 8 && t[0].is_ascii_digit() && punct && letters <= 3)
}

/// A token as compared between lines: each run of digits as one `0`.
fn shape(t: &[u8]) -> impl Iterator<Item = u8> + '_ {
    t.iter()
        .enumerate()
        .filter(|&(i, c)| !(c.is_ascii_digit() && i > 0 && t[i - 1].is_ascii_digit()))
        .map(|(_, &c)| if c.is_ascii_digit() { b'0' } else { c })
}

/// Whether two tokens (of the lines starting at `a_at` and `b_at` in `text`) have one shape.
fn same_shape(text: &[u8], a_at: usize, a: &Token, b_at: usize, b: &Token) -> bool {
    if a.flag || b.flag {
        return a.flag == b.flag;
    }
    let a = &text[a_at + a.start..a_at + a.start + a.len];
    let b = &text[b_at + b.start..b_at + b.start + b.len];
    shape(a).eq(shape(b))
}

/// Whether `line` can have a leading token: most lines start with a word, and neither decoration
/// nor a stamp can.
fn may_start_a_prefix(line: &[u8]) -> bool {
    line.iter()
        .find(|&&c| !is_blank(c))
        .is_some_and(|&c| c.is_ascii_digit() || c == b'[' || is_decoration_char(c))
}

/// The leading tokens of `line` that could be a prefix, each with where it would end.
fn tokens(line: &[u8]) -> Tokens {
    let mut out = Tokens::default();
    let mut i = line.iter().take_while(|&&c| is_blank(c)).count();
    while out.n < MAX_TOKENS && i < line.len() {
        let len = line[i..]
            .iter()
            .take(MAX_TOKEN + 1)
            .take_while(|&&c| !is_blank(c))
            .count();
        if len > MAX_TOKEN {
            break;
        }
        let t = &line[i..i + len];
        let followed = line.get(i + len).is_some_and(|&c| c == b' ' || c == b'\t');
        // After a stamp, the stream and partial-line flag of the CRI log format
        // (`2026-05-04T10:22:31.1Z stderr F `) belong to it.
        let after_stamp = out.as_slice().last().is_some_and(|t| t.stamp);
        let stream = after_stamp
            && (matches!(t, b"stdout" | b"stderr") || (t.len() == 1 && t[0].is_ascii_uppercase()));
        let stamp = is_stamp(t) || stream;
        let ok = (is_decoration(t) && (followed || line[i + len..].iter().all(|&c| is_blank(c))))
            || (stamp && followed);
        if !ok {
            break;
        }
        let mut end = i + len;
        while line.get(end).is_some_and(|&c| is_blank(c)) {
            end += 1;
        }
        out.t[out.n] = Token {
            start: i,
            len,
            end,
            stamp,
            // The partial-line flag differs from line to line (`P`, then `F`).
            flag: stream && t.len() == 1,
        };
        out.n += 1;
        i = end;
    }
    out
}

/// `text` without the prefixes its blocks of lines share (borrowed when there are none).
pub fn strip(text: &str) -> View<'_> {
    let b = text.as_bytes();
    let mut cuts: Vec<Range<usize>> = Vec::new();
    // The block being read: its lines' starts and where each token of them ends, and the tokens
    // all of them share (as the block's first line, at `common_at`, wrote them).
    let mut block: Vec<(usize, [usize; MAX_TOKENS])> = Vec::new();
    let mut common = Tokens::default();
    let mut common_at = 0;
    let flush =
        |block: &mut Vec<(usize, [usize; MAX_TOKENS])>, n: usize, cuts: &mut Vec<Range<usize>>| {
            if block.len() >= 2 && n > 0 {
                cuts.extend(
                    block
                        .iter()
                        .map(|(start, ends)| *start..start + ends[n - 1]),
                );
            }
            block.clear();
        };
    let mut start = 0;
    while start <= b.len() {
        let end = find_byte(b, start, b'\n').unwrap_or(b.len());
        let line_at = start;
        start = end + 1;
        let line = &b[line_at..end];
        if block.is_empty() && !may_start_a_prefix(line) {
            // The common case: no tokens, nothing being read.
            common.n = 0;
            continue;
        }
        let toks = tokens(line);
        let n = if block.is_empty() {
            0
        } else {
            common
                .as_slice()
                .iter()
                .zip(toks.as_slice())
                .take_while(|(x, y)| same_shape(b, common_at, x, line_at, y))
                .count()
        };
        if n == 0 {
            flush(&mut block, common.n, &mut cuts);
            common = toks;
            common_at = line_at;
        } else {
            common.n = n;
        }
        if toks.n > 0 {
            block.push((line_at, toks.t.map(|t| t.end)));
        } else {
            common.n = 0;
        }
    }
    let keep = common.n;
    flush(&mut block, keep, &mut cuts);
    if cuts.is_empty() {
        return View {
            text: Cow::Borrowed(text),
            removed: Vec::new(),
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::with_capacity(cuts.len());
    let mut copied = 0;
    let mut total = 0;
    for cut in cuts {
        out.push_str(&text[copied..cut.start]);
        total += cut.len();
        removed.push((out.len(), total));
        copied = cut.end;
    }
    out.push_str(&text[copied..]);
    View {
        text: Cow::Owned(out),
        removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(t: &str) -> String {
        strip(t).text.into_owned()
    }

    #[test]
    fn common_prefixes_are_taken_out() {
        for (text, want) in [
            ("> a b\n> c\n>\n> >d", "a b\nc\n\n>d"),
            ("    // one\n    // two", "one\ntwo"),
            ("# x\n# y\r\n", "x\ny\r\n"),
            ("| a |\n| b |", "a |\nb |"),
            ("> > a\n> > b\n> c", "> a\n> b\nc"),
            (
                "2026-05-04T10:22:31.1183Z a\n2026-05-04T10:22:31.11839Z b",
                "a\nb",
            ),
            ("[pod/x/y] a\n[pod/x/y] b", "a\nb"),
            ("2026/05/04 10:22:31 a\n2026/05/04 10:22:32 b", "a\nb"),
            (
                "2026-05-04T10:22:31.1Z stderr P a\n2026-05-04T10:22:31.2Z stderr F b",
                "a\nb",
            ),
        ] {
            assert_eq!(stripped(text), want, "{text:?}");
        }
    }

    #[test]
    fn what_is_no_prefix_stays() {
        for text in [
            "> only one line",
            "- a\n- b",
            "* a\n* b",
            "5m  Warning  a\n7m  Warning  b",
            "eyJk\n/+9a\n//8A",
            "// a\n# b",
            "[pod/x/y] a\n[pod/x/z] b",
            "\"quoted\" a\n\"quoted\" b",
            "policyDecision< a\npolicyDecision< b",
            "agent_policy:126: a\nagent_policy:128: b",
            "stderr F a\nstderr F b",
            "18197025abfacf63: a\n18197025abfacf63: b",
        ] {
            assert_eq!(stripped(text), text, "{text:?}");
        }
    }

    #[test]
    fn offsets_map_back_to_the_paste() {
        let text = "x\n> ab\n> cd\ny";
        let v = strip(text);
        assert_eq!(v.text, "x\nab\ncd\ny");
        for (pos, ch) in v.text.char_indices() {
            assert_eq!(text[v.start_in_paste(pos)..].chars().next(), Some(ch));
        }
        // "ab\ncd" in the view is "ab\n> cd" in the paste; "ab\n" ends before the prefix.
        assert_eq!(&text[v.range_in_paste(&(2..7))], "ab\n> cd");
        assert_eq!(&text[v.range_in_paste(&(2..5))], "ab\n");
        assert_eq!(v.range_in_paste(&(0..0)), 0..0);
        assert_eq!(v.end_in_paste(v.text.len()), text.len());
    }

    /// The text without `cuts`, and the `removed` list a view keeps for it.
    fn apply(text: &str, cuts: &[Range<usize>]) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut removed = Vec::new();
        let (mut copied, mut total) = (0, 0);
        for cut in cuts {
            out.push_str(&text[copied..cut.start]);
            total += cut.len();
            removed.push((out.len(), total));
            copied = cut.end;
        }
        out.push_str(&text[copied..]);
        (out, removed)
    }

    fn line_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "> ",
            ">",
            "// ",
            "# ",
            "| ",
            ">>> ",
            "- ",
            "* ",
            "--- ",
            ":",
            "\n",
            "\n",
            "\n",
            "\r\n",
            " ",
            "  ",
            "\t",
            "2026-05-04T10:22:31.1Z ",
            "2026-05-04T10:22:31.11839Z ",
            "10:22:31.118 ",
            "2026/05/04 ",
            "[pod/x/y] ",
            "[pod/x/z] ",
            "[INFO] ",
            "stderr ",
            "stdout ",
            "F ",
            "P ",
            "A",
            "abc ",
            "12 ",
            "eyJk",
            "policyDecision< ",
            "\"q\" ",
            "é",
            "{",
            "[",
            "]",
            "agent_policy:126: ",
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        #[test]
        fn the_fast_reader_cuts_what_the_reference_cuts(
            pieces in proptest::collection::vec(line_piece(), 0..60)
        ) {
            let text: String = pieces.concat();
            let (want, removed) = apply(&text, &reference::cuts(&text));
            let view = strip(&text);
            proptest::prop_assert_eq!(&*view.text, want.as_str());
            proptest::prop_assert_eq!(view.removed, removed);
        }
    }

    /// The reader as it was before it was made fast (allocating per line), to compare with.
    mod reference {
        use super::super::{is_blank, is_decoration, is_stamp, MAX_TOKEN, MAX_TOKENS};
        use std::ops::Range;

        /// The shape of one leading token, and where the prefix would end after it (blanks included).
        #[derive(Clone, Debug, PartialEq, Eq)]
        struct Token {
            shape: String,
            end: usize,
            /// A stamp rather than decoration.
            stamp: bool,
        }

        /// A token as compared between lines: each run of digits as one `0`.
        fn shape(t: &[u8]) -> String {
            let mut out = String::with_capacity(t.len());
            let mut in_digits = false;
            for &c in t {
                if c.is_ascii_digit() {
                    if !in_digits {
                        out.push('0');
                    }
                    in_digits = true;
                } else {
                    out.push(c as char);
                    in_digits = false;
                }
            }
            out
        }

        /// The leading tokens of `line` that could be a prefix, each with where it would end.
        fn tokens(line: &[u8]) -> Vec<Token> {
            let mut out = Vec::new();
            let mut i = line.iter().take_while(|&&c| is_blank(c)).count();
            while out.len() < MAX_TOKENS && i < line.len() {
                let len = line[i..]
                    .iter()
                    .take(MAX_TOKEN + 1)
                    .take_while(|&&c| !is_blank(c))
                    .count();
                if len > MAX_TOKEN {
                    break;
                }
                let t = &line[i..i + len];
                let end_of_line = line[i + len..].iter().all(|&c| is_blank(c));
                let followed = line.get(i + len).is_some_and(|&c| c == b' ' || c == b'\t');
                // After a stamp, the stream and partial-line flag of the CRI log format
                // (`2026-05-04T10:22:31.1Z stderr F `) belong to it.
                let after_stamp = out.last().is_some_and(|t: &Token| t.stamp);
                let stream = after_stamp
                    && (matches!(t, b"stdout" | b"stderr")
                        || (t.len() == 1 && t[0].is_ascii_uppercase()));
                let stamp = is_stamp(t) || stream;
                let ok = (is_decoration(t) && (followed || end_of_line)) || (stamp && followed);
                if !ok {
                    break;
                }
                let mut end = i + len;
                while line.get(end).is_some_and(|&c| is_blank(c)) {
                    end += 1;
                }
                out.push(Token {
                    // The partial-line flag differs from line to line (`P`, then `F`).
                    shape: if stream && t.len() == 1 {
                        "A".to_string()
                    } else {
                        shape(t)
                    },
                    end,
                    stamp,
                });
                i = end;
            }
            out
        }

        /// How many leading tokens two lines share.
        fn shared(a: &[Token], b: &[Token]) -> usize {
            a.iter()
                .zip(b)
                .take_while(|(x, y)| x.shape == y.shape)
                .count()
        }

        /// `text` without the prefixes its blocks of lines share (borrowed when there are none).
        pub fn cuts(text: &str) -> Vec<Range<usize>> {
            let b = text.as_bytes();
            // Cheap test first: a paste where no line starts with a possible prefix is left alone.
            let mut cuts: Vec<Range<usize>> = Vec::new();
            // The block being read: its lines' (start, tokens) and the tokens all of them share.
            let mut block: Vec<(usize, Vec<Token>)> = Vec::new();
            let mut common: Vec<Token> = Vec::new();
            let flush =
                |block: &mut Vec<(usize, Vec<Token>)>, n: usize, cuts: &mut Vec<Range<usize>>| {
                    if block.len() >= 2 && n > 0 {
                        for (start, toks) in block.iter() {
                            cuts.push(*start..start + toks[n - 1].end);
                        }
                    }
                    block.clear();
                };
            let mut start = 0;
            while start <= b.len() {
                let end = b[start..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| start + p);
                let toks = tokens(&b[start..end]);
                let n = if block.is_empty() {
                    0
                } else {
                    shared(&common, &toks)
                };
                if n == 0 {
                    let keep = common.len();
                    flush(&mut block, keep, &mut cuts);
                    common = toks.clone();
                } else {
                    common.truncate(n);
                }
                if !toks.is_empty() {
                    block.push((start, toks));
                } else {
                    common.clear();
                }
                start = end + 1;
            }
            let keep = common.len();
            flush(&mut block, keep, &mut cuts);
            cuts
        }
    }
}
