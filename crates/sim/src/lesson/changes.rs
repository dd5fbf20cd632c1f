//! Changes: a step's diagram written as edits to the previous step's.
//!
//! Most steps of a lesson change a few things ("traffic doubles", "add a cache"), so repeating a
//! whole diagram per step would hide the point and let copies drift apart. Changes are applied
//! to the diagram's JSON and the result is read by [`Diagram::from_json`](crate::Diagram), so
//! what a change may produce is exactly what the diagram format allows, with its messages.
//!
//! Applied in this order: `remove_edges`, `remove_nodes` (with every edge touching them),
//! `add_nodes`, `add_edges`, `set`, `workload`, `slo`, `name`.

use super::read::{index, join, short, Reader};
use super::Problem;
use serde_json::{Map, Value};

/// Most edits of each kind in one `changes` object.
pub const MAX_EDITS: usize = 1000;

const FIELDS: &[&str] = &[
    "set",
    "add_nodes",
    "add_edges",
    "remove_nodes",
    "remove_edges",
    "workload",
    "slo",
    "name",
];

/// An edge named by its ends (a diagram has at most one edge per pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeRef {
    pub from: String,
    pub to: String,
}

/// What a `set` edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Node(String),
    Edge(EdgeRef),
}

/// Sets one field of a node or an edge: `{"node": "api", "field": "params.instances", "value": 3}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Set {
    pub target: Target,
    /// Dotted path inside the node or edge object; missing objects on the way are created.
    pub field: String,
    pub value: Value,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    pub set: Vec<Set>,
    /// Complete node objects, as in the diagram format.
    pub add_nodes: Vec<Value>,
    /// Complete edge objects, as in the diagram format.
    pub add_edges: Vec<Value>,
    pub remove_nodes: Vec<String>,
    pub remove_edges: Vec<EdgeRef>,
    /// Fields merged into the diagram's `workload` (the others are kept).
    pub workload: Map<String, Value>,
    /// Fields merged into the diagram's `slo`.
    pub slo: Map<String, Value>,
    pub name: Option<String>,
}

fn edge_ref(r: &mut Reader, v: &Value, path: &str) -> Option<EdgeRef> {
    let map = r.object(v, path, &["from", "to"])?;
    let from = r
        .required(map, path, "from")
        .and_then(|v| r.string(v, &join(path, "from")));
    let to = r
        .required(map, path, "to")
        .and_then(|v| r.string(v, &join(path, "to")));
    Some(EdgeRef {
        from: from?,
        to: to?,
    })
}

fn objects(r: &mut Reader, v: &Value, path: &str) -> Vec<Value> {
    let Some(items) = r.list(v, path, MAX_EDITS) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            if item.is_object() {
                Some(item.clone())
            } else {
                r.problem(
                    &index(path, i),
                    "must be an object (as in the diagram format)",
                );
                None
            }
        })
        .collect()
}

impl Changes {
    /// Reads a `changes` object, listing every problem of its shape. Whether the nodes and
    /// edges it names exist is known only when it is applied.
    pub(super) fn read(r: &mut Reader, v: &Value, path: &str) -> Option<Changes> {
        let map = r.object(v, path, FIELDS)?;
        let before = r.problems.len();
        let mut c = Changes::default();
        if let Some(v) = map.get("set") {
            let p = join(path, "set");
            for (i, item) in r.list(v, &p, MAX_EDITS).unwrap_or(&[]).iter().enumerate() {
                if let Some(s) = read_set(r, item, &index(&p, i)) {
                    c.set.push(s);
                }
            }
        }
        if let Some(v) = map.get("add_nodes") {
            c.add_nodes = objects(r, v, &join(path, "add_nodes"));
        }
        if let Some(v) = map.get("add_edges") {
            c.add_edges = objects(r, v, &join(path, "add_edges"));
        }
        if let Some(v) = map.get("remove_nodes") {
            let p = join(path, "remove_nodes");
            for (i, item) in r.list(v, &p, MAX_EDITS).unwrap_or(&[]).iter().enumerate() {
                if let Some(id) = r.string(item, &index(&p, i)) {
                    c.remove_nodes.push(id);
                }
            }
        }
        if let Some(v) = map.get("remove_edges") {
            let p = join(path, "remove_edges");
            for (i, item) in r.list(v, &p, MAX_EDITS).unwrap_or(&[]).iter().enumerate() {
                if let Some(e) = edge_ref(r, item, &index(&p, i)) {
                    c.remove_edges.push(e);
                }
            }
        }
        for (key, slot) in [("workload", &mut c.workload), ("slo", &mut c.slo)] {
            if let Some(v) = map.get(key) {
                match v {
                    Value::Object(m) => *slot = m.clone(),
                    _ => r.problem(
                        &join(path, key),
                        "must be an object of the fields to change",
                    ),
                }
            }
        }
        if let Some(v) = map.get("name") {
            c.name = r.string(v, &join(path, "name"));
        }
        (r.problems.len() == before).then_some(c)
    }

    /// Applies the changes to a diagram's JSON. Every change that names something missing is a
    /// problem (at `path` and the change's place in it); the others are still applied, so the
    /// diagram read afterwards reports its own problems too.
    pub fn apply(&self, diagram: &mut Value, path: &str) -> Vec<Problem> {
        let mut r = Reader::default();
        let Value::Object(top) = diagram else {
            r.problem(path, "the diagram to change is not an object");
            return r.problems;
        };
        // Edited as owned lists and put back: the diagram these changes apply to has been read
        // already, so its lists are lists.
        let mut list = |key: &str| match top.remove(key) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let mut nodes = list("nodes");
        let mut edges = list("edges");
        let str_of = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
        let edge_at = |edges: &[Value], e: &EdgeRef| {
            edges.iter().position(|v| {
                str_of(v, "from").as_deref() == Some(e.from.as_str())
                    && str_of(v, "to").as_deref() == Some(e.to.as_str())
            })
        };
        let node_at = |nodes: &[Value], id: &str| {
            nodes
                .iter()
                .position(|v| str_of(v, "id").as_deref() == Some(id))
        };
        for (i, e) in self.remove_edges.iter().enumerate() {
            match edge_at(&edges, e) {
                Some(at) => {
                    edges.remove(at);
                }
                None => r.problem(
                    &index(&join(path, "remove_edges"), i),
                    format!("there is no edge {} → {} to remove", e.from, e.to),
                ),
            }
        }
        for (i, id) in self.remove_nodes.iter().enumerate() {
            match node_at(&nodes, id) {
                Some(at) => {
                    nodes.remove(at);
                    edges.retain(|v| {
                        str_of(v, "from").as_deref() != Some(id.as_str())
                            && str_of(v, "to").as_deref() != Some(id.as_str())
                    });
                }
                None => r.problem(
                    &index(&join(path, "remove_nodes"), i),
                    format!("there is no node '{id}' to remove"),
                ),
            }
        }
        nodes.extend(self.add_nodes.iter().cloned());
        edges.extend(self.add_edges.iter().cloned());
        for (i, s) in self.set.iter().enumerate() {
            let p = index(&join(path, "set"), i);
            let (object, what) = match &s.target {
                Target::Node(id) => (
                    node_at(&nodes, id).and_then(|at| nodes.get_mut(at)),
                    format!("node '{id}'"),
                ),
                Target::Edge(e) => (
                    edge_at(&edges, e).and_then(|at| edges.get_mut(at)),
                    format!("edge {} → {}", e.from, e.to),
                ),
            };
            let Some(object) = object else {
                r.problem(&p, format!("there is no {what} to change"));
                continue;
            };
            if let Err(msg) = set_path(object, &s.field, s.value.clone()) {
                r.problem(&join(&p, "field"), format!("{what}: {msg}"));
            }
        }
        top.insert("nodes".into(), Value::Array(nodes));
        top.insert("edges".into(), Value::Array(edges));
        for (key, fields) in [("workload", &self.workload), ("slo", &self.slo)] {
            if fields.is_empty() {
                continue;
            }
            let slot = top
                .entry(key.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            match slot {
                Value::Object(m) => m.extend(fields.clone()),
                _ => r.problem(
                    &join(path, key),
                    format!("the diagram's {key} is not an object"),
                ),
            }
        }
        if let Some(name) = &self.name {
            top.insert("name".into(), Value::String(name.clone()));
        }
        r.problems
    }
}

fn read_set(r: &mut Reader, v: &Value, path: &str) -> Option<Set> {
    let map = r.object(v, path, &["node", "edge", "field", "value"])?;
    let target = match (map.get("node"), map.get("edge")) {
        (Some(n), None) => r.string(n, &join(path, "node")).map(Target::Node),
        (None, Some(e)) => edge_ref(r, e, &join(path, "edge")).map(Target::Edge),
        _ => {
            r.problem(
                path,
                "name exactly one of \"node\" (an id) or \"edge\" ({\"from\", \"to\"})",
            );
            None
        }
    };
    let field = r
        .required(map, path, "field")
        .and_then(|v| r.string(v, &join(path, "field")));
    let value = r.required(map, path, "value").cloned();
    let (target, field, value) = (target?, field?, value?);
    let fp = join(path, "field");
    if field.split('.').any(str::is_empty) {
        r.problem(&fp, format!("'{field}' is not a dotted field path"));
        return None;
    }
    let first = field.split('.').next().unwrap_or("");
    let forbidden: &[&str] = match target {
        Target::Node(_) => &["id"],
        Target::Edge(_) => &["from", "to"],
    };
    if forbidden.contains(&first) {
        r.problem(
            &fp,
            format!("'{first}' cannot be set: remove the element and add a new one"),
        );
        return None;
    }
    Some(Set {
        target,
        field,
        value,
    })
}

/// Sets `value` at a dotted `field` path inside `object`, creating missing objects on the way.
fn set_path(object: &mut Value, field: &str, value: Value) -> Result<(), String> {
    let mut here = object;
    let mut walked = String::new();
    let segments: Vec<&str> = field.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        let Value::Object(map) = here else {
            return Err(format!(
                "'{walked}' is {}, not an object: '{field}' cannot be set",
                short(here)
            ));
        };
        if i + 1 == segments.len() {
            map.insert((*seg).to_owned(), value);
            return Ok(());
        }
        walked = join(&walked, seg);
        here = map
            .entry((*seg).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diagram() -> Value {
        json!({
            "version": 1,
            "workload": { "duration_s": 60, "warmup_s": 5 },
            "nodes": [
                { "id": "users", "kind": "client", "params": { "rate_rps": 100 } },
                { "id": "lb", "kind": "load_balancer" },
                { "id": "api", "kind": "server", "params": { "instances": 1 } }
            ],
            "edges": [
                { "from": "users", "to": "lb" },
                { "from": "lb", "to": "api", "latency_ms": 0.5 }
            ]
        })
    }

    fn changes(v: Value) -> Changes {
        let mut r = Reader::default();
        let c = Changes::read(&mut r, &v, "changes");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        c.unwrap()
    }

    #[test]
    fn changes_edit_the_diagram_in_order() {
        let c = changes(json!({
            "remove_edges": [ { "from": "users", "to": "lb" } ],
            "remove_nodes": [ "lb" ],
            "add_nodes": [ { "id": "cache", "kind": "cache" } ],
            "add_edges": [ { "from": "users", "to": "api" } ],
            "set": [
                { "node": "api", "field": "params.instances", "value": 3 },
                { "node": "api", "field": "params.service.mean_ms", "value": 10 },
                { "node": "cache", "field": "label", "value": "Redis" },
                { "edge": { "from": "users", "to": "api" }, "field": "latency_ms", "value": 20 }
            ],
            "workload": { "duration_s": 30 },
            "slo": { "p99_ms": 100 },
            "name": "Changed"
        }));
        let mut d = diagram();
        assert!(c.apply(&mut d, "changes").is_empty());
        assert_eq!(
            d,
            json!({
                "version": 1,
                "name": "Changed",
                "workload": { "duration_s": 30, "warmup_s": 5 },
                "slo": { "p99_ms": 100 },
                "nodes": [
                    { "id": "users", "kind": "client", "params": { "rate_rps": 100 } },
                    { "id": "api", "kind": "server",
                      "params": { "instances": 3, "service": { "mean_ms": 10 } } },
                    { "id": "cache", "kind": "cache", "label": "Redis" }
                ],
                "edges": [ { "from": "users", "to": "api", "latency_ms": 20 } ]
            })
        );
        // The diagram format judges the result: a cache needs something behind it.
        let problems = crate::Diagram::from_json(&d.to_string()).unwrap_err();
        assert!(
            problems.iter().any(|p| p.to_string().contains("cache")),
            "{problems:?}"
        );
    }

    #[test]
    fn every_missing_target_is_a_problem_and_the_rest_still_applies() {
        let c = changes(json!({
            "remove_edges": [ { "from": "users", "to": "api" } ],
            "remove_nodes": [ "ghost" ],
            "set": [
                { "node": "nobody", "field": "params.instances", "value": 3 },
                { "node": "api", "field": "params.instances.deep", "value": 3 },
                { "node": "api", "field": "label", "value": "API" }
            ]
        }));
        let mut d = diagram();
        let problems = c.apply(&mut d, "steps[1].changes");
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            vec![
                "steps[1].changes.remove_edges[0]: there is no edge users → api to remove",
                "steps[1].changes.remove_nodes[0]: there is no node 'ghost' to remove",
                "steps[1].changes.set[0]: there is no node 'nobody' to change",
                "steps[1].changes.set[1].field: node 'api': 'params.instances' is 1, not an object: 'params.instances.deep' cannot be set",
            ]
        );
        assert_eq!(d["nodes"][2]["label"], "API");
    }

    #[test]
    fn the_shape_of_changes_is_checked_all_at_once() {
        let mut r = Reader::default();
        let c = Changes::read(
            &mut r,
            &json!({
                "set": [ { "node": "api", "field": "id", "value": "x" },
                         { "field": "a", "value": 1 },
                         { "node": "api", "field": "a..b", "value": 1 } ],
                "add_nodes": [ "api" ],
                "remove_edges": [ { "from": "a" } ],
                "workload": 5,
                "frobnicate": true
            }),
            "changes",
        );
        assert!(c.is_none());
        let shown: Vec<String> = r.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown.len(), 7, "{shown:#?}");
        assert!(shown[0].starts_with("changes.frobnicate: unknown field"));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("changes.set[0].field: 'id' cannot be set")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("changes.set[1]: name exactly one")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("changes.set[2].field: 'a..b'")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("changes.add_nodes[0]: must be an object")));
        assert!(shown
            .iter()
            .any(|s| s == "changes.remove_edges[0].to: missing"));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("changes.workload: must be an object")));
    }
}
