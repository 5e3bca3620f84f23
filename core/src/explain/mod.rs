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
pub mod values;

pub use blob::blob_problems;
pub use decision::{decision_rule, Via};
pub use messages::{entry_blocks, message_block};

use crate::decode::{Analysis, Finding, FindingKind, Occurrence, OtherFormat};
use crate::knowledge;
use crate::report::{hint, markdown, para_class, plural, text, Block, Inline};

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
            hint::NOTE,
            &format!("… and {} more, not listed here.", total - MAX_ITEMS),
        )
    })
}

/// The title of a finding (its first heading).
pub fn finding_title(f: &Finding) -> String {
    match &f.kind {
        FindingKind::Decision(d) => {
            let rule = decision_rule(d);
            match rule.as_ref().map(|(id, _)| (id, knowledge::rule(id))) {
                Some((_, Some(r))) => r.title.to_string(),
                Some((id, None)) => format!("Policy denial at an unknown enforcement point ({id})"),
                None => "Policy denial (enforcement point not known)".to_string(),
            }
        }
        FindingKind::Other(o) => other::title(o),
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
        FindingKind::Decision(d) => decision::doc(d, &mut doc),
        FindingKind::Other(o) => other::doc(o, &mut doc),
    }
    doc.push(para_class(
        hint::OCCURRENCES,
        &occurrence_text(&f.occurrences),
    ));
    if is_confidential_aci(f) {
        doc.push(Block::Para {
            class: hint::CROSS_LINK,
            text: vec![
                Inline::Text("Seeing slow or failing outbound calls from this Confidential pod too? ".into()),
                Inline::Link { href: format!("#{}", crate::wizard::ROUTE), text: "Troubleshoot network latency".into() },
                Inline::Text(" (Confidential pods run without kube-proxy, so the cluster DNS is out of reach).".into()),
            ],
        });
    }
    doc
}

/// The report for a ticket: every finding's explanation in Markdown, in order, then the network
/// wizard's result when one was reached (`wizard_markdown`, already written).
pub fn ticket_markdown(analysis: &Analysis, wizard_markdown: Option<&str>) -> String {
    let mut md = String::from("# aci-triage report\n\n");
    md.push_str(&plural(analysis.findings.len(), "finding", "findings"));
    md.push_str(" in the pasted text (decoded locally with aci-triage).\n\n");
    for (i, f) in analysis.findings.iter().enumerate() {
        md.push_str(&markdown(&finding_doc(f, &format!("finding-{i}"))));
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
        assert!(md.starts_with("# aci-triage report\n\n3 findings in the pasted text (decoded locally with aci-triage).\n\n## "), "{md}");
        // Each finding's own Markdown, in the order of the paste, each closed by a rule.
        let parts: Vec<&str> = md.split("\n---\n\n").collect();
        assert_eq!(parts.len(), 4, "{md}");
        for (i, f) in a.findings.iter().enumerate() {
            let own = markdown(&finding_doc(f, "x"));
            assert!(parts[i].ends_with(own.as_str()), "finding {i}: {md}");
        }
        assert_eq!(parts[3], wizard);
        let titles: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
        let expected: Vec<String> = a
            .findings
            .iter()
            .map(|f| format!("## {}", finding_title(f)))
            .collect();
        assert_eq!(titles[..3], expected, "{md}");
        assert_eq!(titles[3], "## Network result");
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
        assert!(md.contains("\u{201c}\u{2502}\u{201d} at byte"), "{md}");
        assert!(!md.contains("\\u{"), "{md}");
    }
}
