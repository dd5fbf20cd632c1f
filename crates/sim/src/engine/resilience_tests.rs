//! Resilience: health checks close the error window, standbys and failovers take over, async
//! failover loses exactly the unreplicated writes, the autoscaler converges like Kubernetes'
//! HPA, and the chaos timeline, zones, partitions and costs behave as documented.

use super::tests::{client, diagram, edge, run, server};
use super::*;
use crate::diagram::*;
use crate::time::{secs_to_ns, NS_PER_S};

fn lb(health: bool) -> LoadBalancerParams {
    LoadBalancerParams {
        health_check: HealthCheck {
            enabled: health,
            ..Default::default()
        },
        ..Default::default()
    }
}

/// users → lb → api (4 instances).
fn pool(health: bool) -> Diagram {
    diagram(
        51,
        vec![
            Node::new("users", NodeSpec::Client(client(500.0))),
            Node::new("lb", NodeSpec::LoadBalancer(lb(health))),
            Node::new("api", NodeSpec::Server(server(4, 8, 100, 5.0))),
        ],
        vec![edge("users", "lb", 1.0), edge("lb", "api", 0.5)],
    )
}

fn failed_in(sim: &Simulation, second: f64) -> f64 {
    sim.series()
        .find(|s| s.t_s == second)
        .map_or(f64::NAN, |s| s.failed_per_s)
}

#[test]
fn health_checks_stop_errors_once_the_unhealthy_threshold_is_reached() {
    for health in [true, false] {
        let mut sim = Simulation::new(&pool(health)).unwrap();
        sim.run_until(10 * NS_PER_S);
        sim.set_instance_up("api", 1, false).unwrap();
        sim.run_until(30 * NS_PER_S);
        sim.check_invariants().unwrap();
        assert_eq!(failed_in(&sim, 10.0), 0.0);
        assert!(
            failed_in(&sim, 11.0) > 50.0,
            "a quarter of the requests fail at first"
        );
        if health {
            // Probes at 11, 12, 13 s time out 0.5 s later; the third takes it out of rotation.
            assert!(
                failed_in(&sim, 13.0) > 50.0,
                "still in rotation until the third failure"
            );
            for s in 15..=30 {
                assert_eq!(failed_in(&sim, s as f64), 0.0, "second {s}");
            }
            assert_eq!(sim.unhealthy_backends("lb"), vec!["api#1".to_string()]);
            let mut log = Vec::new();
            sim.drain_log(&mut log);
            assert!(log.iter().any(
                |e| matches!(&e.what, LogWhat::BackendDown { backend } if backend == "api#1")
                    && (13_400_000_000..=13_600_000_000).contains(&e.at)
            ));
        } else {
            assert!(
                failed_in(&sim, 29.0) > 50.0,
                "without checks the errors never stop"
            );
        }
    }
    // Revived, it passes two probes and comes back.
    let mut sim = Simulation::new(&pool(true)).unwrap();
    sim.run_until(10 * NS_PER_S);
    sim.set_instance_up("api", 1, false).unwrap();
    sim.run_until(20 * NS_PER_S);
    sim.set_instance_up("api", 1, true).unwrap();
    sim.run_until(25 * NS_PER_S);
    assert!(sim.unhealthy_backends("lb").is_empty());
}

#[test]
fn a_lone_balancer_takes_everything_down_and_a_standby_takes_over() {
    let mut d = pool(true);
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(5 * NS_PER_S);
    sim.set_up("lb", false).unwrap();
    sim.run_until(15 * NS_PER_S);
    let last = *sim.series().last().unwrap();
    assert_eq!(last.throughput, 0.0);
    assert_eq!(last.error_rate, 1.0, "total outage");
    assert!(sim.report().spof.is_spof("lb"));

    if let Some(NodeSpec::LoadBalancer(p)) = d.node_mut("lb").map(|n| &mut n.spec) {
        p.standby_failover_ms = 2_000.0;
    }
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(5 * NS_PER_S);
    sim.set_up("lb", false).unwrap();
    sim.run_until(15 * NS_PER_S);
    assert!(
        failed_in(&sim, 6.0) > 100.0,
        "the failover takes two seconds"
    );
    assert_eq!(failed_in(&sim, 9.0), 0.0, "then the standby serves");
    assert!(sim.series().last().unwrap().throughput > 400.0);
    assert!(!sim.report().spof.is_spof("lb"));
}

/// users → db (primary + replica, async lag 500 ms, failover).
fn replicated(replication: Replication) -> Diagram {
    let mut c = client(200.0);
    c.read_ratio = 0.5;
    c.key_space = 100;
    let p = DatabaseParams {
        replicas: 1,
        replication,
        replication_lag_ms: 500.0,
        apply_rate: 1e9,
        failover: true,
        failover_detect_ms: 1_000.0,
        failover_promote_ms: 500.0,
        connections: 64,
        ..Default::default()
    };
    let mut d = diagram(
        52,
        vec![
            Node::new("users", NodeSpec::Client(c)),
            Node::new("db", NodeSpec::Database(p)),
        ],
        vec![edge("users", "db", 1.0)],
    );
    d.workload.warmup_s = 0.0;
    d
}

fn db_writes(sim: &Simulation) -> u64 {
    sim.report().nodes["db"].database.as_ref().unwrap().writes
}

#[test]
fn async_failover_loses_exactly_the_unreplicated_writes_and_sync_loses_none() {
    for replication in [Replication::Async, Replication::Sync] {
        let mut sim = Simulation::new(&replicated(replication)).unwrap();
        // Writes committed in the last 500 ms before the primary dies have not reached the
        // replica: count them independently, from the commit counter.
        sim.run_until(secs_to_ns(19.5));
        let before = db_writes(&sim);
        sim.run_until(20 * NS_PER_S);
        let at_death = db_writes(&sim);
        sim.set_instance_up("db", 0, false).unwrap();
        sim.run_until(secs_to_ns(21.0));
        // Detection + promotion take 1.5 s: writes fail meanwhile.
        assert!(sim.series().last().unwrap().failed_per_s > 20.0);
        sim.run_until(25 * NS_PER_S);
        sim.check_invariants().unwrap();
        let r = sim.report();
        let db = r.nodes["db"].database.as_ref().unwrap();
        assert_eq!(db.failovers, 1);
        assert_eq!(
            db.members
                .iter()
                .filter(|m| m.role == "primary" && m.up)
                .count(),
            1
        );
        let expected = match replication {
            Replication::Async => at_death - before,
            Replication::Sync => 0,
        };
        eprintln!(
            "{replication:?} failover: {} writes lost, {expected} unreplicated",
            db.lost_writes
        );
        assert_eq!(db.lost_writes, expected);
        if replication == Replication::Async {
            assert!(expected > 20, "the window held writes: {expected}");
        }
        assert_eq!(
            failed_in(&sim, 24.0),
            0.0,
            "the promoted replica takes writes"
        );
    }
}

/// users → lb → api with an HPA on CPU: 4 workers × 10 ms = 400 req/s per instance.
fn autoscaled(rate: f64, max: u32) -> Diagram {
    let mut s = server(2, 4, 1_000, 10.0);
    s.autoscale = Autoscale {
        enabled: true,
        metric: ScaleMetric::Cpu,
        target: 0.6,
        min: 1,
        max,
        interval_s: 15.0,
        stabilization_s: 60.0,
        boot_s: 10.0,
        schedule: Vec::new(),
    };
    let mut c = client(rate);
    c.timeout_ms = 0.0;
    let mut d = diagram(
        53,
        vec![
            Node::new("users", NodeSpec::Client(c)),
            Node::new("lb", NodeSpec::LoadBalancer(lb(true))),
            Node::new("api", NodeSpec::Server(s)),
        ],
        vec![edge("users", "lb", 1.0), edge("lb", "api", 0.5)],
    );
    d.workload.warmup_s = 0.0;
    d
}

fn instances(sim: &Simulation) -> u32 {
    sim.report().nodes["api"].instances
}

#[test]
fn the_autoscaler_converges_like_hpa_and_respects_max_and_stabilisation() {
    let lambda: f64 = 2_000.0;
    let expected = (lambda / (400.0 * 0.6)).ceil() as u32; // 9
    let mut sim = Simulation::new(&autoscaled(lambda, 20)).unwrap();
    sim.run_until(300 * NS_PER_S);
    assert_eq!(instances(&sim), expected, "ceil(λ / (capacity × target))");
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert!(log
        .iter()
        .any(|e| matches!(e.what, LogWhat::Scaled { from: 2, .. })));
    assert!(log.iter().any(|e| matches!(e.what, LogWhat::Booted { .. })));
    // The load drops to 30 %: the stabilisation window (60 s) holds the size first.
    sim.set_traffic_factor(0.3);
    sim.run_until(345 * NS_PER_S);
    assert_eq!(instances(&sim), expected, "no scale-down inside the window");
    sim.run_until(480 * NS_PER_S);
    // After the window the rule gives ceil(0.3 λ / (capacity × target)) = ceil(2.5) = 3.
    let down = (0.3 * lambda / (400.0 * 0.6)).ceil() as u32;
    assert_eq!(down, 3);
    assert_eq!(
        instances(&sim),
        down,
        "scaled down after the window to the rule's size"
    );
    sim.check_invariants().unwrap();

    let mut capped = Simulation::new(&autoscaled(lambda, 6)).unwrap();
    let mut seen = 0;
    for t in 1..=30 {
        capped.run_until(t * 10 * NS_PER_S);
        seen = seen.max(instances(&capped));
    }
    assert_eq!(seen, 6, "never above max");
}

/// On the request-rate metric the HPA rule is ceil(λ / target) once the load is spread over
/// the ready instances: 2,000 req/s at 300 req/s per instance → 7 (from 2), whatever the CPU.
#[test]
fn the_rate_autoscaler_sizes_the_pool_to_the_offered_rate_per_instance() {
    let lambda: f64 = 2_000.0;
    let mut d = autoscaled(lambda, 20);
    if let Some(NodeSpec::Server(p)) = d.node_mut("api").map(|n| &mut n.spec) {
        p.autoscale.metric = ScaleMetric::Rps;
        p.autoscale.target = 300.0;
    }
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(300 * NS_PER_S);
    let expected = (lambda / 300.0).ceil() as u32;
    assert_eq!(expected, 7);
    assert_eq!(
        instances(&sim),
        expected,
        "ceil(λ / target rate per instance)"
    );
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    let first_step = log.iter().find_map(|e| match e.what {
        LogWhat::Scaled { from, to, .. } => Some((from, to)),
        _ => None,
    });
    assert_eq!(
        first_step,
        Some((2, 7)),
        "2 instances at 1,000 req/s each → 7"
    );
    sim.check_invariants().unwrap();
}

#[test]
fn scheduled_scaling_raises_the_floor_for_the_peak() {
    let mut d = autoscaled(300.0, 20);
    if let Some(NodeSpec::Server(p)) = d.node_mut("api").map(|n| &mut n.spec) {
        p.autoscale.schedule = vec![
            ScheduledScaling {
                at_s: 60.0,
                min: 5,
                max: 20,
            },
            ScheduledScaling {
                at_s: 200.0,
                min: 1,
                max: 20,
            },
        ];
    }
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(50 * NS_PER_S);
    assert!(instances(&sim) <= 2, "off-peak: small");
    sim.run_until(120 * NS_PER_S);
    assert_eq!(instances(&sim), 5, "peak floor");
}

#[test]
fn the_chaos_timeline_runs_kills_revives_slowdowns_and_spikes_on_time() {
    let mut d = pool(false);
    d.chaos = vec![
        ChaosEvent {
            at_s: 5.0,
            action: ChaosAction::Kill {
                node: "api".into(),
                instance: None,
            },
        },
        ChaosEvent {
            at_s: 8.0,
            action: ChaosAction::Revive {
                node: "api".into(),
                instance: None,
            },
        },
        ChaosEvent {
            at_s: 12.0,
            action: ChaosAction::Slow {
                node: "api".into(),
                factor: 10.0,
            },
        },
        ChaosEvent {
            at_s: 16.0,
            action: ChaosAction::Slow {
                node: "api".into(),
                factor: 1.0,
            },
        },
        ChaosEvent {
            at_s: 20.0,
            action: ChaosAction::Traffic { factor: 3.0 },
        },
        ChaosEvent {
            at_s: 22.0,
            action: ChaosAction::Errors {
                node: "lb".into(),
                rate: 0.5,
            },
        },
    ];
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(25 * NS_PER_S);
    sim.check_invariants().unwrap();
    let s: Vec<_> = sim.series().copied().collect();
    let at = |t: f64| s.iter().find(|x| x.t_s == t).copied().unwrap();
    assert_eq!(at(5.0).failed_per_s, 0.0);
    assert_eq!(at(7.0).error_rate, 1.0, "killed at 5 s");
    assert_eq!(at(10.0).failed_per_s, 0.0, "revived at 8 s");
    assert!(
        at(14.0).p99_ms.unwrap() > 5.0 * at(11.0).p99_ms.unwrap(),
        "slowed at 12 s"
    );
    assert!(
        at(21.0).generated_per_s > 2.5 * at(19.0).generated_per_s,
        "spike at 20 s"
    );
    // One second of about 1,500 answers, each failing with probability 0.5: the standard
    // error of the share is 0.5/√n ≈ 0.013, and the tolerance is 4 of them (≈ 0.05).
    // `an_injected_error_rate_fails_that_share_of_requests` checks the rate on 100,000.
    let answered = at(24.0).throughput + at(24.0).failed_per_s;
    let four_sigma = 4.0 * 0.5 / answered.sqrt();
    eprintln!(
        "injected 0.5: {:.4} of {answered} answers (tolerance ±{four_sigma:.4})",
        at(24.0).error_rate
    );
    assert!(
        (at(24.0).error_rate - 0.5).abs() < four_sigma,
        "half fail from 22 s: {} of {answered}",
        at(24.0).error_rate
    );
    assert!(sim.report().end_to_end.failures["injected"] > 0);
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert_eq!(
        log.iter()
            .filter(|e| matches!(e.what, LogWhat::Chaos { .. }))
            .count(),
        6
    );
    // A timeline naming a node that does not exist is refused with the place.
    let mut bad = d.clone();
    bad.chaos.push(ChaosEvent {
        at_s: 1.0,
        action: ChaosAction::Kill {
            node: "ghost".into(),
            instance: None,
        },
    });
    assert!(bad
        .errors()
        .iter()
        .any(|p| p.field.as_deref() == Some("chaos[6]") && p.message.contains("ghost")));
}

#[test]
fn zones_fail_together_and_partitions_cut_edges() {
    let mut d = pool(true);
    if let Some(NodeSpec::Server(p)) = d.node_mut("api").map(|n| &mut n.spec) {
        p.zones = vec!["a".into(), "b".into()];
    }
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(5 * NS_PER_S);
    sim.set_zone_up("a", false);
    sim.run_until(15 * NS_PER_S);
    assert!(
        failed_in(&sim, 6.0) > 100.0,
        "half the instances were in zone a"
    );
    assert_eq!(
        failed_in(&sim, 14.0),
        0.0,
        "health checks route around the zone"
    );
    assert_eq!(sim.unhealthy_backends("lb").len(), 2);
    sim.set_zone_up("a", true);
    sim.set_edge_cut("lb-api", true).unwrap();
    assert!(sim.set_edge_cut("nowhere", true).is_err());
    sim.run_until(20 * NS_PER_S);
    assert_eq!(
        sim.series().last().unwrap().error_rate,
        1.0,
        "the only path is cut"
    );
    assert!(sim.report().end_to_end.failures["partitioned"] > 0);
    assert_eq!(sim.cut_edges(), vec!["lb-api".to_string()]);
    sim.set_edge_cut("lb-api", false).unwrap();
    sim.run_until(30 * NS_PER_S);
    assert_eq!(sim.series().last().unwrap().failed_per_s, 0.0);
    sim.check_invariants().unwrap();
}

#[test]
fn cost_accumulates_and_reserved_instances_are_cheaper_but_always_paid() {
    let mut p = server(4, 8, 100, 5.0);
    p.cost_per_hour = 0.10;
    p.size = InstanceSize::Medium; // ×2: $0.20 per instance-hour
    assert!((p.cost_per_hour_for(4) - 0.80).abs() < 1e-12);
    p.reserved_instances = 2;
    p.reserved_discount = 0.5;
    // 2 reserved at half price + 2 on demand.
    assert!((p.cost_per_hour_for(4) - (0.20 + 0.40)).abs() < 1e-12);
    // Reserved capacity is paid even when idle.
    assert!((p.cost_per_hour_for(1) - 0.20).abs() < 1e-12);
    let d = diagram(
        54,
        vec![
            Node::new("users", NodeSpec::Client(client(100.0))),
            Node::new("api", NodeSpec::Server(p)),
        ],
        vec![edge("users", "api", 1.0)],
    );
    let (_, r) = run(&d, 0.0, 3_600.0);
    assert!(
        (r.end_to_end.cost_total - 0.60).abs() < 1e-6,
        "{}",
        r.end_to_end.cost_total
    );
}

#[test]
fn slo_burn_is_reported() {
    let mut sim = Simulation::new(&pool(false)).unwrap();
    sim.run_until(5 * NS_PER_S);
    sim.set_instance_up("api", 0, false).unwrap();
    sim.run_until(30 * NS_PER_S);
    let slo = sim.report().end_to_end.slo;
    assert!(!slo.met);
    assert!(slo.success_ratio < 0.9);
    // A quarter of requests failing against a 0.1 % budget burns it ~200× too fast.
    assert!(slo.error_budget_burn > 100.0, "{slo:?}");
}

/// An injected error rate of 0.5 at the balancer fails each request with probability 0.5,
/// independently: on n = 100,000 requests the failed share's standard error is 0.5/√n ≈ 0.0016
/// and the tolerance is 4 of them (±0.0063). Every failure is the injected one.
#[test]
fn an_injected_error_rate_fails_that_share_of_requests() {
    let mut d = pool(false);
    d.chaos = vec![ChaosEvent {
        at_s: 0.0,
        action: ChaosAction::Errors {
            node: "lb".into(),
            rate: 0.5,
        },
    }];
    let (_, r) = run(&d, 1.0, 200.0);
    let e = &r.end_to_end;
    let answered = (e.completed + e.failed) as f64;
    let share = e.failures["injected"] as f64 / answered;
    let four_sigma = 4.0 * 0.5 / answered.sqrt();
    eprintln!("injected 0.5: {share:.5} of {answered} (tolerance ±{four_sigma:.5})");
    assert!(answered >= 99_000.0, "{answered} answers");
    assert!((share - 0.5).abs() < four_sigma, "{share} of {answered}");
    assert_eq!(e.failed, e.failures["injected"], "{:?}", e.failures);
}
