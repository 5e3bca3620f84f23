//! Wizard questions and outcomes as documents, for the generic renderer.

use super::{heading, inlines, para, para_class, sources_block, Block, Inline};
use crate::wizard::{Outcome, Question, Step};

fn steps(list: &[Step]) -> Block {
    super::steps(list.iter().map(|s| (s.text, s.run)))
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
                let mut reading = vec![Inline::Strong("Reading the output: ".into())];
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
