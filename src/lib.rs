//! aci-triage: decode and explain Confidential ACI `policyDecision` blobs, and troubleshoot
//! outbound networking of pods on AKS virtual nodes. Everything runs in the browser.
//!
//! Layout: [`decode`], [`knowledge`], [`wizard`] and [`share`] are pure logic (no browser APIs,
//! tested with plain `cargo test`); [`ui`] holds the thin Leptos components; [`App`] is the root.

// The pure core, re-exported under its module names so that `crate::decode` and the like read
// the same here as in the core crate.
pub use aci_triage_core::{decode, examples, explain, knowledge, report, share, wizard};
pub mod ui;

use leptos::prelude::*;
use ui::{DecoderState, Nav};

/// The root component. State is made here, read from the address once, and then changed only
/// by what the user does (see `ui::state`); [`ui::Views`] shows it.
#[component]
pub fn App() -> impl IntoView {
    let decoder = DecoderState::new();
    let nav = Nav::new();
    provide_context(decoder);
    provide_context(nav);
    // The policy reader lives as long as the app: the wizard reads the paste's answers from it
    // too, while the decoder is not shown.
    ui::provide_policy_reader(decoder);
    ui::route::start(decoder, nav);
    ui::route::listen(decoder, nav);
    decoder.follow();
    view! { <ui::Views /> }
}
