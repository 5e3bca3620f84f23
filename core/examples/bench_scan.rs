//! Host throughput of the scanner and decoder: `aci_triage_core::decode::analyze` over the 10 MB
//! benchmark paste (see tools/bench/gen.mjs), median of several runs, in MB/s (10^6 bytes); and
//! of the chunked analysis (`decode::stream::Scanner`, fed 256 KiB at a time as the app feeds
//! it): its MB/s, how many pieces it cut, and its longest single `feed` call.
//!
//! ```sh
//! cargo run --release --example bench_scan               # generates the paste with node
//! cargo run --release --example bench_scan -- FILE        # or reads it
//! cargo run --release --example bench_scan -- --json FILE # one JSON line (for tools/bench/run.mjs)
//! ```

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 15;
/// How much the app feeds the chunked analysis at a time (src/ui/progress.rs, `CHUNK`).
const FEED: usize = 256 * 1024;

fn main() {
    let mut json = false;
    let mut file = None;
    for a in std::env::args().skip(1) {
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
    let mb = text.len() as f64 / 1e6;
    let mbps = mb / median;
    if json {
        println!(
            "{{\"bytes\":{},\"findings\":{},\"occurrences\":{},\"runs\":{RUNS},\"median_ms\":{:.3},\"min_ms\":{:.3},\"mb_per_s\":{:.1},\"chunked_mb_per_s\":{:.1},\"pieces\":{pieces},\"longest_feed_ms\":{:.3}}}",
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
            "chunked (256 KiB feeds): median {:.1} ms = {:.0} MB/s, {pieces} pieces, longest feed {:.1} ms",
            chunked * 1e3,
            mb / chunked,
            longest_feed * 1e3
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
            let mut end = (at + FEED).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
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
