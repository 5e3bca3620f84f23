//! The Share control: builds a link whose state lives only in the fragment, copies it, shows it.
//! A decoder link carries the pod's CCE policy only when its own box is ticked (it names images
//! and registries; see `share::policy`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api::{link_base, PolicyPlaces, Shared, HOSTED_URL, WARN_LEN};
use super::browser;
use super::compress;
use super::copy::{Copier, CopyButton};
use super::policy::PolicyView;

/// What the panel shares: the state, for the state of the boxes ("include the full text",
/// "include the pod's policy"); `None` while it is not known yet (the policy reader has not
/// answered for this paste: its answer says what to leave out), and the link waits.
pub type MakeLink = Callback<(bool, bool), Option<Shared>>;

/// Where the policies are in `text`, as far as known: the policy reader's places when it has
/// answered for this very text; `None` while it has not (reading, or its answer is for an earlier
/// text: the link waits for it); without a reader (nothing worth reading, the single offline file,
/// a failed reader) the base64 policies found by their start ([`PolicyPlaces::guess`]).
pub fn policy_places(text: &str, reader: &PolicyView) -> Option<PolicyPlaces> {
    match reader {
        PolicyView::Reading => None,
        PolicyView::Ready(r) => r.places.fits(text).then(|| r.places.clone()),
        _ => Some(PolicyPlaces::guess(text)),
    }
}

/// What the panel says about the pod's policy, ticked or not.
pub fn policy_note(with_policy: bool) -> &'static str {
    if with_policy {
        "It also carries the pod's CCE policy and manifest, which name its images and registries."
    } else {
        "The pod's CCE policy is left out, because it names images and registries: the colleague sees the denials without the comparison with the policy, and a line that says you left it out. Tick the box to send it."
    }
}

/// A "Share" button that opens a panel with the link. `describe` says what the link contains
/// (for the current state of the boxes); `offer_full` shows the full-text box, `offer_policy`
/// (while true) the policy box, unticked at first.
///
/// The link is built a moment after the state changes (the browser compresses it, see
/// [`compress`]), and once the state is known (see [`MakeLink`]): meanwhile the field says
/// "Building the link…" and Copy is disabled, and only the build of the current state lands, so
/// neither the field nor Copy ever holds the link of an earlier state. The copy made on opening
/// waits for that link; a later link takes the "Copied" away (it was said of another link).
#[component]
pub fn SharePanel(
    make: MakeLink,
    #[prop(into)] describe: Callback<(bool, bool), String>,
    offer_full: bool,
    #[prop(optional, into)] offer_policy: Option<Signal<bool>>,
    label: &'static str,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let full = RwSignal::new(false);
    let with_policy = RwSignal::new(false);
    let policy_box = move || offer_policy.is_some_and(|s| s.get());
    // The box counts only while it is offered.
    let choice = move || (full.get(), with_policy.get() && policy_box());
    // From the offline file or a local copy the page's own address opens for nobody else: the
    // link starts with the published address when the build knows it, and the panel says so.
    let base = link_base(&browser::base_url(), HOSTED_URL);
    let reach_warning = base.warning();
    let base = base.best().to_string();
    // The state to share while the panel is open (inside: `None` while not known yet).
    let wanted = Memo::new(move |_| open.get().then(|| make.run(choice())));
    // The last build that landed: its state and its link (or why there is none).
    let built = RwSignal::new(None::<(Shared, Result<String, String>)>);
    // Counts builds: one that finds it changed was superseded and does not land.
    let builds = StoredValue::new(0u64);
    // Opening the panel also copies the link, once it is built.
    let copy_when_built = StoredValue::new(false);
    let copier = Copier::new();
    Effect::new(move |_| {
        let state = wanted.get();
        // Whatever is being built is for an earlier state.
        builds.update_value(|g| *g += 1);
        let Some(state) = state else {
            copy_when_built.set_value(false);
            return;
        };
        // Not known yet: the copy on opening waits for it.
        let Some(state) = state else {
            return;
        };
        let generation = builds.get_value();
        let base = base.clone();
        spawn_local(async move {
            let result = compress::encode(&state)
                .await
                .map(|fragment| format!("{base}#{fragment}"));
            // The panel may be gone by now, or the state changed again.
            if builds.try_get_value() != Some(generation) {
                return;
            }
            if copy_when_built.get_value() {
                copy_when_built.set_value(false);
                if let Ok(l) = &result {
                    copier.copy(l.clone());
                }
            } else {
                copier.forget();
            }
            built.set(Some((state, result)));
        });
    });
    // The link of the state shown, once built: never one of an earlier state.
    let result = Memo::new(move |_| {
        wanted.with(|w| {
            let w = w.as_ref()?.as_ref()?;
            built.with(|b| match b {
                Some((state, result)) if state == w => Some(result.clone()),
                _ => None,
            })
        })
    });
    let link = Signal::derive(move || match result.get() {
        Some(Ok(l)) => l,
        _ => String::new(),
    });
    let open_and_copy = move |_| {
        open.update(|o| *o = !*o);
        copy_when_built.set_value(open.get_untracked());
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
                    {move || policy_box().then(|| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || with_policy.get() on:change=move |ev| with_policy.set(event_target_checked(&ev)) />
                            " Include the pod's CCE policy (it names images and registries)"
                        </label>
                    })}
                    <p class="note">{move || describe.run(choice())}</p>
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
                        None => view! {
                            <label for="share-link">"Share link"</label>
                            <input id="share-link" type="text" readonly prop:value="" aria-busy="true"
                                placeholder="Building the link\u{2026}" />
                            <button type="button" class="copy" disabled>"Copy link"</button>
                            <span class="copy-status" role="status">"Building the link\u{2026}"</span>
                        }.into_any(),
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
