//! Component tests in a real browser (wasm-bindgen-test in headless Chromium):
//! `cargo test --target wasm32-unknown-unknown --test web` (the runner is set in .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use aci_triage::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh container and returns it.
fn mount() -> HtmlElement {
    mount_at("")
}

/// Mounts the app as if the page had been opened at `#fragment`, with empty storage.
fn mount_at(fragment: &str) -> HtmlElement {
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
    let doc = window.document().unwrap();
    let root: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), App).forget();
    root
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn q(root: &Element, sel: &str) -> Option<Element> {
    root.query_selector(sel).unwrap()
}

fn findings(root: &Element) -> Vec<Element> {
    let list = root
        .query_selector_all("section[aria-label='Findings'] article")
        .unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

async fn paste(root: &Element, text: &str) {
    let area: HtmlTextAreaElement = q(root, "textarea#event-text").unwrap().unchecked_into();
    area.set_value(text);
    let ev = web_sys::Event::new("input").unwrap();
    area.dispatch_event(&ev).unwrap();
    // The app decodes after a short pause in typing.
    sleep(400).await;
}

#[wasm_bindgen_test]
async fn pasted_text_shows_the_finding() {
    let root = mount();
    paste(&root, aci_triage::examples::SEED_MOUNT_DEVICE).await;
    let cards = findings(&root);
    assert_eq!(cards.len(), 1);
    let text = cards[0].text_content().unwrap();
    assert!(text.contains("Mounting a read-only image layer"), "{text}");
    assert!(text.contains("deviceHash not found"));
    assert!(text.contains("mount_device"));
    root.remove();
}

#[wasm_bindgen_test]
async fn example_button_and_clear() {
    let root = mount();
    let buttons = root.query_selector_all("button").unwrap();
    let button = |label: &str| -> HtmlElement {
        (0..buttons.length())
            .map(|i| buttons.item(i).unwrap().unchecked_into::<HtmlElement>())
            .find(|b| b.text_content().unwrap_or_default().trim() == label)
            .unwrap()
    };
    button("Try an example").click();
    sleep(50).await;
    let cards = findings(&root);
    assert_eq!(cards.len(), 2);
    assert!(cards[1].text_content().unwrap().contains("invalid command"));
    assert!(cards[1].text_content().unwrap().contains("Seen 2 times"));

    button("Clear").click();
    leptos::task::tick().await;
    assert!(findings(&root).is_empty());
    let area: HtmlTextAreaElement = q(&root, "textarea").unwrap().unchecked_into();
    assert_eq!(area.value(), "");
    root.remove();
}

#[wasm_bindgen_test]
async fn markup_in_a_decoded_value_stays_text() {
    let root = mount();
    // {"decision":"deny","reason":{"errors":["<img src=x onerror=alert(1)>"]}}
    let json = r#"{"decision":"deny","reason":{"errors":["<img src=x onerror=alert(1)>"]}}"#;
    let b64 = base64_std(json.as_bytes());
    paste(&root, &format!("policyDecision< {b64} >policyDecision")).await;
    assert_eq!(findings(&root).len(), 1);
    assert!(
        q(&root, "article img").is_none(),
        "no element was created from the paste"
    );
    assert!(root
        .text_content()
        .unwrap()
        .contains("<img src=x onerror=alert(1)>"));
    root.remove();
}

#[wasm_bindgen_test]
async fn unrelated_text_gets_the_calm_message() {
    let root = mount();
    paste(
        &root,
        "Normal  Pulled  kubelet  Container image already present",
    )
    .await;
    assert!(findings(&root).is_empty());
    let text = q(&root, "section[aria-label='Findings']")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains("No policy decisions"), "{text}");
    root.remove();
}

fn base64_std(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[wasm_bindgen_test]
async fn wizard_step_from_the_address() {
    let root = mount_at("wizard/outbound-slow.v2.no");
    let step = q(&root, "#wizard-step").expect("a wizard step");
    let outcome = aci_triage::wizard::NETWORK
        .outcome("no-nat-gateway")
        .unwrap();
    assert_eq!(step.text_content().unwrap(), outcome.title.replace('`', ""));
    let links = root.query_selector_all("nav.trail a").unwrap();
    assert_eq!(links.length(), 3);
    root.remove();
}

#[wasm_bindgen_test]
async fn share_link_restores_findings_in_the_browser() {
    use aci_triage::share::{encode, Content, Shared};
    let fragment = encode(&Shared::Decoder {
        text: aci_triage::examples::SEED_MOUNT_DEVICE.into(),
        content: Content::Full,
    })
    .unwrap();
    let root = mount_at(&fragment);
    // Explanations are written into the cards right after they mount.
    sleep(50).await;
    let cards = findings(&root);
    assert_eq!(cards.len(), 1);
    assert!(cards[0]
        .text_content()
        .unwrap()
        .contains("deviceHash not found"));
    root.remove();
}
