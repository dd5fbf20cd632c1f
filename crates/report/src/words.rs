//! The report's text in English and Korean.
//!
//! Written in English at the call site — `t(lang, "Throughput")` — and looked up here when
//! Korean is chosen, as the app's `tr` does. The report is built natively by the CLI, which
//! cannot reach the app's tables, so it keeps its own; the app has a test that every sentence
//! both tables know reads the same in both, so a report and the editor never word a thing
//! differently.

use scaleboard_sim::ComponentKind;

/// The language of the page (and of the app, which uses this same type: stored in settings
/// and links, hence serde).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// `en` or `ko`: the page's `lang` attribute and the CLI's `--lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The other language (the app's toolbar toggle).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }
}

/// Every English text of the report with its Korean.
pub const PAIRS: &[(&str, &str)] = &[
    ("Run report", "실행 보고서"),
    ("Scaleboard run report", "Scaleboard 실행 보고서"),
    ("Untitled design", "제목 없는 설계"),
    ("seed {}", "시드 {}"),
    ("{} simulated", "시뮬레이션 {}"),
    (
        "statistics over {} after {} of warm-up",
        "워밍업 {} 이후 {} 동안의 통계",
    ),
    ("{} events", "이벤트 {}개"),
    ("Key figures", "핵심 지표"),
    ("Throughput", "처리량"),
    ("Offered load", "들어온 부하"),
    ("Error rate", "오류율"),
    ("Mean latency", "평균 지연 시간"),
    ("Requests", "요청"),
    ("{} completed · {} failed", "{}개 완료 · {}개 실패"),
    ("Cost", "비용"),
    ("95 % confidence interval", "95% 신뢰 구간"),
    (
        "not enough data for an interval",
        "구간을 낼 만큼 데이터가 없음",
    ),
    ("Service level objective", "서비스 수준 목표"),
    ("SLO met", "서비스 수준 목표 달성"),
    ("SLO missed", "서비스 수준 목표 미달"),
    (
        "{} of requests succeeded (target {})",
        "요청의 {} 성공 (목표 {})",
    ),
    ("p99 {} (target {})", "p99 {} (목표 {})"),
    ("error budget used: {}", "사용한 오류 예산: {}"),
    ("Over time", "시간에 따른 변화"),
    ("Throughput (req/s)", "처리량 (요청/초)"),
    ("p99 latency (ms)", "p99 지연 시간 (ms)"),
    ("Errors (%)", "오류 (%)"),
    ("no samples yet", "아직 표본 없음"),
    ("Single points of failure", "단일 장애 지점"),
    (
        "None: every client survives any one failure.",
        "없음: 어떤 한 곳이 고장 나도 모든 클라이언트가 살아남습니다.",
    ),
    ("and {} more", "외 {}개"),
    ("Chaos events", "카오스 이벤트"),
    ("None scripted.", "예약된 이벤트가 없습니다."),
    ("not reached yet", "아직 도달하지 않음"),
    ("req/s", "요청/초"),
    ("busy", "사용률"),
    ("down", "다운"),
    // Shared with the app (its `tr` tables hold the same Korean, checked by an app test).
    ("Client", "클라이언트"),
    ("Load balancer", "로드밸런서"),
    ("Server", "서버"),
    ("Cache", "캐시"),
    ("Database", "데이터베이스"),
    ("Shard router", "샤드 라우터"),
    ("Traffic manager", "트래픽 매니저"),
    ("CDN", "CDN"),
    ("Message queue", "메시지 큐"),
    ("Batch job", "배치 작업"),
    (
        "zone {} holds everything some request path needs",
        "영역 {}에 어떤 요청 경로에 필요한 모든 것이 들어 있습니다",
    ),
    (
        "{} is a lone load balancer with no standby",
        "{}은(는) 대기 장비 없는 단독 로드밸런서입니다",
    ),
    (
        "{} is a single server instance",
        "{}은(는) 인스턴스가 하나뿐인 서버입니다",
    ),
    (
        "{}: a dead instance keeps getting traffic (no health-checked load balancer in front)",
        "{}: 죽은 인스턴스에도 트래픽이 계속 갑니다 (앞에 헬스 체크하는 로드밸런서가 없음)",
    ),
    (
        "{} is a database with no replica to fail over to",
        "{}은(는) 페일오버할 레플리카가 없는 데이터베이스입니다",
    ),
    (
        "{} has replicas, but failover is off: none is ever promoted",
        "{}에 레플리카가 있지만 페일오버가 꺼져 있어 승격되지 않습니다",
    ),
    (
        "{}: writes fail while its primary fails over",
        "{}: 프라이머리 페일오버 동안 쓰기가 실패합니다",
    ),
    (
        "{} is a lone cache every request passes through",
        "{}은(는) 모든 요청이 지나가는 단독 캐시입니다",
    ),
    (
        "{} is a lone shard router",
        "{}은(는) 단독 샤드 라우터입니다",
    ),
    (
        "every request path goes through {}",
        "모든 요청 경로가 {}을(를) 지납니다",
    ),
    ("kill {}", "{} 종료"),
    ("revive {}", "{} 복구"),
    ("slow {} down ×{}", "{} 느리게 ×{}"),
    ("{} fails {} % of requests", "{}에서 요청의 {}% 실패"),
    ("cut the network on {}", "{} 네트워크 차단"),
    ("heal the network on {}", "{} 네트워크 복구"),
    ("cut zone {} off the network", "영역 {} 네트워크 분할"),
    ("reconnect zone {}", "영역 {} 네트워크 재연결"),
    (
        "cut region {} off from the other regions",
        "리전 {}을(를) 다른 리전과 분리",
    ),
    ("reconnect region {}", "리전 {} 다시 연결"),
    ("zone {} goes down", "영역 {} 장애"),
    ("zone {} comes back", "영역 {} 복구"),
    ("traffic ×{} (all clients)", "트래픽 ×{} (모든 클라이언트)"),
];

/// `en` in `lang`. An English text missing from [`PAIRS`] is shown as is (a test keeps every
/// call site's text in the table).
pub fn t(lang: Lang, en: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => PAIRS
            .iter()
            .find(|(e, _)| *e == en)
            .map_or(en, |(_, ko)| ko),
    }
}

/// Replaces each `{}` in `pattern` with the next value.
pub fn fill(pattern: &str, values: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    let mut values = values.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        if let Some(v) = values.next() {
            out.push_str(&v.to_string());
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// The kind's name, as the palette and the inspector call it.
pub fn kind_name(lang: Lang, kind: ComponentKind) -> &'static str {
    t(
        lang,
        match kind {
            ComponentKind::Client => "Client",
            ComponentKind::LoadBalancer => "Load balancer",
            ComponentKind::Server => "Server",
            ComponentKind::Cache => "Cache",
            ComponentKind::Database => "Database",
            ComponentKind::ShardRouter => "Shard router",
            ComponentKind::TrafficManager => "Traffic manager",
            ComponentKind::Cdn => "CDN",
            ComponentKind::Queue => "Message queue",
            ComponentKind::BatchJob => "Batch job",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t(…, "…")` literal in this crate's sources is in the table, in both languages.
    #[test]
    fn every_report_text_has_korean() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("t(lang, \"") {
                rest = &rest[i + 9..];
                let end = rest.find('"').unwrap();
                let literal = &rest[..end];
                checked += 1;
                assert!(
                    PAIRS.iter().any(|(e, ko)| *e == literal && !ko.is_empty()),
                    "{}: no Korean for {literal:?}",
                    path.display()
                );
            }
        }
        assert!(
            checked > 20,
            "found only {checked} texts: is the scan broken?"
        );
        let mut seen = std::collections::BTreeSet::new();
        for (en, _) in PAIRS {
            assert!(seen.insert(en), "{en:?} twice");
        }
    }

    #[test]
    fn fill_places_values_in_order_and_keeps_the_rest() {
        assert_eq!(fill("{} of {}", &[&1, &"two"]), "1 of two");
        assert_eq!(fill("none", &[&1]), "none");
        assert_eq!(t(Lang::Ko, "Throughput"), "처리량");
        assert_eq!(kind_name(Lang::Ko, ComponentKind::Queue), "메시지 큐");
    }
}
