//! Big pastes without a frozen tab: the pieces the decoder's state ([`super::state`]) uses to read
//! and analyse a large text in slices of a few milliseconds on the main thread, yielding to the
//! browser between them (the single-file build opened from disk cannot start workers), and the
//! `<progress>` shown meanwhile.

use js_sys::JsString;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::megabytes;
use super::state::DecoderState;

/// Work done between two yields to the browser, in milliseconds: short enough that a click or a
/// key is handled at once, long enough that yielding costs little.
pub const SLICE_MS: f64 = 16.0;
/// How much text is fed to the analysis at a time (several milliseconds of work; the time is
/// checked between feeds). Fixed: a feed that finds no safe cut costs next to nothing and the
/// next one that does analyses all that waited, so timing feeds says little about the next.
/// Each piece costs a check of the text around its cut (about 64 KiB analysed again): 1 MiB
/// feeds analyse 10 MB on the host in 60 ms, 256 KiB feeds in 84 ms (`bench_scan`).
pub const CHUNK: usize = 1024 * 1024;
/// How many UTF-16 units are copied from a JavaScript string into WASM at a time.
pub const COPY_UNITS: u32 = 1024 * 1024;

/// Where a sliced read or analysis is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Copying the text in (true) or analysing it.
    pub reading: bool,
    /// How much is done, of `total` (bytes; UTF-16 units while reading).
    pub done: usize,
    pub total: usize,
    /// Findings so far, and their occurrences.
    pub findings: usize,
    pub occurrences: usize,
}

/// Milliseconds since some fixed point (for measuring slices).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Lets the browser handle input and paint, then continues: a message through a fresh
/// `MessageChannel` (a task, not a microtask, and not clamped like nested timers are).
pub async fn yield_now() {
    // Every browser the app runs in has channels (they came with workers); without one the
    // work goes on without a yield.
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    // The channel lives until its message arrived.
    channel.port1().set_onmessage(None);
}

/// The largest input read, in bytes. Tests lower it (`globalThis.__aciTriageMaxInput`) to check
/// the refusal without making a quarter of a gigabyte in the browser.
pub fn max_input() -> usize {
    let hook = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__aciTriageMaxInput"))
        .ok()
        .and_then(|v| v.as_f64());
    match hook {
        Some(n) if n >= 1.0 => n as usize,
        _ => super::state::MAX_INPUT,
    }
}

/// A paste's text as the JavaScript string it is, not yet copied into WASM.
pub fn clipboard_text(data: &web_sys::DataTransfer) -> Option<JsString> {
    let get = js_sys::Reflect::get(data, &JsValue::from_str("getData")).ok()?;
    let get = get.dyn_into::<js_sys::Function>().ok()?;
    get.call1(data, &JsValue::from_str("text"))
        .ok()?
        .dyn_into::<JsString>()
        .ok()
}

/// Whether `s` is longer than `bytes` in UTF-8 (copied only when its length cannot tell).
pub fn longer_than(s: &JsString, bytes: usize) -> bool {
    let units = s.length() as usize;
    // One UTF-16 unit is one to three bytes of UTF-8.
    units > bytes || (units * 3 > bytes && String::from(s.clone()).len() > bytes)
}

/// A text box's value as a JavaScript string.
pub fn value_of(el: &web_sys::HtmlTextAreaElement) -> JsString {
    js_sys::Reflect::get(el, &JsValue::from_str("value"))
        .ok()
        .and_then(|v| v.dyn_into::<JsString>().ok())
        .unwrap_or_else(|| JsString::from(""))
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's UTF-8 encoder, its `encodeInto` given the JavaScript string as it is:
    /// web-sys' binding takes a `&str`, and making one is the copy this saves (wasm-bindgen's
    /// glue reads an ASCII string one character at a time: a 50 MB paste took 290 ms that way).
    #[wasm_bindgen(js_name = TextEncoder)]
    type Utf8Encoder;
    #[wasm_bindgen(constructor, js_class = "TextEncoder")]
    fn new() -> Utf8Encoder;
    #[wasm_bindgen(method, js_class = "TextEncoder", js_name = encodeInto)]
    fn encode_into(this: &Utf8Encoder, source: &JsString, into: &js_sys::Uint8Array) -> Encoded;
    /// What `encodeInto` did: UTF-16 units read, bytes written.
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// Appends `s` to `text` in UTF-8, encoded by the browser straight into the string's spare room
/// (a lone surrogate becomes U+FFFD, as in any copy of a JavaScript string into Rust).
pub fn push_js(text: &mut String, s: &JsString) {
    let encoder = Utf8Encoder::new();
    let mut rest = s.clone();
    loop {
        let units = rest.length() as usize;
        if units == 0 {
            return;
        }
        // One unit is at least one byte; the encoder stops where the room ends, on a character
        // boundary, and the rest comes in the next round. Four bytes hold any character, so
        // each round reads something.
        let len = text.len();
        if text.capacity() - len < units.clamp(4, 4096) {
            text.reserve(units.max(4));
        }
        let room = text.capacity() - len;
        // SAFETY: the view covers the string's spare capacity and is used at once, before
        // anything in WASM allocates (which could move or grow the memory under it). The encoder
        // writes whole UTF-8 characters only, so the bytes it reports written keep the string
        // valid UTF-8, and no more than the view holds.
        let done = unsafe {
            let end = text.as_mut_ptr().add(len);
            let view = js_sys::Uint8Array::view_mut_raw(end, room);
            let done = encoder.encode_into(&rest, &view);
            let written = (done.written() as usize).min(room);
            text.as_mut_vec().set_len(len + written);
            done
        };
        let read = done.read();
        if read as usize >= units {
            return;
        }
        rest = rest.substring(read, units as u32);
    }
}

/// The end of the slice of `s` that starts at `at` and holds at most `units` UTF-16 units, never
/// between the two halves of a surrogate pair (which would not survive the copy).
pub fn slice_end(s: &JsString, at: u32, units: u32) -> u32 {
    let len = s.length();
    let mut end = at.saturating_add(units).min(len);
    let high_surrogate = |i: u32| (0xd800..0xdc00).contains(&(s.char_code_at(i) as u32));
    if end < len && end > at + 1 && high_surrogate(end - 1) {
        end -= 1;
    }
    end
}

/// The end of the chunk of `t` that starts at `at`: at most [`CHUNK`] bytes (a quarter of that
/// for the first), on a character boundary.
pub fn chunk_end(t: &str, at: usize) -> usize {
    // The first findings come from a smaller first piece.
    chunk_end_by(t, at, if at == 0 { CHUNK / 4 } else { CHUNK })
}

/// The end of the chunk of `t` that starts at `at`: at most `size` bytes (more only to reach a
/// character boundary).
pub fn chunk_end_by(t: &str, at: usize, size: usize) -> usize {
    let mut end = at.saturating_add(size).min(t.len());
    while !t.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// How far a slice looked at for a mark reaches back into the slice before it: further than the
/// longest mark the policy reader looks for, so a mark split by a slice's edge is seen whole.
pub const OVERLAP: usize = 64;

/// The chunk `t[at..end]` with up to [`OVERLAP`] bytes of the text before it (from a character
/// boundary).
pub fn overlapping(t: &str, at: usize, end: usize) -> &str {
    let mut from = at.saturating_sub(OVERLAP);
    while !t.is_char_boundary(from) {
        from += 1;
    }
    &t[from..end]
}

/// The progress bar and what it has found so far, while a large paste is read or analysed.
#[component]
pub fn AnalysisProgress(st: DecoderState) -> impl IntoView {
    let progress = st.progress;
    move || {
        progress.get().map(|p| {
            let label = if p.reading {
                format!(
                    "Reading the paste: {} of {}",
                    megabytes(p.done),
                    megabytes(p.total)
                )
            } else {
                let found = match (p.findings, p.occurrences) {
                    (0, _) => "nothing found yet".to_string(),
                    (1, 1) => "1 finding so far".to_string(),
                    (f, o) if o > f => format!("{f} findings so far ({o} occurrences)"),
                    (f, _) => format!("{f} findings so far"),
                };
                format!(
                    "Analysing: {} of {} read, {found}",
                    megabytes(p.done),
                    megabytes(p.total)
                )
            };
            // A range, not a number of steps: the browser shows the fraction. Written as integer
            // text: an f64 attribute would link float formatting (about 5 KB of WASM) for this.
            let max = p.total.max(1).to_string();
            let value = p.done.min(p.total.max(1)).to_string();
            view! {
                <div class="analysis-progress">
                    <progress max=max value=value aria-label="Analysis progress"></progress>
                    <p class="note">{label}</p>
                </div>
            }
        })
    }
}
