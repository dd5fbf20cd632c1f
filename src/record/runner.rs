//! Drives a recording in the page: one slice of work per animation frame (a slice of the run
//! towards the span's start, or one frame painted and encoded), so the editor stays responsive
//! and Cancel is heard at the next frame. Reports progress; downloads the file at the end.

use super::gif::{GifWriter, Palette};
use super::job::Job;
use super::paint::{paint, palette_colours};
use super::settings::Format;
use super::webm::WebmRecorder;
use crate::files;
use crate::i18n::Lang;
use js_sys::{Array, Function, Object, Reflect, Uint8ClampedArray};
use scaleboard_sim::Diagram;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Wall time one animation frame may spend running towards the span's start, ms.
const WARM_BUDGET_MS: f64 = 6.0;
/// Events per slice of that run (the clock is read between slices).
const WARM_SLICE: u64 = 2_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Running the simulation to the span's start: how far, 0–1.
    Warming(f64),
    /// Frames made of all.
    Frames(u32, u32),
    /// The browser is finishing the video.
    Finishing,
    /// Downloaded under this name.
    Done(String),
    Cancelled,
    /// What went wrong (already in the UI language).
    Failed(String),
}

enum Output {
    Gif {
        writer: GifWriter,
        palette: Palette,
    },
    /// The recorder (once the first frame is due) and the wall time frame 0 was sent, ms.
    /// `closing`: the closing frame has been sent; the recorder stops at the next frame.
    Webm {
        recorder: Option<(WebmRecorder, f64)>,
        closing: bool,
    },
}

struct State {
    job: Job,
    names: Diagram,
    lang: Lang,
    file_name: String,
    ctx: CanvasRenderingContext2d,
    canvas: HtmlCanvasElement,
    output: Option<Output>,
    cancelled: bool,
    /// What to say when the browser cannot paint, read back or encode.
    failed: String,
    on_progress: Rc<dyn Fn(Progress)>,
}

/// A recording under way; dropping it does not stop it, [`Recording::cancel`] does.
#[derive(Clone)]
pub struct Recording {
    state: Rc<RefCell<State>>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A 2D context that reads back quickly (`willReadFrequently`: the GIF reads every frame).
fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"willReadFrequently".into(), &true.into());
    canvas
        .get_context_with_context_options("2d", &options)
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
}

/// The canvas's RGBA pixels (`getImageData`, through Reflect: no extra web-sys feature).
fn pixels(ctx: &CanvasRenderingContext2d, w: u32, h: u32) -> Option<Vec<u8>> {
    let f: Function = Reflect::get(ctx, &"getImageData".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let args = Array::of4(&0.into(), &0.into(), &w.into(), &h.into());
    let image = f.apply(ctx, &args).ok()?;
    let data: Uint8ClampedArray = Reflect::get(&image, &"data".into()).ok()?.dyn_into().ok()?;
    Some(data.to_vec())
}

impl Recording {
    /// Starts recording `job` onto `canvas` (sized here); `names` is the document with its names
    /// in `lang`. `on_progress` hears every step, then exactly one of Done, Cancelled, Failed.
    pub fn start(
        job: Job,
        names: Diagram,
        title: &str,
        lang: Lang,
        canvas: HtmlCanvasElement,
        on_progress: impl Fn(Progress) + 'static,
        failed_text: &str,
    ) -> Option<Recording> {
        let s = job.settings;
        canvas.set_width(s.width);
        canvas.set_height(s.height);
        let Some(ctx) = context(&canvas) else {
            on_progress(Progress::Failed(failed_text.to_owned()));
            return None;
        };
        let output = match s.format {
            Format::Gif => {
                let palette = Palette::new(&palette_colours());
                Output::Gif {
                    writer: GifWriter::new(s.width as u16, s.height as u16, &palette),
                    palette,
                }
            }
            Format::Webm => Output::Webm {
                recorder: None,
                closing: false,
            },
        };
        let state = Rc::new(RefCell::new(State {
            file_name: s.file_name(title),
            job,
            names,
            lang,
            ctx,
            canvas,
            output: Some(output),
            cancelled: false,
            failed: failed_text.to_owned(),
            on_progress: Rc::new(on_progress),
        }));
        let rec = Recording { state };
        rec.schedule();
        Some(rec)
    }

    /// Stops at the next animation frame; nothing is downloaded.
    pub fn cancel(&self) {
        self.state.borrow_mut().cancelled = true;
    }

    fn schedule(&self) {
        let me = self.clone();
        let f = Closure::once_into_js(move |_: f64| me.tick());
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(f.unchecked_ref());
        }
    }

    /// One animation frame's work.
    fn tick(&self) {
        let mut st = self.state.borrow_mut();
        let report = st.on_progress.clone();
        if st.cancelled {
            if let Some(Output::Webm {
                recorder: Some((r, _)),
                ..
            }) = st.output.take()
            {
                r.cancel();
            }
            drop(st);
            report(Progress::Cancelled);
            return;
        }
        if !st.job.warmed() {
            let started = now_ms();
            while !st.job.warm(WARM_SLICE) && now_ms() - started < WARM_BUDGET_MS {}
            let p = st.job.warm_progress();
            drop(st);
            report(Progress::Warming(p));
            self.schedule();
            return;
        }
        let st = &mut *st;
        let frames = st.job.frames();
        match st.output.as_mut() {
            Some(Output::Gif { writer, palette }) => {
                if let Some(k) = st.job.next_frame() {
                    paint(&st.ctx, &st.job, &st.names, k, st.lang);
                    let s = st.job.settings;
                    let Some(rgba) = pixels(&st.ctx, s.width, s.height) else {
                        report(Progress::Failed(st.failed.clone()));
                        return;
                    };
                    writer.frame(&palette.indices(&rgba), s.gif_delay_cs());
                }
                if st.job.done() {
                    let Some(Output::Gif { writer, .. }) = st.output.take() else {
                        return;
                    };
                    let bytes = writer.finish();
                    let name = st.file_name.clone();
                    let result = files::download_bytes(&name, Format::Gif.mime(), &bytes);
                    report(match result {
                        Ok(()) => Progress::Done(name),
                        Err(e) => Progress::Failed(e.text(st.lang).to_owned()),
                    });
                    return;
                }
                report(Progress::Frames(st.job.made(), frames));
            }
            Some(Output::Webm { recorder, closing }) => {
                let frame_ms = 1000.0 / f64::from(st.job.settings.fps);
                if recorder.is_none() {
                    match WebmRecorder::start(&st.canvas) {
                        Ok(r) => *recorder = Some((r, now_ms())),
                        Err(_) => {
                            report(Progress::Failed(st.failed.clone()));
                            return;
                        }
                    }
                }
                let Some((r, t0)) = recorder.as_ref() else {
                    return;
                };
                let t0 = *t0;
                // Frame k is sent no earlier than k frame times after frame 0.
                let due = t0 + f64::from(st.job.made()) * frame_ms;
                if !st.job.done() && now_ms() >= due {
                    if let Some(k) = st.job.next_frame() {
                        paint(&st.ctx, &st.job, &st.names, k, st.lang);
                        r.request_frame();
                    }
                }
                // The last frame is shown for its whole frame time before the video ends: it
                // is sent again at the video's end time (painted again: the browser sends no
                // frame for an untouched canvas), and the recorder stops a frame later, once
                // that frame has reached it.
                if st.job.done() && !*closing && now_ms() >= t0 + f64::from(frames) * frame_ms {
                    paint(
                        &st.ctx,
                        &st.job,
                        &st.names,
                        frames.saturating_sub(1),
                        st.lang,
                    );
                    r.request_frame();
                    *closing = true;
                    report(Progress::Finishing);
                    drop(report);
                    self.schedule();
                    return;
                }
                if *closing {
                    let Some(Output::Webm {
                        recorder: Some((r, _)),
                        ..
                    }) = st.output.take()
                    else {
                        return;
                    };
                    let name = st.file_name.clone();
                    let lang = st.lang;
                    r.finish(move |blob| {
                        let result = blob
                            .map_err(|_| files::Failed::File)
                            .and_then(|b| files::download_blob(&b, &name));
                        report(match result {
                            Ok(()) => Progress::Done(name),
                            Err(e) => Progress::Failed(e.text(lang).to_owned()),
                        });
                    });
                    return;
                }
                report(Progress::Frames(st.job.made(), frames));
            }
            None => return,
        }
        self.schedule();
    }
}
