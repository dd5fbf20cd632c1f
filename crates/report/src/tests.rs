//! The report page says what the run did: the figures of `Simulation::report`, the SLO verdict,
//! every SPOF and chaos event, in the page's language.

use crate::{report_document, report_html, Lang};
use scaleboard_sim::time::secs_to_ns;
use scaleboard_sim::{Diagram, Simulation};

fn run(json: &str, secs: f64) -> Simulation {
    let d = Diagram::from_json(json).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(secs));
    sim
}

/// The exact value a `data-figure` cell carries.
fn figure(html: &str, id: &str) -> f64 {
    let key = format!("data-figure=\"{id}\" data-value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no {id}")) + key.len();
    html[at..at + html[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn the_page_carries_the_run_figures_exactly() {
    let sim = run(include_str!("../../../examples/basic.json"), 20.0);
    let r = sim.report();
    let html = report_html(&sim, Lang::En);
    assert_eq!(figure(&html, "throughput"), r.end_to_end.throughput);
    assert_eq!(figure(&html, "error_rate"), r.end_to_end.error_rate);
    assert_eq!(figure(&html, "completed"), r.end_to_end.completed as f64);
    assert_eq!(Some(figure(&html, "p99_ms")), r.end_to_end.latency_ms.p99);
    assert!(
        r.end_to_end.completed > 1000,
        "a 20 s run completes requests"
    );
    // Every node's card is drawn, with its live figures.
    for n in &sim.diagram().nodes {
        assert!(
            html.contains(&format!(">{}</text>", n.display_name())),
            "{}",
            n.id
        );
    }
    assert!(html.contains("req/s · "));
}

#[test]
fn confidence_intervals_and_verdict_are_shown() {
    let sim = run(include_str!("../../../examples/basic.json"), 60.0);
    let r = sim.report();
    let html = report_html(&sim, Lang::En);
    let ci = r.end_to_end.ci95.expect("60 s of basic has batch means");
    let p99 = ci.p99_ms.expect("p99 interval");
    assert!(html.contains("95 % confidence interval"));
    assert!(html.contains(&format!(
        r#"data-figure="p99_ms" data-value="{}">{}</td><td class="sbr-ci">{} – {}</td>"#,
        r.end_to_end.latency_ms.p99.unwrap(),
        crate::fmt::ms(r.end_to_end.latency_ms.p99),
        crate::fmt::ms(Some(p99.low)),
        crate::fmt::ms(Some(p99.high))
    )));
    let verdict = if r.end_to_end.slo.met {
        "SLO met"
    } else {
        "SLO missed"
    };
    assert!(html.contains(verdict));
    assert_eq!(
        html.contains(r#"data-figure="slo_met" data-value="true""#),
        r.end_to_end.slo.met
    );
}

#[test]
fn spofs_and_chaos_events_are_listed_and_future_events_marked() {
    let sim = run(
        include_str!("../../../examples/lone-load-balancer.json"),
        5.0,
    );
    let r = sim.report();
    let d = sim.diagram();
    let html = report_html(&sim, Lang::En);
    assert!(!r.spof.spofs.is_empty(), "the example has a SPOF");
    assert_eq!(figure(&html, "spofs"), r.spof.spofs.len() as f64);
    assert!(html.contains("is a lone load balancer with no standby"));
    assert!(!d.chaos.is_empty());
    assert_eq!(figure(&html, "chaos"), d.chaos.len() as f64);
    let later = d.chaos.iter().filter(|e| e.at_s > 5.0).count().min(8);
    assert_eq!(html.matches("not reached yet").count(), later);
}

#[test]
fn korean_page_has_no_english_report_words() {
    let sim = run(
        include_str!("../../../examples/lone-load-balancer.json"),
        5.0,
    );
    let ko = report_html(&sim, Lang::Ko);
    assert!(ko.contains(r#"lang="ko""#));
    for en in [
        "Key figures",
        "Throughput",
        "Single points of failure",
        "Chaos events",
        "Run report",
        "req/s",
    ] {
        assert!(!ko.contains(en), "{en} left in English");
    }
    for ko_word in [
        "핵심 지표",
        "처리량",
        "단일 장애 지점",
        "카오스 이벤트",
        "실행 보고서",
    ] {
        assert!(ko.contains(ko_word), "{ko_word}");
    }
}

#[test]
fn the_document_is_one_escaped_page_with_print_rules() {
    let mut d = Diagram::from_json(include_str!("../../../examples/basic.json")).unwrap();
    d.name = "A <b>&</b> \"B\"".into();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(2.0));
    let doc = report_document(&sim, Lang::En);
    assert!(doc.starts_with("<!DOCTYPE html>"));
    assert!(doc.contains("<title>A &lt;b&gt;&amp;&lt;/b&gt; &quot;B&quot; — Run report</title>"));
    assert!(!doc.contains("<b>&</b>"));
    assert!(doc.contains("@media print") && doc.contains("@page"));
    assert_eq!(doc.matches("<article").count(), 1);
    assert_eq!(doc.matches("</article>").count(), 1);
    assert!(doc.trim_end().ends_with("</html>"));
}

#[test]
fn long_lists_are_cut_to_fit_one_page() {
    let mut d =
        Diagram::from_json(include_str!("../../../examples/lone-load-balancer.json")).unwrap();
    let first = d.chaos[0].clone();
    d.chaos = (0..20)
        .map(|i| scaleboard_sim::diagram::ChaosEvent {
            at_s: i as f64,
            action: first.action.clone(),
        })
        .collect();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(1.0));
    let html = report_html(&sim, Lang::En);
    assert!(html.contains("and 12 more"));
    assert_eq!(figure(&html, "chaos"), 20.0);
}
