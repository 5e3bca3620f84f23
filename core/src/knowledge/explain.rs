//! Explaining a finding: the decoded decision (or other message) combined with the catalog into a
//! document (see [`crate::report`]) that the UI renders and "Copy report" turns into Markdown.

use std::collections::{HashMap, HashSet};

use crate::json::Value;

use super::{expert, Entry, Match, Param};
use crate::decode::{
    model::value_text, Alphabet, B64Note, Decision, DecisionFinding, DecodedBlob, Finding,
    FindingKind, Occurrence, OtherFormat, Reason, RuleSource,
};
use crate::report::{heading, inlines, para, para_class, sources_block, text, Block, Inline};

/// How many occurrence line numbers are listed before "and N more".
const MAX_LINES_LISTED: usize = 20;

/// Most items any one list or table of an explanation shows. Real decisions (3 KiB) never come
/// near it; a hostile one would otherwise make a document hundreds of times its own size (each
/// item costs a few hundred bytes of blocks). The decoded JSON, shown in full, holds the rest.
const MAX_ITEMS: usize = 200;

/// The note that ends a list of `total` items cut at [`MAX_ITEMS`].
fn more_items(total: usize) -> Option<Block> {
    (total > MAX_ITEMS).then(|| {
        para_class(
            "note",
            &format!("… and {} more, not listed here.", total - MAX_ITEMS),
        )
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The enforcement point of a decision and how it is known.
pub fn decision_rule(d: &DecisionFinding) -> Option<(String, Via)> {
    if let Some((r, src)) = d.rule() {
        return Some((r.to_string(), Via::Source(src)));
    }
    let dec = d.blob.decision.as_ref()?;
    if let Some(r) = dec
        .errors()
        .iter()
        .find_map(|e| super::lookup_message(e))
        .and_then(|m| super::only_rule_of(m.entry))
    {
        return Some((r.to_string(), Via::Message));
    }
    // "rule for exec_in_container is missing from policy" and the like name the point.
    let m = super::lookup_reason(dec.policy_error.as_deref()?)?;
    let p = m.params.iter().find(|p| p.name == "enforcement_point")?;
    Some((p.values.first()?.clone(), Via::PolicyError))
}

/// How the enforcement point of a decision is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Source(RuleSource),
    /// An error message only that point reports.
    Message,
    /// The policy error names it.
    PolicyError,
}

/// The title of a finding (its first heading).
pub fn finding_title(f: &Finding) -> String {
    match &f.kind {
        FindingKind::Decision(d) => {
            let rule = decision_rule(d);
            match rule.as_ref().map(|(id, _)| (id, super::rule(id))) {
                Some((_, Some(r))) => r.title.to_string(),
                Some((id, None)) => format!("Policy denial at an unknown enforcement point ({id})"),
                None => "Policy denial (enforcement point not known)".to_string(),
            }
        }
        FindingKind::Other(o) => other_title(o),
    }
}

fn other_title(o: &OtherFormat) -> String {
    match o {
        OtherFormat::Legacy { rule, .. } => match super::rule(rule) {
            Some(r) => format!("{} (older plain-text format)", r.title),
            None => format!("Policy denial at {rule} (older plain-text format)"),
        },
        OtherFormat::Kata { .. } => super::entry("kata")
            .map_or("AKS Confidential Containers (Kata) policy denial", |e| {
                e.title
            })
            .to_string(),
        OtherFormat::Known { id, .. } => super::entry(id)
            .map_or("A known policy error", |e| e.title)
            .to_string(),
        OtherFormat::JsonPolicy { today, .. } => {
            match today.as_deref().and_then(super::lookup_message) {
                Some(m) => format!("{} (older JSON-policy format)", m.entry.title),
                None => json_policy_entry().map_or("", |e| e.title).to_string(),
            }
        }
    }
}

/// Whether a finding comes from a Confidential ACI pod (a decoded decision or the legacy text).
pub fn is_confidential_aci(f: &Finding) -> bool {
    matches!(
        f.kind,
        FindingKind::Decision(_)
            | FindingKind::Other(OtherFormat::Legacy { .. } | OtherFormat::JsonPolicy { .. })
    )
}

/// "Seen 3 times in the paste, on lines 4, 9, 12."
pub fn occurrence_text(occ: &[Occurrence]) -> String {
    let mut lines: Vec<usize> = occ.iter().map(|o| o.line).collect();
    lines.dedup();
    let shown: Vec<String> = lines
        .iter()
        .take(MAX_LINES_LISTED)
        .map(|l| l.to_string())
        .collect();
    let more = if lines.len() > MAX_LINES_LISTED {
        format!(" and {} more", lines.len() - MAX_LINES_LISTED)
    } else {
        String::new()
    };
    let where_ = match shown.as_slice() {
        [] => String::new(),
        [one] => format!(", on line {one}"),
        many => format!(", on lines {}{more}", many.join(", ")),
    };
    let seen = if occ.len() == 1 {
        format!("Seen once in the paste{where_}.")
    } else {
        format!(
            "Seen {} in the paste{where_}.",
            plural(occ.len(), "time", "times")
        )
    };
    // `kubectl describe` folds repeats of an event into one row: `(x12 over 10m)`.
    if occ.iter().any(|o| o.kubectl_count > 1) {
        let total: u64 = occ.iter().map(|o| u64::from(o.kubectl_count.max(1))).sum();
        format!("{seen} kubectl counted it {total} times (the \u{201c}(x\u{2026} over \u{2026})\u{201d} in its events).")
    } else {
        seen
    }
}

/// The whole explanation of a finding. `heading_id` is given to its title.
pub fn finding_doc(f: &Finding, heading_id: &str) -> Vec<Block> {
    let mut doc = vec![Block::Heading {
        level: 2,
        text: text(finding_title(f)),
        id: Some(heading_id.to_string()),
    }];
    match &f.kind {
        FindingKind::Decision(d) => decision_doc(d, &mut doc),
        FindingKind::Other(o) => other_doc(o, &mut doc),
    }
    doc.push(para_class("occurrences", &occurrence_text(&f.occurrences)));
    if is_confidential_aci(f) {
        doc.push(Block::Para {
            class: "cross-link",
            text: vec![
                Inline::Text("Seeing slow or failing outbound calls from this Confidential pod too? ".into()),
                Inline::Link { href: "#wizard".into(), text: "Troubleshoot network latency".into() },
                Inline::Text(" (Confidential pods run without kube-proxy, so the cluster DNS is out of reach).".into()),
            ],
        });
    }
    doc
}

fn decision_doc(d: &DecisionFinding, doc: &mut Vec<Block>) {
    let empty = Decision::default();
    let dec = d.blob.decision.as_ref().unwrap_or(&empty);
    let rule_info = decision_rule(d);
    let rule = rule_info.as_ref().and_then(|(id, _)| super::rule(id));

    let mut badges = vec![(
        format!("decision: {}", dec.decision.as_deref().unwrap_or("(none)")),
        "verdict",
    )];
    if d.blob.is_incomplete() {
        badges.push(("incomplete".to_string(), "warn"));
    }
    if let Some(p) = rule.and_then(|r| r.platform) {
        badges.push((format!("{p} only"), ""));
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
                "inferred from the error message, which only this enforcement point reports"
                    .to_string()
            }
            Via::PolicyError => "named in the policy error".to_string(),
        };
        doc.push(Block::Para {
            class: "rule-line",
            text: vec![
                Inline::Text("Enforcement point ".into()),
                Inline::Code(id.clone()),
                Inline::Text(format!(", {how}.")),
            ],
        });
    }
    if let Some(r) = rule {
        doc.push(para_class("doing", r.doing));
    }
    // A broken or outdated policy is not the workload's fault: the point's usual owner would
    // mislead; the policy error's own explanation says whose move it is.
    if let Some(r) = rule.filter(|_| dec.policy_error.is_none()) {
        let mut owner = vec![
            Inline::Strong(r.owner.label().to_string()),
            Inline::Text(": ".into()),
        ];
        owner.extend(inlines(r.owner_note));
        doc.push(Block::Para {
            class: "owner",
            text: owner,
        });
    }

    // Nothing decoded as a decision: the decoding notes say why, no reason to discuss.
    if d.blob.decision.is_some() {
        doc.push(Block::Section {
            class: "reason",
            body: reason_blocks(dec, rule, d.blob.repaired.is_some()),
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
                    class: "",
                    text: vec![Inline::Code(x.clone())],
                }]
            })
            .collect();
        doc.push(Block::Section {
            class: "truncated",
            body: vec![
                heading(3, "What the platform cut"),
                Block::List {
                    ordered: false,
                    class: "inline-list",
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
            .map(|(k, v)| vec![code_cell(k), value_cell(v)])
            .collect();
        doc.push(Block::Section {
            class: "unknown-keys",
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
    if let Some(b) = context_section(d) {
        doc.push(b);
    }
    let problems = blob_problems(&d.blob);
    if !problems.is_empty() {
        let items = problems
            .into_iter()
            .map(|(warn, t)| {
                vec![Block::Para {
                    class: if warn { "warn" } else { "" },
                    text: text(t),
                }]
            })
            .collect();
        doc.push(Block::Section {
            class: "problems",
            body: vec![
                heading(3, "Decoding notes"),
                Block::List {
                    ordered: false,
                    class: "",
                    items,
                },
            ],
        });
    }
    raw_blocks(&d.blob, doc);
}

/// `cut`: the JSON was cut off and completed, so fields after the cut never arrived.
fn reason_blocks(dec: &Decision, rule: Option<&'static super::Rule>, cut: bool) -> Vec<Block> {
    let mut out = vec![heading(3, "Why it was denied")];
    match &dec.reason {
        Some(Reason::Errors {
            errors,
            error_objects,
            other,
        }) => {
            if errors.is_empty() {
                out.push(para_class(
                    "empty-errors",
                    rule.and_then(|r| r.empty_errors).unwrap_or(
                        "The policy denied this without naming a reason (`errors` is empty): the rule's conditions were not met, but no error rule described why. Compare the workload with the policy using `--diff`.",
                    ),
                ));
            }
            out.extend(message_blocks(
                errors.iter().map(String::as_str),
                super::lookup_message,
            ));
            if let Some(eo) = error_objects {
                out.push(Block::Details {
                    summary: "Candidates the policy compared against (error_objects)".into(),
                    open: false,
                    body: vec![Block::Pre {
                        code: pretty(eo),
                        copy: Vec::new(),
                    }],
                });
            }
            for (k, v) in other.iter().take(MAX_ITEMS) {
                out.push(Block::Para {
                    class: "",
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
        Some(Reason::Text(t)) => out.push(message_block(t, super::lookup_reason(t))),
        Some(Reason::Other(v)) => out.push(Block::Para {
            class: "",
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
        out.push(message_block(pe, super::lookup_reason(pe)));
    }
    out
}

/// A list of messages: each distinct message once, saying how often it appears, and each
/// catalog entry (or, for unknown messages, the general guidance) explained in full only the
/// first time. Repeating the explanation for every repeat of a message made a hostile decision's
/// document hundreds of times larger than the decision.
fn message_blocks<'a>(
    messages: impl Iterator<Item = &'a str>,
    lookup: impl Fn(&str) -> Option<Match>,
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
    distinct
        .into_iter()
        .take(MAX_ITEMS)
        .map(|(m, count)| {
            let found = lookup(m);
            let first = match &found {
                Some(f) => explained.insert(f.entry.id),
                None => !std::mem::replace(&mut unknown_explained, true),
            };
            let mut block = message_block_with(m, found, first);
            if count > 1 {
                if let Block::Section { body, .. } = &mut block {
                    body.insert(
                        1,
                        para_class("note", &format!("This message appears {count} times.")),
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
        class: "verbatim",
        text: vec![Inline::Code(verbatim.to_string())],
    }];
    match found {
        Some(m) => {
            body.push(heading(4, m.entry.title));
            if let Some(p) = params_block(&m.params) {
                body.push(p);
            }
            if m.historical {
                body.push(para_class(
                    "note",
                    "This is an older wording of the same message.",
                ));
            }
            if in_full {
                body.extend(entry_blocks(m.entry));
            } else {
                body.push(para_class(
                    "note",
                    "Its meaning, causes and fix are explained with the same message above.",
                ));
            }
            Block::Section {
                class: "message known",
                body,
            }
        }
        None if !in_full => {
            body.push(heading(4, "A message the catalog does not know"));
            body.push(para_class(
                "note",
                "The general way to a fix is described with the unknown message above.",
            ));
            Block::Section {
                class: "message unknown",
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
                class: "message unknown",
                body,
            }
        }
    }
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
                            class: "",
                            text: vec![Inline::Code(shown.to_string())],
                        }]
                    })
                    .collect();
                (
                    text(p.name.replace('_', " ")),
                    [Block::List {
                        ordered: false,
                        class: "values",
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
        para_class("meaning", e.meaning),
        heading(5, "Likely causes"),
        Block::List {
            ordered: true,
            class: "causes",
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
                class: "owner",
                text,
            },
        );
    }
    out
}

fn code_cell(s: &str) -> Vec<Block> {
    vec![Block::Para {
        class: "",
        text: vec![Inline::Code(s.to_string())],
    }]
}

fn value_cell(v: &Value) -> Vec<Block> {
    match v {
        Value::Array(items) if items.is_empty() => vec![para_class("muted", "(empty list)")],
        Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_number()) => {
            let list = items
                .iter()
                .take(MAX_ITEMS)
                .map(|i| code_cell(&value_text(i)))
                .collect();
            [Block::List {
                ordered: true,
                class: "values",
                items: list,
            }]
            .into_iter()
            .chain(more_items(items.len()))
            .collect()
        }
        Value::Object(_) | Value::Array(_) => vec![Block::Pre {
            code: pretty(v),
            copy: Vec::new(),
        }],
        other => code_cell(&value_text(other)),
    }
}

fn input_section(dec: &Decision, rule_id: Option<&str>) -> Option<Block> {
    // An input holding only `rule` has nothing to tabulate.
    let input = dec.input.as_ref().filter(|i| !i.is_empty())?;
    let rule = rule_id.and_then(super::rule);
    let rows = input
        .iter()
        .take(MAX_ITEMS)
        .map(|(k, v)| {
            let mut meaning = Vec::new();
            if let Some(f) = rule.and_then(|r| r.field(k)) {
                meaning.push(para(f.meaning));
            }
            for n in expert::field_notes(rule_id, k, v) {
                meaning.push(para_class("note", &n));
            }
            vec![code_cell(k), value_cell(v), meaning]
        })
        .collect();
    Some(Block::Section {
        class: "input",
        body: vec![
            heading(3, "What the platform asked for"),
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

fn context_section(d: &DecisionFinding) -> Option<Block> {
    let mut rows: Vec<(String, String)> = Vec::new();
    if let Some(w) = &d.wrapper {
        rows.push(("guest message".into(), w.text.clone()));
        rows.extend(w.details.iter().cloned());
    }
    rows.extend(d.host.iter().cloned());
    if rows.is_empty() {
        return None;
    }
    let rows = rows
        .into_iter()
        .map(|(k, v)| vec![vec![para(&k)], code_cell(&v)])
        .collect();
    Some(Block::Section {
        class: "context",
        body: vec![
            heading(3, "From the event text"),
            Block::Table {
                head: Vec::new(),
                rows,
            },
        ],
    })
}

/// Everything worth saying about how a blob decoded: (is it a warning, text).
pub fn blob_problems(b: &DecodedBlob) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    if !b.closed {
        out.push((true, "The closing >policyDecision marker is missing: the paste ends inside this blob, or the copy was cut. What could be decoded is shown.".to_string()));
    }
    if b.dropped_lines > 0 {
        out.push((
            false,
            format!(
                "{} after the blob did not decode and were left out.",
                plural(b.dropped_lines, "line", "lines")
            ),
        ));
    }
    if !b.invalid_chars.is_empty() {
        let shown: Vec<String> = b
            .invalid_chars
            .iter()
            .take(5)
            .map(|(off, c)| {
                if c.is_control() || c.is_whitespace() {
                    format!("U+{:04X} at byte {off} of the paste", *c as u32)
                } else {
                    format!("\u{201c}{c}\u{201d} at byte {off} of the paste")
                }
            })
            .collect();
        let n = b.invalid_chars.len();
        out.push((
            true,
            format!(
                "{} between the markers {} not base64 and {} skipped: {}.",
                plural(n, "character", "characters"),
                if n == 1 { "is" } else { "are" },
                if n == 1 { "was" } else { "were" },
                shown.join(", ")
            ),
        ));
    }
    for n in &b.b64_notes {
        match n {
            B64Note::MissingPadding => out.push((false, "The base64 had no = padding; that is harmless.".into())),
            B64Note::PaddingInMiddle { index } => out.push((true, format!("An = sign appears inside the base64 at character {}; everything after it was ignored.", index + 1))),
            B64Note::DanglingCharacter { index } => out.push((true, format!("The base64 ends with one character too many (character {}): the blob was cut off.", index + 1))),
        }
    }
    match b.alphabet {
        Alphabet::Standard => {}
        Alphabet::UrlSafe => out.push((false, "The blob uses the URL-safe base64 alphabet (- and _); the guest writes the standard one, so something re-encoded it.".into())),
        Alphabet::Mixed => out.push((true, "The blob mixes both base64 alphabets; it was decoded treating - and _ as + and /.".into())),
    }
    if b.escaped_delimiters {
        out.push((false, "The markers were escaped (\\u003c, &lt; or similar), as JSON and HTML output write them.".into()));
    }
    if let Some(at) = b.utf8_error_at {
        out.push((true, format!("The decoded bytes are not valid UTF-8 from byte {at} on; such bytes are shown as \u{fffd}.")));
    }
    if let Some(p) = &b.json_problem {
        out.push((
            true,
            format!(
                "The decoded text is not valid JSON: {} (line {}, column {}).",
                p.message, p.line, p.column
            ),
        ));
    }
    match (&b.repaired, &b.json_problem) {
        (Some(appended), None) => {
            out.push((true, format!("The JSON was cut off; it was completed by adding \u{201c}{appended}\u{201d} so that the part that arrived can be shown. Fields after the cut are missing.")));
            // Cut inside a string: the last value shown is only its beginning.
            if let Some(v) = b.json.as_ref().filter(|_| appended.starts_with('"')).and_then(last_string) {
                out.push((true, format!("The last value before the cut, \u{201c}{v}\u{201d}, is only its beginning (such as a variable name or hash cut short).")));
            }
        }
        (Some(appended), Some(_)) => out.push((true, format!("The fields before the problem are explained, completed by adding \u{201c}{appended}\u{201d}; the decoded text below shows everything, the rest included."))),
        _ => {}
    }
    if let Some(t) = &b.trailing {
        out.push((
            true,
            format!("Text follows the JSON inside the blob and was ignored: \u{201c}{t}\u{201d}"),
        ));
    }
    if b.json.is_some() && b.decision.is_none() {
        out.push((true, "The JSON is not an object, so it is not a policy decision; it is shown below as it is.".into()));
    }
    if b.text.is_empty() {
        out.push((true, "Nothing could be decoded from this blob.".into()));
    }
    out
}

/// The string that comes last in the document (where a cut-off text ends).
fn last_string(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Array(items) => last_string(items.last()?),
        Value::Object(fields) => last_string(&fields.last()?.1),
        _ => None,
    }
}

fn raw_blocks(b: &DecodedBlob, doc: &mut Vec<Block>) {
    let details = |summary: &str, shown: String, label: &'static str, open: bool| Block::Details {
        summary: summary.into(),
        open,
        body: vec![Block::Pre {
            code: shown.clone(),
            copy: vec![(label, shown), ("Copy base64", b.base64.clone())],
        }],
    };
    // Invalid JSON: the text as decoded comes first, so nothing after the problem is hidden.
    if b.json.is_none() || b.json_problem.is_some() {
        let (summary, shown) = match b.text.is_empty() {
            false => ("Decoded text", b.text.clone()),
            true => ("Base64 as found", b.base64.clone()),
        };
        doc.push(details(summary, shown, "Copy text", true));
    }
    if let Some(v) = &b.json {
        doc.push(details("Decoded JSON", pretty(v), "Copy JSON", false));
    }
}

fn other_doc(o: &OtherFormat, doc: &mut Vec<Block>) {
    match o {
        OtherFormat::Legacy { rule, errors, rest } => {
            doc.push(Block::Para {
                class: "rule-line",
                text: vec![
                    Inline::Text("Enforcement point ".into()),
                    Inline::Code(rule.clone()),
                    Inline::Text(", named in the message.".into()),
                ],
            });
            if let Some(e) = super::entry("legacy") {
                doc.push(para_class("meaning", e.meaning));
            }
            let mut body = vec![heading(3, "Why it was denied")];
            let errors = errors
                .as_deref()
                .map(super::split_legacy_errors)
                .unwrap_or_default();
            body.extend(message_blocks(
                errors.iter().map(String::as_str),
                super::lookup_message,
            ));
            // The input the old format printed after `Input: `, as a table like a decision's.
            let input = rest
                .as_deref()
                .and_then(|t| t.split_once("Input: {"))
                // Inside JSON output its quotes arrive escaped.
                .map(|(_, json)| format!("{{{}", json.replace("\\\"", "\"")))
                .and_then(|json| crate::json::parse_prefix(&json).ok())
                .map(|(v, _)| Value::Object(vec![("input".into(), v)]))
                .and_then(|v| Decision::from_value(&v));
            if let Some(t) = rest {
                match super::lookup_reason(t.trim_end_matches('.')) {
                    Some(m) => body.push(message_block(t, Some(m))),
                    None => body.push(Block::Para {
                        class: "",
                        text: vec![
                            Inline::Text("Also in the message: ".into()),
                            Inline::Code(t.clone()),
                        ],
                    }),
                }
            }
            doc.push(Block::Section {
                class: "reason",
                body,
            });
            if let Some(b) = input.as_ref().and_then(|d| input_section(d, Some(rule))) {
                doc.push(b);
            }
        }
        OtherFormat::Kata { request, details } => {
            doc.push(Block::Para {
                class: "rule-line",
                text: vec![
                    Inline::Text("Request ".into()),
                    Inline::Code(request.clone()),
                    Inline::Text(" was blocked by the Kata agent policy.".into()),
                ],
            });
            if let Some(d) = details {
                doc.push(Block::Para {
                    class: "",
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
                    doc.push(Block::Para { class: "", text });
                    doc.push(Block::Command {
                        code: format!("kubectl get pod <pod> -o jsonpath='{{.metadata.annotations.io\\.katacontainers\\.config\\.agent\\.policy}}' | base64 -d | sed -n '{ranges}'"),
                    });
                }
            }
            if let Some(e) = super::entry("kata") {
                doc.extend(entry_blocks(e));
            }
        }
        OtherFormat::Known { id, text: t } => {
            doc.push(Block::Para {
                class: "verbatim",
                text: vec![Inline::Code(t.clone())],
            });
            if let Some(e) = super::entry(id) {
                doc.extend(entry_blocks(e));
            }
        }
        OtherFormat::JsonPolicy { text: t, today } => {
            doc.push(Block::Para {
                class: "verbatim",
                text: vec![Inline::Code(t.clone())],
            });
            let found = today.as_deref().and_then(super::lookup_message);
            match (today, found, json_policy_entry()) {
                (Some(today), Some(m), Some(e)) => {
                    doc.push(para_class("meaning", e.meaning));
                    doc.push(Block::Para {
                        class: "",
                        text: vec![
                            Inline::Text("Today's guests report the same check as ".into()),
                            Inline::Code(today.clone()),
                            Inline::Text(", explained here:".into()),
                        ],
                    });
                    doc.push(Block::Section {
                        class: "reason",
                        body: vec![
                            heading(3, "Why it was denied"),
                            message_block(today, Some(m)),
                        ],
                    });
                    doc.push(sources_block(e.sources));
                }
                (.., Some(e)) => doc.extend(entry_blocks(e)),
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

fn json_policy_entry() -> Option<&'static super::Entry> {
    super::entry("json-policy")
}

/// Pretty JSON, or compact JSON when indenting would make it much longer: a hostile decision of
/// many small values nested deep would pretty-print to hundreds of times its size, in the page
/// and in the copied report. Real decisions fit in 3 KiB and are always indented.
fn pretty(v: &Value) -> String {
    let compact = crate::json::to_string(v);
    let budget = compact.len().saturating_mul(4).saturating_add(64 * 1024);
    crate::json::to_pretty_within(v, budget).unwrap_or(compact)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::markdown;

    #[test]
    fn long_lists_are_cut() {
        use base64::Engine;
        let keys: String = (0..MAX_ITEMS + 5).map(|i| format!("\"k{i}\":1,")).collect();
        let json = format!(r#"{{"decision":"deny",{keys}"x":1}}"#);
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let a = crate::decode::analyze(&format!("policyDecision< {b64} >policyDecision"));
        let md = markdown(&finding_doc(&a.findings[0], "f"));
        assert!(md.contains("`k199`"), "{md}");
        assert!(!md.contains("`k200`"), "{md}");
        assert!(md.contains("… and 6 more, not listed here."), "{md}");
        // The decoded JSON still holds every field.
        assert!(md.contains("\"k204\": 1"), "{md}");
    }

    #[test]
    fn repeated_messages_are_explained_once() {
        let msgs = [
            "invalid command",
            "invalid command",
            "unknown one",
            "invalid command",
            "unknown two",
        ];
        let blocks = message_blocks(msgs.into_iter(), super::super::lookup_message);
        assert_eq!(blocks.len(), 3, "one block per distinct message");
        let md = markdown(&blocks);
        assert_eq!(
            md.matches("This message appears 3 times.").count(),
            1,
            "{md}"
        );
        let meaning = super::super::lookup_message("invalid command")
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
    fn a_reason_lost_to_a_cut_copy_is_not_called_absent() {
        use base64::Engine;
        let json = r#"{"decision":"deny","input":{"rule":"create_container","argList":["/bin/sh"]},"reason":{"errors":["invalid command"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let whole = format!("policyDecision< {b64} >policyDecision");
        // Cut inside the input: the reason never arrived.
        let cut = format!("policyDecision< {}", &b64[..60]);
        let md =
            |text: &str| markdown(&finding_doc(&crate::decode::analyze(text).findings[0], "f"));
        let (whole, cut) = (md(&whole), md(&cut));
        assert!(whole.contains("invalid command"), "{whole}");
        assert!(
            cut.contains("The reason is not in the part of the decision that could be read"),
            "{cut}"
        );
        assert!(!cut.contains("carries no reason"), "{cut}");
        let bare = md(&format!(
            "policyDecision< {} >policyDecision",
            base64::engine::general_purpose::STANDARD.encode(r#"{"decision":"deny"}"#)
        ));
        assert!(bare.contains("The decision carries no reason."), "{bare}");
    }

    #[test]
    fn invalid_json_in_a_whole_blob_shows_all_of_the_decoded_text() {
        use base64::Engine;
        let json = r#"{"decision":"deny","reason":{"errors":["invalid command" "x"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let a = crate::decode::analyze(&format!("policyDecision< {b64} >policyDecision"));
        let md = markdown(&finding_doc(&a.findings[0], "f"));
        assert!(md.contains("is not valid JSON"), "{md}");
        assert!(!md.contains("was cut off"), "{md}");
        assert!(md.contains("**Decoded text**"), "{md}");
        assert!(
            md.contains(json),
            "the text as decoded, \"x\" included: {md}"
        );
        // The part before the problem is still explained.
        assert!(md.contains("#### Command not allowed"), "{md}");
    }

    #[test]
    fn nothing_to_say_is_not_said() {
        use base64::Engine;
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        // Only the rule in the input: no empty table.
        let only_rule = format!(
            "policyDecision< {} >policyDecision",
            enc(r#"{"decision":"deny","input":{"rule":"get_properties"},"reason":{"errors":[]}}"#)
        );
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&only_rule).findings[0],
            "f",
        ));
        assert!(!md.contains("What the platform asked for"), "{md}");
        // Not a decision at all: no talk of a missing reason.
        let not_json = format!("policyDecision< {} >policyDecision", enc("hello"));
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&not_json).findings[0],
            "f",
        ));
        assert!(!md.contains("carries no reason"), "{md}");
        assert!(
            md.contains("**Decoded text**") && md.contains("hello"),
            "{md}"
        );
        // Skipped characters are named readably, not as Rust escapes.
        let odd = format!(
            "policyDecision< {}\u{2502}{} >policyDecision",
            &enc(r#"{"decision":"deny"}"#)[..8],
            &enc(r#"{"decision":"deny"}"#)[8..]
        );
        let md = markdown(&finding_doc(&crate::decode::analyze(&odd).findings[0], "f"));
        assert!(md.contains("\u{201c}\u{2502}\u{201d} at byte"), "{md}");
        assert!(!md.contains("\\u{"), "{md}");
    }

    #[test]
    fn a_value_cut_by_the_copy_is_called_a_beginning() {
        use base64::Engine;
        let json = r#"{"decision":"deny","reason":{"errors":["invalid env list: FOO,APP_IDENTITY_ENDPOINT"]}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        // Cut inside the second variable's name (a multiple of 4 characters, so whole bytes).
        let cut_at = json.find("IDENTITY").unwrap() * 4 / 3 / 4 * 4;
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&format!("policyDecision< {}", &b64[..cut_at])).findings[0],
            "f",
        ));
        assert!(
            md.contains("The last value before the cut, \u{201c}invalid env list: FOO,APP"),
            "{md}"
        );
        assert!(md.contains("is only its beginning"), "{md}");
        // Cut between values: nothing is cut short.
        let whole_value = json.find(r#""]}}"#).unwrap() + 1;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&json[..whole_value + 1]);
        let md = markdown(&finding_doc(
            &crate::decode::analyze(&format!("policyDecision< {b64}")).findings[0],
            "f",
        ));
        assert!(md.contains("was cut off"), "{md}");
        assert!(!md.contains("is only its beginning"), "{md}");
    }

    #[test]
    fn old_env_lists_with_values_list_the_names() {
        let blocks = message_blocks(
            ["invalid env list: FOO=bar,BAZ=qux"].into_iter(),
            super::super::lookup_message,
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
