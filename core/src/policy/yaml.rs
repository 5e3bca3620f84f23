//! YAML documents to JSON values, through `saphyr-parser`'s event stream.
//!
//! Scalars follow the YAML 1.2 core schema (plain `true`, `123`, `null` become JSON values;
//! quoted scalars stay strings), which is how Kubernetes reads manifests. Aliases are expanded
//! within a node budget, so a "billion laughs" input stops with an error instead of eating memory.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

use super::rego::MAX_DEPTH;

/// Nodes aliases may add, beyond the text's own size: Kubernetes manifests rarely use aliases,
/// and kubectl never writes them.
const ALIAS_BUDGET: usize = 100_000;

/// Why reading stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// 1-based line of the problem in the text given.
    pub line: usize,
    pub message: String,
}

/// One document and the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlDoc {
    pub line: usize,
    pub value: Value,
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

fn scalar(v: &str, style: ScalarStyle, tagged_str: bool) -> Value {
    if style != ScalarStyle::Plain || tagged_str {
        return Value::String(v.to_string());
    }
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let b = v.as_bytes();
    let numeric_start = b[0].is_ascii_digit()
        || (matches!(b[0], b'-' | b'+' | b'.')
            && b.len() > 1
            && (b[1].is_ascii_digit() || b[1] == b'.'));
    if numeric_start {
        if let Ok(n) = v.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Some(h) = v.strip_prefix("0x") {
            if let Ok(n) = i64::from_str_radix(h, 16) {
                return Value::Number(n.into());
            }
        }
        if let Some(o) = v.strip_prefix("0o") {
            if let Ok(n) = i64::from_str_radix(o, 8) {
                return Value::Number(n.into());
            }
        }
        if v.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            if let Some(n) = v.parse::<f64>().ok().and_then(Number::from_f64) {
                return Value::Number(n);
            }
        }
    }
    Value::String(v.to_string())
}

fn key_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn count_nodes(v: &Value) -> usize {
    let mut n = 0;
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        n += 1;
        match x {
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(o) => stack.extend(o.values()),
            _ => {}
        }
    }
    n
}

/// Reads every document of a YAML stream. Returns the documents read before an error too.
pub fn read_documents(text: &str) -> (Vec<YamlDoc>, Option<YamlError>) {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: Vec<(usize, Value, usize)> = Vec::new();
    let mut nodes = 0usize;
    let budget = ALIAS_BUDGET + text.len();
    let mut doc_line = 1;
    let mut doc_value: Option<Value> = None;
    let mut parser = Parser::new_from_str(text);
    loop {
        let (ev, span) = match parser.next_event() {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                return (
                    docs,
                    Some(YamlError {
                        line: e.marker().line(),
                        message: e.info().to_string(),
                    }),
                )
            }
        };
        let line = span.start.line();
        let complete: Option<(Value, usize)> = match ev {
            Event::StreamStart | Event::Nothing => None,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                doc_line = line;
                doc_value = None;
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                if let Some(v) = doc_value.take() {
                    docs.push(YamlDoc {
                        line: doc_line,
                        value: v,
                    });
                }
                None
            }
            Event::Alias(id) => {
                let found = anchors.iter().rev().find(|(a, _, _)| *a == id);
                let size = found.map_or(1, |(_, _, n)| *n);
                if nodes + size > budget {
                    return (
                        docs,
                        Some(YamlError {
                            line,
                            message: "expands to too many nodes (aliases)".to_string(),
                        }),
                    );
                }
                nodes += size;
                Some((found.map_or(Value::Null, |(_, v, _)| v.clone()), 0))
            }
            Event::Scalar(v, style, anchor, tag) => {
                let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                Some((scalar(&v, style, tagged_str), anchor))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(Map::new(), None, anchor));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor)) => Some((Value::Array(items), anchor)),
                _ => None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(map, _, anchor)) => Some((Value::Object(map), anchor)),
                _ => None,
            },
        };
        if stack.len() > MAX_DEPTH {
            return (
                docs,
                Some(YamlError {
                    line,
                    message: "nested too deeply".to_string(),
                }),
            );
        }
        let Some((value, anchor)) = complete else {
            continue;
        };
        if anchor > 0 {
            let n = count_nodes(&value);
            anchors.push((anchor, value.clone(), n));
        }
        match stack.last_mut() {
            None => doc_value = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, key, _)) => match key.take() {
                None => *key = Some(key_text(value)),
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    if let Some(v) = doc_value.take() {
        docs.push(YamlDoc {
            line: doc_line,
            value: v,
        });
    }
    (docs, None)
}
