//! Parameters as (path, value) leaves, so that a link stores only what differs from the
//! defaults: `{"service": {"mean_ms": 5.0}}` becomes `("service.mean_ms", 5)`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// A JSON scalar in compact binary form. Whole numbers become varints; other numbers keep
/// their exact bits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    /// A list (zones, a scaling schedule) as JSON text. Added in format 3; variants are only
    /// ever appended, so older links read the same.
    Json(String),
}

/// Largest integer every f64 represents exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

impl Leaf {
    pub fn from_number(n: &Number) -> Leaf {
        if let Some(i) = n.as_i64() {
            Leaf::Int(i)
        } else if let Some(u) = n.as_u64() {
            Leaf::UInt(u)
        } else {
            Leaf::from_f64(n.as_f64().unwrap_or(0.0))
        }
    }

    pub fn from_f64(v: f64) -> Leaf {
        let whole = v.fract() == 0.0 && v.abs() < EXACT && !(v == 0.0 && v.is_sign_negative());
        if whole {
            Leaf::Int(v as i64)
        } else {
            Leaf::Float(v)
        }
    }

    pub fn from_value(v: &Value) -> Option<Leaf> {
        Some(match v {
            Value::Null => Leaf::Null,
            Value::Bool(b) => Leaf::Bool(*b),
            Value::Number(n) => Leaf::from_number(n),
            Value::String(s) => Leaf::Str(s.clone()),
            Value::Array(_) => Leaf::Json(serde_json::to_string(v).ok()?),
            Value::Object(_) => return None,
        })
    }

    pub fn to_value(&self) -> Value {
        match self {
            Leaf::Null => Value::Null,
            Leaf::Bool(b) => Value::Bool(*b),
            Leaf::Int(i) => Value::Number((*i).into()),
            Leaf::UInt(u) => Value::Number((*u).into()),
            Leaf::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Leaf::Str(s) => Value::String(s.clone()),
            // A damaged list becomes null, which the node's own parsing then refuses by name.
            Leaf::Json(s) => serde_json::from_str(s).unwrap_or(Value::Null),
        }
    }

    /// The value as an f64, for positions and latencies.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Leaf::Int(i) => Some(*i as f64),
            Leaf::UInt(u) => Some(*u as f64),
            Leaf::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// Same value, whatever the JSON number representation (100 and 100.0 are equal).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Leaf::from_number(x) == Leaf::from_number(y),
        _ => a == b,
    }
}

/// Every scalar of `v`, by dotted path.
pub fn flatten(v: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, child, out);
                }
            }
            other => {
                out.insert(prefix.to_owned(), other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out
}

/// The leaves of `v` that differ from (or are missing in) `defaults`.
pub fn diff(v: &Value, defaults: &Value) -> Vec<(String, Leaf)> {
    let base = flatten(defaults);
    flatten(v)
        .into_iter()
        .filter(|(path, value)| base.get(path).is_none_or(|d| !same(d, value)))
        .filter_map(|(path, value)| Some((path, Leaf::from_value(&value)?)))
        .collect()
}

/// `defaults` with the leaves applied. A leaf under a path whose parent is not an object (the
/// default profile is the string "constant"; a spike profile is an object) replaces the parent.
pub fn apply(defaults: &Value, leaves: &[(String, Leaf)]) -> Result<Value, String> {
    let mut root = defaults.clone();
    for (path, leaf) in leaves {
        if path.is_empty() || path.split('.').any(str::is_empty) || path.split('.').count() > 8 {
            return Err(format!("a parameter has a malformed name '{path}'"));
        }
        let mut cur = &mut root;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            let Some(map) = cur.as_object_mut() else {
                return Err(format!("parameter '{path}' cannot be placed"));
            };
            if parts.peek().is_none() {
                map.insert(part.to_owned(), leaf.to_value());
                break;
            }
            cur = map
                .entry(part.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_keep_their_exact_value_in_the_smallest_form() {
        assert_eq!(Leaf::from_f64(600.0), Leaf::Int(600));
        assert_eq!(Leaf::from_f64(0.1), Leaf::Float(0.1));
        assert_eq!(Leaf::from_f64(-0.0), Leaf::Float(-0.0));
        assert_eq!(Leaf::from_f64(1e300), Leaf::Float(1e300));
        assert!(same(&json!(100), &json!(100.0)));
        assert!(!same(&json!(100), &json!(100.5)));
    }

    #[test]
    fn diff_then_apply_restores_the_value() {
        let defaults =
            json!({"rate": 100.0, "profile": "constant", "retry": {"max": 0, "jitter": true}});
        let v = json!({"rate": 100.0, "profile": {"spike": {"at_s": 30.0, "factor": 2.5}}, "retry": {"max": 3, "jitter": true}});
        let d = diff(&v, &defaults);
        assert_eq!(d.len(), 3, "{d:?}");
        let back = apply(&defaults, &d).unwrap();
        assert!(flatten(&back).iter().all(|(k, x)| same(x, &flatten(&v)[k])));
        assert_eq!(flatten(&back).len(), flatten(&v).len());
        assert!(apply(&defaults, &[("a..b".into(), Leaf::Null)]).is_err());
    }

    /// Whole numbers travel as integers up to 2⁵³ (beyond it an f64 is not exact), negative
    /// ones too; −0 keeps its sign as a float.
    #[test]
    fn whole_numbers_are_integers_below_two_to_the_53() {
        assert_eq!(
            Leaf::from_f64(EXACT - 1.0),
            Leaf::Int(9_007_199_254_740_991)
        );
        assert_eq!(Leaf::from_f64(EXACT), Leaf::Float(EXACT));
        assert_eq!(Leaf::from_f64(-3.0), Leaf::Int(-3));
        assert_eq!(Leaf::from_f64(0.5), Leaf::Float(0.5));
        assert_eq!(Leaf::UInt(u64::MAX).as_f64(), Some(u64::MAX as f64));
        assert_eq!(Leaf::Int(-2).as_f64(), Some(-2.0));
        assert_eq!(Leaf::Str("x".into()).as_f64(), None);
    }

    /// A parameter's name may nest eight deep, not nine.
    #[test]
    fn names_nest_at_most_eight_deep() {
        let eight = "a.b.c.d.e.f.g.h";
        let v = apply(&json!({}), &[(eight.into(), Leaf::Int(1))]).unwrap();
        assert_eq!(v["a"]["b"]["c"]["d"]["e"]["f"]["g"]["h"], json!(1));
        let nine = format!("{eight}.i");
        assert!(apply(&json!({}), &[(nine, Leaf::Int(1))]).is_err());
    }
}
