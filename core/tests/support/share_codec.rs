//! The share codec with a deflater and an inflater of its own, `miniz_oxide`, in place of the
//! browser's `CompressionStream` / `DecompressionStream` the app uses (`src/ui/compress.rs`): the
//! same split codec around it (`share::prepare` … `seal`, `share::open` … `finish`), the same
//! formats (raw deflate for version 2, zlib for version 1), the same limit, and inflating
//! failures told apart as the app tells them apart. Used by `tests/share.rs` and the fuzz checks
//! (`fuzz/src/checks.rs`, also replayed by `tests/fuzz_regressions.rs`).
#![allow(dead_code)]

use aci_triage_core::share::{
    self, EncodeError, Inflate, InflateFailure, ShareError, Shared, MAX_INFLATED,
};
use miniz_oxide::inflate::TINFLStatus;

/// zlib's default level, which browsers' `CompressionStream` uses.
const LEVEL: u8 = 6;

/// Encodes `state` as a fragment (without the `#`), as the app does.
pub fn encode(state: &Shared) -> Result<String, EncodeError> {
    let prepared = share::prepare(state)?;
    prepared.seal(&deflate_raw(prepared.payload()))
}

/// Opens a fragment (without the `#`), as the app does.
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let sealed = share::open(fragment)?;
    let inflated = inflate(sealed.stream(), sealed.format());
    sealed.finish(inflated)
}

/// A raw deflate stream (RFC 1951) of `data`.
pub fn deflate_raw(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(data, LEVEL)
}

/// A zlib stream (RFC 1950) of `data`: what version-1 links carry.
pub fn deflate_zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, LEVEL)
}

/// Inflates `stream` as `format`, stopping beyond [`MAX_INFLATED`] bytes of output.
pub fn inflate(stream: &[u8], format: Inflate) -> Result<Vec<u8>, InflateFailure> {
    let out = match format {
        Inflate::Raw => miniz_oxide::inflate::decompress_to_vec_with_limit(stream, MAX_INFLATED),
        Inflate::Zlib => {
            miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(stream, MAX_INFLATED)
        }
    };
    out.map_err(|e| match e.status {
        // The data ended before the stream did.
        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
            InflateFailure::EndedEarly
        }
        TINFLStatus::HasMoreOutput => InflateFailure::TooLarge,
        _ => InflateFailure::BadData,
    })
}
