//! Reading the address: the fragment decides the view; share links restore their state; state
//! that arrived in the query (which servers see) is moved into the fragment. The address leads
//! here and only here: [`start`] at load and the `hashchange` listener of [`listen`].

use leptos::prelude::*;

use super::api::{decode_share, is_share_fragment, Content, Shared};
use super::browser;
use super::state::{DecoderState, Nav, Origin, Route, TEXT_KEY};

pub const WIZARD: &str = "wizard";

/// The fragment of the wizard at `encoded` answers.
pub fn wizard_fragment(encoded: &str) -> String {
    if encoded.is_empty() {
        WIZARD.to_string()
    } else {
        format!("{WIZARD}/{encoded}")
    }
}

fn wizard_answers(fragment: &str) -> Option<String> {
    if fragment == WIZARD {
        return Some(String::new());
    }
    fragment
        .strip_prefix(WIZARD)
        .and_then(|r| r.strip_prefix('/'))
        .map(str::to_string)
}

/// What the app does at start-up.
pub fn start(decoder: DecoderState, nav: Nav) {
    move_query_to_fragment(nav);
    let fragment = browser::hash();
    if !apply_fragment(&fragment, decoder, nav) {
        // No shared state: bring back this browser's last paste.
        if let Some(text) = browser::load(TEXT_KEY).filter(|t| !t.is_empty()) {
            decoder.set_now(text, Origin::Restored);
        }
    }
}

/// Applies a fragment; returns whether it restored shared decoder state.
pub fn apply_fragment(fragment: &str, decoder: DecoderState, nav: Nav) -> bool {
    if let Some(answers) = wizard_answers(fragment) {
        nav.go(Route::Wizard(answers));
        return false;
    }
    if is_share_fragment(fragment) {
        match decode_share(fragment) {
            Ok(Shared::Decoder { text, content }) => {
                let full = content == Content::Full;
                decoder.input_note.set(None);
                decoder.set_now(text, Origin::Link { full });
                let n = decoder
                    .decoded
                    .with_untracked(|d| d.analysis.findings.len());
                nav.go(Route::Decoder);
                nav.links_opened.update(|n| *n += 1);
                let found = super::plural(n, "finding", "findings");
                nav.notify(false, if full {
                    format!("Opened a shared link with the full pasted text ({found}).")
                } else {
                    format!("Opened a shared link with {found}. It carries only the policy decisions, not the rest of the event text.")
                });
                return true;
            }
            Ok(Shared::Wizard { answers }) => {
                browser::replace_hash(&wizard_fragment(&answers));
                nav.go(Route::Wizard(answers));
                return false;
            }
            Err(e) => {
                nav.notify(true, e.to_string());
                browser::replace_hash("");
                nav.go(Route::Decoder);
                return false;
            }
        }
    }
    nav.go(Route::Decoder);
    false
}

/// Listens for fragment changes (links, Back and Forward, an address edited by hand) for as long
/// as the calling component lives.
pub fn listen(decoder: DecoderState, nav: Nav) {
    super::owned(gloo_events::EventListener::new(
        &window(),
        "hashchange",
        move |_| {
            nav.navigated.set(true);
            nav.notices.set(Vec::new());
            apply_fragment(&browser::hash(), decoder, nav);
        },
    ));
}

fn move_query_to_fragment(nav: Nav) {
    let query = browser::search();
    if query.is_empty() {
        return;
    }
    // `?v1.…`, `?state=v1.…`, `?wizard…` all hold state that belongs in the fragment.
    let value = query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if is_share_fragment(k) || wizard_answers(k).is_some() {
            Some(k.to_string())
        } else if matches!(k, "state" | "s" | "link") && !v.is_empty() {
            Some(v.to_string())
        } else {
            None
        }
    });
    let Some(value) = value else { return };
    browser::replace_hash(&value);
    nav.notify(true, "This link carried its state in the query part of the address (after ?), which is sent to the web server. It was moved to the fragment (after #), which never leaves the browser. Share the address as it is now.".into());
}
