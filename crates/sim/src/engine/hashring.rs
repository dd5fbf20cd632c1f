//! A consistent-hash ring with virtual nodes.
//!
//! Each backend owns many points on a 64-bit ring; a key belongs to the first point clockwise of
//! its hash. Adding a backend takes over only the arcs before its new points — about 1/(N+1) of
//! the keys — where `hash mod N` would move almost all of them. Hashes are portable (SplitMix), so
//! the same key lands on the same backend on every machine.

use crate::dist::mix64;

#[derive(Clone, Debug, Default)]
pub(crate) struct HashRing {
    /// (point, backend index), sorted by point.
    points: Vec<(u64, u32)>,
}

impl HashRing {
    /// `identities[i]` is a stable hash of backend i (node id and instance), so a backend keeps
    /// its points when others come and go.
    pub fn new(identities: &[u64], virtual_nodes: u32) -> HashRing {
        let mut points = Vec::with_capacity(identities.len() * virtual_nodes as usize);
        for (b, &id) in identities.iter().enumerate() {
            for v in 0..virtual_nodes as u64 {
                points.push((mix64(id ^ mix64(v)), b as u32));
            }
        }
        points.sort_unstable();
        HashRing { points }
    }

    /// The backend owning `key`, skipping backends for which `usable` is false.
    pub fn lookup(&self, key: u64, usable: impl Fn(u32) -> bool) -> Option<u32> {
        if self.points.is_empty() {
            return None;
        }
        let h = mix64(key);
        let start = self.points.partition_point(|&(p, _)| p < h);
        let n = self.points.len();
        (0..n)
            .map(|i| self.points[(start + i) % n].1)
            .find(|&b| usable(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owners(ring: &HashRing, keys: u64) -> Vec<u32> {
        (0..keys)
            .map(|k| ring.lookup(k, |_| true).unwrap())
            .collect()
    }

    #[test]
    fn adding_a_backend_moves_about_one_in_n_plus_one_keys() {
        for n in [3u64, 4, 8] {
            let ids: Vec<u64> = (0..n).map(|i| mix64(1000 + i)).collect();
            let before = owners(&HashRing::new(&ids, 200), 100_000);
            let mut more = ids.clone();
            more.push(mix64(1000 + n));
            let after = owners(&HashRing::new(&more, 200), 100_000);
            let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count() as f64 / 1e5;
            let ideal = 1.0 / (n as f64 + 1.0);
            // Not sampling error: the newcomer's 200 points cover a random share of the ring
            // whose relative spread is about 1/√200 ≈ 7 %, so 30 % is over 4 of those spreads.
            eprintln!(
                "consistent hashing {n} → {}: moved {moved:.4}, ideal {ideal:.4}",
                n + 1
            );
            assert!(
                (moved - ideal).abs() < 0.30 * ideal,
                "n={n}: moved {moved}, ideal {ideal}"
            );
            // Every key that moved went to the new backend.
            assert!(before
                .iter()
                .zip(&after)
                .all(|(a, b)| a == b || *b == n as u32));
        }
    }

    #[test]
    fn keys_spread_over_backends_and_skip_unusable_ones() {
        let ids: Vec<u64> = (0..4).map(|i| mix64(i + 7)).collect();
        let ring = HashRing::new(&ids, 200);
        let mut counts = [0u32; 4];
        for k in 0..100_000 {
            counts[ring.lookup(k, |_| true).unwrap() as usize] += 1;
        }
        for c in counts {
            assert!((c as f64 - 25_000.0).abs() < 0.15 * 25_000.0, "{counts:?}");
        }
        for k in 0..1_000 {
            assert_ne!(ring.lookup(k, |b| b != 2), Some(2));
        }
        assert_eq!(ring.lookup(1, |_| false), None);
    }
}
