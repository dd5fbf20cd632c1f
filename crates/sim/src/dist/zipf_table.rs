//! Zipf ranks looked up from the leading bits of the uniform draw, for most draws.
//!
//! `Zipf::sample` maps a uniform `r` to a point `u` of `H`'s range, inverts `H` there
//! (`x`), takes the rank `k = round(x)` and accepts it at once when `k − x ≤ threshold`. Each
//! step is monotone in `r`, so a slice of `r` — here one of 4 096 equal slices, picked by
//! `r · 4096` (exact: a power of two) — maps to an interval of `x` bounded by the `x` of its two
//! ends. When that interval, widened by a relative margin of 1e-7 for the rounding of `libm`'s
//! `exp` and `log1p` (whose errors are a few ulps, 1e-15 relative), lies within one rank and
//! past the acceptance threshold, every draw in the slice takes that rank at its first test:
//! the slice is decided and its rank is stored. A draw in a decided slice costs one load
//! instead of an approximate `ln` and `exp` (`zipf_fast.rs`, which still takes the others).
//! Same uniform draws, same ranks: every run is unchanged.
//!
//! On the reference diagram (10 000 keys, s = 0.99) 55 % of the draws fall in a decided slice:
//! the hot ranks, each wider than a slice. The table is 8 KiB (u16 ranks, 0 for undecided;
//! ranks past 65 535 are never decided), built once per key space from 4 097 exact inversions.

use super::Zipf;

/// Slices of the uniform draw: a power of two, so `r · SLICES` is exact.
const SLICES: usize = 4096;

/// Relative widening of each slice's interval of `x` (see the module's comment).
const MARGIN: f64 = 1e-7;

/// The rank (1-based) each slice decides, 0 where it does not; empty when not built.
#[derive(Clone, Default, PartialEq)]
pub(super) struct DecidedRanks(Box<[u16]>);

impl std::fmt::Debug for DecidedRanks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let decided = self.0.iter().filter(|&&k| k != 0).count();
        write!(f, "DecidedRanks({decided} of {} slices)", self.0.len())
    }
}

impl DecidedRanks {
    /// The table of a Zipf law with s > 0 (its other fields already set).
    pub(super) fn new(z: &Zipf) -> DecidedRanks {
        let end = |i: usize| z.exact_rank(z.u_of(i as f64 / SLICES as f64)).0;
        let mut ranks = vec![0u16; SLICES];
        let mut upper = end(0);
        for (i, slot) in ranks.iter_mut().enumerate() {
            let lower = upper;
            upper = end(i + 1);
            *slot = decided_rank(z, lower, upper).unwrap_or(0);
        }
        DecidedRanks(ranks.into_boxed_slice())
    }

    /// The 1-based rank of a uniform draw `r` ∈ [0, 1), if its slice decides it.
    #[inline]
    pub(super) fn rank(&self, r: f64) -> Option<u64> {
        let k = *self.0.get((r * SLICES as f64) as usize)?;
        (k != 0).then_some(k as u64)
    }

    #[cfg(test)]
    fn decided_share(&self) -> f64 {
        self.0.iter().filter(|&&k| k != 0).count() as f64 / self.0.len().max(1) as f64
    }
}

/// The rank every `x` between `a` and `b` (widened by the margin) takes and accepts at once.
fn decided_rank(z: &Zipf, a: f64, b: f64) -> Option<u16> {
    if !(a.is_finite() && b.is_finite()) {
        return None;
    }
    let m = a.abs().max(b.abs()) * MARGIN;
    let (lo, hi) = (a.min(b) - m, a.max(b) + m);
    let n = z.len() as f64;
    let rank = |x: f64| libm::floor(x + 0.5).clamp(1.0, n);
    let k = rank(lo);
    if k != rank(hi) || k - lo > z.threshold() || k > u16::MAX as f64 {
        return None;
    }
    Some(k as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;

    const LAWS: [(u64, f64); 8] = [
        (10_000, 0.99),
        (2, 0.5),
        (100, 1.0),
        (1_000, 1.2),
        (1_000_000, 0.8),
        (1 << 40, 1.1),
        (50, 3.0),
        (70_000, 2.0),
    ];

    /// In every decided slice, 2 000 draws spread over the slice (its two ends included) take
    /// the slice's rank at the exact inversion's first test.
    #[test]
    fn every_decided_slice_holds_its_rank_throughout() {
        let mut rng = Rng::seed(31);
        for (n, s) in LAWS {
            let z = Zipf::new(n, s);
            for (i, &k) in z.decided.0.iter().enumerate() {
                if k == 0 {
                    continue;
                }
                let lo = i as f64 / SLICES as f64;
                let hi = (i + 1) as f64 / SLICES as f64;
                let mut points = vec![lo, hi - f64::EPSILON / 2.0];
                points.extend((0..2_000).map(|_| lo + rng.uniform() * (hi - lo)));
                for r in points {
                    let (x, exact) = z.exact_rank(z.u_of(r));
                    assert_eq!(exact, k as f64, "n={n} s={s} slice {i} r={r}");
                    assert!(exact - x <= z.threshold(), "n={n} s={s} slice {i} r={r}");
                }
            }
        }
    }

    /// The table changes no draw: the same seed gives the same keys, draw for draw (2·10⁶ per
    /// law), as the inversion by `libm` alone; and it decides most of the reference diagram's.
    #[test]
    fn table_draws_exactly_the_same_keys() {
        for (n, s) in LAWS {
            Zipf::new(n, s).assert_draws_match_exact(23, 2_000_000);
        }
        let share = Zipf::new(10_000, 0.99).decided.decided_share();
        assert!(share > 0.5, "decided share {share}");
    }
}
