//! Comparing two designs: two variants of a diagram ("small" and "big", before and after a
//! change) run side by side, each exactly as `scaleboard run` would run it, and their key
//! figures set against each other.
//!
//! A comparison file is `{"compare": {"labels": {"a": …, "b": …}, "a": DIAGRAM, "b": DIAGRAM}}`
//! (docs/diagram-format.md). Each variant keeps its own seed and run length: a variant run on
//! its own gives the same figures as in the comparison.

mod kpis;
mod run;

pub use kpis::{Delta, Diff, Kpis, Verdicts, KPI_KEYS};
pub use run::Run;

use crate::diagram::Problem;
use crate::Diagram;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Which of the two variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    A,
    B,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::A, Side::B];

    /// `"a"` or `"b"`, as the file and the reports name the side.
    pub fn key(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }

    /// `"A"` or `"B"`, as messages name the side.
    pub fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// What the two variants are called (shown above each canvas and in the table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    pub a: String,
    pub b: String,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            a: "A".into(),
            b: "B".into(),
        }
    }
}

/// Two variants of a design, compared under their own seeds and run lengths.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub a: Diagram,
    pub b: Diagram,
    pub labels: Labels,
}

/// Why a comparison file cannot be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareError {
    /// The text is not a comparison: `field` is the part missing or malformed, `why` says how.
    Shape { field: String, why: String },
    /// One variant's diagram has problems (every one of them is listed).
    Variant { side: Side, problems: Vec<Problem> },
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::Shape { field, why } => {
                write!(f, "not a comparison file: {field}: {why}")
            }
            CompareError::Variant { side, problems } => {
                write!(
                    f,
                    "variant {} has {} problem(s): ",
                    side.letter(),
                    problems.len()
                )?;
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                write!(f, "{}", list.join("; "))
            }
        }
    }
}

impl std::error::Error for CompareError {}

/// True when `text` (a file's contents) is a comparison rather than a single diagram: a JSON
/// object with a `compare` key. Cheap enough to ask of every file opened: one pass over the
/// text that builds nothing (a 7 MB diagram used to be built into a `Value` here first, a
/// sixth of a second of frozen page in the browser).
pub fn is_comparison_json(text: &str) -> bool {
    crate::diagram::has_compare_key(text)
}

impl Comparison {
    pub fn new(a: Diagram, b: Diagram, labels: Labels) -> Comparison {
        Comparison { a, b, labels }
    }

    pub fn side(&self, side: Side) -> &Diagram {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    pub fn label(&self, side: Side) -> &str {
        match side {
            Side::A => &self.labels.a,
            Side::B => &self.labels.b,
        }
    }

    /// Parses a comparison file. A malformed variant is reported with its side and every
    /// problem of its diagram; never panics, whatever the input.
    pub fn from_json(text: &str) -> Result<Comparison, CompareError> {
        let shape = |field: &str, why: &str| CompareError::Shape {
            field: field.into(),
            why: why.into(),
        };
        let root: Value =
            serde_json::from_str(text).map_err(|e| shape("(file)", &e.to_string()))?;
        let Value::Object(mut top) = root else {
            return Err(shape("(file)", "expected a JSON object"));
        };
        if !top.contains_key("compare") {
            return Err(shape(
                "compare",
                "missing (is this a single diagram? A comparison holds two)",
            ));
        }
        if let Some(extra) = top.keys().find(|k| *k != "compare") {
            return Err(shape(
                extra,
                "unknown field (a comparison has only \"compare\")",
            ));
        }
        let Some(Value::Object(mut body)) = top.remove("compare") else {
            return Err(shape("compare", "missing, or not an object"));
        };
        if let Some(extra) = body
            .keys()
            .find(|k| !["a", "b", "labels"].contains(&k.as_str()))
        {
            return Err(shape(
                &format!("compare.{extra}"),
                "unknown field (expected a, b, labels)",
            ));
        }
        let labels = match body.remove("labels") {
            None => Labels::default(),
            Some(v) => serde_json::from_value(v).map_err(|e| {
                shape(
                    "compare.labels",
                    &format!("{e} (expected {{\"a\": text, \"b\": text}})"),
                )
            })?,
        };
        let mut variant = |side: Side| -> Result<Diagram, CompareError> {
            let field = format!("compare.{}", side.key());
            let v = body
                .remove(side.key())
                .ok_or_else(|| shape(&field, "missing (each variant is a whole diagram)"))?;
            Diagram::from_json(&v.to_string())
                .map_err(|problems| CompareError::Variant { side, problems })
        };
        let a = variant(Side::A)?;
        let b = variant(Side::B)?;
        Ok(Comparison { a, b, labels })
    }

    /// The comparison file, pretty-printed.
    pub fn to_json_pretty(&self) -> String {
        let value = serde_json::json!({
            "compare": { "labels": self.labels, "a": self.a, "b": self.b }
        });
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
