//! Hostile nesting must give a message, never a stack overflow (which aborts the WASM app like a
//! panic does). serde_json refuses more than 127 levels; everything the app does with what it
//! read (the decision model, the explanation, the pretty JSON, the Markdown) recurses at most
//! that deep.
//!
//! The WASM app has a 1 MiB stack (Rust's default for wasm32). These run the whole pipeline on a
//! thread with half of that. Measured for the 100 000-level pastes: an unoptimised build needs
//! between 384 and 512 KiB, an optimised one between 128 and 192 KiB (about 1.5 KiB a level).
#![cfg(not(target_arch = "wasm32"))]

use aci_triage_core::decode::{analyze, FindingKind};
use aci_triage_core::explain::finding_doc;
use aci_triage_core::report::markdown;
use base64::Engine as _;

const STACK: usize = 512 * 1024;

fn blob(json: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(json);
    format!("container creation denied due to policy: policyDecision< {b64} >policyDecision")
}

/// The Markdown of the paste's only finding, computed on a thread with a small stack.
fn markdown_on_small_stack(paste: String) -> String {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let a = analyze(&paste);
            assert_eq!(a.findings.len(), 1);
            markdown(&finding_doc(&a.findings[0], "f"))
        })
        .expect("thread")
        .join()
        .expect("no panic")
}

#[test]
fn a_hundred_thousand_levels_give_a_message() {
    for open in ["[", "{\"a\":", "[{\"a\":"] {
        let md = markdown_on_small_stack(blob(&open.repeat(100_000)));
        assert!(
            md.contains("is not valid JSON: nested too deeply"),
            "{open}: {}",
            &md[..md.len().min(2000)]
        );
    }
}

#[test]
fn the_deepest_document_read_is_explained() {
    // 126 levels inside the decision's input: read, tabulated, pretty-printed.
    let deep = format!("{}1{}", "[".repeat(124), "]".repeat(124));
    let json = format!(
        r#"{{"decision":"deny","input":{{"rule":"create_container","x":{deep}}},"extra":{deep}}}"#
    );
    let paste = blob(&json);
    let a = analyze(&paste);
    let FindingKind::Decision(d) = &a.findings[0].kind else {
        panic!("not a decision")
    };
    assert!(d.blob.json_problem.is_none(), "{:?}", d.blob.json_problem);
    assert!(d
        .blob
        .decision
        .as_ref()
        .is_some_and(|d| d.unknown.contains_key("extra")));
    let md = markdown_on_small_stack(paste);
    assert!(md.contains("Other fields"), "{md}");
    // One level more is refused, with its place.
    let too_deep = format!("{}1{}", "[".repeat(128), "]".repeat(128));
    let md = markdown_on_small_stack(blob(&too_deep));
    assert!(
        md.contains("nested too deeply (line 1, column 128)"),
        "{md}"
    );
}
