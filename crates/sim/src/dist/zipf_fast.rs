//! A fast first try at a Zipf draw that is exactly the one `Zipf::sample` makes.
//!
//! The draw inverts the integral `H` at a uniform point `u`: `x = exp(log1p(t)/t · u)`, then takes
//! the rank `k = round(x)` and accepts it at once when `k − x ≤ threshold`. `libm`'s `exp` and
//! `log1p` were a tenth of the engine's time on the reference diagram, and the draw cannot
//! change (every run would). But the rank and the acceptance only need `x` to the side of two
//! thresholds: an approximation `xa` with a proven error bound `m` (`|x − xa| ≤ m`) decides
//! them whenever every value of `[xa − m, xa + m]` gives the same rank and is accepted — then
//! the exact `x`, inside that interval, gives the same rank and is accepted too (rounding,
//! clamping and the float subtraction `k − x` are monotone). Otherwise (`None`: 1.5 % of the
//! reference diagram's draws, most of them short of the first test, which need the second,
//! exact one anyway) the caller computes `x` with `libm` as before. Same uniform draws, same
//! ranks: every run is unchanged.
//!
//! The approximation: `ln` by the `atanh` series on a mantissa in [√½, √2) (|z| ≤ 0.172, the
//! first omitted term < 1e-10 relative) and `exp` by its Taylor series on |g| ≤ ½ ln 2 to the 8th
//! power (< 3e-10 relative, in Estrin's scheme: Horner's long chain of dependent
//! operations made the first version as slow as `libm`). Their errors, carried through
//! `exp(y)` with |y| ≤ 45, keep `|x − xa| / x` under 1e-8; the margin taken is 1e-7 relative
//! (`approximation_is_within_its_margin` measures the worst case, and in debug builds — every
//! `cargo test` — each fast answer is checked against the exact computation).

/// Relative margin around the approximate inverse.
const MARGIN: f64 = 1e-7;

/// The rank (1-based, as a float) the exact inversion of `u` would take and accept at its first
/// test, or `None` when the approximation cannot tell. `one_minus_s` = 1 − s.
#[inline]
pub(super) fn first_try(u: f64, one_minus_s: f64, threshold: f64, n: f64) -> Option<f64> {
    let xa = approx_inverse(u, one_minus_s)?;
    let m = xa * MARGIN;
    let (lo, hi) = (xa - m, xa + m);
    let k = rank(lo, n);
    if k != rank(hi, n) || k - lo > threshold {
        return None;
    }
    Some(k)
}

/// `floor(x + 0.5)` clamped to [1, n], as the exact draw computes it.
#[inline]
fn rank(x: f64, n: f64) -> f64 {
    // For 0 < v the truncation is the floor (saturating past 2⁶⁴, where the clamp gives n
    // either way); `libm::floor` is a software routine.
    debug_assert!(x > 0.0);
    (((x + 0.5) as u64) as f64).clamp(1.0, n)
}

/// `exp(log1p(t)/t · u)` with `t = u(1 − s)`, to 1e-8 relative; `None` outside the range where
/// that bound is proven (t ≤ −0.999, where `log1p` nears its pole and 1 + t has lost
/// digits, or a huge exponent).
#[inline]
pub(super) fn approx_inverse(u: f64, one_minus_s: f64) -> Option<f64> {
    let t = u * one_minus_s;
    if !(t > -0.999 && t < 1e6) {
        return None;
    }
    // log(1 + t) / t · u: near 0 by its series (the form `ln(1 + t)` would lose t's digits),
    // elsewhere as ln(1 + t) / (1 − s), whose division does not wait for `ln`.
    let y = if t.abs() < 1e-4 {
        (1.0 - t * (0.5 - t * (1.0 / 3.0 - 0.25 * t))) * u
    } else {
        ln(1.0 + t) * (1.0 / one_minus_s)
    };
    if y.is_nan() || y.abs() >= 45.0 {
        return None;
    }
    Some(exp(y))
}

/// Natural logarithm of w > 0 (finite, normal), to 1e-10 relative.
#[inline]
fn ln(w: f64) -> f64 {
    let bits = w.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // The mantissa as a number in [1, 2), then moved to [√½, √2).
    let mut mf = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if mf > std::f64::consts::SQRT_2 {
        mf *= 0.5;
        e += 1;
    }
    let z = (mf - 1.0) / (mf + 1.0);
    let z2 = z * z;
    let z4 = z2 * z2;
    // ln(mf) = 2 atanh(z) = 2z (1 + z²/3 + z⁴/5 + … + z¹⁰/11), in Estrin's scheme.
    let series = (1.0 + z2 * (1.0 / 3.0))
        + z4 * ((1.0 / 5.0 + z2 * (1.0 / 7.0)) + z4 * (1.0 / 9.0 + z2 * (1.0 / 11.0)));
    e as f64 * std::f64::consts::LN_2 + 2.0 * z * series
}

/// e^y for |y| < 45, to 3e-10 relative: 2^i · e^g with i the integer nearest y·log₂e, so
/// |g| ≤ ½ ln 2, and e^g by its Taylor series to g⁸ (first omitted term < 2.1e-10),
/// evaluated in Estrin's scheme (a short chain of dependent operations).
#[inline]
fn exp(y: f64) -> f64 {
    let a = y * std::f64::consts::LOG2_E;
    let i = (a + if a >= 0.0 { 0.5 } else { -0.5 }) as i64;
    let g = (a - i as f64) * std::f64::consts::LN_2;
    let g2 = g * g;
    let g4 = g2 * g2;
    let q0 = (1.0 + g) + g2 * (1.0 / 2.0 + g * (1.0 / 6.0));
    let q1 = (1.0 / 24.0 + g * (1.0 / 120.0)) + g2 * (1.0 / 720.0 + g * (1.0 / 5040.0));
    let p = q0 + g4 * (q1 + g4 * (1.0 / 40320.0));
    p * f64::from_bits(((i + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;

    /// The exact inverse as `Zipf` computes it.
    fn exact(u: f64, one_minus_s: f64) -> f64 {
        let t = (u * one_minus_s).max(-1.0);
        let h1 = if t.abs() > 1e-8 {
            libm::log1p(t) / t
        } else {
            1.0 - t * (0.5 - t * (1.0 / 3.0 - 0.25 * t))
        };
        libm::exp(h1 * u)
    }

    /// The worst relative error over 2·10⁶ points of each exponent's whole range of `u` stays
    /// ten times inside the margin the fast path assumes.
    #[test]
    fn approximation_is_within_its_margin() {
        let mut rng = Rng::seed(5);
        for s in [0.0f64, 0.3, 0.8, 0.99, 1.0, 1.01, 1.5, 2.0, 3.0] {
            for n in [10u64, 10_000, 1 << 40] {
                let z = super::super::Zipf::new(n, s.max(1e-9));
                let (lo, hi) = z.u_range();
                let mut worst: f64 = 0.0;
                for _ in 0..200_000 {
                    let u = lo + rng.uniform() * (hi - lo);
                    if let Some(xa) = approx_inverse(u, 1.0 - s) {
                        let x = exact(u, 1.0 - s);
                        worst = worst.max(((xa - x) / x).abs());
                    }
                }
                assert!(worst < MARGIN / 10.0, "s={s} n={n}: worst {worst:e}");
            }
        }
    }

    #[test]
    fn logarithm_and_exponential_match_libm_closely() {
        let mut rng = Rng::seed(9);
        for _ in 0..1_000_000 {
            let w = 0.5 + rng.uniform() * 1e6;
            let rel = ((ln(w) - libm::log(w)) / libm::log(w)).abs();
            assert!(
                rel < 1e-10 || (ln(w) - libm::log(w)).abs() < 1e-15,
                "ln {w}"
            );
            let y = (rng.uniform() - 0.5) * 89.0;
            assert!(
                ((exp(y) - libm::exp(y)) / libm::exp(y)).abs() < 4e-10,
                "exp {y}"
            );
        }
    }
}
