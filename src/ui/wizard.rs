//! The network troubleshooting wizard. The graph and the state machine are pure
//! (`crate::wizard`); this only renders them. Every step is a fragment (`#wizard/<answers>`), so
//! Back/Forward, reload and links reproduce it: the answers are links, and the address leads.
//!
//! Each step is its own component (see `chrome::Views`, keyed by the answers): moving to another
//! step replaces the whole step, so nothing of one step can stay on screen in the next.

use leptos::prelude::*;

use super::api::{inlines, outcome_doc, question_doc, Node, Shared, WizardState, NETWORK};
use super::copy::CopyButton;
use super::route::wizard_fragment;
use super::share::{fragment_for, SharePanel};
use super::state::Nav;
use super::when_mounted;

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

/// The wizard at one step (`encoded` answers, already checked by `route`: a damaged link was
/// corrected there, with its notice): the breadcrumb, the question or the result, the actions.
/// Coming back to a question (Back, a breadcrumb, "Previous question") marks the answer chosen
/// before ([`Nav::wizard_memory`]); everything else is what a fresh load of the step shows.
#[component]
pub fn WizardView(encoded: String) -> impl IntoView {
    let g = &NETWORK;
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
            let answers = q
                .answers
                .iter()
                .map(|a| {
                    let to = state.answer(g, a.id).map(|s| href(&s)).unwrap_or_default();
                    let before = earlier == Some(a.id);
                    view! {
                        <li>
                            <a class="answer" class:unsure=a.unsure class:cant-run=a.cant_run class:earlier=before
                                aria-current=before.then_some("true") href=to on:keydown=space_clicks>
                                {rich(a.label)}
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="progress">{format!("Question {step}")}</p>
                <h3 id="wizard-step" tabindex="-1" node_ref=heading>{rich(q.title)}</h3>
                <div class="doc">{super::doc::blocks(&question_doc(q))}</div>
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
