//! What the simulation measures: per node and end to end, totals since warm-up, one window per
//! simulated second (for charts), and batch means (for confidence intervals).

pub mod batch;
#[cfg(test)]
mod fold_tests;
pub mod histogram;
mod series;

pub use batch::{BatchMeans, Interval};
pub use histogram::Histogram;
pub use series::{EndToEndSample, NodeSample, Series};

use crate::engine::{Cause, N_CAUSES};
use crate::time::Time;

/// Event counts over some period.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counters {
    pub arrivals: u64,
    /// Answers sent back successfully.
    pub ok: u64,
    /// Answers sent back as errors (rejected here or failed downstream).
    pub errors: u64,
    /// Requests this node itself refused or dropped, by cause.
    pub rejected: [u64; N_CAUSES],
}

impl Counters {
    pub fn rejected(&self, cause: Cause) -> u64 {
        self.rejected[cause.index()]
    }
}

/// Time integrals (level × nanoseconds) of a node's occupancy, for time-averaged utilisation and
/// queue length. Integers, so the sums are exact and identical on every platform.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Areas {
    /// Workers occupied (computing or waiting on a downstream call).
    pub busy: u128,
    /// Workers computing.
    pub cpu: u128,
    pub queued: u128,
    /// Workers available (changes with scaling and failures).
    pub capacity: u128,
    pub elapsed: u128,
}

impl Areas {
    /// Adds `levels` held for `dt` nanoseconds.
    #[inline]
    fn accumulate(&mut self, l: Levels, dt: u64) {
        // A 64-bit product fits in all realistic cases and is one instruction in wasm, where a
        // 128-bit multiply is a library call. So is `checked_mul` there (it multiplies in 128
        // bits to see the overflow): the factors' widths tell instead — with as many leading
        // zeros as a word has bits between them, the product is below 2⁶⁴.
        #[inline]
        fn mul(a: u64, b: u64) -> u128 {
            if a.leading_zeros() + b.leading_zeros() >= 64 {
                (a * b) as u128
            } else {
                a as u128 * b as u128
            }
        }
        self.busy += mul(l.busy, dt);
        self.cpu += mul(l.cpu, dt);
        self.queued += mul(l.queued, dt);
        self.capacity += mul(l.capacity, dt);
        self.elapsed += dt as u128;
    }

    fn plus(mut self, o: &Areas) -> Areas {
        self.busy += o.busy;
        self.cpu += o.cpu;
        self.queued += o.queued;
        self.capacity += o.capacity;
        self.elapsed += o.elapsed;
        self
    }

    fn minus(mut self, o: &Areas) -> Areas {
        self.busy -= o.busy;
        self.cpu -= o.cpu;
        self.queued -= o.queued;
        self.capacity -= o.capacity;
        self.elapsed -= o.elapsed;
        self
    }
}

/// Current occupancy of a node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Levels {
    pub busy: u64,
    pub cpu: u64,
    pub queued: u64,
    pub capacity: u64,
}

/// Data-tier events at a node (caches and databases), in total and per window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DataCounts {
    pub hits: u64,
    pub misses: u64,
    pub expired: u64,
    pub evictions: u64,
    pub stale: u64,
    pub conflicts: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DataCounters {
    pub total: DataCounts,
    pub window: DataCounts,
}

impl DataCounters {
    fn both(&mut self, f: impl Fn(&mut DataCounts)) {
        f(&mut self.total);
        f(&mut self.window);
    }

    #[inline]
    pub fn hit(&mut self) {
        self.both(|c| c.hits += 1);
    }

    #[inline]
    pub fn miss(&mut self) {
        self.both(|c| c.misses += 1);
    }

    pub fn expired(&mut self) {
        self.both(|c| c.expired += 1);
    }

    pub fn evicted(&mut self) {
        self.both(|c| c.evictions += 1);
    }

    pub fn stale(&mut self) {
        self.both(|c| c.stale += 1);
    }

    pub fn conflict(&mut self) {
        self.both(|c| c.conflicts += 1);
    }
}

impl DataCounts {
    /// Hits ÷ lookups, if there were any.
    pub fn hit_ratio(&self) -> Option<f64> {
        let n = self.hits + self.misses;
        (n > 0).then(|| self.hits as f64 / n as f64)
    }
}

/// Everything measured at one node.
#[derive(Clone, Debug)]
pub struct NodeMetrics {
    pub total: Counters,
    /// Time from arrival to answer, for successful answers, since warm-up (without `fresh`).
    latency: Histogram,
    /// The open and closed batches (the open one without `fresh`).
    batch: BatchMeans,
    /// Latencies answered since the last fold. A latency goes into three histograms — the
    /// totals, the window and the batch — but is written once, here: `fold` adds these into
    /// all three before any of them is read, closed or reset (exactly the same counts, sum, min
    /// and max as three writes, at one write per answer and three merges per second).
    fresh: Histogram,
    /// Integrals over closed windows since warm-up (the open window is in `window_areas`).
    areas: Areas,
    /// Load balancers: nanoseconds of forwarding work since warm-up.
    pub work: u128,
    /// Nanoseconds requests spent queued before being served, and how many were served.
    pub wait: u128,
    pub started: u64,
    pub window: Counters,
    /// This second's latencies (without `fresh`).
    window_latency: Histogram,
    window_areas: Areas,
    /// The part of the open window that fell before the warm-up ended: not counted in totals.
    excluded: Areas,
    pub window_work: u128,
    pub window_wait: u128,
    pub levels: Levels,
    last_change: Time,
    pub series: Series<NodeSample>,
    /// Load balancers are one forwarding engine measured by work done, not by worker levels.
    pub balancer: bool,
    pub data: DataCounters,
}

impl NodeMetrics {
    pub fn new(now: Time, series_capacity: usize, balancer: bool) -> NodeMetrics {
        NodeMetrics {
            total: Counters::default(),
            latency: Histogram::new(),
            batch: BatchMeans::default(),
            fresh: Histogram::new(),
            areas: Areas::default(),
            work: 0,
            wait: 0,
            started: 0,
            window: Counters::default(),
            window_latency: Histogram::new(),
            window_areas: Areas::default(),
            excluded: Areas::default(),
            window_work: 0,
            window_wait: 0,
            levels: Levels::default(),
            last_change: now,
            series: Series::new(series_capacity),
            balancer,
            data: DataCounters::default(),
        }
    }

    /// Accumulates the current levels up to `now`; call before changing a level.
    #[inline]
    pub fn integrate(&mut self, now: Time) {
        let dt = now.saturating_sub(self.last_change);
        if dt == 0 {
            return;
        }
        self.last_change = now;
        self.window_areas.accumulate(self.levels, dt);
    }

    /// Totals' time integrals up to `now`.
    pub fn areas_until(&self, now: Time) -> Areas {
        let mut pending = Areas::default();
        pending.accumulate(self.levels, now.saturating_sub(self.last_change));
        self.areas
            .plus(&self.window_areas.minus(&self.excluded))
            .plus(&pending)
    }

    #[inline]
    pub fn arrival(&mut self) {
        self.total.arrivals += 1;
        self.window.arrivals += 1;
    }

    #[inline]
    pub fn answered_ok(&mut self, latency: Time) {
        self.total.ok += 1;
        self.window.ok += 1;
        self.fresh.record(latency);
    }

    /// Adds the latencies answered since the last fold to the totals, the window and the batch.
    fn fold(&mut self) {
        if self.fresh.count() == 0 {
            return;
        }
        self.latency.merge(&self.fresh);
        self.window_latency.merge(&self.fresh);
        self.batch.merge(&self.fresh);
        self.fresh.clear();
    }

    /// Latencies of successful answers since warm-up.
    pub fn latency(&self) -> std::borrow::Cow<'_, Histogram> {
        if self.fresh.count() == 0 {
            std::borrow::Cow::Borrowed(&self.latency)
        } else {
            let mut all = self.latency.clone();
            all.merge(&self.fresh);
            std::borrow::Cow::Owned(all)
        }
    }

    /// The batch estimates (only closed batches count in them).
    pub fn batch(&self) -> &BatchMeans {
        &self.batch
    }

    /// Ends the current batch.
    pub fn close_batch(&mut self) {
        self.fold();
        self.batch.close_batch();
    }

    #[inline]
    pub fn answered_error(&mut self) {
        self.total.errors += 1;
        self.window.errors += 1;
    }

    #[inline]
    pub fn rejected(&mut self, cause: Cause) {
        self.total.rejected[cause.index()] += 1;
        self.window.rejected[cause.index()] += 1;
    }

    /// A load balancer forwarded a request after `wait`, spending `work`.
    #[inline]
    pub fn forwarded(&mut self, work: Time, wait: Time) {
        self.work += work as u128;
        self.window_work += work as u128;
        self.started(wait);
    }

    /// A request starts being served after waiting `wait` in the queue.
    #[inline]
    pub fn started(&mut self, wait: Time) {
        self.started += 1;
        self.wait += wait as u128;
        self.window_wait += wait as u128;
    }

    /// Mean time a request waited in the queue, in nanoseconds.
    pub fn mean_wait(&self) -> Option<f64> {
        (self.started > 0).then(|| self.wait as f64 / self.started as f64)
    }

    /// Forgets totals (end of warm-up); levels and the chart series are kept.
    pub fn reset_totals(&mut self, now: Time) {
        self.fold();
        self.integrate(now);
        self.total = Counters::default();
        self.latency.clear();
        self.batch.reset();
        self.areas = Areas::default();
        self.excluded = self.window_areas;
        self.work = 0;
        self.wait = 0;
        self.started = 0;
        self.data.total = DataCounts::default();
    }

    /// Closes the per-second window, returning its figures and starting a new one.
    pub fn close_window(&mut self, now: Time) -> WindowFigures {
        self.fold();
        self.integrate(now);
        let f = WindowFigures::from_parts(
            &self.window,
            &self.window_latency,
            &self.window_areas,
            self.balancer
                .then_some((self.window_work, self.window_wait)),
        );
        self.areas = self.areas.plus(&self.window_areas.minus(&self.excluded));
        self.window = Counters::default();
        self.window_latency.clear();
        self.window_areas = Areas::default();
        self.excluded = Areas::default();
        self.window_work = 0;
        self.window_wait = 0;
        f
    }
}

/// Rates and averages over a period.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WindowFigures {
    pub seconds: f64,
    pub arrivals_per_s: f64,
    pub ok_per_s: f64,
    pub errors_per_s: f64,
    pub p50: Option<Time>,
    pub p95: Option<Time>,
    pub p99: Option<Time>,
    /// Occupied workers ÷ available workers (servers), or busy fraction (load balancers).
    pub utilization: f64,
    pub cpu_utilization: f64,
    pub queue: f64,
}

impl WindowFigures {
    /// `balancer` carries a load balancer's (work, wait) nanoseconds.
    pub fn from_parts(
        c: &Counters,
        h: &Histogram,
        a: &Areas,
        balancer: Option<(u128, u128)>,
    ) -> WindowFigures {
        let seconds = a.elapsed as f64 / 1e9;
        let per_s = |n: u64| {
            if seconds > 0.0 {
                n as f64 / seconds
            } else {
                0.0
            }
        };
        let ratio = |x: u128, y: u128| if y > 0 { x as f64 / y as f64 } else { 0.0 };
        let (utilization, cpu_utilization, queue) = match balancer {
            // One forwarding engine, busy `work` ns; Little's law gives its mean queue.
            Some((work, wait)) => {
                let u = ratio(work, a.elapsed).min(1.0);
                (u, u, ratio(wait, a.elapsed))
            }
            None => (
                ratio(a.busy, a.capacity),
                ratio(a.cpu, a.capacity),
                ratio(a.queued, a.elapsed),
            ),
        };
        WindowFigures {
            seconds,
            arrivals_per_s: per_s(c.arrivals),
            ok_per_s: per_s(c.ok),
            errors_per_s: per_s(c.errors),
            p50: h.quantile(0.50),
            p95: h.quantile(0.95),
            p99: h.quantile(0.99),
            utilization,
            cpu_utilization,
            queue,
        }
    }
}

#[cfg(test)]
mod area_tests {
    use super::*;

    /// The areas are exact products, with or without a 64-bit shortcut: levels and durations
    /// from 0 to 2⁶⁴ − 1, around 2³² and 2⁶³ where the shortcut's test flips.
    #[test]
    fn areas_are_exact_products_even_past_64_bits() {
        let edges = [
            0,
            1,
            2,
            0xffff_ffff,
            1 << 32,
            (1 << 32) + 1,
            u64::MAX / 3,
            1 << 63,
            u64::MAX,
        ];
        for &level in &edges {
            for &dt in &edges {
                let mut a = Areas::default();
                let l = Levels {
                    busy: level,
                    cpu: level / 2,
                    queued: level / 3,
                    capacity: level.saturating_add(1),
                };
                a.accumulate(l, dt);
                let exact = |x: u64| x as u128 * dt as u128;
                assert_eq!(a.busy, exact(l.busy), "{level} × {dt}");
                assert_eq!(a.cpu, exact(l.cpu));
                assert_eq!(a.queued, exact(l.queued));
                assert_eq!(a.capacity, exact(l.capacity));
                assert_eq!(a.elapsed, dt as u128);
            }
        }
    }
}
