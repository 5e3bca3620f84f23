//! The bytes of a link and the text they travel as.
//!
//! Version 2: after `v2.` comes base64url without padding (RFC 4648 §5) of
//!
//! ```text
//! length: u32 LE · !length: u32 LE · deflate stream (RFC 1951, `length` bytes) · Adler-32 of the stream: u32 LE
//! ```
//!
//! The length and its complement come first, so a link cut anywhere (chat tools and mail clients
//! cut long links) is told apart from a damaged one: a cut leaves fewer bytes than the header
//! promises, while a changed character either breaks the header's agreement with itself or the
//! checksum. One base64 character spans at most two adjacent bytes, and both checks catch every
//! change confined to two adjacent bytes (the complement trivially; Adler-32 because its first
//! sum changes unless the two changes cancel, and then its second sum changes by the first of
//! them), so every single changed character is reported as damage, never as a cut.
//!
//! Version 1 (read only): base64url of a zlib stream (RFC 1950), whose own Adler-32 catches
//! damage; a cut shows as a stream that ends early.
//!
//! This file only packs and unpacks the envelope: the deflate stream inside it is made and read
//! by whoever holds a deflater (the browser's `CompressionStream` in the app, `miniz_oxide` in
//! the tests), see [`super::Prepared`] and [`super::Sealed`].

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::ShareError;

/// Reads what a cut link still holds: the last character of a cut carries bits of a byte that
/// did not arrive, so those bits are ignored here (and checked where the link is complete).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Bytes before the deflate stream: its length and the length's complement.
const HEADER: usize = 8;
/// Bytes after it: the Adler-32.
const TRAILER: usize = 4;

/// The base64url text of a version-2 envelope around `stream`, a raw deflate stream.
pub fn pack(stream: &[u8]) -> String {
    // Payloads are refused far below 4 GiB (`MAX_SOURCE`), and the stream is never much larger.
    let len = u32::try_from(stream.len()).unwrap_or(u32::MAX);
    let mut bytes = Vec::with_capacity(HEADER + stream.len() + TRAILER);
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(&(!len).to_le_bytes());
    bytes.extend_from_slice(stream);
    bytes.extend_from_slice(&adler2::adler32_slice(stream).to_le_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes a link's text stands for, and whether the text is exactly what an encoder writes
/// for them (a complete link always is; a changed last character may not be).
fn base64url(text: &str) -> Result<(Vec<u8>, bool), ShareError> {
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        return Err(ShareError::Corrupted(format!(
            "character \u{201c}{c}\u{201d} at position {} does not belong in it",
            i + 1
        )));
    }
    // One character alone carries no whole byte: the link was cut right after it.
    let whole = if text.len() % 4 == 1 {
        &text[..text.len() - 1]
    } else {
        text
    };
    let bytes = LENIENT
        .decode(whole)
        .map_err(|e| ShareError::Corrupted(format!("it is not base64url ({e})")))?;
    let canonical = whole.len() == text.len() && URL_SAFE_NO_PAD.encode(&bytes) == text;
    Ok((bytes, canonical))
}

/// The raw deflate stream of a version-2 link's text (after `v2.`), once the envelope's length
/// and checksum say it arrived complete and unchanged.
pub fn unpack_v2(text: &str) -> Result<Vec<u8>, ShareError> {
    let (mut bytes, canonical) = base64url(text)?;
    let Some((header, rest)) = bytes.split_first_chunk::<HEADER>() else {
        return Err(ShareError::Truncated);
    };
    let (len, check) = header.split_at(4);
    let len = u32::from_le_bytes(len.try_into().unwrap_or_default());
    let check = u32::from_le_bytes(check.try_into().unwrap_or_default());
    if check != !len {
        return Err(ShareError::Corrupted(
            "its first characters do not agree with each other".into(),
        ));
    }
    let need = (len as usize).saturating_add(TRAILER);
    if rest.len() < need {
        return Err(ShareError::Truncated);
    }
    if rest.len() > need || !canonical {
        return Err(ShareError::Corrupted(
            "it is longer than it says, or its last character was changed".into(),
        ));
    }
    let (stream, sum) = rest.split_at(len as usize);
    if adler2::adler32_slice(stream).to_le_bytes() != sum {
        return Err(ShareError::Corrupted("its checksum does not match".into()));
    }
    bytes.truncate(HEADER + len as usize);
    bytes.drain(..HEADER);
    Ok(bytes)
}

/// The zlib stream of a version-1 link's text (after `v1.`): nothing to check before inflating
/// (the stream's own Adler-32 is checked by the inflater).
pub fn unpack_v1(text: &str) -> Result<Vec<u8>, ShareError> {
    Ok(base64url(text.trim_end_matches('='))?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trip_and_canonical_form() {
        for n in 0..40 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 % 256) as u8).collect();
            let e = URL_SAFE_NO_PAD.encode(&data);
            assert_eq!(base64url(&e).unwrap(), (data.clone(), true));
            // A last character that differs only in bits no byte uses is not what was written.
            if n % 3 != 0 {
                let mut changed = e.clone().into_bytes();
                let last = changed.last_mut().unwrap();
                *last = if *last == b'A' { b'B' } else { b'A' };
                let changed = String::from_utf8(changed).unwrap();
                if let Ok((bytes, canonical)) = base64url(&changed) {
                    assert!(bytes != data || !canonical, "{e} vs {changed}");
                }
            }
        }
    }

    #[test]
    fn pack_then_unpack() {
        // The envelope does not look into the stream: any bytes travel, and come back as they were.
        for stream in [&b""[..], b"\x03\x00", &[7u8; 5000]] {
            assert_eq!(unpack_v2(&pack(stream)).unwrap(), stream);
        }
        let packed = pack(b"abcdef");
        assert_eq!(
            unpack_v2(&packed[..packed.len() - 2]),
            Err(ShareError::Truncated)
        );
    }
}
