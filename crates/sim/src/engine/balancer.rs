//! Load balancer: picks a backend per request (round robin, random, least outstanding,
//! consistent hashing on the key; optionally sticky per session) and proxies the answer back.
//!
//! It is itself a resource: a single forwarding engine that handles `capacity_rps` requests per
//! second. Because its per-request work is constant, each request's departure time is known the
//! moment it arrives (`free_at`), so queueing at the balancer costs no extra events.

use super::hashring::HashRing;
use super::jobs::{Cause, JobRef, Phase, NONE};
use super::node::{Model, NodeRt, Out};
use super::Simulation;
use crate::diagram::{Algorithm, LoadBalancerParams};
use crate::dist::{mix64, Rng};
use crate::time::{ms_to_ns, Time};
use std::collections::HashMap;

/// One place the balancer can send a request: a server instance, or another node.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backend {
    pub instance: u32,
    /// Index into the balancer's outgoing edges.
    pub out: u32,
    /// Stable across rebuilds: hash of node id and instance.
    pub identity: u64,
}

pub(crate) fn backend_identity(node_hash: u64, instance: u32) -> u64 {
    if instance == NONE {
        node_hash
    } else {
        mix64(node_hash ^ mix64(instance as u64 + 1))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct BalancerRt {
    pub params: LoadBalancerParams,
    /// Forwarding time per request (1 / capacity).
    pub svc: Time,
    pub latency: Time,
    /// When the forwarding engine becomes free.
    pub free_at: Time,
    pub backends: Vec<Backend>,
    /// Requests sent to each backend and not yet answered.
    pub outstanding: Vec<u32>,
    /// Requests sent to each backend since warm-up: where requests went.
    pub sent: Vec<u64>,
    /// Requests sent since warm-up to backends that have since left (scaled in, removed).
    pub sent_departed: u64,
    pub(super) by_identity: crate::fast_hash::FastMap<u64, u32>,
    ring: HashRing,
    /// session → backend identity. Only looked up, never iterated, so `HashMap`'s random order
    /// cannot leak into results.
    pub(super) sticky: crate::fast_hash::FastMap<u32, u64>,
    /// L7 balancers with rules: each rule's pool (see `l7.rs`). `None`: route over all backends.
    pub routes: Option<super::l7::Routes>,
    rr: u32,
    /// Bumped on every rebuild of `backends`.
    pub epoch: u32,
    /// Health-check state of each backend (aligned with `backends`).
    pub health: Vec<Health>,
    /// Backends whose last probe got no answer, counted when the probe times out.
    pub pending_fail: Vec<u64>,
    /// A health-check event is scheduled.
    pub checking: bool,
    /// The standby has taken over (a second failure is final until revived).
    pub standby_used: bool,
}

/// What the health checks think of a backend.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Health {
    pub healthy: bool,
    pub ok_streak: u32,
    pub fail_streak: u32,
}

impl Default for Health {
    fn default() -> Self {
        Health {
            healthy: true,
            ok_streak: 0,
            fail_streak: 0,
        }
    }
}

impl BalancerRt {
    pub fn new(p: &LoadBalancerParams) -> BalancerRt {
        BalancerRt {
            svc: svc_for(p),
            latency: ms_to_ns(super::l7::latency_ms(p)),
            params: p.clone(),
            free_at: 0,
            backends: Vec::new(),
            outstanding: Vec::new(),
            sent: Vec::new(),
            sent_departed: 0,
            by_identity: Default::default(),
            ring: HashRing::default(),
            sticky: Default::default(),
            rr: 0,
            epoch: 0,
            health: Vec::new(),
            pending_fail: Vec::new(),
            checking: false,
            standby_used: false,
            routes: None,
        }
    }

    /// Whether routing should avoid backend `b`: health checks are on, `b` failed them, and
    /// some other backend is healthy (with none healthy, balancers fail open).
    pub(super) fn avoid(&self, b: u32) -> bool {
        self.params.health_check.enabled
            && self.health.get(b as usize).is_some_and(|h| !h.healthy)
            && self.health.iter().any(|h| h.healthy)
    }

    pub fn retune(&mut self, p: &LoadBalancerParams) {
        let ring_changed =
            p.algorithm != self.params.algorithm || p.virtual_nodes != self.params.virtual_nodes;
        if p.sticky_sessions != self.params.sticky_sessions {
            self.sticky.clear();
        }
        self.svc = svc_for(p);
        self.latency = ms_to_ns(super::l7::latency_ms(p));
        self.params = p.clone();
        if ring_changed {
            self.rebuild_ring();
        }
    }

    /// Replaces the backend table, keeping outstanding counts and health of backends that
    /// remain.
    pub fn set_backends(&mut self, backends: Vec<Backend>) {
        let old_health: HashMap<u64, Health> = self
            .backends
            .iter()
            .zip(&self.health)
            .map(|(b, &h)| (b.identity, h))
            .collect();
        self.health = backends
            .iter()
            .map(|b| old_health.get(&b.identity).copied().unwrap_or_default())
            .collect();
        let old: HashMap<u64, u32> = self
            .backends
            .iter()
            .zip(&self.outstanding)
            .map(|(b, &o)| (b.identity, o))
            .collect();
        self.outstanding = backends
            .iter()
            .map(|b| old.get(&b.identity).copied().unwrap_or(0))
            .collect();
        let mut old_sent: HashMap<u64, u64> = self
            .backends
            .iter()
            .zip(&self.sent)
            .map(|(b, &s)| (b.identity, s))
            .collect();
        self.sent = backends
            .iter()
            .map(|b| old_sent.remove(&b.identity).unwrap_or(0))
            .collect();
        // A sum: the order HashMap iterates in cannot matter.
        self.sent_departed += old_sent.values().sum::<u64>();
        self.by_identity = backends
            .iter()
            .enumerate()
            .map(|(i, b)| (b.identity, i as u32))
            .collect();
        self.backends = backends;
        self.epoch = self.epoch.wrapping_add(1);
        self.rebuild_ring();
    }

    fn rebuild_ring(&mut self) {
        self.ring = if self.params.algorithm == Algorithm::ConsistentHash {
            let ids: Vec<u64> = self.backends.iter().map(|b| b.identity).collect();
            HashRing::new(&ids, self.params.virtual_nodes)
        } else {
            HashRing::default()
        };
    }

    /// Chooses a backend index for a request, or `None` if there is none.
    pub fn choose(&mut self, rng: &mut Rng, key: u64, session: u32) -> Option<u32> {
        let n = self.backends.len() as u32;
        if n == 0 {
            return None;
        }
        if self.params.sticky_sessions {
            if let Some(&b) = self
                .sticky
                .get(&session)
                .and_then(|id| self.by_identity.get(id))
            {
                if !self.avoid(b) {
                    return Some(b);
                }
            }
        }
        let b = match self.params.algorithm {
            Algorithm::RoundRobin => {
                let mut b = self.rr % n;
                self.rr = self.rr.wrapping_add(1);
                for _ in 0..n {
                    if !self.avoid(b) {
                        break;
                    }
                    b = self.rr % n;
                    self.rr = self.rr.wrapping_add(1);
                }
                b
            }
            Algorithm::Random => {
                let ok: Vec<u32> = (0..n).filter(|&b| !self.avoid(b)).collect();
                ok[rng.below(ok.len() as u64) as usize]
            }
            Algorithm::LeastOutstanding => {
                // Scan from a rotating start so ties are shared out instead of always
                // favouring the first backend.
                let start = self.rr % n;
                self.rr = self.rr.wrapping_add(1);
                (0..n)
                    .map(|i| (start + i) % n)
                    .filter(|&b| !self.avoid(b))
                    .min_by_key(|&b| self.outstanding[b as usize])
                    .unwrap_or(start)
            }
            Algorithm::ConsistentHash => self.ring.lookup(key, |b| !self.avoid(b)).unwrap_or(0),
        };
        if self.params.sticky_sessions {
            self.sticky
                .insert(session, self.backends[b as usize].identity);
        }
        Some(b)
    }

    /// An answer came back from a backend: it has one request fewer outstanding.
    pub fn release(&mut self, idx: u32, epoch: u32, identity: u64) {
        let idx = if epoch == self.epoch {
            Some(idx)
        } else {
            self.by_identity.get(&identity).copied()
        };
        if let Some(o) = idx.and_then(|i| self.outstanding.get_mut(i as usize)) {
            *o = o.saturating_sub(1);
        }
    }

    /// Forgets in-flight state (the balancer was killed).
    pub fn reset(&mut self, now: Time) {
        self.outstanding.iter_mut().for_each(|o| *o = 0);
        self.free_at = now;
    }

    /// Requests waiting for the forwarding engine at `now`.
    pub fn queue_len(&self, now: Time) -> u64 {
        self.free_at
            .saturating_sub(now)
            .checked_div(self.svc)
            .unwrap_or(0)
    }
}

fn svc_for(p: &LoadBalancerParams) -> Time {
    super::l7::forwarding_ns(p)
}

/// The backends a balancer with edges `out` can reach: every in-service instance of a server
/// target, or the target node itself.
pub(crate) fn backends_for(out: &[Out], nodes: &[NodeRt]) -> Vec<Backend> {
    let mut v = Vec::new();
    for (oi, o) in out.iter().enumerate() {
        let target = &nodes[o.target as usize];
        match &target.model {
            Model::Server(s) => {
                for (i, inst) in s.instances.iter().enumerate() {
                    // Booting instances register with the balancer once they are ready.
                    if !inst.retired && !inst.booting {
                        v.push(Backend {
                            instance: i as u32,
                            out: oi as u32,
                            identity: backend_identity(target.id_hash, i as u32),
                        });
                    }
                }
            }
            Model::Removed => {}
            _ => v.push(Backend {
                instance: NONE,
                out: oi as u32,
                identity: target.id_hash,
            }),
        }
    }
    v
}

impl Simulation {
    pub(super) fn balancer_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation {
            core, nodes, conns, ..
        } = self;
        let node = &mut nodes[n as usize];
        let Model::Balancer(lb) = &mut node.model else {
            return;
        };
        let now = core.now;
        let m = &mut node.metrics;
        m.arrival();
        let (key, session, class) = {
            let job = core.jobs.at(j);
            job.arrived_at = now;
            (job.key, job.session, job.class)
        };
        if !node.up {
            core.reject(m, j, Cause::NodeDown, n);
            return;
        }
        if lb.queue_len(now) >= lb.params.max_queue as u64 {
            core.reject(m, j, Cause::LbOverloaded, n);
            return;
        }
        // A message on a long-lived connection goes where its connection was pinned.
        let pinned = if conns.active {
            let job = core.jobs.at(j);
            let req = super::jobs::ReqRef {
                idx: job.req,
                gen: job.req_gen,
            };
            core.reqs
                .get(req)
                .and_then(|q| conns.pinned(n, q.client, session))
                .and_then(|id| lb.by_identity.get(&id).copied())
        } else {
            None
        };
        let chosen = if pinned.is_some() {
            pinned
        } else if lb.routes.is_some() {
            // L7 with rules: the first rule matching the request's path and host.
            let (path, host) = core.class_route(class);
            match super::l7::Routes::rule_for(&lb.params, path, host) {
                Some(r) => lb.choose_in_rule(&mut core.rng, key, session, r),
                None => {
                    core.reject(m, j, Cause::NoRoute, n);
                    return;
                }
            }
        } else {
            lb.choose(&mut core.rng, key, session)
        };
        let Some(b) = chosen else {
            core.reject(m, j, Cause::NodeDown, n);
            return;
        };
        let start = lb.free_at.max(now);
        lb.free_at = start + lb.svc;
        m.forwarded(lb.svc, start - now);
        lb.outstanding[b as usize] += 1;
        lb.sent[b as usize] += 1;
        let backend = lb.backends[b as usize];
        let job = core.jobs.at(j);
        job.phase = Phase::Waiting;
        job.step = b;
        job.epoch = lb.epoch;
        let out = node.out[backend.out as usize];
        let delay = lb.free_at - now + lb.latency;
        core.call(n, j, out, backend.instance, delay);
    }

    /// A backend's answer reached the balancer: pass it on to the caller.
    pub(super) fn balancer_answer(&mut self, parent: JobRef, child: &super::jobs::Job) {
        let Simulation { core, nodes, .. } = self;
        let n = core.jobs.at(parent).node;
        let child_hash = nodes[child.node as usize].id_hash;
        let child_instance = child.instance;
        let node = &mut nodes[n as usize];
        let Model::Balancer(lb) = &mut node.model else {
            return;
        };
        let job = core.jobs.at(parent);
        lb.release(
            job.step,
            job.epoch,
            backend_identity(child_hash, child_instance),
        );
        job.inherit(child);
        core.send_answer(&mut node.metrics, parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balancer(algorithm: Algorithm, sticky: bool, backends: u32) -> BalancerRt {
        let mut lb = BalancerRt::new(&LoadBalancerParams {
            algorithm,
            sticky_sessions: sticky,
            virtual_nodes: 150,
            ..Default::default()
        });
        lb.set_backends(
            (0..backends)
                .map(|i| Backend {
                    instance: i,
                    out: 0,
                    identity: backend_identity(42, i),
                })
                .collect(),
        );
        lb
    }

    fn owner(lb: &mut BalancerRt, rng: &mut Rng, key: u64) -> u64 {
        let b = lb.choose(rng, key, 0).unwrap();
        lb.backends[b as usize].identity
    }

    #[test]
    fn consistent_hashing_moves_one_in_n_plus_one_keys_when_a_server_is_added() {
        let mut rng = Rng::seed(1);
        for n in [4, 9] {
            let mut lb = balancer(Algorithm::ConsistentHash, false, n);
            let before: Vec<u64> = (0..50_000).map(|k| owner(&mut lb, &mut rng, k)).collect();
            let mut more = lb.backends.clone();
            more.push(Backend {
                instance: n,
                out: 0,
                identity: backend_identity(42, n),
            });
            lb.set_backends(more);
            let moved = (0..50_000u64)
                .filter(|&k| owner(&mut lb, &mut rng, k) != before[k as usize])
                .count() as f64
                / 50_000.0;
            let ideal = 1.0 / (n as f64 + 1.0);
            eprintln!(
                "consistent hashing {n} → {}: moved {moved:.4}, ideal {ideal:.4}",
                n + 1
            );
            assert!(
                (moved - ideal).abs() < 0.3 * ideal,
                "n={n}: {moved} vs {ideal}"
            );
        }
    }

    #[test]
    fn sticky_sessions_pin_a_user_to_one_backend_and_survive_a_rebuild() {
        let mut rng = Rng::seed(2);
        let mut lb = balancer(Algorithm::RoundRobin, true, 4);
        let first: Vec<u32> = (0..100)
            .map(|s| lb.choose(&mut rng, 0, s).unwrap())
            .collect();
        for _ in 0..5 {
            for s in 0..100 {
                assert_eq!(lb.choose(&mut rng, s as u64, s).unwrap(), first[s as usize]);
            }
        }
        // Adding a backend keeps existing sessions where they were.
        let mut more = lb.backends.clone();
        more.push(Backend {
            instance: 4,
            out: 0,
            identity: backend_identity(42, 4),
        });
        lb.set_backends(more);
        for s in 0..100 {
            assert_eq!(lb.choose(&mut rng, 0, s).unwrap(), first[s as usize]);
        }
        // Without stickiness, round robin moves the same user around.
        let mut plain = balancer(Algorithm::RoundRobin, false, 4);
        let a = plain.choose(&mut rng, 0, 7);
        let b = plain.choose(&mut rng, 0, 7);
        assert_ne!(a, b);
    }

    #[test]
    fn least_outstanding_avoids_busy_backends() {
        let mut rng = Rng::seed(3);
        let mut lb = balancer(Algorithm::LeastOutstanding, false, 3);
        lb.outstanding = vec![5, 0, 5];
        assert_eq!(lb.choose(&mut rng, 0, 0), Some(1));
        lb.release(1, lb.epoch, 0);
        lb.outstanding = vec![0, 9, 9];
        assert_eq!(lb.choose(&mut rng, 0, 0), Some(0));
    }
}
