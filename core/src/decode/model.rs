//! The decision model: what the guest's policy enforcer puts in a `policyDecision` blob.
//!
//! The enforcer serialises a map with `decision`, `input` (the enforcement point's input plus
//! `rule`), `reason` (an object with `errors`, or a plain string), `policyError` and `truncated`.
//! Real pastes and hostile ones can hold anything, so the model is read leniently from a JSON
//! value: wrong types are kept as JSON text and unknown keys are kept, never dropped.

use crate::json::Value;

/// The `reason` of a decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The usual shape: `{"errors": [...]}`, possibly with `error_objects` and other keys.
    Errors {
        errors: Vec<String>,
        error_objects: Option<Value>,
        other: Vec<(String, Value)>,
    },
    /// A plain string (the enforcer's fixed texts for invalid or reason-less policies).
    Text(String),
    /// Anything else, kept as it was.
    Other(Value),
}

/// A decoded decision.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Decision {
    /// Usually `"deny"`.
    pub decision: Option<String>,
    /// The enforcement point, from `input.rule`.
    pub rule: Option<String>,
    /// The input fields in their order, without `rule`.
    pub input: Option<Vec<(String, Value)>>,
    pub reason: Option<Reason>,
    pub policy_error: Option<String>,
    /// What the enforcer dropped to fit its size limit, in order.
    pub truncated: Option<Vec<String>>,
    /// Keys this model does not know, with their values.
    pub unknown: Vec<(String, Value)>,
}

/// Text of a value: strings as they are, everything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => crate::json::to_string(other),
    }
}

fn string_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().map(value_text).collect(),
        Value::Null => Vec::new(),
        other => vec![value_text(other)],
    }
}

impl Decision {
    /// Reads a decision from any JSON value. Returns `None` when the value is not an object.
    pub fn from_value(v: &Value) -> Option<Decision> {
        let Value::Object(obj) = v else { return None };
        let mut d = Decision::default();
        for (k, v) in obj {
            match k.as_str() {
                "decision" => d.decision = Some(value_text(v)),
                "input" => match v {
                    Value::Object(m) => {
                        let mut fields = Vec::with_capacity(m.len());
                        for (fk, fv) in m {
                            if fk == "rule" {
                                d.rule = Some(value_text(fv));
                            } else {
                                fields.push((fk.clone(), fv.clone()));
                            }
                        }
                        d.input = Some(fields);
                    }
                    other => d.unknown.push((k.clone(), other.clone())),
                },
                "reason" => d.reason = Some(reason_from(v)),
                "policyError" => d.policy_error = Some(value_text(v)),
                "truncated" => d.truncated = Some(string_list(v)),
                _ => d.unknown.push((k.clone(), v.clone())),
            }
        }
        Some(d)
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

fn reason_from(v: &Value) -> Reason {
    match v {
        Value::String(s) => Reason::Text(s.clone()),
        Value::Object(m) if m.iter().any(|(k, _)| k == "errors") => {
            let mut errors = Vec::new();
            let mut error_objects = None;
            let mut other = Vec::new();
            for (k, v) in m {
                match k.as_str() {
                    "errors" => errors = string_list(v),
                    "error_objects" => error_objects = Some(v.clone()),
                    _ => other.push((k.clone(), v.clone())),
                }
            }
            Reason::Errors {
                errors,
                error_objects,
                other,
            }
        }
        other => Reason::Other(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn json(s: &str) -> Value {
        parse(s).unwrap()
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
        assert_eq!(input[0].0, "deviceHash");
    }

    #[test]
    fn keeps_unknown_keys_and_odd_types() {
        let d = Decision::from_value(&json(r#"{"decision":5,"extra":{"a":1},"reason":"Security policy is not valid.","truncated":"input"}"#)).unwrap();
        assert_eq!(d.decision.as_deref(), Some("5"));
        assert_eq!(d.unknown, vec![("extra".to_string(), json(r#"{"a":1}"#))]);
        assert_eq!(
            d.reason,
            Some(Reason::Text("Security policy is not valid.".into()))
        );
        assert_eq!(d.truncated, Some(vec!["input".to_string()]));
    }

    #[test]
    fn non_object_is_not_a_decision() {
        assert!(Decision::from_value(&json(r#"[1, 2]"#)).is_none());
    }
}
