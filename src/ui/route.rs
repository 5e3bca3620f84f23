//! Reading the address: the fragment decides the view; share links restore their state; state
//! that arrived in the query (which servers see) is moved into the fragment. The address leads
//! here and only here: [`start`] at load and the `hashchange` listener of [`listen`].
//!
//! A share link opens asynchronously (the browser inflates it, see [`compress`]): "Opening the
//! shared link…" shows meanwhile, and each address counts as a new opening, so a link that is
//! superseded before it is open (by another address, or by the user's own paste or typing) never
//! lands.

use leptos::prelude::*;
use leptos::task::spawn_local;

use std::cell::Cell;

use super::api::{is_share_fragment, repair_fragment, Content, Shared, WizardState};
use super::browser;
use super::compress;
use super::state::{DecoderState, Nav, Origin, Route};
use super::wizard as graph;

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
    // The catalog's text is not in the wasm: it is asked for first, before anything is found.
    super::catalog::request();
    move_query_to_fragment(nav);
    let fragment = browser::hash();
    // Without shared state, this tab's last paste comes back (once a share link is open, or known
    // not to bring a text).
    RESTORE_PENDING.set(true);
    apply_fragment(&fragment, decoder, nav);
    // The wizard's graph is not part of the first download: it comes when the browser is idle.
    graph::prefetch_when_idle();
}

/// The start-up's restore of the keep-pastes choice and (`text`: no share link brought a text)
/// this tab's last paste, once: when the address read at start-up has been applied.
fn restore_once(decoder: DecoderState, text: bool) {
    if RESTORE_PENDING.replace(false) {
        decoder.restore(text);
    }
}

/// Applies a fragment. A share link opens a moment later ([`open_link`]); anything else at once.
pub fn apply_fragment(fragment: &str, decoder: DecoderState, nav: Nav) {
    // Every address is a new opening: one still under way is superseded.
    let opening = OPENINGS.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    if decoder.opening.get_untracked() {
        decoder.opening.set(false);
    }
    if fragment.is_empty() {
        // "Decode policy denials" links to `#`: the address keeps no bare `#`.
        if browser::href().ends_with('#') {
            browser::replace_hash("");
        }
        nav.go(Route::Decoder);
        restore_once(decoder, true);
        return;
    }
    // A link percent-encoded or wrapped on its way is read as it was written, and the address
    // bar gets the working link back (for reload, bookmarks and passing it on).
    let repaired = repair_fragment(fragment);
    let was_repaired = repaired != fragment;
    let fragment: &str = &repaired;
    if let Some(answers) = wizard_answers(fragment) {
        open_wizard(&answers, was_repaired, nav);
        restore_once(decoder, true);
        return;
    }
    if is_share_fragment(fragment) {
        if was_repaired {
            browser::replace_hash(fragment);
        }
        open_link(fragment.to_string(), was_repaired, opening, decoder, nav);
        return;
    }
    nav.go(Route::Decoder);
    restore_once(decoder, true);
}

/// Opens the share link `fragment` (repaired already; `was_repaired` when it had to be) as the
/// `opening`-th address: it lands only if no other address came meanwhile and the text was not
/// changed meanwhile (the user's paste or typing stays, and the address lets the link go).
fn open_link(fragment: String, was_repaired: bool, opening: u64, decoder: DecoderState, nav: Nav) {
    decoder.opening.set(true);
    let input = decoder.generation();
    spawn_local(async move {
        let opened = compress::decode(&fragment).await;
        if OPENINGS.get() != opening {
            // The newer address decides what is shown (and restores the tab's paste at start-up).
            return;
        }
        decoder.opening.set(false);
        if decoder.generation() != input {
            if is_share_fragment(&browser::hash()) {
                browser::replace_hash("");
            }
            restore_once(decoder, false);
            return;
        }
        let brought_text = land(opened, was_repaired, decoder, nav);
        restore_once(decoder, !brought_text);
    });
}

/// Shows what an opened share link holds, or why it could not be opened; returns whether it
/// brought a text into the decoder.
fn land(
    opened: Result<Shared, String>,
    was_repaired: bool,
    decoder: DecoderState,
    nav: Nav,
) -> bool {
    match opened {
        Ok(Shared::Decoder {
            text,
            content,
            policy_left_out,
        }) => {
            let full = content == Content::Full;
            decoder.input_note.set(None);
            decoder.set_now(text, Origin::Link { full });
            let n = decoder
                .decoded
                .with_untracked(|d| d.analysis.findings.len());
            nav.go(Route::Decoder);
            nav.links_opened.update(|n| *n += 1);
            let mut notice = link_notice(content, n, was_repaired);
            if policy_left_out {
                notice.push_str(" The sender left the pod's CCE policy out of this link (it names images and registries): the denials are explained without the comparison with it.");
            }
            nav.notify(false, notice);
            true
        }
        Ok(Shared::Wizard { answers }) => {
            open_wizard(&answers, true, nav);
            false
        }
        Err(e) => {
            nav.notify(true, e);
            browser::replace_hash("");
            nav.go(Route::Decoder);
            false
        }
    }
}

/// Shows the wizard at `answers`. A damaged link opens at its longest valid beginning, with a
/// notice, and the address is corrected to the step shown; `rewrite` puts the step's own
/// address in place of another form of it (a repaired or a share link).
///
/// Before the graph has arrived, the wizard shows "Loading the wizard…" at the address as it is
/// (a share link's answers in their own form already), and opens it like this once the graph is
/// there ([`listen`]).
fn open_wizard(answers: &str, rewrite: bool, nav: Nav) {
    graph::request();
    let Some(g) = graph::graph() else {
        if rewrite {
            browser::replace_hash(&wizard_fragment(answers));
        }
        WAITING.set(true);
        nav.go(Route::Wizard(answers.to_string()));
        return;
    };
    WAITING.set(false);
    let opened = WizardState::open(g, answers);
    if let Some(notice) = opened.notice() {
        nav.notify(true, notice);
    }
    let encoded = opened.state.encode();
    if let Some(corrected) = opened.corrected_fragment() {
        browser::replace_hash(&corrected);
    } else if rewrite {
        browser::replace_hash(&wizard_fragment(&encoded));
    }
    nav.go(Route::Wizard(encoded));
}

/// What the notice says about an opened share link of `n` findings.
fn link_notice(content: Content, n: usize, repaired: bool) -> String {
    let found = super::plural(n, "finding", "findings");
    let mut s = match content {
        Content::Full => format!("Opened a shared link with the full pasted text ({found})."),
        Content::Findings => format!("Opened a shared link with {found}. It carries only what the findings need, at the lines where the sender saw them; the rest of the event text was left out."),
        Content::Summary => format!("Opened a shared link with {found}. It carries a summary, one line per finding, not the pasted text: line numbers here are the summary's, not those of the sender's paste."),
    };
    if repaired {
        s.push_str(" The link had been altered on its way (percent-encoded or broken over lines by a chat tool); it was repaired, and the address bar now holds the working link.");
    }
    s
}

thread_local! {
    /// The wizard's address was opened before its graph arrived.
    static WAITING: Cell<bool> = const { Cell::new(false) };
    /// How many addresses were applied: a share link opening as the n-th lands only while this
    /// is still n.
    static OPENINGS: Cell<u64> = const { Cell::new(0) };
    /// The start-up's restore has not happened yet (its share link is still opening).
    static RESTORE_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Listens for fragment changes (links, Back and Forward, an address edited by hand) for as long
/// as the calling component lives, and opens the wizard's address waiting for the graph when the
/// graph arrives.
pub fn listen(decoder: DecoderState, nav: Nav) {
    Effect::new(move |_| {
        if graph::graph_tracked().is_some() && WAITING.replace(false) {
            if let Route::Wizard(answers) = nav.route.get_untracked() {
                open_wizard(&answers, false, nav);
            }
        }
    });
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
