//! The one-page report as HTML: what the app shows and prints, and what `scaleboard report
//! --html` writes. One A4 or Letter page: the diagram, the key figures with their 95 %
//! confidence intervals, charts over time, the SLO verdict, SPOFs and chaos events.

use crate::chart::line_chart;
use crate::fmt::{clock, count, money_per_hour, ms, num, pct, rate};
use crate::svg::{diagram_svg, CardText, Palette};
use crate::words::{fill, kind_name, t, Lang};
use scaleboard_sim::analysis::{Element, Finding, Reason};
use scaleboard_sim::diagram::ChaosAction;
use scaleboard_sim::metrics::Interval;
use scaleboard_sim::{Diagram, Report, Simulation};
use std::fmt::Write;

/// At most this many SPOF/risk lines and chaos events: the page must stay one page.
const MAX_FINDINGS: usize = 5;
const MAX_CHAOS: usize = 8;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The print and screen style of the report. In print, everything on the page but the report
/// host is hidden (the app keeps its editor in the page behind the report), and the content is
/// sized to the smaller of A4 and Letter's printable areas (190 × 259 mm at 10 mm margins).
const STYLE: &str = r#"<style>
.sb-report{--ink:#111827;--muted:#5b6677;--line:#d6dbe3;--ok:#0e7a4f;--bad:#c2273f;
 box-sizing:border-box;width:190mm;margin:0 auto;padding:8mm;background:#fff;color:var(--ink);
 font:10.5px/1.4 Inter,'Noto Sans KR','NanumGothic',system-ui,sans-serif;
 display:grid;grid-template-columns:3fr 2fr;gap:3mm 6mm;align-content:start}
.sb-report *{box-sizing:border-box}
.sb-report header,.sb-report .sbr-diagram,.sb-report .sbr-charts{grid-column:1/-1}
.sb-report h1{font-size:18px;margin:0}
.sb-report h2{font-size:12px;margin:0 0 1.5mm;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.sb-report .sbr-design{font-size:13px;font-weight:600;margin:.5mm 0 0}
.sb-report .sbr-meta,.sb-report .sbr-muted{color:var(--muted);margin:.5mm 0 0}
.sb-report .sbr-diagram svg{display:block;width:100%;height:auto;max-height:82mm;border:1px solid var(--line);border-radius:6px}
.sb-report table{width:100%;border-collapse:collapse}
.sb-report td,.sb-report th{padding:.8mm 1mm;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.sb-report th{font-weight:500;color:var(--muted)}
.sb-report td.sbr-v{font-weight:650;white-space:nowrap}
.sb-report .sbr-ci{color:var(--muted);font-size:9.5px}
.sb-report thead th{font-size:9px;border-bottom:1px solid var(--line)}
.sb-report .sbr-verdict{font-size:14px;font-weight:700;margin:0 0 1mm}
.sb-report .sbr-verdict.sbr-met{color:var(--ok)}.sb-report .sbr-verdict.sbr-missed{color:var(--bad)}
.sb-report ul{margin:0;padding-left:4mm}.sb-report li{margin:0 0 .8mm}
.sb-report .sbr-charts{display:flex;gap:4mm;justify-content:space-between}
.sb-report figure{margin:0;flex:1 1 0;min-width:0}.sb-report figcaption{font-weight:600;margin-bottom:.5mm}
.sb-report .sbr-chart svg{display:block;width:100%;height:auto}
.sb-report section{break-inside:avoid}
@page{margin:10mm}
@media print{
 :root{color-scheme:light!important}
 html,body{margin:0!important;padding:0!important;background:#fff!important;height:auto!important;overflow:visible!important}
 body>:not(.sb-report-host){display:none!important}
 .sb-report-host{position:static!important;inset:auto!important;overflow:visible!important;background:none!important;padding:0!important;display:block!important}
 .sb-report-host>:not(.sb-report){display:none!important}
 .sb-report{width:190mm;max-height:257mm;overflow:hidden;padding:0;margin:0;print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
</style>"#;

/// The report of `sim`'s run so far, as an HTML fragment (its style, then the page): the app
/// puts it in a `.sb-report-host` element; [`report_document`] wraps it into a file.
pub fn report_html(sim: &Simulation, lang: Lang) -> String {
    report_html_as(sim, sim.diagram(), lang)
}

/// [`report_html`] with the names (title, node and region labels) taken from `d`: the run's
/// diagram with its names in the reader's language (the app translates a bundled example's
/// own names). Node ids, and so every figure, come from the run.
pub fn report_html_as(sim: &Simulation, d: &Diagram, lang: Lang) -> String {
    let r = sim.report();
    let mut s = String::from(STYLE);
    let _ = write!(
        s,
        r#"<article class="sb-report" lang="{}" data-testid="report">"#,
        lang.code()
    );
    header(&mut s, d, &r, lang);
    diagram(&mut s, d, &r, lang);
    figures(&mut s, &r, lang);
    slo(&mut s, &r, lang);
    charts(&mut s, sim, lang);
    spofs(&mut s, d, &r, lang);
    chaos(&mut s, d, &r, lang);
    s.push_str("</article>");
    s
}

/// A standalone HTML file of the report (what `scaleboard report --html` writes).
pub fn report_document(sim: &Simulation, lang: Lang) -> String {
    let d = sim.diagram();
    let title = if d.name.is_empty() {
        t(lang, "Scaleboard run report").to_owned()
    } else {
        format!("{} — {}", d.name, t(lang, "Run report"))
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head><body style=\"margin:0;background:#eef1f5\"><div class=\"sb-report-host\">{}</div></body></html>\n",
        lang.code(),
        escape(&title),
        report_html(sim, lang)
    )
}

fn header(s: &mut String, d: &Diagram, r: &Report, lang: Lang) {
    let name = if d.name.is_empty() {
        t(lang, "Untitled design").to_owned()
    } else {
        d.name.clone()
    };
    let _ = write!(
        s,
        r#"<header><h1>{}</h1><p class="sbr-design">{}</p><p class="sbr-meta">{} · {} · {} · {}</p></header>"#,
        t(lang, "Run report"),
        escape(&name),
        fill(t(lang, "seed {}"), &[&r.seed]),
        fill(t(lang, "{} simulated"), &[&clock(r.time_s)]),
        fill(
            t(lang, "statistics over {} after {} of warm-up"),
            &[&clock(r.measured_s), &clock(r.warmup_s)]
        ),
        fill(t(lang, "{} events"), &[&count(r.events)]),
    );
}

fn diagram(s: &mut String, d: &Diagram, r: &Report, lang: Lang) {
    let edge_label = |i: usize| ms(d.edges.get(i).map(|e| e.latency_ms));
    let card = |n: &scaleboard_sim::Node| CardText {
        tag: kind_name(lang, n.kind()).to_uppercase(),
        line: match r.nodes.get(&n.id) {
            Some(x) if !x.up => t(lang, "down").to_owned(),
            Some(x) => format!(
                "{} {} · {} {}",
                rate(x.throughput),
                t(lang, "req/s"),
                pct(x.utilization),
                t(lang, "busy")
            ),
            None => String::new(),
        },
    };
    let _ = write!(
        s,
        r#"<section class="sbr-diagram">{}</section>"#,
        diagram_svg(d, Palette::Light, &edge_label, &card)
    );
}

/// One row of the key figures: its name, the value shown, the exact value (for tools and
/// tests), and its confidence interval if it has one.
fn row(s: &mut String, id: &str, name: &str, shown: &str, exact: Option<f64>, ci: &str) {
    let exact = exact.map_or(String::new(), |v| format!(r#" data-value="{v}""#));
    let _ = write!(
        s,
        r#"<tr><th>{}</th><td class="sbr-v" data-figure="{id}"{exact}>{}</td><td class="sbr-ci">{ci}</td></tr>"#,
        escape(name),
        escape(shown)
    );
}

/// A 95 % interval as "46.2 ms – 46.5 ms" (the column is headed "95 % confidence interval").
fn interval(i: Option<&Interval>, lang: Lang) -> String {
    match i {
        Some(i) => format!("{} – {}", ms(Some(i.low)), ms(Some(i.high))),
        None => t(lang, "not enough data for an interval").to_owned(),
    }
}

fn figures(s: &mut String, r: &Report, lang: Lang) {
    let e = &r.end_to_end;
    let ci = e.ci95.as_ref();
    s.push_str(r#"<section class="sbr-kpis"><h2>"#);
    s.push_str(t(lang, "Key figures"));
    let _ = write!(
        s,
        r#"</h2><table><thead><tr><th></th><th></th><th class="sbr-ci">{}</th></tr></thead><tbody>"#,
        t(lang, "95 % confidence interval")
    );
    let per_s = |v: f64| format!("{} {}", rate(v), t(lang, "req/s"));
    row(
        s,
        "throughput",
        t(lang, "Throughput"),
        &per_s(e.throughput),
        Some(e.throughput),
        "",
    );
    row(
        s,
        "offered",
        t(lang, "Offered load"),
        &per_s(e.offered_rps),
        Some(e.offered_rps),
        "",
    );
    row(
        s,
        "error_rate",
        t(lang, "Error rate"),
        &pct(e.error_rate),
        Some(e.error_rate),
        "",
    );
    row(
        s,
        "mean_ms",
        t(lang, "Mean latency"),
        &ms(e.latency_ms.mean),
        e.latency_ms.mean,
        &interval(ci.and_then(|c| c.mean_ms.as_ref()), lang),
    );
    row(
        s,
        "p50_ms",
        "p50",
        &ms(e.latency_ms.p50),
        e.latency_ms.p50,
        "",
    );
    row(
        s,
        "p95_ms",
        "p95",
        &ms(e.latency_ms.p95),
        e.latency_ms.p95,
        "",
    );
    row(
        s,
        "p99_ms",
        "p99",
        &ms(e.latency_ms.p99),
        e.latency_ms.p99,
        &interval(ci.and_then(|c| c.p99_ms.as_ref()), lang),
    );
    row(
        s,
        "completed",
        t(lang, "Requests"),
        &fill(
            t(lang, "{} completed · {} failed"),
            &[&count(e.completed), &count(e.failed)],
        ),
        Some(e.completed as f64),
        "",
    );
    row(
        s,
        "cost_per_hour",
        t(lang, "Cost"),
        &money_per_hour(e.cost_per_hour),
        Some(e.cost_per_hour),
        "",
    );
    s.push_str("</tbody></table></section>");
}

fn slo(s: &mut String, r: &Report, lang: Lang) {
    let o = &r.end_to_end.slo;
    let (class, verdict) = if o.met {
        ("met", t(lang, "SLO met"))
    } else {
        ("missed", t(lang, "SLO missed"))
    };
    let _ = write!(
        s,
        r#"<section class="sbr-slo"><h2>{}</h2><p class="sbr-verdict sbr-{class}" data-figure="slo_met" data-value="{}">{}</p><ul><li>{}</li><li>{}</li><li>{}</li></ul></section>"#,
        t(lang, "Service level objective"),
        o.met,
        verdict,
        fill(
            t(lang, "{} of requests succeeded (target {})"),
            &[&pct(o.success_ratio), &pct(o.availability_target)]
        ),
        fill(
            t(lang, "p99 {} (target {})"),
            &[&ms(o.p99_ms), &ms(Some(o.p99_target_ms))]
        ),
        fill(
            t(lang, "error budget used: {}"),
            &[&pct(o.error_budget_burn)]
        ),
    );
}

fn charts(s: &mut String, sim: &Simulation, lang: Lang) {
    let series: Vec<_> = sim.series().collect();
    let line = |f: &dyn Fn(&scaleboard_sim::metrics::EndToEndSample) -> Option<f64>| {
        series.iter().map(|x| (x.t_s, f(x))).collect::<Vec<_>>()
    };
    let empty = t(lang, "no samples yet");
    let _ = write!(
        s,
        r#"<section class="sbr-charts"><h2 hidden>{}</h2>{}{}{}</section>"#,
        t(lang, "Over time"),
        line_chart(
            t(lang, "Throughput (req/s)"),
            &line(&|x| Some(x.throughput)),
            "#0e9f76",
            empty
        ),
        line_chart(
            t(lang, "p99 latency (ms)"),
            &line(&|x| x.p99_ms),
            "#7c4fe0",
            empty
        ),
        line_chart(
            t(lang, "Errors (%)"),
            &line(&|x| Some(x.error_rate * 100.0)),
            "#d6385a",
            empty
        ),
    );
}

/// A node or zone as the page names it.
fn display(d: &Diagram, id: &str) -> String {
    d.node(id)
        .map_or_else(|| id.to_owned(), |n| n.display_name().to_owned())
}

fn finding(d: &Diagram, f: &Finding, lang: Lang) -> String {
    let name = match &f.element {
        Element::Node(id) => display(d, id),
        Element::Zone(z) => z.clone(),
    };
    let why = match f.reason {
        Reason::Zone => t(lang, "zone {} holds everything some request path needs"),
        Reason::LoneBalancer => t(lang, "{} is a lone load balancer with no standby"),
        Reason::SingleInstance => t(lang, "{} is a single server instance"),
        Reason::UncheckedPool => t(
            lang,
            "{}: a dead instance keeps getting traffic (no health-checked load balancer in front)",
        ),
        Reason::NoReplica => t(lang, "{} is a database with no replica to fail over to"),
        Reason::NoFailover => t(
            lang,
            "{} has replicas, but failover is off: none is ever promoted",
        ),
        Reason::Primary => t(lang, "{}: writes fail while its primary fails over"),
        Reason::LoneCache => t(lang, "{} is a lone cache every request passes through"),
        Reason::LoneRouter => t(lang, "{} is a lone shard router"),
        Reason::OnlyPath => t(lang, "every request path goes through {}"),
    };
    let who: Vec<String> = f
        .blast
        .iter()
        .map(|(c, share)| format!("{} {}", display(d, c), pct(*share)))
        .collect();
    format!("{} ({})", fill(why, &[&name]), who.join(", "))
}

fn spofs(s: &mut String, d: &Diagram, r: &Report, lang: Lang) {
    let _ = write!(
        s,
        r#"<section class="sbr-spof"><h2>{}</h2>"#,
        t(lang, "Single points of failure")
    );
    let all = &r.spof.spofs;
    if all.is_empty() {
        let _ = write!(
            s,
            r#"<p class="sbr-muted">{}</p>"#,
            t(lang, "None: every client survives any one failure.")
        );
    } else {
        s.push_str(r#"<ul data-figure="spofs" data-value=""#);
        let _ = write!(s, "{}\">", all.len());
        for f in all.iter().take(MAX_FINDINGS) {
            let _ = write!(s, "<li>{}</li>", escape(&finding(d, f, lang)));
        }
        if all.len() > MAX_FINDINGS {
            let _ = write!(
                s,
                "<li>{}</li>",
                fill(t(lang, "and {} more"), &[&(all.len() - MAX_FINDINGS)])
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>");
}

fn action(d: &Diagram, a: &ChaosAction, lang: Lang) -> String {
    let node = |id: &str, instance: &Option<u32>| match instance {
        Some(k) => format!("{} #{k}", display(d, id)),
        None => display(d, id),
    };
    let edge = |name: &str| {
        d.edges.iter().find(|e| e.name() == name).map_or_else(
            || name.to_owned(),
            |e| format!("{} → {}", display(d, &e.from), display(d, &e.to)),
        )
    };
    match a {
        ChaosAction::Kill { node: id, instance } => {
            fill(t(lang, "kill {}"), &[&node(id, instance)])
        }
        ChaosAction::Revive { node: id, instance } => {
            fill(t(lang, "revive {}"), &[&node(id, instance)])
        }
        ChaosAction::Slow { node: id, factor } => fill(
            t(lang, "slow {} down ×{}"),
            &[&display(d, id), &num(*factor)],
        ),
        ChaosAction::Errors { node: id, rate } => fill(
            t(lang, "{} fails {} % of requests"),
            &[&display(d, id), &num(rate * 100.0)],
        ),
        ChaosAction::Partition { edge: e } => fill(t(lang, "cut the network on {}"), &[&edge(e)]),
        ChaosAction::Heal { edge: e } => fill(t(lang, "heal the network on {}"), &[&edge(e)]),
        ChaosAction::PartitionZone { zone } => {
            fill(t(lang, "cut zone {} off the network"), &[zone])
        }
        ChaosAction::HealZone { zone } => fill(t(lang, "reconnect zone {}"), &[zone]),
        ChaosAction::PartitionRegion { region } => fill(
            t(lang, "cut region {} off from the other regions"),
            &[region],
        ),
        ChaosAction::HealRegion { region } => fill(t(lang, "reconnect region {}"), &[region]),
        ChaosAction::KillZone { zone } => fill(t(lang, "zone {} goes down"), &[zone]),
        ChaosAction::ReviveZone { zone } => fill(t(lang, "zone {} comes back"), &[zone]),
        ChaosAction::Traffic { factor } => {
            fill(t(lang, "traffic ×{} (all clients)"), &[&num(*factor)])
        }
    }
}

fn chaos(s: &mut String, d: &Diagram, r: &Report, lang: Lang) {
    let _ = write!(
        s,
        r#"<section class="sbr-chaos"><h2>{}</h2>"#,
        t(lang, "Chaos events")
    );
    let mut events: Vec<_> = d.chaos.iter().collect();
    events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    if events.is_empty() {
        let _ = write!(
            s,
            r#"<p class="sbr-muted">{}</p>"#,
            t(lang, "None scripted.")
        );
    } else {
        let _ = write!(
            s,
            r#"<ul data-figure="chaos" data-value="{}">"#,
            events.len()
        );
        for e in events.iter().take(MAX_CHAOS) {
            let later = if e.at_s > r.time_s {
                format!(
                    r#" <span class="sbr-muted">({})</span>"#,
                    t(lang, "not reached yet")
                )
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "<li><b>{}</b> {}{later}</li>",
                clock(e.at_s),
                escape(&action(d, &e.action, lang))
            );
        }
        if events.len() > MAX_CHAOS {
            let _ = write!(
                s,
                "<li>{}</li>",
                fill(t(lang, "and {} more"), &[&(events.len() - MAX_CHAOS)])
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>");
}
