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
use ui::{DecoderState, Route};

/// The root component: the view switcher, notices, the current view and the footer.
#[component]
pub fn App() -> impl IntoView {
    let decoder = DecoderState::new();
    provide_context(decoder);
    provide_context(ui::state::LastWizard(StoredValue::new(String::new())));
    let route = RwSignal::new(Route::Decoder);
    let notices = RwSignal::new(Vec::new());
    ui::route::start(decoder, route, notices);
    ui::route::listen(decoder, route, notices);
    ui::install_copy();
    ui::install_space_keys();
    ui::mark_view(route);

    view! {
        <main id="main">
            <ui::Notices notices=notices />
            {move || match route.get() {
                Route::Decoder => view! { <ui::Decoder /> }.into_any(),
                Route::Wizard(answers) => view! { <ui::WizardView encoded=answers /> }.into_any(),
            }}
        </main>
    }
}
