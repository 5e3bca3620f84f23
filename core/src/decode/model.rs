//! The decision model: what the guest's policy enforcer puts in a `policyDecision` blob.
//!
//! The enforcer serialises a map with `decision`, `input` (the enforcement point's input plus
//! `rule`), `reason` (an object with `errors`, or a plain string), `policyError` and `truncated`.
//! Real pastes and hostile ones can hold anything, so the model is read leniently: the wire shape
//! (`Wire`: each known field as whatever JSON it holds, every other key into a map in its
//! order) is typed into [`Decision`] without dropping anything: a value of the wrong type is kept
//! as its JSON text, an `input` that is not an object is kept with the unknown keys.
//!
//! `Decision` is `Deserialize` (serde reads `Wire`, unknown keys flattened), for reading a
//! decision straight from text. The app has the value already parsed and takes the known keys
//! out of its map instead ([`Decision::from_value`]; a property test checks both agree wherever
//! serde can read the value). Deserializing from a `serde_json::Value` through serde's flatten
//! buffer costs 29 KB of gzipped WASM, and that buffer cannot hold an integer beyond 64 bits, so
//! a decision with one among its unknown keys would be refused as a whole.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The `reason` of a decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The usual shape: `{"errors": [...]}`, possibly with `error_objects` and other keys.
    Errors {
        errors: Vec<String>,
        error_objects: Option<Value>,
        other: Map<String, Value>,
    },
    /// A plain string (the enforcer's fixed texts for invalid or reason-less policies).
    Text(String),
    /// Anything else, kept as it was.
    Other(Value),
}

/// A decoded decision.
#[derive(Clone, Debug, PartialEq, Default, Deserialize)]
#[serde(from = "Wire")]
pub struct Decision {
    /// Usually `"deny"`.
    pub decision: Option<String>,
    /// The enforcement point, from `input.rule`.
    pub rule: Option<String>,
    /// The input fields in their order, without `rule`.
    pub input: Option<Map<String, Value>>,
    pub reason: Option<Reason>,
    pub policy_error: Option<String>,
    /// What the enforcer dropped to fit its size limit, in order.
    pub truncated: Option<Vec<String>>,
    /// Keys this model does not know, with their values, in their order.
    pub unknown: Map<String, Value>,
}

/// A decision as it is written: each known field as any JSON value (`null` too, which is kept),
/// every other key in `unknown`.
#[derive(Deserialize)]
struct Wire {
    #[serde(default, deserialize_with = "present")]
    decision: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    input: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    reason: Option<Value>,
    #[serde(default, rename = "policyError", deserialize_with = "present")]
    policy_error: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    truncated: Option<Value>,
    #[serde(flatten)]
    unknown: Map<String, Value>,
}

/// A field that is present, whatever it holds (`Option<Value>` alone would read `null` as absent).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl From<Wire> for Decision {
    fn from(w: Wire) -> Decision {
        let mut d = Decision {
            decision: w.decision.map(into_text),
            reason: w.reason.map(reason_from),
            policy_error: w.policy_error.map(into_text),
            truncated: w.truncated.map(string_list),
            unknown: w.unknown,
            ..Decision::default()
        };
        match w.input {
            Some(Value::Object(mut fields)) => {
                d.rule = fields.shift_remove("rule").map(into_text);
                d.input = Some(fields);
            }
            Some(other) => {
                d.unknown.insert("input".into(), other);
            }
            None => {}
        }
        d
    }
}

/// Text of a value: strings as they are, everything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn into_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn string_list(v: Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.into_iter().map(into_text).collect(),
        Value::Null => Vec::new(),
        other => vec![into_text(other)],
    }
}

fn reason_from(v: Value) -> Reason {
    match v {
        Value::String(s) => Reason::Text(s),
        Value::Object(mut m) if m.contains_key("errors") => Reason::Errors {
            errors: m
                .shift_remove("errors")
                .map(string_list)
                .unwrap_or_default(),
            error_objects: m.shift_remove("error_objects"),
            other: m,
        },
        other => Reason::Other(other),
    }
}

impl Decision {
    /// Reads a decision from any JSON value, as `Decision::deserialize` would. Returns `None` when
    /// the value is not an object.
    pub fn from_value(v: &Value) -> Option<Decision> {
        let mut m = v.as_object()?.clone();
        let w = Wire {
            decision: m.shift_remove("decision"),
            input: m.shift_remove("input"),
            reason: m.shift_remove("reason"),
            policy_error: m.shift_remove("policyError"),
            truncated: m.shift_remove("truncated"),
            unknown: m,
        };
        Some(w.into())
    }

    /// The error messages of the reason, if it has any.
    pub fn errors(&self) -> &[String] {
        match &self.reason {
            Some(Reason::Errors { errors, .. }) => errors,
            _ => &[],
        }
    }

    /// Whether `what` (for example `"input"`) is listed in `truncated`.
    pub fn was_truncated(&self, what: &str) -> bool {
        self.truncated
            .as_ref()
            .is_some_and(|t| t.iter().any(|x| x == what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn reads_the_seed_examples() {
        let d = Decision::from_value(&json(
            r#"{"decision":"deny","reason":{"errors":["invalid command"]},"truncated":["input"]}"#,
        ))
        .unwrap();
        assert_eq!(d.decision.as_deref(), Some("deny"));
        assert_eq!(d.errors(), ["invalid command"]);
        assert!(d.was_truncated("input"));
        assert!(d.rule.is_none());

        let d = Decision::from_value(&json(r#"{"decision":"deny","input":{"deviceHash":"ab","rule":"mount_device","target":"/run/mounts/m9"},"reason":{"errors":["deviceHash not found"]}}"#)).unwrap();
        assert_eq!(d.rule.as_deref(), Some("mount_device"));
        let input = d.input.unwrap();
        assert_eq!(input.len(), 2);
        assert_eq!(input.iter().next().unwrap().0, "deviceHash");
    }

    #[test]
    fn keeps_unknown_keys_and_odd_types() {
        let d = Decision::from_value(&json(r#"{"decision":5,"extra":{"a":1},"reason":"Security policy is not valid.","truncated":"input"}"#)).unwrap();
        assert_eq!(d.decision.as_deref(), Some("5"));
        assert_eq!(
            d.unknown.into_iter().collect::<Vec<_>>(),
            vec![("extra".to_string(), json(r#"{"a":1}"#))]
        );
        assert_eq!(
            d.reason,
            Some(Reason::Text("Security policy is not valid.".into()))
        );
        assert_eq!(d.truncated, Some(vec!["input".to_string()]));
    }

    #[test]
    fn wrong_types_are_kept_not_dropped() {
        // `null` is a value too; an `input` that is not an object is an unknown field; a reason
        // object without `errors` is kept as it is; unknown keys stay in their order.
        let d = Decision::from_value(&json(
            r#"{"z":1,"decision":null,"input":[1,2],"reason":{"why":"x"},"policyError":{"a":1.50},"truncated":[1,"input"],"a":2}"#,
        ))
        .unwrap();
        assert_eq!(d.decision.as_deref(), Some("null"));
        assert_eq!(d.rule, None);
        assert_eq!(d.input, None);
        assert_eq!(d.reason, Some(Reason::Other(json(r#"{"why":"x"}"#))));
        assert_eq!(d.policy_error.as_deref(), Some(r#"{"a":1.50}"#));
        assert_eq!(
            d.truncated,
            Some(vec!["1".to_string(), "input".to_string()])
        );
        let keys: Vec<&str> = d.unknown.keys().map(String::as_str).collect();
        assert_eq!(keys, ["z", "a", "input"]);
        assert_eq!(d.unknown["input"], json("[1,2]"));
        // A rule that is not a string is kept as its text; the reason's other keys in order.
        let d = Decision::from_value(&json(
            r#"{"input":{"b":1,"rule":7,"a":2},"reason":{"errors":"one","q":1,"error_objects":[],"p":2}}"#,
        ))
        .unwrap();
        assert_eq!(d.rule.as_deref(), Some("7"));
        let input: Vec<&str> = d
            .input
            .as_ref()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(input, ["b", "a"]);
        let Some(Reason::Errors {
            errors,
            error_objects,
            other,
        }) = &d.reason
        else {
            panic!("{:?}", d.reason)
        };
        assert_eq!(errors, &["one"]);
        assert_eq!(error_objects, &Some(json("[]")));
        assert_eq!(other.keys().collect::<Vec<_>>(), ["q", "p"]);
    }

    #[test]
    fn taking_the_keys_out_agrees_with_serde() {
        for text in [
            r#"{"decision":"deny","input":{"rule":"mount_device","target":"/m"},"reason":{"errors":["e"]},"policyError":"p","truncated":["input"],"x":[1,{"y":null}]}"#,
            r#"{"z":1,"decision":null,"input":[1,2],"reason":{"why":"x"},"policyError":{"a":1.50},"truncated":[1,"input"],"a":2}"#,
            r#"{"reason":"Security policy is not valid.","truncated":null,"input":{"rule":7}}"#,
            r#"{}"#,
        ] {
            let v = json(text);
            let serde = Decision::deserialize(&v).unwrap();
            assert_eq!(Decision::from_value(&v), Some(serde.clone()), "{text}");
            // And straight from the text.
            assert_eq!(
                serde_json::from_str::<Decision>(text).unwrap(),
                serde,
                "{text}"
            );
        }
    }

    #[test]
    fn a_huge_integer_among_unknown_keys_is_kept() {
        // serde's flatten buffer holds at most 64-bit integers and refuses this decision.
        let v = json(r#"{"decision":"deny","x":-49599645931262978348}"#);
        assert!(Decision::deserialize(&v).is_err());
        let d = Decision::from_value(&v).unwrap();
        assert_eq!(d.unknown["x"].to_string(), "-49599645931262978348");
    }

    #[test]
    fn non_object_is_not_a_decision() {
        assert!(Decision::from_value(&json(r#"[1, 2]"#)).is_none());
        assert!(Decision::from_value(&json(r#""deny""#)).is_none());
    }
}
