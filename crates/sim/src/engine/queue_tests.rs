//! Message queues: the backlog grows at (arrival − service) and drains at (service − arrival)
//! once consumers are added; every message is accounted for at every instant; with consumers
//! that never fail, every redelivery is exactly one duplicate. Fixed seeds.

use super::*;
use crate::diagram::*;
use crate::time::secs_to_ns;

/// Producers at `rate` msg/s (Poisson) into `queue`, consumed by `workers`: constant
/// `service_ms` of work, no network delay. Each consumer slot so handles 1000 / service_ms
/// messages a second.
fn pipeline(rate: f64, queue: &str, worker: &str, chaos: &str) -> Diagram {
    let json = format!(
        r#"{{
      "version": 1, "seed": 1313,
      "workload": {{ "duration_s": 120, "warmup_s": 0 }},
      "nodes": [
        {{ "id": "producers", "kind": "client", "params": {{ "rate_rps": {rate},
          "timeout_ms": 0, "read_ratio": 0 }} }},
        {{ "id": "q", "kind": "queue", "params": {queue} }},
        {{ "id": "workers", "kind": "server", "params": {worker} }}
      ],
      "edges": [
        {{ "from": "producers", "to": "q", "latency_ms": 0 }},
        {{ "from": "q", "to": "workers", "latency_ms": 0 }}
      ],
      "chaos": [{chaos}]
    }}"#
    );
    let d = Diagram::from_json(&json).expect("valid");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    d
}

const WORKERS_50MS: &str = r#"{ "size": "small", "workers": 200, "queue_capacity": 1000,
    "service": { "distribution": "constant", "mean_ms": 50 } }"#;

fn queue_at(sim: &mut Simulation, t_s: f64) -> QueueReport {
    sim.run_until(secs_to_ns(t_s));
    sim.check_invariants().expect("invariants hold");
    sim.report().nodes["q"]
        .queue
        .clone()
        .expect("a queue report")
}

fn conserved(q: &QueueReport) {
    assert_eq!(
        q.enqueued,
        q.processed + q.backlog + q.in_flight + q.dlq + q.expired,
        "every message is processed, waiting, in flight, dead-lettered or expired: {q:?}"
    );
}

#[test]
fn backlog_grows_at_arrival_minus_service_and_drains_when_consumers_are_added() {
    let lambda = 200.0;
    let d = pipeline(lambda, r#"{ "consumers": 5 }"#, WORKERS_50MS, "");
    let mut sim = Simulation::new(&d).unwrap();
    // 5 consumers × 1 / 50 ms = 100 msg/s against 200 arriving: +100 a second.
    let mu = 5.0 / 0.050;
    let a = queue_at(&mut sim, 20.0);
    let b = queue_at(&mut sim, 60.0);
    // Poisson arrivals over 40 s: the count's standard deviation is √(λ·40); allow 4 of them.
    let grown = b.backlog as f64 - a.backlog as f64;
    let want = (lambda - mu) * 40.0;
    let tol = 4.0 * (lambda * 40.0f64).sqrt();
    assert!(
        (grown - want).abs() < tol,
        "backlog grew {grown}, want {want} ± {tol}"
    );
    assert!(b.consumer_lag_s > 20.0, "the oldest waits long: {b:?}");
    conserved(&a);
    conserved(&b);
    // Scale the consumer group to 20: 400 msg/s, draining at 200 a second.
    let mut node = sim.diagram().node("q").unwrap().clone();
    node.spec = NodeSpec::Queue(QueueParams {
        consumers: 20,
        ..Default::default()
    });
    sim.apply(Edit::UpdateNode(node)).unwrap();
    let c = queue_at(&mut sim, 65.0);
    let e = queue_at(&mut sim, 80.0);
    let drained = c.backlog as f64 - e.backlog as f64;
    let want = (4.0 * mu - lambda) * 15.0;
    let tol = 4.0 * (lambda * 15.0f64).sqrt();
    assert!(
        (drained - want).abs() < tol,
        "backlog drained {drained}, want {want} ± {tol}"
    );
    conserved(&c);
    conserved(&e);
    // Drained: the lag is gone and nothing was lost or repeated.
    let f = queue_at(&mut sim, 120.0);
    assert!(f.backlog < 50, "{f:?}");
    assert_eq!(
        f.redeliveries + f.duplicates + f.dlq + f.expired,
        0,
        "{f:?}"
    );
    conserved(&f);
}

#[test]
fn producers_are_answered_at_once_while_the_work_waits() {
    let d = pipeline(
        200.0,
        r#"{ "consumers": 5, "enqueue_ms": 2 }"#,
        WORKERS_50MS,
        "",
    );
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(30.0));
    let r = sim.report();
    // The producers' latency is the enqueue time, not the 50 ms of work nor the backlog.
    let p99 = r.end_to_end.latency_ms.p99.unwrap();
    assert!((p99 - 2.0).abs() < 0.1, "p99 {p99}");
    let q = r.nodes["q"].queue.clone().unwrap();
    assert!(q.delay_ms.p99.unwrap() > 1_000.0, "{q:?}");
}

#[test]
fn every_message_is_accounted_for_under_failures_retention_and_dead_letters() {
    // Consumers fail 30 % of deliveries; failed messages come back after 200 ms; the third
    // failure dead-letters; too few consumers, so messages also outlive their 5 s retention.
    let queue = r#"{ "consumers": 4, "visibility_timeout_ms": 200, "max_attempts": 3,
        "retention_s": 5 }"#;
    let chaos = r#"{ "at_s": 0, "action": { "errors": { "node": "workers", "rate": 0.3 } } }"#;
    let d = pipeline(100.0, queue, WORKERS_50MS, chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let mut last = None;
    for t in [3.0, 7.5, 15.0, 31.0, 60.0] {
        let q = queue_at(&mut sim, t);
        conserved(&q);
        last = Some(q);
    }
    let q = last.unwrap();
    assert!(q.dlq > 0 && q.expired > 0 && q.redeliveries > 0, "{q:?}");
    // Failed deliveries did no work: no duplicates.
    assert_eq!(q.duplicates, 0, "{q:?}");
}

/// Consumers of exponential work (mean 80 ms) against a 50 ms visibility timeout: many
/// deliveries outlast it and are handed out again while the first consumer is still busy;
/// after two timeouts a message is dead-lettered.
/// Producers stop at 20 s; by 60 s every delivery has answered.
fn slow_consumers(idempotent: bool) -> QueueReport {
    let queue = format!(
        r#"{{ "consumers": 50, "visibility_timeout_ms": 50, "max_attempts": 2,
        "idempotent": {idempotent} }}"#
    );
    let workers = r#"{ "size": "small", "workers": 1000, "queue_capacity": 1000,
        "service": { "distribution": "exponential", "mean_ms": 80 } }"#;
    let chaos = r#"{ "at_s": 20, "action": { "traffic": { "factor": 0 } } }"#;
    let d = pipeline(100.0, &queue, workers, chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let q = queue_at(&mut sim, 60.0);
    assert_eq!(q.in_flight + q.backlog, 0, "drained: {q:?}");
    assert_eq!(sim.jobs_in_flight(), 0, "every delivery answered");
    conserved(&q);
    q
}

#[test]
fn without_idempotency_every_redelivery_is_a_duplicate() {
    let q = slow_consumers(false);
    assert!(q.redeliveries > 100, "{q:?}");
    assert_eq!(q.duplicates, q.redeliveries, "{q:?}");
    assert_eq!(q.duplicates_absorbed, 0);
    // Some messages timed out on every attempt: dead-lettered, though their work was done.
    assert!(q.dlq > 0, "{q:?}");
}

#[test]
fn idempotent_consumers_absorb_every_duplicate() {
    let plain = slow_consumers(false);
    let q = slow_consumers(true);
    assert_eq!(q.duplicates, 0, "{q:?}");
    assert_eq!(q.duplicates_absorbed, q.redeliveries, "{q:?}");
    // The same run otherwise: idempotency changes what duplicates do, not when they happen.
    assert_eq!(q.redeliveries, plain.redeliveries);
}

#[test]
fn a_killed_queue_keeps_its_messages_and_resumes_when_revived() {
    let chaos = r#"{ "at_s": 10, "action": { "kill": { "node": "q" } } },
        { "at_s": 20, "action": { "revive": { "node": "q" } } }"#;
    let d = pipeline(100.0, r#"{ "consumers": 5 }"#, WORKERS_50MS, chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let before = queue_at(&mut sim, 10.5);
    let during = queue_at(&mut sim, 19.0);
    // No delivery while down: the backlog waiting at the kill is still there.
    assert_eq!(during.enqueued, before.enqueued, "producers are refused");
    assert_eq!(during.backlog, before.backlog);
    assert_eq!(during.processed, before.processed);
    let after = queue_at(&mut sim, 25.0);
    assert!(after.processed > during.processed);
    conserved(&after);
}
