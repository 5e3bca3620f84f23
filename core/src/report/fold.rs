//! Folds for long cards on narrow screens. A known message's explanation has up to eight likely
//! causes, eight fix steps with commands and a dozen sources: on a 390-px phone its card was
//! about 6,000 px tall. [`fold_long_parts`] keeps the first cause and the first fix step in view
//! and puts the others, and the sources, behind a [`Block::Fold`] whose summary says how many
//! wait there. Only the screen folds, and only a narrow one: wide screens and print show every
//! part in place (app.css), and the Markdown of a ticket is the same as without the folds.

use super::{hint, plural, Block, Inline};

/// How many items of a list of causes or fix steps stay in view.
pub const SHOWN: usize = 1;

/// Folds, in `blocks` and the sections inside, every list of likely causes or fix steps longer
/// than [`SHOWN`] items after its first items, and every list of two or more sources whole.
pub fn fold_long_parts(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        let summary = match b {
            Block::Section { body, .. } => {
                fold_long_parts(body);
                continue;
            }
            Block::List { class, items, .. } if items.len() > SHOWN => {
                let rest = items.len() - SHOWN;
                match *class {
                    hint::CAUSES => plural(rest, "more cause", "more causes"),
                    hint::STEPS => plural(rest, "more step", "more steps"),
                    _ => continue,
                }
            }
            Block::Para { class, text } if *class == hint::SOURCES => {
                let links = text
                    .iter()
                    .filter(|i| matches!(i, Inline::Link { .. }))
                    .count();
                if links < 2 {
                    continue;
                }
                plural(links, "source", "sources")
            }
            _ => continue,
        };
        let body = std::mem::replace(b, Block::Badges(Vec::new()));
        *b = Block::Fold {
            summary,
            shown: SHOWN,
            body: Box::new(body),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{markdown, para, sources_block, steps};

    fn causes(n: usize) -> Block {
        Block::List {
            ordered: true,
            class: hint::CAUSES,
            items: (1..=n)
                .map(|i| vec![para(&format!("Cause {i}."))])
                .collect(),
        }
    }

    #[test]
    fn long_lists_and_sources_fold_and_short_ones_stay() {
        let mut doc = vec![Block::Section {
            class: hint::KNOWN_MESSAGE,
            body: vec![
                causes(7),
                steps([("One.", Some("az one")), ("Two.", None)].into_iter()),
                causes(1),
                sources_block(["https://a.example/x", "https://b.example/y"]),
                sources_block(["https://a.example/x"]),
                Block::List {
                    ordered: false,
                    class: hint::VALUES,
                    items: vec![vec![para("`a`")], vec![para("`b`")]],
                },
            ],
        }];
        let before = markdown(&doc);
        fold_long_parts(&mut doc);
        let Block::Section { body, .. } = &doc[0] else {
            panic!("{doc:?}")
        };
        let summaries: Vec<Option<&str>> = body
            .iter()
            .map(|b| match b {
                Block::Fold { summary, .. } => Some(summary.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            summaries,
            [
                Some("6 more causes"),
                Some("1 more step"),
                None,
                Some("2 sources"),
                None,
                None
            ]
        );
        // The Markdown of a ticket does not change.
        assert_eq!(markdown(&doc), before);
    }

    #[test]
    fn every_catalog_entry_keeps_its_markdown() {
        use crate::knowledge::{FORMATS, MESSAGES, REASONS};
        for e in MESSAGES.iter().chain(REASONS.iter()).chain(FORMATS.iter()) {
            let plain = crate::explain::entry_blocks(e);
            let mut folded = plain.clone();
            fold_long_parts(&mut folded);
            assert_eq!(markdown(&folded), markdown(&plain), "{}", e.id);
            if e.causes.len() > 1 {
                assert!(
                    folded.iter().any(|b| matches!(b, Block::Fold { .. })),
                    "{}",
                    e.id
                );
            }
        }
    }
}
