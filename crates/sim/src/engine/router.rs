//! Shard router: sends each request to one shard — one of its outgoing edges — by the request's
//! key. Hash mod N spreads keys evenly but moves almost all of them when a shard is added;
//! consistent hashing moves about 1/(N+1); range partitioning keeps neighbouring keys together,
//! which is exactly what makes popular (Zipf-skewed) keys pile onto one hot shard.

use super::hashring::HashRing;
use super::jobs::{JobRef, Phase, NONE};
use super::node::Model;
use super::Simulation;
use crate::diagram::{ShardRouterParams, ShardStrategy};
use crate::dist::mix64;
use crate::time::{ms_to_ns, Time};

#[derive(Clone, Debug)]
pub(crate) struct RouterRt {
    pub params: ShardRouterParams,
    latency: Time,
    ring: HashRing,
    /// Identities of the shards the ring was built for.
    ring_ids: Vec<u64>,
}

/// The shard (index among `n`) a key goes to.
pub fn shard_for(
    strategy: ShardStrategy,
    ring: &HashRing,
    n: usize,
    key: u64,
    key_space: u64,
) -> usize {
    if n == 0 {
        return 0;
    }
    match strategy {
        ShardStrategy::HashMod => (mix64(key) % n as u64) as usize,
        ShardStrategy::ConsistentHash => ring.lookup(key, |_| true).unwrap_or(0) as usize,
        ShardStrategy::Range => {
            let space = key_space.max(1) as u128;
            ((key.min(key_space.saturating_sub(1)) as u128 * n as u128 / space) as usize).min(n - 1)
        }
    }
}

/// Shard identities for a ring: stable per shard, so existing shards keep their points.
fn identity(i: usize) -> u64 {
    mix64(0x5AD0_0000 + i as u64)
}

/// The share of keys (over a sample of the key space) that move to another shard when an
/// (N+1)-th shard is added, for each strategy.
pub fn keys_moved_if_added(
    n: usize,
    virtual_nodes: u32,
    key_space: u64,
) -> [(ShardStrategy, f64); 3] {
    let sample = key_space.clamp(1, 20_000);
    let ids = |k: usize| (0..k).map(identity).collect::<Vec<_>>();
    let before_ring = HashRing::new(&ids(n), virtual_nodes);
    let after_ring = HashRing::new(&ids(n + 1), virtual_nodes);
    let moved = |s: ShardStrategy| {
        let mut moved = 0u64;
        for i in 0..sample {
            // Spread the sample over the whole key space.
            let key = (i as u128 * key_space as u128 / sample as u128) as u64;
            let a = shard_for(s, &before_ring, n, key, key_space);
            let b = shard_for(s, &after_ring, n + 1, key, key_space);
            moved += (a != b) as u64;
        }
        moved as f64 / sample as f64
    };
    [
        (ShardStrategy::HashMod, moved(ShardStrategy::HashMod)),
        (
            ShardStrategy::ConsistentHash,
            moved(ShardStrategy::ConsistentHash),
        ),
        (ShardStrategy::Range, moved(ShardStrategy::Range)),
    ]
}

impl RouterRt {
    pub fn new(p: &ShardRouterParams) -> RouterRt {
        RouterRt {
            params: p.clone(),
            latency: ms_to_ns(p.latency_ms),
            ring: HashRing::default(),
            ring_ids: Vec::new(),
        }
    }

    pub fn retune(&mut self, p: &ShardRouterParams) {
        if p.virtual_nodes != self.params.virtual_nodes {
            self.ring_ids.clear();
        }
        self.latency = ms_to_ns(p.latency_ms);
        self.params = p.clone();
    }

    /// Keeps the ring in step with the number of shards.
    pub fn set_shards(&mut self, n: usize) {
        if self.ring_ids.len() != n {
            self.ring_ids = (0..n).map(identity).collect();
            self.ring = HashRing::new(&self.ring_ids, self.params.virtual_nodes);
        }
    }
}

impl Simulation {
    pub(super) fn router_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        node.metrics.arrival();
        let (key, key_space) = {
            let job = core.jobs.at(j);
            job.arrived_at = core.now;
            (job.key, job.key_space)
        };
        if !node.up || node.out.is_empty() {
            core.reject(&mut node.metrics, j, super::jobs::Cause::NodeDown, n);
            return;
        }
        let Model::Router(r) = &mut node.model else {
            return;
        };
        r.set_shards(node.out.len());
        let shard = shard_for(r.params.strategy, &r.ring, node.out.len(), key, key_space);
        let out = node.out[shard];
        core.jobs.at(j).phase = Phase::Waiting;
        core.call(n, j, out, NONE, r.latency);
    }

    pub(super) fn router_answer(&mut self, parent: JobRef, child: super::jobs::Job) {
        let Simulation { core, nodes, .. } = self;
        let n = core.jobs.at(parent).node;
        core.jobs.at(parent).inherit(&child);
        core.send_answer(&mut nodes[n as usize].metrics, parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_a_shard_moves_n_over_n_plus_1_with_mod_and_1_over_n_plus_1_with_a_ring() {
        for n in [3usize, 4, 8] {
            let moved = keys_moved_if_added(n, 200, 1_000_000);
            let (m, c) = (moved[0].1, moved[1].1);
            let n1 = n as f64 + 1.0;
            eprintln!(
                "{n} → {} shards: mod N moves {m:.3} (≈ {:.3}), consistent {c:.3} (≈ {:.3})",
                n + 1,
                n as f64 / n1,
                1.0 / n1
            );
            assert!((m - n as f64 / n1).abs() < 0.03, "mod N: {m}");
            assert!((c - 1.0 / n1).abs() < 0.3 / n1, "consistent: {c}");
        }
    }

    #[test]
    fn range_partitioning_puts_neighbouring_keys_together() {
        let ring = HashRing::default();
        assert_eq!(shard_for(ShardStrategy::Range, &ring, 4, 0, 100), 0);
        assert_eq!(shard_for(ShardStrategy::Range, &ring, 4, 24, 100), 0);
        assert_eq!(shard_for(ShardStrategy::Range, &ring, 4, 25, 100), 1);
        assert_eq!(shard_for(ShardStrategy::Range, &ring, 4, 99, 100), 3);
        assert_eq!(shard_for(ShardStrategy::Range, &ring, 4, 5_000, 100), 3);
    }
}
