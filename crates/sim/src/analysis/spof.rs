//! Single points of failure, found from the graph — not from counting component types.
//!
//! Each element that can fail on its own — a node (at its unit of failure: one instance of a
//! server group, the primary of a database) or a whole availability zone — is failed in turn,
//! and the share of each client's traffic that would then fail is propagated through the
//! diagram with the semantics the engine uses: a server needs every dependency it calls; a load
//! balancer spreads over its backends and, with health checks, routes around dead ones; a shard
//! router gives each shard its share of keys; a database with failover promotes a replica that
//! survives. An element is a SPOF if some client would lose (nearly) all of its traffic; its
//! blast radius is which clients lose what share.

use crate::diagram::{Diagram, Node, NodeSpec, ReadFrom};
use crate::ComponentKind;
use serde::Serialize;
use std::collections::BTreeMap;

/// A client losing at least this share is cut off.
const OUTAGE: f64 = 0.999;
/// Partial losses from this share up are reported as risks.
const RISK: f64 = 0.05;

/// What fails.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum Element {
    Node(String),
    Zone(String),
}

/// Why an element is a single point of failure (the app words it in the learner's language).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A zone holds everything some path needs.
    Zone,
    /// A load balancer without a standby.
    LoneBalancer,
    /// A server group of one instance.
    SingleInstance,
    /// A server group whose dead instances keep getting traffic (no health-checked balancer).
    UncheckedPool,
    /// A database without replicas.
    NoReplica,
    /// A database with replicas that are never promoted.
    NoFailover,
    /// A database's primary (with failover: the writes in the failover window).
    Primary,
    LoneCache,
    LoneRouter,
    /// Any other node every path goes through.
    OnlyPath,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub element: Element,
    pub reason: Reason,
    /// Share of each affected client's traffic that would fail.
    pub blast: BTreeMap<String, f64>,
    /// Share of all offered traffic that would fail.
    pub traffic_share: f64,
    /// Why, in a sentence.
    pub why: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SpofReport {
    /// Elements whose failure cuts some client off completely.
    pub spofs: Vec<Finding>,
    /// Elements whose failure loses a noticeable share of traffic without cutting anyone off.
    pub risks: Vec<Finding>,
}

impl SpofReport {
    pub fn is_spof(&self, node: &str) -> bool {
        self.spofs
            .iter()
            .any(|f| f.element == Element::Node(node.to_owned()))
    }

    pub fn finding(&self, node: &str) -> Option<&Finding> {
        let e = Element::Node(node.to_owned());
        self.spofs
            .iter()
            .chain(&self.risks)
            .find(|f| f.element == e)
    }
}

/// How much of a node is dead under a failure.
struct Failure<'a> {
    d: &'a Diagram,
    element: &'a Element,
}

impl Failure<'_> {
    /// Share (0–1) of the node's units (instances, members, or itself) that are dead.
    fn dead_units(&self, n: &Node) -> (usize, usize) {
        let zone_of = |zones: &[String], i: usize| {
            if zones.is_empty() {
                n.zone.clone()
            } else {
                zones[i % zones.len()].clone()
            }
        };
        let units: Vec<String> = match &n.spec {
            NodeSpec::Server(p) => (0..p.instances.max(1) as usize)
                .map(|i| zone_of(&p.zones, i))
                .collect(),
            NodeSpec::Database(p) => (0..(p.primaries + p.replicas).max(1) as usize)
                .map(|i| zone_of(&p.zones, i))
                .collect(),
            _ => vec![n.zone.clone()],
        };
        let dead = match self.element {
            // A node fails at its unit of failure: one instance, the (first) primary, itself.
            Element::Node(id) if *id == n.id => 1,
            Element::Node(_) => 0,
            Element::Zone(z) => units.iter().filter(|u| !z.is_empty() && *u == z).count(),
        };
        (dead, units.len())
    }

    fn node_dead(&self, n: &Node) -> bool {
        let (dead, total) = self.dead_units(n);
        dead == total
    }
}

/// Average read share of the diagram's clients (reads survive some database failures).
fn read_share(d: &Diagram) -> f64 {
    let (mut sum, mut weight) = (0.0, 0.0);
    for n in &d.nodes {
        if let NodeSpec::Client(c) = &n.spec {
            sum += c.read_ratio * c.rate_rps;
            weight += c.rate_rps;
        }
    }
    if weight > 0.0 {
        sum / weight
    } else {
        0.9
    }
}

/// Share of the traffic arriving at `id` that fails under `f`.
fn fail(f: &Failure, id: &str, reads: f64, depth: usize) -> f64 {
    let d = f.d;
    let Some(n) = d.node(id) else {
        return 1.0;
    };
    if depth > d.nodes.len() + 2 {
        return 0.0; // a cycle: validation refuses these, never loop on them
    }
    let out: Vec<&str> = d
        .edges
        .iter()
        .filter(|e| e.from == id)
        .map(|e| e.to.as_str())
        .collect();
    // Every dependency is needed (servers call each in turn).
    let all_of = |targets: &[&str]| {
        1.0 - targets
            .iter()
            .map(|t| 1.0 - fail(f, t, reads, depth + 1))
            .product::<f64>()
    };
    // Traffic is spread evenly (clients over their edges, routers over their shards).
    let spread = |targets: &[&str]| {
        if targets.is_empty() {
            return 1.0;
        }
        targets
            .iter()
            .map(|t| fail(f, t, reads, depth + 1))
            .sum::<f64>()
            / targets.len() as f64
    };
    let (dead, units) = f.dead_units(n);
    match &n.spec {
        NodeSpec::Client(_) => spread(&out),
        NodeSpec::LoadBalancer(p) => {
            // A standby (assumed in another zone, as managed balancers are) takes over.
            if dead > 0 && p.standby_failover_ms <= 0.0 {
                return 1.0;
            }
            // Backends: every instance of server targets, or the target node.
            let mut backends: Vec<(bool, f64)> = Vec::new();
            for t in &out {
                let Some(tn) = d.node(t) else { continue };
                let below = fail_below(f, tn, reads, depth + 1);
                match &tn.spec {
                    NodeSpec::Server(sp) => {
                        let (tdead, tunits) = f.dead_units(tn);
                        let n_inst = sp.instances.max(1) as usize;
                        for i in 0..n_inst {
                            // Dead instances are the first `tdead` of `tunits` (same shares).
                            let is_dead = i * tunits < tdead * n_inst;
                            backends.push((is_dead, below));
                        }
                    }
                    _ => backends.push((f.node_dead(tn), fail(f, t, reads, depth + 1))),
                }
            }
            if backends.is_empty() {
                return 1.0;
            }
            let alive: Vec<f64> = backends.iter().filter(|b| !b.0).map(|b| b.1).collect();
            if p.health_check.enabled {
                if alive.is_empty() {
                    1.0
                } else {
                    alive.iter().sum::<f64>() / alive.len() as f64
                }
            } else {
                backends
                    .iter()
                    .map(|&(dead, below)| if dead { 1.0 } else { below })
                    .sum::<f64>()
                    / backends.len() as f64
            }
        }
        NodeSpec::Server(_) => {
            // Called directly (round robin over instances): dead instances fail their share.
            let own = dead as f64 / units.max(1) as f64;
            1.0 - (1.0 - own) * (1.0 - all_of(&out))
        }
        NodeSpec::Cache(_) | NodeSpec::ShardRouter(_) if dead > 0 => 1.0,
        NodeSpec::Cache(_) => all_of(&out),
        NodeSpec::ShardRouter(_) => spread(&out),
        NodeSpec::Database(p) => {
            let below = all_of(&out);
            let zones = &p.zones;
            let total = (p.primaries + p.replicas).max(1) as usize;
            let member_dead = |i: usize| match f.element {
                Element::Node(id) if *id == n.id => i == 0, // the first primary fails
                Element::Node(_) => false,
                Element::Zone(z) => {
                    let zone = if zones.is_empty() {
                        &n.zone
                    } else {
                        &zones[i % zones.len()]
                    };
                    !z.is_empty() && zone == z
                }
            };
            let primaries_alive = (0..p.primaries as usize).any(|i| !member_dead(i));
            let replicas_alive = (p.primaries as usize..total).any(|i| !member_dead(i));
            // A replica that survives is promoted (after a brief outage) if failover is on.
            let writable = primaries_alive || (p.failover && replicas_alive);
            let readable = match p.read_from {
                ReadFrom::Primary => writable,
                ReadFrom::Replicas | ReadFrom::Any => replicas_alive || writable,
            };
            let own = reads * (!readable as u8 as f64) + (1.0 - reads) * (!writable as u8 as f64);
            1.0 - (1.0 - own) * (1.0 - below)
        }
    }
}

/// Failure share of what a server instance behind a balancer depends on (its calls).
fn fail_below(f: &Failure, n: &Node, reads: f64, depth: usize) -> f64 {
    match &n.spec {
        NodeSpec::Server(_) => {
            let out: Vec<&str> =
                f.d.edges
                    .iter()
                    .filter(|e| e.from == n.id)
                    .map(|e| e.to.as_str())
                    .collect();
            1.0 - out
                .iter()
                .map(|t| 1.0 - fail(f, t, reads, depth + 1))
                .product::<f64>()
        }
        _ => fail(f, &n.id, reads, depth),
    }
}

/// What "one failure" of a node is, in words: an instance of a pool, a primary, or the node.
fn unit_failure(d: &Diagram, id: &str) -> String {
    match d.node(id).map(|n| &n.spec) {
        Some(NodeSpec::Server(p)) if p.instances > 1 => {
            let why = "nothing takes it out of rotation: no health-checked balancer in front";
            format!("one instance of {id} fails ({why})")
        }
        Some(NodeSpec::Database(p)) if p.primaries + p.replicas > 1 => {
            format!("the primary of {id} fails")
        }
        _ => format!("{id} fails"),
    }
}

/// The reason behind a finding, from the kind and settings of what fails.
fn reason(d: &Diagram, element: &Element) -> Reason {
    let Element::Node(id) = element else {
        return Reason::Zone;
    };
    match d.node(id).map(|n| &n.spec) {
        Some(NodeSpec::LoadBalancer(_)) => Reason::LoneBalancer,
        Some(NodeSpec::Server(p)) if p.instances <= 1 => Reason::SingleInstance,
        Some(NodeSpec::Server(_)) => Reason::UncheckedPool,
        Some(NodeSpec::Database(p)) if p.replicas == 0 => Reason::NoReplica,
        Some(NodeSpec::Database(p)) if !p.failover => Reason::NoFailover,
        Some(NodeSpec::Database(_)) => Reason::Primary,
        Some(NodeSpec::Cache(_)) => Reason::LoneCache,
        Some(NodeSpec::ShardRouter(_)) => Reason::LoneRouter,
        _ => Reason::OnlyPath,
    }
}

/// Why an element is a single point of failure, in a sentence.
fn explain(d: &Diagram, element: &Element, cut_off: &[String]) -> String {
    let clients = cut_off.join(", ");
    match element {
        Element::Zone(z) => format!(
            "zone '{z}' holds everything some request path needs: if it goes down, {clients} lose every request"
        ),
        Element::Node(id) => {
            let reason = match reason(d, element) {
                Reason::LoneBalancer => "a lone load balancer with no standby",
                Reason::SingleInstance => "a single server instance",
                Reason::UncheckedPool => {
                    "its instances are not behind a health-checked load balancer"
                }
                Reason::NoReplica => "a database with no replica to fail over to",
                Reason::NoFailover => {
                    "a database whose replicas are never promoted (failover is off)"
                }
                Reason::LoneCache => "a lone cache every request passes through",
                Reason::LoneRouter => "a lone shard router",
                Reason::Zone | Reason::Primary | Reason::OnlyPath => "every path goes through it",
            };
            format!("{id} is {reason}: if it fails, {clients} lose every request")
        }
    }
}

/// Finds the single points of failure (and partial risks) of `d`.
pub fn analyze(d: &Diagram) -> SpofReport {
    let reads = read_share(d);
    let clients: Vec<(&Node, f64)> = d
        .nodes
        .iter()
        .filter_map(|n| match &n.spec {
            NodeSpec::Client(c) => Some((n, c.rate_rps.max(0.0))),
            _ => None,
        })
        .collect();
    let total_rate: f64 = clients.iter().map(|(_, r)| r).sum();
    let mut elements: Vec<Element> = d
        .nodes
        .iter()
        .filter(|n| n.kind() != ComponentKind::Client)
        .map(|n| Element::Node(n.id.clone()))
        .collect();
    elements.extend(d.zones().into_iter().map(|z| Element::Zone(z.to_owned())));

    let mut report = SpofReport::default();
    for element in elements {
        let f = Failure {
            d,
            element: &element,
        };
        let mut blast = BTreeMap::new();
        let mut lost = 0.0;
        let mut cut_off = Vec::new();
        for (c, rate) in &clients {
            // Users in a zone that is down are not "cut off" by it: they are gone too.
            if let Element::Zone(z) = &element {
                if c.zone == *z {
                    continue;
                }
            }
            let share = fail(&f, &c.id, reads, 0).clamp(0.0, 1.0);
            if share >= RISK {
                blast.insert(c.id.clone(), share);
                lost += share * rate;
            }
            if share >= OUTAGE {
                cut_off.push(c.id.clone());
            }
        }
        if blast.is_empty() {
            continue;
        }
        let traffic_share = if total_rate > 0.0 {
            lost / total_rate
        } else {
            0.0
        };
        if cut_off.is_empty() {
            let worst = blast.values().fold(0.0f64, |a, &b| a.max(b));
            let why = match &element {
                Element::Node(id) => format!(
                    "if {}, up to {:.0} % of some client's requests fail",
                    unit_failure(d, id),
                    worst * 100.0
                ),
                Element::Zone(z) => format!(
                    "if zone '{z}' goes down, up to {:.0} % of some client's requests fail",
                    worst * 100.0
                ),
            };
            report.risks.push(Finding {
                reason: reason(d, &element),
                element,
                blast,
                traffic_share,
                why,
            });
        } else {
            let why = explain(d, &element, &cut_off);
            report.spofs.push(Finding {
                reason: reason(d, &element),
                element,
                blast,
                traffic_share,
                why,
            });
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagram(json: &str) -> Diagram {
        Diagram::from_json(json).unwrap()
    }

    const LB_AND_POOL: &str = r#"{"version":1,"nodes":[
        {"id":"users","kind":"client"},
        {"id":"lb","kind":"load_balancer","params":{"health_check":{"enabled":true}}},
        {"id":"api","kind":"server","params":{"instances":3}}],
      "edges":[{"from":"users","to":"lb"},{"from":"lb","to":"api"}]}"#;

    #[test]
    fn a_lone_load_balancer_is_a_spof_and_a_pool_of_three_is_not() {
        let r = analyze(&diagram(LB_AND_POOL));
        assert!(r.is_spof("lb"), "{r:#?}");
        assert!(!r.is_spof("api"));
        assert!(
            r.finding("api").is_none(),
            "health checks absorb an instance failure"
        );
        let lb = r.finding("lb").unwrap();
        assert_eq!(lb.blast["users"], 1.0);
        assert_eq!(lb.traffic_share, 1.0);
        assert!(lb.why.contains("no standby"), "{}", lb.why);
    }

    #[test]
    fn a_balancer_pair_is_not_a_spof() {
        let pair = LB_AND_POOL.replace(
            r#""health_check":{"enabled":true}"#,
            r#""health_check":{"enabled":true},"standby_failover_ms":2000"#,
        );
        assert!(!analyze(&diagram(&pair)).is_spof("lb"));
    }

    #[test]
    fn a_pool_without_health_checks_is_a_risk_and_a_single_server_a_spof() {
        let no_checks = LB_AND_POOL.replace(
            r#""health_check":{"enabled":true}"#,
            r#""health_check":{"enabled":false}"#,
        );
        let r = analyze(&diagram(&no_checks));
        let api = r.finding("api").unwrap();
        assert!(!r.is_spof("api"));
        assert!(
            (api.blast["users"] - 1.0 / 3.0).abs() < 1e-9,
            "one dead instance in three"
        );
        let single = LB_AND_POOL.replace(r#""instances":3"#, r#""instances":1"#);
        assert!(analyze(&diagram(&single)).is_spof("api"));
    }

    #[test]
    fn a_zone_holding_every_replica_is_a_spof_zone() {
        let d = diagram(
            r#"{"version":1,"nodes":[
            {"id":"users","kind":"client","zone":"a"},
            {"id":"lb","kind":"load_balancer","zone":"a","params":{"standby_failover_ms":1000,"health_check":{"enabled":true}}},
            {"id":"api","kind":"server","params":{"instances":3,"zones":["a","b","c"]}},
            {"id":"db","kind":"database","params":{"replicas":2,"failover":true,"zones":["b","b","b"]}}],
          "edges":[{"from":"users","to":"lb"},{"from":"lb","to":"api"},{"from":"api","to":"db"}]}"#,
        );
        let r = analyze(&d);
        assert!(
            r.spofs
                .iter()
                .any(|s| s.element == Element::Zone("b".into())),
            "{r:#?}"
        );
        assert!(!r
            .spofs
            .iter()
            .any(|s| s.element == Element::Zone("c".into())));
        // Spread over zones instead, and with failover, no zone takes the database down.
        let mut d2 = d.clone();
        if let Some(NodeSpec::Database(p)) = d2.node_mut("db").map(|n| &mut n.spec) {
            p.zones = vec!["a".into(), "b".into(), "c".into()];
        }
        let r2 = analyze(&d2);
        assert!(
            !r2.spofs
                .iter()
                .any(|s| matches!(s.element, Element::Zone(_))),
            "{r2:#?}"
        );
        assert!(!r2.is_spof("db"), "failover promotes a replica");
    }

    #[test]
    fn a_database_without_failover_is_a_spof_and_shards_are_partial() {
        let d = diagram(
            r#"{"version":1,"nodes":[
            {"id":"users","kind":"client"},
            {"id":"router","kind":"shard_router"},
            {"id":"s0","kind":"database"},{"id":"s1","kind":"database"},
            {"id":"s2","kind":"database"},{"id":"s3","kind":"database"}],
          "edges":[{"from":"users","to":"router"},{"from":"router","to":"s0"},
                   {"from":"router","to":"s1"},{"from":"router","to":"s2"},{"from":"router","to":"s3"}]}"#,
        );
        let r = analyze(&d);
        assert!(r.is_spof("router"));
        let s0 = r.finding("s0").unwrap();
        assert!(!r.is_spof("s0"));
        assert!((s0.blast["users"] - 0.25).abs() < 1e-9, "one shard in four");
    }
}
