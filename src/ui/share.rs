//! The Share control: builds a link whose state lives only in the fragment, copies it, shows it.

use leptos::prelude::*;

use super::api::{encode_share, link_base, Shared, HOSTED_URL, WARN_LEN};
use super::browser;
use super::copy::{Copier, CopyButton};

/// What the panel shares. `full` is the state of the "include the full text" box.
pub type MakeLink = Callback<bool, Result<String, String>>;

/// A "Share" button that opens a panel with the link. `describe` says what the link contains
/// (for the current state of the box); `offer_full` shows the box.
#[component]
pub fn SharePanel(
    make: MakeLink,
    #[prop(into)] describe: Callback<bool, String>,
    offer_full: bool,
    label: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let full = RwSignal::new(false);
    // From the offline file or a local copy the page's own address opens for nobody else: the
    // link starts with the published address when the build knows it, and the panel says so.
    let base = link_base(&browser::base_url(), HOSTED_URL);
    let reach_warning = base.warning();
    let base = base.best().to_string();
    let result = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        Some(
            make.run(full.get())
                .map(|fragment| format!("{base}#{fragment}")),
        )
    });
    let link = Signal::derive(move || match result.get() {
        Some(Ok(l)) => l,
        _ => String::new(),
    });
    // Opening the panel also copies the link; its "Copy link" button shows whether that worked.
    let copier = Copier::new();
    let open_and_copy = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            if let Some(Ok(l)) = result.get_untracked() {
                copier.copy(l);
            }
        }
    };
    view! {
        <div class="share">
            <button type="button" aria-expanded=move || open.get().to_string() on:click=open_and_copy>
                {label}
            </button>
            <Show when=move || open.get()>
                <div class="share-panel">
                    {offer_full.then(|| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || full.get() on:change=move |ev| full.set(event_target_checked(&ev)) />
                            " Include the full pasted text"
                        </label>
                    })}
                    <p class="note">{move || describe.run(full.get())}</p>
                    {reach_warning.clone().map(|w| view! { <p class="warn-text reach">{w}</p> })}
                    {move || match result.get() {
                        Some(Ok(l)) => {
                            let len = l.len();
                            let warn = (len > WARN_LEN).then(|| view! {
                                <p class="warn-text">{format!("This link is {len} characters long. Some chat tools and mail clients cut links longer than about {WARN_LEN} characters; if the colleague sees an \u{201c}incomplete\u{201d} message, send it as a file instead.")}</p>
                            });
                            view! {
                                <label for="share-link">"Share link"</label>
                                <input id="share-link" type="text" readonly prop:value=l.clone()
                                    on:focus=select_all />
                                <CopyButton text=link label="Copy link" copier=copier />
                                {warn}
                            }.into_any()
                        }
                        Some(Err(e)) => view! { <p class="warn-text" role="alert">{e}</p> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}

/// Selects the whole link when its field takes focus, ready to copy.
fn select_all(ev: leptos::ev::FocusEvent) {
    event_target::<web_sys::HtmlInputElement>(&ev).select();
}

/// The fragment for a state, with the encoder's refusal turned into a message.
pub fn fragment_for(state: &Shared) -> Result<String, String> {
    encode_share(state).map_err(|e| e.to_string())
}
