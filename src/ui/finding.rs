//! One finding, explained: its document (built by the core's explain stage) rendered by the
//! document renderer into a card.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;

use super::api::{card_doc, card_heading_id, Analysis, Block, Inline};

/// A card as shown: its place in the list and its whole document. Two cards are the same exactly
/// when they show the same, so a list keyed by cards keeps an unchanged card (with whatever the
/// user opened in it) and makes a changed one anew.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub index: usize,
    pub doc: Arc<Vec<Block>>,
}

impl Card {
    /// The card of finding `index` of `a`.
    pub fn new(index: usize, a: &Analysis) -> Self {
        Card {
            index,
            doc: Arc::new(card_doc(a, index)),
        }
    }

    fn heading_id(index: usize) -> String {
        card_heading_id(index)
    }
}

/// A cheap hash consistent with equality: the place, the length and the title. Cards that
/// differ only further down share it, and equality tells them apart.
impl Hash for Card {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.index.hash(state);
        self.doc.len().hash(state);
        if let Some(Block::Heading { text, .. }) = self.doc.first() {
            for part in text {
                if let Inline::Text(t) | Inline::Code(t) | Inline::Strong(t) = part {
                    t.hash(state);
                }
            }
        }
    }
}

/// A finding's card. It takes the keyboard when it is the first of the cards "Show more" added
/// (`focus` holds that card's index until it is taken).
#[component]
pub fn FindingCard(card: Card, focus: StoredValue<Option<usize>>) -> impl IntoView {
    let article = NodeRef::<leptos::html::Article>::new();
    let index = card.index;
    super::focus_on_mount(article, focus, index);
    view! {
        <article class="finding" aria-labelledby=Card::heading_id(index) tabindex="-1" node_ref=article>
            {super::doc::blocks(&card.doc)}
        </article>
    }
}
