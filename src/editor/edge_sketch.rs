//! Edges drawn on a `<canvas>` while a big design is being zoomed.
//!
//! Each wheel step rescales the canvas's world layer, and the browser rasters that layer again
//! at the new scale; on a 1,000-node, 1,400-edge design almost all of that raster is the edges'
//! SVG curves (about 40 ms a step: the wheel zoomed at 22–27 frames per second). So while the
//! zoom of a design over `CULL_ABOVE` nodes is changing, the SVG edge layer is hidden and the
//! same lines, arrowheads and labels are drawn on a canvas in screen space, at the size the
//! SVG would give them; once the zoom has been still for `ZoomLevel::RERASTER_AFTER_MS`, the SVG
//! comes back (one raster). Small designs never use the canvas.
//!
//! This file holds what is pure: when the canvas is in use (`ZoomGesture`), what each edge
//! looks like (`line_width`, `shows_label`, `label_parts`, shared with the SVG's `EdgeView` so
//! the two cannot drift apart) and which edges are drawn where on the screen (`sketches`).

use super::cull::{self, CULL_ABOVE};
use super::geometry::{bezier, edge_curve, in_port, out_port, Point, View};
use super::zoom_level::ZoomLevel;
use crate::format;
use crate::i18n::{tr, Lang};
use scaleboard_sim::diagram::Edge;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The arrowhead (the SVG marker): 11 × 11 world units, its tip 1.1 past the curve's end.
pub const ARROW_LENGTH: f64 = 11.0;
pub const ARROW_TIP_PAST_END: f64 = 1.1;
/// The label: 11 px type, its baseline 12 world units above the curve's midpoint.
pub const LABEL_PX: f64 = 11.0;
const LABEL_RISE: f64 = 12.0;
/// Between cards closer than this a label would sit on a card: it is left out.
const ROOMY: f64 = 130.0;

/// A line's width in world units: thicker with more traffic, on a log scale (1 req/s and
/// 100 k req/s both stay readable).
pub fn line_width(rate: f64) -> f64 {
    1.6 + (rate + 1.0).log10() * 0.9
}

/// Whether an edge shows its label: when selected, or when its ends are far enough apart.
pub fn shows_label(curve: &[Point; 4], selected: bool) -> bool {
    selected || curve[0].dist(curve[3]) > ROOMY
}

/// How a run of label text is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The latency and the partition mark (`.edge-label text`).
    Muted,
    /// The rate (`.edge-rate`: bold, the text colour).
    Strong,
}

/// An edge's label as runs of text: its latency (a range with jitter), "✕ partitioned" while
/// cut, and its rate while requests flow.
pub fn label_parts(edge: &Edge, rate: f64, cut: bool, lang: Lang) -> Vec<(String, Tone)> {
    let latency = if edge.jitter_ms > 0.0 {
        format!(
            "{}–{}",
            format::ms(edge.latency_ms),
            format::ms(edge.latency_ms + edge.jitter_ms)
        )
    } else {
        format::ms(edge.latency_ms)
    };
    let mut parts = vec![(latency, Tone::Muted)];
    if cut {
        parts.push((format!("  ✕ {}", tr(lang, "partitioned")), Tone::Muted));
    }
    if rate > 0.0 {
        parts.push((format!("  {}/s", format::rate(rate)), Tone::Strong));
    }
    parts
}

/// The colour of a line (and its arrowhead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ink {
    /// `--edge`, arrowhead `--edge-active`.
    Idle,
    /// Requests flow on it: `--edge-active`.
    Active,
    /// `--accent`.
    Selected,
}

/// One edge as the canvas draws it, in screen pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Sketch {
    pub curve: [Point; 4],
    pub width: f64,
    pub ink: Ink,
    /// The label's baseline centre and its runs of text.
    pub label: Option<(Point, Vec<(String, Tone)>)>,
}

/// What the edges are drawn from.
pub struct Scene<'a> {
    pub edges: &'a [(String, Rc<Edge>)],
    pub view: View,
    /// The canvas's size in CSS pixels.
    pub screen: (f64, f64),
    pub selected: &'a BTreeSet<String>,
    pub rates: &'a BTreeMap<String, f64>,
    pub cut: &'a BTreeSet<String>,
    pub lang: Lang,
}

/// The edges that can be on screen, mapped to it. `pos` gives a card's position (`None`: the
/// edge is not drawn here, as for the edges of dragged cards, drawn in a layer of their own).
pub fn sketches(scene: &Scene, pos: impl Fn(&str) -> Option<(f64, f64)>) -> Vec<Sketch> {
    let view = scene.view;
    let visible = cull::visible_world(view, scene.screen.0, scene.screen.1);
    let zoom = view.zoom;
    scene
        .edges
        .iter()
        .filter_map(|(name, e)| {
            let a = pos(&e.from)?;
            let b = pos(&e.to)?;
            if !cull::edge_visible(&visible, a, b) {
                return None;
            }
            let world = edge_curve(out_port(a.0, a.1), in_port(b.0, b.1));
            let selected = scene.selected.contains(name);
            let rate = scene.rates.get(name).copied().unwrap_or(0.0);
            let label = shows_label(&world, selected).then(|| {
                let mid = bezier(&world, 0.5);
                (
                    view.to_screen(Point::new(mid.x, mid.y - LABEL_RISE)),
                    label_parts(e, rate, scene.cut.contains(name), scene.lang),
                )
            });
            Some(Sketch {
                curve: world.map(|p| view.to_screen(p)),
                width: line_width(rate) * zoom,
                ink: if selected {
                    Ink::Selected
                } else if rate > 0.0 {
                    Ink::Active
                } else {
                    Ink::Idle
                },
                label,
            })
        })
        .collect()
}

/// Whether the edges are on the canvas: from the first change of zoom of a big design until
/// the zoom has been still for `ZoomLevel::RERASTER_AFTER_MS` (the canvas's settle timer calls
/// `settle`). A pan or a drag does not start it: they do not rescale the world layer.
///
/// During the gesture the cards also keep the type sizes of the band of zoom they had when it
/// began (`ZoomLevel`), and take the new one when it settles: crossing a band restyles every
/// card on screen (about 2,600 elements on the benchmark, 30 to 70 ms, two of every ten wheel
/// steps of its sweep), which a wheel step cannot afford. Turning compact or whole is drawn at
/// once, as before.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ZoomGesture {
    /// The zoom at the last render.
    zoom: Option<f64>,
    /// The band held while the gesture lasts.
    held: Option<ZoomLevel>,
}

impl ZoomGesture {
    /// Called at each render with the view's zoom, the design's node count and whether a
    /// change of zoom comes from the user's hand (the wheel, a pinch; not a fit or an opened
    /// design, which jump once): whether the edges are drawn on the canvas for this render.
    pub fn on_render(&mut self, zoom: f64, nodes: usize, by_hand: bool) -> bool {
        let key = ZoomLevel::settled_key(zoom);
        if nodes <= CULL_ABOVE {
            self.held = None;
        } else if let Some(before) = self
            .zoom
            .filter(|z| by_hand && ZoomLevel::settled_key(*z) != key)
        {
            self.held.get_or_insert(ZoomLevel::of(before));
        }
        self.zoom = Some(zoom);
        self.active()
    }

    pub fn active(&self) -> bool {
        self.held.is_some()
    }

    /// The band the cards are drawn in at `zoom`: while the gesture lasts, the one it began
    /// in, unless the zoom has crossed between compact and whole cards (a change of what a card
    /// shows, not only of its type size: that one is drawn at once).
    pub fn level(&self, zoom: f64) -> ZoomLevel {
        let now = ZoomLevel::of(zoom);
        match self.held {
            Some(held) if held.compact() == now.compact() => held,
            _ => now,
        }
    }

    /// The zoom has been still long enough: the SVG edges and the zoom's own band come back.
    /// Whether they were held (the canvas must then render again to show them).
    pub fn settle(&mut self) -> bool {
        self.held.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::{NODE_H, NODE_W};
    use std::collections::HashMap;

    fn edge(from: &str, to: &str) -> (String, Rc<Edge>) {
        let e: Edge =
            serde_json::from_value(serde_json::json!({ "from": from, "to": to })).expect("an edge");
        (e.name(), Rc::new(e))
    }

    #[test]
    fn only_a_zoom_of_a_big_design_puts_the_edges_on_the_canvas_until_it_settles() {
        let mut g = ZoomGesture::default();
        // The first render only records the zoom.
        assert!(!g.on_render(0.2, 1000, true));
        // The same zoom again (a pan, a drag, a run's frame): still the SVG.
        assert!(!g.on_render(0.2, 1000, true));
        // A wheel step: the canvas, and it stays for every step of the sweep and after it…
        assert!(g.on_render(0.239, 1000, true));
        assert!(g.on_render(0.287, 1000, true));
        assert!(g.on_render(0.287, 1000, true));
        // …until the zoom has been still: then the SVG, and one more render is needed.
        assert!(g.settle());
        assert!(!g.on_render(0.287, 1000, true));
        assert!(!g.settle(), "nothing to restore twice");
        // A fit or an opened design (not the user's wheel or pinch) jumps at once: no canvas,
        // and the cards take the new band at once.
        assert!(!g.on_render(0.6, 1000, false));
        assert_eq!(g.level(0.6), ZoomLevel::of(0.6));
        assert!(!g.on_render(0.287, 1000, false));
        // A change below a thousandth (no change on any card) does not start it.
        assert!(!g.on_render(0.2874, 1000, true));
        // The threshold is the culling one: 500 nodes are drawn as today, 501 are not.
        let mut small = ZoomGesture::default();
        small.on_render(1.0, CULL_ABOVE, true);
        assert!(!small.on_render(0.5, CULL_ABOVE, true));
        assert!(!small.settle());
        let mut big = ZoomGesture::default();
        big.on_render(1.0, CULL_ABOVE + 1, true);
        assert!(big.on_render(0.5, CULL_ABOVE + 1, true));
        // A big design replaced by a small one mid-gesture goes back to the SVG at once.
        assert!(!big.on_render(0.6, 3, true));
    }

    #[test]
    fn cards_keep_their_band_of_zoom_until_the_gesture_settles() {
        // The benchmark's sweep crosses the band edge at 0.45 on its way up and down.
        let steps: Vec<f64> = (0..=5).map(|i| 0.2 * 1.197f64.powi(i)).collect();
        let start = ZoomLevel::of(0.2);
        assert_ne!(
            ZoomLevel::of(steps[5]),
            start,
            "the sweep does cross a band"
        );
        let mut g = ZoomGesture::default();
        g.on_render(0.2, 1000, true);
        assert_eq!(g.level(0.2), start);
        for z in steps.iter().skip(1).chain(steps.iter().rev()) {
            g.on_render(*z, 1000, true);
            assert_eq!(g.level(*z), start, "zoom {z}: held");
        }
        // Past the compact threshold the cards turn whole at once, in the band of the zoom…
        g.on_render(0.7, 1000, true);
        assert!(g.active());
        assert!(!ZoomLevel::of(0.7).compact() && start.compact());
        assert_eq!(g.level(0.7), ZoomLevel::of(0.7));
        // …and back below it, compact in the held band again.
        g.on_render(0.5, 1000, true);
        assert_eq!(g.level(0.5), start);
        assert_ne!(ZoomLevel::of(0.5), start);
        // Settled: the band of where the zoom ended.
        assert!(g.settle());
        assert_eq!(g.level(0.5), ZoomLevel::of(0.5));
        // Small designs follow the zoom at every step, as before.
        let mut small = ZoomGesture::default();
        small.on_render(0.2, 30, true);
        small.on_render(0.7, 30, true);
        assert_eq!(small.level(0.7), ZoomLevel::of(0.7));
    }

    #[test]
    fn a_sketch_sits_where_the_svg_draws_the_edge_scaled_to_the_screen() {
        let edges = vec![edge("a", "b"), edge("b", "c")];
        let at: HashMap<&str, (f64, f64)> = HashMap::from([
            ("a", (0.0, 0.0)),
            ("b", (400.0, 100.0)),
            ("c", (800.0, 0.0)),
        ]);
        let view = View {
            x: 50.0,
            y: -20.0,
            zoom: 0.5,
        };
        let selected = BTreeSet::from(["b→c".to_owned()]);
        assert!(
            edges.iter().any(|(n, _)| n == "b→c"),
            "edge names: {edges:?}"
        );
        let rates = BTreeMap::from([("a→b".to_owned(), 99.0)]);
        let scene = Scene {
            edges: &edges,
            view,
            screen: (1280.0, 720.0),
            selected: &selected,
            rates: &rates,
            cut: &BTreeSet::new(),
            lang: Lang::En,
        };
        let s = sketches(&scene, |id| at.get(id).copied());
        assert_eq!(s.len(), 2);
        // The curve starts at the out port of a (its right side's middle) on screen.
        let start = s[0].curve[0];
        assert!((start.x - (50.0 + NODE_W * 0.5)).abs() < 1e-9, "{start:?}");
        assert!((start.y - (-20.0 + NODE_H / 2.0 * 0.5)).abs() < 1e-9);
        // …ends at b's in port, and its width is the SVG's, times the zoom.
        let end = s[0].curve[3];
        assert!((end.x - (50.0 + 400.0 * 0.5)).abs() < 1e-9);
        assert!((s[0].width - line_width(99.0) * 0.5).abs() < 1e-12);
        assert!((line_width(99.0) - 3.4).abs() < 1e-12, "1.6 + 2 × 0.9");
        assert_eq!((s[0].ink, s[1].ink), (Ink::Active, Ink::Selected));
        assert!((s[1].width - 0.8).abs() < 1e-12, "an idle line is 1.6 wide");
        // Labels: latency then rate, in bold.
        let (_, parts) = s[0].label.as_ref().expect("a long edge has its label");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], ("  99/s".to_owned(), Tone::Strong));
    }

    #[test]
    fn edges_off_screen_and_edges_of_dragged_cards_are_left_out() {
        let edges = vec![edge("a", "b"), edge("c", "d"), edge("a", "e")];
        let at: HashMap<&str, (f64, f64)> = HashMap::from([
            ("a", (0.0, 0.0)),
            ("b", (300.0, 0.0)),
            // Far below the screen at zoom 1.
            ("c", (0.0, 5000.0)),
            ("d", (300.0, 5000.0)),
            ("e", (600.0, 0.0)),
        ]);
        let scene = Scene {
            edges: &edges,
            view: View {
                x: 0.0,
                y: 0.0,
                zoom: 1.0,
            },
            screen: (1280.0, 720.0),
            selected: &BTreeSet::new(),
            rates: &BTreeMap::new(),
            cut: &BTreeSet::new(),
            lang: Lang::En,
        };
        // e is being dragged: its edge is drawn by the drag's own layer.
        let s = sketches(&scene, |id| {
            (id != "e").then(|| at.get(id).copied()).flatten()
        });
        assert_eq!(s.len(), 1);
        assert!((s[0].curve[3].x - 300.0).abs() < 1e-9);
        // Zoomed far out, the far edge comes on screen.
        let far = Scene {
            view: View {
                x: 0.0,
                y: 0.0,
                zoom: 0.1,
            },
            ..scene
        };
        assert_eq!(sketches(&far, |id| at.get(id).copied()).len(), 3);
    }

    #[test]
    fn a_label_shows_between_distant_cards_or_when_selected_and_names_a_cut() {
        let near = edge_curve(out_port(0.0, 0.0), in_port(NODE_W + 100.0, 0.0));
        let far = edge_curve(out_port(0.0, 0.0), in_port(NODE_W + 140.0, 0.0));
        assert!(!shows_label(&near, false));
        assert!(shows_label(&near, true));
        assert!(shows_label(&far, false));
        let (_, e) = edge("a", "b");
        let parts = label_parts(&e, 0.0, true, Lang::En);
        assert_eq!(parts.len(), 2, "no rate while nothing flows: {parts:?}");
        assert_eq!(parts[1].0, "  ✕ partitioned");
        let ko = label_parts(&e, 0.0, true, Lang::Ko);
        assert_ne!(ko[1].0, parts[1].0, "the mark is in Korean too");
    }
}
