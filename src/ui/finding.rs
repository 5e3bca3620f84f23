//! One finding, explained (the explanation is built by `knowledge::explain`).

use leptos::prelude::*;

use super::doc::render;
use crate::decode::Finding;
use crate::knowledge::explain;

#[component]
pub fn FindingCard(finding: Finding, index: usize) -> impl IntoView {
    let heading_id = format!("finding-{index}");
    let confidential = explain::is_confidential_aci(&finding);
    let doc = explain::finding_doc(&finding, &heading_id);
    view! {
        <article class="finding" aria-labelledby=heading_id>
            {render(doc)}
            {confidential.then(|| view! {
                <p class="cross-link">
                    "Seeing slow or failing outbound calls from this Confidential pod too? "
                    <a href="#wizard">"Troubleshoot network latency"</a>
                    " (Confidential pods run without kube-proxy, so the cluster DNS is out of reach)."
                </p>
            })}
        </article>
    }
}
