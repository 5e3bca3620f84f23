//! Error messages and the catalog entries that explain them: each message verbatim, its entry's
//! title, the values it names, and its meaning, likely causes, fix and sources (or, for a message
//! the catalog does not know, the general way to a fix).

use std::collections::{HashMap, HashSet};

use super::{more_items, MAX_ITEMS};
use crate::knowledge::{Entry, Match, Param};
use crate::report::{heading, hint, para, para_class, sources_block, text, Block, Inline};

/// A list of messages: each distinct message once, saying how often it appears, and each
/// catalog entry (or, for unknown messages, the general guidance) explained in full only the
/// first time. Repeating the explanation for every repeat of a message made a hostile decision's
/// document hundreds of times larger than the decision. A message that is usually a consequence
/// of another one beside it (at `rule`) says so (the catalog's `follows`).
pub(super) fn message_blocks<'a>(
    messages: impl Iterator<Item = &'a str>,
    lookup: impl Fn(&str) -> Option<Match>,
    rule: Option<&str>,
) -> Vec<Block> {
    let mut distinct: Vec<(&str, usize)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for m in messages {
        match index.get(m) {
            Some(&i) => distinct[i].1 += 1,
            None => {
                index.insert(m, distinct.len());
                distinct.push((m, 1));
            }
        }
    }
    let mut explained: HashSet<&'static str> = HashSet::new();
    let mut unknown_explained = false;
    let more = more_items(distinct.len());
    let found: Vec<Option<Match>> = distinct
        .iter()
        .take(MAX_ITEMS)
        .map(|(m, _)| lookup(m))
        .collect();
    let ids: Vec<&'static str> = found.iter().flatten().map(|f| f.entry.id).collect();
    distinct
        .into_iter()
        .zip(found)
        .map(|((m, count), found)| {
            let follow = found.as_ref().and_then(|f| {
                let others: Vec<&str> = ids.iter().copied().filter(|&x| x != f.entry.id).collect();
                f.entry.follow_on(rule, &others)
            });
            let first = match &found {
                Some(f) => explained.insert(f.entry.id),
                None => !std::mem::replace(&mut unknown_explained, true),
            };
            let mut block = message_block_with(m, found, first);
            if let Block::Section { body, .. } = &mut block {
                if let Some(note) = follow {
                    body.insert(1, para_class(hint::FOLLOW_ON, note));
                }
                if count > 1 {
                    body.insert(
                        1,
                        para_class(hint::NOTE, &format!("This message appears {count} times.")),
                    );
                }
            }
            block
        })
        .chain(more)
        .collect()
}

/// One message, verbatim, with its explanation, or the general guidance when unknown.
pub fn message_block(verbatim: &str, found: Option<Match>) -> Block {
    message_block_with(verbatim, found, true)
}

/// [`message_block`]; unless `in_full`, the explanation (given for an earlier message) is not
/// repeated.
fn message_block_with(verbatim: &str, found: Option<Match>, in_full: bool) -> Block {
    let mut body = vec![Block::Para {
        class: hint::VERBATIM,
        text: vec![Inline::Code(verbatim.to_string())],
    }];
    match found {
        Some(m) => {
            body.push(heading(4, m.entry.title));
            if let Some(p) = params_block(&m.params) {
                body.push(p);
            }
            body.extend(platform_variables(&m.params));
            if m.historical {
                body.push(para_class(
                    hint::NOTE,
                    "This is an older wording of the same message.",
                ));
            }
            if in_full {
                body.extend(entry_blocks(m.entry));
            } else {
                body.push(para_class(
                    hint::NOTE,
                    "Its meaning, causes and fix are explained with the same message above.",
                ));
            }
            Block::Section {
                class: hint::KNOWN_MESSAGE,
                body,
            }
        }
        None if !in_full => {
            body.push(heading(4, "A message the catalog does not know"));
            body.push(para_class(
                hint::NOTE,
                "The general way to a fix is described with the unknown message above.",
            ));
            Block::Section {
                class: hint::UNKNOWN_MESSAGE,
                body,
            }
        }
        None => {
            body.push(heading(4, "A message the catalog does not know"));
            body.push(para("It is shown exactly as the platform wrote it. Whatever it says, the general way to a fix is the same: regenerate the policy from the exact manifest you deploy, compare it with the one on the pod, and redeploy."));
            body.push(crate::report::steps(
                [
                    (
                        "Regenerate the policy from the deployed manifest.",
                        Some("az confcom acipolicygen --virtual-node-yaml pod.yaml"),
                    ),
                    (
                        "Compare it with the policy on the pod (exit code 2 means they differ).",
                        Some("az confcom acipolicygen --virtual-node-yaml pod.yaml --diff"),
                    ),
                ]
                .into_iter(),
            ));
            Block::Section {
                class: hint::UNKNOWN_MESSAGE,
                body,
            }
        }
    }
}

/// Environment variables the platform injects into containers itself (managed identity), which
/// no manifest sets.
const PLATFORM_VARIABLES: &[&str] = &["APP_IDENTITY_ENDPOINT", "IDENTITY_ENDPOINT"];

/// A note naming the platform-injected variables among a message's `variables`.
fn platform_variables(params: &[Param]) -> Option<Block> {
    let names: Vec<&str> = params
        .iter()
        .filter(|p| p.name == "variables")
        .flat_map(|p| p.values.iter())
        .map(|v| v.split('=').next().unwrap_or(v))
        .filter(|v| PLATFORM_VARIABLES.contains(v))
        .collect();
    let (first, rest) = names.split_first()?;
    let mut text = vec![Inline::Code(first.to_string())];
    for n in rest {
        text.push(Inline::Text(" and ".into()));
        text.push(Inline::Code(n.to_string()));
    }
    text.push(Inline::Text(format!(
        " {} the platform's own managed-identity {}, injected into the container group by the platform, not set in your manifest. Alone in a denial, {} usually reached a platform sidecar whose rules come from Microsoft's fragment (see the causes below): adding rules for your containers or upgrading confcom does not help.",
        if rest.is_empty() { "is" } else { "are" },
        if rest.is_empty() { "variable" } else { "variables" },
        if rest.is_empty() { "it" } else { "they" },
    )));
    Some(Block::Para {
        class: hint::NOTE,
        text,
    })
}

fn params_block(params: &[Param]) -> Option<Block> {
    if params.is_empty() {
        return None;
    }
    Some(Block::Defs(
        params
            .iter()
            .map(|p| {
                let items = p
                    .values
                    .iter()
                    .take(MAX_ITEMS)
                    .map(|v| {
                        // Guests before 2023 printed `NAME=value`; the name is what to look for.
                        let shown = match p.name == "variables" {
                            true => v.split('=').next().unwrap_or(v),
                            false => v,
                        };
                        vec![Block::Para {
                            class: hint::PLAIN,
                            text: vec![Inline::Code(shown.to_string())],
                        }]
                    })
                    .collect();
                (
                    text(p.name.replace('_', " ")),
                    [Block::List {
                        ordered: false,
                        class: hint::VALUES,
                        items,
                    }]
                    .into_iter()
                    .chain(more_items(p.values.len()))
                    .collect(),
                )
            })
            .collect(),
    ))
}

/// Meaning, causes, fix and sources of a catalog entry.
pub fn entry_blocks(e: &'static Entry) -> Vec<Block> {
    let causes = e.causes.iter().map(|c| vec![para(c)]).collect();
    let steps = crate::report::steps(e.fix.iter().map(|s| (s.text, s.run)));
    let mut out = vec![
        para_class(hint::MEANING, e.meaning),
        heading(5, "Likely causes"),
        Block::List {
            ordered: true,
            class: hint::CAUSES,
            items: causes,
        },
        heading(5, "Fix"),
        steps,
        sources_block(e.sources),
    ];
    // Whose side a message usually is, when the catalog says (it can differ from its rule).
    if let Some(o) = e.owner {
        let text = vec![Inline::Strong(o.sentence().into())];
        out.insert(
            0,
            Block::Para {
                class: hint::OWNER,
                text,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::markdown;

    #[test]
    fn repeated_messages_are_explained_once() {
        let msgs = [
            "invalid command",
            "invalid command",
            "unknown one",
            "invalid command",
            "unknown two",
        ];
        let blocks = message_blocks(msgs.into_iter(), crate::knowledge::lookup_message, None);
        assert_eq!(blocks.len(), 3, "one block per distinct message");
        let md = markdown(&blocks);
        assert_eq!(
            md.matches("This message appears 3 times.").count(),
            1,
            "{md}"
        );
        let meaning = crate::knowledge::lookup_message("invalid command")
            .unwrap()
            .entry
            .meaning;
        assert_eq!(md.matches(meaning).count(), 1, "{md}");
        assert_eq!(md.matches("regenerate the policy").count(), 1, "{md}");
        assert_eq!(
            md.matches("The general way to a fix is described").count(),
            1,
            "{md}"
        );
    }

    #[test]
    fn old_env_lists_with_values_list_the_names() {
        let blocks = message_blocks(
            ["invalid env list: FOO=bar,BAZ=qux"].into_iter(),
            crate::knowledge::lookup_message,
            None,
        );
        let md = markdown(&blocks);
        assert!(
            md.contains("- **variables**:\n  - `FOO`\n  - `BAZ`"),
            "{md}"
        );
        // The message itself stays verbatim.
        assert!(md.contains("`invalid env list: FOO=bar,BAZ=qux`"), "{md}");
    }
}
