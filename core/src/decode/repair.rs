//! Completing JSON that was cut off, so a partial blob still shows what it holds: the text is
//! closed at the last places it can be (open strings, lists and objects closed) and each
//! candidate is read by serde_json.

use std::collections::VecDeque;

use serde_json::Value;

/// How many cut points are tried, from the end backwards, before giving up.
const MAX_ATTEMPTS: usize = 48;
/// Deeper nesting than this is not repaired (hostile input).
const MAX_DEPTH: usize = 256;

/// A repaired value and what was done to get it.
#[derive(Clone, Debug, PartialEq)]
pub struct Repaired {
    pub value: Value,
    /// Byte length of the prefix of the input that was kept.
    pub kept: usize,
    /// The characters appended to close what was open (for example `"]}`).
    pub appended: String,
}

/// Parses the longest prefix of `s` that can be completed to valid JSON by closing open strings,
/// arrays and objects. Returns `None` when nothing useful can be recovered.
pub fn repair_prefix(s: &str) -> Option<Repaired> {
    let b = s.as_bytes();
    // Positions after which the text can be cut and closed: after a complete value inside a
    // container (before a ',' or the end), with the closers needed at that point. Only the last
    // MAX_ATTEMPTS can be tried, so only they are kept, and the open containers form a persistent
    // stack (each node points to the one below it) so that a cut keeps its closers as one index.
    // Copying the stack at every ',' cost time and memory in proportion to length × depth.
    let mut nodes: Vec<(u8, usize)> = Vec::new();
    let mut top = BOTTOM;
    let mut depth = 0usize;
    let mut cuts: VecDeque<(usize, usize)> = VecDeque::with_capacity(MAX_ATTEMPTS);
    let remember = |cuts: &mut VecDeque<(usize, usize)>, at: usize, top: usize| {
        if cuts.len() == MAX_ATTEMPTS {
            cuts.pop_front();
        }
        cuts.push_back((at, top));
    };
    let mut in_string = false;
    let mut escape = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_string {
            if escape {
                escape = false;
            } else if c == b'\\' {
                escape = true;
            } else if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' | b'[' => {
                nodes.push((if c == b'{' { b'}' } else { b']' }, top));
                top = nodes.len() - 1;
                depth += 1;
                // Cutting right after an opening bracket leaves an empty container.
                remember(&mut cuts, i + 1, top);
            }
            b'}' | b']' => {
                if let Some(&(_, below)) = nodes.get(top) {
                    top = below;
                    depth -= 1;
                }
            }
            b',' => remember(&mut cuts, i, top),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return None;
        }
        i += 1;
    }
    if depth == 0 && !in_string {
        // Not a prefix problem: nothing is open.
        return None;
    }

    let mut attempts = 0;
    // First try: keep everything, close the open string and containers.
    {
        let mut tail = String::new();
        if in_string {
            if escape {
                // A lone backslash at the end cannot be completed.
            } else {
                tail.push('"');
            }
        }
        tail.push_str(&closers(&nodes, top));
        if !(in_string && escape) {
            attempts += 1;
            if let Some(r) = try_parse(s, b.len(), &tail) {
                return Some(r);
            }
        }
    }
    for &(pos, top) in cuts.iter().rev() {
        if attempts >= MAX_ATTEMPTS {
            break;
        }
        attempts += 1;
        if let Some(r) = try_parse(s, pos, &closers(&nodes, top)) {
            return Some(r);
        }
    }
    None
}

/// The `top` of an empty stack of open containers.
const BOTTOM: usize = usize::MAX;

/// What closes the containers open at `top`, innermost first.
fn closers(nodes: &[(u8, usize)], mut top: usize) -> String {
    let mut out = String::new();
    while let Some(&(c, below)) = nodes.get(top) {
        out.push(c as char);
        top = below;
    }
    out
}

fn try_parse(s: &str, keep: usize, tail: &str) -> Option<Repaired> {
    let mut candidate = String::with_capacity(keep + tail.len());
    candidate.push_str(s.get(..keep)?);
    candidate.push_str(tail);
    let value: Value = serde_json::from_str(&candidate).ok()?;
    // An empty container recovers nothing worth showing.
    let empty = match &value {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    if empty {
        return None;
    }
    Some(Repaired {
        value,
        kept: keep,
        appended: tail.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn closes_an_open_string_and_containers() {
        let r = repair_prefix(r#"{"decision":"deny","reason":{"errors":["invalid comm"#).unwrap();
        assert_eq!(
            r.value,
            json(r#"{"decision":"deny","reason":{"errors":["invalid comm"]}}"#)
        );
        assert_eq!(r.appended, "\"]}}");
    }

    #[test]
    fn drops_a_dangling_key() {
        let r = repair_prefix(r#"{"decision":"deny","input":{"rule":"mount_device","tar"#).unwrap();
        // The dangling key cannot be completed, so the cut falls back to the last comma.
        assert_eq!(
            r.value,
            json(r#"{"decision":"deny","input":{"rule":"mount_device"}}"#)
        );
    }

    #[test]
    fn cut_literal_falls_back_to_an_empty_container() {
        let r = repair_prefix(r#"{"a":[tru"#).unwrap();
        assert_eq!(r.value, json(r#"{"a":[]}"#));
    }

    #[test]
    fn complete_json_needs_no_repair() {
        assert!(repair_prefix(r#"{"a":1}"#).is_none());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod against_the_old_search {
        //! The search keeps only the last cuts, through a persistent stack; it must give what
        //! copying the whole stack at every cut gave.
        use super::super::*;
        use proptest::prelude::*;

        fn repair_prefix_reference(s: &str) -> Option<Repaired> {
            let b = s.as_bytes();
            // Positions after which the text can be cut and closed: after a complete value inside a
            // container (before a ',' or the end), with the closers needed at that point.
            let mut stack: Vec<u8> = Vec::new();
            let mut cuts: Vec<(usize, String)> = Vec::new();
            let mut in_string = false;
            let mut escape = false;
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                if in_string {
                    if escape {
                        escape = false;
                    } else if c == b'\\' {
                        escape = true;
                    } else if c == b'"' {
                        in_string = false;
                    }
                    i += 1;
                    continue;
                }
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => {
                        stack.push(if c == b'{' { b'}' } else { b']' });
                        // Cutting right after an opening bracket leaves an empty container.
                        let closers: String = stack.iter().rev().map(|&c| c as char).collect();
                        cuts.push((i + 1, closers));
                    }
                    b'}' | b']' => {
                        stack.pop();
                    }
                    b',' => {
                        let closers: String = stack.iter().rev().map(|&c| c as char).collect();
                        cuts.push((i, closers));
                    }
                    _ => {}
                }
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                i += 1;
            }
            if stack.is_empty() && !in_string {
                // Not a prefix problem: nothing is open.
                return None;
            }

            let mut attempts = 0;
            // First try: keep everything, close the open string and containers.
            {
                let mut tail = String::new();
                if in_string {
                    if escape {
                        // A lone backslash at the end cannot be completed.
                    } else {
                        tail.push('"');
                    }
                }
                tail.extend(stack.iter().rev().map(|&c| c as char));
                if !(in_string && escape) {
                    attempts += 1;
                    if let Some(r) = try_parse(s, b.len(), &tail) {
                        return Some(r);
                    }
                }
            }
            for (pos, closers) in cuts.iter().rev() {
                if attempts >= MAX_ATTEMPTS {
                    break;
                }
                attempts += 1;
                if let Some(r) = try_parse(s, *pos, closers) {
                    return Some(r);
                }
            }
            None
        }

        fn piece() -> impl Strategy<Value = &'static str> {
            prop_oneof![
                Just("{"),
                Just("["),
                Just("]"),
                Just("}"),
                Just(","),
                Just("\"a\""),
                Just(":"),
                Just("1"),
                Just("tru"),
                Just("\\"),
                Just("\""),
                Just(" "),
                Just("{\"k\":"),
                Just("[1,2,"),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 5000, .. ProptestConfig::default() })]

            #[test]
            fn same_result(parts in proptest::collection::vec(piece(), 0..80)) {
                let s = parts.concat();
                prop_assert_eq!(repair_prefix(&s), repair_prefix_reference(&s));
            }
        }

        #[test]
        fn same_result_with_many_cuts() {
            // More cuts than MAX_ATTEMPTS, all failing but the earliest ones.
            let s = format!("[[1,{}", "tru,".repeat(100));
            assert_eq!(repair_prefix(&s), repair_prefix_reference(&s));
            let s = format!("{}1,2,3", "[".repeat(MAX_DEPTH));
            assert_eq!(repair_prefix(&s), repair_prefix_reference(&s));
            let s = format!("{}1,2,3", "[".repeat(MAX_DEPTH + 1));
            assert_eq!(repair_prefix(&s), None);
        }
    }

    #[test]
    fn garbage_is_not_repaired() {
        assert!(repair_prefix("{{{{:::").is_none());
    }
}
