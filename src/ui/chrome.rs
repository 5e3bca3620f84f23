//! The parts around the views: the view switcher and notices. (The privacy footer and the theme
//! switch are static HTML in index.html, handled by public/boot.js: no WASM needed.)

use super::browser;
use super::state::{Notice, Route};
use leptos::prelude::*;

#[component]
pub fn Nav(route: RwSignal<Route>) -> impl IntoView {
    let is_decoder = move || matches!(route.get(), Route::Decoder);
    view! {
        <nav class="views" aria-label="Views">
            <a href="#" aria-current=move || is_decoder().then_some("page")
                on:click=move |ev| {
                    // "#" alone would leave a bare fragment; go to the decoder explicitly.
                    ev.prevent_default();
                    if !is_decoder() {
                        browser::replace_hash("");
                        route.set(Route::Decoder);
                    }
                }>
                "Decode policy denials"
            </a>
            <a href="#wizard" aria-current=move || (!is_decoder()).then_some("page")>
                "Troubleshoot network latency"
            </a>
        </nav>
    }
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
