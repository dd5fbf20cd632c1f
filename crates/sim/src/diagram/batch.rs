//! Parameters of a batch job (MapReduce): the one kind that is not request/response.

use serde::{Deserialize, Serialize};

/// A MapReduce job on its own worker pool. It splits `records` input records into map tasks of
/// `split_records` each, runs them on `workers × slots_per_worker` slots, shuffles the map
/// output (`record_bytes` per record) to `reducers` reduce tasks over a network of
/// `shuffle_mb_per_s`, and reduces. It starts at `start_s` and, if `period_s` > 0, again every
/// `period_s` seconds (a start that finds the previous run still going is skipped).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchJobParams {
    /// Input records (M).
    pub records: u64,
    /// Records per map task (the input split): map tasks = ⌈records ÷ split_records⌉.
    pub split_records: u64,
    /// Map work per record, in microseconds.
    pub map_us_per_record: f64,
    /// Machines in the pool.
    pub workers: u32,
    /// Tasks one machine runs at once.
    pub slots_per_worker: u32,
    /// Reduce tasks (R): each gets an equal share of the records (even partitioning).
    pub reducers: u32,
    /// Reduce work per record, in microseconds.
    pub reduce_us_per_record: f64,
    /// Bytes of map output per input record: what crosses the network in the shuffle.
    pub record_bytes: f64,
    /// The network's bisection bandwidth, in MB/s: the shuffle takes all map output ÷ this.
    pub shuffle_mb_per_s: f64,
    /// The serial part of a run (scheduling, planning the splits, committing the output), in
    /// seconds: no number of workers shortens it.
    pub setup_s: f64,
    /// When the first run starts (simulated seconds).
    pub start_s: f64,
    /// Runs repeat this often; 0 = run once.
    pub period_s: f64,
    /// The first machine is this many times slower than the others (1 = no straggler).
    pub straggler_factor: f64,
    /// Speculative execution: a task running longer than `speculation_factor` × the median
    /// finished task of its phase gets a backup copy on an idle slot of another machine.
    pub speculative: bool,
    pub speculation_factor: f64,
}

impl Default for BatchJobParams {
    fn default() -> Self {
        BatchJobParams {
            records: 10_000_000,
            split_records: 100_000,
            map_us_per_record: 50.0,
            workers: 10,
            slots_per_worker: 2,
            reducers: 10,
            reduce_us_per_record: 10.0,
            record_bytes: 100.0,
            shuffle_mb_per_s: 500.0,
            setup_s: 1.0,
            start_s: 0.0,
            period_s: 0.0,
            straggler_factor: 1.0,
            speculative: false,
            speculation_factor: 1.5,
        }
    }
}

impl BatchJobParams {
    /// Map tasks: one per input split (the last one may be smaller).
    pub fn map_tasks(&self) -> u64 {
        self.records.div_ceil(self.split_records.max(1))
    }

    /// Task slots in the pool.
    pub fn slots(&self) -> u64 {
        self.workers as u64 * self.slots_per_worker as u64
    }
}
