//! Readable default labels for goals without one, in English and Korean.
//!
//! Authors may label every goal, but a missing label must still read as a sentence a learner
//! understands ("End-to-end p99 latency < 200 ms"), never as a JSON path.

use super::goals::{GoalKind, Op};

/// How a figure is written.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Ms,
    /// A 0–1 share shown in percent.
    Percent,
    Rps,
    DollarsPerHour,
    Dollars,
    Count,
    Times,
    /// A yes/no figure (1 = yes).
    Flag,
}

/// What a report figure is called, by its last key (and the key above it for latencies).
fn figure(parent: &str, leaf: &str) -> Option<(String, String, Unit)> {
    let latency = |en: &str, ko: &str| -> Option<(String, String, Unit)> {
        let (q_en, q_ko) = match leaf {
            "mean" => ("mean".to_owned(), "평균".to_owned()),
            "max" => ("maximum".to_owned(), "최대".to_owned()),
            "p999" => ("p99.9".to_owned(), "p99.9".to_owned()),
            p if p.starts_with('p') => (p.to_owned(), p.to_owned()),
            _ => return None,
        };
        Some((format!("{q_en} {en}"), format!("{q_ko} {ko}"), Unit::Ms))
    };
    match parent {
        "latency_ms" => return latency("latency", "응답 시간"),
        "read_latency_ms" => return latency("read latency", "읽기 응답 시간"),
        "write_latency_ms" => return latency("write latency", "쓰기 응답 시간"),
        "staleness_ms" => return latency("staleness", "데이터 지연"),
        "failures" | "rejected" => {
            return Some((
                format!("failed requests ({leaf})"),
                format!("실패한 요청 ({leaf})"),
                Unit::Count,
            ))
        }
        _ => {}
    }
    let (en, ko, unit) = match leaf {
        "error_rate" => ("error rate", "오류율", Unit::Percent),
        "throughput" => ("throughput", "처리량", Unit::Rps),
        "offered_rps" => ("offered load", "들어오는 요청량", Unit::Rps),
        "arrival_rate" => ("arrival rate", "도착률", Unit::Rps),
        "cost_per_hour" => ("cost", "비용", Unit::DollarsPerHour),
        "cost_total" => ("total cost", "총비용", Unit::Dollars),
        "stale_read_rate" => ("stale-read rate", "오래된 데이터 읽기 비율", Unit::Percent),
        "stale_reads" => ("stale reads", "오래된 데이터 읽기", Unit::Count),
        "lost_writes" => ("lost writes", "유실된 쓰기", Unit::Count),
        "ryw_violations" => (
            "read-your-writes violations",
            "자기 쓰기 읽기 위반",
            Unit::Count,
        ),
        "hit_ratio" => ("cache hit ratio", "캐시 적중률", Unit::Percent),
        "utilization" => ("utilization", "사용률", Unit::Percent),
        "cpu_utilization" => ("CPU utilization", "CPU 사용률", Unit::Percent),
        "queue_length" => ("queue length", "대기열 길이", Unit::Count),
        "wait_ms_mean" => ("mean wait", "평균 대기 시간", Unit::Ms),
        "success_ratio" => ("success ratio", "성공률", Unit::Percent),
        "error_budget_burn" => ("error-budget burn", "에러 버짓 소진 속도", Unit::Times),
        "retries" => ("retries", "재시도", Unit::Count),
        "timeouts" => ("timeouts", "타임아웃", Unit::Count),
        "failed" => ("failed requests", "실패한 요청", Unit::Count),
        "completed" => ("completed requests", "완료된 요청", Unit::Count),
        "instances" => ("instances", "인스턴스 수", Unit::Count),
        "conflicts" => ("write conflicts", "쓰기 충돌", Unit::Count),
        "failovers" => ("failovers", "페일오버", Unit::Count),
        "lag_ms" => ("replication lag", "복제 지연", Unit::Ms),
        "met" => ("SLO met", "SLO 충족", Unit::Flag),
        "up" => ("up", "동작 중", Unit::Flag),
        _ => return None,
    };
    Some((en.to_owned(), ko.to_owned(), unit))
}

/// A number without needless digits: 200, 0.5, 1.25.
fn num(v: f64) -> String {
    let s = format!("{:.3}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

fn amount(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms => format!("{} ms", num(v)),
        Unit::Percent => format!("{}%", num(v * 100.0)),
        Unit::Rps => format!("{} req/s", num(v)),
        Unit::DollarsPerHour => format!("${}/h", num(v)),
        Unit::Dollars => format!("${}", num(v)),
        Unit::Count | Unit::Flag => num(v),
        Unit::Times => format!("{}×", num(v)),
    }
}

/// The label of a goal without an authored one.
pub fn default_label(kind: &GoalKind, lang: &str) -> String {
    let ko = lang == "ko";
    match kind {
        GoalKind::NoSpof { node: None } => if ko {
            "단일 장애 지점(SPOF) 없음"
        } else {
            "No single point of failure"
        }
        .to_owned(),
        GoalKind::NoSpof { node: Some(id) } => {
            if ko {
                format!("{id}: 단일 장애 지점(SPOF)이 아님")
            } else {
                format!("{id} is not a single point of failure")
            }
        }
        GoalKind::Metric { metric, op, value } => metric_label(metric, *op, *value, ko),
    }
}

fn metric_label(metric: &str, op: Op, value: f64, ko: bool) -> String {
    let segments: Vec<&str> = metric.split('.').collect();
    let leaf = segments.last().copied().unwrap_or("");
    let parent = segments
        .len()
        .checked_sub(2)
        .and_then(|i| segments.get(i))
        .copied()
        .unwrap_or("");
    let Some((en, kr, unit)) = figure(parent, leaf) else {
        return format!("{metric} {} {}", op.display(), num(value));
    };
    // Whose figure: the whole system, or a node (whose id may hold dots: everything between
    // "nodes." and the figure's own keys).
    let scope = match segments.first().copied() {
        Some("end_to_end") => None,
        Some("nodes") if segments.len() >= 3 => {
            let inner = match parent {
                "latency_ms" | "read_latency_ms" | "write_latency_ms" | "rejected" | "cache"
                | "database" | "client" | "router" => 2,
                _ => 1,
            };
            let end = segments.len().saturating_sub(inner).max(2);
            Some(segments[1..end].join("."))
        }
        _ => None,
    };
    if unit == Unit::Flag {
        let yes = value != 0.0;
        let negate = match op {
            Op::Eq => !yes,
            Op::Lt => value <= 1.0,
            Op::Le => value < 1.0,
            Op::Gt | Op::Ge => false,
        };
        let what = match (&scope, ko) {
            (Some(id), true) => format!("{id}: {kr}"),
            (Some(id), false) => format!("{id}: {en}"),
            (None, true) => kr,
            (None, false) => en,
        };
        return match (negate, ko) {
            (false, _) => what,
            (true, true) => format!("{what} 아님"),
            (true, false) => format!("not {what}"),
        };
    }
    let amount = amount(value, unit);
    match (scope, ko) {
        (None, false) if metric.starts_with("end_to_end") => {
            format!("End-to-end {en} {} {amount}", op.display())
        }
        (None, false) => format!("{} {} {amount}", capitalise(&en), op.display()),
        (None, true) => {
            let prefix = if metric.starts_with("end_to_end") {
                "전체 "
            } else {
                ""
            };
            format!("{prefix}{kr} {} {amount}", op.display())
        }
        (Some(id), false) => format!("{id}: {en} {} {amount}", op.display()),
        (Some(id), true) => format!("{id}: {kr} {} {amount}", op.display()),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(metric: &str, op: Op, value: f64, lang: &str) -> String {
        default_label(
            &GoalKind::Metric {
                metric: metric.into(),
                op,
                value,
            },
            lang,
        )
    }

    #[test]
    fn labels_read_as_sentences_in_both_languages() {
        let p99 = "end_to_end.latency_ms.p99";
        assert_eq!(
            label(p99, Op::Lt, 200.0, "en"),
            "End-to-end p99 latency < 200 ms"
        );
        assert_eq!(
            label(p99, Op::Lt, 200.0, "ko"),
            "전체 p99 응답 시간 < 200 ms"
        );
        assert_eq!(
            label("end_to_end.error_rate", Op::Le, 0.01, "en"),
            "End-to-end error rate ≤ 1%"
        );
        assert_eq!(
            label("end_to_end.cost_per_hour", Op::Lt, 0.5, "ko"),
            "전체 비용 < $0.5/h"
        );
        assert_eq!(
            label("nodes.api.utilization", Op::Lt, 0.8, "en"),
            "api: utilization < 80%"
        );
        assert_eq!(
            label("nodes.web.1.cache.hit_ratio", Op::Gt, 0.5, "ko"),
            "web.1: 캐시 적중률 > 50%"
        );
        assert_eq!(
            label("nodes.api.latency_ms.mean", Op::Lt, 20.0, "en"),
            "api: mean latency < 20 ms"
        );
        assert_eq!(label("end_to_end.slo.met", Op::Eq, 1.0, "en"), "SLO met");
        assert_eq!(
            label("end_to_end.failures.timeout", Op::Eq, 0.0, "en"),
            "End-to-end failed requests (timeout) = 0"
        );
        assert_eq!(
            label("nodes.users.retries", Op::Lt, 100.0, "ko"),
            "users: 재시도 < 100"
        );
        assert_eq!(
            label("nodes.users.timeouts", Op::Eq, 0.0, "en"),
            "users: timeouts = 0"
        );
        assert_eq!(label("seed", Op::Gt, 1.0, "en"), "seed > 1");
        assert_eq!(
            default_label(&GoalKind::NoSpof { node: None }, "ko"),
            "단일 장애 지점(SPOF) 없음"
        );
    }
}
