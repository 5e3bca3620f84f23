//! The JSON inside a link: `{"k":"d","t":text,"f":full}` (plus `"s":true` for a summary, and
//! `"o":true` when the sender left the pod's policy out) or `{"k":"w","a":answers}`. Links
//! without `"o"` (all links made before it existed) open as they did. Version 1 wrote the same shape without `"s"`; its findings-only
//! links were always summaries.
//!
//! One flat struct rather than an enum tagged by `"k"`: serde reads a tagged enum through its
//! self-describing buffer, which links serde_json's whole number parser into the app for a
//! document that holds no number.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Content, Shared};

#[derive(Serialize, Deserialize)]
struct Payload<'a> {
    /// `"d"` for the decoder, `"w"` for the wizard.
    k: Cow<'a, str>,
    /// The decoder's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<Cow<'a, str>>,
    /// Whether `t` is the whole paste.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<bool>,
    /// Whether `t` is a summary, one line per finding (version 2 only).
    #[serde(default, skip_serializing_if = "is_false")]
    s: bool,
    /// The sender's paste held the pod's policy and the link leaves it out.
    #[serde(default, skip_serializing_if = "is_false")]
    o: bool,
    /// The wizard's answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    a: Option<Cow<'a, str>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

pub fn to_json(state: &Shared) -> Vec<u8> {
    let p = match state {
        Shared::Decoder {
            text,
            content,
            policy_left_out,
        } => Payload {
            k: Cow::Borrowed("d"),
            t: Some(Cow::Borrowed(text)),
            f: Some(*content == Content::Full),
            s: *content == Content::Summary,
            o: *policy_left_out,
            a: None,
        },
        Shared::Wizard { answers } => Payload {
            k: Cow::Borrowed("w"),
            t: None,
            f: None,
            s: false,
            o: false,
            a: Some(Cow::Borrowed(answers)),
        },
    };
    // Strings and booleans only: serialising cannot fail.
    serde_json::to_vec(&p).unwrap_or_default()
}

/// Reads a payload; `version` is the link's format version (1 or 2).
pub fn from_json(bytes: &[u8], version: u32) -> Option<Shared> {
    let p: Payload = serde_json::from_slice(bytes).ok()?;
    Some(match &*p.k {
        "d" => {
            let full = p.f.unwrap_or(false);
            Shared::Decoder {
                text: p.t?.into_owned(),
                content: if full {
                    Content::Full
                } else if p.s || version == 1 {
                    Content::Summary
                } else {
                    Content::Findings
                },
                policy_left_out: p.o,
            }
        }
        "w" => Shared::Wizard {
            answers: p.a?.into_owned(),
        },
        _ => return None,
    })
}
