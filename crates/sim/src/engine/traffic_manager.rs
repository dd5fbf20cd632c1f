//! Global traffic manager: geo-DNS, latency-based routing or anycast in front of regional
//! stacks. Its targets are its outgoing edges; a target's region is the target node's region.
//!
//! It probes every target every `probe_interval_ms`; `unhealthy_threshold` failures in a row
//! declare a target down, `healthy_threshold` successes bring it back. With DNS, users'
//! resolvers cache the answer for `dns_ttl_s` (one cache per client node and user region), so
//! after a region dies its users keep going there — and failing — until the probes have
//! noticed *and* their cached answer has expired: the failover window a learner should see.
//! With anycast nothing is cached: routing moves as soon as the probes withdraw the region.
//!
//! The manager is global (not in a region) and adds no delay of its own: a request pays the
//! round trip from its user's region to the chosen target's region on the hop to the target.

use super::jobs::{Cause, Job, JobRef, Phase, ReqRef, NONE};
use super::node::{Model, Out};
use super::regions::Regions;
use super::{Ev, LogWhat, Simulation};
use crate::diagram::{RoutingPolicy, TrafficManagerParams};
use crate::time::{ms_to_ns, secs_to_ns, Time};

/// Health of one target as the probes see it.
#[derive(Clone, Copy, Debug)]
struct TargetHealth {
    /// The target node's slot.
    target: u32,
    healthy: bool,
    fail_streak: u32,
    ok_streak: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct TrafficManagerRt {
    pub params: TrafficManagerParams,
    health: Vec<TargetHealth>,
    /// Cached DNS answers by (client node, user region): the target node and when the answer
    /// expires. Only looked up, never iterated, so its order cannot leak into results; at
    /// most one entry per client and region.
    answers: crate::fast_hash::FastMap<(u32, u32), (u32, Time)>,
    /// A probe cycle is scheduled.
    probing: bool,
}

impl TrafficManagerRt {
    pub fn new(p: &TrafficManagerParams) -> TrafficManagerRt {
        TrafficManagerRt {
            params: p.clone(),
            health: Vec::new(),
            answers: Default::default(),
            probing: false,
        }
    }

    pub fn retune(&mut self, p: &TrafficManagerParams) {
        if p.anycast || p.dns_ttl_s != self.params.dns_ttl_s {
            // Answers cached under the old TTL would outlive it.
            self.answers.clear();
        }
        self.params = p.clone();
    }

    /// Whether the probes consider `target` healthy (a target never probed is).
    fn healthy(&self, target: u32) -> bool {
        self.health
            .iter()
            .find(|h| h.target == target)
            .is_none_or(|h| h.healthy)
    }

    /// How long a DNS answer is cached; 0 = not at all (anycast, or a TTL of 0).
    fn ttl(&self) -> Time {
        if self.params.anycast {
            0
        } else {
            secs_to_ns(self.params.dns_ttl_s)
        }
    }
}

/// The target (index into `outs`) for a user in region `origin`, by `policy`, among the targets
/// the probes consider healthy — or among all of them when none is (DNS services answer with
/// every record rather than none: "fail open").
fn choose(
    tm: &TrafficManagerRt,
    outs: &[Out],
    region_of: impl Fn(u32) -> u32,
    regions: &Regions,
    origin: u32,
) -> usize {
    let any_healthy = outs.iter().any(|o| tm.healthy(o.target));
    let eligible = |o: &Out| !any_healthy || tm.healthy(o.target);
    match tm.params.policy {
        RoutingPolicy::Latency => {
            let mut best: Option<(Time, usize)> = None;
            for (i, o) in outs.iter().enumerate() {
                if !eligible(o) {
                    continue;
                }
                let rtt = regions.rtt(origin, region_of(o.target));
                if best.is_none_or(|(b, _)| rtt < b) {
                    best = Some((rtt, i));
                }
            }
            best.map_or(0, |(_, i)| i)
        }
        RoutingPolicy::Geo => {
            let own = outs
                .iter()
                .position(|o| origin != NONE && region_of(o.target) == origin && eligible(o));
            own.or_else(|| outs.iter().position(eligible)).unwrap_or(0)
        }
    }
}

impl Simulation {
    /// Drops every cached DNS answer (the diagram was redesigned; see `apply_diagram`).
    pub(super) fn forget_dns_answers(&mut self) {
        for node in &mut self.nodes {
            if let Model::TrafficManager(t) = &mut node.model {
                t.answers.clear();
            }
        }
    }

    pub(super) fn traffic_manager_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let (origin, client) = {
            let job = core.jobs.at(j);
            job.arrived_at = now;
            let client = core
                .reqs
                .get(ReqRef {
                    idx: job.req,
                    gen: job.req_gen,
                })
                .map_or(NONE, |q| q.client);
            (job.origin, client)
        };
        {
            let node = &mut nodes[n as usize];
            if !node.up || node.out.is_empty() {
                node.metrics.arrival();
                core.reject(&mut node.metrics, j, Cause::NodeDown, n);
                return;
            }
        }
        let region_of = |t: u32| nodes.get(t as usize).map_or(NONE, |x| x.region);
        let node = &nodes[n as usize];
        let Model::TrafficManager(tm) = &node.model else {
            return;
        };
        let ttl = tm.ttl();
        let cached = (ttl > 0 && client != NONE)
            .then(|| tm.answers.get(&(client, origin)))
            .flatten()
            .filter(|(_, expires)| *expires > now)
            .and_then(|(target, _)| node.out.iter().position(|o| o.target == *target));
        let i = match cached {
            Some(i) => i,
            None => choose(tm, &node.out, region_of, &core.regions, origin),
        };
        let out = node.out[i];
        let extra = core.regions.one_way(origin, region_of(out.target));
        let node = &mut nodes[n as usize];
        node.metrics.arrival();
        if cached.is_none() && ttl > 0 && client != NONE {
            if let Model::TrafficManager(tm) = &mut node.model {
                tm.answers
                    .insert((client, origin), (out.target, now.saturating_add(ttl)));
            }
        }
        core.jobs.at(j).phase = Phase::Waiting;
        core.call_farther(n, j, out, NONE, 0, extra);
    }

    pub(super) fn traffic_manager_answer(&mut self, parent: JobRef, child: Job) {
        let Simulation { core, nodes, .. } = self;
        let n = core.jobs.at(parent).node;
        core.jobs.at(parent).inherit(&child);
        core.send_answer(&mut nodes[n as usize].metrics, parent);
    }

    /// Starts the probe cycle of traffic manager `n` (once).
    pub(super) fn ensure_probes(&mut self, n: u32) {
        let now = self.core.now;
        if let Model::TrafficManager(tm) = &mut self.nodes[n as usize].model {
            if !tm.probing {
                tm.probing = true;
                let at = now + ms_to_ns(tm.params.probe_interval_ms).max(1);
                self.core.queue.push(at, Ev::Probe { node: n });
            }
        }
    }

    /// Probes every target: a target answers if it is up and the edge to it is not cut.
    pub(super) fn on_probe(&mut self, n: u32) {
        let now = self.core.now;
        if !matches!(self.nodes[n as usize].model, Model::TrafficManager(_)) {
            return; // removed, or replaced by another kind
        }
        let results: Vec<(u32, bool)> = (0u32..)
            .zip(&self.nodes[n as usize].out)
            .map(|(i, o)| (o.target, self.probe(n, o.target, NONE, i)))
            .collect();
        let Model::TrafficManager(tm) = &mut self.nodes[n as usize].model else {
            return;
        };
        let (down_after, up_after) = (tm.params.unhealthy_threshold, tm.params.healthy_threshold);
        // Targets whose edge is gone are forgotten.
        tm.health
            .retain(|h| results.iter().any(|(t, _)| *t == h.target));
        let mut changed = Vec::new();
        for &(target, ok) in &results {
            let h = match tm.health.iter().position(|h| h.target == target) {
                Some(i) => &mut tm.health[i],
                None => {
                    tm.health.push(TargetHealth {
                        target,
                        healthy: true,
                        fail_streak: 0,
                        ok_streak: 0,
                    });
                    let last = tm.health.len() - 1;
                    &mut tm.health[last]
                }
            };
            if ok {
                h.ok_streak += 1;
                h.fail_streak = 0;
                if !h.healthy && h.ok_streak >= up_after {
                    h.healthy = true;
                    changed.push((target, true));
                }
            } else {
                h.fail_streak += 1;
                h.ok_streak = 0;
                if h.healthy && h.fail_streak >= down_after {
                    h.healthy = false;
                    changed.push((target, false));
                }
            }
        }
        let next = now + ms_to_ns(tm.params.probe_interval_ms).max(1);
        self.core.queue.push(next, Ev::Probe { node: n });
        for (target, up) in changed {
            let t = &self.nodes[target as usize];
            let (target, region) = (t.id.clone(), self.core.regions.name(t.region).to_owned());
            let what = if up {
                LogWhat::TargetUp { target, region }
            } else {
                LogWhat::TargetDown { target, region }
            };
            self.log(n, what);
        }
    }

    /// Which targets of traffic manager `id` its probes consider down now (node ids).
    pub fn unhealthy_targets(&self, id: &str) -> Vec<String> {
        let Some(&n) = self.index.get(id) else {
            return Vec::new();
        };
        let Model::TrafficManager(tm) = &self.nodes[n as usize].model else {
            return Vec::new();
        };
        tm.health
            .iter()
            .filter(|h| !h.healthy)
            .filter_map(|h| self.node_id(h.target).map(str::to_owned))
            .collect()
    }
}
