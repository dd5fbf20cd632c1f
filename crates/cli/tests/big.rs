//! Big diagrams and floods (issue 15): a diagram at the 10,000-node cap runs, one above it is
//! refused naming the figures; a client at 10⁹ requests/s stays within the engine's caps and
//! its excess is reported as `overflow`; the run flags replace the file's values before the
//! diagram is checked.

mod common;

use common::{scaleboard, stderr, stdout};
use serde_json::Value;

/// One client → one balancer → `servers` servers, written to a temporary file.
fn fan_out(servers: usize, rate: f64, warmup: f64) -> String {
    let mut nodes = vec![
        format!(r#"{{"id":"users","kind":"client","params":{{"rate_rps":{rate}}}}}"#),
        r#"{"id":"lb","kind":"load_balancer","params":{"health_check":{"enabled":true}}}"#
            .to_owned(),
    ];
    let mut edges = vec![r#"{"from":"users","to":"lb"}"#.to_owned()];
    for i in 0..servers {
        nodes.push(format!(r#"{{"id":"s{i}","kind":"server"}}"#));
        edges.push(format!(r#"{{"from":"lb","to":"s{i}"}}"#));
    }
    let json = format!(
        r#"{{"version":1,"seed":3,"workload":{{"duration_s":10,"warmup_s":{warmup}}},"nodes":[{}],"edges":[{}]}}"#,
        nodes.join(","),
        edges.join(",")
    );
    let path = std::env::temp_dir().join(format!("scaleboard-big-{servers}-{rate}-{warmup}.json"));
    std::fs::write(&path, json).unwrap();
    path.to_string_lossy().into_owned()
}

fn report(o: &std::process::Output) -> Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("one JSON report")
}

#[test]
fn the_run_flags_replace_the_files_values_before_it_is_checked() {
    // The file's warm-up (5 s) is longer than the 1 s run asked for: with --warmup 0 it runs.
    let file = fan_out(2, 100.0, 5.0);
    let r = report(&scaleboard(&[
        "run",
        &file,
        "--duration",
        "1",
        "--warmup",
        "0",
        "--quiet",
    ]));
    assert_eq!(r["time_s"], 1.0);
    assert_eq!(r["warmup_s"], 0.0);
    assert_eq!(r["seed"], 3);
    // Without --warmup the file's 5 s stays, and the refusal names it.
    let o = scaleboard(&["run", &file, "--duration", "1", "--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("warmup_s: must be shorter than the run (duration_s = 1)"),
        "{}",
        stderr(&o)
    );
    // compare applies the same flags to both sides.
    let o = scaleboard(&[
        "compare",
        &file,
        &file,
        "--duration",
        "1",
        "--warmup",
        "0",
        "--seed",
        "9",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(c["a"]["seed"], 9);
    assert_eq!(c["b"]["time_s"], 1.0);
}

#[test]
fn a_diagram_at_the_node_cap_runs_and_one_above_it_is_refused() {
    // 1 client + 1 balancer + 9,998 servers = 10,000 nodes.
    let file = fan_out(9_998, 1000.0, 0.0);
    let r = report(&scaleboard(&[
        "run",
        &file,
        "--duration",
        "1",
        "--quiet",
        "--compact",
    ]));
    assert_eq!(r["nodes"].as_object().unwrap().len(), 10_000);
    let e = &r["end_to_end"];
    let n = |v: &Value| v.as_u64().unwrap();
    assert_eq!(
        n(&e["generated"]),
        n(&e["completed"]) + n(&e["failed"]) + n(&e["in_flight"])
    );
    let spofs: Vec<&str> = r["spof"]["spofs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["element"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        spofs,
        ["lb"],
        "behind a health-checked balancer no server matters"
    );
    let o = scaleboard(&["validate", &fan_out(9_999, 1000.0, 0.0)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the diagram has 10001 components; Scaleboard opens at most 10000"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_billion_requests_a_second_overflows_instead_of_growing() {
    let file = fan_out(2, 1e9, 0.0);
    let r = report(&scaleboard(&[
        "run",
        &file,
        "--duration",
        "0.005",
        "--quiet",
        "--compact",
    ]));
    let e = &r["end_to_end"];
    let n = |v: &Value| v.as_u64().unwrap();
    let overflow = n(&e["failures"]["overflow"]);
    assert!(overflow > 1_000_000, "{e}");
    assert_eq!(n(&e["failures_by_node"]["overflow@users"]), overflow);
    assert!(n(&e["in_flight"]) <= 100_000, "{e}");
    let by_cause: u64 = e["failures"].as_object().unwrap().values().map(n).sum();
    assert_eq!(by_cause, n(&e["failed"]));
    assert_eq!(
        n(&e["generated"]),
        n(&e["completed"]) + n(&e["failed"]) + n(&e["in_flight"])
    );
}
