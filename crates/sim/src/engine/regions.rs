//! Regions at run time: each node's region as an index, and the one-way delay between regions.
//!
//! The table is resolved once whenever the diagram changes; the delay between two regions is
//! folded into each crossing edge's base latency (see `rebuild_edges`), so a request pays it
//! without any work per event, and a diagram without regions pays nothing at all.

use super::jobs::NONE;
use super::node::Model;
use super::Simulation;
use crate::diagram::{Diagram, NodeSpec};
use crate::time::{ms_to_ns, Time};

/// End-to-end counts of the requests whose users are in one region.
#[derive(Clone, Debug)]
pub(crate) struct RegionTotals {
    /// Since the start of the run (never reset).
    pub lifetime_generated: u64,
    /// Since warm-up.
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub latency: crate::metrics::Histogram,
    /// The second being counted: completed, failed, summed latency (ns).
    pub window: (u64, u64, u128),
    /// The last whole second, for the live view.
    pub last: RegionNow,
}

/// What the users of one region saw in the last simulated second.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegionNow {
    pub region: String,
    /// Completed requests per second.
    pub throughput: f64,
    /// failed ÷ (completed + failed); 0 when nothing ended.
    pub error_rate: f64,
    /// Mean end-to-end latency of the completed requests; `None` if none completed.
    pub mean_ms: Option<f64>,
}

impl RegionTotals {
    pub fn new() -> RegionTotals {
        RegionTotals {
            lifetime_generated: 0,
            generated: 0,
            completed: 0,
            failed: 0,
            latency: crate::metrics::Histogram::new(),
            window: (0, 0, 0),
            last: RegionNow::default(),
        }
    }

    /// A simulated second ends: it becomes the live figure.
    pub fn close_window(&mut self, region: &str) {
        let (ok, failed, sum) = std::mem::take(&mut self.window);
        let ended = ok + failed;
        self.last = RegionNow {
            region: region.to_owned(),
            throughput: ok as f64,
            error_rate: if ended > 0 {
                failed as f64 / ended as f64
            } else {
                0.0
            },
            mean_ms: (ok > 0).then(|| sum as f64 / ok as f64 / 1e6),
        };
    }

    /// Warm-up ends: statistics start.
    pub fn reset(&mut self) {
        self.generated = 0;
        self.completed = 0;
        self.failed = 0;
        self.latency.clear();
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Regions {
    /// Region ids, in the diagram's order.
    pub ids: Vec<String>,
    /// Round trip between regions i and j, at `i * n + j`.
    rtt: Vec<Time>,
}

impl Regions {
    pub fn build(d: &Diagram) -> Regions {
        let ids: Vec<String> = d.regions.iter().map(|r| r.id.clone()).collect();
        let n = ids.len();
        let mut rtt = vec![0; n * n];
        for (i, a) in ids.iter().enumerate() {
            for (j, b) in ids.iter().enumerate() {
                rtt[i * n + j] = ms_to_ns(d.rtt_ms(a, b));
            }
        }
        Regions { ids, rtt }
    }

    /// The index of region `id`, or NONE for no region (or one the diagram does not declare,
    /// which validation refuses).
    pub fn index(&self, id: &str) -> u32 {
        if id.is_empty() {
            return NONE;
        }
        self.ids
            .iter()
            .position(|r| r == id)
            .map_or(NONE, |i| i as u32)
    }

    /// Round trip between two regions; 0 when either is NONE or they are the same.
    pub fn rtt(&self, a: u32, b: u32) -> Time {
        let n = self.ids.len();
        if a == NONE || b == NONE || a as usize >= n || b as usize >= n {
            return 0;
        }
        self.rtt[a as usize * n + b as usize]
    }

    /// The id of region `r` ("" for none).
    pub fn name(&self, r: u32) -> &str {
        self.ids.get(r as usize).map_or("", String::as_str)
    }

    /// What a message pays one way between two regions: half the round trip.
    pub fn one_way(&self, a: u32, b: u32) -> Time {
        self.rtt(a, b) / 2
    }
}

impl Simulation {
    /// Each region's users over the last simulated second (empty without regions).
    pub fn regions_now(&self) -> Vec<RegionNow> {
        self.core
            .e2e
            .regions
            .iter()
            .map(|t| t.last.clone())
            .collect()
    }

    /// Rebuilds the region table from `d`; per-region statistics restart when the list of
    /// regions changes (their indices would no longer mean the same regions).
    pub(super) fn rebuild_regions(&mut self, d: &Diagram) {
        let regions = Regions::build(d);
        if regions.ids != self.core.regions.ids {
            self.core.e2e.regions = (0..regions.ids.len())
                .map(|_| RegionTotals::new())
                .collect();
        }
        self.core.regions = regions;
    }

    /// Resolves each client's user regions to indices and cumulative shares.
    pub(super) fn resolve_client_regions(&mut self, d: &Diagram) {
        for n in &d.nodes {
            let (NodeSpec::Client(p), Some(&slot)) = (&n.spec, self.index.get(&n.id)) else {
                continue;
            };
            let mut cum = 0.0;
            let origins = p
                .regions
                .iter()
                .map(|r| {
                    cum += r.share;
                    (self.core.regions.index(&r.region), cum)
                })
                .collect();
            if let Model::Client(c) = &mut self.nodes[slot as usize].model {
                c.origins = origins;
            }
        }
        for n in &d.nodes {
            let (NodeSpec::Database(p), Some(&slot)) = (&n.spec, self.index.get(&n.id)) else {
                continue;
            };
            let regions = &self.core.regions;
            let home = regions.index(&n.region);
            let Model::Database(db) = &mut self.nodes[slot as usize].model else {
                continue;
            };
            let count = db.members.len();
            let of = |k: usize| {
                if p.regions.is_empty() {
                    home
                } else {
                    regions.index(&p.regions[k % p.regions.len()])
                }
            };
            let delay: Vec<Time> = (0..count * count)
                .map(|x| regions.one_way(of(x / count), of(x % count)))
                .collect();
            // Members all in one region pay nothing: keep the table empty.
            db.member_delay = if delay.iter().any(|&t| t > 0) {
                delay
            } else {
                Vec::new()
            };
        }
    }
}
