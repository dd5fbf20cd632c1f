//! Layer-7 load balancing: TLS termination and HTTP parsing (a per-request cost), and routing
//! by path and host.
//!
//! An `l7` balancer is the same single forwarding engine as an `l4` one (see `balancer.rs`), but
//! each request costs it [`L7_CPU_FACTOR`] times the work (so it forwards `capacity_rps / 4`
//! requests per second) and [`L7_EXTRA_LATENCY_MS`] more latency. Its ordered `rules` pick a
//! pool of backends for each request: the first rule whose `path_prefix` starts the request's
//! path (and whose `host`, if given, equals the request's host) wins, and the balancer's
//! algorithm picks within that rule's pool, with its own round-robin counter and hash ring. A
//! request no rule matches is answered 404 ([`Cause::NoRoute`]) by the balancer. A request from a
//! client without classes has path `/` and no host. An `l7` balancer without rules routes over
//! all its backends, as an `l4` one does.

use super::balancer::{BalancerRt, Health};
use super::hashring::HashRing;
use super::node::{Model, Out};
use super::Simulation;
use crate::diagram::{Algorithm, Layer, LoadBalancerParams};
use crate::dist::Rng;
use std::collections::BTreeMap;

/// Per-request work of an L7 balancer relative to an L4 one (TLS record decryption, HTTP parsing,
/// rule evaluation, a second connection to the backend). See docs/model.md for the sources.
pub const L7_CPU_FACTOR: f64 = 4.0;
/// Latency an L7 balancer adds to every request on top of `latency_ms`.
pub const L7_EXTRA_LATENCY_MS: f64 = 0.5;

/// Forwarding time per request of a balancer with `p` (ns): 1 / capacity, times the L7 factor.
pub(crate) fn forwarding_ns(p: &LoadBalancerParams) -> u64 {
    if !(p.capacity_rps > 0.0 && p.capacity_rps.is_finite()) {
        return 0;
    }
    match p.layer {
        Layer::L4 => libm::round(1e9 / p.capacity_rps) as u64,
        Layer::L7 => libm::round(1e9 * L7_CPU_FACTOR / p.capacity_rps) as u64,
    }
}

/// Fixed processing latency of a balancer with `p` (ms).
pub(crate) fn latency_ms(p: &LoadBalancerParams) -> f64 {
    match p.layer {
        Layer::L4 => p.latency_ms,
        Layer::L7 => p.latency_ms + L7_EXTRA_LATENCY_MS,
    }
}

/// One rule at run time: its pool (indices into the balancer's backends) and the algorithm's
/// state within it.
#[derive(Clone, Debug, Default)]
pub(crate) struct RuleRt {
    pub pool: Vec<u32>,
    rr: u32,
    ring: HashRing,
}

/// The routing table of an L7 balancer with rules.
#[derive(Clone, Debug, Default)]
pub(crate) struct Routes {
    pub rules: Vec<RuleRt>,
}

/// Whether an L7 balancer with `p` routes by rules.
pub(crate) fn routes_by_rules(p: &LoadBalancerParams) -> bool {
    p.layer == Layer::L7 && !p.rules.is_empty()
}

impl Routes {
    /// The first rule of `p` matching `path` on `host`.
    pub fn rule_for(p: &LoadBalancerParams, path: &str, host: &str) -> Option<usize> {
        p.rules.iter().position(|r| r.matches(path, host))
    }
}

impl BalancerRt {
    /// Chooses a backend within the pool of rule `r`, or `None` if the pool is empty.
    pub fn choose_in_rule(
        &mut self,
        rng: &mut Rng,
        key: u64,
        session: u32,
        r: usize,
    ) -> Option<u32> {
        let hc = self.params.health_check.enabled;
        let algorithm = self.params.algorithm;
        let sticky_on = self.params.sticky_sessions;
        let routes = self.routes.as_mut()?;
        let rule = routes.rules.get_mut(r)?;
        let pool = &rule.pool;
        let n = pool.len() as u32;
        if n == 0 {
            return None;
        }
        let health = &self.health;
        let healthy = |b: u32| health.get(b as usize).is_none_or(|h: &Health| h.healthy);
        // With none of the pool healthy, the pool fails open (as a whole balancer does).
        let any_healthy = pool.iter().any(|&b| healthy(b));
        let avoid = |b: u32| hc && !healthy(b) && any_healthy;
        if sticky_on {
            if let Some(&b) = self
                .sticky
                .get(&session)
                .and_then(|id| self.by_identity.get(id))
            {
                if pool.contains(&b) && !avoid(b) {
                    return Some(b);
                }
            }
        }
        let b = match algorithm {
            Algorithm::RoundRobin => {
                let mut b = pool[(rule.rr % n) as usize];
                rule.rr = rule.rr.wrapping_add(1);
                for _ in 0..n {
                    if !avoid(b) {
                        break;
                    }
                    b = pool[(rule.rr % n) as usize];
                    rule.rr = rule.rr.wrapping_add(1);
                }
                b
            }
            Algorithm::Random => {
                let ok: Vec<u32> = pool.iter().copied().filter(|&b| !avoid(b)).collect();
                ok[rng.below(ok.len() as u64) as usize]
            }
            Algorithm::LeastOutstanding => {
                let start = rule.rr % n;
                rule.rr = rule.rr.wrapping_add(1);
                let outstanding = &self.outstanding;
                (0..n)
                    .map(|i| pool[((start + i) % n) as usize])
                    .filter(|&b| !avoid(b))
                    .min_by_key(|&b| outstanding.get(b as usize).copied().unwrap_or(0))
                    .unwrap_or(pool[start as usize])
            }
            Algorithm::ConsistentHash => rule
                .ring
                .lookup(key, |i| !avoid(pool[i as usize]))
                .map_or(pool[0], |i| pool[i as usize]),
        };
        if sticky_on {
            if let Some(backend) = self.backends.get(b as usize) {
                self.sticky.insert(session, backend.identity);
            }
        }
        Some(b)
    }

    /// Rebuilds the pools of every rule after the backends (or the rules) changed. `targets`
    /// holds, per rule, the node slots it names; `out` is the balancer's edges.
    pub fn set_routes(&mut self, targets: &[Vec<u32>], out: &[Out]) {
        if !routes_by_rules(&self.params) {
            self.routes = None;
            return;
        }
        let old = self.routes.take().unwrap_or_default();
        let rules = targets
            .iter()
            .enumerate()
            .map(|(i, slots)| {
                let pool: Vec<u32> = self
                    .backends
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| {
                        out.get(b.out as usize)
                            .is_some_and(|o| slots.contains(&o.target))
                    })
                    .map(|(i, _)| i as u32)
                    .collect();
                let ring = if self.params.algorithm == Algorithm::ConsistentHash {
                    let ids: Vec<u64> = pool
                        .iter()
                        .map(|&b| self.backends[b as usize].identity)
                        .collect();
                    HashRing::new(&ids, self.params.virtual_nodes)
                } else {
                    HashRing::default()
                };
                RuleRt {
                    pool,
                    rr: old.rules.get(i).map_or(0, |r| r.rr),
                    ring,
                }
            })
            .collect();
        self.routes = Some(Routes { rules });
    }
}

impl Simulation {
    /// Resolves the rule targets of balancer `slot` to node slots and rebuilds its pools.
    pub(super) fn rebuild_routes(&mut self, slot: usize) {
        let Model::Balancer(lb) = &self.nodes[slot].model else {
            return;
        };
        if !routes_by_rules(&lb.params) && lb.routes.is_none() {
            return;
        }
        let index: &BTreeMap<String, u32> = &self.index;
        let targets: Vec<Vec<u32>> = lb
            .params
            .rules
            .iter()
            .map(|r| {
                r.targets
                    .iter()
                    .filter_map(|t| index.get(t).copied())
                    .collect()
            })
            .collect();
        let out = self.nodes[slot].out.clone();
        if let Model::Balancer(lb) = &mut self.nodes[slot].model {
            lb.set_routes(&targets, &out);
        }
    }
}
