//! Culling: on a big diagram the canvas builds cards and edges only for what can be on screen.
//! A 1,000-node diagram otherwise rebuilds and diffs a thousand cards for every pointer move and
//! every frame of a run. Small diagrams (the examples, the lessons) are drawn whole, so nothing
//! they show depends on where the view is.

use super::geometry::{Rect, View, NODE_H, NODE_W};

/// Diagrams with more nodes than this are culled.
pub const CULL_ABOVE: usize = 500;

/// The part of the world that can be on a screen of `w` × `h` CSS pixels under `view`, grown by
/// a card on every side so that a card half in view, and its edges, are drawn.
pub fn visible_world(view: View, w: f64, h: f64) -> Rect {
    let zoom = view.zoom.max(1e-3);
    Rect {
        x: -view.x / zoom - NODE_W,
        y: -view.y / zoom - NODE_H,
        w: w / zoom + 2.0 * NODE_W,
        h: h / zoom + 2.0 * NODE_H,
    }
}

/// How much more world than the screen shows a kept culling area may cover (in area).
const KEEP_UP_TO: f64 = 16.0;

/// The part of the world to draw: the area drawn before while it still covers what can be on
/// screen and is at most `KEEP_UP_TO` times that much, else what can be on screen. (A margin
/// around a new area, to spare small pans, drew a quarter more cards on the benchmark and cost
/// more on every frame of a run than it saved.)
/// Zooming in and back out, or panning a little, then adds and removes no card: each card
/// that comes or goes costs the browser a repaint of the whole world layer (a wheel sweep on
/// a 1,000-node diagram added and removed hundreds of cards and ran at 16 frames per second).
pub fn drawn_world(kept: Option<Rect>, visible: Rect) -> Rect {
    let area = |r: &Rect| r.w.max(0.0) * r.h.max(0.0);
    match kept {
        Some(k) if covers(&k, &visible) && area(&k) <= KEEP_UP_TO * area(&visible) => k,
        _ => visible,
    }
}

fn covers(outer: &Rect, inner: &Rect) -> bool {
    outer.x <= inner.x
        && outer.y <= inner.y
        && outer.x + outer.w >= inner.x + inner.w
        && outer.y + outer.h >= inner.y + inner.h
}

/// Whether the card at world (x, y) can be seen.
pub fn card_visible(world: &Rect, x: f64, y: f64) -> bool {
    world.intersects(&Rect {
        x,
        y,
        w: NODE_W,
        h: NODE_H,
    })
}

/// Whether an edge between cards at `a` and `b` can be seen: its curve stays within the box of
/// the two cards.
pub fn edge_visible(world: &Rect, a: (f64, f64), b: (f64, f64)) -> bool {
    let (x0, y0) = (a.0.min(b.0), a.1.min(b.1));
    let (x1, y1) = (a.0.max(b.0) + NODE_W, a.1.max(b.1) + NODE_H);
    world.intersects(&Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_maps_to_the_world_it_shows_plus_a_card_of_margin() {
        // Zoom 0.5, panned 100 px right: the screen's left edge is world x = −200.
        let w = visible_world(
            View {
                x: 100.0,
                y: 0.0,
                zoom: 0.5,
            },
            1000.0,
            500.0,
        );
        assert_eq!((w.x, w.y), (-200.0 - NODE_W, -NODE_H));
        assert_eq!((w.w, w.h), (2000.0 + 2.0 * NODE_W, 1000.0 + 2.0 * NODE_H));
        assert!(card_visible(&w, -200.0, 0.0));
        // Just past the right edge, a card is still drawn (it may be half in view)…
        assert!(card_visible(&w, 1800.0 - 1.0, 900.0));
        // …but one a whole card beyond the margin is not.
        assert!(!card_visible(&w, 1800.0 + 2.0 * NODE_W, 0.0));
        assert!(!card_visible(&w, 0.0, -3.0 * NODE_H));
    }

    #[test]
    fn zooming_in_and_back_out_keeps_the_drawn_area_and_panning_away_replaces_it() {
        let at = |zoom: f64, x: f64| visible_world(View { x, y: 0.0, zoom }, 1280.0, 720.0);
        let first = drawn_world(None, at(0.2, 0.0));
        assert!(covers(&first, &at(0.2, 0.0)));
        // The benchmark's wheel sweep: 0.2 → ×1.197 five times → back.
        let mut kept = first;
        for z in [0.239, 0.287, 0.343, 0.411, 0.492, 0.411, 0.287, 0.2] {
            kept = drawn_world(Some(kept), at(z, 0.0));
            assert_eq!(kept, first, "zoom {z}");
        }
        // Zoomed in a little, a small pan stays inside the kept area; a long one replaces it.
        let panned = drawn_world(Some(first), at(0.4, -200.0));
        assert_eq!(panned, first);
        let moved = drawn_world(Some(first), at(0.4, -20_000.0));
        assert_eq!(moved, at(0.4, -20_000.0));
        // Zoomed in far, the old area is too big to keep: the screen's own.
        assert_eq!(drawn_world(Some(first), at(2.0, 0.0)), at(2.0, 0.0));
    }

    #[test]
    fn an_edge_crossing_the_screen_is_drawn_though_both_ends_are_off_it() {
        let w = visible_world(View::default(), 1000.0, 500.0);
        let (left, right) = ((-5000.0, 200.0), (5000.0, 200.0));
        assert!(!card_visible(&w, left.0, left.1) && !card_visible(&w, right.0, right.1));
        assert!(edge_visible(&w, left, right));
        assert!(!edge_visible(&w, (-5000.0, 3000.0), (5000.0, 3000.0)));
    }
}
