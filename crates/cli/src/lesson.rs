//! `scaleboard lesson list|check [DIR]`: the workshop's lessons, read and proven headless.
//!
//! `check` is what keeps lessons true: it runs every step's starting diagram (which must fail a
//! goal), its reference solution (which must meet them all) and checks the prediction's answer
//! against the run. CI runs it on `lessons/`, so an engine change that breaks a lesson fails.

use crate::Fail;
use scaleboard_sim::lesson::check::{check_step, describe, StepCheck};
use scaleboard_sim::lesson::{GoalStatus, Lesson};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub const USAGE: &str = "\
    scaleboard lesson list [DIR]
        One line per lesson in DIR (default lessons/): id, chapter, steps, goals, title.
    scaleboard lesson check [DIR] [--verbose]
        Prove every step of every lesson: its starting diagram fails a goal, its solution
        meets all goals, its prediction's answer is what the simulation measures.
        --verbose shows every goal's figures on both runs.
";

pub fn lesson(args: &[String]) -> Result<(), Fail> {
    let (sub, rest) = match args.split_first() {
        Some((s, r)) => (s.as_str(), r),
        None => return Err(Fail(format!("lesson needs list or check\n\n{USAGE}"), 2)),
    };
    let verbose = sub == "check" && rest.iter().any(|a| a == "--verbose" || a == "-v");
    let rest: Vec<&String> = rest
        .iter()
        .filter(|a| !(verbose && (*a == "--verbose" || *a == "-v")))
        .collect();
    if let Some(flag) = rest.iter().find(|a| a.starts_with('-')) {
        return Err(Fail(format!("unknown option '{flag}'\n\n{USAGE}"), 2));
    }
    let dir = match rest.as_slice() {
        [] => "lessons",
        [d] => d.as_str(),
        _ => return Err(Fail(format!("lesson {sub} takes one directory"), 2)),
    };
    match sub {
        "list" => list(dir),
        "check" => check(dir, verbose),
        other => Err(Fail(
            format!("unknown lesson command '{other}'\n\n{USAGE}"),
            2,
        )),
    }
}

/// A lesson read from its file.
struct Loaded {
    file: String,
    lesson: Lesson,
}

/// Reads every `*.json` lesson of `dir` (or the one file `dir` names). Every problem of every
/// file is listed before giving up, so one run shows an author everything to fix.
fn load_all(dir: &str) -> Result<Vec<Loaded>, Fail> {
    let path = Path::new(dir);
    let files: Vec<PathBuf> = if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        let entries = std::fs::read_dir(path)
            .map_err(|e| Fail(format!("{dir}: cannot read the directory: {e}"), 1))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        files.sort();
        files
    };
    if files.is_empty() {
        return Err(Fail(format!("{dir}: no lesson files (*.json)"), 1));
    }
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let name = f.to_string_lossy().into_owned();
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{name}: cannot read the file: {e}"));
                continue;
            }
        };
        match Lesson::from_json(&text) {
            Ok(lesson) => loaded.push(Loaded { file: name, lesson }),
            Err(problems) => {
                errors.push(format!(
                    "{name}: the lesson has {} problem(s):\n{}",
                    problems.len(),
                    problems
                        .iter()
                        .map(|p| format!("  - {p}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
            }
        }
    }
    for (i, a) in loaded.iter().enumerate() {
        if let Some(b) = loaded[..i].iter().find(|b| b.lesson.id == a.lesson.id) {
            errors.push(format!(
                "{}: id '{}' is already the id of {}",
                a.file, a.lesson.id, b.file
            ));
        }
    }
    if errors.is_empty() {
        loaded.sort_by(|a, b| (a.lesson.chapter, &a.file).cmp(&(b.lesson.chapter, &b.file)));
        Ok(loaded)
    } else {
        Err(Fail(errors.join("\n"), 1))
    }
}

fn list(dir: &str) -> Result<(), Fail> {
    let lessons = load_all(dir)?;
    let width = lessons.iter().map(|l| l.lesson.id.len()).max().unwrap_or(0);
    for l in &lessons {
        let s = &l.lesson;
        println!(
            "{:<width$}  chapter {:>2}  {:>2} steps  {:>3} goals  {}",
            s.id,
            s.chapter,
            s.steps.len(),
            s.goal_count(),
            s.title.en
        );
    }
    Ok(())
}

/// Checks every step on every core: the steps are independent runs.
fn check_in_parallel(lessons: &[Loaded]) -> Vec<Vec<StepCheck>> {
    let jobs: Vec<(usize, usize)> = lessons
        .iter()
        .enumerate()
        .flat_map(|(l, x)| (0..x.lesson.steps.len()).map(move |s| (l, s)))
        .collect();
    let results: Mutex<Vec<Option<StepCheck>>> = Mutex::new(vec![None; jobs.len()]);
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(l, s)) = jobs.get(j) else { break };
                let c = check_step(&lessons[l].lesson.steps[s], s);
                // A poisoned lock means another check panicked; its result is lost either way.
                if let Ok(mut r) = results.lock() {
                    r[j] = Some(c);
                }
            });
        }
    });
    let mut done = results.into_inner().unwrap_or_default().into_iter();
    lessons
        .iter()
        .map(|l| {
            (0..l.lesson.steps.len())
                .map(|s| {
                    done.next().flatten().unwrap_or_else(|| StepCheck {
                        step: s,
                        start: Vec::new(),
                        solution: Vec::new(),
                        prediction: None,
                        failures: vec!["the check did not finish".into()],
                    })
                })
                .collect()
        })
        .collect()
}

fn count(results: &[scaleboard_sim::lesson::GoalResult], status: GoalStatus) -> usize {
    results.iter().filter(|r| r.status == status).count()
}

/// Every goal's figures on both runs, and the prediction's, under a step's line.
fn details(step: &scaleboard_sim::lesson::Step, c: &StepCheck) {
    for (k, g) in step.goals.iter().enumerate() {
        let on = |r: &[scaleboard_sim::lesson::GoalResult]| {
            r.get(k).map_or_else(|| "not run".to_owned(), describe)
        };
        println!(
            "        goal \"{}\": start {}; solution {}",
            g.label("en"),
            on(&c.start),
            on(&c.solution)
        );
    }
    if let (Some(p), Some(o)) = (&step.prediction, &c.prediction) {
        let measured = o
            .measured
            .map_or("nothing".to_owned(), |v| format!("{v:.4}"));
        println!("        prediction: {} measured {measured}", p.metric);
    }
}

fn check(dir: &str, verbose: bool) -> Result<(), Fail> {
    let lessons = load_all(dir)?;
    let checks = check_in_parallel(&lessons);
    let mut failed = Vec::new();
    let (mut steps, mut goals) = (0, 0);
    for (l, step_checks) in lessons.iter().zip(&checks) {
        let file = Path::new(&l.file)
            .file_name()
            .map_or_else(|| l.file.clone(), |n| n.to_string_lossy().into_owned());
        let n = l.lesson.steps.len();
        for c in step_checks {
            let step = &l.lesson.steps[c.step];
            steps += 1;
            goals += step.goals.len();
            let g = step.goals.len();
            let prediction = if step.prediction.is_some() {
                ", prediction confirmed"
            } else {
                ""
            };
            let head = format!("{file} step {}/{n} \"{}\"", c.step + 1, step.title.en);
            if c.passed() {
                println!(
                    "ok    {head}: start fails {}/{g} goals, solution meets {g}/{g}{prediction}",
                    count(&c.start, GoalStatus::NotMet)
                );
            } else {
                println!("FAIL  {head}");
                for f in &c.failures {
                    println!("        {f}");
                    failed.push(format!("{head}: {f}"));
                }
            }
            if verbose {
                details(step, c);
            }
        }
    }
    let summary = format!("{} lessons, {steps} steps, {goals} goals", lessons.len());
    if failed.is_empty() {
        println!("{summary}: all checks passed");
        Ok(())
    } else {
        Err(Fail(
            format!(
                "{summary}: {} check(s) failed:\n{}",
                failed.len(),
                failed
                    .iter()
                    .map(|f| format!("  - {f}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            1,
        ))
    }
}
