//! Left sidebar: the component kinds. Drag one onto the canvas (mouse, pen or touch), or click it
//! to place it in the middle of the view.

use crate::i18n::{tr, Lang};
use crate::icons::{blurb, label, KindIcon};
use scaleboard_sim::diagram::NodeSpec;
use scaleboard_sim::ComponentKind;
use web_sys::Element;
use yew::prelude::*;

/// A drag in progress from the palette.
#[derive(Clone, Copy, PartialEq)]
struct Drag {
    kind: ComponentKind,
    pointer: i32,
    start: (f64, f64),
    at: (f64, f64),
    moved: bool,
}

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub lang: Lang,
    /// Place a component: at a client-coordinate point (a drop), or `None` (a click).
    pub on_place: Callback<(ComponentKind, Option<(f64, f64)>)>,
}

#[function_component]
pub fn Palette(props: &PaletteProps) -> Html {
    let lang = props.lang;
    let drag = use_state(|| None::<Drag>);

    let item = |kind: ComponentKind| {
        let simulated = NodeSpec::default_for(kind).is_some();
        let onpointerdown = {
            let drag = drag.clone();
            Callback::from(move |e: PointerEvent| {
                if e.button() != 0 {
                    return;
                }
                e.prevent_default();
                // Capture on the item itself (Yew delegates events, so `current_target` is the
                // document body), so the drag keeps its events wherever the pointer goes.
                let item = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok())
                    .and_then(|el| el.closest(".palette-item").ok().flatten());
                if let Some(el) = item {
                    let _ = el.set_pointer_capture(e.pointer_id());
                }
                let p = (e.client_x() as f64, e.client_y() as f64);
                drag.set(Some(Drag {
                    kind,
                    pointer: e.pointer_id(),
                    start: p,
                    at: p,
                    moved: false,
                }));
            })
        };
        let onpointermove = {
            let drag = drag.clone();
            Callback::from(move |e: PointerEvent| {
                if let Some(mut d) = *drag {
                    if d.pointer != e.pointer_id() {
                        return;
                    }
                    d.at = (e.client_x() as f64, e.client_y() as f64);
                    d.moved |= (d.at.0 - d.start.0).abs() + (d.at.1 - d.start.1).abs() > 5.0;
                    drag.set(Some(d));
                }
            })
        };
        let onpointerup = {
            let drag = drag.clone();
            let place = props.on_place.clone();
            Callback::from(move |e: PointerEvent| {
                if let Some(d) = *drag {
                    if d.pointer == e.pointer_id() {
                        drag.set(None);
                        let at = (e.client_x() as f64, e.client_y() as f64);
                        place.emit((d.kind, d.moved.then_some(at)));
                    }
                }
            })
        };
        let oncancel = {
            let drag = drag.clone();
            Callback::from(move |_: PointerEvent| drag.set(None))
        };
        // Enter or Space adds the component near the middle of the view, selected.
        let onkeydown = {
            let place = props.on_place.clone();
            Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " ") {
                    e.prevent_default();
                    place.emit((kind, None));
                }
            })
        };
        html! {
            <div class={classes!("palette-item", format!("kind-{}", kind.slug()), (!simulated).then_some("is-soon"))}
                data-testid={format!("palette-{}", kind.slug())}
                title={tr(lang, blurb(kind))} tabindex="0" role="button"
                {onpointerdown} {onpointermove} {onpointerup} onpointercancel={oncancel} {onkeydown}>
                <span class="palette-icon"><KindIcon kind={kind} /></span>
                <span class="palette-text">
                    <span class="palette-name">
                        { tr(lang, label(kind)) }
                        if !simulated { <span class="soon">{ tr(lang, "soon") }</span> }
                    </span>
                    <span class="palette-blurb">{ tr(lang, blurb(kind)) }</span>
                </span>
            </div>
        }
    };

    html! {
        <aside class="palette" data-testid="palette" aria-label={tr(lang, "Components")}>
            <h2 class="panel-title">{ tr(lang, "Components") }</h2>
            <div class="palette-list">
                { for ComponentKind::ALL.into_iter().map(item) }
            </div>
            <p class="palette-help">{ tr(lang, "Drag onto the canvas, then drag from a node's right edge to another node to connect them.") }</p>
            if let Some(d) = drag.as_ref().filter(|d| d.moved) {
                <div class={classes!("palette-ghost", format!("kind-{}", d.kind.slug()))}
                     style={format!("left:{}px;top:{}px", d.at.0, d.at.1)}>
                    <KindIcon kind={d.kind} />
                    <span>{ tr(lang, label(d.kind)) }</span>
                </div>
            }
        </aside>
    }
}
