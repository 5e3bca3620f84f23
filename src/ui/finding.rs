//! One finding: a decoded decision or a message in another format, explained.

use leptos::prelude::*;
use serde_json::Value;

use super::{plural, rich, CopyButton};
use crate::decode::{
    self, Alphabet, B64Note, DecisionFinding, DecodedBlob, Finding, FindingKind, Occurrence,
    OtherFormat, Reason, RuleSource,
};
use crate::knowledge::{self, expert, Entry, Match, Param};

#[component]
pub fn FindingCard(finding: Finding, index: usize) -> impl IntoView {
    let occurrences = finding.occurrences.clone();
    let heading_id = format!("finding-{index}");
    let body = match finding.kind {
        FindingKind::Decision(d) => decision_view(*d, &heading_id).into_any(),
        FindingKind::Other(o) => other_view(o, &heading_id).into_any(),
    };
    view! {
        <article class="finding" aria-labelledby=heading_id.clone()>
            {body}
            <p class="occurrences">{occurrence_text(&occurrences)}</p>
        </article>
    }
}

fn occurrence_text(occ: &[Occurrence]) -> String {
    let mut lines: Vec<usize> = occ.iter().map(|o| o.line).collect();
    lines.dedup();
    let shown: Vec<String> = lines.iter().take(20).map(|l| l.to_string()).collect();
    let more = if lines.len() > 20 {
        format!(" and {} more", lines.len() - 20)
    } else {
        String::new()
    };
    let where_ = if lines.len() == 1 {
        format!("on line {}", shown[0])
    } else {
        format!("on lines {}{more}", shown.join(", "))
    };
    if occ.len() == 1 {
        format!("Seen once in the paste, {where_}.")
    } else {
        format!(
            "Seen {} in the paste, {where_}.",
            plural(occ.len(), "time", "times")
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Decoded decisions

fn decision_view(d: DecisionFinding, heading_id: &str) -> impl IntoView {
    let decision = d.blob.decision.clone().unwrap_or_default();
    // The enforcement point: from input.rule, the wrapper text, or the only rule of the message.
    let mut rule_info = d.rule().map(|(r, src)| (r.to_string(), Some(src)));
    if rule_info.is_none() {
        rule_info = decision
            .errors()
            .iter()
            .find_map(|e| knowledge::lookup_message(e))
            .and_then(|m| knowledge::only_rule_of(m.entry))
            .map(|r| (r.to_string(), None));
    }
    let rule = rule_info.as_ref().and_then(|(id, _)| knowledge::rule(id));
    let title = match (&rule_info, rule) {
        (_, Some(r)) => r.title.to_string(),
        (Some((id, _)), None) => format!("Policy denial at an unknown enforcement point ({id})"),
        (None, None) => "Policy denial (enforcement point not known)".to_string(),
    };
    let verdict = decision
        .decision
        .clone()
        .unwrap_or_else(|| "(no decision field)".into());

    let rule_line = rule_info.as_ref().map(|(id, src)| {
        let how = match src {
            Some(RuleSource::Input) => "named in the decision's input".to_string(),
            Some(RuleSource::Wrapper) => {
                let w = d.wrapper.as_ref().map(|w| w.text.clone()).unwrap_or_default();
                let alt = d
                    .wrapper
                    .as_ref()
                    .map(|w| w.alternatives)
                    .filter(|a| !a.is_empty())
                    .map(|a| format!(" (or {})", a.join(", ")))
                    .unwrap_or_default();
                format!("inferred from the event text \u{201c}{w}\u{201d}{alt}, because the decision itself does not name it")
            }
            None => "inferred from the error message, the only enforcement point that reports it".to_string(),
        };
        view! {
            <p class="rule-line">
                "Enforcement point " <code>{id.clone()}</code> ", " {how} "."
            </p>
        }
    });

    let owner = rule.map(|r| {
        view! {
            <p class="owner">
                <strong>{r.owner.label()}</strong> ": " {rich(r.owner_note)}
            </p>
        }
    });
    let doing = rule.map(|r| view! { <p class="doing">{rich(r.doing)}</p> });
    let incomplete = d.blob.is_incomplete();
    let rule_id = rule_info.as_ref().map(|(id, _)| id.clone());

    view! {
        <header>
            <h2 id=heading_id.to_string()>{title}</h2>
            <p class="badges">
                <span class="badge verdict">{format!("decision: {verdict}")}</span>
                {incomplete.then(|| view! { <span class="badge warn">"incomplete"</span> })}
            </p>
            {rule_line}
        </header>
        {doing}
        {owner}
        {reason_section(&decision, rule)}
        {input_section(&decision, rule_id.as_deref())}
        {truncation_section(&decision)}
        {unknown_section(&decision)}
        {context_section(&d)}
        {problems_section(&d.blob)}
        {raw_section(&d.blob)}
    }
}

fn reason_section(dec: &decode::Decision, rule: Option<&'static knowledge::Rule>) -> impl IntoView {
    let mut items: Vec<AnyView> = Vec::new();
    match &dec.reason {
        Some(Reason::Errors {
            errors,
            error_objects,
            other,
        }) => {
            if errors.is_empty() {
                let text = rule.and_then(|r| r.empty_errors).unwrap_or(
                    "The policy denied this without naming a reason (`errors` is empty). The rule's own conditions were not met, but no error rule described why; compare the workload with the policy using `--diff`.",
                );
                items.push(view! { <p class="empty-errors">{rich(text)}</p> }.into_any());
            }
            for e in errors {
                items.push(message_view(e, knowledge::lookup_message(e)).into_any());
            }
            if let Some(eo) = error_objects {
                items.push(view! {
                    <details class="error-objects">
                        <summary>"Candidates the policy compared against (error_objects)"</summary>
                        <pre>{pretty(eo)}</pre>
                    </details>
                }.into_any());
            }
            for (k, v) in other {
                items.push(view! { <p>"Also in the reason: " <code>{k.clone()}</code> " = " <code>{compact(v)}</code></p> }.into_any());
            }
        }
        Some(Reason::Text(t)) => {
            items.push(message_view(t, knowledge::lookup_reason(t)).into_any());
        }
        Some(Reason::Other(v)) => {
            items.push(view! { <p>"The reason has an unexpected shape, shown as it is: " <code>{compact(v)}</code></p> }.into_any());
        }
        None => {
            if dec.was_truncated("reason") {
                items.push(
                    view! { <p>"The reason was cut to fit the size limit (see below)."</p> }
                        .into_any(),
                );
            } else if dec.policy_error.is_none() {
                items.push(view! { <p>"The decision carries no reason."</p> }.into_any());
            }
        }
    }
    if let Some(pe) = &dec.policy_error {
        items.push(view! { <h4 class="policy-error-label">"Policy error"</h4> }.into_any());
        items.push(message_view(pe, knowledge::lookup_reason(pe)).into_any());
    }
    view! {
        <section class="reason">
            <h3>"Why it was denied"</h3>
            {items}
        </section>
    }
}

/// One message, verbatim, with its explanation (or the general guidance when unknown).
pub fn message_view(text: &str, found: Option<Match>) -> impl IntoView + use<> {
    let verbatim = text.to_string();
    match found {
        Some(m) => {
            let params = params_view(&m.params);
            let historical = m.historical.then(|| {
                view! { <p class="note">"This is an older wording of the same message."</p> }
            });
            view! {
                <div class="message known">
                    <p class="verbatim"><code>{verbatim}</code></p>
                    <h4>{m.entry.title}</h4>
                    {params}
                    {historical}
                    {entry_body(m.entry)}
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="message unknown">
                <p class="verbatim"><code>{verbatim}</code></p>
                <h4>"A message the catalog does not know"</h4>
                <p>
                    "It is shown exactly as the platform wrote it. Whatever it says, the general way to a fix is the same: regenerate the policy from the exact manifest you deploy, compare it with the one on the pod, and redeploy."
                </p>
                <ol class="steps">
                    {step_view("Regenerate the policy from the deployed manifest.", Some("az confcom acipolicygen --virtual-node-yaml pod.yaml"))}
                    {step_view("Compare it with the policy on the pod (exit code 2 means they differ).", Some("az confcom acipolicygen --virtual-node-yaml pod.yaml --diff"))}
                </ol>
            </div>
        }
        .into_any(),
    }
}

fn params_view(params: &[Param]) -> Option<impl IntoView + use<>> {
    if params.is_empty() {
        return None;
    }
    let rows = params
        .iter()
        .map(|p| {
            let name = p.name.replace('_', " ");
            let values = p
                .values
                .iter()
                .map(|v| view! { <li><code>{v.clone()}</code></li> })
                .collect_view();
            view! { <dt>{name}</dt> <dd><ul class="values">{values}</ul></dd> }
        })
        .collect_view();
    Some(view! { <dl class="params">{rows}</dl> })
}

/// Meaning, causes, fix and sources of a catalog entry.
pub fn entry_body(e: &'static Entry) -> impl IntoView {
    let causes = e
        .causes
        .iter()
        .map(|c| view! { <li>{rich(c)}</li> })
        .collect_view();
    let steps = e
        .fix
        .iter()
        .map(|s| step_view(s.text, s.run))
        .collect_view();
    view! {
        <p class="meaning">{rich(e.meaning)}</p>
        <h5>"Likely causes"</h5>
        <ol class="causes">{causes}</ol>
        <h5>"Fix"</h5>
        <ol class="steps">{steps}</ol>
        {sources_view(e.sources)}
    }
}

fn step_view(text: &'static str, run: Option<&'static str>) -> impl IntoView {
    let cmd = run.map(|r| {
        view! {
            <div class="command">
                <pre><code>{r}</code></pre>
                <CopyButton text=r.to_string() label="Copy command" />
            </div>
        }
    });
    view! { <li>{rich(text)} {cmd}</li> }
}

pub fn sources_view(sources: &'static [&'static str]) -> impl IntoView {
    let links = sources
        .iter()
        .map(|u| {
            view! { <li><a href=*u rel="noreferrer noopener" target="_blank">{knowledge::source_label(u)}</a></li> }
        })
        .collect_view();
    view! {
        <div class="sources">
            <span>"Sources"</span>
            <ul>{links}</ul>
        </div>
    }
}

fn input_section(dec: &decode::Decision, rule_id: Option<&str>) -> Option<impl IntoView + use<>> {
    let input = dec.input.as_ref()?;
    let rule = rule_id.and_then(knowledge::rule);
    let rows = input
        .iter()
        .map(|(k, v)| {
            let meaning = rule.and_then(|r| r.field(k)).map(|f| f.meaning);
            let notes = expert::field_notes(rule_id, k, v);
            let value = value_view(v);
            let explain = meaning.map(|m| view! { <p>{rich(m)}</p> });
            let notes = notes
                .into_iter()
                .map(|n| view! { <p class="note">{rich(&n)}</p> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><code>{k.clone()}</code></th>
                    <td>{value}</td>
                    <td>{explain}{notes}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <section class="input">
            <h3>"What the platform asked for"</h3>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Value"</th><th scope="col">"Meaning"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    })
}

fn value_view(v: &Value) -> AnyView {
    match v {
        Value::String(s) => view! { <code class="value">{s.clone()}</code> }.into_any(),
        Value::Array(items)
            if items.iter().all(|i| i.is_string() || i.is_number()) && !items.is_empty() =>
        {
            let lis = items
                .iter()
                .map(|i| view! { <li><code>{decode::model::value_text(i)}</code></li> })
                .collect_view();
            view! { <ol class="values">{lis}</ol> }.into_any()
        }
        Value::Array(items) if items.is_empty() => {
            view! { <span class="muted">"(empty list)"</span> }.into_any()
        }
        Value::Object(_) | Value::Array(_) => {
            view! { <pre class="value">{pretty(v)}</pre> }.into_any()
        }
        other => view! { <code class="value">{other.to_string()}</code> }.into_any(),
    }
}

fn truncation_section(dec: &decode::Decision) -> Option<impl IntoView + use<>> {
    let t = dec.truncated.as_ref()?;
    let list = t
        .iter()
        .map(|x| view! { <li><code>{x.clone()}</code></li> })
        .collect_view();
    let meaning = expert::truncation_meaning(t);
    Some(view! {
        <section class="truncated">
            <h3>"What the platform cut"</h3>
            <ul class="inline-list">{list}</ul>
            <p>{rich(&meaning)}</p>
        </section>
    })
}

fn unknown_section(dec: &decode::Decision) -> Option<impl IntoView + use<>> {
    if dec.unknown.is_empty() {
        return None;
    }
    let rows = dec
        .unknown
        .iter()
        .map(|(k, v)| view! { <tr><th scope="row"><code>{k.clone()}</code></th><td>{value_view(v)}</td></tr> })
        .collect_view();
    Some(view! {
        <section class="unknown-keys">
            <h3>"Other fields"</h3>
            <p>"The decision holds fields this app does not know. They are shown as they are."</p>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    })
}

fn context_section(d: &DecisionFinding) -> Option<impl IntoView + use<>> {
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
        .map(|(k, v)| view! { <tr><th scope="row">{k}</th><td><code>{v}</code></td></tr> })
        .collect_view();
    Some(view! {
        <section class="context">
            <h3>"From the event text"</h3>
            <div class="table-wrap"><table><tbody>{rows}</tbody></table></div>
        </section>
    })
}

/// Everything worth saying about how the blob decoded.
pub fn blob_problems(b: &DecodedBlob) -> Vec<(bool, String)> {
    // (is_warning, text)
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
            .map(|(off, c)| format!("{c:?} at byte {off}"))
            .collect();
        out.push((
            true,
            format!(
                "{} between the markers {} not base64 and {} skipped: {}.",
                plural(b.invalid_chars.len(), "character", "characters"),
                if b.invalid_chars.len() == 1 {
                    "is"
                } else {
                    "are"
                },
                if b.invalid_chars.len() == 1 {
                    "was"
                } else {
                    "were"
                },
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
    if let Some(appended) = &b.repaired {
        out.push((true, format!("The JSON was cut off; it was completed by adding {appended:?} so that the part that arrived can be shown. Fields after the cut are missing.")));
    }
    if let Some(t) = &b.trailing {
        out.push((
            true,
            format!("Text follows the JSON inside the blob and was ignored: {t:?}"),
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

fn problems_section(b: &DecodedBlob) -> Option<impl IntoView + use<>> {
    let problems = blob_problems(b);
    if problems.is_empty() {
        return None;
    }
    let items = problems
        .into_iter()
        .map(|(warn, text)| view! { <li class:warn=warn>{text}</li> })
        .collect_view();
    Some(view! {
        <section class="problems">
            <h3>"Decoding notes"</h3>
            <ul>{items}</ul>
        </section>
    })
}

fn raw_section(b: &DecodedBlob) -> impl IntoView {
    let (label, shown) = match &b.json {
        Some(v) => ("Decoded JSON", pretty(v)),
        None if !b.text.is_empty() => ("Decoded text", b.text.clone()),
        None => ("Base64 as found", b.base64.clone()),
    };
    let base64 = b.base64.clone();
    let copy_label = if b.json.is_some() {
        "Copy JSON"
    } else {
        "Copy text"
    };
    view! {
        <details class="raw" open=b.json.is_none()>
            <summary>{label}</summary>
            <pre>{shown.clone()}</pre>
            <CopyButton text=shown label=copy_label />
            <CopyButton text=base64 label="Copy base64" />
        </details>
    }
}

// ---------------------------------------------------------------------------------------------
// Other formats

fn other_view(o: OtherFormat, heading_id: &str) -> impl IntoView {
    match o {
        OtherFormat::Legacy { rule, errors, rest } => {
            let r = knowledge::rule(&rule);
            let title = match r {
                Some(r) => format!("{} (older plain-text format)", r.title),
                None => format!("Policy denial at {rule} (older plain-text format)"),
            };
            let format_entry = knowledge::entry("legacy");
            let msgs = errors
                .as_deref()
                .map(knowledge::split_legacy_errors)
                .unwrap_or_default()
                .into_iter()
                .map(|e| {
                    let m = knowledge::lookup_message(&e);
                    message_view(&e, m)
                })
                .collect_view();
            let rest_view = rest.map(|t| {
                let explained = knowledge::lookup_reason(t.trim_end_matches('.'))
                    .map(|m| message_view(&t, Some(m)));
                match explained {
                    Some(v) => v.into_any(),
                    None => view! { <p>"Also in the message: " <code>{t}</code></p> }.into_any(),
                }
            });
            view! {
                <header>
                    <h2 id=heading_id.to_string()>{title}</h2>
                    <p class="rule-line">"Enforcement point " <code>{rule.clone()}</code> ", named in the message."</p>
                </header>
                {format_entry.map(|e| view! { <p class="meaning">{rich(e.meaning)}</p> })}
                <section class="reason">
                    <h3>"Why it was denied"</h3>
                    {msgs}
                    {rest_view}
                </section>
            }
            .into_any()
        }
        OtherFormat::Kata { request, details } => {
            let e = knowledge::entry("kata");
            let det = details.map(|d| view! { <p>"Details from the agent: " <code>{d}</code></p> });
            view! {
                <header>
                    <h2 id=heading_id.to_string()>{e.map(|e| e.title).unwrap_or("AKS Confidential Containers (Kata) policy denial")}</h2>
                    <p class="rule-line">"Request " <code>{request}</code> " was blocked by the Kata agent policy."</p>
                </header>
                {det}
                {e.map(entry_body)}
            }
            .into_any()
        }
        OtherFormat::Known { id, text } => {
            let e = knowledge::entry(id);
            view! {
                <header>
                    <h2 id=heading_id.to_string()>{e.map(|e| e.title).unwrap_or("A known policy error")}</h2>
                </header>
                <p class="verbatim"><code>{text}</code></p>
                {e.map(entry_body)}
            }
            .into_any()
        }
    }
}

// ---------------------------------------------------------------------------------------------

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

fn compact(v: &Value) -> String {
    v.to_string()
}
