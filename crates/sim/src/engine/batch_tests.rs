//! Batch jobs (MapReduce): with fixed task times a run lasts exactly the makespan worked out by
//! hand — setup + map waves × map task + shuffle volume ÷ bandwidth + reduce waves × reduce
//! task; a straggler and speculative execution move it by exactly the amounts worked out in
//! each test; task attempts are conserved. Task times are deterministic: no seed matters, and
//! the seed is fixed anyway.

use super::*;
use crate::diagram::*;
use crate::time::secs_to_ns;

/// 1200 records in splits of 100 (12 map tasks of 1 s: 10 ms a record), 6 reducers of
/// 200 records × 5 ms = 1 s, 1.2 GB of map output over 600 MB/s (2 s of shuffle), 0.5 s of
/// setup, on `workers` machines of one slot, plus `extra` parameters.
fn job(workers: u32, extra: &str) -> Diagram {
    let json = format!(
        r#"{{
      "version": 1, "seed": 2020,
      "workload": {{ "duration_s": 60, "warmup_s": 0 }},
      "nodes": [
        {{ "id": "job", "kind": "batch_job", "params": {{
          "records": 1200, "split_records": 100, "map_us_per_record": 10000,
          "workers": {workers}, "slots_per_worker": 1,
          "reducers": 6, "reduce_us_per_record": 5000,
          "record_bytes": 1000000, "shuffle_mb_per_s": 600,
          "setup_s": 0.5 {extra} }} }}
      ]
    }}"#
    );
    let d = Diagram::from_json(&json).expect("valid");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    d
}

fn report_at(sim: &mut Simulation, t_s: f64) -> JobReport {
    sim.run_until(secs_to_ns(t_s));
    sim.check_invariants().expect("invariants hold");
    sim.report().nodes["job"].job.clone().expect("a job report")
}

fn run(d: &Diagram, t_s: f64) -> JobReport {
    report_at(&mut Simulation::new(d).unwrap(), t_s)
}

/// Start and end of a phase, in seconds.
fn ends(p: Option<PhaseSpan>) -> (f64, f64) {
    let p = p.expect("the phase ran");
    (p.start_s, p.end_s.expect("the phase ended"))
}

/// The hand-worked makespan: setup + ⌈12 ÷ slots⌉ × 1 s + 2 s + ⌈6 ÷ slots⌉ × 1 s.
fn makespan(slots: u64) -> f64 {
    0.5 + 12u64.div_ceil(slots) as f64 * 1.0 + 2.0 + 6u64.div_ceil(slots) as f64 * 1.0
}

#[test]
fn fixed_task_times_give_the_hand_computed_makespan_phase_by_phase() {
    let r = run(&job(4, ""), 30.0);
    assert_eq!(r.phase, JobPhase::Done);
    let t = r.timeline.expect("a timeline");
    // 4 slots: 3 map waves, 2 reduce waves.
    assert_eq!(t.setup.end_s, Some(0.5));
    assert_eq!(ends(t.map), (0.5, 3.5));
    assert_eq!(ends(t.shuffle), (3.5, 5.5));
    assert_eq!(ends(t.reduce), (5.5, 7.5));
    assert_eq!(r.job_time_s, Some(7.5));
    assert_eq!(r.job_time_s, Some(makespan(4)));
    assert_eq!((r.map_tasks, r.reduce_tasks, r.slots), (12, 6, 4));
    assert_eq!(r.tasks.launched, 18);
    assert_eq!(r.tasks.completed, 18);
    assert_eq!(r.tasks.backups_launched, 0);
}

/// Amdahl in a batch job: the setup and the shuffle do not shrink with workers, so past 12
/// workers (one wave of each) the job time stays at 0.5 + 1 + 2 + 1 = 4.5 s.
#[test]
fn job_time_shrinks_with_workers_until_setup_and_shuffle_dominate() {
    let mut previous = f64::INFINITY;
    for workers in [1, 2, 3, 4, 6, 12, 24, 48] {
        let r = run(&job(workers, ""), 60.0);
        let took = r.job_time_s.expect("finished");
        assert_eq!(took, makespan(workers as u64), "{workers} workers");
        assert!(
            took <= previous,
            "{workers} workers: {took} after {previous}"
        );
        previous = took;
    }
    assert_eq!(previous, 4.5);
    assert_eq!(run(&job(1, ""), 60.0).job_time_s, Some(20.5));
}

/// A straggler 5× slower holds slot 0's first map task for 5 s while the 3 fast slots finish
/// the other 11 tasks in ⌈11 ÷ 3⌉ = 4 s: the map phase ends at 5 s instead of 3. In the reduce
/// phase it holds reducer 0 for 5 s where the others need 2 waves: 5 s instead of 2. The job
/// takes 0.5 + 5 + 2 + 5 = 12.5 s instead of 7.5.
#[test]
fn a_straggler_lengthens_the_job_by_the_computed_amount() {
    let r = run(&job(4, r#", "straggler_factor": 5"#), 30.0);
    let t = r.timeline.unwrap();
    assert_eq!(ends(t.map), (0.5, 5.5));
    assert_eq!(ends(t.reduce), (7.5, 12.5));
    assert_eq!(r.job_time_s, Some(12.5));
    assert_eq!(r.job_time_s.unwrap() - makespan(4), 5.0);
    assert_eq!(r.tasks.launched, r.tasks.completed);
}

/// Chaos slowing the job node is the same straggler: its first machine runs 5× slower.
#[test]
fn chaos_slow_on_the_job_node_is_a_straggler() {
    let d = job(4, "");
    let mut sim = Simulation::new(&d).unwrap();
    sim.set_slow("job", 5.0).unwrap();
    let slowed = report_at(&mut sim, 30.0);
    let straggler = run(&job(4, r#", "straggler_factor": 5"#), 30.0);
    assert_eq!(slowed.job_time_s, Some(12.5));
    assert_eq!(slowed.timeline, straggler.timeline);
}

/// Speculation (backup after 1.5 × the median of 1 s). Map: the tail starts at 3 s (the 12th
/// task starts then), the straggler's task has run 3 s ≥ 1.5 s, so its backup starts on the
/// slot freed at 3 s and wins at 4 s (the original would end at 5 s): map 4 s. Reduce: reducer
/// 0 starts at 0; the tail starts at 1 s, when it has run only 1 s; at 1.5 s it crosses the
/// line and its backup starts on the idle slot, winning at 2.5 s (the original: 5 s). The job:
/// 0.5 + 4 + 2 + 2.5 = 9 s. Two backups launched, both won, both originals killed.
#[test]
fn speculation_brings_the_straggler_back_to_the_computed_time() {
    let spec = r#", "straggler_factor": 5, "speculative": true, "speculation_factor": 1.5"#;
    let r = run(&job(4, spec), 30.0);
    let t = r.timeline.unwrap();
    assert_eq!(ends(t.map), (0.5, 4.5));
    assert_eq!(ends(t.shuffle), (4.5, 6.5));
    assert_eq!(ends(t.reduce), (6.5, 9.0));
    assert_eq!(r.job_time_s, Some(9.0));
    assert_eq!(r.tasks.backups_launched, 2);
    assert_eq!(r.tasks.backups_won, 2);
    assert_eq!(r.tasks.killed, 2);
    // Conservation: 18 tasks + 2 backups launched = 18 completed + 2 killed.
    assert_eq!(r.tasks.launched, 20);
    assert_eq!(r.tasks.launched, r.tasks.completed + r.tasks.killed);
    assert_eq!(r.tasks.completed, 18);
}

/// The example's pool: 48 map tasks of 5 s and 8 reducers of 6 s on 8 machines × 2 slots,
/// 4.8 s of shuffle, 2 s of setup; machine 0 (slots 0 and 1) is 5× slower. Map: the fast 14
/// slots run tasks 2–47 in waves at 2, 7, 12 and 17 s; the tail starts at 17 s, when the slow
/// tasks have run 15 s ≥ 7.5 s, and their backups (on the first slots freed) win at 22 s, not
/// 27 s: map 20 s. Reduce (from 26.8 s): the fast reducers end at 32.8 s, the slow ones cross
/// 1.5 × 6 s at 35.8 s and their backups win at 41.8 s. The killed map copies' ends fall in the
/// reduce phase (27 s) and must not end a reducer.
#[test]
fn speculation_on_the_example_pool_matches_the_hand_worked_timeline() {
    let d = Diagram::from_json(
        r#"{ "version": 1, "workload": { "duration_s": 70, "warmup_s": 0 }, "nodes": [
          { "id": "job", "kind": "batch_job", "params": { "records": 4800000,
            "split_records": 100000, "map_us_per_record": 50, "workers": 8,
            "slots_per_worker": 2, "reducers": 8, "reduce_us_per_record": 10,
            "record_bytes": 100, "shuffle_mb_per_s": 100, "setup_s": 2,
            "straggler_factor": 5, "speculative": true } } ] }"#,
    )
    .unwrap();
    let r = run(&d, 70.0);
    let t = r.timeline.unwrap();
    assert_eq!(ends(t.map), (2.0, 22.0));
    assert_eq!(ends(t.shuffle), (22.0, 26.8));
    assert_eq!(ends(t.reduce), (26.8, 41.8));
    assert_eq!(r.job_time_s, Some(41.8));
    assert_eq!((r.tasks.backups_launched, r.tasks.backups_won), (4, 4));
    assert_eq!(
        (r.tasks.launched, r.tasks.completed, r.tasks.killed),
        (60, 56, 4)
    );
}

/// Without a straggler, speculation finds no task over the line: nothing changes.
#[test]
fn speculation_without_a_straggler_launches_nothing() {
    let r = run(&job(4, r#", "speculative": true"#), 30.0);
    assert_eq!(r.job_time_s, Some(makespan(4)));
    assert_eq!(r.tasks.backups_launched, 0);
}

/// A job repeating every 20 s starts at 0, 20, 40 and 60; at 65 s the fourth run is still in
/// its map phase. Repeating every 5 s, a start that finds the previous run (7.5 s) still going
/// is skipped: by 20 s runs started at 0, 10 and 20, and those at 5 and 15 were skipped.
#[test]
fn periodic_runs_start_on_schedule_and_skip_while_one_is_running() {
    let r = run(&job(4, r#", "period_s": 20"#), 61.0);
    assert_eq!(
        (r.runs.started, r.runs.completed, r.runs.skipped),
        (4, 3, 0)
    );
    assert_eq!(r.phase, JobPhase::Map);
    assert_eq!(r.timeline.unwrap().started_s, 60.0);
    assert_eq!(r.job_time_s, Some(7.5));
    let r = run(&job(4, r#", "period_s": 5"#), 20.0);
    assert_eq!(
        (r.runs.started, r.runs.completed, r.runs.skipped),
        (3, 2, 2)
    );
}

/// Killing the job node loses its run: the attempts running are lost (4 slots busy in the
/// first map wave), the run counts as failed, and every launched attempt is accounted for.
#[test]
fn a_killed_job_loses_its_run_and_accounts_for_every_attempt() {
    let d = job(4, r#", "period_s": 10"#);
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(1.0));
    sim.set_up("job", false).unwrap();
    let r = report_at(&mut sim, 2.0);
    assert_eq!((r.runs.failed, r.tasks.lost, r.tasks.running), (1, 4, 0));
    assert_eq!(r.tasks.launched, 4);
    sim.set_up("job", true).unwrap();
    let r = report_at(&mut sim, 25.0);
    // The run at 10 s completes; the one at 20 s is under way.
    assert_eq!(r.runs.completed, 1);
    assert_eq!(r.job_time_s, Some(7.5));
    assert_eq!(
        r.tasks.launched,
        r.tasks.completed + r.tasks.killed + r.tasks.lost + r.tasks.running
    );
}

/// Nothing may be wired to a batch job, a diagram of batch jobs alone needs no client, and bad
/// numbers name their field.
#[test]
fn validation_keeps_edges_away_and_names_bad_fields() {
    let mut d = job(4, "");
    assert!(d.errors().is_empty());
    assert!(d.problems().is_empty(), "{:?}", d.problems());
    d.nodes
        .push(Node::new("s", NodeSpec::Server(Default::default())));
    d.edges.push(Edge::new("e", "job", "s"));
    let errors = d.errors();
    assert!(
        errors.iter().any(|p| p.code == "batch_job_no_edges"),
        "{errors:?}"
    );
    let bad = Diagram::from_json(
        r#"{ "version": 1, "nodes": [ { "id": "job", "kind": "batch_job", "params": {
            "workers": 0, "split_records": 1, "records": 1000000000, "shuffle_mb_per_s": -1 } } ] }"#,
    )
    .expect_err("three bad fields");
    let fields: Vec<_> = bad.into_iter().filter_map(|p| p.field).collect();
    for f in [
        "params.workers",
        "params.split_records",
        "params.shuffle_mb_per_s",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
}

/// The example replays exactly.
#[test]
fn the_batch_example_replays_exactly() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/batch-mapreduce.json"
    );
    let d = Diagram::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let json = || {
        let mut sim = Simulation::new(&d).unwrap();
        sim.run_until(secs_to_ns(d.workload.duration_s));
        sim.check_invariants().unwrap();
        serde_json::to_string(&sim.report()).unwrap()
    };
    assert_eq!(json(), json());
}

/// Adds a batch job with small random settings to a random diagram (from the fuzzers), drawing
/// from `rng` only: the live-chaos conservation test then kills, revives, slows, retunes and
/// removes it, and `check_invariants` accounts for its task attempts throughout.
pub(super) fn go_batch(d: &mut Diagram, rng: &mut crate::dist::Rng) {
    if !rng.bernoulli(0.5) {
        return;
    }
    let p = BatchJobParams {
        records: 1 + rng.below(2000),
        split_records: 1 + rng.below(200),
        map_us_per_record: 2000.0 * rng.uniform(),
        workers: 1 + rng.below(4) as u32,
        slots_per_worker: 1 + rng.below(3) as u32,
        reducers: 1 + rng.below(6) as u32,
        reduce_us_per_record: 1000.0 * rng.uniform(),
        record_bytes: 1000.0 * rng.uniform(),
        shuffle_mb_per_s: 1.0 + 100.0 * rng.uniform(),
        setup_s: 0.3 * rng.uniform(),
        start_s: rng.uniform(),
        period_s: if rng.bernoulli(0.5) {
            0.0
        } else {
            0.5 + 1.5 * rng.uniform()
        },
        straggler_factor: 1.0 + 3.0 * rng.uniform(),
        speculative: rng.bernoulli(0.5),
        speculation_factor: 1.0 + rng.uniform(),
    };
    d.nodes.push(Node::new("batch", NodeSpec::BatchJob(p)));
}
