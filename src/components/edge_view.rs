//! One edge: a curve with an arrow, a wide invisible stroke that is easy to click, and a label
//! with its latency and the requests per second flowing over it.

use crate::editor::geometry::{bezier, svg_path, Point};
use crate::format;
use crate::i18n::{tr, Lang};
use scaleboard_sim::diagram::Edge;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EdgeViewProps {
    pub name: String,
    pub edge: Rc<Edge>,
    pub curve: [Point; 4],
    pub selected: bool,
    /// Requests per second in the last simulated second.
    pub rate: f64,
    /// A network partition cuts this edge now.
    pub cut: bool,
    pub lang: Lang,
}

#[function_component]
pub fn EdgeView(props: &EdgeViewProps) -> Html {
    let d = svg_path(&props.curve);
    let mid = bezier(&props.curve, 0.5);
    // Thicker with more traffic, on a log scale: 1 req/s and 100 k req/s both stay readable.
    let width = 1.6 + (props.rate + 1.0).log10() * 0.9;
    let e = &props.edge;
    let latency = if e.jitter_ms > 0.0 {
        format!(
            "{}–{}",
            format::ms(e.latency_ms),
            format::ms(e.latency_ms + e.jitter_ms)
        )
    } else {
        format::ms(e.latency_ms)
    };
    // Between cards too close together a label would sit on a card: leave it out.
    let [a, _, _, b] = props.curve;
    let roomy = a.dist(b) > 130.0;
    let marker = if props.selected {
        "url(#arrow-selected)"
    } else {
        "url(#arrow)"
    };
    html! {
        <g class={classes!("edge", props.selected.then_some("is-selected"), (props.rate > 0.0).then_some("is-active"),
                           props.cut.then_some("is-cut"))}
           data-edge={props.name.clone()} data-testid={format!("edge-{}", props.name)} data-cut={props.cut.to_string()}
           data-rate={format!("{:.1}", props.rate)}>
            <path class="edge-hit" d={d.clone()} />
            <path class="edge-line" d={d} style={format!("stroke-width:{width:.2}")} marker-end={marker} />
            if roomy || props.selected {
                <g class="edge-label" transform={format!("translate({:.1},{:.1})", mid.x, mid.y - 12.0)}>
                    <text text-anchor="middle">
                        { latency }
                        if props.cut {
                            <tspan class="edge-cut-label">{ format!("  ✕ {}", tr(props.lang, "partitioned")) }</tspan>
                        }
                        if props.rate > 0.0 {
                            <tspan class="edge-rate">{ format!("  {}/s", format::rate(props.rate)) }</tspan>
                        }
                    </text>
                </g>
            }
        </g>
    }
}
