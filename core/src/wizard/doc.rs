//! Wizard questions, outcomes and the whole summary as documents, for the generic renderer and
//! the Markdown writer.

use super::{Graph, Node, Outcome, Question, Step, WizardState};
use crate::report::{heading, inlines, para, para_class, sources_block, text, Block, Inline};

fn steps(list: &[Step]) -> Block {
    crate::report::steps(list.iter().map(|s| (s.text, s.run)))
}

/// Why the question matters and how to find the answer (the answers themselves are links the UI
/// adds).
pub fn question_doc(q: &Question) -> Vec<Block> {
    let mut doc = vec![para_class("intro", q.intro)];
    if !q.checks.is_empty() {
        doc.push(heading(4, "How to find out"));
        let items = q
            .checks
            .iter()
            .map(|c| {
                let mut item = vec![para(c.text)];
                if let Some(cmd) = c.command {
                    item.push(Block::Command {
                        code: cmd.to_string(),
                    });
                }
                let mut reading = vec![
                    Inline::Strong("Reading the output:".into()),
                    Inline::Text(" ".into()),
                ];
                reading.extend(inlines(c.meaning));
                item.push(Block::Para {
                    class: "note",
                    text: reading,
                });
                item
            })
            .collect();
        doc.push(Block::List {
            ordered: false,
            class: "checks",
            items,
        });
    }
    if !q.sources.is_empty() {
        doc.push(sources_block(q.sources.iter().copied()));
    }
    doc
}

/// Observation → cause → fix → how to verify, then caveats and sources.
pub fn outcome_doc(o: &Outcome) -> Vec<Block> {
    let mut doc = vec![
        heading(4, "Observation"),
        para(o.observation),
        heading(4, "Cause"),
        para(o.cause),
        heading(4, "Fix"),
        steps(o.fix),
        heading(4, "How to verify"),
        steps(o.verify),
    ];
    if !o.caveats.is_empty() {
        doc.push(heading(4, "Keep in mind"));
        doc.push(Block::List {
            ordered: false,
            class: "caveats",
            items: o.caveats.iter().map(|c| vec![para(c)]).collect(),
        });
    }
    doc.push(sources_block(o.sources.iter().copied()));
    doc
}

/// The summary of a walk through the wizard, for a ticket (`WizardState::markdown`): the
/// graph's title, the answers given (question — **answer**), then the result with everything
/// [`outcome_doc`] shows, or the open question with why it matters.
pub fn summary_doc(state: &WizardState, g: &Graph) -> Vec<Block> {
    let mut doc = vec![heading(2, g.title)];
    let trail = state.trail(g);
    if trail.is_empty() {
        doc.push(para("No answers yet."));
    } else {
        doc.push(heading(3, "Answers"));
        let items = trail
            .iter()
            .map(|t| {
                let mut line = inlines(t.question_title);
                line.push(Inline::Text(" — ".into()));
                line.push(Inline::Strong(t.answer_label.into()));
                vec![Block::Para {
                    class: "",
                    text: line,
                }]
            })
            .collect();
        doc.push(Block::List {
            ordered: true,
            class: "trail",
            items,
        });
    }
    match state.current(g) {
        Node::Question(q) => {
            doc.push(heading(3, "Open question"));
            doc.push(para(q.title));
            doc.push(para(q.intro));
        }
        Node::Outcome(o) => {
            let mut title = text("Result: ");
            title.extend(inlines(o.title));
            doc.push(Block::Heading {
                level: 3,
                text: title,
                id: None,
            });
            doc.extend(outcome_doc(o));
        }
    }
    doc
}
