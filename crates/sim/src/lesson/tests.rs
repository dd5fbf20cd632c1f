//! Reading lessons: the repository's lessons load, every problem of a bad one is listed with its
//! path, steps chain their diagrams as documented, and no input makes the reader panic.

use super::*;
use crate::diagram::{ChaosAction, InstanceSize, NodeSpec};
use serde_json::{json, Value};

const ONE: &str = include_str!("../../../../lessons/01-one-server.json");
const TWO: &str = include_str!("../../../../lessons/02-load-balancer.json");

fn text(s: &str) -> Value {
    json!({ "en": s, "ko": format!("{s} (ko)") })
}

/// A small valid lesson to break in tests.
fn lesson() -> Value {
    json!({
        "format": 1, "id": "tiny", "chapter": 3,
        "title": text("Tiny"), "summary": text("A tiny lesson."),
        "steps": [
            {
                "title": text("One"), "text": text("Fix it."),
                "diagram": {
                    "version": 1, "seed": 9, "workload": { "duration_s": 30, "warmup_s": 5 },
                    "nodes": [
                        { "id": "users", "kind": "client", "params": { "rate_rps": 100 } },
                        { "id": "api", "kind": "server", "params": { "workers": 1 } }
                    ],
                    "edges": [ { "from": "users", "to": "api" } ]
                },
                "goals": [ { "metric": "end_to_end.error_rate", "op": "<", "value": 0.01 } ],
                "solution": { "changes": { "set": [
                    { "node": "api", "field": "params.workers", "value": 8 } ] } }
            },
            {
                "title": text("Two"), "text": text("Again."),
                "changes": { "set": [ { "node": "users", "field": "params.rate_rps", "value": 200 } ] },
                "chaos": [ { "at_s": 10, "action": { "kill": { "node": "api" } } } ],
                "run": { "duration_s": 20 },
                "goals": [ { "check": "no_spof" } ],
                "solution": { "diagram": {
                    "version": 1,
                    "nodes": [
                        { "id": "users", "kind": "client" },
                        { "id": "api", "kind": "server", "params": { "instances": 2 } },
                        { "id": "cache", "kind": "cache" }
                    ],
                    "edges": [ { "from": "users", "to": "api" }, { "from": "cache", "to": "api" } ]
                } }
            }
        ]
    })
}

fn problems(v: &Value) -> Vec<String> {
    match Lesson::from_json(&v.to_string()) {
        Ok(_) => Vec::new(),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

fn has(problems: &[String], needle: &str) -> bool {
    problems.iter().any(|p| p.starts_with(needle))
}

#[test]
fn the_repository_lessons_load() {
    for src in [ONE, TWO] {
        let l = Lesson::from_json(src).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(!l.steps.is_empty());
        assert!(l.steps.iter().any(|s| s.prediction.is_some()));
        for s in &l.steps {
            assert!(!s.goals.is_empty());
            assert!(!s.text.blocks("ko").is_empty());
            for g in &s.goals {
                assert!(!g.label("en").is_empty() && !g.label("ko").is_empty());
            }
        }
    }
    let l = Lesson::from_json(ONE).unwrap();
    assert_eq!((l.id.as_str(), l.chapter), ("one-server", 1));
    // Step 2 is step 1's starting diagram with its changes.
    let d = l.step_diagram(1);
    let Some(NodeSpec::Client(c)) = d.node("users").map(|n| &n.spec) else {
        panic!("users is a client")
    };
    assert_eq!(c.rate_rps, 3000.0);
    let Some(NodeSpec::Server(s)) = d.node("api").map(|n| &n.spec) else {
        panic!("api is a server")
    };
    assert_eq!(s.size, InstanceSize::Xxlarge);
    assert!(l.solution_diagram(1).node("lb").is_some());
    assert_eq!(l.steps[0].run().duration_s, 60.0);
    // Past the end: the last step.
    assert_eq!(l.step_diagram(99), l.step_diagram(2));
}

#[test]
fn a_valid_lesson_reads_with_its_scenario_applied() {
    let l = Lesson::from_json(&lesson().to_string()).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(l.goal_count(), 2);
    let (one, two) = (&l.steps[0], &l.steps[1]);
    assert_eq!(
        one.run(),
        Run {
            duration_s: 30.0,
            warmup_s: 5.0
        }
    );
    assert!(one.diagram().chaos.is_empty());
    // Step two: the rate change, the step's chaos and run length, in the start and solution.
    assert_eq!(
        two.run(),
        Run {
            duration_s: 20.0,
            warmup_s: 5.0
        }
    );
    for d in [two.diagram(), two.solution()] {
        assert_eq!(d.workload.duration_s, 20.0);
        assert_eq!(d.chaos.len(), 1);
        assert!(matches!(d.chaos[0].action, ChaosAction::Kill { .. }));
    }
    assert_eq!(two.run_config().warmup, crate::time::secs_to_ns(5.0));
    let Some(NodeSpec::Client(c)) = two.diagram().node("users").map(|n| &n.spec) else {
        panic!("users is a client")
    };
    assert_eq!(c.rate_rps, 200.0);
    // The solution of step one is step one's diagram with its changes.
    let Some(NodeSpec::Server(s)) = one.solution().node("api").map(|n| &n.spec) else {
        panic!("api is a server")
    };
    assert_eq!(s.workers, 8);
    // Default labels exist in both languages.
    assert_eq!(two.goals[0].label("ko"), "단일 장애 지점(SPOF) 없음");
    assert_eq!(one.goals[0].label("en"), "End-to-end error rate < 1%");
}

#[test]
fn every_problem_is_listed_with_its_path() {
    let mut v = lesson();
    v["id"] = json!("Tiny Lesson");
    v["chapter"] = json!(-1);
    v["title"] = json!({ "en": "Tiny" });
    v["summary"]["ko"] = json!("  ");
    v["colour"] = json!("red");
    let s0 = &mut v["steps"][0];
    s0["hints"] = json!([ { "en": "h", "ko": "h", "ja": "h" } ]);
    s0["goals"] = json!([
        { "metric": "nodes.ghost.utilization", "op": "<", "value": 1 },
        { "metric": "end_to_end.latency_ms", "op": "<", "value": 1 },
        { "metric": "end_to_end.error_rate", "op": "≈", "value": "low" },
        { "check": "no_spof", "node": "ghost" },
        { "check": "fast" }
    ]);
    s0["diagram"]["nodes"][1]["params"]["workers"] = json!(0);
    let s1 = &mut v["steps"][1];
    s1["changes"] = json!({ "set": [ { "node": "nobody", "field": "label", "value": "x" } ] });
    s1["run"] = json!({ "duration_s": -1 });
    s1["solution"] = json!({});
    let got = problems(&v);
    for needle in [
        "colour: unknown field",
        "id: 'Tiny Lesson' is not a slug",
        "chapter: must be a whole number",
        "title.ko: missing",
        "summary.ko: must not be empty",
        "steps[0].hints[0].ja: unknown field",
        "steps[0].goals[2].op: '≈' is not one of",
        "steps[0].goals[2].value: must be a number",
        "steps[0].goals[4].check: the only check is \"no_spof\"",
        "steps[0].diagram: node 'api', params.workers",
        "steps[1].run.duration_s: must be between 0 and 3600",
        "steps[1].solution: give either \"changes\" or \"diagram\"",
    ] {
        assert!(has(&got, needle), "missing '{needle}' in {got:#?}");
    }
    // Once the diagram is fixed, the goals are checked against the solution's report, and the
    // second step's changes against the first step's diagram.
    v["steps"][0]["diagram"]["nodes"][1]["params"]["workers"] = json!(1);
    v["steps"][1]["run"] = json!({ "duration_s": 20 });
    let got = problems(&v);
    for needle in [
        "steps[0].goals[0].metric: there is no node 'ghost' (nodes: api, users) in the solution's report",
        "steps[0].goals[1].metric: 'end_to_end.latency_ms' is a group of figures",
        "steps[0].goals[3].node: the solution has no node 'ghost'",
        "steps[1].changes.set[0]: there is no node 'nobody' to change",
    ] {
        assert!(has(&got, needle), "missing '{needle}' in {got:#?}");
    }
}

#[test]
fn a_step_needs_a_diagram_goals_and_a_solution() {
    let mut v = lesson();
    let s0 = v["steps"][0].as_object_mut().unwrap();
    s0.remove("diagram");
    s0.insert("changes".into(), json!({}));
    s0.insert("goals".into(), json!([]));
    s0.remove("solution");
    v["steps"][1]["diagram"] = json!({ "version": 1 });
    let got = problems(&v);
    for needle in [
        "steps[0].changes: the first step has no previous diagram",
        "steps[0].goals: a step needs at least one goal",
        "steps[0].solution: missing",
        "steps[1]: give either \"diagram\" or \"changes\", not both",
    ] {
        assert!(has(&got, needle), "missing '{needle}' in {got:#?}");
    }
    v["steps"] = json!([]);
    assert!(has(
        &problems(&v),
        "steps: a lesson needs at least one step"
    ));
    v["steps"] = json!((0..51).map(|_| json!({})).collect::<Vec<_>>());
    assert!(has(&problems(&v), "steps: has 51 items; at most 50"));
}

#[test]
fn a_broken_diagram_is_reported_once_not_in_every_later_step() {
    let mut v = lesson();
    v["steps"][0]["diagram"]["edges"][0]["to"] = json!("nowhere");
    let got = problems(&v);
    let dangling: Vec<&String> = got.iter().filter(|p| p.contains("dangling")).collect();
    assert_eq!(dangling.len(), 1, "{got:#?}");
    assert!(dangling[0].starts_with("steps[0].diagram: edge 'users→nowhere'"));
}

#[test]
fn the_format_is_checked_first_and_size_is_bounded() {
    let mut v = lesson();
    v["format"] = json!(2);
    v["steps"] = json!("not even a list");
    assert_eq!(
        problems(&v),
        vec!["format: lesson format 2 is not supported: this build reads format 1"]
    );
    v.as_object_mut().unwrap().remove("format");
    assert!(has(&problems(&v), "format: missing"));
    assert!(has(&problems(&json!([1, 2])), "lesson: must be an object"));
    let e = Lesson::from_json("{\"format\": 1,").unwrap_err();
    assert!(e[0].to_string().contains("not valid JSON"), "{e:?}");
    let huge = format!(
        "{{\"format\": 1, \"pad\": \"{}\"}}",
        "x".repeat(MAX_LESSON_BYTES)
    );
    let e = Lesson::from_json(&huge).unwrap_err();
    assert!(e[0].to_string().contains("larger than"), "{e:?}");
}

#[test]
fn a_goal_may_name_a_node_the_learner_has_to_add() {
    let mut v = lesson();
    v["steps"][1]["goals"] =
        json!([ { "metric": "nodes.cache.cache.hit_ratio", "op": ">", "value": 0.5 } ]);
    assert_eq!(problems(&v), Vec::<String>::new());
    v["steps"][1]["goals"] =
        json!([ { "metric": "nodes.api.cache.hit_ratio", "op": ">", "value": 0.5 } ]);
    let got = problems(&v);
    assert!(
        has(&got, "steps[1].goals[0].metric: 'nodes.api' has no 'cache'"),
        "{got:#?}"
    );
}

/// Every value of a valid lesson replaced in turn by values of every other JSON type: the
/// reader answers with problems, never a panic.
#[test]
fn no_lesson_makes_the_reader_panic() {
    fn paths(v: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let mut p = at.clone();
                    p.push(json!(k));
                    paths(x, p, out);
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(json!(i));
                    paths(x, p, out);
                }
            }
            _ => {}
        }
    }
    fn slot<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(v, |v, k| match k {
            Value::String(s) => &mut v[s.as_str()],
            _ => &mut v[k.as_u64().unwrap_or(0) as usize],
        })
    }
    let original = lesson();
    let mut all = Vec::new();
    paths(&original, Vec::new(), &mut all);
    let replacements = [
        json!(null),
        json!(-1.5),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
    ];
    for path in &all {
        for r in &replacements {
            let mut v = original.clone();
            *slot(&mut v, path) = r.clone();
            let _ = Lesson::from_json(&v.to_string());
        }
    }
}

#[test]
fn a_step_may_offer_the_side_by_side_comparison() {
    let mut v = lesson();
    v["steps"][0]["compare"] = json!({ "a": text("Yours"), "b": text("The solution") });
    let l = Lesson::from_json(&v.to_string()).unwrap();
    let offer = l.steps[0].compare.as_ref().unwrap();
    assert_eq!(offer.a.get("en"), "Yours");
    assert_eq!(offer.b.get("ko"), "The solution (ko)");
    assert!(l.steps[1].compare.is_none(), "optional");
    // A label missing, a language missing, an unknown key: each named with its path.
    v["steps"][0]["compare"] = json!({ "a": text("Yours"), "c": 1 });
    let p = problems(&v);
    assert!(
        p.contains(&"steps[0].compare.b: missing".to_owned()),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.starts_with("steps[0].compare.c: unknown field")),
        "{p:?}"
    );
    v["steps"][0]["compare"] = json!({ "a": { "en": "Yours" }, "b": text("S") });
    let p = problems(&v);
    assert!(
        p.iter().any(|p| p.starts_with("steps[0].compare.a.ko")),
        "{p:?}"
    );
    // The workshop's small-vs-big lesson offers it on every step.
    let twelve = include_str!("../../../../lessons/12-small-vs-big.json");
    let l = Lesson::from_json(twelve).unwrap();
    assert!(l.steps.iter().all(|s| s.compare.is_some()));
}
