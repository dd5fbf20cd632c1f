//! Goals: predicates over a run's report, judged with the report's own uncertainty.
//!
//! A simulated p99 is an estimate. Telling a learner "goal met" because one run landed at 199 ms
//! against a 200 ms target would teach noise, so a goal on a figure that has a 95 % interval is
//! met only when the whole interval (and the measured value) is on the right side, not met when
//! all of it is on the wrong side, and unsure while it straddles the target. Figures without an
//! interval are compared as they are.

use super::metric::{measure, Measure};
use super::Text;
use crate::Report;
use serde::Serialize;
use serde_json::Value;

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
}

impl Op {
    pub const ALL: [Op; 5] = [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq];

    /// As written in lesson files.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
        }
    }

    /// As shown to a learner.
    pub fn display(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::Eq => "=",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.symbol() == s)
    }

    pub fn holds(self, measured: f64, target: f64) -> bool {
        match self {
            Op::Lt => measured < target,
            Op::Le => measured <= target,
            Op::Gt => measured > target,
            Op::Ge => measured >= target,
            Op::Eq => measured == target,
        }
    }
}

/// `op value`, e.g. `< 200`: a prediction's choice and a goal share it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Condition {
    pub op: Op,
    pub value: f64,
}

impl Condition {
    /// Judges a measurement against the condition, interval first (see the module comment).
    pub fn judge(&self, m: &Measure) -> GoalResult {
        let Some(v) = m.value else {
            return GoalResult {
                status: GoalStatus::NotMet,
                measured: None,
                interval: None,
            };
        };
        // A batch-means interval is centred on the batches' estimate, which can differ a little
        // from the whole run's figure: widen it to hold both, so a verdict never contradicts
        // the number shown next to it.
        let interval = m.interval.map(|(lo, hi)| (lo.min(v), hi.max(v)));
        let status = match (self.op, interval) {
            // Equality is for counts (lost_writes == 0): an interval never equals a number.
            (Op::Eq, _) | (_, None) => {
                if self.op.holds(v, self.value) {
                    GoalStatus::Met
                } else {
                    GoalStatus::NotMet
                }
            }
            (op, Some((lo, hi))) => match (op.holds(lo, self.value), op.holds(hi, self.value)) {
                (true, true) => GoalStatus::Met,
                (false, false) => GoalStatus::NotMet,
                _ => GoalStatus::Unsure,
            },
        };
        GoalResult {
            status,
            measured: Some(v),
            interval: if self.op == Op::Eq { None } else { interval },
        }
    }
}

/// What a goal asks for.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalKind {
    /// A figure of the report compared with a target.
    Metric {
        /// Dotted path into the report, e.g. `end_to_end.latency_ms.p99`.
        metric: String,
        op: Op,
        value: f64,
    },
    /// The diagram has no single point of failure (or, with `node`, that node is not one).
    NoSpof { node: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Goal {
    pub kind: GoalKind,
    /// Shown to the learner; without it a label is generated from the goal.
    pub label: Option<Text>,
}

impl Goal {
    pub fn metric(metric: &str, op: Op, value: f64) -> Goal {
        Goal {
            kind: GoalKind::Metric {
                metric: metric.to_owned(),
                op,
                value,
            },
            label: None,
        }
    }

    /// The goal in the learner's language (`"en"` or `"ko"`).
    pub fn label(&self, lang: &str) -> String {
        match &self.label {
            Some(t) => t.get(lang).to_owned(),
            None => super::labels::default_label(&self.kind, lang),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Met,
    NotMet,
    /// The 95 % interval straddles the target: run longer, or change the design more clearly.
    Unsure,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalResult {
    pub status: GoalStatus,
    /// The figure measured; `None` when the report has none (nothing completed, no such node).
    pub measured: Option<f64>,
    /// The 95 % interval the verdict used, widened to include `measured`.
    pub interval: Option<(f64, f64)>,
}

/// Judges one goal against a report serialised to JSON (`serde_json::to_value(report)`).
pub fn evaluate(goal: &Goal, report: &Value) -> GoalResult {
    match &goal.kind {
        GoalKind::Metric { metric, op, value } => Condition {
            op: *op,
            value: *value,
        }
        .judge(&measure(report, metric)),
        GoalKind::NoSpof { node } => {
            let spofs = report
                .get("spof")
                .and_then(|s| s.get("spofs"))
                .and_then(Value::as_array);
            let Some(spofs) = spofs else {
                return GoalResult {
                    status: GoalStatus::NotMet,
                    measured: None,
                    interval: None,
                };
            };
            let counted = spofs
                .iter()
                .filter(|f| match node {
                    None => true,
                    Some(id) => {
                        let e = &f["element"];
                        e["type"] == "node" && e["id"].as_str() == Some(id.as_str())
                    }
                })
                .count();
            GoalResult {
                status: if counted == 0 {
                    GoalStatus::Met
                } else {
                    GoalStatus::NotMet
                },
                measured: Some(counted as f64),
                interval: None,
            }
        }
    }
}

/// The report as JSON, the form goals read. Serialising plain data cannot fail; should it ever,
/// every goal reads as not met rather than the app stopping.
pub fn report_value(report: &Report) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// Judges one goal against a report.
pub fn evaluate_report(goal: &Goal, report: &Report) -> GoalResult {
    evaluate(goal, &report_value(report))
}

/// Judges every goal against one report, serialising it once.
pub fn evaluate_all(goals: &[Goal], report: &Report) -> Vec<GoalResult> {
    let v = report_value(report);
    goals.iter().map(|g| evaluate(g, &v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A hand-made report: p99 120 ms with interval [110, 130]; 100 of 10 000 requests failed.
    fn report() -> Value {
        json!({
            "end_to_end": {
                "completed": 9900, "failed": 100, "error_rate": 0.01,
                "throughput": 165.0, "cost_per_hour": 0.4, "lost_writes": 0,
                "latency_ms": { "p99": 120.0, "mean": 40.0, "p95": null },
                "ci95": { "p99_ms": { "low": 110.0, "high": 130.0 }, "mean_ms": null }
            },
            "nodes": { "api": { "utilization": 0.75 } },
            "spof": { "spofs": [ { "element": { "type": "node", "id": "lb" } } ], "risks": [] }
        })
    }

    fn status(metric: &str, op: Op, value: f64) -> GoalStatus {
        evaluate(&Goal::metric(metric, op, value), &report()).status
    }

    #[test]
    fn an_interval_decides_met_not_met_or_unsure() {
        let p99 = "end_to_end.latency_ms.p99";
        assert_eq!(status(p99, Op::Lt, 200.0), GoalStatus::Met);
        assert_eq!(status(p99, Op::Lt, 131.0), GoalStatus::Met);
        assert_eq!(status(p99, Op::Lt, 125.0), GoalStatus::Unsure);
        assert_eq!(status(p99, Op::Lt, 100.0), GoalStatus::NotMet);
        assert_eq!(status(p99, Op::Lt, 110.0), GoalStatus::NotMet);
        assert_eq!(status(p99, Op::Le, 110.0), GoalStatus::Unsure);
        assert_eq!(status(p99, Op::Gt, 100.0), GoalStatus::Met);
        assert_eq!(status(p99, Op::Ge, 130.0), GoalStatus::Unsure);
        assert_eq!(status(p99, Op::Gt, 130.0), GoalStatus::NotMet);
        let r = evaluate(&Goal::metric(p99, Op::Lt, 125.0), &report());
        assert_eq!(r.measured, Some(120.0));
        assert_eq!(r.interval, Some((110.0, 130.0)));
    }

    #[test]
    fn the_interval_is_widened_to_hold_the_measured_value() {
        let mut r = report();
        r["end_to_end"]["latency_ms"]["p99"] = json!(135.0);
        let g = Goal::metric("end_to_end.latency_ms.p99", Op::Lt, 132.0);
        let got = evaluate(&g, &r);
        assert_eq!(got.status, GoalStatus::Unsure);
        assert_eq!(got.interval, Some((110.0, 135.0)));
    }

    #[test]
    fn rates_use_a_wilson_interval_from_the_counts() {
        // 1 % measured, Wilson ≈ [0.82 %, 1.2 %].
        assert_eq!(
            status("end_to_end.error_rate", Op::Lt, 0.02),
            GoalStatus::Met
        );
        assert_eq!(
            status("end_to_end.error_rate", Op::Lt, 0.011),
            GoalStatus::Unsure
        );
        assert_eq!(
            status("end_to_end.error_rate", Op::Lt, 0.005),
            GoalStatus::NotMet
        );
        assert_eq!(
            status("end_to_end.error_rate", Op::Gt, 0.005),
            GoalStatus::Met
        );
    }

    #[test]
    fn figures_without_an_interval_compare_the_point() {
        assert_eq!(
            status("end_to_end.latency_ms.mean", Op::Lt, 40.1),
            GoalStatus::Met
        );
        assert_eq!(
            status("end_to_end.latency_ms.mean", Op::Lt, 40.0),
            GoalStatus::NotMet
        );
        assert_eq!(
            status("nodes.api.utilization", Op::Le, 0.75),
            GoalStatus::Met
        );
        assert_eq!(
            status("end_to_end.cost_per_hour", Op::Gt, 0.5),
            GoalStatus::NotMet
        );
        assert_eq!(
            status("end_to_end.lost_writes", Op::Eq, 0.0),
            GoalStatus::Met
        );
        assert_eq!(
            status("end_to_end.throughput", Op::Eq, 160.0),
            GoalStatus::NotMet
        );
    }

    #[test]
    fn a_missing_figure_is_not_met_without_a_measurement() {
        for path in [
            "end_to_end.latency_ms.p95",
            "nodes.ghost.utilization",
            "nope",
        ] {
            let r = evaluate(&Goal::metric(path, Op::Lt, 1e9), &report());
            assert_eq!(r.status, GoalStatus::NotMet, "{path}");
            assert_eq!(r.measured, None, "{path}");
        }
    }

    #[test]
    fn no_spof_reads_the_analysis() {
        let any = Goal {
            kind: GoalKind::NoSpof { node: None },
            label: None,
        };
        let r = evaluate(&any, &report());
        assert_eq!((r.status, r.measured), (GoalStatus::NotMet, Some(1.0)));
        let lb = Goal {
            kind: GoalKind::NoSpof {
                node: Some("lb".into()),
            },
            label: None,
        };
        assert_eq!(evaluate(&lb, &report()).status, GoalStatus::NotMet);
        let api = Goal {
            kind: GoalKind::NoSpof {
                node: Some("api".into()),
            },
            label: None,
        };
        assert_eq!(evaluate(&api, &report()).status, GoalStatus::Met);
        let mut clean = report();
        clean["spof"]["spofs"] = json!([]);
        assert_eq!(evaluate(&any, &clean).status, GoalStatus::Met);
        assert_eq!(evaluate(&any, &json!({})).status, GoalStatus::NotMet);
    }
}
