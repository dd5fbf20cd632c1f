//! End-to-end latencies and counts written once per request, folded into their histograms and
//! totals each second.
//!
//! A completed request's latency belongs in five histograms: since warm-up, this second's
//! window, the open batch, and reads or writes. Writing all five per request was a cache line
//! each on the engine's hottest path; instead it is written into `fresh_reads` or
//! `fresh_writes`, and [`EndToEnd::fold`] adds those into the five before any of them is read,
//! closed or reset (the tick, the batch end, the warm-up end). A merge adds counts, sums, minima
//! and maxima, so the histograms hold exactly what per-request writes would have put there:
//! every report is unchanged. Reports read between folds see the fresh samples added on the fly.
//!
//! The request counts likewise: a request's generation, attempts and end went into three sets
//! of counts (since the start, since warm-up, this second); they go into `fresh` once, and
//! `fold` adds it to the three. Sums of integers: the same counts.

use super::{EndToEnd, RequestCounts};
use crate::metrics::{BatchMeans, Histogram, Series};
use std::borrow::Cow;
use std::collections::BTreeMap;

impl EndToEnd {
    /// Nothing measured yet; charts keep `series_capacity` seconds.
    pub fn new(series_capacity: usize) -> EndToEnd {
        EndToEnd {
            lifetime: RequestCounts::default(),
            total: RequestCounts::default(),
            window: RequestCounts::default(),
            fresh: RequestCounts::default(),
            failures: BTreeMap::new(),
            latency: Histogram::new(),
            window_latency: Histogram::new(),
            batch: BatchMeans::default(),
            series: Series::new(series_capacity),
            read_latency: Histogram::new(),
            write_latency: Histogram::new(),
            fresh_reads: Histogram::new(),
            fresh_writes: Histogram::new(),
            staleness: Histogram::new(),
            cost_total: 0.0,
            regions: Vec::new(),
        }
    }

    /// Adds the latencies completed since the last fold to the five histograms, and the counts
    /// to the three sets of counts.
    pub fn fold(&mut self) {
        if self.fresh != RequestCounts::default() {
            for counts in [&mut self.lifetime, &mut self.total, &mut self.window] {
                counts.add(&self.fresh);
            }
            self.fresh = RequestCounts::default();
        }
        for (fresh, by_kind) in [
            (&mut self.fresh_reads, &mut self.read_latency),
            (&mut self.fresh_writes, &mut self.write_latency),
        ] {
            if fresh.count() == 0 {
                continue;
            }
            self.latency.merge(fresh);
            self.window_latency.merge(fresh);
            self.batch.merge(fresh);
            by_kind.merge(fresh);
            fresh.clear();
        }
    }

    /// Requests counted since the start of the run, folded or not.
    pub fn lifetime_counts(&self) -> RequestCounts {
        let mut c = self.lifetime;
        c.add(&self.fresh);
        c
    }

    /// Requests counted since warm-up, folded or not.
    pub fn total_counts(&self) -> RequestCounts {
        let mut c = self.total;
        c.add(&self.fresh);
        c
    }

    /// All completed requests' latencies since warm-up.
    pub fn latency_total(&self) -> Cow<'_, Histogram> {
        with_fresh(&self.latency, &[&self.fresh_reads, &self.fresh_writes])
    }

    /// Completed reads' latencies since warm-up.
    pub fn read_total(&self) -> Cow<'_, Histogram> {
        with_fresh(&self.read_latency, &[&self.fresh_reads])
    }

    /// Completed writes' latencies since warm-up.
    pub fn write_total(&self) -> Cow<'_, Histogram> {
        with_fresh(&self.write_latency, &[&self.fresh_writes])
    }
}

/// `folded` plus the samples not folded into it yet.
fn with_fresh<'a>(folded: &'a Histogram, fresh: &[&Histogram]) -> Cow<'a, Histogram> {
    if fresh.iter().all(|h| h.count() == 0) {
        return Cow::Borrowed(folded);
    }
    let mut all = folded.clone();
    for h in fresh {
        all.merge(h);
    }
    Cow::Owned(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;

    fn figures(h: &Histogram) -> (u64, Option<f64>, Option<u64>, [Option<u64>; 4]) {
        (
            h.count(),
            h.mean(),
            h.max(),
            [0.5, 0.95, 0.99, 0.999].map(|q| h.quantile(q)),
        )
    }

    /// 120 seconds of reads and writes (a quarter writes, latencies over five decades), folded
    /// at each tick, batch end (every 6 s) and a mid-second warm-up end, and read between folds:
    /// all five histograms and both batch intervals equal histograms written per request.
    #[test]
    fn folded_end_to_end_latencies_equal_latencies_written_per_request() {
        let mut rng = Rng::seed(29);
        let mut e = EndToEnd::new(10);
        let (mut all, mut window, mut reads, mut writes, mut batch) = (
            Histogram::new(),
            Histogram::new(),
            Histogram::new(),
            Histogram::new(),
            BatchMeans::default(),
        );
        for s in 0..120 {
            for _ in 0..rng.below(400) {
                let decades = 1 + rng.below(5) as u32;
                let v = 1 + rng.below(10u64.pow(decades));
                let write = rng.below(4) == 0;
                if write {
                    e.fresh_writes.record(v);
                    writes.record(v);
                } else {
                    e.fresh_reads.record(v);
                    reads.record(v);
                }
                all.record(v);
                window.record(v);
                batch.record(v);
                if rng.below(300) == 0 {
                    assert_eq!(figures(&e.latency_total()), figures(&all), "second {s}");
                    assert_eq!(figures(&e.read_total()), figures(&reads));
                    assert_eq!(figures(&e.write_total()), figures(&writes));
                }
            }
            if s == 20 {
                // The warm-up end, as `on_warmup_end` does it: fold, then forget the totals.
                e.fold();
                e.latency.clear();
                e.batch.reset();
                e.read_latency.clear();
                e.write_latency.clear();
                all.clear();
                reads.clear();
                writes.clear();
                batch.reset();
            }
            // The tick.
            e.fold();
            assert_eq!(figures(&e.window_latency), figures(&window), "second {s}");
            e.window_latency.clear();
            window.clear();
            if s % 6 == 5 {
                e.fold();
                e.batch.close_batch();
                batch.close_batch();
            }
        }
        assert_eq!(figures(&e.latency_total()), figures(&all));
        assert_eq!(figures(&e.read_total()), figures(&reads));
        assert_eq!(figures(&e.write_total()), figures(&writes));
        assert!(batch.batches() >= 15);
        assert_eq!(e.batch.mean_interval(), batch.mean_interval());
        assert_eq!(e.batch.p99_interval(), batch.p99_interval());
    }
}

#[cfg(test)]
mod count_tests {
    use super::*;
    use crate::dist::Rng;

    /// One request's counts, as the engine makes them: generated, attempts, then completed (a
    /// read, maybe stale or a read-your-writes violation, or a write) or failed.
    fn request(rng: &mut Rng) -> RequestCounts {
        let mut c = RequestCounts {
            generated: 1,
            attempts: 1 + rng.below(3),
            ..Default::default()
        };
        match rng.below(10) {
            0 => c.failed = 1,
            1..=3 => {
                c.completed = 1;
                c.writes = 1;
            }
            _ => {
                c.completed = 1;
                c.reads = 1;
                c.stale_reads = rng.below(4) / 3;
                c.ryw_violations = rng.below(10) / 9;
            }
        }
        c
    }

    /// 90 seconds of requests counted once each and folded at each tick and the warm-up end (mid
    /// run, as `on_warmup_end` does it), read between folds through the accessors: the three
    /// sets of counts equal counts written three times per request.
    #[test]
    fn folded_request_counts_equal_counts_written_per_request() {
        let mut rng = Rng::seed(37);
        let mut e = EndToEnd::new(10);
        let (mut lifetime, mut total, mut window) =
            <(RequestCounts, RequestCounts, RequestCounts)>::default();
        for s in 0..90 {
            for _ in 0..rng.below(500) {
                let c = request(&mut rng);
                e.fresh.add(&c);
                for to in [&mut lifetime, &mut total, &mut window] {
                    to.add(&c);
                }
                if rng.below(200) == 0 {
                    assert_eq!(e.lifetime_counts(), lifetime, "second {s}");
                    assert_eq!(e.total_counts(), total, "second {s}");
                }
            }
            if s == 17 {
                e.fold();
                e.total = RequestCounts::default();
                total = RequestCounts::default();
            }
            // The tick: fold, read the window, start a new one.
            e.fold();
            assert_eq!(e.window, window, "second {s}");
            assert_eq!(e.fresh, RequestCounts::default());
            e.window = RequestCounts::default();
            window = RequestCounts::default();
        }
        assert_eq!(e.lifetime, lifetime);
        assert_eq!(e.total, total);
        assert!(lifetime.generated > 10_000 && lifetime.stale_reads > 0);
    }
}
