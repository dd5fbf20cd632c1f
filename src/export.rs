//! Exports of the document: the diagram as a standalone SVG (also the source of the PNG). A
//! run's exports (CSV, report) are made where the run is: `worker::csv`, asked for through the
//! protocol.

use crate::components::node_view::subtitle;
use crate::i18n::{tr, Lang};
use crate::icons::label;
use crate::state::Theme;
use scaleboard_report::svg::{CardText, Palette};
use scaleboard_sim::Diagram;

/// The diagram as a self-contained SVG document (no external fonts, styles or images), drawn
/// by the report crate — the same picture the printed report shows — with the editor's card
/// text: the kind and what the node is.
pub fn diagram_svg(d: &Diagram, theme: Theme, lang: Lang) -> String {
    let palette = match theme {
        Theme::Dark => Palette::Dark,
        Theme::Light => Palette::Light,
    };
    let edge_label = |i: usize| {
        d.edges
            .get(i)
            .map(|e| crate::format::ms(e.latency_ms))
            .unwrap_or_default()
    };
    let card = |n: &scaleboard_sim::Node| CardText {
        tag: tr(lang, label(n.kind())).to_uppercase(),
        line: subtitle(n, lang),
    };
    scaleboard_report::svg::diagram_svg(d, palette, &edge_label, &card)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic() -> Diagram {
        Diagram::from_json(include_str!("../examples/basic.json")).unwrap()
    }

    #[test]
    fn svg_shows_every_node_and_edge_and_escapes_text() {
        let mut d = basic();
        d.nodes[0].label = "Users <&> \"web\"".into();
        let svg = diagram_svg(&d, Theme::Light, Lang::En);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect x=").count(), 1 + d.nodes.len());
        assert_eq!(svg.matches("marker-end").count(), d.edges.len());
        assert!(svg.contains("Users &lt;&amp;&gt; &quot;web&quot;"));
        assert!(svg.contains("API servers"));
        assert!(!svg.contains("Users <&>"));
    }

    /// The report crate draws cards and edges with the editor's shapes: a printed report, an
    /// exported SVG and the canvas put every card and curve in the same place.
    #[test]
    fn report_pictures_use_the_editor_geometry() {
        use crate::editor::geometry::{edge_curve, Point, NODE_H, NODE_W};
        assert_eq!(
            (
                scaleboard_report::svg::NODE_W,
                scaleboard_report::svg::NODE_H
            ),
            (NODE_W, NODE_H)
        );
        for (a, b) in [((0.0, 0.0), (300.0, 40.0)), ((500.0, 10.0), (100.0, 200.0))] {
            let editor = edge_curve(Point::new(a.0, a.1), Point::new(b.0, b.1));
            let report = scaleboard_report::svg::edge_curve(a, b);
            for (e, r) in editor.iter().zip(report) {
                assert_eq!((e.x, e.y), r);
            }
        }
    }

    /// Sentences both the app and the report say (kinds, SPOF reasons, chaos actions) read the
    /// same in Korean in both.
    #[test]
    fn report_korean_matches_the_app() {
        let mut shared = 0;
        for (en, ko) in scaleboard_report::words::PAIRS {
            let app = tr(Lang::Ko, en);
            if app != *en {
                shared += 1;
                assert_eq!(app, *ko, "{en}");
            }
        }
        assert!(
            shared >= 30,
            "only {shared} shared sentences: did the tables move?"
        );
    }
}
