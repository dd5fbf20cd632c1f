//! The diagram canvas: nodes and edges (virtual DOM, redrawn on change), the dot layer
//! (a `<canvas>` drawn by the frame loop), and every pointer gesture — select, move, connect,
//! box-select, pan, pinch and wheel zoom.
//!
//! Gestures are a small state machine driven by pointer events with pointer capture: a drag
//! always ends on `pointerup`, `pointercancel` or lost capture, so a node can never keep following
//! the mouse after the button is released.

use super::edge_layer::EdgeLayer;
use super::node_view::NodeView;
use super::region_frame::RegionFrame;
use crate::editor::cull::{self, CULL_ABOVE};
use crate::editor::edge_sketch::{self, ZoomGesture};
use crate::editor::geometry::{node_rect, snap, Point, Rect};
use crate::editor::layout::{Layout, Positions, SameRc};
use crate::editor::wheel_steps::WheelSteps;
use crate::editor::zoom_level::ZoomLevel;
use crate::editor::View;
use crate::event_text;
use crate::examples::EXAMPLES;
use crate::i18n::{tr, Lang};
use crate::runtime::SharedInputs;
use crate::state::{Action, Selection};
use crate::stats::Stats;
use scaleboard_sim::analysis::SpofReport;
use scaleboard_sim::Diagram;
use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, HtmlElement};
use yew::prelude::*;

/// The gesture in progress.
#[derive(Clone, Debug, PartialEq)]
enum Gesture {
    None,
    Pan {
        pointer: i32,
        start: Point,
        view0: View,
        moved: bool,
        /// A click on empty canvas (no movement) clears the selection.
        clears: bool,
    },
    Drag {
        pointer: i32,
        start: Point,
        ids: Vec<String>,
        delta: (f64, f64),
        moved: bool,
        /// Dragging a region by its heading: the frame moves with its members (`ids`).
        region: Option<String>,
    },
    Box {
        pointer: i32,
        start: Point,
        now: Point,
    },
    /// Resizing a region by its corner handle: its size at the start and now (world units).
    Resize {
        pointer: i32,
        id: String,
        start: Point,
        size0: (f64, f64),
        size: (f64, f64),
    },
    Connect {
        pointer: i32,
        from: String,
        now: Point,
        over: Option<String>,
    },
    Pinch {
        view0: View,
        dist0: f64,
        mid0: Point,
    },
}

#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub doc: Rc<Diagram>,
    pub selection: Selection,
    pub view: View,
    pub stats: Rc<Stats>,
    pub down: Rc<BTreeSet<String>>,
    pub spof: Rc<SpofReport>,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    /// The `<canvas>` the frame loop draws dots on.
    pub dots_ref: NodeRef,
    /// The canvas container (for converting page coordinates).
    pub root_ref: NodeRef,
    pub inputs: SharedInputs,
    /// True while the space bar is held: any drag pans.
    pub space_held: Rc<Cell<bool>>,
    pub fit_rev: u64,
    pub on_example: Callback<&'static str>,
    /// Shown on the empty canvas below the examples (the Recent designs).
    #[prop_or_default]
    pub children: Html,
}

/// Position of a pointer event relative to an element.
fn local(e: &PointerEvent, root: &NodeRef) -> Point {
    let r = root
        .cast::<Element>()
        .map(|el| el.get_bounding_client_rect());
    let (left, top) = r.map_or((0.0, 0.0), |r| (r.left(), r.top()));
    Point::new(e.client_x() as f64 - left, e.client_y() as f64 - top)
}

fn closest(e: &PointerEvent, selector: &str) -> Option<Element> {
    e.target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

/// The node id under a client point, from the DOM.
fn node_at(x: i32, y: i32) -> Option<String> {
    web_sys::window()?
        .document()?
        .element_from_point(x as f32, y as f32)?
        .closest("[data-node]")
        .ok()??
        .get_attribute("data-node")
}

#[function_component]
pub fn Canvas(props: &CanvasProps) -> Html {
    let lang = props.lang;
    let gesture = use_state(|| Gesture::None);
    // Active pointers (for pinch); not rendered, so not state.
    let pointers = use_mut_ref(HashMap::<i32, Point>::new);
    let view = props.view;

    // ---- positions, with the transient offset of a drag ----
    // Prepared once per document (not per pointer move or zoom step).
    let layout = use_memo(SameRc(props.doc.clone()), |doc| Layout::of(&doc.0));
    let (drag_ids, drag_delta, drag_region) = match &*gesture {
        Gesture::Drag {
            ids, delta, region, ..
        } => (ids.clone(), *delta, region.clone()),
        _ => (Vec::new(), (0.0, 0.0), None),
    };
    let resizing = match &*gesture {
        Gesture::Resize { id, size, .. } => Some((id.clone(), *size)),
        _ => None,
    };
    // Where the dragged cards are now (the only positions a pointer move changes).
    let moved: Vec<(String, (f64, f64))> = drag_ids
        .iter()
        .filter_map(|id| {
            let (x, y) = layout.at(id)?;
            Some((id.clone(), (snap(x + drag_delta.0), snap(y + drag_delta.1))))
        })
        .collect();
    let positions = Positions::new(&layout, &moved);

    // Tell the frame loop where things are, for the dot layer: every position when the document
    // changes or a drag ends, only the dragged cards' while one goes on.
    {
        let inputs = props.inputs.clone();
        let shown = use_mut_ref(|| None::<SameRc<Diagram>>);
        use_effect_with(
            (SameRc(props.doc.clone()), moved.clone()),
            move |(doc, moved)| {
                let mut i = inputs.0.borrow_mut();
                let mut shown = shown.borrow_mut();
                if moved.is_empty() || shown.as_ref() != Some(doc) {
                    i.positions = doc
                        .0
                        .nodes
                        .iter()
                        .map(|n| (n.id.clone(), (n.x, n.y)))
                        .collect();
                    *shown = Some(doc.clone());
                }
                for (id, p) in moved {
                    i.positions.insert(id.clone(), *p);
                }
                i.positions_rev += 1;
            },
        );
        let inputs = props.inputs.clone();
        use_effect_with(view, move |view| inputs.0.borrow_mut().view = *view);
    }

    // Fit the diagram to the screen when asked.
    {
        let root = props.root_ref.clone();
        let doc = props.doc.clone();
        let dispatch = props.dispatch.clone();
        use_effect_with(props.fit_rev, move |rev| {
            if *rev > 0 {
                if let Some(el) = root.cast::<Element>() {
                    let r = el.get_bounding_client_rect();
                    let b = crate::editor::geometry::bounds(doc.nodes.iter().map(|n| (n.x, n.y)));
                    // Region frames are part of the picture too.
                    let b = doc
                        .regions
                        .iter()
                        .map(|r| crate::editor::geometry::Rect {
                            x: r.x,
                            y: r.y,
                            w: r.w.max(0.0),
                            h: r.h.max(0.0),
                        })
                        .fold(b, |acc, r| Some(acc.map_or(r, |a| a.union(r))));
                    let insets = overlay_insets(&el, &r);
                    let v = View::fit_in(b, r.width(), r.height(), insets);
                    dispatch.emit(Action::SetFittedView(v));
                }
            }
        });
    }

    // Stay fitted while what surrounds the canvas settles: the KPI strip gains a card or wraps
    // once figures arrive, the bottom panel's legends fill in. Watched with a ResizeObserver on
    // the canvas and the KPI strip.
    {
        let root = props.root_ref.clone();
        let dispatch = props.dispatch.clone();
        use_effect_with((), move |_| {
            let observer = root.cast::<Element>().and_then(|el| {
                let cb = Closure::<dyn FnMut()>::new(move || dispatch.emit(Action::KeepFitted));
                let obs = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()).ok()?;
                obs.observe(&el);
                // The strip is a sibling mounted in the same pass: look for it a task later.
                let later = obs.clone();
                gloo_timers::callback::Timeout::new(0, move || {
                    if let Some(k) = el
                        .parent_element()
                        .and_then(|p| p.query_selector(".kpis").ok().flatten())
                    {
                        later.observe(&k);
                    }
                })
                .forget();
                Some((obs, cb))
            });
            move || {
                if let Some((obs, _cb)) = observer {
                    obs.disconnect();
                }
            }
        });
    }

    // Once a zoom gesture pauses, the world layer is drawn again at the zoom it ended at: the
    // browser otherwise keeps the layer at the resolution it had while zooming (the
    // `will-change: transform` layer's raster scale is fixed after it first changes), and a
    // layer kept at 2.5 times the pixels made every later frame of a run cost that much more
    // (a 1,000-node diagram ran at 13 instead of 50 frames per second after a zoom). Dropping
    // the hint for two frames makes the browser raster it afresh.
    let world_ref = use_node_ref();
    // While a big design's zoom changes, its edges are drawn on a canvas instead of the SVG
    // (`editor::edge_sketch`): the same timer brings the SVG back.
    let zoom_gesture = use_mut_ref(ZoomGesture::default);
    // The wheel's steps not drawn yet: this render's change of zoom is the user's when it
    // shows one of them (a fit or an opened design changes the zoom at once, as before).
    let wheel_steps = use_mut_ref(|| WheelSteps::new(view));
    let by_hand =
        wheel_steps.borrow_mut().rendered(view) || matches!(&*gesture, Gesture::Pinch { .. });
    let sketching = zoom_gesture
        .borrow_mut()
        .on_render(view.zoom, props.doc.nodes.len(), by_hand);
    let rerender = use_force_update();
    {
        let world_ref = world_ref.clone();
        let zoom_gesture = zoom_gesture.clone();
        // Not at the first render: the layer is new then.
        let mounted = use_mut_ref(|| false);
        use_effect_with(ZoomLevel::settled_key(view.zoom), move |_| {
            let first = !std::mem::replace(&mut *mounted.borrow_mut(), true);
            let timer = (!first).then(|| {
                gloo_timers::callback::Timeout::new(ZoomLevel::RERASTER_AFTER_MS, move || {
                    reraster(&world_ref);
                    if zoom_gesture.borrow_mut().settle() {
                        rerender.force_update();
                    }
                })
            });
            move || drop(timer)
        });
    }

    // Wheel zoom needs a non-passive listener to stop the page from scrolling or zooming.
    {
        let root = props.root_ref.clone();
        let dispatch = props.dispatch.clone();
        let wheel_steps = wheel_steps.clone();
        use_effect_with((), move |_| {
            let listener = root.cast::<HtmlElement>().map(|el| {
                let target = el.clone();
                gloo_events::EventListener::new_with_options(
                    &el,
                    "wheel",
                    gloo_events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        e.prevent_default();
                        let r = target.get_bounding_client_rect();
                        let at = Point::new(
                            e.client_x() as f64 - r.left(),
                            e.client_y() as f64 - r.top(),
                        );
                        let factor = (-e.delta_y() * 0.0015).exp();
                        // The step starts from the last one asked for, drawn or not.
                        let from = wheel_steps.borrow().base();
                        let v = from.zoom_at(at, factor);
                        // (A wheel at the zoom's limit changes nothing: no step to draw.)
                        if v.zoom != from.zoom {
                            wheel_steps.borrow_mut().ask(v);
                            dispatch.emit(Action::SetView(v));
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let onpointerdown = {
        let gesture = gesture.clone();
        let pointers = pointers.clone();
        let root = props.root_ref.clone();
        let dispatch = props.dispatch.clone();
        let doc = props.doc.clone();
        let selection = props.selection.clone();
        let space = props.space_held.clone();
        Callback::from(move |e: PointerEvent| {
            let p = local(&e, &root);
            pointers.borrow_mut().insert(e.pointer_id(), p);
            if closest(&e, "button, input, select, .no-gesture").is_some() {
                return; // controls inside the canvas handle their own clicks
            }
            if e.button() == 2 {
                return; // the context menu
            }
            dispatch.emit(Action::CloseMenu);
            if pointers.borrow().len() == 2 {
                let ps: Vec<Point> = pointers.borrow().values().copied().collect();
                gesture.set(Gesture::Pinch {
                    view0: view,
                    dist0: ps[0].dist(ps[1]).max(1.0),
                    mid0: Point::new((ps[0].x + ps[1].x) / 2.0, (ps[0].y + ps[1].y) / 2.0),
                });
                return;
            }
            if let Some(el) = root.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            let world = view.to_world(p);
            let pointer = e.pointer_id();
            if e.button() == 1 || space.get() {
                gesture.set(Gesture::Pan {
                    pointer,
                    start: p,
                    view0: view,
                    moved: false,
                    clears: false,
                });
            } else if let Some(handle) = closest(&e, "[data-region-resize]") {
                let id = handle
                    .get_attribute("data-region-resize")
                    .unwrap_or_default();
                if let Some(r) = doc.regions.iter().find(|r| r.id == id) {
                    gesture.set(Gesture::Resize {
                        pointer,
                        id,
                        start: world,
                        size0: (r.w, r.h),
                        size: (r.w, r.h),
                    });
                }
            } else if let Some(port) = closest(&e, "[data-port='out']") {
                let from = port.get_attribute("data-node").unwrap_or_default();
                gesture.set(Gesture::Connect {
                    pointer,
                    from,
                    now: world,
                    over: None,
                });
            } else if let (Some(node), true) = (closest(&e, "[data-node]"), e.shift_key()) {
                let id = node.get_attribute("data-node").unwrap_or_default();
                dispatch.emit(Action::ToggleSelect(Selection::node(&id)));
                gesture.set(Gesture::None);
            } else if let Some((ids, region)) = grabbed(&e, &doc, &selection, &dispatch) {
                gesture.set(Gesture::Drag {
                    pointer,
                    start: world,
                    ids,
                    delta: (0.0, 0.0),
                    moved: false,
                    region,
                });
            } else if let Some(edge) = closest(&e, "[data-edge]") {
                let name = edge.get_attribute("data-edge").unwrap_or_default();
                let sel = Selection::edge(&name);
                dispatch.emit(if e.shift_key() {
                    Action::ToggleSelect(sel)
                } else {
                    Action::Select(sel)
                });
                gesture.set(Gesture::None);
            } else if e.shift_key() {
                gesture.set(Gesture::Box {
                    pointer,
                    start: p,
                    now: p,
                });
            } else {
                gesture.set(Gesture::Pan {
                    pointer,
                    start: p,
                    view0: view,
                    moved: false,
                    clears: true,
                });
            }
        })
    };

    let onpointermove = {
        let gesture = gesture.clone();
        let pointers = pointers.clone();
        let root = props.root_ref.clone();
        let dispatch = props.dispatch.clone();
        let doc = props.doc.clone();
        Callback::from(move |e: PointerEvent| {
            let p = local(&e, &root);
            if let Some(slot) = pointers.borrow_mut().get_mut(&e.pointer_id()) {
                *slot = p;
            }
            match (*gesture).clone() {
                Gesture::Pan {
                    pointer,
                    start,
                    view0,
                    moved,
                    clears,
                } if pointer == e.pointer_id() => {
                    let (dx, dy) = (p.x - start.x, p.y - start.y);
                    let moved = moved || dx.abs() + dy.abs() > 3.0;
                    if moved {
                        dispatch.emit(Action::SetView(view0.panned(dx, dy)));
                    }
                    gesture.set(Gesture::Pan {
                        pointer,
                        start,
                        view0,
                        moved,
                        clears,
                    });
                }
                Gesture::Drag {
                    pointer,
                    start,
                    ids,
                    moved,
                    region,
                    ..
                } if pointer == e.pointer_id() => {
                    let w = view.to_world(p);
                    let delta = (w.x - start.x, w.y - start.y);
                    let moved = moved || (delta.0.abs() + delta.1.abs()) * view.zoom > 3.0;
                    gesture.set(Gesture::Drag {
                        pointer,
                        start,
                        ids,
                        delta,
                        moved,
                        region,
                    });
                }
                Gesture::Resize {
                    pointer,
                    id,
                    start,
                    size0,
                    ..
                } if pointer == e.pointer_id() => {
                    // The frame follows the pointer but never hides a member (the command
                    // clamps the same way on drop).
                    let w = view.to_world(p);
                    let (min_w, min_h) = crate::editor::commands::region_min_size(&doc, &id);
                    let size = (
                        (size0.0 + w.x - start.x).max(min_w),
                        (size0.1 + w.y - start.y).max(min_h),
                    );
                    gesture.set(Gesture::Resize {
                        pointer,
                        id,
                        start,
                        size0,
                        size,
                    });
                }
                Gesture::Box { pointer, start, .. } if pointer == e.pointer_id() => {
                    gesture.set(Gesture::Box {
                        pointer,
                        start,
                        now: p,
                    });
                }
                Gesture::Connect { pointer, from, .. } if pointer == e.pointer_id() => {
                    let over = node_at(e.client_x(), e.client_y()).filter(|id| *id != from);
                    gesture.set(Gesture::Connect {
                        pointer,
                        from,
                        now: view.to_world(p),
                        over,
                    });
                }
                Gesture::Pinch { view0, dist0, mid0 } => {
                    let ps: Vec<Point> = pointers.borrow().values().copied().collect();
                    if ps.len() == 2 {
                        let mid = Point::new((ps[0].x + ps[1].x) / 2.0, (ps[0].y + ps[1].y) / 2.0);
                        let factor = ps[0].dist(ps[1]) / dist0;
                        let v = view0
                            .zoom_at(mid0, factor)
                            .panned(mid.x - mid0.x, mid.y - mid0.y);
                        dispatch.emit(Action::SetView(v));
                    }
                }
                _ => {}
            }
        })
    };

    let finish = {
        let gesture = gesture.clone();
        let pointers = pointers.clone();
        let dispatch = props.dispatch.clone();
        let doc = props.doc.clone();
        let root = props.root_ref.clone();
        Callback::from(move |e: PointerEvent| {
            pointers.borrow_mut().remove(&e.pointer_id());
            let g = (*gesture).clone();
            let mine = match &g {
                Gesture::Pan { pointer, .. }
                | Gesture::Drag { pointer, .. }
                | Gesture::Box { pointer, .. }
                | Gesture::Resize { pointer, .. }
                | Gesture::Connect { pointer, .. } => *pointer == e.pointer_id(),
                Gesture::Pinch { .. } => true,
                Gesture::None => false,
            };
            if !mine {
                return;
            }
            gesture.set(Gesture::None);
            match g {
                Gesture::Pan {
                    moved: false,
                    clears: true,
                    ..
                } => {
                    dispatch.emit(Action::Select(Selection::default()));
                }
                Gesture::Resize {
                    id, size, size0, ..
                } if size != size0 => {
                    dispatch.emit(Action::ResizeRegion {
                        id,
                        w: snap(size.0),
                        h: snap(size.1),
                    });
                }
                Gesture::Drag {
                    delta,
                    moved: true,
                    region: Some(id),
                    ..
                } => {
                    dispatch.emit(Action::MoveRegion {
                        id,
                        dx: snap(delta.0),
                        dy: snap(delta.1),
                    });
                }
                Gesture::Drag {
                    ids,
                    delta,
                    moved: true,
                    ..
                } => {
                    let moves = ids
                        .iter()
                        .filter_map(|id| doc.node(id))
                        .map(|n| (n.id.clone(), snap(n.x + delta.0), snap(n.y + delta.1)))
                        .collect();
                    dispatch.emit(Action::MoveNodes(moves));
                }
                Gesture::Box { start, .. } => {
                    let now = local(&e, &root);
                    let r = Rect::from_corners(view.to_world(start), view.to_world(now));
                    let nodes = doc
                        .nodes
                        .iter()
                        .filter(|n| node_rect(n.x, n.y).intersects(&r))
                        .map(|n| n.id.clone())
                        .collect();
                    dispatch.emit(Action::ToggleSelect(Selection {
                        nodes,
                        edges: BTreeSet::new(),
                    }));
                }
                Gesture::Connect { from, .. } => {
                    if let Some(to) = node_at(e.client_x(), e.client_y()).filter(|id| *id != from) {
                        dispatch.emit(Action::Connect { from, to });
                    }
                }
                _ => {}
            }
        })
    };

    let oncontextmenu = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let node = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-node]").ok().flatten())
                .and_then(|el| el.get_attribute("data-node"));
            if let Some(id) = node {
                e.prevent_default();
                dispatch.emit(Action::Select(Selection::node(&id)));
                dispatch.emit(Action::OpenMenu(crate::state::ContextMenu {
                    node: id,
                    x: e.client_x() as f64,
                    y: e.client_y() as f64,
                }));
            }
        })
    };

    // ---- drawing ----
    let pos = |id: &str| positions.get(id);
    // Regions: frames behind everything. A region is partitioned while an edge crossing its
    // border is cut (the engine's view, whether the cut came from here or from the timeline).
    let cut_regions = cut_regions(&props.doc, &props.stats.cut_edges);
    let regions = props.doc.regions.iter().map(|r| {
        // The frame being dragged follows the pointer (the drop snaps it to the grid).
        let mut r = r.clone();
        if drag_region.as_deref() == Some(r.id.as_str()) {
            r.x += drag_delta.0;
            r.y += drag_delta.1;
        }
        if let Some((_, (w, h))) = resizing.as_ref().filter(|(id, _)| *id == r.id) {
            (r.w, r.h) = (*w, *h);
        }
        let partitioned = cut_regions.contains(r.id.as_str());
        // Only regions with users get figures (a region of servers alone has none to show).
        let live = props
            .stats
            .regions
            .iter()
            .find(|x| x.region == r.id && (x.throughput > 0.0 || x.error_rate > 0.0))
            .cloned();
        html! {
            <RegionFrame key={r.id.clone()} region={r.clone()} {partitioned} {live}
                         time_s={props.stats.time_s} lang={lang} dispatch={props.dispatch.clone()} zoom={view.zoom} />
        }
    });
    // A big diagram draws only what can be on screen (the window bounds the canvas), keeping
    // the area it drew while that still covers the screen (see `cull::drawn_world`).
    let drawn = use_mut_ref(|| None::<Rect>);
    let world = (props.doc.nodes.len() > CULL_ABOVE)
        .then(|| {
            let w = web_sys::window()?;
            let width = w.inner_width().ok()?.as_f64()?;
            let height = w.inner_height().ok()?.as_f64()?;
            let area = cull::drawn_world(*drawn.borrow(), cull::visible_world(view, width, height));
            *drawn.borrow_mut() = Some(area);
            Some(area)
        })
        .flatten();
    // Each card's finding and its text, prepared once per analysis (not per card and render).
    let findings = use_memo(
        (SameRc(props.doc.clone()), SameRc(props.spof.clone()), lang),
        |(doc, spof, lang)| {
            spof.0
                .risks
                .iter()
                .map(|f| (f, false))
                .chain(spof.0.spofs.iter().map(|f| (f, true)))
                .filter_map(|(f, is_spof)| match &f.element {
                    scaleboard_sim::analysis::Element::Node(id) => Some((
                        id.clone(),
                        (is_spof, event_text::finding_text(*lang, &doc.0, f, is_spof)),
                    )),
                    scaleboard_sim::analysis::Element::Zone(_) => None,
                })
                .collect::<HashMap<String, (bool, String)>>()
        },
    );
    let sketch_ref = use_node_ref();
    // The SVG edge layer, made transparent while the canvas has its edges.
    let edges_ref = use_node_ref();
    // The sketch canvas's size and colours, read once per gesture.
    let sketch_setup = use_mut_ref(|| None::<((f64, f64), crate::render::edge_sketch::Inks)>);
    let sketches = sketching.then(|| {
        let screen = {
            let mut setup = sketch_setup.borrow_mut();
            if setup.is_none() {
                *setup = sketch_ref.cast::<HtmlCanvasElement>().and_then(|el| {
                    Some((
                        crate::render::edge_sketch::size(&el),
                        crate::render::edge_sketch::Inks::of(&el)?,
                    ))
                });
            }
            setup.as_ref().map_or((1280.0, 720.0), |(size, _)| *size)
        };
        let scene = edge_sketch::Scene {
            edges: &layout.edges,
            view,
            screen,
            selected: &props.selection.edges,
            rates: &props.stats.edges,
            cut: &props.stats.cut_edges,
            lang,
        };
        // The edges of dragged cards stay in their own SVG layer.
        edge_sketch::sketches(&scene, |id| {
            (!positions.is_dragged(id)).then(|| pos(id)).flatten()
        })
    });
    {
        let sketch_ref = sketch_ref.clone();
        let svg_ref = edges_ref.clone();
        let widths = use_mut_ref(HashMap::new);
        let zoom = view.zoom;
        use_effect(move || {
            let el = sketch_ref.cast::<HtmlCanvasElement>();
            let mut setup = sketch_setup.borrow_mut();
            let drawn = match (&el, sketches, setup.as_ref()) {
                (Some(el), Some(sketches), Some((size, inks))) => {
                    crate::render::edge_sketch::draw(
                        el,
                        *size,
                        &sketches,
                        inks,
                        zoom,
                        &mut widths.borrow_mut(),
                    );
                    true
                }
                // The gesture is over: empty the canvas, and read the size and colours afresh
                // at the next one (the window or the theme may change in between).
                (Some(el), None, Some((size, _))) => {
                    crate::render::edge_sketch::clear(el, *size);
                    *setup = None;
                    false
                }
                _ => false,
            };
            // The SVG layer is hidden only once the canvas has the edges, and shown again
            // whatever happened (a design that turned small mid-zoom has no canvas any more).
            crate::render::edge_sketch::show(el.as_ref(), svg_ref.cast(), drawn);
        });
    }
    // The semantic zoom: a card changes with the band of zoom, never with a wheel step inside
    // it (type sizes are custom properties of the world layer), and on a big design only once
    // a zoom gesture settles (`ZoomGesture::level`).
    let level = zoom_gesture.borrow().level(view.zoom);
    let compact = level.compact();
    let nodes = layout.nodes.iter().filter_map(|n| {
        let (x, y) = positions.get(&n.id).unwrap_or((n.x, n.y));
        let dragging = positions.is_dragged(&n.id);
        if let Some(w) = &world {
            if !cull::card_visible(w, x, y) && !dragging {
                return None;
            }
        }
        let connect_target =
            matches!(&*gesture, Gesture::Connect { over: Some(o), .. } if *o == n.id);
        Some(html! {
            <NodeView key={n.id.clone()} node={n.clone()} x={x} y={y}
                      selected={props.selection.nodes.contains(&n.id)}
                      down={props.down.contains(&n.id)}
                      status={props.stats.nodes.get(&n.id).cloned()}
                      connect_target={connect_target}
                      dragging={dragging}
                      spof={findings.get(&n.id).cloned()}
                      compact={compact}
                      lang={lang} />
        })
    });
    let preview = match &*gesture {
        Gesture::Connect { from, now, .. } => Some((from.clone(), *now)),
        _ => None,
    };
    let boxed = match &*gesture {
        Gesture::Box { start, now, .. } => {
            let r = Rect::from_corners(*start, *now);
            Some(html! {
                <div class="select-box" data-testid="select-box"
                     style={format!("left:{}px;top:{}px;width:{}px;height:{}px", r.x, r.y, r.w, r.h)} />
            })
        }
        _ => None,
    };
    let grid = crate::editor::geometry::GRID * view.zoom;
    let canvas_style = format!(
        "background-size:{grid}px {grid}px;background-position:{}px {}px",
        view.x.rem_euclid(grid),
        view.y.rem_euclid(grid)
    );
    let viewport_style = format!(
        "transform:translate({}px,{}px) scale({})",
        view.x, view.y, view.zoom
    );
    let zoom_by = |f: f64| {
        let dispatch = props.dispatch.clone();
        let root = props.root_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let c = root
                .cast::<Element>()
                .map(|el| {
                    let r = el.get_bounding_client_rect();
                    Point::new(r.width() / 2.0, r.height() / 2.0)
                })
                .unwrap_or_default();
            dispatch.emit(Action::SetView(view.zoom_at(c, f)));
        })
    };
    let gesture_class = match &*gesture {
        Gesture::Pan { moved: true, .. } | Gesture::Pinch { .. } => Some("is-panning"),
        Gesture::Drag { moved: true, .. } => Some("is-dragging"),
        Gesture::Connect { .. } => Some("is-connecting"),
        _ => None,
    };

    html! {
        <section class={classes!("canvas", gesture_class)} data-testid="canvas" ref={props.root_ref.clone()}
                 aria-label={tr(lang, "Diagram canvas")} style={canvas_style}
                 {onpointerdown} {onpointermove} onpointerup={finish.clone()}
                 onpointercancel={finish.clone()} onlostpointercapture={finish} {oncontextmenu}>
            if props.doc.nodes.len() > CULL_ABOVE {
                <canvas class="edge-sketch" data-testid="edge-sketch" ref={sketch_ref}
                        aria-hidden="true"></canvas>
            }
            <div class={classes!("viewport", level.class())} data-testid="viewport" ref={world_ref} style={viewport_style}
                 data-zoom={format!("{:.3}", view.zoom)} data-pan={format!("{:.1},{:.1}", view.x, view.y)}>
                { for regions }
                <EdgeLayer layout={SameRc(layout.clone())} moved={moved.clone()} world={world}
                           selected={props.selection.edges.clone()} stats={SameRc(props.stats.clone())}
                           lang={lang} svg_ref={edges_ref} {preview} />
                { for nodes }
            </div>
            <canvas class="dots" ref={props.dots_ref.clone()} aria-hidden="true"></canvas>
            { for boxed }
            if props.doc.nodes.is_empty() {
                <div class="canvas-hint" data-testid="canvas-hint">
                    <div class="hint-flow" aria-hidden="true">
                        <span>{ tr(lang, "Client") }</span><span class="arrow">{ "→" }</span>
                        <span>{ tr(lang, "Load balancer") }</span><span class="arrow">{ "→" }</span>
                        <span>{ tr(lang, "Server") }</span>
                    </div>
                    <p class="hint-title">{ tr(lang, "Drag components here and wire them up") }</p>
                    <p class="hint-body">{ tr(lang, "Then press Play and watch requests flow: queues fill, p99 climbs, and a single point of failure takes everything down.") }</p>
                    <div class="hint-examples">
                        <span class="muted">{ tr(lang, "Or start from an example:") }</span>
                        { for EXAMPLES.iter().take(4).map(|ex| {
                            let cb = props.on_example.clone();
                            let slug = ex.slug;
                            html! {
                                <button class="btn btn-small" data-testid={format!("example-{slug}")}
                                        onclick={move |_| cb.emit(slug)}>{ ex.title(lang) }</button>
                            }
                        }) }
                    </div>
                    { props.children.clone() }
                </div>
            }
            <div class="zoom-controls no-gesture">
                <button class="btn btn-icon" data-testid="zoom-out" title={tr(lang, "Zoom out")} onclick={zoom_by(1.0 / 1.2)}>{ "−" }</button>
                <span class="zoom-level" data-testid="zoom-level">{ format!("{:.0}%", view.zoom * 100.0) }</span>
                <button class="btn btn-icon" data-testid="zoom-in" title={tr(lang, "Zoom in")} onclick={zoom_by(1.2)}>{ "+" }</button>
                <button class="btn btn-small" data-testid="fit" title={tr(lang, "Fit the diagram to the screen (F)")}
                        onclick={let d = props.dispatch.clone(); move |_| d.emit(Action::Fit)}>{ tr(lang, "Fit") }</button>
            </div>
        </section>
    }
}

/// Drops the world layer's `will-change` for two frames (see the effect that calls it).
fn reraster(world: &NodeRef) {
    let Some(el) = world.cast::<HtmlElement>() else {
        return;
    };
    let _ = el.style().set_property("will-change", "auto");
    let restore = move || {
        let _ = el.style().remove_property("will-change");
    };
    let later = Closure::once(move || {
        let next = Closure::once(restore);
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(next.as_ref().unchecked_ref());
        }
        next.forget();
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(later.as_ref().unchecked_ref());
    }
    later.forget();
}

/// What a pointer-down starts dragging: a region by its heading (its members move with it), or a
/// node (the whole selection if it is part of it, else just that node, which becomes selected).
fn grabbed(
    e: &PointerEvent,
    doc: &Diagram,
    selection: &Selection,
    dispatch: &Callback<Action>,
) -> Option<(Vec<String>, Option<String>)> {
    if let Some(head) = closest(e, "[data-region-head]") {
        let id = head.get_attribute("data-region-head").unwrap_or_default();
        let members = doc
            .nodes
            .iter()
            .filter(|n| n.region == id)
            .map(|n| n.id.clone())
            .collect();
        return Some((members, Some(id)));
    }
    let id = closest(e, "[data-node]")?
        .get_attribute("data-node")
        .unwrap_or_default();
    let ids = if selection.nodes.contains(&id) {
        selection.nodes.iter().cloned().collect()
    } else {
        dispatch.emit(Action::Select(Selection::node(&id)));
        vec![id]
    };
    Some((ids, None))
}

/// The regions with a cut edge crossing their border, computed once per render (and not at all
/// while nothing is cut or the design has no regions).
fn cut_regions<'a>(doc: &'a Diagram, cut: &BTreeSet<String>) -> BTreeSet<&'a str> {
    if doc.regions.is_empty() || cut.is_empty() {
        return BTreeSet::new();
    }
    let region_of: HashMap<&str, &str> = doc
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.region.as_str()))
        .collect();
    let of = |id: &str| region_of.get(id).copied().unwrap_or("");
    doc.edges
        .iter()
        .filter(|e| cut.contains(&e.name()))
        .flat_map(|e| {
            let (a, b) = (of(&e.from), of(&e.to));
            if a == b {
                vec![]
            } else {
                vec![a, b]
            }
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// Room Fit leaves for what floats over the canvas: the KPI strip at the top, and at the bottom
/// the zoom controls or the strip a toast may take (`--toast-room` of the stage, set in the CSS
/// beside the toast's place), whichever is taller. Toasts come and go, so their room is always
/// kept.
fn overlay_insets(canvas: &Element, r: &web_sys::DomRect) -> crate::editor::geometry::Insets {
    const GAP: f64 = 8.0;
    /// The toast's room when the stylesheet does not say: two lines, its offset and a gap.
    const TOAST_ROOM: f64 = 86.0;
    // The KPI strip is the canvas's sibling in the stage.
    let scope = canvas.parent_element().unwrap_or_else(|| canvas.clone());
    let rect_of = |sel: &str| {
        scope
            .query_selector(sel)
            .ok()
            .flatten()
            .map(|e| e.get_bounding_client_rect())
            .filter(|b| b.height() > 0.0)
    };
    let top = rect_of(".kpis").map_or(0.0, |k| (k.bottom() - r.top() + GAP).max(0.0));
    let zoom = rect_of(".zoom-controls").map_or(0.0, |z| (r.bottom() - z.top() + GAP).max(0.0));
    let toast = web_sys::window()
        .and_then(|w| w.get_computed_style(&scope).ok().flatten())
        .and_then(|s| s.get_property_value("--toast-room").ok())
        .and_then(|v| v.trim().trim_end_matches("px").parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(TOAST_ROOM);
    crate::editor::geometry::Insets {
        top: top.max(36.0),
        right: 24.0,
        bottom: zoom.max(toast),
        left: 24.0,
    }
}
