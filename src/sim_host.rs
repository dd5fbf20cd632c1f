//! The simulation as the page runs it: follows the document, advances in real time within a
//! frame budget, mirrors failure injection, and hands out snapshots for the UI and traces for
//! the animated dots. Pure Rust (the clock is passed in), so its pacing is tested natively.

use crate::render::particles::Particles;
use scaleboard_sim::diagram::{ChaosAction, Problem};
use scaleboard_sim::engine::{LogEvent, NodeStatus, SloReport, Trace, TxnSamples};
use scaleboard_sim::metrics::{EndToEndSample, NodeSample};
use scaleboard_sim::time::{Time, NS_PER_S};
use scaleboard_sim::{Diagram, RunConfig, Simulation};
use std::collections::{BTreeMap, BTreeSet};

/// Samples kept for the bottom charts (simulated seconds).
pub const CHART_SECONDS: usize = 180;
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

/// Pacing of one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameResult {
    pub events: u64,
    pub kept_up: bool,
    pub sim_advanced: Time,
}

pub struct SimHost {
    sim: Option<Simulation>,
    /// Errors that kept the latest document from running (the sim keeps the last valid one).
    pub problems: Vec<Problem>,
    /// Failures injected from the canvas, and how many of them the engine has had.
    injections: Vec<ChaosAction>,
    applied: usize,
    log: Vec<LogEvent>,
    /// Engine speed measured on this machine, events per millisecond.
    events_per_ms: f64,
    /// Recent achieved simulated-time / wall-time ratio.
    achieved: f64,
    behind: bool,
    /// Requests generated per wall-clock second, recently.
    generated_rate: f64,
    traces: Vec<Trace>,
    pub particles: Particles,
}

impl Default for SimHost {
    fn default() -> Self {
        SimHost {
            sim: None,
            problems: Vec::new(),
            injections: Vec::new(),
            applied: 0,
            log: Vec::new(),
            events_per_ms: 2_000.0,
            achieved: 0.0,
            behind: false,
            generated_rate: 0.0,
            traces: Vec::new(),
            particles: Particles::default(),
        }
    }
}

impl SimHost {
    /// Config for interactive runs: no warm-up (the learner watches from t = 0), 5 s batches.
    fn config() -> RunConfig {
        RunConfig {
            warmup: 0,
            batch: 5 * NS_PER_S,
            series_capacity: CHART_SECONDS,
        }
    }

    /// Starts over from t = 0 with `d` (if it is valid).
    pub fn reset(&mut self, d: &Diagram) {
        self.sim = None;
        self.injections.clear();
        self.applied = 0;
        self.log.clear();
        self.particles.clear();
        self.achieved = 0.0;
        self.behind = false;
        self.sync(d);
    }

    /// Follows the document. Invalid documents leave the simulation as it was and are reported.
    pub fn sync(&mut self, d: &Diagram) {
        let result = match &mut self.sim {
            Some(sim) => sim.sync(d),
            None => Simulation::with_config(d, SimHost::config()).map(|mut sim| {
                sim.set_trace_every(1);
                for a in &self.injections {
                    // A target that no longer exists is skipped.
                    let _ = sim.apply_chaos(a);
                }
                self.sim = Some(sim);
            }),
        };
        self.problems = result.err().unwrap_or_default();
    }

    /// Follows the failures injected on the canvas: applies the ones the engine has not had.
    pub fn set_injections(&mut self, list: &[ChaosAction]) {
        if list.len() < self.applied {
            self.applied = 0; // a new run: the list started again
        }
        if let Some(sim) = &mut self.sim {
            for a in &list[self.applied..] {
                let _ = sim.apply_chaos(a);
            }
        }
        self.applied = list.len();
        self.injections = list.to_vec();
    }

    /// Moves what the engine logged since the last call into the next snapshot.
    pub fn drain_log(&mut self) -> Vec<LogEvent> {
        if let Some(sim) = &mut self.sim {
            sim.drain_log(&mut self.log);
        }
        std::mem::take(&mut self.log)
    }

    pub fn now(&self) -> Time {
        self.sim.as_ref().map_or(0, Simulation::now)
    }

    pub fn simulation(&self) -> Option<&Simulation> {
        self.sim.as_ref()
    }

    /// Advances the simulation by `wall_ms × speed` of simulated time, spending at most
    /// `budget_ms` of wall time (read from `clock`, in ms). Work is done in slices of about a
    /// millisecond, so an impossible load slows the simulated clock instead of the page.
    pub fn advance(
        &mut self,
        wall_ms: f64,
        speed: f64,
        budget_ms: f64,
        clock: &mut dyn FnMut() -> f64,
    ) -> FrameResult {
        let Some(sim) = &mut self.sim else {
            return FrameResult {
                events: 0,
                kept_up: true,
                sim_advanced: 0,
            };
        };
        let start_sim = sim.now();
        let generated_before = sim.lifetime_counts().generated;
        let target = start_sim + (wall_ms * speed * 1e6).max(0.0) as Time;
        let started = clock();
        let mut events = 0;
        let kept_up = loop {
            let slice = (self.events_per_ms.max(200.0)) as u64;
            let a = sim.advance_to(target, slice);
            events += a.events;
            if a.kept_up {
                break true;
            }
            if clock() - started >= budget_ms {
                break false;
            }
        };
        let spent = (clock() - started).max(1e-3);
        if events > 500 {
            // Exponential moving average of the engine's speed on this machine.
            self.events_per_ms = 0.8 * self.events_per_ms + 0.2 * (events as f64 / spent);
        }
        let advanced = sim.now() - start_sim;
        if wall_ms > 0.0 {
            let ratio = advanced as f64 / 1e6 / wall_ms;
            self.achieved = 0.9 * self.achieved + 0.1 * ratio;
            let done = (sim.lifetime_counts().generated - generated_before) as f64;
            self.generated_rate = 0.9 * self.generated_rate + 0.1 * (done * 1000.0 / wall_ms);
        }
        self.behind = !kept_up;
        FrameResult {
            events,
            kept_up,
            sim_advanced: advanced,
        }
    }

    /// Advances exactly `secs` simulated seconds (the Step button), however long it takes.
    pub fn step(&mut self, secs: f64) {
        if let Some(sim) = &mut self.sim {
            let t = sim.now() + (secs * 1e9) as Time;
            sim.run_until(t);
        }
    }

    /// Moves new traces into the particle system (animation time `wall_ms`), adapting how many
    /// hops the engine samples so that a few dots start per frame whatever the load.
    pub fn feed_particles(&mut self, wall_now_ms: f64, speed: f64) {
        let Some(sim) = &mut self.sim else {
            return;
        };
        self.traces.clear();
        sim.drain_traces(&mut self.traces);
        let n = self.traces.len();
        self.particles.spawn(&self.traces, wall_now_ms, speed);
        let every = self.particles.next_sampling(n);
        sim.set_trace_every(every);
    }

    /// A snapshot for the UI.
    pub fn stats(&self) -> Stats {
        let Some(sim) = &self.sim else {
            return Stats::default();
        };
        let report_edges = sim.edge_rates();
        let series: Vec<EndToEndSample> = sim.series().copied().collect();
        let mut node_series = BTreeMap::new();
        for n in &sim.diagram().nodes {
            if let Some(s) = sim.node_series(&n.id) {
                let len = s.len();
                node_series.insert(
                    n.id.clone(),
                    s.skip(len.saturating_sub(SPARK_SECONDS)).copied().collect(),
                );
            }
        }
        let statuses = sim.statuses();
        let transactions = statuses
            .iter()
            .filter(|s| s.transactions.is_some())
            .map(|s| (s.id.clone(), sim.txn_samples(&s.id)))
            .collect();
        let instance_series = sim
            .diagram()
            .nodes
            .iter()
            .filter(|n| {
                matches!(&n.spec, scaleboard_sim::diagram::NodeSpec::Server(p) if p.autoscale.enabled)
            })
            .filter_map(|n| {
                let s = sim.node_series(&n.id)?;
                Some((
                    n.id.clone(),
                    s.map(|x| (x.t_s, x.instances, x.booting, x.down)).collect(),
                ))
            })
            .collect();
        Stats {
            ready: true,
            instance_series,
            time_s: sim.now() as f64 / 1e9,
            achieved_speed: self.achieved,
            behind: self.behind,
            nodes: statuses.into_iter().map(|s| (s.id.clone(), s)).collect(),
            edges: report_edges,
            cut_edges: sim.cut_edges().into_iter().collect(),
            regions: sim.regions_now(),
            traffic_factor: sim.traffic_factor(),
            slo: Some(sim.slo_report()),
            series,
            node_series,
            failures: sim
                .failure_counts()
                .into_iter()
                .map(|(cause, node, n)| ((cause.slug().to_owned(), node), n))
                .collect(),
            requests_per_wall_s: self.generated_rate,
            completed_total: sim.lifetime_counts().completed,
            fps: 0.0,
            snapshot: 0,
            frame_ms: [0.0; 4],
            events: Vec::new(),
            transactions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic() -> Diagram {
        Diagram::from_json(include_str!("../examples/basic.json")).unwrap()
    }

    /// A fake clock that advances `ms_per_call` each time it is read.
    fn clock(ms_per_call: f64) -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += ms_per_call;
            t
        }
    }

    #[test]
    fn real_time_when_the_machine_keeps_up() {
        let mut h = SimHost::default();
        h.reset(&basic());
        let mut c = clock(0.01);
        for _ in 0..60 {
            let f = h.advance(1000.0 / 60.0, 1.0, 8.0, &mut c);
            assert!(f.kept_up);
        }
        assert!((h.now() as f64 / 1e9 - 1.0).abs() < 1e-6, "60 frames = 1 s");
    }

    #[test]
    fn an_impossible_load_slows_the_clock_instead_of_blowing_the_budget() {
        let d = scaleboard_sim::reference::reference_diagram(2_000_000.0);
        let mut h = SimHost::default();
        h.reset(&d);
        // Each clock read costs 2 ms: the budget of 8 ms allows only a few slices per frame.
        let mut c = clock(2.0);
        let f = h.advance(1000.0 / 60.0, 100.0, 8.0, &mut c);
        assert!(!f.kept_up);
        assert!(h.stats().behind);
        assert!(f.sim_advanced < (1000.0 / 60.0 * 100.0 * 1e6) as Time);
    }

    #[test]
    fn invalid_documents_keep_the_last_valid_run_and_report_problems() {
        let mut h = SimHost::default();
        h.reset(&basic());
        h.step(2.0);
        let mut broken = basic();
        broken.edges.clear();
        h.sync(&broken);
        assert!(!h.problems.is_empty());
        assert!(h.stats().ready, "the last valid run goes on");
        h.step(1.0);
        assert!((h.now() as f64 / 1e9 - 3.0).abs() < 1e-9);
        h.sync(&basic());
        assert!(h.problems.is_empty());
    }

    fn injection(target: &str, down: bool) -> ChaosAction {
        let (node, instance) = match target.split_once('#') {
            Some((id, k)) => (id.to_owned(), k.parse().ok()),
            None => (target.to_owned(), None),
        };
        if down {
            ChaosAction::Kill { node, instance }
        } else {
            ChaosAction::Revive { node, instance }
        }
    }

    #[test]
    fn killing_in_the_ui_kills_in_the_engine() {
        let mut h = SimHost::default();
        h.reset(&basic());
        h.step(3.0);
        let mut list = vec![injection("api", true)];
        h.set_injections(&list);
        h.step(2.0);
        let s = h.stats();
        assert!(!s.nodes["api"].up);
        assert!(s
            .failures
            .keys()
            .any(|(cause, node)| cause == "node_down" && node == "api"));
        list.push(injection("api", false));
        h.set_injections(&list);
        assert!(h.stats().nodes["api"].up);
        // One instance of a group.
        list.push(injection("api#1", true));
        h.set_injections(&list);
        assert_eq!(h.stats().nodes["api"].instances_down(), 1);
        // A killed node whose document goes invalid and comes back stays killed.
        let mut broken = basic();
        broken.edges.clear();
        h.sync(&broken);
        h.sync(&basic());
        assert_eq!(h.stats().nodes["api"].instances_down(), 1);
    }

    #[test]
    fn what_the_system_does_on_its_own_reaches_the_log() {
        let d = Diagram::from_json(include_str!("../examples/health-checks.json")).unwrap();
        let mut h = SimHost::default();
        h.reset(&d);
        h.step(20.0);
        let events = h.drain_log();
        // The timeline killed api#1 at 15 s; three failed probes later it left the rotation.
        assert!(events.iter().any(|e| matches!(
            &e.what,
            scaleboard_sim::engine::LogWhat::BackendDown { backend } if backend == "api#1"
        )));
        assert!(h.drain_log().is_empty(), "each event is delivered once");
        assert_eq!(h.stats().nodes["lb"].unhealthy, vec!["api#1".to_string()]);
    }
}
