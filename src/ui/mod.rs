//! Thin Leptos components. All logic lives in the pure modules; these only render it.
//! Every value from a paste is rendered as text, never parsed as HTML.

mod copy;
mod decoder;
mod finding;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use copy::CopyButton;
pub use decoder::Decoder;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main id="main">
            <Decoder />
        </main>
    }
}

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

/// Renders text with `inline code` spans (backticks) as `<code>`; everything else as text.
pub fn rich(text: &str) -> impl IntoView + use<> {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_string();
            if i % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
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
