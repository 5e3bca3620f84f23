//! A small document model for everything the app explains (findings, wizard outcomes), with a
//! Markdown writer. Pure code: the UI renders the same blocks to DOM, so the screen and the
//! copied ticket text never disagree, and one generic renderer keeps the WASM small.

pub mod fold;

use serde::{Deserialize, Serialize};

/// The style hints a block can carry (`class` of paragraphs, lists and sections, the style of a
/// badge): the whole vocabulary of the document model. They say what a block is; the app's
/// stylesheet styles them and the Markdown writer ignores them. Explanations use only these.
pub mod hint {
    /// No particular role.
    pub const PLAIN: &str = "";

    // Paragraphs.
    /// A side remark.
    pub const NOTE: &str = "note";
    /// Something the reader must not miss (a damaged or incomplete blob). Also a badge style.
    pub const WARN: &str = "warn";
    /// A placeholder such as "(empty list)".
    pub const MUTED: &str = "muted";
    /// A message exactly as the platform wrote it.
    pub const VERBATIM: &str = "verbatim";
    /// What a catalog entry means.
    pub const MEANING: &str = "meaning";
    /// What the platform was doing at an enforcement point.
    pub const DOING: &str = "doing";
    /// Whose move it usually is.
    pub const OWNER: &str = "owner";
    /// The enforcement point and how it is known.
    pub const RULE_LINE: &str = "rule-line";
    /// Where a finding occurred in the paste.
    pub const OCCURRENCES: &str = "occurrences";
    /// A pointer to another part of the app.
    pub const CROSS_LINK: &str = "cross-link";
    /// A denial whose `errors` list is empty.
    pub const EMPTY_ERRORS: &str = "empty-errors";
    /// The sources of what is said.
    pub const SOURCES: &str = "sources";
    /// Which pod, namespace and container a finding came from, and when.
    pub const PLACE: &str = "place";
    /// What the rest of the paste tells about a cause (an image on a mutable tag).
    pub const FROM_PASTE: &str = "from-paste";
    /// The error codes ARM and the resource provider gave with a message.
    pub const CODES: &str = "codes";
    /// Why a message or finding is probably a consequence of another, not the cause.
    pub const FOLLOW_ON: &str = "follow-on";

    // Lists.
    /// Numbered steps with commands.
    pub const STEPS: &str = "steps";
    /// Likely causes, most likely first.
    pub const CAUSES: &str = "causes";
    /// Short values (names, items of a JSON list).
    pub const VALUES: &str = "values";
    /// Short values shown on one line.
    pub const INLINE_LIST: &str = "inline-list";
    /// The lines of the triage summary, in the order to read them.
    pub const SUMMARY: &str = "triage";

    // Sections of a finding.
    pub const REASON: &str = "reason";
    pub const INPUT: &str = "input";
    pub const TRUNCATED: &str = "truncated";
    pub const UNKNOWN_KEYS: &str = "unknown-keys";
    pub const PROBLEMS: &str = "problems";
    pub const CONTEXT: &str = "context";
    /// One error message with its catalog entry.
    pub const KNOWN_MESSAGE: &str = "message known";
    /// One error message the catalog does not know.
    pub const UNKNOWN_MESSAGE: &str = "message unknown";

    // Badges.
    /// The decision itself (`deny`).
    pub const VERDICT: &str = "verdict";

    /// The policy's own finding and the denial-against-policy comparison.
    pub const POLICY: &str = "policy";
    /// The part of a comparison that differs.
    pub const DIFFERS: &str = "differs";
    /// The part of a comparison that matches.
    pub const SAME: &str = "same";

    /// The static text of a style hint or label read back from JSON. Any text is accepted (a
    /// document from another module of the same build may use a label this one has not seen);
    /// each distinct text is stored once for the life of the program, so repeated documents
    /// do not grow memory.
    pub fn intern(s: String) -> &'static str {
        use std::sync::Mutex;
        static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
        if s.is_empty() {
            return PLAIN;
        }
        let Ok(mut seen) = SEEN.lock() else {
            return PLAIN;
        };
        if let Some(known) = seen.iter().find(|k| **k == s) {
            return known;
        }
        // Bounded: a document's hints come from this vocabulary and its copy labels.
        if seen.len() >= 256 {
            return PLAIN;
        }
        let leaked: &'static str = Box::leak(s.into_boxed_str());
        seen.push(leaked);
        leaked
    }

    pub(super) fn de<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        use serde::Deserialize;
        String::deserialize(d).map(intern)
    }

    pub(super) fn de_labels<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(&'static str, String)>, D::Error> {
        use serde::Deserialize;
        let v = Vec::<(String, String)>::deserialize(d)?;
        Ok(v.into_iter().map(|(l, t)| (intern(l), t)).collect())
    }

    /// Deserialises blocks for any input lifetime. The derived `Deserialize` of [`Block`] holds
    /// only for `'de: 'static` (serde counts its `&'static str` fields as borrowed), so blocks
    /// inside another type are read through an owned JSON value.
    pub fn de_blocks<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'static>>(
        d: D,
    ) -> Result<T, D::Error> {
        use serde::de::Error;
        use serde::Deserialize;
        let v = serde_json::Value::deserialize(d)?;
        T::deserialize(v).map_err(D::Error::custom)
    }

    pub(super) fn de_badges<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, &'static str)>, D::Error> {
        use serde::Deserialize;
        let v = Vec::<(String, String)>::deserialize(d)?;
        Ok(v.into_iter().map(|(t, c)| (t, intern(c))).collect())
    }
}

/// Inline text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Link { href: String, text: String },
}

/// A block of a document. Serde (de)serialisable, so documents made in another WebAssembly
/// module (the policy reader, loaded lazily) cross to the UI as JSON; the `&'static str` style
/// hints and copy labels are read back through [`hint::intern`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading; `level` 2–5. `id` lets a landmark point at it.
    Heading {
        level: u8,
        text: Vec<Inline>,
        id: Option<String>,
    },
    /// A paragraph with a style hint (see [`hint`]).
    Para {
        #[serde(deserialize_with = "hint::de")]
        class: &'static str,
        text: Vec<Inline>,
    },
    /// A list whose items are blocks.
    List {
        ordered: bool,
        #[serde(deserialize_with = "hint::de")]
        class: &'static str,
        items: Vec<Vec<Block>>,
    },
    /// A command or snippet to copy.
    Command { code: String },
    /// Preformatted text with copy buttons (label, text to copy).
    Pre {
        code: String,
        #[serde(deserialize_with = "hint::de_labels")]
        copy: Vec<(&'static str, String)>,
    },
    /// A table; `head` names the columns; the first cell of each row is its header.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Vec<Block>>>,
    },
    /// Term/description pairs.
    Defs(Vec<(Vec<Inline>, Vec<Block>)>),
    /// Small labels next to a heading: (text, style).
    Badges(#[serde(deserialize_with = "hint::de_badges")] Vec<(String, &'static str)>),
    /// A collapsible part.
    Details {
        summary: String,
        open: bool,
        body: Vec<Block>,
    },
    /// A part of a long card that narrow screens fold behind `summary`, a line that says what
    /// waits there ("6 more causes"). Of a list `body`, the first `shown` items stay in view and
    /// the others are folded (numbering on); any other block is folded whole. Wide screens and
    /// print show everything in place with no fold, and the Markdown writes `body` as if the
    /// fold were not there (see [`fold`]).
    Fold {
        summary: String,
        shown: usize,
        body: Box<Block>,
    },
    /// A titled group with a style hint.
    Section {
        #[serde(deserialize_with = "hint::de")]
        class: &'static str,
        body: Vec<Block>,
    },
}

/// Parses text with `inline code` spans (backticks) into inlines.
pub fn inlines(text: &str) -> Vec<Inline> {
    text.split('`')
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| {
            if i % 2 == 1 {
                Inline::Code(p.to_string())
            } else {
                Inline::Text(p.to_string())
            }
        })
        .collect()
}

pub fn text(s: impl Into<String>) -> Vec<Inline> {
    vec![Inline::Text(s.into())]
}

pub fn para(s: &str) -> Block {
    Block::Para {
        class: hint::PLAIN,
        text: inlines(s),
    }
}

pub fn para_class(class: &'static str, s: &str) -> Block {
    Block::Para {
        class,
        text: inlines(s),
    }
}

pub fn heading(level: u8, s: &str) -> Block {
    Block::Heading {
        level,
        text: inlines(s),
        id: None,
    }
}

/// Numbered steps, each a sentence and optionally a command to copy.
pub fn steps<'a>(items: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Block {
    let items = items
        .map(|(text, run)| {
            let mut item = vec![para(text)];
            if let Some(run) = run {
                item.push(Block::Command {
                    code: run.to_string(),
                });
            }
            item
        })
        .collect();
    Block::List {
        ordered: true,
        class: hint::STEPS,
        items,
    }
}

/// "Sources: " and a link per source URL, each labelled readably (see
/// [`crate::knowledge::source_label`]).
pub fn sources_block<'a>(sources: impl IntoIterator<Item = &'a str>) -> Block {
    let mut t = vec![Inline::Text("Sources: ".into())];
    for (i, u) in sources.into_iter().enumerate() {
        if i > 0 {
            t.push(Inline::Text(" · ".into()));
        }
        t.push(Inline::Link {
            href: u.to_string(),
            text: crate::knowledge::source_label(u),
        });
    }
    Block::Para {
        class: hint::SOURCES,
        text: t,
    }
}

/// "1 finding", "3 findings".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The plain text of inlines.
pub fn plain(parts: &[Inline]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) | Inline::Code(t) | Inline::Strong(t) => t.as_str(),
            Inline::Link { text, .. } => text.as_str(),
        })
        .collect()
}

fn md_inline(parts: &[Inline], out: &mut String) {
    for p in parts {
        match p {
            Inline::Text(t) => out.push_str(t),
            Inline::Code(t) => {
                // CommonMark: a fence longer than any backtick run inside, padded when the code
                // starts or ends with a backtick.
                let fence = "`".repeat(longest_backtick_run(t) + 1);
                let pad = if t.starts_with('`') || t.ends_with('`') {
                    " "
                } else {
                    ""
                };
                out.push_str(&fence);
                out.push_str(pad);
                out.push_str(t);
                out.push_str(pad);
                out.push_str(&fence);
            }
            Inline::Strong(t) => {
                out.push_str("**");
                out.push_str(t);
                out.push_str("**");
            }
            // A link within the app (`#wizard`) leads nowhere from a ticket: its words only.
            Inline::Link { href, text } if href.starts_with('#') => out.push_str(text),
            Inline::Link { href, text } => {
                out.push('[');
                out.push_str(text);
                out.push_str("](");
                out.push_str(href);
                out.push(')');
            }
        }
    }
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn md_fence(code: &str, indent: &str, out: &mut String) {
    let fence = "`".repeat((longest_backtick_run(code) + 1).max(3));
    let fence = fence.as_str();
    out.push_str(indent);
    out.push_str(fence);
    out.push('\n');
    for line in code.lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(fence);
    out.push('\n');
}

fn md_blocks(blocks: &[Block], indent: &str, out: &mut String) {
    for b in blocks {
        match b {
            Block::Heading { level, text, .. } => {
                out.push('\n');
                out.push_str(&"#".repeat((*level as usize).clamp(1, 6)));
                out.push(' ');
                md_inline(text, out);
                out.push_str("\n\n");
            }
            Block::Para { text, .. } => {
                out.push_str(indent);
                md_inline(text, out);
                out.push_str("\n\n");
            }
            Block::List { ordered, items, .. } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "- ".to_string()
                    };
                    let inner_indent = format!("{indent}{}", " ".repeat(marker.len()));
                    let mut inner = String::new();
                    md_blocks(item, &inner_indent, &mut inner);
                    let inner = inner.trim_end();
                    out.push_str(indent);
                    out.push_str(&marker);
                    out.push_str(inner.strip_prefix(inner_indent.as_str()).unwrap_or(inner));
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Command { code } | Block::Pre { code, .. } => {
                md_fence(code, indent, out);
                out.push('\n');
            }
            Block::Table { head, rows } => {
                // A table without a header row (name and value pairs) is not a Markdown table:
                // it is written as a list of `**name**: value`.
                if !head.is_empty() {
                    out.push_str(indent);
                    out.push_str(&format!("| {} |\n", head.join(" | ")));
                    out.push_str(indent);
                    out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                }
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| {
                            let mut s = String::new();
                            md_blocks(cell, "", &mut s);
                            s.split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .replace('|', "\\|")
                        })
                        .collect();
                    out.push_str(indent);
                    match cells.split_first() {
                        Some((name, rest)) if head.is_empty() => {
                            out.push_str(&format!("- **{name}**: {}\n", rest.join(" ")))
                        }
                        _ => out.push_str(&format!("| {} |\n", cells.join(" | "))),
                    }
                }
                out.push('\n');
            }
            Block::Defs(pairs) => {
                for (term, desc) in pairs {
                    out.push_str(indent);
                    out.push_str("- **");
                    md_inline(term, out);
                    out.push_str("**:");
                    // One paragraph stays on the line; anything else nests under the item.
                    let nested = format!("{indent}  ");
                    let mut s = String::new();
                    if let [Block::Para { .. }] = desc.as_slice() {
                        md_blocks(desc, "", &mut s);
                        out.push(' ');
                        out.push_str(s.trim());
                    } else {
                        md_blocks(desc, &nested, &mut s);
                        out.push('\n');
                        out.push_str(s.trim_end());
                    }
                    out.push('\n');
                }
                out.push('\n');
            }
            Block::Badges(b) => {
                out.push_str(indent);
                let labels: Vec<String> = b.iter().map(|(t, _)| format!("`{t}`")).collect();
                out.push_str(&labels.join(" "));
                out.push_str("\n\n");
            }
            Block::Details { summary, body, .. } => {
                out.push_str(indent);
                out.push_str(&format!("**{summary}**\n\n"));
                md_blocks(body, indent, out);
            }
            Block::Section { body, .. } => md_blocks(body, indent, out),
            Block::Fold { body, .. } => md_blocks(std::slice::from_ref(body), indent, out),
        }
    }
}

/// Markdown for a ticket.
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    md_blocks(blocks, "", &mut out);
    // Collapse runs of blank lines.
    let mut clean = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.trim().lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        clean.push_str(line.trim_end());
        clean.push('\n');
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outlast_backticks_inside() {
        let md = markdown(&[Block::Command {
            code: "a ``` b ~~~~ c".into(),
        }]);
        assert!(md.starts_with("````\n"), "{md}");
        let md = markdown(&[Block::Para {
            class: "",
            text: vec![Inline::Code("x``y".into()), Inline::Code("`z".into())],
        }]);
        // "```x``y```" then "`` `z ``"
        assert_eq!(md, "```x``y````` `z ``\n");
    }

    #[test]
    fn inline_code_spans() {
        assert_eq!(
            inlines("run `az confcom` now"),
            vec![
                Inline::Text("run ".into()),
                Inline::Code("az confcom".into()),
                Inline::Text(" now".into())
            ]
        );
    }

    #[test]
    fn markdown_of_nested_lists_and_commands() {
        let doc = vec![
            heading(2, "Title"),
            Block::List {
                ordered: true,
                class: "",
                items: vec![vec![
                    para("Do `this`."),
                    Block::Command {
                        code: "az a\naz b".into(),
                    },
                ]],
            },
        ];
        let md = markdown(&doc);
        assert!(md.starts_with("## Title\n"), "{md}");
        assert!(md.contains("1. Do `this`.\n"), "{md}");
        assert!(md.contains("   ```\n   az a\n   az b\n   ```"), "{md}");
    }

    #[test]
    fn markdown_of_value_lists_and_name_value_tables() {
        let values = Block::List {
            ordered: false,
            class: "",
            items: vec![vec![para("`A`")], vec![para("`B`")]],
        };
        let doc = vec![
            Block::Defs(vec![
                (text("variables"), vec![values]),
                (text("version"), vec![para("`1.2`")]),
            ]),
            Block::Table {
                head: vec![],
                rows: vec![vec![vec![para("guest message")], vec![para("`denied`")]]],
            },
            Block::Table {
                head: vec!["Field".into(), "Value".into()],
                rows: vec![vec![vec![para("`target`")], vec![para("`/a|b`")]]],
            },
        ];
        assert_eq!(
            markdown(&doc),
            "- **variables**:\n  - `A`\n  - `B`\n- **version**: `1.2`\n\n\
             - **guest message**: `denied`\n\n\
             | Field | Value |\n|---|---|\n| `target` | `/a\\|b` |\n"
        );
    }

    #[test]
    fn links_within_the_app_are_plain_words_in_markdown() {
        let md = markdown(&[Block::Para {
            class: "",
            text: vec![
                Inline::Link {
                    href: "#wizard".into(),
                    text: "Troubleshoot".into(),
                },
                Inline::Text(" and ".into()),
                Inline::Link {
                    href: "https://example.com/a".into(),
                    text: "a source".into(),
                },
            ],
        }]);
        assert_eq!(md, "Troubleshoot and [a source](https://example.com/a)\n");
    }
}
