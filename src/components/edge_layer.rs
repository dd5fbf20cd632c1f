//! The SVG edge layers of the canvas: every edge that can be on screen, and the edges of the
//! cards being dragged in a layer of their own. A component of its own so that a render of the
//! canvas that changes none of its properties — every wheel step of a zoom, which keeps the
//! culled area (`cull::drawn_world`) — does not build and compare 1,400 edges again.

use super::edge_view::EdgeView;
use crate::editor::cull;
use crate::editor::geometry::{edge_curve, in_port, out_port, svg_path, Point, Rect};
use crate::editor::layout::{Layout, Positions, SameRc};
use crate::i18n::Lang;
use crate::stats::Stats;
use std::collections::BTreeSet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EdgeLayerProps {
    pub layout: SameRc<Layout>,
    /// The dragged cards' positions now.
    pub moved: Vec<(String, (f64, f64))>,
    /// The culled area of a big design (`None`: every edge is drawn).
    pub world: Option<Rect>,
    pub selected: BTreeSet<String>,
    pub stats: SameRc<Stats>,
    pub lang: Lang,
    /// The edge SVG, which the canvas makes transparent (`is-sketched`) while a big design's
    /// zoom changes (`render::edge_sketch::show`).
    pub svg_ref: NodeRef,
    /// The curve being drawn from an out port to the pointer (world units).
    pub preview: Option<(String, Point)>,
}

#[function_component]
pub fn EdgeLayer(props: &EdgeLayerProps) -> Html {
    let layout = &props.layout.0;
    let positions = Positions::new(layout, &props.moved);
    let stats = &props.stats.0;
    // The edges of cards being dragged are drawn in a layer of their own, as the cards are
    // (`.is-dragging`): a pointer move then repaints that small layer, not every tile of the
    // world layer the moving curves cross, each full of other edges.
    let (moving_edges, edges): (Vec<_>, Vec<_>) = layout
        .edges
        .iter()
        .filter_map(|(name, e)| {
            let (fx, fy) = positions.get(&e.from)?;
            let (tx, ty) = positions.get(&e.to)?;
            let moving = positions.is_dragged(&e.from) || positions.is_dragged(&e.to);
            if let Some(w) = &props.world {
                if !moving && !cull::edge_visible(w, (fx, fy), (tx, ty)) {
                    return None;
                }
            }
            let rate = stats.edges.get(name).copied().unwrap_or(0.0);
            Some((
                moving,
                html! {
                    <EdgeView key={name.clone()} name={name.clone()} edge={e.clone()}
                              curve={edge_curve(out_port(fx, fy), in_port(tx, ty))}
                              selected={props.selected.contains(name)} rate={rate}
                              cut={stats.cut_edges.contains(name)} lang={props.lang} />
                },
            ))
        })
        .partition(|(moving, _)| *moving);
    let edges = edges.into_iter().map(|(_, h)| h);
    let moving_edges: Vec<Html> = moving_edges.into_iter().map(|(_, h)| h).collect();
    let preview = props.preview.as_ref().and_then(|(from, now)| {
        let (fx, fy) = positions.get(from)?;
        let d = svg_path(&edge_curve(out_port(fx, fy), *now));
        Some(html! { <path class="edge-preview" d={d} /> })
    });
    html! {
        <>
            <svg class="edges" aria-hidden="true" ref={props.svg_ref.clone()}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                    <marker id="arrow-selected" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head selected" />
                    </marker>
                </defs>
                { for edges }
                { for preview }
            </svg>
            if !moving_edges.is_empty() {
                <svg class="edges edges-moving" aria-hidden="true">
                    { for moving_edges }
                </svg>
            }
        </>
    }
}
