//! Long-lived connections: every connection is accounted for at every instant (opened = open +
//! closed + dropped + drained); round robin spreads connects over backends exactly in arrival
//! order; messages follow their connection; scale-in drains (clients reconnect at once) while
//! a crash drops; after a revival round robin leaves the revived backend with few
//! connections and least connections fills it. Fixed seeds.

use super::tests::{diagram, edge};
use super::*;
use crate::diagram::*;
use crate::time::secs_to_ns;

/// `users` (connects at `rate`/s living `lifetime_s`, `mps` messages/s each) → balancer `lb`
/// (`algorithm`) → server group `api` of `instances`, fast enough never to queue.
fn long_connections(
    rate: f64,
    lifetime_s: f64,
    mps: f64,
    algorithm: Algorithm,
    instances: u32,
) -> Diagram {
    let users = ClientParams {
        timeout_ms: 0.0,
        connections: Some(ConnectionParams {
            connect_rate_per_s: rate,
            lifetime_s,
            messages_per_s: mps,
        }),
        ..Default::default()
    };
    let lb = LoadBalancerParams {
        algorithm,
        ..Default::default()
    };
    let api = ServerParams {
        instances,
        workers: 64,
        queue_capacity: 1_000,
        service: ServiceTime {
            distribution: Distribution::Constant,
            mean_ms: 1.0,
            cv: 0.0,
        },
        ..Default::default()
    };
    diagram(
        2020,
        vec![
            Node::new("users", NodeSpec::Client(users)),
            Node::new("lb", NodeSpec::LoadBalancer(lb)),
            Node::new("api", NodeSpec::Server(api)),
        ],
        vec![edge("users", "lb", 1.0), edge("lb", "api", 1.0)],
    )
}

fn start(d: &Diagram) -> Simulation {
    let cfg = RunConfig::for_run(secs_to_ns(600.0), 0);
    Simulation::with_config(d, cfg).expect("valid diagram")
}

/// The balancer's distribution at `t_s`, after checking every invariant.
fn spread_at(sim: &mut Simulation, t_s: f64) -> BalancerReport {
    sim.run_until(secs_to_ns(t_s));
    sim.check_invariants().expect("invariants hold");
    sim.report().nodes["lb"]
        .balancer
        .clone()
        .expect("a balancer report")
}

fn open_on(r: &BalancerReport, backend: &str) -> u64 {
    r.backends
        .iter()
        .find(|b| b.backend == backend)
        .and_then(|b| b.open_connections)
        .unwrap_or(0)
}

fn counts(r: &BalancerReport) -> ConnectionCounts {
    r.connections.expect("connection counts")
}

fn with_instances(sim: &Simulation, n: u32) -> Diagram {
    let mut d = sim.diagram().clone();
    for node in &mut d.nodes {
        if let NodeSpec::Server(p) = &mut node.spec {
            p.instances = n;
        }
    }
    d
}

/// No connect failed, and the k-th of them went to backend k mod 3.
fn assert_connects_in_arrival_order(r: &BalancerReport, t: f64) {
    let c = counts(r);
    assert_eq!(c.dropped + c.drained, 0);
    let opened: Vec<u64> = r
        .backends
        .iter()
        .map(|b| b.connections_opened.unwrap())
        .collect();
    let want: Vec<u64> = (0..3)
        .map(|b| c.opened / 3 + u64::from(b < c.opened % 3))
        .collect();
    assert_eq!(
        opened, want,
        "t = {t}: {} connects split in arrival order",
        c.opened
    );
}

#[test]
fn round_robin_spreads_connects_exactly_in_arrival_order() {
    let d = long_connections(30.0, 20.0, 2.0, Algorithm::RoundRobin, 3);
    let mut sim = start(&d);
    for t in [10.0, 37.0, 120.0] {
        let r = spread_at(&mut sim, t);
        // Nothing failed: every connect reached a backend, the k-th one backend k mod 3.
        assert_connects_in_arrival_order(&r, t);
    }
}

/// Least connections breaks ties in turn, not always from the first backend: when every
/// connection (1 ms) has closed long before the next one arrives (≈ 1 s apart), all backends
/// tie at zero and the connects go round in arrival order, exactly like round robin.
#[test]
fn least_connections_takes_turns_when_every_backend_is_idle() {
    let d = long_connections(1.0, 0.001, 0.0, Algorithm::LeastOutstanding, 3);
    let mut sim = start(&d);
    for t in [4.0, 11.0, 40.0] {
        let r = spread_at(&mut sim, t);
        assert!(counts(&r).opened >= 3, "t = {t}: too few connects");
        assert_connects_in_arrival_order(&r, t);
    }
}

#[test]
fn every_connection_is_open_closed_dropped_or_drained_at_every_instant() {
    let d = long_connections(40.0, 30.0, 1.0, Algorithm::RoundRobin, 4);
    let mut sim = start(&d);
    // Conservation is checked by `check_invariants` at each step (see `spread_at`), through a
    // crash, a revival, a scale-in, a scale-out and a kill of the balancer.
    for t in (1..=60).map(f64::from) {
        spread_at(&mut sim, t);
    }
    sim.set_instance_up("api", 1, false).unwrap();
    for t in (61..=80).map(f64::from) {
        spread_at(&mut sim, t);
    }
    sim.set_instance_up("api", 1, true).unwrap();
    let shrunk = with_instances(&sim, 2);
    sim.sync(&shrunk).unwrap();
    spread_at(&mut sim, 100.0);
    let grown = with_instances(&sim, 5);
    sim.sync(&grown).unwrap();
    spread_at(&mut sim, 120.0);
    sim.set_up("lb", false).unwrap();
    let r = spread_at(&mut sim, 121.0);
    let c = counts(&r);
    eprintln!("after 121 s: {c:?}");
    assert!(c.closed > 0 && c.dropped > 0 && c.drained > 0, "{c:?}");
    assert_eq!(c.open, 0, "a dead balancer holds no connection");
    assert_eq!(
        sim.connection_counts(),
        Some(c),
        "one balancer: same counts"
    );
}

#[test]
fn messages_go_to_the_backend_their_connection_was_pinned_to() {
    let d = long_connections(5.0, 1e6, 40.0, Algorithm::RoundRobin, 3);
    let mut sim = start(&d);
    // Run until the first connect, then stop connects: one connection, open for ever.
    while sim.connection_counts().is_none_or(|c| c.opened == 0) {
        assert!(sim.step());
    }
    let mut one = sim.diagram().clone();
    if let NodeSpec::Client(p) = &mut one.nodes[0].spec {
        if let Some(k) = &mut p.connections {
            k.connect_rate_per_s = 0.0;
        }
    }
    sim.sync(&one).unwrap();
    let r = spread_at(&mut sim, 60.0);
    let requests: Vec<u64> = r.backends.iter().map(|b| b.requests).collect();
    let total = sim.report().end_to_end.generated;
    eprintln!("one connection, {total} messages: {requests:?}");
    assert!(total > 2_000, "40 messages a second for a minute: {total}");
    // Round robin over requests would have split them in three; the connection keeps them.
    assert_eq!(requests[1..], [0, 0]);
    // The rest were still on their way to the balancer.
    assert!(total - requests[0] <= sim.requests_in_flight());
    assert_eq!(counts(&r).open, 1);
}

#[test]
fn scale_in_drains_connections_and_their_clients_reconnect_at_once() {
    let d = long_connections(20.0, 300.0, 0.5, Algorithm::RoundRobin, 3);
    let mut sim = start(&d);
    let before = spread_at(&mut sim, 120.0);
    let on_leaving = open_on(&before, "api#2");
    assert!(on_leaving > 500, "api#2 holds a third: {on_leaving}");
    // Scale in to two instances (the newest, api#2, leaves): a graceful scale-in.
    sim.sync(&with_instances(&sim, 2)).unwrap();
    sim.check_invariants().expect("invariants hold");
    let after = sim.report().nodes["lb"].balancer.clone().unwrap();
    let (b, a) = (counts(&before), counts(&after));
    eprintln!("scale-in: {on_leaving} on api#2 drained; {b:?} → {a:?}");
    assert_eq!(
        a.drained - b.drained,
        on_leaving,
        "every connection on api#2"
    );
    assert_eq!(a.dropped, b.dropped, "none dropped");
    assert_eq!(a.open, b.open, "each drained client reconnected at once");
    assert_eq!(open_on(&after, "api#2"), 0);
    assert_eq!(after.backends.len(), 2);
    // Reconnects go round robin over the two that remain: they differ by at most one.
    let gained: Vec<u64> = ["api#0", "api#1"]
        .iter()
        .map(|x| open_on(&after, x) - open_on(&before, x))
        .collect();
    assert_eq!(gained.iter().sum::<u64>(), on_leaving);
    assert!(gained[0].abs_diff(gained[1]) <= 1, "{gained:?}");
    // The event log says so, at the balancer.
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert!(log.iter().any(|e| e.node == "lb"
        && e.what
            == LogWhat::ConnectionsDrained {
                connections: on_leaving
            }));
}

#[test]
fn a_crash_drops_the_connections_of_the_instance_it_kills() {
    let d = long_connections(20.0, 300.0, 0.5, Algorithm::RoundRobin, 3);
    let mut sim = start(&d);
    let before = spread_at(&mut sim, 90.0);
    let on_killed = open_on(&before, "api#1");
    sim.set_instance_up("api", 1, false).unwrap();
    sim.check_invariants().expect("invariants hold");
    let after = sim.report().nodes["lb"].balancer.clone().unwrap();
    let (b, a) = (counts(&before), counts(&after));
    eprintln!("crash: {on_killed} on api#1 dropped; {b:?} → {a:?}");
    assert!(on_killed > 400);
    assert_eq!(a.dropped - b.dropped, on_killed);
    assert_eq!(a.drained, b.drained, "a crash does not drain");
    assert_eq!(
        a.open,
        b.open - on_killed,
        "cut: nobody reconnected for them"
    );
    assert_eq!(open_on(&after, "api#1"), 0);
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert!(log.iter().any(|e| e.node == "api"
        && e.what
            == LogWhat::ConnectionsDropped {
                connections: on_killed
            }));
}

/// Open connections on each backend `secs` after api#2 comes back from a crash.
fn after_revival(algorithm: Algorithm, secs: f64) -> Vec<u64> {
    let d = long_connections(20.0, 300.0, 0.2, algorithm, 3);
    let mut sim = start(&d);
    sim.run_until(secs_to_ns(300.0));
    sim.set_instance_up("api", 2, false).unwrap();
    sim.run_until(secs_to_ns(301.0));
    sim.set_instance_up("api", 2, true).unwrap();
    let r = spread_at(&mut sim, 301.0 + secs);
    r.backends
        .iter()
        .map(|b| b.open_connections.unwrap())
        .collect()
}

#[test]
fn after_a_revival_round_robin_starves_the_backend_least_connections_fills_it() {
    // 20 connects a second living 300 s on average: ~6000 open, ~2000 per backend. After
    // api#2 crashes and comes back, round robin gives it a third of the new connects only,
    // so 60 s later it holds about 60·20/3 = 400 against ~2000 on the others; least
    // connections sends it every new connect until it has caught up (60·20 = 1200 connects
    // in 60 s, against the others' losses to closures).
    let rr = after_revival(Algorithm::RoundRobin, 60.0);
    let lc = after_revival(Algorithm::LeastOutstanding, 60.0);
    eprintln!("60 s after the revival: round robin {rr:?}, least connections {lc:?}");
    let others = |v: &[u64]| (v[0] + v[1]) as f64 / 2.0;
    assert!(
        (rr[2] as f64) < others(&rr) / 3.0,
        "round robin leaves api#2 starved: {rr:?}"
    );
    assert!(
        lc[2] as f64 > 0.5 * others(&lc),
        "least connections fills api#2: {lc:?}"
    );
    // Once caught up, least connections keeps all three within 3 of each other (measured:
    // equal).
    let lc = after_revival(Algorithm::LeastOutstanding, 240.0);
    let (lo, hi) = (lc.iter().min().unwrap(), lc.iter().max().unwrap());
    eprintln!("240 s after the revival, least connections: {lc:?}");
    assert!(hi - lo <= 3, "{lc:?}");
}

#[test]
fn autoscaler_scale_in_drains_and_drops_none() {
    // 30 connects/s living 20 s with a message a second: ~600 req/s, against instances of
    // 4 workers × 20 ms = 200 req/s aiming at half of it: about 6 instances. Connects fall to
    // a tenth at 60 s: load falls, the autoscaler scales in after its 30 s stabilisation
    // window, and every connection on a leaving instance is drained.
    let mut d = long_connections(30.0, 20.0, 1.0, Algorithm::RoundRobin, 4);
    if let NodeSpec::Client(p) = &mut d.nodes[0].spec {
        p.profile = Profile::Step {
            at_s: 60.0,
            factor: 0.1,
        };
    }
    if let NodeSpec::Server(p) = &mut d.nodes[2].spec {
        p.workers = 4;
        p.service.mean_ms = 20.0;
        p.autoscale = Autoscale {
            enabled: true,
            min: 1,
            max: 8,
            target: 0.5,
            interval_s: 5.0,
            stabilization_s: 30.0,
            boot_s: 0.0,
            ..Default::default()
        };
    }
    let mut sim = start(&d);
    let r = spread_at(&mut sim, 200.0);
    let c = counts(&r);
    let instances = sim.report().nodes["api"].instances;
    eprintln!("after the fall: {instances} instances, {c:?}");
    assert!(instances < 4, "scaled in: {instances}");
    assert!(c.drained > 0, "{c:?}");
    assert_eq!(c.dropped, 0, "a scale-in never cuts a connection");
}

#[test]
fn a_diagram_without_connections_reports_none_and_sends_requests_round_robin() {
    let d = long_connections(30.0, 20.0, 2.0, Algorithm::RoundRobin, 3);
    let mut plain = d.clone();
    if let NodeSpec::Client(p) = &mut plain.nodes[0].spec {
        p.connections = None;
        p.rate_rps = 200.0;
    }
    let mut sim = start(&plain);
    let r = spread_at(&mut sim, 30.0);
    assert_eq!(sim.connection_counts(), None);
    assert_eq!(r.connections, None);
    assert!(r.backends.iter().all(|b| b.open_connections.is_none()));
    // Requests, one by one in arrival order: the k-th to backend k mod 3.
    let total: u64 = r.backends.iter().map(|b| b.requests).sum();
    let got: Vec<u64> = r.backends.iter().map(|b| b.requests).collect();
    let want: Vec<u64> = (0..3)
        .map(|b| total / 3 + u64::from(b < total % 3))
        .collect();
    assert_eq!(got, want);
    let generated = sim.report().end_to_end.generated;
    assert!(generated - total <= sim.requests_in_flight());
}

/// The example replays exactly, seed for seed, scale-out and drains included.
#[test]
fn the_long_connections_example_replays_exactly() {
    let path = format!(
        "{}/../../examples/long-connections.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let d = Diagram::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let json = || {
        let mut sim = Simulation::new(&d).unwrap();
        sim.run_until(secs_to_ns(300.0));
        sim.check_invariants().unwrap();
        serde_json::to_string(&sim.report()).unwrap()
    };
    let first = json();
    assert_eq!(first, json());
    assert!(first.contains("\"drained\""));
}
