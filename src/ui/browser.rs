//! Small wrappers around the browser APIs the app uses (location, history, storage). They never
//! panic: every failure is reported as `None`/`false`.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The fragment without the leading `#`.
pub fn hash() -> String {
    window()
        .location()
        .hash()
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// The whole address of this page.
pub fn href() -> String {
    window().location().href().unwrap_or_default()
}

/// The query without the leading `?`.
pub fn search() -> String {
    window()
        .location()
        .search()
        .map(|s| s.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

/// The address of this page without query or fragment.
pub fn base_url() -> String {
    let loc = window().location();
    let href = loc.href().unwrap_or_default();
    let end = href.find(['?', '#']).unwrap_or(href.len());
    href[..end].to_string()
}

fn url_with_hash(fragment: &str) -> String {
    let loc = window().location();
    let path = loc.pathname().unwrap_or_default();
    if fragment.is_empty() {
        // Keep the query out as well: state never lives there.
        path
    } else {
        format!("{path}#{fragment}")
    }
}

/// Replaces the current history entry's fragment (no new Back step, no hashchange event).
pub fn replace_hash(fragment: &str) {
    if let Ok(h) = window().history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url_with_hash(fragment)));
    }
}

/// Where a value is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// This tab only, across its reloads (`sessionStorage`): each tab has its own paste.
    Tab,
    /// This browser, for every tab (`localStorage`): preferences.
    Browser,
}

// Storage goes through the browser's own API, not gloo-storage: the app keeps plain strings,
// while gloo-storage stores JSON (serde_json: 9.8 KB gzip more, measured), changes the format of
// pastes already saved, and throws a JavaScript exception where storage is blocked, which
// `Window::local_storage` reports as an error instead.
fn storage(keep: Keep) -> Option<web_sys::Storage> {
    match keep {
        Keep::Tab => window().session_storage(),
        Keep::Browser => window().local_storage(),
    }
    .ok()
    .flatten()
}

/// The text kept under `key`.
pub fn load(keep: Keep, key: &str) -> Option<String> {
    storage(keep)?.get_item(key).ok().flatten()
}

/// Stores a value; false when storage is unavailable or full.
pub fn save(keep: Keep, key: &str, value: &str) -> bool {
    storage(keep).is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn remove(keep: Keep, key: &str) {
    if let Some(s) = storage(keep) {
        let _ = s.remove_item(key);
    }
}
