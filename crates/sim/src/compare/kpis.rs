//! The figures a comparison sets side by side, and their differences (b − a, and b ÷ a where a
//! ratio means something).

use crate::engine::Report;
use serde::Serialize;

/// One variant's key figures, read from its report (so they are the CLI's figures exactly).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Kpis {
    /// Requests per second the clients offered (the same traffic gives the same figure).
    pub offered_rps: f64,
    /// Successful requests per second.
    pub throughput: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub error_rate: f64,
    pub cost_per_hour: f64,
    /// Whether the run meets the design's SLO (availability and p99 both).
    pub slo_met: bool,
}

/// The numeric figures, in the order the table and the CLI's `diff` list them.
pub const KPI_KEYS: [&str; 6] = [
    "offered_rps",
    "throughput",
    "p50_ms",
    "p99_ms",
    "error_rate",
    "cost_per_hour",
];

impl Kpis {
    pub fn of(r: &Report) -> Kpis {
        let e = &r.end_to_end;
        Kpis {
            offered_rps: e.offered_rps,
            throughput: e.throughput,
            p50_ms: e.latency_ms.p50,
            p99_ms: e.latency_ms.p99,
            error_rate: e.error_rate,
            cost_per_hour: e.cost_per_hour,
            slo_met: e.slo.met,
        }
    }

    /// The figure named `key` (one of [`KPI_KEYS`]); `None` when there is none (nothing
    /// completed, so no percentile).
    pub fn get(&self, key: &str) -> Option<f64> {
        match key {
            "offered_rps" => Some(self.offered_rps),
            "throughput" => Some(self.throughput),
            "p50_ms" => self.p50_ms,
            "p99_ms" => self.p99_ms,
            "error_rate" => Some(self.error_rate),
            "cost_per_hour" => Some(self.cost_per_hour),
            _ => None,
        }
    }
}

/// One figure on both sides.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Delta {
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// b − a (`None` when either side has no figure).
    pub diff: Option<f64>,
    /// b ÷ a (`None` when either is missing or a is 0: "3× the cost" needs a cost to start from).
    pub ratio: Option<f64>,
}

impl Delta {
    pub fn of(a: Option<f64>, b: Option<f64>) -> Delta {
        let (diff, ratio) = match (a, b) {
            (Some(a), Some(b)) => (Some(b - a), (a != 0.0).then(|| b / a)),
            _ => (None, None),
        };
        Delta { a, b, diff, ratio }
    }
}

/// Both verdicts on the SLO (a yes/no has no difference to subtract).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Verdicts {
    pub a: bool,
    pub b: bool,
}

/// Every figure of [`KPI_KEYS`] on both sides, and the SLO verdicts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub offered_rps: Delta,
    pub throughput: Delta,
    pub p50_ms: Delta,
    pub p99_ms: Delta,
    pub error_rate: Delta,
    pub cost_per_hour: Delta,
    pub slo_met: Verdicts,
}

impl Diff {
    pub fn between(a: &Kpis, b: &Kpis) -> Diff {
        let d = |k: &str| Delta::of(a.get(k), b.get(k));
        Diff {
            offered_rps: d("offered_rps"),
            throughput: d("throughput"),
            p50_ms: d("p50_ms"),
            p99_ms: d("p99_ms"),
            error_rate: d("error_rate"),
            cost_per_hour: d("cost_per_hour"),
            slo_met: Verdicts {
                a: a.slo_met,
                b: b.slo_met,
            },
        }
    }

    /// The figure named `key` (one of [`KPI_KEYS`]).
    pub fn get(&self, key: &str) -> Option<&Delta> {
        match key {
            "offered_rps" => Some(&self.offered_rps),
            "throughput" => Some(&self.throughput),
            "p50_ms" => Some(&self.p50_ms),
            "p99_ms" => Some(&self.p99_ms),
            "error_rate" => Some(&self.error_rate),
            "cost_per_hour" => Some(&self.cost_per_hour),
            _ => None,
        }
    }
}
