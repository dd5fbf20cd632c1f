//! Canvas geometry: the pan/zoom transform, snapping, node and edge shapes, hit tests.
//!
//! World coordinates are the diagram's `x`/`y`; screen coordinates are CSS pixels inside the
//! canvas element. `screen = world × zoom + pan`. The SVG edges and the dots drawn on the
//! `<canvas>` layer both use [`edge_curve`], so a dot always sits exactly on its edge.

use serde::{Deserialize, Serialize};

/// Size of a node card in world units.
pub const NODE_W: f64 = 208.0;
pub const NODE_H: f64 = 92.0;
/// Grid spacing for snapping (world units); the background dots use the same spacing.
pub const GRID: f64 = 24.0;
pub const MIN_ZOOM: f64 = 0.2;
pub const MAX_ZOOM: f64 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub fn dist(self, o: Point) -> f64 {
        ((self.x - o.x).powi(2) + (self.y - o.y).powi(2)).sqrt()
    }
}

/// The pan/zoom transform of the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for View {
    fn default() -> Self {
        View {
            x: 40.0,
            y: 40.0,
            zoom: 1.0,
        }
    }
}

impl View {
    pub fn to_world(&self, p: Point) -> Point {
        Point::new((p.x - self.x) / self.zoom, (p.y - self.y) / self.zoom)
    }

    pub fn to_screen(&self, p: Point) -> Point {
        Point::new(p.x * self.zoom + self.x, p.y * self.zoom + self.y)
    }

    /// Zooms by `factor` keeping the world point under `anchor` (screen) fixed.
    pub fn zoom_at(&self, anchor: Point, factor: f64) -> View {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        let w = self.to_world(anchor);
        View {
            x: anchor.x - w.x * zoom,
            y: anchor.y - w.y * zoom,
            zoom,
        }
    }

    pub fn panned(&self, dx: f64, dy: f64) -> View {
        View {
            x: self.x + dx,
            y: self.y + dy,
            zoom: self.zoom,
        }
    }

    /// The view that shows `bounds` (world) centred in a `w × h` screen area with a margin.
    pub fn fit(bounds: Option<Rect>, w: f64, h: f64) -> View {
        View::fit_in(bounds, w, h, Insets::uniform(36.0))
    }

    /// Like [`View::fit`], but keeps the diagram out of `insets`: the strips of the screen area
    /// that figures float over (the KPI strip at the top, zoom controls and toasts at the
    /// bottom), so that after Fit no card hides under them. On a small screen the insets give
    /// way (at most 40 % of each side) rather than shrink the diagram to nothing.
    pub fn fit_in(bounds: Option<Rect>, w: f64, h: f64, insets: Insets) -> View {
        let Some(b) = bounds else {
            return View::default();
        };
        let margin = 24.0;
        let (left, right) = insets.squeezed(insets.left, insets.right, w);
        let (top, bottom) = insets.squeezed(insets.top, insets.bottom, h);
        let (aw, ah) = (w - left - right, h - top - bottom);
        let zoom = ((aw - 2.0 * margin) / b.w.max(1.0))
            .min((ah - 2.0 * margin) / b.h.max(1.0))
            .clamp(MIN_ZOOM, 1.25);
        View {
            x: left + (aw - b.w * zoom) / 2.0 - b.x * zoom,
            y: top + (ah - b.h * zoom) / 2.0 - b.y * zoom,
            zoom,
        }
    }
}

/// Screen space (px) to keep free along each side of the canvas.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Insets {
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub left: f64,
}

impl Insets {
    pub fn uniform(px: f64) -> Insets {
        Insets {
            top: px,
            right: px,
            bottom: px,
            left: px,
        }
    }

    /// Two opposite insets, scaled down together when they would take more than 40 % of `len`.
    fn squeezed(&self, a: f64, b: f64, len: f64) -> (f64, f64) {
        let (a, b) = (a.max(0.0), b.max(0.0));
        let most = 0.4 * len.max(0.0);
        if a + b <= most || a + b <= 0.0 {
            (a, b)
        } else {
            let k = most / (a + b);
            (a * k, b * k)
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The rectangle spanned by two corners, in any order.
    pub fn from_corners(a: Point, b: Point) -> Rect {
        Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            w: (a.x - b.x).abs(),
            h: (a.y - b.y).abs(),
        }
    }

    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
    }

    pub fn union(self, o: Rect) -> Rect {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Rect {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }
}

/// The card of a node whose top-left corner is at (x, y).
pub fn node_rect(x: f64, y: f64) -> Rect {
    Rect {
        x,
        y,
        w: NODE_W,
        h: NODE_H,
    }
}

/// Bounding box of node cards at these positions.
pub fn bounds(positions: impl Iterator<Item = (f64, f64)>) -> Option<Rect> {
    positions.map(|(x, y)| node_rect(x, y)).reduce(Rect::union)
}

pub fn snap(v: f64) -> f64 {
    (v / GRID).round() * GRID
}

/// Where edges leave a node (right side) and enter it (left side).
pub fn out_port(x: f64, y: f64) -> Point {
    Point::new(x + NODE_W, y + NODE_H / 2.0)
}

pub fn in_port(x: f64, y: f64) -> Point {
    Point::new(x, y + NODE_H / 2.0)
}

/// Cubic Bézier from `a` (an out port) to `b` (an in port), leaving and entering horizontally.
pub fn edge_curve(a: Point, b: Point) -> [Point; 4] {
    let dx = (b.x - a.x).abs();
    // Backward edges need wider handles to loop around the cards.
    let handle = if b.x >= a.x {
        (dx / 2.0).max(40.0)
    } else {
        80.0 + dx / 3.0
    };
    [
        a,
        Point::new(a.x + handle, a.y),
        Point::new(b.x - handle, b.y),
        b,
    ]
}

pub fn bezier(c: &[Point; 4], t: f64) -> Point {
    let u = 1.0 - t;
    let (a, b, cc, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    Point::new(
        a * c[0].x + b * c[1].x + cc * c[2].x + d * c[3].x,
        a * c[0].y + b * c[1].y + cc * c[2].y + d * c[3].y,
    )
}

/// SVG path data for a curve.
pub fn svg_path(c: &[Point; 4]) -> String {
    format!(
        "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        c[0].x, c[0].y, c[1].x, c[1].y, c[2].x, c[2].y, c[3].x, c[3].y
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_and_world_are_inverse_and_zoom_keeps_the_anchor() {
        let v = View {
            x: 13.0,
            y: -7.0,
            zoom: 1.7,
        };
        let p = Point::new(120.0, 45.0);
        let back = v.to_screen(v.to_world(p));
        assert!(back.dist(p) < 1e-9);
        let z = v.zoom_at(p, 1.5);
        assert!(z.to_world(p).dist(v.to_world(p)) < 1e-9);
        assert!((v.zoom_at(p, 100.0).zoom - MAX_ZOOM).abs() < 1e-12);
    }

    #[test]
    fn fit_shows_every_node() {
        let b = bounds([(0.0, 0.0), (1500.0, 900.0), (-300.0, 200.0)].into_iter()).unwrap();
        let v = View::fit(Some(b), 1000.0, 700.0);
        for corner in [Point::new(b.x, b.y), Point::new(b.x + b.w, b.y + b.h)] {
            let s = v.to_screen(corner);
            assert!(
                s.x >= 0.0 && s.x <= 1000.0 && s.y >= 0.0 && s.y <= 700.0,
                "{s:?}"
            );
        }
    }

    #[test]
    fn fit_in_keeps_cards_out_of_the_insets() {
        let b = bounds([(0.0, 0.0), (1200.0, 500.0), (300.0, -100.0)].into_iter()).unwrap();
        let insets = Insets {
            top: 70.0,
            right: 0.0,
            bottom: 64.0,
            left: 0.0,
        };
        let (w, h) = (800.0, 370.0);
        let v = View::fit_in(Some(b), w, h, insets);
        for corner in [Point::new(b.x, b.y), Point::new(b.x + b.w, b.y + b.h)] {
            let s = v.to_screen(corner);
            assert!(s.x >= 0.0 && s.x <= w, "{s:?}");
            assert!(s.y >= 70.0 && s.y <= h - 64.0, "{s:?} is under an inset");
        }
        // On a tiny screen the insets give way instead of leaving no room at all.
        let (t, b) = insets.squeezed(insets.top, insets.bottom, 120.0);
        assert!((t + b - 48.0).abs() < 1e-9 && t > b, "{t} {b}");
        assert_eq!(insets.squeezed(70.0, 64.0, 1000.0), (70.0, 64.0));
    }

    #[test]
    fn curves_start_and_end_at_the_ports() {
        let c = edge_curve(out_port(0.0, 0.0), in_port(400.0, 100.0));
        assert!(bezier(&c, 0.0).dist(out_port(0.0, 0.0)) < 1e-9);
        assert!(bezier(&c, 1.0).dist(in_port(400.0, 100.0)) < 1e-9);
        assert_eq!(snap(37.0), 48.0);
        assert!(
            Rect::from_corners(Point::new(5.0, 5.0), Point::new(0.0, 0.0))
                .intersects(&node_rect(4.0, 4.0))
        );
    }
}
