//! Going global: regions, traffic managers, CDNs and cross-region replication, checked against
//! closed forms and exact invariants with fixed seeds.

use super::tests::{client, diagram, edge, run, server};
use super::*;
use crate::diagram::*;
use crate::ComponentKind;

fn in_region(mut n: Node, region: &str) -> Node {
    n.region = region.into();
    n
}

fn regions(ids: &[&str]) -> Vec<Region> {
    ids.iter().map(|id| Region::new(*id)).collect()
}

/// Users in us-east call `api` in eu-west, which calls `search` in ap-northeast. Both servers
/// have far more workers than requests in flight, so nobody queues: the mean end-to-end latency
/// is the sum of the network (edge + half the round trip, both ways) and the mean service times.
fn three_regions(seed: u64) -> Diagram {
    let mut d = diagram(
        seed,
        vec![
            in_region(
                Node::new("users", NodeSpec::Client(client(100.0))),
                "us-east",
            ),
            in_region(
                Node::new("api", NodeSpec::Server(server(1, 1_000, 0, 10.0))),
                "eu-west",
            ),
            in_region(
                Node::new("search", NodeSpec::Server(server(1, 1_000, 0, 5.0))),
                "ap-northeast",
            ),
        ],
        vec![edge("users", "api", 5.0), edge("api", "search", 1.0)],
    );
    d.regions = regions(&["us-east", "eu-west", "ap-northeast"]);
    d
}

fn mean_ci(r: &Report) -> crate::metrics::Interval {
    r.end_to_end.ci95.clone().unwrap().mean_ms.unwrap()
}

#[test]
fn a_cross_region_path_pays_edges_plus_round_trips_plus_service() {
    let d = three_regions(11);
    // us-east↔eu-west 70 ms and eu-west↔ap-northeast 210 ms round trips (the default table).
    let theory = 2.0 * (5.0 + 70.0 / 2.0) + 10.0 + 2.0 * (1.0 + 210.0 / 2.0) + 5.0;
    let (_, r) = run(&d, 5.0, 400.0);
    let ci = mean_ci(&r);
    eprintln!(
        "three regions: mean {:.2} ms, 95 % [{:.2}, {:.2}], theory {theory}",
        ci.estimate, ci.low, ci.high
    );
    assert!(ci.low <= theory && theory <= ci.high, "{ci:?} vs {theory}");
    assert_eq!(r.end_to_end.failed, 0);

    // An explicit round trip overrides the table, for that pair only.
    let mut d = three_regions(12);
    d.region_latency.push(RegionLatency {
        a: "eu-west".into(),
        b: "us-east".into(),
        rtt_ms: 150.0,
    });
    let theory = 2.0 * (5.0 + 150.0 / 2.0) + 10.0 + 2.0 * (1.0 + 210.0 / 2.0) + 5.0;
    let (_, r) = run(&d, 5.0, 400.0);
    let ci = mean_ci(&r);
    assert!(ci.low <= theory && theory <= ci.high, "{ci:?} vs {theory}");
}

#[test]
fn regions_that_are_not_crossed_change_nothing() {
    // The same path with no regions, with regions declared but unused, and with every node in
    // one region: identical runs, to the last event.
    let mut plain = three_regions(3);
    plain.regions.clear();
    for n in &mut plain.nodes {
        n.region.clear();
    }
    // (The report by user region is the one addition regions make.)
    let json = |d: &Diagram| {
        let mut r = run(d, 1.0, 20.0).1;
        r.end_to_end.regions.clear();
        serde_json::to_string(&r).unwrap()
    };
    let base = json(&plain);
    let mut declared = plain.clone();
    declared.regions = regions(&["us-east", "eu-west"]);
    assert_eq!(json(&declared), base);
    let mut together = declared.clone();
    for n in &mut together.nodes {
        n.region = "eu-west".into();
    }
    assert_eq!(json(&together), base);
}

/// Users spread over three regions, a traffic manager, and two regional stacks (`us` in
/// us-east, `eu` in eu-west; nothing in ap-northeast). Servers never queue and requests never
/// time out, so every request's fate is decided by routing alone.
fn global(seed: u64, shares: &[(&str, f64)], tm: TrafficManagerParams) -> Diagram {
    let mut users = client(200.0);
    users.regions = shares
        .iter()
        .map(|(r, s)| RegionShare {
            region: (*r).into(),
            share: *s,
        })
        .collect();
    let mut api = server(1, 1_000, 0, 5.0);
    api.service.distribution = Distribution::Constant;
    let mut d = diagram(
        seed,
        vec![
            Node::new("users", NodeSpec::Client(users)),
            Node::new("dns", NodeSpec::TrafficManager(tm)),
            in_region(Node::new("eu", NodeSpec::Server(api.clone())), "eu-west"),
            in_region(Node::new("us", NodeSpec::Server(api)), "us-east"),
        ],
        vec![
            edge("users", "dns", 0.0),
            edge("dns", "eu", 1.0),
            edge("dns", "us", 1.0),
        ],
    );
    d.regions = regions(&["us-east", "eu-west", "ap-northeast"]);
    d
}

fn sent(sim: &Simulation, edge: &str) -> u64 {
    sim.core
        .edges
        .iter()
        .find(|e| e.name == edge)
        .map_or(0, |e| e.sent)
}

/// Requests generated since the start by users in `region`.
fn generated_in(sim: &Simulation, region: &str) -> u64 {
    let i = sim.core.regions.index(region) as usize;
    sim.core.e2e.regions[i].lifetime_generated
}

#[test]
fn latency_routing_sends_each_user_to_the_nearest_region_and_geo_to_its_own_or_the_default() {
    let shares = [("us-east", 0.5), ("eu-west", 0.3), ("ap-northeast", 0.2)];
    let (sim, r) = run(&global(5, &shares, Default::default()), 1.0, 30.0);
    let (us, eu, ap) = (
        generated_in(&sim, "us-east"),
        generated_in(&sim, "eu-west"),
        generated_in(&sim, "ap-northeast"),
    );
    // Shares of users are drawn as configured…
    let total = (us + eu + ap) as f64;
    assert!((us as f64 / total - 0.5).abs() < 0.01 && (ap as f64 / total - 0.2).abs() < 0.01);
    // …and routing is exact: Tokyo/Seoul is nearer Virginia (150 ms) than Ireland (210 ms).
    assert_eq!(sent(&sim, "dns-us"), us + ap);
    assert_eq!(sent(&sim, "dns-eu"), eu);
    assert_eq!(r.end_to_end.failed, 0);
    // The report says the same.
    let targets = &r.nodes["dns"].traffic_manager.as_ref().unwrap().targets;
    assert_eq!(targets["eu"].share, eu as f64 / total);
    assert_eq!(targets["us"].region, "us-east");
    assert!(targets["us"].healthy && targets["eu"].healthy);
    // Each region's users see their own distance: 2 × (1 ms edge + RTT/2) + 5 ms service.
    let mean = |region: &str| r.end_to_end.regions[region].latency_ms.mean.unwrap();
    assert!((mean("us-east") - 7.0).abs() < 0.05, "{}", mean("us-east"));
    assert!((mean("eu-west") - 7.0).abs() < 0.05, "{}", mean("eu-west"));
    assert!((mean("ap-northeast") - 157.0).abs() < 0.05);
    // The live view (the last second) says the same per region, and its regions add up to the
    // whole system's second.
    let now = sim.regions_now();
    let live = |region: &str| now.iter().find(|x| x.region == region).unwrap();
    assert!((live("ap-northeast").mean_ms.unwrap() - 157.0).abs() < 0.05);
    assert!((live("us-east").mean_ms.unwrap() - 7.0).abs() < 0.05);
    let last = sim.series().last().unwrap();
    assert_eq!(
        now.iter().map(|x| x.throughput).sum::<f64>(),
        last.throughput
    );
    assert!(now.iter().all(|x| x.error_rate == 0.0));

    // Geolocation routing: own region if it has a target, else the default (the first edge,
    // eu) however far it is.
    let geo = TrafficManagerParams {
        policy: RoutingPolicy::Geo,
        ..Default::default()
    };
    let (sim, r) = run(&global(5, &shares, geo), 1.0, 30.0);
    let (us, eu, ap) = (
        generated_in(&sim, "us-east"),
        generated_in(&sim, "eu-west"),
        generated_in(&sim, "ap-northeast"),
    );
    assert_eq!(sent(&sim, "dns-us"), us);
    assert_eq!(sent(&sim, "dns-eu"), eu + ap);
    let ap_mean = r.end_to_end.regions["ap-northeast"]
        .latency_ms
        .mean
        .unwrap();
    assert!((ap_mean - 217.0).abs() < 0.05, "{ap_mean}");
}

/// The first request that reaches `to` (its arrival time) among the hops traced since the
/// last call.
fn first_arrival(sim: &mut Simulation, to: &str) -> Option<Time> {
    let slot = (0..).find(|&i| sim.node_id(i) == Some(to))?;
    let mut traces = Vec::new();
    sim.drain_traces(&mut traces);
    traces.iter().find_map(|t| match *t {
        Trace::Hop {
            at,
            to: t,
            latency,
            answer: false,
            ..
        } if t == slot => Some(at + latency),
        _ => None,
    })
}

/// Runs users in us-east only, kills the `us` stack at `kill_s` and returns the simulation,
/// when the manager declared `us` down, and when the first request reached `eu`.
fn failover(tm: TrafficManagerParams, kill_s: f64) -> (Simulation, Time, Time) {
    let mut d = global(8, &[("us-east", 1.0)], tm);
    d.chaos.push(ChaosEvent {
        at_s: kill_s,
        action: ChaosAction::Kill {
            node: "us".into(),
            instance: None,
        },
    });
    let mut sim = Simulation::with_config(&d, RunConfig::for_run(secs_to_ns(120.0), 0)).unwrap();
    // Every hop is traced, a simulated second at a time (the trace buffer is bounded).
    sim.set_trace_every(1);
    let mut moved = None;
    for t in 1..=120 {
        sim.run_until(t * NS_PER_S);
        let first = first_arrival(&mut sim, "eu");
        moved = moved.or(first);
    }
    sim.check_invariants().unwrap();
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    let down = log
        .iter()
        .find(|l| matches!(&l.what, LogWhat::TargetDown { target, region } if target == "us" && region == "us-east"))
        .map(|l| l.at)
        .expect("the outage is detected");
    (sim, down, moved.expect("traffic moves"))
}

#[test]
fn after_a_region_dies_traffic_moves_only_once_probes_notice_and_cached_answers_expire() {
    let s = NS_PER_S;
    let dns = TrafficManagerParams {
        dns_ttl_s: 25.0,
        ..Default::default()
    };
    for kill_s in [31.0, 39.5] {
        let (sim, down, moved) = failover(dns.clone(), kill_s);
        eprintln!("kill at {kill_s} s: down at {down} ns, traffic in eu from {moved} ns");
        // Probes every 10 s from t = 10 s: the first probe after the kill fails, and the third
        // failure in a row (threshold 3) declares the region down — within one probe interval
        // of kill + 2 intervals, exactly on a probe.
        assert_eq!(down, 60 * s, "kill at {kill_s}");
        // Users keep their cached answer until it expires: traffic reaches eu after the
        // detection, and at most one TTL (plus a request's wait and hop) later.
        assert!(moved > down, "moved at {moved} before detection at {down}");
        assert!(moved <= down + 25 * s + s / 10, "moved at {moved}");
        // In between, requests went to the dead region and failed with node_down.
        let failed: u64 = sim
            .failure_counts()
            .iter()
            .filter(|(c, at, _)| *c == Cause::NodeDown && at == "us")
            .map(|x| x.2)
            .sum();
        let window_s = (moved - secs_to_ns(kill_s)) as f64 / 1e9;
        assert!(
            (failed as f64 - 200.0 * window_s).abs() < 5.0 * (200.0 * window_s).sqrt(),
            "{failed} failures in a {window_s} s window"
        );
        // After the move nothing fails, and the report shows the region out of the answers.
        assert_eq!(sim.lifetime_counts().failed, failed);
        let targets = sim.report().nodes["dns"]
            .traffic_manager
            .clone()
            .unwrap()
            .targets;
        assert!(!targets["us"].healthy && targets["eu"].healthy);
    }
    // Anycast caches nothing: traffic moves with the very next request after detection.
    let anycast = TrafficManagerParams {
        anycast: true,
        ..dns
    };
    let (_, down, moved) = failover(anycast, 31.0);
    assert_eq!(down, 60 * s);
    assert!(moved > down && moved < down + s / 20, "moved at {moved}");
}

#[test]
fn a_redesign_is_routed_at_once_while_an_outage_waits_for_the_ttl() {
    // Users in eu-west behind a DNS TTL of a minute. Moving the `eu` stack to ap-northeast
    // makes `us` the nearest (70 ms against 210 ms): cached answers are for the old design and
    // must not keep users on it for a minute; moving it back (undo) routes back just as fast.
    let dns = TrafficManagerParams {
        dns_ttl_s: 60.0,
        ..Default::default()
    };
    let d = global(21, &[("eu-west", 1.0)], dns);
    let mut sim = Simulation::with_config(&d, RunConfig::for_run(secs_to_ns(30.0), 0)).unwrap();
    sim.run_until(5 * NS_PER_S);
    assert_eq!(sent(&sim, "dns-us"), 0);
    let eu_before = sent(&sim, "dns-eu");
    assert!(eu_before > 0);

    let mut moved = d.clone();
    moved.node_mut("eu").unwrap().region = "ap-northeast".into();
    sim.sync(&moved).unwrap();
    sim.run_until(10 * NS_PER_S);
    // Every request generated after the edit goes to us; only those already past the manager
    // (a hop of 1 ms) may still arrive at eu.
    assert!(
        sent(&sim, "dns-eu") - eu_before < 5,
        "{}",
        sent(&sim, "dns-eu") - eu_before
    );
    let us_after = sent(&sim, "dns-us");
    assert!(
        (us_after as f64 - 5.0 * 200.0).abs() < 5.0 * (5.0f64 * 200.0).sqrt(),
        "{us_after}"
    );

    sim.sync(&d).unwrap();
    sim.run_until(15 * NS_PER_S);
    assert!(sent(&sim, "dns-us") - us_after < 5);
    sim.check_invariants().unwrap();
}

/// Extends a random diagram of the conservation test (`tests::random`) with regions, users
/// spread over them, and traffic managers in front of some clients.
pub(super) fn go_global(d: &mut Diagram, rng: &mut crate::dist::Rng) {
    if rng.bernoulli(0.4) {
        return;
    }
    let names = ["us-east", "eu-west", "mars"];
    d.regions = regions(&names);
    if rng.bernoulli(0.5) {
        d.region_latency.push(RegionLatency {
            a: "mars".into(),
            b: "us-east".into(),
            rtt_ms: 300.0 * rng.uniform(),
        });
    }
    let pick =
        |rng: &mut crate::dist::Rng| ["", names[0], names[1], names[2]][rng.below(4) as usize];
    for n in &mut d.nodes {
        n.region = pick(rng).into();
        if let NodeSpec::Database(p) = &mut n.spec {
            if rng.bernoulli(0.5) {
                p.regions = vec![pick(rng).to_owned(), names[rng.below(3) as usize].into()]
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .collect();
            }
        }
        if let NodeSpec::Client(p) = &mut n.spec {
            if rng.bernoulli(0.5) {
                p.regions = (0..1 + rng.below(3))
                    .map(|i| RegionShare {
                        region: names[i as usize].into(),
                        share: 0.1 + rng.uniform(),
                    })
                    .collect();
            }
        }
    }
    // A traffic manager takes over some clients' first hop and spreads it over a few of the
    // servers and balancers.
    let clients: Vec<String> = d
        .nodes
        .iter()
        .filter(|n| n.kind() == ComponentKind::Client)
        .map(|n| n.id.clone())
        .collect();
    let entries: Vec<String> = d
        .nodes
        .iter()
        .filter(|n| {
            matches!(
                n.kind(),
                ComponentKind::Server | ComponentKind::LoadBalancer
            )
        })
        .map(|n| n.id.clone())
        .collect();
    // A CDN in front of one client's target.
    if let Some(c) = clients.first().filter(|_| rng.bernoulli(0.6)) {
        if let Some(e) = d.edges.iter_mut().find(|e| &e.from == c) {
            let target = std::mem::replace(&mut e.to, "cdn".into());
            let cdn = CdnParams {
                capacity_keys: 1 + rng.below(50),
                ttl_ms: 100.0 * rng.uniform(),
                edge_latency_ms: rng.uniform(),
                shield: rng.bernoulli(0.5),
            };
            d.nodes.push(Node::new("cdn", NodeSpec::Cdn(cdn)));
            d.edges.push(edge("cdn", &target, rng.uniform()));
        }
    }
    if rng.bernoulli(0.7) {
        let tm = TrafficManagerParams {
            policy: [RoutingPolicy::Latency, RoutingPolicy::Geo][rng.below(2) as usize],
            anycast: rng.bernoulli(0.3),
            probe_interval_ms: 50.0 + 300.0 * rng.uniform(),
            unhealthy_threshold: 1 + rng.below(3) as u32,
            healthy_threshold: 1 + rng.below(3) as u32,
            dns_ttl_s: rng.uniform(),
        };
        d.nodes.push(Node::new("gtm", NodeSpec::TrafficManager(tm)));
        for c in &clients {
            if rng.bernoulli(0.7) {
                d.edges.retain(|e| &e.from != c);
                d.edges.push(edge(c, "gtm", 5.0 * rng.uniform()));
            }
        }
        for t in &entries {
            if rng.bernoulli(0.5) || !d.edges.iter().any(|e| e.from == "gtm") {
                d.edges.push(edge("gtm", t, rng.uniform()));
            }
        }
    }
}

/// Read-only users split between us-east and eu-west behind a CDN whose origin (a server that
/// never queues, 5 ms constant) is in us-east.
fn cdn_diagram(seed: u64, zipf_s: f64, capacity: u64, shield: bool) -> Diagram {
    cdn_diagram_with(seed, zipf_s, capacity, shield, 2.0, 1.0)
}

fn cdn_diagram_with(
    seed: u64,
    zipf_s: f64,
    capacity: u64,
    shield: bool,
    edge_latency_ms: f64,
    hop_ms: f64,
) -> Diagram {
    let mut users = client(4_000.0);
    users.read_ratio = 1.0;
    users.key_space = 10_000;
    users.zipf_s = zipf_s;
    users.regions = ["us-east", "eu-west"]
        .iter()
        .map(|r| RegionShare {
            region: (*r).into(),
            share: 1.0,
        })
        .collect();
    let cdn = CdnParams {
        capacity_keys: capacity,
        ttl_ms: 0.0,
        edge_latency_ms,
        shield,
    };
    let mut origin = server(1, 10_000, 0, 5.0);
    origin.service.distribution = Distribution::Constant;
    let mut d = diagram(
        seed,
        vec![
            Node::new("users", NodeSpec::Client(users)),
            Node::new("cdn", NodeSpec::Cdn(cdn)),
            in_region(Node::new("origin", NodeSpec::Server(origin)), "us-east"),
        ],
        vec![edge("users", "cdn", hop_ms), edge("cdn", "origin", hop_ms)],
    );
    d.regions = regions(&["us-east", "eu-west"]);
    d
}

#[test]
fn each_regions_edge_hit_ratio_matches_ches_approximation_and_hits_skip_the_ocean() {
    use super::data_tests::che_hit_ratio;
    for (s, capacity) in [(0.8, 100), (0.8, 1_000), (1.2, 100), (1.2, 1_000)] {
        // Che assumes a miss fills the cache at once: here fills take 0.2 ms and the ocean is
        // made free, so each edge is the plain LRU the approximation describes.
        let mut d = cdn_diagram_with(41, s, capacity, false, 0.0, 0.1);
        d.region_latency.push(RegionLatency {
            a: "us-east".into(),
            b: "eu-west".into(),
            rtt_ms: 0.0,
        });
        let (_, r) = run(&d, 20.0, 100.0);
        let cdn = r.nodes["cdn"].cdn.as_ref().unwrap();
        let che = che_hit_ratio(&crate::dist::Zipf::new(10_000, s), capacity as f64);
        // Each edge serves 200,000 reads: the smallest hit ratio (0.156) has a binomial standard
        // error of 0.0008 (0.5 %), so 3 % is about 6 of them.
        for region in ["us-east", "eu-west"] {
            // Each edge sees its own Poisson half of the users: an independent LRU.
            let got = cdn.regions[region].hit_ratio.unwrap();
            eprintln!("CDN s={s} C={capacity} {region}: hit ratio {got:.4}, Che {che:.4}");
            assert!(
                (got - che).abs() / che < 0.03,
                "{region} s={s} C={capacity}: {got} vs {che}"
            );
        }
        // Every miss, and only a miss, reaches the origin.
        let misses: u64 = cdn.regions.values().map(|c| c.misses).sum();
        assert_eq!(cdn.origin_requests, misses);
    }
    // Across the ocean, what hits save shows in each region's mean latency.
    for (s, capacity) in [(0.8, 100), (1.2, 1_000)] {
        let (_, r) = run(&cdn_diagram(42, s, capacity, false), 5.0, 30.0);
        let cdn = r.nodes["cdn"].cdn.as_ref().unwrap();
        // A hit costs the user 1 + 2 + 1 ms; a miss from Ireland adds the edge→origin hop
        // (1 ms + half the 70 ms round trip, each way) and 5 ms at the origin.
        let eu = &cdn.regions["eu-west"];
        let h = eu.hit_ratio.unwrap();
        let want = 4.0 + (1.0 - h) * (2.0 * (1.0 + 35.0) + 5.0);
        let got = r.end_to_end.regions["eu-west"].latency_ms.mean.unwrap();
        assert!(
            (got - want).abs() / want < 0.005,
            "eu-west mean {got} vs {want}"
        );
    }
}

#[test]
fn a_shield_takes_the_misses_of_every_edge_before_the_origin() {
    let (_, plain) = run(&cdn_diagram(43, 0.8, 100, false), 10.0, 60.0);
    let (_, shielded) = run(&cdn_diagram(43, 0.8, 100, true), 10.0, 60.0);
    let (p, s) = (
        plain.nodes["cdn"].cdn.as_ref().unwrap(),
        shielded.nodes["cdn"].cdn.as_ref().unwrap(),
    );
    let shield = s.shield.as_ref().unwrap();
    // What the edges miss goes to the shield; only what the shield misses reaches the origin.
    let edge_misses: u64 = s.regions.values().map(|c| c.misses).sum();
    assert_eq!(shield.hits + shield.misses, edge_misses);
    assert_eq!(s.origin_requests, shield.misses);
    assert!(s.origin_requests < p.origin_requests);
    assert_eq!(shielded.end_to_end.failed, 0);
}

#[test]
fn writes_pass_through_a_cdn_and_leave_stale_copies_until_they_expire() {
    let mut d = cdn_diagram(44, 0.99, 1_000, false);
    if let NodeSpec::Client(c) = &mut d.node_mut("users").unwrap().spec {
        c.read_ratio = 0.9;
    }
    // A database behind the origin server: its commits make the edges' copies stale.
    if let NodeSpec::Cdn(c) = &mut d.node_mut("cdn").unwrap().spec {
        c.ttl_ms = 5_000.0;
    }
    d.nodes.push(in_region(
        Node::new(
            "db",
            NodeSpec::Database(DatabaseParams {
                connections: 1_000,
                ..Default::default()
            }),
        ),
        "us-east",
    ));
    d.edges.push(edge("origin", "db", 0.5));
    let (_, r) = run(&d, 5.0, 30.0);
    let cdn = r.nodes["cdn"].cdn.as_ref().unwrap();
    let misses: u64 = cdn.regions.values().map(|c| c.misses).sum();
    // Writes are not cached: they all reach the origin, with the read misses.
    assert_eq!(
        cdn.origin_requests,
        misses + r.nodes["cdn"].arrivals
            - cdn.regions.values().map(|c| c.hits + c.misses).sum::<u64>()
    );
    assert!(r.nodes["cdn"].cache.as_ref().unwrap().stale_hits > 0);
    assert!(r.end_to_end.stale_reads > 0);
}

/// The replica of `data_tests::replica_diagram` moved to eu-west, its primary in us-east.
fn cross_region_replica(seed: u64, replication: Replication) -> (Diagram, f64, f64) {
    let (mut d, w, lag) = super::data_tests::replica_diagram(seed, 1, replication);
    d.regions = regions(&["us-east", "eu-west"]);
    if let NodeSpec::Database(p) = &mut d.node_mut("db").unwrap().spec {
        p.regions = vec!["us-east".into(), "eu-west".into()];
    }
    (d, w, lag)
}

#[test]
fn a_replica_across_the_ocean_lags_by_half_the_round_trip_more() {
    // Async: a read at the replica is stale when a write committed within the last
    // L + RTT/2 = 50 + 35 ms, with probability 1 − e^{−w(L + RTT/2)}.
    let (d, w, lag) = cross_region_replica(41, Replication::Async);
    let (_, r) = run(&d, 5.0, 300.0);
    let dbr = r.nodes["db"].database.as_ref().unwrap();
    let got = dbr.stale_reads as f64 / dbr.reads as f64;
    let theory = 1.0 - (-w * (lag + 0.035)).exp();
    let same_region = 1.0 - (-w * lag).exp();
    eprintln!("cross-region replica: stale {got:.4}, closed form {theory:.4} (one region {same_region:.4})");
    // About 114,000 reads of one key: the binomial standard error is 0.14 % of the fraction,
    // and reads in one staleness window are correlated; 5 % leaves room for ×8 of that.
    assert!((got - theory).abs() / theory < 0.05, "{got} vs {theory}");
    // No read is older than the longer lag; some are older than the one-region lag.
    let staleness = &r.end_to_end.staleness_ms;
    assert!(staleness.max.unwrap() <= 85.5 && staleness.p99.unwrap() > 50.5);

    // Sync: the write waits for the log to cross and the acknowledgement to come back,
    // 2 × (50 + 35) ms instead of 2 × 50 ms.
    let (a, _, _) = cross_region_replica(43, Replication::Async);
    let (s, _, _) = cross_region_replica(43, Replication::Sync);
    let wa = run(&a, 5.0, 120.0)
        .1
        .end_to_end
        .write_latency_ms
        .mean
        .unwrap();
    let ws = run(&s, 5.0, 120.0)
        .1
        .end_to_end
        .write_latency_ms
        .mean
        .unwrap();
    assert!((ws - wa - 170.0).abs() < 5.0, "async {wa} ms, sync {ws} ms");
}

/// The going-global examples replay exactly, seed for seed.
#[test]
fn global_examples_replay_exactly() {
    for name in ["global-two-regions", "cdn-static"] {
        let path = format!("{}/../../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let d = Diagram::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let json = || serde_json::to_string(&run(&d, 2.0, 20.0).1).unwrap();
        assert_eq!(json(), json(), "{name}");
    }
}

/// Adds asynchronous work and distributed transactions to a random diagram (from the fuzzers),
/// drawing from `rng` only: a queue fed by the first server (or a client) and consumed by a new
/// worker pool, and transactions on servers that call databases.
pub(super) fn go_async(d: &mut Diagram, rng: &mut crate::dist::Rng) {
    if rng.bernoulli(0.5) {
        let feeder = d
            .nodes
            .iter()
            .find(|n| n.kind() == ComponentKind::Server)
            .map(|n| n.id.clone());
        let queue = QueueParams {
            consumers: 1 + rng.below(6) as u32,
            visibility_timeout_ms: 20.0 + 400.0 * rng.uniform(),
            max_attempts: 1 + rng.below(4) as u32,
            retention_s: if rng.bernoulli(0.5) {
                0.0
            } else {
                0.2 + 3.0 * rng.uniform()
            },
            capacity: 1 + rng.below(200),
            idempotent: rng.bernoulli(0.5),
            enqueue_ms: rng.uniform(),
        };
        let worker = ServerParams {
            workers: 1 + rng.below(4) as u32,
            queue_capacity: rng.below(8) as u32,
            service: ServiceTime {
                distribution: Distribution::Exponential,
                mean_ms: 1.0 + 60.0 * rng.uniform(),
                cv: 1.0,
            },
            ..Default::default()
        };
        d.nodes.push(Node::new("mq", NodeSpec::Queue(queue)));
        d.nodes.push(Node::new("worker", NodeSpec::Server(worker)));
        let mut e = Edge::new("mq-worker", "mq", "worker");
        e.latency_ms = rng.uniform();
        d.edges.push(e);
        if rng.bernoulli(0.5) && d.node("db0").is_some() {
            d.edges.push(Edge::new("worker-db0", "worker", "db0"));
        }
        let from = match feeder {
            Some(s) if rng.bernoulli(0.7) => s,
            _ => d
                .nodes
                .iter()
                .find(|n| n.kind() == ComponentKind::Client)
                .map(|n| n.id.clone())
                .unwrap_or_default(),
        };
        d.edges.push(Edge::new(format!("{from}-mq"), from, "mq"));
    }
    let calls_db: Vec<String> = d
        .edges
        .iter()
        .filter(|e| {
            d.node(&e.to)
                .is_some_and(|n| n.kind() == ComponentKind::Database)
        })
        .map(|e| e.from.clone())
        .collect();
    for n in &mut d.nodes {
        let NodeSpec::Server(p) = &mut n.spec else {
            continue;
        };
        if !calls_db.contains(&n.id) || rng.bernoulli(0.5) {
            continue;
        }
        p.transaction = TransactionParams {
            protocol: if rng.bernoulli(0.5) {
                TxnProtocol::TwoPhaseCommit
            } else {
                TxnProtocol::Saga
            },
            participants: Vec::new(),
            failure_probability: 0.3 * rng.uniform(),
            timeout_ms: 5.0 + 200.0 * rng.uniform(),
            local_ms: rng.uniform(),
        };
    }
}
