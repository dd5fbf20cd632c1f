//! Reading the lesson format: every problem listed at once, each with its path in the file.
//!
//! Each step's diagram is built as JSON (a complete `diagram`, or the previous step's with
//! `changes` applied), the step's `chaos` and `run` are written into it, and the result is read
//! by [`Diagram::from_json`]: a lesson diagram is exactly as valid as a diagram file.

use super::changes::Changes;
use super::goals::{Goal, GoalKind};
use super::metric::check_path;
use super::prediction::{read_condition, Prediction};
use super::read::{index, join, Reader};
use super::{Lesson, Problem, Run, Step, Text, FORMAT};
use crate::{Diagram, Simulation};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Largest lesson file accepted (a lesson is text and a few small diagrams).
pub const MAX_LESSON_BYTES: usize = 2 * 1024 * 1024;
/// Most steps of one lesson.
pub const MAX_STEPS: usize = 50;
/// Most goals of one step.
pub const MAX_GOALS: usize = 20;
/// Most hints of one step.
pub const MAX_HINTS: usize = 20;
/// Longest run a step may ask for: `lesson check` runs every step in CI, and a learner waits.
pub const MAX_RUN_S: f64 = 3600.0;

const TOP_FIELDS: &[&str] = &["format", "id", "chapter", "title", "summary", "steps"];
const STEP_FIELDS: &[&str] = &[
    "title",
    "text",
    "diagram",
    "changes",
    "chaos",
    "run",
    "goals",
    "hints",
    "prediction",
    "compare",
    "solution",
];

pub fn from_json(text: &str) -> Result<Lesson, Vec<Problem>> {
    let mut r = Reader::default();
    if text.len() > MAX_LESSON_BYTES {
        r.problem(
            "",
            format!(
                "the file is {} bytes; lessons larger than {MAX_LESSON_BYTES} bytes are refused",
                text.len()
            ),
        );
        return Err(r.problems);
    }
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            r.problem("", format!("this is not valid JSON ({e})"));
            return Err(r.problems);
        }
    };
    let Some(top) = r.object(&root, "", TOP_FIELDS) else {
        return Err(r.problems);
    };
    // An unknown version is not read further: its fields may mean something else.
    match top.get("format").and_then(Value::as_u64) {
        Some(v) if v == u64::from(FORMAT) => {}
        Some(v) => {
            r.problem(
                "format",
                format!("lesson format {v} is not supported: this build reads format {FORMAT}"),
            );
            return Err(r.problems);
        }
        None => {
            r.problem(
                "format",
                format!("missing or not a whole number: this build reads \"format\": {FORMAT}"),
            );
            return Err(r.problems);
        }
    }
    let id = r.required(top, "", "id").and_then(|v| {
        let id = r.string(v, "id")?;
        let slug = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if slug {
            Some(id)
        } else {
            r.problem(
                "id",
                format!("'{id}' is not a slug: 1 to 64 lowercase letters, digits and dashes"),
            );
            None
        }
    });
    let chapter = r.required(top, "", "chapter").and_then(|v| {
        let n = r.whole(v, "chapter")?;
        let c = u32::try_from(n).ok();
        if c.is_none() {
            r.problem("chapter", format!("{n} is too large"));
        }
        c
    });
    let title = r.text_field(top, "", "title");
    let summary = r.text_field(top, "", "summary");
    let steps = r
        .required(top, "", "steps")
        .and_then(|v| r.list(v, "steps", MAX_STEPS))
        .and_then(|items| {
            if items.is_empty() {
                r.problem("steps", "a lesson needs at least one step");
                return None;
            }
            let mut chain = Chain::default();
            let steps: Vec<Option<Step>> = items
                .iter()
                .enumerate()
                .map(|(i, v)| read_step(&mut r, &mut chain, v, i))
                .collect();
            steps.into_iter().collect::<Option<Vec<Step>>>()
        });
    let lesson = (|| {
        Some(Lesson {
            id: id?,
            chapter: chapter?,
            title: title?,
            summary: summary?,
            steps: steps?,
        })
    })();
    match lesson {
        Some(l) if r.problems.is_empty() => Ok(l),
        _ => Err(r.problems),
    }
}

/// What a step's diagram is built from: the previous step's, before its chaos and run length.
#[derive(Default)]
struct Chain {
    /// `None` once a step's diagram JSON could not be made: later changes have nothing to
    /// apply to.
    base: Option<Value>,
    /// The previous step's diagram problems: repeated in later steps built on it, said once.
    said: BTreeSet<String>,
}

fn read_step(r: &mut Reader, chain: &mut Chain, v: &Value, i: usize) -> Option<Step> {
    let path = index("steps", i);
    let map = r.object(v, &path, STEP_FIELDS)?;
    let before = r.problems.len();
    let title = r.text_field(map, &path, "title");
    let text = r.text_field(map, &path, "text");
    let hints = match map.get("hints") {
        None => Some(Vec::new()),
        Some(v) => {
            let p = join(&path, "hints");
            r.list(v, &p, MAX_HINTS).and_then(|items| {
                let texts: Vec<Option<Text>> = items
                    .iter()
                    .enumerate()
                    .map(|(k, t)| r.text(t, &index(&p, k)))
                    .collect();
                texts.into_iter().collect()
            })
        }
    };
    let prediction = match map.get("prediction") {
        None => Some(None),
        Some(v) => Prediction::read(r, v, &join(&path, "prediction")).map(Some),
    };
    let compare = match map.get("compare") {
        None => Some(None),
        Some(v) => read_compare(r, v, &join(&path, "compare")).map(Some),
    };
    // Each goal kept apart, so that the good ones are checked against the solution even when
    // another goal is malformed.
    let goals: Option<Vec<Option<Goal>>> = r.required(map, &path, "goals").and_then(|v| {
        let p = join(&path, "goals");
        let items = r.list(v, &p, MAX_GOALS)?;
        if items.is_empty() {
            r.problem(&p, "a step needs at least one goal");
            return None;
        }
        Some(
            items
                .iter()
                .enumerate()
                .map(|(k, g)| read_goal(r, g, &index(&p, k)))
                .collect(),
        )
    });
    let scenario = read_scenario(r, map, &path);

    // The starting diagram.
    let (source, base) = match (map.get("diagram"), map.get("changes")) {
        (Some(d), None) => {
            let p = join(&path, "diagram");
            if d.is_object() {
                ("diagram", Some(d.clone()))
            } else {
                r.problem(&p, "must be a diagram object (as in a diagram file)");
                ("diagram", None)
            }
        }
        (None, Some(c)) if i > 0 => {
            let p = join(&path, "changes");
            let changes = Changes::read(r, c, &p);
            let base = match (changes, &chain.base) {
                (Some(c), Some(prev)) => {
                    let mut d = prev.clone();
                    let problems = c.apply(&mut d, &p);
                    let ok = problems.is_empty();
                    r.problems.extend(problems);
                    ok.then_some(d)
                }
                _ => None,
            };
            ("changes", base)
        }
        (None, Some(_)) => {
            r.problem(
                &join(&path, "changes"),
                "the first step has no previous diagram to change: give a \"diagram\"",
            );
            ("changes", None)
        }
        (Some(_), Some(_)) => {
            r.problem(&path, "give either \"diagram\" or \"changes\", not both");
            ("diagram", None)
        }
        (None, None) => {
            r.problem(
                &path,
                if i == 0 {
                    "missing \"diagram\": the starting diagram of the lesson"
                } else {
                    "missing \"diagram\" or \"changes\" (to the previous step's diagram)"
                },
            );
            ("diagram", None)
        }
    };
    let start = match (&base, &scenario) {
        (Some(b), Some(s)) => {
            let (d, problems) = build(r, b, s, &join(&path, source), &chain.said);
            chain.said = problems;
            d
        }
        _ => None,
    };
    // A diagram with problems still carries the chain: later steps' own changes are checked
    // against it, and the problems it passes on are not said again.
    chain.base = base.clone();

    // The reference solution.
    let solution = r.required(map, &path, "solution").and_then(|v| {
        let p = join(&path, "solution");
        let sol = r.object(v, &p, &["changes", "diagram"])?;
        let json = match (sol.get("changes"), sol.get("diagram")) {
            (Some(c), None) => {
                let cp = join(&p, "changes");
                let changes = Changes::read(r, c, &cp)?;
                let mut d = base.clone()?;
                let problems = changes.apply(&mut d, &cp);
                let ok = problems.is_empty();
                r.problems.extend(problems);
                ok.then_some(d)?
            }
            (None, Some(d)) if d.is_object() => d.clone(),
            (None, Some(_)) => {
                r.problem(
                    &join(&p, "diagram"),
                    "must be a diagram object (as in a diagram file)",
                );
                return None;
            }
            _ => {
                r.problem(&p, "give either \"changes\" or \"diagram\"");
                return None;
            }
        };
        let source = if sol.contains_key("changes") {
            "changes"
        } else {
            "diagram"
        };
        // Problems the starting diagram already has are said there.
        let said: BTreeSet<String> = if start.is_some() {
            BTreeSet::new()
        } else {
            chain.said.clone()
        };
        let (d, _) = build(r, &json, scenario.as_ref()?, &join(&p, source), &said);
        d
    });
    // Goals and the prediction are checked against whichever diagrams could be built.
    if let (Some(goals), Some(solution)) = (&goals, &solution) {
        check_goals(r, goals, solution, &join(&path, "goals"));
    }
    let goals = goals.and_then(|g| g.into_iter().collect::<Option<Vec<Goal>>>());
    if let Some(Some(p)) = &prediction {
        let d = match p.on {
            super::RunOf::Start => &start,
            super::RunOf::Solution => &solution,
        };
        if let Some(skeleton) = d.as_ref().and_then(skeleton) {
            let mp = join(&join(&path, "prediction"), "reveal.metric");
            if let Err(msg) = check_path(&skeleton, &p.metric) {
                r.problem(&mp, msg);
            }
        }
    }
    let (Some(start), Some(solution)) = (start, solution) else {
        return None;
    };
    let run = Run {
        duration_s: start.workload.duration_s,
        warmup_s: start.workload.warmup_s,
    };
    let step = Step {
        title: title?,
        text: text?,
        goals: goals?,
        hints: hints?,
        prediction: prediction?,
        compare: compare?,
        run,
        start,
        solution,
    };
    (r.problems.len() == before).then_some(step)
}

/// A step's `compare`: the labels of the learner's design and of the reference solution when
/// the two are shown side by side.
fn read_compare(r: &mut Reader, v: &Value, path: &str) -> Option<super::StepCompare> {
    let map = r.object(v, path, &["a", "b"])?;
    let a = r.text_field(map, path, "a");
    let b = r.text_field(map, path, "b");
    Some(super::StepCompare { a: a?, b: b? })
}

/// The step's `chaos` and `run`, to write into its diagrams.
struct Scenario {
    chaos: Option<Value>,
    duration_s: Option<f64>,
    warmup_s: Option<f64>,
}

fn read_scenario(r: &mut Reader, map: &Map<String, Value>, path: &str) -> Option<Scenario> {
    let before = r.problems.len();
    let chaos = match map.get("chaos") {
        None => None,
        Some(v @ Value::Array(_)) => Some(v.clone()),
        Some(_) => {
            r.problem(
                &join(path, "chaos"),
                "must be a list of chaos events (as in the diagram format)",
            );
            None
        }
    };
    let (mut duration_s, mut warmup_s) = (None, None);
    if let Some(v) = map.get("run") {
        let p = join(path, "run");
        if let Some(run) = r.object(v, &p, &["duration_s", "warmup_s"]) {
            for (key, slot) in [("duration_s", &mut duration_s), ("warmup_s", &mut warmup_s)] {
                if let Some(v) = run.get(key) {
                    let kp = join(&p, key);
                    *slot = r.number(v, &kp).and_then(|x| {
                        if (0.0..=MAX_RUN_S).contains(&x) {
                            Some(x)
                        } else {
                            r.problem(&kp, format!("must be between 0 and {MAX_RUN_S} (got {x})"));
                            None
                        }
                    });
                }
            }
        }
    }
    (r.problems.len() == before).then_some(Scenario {
        chaos,
        duration_s,
        warmup_s,
    })
}

/// Writes the scenario into a diagram's JSON and reads it as a diagram. Its problems (except
/// those in `said`) are listed under `path`; returns the diagram, or all its problems.
fn build(
    r: &mut Reader,
    json: &Value,
    s: &Scenario,
    path: &str,
    said: &BTreeSet<String>,
) -> (Option<Diagram>, BTreeSet<String>) {
    let mut v = json.clone();
    if let Value::Object(top) = &mut v {
        if let Some(chaos) = &s.chaos {
            top.insert("chaos".into(), chaos.clone());
        }
        for (key, value) in [("duration_s", s.duration_s), ("warmup_s", s.warmup_s)] {
            let Some(x) = value else { continue };
            let w = top
                .entry("workload")
                .or_insert_with(|| Value::Object(Map::new()));
            if let (Value::Object(w), Some(n)) = (w, serde_json::Number::from_f64(x)) {
                w.insert(key.into(), Value::Number(n));
            }
        }
    }
    match Diagram::from_json(&v.to_string()) {
        Ok(d) => (Some(d), BTreeSet::new()),
        Err(problems) => {
            let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
            for message in &all {
                if !said.contains(message) {
                    r.problem(path, message.clone());
                }
            }
            (None, all.into_iter().collect())
        }
    }
}

fn read_goal(r: &mut Reader, v: &Value, path: &str) -> Option<Goal> {
    let Value::Object(map) = v else {
        r.problem(
            path,
            "must be an object: {\"metric\", \"op\", \"value\"} or {\"check\"}",
        );
        return None;
    };
    let label = match map.get("label") {
        None => Some(None),
        Some(l) => r.text(l, &join(path, "label")).map(Some),
    };
    let kind = if let Some(check) = map.get("check") {
        r.object(v, path, &["check", "node", "label"])?;
        match check.as_str() {
            Some("no_spof") => {
                let node = match map.get("node") {
                    None => Some(None),
                    Some(n) => r.string(n, &join(path, "node")).map(Some),
                };
                node.map(|node| GoalKind::NoSpof { node })
            }
            _ => {
                r.problem(&join(path, "check"), "the only check is \"no_spof\"");
                None
            }
        }
    } else {
        r.object(v, path, &["metric", "op", "value", "label"])?;
        let metric = r
            .required(map, path, "metric")
            .and_then(|m| r.string(m, &join(path, "metric")));
        let cond = {
            // `op` and `value` read as a prediction's condition, with the goal's paths.
            let mut sub = Map::new();
            for k in ["op", "value"] {
                if let Some(x) = map.get(k) {
                    sub.insert(k.into(), x.clone());
                }
            }
            read_condition(r, &Value::Object(sub), path)
        };
        match (metric, cond) {
            (Some(metric), Some(c)) => Some(GoalKind::Metric {
                metric,
                op: c.op,
                value: c.value,
            }),
            _ => None,
        }
    };
    Some(Goal {
        kind: kind?,
        label: label?,
    })
}

/// The report of a diagram before it has run: the shape every later report has.
fn skeleton(d: &Diagram) -> Option<Value> {
    let sim = Simulation::new(d).ok()?;
    serde_json::to_value(sim.report()).ok()
}

/// Goals must name figures the solution's report has (a node the solution lacks cannot be
/// measured, so the goal could never be met).
fn check_goals(r: &mut Reader, goals: &[Option<Goal>], solution: &Diagram, path: &str) {
    let Some(skeleton) = skeleton(solution) else {
        return;
    };
    for (k, g) in goals.iter().enumerate() {
        let Some(g) = g else { continue };
        let p = index(path, k);
        match &g.kind {
            GoalKind::Metric { metric, .. } => {
                if let Err(msg) = check_path(&skeleton, metric) {
                    r.problem(
                        &join(&p, "metric"),
                        format!("{msg} in the solution's report"),
                    );
                }
            }
            GoalKind::NoSpof { node: Some(id) } if solution.node(id).is_none() => {
                r.problem(
                    &join(&p, "node"),
                    format!("the solution has no node '{id}'"),
                );
            }
            GoalKind::NoSpof { .. } => {}
        }
    }
}
