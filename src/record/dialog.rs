//! File → Record: the dialog that asks for the format, the span of simulated time, the size,
//! the speed and the frame rate, shows the frames as they are painted with a progress bar and
//! Cancel, and downloads the file when done.

use super::job::Job;
use super::runner::{Progress, Recording};
use super::settings::{Format, Invalid, Settings, SIZES, SPEEDS};
use crate::components::modal::Modal;
use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::Diagram;
use std::rc::Rc;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RecordDialogProps {
    pub doc: Rc<Diagram>,
    /// The live run's clock, for the default span (its last 10 s).
    pub time_s: f64,
    pub lang: Lang,
    pub on_close: Callback<()>,
}

/// What is wrong with the settings, naming the field.
pub fn invalid_text(lang: Lang, e: Invalid) -> &'static str {
    match e {
        Invalid::From => tr(lang, "From: a number of seconds from 0 up to 3600"),
        Invalid::To => tr(
            lang,
            "To: a number of seconds after From, at most 3600, and at least one frame later",
        ),
        Invalid::SpanTooLong => tr(lang, "From–To: at most 300 simulated seconds"),
        Invalid::Size => tr(lang, "Size: choose one of the sizes offered"),
        Invalid::Speed => tr(lang, "Speed: choose one of the speeds offered"),
        Invalid::FrameRate => tr(lang, "Frame rate: choose one of the rates offered"),
    }
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// A typed number of seconds; anything else is NaN, which the check names.
fn number(v: &str) -> f64 {
    v.trim().parse().unwrap_or(f64::NAN)
}

/// The dialog's settings as a reducer's state.
#[derive(Clone, Copy, PartialEq)]
struct Form(Settings);

/// One field changed: how to apply it and the value read from the field.
struct Change(fn(&mut Settings, &str), String);

impl Reducible for Form {
    type Action = Change;

    fn reduce(self: Rc<Self>, Change(f, v): Change) -> Rc<Self> {
        let mut s = self.0;
        f(&mut s, &v);
        Rc::new(Form(s))
    }
}

#[function_component]
pub fn RecordDialog(props: &RecordDialogProps) -> Html {
    let lang = props.lang;
    let settings = use_reducer(|| Form(Settings::default_for(Format::Gif, props.time_s)));
    let progress = use_state(|| None::<Progress>);
    let recording = use_mut_ref(|| None::<Recording>);
    let preview = use_node_ref();
    // Closing the dialog (Escape, backdrop, Close) stops a recording under way.
    {
        let recording = recording.clone();
        use_effect_with((), move |_| {
            move || {
                if let Some(r) = recording.borrow_mut().take() {
                    r.cancel();
                }
            }
        });
    }
    let s = settings.0;
    let busy = matches!(
        *progress,
        Some(Progress::Warming(_) | Progress::Frames(..) | Progress::Finishing)
    );
    // Each field's change goes through a reducer, so that quick changes in a row (a test
    // filling From and To, a keyboard user tabbing through) all land on the latest settings.
    let set = {
        let settings = settings.clone();
        move |f: fn(&mut Settings, &str), read: fn(&Event) -> String| {
            let settings = settings.clone();
            Callback::from(move |e: Event| settings.dispatch(Change(f, read(&e))))
        }
    };
    let on_format = set(
        |s, v| {
            s.format = if v == "webm" {
                Format::Webm
            } else {
                Format::Gif
            };
            if !s.format.frame_rates().contains(&s.fps) {
                s.fps = s.format.default_fps();
            }
        },
        select_value,
    );
    let on_from = set(|s, v| s.from_s = number(v), input_value);
    let on_to = set(|s, v| s.to_s = number(v), input_value);
    let on_size = set(
        |s, v| {
            if let Some((w, h)) = v.split_once('x') {
                s.width = w.parse().unwrap_or(0);
                s.height = h.parse().unwrap_or(0);
            }
        },
        select_value,
    );
    let on_speed = set(|s, v| s.speed = v.parse().unwrap_or(0), select_value);
    let on_fps = set(|s, v| s.fps = v.parse().unwrap_or(0), select_value);
    let problem = s.check().err();
    let start = {
        let progress = progress.clone();
        let recording = recording.clone();
        let preview = preview.clone();
        let doc = props.doc.clone();
        Callback::from(move |_| {
            if s.check().is_err() {
                return;
            }
            let Some(canvas) = preview.cast::<HtmlCanvasElement>() else {
                return;
            };
            let job = match Job::new(&doc, s) {
                Ok(job) => job,
                Err(_) => {
                    progress.set(Some(Progress::Failed(
                        tr(lang, "The design has problems: fix them before recording").into(),
                    )));
                    return;
                }
            };
            // The example's own names in the dialog's language, in the frames and the file name.
            let names = crate::examples::named_in(&doc, lang);
            let title = names.name.clone();
            let p = progress.clone();
            p.set(Some(Progress::Warming(0.0)));
            *recording.borrow_mut() = Recording::start(
                job,
                names,
                &title,
                lang,
                canvas,
                move |x| p.set(Some(x)),
                tr(lang, "The browser could not paint or encode the recording"),
            );
        })
    };
    let cancel = {
        let recording = recording.clone();
        Callback::from(move |_| {
            if let Some(r) = recording.borrow_mut().take() {
                r.cancel();
            }
        })
    };
    let close = {
        let c = props.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    let frames = s.frames();
    let summary = fill(
        tr(lang, "{} frames, {} s of video"),
        &[
            &frames,
            &crate::format::trim_num(f64::from(frames) / f64::from(s.fps.max(1))),
        ],
    );
    // The progress bar: frames made of all (running to the span's start counts as frame 0).
    let status = match &*progress {
        None => html! {},
        Some(Progress::Warming(p)) => html! {
            <div class="record-progress" data-testid="record-progress" data-state="warming">
                <div role="progressbar" aria-label={tr(lang, "Recording progress")} aria-valuemin="0"
                     aria-valuemax={frames.to_string()} aria-valuenow="0"
                     aria-valuetext={fill(tr(lang, "Running to the start of the span: {}%"), &[&((p * 100.0).round())])}
                     class="record-bar"><span style={format!("width:{:.1}%", p * 100.0)} /></div>
                <span>{ fill(tr(lang, "Running to the start of the span: {}%"), &[&((p * 100.0).round())]) }</span>
            </div>
        },
        Some(Progress::Frames(n, total)) => {
            let pc = f64::from(*n) * 100.0 / f64::from((*total).max(1));
            let text = fill(tr(lang, "Frame {} of {} ({}%)"), &[n, total, &pc.floor()]);
            html! {
                <div class="record-progress" data-testid="record-progress" data-state="frames"
                     data-frame={n.to_string()} data-frames={total.to_string()}>
                    <div role="progressbar" aria-label={tr(lang, "Recording progress")} aria-valuemin="0"
                         aria-valuemax={total.to_string()} aria-valuenow={n.to_string()}
                         aria-valuetext={text.clone()} class="record-bar">
                        <span style={format!("width:{pc:.1}%")} />
                    </div>
                    <span>{ text }</span>
                </div>
            }
        }
        Some(Progress::Finishing) => progress_line(
            "finishing",
            "status",
            tr(lang, "Finishing the video…").into(),
        ),
        Some(Progress::Done(name)) => {
            progress_line("done", "status", fill(tr(lang, "Downloaded {}"), &[name]))
        }
        Some(Progress::Cancelled) => progress_line(
            "cancelled",
            "status",
            tr(lang, "Cancelled: nothing was downloaded.").into(),
        ),
        Some(Progress::Failed(why)) => progress_line("failed", "alert", why.clone()),
    };
    let option = |value: String, label: String, selected: bool| {
        html! { <option value={value} {selected}>{ label }</option> }
    };
    html! {
        <Modal testid="record-dialog" label={tr(lang, "Record the run")}
               on_close={props.on_close.clone()}>
            <h2 class="dialog-title">{ tr(lang, "Record the run") }</h2>
            <p class="muted small">{ tr(lang, "Runs the design again from the start with its seed and paints each frame: the same design and settings always give the same recording. The live run is not touched.") }</p>
            <div class="record-grid">
                <label>{ tr(lang, "Format") }
                    <select data-testid="record-format" onchange={on_format} disabled={busy}>
                        { option("gif".into(), tr(lang, "Animated GIF").into(), s.format == Format::Gif) }
                        { option("webm".into(), tr(lang, "WebM video").into(), s.format == Format::Webm) }
                    </select>
                </label>
                <label>{ tr(lang, "From (simulated s)") }
                    <input type="number" min="0" step="1" data-testid="record-from" disabled={busy}
                           value={crate::format::trim_num(s.from_s)} onchange={on_from} />
                </label>
                <label>{ tr(lang, "To (simulated s)") }
                    <input type="number" min="0" step="1" data-testid="record-to" disabled={busy}
                           value={crate::format::trim_num(s.to_s)} onchange={on_to} />
                </label>
                <label>{ tr(lang, "Size") }
                    <select data-testid="record-size" onchange={on_size} disabled={busy}>
                        { for SIZES.iter().map(|&(w, h)| option(format!("{w}x{h}"), format!("{w} × {h}"), (w, h) == (s.width, s.height))) }
                    </select>
                </label>
                <label>{ tr(lang, "Speed") }
                    <select data-testid="record-speed" onchange={on_speed} disabled={busy}
                            title={tr(lang, "Simulated seconds per second of video")}>
                        { for SPEEDS.iter().map(|&x| option(x.to_string(), format!("{x}×"), x == s.speed)) }
                    </select>
                </label>
                <label>{ tr(lang, "Frame rate") }
                    <select data-testid="record-fps" onchange={on_fps} disabled={busy}>
                        { for s.format.frame_rates().iter().map(|&x| option(x.to_string(), fill(tr(lang, "{} fps"), &[&x]), x == s.fps)) }
                    </select>
                </label>
            </div>
            <p class="muted small" data-testid="record-summary">{ summary }</p>
            if let Some(e) = problem {
                <p class="field-error" data-testid="record-problem" role="alert">{ invalid_text(lang, e) }</p>
            }
            <canvas ref={preview} class="record-preview" data-testid="record-preview"
                    aria-label={tr(lang, "Preview of the recording")} width="320" height="180" />
            { status }
            <div class="dialog-actions">
                if busy {
                    <button class="btn" data-testid="record-cancel" onclick={cancel}>{ tr(lang, "Cancel") }</button>
                } else {
                    <button class="btn btn-primary" data-testid="record-start" onclick={start}
                            disabled={problem.is_some()}>{ tr(lang, "Record") }</button>
                }
                <button class="btn" data-testid="record-close" onclick={close}>{ tr(lang, "Close") }</button>
            </div>
        </Modal>
    }
}

/// One line saying how a recording stands (`state` is what tests read, `role` how loudly a
/// screen reader says it: a failure is an alert, the rest a status).
fn progress_line(state: &'static str, role: &'static str, text: String) -> Html {
    let class = if state == "failed" {
        "record-progress field-error"
    } else {
        "record-progress"
    };
    html! {
        <p class={class} data-testid="record-progress" data-state={state} role={role}>{ text }</p>
    }
}
