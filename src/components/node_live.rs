//! Live figures of the selected node for the inspector: the last simulated second, with
//! sparklines of the last minute.

use super::balancer_spread::BalancerSpread;
use super::charts::Sparkline;
use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::stats::Stats;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NodeLiveProps {
    pub id: String,
    pub stats: Rc<Stats>,
    pub lang: Lang,
    /// Databases: how many members are primaries (the rest are replicas).
    #[prop_or(1)]
    pub primaries: u32,
}

#[function_component]
pub fn NodeLive(props: &NodeLiveProps) -> Html {
    let lang = props.lang;
    let Some(series) = props.stats.node_series.get(&props.id) else {
        return html! {
            <div class="live live-empty" data-testid="node-live">{ tr(lang, "Press Play to see this component's live figures.") }</div>
        };
    };
    let last = series.last();
    let spark =
        |f: &dyn Fn(&scaleboard_sim::metrics::NodeSample) -> Option<f64>| -> Rc<Vec<Option<f64>>> {
            Rc::new(series.iter().map(f).collect())
        };
    let row = |title: &'static str,
               value: String,
               values: Rc<Vec<Option<f64>>>,
               color: &'static str,
               testid: &'static str| {
        html! {
            <div class="live-row">
                <span class="live-label">{ tr(lang, title) }</span>
                <span class="live-value" data-testid={testid}>{ value }</span>
                <Sparkline values={values} color={color} width={110} height={26} />
            </div>
        }
    };
    let status = props.stats.nodes.get(&props.id);
    let queue = status.map_or(0, |s| s.queue_now);
    let members: Vec<f64> = status.map(|s| s.member_lag_ms.clone()).unwrap_or_default();
    let primaries = props.primaries as usize;
    let spread = status.and_then(|s| s.balancer.clone());
    let cache_members = status.map(|s| s.cache_members.clone()).unwrap_or_default();
    html! {
        <div class="live" data-testid="node-live">
            { row("Throughput", format!("{}/s", format::rate(last.map_or(0.0, |s| s.throughput))),
                  spark(&|s| Some(s.throughput)), "var(--chart-1)", "live-throughput") }
            { row("p99", last.and_then(|s| s.p99_ms).map_or("–".into(), format::ms),
                  spark(&|s| s.p99_ms), "var(--chart-3)", "live-p99") }
            { row("Utilisation", format::pct(last.map_or(0.0, |s| s.utilization)),
                  spark(&|s| Some(s.utilization * 100.0)), "var(--chart-2)", "live-utilization") }
            { row("Errors", format!("{}/s", format::rate(last.map_or(0.0, |s| s.errors_per_s))),
                  spark(&|s| Some(s.errors_per_s)), "var(--chart-3)", "live-errors") }
            if series.iter().any(|s| s.hit_ratio.is_some()) {
                { row("Hit ratio", last.and_then(|s| s.hit_ratio).map_or("–".into(), format::pct),
                      spark(&|s| s.hit_ratio.map(|h| h * 100.0)), "var(--chart-4)", "live-hit") }
            }
            if series.iter().any(|s| s.lag_ms.is_some()) {
                { row("Replica lag", last.and_then(|s| s.lag_ms).map_or("–".into(), format::ms),
                      spark(&|s| s.lag_ms), "var(--chart-2)", "live-lag") }
            }
            if series.iter().any(|s| s.stale_per_s > 0.0) {
                { row("Stale answers", format!("{}/s", format::rate(last.map_or(0.0, |s| s.stale_per_s))),
                      spark(&|s| Some(s.stale_per_s)), "var(--chart-2)", "live-stale") }
            }
            <div class="live-row">
                <span class="live-label">{ tr(lang, "Waiting now") }</span>
                <span class="live-value" data-testid="live-queue">{ queue }</span>
            </div>
            if members.len() > 1 {
                <div class="live-members" data-testid="live-members">
                    { for members.iter().enumerate().map(|(i, lag)| html! {
                        <div class="live-member">
                            <span class="live-label">{ if i < primaries { fill(tr(lang, "primary {}"), &[&(i + 1)]) } else { fill(tr(lang, "replica {}"), &[&(i + 1 - primaries)]) } }</span>
                            <span class={classes!("live-value", (*lag > 500.0).then_some("warn"))}>{ if *lag > 0.0 { format!("{} {}", tr(lang, "behind"), format::ms(*lag)) } else { tr(lang, "up to date").to_owned() } }</span>
                        </div>
                    }) }
                </div>
            }
            if let Some(report) = spread {
                <BalancerSpread {report} {lang} />
            }
            if !cache_members.is_empty() {
                <div class="live-members" data-testid="live-cache-members">
                    { for cache_members.iter().map(|m| html! {
                        <div class="live-member" data-testid={format!("live-cache-member-{}", m.index)}>
                            <span class="live-label">{ fill(tr(lang, "member #{}"), &[&m.index]) }</span>
                            <span class={classes!("live-value", (!m.up).then_some("warn"))}>{
                                if m.up {
                                    fill(tr(lang, "hits {} · load {}"), &[
                                        &m.hit_ratio.map_or("–".into(), format::pct),
                                        &m.load_share.map_or("–".into(), format::pct),
                                    ])
                                } else {
                                    tr(lang, "down").to_owned()
                                }
                            }</span>
                        </div>
                    }) }
                </div>
            }
        </div>
    }
}
