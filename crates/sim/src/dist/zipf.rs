//! Zipf-distributed keys: rank k (0-based) is drawn with probability ∝ 1/(k+1)^s.
//!
//! Real key popularity is skewed — a few hot users, products or posts take most reads — and the
//! skew is what makes caches hit and shards run hot. Sampling uses rejection-inversion
//! (Hörmann & Derflinger, 1996): O(1) time and memory for any key-space size, so a billion keys
//! cost nothing.

use super::Rng;

#[derive(Clone, Debug, PartialEq)]
pub struct Zipf {
    n: u64,
    s: f64,
    h_integral_x1: f64,
    h_integral_n: f64,
    threshold: f64,
    /// H(n, s), computed on first use (only tests and the UI need it).
    harmonic: std::cell::OnceCell<f64>,
    /// The rank each slice of the uniform draw decides on its own (see `zipf_table.rs`).
    pub(super) decided: super::zipf_table::DecidedRanks,
}

impl Zipf {
    /// `n ≥ 1` keys, exponent `s ≥ 0` (0 is uniform).
    pub fn new(n: u64, s: f64) -> Zipf {
        let n = n.max(1);
        let s = if s.is_finite() && s > 0.0 { s } else { 0.0 };
        let mut z = Zipf {
            n,
            s,
            h_integral_x1: 0.0,
            h_integral_n: 0.0,
            threshold: 0.0,
            harmonic: std::cell::OnceCell::new(),
            decided: Default::default(),
        };
        if s > 0.0 {
            z.h_integral_x1 = z.h_integral(1.5) - 1.0;
            z.h_integral_n = z.h_integral(n as f64 + 0.5);
            z.threshold = 2.0 - z.h_integral_inverse(z.h_integral(2.5) - z.h(2.0));
            z.decided = super::zipf_table::DecidedRanks::new(&z);
        }
        z
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn exponent(&self) -> f64 {
        self.s
    }

    /// Draws a 0-based rank: 0 is the hottest key.
    pub fn sample(&self, rng: &mut Rng) -> u64 {
        if self.s == 0.0 {
            return rng.below(self.n);
        }
        loop {
            let r = rng.uniform();
            // Most draws are decided by a table lookup (exactly: see `zipf_table.rs`)…
            if let Some(k) = self.decided.rank(r) {
                debug_assert_eq!(Some(k - 1), self.exact_first_try(self.u_of(r)));
                return k - 1;
            }
            let u = self.u_of(r);
            // …and most others without `libm` (exactly: see `zipf_fast.rs`).
            let fast = super::zipf_fast::first_try(u, 1.0 - self.s, self.threshold, self.n as f64);
            if let Some(k) = fast {
                debug_assert_eq!(Some(k as u64 - 1), self.exact_first_try(u));
                return k as u64 - 1;
            }
            let x = self.h_integral_inverse(u);
            let k = libm::floor(x + 0.5).clamp(1.0, self.n as f64);
            if k - x <= self.threshold || u >= self.h_integral(k + 0.5) - self.h(k) {
                return k as u64 - 1;
            }
        }
    }

    /// The point of `H`'s range a uniform draw `r` stands for; non-increasing in `r` (a product
    /// and a sum of floats are monotone), which `zipf_table.rs` relies on.
    #[inline]
    pub(super) fn u_of(&self, r: f64) -> f64 {
        self.h_integral_n + r * (self.h_integral_x1 - self.h_integral_n)
    }

    /// The rank the exact inversion of `u` takes before its acceptance test (1-based, as a
    /// float), and that test's threshold.
    pub(super) fn exact_rank(&self, u: f64) -> (f64, f64) {
        let x = self.h_integral_inverse(u);
        (x, libm::floor(x + 0.5).clamp(1.0, self.n as f64))
    }

    pub(super) fn threshold(&self) -> f64 {
        self.threshold
    }

    /// What the exact inversion of `u` gives at its first test (a check of the fast path).
    fn exact_first_try(&self, u: f64) -> Option<u64> {
        let x = self.h_integral_inverse(u);
        let k = libm::floor(x + 0.5).clamp(1.0, self.n as f64);
        (k - x <= self.threshold).then_some(k as u64 - 1)
    }

    /// The draw as it was before the fast path: `libm` for every inversion.
    #[cfg(test)]
    pub(super) fn sample_exact(&self, rng: &mut Rng) -> u64 {
        if self.s == 0.0 {
            return rng.below(self.n);
        }
        loop {
            let u = self.h_integral_n + rng.uniform() * (self.h_integral_x1 - self.h_integral_n);
            let x = self.h_integral_inverse(u);
            let k = libm::floor(x + 0.5).clamp(1.0, self.n as f64);
            if k - x <= self.threshold || u >= self.h_integral(k + 0.5) - self.h(k) {
                return k as u64 - 1;
            }
        }
    }

    /// Asserts that `draws` draws from one seed give, draw for draw, the keys of the inversion
    /// by `libm` alone (the proof of every shortcut in [`Zipf::sample`]).
    #[cfg(test)]
    pub(super) fn assert_draws_match_exact(&self, seed: u64, draws: u32) {
        let (mut a, mut b) = (Rng::seed(seed), Rng::seed(seed));
        for i in 0..draws {
            assert_eq!(
                self.sample(&mut a),
                self.sample_exact(&mut b),
                "n={} s={} draw {i}",
                self.n,
                self.s
            );
        }
    }

    /// The range the uniform point of a draw spans (tests of the fast path).
    #[cfg(test)]
    pub(super) fn u_range(&self) -> (f64, f64) {
        (self.h_integral_n, self.h_integral_x1)
    }

    /// Exact probability of rank `k` (0-based), for tests and for the UI's "hottest key" figure.
    pub fn pmf(&self, k: u64) -> f64 {
        if k >= self.n {
            return 0.0;
        }
        if self.s == 0.0 {
            return 1.0 / self.n as f64;
        }
        libm::pow(k as f64 + 1.0, -self.s) / self.generalized_harmonic()
    }

    /// H(n, s) = Σ_{k=1..n} k^-s, summed exactly up to 10⁶ terms, then by the Euler–Maclaurin tail.
    pub fn generalized_harmonic(&self) -> f64 {
        *self.harmonic.get_or_init(|| self.compute_harmonic())
    }

    fn compute_harmonic(&self) -> f64 {
        let exact = self.n.min(1_000_000);
        let mut sum = 0.0;
        for k in (1..=exact).rev() {
            sum += libm::pow(k as f64, -self.s);
        }
        if self.n > exact {
            let (a, b, s) = (exact as f64, self.n as f64, self.s);
            let integral = if (s - 1.0).abs() < 1e-12 {
                libm::log(b / a)
            } else {
                (libm::pow(b, 1.0 - s) - libm::pow(a, 1.0 - s)) / (1.0 - s)
            };
            sum += integral + (libm::pow(b, -s) - libm::pow(a, -s)) / 2.0;
        }
        sum
    }

    fn h(&self, x: f64) -> f64 {
        libm::exp(-self.s * libm::log(x))
    }

    fn h_integral(&self, x: f64) -> f64 {
        let log_x = libm::log(x);
        helper2((1.0 - self.s) * log_x) * log_x
    }

    fn h_integral_inverse(&self, x: f64) -> f64 {
        let t = (x * (1.0 - self.s)).max(-1.0);
        libm::exp(helper1(t) * x)
    }
}

/// log(1 + x) / x, continuous at 0.
fn helper1(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::log1p(x) / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }
}

/// (exp(x) − 1) / x, continuous at 0.
fn helper2(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        libm::expm1(x) / x
    } else {
        1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(n: u64, s: f64) {
        let z = Zipf::new(n, s);
        let mut rng = Rng::seed(11);
        let draws = 500_000;
        let mut counts = vec![0u32; n as usize];
        for _ in 0..draws {
            counts[z.sample(&mut rng) as usize] += 1;
        }
        // The head of the distribution, where the skew lives, matches the exact pmf.
        for k in 0..5 {
            let expected = z.pmf(k) * draws as f64;
            let got = counts[k as usize] as f64;
            let sd = expected.sqrt();
            assert!(
                (got - expected).abs() < 5.0 * sd + 1.0,
                "n={n} s={s} rank {k}: got {got}, expected {expected:.0}"
            );
        }
        let total: f64 = (0..n).map(|k| z.pmf(k)).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn matches_the_exact_distribution() {
        check(1_000, 0.5);
        check(1_000, 0.99);
        check(1_000, 1.0);
        check(10_000, 1.3);
        check(50, 0.0);
    }

    /// Past 10⁶ terms H(n, s) is an integral plus the Euler–Maclaurin end correction; against
    /// the plain sum of 3 × 10⁶ terms it is exact to 1e-10 (the neglected term is ~1e-14).
    #[test]
    fn the_harmonic_tail_beyond_a_million_keys_matches_the_plain_sum() {
        let n = 3_000_000u64;
        for s in [0.8, 1.0, 1.2] {
            let plain: f64 = (1..=n).rev().map(|k| libm::pow(k as f64, -s)).sum();
            let got = Zipf::new(n, s).generalized_harmonic();
            let rel = (got - plain).abs() / plain;
            assert!(rel < 1e-10, "s = {s}: {got} vs {plain} ({rel:e})");
        }
    }

    #[test]
    fn handles_a_billion_keys_without_memory() {
        let z = Zipf::new(1_000_000_000, 1.1);
        let mut rng = Rng::seed(5);
        for _ in 0..10_000 {
            assert!(z.sample(&mut rng) < 1_000_000_000);
        }
        // The hottest key of 10⁹ under s = 1.1 still carries a visible share of traffic.
        assert!(z.pmf(0) > 0.05, "pmf(0) = {}", z.pmf(0));
    }

    /// The fast first try changes no draw: the same seed gives the same keys, draw for draw
    /// (10⁶ per case), as the inversion by `libm` alone, for skews below, at and above 1 and key
    /// spaces from 2 to 2⁴⁰, including the reference diagram's (10 000 keys, s = 0.99).
    #[test]
    fn fast_path_draws_exactly_the_same_keys() {
        for (n, s) in [
            (10_000u64, 0.99),
            (2, 0.5),
            (100, 1.0),
            (1_000, 1.2),
            (1_000_000, 0.8),
            (1 << 40, 1.1),
            (50, 3.0),
        ] {
            Zipf::new(n, s).assert_draws_match_exact(21, 1_000_000);
        }
    }
}
