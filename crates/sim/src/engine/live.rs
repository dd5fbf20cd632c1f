//! Building the run-time model from a diagram, and applying edits to a running simulation.
//!
//! The UI edits the document; the engine follows by diffing: nodes that disappeared are removed
//! (what they held fails with `node_removed`), new ones are added, changed parameters are
//! retuned in place — a server group scaled from 2 to 5 instances keeps its queues and its
//! in-flight requests — and every edge list is rebuilt.

use super::balancer::{backends_for, BalancerRt};
use super::batch_job::BatchJobRt;
use super::cache::CacheRt;
use super::cdn::CdnRt;
use super::client::ClientRt;
use super::database::DatabaseRt;
use super::jobs::{Cause, Failure};
use super::lanes;
use super::message_queue::MessageQueueRt;
use super::node::{Model, NodeRt, Out};
use super::router::RouterRt;
use super::server::{sampler_for, ServerRt};
use super::traffic_manager::TrafficManagerRt;
use super::{EdgeRt, Ev, Simulation};
use crate::diagram::{Diagram, Edge, Node, NodeSpec, Problem, Workload};
use crate::dist::{hash_str, mix64};
use crate::metrics::NodeMetrics;
use crate::time::ms_to_ns;
use crate::ComponentKind;

/// A change to the diagram of a running simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    AddNode(Node),
    /// Replaces the node with the same id (parameters, label, position).
    UpdateNode(Node),
    RemoveNode(String),
    AddEdge(Edge),
    /// Replaces the edge with the same name (id, or from→to).
    UpdateEdge(Edge),
    /// Removes the edge with this name.
    RemoveEdge(String),
    SetWorkload(Workload),
}

impl Simulation {
    /// Applies one edit. The simulation keeps running from where it is; an edit that would make
    /// the diagram invalid is refused with the problems and changes nothing.
    pub fn apply(&mut self, edit: Edit) -> Result<(), Vec<Problem>> {
        let mut d = self.diagram.clone();
        let missing = |what: &str, id: &str| {
            let code = if what == "node" {
                "no_such_node"
            } else {
                "no_such_edge"
            };
            vec![Problem::error(
                crate::diagram::Location::Diagram,
                None,
                code,
                vec![id.to_owned()],
            )]
        };
        match edit {
            Edit::AddNode(n) => d.nodes.push(n),
            Edit::UpdateNode(n) => {
                let id = n.id.clone();
                *d.node_mut(&id).ok_or_else(|| missing("node", &id))? = n;
            }
            Edit::RemoveNode(id) => {
                let before = d.nodes.len();
                d.nodes.retain(|n| n.id != id);
                if d.nodes.len() == before {
                    return Err(missing("node", &id));
                }
                d.edges.retain(|e| e.from != id && e.to != id);
            }
            Edit::AddEdge(e) => d.edges.push(e),
            Edit::UpdateEdge(e) => {
                let name = e.name();
                let slot = d
                    .edges
                    .iter_mut()
                    .find(|x| x.name() == name)
                    .ok_or_else(|| missing("edge", &name))?;
                *slot = e;
            }
            Edit::RemoveEdge(name) => {
                let before = d.edges.len();
                d.edges.retain(|e| e.name() != name);
                if d.edges.len() == before {
                    return Err(missing("edge", &name));
                }
            }
            Edit::SetWorkload(w) => d.workload = w,
        }
        self.sync(&d)
    }

    /// Makes the running simulation follow `d` (the document after any number of edits).
    pub fn sync(&mut self, d: &Diagram) -> Result<(), Vec<Problem>> {
        let errors = d.errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        self.apply_diagram(d);
        Ok(())
    }

    /// Diffs `d` against the current model. `d` must be valid.
    pub(super) fn apply_diagram(&mut self, d: &Diagram) {
        let scale = d.workload.traffic_scale;
        // Removed nodes, and nodes whose kind changed (replaced by a new slot).
        let stale: Vec<(String, u32)> = self
            .index
            .iter()
            .filter(|(id, &slot)| {
                d.node(id)
                    .is_none_or(|n| n.kind() != self.nodes[slot as usize].kind)
            })
            .map(|(id, &slot)| (id.clone(), slot))
            .collect();
        for (id, slot) in stale {
            self.remove_node(slot);
            self.index.remove(&id);
        }
        let scale = scale * self.core.traffic_factor;
        // Cached DNS answers name a target for a user region: a redesign (regions, a node's
        // region, the wiring) changes what "nearest" means, so they are dropped. Outages do
        // not come through here, so the failover window a learner watches is untouched.
        let mut geo_changed = self.diagram.regions != d.regions
            || self.diagram.region_latency != d.region_latency
            || self.diagram.edges != d.edges;
        let old_regions = self.core.regions.clone();
        self.rebuild_regions(d);
        for node in &d.nodes {
            match self.index.get(&node.id) {
                Some(&slot) => {
                    let rt = &mut self.nodes[slot as usize];
                    rt.zone = node.zone.clone();
                    geo_changed |= old_regions.name(rt.region) != node.region;
                    rt.region = self.core.regions.index(&node.region);
                    self.retune(slot, &node.spec, scale)
                }
                None => self.add_node(node, scale, d.seed),
            }
        }
        if geo_changed {
            self.forget_dns_answers();
        }
        self.rebuild_edges(d);
        self.rebuild_txn_outs();
        self.follow_connections();
        self.has_queues = self
            .nodes
            .iter()
            .any(|n| matches!(n.model, Model::Queue(_)));
        for n in 0..self.nodes.len() as u32 {
            if let Model::Queue(_) = self.nodes[n as usize].model {
                self.queue_dispatch(n);
            }
        }
        let chaos_changed = self.diagram.chaos != d.chaos;
        self.diagram = d.clone();
        if chaos_changed {
            self.schedule_chaos();
        }
    }

    fn add_node(&mut self, node: &Node, scale: f64, seed: u64) {
        let now = self.core.now;
        let slot = self.nodes.len() as u32;
        let model = match &node.spec {
            NodeSpec::Client(p) => Model::Client(ClientRt::new(p, scale)),
            NodeSpec::LoadBalancer(p) => Model::Balancer(BalancerRt::new(p)),
            NodeSpec::Server(p) => Model::Server(ServerRt::new(p)),
            NodeSpec::Cache(p) => Model::Cache(CacheRt::new(
                p,
                hash_str(&node.id),
                mix64(seed ^ hash_str(&node.id)),
            )),
            NodeSpec::Database(p) => Model::Database(DatabaseRt::new(p)),
            NodeSpec::ShardRouter(p) => Model::Router(RouterRt::new(p)),
            NodeSpec::TrafficManager(p) => Model::TrafficManager(TrafficManagerRt::new(p)),
            NodeSpec::Cdn(p) => Model::Cdn(CdnRt::new(p)),
            NodeSpec::Queue(p) => Model::Queue(MessageQueueRt::new(p)),
            NodeSpec::BatchJob(p) => Model::BatchJob(Box::new(BatchJobRt::new(p))),
        };
        self.nodes.push(NodeRt {
            id: node.id.clone(),
            id_hash: hash_str(&node.id),
            kind: node.kind(),
            model,
            out: Vec::new(),
            up: true,
            zone: node.zone.clone(),
            region: self.core.regions.index(&node.region),
            slow: 1.0,
            error_rate: 0.0,
            metrics: NodeMetrics::new(
                now,
                self.core.cfg.series_capacity,
                matches!(
                    node.kind(),
                    ComponentKind::LoadBalancer | ComponentKind::Cache
                ),
            ),
        });
        self.index.insert(node.id.clone(), slot);
        self.refresh_capacity(slot);
        if let Model::Client(_) = self.nodes[slot as usize].model {
            self.intern_classes(slot);
            self.schedule_arrivals(slot);
        }
        self.schedule_batch_start(slot);
    }

    fn retune(&mut self, slot: u32, spec: &NodeSpec, scale: f64) {
        let remap_keys = match spec {
            NodeSpec::Cache(_) => self.remap_keys(),
            _ => 0,
        };
        let now = self.core.now;
        let node = &mut self.nodes[slot as usize];
        let mut reschedule = false;
        let mut shrink_db = None;
        let mut reschedule_batch = false;
        match (&mut node.model, spec) {
            (Model::Client(c), NodeSpec::Client(p)) => reschedule = c.retune(p, scale),
            (Model::Balancer(lb), NodeSpec::LoadBalancer(p)) => lb.retune(p),
            (Model::Server(s), NodeSpec::Server(p)) if s.params != *p => {
                s.sampler = sampler_for(p);
                // An autoscaled group keeps the size its autoscaler chose unless the user
                // changes the instance count itself.
                let resize = !p.autoscale.enabled || p.instances != s.params.instances;
                s.params = p.clone();
                if resize {
                    s.set_instances(p.instances);
                }
                s.retune_l1();
                if !node.up {
                    s.instances.iter_mut().for_each(|i| i.up = false);
                }
            }
            (Model::Cache(c), NodeSpec::Cache(p)) if c.params != *p => {
                // Members added or taken away, or another hashing: record the keys that move.
                let before = c
                    .membership_changes(p)
                    .then(|| c.membership.owners(remap_keys));
                let evicted = c.retune(p, now);
                if let Some(before) = before {
                    c.membership.record_remap(&before, now);
                }
                for _ in 0..evicted {
                    node.metrics.data.evicted();
                }
            }
            (Model::Database(d), NodeSpec::Database(p)) if d.params != *p => {
                let before = d.members.len();
                d.retune(p);
                // Members taken away fail what they held; new members start up.
                if d.members.len() < before {
                    shrink_db = Some(d.members.len() as u32);
                }
                if !node.up {
                    d.members.iter_mut().for_each(|m| m.up = false);
                }
            }
            (Model::Router(r), NodeSpec::ShardRouter(p)) => r.retune(p),
            (Model::TrafficManager(t), NodeSpec::TrafficManager(p)) => t.retune(p),
            (Model::Cdn(c), NodeSpec::Cdn(p)) if c.params != *p => c.retune(p),
            (Model::Queue(q), NodeSpec::Queue(p)) => q.retune(p),
            (Model::BatchJob(b), NodeSpec::BatchJob(p)) => reschedule_batch = b.retune(p),
            _ => {}
        }
        if matches!(spec, NodeSpec::Client(_)) {
            self.intern_classes(slot);
        }
        if reschedule {
            self.schedule_arrivals(slot);
        }
        if reschedule_batch {
            self.schedule_batch_start(slot);
        }
        if let Some(members) = shrink_db {
            self.abort_members_from(slot, members);
        }
        self.refresh_capacity(slot);
        self.drain_queues(slot);
    }

    /// After a retune that added workers or instances, queued work may start.
    fn drain_queues(&mut self, slot: u32) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[slot as usize];
        let Model::Server(s) = &mut node.model else {
            return;
        };
        let workers = s.params.workers;
        let mut start = Vec::new();
        for (i, inst) in s.instances.iter_mut().enumerate() {
            while inst.up && inst.busy < workers {
                let Some(j) = inst.queue.pop_front() else {
                    break;
                };
                inst.busy += 1;
                start.push((i, j));
            }
        }
        let now = core.now;
        for (_, j) in start {
            node.metrics.integrate(now);
            node.metrics.started(now - core.jobs.at(j).arrived_at);
            node.metrics.levels.queued -= 1;
            node.metrics.levels.busy += 1;
            node.metrics.levels.cpu += 1;
            core.jobs.at(j).phase = super::jobs::Phase::InService;
            let class = core.jobs.at(j).class;
            let service = s.sampler.sample(&mut core.rng) * s.slow * core.class_cost(class);
            core.queue
                .push(now + (libm::round(service) as u64).max(1), Ev::Done(j));
        }
    }

    /// Schedules a client's next arrival under its current epoch.
    fn schedule_arrivals(&mut self, slot: u32) {
        let now = self.core.now;
        if let Model::Client(c) = &self.nodes[slot as usize].model {
            if let Some(t) = c.next_arrival(&mut self.core.rng, now) {
                let epoch = c.epoch;
                let stream = lanes::arrivals_of(slot);
                self.core.queue.add_lane(stream);
                self.core
                    .queue
                    .push_stream(stream, t, Ev::Generate { node: slot, epoch });
            }
        }
    }

    fn remove_node(&mut self, slot: u32) {
        self.abort_node(slot, Cause::NodeRemoved);
        if let Model::Client(_) = self.nodes[slot as usize].model {
            // Its requests can no longer be answered: they fail now, and are counted.
            let orphans: Vec<_> = self
                .core
                .reqs
                .iter_live()
                .filter(|(_, q)| q.client == slot)
                .map(|(r, _)| r)
                .collect();
            for r in orphans {
                self.fail(
                    slot,
                    r,
                    Failure {
                        cause: Cause::NodeRemoved,
                        node: slot,
                    },
                );
            }
        }
        let node = &mut self.nodes[slot as usize];
        node.model = Model::Removed;
        node.out.clear();
        node.up = false;
        self.refresh_capacity(slot);
    }

    fn rebuild_edges(&mut self, d: &Diagram) {
        let mut edge_slots = std::collections::BTreeMap::new();
        for (i, e) in self.core.edges.iter().enumerate() {
            edge_slots.insert(e.name.clone(), i as u32);
        }
        for node in &mut self.nodes {
            node.out.clear();
        }
        for e in &d.edges {
            let (Some(&from), Some(&to)) = (self.index.get(&e.from), self.index.get(&e.to)) else {
                continue;
            };
            let name = e.name();
            // Crossing regions costs half the round trip each way, on top of the edge's own
            // latency: resolved here once, so no event pays for a lookup.
            let region_delay = self.core.regions.one_way(
                self.nodes[from as usize].region,
                self.nodes[to as usize].region,
            );
            let edge = *edge_slots.entry(name.clone()).or_insert_with(|| {
                self.core.edges.push(EdgeRt {
                    name,
                    ..Default::default()
                });
                self.core.edges.len() as u32 - 1
            });
            let base = ms_to_ns(e.latency_ms).saturating_add(region_delay);
            let jitter = ms_to_ns(e.jitter_ms);
            // Most events of a run are hops: the requests a node sends over edges of one
            // latency, and the answers coming back after it, each queue in a lane (`lanes.rs`).
            // A jittered hop's times jump about, so its events would mostly miss the lane.
            let lane = if jitter == 0 {
                self.core.queue.add_lane(lanes::after_delay(base));
                self.core.queue.add_lane(lanes::sent_by(from, base))
            } else {
                lanes::NO_LANE
            };
            self.nodes[from as usize].out.push(Out {
                target: to,
                base,
                lane,
                jitter,
                edge,
                cut: false,
                region_delay,
            });
        }
        self.recompute_cuts();
        self.rebuild_backends();
        self.rebuild_watchers();
        self.resolve_client_regions(d);
        for slot in 0..self.nodes.len() as u32 {
            self.ensure_health_checks(slot);
            self.ensure_autoscaler(slot);
            self.ensure_probes(slot);
        }
    }
}

impl Simulation {
    /// Every balancer's backend list, after instances came or went.
    pub(super) fn rebuild_backends(&mut self) {
        for slot in 0..self.nodes.len() {
            if let Model::Balancer(_) = self.nodes[slot].model {
                let backends = backends_for(&self.nodes[slot].out, &self.nodes);
                if let Model::Balancer(lb) = &mut self.nodes[slot].model {
                    lb.set_backends(backends);
                }
                self.rebuild_routes(slot);
            }
        }
        if self.conns.active {
            self.follow_connections();
        }
    }

    /// For every database, the caches (and servers with an L1) from which it can be reached:
    /// they hear about each commit, so their older copies are known to be stale.
    fn rebuild_watchers(&mut self) {
        let n = self.nodes.len();
        for db in 0..n {
            if !matches!(self.nodes[db].model, Model::Database(_)) {
                continue;
            }
            // Walk the reversed graph from the database.
            let mut seen = vec![false; n];
            let mut stack = vec![db];
            let mut watchers = Vec::new();
            while let Some(x) = stack.pop() {
                for (y, node) in self.nodes.iter().enumerate() {
                    if !seen[y] && node.out.iter().any(|o| o.target as usize == x) {
                        seen[y] = true;
                        stack.push(y);
                        let caches = match &node.model {
                            Model::Cache(_) | Model::Cdn(_) => true,
                            Model::Server(s) => s.params.l1.capacity_keys > 0,
                            _ => false,
                        };
                        if caches {
                            watchers.push(y as u32);
                        }
                    }
                }
            }
            if let Model::Database(d) = &mut self.nodes[db].model {
                d.watchers = watchers;
            }
        }
    }

    /// Fails the work held by database members at index `first` and beyond (scaled away).
    fn abort_members_from(&mut self, slot: u32, first: u32) {
        let held: Vec<super::jobs::JobRef> = self
            .core
            .jobs
            .iter_live()
            .filter(|(_, j)| {
                j.node == slot
                    && j.instance >= first
                    && matches!(
                        j.phase,
                        super::jobs::Phase::Queued
                            | super::jobs::Phase::InService
                            | super::jobs::Phase::Waiting
                    )
            })
            .map(|(r, _)| r)
            .collect();
        self.abort_jobs(slot, held, Cause::NodeRemoved);
    }
}
