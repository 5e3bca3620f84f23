//! Thin Leptos components. All logic lives in the pure core; these only render it. Every value
//! from a paste is rendered as text, never parsed as HTML. Every view is Leptos's own; browser
//! APIs go through gloo, with handles that live as long as the component that made them.

mod api;
pub mod browser;
mod catalog;
mod chrome;
pub mod compress;
mod copy;
mod data;
mod decoder;
mod doc;
mod finding;
mod policy;
pub mod progress;
pub mod route;
mod share;
pub mod state;
pub mod wizard;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use crate::App;
pub use chrome::Views;
pub use copy::CopyButton;
pub use decoder::Decoder;
pub use policy::provide as provide_policy_reader;
pub use state::{DecoderState, Nav, Notice, Origin, Route};
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
            // The app lives as long as the page.
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
    if let Some(body) = doc.body() {
        let _ = body.class_list().add_1("app-ready");
    }
}

/// Keeps `handle` (an event listener, a timer) until the current component is cleaned up, then
/// drops it, which removes the listener or cancels the timer.
pub fn owned<T: 'static>(handle: T) {
    // What a component stores is dropped when the component is cleaned up.
    let _ = StoredValue::new_local(handle);
}

/// Runs `f` with the element each time `node` is connected to one (after it is in the page).
pub fn when_mounted<E>(node: NodeRef<E>, f: impl Fn(E::Output) + 'static)
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            untrack(|| f(el));
        }
    });
}

/// Gives the keyboard to `node`'s element when it appears, if `intent` names it (`mine`): the
/// handler that makes an element appear says where the keyboard goes, the element takes it.
pub fn focus_on_mount<E, K>(node: NodeRef<E>, intent: StoredValue<Option<K>>, mine: K)
where
    E: leptos::html::ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
    K: PartialEq + Send + Sync + 'static,
{
    when_mounted(node, move |el| {
        if intent.with_value(|i| i.as_ref() == Some(&mine)) {
            intent.set_value(None);
            let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
        }
    });
}

/// "1 time" / "3 times" style counts: the document model's own.
pub use crate::report::plural;

/// "10.4 MB" without floating point (float formatting costs kilobytes of WASM).
pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}
