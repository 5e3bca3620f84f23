//! Replays the checked-in fuzz corpus, `tests/fixtures/fuzz/<target>/`, through exactly the
//! checks the fuzz targets run (`fuzz/src/checks.rs`, included below): inputs that once crashed,
//! hung or broke an invariant, and a few hundred small inputs that together reach most of the
//! code. A fixed bug that comes back fails here, in `make test`, without cargo-fuzz.
//!
//! To add an input: copy it (for example from `fuzz/artifacts/<target>/`) into the target's
//! folder; the file name does not matter.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../../fuzz/src/checks.rs"]
mod checks;

/// Far more than any input needs even unoptimised: a slower one is a regression to super-linear
/// time (the unclosed blob of many lines in the corpus took minutes before its fix).
const MAX_PER_INPUT: Duration = Duration::from_secs(10);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let mut failed = Vec::new();
    let files = inputs(target);
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(|| check(&data));
        let took = t.elapsed();
        if outcome.is_err() {
            failed.push(format!("{}: panicked (see above)", path.display()));
        } else if took > MAX_PER_INPUT {
            failed.push(format!("{}: took {took:?}", path.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

#[test]
fn scan_analyze() {
    replay("scan_analyze", checks::scan_analyze);
}

#[test]
fn decode_payload() {
    replay("decode_payload", checks::decode_payload);
}

#[test]
fn share_decode() {
    replay("share_decode", checks::share_decode);
}

#[test]
fn json() {
    replay("json", checks::json);
}

#[test]
fn wizard_decode() {
    replay("wizard_decode", checks::wizard_decode);
}
