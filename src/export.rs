//! Exports: the diagram as a standalone SVG (also the source of the PNG), and a run's metrics
//! as CSV. Pure functions over the document and the simulation, tested natively.

use crate::components::node_view::subtitle;
use crate::editor::geometry::{bounds, edge_curve, in_port, out_port, svg_path, NODE_H, NODE_W};
use crate::i18n::{tr, Lang};
use crate::icons::label;
use crate::state::Theme;
use scaleboard_sim::{ComponentKind, Diagram, Simulation};
use std::fmt::Write;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn kind_colour(kind: ComponentKind, theme: Theme) -> &'static str {
    let dark = theme == Theme::Dark;
    match kind {
        ComponentKind::Client => {
            if dark {
                "#5eb1ff"
            } else {
                "#1d7fd8"
            }
        }
        ComponentKind::LoadBalancer => {
            if dark {
                "#b48cff"
            } else {
                "#7c4fe0"
            }
        }
        ComponentKind::Server => {
            if dark {
                "#4fd1a5"
            } else {
                "#0e9f76"
            }
        }
        ComponentKind::Cache => {
            if dark {
                "#ffb648"
            } else {
                "#d48806"
            }
        }
        ComponentKind::Database => {
            if dark {
                "#ff7a90"
            } else {
                "#d6385a"
            }
        }
        ComponentKind::ShardRouter => {
            if dark {
                "#6ee7f0"
            } else {
                "#0f9fb0"
            }
        }
        ComponentKind::TrafficManager => {
            if dark {
                "#a3e635"
            } else {
                "#4d7c0f"
            }
        }
        ComponentKind::Cdn => {
            if dark {
                "#f0abfc"
            } else {
                "#a21caf"
            }
        }
        ComponentKind::Queue => {
            if dark {
                "#fbbf24"
            } else {
                "#b45309"
            }
        }
        ComponentKind::BatchJob => {
            if dark {
                "#a3e635"
            } else {
                "#4d7c0f"
            }
        }
    }
}

/// The diagram as a self-contained SVG document (no external fonts, styles or images).
pub fn diagram_svg(d: &Diagram, theme: Theme, lang: Lang) -> String {
    let (bg, card, text, muted, edge) = match theme {
        Theme::Dark => ("#0d1117", "#161d28", "#e6ebf2", "#8b98a9", "#7b8aa3"),
        Theme::Light => ("#f5f7fb", "#ffffff", "#111827", "#5b6677", "#6b7a90"),
    };
    let margin = 40.0;
    let b = bounds(d.nodes.iter().map(|n| (n.x, n.y))).unwrap_or(crate::editor::geometry::Rect {
        x: 0.0,
        y: 0.0,
        w: 400.0,
        h: 200.0,
    });
    let (x0, y0) = (b.x - margin, b.y - margin - 30.0);
    let (w, h) = (b.w + 2.0 * margin, b.h + 2.0 * margin + 30.0);
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
    for e in &d.edges {
        let (Some(a), Some(z)) = (d.node(&e.from), d.node(&e.to)) else {
            continue;
        };
        let c = edge_curve(out_port(a.x, a.y), in_port(z.x, z.y));
        let _ = write!(
            s,
            r#"<path d="{}" fill="none" stroke="{edge}" stroke-width="2" marker-end="url(#a)"/>"#,
            svg_path(&c)
        );
        let mid = crate::editor::geometry::bezier(&c, 0.5);
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="{muted}">{}</text>"#,
            mid.x,
            mid.y - 8.0,
            escape(&crate::format::ms(e.latency_ms))
        );
    }
    for n in &d.nodes {
        let colour = kind_colour(n.kind(), theme);
        let _ = write!(
            s,
            r#"<g><rect x="{:.1}" y="{:.1}" width="{NODE_W}" height="{NODE_H}" rx="12" fill="{card}" stroke="{colour}" stroke-width="1.5"/>"#,
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
            escape(&tr(lang, label(n.kind())).to_uppercase())
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" fill="{muted}">{}</text></g>"#,
            n.x + 14.0,
            n.y + 52.0,
            escape(&subtitle(n, lang))
        );
    }
    s.push_str("</svg>");
    s
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Every simulated second of the run: one row for the whole system and one per component.
pub fn metrics_csv(sim: &Simulation) -> String {
    let mut s = String::from(
        "t_s,component,kind,arrivals_per_s,throughput,errors_per_s,error_rate,p50_ms,p95_ms,p99_ms,utilization,queue,instances,cost_per_hour\n",
    );
    for x in sim.series() {
        let _ = writeln!(
            s,
            "{},end_to_end,system,{},{},{},{},{},{},{},,,,{}",
            x.t_s,
            x.generated_per_s,
            x.throughput,
            x.failed_per_s,
            x.error_rate,
            opt(x.p50_ms),
            opt(x.p95_ms),
            opt(x.p99_ms),
            x.cost_per_hour
        );
    }
    for n in &sim.diagram().nodes {
        let Some(series) = sim.node_series(&n.id) else {
            continue;
        };
        let id = if n.id.contains([',', '"', '\n']) {
            format!("\"{}\"", n.id.replace('"', "\"\""))
        } else {
            n.id.clone()
        };
        for x in series {
            let total = x.throughput + x.errors_per_s;
            let rate = if total > 0.0 {
                x.errors_per_s / total
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "{},{id},{},{},{},{},{rate},{},{},{},{},{},{},{}",
                x.t_s,
                n.kind().slug(),
                x.arrivals_per_s,
                x.throughput,
                x.errors_per_s,
                opt(x.p50_ms),
                opt(x.p95_ms),
                opt(x.p99_ms),
                x.utilization,
                x.queue,
                x.instances,
                x.cost_per_hour
            );
        }
    }
    s
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

    #[test]
    fn csv_has_a_row_per_second_and_component() {
        let d = basic();
        let mut sim = Simulation::new(&d).unwrap();
        sim.run_until(scaleboard_sim::time::secs_to_ns(5.0));
        let csv = metrics_csv(&sim);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 5 * (1 + d.nodes.len()));
        let columns = lines[0].split(',').count();
        assert!(
            lines.iter().all(|l| l.split(',').count() == columns),
            "{csv}"
        );
        assert!(lines.iter().any(|l| l.starts_with("5,api,server,")));
    }
}
