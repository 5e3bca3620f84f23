//! Denials that are not a Confidential container's policy but read like one: Azure Policy
//! refusing a deployment (`RequestDisallowedByPolicy`, "… was disallowed by policy"), and an
//! admission webhook refusing a Kubernetes object (`admission webhook "validation.gatekeeper.sh"
//! denied the request`, with the `[azurepolicy-…]` constraints of Azure Policy for AKS). None is
//! a finding; a paste with no finding but one of these is told what it is instead.

use super::units::find_ci;

/// What a paste without findings is, when it is a denial of another kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookalike {
    /// Azure Policy refused an ARM request (a deployment, a resource group).
    AzurePolicy,
    /// Azure Policy for AKS refused a Kubernetes object through its Gatekeeper constraints.
    AzurePolicyForAks,
    /// Gatekeeper (OPA) refused a Kubernetes object.
    Gatekeeper,
    /// Another admission webhook (Kyverno, a custom one) refused a Kubernetes object.
    AdmissionWebhook,
}

/// How much of a paste is looked at: a lookalike is a short error, pasted near the start.
const LOOK_AT: usize = 4 << 20;
/// How far after `admission webhook` its `denied the request` may come (the webhook's name is
/// between them, quoted or escaped).
const WEBHOOK_NAME: usize = 200;

impl Lookalike {
    /// What it is, in two sentences for the empty state (our own words).
    pub fn note(self) -> String {
        let (what, look) = match self {
            Lookalike::AzurePolicy => (
                "an Azure Policy denial: a policy assigned to the subscription or resource group refused the request",
                "the policy assignment it names",
            ),
            Lookalike::AzurePolicyForAks => (
                "an Azure Policy for AKS denial: its Gatekeeper admission webhook refused the object before any pod was created",
                "the [azurepolicy-…] constraint it names",
            ),
            Lookalike::Gatekeeper => (
                "a Gatekeeper denial: its admission webhook refused the object before any pod was created",
                "the constraint it names",
            ),
            Lookalike::AdmissionWebhook => (
                "an admission webhook denial: the cluster refused the object before any pod was created",
                "the webhook it names",
            ),
        };
        format!("This looks like {what}. It is not a container's CCE policy, so there is nothing here for this tool: look at {look}.")
    }
}

/// The kind of denial `text` is when it reads like one of another kind (see [`Lookalike`]).
/// Call it for a paste without findings: it does not look at what else the paste holds.
pub fn detect(text: &str) -> Option<Lookalike> {
    let b = &text.as_bytes()[..text.len().min(LOOK_AT)];
    let has = |needle: &[u8]| find_ci(b, 0, needle).is_some();
    if let Some(at) = find_ci(b, 0, b"admission webhook") {
        let near = &b[at..b.len().min(at + WEBHOOK_NAME)];
        if find_ci(near, 0, b"denied the request").is_some() {
            return Some(if has(b"[azurepolicy-") {
                Lookalike::AzurePolicyForAks
            } else if find_ci(near, 0, b"gatekeeper").is_some() {
                Lookalike::Gatekeeper
            } else {
                Lookalike::AdmissionWebhook
            });
        }
    }
    (has(b"disallowedbypolicy") || has(b"disallowed by policy")).then_some(Lookalike::AzurePolicy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_told_apart() {
        for (text, want) in [
            (
                r#"Error from server (Forbidden): admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-1f2e] Privileged container is not allowed"#,
                Some(Lookalike::AzurePolicyForAks),
            ),
            (
                r#"admission webhook \"validation.gatekeeper.sh\" denied the request: [psp-privileged] no"#,
                Some(Lookalike::Gatekeeper),
            ),
            (
                r#"admission webhook "validate.kyverno.svc-fail" denied the request: policy x"#,
                Some(Lookalike::AdmissionWebhook),
            ),
            (
                r#"{"code":"RequestDisallowedByPolicy","message":"Resource 'x' was disallowed by policy."}"#,
                Some(Lookalike::AzurePolicy),
            ),
            (
                "resource group creation is disallowed by policy",
                Some(Lookalike::AzurePolicy),
            ),
            ("container creation denied due to policy", None),
            ("", None),
        ] {
            assert_eq!(detect(text), want, "{text:?}");
        }
        // The webhook's words too far apart are not one sentence.
        let far = format!("admission webhook {} denied the request", "x".repeat(300));
        assert_eq!(detect(&far), None);
    }
}
