//! The simulation as the app runs it live: follows the document, advances in real time within
//! a budget, mirrors failure injection, and hands out traces for the animated dots. Pure Rust
//! (the clock is passed in), so its pacing is tested natively. It lives on the engine side of
//! the protocol (in the Web Worker, or in the page's fallback host).

use crate::protocol::CHART_SECONDS;
use scaleboard_sim::diagram::{ChaosAction, Problem};
use scaleboard_sim::engine::{LogEvent, Trace};
use scaleboard_sim::time::{Time, NS_PER_S};
use scaleboard_sim::{Diagram, RunConfig, Simulation};

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

    /// The hops and refusals sampled since the last call (for the dots); from now on one hop
    /// in `every` is sampled (the page adapts it so that a few dots start per frame whatever
    /// the load).
    pub fn take_traces(&mut self, every: u32) -> &[Trace] {
        self.traces.clear();
        if let Some(sim) = &mut self.sim {
            sim.drain_traces(&mut self.traces);
            sim.set_trace_every(every.max(1));
        }
        &self.traces
    }

    /// Simulated seconds per wall-clock second achieved recently.
    pub fn achieved_speed(&self) -> f64 {
        self.achieved
    }

    /// The engine could not keep up with the requested speed at the last advance.
    pub fn behind(&self) -> bool {
        self.behind
    }

    /// Requests generated per wall-clock second, recently.
    pub fn requests_per_wall_s(&self) -> f64 {
        self.generated_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::engine::NodeStatus;
    use std::collections::BTreeMap;

    /// Every node's live figures, by id.
    fn nodes(h: &SimHost) -> BTreeMap<String, NodeStatus> {
        let sim = h.simulation().expect("a run");
        sim.statuses()
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect()
    }

    fn basic() -> Diagram {
        Diagram::from_json(include_str!("../../examples/basic.json")).unwrap()
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
        assert!(h.behind());
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
        assert!(h.simulation().is_some(), "the last valid run goes on");
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
        assert!(!nodes(&h)["api"].up);
        let sim = h.simulation().unwrap();
        assert!(sim
            .failure_counts()
            .into_iter()
            .any(|(cause, node, _)| cause.slug() == "node_down" && node == "api"));
        list.push(injection("api", false));
        h.set_injections(&list);
        assert!(nodes(&h)["api"].up);
        // One instance of a group.
        list.push(injection("api#1", true));
        h.set_injections(&list);
        assert_eq!(nodes(&h)["api"].instances_down(), 1);
        // A killed node whose document goes invalid and comes back stays killed.
        let mut broken = basic();
        broken.edges.clear();
        h.sync(&broken);
        h.sync(&basic());
        assert_eq!(nodes(&h)["api"].instances_down(), 1);
    }

    #[test]
    fn what_the_system_does_on_its_own_reaches_the_log() {
        let d = Diagram::from_json(include_str!("../../examples/health-checks.json")).unwrap();
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
        assert_eq!(nodes(&h)["lb"].unhealthy, vec!["api#1".to_string()]);
    }
}
