//! The animation-frame loop: one closure, outside the virtual DOM, that asks the engine to run
//! on in real time (one `Advance` at a time, through the protocol), takes in its frames, draws
//! the dot layer, and publishes a snapshot to the UI a few times a second.

use crate::editor::View;
use crate::engine_link::EngineLink;
use crate::protocol::{Frame, ToEngine};
use crate::render::dots;
use crate::render::particles::Particles;
use crate::state::Theme;
use crate::stats::{LiveView, Stats};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::{Callback, NodeRef};

/// How often the UI gets a new snapshot while the run goes on.
const STATS_EVERY_MS: f64 = 250.0;

/// What the UI tells the loop. Written by Yew effects, read every frame.
#[derive(Default)]
pub struct LoopInputs {
    pub running: bool,
    pub speed: f64,
    pub view: View,
    pub theme: Theme,
    /// Language of the refusal markers drawn on the canvas.
    pub lang: crate::i18n::Lang,
    /// World position (top-left) of every node card, including during a drag.
    pub positions: HashMap<String, (f64, f64)>,
    pub positions_rev: u64,
}

/// A handle to the loop inputs that components can hold as a prop (compared by identity).
#[derive(Clone)]
pub struct SharedInputs(pub Rc<RefCell<LoopInputs>>);

impl PartialEq for SharedInputs {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The frame callback, shared with itself so that it can request the next frame.
type FrameClosure = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Keeps the loop running; dropping it stops the loop.
pub struct FrameLoop {
    alive: Rc<Cell<bool>>,
    closure: FrameClosure,
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.alive.set(false);
        // Break the closure's reference to itself.
        self.closure.borrow_mut().take();
    }
}

fn request_frame(closure: &Closure<dyn FnMut(f64)>) {
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(closure.as_ref().unchecked_ref());
    }
}

fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

struct LoopState {
    last: f64,
    /// When the figures were last asked for.
    last_status: f64,
    /// Wall-clock time not yet handed to the engine (it is busy with the previous advance).
    wall_due: f64,
    /// The page's copy of the run, and the dots.
    live: LiveView,
    particles: Particles,
    /// Sampling asked of the engine: one hop in `trace_every` is traced.
    trace_every: u32,
    /// Simulated time of the last frame, ns.
    time_ns: u64,
    /// Snapshots sent so far.
    snapshots: u64,
    frames: u32,
    fps_since: f64,
    fps: f64,
    slot_positions: Vec<Option<(f64, f64)>>,
    positions_rev: u64,
    slots_rev: u64,
    /// Smoothed milliseconds: [simulation, dots, snapshot, UI render].
    frame_ms: [f64; 4],
    /// Canvas CSS size and device pixel ratio, refreshed now and then.
    size: (f64, f64, f64),
    /// The system asks for reduced motion (read once at start).
    reduced_motion: bool,
}

pub fn start(
    link: Rc<EngineLink>,
    inputs: Rc<RefCell<LoopInputs>>,
    canvas: NodeRef,
    on_stats: Callback<Rc<Stats>>,
) -> FrameLoop {
    let alive = Rc::new(Cell::new(true));
    let closure: FrameClosure = Rc::new(RefCell::new(None));
    let mut st = LoopState {
        last: performance_now(),
        last_status: 0.0,
        wall_due: 0.0,
        live: LiveView::default(),
        particles: Particles::default(),
        trace_every: 1,
        time_ns: 0,
        snapshots: 0,
        frames: 0,
        fps_since: performance_now(),
        fps: 0.0,
        slot_positions: Vec::new(),
        positions_rev: u64::MAX,
        slots_rev: u64::MAX,
        frame_ms: [0.0; 4],
        size: (0.0, 0.0, 1.0),
        reduced_motion: crate::storage::reduced_motion(),
    };
    let again = closure.clone();
    let alive_in = alive.clone();
    *closure.borrow_mut() = Some(Closure::new(move |_ts: f64| {
        if !alive_in.get() {
            return;
        }
        frame(&link, &inputs, &canvas, &on_stats, &mut st);
        if let Some(c) = again.borrow().as_ref() {
            request_frame(c);
        }
    }));
    if let Some(c) = closure.borrow().as_ref() {
        request_frame(c);
    }
    FrameLoop { alive, closure }
}

fn frame(
    link: &EngineLink,
    inputs: &Rc<RefCell<LoopInputs>>,
    canvas: &NodeRef,
    on_stats: &Callback<Rc<Stats>>,
    st: &mut LoopState,
) {
    let now = performance_now();
    // After a background tab or a long pause, do not try to catch up in one frame; but a slow
    // frame or two must not make the simulated clock lose time.
    let dt = (now - st.last).clamp(0.0, 250.0);
    st.last = now;
    st.frames += 1;
    if now - st.fps_since >= 1_000.0 {
        st.fps = st.frames as f64 * 1_000.0 / (now - st.fps_since);
        st.frames = 0;
        st.fps_since = now;
    }
    let inp = inputs.borrow();
    let speed = inp.speed.max(0.01);
    let mut fresh = false;
    let mut take_in = |st: &mut LoopState| {
        link.pump(&mut |mut f: Frame, advance| {
            if f.time_ns < st.time_ns {
                // A new run (a reset, or a new engine after a crash): the old run's dots go.
                st.particles.clear();
            }
            st.time_ns = f.time_ns;
            st.particles.spawn(&f.traces, now, speed);
            st.trace_every = st.particles.next_sampling(f.traces.len());
            // After a command (reset, edit, chaos, step) the views get a snapshot even if
            // nothing runs.
            fresh |= st.live.merge(&mut f) || !advance;
        });
    };
    take_in(st);
    if inp.running {
        st.wall_due = (st.wall_due + dt).min(250.0);
        if !link.advancing() {
            let want_status = now - st.last_status >= STATS_EVERY_MS;
            if want_status {
                st.last_status = now;
            }
            link.send(ToEngine::Advance {
                wall_ms: st.wall_due,
                speed: inp.speed,
                budget_ms: link.budget_ms(st.wall_due),
                trace_every: st.trace_every,
                want_status,
            });
            st.wall_due = 0.0;
            // The page host has answered already; a worker answers at a later frame.
            take_in(st);
        }
    } else {
        st.wall_due = 0.0;
    }
    let t_sim = performance_now();
    if st.reduced_motion {
        // `prefers-reduced-motion`: no flowing dots; the figures and cards still update.
        st.particles.clear();
    }
    if inp.positions_rev != st.positions_rev || st.live.slots_rev != st.slots_rev {
        st.slot_positions = st
            .live
            .slots
            .iter()
            .map(|id| inp.positions.get(id).copied())
            .collect();
        st.positions_rev = inp.positions_rev;
        st.slots_rev = st.live.slots_rev;
    }
    if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
        draw(&el, &inp, st, now);
    }
    let t_draw = performance_now();
    if fresh {
        let mut stats = st.live.snapshot();
        stats.fps = st.fps;
        st.snapshots += 1;
        stats.snapshot = st.snapshots;
        stats.frame_ms = st.frame_ms;
        drop(inp);
        let t_stats = performance_now();
        on_stats.emit(Rc::new(stats));
        let t_render = performance_now();
        st.frame_ms[2] = 0.8 * st.frame_ms[2] + 0.2 * (t_stats - t_draw);
        st.frame_ms[3] = 0.8 * st.frame_ms[3] + 0.2 * (t_render - t_stats);
    }
    st.frame_ms[0] = 0.95 * st.frame_ms[0] + 0.05 * (t_sim - now);
    st.frame_ms[1] = 0.95 * st.frame_ms[1] + 0.05 * (t_draw - t_sim);
}

fn draw(el: &HtmlCanvasElement, inp: &LoopInputs, st: &mut LoopState, now: f64) {
    // Reading an element's size forces a layout: do it twice a second, not every frame.
    if st.frames % 30 == 1 || st.size.0 == 0.0 {
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        st.size = (el.client_width() as f64, el.client_height() as f64, dpr);
    }
    let (w, hgt, dpr) = st.size;
    let (bw, bh) = ((w * dpr).round() as u32, (hgt * dpr).round() as u32);
    if el.width() != bw || el.height() != bh {
        el.set_width(bw);
        el.set_height(bh);
    }
    let Ok(Some(ctx)) = el.get_context("2d") else {
        return;
    };
    let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>() else {
        return;
    };
    dots::draw(
        &ctx,
        dpr,
        w,
        hgt,
        &inp.view,
        &st.slot_positions,
        &st.particles,
        now,
        inp.theme,
        inp.lang,
    );
}
