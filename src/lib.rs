//! aci-triage: decode and explain Confidential ACI `policyDecision` blobs, and troubleshoot
//! outbound networking of pods on AKS virtual nodes. Everything runs in the browser.
//!
//! Layout: [`decode`], [`knowledge`], [`wizard`] and [`share`] are pure logic (no browser APIs,
//! tested with plain `cargo test`); [`ui`] holds the thin Leptos components; [`App`] is the root.

pub mod decode;
pub mod examples;
pub mod knowledge;
pub mod share;
pub mod ui;
pub mod wizard;

pub use ui::App;
