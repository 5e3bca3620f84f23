//! The pod's own CCE policy beside its denials (issue 13). Reading policies and holding denials
//! against them is a second WebAssembly module (`src/bin/policy.rs`), too large for a first
//! visit: it runs in a worker (`public/policy-worker.js`) started only when the paste may hold a
//! policy or a manifest ([`DecoderState::may_hold_policy`]), and answers with a report as JSON.
//!
//! Each request carries a generation number; only the answer to the newest request lands, so a
//! result for an older text never replaces a newer one. The report's comparisons go into the
//! denials' cards (a changed comparison makes a new card), its documents into cards of their own.

use std::sync::Arc;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use super::api::{policy_from_json, Analysis, FindingKind, PolicyReport};
use super::finding::Card;
use super::state::DecoderState;

/// The worker script (a copied file; it loads the reader's hashed files).
const WORKER_URL: &str = "policy-worker.js";
/// How many bytes of the text are copied into JavaScript per task for the reader.
const POST_SLICE: usize = 2 * 1024 * 1024;
/// Typing pauses this long before the reader is asked.
const PAUSE_MS: u32 = 250;
/// Said where no worker can load the reader: the single file opened from disk.
pub const OFFLINE_NOTE: &str = "This paste holds a CCE policy or a manifest. Reading the pod's policy (and comparing the denials with it) needs the hosted app, or this folder served by a web server: the single offline file does not include the policy reader. The denials are explained without it.";

/// The app's one policy reader, following the decoder's text ([`watch`] at the root): the
/// decoder shows its report, the wizard takes what the paste answers from it
/// (`wizard::paste`), the Share panel where the policy is.
#[derive(Clone, Copy)]
pub struct Watched(pub RwSignal<PolicyView>);

/// Starts the app's policy reader on the decoder's text and makes it the context's [`Watched`].
pub fn provide(st: DecoderState) {
    provide_context(Watched(watch(st)));
}

/// What the policy reader has for the current text.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyView {
    /// Nothing in the paste for it.
    Nothing,
    /// Loading the reader or reading (no earlier result to show meanwhile).
    Reading,
    Ready(Arc<PolicyReport>),
    /// The reader cannot run or failed: why.
    Unavailable(String),
}

impl PolicyView {
    pub fn report(&self) -> Option<&PolicyReport> {
        match self {
            PolicyView::Ready(r) => Some(r),
            _ => None,
        }
    }
}

/// The running worker and its listeners; the worker ends with it.
struct Reader {
    worker: web_sys::Worker,
    _message: EventListener,
    _error: EventListener,
    broken: StoredValue<bool>,
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

fn field(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

impl Reader {
    fn start(view: RwSignal<PolicyView>, generation: StoredValue<u64>) -> Result<Reader, String> {
        let worker = web_sys::Worker::new(WORKER_URL)
            .map_err(|_| "The policy reader could not be started in this browser.".to_string())?;
        let broken = StoredValue::new(false);
        let message = EventListener::new(&worker, "message", move |ev| {
            let Some(ev) = ev.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            let data = ev.data();
            let id = field(&data, "id").as_f64().unwrap_or(-1.0);
            // Only the answer to the newest request lands.
            if generation.try_get_value() != Some(id as u64) {
                return;
            }
            let next = match (field(&data, "json").as_string(), field(&data, "error").as_string()) {
                (Some(json), _) => match policy_from_json(&json) {
                    Some(r) if r.is_empty() => PolicyView::Nothing,
                    Some(r) => PolicyView::Ready(Arc::new(r)),
                    None => PolicyView::Unavailable("The policy reader's answer could not be read (a reader of another version of the app?). Reload the page.".into()),
                },
                (None, Some(e)) => {
                    PolicyView::Unavailable(format!("The pod's policy could not be read: {e}. The denials are explained without it."))
                }
                _ => return,
            };
            let _ = view.try_set(next);
        });
        let error = EventListener::new(&worker, "error", move |_| {
            broken.set_value(true);
            let _ = view.try_set(PolicyView::Unavailable(
                "The policy reader did not load (were its files blocked, or is the network off on a first visit?). The denials are explained without it.".into(),
            ));
        });
        Ok(Reader {
            worker,
            _message: message,
            _error: error,
            broken,
        })
    }

    /// Sends the text of request `id`, or one part of it (the worker reads it at the `last`).
    fn post(&self, id: u64, part: &JsValue, last: bool) {
        let msg = js_sys::Object::new();
        let key = if last { "text" } else { "part" };
        let _ = js_sys::Reflect::set(&msg, &"id".into(), &JsValue::from_f64(id as f64));
        let _ = js_sys::Reflect::set(&msg, &key.into(), part);
        let _ = self.worker.post_message(&msg);
    }
}

fn from_disk() -> bool {
    window().location().protocol().is_ok_and(|p| p == "file:")
}

/// Follows the decoder's text: asks the reader for each text worth reading (after a pause in
/// typing; a large text once its analysis has looked at all of it) and holds its newest answer.
/// The worker lives as long as the calling component.
pub fn watch(st: DecoderState) -> RwSignal<PolicyView> {
    let text = st.text;
    let view = RwSignal::new(PolicyView::Nothing);
    let generation = StoredValue::new(0u64);
    let reader = StoredValue::new_local(None::<Reader>);
    let pending = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        let worth = st.may_hold_policy();
        generation.update_value(|g| *g += 1);
        let id = generation.get_value();
        // A request not sent yet is for an older text.
        pending.set_value(None);
        if !worth {
            view.set(PolicyView::Nothing);
            return;
        }
        if from_disk() {
            view.set(PolicyView::Unavailable(OFFLINE_NOTE.into()));
            return;
        }
        if view.with_untracked(|v| !matches!(v, PolicyView::Ready(_))) {
            view.set(PolicyView::Reading);
        }
        pending.set_value(Some(Timeout::new(PAUSE_MS, move || {
            if reader.with_value(|r| r.as_ref().is_none_or(|r| r.broken.get_value())) {
                reader.set_value(None);
                match Reader::start(view, generation) {
                    Ok(r) => reader.set_value(Some(r)),
                    Err(e) => {
                        view.set(PolicyView::Unavailable(e));
                        return;
                    }
                }
            }
            // A large text goes to the worker in slices, one per task (a 50 MB copy into
            // JavaScript in one piece blocks the page for a long task).
            // Each part goes to the worker at once (it joins them), so no copy of the whole
            // text stays on this side.
            spawn_local(async move {
                let mut at = 0;
                loop {
                    // (`try_`: the view may be gone meanwhile.)
                    let part = text.try_with_untracked(|t| {
                        let end = super::progress::chunk_end_by(t, at, POST_SLICE);
                        // (The text is the one asked for: a change would have ended this.)
                        let part = JsValue::from_str(t.get(at..end)?);
                        Some((part, end, t.len()))
                    });
                    let Some(Some((part, end, len))) = part else {
                        return;
                    };
                    let last = end >= len;
                    let posted = reader
                        .try_with_value(|r| r.as_ref().map(|r| r.post(id, &part, last)).is_some());
                    if last || posted != Some(true) {
                        return;
                    }
                    at = end;
                    super::progress::yield_now().await;
                    // A newer text: its own request follows.
                    if generation.try_get_value() != Some(id) {
                        return;
                    }
                }
            });
        })));
    });
    // The pending timer and the reader (its worker terminated) go with the calling component.
    view
}

/// A finding's card with its comparison with the policy, when the reader has one.
pub fn card(index: usize, a: &Analysis, view: &PolicyView) -> Card {
    let mut c = Card::new(index, a);
    if let (Some(r), Some(FindingKind::Decision(d))) =
        (view.report(), a.findings.get(index).map(|f| &f.kind))
    {
        if let Some(extra) = r.comparison(&d.blob.base64) {
            Arc::make_mut(&mut c.doc).extend(extra.iter().cloned());
        }
    }
    c
}

/// The policy's own documents (the policy, the DNS risk, notes), each a card; or what the
/// reader is doing.
#[component]
pub fn PolicyDocs(view: RwSignal<PolicyView>) -> impl IntoView {
    let docs = Memo::new(move |_| {
        view.with(|v| match v {
            PolicyView::Ready(r) => r
                .documents
                .iter()
                .enumerate()
                .map(|(i, d)| Card {
                    index: i,
                    doc: Arc::new(d.clone()),
                })
                .collect(),
            _ => Vec::new(),
        })
    });
    let status = move || {
        view.with(|v| match v {
            PolicyView::Reading => Some(
                view! {
                    <p class="policy-status" role="status">"Reading the pod's policy…"</p>
                }
                .into_any(),
            ),
            PolicyView::Unavailable(why) => Some(
                view! {
                    <p class="policy-status note" role="status">{why.clone()}</p>
                }
                .into_any(),
            ),
            _ => None,
        })
    };
    let any = Memo::new(move |_| !matches!(view.get(), PolicyView::Nothing));
    // A region of its own after the findings: its documents arrive from the reader a moment
    // after the findings, and never change the findings' count.
    view! {
        <section class="policy-docs" aria-label="The pod's policy" hidden=move || !any.get()>
            {status}
            <For each=move || docs.get() key=|card| card.clone() let:card>
                <PolicyCard card=card />
            </For>
        </section>
    }
}

#[component]
fn PolicyCard(card: Card) -> impl IntoView {
    let id = match card.doc.first() {
        Some(super::api::Block::Heading { id: Some(id), .. }) => id.clone(),
        _ => format!("policy-doc-{}", card.index),
    };
    view! {
        <article class="finding policy-doc" aria-labelledby=id tabindex="-1">
            {super::doc::blocks(&card.doc)}
        </article>
    }
}
