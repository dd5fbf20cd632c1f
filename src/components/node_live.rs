//! Live figures of the selected node for the inspector: the last simulated second, with
//! sparklines of the last minute.

use super::charts::Sparkline;
use crate::format;
use crate::i18n::{tr, Lang};
use crate::sim_host::Stats;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NodeLiveProps {
    pub id: String,
    pub stats: Rc<Stats>,
    pub lang: Lang,
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
    let queue = props.stats.nodes.get(&props.id).map_or(0, |s| s.queue_now);
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
            <div class="live-row">
                <span class="live-label">{ tr(lang, "Waiting now") }</span>
                <span class="live-value" data-testid="live-queue">{ queue }</span>
            </div>
        </div>
    }
}
