//! JSON values in a document: as table cells (a list of short values as a list, anything
//! structured as indented JSON) and as pretty text with a size guard.

use serde_json::Value;

use super::{more_items, MAX_ITEMS};
use crate::decode::model::value_text;
use crate::report::{hint, para_class, Block, Inline};

/// A cell holding `s` as code.
pub(super) fn code_cell(s: &str) -> Vec<Block> {
    vec![Block::Para {
        class: hint::PLAIN,
        text: vec![Inline::Code(s.to_string())],
    }]
}

/// A cell holding a JSON value: a list of short values as a list, anything structured as JSON.
pub(super) fn value_cell(v: &Value) -> Vec<Block> {
    match v {
        Value::Array(items) if items.is_empty() => vec![para_class(hint::MUTED, "(empty list)")],
        Value::Array(items) if items.iter().all(|i| i.is_string() || i.is_number()) => {
            let list = items
                .iter()
                .take(MAX_ITEMS)
                .map(|i| code_cell(&value_text(i)))
                .collect();
            [Block::List {
                ordered: true,
                class: hint::VALUES,
                items: list,
            }]
            .into_iter()
            .chain(more_items(items.len()))
            .collect()
        }
        Value::Object(_) | Value::Array(_) => vec![Block::Pre {
            code: pretty(v),
            copy: Vec::new(),
        }],
        other => code_cell(&value_text(other)),
    }
}

/// Pretty JSON, or compact JSON when indenting would make it much longer: a hostile decision of
/// many small values nested deep would pretty-print to hundreds of times its size, in the page
/// and in the copied report. Real decisions fit in 3 KiB and are always indented.
pub(super) fn pretty(v: &Value) -> String {
    let compact = v.to_string();
    let budget = compact.len().saturating_mul(4).saturating_add(64 * 1024);
    pretty_within(v, budget).unwrap_or(compact)
}

/// JSON indented by two spaces, unless that is longer than `max_len` bytes. Indentation costs two
/// bytes per level on every line, so many small values nested deep grow many times over (`1,`
/// nested 120 deep takes 240 bytes); writing stops as soon as the text is too long.
fn pretty_within(v: &Value, max_len: usize) -> Option<String> {
    /// Refuses to grow past its limit, which ends the serialisation early.
    struct Within(Vec<u8>, usize);
    impl std::io::Write for Within {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + data.len() > self.1 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            self.0.extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Within(Vec::new(), max_len);
    serde_json::to_writer_pretty(&mut out, v).ok()?;
    // serde_json writes UTF-8.
    String::from_utf8(out.0).ok()
}
