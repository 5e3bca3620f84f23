#![no_main]

#[path = "../src/policy_checks.rs"]
mod policy_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| policy_checks::policy(data));
