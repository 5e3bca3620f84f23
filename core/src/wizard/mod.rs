//! The network troubleshooting wizard: the graph as data and a pure state machine.
//!
//! - [`graph`]: the types ([`Graph`], [`Node`], [`Question`], [`Outcome`] …) and helpers.
//! - [`network`]: the graph, [`NETWORK`], compiled from `data/network.toml` by build.rs: adding
//!   a question or a result means editing that file only (see the README).
//! - [`state`]: [`WizardState`], the answers so far, with navigation (answer, back, jump to an
//!   earlier answer), the breadcrumb, the URL-fragment encoding, reading a link (with the
//!   corrected address of a damaged one) and the Markdown summary.
//!
//! No browser APIs here: everything is tested on the host (`tests/wizard.rs`).

pub mod graph;
pub mod network;
pub mod state;

pub use graph::{Answer, Check, Graph, Node, Outcome, Question, Step};
pub use network::{CONFIDENTIAL_ANSWERS, CONFIDENTIAL_LINK, NETWORK};
pub use state::{fragment, Opened, TrailItem, WizardError, WizardState, ROUTE, SEPARATOR};
