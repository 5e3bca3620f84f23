//! The decoder screen: the paste box and the findings.

use leptos::prelude::*;
use std::time::Duration;

use super::finding::FindingCard;
use super::plural;
use crate::decode::{self, Analysis};

/// Delay after the last keystroke before the text is analysed again.
const DEBOUNCE: Duration = Duration::from_millis(150);

#[component]
pub fn Decoder() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let analysis = RwSignal::new(Analysis::default());
    let pending = StoredValue::new(None::<TimeoutHandle>);

    let run = move || {
        let a = text.with_untracked(|t| decode::analyze(t));
        analysis.set(a);
    };
    let schedule = move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(set_timeout_with_handle(run, DEBOUNCE).ok());
    };
    let set_now = move |t: String| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        text.set(t);
        run();
    };

    view! {
        <section class="paste" aria-labelledby="paste-heading">
            <h2 id="paste-heading" class="visually-hidden">"Paste"</h2>
            <label for="event-text">"Event text"</label>
            <p class="hint" id="event-text-hint">
                "Paste the output of " <code>"kubectl describe pod"</code> ", "
                <code>"kubectl get events -o json"</code> " or " <code>"-o yaml"</code>
                ", or a portal or ARM error. It is decoded as you type, on this device."
            </p>
            <textarea
                id="event-text"
                aria-describedby="event-text-hint"
                spellcheck="false"
                autocomplete="off"
                rows="10"
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    schedule();
                }
            ></textarea>
            <div class="actions">
                <button type="button" on:click=move |_| set_now(crate::examples::describe_pod_example())>
                    "Try an example"
                </button>
                <button type="button" on:click=move |_| set_now(String::new())>
                    "Clear"
                </button>
            </div>
        </section>
        <p class="summary" role="status">{move || summary(&analysis.read(), text.with(|t| t.trim().is_empty()))}</p>
        <section class="findings" aria-label="Findings">
            {move || {
                let a = analysis.get();
                if a.findings.is_empty() {
                    empty_state(text.with_untracked(|t| t.trim().is_empty())).into_any()
                } else {
                    a.findings
                        .into_iter()
                        .enumerate()
                        .map(|(i, f)| view! { <FindingCard finding=f index=i /> })
                        .collect_view()
                        .into_any()
                }
            }}
        </section>
    }
}

fn summary(a: &Analysis, empty: bool) -> String {
    if empty || a.findings.is_empty() {
        return String::new();
    }
    let distinct = a.findings.len();
    let mut s = format!("{} found", plural(distinct, "finding", "distinct findings"));
    if a.total_occurrences > distinct {
        s.push_str(&format!(
            " ({} in all)",
            plural(a.total_occurrences, "occurrence", "occurrences")
        ));
    }
    s.push('.');
    s
}

fn empty_state(empty_text: bool) -> impl IntoView {
    let lead = if empty_text {
        "Nothing to explain yet."
    } else {
        "No policy decisions or known policy errors in this text."
    };
    view! {
        <div class="empty">
            <p>{lead}</p>
            <p>
                "The app looks for the " <code>"policyDecision< … >policyDecision"</code>
                " blobs that a Confidential pod's CCE policy leaves in its events, in plain text, JSON, YAML or HTML-escaped form, even when hard-wrapped or cut off. "
                "It also recognises the older plain-text policy errors, AKS Confidential Containers (Kata) denials and ARM rejections of the policy."
            </p>
        </div>
    }
}
