//! Checking a lesson against the simulator: each step's starting diagram must fail a goal, its
//! solution must meet them all, and its prediction's answer must be what the run shows.
//!
//! A lesson is a claim about how systems behave ("one server cannot take this load; four can").
//! An engine change can silently make such a claim false, so CI runs this on every lesson.

use super::goals::{evaluate, report_value, GoalResult, GoalStatus};
use super::{Lesson, PredictionOutcome, RunOf, Step};
use crate::time::secs_to_ns;
use crate::{Diagram, Report, Simulation};

/// The verdicts on one step.
#[derive(Clone, Debug, PartialEq)]
pub struct StepCheck {
    pub step: usize,
    /// Goal results on the starting diagram's run.
    pub start: Vec<GoalResult>,
    /// Goal results on the solution's run.
    pub solution: Vec<GoalResult>,
    /// What the run the prediction names showed.
    pub prediction: Option<PredictionOutcome>,
    /// What is wrong; empty when the step passes.
    pub failures: Vec<String>,
}

impl StepCheck {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs a diagram for its workload's duration (the step's run length) with its own seed.
pub fn simulate(d: &Diagram) -> Result<Report, String> {
    let mut sim = Simulation::with_config(d, crate::RunConfig::for_diagram(d)).map_err(|p| {
        let list: Vec<String> = p.iter().map(ToString::to_string).collect();
        format!("cannot run: {}", list.join("; "))
    })?;
    sim.run_until(secs_to_ns(d.workload.duration_s));
    Ok(sim.report())
}

/// A goal's verdict with its figures, for messages.
pub fn describe(r: &GoalResult) -> String {
    let status = match r.status {
        GoalStatus::Met => "met",
        GoalStatus::NotMet => "not met",
        GoalStatus::Unsure => "unsure",
    };
    match (r.measured, r.interval) {
        (Some(v), Some((lo, hi))) => format!("{status} (measured {v:.4}, 95% {lo:.4}–{hi:.4})"),
        (Some(v), None) => format!("{status} (measured {v:.4})"),
        (None, _) => format!("{status} (not measured)"),
    }
}

/// Checks one step: two runs (start and solution) of its own length and seed.
pub fn check_step(step: &Step, i: usize) -> StepCheck {
    let mut failures = Vec::new();
    let run = |d: &Diagram, what: &str, failures: &mut Vec<String>| match simulate(d) {
        Ok(r) => Some(report_value(&r)),
        Err(e) => {
            failures.push(format!("{what}: {e}"));
            None
        }
    };
    let start_report = run(step.diagram(), "starting diagram", &mut failures);
    let solution_report = run(step.solution(), "solution", &mut failures);
    let judge = |report: &Option<serde_json::Value>| -> Vec<GoalResult> {
        report
            .as_ref()
            .map(|r| step.goals.iter().map(|g| evaluate(g, r)).collect())
            .unwrap_or_default()
    };
    let start = judge(&start_report);
    let solution = judge(&solution_report);
    if start_report.is_some() && !start.iter().any(|r| r.status == GoalStatus::NotMet) {
        let detail: Vec<String> = step
            .goals
            .iter()
            .zip(&start)
            .map(|(g, r)| format!("'{}' {}", g.label("en"), describe(r)))
            .collect();
        failures.push(format!(
            "the starting diagram fails no goal clearly (a goal must be not met, unsure does not count): {}",
            detail.join(", ")
        ));
    }
    if solution_report.is_some() {
        for (g, r) in step.goals.iter().zip(&solution) {
            if r.status != GoalStatus::Met {
                failures.push(format!(
                    "the solution does not meet '{}': {}",
                    g.label("en"),
                    describe(r)
                ));
            }
        }
    }
    let mut prediction = None;
    if let Some(p) = &step.prediction {
        let report = match p.on {
            RunOf::Start => &start_report,
            RunOf::Solution => &solution_report,
        };
        if let Some(report) = report {
            if let Err(e) = p.verify(report) {
                failures.push(format!(
                    "the prediction's answer is not what the run shows: {e}"
                ));
            }
            prediction = Some(p.outcome(report));
        }
    }
    StepCheck {
        step: i,
        start,
        solution,
        prediction,
        failures,
    }
}

/// Checks every step of a lesson, in order.
pub fn check_lesson(lesson: &Lesson) -> Vec<StepCheck> {
    lesson
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| check_step(s, i))
        .collect()
}
