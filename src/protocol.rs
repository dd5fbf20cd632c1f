//! The seam between the page and the engine: every message that crosses it, both ways.
//!
//! The page (document, editor, views: `app`, `runtime`, `engine_link`, components) never holds
//! a simulation; the engine host (`worker`: the simulation, its real-time pacing, chaos, the
//! exports computed from a run) never sees the page. They talk only through [`ToEngine`] and
//! [`FromEngine`], encoded with [`encode`] into bytes that travel in a transferred
//! `ArrayBuffer` between the page and its Web Worker (or are handed over in the same thread
//! when the page hosts the engine itself, see `engine_link`).
//!
//! What crosses at frame rate is small on purpose: counters, the dots sampled since the last
//! frame and, a few times a second, the node figures and only the *new* per-second samples of
//! the charts (the page keeps the history). Reports and CSV cross only when asked for.
//!
//! Encoding: postcard (varints, no field names). The node figures and transaction samples go
//! as a [`Packed`] tree inside it (field names once per message, exact floats in as few bytes
//! as they need), because their report types skip empty fields when serialized (for the CLI's
//! JSON), which a format without field names cannot read back.

use scaleboard_report::Lang;
use scaleboard_sim::diagram::ChaosAction;
use scaleboard_sim::engine::{LogEvent, NodeStatus, RegionNow, SloReport, Trace, TxnSamples};
use scaleboard_sim::metrics::{EndToEndSample, NodeSample};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod packed;
pub use packed::Packed;

/// Per-second chart samples the page keeps (simulated seconds): the engine never sends older
/// ones, and keeps this many in its own series.
pub const CHART_SECONDS: usize = 180;

/// Page → engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToEngine {
    /// Start over from t = 0 with this document (diagram JSON); then run to `seek_s` simulated
    /// seconds at once (a link's playhead), if given.
    Reset {
        diagram: String,
        seek_s: Option<f64>,
    },
    /// Follow an edited document (the run goes on).
    Sync { diagram: String },
    /// Every failure injected from the canvas since the run began, in order (the engine
    /// applies the ones it has not had; a shorter list means a new run).
    Injections(Vec<ChaosAction>),
    /// Run on for `wall_ms` of wall-clock time at `speed` simulated seconds per second,
    /// spending at most `budget_ms`; trace one hop in `trace_every` for the dots. The figures
    /// (`Frame::status`) come back only with `want_status`.
    Advance {
        wall_ms: f64,
        speed: f64,
        budget_ms: f64,
        trace_every: u32,
        want_status: bool,
    },
    /// Exactly `secs` simulated seconds, however long it takes (the Step button).
    Step { secs: f64 },
    /// A question about the run; the answer comes back with the same `id`.
    Ask { id: u32, question: Question },
    /// Make the engine panic (end-to-end tests of crash recovery). The page sends it only
    /// when its address asks for `?engine-crash-test`, and only to a worker.
    CrashForTest,
}

/// What the page can ask the engine for (exports, lesson goals, tests).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Question {
    /// Every simulated second of the run as CSV.
    Csv,
    /// The printable report of the run.
    ReportHtml { lang: Lang },
    /// The run's report as compact JSON (what `scaleboard run --compact` prints).
    ReportJson,
    /// A separate run of `diagram` for `duration_s` after `warmup_s`, as
    /// `scaleboard run --compact` would run it (the determinism test).
    RunReport {
        diagram: String,
        duration_s: f64,
        warmup_s: f64,
    },
}

/// Engine → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromEngine {
    /// The engine listens (a worker sends it once its module has started).
    Ready,
    /// After every `Advance`, `Step`, `Reset`, `Sync` and `Injections`.
    Frame(Box<Frame>),
    Answer {
        id: u32,
        answer: Answer,
    },
    /// The engine panicked (sent by the worker's panic hook just before the worker dies):
    /// what the panic said, for the page to tell the user.
    Crashed {
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    Text(String),
    /// Nothing has run yet.
    NoRun,
}

/// What changed since the previous frame.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// A simulation exists (the document has been valid at least once since the reset).
    pub ready: bool,
    /// Simulated time now, ns.
    pub time_ns: u64,
    /// Simulated seconds per wall-clock second achieved recently.
    pub achieved_speed: f64,
    /// The engine could not keep up with the requested speed.
    pub behind: bool,
    pub requests_per_wall_s: f64,
    pub completed_total: u64,
    /// Engine events processed by this message.
    pub events: u64,
    /// Hops and refusals sampled since the previous frame (the dots).
    pub traces: Vec<Trace>,
    /// What the system did on its own since the previous frame (the event log).
    pub log: Vec<LogEvent>,
    /// Why the latest document cannot run (the run keeps the last valid one).
    pub problems: Vec<String>,
    pub status: Option<Status>,
}

/// The figures the views show, sent a few times a second.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Node ids in engine slot order (traces name nodes by slot).
    pub slots: Vec<String>,
    pub nodes: Packed<Vec<NodeStatus>>,
    /// Requests per second over each edge in the last simulated second.
    pub edges: Vec<(String, f64)>,
    pub regions: Vec<RegionNow>,
    pub cut_edges: Vec<String>,
    pub traffic_factor: f64,
    pub slo: Option<SloReport>,
    /// Failed requests since the start: (cause, node, count).
    pub failures: Vec<(String, String, u64)>,
    pub transactions: Packed<Vec<(String, TxnSamples)>>,
    /// Autoscaled server groups (their instance counts are charted from the node samples).
    pub autoscaled: Vec<String>,
    pub series: SeriesDelta,
}

/// Per-second samples the page has not had yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesDelta {
    /// Drop what is held first (a new run).
    pub restart: bool,
    pub end_to_end: Vec<EndToEndSample>,
    /// Packed: most of a sample's figures are whole numbers or short floats.
    pub nodes: Packed<Vec<(String, Vec<NodeSample>)>>,
}

/// The bytes of a message.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Every type here serializes (no maps with non-string keys, no failing serializers).
    postcard::to_allocvec(message).unwrap_or_default()
}

/// A message from its bytes; `None` for bytes that are not one (never expected: both sides are
/// built from the same sources).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
