//! App-wide state: the paste and its analysis ([`DecoderState`]), and where the user is
//! ([`Nav`]: the view, the notices). Kept outside the components so that switching views never
//! loses the paste. Everything here is written by event handlers (typing, pasting, a fragment
//! change), never while rendering; storage and the address follow it (see [`DecoderState::follow`]).

use gloo_timers::callback::Timeout;
use js_sys::JsString;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api::{
    analyze, count_newlines, describe_pod_example, is_share_fragment, policy_worth_reading,
    Analysis, Scanner, WizardState,
};
use super::browser;
use super::progress::{self, Progress};

/// Delay after the last keystroke before the text is analysed again (and kept for reloads).
const DEBOUNCE_MS: u32 = 150;
/// Pastes above this size are kept like a file: summarised, not laid out in the text box.
pub const LARGE: usize = 512 * 1024;
/// Inputs above this size are refused with a message.
pub const MAX_INPUT: usize = 256 * 1024 * 1024;
/// Texts above this size are analysed in slices, yielding to the browser between them, with a
/// progress bar; smaller ones at once (a few milliseconds).
pub const SLICED_ABOVE: usize = 4 * 1024 * 1024;
/// While a sliced analysis runs, new findings are shown at most this often. Only new findings
/// are: an update renders every card whose occurrence count changed again (tens of
/// milliseconds for a page of cards), so the counts so far are in the progress line, and the
/// cards' counts come with the end result.
const SHOW_EVERY_MS: f64 = 100.0;
/// Texts longer than this (in bytes) are not kept in local storage.
const STORAGE_MAX: usize = 4_000_000;
/// How many findings are shown before "Show more".
pub const PAGE: usize = 20;
/// Where the paste is kept across reloads: this tab's own storage ([`browser::Keep::Tab`]), so
/// another tab (another customer) never brings it back. Earlier versions kept it under the same
/// key for the whole browser; that copy is taken over once and removed ([`DecoderState::restore`]).
pub const TEXT_KEY: &str = "aci-triage.text";
/// The choice "Don't keep pastes on this device" (`no`), for the whole browser.
pub const KEEP_KEY: &str = "aci-triage.keep-pastes";

/// A text replaced by "Try an example" or "Clear", until the user changes the text again.
#[derive(Clone, Debug, PartialEq)]
pub struct Undo {
    /// What happened, for the notice ("The text was cleared.").
    pub what: &'static str,
    pub text: String,
    pub origin: Origin,
}

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

/// What the findings show: the analysis of the text as it was when last decoded.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Decoded {
    pub analysis: Analysis,
    /// The decoded text was empty or only white space.
    pub blank: bool,
}

#[derive(Clone, Copy)]
pub struct DecoderState {
    /// The text, as the text box (or the large-paste summary) holds it.
    pub text: RwSignal<String>,
    /// The text's analysis, once the user pauses typing.
    pub decoded: RwSignal<Decoded>,
    pub origin: RwSignal<Origin>,
    /// Set when the paste could not be kept across reloads.
    pub storage_note: RwSignal<Option<String>>,
    /// The text is large and shown as a summary instead of in the text box.
    pub large: RwSignal<bool>,
    /// A problem with the last input (too large, unreadable file).
    pub input_note: RwSignal<Option<String>>,
    /// How many findings are shown.
    pub shown: RwSignal<usize>,
    /// Pastes are kept for reloads of this tab (unless the user said not to, on a shared machine).
    pub keep: RwSignal<bool>,
    /// What "Undo" brings back.
    pub undo: RwSignal<Option<Undo>>,
    /// Where the sliced read or analysis of a large text is; `None` when none runs.
    pub progress: RwSignal<Option<Progress>>,
    /// How many lines the text has, once counted (a large text's while it is analysed).
    pub lines: RwSignal<Option<usize>>,
    /// Whether a large text may hold a policy or a manifest, read slice by slice with its
    /// analysis (false until the analysis ends); see [`DecoderState::may_hold_policy`].
    worth: RwSignal<bool>,
    /// A share link is being opened (see `route`): the text is not the link's yet, so storage
    /// and the address wait for it.
    pub opening: RwSignal<bool>,
    /// Counts every start of a read or an analysis: a sliced one that finds it changed was
    /// superseded (a new paste, Clear) and stops without writing anything.
    generation: StoredValue<u64>,
    /// The analysis waiting for a pause in typing.
    pending: StoredValue<Option<Timeout>, LocalStorage>,
    /// The save to storage waiting for a pause.
    saving: StoredValue<Option<Timeout>, LocalStorage>,
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
            decoded: RwSignal::new(Decoded {
                analysis: Analysis::default(),
                blank: true,
            }),
            origin: RwSignal::new(Origin::Empty),
            storage_note: RwSignal::new(None),
            large: RwSignal::new(false),
            input_note: RwSignal::new(None),
            shown: RwSignal::new(PAGE),
            keep: RwSignal::new(true),
            undo: RwSignal::new(None),
            progress: RwSignal::new(None),
            lines: RwSignal::new(Some(1)),
            worth: RwSignal::new(false),
            opening: RwSignal::new(false),
            generation: StoredValue::new(0),
            pending: StoredValue::new_local(None),
            saving: StoredValue::new_local(None),
        }
    }

    /// Analyses the current text now. `new_input` for a text that was replaced as a whole (a
    /// paste, a file, a link): it starts at the first page of findings, as a fresh page does.
    pub fn run(&self, new_input: bool) {
        // Dropping a waiting timer cancels it.
        self.pending.set_value(None);
        let generation = self.next_generation();
        if self.sliced() {
            self.run_sliced(generation);
            return;
        }
        if self.progress.with_untracked(Option::is_some) {
            self.progress.set(None);
        }
        let lines = self
            .text
            .with_untracked(|t| count_newlines(t.as_bytes()) + 1);
        if self.lines.get_untracked() != Some(lines) {
            self.lines.set(Some(lines));
        }
        let decoded = self.text.with_untracked(|t| Decoded {
            analysis: analyze(t),
            blank: t.trim().is_empty(),
        });
        // Typing that changes nothing decoded re-renders nothing; anything else starts again at
        // the first page of findings.
        let changed = self.decoded.with_untracked(|old| *old != decoded);
        if (changed || new_input) && self.shown.get_untracked() != PAGE {
            self.shown.set(PAGE);
        }
        if changed {
            self.decoded.set(decoded);
        }
    }

    /// Whether the text may hold a policy or a manifest, for the policy reader (tracked). A small
    /// text is looked at now; a large one slice by slice with its analysis, and not before it
    /// ends (looking at 50 MB in one piece would block the page for a long task).
    pub fn may_hold_policy(&self) -> bool {
        if self.text.with(|t| t.len() <= SLICED_ABOVE) {
            self.text.with(|t| policy_worth_reading(t))
        } else {
            self.worth.get()
        }
    }

    /// Whether the text is analysed in slices (it is large): its cards are built a few per task,
    /// from the first findings on (not tracked).
    pub fn sliced(&self) -> bool {
        self.text.with_untracked(|t| t.len() > SLICED_ABOVE)
    }

    /// Starts a new read or analysis; any running one stops at its next slice.
    fn next_generation(&self) -> u64 {
        let g = self.generation.get_value().wrapping_add(1);
        self.generation.set_value(g);
        g
    }

    /// Counts every change of the text (and every start of a read or an analysis): a share link
    /// still opening when it changes does not land over what the user pasted or typed.
    pub fn generation(&self) -> u64 {
        self.generation.get_value()
    }

    /// Whether the read or analysis of `generation` was superseded.
    fn superseded(&self, generation: u64) -> bool {
        self.generation.get_value() != generation
    }

    /// Lets the browser handle input and paint ([`progress::yield_now`]); returns whether the
    /// read or analysis of `generation` may go on (it was not superseded meanwhile).
    async fn pause(&self, generation: u64) -> bool {
        progress::yield_now().await;
        !self.superseded(generation)
    }

    /// Analyses the (large) text in slices of about [`progress::SLICE_MS`], yielding to the
    /// browser between them: the findings so far and a progress bar show meanwhile, and the end
    /// result is what [`analyze`] gives for the whole text.
    fn run_sliced(&self, generation: u64) {
        let len = self.text.with_untracked(String::len);
        // The findings shown belong to the new text from the start: none yet.
        self.shown.set(PAGE);
        self.lines.set(None);
        if self.worth.get_untracked() {
            self.worth.set(false);
        }
        self.decoded.set(Decoded {
            analysis: Analysis {
                input_len: len,
                ..Analysis::default()
            },
            blank: false,
        });
        self.progress.set(Some(Progress {
            reading: false,
            done: 0,
            total: len,
            findings: 0,
            occurrences: 0,
        }));
        let this = *self;
        spawn_local(async move {
            // The first slice in a task of its own: the one that set the text (the end of a copy,
            // a file read) is long enough.
            if !this.pause(generation).await {
                return;
            }
            let mut scanner = Scanner::new();
            let mut at = 0;
            let mut shown_at = progress::now_ms();
            let mut shown_count = (0, 0);
            let mut worth = false;
            // What a feed may cost: the last one's time, or half the one before if more (a feed
            // that finds no cut is cheap, and the next analyses all that waited).
            let mut feed_ms = 0.0;
            loop {
                let start = progress::now_ms();
                let mut now = start;
                let mut first = true;
                // A feed is started only if it should end within the slice (the first always).
                while at < len && (first || now - start + feed_ms < progress::SLICE_MS) {
                    first = false;
                    at = this.text.with_untracked(|t| {
                        let end = progress::chunk_end(t, at);
                        scanner.feed(&t[at..end]);
                        // A mark split by the chunk's edge is seen in the overlap.
                        worth = worth || policy_worth_reading(progress::overlapping(t, at, end));
                        end
                    });
                    let t = progress::now_ms();
                    feed_ms = (t - now).max(feed_ms / 2.0);
                    now = t;
                }
                if at >= len {
                    // The rest (the text after the last cut) is analysed in a task of its own.
                    if !this.pause(generation).await {
                        return;
                    }
                    break;
                }
                let count = (scanner.findings().len(), scanner.total_occurrences());
                // The first findings at once, then at most every SHOW_EVERY_MS.
                let since = progress::now_ms() - shown_at;
                if count.0 != shown_count.0 && (shown_count.0 == 0 || since >= SHOW_EVERY_MS) {
                    // Showing them (cards built, laid out) is a task of its own, not the end of a
                    // slice's.
                    if !this.pause(generation).await {
                        return;
                    }
                    shown_count = count;
                    shown_at = progress::now_ms();
                    this.decoded.set(Decoded {
                        analysis: scanner.snapshot(),
                        blank: false,
                    });
                }
                this.progress.set(Some(Progress {
                    reading: false,
                    done: at,
                    total: len,
                    findings: count.0,
                    occurrences: count.1,
                }));
                if !this.pause(generation).await {
                    // Dropping the scanner is all a cancel takes.
                    return;
                }
            }
            // The scanner counted the line breaks as it merged its pieces.
            let lines = scanner.line_breaks() + 1;
            let analysis = scanner.finish();
            let blank = this.text.with_untracked(|t| t.trim().is_empty());
            this.progress.set(None);
            this.lines.set(Some(lines));
            if worth {
                this.worth.set(true);
            }
            this.decoded.set(Decoded { analysis, blank });
        });
    }

    /// The message for an input of `size` (bytes, or at least that many) above the limit.
    fn refuse(&self, size: usize) {
        self.input_note.set(Some(format!(
            "This input is {}; the app reads up to {} MB at a time. Nothing was changed. Split the file, or paste only the events of the failing pod.",
            super::megabytes(size),
            progress::max_input() / (1024 * 1024)
        )));
    }

    /// Takes a paste or a file as the JavaScript string it arrived as. A large one is copied
    /// into WASM in slices (a 50 MB copy in one piece blocks the page for a long task), then
    /// [`DecoderState::load`]ed. Refused at once when it is surely too large; what was there
    /// stays until the copy is complete, and stays if it turns out too large. Returns whether
    /// the text was taken (not refused, not superseded by another input meanwhile).
    pub async fn load_js(self, js: JsString, origin: Origin) -> bool {
        let units = js.length();
        // A UTF-16 unit is at least one byte of UTF-8.
        if units as usize > progress::max_input() {
            self.refuse(units as usize);
            return false;
        }
        if units as usize <= SLICED_ABOVE / 3 {
            let mut text = String::new();
            progress::push_js(&mut text, &js);
            return self.load(text, origin);
        }
        self.pending.set_value(None);
        let generation = self.next_generation();
        self.input_note.set(None);
        // The old findings go: they do not belong to what is being read.
        self.shown.set(PAGE);
        self.decoded.set(Decoded {
            analysis: Analysis::default(),
            blank: false,
        });
        let reading = |done: u32| Progress {
            reading: true,
            done: done as usize,
            total: units as usize,
            findings: 0,
            occurrences: 0,
        };
        self.progress.set(Some(reading(0)));
        // The copy starts in a task of its own, after the paste's.
        if !self.pause(generation).await {
            return false;
        }
        let mut text = String::new();
        let _ = text.try_reserve(units as usize);
        let mut at = 0;
        while at < units {
            let start = progress::now_ms();
            while at < units && progress::now_ms() - start < progress::SLICE_MS {
                let end = progress::slice_end(&js, at, progress::COPY_UNITS);
                progress::push_js(&mut text, &js.substring(at, end));
                at = end;
            }
            if text.len() > progress::max_input() {
                // Too large after all (much non-ASCII text): the old text comes back.
                drop(text);
                self.run(true);
                self.refuse(units as usize);
                return false;
            }
            if at < units {
                self.progress.set(Some(reading(at)));
                if !self.pause(generation).await {
                    return false;
                }
            }
        }
        self.load(text, origin)
    }

    /// Takes text from a paste, a file or a drop: a leading byte-order mark is dropped, large
    /// text is summarised instead of laid out, and text beyond [`MAX_INPUT`] is refused.
    /// Returns whether it was taken.
    pub fn load(&self, text: String, origin: Origin) -> bool {
        if text.len() > progress::max_input() {
            // What is there stays, and so do its findings (a read in slices cleared them).
            if self.progress.with_untracked(Option::is_some) {
                self.run(true);
            }
            self.refuse(text.len());
            return false;
        }
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        self.input_note.set(None);
        self.set_now(text, origin);
        true
    }

    /// Replaces the text as `set_now` does, for "Try an example" and "Clear": the text replaced
    /// can be brought back ([`DecoderState::bring_back`]).
    pub fn replace_undoable(&self, text: String, origin: Origin, what: &'static str) {
        // Taken, not copied (50 MB would be a copy in the click's task): the new text replaces
        // it at once.
        let before = self
            .text
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        let before_origin = self.origin.get_untracked();
        let lost = !before.trim().is_empty() && before != text;
        self.set_now(text, origin);
        if lost {
            self.undo.set(Some(Undo {
                what,
                text: before,
                origin: before_origin,
            }));
        }
    }

    /// Brings back the text that "Try an example" or "Clear" replaced.
    pub fn bring_back(&self) {
        if let Some(u) = self.undo.get_untracked() {
            self.set_now(u.text, u.origin);
        }
    }

    /// Replaces the text and analyses it at once (example, clear, share link, restore, file).
    pub fn set_now(&self, text: String, origin: Origin) {
        let origin = if text.is_empty() {
            Origin::Empty
        } else {
            origin
        };
        if self.undo.with_untracked(Option::is_some) {
            self.undo.set(None);
        }
        self.large.set(text.len() > LARGE);
        self.origin.set(origin);
        self.text.set(text);
        self.run(true);
    }

    /// The user edited the text box: analyse after a short pause.
    /// `at_once` for a paste or a drop into the box: nothing to wait for.
    pub fn edited(&self, text: String, at_once: bool) {
        // The text changed (its analysis follows after a pause).
        self.next_generation();
        if self.undo.with_untracked(Option::is_some) {
            self.undo.set(None);
        }
        self.origin.set(if text.is_empty() {
            Origin::Empty
        } else {
            Origin::User
        });
        self.text.set(text);
        if at_once {
            self.run(true);
            return;
        }
        let this = *self;
        // A new timer replaces (and so cancels) the one of the previous keystroke.
        self.pending
            .set_value(Some(Timeout::new(DEBOUNCE_MS, move || this.run(false))));
    }

    /// Makes storage and the address follow the state: the user's text is kept for reloads
    /// (after a pause, and at once when the page is left), and a share link's fragment goes
    /// from the address as soon as the text is no longer the link's.
    pub fn follow(&self) {
        let this = *self;
        Effect::new(move |_| {
            let origin = this.origin.get();
            this.text.track();
            // While a link opens, the empty text box is not the user's text to keep (or remove).
            if this.opening.get() {
                return;
            }
            if origin == Origin::Empty {
                // Clearing is cheap and must be done before any reload.
                this.saving.set_value(None);
                this.save();
            } else {
                let save = Timeout::new(DEBOUNCE_MS, move || this.save());
                this.saving.set_value(Some(save));
            }
        });
        let origin = Memo::new(move |_| this.origin.get());
        Effect::new(move |_| {
            let opening = this.opening.get();
            if !opening
                && !matches!(origin.get(), Origin::Link { .. })
                && is_share_fragment(&browser::hash())
            {
                browser::replace_hash("");
            }
        });
        // Leaving the page (reload, closing the tab) saves what is still waiting.
        super::owned(gloo_events::EventListener::new(
            &window(),
            "pagehide",
            move |_| {
                if this.saving.with_value(Option::is_some) {
                    this.saving.set_value(None);
                    this.save();
                }
            },
        ));
    }

    /// At start-up: the user's choice about keeping pastes, and (`text`: no link brought a text)
    /// this tab's last paste.
    pub fn restore(&self, text: bool) {
        use browser::Keep;
        let keep = browser::load(Keep::Browser, KEEP_KEY).as_deref() != Some("no");
        self.keep.set(keep);
        // Earlier versions kept one paste for the whole browser: the first tab takes it over.
        let legacy = browser::load(Keep::Browser, TEXT_KEY);
        browser::remove(Keep::Browser, TEXT_KEY);
        if !keep {
            browser::remove(Keep::Tab, TEXT_KEY);
            return;
        }
        if !text {
            return;
        }
        let text = browser::load(Keep::Tab, TEXT_KEY).or(legacy);
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            let origin = if text == describe_pod_example() {
                Origin::Example
            } else {
                Origin::Restored
            };
            self.set_now(text, origin);
        }
    }

    /// "Don't keep pastes on this device": nothing is written from now on, and what was kept goes.
    pub fn set_keep(&self, keep: bool) {
        use browser::Keep;
        self.keep.set(keep);
        if keep {
            browser::remove(Keep::Browser, KEEP_KEY);
            self.save();
        } else {
            browser::save(Keep::Browser, KEEP_KEY, "no");
            self.saving.set_value(None);
            browser::remove(Keep::Tab, TEXT_KEY);
            self.storage_note.set(None);
        }
    }

    fn save(&self) {
        use browser::Keep;
        if !self.keep.get_untracked() {
            return;
        }
        match self.origin.get_untracked() {
            Origin::Empty => {
                browser::remove(Keep::Tab, TEXT_KEY);
                self.storage_note.set(None);
            }
            Origin::User | Origin::Example | Origin::Restored => {
                // Browsers keep about 5 million characters per site; do not even try beyond.
                let ok = self.text.with_untracked(|t| {
                    t.len() <= STORAGE_MAX && browser::save(Keep::Tab, TEXT_KEY, t)
                });
                if !ok {
                    // An older paste must not come back on reload in place of this one.
                    browser::remove(Keep::Tab, TEXT_KEY);
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

/// Where the user is. Written only when the address changes (at start and on `hashchange`).
#[derive(Clone, Copy)]
pub struct Nav {
    pub route: RwSignal<Route>,
    pub notices: RwSignal<Vec<Notice>>,
    /// The wizard's answers as last shown, for "Copy report" in the decoder.
    pub last_wizard: RwSignal<String>,
    /// The deepest wizard state of the current walk: going back to one of its steps keeps it, so
    /// the step can mark the answer chosen there before (`WizardState::earlier_choice`).
    pub wizard_memory: RwSignal<String>,
    /// The user has moved within the app since the page loaded (a new step then takes focus).
    pub navigated: RwSignal<bool>,
    /// How many share links of findings were opened: each one shows the decoder as a fresh load
    /// of the link does (panels closed, first page of findings).
    pub links_opened: RwSignal<u32>,
}

impl Default for Nav {
    fn default() -> Self {
        Self::new()
    }
}

impl Nav {
    pub fn new() -> Self {
        Nav {
            route: RwSignal::new(Route::Decoder),
            notices: RwSignal::new(Vec::new()),
            last_wizard: RwSignal::new(String::new()),
            wizard_memory: RwSignal::new(String::new()),
            navigated: RwSignal::new(false),
            links_opened: RwSignal::new(0),
        }
    }

    /// Shows `route`.
    pub fn go(&self, route: Route) {
        if let Route::Wizard(answers) = &route {
            self.last_wizard.set(answers.clone());
            // (Before the graph has arrived the route opens again once it is there.)
            if let Some(g) = super::wizard::graph() {
                let here = WizardState::open(g, answers).state;
                let memory = self
                    .wizard_memory
                    .with_untracked(|m| WizardState::open(g, m).state);
                // Another branch (or a step further on) starts a new walk.
                if here.earlier_choice(g, &memory).is_none() {
                    self.wizard_memory.set(answers.clone());
                }
            }
        }
        self.route.set(route);
    }

    pub fn notify(&self, warning: bool, text: String) {
        self.notices.update(|v| v.push(Notice { warning, text }));
    }
}
