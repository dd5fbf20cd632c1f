//! Draws a big design's edges on the canvas below the cards while it is being zoomed (see
//! `editor::edge_sketch`): lines grouped by colour and width (one stroke each), arrowheads
//! by colour (one fill each), then the labels. Colours and the type face are the stylesheet's,
//! read from the canvas element once per gesture.

use crate::editor::edge_sketch::{Ink, Sketch, Tone, ARROW_LENGTH, ARROW_TIP_PAST_END, LABEL_PX};
use crate::editor::geometry::Point;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The stylesheet's colours for edges and their labels, and the page's type face.
pub struct Inks {
    idle: String,
    active: String,
    accent: String,
    muted: String,
    text: String,
    bg: String,
    font: String,
}

impl Inks {
    /// Reads the custom properties the SVG edges are drawn with (`--edge`, `--edge-active`,
    /// `--accent`, `--text-muted`, `--text`, `--bg`) as the canvas inherits them.
    pub fn of(el: &HtmlCanvasElement) -> Option<Inks> {
        let style = web_sys::window()?.get_computed_style(el).ok()??;
        let var = |name: &str| {
            style
                .get_property_value(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        Some(Inks {
            idle: var("--edge"),
            active: var("--edge-active"),
            accent: var("--accent"),
            muted: var("--text-muted"),
            text: var("--text"),
            bg: var("--bg"),
            font: var("font-family"),
        })
    }

    fn line(&self, ink: Ink) -> &str {
        match ink {
            Ink::Idle => &self.idle,
            Ink::Active => &self.active,
            Ink::Selected => &self.accent,
        }
    }

    /// Arrowheads are `--edge-active` unless the edge is selected (`.arrow-head`).
    fn arrow(&self, ink: Ink) -> &str {
        match ink {
            Ink::Selected => &self.accent,
            Ink::Idle | Ink::Active => &self.active,
        }
    }
}

fn context(el: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    el.get_context("2d").ok()??.dyn_into().ok()
}

/// The canvas's size in CSS pixels. Reading it forces a layout: once per gesture, not per
/// frame (the canvas does not change size while the wheel turns).
pub fn size(el: &HtmlCanvasElement) -> (f64, f64) {
    (el.client_width() as f64, el.client_height() as f64)
}

/// Sizes the canvas to `(w, h)` CSS pixels (times the device pixel ratio) and clears it.
fn fresh(el: &HtmlCanvasElement, ctx: &CanvasRenderingContext2d, (w, h): (f64, f64)) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (bw, bh) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if el.width() != bw || el.height() != bh {
        el.set_width(bw);
        el.set_height(bh);
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
}

/// Shows the canvas's edges instead of the SVG's (`drawn`), or the SVG's again: the canvas's
/// `data-active` and the SVG layer's `is-sketched` class (transparent). Set here, after the
/// canvas is drawn or emptied, not by the render: Yew may hand the browser a frame between a
/// render and its effects, and a render that hid the SVG would then show a frame without edges.
/// The attribute is written only when it changes (a write, even of the same value, is a
/// mutation); a forced toggle of a class it already has or lacks changes nothing.
pub fn show(canvas: Option<&HtmlCanvasElement>, svg: Option<web_sys::Element>, drawn: bool) {
    if let Some(canvas) = canvas {
        let value = if drawn { "true" } else { "false" };
        if canvas.get_attribute("data-active").as_deref() != Some(value) {
            let _ = canvas.set_attribute("data-active", value);
        }
    }
    if let Some(svg) = svg {
        let _ = svg.class_list().toggle_with_force("is-sketched", drawn);
    }
}

/// Empties the canvas (the SVG edges are back).
pub fn clear(el: &HtmlCanvasElement, size: (f64, f64)) {
    if let Some(ctx) = context(el) {
        fresh(el, &ctx, size);
    }
}

/// Draws `sketches` (screen pixels) at `zoom` on a canvas of `size` CSS pixels. `widths` keeps each label run's width at
/// `LABEL_PX` between frames (measuring text is the slow part of drawing a label).
pub fn draw(
    el: &HtmlCanvasElement,
    size: (f64, f64),
    sketches: &[Sketch],
    inks: &Inks,
    zoom: f64,
    widths: &mut HashMap<(String, bool), f64>,
) {
    let Some(ctx) = context(el) else {
        return;
    };
    fresh(el, &ctx, size);
    // Lines: one stroke per colour and width (every width is the same until requests flow).
    let mut order: Vec<&Sketch> = sketches.iter().collect();
    order.sort_by(|a, b| a.ink.cmp(&b.ink).then(a.width.total_cmp(&b.width)));
    ctx.set_line_cap("butt");
    let mut i = 0;
    while i < order.len() {
        let (ink, width) = (order[i].ink, order[i].width);
        ctx.begin_path();
        while i < order.len() && order[i].ink == ink && order[i].width == width {
            let [a, b, c, d] = order[i].curve;
            ctx.move_to(a.x, a.y);
            ctx.bezier_curve_to(b.x, b.y, c.x, c.y, d.x, d.y);
            i += 1;
        }
        ctx.set_line_width(width);
        ctx.set_stroke_style_str(inks.line(ink));
        ctx.stroke();
    }
    // Arrowheads: the SVG marker's triangle (a fill closes each one), pointing along the curve's end (always +x: a
    // curve enters its card's in port horizontally).
    let (tip, length, half) = (
        ARROW_TIP_PAST_END * zoom,
        ARROW_LENGTH * zoom,
        ARROW_LENGTH / 2.0 * zoom,
    );
    for ink in [Ink::Idle, Ink::Selected] {
        ctx.begin_path();
        let mut any = false;
        for s in sketches
            .iter()
            .filter(|s| (s.ink == Ink::Selected) == (ink == Ink::Selected))
        {
            let end = s.curve[3];
            ctx.move_to(end.x + tip - length, end.y - half);
            ctx.line_to(end.x + tip, end.y);
            ctx.line_to(end.x + tip - length, end.y + half);
            any = true;
        }
        if any {
            ctx.set_fill_style_str(inks.arrow(ink));
            ctx.fill();
        }
    }
    labels(&ctx, sketches, inks, zoom, widths);
}

/// The labels: centred on their point, the background's colour drawn around the letters
/// first (the SVG's `paint-order: stroke`), runs of text one after the other. The type face is
/// set four times in all, not per label: setting it parses the font each time, and per label
/// that was most of the drawing's time on 1,400 edges. (A label's outline is then drawn under
/// every label's letters, where the SVG draws it over earlier labels: a difference only where
/// two labels overlap, and only while zooming.)
fn labels(
    ctx: &CanvasRenderingContext2d,
    sketches: &[Sketch],
    inks: &Inks,
    zoom: f64,
    widths: &mut HashMap<(String, bool), f64>,
) {
    let font = |strong: bool, px: f64| {
        format!(
            "{}{px:.2}px {}",
            if strong { "600 " } else { "" },
            inks.font
        )
    };
    // Each run of text with the style it is drawn in: SVG text collapses runs of spaces, and
    // so does this.
    let runs: Vec<(&Point, Vec<(String, bool)>)> = sketches
        .iter()
        .filter_map(|s| s.label.as_ref())
        .map(|(at, parts)| {
            let runs = parts
                .iter()
                .map(|(text, tone)| (collapse_spaces(text), *tone == Tone::Strong))
                .collect();
            (at, runs)
        })
        .collect();
    // Widths at `LABEL_PX`, measured once per run of text and style.
    for strong in [false, true] {
        ctx.set_font(&font(strong, LABEL_PX));
        for (_, label) in &runs {
            for run in label.iter().filter(|r| r.1 == strong) {
                if !widths.contains_key(run) {
                    let w = ctx.measure_text(&run.0).map(|m| m.width()).unwrap_or(0.0);
                    widths.insert(run.clone(), w);
                }
            }
        }
    }
    let mut placed: Vec<(&str, bool, f64, f64)> = Vec::new();
    for (at, label) in &runs {
        let width = |run: &(String, bool)| widths.get(run).copied().unwrap_or(0.0) * zoom;
        let mut x = at.x - label.iter().map(width).sum::<f64>() / 2.0;
        for run in label {
            placed.push((&run.0, run.1, x, at.y));
            x += width(run);
        }
    }
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    ctx.set_line_join("miter");
    ctx.set_line_width(4.0 * zoom);
    ctx.set_stroke_style_str(&inks.bg);
    for strong in [false, true] {
        ctx.set_font(&font(strong, LABEL_PX * zoom));
        for (text, _, x, y) in placed.iter().filter(|p| p.1 == strong) {
            let _ = ctx.stroke_text(text, *x, *y);
        }
    }
    for strong in [true, false] {
        ctx.set_font(&font(strong, LABEL_PX * zoom));
        ctx.set_fill_style_str(if strong { &inks.text } else { &inks.muted });
        for (text, _, x, y) in placed.iter().filter(|p| p.1 == strong) {
            let _ = ctx.fill_text(text, *x, *y);
        }
    }
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}
