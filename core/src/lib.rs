//! The pure core of aci-triage. Nothing here touches a browser API: this crate does not depend
//! on leptos, web-sys, js-sys or gloo, so it builds and tests with plain `cargo test`.
//!
//! The data flows one way: [`decode`] finds and decodes what a paste holds, [`explain`] turns a
//! finding into a [`report`] document, and the app's UI renders that document. [`knowledge`] is
//! the catalog and its lookup; [`policy`] the pod's own CCE policy; [`wizard`] the network
//! troubleshooting graph and its state machine; [`share`] the versioned fragment codec.

pub mod decode;
pub mod examples;
pub mod explain;
pub mod knowledge;
pub mod order;
pub mod policy;
pub mod report;
pub mod share;
pub mod wizard;
