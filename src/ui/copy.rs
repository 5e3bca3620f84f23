//! Copy to the clipboard with a visible confirmation on the button and in the status line after
//! it, for a few seconds.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// How long "Copied" stays.
const SHOWN_MS: u32 = 2500;

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

/// The outcome of the last copy of one button, shown for a while. Its timer goes with it.
#[derive(Clone, Copy)]
pub struct Copier {
    outcome: RwSignal<Option<bool>>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
}

impl Copier {
    pub fn new() -> Self {
        Copier {
            outcome: RwSignal::new(None),
            timer: StoredValue::new_local(None),
        }
    }

    /// Takes the shown outcome away (what was copied is no longer what is shown).
    pub fn forget(self) {
        let _ = self.outcome.try_set(None);
        let _ = self.timer.try_set_value(None);
    }

    /// Copies `text` and shows whether it worked.
    pub fn copy(self, text: String) {
        spawn_local(async move {
            let ok = copy_text(&text).await;
            // The button may be gone by now (its card replaced): then there is nothing to show.
            if self.outcome.try_set(Some(ok)).is_none() {
                let clear = Timeout::new(SHOWN_MS, move || {
                    let _ = self.outcome.try_set(None);
                });
                // A new timer replaces (and so cancels) the one of an earlier click.
                let _ = self.timer.try_set_value(Some(clear));
            }
        });
    }
}

impl Default for Copier {
    fn default() -> Self {
        Self::new()
    }
}

/// A button that copies `text` (read when clicked), with its status line. `label` names what is
/// copied. `copier` lets the owner start a copy too (the share panel copies its link on opening).
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    label: &'static str,
    #[prop(optional)] copier: Option<Copier>,
) -> impl IntoView {
    let copier = copier.unwrap_or_default();
    let outcome = copier.outcome;
    view! {
        <button type="button" class="copy"
            data-state=move || outcome.get().map(|ok| if ok { "copied" } else { "failed" })
            on:click=move |_| copier.copy(text.get_untracked())>
            {label}
        </button>
        <span class="copy-status" role="status">
            {move || outcome.get().map(|ok| if ok { "Copied" } else { "Copy failed: select the text and press Ctrl+C" })}
        </span>
    }
}
