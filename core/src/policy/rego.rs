//! A tolerant reader of the Rego a CCE policy is written in: the module's `package`, its imports
//! and its top-level assignments, each value read as a **literal** when it is one.
//!
//! A literal is JSON plus what Rego and the policy tools add: trailing commas, backtick raw
//! strings (hcsshim's marshaller), `#` comments, tabs and any layout (`opa fmt`), set literals.
//! Anything else in a value (a reference such as `data.framework.mount_device`, a call, a rule
//! body) makes the value "not a literal": it is kept as text and never evaluated or guessed.

use serde_json::{Map, Number, Value};

/// Deeper nesting than this is refused (and would mean a hostile input: policies nest ~6 deep).
pub const MAX_DEPTH: usize = 96;

/// Why a literal could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralError {
    /// Byte offset in the text where reading stopped.
    pub at: usize,
    pub what: LiteralErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiteralErrorKind {
    /// Something that is not part of a literal (a reference, a variable, an operator).
    NotALiteral,
    /// The text ended inside the value (a cut paste).
    UnexpectedEnd,
    /// A string with a bad escape or a raw newline.
    BadString,
    BadNumber,
    TooDeep,
}

struct Reader<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, what: LiteralErrorKind) -> LiteralError {
        LiteralError { at: self.i, what }
    }

    /// Skips spaces, tabs, newlines and `#` comments.
    fn skip(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\r' | b'\n' => self.i += 1,
                b'#' => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn value(&mut self) -> Result<Value, LiteralError> {
        self.skip();
        let Some(c) = self.peek() else {
            return Err(self.err(LiteralErrorKind::UnexpectedEnd));
        };
        match c {
            b'{' | b'[' => {
                if self.depth >= MAX_DEPTH {
                    return Err(self.err(LiteralErrorKind::TooDeep));
                }
                self.depth += 1;
                let v = if c == b'{' {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                v
            }
            b'"' => self.string().map(Value::String),
            b'`' => self.raw_string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let word = self.word();
                let v = match word {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => return Err(self.err(LiteralErrorKind::NotALiteral)),
                };
                self.i += word.len();
                // `true.x`, `null(`: the word is part of a longer expression.
                if matches!(self.peek(), Some(b'.' | b'(' | b'[')) {
                    return Err(self.err(LiteralErrorKind::NotALiteral));
                }
                Ok(v)
            }
        }
    }

    fn word(&self) -> &'a str {
        let start = self.i;
        let mut j = start;
        while j < self.s.len() && (self.s[j].is_ascii_alphanumeric() || self.s[j] == b'_') {
            j += 1;
        }
        &self.text[start..j]
    }

    /// After an item: `,` (then maybe the closer: a trailing comma) or the closer.
    /// Returns true when the collection is closed.
    fn after_item(&mut self, close: u8) -> Result<bool, LiteralError> {
        self.skip();
        match self.peek() {
            None => Err(self.err(LiteralErrorKind::UnexpectedEnd)),
            Some(b',') => {
                self.i += 1;
                self.skip();
                if self.peek() == Some(close) {
                    self.i += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(true)
            }
            Some(_) => Err(self.err(LiteralErrorKind::NotALiteral)),
        }
    }

    fn array(&mut self) -> Result<Value, LiteralError> {
        self.i += 1; // [
        let mut items = Vec::new();
        self.skip();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.after_item(b']')? {
                return Ok(Value::Array(items));
            }
        }
    }

    /// An object, or a set literal (`{"a", "b"}`), which is read as an array.
    fn object(&mut self) -> Result<Value, LiteralError> {
        self.i += 1; // {
        self.skip();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(Map::new()));
        }
        let first = self.value()?;
        self.skip();
        if self.peek() != Some(b':') {
            // A set.
            let mut items = vec![first];
            if self.after_item(b'}')? {
                return Ok(Value::Array(items));
            }
            loop {
                items.push(self.value()?);
                if self.after_item(b'}')? {
                    return Ok(Value::Array(items));
                }
            }
        }
        let mut map = Map::new();
        let mut key = first;
        loop {
            self.skip();
            if self.peek() != Some(b':') {
                return Err(self.err(match self.peek() {
                    None => LiteralErrorKind::UnexpectedEnd,
                    Some(_) => LiteralErrorKind::NotALiteral,
                }));
            }
            self.i += 1;
            let v = self.value()?;
            let k = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            map.insert(k, v);
            if self.after_item(b'}')? {
                return Ok(Value::Object(map));
            }
            key = self.value()?;
        }
    }

    fn hex4(&mut self) -> Result<u32, LiteralError> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .ok_or_else(|| self.err(LiteralErrorKind::BadString))?;
        let n = u32::from_str_radix(h, 16).map_err(|_| self.err(LiteralErrorKind::BadString))?;
        self.i += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, LiteralError> {
        self.i += 1; // "
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err(LiteralErrorKind::UnexpectedEnd));
            };
            match c {
                b'"' => {
                    out.push_str(&self.text[run..self.i]);
                    self.i += 1;
                    return Ok(out);
                }
                b'\n' => return Err(self.err(LiteralErrorKind::BadString)),
                b'\\' => {
                    out.push_str(&self.text[run..self.i]);
                    self.i += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err(LiteralErrorKind::UnexpectedEnd));
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
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && self.text[self.i..].starts_with("\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.i = save;
                                    hi
                                }
                            } else {
                                hi
                            };
                            out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err(LiteralErrorKind::BadString));
                        }
                    }
                    run = self.i;
                }
                _ => {
                    // Step over a whole UTF-8 character.
                    self.i += 1;
                    while self.i < self.s.len() && !self.text.is_char_boundary(self.i) {
                        self.i += 1;
                    }
                }
            }
        }
    }

    fn raw_string(&mut self) -> Result<String, LiteralError> {
        self.i += 1; // `
        let start = self.i;
        match self.text[start..].find('`') {
            Some(n) => {
                self.i = start + n + 1;
                Ok(self.text[start..start + n].to_string())
            }
            None => {
                self.i = self.s.len();
                Err(self.err(LiteralErrorKind::UnexpectedEnd))
            }
        }
    }

    fn number(&mut self) -> Result<Value, LiteralError> {
        let start = self.i;
        let mut j = start;
        if self.s.get(j) == Some(&b'-') {
            j += 1;
        }
        while j < self.s.len()
            && (self.s[j].is_ascii_digit() || matches!(self.s[j], b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            j += 1;
        }
        let t = &self.text[start..j];
        self.i = j;
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Value::Number(n.into()));
        }
        if let Ok(n) = t.parse::<u64>() {
            return Ok(Value::Number(n.into()));
        }
        let well_formed = t.bytes().any(|b| b.is_ascii_digit())
            && !t.ends_with(['.', 'e', 'E', '+', '-'])
            && !t.starts_with('.');
        match t
            .parse::<f64>()
            .ok()
            .filter(|_| well_formed)
            .and_then(Number::from_f64)
        {
            Some(n) => Ok(Value::Number(n)),
            None => {
                self.i = start;
                Err(self.err(LiteralErrorKind::BadNumber))
            }
        }
    }
}

/// Reads one literal at byte `at` of `text`. Returns the value and the offset just after it.
pub fn read_literal(text: &str, at: usize) -> Result<(Value, usize), LiteralError> {
    let mut r = Reader {
        s: text.as_bytes(),
        text,
        i: at.min(text.len()),
        depth: 0,
    };
    while r.i < text.len() && !text.is_char_boundary(r.i) {
        r.i += 1;
    }
    let v = r.value()?;
    Ok((v, r.i))
}

/// The value of a top-level assignment.
#[derive(Clone, Debug, PartialEq)]
pub enum Assigned {
    /// A literal, read in full.
    Literal(Value),
    /// `data.framework.<name>` (the usual delegation of an enforcement point), with its name.
    Framework(String),
    /// Anything else: a reference, an expression, a rule with a body. Kept as text, never guessed.
    NotLiteral { text: String },
    /// The text ends inside the value: the policy was cut. What was read before the cut is lost
    /// for this value only.
    Cut,
}

/// One top-level statement `name := value` (or `name = value`, `default name := value`).
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub name: String,
    /// 1-based line of the statement.
    pub line: usize,
    /// Written as `default name := …`.
    pub default: bool,
    pub value: Assigned,
}

/// A Rego module as far as this reader understands it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    pub package: Option<String>,
    pub imports: Vec<String>,
    pub assignments: Vec<Assignment>,
    /// Top-level lines that start a rule this reader does not read (`name { … }`,
    /// `name(args) := …`, `name[x] { … }`), by name.
    pub other_rules: Vec<String>,
}

impl Module {
    /// The last assignment of `name` that is not a `default` (Rego lets `default` stand beside
    /// a conditional value; the plain one is what the policy means).
    pub fn get(&self, name: &str) -> Option<&Assignment> {
        let mut found = None;
        for a in &self.assignments {
            if a.name == name && (found.is_none() || !a.default) {
                found = Some(a);
            }
        }
        found
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn ident_end(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
        i += 1;
    }
    i
}

fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Whether the rest of the line after `at` is empty or a comment.
fn line_rest_empty(s: &[u8], mut at: usize) -> bool {
    while at < s.len() {
        match s[at] {
            b' ' | b'\t' | b'\r' => at += 1,
            b'\n' | b'#' => return true,
            _ => return false,
        }
    }
    true
}

fn next_line(s: &[u8], at: usize) -> usize {
    match s[at.min(s.len())..].iter().position(|&b| b == b'\n') {
        Some(n) => at + n + 1,
        None => s.len(),
    }
}

/// Excerpt of a non-literal value: from `from` to the end of its statement (the next line that
/// starts at column 0), at most 200 characters.
fn excerpt(text: &str, from: usize) -> String {
    let s = text.as_bytes();
    let mut end = next_line(s, from);
    while end < s.len() && matches!(s[end], b' ' | b'\t' | b'}' | b']' | b')' | b'\r' | b'\n') {
        end = next_line(s, end);
    }
    let t = text[from..end].trim_end();
    let mut cut = t.len().min(200);
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    t[..cut].to_string()
}

/// Reads a module's top-level statements. Never fails: what it cannot read it reports as
/// not a literal (or cut), and lines it does not recognise are skipped.
pub fn read_module(text: &str) -> Module {
    let s = text.as_bytes();
    let mut m = Module::default();
    let mut i = 0;
    while i < s.len() {
        // Only statements that start at column 0 are top level (policies indent rule bodies).
        let start = i;
        if !is_ident_start(s[i]) {
            i = next_line(s, i);
            continue;
        }
        let mut name_start = i;
        let mut name_end = ident_end(s, i);
        let mut is_default = false;
        let word = &text[name_start..name_end];
        if word == "package" || word == "import" {
            let rest_end = next_line(s, name_end);
            let rest = text[name_end..rest_end]
                .split('#')
                .next()
                .unwrap_or("")
                .trim();
            if word == "package" {
                if m.package.is_none() {
                    m.package = Some(rest.to_string());
                }
            } else {
                m.imports.push(rest.to_string());
            }
            i = rest_end;
            continue;
        }
        let mut j = name_end;
        if word == "default" {
            let k = skip_spaces(s, j);
            if k < s.len() && is_ident_start(s[k]) {
                is_default = true;
                name_start = k;
                name_end = ident_end(s, k);
                j = name_end;
            }
        }
        let name = text[name_start..name_end].to_string();
        j = skip_spaces(s, j);
        let op_len = if s[j..].starts_with(b":=") {
            2
        } else if s.get(j) == Some(&b'=') && s.get(j + 1) != Some(&b'=') {
            1
        } else {
            0
        };
        if op_len == 0 {
            // `name {`, `name(x) := …`, `name[x] {`, `name contains x if …`: a rule with a body.
            if !m.other_rules.contains(&name) {
                m.other_rules.push(name);
            }
            i = next_line(s, start);
            continue;
        }
        let vstart = skip_spaces(s, j + op_len);
        let line = line_of(text, start);
        let (value, resume) = match read_literal(text, vstart) {
            Ok((v, end)) if line_rest_empty(s, end) => (Assigned::Literal(v), next_line(s, end)),
            Ok(_) => (
                Assigned::NotLiteral {
                    text: excerpt(text, vstart),
                },
                next_line(s, vstart),
            ),
            Err(e) if e.what == LiteralErrorKind::UnexpectedEnd => (Assigned::Cut, s.len()),
            Err(_) => {
                let rest_end = next_line(s, vstart);
                let rest = text[vstart..rest_end].trim();
                let value = match rest.strip_prefix("data.framework.") {
                    Some(r)
                        if !r.is_empty()
                            && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                    {
                        Assigned::Framework(r.to_string())
                    }
                    _ => Assigned::NotLiteral {
                        text: excerpt(text, vstart),
                    },
                };
                (value, rest_end)
            }
        };
        m.assignments.push(Assignment {
            name,
            line,
            default: is_default,
            value,
        });
        i = resume.max(start + 1);
    }
    m
}

fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t') {
        i += 1;
    }
    i
}
