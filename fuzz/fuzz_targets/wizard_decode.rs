#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aci_triage_fuzz::checks::wizard_decode(data));
