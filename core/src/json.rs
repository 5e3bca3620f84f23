//! A small JSON reader and writer.
//!
//! The app parses untrusted decoded text and pretty-prints it; this module does just that, keeps
//! object keys in their order, reports errors with their position, refuses hostile nesting
//! instead of overflowing the stack, and costs a fraction of a general serialisation framework in
//! the WASM bundle (see README "Size"). Numbers keep their original text.

use std::fmt::Write as _;

/// Deeper nesting than this is refused (a stack overflow would abort the whole app).
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Objects keep their keys in order (duplicates too, as written).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Byte offset of the problem.
    pub offset: usize,
    /// 1-based line and column (in characters) of the problem.
    pub line: usize,
    pub column: usize,
    pub message: &'static str,
    /// Whether the text simply ended too early.
    pub eof: bool,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The first value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
}

/// Parses one JSON value at the start of `text` (after whitespace). Returns it and the byte
/// offset where it ends, so the caller can tell trailing text apart.
pub fn parse_prefix(text: &str) -> Result<(Value, usize), Error> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    Ok((v, p.i))
}

/// Parses a whole text as one JSON value (whitespace around it allowed).
pub fn parse(text: &str) -> Result<Value, Error> {
    let (v, end) = parse_prefix(text)?;
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: end,
    };
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("unexpected text after the value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, message: &'static str) -> Error {
        let at = self.i.min(self.s.len());
        let before = &self.s[..at];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let column = self
            .text
            .get(start..at)
            .map_or(at - start, |s| s.chars().count())
            + 1;
        Error {
            offset: at,
            line,
            column,
            message,
            eof: at >= self.s.len(),
        }
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8], v: Value) -> Result<Value, Error> {
        for &c in lit {
            match self.s.get(self.i) {
                Some(&x) if x == c => self.i += 1,
                Some(_) => return Err(self.err("invalid literal")),
                None => return Err(self.err("the text ends inside a literal")),
            }
        }
        Ok(v)
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        match self.s.get(self.i) {
            None => Err(self.err("the text ends where a value should start")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.eat(b"true", Value::Bool(true)),
            Some(b'f') => self.eat(b"false", Value::Bool(false)),
            Some(b'n') => self.eat(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("expected a value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.i += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Object(fields));
        }
        loop {
            self.ws();
            match self.s.get(self.i) {
                Some(b'"') => {}
                None => return Err(self.err("the text ends inside an object")),
                Some(_) => return Err(self.err("expected a key in double quotes")),
            }
            let key = self.string()?;
            self.ws();
            match self.s.get(self.i) {
                Some(b':') => self.i += 1,
                None => return Err(self.err("the text ends after a key")),
                Some(_) => return Err(self.err("expected ':' after the key")),
            }
            self.ws();
            let v = self.value(depth + 1)?;
            fields.push((key, v));
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(fields));
                }
                None => return Err(self.err("the text ends inside an object")),
                Some(_) => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.err("the text ends inside a list")),
                Some(_) => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err("the text ends inside an escape"))?;
        let mut v = 0;
        for &d in digits {
            let x = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.err("invalid \\u escape"))?;
            v = v * 16 + x;
        }
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, Error> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len() && !matches!(self.s[self.i], b'"' | b'\\' | 0..=0x1f) {
                self.i += 1;
            }
            // The input is &str and we stopped at ASCII bytes, so this slice is valid UTF-8.
            out.push_str(self.text.get(start..self.i).unwrap_or_default());
            match self.s.get(self.i) {
                None => return Err(self.err("the text ends inside a string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.err("the text ends inside an escape"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    self.i = save;
                                    0xfffd
                                }
                            } else {
                                hi
                            };
                            // Lone surrogates become the replacement character.
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err("invalid escape in a string"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character inside a string")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.i;
        let digits = |p: &mut Parser| {
            let s = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - s
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            None => return Err(self.err("the text ends inside a number")),
            Some(_) => return Err(self.err("invalid number")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.err(if self.i >= self.s.len() {
                    "the text ends inside a number"
                } else {
                    "invalid number"
                }));
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.err(if self.i >= self.s.len() {
                    "the text ends inside a number"
                } else {
                    "invalid number"
                }));
            }
        }
        Ok(Value::Number(self.text[start..self.i].to_string()))
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `v`; stops early (leaving `out` incomplete) once `out` is longer than `limit`.
fn write_value(out: &mut String, v: &Value, indent: Option<usize>, limit: usize) {
    if out.len() > limit {
        return;
    }
    let nl = |out: &mut String, level: usize| {
        if indent.is_some() {
            out.push('\n');
            for _ in 0..level {
                out.push_str("  ");
            }
        }
    };
    let level = indent.unwrap_or(0);
    let inner = indent.map(|l| l + 1);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(fields) if fields.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if out.len() > limit {
                    return;
                }
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_value(out, item, inner, limit);
            }
            nl(out, level);
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if out.len() > limit {
                    return;
                }
                if i > 0 {
                    out.push(',');
                }
                nl(out, level + 1);
                write_string(out, k);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_value(out, item, inner, limit);
            }
            nl(out, level);
            out.push('}');
        }
    }
}

/// Compact JSON.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, None, usize::MAX);
    out
}

/// JSON indented by two spaces.
pub fn to_pretty(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Some(0), usize::MAX);
    out
}

/// [`to_pretty`], unless that is longer than `max_len` bytes. Indentation costs two bytes per
/// level on every line, so many small values nested deep grow many times over (`1,` nested 120
/// deep takes 240 bytes); this stops as soon as the text is too long.
pub fn to_pretty_within(v: &Value, max_len: usize) -> Option<String> {
    let mut out = String::new();
    write_value(&mut out, v, Some(0), max_len);
    (out.len() <= max_len).then_some(out)
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&to_string(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_key_order() {
        let v = parse(r#" {"b":1,"a":[true,null,"x\u003cy"],"c":{"d":-1.5e3}} "#).unwrap();
        assert_eq!(
            to_string(&v),
            r#"{"b":1,"a":[true,null,"x<y"],"c":{"d":-1.5e3}}"#
        );
        assert_eq!(
            v.get("a").unwrap(),
            &Value::Array(vec![
                Value::Bool(true),
                Value::Null,
                Value::String("x<y".into())
            ])
        );
    }

    #[test]
    fn errors_have_positions_and_eof() {
        let e = parse("{\"a\":1,,}").unwrap_err();
        assert_eq!((e.line, e.column, e.eof), (1, 8, false));
        let e = parse("{\"a\":[1,2").unwrap_err();
        assert!(e.eof);
        let e = parse("{\n  \"a\": tru }").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn hostile_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().message, "nested too deeply");
    }

    #[test]
    fn pretty_printing_within_a_limit() {
        let v = parse(r#"{"a":[1,{"b":[]}],"c":{}}"#).unwrap();
        let pretty = to_pretty(&v);
        assert_eq!(to_pretty_within(&v, pretty.len()), Some(pretty.clone()));
        assert_eq!(to_pretty_within(&v, pretty.len() - 1), None);
        // Deep nesting of many values: given up early, not written out.
        let deep = format!(
            "{}{}1{}",
            "[".repeat(120),
            "1,".repeat(10_000),
            "]".repeat(120)
        );
        let v = parse(&deep).unwrap();
        assert!(to_pretty(&v).len() > 2_000_000);
        assert_eq!(to_pretty_within(&v, 100_000), None);
    }

    #[test]
    fn pretty_printing() {
        let v = parse(r#"{"a":[1,{"b":[]}],"c":{}}"#).unwrap();
        assert_eq!(
            to_pretty(&v),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}"
        );
    }
}
