//! Reading a diagram from JSON, collecting every problem instead of stopping at the first.

use super::validate::{validate_with, Location, Problem, Severity};
use super::{
    ChaosEvent, Diagram, Edge, Node, Region, RegionLatency, Slo, Workload, FORMAT_VERSION,
};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;

/// Largest diagram file accepted; a browser tab or CI job should never choke on one input.
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// Most components (nodes) a diagram may have: larger ones are refused before they are read.
/// Set-up and analysis are linear (or N log N) in the diagram's size, so a diagram at the cap
/// runs a simulated second in well under 2 s (docs/testing.md, `scripts/bench-big.sh`).
pub const MAX_NODES: usize = 10_000;
/// Most connections (edges) a diagram may have: larger ones are refused before they are read.
pub const MAX_EDGES: usize = 30_000;

const TOP_FIELDS: &[&str] = &[
    "version",
    "name",
    "seed",
    "workload",
    "nodes",
    "edges",
    "chaos",
    "slo",
    "regions",
    "region_latency",
];

pub fn from_json(text: &str) -> Result<Diagram, Vec<Problem>> {
    from_json_adjusted(text, |_| {})
}

/// Like [`from_json`], with `adjust` applied to the parsed diagram before it is validated (the
/// CLI's `--duration`/`--warmup`/`--seed` replace the file's values, so they are what must be
/// consistent, not the values they replace).
pub fn from_json_adjusted(
    text: &str,
    adjust: impl FnOnce(&mut Diagram),
) -> Result<Diagram, Vec<Problem>> {
    let err = |field: Option<&str>, code: &'static str, params: Vec<String>| {
        vec![Problem::error(Location::Diagram, field, code, params)]
    };
    if text.len() > MAX_JSON_BYTES {
        return Err(err(
            None,
            "file_too_large",
            vec![text.len().to_string(), MAX_JSON_BYTES.to_string()],
        ));
    }
    // Count the nodes and edges first, without building them: a huge diagram is refused in
    // one quick pass. Malformed JSON is left to the full parse below, which explains it.
    if let Ok(counts) = serde_json::from_str::<Counts>(text) {
        let mut problems = Vec::new();
        if counts.nodes > MAX_NODES {
            problems.push(Problem::error(
                Location::Diagram,
                Some("nodes"),
                "too_many_nodes",
                vec![counts.nodes.to_string(), MAX_NODES.to_string()],
            ));
        }
        if counts.edges > MAX_EDGES {
            problems.push(Problem::error(
                Location::Diagram,
                Some("edges"),
                "too_many_edges",
                vec![counts.edges.to_string(), MAX_EDGES.to_string()],
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        err(
            None,
            "invalid_json",
            vec![e.to_string(), e.line().to_string(), e.column().to_string()],
        )
    })?;
    let Value::Object(mut top) = root else {
        return Err(err(None, "not_an_object", vec![]));
    };

    let mut problems = Vec::new();
    for key in top.keys() {
        if !TOP_FIELDS.contains(&key.as_str()) {
            problems.push(Problem::error(
                Location::Diagram,
                Some(key),
                "unknown_top_field",
                vec![TOP_FIELDS.join(", ")],
            ));
        }
    }

    let version = match top.get("version") {
        Some(Value::Number(n)) => n.as_u64().and_then(|v| u32::try_from(v).ok()),
        _ => None,
    };
    let Some(version) = version else {
        return Err(err(
            Some("version"),
            "version_missing",
            vec![FORMAT_VERSION.to_string()],
        ));
    };
    if version == 0 || version > FORMAT_VERSION {
        let code = if version > FORMAT_VERSION {
            "version_too_new"
        } else {
            "version_too_old"
        };
        return Err(err(
            Some("version"),
            code,
            vec![version.to_string(), FORMAT_VERSION.to_string()],
        ));
    }

    let name = take_field::<String>(&mut top, "name", &mut problems).unwrap_or_default();
    let seed = take_field::<u64>(&mut top, "seed", &mut problems).unwrap_or(1);
    let workload: Workload = match top.remove("workload") {
        None => Workload::default(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            problems.push(serde_problem(Location::Workload, None, &e));
            Workload::default()
        }),
    };

    let mut broken = BTreeSet::new();
    let mut nodes = Vec::new();
    for (i, v) in take_array(&mut top, "nodes", &mut problems)
        .into_iter()
        .enumerate()
    {
        let id = v.get("id").and_then(Value::as_str).map(str::to_owned);
        match serde_json::from_value::<Node>(v) {
            Ok(node) => nodes.push(node),
            Err(e) => {
                let id = id.unwrap_or_else(|| format!("#{}", i + 1));
                problems.push(serde_problem(Location::Node(id.clone()), None, &e));
                broken.insert(id);
            }
        }
    }
    let mut edges = Vec::new();
    for (i, v) in take_array(&mut top, "edges", &mut problems)
        .into_iter()
        .enumerate()
    {
        let name = v
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("#{}", i + 1));
        match serde_json::from_value::<Edge>(v) {
            Ok(edge) => edges.push(edge),
            Err(e) => problems.push(serde_problem(Location::Edge(name), None, &e)),
        }
    }

    let mut chaos = Vec::new();
    for (i, v) in take_array(&mut top, "chaos", &mut problems)
        .into_iter()
        .enumerate()
    {
        match serde_json::from_value::<ChaosEvent>(v) {
            Ok(e) => chaos.push(e),
            Err(e) => problems.push(serde_problem(
                Location::Diagram,
                Some(&format!("chaos[{i}]")),
                &e,
            )),
        }
    }
    let slo = match top.remove("slo") {
        None => Slo::default(),
        Some(v) => serde_json::from_value(v).unwrap_or_else(|e| {
            problems.push(serde_problem(Location::Diagram, Some("slo"), &e));
            Slo::default()
        }),
    };
    let regions = take_list::<Region>(&mut top, "regions", &mut problems);
    let region_latency = take_list::<RegionLatency>(&mut top, "region_latency", &mut problems);
    let mut diagram = Diagram {
        version,
        name,
        seed,
        workload,
        nodes,
        edges,
        chaos,
        slo,
        regions,
        region_latency,
    };
    adjust(&mut diagram);
    problems.extend(validate_with(&diagram, &broken));
    if problems.iter().any(|p| p.severity == Severity::Error) {
        Err(problems)
    } else {
        Ok(diagram)
    }
}

fn take_field<T: serde::de::DeserializeOwned>(
    top: &mut Map<String, Value>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let v = top.remove(key)?;
    serde_json::from_value(v)
        .map_err(|e| problems.push(serde_problem(Location::Diagram, Some(key), &e)))
        .ok()
}

/// A top-level list whose items are read one by one, each problem naming `key[i]`.
fn take_list<T: serde::de::DeserializeOwned>(
    top: &mut Map<String, Value>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, v) in take_array(top, key, problems).into_iter().enumerate() {
        match serde_json::from_value::<T>(v) {
            Ok(x) => out.push(x),
            Err(e) => problems.push(serde_problem(
                Location::Diagram,
                Some(&format!("{key}[{i}]")),
                &e,
            )),
        }
    }
    out
}

fn take_array(top: &mut Map<String, Value>, key: &str, problems: &mut Vec<Problem>) -> Vec<Value> {
    match top.remove(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(Problem::error(
                Location::Diagram,
                Some(key),
                "not_a_list",
                vec![],
            ));
            Vec::new()
        }
    }
}

/// A part of the file serde could not read: its English explanation as the message, and a code
/// with the name it is about (an unknown or missing field, an unknown kind or value) so that the
/// app can say it in another language.
fn serde_problem(location: Location, field: Option<&str>, e: &serde_json::Error) -> Problem {
    let text = e.to_string();
    // serde quotes names in backticks; the node reader quotes kinds in single quotes.
    let quoted = |after: &str, quote: char| {
        let start = text.find(after)? + after.len();
        let rest = text[start..].strip_prefix(quote)?;
        rest.find(quote).map(|end| rest[..end].to_owned())
    };
    let (code, name) = if let Some(n) = quoted("unknown field ", '`') {
        ("unknown_field", Some(n))
    } else if let Some(n) = quoted("missing field ", '`') {
        ("missing_field", Some(n))
    } else if let Some(n) = quoted("unknown kind ", '\'') {
        ("unknown_kind", Some(n))
    } else if let Some(n) = quoted("unknown variant ", '`') {
        ("unknown_variant", Some(n))
    } else if text.contains("invalid type") || text.contains("invalid value") {
        ("wrong_type", None)
    } else {
        ("unreadable", None)
    };
    let mut params = vec![text];
    params.extend(name);
    Problem::error(location, field, code, params)
}

/// A quick look at a file's top level, read without keeping anything: how many items the
/// `nodes` and `edges` lists hold (a list given twice counts at its longest) and whether it
/// has a comparison's `compare` key; every item and every other value is skipped.
#[derive(Default)]
struct Counts {
    nodes: usize,
    edges: usize,
    compare: bool,
}

/// True when `text` is a JSON object with a `compare` key (a comparison file), found in the
/// same one pass that builds nothing as the size check before a diagram is read.
pub(crate) fn has_compare_key(text: &str) -> bool {
    serde_json::from_str::<Counts>(text).is_ok_and(|c| c.compare)
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Counts, D::Error> {
        struct Top;
        impl<'de> Visitor<'de> for Top {
            type Value = Counts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counts, A::Error> {
                let mut counts = Counts::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "nodes" => counts.nodes = counts.nodes.max(map.next_value::<Len>()?.0),
                        "edges" => counts.edges = counts.edges.max(map.next_value::<Len>()?.0),
                        other => {
                            counts.compare |= other == "compare";
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(counts)
            }
        }
        de.deserialize_map(Top)
    }
}

/// The number of items of a list; anything else counts as 0 (the full parse reports it).
struct Len(usize);

impl<'de> Deserialize<'de> for Len {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Len, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = Len;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Len, A::Error> {
                let mut n = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Len(n))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Len, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Len(0))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Len, E> {
                Ok(Len(0))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Len, E> {
                Ok(Len(0))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Len, E> {
                Ok(Len(0))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Len, E> {
                Ok(Len(0))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Len, E> {
                Ok(Len(0))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Len, E> {
                Ok(Len(0))
            }
        }
        de.deserialize_any(Items)
    }
}
