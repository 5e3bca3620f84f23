//! Every name the UI takes from the pure core, in one place: when the core renames or moves
//! something, this file is the one to adapt.

pub use crate::decode::lookalike::detect as lookalike;
pub use crate::decode::scan::count_newlines;
pub use crate::decode::stream::Scanner;
pub use crate::decode::{analyze, Analysis, FindingKind};
pub use crate::examples::describe_pod_example;
pub use crate::explain::policy::{
    from_json as policy_from_json, worth_reading as policy_worth_reading, PolicyReport,
};
pub use crate::explain::{card_doc, card_heading_id, summary_doc};
pub use crate::knowledge::{
    install as install_catalog, is_installed as is_catalog_installed, CATALOG_FILE,
};
pub use crate::report::{inlines, Block, Inline};
pub use crate::share::{is_share_fragment, repair_fragment, Content, Shared, WARN_LEN};
pub use crate::share::{link_base, PolicyPlaces, HOSTED_URL};
pub use crate::share::{open as open_share, prepare as prepare_share};
pub use crate::share::{Inflate, InflateFailure, MAX_INFLATED};
pub use crate::wizard::doc::{outcome_doc, question_doc};
pub use crate::wizard::{
    load as load_graph, paste::doc as paste_doc, pre_answer, Facts, Graph, Node, WizardState,
    NETWORK_FILE,
};

/// The Markdown report of every finding (with its comparison with the pod's policy, and the
/// policy's own documents, when the policy reader has them), and of the wizard's result if one
/// was reached (the wizard's encoded answers; none before the wizard's graph was loaded).
pub fn ticket_report(a: &Analysis, policy: Option<&PolicyReport>, wizard: &str) -> String {
    let wizard_md = super::wizard::graph()
        .and_then(|g| WizardState::decode(g, wizard).ok().map(|w| (g, w)))
        .filter(|(g, w)| w.outcome(g).is_some())
        .map(|(g, w)| w.markdown(g));
    crate::explain::policy::ticket_markdown(a, policy, wizard_md.as_deref())
}
