//! Every name the UI takes from the pure core, in one place: when the core renames or moves
//! something, this file is the one to adapt.

pub use crate::decode::scan::count_newlines;
pub use crate::decode::stream::Scanner;
pub use crate::decode::{analyze, Analysis, Finding, FindingKind};
pub use crate::examples::describe_pod_example;
pub use crate::explain::finding_doc;
pub use crate::explain::policy::{
    from_json as policy_from_json, worth_reading as policy_worth_reading, PolicyReport,
};
pub use crate::report::wizard::{outcome_doc, question_doc};
pub use crate::report::{inlines, Block, Inline};
pub use crate::share::{decode as decode_share, encode as encode_share};
pub use crate::share::{is_share_fragment, repair_fragment, Content, Shared, WARN_LEN};
pub use crate::share::{link_base, HOSTED_URL};
pub use crate::wizard::{Node, WizardState, NETWORK};

/// The Markdown report of every finding (with its comparison with the pod's policy, and the
/// policy's own documents, when the policy reader has them), and of the wizard's result if one
/// was reached (the wizard's encoded answers).
pub fn ticket_report(a: &Analysis, policy: Option<&PolicyReport>, wizard: &str) -> String {
    let g = &NETWORK;
    let wizard_md = WizardState::decode(g, wizard)
        .ok()
        .filter(|w| w.outcome(g).is_some())
        .map(|w| w.markdown(g));
    crate::explain::policy::ticket_markdown(a, policy, wizard_md.as_deref())
}
