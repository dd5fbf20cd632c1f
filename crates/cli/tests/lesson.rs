//! `scaleboard lesson list|check`: the repository's lessons pass (so an engine change that
//! breaks one fails CI), and every kind of bad lesson is named with its file and the reason.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

mod common;

use common::{root, scaleboard, stderr, stdout};

/// A fresh directory for one test's lesson files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("scaleboard-lessons-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, v: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn text(s: &str) -> Value {
    json!({ "en": s, "ko": format!("{s} (한국어)") })
}

/// A small lesson that passes: 240 req/s on a server that finishes ~200; the fix is a bigger
/// size.
fn lesson(id: &str) -> Value {
    json!({
        "format": 1, "id": id, "chapter": 1,
        "title": text("Tiny"), "summary": text("A tiny lesson."),
        "steps": [ {
            "title": text("Overloaded"), "text": text("Make it **bigger**."),
            "diagram": {
                "version": 1, "seed": 3, "workload": { "duration_s": 20, "warmup_s": 5 },
                "nodes": [
                    { "id": "users", "kind": "client", "params": { "rate_rps": 240 } },
                    { "id": "api", "kind": "server",
                      "params": { "size": "small", "workers": 4, "service": { "mean_ms": 20 } } }
                ],
                "edges": [ { "from": "users", "to": "api" } ]
            },
            "goals": [ { "metric": "end_to_end.error_rate", "op": "<", "value": 0.01 } ],
            "prediction": {
                "kind": "choice", "question": text("What happens?"),
                "choices": [ text("Nothing"), text("Errors") ], "answer": 1,
                "holds": [ { "op": "<", "value": 0.01 }, { "op": ">", "value": 0.05 } ],
                "reveal": { "metric": "end_to_end.error_rate" }, "explanation": text("Queues.")
            },
            "solution": { "changes": { "set": [
                { "node": "api", "field": "params.size", "value": "large" } ] } }
        } ]
    })
}

#[test]
fn the_repository_lessons_all_pass_their_checks() {
    let o = scaleboard(&["lesson", "check"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(out.contains("all checks passed"), "{out}");
    assert!(out.contains("01-one-server.json step 1/"), "{out}");
    assert!(out.contains("02-load-balancer.json step 1/"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn list_prints_one_line_per_lesson_in_chapter_order() {
    let o = scaleboard(&["lesson", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let files = std::fs::read_dir(root().join("lessons"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(out.lines().count(), files, "{out}");
    let first = out.lines().next().unwrap();
    for part in [
        "one-server",
        "chapter  1",
        "3 steps",
        "7 goals",
        "One server, growing traffic",
    ] {
        assert!(first.contains(part), "'{part}' in {first}");
    }
    assert!(out.contains("load-balancer"), "{out}");
}

#[test]
fn a_good_lesson_passes_and_verbose_shows_the_figures() {
    let d = dir("good");
    write(&d, "tiny.json", &lesson("tiny"));
    let o = scaleboard(&["lesson", "check", &d.to_string_lossy(), "--verbose"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("ok    tiny.json step 1/1 \"Overloaded\": start fails 1/1 goals, solution meets 1/1, prediction confirmed"), "{out}");
    assert!(
        out.contains("goal \"End-to-end error rate < 1%\": start not met (measured"),
        "{out}"
    );
    assert!(
        out.contains("1 lessons, 1 steps, 1 goals: all checks passed"),
        "{out}"
    );
    // A single file works as well as a directory.
    let o = scaleboard(&["lesson", "list", &d.join("tiny.json").to_string_lossy()]);
    assert!(
        o.status.success() && stdout(&o).starts_with("tiny"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_lessons_are_listed_file_by_file_with_every_problem() {
    let d = dir("malformed");
    let mut no_ko = lesson("no-ko");
    no_ko["title"] = json!({ "en": "Tiny" });
    no_ko["steps"][0]["hints"] = json!([ { "en": "hint", "ko": "" } ]);
    write(&d, "a-no-ko.json", &no_ko);
    let mut ghost = lesson("ghost");
    ghost["steps"][0]["goals"] =
        json!([ { "metric": "nodes.ghost.utilization", "op": "<", "value": 0.8 } ]);
    write(&d, "b-ghost.json", &ghost);
    std::fs::write(d.join("c-broken.json"), "{ \"format\": 1, ").unwrap();
    write(&d, "d-duplicate.json", &lesson("no-ko"));
    for cmd in ["check", "list"] {
        let o = scaleboard(&["lesson", cmd, &d.to_string_lossy()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        for needle in [
            "a-no-ko.json: the lesson has 2 problem(s)",
            "title.ko: missing: every text needs \"en\" and \"ko\"",
            "steps[0].hints[0].ko: must not be empty",
            "b-ghost.json: the lesson has 1 problem(s)",
            "steps[0].goals[0].metric: there is no node 'ghost' (nodes: api, users)",
            "c-broken.json: the lesson has 1 problem(s)",
            "not valid JSON",
        ] {
            assert!(err.contains(needle), "{cmd}: '{needle}' in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(stdout(&o).is_empty(), "{cmd}: nothing checked or listed");
    }
    // Ids are unique across files.
    let d = dir("duplicate");
    write(&d, "one.json", &lesson("same"));
    write(&d, "two.json", &lesson("same"));
    let o = scaleboard(&["lesson", "list", &d.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("two.json: id 'same' is already the id of"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_solution_that_does_not_meet_its_goals_fails_the_check() {
    let d = dir("unsolved");
    let mut l = lesson("unsolved");
    // `medium` is not enough for a 1 ms p99.
    l["steps"][0]["goals"] = json!([
        { "metric": "end_to_end.error_rate", "op": "<", "value": 0.01 },
        { "metric": "end_to_end.latency_ms.p99", "op": "<", "value": 1 }
    ]);
    write(&d, "unsolved.json", &l);
    let o = scaleboard(&["lesson", "check", &d.to_string_lossy()]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("FAIL  unsolved.json step 1/1 \"Overloaded\""),
        "{out}"
    );
    assert!(
        err.contains(
            "the solution does not meet 'End-to-end p99 latency < 1 ms': not met (measured"
        ),
        "{err}"
    );
    assert!(
        err.contains("1 lessons, 1 steps, 2 goals: 1 check(s) failed"),
        "{err}"
    );
}

#[test]
fn a_starting_diagram_that_already_meets_the_goals_fails_the_check() {
    let d = dir("too-easy");
    let mut l = lesson("too-easy");
    l["steps"][0]["diagram"]["nodes"][0]["params"]["rate_rps"] = json!(50);
    l["steps"][0].as_object_mut().unwrap().remove("prediction");
    write(&d, "too-easy.json", &l);
    let o = scaleboard(&["lesson", "check", &d.to_string_lossy()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the starting diagram fails no goal clearly"),
        "{err}"
    );
    assert!(err.contains("'End-to-end error rate < 1%' met"), "{err}");
}

#[test]
fn a_prediction_whose_answer_the_run_contradicts_fails_the_check() {
    let d = dir("wrong-answer");
    let mut l = lesson("wrong-answer");
    l["steps"][0]["prediction"]["answer"] = json!(0);
    write(&d, "wrong.json", &l);
    let o = scaleboard(&["lesson", "check", &d.to_string_lossy()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the prediction's answer is not what the run shows"),
        "{err}"
    );
    assert!(
        err.contains(
            "choice 0 (end_to_end.error_rate < 0.01), the answer: expected true but was false"
        ),
        "{err}"
    );
}

#[test]
fn usage_errors_are_named() {
    for (args, code, needle) in [
        (&["lesson"][..], 2, "lesson needs list or check"),
        (&["lesson", "frob"][..], 2, "unknown lesson command 'frob'"),
        (
            &["lesson", "check", "--fast"][..],
            2,
            "unknown option '--fast'",
        ),
        (&["lesson", "list", "a", "b"][..], 2, "takes one directory"),
        (
            &["lesson", "check", "no/such/dir"][..],
            1,
            "cannot read the directory",
        ),
    ] {
        let o = scaleboard(args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    let empty = dir("empty");
    let o = scaleboard(&["lesson", "check", &empty.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no lesson files"), "{}", stderr(&o));
}
