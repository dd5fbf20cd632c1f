//! Going global: regions, traffic managers, CDNs and cross-region replication, checked against
//! closed forms and exact invariants with fixed seeds.

use super::tests::{client, diagram, edge, run, server};
use super::*;
use crate::diagram::*;

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
    let json = |d: &Diagram| serde_json::to_string(&run(d, 1.0, 20.0).1).unwrap();
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
