//! One line-drawn icon per component kind (24×24, stroke = currentColor), so every place that
//! shows a kind — palette, canvas, inspector — draws the same picture.

use scaleboard_sim::ComponentKind;
use yew::prelude::*;

/// SVG path data for a kind's icon.
fn paths(kind: ComponentKind) -> &'static [&'static str] {
    match kind {
        // A laptop: the people sending requests.
        ComponentKind::Client => &["M4 5h16v10H4z", "M2 19h20", "M9 15l-1 4", "M15 15l1 4"],
        // One input fanning out to three outputs.
        ComponentKind::LoadBalancer => &[
            "M3 12h6",
            "M9 12l6-6h4",
            "M9 12h10",
            "M9 12l6 6h4",
            "M17 4l2 2-2 2",
            "M17 10l2 2-2 2",
            "M17 16l2 2-2 2",
        ],
        // A rack of two units with status lights.
        ComponentKind::Server => &[
            "M4 4h16v7H4z",
            "M4 13h16v7H4z",
            "M8 7.5h.01",
            "M8 16.5h.01",
            "M12 7.5h5",
            "M12 16.5h5",
        ],
        // A lightning bolt: fast memory.
        ComponentKind::Cache => &["M13 2L4 14h7l-1 8 9-12h-7z"],
        // A cylinder.
        ComponentKind::Database => &[
            "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z",
            "M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6",
            "M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
        ],
        // A key splitting into shards.
        ComponentKind::ShardRouter => &[
            "M3 12h5",
            "M8 12l4-7",
            "M8 12h4",
            "M8 12l4 7",
            "M13 3h7v4h-7z",
            "M13 10h7v4h-7z",
            "M13 17h7v4h-7z",
        ],
        // A globe: routing between regions.
        ComponentKind::TrafficManager => &[
            "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z",
            "M3 12h18",
            "M12 3c3 3.5 3 14.5 0 18",
            "M12 3c-3 3.5-3 14.5 0 18",
        ],
        // A cloud: copies at the edge of the network.
        ComponentKind::Cdn => &["M7 18h10a4 4 0 0 0 0-8a6 6 0 0 0-11.5 1.5A3.5 3.5 0 0 0 7 18z"],
        // Messages waiting in line, oldest first.
        ComponentKind::Queue => &["M3 7h18v10H3z", "M8 7v10", "M13 7v10", "M18 7v10"],
        // Work split three ways, then merged: map → reduce.
        ComponentKind::BatchJob => &[
            "M3 12h4",
            "M7 6v12",
            "M7 6h5",
            "M7 12h5",
            "M7 18h5",
            "M12 6l5 6l-5 6",
            "M12 12h5",
            "M17 12h4",
        ],
    }
}

#[derive(Properties, PartialEq)]
pub struct KindIconProps {
    pub kind: ComponentKind,
    #[prop_or(24)]
    pub size: u32,
}

#[function_component]
pub fn KindIcon(props: &KindIconProps) -> Html {
    let size = props.size.to_string();
    html! {
        <svg class="kind-icon" width={size.clone()} height={size} viewBox="0 0 24 24" fill="none"
             stroke="currentColor" stroke-width="1.75" stroke-linecap="round"
             stroke-linejoin="round" aria-hidden="true">
            { for paths(props.kind).iter().map(|d| html! { <path d={*d} /> }) }
        </svg>
    }
}

/// Short English label of a kind: the report's name for it, so that both say the same.
pub fn label(kind: ComponentKind) -> &'static str {
    scaleboard_report::words::kind_name(scaleboard_report::Lang::En, kind)
}

/// A tag short enough for a node card.
pub fn short_label(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => "Client",
        ComponentKind::LoadBalancer => "LB",
        ComponentKind::Server => "Server",
        ComponentKind::Cache => "Cache",
        ComponentKind::Database => "DB",
        ComponentKind::ShardRouter => "Router",
        ComponentKind::TrafficManager => "GTM",
        ComponentKind::Cdn => "CDN",
        ComponentKind::Queue => "Queue",
        ComponentKind::BatchJob => "Batch",
    }
}

/// One line saying what a kind does, shown under its name in the palette.
pub fn blurb(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => "Sends requests: rate, mix, key skew, retries",
        ComponentKind::LoadBalancer => "Spreads requests: L4/L7, health checks",
        ComponentKind::Server => "Workers and a queue; scale up or out",
        ComponentKind::Cache => "LRU + TTL in front of slower storage",
        ComponentKind::Database => "Primary with replicas; sync or async",
        ComponentKind::ShardRouter => "Splits keys across shards",
        ComponentKind::TrafficManager => "Routes users to the nearest healthy region",
        ComponentKind::Cdn => "Edge caches near users, in front of an origin",
        ComponentKind::Queue => "Answers producers at once; consumers work through the backlog",
        ComponentKind::BatchJob => "Splits a big input over a worker pool: map, shuffle, reduce",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::has_korean;

    /// Kind names reach `tr` through these functions, not as literals: check them here.
    #[test]
    fn every_kind_name_is_translated() {
        for kind in ComponentKind::ALL {
            for text in [label(kind), short_label(kind), blurb(kind)] {
                assert!(has_korean(text), "no Korean for {text:?}");
            }
        }
    }
}
