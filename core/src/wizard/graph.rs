//! The shape of a troubleshooting graph: questions and outcomes as plain `&'static` data.
//!
//! A [`Graph`] is a list of [`Node`]s and the id of the first one. A node is either a
//! [`Question`] (one question, how to find the answer, and the possible [`Answer`]s, each naming
//! the node that comes next) or an [`Outcome`] (a result: observation → cause → fix → how to
//! verify, with caveats and sources). The data is written in `src/wizard/data/*.toml` and
//! checked by build.rs (`build/wizard.rs`), which refuses an unknown `next`, a missing field, a
//! cycle or an unreachable node, and writes it as a JSON data file; the app reads that file with
//! [`super::load`] (its texts leaked once into `&'static str`) when the wizard is first needed.
//! `tests/wizard.rs` checks the content (every path ends in an outcome, every outcome complete and
//! sourced …).
//!
//! Text conventions, for every prose field: plain sentences, `inline code` in backticks (the UI
//! renders it as `<code>`), no other markup. Commands and manifests go in [`Check::command`] and
//! [`Step::run`] (multi-line allowed) so the UI can offer a copy button; placeholders are written
//! `<like-this>`. [`Step`] is the catalog's fix step ([`crate::knowledge::Step`]).
//!
//! Ids are short, stable, kebab-case (`[a-z0-9]` words joined by `-`): answer ids appear in
//! shared links (see [`super::state::WizardState::encode`]), so renaming one breaks old links.

pub use crate::knowledge::Step;

/// A troubleshooting graph: its name, where it starts and all of its nodes.
#[derive(Debug)]
pub struct Graph {
    /// The view's short name, for the nav tab and links to it ("Troubleshoot networking").
    pub name: &'static str,
    /// What the view covers: the heading of the wizard and of its Markdown summary.
    pub title: &'static str,
    /// Id of the first question.
    pub start: &'static str,
    /// Every node, questions and outcomes, in reading order.
    pub nodes: &'static [Node],
}

/// One step of the wizard: a question to answer or a result to show.
#[derive(Debug)]
pub enum Node {
    Question(Question),
    Outcome(Outcome),
}

/// A question, with the checks that tell the user how to find the answer.
#[derive(Debug)]
pub struct Question {
    /// Stable kebab-case id, unique in the graph.
    pub id: &'static str,
    /// The question itself, one sentence.
    pub title: &'static str,
    /// Why it matters: what the answer tells us.
    pub intro: &'static str,
    /// How to find the answer: commands to run and how to read their output.
    pub checks: &'static [Check],
    /// The possible answers, in display order. Exactly one of them is the "I don't know" answer
    /// ([`Answer::unsure`]); it leads to a node that helps finding out, never to a dead end.
    /// Checks (`<id>-check`) also have an "I can't run commands" answer ([`Answer::cant_run`]).
    pub answers: &'static [Answer],
    /// https links backing the claims in `intro` and `checks` (may be empty for pure checks).
    pub sources: &'static [&'static str],
}

/// One way to find out the answer to a question.
#[derive(Debug)]
pub struct Check {
    /// What to do, in words.
    pub text: &'static str,
    /// The exact command (or manifest) to copy, if any.
    pub command: Option<&'static str>,
    /// How to read the output.
    pub meaning: &'static str,
}

/// One answer to a question and the node it leads to.
#[derive(Debug)]
pub struct Answer {
    /// Stable kebab-case id, unique within its question; appears in links.
    pub id: &'static str,
    /// What the user clicks.
    pub label: &'static str,
    /// Id of the next node.
    pub next: &'static str,
    /// True for the "I don't know" answer: it leads to a check (a question), or, from a check
    /// that can't be completed, on to the next question or to collecting data.
    pub unsure: bool,
    /// True for "I can't run commands": it leads straight to the result that says what data to
    /// ask for, instead of more questions that need kubectl or az.
    pub cant_run: bool,
}

/// A result: what was observed, why it happens, what to do, how to confirm it worked.
#[derive(Debug)]
pub struct Outcome {
    /// Stable kebab-case id, unique in the graph.
    pub id: &'static str,
    /// Short name of the finding.
    pub title: &'static str,
    /// What the user sees (the evidence that led here).
    pub observation: &'static str,
    /// Why it happens.
    pub cause: &'static str,
    /// What to do, in order.
    pub fix: &'static [Step],
    /// How to confirm the fix worked.
    pub verify: &'static [Step],
    /// Side effects and things to keep in mind (may be empty).
    pub caveats: &'static [&'static str],
    /// https links backing the observation, cause, fix and caveats.
    pub sources: &'static [&'static str],
}

impl Graph {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&'static Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }

    /// The question with this id (`None` for unknown ids and outcomes).
    pub fn question(&self, id: &str) -> Option<&'static Question> {
        self.node(id).and_then(Node::as_question)
    }

    /// The outcome with this id (`None` for unknown ids and questions).
    pub fn outcome(&self, id: &str) -> Option<&'static Outcome> {
        self.node(id).and_then(Node::as_outcome)
    }

    /// The first node. Falls back to the first listed node if `start` is unknown (the host tests
    /// make sure it is not). Panics only for a graph without nodes.
    pub fn start_node(&self) -> &'static Node {
        self.node(self.start)
            .unwrap_or_else(|| self.nodes.first().expect("a graph has at least one node"))
    }

    /// The most questions still to answer from node `id` until an outcome (0 for an outcome or an
    /// unknown id): the UI can show "step n of at most n + m".
    pub fn max_questions_from(&self, id: &str) -> usize {
        self.max_from(id, self.nodes.len())
    }

    fn max_from(&self, id: &str, budget: usize) -> usize {
        match self.node(id) {
            Some(Node::Question(q)) if budget > 0 => {
                1 + q
                    .answers
                    .iter()
                    .map(|a| self.max_from(a.next, budget - 1))
                    .max()
                    .unwrap_or(0)
            }
            _ => 0,
        }
    }
}

impl Node {
    pub fn id(&self) -> &'static str {
        match self {
            Node::Question(q) => q.id,
            Node::Outcome(o) => o.id,
        }
    }

    /// The question's text or the outcome's title.
    pub fn title(&self) -> &'static str {
        match self {
            Node::Question(q) => q.title,
            Node::Outcome(o) => o.title,
        }
    }

    pub fn as_question(&self) -> Option<&Question> {
        match self {
            Node::Question(q) => Some(q),
            Node::Outcome(_) => None,
        }
    }

    pub fn as_outcome(&self) -> Option<&Outcome> {
        match self {
            Node::Outcome(o) => Some(o),
            Node::Question(_) => None,
        }
    }

    pub fn is_outcome(&self) -> bool {
        matches!(self, Node::Outcome(_))
    }
}

impl Question {
    /// The answer with this id.
    pub fn answer(&self, id: &str) -> Option<&'static Answer> {
        self.answers.iter().find(|a| a.id == id)
    }

    /// The "I don't know" answer.
    pub fn unsure_answer(&self) -> Option<&'static Answer> {
        self.answers.iter().find(|a| a.unsure)
    }

    /// The "I can't run commands" answer, if this question has one.
    pub fn cant_run_answer(&self) -> Option<&'static Answer> {
        self.answers.iter().find(|a| a.cant_run)
    }
}
