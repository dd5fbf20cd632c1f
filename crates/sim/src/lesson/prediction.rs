//! Predictions: a question asked before a run, answered by the run itself.
//!
//! Guessing first and then seeing the number is what makes a lesson stick, but only if the
//! "right" answer really is what the simulation shows. So every answer carries a condition on
//! a measured figure, and `lesson check` runs the step to confirm that the answer's condition
//! holds and every other choice's does not.

use super::goals::{Condition, GoalStatus, Op};
use super::metric::measure;
use super::read::{index, join, Reader};
use super::Text;
use serde::Serialize;
use serde_json::Value;

/// Most choices of one question.
pub const MAX_CHOICES: usize = 8;

/// Which run answers the question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOf {
    /// The step's starting diagram (with the step's chaos): "what will happen?"
    #[default]
    Start,
    /// The step's reference solution: "what will this change do?"
    Solution,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictionKind {
    /// Pick one of several answers.
    Choice {
        choices: Vec<Text>,
        /// Index of the correct choice.
        answer: usize,
        /// Per choice: the condition on the revealed figure that makes it true (`None`: not
        /// checked). The answer's is always present.
        holds: Vec<Option<Condition>>,
    },
    /// Guess a number.
    Number {
        /// Shown after the input box ("ms", "req/s", "%").
        unit: String,
        /// A guess within this share of the measured value counts as right (0.25 = ±25 %).
        tolerance: f64,
        /// The author's expected figure, checked by `lesson check` against the run (with the
        /// same tolerance); optional.
        answer: Option<f64>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    pub question: Text,
    pub kind: PredictionKind,
    /// The report figure revealed after the run (`reveal.metric` in the file).
    pub metric: String,
    /// Why the answer is what it is; shown after the run (markup).
    pub explanation: Text,
    pub on: RunOf,
}

/// What the run showed, for the reveal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PredictionOutcome {
    pub measured: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// Choice questions: whether each choice's condition held (`None`: not checked).
    pub holds: Vec<Option<GoalStatus>>,
}

impl Prediction {
    /// What a report says about the question.
    pub fn outcome(&self, report: &Value) -> PredictionOutcome {
        let m = measure(report, &self.metric);
        let holds = match &self.kind {
            PredictionKind::Choice { holds, .. } => holds
                .iter()
                .map(|c| c.map(|c| c.judge(&m).status))
                .collect(),
            PredictionKind::Number { .. } => Vec::new(),
        };
        PredictionOutcome {
            measured: m.value,
            interval: m.interval,
            holds,
        }
    }

    /// Whether `choice` is the right answer of a choice question.
    pub fn is_correct(&self, choice: usize) -> bool {
        matches!(&self.kind, PredictionKind::Choice { answer, .. } if *answer == choice)
    }

    /// Whether a guessed number is close enough to the measured one.
    pub fn judge_number(&self, guess: f64, measured: f64) -> bool {
        match &self.kind {
            PredictionKind::Number { tolerance, .. } => within(guess, measured, *tolerance),
            PredictionKind::Choice { .. } => false,
        }
    }

    /// Confirms the intended answer against a report of the run it names: the answer's
    /// condition met and every other checked choice's not met (choice questions), the figure
    /// measured and near the author's answer (number questions). `Err` says what is wrong.
    pub fn verify(&self, report: &Value) -> Result<PredictionOutcome, String> {
        let out = self.outcome(report);
        let Some(measured) = out.measured else {
            return Err(format!("'{}' was not measured in the run", self.metric));
        };
        let mut wrong = Vec::new();
        match &self.kind {
            PredictionKind::Choice { answer, holds, .. } => {
                for (i, (status, cond)) in out.holds.iter().zip(holds).enumerate() {
                    let (Some(status), Some(cond)) = (status, cond) else {
                        continue;
                    };
                    let want = if i == *answer {
                        GoalStatus::Met
                    } else {
                        GoalStatus::NotMet
                    };
                    if *status != want {
                        wrong.push(format!(
                            "choice {i} ({} {} {}){}: expected {} but was {}",
                            self.metric,
                            cond.op.symbol(),
                            cond.value,
                            if i == *answer { ", the answer" } else { "" },
                            verdict(want),
                            verdict(*status)
                        ));
                    }
                }
            }
            PredictionKind::Number {
                tolerance,
                answer: Some(a),
                ..
            } => {
                if !within(*a, measured, *tolerance) {
                    wrong.push(format!(
                        "the answer {a} is not within ±{}% of the measured {measured}",
                        tolerance * 100.0
                    ));
                }
            }
            PredictionKind::Number { answer: None, .. } => {}
        }
        if wrong.is_empty() {
            Ok(out)
        } else {
            Err(format!(
                "{} measured {} — {}",
                self.metric,
                shown(measured, out.interval),
                wrong.join("; ")
            ))
        }
    }

    /// Reads a `prediction` object, listing every problem.
    pub(super) fn read(r: &mut Reader, v: &Value, path: &str) -> Option<Prediction> {
        const FIELDS: &[&str] = &[
            "kind",
            "question",
            "choices",
            "answer",
            "holds",
            "unit",
            "tolerance",
            "reveal",
            "explanation",
            "on",
        ];
        let map = r.object(v, path, FIELDS)?;
        let before = r.problems.len();
        let question = r.text_field(map, path, "question");
        let explanation = r.text_field(map, path, "explanation");
        let metric = r.required(map, path, "reveal").and_then(|v| {
            let p = join(path, "reveal");
            let m = r.object(v, &p, &["metric"])?;
            let mv = r.required(m, &p, "metric")?;
            r.string(mv, &join(&p, "metric"))
        });
        let on = match map.get("on").map(|v| (v, v.as_str())) {
            None => Some(RunOf::Start),
            Some((_, Some("start"))) => Some(RunOf::Start),
            Some((_, Some("solution"))) => Some(RunOf::Solution),
            Some(_) => {
                r.problem(&join(path, "on"), "must be \"start\" or \"solution\"");
                None
            }
        };
        let only = |r: &mut Reader, keys: &[&str], kind: &str| {
            for k in keys {
                if map.contains_key(*k) {
                    r.problem(
                        &join(path, k),
                        format!("not used by a \"{kind}\" prediction"),
                    );
                }
            }
        };
        let kind = match map.get("kind").and_then(Value::as_str) {
            Some("choice") => {
                only(r, &["unit", "tolerance"], "choice");
                read_choice(r, map, path)
            }
            Some("number") => {
                only(r, &["choices", "holds"], "number");
                read_number(r, map, path)
            }
            _ => {
                r.problem(&join(path, "kind"), "must be \"choice\" or \"number\"");
                None
            }
        };
        let p = Prediction {
            question: question?,
            kind: kind?,
            metric: metric?,
            explanation: explanation?,
            on: on?,
        };
        (r.problems.len() == before).then_some(p)
    }
}

fn read_choice(
    r: &mut Reader,
    map: &serde_json::Map<String, Value>,
    path: &str,
) -> Option<PredictionKind> {
    let cp = join(path, "choices");
    let choices: Option<Vec<Text>> = r
        .required(map, path, "choices")
        .and_then(|v| r.list(v, &cp, MAX_CHOICES))
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, t)| r.text(t, &index(&cp, i)))
                .collect::<Vec<_>>()
        })
        .and_then(|texts| texts.into_iter().collect());
    if let Some(c) = &choices {
        if c.len() < 2 {
            r.problem(&cp, "a question needs at least 2 choices");
        }
    }
    let n = choices.as_ref().map_or(0, Vec::len);
    let ap = join(path, "answer");
    let answer = r
        .required(map, path, "answer")
        .and_then(|v| r.whole(v, &ap))
        .and_then(|a| {
            let a = usize::try_from(a).unwrap_or(usize::MAX);
            if choices.is_some() && a >= n {
                r.problem(
                    &ap,
                    format!(
                        "must be the index of a choice (0 to {})",
                        n.saturating_sub(1)
                    ),
                );
                None
            } else {
                Some(a)
            }
        });
    let hp = join(path, "holds");
    let holds = r.required(map, path, "holds").and_then(|v| {
        let items = r.list(v, &hp, MAX_CHOICES)?;
        let conds: Vec<Option<Option<Condition>>> = items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.is_null() {
                    Some(None)
                } else {
                    read_condition(r, c, &index(&hp, i)).map(Some)
                }
            })
            .collect();
        conds.into_iter().collect::<Option<Vec<_>>>()
    });
    let (choices, answer, holds) = (choices?, answer?, holds?);
    // One condition: the answer's. As many as choices: one each (null for unchecked ones).
    let holds = if holds.len() == 1 && choices.len() > 1 {
        (0..choices.len())
            .map(|i| if i == answer { holds[0] } else { None })
            .collect()
    } else if holds.len() == choices.len() {
        holds
    } else {
        r.problem(
            &hp,
            format!(
                "give one condition per choice ({}) or one for the answer only",
                choices.len()
            ),
        );
        return None;
    };
    if holds.get(answer).copied().flatten().is_none() {
        r.problem(
            &index(&hp, answer),
            "the answer's condition is what `lesson check` verifies: it cannot be null",
        );
        return None;
    }
    Some(PredictionKind::Choice {
        choices,
        answer,
        holds,
    })
}

fn read_number(
    r: &mut Reader,
    map: &serde_json::Map<String, Value>,
    path: &str,
) -> Option<PredictionKind> {
    let unit = match map.get("unit") {
        None => Some(String::new()),
        Some(v) => r.string(v, &join(path, "unit")),
    };
    let tp = join(path, "tolerance");
    let tolerance = match map.get("tolerance") {
        None => Some(0.25),
        Some(v) => r.number(v, &tp).and_then(|t| {
            if t > 0.0 && t <= 10.0 {
                Some(t)
            } else {
                r.problem(
                    &tp,
                    format!("must be a share above 0 and at most 10 (got {t})"),
                );
                None
            }
        }),
    };
    let answer = match map.get("answer") {
        None => Some(None),
        Some(v) => r.number(v, &join(path, "answer")).map(Some),
    };
    Some(PredictionKind::Number {
        unit: unit?,
        tolerance: tolerance?,
        answer: answer?,
    })
}

/// `{"op": "<", "value": 100}`.
pub(super) fn read_condition(r: &mut Reader, v: &Value, path: &str) -> Option<Condition> {
    let map = r.object(v, path, &["op", "value"])?;
    let op = r.required(map, path, "op").and_then(|v| {
        let p = join(path, "op");
        let s = r.string(v, &p)?;
        let op = Op::parse(&s);
        if op.is_none() {
            r.problem(&p, format!("'{s}' is not one of <, <=, >, >=, =="));
        }
        op
    });
    let value = r
        .required(map, path, "value")
        .and_then(|v| r.number(v, &join(path, "value")));
    Some(Condition {
        op: op?,
        value: value?,
    })
}

fn within(guess: f64, measured: f64, tolerance: f64) -> bool {
    (guess - measured).abs() <= tolerance * measured.abs()
}

fn verdict(s: GoalStatus) -> &'static str {
    match s {
        GoalStatus::Met => "true",
        GoalStatus::NotMet => "false",
        GoalStatus::Unsure => "unsure (the 95% interval straddles it)",
    }
}

fn shown(v: f64, interval: Option<(f64, f64)>) -> String {
    match interval {
        Some((lo, hi)) => format!("{v:.4} (95% interval {lo:.4}–{hi:.4})"),
        None => format!("{v:.4}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Result<Prediction, Vec<String>> {
        let mut r = Reader::default();
        let p = Prediction::read(&mut r, &v, "p");
        match p {
            Some(p) if r.problems.is_empty() => Ok(p),
            _ => Err(r.problems.iter().map(|p| p.to_string()).collect()),
        }
    }

    fn text(s: &str) -> Value {
        json!({ "en": s, "ko": s })
    }

    fn choice() -> Value {
        json!({
            "kind": "choice",
            "question": text("How slow?"),
            "choices": [ text("fast"), text("slow"), text("very slow") ],
            "answer": 1,
            "holds": [ { "op": "<", "value": 100 }, { "op": ">=", "value": 100 }, null ],
            "reveal": { "metric": "end_to_end.latency_ms.p99" },
            "explanation": text("Queues.")
        })
    }

    fn report(p99: f64, low: f64, high: f64) -> Value {
        json!({ "end_to_end": { "latency_ms": { "p99": p99 },
                "ci95": { "p99_ms": { "low": low, "high": high } } } })
    }

    #[test]
    fn a_choice_is_verified_against_the_run() {
        let p = read(choice()).unwrap();
        assert!(p.is_correct(1) && !p.is_correct(0));
        assert!(p.verify(&report(150.0, 140.0, 160.0)).is_ok());
        let e = p.verify(&report(80.0, 70.0, 90.0)).unwrap_err();
        assert!(e.contains("choice 0") && e.contains("choice 1"), "{e}");
        // Straddling the boundary is not proof either way.
        let e = p.verify(&report(101.0, 95.0, 110.0)).unwrap_err();
        assert!(e.contains("unsure"), "{e}");
        let e = p.verify(&json!({})).unwrap_err();
        assert!(e.contains("not measured"), "{e}");
    }

    #[test]
    fn one_condition_is_the_answers() {
        let mut v = choice();
        v["holds"] = json!([ { "op": ">=", "value": 100 } ]);
        let p = read(v).unwrap();
        let PredictionKind::Choice { holds, .. } = &p.kind else {
            panic!("a choice")
        };
        assert_eq!(holds.iter().filter(|h| h.is_some()).count(), 1);
        assert!(holds[1].is_some());
    }

    #[test]
    fn a_number_is_judged_with_its_tolerance() {
        let p = read(json!({
            "kind": "number", "question": text("p99?"), "unit": "ms", "tolerance": 0.2,
            "answer": 150, "reveal": { "metric": "end_to_end.latency_ms.p99" },
            "explanation": text("Because."), "on": "solution"
        }))
        .unwrap();
        assert_eq!(p.on, RunOf::Solution);
        assert!(p.judge_number(170.0, 150.0) && !p.judge_number(190.0, 150.0));
        assert!(p.verify(&report(140.0, 130.0, 150.0)).is_ok());
        assert!(p.verify(&report(300.0, 290.0, 310.0)).is_err());
    }

    #[test]
    fn every_problem_is_listed() {
        let e = read(json!({
            "kind": "choice", "question": { "en": "q" },
            "choices": [ text("only") ], "answer": 3, "holds": [ { "op": "~", "value": "x" } ],
            "reveal": {}, "unit": "ms"
        }))
        .unwrap_err();
        for needle in [
            "p.question.ko: missing",
            "p.explanation: missing",
            "p.reveal.metric: missing",
            "p.unit: not used",
            "p.choices: a question needs at least 2",
            "p.answer: must be the index",
            "p.holds[0].op: '~'",
            "p.holds[0].value: must be a number",
        ] {
            assert!(e.iter().any(|s| s.starts_with(needle)), "{needle}: {e:#?}");
        }
        let e = read(json!({ "kind": "guess" })).unwrap_err();
        assert!(e.iter().any(|s| s.starts_with("p.kind: must be")), "{e:?}");
    }
}
