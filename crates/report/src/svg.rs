//! The diagram as a self-contained SVG document (no external fonts, styles or images): the
//! app's SVG/PNG export and the report's picture of the design.
//!
//! The card and curve shapes are the editor's (`src/editor/geometry.rs`); an app test checks
//! they stay the same.

use crate::html::escape;
use scaleboard_sim::{ComponentKind, Diagram, Node};
use std::fmt::Write;

/// Size of a node card in world units.
pub const NODE_W: f64 = 208.0;
pub const NODE_H: f64 = 92.0;

type Point = (f64, f64);

/// Where edges leave a node (right side) and enter it (left side).
fn out_port(x: f64, y: f64) -> Point {
    (x + NODE_W, y + NODE_H / 2.0)
}

fn in_port(x: f64, y: f64) -> Point {
    (x, y + NODE_H / 2.0)
}

/// Cubic Bézier from an out port to an in port, leaving and entering horizontally.
pub fn edge_curve(a: Point, b: Point) -> [Point; 4] {
    let dx = (b.0 - a.0).abs();
    // Backward edges need wider handles to loop around the cards.
    let handle = if b.0 >= a.0 {
        (dx / 2.0).max(40.0)
    } else {
        80.0 + dx / 3.0
    };
    [a, (a.0 + handle, a.1), (b.0 - handle, b.1), b]
}

fn midpoint(c: &[Point; 4]) -> Point {
    // The Bézier at t = ½: weights 1/8, 3/8, 3/8, 1/8.
    (
        (c[0].0 + 3.0 * c[1].0 + 3.0 * c[2].0 + c[3].0) / 8.0,
        (c[0].1 + 3.0 * c[1].1 + 3.0 * c[2].1 + c[3].1) / 8.0,
    )
}

/// Light or dark page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Palette {
    Light,
    Dark,
}

pub fn kind_colour(kind: ComponentKind, palette: Palette) -> &'static str {
    let (light, dark) = match kind {
        ComponentKind::Client => ("#1d7fd8", "#5eb1ff"),
        ComponentKind::LoadBalancer => ("#7c4fe0", "#b48cff"),
        ComponentKind::Server => ("#0e9f76", "#4fd1a5"),
        ComponentKind::Cache => ("#d48806", "#ffb648"),
        ComponentKind::Database => ("#d6385a", "#ff7a90"),
        ComponentKind::ShardRouter => ("#0f9fb0", "#6ee7f0"),
        ComponentKind::TrafficManager | ComponentKind::BatchJob => ("#4d7c0f", "#a3e635"),
        ComponentKind::Cdn => ("#a21caf", "#f0abfc"),
        ComponentKind::Queue => ("#b45309", "#fbbf24"),
    };
    match palette {
        Palette::Light => light,
        Palette::Dark => dark,
    }
}

/// What a card says: its kind tag (top right) and a line under the name.
pub struct CardText {
    pub tag: String,
    pub line: String,
}

/// The diagram as SVG. `edge_label` names each edge (by index), `card` words each node.
pub fn diagram_svg(
    d: &Diagram,
    palette: Palette,
    edge_label: &dyn Fn(usize) -> String,
    card: &dyn Fn(&Node) -> CardText,
) -> String {
    let (bg, card_bg, text, muted, edge) = match palette {
        Palette::Dark => ("#0d1117", "#161d28", "#e6ebf2", "#8b98a9", "#7b8aa3"),
        Palette::Light => ("#f5f7fb", "#ffffff", "#111827", "#5b6677", "#6b7a90"),
    };
    let margin = 40.0;
    let (bx, by, bw, bh) = d
        .nodes
        .iter()
        .map(|n| (n.x, n.y, n.x + NODE_W, n.y + NODE_H))
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
        .map_or((0.0, 0.0, 400.0, 200.0), |(x, y, x2, y2)| {
            (x, y, x2 - x, y2 - y)
        });
    let (x0, y0) = (bx - margin, by - margin - 30.0);
    let (w, h) = (bw + 2.0 * margin, bh + 2.0 * margin + 30.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="{x0:.1} {y0:.1} {w:.1} {h:.1}" font-family="Inter, 'Noto Sans KR', 'NanumGothic', system-ui, sans-serif">"#
    );
    let _ = write!(
        s,
        r#"<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{edge}"/></marker></defs>"#
    );
    let _ = write!(
        s,
        r#"<rect x="{x0:.1}" y="{y0:.1}" width="{w:.1}" height="{h:.1}" fill="{bg}"/>"#
    );
    if !d.name.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="16" font-weight="700" fill="{text}">{}</text>"#,
            x0 + margin,
            y0 + margin,
            escape(&d.name)
        );
    }
    for (i, e) in d.edges.iter().enumerate() {
        let (Some(a), Some(z)) = (d.node(&e.from), d.node(&e.to)) else {
            continue;
        };
        let c = edge_curve(out_port(a.x, a.y), in_port(z.x, z.y));
        let _ = write!(
            s,
            r#"<path d="M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="none" stroke="{edge}" stroke-width="2" marker-end="url(#a)"/>"#,
            c[0].0, c[0].1, c[1].0, c[1].1, c[2].0, c[2].1, c[3].0, c[3].1
        );
        let mid = midpoint(&c);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{muted}">{}</text>"#,
            mid.0,
            mid.1 - 8.0,
            escape(&edge_label(i))
        );
    }
    for n in &d.nodes {
        let colour = kind_colour(n.kind(), palette);
        let words = card(n);
        let _ = write!(
            s,
            r#"<g><rect x="{:.1}" y="{:.1}" width="{NODE_W}" height="{NODE_H}" rx="12" fill="{card_bg}" stroke="{colour}" stroke-width="1.5"/>"#,
            n.x, n.y
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="14" font-weight="650" fill="{text}">{}</text>"#,
            n.x + 14.0,
            n.y + 28.0,
            escape(n.display_name())
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="{colour}">{}</text>"#,
            n.x + NODE_W - 12.0,
            n.y + 27.0,
            escape(&words.tag)
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" fill="{muted}">{}</text></g>"#,
            n.x + 14.0,
            n.y + 52.0,
            escape(&words.line)
        );
    }
    s.push_str("</svg>");
    s
}
