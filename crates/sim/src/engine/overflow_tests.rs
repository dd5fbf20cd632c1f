//! The memory caps (`overflow.rs`): a client far beyond any design's capacity keeps the engine
//! within its caps, the excess is counted as `overflow`, and every request is still accounted
//! for. Fixed seeds, exact counts.

use super::overflow::{MAX_IN_FLIGHT, MAX_PENDING_EVENTS};
use super::*;
use crate::diagram::Diagram;
use crate::time::NS_PER_MS;

/// A client at 10⁹ requests/s behind a 5 ms link: nothing can come back within 5 ms.
const FLOOD: &str = r#"{
  "version": 1, "seed": 15,
  "workload": { "duration_s": 1, "warmup_s": 0 },
  "nodes": [
    { "id": "users", "kind": "client", "params": { "rate_rps": 1e9, "timeout_ms": 3000 } },
    { "id": "lb", "kind": "load_balancer", "params": { "health_check": { "enabled": true } } },
    { "id": "api", "kind": "server", "params": { "instances": 2 } }
  ],
  "edges": [
    { "from": "users", "to": "lb", "latency_ms": 5 },
    { "from": "lb", "to": "api", "latency_ms": 1 }
  ]
}"#;

fn flood() -> Simulation {
    let d = Diagram::from_json(FLOOD).expect("the flood diagram is valid");
    Simulation::with_config(&d, RunConfig::for_run(NS_PER_S, 0)).expect("it runs")
}

/// For the first 0.4 ms (about 300,000 requests: arrival times are whole nanoseconds), nothing has come back: exactly
/// `MAX_IN_FLIGHT` requests are in flight and every later one failed as `overflow`. The
/// pending events never exceed their cap, checked after every event.
#[test]
fn a_client_at_a_billion_requests_per_second_stays_within_the_caps() {
    let mut sim = flood();
    let end = 400_000; // 0.4 ms in ns
    let mut peak_events = 0;
    while sim.core.queue.peek_time().is_some_and(|t| t <= end) {
        sim.step();
        peak_events = peak_events.max(sim.pending_events());
        assert!(sim.requests_in_flight() <= MAX_IN_FLIGHT as u64);
    }
    assert!(
        peak_events <= MAX_PENDING_EVENTS,
        "{peak_events} events pending"
    );
    let r = sim.report();
    let e = &r.end_to_end;
    assert_eq!(e.completed, 0, "nothing comes back within 5 ms");
    assert_eq!(e.in_flight, MAX_IN_FLIGHT as u64);
    let overflow = e.failures["overflow"];
    assert_eq!(overflow, e.generated - MAX_IN_FLIGHT as u64);
    assert!(e.generated > 250_000, "{} generated", e.generated);
    assert_eq!(e.failed, overflow, "the only failures are the cap's");
    assert_eq!(e.failures_by_node["overflow@users"], overflow);
    assert_eq!(r.nodes["users"].rejected["overflow"], overflow);
}

/// Run on for 15 ms: requests come back, fail or time out (the two servers are far past their
/// capacity), and the conservation of requests holds exactly — sent = completed + failed by
/// cause + in flight — while the caps hold throughout. The same seed gives the same counts.
#[test]
fn requests_are_conserved_under_the_caps_and_the_run_is_deterministic() {
    let run = || {
        let mut sim = flood();
        let mut peak = (0, 0);
        for ms in 1..=15 {
            sim.run_until(ms * NS_PER_MS);
            peak.0 = peak.0.max(sim.pending_events());
            peak.1 = peak.1.max(sim.requests_in_flight() as usize);
        }
        (sim.report(), peak)
    };
    let (r, (events, in_flight)) = run();
    let e = &r.end_to_end;
    assert!(events <= MAX_PENDING_EVENTS, "{events}");
    assert!(in_flight <= MAX_IN_FLIGHT, "{in_flight}");
    let by_cause: u64 = e.failures.values().sum();
    assert_eq!(by_cause, e.failed);
    assert_eq!(e.generated, e.completed + e.failed + e.in_flight);
    assert!(e.failures["overflow"] > 7_000_000, "{:?}", e.failures);
    assert!(
        e.completed > 0 || e.failures.len() > 1,
        "the design answered too"
    );
    let (again, _) = run();
    assert_eq!(again.end_to_end.generated, e.generated);
    assert_eq!(again.end_to_end.failures, e.failures);
    assert_eq!(again.end_to_end.completed, e.completed);
}
