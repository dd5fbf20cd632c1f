//! Reading JSON by hand while collecting every problem, each with its path in the file.
//!
//! Serde's derive stops at the first error of a struct; a lesson author fixing a file wants the
//! whole list at once, as diagram authors get. So the lesson format is read from a
//! `serde_json::Value` field by field.

use super::{Problem, Text};
use serde_json::{Map, Value};

/// Collects problems while reading.
#[derive(Default)]
pub struct Reader {
    pub problems: Vec<Problem>,
}

/// `parent.key`, or `key` at the top.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Reader {
    pub fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// An object whose keys are all in `fields` (each unknown key is a problem).
    pub fn object<'a>(
        &mut self,
        v: &'a Value,
        path: &str,
        fields: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        let Value::Object(map) = v else {
            self.problem(path, format!("must be an object (got {})", type_name(v)));
            return None;
        };
        for key in map.keys() {
            if !fields.contains(&key.as_str()) {
                self.problem(
                    &join(path, key),
                    format!("unknown field (expected one of: {})", fields.join(", ")),
                );
            }
        }
        Some(map)
    }

    /// A field that must be present.
    pub fn required<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'a Value> {
        let v = map.get(key);
        if v.is_none() {
            self.problem(&join(path, key), "missing");
        }
        v
    }

    pub fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.problem(path, format!("must be a string (got {})", type_name(v)));
                None
            }
        }
    }

    /// A finite number.
    pub fn number(&mut self, v: &Value, path: &str) -> Option<f64> {
        match v.as_f64() {
            Some(x) if x.is_finite() => Some(x),
            _ => {
                self.problem(path, format!("must be a number (got {})", type_name(v)));
                None
            }
        }
    }

    /// A whole number ≥ 0.
    pub fn whole(&mut self, v: &Value, path: &str) -> Option<u64> {
        match v.as_u64() {
            Some(x) => Some(x),
            None => {
                self.problem(
                    path,
                    format!("must be a whole number ≥ 0 (got {})", short(v)),
                );
                None
            }
        }
    }

    /// A list of at most `max` items.
    pub fn list<'a>(&mut self, v: &'a Value, path: &str, max: usize) -> Option<&'a [Value]> {
        match v {
            Value::Array(items) if items.len() > max => {
                self.problem(
                    path,
                    format!("has {} items; at most {max} are allowed", items.len()),
                );
                None
            }
            Value::Array(items) => Some(items),
            _ => {
                self.problem(path, format!("must be a list (got {})", type_name(v)));
                None
            }
        }
    }

    /// A text in every language: `{"en": "…", "ko": "…"}`, both present and not blank.
    pub fn text(&mut self, v: &Value, path: &str) -> Option<Text> {
        let map = self.object(v, path, &Text::LANGUAGES)?;
        let mut get = |lang: &str| -> Option<String> {
            let p = join(path, lang);
            match map.get(lang) {
                None => {
                    self.problem(&p, "missing: every text needs \"en\" and \"ko\"");
                    None
                }
                Some(v) => {
                    let s = self.string(v, &p)?;
                    if s.trim().is_empty() {
                        self.problem(&p, "must not be empty");
                        None
                    } else {
                        Some(s)
                    }
                }
            }
        };
        let en = get("en");
        let ko = get("ko");
        Some(Text { en: en?, ko: ko? })
    }

    /// A required text field.
    pub fn text_field(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Text> {
        let v = self.required(map, path, key)?;
        self.text(v, &join(path, key))
    }
}

/// A value as a learner would recognise it in a message, cut short.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}
