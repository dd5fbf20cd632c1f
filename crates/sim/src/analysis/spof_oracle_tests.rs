//! The linear SPOF analysis against the old one (`spof_oracle.rs`): the same findings, in the
//! same order, with the same reasons, sentences and blast radii, on every example and on random
//! graphs; and its work counted, growing linearly with a balancer's fan-out.

use super::spof::{analyze, analyze_counting, Finding, SpofReport};
use super::spof_oracle;
use crate::diagram::Diagram;
use crate::dist::Rng;

/// Shares are sums of a few terms; the linear analysis adds a balancer's terms in another
/// order, so a share may differ from the oracle's in its last bits, never more.
const ULPS: f64 = 1e-12;

fn same_findings(what: &str, a: &[Finding], b: &[Finding]) {
    let ids = |f: &[Finding]| f.iter().map(|x| x.element.clone()).collect::<Vec<_>>();
    assert_eq!(ids(a), ids(b), "{what}: elements differ");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.reason, y.reason, "{what}: {:?}", x.element);
        assert_eq!(x.why, y.why, "{what}: {:?}", x.element);
        assert_eq!(
            x.blast.keys().collect::<Vec<_>>(),
            y.blast.keys().collect::<Vec<_>>(),
            "{what}: {:?}",
            x.element
        );
        for (k, v) in &x.blast {
            assert!((v - y.blast[k]).abs() < ULPS, "{what}: {:?} {k}", x.element);
        }
        assert!(
            (x.traffic_share - y.traffic_share).abs() < ULPS,
            "{what}: {:?}",
            x.element
        );
    }
}

fn same(what: &str, a: &SpofReport, b: &SpofReport) {
    same_findings(&format!("{what} spofs"), &a.spofs, &b.spofs);
    same_findings(&format!("{what} risks"), &a.risks, &b.risks);
}

#[test]
fn every_example_gets_the_findings_of_the_old_analysis() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut checked = 0;
    let mut findings = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let d = Diagram::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (new, old) = (analyze(&d), spof_oracle::analyze(&d));
        same(&path.display().to_string(), &new, &old);
        checked += 1;
        findings += new.spofs.len() + new.risks.len();
    }
    assert!(checked >= 15, "{checked} examples");
    assert!(
        findings >= 30,
        "the examples exercise the analysis: {findings} findings"
    );
}

/// A random acyclic diagram of up to 14 nodes: clients call forward into balancers (with and
/// without health checks and standbys), server groups, databases, caches, shard routers, CDNs
/// and traffic managers, spread over zones; edges only go forward, sometimes twice, sometimes
/// to a node that does not exist.
fn random_diagram(rng: &mut Rng) -> Diagram {
    let n = 3 + rng.below(12) as usize;
    let zones = ["a", "b", "c"];
    let zone = |rng: &mut Rng| zones[rng.below(3) as usize];
    let mut nodes = Vec::new();
    let clients = 1 + rng.below(2) as usize;
    for i in 0..n {
        let id = format!("n{i}");
        let z = zone(rng);
        let node = if i < clients {
            format!(
                r#"{{"id":"{id}","kind":"client","zone":"{z}","params":{{"rate_rps":{},"read_ratio":{}}}}}"#,
                1 + rng.below(100),
                rng.below(11) as f64 / 10.0
            )
        } else {
            match rng.below(8) {
                0 | 1 => format!(
                    r#"{{"id":"{id}","kind":"load_balancer","zone":"{z}","params":{{"health_check":{{"enabled":{}}},"standby_failover_ms":{}}}}}"#,
                    rng.bernoulli(0.6),
                    if rng.bernoulli(0.3) { 1000 } else { 0 }
                ),
                2 | 3 => format!(
                    r#"{{"id":"{id}","kind":"server","zone":"{z}","params":{{"instances":{},"zones":{}}}}}"#,
                    1 + rng.below(4),
                    if rng.bernoulli(0.5) {
                        format!(r#"["{}","{}"]"#, zone(rng), zone(rng))
                    } else {
                        "[]".into()
                    }
                ),
                4 => format!(
                    r#"{{"id":"{id}","kind":"database","zone":"{z}","params":{{"replicas":{},"failover":{},"read_from":"{}","zones":{}}}}}"#,
                    rng.below(3),
                    rng.bernoulli(0.5),
                    ["primary", "replicas", "any"][rng.below(3) as usize],
                    if rng.bernoulli(0.5) {
                        format!(r#"["{}","{}"]"#, zone(rng), zone(rng))
                    } else {
                        "[]".into()
                    }
                ),
                5 => format!(
                    r#"{{"id":"{id}","kind":"cache","zone":"{z}","params":{{"members":{}}}}}"#,
                    1 + rng.below(3)
                ),
                6 => format!(r#"{{"id":"{id}","kind":"shard_router","zone":"{z}"}}"#),
                _ => format!(
                    r#"{{"id":"{id}","kind":"{}","zone":"{z}"}}"#,
                    ["cdn", "traffic_manager"][rng.below(2) as usize]
                ),
            }
        };
        nodes.push(node);
    }
    let mut edges = Vec::new();
    for i in 0..n - 1 {
        let calls = if i < clients { 1 } else { 0 } + rng.below(4);
        for _ in 0..calls {
            let to = if rng.bernoulli(0.03) {
                "nowhere".to_owned()
            } else {
                format!(
                    "n{}",
                    (i + 1).max(clients) + rng.below((n - (i + 1).max(clients)) as u64) as usize
                )
            };
            edges.push(format!(r#"{{"from":"n{i}","to":"{to}"}}"#));
        }
    }
    let json = format!(
        r#"{{"version":1,"nodes":[{}],"edges":[{}]}}"#,
        nodes.join(","),
        edges.join(",")
    );
    // Not validated: the analysis runs on every diagram the editor holds, broken ones too.
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

#[test]
fn random_graphs_get_the_findings_of_the_old_analysis() {
    let mut rng = Rng::seed(15);
    let (mut findings, mut balancer_findings) = (0, 0);
    for case in 0..2000 {
        let d = random_diagram(&mut rng);
        let (new, old) = (analyze(&d), spof_oracle::analyze(&d));
        same(&format!("case {case}: {}", d.to_json_pretty()), &new, &old);
        findings += new.spofs.len() + new.risks.len();
        balancer_findings += new
            .spofs
            .iter()
            .chain(&new.risks)
            .filter(|f| f.why.contains("load balancer"))
            .count();
    }
    // The graphs are varied enough to find things (fixed seed: these counts are exact).
    assert!(findings > 2000, "{findings}");
    assert!(balancer_findings > 100, "{balancer_findings}");
}

/// One client → one balancer → `servers` single-instance servers.
fn fan_out(servers: usize, health_check: bool) -> Diagram {
    let mut nodes = vec![
        r#"{"id":"users","kind":"client"}"#.to_owned(),
        format!(
            r#"{{"id":"lb","kind":"load_balancer","params":{{"health_check":{{"enabled":{health_check}}}}}}}"#
        ),
    ];
    let mut edges = vec![r#"{"from":"users","to":"lb"}"#.to_owned()];
    for i in 0..servers {
        nodes.push(format!(r#"{{"id":"s{i}","kind":"server"}}"#));
        edges.push(format!(r#"{{"from":"lb","to":"s{i}"}}"#));
    }
    let json = format!(
        r#"{{"version":1,"nodes":[{}],"edges":[{}]}}"#,
        nodes.join(","),
        edges.join(",")
    );
    Diagram::from_json(&json).unwrap()
}

/// The work of the analysis, counted (nodes evaluated, backends and callers visited): a
/// balancer over N servers costs a few steps per server, not N per server. At 9,998 servers
/// the old analysis would count 10⁸ backends.
#[test]
fn the_steps_grow_linearly_with_a_balancers_fan_out() {
    for checked in [true, false] {
        let (small, steps_small) = analyze_counting(&fan_out(1000, checked));
        let (big, steps_big) = analyze_counting(&fan_out(9_998, checked));
        eprintln!(
            "health checks {checked}: {steps_small} steps at 1,000 servers, {steps_big} at 9,998"
        );
        assert!(
            steps_small <= 16 * 1000,
            "{steps_small} steps for 1,000 servers"
        );
        assert!(
            steps_big <= 16 * 10_000,
            "{steps_big} steps for 10,000 servers"
        );
        assert!(
            steps_big <= 11 * steps_small,
            "{steps_small} → {steps_big}: more than linear"
        );
        // The findings themselves: the balancer cuts the users off; behind a health-checked
        // balancer no single server matters, without checks each loses 1/N of the traffic,
        // under the 5 % risk threshold.
        for r in [&small, &big] {
            assert_eq!(r.spofs.len(), 1, "{:?}", r.spofs.first());
            assert!(r.is_spof("lb"));
            assert!(r.risks.is_empty());
        }
    }
    // At 20 servers without health checks, each is a risk of exactly 1/20.
    let (r, _) = analyze_counting(&fan_out(20, false));
    assert_eq!(r.risks.len(), 20);
    assert!(r.risks.iter().all(|f| f.blast["users"] == 0.05));
    same(
        "20 unchecked",
        &r,
        &spof_oracle::analyze(&fan_out(20, false)),
    );
}
