//! One finding, explained (the explanation is built by `knowledge::explain` and written into the
//! article by the document renderer).

use leptos::prelude::*;

use crate::decode::Finding;
use crate::explain;

#[component]
pub fn FindingCard(finding: Finding, index: usize) -> impl IntoView {
    let heading_id = format!("finding-{index}");
    let doc = explain::finding_doc(&finding, &heading_id);
    let article = NodeRef::<leptos::html::Article>::new();
    article.on_load(move |el| super::dom::append(&el, &doc));
    view! { <article class="finding" aria-labelledby=heading_id node_ref=article></article> }
}
