//! Paints one frame of a recording from the recording's own simulation: the edges, the cards
//! (name, kind colour, how busy, queue, down), the request dots, and a strip with the key
//! figures and a throughput chart of the run so far. Always in the dark theme's colours, which
//! are also the GIF's fixed palette.

use super::job::Job;
use crate::editor::geometry::{bounds, edge_curve, in_port, out_port, Point, NODE_H, NODE_W};
use crate::editor::View;
use crate::format::{clock, ms, pct, rate};
use crate::i18n::{fill, tr, Lang};
use crate::render::dots::{dot_position, marker_text};
use crate::render::particles::MARKER_MS;
use scaleboard_sim::engine::DotKind;
use scaleboard_sim::{ComponentKind, Diagram};
use std::collections::BTreeSet;
use web_sys::CanvasRenderingContext2d;

pub const BACKGROUND: [u8; 3] = [0x0d, 0x11, 0x17];
pub const CARD: [u8; 3] = [0x16, 0x1d, 0x28];
pub const TEXT: [u8; 3] = [0xe6, 0xeb, 0xf2];
pub const MUTED: [u8; 3] = [0x8b, 0x98, 0xa9];
pub const EDGE: [u8; 3] = [0x7b, 0x8a, 0xa3];
pub const READ: [u8; 3] = [0x5e, 0xb1, 0xff];
pub const WRITE: [u8; 3] = [0xff, 0xb6, 0x48];
pub const ERROR: [u8; 3] = [0xff, 0x5d, 0x6c];
pub const OK: [u8; 3] = [0x4f, 0xd1, 0xa5];
pub const STRIP: [u8; 3] = [0x1f, 0x27, 0x35];
pub const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

fn kind_rgb(kind: ComponentKind) -> [u8; 3] {
    hex(scaleboard_report::svg::kind_colour(
        kind,
        scaleboard_report::svg::Palette::Dark,
    ))
}

fn hex(s: &str) -> [u8; 3] {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

fn css(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn mix(a: [u8; 3], b: [u8; 3], t: f64) -> [u8; 3] {
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    [m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])]
}

/// The GIF palette: every colour a frame is painted with, and each one's blends with the
/// backgrounds it is drawn over (text and curves are anti-aliased), so that edges stay smooth.
pub fn palette_colours() -> Vec<[u8; 3]> {
    let grounds = [BACKGROUND, CARD, STRIP];
    let mut inks = vec![TEXT, MUTED, EDGE, READ, WRITE, ERROR, OK, WHITE];
    inks.extend(ComponentKind::ALL.iter().map(|&k| kind_rgb(k)));
    let mut out: Vec<[u8; 3]> = grounds.to_vec();
    out.extend(inks.iter().copied());
    for g in grounds {
        for &ink in &inks {
            for t in [0.2, 0.4, 0.6, 0.8] {
                out.push(mix(g, ink, t));
            }
        }
    }
    // A grey ramp for whatever else blends (a dot over a card's edge, markers over text).
    out.extend((0..16).map(|i| [i * 17, i * 17, i * 17]));
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(*c));
    out.truncate(256);
    out
}

/// Where the diagram goes in a `w × h` frame above a strip of `strip` px: fitted with a margin,
/// centred, never larger than the editor's 1.25×.
pub fn fit(d: &Diagram, w: f64, h: f64, strip: f64) -> View {
    let Some(b) = bounds(d.nodes.iter().map(|n| (n.x, n.y))) else {
        return View::default();
    };
    let margin = (w.min(h) * 0.05).max(8.0);
    let (aw, ah) = (w - 2.0 * margin, h - strip - 2.0 * margin);
    let zoom = (aw / b.w.max(1.0)).min(ah / b.h.max(1.0)).clamp(0.01, 1.25);
    View {
        x: margin + (aw - b.w * zoom) / 2.0 - b.x * zoom,
        y: margin + (ah - b.h * zoom) / 2.0 - b.y * zoom,
        zoom,
    }
}

/// The strip's height for a frame `h` px high.
pub fn strip_height(h: f64) -> f64 {
    (h * 0.16).round().max(28.0)
}

/// A card's name: the document's label (already in the recording's language) or its id.
fn name(n: &scaleboard_sim::Node) -> &str {
    if n.label.is_empty() {
        &n.id
    } else {
        &n.label
    }
}

/// Paints frame `k` of `job`: `d` is the document with its names in `lang`.
pub fn paint(ctx: &CanvasRenderingContext2d, job: &Job, d: &Diagram, k: u32, lang: Lang) {
    let s = &job.settings;
    let (w, h) = (f64::from(s.width), f64::from(s.height));
    let strip = strip_height(h);
    let view = fit(d, w, h, strip);
    let z = view.zoom;
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(&css(BACKGROUND));
    ctx.fill_rect(0.0, 0.0, w, h);
    let sim = job.sim();
    let cut: BTreeSet<String> = sim.cut_edges().into_iter().collect();
    // Edges.
    ctx.set_line_width((1.6 * z).max(1.0));
    for e in &d.edges {
        let (Some(a), Some(b)) = (d.node(&e.from), d.node(&e.to)) else {
            continue;
        };
        let c = edge_curve(out_port(a.x, a.y), in_port(b.x, b.y)).map(|p| view.to_screen(p));
        let is_cut = cut.contains(&e.name());
        ctx.set_stroke_style_str(&css(if is_cut { ERROR } else { EDGE }));
        let dash = js_sys::Array::new();
        if is_cut {
            dash.push(&(6.0 * z.max(0.5)).into());
            dash.push(&(5.0 * z.max(0.5)).into());
        }
        let _ = ctx.set_line_dash(&dash);
        ctx.begin_path();
        ctx.move_to(c[0].x, c[0].y);
        ctx.bezier_curve_to(c[1].x, c[1].y, c[2].x, c[2].y, c[3].x, c[3].y);
        ctx.stroke();
    }
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    // Cards.
    let statuses = sim.statuses();
    // Text stays readable in a small picture: no smaller than 6–8 px whatever the zoom (the
    // width limit keeps it inside the card).
    let font = |weight: u32, px: f64, min: f64| {
        format!("{weight} {:.1}px Inter, system-ui, sans-serif", px.max(min))
    };
    ctx.set_text_baseline("middle");
    for n in &d.nodes {
        let p = view.to_screen(Point::new(n.x, n.y));
        let (cw, ch) = (NODE_W * z, NODE_H * z);
        let colour = kind_rgb(n.kind());
        let status = statuses.iter().find(|st| st.id == n.id);
        let up = status.is_none_or(|st| st.up);
        ctx.set_fill_style_str(&css(CARD));
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(p.x, p.y, cw, ch, 8.0 * z);
        ctx.fill();
        ctx.set_line_width((2.0 * z).max(1.0));
        ctx.set_stroke_style_str(&css(if up { colour } else { ERROR }));
        ctx.stroke();
        // The kind's band along the top.
        ctx.set_fill_style_str(&css(colour));
        ctx.fill_rect(p.x + 8.0 * z, p.y, cw - 16.0 * z, 4.0 * z);
        let pad = 12.0 * z;
        ctx.set_text_align("left");
        ctx.set_font(&font(700, 11.0 * z, 6.0));
        ctx.set_fill_style_str(&css(colour));
        let tag = tr(lang, crate::icons::label(n.kind())).to_uppercase();
        let _ = ctx.fill_text_with_max_width(&tag, p.x + pad, p.y + 20.0 * z, cw - 2.0 * pad);
        ctx.set_font(&font(600, 15.0 * z, 8.0));
        ctx.set_fill_style_str(&css(TEXT));
        let _ = ctx.fill_text_with_max_width(name(n), p.x + pad, p.y + 42.0 * z, cw - 2.0 * pad);
        // How busy it is and its queue, or that it is down.
        ctx.set_font(&font(500, 12.0 * z, 6.5));
        let last = status.and_then(|st| st.last.as_ref());
        let (line, ink) = if !up {
            (tr(lang, "down").to_uppercase(), ERROR)
        } else {
            let util = last.map_or(0.0, |x| x.utilization);
            let queue = status.map_or(0, |st| st.queue_now);
            let busy = fill(tr(lang, "{} busy"), &[&pct(util)]);
            let line = if queue > 0 {
                format!("{busy} · {}", fill(tr(lang, "queue {}"), &[&queue]))
            } else {
                busy
            };
            (line, MUTED)
        };
        ctx.set_fill_style_str(&css(ink));
        let _ = ctx.fill_text_with_max_width(&line, p.x + pad, p.y + 64.0 * z, cw - 2.0 * pad);
        // A bar of utilisation along the bottom: green, amber past 70 %, red past 90 %.
        if up {
            let util = last.map_or(0.0, |x| x.utilization).clamp(0.0, 1.0);
            let bar = if util > 0.9 {
                ERROR
            } else if util > 0.7 {
                WRITE
            } else {
                OK
            };
            ctx.set_fill_style_str(&css(mix(CARD, MUTED, 0.2)));
            ctx.fill_rect(p.x + pad, p.y + ch - 14.0 * z, cw - 2.0 * pad, 4.0 * z);
            ctx.set_fill_style_str(&css(bar));
            ctx.fill_rect(
                p.x + pad,
                p.y + ch - 14.0 * z,
                (cw - 2.0 * pad) * util,
                4.0 * z,
            );
        }
    }
    // Dots, at this frame's video time.
    let now_ms = job.video_ms(k);
    let radius = (3.2 * z.sqrt()).clamp(1.5, 5.0);
    let particles = job.particles();
    for (kind, colour) in [
        (DotKind::Read, READ),
        (DotKind::Write, WRITE),
        (DotKind::Error, ERROR),
    ] {
        ctx.begin_path();
        for dot in particles.dots.iter().filter(|x| x.kind == kind) {
            let Some(t) = dot.progress(now_ms) else {
                continue;
            };
            let Some(p) = dot_position(&job.slot_positions, dot.from, dot.to, dot.answer, t) else {
                continue;
            };
            let s = view.to_screen(p);
            ctx.move_to(s.x + radius, s.y);
            let _ = ctx.arc(s.x, s.y, radius, 0.0, std::f64::consts::TAU);
        }
        ctx.set_fill_style_str(&css(colour));
        ctx.fill();
    }
    // Refusal markers above their cards, as on the canvas.
    ctx.set_font(&font(600, 11.0 * z, 8.0));
    ctx.set_text_align("center");
    for m in &particles.markers {
        let Some((x, y)) = job.slot_positions.get(m.node as usize).copied().flatten() else {
            continue;
        };
        let age = ((now_ms - m.born_ms) / MARKER_MS).clamp(0.0, 1.0);
        let top = view.to_screen(Point::new(x + NODE_W / 2.0, y));
        let ph = (18.0 * z).max(12.0);
        let py = top.y - ph / 2.0 - 3.0 - 18.0 * z * age;
        let label = marker_text(lang, m.label);
        let tw = ctx.measure_text(&label).map(|t| t.width()).unwrap_or(60.0) + ph * 0.8;
        ctx.set_global_alpha(1.0 - age * age);
        ctx.set_fill_style_str(&css(ERROR));
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(top.x - tw / 2.0, py - ph / 2.0, tw, ph, ph / 2.0);
        ctx.fill();
        ctx.set_fill_style_str(&css(WHITE));
        let _ = ctx.fill_text(&label, top.x, py + 0.5);
    }
    ctx.set_global_alpha(1.0);
    strip_figures(ctx, job, w, h, strip, lang);
}

/// The key figures of the last simulated second and the throughput chart of the run so far.
fn strip_figures(
    ctx: &CanvasRenderingContext2d,
    job: &Job,
    w: f64,
    h: f64,
    strip: f64,
    lang: Lang,
) {
    let sim = job.sim();
    let top = h - strip;
    ctx.set_fill_style_str(&css(STRIP));
    ctx.fill_rect(0.0, top, w, strip);
    let last = sim.series().last().copied();
    let figures = [
        (
            tr(lang, "Throughput"),
            last.map_or("–".into(), |x| {
                format!("{} {}", rate(x.throughput), tr(lang, "req/s"))
            }),
        ),
        (
            tr(lang, "p99"),
            ms(last.and_then(|x| x.p99_ms).unwrap_or(f64::NAN)),
        ),
        (
            tr(lang, "Error rate"),
            last.map_or("–".into(), |x| pct(x.error_rate)),
        ),
        (tr(lang, "Simulated time"), clock(sim.now() as f64 / 1e9)),
    ];
    // Four figures over the left 70 %, the chart in the rest.
    let chart_w = w * 0.3;
    let cell = (w - chart_w) / figures.len() as f64;
    let small = (strip * 0.26).max(8.0);
    let big = (strip * 0.36).max(10.0);
    ctx.set_text_align("left");
    ctx.set_text_baseline("middle");
    for (i, (label, value)) in figures.iter().enumerate() {
        let x = 8.0 + cell * i as f64;
        ctx.set_font(&format!("500 {small:.1}px Inter, system-ui, sans-serif"));
        ctx.set_fill_style_str(&css(MUTED));
        let _ = ctx.fill_text_with_max_width(label, x, top + strip * 0.3, cell - 10.0);
        ctx.set_font(&format!("700 {big:.1}px Inter, system-ui, sans-serif"));
        let ink = if i == 2 && last.is_some_and(|x| x.error_rate > 0.01) {
            ERROR
        } else {
            TEXT
        };
        ctx.set_fill_style_str(&css(ink));
        let _ = ctx.fill_text_with_max_width(value, x, top + strip * 0.68, cell - 10.0);
    }
    // Throughput (read colour) over every second of the run so far.
    let series: Vec<(f64, f64)> = sim.series().map(|x| (x.t_s, x.throughput)).collect();
    let (x0, y0, cw, ch) = (w - chart_w, top + strip * 0.15, chart_w - 10.0, strip * 0.7);
    ctx.set_stroke_style_str(&css(mix(STRIP, MUTED, 0.4)));
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(x0, y0 + ch);
    ctx.line_to(x0 + cw, y0 + ch);
    ctx.stroke();
    let max = series.iter().map(|p| p.1).fold(0.0, f64::max);
    if series.len() >= 2 && max > 0.0 {
        let (t0, t1) = (series[0].0, series[series.len() - 1].0);
        let span = (t1 - t0).max(1.0);
        ctx.set_stroke_style_str(&css(READ));
        ctx.set_line_width(1.5);
        ctx.begin_path();
        for (i, (t, v)) in series.iter().enumerate() {
            let x = x0 + (t - t0) / span * cw;
            let y = y0 + ch - v / max * ch;
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_holds_every_colour_painted_and_fits_a_gif() {
        let p = palette_colours();
        assert!(p.len() <= 256, "{}", p.len());
        for c in [
            BACKGROUND, CARD, TEXT, MUTED, EDGE, READ, WRITE, ERROR, OK, STRIP, WHITE,
        ] {
            assert!(p.contains(&c), "{c:?}");
        }
        for k in ComponentKind::ALL {
            assert!(p.contains(&kind_rgb(k)), "{k:?}");
        }
    }

    #[test]
    fn every_card_fits_in_the_frame_above_the_strip() {
        for e in crate::examples::EXAMPLES {
            let d = e.diagram().unwrap();
            for (w, h) in super::super::settings::SIZES
                .iter()
                .map(|&(w, h)| (f64::from(w), f64::from(h)))
            {
                let strip = strip_height(h);
                let v = fit(&d, w, h, strip);
                for n in &d.nodes {
                    let a = v.to_screen(Point::new(n.x, n.y));
                    let b = v.to_screen(Point::new(n.x + NODE_W, n.y + NODE_H));
                    assert!(a.x >= 0.0 && a.y >= 0.0, "{} {}", e.slug, n.id);
                    assert!(
                        b.x <= w + 1e-9 && b.y <= h - strip + 1e-9,
                        "{} {}",
                        e.slug,
                        n.id
                    );
                }
            }
        }
    }
}
