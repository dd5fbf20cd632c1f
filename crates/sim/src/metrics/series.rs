//! Rolling time series: one sample per simulated second, for charts. Bounded, so a tab left
//! running all day keeps a fixed memory footprint.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

#[derive(Clone, Debug)]
pub struct Series<T> {
    samples: VecDeque<T>,
    capacity: usize,
}

impl<T> Series<T> {
    pub fn new(capacity: usize) -> Series<T> {
        Series {
            samples: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn push(&mut self, sample: T) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.samples.iter()
    }

    pub fn last(&self) -> Option<&T> {
        self.samples.back()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// One simulated second at one node.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeSample {
    /// End of the second, in simulated seconds.
    pub t_s: f64,
    pub arrivals_per_s: f64,
    pub throughput: f64,
    pub errors_per_s: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub utilization: f64,
    pub queue: f64,
    pub instances: u32,
    /// Server groups: instances still booting (counted in `instances`) and instances down.
    pub booting: u32,
    pub down: u32,
    pub cost_per_hour: f64,
    pub up: bool,
    /// Caches: hits ÷ lookups this second.
    pub hit_ratio: Option<f64>,
    /// Stale answers served this second (caches, databases).
    pub stale_per_s: f64,
    /// Write conflicts this second (multi-primary databases).
    pub conflicts_per_s: f64,
    /// Databases: the most any replica is behind, in ms.
    pub lag_ms: Option<f64>,
    /// Databases in a partition mode: requests a partition refused this second (`cp`:
    /// availability lost).
    pub refused_per_s: f64,
    /// Databases in a partition mode: keys written on more than one side of a partition so
    /// far, resolved or still diverging (`ap`: consistency lost).
    pub conflicting_keys: Option<f64>,
}

/// One simulated second for the whole system.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndToEndSample {
    pub t_s: f64,
    /// New requests per second (offered load).
    pub generated_per_s: f64,
    /// Attempts per second including retries: above `generated_per_s` means retry amplification.
    pub attempts_per_s: f64,
    /// Requests completed successfully per second (goodput).
    pub throughput: f64,
    pub failed_per_s: f64,
    pub error_rate: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub in_flight: u64,
    pub cost_per_hour: f64,
    /// Money spent since statistics started (dollars): what over-provisioning has cost so far.
    pub cost_total: f64,
    /// Still inside the warm-up period (excluded from statistics).
    pub warmup: bool,
    /// Reads completed this second that returned out-of-date data, and their share of reads.
    pub stale_per_s: f64,
    pub stale_rate: f64,
}
