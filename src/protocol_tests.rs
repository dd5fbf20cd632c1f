use super::*;
use crate::worker::EngineService;
use scaleboard_sim::Diagram;

/// The browser benchmark's diagram (tests/e2e/bench-diagram.mjs): 5 clients × (1 load
/// balancer → 8 servers) = 50 nodes, `offered` requests per second in all, servers 39 % busy.
pub(crate) fn bench_diagram(offered: f64) -> Diagram {
    let rate = offered / 5.0;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for g in 0..5 {
        let y = 80 + g * 200;
        nodes.push(
            serde_json::json!({ "id": format!("clients-{g}"), "kind": "client", "x": 40, "y": y,
            "params": { "rate_rps": rate, "timeout_ms": 2000, "key_space": 100000 } }),
        );
        nodes.push(
            serde_json::json!({ "id": format!("lb-{g}"), "kind": "load_balancer", "x": 340, "y": y,
            "params": { "algorithm": "least_outstanding", "capacity_rps": 10.0 * rate } }),
        );
        edges.push(
            serde_json::json!({ "from": format!("clients-{g}"), "to": format!("lb-{g}"),
            "latency_ms": 5, "jitter_ms": 2 }),
        );
        for s in 0..8 {
            let id = format!("api-{g}-{s}");
            nodes.push(
                serde_json::json!({ "id": id, "kind": "server", "x": 660 + (s % 4) * 240,
                "y": y - 50 + (s / 4) * 110,
                "params": { "instances": 1, "size": "medium", "workers": 32, "queue_capacity": 200,
                    "service": { "distribution": "lognormal", "mean_ms": 5.0 * 100_000.0 / offered,
                        "cv": 1.0 } } }),
            );
            edges.push(
                serde_json::json!({ "from": format!("lb-{g}"), "to": id, "latency_ms": 0.5 }),
            );
        }
    }
    let d = serde_json::json!({ "version": 1, "name": "Benchmark", "seed": 7, "nodes": nodes,
        "edges": edges });
    Diagram::from_json(&d.to_string()).expect("a valid benchmark diagram")
}

fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 0.001;
        t
    }
}

/// An engine with the 50-node benchmark at 1 M req/s offered loaded, and its clock.
fn bench_engine() -> (EngineService, impl FnMut() -> f64) {
    let mut e = EngineService::default();
    let mut c = clock();
    let diagram = serde_json::to_string(&bench_diagram(1_000_000.0)).unwrap();
    e.handle(
        ToEngine::Reset {
            diagram,
            seek_s: None,
        },
        &mut c,
    );
    (e, c)
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(m: &T) -> usize {
    let bytes = encode(m);
    assert!(!bytes.is_empty());
    assert_eq!(decode::<T>(&bytes).as_ref(), Some(m), "{m:?}");
    bytes.len()
}

fn example(text: &str) -> String {
    serde_json::to_string(&Diagram::from_json(text).unwrap()).unwrap()
}

/// A frame with figures from a run that has a bit of everything: failures, the event log,
/// regions' figures, autoscaling, a transaction coordinator.
fn busy_frames() -> Vec<FromEngine> {
    let mut out = Vec::new();
    for text in [
        include_str!("../examples/health-checks.json"),
        include_str!("../examples/autoscaling.json"),
        include_str!("../examples/two-phase-commit.json"),
        include_str!("../examples/global-two-regions.json"),
    ] {
        let mut e = EngineService::default();
        let mut c = clock();
        e.handle(
            ToEngine::Reset {
                diagram: example(text),
                seek_s: None,
            },
            &mut c,
        );
        out.push(e.handle(ToEngine::Step { secs: 20.0 }, &mut c));
        out.push(e.handle(
            ToEngine::Advance {
                wall_ms: 16.7,
                speed: 1.0,
                budget_ms: 8.0,
                trace_every: 1,
                want_status: true,
            },
            &mut c,
        ));
    }
    out
}

/// Every example's figures cross intact, ten simulated seconds in (its failures, queues,
/// caches, regions, jobs and transactions included).
#[test]
fn every_examples_figures_round_trip() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut e = EngineService::default();
        let mut c = clock();
        e.handle(
            ToEngine::Reset {
                diagram: example(&text),
                seek_s: Some(10.0),
            },
            &mut c,
        );
        let reply = e.handle(ToEngine::Step { secs: 0.5 }, &mut c);
        let FromEngine::Frame(f) = &reply else {
            panic!("a frame")
        };
        let status = f.status.as_ref().expect("figures");
        assert!(!status.nodes.0.is_empty(), "{path:?}");
        assert_eq!(
            decode::<FromEngine>(&encode(&reply)).as_ref(),
            Some(&reply),
            "{path:?}"
        );
    }
}

#[test]
fn every_message_to_the_engine_round_trips() {
    let messages = [
        ToEngine::Reset {
            diagram: example(include_str!("../examples/basic.json")),
            seek_s: Some(12.5),
        },
        ToEngine::Sync {
            diagram: "{\"version\":1}".into(),
        },
        ToEngine::Injections(vec![
            ChaosAction::Kill {
                node: "api".into(),
                instance: Some(1),
            },
            ChaosAction::Revive {
                node: "api".into(),
                instance: None,
            },
        ]),
        ToEngine::Advance {
            wall_ms: 16.67,
            speed: 10.0,
            budget_ms: 15.0,
            trace_every: 37,
            want_status: true,
        },
        ToEngine::Step { secs: 1.0 },
        ToEngine::Ask {
            id: 7,
            question: Question::Csv,
        },
        ToEngine::Ask {
            id: 8,
            question: Question::ReportHtml { lang: Lang::Ko },
        },
        ToEngine::Ask {
            id: 9,
            question: Question::ReportJson,
        },
        ToEngine::Ask {
            id: u32::MAX,
            question: Question::RunReport {
                diagram: "{}".into(),
                duration_s: 60.0,
                warmup_s: 5.0,
            },
        },
    ];
    for m in &messages {
        round_trip(m);
    }
}

#[test]
fn every_message_from_the_engine_round_trips() {
    let frames = busy_frames();
    let statuses = frames
        .iter()
        .filter(|f| matches!(f, FromEngine::Frame(fr) if fr.status.is_some()))
        .count();
    assert_eq!(statuses, frames.len(), "each frame carried figures");
    let logged = frames
        .iter()
        .any(|f| matches!(f, FromEngine::Frame(fr) if !fr.log.is_empty()));
    assert!(logged, "the event log crossed too");
    let traced = frames
        .iter()
        .any(|f| matches!(f, FromEngine::Frame(fr) if !fr.traces.is_empty()));
    assert!(traced, "dots crossed too");
    for f in &frames {
        round_trip(f);
    }
    round_trip(&FromEngine::Ready);
    round_trip(&FromEngine::Answer {
        id: 3,
        answer: Answer::Text("t_s,component\n".into()),
    });
    round_trip(&FromEngine::Answer {
        id: 4,
        answer: Answer::NoRun,
    });
}

/// What crosses at frame rate while the 50-node benchmark runs at 1 M requests per second
/// offered: an advance's frame (counters and dots) is a few hundred bytes, and the figures
/// sent four times a second stay within a few tens of KB however long the run has been going
/// (only the new chart samples cross, never the history or a report).
#[test]
fn frames_of_a_running_50_node_sim_are_small() {
    let (mut e, mut c) = bench_engine();
    e.handle(ToEngine::Step { secs: 3.0 }, &mut c);
    let mut advance = |e: &mut EngineService, want_status: bool| {
        let reply = e.handle(
            ToEngine::Advance {
                wall_ms: 16.7,
                speed: 1.0,
                budget_ms: 1e9,
                trace_every: 1_000,
                want_status,
            },
            &mut c,
        );
        let FromEngine::Frame(f) = reply else {
            panic!("a frame")
        };
        assert!(f.events > 10_000, "the engine ran: {} events", f.events);
        (encode(&FromEngine::Frame(f.clone())).len(), f)
    };
    // The first frame after a step carries the traces buffered meanwhile; then a frame's dots
    // are those of 1/60 s at the sampling the page asks for.
    for _ in 0..60 {
        advance(&mut e, false);
    }
    let (plain, _) = advance(&mut e, false);
    // Figures a simulated second later: one new chart sample per series.
    for _ in 0..60 {
        advance(&mut e, false);
    }
    let (with_status, f) = advance(&mut e, true);
    let status = f.status.expect("figures");
    let nodes = encode(&status.nodes).len();
    // What the node figures cost as JSON text (how they travelled before they were packed).
    let as_json = serde_json::to_string(&status.nodes.0).unwrap().len();
    let series = encode(&status.series).len();
    println!(
        "50 nodes at 1 M req/s: frame {plain} bytes, frame with figures {with_status} bytes \
         (node figures {nodes} packed, {as_json} as JSON; new chart samples {series})"
    );
    assert!(plain < 2_000, "{plain} bytes");
    assert!(
        nodes * 3 < as_json,
        "packed figures {nodes} bytes, JSON {as_json}"
    );
    assert!(with_status < 25_000, "{with_status} bytes");
}

/// A benchmark, not a test (`cargo test --release -p scaleboard-app --lib -- figures_codec_cost
/// --ignored --nocapture`): microseconds to write and read the 50-node benchmark's node figures
/// as JSON text (how they travelled before) and packed, 2 000 times each.
#[test]
#[ignore]
fn figures_codec_cost() {
    use scaleboard_sim::engine::NodeStatus;
    let (mut e, mut c) = bench_engine();
    let FromEngine::Frame(f) = e.handle(ToEngine::Step { secs: 4.0 }, &mut c) else {
        panic!("a frame")
    };
    let nodes = f.status.expect("figures").nodes;
    let json = serde_json::to_string(&nodes.0).unwrap();
    let packed = encode(&nodes);
    let n = 2_000;
    let time = |what: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..n {
            what();
        }
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    };
    let write_json = time(&mut || assert!(!serde_json::to_string(&nodes.0).unwrap().is_empty()));
    let write_packed = time(&mut || assert!(!encode(&nodes).is_empty()));
    let read_json = time(&mut || {
        assert_eq!(
            serde_json::from_str::<Vec<NodeStatus>>(&json)
                .unwrap()
                .len(),
            50
        )
    });
    let read_packed = time(&mut || {
        assert_eq!(
            decode::<Packed<Vec<NodeStatus>>>(&packed).unwrap().0.len(),
            50
        )
    });
    println!(
        "node figures, µs: write JSON {write_json:.1}, packed {write_packed:.1}; \
         read JSON {read_json:.1}, packed {read_packed:.1}"
    );
}
