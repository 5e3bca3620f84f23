//! Writes a [`crate::report`] document straight into the DOM. Explanations are static once shown,
//! so they need no reactivity: building them with plain DOM calls keeps the WASM small and the
//! rendering fast. Every string becomes a text node or an attribute value, so nothing from a
//! paste is ever parsed as HTML. Copy buttons carry their text in `data-copy` and are served by
//! one delegated click handler (see `copy::install`).

use leptos::prelude::document;
use web_sys::{Document, Element};

use crate::report::{Block, Inline};

fn el(d: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    // Creating an element only fails for invalid tag names, and these are constants.
    let e = d
        .create_element(tag)
        .unwrap_or_else(|_| d.create_element("div").expect("div"));
    if !class.is_empty() {
        e.set_class_name(class);
    }
    let _ = parent.append_child(&e);
    e
}

fn text(d: &Document, parent: &Element, t: &str) {
    let _ = parent.append_child(&d.create_text_node(t));
}

fn inline(d: &Document, parent: &Element, parts: &[Inline]) {
    for p in parts {
        match p {
            Inline::Text(t) => text(d, parent, t),
            Inline::Code(t) => text(d, &el(d, parent, "code", ""), t),
            Inline::Strong(t) => text(d, &el(d, parent, "strong", ""), t),
            Inline::Link { href, text: t } => {
                let a = el(d, parent, "a", "");
                let _ = a.set_attribute("href", href);
                if href.starts_with("https://") {
                    // Opens beside the app; browsers imply noopener, and the page sends no referrer.
                    let _ = a.set_attribute("target", "_blank");
                }
                text(d, &a, t);
            }
        }
    }
}

/// A copy button for `value`, with its status line.
pub fn copy_button(d: &Document, parent: &Element, label: &str, value: &str) {
    let b = el(d, parent, "button", "copy");
    let _ = b.set_attribute("type", "button");
    let _ = b.set_attribute("data-copy", value);
    text(d, &b, label);
    let s = el(d, parent, "span", "copy-status");
    let _ = s.set_attribute("role", "status");
}

/// Appends the blocks to `parent`.
pub fn append(parent: &Element, blocks: &[Block]) {
    let d = document();
    for b in blocks {
        block(&d, parent, b);
    }
}

fn block(d: &Document, parent: &Element, b: &Block) {
    match b {
        Block::Heading { level, text: t, id } => {
            let h = el(d, parent, &format!("h{}", level.clamp(&2, &6)), "");
            if let Some(id) = id {
                h.set_id(id);
            }
            inline(d, &h, t);
        }
        Block::Para { class, text: t } => inline(d, &el(d, parent, "p", class), t),
        Block::List {
            ordered,
            class,
            items,
        } => {
            let list = el(d, parent, if *ordered { "ol" } else { "ul" }, class);
            for item in items {
                let li = el(d, &list, "li", "");
                for b in item {
                    block(d, &li, b);
                }
            }
        }
        Block::Command { code } => {
            let div = el(d, parent, "div", "command");
            text(d, &el(d, &pre(d, &div), "code", ""), code);
            copy_button(d, &div, "Copy command", code);
        }
        Block::Pre { code, copy } => {
            text(d, &pre(d, parent), code);
            for (label, value) in copy {
                copy_button(d, parent, label, value);
            }
        }
        Block::Table { head, rows } => {
            let table = el(d, &el(d, parent, "div", "table-wrap"), "table", "");
            if !head.is_empty() {
                let tr = el(d, &el(d, &table, "thead", ""), "tr", "");
                for h in head {
                    let th = el(d, &tr, "th", "");
                    let _ = th.set_attribute("scope", "col");
                    text(d, &th, h);
                }
            }
            let body = el(d, &table, "tbody", "");
            for row in rows {
                let tr = el(d, &body, "tr", "");
                for (i, cell) in row.iter().enumerate() {
                    let c = el(d, &tr, if i == 0 { "th" } else { "td" }, "");
                    if i == 0 {
                        let _ = c.set_attribute("scope", "row");
                    }
                    for b in cell {
                        block(d, &c, b);
                    }
                }
            }
        }
        Block::Defs(pairs) => {
            let dl = el(d, parent, "dl", "params");
            for (term, desc) in pairs {
                inline(d, &el(d, &dl, "dt", ""), term);
                let dd = el(d, &dl, "dd", "");
                for b in desc {
                    block(d, &dd, b);
                }
            }
        }
        Block::Badges(badges) => {
            let p = el(d, parent, "p", "badges");
            for (t, kind) in badges {
                let s = el(d, &p, "span", "badge");
                if !kind.is_empty() {
                    let _ = s.set_attribute("data-kind", kind);
                }
                text(d, &s, t);
            }
        }
        Block::Details {
            summary,
            open,
            body,
        } => {
            let det = el(d, parent, "details", "raw");
            if *open {
                let _ = det.set_attribute("open", "");
            }
            text(d, &el(d, &det, "summary", ""), summary);
            for b in body {
                block(d, &det, b);
            }
        }
        Block::Section { class, body } => {
            let s = el(d, parent, "section", class);
            for b in body {
                block(d, &s, b);
            }
        }
    }
}

/// A `<pre>` that keyboard users can focus: on a phone its lines scroll sideways.
fn pre(d: &Document, parent: &Element) -> Element {
    let p = el(d, parent, "pre", "");
    let _ = p.set_attribute("tabindex", "0");
    p
}
