//! A fixed, fast hasher for the engine's lookup tables (FxHash-style: xor, multiply; mixed at
//! the end).
//!
//! `std`'s default SipHash is keyed randomly per process and built to resist hash flooding,
//! which a simulation of its own diagram does not need; it showed up at ~1 % of the reference
//! benchmark for one read-your-writes lookup per request. Tables keyed with this hasher are only
//! looked up, or iterated where order cannot matter (sums, sorted output) — as with SipHash,
//! whose random order would already have made any order-dependent result differ between runs.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with the engine's fixed hasher.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The multiplier of FxHash (rustc's hasher): odd, with well-spread bits.
const K: u64 = 0xf135_7aea_2e62_a9c5;

#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The table takes its bucket index from the low bits, where a product is worst mixed
    /// (keys that are multiples of 8 filled only half the buckets they should): one SplitMix
    /// finaliser spreads every input bit over them, still far cheaper than SipHash.
    #[inline]
    fn finish(&self) -> u64 {
        crate::dist::mix64(self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash_of(x: u64) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(x)
    }

    /// Keys a simulation uses are small consecutive integers (sessions, slots) or multiples of
    /// a power of two: the bucket bits (the low 10 here, a 1024-slot table) must still spread
    /// them — 1 024 such keys fill at least 600 of the 1 024 buckets (random keys fill 647
    /// on average; identical low bits would fill 1).
    #[test]
    fn consecutive_and_aligned_keys_spread_over_buckets() {
        for stride in [1u64, 8, 4_096, 1 << 32] {
            let mut seen = std::collections::BTreeSet::new();
            for k in 0..1_024u64 {
                seen.insert(hash_of(k * stride) & 1_023);
            }
            assert!(seen.len() >= 600, "stride {stride}: {} buckets", seen.len());
        }
    }

    #[test]
    fn a_map_finds_what_it_holds() {
        let mut m: FastMap<(u32, u64), u32> = FastMap::default();
        for i in 0..10_000u32 {
            m.insert((i % 7, i as u64 * 4_096), i);
        }
        for i in 0..10_000u32 {
            assert_eq!(m.get(&(i % 7, i as u64 * 4_096)), Some(&i));
        }
        assert_eq!(m.len(), 10_000);
    }
}
