//! What the report says about a batch job: its phases' start and end, runs and tasks.

use super::batch_job::{BatchCounts, BatchJobRt, JobPhase, Timeline};
use crate::time::{ns_to_secs, Time};
use serde::{Deserialize, Serialize};

/// One phase of a run, in simulated seconds since the start of the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseSpan {
    pub start_s: f64,
    /// None while the phase is still going.
    pub end_s: Option<f64>,
}

/// When each phase of a run started and ended.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobTimeline {
    pub started_s: f64,
    pub setup: PhaseSpan,
    pub map: Option<PhaseSpan>,
    pub shuffle: Option<PhaseSpan>,
    pub reduce: Option<PhaseSpan>,
    pub finished_s: Option<f64>,
}

/// A batch job now: its phase and progress, the current (else last) run's timeline, the last
/// finished run's time, and counts since the start (`tasks.launched = tasks.completed +
/// tasks.killed + tasks.lost + tasks.running`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobReport {
    pub phase: JobPhase,
    /// Tasks finished ÷ tasks of the current map or reduce phase (1 in the shuffle and done).
    pub progress: f64,
    pub map_tasks: u64,
    pub reduce_tasks: u64,
    pub slots: u64,
    /// The run in progress, else the last one that finished.
    pub timeline: Option<JobTimeline>,
    /// Start to end of the last run that finished.
    pub job_time_s: Option<f64>,
    pub runs: RunCounts,
    pub tasks: TaskCounts,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunCounts {
    pub started: u64,
    pub completed: u64,
    pub failed: u64,
    pub skipped: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskCounts {
    pub launched: u64,
    pub completed: u64,
    pub running: u64,
    pub killed: u64,
    pub lost: u64,
    pub backups_launched: u64,
    pub backups_won: u64,
}

fn span(p: Option<(Time, Option<Time>)>) -> Option<PhaseSpan> {
    p.map(|(s, e)| PhaseSpan {
        start_s: ns_to_secs(s),
        end_s: e.map(ns_to_secs),
    })
}

impl JobTimeline {
    fn of(t: &Timeline) -> JobTimeline {
        JobTimeline {
            started_s: ns_to_secs(t.started),
            setup: PhaseSpan {
                start_s: ns_to_secs(t.started),
                end_s: t.setup_end.map(ns_to_secs),
            },
            map: span(t.map),
            shuffle: span(t.shuffle),
            reduce: span(t.reduce),
            finished_s: t.finished.map(ns_to_secs),
        }
    }
}

impl JobReport {
    pub(super) fn of(b: &BatchJobRt) -> JobReport {
        let c: BatchCounts = b.counts;
        JobReport {
            phase: b.phase(),
            progress: b.progress(),
            map_tasks: b.params.map_tasks(),
            reduce_tasks: b.params.reducers as u64,
            slots: b.params.slots(),
            timeline: b.timeline().as_ref().map(JobTimeline::of),
            job_time_s: b
                .last
                .and_then(|t| t.finished.map(|f| ns_to_secs(f - t.started))),
            runs: RunCounts {
                started: c.runs_started,
                completed: c.runs_completed,
                failed: c.runs_failed,
                skipped: c.runs_skipped,
            },
            tasks: TaskCounts {
                launched: c.launched,
                completed: c.completed,
                running: b.running() as u64,
                killed: c.killed,
                lost: c.lost,
                backups_launched: c.backups_launched,
                backups_won: c.backups_won,
            },
        }
    }
}
