//! A copy-to-clipboard button with a visible confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

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

/// A button that copies `text`. `label` names what is copied ("Copy command").
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, label: &'static str) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let on_click = move |_| {
        let t = text.get_untracked();
        spawn_local(async move {
            let ok = copy_text(&t).await;
            state.set(if ok {
                CopyState::Copied
            } else {
                CopyState::Failed
            });
            set_timeout(
                move || state.set(CopyState::Idle),
                Duration::from_millis(2500),
            );
        });
    };
    view! {
        <button type="button" class="copy" on:click=on_click data-state=move || match state.get() {
            CopyState::Idle => "idle",
            CopyState::Copied => "copied",
            CopyState::Failed => "failed",
        }>
            {label}
        </button>
        <span class="copy-status" role="status">
            {move || match state.get() {
                CopyState::Idle => "",
                CopyState::Copied => "Copied",
                CopyState::Failed => "Copy failed: select the text and press Ctrl+C",
            }}
        </span>
    }
}
