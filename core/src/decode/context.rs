//! Reading the event text around a blob.
//!
//! The guest wraps every policy error in a sentence that names what it was doing (`container
//! creation denied due to policy: `); the host adds its own layers (`failed to create container
//! <id>: `, `guest RPC failure: `). When the enforcer dropped `input` to fit its size limit, the
//! wrapper is the only way to tell which enforcement point denied. The text may be split across
//! lines or escaped; it is read in its normalised form (see [`super::units::normalized_lower`]).
//! `kubectl describe` adds its own count of repeats to an event's row (`(x12 over 10m)`).

use super::units;

/// How far back from a blob the wrapper text is read.
const WINDOW: usize = 700;

/// What the event text around a blob says.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Context {
    /// The guest's wrapper sentence before the blob, when one was recognised.
    pub wrapper: Option<Wrapper>,
    /// Details from the host's layers of the message (container ID, correlation IDs).
    pub host: Vec<(String, String)>,
    /// The repeat count `kubectl describe` printed on the blob's line, or 0.
    pub kubectl_count: u32,
}

/// Reads the event text before the blob that starts at `at`, but not before `from` (where the
/// previous blob ended: its text belongs to it).
pub fn read(text: &str, from: usize, at: usize) -> Context {
    let start = at.saturating_sub(WINDOW).max(from);
    let start = (start..=at)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(at);
    let written = units::normalized(text.as_bytes(), start, at);
    let window = written.to_ascii_lowercase();
    let mut wrapper = infer_wrapper(&window);
    if let Some(w) = &mut wrapper {
        // Read lower-cased, shown as written (a Windows guest's `CreateContainer operation …`).
        let end = window.trim_end_matches(WRAPPER_END).len();
        w.text = written[end - w.text.len()..end].to_string();
    }
    Context {
        wrapper,
        host: host_details(&window),
        kubectl_count: kubectl_count(text, at),
    }
}

/// The `(xN over …)` count of a `kubectl describe` events row, before `at` on its line.
pub fn kubectl_count(text: &str, at: usize) -> u32 {
    let b = text.as_bytes();
    let from = at.saturating_sub(1000);
    let line = b[from..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |p| from + p + 1);
    let row = &b[line..at];
    row.windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"(x")
        .find_map(|(i, _)| {
            let digits = &row[i + 2..];
            let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
            let count = std::str::from_utf8(&digits[..n]).ok()?.parse().ok()?;
            digits[n..].starts_with(b" over ").then_some(count)
        })
        .unwrap_or(0)
}

/// Where an event came from and when, as far as the paste tells: the pod, namespace and
/// container of `kubectl get events` (JSON, YAML or its table) or of `kubectl describe`'s header,
/// the times kubectl printed, and the error codes ARM and the resource provider put before the
/// message.
#[derive(Clone, Debug, PartialEq, Eq, Default, Hash)]
pub struct Place {
    pub pod: Option<String>,
    pub namespace: Option<String>,
    pub container: Option<String>,
    /// When it was first and last seen, as the paste writes it (a timestamp, or an age such as
    /// `17m` when `ages` is set).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// `first_seen` and `last_seen` are ages, relative to when the listing was taken.
    pub ages: bool,
    /// The ARM and resource-provider codes before the message (`DeploymentFailed`,
    /// `BadRequest`, `InvalidCcePolicy`), outermost first.
    pub codes: Vec<String>,
}

impl Place {
    pub fn is_empty(&self) -> bool {
        *self == Place::default()
    }
}

/// Line starts of a text, for line and column numbers of byte offsets.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        // Eight bytes at a time: this runs over the whole paste.
        let newlines = ONES * u64::from(b'\n');
        let mut i = 0;
        while i + 8 <= b.len() {
            let mut z = zero_bytes(word(b, i) ^ newlines);
            while z != 0 {
                starts.push(i + (z.trailing_zeros() / 8) as usize + 1);
                z &= z - 1;
            }
            i += 8;
        }
        starts.extend((i..b.len()).filter(|&j| b[j] == b'\n').map(|j| j + 1));
        LineIndex { text, starts }
    }

    /// The 0-based line of byte offset `at`.
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// The byte range of the 0-based line `n`, without its line break.
    fn line(&self, n: usize) -> &'a str {
        let start = self.starts.get(n).copied().unwrap_or(self.text.len());
        let end = self.starts.get(n + 1).map_or(self.text.len(), |&e| e - 1);
        let line = self.text.get(start..end).unwrap_or("");
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let n = self.line_of(at);
        let start = self.starts[n];
        let at = (start..=at.min(self.text.len()))
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(start);
        (n + 1, self.text[start..at].chars().count() + 1)
    }
}

/// Largest event object read as JSON (a real event with a 3 KiB blob is far smaller).
const MAX_EVENT_JSON: usize = 256 * 1024;
/// How many lines around a blob are read for its YAML event or its row's table header.
const MAX_EVENT_LINES: usize = 400;
/// How far back the error codes before a message are read.
const CODE_WINDOW: usize = 2000;

/// How far below a `kubectl describe`'s `Name:` line its events are read as that pod's (a
/// Confidential pod's describe holds tens of KB of policy annotation in between).
pub(crate) const DESCRIBE_REACH: usize = 256 * 1024;

/// Reads the repeat count and the [`Place`] of events in one paste.
pub struct Events<'a> {
    text: &'a str,
    lines: LineIndex<'a>,
    /// The innermost JSON objects around the asked positions (several blobs can share one).
    json: JsonObjects,
    /// Each of `json.objects` parsed as an event, once read.
    parsed: Vec<Option<Option<(u32, Place)>>>,
    yaml: bool,
    /// Lines of `kubectl get events` table headers, each with the blank line that ends its
    /// table (`usize::MAX` when none does).
    headers: Vec<(usize, usize)>,
    /// Lines of `kubectl describe`'s `Name:`, `Namespace:` and `Events:`, each list in order.
    names: Vec<usize>,
    namespaces: Vec<usize>,
    event_lists: Vec<usize>,
}

impl<'a> Events<'a> {
    /// Prepares reading events around the byte `positions` of `text`.
    pub fn new(text: &'a str, positions: &[usize]) -> Self {
        let lines = LineIndex::new(text);
        let mut events = Events {
            text,
            lines,
            json: Default::default(),
            parsed: Default::default(),
            yaml: false,
            headers: Vec::new(),
            names: Vec::new(),
            namespaces: Vec::new(),
            event_lists: Vec::new(),
        };
        if positions.is_empty() {
            return events;
        }
        let (json, yaml) = event_keys(text.as_bytes());
        if json {
            events.json = enclosing_objects(text, positions);
            events.parsed = vec![None; events.json.objects.len()];
        }
        events.yaml = yaml;
        events.headers = table_headers(text.as_bytes(), &events.lines);
        let b = text.as_bytes();
        for (n, &s) in events.lines.starts.iter().enumerate() {
            // Only a line that starts with `N` or `E` can be one; most do not.
            let list = match b.get(s) {
                Some(b'N') if b[s..].starts_with(b"Name:") => &mut events.names,
                Some(b'N') if b[s..].starts_with(b"Namespace:") => &mut events.namespaces,
                Some(b'E') if b[s..].starts_with(b"Events:") => &mut events.event_lists,
                _ => continue,
            };
            list.push(n);
        }
        events
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex<'a> {
        &self.lines
    }

    /// The repeat count (0 when the paste shows none) and the place of the event whose text
    /// holds the byte `at`; `from` is where the previous finding ended (codes before it are its
    /// own).
    pub fn read(&mut self, at: usize, from: usize) -> (u32, Place) {
        let mut count = kubectl_count(self.text, at);
        let mut place = Place::default();
        if let Some((c, p)) = self.json_event(at).or_else(|| self.yaml_event(at)) {
            count = count.max(c);
            place = p;
        } else if let Some((c, p)) = self.table_row(at) {
            count = count.max(c);
            place = p;
        } else if let Some(p) = self.describe(at) {
            place = p;
        }
        place.codes = error_codes(self.text, from.max(at.saturating_sub(CODE_WINDOW)), at);
        (count, place)
    }

    fn json_event(&mut self, at: usize) -> Option<(u32, Place)> {
        let k = self.json.at.binary_search_by_key(&at, |a| a.0).ok()?;
        let object = self.json.at[k].1;
        let range = self.json.objects[object].clone();
        let text = self.text;
        self.parsed[object]
            .get_or_insert_with(|| {
                if range.len() > MAX_EVENT_JSON {
                    return None;
                }
                json_place(&lenient_object(text.get(range)?.as_bytes()))
            })
            .clone()
    }

    fn yaml_event(&self, at: usize) -> Option<(u32, Place)> {
        if !self.yaml {
            return None;
        }
        let here = self.lines.line_of(at);
        // Back to the item (`- ` at an indent below every line between).
        let mut min_indent = usize::MAX;
        let mut item = None;
        for n in (here.saturating_sub(MAX_EVENT_LINES)..=here).rev() {
            let l = self.lines.line(n);
            let t = l.trim_start_matches(' ');
            if t.is_empty() {
                continue;
            }
            let indent = l.len() - t.len();
            if (t.starts_with("- ") || t == "-") && indent < min_indent {
                item = Some((n, indent));
                break;
            }
            min_indent = min_indent.min(indent);
        }
        let (start, dash) = item?;
        let mut keys: Vec<(usize, &str)> = Vec::new();
        for n in start..(start + 2 * MAX_EVENT_LINES).min(self.lines.starts.len()) {
            let l = self.lines.line(n);
            let t = l.trim_start_matches(' ');
            if t.is_empty() {
                continue;
            }
            let indent = l.len() - t.len();
            if n == start {
                keys.push((dash + 2, t[1..].trim_start()));
            } else if indent <= dash {
                break;
            } else {
                keys.push((indent, t));
            }
        }
        let top = dash + 2;
        let value = |key: &str, at_indent: usize, within: &[(usize, &'a str)]| {
            within.iter().find_map(|&(i, t)| {
                let v = t.strip_prefix(key)?.strip_prefix(':')?;
                (i == at_indent).then(|| unquote(v.trim()))
            })
        };
        let nested = |parent: &str| {
            let p = keys
                .iter()
                .position(|&(i, t)| i == top && t.trim_end().strip_suffix(':') == Some(parent))?;
            let end = keys[p + 1..]
                .iter()
                .position(|&(i, _)| i <= top)
                .map_or(keys.len(), |e| p + 1 + e);
            Some(&keys[p + 1..end])
        };
        // An event: its object, or at least its message (beside which `count` is kubectl's).
        let object = match nested("involvedObject").or_else(|| nested("regarding")) {
            Some(o) => o,
            None if keys
                .iter()
                .any(|&(i, t)| i == top && t.starts_with("message:")) =>
            {
                &[]
            }
            None => return None,
        };
        let inner = object.first().map_or(top + 2, |&(i, _)| i);
        let mut place = Place::default();
        let kind = value("kind", inner, object);
        if kind.as_deref().is_none_or(|k| k == "Pod") {
            place.pod = value("name", inner, object);
        }
        place.namespace = value("namespace", inner, object);
        place.container = value("fieldPath", inner, object).and_then(|f| container_of(&f));
        let time = |k: &str| value(k, top, &keys).filter(|t| !t.is_empty() && t != "null");
        place.first_seen = time("firstTimestamp").or_else(|| time("eventTime"));
        place.last_seen = time("lastTimestamp");
        let count = value("count", top, &keys)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        Some((count, place))
    }

    fn table_row(&self, at: usize) -> Option<(u32, Place)> {
        let here = self.lines.line_of(at);
        let k = self.headers.partition_point(|h| h.0 < here);
        let (header, end) = *self.headers.get(k.checked_sub(1)?)?;
        if here >= end || here - header > 100 * MAX_EVENT_LINES {
            return None;
        }
        let head = self.lines.line(header);
        let row = self.lines.line(here);
        let column = |name: &str| -> Option<String> {
            let s = word_at(head, name)?;
            let rest = row.get(s..)?;
            if s > 0 && !row.as_bytes()[s - 1].is_ascii_whitespace() {
                return None;
            }
            rest.split_whitespace().next().map(str::to_string)
        };
        // The row starts on the blob's line, before its message.
        let message = word_at(head, "MESSAGE")?;
        let offset = at - self.lines.starts[here];
        if offset < message && word_at(head, "COUNT").is_none_or(|c| c < message) {
            return None;
        }
        column(first_word(head)?)?;
        let mut place = Place {
            namespace: column("NAMESPACE"),
            container: column("SUBOBJECT").and_then(|s| container_of(&s)),
            last_seen: column("LAST SEEN"),
            first_seen: column("FIRST SEEN"),
            ages: true,
            ..Place::default()
        };
        place.pod = match column("OBJECT") {
            Some(o) => o
                .strip_prefix("pod/")
                .or_else(|| o.strip_prefix("Pod/"))
                .map(str::to_string),
            None => column("KIND")
                .filter(|k| k == "Pod")
                .and(column("NAME"))
                .map(|n| match n.rsplit_once('.') {
                    Some((pod, id)) if id.bytes().all(|b| b.is_ascii_hexdigit()) => pod.into(),
                    _ => n,
                }),
        };
        let count = column("COUNT").and_then(|c| c.parse().ok()).unwrap_or(0);
        Some((count, place))
    }

    fn describe(&self, at: usize) -> Option<Place> {
        let here = self.lines.line_of(at);
        // The last `Name:` at or before the blob's line.
        let k = self.names.partition_point(|&n| n <= here);
        let name = *self.names.get(k.checked_sub(1)?)?;
        // The describe's own Events table: the first after its name.
        let events = self.event_lists[self.event_lists.partition_point(|&n| n <= name)..]
            .first()
            .copied()
            .filter(|&n| n <= here)?;
        if here - events > MAX_EVENT_LINES || at - self.lines.starts[name] > DESCRIBE_REACH {
            return None;
        }
        // Inside the Events table: every line since `Events:` is one of its indented rows (a
        // blob further down, after other text, is not this pod's event).
        if !(events + 1..=here).all(|n| {
            let l = self.lines.line(n);
            l.starts_with([' ', '\t']) && !l.trim().is_empty()
        }) {
            return None;
        }
        let field = |n: usize, key: &str| {
            self.lines
                .line(n)
                .strip_prefix(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        // The last `Namespace:` between the two.
        let k = self.namespaces.partition_point(|&n| n < events);
        let namespace = k
            .checked_sub(1)
            .map(|k| self.namespaces[k])
            .filter(|&n| n > name)
            .and_then(|n| field(n, "Namespace:"));
        let mut place = Place {
            pod: field(name, "Name:").filter(|n| is_object_name(n)),
            namespace,
            ..Place::default()
        };
        // The row's Age column: `90s (x3 over 2m)` or `2m`.
        let row = self.lines.line(here);
        let mut words = row.split_whitespace();
        if matches!(words.next(), Some("Normal" | "Warning")) {
            words.next();
            if let Some(age) = words.next() {
                place.ages = true;
                place.last_seen = Some(age.to_string());
                let rest: Vec<&str> = words.take(3).collect();
                place.first_seen = match rest.as_slice() {
                    [x, "over", first] if x.starts_with("(x") => {
                        Some(first.trim_end_matches(')').to_string())
                    }
                    _ => Some(age.to_string()),
                };
            }
        }
        Some(place)
    }
}

/// The lines of `kubectl get events` table headers (`LAST SEEN` and `MESSAGE` on one line), in
/// order, each with the first blank line after it that comes before the next header: the line
/// that ends its table (`usize::MAX` when none does).
fn table_headers(b: &[u8], lines: &LineIndex) -> Vec<(usize, usize)> {
    let mut heads: Vec<usize> = Vec::new();
    let mut from = 0;
    while let Some(at) = units::find_exact(b, from, b"LAST SEEN") {
        let n = lines.line_of(at);
        if heads.last() != Some(&n) && lines.line(n).contains("MESSAGE") {
            heads.push(n);
        }
        // On to the next line: one header per line.
        from = lines.starts.get(n + 1).copied().unwrap_or(b.len());
    }
    let ends = heads.iter().enumerate().map(|(k, &h)| {
        let next = heads.get(k + 1).copied().unwrap_or(lines.starts.len());
        (h + 1..next)
            .find(|&n| lines.line(n).trim().is_empty())
            .unwrap_or(usize::MAX)
    });
    let ends: Vec<usize> = ends.collect();
    heads.into_iter().zip(ends).collect()
}

/// Whether `b` holds a key of a JSON event (`"involvedObject"`, `"regarding"` or `"count"`) and
/// one of a YAML event (`involvedObject:`, `regarding:`, or `count:` and `message:`), in one pass
/// that stops only at quotes and colons.
fn event_keys(b: &[u8]) -> (bool, bool) {
    let (mut json, mut yaml, mut count, mut message) = (false, false, false, false);
    let mut at_key = |q: usize| {
        let before = &b[..q];
        // Every key ends in one of these letters; most quotes and colons follow none of them.
        if !matches!(before.last(), Some(b't' | b'g' | b'e')) {
            return false;
        }
        if b[q] == b'"' {
            json |= [&b"\"involvedObject"[..], b"\"regarding", b"\"count"]
                .iter()
                .any(|k| before.ends_with(k));
        } else if before.ends_with(b"involvedObject") || before.ends_with(b"regarding") {
            yaml = true;
        } else {
            count |= before.ends_with(b"count");
            message |= before.ends_with(b"message");
            yaml |= count && message;
        }
        json && yaml
    };
    let (quotes, colons) = (ONES * u64::from(b'"'), ONES * u64::from(b':'));
    let mut i = 0;
    while i + 8 <= b.len() {
        let w = word(b, i);
        let mut z = zero_bytes(w ^ quotes) | zero_bytes(w ^ colons);
        while z != 0 {
            if at_key(i + (z.trailing_zeros() / 8) as usize) {
                return (true, true);
            }
            z &= z - 1;
        }
        i += 8;
    }
    let tail = (i..b.len()).filter(|&q| matches!(b[q], b'"' | b':'));
    for q in tail {
        if at_key(q) {
            break;
        }
    }
    (json, yaml)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The eight bytes of `b` at `i` (`i + 8 <= b.len()`) as one word.
#[inline(always)]
fn word(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The high bit of exactly each byte of `x` that is zero.
#[inline(always)]
fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Whether `name` can be a Kubernetes object's name (a DNS subdomain: lower-case letters,
/// digits, `-` and `.`, at most 253 characters), so that no other text is shown as a pod.
fn is_object_name(name: &str) -> bool {
    name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The start of `word` in a table header, at a word boundary.
fn word_at(head: &str, word: &str) -> Option<usize> {
    head.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = i == 0 || head.as_bytes()[i - 1] == b' ';
        let after = head[i + word.len()..]
            .bytes()
            .next()
            .is_none_or(|b| b == b' ');
        before && after
    })
}

fn first_word(head: &str) -> Option<&'static str> {
    ["NAMESPACE", "LAST SEEN"]
        .into_iter()
        .find(|w| head.trim_start().starts_with(w))
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|x| x.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

/// `worker` of `spec.containers{worker}` (or `spec.initContainers{…}`).
fn container_of(field_path: &str) -> Option<String> {
    let (_, rest) = field_path.split_once("ontainers{")?;
    let name = rest.split('}').next()?;
    (!name.is_empty()).then(|| name.to_string())
}

/// The string and number members of a JSON object, and those of the objects in it (one level),
/// read leniently: a pasted event may be damaged, and a findings-only share link blanks the
/// values it does not need (pod names), which no JSON parser would read past.
fn lenient_object(b: &[u8]) -> serde_json::Value {
    use serde_json::{Map, Value};
    let mut stack: Vec<(Option<String>, Map<String, Value>)> = Vec::new();
    let mut i = 0;
    // The key whose value comes next, at the current depth.
    let mut key: Option<String> = None;
    let mut root = Map::new();
    while i < b.len() {
        match b[i] {
            b'{' => {
                stack.push((key.take(), Map::new()));
                i += 1;
            }
            b'}' => {
                if let Some((k, m)) = stack.pop() {
                    let depth = stack.len();
                    match (stack.last_mut(), k) {
                        (Some((_, parent)), Some(k)) if depth == 1 => {
                            parent.insert(k, Value::Object(m));
                        }
                        (None, _) => root = m,
                        _ => {}
                    }
                }
                key = None;
                i += 1;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let raw = String::from_utf8_lossy(&b[start..j.min(b.len())]).into_owned();
                let s: String = serde_json::from_str(&format!("\"{raw}\"")).unwrap_or(raw);
                i = j + 1;
                let next = b[i.min(b.len())..]
                    .iter()
                    .position(|c| !c.is_ascii_whitespace());
                let is_key = next.is_some_and(|n| b[i + n] == b':');
                let depth = stack.len();
                match (is_key, key.take(), stack.last_mut()) {
                    (true, _, _) => key = Some(s),
                    (false, Some(k), Some((_, m))) if depth <= 2 => {
                        m.insert(k, Value::String(s));
                    }
                    _ => {}
                }
            }
            c if c.is_ascii_digit() => {
                let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if let (Some(k), Some((_, m))) = (key.take(), stack.last_mut()) {
                    if let Ok(v) = std::str::from_utf8(&b[i..i + n])
                        .unwrap_or("")
                        .parse::<u64>()
                    {
                        m.insert(k, Value::from(v));
                    }
                }
                i += n;
            }
            b',' | b'[' | b']' => {
                key = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some((_, m)) = stack.into_iter().next() {
        if root.is_empty() {
            root = m;
        }
    }
    Value::Object(root)
}

/// The count and place of a Kubernetes event read as JSON (core/v1 or events.k8s.io/v1).
fn json_place(v: &serde_json::Value) -> Option<(u32, Place)> {
    // An event: its object, or at least its message (beside which `count` is kubectl's).
    let none = serde_json::Value::Null;
    let obj = match v.get("involvedObject").or_else(|| v.get("regarding")) {
        Some(o) => o,
        None if v.get("message").or_else(|| v.get("note")).is_some() => &none,
        None => return None,
    };
    let s = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .filter(|x| !x.is_empty())
            .map(str::to_string)
    };
    let mut place = Place::default();
    if s(obj, "kind").is_none_or(|k| k == "Pod") {
        place.pod = s(obj, "name");
    }
    place.namespace =
        s(obj, "namespace").or_else(|| v.get("metadata").and_then(|m| s(m, "namespace")));
    place.container = s(obj, "fieldPath").and_then(|f| container_of(&f));
    place.first_seen = s(v, "firstTimestamp").or_else(|| s(v, "eventTime"));
    place.last_seen =
        s(v, "lastTimestamp").or_else(|| v.get("series").and_then(|x| s(x, "lastObservedTime")));
    let count = v
        .get("count")
        .or_else(|| v.get("series").and_then(|x| x.get("count")))
        .or_else(|| v.get("deprecatedCount"))
        .and_then(|c| c.as_u64())
        .map_or(0, |c| c.min(u64::from(u32::MAX)) as u32);
    Some((count, place))
}

/// JSON objects of a text and the positions inside them.
#[derive(Default)]
struct JsonObjects {
    /// Each asked position inside an object and that object (an index of `objects`), in order.
    at: Vec<(usize, usize)>,
    objects: Vec<std::ops::Range<usize>>,
}

/// For each of `positions` (any order), the innermost `{…}` of `text` around it, read as JSON
/// would be (braces inside strings do not count).
fn enclosing_objects(text: &str, positions: &[usize]) -> JsonObjects {
    let mut asked: Vec<usize> = positions.to_vec();
    crate::order::sort_by_rank(&mut asked, |&p| p as u64);
    asked.dedup();
    let b = text.as_bytes();
    // Every `{` (where it starts, where its `}` ends, or `usize::MAX`) and the open ones.
    let mut opened: Vec<(usize, usize)> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut open_at: Vec<(usize, usize)> = Vec::new();
    let (mut in_str, mut esc) = (false, false);
    let mut next = asked.iter().peekable();
    for (i, &c) in b.iter().enumerate() {
        while let Some(&&p) = next.peek() {
            if p > i {
                break;
            }
            if let Some(&s) = stack.last() {
                open_at.push((p, s));
            }
            next.next();
        }
        if in_str {
            match c {
                // JSON strings hold no line breaks: a quote left open was not one.
                b'\n' => (in_str, esc) = (false, false),
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' => {
                stack.push(opened.len());
                opened.push((i, usize::MAX));
            }
            b'}' => {
                if let Some(s) = stack.pop() {
                    opened[s].1 = i + 1;
                }
            }
            _ => {}
        }
    }
    // Each closed object once, however many positions it holds.
    let mut index = vec![usize::MAX; opened.len()];
    let mut out = JsonObjects::default();
    for (p, s) in open_at {
        let (start, end) = opened[s];
        if end == usize::MAX {
            continue;
        }
        if index[s] == usize::MAX {
            index[s] = out.objects.len();
            out.objects.push(start..end);
        }
        out.at.push((p, index[s]));
    }
    out
}

/// The error codes written before a message between `from` and `at`, in order: JSON's
/// `"code": "X"` (at any level of escaping), the Azure CLI's `Code: X` and `(X) …`.
fn error_codes(text: &str, from: usize, at: usize) -> Vec<String> {
    let from = (from..=at)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(at);
    let window = &text[from..at];
    let b = window.as_bytes();
    let ident = |s: &[u8]| {
        let n = s
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        (n >= 3 && s[0].is_ascii_uppercase()).then(|| String::from_utf8_lossy(&s[..n]).into_owned())
    };
    let skip = |mut j: usize, set: &[u8]| {
        while j < b.len() && set.contains(&b[j]) {
            j += 1;
        }
        j
    };
    let mut found: Vec<(usize, String)> = Vec::new();
    for (i, _) in window.match_indices("code") {
        // A quoted key: `"code"`, `\"code\"`, `'code'`.
        if i == 0 || !matches!(b[i - 1], b'"' | b'\'') {
            continue;
        }
        let j = skip(i + 4, b"\\\"'");
        if j >= b.len() || b[j] != b':' {
            continue;
        }
        let j = skip(j + 1, b" \\\"'");
        if let Some(code) = ident(&b[j..]) {
            found.push((i, code));
        }
    }
    for (i, _) in window.match_indices("Code:") {
        if i > 0 && b[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        if let Some(code) = ident(&b[skip(i + 5, b" ")..]) {
            found.push((i, code));
        }
    }
    let mut line_at = 0;
    for line in window.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some((c, _)) = t.strip_prefix('(').and_then(|r| r.split_once(") ")) {
            if ident(c.as_bytes()).is_some_and(|x| x.len() == c.len()) {
                found.push((line_at, c.to_string()));
            }
        }
        line_at += line.len();
    }
    crate::order::sort_by_rank(&mut found, |(i, _)| *i as u64);
    let mut out: Vec<String> = found.into_iter().map(|(_, c)| c).collect();
    out.dedup();
    out.truncate(8);
    out
}

/// Most images on `:latest` kept from one paste.
pub(super) const MAX_IMAGES: usize = 5;

/// The images the text names on the `:latest` tag (`myregistry.azurecr.io/web:latest`), each
/// once, in order.
pub fn latest_images(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'/' | b'_' | b'-');
    let mut out: Vec<String> = Vec::new();
    const TAG: &[u8] = b":latest";
    // This runs over the whole paste: the word-at-a-time search, not `str::match_indices`.
    let tags = std::iter::successors(units::find_exact(b, 0, TAG), |&at| {
        units::find_exact(b, at + TAG.len(), TAG)
    });
    for at in tags {
        let end = at + TAG.len();
        if b.get(end).is_some_and(|&c| {
            c.is_ascii_alphanumeric()
                || c == b'-'
                || c == b'.' && b.get(end + 1).is_some_and(|n| n.is_ascii_alphanumeric())
        }) {
            continue;
        }
        let start = (0..at)
            .rev()
            .take_while(|&i| name(b[i]))
            .last()
            .unwrap_or(at);
        let repo = &text[start..at];
        // A repository path, not a key (`tag:latest` in prose has no letters before it).
        if repo.is_empty()
            || !repo.bytes().any(|c| c.is_ascii_alphabetic())
            || repo.starts_with(['.', '-', '/'])
        {
            continue;
        }
        let image = format!("{repo}:latest");
        if !out.contains(&image) {
            out.push(image);
            if out.len() == MAX_IMAGES {
                break;
            }
        }
    }
    out
}

/// One wrapper sentence of the guest and the enforcement point it belongs to.
struct WrapperPattern {
    /// Lower-case text; `{name}` marks a variable part.
    pattern: &'static str,
    rule: &'static str,
    /// Other enforcement points the same sentence is used for.
    alternatives: &'static [&'static str],
}

/// The GCS wrapper texts (microsoft/hcsshim `internal/guest/runtime/hcsv2/uvm.go`,
/// `pkg/securitypolicy/securitypolicy_options.go`, `internal/gcs-sidecar/handlers.go`).
const WRAPPERS: &[WrapperPattern] = &[
    WrapperPattern { pattern: "container creation denied due to policy", rule: "create_container", alternatives: &[] },
    WrapperPattern { pattern: "mounting scsi device controller {controller} lun {lun} onto {target} with mount options {options} denied by policy", rule: "mount_device", alternatives: &["rw_mount_device"] },
    WrapperPattern { pattern: "mounting scsi device controller {controller} lun {lun} onto {target} denied by policy", rule: "mount_device", alternatives: &["rw_mount_device"] },
    WrapperPattern { pattern: "creating blockdev symlink at {target} (-> scsi controller {controller} lun {lun}) denied by policy", rule: "mount_blockdev", alternatives: &[] },
    WrapperPattern { pattern: "unmounting scsi device at {target} denied by policy", rule: "unmount_device", alternatives: &["rw_unmount_device"] },
    WrapperPattern { pattern: "removing blockdev symlink at {target} (-> scsi controller {controller} lun {lun}) denied by policy", rule: "unmount_blockdev", alternatives: &[] },
    WrapperPattern { pattern: "mounting pmem device {device} onto {target} denied by policy", rule: "mount_device", alternatives: &[] },
    WrapperPattern { pattern: "unmounting pmem device from {target} denied by policy", rule: "unmount_device", alternatives: &[] },
    WrapperPattern { pattern: "overlay creation denied by policy", rule: "mount_overlay", alternatives: &[] },
    WrapperPattern { pattern: "scratch mounting denied by policy", rule: "scratch_mount", alternatives: &[] },
    WrapperPattern { pattern: "overlay removal denied by policy", rule: "unmount_overlay", alternatives: &[] },
    WrapperPattern { pattern: "mounting plan9 device at {target} denied by policy", rule: "plan9_mount", alternatives: &[] },
    WrapperPattern { pattern: "unmounting plan9 device at {target} denied by policy", rule: "plan9_unmount", alternatives: &[] },
    WrapperPattern { pattern: "exec in container denied due to policy", rule: "exec_in_container", alternatives: &[] },
    WrapperPattern { pattern: "exec is denied due to policy", rule: "exec_external", alternatives: &[] },
    WrapperPattern { pattern: "get properties denied due to policy", rule: "get_properties", alternatives: &[] },
    WrapperPattern { pattern: "dump stacks denied due to policy", rule: "dump_stacks", alternatives: &[] },
    WrapperPattern { pattern: "error loading security policy fragment", rule: "load_fragment", alternatives: &[] },
    WrapperPattern { pattern: "error loading transparency trust list", rule: "load_transparency_trust_list", alternatives: &[] },
    WrapperPattern { pattern: "createcontainer operation is denied by policy", rule: "create_container", alternatives: &[] },
    WrapperPattern { pattern: "registry entry operation is denied by policy", rule: "registry_changes", alternatives: &[] },
    WrapperPattern { pattern: "cim mount is denied by policy", rule: "mount_cims", alternatives: &[] },
    WrapperPattern { pattern: "log providers denied by policy", rule: "log_provider", alternatives: &[] },
];

/// What the wrapper text says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    /// The enforcement point the wrapper belongs to.
    pub rule: &'static str,
    /// Other enforcement points the same wrapper is used for.
    pub alternatives: &'static [&'static str],
    /// The wrapper as it appeared (normalised).
    pub text: String,
    /// Variable parts of the wrapper (SCSI controller, LUN, mount target …).
    pub details: Vec<(String, String)>,
}

/// Longest stretch a variable part of a wrapper may have.
const MAX_VAR: usize = 300;

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Matches `pattern` so that it ends exactly at the end of `window`.
fn match_suffix(window: &str, pattern: &str) -> Option<(usize, Vec<(String, String)>)> {
    // The pattern ends in a literal that must end the window: most windows do not even end in
    // its last byte, and this tells before anything is split or allocated.
    if window.as_bytes().last() != pattern.as_bytes().last() {
        return None;
    }
    // Split into literals and variable names: lit0 {v1} lit1 {v2} lit2 ...
    let mut literals: Vec<&str> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        literals.push(&rest[..open]);
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    literals.push(rest);

    let last = literals.last()?;
    if !window.ends_with(last) {
        return None;
    }
    let mut end = window.len() - last.len();
    let mut values: Vec<(String, String)> = Vec::new();
    for idx in (0..names.len()).rev() {
        let lit = literals[idx];
        let search_from = end.saturating_sub(MAX_VAR + lit.len());
        let search_from = (search_from..=end).find(|&i| window.is_char_boundary(i))?;
        let hay = &window[search_from..end];
        let pos = hay.rfind(lit)? + search_from;
        let value = window[pos + lit.len()..end].trim();
        if value.is_empty() || value.contains(": ") {
            return None;
        }
        values.push((names[idx].to_string(), value.to_string()));
        end = pos;
    }
    values.reverse();
    let start = end;
    // The wrapper must start at a word boundary ("unmounting" is not "mounting").
    if window[..start].chars().next_back().is_some_and(is_word) {
        return None;
    }
    Some((start, values))
}

/// What may stand between a wrapper and its blob.
const WRAPPER_END: [char; 8] = [' ', ':', '"', '\'', '\\', '(', '[', '='];

/// Reads the wrapper that ends right before a blob. `window` is the normalised, lower-cased text
/// before the marker.
pub fn infer_wrapper(window: &str) -> Option<Wrapper> {
    let trimmed = window.trim_end_matches(WRAPPER_END);
    WRAPPERS.iter().find_map(|w| {
        let (start, details) = match_suffix(trimmed, w.pattern)?;
        Some(Wrapper {
            rule: w.rule,
            alternatives: w.alternatives,
            text: trimmed[start..].to_string(),
            details,
        })
    })
}

/// Details the host and orchestrator layers add to the event (container ID, correlation IDs).
/// `window` is normalised and lower-cased.
pub fn host_details(window: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(id) = token_after(window, "failed to create container ", |c| {
        c.is_ascii_hexdigit()
    }) {
        if id.len() >= 12 {
            out.push(("container ID".to_string(), id));
        }
    }
    for (label, key) in [
        ("correlation ID", "correlationid: '"),
        ("activity ID", "activityid: '"),
    ] {
        if let Some(v) = token_after(window, key, |c| c.is_ascii_hexdigit() || c == '-') {
            if !v.is_empty() {
                out.push((label.to_string(), v));
            }
        }
    }
    out
}

fn token_after(window: &str, key: &str, ok: impl Fn(char) -> bool) -> Option<String> {
    let at = window.rfind(key)? + key.len();
    Some(
        window[at..]
            .chars()
            .take_while(|&c| ok(c))
            .take(128)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_container_wrapper() {
        let w = infer_wrapper("failed to create container 1819: guest rpc failure: container creation denied due to policy: ").unwrap();
        assert_eq!(w.rule, "create_container");
        assert_eq!(w.text, "container creation denied due to policy");
    }

    #[test]
    fn mount_wrapper_with_variables() {
        let w = infer_wrapper(
            "mounting scsi device controller 0 lun 3 onto /run/mounts/m3 denied by policy: ",
        )
        .unwrap();
        assert_eq!(w.rule, "mount_device");
        assert_eq!(
            w.details,
            vec![
                ("controller".to_string(), "0".to_string()),
                ("lun".to_string(), "3".to_string()),
                ("target".to_string(), "/run/mounts/m3".to_string()),
            ]
        );
    }

    #[test]
    fn unmounting_is_not_mounting() {
        let w =
            infer_wrapper("unmounting plan9 device at /run/gcs/c/abc/mounts/m1 denied by policy: ")
                .unwrap();
        assert_eq!(w.rule, "plan9_unmount");
        let w = infer_wrapper("unmounting scsi device at /run/mounts/m1 denied by policy").unwrap();
        assert_eq!(w.rule, "unmount_device");
    }

    #[test]
    fn wrapper_must_end_at_the_marker() {
        assert!(
            infer_wrapper("container creation denied due to policy: and then something else")
                .is_none()
        );
    }

    /// Texts whose keys sit at every offset from a word boundary, at the very end, split and
    /// repeated.
    fn shapes() -> Vec<String> {
        let pieces = [
            "\"involvedObject\"",
            "involvedObject:",
            "\"regarding\"",
            "regarding:",
            "\"count\"",
            "count:",
            "message:",
            "LAST SEEN",
            "MESSAGE",
            "\n",
            "\r\n",
            " ",
            "x",
            "\"",
            ":",
            "é",
        ];
        let mut out = vec![String::new()];
        for (k, a) in pieces.iter().enumerate() {
            for b in &pieces {
                for pad in 0..9 {
                    out.push(format!("{}{a}{}{b}", "a".repeat(pad), "\n".repeat(k % 3)));
                    out.push(format!("{b}{}{a}", " ".repeat(pad)));
                }
            }
        }
        out
    }

    #[test]
    fn the_word_searches_find_what_the_plain_ones_do() {
        for t in shapes() {
            let has = |k: &str| t.contains(k);
            let json = has("\"involvedObject\"") || has("\"regarding\"") || has("\"count\"");
            let yaml =
                has("involvedObject:") || has("regarding:") || (has("count:") && has("message:"));
            assert_eq!(event_keys(t.as_bytes()), (json, yaml), "{t:?}");
            for from in 0..=t.len() + 1 {
                let b = t.as_bytes();
                let plain =
                    (from..b.len().saturating_sub(8)).find(|&i| &b[i..i + 9] == b"LAST SEEN");
                assert_eq!(
                    units::find_exact(t.as_bytes(), from, b"LAST SEEN"),
                    plain,
                    "{t:?} {from}"
                );
            }
            let lines = LineIndex::new(&t);
            let plain: Vec<usize> = std::iter::once(0)
                .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(lines.starts, plain);
        }
    }

    #[test]
    fn a_table_ends_at_its_first_blank_line_before_the_next_header() {
        let t = "LAST SEEN MESSAGE\na\n\nLAST SEEN x MESSAGE LAST SEEN\nb\nLAST SEEN  MESSAGE\n \n\nLAST SEEN only\n";
        let lines = LineIndex::new(t);
        assert_eq!(
            table_headers(t.as_bytes(), &lines),
            vec![(0, 2), (3, usize::MAX), (5, 6)]
        );
    }

    #[test]
    fn host_details_found() {
        let d = host_details("failed to create container 18197025abfacf6365ef65d083687e1d9f03b9792779e15796247a7281043065: guest rpc failure");
        assert_eq!(d[0].1.len(), 64);
    }
}
