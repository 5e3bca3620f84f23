//! Fuzz targets for aci-triage. The properties each target checks live in `checks.rs`, which
//! `tests/fuzz_regressions.rs` in the main crate includes too, so the checked-in corpus
//! (`tests/fixtures/fuzz/<target>/`) is replayed with exactly the same assertions by `make test`.

pub mod checks;
