//! Component tests in a real browser (wasm-bindgen-test in headless Chromium):
//! `cargo test --target wasm32-unknown-unknown --test web` (the runner is set in .cargo/config.toml).
//! They wait for the app with `leptos::task::tick()` (see `settle`), never a fixed sleep.
#![cfg(target_arch = "wasm32")]

use aci_triage::ui::{Decoder, DecoderState, Nav, Origin, Route, Views};
use aci_triage::wizard::{Node, WizardState, NETWORK, NETWORK_JSON};
use aci_triage::App;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted view; unmounted (its listeners removed) when dropped.
struct Mounted {
    root: HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Lets the app react: its effects run on the executor's next ticks (an effect can wake another,
/// a memo then the views that read it), so a few ticks, never a fixed sleep.
async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

fn container() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// Gives the page the wizard's graph as the single-file build does (an inline JSON data block),
/// and has the app read it: the app itself fetches it beside index.html, which the test server
/// does not have.
fn inline_wizard_graph() {
    let doc = web_sys::window().unwrap().document().unwrap();
    if doc.get_element_by_id("wizard-graph").is_none() {
        let data = doc.create_element("script").unwrap();
        data.set_attribute("type", "application/json").unwrap();
        data.set_id("wizard-graph");
        data.set_text_content(Some(NETWORK_JSON));
        doc.body().unwrap().append_child(&data).unwrap();
    }
    aci_triage::ui::wizard::request();
    assert!(aci_triage::ui::wizard::graph().is_some());
}

/// Mounts a view into a fresh container.
fn mount_view<F, N>(f: F) -> Mounted
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    inline_wizard_graph();
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), f);
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}

/// Mounts the app as if the page had been opened at `#fragment`, with empty storage.
fn mount_at(fragment: &str) -> Mounted {
    let window = web_sys::window().unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let url = if fragment.is_empty() {
        window.location().pathname().unwrap()
    } else {
        format!("#{fragment}")
    };
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .unwrap();
    mount_view(App)
}

fn mount() -> Mounted {
    mount_at("")
}

fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

fn all(root: &Element, sel: &str) -> Vec<Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn findings(root: &Element) -> Vec<Element> {
    all(root, "section[aria-label='Findings'] article")
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

/// Pastes `text` over everything in the text box, as the browser reports a paste.
async fn paste(root: &Element, text: &str) {
    let area: HtmlTextAreaElement = q(root, "textarea#event-text").unwrap().unchecked_into();
    area.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_input_type("insertFromPaste");
    let ev = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&ev).unwrap();
    settle().await;
}

fn blob(json: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(json.as_bytes());
    format!("policyDecision< {b64} >policyDecision")
}

fn mount_denial(hash: &str) -> String {
    blob(&format!(
        r#"{{"decision":"deny","input":{{"deviceHash":"{hash}","rule":"mount_device","target":"/run/mounts/m1"}},"reason":{{"errors":["deviceHash not found"]}}}}"#
    ))
}

#[wasm_bindgen_test]
async fn pasted_text_shows_the_finding() {
    let app = mount();
    paste(&app.root, aci_triage::examples::SEED_MOUNT_DEVICE).await;
    let cards = findings(&app.root);
    assert_eq!(cards.len(), 1);
    let t = text(&cards[0]);
    assert!(t.contains("Mounting a read-only image layer"), "{t}");
    assert!(t.contains("deviceHash not found"));
    assert!(t.contains("mount_device"));
}

#[wasm_bindgen_test]
async fn example_button_and_clear() {
    let app = mount();
    let button = |label: &str| -> HtmlElement {
        all(&app.root, "button")
            .into_iter()
            .find(|b| text(b).trim() == label)
            .unwrap()
            .unchecked_into()
    };
    button("Try an example").click();
    settle().await;
    let cards = findings(&app.root);
    assert_eq!(cards.len(), 2);
    assert!(text(&cards[1]).contains("invalid command"));
    assert!(text(&cards[1]).contains("Seen 2 times"));

    button("Clear").click();
    settle().await;
    assert!(findings(&app.root).is_empty());
    let area: HtmlTextAreaElement = q(&app.root, "textarea").unwrap().unchecked_into();
    assert_eq!(area.value(), "");
}

#[wasm_bindgen_test]
async fn markup_in_a_decoded_value_stays_text() {
    let app = mount();
    paste(
        &app.root,
        &blob(r#"{"decision":"deny","reason":{"errors":["<img src=x onerror=alert(1)>"]}}"#),
    )
    .await;
    assert_eq!(findings(&app.root).len(), 1);
    assert!(
        q(&app.root, "article img").is_none(),
        "no element was created from the paste"
    );
    assert!(text(&app.root).contains("<img src=x onerror=alert(1)>"));
}

#[wasm_bindgen_test]
async fn unrelated_text_gets_the_calm_message() {
    let app = mount();
    paste(
        &app.root,
        "Normal  Pulled  kubelet  Container image already present",
    )
    .await;
    assert!(findings(&app.root).is_empty());
    let t = text(&q(&app.root, "section[aria-label='Findings']").unwrap());
    assert!(t.contains("No policy decisions"), "{t}");
}

#[wasm_bindgen_test]
async fn wizard_step_from_the_address() {
    let app = mount_at("wizard/outbound-slow.v2.no");
    let step = q(&app.root, "#wizard-step").expect("a wizard step");
    let outcome = NETWORK.outcome("no-nat-gateway").unwrap();
    assert_eq!(text(&step), outcome.title.replace('`', ""));
    assert_eq!(all(&app.root, "nav.trail a").len(), 3);
}

/// Waits until `done` holds, letting the browser run its own tasks (the compression streams)
/// between looks; fails after a generous number of them.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        let task = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback(&resolve)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(task).await.unwrap();
        settle().await;
    }
    panic!("{what} never happened");
}

/// The fragment of a full-text link to `text`, made by the browser's CompressionStream as the
/// Share panel makes it.
async fn full_text_link(text: &str) -> String {
    use aci_triage::share::{Content, Shared};
    aci_triage::ui::compress::encode(&Shared::Decoder {
        text: text.into(),
        content: Content::Full,
        policy_left_out: false,
    })
    .await
    .unwrap()
}

fn opening(root: &Element) -> bool {
    q(root, "main [aria-busy='true']").is_some()
}

#[wasm_bindgen_test]
async fn share_link_restores_findings_in_the_browser() {
    let fragment = full_text_link(aci_triage::examples::SEED_MOUNT_DEVICE).await;
    assert!(fragment.starts_with("v2."), "{fragment}");
    let app = mount_at(&fragment);
    // The link opens a moment after the first paint, and says so meanwhile.
    assert!(text(&app.root).contains("Opening the shared link"));
    until("the link opened", || !opening(&app.root)).await;
    let cards = findings(&app.root);
    assert_eq!(cards.len(), 1);
    assert!(text(&cards[0]).contains("deviceHash not found"));
    assert!(!text(&app.root).contains("Opening the shared link"));
}

#[wasm_bindgen_test]
async fn a_link_superseded_by_a_paste_never_lands() {
    let fragment = full_text_link(aci_triage::examples::SEED_MOUNT_DEVICE).await;
    let app = mount_at(&fragment);
    assert!(opening(&app.root));
    // The user pastes before the link is open: the paste stays, the link lets go.
    paste(&app.root, aci_triage::examples::SEED_CREATE_CONTAINER).await;
    until("the opening ended", || !opening(&app.root)).await;
    let area: HtmlTextAreaElement = q(&app.root, "textarea#event-text")
        .unwrap()
        .unchecked_into();
    assert_eq!(area.value(), aci_triage::examples::SEED_CREATE_CONTAINER);
    let cards = findings(&app.root);
    assert_eq!(cards.len(), 1);
    assert!(!text(&cards[0]).contains("deviceHash not found"));
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert_eq!(hash, "");
}

#[wasm_bindgen_test]
async fn cut_and_damaged_links_get_their_messages_after_the_browser_inflates() {
    let fragment = full_text_link(&aci_triage::examples::describe_pod_example()).await;
    let cut = &fragment[..fragment.len() - 7];
    assert!(aci_triage::ui::compress::decode(cut)
        .await
        .unwrap_err()
        .contains("incomplete"));
    let mut damaged = fragment.clone().into_bytes();
    damaged[20] = if damaged[20] == b'A' { b'B' } else { b'A' };
    let damaged = String::from_utf8(damaged).unwrap();
    assert!(aci_triage::ui::compress::decode(&damaged)
        .await
        .unwrap_err()
        .contains("damaged"));
    // A well-formed envelope around a stream that is not deflate: the browser's inflater refuses
    // it, reported as damage; around one that ends early, damage too (the envelope said complete).
    for stream in [
        &b"\xff\xff\xff\xff"[..],
        &[0x01, 0x05, 0x00, 0xfa, 0xff, b'a'][..],
    ] {
        let len = stream.len() as u32;
        let mut bytes = len.to_le_bytes().to_vec();
        bytes.extend_from_slice(&(!len).to_le_bytes());
        bytes.extend_from_slice(stream);
        let mut sum = (1u32, 0u32);
        for &b in stream {
            sum.0 = (sum.0 + b as u32) % 65521;
            sum.1 = (sum.1 + sum.0) % 65521;
        }
        bytes.extend_from_slice(&((sum.1 << 16) | sum.0).to_le_bytes());
        use base64::Engine;
        let link = format!(
            "v2.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let err = aci_triage::ui::compress::decode(&link).await.unwrap_err();
        assert!(err.contains("damaged"), "{stream:?}: {err}");
    }
    // A deflate bomb: reading stops at the limit.
    let bomb = aci_triage::ui::compress::deflate_raw(&vec![b' '; 9 << 20])
        .await
        .unwrap();
    let inflated = aci_triage::ui::compress::inflate(&bomb, aci_triage::share::Inflate::Raw)
        .await
        .unwrap();
    assert_eq!(inflated, Err(aci_triage::share::InflateFailure::TooLarge));
    // A cut zlib stream (what a cut version-1 link holds) ends early.
    let mut zlib_cut = vec![0x78, 0x9c];
    zlib_cut.extend_from_slice(&bomb[..bomb.len() / 2]);
    let inflated = aci_triage::ui::compress::inflate(&zlib_cut, aci_triage::share::Inflate::Zlib)
        .await
        .unwrap();
    assert_eq!(inflated, Err(aci_triage::share::InflateFailure::EndedEarly));
}

/// Mounts the decoder alone, on a state the test changes.
fn mount_decoder(st: DecoderState) -> Mounted {
    mount_view(move || {
        provide_context(st);
        view! { <Decoder /> }
    })
}

#[wasm_bindgen_test]
async fn a_replaced_paste_shows_only_the_new_findings() {
    let st = DecoderState::new();
    let app = mount_decoder(st);
    st.set_now(aci_triage::examples::describe_pod_example(), Origin::User);
    settle().await;
    assert_eq!(findings(&app.root).len(), 2);
    st.set_now(
        aci_triage::examples::SEED_MOUNT_DEVICE.to_string(),
        Origin::User,
    );
    settle().await;
    let cards = findings(&app.root);
    assert_eq!(cards.len(), 1);
    // One card, one title, nothing of the previous paste's explanations.
    assert_eq!(all(&cards[0], "h2").len(), 1);
    let t = text(&cards[0]);
    assert!(t.contains("Mounting a read-only image layer"), "{t}");
    assert!(!t.contains("invalid command"), "{t}");
    // And back to nothing: the calm message only.
    st.set_now(String::new(), Origin::Empty);
    settle().await;
    assert!(findings(&app.root).is_empty());
    let region = text(&q(&app.root, "section[aria-label='Findings']").unwrap());
    assert!(region.contains("Nothing to explain yet."), "{region}");
    assert!(!region.contains("deviceHash"), "{region}");
}

#[wasm_bindgen_test]
async fn a_changed_finding_is_a_new_card_and_the_others_stay() {
    let st = DecoderState::new();
    let app = mount_decoder(st);
    let lines = |middle: &str| {
        [
            mount_denial("aaaa"),
            mount_denial(middle),
            mount_denial("cccc"),
        ]
        .join("\n")
    };
    st.set_now(lines("bbbb"), Origin::User);
    settle().await;
    let before = findings(&app.root);
    assert_eq!(before.len(), 3);
    for card in &before {
        card.set_attribute("data-seen", "").unwrap();
    }
    st.set_now(lines("dddd"), Origin::User);
    settle().await;
    let after = findings(&app.root);
    assert_eq!(after.len(), 3);
    let kept: Vec<bool> = after.iter().map(|c| c.has_attribute("data-seen")).collect();
    assert_eq!(kept, [true, false, true]);
    assert!(text(&after[1]).contains("dddd"));
    assert!(!text(&after[1]).contains("bbbb"));
    assert!(after[0].is_same_node(Some(&before[0])));
}

#[wasm_bindgen_test]
async fn a_changed_wizard_step_re_renders() {
    let g = &NETWORK;
    let nav = Nav::new();
    nav.go(Route::Wizard(String::new()));
    let app = mount_view(move || {
        provide_context(nav);
        provide_context(DecoderState::new());
        view! { <Views /> }
    });
    let first = WizardState::new();
    let Node::Question(q1) = first.current(g) else {
        panic!("the wizard starts with a question")
    };
    let heading = || text(&q(&app.root, "#wizard-step").unwrap());
    assert_eq!(heading(), q1.title.replace('`', ""));
    let intro1 = aci_triage::report::plain(&aci_triage::report::inlines(q1.intro));
    assert!(text(&app.root).contains(&intro1));

    let second = first.answer(g, q1.answers[0].id).unwrap();
    let Node::Question(q2) = second.current(g) else {
        panic!("the first answer leads to a question")
    };
    nav.go(Route::Wizard(second.encode()));
    settle().await;
    assert_eq!(heading(), q2.title.replace('`', ""));
    // One step on screen: its own explanation, none of the first question's.
    assert_eq!(all(&app.root, ".step .doc").len(), 1);
    assert!(
        !text(&app.root).contains(&intro1),
        "the first question's intro stayed"
    );
    let intro2 = aci_triage::report::plain(&aci_triage::report::inlines(q2.intro));
    assert!(text(&app.root).contains(&intro2));
    assert_eq!(all(&app.root, "nav.trail a").len(), 1);
}

/// Dispatches a cancelable `type` event on the window and says whether a listener took it (called
/// `preventDefault`).
fn window_event_taken(kind: &str) -> bool {
    let init = web_sys::EventInit::new();
    init.set_cancelable(true);
    let ev = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&ev).unwrap();
    ev.default_prevented()
}

#[wasm_bindgen_test]
async fn an_unmounted_decoder_leaves_no_listener_behind() {
    // Nothing else on the page takes a dragover.
    assert!(!window_event_taken("dragover"));
    let st = DecoderState::new();
    let app = mount_decoder(st);
    settle().await;
    // The decoder takes files dropped anywhere on the page ...
    assert!(window_event_taken("dragover"));
    st.set_now(mount_denial("aaaa"), Origin::User);
    settle().await;
    assert_eq!(findings(&app.root).len(), 1);
    drop(app);
    settle().await;
    // ... and once it is gone, so is its listener, and a later state change renders nowhere.
    assert!(!window_event_taken("dragover"));
    let doc = web_sys::window().unwrap().document().unwrap();
    assert!(doc.query_selector("textarea#event-text").unwrap().is_none());
}
