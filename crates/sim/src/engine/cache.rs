//! Cache (the shared L2, Redis/Memcached-like): a read-through proxy with LRU eviction, TTL
//! expiry and a write policy. A hit answers at once with the cached version (stale if the
//! database has committed a newer one since); a miss goes to the tier behind and stores what
//! comes back. Like the load balancer it is one FIFO engine of `capacity_rps`.

use super::jobs::{Cause, JobRef, Phase};
use super::lru::{Lookup, Lru};
use super::node::{Model, NodeRt};
use super::Simulation;
use crate::diagram::{CacheParams, WritePolicy};
use crate::dist::mix64;
use crate::time::{ms_to_ns, Time};

/// Operations that may wait for a cache before it refuses more (a full connection backlog).
const MAX_BACKLOG: u64 = 10_000;

#[derive(Clone, Debug)]
pub(crate) struct CacheRt {
    pub params: CacheParams,
    pub lru: Lru,
    svc: Time,
    latency: Time,
    free_at: Time,
}

impl CacheRt {
    pub fn new(p: &CacheParams) -> CacheRt {
        CacheRt {
            lru: Lru::new(p.capacity_keys, ms_to_ns(p.ttl_ms)),
            svc: svc_for(p.capacity_rps),
            latency: ms_to_ns(p.latency_ms),
            params: p.clone(),
            free_at: 0,
        }
    }

    /// Returns how many entries a smaller capacity evicted.
    pub fn retune(&mut self, p: &CacheParams) -> u64 {
        self.svc = svc_for(p.capacity_rps);
        self.latency = ms_to_ns(p.latency_ms);
        self.params = p.clone();
        self.lru.resize(p.capacity_keys, ms_to_ns(p.ttl_ms))
    }

    pub fn reset(&mut self, now: Time) {
        self.free_at = now;
        self.lru.clear();
    }

    pub fn queue_len(&self, now: Time) -> u64 {
        self.free_at
            .saturating_sub(now)
            .checked_div(self.svc)
            .unwrap_or(0)
    }
}

pub(crate) fn svc_for(capacity_rps: f64) -> Time {
    if capacity_rps > 0.0 && capacity_rps.is_finite() {
        libm::round(1e9 / capacity_rps) as Time
    } else {
        0
    }
}

/// Which of a node's outgoing edges a key goes to when there are several (a stable choice).
pub(crate) fn out_for_key(node: &NodeRt, key: u64) -> Option<usize> {
    let n = node.out.len() as u64;
    (n > 0).then(|| (mix64(key) % n) as usize)
}

impl Simulation {
    pub(super) fn cache_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let now = core.now;
        node.metrics.arrival();
        let (key, write, class) = {
            let job = core.jobs.at(j);
            job.arrived_at = now;
            (job.key, job.write, job.class)
        };
        let Model::Cache(c) = &mut node.model else {
            return;
        };
        if !node.up {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        }
        if c.queue_len(now) >= MAX_BACKLOG {
            core.reject(&mut node.metrics, j, Cause::QueueFull, n);
            return;
        }
        let start = c.free_at.max(now);
        c.free_at = start + c.svc;
        node.metrics.forwarded(c.svc, start - now);
        let ready = c.free_at + c.latency - now;
        // Requests of an uncacheable class pass through like writes (no lookup, no fill).
        if !write && core.class_cacheable(class) {
            match c.lru.get(key, now) {
                Lookup::Hit {
                    version,
                    stale_since,
                } => {
                    node.metrics.data.hit();
                    let job = core.jobs.at(j);
                    job.version = version;
                    job.hit = true;
                    if let Some(since) = stale_since {
                        job.stale_for = (now - since).max(1);
                        node.metrics.data.stale();
                        core.trace_stale(n, now - since);
                    }
                    core.send_answer_after(&mut node.metrics, j, ready);
                    return;
                }
                Lookup::Expired => {
                    node.metrics.data.expired();
                    node.metrics.data.miss();
                }
                Lookup::Miss => node.metrics.data.miss(),
            }
        }
        // A miss or a write: on to the tier behind.
        let Some(oi) = out_for_key(node, key) else {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        };
        let out = node.out[oi];
        core.jobs.at(j).phase = Phase::Waiting;
        core.call(n, j, out, super::jobs::NONE, ready);
    }

    /// The tier behind answered a miss or a write.
    pub(super) fn cache_answer(&mut self, parent: JobRef, child: super::jobs::Job) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let n = core.jobs.at(parent).node;
        let node = &mut nodes[n as usize];
        let Model::Cache(c) = &mut node.model else {
            return;
        };
        let cacheable = core.class_cacheable(child.class);
        let job = core.jobs.at(parent);
        job.inherit(&child);
        if child.failed.is_none() {
            let evicted = if job.write {
                match c.params.write_policy {
                    WritePolicy::Invalidate => {
                        c.lru.remove(job.key);
                        false
                    }
                    WritePolicy::WriteThrough => c.lru.put(job.key, child.version, now, None),
                    WritePolicy::TtlOnly => false,
                }
            } else if !cacheable {
                false
            } else {
                // Filled from a lagging replica: the entry is stale from the start.
                let since = (child.stale_for > 0).then(|| now.saturating_sub(child.stale_for));
                c.lru.put(job.key, child.version, now, since)
            };
            if evicted {
                node.metrics.data.evicted();
            }
        }
        core.send_answer(&mut node.metrics, parent);
    }
}
