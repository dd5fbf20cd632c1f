//! Where a load balancer's requests went: a bar per backend with its share of the requests
//! since warm-up, the sticky users pinned to it and the long-lived connections open on it now,
//! and how connections through the balancer ended (for the inspector's live section).

use crate::format;
use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::engine::BalancerReport;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BalancerSpreadProps {
    pub report: BalancerReport,
    pub lang: Lang,
}

/// A bar `value / max` wide (an empty one when `max` is 0).
fn bar(value: f64, max: f64, class: &'static str) -> Html {
    let pct = if max > 0.0 { 100.0 * value / max } else { 0.0 };
    html! {
        <span class="spread-track">
            <span class={classes!("spread-bar", class)} style={format!("width: {pct:.1}%")}></span>
        </span>
    }
}

#[function_component]
pub fn BalancerSpread(props: &BalancerSpreadProps) -> Html {
    let l = props.lang;
    let r = &props.report;
    let max_share = r.backends.iter().map(|b| b.share).fold(0.0, f64::max);
    let max_open = r
        .backends
        .iter()
        .filter_map(|b| b.open_connections)
        .max()
        .unwrap_or(0) as f64;
    let max_sticky = r
        .backends
        .iter()
        .filter_map(|b| b.sticky_users)
        .max()
        .unwrap_or(0) as f64;
    let connections = r.connections.map(|c| {
        let item = |label: &'static str, value: u64, testid: &'static str| {
            html! {
                <span class="spread-count">
                    { label }{ " " }
                    <b data-testid={testid} data-value={value.to_string()}>{ value }</b>
                </span>
            }
        };
        html! {
            <div class="spread-connections" data-testid="connection-counts">
                { item(tr(l, "open"), c.open, "conn-open") }
                { item(tr(l, "opened"), c.opened, "conn-opened") }
                { item(tr(l, "closed"), c.closed, "conn-closed") }
                { item(tr(l, "drained"), c.drained, "conn-drained") }
                { item(tr(l, "dropped"), c.dropped, "conn-dropped") }
            </div>
        }
    });
    html! {
        <div class="live-spread" data-testid="balancer-spread">
            <div class="spread-title">{ tr(l, "Where requests went") }</div>
            { for r.backends.iter().map(|b| html! {
                <div class="spread-row" data-testid="spread-backend" data-backend={b.backend.clone()}
                     data-requests={b.requests.to_string()}
                     data-open={b.open_connections.map(|o| o.to_string())}
                     data-sticky={b.sticky_users.map(|s| s.to_string())}>
                    <span class="spread-name" title={b.backend.clone()}>{ b.backend.clone() }</span>
                    <span class="spread-bars">
                        { bar(b.share, max_share, "is-requests") }
                        if let Some(open) = b.open_connections {
                            { bar(open as f64, max_open, "is-connections") }
                        }
                        if let Some(users) = b.sticky_users {
                            { bar(users as f64, max_sticky, "is-sticky") }
                        }
                    </span>
                    <span class="spread-value">
                        { format::pct(b.share) }
                        if let Some(open) = b.open_connections {
                            <span class="spread-sub">{ fill(tr(l, "{} open"), &[&open]) }</span>
                        }
                        if let Some(users) = b.sticky_users {
                            <span class="spread-sub">{ fill(tr(l, "{} users"), &[&users]) }</span>
                        }
                    </span>
                </div>
            }) }
            if r.departed_requests > 0 {
                <div class="spread-departed muted">
                    { fill(tr(l, "{} requests went to backends that have left"), &[&r.departed_requests]) }
                </div>
            }
            { connections.unwrap_or_default() }
        </div>
    }
}
