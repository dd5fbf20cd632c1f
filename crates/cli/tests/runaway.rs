//! Runaway runs: a run estimated beyond the event budget is refused at once with the estimate;
//! a run that reaches the budget stops there and reports what it simulated, marked partial;
//! Ctrl+C does the same once progress shows.

mod common;

use common::{root, scaleboard, stderr, stdout};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// One client at `rate` req/s straight into one server, for `duration` s.
fn direct(rate: f64, duration: f64) -> String {
    let json = format!(
        r#"{{ "version": 1, "seed": 7, "workload": {{ "duration_s": {duration}, "warmup_s": 0 }},
            "nodes": [ {{ "id": "users", "kind": "client", "params": {{ "rate_rps": {rate} }} }},
                       {{ "id": "api", "kind": "server", "params": {{ "workers": 64, "queue_capacity": 1000 }} }} ],
            "edges": [ {{ "from": "users", "to": "api" }} ] }}"#
    );
    let path = std::env::temp_dir().join(format!("scaleboard-runaway-{rate}-{duration}.json"));
    std::fs::write(&path, json).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_billion_requests_a_second_is_refused_with_the_estimate() {
    let file = direct(1e9, 60.0);
    let started = std::time::Instant::now();
    let o = scaleboard(&["run", &file]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    // 10⁹ × 60 s = 60 billion requests, through 2 components and back: 240 billion events.
    assert!(e.contains("about 240.0 billion events"), "{e}");
    assert!(e.contains("60.0 billion requests"), "{e}");
    assert!(e.contains("--max-events"), "{e}");
    assert!(stdout(&o).is_empty());
    // Refused before any work: well under a second even in a debug build.
    assert!(started.elapsed().as_secs() < 10);
}

/// One request a second through a balancer probing its backend every millisecond: work the
/// estimate (requests × path) cannot see coming.
fn probing(duration: f64) -> String {
    let json = format!(
        r#"{{ "version": 1, "seed": 7, "workload": {{ "duration_s": {duration}, "warmup_s": 0 }},
            "nodes": [ {{ "id": "users", "kind": "client", "params": {{ "rate_rps": 1 }} }},
                       {{ "id": "lb", "kind": "load_balancer", "params": {{ "health_check": {{
                           "enabled": true, "interval_ms": 1, "timeout_ms": 0.5 }} }} }},
                       {{ "id": "api", "kind": "server" }} ],
            "edges": [ {{ "from": "users", "to": "lb" }}, {{ "from": "lb", "to": "api" }} ] }}"#
    );
    let path = std::env::temp_dir().join(format!("scaleboard-probing-{duration}.json"));
    std::fs::write(&path, json).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_run_at_the_budget_stops_there_and_reports_what_it_simulated() {
    // Estimated at 100 requests × 3 components × 2 = 600 events; the probes take thousands a
    // second. The budget stops the run mid-way and the report says so.
    let file = probing(100.0);
    let o = scaleboard(&["run", &file, "--max-events", "599"]);
    assert_eq!(o.status.code(), Some(1), "refused up front: {}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = scaleboard(&["run", &file, "--max-events", "100_000"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("the report above is partial"));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let p = &r["partial"];
    assert_eq!(p["reason"], "event_budget");
    let t = p["simulated_s"].as_f64().unwrap();
    assert!(t > 1.0 && t < 100.0, "{p}");
    // A run within its budget is whole: no `partial`.
    let file = direct(1_000.0, 100.0);
    let o = scaleboard(&["run", &file, "--duration", "2"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(r.get("partial").is_none());
    assert!(o.status.success());
    // Nonsense is named.
    let o = scaleboard(&["run", &file, "--max-events", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--max-events must be a whole number"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_long_run_and_prints_what_was_simulated() {
    // Hours of simulated time at a rate the budget allows: progress shows after 2 s.
    let file = direct(500.0, 100_000.0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_scaleboard"))
        .args(["run", &file, "--compact", "--max-events", "1000000000000"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(
        line.contains("of 100000.0 s") && line.contains("events/s"),
        "{line}"
    );
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &r["partial"];
    assert_eq!(p["reason"], "interrupted");
    let t = p["simulated_s"].as_f64().unwrap();
    assert!(t > 0.0 && t < 100_000.0, "{p}");
    assert!(r["end_to_end"]["completed"].as_u64().unwrap() > 0);
}
