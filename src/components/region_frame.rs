//! A region drawn on the canvas: a labelled frame behind the cards that live in it, with a
//! button that cuts the region off from the rest of the world (a network partition) or
//! reconnects it.

use crate::i18n::{fill, tr, Lang};
use crate::state::Action;
use scaleboard_sim::diagram::{ChaosAction, Region};
use scaleboard_sim::engine::RegionNow;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RegionFrameProps {
    pub region: Region,
    /// An edge crossing the region's border is cut now.
    pub partitioned: bool,
    /// Simulated seconds now (the injection is stamped with it).
    pub time_s: f64,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    /// The view's zoom: the name keeps a readable size on screen when zoomed out.
    pub zoom: f64,
    /// What this region's users saw in the last simulated second, while a run has one.
    #[prop_or_default]
    pub live: Option<RegionNow>,
}

#[function_component]
pub fn RegionFrame(props: &RegionFrameProps) -> Html {
    let lang = props.lang;
    let r = &props.region;
    let name = if r.label.is_empty() {
        r.id.clone()
    } else {
        r.label.clone()
    };
    let toggle = {
        let (dispatch, id, cut, at_s) = (
            props.dispatch.clone(),
            r.id.clone(),
            props.partitioned,
            props.time_s,
        );
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let action = if cut {
                ChaosAction::HealRegion { region: id.clone() }
            } else {
                ChaosAction::PartitionRegion { region: id.clone() }
            };
            dispatch.emit(Action::Inject { action, at_s });
        })
    };
    let (button, title) = if props.partitioned {
        (
            tr(lang, "Heal"),
            fill(tr(lang, "Reconnect region {}"), &[&name]),
        )
    } else {
        (
            tr(lang, "Partition"),
            fill(tr(lang, "Cut region {} off from the rest"), &[&name]),
        )
    };
    html! {
        <div class={classes!("region-frame", props.partitioned.then_some("is-cut"))}
             data-testid={format!("region-{}", r.id)} data-region={r.id.clone()}
             data-partitioned={props.partitioned.to_string()}
             role="group" aria-label={fill(tr(lang, "region {}"), &[&name])}
             style={format!("transform:translate({}px,{}px);width:{}px;height:{}px;--region-font:{:.1}px", r.x, r.y, r.w.max(0.0), r.h.max(0.0), (13.0 / props.zoom.max(0.05)).clamp(14.0, 34.0))}>
            // The heading is the handle: drag it to move the region and everything in it.
            <div class="region-head" data-region-head={r.id.clone()}
                 title={tr(lang, "Drag to move the region with everything in it")}>
                <span class="region-name">{ name }</span>
                if !r.label.is_empty() {
                    <span class="region-id">{ r.id.clone() }</span>
                }
                <button class="btn btn-small region-cut" data-testid={format!("region-{}-partition", r.id)}
                        title={title.clone()} aria-label={title} onclick={toggle}>{ button }</button>
            </div>
            // The corner handle resizes the frame (pointer only; it never hides a member).
            <div class="region-resize" data-region-resize={r.id.clone()}
                 data-testid={format!("region-{}-resize", r.id)} aria-hidden="true"
                 title={tr(lang, "Drag to resize the region")}></div>
            if let Some(l) = &props.live {
                <div class="region-live" data-testid={format!("region-{}-live", r.id)}
                      data-throughput={l.throughput.to_string()} data-error-rate={l.error_rate.to_string()}
                      data-mean-ms={l.mean_ms.unwrap_or(0.0).to_string()}
                      title={tr(lang, "This region's users over the last simulated second")}>
                    { fill(tr(lang, "users: {} req/s · {} · {} errors"), &[
                        &crate::format::rate(l.throughput),
                        &l.mean_ms.map_or_else(|| "–".to_owned(), crate::format::ms),
                        &crate::format::pct(l.error_rate),
                    ]) }
                </div>
            }
        </div>
    }
}
