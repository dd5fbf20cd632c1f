//! CDN: an edge cache in every region users come from, in front of one origin (the CDN's single
//! outgoing edge). A cacheable request is looked up in the edge cache of its user's region: a hit
//! is answered there after `edge_latency_ms`, without crossing any ocean; a miss goes on — to the
//! shield (one shared mid-tier cache next to the origin) if there is one, then to the origin —
//! paying the round trip between the user's region and the origin's, and fills the caches on the
//! way back. Each edge cache is an LRU with a TTL, the same as the cache component's.
//!
//! Writes pass through and do not purge the edges: cached copies stay until they expire, and
//! reads of them are counted stale (the CDN hears about commits like any cache in front of a
//! database).

use super::jobs::{Cause, Job, JobRef, Phase, NONE};
use super::lru::{Lookup, Lru};
use super::node::Model;
use super::{Core, Simulation};
use crate::diagram::CdnParams;
use crate::time::{ms_to_ns, Time};

/// Whether a request may be answered from the edge: reads of a cacheable class are; writes and
/// uncacheable classes (`cacheable: false`, e.g. a personalised API) pass through to the origin.
pub(crate) fn cacheable(core: &Core, job: &Job) -> bool {
    !job.write && core.class_cacheable(job.class)
}

/// Hits and misses of one cache.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CdnCounts {
    pub hits: u64,
    pub misses: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct CdnRt {
    pub params: CdnParams,
    edge_latency: Time,
    /// One edge cache per user region: slot 0 for users without a region, r + 1 for region r.
    /// Created when a region's first user arrives.
    edges: Vec<Option<Lru>>,
    shield: Option<Lru>,
    /// Since warm-up, by the same slots as `edges`.
    pub counts: Vec<CdnCounts>,
    pub shield_counts: CdnCounts,
    /// Requests sent to the origin since warm-up.
    pub origin_requests: u64,
}

fn slot(origin: u32) -> usize {
    if origin == NONE {
        0
    } else {
        origin as usize + 1
    }
}

impl CdnRt {
    pub fn new(p: &CdnParams) -> CdnRt {
        CdnRt {
            params: p.clone(),
            edge_latency: ms_to_ns(p.edge_latency_ms),
            edges: Vec::new(),
            shield: p
                .shield
                .then(|| Lru::new(p.capacity_keys, ms_to_ns(p.ttl_ms))),
            counts: Vec::new(),
            shield_counts: CdnCounts::default(),
            origin_requests: 0,
        }
    }

    pub fn retune(&mut self, p: &CdnParams) {
        let ttl = ms_to_ns(p.ttl_ms);
        for lru in self.edges.iter_mut().flatten() {
            lru.resize(p.capacity_keys, ttl);
        }
        match (&mut self.shield, p.shield) {
            (Some(s), true) => {
                s.resize(p.capacity_keys, ttl);
            }
            (s, on) => *s = on.then(|| Lru::new(p.capacity_keys, ttl)),
        }
        self.edge_latency = ms_to_ns(p.edge_latency_ms);
        self.params = p.clone();
    }

    fn edge(&mut self, slot: usize) -> &mut Lru {
        if self.edges.len() <= slot {
            self.edges.resize_with(slot + 1, || None);
            self.counts.resize(slot + 1, CdnCounts::default());
        }
        let (capacity, ttl) = (self.params.capacity_keys, ms_to_ns(self.params.ttl_ms));
        self.edges[slot].get_or_insert_with(|| Lru::new(capacity, ttl))
    }

    fn count(&mut self, slot: usize) -> &mut CdnCounts {
        if self.counts.len() <= slot {
            self.counts.resize(slot + 1, CdnCounts::default());
        }
        &mut self.counts[slot]
    }

    /// A newer version of `key` was committed: older cached copies are stale from now.
    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        for lru in self.edges.iter_mut().flatten() {
            lru.mark_stale(key, version, now);
        }
        if let Some(s) = &mut self.shield {
            s.mark_stale(key, version, now);
        }
    }

    /// Warm-up ends: statistics start.
    pub fn reset_stats(&mut self) {
        self.counts
            .iter_mut()
            .for_each(|c| *c = CdnCounts::default());
        self.shield_counts = CdnCounts::default();
        self.origin_requests = 0;
    }

    /// A killed CDN loses what it cached.
    pub fn clear(&mut self) {
        for lru in self.edges.iter_mut().flatten() {
            lru.clear();
        }
        if let Some(s) = &mut self.shield {
            s.clear();
        }
    }

    /// Hits and misses by user region slot (see [`CdnRt::edges`]).
    pub fn by_slot(&self) -> impl Iterator<Item = (u32, CdnCounts)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, c)| (if i == 0 { NONE } else { i as u32 - 1 }, *c))
    }
}

impl Simulation {
    pub(super) fn cdn_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let origin_region = nodes[n as usize]
            .out
            .first()
            .map_or(NONE, |o| nodes[o.target as usize].region);
        let node = &mut nodes[n as usize];
        node.metrics.arrival();
        let job = *core.jobs.at(j);
        core.jobs.at(j).arrived_at = now;
        if !node.up || node.out.is_empty() {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        }
        let Model::Cdn(c) = &mut node.model else {
            return;
        };
        let user = slot(job.origin);
        // The round trip between the user's edge location and the origin's region.
        let rtt = core.regions.rtt(job.origin, origin_region);
        if cacheable(core, &job) {
            let found = c.edge(user).get(job.key, now);
            if let Lookup::Hit {
                version,
                stale_since,
            } = found
            {
                c.count(user).hits += 1;
                node.metrics.data.hit();
                let delay = c.edge_latency;
                answer_hit(core, &mut node.metrics, n, j, version, stale_since, delay);
                return;
            }
            c.count(user).misses += 1;
            node.metrics.data.miss();
            if matches!(found, Lookup::Expired) {
                node.metrics.data.expired();
            }
            if let Some(shield) = &mut c.shield {
                if let Lookup::Hit {
                    version,
                    stale_since,
                } = shield.get(job.key, now)
                {
                    c.shield_counts.hits += 1;
                    // The edge keeps a copy of what the shield had.
                    let evicted = c.edge(user).put(job.key, version, now, stale_since);
                    if evicted {
                        node.metrics.data.evicted();
                    }
                    let delay = c.edge_latency + rtt;
                    answer_hit(core, &mut node.metrics, n, j, version, stale_since, delay);
                    return;
                }
                c.shield_counts.misses += 1;
            }
        }
        c.origin_requests += 1;
        let (out, delay) = (node.out[0], c.edge_latency);
        core.jobs.at(j).phase = Phase::Waiting;
        core.call_farther(n, j, out, NONE, delay, rtt / 2);
    }

    /// The origin answered a miss or a write: cacheable answers fill the shield and the
    /// user's edge.
    pub(super) fn cdn_answer(&mut self, parent: JobRef, child: Job) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let n = core.jobs.at(parent).node;
        let node = &mut nodes[n as usize];
        let job = core.jobs.at(parent);
        job.inherit(&child);
        let job = *job;
        if let Model::Cdn(c) = &mut node.model {
            if child.failed.is_none() && cacheable(core, &job) {
                // Filled from a lagging replica: the copy is stale from the start.
                let since = (child.stale_for > 0).then(|| now.saturating_sub(child.stale_for));
                let mut evicted = c
                    .edge(slot(job.origin))
                    .put(job.key, job.version, now, since);
                if let Some(s) = &mut c.shield {
                    evicted |= s.put(job.key, job.version, now, since);
                }
                if evicted {
                    node.metrics.data.evicted();
                }
            }
        }
        core.send_answer(&mut node.metrics, parent);
    }
}

/// Answers `j` from a cache after `delay`, with the cached version (stale since `stale_since`).
fn answer_hit(
    core: &mut super::Core,
    m: &mut crate::metrics::NodeMetrics,
    n: u32,
    j: JobRef,
    version: u64,
    stale_since: Option<Time>,
    delay: Time,
) {
    let now = core.now;
    let job = core.jobs.at(j);
    job.version = version;
    job.hit = true;
    if let Some(since) = stale_since {
        job.stale_for = (now - since).max(1);
        m.data.stale();
        core.trace_stale(n, now - since);
    }
    core.send_answer_after(m, j, delay);
}
