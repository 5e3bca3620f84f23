//! Analysing a paste in pieces, for a caller that must stay responsive while it reads hundreds of
//! megabytes (the browser's main thread): a [`Scanner`] is fed the text in chunks of any size,
//! cuts it where the pieces before and after cannot see each other, runs [`analyze`] on each
//! piece and merges the pieces' findings. The result equals `analyze` of the whole text, finding
//! for finding (`core/tests/chunked.rs` checks this over the fixture corpus for random chunk
//! sizes). Nothing is kept but the text not yet analysed and the findings: dropping the scanner
//! cancels it.
//!
//! ## Where a cut is safe
//! A cut is made only at the start of a line, at a position `p` where:
//! 1. the [`PROSE_WINDOW`] bytes before `p` hold at least [`MIN_PROSE`] characters that a blob
//!    body never holds in bulk (`: , . " ( ) { } [ ]`: none is base64, white space or part of an
//!    escape that stands for either). A closed body holds at most 8 characters that are not
//!    base64 and an unclosed one none, so no blob body runs through the cut (a body can be
//!    megabytes long, its opening marker far before);
//! 2. the text [`REACH`] bytes either side reads the same cut as whole: `analyze` of that window
//!    equals `analyze` of its two halves, merged. Any reading across the cut within the window
//!    (a wrapper sentence or host IDs before a blob, a message's tail, the JSON event around a
//!    blob) shows up there as a difference, whichever reader does it;
//! 3. after the piece before `p` is analysed, none of its findings ends within [`TAIL_GUARD`]
//!    bytes of `p`: a blob that ran up to the end of the piece (one opened more than `REACH`
//!    before and continued over lines in a way rule 1 does not know) voids the cut. The piece is
//!    analysed again later as part of a longer one; the next cut is tried only twice as far on,
//!    so this costs at most as much again.
//!
//! What this assumes of the readers: none reads further than `REACH` from what it finds (today
//! at most about 4 KiB: 2000 bytes back for a message's start, a legacy message's errors and
//! input forward), and a blob body holds only base64, white space and at most 8 other characters
//! (rule 1). Rules 2 and 3 are checked on `analyze`'s output, so new readers and new shapes
//! within that reach are covered without naming them here. Text without a safe cut (megabytes of
//! base64 without line breaks, findings that all read each other) is analysed as one piece:
//! correct, only not in slices.

use std::collections::HashMap;

use super::context::{DESCRIBE_REACH, MAX_IMAGES};
use super::group::finding_key;
use super::group::merge_bare_json;
use super::scan::{count_newlines, MARKER};
use super::units::find_ci;
use super::{analyze, analyze_piece, Analysis, Finding, FindingKind};

/// How far either side of a cut rule 2 compares.
pub const REACH: usize = 16 * 1024;
/// How far before a cut rule 1 looks.
pub const PROSE_WINDOW: usize = 2 * 1024;
/// How many characters no blob body holds in bulk the `PROSE_WINDOW` before a cut must have.
pub const MIN_PROSE: usize = 32;
/// A finding that ends this close to a cut voids it (rule 3).
pub const TAIL_GUARD: usize = 256;
/// How many windows rule 2 analyses per feed at most (each costs about `4 * REACH` of analysis).
const MAX_CHECKS: usize = 4;

/// Characters a blob body does not hold in bulk.
fn is_prose(c: u8) -> bool {
    matches!(
        c,
        b':' | b',' | b'.' | b'"' | b'(' | b')' | b'{' | b'}' | b'[' | b']'
    )
}

/// The findings of the pieces analysed so far, merged as `analyze` groups them.
#[derive(Default)]
struct Merged {
    findings: Vec<Finding>,
    keys: HashMap<String, usize>,
    total_occurrences: usize,
    /// The images on `:latest` the pieces named, first seen first, at most as many as one
    /// analysis lists.
    mutable_images: Vec<String>,
    /// Bytes and line breaks of the pieces merged.
    offset: usize,
    lines: usize,
}

impl Merged {
    /// Adds the analysis of the next piece, `text`. Returns whether it found anything.
    fn push(&mut self, piece: Analysis, text: &str) -> bool {
        let found = !piece.findings.is_empty();
        for image in piece.mutable_images {
            if self.mutable_images.len() < MAX_IMAGES && !self.mutable_images.contains(&image) {
                self.mutable_images.push(image);
            }
        }
        for mut f in piece.findings {
            // Positions in the paste: occurrences, and the characters a blob's body skipped.
            if let FindingKind::Decision(d) = &mut f.kind {
                for (at, _) in &mut d.blob.invalid_chars {
                    *at += self.offset;
                }
                // Pieces start at line starts: the columns stay.
                for (line, _) in &mut d.invalid_at {
                    *line += self.lines;
                }
            }
            for o in &mut f.occurrences {
                o.range.start += self.offset;
                o.range.end += self.offset;
                o.line += self.lines;
            }
            self.total_occurrences += f.occurrences.len();
            // Every piece comes after the ones before, and `analyze` orders findings by their
            // first occurrence: a new finding goes last.
            let key = finding_key(&f.kind);
            match self.keys.get(&key) {
                Some(&i) => self.findings[i].occurrences.append(&mut f.occurrences),
                None => {
                    self.keys.insert(key, self.findings.len());
                    self.findings.push(f);
                }
            }
        }
        self.offset += text.len();
        self.lines += count_newlines(text.as_bytes());
        found
    }

    /// The findings merged so far, as `analyze` would give them for the text they cover: a bare
    /// decoded decision joins an identical one with a wrapper in any other piece.
    fn findings(&self) -> Vec<Finding> {
        let mut findings = self.findings.clone();
        merge_bare_json(&mut findings);
        findings
    }

    fn analysis(self) -> Analysis {
        let mut findings = self.findings;
        merge_bare_json(&mut findings);
        Analysis {
            findings,
            total_occurrences: self.total_occurrences,
            input_len: self.offset,
            mutable_images: self.mutable_images,
        }
    }
}

/// A resumable analysis of a text fed in chunks.
#[derive(Default)]
pub struct Scanner {
    /// Text fed but not analysed yet; it starts at a line start.
    pending: String,
    /// Cut candidates in `pending[..searched]` were tried already.
    searched: usize,
    /// After a voided cut, the next one is tried only at or beyond this position in `pending`.
    retry_from: usize,
    done: Merged,
    pieces: usize,
}

impl Scanner {
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Adds the next `chunk` of the text and analyses what can be cut off safely. Returns
    /// whether new findings or occurrences were found.
    pub fn feed(&mut self, chunk: &str) -> bool {
        self.pending.push_str(chunk);
        // One piece per call at most: the caller sets how much work a call does by the size of
        // its chunks.
        let Some(cut) = self.find_cut() else {
            return false;
        };
        let piece = analyze_piece(&self.pending[..cut]);
        let last_end = piece
            .findings
            .iter()
            .flat_map(|f| f.occurrences.iter().map(|o| o.range.end))
            .max()
            .unwrap_or(0);
        if last_end + TAIL_GUARD > cut {
            // Rule 3: something may run on past the cut. Try further on, twice as far.
            self.retry_from = cut.saturating_mul(2);
            return false;
        }
        let found = self.done.push(piece, &self.pending[..cut]);
        self.pending.drain(..cut);
        self.searched = self.searched.saturating_sub(cut);
        self.retry_from = 0;
        self.pieces += 1;
        found
    }

    /// Analyses the rest and returns the analysis of the whole text.
    pub fn finish(mut self) -> Analysis {
        if !self.pending.is_empty() {
            let piece = analyze_piece(&self.pending);
            self.done.push(piece, &self.pending);
        }
        self.done.analysis()
    }

    /// The findings so far (complete up to [`Scanner::analysed`]), in the order of the text.
    pub fn findings(&self) -> &[Finding] {
        &self.done.findings
    }

    /// How many occurrences the findings so far have.
    pub fn total_occurrences(&self) -> usize {
        self.done.total_occurrences
    }

    /// The analysis so far: what [`analyze`] gives for the text up to [`Scanner::analysed`],
    /// except that `input_len` is the length fed.
    pub fn snapshot(&self) -> Analysis {
        Analysis {
            findings: self.done.findings(),
            total_occurrences: self.done.total_occurrences,
            input_len: self.fed(),
            mutable_images: self.done.mutable_images.clone(),
        }
    }

    /// Bytes fed so far.
    pub fn fed(&self) -> usize {
        self.done.offset + self.pending.len()
    }

    /// Bytes analysed so far (the rest waits for a safe cut or for [`Scanner::finish`]).
    pub fn analysed(&self) -> usize {
        self.done.offset
    }

    /// How many line breaks the text fed so far has: counted once, as the pieces are merged
    /// (only the text still waiting is counted here), so a caller need not count them again.
    pub fn line_breaks(&self) -> usize {
        self.done.lines + count_newlines(self.pending.as_bytes())
    }

    /// How many pieces were analysed so far.
    pub fn pieces(&self) -> usize {
        self.pieces
    }

    /// The last safe cut in `pending` (rules 1 and 2) not tried before, if any.
    fn find_cut(&mut self) -> Option<usize> {
        let len = self.pending.len();
        if len < 2 * REACH {
            return None;
        }
        let hi = len - REACH;
        let lo = self.searched.max(self.retry_from).max(REACH);
        self.searched = self.searched.max(hi);
        let text = self.pending.as_str();
        let b = text.as_bytes();
        let mut p = hi;
        let mut checks = 0;
        while p > lo && checks < MAX_CHECKS {
            // The last line start at or before `p`.
            let nl = b[lo..p].iter().rposition(|&c| c == b'\n')?;
            let cand = lo + nl + 1;
            // Not every candidate is needed: a failed one steps back a part of the window, so a
            // text without cuts costs a few passes over it, not one per line.
            p = cand.saturating_sub(PROSE_WINDOW);
            let prose = b[cand - PROSE_WINDOW..cand]
                .iter()
                .filter(|&&c| is_prose(c))
                .count();
            if prose < MIN_PROSE {
                continue;
            }
            // A blob that ends the line before (an event row's last words) would void the cut by
            // rule 3, after the piece was analysed: not tried.
            if find_ci(&b[cand - TAIL_GUARD..cand], 0, MARKER).is_some() {
                continue;
            }
            if let Some(name) = inside_describe(text, cand) {
                // Every line start back to the describe's `Name:` line is inside it too: that
                // line is the next candidate (a step back of the whole window would pass over
                // the `Name:` line of a describe shorter than the window).
                p = name;
                continue;
            }
            checks += 1;
            if reads_apart(text, cand) {
                return Some(cand);
            }
        }
        None
    }
}

/// Whether `cut` falls between a `kubectl describe`'s `Name:` line and the end of its Events
/// table: an event there is read as that pod's, however far below its name it is (a describe
/// of a Confidential pod shows tens of KB of policy annotation in between), so no cut there.
/// Returns where that `Name:` line starts. A cut at a `Name:` line itself is not inside: the
/// describe before ends there (its table runs up to the next pod's name).
fn inside_describe(text: &str, cut: usize) -> Option<usize> {
    if text[cut..].starts_with("Name:") {
        return None;
    }
    let from = cut.saturating_sub(DESCRIBE_REACH);
    let from = (from..cut)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(cut);
    let before = &text[from..cut];
    let name = before
        .rmatch_indices("Name:")
        .map(|(i, _)| i)
        .find(|&i| i == 0 || before.as_bytes()[i - 1] == b'\n')?;
    let after_name = &before[name..];
    let Some(events) = after_name.find("\nEvents:") else {
        return Some(from + name);
    };
    // Still inside the table while every line since `Events:` is one of its indented rows.
    after_name[events + 1..]
        .lines()
        .skip(1)
        .all(|l| l.starts_with([' ', '\t']) && !l.trim().is_empty())
        .then_some(from + name)
}

/// Rule 2: `analyze` of the window around `cut` equals that of its two halves, merged.
fn reads_apart(text: &str, cut: usize) -> bool {
    let mut from = cut - REACH;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (cut + REACH).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let (left, right) = (&text[from..cut], &text[cut..to]);
    let mut halves = Merged::default();
    halves.push(analyze_piece(left), left);
    halves.push(analyze_piece(right), right);
    halves.analysis() == analyze(&text[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_around_blobs_is_cut_and_blobs_are_not() {
        let filler = "  Normal  Pulled  3s  kubelet  Successfully pulled image \"x\" in 1.2s (1.3s incl. waiting).\n";
        let blob = "E: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision\n";
        let text = format!(
            "{}{blob}{}{blob}{}",
            filler.repeat(400),
            filler.repeat(400),
            filler.repeat(400)
        );
        let mut s = Scanner::new();
        for chunk in text.as_bytes().chunks(4096) {
            s.feed(std::str::from_utf8(chunk).unwrap());
        }
        assert!(s.pieces() >= 4, "{} pieces", s.pieces());
        let pieces = s.pieces();
        let a = s.finish();
        assert_eq!(a, analyze(&text));
        assert_eq!(a.total_occurrences, 2, "{pieces}");
    }
}
