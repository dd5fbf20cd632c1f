//! One edge: a curve with an arrow, a wide invisible stroke that is easy to click, and a label
//! with its latency and the requests per second flowing over it.

use crate::editor::edge_sketch::{label_parts, line_width, shows_label, Tone};
use crate::editor::geometry::{bezier, svg_path, Point};
use crate::i18n::Lang;
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
    // The canvas draws the same edge while a big design zooms (`edge_sketch`): one rule each.
    let width = line_width(props.rate);
    let mut parts = label_parts(&props.edge, props.rate, props.cut, props.lang).into_iter();
    let latency = parts.next().map(|(text, _)| text).unwrap_or_default();
    let (cut_mark, rate_text): (Vec<_>, Vec<_>) = parts.partition(|(_, tone)| *tone == Tone::Muted);
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
            if shows_label(&props.curve, props.selected) {
                <g class="edge-label" transform={format!("translate({:.1},{:.1})", mid.x, mid.y - 12.0)}>
                    <text text-anchor="middle">
                        { latency }
                        { for cut_mark.into_iter().map(|(text, _)| html! { <tspan class="edge-cut-label">{ text }</tspan> }) }
                        { for rate_text.into_iter().map(|(text, _)| html! { <tspan class="edge-rate">{ text }</tspan> }) }
                    </text>
                </g>
            }
        </g>
    }
}
