//! Renders a [`crate::report`] document to DOM. One generic renderer (and one element type for
//! every tag) for every explanation keeps the WASM small; every string becomes a text node, so
//! nothing from a paste is ever parsed as HTML.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use leptos::tachys::html::element::custom;

use super::CopyButton;
use crate::report::{Block, Inline};

type Attr = Option<(&'static str, String)>;

/// An element with a class and up to two more attributes (absent when `None`).
fn el(tag: &'static str, class: &'static str, a: Attr, b: Attr, children: AnyView) -> AnyView {
    let (ak, av) = a.map_or(("data-a", None), |(k, v)| (k, Some(v)));
    let (bk, bv) = b.map_or(("data-b", None), |(k, v)| (k, Some(v)));
    custom(tag)
        .attr("class", (!class.is_empty()).then_some(class))
        .attr(ak, av)
        .attr(bk, bv)
        .child(children)
        .into_any()
}

fn text(t: String) -> AnyView {
    t.into_any()
}

fn inline(parts: Vec<Inline>) -> AnyView {
    parts
        .into_iter()
        .map(|p| match p {
            Inline::Text(t) => text(t),
            Inline::Code(t) => el("code", "", None, None, text(t)),
            Inline::Strong(t) => el("strong", "", None, None, text(t)),
            Inline::Link { href, text: t } => el(
                "a",
                "",
                Some(("href", href)),
                // Opens beside the app; browsers imply noopener, and the page sends no referrer.
                Some(("target", "_blank".into())),
                text(t),
            ),
        })
        .collect_view()
        .into_any()
}

/// Renders text with `inline code` spans.
pub fn rich(t: &str) -> AnyView {
    inline(crate::report::inlines(t))
}

/// Renders blocks.
pub fn render(blocks: Vec<Block>) -> AnyView {
    blocks.into_iter().map(block).collect_view().into_any()
}

fn block(b: Block) -> AnyView {
    match b {
        Block::Heading { level, text: t, id } => {
            let tag = match level {
                2 => "h2",
                3 => "h3",
                4 => "h4",
                _ => "h5",
            };
            el(tag, "", id.map(|i| ("id", i)), None, inline(t))
        }
        Block::Para { class, text: t } => el("p", class, None, None, inline(t)),
        Block::List {
            ordered,
            class,
            items,
        } => {
            let lis = items
                .into_iter()
                .map(|item| el("li", "", None, None, render(item)))
                .collect_view()
                .into_any();
            el(if ordered { "ol" } else { "ul" }, class, None, None, lis)
        }
        Block::Command { code } => {
            let pre = el(
                "pre",
                "",
                None,
                None,
                el("code", "", None, None, text(code.clone())),
            );
            let copy = view! { <CopyButton text=code label="Copy command" /> }.into_any();
            el("div", "command", None, None, (pre, copy).into_any())
        }
        Block::Pre { code, copy } => {
            let buttons = copy
                .into_iter()
                .map(|(label, t)| view! { <CopyButton text=t label=label /> })
                .collect_view()
                .into_any();
            (el("pre", "", None, None, text(code)), buttons).into_any()
        }
        Block::Table { head, rows } => {
            let thead = if head.is_empty() {
                ().into_any()
            } else {
                let ths = head
                    .into_iter()
                    .map(|h| el("th", "", Some(("scope", "col".into())), None, text(h)))
                    .collect_view()
                    .into_any();
                el("thead", "", None, None, el("tr", "", None, None, ths))
            };
            let trs = rows
                .into_iter()
                .map(|row| {
                    let cells = row
                        .into_iter()
                        .enumerate()
                        .map(|(i, cell)| {
                            if i == 0 {
                                el("th", "", Some(("scope", "row".into())), None, render(cell))
                            } else {
                                el("td", "", None, None, render(cell))
                            }
                        })
                        .collect_view()
                        .into_any();
                    el("tr", "", None, None, cells)
                })
                .collect_view()
                .into_any();
            let table = el(
                "table",
                "",
                None,
                None,
                (thead, el("tbody", "", None, None, trs)).into_any(),
            );
            el("div", "table-wrap", None, None, table)
        }
        Block::Defs(pairs) => {
            let items = pairs
                .into_iter()
                .map(|(term, desc)| {
                    (
                        el("dt", "", None, None, inline(term)),
                        el("dd", "", None, None, render(desc)),
                    )
                        .into_any()
                })
                .collect_view()
                .into_any();
            el("dl", "params", None, None, items)
        }
        Block::Badges(badges) => {
            let spans = badges
                .into_iter()
                .map(|(t, c)| {
                    el(
                        "span",
                        "badge",
                        Some(("data-kind", c.to_string())),
                        None,
                        text(t),
                    )
                })
                .collect_view()
                .into_any();
            el("p", "badges", None, None, spans)
        }
        Block::Details {
            summary,
            open,
            body,
        } => {
            let inner = (el("summary", "", None, None, text(summary)), render(body)).into_any();
            el(
                "details",
                "raw",
                open.then(|| ("open", String::new())),
                None,
                inner,
            )
        }
        Block::Section { class, body } => el("section", class, None, None, render(body)),
    }
}
