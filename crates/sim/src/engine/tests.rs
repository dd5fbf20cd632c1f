//! Engine tests: agreement with queueing theory, determinism, conservation of requests, and the
//! behaviours a learner is meant to see (retry storms, cascading failure, failover of a killed
//! server, scaling). Every test uses a fixed seed: results are exact and never flaky.

use super::*;
use crate::analytic;
use crate::diagram::*;
use crate::time::{secs_to_ns, NS_PER_S};
use crate::ComponentKind;

pub(super) fn client(rate: f64) -> ClientParams {
    ClientParams {
        rate_rps: rate,
        timeout_ms: 0.0,
        ..Default::default()
    }
}

pub(super) fn server(instances: u32, workers: u32, queue: u32, mean_ms: f64) -> ServerParams {
    ServerParams {
        instances,
        size: InstanceSize::Small,
        workers,
        queue_capacity: queue,
        service: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms,
            cv: 1.0,
        },
        cost_per_hour: 0.05,
        ..Default::default()
    }
}

pub(super) fn edge(from: &str, to: &str, latency_ms: f64) -> Edge {
    let mut e = Edge::new(format!("{from}-{to}"), from, to);
    e.latency_ms = latency_ms;
    e
}

pub(super) fn diagram(seed: u64, nodes: Vec<Node>, edges: Vec<Edge>) -> Diagram {
    Diagram {
        seed,
        nodes,
        edges,
        ..Default::default()
    }
}

/// Runs `d` for `secs` simulated seconds after `warmup` seconds and returns the report.
pub(super) fn run(d: &Diagram, warmup: f64, secs: f64) -> (Simulation, Report) {
    let cfg = RunConfig::for_run(secs_to_ns(warmup + secs), secs_to_ns(warmup));
    let mut sim = Simulation::with_config(d, cfg).expect("valid diagram");
    sim.run_until(secs_to_ns(warmup + secs));
    sim.check_invariants().expect("invariants hold");
    let r = sim.report();
    (sim, r)
}

/// A single queue: one client straight into one server group, no network delay.
fn queue_diagram(seed: u64, lambda: f64, workers: u32, queue: u32, mean_ms: f64) -> Diagram {
    diagram(
        seed,
        vec![
            Node::new("source", NodeSpec::Client(client(lambda))),
            Node::new(
                "queue",
                NodeSpec::Server(server(1, workers, queue, mean_ms)),
            ),
        ],
        vec![edge("source", "queue", 0.0)],
    )
}

/// One worker with a constant service time, offered `lambda`, room for `queue`.
fn constant_queue(lambda: f64, queue: u32, mean_ms: f64) -> Diagram {
    let mut d = queue_diagram(7, lambda, 1, queue, mean_ms);
    if let Some(NodeSpec::Server(p)) = d.node_mut("queue").map(|n| &mut n.spec) {
        p.service.distribution = Distribution::Constant;
        p.service.cv = 0.0;
    }
    d
}

fn completed_at(sim: &mut Simulation, secs: f64) -> u64 {
    sim.run_until(secs_to_ns(secs));
    sim.check_invariants().expect("invariants hold");
    sim.report().end_to_end.completed
}

/// The queue a card shows is the requests waiting at that instant: one worker taking 1 s per
/// request, 100 req/s offered, room for 10 — half a second after a departure the 10 places
/// have long been refilled (no arrival for 0.5 s has probability e⁻⁵⁰).
#[test]
fn the_queue_shown_now_is_the_requests_waiting_at_that_instant() {
    let d = constant_queue(100.0, 10, 1_000.0);
    let cfg = RunConfig::for_run(secs_to_ns(20.0), 0);
    let mut sim = Simulation::with_config(&d, cfg).unwrap();
    let done = completed_at(&mut sim, 10.5);
    assert_eq!(sim.report().nodes["queue"].queue_now, 10);
    assert_eq!(done, 10, "one request a second");
}

/// Workers added to a slowed server start its queued requests at the slowed pace: a 100 ms
/// service slowed 10× takes 1 s, so the 10 requests drained at 5 s all finish at 6 s, not
/// before.
#[test]
fn queued_requests_started_by_added_workers_keep_the_slowdown() {
    let d = constant_queue(100.0, 10, 100.0);
    let cfg = RunConfig::for_run(secs_to_ns(20.0), 0);
    let mut sim = Simulation::with_config(&d, cfg).unwrap();
    sim.run_until(secs_to_ns(2.0));
    sim.set_slow("queue", 10.0).unwrap();
    let before = completed_at(&mut sim, 5.0);
    assert_eq!(sim.report().nodes["queue"].queue_now, 10);
    let mut node = d.node("queue").unwrap().clone();
    if let NodeSpec::Server(p) = &mut node.spec {
        p.workers = 20;
    }
    sim.apply(Edit::UpdateNode(node)).unwrap();
    assert_eq!(sim.report().nodes["queue"].queue_now, 0, "all ten started");
    // Only the request already in service (if it was near its end) may finish before 6 s.
    let early = completed_at(&mut sim, 5.95) - before;
    assert!(early <= 1, "{early} finished early");
    let late = completed_at(&mut sim, 6.05) - before;
    assert!(
        late >= 10,
        "the ten drained requests finish at 6 s ({late})"
    );
}

pub(super) fn rel(got: f64, want: f64) -> f64 {
    (got - want).abs() / want
}

/// The standard error of the run's steady-state mean latency (ms), estimated by the run's own
/// batch means (the 95 % half-width over Student's t): what tells whether a tolerance is
/// wide enough for the sample — queueing output is autocorrelated, so √n would flatter it.
pub(super) fn mean_latency_standard_error(r: &Report) -> f64 {
    let ci = r
        .end_to_end
        .ci95
        .as_ref()
        .and_then(|c| c.mean_ms.as_ref())
        .expect("a batch-means interval");
    assert!(ci.batches >= 20, "{ci:?}");
    // The interval shown is centred on its estimate, all in ms like the figure beside it.
    assert!(((ci.low + ci.high) / 2.0 - ci.estimate).abs() <= 1e-9 * ci.estimate);
    let mean = r.end_to_end.latency_ms.mean.expect("a mean latency");
    assert!(rel(ci.estimate, mean) < 0.05, "{ci:?} vs mean {mean} ms");
    ci.half_width / crate::metrics::batch::t_975(ci.batches - 1)
}

#[test]
fn mm1_mean_response_time_and_littles_law() {
    let mu = 1_000.0; // 1 ms mean service
    for (rho, secs, seed) in [(0.5, 400.0, 1), (0.8, 2_500.0, 2), (0.9, 8_000.0, 3)] {
        let lambda = rho * mu;
        let d = queue_diagram(seed, lambda, 1, 1_000_000, 1_000.0 / mu);
        let (_, r) = run(&d, 50.0, secs);
        let q = &r.nodes["queue"];
        let w = q.latency_ms.mean.unwrap() / 1e3;
        let theory = analytic::mm1_response_time(lambda, mu);
        let l = q.queue_length + q.utilization;
        let lw = q.arrival_rate * w;
        eprintln!(
            "M/M/1 ρ={rho}: W {:.4} ms vs {:.4} ms ({:+.2} %); L {l:.4} vs λW {lw:.4} ({:+.3} %)",
            w * 1e3,
            theory * 1e3,
            100.0 * (w - theory) / theory,
            100.0 * (l - lw) / lw
        );
        assert!(
            rel(w, theory) < 0.03,
            "ρ={rho}: W = {w:.6} s, M/M/1 says {theory:.6} s ({:.2} % off)",
            100.0 * rel(w, theory)
        );
        // Little's law: time-averaged number in the system = arrival rate × time in system.
        assert!(rel(l, lw) < 0.02, "ρ={rho}: L = {l:.4}, λW = {lw:.4}");
        assert!(
            rel(q.utilization, rho) < 0.02,
            "ρ={rho}: utilisation {}",
            q.utilization
        );
        // The sample is big enough for the 3 %: at least 4 standard errors of the mean, by the
        // run's batch means. Heavy traffic is strongly autocorrelated — the relative variance of
        // the mean is about 2(1 + ρ) / (ρ(1 − ρ)² μT) (Whitt) — so the runs are 200,000, 2
        // million and 7.2 million requests long for a standard error under 0.75 % at each ρ.
        let se = mean_latency_standard_error(&r) / 1e3;
        eprintln!(
            "M/M/1 ρ={rho}: standard error {:.3} % of W",
            100.0 * se / theory
        );
        assert!(4.0 * se < 0.03 * theory, "ρ={rho}: standard error {se}");
    }
}

#[test]
fn mmc_waiting_time_matches_erlang_c() {
    let (c, mu, lambda) = (4, 1_000.0, 3_200.0); // ρ = 0.8
    let d = queue_diagram(4, lambda, c, 1_000_000, 1.0);
    let (_, r) = run(&d, 20.0, 800.0);
    let wq = r.nodes["queue"].wait_ms_mean.unwrap() / 1e3;
    let theory = analytic::mmc_wait_time(c, lambda, mu);
    eprintln!(
        "M/M/4 ρ=0.8: Wq {:.5} ms vs Erlang C {:.5} ms ({:+.2} %)",
        wq * 1e3,
        theory * 1e3,
        100.0 * (wq - theory) / theory
    );
    assert!(
        rel(wq, theory) < 0.05,
        "Wq = {wq:.7} s, Erlang C says {theory:.7} s ({:.2} % off)",
        100.0 * rel(wq, theory)
    );
    // 2.56 million requests: the 5 % is at least 4 standard errors of Wq (by batch means of the
    // response time W = Wq + S, whose service part adds almost nothing to the error).
    let se = mean_latency_standard_error(&r) / 1e3;
    eprintln!("M/M/4: standard error {:.3} % of Wq", 100.0 * se / theory);
    assert!(4.0 * se < 0.05 * theory, "standard error {se}");
}

#[test]
fn mm1k_blocking_probability() {
    let (mu, lambda, k) = (1_000.0, 800.0, 5);
    // K = 5 in the system: one in service, four waiting.
    let d = queue_diagram(5, lambda, 1, k - 1, 1.0);
    // 600 s after a 10 s warm-up (480,000 arrivals), read in 20 batches of 30 s whose blocked
    // shares estimate the standard error: blocking comes in bursts, so the binomial √(p(1−p)/n)
    // would understate it.
    let cfg = RunConfig::for_run(secs_to_ns(610.0), secs_to_ns(10.0));
    let mut sim = Simulation::with_config(&d, cfg).unwrap();
    let (mut shares, mut before) = (Vec::new(), (0, 0));
    for batch in 1..=20 {
        sim.run_until(secs_to_ns(10.0 + 30.0 * batch as f64));
        let q = &sim.report().nodes["queue"];
        let now = (q.rejected["queue_full"], q.arrivals);
        shares.push((now.0 - before.0) as f64 / (now.1 - before.1) as f64);
        before = now;
    }
    sim.check_invariants().unwrap();
    let r = sim.report();
    let q = &r.nodes["queue"];
    let blocked = q.rejected["queue_full"] as f64 / q.arrivals as f64;
    let theory = analytic::mm1k_blocking(lambda, mu, k);
    let mean = shares.iter().sum::<f64>() / 20.0;
    let var = shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 19.0;
    let se = (var / 20.0).sqrt();
    eprintln!(
        "M/M/1/5 ρ=0.8: P(block) {blocked:.5} vs {theory:.5} ({:+.2} %), standard error {:.2} %",
        100.0 * (blocked - theory) / theory,
        100.0 * se / theory
    );
    assert!(
        rel(blocked, theory) < 0.05,
        "P(block) = {blocked:.5}, M/M/1/K says {theory:.5}"
    );
    assert!(4.0 * se < 0.05 * theory, "standard error {se}");
    // Every refused request is a failed request for the client: a 503 with its cause.
    assert_eq!(
        r.end_to_end.failures["queue_full"],
        q.rejected["queue_full"]
    );
}

fn balanced_diagram(algorithm: Algorithm, rate: f64) -> Diagram {
    let mut nodes = vec![
        Node::new("users", NodeSpec::Client(client(rate))),
        Node::new(
            "lb",
            NodeSpec::LoadBalancer(LoadBalancerParams {
                algorithm,
                ..Default::default()
            }),
        ),
    ];
    let mut edges = vec![edge("users", "lb", 1.0)];
    for i in 0..4 {
        let id = format!("s{i}");
        nodes.push(Node::new(&id, NodeSpec::Server(server(1, 4, 100, 1.5))));
        edges.push(edge("lb", &id, 0.5));
    }
    diagram(6, nodes, edges)
}

#[test]
fn round_robin_least_outstanding_and_random_spread_load_evenly() {
    for algorithm in [
        Algorithm::RoundRobin,
        Algorithm::LeastOutstanding,
        Algorithm::Random,
    ] {
        let (_, r) = run(&balanced_diagram(algorithm, 2_000.0), 1.0, 200.0);
        let loads: Vec<f64> = (0..4)
            .map(|i| r.nodes[&format!("s{i}")].arrivals as f64)
            .collect();
        let mean = loads.iter().sum::<f64>() / 4.0;
        let worst = loads.iter().map(|l| rel(*l, mean)).fold(0.0, f64::max);
        eprintln!(
            "{algorithm:?}: largest deviation from an even share {:.3} %",
            100.0 * worst
        );
        for l in &loads {
            assert!(rel(*l, mean) < 0.02, "{algorithm:?}: {loads:?}");
        }
    }
}

#[test]
fn least_outstanding_beats_random_on_tail_latency() {
    // 9 000 req/s over 4 × 4 workers of 1.5 ms: ρ ≈ 0.84, where placement matters.
    let (_, lo) = run(
        &balanced_diagram(Algorithm::LeastOutstanding, 9_000.0),
        5.0,
        100.0,
    );
    let (_, rnd) = run(&balanced_diagram(Algorithm::Random, 9_000.0), 5.0, 100.0);
    let p99 = |r: &Report| r.end_to_end.latency_ms.p99.unwrap();
    assert!(
        p99(&lo) < 0.7 * p99(&rnd),
        "LO {} vs random {}",
        p99(&lo),
        p99(&rnd)
    );
}

#[test]
fn same_seed_same_json_and_different_seed_different_json() {
    let text = include_str!("../../../../examples/basic.json");
    let d = Diagram::from_json(text).unwrap();
    let json = |d: &Diagram| {
        let (_, r) = run(d, 2.0, 20.0);
        serde_json::to_string(&r).unwrap()
    };
    let a = json(&d);
    assert_eq!(a, json(&d), "the same diagram and seed must replay exactly");
    let mut other = d.clone();
    other.seed += 1;
    assert_ne!(a, json(&other), "another seed must give another run");
}

/// Pinned figures of one run: a change in any dependency or in the engine that alters what a
/// seed produces shows up here (and would make old share links replay differently).
#[test]
fn golden_run_is_pinned() {
    let d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    let (sim, r) = run(&d, 2.0, 20.0);
    let e = &r.end_to_end;
    let got = (
        sim.events(),
        e.generated,
        e.completed,
        e.failed,
        e.latency_ms.mean.unwrap().to_bits(),
        e.latency_ms.p99.unwrap().to_bits(),
    );
    assert_eq!(got, GOLDEN, "the golden run changed: {got:?}");
}

const GOLDEN: (u64, u64, u64, u64, u64, u64) = (
    78621,
    11906,
    11898,
    0,
    4633875017559250670,
    4636986880775616417,
);

#[test]
fn advance_respects_the_work_budget() {
    let d = crate::reference::reference_diagram(200_000.0);
    let mut sim = Simulation::new(&d).unwrap();
    let a = sim.advance_to(NS_PER_S, 10_000);
    assert!(!a.kept_up);
    assert_eq!(a.events, 10_000);
    assert!(a.now < NS_PER_S, "the clock stops where the work stopped");
    let b = sim.advance_to(NS_PER_S, u64::MAX);
    assert!(b.kept_up);
    assert_eq!(b.now, NS_PER_S);
    assert_eq!(sim.now(), NS_PER_S);
}

#[test]
fn memory_follows_requests_in_flight_not_requests_simulated() {
    let d = crate::reference::reference_diagram(200_000.0);
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(20 * NS_PER_S);
    let c = sim.lifetime_counts();
    assert!(c.generated > 3_900_000);
    assert!(
        sim.job_capacity() < 5_000,
        "{} job slots for {} requests",
        sim.job_capacity(),
        c.generated
    );
}

#[test]
fn timeouts_fail_requests_and_late_answers_are_counted() {
    let mut d = queue_diagram(8, 50.0, 1, 1_000, 100.0);
    if let NodeSpec::Client(c) = &mut d.nodes[0].spec {
        c.timeout_ms = 30.0; // shorter than most service times
    }
    let (_, r) = run(&d, 1.0, 30.0);
    let e = &r.end_to_end;
    assert!(e.failures["timeout"] > 0);
    assert!(e.late_answers > 0, "the server still answers, too late");
    assert_eq!(e.timeouts, e.failures["timeout"]);
}

fn with_retries(d: &mut Diagram, retries: u32) {
    for n in &mut d.nodes {
        if let NodeSpec::Client(c) = &mut n.spec {
            c.retry.max_retries = retries;
        }
    }
}

#[test]
fn retries_turn_a_short_spike_into_a_lasting_outage() {
    let base = Diagram::from_json(include_str!("../../../../examples/retry-storm.json")).unwrap();
    let goodput_after_spike = |retries: u32| {
        let mut d = base.clone();
        with_retries(&mut d, retries);
        let mut sim = Simulation::new(&d).unwrap();
        sim.run_until(secs_to_ns(90.0));
        sim.check_invariants().unwrap();
        let late: Vec<_> = sim.series().filter(|s| s.t_s > 60.0).copied().collect();
        let offered: f64 = late.iter().map(|s| s.generated_per_s).sum();
        let good: f64 = late.iter().map(|s| s.throughput).sum();
        let attempts: f64 = late.iter().map(|s| s.attempts_per_s).sum();
        (good / offered, attempts / offered)
    };
    let (recovered, amplification) = goodput_after_spike(0);
    assert!(
        recovered > 0.95,
        "without retries the system recovers: {recovered}"
    );
    assert!((amplification - 1.0).abs() < 1e-9);
    let (stuck, amplification) = goodput_after_spike(3);
    assert!(
        stuck < 0.5,
        "with retries, load stays above capacity after the spike: {stuck}"
    );
    assert!(
        amplification > 2.0,
        "retries multiply load: {amplification}"
    );
}

#[test]
fn a_slow_dependency_exhausts_the_callers_workers() {
    let d =
        Diagram::from_json(include_str!("../../../../examples/cascading-failure.json")).unwrap();
    let (_, r) = run(&d, 5.0, 55.0);
    let api = &r.nodes["api"];
    assert!(
        api.utilization > 0.85,
        "API workers are taken: {}",
        api.utilization
    );
    assert!(
        api.cpu_utilization < 0.1,
        "yet they compute almost nothing — they wait: {}",
        api.cpu_utilization
    );
    // Make the dependency fast and the same API tier has room to spare.
    let mut fast = d.clone();
    if let Some(NodeSpec::Server(p)) = fast.node_mut("payments").map(|n| &mut n.spec) {
        p.service.mean_ms = 10.0;
    }
    let (_, r) = run(&fast, 5.0, 55.0);
    assert!(r.nodes["api"].utilization < 0.2);
}

#[test]
fn a_killed_server_fails_requests_until_revived() {
    let d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(10.0));
    sim.set_up("api", false).unwrap();
    sim.run_until(secs_to_ns(20.0));
    sim.set_up("api", true).unwrap();
    sim.run_until(secs_to_ns(30.0));
    sim.check_invariants().unwrap();
    let s: Vec<_> = sim.series().copied().collect();
    let at = |t: f64| s.iter().find(|x| x.t_s == t).unwrap();
    assert_eq!(at(10.0).failed_per_s, 0.0);
    // Within a second of simulated time, errors appear; no request succeeds while it is down.
    assert!(at(11.0).failed_per_s > 100.0);
    assert!(at(15.0).throughput == 0.0 && at(15.0).error_rate == 1.0);
    // Revived: traffic flows again.
    assert!(at(22.0).error_rate == 0.0 && at(22.0).throughput > 500.0);
    let r = sim.report();
    assert!(r.end_to_end.failures["node_down"] > 0);
    assert!(r.nodes["api"].rejected["node_down"] > 0);
}

#[test]
fn scaling_out_live_brings_p99_down() {
    let mut d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    if let Some(NodeSpec::Server(p)) = d.node_mut("api").map(|n| &mut n.spec) {
        p.instances = 1; // 720 req/s against ≈ 760 req/s of capacity: long queues
    }
    d.workload.traffic_scale = 1.2;
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(30.0));
    // The API tier's own p99 (network time is the same before and after).
    let api_p99 = |sim: &Simulation| {
        sim.node_series("api")
            .unwrap()
            .last()
            .unwrap()
            .p99_ms
            .unwrap()
    };
    let before = api_p99(&sim);
    let mut bigger = d.node("api").unwrap().clone();
    if let NodeSpec::Server(p) = &mut bigger.spec {
        p.instances = 4;
    }
    sim.apply(Edit::UpdateNode(bigger)).unwrap();
    sim.run_until(secs_to_ns(45.0));
    sim.check_invariants().unwrap();
    let after = api_p99(&sim);
    assert!(after < before * 0.5, "p99 {before} ms → {after} ms");
    assert_eq!(sim.report().nodes["api"].instances, 4);
    assert!((sim.report().nodes["api"].cost_per_hour - 4.0 * 0.05 * 2.0).abs() < 1e-12);
}

#[test]
fn a_bigger_instance_is_faster_and_costs_more() {
    let run_size = |size: InstanceSize| {
        let mut d = queue_diagram(9, 300.0, 4, 1_000, 10.0);
        if let NodeSpec::Server(p) = &mut d.nodes[1].spec {
            p.size = size;
        }
        run(&d, 5.0, 60.0).1
    };
    let small = run_size(InstanceSize::Small);
    let xl = run_size(InstanceSize::Xlarge);
    let mean = |r: &Report| r.end_to_end.latency_ms.mean.unwrap();
    assert!(mean(&xl) < mean(&small) / 5.0);
    assert!(xl.end_to_end.cost_per_hour == 8.0 * small.end_to_end.cost_per_hour);
}

#[test]
fn invalid_edits_are_refused_and_change_nothing() {
    let d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(NS_PER_S);
    let err = sim
        .apply(Edit::AddEdge(edge("api", "ghost", 1.0)))
        .unwrap_err();
    assert!(err.iter().any(|p| p.message.contains("dangling")));
    let err = sim
        .apply(Edit::AddEdge(edge("api", "lb", 1.0)))
        .unwrap_err();
    assert!(err.iter().any(|p| p.message.contains("cycle")));
    assert_eq!(sim.diagram(), &d);
    assert!(sim.set_up("ghost", false).is_err());
    sim.run_until(2 * NS_PER_S);
    sim.check_invariants().unwrap();
}

#[test]
fn removing_a_node_mid_run_fails_what_it_held_and_keeps_running() {
    let d =
        Diagram::from_json(include_str!("../../../../examples/cascading-failure.json")).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(10.0));
    sim.apply(Edit::RemoveNode("payments".into())).unwrap();
    sim.run_until(secs_to_ns(12.0));
    sim.check_invariants().unwrap();
    let r = sim.report();
    assert!(
        r.end_to_end
            .failures
            .get("node_removed")
            .copied()
            .unwrap_or(0)
            > 0
    );
    assert!(!r.nodes.contains_key("payments"));
    // Without the slow dependency, the API answers quickly.
    let last = sim.series().last().unwrap();
    assert!(last.p99_ms.unwrap() < 80.0, "{last:?}");
}

#[test]
fn dots_sample_requests_on_edges() {
    let d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(3.0));
    let mut dots = Vec::new();
    sim.dots(50, &mut dots);
    assert!(!dots.is_empty() && dots.len() <= 50);
    for dot in &dots {
        assert!((0.0..=1.0).contains(&dot.progress));
        let from = sim.node_id(dot.from).unwrap();
        let to = sim.node_id(dot.to).unwrap();
        assert!(
            d.edges
                .iter()
                .any(|e| (e.from == from && e.to == to) || (e.from == to && e.to == from)),
            "{from} → {to} is an edge"
        );
    }
    assert!(dots.iter().any(|d| d.answer) && dots.iter().any(|d| !d.answer));
}

/// A small deterministic generator of random valid diagrams and scripts of live changes.
pub(super) mod random {
    use super::*;
    use crate::dist::Rng;

    pub fn diagram(rng: &mut Rng) -> Diagram {
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        let clients = 1 + rng.below(2);
        let lbs = rng.below(3);
        let servers = 1 + rng.below(4);
        for s in 0..servers {
            let workers = 1 + rng.below(4) as u32;
            let mut p = server(
                1 + rng.below(3) as u32,
                workers,
                rng.below(6) as u32,
                1.0 + 20.0 * rng.uniform(),
            );
            p.service.distribution = [
                Distribution::Constant,
                Distribution::Exponential,
                Distribution::Lognormal,
            ][rng.below(3) as usize];
            p.service.cv = 2.0 * rng.uniform();
            nodes.push(Node::new(format!("s{s}"), NodeSpec::Server(p)));
            // Servers call later servers only: no cycles.
            for t in s + 1..servers {
                if rng.bernoulli(0.3) {
                    edges.push(edge(
                        &format!("s{s}"),
                        &format!("s{t}"),
                        3.0 * rng.uniform(),
                    ));
                }
            }
        }
        // A data tier behind the last server: a database, maybe with a cache or a router.
        let dbs = 1 + rng.below(2);
        for i in 0..dbs {
            let primaries = 1 + rng.below(2) as u32;
            let p = DatabaseParams {
                connections: 1 + rng.below(4) as u32,
                queue_capacity: rng.below(6) as u32,
                read_ms: 0.5 + 5.0 * rng.uniform(),
                write_ms: 0.5 + 5.0 * rng.uniform(),
                primaries,
                replicas: rng.below(3) as u32,
                replication: if primaries == 1 && rng.bernoulli(0.4) {
                    Replication::Sync
                } else {
                    Replication::Async
                },
                replication_lag_ms: 20.0 * rng.uniform(),
                apply_rate: 100.0 + 2_000.0 * rng.uniform(),
                read_from: [ReadFrom::Primary, ReadFrom::Replicas, ReadFrom::Any]
                    [rng.below(3) as usize],
                ..Default::default()
            };
            nodes.push(Node::new(format!("db{i}"), NodeSpec::Database(p)));
        }
        let last = format!("s{}", servers - 1);
        match rng.below(3) {
            0 => edges.push(edge(&last, "db0", rng.uniform())),
            1 => {
                let cache = CacheParams {
                    capacity_keys: 1 + rng.below(100),
                    ttl_ms: 100.0 * rng.uniform(),
                    write_policy: [
                        WritePolicy::Invalidate,
                        WritePolicy::WriteThrough,
                        WritePolicy::TtlOnly,
                    ][rng.below(3) as usize],
                    capacity_rps: 500.0 + 5_000.0 * rng.uniform(),
                    ..Default::default()
                };
                nodes.push(Node::new("cache", NodeSpec::Cache(cache)));
                edges.push(edge(&last, "cache", rng.uniform()));
                edges.push(edge("cache", "db0", rng.uniform()));
            }
            _ => {
                let r = ShardRouterParams {
                    strategy: [
                        ShardStrategy::HashMod,
                        ShardStrategy::ConsistentHash,
                        ShardStrategy::Range,
                    ][rng.below(3) as usize],
                    ..Default::default()
                };
                nodes.push(Node::new("router", NodeSpec::ShardRouter(r)));
                edges.push(edge(&last, "router", rng.uniform()));
                for i in 0..dbs {
                    edges.push(edge("router", &format!("db{i}"), rng.uniform()));
                }
            }
        }
        for n in nodes.iter_mut() {
            n.zone = ["", "a", "b"][rng.below(3) as usize].into();
            if let NodeSpec::Server(p) = &mut n.spec {
                if rng.bernoulli(0.3) {
                    p.l1 = L1Cache {
                        capacity_keys: 1 + rng.below(50),
                        ttl_ms: 50.0 * rng.uniform(),
                    };
                }
                if rng.bernoulli(0.3) {
                    p.autoscale = Autoscale {
                        enabled: true,
                        metric: [ScaleMetric::Cpu, ScaleMetric::Rps][rng.below(2) as usize],
                        target: if rng.bernoulli(0.5) { 0.5 } else { 50.0 },
                        min: 1,
                        max: 1 + rng.below(5) as u32,
                        interval_s: 0.2 + rng.uniform(),
                        stabilization_s: rng.uniform(),
                        boot_s: 0.5 * rng.uniform(),
                        schedule: Vec::new(),
                    };
                    if p.autoscale.metric == ScaleMetric::Cpu {
                        p.autoscale.target = 0.5;
                    }
                }
                if rng.bernoulli(0.3) {
                    p.zones = vec!["a".into(), "b".into()];
                }
            }
        }
        let targets: Vec<String> = (0..lbs)
            .map(|i| format!("lb{i}"))
            .chain((0..servers).map(|i| format!("s{i}")))
            .collect();
        for l in 0..lbs {
            let algorithm = [
                Algorithm::RoundRobin,
                Algorithm::Random,
                Algorithm::LeastOutstanding,
                Algorithm::ConsistentHash,
            ][rng.below(4) as usize];
            nodes.push(Node::new(
                format!("lb{l}"),
                NodeSpec::LoadBalancer(LoadBalancerParams {
                    algorithm,
                    sticky_sessions: rng.bernoulli(0.3),
                    capacity_rps: 200.0 + 3_000.0 * rng.uniform(),
                    max_queue: rng.below(50) as u32,
                    health_check: HealthCheck {
                        enabled: rng.bernoulli(0.5),
                        interval_ms: 50.0 + 300.0 * rng.uniform(),
                        timeout_ms: 100.0 * rng.uniform(),
                        ..Default::default()
                    },
                    standby_failover_ms: if rng.bernoulli(0.3) { 200.0 } else { 0.0 },
                    ..Default::default()
                }),
            ));
            let backends = 1 + rng.below(servers);
            for b in 0..backends {
                edges.push(edge(&format!("lb{l}"), &format!("s{b}"), rng.uniform()));
            }
        }
        for c in 0..clients {
            let mut p = client(50.0 + 800.0 * rng.uniform());
            p.timeout_ms = if rng.bernoulli(0.7) {
                5.0 + 100.0 * rng.uniform()
            } else {
                0.0
            };
            p.retry.max_retries = rng.below(4) as u32;
            p.retry.backoff_ms = 20.0 * rng.uniform();
            p.retry.jitter = rng.bernoulli(0.5);
            p.read_ratio = rng.uniform();
            p.sessions = 1 + rng.below(50);
            p.profile = [
                Profile::Constant,
                Profile::Spike {
                    at_s: 1.0,
                    duration_s: 1.0,
                    factor: 3.0,
                },
                Profile::Diurnal {
                    period_s: 3.0,
                    amplitude: 0.9,
                },
            ][rng.below(3) as usize]
                .clone();
            nodes.push(Node::new(format!("c{c}"), NodeSpec::Client(p)));
            let t = &targets[rng.below(targets.len() as u64) as usize];
            edges.push(edge(&format!("c{c}"), t, 5.0 * rng.uniform()));
        }
        let mut d = super::diagram(rng.next_u64(), nodes, edges);
        for e in &mut d.edges {
            e.jitter_ms = rng.uniform();
        }
        // Regions, traffic managers and CDNs draw from their own stream, so the rest of the
        // diagram is what it always was for this seed.
        let mut geo = Rng::seed(d.seed ^ 0x0060_0b41);
        super::super::geo_tests::go_global(&mut d, &mut geo);
        // Queues and transactions likewise.
        let mut more = Rng::seed(d.seed ^ 0x0013_a5c1);
        super::super::geo_tests::go_async(&mut d, &mut more);
        // Cache clusters and eviction policies likewise.
        let mut caches = Rng::seed(d.seed ^ 0x0020_cace);
        for n in &mut d.nodes {
            if let NodeSpec::Cache(p) = &mut n.spec {
                p.members = 1 + caches.below(4) as u32;
                p.hashing =
                    [CacheHashing::Consistent, CacheHashing::Modulo][caches.below(2) as usize];
                p.eviction = [
                    Eviction::Lru,
                    Eviction::Lfu,
                    Eviction::Fifo,
                    Eviction::Random,
                ][caches.below(4) as usize];
            }
        }
        // Batch jobs likewise.
        let mut batch = Rng::seed(d.seed ^ 0x0020_ba7c);
        super::super::batch_tests::go_batch(&mut d, &mut batch);
        d
    }
}

/// Every generated request is, at every moment, exactly one of completed, failed or in flight —
/// through kills, revivals, scaling, removals and retunes — and when traffic stops, everything
/// drains: no request or job is ever leaked.
#[test]
fn requests_are_conserved_on_random_diagrams_with_live_chaos() {
    let mut rng = crate::dist::Rng::seed(2026);
    let mut kinds_seen = std::collections::BTreeSet::new();
    for case in 0..120 {
        let d = random::diagram(&mut rng);
        kinds_seen.extend(d.nodes.iter().map(|n| n.kind()));
        conserved_under_live_chaos(&d, &mut rng, case);
    }
    assert_eq!(
        kinds_seen.len(),
        ComponentKind::ALL.len(),
        "every kind was exercised"
    );
}

/// Runs `d` under a random script of live failures and edits, checking conservation at every
/// step, then stops the traffic and checks that everything drains.
pub(super) fn conserved_under_live_chaos(d: &Diagram, rng: &mut crate::dist::Rng, case: usize) {
    {
        assert!(d.errors().is_empty(), "case {case}: {:?}", d.errors());
        let mut sim =
            Simulation::with_config(d, RunConfig::for_run(4 * NS_PER_S, NS_PER_S)).unwrap();
        let servers: Vec<String> = d
            .nodes
            .iter()
            .filter(|n| n.kind() != ComponentKind::Client)
            .map(|n| n.id.clone())
            .collect();
        let mut t = 0;
        for _ in 0..25 {
            t += rng.below(NS_PER_S / 5) + 1;
            sim.run_until(t);
            if let Err(e) = sim.check_invariants() {
                panic!("case {case} at t={t}: {e}");
            }
            let target = &servers[rng.below(servers.len() as u64) as usize];
            match rng.below(8) {
                // (Fails only for a node removed earlier in the script.)
                0 => sim.set_up(target, false).unwrap_or(()),
                1 => sim.set_up(target, true).unwrap_or(()),
                2 => {
                    if let Some(mut n) = sim.diagram().node(target).cloned() {
                        match &mut n.spec {
                            NodeSpec::Server(p) => {
                                p.instances = 1 + rng.below(4) as u32;
                                p.workers = 1 + rng.below(4) as u32;
                                p.queue_capacity = rng.below(8) as u32;
                                p.l1.capacity_keys = rng.below(20);
                            }
                            NodeSpec::Database(p) => {
                                p.replicas = rng.below(3) as u32;
                                p.connections = 1 + rng.below(4) as u32;
                            }
                            NodeSpec::Cache(p) => {
                                p.capacity_keys = 1 + rng.below(50);
                                p.members = 1 + rng.below(4) as u32;
                                p.eviction = [Eviction::Lru, Eviction::Lfu, Eviction::Random]
                                    [rng.below(3) as usize];
                            }
                            NodeSpec::BatchJob(p) => {
                                p.workers = 1 + rng.below(4) as u32;
                                p.period_s = rng.uniform();
                            }
                            _ => {}
                        }
                        sim.apply(Edit::UpdateNode(n)).unwrap();
                    }
                }
                3 if rng.bernoulli(0.2) => {
                    // Removing may strand a client or balancer: that edit must be refused whole.
                    let _ = sim.apply(Edit::RemoveNode(target.clone()));
                }
                4 => {
                    let up = rng.bernoulli(0.5);
                    match rng.below(5) {
                        0 => {
                            let _ = sim.set_instance_up(target, rng.below(3) as u32, up);
                        }
                        1 => sim.set_zone_up(["a", "b"][rng.below(2) as usize], up),
                        2 => sim.set_zone_cut(["a", "b"][rng.below(2) as usize], !up),
                        3 => {
                            let _ = sim.set_slow(target, 1.0 + 3.0 * rng.uniform());
                        }
                        _ => {
                            let _ = sim.set_error_rate(target, rng.uniform() * 0.5);
                        }
                    }
                }
                5 => {
                    let edges: Vec<String> = sim.diagram().edges.iter().map(|e| e.name()).collect();
                    if !edges.is_empty() {
                        let e = &edges[rng.below(edges.len() as u64) as usize];
                        let _ = sim.set_edge_cut(e, rng.bernoulli(0.6));
                    }
                }
                _ => {}
            }
        }
        // Stop the traffic, revive everything, and let the system drain.
        let mut w = sim.diagram().workload.clone();
        w.traffic_scale = 0.0;
        sim.apply(Edit::SetWorkload(w)).unwrap();
        for id in &servers {
            let _ = sim.set_up(id, true);
            for i in 0..8 {
                let _ = sim.set_instance_up(id, i, true);
            }
            let _ = sim.set_error_rate(id, 0.0);
        }
        for z in ["a", "b"] {
            sim.set_zone_up(z, true);
            sim.set_zone_cut(z, false);
        }
        sim.run_until(t + 600 * NS_PER_S);
        sim.check_invariants().unwrap();
        assert_eq!(sim.requests_in_flight(), 0, "case {case}: requests leaked");
        assert_eq!(sim.jobs_in_flight(), 0, "case {case}: jobs leaked");
        let c = sim.lifetime_counts();
        assert_eq!(c.generated, c.completed + c.failed, "case {case}");
    }
}

#[test]
fn watching_a_run_does_not_change_it() {
    let d = Diagram::from_json(include_str!("../../../../examples/retry-storm.json")).unwrap();
    let plain = run(&d, 2.0, 40.0).1;
    let cfg = RunConfig::for_run(secs_to_ns(42.0), secs_to_ns(2.0));
    let mut sim = Simulation::with_config(&d, cfg).unwrap();
    sim.set_trace_every(7);
    let mut traces = Vec::new();
    for s in 1..=42 {
        sim.run_until(secs_to_ns(s as f64));
        sim.drain_traces(&mut traces);
    }
    assert_eq!(sim.report(), plain, "tracing must not change the run");
    let hops = traces
        .iter()
        .filter(|t| matches!(t, Trace::Hop { .. }))
        .count();
    let drops: Vec<_> = traces
        .iter()
        .filter_map(|t| match t {
            Trace::Drop { cause, .. } => Some(*cause),
            _ => None,
        })
        .collect();
    assert!(hops > 1_000, "{hops} hops traced");
    assert!(drops.contains(&Cause::Timeout) && drops.contains(&Cause::QueueFull));
    for t in &traces {
        if let Trace::Hop { from, to, .. } = t {
            assert!(sim.node_id(*from).is_some() && sim.node_id(*to).is_some());
        }
    }
}

/// `is_up` says what the canvas colours: up, down after a kill, up again after a revival;
/// nothing for a node that does not exist.
#[test]
fn is_up_follows_kills_and_revivals() {
    let d = queue_diagram(3, 100.0, 1, 10, 1.0);
    let mut sim = Simulation::new(&d).unwrap();
    assert_eq!(sim.is_up("queue"), Some(true));
    sim.set_up("queue", false).unwrap();
    assert_eq!(sim.is_up("queue"), Some(false));
    assert_eq!(
        sim.is_up("source"),
        Some(true),
        "only the killed node is down"
    );
    sim.set_up("queue", true).unwrap();
    assert_eq!(sim.is_up("queue"), Some(true));
    assert_eq!(sim.is_up("nobody"), None);
}

/// A database's members are paid for: three members cost three times one, and the bill is in
/// the end-to-end cost.
#[test]
fn a_databases_members_are_in_the_bill() {
    let cost = |replicas: u32| {
        let json = format!(
            r#"{{ "version": 1, "seed": 4,
              "nodes": [
                {{ "id": "users", "kind": "client", "params": {{ "rate_rps": 10 }} }},
                {{ "id": "db", "kind": "database", "params": {{ "replicas": {replicas}, "cost_per_hour": 0.1 }} }}
              ],
              "edges": [ {{ "from": "users", "to": "db" }} ] }}"#
        );
        let d = Diagram::from_json(&json).unwrap();
        let (_, r) = run(&d, 0.0, 2.0);
        (r.nodes["db"].cost_per_hour, r.end_to_end.cost_per_hour)
    };
    let (one, total_one) = cost(0);
    let (three, total_three) = cost(2);
    assert!(one > 0.0);
    assert!(rel(three, 3.0 * one) < 1e-12, "{one} {three}");
    assert!(rel(total_one, one) < 1e-12 && rel(total_three, three) < 1e-12);
}
