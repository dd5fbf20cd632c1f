//! Batch job (MapReduce): work that is not request/response.
//!
//! A run goes through four phases, each starting when the one before has ended (barriers):
//!
//! 1. setup — the serial part (`setup_s`): no number of workers shortens it;
//! 2. map — ⌈records ÷ split_records⌉ tasks on `workers × slots_per_worker` slots. A task
//!    takes its records × `map_us_per_record`; a free slot takes the next task (lowest slot
//!    first), so with equal tasks the phase lasts ⌈tasks ÷ slots⌉ waves;
//! 3. shuffle — all map output (records × `record_bytes`) crosses the network at
//!    `shuffle_mb_per_s` (its bisection bandwidth, shared by every transfer: more workers do
//!    not make it faster);
//! 4. reduce — `reducers` tasks, each with an equal share of the records ×
//!    `reduce_us_per_record`, on the same slots.
//!
//! Slot `s` is on worker `s ÷ slots_per_worker`. Worker 0 is the straggler: its tasks take
//! `straggler_factor` × the chaos slow factor of the node longer. With `speculative` on, once
//! a phase has no task left to start, a task that has run for `speculation_factor` × the
//! median run time of the phase's finished tasks gets one backup copy on the lowest free slot
//! of another worker; the first copy to finish wins and the other is killed. Every task
//! attempt launched is completed, killed (a losing copy), lost (the job node was killed) or
//! still running: `launched = completed + killed + lost + running`.

use super::node::Model;
use super::queue::EventQueue;
use super::{Ev, Simulation};
use crate::diagram::BatchJobParams;
use crate::time::{secs_to_ns, Time};
use serde::Serialize;

/// `Ev::Batch` steps that are not the end of a task attempt (those carry its index).
pub(super) const STEP_START: u32 = u32::MAX;
/// The setup or the shuffle has ended.
pub(super) const STEP_PHASE_END: u32 = u32::MAX - 1;
/// A running task may have become slow enough for a backup copy.
pub(super) const STEP_CHECK: u32 = u32::MAX - 2;

const FREE: u32 = u32::MAX;

/// What a batch job is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobPhase {
    /// Before its first run.
    Waiting,
    Setup,
    Map,
    Shuffle,
    Reduce,
    /// Its last run finished (until the next one starts).
    Done,
}

/// When each phase of a run started and ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub started: Time,
    pub setup_end: Option<Time>,
    pub map: Option<(Time, Option<Time>)>,
    pub shuffle: Option<(Time, Option<Time>)>,
    pub reduce: Option<(Time, Option<Time>)>,
    pub finished: Option<Time>,
}

/// Runs and task attempts since the start of the simulation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchCounts {
    pub runs_started: u64,
    pub runs_completed: u64,
    /// Runs lost because the job node was killed.
    pub runs_failed: u64,
    /// Starts that found the previous run still going (or the node down).
    pub runs_skipped: u64,
    /// Task attempts started: originals and backups.
    pub launched: u64,
    /// Tasks finished (one per task: the winning copy).
    pub completed: u64,
    /// Losing copies stopped when the other copy finished.
    pub killed: u64,
    /// Attempts running when the job node was killed.
    pub lost: u64,
    pub backups_launched: u64,
    /// Tasks whose backup copy finished first.
    pub backups_won: u64,
}

#[derive(Clone, Copy, Debug)]
struct Attempt {
    task: u32,
    slot: u32,
    started: Time,
    backup: bool,
    live: bool,
}

#[derive(Clone, Copy, Debug)]
struct Task {
    done: bool,
    /// The running attempts (original, backup), FREE when none.
    copies: [u32; 2],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Map,
    Reduce,
}

/// One run in progress.
#[derive(Clone, Debug)]
struct Run {
    /// The settings the run started with (a live edit applies to the next run).
    params: BatchJobParams,
    phase: JobPhase,
    timeline: Timeline,
    stage: Stage,
    tasks: Vec<Task>,
    /// Next task not started yet.
    next: u32,
    done: u32,
    /// Run times of the phase's finished tasks, sorted (for the median).
    durations: Vec<Time>,
    attempts: Vec<Attempt>,
    /// The attempt in each slot, FREE when idle.
    slots: Vec<u32>,
    running: u32,
    /// A speculation check is scheduled at this time.
    check_at: Option<Time>,
}

#[derive(Clone, Debug)]
pub(crate) struct BatchJobRt {
    pub params: BatchJobParams,
    /// Run and phase generation: events of an abandoned run or of an earlier phase (the end
    /// of a killed copy, a speculation check) carry an older one and are dropped.
    gen: u32,
    /// Start-schedule generation: a live edit of `start_s`/`period_s` replaces the schedule.
    sched: u32,
    run: Option<Run>,
    /// The last run that finished.
    pub last: Option<Timeline>,
    pub counts: BatchCounts,
}

impl BatchJobRt {
    pub fn new(p: &BatchJobParams) -> BatchJobRt {
        BatchJobRt {
            params: p.clone(),
            gen: 0,
            sched: 0,
            run: None,
            last: None,
            counts: BatchCounts::default(),
        }
    }

    /// New settings apply from the next run; a changed schedule replaces the pending start.
    /// Returns whether the start must be scheduled again.
    pub fn retune(&mut self, p: &BatchJobParams) -> bool {
        let reschedule = p.start_s != self.params.start_s || p.period_s != self.params.period_s;
        self.params = p.clone();
        if reschedule {
            self.sched = self.sched.wrapping_add(1);
        }
        reschedule
    }

    /// Schedules the next start at or after `now`, if there is one.
    pub(super) fn schedule_start(&self, now: Time, n: u32, q: &mut EventQueue) {
        let start = secs_to_ns(self.params.start_s);
        let period = secs_to_ns(self.params.period_s);
        let at = if now <= start {
            start
        } else if period > 0 {
            start + (now - start).div_ceil(period) * period
        } else {
            return;
        };
        q.push(
            at,
            Ev::Batch {
                node: n,
                gen: self.sched,
                step: STEP_START,
            },
        );
    }

    pub fn phase(&self) -> JobPhase {
        match (&self.run, &self.last) {
            (Some(r), _) => r.phase,
            (None, Some(_)) => JobPhase::Done,
            (None, None) => JobPhase::Waiting,
        }
    }

    /// The run in progress, else the last one that finished.
    pub fn timeline(&self) -> Option<Timeline> {
        self.run.as_ref().map(|r| r.timeline).or(self.last)
    }

    /// Finished tasks ÷ tasks of the current map or reduce phase (1 when done).
    pub fn progress(&self) -> f64 {
        match &self.run {
            Some(r) if matches!(r.phase, JobPhase::Map | JobPhase::Reduce) => {
                r.done as f64 / r.tasks.len().max(1) as f64
            }
            Some(r) if r.phase == JobPhase::Shuffle => 1.0,
            Some(_) => 0.0,
            None => f64::from(u8::from(self.last.is_some())),
        }
    }

    /// Attempts running now.
    pub fn running(&self) -> u32 {
        self.run.as_ref().map_or(0, |r| r.running)
    }

    /// Every attempt launched is completed, killed, lost or running; the running ones are
    /// exactly the occupied slots.
    pub fn check_conservation(&self) -> Result<(), String> {
        let c = &self.counts;
        let running = self.running() as u64;
        if c.launched != c.completed + c.killed + c.lost + running {
            return Err(format!(
                "launched {} ≠ completed {} + killed {} + lost {} + running {running}",
                c.launched, c.completed, c.killed, c.lost
            ));
        }
        if let Some(r) = &self.run {
            let occupied = r.slots.iter().filter(|&&a| a != FREE).count() as u64;
            if occupied != running {
                return Err(format!(
                    "{occupied} slots occupied, {running} attempts running"
                ));
            }
        }
        Ok(())
    }

    /// The job node was killed or removed: the run in progress is lost.
    pub fn abort(&mut self) {
        if let Some(r) = self.run.take() {
            self.counts.lost += r.running as u64;
            self.counts.runs_failed += 1;
            self.gen = self.gen.wrapping_add(1);
        }
    }

    fn start(&mut self, now: Time, n: u32, q: &mut EventQueue) {
        self.gen = self.gen.wrapping_add(1);
        self.counts.runs_started += 1;
        let p = self.params.clone();
        let setup = secs_to_ns(p.setup_s);
        self.run = Some(Run {
            slots: vec![FREE; p.slots() as usize],
            params: p,
            phase: JobPhase::Setup,
            timeline: Timeline {
                started: now,
                ..Default::default()
            },
            stage: Stage::Map,
            tasks: Vec::new(),
            next: 0,
            done: 0,
            durations: Vec::new(),
            attempts: Vec::new(),
            running: 0,
            check_at: None,
        });
        self.push(q, now.saturating_add(setup), n, STEP_PHASE_END);
    }

    fn push(&self, q: &mut EventQueue, at: Time, n: u32, step: u32) {
        q.push(
            at,
            Ev::Batch {
                node: n,
                gen: self.gen,
                step,
            },
        );
    }

    /// The setup or the shuffle has ended: the next task phase begins.
    fn phase_end(&mut self, now: Time, slow: f64, n: u32, q: &mut EventQueue) {
        let Some(r) = self.run.as_mut() else {
            return;
        };
        let stage = match r.phase {
            JobPhase::Setup => {
                r.timeline.setup_end = Some(now);
                r.timeline.map = Some((now, None));
                r.phase = JobPhase::Map;
                Stage::Map
            }
            JobPhase::Shuffle => {
                if let Some((s, _)) = r.timeline.shuffle {
                    r.timeline.shuffle = Some((s, Some(now)));
                }
                r.timeline.reduce = Some((now, None));
                r.phase = JobPhase::Reduce;
                Stage::Reduce
            }
            _ => return,
        };
        let count = match stage {
            Stage::Map => r.params.map_tasks(),
            Stage::Reduce => r.params.reducers as u64,
        };
        r.stage = stage;
        r.tasks = vec![
            Task {
                done: false,
                copies: [FREE; 2],
            };
            count as usize
        ];
        r.next = 0;
        r.done = 0;
        r.durations.clear();
        r.attempts.clear();
        r.check_at = None;
        // Attempt numbers start again: a killed map copy still due to end must not end a
        // reduce task.
        self.gen = self.gen.wrapping_add(1);
        self.fill(now, slow, n, q);
    }

    /// Starts waiting tasks on free slots, then backup copies if speculation is on.
    fn fill(&mut self, now: Time, slow: f64, n: u32, q: &mut EventQueue) {
        let gen = self.gen;
        let Some(r) = self.run.as_mut() else {
            return;
        };
        for s in 0..r.slots.len() as u32 {
            if r.next as usize >= r.tasks.len() {
                break;
            }
            if r.slots[s as usize] == FREE {
                let t = r.next;
                r.next += 1;
                r.launch(t, s, false, now, slow, n, gen, q, &mut self.counts);
            }
        }
        if r.params.speculative && r.next as usize == r.tasks.len() {
            r.speculate(now, slow, n, gen, q, &mut self.counts);
        }
    }

    /// A task attempt finished: its task is done and the other copy, if any, is killed.
    fn attempt_end(&mut self, a: u32, now: Time, slow: f64, n: u32, q: &mut EventQueue) {
        let Some(r) = self.run.as_mut() else {
            return;
        };
        let Some(&at) = r.attempts.get(a as usize) else {
            return;
        };
        if !at.live {
            return;
        }
        r.stop(a);
        let c = &mut self.counts;
        c.completed += 1;
        if at.backup {
            c.backups_won += 1;
        }
        let task = &mut r.tasks[at.task as usize];
        task.done = true;
        let other = task.copies.into_iter().find(|&o| o != FREE && o != a);
        task.copies = [FREE; 2];
        if let Some(o) = other {
            r.stop(o);
            c.killed += 1;
        }
        let took = now - at.started;
        let i = r.durations.partition_point(|&d| d <= took);
        r.durations.insert(i, took);
        r.done += 1;
        if (r.done as usize) < r.tasks.len() {
            self.fill(now, slow, n, q);
            return;
        }
        match r.stage {
            Stage::Map => {
                if let Some((s, _)) = r.timeline.map {
                    r.timeline.map = Some((s, Some(now)));
                }
                r.timeline.shuffle = Some((now, None));
                r.phase = JobPhase::Shuffle;
                let p = &r.params;
                let bytes = p.records as f64 * p.record_bytes;
                let shuffle = secs_to_ns(bytes / (p.shuffle_mb_per_s * 1e6));
                self.push(q, now.saturating_add(shuffle), n, STEP_PHASE_END);
            }
            Stage::Reduce => {
                if let Some((s, _)) = r.timeline.reduce {
                    r.timeline.reduce = Some((s, Some(now)));
                }
                r.timeline.finished = Some(now);
                self.last = Some(r.timeline);
                self.run = None;
                self.counts.runs_completed += 1;
            }
        }
    }
}

impl Run {
    /// How long task `t` of the current phase takes on slot `s`.
    fn task_time(&self, t: u32, s: u32, slow: f64) -> Time {
        let p = &self.params;
        let (records, us) = match self.stage {
            Stage::Map => {
                let first = t as u64 * p.split_records;
                (p.split_records.min(p.records - first), p.map_us_per_record)
            }
            Stage::Reduce => {
                // Even partitioning: the first `records mod R` reducers get one record more.
                let r = p.reducers.max(1) as u64;
                let extra = u64::from((t as u64) < p.records % r);
                (p.records / r + extra, p.reduce_us_per_record)
            }
        };
        let worker = s / p.slots_per_worker.max(1);
        let speed = if worker == 0 {
            p.straggler_factor * slow
        } else {
            1.0
        };
        secs_to_ns(records as f64 * us * 1e-6 * speed)
    }

    #[allow(clippy::too_many_arguments)]
    fn launch(
        &mut self,
        t: u32,
        s: u32,
        backup: bool,
        now: Time,
        slow: f64,
        n: u32,
        gen: u32,
        q: &mut EventQueue,
        c: &mut BatchCounts,
    ) {
        let a = self.attempts.len() as u32;
        self.attempts.push(Attempt {
            task: t,
            slot: s,
            started: now,
            backup,
            live: true,
        });
        self.slots[s as usize] = a;
        self.tasks[t as usize].copies[usize::from(backup)] = a;
        self.running += 1;
        c.launched += 1;
        if backup {
            c.backups_launched += 1;
        }
        let at = now.saturating_add(self.task_time(t, s, slow));
        q.push(
            at,
            Ev::Batch {
                node: n,
                gen,
                step: a,
            },
        );
    }

    /// Frees attempt `a`'s slot.
    fn stop(&mut self, a: u32) {
        let at = &mut self.attempts[a as usize];
        at.live = false;
        self.slots[at.slot as usize] = FREE;
        self.running -= 1;
    }

    /// Launches backup copies of tasks that have run `speculation_factor` × the median, on
    /// free slots of other workers; schedules a check for the next task to cross that line.
    fn speculate(
        &mut self,
        now: Time,
        slow: f64,
        n: u32,
        gen: u32,
        q: &mut EventQueue,
        c: &mut BatchCounts,
    ) {
        let Some(&median) = self.durations.get((self.durations.len().max(1) - 1) / 2) else {
            return;
        };
        let threshold = secs_to_ns(median as f64 * 1e-9 * self.params.speculation_factor);
        let per = self.params.slots_per_worker.max(1);
        // Originals without a backup, longest-running first (ties: lowest slot).
        let mut candidates: Vec<(Time, u32)> = self
            .slots
            .iter()
            .filter(|&&a| a != FREE)
            .map(|&a| self.attempts[a as usize])
            .filter(|at| !at.backup && self.tasks[at.task as usize].copies[1] == FREE)
            .map(|at| (at.started, at.slot))
            .collect();
        candidates.sort_unstable();
        let mut next_check = None;
        for (started, slot) in candidates {
            if now < started.saturating_add(threshold) {
                next_check = Some(started.saturating_add(threshold));
                break;
            }
            let worker = slot / per;
            // No free slot on another machine: a later finish will look again.
            let Some(free) = (0..self.slots.len() as u32)
                .find(|&s| self.slots[s as usize] == FREE && s / per != worker)
            else {
                continue;
            };
            let t = self.attempts[self.slots[slot as usize] as usize].task;
            self.launch(t, free, true, now, slow, n, gen, q, c);
        }
        let idle = self.slots.contains(&FREE);
        if let Some(at) = next_check.filter(|_| idle) {
            if self.check_at.is_none_or(|c| at < c || c <= now) {
                self.check_at = Some(at);
                q.push(
                    at,
                    Ev::Batch {
                        node: n,
                        gen,
                        step: STEP_CHECK,
                    },
                );
            }
        }
    }
}

impl Simulation {
    /// A batch job's start, phase end, speculation check or task attempt end.
    pub(super) fn on_batch(&mut self, n: u32, gen: u32, step: u32) {
        let Simulation { core, nodes, .. } = self;
        let now = core.now;
        let node = &mut nodes[n as usize];
        let (up, slow) = (node.up, node.slow);
        let Model::BatchJob(b) = &mut node.model else {
            return;
        };
        if step == STEP_START {
            if gen != b.sched {
                return;
            }
            if b.params.period_s > 0.0 {
                let next = now.saturating_add(secs_to_ns(b.params.period_s));
                core.queue.push(
                    next,
                    Ev::Batch {
                        node: n,
                        gen,
                        step: STEP_START,
                    },
                );
            }
            if !up || b.run.is_some() {
                b.counts.runs_skipped += 1;
            } else {
                b.start(now, n, &mut core.queue);
            }
        } else if gen != b.gen {
            return;
        } else if step == STEP_PHASE_END {
            b.phase_end(now, slow, n, &mut core.queue);
        } else if step == STEP_CHECK {
            if let Some(r) = b.run.as_mut() {
                r.check_at = None;
            }
            b.fill(now, slow, n, &mut core.queue);
        } else {
            b.attempt_end(step, now, slow, n, &mut core.queue);
        }
        let running = b.running() as u64;
        node.metrics.integrate(now);
        node.metrics.levels.busy = running;
    }

    /// A batch job node added to the diagram (or its schedule edited): its next start.
    pub(super) fn schedule_batch_start(&mut self, n: u32) {
        let now = self.core.now;
        if let Model::BatchJob(b) = &self.nodes[n as usize].model {
            b.schedule_start(now, n, &mut self.core.queue);
        }
    }

    /// The batch job node was killed or removed: its run in progress is lost.
    pub(super) fn batch_abort(&mut self, n: u32) {
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        if let Model::BatchJob(b) = &mut node.model {
            b.abort();
            node.metrics.integrate(now);
            node.metrics.levels.busy = 0;
        }
    }
}
