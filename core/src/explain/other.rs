//! The denials that are not policyDecision blobs: the guest's older plain-text format, Kata agent
//! policy denials, the fixed messages of ARM and the guest, and the JSON-policy enforcer's.

use serde_json::Value;

use super::{decision, messages, MAX_ITEMS};
use crate::decode::{Decision, OtherFormat};
use crate::knowledge;
use crate::report::{heading, hint, para_class, sources_block, Block, Inline};

/// The title of a finding in another format.
pub(super) fn title(o: &OtherFormat) -> String {
    match o {
        OtherFormat::Legacy { rule, .. } => match knowledge::rule(rule) {
            Some(r) => format!("{} (older plain-text format)", r.title),
            None => format!("Policy denial at {rule} (older plain-text format)"),
        },
        OtherFormat::Kata { .. } => knowledge::entry("kata")
            .map_or("AKS Confidential Containers (Kata) policy denial", |e| {
                e.title
            })
            .to_string(),
        OtherFormat::Known { id, .. } => knowledge::entry(id)
            .map_or("A known policy error", |e| e.title)
            .to_string(),
        OtherFormat::Message { text } => knowledge::lookup_message(text)
            .map_or("A policy error message", |m| m.entry.title)
            .to_string(),
        OtherFormat::JsonPolicy { today, .. } => {
            match today.as_deref().and_then(knowledge::lookup_message) {
                Some(m) => format!("{} (older JSON-policy format)", m.entry.title),
                None => json_policy_entry().map_or("", |e| e.title).to_string(),
            }
        }
    }
}

/// The document of a finding in another format, after its title.
pub(super) fn doc(o: &OtherFormat, doc: &mut Vec<Block>) {
    match o {
        OtherFormat::Legacy { rule, errors, rest } => {
            doc.push(Block::Para {
                class: hint::RULE_LINE,
                text: vec![
                    Inline::Text("Enforcement point ".into()),
                    Inline::Code(rule.clone()),
                    Inline::Text(", named in the message.".into()),
                ],
            });
            if let Some(e) = knowledge::entry("legacy") {
                doc.push(para_class(hint::MEANING, e.meaning));
            }
            let mut body = vec![heading(3, "Why it was denied")];
            let errors = errors
                .as_deref()
                .map(knowledge::split_legacy_errors)
                .unwrap_or_default();
            body.extend(messages::message_blocks(
                errors.iter().map(String::as_str),
                knowledge::lookup_message,
                Some(rule),
            ));
            // The input the old format printed after `Input: `, as a table like a decision's
            // (what survives of it when it was cut or escaped).
            let input = o
                .legacy_input()
                .map(|m| {
                    Value::Object(
                        [("input".to_string(), Value::Object(m))]
                            .into_iter()
                            .collect(),
                    )
                })
                .and_then(|v| Decision::from_value(&v));
            if let Some(t) = rest {
                match knowledge::lookup_reason(t.trim_end_matches('.')) {
                    Some(m) => body.push(messages::message_block(t, Some(m))),
                    None => body.push(Block::Para {
                        class: hint::PLAIN,
                        text: vec![
                            Inline::Text("Also in the message: ".into()),
                            Inline::Code(t.clone()),
                        ],
                    }),
                }
            }
            doc.push(Block::Section {
                class: hint::REASON,
                body,
            });
            if let Some(b) = input
                .as_ref()
                .and_then(|d| decision::input_section(d, Some(rule)))
            {
                doc.push(b);
            }
        }
        OtherFormat::Kata {
            request, details, ..
        } => {
            doc.push(Block::Para {
                class: hint::RULE_LINE,
                text: vec![
                    Inline::Text("Request ".into()),
                    Inline::Code(request.clone()),
                    Inline::Text(" was blocked by the Kata agent policy.".into()),
                ],
            });
            if let Some(d) = details {
                doc.push(Block::Para {
                    class: hint::PLAIN,
                    text: vec![
                        Inline::Text("Details from the agent: ".into()),
                        Inline::Code(d.clone()),
                    ],
                });
                let places = kata_policy_lines(d);
                if !places.is_empty() {
                    let mut text = vec![Inline::Text("The policy refused at ".into())];
                    let mut ranges = String::new();
                    for (i, (line, rule)) in places.iter().enumerate() {
                        let sep = if i > 0 { ";" } else { "" };
                        let from = line.saturating_sub(10).max(1);
                        ranges += &format!("{sep}{from},{}p", line + 10);
                        text.push(Inline::Text(format!(
                            "{}its line {line}, in rule ",
                            if i > 0 { ", then " } else { "" }
                        )));
                        text.push(Inline::Code(rule.to_string()));
                    }
                    text.push(Inline::Text(". To see which condition failed, read those parts of the policy on the pod:".into()));
                    doc.push(Block::Para {
                        class: hint::PLAIN,
                        text,
                    });
                    doc.push(Block::Command {
                        code: format!("kubectl get pod <pod> -o jsonpath='{{.metadata.annotations.io\\.katacontainers\\.config\\.agent\\.policy}}' | base64 -d | sed -n '{ranges}'"),
                    });
                }
            }
            if let Some(e) = knowledge::entry("kata") {
                doc.extend(messages::entry_blocks(e));
            }
        }
        OtherFormat::Known { id, text: t } => {
            doc.push(Block::Para {
                class: hint::VERBATIM,
                text: vec![Inline::Code(t.clone())],
            });
            if let Some(e) = knowledge::entry(id) {
                doc.extend(messages::entry_blocks(e));
            }
        }
        OtherFormat::Message { text: t } => {
            doc.push(Block::Para {
                class: hint::VERBATIM,
                text: vec![Inline::Code(t.clone())],
            });
            let mut body = vec![heading(3, "Why it was denied")];
            body.extend(messages::message_blocks(
                std::iter::once(t.as_str()),
                knowledge::lookup_message,
                None,
            ));
            doc.push(Block::Section {
                class: hint::REASON,
                body,
            });
        }
        OtherFormat::JsonPolicy { text: t, today } => {
            doc.push(Block::Para {
                class: hint::VERBATIM,
                text: vec![Inline::Code(t.clone())],
            });
            let found = today.as_deref().and_then(knowledge::lookup_message);
            match (today, found, json_policy_entry()) {
                (Some(today), Some(m), Some(e)) => {
                    doc.push(para_class(hint::MEANING, e.meaning));
                    doc.push(Block::Para {
                        class: hint::PLAIN,
                        text: vec![
                            Inline::Text("Today's guests report the same check as ".into()),
                            Inline::Code(today.clone()),
                            Inline::Text(", explained here:".into()),
                        ],
                    });
                    doc.push(Block::Section {
                        class: hint::REASON,
                        body: vec![
                            heading(3, "Why it was denied"),
                            messages::message_block(today, Some(m)),
                        ],
                    });
                    doc.push(sources_block(e.sources));
                }
                (.., Some(e)) => doc.extend(messages::entry_blocks(e)),
                _ => {}
            }
        }
    }
}

/// Every `agent_policy:114: allow_create_container_input: …` in the agent's details, as
/// (114, the rule's name), in order (newer agents list the entry rule, then the one that failed).
fn kata_policy_lines(details: &str) -> Vec<(usize, &str)> {
    details
        .split("agent_policy:")
        .skip(1)
        .filter_map(|part| {
            let (line, rest) = part.split_once(':')?;
            let rule = rest.trim_start().split(':').next()?.trim();
            let ident =
                !rule.is_empty() && rule.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
            Some((line.trim().parse().ok()?, rule)).filter(|_| ident)
        })
        .take(MAX_ITEMS)
        .collect()
}

fn json_policy_entry() -> Option<&'static knowledge::Entry> {
    knowledge::entry("json-policy")
}
