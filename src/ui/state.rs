//! App-wide state: the paste and its analysis, the current view, and notices. Kept outside the
//! components so that switching views never loses the paste.

use leptos::prelude::*;
use std::time::Duration;

use super::browser;
use crate::decode::{self, Analysis};

/// Delay after the last keystroke before the text is analysed again.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Pastes above this size are kept like a file: summarised, not laid out in the text box.
pub const LARGE: usize = 512 * 1024;
/// Inputs above this size are refused with a message.
pub const MAX_INPUT: usize = 64 * 1024 * 1024;
/// Texts longer than this (in bytes) are not kept in local storage.
const STORAGE_MAX: usize = 4_000_000;
/// How many findings are shown before "Show more".
pub const PAGE: usize = 20;
/// Where the paste is kept across reloads (this browser only).
pub const TEXT_KEY: &str = "aci-triage.text";

/// Where the current text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Empty,
    /// Typed, pasted or dropped by the user.
    User,
    /// The "Try an example" text.
    Example,
    /// Restored from this browser's storage after a reload.
    Restored,
    /// Opened from a share link; `full` when the link carried the whole paste.
    Link {
        full: bool,
    },
}

#[derive(Clone, Copy)]
pub struct DecoderState {
    pub text: RwSignal<String>,
    pub analysis: RwSignal<Analysis>,
    pub origin: RwSignal<Origin>,
    /// Set when the paste could not be kept across reloads.
    pub storage_note: RwSignal<Option<String>>,
    /// The text is large and shown as a summary instead of in the text box.
    pub large: RwSignal<bool>,
    /// A problem with the last input (too large, unreadable file).
    pub input_note: RwSignal<Option<String>>,
    /// How many findings are shown.
    pub shown: RwSignal<usize>,
    pending: StoredValue<Option<TimeoutHandle>>,
}

impl Default for DecoderState {
    fn default() -> Self {
        Self::new()
    }
}

impl DecoderState {
    pub fn new() -> Self {
        DecoderState {
            text: RwSignal::new(String::new()),
            analysis: RwSignal::new(Analysis::default()),
            origin: RwSignal::new(Origin::Empty),
            storage_note: RwSignal::new(None),
            large: RwSignal::new(false),
            input_note: RwSignal::new(None),
            shown: RwSignal::new(PAGE),
            pending: StoredValue::new(None),
        }
    }

    fn cancel_pending(&self) {
        if let Some(h) = self.pending.get_value() {
            h.clear();
        }
        self.pending.set_value(None);
    }

    /// Analyses the current text now and keeps it for reloads when it is the user's.
    pub fn run(&self) {
        let a = self.text.with_untracked(|t| decode::analyze(t));
        // Typing that changes nothing decoded re-renders nothing.
        if self
            .analysis
            .with_untracked(|old| old.fingerprint() != a.fingerprint())
        {
            self.shown.set(PAGE);
            self.analysis.set(a);
        }
        self.persist();
    }

    /// Takes text from a paste, a file or a drop: a leading byte-order mark is dropped, large
    /// text is summarised instead of laid out, and text beyond [`MAX_INPUT`] is refused.
    pub fn load(&self, text: String, origin: Origin) {
        if text.len() > MAX_INPUT {
            self.input_note.set(Some(format!(
                "This input is {}; the app reads up to {} MB at a time. Nothing was changed. Split the file, or paste only the events of the failing pod.",
                super::megabytes(text.len()),
                MAX_INPUT / (1024 * 1024)
            )));
            return;
        }
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        self.input_note.set(None);
        self.set_now(text, origin);
    }

    /// Replaces the text and analyses it at once (example, clear, share link, restore, file).
    pub fn set_now(&self, text: String, origin: Origin) {
        self.cancel_pending();
        let origin = if text.is_empty() {
            Origin::Empty
        } else {
            origin
        };
        self.large.set(text.len() > LARGE);
        self.origin.set(origin);
        self.text.set(text);
        self.run();
    }

    /// The user typed: analyse after a short pause.
    /// `at_once` for a paste or a drop into the box: nothing to wait for.
    pub fn edited(&self, text: String, at_once: bool) {
        if matches!(self.origin.get_untracked(), Origin::Link { .. }) {
            // The text no longer matches the link in the address bar.
            browser::replace_hash("");
        }
        self.origin.set(if text.is_empty() {
            Origin::Empty
        } else {
            Origin::User
        });
        self.text.set(text);
        self.cancel_pending();
        if at_once {
            self.run();
            return;
        }
        let this = *self;
        self.pending
            .set_value(set_timeout_with_handle(move || this.run(), DEBOUNCE).ok());
    }

    /// Keeps the text for reloads, after the findings are painted (it is off the critical path).
    fn persist(&self) {
        if self.origin.get_untracked() == Origin::Empty {
            // Clearing is cheap and must be done before any reload.
            self.persist_now();
            return;
        }
        let this = *self;
        set_timeout(move || this.persist_now(), Duration::ZERO);
    }

    fn persist_now(&self) {
        match self.origin.get_untracked() {
            Origin::Empty => {
                browser::remove(TEXT_KEY);
                self.storage_note.set(None);
            }
            Origin::User | Origin::Example | Origin::Restored => {
                // Browsers keep about 5 million characters per site; do not even try beyond.
                let ok = self
                    .text
                    .with_untracked(|t| t.len() <= STORAGE_MAX && browser::save(TEXT_KEY, t));
                if !ok {
                    // An older paste must not come back on reload in place of this one.
                    browser::remove(TEXT_KEY);
                }
                self.storage_note.set((!ok).then(|| {
                    "This paste is too large for this browser's storage, so it will not survive a reload.".to_string()
                }));
            }
            // A colleague's link is not written over your own saved paste.
            Origin::Link { .. } => {}
        }
    }
}

/// The wizard's last state in this page (encoded answers), for "Copy report".
#[derive(Clone, Copy)]
pub struct LastWizard(pub StoredValue<String>);

/// Which screen is shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Decoder,
    /// The wizard at the encoded answers (see `wizard::WizardState::encode`).
    Wizard(String),
}

/// A message shown above the content (link problems, moved query …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub warning: bool,
    pub text: String,
}
