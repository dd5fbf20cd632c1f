//! What the views show of the running simulation ([`Stats`]), assembled on the page from the
//! engine's frames ([`LiveView`]): the engine sends only what changed, the page keeps the chart
//! history. Page side of the protocol.

use crate::protocol::Frame;
use scaleboard_sim::engine::{LogEvent, NodeStatus, SloReport, TxnSamples};
use scaleboard_sim::metrics::{EndToEndSample, NodeSample};
use std::collections::{BTreeMap, BTreeSet};

/// Samples kept for the bottom charts (simulated seconds).
pub use crate::protocol::CHART_SECONDS;
/// Samples kept for inspector sparklines.
pub const SPARK_SECONDS: usize = 60;

/// What the UI shows of the running simulation, refreshed a few times per second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Whether a simulation exists (the diagram has been valid at least once since reset).
    pub ready: bool,
    pub time_s: f64,
    /// Simulated seconds per wall-clock second actually achieved recently.
    pub achieved_speed: f64,
    /// True when the engine could not keep up with the requested speed.
    pub behind: bool,
    pub nodes: BTreeMap<String, NodeStatus>,
    /// Requests per second over each edge in the last simulated second.
    pub edges: BTreeMap<String, f64>,
    /// What each region's users saw in the last simulated second (diagrams with regions).
    pub regions: Vec<scaleboard_sim::engine::RegionNow>,
    /// Edges a network partition cuts now.
    pub cut_edges: BTreeSet<String>,
    /// Every client's rate is multiplied by this now (a chaos traffic spike).
    pub traffic_factor: f64,
    /// The run so far against the diagram's SLO.
    pub slo: Option<SloReport>,
    pub series: Vec<EndToEndSample>,
    pub node_series: BTreeMap<String, Vec<NodeSample>>,
    /// Autoscaled server groups over the whole run: (second, instances, booting, down).
    pub instance_series: BTreeMap<String, Vec<(f64, u32, u32, u32)>>,
    /// Failed requests since the start, by (cause, node id).
    pub failures: BTreeMap<(String, String), u64>,
    pub requests_per_wall_s: f64,
    /// Requests completed since the run began (the benchmark counts these).
    pub completed_total: u64,
    /// Frames per second of the page (filled in by the frame loop).
    pub fps: f64,
    /// How many snapshots the frame loop has sent so far, this one included (filled in by the
    /// frame loop; `data-snapshot` on the KPI bar, so tests can wait for the next one).
    pub snapshot: u64,
    /// Where a frame's time goes, smoothed ms: simulation, dots, snapshot, UI render.
    pub frame_ms: [f64; 4],
    /// What the system did on its own since the previous snapshot (health checks, failovers,
    /// the autoscaler, the chaos timeline), for the event log.
    pub events: Vec<LogEvent>,
    /// Each transaction coordinator's sampled transactions, for the sequence diagram.
    pub transactions: BTreeMap<String, TxnSamples>,
}

/// The page's copy of the run, kept up to date from the engine's frames.
#[derive(Debug, Default)]
pub struct LiveView {
    stats: Stats,
    /// Node ids by engine slot (traces name nodes by slot), and a count of their changes.
    pub slots: Vec<String>,
    pub slots_rev: u64,
    /// The event log since the last snapshot.
    events: Vec<LogEvent>,
}

/// Keeps the newest `n` items of `v`.
fn keep_last<T>(v: &mut Vec<T>, n: usize) {
    if v.len() > n {
        v.drain(..v.len() - n);
    }
}

impl LiveView {
    /// Takes in one frame; true if it brought new figures for the views.
    pub fn merge(&mut self, f: &mut Frame) -> bool {
        self.events.append(&mut f.log);
        if !f.ready {
            // No run (the document has not been valid since the reset).
            let changed = self.stats.ready || f.status.is_some();
            self.stats = Stats::default();
            return changed;
        }
        let s = &mut self.stats;
        s.ready = true;
        s.time_s = f.time_ns as f64 / 1e9;
        s.achieved_speed = f.achieved_speed;
        s.behind = f.behind;
        s.requests_per_wall_s = f.requests_per_wall_s;
        s.completed_total = f.completed_total;
        let Some(st) = f.status.take() else {
            return false;
        };
        if st.slots != self.slots {
            self.slots = st.slots;
            self.slots_rev += 1;
        }
        s.nodes = st.nodes.0.into_iter().map(|n| (n.id.clone(), n)).collect();
        s.edges = st.edges.into_iter().collect();
        s.regions = st.regions;
        s.cut_edges = st.cut_edges.into_iter().collect();
        s.traffic_factor = st.traffic_factor;
        s.slo = st.slo;
        s.failures = st
            .failures
            .into_iter()
            .map(|(cause, node, n)| ((cause, node), n))
            .collect();
        s.transactions = st.transactions.0.into_iter().collect();
        let delta = st.series;
        if delta.restart {
            s.series.clear();
            s.node_series.clear();
            s.instance_series.clear();
        }
        s.series.extend(delta.end_to_end);
        keep_last(&mut s.series, CHART_SECONDS);
        let autoscaled: BTreeSet<String> = st.autoscaled.into_iter().collect();
        for (id, samples) in delta.nodes.0 {
            if autoscaled.contains(&id) {
                let v = s.instance_series.entry(id.clone()).or_default();
                v.extend(
                    samples
                        .iter()
                        .map(|x| (x.t_s, x.instances, x.booting, x.down)),
                );
                keep_last(v, CHART_SECONDS);
            }
            let v = s.node_series.entry(id).or_default();
            v.extend(samples);
            keep_last(v, SPARK_SECONDS);
        }
        // Nodes deleted from the diagram leave the charts.
        let nodes = &s.nodes;
        s.node_series.retain(|id, _| nodes.contains_key(id));
        s.instance_series.retain(|id, _| autoscaled.contains(id));
        true
    }

    /// A snapshot for the views, with what the system logged since the previous one.
    pub fn snapshot(&mut self) -> Stats {
        Stats {
            events: std::mem::take(&mut self.events),
            ..self.stats.clone()
        }
    }
}
