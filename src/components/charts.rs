//! Live simulation charts drawn as inline SVG: [`TimeChart`], a line chart over simulated time
//! with legend, axes and a hover tooltip, and [`Sparkline`], a tiny inline trend line.
//!
//! Geometry of [`TimeChart`]: the plot SVG has a fixed internal width of [`PLOT_W`] user units and
//! a height equal to the plot's CSS height in px, and is stretched horizontally to the container
//! with `preserveAspectRatio="none"`; strokes use `vector-effect="non-scaling-stroke"` so they
//! keep their width. Everything that must not be distorted (axis labels, legend, tooltip, hover
//! dots) is HTML positioned over the SVG in percent of the width and px of the height.
//!
//! The geometry (scales, ticks, path strings) is memoised on the lines and the height, so hover
//! re-renders only redo the guide line, the dots and the tooltip.

use std::fmt::Write as _;
use std::rc::Rc;
use yew::prelude::*;

/// Internal width of the time chart's plot, in SVG user units (stretched to the real width).
const PLOT_W: f64 = 1000.0;
/// Space above the top gridline and below the zero line, in px, so strokes are not clipped.
const PAD_TOP: f64 = 6.0;
const PAD_BOTTOM: f64 = 1.0;
/// The x axis always spans at least this many simulated seconds, so a run that has just started
/// draws a short line growing from the left instead of two samples stretched across the width.
const MIN_SPAN_S: f64 = 10.0;
/// Padding of the sparkline inside its box, in px, so the stroke is not clipped.
const SPARK_PAD: f64 = 2.0;

/// One series of a [`TimeChart`].
#[derive(Clone, PartialEq)]
pub struct ChartLine {
    /// Legend and tooltip label, already translated (e.g. "p99").
    pub label: AttrValue,
    /// Any CSS colour, typically a variable such as `"var(--chart-1)"`.
    pub color: AttrValue,
    /// `(t_s, value)`: simulated seconds (ascending) and the value; `None` is a gap (no data).
    pub points: Vec<(f64, Option<f64>)>,
    /// dashed line style
    pub dashed: bool,
}

#[derive(Properties, PartialEq)]
pub struct TimeChartProps {
    pub title: AttrValue,
    /// Put as `data-testid` on the root; the legend gets `{testid}-legend` and the tooltip
    /// `{testid}-tooltip`.
    pub testid: AttrValue,
    /// "ms", "req/s", "%", "$/h": shown on the top y label, in the legend and in the tooltip.
    pub unit: AttrValue,
    pub lines: Rc<Vec<ChartLine>>,
    /// Decimals of the values in the tooltip and the legend.
    #[prop_or(2)]
    pub decimals: usize,
    /// CSS px of the plot area.
    #[prop_or(132)]
    pub height: u32,
    /// Shown centred in the plot when no line has data.
    #[prop_or_default]
    pub empty_text: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct SparklineProps {
    pub values: Rc<Vec<Option<f64>>>,
    pub color: AttrValue,
    #[prop_or(120)]
    pub width: u32,
    #[prop_or(28)]
    pub height: u32,
    #[prop_or_default]
    pub testid: AttrValue,
}

// ---------------------------------------------------------------------------------------------
// Pure logic
// ---------------------------------------------------------------------------------------------

/// Maps data coordinates to SVG coordinates: `x0..x1` → `0..width`, `0..vmax` → bottom..top.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    x0: f64,
    x1: f64,
    vmax: f64,
    width: f64,
    height: f64,
    pad_top: f64,
    pad_bottom: f64,
}

impl Scale {
    /// Fraction `0..=1` of the width at data x `x` (not clamped).
    fn frac(&self, x: f64) -> f64 {
        let span = self.x1 - self.x0;
        if span > 0.0 {
            (x - self.x0) / span
        } else {
            0.0
        }
    }

    fn x(&self, x: f64) -> f64 {
        self.frac(x) * self.width
    }

    /// Vertical position of `v`; values are clamped to `0..=vmax` (the y axis starts at 0).
    fn y(&self, v: f64) -> f64 {
        let inner = (self.height - self.pad_top - self.pad_bottom).max(1.0);
        let ratio = if self.vmax > 0.0 {
            (v / self.vmax).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.pad_top + (1.0 - ratio) * inner
    }

    /// Data x at a fraction of the width (clamped to the domain).
    fn x_at_frac(&self, frac: f64) -> f64 {
        self.x0 + frac.clamp(0.0, 1.0) * (self.x1 - self.x0)
    }
}

/// The smallest 1-2-5 × 10ⁿ number that is ≥ `raw` (1 for non-positive or non-finite input).
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let frac = raw / mag;
    let m = if frac <= 1.0 + 1e-9 {
        1.0
    } else if frac <= 2.0 + 1e-9 {
        2.0
    } else if frac <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// y ticks from 0 to a round value ≥ `max`, in 1-2-5 steps: always 3 to 5 intervals (4 to 6
/// labels, zero included). `max` ≤ 0 or not finite is treated as 1.
fn y_ticks(max: f64) -> Vec<f64> {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let step = nice_step(max / 5.0);
    let n = ((max / step) - 1e-9).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Ticks at multiples of a 1-2-5 step inside `t0..=t1` (about five of them), and the step.
fn x_ticks(t0: f64, t1: f64) -> (Vec<f64>, f64) {
    let span = t1 - t0;
    if !(span.is_finite() && span > 0.0) {
        return (Vec::new(), 1.0);
    }
    let step = nice_step(span / 5.0);
    let first = (t0 / step - 1e-9).ceil();
    let last = (t1 / step + 1e-9).floor();
    let ticks = (first as i64..=last as i64)
        .map(|i| i as f64 * step)
        .collect();
    (ticks, step)
}

/// Decimals needed to print multiples of `step` exactly (0 for steps ≥ 1).
fn step_decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        0
    } else {
        (-(step.log10() + 1e-9).floor()).max(0.0) as usize
    }
}

/// An axis label for tick value `v` of a scale with step `step`: "40", "0.4", "2k", "1.5M".
fn format_tick(v: f64, step: f64) -> String {
    if v.abs() < step * 1e-6 {
        return "0".into();
    }
    if step >= 1e6 {
        format!("{:.*}M", step_decimals(step / 1e6), v / 1e6)
    } else if step >= 1e3 {
        format!("{:.*}k", step_decimals(step / 1e3), v / 1e3)
    } else {
        format!("{:.*}", step_decimals(step), v)
    }
}

/// Attaches a unit to an already formatted number: "43.2 ms", "12%", "3" (no unit).
fn with_unit(number: &str, unit: &str) -> String {
    match unit {
        "" => number.to_string(),
        "%" => format!("{number}%"),
        _ => format!("{number} {unit}"),
    }
}

/// A value with `decimals` decimals and its unit; "—" for no data.
fn format_value(v: Option<f64>, decimals: usize, unit: &str) -> String {
    match v.filter(|v| v.is_finite()) {
        Some(v) => with_unit(&format!("{v:.decimals$}"), unit),
        None => "—".into(),
    }
}

/// Simulated time for the tooltip: "12 s", "12.5 s", "12.25 s".
fn format_time(t: f64) -> String {
    let decimals = if (t - t.round()).abs() < 1e-6 {
        0
    } else if (t * 10.0 - (t * 10.0).round()).abs() < 1e-6 {
        1
    } else {
        2
    };
    format!("{t:.decimals$} s")
}

/// An x axis label: "10 s", "2.5 s".
fn format_seconds(t: f64, step: f64) -> String {
    format!("{:.*} s", step_decimals(step), t)
}

fn valid(t: f64, v: Option<f64>) -> Option<f64> {
    v.filter(|v| t.is_finite() && v.is_finite())
}

/// SVG path data for a series: one `M` per run of consecutive samples, `L` inside a run; a
/// `None` (or non-finite) value ends the run. A run of a single sample gets a zero-length `h0`
/// so that it shows as a dot with round line caps. Empty when there is no data.
fn build_path(points: impl IntoIterator<Item = (f64, Option<f64>)>, scale: &Scale) -> String {
    let mut d = String::new();
    let mut run = 0usize;
    for (t, v) in points {
        match valid(t, v) {
            Some(v) => {
                let cmd = if run == 0 { 'M' } else { 'L' };
                let _ = write!(d, "{cmd}{:.1} {:.1}", scale.x(t), scale.y(v));
                run += 1;
            }
            None => {
                if run == 1 {
                    d.push_str("h0");
                }
                run = 0;
            }
        }
    }
    if run == 1 {
        d.push_str("h0");
    }
    d
}

/// SVG path data for the area under a series: one closed shape (`M … Z`) per run of samples,
/// from the zero line up to the samples and back.
fn build_area(points: impl IntoIterator<Item = (f64, Option<f64>)>, scale: &Scale) -> String {
    let base = scale.y(0.0);
    let mut d = String::new();
    let mut last_x: Option<f64> = None;
    for (t, v) in points {
        match valid(t, v) {
            Some(v) => {
                let x = scale.x(t);
                if last_x.is_none() {
                    let _ = write!(d, "M{x:.1} {base:.1}");
                }
                let _ = write!(d, "L{x:.1} {:.1}", scale.y(v));
                last_x = Some(x);
            }
            None => {
                if let Some(x) = last_x.take() {
                    let _ = write!(d, "L{x:.1} {base:.1}Z");
                }
            }
        }
    }
    if let Some(x) = last_x {
        let _ = write!(d, "L{x:.1} {base:.1}Z");
    }
    d
}

fn has_data(lines: &[ChartLine]) -> bool {
    lines
        .iter()
        .any(|l| l.points.iter().any(|&(t, v)| valid(t, v).is_some()))
}

/// `(t_min, t_max)` over every sample time (gaps included), widened to at least [`MIN_SPAN_S`].
fn time_domain(lines: &[ChartLine]) -> Option<(f64, f64)> {
    let mut range: Option<(f64, f64)> = None;
    for &(t, _) in lines.iter().flat_map(|l| l.points.iter()) {
        if t.is_finite() {
            range = Some(match range {
                Some((lo, hi)) => (lo.min(t), hi.max(t)),
                None => (t, t),
            });
        }
    }
    range.map(|(lo, hi)| (lo, hi.max(lo + MIN_SPAN_S)))
}

/// Largest value over all lines (0 when there is none).
fn max_value(lines: &[ChartLine]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.points.iter())
        .filter_map(|&(t, v)| valid(t, v))
        .fold(0.0, f64::max)
}

/// The sample time, over all lines, nearest to `t`.
fn nearest_sample_time(lines: &[ChartLine], t: f64) -> Option<f64> {
    let mut best: Option<(f64, f64)> = None; // (distance, time)
    for &(pt, _) in lines.iter().flat_map(|l| l.points.iter()) {
        let dist = (pt - t).abs();
        if dist.is_finite() && best.is_none_or(|(bd, _)| dist < bd) {
            best = Some((dist, pt));
        }
    }
    best.map(|(_, pt)| pt)
}

/// The value of the sample nearest to `t`, if it lies within `tol` seconds of it.
fn value_at(points: &[(f64, Option<f64>)], t: f64, tol: f64) -> Option<f64> {
    let mut best: Option<(f64, f64, Option<f64>)> = None;
    for &(pt, v) in points {
        let dist = (pt - t).abs();
        if dist.is_finite() && best.is_none_or(|(bd, _, _)| dist < bd) {
            best = Some((dist, pt, v));
        }
    }
    best.filter(|&(dist, _, _)| dist <= tol)
        .and_then(|(_, pt, v)| valid(pt, v))
}

/// How far (in seconds) a line's sample may be from the hovered time and still be shown: half
/// the average sample spacing of the densest line, so lines sampled at the same instants always
/// match and slightly offset ones still do.
fn sample_tolerance(lines: &[ChartLine]) -> f64 {
    let spacing = lines
        .iter()
        .filter(|l| l.points.len() >= 2)
        .map(|l| {
            let first = l.points[0].0;
            let last = l.points[l.points.len() - 1].0;
            (last - first).abs() / (l.points.len() - 1) as f64
        })
        .filter(|s| s.is_finite() && *s > 0.0)
        .fold(f64::INFINITY, f64::min);
    if spacing.is_finite() {
        spacing * 0.5 + 1e-9
    } else {
        1e-9
    }
}

/// The largest value a line reached (0 without data): tests read it from `data-peak`, since
/// the legend shows only the latest.
fn peak_value(points: &[(f64, Option<f64>)]) -> f64 {
    points.iter().filter_map(|(_, v)| *v).fold(0.0, f64::max)
}

/// The legend value: the last sample's value (`None` if the line currently has no data).
fn latest_value(points: &[(f64, Option<f64>)]) -> Option<f64> {
    points.last().and_then(|&(t, v)| valid(t, v))
}

/// Everything of a [`TimeChart`] that depends only on its lines and height.
struct Geometry {
    has_data: bool,
    scale: Scale,
    y_ticks: Vec<f64>,
    y_step: f64,
    x_ticks: Vec<f64>,
    x_step: f64,
    paths: Vec<String>,
    tol: f64,
}

impl Geometry {
    fn new(lines: &[ChartLine], height: f64) -> Self {
        let has_data = has_data(lines);
        let (t0, t1) = time_domain(lines).unwrap_or((0.0, MIN_SPAN_S));
        let y_ticks = y_ticks(max_value(lines));
        let y_step = y_ticks.get(1).copied().unwrap_or(1.0);
        let vmax = y_ticks.last().copied().unwrap_or(1.0);
        let scale = Scale {
            x0: t0,
            x1: t1,
            vmax,
            width: PLOT_W,
            height,
            pad_top: PAD_TOP,
            pad_bottom: PAD_BOTTOM,
        };
        let (x_ticks, x_step) = x_ticks(t0, t1);
        let paths = lines
            .iter()
            .map(|l| build_path(l.points.iter().copied(), &scale))
            .collect();
        Geometry {
            has_data,
            scale,
            y_ticks,
            y_step,
            x_ticks,
            x_step,
            paths,
            tol: sample_tolerance(lines),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------

/// A line chart over simulated time with a legend, nice y ticks from 0, x ticks in seconds and a
/// hover guide + tooltip. Fills its container's width; the plot is `height` px tall.
#[function_component]
pub fn TimeChart(props: &TimeChartProps) -> Html {
    // Hovered position as a fraction of the plot width; the nearest sample is looked up at render
    // time so the tooltip follows the data as it scrolls under a resting pointer.
    let hover = use_state_eq(|| None::<f64>);
    let plot_ref = use_node_ref();
    let geom = use_memo((props.lines.clone(), props.height), |(lines, height)| {
        Geometry::new(lines, f64::from(*height))
    });

    let on_pointer = {
        let hover = hover.clone();
        let plot_ref = plot_ref.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = plot_ref.cast::<web_sys::Element>() {
                let rect = el.get_bounding_client_rect();
                if rect.width() > 0.0 {
                    let frac = (f64::from(e.client_x()) - rect.left()) / rect.width();
                    hover.set(Some(frac.clamp(0.0, 1.0)));
                }
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        Callback::from(move |_: PointerEvent| hover.set(None))
    };

    let unit = props.unit.as_str();
    let testid = props.testid.as_str();
    let height = f64::from(props.height);
    let scale = &geom.scale;
    let lines = &props.lines;

    let legend = lines.iter().map(|line| {
        html! {
            <span class="chart-legend-item" data-peak={peak_value(&line.points).to_string()}>
                <span class={classes!("chart-swatch", line.dashed.then_some("chart-swatch-dashed"))}
                      style={format!("color:{}", line.color)}></span>
                <span class="chart-legend-label">{ line.label.clone() }</span>
                <span class="chart-legend-value">
                    { format_value(latest_value(&line.points), props.decimals, unit) }
                </span>
            </span>
        }
    });

    // y labels (HTML, beside the plot); the top one carries the unit.
    let y_labels: Vec<(f64, String)> = if geom.has_data {
        let top = geom.y_ticks.len().saturating_sub(1);
        geom.y_ticks
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let text = format_tick(v, geom.y_step);
                let text = if i == top {
                    with_unit(&text, unit)
                } else {
                    text
                };
                (scale.y(v), text)
            })
            .collect()
    } else {
        Vec::new()
    };
    let y_sizer = y_labels
        .iter()
        .map(|(_, s)| s.as_str())
        .max_by_key(|s| s.chars().count())
        .unwrap_or("")
        .to_string();

    let grid = geom.y_ticks.iter().map(|&v| {
        let y = format!("{:.1}", scale.y(v));
        let class = if v == 0.0 {
            "chart-baseline"
        } else {
            "chart-gridline"
        };
        html! {
            <line class={class} x1="0" x2={PLOT_W.to_string()} y1={y.clone()} y2={y}
                  vector-effect="non-scaling-stroke" />
        }
    });

    let paths = lines.iter().zip(geom.paths.iter()).map(|(line, d)| {
        html! {
            <path class={classes!("chart-line", line.dashed.then_some("chart-line-dashed"))}
                  d={d.clone()} style={format!("stroke:{}", line.color)}
                  vector-effect="non-scaling-stroke" />
        }
    });

    let x_labels = if geom.has_data {
        geom.x_ticks
            .iter()
            .map(|&t| {
                let pct = scale.frac(t) * 100.0;
                let edge = if pct < 3.0 {
                    Some("chart-xlabel-start")
                } else if pct > 97.0 {
                    Some("chart-xlabel-end")
                } else {
                    None
                };
                html! {
                    <span class={classes!("chart-xlabel", edge)} style={format!("left:{pct:.3}%")}>
                        { format_seconds(t, geom.x_step) }
                    </span>
                }
            })
            .collect::<Html>()
    } else {
        Html::default()
    };

    let hovered_t = if geom.has_data {
        (*hover).and_then(|f| nearest_sample_time(lines, scale.x_at_frac(f)))
    } else {
        None
    };

    let (guide, dots, tooltip) = match hovered_t {
        Some(t) => {
            let frac = scale.frac(t).clamp(0.0, 1.0);
            let pct = frac * 100.0;
            let x = format!("{:.1}", frac * PLOT_W);
            let guide = html! {
                <line class="chart-guide" x1={x.clone()} x2={x} y1="0" y2={height.to_string()}
                      vector-effect="non-scaling-stroke" />
            };
            let values: Vec<Option<f64>> = lines
                .iter()
                .map(|l| value_at(&l.points, t, geom.tol))
                .collect();
            let dots = lines
                .iter()
                .zip(values.iter())
                .filter_map(|(line, v)| {
                    v.map(|v| {
                        html! {
                            <span class="chart-dot" style={format!(
                                "left:{pct:.3}%;top:{:.1}px;background:{}", scale.y(v), line.color
                            )}></span>
                        }
                    })
                })
                .collect::<Html>();
            let rows = lines.iter().zip(values.iter()).map(|(line, &v)| {
                html! {
                    <div class="chart-tooltip-row">
                        <span class={classes!("chart-swatch", line.dashed.then_some("chart-swatch-dashed"))}
                              style={format!("color:{}", line.color)}></span>
                        <span class="chart-tooltip-label">{ line.label.clone() }</span>
                        <span class="chart-tooltip-value">{ format_value(v, props.decimals, unit) }</span>
                    </div>
                }
            });
            let tooltip = html! {
                <div class={classes!("chart-tooltip", (frac > 0.55).then_some("chart-tooltip-left"))}
                     style={format!("left:{pct:.3}%")}
                     data-testid={format!("{testid}-tooltip")} role="tooltip">
                    <div class="chart-tooltip-time">{ format!("t = {}", format_time(t)) }</div>
                    { for rows }
                </div>
            };
            (guide, dots, tooltip)
        }
        None => (Html::default(), Html::default(), Html::default()),
    };

    html! {
        <div class="chart" data-testid={props.testid.clone()} role="figure"
             aria-label={props.title.clone()}>
            <div class="chart-title">{ props.title.clone() }</div>
            <div class="chart-legend" data-testid={format!("{testid}-legend")}>
                { for legend }
            </div>
            <div class="chart-body">
                <div class="chart-yaxis" style={format!("height:{}px", props.height)} aria-hidden="true">
                    <span class="chart-ysizer">{ y_sizer }</span>
                    { for y_labels.into_iter().map(|(y, text)| html! {
                        <span class="chart-ylabel" style={format!("top:{y:.1}px")}>{ text }</span>
                    }) }
                </div>
                <div class="chart-plot" ref={plot_ref} style={format!("height:{}px", props.height)}
                     onpointermove={on_pointer.clone()} onpointerdown={on_pointer}
                     onpointerleave={on_leave.clone()} onpointercancel={on_leave}>
                    <svg class="chart-svg" width="100%" height={props.height.to_string()}
                         viewBox={format!("0 0 {PLOT_W} {}", props.height)}
                         preserveAspectRatio="none" aria-hidden="true">
                        <g class="chart-grid">{ for grid }</g>
                        { for paths }
                        { guide }
                    </svg>
                    { dots }
                    { tooltip }
                    if !geom.has_data && !props.empty_text.is_empty() {
                        <div class="chart-empty">{ props.empty_text.clone() }</div>
                    }
                </div>
                <div class="chart-xaxis" aria-hidden="true">{ x_labels }</div>
            </div>
        </div>
    }
}

/// A tiny trend line: values evenly spaced left to right, scaled 0..max, gaps at `None`, with a
/// faint area under the line.
#[function_component]
pub fn Sparkline(props: &SparklineProps) -> Html {
    let (w, h) = (f64::from(props.width), f64::from(props.height));
    let n = props.values.len();
    let vmax = props
        .values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let scale = Scale {
        x0: 0.0,
        x1: n.saturating_sub(1).max(1) as f64,
        vmax: if vmax > 0.0 { vmax } else { 1.0 },
        width: w,
        height: h,
        pad_top: SPARK_PAD,
        pad_bottom: SPARK_PAD,
    };
    let points = || props.values.iter().enumerate().map(|(i, v)| (i as f64, *v));
    let line = build_path(points(), &scale);
    let area = build_area(points(), &scale);
    let testid = (!props.testid.is_empty()).then(|| props.testid.clone());
    html! {
        <svg class="spark" width={props.width.to_string()} height={props.height.to_string()}
             viewBox={format!("0 0 {} {}", props.width, props.height)} data-testid={testid}
             aria-hidden="true">
            <path class="spark-area" d={area} style={format!("fill:{}", props.color)} />
            <path class="spark-line" d={line} style={format!("stroke:{}", props.color)} />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    fn assert_ticks(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            assert!(approx(*a, *e), "{actual:?} vs {expected:?}");
        }
    }

    fn scale(x0: f64, x1: f64, vmax: f64) -> Scale {
        Scale {
            x0,
            x1,
            vmax,
            width: 1000.0,
            height: 100.0,
            pad_top: 0.0,
            pad_bottom: 0.0,
        }
    }

    fn line(points: Vec<(f64, Option<f64>)>) -> ChartLine {
        ChartLine {
            label: "p99".into(),
            color: "var(--chart-1)".into(),
            points,
            dashed: false,
        }
    }

    #[test]
    fn nice_step_rounds_up_to_1_2_5() {
        assert!(approx(nice_step(17.4), 20.0));
        assert!(approx(nice_step(20.0), 20.0));
        assert!(approx(nice_step(2.1), 5.0));
        assert!(approx(nice_step(7.0), 10.0));
        assert!(approx(nice_step(100.0), 100.0));
        assert!(approx(nice_step(0.06), 0.1));
        assert!(approx(nice_step(0.013), 0.02));
        assert!(approx(nice_step(0.0), 1.0));
        assert!(approx(nice_step(f64::NAN), 1.0));
    }

    #[test]
    fn y_ticks_for_87_are_0_to_100_by_20() {
        assert_ticks(&y_ticks(87.0), &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
    }

    #[test]
    fn y_ticks_exact_and_small_and_empty() {
        assert_ticks(&y_ticks(100.0), &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_ticks(&y_ticks(0.3), &[0.0, 0.1, 0.2, 0.3]);
        assert_ticks(&y_ticks(101.0), &[0.0, 50.0, 100.0, 150.0]);
        assert_ticks(&y_ticks(0.0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_ticks(&y_ticks(-5.0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_ticks(&y_ticks(f64::NAN), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    }

    #[test]
    fn y_ticks_always_cover_max_with_3_to_5_intervals() {
        let mut max = 0.0007;
        while max < 5e7 {
            let ticks = y_ticks(max);
            let intervals = ticks.len() - 1;
            assert!((3..=5).contains(&intervals), "max {max}: {ticks:?}");
            assert_eq!(ticks[0], 0.0);
            assert!(
                *ticks.last().unwrap() >= max * (1.0 - 1e-9),
                "max {max}: {ticks:?}"
            );
            assert!(ticks.windows(2).all(|w| w[1] > w[0]));
            max *= 1.37;
        }
    }

    #[test]
    fn x_ticks_are_round_seconds_inside_the_domain() {
        let (ticks, step) = x_ticks(0.0, 60.0);
        assert!(approx(step, 20.0));
        assert_ticks(&ticks, &[0.0, 20.0, 40.0, 60.0]);
        let (ticks, step) = x_ticks(3.2, 47.0);
        assert!(approx(step, 10.0));
        assert_ticks(&ticks, &[10.0, 20.0, 30.0, 40.0]);
        assert!(x_ticks(5.0, 5.0).0.is_empty());
        assert_eq!(format_seconds(10.0, 10.0), "10 s");
        assert_eq!(format_seconds(2.5, 0.5), "2.5 s");
    }

    #[test]
    fn tick_labels() {
        assert_eq!(format_tick(40.0, 20.0), "40");
        assert_eq!(format_tick(0.4, 0.2), "0.4");
        assert_eq!(format_tick(3.0 * 0.1, 0.1), "0.3");
        assert_eq!(format_tick(0.05, 0.05), "0.05");
        assert_eq!(format_tick(2000.0, 1000.0), "2k");
        assert_eq!(format_tick(15000.0, 5000.0), "15k");
        assert_eq!(format_tick(3_000_000.0, 1_000_000.0), "3M");
        assert_eq!(format_tick(0.0, 1000.0), "0");
    }

    #[test]
    fn values_with_units() {
        assert_eq!(format_value(Some(43.21), 1, "ms"), "43.2 ms");
        assert_eq!(format_value(Some(12.0), 0, "%"), "12%");
        assert_eq!(format_value(Some(1.5), 2, "$/h"), "1.50 $/h");
        assert_eq!(format_value(Some(3.0), 0, ""), "3");
        assert_eq!(format_value(None, 2, "ms"), "—");
        assert_eq!(format_value(Some(f64::NAN), 2, "ms"), "—");
        assert_eq!(format_time(12.0), "12 s");
        assert_eq!(format_time(12.5), "12.5 s");
        assert_eq!(format_time(12.25), "12.25 s");
    }

    #[test]
    fn scale_maps_values_to_pixels() {
        let s = Scale {
            x0: 10.0,
            x1: 20.0,
            vmax: 100.0,
            width: 1000.0,
            height: 110.0,
            pad_top: 6.0,
            pad_bottom: 4.0,
        };
        assert!(approx(s.x(10.0), 0.0));
        assert!(approx(s.x(15.0), 500.0));
        assert!(approx(s.x(20.0), 1000.0));
        assert!(approx(s.y(0.0), 106.0)); // zero at the bottom, above the padding
        assert!(approx(s.y(100.0), 6.0)); // vmax at the top, below the padding
        assert!(approx(s.y(50.0), 56.0));
        assert!(approx(s.y(-3.0), 106.0)); // clamped: the axis starts at 0
        assert!(approx(s.y(250.0), 6.0));
        assert!(approx(s.x_at_frac(0.25), 12.5));
        assert!(approx(s.x_at_frac(7.0), 20.0));
    }

    #[test]
    fn path_is_one_segment_without_gaps() {
        let s = scale(0.0, 2.0, 10.0);
        let d = build_path(
            vec![(0.0, Some(0.0)), (1.0, Some(5.0)), (2.0, Some(10.0))],
            &s,
        );
        assert_eq!(d, "M0.0 100.0L500.0 50.0L1000.0 0.0");
    }

    #[test]
    fn gap_splits_path_into_two_segments() {
        let s = scale(0.0, 4.0, 10.0);
        let pts = vec![
            (0.0, Some(1.0)),
            (1.0, Some(2.0)),
            (2.0, None),
            (3.0, Some(3.0)),
            (4.0, Some(4.0)),
        ];
        let d = build_path(pts, &s);
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 2, "{d}");
        assert_eq!(d, "M0.0 90.0L250.0 80.0M750.0 70.0L1000.0 60.0");
    }

    #[test]
    fn path_edge_cases() {
        let s = scale(0.0, 4.0, 10.0);
        // Leading/trailing gaps and NaN never produce an empty `M`.
        let d = build_path(
            vec![
                (0.0, None),
                (1.0, Some(5.0)),
                (2.0, Some(f64::NAN)),
                (3.0, None),
            ],
            &s,
        );
        assert_eq!(d, "M250.0 50.0h0"); // an isolated sample is drawn as a dot
        assert_eq!(build_path(vec![(0.0, None), (1.0, None)], &s), "");
        assert_eq!(build_path(Vec::new(), &s), "");
    }

    #[test]
    fn area_closes_each_segment_at_zero() {
        let s = scale(0.0, 3.0, 10.0);
        let d = build_area(
            vec![
                (0.0, Some(10.0)),
                (1.0, Some(5.0)),
                (2.0, None),
                (3.0, Some(0.0)),
            ],
            &s,
        );
        assert_eq!(d.matches('Z').count(), 2, "{d}");
        assert!(
            d.starts_with("M0.0 100.0L0.0 0.0L333.3 50.0L333.3 100.0Z"),
            "{d}"
        );
    }

    #[test]
    fn nearest_sample_over_all_lines() {
        let lines = vec![
            line(vec![(0.0, Some(1.0)), (1.0, Some(2.0)), (2.0, None)]),
            line(vec![(2.5, Some(1.0)), (4.0, Some(1.0))]),
        ];
        assert_eq!(nearest_sample_time(&lines, 0.4), Some(0.0));
        assert_eq!(nearest_sample_time(&lines, 0.6), Some(1.0));
        assert_eq!(nearest_sample_time(&lines, 1.9), Some(2.0)); // gaps are sample times too
        assert_eq!(nearest_sample_time(&lines, 2.4), Some(2.5));
        assert_eq!(nearest_sample_time(&lines, 99.0), Some(4.0));
        assert_eq!(nearest_sample_time(&[], 1.0), None);
    }

    #[test]
    fn value_at_respects_gaps_and_tolerance() {
        let pts = vec![
            (0.0, Some(1.0)),
            (1.0, Some(2.0)),
            (2.0, None),
            (3.0, Some(4.0)),
        ];
        assert_eq!(value_at(&pts, 1.0, 0.5), Some(2.0));
        assert_eq!(value_at(&pts, 1.3, 0.5), Some(2.0));
        assert_eq!(value_at(&pts, 2.0, 0.5), None);
        assert_eq!(value_at(&pts, 5.0, 0.5), None); // beyond the line's end
        assert_eq!(value_at(&[], 1.0, 0.5), None);
        let lines = vec![line(pts), line(vec![(0.0, Some(1.0)), (0.5, Some(1.0))])];
        assert!(approx(sample_tolerance(&lines), 0.25 + 1e-9));
    }

    #[test]
    fn domain_and_latest() {
        let lines = vec![line(vec![(2.0, None), (5.0, Some(3.0)), (30.0, Some(7.0))])];
        assert_eq!(time_domain(&lines), Some((2.0, 30.0)));
        assert!(approx(max_value(&lines), 7.0));
        assert!(has_data(&lines));
        let short = vec![line(vec![(0.0, Some(1.0)), (1.0, Some(2.0))])];
        assert_eq!(time_domain(&short), Some((0.0, MIN_SPAN_S)));
        assert_eq!(latest_value(&lines[0].points), Some(7.0));
        assert_eq!(latest_value(&[(1.0, Some(1.0)), (2.0, None)]), None);
        let empty = vec![line(vec![(0.0, None)]), line(Vec::new())];
        assert!(!has_data(&empty));
        assert_eq!(max_value(&empty), 0.0);
    }

    #[test]
    fn geometry_uses_nice_top_and_hover_lookup() {
        let pts: Vec<_> = (0..=20)
            .map(|i| (i as f64, Some(i as f64 * 4.35)))
            .collect();
        let lines = vec![line(pts)];
        let g = Geometry::new(&lines, 132.0);
        assert!(g.has_data);
        assert!(approx(g.scale.vmax, 100.0)); // max 87 → 0..100 by 20
        assert!(approx(g.y_step, 20.0));
        assert_eq!(g.paths.len(), 1);
        assert_eq!(g.paths[0].matches('M').count(), 1);
        let t = nearest_sample_time(&lines, g.scale.x_at_frac(0.52)).unwrap();
        assert!(approx(t, 10.0));
        assert_eq!(value_at(&lines[0].points, t, g.tol), Some(43.5));
    }
}
