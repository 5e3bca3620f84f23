//! Share links with the browser's own `CompressionStream` / `DecompressionStream`: the core's
//! codec is split around the compression ([`prepare`] … `seal`, [`open_share`] … `finish`), and
//! the deflating and inflating in between happen here, asynchronously. The WebAssembly carries
//! no deflate code of its own (see the core's `share` module for why).
//!
//! The input goes to the stream's writer in pieces while the reader drains the output, so an
//! inflater never runs far ahead of what was read: reading stops (and the stream is cancelled)
//! as soon as the output passes the core's [`MAX_INFLATED`], and a link that unpacks to
//! gigabytes costs at most a piece's worth beyond that. How a stream failed is told by which
//! promise of the writer was rejected: a write (the bytes are not a valid stream, or something
//! follows its end) or only the close (the bytes ended before the stream did).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ReadableStream, ReadableStreamDefaultReader, WritableStream, WritableStreamDefaultWriter,
};

use super::api::{open_share, prepare_share, Inflate, InflateFailure, Shared, MAX_INFLATED};

// The two classes: web-sys has them only behind `--cfg web_sys_unstable_apis`, which would switch
// every unstable binding of web-sys on for the whole build. Each is a constructor taking the
// format's name, and the two ends of a transform stream (the spec's `GenericTransformStream`).
#[wasm_bindgen]
extern "C" {
    type GenericTransformStream;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &GenericTransformStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &GenericTransformStream) -> WritableStream;

    #[wasm_bindgen(extends = GenericTransformStream)]
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    #[wasm_bindgen(extends = GenericTransformStream)]
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// How much compressed input goes to the inflater at a time: at most about a thousand times as
/// much output (deflate's largest ratio) comes out of one piece.
const INFLATE_PIECE: usize = 1024;

/// What a browser without the streams gets (they are in every browser the app supports).
const NO_STREAMS: &str = "This browser cannot pack or unpack share links (it has no CompressionStream). Open the link in a current version of Edge, Chrome, Firefox or Safari.";

/// The fragment (without the `#`) of a link to `state`, or why there is none.
pub async fn encode(state: &Shared) -> Result<String, String> {
    let prepared = prepare_share(state).map_err(|e| e.to_string())?;
    let stream = deflate_raw(prepared.payload())
        .await
        .map_err(|_| NO_STREAMS.to_string())?;
    prepared.seal(&stream).map_err(|e| e.to_string())
}

/// The state a fragment (without the `#`) holds, or the message why it cannot be opened.
pub async fn decode(fragment: &str) -> Result<Shared, String> {
    let sealed = open_share(fragment).map_err(|e| e.to_string())?;
    let inflated = inflate(sealed.stream(), sealed.format())
        .await
        .map_err(|_| NO_STREAMS.to_string())?;
    sealed.finish(inflated).map_err(|e| e.to_string())
}

/// A raw deflate stream (RFC 1951) of `data`, by the browser's `CompressionStream`.
pub async fn deflate_raw(data: &[u8]) -> Result<Vec<u8>, JsValue> {
    let stream = CompressionStream::new("deflate-raw")?;
    // Compressing never grows without bound: the whole input in one write, no limit.
    match pump(&stream, data, data.len().max(1), usize::MAX).await? {
        Ok(out) => Ok(out),
        Err(_) => Err(JsValue::from_str("the browser could not compress")),
    }
}

/// Inflates `stream` as `format` with the browser's `DecompressionStream`, stopping beyond
/// [`MAX_INFLATED`] bytes. The outer error: the browser has no such stream.
pub async fn inflate(
    stream: &[u8],
    format: Inflate,
) -> Result<Result<Vec<u8>, InflateFailure>, JsValue> {
    let format = match format {
        Inflate::Raw => "deflate-raw",
        Inflate::Zlib => "deflate",
    };
    let ds = DecompressionStream::new(format)?;
    pump(&ds, stream, INFLATE_PIECE, MAX_INFLATED).await
}

/// Writes `data` in pieces of `piece` bytes into `stream` and reads what comes out, up to
/// `limit` bytes.
async fn pump(
    stream: &GenericTransformStream,
    data: &[u8],
    piece: usize,
    limit: usize,
) -> Result<Result<Vec<u8>, InflateFailure>, JsValue> {
    let writer = WritableStreamDefaultWriter::new(&stream.writable())?;
    let reader = ReadableStreamDefaultReader::new(&stream.readable())?;
    // Every promise gets its handlers at once (`JsFuture::from`), so a rejection is never an
    // "uncaught" one; each write runs when the reader has taken the output of the one before.
    let writes: Vec<JsFuture> = data
        .chunks(piece)
        .map(|p| JsFuture::from(writer.write_with_chunk(&Uint8Array::from(p))))
        .collect();
    let closed = JsFuture::from(writer.close());
    let mut out = Vec::new();
    let ended = loop {
        let Ok(step) = JsFuture::from(reader.read()).await else {
            break false;
        };
        if Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            break true;
        }
        let Ok(bytes) = Reflect::get(&step, &"value".into())
            .unwrap_or_default()
            .dyn_into::<Uint8Array>()
        else {
            break false;
        };
        let at = out.len();
        let n = bytes.length() as usize;
        if at + n > limit {
            // Stop the stream: the writes still queued are rejected, and nothing more is made.
            let _ = JsFuture::from(reader.cancel()).await;
            return Ok(Err(InflateFailure::TooLarge));
        }
        out.resize(at + n, 0);
        bytes.copy_to(&mut out[at..]);
    };
    let mut wrote = true;
    for w in writes {
        wrote &= w.await.is_ok();
    }
    let closed = closed.await.is_ok();
    Ok(match (ended, wrote, closed) {
        (true, true, true) => Ok(out),
        // Every piece was taken; only the end found the stream unfinished.
        (_, true, false) => Err(InflateFailure::EndedEarly),
        _ => Err(InflateFailure::BadData),
    })
}
