//! End-to-end latencies written once per request, folded into their histograms each second.
//!
//! A completed request's latency belongs in five histograms: since warm-up, this second's
//! window, the open batch, and reads or writes. Writing all five per request was a cache line
//! each on the engine's hottest path; instead it is written into `fresh_reads` or
//! `fresh_writes`, and [`EndToEnd::fold`] adds those into the five before any of them is read,
//! closed or reset (the tick, the batch end, the warm-up end). A merge adds counts, sums, minima
//! and maxima, so the histograms hold exactly what per-request writes would have put there:
//! every report is unchanged. Reports read between folds see the fresh samples added on the fly.

use super::EndToEnd;
use crate::metrics::Histogram;
use std::borrow::Cow;

impl EndToEnd {
    /// Adds the latencies completed since the last fold to the five histograms.
    pub fn fold(&mut self) {
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
