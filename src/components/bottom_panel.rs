//! Bottom panel: charts over simulated time, the event log, and the diagram's problems.

use super::charts::{ChartLine, TimeChart};
use super::resilience::Resilience;
use super::sequence_diagram::{coordinators, SequenceDiagram};
use crate::format;
use crate::i18n::{fill, problems, tr, Lang};
use crate::state::{Action, BottomTab, LogEntry, LogKind, Selection};
use crate::stats::Stats;
use scaleboard_sim::analysis::SpofReport;
use scaleboard_sim::diagram::{Location, Problem, Severity};
use scaleboard_sim::Diagram;
use std::collections::VecDeque;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BottomPanelProps {
    pub open: bool,
    pub tab: BottomTab,
    pub stats: Rc<Stats>,
    pub log: VecDeque<LogEntry>,
    pub problems: Rc<Vec<Problem>>,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    pub doc: Rc<Diagram>,
    pub spof: Rc<SpofReport>,
    /// The one node selected on the canvas, if exactly one is.
    pub selected: Option<String>,
}

fn line(
    label: &'static str,
    color: &'static str,
    points: Vec<(f64, Option<f64>)>,
    dashed: bool,
) -> ChartLine {
    ChartLine {
        label: label.into(),
        color: color.into(),
        points,
        dashed,
    }
}

/// What partitions cost the databases that chose `cp` or `ap`, summed over them: requests
/// refused per second (availability lost) and keys written on both sides (consistency lost).
/// Empty when no database has a partition mode.
fn partition_lines(stats: &Stats, lang: Lang) -> Vec<ChartLine> {
    let dbs: Vec<&Vec<scaleboard_sim::metrics::NodeSample>> = stats
        .node_series
        .values()
        .filter(|s| s.iter().any(|x| x.conflicting_keys.is_some()))
        .collect();
    let Some(first) = dbs.first() else {
        return Vec::new();
    };
    // Every node is sampled at the same ticks, so the i-th samples line up.
    let sum = |f: &dyn Fn(&scaleboard_sim::metrics::NodeSample) -> f64| {
        (0..first.len())
            .map(|i| {
                let total = dbs.iter().filter_map(|s| s.get(i)).map(f).sum();
                (first[i].t_s, Some(total))
            })
            .collect::<Vec<_>>()
    };
    vec![
        line(
            tr(lang, "refused per second (CP)"),
            "var(--chart-3)",
            sum(&|x| x.refused_per_s),
            false,
        ),
        line(
            tr(lang, "conflicting keys (AP)"),
            "var(--chart-5)",
            sum(&|x| x.conflicting_keys.unwrap_or(0.0)),
            false,
        ),
    ]
}

/// One second of an autoscaled group: (t_s, instances, booting, down).
type InstanceSample = (f64, u32, u32, u32);

/// Instances of each autoscaled group over time, with those booting and those down (dashed).
/// Empty when no group autoscales.
fn instance_lines(stats: &Stats, lang: Lang) -> Vec<ChartLine> {
    const COLORS: [&str; 3] = ["var(--chart-1)", "var(--chart-4)", "var(--chart-5)"];
    let many = stats.instance_series.len() > 1;
    let mut lines = Vec::new();
    for (i, (id, s)) in stats.instance_series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let named = |what: &str| -> String {
            if many {
                format!("{id}: {what}")
            } else {
                what.to_owned()
            }
        };
        let pts = |f: &dyn Fn(&InstanceSample) -> u32| {
            s.iter()
                .map(|x| (x.0, Some(f(x) as f64)))
                .collect::<Vec<_>>()
        };
        lines.push(ChartLine {
            label: named(tr(lang, "Instances")).into(),
            color: color.into(),
            points: pts(&|x| x.1),
            dashed: false,
        });
        if s.iter().any(|x| x.2 > 0) {
            lines.push(ChartLine {
                label: named(tr(lang, "booting")).into(),
                color: "var(--chart-2)".into(),
                points: pts(&|x| x.2),
                dashed: true,
            });
        }
        if s.iter().any(|x| x.3 > 0) {
            lines.push(ChartLine {
                label: named(tr(lang, "down")).into(),
                color: "var(--chart-3)".into(),
                points: pts(&|x| x.3),
                dashed: true,
            });
        }
    }
    lines
}

#[function_component]
pub fn BottomPanel(props: &BottomPanelProps) -> Html {
    let lang = props.lang;
    let charts = use_memo((props.stats.clone(), lang), |(stats, lang)| {
        let lang = *lang;
        let s = &stats.series;
        let pts = |f: &dyn Fn(&scaleboard_sim::metrics::EndToEndSample) -> Option<f64>| {
            s.iter().map(|x| (x.t_s, f(x))).collect::<Vec<_>>()
        };
        (
            Rc::new(vec![
                line(tr(lang, "p50"), "var(--chart-4)", pts(&|x| x.p50_ms), false),
                line(tr(lang, "p95"), "var(--chart-2)", pts(&|x| x.p95_ms), false),
                line(tr(lang, "p99"), "var(--chart-3)", pts(&|x| x.p99_ms), false),
            ]),
            Rc::new(vec![
                line(
                    tr(lang, "offered"),
                    "var(--chart-5)",
                    pts(&|x| Some(x.generated_per_s)),
                    true,
                ),
                line(
                    tr(lang, "attempts"),
                    "var(--chart-2)",
                    pts(&|x| Some(x.attempts_per_s)),
                    true,
                ),
                line(
                    tr(lang, "succeeded"),
                    "var(--chart-1)",
                    pts(&|x| Some(x.throughput)),
                    false,
                ),
            ]),
            Rc::new(vec![line(
                tr(lang, "errors"),
                "var(--chart-3)",
                pts(&|x| Some(x.error_rate * 100.0)),
                false,
            )]),
            Rc::new(vec![line(
                tr(lang, "cost"),
                "var(--chart-4)",
                pts(&|x| Some(x.cost_per_hour)),
                false,
            )]),
            Rc::new(vec![line(
                tr(lang, "spent"),
                "var(--chart-5)",
                pts(&|x| Some(x.cost_total)),
                false,
            )]),
            Rc::new(vec![line(
                tr(lang, "stale reads"),
                "var(--chart-2)",
                pts(&|x| Some(x.stale_rate * 100.0)),
                false,
            )]),
            Rc::new(partition_lines(stats, lang)),
            Rc::new(instance_lines(stats, lang)),
        )
    });
    let tab = |t: BottomTab, label: String, testid: &'static str| {
        let d = props.dispatch.clone();
        html! {
            <button class={classes!("tab", (props.tab == t && props.open).then_some("is-active"))}
                    data-testid={testid} onclick={move |_| d.emit(Action::SetTab(t))}>{ label }</button>
        }
    };
    let errors = props
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let body = if !props.open {
        html! {}
    } else {
        match props.tab {
            BottomTab::Charts => {
                let empty = tr(lang, "Press Play to see the system over time");
                html! {
                    <div class="charts" data-testid="charts">
                        <TimeChart title={tr(lang, "Latency (end to end)")} testid="chart-latency" unit="ms"
                                   lines={charts.0.clone()} decimals={1} empty_text={empty} />
                        <TimeChart title={tr(lang, "Requests per second")} testid="chart-throughput" unit="req/s"
                                   lines={charts.1.clone()} decimals={0} empty_text={empty} />
                        <TimeChart title={tr(lang, "Error rate")} testid="chart-errors" unit="%"
                                   lines={charts.2.clone()} decimals={1} empty_text={empty} />
                        <TimeChart title={tr(lang, "Cost")} testid="chart-cost" unit="$/h"
                                   lines={charts.3.clone()} decimals={2} empty_text={empty} />
                        <TimeChart title={tr(lang, "Money spent")} testid="chart-spent" unit="$"
                                   lines={charts.4.clone()} decimals={3} empty_text={empty} />
                        <TimeChart title={tr(lang, "Stale reads")} testid="chart-stale" unit="%"
                                   lines={charts.5.clone()} decimals={1} empty_text={empty} />
                        if !charts.6.is_empty() {
                            <TimeChart title={tr(lang, "Partition: refused or conflicting")}
                                       testid="chart-partition" unit=""
                                       lines={charts.6.clone()} decimals={0} empty_text={empty} />
                        }
                        if !charts.7.is_empty() {
                            <TimeChart title={tr(lang, "Instances (autoscaling)")}
                                       testid="chart-instances" unit=""
                                       lines={charts.7.clone()} decimals={0} empty_text={empty} />
                        }
                    </div>
                }
            }
            BottomTab::Log => html! {
                <ol class="event-log" data-testid="event-log">
                    if props.log.is_empty() {
                        <li class="muted">{ tr(lang, "Nothing has happened yet. Kill a node, change a parameter, or press Play.") }</li>
                    }
                    { for props.log.iter().rev().map(|e| html! {
                        <li class={classes!("log-entry", match e.kind {
                            LogKind::Edit => "log-edit", LogKind::Chaos => "log-chaos",
                            LogKind::Sim => "log-sim", LogKind::System => "log-system",
                            LogKind::Problem => "log-problem" })}>
                            <span class="log-time">{ format!("t = {}", format::clock(e.at_s)) }</span>
                            <span class="log-text">{ &e.text }</span>
                        </li>
                    }) }
                </ol>
            },
            BottomTab::Resilience => html! {
                <Resilience doc={props.doc.clone()} spof={props.spof.clone()} stats={props.stats.clone()}
                            lang={lang} dispatch={props.dispatch.clone()} />
            },
            BottomTab::Transactions => html! {
                <SequenceDiagram doc={props.doc.clone()} samples={Rc::new(props.stats.transactions.clone())}
                                 selected={props.selected.clone()} lang={lang} />
            },
            BottomTab::Problems => html! {
                <ul class="problems" data-testid="problems">
                    if props.problems.is_empty() {
                        <li class="muted">{ tr(lang, "No problems: the diagram can run.") }</li>
                    }
                    { for props.problems.iter().map(|p| {
                        let target = match &p.location {
                            Location::Node(id) => Some(Selection::node(id)),
                            Location::Edge(name) => Some(Selection::edge(name)),
                            _ => None,
                        };
                        let d = props.dispatch.clone();
                        let onclick = target.map(|sel| Callback::from(move |_: MouseEvent| d.emit(Action::Select(sel.clone()))));
                        html! {
                            <li class={classes!("problem", (p.severity == Severity::Warning).then_some("is-warning"))} {onclick}>
                                { problems::line(lang, p) }
                            </li>
                        }
                    }) }
                </ul>
            },
        }
    };
    let toggle = {
        let d = props.dispatch.clone();
        move |_| d.emit(Action::TogglePanel)
    };
    html! {
        <footer class={classes!("bottom-panel", props.open.then_some("is-open"))} data-testid="bottom-panel">
            <div class="tabs">
                { tab(BottomTab::Charts, tr(lang, "Charts").into(), "tab-charts") }
                { tab(BottomTab::Log, fill(tr(lang, "Event log ({})"), &[&props.log.len()]), "tab-log") }
                { tab(BottomTab::Resilience, fill(tr(lang, "Resilience ({})"), &[&props.spof.spofs.len()]), "tab-resilience") }
                if !coordinators(&props.doc).is_empty() {
                    { tab(BottomTab::Transactions, tr(lang, "Transactions").into(), "tab-transactions") }
                }
                { tab(BottomTab::Problems, fill(tr(lang, "Problems ({})"), &[&errors]), "tab-problems") }
                <span class="tabs-spacer"></span>
                <button class="btn btn-icon" data-testid="panel-toggle" onclick={toggle}
                        title={if props.open { tr(lang, "Collapse") } else { tr(lang, "Expand") }}>
                    { if props.open { "▾" } else { "▴" } }
                </button>
            </div>
            { body }
        </footer>
    }
}
