//! A decoded policyDecision: which enforcement point denied and how that is known, what it was
//! doing, whose move it is, why it was denied, what the platform asked for, what the enforcer
//! cut to fit its size limit, the fields the model does not know and the event text around it.

use super::{expert, messages, more_items, values, MAX_ITEMS};
use crate::decode::{Decision, DecisionFinding, Reason, RuleSource};
use crate::knowledge;
use crate::report::{heading, hint, inlines, para, para_class, text, Block, Inline};

/// The enforcement point of a decision and how it is known.
pub fn decision_rule(d: &DecisionFinding) -> Option<(String, Via)> {
    if let Some((r, src)) = d.rule() {
        return Some((r.to_string(), Via::Source(src)));
    }
    let dec = d.blob.decision.as_ref()?;
    // Each distinct message looked up once (a hostile decision repeats one thousands of times).
    let entries: Vec<&'static knowledge::Entry> = super::distinct(dec.errors())
        .filter_map(|e| knowledge::lookup_message(e).map(|m| m.entry))
        .collect();
    if let Some(r) = entries.iter().find_map(|e| knowledge::only_rule_of(e)) {
        return Some((r.to_string(), Via::Message));
    }
    // A message a few points report: the first of them, the others named as alternatives.
    if let Some(rules) = entries
        .iter()
        .map(|e| e.rules)
        .find(|r| (2..=MAX_INFERRED).contains(&r.len()))
    {
        let first = rules.first()?;
        return Some((first.to_string(), Via::MessageOneOf(rules.0)));
    }
    // "rule for exec_in_container is missing from policy" and the like name the point.
    let m = knowledge::lookup_reason(dec.policy_error.as_deref()?)?;
    let p = m.params.iter().find(|p| p.name == "enforcement_point")?;
    Some((p.values.first()?.clone(), Via::PolicyError))
}

/// Most enforcement points a message may belong to for the first to be taken as the likely one.
const MAX_INFERRED: usize = 3;

/// How the enforcement point of a decision is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Source(RuleSource),
    /// An error message only that point reports.
    Message,
    /// An error message only a few points report (all of them, one per line, the first taken).
    MessageOneOf(&'static str),
    /// The policy error names it.
    PolicyError,
}

/// The document of a decoded decision, after its title.
pub(super) fn doc(d: &DecisionFinding, doc: &mut Vec<Block>) {
    let empty = Decision::default();
    let dec = d.blob.decision.as_ref().unwrap_or(&empty);
    let rule_info = decision_rule(d);
    let rule = rule_info.as_ref().and_then(|(id, _)| knowledge::rule(id));

    let mut badges = vec![(
        format!("decision: {}", dec.decision.as_deref().unwrap_or("(none)")),
        hint::VERDICT,
    )];
    if d.blob.is_incomplete() {
        badges.push(("incomplete".to_string(), hint::WARN));
    }
    if let Some(p) = rule.and_then(|r| r.platform) {
        badges.push((format!("{p} only"), hint::PLAIN));
    }
    doc.push(Block::Badges(badges));

    if let Some((id, src)) = &rule_info {
        let how = match src {
            Via::Source(RuleSource::Input) => "named in the decision's input".to_string(),
            Via::Source(RuleSource::Wrapper) => {
                let w = d.wrapper.as_ref();
                let alt = w
                    .map(|w| w.alternatives)
                    .filter(|a| !a.is_empty())
                    .map(|a| format!(" (or {})", a.join(", ")))
                    .unwrap_or_default();
                format!(
                    "inferred from the event text \u{201c}{}\u{201d}{alt}, because the decision itself does not name it",
                    w.map(|w| w.text.as_str()).unwrap_or_default()
                )
            }
            Via::Message => {
                "inferred from the error message, which only this enforcement point reports (the decision itself does not name it)"
                    .to_string()
            }
            Via::MessageOneOf(rules) => {
                let others: Vec<String> = knowledge::Lines(rules)
                    .iter()
                    .skip(1)
                    .map(|r| format!("`{r}`"))
                    .collect();
                format!(
                    "inferred from the error message, which only this point and {} report; the decision itself does not name it (its `input` is not there), so it may be the other",
                    others.join(" or ")
                )
            }
            Via::PolicyError => "named in the policy error".to_string(),
        };
        let mut line = vec![
            Inline::Text("Enforcement point ".into()),
            Inline::Code(id.clone()),
            Inline::Text(", ".into()),
        ];
        line.extend(inlines(&how));
        line.push(Inline::Text(".".into()));
        doc.push(Block::Para {
            class: hint::RULE_LINE,
            text: line,
        });
    }
    if let Some(r) = rule {
        doc.push(para_class(hint::DOING, r.doing));
    }
    // A broken or outdated policy is not the workload's fault: the point's usual owner would
    // mislead; the policy error's own explanation says whose move it is.
    let allowed = dec.decision.as_deref() == Some("allow");
    if allowed {
        doc.push(para_class(
            hint::WARN,
            "This decision allowed the request: it is not a denial. The enforcer writes decisions like this only into logs; one in a paste was usually copied by mistake, or from a log that records every decision. Look for a decision with `\"decision\":\"deny\"` beside it.",
        ));
    }
    if let Some(r) = rule.filter(|_| dec.policy_error.is_none() && !allowed) {
        let mut owner = vec![
            Inline::Strong(r.owner.label().to_string()),
            Inline::Text(": ".into()),
        ];
        owner.extend(inlines(r.owner_note));
        doc.push(Block::Para {
            class: hint::OWNER,
            text: owner,
        });
    }

    // Nothing decoded as a decision: the decoding notes say why, no reason to discuss.
    if d.blob.decision.is_some() {
        let rule_id = rule_info.as_ref().map(|(id, _)| id.as_str());
        doc.push(Block::Section {
            class: hint::REASON,
            body: reason_blocks(dec, rule, rule_id, d.blob.repaired.is_some()),
        });
    }
    if let Some(b) = input_section(dec, rule_info.as_ref().map(|r| r.0.as_str())) {
        doc.push(b);
    }
    if let Some(t) = &dec.truncated {
        let items = t
            .iter()
            .take(MAX_ITEMS)
            .map(|x| {
                vec![Block::Para {
                    class: hint::PLAIN,
                    text: vec![Inline::Code(x.clone())],
                }]
            })
            .collect();
        doc.push(Block::Section {
            class: hint::TRUNCATED,
            body: vec![
                heading(3, "What the platform cut (`truncated`)"),
                Block::List {
                    ordered: false,
                    class: hint::INLINE_LIST,
                    items,
                },
            ]
            .into_iter()
            .chain(more_items(t.len()))
            .chain([para(&expert::truncation_meaning(t))])
            .collect(),
        });
    }
    if !dec.unknown.is_empty() {
        let rows = dec
            .unknown
            .iter()
            .take(MAX_ITEMS)
            .map(|(k, v)| vec![values::code_cell(k), values::value_cell(v)])
            .collect();
        doc.push(Block::Section {
            class: hint::UNKNOWN_KEYS,
            body: vec![
                heading(3, "Other fields"),
                para(
                    "The decision holds fields this app does not know. They are shown as they are.",
                ),
                Block::Table {
                    head: vec!["Field".into(), "Value".into()],
                    rows,
                },
            ]
            .into_iter()
            .chain(more_items(dec.unknown.len()))
            .collect(),
        });
    }
    if let Some(b) = context_section(d, dec) {
        doc.push(b);
    }
    let problems = super::blob::blob_problems_at(&d.blob, &d.invalid_at);
    if !problems.is_empty() {
        let items = problems
            .into_iter()
            .map(|(warn, t)| {
                vec![Block::Para {
                    class: if warn { hint::WARN } else { hint::PLAIN },
                    text: text(t),
                }]
            })
            .collect();
        doc.push(Block::Section {
            class: hint::PROBLEMS,
            body: vec![
                heading(3, "Decoding notes"),
                Block::List {
                    ordered: false,
                    class: hint::PLAIN,
                    items,
                },
            ],
        });
    }
    super::blob::raw_blocks(&d.blob, doc);
}

/// `cut`: the JSON was cut off and completed, so fields after the cut never arrived.
fn reason_blocks(
    dec: &Decision,
    rule: Option<&'static knowledge::Rule>,
    rule_id: Option<&str>,
    cut: bool,
) -> Vec<Block> {
    let mut out = vec![match dec.decision.as_deref() {
        Some("allow") => heading(3, "What it says (`reason`)"),
        _ => heading(3, "Why it was denied (`reason`)"),
    }];
    match &dec.reason {
        Some(Reason::Errors {
            errors,
            error_objects,
            other,
        }) => {
            if errors.is_empty() {
                out.push(para_class(
                    hint::EMPTY_ERRORS,
                    rule.and_then(|r| r.empty_errors).unwrap_or(
                        "The policy denied this without naming a reason (`errors` is empty): the rule's conditions were not met, but no error rule described why. Compare the workload with the policy using `--diff`.",
                    ),
                ));
            }
            out.extend(messages::message_blocks(
                errors.iter().map(String::as_str),
                knowledge::lookup_message,
                rule_id,
            ));
            if let Some(eo) = error_objects {
                out.push(Block::Details {
                    summary: "Candidates the policy compared against (error_objects)".into(),
                    open: false,
                    body: vec![Block::Pre {
                        code: values::pretty(eo),
                        copy: Vec::new(),
                    }],
                });
            }
            for (k, v) in other.iter().take(MAX_ITEMS) {
                out.push(Block::Para {
                    class: hint::PLAIN,
                    text: vec![
                        Inline::Text("Also in the reason: ".into()),
                        Inline::Code(k.clone()),
                        Inline::Text(" = ".into()),
                        Inline::Code(v.to_string()),
                    ],
                });
            }
            out.extend(more_items(other.len()));
        }
        Some(Reason::Text(t)) => out.push(messages::message_block(t, knowledge::lookup_reason(t))),
        Some(Reason::Other(v)) => out.push(Block::Para {
            class: hint::PLAIN,
            text: vec![
                Inline::Text("The reason has an unexpected shape, shown as it is: ".into()),
                Inline::Code(v.to_string()),
            ],
        }),
        None if dec.was_truncated("reason") => out.push(para(
            "The reason was cut to fit the size limit (see below).",
        )),
        None if cut => out.push(para(
            "The reason is not in the part of the decision that could be read (see the decoding notes).",
        )),
        None if dec.policy_error.is_none() => out.push(para("The decision carries no reason.")),
        None => {}
    }
    if let Some(pe) = &dec.policy_error {
        out.push(heading(4, "Policy error"));
        out.push(messages::message_block(pe, knowledge::lookup_reason(pe)));
    }
    out
}

pub(super) fn input_section(dec: &Decision, rule_id: Option<&str>) -> Option<Block> {
    // An input holding only `rule` has nothing to tabulate.
    let input = dec.input.as_ref().filter(|i| !i.is_empty())?;
    let rule = rule_id.and_then(knowledge::rule);
    let rows = input
        .iter()
        .take(MAX_ITEMS)
        .map(|(k, v)| {
            let mut meaning = Vec::new();
            if let Some(f) = rule.and_then(|r| r.field(k)) {
                meaning.push(para(f.meaning));
            }
            for n in expert::field_notes(rule_id, k, v) {
                meaning.push(para_class(hint::NOTE, &n));
            }
            vec![values::code_cell(k), values::value_cell(v), meaning]
        })
        .collect();
    Some(Block::Section {
        class: hint::INPUT,
        body: vec![
            heading(3, "What the platform asked for (`input`)"),
            Block::Table {
                head: vec!["Field".into(), "Value".into(), "Meaning".into()],
                rows,
            },
        ]
        .into_iter()
        .chain(more_items(input.len()))
        .collect(),
    })
}

fn context_section(d: &DecisionFinding, dec: &Decision) -> Option<Block> {
    let mut rows: Vec<(String, String)> = Vec::new();
    if let Some(w) = &d.wrapper {
        rows.push(("guest message".into(), w.text.clone()));
        rows.extend(w.details.iter().cloned());
    }
    // The host's container ID is shown once: not again when `input` already has it.
    let in_input = |v: &str| {
        dec.input
            .as_ref()
            .and_then(|i| i.get("containerID"))
            .and_then(|c| c.as_str())
            == Some(v)
    };
    rows.extend(
        d.host
            .iter()
            .filter(|(k, v)| !(k == "container ID" && in_input(v)))
            .cloned(),
    );
    if rows.is_empty() {
        return None;
    }
    let rows = rows
        .into_iter()
        .map(|(k, v)| vec![vec![para(&k)], values::code_cell(&v)])
        .collect();
    Some(Block::Section {
        class: hint::CONTEXT,
        body: vec![
            heading(3, "From the event text"),
            Block::Table {
                head: Vec::new(),
                rows,
            },
        ],
    })
}
