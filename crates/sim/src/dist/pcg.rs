//! PCG's 128-bit multiplicative generator with the XSL RR output (`Pcg64Mcg` in `rand_pcg`):
//! the same numbers, from the same seeds, bit for bit (tested below against `rand_pcg`).
//!
//! Written out here for one reason: WebAssembly has no 64 × 64 → 128-bit multiply, so the
//! `u128` product the generator takes at every draw became a call to a general 128-bit
//! multiply routine (4 % of a busy run in the browser). In WebAssembly the product is built
//! from 32-bit halves instead; elsewhere the processor's own multiply does it.

use rand::SeedableRng;

const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

#[derive(Clone, Debug)]
pub(crate) struct Pcg64Mcg {
    state: u128,
}

impl SeedableRng for Pcg64Mcg {
    type Seed = [u8; 16];

    /// As `rand_pcg`: the seed read as a little-endian number, the low bit forced to 1.
    fn from_seed(seed: Self::Seed) -> Self {
        Pcg64Mcg {
            state: u128::from_le_bytes(seed) | 1,
        }
    }
}

impl Pcg64Mcg {
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = wrapping_mul(self.state, MULTIPLIER);
        // XSL RR: the two halves xored, rotated by the top 6 bits.
        let rot = (self.state >> 122) as u32;
        ((self.state >> 64) as u64 ^ self.state as u64).rotate_right(rot)
    }
}

/// The high 64 bits of `a × b`.
#[inline(always)]
pub(crate) fn mul_hi(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        mul_hi_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        ((a as u128 * b as u128) >> 64) as u64
    }
}

/// `mul_hi` from four 32 × 32 → 64-bit products.
#[inline(always)]
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn mul_hi_halves(a: u64, b: u64) -> u64 {
    const LOW: u64 = 0xffff_ffff;
    let (a0, a1) = (a & LOW, a >> 32);
    let (b0, b1) = (b & LOW, b >> 32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // The carries out of the middle column: at most 3 × (2³² − 1), no overflow.
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

/// `a × b` modulo 2¹²⁸.
#[inline(always)]
fn wrapping_mul(a: u128, b: u128) -> u128 {
    let (a0, a1) = (a as u64, (a >> 64) as u64);
    let (b0, b1) = (b as u64, (b >> 64) as u64);
    let hi = mul_hi(a0, b0)
        .wrapping_add(a0.wrapping_mul(b1))
        .wrapping_add(a1.wrapping_mul(b0));
    ((hi as u128) << 64) | a0.wrapping_mul(b0) as u128
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng as _, RngCore};

    #[test]
    fn the_same_numbers_as_rand_pcg_from_the_same_seeds() {
        for seed in (0..200u64).chain([u64::MAX, 1 << 63, 0x5eed]) {
            let mut ours = Pcg64Mcg::seed_from_u64(seed);
            let mut theirs = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            for _ in 0..2_000 {
                assert_eq!(ours.next_u64(), theirs.next_u64(), "seed {seed}");
            }
            // And the uniform draw the engine builds on them, as `rand` makes it.
            let mut ours = super::super::Rng::seed(seed);
            let mut theirs = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
            for _ in 0..2_000 {
                assert_eq!(ours.uniform().to_bits(), theirs.random::<f64>().to_bits());
            }
        }
    }

    #[test]
    fn high_product_from_halves_equals_the_wide_product() {
        let mut g = rand_pcg::Pcg64Mcg::seed_from_u64(9);
        let edges = [
            0,
            1,
            2,
            0xffff_ffff,
            1 << 32,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
        ];
        let mut pairs: Vec<(u64, u64)> = edges
            .iter()
            .flat_map(|&a| edges.iter().map(move |&b| (a, b)))
            .collect();
        pairs.extend((0..100_000).map(|_| (g.next_u64(), g.next_u64())));
        for (a, b) in pairs {
            let wide = ((a as u128 * b as u128) >> 64) as u64;
            assert_eq!(mul_hi_halves(a, b), wide, "{a:#x} × {b:#x}");
            assert_eq!(mul_hi(a, b), wide);
            let (x, y) = ((a as u128) << 64 | b as u128, (b as u128) << 64 | a as u128);
            assert_eq!(wrapping_mul(x, y), x.wrapping_mul(y));
        }
    }
}
