//! Replays the checked-in corpus of the `policy` fuzz target, `tests/fixtures/fuzz/policy/`,
//! through exactly the checks the target runs (`fuzz/src/policy_checks.rs`, included below), as
//! `fuzz_regressions.rs` does for the other targets. To add an input: copy it (for example from
//! `fuzz/artifacts/policy/`) into that folder.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::time::{Duration, Instant};

#[path = "../../fuzz/src/policy_checks.rs"]
mod policy_checks;

const MAX_PER_INPUT: Duration = Duration::from_secs(10);

#[test]
fn policy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/policy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "seed corpus in {}", dir.display());
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap();
        let t = Instant::now();
        if std::panic::catch_unwind(|| policy_checks::policy(&data)).is_err() {
            failed.push(format!("{}: panicked", path.display()));
        } else if t.elapsed() > MAX_PER_INPUT {
            failed.push(format!("{}: took {:?}", path.display(), t.elapsed()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} inputs failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

// Mutations of the seed corpus (byte flips, cuts, insertions), run on stable Rust in every
// `cargo test`; `make fuzz` with the `policy` target goes further.
use proptest::prelude::*;

fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/policy");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn mutated_seeds_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 0..12),
        cut in any::<usize>(),
    ) {
        let all = seeds();
        let mut data = all[pick % all.len()].clone();
        for (at, byte, op) in edits {
            if data.is_empty() {
                data.push(byte);
                continue;
            }
            let i = at % data.len();
            match op {
                0 => data[i] = byte,
                1 => data.insert(i, byte),
                _ => { data.remove(i); }
            }
        }
        if !data.is_empty() && cut % 3 == 0 {
            data.truncate(cut % data.len());
        }
        policy_checks::policy(&data);
    }
}
