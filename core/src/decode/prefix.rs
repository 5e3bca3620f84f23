//! Text quoted or logged line by line: a prefix at the start of every line (`// ` or `# ` in
//! code comments, `> ` in mail and chat quotes, `| ` in tables, a log line's header, the
//! `[pod/name/container] ` of `kubectl logs --prefix`) splits the wrapper sentence and the blob
//! into pieces that each begin with it. The prefix is read as text (digits of a timestamp as
//! base64, `> ` before the closing marker), so it is taken out before anything else reads the
//! paste, and every byte offset found in the view without it is mapped back to the paste.
//!
//! Nothing is listed by hand: a prefix is whatever consecutive lines (two or more) begin with
//! in the same shape, made of leading tokens that look like decoration, like a stamp, or like
//! the fields a log header writes around its stamp. A token is *decoration* when it has no
//! letters, digits, quotes or brackets (`//`, `#`, `>`, `|`, `>>>`); a *stamp* when it holds
//! digits and punctuation and is at least 8 long (timestamps, `2026/05/04`), or is written in
//! square brackets (`[pod/x/y]`, `[INFO]`). Two lines share a token when it is the same after
//! every run of digits is read as one digit. A token is only a prefix when blanks follow it (or,
//! for decoration, the line ends), so the base64 of a blob's line is never one.
//!
//! A log header varies from line to line in more than its digits, so its fields are compared by
//! kind, not by text, and each is only taken when the header's stamp comes with it:
//! - before a time stamp, a letter with a month and day (`E1201`, klog's severity and date), or
//!   a month's name and the day (`Dec  1`, syslog and journald);
//! - after a stamp, a number (a thread or process ID), a severity word in capitals (`INFO`,
//!   `ERROR`), the source file and line (`pod_workers.go:1298]`), CRI's stream and partial-line
//!   flag (`stderr F`), or a host and the process that logged (`aks-node kubelet[4521]:`).
//!
//! So klog's `E1201 10:21:33.123456    4521 pod_workers.go:1298] ` is one prefix on every line
//! although its time, thread and source line change, and so is journald's
//! `Dec 01 10:21:33 aks-node kubelet[4521]: ` before it.

use std::borrow::Cow;

use super::units::find_byte;
use std::ops::Range;

/// How many leading tokens of a line are compared (journald's five, klog's four, and room for a
/// quote or a `kubectl logs` prefix around them).
const MAX_TOKENS: usize = 12;
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

/// How a token is compared with the token at its place on another line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    /// By its text, each run of digits read as one digit.
    #[default]
    Text,
    /// CRI's partial-line flag (`P`, then `F`).
    Flag,
    /// klog's severity and date (`I1201`, `E1201`).
    SeverityDate,
    /// A month's name (`Nov`, then `Dec`).
    Month,
    /// A severity word (`INFO`, then `ERROR`).
    Severity,
    /// A source file and line (`pod_workers.go:1298]`, then `kubelet.go:2226]`).
    Source,
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
    kind: Kind,
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
    // One pass over the token: it runs on every token of every line that may start a prefix.
    let (mut letters, mut punct) = (0, false);
    for &c in t {
        if matches!(c, b'"' | b'\'' | b'{' | b'}' | b'<' | b'>' | b'\\') {
            return false;
        }
        letters += c.is_ascii_alphabetic() as usize;
        punct |= c.is_ascii_punctuation();
    }
    is_bracketed(t) || (t.len() >= 8 && t[0].is_ascii_digit() && punct && letters <= 3)
}

fn is_bracketed(t: &[u8]) -> bool {
    t.len() >= 3 && t[0] == b'[' && t[t.len() - 1] == b']'
}

/// A stamp that is a time (not a word in brackets): what a log header's other fields go with.
fn is_time(t: &[u8]) -> bool {
    is_stamp(t) && stamp_is_time(t)
}

/// Whether a stamp is a time.
fn stamp_is_time(t: &[u8]) -> bool {
    !is_bracketed(t) && t.contains(&b':')
}

/// klog's severity letter with the month and day (`E1201`).
fn is_severity_date(t: &[u8]) -> bool {
    t.len() == 5 && t[0].is_ascii_uppercase() && t[1..].iter().all(u8::is_ascii_digit)
}

/// A month's name as syslog writes it (`Dec`).
fn is_month(t: &[u8]) -> bool {
    matches!(
        t,
        b"Jan"
            | b"Feb"
            | b"Mar"
            | b"Apr"
            | b"May"
            | b"Jun"
            | b"Jul"
            | b"Aug"
            | b"Sep"
            | b"Oct"
            | b"Nov"
            | b"Dec"
    )
}

fn is_number(t: &[u8], most: usize) -> bool {
    (1..=most).contains(&t.len()) && t.iter().all(u8::is_ascii_digit)
}

/// A severity word: capitals only, 4 to 7 of them (`INFO`, `WARNING`).
fn is_severity(t: &[u8]) -> bool {
    (4..=7).contains(&t.len()) && t.iter().all(u8::is_ascii_uppercase)
}

/// A source file and line, as Go's loggers write it: `name.ext:digits`, then `]` or `:` at most
/// (`pod_workers.go:1298]`, `server.go:42:`).
fn is_source(t: &[u8]) -> bool {
    let t = t.strip_suffix(b"]").or(t.strip_suffix(b":")).unwrap_or(t);
    let Some(colon) = t.iter().rposition(|&c| c == b':') else {
        return false;
    };
    let (file, line) = (&t[..colon], &t[colon + 1..]);
    let Some(dot) = file.iter().rposition(|&c| c == b'.') else {
        return false;
    };
    is_number(line, 7)
        && dot > 0
        && file[dot + 1..].iter().all(u8::is_ascii_alphabetic)
        && dot + 1 < file.len()
        && file
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/'))
}

/// The process that logged, as syslog writes it: `name[pid]:`, or `name:` where `bare` (after a
/// month, day and time).
fn is_ident(t: &[u8], bare: bool) -> bool {
    let Some(t) = t.strip_suffix(b":") else {
        return false;
    };
    let name = match t.strip_suffix(b"]") {
        Some(s) => match s.iter().rposition(|&c| c == b'[') {
            Some(open) if is_number(&s[open + 1..], 10) => &s[..open],
            _ => return false,
        },
        None if bare => t,
        None => return false,
    };
    !name.is_empty()
        && name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/' | b'@'))
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
    if a.kind != Kind::Text || b.kind != Kind::Text {
        return a.kind == b.kind;
    }
    let a = &text[a_at + a.start..a_at + a.start + a.len];
    let b = &text[b_at + b.start..b_at + b.start + b.len];
    // Most tokens repeat as they are (`Dec`, a host name): no need to read their shapes.
    a == b || shape(a).eq(shape(b))
}

/// Whether `line` can have a leading token: most lines start with a word, and neither decoration,
/// a stamp, nor a log header (`E1201 `, `Dec `) can.
fn may_start_a_prefix(line: &[u8]) -> bool {
    let i = line.iter().take_while(|&&c| is_blank(c)).count();
    let Some(&c) = line.get(i) else {
        return false;
    };
    if c.is_ascii_uppercase() {
        // klog's `E1201` or a month's name.
        return line.get(i + 1).is_some_and(u8::is_ascii_digit)
            || line.get(i..i + 3).is_some_and(is_month);
    }
    c.is_ascii_digit() || c == b'[' || is_decoration_char(c)
}

/// One blank-separated word of a line from `i`: its length, and whether a blank follows it.
fn word(line: &[u8], i: usize) -> Option<(usize, bool)> {
    let len = line[i..]
        .iter()
        .take(MAX_TOKEN + 1)
        .take_while(|&&c| !is_blank(c))
        .count();
    (len <= MAX_TOKEN).then(|| {
        (
            len,
            line.get(i + len).is_some_and(|&c| c == b' ' || c == b'\t'),
        )
    })
}

/// Where the blanks after `i` end.
fn skip_blanks(line: &[u8], mut i: usize) -> usize {
    while line.get(i).is_some_and(|&c| is_blank(c)) {
        i += 1;
    }
    i
}

/// What a log header still needs before its fields count (see the module's notes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Nothing,
    /// The day after a month's name.
    Day,
    /// The time after klog's severity and date, or after a month and day.
    Time,
}

/// The leading tokens of `line` that could be a prefix, each with where it would end.
fn tokens(line: &[u8]) -> Tokens {
    let mut out = Tokens::default();
    let mut i = skip_blanks(line, 0);
    // Tokens before a time they wait for (`Dec 01`, `E1201`) count only once it comes.
    let mut want = Want::Nothing;
    let mut sure = 0;
    // A time was read (the fields of a header may follow), after a month and day (syslog).
    let mut timed = false;
    let mut syslog = false;
    while out.n < MAX_TOKENS && i < line.len() {
        let Some((len, followed)) = word(line, i) else {
            break;
        };
        let t = &line[i..i + len];
        let last = out.as_slice().last().copied();
        let after_stamp = last.is_some_and(|t| t.stamp);
        let mut kind = Kind::Text;
        let mut stamp = false;
        let mut pair = None;
        let ok = match want {
            Want::Day => {
                want = Want::Time;
                is_number(t, 2) && followed
            }
            Want::Time => {
                want = Want::Nothing;
                stamp = true;
                timed = true;
                is_time(t) && followed
            }
            Want::Nothing => {
                // After a stamp, the stream and partial-line flag of the CRI log format
                // (`2026-05-04T10:22:31.1Z stderr F `) belong to it.
                let stream = after_stamp
                    && (matches!(t, b"stdout" | b"stderr")
                        || (t.len() == 1 && t[0].is_ascii_uppercase()));
                if stream && t.len() == 1 {
                    kind = Kind::Flag;
                }
                // (`followed` first: the rest of a line is one word that no blank follows.)
                let is_a_stamp = followed && is_stamp(t);
                if followed && (is_a_stamp || stream) {
                    stamp = true;
                    timed |= is_a_stamp && stamp_is_time(t);
                    true
                } else if is_decoration(t) {
                    followed || line[i + len..].iter().all(|&c| is_blank(c))
                } else if !followed {
                    false
                } else if is_severity_date(t) {
                    (want, kind) = (Want::Time, Kind::SeverityDate);
                    true
                } else if is_month(t) {
                    (want, kind, syslog) = (Want::Day, Kind::Month, true);
                    true
                } else if !timed {
                    false
                } else if is_number(t, 10) {
                    true
                } else if is_severity(t) {
                    kind = Kind::Severity;
                    true
                } else if is_source(t) {
                    kind = Kind::Source;
                    true
                } else if last.is_some_and(|t| t.stamp) {
                    // A host, then the process that logged (`aks-node kubelet[4521]: `).
                    let at = skip_blanks(line, i + len);
                    pair = word(line, at)
                        .filter(|&(n, _)| {
                            !t.iter().any(|c| b"\"'{}<>\\[]".contains(c))
                                && is_ident(&line[at..at + n], syslog)
                        })
                        .map(|(n, _)| (at, n));
                    pair.is_some() && out.n + 1 < MAX_TOKENS
                } else {
                    false
                }
            }
        };
        if !ok {
            break;
        }
        let end = skip_blanks(line, i + len);
        out.t[out.n] = Token {
            start: i,
            len,
            end,
            stamp,
            kind,
        };
        out.n += 1;
        i = end;
        if let Some((at, n)) = pair {
            let end = skip_blanks(line, at + n);
            out.t[out.n] = Token {
                start: at,
                len: n,
                end,
                stamp: false,
                kind: Kind::Text,
            };
            out.n += 1;
            i = end;
        }
        if want == Want::Nothing {
            sure = out.n;
        }
    }
    out.n = sure;
    out
}

/// The stripped text as it is written, block by block (nothing until the first cut).
struct Stripped<'a> {
    text: &'a str,
    out: String,
    removed: Vec<(usize, usize)>,
    /// The paste is copied up to here; this many bytes were taken out.
    copied: usize,
    total: usize,
}

impl Stripped<'_> {
    /// Takes `cut` (after what was cut before) out.
    fn cut(&mut self, cut: Range<usize>) {
        if self.out.capacity() == 0 {
            self.out.reserve(self.text.len());
        }
        self.out.push_str(&self.text[self.copied..cut.start]);
        self.total += cut.len();
        self.removed.push((self.out.len(), self.total));
        self.copied = cut.end;
    }
}

/// The lines of the block being read: for each, its start and where its first `stride` tokens
/// end (the block's first line's token count: what the lines share can only get fewer). Flat and
/// in `u32` (inputs stay far below 4 GiB), so a block of short lines costs a few bytes per line.
#[derive(Default)]
struct Block {
    stride: usize,
    lines: usize,
    data: Vec<u32>,
}

impl Block {
    fn push(&mut self, line_at: usize, toks: &Tokens) {
        if self.lines == 0 {
            self.stride = toks.n;
        }
        self.data.push(line_at as u32);
        for i in 0..self.stride {
            // A line with fewer tokens shares no more than it has: its missing ends are never read.
            let end = if i < toks.n { toks.t[i].end } else { 0 };
            self.data.push(end as u32);
        }
        self.lines += 1;
    }

    /// Takes the `n` shared tokens out of every line of a block of two or more, and starts a new
    /// block.
    fn flush(&mut self, n: usize, out: &mut Stripped) {
        if self.lines >= 2 && n > 0 {
            for line in self.data.chunks_exact(self.stride + 1) {
                let start = line[0] as usize;
                out.cut(start..start + line[n] as usize);
            }
        }
        self.data.clear();
        self.lines = 0;
    }
}

/// `text` without the prefixes its blocks of lines share (borrowed when there are none).
pub fn strip(text: &str) -> View<'_> {
    let b = text.as_bytes();
    let mut out = Stripped {
        text,
        out: String::new(),
        removed: Vec::new(),
        copied: 0,
        total: 0,
    };
    // The block being read, and the tokens all of its lines share (as the block's first line, at
    // `common_at`, wrote them).
    let mut block = Block::default();
    let mut common = Tokens::default();
    let mut common_at = 0;
    let mut start = 0;
    while start <= b.len() {
        let end = find_byte(b, start, b'\n').unwrap_or(b.len());
        let line_at = start;
        start = end + 1;
        let line = &b[line_at..end];
        if block.lines == 0 && !may_start_a_prefix(line) {
            // The common case: no tokens, nothing being read.
            common.n = 0;
            continue;
        }
        let toks = tokens(line);
        let n = if block.lines == 0 {
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
            block.flush(common.n, &mut out);
            common = toks;
            common_at = line_at;
        } else {
            common.n = n;
        }
        if toks.n > 0 {
            block.push(line_at, &toks);
        } else {
            common.n = 0;
        }
    }
    block.flush(common.n, &mut out);
    if out.removed.is_empty() {
        return View {
            text: Cow::Borrowed(text),
            removed: Vec::new(),
        };
    }
    let Stripped {
        mut out,
        removed,
        copied,
        ..
    } = out;
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
            // klog: severity and date, time, thread, source file and line all vary.
            (
                "E1201 10:21:33.123456    4521 pod_workers.go:1298] \"a\"\n\
                 I1202 10:21:34.000001      17 kubelet.go:2226] b",
                "\"a\"\nb",
            ),
            // journald (and syslog) before klog; the day padded with a blank.
            (
                "Nov 30 23:59:59 aks-node-1 kubelet[4521]: E1130 23:59:59.999999    4521 a.go:1] a\n\
                 Dec  1 00:00:00 aks-node-1 kubelet[4521]: E1201 00:00:00.000001    4521 b.go:22] b",
                "a\nb",
            ),
            ("Dec 01 10:21:33 node kernel: a\nDec 01 10:21:34 node kernel: b", "a\nb"),
            // journalctl -o short-iso.
            (
                "2026-12-01T10:21:33+0000 node containerd[812]: a\n\
                 2026-12-01T10:21:34+0000 node containerd[812]: b",
                "a\nb",
            ),
            // ISO timestamps with a severity, and Go loggers' source file.
            (
                "2026-12-01 10:21:33,118 ERROR a\n2026-12-01 10:21:33,120 INFO b",
                "a\nb",
            ),
            (
                "2026/12/01 10:21:33 server.go:42: a\n2026/12/01 10:21:33 main.go:7: b",
                "a\nb",
            ),
            // kubectl logs --prefix --timestamps, then klog.
            (
                "[pod/x/y] 2026-12-01T10:21:33.1Z E1201 10:21:33.1 1 a.go:1] a\n\
                 [pod/x/y] 2026-12-01T10:21:33.2Z E1201 10:21:33.2 1 a.go:1] b",
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
            // Words in the places of a header's fields, without its time.
            "E1201 is a code\nE1202 is another",
            "May 5 we met\nMay 6 we met",
            "Dec 01 node kubelet[1]: a\nDec 01 node kubelet[1]: b",
            "I1201 pod_workers.go:1] a\nI1201 pod_workers.go:1] b",
            "4521 pod_workers.go:1] a\n4521 pod_workers.go:1] b",
            "ERROR a\nERROR b",
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
            "E1201 ",
            "I1202 ",
            "10:21:33.123456 ",
            "   4521 ",
            "pod_workers.go:1298] ",
            "kubelet.go:2226] ",
            "Dec ",
            "Nov ",
            " 1 ",
            "01 ",
            "10:21:33 ",
            "aks-node ",
            "kubelet[4521]: ",
            "kernel: ",
            "ERROR ",
            "INFO ",
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
        use super::super::Kind;
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

        /// The leading tokens of `line` (as the reader's own grammar reads them, on every line:
        /// the fast reader skips the lines that cannot start a prefix), each with its shape.
        fn tokens(line: &[u8]) -> Vec<Token> {
            super::super::tokens(line)
                .as_slice()
                .iter()
                .map(|t| Token {
                    // A field compared by its kind (`P`, then `F`) has that kind as its shape.
                    shape: match t.kind {
                        Kind::Text => shape(&line[t.start..t.start + t.len]),
                        kind => format!("\0{kind:?}"),
                    },
                    end: t.end,
                    stamp: t.stamp,
                })
                .collect()
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
