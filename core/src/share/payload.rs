//! The JSON inside a link: `{"k":"d","t":text,"f":full}` (plus `"s":true` for a summary) or
//! `{"k":"w","a":answers}`. Version 1 wrote the same shape without `"s"`; its findings-only
//! links were always summaries.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Content, Shared};

#[derive(Serialize, Deserialize)]
#[serde(tag = "k")]
enum Payload<'a> {
    #[serde(rename = "d")]
    Decoder {
        #[serde(rename = "t")]
        text: Cow<'a, str>,
        #[serde(rename = "f", default)]
        full: bool,
        #[serde(rename = "s", default, skip_serializing_if = "is_false")]
        summary: bool,
    },
    #[serde(rename = "w")]
    Wizard {
        #[serde(rename = "a")]
        answers: Cow<'a, str>,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

pub fn to_json(state: &Shared) -> Vec<u8> {
    let p = match state {
        Shared::Decoder { text, content } => Payload::Decoder {
            text: Cow::Borrowed(text),
            full: *content == Content::Full,
            summary: *content == Content::Summary,
        },
        Shared::Wizard { answers } => Payload::Wizard {
            answers: Cow::Borrowed(answers),
        },
    };
    // Strings and booleans only: serialising cannot fail.
    serde_json::to_vec(&p).unwrap_or_default()
}

/// Reads a payload; `version` is the link's format version (1 or 2).
pub fn from_json(bytes: &[u8], version: u32) -> Option<Shared> {
    Some(match serde_json::from_slice::<Payload>(bytes).ok()? {
        Payload::Decoder {
            text,
            full,
            summary,
        } => Shared::Decoder {
            text: text.into_owned(),
            content: if full {
                Content::Full
            } else if summary || version == 1 {
                Content::Summary
            } else {
                Content::Findings
            },
        },
        Payload::Wizard { answers } => Shared::Wizard {
            answers: answers.into_owned(),
        },
    })
}
