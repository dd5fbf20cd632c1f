//! Draws the dots and refusal markers on the `<canvas>` over the diagram, every frame, outside
//! the virtual DOM: thousands of dots cost a few canvas calls, not thousands of elements.

use super::particles::{Label, Particles, MARKER_MS};
use crate::editor::geometry::{bezier, edge_curve, in_port, out_port, Point, NODE_W};
use crate::editor::View;
use crate::i18n::{fill, tr, Lang};
use crate::state::Theme;
use scaleboard_sim::engine::{Cause, DotKind};
use web_sys::CanvasRenderingContext2d;

struct Palette {
    read: &'static str,
    write: &'static str,
    error: &'static str,
    marker: &'static str,
    stale: &'static str,
    conflict: &'static str,
    marker_text: &'static str,
}

fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Dark => Palette {
            read: "#5eb1ff",
            write: "#ffb648",
            error: "#ff5d6c",
            marker: "rgba(255,93,108,0.95)",
            stale: "rgba(235,160,40,0.95)",
            conflict: "rgba(170,110,255,0.95)",
            marker_text: "#ffffff",
        },
        Theme::Light => Palette {
            read: "#1d6fd8",
            write: "#c97a00",
            error: "#d92d43",
            marker: "rgba(217,45,67,0.95)",
            stale: "rgba(196,120,0,0.95)",
            conflict: "rgba(124,79,224,0.95)",
            marker_text: "#ffffff",
        },
    }
}

/// Short label of a refusal, drawn in its marker.
pub fn cause_label(lang: Lang, cause: Cause) -> &'static str {
    match cause {
        Cause::Timeout => tr(lang, "timeout"),
        Cause::QueueFull => tr(lang, "503 queue full"),
        Cause::LbOverloaded => tr(lang, "503 LB overloaded"),
        Cause::NodeDown => tr(lang, "down"),
        Cause::NodeRemoved => tr(lang, "removed"),
        Cause::Partitioned => tr(lang, "partitioned"),
        Cause::Injected => tr(lang, "injected error"),
        Cause::NoRoute => tr(lang, "404 no route"),
        Cause::NoQuorum => tr(lang, "no quorum"),
        Cause::Aborted => tr(lang, "transaction aborted"),
        Cause::Overflow => tr(lang, "over the simulator's cap"),
    }
}

/// The text of a marker in `lang`.
pub fn marker_text(lang: Lang, label: Label) -> String {
    match label {
        Label::Dropped(cause) => format!("✕ {}", cause_label(lang, cause)),
        Label::Stale(ms) => fill(tr(lang, "stale {}"), &[&crate::format::ms(ms)]),
        Label::Conflict => tr(lang, "conflict").to_owned(),
        Label::ReadYourWrites => tr(lang, "read-your-writes ✕").to_owned(),
    }
}

/// Where the dot of `d` is, in world coordinates, given node positions by engine slot.
pub fn dot_position(
    positions: &[Option<(f64, f64)>],
    from: u32,
    to: u32,
    answer: bool,
    t: f64,
) -> Option<Point> {
    let at = |slot: u32| positions.get(slot as usize).copied().flatten();
    // An answer travels back along the edge its request took (to → from was the request).
    let (caller, callee, t) = if answer {
        (to, from, 1.0 - t)
    } else {
        (from, to, t)
    };
    let (cx, cy) = at(caller)?;
    let (tx, ty) = at(callee)?;
    Some(bezier(&edge_curve(out_port(cx, cy), in_port(tx, ty)), t))
}

/// Clears the canvas and draws every live dot and marker.
#[allow(clippy::too_many_arguments)]
pub fn draw(
    ctx: &CanvasRenderingContext2d,
    dpr: f64,
    width: f64,
    height: f64,
    view: &View,
    positions: &[Option<(f64, f64)>],
    particles: &Particles,
    now_ms: f64,
    theme: Theme,
    lang: Lang,
) {
    let pal = palette(theme);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, height);
    let radius = (3.2 * view.zoom.sqrt()).clamp(2.0, 5.0);
    // One path per colour: three fills for all dots.
    for (kind, colour) in [
        (DotKind::Read, pal.read),
        (DotKind::Write, pal.write),
        (DotKind::Error, pal.error),
    ] {
        ctx.begin_path();
        let mut any = false;
        for d in particles.dots.iter().filter(|d| d.kind == kind) {
            let Some(t) = d.progress(now_ms) else {
                continue;
            };
            let Some(p) = dot_position(positions, d.from, d.to, d.answer, t) else {
                continue;
            };
            let s = view.to_screen(p);
            if s.x < -10.0 || s.y < -10.0 || s.x > width + 10.0 || s.y > height + 10.0 {
                continue;
            }
            ctx.move_to(s.x + radius, s.y);
            let _ = ctx.arc(s.x, s.y, radius, 0.0, std::f64::consts::TAU);
            any = true;
        }
        if any {
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }
    }
    // Refusal markers: a red pill with the cause, rising and fading above the node.
    ctx.set_font("600 11px Inter, system-ui, sans-serif");
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for m in &particles.markers {
        let Some((x, y)) = positions.get(m.node as usize).copied().flatten() else {
            continue;
        };
        let age = ((now_ms - m.born_ms) / MARKER_MS).clamp(0.0, 1.0);
        // Centred above the card (the corners hold the DOWN and SPOF badges), its lower edge
        // clear of the card's top in screen pixels, so that at any zoom it never hides the title.
        let top = view.to_screen(Point::new(x + NODE_W / 2.0, y));
        let p = Point::new(top.x, top.y - 9.0 - 3.0 - 18.0 * age);
        let fill = match m.label {
            Label::Dropped(_) => pal.marker,
            Label::Stale(_) | Label::ReadYourWrites => pal.stale,
            Label::Conflict => pal.conflict,
        };
        let label = marker_text(lang, m.label);
        let w = ctx.measure_text(&label).map(|m| m.width()).unwrap_or(60.0) + 14.0;
        ctx.set_global_alpha(1.0 - age * age);
        ctx.set_fill_style_str(fill);
        ctx.begin_path();
        let _ = ctx.round_rect_with_f64(p.x - w / 2.0, p.y - 9.0, w, 18.0, 9.0);
        ctx.fill();
        ctx.set_fill_style_str(pal.marker_text);
        let _ = ctx.fill_text(&label, p.x, p.y + 0.5);
    }
    ctx.set_global_alpha(1.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_read_in_korean() {
        let labels = [
            Label::Dropped(Cause::Timeout),
            Label::Dropped(Cause::QueueFull),
            Label::Dropped(Cause::LbOverloaded),
            Label::Dropped(Cause::NodeDown),
            Label::Dropped(Cause::NodeRemoved),
            Label::Dropped(Cause::Partitioned),
            Label::Dropped(Cause::Injected),
            Label::Stale(120.0),
            Label::Conflict,
            Label::ReadYourWrites,
        ];
        for label in labels {
            let en = marker_text(Lang::En, label);
            let ko = marker_text(Lang::Ko, label);
            assert_ne!(en, ko);
            let english: Vec<&str> = ko
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 2 && !["LB", "ms"].contains(w))
                .collect();
            assert!(english.is_empty(), "{ko}: {english:?}");
        }
        assert_eq!(marker_text(Lang::En, Label::Stale(120.0)), "stale 120 ms");
        assert_eq!(
            marker_text(Lang::En, Label::Dropped(Cause::QueueFull)),
            "✕ 503 queue full"
        );
    }

    #[test]
    fn answers_travel_back_along_the_request_edge() {
        let positions = vec![Some((0.0, 0.0)), Some((400.0, 0.0))];
        let start = dot_position(&positions, 0, 1, false, 0.0).unwrap();
        let back_start = dot_position(&positions, 1, 0, true, 0.0).unwrap();
        let back_end = dot_position(&positions, 1, 0, true, 1.0).unwrap();
        assert!(
            back_end.dist(start) < 1e-9,
            "the answer ends where the request began"
        );
        assert!(back_start.dist(in_port(400.0, 0.0)) < 1e-9);
        assert!(dot_position(&positions, 0, 7, false, 0.5).is_none());
    }
}
