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
//!
//! The cost is linear in the diagram for the common shapes: a failure re-evaluates only the
//! nodes it touches (the failed node and everything that calls it, transitively); a balancer
//! among them updates its backend sums by the backends that changed instead of recounting all
//! of them; and only the clients it touches (plus those already losing traffic with nothing
//! failed) are re-read. A balancer over N servers is analysed in O(N), not O(N²)
//! (`the_steps_grow_linearly_with_a_balancers_fan_out`); `spof_oracle.rs` keeps the old
//! quadratic algorithm, which the tests compare against.

use crate::diagram::{DatabaseParams, Diagram, Node, NodeSpec, ReadFrom};
use crate::ComponentKind;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// The diagram's calls, indexed once per analysis. An id resolves to the first node carrying it
/// (as [`Diagram::node`] does); each node's calls are kept in edge order.
struct Graph<'a> {
    d: &'a Diagram,
    index: HashMap<&'a str, usize>,
    /// Every node carrying each id (ids are unique in a valid diagram; an edited one may not be).
    by_id: HashMap<&'a str, Vec<usize>>,
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
        let mut by_id: HashMap<&str, Vec<usize>> = HashMap::with_capacity(d.nodes.len());
        for (i, n) in d.nodes.iter().enumerate() {
            index.entry(n.id.as_str()).or_insert(i);
            by_id.entry(n.id.as_str()).or_default().push(i);
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
            by_id,
            out,
            callers,
            acyclic: removed == d.nodes.len(),
        }
    }

    fn resolve(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node an id resolves to, as [`Diagram::node`] finds it (without scanning).
    fn node(&self, id: &str) -> Option<&'a Node> {
        self.resolve(id).map(|i| &self.d.nodes[i])
    }
}

/// The nodes a failure touches (it kills a unit of theirs or of something they call), in the
/// order they were found, and the shares with nothing failed, which hold for every other node.
struct Touched<'a> {
    set: HashSet<usize>,
    list: Vec<usize>,
    healthy: &'a Failure<'a>,
}

/// A balancer's backends with nothing failed: the sums a failure corrects by the backends it
/// touches.
struct BalancerSums {
    /// How many of the balancer's edges lead to each target.
    edges_to: HashMap<usize, usize>,
    backends: usize,
    /// Σ over backends of the share failing below each (health checks: only live ones count,
    /// and with nothing failed all are live).
    below: f64,
}

/// How much of a node is dead under a failure.
struct Failure<'a> {
    g: &'a Graph<'a>,
    element: &'a Element,
    /// Failure shares already computed under this failure, by node and depth (the depth only
    /// matters when there is a cycle, where the search is cut off by depth).
    memo: RefCell<HashMap<(usize, usize), f64>>,
    /// Without a cycle: the nodes the failure touches; all others keep their healthy shares.
    touched: Option<Touched<'a>>,
    /// With nothing failed: each balancer's backend sums, computed once per analysis.
    balancers: RefCell<HashMap<usize, std::rc::Rc<BalancerSums>>>,
    /// Nodes evaluated and backends counted (shared by every failure of one analysis): the
    /// analysis's work, which the tests bound.
    steps: &'a Cell<u64>,
}

impl<'a> Failure<'a> {
    fn new(g: &'a Graph<'a>, element: &'a Element, steps: &'a Cell<u64>) -> Failure<'a> {
        Failure {
            g,
            element,
            memo: RefCell::new(HashMap::new()),
            touched: None,
            balancers: RefCell::new(HashMap::new()),
            steps,
        }
    }

    fn step(&self, n: usize) {
        self.steps.set(self.steps.get() + n as u64);
    }

    /// The failure of `element`, reusing `healthy` (the shares with nothing failed) for the
    /// nodes it cannot reach through their calls. Only without a cycle, where a share does not
    /// depend on the depth a node is reached at.
    fn beside(g: &'a Graph<'a>, element: &'a Element, healthy: &'a Failure<'a>) -> Failure<'a> {
        let mut f = Failure::new(g, element, healthy.steps);
        if g.acyclic {
            // A node fails only itself (found by id); a zone, whatever has units in it.
            let mut stack: Vec<usize> = match element {
                Element::Node(id) => g.by_id.get(id.as_str()).cloned().unwrap_or_default(),
                Element::Zone(_) => {
                    f.step(g.d.nodes.len());
                    (0..g.d.nodes.len())
                        .filter(|&i| f.dead_units(&g.d.nodes[i]).0 > 0)
                        .collect()
                }
            };
            let (mut set, mut list) = (HashSet::new(), Vec::new());
            while let Some(i) = stack.pop() {
                if set.insert(i) {
                    list.push(i);
                    f.step(1 + g.callers[i].len());
                    stack.extend(&g.callers[i]);
                }
            }
            f.touched = Some(Touched { set, list, healthy });
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
    if let Some(t) = &f.touched {
        if !t.set.contains(&i) {
            return fail(t.healthy, node, reads, depth);
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
    f.step(1);
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
            if let Some(share) = balancer_by_change(f, i, p.health_check.enabled, reads, depth) {
                return share;
            }
            f.step(out.len());
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

/// A backend of a balancer: how many backends it counts for, how many of them (the first
/// ones) are dead, and the share failing below a live one.
fn backend_run(f: &Failure, ti: usize, reads: f64, depth: usize) -> (usize, usize, f64) {
    let tn = &f.g.d.nodes[ti];
    let below = fail_below(f, ti, reads, depth);
    match &tn.spec {
        NodeSpec::Server(_) => {
            let (tdead, instances) = f.dead_units(tn);
            (instances, tdead.min(instances), below)
        }
        _ => (
            1,
            usize::from(f.node_dead(tn)),
            fail(f, Some(ti), reads, depth),
        ),
    }
}

/// The balancer `i`'s failure share under `f` from its healthy backend sums, corrected by the
/// backends `f` touches: O(touched) instead of O(backends). `None` where that is not cheaper
/// (more touched nodes than edges) or not possible (a cycle: no healthy sums apply).
fn balancer_by_change(
    f: &Failure,
    i: usize,
    checked: bool,
    reads: f64,
    depth: usize,
) -> Option<f64> {
    let t = f.touched.as_ref()?;
    let out = &f.g.out[i];
    if t.list.len() >= out.len() {
        return None;
    }
    let healthy = t.healthy;
    let sums = healthy.balancer_sums(i, reads, depth);
    let (mut below, mut alive) = (sums.below, sums.backends);
    for &ti in &t.list {
        f.step(1);
        let Some(&edges) = sums.edges_to.get(&ti) else {
            continue;
        };
        let (n, _, old_below) = backend_run(healthy, ti, reads, depth + 1);
        let (_, dead, new_below) = backend_run(f, ti, reads, depth + 1);
        let live = (n - dead) as f64;
        if checked {
            below += edges as f64 * (live * new_below - n as f64 * old_below);
            alive -= edges * dead;
        } else {
            below += edges as f64 * (dead as f64 + live * new_below - n as f64 * old_below);
        }
    }
    Some(if sums.backends == 0 || (checked && alive == 0) {
        1.0
    } else if checked {
        below / alive as f64
    } else {
        below / sums.backends as f64
    })
}

impl Failure<'_> {
    /// The backend sums of balancer `i` under this failure (used on the healthy one), once.
    fn balancer_sums(&self, i: usize, reads: f64, depth: usize) -> std::rc::Rc<BalancerSums> {
        if let Some(s) = self.balancers.borrow().get(&i) {
            return s.clone();
        }
        let out = &self.g.out[i];
        self.step(out.len());
        let mut sums = BalancerSums {
            edges_to: HashMap::new(),
            backends: 0,
            below: 0.0,
        };
        for &ti in out.iter().flatten() {
            *sums.edges_to.entry(ti).or_insert(0) += 1;
            let (n, dead, below) = backend_run(self, ti, reads, depth + 1);
            debug_assert_eq!(dead, 0, "nothing is dead with nothing failed");
            sums.backends += n;
            for _ in 0..n {
                sums.below += below;
            }
        }
        let sums = std::rc::Rc::new(sums);
        self.balancers.borrow_mut().insert(i, sums.clone());
        sums
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
fn unit_failure(g: &Graph, id: &str) -> String {
    match g.node(id).map(|n| &n.spec) {
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
fn reason(g: &Graph, element: &Element) -> Reason {
    let Element::Node(id) = element else {
        return Reason::Zone;
    };
    match g.node(id).map(|n| &n.spec) {
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
fn explain(g: &Graph, element: &Element, cut_off: &[String]) -> String {
    let clients = cut_off.join(", ");
    match element {
        Element::Zone(z) => format!(
            "zone '{z}' holds everything some request path needs: if it goes down, {clients} lose every request"
        ),
        Element::Node(id) => {
            let reason = match reason(g, element) {
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
    analyze_counting(d).0
}

/// [`analyze`], and the steps it took (nodes evaluated, backends and callers counted).
pub(crate) fn analyze_counting(d: &Diagram) -> (SpofReport, u64) {
    let reads = read_share(d);
    let clients: Vec<(usize, &Node, f64)> = d
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.spec {
            NodeSpec::Client(c) => Some((i, n, c.rate_rps.max(0.0))),
            _ => None,
        })
        .collect();
    let total_rate: f64 = clients.iter().map(|(_, _, r)| r).sum();
    let mut elements: Vec<Element> = d
        .nodes
        .iter()
        .filter(|n| n.kind() != ComponentKind::Client)
        .map(|n| Element::Node(n.id.clone()))
        .collect();
    elements.extend(d.zones().into_iter().map(|z| Element::Zone(z.to_owned())));

    let graph = Graph::new(d);
    let steps = Cell::new(0);
    // A zone with no name fails nothing.
    let nothing = Element::Zone(String::new());
    let healthy = Failure::new(&graph, &nothing, &steps);
    // Clients already losing traffic with nothing failed are in every blast radius; the others
    // only in those of failures that touch them.
    let resolved: Vec<Option<usize>> = clients
        .iter()
        .map(|(_, c, _)| graph.resolve(&c.id))
        .collect();
    let always: Vec<usize> = (0..clients.len())
        .filter(|&k| fail(&healthy, resolved[k], reads, 0).clamp(0.0, 1.0) >= RISK)
        .collect();
    let client_at: HashMap<usize, Vec<usize>> =
        clients
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (k, (i, _, _))| {
                m.entry(*i).or_default().push(k);
                m
            });
    let mut report = SpofReport::default();
    for element in elements {
        let f = Failure::beside(&graph, &element, &healthy);
        // The clients whose share may differ from nothing failed, in the diagram's order (the
        // order their losses are added in).
        let read: Vec<usize> = match &f.touched {
            Some(t) => {
                let mut ks: Vec<usize> = t
                    .list
                    .iter()
                    .filter_map(|i| client_at.get(i))
                    .flatten()
                    .chain(&always)
                    .copied()
                    .collect();
                ks.sort_unstable();
                ks.dedup();
                ks
            }
            None => (0..clients.len()).collect(),
        };
        let mut blast = BTreeMap::new();
        let mut lost = 0.0;
        let mut cut_off = Vec::new();
        for k in read {
            let (_, c, rate) = &clients[k];
            // Users in a zone that is down are not "cut off" by it: they are gone too.
            if let Element::Zone(z) = &element {
                if c.zone == *z {
                    continue;
                }
            }
            let share = fail(&f, resolved[k], reads, 0).clamp(0.0, 1.0);
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
                    unit_failure(&graph, id),
                    worst * 100.0
                ),
                Element::Zone(z) => format!(
                    "if zone '{z}' goes down, up to {:.0} % of some client's requests fail",
                    worst * 100.0
                ),
            };
            report.risks.push(Finding {
                reason: reason(&graph, &element),
                element,
                blast,
                traffic_share,
                why,
            });
        } else {
            let why = explain(&graph, &element, &cut_off);
            report.spofs.push(Finding {
                reason: reason(&graph, &element),
                element,
                blast,
                traffic_share,
                why,
            });
        }
    }
    (report, steps.get())
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
        // The risk threshold is 5 %: one instance in 20 is reported, one in 21 (4.8 %) is not.
        let twenty = no_checks.replace(r#""instances":3"#, r#""instances":20"#);
        let r = analyze(&diagram(&twenty));
        assert!((r.finding("api").expect("a risk").blast["users"] - 0.05).abs() < 1e-9);
        let twenty_one = no_checks.replace(r#""instances":3"#, r#""instances":21"#);
        assert!(analyze(&diagram(&twenty_one)).finding("api").is_none());
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
