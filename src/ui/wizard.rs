//! The network troubleshooting wizard. The graph and the state machine are pure
//! (`crate::wizard`); this only renders them. Every step is a fragment (`#wizard/<answers>`), so
//! Back/Forward, reload and links reproduce it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::rich;
use super::route::wizard_fragment;
use super::share::{fragment_for, SharePanel};
use super::CopyButton;
use crate::report::wizard::{outcome_doc, question_doc};
use crate::share::Shared;
use crate::wizard::{Node, WizardState, NETWORK};

fn href(state: &WizardState) -> String {
    format!("#{}", wizard_fragment(&state.encode()))
}

/// A container the document renderer fills.
fn doc_div(blocks: Vec<crate::report::Block>) -> impl IntoView {
    let div = NodeRef::<leptos::html::Div>::new();
    div.on_load(move |el| super::dom::append(&el, &blocks));
    view! { <div class="doc" node_ref=div></div> }
}

#[component]
pub fn WizardView(encoded: String) -> impl IntoView {
    let g = &NETWORK;
    let (state, error) = match WizardState::decode(g, &encoded) {
        Ok(s) => (s, None),
        Err(e) => (e.kept().cloned().unwrap_or_default(), Some(e.to_string())),
    };
    if let Some(last) = use_context::<super::state::LastWizard>() {
        last.0.set_value(state.encode());
    }
    let node = state.current(g);
    let step = state.len() + 1;

    let trail = state.trail(g);
    let breadcrumb = (!trail.is_empty()).then(|| {
        let items = trail
            .into_iter()
            .map(|t| {
                let to = href(&state.jump_to(t.index));
                view! {
                    <li>
                        <a href=to title="Change this answer">
                            <span class="q">{rich(t.question_title)}</span>
                            " "
                            <span class="a">{rich(t.answer_label)}</span>
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
    let share = Callback::new(move |_full: bool| {
        fragment_for(&Shared::Wizard {
            answers: answers_text.clone(),
        })
    });
    let describe = Callback::new(|_full: bool| {
        "The link carries only your answers to these questions: a colleague who opens it sees the same step.".to_string()
    });
    let markdown = state.markdown(g);
    let back = (!state.is_empty()).then(|| href(&state.back()));

    let body = match node {
        Node::Question(q) => {
            let answers = q
                .answers
                .iter()
                .map(|a| {
                    let to = state.answer(g, a.id).map(|s| href(&s)).unwrap_or_default();
                    view! { <li><a class="answer" class:unsure=a.unsure href=to>{rich(a.label)}</a></li> }
                })
                .collect_view();
            view! {
                <p class="progress">{format!("Question {step}")}</p>
                <h3 id="wizard-step" tabindex="-1">{rich(q.title)}</h3>
                {doc_div(question_doc(q))}
                <h4 id="answers-label">"Your answer"</h4>
                <ul class="answers" aria-labelledby="answers-label">{answers}</ul>
            }
            .into_any()
        }
        Node::Outcome(o) => view! {
            <p class="progress">"Result"</p>
            <h3 id="wizard-step" tabindex="-1">{rich(o.title)}</h3>
            {doc_div(outcome_doc(o))}
        }
        .into_any(),
    };

    // Move focus to the new step when the user navigated (never on page load).
    let moved = super::route::navigated();
    Effect::new(move |_| {
        if moved {
            request_animation_frame(|| {
                if let Some(el) = document().get_element_by_id("wizard-step") {
                    use wasm_bindgen::JsCast;
                    if let Ok(h) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = h.focus();
                    }
                }
            });
        }
    });

    view! {
        <section class="wizard" aria-labelledby="wizard-title">
            <h2 id="wizard-title">"Troubleshoot slow or failing outbound calls from pods on virtual nodes"</h2>
            {error.map(|e| view! { <p class="notice warning" role="alert">{e}</p> })}
            {breadcrumb}
            <div class="step">{body}</div>
            <div class="actions wizard-actions">
                {back.map(|b| view! { <a class="button" href=b>"Previous question"</a> })}
                <a class="button" href="#wizard">"Start over"</a>
                <CopyButton text=markdown label="Copy summary as Markdown" />
                <button type="button" on:click=move |_| { let _ = window().print(); }>"Print"</button>
                <SharePanel make=share describe=describe offer_full=false label="Share this step" />
            </div>
        </section>
    }
}

/// Links drawn as buttons (the wizard's answers, "Previous question", "Start over") also answer
/// the Space key, as buttons do; Enter already follows them.
pub fn install_space_keys() {
    let handle = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() != " " {
            return;
        }
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .filter(|t| t.matches("a.answer, a.button").unwrap_or(false));
        if let Some(link) = link {
            ev.prevent_default();
            link.click();
        }
    });
    // The handler lives as long as the page.
    std::mem::forget(handle);
}
