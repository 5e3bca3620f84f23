//! The network troubleshooting graph for pods on AKS virtual nodes: slow or failing calls, DNS,
//! cluster-only failures and pods that don't start. The questions and results are written in
//! `data/network.toml`, checked by build.rs (`build/wizard.rs`) and written as a JSON data file,
//! [`NETWORK_FILE`], that the app fetches when the wizard is first needed and reads with
//! [`super::load`]. Off the web (tests, tools) the same file is built in: [`NETWORK_JSON`], and
//! [`NETWORK`] read from it. What is left here are the links into the graph that other parts of
//! the app use.

include!(concat!(env!("OUT_DIR"), "/wizard_network.rs"));

/// The network graph, read from [`NETWORK_JSON`] on first use (host and `embedded-graph` only:
/// the app loads [`NETWORK_FILE`] instead). The build checked the file, so reading it can't fail.
#[cfg(any(not(target_arch = "wasm32"), feature = "embedded-graph"))]
pub static NETWORK: std::sync::LazyLock<super::Graph> = std::sync::LazyLock::new(|| {
    super::load(NETWORK_JSON).unwrap_or_else(|e| panic!("the built-in wizard graph: {e}"))
});

/// The answers (as [`super::WizardState::encode`] writes them) that open the path for
/// Confidential pods and pods without kube-proxy: DNS injection first, then the NAT gateway,
/// routes and NSG, then SNAT ports and idle timeouts.
pub const CONFIDENTIAL_ANSWERS: &str = "confidential";

/// The address fragment of that path, with its `#`: what a decoded Confidential finding links
/// to ("Calls slow or failing from this pod?").
pub const CONFIDENTIAL_LINK: &str = "#wizard/confidential";
