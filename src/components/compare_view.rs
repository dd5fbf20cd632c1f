//! The compare view: two variants of a design run side by side under their own seeds, each
//! exactly as `scaleboard run` runs it ([`scaleboard_sim::compare::Run`]), both canvases drawn
//! live and a table of key figures with their differences (B − A, B ÷ A).
//!
//! A full-screen modal over the editor: the user's own design stays as it was underneath.

use super::modal::Modal;
use crate::examples::EXAMPLES;
use crate::format;
use crate::i18n::{fill, kind_name, tr, Lang};
use crate::state::Action;
use scaleboard_sim::compare::{Comparison, Diff, Kpis, Run, Side, KPI_KEYS};
use scaleboard_sim::engine::Report;
use scaleboard_sim::{ComponentKind, Diagram};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Wall-clock milliseconds between two advances of the run.
const TICK_MS: u32 = 100;
/// Wall-clock milliseconds one advance may spend (the page stays responsive on a slow machine:
/// the simulated clock slows down instead; the figures do not change).
const TICK_BUDGET_MS: f64 = 40.0;
/// Speeds offered (simulated seconds per wall-clock second).
const SPEEDS: [f64; 4] = [1.0, 4.0, 10.0, 25.0];
/// A card on the mini canvases, in world units: the editor's card, so positions match.
const CARD_W: f64 = crate::editor::geometry::NODE_W;
const CARD_H: f64 = crate::editor::geometry::NODE_H;
/// Room between the mini canvases' columns and rows (for the edges).
const GAP_X: f64 = 48.0;
const GAP_Y: f64 = 20.0;

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    pub comparison: Rc<Comparison>,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
    /// Open one variant in the editor (as a design of its own).
    pub on_edit: Callback<Side>,
    /// The share link of the comparison.
    pub link: String,
    /// Offer the comparison as a file.
    pub on_download: Callback<()>,
}

/// What one side shows now.
#[derive(Clone, Debug, PartialEq)]
struct SideNow {
    time_s: f64,
    warm: bool,
    kpis: Kpis,
    /// Per node: busy fraction, throughput, up.
    nodes: BTreeMap<String, (f64, f64, bool)>,
}

impl SideNow {
    fn of(r: &Report) -> SideNow {
        SideNow {
            time_s: r.time_s,
            // Figures exist once some time after the warm-up has been measured.
            warm: r.measured_s > 0.0,
            kpis: Kpis::of(r),
            nodes: r
                .nodes
                .iter()
                .map(|(id, n)| (id.clone(), (n.utilization, n.throughput, n.up)))
                .collect(),
        }
    }
}

/// A snapshot of both sides.
#[derive(Clone, Debug, PartialEq, Default)]
struct Live {
    snapshot: u64,
    finished: bool,
    /// The run could not start (a variant has errors): the message.
    error: Option<String>,
    a: Option<SideNow>,
    b: Option<SideNow>,
    diff: Option<Diff>,
}

fn snapshot(run: &Run, n: u64) -> Live {
    let a = SideNow::of(&run.report(Side::A));
    let b = SideNow::of(&run.report(Side::B));
    Live {
        snapshot: n,
        finished: run.finished(),
        error: None,
        // Before both warm-ups are over there is nothing to compare yet (rates are 0 until
        // then): the table shows dashes.
        diff: (a.warm && b.warm).then(|| Diff::between(&a.kpis, &b.kpis)),
        a: Some(a),
        b: Some(b),
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[function_component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    let lang = props.lang;
    let c = props.comparison.clone();
    let run: Rc<RefCell<Option<Run>>> = use_mut_ref(|| None);
    let live = use_state(Live::default);
    let playing = use_state(|| false);
    let speed = use_state(|| 1usize);
    let epoch = use_state(|| 0u64);
    let counter = use_mut_ref(|| 0u64);
    // Said here, not as a toast: the view is a modal dialog, above the page's toasts.
    let copied = use_state(|| false);

    // A new comparison or a restart: both sides from t = 0.
    {
        let run = run.clone();
        let live = live.clone();
        let counter = counter.clone();
        use_effect_with((c.clone(), *epoch), move |(c, _)| {
            *counter.borrow_mut() += 1;
            let n = *counter.borrow();
            match Run::new(c) {
                Ok(r) => {
                    live.set(snapshot(&r, n));
                    *run.borrow_mut() = Some(r);
                }
                Err((side, problems)) => {
                    *run.borrow_mut() = None;
                    let list: Vec<String> = problems
                        .iter()
                        .map(|p| crate::i18n::problems::line(lang, p))
                        .collect();
                    live.set(Live {
                        snapshot: n,
                        error: Some(fill(
                            tr(lang, "Variant {} cannot run: {}"),
                            &[&side.letter(), &list.join("; ")],
                        )),
                        ..Live::default()
                    });
                }
            }
        });
    }
    // Playing: advance both sides together, a tick at a time.
    {
        let run = run.clone();
        let live = live.clone();
        let playing_h = playing.clone();
        let counter = counter.clone();
        let c = c.clone();
        let sim_speed = SPEEDS[(*speed).min(SPEEDS.len() - 1)];
        use_effect_with(
            (*playing, sim_speed, *epoch, c.clone()),
            move |(on, sim_speed, _, _)| {
                let interval = on.then(|| {
                    let sim_speed = *sim_speed;
                    gloo_timers::callback::Interval::new(TICK_MS, move || {
                        let mut slot = run.borrow_mut();
                        let Some(r) = slot.as_mut() else {
                            return;
                        };
                        let target = r.now() + (f64::from(TICK_MS) * 1e6 * sim_speed) as u64;
                        let started = now_ms();
                        while !r.advance_to(target, 20_000) {
                            if now_ms() - started > TICK_BUDGET_MS {
                                break;
                            }
                        }
                        *counter.borrow_mut() += 1;
                        let snap = snapshot(r, *counter.borrow());
                        let done = snap.finished;
                        drop(slot);
                        live.set(snap);
                        if done {
                            playing_h.set(false);
                        }
                    })
                });
                move || drop(interval)
            },
        );
    }

    let toggle = {
        let playing = playing.clone();
        let finished = live.finished;
        let epoch = epoch.clone();
        Callback::from(move |_: MouseEvent| {
            if finished && !*playing {
                epoch.set(*epoch + 1); // play again from the start
            }
            playing.set(!*playing)
        })
    };
    let finish = {
        let run = run.clone();
        let live = live.clone();
        let playing = playing.clone();
        let counter = counter.clone();
        Callback::from(move |_: MouseEvent| {
            playing.set(false);
            if let Some(r) = run.borrow_mut().as_mut() {
                r.finish();
                *counter.borrow_mut() += 1;
                live.set(snapshot(r, *counter.borrow()));
            }
        })
    };
    let restart = {
        let epoch = epoch.clone();
        Callback::from(move |_: MouseEvent| epoch.set(*epoch + 1))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = el.value().parse::<usize>() {
                speed.set(i.min(SPEEDS.len() - 1));
            }
        })
    };
    let on_pick_b = {
        let dispatch = props.dispatch.clone();
        let c = c.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            let choice = el.value();
            if choice.is_empty() {
                return;
            }
            if let Some(next) = crate::compare::with_b(&c, &choice, lang) {
                dispatch.emit(Action::OpenCompare(Rc::new(next)));
            }
        })
    };
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |()| d.emit(Action::CloseCompare))
    };
    let copy_link = {
        let link = props.link.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            copied.set(true);
        })
    };

    let time_s = live
        .a
        .iter()
        .chain(live.b.iter())
        .map(|s| s.time_s)
        .fold(0.0, f64::max);
    let end_s = c.a.workload.duration_s.max(c.b.workload.duration_s);
    let side = |s: Side| {
        let d = c.side(s);
        let now = match s {
            Side::A => live.a.as_ref(),
            Side::B => live.b.as_ref(),
        };
        let key = s.key();
        html! {
            <section class="compare-side" data-testid={format!("compare-side-{key}")}
                     data-sim-time={now.map_or(0.0, |n| n.time_s).to_string()}>
                <header class="compare-side-head">
                    <span class={classes!("compare-badge", format!("compare-badge-{key}"))}>{ s.letter() }</span>
                    <div class="compare-side-titles">
                        <strong data-testid={format!("compare-label-{key}")}>{ c.label(s).to_owned() }</strong>
                        <span class="muted small compare-side-name">{ d.name.clone() }</span>
                    </div>
                    <span class="compare-side-clock muted small">
                        { now.map_or_else(String::new, |n| format::clock(n.time_s)) }
                        if now.is_some_and(|n| !n.warm) {
                            { " · " }{ tr(lang, "warming up") }
                        }
                    </span>
                    <button class="btn btn-small" data-testid={format!("compare-edit-{key}")}
                            title={tr(lang, "Open this variant in the editor, as a design of its own")}
                            onclick={let e = props.on_edit.clone(); Callback::from(move |_: MouseEvent| e.emit(s))}>
                        { tr(lang, "Edit") }
                    </button>
                </header>
                { mini_canvas(d, now, lang, key) }
            </section>
        }
    };
    let speed_now = (*speed).min(SPEEDS.len() - 1);
    let label = fill(tr(lang, "Compare: {} and {}"), &[&c.labels.a, &c.labels.b]);
    html! {
        <Modal testid="compare-view" class="compare-dialog" label={label.clone()} on_close={close.clone()}>
            <div class="compare" data-snapshot={live.snapshot.to_string()} data-sim-time={time_s.to_string()}
                 data-finished={live.finished.to_string()} data-playing={playing.to_string()}>
                <header class="compare-head">
                    <h2 class="dialog-title compare-title">{ label }</h2>
                    <div class="compare-controls">
                        <button class={classes!("btn", "btn-primary", playing.then_some("is-active"))} data-testid="compare-play"
                                aria-pressed={playing.to_string()} onclick={toggle}>
                            { if *playing { tr(lang, "Pause") } else { tr(lang, "Play") } }
                        </button>
                        <button class="btn" data-testid="compare-finish" onclick={finish}
                                title={tr(lang, "Run both variants to the end of their runs now")}>
                            { tr(lang, "Run to the end") }
                        </button>
                        <button class="btn" data-testid="compare-restart" onclick={restart}>{ tr(lang, "Restart") }</button>
                        <label class="compare-speed">
                            <span class="muted small">{ tr(lang, "Speed") }</span>
                            <select data-testid="compare-speed" onchange={on_speed}>
                                { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                                    <option value={i.to_string()} selected={i == speed_now}>{ format!("{s}×") }</option>
                                }) }
                            </select>
                        </label>
                        <span class="compare-clock" data-testid="compare-clock">
                            { format!("{} / {}", format::clock(time_s), format::clock(end_s)) }
                        </span>
                        <span class="tool-spacer"></span>
                        <button class="btn" data-testid="compare-copy-link" onclick={copy_link}>{ tr(lang, "Copy link") }</button>
                        <span class="muted small" role="status" data-testid="compare-copied">
                            if *copied { { tr(lang, "Link copied. It opens both variants side by side.") } }
                        </span>
                        <button class="btn" data-testid="compare-download"
                                onclick={let d = props.on_download.clone(); Callback::from(move |_: MouseEvent| d.emit(()))}>
                            { tr(lang, "Download file") }
                        </button>
                        <button class="btn" data-testid="compare-close"
                                onclick={let c = close.clone(); Callback::from(move |_: MouseEvent| c.emit(()))}>
                            { tr(lang, "Close") }
                        </button>
                    </div>
                    <div class="compare-link-row">
                        <label class="muted small" for="compare-link">{ tr(lang, "Share link") }</label>
                        <input id="compare-link" class="input" readonly=true data-testid="compare-link" value={props.link.clone()} />
                    </div>
                    <div class="compare-link-row">
                        <label class="muted small" for="compare-pick-b">{ tr(lang, "Variant B") }</label>
                        <select id="compare-pick-b" data-testid="compare-pick-b" onchange={on_pick_b}>
                            <option value="" selected=true>{ c.labels.b.clone() }</option>
                            <option value="copy-a">{ tr(lang, "A copy of variant A") }</option>
                            { for EXAMPLES.iter().map(|ex| html! {
                                <option value={ex.slug}>{ ex.title(lang) }</option>
                            }) }
                        </select>
                    </div>
                </header>
                if let Some(e) = &live.error {
                    <p class="compare-error" role="alert" data-testid="compare-error">{ e.clone() }</p>
                }
                <div class="compare-sides">
                    { side(Side::A) }
                    { side(Side::B) }
                </div>
                { table(&c, &live, lang) }
                <p class="muted small compare-note">
                    { tr(lang, "Each variant runs with its own seed and run length, exactly as the command line runs it; figures cover the time after its warm-up.") }
                </p>
            </div>
        </Modal>
    }
}

/// How a figure reads, and which way is better.
fn figure_text(key: &str, v: f64) -> String {
    match key {
        "offered_rps" | "throughput" => format!("{} req/s", format::rate(v)),
        "p50_ms" | "p99_ms" => format::ms(v),
        "error_rate" => format::pct(v),
        "cost_per_hour" => format::money_per_hour(v),
        _ => v.to_string(),
    }
}

fn diff_text(key: &str, d: f64) -> String {
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "−"
    } else {
        "±"
    };
    format!("{sign}{}", figure_text(key, d.abs()))
}

fn ratio_text(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.2}×")
    }
}

/// +1: more is better; −1: less is better; 0: neither (the traffic offered).
fn better(key: &str) -> i8 {
    match key {
        "throughput" => 1,
        "p50_ms" | "p99_ms" | "error_rate" | "cost_per_hour" => -1,
        _ => 0,
    }
}

fn row_label(lang: Lang, key: &str) -> &'static str {
    match key {
        "offered_rps" => tr(lang, "Offered load"),
        "throughput" => tr(lang, "Throughput"),
        "p50_ms" => tr(lang, "p50 latency"),
        "p99_ms" => tr(lang, "p99 latency"),
        "error_rate" => tr(lang, "Error rate"),
        "cost_per_hour" => tr(lang, "Cost per hour"),
        _ => "",
    }
}

fn value_cell(testid: String, v: Option<f64>, text: String, class: Option<&'static str>) -> Html {
    html! {
        <td data-testid={testid} data-value={v.map_or_else(String::new, |v| v.to_string())}
            class={classes!("num", class)}>
            { if v.is_some() { text } else { "–".to_owned() } }
        </td>
    }
}

fn table(c: &Comparison, live: &Live, lang: Lang) -> Html {
    if live.a.is_none() {
        return html! {};
    }
    let diff = live.diff.as_ref();
    let rows = KPI_KEYS.iter().map(|key| {
        let d = diff
            .and_then(|d| d.get(key))
            .copied()
            .unwrap_or_else(|| scaleboard_sim::compare::Delta::of(None, None));
        let tone = d.diff.and_then(|x| {
            let b = better(key);
            if b == 0 || x == 0.0 {
                None
            } else if (x > 0.0) == (b > 0) {
                Some("is-better")
            } else {
                Some("is-worse")
            }
        });
        html! {
            <tr data-testid={format!("compare-row-{key}")}>
                <th scope="row">{ row_label(lang, key) }</th>
                { value_cell(format!("compare-{key}-a"), d.a, d.a.map_or_else(String::new, |v| figure_text(key, v)), None) }
                { value_cell(format!("compare-{key}-b"), d.b, d.b.map_or_else(String::new, |v| figure_text(key, v)), None) }
                { value_cell(format!("compare-{key}-diff"), d.diff, d.diff.map_or_else(String::new, |v| diff_text(key, v)), tone) }
                { value_cell(format!("compare-{key}-ratio"), d.ratio, d.ratio.map_or_else(String::new, ratio_text), None) }
            </tr>
        }
    });
    let verdict = |met: Option<bool>, testid: &str| match met {
        Some(met) => html! {
            <td data-testid={testid.to_owned()} data-value={met.to_string()}
                class={classes!("num", if met { "is-better" } else { "is-worse" })}>
                { if met { tr(lang, "met") } else { tr(lang, "not met") } }
            </td>
        },
        None => {
            html! { <td data-testid={testid.to_owned()} data-value="" class="num">{ "–" }</td> }
        }
    };
    html! {
        <div class="compare-table-wrap">
        <table class="compare-table" data-testid="compare-table">
            <thead>
                <tr>
                    <th scope="col">{ tr(lang, "Figure") }</th>
                    <th scope="col">{ format!("A · {}", c.labels.a) }</th>
                    <th scope="col">{ format!("B · {}", c.labels.b) }</th>
                    <th scope="col">{ "B − A" }</th>
                    <th scope="col">{ "B ÷ A" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows }
                <tr data-testid="compare-row-slo">
                    <th scope="row">{ tr(lang, "SLO verdict") }</th>
                    { verdict(diff.map(|d| d.slo_met.a), "compare-slo-a") }
                    { verdict(diff.map(|d| d.slo_met.b), "compare-slo-b") }
                    <td></td>
                    <td></td>
                </tr>
            </tbody>
        </table>
        if diff.is_none() {
            <p class="muted small" data-testid="compare-warming">
                { fill(tr(lang, "The figures appear once both variants are past their warm-up ({} s and {} s)."),
                       &[&c.a.workload.warmup_s, &c.b.workload.warmup_s]) }
            </p>
        }
        </div>
    }
}

/// One variant drawn read-only: its cards where the editor puts them, edges between them, and
/// each card's live figure (busy share, or requests per second for clients).
fn mini_canvas(d: &Diagram, now: Option<&SideNow>, lang: Lang, key: &str) -> Html {
    if d.nodes.is_empty() {
        return html! { <p class="muted small">{ tr(lang, "This variant is empty.") }</p> };
    }
    // The editor's columns and rows, closed up (the editor spreads cards for editing room):
    // each distinct x becomes a column, each distinct y a row, in the same order.
    let rank = |values: Vec<f64>| {
        let mut v = values;
        v.sort_by(f64::total_cmp);
        v.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        v
    };
    let xs = rank(d.nodes.iter().map(|n| n.x).collect());
    let ys = rank(d.nodes.iter().map(|n| n.y).collect());
    let place = |x: f64, y: f64| {
        let col = xs.iter().position(|v| (v - x).abs() < 1.0).unwrap_or(0);
        let row = ys.iter().position(|v| (v - y).abs() < 1.0).unwrap_or(0);
        (col as f64 * (CARD_W + GAP_X), row as f64 * (CARD_H + GAP_Y))
    };
    let width = xs.len() as f64 * (CARD_W + GAP_X) - GAP_X;
    let height = ys.len() as f64 * (CARD_H + GAP_Y) - GAP_Y;
    let view_box = format!("-8 -8 {} {}", width + 16.0, height + 16.0);
    let pos: BTreeMap<&str, (f64, f64)> = d
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), place(n.x, n.y)))
        .collect();
    let edges = d.edges.iter().filter_map(|e| {
        let (fx, fy) = pos.get(e.from.as_str())?;
        let (tx, ty) = pos.get(e.to.as_str())?;
        let (x1, y1, x2, y2) = (fx + CARD_W, fy + CARD_H / 2.0, *tx, ty + CARD_H / 2.0);
        let mid = (x1 + x2) / 2.0;
        Some(html! {
            <path class="compare-edge" d={format!("M{x1} {y1} C{mid} {y1} {mid} {y2} {x2} {y2}")} />
        })
    });
    let cards = d.nodes.iter().map(|n| {
        let kind = n.kind();
        let live = now.and_then(|s| s.nodes.get(&n.id)).copied();
        let (figure, tone) = match live {
            Some((_, _, false)) => (tr(lang, "down").to_owned(), "is-down"),
            Some((_, rps, true)) if kind == ComponentKind::Client => {
                (format!("{} req/s", format::rate(rps)), "is-idle")
            }
            Some((u, _, true)) => (
                fill(tr(lang, "{} busy"), &[&format::pct(u)]),
                if u >= 0.9 {
                    "is-hot"
                } else if u >= 0.7 {
                    "is-warm"
                } else {
                    "is-idle"
                },
            ),
            None => (String::new(), "is-idle"),
        };
        let name = clip_name(n.display_name(), 13);
        let (x, y) = pos.get(n.id.as_str()).copied().unwrap_or_default();
        html! {
            <g class={classes!("compare-card", tone)} data-testid={format!("compare-node-{key}-{}", n.id)}
               data-node={n.id.clone()} transform={format!("translate({x} {y})")}>
                <title>{ format!("{} · {}", n.display_name(), kind_name(lang, kind)) }</title>
                <rect width={CARD_W.to_string()} height={CARD_H.to_string()} rx="10"
                      style={format!("stroke: var(--kind-{})", kind.slug())} />
                <text x="14" y="38" class="compare-card-name">{ name }</text>
                <text x="14" y="76" class="compare-card-figure">{ figure }</text>
            </g>
        }
    });
    html! {
        <div class="compare-canvas-wrap">
            <svg class="compare-canvas" viewBox={view_box} preserveAspectRatio="xMidYMid meet"
                 style={format!("--columns: {}", xs.len())}
                 role="img" aria-label={tr(lang, "The variant's diagram, with each component's live figure")}>
                { for edges }
                { for cards }
            </svg>
        </div>
    }
}

/// `name` cut to `width` columns (Hangul and other wide letters count two), with "…" if cut.
fn clip_name(name: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in name.chars() {
        let w = if u32::from(c) >= 0x1100 { 2 } else { 1 };
        if used + w > width {
            out.push('…');
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::clip_name;

    #[test]
    fn names_are_cut_to_the_card() {
        assert_eq!(clip_name("API", 14), "API");
        assert_eq!(
            clip_name("Shard 0 (primary + 2 replicas)", 14),
            "Shard 0 (prima…"
        );
        assert_eq!(clip_name("샤드 0 (프라이머리)", 14), "샤드 0 (프라이…");
    }
}
