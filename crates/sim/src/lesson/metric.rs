//! Metrics: dotted paths into the serialised [`Report`](crate::Report), what they measure, and
//! the 95 % interval around the measurement when the report allows one.
//!
//! A path names the report's JSON keys, e.g. `end_to_end.latency_ms.p99` or
//! `nodes.api.cache.hit_ratio`. Node ids and edge names may themselves contain dots, so a
//! segment is matched against the keys of the object it is in, the longest match first. List
//! items are addressed by number (`nodes.db.database.members.0.lag_ms`).

use serde_json::{Map, Value};

/// Maps whose keys appear only once something happened (a failure cause, a rejection): a key
/// they lack counts 0.
const COUNT_MAPS: &[&str] = &["failures", "failures_by_node", "rejected"];

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// What a metric measured in one report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measure {
    /// `None`: the report has no figure (nothing completed, no such node).
    pub value: Option<f64>,
    /// 95 % interval (low, high) when the report gives or allows one.
    pub interval: Option<(f64, f64)>,
}

/// The values met on the way down a path: the root first, the metric's value last.
fn walk<'a>(report: &'a Value, path: &str) -> Option<Vec<(&'a str, &'a Value)>> {
    let mut chain: Vec<(&str, &Value)> = vec![("", report)];
    let mut rest = path;
    let mut here = report;
    while !rest.is_empty() {
        let (key, value, after) = step(here, rest)?;
        chain.push((key, value));
        here = value;
        rest = after;
    }
    Some(chain)
}

/// Follows one segment of `rest` from `here`: the key, the value and what remains.
fn step<'a, 'r>(here: &'a Value, rest: &'r str) -> Option<(&'a str, &'a Value, &'r str)> {
    match here {
        Value::Object(map) => {
            // Longest key first, so that "nodes.web.1" finds a node "web.1" if there is one.
            let mut cut = rest.len();
            loop {
                let candidate = &rest[..cut];
                if let Some((k, v)) = map.get_key_value(candidate) {
                    let after = rest[cut..].strip_prefix('.').unwrap_or("");
                    return Some((k.as_str(), v, after));
                }
                cut = rest[..cut].rfind('.')?;
            }
        }
        Value::Array(items) => {
            let (index, after) = rest.split_once('.').unwrap_or((rest, ""));
            let v = items.get(index.parse::<usize>().ok()?)?;
            Some(("", v, after))
        }
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// The value of a metric in a report, with its interval.
pub fn measure(report: &Value, path: &str) -> Measure {
    let Some(chain) = walk(report, path) else {
        return missing_count(report, path);
    };
    let Some(&(key, leaf)) = chain.last() else {
        return Measure::default();
    };
    let value = number(leaf);
    if value.is_none() {
        return Measure::default();
    }
    let parent = |up: usize| chain.len().checked_sub(up + 1).map(|i| chain[i].1);
    let interval = match key {
        // Latency statistics with a batch-means interval next to them.
        "p99" | "mean" if chain.len() >= 3 && chain[chain.len() - 2].0 == "latency_ms" => parent(2)
            .and_then(|owner| {
                let ci = owner
                    .get("ci95")?
                    .get(if key == "p99" { "p99_ms" } else { "mean_ms" })?;
                Some((number(ci.get("low")?)?, number(ci.get("high")?)?))
            }),
        // Rates counted from independent-looking trials: a Wilson score interval.
        "error_rate" if chain.len() == 3 && chain[1].0 == "end_to_end" => parent(1).and_then(|e| {
            let failed = count(e, "failed")?;
            wilson(failed, failed + count(e, "completed")?)
        }),
        "stale_read_rate" if chain.len() == 3 && chain[1].0 == "end_to_end" => {
            parent(1).and_then(|e| wilson(count(e, "stale_reads")?, count(e, "reads")?))
        }
        "success_ratio" if chain.len() >= 2 && chain[chain.len() - 2].0 == "slo" => parent(2)
            .and_then(|e| {
                let ok = count(e, "completed")?;
                wilson(ok, ok + count(e, "failed")?)
            }),
        "hit_ratio" if chain.len() >= 2 && chain[chain.len() - 2].0 == "cache" => parent(1)
            .and_then(|c| {
                let hits = count(c, "hits")?;
                wilson(hits, hits + count(c, "misses")?)
            }),
        _ => None,
    };
    Measure { value, interval }
}

/// A cause absent from a count map (`end_to_end.failures.timeout`) happened 0 times.
fn missing_count(report: &Value, path: &str) -> Measure {
    let zero = Measure {
        value: Some(0.0),
        interval: None,
    };
    for map in COUNT_MAPS {
        let marker = format!("{map}.");
        let Some(at) = path.rfind(&marker) else {
            continue;
        };
        let owner = &path[..at + map.len()];
        if let Some(chain) = walk(report, owner) {
            if chain.last().is_some_and(|(_, v)| v.is_object()) {
                return zero;
            }
        }
    }
    Measure::default()
}

fn count(owner: &Value, key: &str) -> Option<u64> {
    owner.get(key)?.as_u64()
}

/// The Wilson score 95 % interval of `successes` out of `trials` (none without trials).
pub fn wilson(successes: u64, trials: u64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 and at n the bound is exactly 0 or 1; rounding would leave a speck.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some((low, high))
}

/// Checks that `path` names a number in reports shaped like `skeleton` (the report of a diagram
/// before it has run). A path reaching a value still empty (`null`) is accepted — a figure
/// appears once requests complete — and so is a cause of a count map.
pub fn check_path(skeleton: &Value, path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the metric is empty".into());
    }
    let mut here = skeleton;
    let mut rest = path;
    let mut walked = String::new();
    while !rest.is_empty() {
        if here.is_null() || (here.is_object() && COUNT_MAPS.contains(&last_key(&walked))) {
            return Ok(());
        }
        let Some((key, value, after)) = step(here, rest) else {
            return Err(unknown(here, &walked, rest));
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(if key.is_empty() {
            rest.split('.').next().unwrap_or("")
        } else {
            key
        });
        here = value;
        rest = after;
    }
    match here {
        Value::Number(_) | Value::Bool(_) | Value::Null => Ok(()),
        Value::Object(map) => Err(format!(
            "'{path}' is a group of figures, not a number; name one of: {}",
            keys(map)
        )),
        _ => Err(format!("'{path}' is not a number")),
    }
}

fn last_key(walked: &str) -> &str {
    walked.rsplit('.').next().unwrap_or("")
}

fn keys(map: &Map<String, Value>) -> String {
    let mut k: Vec<&str> = map.keys().map(String::as_str).collect();
    if k.len() > 24 {
        k.truncate(24);
        k.push("…");
    }
    k.join(", ")
}

/// Explains where a path left the report.
fn unknown(here: &Value, walked: &str, rest: &str) -> String {
    let segment = rest.split('.').next().unwrap_or(rest);
    let at = if walked.is_empty() {
        "the report".to_owned()
    } else {
        format!("'{walked}'")
    };
    match here {
        Value::Object(map) if walked == "nodes" => {
            format!("there is no node '{segment}' (nodes: {})", keys(map))
        }
        Value::Object(map) if walked == "edges" => {
            format!("there is no edge '{segment}' (edges: {})", keys(map))
        }
        Value::Object(map) if walked.starts_with("nodes.") && walked.matches('.').count() == 1 => {
            format!(
                "{at} has no '{segment}' (this kind of node reports: {})",
                keys(map)
            )
        }
        Value::Object(map) => format!("{at} has no '{segment}' (it has: {})", keys(map)),
        Value::Array(items) => format!(
            "{at} is a list of {} item(s): '{segment}' is not an index in it",
            items.len()
        ),
        _ => format!("{at} is a number: it has no '{segment}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> Value {
        json!({
            "end_to_end": {
                "completed": 9900, "failed": 100, "error_rate": 0.01,
                "reads": 1000, "stale_reads": 0, "stale_read_rate": 0.0,
                "latency_ms": { "p99": 120.0, "mean": 40.0, "p50": null },
                "ci95": { "p99_ms": { "low": 110.0, "high": 130.0 }, "mean_ms": null },
                "failures": { "timeout": 100 },
                "slo": { "success_ratio": 0.99, "met": false }
            },
            "nodes": {
                "web.1": { "utilization": 0.5, "cache": { "hits": 90, "misses": 10, "hit_ratio": 0.9 } },
                "web": { "utilization": 0.7 },
                "db": { "database": { "members": [ { "lag_ms": 3.0 } ] } }
            }
        })
    }

    #[test]
    fn paths_follow_keys_with_dots_and_list_indices() {
        let r = report();
        assert_eq!(measure(&r, "nodes.web.1.utilization").value, Some(0.5));
        assert_eq!(measure(&r, "nodes.web.utilization").value, Some(0.7));
        assert_eq!(
            measure(&r, "nodes.db.database.members.0.lag_ms").value,
            Some(3.0)
        );
        assert_eq!(measure(&r, "end_to_end.slo.met").value, Some(0.0));
        assert_eq!(measure(&r, "nodes.ghost.utilization").value, None);
        assert_eq!(measure(&r, "end_to_end.latency_ms.p50").value, None);
        // A cause that never happened counts 0; one that did counts.
        assert_eq!(
            measure(&r, "end_to_end.failures.queue_full").value,
            Some(0.0)
        );
        assert_eq!(
            measure(&r, "end_to_end.failures.timeout").value,
            Some(100.0)
        );
    }

    #[test]
    fn intervals_come_from_the_report_or_from_counts() {
        let r = report();
        let p99 = measure(&r, "end_to_end.latency_ms.p99");
        assert_eq!(p99.interval, Some((110.0, 130.0)));
        // No interval reported (too few batches): none invented.
        assert_eq!(measure(&r, "end_to_end.latency_ms.mean").interval, None);
        let (lo, hi) = measure(&r, "end_to_end.error_rate").interval.unwrap();
        assert!(
            lo < 0.01 && 0.01 < hi && lo > 0.008 && hi < 0.0125,
            "{lo} {hi}"
        );
        let (lo, hi) = measure(&r, "nodes.web.1.cache.hit_ratio").interval.unwrap();
        assert!(lo > 0.8 && hi < 0.95, "{lo} {hi}");
        let (lo, hi) = measure(&r, "end_to_end.stale_read_rate").interval.unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.004, "{hi}");
        assert!(measure(&r, "end_to_end.slo.success_ratio")
            .interval
            .is_some());
        assert_eq!(measure(&r, "nodes.web.utilization").interval, None);
    }

    #[test]
    fn wilson_matches_a_known_value() {
        // 10 of 100: Wilson 95 % ≈ [0.0552, 0.1744].
        let (lo, hi) = wilson(10, 100).unwrap();
        assert!((lo - 0.0552).abs() < 1e-3 && (hi - 0.1744).abs() < 1e-3);
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(5, 4), None);
    }

    #[test]
    fn paths_are_checked_against_the_shape_of_a_report() {
        let r = report();
        assert!(check_path(&r, "end_to_end.latency_ms.p99").is_ok());
        assert!(check_path(&r, "end_to_end.latency_ms.p50").is_ok());
        assert!(check_path(&r, "end_to_end.ci95.mean_ms.low").is_ok());
        assert!(check_path(&r, "end_to_end.failures.anything").is_ok());
        let e = check_path(&r, "nodes.ghost.utilization").unwrap_err();
        assert!(e.contains("no node 'ghost'"), "{e}");
        let e = check_path(&r, "end_to_end.latency").unwrap_err();
        assert!(e.contains("has no 'latency'"), "{e}");
        let e = check_path(&r, "end_to_end.latency_ms").unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        let e = check_path(&r, "end_to_end.error_rate.x").unwrap_err();
        assert!(e.contains("is a number"), "{e}");
        assert!(check_path(&r, "").is_err());
    }
}
