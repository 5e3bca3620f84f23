//! Copy to the clipboard with a visible confirmation. Buttons written by the document renderer
//! carry their text in `data-copy` and are served by one delegated click handler; `CopyButton`
//! is for text computed on click (reports, links).

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::Element;

/// Copies `text` to the clipboard: the async Clipboard API first, the old `execCommand` route
/// when that is missing or refused. Returns whether it worked.
pub async fn copy_text(text: &str) -> bool {
    let nav = window().navigator();
    let has_api = js_sys::Reflect::has(&nav, &"clipboard".into()).unwrap_or(false);
    if has_api {
        let promise = nav.clipboard().write_text(text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            return true;
        }
    }
    copy_with_selection(text)
}

fn copy_with_selection(text: &str) -> bool {
    let doc = document();
    let Ok(area) = doc.create_element("textarea") else {
        return false;
    };
    let Ok(area) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("class", "offscreen");
    let Some(body) = doc.body() else { return false };
    if body.append_child(&area).is_err() {
        return false;
    }
    area.select();
    let ok = doc
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    ok
}

/// Shows the outcome on `button` and in the status line after it, for a few seconds.
fn flash(button: Element, ok: bool) {
    let _ = button.set_attribute("data-state", if ok { "copied" } else { "failed" });
    let status = button
        .next_element_sibling()
        .filter(|s| s.class_list().contains("copy-status"));
    if let Some(s) = &status {
        s.set_text_content(Some(if ok {
            "Copied"
        } else {
            "Copy failed: select the text and press Ctrl+C"
        }));
    }
    set_timeout(
        move || {
            let _ = button.remove_attribute("data-state");
            if let Some(s) = status {
                s.set_text_content(None);
            }
        },
        Duration::from_millis(2500),
    );
}

fn copy_and_flash(button: Element, text: String) {
    spawn_local(async move {
        let ok = copy_text(&text).await;
        flash(button, ok);
    });
}

/// One click handler for every `button[data-copy]` in the page.
pub fn install() {
    let handle = window_event_listener(leptos::ev::click, |ev| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button[data-copy]").ok().flatten());
        if let Some(button) = button {
            let text = button.get_attribute("data-copy").unwrap_or_default();
            copy_and_flash(button, text);
        }
    });
    // The handler lives as long as the page.
    std::mem::forget(handle);
}

/// A button that copies `text` (read when clicked). `label` names what is copied.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, label: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="copy" on:click=move |ev| {
            let button = event_target::<Element>(&ev);
            copy_and_flash(button, text.get_untracked());
        }>{label}</button>
        <span class="copy-status" role="status"></span>
    }
}
