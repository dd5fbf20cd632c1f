//! Cache (the shared L2, Redis/Memcached-like): a read-through proxy with an eviction policy
//! (LRU unless told otherwise), TTL expiry and a write policy. A hit answers at once with the
//! cached version (stale if the database has committed a newer one since); a miss goes to the
//! tier behind and stores what comes back. Each member is one FIFO engine of `capacity_rps`,
//! like the load balancer; a cluster of several picks a key's member by client-side hashing
//! (see `cache_cluster.rs`).

use super::cache_cluster::Membership;
use super::eviction::KeyStore;
use super::jobs::{Cause, JobRef, Phase};
use super::lru::Lookup;
use super::node::{Model, NodeRt};
use super::Simulation;
use crate::diagram::{CacheParams, WritePolicy};
use crate::dist::mix64;
use crate::time::{ms_to_ns, Time};

/// Operations that may wait for a cache member before it refuses more (a full connection
/// backlog).
const MAX_BACKLOG: u64 = 10_000;

/// What one member did since warm-up.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MemberCounts {
    pub hits: u64,
    pub misses: u64,
    /// Operations routed to it (lookups, and writes passing through).
    pub requests: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct CacheMember {
    pub store: KeyStore,
    free_at: Time,
    pub counts: MemberCounts,
}

#[derive(Clone, Debug)]
pub(crate) struct CacheRt {
    pub params: CacheParams,
    pub members: Vec<CacheMember>,
    pub membership: Membership,
    svc: Time,
    latency: Time,
    /// Seeds the stores of members that evict at random (drawn once per cache build).
    seed: u64,
}

impl CacheRt {
    /// `identity` is the node's portable hash (its members' places on the ring); `seed` feeds
    /// random eviction.
    pub fn new(p: &CacheParams, identity: u64, seed: u64) -> CacheRt {
        let mut c = CacheRt {
            params: p.clone(),
            members: Vec::new(),
            membership: Membership::new(identity),
            svc: svc_for(p.capacity_rps),
            latency: ms_to_ns(p.latency_ms),
            seed,
        };
        c.set_members(p.members.max(1), 0);
        c
    }

    fn new_store(&self, p: &CacheParams, member: u32) -> KeyStore {
        KeyStore::new(
            p.eviction,
            p.capacity_keys,
            ms_to_ns(p.ttl_ms),
            mix64(self.seed ^ mix64(member as u64)),
        )
    }

    /// Grows or shrinks the cluster: new members start empty (and up), members taken away
    /// lose what they held.
    fn set_members(&mut self, count: u32, now: Time) {
        let p = self.params.clone();
        self.members.truncate(count as usize);
        while self.members.len() < count as usize {
            let store = self.new_store(&p, self.members.len() as u32);
            self.members.push(CacheMember {
                store,
                free_at: now,
                counts: MemberCounts::default(),
            });
        }
        self.membership.up.truncate(count as usize);
        self.membership.rebuild(&p, count as usize);
    }

    /// Whether the member count, the hashing or the ring would change under `p`.
    pub fn membership_changes(&self, p: &CacheParams) -> bool {
        p.members.max(1) as usize != self.members.len()
            || p.hashing != self.params.hashing
            || p.virtual_nodes != self.params.virtual_nodes
    }

    /// Kills (losing what it cached) or revives (empty) member `m`.
    pub fn set_member_up(&mut self, m: usize, up: bool, now: Time) {
        self.membership.up[m] = up;
        let member = &mut self.members[m];
        member.free_at = now;
        if !up {
            member.store.clear();
        }
        let p = self.params.clone();
        self.membership.rebuild(&p, self.members.len());
    }

    /// Returns how many entries a smaller capacity evicted. A new eviction policy starts every
    /// member empty (its bookkeeping cannot be rebuilt from another policy's).
    pub fn retune(&mut self, p: &CacheParams, now: Time) -> u64 {
        self.svc = svc_for(p.capacity_rps);
        self.latency = ms_to_ns(p.latency_ms);
        let policy_changed = p.eviction != self.params.eviction;
        self.params = p.clone();
        self.set_members(p.members.max(1), now);
        let ttl = ms_to_ns(p.ttl_ms);
        let mut evicted = 0;
        for i in 0..self.members.len() {
            if policy_changed {
                self.members[i].store = self.new_store(p, i as u32);
            } else {
                evicted += self.members[i].store.resize(p.capacity_keys, ttl);
            }
        }
        evicted
    }

    /// The node was killed: every member loses what it cached.
    pub fn reset(&mut self, now: Time) {
        for m in &mut self.members {
            m.free_at = now;
            m.store.clear();
        }
    }

    pub fn reset_stats(&mut self) {
        for m in &mut self.members {
            m.counts = MemberCounts::default();
        }
    }

    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        for m in &mut self.members {
            m.store.mark_stale(key, version, now);
        }
    }

    pub fn queue_len(&self, now: Time) -> u64 {
        self.members
            .iter()
            .map(|m| {
                m.free_at
                    .saturating_sub(now)
                    .checked_div(self.svc)
                    .unwrap_or(0)
            })
            .sum()
    }

    pub fn cost_per_hour(&self) -> f64 {
        self.params.cost_per_hour * self.members.len() as f64
    }

    /// The member that holds `key` now (None: every member is down).
    #[inline]
    pub fn member_for(&self, key: u64) -> Option<usize> {
        if self.members.len() == 1 {
            return self.membership.up[0].then_some(0);
        }
        self.membership.owner(key)
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
        let Some(m) = c.member_for(key) else {
            core.reject(&mut node.metrics, j, Cause::NodeDown, n);
            return;
        };
        let svc = c.svc;
        let latency = c.latency;
        let members = c.members.len() as Time;
        let member = &mut c.members[m];
        if member
            .free_at
            .saturating_sub(now)
            .checked_div(svc)
            .unwrap_or(0)
            >= MAX_BACKLOG
        {
            core.reject(&mut node.metrics, j, Cause::QueueFull, n);
            return;
        }
        member.counts.requests += 1;
        let start = member.free_at.max(now);
        member.free_at = start + svc;
        // Utilisation is the cluster's: each member is one engine of `members` in parallel.
        node.metrics.forwarded(svc / members, start - now);
        let ready = member.free_at + latency - now;
        // Requests of an uncacheable class pass through like writes (no lookup, no fill).
        if !write && core.class_cacheable(class) {
            match member.store.get(key, now) {
                Lookup::Hit {
                    version,
                    stale_since,
                } => {
                    member.counts.hits += 1;
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
                    member.counts.misses += 1;
                    node.metrics.data.expired();
                    node.metrics.data.miss();
                }
                Lookup::Miss => {
                    member.counts.misses += 1;
                    node.metrics.data.miss();
                }
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
        // The key's member now stores what came back (a member killed meanwhile failed the
        // requests it held; see `chaos.rs`).
        let member = c.member_for(job.key);
        if let (None, Some(m)) = (child.failed, member) {
            let store = &mut c.members[m].store;
            let evicted = if job.write {
                match c.params.write_policy {
                    WritePolicy::Invalidate => {
                        store.remove(job.key);
                        false
                    }
                    WritePolicy::WriteThrough => store.put(job.key, child.version, now, None),
                    WritePolicy::TtlOnly => false,
                }
            } else if !cacheable {
                false
            } else {
                // Filled from a lagging replica: the entry is stale from the start.
                let since = (child.stale_for > 0).then(|| now.saturating_sub(child.stale_for));
                store.put(job.key, child.version, now, since)
            };
            if evicted {
                node.metrics.data.evicted();
            }
        }
        core.send_answer(&mut node.metrics, parent);
    }
}
