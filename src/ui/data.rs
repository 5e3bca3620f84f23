//! The data files beside the app (the catalog, the wizard's graph): each named by its content
//! hash, fetched after the app has started and precached by the service worker; the single-file
//! build carries them inline (`<script type="…" id="…">`), read before any fetch.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where a data file stands. Once `Ready`, it stays so for the life of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
    Idle,
    Loading,
    Ready,
    /// The download or the file failed; the message says why.
    Failed(String),
}

/// The single-file build's inline copy of a data file, if this page has one.
pub fn inline_text(id: &str) -> Option<String> {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.text_content())
}

/// The text of `url` (relative to the page), or why not, in words.
pub async fn download(url: &str) -> Result<String, String> {
    let offline =
        |_| "it could not be downloaded (is the network off, or the site unreachable?)".to_string();
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(url))
        .await
        .map_err(offline)?
        .dyn_into()
        .map_err(|_| "the browser gave no response".to_string())?;
    if !response.ok() {
        return Err(format!(
            "the server answered {} {} for {url}",
            response.status(),
            response.status_text()
        ));
    }
    let text = response.text().map_err(offline)?;
    JsFuture::from(text)
        .await
        .map_err(offline)?
        .as_string()
        .ok_or_else(|| "the download was not text".to_string())
}
