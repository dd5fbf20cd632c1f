//! Distributed transactions: 2PC's latency is two rounds of the slowest participant; a
//! participant that is down aborts every transaction after the timeout; a coordinator killed
//! between the rounds leaves exactly the prepared-and-undecided transactions in doubt, holding
//! their locks until it is revived. Sagas compensate exactly the steps committed before each
//! failure, and count anomaly reads only in compensation windows. Fixed seeds, exact counts.

use super::*;
use crate::diagram::*;
use crate::time::secs_to_ns;

/// Writers at `rate` (uniform over a huge key space: no two transactions share a key, unless
/// `keys` is small) into server `coord`, whose transaction spans `a` (edge `a_ms`) and `b`
/// (edge `b_ms`) — and `c` (8 ms) for three-step sagas. Constant 1 ms of server work, no
/// jitter, so every round trip is exact.
pub(super) fn txn_diagram(
    protocol: &str,
    rate: f64,
    read_ratio: f64,
    keys: u64,
    extra: &str,
    chaos: &str,
) -> Diagram {
    let three = protocol == "saga";
    let json = format!(
        r#"{{
      "version": 1, "seed": 1313,
      "workload": {{ "duration_s": 60, "warmup_s": 0 }},
      "nodes": [
        {{ "id": "users", "kind": "client", "params": {{ "rate_rps": {rate},
          "timeout_ms": 0, "read_ratio": {read_ratio}, "key_space": {keys}, "zipf_s": 0 }} }},
        {{ "id": "coord", "kind": "server", "params": {{ "size": "small", "workers": 5000,
          "queue_capacity": 0, "service": {{ "distribution": "constant", "mean_ms": 1 }},
          "transaction": {{ "protocol": "{protocol}", "timeout_ms": 200, "local_ms": 2
          {extra} }} }} }},
        {{ "id": "a", "kind": "database", "params": {{ "connections": 5000 }} }},
        {{ "id": "b", "kind": "database", "params": {{ "connections": 5000 }} }}
        {c_node}
      ],
      "edges": [
        {{ "from": "users", "to": "coord", "latency_ms": 0 }},
        {{ "id": "to-a", "from": "coord", "to": "a", "latency_ms": 3 }},
        {{ "id": "to-b", "from": "coord", "to": "b", "latency_ms": 7 }}
        {c_edge}
      ],
      "chaos": [{chaos}]
    }}"#,
        c_node = if three {
            r#", { "id": "c", "kind": "database", "params": { "connections": 5000 } }"#
        } else {
            ""
        },
        c_edge = if three {
            r#", { "from": "coord", "to": "c", "latency_ms": 8 }"#
        } else {
            ""
        },
    );
    let d = Diagram::from_json(&json).expect("valid");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    d
}

fn txns_at(sim: &mut Simulation, t_s: f64) -> TransactionReport {
    sim.run_until(secs_to_ns(t_s));
    sim.check_invariants().expect("invariants hold");
    sim.report().nodes["coord"]
        .transactions
        .clone()
        .expect("a transaction report")
}

#[test]
fn two_phase_commit_takes_two_rounds_of_the_slowest_participant() {
    let d = txn_diagram("2pc", 200.0, 0.0, 1_000_000_000, "", "");
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 30.0);
    // Prepare + vote, then commit + ack: each a round trip to b (2 × 7 ms) plus 2 ms of work.
    let want = 2.0 * (2.0 * 7.0 + 2.0);
    for got in [
        t.commit_latency_ms.mean.unwrap(),
        t.commit_latency_ms.p99.unwrap(),
    ] {
        assert!(
            (got - want).abs() / want < 0.01,
            "commit took {got} ms, want {want}"
        );
    }
    assert!(t.committed > 5_000, "{t:?}");
    assert_eq!(t.aborted, 0);
    // No two transactions touched the same key: nobody waited for a lock.
    assert_eq!(t.lock_wait_ms.max, Some(0.0));
    // The end-to-end answer is the 1 ms of server work plus the transaction.
    let p50 = sim.report().end_to_end.latency_ms.p50.unwrap();
    assert!((p50 - (want + 1.0)).abs() / want < 0.01, "p50 {p50}");
}

#[test]
fn hot_keys_make_transactions_wait_for_locks() {
    // Ten keys: concurrent transactions queue for each other's locks, held for a whole 2PC.
    let d = txn_diagram("2pc", 200.0, 0.0, 10, "", "");
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 30.0);
    assert!(t.lock_wait_ms.mean.unwrap() > 1.0, "{t:?}");
    assert!(t.commit_latency_ms.p99.unwrap() > 2.0 * (2.0 * 7.0 + 2.0));
}

#[test]
fn with_a_participant_down_every_transaction_aborts_after_the_timeout() {
    // b is down from the start; writers stop at 20 s; by 30 s every transaction has ended.
    participant_unreachable(r#"{ "at_s": 0, "action": { "kill": { "node": "b" } } }"#);
}

#[test]
fn with_a_participant_partitioned_every_transaction_aborts_after_the_timeout() {
    participant_unreachable(r#"{ "at_s": 0, "action": { "partition": { "edge": "to-b" } } }"#);
}

fn participant_unreachable(cut: &str) {
    let chaos = format!(r#"{cut}, {{ "at_s": 20, "action": {{ "traffic": {{ "factor": 0 }} }} }}"#);
    let d = txn_diagram("2pc", 100.0, 0.0, 1_000_000_000, "", &chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 30.0);
    assert!(t.started > 1_500, "{t:?}");
    assert_eq!(t.committed, 0, "{t:?}");
    assert_eq!(t.aborted, t.started, "{t:?}");
    // a prepared and released its lock when the abort reached it.
    assert_eq!(t.locks_held, 0);
    let r = sim.report();
    assert_eq!(r.end_to_end.failures.get("aborted"), Some(&t.aborted));
    assert_eq!(r.end_to_end.completed, 0);
    let coord = &r.nodes["coord"];
    assert_eq!(coord.rejected.len(), 0, "aborts are answers, not refusals");
    let answered = sim.lifetime_counts().failed;
    assert_eq!(answered, t.aborted);
    // Each waited exactly the timeout (200 ms) for b's vote: the transactions aborted by any
    // moment are exactly those started 200 ms before it.
    let mut sim = Simulation::new(&d).unwrap();
    for at in [5.0, 10.0, 15.0] {
        let started = txns_at(&mut sim, at).started;
        let later = txns_at(&mut sim, at + 0.2);
        assert_eq!(later.aborted, started, "at {at} s + timeout");
        assert!(later.started > started);
    }
}

#[test]
fn a_coordinator_killed_between_rounds_leaves_its_prepared_transactions_in_doubt() {
    // 1000 writes a second (each 2PC takes 32 ms: ~30 in flight). The coordinator dies at
    // 10.0005 s and writers stop with it; it is revived at 25 s.
    let chaos = r#"{ "at_s": 10.0005, "action": { "kill": { "node": "coord" } } },
        { "at_s": 10.0005, "action": { "traffic": { "factor": 0 } } },
        { "at_s": 25, "action": { "revive": { "node": "coord" } } }"#;
    let d = txn_diagram("2pc", 1000.0, 0.0, 1_000_000_000, "", chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let at_kill = txns_at(&mut sim, 10.0005);
    let early = txns_at(&mut sim, 12.0);
    // Decided transactions finish (the commit went out before the kill); the undecided ones
    // are all prepared by now (prepares were on their way) and nobody decides them.
    let undecided = early.started - early.committed - early.aborted;
    assert!(undecided > 5, "{early:?}");
    assert_eq!(early.in_doubt, undecided, "{early:?}");
    // Every in-doubt transaction holds its key's lock at both participants.
    assert_eq!(early.locks_held, 2 * undecided, "{early:?}");
    assert_eq!(
        early.started, at_kill.started,
        "a dead coordinator starts nothing"
    );
    // Fifteen seconds later nothing has moved: blocking.
    let late = txns_at(&mut sim, 24.9);
    assert_eq!(
        (late.in_doubt, late.locks_held, late.aborted),
        (early.in_doubt, early.locks_held, early.aborted)
    );
    // Revived, the coordinator aborts what it never decided; the aborts release the locks.
    let after = txns_at(&mut sim, 26.0);
    assert_eq!(after.in_doubt, 0);
    assert_eq!(after.locks_held, 0);
    assert_eq!(after.aborted, early.aborted + undecided);
    assert_eq!(after.committed, early.committed);
}

/// A saga over a, b and c whose steps fail with probability `p`; half the requests are reads
/// of the same 1000 keys. Writers stop at 50 s; by 60 s every compensation is done.
fn saga(p: f64) -> (Simulation, TransactionReport) {
    let chaos = r#"{ "at_s": 50, "action": { "traffic": { "factor": 0 } } }"#;
    let extra = format!(r#", "failure_probability": {p}"#);
    let d = txn_diagram("saga", 400.0, 0.5, 1_000, &extra, chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 60.0);
    (sim, t)
}

#[test]
fn a_saga_compensates_exactly_the_steps_committed_before_each_failure() {
    let p = 0.2;
    let (sim, t) = saga(p);
    let stats = &sim.txns.stats[sim.index["coord"] as usize];
    let failed = &stats.failed_at_step;
    // A failure at step k (0-based) follows k committed steps, each compensated once.
    let expected: u64 = failed.iter().enumerate().map(|(k, &n)| k as u64 * n).sum();
    assert_eq!(t.compensated, expected, "{t:?} {failed:?}");
    assert_eq!(t.aborted, failed.iter().sum::<u64>());
    assert_eq!(t.committed + t.aborted, t.started, "every saga ended");
    // No compensation for a saga that succeeded: every committed step stands or is undone.
    assert_eq!(stats.steps_committed, 3 * t.committed + t.compensated);
    // Failures by step follow the geometric law: (1 − p)^k · p of the sagas, within 4 σ.
    let n = t.started as f64;
    for (k, &got) in failed.iter().enumerate() {
        let share = (1.0 - p).powi(k as i32) * p;
        let sd = (n * share * (1.0 - share)).sqrt();
        assert!(
            (got as f64 - n * share).abs() < 4.0 * sd,
            "step {k}: {got} failures, want {} ± {}",
            n * share,
            4.0 * sd
        );
    }
    assert_eq!(failed.len(), 3);
    // Reads landed in the windows between a step's commit and its compensation.
    assert!(t.anomaly_reads > 0, "{t:?}");
    assert_eq!(sim.txns.open_windows, 0, "every window closed");
}

/// A step whose answer comes back after the saga's timeout (b is 150 ms away: 300 ms round
/// trip against a 200 ms timeout): the saga fails at that step and compensates it and the one
/// before; the late "step done" changes nothing — no saga goes on to c while undoing.
#[test]
fn a_late_step_answer_after_the_timeout_is_ignored_while_compensating() {
    let chaos = r#"{ "at_s": 20, "action": { "traffic": { "factor": 0 } } }"#;
    let mut d = txn_diagram("saga", 50.0, 0.5, 1_000, "", chaos);
    if let Some(e) = d.edges.iter_mut().find(|e| e.id == "to-b") {
        e.latency_ms = 150.0;
    }
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 30.0);
    let stats = &sim.txns.stats[sim.index["coord"] as usize];
    assert!(t.started > 400, "{t:?}");
    assert_eq!(t.committed, 0, "every saga times out at b");
    assert_eq!(t.aborted, t.started);
    assert_eq!(stats.failed_at_step[..2], [0, t.started]);
    // a and b both applied their step (b late), and both were undone; c never ran.
    assert_eq!(stats.steps_committed, 2 * t.started, "{t:?}");
    assert_eq!(t.compensated, 2 * t.started, "{t:?}");
    assert_eq!(sim.txns.open_windows, 0, "every window closed");
}

#[test]
fn without_failures_a_saga_compensates_nothing_and_reads_see_no_anomaly() {
    // The same reads of the same keys, during the same step-by-step commits: windows that
    // close with the saga's success are not anomalies.
    let (sim, t) = saga(0.0);
    assert!(t.committed > 8_000, "{t:?}");
    assert_eq!((t.aborted, t.compensated, t.anomaly_reads), (0, 0, 0));
    // One step after the other: the sum of the round trips (2 × 3, 7 and 8 ms) and the work.
    let want = 2.0 * (3.0 + 7.0 + 8.0) + 3.0 * 2.0;
    let got = t.commit_latency_ms.mean.unwrap();
    assert!(
        (got - want).abs() / want < 0.01,
        "saga took {got} ms, want {want}"
    );
    assert!(sim.report().end_to_end.reads > 5_000);
}

#[test]
fn protocol_none_is_the_plain_diagram() {
    // A transaction block left at `none` changes nothing: the same run, event for event.
    let on = txn_diagram(
        "none",
        200.0,
        0.5,
        1000,
        r#", "failure_probability": 0.5"#,
        "",
    );
    let mut off = on.clone();
    for n in &mut off.nodes {
        if let NodeSpec::Server(p) = &mut n.spec {
            p.transaction = TransactionParams::default();
        }
    }
    let run = |d: &Diagram| {
        let mut sim = Simulation::new(d).unwrap();
        sim.run_until(secs_to_ns(10.0));
        sim.report()
    };
    let (a, b) = (run(&on), run(&off));
    assert_eq!(a.events, b.events);
    assert_eq!(a.end_to_end, b.end_to_end);
    assert!(a.nodes["coord"].transactions.is_none());
}

/// The queue and transaction examples replay exactly, seed for seed, kills and partitions
/// included.
#[test]
fn the_async_and_transaction_examples_replay_exactly() {
    for name in [
        "queue-backlog",
        "two-phase-commit",
        "saga-compensation",
        "2pc-vs-saga-under-partition",
    ] {
        let path = format!("{}/../../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let d = Diagram::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let json = || {
            let mut sim = Simulation::new(&d).unwrap();
            sim.run_until(secs_to_ns(45.0));
            sim.check_invariants().unwrap();
            serde_json::to_string(&sim.report()).unwrap()
        };
        assert_eq!(json(), json(), "{name}");
    }
}

/// Anomaly reads are exactly the reads that fall in compensation windows. With no jitter the
/// windows have known lengths: a step's commit reaches a at +3 ms and b at +15 ms (after the
/// 1 ms of server work); a failure at b is back at +24 ms and a's compensation lands at
/// +27 ms (a window of 24 ms); a failure at c is back at +42 ms, b is compensated at +49 ms
/// (34 ms) and a at +61 ms (58 ms). Reads of one key reach each database as a Poisson stream
/// of λ_read / keys, so the expected count is that rate times the windows' total length.
#[test]
fn anomaly_reads_are_the_reads_inside_compensation_windows() {
    let chaos = r#"{ "at_s": 50, "action": { "traffic": { "factor": 0 } } }"#;
    let extra = r#", "failure_probability": 0.3"#;
    let d = txn_diagram("saga", 400.0, 0.5, 10, extra, chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 60.0);
    let failed = &sim.txns.stats[sim.index["coord"] as usize].failed_at_step;
    let windows_s = failed[1] as f64 * 0.024 + failed[2] as f64 * (0.034 + 0.058);
    let per_key_rate = 200.0 / 10.0;
    let want = per_key_rate * windows_s;
    // Overlapping windows of one key share reads: allow 6 Poisson standard deviations.
    let tol = 6.0 * want.sqrt();
    let got = t.anomaly_reads as f64;
    assert!(
        (got - want).abs() < tol,
        "{got} anomaly reads, want {want} ± {tol} ({failed:?})"
    );
}

#[test]
fn a_killed_saga_orchestrator_leaves_nothing_in_doubt() {
    // Sagas hold no locks across steps: killing their server fails its requests, no more.
    let chaos = r#"{ "at_s": 10.0005, "action": { "kill": { "node": "coord" } } }"#;
    let d = txn_diagram("saga", 1000.0, 0.0, 1_000_000_000, "", chaos);
    let mut sim = Simulation::new(&d).unwrap();
    let t = txns_at(&mut sim, 12.0);
    assert_eq!((t.in_doubt, t.locks_held), (0, 0), "{t:?}");
}
