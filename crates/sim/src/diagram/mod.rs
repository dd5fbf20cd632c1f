//! The diagram document: the one thing the UI edits, saves and shares, and the CLI runs.
//!
//! A diagram is nodes (components with parameters and a position), edges (directed "calls"
//! relations with network latency), a workload (run length, warm-up, traffic scale) and a seed.
//! The format is described in `docs/diagram-format.md`.

mod batch;
mod node;
pub mod params;
mod parse;
mod region;
mod validate;

pub use batch::BatchJobParams;
pub use node::{Node, NodeSpec};
pub use params::*;
pub(crate) use parse::has_compare_key;
pub use parse::{MAX_EDGES, MAX_NODES};
pub use region::{default_rtt_ms, Region, RegionLatency, FALLBACK_RTT_MS, MAX_RTT_MS};
pub use validate::{problem_template, Location, Problem, Severity, MAX_INSTANCES, PROBLEM_CODES};

use serde::{Deserialize, Serialize};

/// The diagram format version this build writes. Older versions are migrated on load.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagram {
    pub version: u32,
    #[serde(default)]
    pub name: String,
    /// Seed of the run: the same diagram and seed replay exactly the same run.
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub workload: Workload,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Failures and spikes scripted in simulated time.
    #[serde(default)]
    pub chaos: Vec<ChaosEvent>,
    #[serde(default)]
    pub slo: Slo,
    /// Geographic regions, drawn as frames around their nodes (empty: a single-site design).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// Round-trip times between regions that override [`default_rtt_ms`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub region_latency: Vec<RegionLatency>,
}

impl Default for Diagram {
    fn default() -> Self {
        Diagram {
            version: FORMAT_VERSION,
            name: String::new(),
            seed: 1,
            workload: Workload::default(),
            nodes: Vec::new(),
            edges: Vec::new(),
            chaos: Vec::new(),
            slo: Slo::default(),
            regions: Vec::new(),
            region_latency: Vec::new(),
        }
    }
}

/// How long a headless run lasts and how traffic is scaled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// Simulated seconds a headless run lasts.
    pub duration_s: f64,
    /// Simulated seconds discarded before statistics are collected (transient removal).
    pub warmup_s: f64,
    /// Multiplies every client's rate: the toolbar's traffic slider.
    pub traffic_scale: f64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            duration_s: 60.0,
            warmup_s: 5.0,
            traffic_scale: 1.0,
        }
    }
}

/// A directed connection: `from` sends requests to `to` and waits for the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    #[serde(default)]
    pub id: String,
    pub from: String,
    pub to: String,
    /// One-way network latency; the response pays it again on the way back.
    #[serde(default = "default_latency_ms")]
    pub latency_ms: f64,
    /// Extra one-way delay, uniform between 0 and this.
    #[serde(default)]
    pub jitter_ms: f64,
}

fn default_latency_ms() -> f64 {
    1.0
}

impl Edge {
    pub fn new(id: impl Into<String>, from: impl Into<String>, to: impl Into<String>) -> Edge {
        Edge {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            latency_ms: default_latency_ms(),
            jitter_ms: 0.0,
        }
    }

    /// How problems and reports name this edge: its id, or "from→to" when it has none.
    pub fn name(&self) -> String {
        if self.id.is_empty() {
            format!("{}→{}", self.from, self.to)
        } else {
            self.id.clone()
        }
    }
}

impl Diagram {
    /// Parses a diagram from JSON, reporting every problem at once (parse errors per node and
    /// edge, then validation). Never panics, whatever the input.
    pub fn from_json(text: &str) -> Result<Diagram, Vec<Problem>> {
        parse::from_json(text)
    }

    /// Parses like [`Diagram::from_json`], applying `adjust` (say, a run length given on the
    /// command line) before validation.
    pub fn from_json_adjusted(
        text: &str,
        adjust: impl FnOnce(&mut Diagram),
    ) -> Result<Diagram, Vec<Problem>> {
        parse::from_json_adjusted(text, adjust)
    }

    pub fn to_json_pretty(&self) -> String {
        // Serialising plain data to a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Every availability zone the diagram names: nodes' zones and the zones server groups and
    /// databases spread their instances and members over.
    pub fn zones(&self) -> std::collections::BTreeSet<&str> {
        self.nodes
            .iter()
            .flat_map(|n| {
                let spread: &[String] = match &n.spec {
                    NodeSpec::Server(p) => &p.zones,
                    NodeSpec::Database(p) => &p.zones,
                    _ => &[],
                };
                std::iter::once(&n.zone).chain(spread)
            })
            .map(String::as_str)
            .filter(|z| !z.is_empty())
            .collect()
    }

    /// The round-trip time between two regions in milliseconds: an explicit `region_latency`
    /// entry (either order) if there is one, else [`default_rtt_ms`]. The same region, or a
    /// node without a region, is 0.
    pub fn rtt_ms(&self, a: &str, b: &str) -> f64 {
        if a.is_empty() || b.is_empty() || a == b {
            return 0.0;
        }
        self.region_latency
            .iter()
            .find(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
            .map_or_else(|| default_rtt_ms(a, b), |l| l.rtt_ms)
    }

    /// Every problem with this diagram, errors and warnings.
    pub fn problems(&self) -> Vec<Problem> {
        validate::validate(self)
    }

    /// The errors only: a diagram with none can be simulated.
    pub fn errors(&self) -> Vec<Problem> {
        self.problems()
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .collect()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }
}

#[cfg(test)]
mod tests;
