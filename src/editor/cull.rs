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
    fn an_edge_crossing_the_screen_is_drawn_though_both_ends_are_off_it() {
        let w = visible_world(View::default(), 1000.0, 500.0);
        let (left, right) = ((-5000.0, 200.0), (5000.0, 200.0));
        assert!(!card_visible(&w, left.0, left.1) && !card_visible(&w, right.0, right.1));
        assert!(edge_visible(&w, left, right));
        assert!(!edge_visible(&w, (-5000.0, 3000.0), (5000.0, 3000.0)));
    }
}
