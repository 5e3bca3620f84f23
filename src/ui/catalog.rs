//! The knowledge catalog's text (every enforcement point and message with its meaning, causes,
//! fix and sources) is a data file beside the app, [`CATALOG_FILE`], not part of the wasm: it is
//! requested as soon as the app starts ([`request`]), precached by the service worker, and carried
//! inline by the single-file build (`<script type="text/plain" id="catalog">`). Until it is there
//! the findings say "Loading the explanations…" (the findings are found and counted already); a
//! failed download says so, with a retry. No card is made without it: a card made before would
//! call every message unknown.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api::{install_catalog, is_catalog_installed, CATALOG_FILE};
use super::data::{download, inline_text, Load};

/// The id of the single-file build's inline copy (tools/postbuild.py writes it).
const INLINE_ID: &str = "catalog";

thread_local! {
    // Reference-counted, not owned by a component: it outlives every view that reads it.
    static STATUS: ArcRwSignal<Load> = ArcRwSignal::new(if is_catalog_installed() {
        Load::Ready
    } else {
        Load::Idle
    });
}

fn status() -> ArcRwSignal<Load> {
    STATUS.with(Clone::clone)
}

/// Whether the catalog is there; the calling effect, memo or view runs again when that changes.
pub fn ready() -> bool {
    status().with(|s| *s == Load::Ready)
}

/// Where the catalog stands (tracked).
pub fn load() -> Load {
    status().get()
}

fn finish(result: Result<String, String>) {
    match result.and_then(|text| install_catalog(text).map_err(|e| e.to_string())) {
        Ok(()) => status().set(Load::Ready),
        Err(why) => status().set(Load::Failed(why)),
    }
}

/// Starts loading the catalog unless it is there or on its way: from the page's inline copy at
/// once, else by downloading [`CATALOG_FILE`] (again after a failure).
pub fn request() {
    let s = status();
    if is_catalog_installed() {
        if s.get_untracked() != Load::Ready {
            s.set(Load::Ready);
        }
        return;
    }
    if s.get_untracked() == Load::Loading {
        return;
    }
    if let Some(text) = inline_text(INLINE_ID) {
        finish(Ok(text));
        return;
    }
    s.set(Load::Loading);
    spawn_local(async { finish(download(CATALOG_FILE).await) });
}

/// In the findings while the catalog is not there: that the explanations are on their way, or
/// why they could not be loaded, with a retry.
#[component]
pub fn CatalogNotice() -> impl IntoView {
    move || {
        match load() {
        Load::Ready => ().into_any(),
        Load::Failed(why) => view! {
            <div class="notice warning catalog-unavailable" role="alert">
                <p>{format!("The explanations could not be loaded: they are a separate file, and {why}. The findings above were found and counted; check the connection and try again.")}</p>
                <button type="button" class="retry" on:click=|_| request()>"Try again"</button>
            </div>
        }
        .into_any(),
        _ => view! {
            <p class="loading catalog-loading" role="status" aria-busy="true">"Loading the explanations…"</p>
        }
        .into_any(),
    }
    }
}
