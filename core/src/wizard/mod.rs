//! The network troubleshooting wizard: the graph as data and a pure state machine.
//!
//! - [`graph`]: the types ([`Graph`], [`Node`], [`Question`], [`Outcome`] …) and helpers.
//! - [`network`]: the network graph, written in `data/network.toml` and checked by build.rs,
//!   which writes it as a JSON data file ([`NETWORK_FILE`]) that the app fetches when the wizard
//!   is first needed: adding a question or a result means editing that TOML file only (see the
//!   README). Off the web, [`NETWORK`] is that file read at first use.
//! - [`load`](load()): reads such a data file into a [`Graph`], with a [`LoadError`] for a bad one.
//! - [`state`]: [`WizardState`], the answers so far, with navigation (answer, back, jump to an
//!   earlier answer), the breadcrumb, the URL-fragment encoding, reading a link (with the
//!   corrected address of a damaged one) and the Markdown summary.
//! - [`doc`]: questions, outcomes and the summary as documents of the report model (the wizard
//!   uses the model; the model knows nothing of the wizard).
//! - [`paste`]: what a pasted manifest answers ([`Facts`] → [`PreAnswer`]s), and how such a
//!   state is addressed (the fragment keeps only answers; the pre-answers come from the paste).
//!
//! No browser APIs here: everything is tested on the host (`tests/wizard.rs`).

pub mod doc;
pub mod graph;
mod load;
pub mod network;
pub mod paste;
pub mod state;

pub use graph::{Answer, Check, Graph, Node, Outcome, Question, Step};
pub use load::{load, LoadError};
pub use network::{CONFIDENTIAL_ANSWERS, CONFIDENTIAL_LINK, NETWORK_FILE};
#[cfg(any(not(target_arch = "wasm32"), feature = "embedded-graph"))]
pub use network::{NETWORK, NETWORK_JSON};
pub use paste::{pre_answer, pre_answers, Facts, PreAnswer};
pub use state::{fragment, Opened, TrailItem, WizardError, WizardState, ROUTE, SEPARATOR};
