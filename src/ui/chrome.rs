//! The parts around the views. The view switcher, the privacy footer and the theme switch are
//! static HTML in index.html (the theme is handled by public/boot.js): no WASM needed beyond
//! marking the current view.

use super::state::{Notice, Route};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Marks the current view in the static view switcher of index.html.
pub fn mark_view(route: RwSignal<Route>) {
    Effect::new(move |_| {
        let wizard = matches!(route.get(), Route::Wizard(_));
        let Ok(links) = document().query_selector_all("nav.views a") else {
            return;
        };
        for i in 0..links.length() {
            let Some(link) = links
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let current = (i == 1) == wizard;
            let _ = if current {
                link.set_attribute("aria-current", "page")
            } else {
                link.remove_attribute("aria-current")
            };
        }
    });
}

#[component]
pub fn Notices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    move || {
        notices
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, n)| {
                view! {
                    <div class="notice" class:warning=n.warning role=if n.warning { "alert" } else { "status" }>
                        <p>{n.text}</p>
                        <button type="button" class="dismiss" aria-label="Dismiss this message"
                            on:click=move |_| notices.update(|v| { if i < v.len() { v.remove(i); } })>
                            "Dismiss"
                        </button>
                    </div>
                }
            })
            .collect_view()
    }
}
