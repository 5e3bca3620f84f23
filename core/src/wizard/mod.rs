//! The network troubleshooting wizard: the graph as data and a pure state machine.
//!
//! - [`graph`]: the types ([`Graph`], [`Node`], [`Question`], [`Outcome`] …) and helpers.
//! - [`network`]: the data, [`NETWORK`]: slow or failing outbound calls from pods on AKS
//!   virtual nodes. Adding a question or a result means editing this file only.
//! - [`state`]: [`WizardState`], the answers so far, with navigation (answer, back, jump to an
//!   earlier answer), the breadcrumb, the URL-fragment encoding and the Markdown summary.
//!
//! No browser APIs here: everything is tested on the host (`tests/wizard.rs`).

pub mod graph;
pub mod network;
pub mod state;

/// The wizard's route in the app: its fragment is `#wizard`, a step's `#wizard/<answers>`.
pub const ROUTE: &str = "wizard";

pub use graph::{code_lang, Answer, Check, Graph, Node, Outcome, Question, Step};
pub use network::NETWORK;
pub use state::{TrailItem, WizardError, WizardState, SEPARATOR};
