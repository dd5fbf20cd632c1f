//! The diagram format: parsing, every validation problem at once, and that nothing panics.

use super::*;

fn problems(json: &str) -> Vec<Problem> {
    Diagram::from_json(json).expect_err("should be refused")
}

/// True if some problem is at `loc`, about `field`, and mentions `needle`.
fn has(ps: &[Problem], loc: Location, field: Option<&str>, needle: &str) -> bool {
    ps.iter()
        .any(|p| p.location == loc && p.field.as_deref() == field && p.message.contains(needle))
}

fn node(id: &str) -> Location {
    Location::Node(id.into())
}

/// Every diagram under `examples/` (read from disk, so a new example is checked without being
/// listed here).
fn examples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 15, "examples/ holds {} diagrams", out.len());
    out
}

#[test]
fn every_example_parses_and_round_trips() {
    for (name, text) in examples() {
        let text = text.as_str();
        let d = Diagram::from_json(text).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert!(d.problems().is_empty(), "{name}: {:?}", d.problems());
        let again = Diagram::from_json(&d.to_json_pretty()).unwrap();
        assert_eq!(d, again, "{name} survives a JSON round trip");
    }
}

#[test]
fn defaults_fill_in_omitted_parameters() {
    let d = Diagram::from_json(
        r#"{"version":1,"nodes":[{"id":"c","kind":"client"},{"id":"s","kind":"server"}],
            "edges":[{"from":"c","to":"s"}]}"#,
    )
    .unwrap();
    assert_eq!(d.nodes[0].spec, NodeSpec::Client(ClientParams::default()));
    assert_eq!(d.nodes[1].spec, NodeSpec::Server(ServerParams::default()));
    assert_eq!(d.edges[0].latency_ms, 1.0);
    assert_eq!(d.workload, Workload::default());
}

#[test]
fn all_problems_are_reported_at_once_with_their_place() {
    let ps = problems(
        r#"{
        "version": 1,
        "workload": { "duration_s": 10, "warmup_s": 20, "traffic_scale": -1 },
        "nodes": [
            { "id": "c", "kind": "client", "params": { "rate_rps": -5, "read_ratio": 1.5 } },
            { "id": "lb", "kind": "load_balancer", "params": { "capacity_rps": 0 } },
            { "id": "s", "kind": "server", "params": { "workers": 0, "service": { "mean_ms": -1 } } },
            { "id": "s", "kind": "server" },
            { "id": "x", "kind": "balancer" },
            { "id": "y", "kind": "server", "params": { "instanses": 2 } }
        ],
        "edges": [
            { "from": "c", "to": "lb" },
            { "from": "lb", "to": "ghost", "latency_ms": -2 },
            { "from": "lb", "to": "c" },
            { "from": "x", "to": "s" }
        ]
    }"#,
    );
    let w = Location::Workload;
    assert!(has(
        &ps,
        w.clone(),
        Some("warmup_s"),
        "shorter than the run"
    ));
    assert!(has(&ps, w, Some("traffic_scale"), "negative"));
    assert!(has(
        &ps,
        node("c"),
        Some("params.rate_rps"),
        "negative (got -5)"
    ));
    assert!(has(
        &ps,
        node("c"),
        Some("params.read_ratio"),
        "between 0 and 1"
    ));
    assert!(has(
        &ps,
        node("lb"),
        Some("params.capacity_rps"),
        "greater than 0"
    ));
    assert!(has(&ps, node("s"), Some("params.workers"), "zero capacity"));
    assert!(has(
        &ps,
        node("s"),
        Some("params.service.mean_ms"),
        "greater than 0"
    ));
    assert!(has(&ps, node("s"), Some("id"), "same id"));
    assert!(has(&ps, node("x"), None, "unknown kind 'balancer'"));
    assert!(has(&ps, node("y"), None, "unknown field `instanses`"));
    let e = |n: &str| Location::Edge(n.into());
    assert!(has(&ps, e("lb→ghost"), Some("to"), "dangling"));
    assert!(has(&ps, e("lb→ghost"), Some("latency_ms"), "negative"));
    assert!(has(&ps, e("lb→c"), Some("to"), "nothing can call a client"));
    // An edge from a node that failed to parse is not also called dangling.
    assert!(!ps.iter().any(|p| p.location == e("x→s")));
    assert!(ps.len() >= 13, "{ps:#?}");
}

#[test]
fn resilience_settings_are_checked_too() {
    let ps = problems(
        r#"{
        "version": 1,
        "nodes": [
            { "id": "c", "kind": "client" },
            { "id": "lb", "kind": "load_balancer",
              "params": { "health_check": { "enabled": true, "interval_ms": 0, "unhealthy_threshold": 0 } } },
            { "id": "s", "kind": "server", "params": {
                "reserved_discount": 1.5, "zones": ["a", " "],
                "autoscale": { "enabled": true, "min": 5, "max": 2, "target": 3, "boot_s": 1e300,
                               "schedule": [{ "at_s": -1, "min": 0, "max": 4000 }] } } },
            { "id": "db", "kind": "database", "params": { "failover_detect_ms": -1 } }
        ],
        "edges": [ { "from": "c", "to": "lb" }, { "from": "lb", "to": "s" }, { "from": "s", "to": "db" } ],
        "chaos": [
            { "at_s": 5, "action": { "kill": { "node": "ghost" } } },
            { "at_s": 5, "action": { "kill": { "node": "db", "instance": 3 } } },
            { "at_s": 5, "action": { "kill_zone": { "zone": "nowhere" } } },
            { "at_s": 5, "action": { "partition": { "edge": "c→s" } } }
        ],
        "slo": { "availability": 1.5, "p99_ms": 0 }
    }"#,
    );
    let lb = node("lb");
    assert!(has(
        &ps,
        lb.clone(),
        Some("params.health_check.interval_ms"),
        "greater than 0"
    ));
    assert!(has(
        &ps,
        lb,
        Some("params.health_check.unhealthy_threshold"),
        "at least 1"
    ));
    let s = node("s");
    assert!(has(
        &ps,
        s.clone(),
        Some("params.reserved_discount"),
        "between 0 and 1"
    ));
    assert!(has(&ps, s.clone(), Some("params.zones"), "needs a name"));
    assert!(has(
        &ps,
        s.clone(),
        Some("params.autoscale.min"),
        "must not exceed the maximum (2) (got 5)"
    ));
    assert!(has(
        &ps,
        s.clone(),
        Some("params.autoscale.target"),
        "between 0 and 1"
    ));
    assert!(has(
        &ps,
        s.clone(),
        Some("params.autoscale.boot_s"),
        "at most 1000000000"
    ));
    assert!(has(
        &ps,
        s.clone(),
        Some("params.autoscale.schedule[0].at_s"),
        "negative"
    ));
    assert!(has(
        &ps,
        s.clone(),
        Some("params.autoscale.schedule[0].min"),
        "at least 1"
    ));
    assert!(has(
        &ps,
        s,
        Some("params.autoscale.schedule[0].max"),
        "at most 1000"
    ));
    assert!(has(
        &ps,
        node("db"),
        Some("params.failover_detect_ms"),
        "negative"
    ));
    let d = Location::Diagram;
    assert!(has(&ps, d.clone(), Some("chaos[0]"), "no node 'ghost'"));
    assert!(has(&ps, d.clone(), Some("chaos[1]"), "no instance 3"));
    assert!(has(
        &ps,
        d.clone(),
        Some("chaos[2]"),
        "no node is in zone 'nowhere'"
    ));
    assert!(has(&ps, d.clone(), Some("chaos[3]"), "no edge 'c→s'"));
    assert!(has(&ps, d.clone(), Some("slo.availability"), ""));
    assert!(has(&ps, d, Some("slo.p99_ms"), "greater than 0"));
}

#[test]
fn structural_problems() {
    let ps = problems(
        r#"{"version":1,"nodes":[
            {"id":"c","kind":"client"},{"id":"lonely","kind":"client"},
            {"id":"lb","kind":"load_balancer"},
            {"id":"a","kind":"server"},{"id":"b","kind":"server"},{"id":"island","kind":"server"}],
          "edges":[{"from":"c","to":"a"},{"from":"a","to":"b"},{"from":"b","to":"a"},
                   {"from":"c","to":"a"}]}"#,
    );
    assert!(has(&ps, node("lonely"), None, "not connected"));
    assert!(has(&ps, node("lb"), None, "no backends"));
    assert!(ps
        .iter()
        .any(|p| p.message.contains("cycle") && p.message.contains("a → b → a")));
    assert!(has(
        &ps,
        Location::Edge("c→a".into()),
        Some("to"),
        "already connected"
    ));
    // A node nothing reaches is only a warning.
    let w = ps
        .iter()
        .find(|p| p.location == node("island"))
        .expect("island is reported");
    assert_eq!(w.severity, Severity::Warning);
}

#[test]
fn empty_and_clientless_diagrams_explain_what_to_do() {
    let ps = problems(r#"{"version":1}"#);
    assert!(ps.iter().any(|p| p.message.contains("empty")));
    let ps = problems(r#"{"version":1,"nodes":[{"id":"s","kind":"server"}]}"#);
    assert!(ps.iter().any(|p| p.message.contains("no client")));
}

#[test]
fn bad_documents_get_one_clear_message() {
    for (input, needle) in [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("[1,2]", "expected a JSON object"),
        (r#"{"nodes":[]}"#, "version"),
        (r#"{"version":99}"#, "newer Scaleboard"),
        (r#"{"version":"one"}"#, "version"),
        (r#"{"version":1,"nodes":{}}"#, "must be a list"),
        (r#"{"version":1,"colour":"red"}"#, "unknown field"),
        (r#"{"version":1,"seed":-3}"#, "seed"),
    ] {
        let ps = problems(input);
        assert!(
            ps.iter().any(|p| p.to_string().contains(needle)),
            "{input:?}: {ps:?}"
        );
    }
}

#[test]
fn data_tier_kinds_parse_with_defaults() {
    let d = Diagram::from_json(
        r#"{"version":1,"nodes":[{"id":"c","kind":"client"},{"id":"r","kind":"shard_router"},
            {"id":"cache","kind":"cache"},{"id":"db","kind":"database"}],
            "edges":[{"from":"c","to":"r"},{"from":"r","to":"cache"},{"from":"cache","to":"db"}]}"#,
    )
    .unwrap();
    assert_eq!(
        d.node("db").unwrap().spec,
        NodeSpec::Database(Default::default())
    );
    assert_eq!(
        d.node("cache").unwrap().spec,
        NodeSpec::Cache(Default::default())
    );
    assert_eq!(
        d.node("r").unwrap().spec,
        NodeSpec::ShardRouter(Default::default())
    );
}

#[test]
fn problems_read_well() {
    let p = Problem::error(
        node("api"),
        Some("params.workers"),
        "at_least",
        vec!["1".into(), "0".into()],
    );
    assert_eq!(
        p.to_string(),
        "node 'api', params.workers: must be at least 1 (got 0)"
    );
    let w = Problem::warning(Location::Edge("a→b".into()), None, "unreachable", vec![]);
    assert_eq!(
        w.to_string(),
        "warning: edge 'a→b': no client reaches this node, so it will receive no traffic"
    );
}

/// Arbitrary bytes and mangled diagrams never panic the parser or the validator.
#[test]
fn garbage_never_panics() {
    let mut rng = crate::dist::Rng::seed(99);
    let base = include_str!("../../../../examples/basic.json")
        .as_bytes()
        .to_vec();
    for _ in 0..3_000 {
        let mut bytes = base.clone();
        for _ in 0..1 + rng.below(8) {
            let i = rng.below(bytes.len() as u64) as usize;
            match rng.below(3) {
                0 => bytes[i] = rng.below(256) as u8,
                1 => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, b"{}[]\",:-0e9"[rng.below(11) as usize]),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(d) = Diagram::from_json(&text) {
            // Whatever parsed is valid enough to simulate briefly.
            if let Ok(mut sim) = crate::Simulation::new(&d) {
                sim.advance_to(crate::time::NS_PER_S / 10, 20_000);
            }
        }
    }
}

/// The node and edge examples in docs/diagram-format.md are real: each one parses.
#[test]
fn documented_examples_parse() {
    let doc = include_str!("../../../../docs/diagram-format.md");
    let blocks: Vec<&str> = doc
        .split("```json")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    let mut checked = 0;
    for block in blocks {
        let v: serde_json::Value = match serde_json::from_str(block) {
            Ok(v) => v,
            Err(_) => continue, // an abridged block (with "…")
        };
        if v.get("kind").is_some() {
            serde_json::from_value::<Node>(v).unwrap_or_else(|e| panic!("{block}: {e}"));
            checked += 1;
        } else if v.get("from").is_some() {
            serde_json::from_value::<Edge>(v).unwrap_or_else(|e| panic!("{block}: {e}"));
            checked += 1;
        }
    }
    assert_eq!(checked, 11, "one example per kind, and one edge");
}

#[test]
fn zones_are_collected_from_nodes_instances_and_members() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/zones.json");
    let d = Diagram::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(
        d.zones().into_iter().collect::<Vec<_>>(),
        ["zone-a", "zone-b"]
    );
}

/// A valid diagram of exactly `groups * 10` nodes and `groups * 25` edges, as JSON: per group
/// two clients, a health-checked balancer, three server groups (three instances over three
/// zones) and four databases (a replica, failover); clients also call the previous group's
/// balancer and servers two databases of the next group, so paths cross groups. Every label is
/// `label_len` characters long (at the node cap, 100: the file stays under its 8 MiB cap).
fn big_diagram_json(groups: usize, label_len: usize) -> String {
    let label = "x".repeat(label_len);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut edge = |from: String, to: String| {
        edges.push(format!(r#"{{"from":"{from}","to":"{to}"}}"#));
    };
    for g in 0..groups {
        let prev = (g + groups - 1) % groups;
        let next = (g + 1) % groups;
        for c in 0..2 {
            nodes.push(format!(
                r#"{{"id":"c{g}_{c}","label":"{label}","kind":"client","params":{{"rate_rps":100}}}}"#
            ));
            edge(format!("c{g}_{c}"), format!("lb{g}"));
            edge(format!("c{g}_{c}"), format!("lb{prev}"));
        }
        nodes.push(format!(
            r#"{{"id":"lb{g}","label":"{label}","kind":"load_balancer","zone":"a","params":{{"health_check":{{"enabled":true}}}}}}"#
        ));
        for s in 0..3 {
            nodes.push(format!(
                r#"{{"id":"s{g}_{s}","label":"{label}","kind":"server","params":{{"instances":3,"zones":["a","b","c"]}}}}"#
            ));
            edge(format!("lb{g}"), format!("s{g}_{s}"));
            for d in 0..4 {
                edge(format!("s{g}_{s}"), format!("db{g}_{d}"));
            }
            for d in 0..2 {
                edge(format!("s{g}_{s}"), format!("db{next}_{}", (s + d) % 4));
            }
        }
        for d in 0..4 {
            nodes.push(format!(
                r#"{{"id":"db{g}_{d}","label":"{label}","kind":"database","params":{{"replicas":1,"failover":true,"zones":["a","b"]}}}}"#
            ));
        }
    }
    format!(
        r#"{{"version":1,"name":"big","nodes":[{}],"edges":[{}]}}"#,
        nodes.join(","),
        edges.join(",")
    )
}

/// Times parsing, validation and SPOF analysis of a diagram at the node cap. Run by hand:
/// `cargo test --release -p scaleboard-sim big_diagram_timings -- --ignored --nocapture`.
#[test]
#[ignore]
fn big_diagram_timings() {
    use std::time::Instant;
    let text = big_diagram_json(1000, 100);
    let t = Instant::now();
    let d = Diagram::from_json(&text).unwrap_or_else(|p| panic!("{:?}", &p[..p.len().min(5)]));
    let parse = t.elapsed();
    let t = Instant::now();
    let ps = d.problems();
    let validate = t.elapsed();
    let t = Instant::now();
    let report = crate::analysis::spof::analyze(&d);
    let spof = t.elapsed();
    println!(
        "{} nodes, {} edges, {} bytes: from_json {parse:?}, problems() {validate:?} ({} problems), spof::analyze {spof:?} ({} spofs, {} risks)",
        d.nodes.len(),
        d.edges.len(),
        text.len(),
        ps.len(),
        report.spofs.len(),
        report.risks.len()
    );
    let huge = counted_json(100_000, 0);
    let t = Instant::now();
    let refused = Diagram::from_json(&huge).is_err();
    println!(
        "100000 nodes, {} bytes: refused {refused} in {:?}",
        huge.len(),
        t.elapsed()
    );
}

/// `n` minimal nodes and `m` edges (between the first two nodes), as JSON.
fn counted_json(n: usize, m: usize) -> String {
    let nodes: Vec<String> = (1..=n)
        .map(|i| format!(r#"{{"id":"n{i}","kind":"client"}}"#))
        .collect();
    let edges = vec![r#"{"from":"n1","to":"n2"}"#; m];
    format!(
        r#"{{"version":1,"nodes":[{}],"edges":[{}]}}"#,
        nodes.join(","),
        edges.join(",")
    )
}

#[test]
fn a_diagram_at_the_caps_is_read() {
    let d = Diagram::from_json(&big_diagram_json(1000, 100))
        .unwrap_or_else(|p| panic!("{:?}", &p[..p.len().min(5)]));
    assert_eq!(d.nodes.len(), MAX_NODES);
    assert_eq!(d.edges.len(), 25_000);
    assert!(d.problems().is_empty());
    // Exactly at the caps nothing is refused for its size (other problems are reported).
    let ps = problems(&counted_json(MAX_NODES, MAX_EDGES));
    assert!(
        !ps.iter().any(|p| p.message.contains("opens at most")),
        "{:?}",
        &ps[..3]
    );
}

#[test]
fn more_components_than_the_cap_are_refused_naming_the_figures() {
    let ps = problems(&counted_json(MAX_NODES + 1, 1));
    assert_eq!(ps.len(), 1, "{:?}", &ps[..ps.len().min(3)]);
    assert!(has(
        &ps,
        Location::Diagram,
        Some("nodes"),
        "the diagram has 10001 components; Scaleboard opens at most 10000"
    ));
}

#[test]
fn more_connections_than_the_cap_are_refused_naming_the_figures() {
    let ps = problems(&counted_json(2, MAX_EDGES + 1));
    assert_eq!(ps.len(), 1, "{:?}", &ps[..ps.len().min(3)]);
    assert!(has(
        &ps,
        Location::Diagram,
        Some("edges"),
        "the diagram has 30001 connections; Scaleboard opens at most 30000"
    ));
    // Both at once, and whatever else the file holds (`nodes` not even a list).
    let both = counted_json(MAX_NODES + 1, MAX_EDGES + 1);
    let ps = problems(&both.replacen(r#""version":1"#, r#""version":1,"x":[[{}]]"#, 1));
    assert_eq!(ps.len(), 2, "{:?}", &ps[..ps.len().min(3)]);
    let odd = format!(
        r#"{{"nodes":{{"a":[1,2]}},"edges":[{}]}}"#,
        vec!["{}"; 31_000].join(",")
    );
    let ps = problems(&odd);
    assert_eq!(ps.len(), 1, "{:?}", &ps[..ps.len().min(3)]);
    assert_eq!(
        ps[0].to_string(),
        "diagram, edges: the diagram has 31000 connections; Scaleboard opens at most 30000"
    );
}

/// A 100,000-node file (the one that froze a tab) is refused from the count alone: had it been
/// built and validated, every client would also be reported as connected to nothing.
#[test]
fn a_hundred_thousand_components_are_refused_before_being_built() {
    let text = counted_json(100_000, 0);
    assert!(text.len() < parse::MAX_JSON_BYTES);
    let ps = problems(&text);
    assert_eq!(ps.len(), 1, "{:?}", &ps[..ps.len().min(3)]);
    assert_eq!(
        ps[0].to_string(),
        "diagram, nodes: the diagram has 100000 components; Scaleboard opens at most 10000"
    );
}

#[test]
fn malformed_json_is_still_explained_by_the_full_parse() {
    let big = counted_json(100_000, 0);
    for input in [
        &big[..big.len() - 2],
        &big[1..],
        r#"{"version":1,"nodes":[{"id":"c","kind":"client"},]}"#,
        r#"{"version":1,"nodes":[]} trailing"#,
        r#"{"version":1,"nodes":["\u12"]}"#,
    ] {
        let ps = problems(input);
        assert_eq!(ps.len(), 1);
        assert!(
            ps[0].message.starts_with("this is not valid JSON ("),
            "{}",
            ps[0]
        );
    }
}

/// Every problem carries a known code, and its English message is the code's template filled
/// with its params, so the app can say the same thing in another language.
#[test]
fn problems_carry_codes_and_the_values_they_name() {
    let mut codes: Vec<&str> = PROBLEM_CODES.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), PROBLEM_CODES.len(), "codes are unique");
    let fills = |p: &Problem| {
        let mut out = String::new();
        let mut params = p.params.iter();
        let mut rest = problem_template(p.code).unwrap();
        while let Some(i) = rest.find("{}") {
            out.push_str(&rest[..i]);
            out.push_str(params.next().unwrap());
            rest = &rest[i + 2..];
        }
        out + rest
    };
    let inputs = [
        "",
        "[1]",
        r#"{"version":1,"colour":"red","nodes":{}}"#,
        r#"{"version":7}"#,
        r#"{"version":0}"#,
        r#"{"version":"x"}"#,
        r#"{"version":1,"seed":-1,"slo":{"availability":2}}"#,
        r#"{"version":1,"nodes":[{"id":"a","kind":"robot"},{"kind":"server"},
            {"id":"s","kind":"server","params":{"instances":"many"}},
            {"id":"t","kind":"server","params":{"colour":1}},
            {"id":"c","kind":"client","params":{"profile":{"wobble":{}}}}]}"#,
        r#"{"version":1,"workload":{"duration_s":1,"warmup_s":2},
            "nodes":[{"id":"c","kind":"client"},{"id":"l","kind":"load_balancer"},
                     {"id":"k","kind":"cache"},{"id":"r","kind":"shard_router"},
                     {"id":"s","kind":"server","params":{"instances":0,"autoscale":{"min":3,"max":2}}},
                     {"id":"d","kind":"database","params":{"primaries":2,"replication":"sync"}}],
            "edges":[{"from":"s","to":"d"},{"from":"d","to":"s"},{"from":"s","to":"c"},
                     {"from":"s","to":"nowhere"},{"from":"s","to":"s"}],
            "chaos":[{"at_s":-1,"action":{"kill":{"node":"ghost"}}}]}"#,
    ];
    let mut seen = std::collections::BTreeSet::new();
    for input in inputs {
        for p in Diagram::from_json(input).err().unwrap_or_default() {
            assert!(PROBLEM_CODES.contains(&p.code), "{}: {p}", p.code);
            assert_eq!(fills(&p), p.message, "{}", p.code);
            seen.insert(p.code);
        }
    }
    for code in [
        "invalid_json",
        "not_an_object",
        "unknown_top_field",
        "not_a_list",
        "version_too_new",
        "version_too_old",
        "version_missing",
        "unknown_kind",
        "missing_field",
        "wrong_type",
        "unknown_field",
        "unknown_variant",
        "warmup_too_long",
        "sync_multi_primary",
        "cycle",
        "calls_client",
        "dangling_edge",
        "self_call",
        "no_such_node",
        "above_maximum",
        "below_minimum",
        "at_least_capacity",
        "balancer_without_backends",
        "cache_without_backing",
        "router_without_shards",
    ] {
        assert!(seen.contains(code), "no input produced {code}: {seen:?}");
    }
    // The names a translation needs come after serde's English text.
    let ps = problems(r#"{"version":1,"nodes":[{"id":"a","kind":"robot"}]}"#);
    let p = ps.iter().find(|p| p.code == "unknown_kind").unwrap();
    assert_eq!(p.params[1], "robot");
    assert!(p.message.contains("unknown kind 'robot'"), "{}", p.message);
    let ps = problems(r#"{"version":1,"nodes":[{"kind":"server"}]}"#);
    let p = ps.iter().find(|p| p.code == "missing_field").unwrap();
    assert_eq!(p.params[1], "id");
}

const TWO_REGIONS: &str = r#"{
  "version": 1,
  "regions": [
    { "id": "us-east", "label": "Virginia", "x": 0, "y": 0, "w": 400, "h": 300 },
    { "id": "eu-west", "x": 500, "y": 0, "w": 400, "h": 300 }
  ],
  "region_latency": [ { "a": "eu-west", "b": "us-east", "rtt_ms": 80 } ],
  "nodes": [
    { "id": "users", "kind": "client", "region": "us-east" },
    { "id": "api", "kind": "server", "region": "eu-west", "zone": "eu-west-a" }
  ],
  "edges": [ { "from": "users", "to": "api" } ]
}"#;

#[test]
fn regions_read_write_and_stay_out_of_files_that_have_none() {
    let d = Diagram::from_json(TWO_REGIONS).unwrap();
    assert_eq!(d.regions.len(), 2);
    assert_eq!(d.regions[0].label, "Virginia");
    assert_eq!(d.node("users").unwrap().region, "us-east");
    // The explicit entry wins over the table (70 ms), in either order; no region costs nothing.
    assert_eq!(d.rtt_ms("us-east", "eu-west"), 80.0);
    assert_eq!(d.rtt_ms("eu-west", "us-east"), 80.0);
    assert_eq!(d.rtt_ms("us-east", ""), 0.0);
    assert_eq!(d.rtt_ms("us-east", "us-east"), 0.0);
    // An entry names one pair: a pair sharing only one of its regions takes the table's figure.
    let mut three = d.clone();
    three.region_latency.push(RegionLatency {
        a: "us-east".into(),
        b: "ap-northeast".into(),
        rtt_ms: 170.0,
    });
    assert_eq!(three.rtt_ms("ap-northeast", "us-east"), 170.0);
    assert_eq!(three.rtt_ms("us-east", "ap-northeast"), 170.0);
    assert_eq!(three.rtt_ms("us-east", "eu-west"), 80.0);
    assert_eq!(
        three.rtt_ms("eu-west", "ap-northeast"),
        default_rtt_ms("eu-west", "ap-northeast")
    );
    assert_eq!(
        three.rtt_ms("us-east", "sa-east"),
        default_rtt_ms("us-east", "sa-east")
    );
    let json = d.to_json_pretty();
    assert!(json.contains("\"region\": \"eu-west\""), "{json}");
    // An empty label is left out like an empty zone.
    assert_eq!(json.matches("\"label\"").count(), 3, "{json}");
    assert_eq!(Diagram::from_json(&json).unwrap(), d);

    // A diagram without regions writes none of the new fields.
    let plain = Diagram::from_json(
        r#"{"version":1,"nodes":[{"id":"c","kind":"client"},{"id":"s","kind":"server"}],
            "edges":[{"from":"c","to":"s"}]}"#,
    )
    .unwrap();
    let json = plain.to_json_pretty();
    for field in ["region", "regions", "region_latency"] {
        assert!(!json.contains(&format!("\"{field}\"")), "{field}: {json}");
    }
}

#[test]
fn region_problems_name_the_region_and_the_field() {
    let bad = TWO_REGIONS
        .replace(
            r#""region": "eu-west", "zone""#,
            r#""region": "mars", "zone""#,
        )
        .replace(
            r#"{ "a": "eu-west", "b": "us-east", "rtt_ms": 80 }"#,
            r#"{ "a": "eu-west", "b": "us-east", "rtt_ms": 80 },
               { "a": "us-east", "b": "eu-west", "rtt_ms": -1 },
               { "a": "us-east", "b": "us-east", "rtt_ms": 1 },
               { "a": "us-east", "b": "moon", "rtt_ms": 1e7 }"#,
        )
        .replace(r#"{ "id": "eu-west", "x""#, r#"{ "id": "us-east", "x""#);
    let ps = problems(&bad);
    let codes: Vec<(&str, Option<&str>)> =
        ps.iter().map(|p| (p.code, p.field.as_deref())).collect();
    for want in [
        ("duplicate_region_id", Some("regions[1].id")),
        ("no_such_region", Some("region")),
        ("no_such_region", Some("region_latency[0].a")),
        ("duplicate_region_pair", Some("region_latency[1]")),
        ("negative", Some("region_latency[1].rtt_ms")),
        ("rtt_same_region", Some("region_latency[2].b")),
        ("no_such_region", Some("region_latency[3].b")),
        ("rtt_too_large", Some("region_latency[3].rtt_ms")),
    ] {
        assert!(codes.contains(&want), "{want:?} missing from {codes:?}");
    }
    assert!(has(
        &ps,
        node("api"),
        Some("region"),
        "there is no region 'mars'"
    ));
    // A misspelt field of a region is refused like any other.
    let ps = problems(&TWO_REGIONS.replace(r#""label": "Virginia""#, r#""lable": "V""#));
    assert!(ps
        .iter()
        .any(|p| p.code == "unknown_field" && p.field.as_deref() == Some("regions[0]")));
}

#[test]
fn global_components_are_checked_too() {
    let ps = problems(
        r#"{
      "version": 1,
      "regions": [ { "id": "us-east" } ],
      "nodes": [
        { "id": "users", "kind": "client",
          "params": { "regions": [ { "region": "us-east", "share": 0 },
                                   { "region": "atlantis" } ] } },
        { "id": "gtm", "kind": "traffic_manager", "region": "us-east",
          "params": { "probe_interval_ms": 0, "unhealthy_threshold": 0, "dns_ttl_s": -1 } },
        { "id": "idle-gtm", "kind": "traffic_manager" },
        { "id": "cdn", "kind": "cdn", "params": { "capacity_keys": 0 } },
        { "id": "lonely-cdn", "kind": "cdn" },
        { "id": "a", "kind": "server" },
        { "id": "b", "kind": "server" },
        { "id": "db", "kind": "database", "params": { "regions": ["us-east", "moon"] } }
      ],
      "edges": [
        { "from": "users", "to": "gtm" }, { "from": "gtm", "to": "cdn" },
        { "from": "cdn", "to": "a" }, { "from": "cdn", "to": "b" }, { "from": "a", "to": "db" }
      ]
    }"#,
    );
    let codes: Vec<(&str, &Location, Option<&str>)> = ps
        .iter()
        .map(|p| (p.code, &p.location, p.field.as_deref()))
        .collect();
    for (code, at, field) in [
        (
            "not_positive",
            node("users"),
            Some("params.regions[0].share"),
        ),
        (
            "no_such_region",
            node("users"),
            Some("params.regions[1].region"),
        ),
        ("global_in_region", node("gtm"), Some("region")),
        (
            "not_positive",
            node("gtm"),
            Some("params.probe_interval_ms"),
        ),
        (
            "at_least_unhealthy",
            node("gtm"),
            Some("params.unhealthy_threshold"),
        ),
        ("negative", node("gtm"), Some("params.dns_ttl_s")),
        ("traffic_manager_without_targets", node("idle-gtm"), None),
        (
            "at_least_cache_keys",
            node("cdn"),
            Some("params.capacity_keys"),
        ),
        ("cdn_one_origin", node("cdn"), None),
        ("cdn_without_origin", node("lonely-cdn"), None),
        ("no_such_region", node("db"), Some("params.regions[1]")),
    ] {
        assert!(
            codes.contains(&(code, &at, field)),
            "{code} at {at:?} {field:?} missing from {codes:?}"
        );
    }
}

#[test]
fn queues_and_transactions_are_checked_too() {
    let ps = problems(
        r#"{
      "version": 1,
      "nodes": [
        { "id": "users", "kind": "client" },
        { "id": "api", "kind": "server",
          "params": { "transaction": { "protocol": "2pc", "failure_probability": 2,
                      "timeout_ms": 0, "local_ms": -1,
                      "participants": ["db", "cache", "nowhere", "other_db"] } } },
        { "id": "lonely", "kind": "server",
          "params": { "transaction": { "protocol": "saga" } } },
        { "id": "q", "kind": "queue",
          "params": { "consumers": 0, "visibility_timeout_ms": -5, "max_attempts": 1000,
                      "retention_s": 1e12, "capacity": 0, "enqueue_ms": -1 } },
        { "id": "idle-q", "kind": "queue" },
        { "id": "cache", "kind": "cache" },
        { "id": "db", "kind": "database" },
        { "id": "other_db", "kind": "database" }
      ],
      "edges": [
        { "from": "users", "to": "api" }, { "from": "users", "to": "lonely" },
        { "from": "api", "to": "db" }, { "from": "api", "to": "cache" },
        { "from": "cache", "to": "db" }, { "from": "api", "to": "q" },
        { "from": "q", "to": "api" }, { "from": "api", "to": "idle-q" }
      ]
    }"#,
    );
    let codes: Vec<(&str, &Location, Option<&str>)> = ps
        .iter()
        .map(|p| (p.code, &p.location, p.field.as_deref()))
        .collect();
    for (code, at, field) in [
        (
            "not_fraction",
            node("api"),
            Some("params.transaction.failure_probability"),
        ),
        (
            "not_positive",
            node("api"),
            Some("params.transaction.timeout_ms"),
        ),
        ("negative", node("api"), Some("params.transaction.local_ms")),
        (
            "participant_not_database",
            node("api"),
            Some("params.transaction.participants[1]"),
        ),
        (
            "no_such_node",
            node("api"),
            Some("params.transaction.participants[2]"),
        ),
        // A database, but not one this server calls.
        (
            "participant_not_database",
            node("api"),
            Some("params.transaction.participants[3]"),
        ),
        (
            "transaction_without_participants",
            node("lonely"),
            Some("params.transaction.protocol"),
        ),
        ("at_least_capacity", node("q"), Some("params.consumers")),
        (
            "not_positive",
            node("q"),
            Some("params.visibility_timeout_ms"),
        ),
        ("at_most", node("q"), Some("params.max_attempts")),
        ("at_most", node("q"), Some("params.retention_s")),
        ("at_least_capacity", node("q"), Some("params.capacity")),
        ("negative", node("q"), Some("params.enqueue_ms")),
        ("queue_without_consumers", node("idle-q"), None),
    ] {
        assert!(
            codes.contains(&(code, &at, field)),
            "{code} at {at:?} {field:?} missing from {codes:?}"
        );
    }
    // Each field is reported once.
    let mut seen = codes.clone();
    seen.dedup();
    assert_eq!(seen.len(), codes.len(), "{codes:?}");
    // The queue feeding back into its producer is a cycle like any other.
    assert!(codes.iter().any(|c| c.0 == "cycle"), "{codes:?}");
    // A protocol of `none` asks nothing of the participants.
    let ok = Diagram::from_json(
        r#"{ "version": 1, "nodes": [ { "id": "c", "kind": "client" },
        { "id": "s", "kind": "server", "params": { "transaction": { "protocol": "none",
          "participants": ["x"] } } } ], "edges": [ { "from": "c", "to": "s" } ] }"#,
    );
    assert!(ok.is_ok(), "{ok:?}");
}
