//! The policy reader: a second WebAssembly module, built by trunk as a worker (`data-type=
//! "worker"` in index.html, no-modules target) and loaded by `public/policy-worker.js` only when
//! a paste holds a CCE policy or a manifest. Reading policies and holding denials against them
//! costs more than a first visit may download, so it is not in the app's own module.
//!
//! One export: the paste in, its [`PolicyReport`](aci_triage_core::explain::policy::PolicyReport)
//! out as JSON, which the UI reads back into documents.

use wasm_bindgen::prelude::*;

/// Decodes `text`, reads its policies and manifests, and holds each denial against the policy.
#[wasm_bindgen]
pub fn analyze_policy(text: &str) -> String {
    aci_triage_core::explain::policy::analyze_json(text)
}

fn main() {}
