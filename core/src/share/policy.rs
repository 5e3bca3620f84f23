//! The pod's CCE policy in a decoder link: carried only when the user ticks it.
//!
//! A policy names the pod's images and registries (and its decoded containers show them), so a
//! link carries it only on request. The policy reader (a separate module, see
//! `crate::explain::policy`) says where the policies and manifests are in the text it read
//! ([`PolicyPlaces`], from `crate::policy::Spans`); without it (not answered yet, or the single
//! offline file) [`PolicyPlaces::guess`] finds the base64 policies by their first characters.
//!
//! - Findings only, policy left out: the findings-only text ([`super::findings`]) of the paste
//!   with the policies blanked first.
//! - Findings only, policy ticked: the findings-only text with the documents that hold the
//!   policies and manifests put back where they were (every byte position stays), so the
//!   recipient's policy reader finds them as the sender's did. A paste too large to reduce gets
//!   its summary with those documents after it.
//! - Full text, policy left out: the whole paste with the policies blanked (spaces, line breaks
//!   kept); the manifests around them stay, as the user asked for the full text.
//! - Full text, policy ticked: the whole paste.
//!
//! A link that left a policy out says so (`"o":true` in its payload): the recipient sees the
//! denials without the comparison and a line that says the sender left the policy out.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::{findings, Content, Shared};

/// The base64 of `package` (every Rego policy starts with it): how a base64 policy is known.
const PACKAGE_B64: &str = "cGFja2FnZS";

/// Where the policies and manifests are in one text (byte ranges, sorted, not overlapping).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyPlaces {
    /// [`fingerprint`] of the text the ranges are for: ranges of another text are not used.
    pub fingerprint: u64,
    /// The documents and blocks that hold a policy or a manifest.
    pub documents: Vec<(usize, usize)>,
    /// The policies themselves (base64 values, Rego texts).
    pub values: Vec<(usize, usize)>,
}

/// FNV-1a of the text: tells whether [`PolicyPlaces`] were found in this very text.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn pairs(v: &[Range<usize>]) -> Vec<(usize, usize)> {
    v.iter().map(|r| (r.start, r.end)).collect()
}

impl PolicyPlaces {
    /// The places the policy reader found (`crate::policy::PolicyPaste::spans`) in `text`.
    pub fn of(text: &str, spans: &crate::policy::Spans) -> PolicyPlaces {
        PolicyPlaces {
            fingerprint: fingerprint(text),
            documents: pairs(&spans.documents),
            values: pairs(&spans.values),
        }
    }

    /// Without the reader: every base64 run of 64 characters or more that starts like a Rego
    /// policy (`cGFja2FnZS`, "package"), as both document and value. Rego text pasted as it is
    /// is not found this way.
    pub fn guess(text: &str) -> PolicyPlaces {
        let b = text.as_bytes();
        let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=');
        let mut runs = Vec::new();
        for (at, _) in text.match_indices(PACKAGE_B64) {
            if at > 0 && is_b64(b[at - 1]) {
                continue;
            }
            let mut end = at;
            while end < b.len() && is_b64(b[end]) {
                end += 1;
            }
            if end - at >= 64 {
                runs.push((at, end));
            }
        }
        PolicyPlaces {
            fingerprint: fingerprint(text),
            documents: runs.clone(),
            values: runs,
        }
    }

    /// Nothing to leave out or put back.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.values.is_empty()
    }

    /// Whether these places were found in `text`.
    pub fn fits(&self, text: &str) -> bool {
        self.fingerprint == fingerprint(text)
    }
}

/// Ranges that fit `text` (inside it, on character boundaries).
fn valid<'a>(text: &'a str, v: &'a [(usize, usize)]) -> impl Iterator<Item = Range<usize>> + 'a {
    v.iter()
        .filter(|(s, e)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .map(|&(s, e)| s..e)
}

/// `text` with every byte of `ranges` but line breaks and tabs replaced by spaces.
fn blanked(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut b = text.as_bytes().to_vec();
    for r in valid(text, ranges) {
        for x in &mut b[r] {
            if !matches!(*x, b'\n' | b'\r' | b'\t') {
                *x = b' ';
            }
        }
    }
    // Whole characters were replaced: still UTF-8.
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Shared {
    /// The decoder state to share for `text`, as [`Shared::decoder`] (`full` or the findings
    /// only), with the pod's policy and manifests (at `places`, which must fit `text`) only when
    /// `with_policy`; otherwise they are left out and the link says so. `None` places, or empty
    /// ones: nothing to leave out (the same as [`Shared::decoder`]).
    pub fn decoder_with_policy(
        text: &str,
        full: bool,
        places: Option<&PolicyPlaces>,
        with_policy: bool,
    ) -> Shared {
        let Some(p) = places.filter(|p| !p.is_empty() && p.fits(text)) else {
            return Shared::decoder(text, full);
        };
        match (full, with_policy) {
            (true, true) => Shared::decoder(text, true),
            (true, false) => Shared::Decoder {
                text: blanked(text, &p.values),
                content: Content::Full,
                policy_left_out: true,
            },
            (false, false) => match Shared::decoder(&blanked(text, &p.values), false) {
                Shared::Decoder { text, content, .. } => Shared::Decoder {
                    text,
                    content,
                    policy_left_out: true,
                },
                other => other,
            },
            (false, true) => match findings::findings_only(text) {
                Some(reduced) if reduced.len() == text.len() => {
                    let mut b = reduced.into_bytes();
                    for r in valid(text, &p.documents) {
                        b[r.clone()].copy_from_slice(&text.as_bytes()[r]);
                    }
                    Shared::Decoder {
                        text: String::from_utf8(b)
                            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
                        content: Content::Findings,
                        policy_left_out: false,
                    }
                }
                _ => {
                    let mut s = findings::summary(text, &crate::decode::analyze(text));
                    for r in valid(text, &p.documents) {
                        s.push_str("\n\n");
                        s.push_str(&text[r]);
                    }
                    Shared::Decoder {
                        text: s,
                        content: Content::Summary,
                        policy_left_out: false,
                    }
                }
            },
        }
    }
}
