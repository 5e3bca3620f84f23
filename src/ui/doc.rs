//! Renders a [`report`](crate::report) document as Leptos views: one model, two outputs (these
//! views, and the Markdown of a ticket), so the screen and the copied text never disagree.
//!
//! The views are Leptos's own: they are created with the component that shows them and removed
//! with it, so a document never lands in an element that still holds another. Every string
//! becomes a text node or an attribute value; nothing from a paste is ever parsed as HTML. All
//! elements are one generic element (its tag chosen at run time) with one set of optional
//! attributes, so the renderer is compiled once, not once per tag: that keeps the WASM small.

use leptos::prelude::*;

use super::api::{Block, Inline};
use super::copy::CopyButton;

/// The attributes a document's elements use; `None` leaves one out.
#[derive(Default)]
struct Attrs {
    class: &'static str,
    id: Option<String>,
    href: Option<String>,
    target: Option<&'static str>,
    scope: Option<&'static str>,
    tabindex: Option<&'static str>,
    kind: Option<&'static str>,
    start: Option<String>,
    open: bool,
}

fn class(class: &'static str) -> Attrs {
    Attrs {
        class,
        ..Attrs::default()
    }
}

fn el(tag: &'static str, a: Attrs, children: Vec<AnyView>) -> AnyView {
    leptos::html::custom(tag)
        .attr("class", (!a.class.is_empty()).then_some(a.class))
        .attr("id", a.id)
        .attr("href", a.href)
        .attr("target", a.target)
        .attr("scope", a.scope)
        .attr("tabindex", a.tabindex)
        .attr("data-kind", a.kind)
        .attr("start", a.start)
        .attr("open", a.open.then_some(""))
        .child(children)
        .into_any()
}

fn text(t: &str) -> AnyView {
    t.to_string().into_any()
}

/// Inline text: code spans, strong words and links among plain text.
pub fn inlines(parts: &[Inline]) -> Vec<AnyView> {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => text(t),
            // An empty value is shown as such, not as a chip too small to see.
            Inline::Code(t) if t.is_empty() => el("code", class("blank"), vec![text("(empty)")]),
            Inline::Code(t) => el("code", Attrs::default(), vec![text(t)]),
            Inline::Strong(t) => el("strong", Attrs::default(), vec![text(t)]),
            Inline::Link { href, text: t } => {
                // Outside links open beside the app; browsers imply noopener, and the page sends
                // no referrer.
                let target = href.starts_with("https://").then_some("_blank");
                let a = Attrs {
                    href: Some(href.clone()),
                    target,
                    ..Attrs::default()
                };
                el("a", a, vec![text(t)])
            }
        })
        .collect()
}

/// The views of a document's blocks.
pub fn blocks(blocks: &[Block]) -> Vec<AnyView> {
    blocks.iter().map(block).collect()
}

fn heading_tag(level: u8) -> &'static str {
    match level {
        0..=2 => "h2",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        _ => "h6",
    }
}

/// A `<pre>` that keyboard users can focus: on a phone its lines scroll sideways.
fn pre(children: Vec<AnyView>) -> AnyView {
    let a = Attrs {
        tabindex: Some("0"),
        ..Attrs::default()
    };
    el("pre", a, children)
}

fn copy(label: &'static str, value: &str) -> AnyView {
    view! { <CopyButton text=value.to_string() label=label /> }.into_any()
}

fn block(b: &Block) -> AnyView {
    match b {
        Block::Heading { level, text: t, id } => {
            let a = Attrs {
                id: id.clone(),
                ..Attrs::default()
            };
            el(heading_tag(*level), a, inlines(t))
        }
        Block::Para { class: c, text: t } => el("p", class(c), inlines(t)),
        Block::List {
            ordered,
            class: c,
            items,
        } => list(*ordered, c, items, 0),
        Block::Command { code } => {
            let shown = pre(vec![el("code", Attrs::default(), vec![text(code)])]);
            el(
                "div",
                class("command"),
                vec![shown, copy("Copy command", code)],
            )
        }
        Block::Pre {
            code,
            copy: buttons,
        } => {
            let mut parts = vec![pre(vec![text(code)])];
            parts.extend(buttons.iter().map(|(label, value)| copy(label, value)));
            parts.into_iter().collect_view().into_any()
        }
        Block::Table { head, rows } => {
            let mut table = Vec::new();
            if !head.is_empty() {
                let cells = head
                    .iter()
                    .map(|h| {
                        let a = Attrs {
                            scope: Some("col"),
                            ..Attrs::default()
                        };
                        el("th", a, vec![text(h)])
                    })
                    .collect();
                let tr = el("tr", Attrs::default(), cells);
                table.push(el("thead", Attrs::default(), vec![tr]));
            }
            let body = rows
                .iter()
                .map(|row| {
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(i, cell)| {
                            // The first cell names the row.
                            let a = Attrs {
                                scope: (i == 0).then_some("row"),
                                ..Attrs::default()
                            };
                            el(if i == 0 { "th" } else { "td" }, a, blocks(cell))
                        })
                        .collect();
                    el("tr", Attrs::default(), cells)
                })
                .collect();
            table.push(el("tbody", Attrs::default(), body));
            // Tables with named columns stack their cells on a phone (see app.css).
            let c = if head.is_empty() { "" } else { "stacks" };
            let table = el("table", class(c), table);
            el("div", class("table-wrap"), vec![table])
        }
        Block::Defs(pairs) => {
            let items = pairs
                .iter()
                .flat_map(|(term, desc)| {
                    [
                        el("dt", Attrs::default(), inlines(term)),
                        el("dd", Attrs::default(), blocks(desc)),
                    ]
                })
                .collect();
            el("dl", class("params"), items)
        }
        Block::Badges(badges) => {
            let items = badges
                .iter()
                .map(|(t, kind)| {
                    let a = Attrs {
                        class: "badge",
                        kind: (!kind.is_empty()).then_some(*kind),
                        ..Attrs::default()
                    };
                    el("span", a, vec![text(t)])
                })
                .collect();
            el("p", class("badges"), items)
        }
        Block::Details {
            summary,
            open,
            body,
        } => {
            let mut parts = vec![el("summary", Attrs::default(), vec![text(summary)])];
            parts.extend(body.iter().map(block));
            let a = Attrs {
                class: "raw",
                open: *open,
                ..Attrs::default()
            };
            el("details", a, parts)
        }
        Block::Section { class: c, body } => el("section", class(c), blocks(body)),
        Block::Fold {
            summary,
            shown,
            body,
        } => fold(summary, *shown, body),
    }
}

/// A list, its items numbered on from `skipped` items before it.
fn list(ordered: bool, c: &'static str, items: &[Vec<Block>], skipped: usize) -> AnyView {
    let a = Attrs {
        class: c,
        start: (ordered && skipped > 0).then(|| (skipped + 1).to_string()),
        ..Attrs::default()
    };
    let items = items
        .iter()
        .map(|item| el("li", Attrs::default(), blocks(item)))
        .collect();
    el(if ordered { "ol" } else { "ul" }, a, items)
}

/// A part narrow screens fold: a list's first `shown` items, then a native `<details>` (closed
/// until opened, keyboard-operable, found by the browser's find-in-page) with the rest of the
/// list numbered on, or with the whole block. Wide screens and print hide its summary and show
/// what it holds in place (app.css), so nothing moves when the page loads.
fn fold(summary: &str, shown: usize, body: &Block) -> AnyView {
    let a = Attrs {
        class: "fold",
        ..Attrs::default()
    };
    let head = el("summary", Attrs::default(), vec![text(summary)]);
    match body {
        Block::List {
            ordered,
            class: c,
            items,
        } if shown > 0 => {
            let Some((first, rest)) = items.split_at_checked(shown).filter(|(_, r)| !r.is_empty())
            else {
                return list(*ordered, c, items, 0);
            };
            let folded = el("details", a, vec![head, list(*ordered, c, rest, shown)]);
            vec![list(*ordered, c, first, 0), folded]
                .into_iter()
                .collect_view()
                .into_any()
        }
        other => el("details", a, vec![head, block(other)]),
    }
}
