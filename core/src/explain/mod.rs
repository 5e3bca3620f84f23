//! Explaining a finding: the decoded decision (or other message) combined with the catalog into a
//! document (see [`crate::report`]) that the UI renders and "Copy report" turns into Markdown.
//! The data flows one way: [`crate::decode`] → here → [`crate::report`]; the catalog
//! ([`crate::knowledge`]) is looked up on the way.
//!
//! - [`finding_doc`] (this file): a finding's whole document: its title, the part for its kind,
//!   where it occurred, and for Confidential pods a pointer to the network wizard;
//!   [`ticket_markdown`] puts every finding (and a wizard result) into one ticket report.
//! - [`decision`]: a decoded policyDecision (enforcement point, reason, input, what was cut).
//! - [`other`]: the other formats (older plain text, Kata, ARM, fixed messages, JSON policy).
//! - [`messages`]: error messages and the catalog entries that explain them.
//! - [`blob`]: how a blob decoded: the decoding notes, the decoded text and JSON.
//! - [`values`]: JSON values as table cells and as (size-guarded) pretty text.
//! - [`expert`]: what particular input values tell.

pub mod blob;
pub mod decision;
pub mod expert;
pub mod messages;
pub mod other;
pub mod policy;
pub mod summary;
pub mod values;

pub use blob::blob_problems;
pub use decision::{decision_rule, Via};
pub use messages::{entry_blocks, message_block};
pub use summary::{gist, summary_doc, Gist, Stage};

use crate::decode::{Analysis, Finding, FindingKind, Occurrence, OtherFormat, Place};
use crate::knowledge;
use crate::report::{hint, markdown, para_class, plural, text, Block, Inline};

/// How many distinct places (pod, namespace, container) of a finding are listed one per line;
/// the others follow in one paragraph.
const PLACES_LISTED: usize = 10;

/// How many occurrence line numbers are listed before "and N more".
const MAX_LINES_LISTED: usize = 20;

/// Most items any one list or table of an explanation shows. Real decisions (3 KiB) never come
/// near it; a hostile one would otherwise make a document hundreds of times its own size (each
/// item costs a few hundred bytes of blocks). The decoded JSON, shown in full, holds the rest.
const MAX_ITEMS: usize = 200;

/// Each distinct message of a list once, in order.
pub(crate) fn distinct(messages: &[String]) -> impl Iterator<Item = &str> {
    let mut seen = std::collections::HashSet::new();
    messages
        .iter()
        .map(String::as_str)
        .filter(move |m| seen.insert(*m))
}

/// The note that ends a list of `total` items cut at [`MAX_ITEMS`].
fn more_items(total: usize) -> Option<Block> {
    (total > MAX_ITEMS).then(|| {
        para_class(
            hint::NOTE,
            &format!("… and {} more, not listed here.", total - MAX_ITEMS),
        )
    })
}

/// The title of a finding (its first heading): what was denied and, where one says it, its key
/// error ("Starting a container — invalid env list: APP_IDENTITY_ENDPOINT").
pub fn finding_title(f: &Finding) -> String {
    let base = match &f.kind {
        FindingKind::Decision(d) => {
            let rule = decision_rule(d);
            let allowed = d
                .blob
                .decision
                .as_ref()
                .is_some_and(|x| x.decision.as_deref() == Some("allow"));
            let what = match rule.as_ref().map(|(id, _)| (id, knowledge::rule(id))) {
                Some((_, Some(r))) => r.title.to_string(),
                Some((id, None)) if allowed => format!("An unknown enforcement point ({id})"),
                Some((id, None)) => format!("Policy denial at an unknown enforcement point ({id})"),
                None if allowed => "A policy decision".to_string(),
                None => "Policy denial (enforcement point not known)".to_string(),
            };
            if allowed {
                return format!("{what} \u{2014} allowed, not a denial");
            }
            what
        }
        FindingKind::Other(o) => other::title(o),
    };
    // The kinds whose title names only the step say the error too.
    let keyed = matches!(
        f.kind,
        FindingKind::Decision(_)
            | FindingKind::Other(OtherFormat::Legacy { .. } | OtherFormat::Kata { .. })
    );
    match summary::gist(f).key.filter(|_| keyed) {
        Some(key) => format!("{base} \u{2014} {key}"),
        None => base,
    }
}

/// The id of the heading of the card of finding `index`.
pub fn card_heading_id(index: usize) -> String {
    format!("finding-{index}")
}

/// The pointer to the network wizard's path for Confidential pods, given once per paste.
pub fn wizard_link() -> Block {
    Block::Para {
        class: hint::CROSS_LINK,
        text: vec![
            Inline::Text("Slow or failing outbound calls too? ".into()),
            Inline::Link {
                href: crate::wizard::CONFIDENTIAL_LINK.to_string(),
                text: "Troubleshoot a Confidential pod's network".into(),
            },
            Inline::Text(": without kube-proxy the cluster DNS is out of reach, and kubectl exec is refused.".into()),
        ],
    }
}

/// Whether a finding comes from a Confidential ACI pod (a decoded decision or the legacy text).
pub fn is_confidential_aci(f: &Finding) -> bool {
    matches!(
        f.kind,
        FindingKind::Decision(_)
            | FindingKind::Other(
                OtherFormat::Legacy { .. }
                    | OtherFormat::JsonPolicy { .. }
                    | OtherFormat::Message { .. }
            )
    )
}

/// "Seen 3 times in the paste, on lines 4, 9, 12." and kubectl's own count of repeats.
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
    // kubectl folds repeats of an event into one: describe's `(x12 over 10m)`, the COUNT
    // column of `get events`, an event's `"count"`.
    if occ.iter().any(|o| o.kubectl_count > 1) {
        let total: u64 = occ.iter().map(|o| u64::from(o.kubectl_count.max(1))).sum();
        let each: Vec<String> = occ
            .iter()
            .take(MAX_LINES_LISTED)
            .map(|o| match o.kubectl_count {
                0 | 1 => format!("once on line {}", o.line),
                n => format!("{n} times on line {}", o.line),
            })
            .collect();
        let detail = if occ.len() > 1 && occ.len() <= MAX_LINES_LISTED {
            format!(": {}", each.join(", "))
        } else {
            String::new()
        };
        format!("{seen} kubectl counted it {total} times (its repeat count for the event{detail}).")
    } else {
        seen
    }
}

/// "Pod `shop/web`, container `worker`, first seen …, last seen …" for a place.
fn place_inlines(p: &Place) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    // Each part after the first continues the sentence, its first letter in lower case.
    let sep = |out: &mut Vec<Inline>, t: &str| {
        out.push(Inline::Text(if out.is_empty() {
            t.to_string()
        } else {
            // The parts are our own ASCII words ("Pod", "Seen"): no Unicode case tables.
            let mut c = t.chars();
            let first = c.next().map(|f| f.to_ascii_lowercase());
            format!(
                ", {}{}",
                first.map(String::from).unwrap_or_default(),
                c.as_str()
            )
        }))
    };
    match (&p.pod, &p.namespace) {
        (Some(pod), ns) => {
            sep(&mut out, "Pod ");
            out.push(Inline::Code(pod.clone()));
            if let Some(ns) = ns {
                out.push(Inline::Text(" in namespace ".into()));
                out.push(Inline::Code(ns.clone()));
            }
        }
        (None, Some(ns)) => {
            sep(&mut out, "Namespace ");
            out.push(Inline::Code(ns.clone()));
        }
        (None, None) => {}
    }
    if let Some(c) = &p.container {
        sep(&mut out, "Container ");
        out.push(Inline::Code(c.clone()));
    }
    let ago = if p.ages { " ago" } else { "" };
    match (&p.first_seen, &p.last_seen) {
        (Some(f), Some(l)) if f != l => {
            sep(
                &mut out,
                &format!("First seen {f}{ago}, last seen {l}{ago}"),
            );
        }
        (Some(t), _) | (None, Some(t)) => sep(&mut out, &format!("Seen {t}{ago}")),
        (None, None) => {}
    }
    if p.ages && (p.first_seen.is_some() || p.last_seen.is_some()) {
        out.push(Inline::Text(" (as of when kubectl listed it)".into()));
    }
    if !out.is_empty() {
        out.push(Inline::Text(".".into()));
    }
    out
}

/// Where a finding came from: one line per distinct pod, namespace and container, with the
/// lines of the paste when there are several.
fn place_blocks(occ: &[Occurrence]) -> Vec<Block> {
    let mut distinct: Vec<(&Place, Vec<usize>)> = Vec::new();
    // A place's index in `distinct` by a hash of its names (the last place of that hash): a large
    // paste has thousands of occurrences in hundreds of pods, and a search of `distinct` for
    // each was quadratic.
    let mut by_hash: std::collections::HashMap<u64, usize> = Default::default();
    for o in occ.iter().filter(|o| {
        let p = &o.place;
        p.pod.is_some()
            || p.namespace.is_some()
            || p.container.is_some()
            || p.first_seen.is_some()
            || p.last_seen.is_some()
    }) {
        let same = |p: &Place| {
            p.pod == o.place.pod
                && p.namespace == o.place.namespace
                && p.container == o.place.container
        };
        // (FNV-1a over the names, each ended by a byte no name has.)
        let key = [&o.place.pod, &o.place.namespace, &o.place.container]
            .iter()
            .flat_map(|n| n.as_deref().unwrap_or("").bytes().chain([0xff]))
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        // The indexed place, or (two places of one hash) the one that is the same.
        let at = match by_hash.get(&key) {
            Some(&i) if same(distinct[i].0) => Some(i),
            Some(_) => distinct.iter().position(|(p, _)| same(p)),
            None => None,
        };
        match at {
            Some(i) => distinct[i].1.push(o.line),
            None => {
                by_hash.insert(key, distinct.len());
                distinct.push((&o.place, vec![o.line]));
            }
        }
    }
    if distinct.len() == 1 && distinct[0].1.len() == occ.len() {
        // One place: from the first time seen to the last, over every occurrence.
        let mut p = distinct[0].0.clone();
        let stamps = !p.ages;
        let times =
            |f: fn(&Place) -> &Option<String>| occ.iter().filter_map(move |o| f(&o.place).clone());
        p.first_seen = match stamps {
            true => times(|p| &p.first_seen).min(),
            false => times(|p| &p.first_seen).next(),
        };
        p.last_seen = match stamps {
            true => times(|p| &p.last_seen).max(),
            false => times(|p| &p.last_seen).next_back(),
        };
        return vec![Block::Para {
            class: hint::PLACE,
            text: place_inlines(&p),
        }];
    }
    let items: Vec<Vec<Block>> = distinct
        .iter()
        .take(PLACES_LISTED)
        .map(|(p, lines)| {
            let mut t = place_inlines(p);
            let shown: Vec<String> = lines
                .iter()
                .take(MAX_LINES_LISTED)
                .map(|l| l.to_string())
                .collect();
            t.push(Inline::Text(format!(
                " {} {}{}.",
                if lines.len() == 1 { "Line" } else { "Lines" },
                shown.join(", "),
                if lines.len() > MAX_LINES_LISTED {
                    " \u{2026}"
                } else {
                    ""
                }
            )));
            vec![Block::Para {
                class: hint::PLAIN,
                text: t,
            }]
        })
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Block::List {
        ordered: false,
        class: hint::PLACE,
        items,
    }];
    // The others in one paragraph, `namespace/pod/container` each: a card of a large paste listed
    // hundreds of places one per line (thousands of elements to lay out).
    if distinct.len() > PLACES_LISTED {
        // (Plain text: the names are the paste's, never markup.)
        let mut s = format!("And {} more: ", distinct.len() - PLACES_LISTED);
        for (k, (p, lines)) in distinct
            .iter()
            .enumerate()
            .take(MAX_ITEMS)
            .skip(PLACES_LISTED)
        {
            if k > PLACES_LISTED {
                s.push_str("; ");
            }
            // namespace/pod/container, as far as the paste names them.
            let mut sep = "";
            for part in [&p.namespace, &p.pod, &p.container].into_iter().flatten() {
                s.push_str(sep);
                s.push_str(part);
                sep = "/";
            }
            s.push_str(" (line ");
            s.push_str(&lines.first().copied().unwrap_or_default().to_string());
            if lines.len() > 1 {
                s.push_str(" \u{2026}");
            }
            s.push(')');
        }
        s.push('.');
        out.push(Block::Para {
            class: hint::PLACE,
            text: vec![Inline::Text(s)],
        });
        out.extend(more_items(distinct.len()));
    }
    out
}

/// The ARM and resource-provider codes given with a finding, outermost first.
fn error_codes(occ: &[Occurrence]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in occ.iter().flat_map(|o| o.place.codes.iter()) {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// The whole explanation of a finding. `heading_id` is given to its title.
pub fn finding_doc(f: &Finding, heading_id: &str) -> Vec<Block> {
    let mut doc = vec![Block::Heading {
        level: 2,
        text: text(finding_title(f)),
        id: Some(heading_id.to_string()),
    }];
    match &f.kind {
        FindingKind::Decision(d) => decision::doc(d, &mut doc),
        FindingKind::Other(o) => other::doc(o, &mut doc),
    }
    // The codes ARM and the resource provider gave, beside the message, so it can be searched.
    let codes = error_codes(&f.occurrences);
    if !codes.is_empty() {
        let mut t = vec![Inline::Text(
            (if codes.len() == 1 {
                "Error code: "
            } else {
                "Error codes, outermost first: "
            })
            .into(),
        )];
        for (i, c) in codes.iter().enumerate() {
            if i > 0 {
                t.push(Inline::Text(" \u{203a} ".into()));
            }
            t.push(Inline::Code(c.clone()));
        }
        let at = doc
            .iter()
            .position(|b| matches!(b, Block::Para { class, .. } if *class == hint::VERBATIM))
            .map_or(1, |i| i + 1);
        doc.insert(
            at,
            Block::Para {
                class: hint::CODES,
                text: t,
            },
        );
    }
    doc.push(para_class(
        hint::OCCURRENCES,
        &occurrence_text(&f.occurrences),
    ));
    doc.extend(place_blocks(&f.occurrences));
    doc
}

/// The card of finding `index` of an analysis: its explanation with what the rest of the paste
/// tells about it (an image on a mutable tag), and, when it is the only finding and comes from a
/// Confidential pod, the pointer to the network wizard (with more findings the summary has it).
/// Long lists of causes and fix steps, and the sources, are folded for narrow screens
/// ([`crate::report::fold`]); the Markdown is the same as without the folds.
pub fn card_doc(a: &Analysis, index: usize) -> Vec<Block> {
    let Some(f) = a.findings.get(index) else {
        return Vec::new();
    };
    let mut doc = finding_doc(f, &card_heading_id(index));
    if !a.mutable_images.is_empty() {
        mutable_tag_first(&mut doc, &a.mutable_images);
    }
    if a.findings.len() < 2 && is_confidential_aci(f) {
        doc.push(wizard_link());
    }
    // Last, once the content is settled: what a narrow screen folds.
    crate::report::fold::fold_long_parts(&mut doc);
    doc
}

/// Puts the "mutable tag" cause first in every list of likely causes that has it, naming the
/// images of the paste that are on `:latest`.
fn mutable_tag_first(doc: &mut [Block], images: &[String]) {
    for b in doc.iter_mut() {
        match b {
            Block::List { class, items, .. } if *class == hint::CAUSES => {
                let Some(i) = items.iter().position(|item| {
                    crate::report::markdown(item)
                        .to_ascii_lowercase()
                        .contains("mutable tag")
                }) else {
                    continue;
                };
                let mut item = items.remove(i);
                let mut t = vec![Inline::Text("This paste shows ".into())];
                for (k, img) in images.iter().enumerate() {
                    if k > 0 {
                        t.push(Inline::Text(", ".into()));
                    }
                    t.push(Inline::Code(img.clone()));
                }
                t.push(Inline::Text(
                    ": a tag that can point at a new image at any time. Pin it by digest (`image@sha256:…`) and regenerate the policy.".into(),
                ));
                item.push(Block::Para {
                    class: hint::FROM_PASTE,
                    text: t,
                });
                items.insert(0, item);
            }
            Block::Section { body, .. } | Block::Details { body, .. } => {
                mutable_tag_first(body, images)
            }
            _ => {}
        }
    }
}

/// The report for a ticket: the triage summary (with two or more findings), every finding's
/// explanation in Markdown, in order, then the network wizard's result when one was reached
/// (`wizard_markdown`, already written).
pub fn ticket_markdown(analysis: &Analysis, wizard_markdown: Option<&str>) -> String {
    let mut md = String::from("# aci-triage report\n\n");
    md.push_str(&plural(analysis.findings.len(), "finding", "findings"));
    md.push_str(" in the pasted text (decoded locally with aci-triage).\n\n");
    if let Some(s) = summary_doc(analysis) {
        md.push_str(&markdown(&s));
        md.push_str("\n---\n\n");
    }
    for i in 0..analysis.findings.len() {
        md.push_str(&markdown(&card_doc(analysis, i)));
        md.push_str("\n---\n\n");
    }
    if let Some(w) = wizard_markdown {
        md.push_str(w);
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_report_holds_every_finding_then_the_wizard() {
        use base64::Engine;
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let text = format!(
            "policyDecision< {} >policyDecision\nerr: running commands is denied by policy\npolicyDecision< {} >policyDecision",
            enc(r#"{"decision":"deny","input":{"rule":"mount_device"},"reason":{"errors":["deviceHash not found"]}}"#),
            enc(r#"{"decision":"deny","input":{"rule":"create_container"},"reason":{"errors":["invalid command"]}}"#),
        );
        let a = crate::decode::analyze(&text);
        assert_eq!(a.findings.len(), 3);
        let wizard = "## Network result\n\nDNS is out of reach.\n";
        let md = ticket_markdown(&a, Some(wizard));
        assert!(md.starts_with("# aci-triage report\n\n3 findings in the pasted text (decoded locally with aci-triage).\n\n## Triage summary\n"), "{md}");
        // The summary, then each finding's own Markdown, in the order of the paste, each closed
        // by a rule.
        let parts: Vec<&str> = md.split("\n---\n\n").collect();
        assert_eq!(parts.len(), 5, "{md}");
        assert!(
            parts[0].ends_with(markdown(&summary_doc(&a).unwrap()).as_str()),
            "{md}"
        );
        for (i, f) in a.findings.iter().enumerate() {
            let own = markdown(&finding_doc(f, "x"));
            assert!(parts[i + 1].ends_with(own.as_str()), "finding {i}: {md}");
        }
        assert_eq!(parts[4], wizard);
        let titles: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
        let expected: Vec<String> = a
            .findings
            .iter()
            .map(|f| format!("## {}", finding_title(f)))
            .collect();
        assert_eq!(titles[0], "## Triage summary");
        assert_eq!(titles[1..4], expected, "{md}");
        assert_eq!(titles[4], "## Network result");
        // Without a wizard result the report ends after the last finding.
        let md = ticket_markdown(&a, None);
        assert!(
            md.ends_with("\n---\n\n") && !md.contains("Network result"),
            "{md}"
        );
        assert!(ticket_markdown(&crate::decode::Analysis::default(), None)
            .starts_with("# aci-triage report\n\n0 findings in the pasted text"));
    }

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
        // Where it is, as an editor shows it: line and column, not a byte offset.
        assert!(
            md.contains("\u{201c}\u{2502}\u{201d} at line 1, column 25 of the paste"),
            "{md}"
        );
        assert!(!md.contains("at byte"), "{md}");
        assert!(!md.contains("\\u{"), "{md}");
    }
}
