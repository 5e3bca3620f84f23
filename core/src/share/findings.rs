//! What a findings-only decoder link carries.
//!
//! The recipient must see the same cards as the sender: the same lines ("on line 53"), the
//! wrapper sentence and host details (container ID), repeat counts, decoding notes with their
//! positions. Rather than rebuild a text from the findings (which loses all of that), the link
//! carries the paste itself with everything the findings do not need replaced by spaces. Line
//! breaks and every byte position stay where they were, so the recipient's analysis is the
//! sender's — checked, not assumed: a stretch is blanked only when analysing the text without it
//! gives the same [`Analysis`]. Pod names, namespaces, node names and the rest of the event text
//! stay out unless a finding shows them, and a run of spaces costs almost nothing after deflate.
//!
//! The search treats `analyze` as a black box, so it stays right whatever the analysis learns to
//! read from the paste. Its cost is bounded; a paste too large to reduce in that budget is
//! shared as a [`summary`] instead (one line per finding, line numbers the summary's own).

use std::ops::Range;

use crate::decode::{analyze, Analysis, FindingKind};

/// How far before a finding the analysis is expected to read (the wrapper sentence, host details,
/// kubectl's repeat count on the same line). Only used to group the search; a wrong guess costs
/// time, not correctness: the final check reads the whole text.
const NEAR: usize = 1000;
/// Most work the search may do, in bytes analysed plus [`PER_ANALYSIS`] for each analysis: about
/// a tenth of a second of native code, enough for a hundred findings' occurrences near their
/// context. Beyond it the link falls back to the summary.
const WORK: usize = 4 << 20;
/// What one analysis costs besides its bytes (decoding its blobs), in bytes of text.
const PER_ANALYSIS: usize = 600;
/// Groups of at most this many tokens that the text needs are tried token by token: most of
/// what is left near a finding is needed, and halving those costs more than trying each.
const ONE_BY_ONE: usize = 8;

/// Bytes that carry layout, not content: kept as they are.
fn is_layout(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The paste with everything its findings do not need blanked, or `None` when that could not be
/// worked out within the budget (the caller shares a [`summary`] instead).
pub fn findings_only(source: &str) -> Option<String> {
    let want = analyze(source);
    let mut keep: Vec<Range<usize>> = want
        .findings
        .iter()
        .flat_map(|f| f.occurrences.iter().map(|o| o.range.clone()))
        .collect();
    crate::order::sort_by_rank(&mut keep, |r| r.start as u64);
    let tokens = tokens(source.as_bytes(), &keep);

    // Each token goes with the finding it comes right before, when it is near; the rest are far.
    let mut zones: Vec<(Range<usize>, Vec<Range<usize>>)> =
        keep.iter().map(|r| (r.clone(), Vec::new())).collect();
    let mut far = Vec::new();
    for t in tokens {
        let next = keep.partition_point(|r| r.start < t.end);
        match zones.get_mut(next) {
            Some((r, zone)) if t.end + NEAR >= r.start => zone.push(t),
            _ => far.push(t),
        }
    }

    let mut s = Search {
        source: source.as_bytes(),
        buf: source.as_bytes().to_vec(),
        work: WORK,
    };
    let whole = |buf: &[u8]| analysis_of(buf).as_ref() == Some(&want);
    let n = source.len() + PER_ANALYSIS;
    s.blank_unneeded(&far, &whole, n).ok()?;
    let after_far = s.buf.clone();

    // Near each finding, judge by the text around it alone (cheap), then check the whole. About
    // one analysis per token near a finding: give up at once when that cannot fit.
    let estimate: usize = zones
        .iter()
        .map(|(occ, zone)| {
            (zone.len().min(3 * ONE_BY_ONE) + 2) * (NEAR.min(occ.start) + PER_ANALYSIS)
        })
        .sum();
    if estimate > s.work {
        return None;
    }
    for (occ, zone) in &zones {
        let Some(first) = zone.first() else { continue };
        let from = excerpt_start(source.as_bytes(), first.start);
        let span = from..occ.end;
        let cost = span.len() + PER_ANALYSIS;
        s.spend(cost).ok()?;
        let before = analysis_of(&s.buf[span.clone()]);
        let local = |buf: &[u8]| analysis_of(&buf[span.clone()]) == before;
        // The lines before the finding's own line rarely matter: try them first, all at once.
        let line_start = excerpt_start(source.as_bytes(), occ.start).max(first.start);
        let split = zone.partition_point(|t| t.start < line_start);
        s.blank_unneeded(&zone[..split], &local, cost).ok()?;
        s.blank_unneeded(&zone[split..], &local, cost).ok()?;
    }
    s.spend(n).ok()?;
    if !whole(&s.buf) {
        // The analysis read something from farther away: redo the near parts judged as a whole.
        s.buf = after_far;
        for (_, zone) in &zones {
            s.blank_unneeded(zone, &whole, n).ok()?;
        }
    }
    String::from_utf8(s.buf).ok()
}

/// Maximal runs of content bytes outside `keep` (sorted). They start and end at ASCII bytes or at
/// the ends of `keep`'s ranges, so blanking one leaves valid UTF-8.
fn tokens(b: &[u8], keep: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut k = keep.iter().peekable();
    let mut i = 0;
    while i < b.len() {
        while k.peek().is_some_and(|r| r.end <= i) {
            k.next();
        }
        if let Some(r) = k.peek().filter(|r| r.start <= i) {
            i = r.end;
            continue;
        }
        if is_layout(b[i]) {
            i += 1;
            continue;
        }
        let stop = k.peek().map_or(b.len(), |r| r.start);
        let start = i;
        while i < stop && !is_layout(b[i]) {
            i += 1;
        }
        out.push(start..i);
    }
    out
}

/// Where the text read around a finding starts: the line holding `at`, at most [`NEAR`] bytes
/// further back.
fn excerpt_start(b: &[u8], at: usize) -> usize {
    let floor = at.saturating_sub(NEAR);
    b[floor..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(floor, |p| floor + p + 1)
}

fn analysis_of(buf: &[u8]) -> Option<Analysis> {
    std::str::from_utf8(buf).ok().map(analyze)
}

struct OutOfWork;

struct Search<'a> {
    source: &'a [u8],
    /// The text so far: the source with the tokens found unneeded blanked.
    buf: Vec<u8>,
    /// Bytes left to analyse.
    work: usize,
}

impl Search<'_> {
    fn spend(&mut self, n: usize) -> Result<(), OutOfWork> {
        self.work = self.work.checked_sub(n).ok_or(OutOfWork)?;
        Ok(())
    }

    /// Blanks `tokens`, keeping them blank if `same` still holds; returns whether it did.
    fn try_blank(
        &mut self,
        tokens: &[Range<usize>],
        same: &dyn Fn(&[u8]) -> bool,
        cost: usize,
    ) -> Result<bool, OutOfWork> {
        self.spend(cost)?;
        for t in tokens {
            self.buf[t.clone()].fill(b' ');
        }
        let ok = same(&self.buf);
        if !ok {
            for t in tokens {
                self.buf[t.clone()].copy_from_slice(&self.source[t.clone()]);
            }
        }
        Ok(ok)
    }

    /// Blanks every token of `tokens` the text does not need, halving groups that it does.
    /// `cost`: how many bytes one judgement by `same` analyses.
    fn blank_unneeded(
        &mut self,
        tokens: &[Range<usize>],
        same: &dyn Fn(&[u8]) -> bool,
        cost: usize,
    ) -> Result<(), OutOfWork> {
        if tokens.is_empty() || self.try_blank(tokens, same, cost)? || tokens.len() == 1 {
            return Ok(());
        }
        if tokens.len() <= ONE_BY_ONE {
            for t in tokens {
                self.try_blank(std::slice::from_ref(t), same, cost)?;
            }
            return Ok(());
        }
        let (a, b) = tokens.split_at(tokens.len() / 2);
        self.blank_unneeded(a, same, cost)?;
        self.blank_unneeded(b, same, cost)
    }
}

/// The older form of a findings-only link (all that version-1 links carry): each distinct finding
/// once, as its blob with the guest's wrapper sentence, or the recognised message itself, one per
/// line. Line numbers, host details and positions are the summary's own.
pub fn summary(source: &str, analysis: &Analysis) -> String {
    let mut lines: Vec<String> = Vec::with_capacity(analysis.findings.len());
    // Blobs cut off by a partial copy keep their missing end marker, so they go last.
    let mut open: Vec<String> = Vec::new();
    for f in &analysis.findings {
        let Some(first) = f.occurrences.first() else {
            continue;
        };
        let matched = source.get(first.range.clone()).unwrap_or_default();
        let line = match &f.kind {
            FindingKind::Decision(d) => {
                // Re-write the blob plainly, whatever escaping the paste used.
                let blob = if d.blob.closed {
                    format!("policyDecision< {} >policyDecision", d.blob.base64)
                } else {
                    format!("policyDecision< {}", d.blob.base64)
                };
                let line = match &d.wrapper {
                    Some(w) => format!("{}: {blob}", w.text),
                    None => blob,
                };
                if !d.blob.closed {
                    open.push(line);
                    continue;
                }
                line
            }
            FindingKind::Other(_) => matched.to_string(),
        };
        lines.push(line);
    }
    lines.extend(open);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_skip_layout_and_kept_ranges() {
        let text = b"ab  c\nd\xc3\xa9 KEEPf g";
        let keep = vec![10..12, 12..14];
        let t = tokens(text, &keep);
        assert_eq!(t, vec![0..2, 4..5, 6..9, 14..15, 16..17]);
    }

    #[test]
    fn excerpt_starts_at_the_line() {
        let text = b"one\ntwo three";
        assert_eq!(excerpt_start(text, 8), 4);
        assert_eq!(excerpt_start(text, 2), 0);
    }
}
