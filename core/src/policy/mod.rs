//! The pod's own CCE policy (issue 13): found in a paste, read into a model, and held against
//! the denials the enforcer reported.
//!
//! - [`extract`]: a paste (or a dropped file's bytes) → the workloads its manifests describe and
//!   every policy it carries: the VN2 annotation (direct or in `last-applied-configuration`), an
//!   ARM `ccePolicy`, a `kubectl describe` Annotations block (cut by kubectl at 138 characters),
//!   the base64 alone, or the Rego text (`--outraw`, `--print-existing-policy` with its headers).
//! - [`model`]: the Rego text → a [`Policy`] (versions, fragments, containers, flags, bindings),
//!   read with the tolerant literal reader in [`rego`].
//! - [`compare`]: a denial ([`compare::Denial`]) held against a policy: candidates chosen as the
//!   enforcer does, the verdict and error list the framework would give, and per error the
//!   field that differs.
//!
//! Everything here returns structured values, never prose: the explanation layer words them.
//! Nothing panics on any input; problems are [`Note`]s with partial results beside them.

pub mod compare;
pub mod extract;
pub mod manifest;
pub mod model;
pub mod rego;
pub mod text;
pub mod version;
pub mod yaml;

pub use compare::{hold, Denial, Evidence, Guest, Holding};

pub use extract::{read_bytes, read_paste, FoundPolicy, Origin, PolicyPaste, Spans};
pub use manifest::{ManifestContainer, Workload, WorkloadKind};
pub use model::{read_policy, Container, Flavor, Policy};

/// Something worth telling about a paste, a policy or a comparison. Each variant is a fact with
/// its data; the explanation layer chooses the words.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// The text has no `package` line: it is not a Rego policy.
    NotRego,
    /// The policy has characters outside ASCII (confcom writes ASCII only).
    NotAscii { count: usize },
    /// The policy is at least [`model::LARGE_POLICY_BYTES`] long: such sizes are a known cause of
    /// failed deployments by themselves.
    LargePolicy { bytes: usize },
    /// More containers than [`model::MANY_CONTAINERS`].
    ManyContainers { count: usize },
    /// The text ends inside the value of this assignment: what comes after is missing.
    PolicyCut { in_value: String },
    /// `kubectl describe` cut the annotation (at 138 characters, marked `...`); this many
    /// base64 characters were kept.
    CutByKubectl { kept_chars: usize },
    /// The base64 is damaged; decoding stopped there.
    NotBase64 { problem: text::Base64Problem },
    /// The base64 decodes to JSON: the old JSON policy format, which confcom no longer accepts.
    JsonPolicy,
    /// The base64 decodes to something that is neither Rego nor JSON.
    NotAPolicy,
    /// `ccePolicy: ""` / an empty annotation: no policy yet.
    EmptyPolicy,
    /// An ARM expression instead of the base64: the policy is not in this text.
    ArmExpression { text: String },
    /// The policy annotation differs from the one in `last-applied-configuration`.
    LastAppliedDiffers,
    /// The policy is only in `last-applied-configuration`.
    OnlyInLastApplied,
    /// A YAML document could not be read past this line.
    YamlError { line: usize, message: String },
    /// A JSON document could not be read past this line.
    JsonError { line: usize, message: String },
    /// The file was not plain UTF-8.
    Encoding {
        encoding: text::Encoding,
        replaced: bool,
    },
    /// The annotation is a Kata genpolicy policy.
    KataAnnotation,
}
