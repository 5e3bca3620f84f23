//! Reading a graph's JSON data file (written by build.rs, `build/wizard.rs` `to_json`) into a
//! [`Graph`] at run time.
//!
//! The build already refused a broken graph, so a file that fails here is not the one the build
//! wrote (a proxy's error page, a truncated download, a file of another version): [`load`] says
//! what is wrong in a [`LoadError`], never panics, and refuses what would leave the state machine
//! without a way on (no nodes, a start that is no question, an answer leading nowhere).
//!
//! The texts are leaked into `&'static str` once per successful load, so the graph's types and
//! the state machine keep their `&'static` API. The app loads its graph once per page.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use super::graph::{Answer, Check, Graph, Node, Outcome, Question, Step};

/// Why a graph's data file could not be read. `Display` gives a message fit for users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the wizard's data file is damaged or of another version: {}",
            self.0
        )
    }
}

impl std::error::Error for LoadError {}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// One JSON object of the file, with what it is for messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    what: String,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, what: String) -> Result<Self, LoadError> {
        match v.as_object() {
            Some(map) => Ok(Obj { map, what }),
            None => Err(LoadError(format!("{what} is not an object"))),
        }
    }

    fn text(&self, key: &str) -> Result<&'static str, LoadError> {
        match self.map.get(key) {
            Some(Value::String(s)) => Ok(leak(s)),
            Some(_) => Err(LoadError(format!("{}: `{key}` is not a string", self.what))),
            None => Err(LoadError(format!("{}: `{key}` is missing", self.what))),
        }
    }

    fn opt_text(&self, key: &str) -> Result<Option<&'static str>, LoadError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.text(key).map(Some),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, LoadError> {
        match self.map.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(LoadError(format!(
                "{}: `{key}` is not true or false",
                self.what
            ))),
        }
    }

    fn list(&self, key: &str) -> Result<&'a [Value], LoadError> {
        match self.map.get(key) {
            Some(Value::Array(v)) => Ok(v),
            Some(_) => Err(LoadError(format!("{}: `{key}` is not a list", self.what))),
            None => Err(LoadError(format!("{}: `{key}` is missing", self.what))),
        }
    }

    /// The items of list `key`, each read by `f`.
    fn each<T>(
        &self,
        key: &str,
        f: impl Fn(Obj<'a>) -> Result<T, LoadError>,
    ) -> Result<&'static [T], LoadError> {
        let items = self.list(key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            out.push(f(Obj::new(v, format!("{} {key}[{i}]", self.what))?)?);
        }
        Ok(slice(out))
    }

    fn texts(&self, key: &str) -> Result<&'static [&'static str], LoadError> {
        let items = self.list(key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, v) in items.iter().enumerate() {
            match v {
                Value::String(s) => out.push(leak(s)),
                _ => {
                    return Err(LoadError(format!(
                        "{} {key}[{i}] is not a string",
                        self.what
                    )))
                }
            }
        }
        Ok(slice(out))
    }
}

fn steps(o: &Obj, key: &str) -> Result<&'static [Step], LoadError> {
    o.each(key, |s| {
        Ok(Step {
            text: s.text("do")?,
            run: s.opt_text("run")?,
        })
    })
}

fn question(q: Obj) -> Result<Node, LoadError> {
    let id = q.text("id")?;
    let q = Obj {
        what: format!("question \"{id}\""),
        ..q
    };
    Ok(Node::Question(Question {
        id,
        title: q.text("title")?,
        intro: q.text("intro")?,
        checks: q.each("checks", |c| {
            Ok(Check {
                text: c.text("do")?,
                command: c.opt_text("run")?,
                meaning: c.text("meaning")?,
            })
        })?,
        answers: q.each("answers", |a| {
            Ok(Answer {
                id: a.text("id")?,
                label: a.text("label")?,
                next: a.text("next")?,
                unsure: a.flag("unsure")?,
                cant_run: a.flag("cant_run")?,
            })
        })?,
        sources: q.texts("sources")?,
    }))
}

fn outcome(o: Obj) -> Result<Node, LoadError> {
    let id = o.text("id")?;
    let o = Obj {
        what: format!("outcome \"{id}\""),
        ..o
    };
    Ok(Node::Outcome(Outcome {
        id,
        title: o.text("title")?,
        observation: o.text("observation")?,
        cause: o.text("cause")?,
        fix: steps(&o, "fix")?,
        verify: steps(&o, "verify")?,
        caveats: o.texts("caveats")?,
        sources: o.texts("sources")?,
    }))
}

/// Reads a graph's JSON data file (the shape is described at `build/wizard.rs` `to_json`).
///
/// Errors name what is wrong: text that isn't JSON, a missing or mistyped field (with the node),
/// a graph without nodes, a start that names no question, an answer whose `next` names no node.
pub fn load(json: &str) -> Result<Graph, LoadError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| LoadError(format!("not JSON ({e})")))?;
    let top = Obj::new(&value, "the graph".into())?;
    let name = top.text("name")?;
    let title = top.text("title")?;
    let start = top.text("start")?;
    let questions = top.list("questions")?;
    let outcomes = top.list("outcomes")?;
    let mut nodes = Vec::with_capacity(questions.len() + outcomes.len());
    for (i, v) in questions.iter().enumerate() {
        nodes.push(question(Obj::new(v, format!("questions[{i}]"))?)?);
    }
    for (i, v) in outcomes.iter().enumerate() {
        nodes.push(outcome(Obj::new(v, format!("outcomes[{i}]"))?)?);
    }

    let ids: HashSet<&str> = nodes.iter().map(Node::id).collect();
    if ids.len() != nodes.len() {
        return Err(LoadError("two nodes have the same id".into()));
    }
    if !nodes
        .iter()
        .any(|n| n.id() == start && n.as_question().is_some())
    {
        return Err(LoadError(format!(
            "the start \"{start}\" names no question"
        )));
    }
    for q in nodes.iter().filter_map(Node::as_question) {
        if let Some(a) = q.answers.iter().find(|a| !ids.contains(a.next)) {
            return Err(LoadError(format!(
                "question \"{}\": answer \"{}\" leads to \"{}\", which is no node",
                q.id, a.id, a.next
            )));
        }
    }
    Ok(Graph {
        name,
        title,
        start,
        nodes: slice(nodes),
    })
}
