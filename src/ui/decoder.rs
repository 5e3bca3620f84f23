//! The decoder screen: the paste box (or, for large pastes, a summary), file open and drop, the
//! findings in pages, sharing and the Markdown report.
//!
//! The findings are a keyed list of cards ([`Card`]: a card's key is everything it shows), so a
//! changed finding is a new card and an unchanged one stays as it is; nothing is written into an
//! element that Leptos does not own.

use gloo_events::{EventListener, EventListenerOptions};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::api::{describe_pod_example, lookalike, summary_doc, ticket_report, Block, Shared};
use super::copy::CopyButton;
use super::finding::FindingCard;
use super::progress::{self, AnalysisProgress};
use super::share::SharePanel;
use super::state::{DecoderState, Nav, Origin, LARGE, PAGE};
use super::{focus_on_mount, megabytes, plural};

/// From this many cards on, cards below the fold are laid out only when scrolled to.
const LONG_LIST: usize = 8;

/// Where the keyboard goes when the editor's next element appears.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EditorFocus {
    /// The text box ("Edit as text").
    Box,
    /// The large-paste summary (the text box it replaced had the keyboard).
    Summary,
}

/// Reads a dropped or chosen file as text and hands it to the decoder. The browser decodes it
/// (as UTF-8) off the main thread; the text is then copied in slices (see
/// [`DecoderState::load_js`]).
fn read_file(st: DecoderState, file: web_sys::File) {
    let name = file.name();
    spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::JsString>().ok());
        match text {
            Some(text) => {
                // Undecodable bytes and NULs at the start: an image, archive or other binary.
                let odd = String::from(text.substring(0, 4096))
                    .chars()
                    .filter(|&c| c == '\u{fffd}' || c == '\0')
                    .count();
                if st.load_js(text, Origin::User).await
                    && odd > 16
                    && st.input_note.with_untracked(Option::is_none)
                {
                    st.input_note.set(Some(format!("{name} does not look like text (an image or an archive?). It is shown as read; export the events as text, JSON or YAML instead.")));
                }
            }
            None => st
                .input_note
                .set(Some(format!("The file {name} could not be read as text."))),
        }
    });
}

/// The text box. The browser keeps the caret and its undo history: the value is written back
/// only when it differs from what the box holds (another text was loaded), which is also the
/// only time a browser moves the caret.
#[component]
fn TextBox(
    st: DecoderState,
    focus: StoredValue<Option<EditorFocus>>,
    area: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    focus_on_mount(area, focus, EditorFocus::Box);
    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        // The text stays a JavaScript string until it is copied in slices.
        let Some(pasted) = ev
            .clipboard_data()
            .as_ref()
            .and_then(progress::clipboard_text)
        else {
            return;
        };
        // Large pastes are taken like a file: laying out megabytes in a text box freezes the tab.
        if !progress::longer_than(&pasted, LARGE) {
            return;
        }
        ev.prevent_default();
        // Like a normal paste, it goes where the caret is (in UTF-16 units, as the string's),
        // replacing any selection.
        let text = match area.get_untracked() {
            Some(a) => {
                let current = progress::value_of(&a);
                let len = current.length();
                let at = |n: Result<Option<u32>, _>| n.ok().flatten().unwrap_or(len).min(len);
                let start = at(a.selection_start());
                let end = at(a.selection_end()).max(start);
                current
                    .slice(0, start)
                    .concat(&pasted)
                    .concat(&current.slice(end, len))
            }
            None => pasted,
        };
        // The box goes; the keyboard goes to the summary that takes its place.
        focus.set_value(Some(EditorFocus::Summary));
        spawn_local(async move {
            st.load_js(text, Origin::User).await;
        });
    };
    // Selecting in a long text is slow while the page skips laying out some of its parts: with
    // this class on, the box having the keyboard makes the page lay out everything (app.css).
    let long = Memo::new(move |_| st.text.with(String::len) > LONG_TEXT);
    view! {
        <textarea
            id="event-text"
            class:long=long
            node_ref=area
            aria-describedby="event-text-hint"
            spellcheck="false"
            autocomplete="off"
            rows="10"
            prop:value=move || st.text.get()
            on:input=move |ev| {
                let kind = ev.dyn_ref::<web_sys::InputEvent>().map(|e| e.input_type()).unwrap_or_default();
                st.edited(event_target_value(&ev), kind.starts_with("insertFrom"))
            }
            on:paste=on_paste
        ></textarea>
    }
}

/// From this length (bytes) the text box's selection is kept fast (see `TextBox`): Ctrl+A on
/// 32 KiB cost about 20 ms with parts of the page unlaid out, on 512 KiB about 3 s.
const LONG_TEXT: usize = 32 * 1024;

/// In place of the text box for a large paste: its size, and "Edit as text". It stands for the
/// text: a paste while it has the keyboard replaces the whole text (selecting and replacing
/// megabytes in a text box takes the browser seconds).
#[component]
fn LargeSummary(st: DecoderState, focus: StoredValue<Option<EditorFocus>>) -> impl IntoView {
    let group = NodeRef::<leptos::html::Div>::new();
    focus_on_mount(group, focus, EditorFocus::Summary);
    // The lines are counted while the text is analysed.
    let size = Memo::new(move |_| {
        let len = st.text.with(String::len);
        match st.lines.get() {
            Some(lines) => format!("{}, {}", megabytes(len), plural(lines, "line", "lines")),
            None => megabytes(len),
        }
    });
    // While the summary has the keyboard, a paste is for it. After Ctrl+A the browser sends the
    // paste to the start of the page's selection, not to the summary: listen on the document.
    let on_paste = move |ev: &web_sys::Event| {
        let Some(el) = group.get_untracked() else {
            return;
        };
        let focused = document().active_element();
        if !el.contains(focused.as_ref().map(|f| f.as_ref())) {
            return;
        }
        let Some(pasted) = ev
            .dyn_ref::<web_sys::ClipboardEvent>()
            .and_then(|e| e.clipboard_data())
            .as_ref()
            .and_then(progress::clipboard_text)
        else {
            return;
        };
        ev.prevent_default();
        // The keyboard stays with the text: on the summary, or in the text box if the new text
        // fits there.
        if !progress::longer_than(&pasted, LARGE) {
            focus.set_value(Some(EditorFocus::Box));
        }
        spawn_local(async move {
            st.load_js(pasted, Origin::User).await;
        });
    };
    super::owned(EventListener::new_with_options(
        &document(),
        "paste",
        EventListenerOptions::enable_prevent_default(),
        on_paste,
    ));
    view! {
        <div class="large-paste" id="event-text" role="group" aria-label="Event text" tabindex="-1" node_ref=group>
            <p>
                <strong>{size}</strong>
                " were taken like a file: they are decoded in full, but not laid out here, which would slow the page down. Paste here to replace them."
            </p>
            <button type="button" on:click=move |_| {
                // The button goes: once the text box is there, the keyboard goes to it.
                focus.set_value(Some(EditorFocus::Box));
                st.large.set(false);
            }>"Edit as text"</button>
        </div>
    }
}

#[component]
pub fn Decoder() -> impl IntoView {
    let st = expect_context::<DecoderState>();
    let nav = use_context::<Nav>();
    let text = st.text;
    let decoded = st.decoded;
    // The pod's own policy, read by the lazily loaded policy reader (the app's, see `lib.rs`).
    let policy = use_context::<super::policy::Watched>()
        .map(|w| w.0)
        .unwrap_or_else(|| super::policy::watch(st));

    // Tracked: while the panel is open the link follows the paste (an edit that removes text
    // must remove it from the link too) and the policy reader's answer (where the policy is).
    // Until the reader has answered for this very paste, the link waits: a link copied before
    // would leave out less (or other text) than the one shown a moment later.
    // A large paste still analysed waits too: whether it holds a policy is known at the end.
    let make_link = Callback::new(move |(full, with_policy): (bool, bool)| {
        if st.progress.with(Option::is_some) {
            return None;
        }
        policy.with(|p| {
            text.with(|t| {
                let places = super::share::policy_places(t, p)?;
                Some(Shared::decoder_with_policy(
                    t,
                    full,
                    Some(&places),
                    with_policy,
                ))
            })
        })
    });
    let has_policy = Signal::derive(move || st.may_hold_policy());
    let describe = Callback::new(move |(full, with_policy): (bool, bool)| {
        let n = decoded.with(|d| d.analysis.findings.len());
        let mut s = if full {
            format!(
                "The link carries the whole pasted text ({} characters), including pod names, namespaces and anything else in it. Share it only with people who may see all of that.",
                text.with(|t| t.chars().count()),
            )
        } else {
            format!(
                "The link carries only the {} (each blob with the platform's one-line reason), not pod names, namespaces or any other event text. Everything stays in the part after #, which browsers never send to a server.",
                plural(n, "decoded finding", "decoded findings")
            )
        };
        if has_policy.get() {
            s.push(' ');
            s.push_str(super::share::policy_note(with_policy));
        }
        s
    });
    // Computed when "Copy report" is clicked.
    let report = Signal::derive(move || {
        let wizard = nav.map(|n| n.last_wizard.get()).unwrap_or_default();
        policy.with(|p| decoded.with(|d| ticket_report(&d.analysis, p.report(), &wizard)))
    });

    // A file dropped anywhere on the decoder's page is taken (the browser would otherwise open
    // it in place of the app, and the paste would be gone). Both listeners go with the view.
    let active = EventListenerOptions::enable_prevent_default();
    super::owned(EventListener::new_with_options(
        &window(),
        "dragover",
        active,
        |ev| ev.prevent_default(),
    ));
    super::owned(EventListener::new_with_options(
        &window(),
        "drop",
        active,
        move |ev| {
            let file = ev
                .dyn_ref::<web_sys::DragEvent>()
                .and_then(|d| d.data_transfer())
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                ev.prevent_default();
                read_file(st, file);
            }
        },
    ));
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            read_file(st, file);
        }
        input.set_value("");
    };

    let editor_focus = StoredValue::new(None::<EditorFocus>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let undo = move |_| {
        let Some(large) = st
            .undo
            .with_untracked(|u| u.as_ref().map(|u| u.text.len() > LARGE))
        else {
            return;
        };
        // The notice goes; the keyboard goes to the text brought back. "Try an example" and
        // "Clear" leave a small text, so the text box is there unless a large text comes back.
        if large {
            editor_focus.set_value(Some(EditorFocus::Summary));
        }
        st.bring_back();
        if !large {
            if let Some(a) = area.get_untracked() {
                let _ = a.focus();
            }
        }
    };
    let undo_notice = move || {
        st.undo.with(|u| u.as_ref().map(|u| u.what)).map(|what| {
            view! {
                <p class="undo" role="status">
                    {what} " "
                    <button type="button" on:click=undo>"Undo"</button>
                </p>
            }
        })
    };
    let example_note = move || {
        (st.origin.get() == Origin::Example).then(|| {
            view! {
                <p class="example-note" id="example-note">
                    <span class="badge">"Example"</span>
                    " This is the built-in example (made-up events), not a customer's paste. Paste your own to replace it."
                </p>
            }
        })
    };
    let card_focus = StoredValue::new(None::<usize>);
    let total = Memo::new(move |_| decoded.with(|d| d.analysis.findings.len()));
    let any = Memo::new(move |_| total.get() > 0);
    // Changes only when the text becomes large or small again: the editor is made anew then.
    let large = Memo::new(move |_| st.large.get());
    // Cards of a large paste are built a few per task, first card first (see `step_cards`).
    let card_tick = RwSignal::new(0u32);
    let cards_behind = StoredValue::new(false);
    // The cards the findings make, each document built once for each analysis (not once for
    // each step below). No card before the catalog is there (each message would read as unknown).
    let want = Memo::new(move |_| {
        if !super::catalog::ready() {
            return Vec::new();
        }
        let shown = st.shown.get();
        policy.with(|p| {
            decoded.with(|d| {
                d.analysis
                    .findings
                    .iter()
                    .take(shown)
                    .enumerate()
                    .map(|(i, _)| super::policy::card(i, &d.analysis, p))
                    .collect::<Vec<_>>()
            })
        })
    });
    // Whether an analysis runs: its progress changes at every slice, and a step of cards at the
    // end of a slice's task would make that task long (the steps have tasks of their own).
    let running = Memo::new(move |_| st.progress.with(Option::is_some));
    let cards = Memo::new(move |prev: Option<&Vec<super::finding::Card>>| {
        card_tick.track();
        want.with(|want| {
            // (Not the analysis's input length: a snapshot's is what was read so far.)
            let (cards, behind) = match prev.filter(|_| st.sliced()) {
                Some(prev) => step_cards(prev, want, running.get()),
                None => (want.clone(), false),
            };
            cards_behind.set_value(behind);
            cards
        })
    });
    // While cards are behind, the next ones are built in a task of their own.
    Effect::new(move |_| {
        cards.track();
        if cards_behind.get_value() {
            spawn_local(async move {
                progress::yield_now().await;
                let _ = card_tick.try_update(|t| *t = t.wrapping_add(1));
            });
        }
    });
    let more = Memo::new(move |_| {
        let (total, shown) = (total.get(), st.shown.get());
        (total > shown).then(|| {
            format!(
                "Show {} more ({} not shown yet)",
                (total - shown).min(PAGE),
                total - shown
            )
        })
    });
    let show_more = move |_| {
        // The keyboard goes to the first of the new cards (the button may be gone).
        card_focus.set_value(Some(st.shown.get_untracked()));
        st.shown.update(|s| *s += PAGE);
    };
    // A long list lays out only the cards scrolled to (see app.css); a short one, all of them.
    // So do a large paste's cards: they come while it is analysed, a few to a frame.
    let long_list = Memo::new(move |_| cards.with(|c| c.len() >= LONG_LIST) || st.sliced());
    let summary = Memo::new(move |_| {
        let running = running.get();
        decoded.with(|d| summary(d, running))
    });
    // The triage summary: made anew whenever what it shows changes (the memo compares the
    // documents), like a card.
    let triage = Memo::new(move |_| {
        super::catalog::ready()
            .then(|| decoded.with(|d| summary_doc(&d.analysis).map(std::sync::Arc::new)))
            .flatten()
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
            {example_note}
            {move || if large.get() {
                view! { <LargeSummary st=st focus=editor_focus /> }.into_any()
            } else {
                view! { <TextBox st=st focus=editor_focus area=area /> }.into_any()
            }}
            <div class="actions">
                <button type="button" on:click=move |_| st.replace_undoable(describe_pod_example(), Origin::Example, "The example replaced your text.")>
                    "Try an example"
                </button>
                <label class="button file">
                    "Open a file"
                    <input type="file" class="visually-hidden" accept=".txt,.log,.json,.yaml,.yml,text/*" on:change=on_file />
                </label>
                <button type="button" on:click=move |_| {
                    st.input_note.set(None);
                    st.replace_undoable(String::new(), Origin::Empty, "The text was cleared.");
                }>
                    "Clear"
                </button>
                {move || any.get().then(|| view! {
                    {move || super::catalog::ready().then(|| view! { <CopyButton text=report label="Copy report" /> })}
                    <SharePanel make=make_link describe=describe offer_full=true offer_policy=has_policy label="Share" />
                })}
            </div>
            {undo_notice}
            {move || st.input_note.get().map(|n| view! { <p class="warn-text" role="alert">{n}</p> })}
            {move || st.storage_note.get().map(|n| view! { <p class="note">{n}</p> })}
            <label class="check keep">
                <input type="checkbox" prop:checked=move || !st.keep.get()
                    on:change=move |ev| st.set_keep(!event_target_checked(&ev)) />
                " Don't keep pastes on this device (for shared machines: a reload then starts empty)"
            </label>
        </section>
        <p class="summary" role="status">{summary}</p>
        <AnalysisProgress st=st />
        {move || triage.get().map(|doc| view! { <TriageSummary doc=doc /> })}
        <section class="findings" class:long=long_list aria-label="Findings">
            {move || (!any.get() && st.progress.with(Option::is_none)).then(|| empty_state(st))}
            {move || any.get().then(|| view! { <super::catalog::CatalogNotice /> })}
            <For each=move || cards.get() key=|card| card.clone() let:card>
                <FindingCard card=card focus=card_focus />
            </For>
            {move || more.get().map(|label| view! {
                <button type="button" class="more" on:click=show_more>{label}</button>
            })}
        </section>
        <super::policy::PolicyDocs view=policy />
    }
}

/// How many cards one step of [`step_cards`] builds (the first step, while the code is cold,
/// one): about 15 ms of DOM.
const CARDS_PER_STEP: usize = 3;

/// The cards to show on the way from `prev` (what is shown) to `want`: every card of `want` that
/// is shown already as it is, and the next few that are not (new, or changed: its counts grew).
/// The cards after them stay as shown until their turn, so building a page of cards for a large
/// paste (each card is a few milliseconds of DOM) never makes one long task, and the first card
/// comes first. While the analysis `running`, a card shown for the same finding stays as it is
/// (its counts so far; they are made final once, when the analysis ends) and only new findings
/// are built. Returns whether the result is still behind `want`; once it is not and the analysis
/// has ended, what is shown is exactly `want`, what a fresh load of the same text shows. `prev`
/// is always of the same text: a new text starts with no findings.
fn step_cards(
    prev: &[super::finding::Card],
    want: &[super::finding::Card],
    running: bool,
) -> (Vec<super::finding::Card>, bool) {
    let mut budget = if prev.is_empty() { 1 } else { CARDS_PER_STEP };
    let mut behind = false;
    let mut out = Vec::with_capacity(want.len());
    for (i, card) in want.iter().enumerate() {
        match prev.get(i) {
            Some(p) if p == card => out.push(card.clone()),
            // The same finding (its heading), its counts still growing.
            Some(p) if running && p.doc.first() == card.doc.first() => out.push(p.clone()),
            _ if budget > 0 => {
                budget -= 1;
                out.push(card.clone());
            }
            Some(p) => {
                behind = true;
                out.push(p.clone());
            }
            None => {
                // Not built yet: neither are the ones after it.
                behind = true;
                break;
            }
        }
    }
    (out, behind)
}

/// The triage summary above the cards. Its lines link to the cards' headings: a click moves the
/// keyboard and the view to the card without touching the address (whose fragment holds the
/// app's state).
#[component]
fn TriageSummary(doc: std::sync::Arc<Vec<Block>>) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(a) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href^='#finding-']").ok().flatten())
        else {
            return;
        };
        let Some(id) = a
            .get_attribute("href")
            .map(|h| h.trim_start_matches('#').to_string())
        else {
            return;
        };
        let card = document()
            .get_element_by_id(&id)
            .and_then(|h| h.closest("article").ok().flatten());
        if let Some(card) = card.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
            ev.prevent_default();
            card.scroll_into_view();
            let _ = card.focus();
        }
    };
    view! {
        <section class="triage-summary" aria-labelledby="summary" on:click=on_click>
            {super::doc::blocks(&doc)}
        </section>
    }
}

/// The findings in one line. While a large paste is still analysed (`running`), the findings
/// shown are the last snapshot: the line says so and gives no total that is not one yet.
fn summary(d: &super::state::Decoded, running: bool) -> String {
    let a = &d.analysis;
    if d.blank || a.findings.is_empty() {
        return String::new();
    }
    let distinct = a.findings.len();
    let found = plural(distinct, "finding", "distinct findings");
    if running {
        return format!("{found} so far; the counts are final when the analysis ends.");
    }
    let mut s = format!("{found} found");
    if a.total_occurrences > distinct {
        s.push_str(&format!(
            " ({} in all)",
            plural(a.total_occurrences, "occurrence", "occurrences")
        ));
    }
    s.push('.');
    s
}

fn empty_state(st: super::state::DecoderState) -> impl IntoView {
    let lead = move || {
        if st.decoded.with(|d| d.blank) {
            return "Nothing to explain yet.".to_string();
        }
        let none = "No policy decisions or known policy errors in this text.";
        // A denial of another kind (Azure Policy, an admission webhook) is told what it is.
        match st.text.with_untracked(|t| lookalike(t)) {
            Some(l) => format!("{none} {}", l.note()),
            None => none.to_string(),
        }
    };
    view! {
        <div class="empty">
            <p>{lead}</p>
            <p>
                "The app looks for the " <code>"policyDecision< … >policyDecision"</code>
                " blobs that a Confidential pod's CCE policy leaves in its events, in plain text, JSON, YAML or HTML-escaped form, even when hard-wrapped, quoted or prefixed on every line (" <code>"> "</code> ", " <code>"# "</code> ", timestamps) or cut off, and decisions pasted already decoded (" <code>"{\"decision\":\"deny\",…}"</code> "). "
                "It also recognises the older plain-text policy errors, AKS Confidential Containers (Kata) denials and ARM rejections of the policy, and reads the pod's own CCE policy from a pod or workload manifest, "
                <code>"kubectl describe pod"</code> " or an ARM template."
            </p>
        </div>
    }
}
