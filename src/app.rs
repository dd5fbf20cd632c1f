//! The application: state, the simulation host and its frame loop, keyboard shortcuts, and the
//! layout (header, palette, canvas, inspector, bottom panel).

use crate::components::bottom_panel::BottomPanel;
use crate::components::canvas::Canvas;
use crate::components::compare_view::CompareView;
use crate::components::context_menu::ContextMenuView;
use crate::components::file_dialog::{Export, FileDialog};
use crate::components::inspector::{Inspector, Selected};
use crate::components::kpis::Kpis;
use crate::components::lesson_panel::{LessonLive, LessonPanel};
use crate::components::lessons_dialog::LessonsDialog;
use crate::components::node_live::NodeLive;
use crate::components::palette::Palette;
use crate::components::qr_dialog::QrDialog;
use crate::components::recent_docs::RecentDocs;
use crate::components::report_view::ReportView;
use crate::components::save_status::{SaveFailed, SaveStatus};
use crate::components::share_dialog::ShareDialog;
use crate::components::toast::ToastView;
use crate::components::toolbar::Toolbar;
use crate::editor::geometry::Point;
use crate::editor::layout::SameRc;
use crate::engine_link::EngineLink;
use crate::i18n::{fill, tr};
use crate::keeping::{DocCommand, Keep};
use crate::protocol::{Answer, Question, ToEngine};
use crate::runtime::{self, LoopInputs};
use crate::state::Dialog;
use crate::state::{Action, LogEntry, LogKind, State, ToastKind};
use crate::stats::Stats;
use crate::store::keeper::Snapshot;
use crate::{event_text, examples, export, files, persist, storage};
use scaleboard_sim::diagram::Workload;
use scaleboard_sim::{analysis, ComponentKind};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

/// The start-up state: preferences only. The document arrives from the store a moment later
/// (see [`Keep::start`]).
fn initial_state() -> State {
    let mut s = State::default();
    s.theme = storage::load_theme().unwrap_or_else(storage::system_theme);
    s.lang = storage::load_lang().unwrap_or_else(storage::browser_lang);
    s
}

/// Embed mode: opens the design of the link in the address bar straight into the page state,
/// fitted to the frame — never through the document store.
fn open_embedded(dispatch: &Callback<Action>, lang: crate::i18n::Lang) {
    match scaleboard_link::decode(&persist::current_hash()) {
        Ok(d) => dispatch.emit(Action::Load {
            doc: d.diagram,
            title: String::new(),
            view: None,
            playhead: d.playhead_s,
        }),
        Err(e) => dispatch.emit(Action::Toast {
            text: fill(tr(lang, "This embed's link cannot be opened: {}"), &[&e.0]),
            kind: ToastKind::Error,
        }),
    }
}

/// Opens whatever is now in the address bar (the user pasted another link, or went Back).
fn open_hash(
    keep: &Rc<Keep>,
    open_lesson: &Callback<(String, usize)>,
    dispatch: &Callback<Action>,
    lang: crate::i18n::Lang,
) {
    let hash = persist::current_hash();
    if hash.is_empty() {
        return;
    }
    if let Some(id) = hash.strip_prefix("doc=") {
        if id != keep.current_id() {
            keep.run(DocCommand::Open(id.to_owned()));
        }
        return;
    }
    if let Some(at) = crate::lessons::parse_fragment(&hash) {
        open_lesson.emit(at);
        return;
    }
    if scaleboard_link::is_compare(&hash) {
        open_compare_hash(&hash, dispatch, lang);
        return;
    }
    match scaleboard_link::decode(&hash) {
        Ok(doc) => keep.run(DocCommand::Incoming {
            title: doc.diagram.name.clone(),
            view: persist::view_of(&doc),
            playhead: doc.playhead_s,
            doc: doc.diagram,
        }),
        Err(e) => dispatch.emit(Action::Toast {
            text: fill(
                tr(lang, "This link could not be opened — {}. {}"),
                &[&e, &tr(lang, "Your current work is unchanged.")],
            ),
            kind: ToastKind::Error,
        }),
    }
}

/// Opens a comparison link in the compare view, or says which half is damaged (the user's
/// work stays as it was).
fn open_compare_hash(hash: &str, dispatch: &Callback<Action>, lang: crate::i18n::Lang) {
    match scaleboard_link::decode_compare(hash) {
        Ok(c) => dispatch.emit(Action::OpenCompare(Rc::new(c))),
        Err(e) => dispatch.emit(Action::Toast {
            text: crate::compare::link_error_text(lang, &e),
            kind: ToastKind::Error,
        }),
    }
}

/// True when the keyboard focus is in a text field (shortcuts must not steal its keys).
fn typing(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The node menu, opened from the keyboard below the focused card.
fn menu_at(target: &Option<Element>, node: String) -> Action {
    let (x, y) = target.as_ref().map_or((200.0, 200.0), |el| {
        let r = el.get_bounding_client_rect();
        (r.left() + 12.0, r.bottom())
    });
    Action::OpenMenu(crate::state::ContextMenu { node, x, y })
}

/// Keyboard shortcuts, installed once on the window.
fn shortcuts(
    dispatch: Callback<Action>,
    space: Rc<Cell<bool>>,
    presenting: Rc<Cell<bool>>,
) -> [gloo_events::EventListener; 2] {
    let window = web_sys::window().expect("a browser window");
    let space_down = space.clone();
    let active = gloo_events::EventListenerOptions::enable_prevent_default();
    let down = gloo_events::EventListener::new_with_options(&window, "keydown", active, move |e| {
        let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
            return;
        };
        if typing(e) {
            return;
        }
        let ctrl = e.ctrl_key() || e.meta_key();
        let key = e.key();
        let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
        // Keyboard editing on a focused node card.
        let node = target.as_ref().and_then(|el| el.get_attribute("data-node"));
        if let Some(id) = node {
            let step = if e.shift_key() { 60.0 } else { 20.0 };
            let action = match key.as_str() {
                "ArrowLeft" => Some(Action::Nudge {
                    id,
                    dx: -step,
                    dy: 0.0,
                }),
                "ArrowRight" => Some(Action::Nudge {
                    id,
                    dx: step,
                    dy: 0.0,
                }),
                "ArrowUp" => Some(Action::Nudge {
                    id,
                    dx: 0.0,
                    dy: -step,
                }),
                "ArrowDown" => Some(Action::Nudge {
                    id,
                    dx: 0.0,
                    dy: step,
                }),
                "Enter" => Some(Action::Select(crate::state::Selection::node(&id))),
                "c" | "C" if !ctrl => Some(Action::StartConnect(id)),
                "ContextMenu" => Some(menu_at(&target, id)),
                "F10" if e.shift_key() => Some(menu_at(&target, id)),
                _ => None,
            };
            if let Some(a) = action {
                e.prevent_default();
                dispatch.emit(a);
                return;
            }
        }
        // Space and Enter press the focused button; the canvas shortcuts are for elsewhere.
        let on_button = target.as_ref().is_some_and(|el| {
            matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
                || matches!(
                    el.get_attribute("role").as_deref(),
                    Some("menuitem" | "button")
                )
        });
        if on_button && matches!(key.as_str(), " " | "Enter") {
            return;
        }
        let action = match (ctrl, e.shift_key(), key.as_str()) {
            (true, false, "z" | "Z") => Some(Action::Undo),
            (true, true, "z" | "Z") | (true, _, "y" | "Y") => Some(Action::Redo),
            (true, _, "c" | "C") => Some(Action::Copy),
            (true, _, "v" | "V") => Some(Action::Paste(None)),
            (true, _, "d" | "D") => Some(Action::Duplicate),
            (true, _, "a" | "A") => Some(Action::SelectAll),
            (false, _, "Delete" | "Backspace") => Some(Action::DeleteSelection),
            (false, _, "Escape") => Some(Action::Escape),
            (false, _, "f" | "F") => Some(Action::Fit),
            // Presenter mode: the arrows keep their usual job everywhere else.
            (false, _, "ArrowRight" | "PageDown") if presenting.get() => {
                Some(Action::PresenterStep(true))
            }
            (false, _, "ArrowLeft" | "PageUp") if presenting.get() => {
                Some(Action::PresenterStep(false))
            }
            (false, _, "r" | "R") => Some(Action::Reset),
            (false, _, "v" | "V") => Some(Action::LessonReveal),
            (false, _, "p" | "P") => Some(Action::TogglePlay),
            (false, _, " ") => {
                space_down.set(true);
                e.prevent_default();
                None
            }
            _ => None,
        };
        if let Some(a) = action {
            e.prevent_default();
            dispatch.emit(a);
        }
    });
    let up = gloo_events::EventListener::new(&window, "keyup", move |e| {
        if e.dyn_ref::<KeyboardEvent>().is_some_and(|e| e.key() == " ") {
            space.set(false);
        }
    });
    [down, up]
}

/// Notable changes between two snapshots, for the event log: requests starting to fail.
fn sim_events(
    prev: &Stats,
    next: &Stats,
    lang: crate::i18n::Lang,
    names: &BTreeMap<String, String>,
) -> Vec<LogEntry> {
    let mut out = Vec::new();
    for ((cause, node), &n) in &next.failures {
        let before = prev
            .failures
            .get(&(cause.clone(), node.clone()))
            .copied()
            .unwrap_or(0);
        if before == 0 && n > 0 {
            let name = names.get(node).map_or(node.as_str(), String::as_str);
            let text = match cause.as_str() {
                "timeout" => fill(tr(lang, "Requests from {} are timing out"), &[&name]),
                "queue_full" => fill(
                    tr(lang, "{} is refusing requests: queue full (503)"),
                    &[&name],
                ),
                "lb_overloaded" => fill(
                    tr(lang, "{} is over capacity and refusing requests (503)"),
                    &[&name],
                ),
                "node_down" => fill(tr(lang, "Requests are failing at {}: it is down"), &[&name]),
                "no_quorum" => fill(
                    tr(
                        lang,
                        "{} refuses requests: its side of the partition has no quorum",
                    ),
                    &[&name],
                ),
                "no_route" => fill(
                    tr(lang, "{} found no routing rule for some requests (404)"),
                    &[&name],
                ),
                "overflow" => fill(
                    tr(
                        lang,
                        "{} sends more requests than the simulator holds at once: the excess fails as overflow",
                    ),
                    &[&name],
                ),
                _ => fill(tr(lang, "Requests failed at {}"), &[&name]),
            };
            out.push(LogEntry {
                at_s: next.time_s,
                kind: LogKind::Sim,
                text,
            });
        }
    }
    for (id, status) in &next.nodes {
        let now = status.last;
        let before = prev.nodes.get(id).and_then(|s| s.last);
        let name = names.get(id).map_or(id.as_str(), String::as_str);
        let started = |f: fn(&scaleboard_sim::metrics::NodeSample) -> f64| {
            now.is_some_and(|s| f(&s) > 0.0) && before.is_none_or(|s| f(&s) == 0.0)
        };
        if started(|s| s.stale_per_s) {
            out.push(LogEntry {
                at_s: next.time_s,
                kind: LogKind::Sim,
                text: fill(tr(lang, "{} is serving stale data"), &[&name]),
            });
        }
        if started(|s| s.conflicts_per_s) {
            out.push(LogEntry {
                at_s: next.time_s,
                kind: LogKind::Sim,
                text: fill(tr(lang, "{} has write conflicts: concurrent writes to the same key on different primaries"), &[&name]),
            });
        }
    }
    // The error rate crossing a threshold is news: up through 5 %, and back under 1 % after
    // having been that high in the last ten simulated seconds.
    const HIGH: f64 = 0.05;
    const LOW: f64 = 0.01;
    let rate = |s: &Stats| s.series.last().map(|x| x.error_rate);
    if let (Some(before), Some(now)) = (rate(prev), rate(next)) {
        let was_high = next
            .series
            .iter()
            .rev()
            .take(10)
            .any(|x| x.error_rate >= HIGH);
        let text = if before < HIGH && now >= HIGH {
            Some(fill(
                tr(lang, "Errors rose above 5 %: {} of requests fail"),
                &[&crate::format::pct(now)],
            ))
        } else if before >= LOW && now < LOW && was_high {
            Some(fill(
                tr(lang, "Errors fell back under 1 % ({})"),
                &[&crate::format::pct(now)],
            ))
        } else {
            None
        };
        if let Some(text) = text {
            out.push(LogEntry {
                at_s: next.time_s,
                kind: LogKind::Sim,
                text,
            });
        }
    }
    if next.behind && !prev.behind {
        out.push(LogEntry {
            at_s: next.time_s,
            kind: LogKind::Sim,
            text: tr(
                lang,
                "The browser cannot keep up: the simulated clock runs slower than requested",
            )
            .into(),
        });
    }
    out
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    // `?embed`: a read-only view for another page's iframe (see embed.rs). It opens the link
    // in the address bar itself and leaves the document store, the address bar and the saved
    // preferences alone.
    let embed = *use_memo((), |_| crate::embed::requested());
    let stats = use_state(|| Rc::new(Stats::default()));
    // The engine: in a Web Worker (or, if none can start, in the page), reached only through
    // the protocol.
    let link: Rc<EngineLink> = (*use_memo((), |_| {
        let link = Rc::new(EngineLink::start());
        #[cfg(target_arch = "wasm32")]
        crate::engine_link::expose_to_tests(&link);
        link
    }))
    .clone();
    let inputs: Rc<RefCell<LoopInputs>> = use_mut_ref(LoopInputs::default);
    let space: Rc<Cell<bool>> = (*use_memo((), |_| Rc::new(Cell::new(false)))).clone();
    let dots_ref = use_node_ref();
    let root_ref = use_node_ref();
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: Action| {
            if !embed || crate::embed::allowed(&a) {
                state.dispatch(a)
            }
        })
    };
    let lang = state.lang;
    // The engine died and a new one took over with the design: say so, and pause (Play runs
    // the design again from t = 0).
    {
        let (link, dispatch, inputs) = (link.clone(), dispatch.clone(), inputs.clone());
        use_effect_with((), move |_| {
            link.on_crash(move |message| {
                let (lang, running) = {
                    let i = inputs.borrow();
                    (i.lang, i.running)
                };
                let text = fill(tr(lang, "The simulation engine stopped ({}). It restarted with your design: press Play."), &[&message]);
                dispatch.emit(Action::Toast { text, kind: ToastKind::Error });
                if running {
                    dispatch.emit(Action::TogglePlay);
                }
            });
        });
    }
    let keep: Rc<Keep> = {
        let dispatch = dispatch.clone();
        (*use_memo((), move |_| Keep::new(dispatch, lang))).clone()
    };
    let on_doc = {
        let keep = keep.clone();
        Callback::from(move |c: DocCommand| keep.run(c))
    };
    // The document store: start-up, then every change saved; flushed when the page is hidden
    // or closed.
    {
        let keep = keep.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            if embed {
                open_embedded(&dispatch, lang);
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            }
            keep.start();
            let window = web_sys::window().expect("a browser window");
            let k = keep.clone();
            let hide = gloo_events::EventListener::new(&window, "pagehide", move |_| k.flush());
            let k = keep.clone();
            let doc = window.document().expect("a document");
            let visibility = gloo_events::EventListener::new(&doc, "visibilitychange", move |_| {
                let hidden = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
                if hidden {
                    k.flush();
                }
            });
            Box::new(move || drop((hide, visibility)))
        });
    }
    {
        let keep = keep.clone();
        use_effect_with(lang, move |l| keep.set_lang(*l));
    }
    // Lessons: a step's diagram becomes the canvas (a document of its own, so the learner's
    // attempt is kept), and its goals are judged live from the running simulation.
    let open_lesson = {
        let keep = keep.clone();
        let dispatch = dispatch.clone();
        let open_now = {
            let dispatch = dispatch.clone();
            Rc::new(move |id: String, step: usize| {
                let Some(l) = crate::lessons::find(&id) else {
                    dispatch.emit(Action::Toast {
                        text: crate::lessons::missing_text(lang, &id),
                        kind: ToastKind::Error,
                    });
                    return;
                };
                let step = step.min(l.steps.len().saturating_sub(1));
                keep.run(DocCommand::bundled(
                    crate::lessons::step_design(&l, step, false, lang),
                    lang,
                ));
                dispatch.emit(Action::LessonOpened {
                    id: l.id.clone(),
                    step,
                    steps: l.steps.len(),
                    asks: l.steps.get(step).is_some_and(|s| s.prediction.is_some()),
                });
            })
        };
        Callback::from(move |(id, step): (String, usize)| {
            // The lessons are fetched once the app runs (src/lessons.rs): a lesson asked for
            // before they are here opens when they arrive.
            if crate::lessons::status() == crate::lessons::Status::Ready {
                return open_now(id, step);
            }
            let open_now = open_now.clone();
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match crate::lessons::load(false).await {
                    Ok(()) => open_now(id, step),
                    Err(e) => dispatch.emit(Action::Toast {
                        text: crate::lessons::failed_text(lang, &e),
                        kind: ToastKind::Error,
                    }),
                }
            });
        })
    };
    {
        let open_lesson = open_lesson.clone();
        let id = state.lesson.as_ref().map(|l| l.id.clone());
        use_effect_with(state.lesson_go, move |go| {
            if let (Some((step, _)), Some(id)) = (go, id) {
                open_lesson.emit((id, *step));
            }
        });
    }
    let lesson = state
        .lesson
        .as_ref()
        .and_then(|l| crate::lessons::find(&l.id));
    // Progress is kept per lesson: a step shown again brings back its locked-in answer.
    {
        let dispatch = dispatch.clone();
        let at = state.lesson.as_ref().map(|l| (l.id.clone(), l.step));
        use_effect_with(at, move |at| {
            if let Some((id, step)) = at {
                if let Some((answer, revealed)) = crate::lesson_progress::load(id).answer(*step) {
                    dispatch.emit(Action::LessonRestore { answer, revealed });
                }
            }
        });
    }
    use_effect_with(state.lesson.clone(), |l| {
        if let Some(l) = l {
            let mut p = crate::lesson_progress::load(&l.id);
            p.record(l);
            crate::lesson_progress::save(&l.id, &p);
        }
    });
    let lesson_live = use_state(|| Rc::new(LessonLive::default()));
    {
        let link = link.clone();
        let lesson_live = lesson_live.clone();
        let dispatch = dispatch.clone();
        // The lesson (shared, not copied on every render) and the step shown.
        let at = state
            .lesson
            .as_ref()
            .and_then(|s| lesson.clone().map(|l| (l, s.step)));
        let waiting_reveal = state
            .lesson
            .as_ref()
            .is_some_and(|l| l.locked && !l.revealed);
        let second = stats.time_s.floor() as i64;
        let shown = at.as_ref().map(|(l, i)| (l.id.clone(), *i));
        use_effect_with(
            (
                second,
                stats.time_s == 0.0,
                shown,
                state.sim_epoch,
                state.doc_rev,
            ),
            move |_| {
                let Some(step) = at.as_ref().and_then(|(l, i)| l.steps.get(*i)) else {
                    return;
                };
                let step = step.clone();
                let at = at.clone();
                let lesson_live = lesson_live.clone();
                let dispatch = dispatch.clone();
                // The run's report, from the engine (it comes back at a later frame).
                link.ask(Question::ReportJson, move |answer| {
                    let Answer::Text(text) = answer else {
                        return;
                    };
                    // The report as goals read it (the same value `report_value` gives natively).
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                        return;
                    };
                    let time_s = value["time_s"].as_f64().unwrap_or(0.0);
                    let warm = time_s >= step.run().warmup_s;
                    let results = if warm {
                        step.goals
                            .iter()
                            .map(|g| scaleboard_sim::lesson::goals::evaluate(g, &value))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let outcome = step.prediction.as_ref().map(|p| p.outcome(&value));
                    let shown_now = at.as_ref().map(|(l, i)| (l.id.clone(), *i));
                    // Goals that have just been met are said aloud (same step, same run).
                    let before = (*lesson_live).clone();
                    if before.shown == shown_now {
                        let met = |r: Option<&scaleboard_sim::lesson::goals::GoalResult>| {
                            r.is_some_and(|r| {
                                r.status == scaleboard_sim::lesson::goals::GoalStatus::Met
                            })
                        };
                        for (i, g) in step.goals.iter().enumerate() {
                            if met(results.get(i)) && !met(before.results.get(i)) {
                                dispatch.emit(Action::Announce(fill(
                                    tr(lang, "Goal met: {}"),
                                    &[&g.label(lang.code())],
                                )));
                            }
                        }
                    }
                    lesson_live.set(Rc::new(LessonLive {
                        shown: shown_now,
                        time_s,
                        results,
                        outcome,
                    }));
                    // The run is over: time to see what really happened.
                    if waiting_reveal && time_s >= step.run().duration_s {
                        dispatch.emit(Action::LessonReveal);
                    }
                });
            },
        );
    }
    let on_solution = {
        let keep = keep.clone();
        let l = lesson.clone();
        let step = state.lesson.as_ref().map_or(0, |s| s.step);
        Callback::from(move |()| {
            if let Some(l) = &l {
                keep.run(DocCommand::bundled(
                    crate::lessons::step_design(l, step, true, lang),
                    lang,
                ));
            }
        })
    };
    // A step with `compare`: the learner's design beside the step's reference solution.
    let on_lesson_compare = {
        let dispatch = dispatch.clone();
        let l = lesson.clone();
        let step = state.lesson.as_ref().map_or(0, |s| s.step);
        let current = state.doc.clone();
        Callback::from(move |()| {
            let Some(l) = &l else { return };
            let Some(offer) = l.steps.get(step).and_then(|s| s.compare.as_ref()) else {
                return;
            };
            let mut solution = crate::lessons::step_design(l, step, true, lang);
            crate::examples::localize(&mut solution, lang);
            let labels = scaleboard_sim::compare::Labels {
                a: offer.a.get(lang.code()).to_owned(),
                b: offer.b.get(lang.code()).to_owned(),
            };
            dispatch.emit(Action::OpenCompare(Rc::new(
                scaleboard_sim::compare::Comparison::new((*current).clone(), solution, labels),
            )));
        })
    };
    // Offline: once the service worker has cached the app, say so.
    let offline_ready = use_state(|| false);
    {
        let offline_ready = offline_ready.clone();
        use_effect_with((), move |_| {
            crate::offline::register(move || offline_ready.set(true));
        });
    }
    {
        let keep = keep.clone();
        let snap = Snapshot {
            diagram: state.doc.clone(),
            view: state.view,
            history: state.history.clone(),
            edited: state.edited,
        };
        // A pan or zoom step alone only moves the view the next save writes: checking whether
        // the design changed hashes all of it, longer than a frame on a 1,000-node design.
        let moved = keep.clone();
        let moved_snap = snap.clone();
        use_effect_with((state.doc_rev, state.keeping.ready), move |_| {
            if !embed {
                keep.changed(snap)
            }
        });
        use_effect_with(state.view, move |_| {
            if !embed {
                moved.view_moved(moved_snap)
            }
        });
    }

    // The frame loop: started once, stopped when the app goes away.
    {
        let link = link.clone();
        let inputs = inputs.clone();
        let dots_ref = dots_ref.clone();
        let stats = stats.clone();
        use_effect_with((), move |_| {
            let on_stats = Callback::from(move |s: Rc<Stats>| stats.set(s));
            let frame_loop = runtime::start(link, inputs, dots_ref, on_stats);
            move || drop(frame_loop)
        });
    }
    // Keyboard shortcuts.
    let presenting: Rc<Cell<bool>> = (*use_memo((), |_| Rc::new(Cell::new(false)))).clone();
    presenting.set(state.lesson.as_ref().is_some_and(|l| l.presenter));
    {
        let dispatch = dispatch.clone();
        let space = space.clone();
        let presenting = presenting.clone();
        use_effect_with((), move |_| {
            let listeners = shortcuts(dispatch, space, presenting);
            move || drop(listeners)
        });
    }
    // Pages embedding Scaleboard, and the benchmark script, can open a diagram by dispatching
    // `new CustomEvent("scaleboard-load", {detail: jsonText})` on the window.
    {
        let dispatch = dispatch.clone();
        let keep = keep.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let listener = gloo_events::EventListener::new(&window, "scaleboard-load", move |e| {
                let Some(text) = e
                    .dyn_ref::<web_sys::CustomEvent>()
                    .and_then(|c| c.detail().as_string())
                else {
                    return;
                };
                match scaleboard_sim::Diagram::from_json(&text) {
                    Ok(doc) => keep.run(DocCommand::Incoming {
                        title: doc.name.clone(),
                        doc,
                        view: None,
                        playhead: None,
                    }),
                    Err(problems) => dispatch.emit(Action::Toast {
                        text: problems
                            .iter()
                            .map(|p| {
                                let lang =
                                    storage::load_lang().unwrap_or_else(storage::browser_lang);
                                crate::i18n::problems::line(lang, p)
                            })
                            .collect::<Vec<_>>()
                            .join("; "),
                        kind: ToastKind::Error,
                    }),
                }
            });
            move || drop(listener)
        });
    }
    // The address bar follows the document, a moment after each change so that a drag does
    // not write hundreds of times: a share link, or for a huge design the document's id.
    // The link is encoded when the timer fires, not on every change: a wheel step or a pan
    // changes the view, and encoding a 1,000-node design took longer than a frame.
    let written = use_mut_ref(String::new);
    {
        let written = written.clone();
        let keep = keep.clone();
        let ready = state.keeping.ready;
        let doc_id = state.keeping.doc_id.clone();
        // While the compare view is open the address bar holds the comparison's link.
        let comparing = state.compare.is_some();
        // While a lesson is open it holds the lesson's step: a reload brings back the lesson
        // at that step with the learner's attempt (this tab's document), not a bare design.
        let lesson_at = state.lesson.as_ref().map(|l| (l.id.clone(), l.step));
        use_effect_with(
            (
                SameRc(state.doc.clone()),
                state.view,
                ready,
                doc_id,
                comparing,
                lesson_at,
            ),
            move |(doc, view, ready, doc_id, comparing, lesson_at)| {
                let (doc, view, doc_id) = (doc.0.clone(), *view, doc_id.clone());
                let lesson_at = lesson_at.clone();
                let ready = *ready && !*comparing && !embed;
                let timer = gloo_timers::callback::Timeout::new(300, move || {
                    if !ready {
                        return;
                    }
                    let address = match &lesson_at {
                        Some((id, step)) => crate::lessons::fragment(id, *step),
                        None => persist::address_for(
                            &scaleboard_link::encode(&persist::document(&doc, view, None)),
                            &doc_id,
                        ),
                    };
                    if *written.borrow() != address {
                        persist::write_hash(&address);
                        keep.wrote_hash(&address);
                        *written.borrow_mut() = address;
                    }
                });
                move || drop(timer)
            },
        );
    }
    {
        let dispatch = dispatch.clone();
        let written = written.clone();
        let keep = keep.clone();
        let open_lesson = open_lesson.clone();
        use_effect_with(lang, move |lang| {
            let lang = *lang;
            let window = web_sys::window().expect("a browser window");
            let listener = gloo_events::EventListener::new(&window, "hashchange", move |_| {
                if embed {
                    // The embedding page pointed the frame at another link: show that one,
                    // still never through the document store.
                    open_embedded(&dispatch, lang);
                } else if persist::current_hash() != *written.borrow() {
                    open_hash(&keep, &open_lesson, &dispatch, lang);
                }
            });
            move || drop(listener)
        });
    }
    // The compare view: its link in the address bar (a reload opens it again).
    {
        let written = written.clone();
        let keep = keep.clone();
        use_effect_with(state.compare.clone(), move |c| {
            if let Some(c) = c {
                let address = scaleboard_link::encode_compare(c);
                persist::write_hash(&address);
                keep.wrote_hash(&address);
                *written.borrow_mut() = address;
            }
        });
    }
    // A comparison link in the address bar at start-up: the store opened the user's own work
    // underneath (a comparison is not a design of its own), the compare view opens over it.
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.keeping.ready, move |ready| {
            let hash = persist::current_hash();
            if *ready && scaleboard_link::is_compare(&hash) {
                open_compare_hash(&hash, &dispatch, lang);
            }
        });
    }
    // Play state and speed, for the loop.
    {
        let inputs = inputs.clone();
        use_effect_with(
            (state.running, state.speed(), state.theme, state.lang),
            move |(running, speed, theme, lang)| {
                let mut i = inputs.borrow_mut();
                i.running = *running;
                i.speed = *speed;
                i.theme = *theme;
                i.lang = *lang;
            },
        );
    }
    // The simulation follows the document; a new epoch restarts it from t = 0.
    {
        let link = link.clone();
        let epoch_seen = use_mut_ref(|| u64::MAX);
        let seek = state.seek_to;
        use_effect_with((state.sim_epoch, state.doc.clone()), move |(epoch, doc)| {
            // The engine reads the document as JSON (floats round-trip exactly).
            let diagram = serde_json::to_string(&**doc).unwrap_or_default();
            if *epoch_seen.borrow() != *epoch {
                *epoch_seen.borrow_mut() = *epoch;
                // A link's playhead: the same seed replays to the same moment.
                link.send(ToEngine::Reset {
                    diagram,
                    seek_s: seek,
                });
            } else {
                link.send(ToEngine::Sync { diagram });
            }
        });
    }
    // Failure injection.
    {
        let link = link.clone();
        use_effect_with(
            (state.injections.clone(), state.sim_epoch),
            move |(list, _)| link.send(ToEngine::Injections(list.to_vec())),
        );
    }
    // The Step button.
    {
        let link = link.clone();
        use_effect_with(state.step_rev, move |rev| {
            if *rev > 0 {
                link.send(ToEngine::Step { secs: 1.0 });
            }
        });
    }
    // Theme and language: applied to the page and remembered. The theme is stored only once the
    // user has picked one: until then the page follows the system's `prefers-color-scheme`.
    {
        let first = use_mut_ref(|| true);
        use_effect_with(state.theme, move |t| {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = el.set_attribute("data-theme", t.name());
            }
            if !std::mem::replace(&mut *first.borrow_mut(), false) && !embed {
                storage::save_theme(*t);
            }
        });
    }
    use_effect_with(lang, move |l| {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = el.set_attribute("lang", l.code());
        }
        if !embed {
            storage::save_lang(*l);
        }
    });
    // Log what the simulation does that a learner should notice.
    {
        let prev = use_mut_ref(|| Rc::new(Stats::default()));
        let dispatch = dispatch.clone();
        let doc = state.doc.clone();
        use_effect_with((*stats).clone(), move |next| {
            let names: BTreeMap<String, String> = doc
                .nodes
                .iter()
                .map(|n| (n.id.clone(), n.display_name().to_owned()))
                .collect();
            // What the system did on its own (health checks, failovers, the autoscaler, the
            // chaos timeline), stamped when it happened: before the lines stamped now, so the
            // log stays in time order.
            for e in &next.events {
                dispatch.emit(Action::Log(event_text::log_entry(lang, &doc, e)));
            }
            // A restart resets the clock: compare only within one run.
            if next.time_s >= prev.borrow().time_s {
                for e in sim_events(&prev.borrow(), next, lang, &names) {
                    dispatch.emit(Action::Log(e));
                }
            }
            *prev.borrow_mut() = next.clone();
        });
    }

    let on_place = {
        let dispatch = dispatch.clone();
        let root = root_ref.clone();
        let view = state.view;
        Callback::from(move |(kind, at): (ComponentKind, Option<(f64, f64)>)| {
            let Some(rect) = root
                .cast::<Element>()
                .map(|el| el.get_bounding_client_rect())
            else {
                return;
            };
            let screen = match at {
                Some((x, y)) => {
                    let inside = x >= rect.left()
                        && x <= rect.right()
                        && y >= rect.top()
                        && y <= rect.bottom();
                    if !inside {
                        return; // dropped outside the canvas: nothing placed
                    }
                    Point::new(x - rect.left(), y - rect.top())
                }
                None => Point::new(rect.width() / 2.0, rect.height() / 2.0),
            };
            let w = view.to_world(screen);
            dispatch.emit(if at.is_some() {
                Action::AddNode {
                    kind,
                    x: w.x,
                    y: w.y,
                }
            } else {
                Action::AddNodeNear {
                    kind,
                    x: w.x,
                    y: w.y,
                }
            });
        })
    };
    let on_example = {
        let keep = keep.clone();
        let dispatch = dispatch.clone();
        let current = state.doc.clone();
        Callback::from(move |slug: &'static str| {
            // The menu's comparisons open the compare view over the current design.
            let compare = match slug {
                crate::compare::SMALL_VS_BIG => crate::compare::small_vs_big(lang),
                crate::compare::WITH_CURRENT => Some(crate::compare::with_copy(&current, lang)),
                _ => None,
            };
            if let Some(c) = compare {
                dispatch.emit(Action::OpenCompare(Rc::new(c)));
                return;
            }
            if let Some(doc) = examples::find(slug).and_then(|ex| ex.diagram_in(lang)) {
                keep.run(DocCommand::Incoming {
                    title: doc.name.clone(),
                    doc,
                    view: None,
                    playhead: None,
                });
            }
        })
    };
    // One variant of the comparison, opened in the editor as a design of its own.
    let on_compare_edit = {
        let keep = keep.clone();
        let dispatch = dispatch.clone();
        let c = state.compare.clone();
        Callback::from(move |side: scaleboard_sim::compare::Side| {
            if let Some(c) = &c {
                let doc = c.side(side).clone();
                dispatch.emit(Action::CloseCompare);
                keep.run(DocCommand::Incoming {
                    title: doc.name.clone(),
                    doc,
                    view: None,
                    playhead: None,
                });
            }
        })
    };
    let on_compare_download = {
        let dispatch = dispatch.clone();
        let c = state.compare.clone();
        Callback::from(move |()| {
            let Some(c) = &c else { return };
            if let Err(e) = files::download_text(
                &crate::compare::file_name(c),
                "application/json",
                &c.to_json_pretty(),
            ) {
                dispatch.emit(Action::Toast {
                    text: fill(tr(lang, "Export failed: {}"), &[&e.text(lang)]),
                    kind: ToastKind::Error,
                });
            }
        })
    };
    let on_share = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::OpenDialog(Dialog::Share)))
    };
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::OpenDialog(Dialog::File)))
    };
    // The printed report's HTML while its view is open.
    let report = use_state(|| None::<AttrValue>);
    let on_export = {
        let dispatch = dispatch.clone();
        let report = report.clone();
        let doc = state.doc.clone();
        let link = link.clone();
        let theme = state.theme;
        Callback::from(move |kind: Export| {
            let stem = file_stem(&doc.name);
            let fail = {
                let dispatch = dispatch.clone();
                move |e: &str| {
                    dispatch.emit(Action::Toast {
                        text: fill(tr(lang, "Export failed: {}"), &[&e]),
                        kind: ToastKind::Error,
                    })
                }
            };
            let result = match kind {
                Export::Json => files::download_text(
                    &format!("{stem}.json"),
                    "application/json",
                    &doc.to_json_pretty(),
                )
                .map_err(|e| e.text(lang)),
                Export::Svg => files::download_text(
                    &format!("{stem}.svg"),
                    "image/svg+xml",
                    &export::diagram_svg(&doc, theme, lang),
                )
                .map_err(|e| e.text(lang)),
                Export::Png => {
                    files::download_png(
                        &export::diagram_svg(&doc, theme, lang),
                        &format!("{stem}.png"),
                        2.0,
                        {
                            let fail = fail.clone();
                            move |e: files::Failed| fail(e.text(lang))
                        },
                    );
                    Ok(())
                }
                // The run's exports are made by the engine: the download starts when its
                // answer arrives.
                Export::Csv => {
                    let fail = fail.clone();
                    link.ask(Question::Csv, move |answer| {
                        let result = match answer {
                            Answer::Text(csv) => files::download_text(
                                &format!("{stem}-metrics.csv"),
                                "text/csv",
                                &csv,
                            )
                            .map_err(|e| e.text(lang)),
                            Answer::NoRun => Err(tr(lang, "nothing has run yet: press Play first")),
                        };
                        if let Err(e) = result {
                            fail(e);
                        }
                    });
                    Ok(())
                }
                Export::Report => {
                    let fail = fail.clone();
                    let dispatch = dispatch.clone();
                    let report = report.clone();
                    link.ask(Question::ReportHtml { lang }, move |answer| match answer {
                        Answer::Text(html) => {
                            dispatch.emit(Action::CloseDialog);
                            report.set(Some(html.into()));
                        }
                        Answer::NoRun => fail(tr(lang, "nothing has run yet: press Play first")),
                    });
                    Ok(())
                }
            };
            if let Err(e) = result {
                fail(e);
            }
        })
    };
    let on_traffic_live = {
        let dispatch = dispatch.clone();
        let w = state.doc.workload.clone();
        Callback::from(move |x: f64| {
            dispatch.emit(Action::PreviewWorkload(Workload {
                traffic_scale: x,
                ..w.clone()
            }))
        })
    };
    let on_traffic_commit = {
        let dispatch = dispatch.clone();
        Callback::from(move |(before, after): (Workload, Workload)| {
            dispatch.emit(Action::PreviewWorkload(after));
            dispatch.emit(Action::CommitWorkload { before });
        })
    };

    // Inspector wiring.
    let sel = &state.selection;
    let selected = match (sel.nodes.len(), sel.edges.len()) {
        (0, 0) => Selected::Nothing,
        (1, 0) => Selected::Node(sel.nodes.iter().next().cloned().unwrap_or_default()),
        (0, 1) => Selected::Edge(sel.edges.iter().next().cloned().unwrap_or_default()),
        _ => Selected::Many(sel.len()),
    };
    let live = match &selected {
        Selected::Node(id) => {
            let primaries = match state.doc.node(id).map(|n| &n.spec) {
                Some(scaleboard_sim::diagram::NodeSpec::Database(p)) => p.primaries,
                _ => 1,
            };
            html! { <NodeLive id={id.clone()} stats={(*stats).clone()} lang={lang} {primaries} /> }
        }
        _ => html! {},
    };
    let time_s = stats.time_s;
    let d = dispatch.clone();
    let on_node = Callback::from(move |n| d.emit(Action::UpdateNode(n)));
    let d = dispatch.clone();
    let on_edge = Callback::from(move |(name, edge)| d.emit(Action::UpdateEdge { name, edge }));
    let d = dispatch.clone();
    let on_workload = Callback::from(move |w| d.emit(Action::SetWorkload(w)));
    let d = dispatch.clone();
    let on_seed = Callback::from(move |s| d.emit(Action::SetSeed(s)));
    let d = dispatch.clone();
    let on_name = Callback::from(move |n| d.emit(Action::SetName(n)));
    let d = dispatch.clone();
    let on_set_down = Callback::from(move |(id, down)| {
        d.emit(Action::SetDown {
            id,
            down,
            at_s: time_s,
        })
    });
    let d = dispatch.clone();
    let on_inject = Callback::from(move |action| {
        d.emit(Action::Inject {
            action,
            at_s: time_s,
        })
    });
    let d = dispatch.clone();
    let on_delete = Callback::from(move |_| d.emit(Action::DeleteSelection));
    // Checked once per change of the document, not on every render (a run re-renders the app
    // every frame; a 1,000-node diagram takes milliseconds to check), and on a big design once
    // its edits pause (`editor::settle`).
    let analysed = crate::settled::use_settled(&state.doc, &state.keeping.doc_id);
    let problems = use_memo(SameRc(analysed.clone()), |doc| doc.0.problems());
    // Whether a node is down is the engine's answer (a kill from the canvas, the chaos timeline
    // or a zone outage all count).
    let down = use_memo(stats.clone(), |stats| {
        Rc::new(
            stats
                .nodes
                .iter()
                .filter(|(_, s)| !s.up)
                .map(|(id, _)| id.clone())
                .collect::<BTreeSet<String>>(),
        )
    });
    let spof = use_memo(SameRc(analysed), |doc| {
        Rc::new(analysis::spof::analyze(&doc.0))
    });
    // An edit that creates a single point of failure is said (and logged): the learner may
    // not be looking at the badge. Opening another design is not an edit.
    {
        let dispatch = dispatch.clone();
        let prev = use_mut_ref(|| None::<(String, BTreeSet<String>)>);
        let doc_id = state.keeping.doc_id.clone();
        let doc = state.doc.clone();
        use_effect_with(spof.clone(), move |spof| {
            let now: BTreeSet<String> = spof
                .spofs
                .iter()
                .filter_map(|f| match &f.element {
                    analysis::spof::Element::Node(id) => Some(id.clone()),
                    analysis::spof::Element::Zone(_) => None,
                })
                .collect();
            let mut p = prev.borrow_mut();
            if let Some((id, before)) = p.as_ref() {
                if *id == doc_id {
                    for n in now.difference(before) {
                        let name = doc
                            .node(n)
                            .map_or(n.clone(), |n| n.display_name().to_owned());
                        dispatch.emit(Action::Log(LogEntry {
                            at_s: time_s,
                            kind: LogKind::Edit,
                            text: fill(
                                tr(lang, "{} is now a single point of failure: if it fails, clients are cut off"),
                                &[&name],
                            ),
                        }));
                    }
                }
            }
            *p = Some((doc_id, now));
        });
    }

    // Small screens: the palette, inspector and bottom panel are sheets over a full-screen
    // canvas, opened one at a time from a bottom bar (CSS hides the bar on wide screens).
    let sheet = use_state(|| None::<Sheet>);
    let toggle_sheet = |which: Sheet| {
        let sheet = sheet.clone();
        let dispatch = dispatch.clone();
        let panel_open = state.panel_open;
        Callback::from(move |_: MouseEvent| {
            if *sheet == Some(which) {
                sheet.set(None);
            } else {
                if which == Sheet::Panel && !panel_open {
                    dispatch.emit(Action::TogglePanel);
                }
                sheet.set(Some(which));
            }
        })
    };
    let close_sheet = {
        let sheet = sheet.clone();
        Callback::from(move |_: MouseEvent| sheet.set(None))
    };
    // Placing a component from the palette sheet shows the canvas again.
    let on_place = {
        let sheet = sheet.clone();
        Callback::from(move |arg: (ComponentKind, Option<(f64, f64)>)| {
            if *sheet == Some(Sheet::Palette) {
                sheet.set(None);
            }
            on_place.emit(arg);
        })
    };
    let sheet_button = |which: Sheet, label: &'static str, testid: &'static str| {
        let open = *sheet == Some(which);
        html! {
            <button class={classes!("sheet-btn", open.then_some("is-active"))} data-testid={testid}
                    aria-pressed={open.to_string()} onclick={toggle_sheet(which)}>
                { tr(lang, label) }
            </button>
        }
    };

    if embed {
        return html! {
            <div class="app app-embed" data-testid="embed" data-lang={lang.code()}
                 data-loaded={(!state.doc.nodes.is_empty()).to_string()}>
                <div class="stage">
                    <Canvas doc={state.doc.clone()} selection={state.selection.clone()} view={state.view}
                            stats={(*stats).clone()} down={(*down).clone()} spof={(*spof).clone()} lang={lang}
                            dispatch={dispatch.clone()} dots_ref={dots_ref} root_ref={root_ref}
                            inputs={runtime::SharedInputs(inputs.clone())} space_held={space} fit_rev={state.fit_rev}
                            on_example={Callback::noop()} />
                    <Kpis stats={(*stats).clone()} lang={lang} hidden={state.doc.nodes.is_empty()} />
                    <ToastView toast={state.toast.clone()} dispatch={dispatch.clone()} />
                </div>
                <crate::embed::EmbedBar doc={state.doc.clone()} running={state.running}
                                        speed_index={state.speed_index} stats={(*stats).clone()}
                                        lang={lang} dispatch={dispatch.clone()} />
            </div>
        };
    }
    html! {
        <div class="app" data-testid="app" data-lang={lang.code()} data-ready={state.keeping.ready.to_string()}
             data-sheet={(*sheet).map_or("", Sheet::name)}
             data-presenter={state.lesson.as_ref().is_some_and(|l| l.presenter).to_string()}>
            <header class="app-header">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span class="brand-name">{ "Scaleboard" }</span>
                    <SaveStatus keeping={state.keeping.clone()} lang={lang} />
                    if *offline_ready {
                        <span class="offline-ready" data-testid="offline-ready"
                              title={tr(lang, "Scaleboard, its examples and lessons are cached in this browser: it keeps working without a network.")}>
                            { tr(lang, "Available offline") }
                        </span>
                    }
                </div>
                <Toolbar running={state.running} speed_index={state.speed_index}
                         workload={state.doc.workload.clone()} stats={(*stats).clone()}
                         lang={lang} theme={state.theme}
                         can_undo={state.history.can_undo()} can_redo={state.history.can_redo()}
                         dispatch={dispatch.clone()} on_example={on_example.clone()} {on_share} {on_file}
                         {on_traffic_live} {on_traffic_commit} />
            </header>
            <SaveFailed keeping={state.keeping.clone()} lang={lang} on_doc={on_doc.clone()} />
            <main class={classes!("workspace", state.lesson.is_some().then_some("with-lesson"))}>
                <Palette lang={lang} {on_place} />
                if let (Some(l), Some(ls)) = (lesson.clone(), state.lesson.clone()) {
                    <div class={classes!("lesson-dock", ls.presenter.then_some("presenter-overlay"))}
                         data-testid={if ls.presenter { "presenter-overlay" } else { "lesson-dock" }}>
                        <LessonPanel lesson={l} state={ls} live={(*lesson_live).clone()} lang={lang}
                                 running={state.running} dispatch={dispatch.clone()}
                                 on_go={let d = dispatch.clone(); Callback::from(move |i| d.emit(Action::LessonGo(i)))}
                                 on_solution={on_solution.clone()} on_compare={on_lesson_compare.clone()} />
                    </div>
                }
                <div class="stage">
                    <Canvas doc={state.doc.clone()} selection={state.selection.clone()} view={state.view}
                            stats={(*stats).clone()} down={(*down).clone()} spof={(*spof).clone()} lang={lang}
                            dispatch={dispatch.clone()} dots_ref={dots_ref} root_ref={root_ref}
                            inputs={runtime::SharedInputs(inputs.clone())} space_held={space} fit_rev={state.fit_rev}
                            {on_example}>
                        if state.doc.nodes.is_empty() && state.keeping.docs.iter().any(|m| m.deleted_ms.is_none() && m.id != state.keeping.doc_id) {
                            <div class="hint-recent">
                                <span class="muted">{ tr(lang, "Or continue a recent design:") }</span>
                                <RecentDocs keeping={state.keeping.clone()} lang={lang} on_doc={on_doc.clone()} full={false} limit={5} />
                            </div>
                        }
                    </Canvas>
                    // Always mounted (hidden while the canvas is empty), so that Fit can measure
                    // the strip the moment a design opens instead of refitting once it appears.
                    <Kpis stats={(*stats).clone()} lang={lang} hidden={state.doc.nodes.is_empty()} />
                    <ToastView toast={state.toast.clone()} dispatch={dispatch.clone()} />
                </div>
                <Inspector doc={state.doc.clone()} {selected} lang={lang} down={(*down).clone()}
                           cut={Rc::new(stats.cut_edges.clone())} {on_inject}
                           {on_node} {on_edge} {on_workload} {on_seed} {on_name} {on_set_down} {on_delete} {live}
                           on_region_rtt={let d = dispatch.clone(); Callback::from(move |(a, b, rtt_ms)| d.emit(Action::SetRegionRtt { a, b, rtt_ms }))}
                           on_region={dispatch.clone()} />
            </main>
            <BottomPanel open={state.panel_open} tab={state.tab} stats={(*stats).clone()}
                         log={state.log.clone()} {problems} lang={lang} dispatch={dispatch.clone()}
                         doc={state.doc.clone()} spof={(*spof).clone()}
                         selected={(state.selection.nodes.len() == 1).then(|| state.selection.nodes.iter().next().cloned()).flatten()} />
            if sheet.is_some() {
                <div class="sheet-backdrop" onclick={close_sheet}></div>
            }
            <nav class="sheet-bar" data-testid="sheet-bar" aria-label={tr(lang, "Panels")}>
                { sheet_button(Sheet::Palette, "Components", "sheet-palette") }
                { sheet_button(Sheet::Inspector, "Inspector", "sheet-inspector") }
                { sheet_button(Sheet::Panel, "Charts", "sheet-panel") }
            </nav>
            if state.dialog == Some(Dialog::Share) {
                <ShareDialog doc={state.doc.clone()} view={state.view} time_s={time_s} lang={lang}
                             on_close={let d = dispatch.clone(); Callback::from(move |_| d.emit(Action::CloseDialog))}
                             on_copied={let d = dispatch.clone(); Callback::from(move |_| d.emit(Action::Toast {
                                 text: tr(lang, "Link copied. Paste it anywhere: it opens this exact design.").into(),
                                 kind: ToastKind::Info }))}
                             on_export_json={let e = on_export.clone(); Callback::from(move |_| e.emit(Export::Json))} />
            }
            if state.dialog == Some(Dialog::File) {
                <FileDialog doc={state.doc.clone()} keeping={state.keeping.clone()} lang={lang}
                            dispatch={dispatch.clone()} on_doc={on_doc.clone()} on_export={on_export.clone()} />
            }
            if state.dialog == Some(Dialog::Record) {
                <crate::record::dialog::RecordDialog doc={state.doc.clone()} time_s={time_s} lang={lang}
                    on_close={let d = dispatch.clone(); Callback::from(move |()| d.emit(Action::CloseDialog))} />
            }
            if let Some(html) = (*report).clone() {
                <ReportView {html} lang={lang}
                            on_close={let r = report.clone(); Callback::from(move |()| r.set(None))} />
            }
            if let Some(c) = state.compare.clone() {
                <CompareView comparison={c.clone()} lang={lang} dispatch={dispatch.clone()}
                             link={scaleboard_link::compare_url(&persist::page_base(), &c)}
                             on_edit={on_compare_edit.clone()} on_download={on_compare_download.clone()} />
            }
            <div class="sr-only" role="status" aria-live="polite" data-testid="announcer">
                { state.announcement.1.clone() }
            </div>
            if let Some(from) = state.connect_from.clone() {
                <crate::components::connect_picker::ConnectPicker doc={state.doc.clone()} {from} lang={lang}
                                                                   dispatch={dispatch.clone()} />
            }
            if state.dialog == Some(Dialog::Lessons) {
                <LessonsDialog lang={lang} dispatch={dispatch.clone()}
                               on_open={let o = open_lesson.clone(); Callback::from(move |id| o.emit((id, 0)))} />
            }
            if let (Some(Dialog::Qr), Some(l)) = (state.dialog, state.lesson.as_ref()) {
                <QrDialog link={format!("{}#{}", persist::page_base(), crate::lessons::fragment(&l.id, l.step))}
                          lang={lang} dispatch={dispatch.clone()} />
            }
            if let Some(menu) = state.menu.clone() {
                <ContextMenuView status={stats.nodes.get(&menu.node).cloned()}
                                 node={state.doc.node(&menu.node).cloned()} {menu} time_s={time_s}
                                 lang={lang} dispatch={dispatch.clone()} />
            }
        </div>
    }
}

/// Which panel is open as a sheet on a small screen.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sheet {
    Palette,
    Inspector,
    Panel,
}

impl Sheet {
    fn name(self) -> &'static str {
        match self {
            Sheet::Palette => "palette",
            Sheet::Inspector => "inspector",
            Sheet::Panel => "panel",
        }
    }
}

/// A file name from a design name: "Three servers behind…" → "three-servers-behind".
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "scaleboard".into()
    } else {
        stem.chars().take(60).collect()
    }
}
