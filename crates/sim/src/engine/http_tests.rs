//! Request classes and L7 load balancing: each class is drawn by its share and carries its
//! write nature and cost; an L7 balancer routes every class by its first matching rule and costs
//! what docs/model.md says it costs. Fixed seeds, exact counts or closed forms.

use super::tests::{conserved_under_live_chaos, random, run};
use super::*;
use crate::diagram::*;

fn d(json: &str) -> Diagram {
    let d = Diagram::from_json(json).expect("test diagram parses");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    d
}

fn class<'a>(r: &'a Report, name: &str) -> &'a ClassReport {
    r.end_to_end
        .classes
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no class {name}"))
}

/// `n` draws with probability `p` land within 4.5 standard deviations of `n·p`.
/// Every problem code `json` produces (parse errors included), in order.
fn codes(json: &str) -> Vec<&'static str> {
    match Diagram::from_json(json) {
        Ok(d) => d.problems().iter().map(|p| p.code).collect(),
        Err(problems) => problems.iter().map(|p| p.code).collect(),
    }
}

fn binomial_ok(k: u64, n: u64, p: f64) -> bool {
    let mean = n as f64 * p;
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    (k as f64 - mean).abs() <= 4.5 * sd
}

const CLASSES: &str = r#"{
  "version": 1, "seed": 7,
  "nodes": [
    { "id": "users", "kind": "client", "params": { "rate_rps": 400, "timeout_ms": 0,
      "classes": [
        { "name": "page", "method": "GET", "path": "/static/page", "share": 0.5 },
        { "name": "search", "method": "GET", "path": "/api/search", "share": 0.3, "cost": 4 },
        { "name": "order", "method": "POST", "path": "/api/orders", "share": 0.2, "cost": 2 }
      ] } },
    { "id": "api", "kind": "server", "params": { "instances": 1, "size": "small", "workers": 200,
      "queue_capacity": 10, "service": { "distribution": "constant", "mean_ms": 2 } } }
  ],
  "edges": [ { "from": "users", "to": "api", "latency_ms": 0 } ]
}"#;

#[test]
fn classes_are_drawn_by_share_and_carry_their_method_and_cost() {
    let (_, r) = run(&d(CLASSES), 0.0, 100.0);
    let e = &r.end_to_end;
    let n = e.generated;
    let (page, search, order) = (class(&r, "page"), class(&r, "search"), class(&r, "order"));
    assert_eq!(page.generated + search.generated + order.generated, n);
    assert!(binomial_ok(page.generated, n, 0.5), "{}", page.generated);
    assert!(
        binomial_ok(search.generated, n, 0.3),
        "{}",
        search.generated
    );
    assert!(binomial_ok(order.generated, n, 0.2), "{}", order.generated);
    // The method decides the write: every completed write is an order.
    assert!(!page.write && !search.write && order.write);
    assert_eq!(e.writes, order.completed);
    assert_eq!(e.reads, page.completed + search.completed);
    // Constant 2 ms service, no queueing (200 workers), no network: latency = cost × 2 ms,
    // to the histogram's resolution (±0.4 %).
    for (c, cost) in [(page, 1.0), (search, 4.0), (order, 2.0)] {
        let mean = c.latency_ms.mean.unwrap();
        assert!(
            (mean - 2.0 * cost).abs() < 2.0 * cost * 0.004,
            "{}: {mean}",
            c.name
        );
        assert_eq!(c.failed, 0);
    }
}

#[test]
fn a_client_without_classes_reports_none_and_serialises_as_before() {
    let d = Diagram::from_json(include_str!("../../../../examples/basic.json")).unwrap();
    let (_, r) = run(&d, 1.0, 5.0);
    assert!(r.end_to_end.classes.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"classes\""));
    let doc = d.to_json_pretty();
    for new in ["classes", "layer", "rules"] {
        assert!(
            !doc.contains(&format!("\"{new}\"")),
            "{new} leaked into the file"
        );
    }
}

#[test]
fn an_uncacheable_class_never_touches_the_cache() {
    let json = r#"{
      "version": 1, "seed": 3,
      "nodes": [
        { "id": "users", "kind": "client", "params": { "rate_rps": 300, "timeout_ms": 0,
          "key_space": 50, "classes": [
            { "name": "feed", "path": "/feed", "share": 0.6 },
            { "name": "live", "path": "/live", "share": 0.4, "cacheable": false }
          ] } },
        { "id": "cache", "kind": "cache", "params": { "capacity_keys": 1000, "ttl_ms": 0 } },
        { "id": "db", "kind": "database", "params": {} }
      ],
      "edges": [ { "from": "users", "to": "cache" }, { "from": "cache", "to": "db" } ]
    }"#;
    let (_, r) = run(&d(json), 0.0, 30.0);
    let cache = r.nodes["cache"].cache.as_ref().unwrap();
    let feed = class(&r, "feed");
    let live = class(&r, "live");
    // Every lookup is a feed read; live reads all reach the database.
    assert_eq!(cache.hits + cache.misses, feed.generated);
    assert_eq!(
        r.nodes["db"].database.as_ref().unwrap().reads,
        cache.misses + live.completed
    );
}

const L7: &str = r#"{
  "version": 1, "seed": 11,
  "nodes": [
    { "id": "users", "kind": "client", "params": { "rate_rps": 500, "timeout_ms": 0,
      "classes": [
        { "name": "img", "path": "/static/img.png", "share": 0.4 },
        { "name": "items", "path": "/api/items", "share": 0.3 },
        { "name": "order", "method": "POST", "path": "/api/orders", "share": 0.15 },
        { "name": "admin", "path": "/admin", "share": 0.1 },
        { "name": "shop", "path": "/static/x", "host": "shop.example", "share": 0.05 }
      ] } },
    { "id": "lb", "kind": "load_balancer", "params": { "layer": "l7", "rules": [
        { "path_prefix": "/api/orders", "targets": ["writes"] },
        { "path_prefix": "/api", "targets": ["api1", "api2"] },
        { "path_prefix": "/static", "host": "shop.example", "targets": ["api1"] },
        { "path_prefix": "/static", "targets": ["static"] }
      ] } },
    { "id": "static", "kind": "server", "params": { "workers": 100 } },
    { "id": "api1", "kind": "server", "params": { "workers": 100 } },
    { "id": "api2", "kind": "server", "params": { "workers": 100 } },
    { "id": "writes", "kind": "server", "params": { "workers": 100 } }
  ],
  "edges": [
    { "from": "users", "to": "lb" },
    { "from": "lb", "to": "static" }, { "from": "lb", "to": "api1" },
    { "from": "lb", "to": "api2" }, { "from": "lb", "to": "writes" }
  ]
}"#;

#[test]
fn an_l7_balancer_routes_each_class_by_its_first_matching_rule() {
    let (_, r) = run(&d(L7), 0.0, 60.0);
    let sent = |e: &str| r.edges[e].requests;
    let g = |c: &str| class(&r, c).generated;
    // Exact: each class goes to the pool of its first matching rule, and only there.
    assert_eq!(
        sent("lb→writes"),
        g("order"),
        "/api/orders matches before /api"
    );
    assert_eq!(sent("lb→api1") + sent("lb→api2"), g("items") + g("shop"));
    assert_eq!(sent("lb→static"), g("img"));
    // Round robin within the /api pool: api1 also takes the shop.example statics.
    let api2 = sent("lb→api2") as i64;
    let api1_items = sent("lb→api1") as i64 - g("shop") as i64;
    assert!((api1_items - api2).abs() <= 1, "{api1_items} vs {api2}");
    // No rule for /admin: every admin request fails 404 at the balancer, nothing else fails.
    let admin = class(&r, "admin");
    assert_eq!(admin.failed, admin.generated);
    assert_eq!(admin.failures.get("no_route"), Some(&admin.generated));
    assert_eq!(r.end_to_end.failed, admin.generated);
    assert_eq!(
        r.end_to_end.failures.get("no_route"),
        Some(&admin.generated)
    );
}

/// One client at `rate` → balancer (`layer`, capacity 2 000 req/s, no fixed latency) → a server
/// of constant 1 ms with plenty of workers; no network delay.
fn lb_chain(layer: &str, rate: f64, max_queue: u32) -> Diagram {
    d(&format!(
        r#"{{
      "version": 1, "seed": 5,
      "nodes": [
        {{ "id": "users", "kind": "client", "params": {{ "rate_rps": {rate}, "timeout_ms": 0 }} }},
        {{ "id": "lb", "kind": "load_balancer", "params": {{ "layer": "{layer}",
          "capacity_rps": 2000, "latency_ms": 0, "max_queue": {max_queue} }} }},
        {{ "id": "api", "kind": "server", "params": {{ "workers": 2000, "queue_capacity": 0,
          "size": "small", "service": {{ "distribution": "constant", "mean_ms": 1 }} }} }}
      ],
      "edges": [ {{ "from": "users", "to": "lb", "latency_ms": 0 }},
                 {{ "from": "lb", "to": "api", "latency_ms": 0 }} ]
    }}"#
    ))
}

/// Mean response time of an M/D/1 queue with service time `s` at utilisation `rho`.
fn md1(s: f64, rho: f64) -> f64 {
    s + rho * s / (2.0 * (1.0 - rho))
}

#[test]
fn l7_costs_its_documented_latency_and_capacity_against_l4() {
    // The balancer is one FIFO engine with a constant per-request time: M/D/1.
    let rate = 250.0;
    let s4 = 1.0 / 2_000.0 * 1e3; // ms
    let s7 = s4 * L7_CPU_FACTOR;
    let expect4 = md1(s4, rate * s4 / 1e3) + 1.0;
    let expect7 = md1(s7, rate * s7 / 1e3) + L7_EXTRA_LATENCY_MS + 1.0;
    let (_, r4) = run(&lb_chain("l4", rate, 10_000), 2.0, 300.0);
    let (_, r7) = run(&lb_chain("l7", rate, 10_000), 2.0, 300.0);
    let m4 = r4.end_to_end.latency_ms.mean.unwrap();
    let m7 = r7.end_to_end.latency_ms.mean.unwrap();
    eprintln!("L4 {m4:.4} ms (M/D/1 {expect4:.4}), L7 {m7:.4} ms (M/D/1 {expect7:.4})");
    assert!(
        (m4 - expect4).abs() < 0.02 * expect4,
        "L4 {m4} vs {expect4}"
    );
    assert!(
        (m7 - expect7).abs() < 0.02 * expect7,
        "L7 {m7} vs {expect7}"
    );
    // 75,000 requests each: the 2 % is over 4 standard errors of each mean (by batch means).
    for (r, expect) in [(&r4, expect4), (&r7, expect7)] {
        let se = super::tests::mean_latency_standard_error(r);
        eprintln!(
            "standard error {:.3} % of {expect:.4} ms",
            100.0 * se / expect
        );
        assert!(4.0 * se < 0.02 * expect, "standard error {se} ms");
    }
    // Capacity: at 1 200 req/s an L4 balancer (2 000/s) copes; an L7 one forwards at most
    // 2 000 / 4 = 500/s and refuses the rest.
    let (_, r4) = run(&lb_chain("l4", 1_200.0, 50), 2.0, 60.0);
    let (_, r7) = run(&lb_chain("l7", 1_200.0, 50), 2.0, 60.0);
    assert_eq!(r4.end_to_end.failed, 0);
    let t7 = r7.end_to_end.throughput;
    let cap7 = 2_000.0 / L7_CPU_FACTOR;
    eprintln!("L7 saturated: {t7:.1} req/s of {cap7}");
    assert!((t7 - cap7).abs() < 0.01 * cap7, "L7 throughput {t7}");
    assert!(r7.end_to_end.failures["lb_overloaded"] > 0);
}

#[test]
fn rules_are_checked_against_the_balancers_edges() {
    let bad = L7
        .replace(r#""targets": ["writes"]"#, r#""targets": ["nowhere"]"#)
        .replace(r#""targets": ["api1"]"#, r#""targets": ["users"]"#);
    assert_eq!(codes(&bad), vec!["no_such_node", "rule_target_not_backend"]);
    let l4 = L7.replace(r#""layer": "l7","#, "");
    assert_eq!(codes(&l4), vec!["rules_on_l4"]);
    let empty = L7.replace(r#""targets": ["static"]"#, r#""targets": []"#);
    assert_eq!(codes(&empty), vec!["rule_without_targets"]);
    let shares = CLASSES
        .replace(r#""share": 0.5"#, r#""share": 1.5"#)
        .replace(r#""cost": 4"#, r#""cost": -1"#)
        .replace(r#""path": "/api/search""#, r#""path": """#);
    assert_eq!(
        codes(&shares),
        vec!["path_not_absolute", "negative", "class_shares_normalised"]
    );
    let zero = CLASSES
        .replace(r#""share": 0.5"#, r#""share": 0"#)
        .replace(r#""share": 0.3"#, r#""share": 0"#)
        .replace(r#""share": 0.2"#, r#""share": 0"#);
    assert_eq!(codes(&zero), vec!["class_shares_zero"]);
    let dup = CLASSES.replace(r#""name": "search""#, r#""name": "page""#);
    assert_eq!(codes(&dup), vec!["duplicate_class_name"]);
}

#[test]
fn class_shares_that_do_not_sum_to_one_are_normalised_with_a_warning() {
    let doubled = CLASSES
        .replace(r#""share": 0.5"#, r#""share": 5"#)
        .replace(r#""share": 0.3"#, r#""share": 3"#)
        .replace(r#""share": 0.2"#, r#""share": 2"#);
    let d = Diagram::from_json(&doubled).unwrap();
    assert!(d.errors().is_empty());
    let codes: Vec<&str> = d.problems().iter().map(|p| p.code).collect();
    assert_eq!(codes, vec!["class_shares_normalised"]);
    // Normalised shares draw exactly as the shares summing to 1 do.
    let a = run(&d, 0.0, 20.0).1;
    let b = run(&self::d(CLASSES), 0.0, 20.0).1;
    assert_eq!(a.end_to_end.classes, b.end_to_end.classes);
}

/// The random diagrams of the conservation property, with classes on every client and every
/// balancer turned L7 with rules over some of its backends (and a class no rule matches), and
/// single-primary databases over zones a and b in a random partition mode.
#[test]
fn requests_are_conserved_with_classes_and_l7_rules() {
    let mut rng = crate::dist::Rng::seed(1212);
    let (mut routed, mut split_aware) = (0, 0);
    for case in 0..60 {
        let mut d = random::diagram(&mut rng);
        let edges = d.edges.clone();
        for node in &mut d.nodes {
            match &mut node.spec {
                NodeSpec::Client(p) => {
                    p.classes = ["/a/x", "/b", "/c", "/a"]
                        .iter()
                        .enumerate()
                        .map(|(i, path)| RequestClass {
                            name: format!("k{i}"),
                            method: if rng.bernoulli(0.3) { "POST" } else { "GET" }.into(),
                            path: (*path).into(),
                            share: rng.uniform() + 0.01,
                            cost: 3.0 * rng.uniform(),
                            cacheable: Some(rng.bernoulli(0.5)),
                            ..Default::default()
                        })
                        .collect();
                }
                NodeSpec::LoadBalancer(p) if rng.bernoulli(0.8) => {
                    p.layer = Layer::L7;
                    let backends: Vec<String> = edges
                        .iter()
                        .filter(|e| e.from == node.id)
                        .map(|e| e.to.clone())
                        .collect();
                    for prefix in ["/a", "/b", "/"] {
                        if rng.bernoulli(0.7) {
                            let t = &backends[rng.below(backends.len() as u64) as usize];
                            p.rules.push(L7Rule {
                                path_prefix: prefix.into(),
                                host: String::new(),
                                targets: vec![t.clone()],
                            });
                        }
                    }
                    routed += 1;
                }
                NodeSpec::Database(p) if p.primaries == 1 => {
                    p.partition_mode =
                        [PartitionMode::Ignore, PartitionMode::Cp, PartitionMode::Ap]
                            [rng.below(3) as usize];
                    p.cp_refuse_reads = rng.bernoulli(0.5);
                    p.zones = vec!["a".into(), "b".into(), "a".into()];
                    split_aware += (!p.partition_mode.is_ignore()) as u32;
                }
                _ => {}
            }
        }
        conserved_under_live_chaos(&d, &mut rng, case);
    }
    assert!(routed > 20, "{routed} L7 balancers exercised");
    assert!(
        split_aware > 10,
        "{split_aware} databases in cp/ap mode exercised"
    );
}
