//! The animation-frame loop: one closure, outside the virtual DOM, that advances the simulation
//! in real time, draws the dot layer, and publishes a snapshot to the UI a few times a second.

use crate::editor::View;
use crate::render::dots;
use crate::sim_host::{SimHost, Stats};
use crate::state::Theme;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::{Callback, NodeRef};

/// Wall-clock milliseconds per frame the simulation may use (the rest is for drawing and Yew).
pub const SIM_BUDGET_MS: f64 = 7.0;
/// How often the UI gets a new snapshot.
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
    /// Publish a snapshot at the next frame even if nothing ran (after a reset or a step).
    pub refresh: bool,
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
    last_emit: f64,
    /// Snapshots sent so far.
    snapshots: u64,
    frames: u32,
    fps_since: f64,
    fps: f64,
    dirty: bool,
    slot_positions: Vec<Option<(f64, f64)>>,
    positions_rev: u64,
    slots: usize,
    /// Smoothed milliseconds: [simulation, dots, snapshot, UI render].
    frame_ms: [f64; 4],
    /// Canvas CSS size and device pixel ratio, refreshed now and then.
    size: (f64, f64, f64),
    /// The system asks for reduced motion (read once at start).
    reduced_motion: bool,
}

pub fn start(
    host: Rc<RefCell<SimHost>>,
    inputs: Rc<RefCell<LoopInputs>>,
    canvas: NodeRef,
    on_stats: Callback<Rc<Stats>>,
) -> FrameLoop {
    let alive = Rc::new(Cell::new(true));
    let closure: FrameClosure = Rc::new(RefCell::new(None));
    let mut st = LoopState {
        last: performance_now(),
        last_emit: 0.0,
        snapshots: 0,
        frames: 0,
        fps_since: performance_now(),
        fps: 0.0,
        dirty: true,
        slot_positions: Vec::new(),
        positions_rev: u64::MAX,
        slots: 0,
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
        frame(&host, &inputs, &canvas, &on_stats, &mut st);
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
    host: &Rc<RefCell<SimHost>>,
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
    let mut h = host.borrow_mut();
    let mut inp = inputs.borrow_mut();
    if inp.running {
        let r = h.advance(dt, inp.speed, SIM_BUDGET_MS, &mut performance_now);
        st.dirty |= r.events > 0;
    }
    let t_sim = performance_now();
    h.feed_particles(now, inp.speed.max(0.01));
    if st.reduced_motion {
        // `prefers-reduced-motion`: no flowing dots; the figures and cards still update.
        h.particles.clear();
    }
    if let Some(sim) = h.simulation() {
        let mut slots = 0;
        while sim.node_id(slots as u32).is_some() {
            slots += 1;
        }
        if inp.positions_rev != st.positions_rev || slots != st.slots {
            st.slot_positions = (0..slots as u32)
                .map(|s| sim.node_id(s).and_then(|id| inp.positions.get(id).copied()))
                .collect();
            st.positions_rev = inp.positions_rev;
            st.slots = slots;
        }
    }
    if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
        draw(&el, &inp, &h, st, now);
    }
    let t_draw = performance_now();
    if (st.dirty && now - st.last_emit >= STATS_EVERY_MS) || inp.refresh {
        inp.refresh = false;
        st.dirty = false;
        st.last_emit = now;
        let mut stats = h.stats();
        stats.events = h.drain_log();
        stats.fps = st.fps;
        st.snapshots += 1;
        stats.snapshot = st.snapshots;
        stats.frame_ms = st.frame_ms;
        drop(h);
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

fn draw(el: &HtmlCanvasElement, inp: &LoopInputs, h: &SimHost, st: &mut LoopState, now: f64) {
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
        &h.particles,
        now,
        inp.theme,
        inp.lang,
    );
}
