//! Thin Leptos components. All logic lives in the pure modules; these only render it.
//! Every value from a paste is rendered as text, never parsed as HTML.

pub mod browser;
mod chrome;
mod copy;
mod decoder;
mod dom;
mod finding;
pub mod route;
mod share;
pub mod state;
mod wizard;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use crate::App;
pub use chrome::{mark_view, Notices};
pub use copy::{install as install_copy, CopyButton};
pub use decoder::Decoder;
pub use state::{DecoderState, Notice, Origin, Route};
pub use wizard::install_space_keys;
pub use wizard::WizardView;

/// Mounts [`App`] into `#app` of the static shell (replacing its loading placeholder), or into
/// the body when there is no shell.
pub fn mount() {
    let doc = document();
    match doc
        .get_element_by_id("app")
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
    if let Some(body) = doc.body() {
        let _ = body.class_list().add_1("app-ready");
    }
}

/// Text with `inline code` spans (backticks) as `<code>`; everything else as text.
pub fn rich(text: &str) -> impl IntoView + use<> {
    crate::report::inlines(text)
        .into_iter()
        .map(|part| match part {
            crate::report::Inline::Code(c) => view! { <code>{c}</code> }.into_any(),
            other => crate::report::plain(std::slice::from_ref(&other)).into_any(),
        })
        .collect_view()
}

/// "1 time" / "3 times" style counts.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "10.4 MB" without floating point (float formatting costs kilobytes of WASM).
pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}
