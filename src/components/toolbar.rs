//! Top bar: run controls (play/pause, step, reset), speed, simulated clock, traffic slider,
//! examples, share, theme and language.

use super::examples_menu::ExamplesMenu;
use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::state::{Action, Theme, SPEEDS};
use crate::stats::Stats;
use scaleboard_sim::diagram::Workload;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub running: bool,
    pub speed_index: usize,
    pub workload: Workload,
    pub stats: Rc<Stats>,
    pub lang: Lang,
    pub theme: Theme,
    pub can_undo: bool,
    pub can_redo: bool,
    pub dispatch: Callback<Action>,
    /// Open an example by slug.
    pub on_example: Callback<&'static str>,
    pub on_share: Callback<()>,
    pub on_file: Callback<()>,
    /// Live traffic-slider changes (not yet an undo step).
    pub on_traffic_live: Callback<f64>,
    /// The slider was released: (value when the drag started, final value).
    pub on_traffic_commit: Callback<(Workload, Workload)>,
}

fn icon(d: &'static str) -> Html {
    html! {
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor"><path d={d}/></svg>
    }
}

const PLAY: &str = "M4 2.5l9 5.5-9 5.5z";
const PAUSE: &str = "M4 3h3v10H4zM9 3h3v10H9z";
const STEP: &str = "M3 2.5l7 5.5-7 5.5zM11 3h2.2v10H11z";
const RESET: &str = "M8 2.5a5.5 5.5 0 1 1-5.2 3.7l1.6.6A3.8 3.8 0 1 0 8 4.2V6L4.8 3.4 8 .8z";
const UNDO: &str =
    "M5.5 3 1.5 6.5 5.5 10V7.6h4a2.9 2.9 0 0 1 0 5.8H7v1.8h2.5a4.7 4.7 0 0 0 0-9.4h-4z";
const REDO: &str =
    "M10.5 3l4 3.5-4 3.5V7.6h-4a2.9 2.9 0 0 0 0 5.8H9v1.8H6.5a4.7 4.7 0 0 1 0-9.4h4z";
const SUN: &str = "M8 4.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7zM7.2 0h1.6v2.5H7.2zm0 13.5h1.6V16H7.2zM0 7.2h2.5v1.6H0zm13.5 0H16v1.6h-2.5zM2.1 3.2l1.1-1.1L5 3.9 3.9 5zm8.9 8.9 1.1-1.1 1.8 1.8-1.1 1.1zM2.1 12.8 3.9 11 5 12.1l-1.8 1.8zM11 3.9l1.8-1.8 1.1 1.1L12.1 5z";
const MOON: &str = "M9.5 1.2A6.8 6.8 0 1 0 14.8 11 5.6 5.6 0 0 1 9.5 1.2z";
const FILE: &str = "M3 1.5h6.5L13 5v9.5H3zM9 1.5V5.5h4M5.5 9h5M5.5 11.5h5";
const MORE: &str = "M3 6.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm5 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3zm5 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z";
const SHARE: &str = "M12 1a2.5 2.5 0 1 1-2.3 3.4L6.2 6.5a2.5 2.5 0 0 1 0 3l3.5 2.1A2.5 2.5 0 1 1 9.2 13L5.6 10.9a2.5 2.5 0 1 1 0-5.8L9.2 3A2.5 2.5 0 0 1 12 1z";

#[function_component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let lang = props.lang;
    let send = |action: Action| {
        let cb = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let running = props.running;
    let stats = &props.stats;
    // The workload when a slider drag began, for one undo step per drag.
    let drag_start = use_mut_ref(|| None::<Workload>);
    let traffic = props.workload.traffic_scale;

    let on_speed = {
        let cb = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let v: HtmlInputElement = e.target_unchecked_into();
            if let Ok(i) = v.value().parse::<usize>() {
                cb.emit(Action::SetSpeed(i));
            }
        })
    };
    let on_traffic_input = {
        let live = props.on_traffic_live.clone();
        let start = drag_start.clone();
        let w = props.workload.clone();
        Callback::from(move |e: InputEvent| {
            let v: HtmlInputElement = e.target_unchecked_into();
            if start.borrow().is_none() {
                *start.borrow_mut() = Some(w.clone());
            }
            if let Ok(x) = v.value().parse::<f64>() {
                live.emit(x);
            }
        })
    };
    let on_traffic_change = {
        let commit = props.on_traffic_commit.clone();
        let start = drag_start.clone();
        let w = props.workload.clone();
        Callback::from(move |e: Event| {
            let v: HtmlInputElement = e.target_unchecked_into();
            let Ok(x) = v.value().parse::<f64>() else {
                return;
            };
            let before = start.borrow_mut().take().unwrap_or_else(|| w.clone());
            let mut after = w.clone();
            after.traffic_scale = x;
            commit.emit((before, after));
        })
    };
    // The overflow menu of the toolbar (only shown as a menu on narrower screens).
    let more = use_state(|| false);
    let more_open = *more;
    let toggle_more = {
        let more = more.clone();
        Callback::from(move |_: MouseEvent| more.set(!*more))
    };
    let close_more = {
        let more = more.clone();
        Callback::from(move |_: MouseEvent| more.set(false))
    };
    // Escape closes the open menu, wherever the focus is.
    {
        let more = more.clone();
        use_effect_with(more_open, move |open| {
            let listener = open
                .then(|| web_sys::window().and_then(|w| w.document()))
                .flatten()
                .map(|doc| {
                    gloo_events::EventListener::new(&doc, "keydown", move |e| {
                        let key = e
                            .dyn_ref::<KeyboardEvent>()
                            .map(|k| k.key())
                            .unwrap_or_default();
                        if key == "Escape" {
                            more.set(false);
                        }
                    })
                });
            move || drop(listener)
        });
    }

    let speed_text = if stats.behind && running {
        fill(
            tr(lang, "running at {}× real time"),
            &[&format!("{:.2}", stats.achieved_speed)],
        )
    } else {
        fill(
            tr(lang, "{}× real time"),
            &[&trim_speed(SPEEDS[props.speed_index])],
        )
    };

    html! {
        <div class="toolbar" role="toolbar" aria-label={tr(lang, "Simulation")}>
            <div class="tool-group">
                <button class={classes!("btn", "btn-primary", "btn-play", running.then_some("is-running"))}
                        data-testid="play" aria-pressed={running.to_string()}
                        title={if running { tr(lang, "Pause the simulation (P)") } else { tr(lang, "Run the simulation (P)") }}
                        onclick={send(Action::TogglePlay)}>
                    { icon(if running { PAUSE } else { PLAY }) }
                    <span>{ if running { tr(lang, "Pause") } else { tr(lang, "Play") } }</span>
                </button>
                <button class="btn btn-icon" data-testid="step" title={tr(lang, "Advance one simulated second")}
                        onclick={send(Action::Step)}>{ icon(STEP) }</button>
                <button class="btn btn-icon" data-testid="reset" title={tr(lang, "Restart the run from t = 0 (same seed)")}
                        onclick={send(Action::Reset)}>{ icon(RESET) }</button>
            </div>
            <div class="tool-group history-group">
                <button class="btn btn-icon" data-testid="undo" disabled={!props.can_undo}
                        title={tr(lang, "Undo (Ctrl+Z)")} onclick={send(Action::Undo)}>{ icon(UNDO) }</button>
                <button class="btn btn-icon" data-testid="redo" disabled={!props.can_redo}
                        title={tr(lang, "Redo (Ctrl+Shift+Z)")} onclick={send(Action::Redo)}>{ icon(REDO) }</button>
            </div>
            <div class="tool-group clock-group">
                <span class="sim-clock" data-testid="sim-clock" title={tr(lang, "Simulated time")}>
                    { format!("t = {}", format::clock(stats.time_s)) }
                </span>
                <label class="speed">
                    <span class="sr-only">{ tr(lang, "Speed") }</span>
                    <select data-testid="speed-select" onchange={on_speed} title={tr(lang, "Simulation speed")}>
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed_index}>{ format!("{}×", trim_speed(*s)) }</option>
                        }) }
                    </select>
                </label>
                <span class={classes!("sim-speed", (stats.behind && running).then_some("is-behind"))} data-testid="sim-speed">
                    { speed_text }
                </span>
            </div>
            <label class="tool-group traffic" title={tr(lang, "Multiplies every client's request rate")}>
                <span class="traffic-label">{ tr(lang, "Traffic") }</span>
                <input type="range" min="0" max="5" step="0.1" value={traffic.to_string()}
                       data-testid="traffic-slider" oninput={on_traffic_input} onchange={on_traffic_change} />
                <span class="traffic-value" data-testid="traffic-value">{ format!("{traffic:.1}×") }</span>
            </label>
            <div class="tool-spacer"></div>
            <div class="tool-group tool-end">
                <ExamplesMenu lang={lang} on_example={props.on_example.clone()} />
                <button class={classes!("btn", "btn-icon", "tool-more-btn", more_open.then_some("is-open"))} data-testid="more"
                        aria-expanded={more_open.to_string()} aria-controls="tool-more" aria-haspopup="true"
                        aria-label={tr(lang, "More")} title={tr(lang, "More controls")} onclick={toggle_more}>
                    { icon(MORE) }
                </button>
                if more_open {
                    <div class="tool-more-backdrop" onclick={close_more.clone()}></div>
                }
                // Below ~1400 px these controls live in a menu opened by "More"; wider, they sit
                // in the bar. Choosing one closes the menu.
                <div id="tool-more" class={classes!("tool-more", more_open.then_some("is-open"))}
                     role="group" aria-label={tr(lang, "More controls")}
                     onclick={close_more.clone()}>
                <button class="btn" data-testid="lessons" title={tr(lang, "Lessons and design challenges")}
                        onclick={send(Action::OpenDialog(crate::state::Dialog::Lessons))}>
                    <span>{ tr(lang, "Lessons") }</span>
                </button>
                <button class="btn" data-testid="file" title={tr(lang, "Save, open, import and export")}
                        onclick={let cb = props.on_file.clone(); move |_| cb.emit(())}>
                    { icon(FILE) }<span>{ tr(lang, "File") }</span>
                </button>
                <button class="btn" data-testid="share" title={tr(lang, "Copy a link to this diagram")}
                        onclick={let cb = props.on_share.clone(); move |_| cb.emit(())}>
                    { icon(SHARE) }<span>{ tr(lang, "Share") }</span>
                </button>
                <button class="btn btn-icon" data-testid="theme-toggle"
                        title={tr(lang, "Switch light/dark theme")}
                        onclick={send(Action::SetTheme(match props.theme { Theme::Dark => Theme::Light, Theme::Light => Theme::Dark }))}>
                    { icon(if props.theme == Theme::Dark { SUN } else { MOON }) }
                    <span class="tool-more-label">
                        { if props.theme == Theme::Dark { tr(lang, "Light theme") } else { tr(lang, "Dark theme") } }
                    </span>
                </button>
                <button class="btn btn-lang" data-testid="lang-toggle" title="English / 한국어"
                        onclick={send(Action::SetLang(lang.other()))}>
                    { if lang == Lang::En { "한국어" } else { "English" } }
                </button>
                </div>
            </div>
        </div>
    }
}

fn trim_speed(s: f64) -> String {
    if s < 1.0 {
        format!("{s}")
    } else {
        format!("{s:.0}")
    }
}
