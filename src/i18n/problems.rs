//! The engine's problems (validation, refused connections, unreadable files) in the reader's
//! language.
//!
//! The engine gives every [`Problem`] a stable `code` and the values it names (`params`); its
//! English `message` is for the command line and files. Here each code has an English and a
//! Korean template: `{}` takes the next param, `{0}`, `{1}`… a param by position (Korean word order
//! or a file's serde text may need them out of order, or not at all). A test checks that every
//! code the engine can produce is here, and that the English templates say exactly what the
//! engine's messages say.

use super::{tr, Lang};
use scaleboard_sim::diagram::{Location, Problem, Severity};

/// Declares the templates: `templates(code) -> Option<(en, ko)>`, and the list of codes.
macro_rules! problem_templates {
    ($($code:literal => $en:literal, $ko:literal;)*) => {
        fn templates(code: &str) -> Option<(&'static str, &'static str)> {
            match code {
                $($code => Some(($en, $ko)),)*
                _ => None,
            }
        }

        #[cfg(test)]
        const CODES: &[&str] = &[$($code,)*];
    };
}

problem_templates! {
    "partition_mode_multi_primary" => "partition modes (cp, ap) need a single primary",
        "분할 모드(cp, ap)는 주 노드가 하나여야 합니다";
    // Request classes and L7 routing.
    "class_without_name" => "a request class needs a name", "요청 종류에는 이름이 필요합니다";
    "duplicate_class_name" => "another class of this client is called '{}'",
        "이 클라이언트에 '{}'(이)라는 요청 종류가 이미 있습니다";
    "path_not_absolute" => "must be a path starting with '/' (got '{}')",
        "'/'로 시작하는 경로여야 합니다 (입력값 '{}')";
    "bad_method" => "must be an HTTP method such as GET or POST (got '{}')",
        "GET, POST 같은 HTTP 메서드여야 합니다 (입력값 '{}')";
    "class_shares_zero" => "the class shares add up to 0: give some class a share above 0",
        "요청 종류 비율의 합이 0입니다: 한 종류 이상에 0보다 큰 비율을 주세요";
    "class_shares_normalised" => "the class shares add up to {}, not 1: each is divided by the total",
        "요청 종류 비율의 합이 1이 아니라 {}입니다: 각 비율을 합계로 나눠 씁니다";
    "rules_on_l4" => "routing rules need an L7 load balancer: this L4 one ignores them (set layer to l7)",
        "라우팅 규칙은 L7 로드 밸런서에서만 동작합니다: 이 L4 로드 밸런서는 규칙을 무시합니다 (layer를 l7로 바꾸세요)";
    "rule_without_targets" => "a routing rule needs at least one target",
        "라우팅 규칙에는 대상이 하나 이상 필요합니다";
    "rule_target_not_backend" => "'{}' is not a backend of this load balancer: draw an edge to it first",
        "'{}'은(는) 이 로드 밸런서의 백엔드가 아닙니다: 먼저 연결선을 그리세요";
    // A field's value.
    "not_finite" => "must be a finite number (got {})", "유한한 숫자여야 합니다 (입력값 {})";
    "negative" => "must not be negative (got {})", "음수일 수 없습니다 (입력값 {})";
    "not_positive" => "must be greater than 0 (got {})", "0보다 커야 합니다 (입력값 {})";
    "not_fraction" => "must be between 0 and 1 (got {})", "0과 1 사이여야 합니다 (입력값 {})";
    "at_most" => "must be at most {} (got {})", "{} 이하여야 합니다 (입력값 {})";
    "at_least" => "must be at least {} (got {})", "{} 이상이어야 합니다 (입력값 {})";
    "at_least_capacity" => "must be at least {}: zero capacity (got {})",
        "{} 이상이어야 합니다: 0이면 처리 용량이 없습니다 (입력값 {})";
    "at_least_keys" => "must be at least {}: requests need keys (got {})",
        "{} 이상이어야 합니다: 요청에는 키가 필요합니다 (입력값 {})";
    "at_least_sessions" => "must be at least {}: requests come from users (got {})",
        "{} 이상이어야 합니다: 요청은 사용자에게서 옵니다 (입력값 {})";
    "at_least_backend_points" => "must be at least {}: each backend needs a point on the ring (got {})",
        "{} 이상이어야 합니다: 백엔드마다 링 위에 지점이 하나 이상 필요합니다 (입력값 {})";
    "at_least_shard_points" => "must be at least {}: each shard needs a point on the ring (got {})",
        "{} 이상이어야 합니다: 샤드마다 링 위에 지점이 하나 이상 필요합니다 (입력값 {})";
    "at_least_cache_keys" => "must be at least {}: a cache must hold something (got {})",
        "{} 이상이어야 합니다: 캐시는 키를 하나 이상 담아야 합니다 (입력값 {})";
    "at_least_primaries" => "must be at least {}: something must take writes (got {})",
        "{} 이상이어야 합니다: 쓰기를 받을 곳이 있어야 합니다 (입력값 {})";
    "at_least_unhealthy" => "must be at least {}: a backend must fail a probe to be removed (got {})",
        "{} 이상이어야 합니다: 백엔드를 빼려면 프로브가 한 번 이상 실패해야 합니다 (입력값 {})";
    "at_least_healthy" => "must be at least {}: a backend must pass a probe to come back (got {})",
        "{} 이상이어야 합니다: 백엔드가 돌아오려면 프로브가 한 번 이상 성공해야 합니다 (입력값 {})";
    "at_least_autoscaled" => "must be at least {}: an autoscaled group keeps at least one instance (got {})",
        "{} 이상이어야 합니다: 오토스케일링 그룹은 인스턴스를 하나 이상 유지합니다 (입력값 {})";
    "above_maximum" => "must not exceed the maximum ({}) (got {})", "최대({})를 넘을 수 없습니다 (입력값 {})";
    "below_minimum" => "must not be below the minimum ({}) (got {})", "최소({})보다 작을 수 없습니다 (입력값 {})";
    "ramp_end_before_start" => "must be after start_s = {} (got {})",
        "증가 시작 시점({}초) 뒤여야 합니다 (입력값 {})";
    "warmup_too_long" => "must be shorter than the run (duration_s = {}), or nothing is measured",
        "실행 시간({}초)보다 짧아야 합니다. 그렇지 않으면 아무것도 측정되지 않습니다";
    "availability_range" => "must be between 0 and 1, e.g. 0.999 (got {})",
        "0과 1 사이여야 합니다. 예: 0.999 (입력값 {})";
    "zone_without_name" => "a zone needs a name", "가용 영역에는 이름이 있어야 합니다";
    "sync_multi_primary" => "synchronous replication needs a single primary (multi-primary replicates asynchronously)",
        "동기 복제는 프라이머리가 하나일 때만 쓸 수 있습니다 (멀티 프라이머리는 비동기로 복제합니다)";
    "empty_id" => "must not be empty", "비어 있을 수 없습니다";
    "duplicate_node_id" => "another node has the same id", "같은 식별자를 가진 노드가 이미 있습니다";
    "unsupported_version" => "format version {} is not supported (this build reads version {})",
        "형식 버전 {}은(는) 지원하지 않습니다 (이 버전은 형식 버전 {}을(를) 읽습니다)";
    // Regions.
    "duplicate_region_id" => "another region has the same id", "같은 id를 가진 리전이 이미 있습니다";
    "no_such_region" => "there is no region '{}'", "리전 '{}'이(가) 없습니다";
    "rtt_too_large" => "must be at most {} ms: no round trip on Earth takes that long (got {})",
        "{} ms 이하여야 합니다: 지구상의 어떤 왕복 시간도 그렇게 길지 않습니다 (입력값 {})";
    "rtt_same_region" => "names the same region twice: a region is 0 ms from itself",
        "같은 리전을 두 번 지정했습니다: 리전 자신과의 거리는 0 ms입니다";
    "duplicate_region_pair" => "'{}' and '{}' already have a round-trip time",
        "'{}'와(과) '{}' 사이의 왕복 시간이 이미 있습니다";
    "global_in_region" => "this component is global (DNS, anycast, or a CDN's edges in every region): leave its region empty",
        "이 구성 요소는 전역(DNS, 애니캐스트, 또는 모든 리전에 엣지가 있는 CDN)입니다: 리전을 비워 두세요";
    "cdn_without_origin" => "this CDN has no origin: connect it to the server or load balancer whose answers it caches",
        "이 CDN에는 오리진이 없습니다: 응답을 캐시할 서버나 로드 밸런서에 연결하세요";
    "cdn_one_origin" => "a CDN has one origin: keep a single outgoing edge (put a load balancer behind it to spread misses)",
        "CDN의 오리진은 하나입니다: 나가는 연결을 하나만 두세요 (미스를 분산하려면 뒤에 로드 밸런서를 두세요)";
    "batch_job_no_edges" => "a batch job takes no requests and calls nothing: remove this edge (the job runs on its own schedule)",
        "배치 작업은 요청을 받지도 호출하지도 않습니다: 이 연결을 지우세요 (작업은 자체 일정에 따라 실행됩니다)";
    "queue_without_consumers" => "this queue has no consumers: connect it to the servers (worker pools) that process its messages",
        "이 큐에는 소비자가 없습니다: 메시지를 처리할 서버(워커 풀)에 연결하세요";
    "transaction_without_participants" => "a transaction needs participants: connect this server to the databases it writes (two or more make it distributed)",
        "트랜잭션에는 참여자가 필요합니다: 이 서버를 쓰기 대상 데이터베이스에 연결하세요 (둘 이상이면 분산 트랜잭션입니다)";
    "participant_not_database" => "'{}' is not a database this server calls: draw an edge from the server to it first",
        "'{}'은(는) 이 서버가 호출하는 데이터베이스가 아닙니다: 먼저 서버에서 그곳으로 연결을 그리세요";
    "traffic_manager_without_targets" => "this traffic manager has no targets: connect it to the entry point of each region (a load balancer or server)",
        "이 트래픽 매니저에는 대상이 없습니다: 각 리전의 진입점(로드 밸런서 또는 서버)에 연결하세요";
    // The chaos timeline.
    "no_such_node" => "there is no node '{}'", "노드 '{}'이(가) 없습니다";
    "no_such_edge" => "there is no edge '{}'", "연결 '{}'이(가) 없습니다";
    "no_such_instance" => "'{}' has no instance {} (it has {})", "'{}'에는 {}번 인스턴스가 없습니다 (인스턴스 {}개)";
    "empty_zone" => "no node is in zone '{}'", "가용 영역 '{}'에 있는 노드가 없습니다";
    // Edges.
    "duplicate_edge_id" => "another edge has the same id", "같은 식별자를 가진 연결이 이미 있습니다";
    "dangling_edge" => "dangling: there is no node '{}'", "끊어진 연결: 노드 '{}'이(가) 없습니다";
    "self_call" => "a node cannot call itself", "노드는 자기 자신을 호출할 수 없습니다";
    "calls_client" => "clients only send requests; nothing can call a client",
        "클라이언트는 요청을 보내기만 합니다. 클라이언트를 호출할 수는 없습니다";
    "already_connected" => "'{}' is already connected to '{}'", "'{}'은(는) 이미 '{}'에 연결되어 있습니다";
    // The graph.
    "no_client" => "there is no client, so nothing sends requests: add a client and connect it",
        "클라이언트가 없어서 요청을 보내는 곳이 없습니다. 클라이언트를 추가하고 연결하세요";
    "empty_diagram" => "the diagram is empty: add a client and something for it to call",
        "다이어그램이 비어 있습니다. 클라이언트와 그것이 호출할 구성 요소를 추가하세요";
    "client_unconnected" => "this client is not connected to anything: draw an edge from it to a load balancer or server",
        "이 클라이언트는 아무것에도 연결되어 있지 않습니다. 여기서 로드밸런서나 서버로 연결선을 그리세요";
    "balancer_without_backends" => "this load balancer has no backends: connect it to at least one server",
        "이 로드밸런서에는 백엔드가 없습니다. 서버를 하나 이상 연결하세요";
    "cache_without_backing" => "this cache has nothing behind it: connect it to the database (or next cache) that misses go to",
        "이 캐시 뒤에 아무것도 없습니다. 캐시 미스가 갈 데이터베이스(또는 다음 캐시)에 연결하세요";
    "router_without_shards" => "this shard router has no shards: connect it to at least one database",
        "이 샤드 라우터에는 샤드가 없습니다. 데이터베이스를 하나 이상 연결하세요";
    "unreachable" => "no client reaches this node, so it will receive no traffic",
        "어떤 클라이언트도 이 노드에 닿지 않아 트래픽을 받지 않습니다";
    "cycle" => "calls go round in a cycle ({}), so a request would never finish: remove one of these edges",
        "호출이 순환합니다({}). 요청이 끝나지 않으니 이 연결 중 하나를 지우세요";
    // Reading a file.
    "file_too_large" => "the file is {} bytes; diagrams larger than {} bytes are refused",
        "파일 크기가 {}바이트입니다. {}바이트보다 큰 다이어그램은 열지 않습니다";
    "too_many_nodes" => "the diagram has {} components; Scaleboard opens at most {}",
        "구성 요소가 {}개입니다. Scaleboard는 최대 {}개까지 엽니다";
    "too_many_edges" => "the diagram has {} connections; Scaleboard opens at most {}",
        "연결이 {}개입니다. Scaleboard는 최대 {}개까지 엽니다";
    "invalid_json" => "this is not valid JSON ({0})", "올바른 JSON이 아닙니다 ({1}행 {2}열)";
    "not_an_object" => "expected a JSON object with version, nodes and edges",
        "버전, 노드, 연결을 담은 JSON 객체여야 합니다";
    "unknown_top_field" => "unknown field (expected one of: {})", "알 수 없는 항목입니다";
    "version_missing" => "missing or not a whole number: this build writes version {}",
        "없거나 정수가 아닙니다. 이 버전은 형식 버전 {}로 저장합니다";
    "version_too_new" => "format version {} is not supported: this build reads versions 1 to {} (was it made by a newer Scaleboard?)",
        "형식 버전 {}은(는) 지원하지 않습니다. 이 버전은 형식 버전 1부터 {}까지 읽습니다 (더 새로운 Scaleboard에서 만든 파일인가요?)";
    "version_too_old" => "format version {} is not supported: this build reads versions 1 to {}",
        "형식 버전 {}은(는) 지원하지 않습니다. 이 버전은 형식 버전 1부터 {}까지 읽습니다";
    "not_a_list" => "must be a list", "목록이어야 합니다";
    "unknown_field" => "{0}", "알 수 없는 항목 '{1}'이(가) 있습니다";
    "missing_field" => "{0}", "필수 항목 '{1}'이(가) 없습니다";
    "unknown_kind" => "{0}", "알 수 없는 구성 요소 종류 '{1}'입니다";
    "unknown_variant" => "{0}", "알 수 없는 값 '{1}'입니다";
    "wrong_type" => "{0}", "값의 형식이 맞지 않습니다 (숫자, 글자, 목록을 확인하세요)";
    "unreadable" => "{0}", "읽을 수 없는 값입니다";
}

/// `template` with `{}` replaced by the next param and `{N}` by param N (missing ones by nothing).
fn fill_params(template: &str, params: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inside = &after[..close];
        let index = if inside.is_empty() {
            next += 1;
            Some(next - 1)
        } else {
            inside.parse::<usize>().ok()
        };
        match index {
            Some(i) => out.push_str(params.get(i).map_or("", String::as_str)),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What is wrong, in `lang` (the engine's English message when the code is unknown).
pub fn message(lang: Lang, p: &Problem) -> String {
    match (templates(p.code), lang) {
        (Some((en, _)), Lang::En) => fill_params(en, &p.params),
        (Some((_, ko)), Lang::Ko) => fill_params(ko, &p.params),
        (None, _) => p.message.clone(),
    }
}

/// Where a problem is: "node 'api'" / "노드 'api'".
pub fn location(lang: Lang, at: &Location) -> String {
    match (at, lang) {
        (Location::Diagram, _) => tr(lang, "diagram").to_owned(),
        (Location::Workload, _) => tr(lang, "workload").to_owned(),
        (Location::Node(id), Lang::En) => format!("node '{id}'"),
        (Location::Node(id), Lang::Ko) => format!("노드 '{id}'"),
        (Location::Edge(id), Lang::En) => format!("edge '{id}'"),
        (Location::Edge(id), Lang::Ko) => format!("연결 '{id}'"),
    }
}

/// A field as the reader knows it. English keeps the file's path (`params.instances`); Korean
/// names it as the inspector does ("인스턴스"), or shows the path when it has no name.
pub fn field(lang: Lang, path: &str) -> String {
    if lang == Lang::En {
        return path.to_owned();
    }
    // chaos[3] and chaos[3].at_s: the timeline's fourth event.
    if let Some(rest) = path.strip_prefix("chaos[") {
        if let Some((i, tail)) = rest.split_once(']') {
            if let Ok(i) = i.parse::<usize>() {
                let event = super::fill(tr(lang, "timeline event {}"), &[&(i + 1)]);
                return match tail.strip_prefix('.') {
                    Some(f) => format!("{event} {}", field_name(lang, f).unwrap_or(f)),
                    None => event,
                };
            }
        }
    }
    // params.autoscale.schedule[1].min: the second scheduled change.
    if let Some(rest) = path.strip_prefix("params.autoscale.schedule[") {
        if let Some((i, tail)) = rest.split_once(']') {
            if let Ok(i) = i.parse::<usize>() {
                let row = super::fill(tr(lang, "scheduled change {}"), &[&(i + 1)]);
                return match tail.strip_prefix('.') {
                    Some(f) => format!("{row} {}", field_name(lang, f).unwrap_or(f)),
                    None => row,
                };
            }
        }
    }
    field_name(lang, path).map_or_else(|| path.to_owned(), str::to_owned)
}

/// The inspector's name of a field path, in `lang`.
fn field_name(lang: Lang, path: &str) -> Option<&'static str> {
    FIELD_NAMES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, en)| tr(lang, en))
}

/// Field paths the validator names, with the inspector's English label (kind-neutral where two
/// kinds share a path). Schedule rows and timeline events use the last part (`min`, `at_s`).
const FIELD_NAMES: &[(&str, &str)] = &[
    ("id", "Id"),
    ("name", "Name"),
    ("version", "Format version"),
    ("nodes", "Components"),
    ("edges", "connections"),
    ("chaos", "Chaos timeline"),
    ("seed", "Seed"),
    ("workload", "Run"),
    ("slo", "Service level"),
    ("slo.availability", "Availability target"),
    ("slo.p99_ms", "p99 target"),
    ("duration_s", "Run length"),
    ("warmup_s", "Warm-up"),
    ("traffic_scale", "Traffic scale"),
    ("from", "caller"),
    ("to", "callee"),
    ("latency_ms", "Network latency"),
    ("jitter_ms", "Jitter"),
    ("at_s", "time"),
    ("factor", "factor"),
    ("rate", "error share"),
    ("min", "Min"),
    ("max", "Max"),
    ("params.rate_rps", "Request rate"),
    ("params.read_ratio", "Read share"),
    ("params.key_space", "Key space"),
    ("params.zipf_s", "Key skew (Zipf)"),
    ("params.sessions", "Users"),
    ("params.timeout_ms", "Timeout"),
    ("params.retry.max_retries", "Retries"),
    ("params.retry.backoff_ms", "First backoff"),
    ("params.retry.multiplier", "Backoff multiplier"),
    ("params.retry.max_backoff_ms", "Longest backoff"),
    ("params.profile.step.at_s", "Step at"),
    ("params.profile.step.factor", "Step factor"),
    ("params.profile.spike.at_s", "Spike at"),
    ("params.profile.spike.duration_s", "Spike length"),
    ("params.profile.spike.factor", "Spike factor"),
    ("params.profile.ramp.start_s", "Ramp start"),
    ("params.profile.ramp.end_s", "Ramp end"),
    ("params.profile.ramp.to_factor", "Final factor"),
    ("params.profile.diurnal.period_s", "Day length"),
    ("params.profile.diurnal.amplitude", "Swing"),
    ("params.virtual_nodes", "Virtual nodes"),
    ("params.capacity_rps", "Capacity"),
    ("params.max_queue", "Queue limit"),
    ("params.latency_ms", "Added latency"),
    ("params.health_check.interval_ms", "Check interval"),
    ("params.health_check.timeout_ms", "Probe timeout"),
    (
        "params.health_check.unhealthy_threshold",
        "Unhealthy threshold",
    ),
    ("params.health_check.healthy_threshold", "Healthy threshold"),
    ("params.standby_failover_ms", "Failover time"),
    ("params.instances", "Instances"),
    ("params.zones", "Instance zones"),
    ("params.workers", "Workers"),
    ("params.queue_capacity", "Queue capacity"),
    ("params.service.mean_ms", "Mean service time"),
    ("params.service.cv", "Variability (CV)"),
    ("params.cost_per_hour", "Price"),
    ("params.reserved_instances", "Reserved instances"),
    ("params.reserved_discount", "Reserved discount"),
    ("params.l1.capacity_keys", "L1 capacity"),
    ("params.l1.ttl_ms", "L1 expiry (TTL)"),
    ("params.autoscale.min", "Minimum"),
    ("params.autoscale.max", "Maximum"),
    ("params.autoscale.target", "Target"),
    ("params.autoscale.interval_s", "Evaluation interval"),
    (
        "params.autoscale.stabilization_s",
        "Scale-down stabilisation",
    ),
    ("params.autoscale.boot_s", "Boot time"),
    ("params.capacity_keys", "Keys held"),
    ("params.ttl_ms", "Expiry (TTL)"),
    ("params.connections", "Connections"),
    ("params.read_ms", "Read time"),
    ("params.write_ms", "Write time"),
    ("params.primaries", "Primaries"),
    ("params.replicas", "Replicas"),
    ("params.replication", "Replication"),
    ("params.replication_lag_ms", "Replication lag"),
    ("params.apply_rate", "Apply rate"),
    ("params.failover_detect_ms", "Detection time"),
    ("params.failover_promote_ms", "Promotion time"),
];

/// The whole problem on one line, as the Problems tab lists it. In English this is exactly the
/// engine's `Display` ("warning: node 'api', params.workers: must be …").
pub fn line(lang: Lang, p: &Problem) -> String {
    let mut out = String::new();
    if p.severity == Severity::Warning {
        out.push_str(tr(lang, "warning: "));
    }
    out.push_str(&location(lang, &p.location));
    if let Some(f) = &p.field {
        out.push_str(", ");
        out.push_str(&field(lang, f));
    }
    out.push_str(": ");
    out.push_str(&message(lang, p));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::diagram::{problem_template, Diagram, PROBLEM_CODES};

    #[test]
    fn every_code_the_engine_can_produce_has_both_templates() {
        for code in PROBLEM_CODES {
            let (en, ko) = templates(code).unwrap_or_else(|| panic!("no templates for {code}"));
            assert!(!en.is_empty() && !ko.is_empty(), "{code}");
            assert!(
                ko.chars().any(|c| ('가'..='힣').contains(&c)),
                "{code}: the Korean template is not Korean: {ko}"
            );
            // The English template says what the engine's does, params in the same places.
            let engine = problem_template(code).unwrap();
            let params: Vec<String> = (0..4).map(|i| format!("<{i}>")).collect();
            let mut engine_filled = String::new();
            let mut rest = engine;
            let mut i = 0;
            while let Some(at) = rest.find("{}") {
                engine_filled.push_str(&rest[..at]);
                engine_filled.push_str(&params[i]);
                i += 1;
                rest = &rest[at + 2..];
            }
            engine_filled.push_str(rest);
            assert_eq!(fill_params(en, &params), engine_filled, "{code}");
        }
        // No stale templates for codes the engine no longer has.
        for code in CODES {
            assert!(PROBLEM_CODES.contains(code), "{code} is not an engine code");
        }
    }

    #[test]
    fn field_names_have_korean() {
        for (path, en) in FIELD_NAMES {
            assert!(super::super::has_korean(en), "{path}: no Korean for {en:?}");
        }
        for en in [
            "diagram",
            "workload",
            "warning: ",
            "timeline event {}",
            "scheduled change {}",
        ] {
            assert!(super::super::has_korean(en), "no Korean for {en:?}");
        }
    }

    fn problems_of(json: &str) -> Vec<Problem> {
        Diagram::from_json(json).err().unwrap_or_default()
    }

    /// A diagram wrong in every way the validator knows, and files wrong in every way the
    /// reader knows.
    fn broken_inputs() -> Vec<String> {
        let mut out: Vec<String> = [
            "",
            "[1]",
            r#"{"version":1,"colour":"red","nodes":{}}"#,
            r#"{"version":7}"#,
            r#"{"version":0}"#,
            r#"{"version":"x"}"#,
            r#"{"version":1}"#,
            r#"{"version":1,"nodes":[{"id":"s","kind":"server"}]}"#,
            r#"{"version":1,"seed":-1,"slo":{"availability":2,"p99_ms":-1}}"#,
            r#"{"version":1,"nodes":[{"id":"a","kind":"robot"},{"kind":"server"},
                {"id":"s","kind":"server","params":{"instances":"many"}},
                {"id":"t","kind":"server","params":{"colour":1}},
                {"id":"c","kind":"client","params":{"profile":{"wobble":{}}}}]}"#,
            r#"{"version":1,"workload":{"duration_s":1,"warmup_s":2,"traffic_scale":-1},
                "nodes":[{"id":"c","kind":"client","params":{"key_space":0,"sessions":0,
                            "retry":{"multiplier":0.5},"profile":{"ramp":{"start_s":5,"end_s":1}}}},
                         {"id":"l","kind":"load_balancer","params":{"virtual_nodes":0,
                            "health_check":{"unhealthy_threshold":0,"healthy_threshold":0}}},
                         {"id":"k","kind":"cache","params":{"capacity_keys":0}},
                         {"id":"r","kind":"shard_router","params":{"virtual_nodes":0}},
                         {"id":"s","kind":"server","params":{"instances":0,"workers":20000,
                            "zones":[""],"service":{"mean_ms":2000000000},
                            "autoscale":{"min":0,"max":2,"schedule":[{"at_s":1,"min":3,"max":2}]}}},
                         {"id":"d","kind":"database","params":{"primaries":0,"replication":"sync"}},
                         {"id":"e","kind":"database","params":{"primaries":2,"replication":"sync"}},
                         {"id":"","kind":"server"},{"id":"s","kind":"server"}],
                "edges":[{"id":"x","from":"s","to":"d"},{"id":"x","from":"d","to":"s"},
                         {"from":"s","to":"c"},{"from":"s","to":"nowhere"},{"from":"s","to":"s"},
                         {"from":"s","to":"d"}],
                "chaos":[{"at_s":-1,"action":{"kill":{"node":"ghost"}}},
                         {"at_s":1,"action":{"kill":{"node":"s","instance":9}}},
                         {"at_s":1,"action":{"partition":{"edge":"nope"}}},
                         {"at_s":1,"action":{"kill_zone":{"zone":"zz"}}},
                         {"at_s":1,"action":{"errors":{"node":"s","rate":2}}}]}"#,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        out.push(format!(r#"{{"version":1,"seed":{}}}"#, "9".repeat(30)));
        out
    }

    #[test]
    fn problems_read_the_same_as_the_engine_in_english_and_in_korean_otherwise() {
        let mut seen = std::collections::BTreeSet::new();
        for input in broken_inputs() {
            for p in problems_of(&input) {
                seen.insert(p.code);
                // English: exactly the engine's line, so the CLI, files and app agree.
                assert_eq!(line(Lang::En, &p), p.to_string(), "{}", p.code);
                let ko = line(Lang::Ko, &p);
                assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{ko}");
                // Korean: no English words but the allowed terms and the names in the file.
                let names = [
                    "robot",
                    "ghost",
                    "nope",
                    "zz",
                    "nowhere",
                    "id",
                    "colour",
                    "wobble",
                    "JSON",
                    "Scaleboard",
                    "p99",
                    "TTL",
                    "CV",
                    "Zipf",
                    "L1",
                ];
                for word in ko
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() >= 2)
                {
                    let in_params = p.params.iter().any(|v| v.contains(word));
                    let in_location = match &p.location {
                        Location::Node(id) | Location::Edge(id) => id.contains(word),
                        _ => false,
                    };
                    assert!(
                        names.contains(&word) || in_params || in_location,
                        "{}: English {word:?} in {ko:?}",
                        p.code
                    );
                }
            }
        }
        assert!(
            seen.len() >= 40,
            "only {} codes were produced: {seen:?}",
            seen.len()
        );
    }

    #[test]
    fn fields_and_params_read_in_korean() {
        assert_eq!(field(Lang::En, "params.instances"), "params.instances");
        assert_eq!(field(Lang::Ko, "params.instances"), "인스턴스");
        assert!(field(Lang::Ko, "chaos[2]").contains('3'));
        assert!(field(Lang::Ko, "chaos[2].at_s").contains('3'));
        assert!(!field(Lang::Ko, "chaos[2].at_s").contains("at_s"));
        let row = field(Lang::Ko, "params.autoscale.schedule[0].min");
        assert!(row.contains('1') && !row.contains("min"), "{row}");
        assert_eq!(field(Lang::Ko, "params.unheard_of"), "params.unheard_of");
        assert_eq!(
            fill_params("{1} and {0}, then {}", &["a".into(), "b".into()]),
            "b and a, then a"
        );
        assert_eq!(fill_params("{x} {", &[]), "{x} {");
    }
}
