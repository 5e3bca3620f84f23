//! The network troubleshooting graph for pods on AKS virtual nodes, [`NETWORK`]: slow or failing
//! calls, DNS, cluster-only failures and pods that don't start. The questions and results are
//! written in `data/network.toml` and compiled by build.rs (`build/wizard.rs`); what is left
//! here are the links into the graph that other parts of the app use.

use super::graph::{Answer, Check, Graph, Node, Outcome, Question, Step};

include!(concat!(env!("OUT_DIR"), "/wizard_network.rs"));

/// The answers (as [`super::WizardState::encode`] writes them) that open the path for
/// Confidential pods and pods without kube-proxy: DNS injection first, then the NAT gateway,
/// routes and NSG, then SNAT ports and idle timeouts.
pub const CONFIDENTIAL_ANSWERS: &str = "confidential";

/// The address fragment of that path, with its `#`: what a decoded Confidential finding links
/// to ("Calls slow or failing from this pod?").
pub const CONFIDENTIAL_LINK: &str = "#wizard/confidential";
