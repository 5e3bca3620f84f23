//! The network troubleshooting wizard. The graph and the state machine are pure
//! (`crate::wizard`); this only renders them. Every step is a fragment (`#wizard/<answers>`), so
//! Back/Forward, reload and links reproduce it: the answers are links, and the address leads.
//!
//! What a pasted manifest answers ([`crate::wizard::paste`]) is marked at each question it
//! decides ("from your paste", with the annotation and value), with a link that takes those
//! answers; the address holds only answers, so a pre-answered step is the step itself plus what
//! the paste (restored from storage on a reload) says.
//!
//! Each step is its own component (see `chrome::Views`, keyed by the answers): moving to another
//! step replaces the whole step, so nothing of one step can stay on screen in the next.
//!
//! The graph is not in the first download: it is a data file beside index.html
//! ([`NETWORK_FILE`]), fetched when the wizard is first needed ([`request`]) or, after the app
//! has started, when the browser is idle ([`prefetch_when_idle`]). The single-file build carries
//! it inline (`<script type="application/json" id="wizard-graph">`), read before any fetch. Until
//! it is there the wizard says "Loading the wizard…"; a failed download says so, with a retry.

use std::sync::OnceLock;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use super::api::{
    inlines, load_graph, outcome_doc, paste_doc, pre_answer, question_doc, Facts, Graph, Node,
    Shared, WizardState, NETWORK_FILE,
};
use super::copy::CopyButton;
use super::data::{download, inline_text, Load};
use super::route::wizard_fragment;
use super::share::SharePanel;
use super::state::Nav;
use super::when_mounted;

/// The id of the single-file build's inline copy of the graph (tools/postbuild.py writes it).
const INLINE_ID: &str = "wizard-graph";

/// Where the wizard's graph stands.
pub type GraphLoad = Load;

/// The graph, once loaded: read once per page, kept for its life.
static GRAPH: OnceLock<Graph> = OnceLock::new();

thread_local! {
    // Reference-counted, not owned by a component: it outlives every view that reads it.
    static STATUS: ArcRwSignal<GraphLoad> = ArcRwSignal::new(GraphLoad::Idle);
}

fn status() -> ArcRwSignal<GraphLoad> {
    STATUS.with(Clone::clone)
}

/// The graph, if it has been loaded (not reactive: see [`graph_tracked`]).
pub fn graph() -> Option<&'static Graph> {
    GRAPH.get()
}

/// The graph, if loaded; the calling effect or view runs again when it arrives.
pub fn graph_tracked() -> Option<&'static Graph> {
    status().track();
    graph()
}

/// Reads a graph's data file and makes it the wizard's graph (the first one stays).
pub fn install(json: &str) -> Result<&'static Graph, String> {
    if let Some(g) = graph() {
        return Ok(g);
    }
    let loaded = load_graph(json).map_err(|e| e.to_string())?;
    let g = GRAPH.get_or_init(|| loaded);
    status().set(GraphLoad::Ready);
    Ok(g)
}

fn finish(result: Result<String, String>) {
    match result.and_then(|json| install(&json).map(|_| ())) {
        Ok(()) => {}
        Err(why) => status().set(GraphLoad::Failed(why)),
    }
}

/// Starts loading the graph unless it is loaded or on its way: from the page's inline copy at
/// once, else by downloading [`NETWORK_FILE`] (again after a failure).
pub fn request() {
    let s = status();
    if graph().is_some() || s.get_untracked() == GraphLoad::Loading {
        return;
    }
    if let Some(json) = inline_text(INLINE_ID) {
        finish(Ok(json));
        return;
    }
    s.set(GraphLoad::Loading);
    spawn_local(async { finish(download(NETWORK_FILE).await) });
}

/// Loads the graph when the browser is next idle, so that opening the wizard later is instant.
/// A failure here stays quiet: opening the wizard tries again and says so if it fails.
pub fn prefetch_when_idle() {
    if graph().is_some() {
        return;
    }
    let start = wasm_bindgen::closure::Closure::once_into_js(request);
    let w = window();
    let idle = js_sys::Reflect::has(&w, &JsValue::from_str("requestIdleCallback")).unwrap_or(false);
    if idle {
        let _ = w.request_idle_callback(start.unchecked_ref());
    } else {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(start.unchecked_ref(), 2000);
    }
}

/// The wizard at `encoded` answers: the step once the graph is there ([`WizardStep`]), until
/// then "Loading the wizard…", or why the graph could not be loaded, with a retry. (Opening the
/// wizard's address asks for the graph: `route`.)
#[component]
pub fn WizardView(encoded: String) -> impl IntoView {
    let s = status();
    move || {
        match (graph_tracked(), s.get()) {
        (Some(g), _) => view! { <WizardStep g=g encoded=encoded.clone() /> }.into_any(),
        (None, GraphLoad::Failed(why)) => view! {
            <section class="wizard wizard-unavailable" aria-labelledby="wizard-title">
                <h2 id="wizard-title">"The wizard could not be loaded"</h2>
                <div class="notice warning" role="alert">
                    <p>{format!("The wizard's questions are a separate file, and {why}. Check the connection and try again. The decoder works without it.")}</p>
                    <button type="button" class="retry" on:click=|_| request()>"Try again"</button>
                </div>
            </section>
        }
        .into_any(),
        (None, _) => view! {
            <section class="wizard wizard-loading" aria-busy="true">
                <p class="loading" role="status">"Loading the wizard…"</p>
            </section>
        }
        .into_any(),
    }
    }
}

fn href(state: &WizardState) -> String {
    format!("#{}", wizard_fragment(&state.encode()))
}

/// Text with `inline code` spans.
fn rich(text: &str) -> Vec<AnyView> {
    super::doc::inlines(&inlines(text))
}

/// Links drawn as buttons (the answers, "Previous question", "Start over") also answer the Space
/// key, as buttons do; Enter already follows them.
fn space_clicks(ev: leptos::ev::KeyboardEvent) {
    if ev.key() == " " {
        ev.prevent_default();
        event_target::<web_sys::HtmlElement>(&ev).click();
    }
}

/// The wizard at one step of graph `g` (`encoded` answers, already checked by `route`: a damaged
/// link was corrected there, with its notice): the breadcrumb, the question or the result, the
/// actions. Coming back to a question (Back, a breadcrumb, "Previous question") marks the answer
/// chosen before ([`Nav::wizard_memory`]); everything else is what a fresh load of the step shows.
#[component]
fn WizardStep(g: &'static Graph, encoded: String) -> impl IntoView {
    // Never damaged here (route corrected it); a damaged one still shows its longest beginning.
    let state = WizardState::open(g, &encoded).state;
    let step = state.len() + 1;
    let nav = use_context::<Nav>();
    let earlier = nav
        .and_then(|n| {
            let memory = n.wizard_memory.get_untracked();
            state.earlier_choice(g, &WizardState::open(g, &memory).state)
        })
        .map(|a| a.id);

    // What the paste's manifests answer (the app's policy reader has it, for the current text).
    let watched = use_context::<super::policy::Watched>();
    let facts: Memo<Option<Facts>> = Memo::new(move |_| {
        watched.and_then(|w| w.0.with(|v| v.report().and_then(|r| r.wizard.clone())))
    });

    let trail = state.trail(g);
    let breadcrumb = (!trail.is_empty()).then(|| {
        let items = trail
            .into_iter()
            .map(|t| {
                let to = href(&state.jump_to(t.index));
                let (qid, aid) = (t.question_id, t.answer_id);
                let mark = move || {
                    let p = facts.get().and_then(|f| pre_answer(&f, qid))?;
                    let text = if p.answer == aid {
                        " \u{2014} from your paste"
                    } else {
                        " \u{2014} your paste says otherwise"
                    };
                    Some(view! { <span class="paste-mark" title=p.because>{text}</span> })
                };
                view! {
                    <li>
                        <a href=to title="Change this answer">
                            <span class="q">{rich(t.question_title)}</span>
                            " "
                            <span class="a">{rich(t.answer_label)}</span>
                            {mark}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <nav class="trail" aria-label="Your answers">
                <h3 class="visually-hidden">"Your answers"</h3>
                <ol>{items}</ol>
            </nav>
        }
    });

    let answers_text = state.encode();
    let share = Callback::new(move |_: (bool, bool)| {
        Some(Shared::Wizard {
            answers: answers_text.clone(),
        })
    });
    let describe = Callback::new(|_: (bool, bool)| {
        "The link carries only your answers to these questions: a colleague who opens it sees the same step.".to_string()
    });
    let markdown = state.markdown(g);
    let back = (!state.is_empty()).then(|| href(&state.back()));

    // The new step takes the keyboard when the user moved here (never on page load).
    let heading = NodeRef::<leptos::html::H3>::new();
    let navigated = nav.is_some_and(|n| n.navigated.get_untracked());
    when_mounted(heading, move |h| {
        if navigated {
            let _ = h.focus();
        }
    });

    let body = match state.current(g) {
        Node::Question(q) => {
            let suggested = Memo::new(move |_| {
                facts
                    .get()
                    .and_then(|f| pre_answer(&f, q.id))
                    .map(|p| p.answer)
            });
            let answers = q
                .answers
                .iter()
                .map(|a| {
                    let to = state.answer(g, a.id).map(|s| href(&s)).unwrap_or_default();
                    let before = earlier == Some(a.id);
                    let id = a.id;
                    let pre = move || suggested.get() == Some(id);
                    view! {
                        <li>
                            <a class="answer" class:unsure=a.unsure class:cant-run=a.cant_run class:earlier=before
                                class:from-paste=pre
                                aria-current=before.then_some("true") href=to on:keydown=space_clicks>
                                {rich(a.label)}
                            </a>
                        </li>
                    }
                })
                .collect_view();
            let here = state.clone();
            let from_paste = move || {
                let d = facts.with(|f| paste_doc(g, &here, f.as_ref()?, href))?;
                Some(super::doc::blocks(&d))
            };
            view! {
                <p class="progress">{format!("Question {step}")}</p>
                <h3 id="wizard-step" tabindex="-1" node_ref=heading>{rich(q.title)}</h3>
                <div class="doc">{super::doc::blocks(&question_doc(q))}</div>
                {from_paste}
                <h4 id="answers-label">"Your answer"</h4>
                <ul class="answers" aria-labelledby="answers-label">{answers}</ul>
            }
            .into_any()
        }
        Node::Outcome(o) => view! {
            <p class="progress">"Result"</p>
            <h3 id="wizard-step" tabindex="-1" node_ref=heading>{rich(o.title)}</h3>
            <div class="doc">{super::doc::blocks(&outcome_doc(o))}</div>
        }
        .into_any(),
    };

    view! {
        <section class="wizard" aria-labelledby="wizard-title">
            <h2 id="wizard-title">{g.title}</h2>
            {breadcrumb}
            <div class="step">{body}</div>
            <div class="actions wizard-actions">
                {back.map(|b| view! { <a class="button" href=b on:keydown=space_clicks>"Previous question"</a> })}
                <a class="button" href="#wizard" on:keydown=space_clicks>"Start over"</a>
                <CopyButton text=markdown label="Copy summary as Markdown" />
                <button type="button" on:click=move |_| { let _ = window().print(); }>"Print"</button>
                <SharePanel make=share describe=describe offer_full=false label="Share this step" />
            </div>
        </section>
    }
}
