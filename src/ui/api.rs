//! Every name the UI takes from the pure core, in one place: when the core renames or moves
//! something, this file is the one to adapt.

pub use crate::decode::{analyze, Analysis, Finding};
pub use crate::examples::describe_pod_example;
pub use crate::knowledge::explain::finding_doc;
pub use crate::report::wizard::{outcome_doc, question_doc};
pub use crate::report::{inlines, Block, Inline};
pub use crate::share::{decode as decode_share, encode as encode_share, findings_text};
pub use crate::share::{is_share_fragment, Shared, WARN_LEN};
pub use crate::wizard::{Node, WizardState, NETWORK};

use super::plural;

/// The Markdown report of every finding, and of the wizard's result if one was reached (the
/// wizard's encoded answers).
pub fn ticket_report(a: &Analysis, wizard: &str) -> String {
    let mut md = String::from("# aci-triage report\n\n");
    md.push_str(&format!(
        "{} in the pasted text (decoded locally with aci-triage).\n\n",
        plural(a.findings.len(), "finding", "findings")
    ));
    for (i, f) in a.findings.iter().enumerate() {
        md.push_str(&crate::report::markdown(&finding_doc(
            f,
            &format!("finding-{i}"),
        )));
        md.push_str("\n---\n\n");
    }
    let g = &NETWORK;
    if let Ok(w) = WizardState::decode(g, wizard) {
        if w.outcome(g).is_some() {
            md.push_str(&w.markdown(g));
        }
    }
    md
}
