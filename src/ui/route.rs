//! Reading the address: the fragment decides the view; share links restore their state; state
//! that arrived in the query (which servers see) is moved into the fragment.

use leptos::prelude::*;

use super::browser;
use super::state::{DecoderState, Notice, Origin, Route, TEXT_KEY};
use crate::share::{self, Shared};

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
pub fn start(decoder: DecoderState, route: RwSignal<Route>, notices: RwSignal<Vec<Notice>>) {
    move_query_to_fragment(notices);
    let fragment = browser::hash();
    if !apply_fragment(&fragment, decoder, route, notices) {
        // No shared state: bring back this browser's last paste.
        if let Some(text) = browser::load(TEXT_KEY).filter(|t| !t.is_empty()) {
            decoder.set_now(text, Origin::Restored);
        }
    }
}

/// Applies a fragment; returns whether it restored shared decoder state.
pub fn apply_fragment(
    fragment: &str,
    decoder: DecoderState,
    route: RwSignal<Route>,
    notices: RwSignal<Vec<Notice>>,
) -> bool {
    if let Some(answers) = wizard_answers(fragment) {
        route.set(Route::Wizard(answers));
        return false;
    }
    if share::is_share_fragment(fragment) {
        match share::decode(fragment) {
            Ok(Shared::Decoder { text, content }) => {
                let full = content == share::Content::Full;
                decoder.set_now(text, Origin::Link { full });
                let n = decoder.analysis.with_untracked(|a| a.findings.len());
                route.set(Route::Decoder);
                notices.update(|v| v.push(Notice {
                    warning: false,
                    text: if full {
                        format!("Opened a shared link with the full pasted text ({}).", super::plural(n, "finding", "findings"))
                    } else {
                        format!("Opened a shared link with {}. It carries only the policy decisions, not the rest of the event text.", super::plural(n, "finding", "findings"))
                    },
                }));
                return true;
            }
            Ok(Shared::Wizard { answers }) => {
                browser::replace_hash(&wizard_fragment(&answers));
                route.set(Route::Wizard(answers));
                return false;
            }
            Err(e) => {
                notices.update(|v| {
                    v.push(Notice {
                        warning: true,
                        text: e.to_string(),
                    })
                });
                browser::replace_hash("");
                route.set(Route::Decoder);
                return false;
            }
        }
    }
    route.set(Route::Decoder);
    false
}

static NAVIGATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the user has moved within the app since the page loaded (a fragment change).
pub fn navigated() -> bool {
    NAVIGATED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Listens for fragment changes (links, Back and Forward).
pub fn listen(decoder: DecoderState, route: RwSignal<Route>, notices: RwSignal<Vec<Notice>>) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        NAVIGATED.store(true, std::sync::atomic::Ordering::Relaxed);
        notices.set(Vec::new());
        let fragment = browser::hash();
        apply_fragment(&fragment, decoder, route, notices);
    });
    // The app lives as long as the page.
    std::mem::forget(handle);
}

fn move_query_to_fragment(notices: RwSignal<Vec<Notice>>) {
    let query = browser::search();
    if query.is_empty() {
        return;
    }
    // `?v1.…`, `?state=v1.…`, `?wizard…` all hold state that belongs in the fragment.
    let value = query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if share::is_share_fragment(k) || wizard_answers(k).is_some() {
            Some(k.to_string())
        } else if matches!(k, "state" | "s" | "link") && !v.is_empty() {
            Some(v.to_string())
        } else {
            None
        }
    });
    let Some(value) = value else { return };
    browser::replace_hash(&value);
    notices.update(|n| {
        n.push(Notice {
            warning: true,
            text: "This link carried its state in the query part of the address (after ?), which is sent to the web server. It was moved to the fragment (after #), which never leaves the browser. Share the address as it is now.".into(),
        })
    });
}
