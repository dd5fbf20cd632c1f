//! Both variants running: each a [`Simulation`] configured exactly as `scaleboard run` configures
//! it ([`RunConfig::for_diagram`]: the diagram's own warm-up, batches and seed), advanced
//! together and stopped at each one's own duration.

use super::{Comparison, Diff, Kpis, Side};
use crate::diagram::Problem;
use crate::engine::Report;
use crate::time::{secs_to_ns, Time};
use crate::{RunConfig, Simulation};

pub struct Run {
    a: Simulation,
    b: Simulation,
    end_a: Time,
    end_b: Time,
}

impl Run {
    /// Both simulations at t = 0; a variant that cannot run is named with its problems.
    pub fn new(c: &Comparison) -> Result<Run, (Side, Vec<Problem>)> {
        let sim = |side: Side| {
            let d = c.side(side);
            Simulation::with_config(d, RunConfig::for_diagram(d)).map_err(|p| (side, p))
        };
        Ok(Run {
            a: sim(Side::A)?,
            b: sim(Side::B)?,
            end_a: secs_to_ns(c.a.workload.duration_s),
            end_b: secs_to_ns(c.b.workload.duration_s),
        })
    }

    fn sim(&self, side: Side) -> &Simulation {
        match side {
            Side::A => &self.a,
            Side::B => &self.b,
        }
    }

    /// Simulated time of the run: the later of the two clocks (a side stops at its own end).
    pub fn now(&self) -> Time {
        self.a.now().max(self.b.now())
    }

    /// When the longer variant ends.
    pub fn end(&self) -> Time {
        self.end_a.max(self.end_b)
    }

    pub fn finished(&self) -> bool {
        self.a.now() >= self.end_a && self.b.now() >= self.end_b
    }

    /// Advances both sides to `target` (each at most to its own end), handling at most
    /// `max_events` events per side. True when both reached the target: a slow machine gets a
    /// slower simulated clock, never different figures.
    pub fn advance_to(&mut self, target: Time, max_events: u64) -> bool {
        let a = self.a.advance_to(target.min(self.end_a), max_events);
        let b = self.b.advance_to(target.min(self.end_b), max_events);
        a.kept_up && b.kept_up
    }

    /// Runs both sides to their ends.
    pub fn finish(&mut self) {
        self.a.run_until(self.end_a);
        self.b.run_until(self.end_b);
    }

    pub fn report(&self, side: Side) -> Report {
        self.sim(side).report()
    }

    pub fn simulation(&self, side: Side) -> &Simulation {
        self.sim(side)
    }

    /// Both sides' figures and their differences, now.
    pub fn figures(&self) -> (Kpis, Kpis, Diff) {
        let a = Kpis::of(&self.a.report());
        let b = Kpis::of(&self.b.report());
        let diff = Diff::between(&a, &b);
        (a, b, diff)
    }
}
