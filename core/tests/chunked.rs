//! A paste analysed in chunks ([`Scanner`]) gives exactly what `analyze` gives for the whole text:
//! every finding, its content, every occurrence's range, line and kubectl count, the totals. For
//! random chunk sizes, over every file of the fixture corpus (`core/tests/fixtures/**`, real
//! pastes included), over the whole corpus as one text, and over texts made to tempt a cut in
//! the wrong place.

use aci_triage_core::decode::stream::{Scanner, REACH};
use aci_triage_core::decode::{analyze, Analysis};
use std::path::{Path, PathBuf};

/// xorshift64*: small, seeded, good enough to pick chunk sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A chunk size from 1 byte to 128 KiB, every scale about as likely.
    fn chunk(&mut self) -> usize {
        let scale = 1usize << (self.next() % 18);
        scale + (self.next() as usize % scale)
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let name = p.strip_prefix(&root).unwrap().display().to_string();
            (name, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Feeds `text` in random chunks (cut at character boundaries); returns the analysis and how
/// many pieces the scanner analysed.
fn chunked(text: &str, rng: &mut Rng) -> (Analysis, usize) {
    let mut s = Scanner::new();
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + rng.chunk()).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        s.feed(&text[at..end]);
        assert_eq!(s.fed(), end);
        at = end;
    }
    let pieces = s.pieces();
    (s.finish(), pieces)
}

/// Compares finding by finding, so a failure names the first difference, not two huge dumps.
fn assert_same(got: &Analysis, want: &Analysis, what: &str) {
    for (i, (g, w)) in got.findings.iter().zip(&want.findings).enumerate() {
        assert_eq!(g, w, "{what}: finding {i} differs");
    }
    assert_eq!(
        got.findings.len(),
        want.findings.len(),
        "{what}: number of findings"
    );
    assert_eq!(got, want, "{what}");
}

#[test]
fn every_fixture_in_random_chunks() {
    let corpus = corpus();
    assert!(corpus.len() > 100, "the corpus is there");
    assert!(corpus.iter().any(|(n, _)| n.starts_with("real/")));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut found = 0;
    for (name, text) in &corpus {
        let want = analyze(text);
        found += want.total_occurrences;
        for round in 0..3 {
            let (got, _) = chunked(text, &mut rng);
            assert_same(&got, &want, &format!("{name}, round {round}"));
        }
    }
    assert!(found > 100, "the corpus has findings ({found})");
}

/// Lines like a `kubectl describe` events table: prose that a cut may go through.
fn filler(lines: usize, seed: usize) -> String {
    (0..lines)
        .map(|i| {
            format!(
                "  Normal   Pulled     {}s (x{} over 10m)   kubelet  Successfully pulled image \"mcr.microsoft.com/app:{}\" in 1.{}s.\n",
                i % 60,
                i % 7 + 2,
                seed,
                i % 10
            )
        })
        .collect()
}

#[test]
fn the_whole_corpus_as_one_text() {
    let corpus = corpus();
    // Fixtures end anywhere (some without a line break, some mid-blob); as they are and with
    // prose between them.
    let plain: String = corpus.iter().map(|(_, t)| t.as_str()).collect();
    let spaced: String = corpus
        .iter()
        .enumerate()
        .map(|(i, (_, t))| format!("{t}\n{}", filler(3 * REACH / 100, i)))
        .collect();
    for (what, text) in [("corpus", &plain), ("corpus with prose between", &spaced)] {
        let want = analyze(text);
        let mut rng = Rng(text.len() as u64 | 1);
        for round in 0..3 {
            let (got, pieces) = chunked(text, &mut rng);
            assert_same(&got, &want, &format!("{what}, round {round}"));
            if what != "corpus" {
                assert!(pieces > 100, "{what}: only {pieces} pieces");
            }
        }
    }
}

#[test]
fn no_cut_inside_a_long_blob_or_near_what_readers_read() {
    // A closed blob whose body is megabytes of base64 words separated by single spaces (a clean
    // body: the whole text closes it; a piece cut inside it would not).
    let words = "eyJkZWNpc2lv biI6ImRlbnki fQ ".repeat(40_000);
    let blob = format!(
        "Warning  Failed  3s (x4 over 1m)  kubelet  failed to create container 0123456789abcdef: container creation denied due to policy: policyDecision< {words}>policyDecision\n"
    );
    // An unclosed one whose base64 lines run over many windows.
    let open = format!(
        "Error: policyDecision< {}",
        "eyJkZWNpc2lvbiI6ImRlbnkifQ\n".repeat(4 * REACH / 27)
    );
    // A wrapper sentence and host IDs far (but not too far) before the blob, across lines.
    let far = format!(
        "failed to create container 0123456789abcdef0123: {}guest RPC failure: container creation denied due to policy: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision\n",
        "\n".repeat(600)
    );
    let text = [
        filler(1000, 1),
        blob,
        filler(1000, 2),
        open,
        filler(1000, 3),
        far,
        filler(1000, 4),
    ]
    .concat();
    let want = analyze(&text);
    assert_eq!(want.total_occurrences, 3);
    let mut rng = Rng(7);
    for round in 0..5 {
        let (got, pieces) = chunked(&text, &mut rng);
        assert!(pieces > 1, "{pieces} pieces");
        assert_same(&got, &want, &format!("round {round}"));
    }
}

#[test]
fn a_snapshot_shows_what_the_analysed_part_holds() {
    let blob = "E: policyDecision< eyJkZWNpc2lvbiI6ImRlbnkifQ== >policyDecision\n";
    let text = format!("{}{blob}{}", filler(200, 0), filler(2000, 0));
    let mut s = Scanner::new();
    let mut seen_early = false;
    for chunk in text.as_bytes().chunks(16 * 1024) {
        s.feed(std::str::from_utf8(chunk).unwrap());
        if s.fed() < text.len() && !s.findings().is_empty() {
            seen_early = true;
            let part = &text[..s.analysed()];
            assert_eq!(s.snapshot().findings, analyze(part).findings);
        }
    }
    assert!(seen_early, "the finding came before the end");
    assert_eq!(s.finish(), analyze(&text));
}

#[test]
fn describes_back_to_back_are_cut_at_their_names() {
    // `kubectl describe pod` of many Confidential pods, one after the other: each holds a long
    // policy annotation (no prose, no cut there) and an Events table that belongs to its name,
    // so the only safe cuts are at the `Name:` lines. The real fixture's describe is the model.
    let one = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describe-pod.txt"),
    )
    .unwrap();
    let text: String = (0..60)
        .map(|i| {
            let policy = format!("cGFja2FnZSBwb2xpY3kK{i:04}").repeat(700);
            let pod = one
                .replace("web-7d4b9c6f5-x2xkq", &format!("web-7d4b9c6f5-{i:05}"))
                .replace(
                    "cGFja2FnZSBwb2xpY3kKCmFwaV92ZXJzaW9uIDo9ICIwLjEwLjAiCg==",
                    &policy,
                );
            let pod = if pod.ends_with('\n') { pod } else { pod + "\n" };
            format!("{pod}{}", filler(20, i))
        })
        .collect();
    let want = analyze(&text);
    assert!(want.total_occurrences >= 60, "{}", want.total_occurrences);
    let mut s = Scanner::new();
    for chunk in text.as_bytes().chunks(64 * 1024) {
        s.feed(std::str::from_utf8(chunk).unwrap());
    }
    // Every cut the scanner made is at a `Name:` line, and there are many: the text is not
    // analysed as one piece at the end.
    let pieces = s.pieces();
    assert_eq!(s.line_breaks(), text.matches('\n').count());
    assert!(pieces >= 10, "only {pieces} pieces");
    assert_same(&s.finish(), &want, "describes");
}

#[test]
fn a_describe_whose_events_end_in_a_blob_does_not_hold_the_pieces_back() {
    // Pods back to back as `kubectl describe` prints them, every other one with a blob in its
    // last event row, the others with a few more rows after their blobs: the `Name:` line after
    // a blob is a cut that rule 3 voids (a finding ends right before it). The scanner must not
    // pick it and then wait twice as long for the next cut: whatever the chunk sizes, the text
    // not yet analysed stays under two feeds.
    let one = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/describe-pod.txt"),
    )
    .unwrap();
    let one = if one.ends_with('\n') { one } else { one + "\n" };
    let backoff = one.lines().last().unwrap().to_string() + "\n";
    assert!(backoff.contains("Back-off"), "{backoff}");
    let text: String = (0..900)
        .map(|i| {
            let pod = one.replace("web-7d4b9c6f5-x2xkq", &format!("web-7d4b9c6f5-{i:05}"));
            if i % 2 == 1 {
                pod.replace(&backoff, "")
            } else {
                pod + &filler(4, i)
            }
        })
        .collect();
    assert!(text.len() > 2_000_000, "{}", text.len());
    for (feed, first) in [
        (256 * 1024, 64 * 1024),
        (256 * 1024, 200_000),
        (512 * 1024, 128 * 1024),
        (512 * 1024, 300_000),
    ] {
        let mut s = Scanner::new();
        let mut at = 0;
        while at < text.len() {
            let end = (at + if at == 0 { first } else { feed }).min(text.len());
            s.feed(&text[at..end]);
            at = end;
            let waiting = s.fed() - s.analysed();
            assert!(
                waiting < 2 * feed,
                "{waiting} bytes wait after {at} fed ({feed}-byte feeds, the first {first})"
            );
        }
        if feed == 256 * 1024 {
            assert_same(&s.finish(), &analyze(&text), "describes ending in blobs");
        }
    }
}
