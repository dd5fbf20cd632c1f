//! Lessons: workshop content in which a learner fixes a diagram until goals checked by the
//! simulator are met.
//!
//! A lesson is one JSON document (`lessons/*.json`, described in `docs/lesson-format.md`): a
//! title, a summary and steps. Each step has a text, a starting diagram (complete, or written as
//! changes to the previous step's), goals over the run's report, hints, an optional prediction
//! asked before the run and a reference solution. Everything a learner reads exists in English
//! and Korean.
//!
//! This module has no web dependency: the app shows lessons, the CLI's `lesson check` proves
//! each step can be failed and solved, with the same code.
//!
//! ```
//! use scaleboard_sim::lesson::{goals, Lesson, GoalStatus};
//! use scaleboard_sim::{time::secs_to_ns, Simulation};
//! let lesson = Lesson::from_json(include_str!("../../../../lessons/01-one-server.json")).unwrap();
//! let step = &lesson.steps[0];
//! let d = lesson.solution_diagram(0);
//! let mut sim = Simulation::with_config(&d, step.run_config()).unwrap();
//! sim.run_until(secs_to_ns(step.run().duration_s));
//! let results = goals::evaluate_all(&step.goals, &sim.report());
//! assert!(results.iter().all(|r| r.status == GoalStatus::Met));
//! println!("{}", step.goals[0].label("ko"));
//! ```

pub mod changes;
pub mod check;
pub mod goals;
mod labels;
pub mod markup;
pub mod metric;
mod parse;
pub mod prediction;
mod read;

pub use changes::Changes;
pub use goals::{Condition, Goal, GoalKind, GoalResult, GoalStatus, Op};
pub use parse::{MAX_GOALS, MAX_HINTS, MAX_LESSON_BYTES, MAX_STEPS};
pub use prediction::{Prediction, PredictionKind, PredictionOutcome, RunOf};

use crate::{Diagram, RunConfig};
use serde::Serialize;
use std::fmt;

/// The lesson format version this build reads (`"format": 1`).
pub const FORMAT: u32 = 1;

/// A text every learner can read: one version per language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Text {
    pub en: String,
    pub ko: String,
}

impl Text {
    /// The languages every text must have, as written in files.
    pub const LANGUAGES: [&'static str; 2] = ["en", "ko"];

    /// The text in `lang` (`"ko"` or `"ko-KR"`; anything else gets English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ko" || lang.starts_with("ko-") {
            &self.ko
        } else {
            &self.en
        }
    }

    /// The text in `lang`, parsed as lesson markup.
    pub fn blocks(&self, lang: &str) -> Vec<markup::Block> {
        markup::parse(self.get(lang))
    }
}

/// A problem with a lesson file: where (`steps[1].goals[0].metric`) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path in the file; empty for the file as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "lesson: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// How long a step's runs last.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Run {
    pub duration_s: f64,
    pub warmup_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lesson {
    /// Slug: lowercase letters, digits and dashes (`one-server`).
    pub id: String,
    /// Orders lessons in the workshop.
    pub chapter: u32,
    pub title: Text,
    pub summary: Text,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub title: Text,
    /// What to read before working (markup).
    pub text: Text,
    pub goals: Vec<Goal>,
    /// Shown one at a time on request (markup).
    pub hints: Vec<Text>,
    pub prediction: Option<Prediction>,
    /// Offer the learner's design and this step's reference solution side by side (the
    /// compare view), with these labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<StepCompare>,
    run: Run,
    /// The starting diagram, with the step's chaos and run length applied.
    start: Diagram,
    /// The reference solution, with the same chaos and run length.
    solution: Diagram,
}

/// A step's side-by-side offer: what the learner's design (A) and the reference solution (B)
/// are called.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepCompare {
    pub a: Text,
    pub b: Text,
}

impl Step {
    /// The starting diagram: what the learner is given.
    pub fn diagram(&self) -> &Diagram {
        &self.start
    }

    /// The reference solution.
    pub fn solution(&self) -> &Diagram {
        &self.solution
    }

    /// How long the step's runs last (the step's `run`, else the diagram's workload).
    pub fn run(&self) -> Run {
        self.run
    }

    /// The engine configuration for a run of this step: run to `run().duration_s`.
    pub fn run_config(&self) -> RunConfig {
        RunConfig::for_diagram(&self.start)
    }
}

impl Lesson {
    /// Reads a lesson, listing every problem at once (the format, every step's diagrams and
    /// changes, goals naming figures or nodes that do not exist). Never panics.
    pub fn from_json(text: &str) -> Result<Lesson, Vec<Problem>> {
        parse::from_json(text)
    }

    /// The starting diagram of step `i`, the step's chaos and run length applied. A lesson
    /// always has a step; `i` past the end gives the last one.
    pub fn step_diagram(&self, i: usize) -> Diagram {
        self.step(i).map(|s| s.start.clone()).unwrap_or_default()
    }

    /// The reference solution of step `i` (the last step's for `i` past the end).
    pub fn solution_diagram(&self, i: usize) -> Diagram {
        self.step(i).map(|s| s.solution.clone()).unwrap_or_default()
    }

    fn step(&self, i: usize) -> Option<&Step> {
        self.steps.get(i).or(self.steps.last())
    }

    /// Goals over all steps.
    pub fn goal_count(&self) -> usize {
        self.steps.iter().map(|s| s.goals.len()).sum()
    }
}

#[cfg(test)]
mod tests;
