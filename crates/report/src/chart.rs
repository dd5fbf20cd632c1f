//! Small line charts of the run over simulated time, as inline SVG (they print sharp).

use crate::fmt::num;
use std::fmt::Write;

/// Width and height of a chart in CSS pixels (three fit across an A4 or Letter page).
const W: f64 = 220.0;
const H: f64 = 96.0;
/// At most this many points per line: a long run is thinned to every k-th second.
const MAX_POINTS: usize = 240;

/// A chart of `(t_s, value)` points: axis labels at the top value and the ends of time.
/// `None` values (no request completed that second) break the line.
pub fn line_chart(title: &str, points: &[(f64, Option<f64>)], colour: &str, empty: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<figure class="sbr-chart"><figcaption>{}</figcaption>"#,
        crate::html::escape(title)
    );
    let values: Vec<f64> = points.iter().filter_map(|p| p.1).collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        let _ = write!(
            s,
            r#"<p class="sbr-muted">{}</p></figure>"#,
            crate::html::escape(empty)
        );
        return s;
    };
    let top = values.iter().copied().fold(0.0_f64, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let (t0, t1) = (first.0, last.0.max(first.0 + 1.0));
    let step = points.len().div_ceil(MAX_POINTS).max(1);
    let (left, bottom) = (30.0, H - 14.0);
    let x = |t: f64| left + (t - t0) / (t1 - t0) * (W - left - 4.0);
    let y = |v: f64| bottom - v / top * (bottom - 6.0);
    let _ = write!(
        s,
        r##"<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img"><line x1="{left}" y1="{bottom}" x2="{W}" y2="{bottom}" stroke="#9aa4b2" stroke-width="0.8"/><line x1="{left}" y1="4" x2="{left}" y2="{bottom}" stroke="#9aa4b2" stroke-width="0.8"/>"##
    );
    let mut path = String::new();
    let mut pen_down = false;
    for p in points.iter().step_by(step) {
        match p.1 {
            Some(v) if v.is_finite() => {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(p.0),
                    y(v)
                );
                pen_down = true;
            }
            _ => pen_down = false,
        }
    }
    let _ = write!(
        s,
        r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="1.6" stroke-linejoin="round"/>"#,
        path.trim_end()
    );
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="10" font-size="9" text-anchor="end" fill="#5b6677">{}</text><text x="{left}" y="{H}" font-size="9" fill="#5b6677">{} s</text><text x="{W}" y="{H}" font-size="9" text-anchor="end" fill="#5b6677">{} s</text></svg></figure>"##,
        left - 3.0,
        num(top / 1.1),
        num(t0),
        num(t1)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_lifts_the_pen_and_an_empty_series_says_so() {
        let pts = [
            (1.0, Some(1.0)),
            (2.0, None),
            (3.0, Some(2.0)),
            (4.0, Some(3.0)),
        ];
        let svg = line_chart("T", &pts, "#000", "none");
        let d = svg.split("<path d=\"").nth(1).unwrap();
        let d = &d[..d.find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
        assert!(line_chart("T", &[], "#000", "no samples").contains("no samples"));
    }

    #[test]
    fn a_long_run_is_thinned() {
        let pts: Vec<_> = (0..3600).map(|t| (t as f64, Some(t as f64))).collect();
        let svg = line_chart("T", &pts, "#000", "");
        let points = svg.matches('L').count() + 1;
        assert!(points <= MAX_POINTS, "{points}");
    }
}
