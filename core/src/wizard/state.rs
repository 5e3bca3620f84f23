//! The wizard's state machine: the answers given so far, and everything derived from them.
//!
//! A [`WizardState`] is the list of answers, each as (question id, answer id), in the order they
//! were given from the graph's start. The current node, the breadcrumb, the shareable link and
//! the Markdown summary are all functions of it. Every operation returns a new state; nothing is
//! mutated in place, so the UI can keep states in its history (browser Back/Forward) as they are.
//!
//! Link format ([`WizardState::encode`] / [`WizardState::decode`]): the answer ids joined by `.`,
//! e.g. `outbound-slow.v2.no`. Answer ids are kebab-case, so the text uses only `[a-z0-9-.]`
//! and needs no escaping in a URL fragment. The empty string is the first question. Question ids
//! are not in the link: following the answers from the start determines them. In the address
//! the answers follow [`ROUTE`]: `#wizard/outbound-slow.v2.no` ([`fragment`]).
//! [`WizardState::open`] reads such an address even when it is damaged: the notice to show and
//! the corrected address come with the state.
//! Answers that a pasted manifest gives ([`super::paste`]) are not in the link: the fragment
//! holds the answers taken, and what the paste says is derived from the paste each time.

use std::fmt;

use super::graph::{Answer, Graph, Node, Outcome, Question};

/// The separator between answer ids in [`WizardState::encode`].
pub const SEPARATOR: char = '.';

/// The first part of the wizard's address fragment: `#wizard` is the first question.
pub const ROUTE: &str = "wizard";

/// The address fragment (without `#`) of the wizard at `encoded` answers: `wizard` for none,
/// `wizard/<answers>` otherwise.
pub fn fragment(encoded: &str) -> String {
    if encoded.is_empty() {
        ROUTE.to_string()
    } else {
        format!("{ROUTE}/{encoded}")
    }
}

/// The answers given so far, from the start of the graph.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WizardState {
    /// (question id, answer id) for each step taken, in order.
    pub answers: Vec<(String, String)>,
}

/// One entry of the breadcrumb: a question that was answered and the answer given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailItem {
    /// Position in [`WizardState::answers`]; pass it to [`WizardState::jump_to`] to change this
    /// answer (the state then stands at this question again).
    pub index: usize,
    pub question_id: &'static str,
    pub question_title: &'static str,
    pub answer_id: &'static str,
    pub answer_label: &'static str,
}

/// Why an answer or a link could not be applied. `Display` gives a message fit for users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WizardError {
    /// [`WizardState::answer`] was called while the state stands at an outcome.
    AtOutcome {
        outcome_id: String,
        outcome_title: String,
    },
    /// [`WizardState::answer`] got an id that is not an answer of the current question.
    NotAnAnswer {
        question_id: String,
        question_title: String,
        answer: String,
    },
    /// A link part (1-based `step`) is empty or has characters an answer id never has.
    Malformed {
        step: usize,
        part: String,
        kept: WizardState,
    },
    /// A link part names no answer of the question reached at that step (an old or edited link).
    UnknownAnswer {
        step: usize,
        part: String,
        question_id: String,
        question_title: String,
        kept: WizardState,
    },
    /// The link goes on after reaching an outcome.
    PastOutcome {
        step: usize,
        part: String,
        outcome_title: String,
        kept: WizardState,
    },
}

impl WizardError {
    /// For link errors, the longest valid beginning of the link: the UI can show how far the
    /// link got (it stands at the question the bad part should have answered, or at the outcome
    /// reached). `None` for errors of [`WizardState::answer`].
    pub fn kept(&self) -> Option<&WizardState> {
        match self {
            WizardError::Malformed { kept, .. }
            | WizardError::UnknownAnswer { kept, .. }
            | WizardError::PastOutcome { kept, .. } => Some(kept),
            WizardError::AtOutcome { .. } | WizardError::NotAnAnswer { .. } => None,
        }
    }
}

impl fmt::Display for WizardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WizardError::AtOutcome { outcome_title, .. } => write!(
                f,
                "This step is already a result (“{outcome_title}”), so there is nothing to \
                 answer. Go back or change an earlier answer."
            ),
            WizardError::NotAnAnswer {
                question_title,
                answer,
                ..
            } => write!(
                f,
                "“{}” is not one of the answers to “{}”.",
                shorten(answer),
                plain(question_title)
            ),
            WizardError::Malformed { step, part, kept } if part.is_empty() => write!(
                f,
                "The link is damaged at step {step}: its answer is missing. {}",
                kept_note(kept)
            ),
            WizardError::Malformed { step, part, kept } => write!(
                f,
                "The link is damaged at step {step}: “{}” is not a valid answer code. {}",
                shorten(part),
                kept_note(kept)
            ),
            WizardError::UnknownAnswer {
                step,
                part,
                question_title,
                kept,
                ..
            } => write!(
                f,
                "The link doesn't match this version of the wizard: at step {step}, “{}” is not \
                 an answer to “{}”. {}",
                shorten(part),
                plain(question_title),
                kept_note(kept)
            ),
            WizardError::PastOutcome {
                step,
                part,
                outcome_title,
                ..
            } => write!(
                f,
                "The link goes on after its result (“{outcome_title}”): step {step} (“{}”) has \
                 no question to answer. Showing the result.",
                shorten(part)
            ),
        }
    }
}

impl std::error::Error for WizardError {}

/// What a wizard link opens ([`WizardState::open`]): the state to show, and for a damaged link
/// why it stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The state to show: the whole link, or its longest valid beginning.
    pub state: WizardState,
    /// Why the link wasn't followed to its end; `None` for a valid link.
    pub error: Option<WizardError>,
}

impl Opened {
    /// The notice for a damaged link (plain text), `None` for a valid one.
    pub fn notice(&self) -> Option<String> {
        self.error.as_ref().map(ToString::to_string)
    }

    /// For a damaged link, the fragment (without `#`) of the state shown, to put in the address
    /// bar in its place (browser history `replaceState`), so that reload, Share and bookmarks
    /// carry a link that works; `None` for a valid link.
    pub fn corrected_fragment(&self) -> Option<String> {
        self.error.as_ref().map(|_| fragment(&self.state.encode()))
    }
}

/// A title for a plain-text message: its `code` marks dropped.
fn plain(title: &str) -> String {
    title.replace('`', "")
}

fn kept_note(kept: &WizardState) -> String {
    match kept.answers.len() {
        0 => "Starting from the first question.".to_string(),
        1 => "Showing the first answer of the link.".to_string(),
        n => format!("Showing the first {n} answers of the link."),
    }
}

/// At most 40 characters of user-supplied text, control characters replaced, for messages.
fn shorten(s: &str) -> String {
    let mut out: String = s
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '�' } else { c })
        .collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl WizardState {
    /// The state at the first question (same as `WizardState::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Follows `answer_ids` from the start of `g`, validating each; the same rules and errors
    /// as [`WizardState::decode`].
    pub fn from_answers<'a>(
        g: &Graph,
        answer_ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, WizardError> {
        let mut state = WizardState::default();
        let mut node = g.start_node();
        for (i, part) in answer_ids.into_iter().enumerate() {
            let step = i + 1;
            if !is_id(part) {
                return Err(WizardError::Malformed {
                    step,
                    part: part.to_string(),
                    kept: state,
                });
            }
            match node {
                Node::Outcome(o) => {
                    return Err(WizardError::PastOutcome {
                        step,
                        part: part.to_string(),
                        outcome_title: o.title.to_string(),
                        kept: state,
                    })
                }
                Node::Question(q) => {
                    let next = q.answer(part).and_then(|a| g.node(a.next));
                    let Some(next) = next else {
                        return Err(WizardError::UnknownAnswer {
                            step,
                            part: part.to_string(),
                            question_id: q.id.to_string(),
                            question_title: q.title.to_string(),
                            kept: state,
                        });
                    };
                    state.answers.push((q.id.to_string(), part.to_string()));
                    node = next;
                }
            }
        }
        Ok(state)
    }

    /// The node reached by following the answers from the start: the question to answer next,
    /// or the outcome. A state built by hand with steps that don't fit the graph stops at the
    /// last node its valid beginning reaches (states made by this module always fit).
    pub fn current(&self, g: &Graph) -> &'static Node {
        let mut node = g.start_node();
        for (question_id, answer_id) in &self.answers {
            let next = match node {
                Node::Question(q) if q.id == question_id => {
                    q.answer(answer_id).and_then(|a| g.node(a.next))
                }
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// The current question, if the state stands at one.
    pub fn question(&self, g: &Graph) -> Option<&'static Question> {
        match self.current(g) {
            Node::Question(q) => Some(q),
            Node::Outcome(_) => None,
        }
    }

    /// The outcome, if the state has reached one.
    pub fn outcome(&self, g: &Graph) -> Option<&'static Outcome> {
        match self.current(g) {
            Node::Outcome(o) => Some(o),
            Node::Question(_) => None,
        }
    }

    /// The state after answering the current question with `answer_id`.
    pub fn answer(&self, g: &Graph, answer_id: &str) -> Result<WizardState, WizardError> {
        match self.current(g) {
            Node::Outcome(o) => Err(WizardError::AtOutcome {
                outcome_id: o.id.to_string(),
                outcome_title: o.title.to_string(),
            }),
            Node::Question(q) => match q.answer(answer_id) {
                Some(a) => {
                    let mut next = self.clone();
                    next.answers.push((q.id.to_string(), a.id.to_string()));
                    Ok(next)
                }
                None => Err(WizardError::NotAnAnswer {
                    question_id: q.id.to_string(),
                    question_title: q.title.to_string(),
                    answer: answer_id.to_string(),
                }),
            },
        }
    }

    /// The state one step back (the same state at the start).
    pub fn back(&self) -> WizardState {
        let mut prev = self.clone();
        prev.answers.pop();
        prev
    }

    /// The state with only the answers before `index` kept: it stands at the question answered
    /// at `index`, ready to be answered differently (the breadcrumb's "change this answer").
    /// An index past the end keeps every answer.
    pub fn jump_to(&self, index: usize) -> WizardState {
        WizardState {
            answers: self.answers[..index.min(self.answers.len())].to_vec(),
        }
    }

    /// The answer id given at `index`, e.g. to pre-select it after [`WizardState::jump_to`].
    pub fn answer_at(&self, index: usize) -> Option<&str> {
        self.answers.get(index).map(|(_, a)| a.as_str())
    }

    /// Number of answers given (the current step is `len() + 1`).
    pub fn len(&self) -> usize {
        self.answers.len()
    }

    /// True at the first question.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The breadcrumb: each answered question with the answer given. Steps that don't fit the
    /// graph (hand-built states only) end the trail.
    pub fn trail(&self, g: &Graph) -> Vec<TrailItem> {
        let mut items = Vec::with_capacity(self.answers.len());
        let mut node = g.start_node();
        for (index, (question_id, answer_id)) in self.answers.iter().enumerate() {
            let Node::Question(q) = node else { break };
            if q.id != question_id {
                break;
            }
            let Some(a) = q.answer(answer_id) else { break };
            items.push(TrailItem {
                index,
                question_id: q.id,
                question_title: q.title,
                answer_id: a.id,
                answer_label: a.label,
            });
            match g.node(a.next) {
                Some(n) => node = n,
                None => break,
            }
        }
        items
    }

    /// The link text for this state: answer ids joined by [`SEPARATOR`], only `[a-z0-9-.]`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (_, answer)) in self.answers.iter().enumerate() {
            if i > 0 {
                out.push(SEPARATOR);
            }
            out.push_str(answer);
        }
        out
    }

    /// Reads a link made by [`WizardState::encode`], checking every step against `g`.
    ///
    /// Surrounding whitespace is ignored; the empty string is the first question. On error the
    /// [`WizardError`] names the bad step and part, and carries the longest valid beginning
    /// ([`WizardError::kept`]) so the UI can show how far the link got.
    pub fn decode(g: &Graph, text: &str) -> Result<WizardState, WizardError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(WizardState::default());
        }
        WizardState::from_answers(g, text.split(SEPARATOR))
    }

    /// Reads the answers of a `#wizard/…` address ([`WizardState::decode`]'s text) for showing:
    /// a valid link opens as it is; a damaged one opens at its longest valid beginning, with the
    /// notice to show and the corrected address ([`Opened::corrected_fragment`]).
    pub fn open(g: &Graph, encoded: &str) -> Opened {
        match WizardState::decode(g, encoded) {
            Ok(state) => Opened { state, error: None },
            Err(e) => Opened {
                state: e.kept().cloned().unwrap_or_default(),
                error: Some(e),
            },
        }
    }

    /// The answer given before at the current question, when this state was reached from
    /// `from` by going back (Previous question, the browser's Back, the breadcrumb): `from`
    /// holds all of this state's answers and more. The UI marks that answer as the earlier
    /// choice. `None` when `from` doesn't continue this state or its answer doesn't fit.
    pub fn earlier_choice(&self, g: &Graph, from: &WizardState) -> Option<&'static Answer> {
        let (question_id, answer_id) = from.answers.get(self.len())?;
        if from.answers[..self.len()] != self.answers[..] {
            return None;
        }
        let q = self.question(g)?;
        (q.id == question_id).then(|| q.answer(answer_id)).flatten()
    }

    /// A Markdown summary for a ticket: the answers so far as a numbered list, then the outcome
    /// (observation, cause, fix, how to verify, caveats, sources) with commands in fenced code
    /// blocks, or the open question if no outcome is reached yet. Written by
    /// [`crate::report::markdown`] from [`super::doc::summary_doc`], like the
    /// findings' report.
    pub fn markdown(&self, g: &Graph) -> String {
        crate::report::markdown(&super::doc::summary_doc(self, g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::NETWORK;

    #[test]
    fn shorten_limits_and_cleans() {
        assert_eq!(shorten("a\u{7}b"), "a�b");
        assert_eq!(shorten(&"x".repeat(50)).chars().count(), 41);
    }

    #[test]
    fn hand_built_state_stops_at_its_valid_prefix() {
        let s = WizardState {
            answers: vec![
                ("symptom".into(), "outbound-slow".into()),
                ("nope".into(), "v2".into()),
            ],
        };
        assert_eq!(s.current(&NETWORK).id(), "generation");
        assert_eq!(s.trail(&NETWORK).len(), 1);
    }
}
