//! Host throughput of the scanner and decoder: `aci_triage_core::decode::analyze` over the 10 MB
//! benchmark paste (see tools/bench/gen.mjs), median of several runs, in MB/s (10^6 bytes); and
//! of the chunked analysis (`decode::stream::Scanner`, fed 1 MiB at a time as the app feeds
//! it): its MB/s, how many pieces it cut, and its longest single `feed` call.
//!
//! ```sh
//! cargo run --release --example bench_scan               # generates the paste with node
//! cargo run --release --example bench_scan -- FILE        # or reads it
//! cargo run --release --example bench_scan -- --json FILE # one JSON line (for tools/bench/run.mjs)
//! cargo run --release --example bench_scan -- --hostile   # hostile shapes at 2 and 8 MB
//! ```
//!
//! `--hostile` prints, for each shape that once made a stage slow (every byte a `{`, one long
//! line, a marker on every line, a prefix on every line …), the time at 2 MB and at 8 MB: linear
//! code takes about four times as long for the larger one (the `x` column), and the peak heap of
//! the 8 MB analysis per byte of input (`heap/B`). The plain run prints the peak heap per input
//! byte of `analyze` and of the chunked analysis too: an allocator that counts
//! (`tests/support/counting_alloc.rs`, shared with the hostile-input test) measures what the
//! analysis holds at its peak, beside the input itself.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;

/// The peak heap that `f` adds to what was allocated before it, per byte of `input` bytes.
fn heap_per_byte<T>(input: usize, f: impl FnOnce() -> T) -> f64 {
    let (out, peak) = counting_alloc::peak_of(f);
    std::hint::black_box(out);
    peak as f64 / input.max(1) as f64
}

const RUNS: usize = 15;
/// How much the app feeds the chunked analysis at a time (src/ui/progress.rs, `CHUNK`).
const FEED: usize = 1024 * 1024;

/// Where the feed that starts at `at` ends: `FEED` bytes on (a quarter of that for the first,
/// as the app feeds), or the end of the text, moved on to a character boundary.
fn feed_end(text: &str, at: usize) -> usize {
    let size = if at == 0 { FEED / 4 } else { FEED };
    let mut end = (at + size).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn main() {
    let mut json = false;
    let mut file = None;
    for a in std::env::args().skip(1) {
        if a == "--hostile" {
            return hostile();
        }
        if let Some(n) = a.strip_prefix("--slices=") {
            return slices(n.parse().expect("--slices=N: copies of the 10 MB paste"));
        }
        if a == "--json" {
            json = true;
        } else {
            file = Some(a);
        }
    }
    let text = match &file {
        Some(f) => std::fs::read_to_string(f).unwrap_or_else(|e| panic!("reading {f}: {e}")),
        None => generate(),
    };

    // One warm-up run, which also checks the paste decodes as the generator intended.
    let a = aci_triage_core::decode::analyze(&text);
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let a = aci_triage_core::decode::analyze(std::hint::black_box(&text));
            let s = t.elapsed().as_secs_f64();
            std::hint::black_box(a);
            s
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let (chunked, pieces, longest_feed) = chunked(&text, &a);
    let heap = heap_per_byte(text.len(), || aci_triage_core::decode::analyze(&text));
    let heap_chunked = heap_per_byte(text.len(), || {
        let mut s = aci_triage_core::decode::stream::Scanner::new();
        let mut at = 0;
        while at < text.len() {
            let end = feed_end(&text, at);
            s.feed(&text[at..end]);
            at = end;
        }
        s.finish()
    });
    let mb = text.len() as f64 / 1e6;
    let mbps = mb / median;
    if json {
        println!(
            "{{\"bytes\":{},\"findings\":{},\"occurrences\":{},\"runs\":{RUNS},\"median_ms\":{:.3},\"min_ms\":{:.3},\"mb_per_s\":{:.1},\"chunked_mb_per_s\":{:.1},\"pieces\":{pieces},\"longest_feed_ms\":{:.3},\"heap_per_byte\":{heap:.3},\"chunked_heap_per_byte\":{heap_chunked:.3}}}",
            text.len(),
            a.findings.len(),
            a.total_occurrences,
            median * 1e3,
            times[0] * 1e3,
            mbps,
            mb / chunked,
            longest_feed * 1e3
        );
    } else {
        println!(
            "analyze: {mb:.1} MB, {} findings ({} occurrences): median {:.1} ms of {RUNS} runs (min {:.1} ms) = {mbps:.0} MB/s",
            a.findings.len(),
            a.total_occurrences,
            median * 1e3,
            times[0] * 1e3
        );
        println!(
            "chunked (1 MiB feeds): median {:.1} ms = {:.0} MB/s, {pieces} pieces, longest feed {:.1} ms",
            chunked * 1e3,
            mb / chunked,
            longest_feed * 1e3
        );
        println!(
            "peak heap per input byte (beside the input): analyze {heap:.2}, chunked {heap_chunked:.2}"
        );
    }
}

/// The chunked analysis: median seconds, pieces, longest feed (seconds). Checks it equals `whole`.
fn chunked(text: &str, whole: &aci_triage_core::decode::Analysis) -> (f64, usize, f64) {
    use aci_triage_core::decode::stream::Scanner;
    let mut runs = Vec::new();
    let mut pieces = 0;
    let mut longest = 0f64;
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut s = Scanner::new();
        let mut at = 0;
        while at < text.len() {
            let end = feed_end(text, at);
            let f = Instant::now();
            s.feed(&text[at..end]);
            longest = longest.max(f.elapsed().as_secs_f64());
            at = end;
        }
        pieces = s.pieces();
        let f = Instant::now();
        let a = s.finish();
        longest = longest.max(f.elapsed().as_secs_f64());
        runs.push(t.elapsed().as_secs_f64());
        assert!(&a == whole, "the chunked analysis differs from analyze");
    }
    runs.sort_by(f64::total_cmp);
    (runs[RUNS / 2], pieces, longest)
}

/// Where the time of a big paste's sliced analysis goes, as the app runs it (src/ui/state.rs):
/// `times` copies of the 10 MB paste fed 1 MiB at a time; each feed timed, a snapshot of the
/// findings so far taken every 16 feeds (the app shows them about every 100 ms), the finish, and
/// the first page of cards' documents of the result.
fn slices(times: usize) {
    use aci_triage_core::decode::stream::Scanner;
    let text = generate().repeat(times);
    let mut s = Scanner::new();
    let mut feeds = Vec::new();
    let mut snaps: Vec<(usize, f64)> = Vec::new();
    let mut at = 0;
    let total = Instant::now();
    while at < text.len() {
        let end = feed_end(&text, at);
        let f = Instant::now();
        s.feed(&text[at..end]);
        feeds.push(f.elapsed().as_secs_f64() * 1e3);
        at = end;
        if feeds.len() % 16 == 0 {
            let f = Instant::now();
            let snap = std::hint::black_box(s.snapshot());
            snaps.push((snap.total_occurrences, f.elapsed().as_secs_f64() * 1e3));
        }
    }
    let f = Instant::now();
    let a = s.finish();
    let finish = f.elapsed().as_secs_f64() * 1e3;
    let all = total.elapsed().as_secs_f64() * 1e3;
    let f = Instant::now();
    let docs: Vec<_> = (0..a.findings.len().min(20))
        .map(|i| aci_triage_core::explain::card_doc(&a, i))
        .collect();
    let cards = f.elapsed().as_secs_f64() * 1e3;
    std::hint::black_box(docs);
    let mut sorted = feeds.clone();
    sorted.sort_by(f64::total_cmp);
    let sum: f64 = feeds.iter().sum();
    let (first_half, second_half) = feeds.split_at(feeds.len() / 2);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    println!(
        "{} MB in {} feeds: all {all:.0} ms; feeds {sum:.0} ms (median {:.2}, p99 {:.1}, longest {:.1} ms; mean of the first half {:.2}, of the second {:.2}); finish {finish:.1} ms",
        text.len() / 1_000_000,
        feeds.len(),
        sorted[sorted.len() / 2],
        sorted[sorted.len() * 99 / 100],
        sorted[sorted.len() - 1],
        mean(first_half),
        mean(second_half),
    );
    let snap_sum: f64 = snaps.iter().map(|s| s.1).sum();
    if let (Some(first), Some(last)) = (snaps.first(), snaps.last()) {
        println!(
            "snapshots: {} taken, {snap_sum:.0} ms in all; the first ({} occurrences) {:.2} ms, the last ({} occurrences) {:.2} ms",
            snaps.len(),
            first.0,
            first.1,
            last.0,
            last.1
        );
    }
    println!(
        "first page of card documents ({} cards, {} occurrences): {cards:.1} ms",
        a.findings.len().min(20),
        a.total_occurrences
    );
}

/// The 10 MB paste, from the one generator the browser benchmark uses too.
fn generate() -> String {
    let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/bench/gen.mjs");
    let out = Command::new("node")
        .arg(&gen)
        .arg("10mb")
        .output()
        .expect("running node (needed to generate the paste; or pass a file)");
    assert!(out.status.success(), "{} failed", gen.display());
    String::from_utf8(out.stdout).expect("the paste is UTF-8")
}

/// Shapes of paste that stress one stage each, made to about `len` bytes.
const HOSTILE: &[(&str, &str)] = &[
    ("every byte a {", "{"),
    ("one long line of base64", "eyJkZWNpc2lvbiI6ImRlbnkifQ"),
    ("a marker on every line", "policyDecision< eyJk\n"),
    ("markers split by a wrap", "policyDe\ncision<\n"),
    ("opening markers only", "policyDecision<"),
    ("decision keys, unclosed", "{\"decision\":\"deny\",["),
    ("escaped decision keys", "{\\\"decision\\\":\\\"deny\\\",["),
    ("a prefix on every line", "> // 2026-05-04T10:22:31Z x\n"),
    ("decoration on every line", "# ----\n"),
    (
        "a log header on every line",
        "Dec 01 10:21:33 aks-node kubelet[4521]: E1201 10:21:33.123456    4521 pod_workers.go:1298] x\n",
    ),
    ("deep JSON arrays", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"),
    ("deep JSON objects", "{\"decision\":{\"a\":{\"b\":[{\"c\":{\"d\":"),
    (
        "the format anchors",
        "policy permission framework_ mount constraints ",
    ),
];

fn hostile() {
    println!(
        "{:28} {:>9} {:>9} {:>5} {:>7}",
        "shape", "2 MB ms", "8 MB ms", "x", "heap/B"
    );
    for &(name, unit) in HOSTILE {
        let [small, large] = [2_000_000, 8_000_000].map(|len| {
            let text = unit.repeat(len / unit.len());
            (0..3)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(aci_triage_core::decode::analyze(&text));
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::MAX, f64::min)
        });
        let text = unit.repeat(8_000_000 / unit.len());
        let heap = heap_per_byte(text.len(), || aci_triage_core::decode::analyze(&text));
        println!(
            "{name:28} {:9.1} {:9.1} {:5.1} {heap:7.2}",
            small * 1e3,
            large * 1e3,
            large / small
        );
    }
}
