//! The SPOF analysis as it was before it was made linear (December 2026, commit 8866de7):
//! each failure re-propagated through every node it touches, recounting a balancer's whole
//! backend list per failed backend — quadratic in a balancer's fan-out. Kept, test-only, as the
//! oracle the linear analysis must agree with on every example and on random graphs.

use super::spof::{Element, Finding, Reason, SpofReport};
use crate::diagram::{DatabaseParams, Diagram, Node, NodeSpec, ReadFrom};
use crate::ComponentKind;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

const OUTAGE: f64 = 0.999;
const RISK: f64 = 0.05;

/// The diagram's calls, indexed once per analysis. An id resolves to the first node carrying it
/// (as [`Diagram::node`] does); each node's calls are kept in edge order.
struct Graph<'a> {
    d: &'a Diagram,
    index: HashMap<&'a str, usize>,
    /// For each node (by the index its id resolves to): its edges' targets, `None` for a target
    /// that names no node.
    out: Vec<Vec<Option<usize>>>,
    /// For each node: the nodes that call it.
    callers: Vec<Vec<usize>>,
    /// No cycle: then a node's failure share does not depend on how deep it was reached.
    acyclic: bool,
}

impl<'a> Graph<'a> {
    fn new(d: &'a Diagram) -> Graph<'a> {
        let mut index = HashMap::with_capacity(d.nodes.len());
        for (i, n) in d.nodes.iter().enumerate() {
            index.entry(n.id.as_str()).or_insert(i);
        }
        let mut out = vec![Vec::new(); d.nodes.len()];
        let mut callers = vec![Vec::new(); d.nodes.len()];
        let mut indegree = vec![0usize; d.nodes.len()];
        for e in &d.edges {
            if let Some(&from) = index.get(e.from.as_str()) {
                let to = index.get(e.to.as_str()).copied();
                if let Some(to) = to {
                    indegree[to] += 1;
                    callers[to].push(from);
                }
                out[from].push(to);
            }
        }
        // Kahn's algorithm: every node is removed exactly when there is no cycle.
        let mut ready: Vec<usize> = (0..d.nodes.len()).filter(|&i| indegree[i] == 0).collect();
        let mut removed = 0;
        while let Some(i) = ready.pop() {
            removed += 1;
            for &t in out[i].iter().flatten() {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    ready.push(t);
                }
            }
        }
        Graph {
            d,
            index,
            out,
            callers,
            acyclic: removed == d.nodes.len(),
        }
    }

    fn resolve(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// How much of a node is dead under a failure.
struct Failure<'a> {
    g: &'a Graph<'a>,
    element: &'a Element,
    /// Failure shares already computed under this failure, by node and depth (the depth only
    /// matters when there is a cycle, where the search is cut off by depth).
    memo: RefCell<HashMap<(usize, usize), f64>>,
    /// Without a cycle: which nodes the failure touches (it kills a unit of theirs or of
    /// something they call), and the shares with nothing failed, which hold for all others.
    untouched: Option<(Vec<bool>, &'a Failure<'a>)>,
}

impl<'a> Failure<'a> {
    fn new(g: &'a Graph<'a>, element: &'a Element) -> Failure<'a> {
        Failure {
            g,
            element,
            memo: RefCell::new(HashMap::new()),
            untouched: None,
        }
    }

    /// The failure of `element`, reusing `healthy` (the shares with nothing failed) for the
    /// nodes it cannot reach through their calls. Only without a cycle, where a share does not
    /// depend on the depth a node is reached at.
    fn beside(g: &'a Graph<'a>, element: &'a Element, healthy: &'a Failure<'a>) -> Failure<'a> {
        let mut f = Failure::new(g, element);
        if g.acyclic {
            let mut touched = vec![false; g.d.nodes.len()];
            let mut stack: Vec<usize> = (0..g.d.nodes.len())
                .filter(|&i| f.dead_units(&g.d.nodes[i]).0 > 0)
                .collect();
            while let Some(i) = stack.pop() {
                if !touched[i] {
                    touched[i] = true;
                    stack.extend(&g.callers[i]);
                }
            }
            f.untouched = Some((touched, healthy));
        }
        f
    }

    /// Dead units (instances, members, or the node itself) of the node, and how many it has.
    fn dead_units(&self, n: &Node) -> (usize, usize) {
        let (zones, units): (&[String], usize) = match &n.spec {
            NodeSpec::Server(p) => (&p.zones, p.instances.max(1) as usize),
            NodeSpec::Database(p) => (&p.zones, members(p)),
            NodeSpec::Cache(p) => (&[], p.members.max(1) as usize),
            _ => (&[], 1),
        };
        let dead = match self.element {
            // A node fails at its unit of failure: one instance, the (first) primary, itself.
            Element::Node(id) if *id == n.id => 1,
            Element::Node(_) => 0,
            Element::Zone(z) if z.is_empty() => 0,
            // Unit i is in zones[i % zones.len()], or in the node's zone when there is no list.
            Element::Zone(z) if zones.is_empty() => {
                if n.zone == *z {
                    units
                } else {
                    0
                }
            }
            Element::Zone(z) => zones
                .iter()
                .enumerate()
                .filter(|(_, zone)| *zone == z)
                .map(|(j, _)| units / zones.len() + usize::from(j < units % zones.len()))
                .sum(),
        };
        (dead, units)
    }

    fn node_dead(&self, n: &Node) -> bool {
        let (dead, total) = self.dead_units(n);
        dead == total
    }
}

/// Primaries and replicas of a database (at least one).
fn members(p: &DatabaseParams) -> usize {
    p.primaries.saturating_add(p.replicas).max(1) as usize
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

/// Share of the traffic arriving at `node` (`None`: a node that does not exist) that fails
/// under `f`. Each node is computed once per failure (per depth if the graph has a cycle).
fn fail(f: &Failure, node: Option<usize>, reads: f64, depth: usize) -> f64 {
    let Some(i) = node else {
        return 1.0;
    };
    if let Some((touched, healthy)) = &f.untouched {
        if !touched[i] {
            return fail(healthy, node, reads, depth);
        }
    }
    let key = (i, if f.g.acyclic { 0 } else { depth });
    if let Some(&share) = f.memo.borrow().get(&key) {
        return share;
    }
    let share = fail_uncached(f, i, reads, depth);
    f.memo.borrow_mut().insert(key, share);
    share
}

fn fail_uncached(f: &Failure, i: usize, reads: f64, depth: usize) -> f64 {
    let d = f.g.d;
    let n = &d.nodes[i];
    if depth > d.nodes.len() + 2 {
        return 0.0; // a cycle: validation refuses these, never loop on them
    }
    let out: &[Option<usize>] = &f.g.out[i];
    // Every dependency is needed (servers call each in turn).
    let all_of = |targets: &[Option<usize>]| {
        1.0 - targets
            .iter()
            .map(|&t| 1.0 - fail(f, t, reads, depth + 1))
            .product::<f64>()
    };
    // Traffic is spread evenly (clients over their edges, routers over their shards).
    let spread = |targets: &[Option<usize>]| {
        if targets.is_empty() {
            return 1.0;
        }
        targets
            .iter()
            .map(|&t| fail(f, t, reads, depth + 1))
            .sum::<f64>()
            / targets.len() as f64
    };
    let (dead, units) = f.dead_units(n);
    match &n.spec {
        NodeSpec::Client(_) => spread(out),
        NodeSpec::LoadBalancer(p) => {
            // A standby (assumed in another zone, as managed balancers are) takes over.
            if dead > 0 && p.standby_failover_ms <= 0.0 {
                return 1.0;
            }
            // Backends: every instance of server targets, or the target node. Each target is a
            // run of backends: how many, how many of them (the first ones) are dead, and the
            // share failing below a live one.
            let mut runs: Vec<(usize, usize, f64)> = Vec::new();
            for &t in out {
                let Some(ti) = t else { continue };
                let tn = &d.nodes[ti];
                let below = fail_below(f, ti, reads, depth + 1);
                match &tn.spec {
                    NodeSpec::Server(_) => {
                        // Dead instances are the first `tdead` (same shares as the units).
                        let (tdead, instances) = f.dead_units(tn);
                        runs.push((instances, tdead.min(instances), below));
                    }
                    _ => runs.push((
                        1,
                        usize::from(f.node_dead(tn)),
                        fail(f, t, reads, depth + 1),
                    )),
                }
            }
            let backends: usize = runs.iter().map(|r| r.0).sum();
            if backends == 0 {
                return 1.0;
            }
            // Shares are added one backend at a time, in order (the same sum as a list).
            if p.health_check.enabled {
                let alive: usize = runs.iter().map(|r| r.0 - r.1).sum();
                if alive == 0 {
                    1.0
                } else {
                    runs.iter()
                        .flat_map(|&(n, dead, below)| std::iter::repeat_n(below, n - dead))
                        .sum::<f64>()
                        / alive as f64
                }
            } else {
                runs.iter()
                    .flat_map(|&(n, dead, below)| {
                        std::iter::repeat_n(1.0, dead).chain(std::iter::repeat_n(below, n - dead))
                    })
                    .sum::<f64>()
                    / backends as f64
            }
        }
        NodeSpec::Server(_) => {
            // Called directly (round robin over instances): dead instances fail their share.
            let own = dead as f64 / units.max(1) as f64;
            1.0 - (1.0 - own) * (1.0 - all_of(out))
        }
        // A cache cluster survives losing some members: clients hash their keys to the others.
        NodeSpec::Cache(_) if dead > 0 && dead >= units => 1.0,
        NodeSpec::ShardRouter(_) | NodeSpec::Cdn(_) if dead > 0 => 1.0,
        NodeSpec::Cdn(_) => all_of(out),
        // Producers are answered by the queue alone: a dead consumer delays the work, it does
        // not fail the request.
        NodeSpec::Queue(_) if dead > 0 => 1.0,
        NodeSpec::Queue(_) => 0.0,
        // A batch job answers no requests (validation keeps edges away from it).
        NodeSpec::BatchJob(_) => 0.0,
        NodeSpec::Cache(_) => all_of(out),
        NodeSpec::ShardRouter(_) => spread(out),
        // A traffic manager's probes take a dead target out of its answers: traffic spreads
        // over the targets that still answer (steady state, after detection and DNS expiry).
        NodeSpec::TrafficManager(_) if dead > 0 => 1.0,
        NodeSpec::TrafficManager(_) => {
            let alive: Vec<f64> = out
                .iter()
                .map(|&t| fail(f, t, reads, depth + 1))
                .filter(|&x| x < 1.0)
                .collect();
            if alive.is_empty() {
                1.0
            } else {
                alive.iter().sum::<f64>() / alive.len() as f64
            }
        }
        NodeSpec::Database(p) => {
            let below = all_of(out);
            let zones = &p.zones;
            let total = members(p);
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
fn fail_below(f: &Failure, i: usize, reads: f64, depth: usize) -> f64 {
    match &f.g.d.nodes[i].spec {
        NodeSpec::Server(_) => {
            1.0 - f.g.out[i]
                .iter()
                .map(|&t| 1.0 - fail(f, t, reads, depth + 1))
                .product::<f64>()
        }
        _ => fail(f, Some(i), reads, depth),
    }
}

/// What "one failure" of a node is, in words: an instance of a pool, a primary, or the node.
fn unit_failure(d: &Diagram, id: &str) -> String {
    match d.node(id).map(|n| &n.spec) {
        Some(NodeSpec::Server(p)) if p.instances > 1 => {
            let why = "nothing takes it out of rotation: no health-checked balancer in front";
            format!("one instance of {id} fails ({why})")
        }
        Some(NodeSpec::Database(p)) if p.primaries.saturating_add(p.replicas) > 1 => {
            format!("the primary of {id} fails")
        }
        Some(NodeSpec::Cache(p)) if p.members > 1 => format!("one member of {id} fails"),
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

    let graph = Graph::new(d);
    // A zone with no name fails nothing.
    let nothing = Element::Zone(String::new());
    let healthy = Failure::new(&graph, &nothing);
    let mut report = SpofReport::default();
    for element in elements {
        let f = Failure::beside(&graph, &element, &healthy);
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
            let share = fail(&f, graph.resolve(&c.id), reads, 0).clamp(0.0, 1.0);
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
