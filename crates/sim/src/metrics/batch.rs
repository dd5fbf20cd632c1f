//! Steady-state confidence intervals by the method of batch means.
//!
//! After warm-up, the run is cut into consecutive batches of equal simulated length. Each batch
//! yields one estimate (its mean latency, its p99); batches long enough to be nearly independent
//! give a Student-t confidence interval for the steady-state value. This is how JMT and other
//! serious simulators report results — a single p99 without an interval hides how much it would
//! move on another run.

use super::histogram::Histogram;
use crate::time::Time;
use serde::Serialize;

/// Fewest batches for which an interval is reported.
pub const MIN_BATCHES: u64 = 10;

/// Running sums over batch estimates: O(1) memory however long the run.
#[derive(Clone, Debug, Default)]
struct Moments {
    n: u64,
    sum: f64,
    sum_sq: f64,
    /// Σ x_i·x_{i−1}, for the lag-1 autocorrelation check.
    sum_lag: f64,
    first: f64,
    last: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        if self.n == 0 {
            self.first = x;
        } else {
            self.sum_lag += x * self.last;
        }
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
        self.last = x;
    }

    fn interval(&self) -> Option<Interval> {
        if self.n < MIN_BATCHES {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum / n;
        let var = ((self.sum_sq - n * mean * mean) / (n - 1.0)).max(0.0);
        let half = t_975(self.n - 1) * libm::sqrt(var / n);
        // Lag-1 autocorrelation of the batch estimates; near 0 means batches are long enough.
        let lag1 = if var > 0.0 {
            let cov = (self.sum_lag - mean * (2.0 * self.sum - self.first - self.last)
                + (n - 1.0) * mean * mean)
                / (n - 1.0);
            Some(cov / var)
        } else {
            None
        };
        Some(Interval {
            estimate: mean,
            half_width: half,
            low: mean - half,
            high: mean + half,
            batches: self.n,
            lag1_autocorrelation: lag1,
        })
    }
}

/// A 95 % confidence interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub half_width: f64,
    pub low: f64,
    pub high: f64,
    pub batches: u64,
    pub lag1_autocorrelation: Option<f64>,
}

impl Interval {
    /// The same interval with every value multiplied (e.g. ns → ms).
    pub fn scaled(&self, k: f64) -> Interval {
        Interval {
            estimate: self.estimate * k,
            half_width: self.half_width * k,
            low: self.low * k,
            high: self.high * k,
            ..self.clone()
        }
    }
}

/// Collects batch estimates of mean latency and p99 latency.
#[derive(Clone, Debug, Default)]
pub struct BatchMeans {
    current: Histogram,
    means: Moments,
    p99s: Moments,
}

impl BatchMeans {
    #[inline]
    pub fn record(&mut self, v: Time) {
        self.current.record(v);
    }

    #[inline]
    pub fn record_in(&mut self, b: super::histogram::Bucket, v: Time) {
        self.current.record_in(b, v);
    }

    /// Adds samples recorded elsewhere to the current batch.
    pub fn merge(&mut self, h: &super::Histogram) {
        self.current.merge(h);
    }

    /// Ends the current batch. An empty batch (nothing completed) is skipped.
    pub fn close_batch(&mut self) {
        if let (Some(mean), Some(p99)) = (self.current.mean(), self.current.quantile(0.99)) {
            self.means.push(mean);
            self.p99s.push(p99 as f64);
        }
        self.current.clear();
    }

    /// Forgets everything (at the end of warm-up).
    pub fn reset(&mut self) {
        self.current.clear();
        self.means = Moments::default();
        self.p99s = Moments::default();
    }

    pub fn batches(&self) -> u64 {
        self.means.n
    }

    pub fn mean_interval(&self) -> Option<Interval> {
        self.means.interval()
    }

    pub fn p99_interval(&self) -> Option<Interval> {
        self.p99s.interval()
    }
}

/// The 97.5th percentile of Student's t with `dof` degrees of freedom.
pub fn t_975(dof: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match dof {
        0 => f64::INFINITY,
        1..=30 => TABLE[dof as usize - 1],
        31..=40 => 2.021,
        41..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;

    #[test]
    fn interval_covers_the_true_mean_of_independent_batches() {
        // 1,000 repetitions of a 20-batch experiment on i.i.d. exponential data: a 95 % interval
        // must contain the true mean 95 % of the time. The count covered is binomial with a
        // standard deviation of √(1000 × 0.05 × 0.95) ≈ 6.9: 950 ± 27 is 4 of them.
        let mut rng = Rng::seed(17);
        let mut covered = 0;
        for _ in 0..1_000 {
            let mut b = BatchMeans::default();
            for _ in 0..20 {
                for _ in 0..200 {
                    b.record(rng.exponential(1e6) as u64);
                }
                b.close_batch();
            }
            let ci = b.mean_interval().unwrap();
            assert_eq!(ci.batches, 20);
            if ci.low <= 1e6 && 1e6 <= ci.high {
                covered += 1;
            }
        }
        eprintln!("batch means: coverage {covered}/1000");
        assert!((923..=977).contains(&covered), "coverage {covered}/1000");
    }

    #[test]
    fn too_few_batches_give_no_interval_and_empty_batches_are_skipped() {
        let mut b = BatchMeans::default();
        for i in 0..MIN_BATCHES - 1 {
            b.record(1000 + i);
            b.close_batch();
            b.close_batch();
        }
        assert_eq!(b.batches(), MIN_BATCHES - 1);
        assert!(b.mean_interval().is_none());
        b.record(5);
        b.close_batch();
        assert!(b.mean_interval().is_some());
        b.reset();
        assert_eq!(b.batches(), 0);
    }

    #[test]
    fn lag1_autocorrelation_detects_trending_batches() {
        let mut b = BatchMeans::default();
        for i in 0..30u64 {
            b.record(1_000 + i * 100);
            b.close_batch();
        }
        let r = b.mean_interval().unwrap().lag1_autocorrelation.unwrap();
        assert!(
            r > 0.8,
            "a steadily rising series is strongly autocorrelated: {r}"
        );
    }
}
