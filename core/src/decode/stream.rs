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
//! 1. no trigger word ([`TRIGGERS`]: "polic", "decision", "mount constraint", in any case) occurs
//!    within [`MARGIN`] bytes either side. Every reader of the pipeline starts from one of them
//!    (a blob's opening marker, the other formats' anchors) and reads less than `MARGIN` bytes
//!    back (the wrapper sentence, host IDs, kubectl's count: 700–2000 bytes) or forward (a
//!    message's tail: 2000); so nothing found after the cut looks before it, and nothing found
//!    before it looks past it;
//! 2. the `MARGIN` bytes before `p` hold at least [`MIN_PROSE`] characters that a blob body never
//!    holds unescaped in bulk (`: , . " ( ) { } [ ]`). A closed body holds at most 8 characters
//!    that are not base64 and an unclosed one none, so no blob that opened before the window runs
//!    through it (a blob body can be megabytes long with no trigger word in it);
//! 3. after the piece before `p` is analysed, none of its findings ends within [`TAIL_GUARD`]
//!    bytes of `p`: a blob whose body ran up to the end of the piece (a reader that continues
//!    a blob over lines this rule does not know, say) voids the cut. The piece is then analysed
//!    again later as part of a longer one; the next cut is tried only twice as far on, so this
//!    costs at most as much again.
//!
//! Rule 3 is checked on `analyze`'s output; rules 1 and 2 assume what the readers look for (a
//! new reader anchored on another word, or one reading further than `MARGIN`, must be named here).
//! Text without safe cuts (megabytes of base64 without line breaks, a trigger word every few
//! kilobytes) is analysed as one piece: correct, only not in slices.

use std::collections::HashMap;

use super::group::finding_key;
use super::units::find_ci;
use super::{analyze, Analysis, Finding, FindingKind};

/// How far around a cut no trigger word may occur (see the module's rules).
pub const MARGIN: usize = 8 * 1024;
/// The words every reader starts from (lower case, matched ignoring ASCII case).
pub const TRIGGERS: &[&[u8]] = &[b"polic", b"decision", b"mount constraint"];
/// How many characters no blob body holds the `MARGIN` bytes before a cut must have.
pub const MIN_PROSE: usize = 32;
/// A finding that ends this close to a cut voids it.
pub const TAIL_GUARD: usize = 256;

/// Characters a blob body does not hold in bulk: none of them is base64, white space or part
/// of an escape that stands for either.
fn is_prose(c: u8) -> bool {
    matches!(
        c,
        b':' | b',' | b'.' | b'"' | b'(' | b')' | b'{' | b'}' | b'[' | b']'
    )
}

/// A resumable analysis of a text fed in chunks.
#[derive(Default)]
pub struct Scanner {
    /// Text fed but not analysed yet; it starts at a line start.
    pending: String,
    /// Byte offset of `pending` in the whole text.
    offset: usize,
    /// Line breaks before `pending`.
    lines: usize,
    /// Cut candidates in `pending[..searched]` were tried already.
    searched: usize,
    /// After a voided cut, the next one is tried only at or beyond this position in `pending`.
    retry_from: usize,
    findings: Vec<Finding>,
    keys: HashMap<String, usize>,
    total_occurrences: usize,
    pieces: usize,
}

impl Scanner {
    pub fn new() -> Scanner {
        Scanner::default()
    }

    /// Adds the next `chunk` of the text and analyses what can be cut off safely. Returns
    /// whether the findings changed (new ones, or more occurrences).
    pub fn feed(&mut self, chunk: &str) -> bool {
        self.pending.push_str(chunk);
        let mut changed = false;
        // One piece per call at most: the caller controls how much work a call does by the
        // size of its chunks.
        if let Some(cut) = self.find_cut() {
            let piece = analyze(&self.pending[..cut]);
            let last_end = piece
                .findings
                .iter()
                .flat_map(|f| f.occurrences.iter().map(|o| o.range.end))
                .max()
                .unwrap_or(0);
            if last_end + TAIL_GUARD > cut {
                // Rule 3: something may run on past the cut. Try further on, twice as far.
                self.retry_from = cut.saturating_mul(2);
            } else {
                changed = self.merge(piece);
                self.commit(cut);
            }
        }
        changed
    }

    /// Analyses the rest and returns the analysis of the whole text.
    pub fn finish(mut self) -> Analysis {
        if !self.pending.is_empty() {
            let piece = analyze(&self.pending);
            self.merge(piece);
            let len = self.pending.len();
            self.commit(len);
        }
        Analysis {
            findings: self.findings,
            total_occurrences: self.total_occurrences,
            input_len: self.offset,
        }
    }

    /// The findings so far (complete up to [`Scanner::analysed`]), in the order of the text.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// How many occurrences the findings so far have.
    pub fn total_occurrences(&self) -> usize {
        self.total_occurrences
    }

    /// The analysis so far, as [`analyze`] of the text up to [`Scanner::analysed`] would give it
    /// (only `input_len` is the length fed).
    pub fn snapshot(&self) -> Analysis {
        Analysis {
            findings: self.findings.clone(),
            total_occurrences: self.total_occurrences,
            input_len: self.fed(),
        }
    }

    /// Bytes fed so far.
    pub fn fed(&self) -> usize {
        self.offset + self.pending.len()
    }

    /// Bytes analysed so far (the rest waits for a safe cut or for [`Scanner::finish`]).
    pub fn analysed(&self) -> usize {
        self.offset
    }

    /// How many pieces were analysed so far.
    pub fn pieces(&self) -> usize {
        self.pieces
    }

    /// Drops the analysed piece `pending[..cut]`.
    fn commit(&mut self, cut: usize) {
        let piece = &self.pending.as_bytes()[..cut];
        self.lines += piece.iter().filter(|&&c| c == b'\n').count();
        self.offset += cut;
        self.pending.drain(..cut);
        self.searched = self.searched.saturating_sub(cut);
        self.retry_from = 0;
        self.pieces += 1;
    }

    /// Adds a piece's findings (positions relative to `pending`) to the findings so far.
    fn merge(&mut self, piece: Analysis) -> bool {
        let changed = !piece.findings.is_empty();
        for mut f in piece.findings {
            // Positions in the paste: occurrences, and the characters a blob's body skipped.
            if let FindingKind::Decision(d) = &mut f.kind {
                for (at, _) in &mut d.blob.invalid_chars {
                    *at += self.offset;
                }
            }
            for o in &mut f.occurrences {
                o.range.start += self.offset;
                o.range.end += self.offset;
                o.line += self.lines;
            }
            self.total_occurrences += f.occurrences.len();
            // Both lists are in the order of the text and every piece comes after the ones
            // before: a new finding goes last, as `analyze` orders them by first occurrence.
            match self.keys.get(&finding_key(&f.kind)) {
                Some(&i) => self.findings[i].occurrences.append(&mut f.occurrences),
                None => {
                    self.keys
                        .insert(finding_key(&f.kind), self.findings.len());
                    self.findings.push(f);
                }
            }
        }
        changed
    }

    /// The last safe cut in `pending` not tried before (rules 1 and 2), if any.
    fn find_cut(&mut self) -> Option<usize> {
        let len = self.pending.len();
        if len < 2 * MARGIN {
            return None;
        }
        let hi = len - MARGIN;
        let lo = self.searched.max(self.retry_from).max(MARGIN);
        self.searched = self.searched.max(hi);
        let b = self.pending.as_bytes();
        let mut p = hi;
        while p > lo {
            // The last line start at or before `p`.
            let nl = b[lo..p].iter().rposition(|&c| c == b'\n')?;
            let cand = lo + nl + 1;
            if let Some(t) = first_trigger(b, cand - MARGIN, cand + MARGIN) {
                // Every candidate whose window holds `t` fails as well.
                p = t.saturating_sub(MARGIN);
                continue;
            }
            let prose = b[cand - MARGIN..cand]
                .iter()
                .filter(|&&c| is_prose(c))
                .count();
            if prose >= MIN_PROSE {
                return Some(cand);
            }
            // Not every candidate is needed: step back a quarter window, so a text without
            // cuts costs a few passes over it, not one per line.
            p = cand.saturating_sub(MARGIN / 4);
        }
        None
    }
}

/// The first position where a trigger word overlaps `b[from..to]`.
fn first_trigger(b: &[u8], from: usize, to: usize) -> Option<usize> {
    let to = to.min(b.len());
    TRIGGERS
        .iter()
        .filter_map(|t| {
            let start = from.saturating_sub(t.len() - 1);
            find_ci(&b[..to], start, t)
        })
        .min()
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
