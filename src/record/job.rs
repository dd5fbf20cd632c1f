//! The recording's own run: a fresh `Simulation` of the document (the live run's seed and
//! configuration, never the live run itself), brought to the span's start in slices, then
//! stepped by a fixed simulated time per frame with the dots fed from its traces. Pure Rust: the
//! same document and settings give the same states, frame by frame.

use super::settings::Settings;
use crate::protocol::CHART_SECONDS;
use crate::render::particles::Particles;
use scaleboard_sim::diagram::Problem;
use scaleboard_sim::engine::Trace;
use scaleboard_sim::time::{secs_to_ns, NS_PER_S};
use scaleboard_sim::{Diagram, RunConfig, Simulation};

/// The configuration of the live run (`SimHost::config` in src/worker/sim_host.rs): no warm-up, 5 s
/// batches, the bottom charts' length. Recording with the same one gives the same run.
pub fn live_config() -> RunConfig {
    RunConfig {
        warmup: 0,
        batch: 5 * NS_PER_S,
        series_capacity: CHART_SECONDS,
    }
}

pub struct Job {
    sim: Simulation,
    pub settings: Settings,
    /// Frames made so far (the next frame's index).
    made: u32,
    particles: Particles,
    traces: Vec<Trace>,
    /// World position (card's top-left) of each engine slot, for the dots.
    pub slot_positions: Vec<Option<(f64, f64)>>,
}

impl Job {
    pub fn new(d: &Diagram, settings: Settings) -> Result<Job, Vec<Problem>> {
        let mut sim = Simulation::with_config(d, live_config())?;
        // No dots before the span: tracing starts at its first frame.
        sim.set_trace_every(0);
        let mut slot_positions = Vec::new();
        while let Some(id) = sim.node_id(slot_positions.len() as u32) {
            slot_positions.push(d.node(id).map(|n| (n.x, n.y)));
        }
        Ok(Job {
            sim,
            settings,
            made: 0,
            particles: Particles::default(),
            traces: Vec::new(),
            slot_positions,
        })
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    pub fn particles(&self) -> &Particles {
        &self.particles
    }

    pub fn frames(&self) -> u32 {
        self.settings.frames()
    }

    pub fn made(&self) -> u32 {
        self.made
    }

    pub fn done(&self) -> bool {
        self.made >= self.frames()
    }

    /// Simulated time of the span's start.
    fn start(&self) -> u64 {
        secs_to_ns(self.settings.from_s)
    }

    /// Whether the run has reached the span's start.
    pub fn warmed(&self) -> bool {
        self.sim.now() >= self.start()
    }

    /// How far the run is towards the span's start, 0–1.
    pub fn warm_progress(&self) -> f64 {
        let start = self.start();
        if start == 0 {
            1.0
        } else {
            (self.sim.now() as f64 / start as f64).min(1.0)
        }
    }

    /// Runs towards the span's start, at most `max_events` events (so that a page can do it a
    /// slice per animation frame); true once there.
    pub fn warm(&mut self, max_events: u64) -> bool {
        if !self.warmed() {
            self.sim.advance_to(self.start(), max_events.max(1));
        }
        self.warmed()
    }

    /// Video time of frame `k`, ms: where the dots of that frame are in their flight.
    pub fn video_ms(&self, k: u32) -> f64 {
        f64::from(k) * 1000.0 / f64::from(self.settings.fps.max(1))
    }

    /// Runs to the next frame's time and moves the traces of that step into dots; returns the
    /// frame's index, or `None` when every frame has been made. The run must be warmed.
    pub fn next_frame(&mut self) -> Option<u32> {
        if self.done() {
            return None;
        }
        let k = self.made;
        if k == 0 {
            self.warm(u64::MAX);
            self.sim.set_trace_every(1);
        }
        self.sim.run_until(self.settings.frame_time_ns(k));
        self.traces.clear();
        self.sim.drain_traces(&mut self.traces);
        let n = self.traces.len();
        self.particles.spawn(
            &self.traces,
            self.video_ms(k),
            f64::from(self.settings.speed),
        );
        let every = self.particles.next_sampling(n);
        self.sim.set_trace_every(every);
        self.made += 1;
        Some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::settings::Format;

    fn example(slug: &str) -> Diagram {
        crate::examples::find(slug)
            .and_then(|e| e.diagram())
            .unwrap()
    }

    fn settings(from_s: f64, to_s: f64) -> Settings {
        Settings {
            from_s,
            to_s,
            ..Settings::default_for(Format::Gif, 0.0)
        }
    }

    /// Everything a frame is painted from, in a comparable form.
    fn frame_state(job: &Job) -> String {
        let last = job.sim().series().last().copied();
        format!(
            "{} {:?} {:?} {:?}",
            job.sim().now(),
            last,
            job.particles().dots,
            job.particles().markers
        )
    }

    fn record(d: &Diagram, s: Settings, warm_slice: u64) -> Vec<String> {
        let mut job = Job::new(d, s).unwrap();
        while !job.warm(warm_slice) {}
        let mut out = Vec::new();
        while job.next_frame().is_some() {
            out.push(frame_state(&job));
        }
        out
    }

    #[test]
    fn the_same_document_and_settings_give_the_same_frames() {
        let d = example("lone-load-balancer");
        let s = settings(18.0, 21.0);
        let a = record(&d, s, 5_000);
        // Warmed in other slices (another machine's speed): the same frames.
        let b = record(&d, s, 1_000_000);
        assert_eq!(a.len(), 30, "3 s at 1× and 10 fps");
        assert_eq!(a, b);
        assert!(
            a.iter().any(|f| f.contains("Dot {")),
            "dots are fed from the traces"
        );
    }

    /// The recording's run is the live run's: at the span's end it holds exactly what a run of
    /// the document with the live configuration holds at that time.
    #[test]
    fn the_recorded_run_is_the_live_run() {
        let d = example("health-checks");
        let s = Settings {
            speed: 5,
            ..settings(10.0, 20.0)
        };
        let mut job = Job::new(&d, s).unwrap();
        let mut times = Vec::new();
        while job.next_frame().is_some() {
            times.push(job.sim().now());
        }
        assert_eq!(times.len(), 20);
        assert_eq!(times[0], 10_500_000_000);
        assert_eq!(times[19], 20_000_000_000);
        let mut live = Simulation::with_config(&d, live_config()).unwrap();
        live.run_until(20 * NS_PER_S);
        let a: Vec<_> = job.sim().series().copied().collect();
        let b: Vec<_> = live.series().copied().collect();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_eq!(job.sim().statuses(), live.statuses());
        assert!(job.next_frame().is_none() && job.done());
    }

    #[test]
    fn every_slot_has_its_card_position() {
        let d = example("basic");
        let job = Job::new(&d, settings(0.0, 1.0)).unwrap();
        assert_eq!(job.slot_positions.len(), d.nodes.len());
        for (slot, p) in job.slot_positions.iter().enumerate() {
            let id = job.sim().node_id(slot as u32).unwrap();
            let n = d.node(id).unwrap();
            assert_eq!(*p, Some((n.x, n.y)));
        }
        assert_eq!(job.warm_progress(), 1.0);
    }
}
