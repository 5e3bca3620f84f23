//! The decoder screen: the paste box (or, for large pastes, a summary), file open and drop, the
//! findings in pages, sharing and the Markdown report.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::browser;
use super::finding::FindingCard;
use super::share::{fragment_for, SharePanel};
use super::state::{DecoderState, Origin, LARGE, PAGE};
use super::CopyButton;
use super::{megabytes, plural};
use crate::decode::Analysis;
use crate::explain;
use crate::report;
use crate::share::Shared;

/// Reads a dropped or chosen file as text and hands it to the decoder.
fn read_file(st: DecoderState, file: web_sys::File) {
    let name = file.name();
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(v) => {
                let text = v.as_string().unwrap_or_default();
                // Undecodable bytes and NULs at the start: an image, archive or other binary.
                let odd = text
                    .chars()
                    .take(4096)
                    .filter(|&c| c == '\u{fffd}' || c == '\0')
                    .count();
                st.load(text, Origin::User);
                if odd > 16 && st.input_note.with_untracked(Option::is_none) {
                    st.input_note.set(Some(format!("{name} does not look like text (an image or an archive?). It is shown as read; export the events as text, JSON or YAML instead.")));
                }
            }
            Err(_) => st
                .input_note
                .set(Some(format!("The file {name} could not be read as text."))),
        }
    });
}

/// The Markdown report of every finding, and of the wizard's result if one was reached.
fn report_markdown(a: &Analysis, wizard: Option<String>) -> String {
    let mut md = String::from("# aci-triage report\n\n");
    md.push_str(&format!(
        "{} in the pasted text (decoded locally with aci-triage).\n\n",
        plural(a.findings.len(), "finding", "findings")
    ));
    for (i, f) in a.findings.iter().enumerate() {
        md.push_str(&report::markdown(&explain::finding_doc(
            f,
            &format!("finding-{i}"),
        )));
        md.push_str("\n---\n\n");
    }
    let g = &crate::wizard::NETWORK;
    if let Some(w) = wizard.and_then(|w| crate::wizard::WizardState::decode(g, &w).ok()) {
        if w.outcome(g).is_some() {
            md.push_str(&w.markdown(g));
        }
    }
    md
}

#[component]
pub fn Decoder() -> impl IntoView {
    let st = expect_context::<DecoderState>();
    let text = st.text;
    let analysis = st.analysis;

    // Tracked: while the panel is open the link follows the paste (an edit that removes text
    // must remove it from the link too).
    let make_link =
        Callback::new(move |full: bool| fragment_for(&text.with(|t| Shared::decoder(t, full))));
    let describe = Callback::new(move |full: bool| {
        let n = analysis.with(|a| a.findings.len());
        if full {
            format!(
                "The link carries the whole pasted text ({} characters), including pod names, namespaces and anything else in it. Share it only with people who may see all of that.",
                text.with(|t| t.chars().count())
            )
        } else {
            format!(
                "The link carries only the {} (each blob with the platform's one-line reason), not pod names, namespaces or any other event text. Everything stays in the part after #, which browsers never send to a server.",
                plural(n, "decoded finding", "decoded findings")
            )
        }
    });
    let last_wizard = use_context::<super::state::LastWizard>();
    let report = Signal::derive(move || {
        let wizard = last_wizard.map(|l| l.0.get_value());
        analysis.with(|a| report_markdown(a, wizard))
    });

    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let Some(data) = ev.clipboard_data() else {
            return;
        };
        let Ok(pasted) = data.get_data("text") else {
            return;
        };
        // Large pastes are taken like a file: laying out megabytes in a text box freezes the tab.
        if pasted.len() > LARGE {
            ev.prevent_default();
            // Like a normal paste, it goes where the caret is, replacing any selection.
            let area = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
            let text = match area {
                Some(a) => {
                    let current = a.value();
                    let at = |n: Result<Option<u32>, _>| match n {
                        Ok(Some(n)) => utf16_to_byte(&current, n as usize),
                        _ => current.len(),
                    };
                    let start = at(a.selection_start());
                    let end = at(a.selection_end()).max(start);
                    format!("{}{pasted}{}", &current[..start], &current[end..])
                }
                None => pasted,
            };
            st.load(text, Origin::User);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            ev.prevent_default();
            read_file(st, file);
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                read_file(st, file);
            }
            input.set_value("");
        }
    };

    let editor = move || {
        if st.large.get() {
            let (bytes, lines) =
                text.with(|t| (t.len(), t.bytes().filter(|&b| b == b'\n').count() + 1));
            view! {
                <div class="large-paste" id="event-text" role="group" aria-label="Event text" tabindex="-1">
                    <p>
                        <strong>{format!("{}, {}", megabytes(bytes), plural(lines, "line", "lines"))}</strong>
                        " were taken like a file: they are decoded in full, but not laid out here, which would slow the page down."
                    </p>
                    <button type="button" on:click=move |_| {
                        st.large.set(false);
                        // The button goes: once the text box is there, the keyboard goes to it.
                        set_timeout(|| {
                            if let Some(t) = document().get_element_by_id("event-text") {
                                let _ = t.unchecked_into::<web_sys::HtmlElement>().focus();
                            }
                        }, std::time::Duration::ZERO);
                    }>"Edit as text"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <textarea
                    id="event-text"
                    aria-describedby="event-text-hint"
                    spellcheck="false"
                    autocomplete="off"
                    rows="10"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        use wasm_bindgen::JsCast;
                        let kind = ev.dyn_ref::<web_sys::InputEvent>().map(|e| e.input_type()).unwrap_or_default();
                        st.edited(event_target_value(&ev), kind.starts_with("insertFrom"))
                    }
                    on:paste=on_paste
                ></textarea>
            }
            .into_any()
        }
    };

    // A file dropped anywhere on the decoder's page is taken (the browser would otherwise open
    // it in place of the app, and the paste would be gone).
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, on_drop);
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });

    view! {
        <section class="paste" aria-labelledby="paste-heading">
            <h2 id="paste-heading" class="visually-hidden">"Paste"</h2>
            <label for="event-text">"Event text"</label>
            <p class="hint" id="event-text-hint">
                "Paste the output of " <code>"kubectl describe pod"</code> ", "
                <code>"kubectl get events -o json"</code> " or " <code>"-o yaml"</code>
                ", or a portal or ARM error, or drop a file here. It is decoded as you type, on this device."
            </p>
            {editor}
            <div class="actions">
                <button type="button" on:click=move |_| st.set_now(crate::examples::describe_pod_example(), Origin::Example)>
                    "Try an example"
                </button>
                <label class="button file">
                    "Open a file"
                    <input type="file" class="visually-hidden" accept=".txt,.log,.json,.yaml,.yml,text/*" on:change=on_file />
                </label>
                <button type="button" on:click=move |_| {
                    st.input_note.set(None);
                    st.set_now(String::new(), Origin::Empty);
                    // An opened share link would bring the text back on reload.
                    if crate::share::is_share_fragment(&browser::hash()) {
                        browser::replace_hash("");
                    }
                }>
                    "Clear"
                </button>
                <Show when=move || analysis.with(|a| !a.findings.is_empty())>
                    <CopyButton text=report label="Copy report" />
                    <SharePanel make=make_link describe=describe offer_full=true label="Share" />
                </Show>
            </div>
            {move || st.input_note.get().map(|n| view! { <p class="warn-text" role="alert">{n}</p> })}
            {move || st.storage_note.get().map(|n| view! { <p class="note">{n}</p> })}
        </section>
        <p class="summary" role="status">{move || summary(&analysis.read(), text.with(|t| t.trim().is_empty()))}</p>
        <section class="findings" aria-label="Findings">
            {move || {
                let shown = st.shown.get();
                let a = analysis.get();
                let total = a.findings.len();
                if total == 0 {
                    return empty_state(text.with_untracked(|t| t.trim().is_empty())).into_any();
                }
                let cards = a
                    .findings
                    .into_iter()
                    .take(shown)
                    .enumerate()
                    .map(|(i, f)| view! { <FindingCard finding=f index=i /> })
                    .collect_view();
                let more = (total > shown).then(|| {
                    let next = (total - shown).min(PAGE);
                    view! {
                        <button type="button" class="more" on:click=move |_| st.shown.update(|s| *s += PAGE)>
                            {format!("Show {next} more ({} not shown yet)", total - shown)}
                        </button>
                    }
                });
                view! { {cards} {more} }.into_any()
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

/// The byte index in `s` of the UTF-16 offset `n` (the browser's caret positions).
fn utf16_to_byte(s: &str, n: usize) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= n {
            return i;
        }
        units += c.len_utf16();
    }
    s.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn caret_offsets_count_utf16_units() {
        let s = "a\u{e9}\u{1f600}b";
        assert_eq!(super::utf16_to_byte(s, 0), 0);
        assert_eq!(super::utf16_to_byte(s, 2), 3);
        // The emoji is two UTF-16 units and four bytes.
        assert_eq!(super::utf16_to_byte(s, 4), 7);
        assert_eq!(super::utf16_to_byte(s, 99), s.len());
    }
}
