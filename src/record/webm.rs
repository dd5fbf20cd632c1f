//! WebM through the browser: the recording canvas as a stream with no automatic frames
//! (`captureStream(0)`), one `requestFrame()` per painted frame, encoded by `MediaRecorder`.
//! The recorder stamps each frame with the wall-clock time it was requested, so the job asks
//! for frame `k` no earlier than `k / fps` seconds after the start: the video then lasts frames
//! ÷ fps. Called through `js_sys::Reflect`, which needs no extra `web-sys` features.

use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlCanvasElement};

/// Codecs asked for, first choice first: VP8 costs the page less to encode than VP9 (the
/// recording shares the machine with the editor), and every browser with WebM plays it.
const TYPES: &[&str] = &[
    "video/webm;codecs=vp8",
    "video/webm;codecs=vp9",
    "video/webm",
];

pub struct WebmRecorder {
    recorder: JsValue,
    track: JsValue,
    chunks: Rc<RefCell<Vec<JsValue>>>,
    _on_data: Closure<dyn FnMut(JsValue)>,
}

fn call(target: &JsValue, method: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    f.apply(target, args)
}

impl WebmRecorder {
    /// Starts recording `canvas`; `Err` when the browser has no `MediaRecorder` or WebM.
    pub fn start(canvas: &HtmlCanvasElement) -> Result<WebmRecorder, JsValue> {
        let window: JsValue = web_sys::window().ok_or("no window")?.into();
        let ctor: Function = Reflect::get(&window, &"MediaRecorder".into())?.dyn_into()?;
        let supported = |t: &str| {
            call(&ctor, "isTypeSupported", &Array::of1(&t.into()))
                .map(|v| v.is_truthy())
                .unwrap_or(false)
        };
        let mime = TYPES
            .iter()
            .find(|t| supported(t))
            .ok_or("WebM is not supported")?;
        let stream = call(canvas, "captureStream", &Array::of1(&0.into()))?;
        let tracks: Array = call(&stream, "getVideoTracks", &Array::new())?.dyn_into()?;
        let track = tracks.get(0);
        if track.is_undefined() {
            return Err("no video track".into());
        }
        let options = Object::new();
        Reflect::set(&options, &"mimeType".into(), &(*mime).into())?;
        Reflect::set(&options, &"videoBitsPerSecond".into(), &4_000_000.into())?;
        let recorder = Reflect::construct(&ctor, &Array::of2(&stream, &options))?;
        let chunks = Rc::new(RefCell::new(Vec::new()));
        let on_data = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                if let Ok(data) = Reflect::get(&e, &"data".into()) {
                    chunks.borrow_mut().push(data);
                }
            })
        };
        Reflect::set(&recorder, &"ondataavailable".into(), on_data.as_ref())?;
        call(&recorder, "start", &Array::new())?;
        Ok(WebmRecorder {
            recorder,
            track,
            chunks,
            _on_data: on_data,
        })
    }

    /// Sends what the canvas shows now as the next frame.
    pub fn request_frame(&self) {
        let _ = call(&self.track, "requestFrame", &Array::new());
    }

    /// Stops; `done` gets the video once the browser has flushed it.
    pub fn finish(self, done: impl FnOnce(Result<Blob, JsValue>) + 'static) {
        let chunks = self.chunks.clone();
        let on_data = self._on_data;
        let on_stop = Closure::once_into_js(move || {
            drop(on_data);
            let parts = Array::new();
            for c in chunks.borrow().iter() {
                parts.push(c);
            }
            let props = BlobPropertyBag::new();
            props.set_type("video/webm");
            done(Blob::new_with_blob_sequence_and_options(&parts, &props));
        });
        let _ = Reflect::set(&self.recorder, &"onstop".into(), &on_stop);
        let _ = call(&self.recorder, "stop", &Array::new());
        let _ = call(&self.track, "stop", &Array::new());
    }

    /// Stops and throws the video away.
    pub fn cancel(self) {
        let _ = Reflect::set(&self.recorder, &"ondataavailable".into(), &JsValue::NULL);
        let _ = call(&self.recorder, "stop", &Array::new());
        let _ = call(&self.track, "stop", &Array::new());
    }
}
