//! The headline figures of the whole system, large enough to read from the back of a room:
//! throughput, p99 latency, error rate and cost, over the last simulated second.

use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::stats::Stats;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KpisProps {
    pub stats: Rc<Stats>,
    pub lang: Lang,
    /// Laid out but invisible (an empty canvas has no figures to show).
    #[prop_or_default]
    pub hidden: bool,
}

#[function_component]
pub fn Kpis(props: &KpisProps) -> Html {
    let lang = props.lang;
    let last = props.stats.series.last();
    let value = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    let err = last.map_or(0.0, |s| s.error_rate);
    let p99 = last.and_then(|s| s.p99_ms);
    let kpi =
        |testid: &'static str, title: &'static str, v: String, class: Option<&'static str>| {
            html! {
                <div class={classes!("kpi", class)}>
                    <span class="kpi-label">{ tr(lang, title) }</span>
                    <span class="kpi-value" data-testid={testid}>{ v }</span>
                </div>
            }
        };
    html! {
        <div class={classes!("kpis", "no-gesture", props.hidden.then_some("is-hidden"))} data-testid="kpis"
             aria-hidden={props.hidden.then_some("true")}
             data-sim-time={props.stats.time_s.to_string()}
             data-completed={props.stats.completed_total.to_string()}
             data-snapshot={props.stats.snapshot.to_string()}>
            { kpi("metric-throughput", "Throughput", value(last.map(|s| format!("{} req/s", format::rate(s.throughput)))), None) }
            { kpi("metric-p99", "p99 latency", value(p99.map(format::ms)),
                  p99.filter(|v| *v > 500.0).map(|_| "kpi-warn")) }
            { kpi("metric-error-rate", "Errors", value(last.map(|s| format::pct(s.error_rate))),
                  (err > 0.0).then_some("kpi-bad")) }
            if props.stats.series.iter().any(|s| s.stale_per_s > 0.0) {
                { kpi("metric-stale", "Stale reads", value(last.map(|s| format::pct(s.stale_rate))),
                      last.filter(|s| s.stale_rate > 0.0).map(|_| "kpi-warn")) }
            }
            { kpi("metric-cost", "Cost", value(last.map(|s| format::money_per_hour(s.cost_per_hour))), None) }
            { kpi("metric-spent", "Spent", value(last.map(|s| format::money(s.cost_total))), None) }
            <div class="kpi kpi-perf" title={tr(lang, "How fast this browser runs the simulation")}
                 data-frame-ms={format!("{:.2},{:.2},{:.2},{:.2}", props.stats.frame_ms[0], props.stats.frame_ms[1], props.stats.frame_ms[2], props.stats.frame_ms[3])}>
                <span class="kpi-label">{ tr(lang, "Engine") }</span>
                <span class="kpi-value small" data-testid="perf">
                    <span data-testid="perf-rps">{ format!("{} req/s", format::rate(props.stats.requests_per_wall_s)) }</span>
                    { " · " }
                    <span data-testid="perf-fps">{ fill(tr(lang, "{} fps"), &[&format!("{:.0}", props.stats.fps)]) }</span>
                </span>
            </div>
        </div>
    }
}
