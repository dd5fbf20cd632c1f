//! The page's end of a Web Worker running the engine: posts the encoded messages, takes in the
//! replies, and notices when the worker cannot start or dies.

use super::Shared;
use crate::protocol::{decode, FromEngine};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// The worker's script: Trunk's loader for `src/bin/engine_worker.rs`.
const SCRIPT: &str = "./engine_worker_loader.js";

/// Whether the page's address has `flag` among its parameters (`?engine=page&…`).
fn address_has(flag: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|s| s.trim_start_matches('?').split('&').any(|p| p == flag))
}

/// `?engine=page`: the engine runs in the page (tests compare both hosts).
pub fn page_requested() -> bool {
    address_has("engine=page")
}

/// `?engine-crash-test`: `window.scaleboardEngine.crash()` makes the worker panic.
pub fn crash_test_requested() -> bool {
    address_has("engine-crash-test")
}

pub struct WorkerEnd {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    /// Messages sent before the worker listened.
    queue: Rc<RefCell<Vec<Vec<u8>>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    _on_message_error: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for WorkerEnd {
    fn drop(&mut self) {
        // Events the worker sent before it ended must not reach the closures dropped now (nor
        // count against the engine that replaces it).
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
    }
}

fn post_bytes(worker: &Worker, bytes: &[u8]) {
    let buffer = js_sys::Uint8Array::from(bytes).buffer();
    let _ = worker.post_message_with_transfer(&buffer, &js_sys::Array::of1(&buffer));
}

/// Marks the engine as crashed with `message`, unless a crash is already known (a panic
/// sends its message, then the worker's error follows: one crash).
fn crashed(shared: &Shared, message: String) {
    let mut c = shared.crashed.borrow_mut();
    if c.is_none() {
        *c = Some(message);
    }
}

impl WorkerEnd {
    pub fn start(shared: Rc<Shared>) -> Option<WorkerEnd> {
        let worker = Worker::new(SCRIPT).ok()?;
        let ready = Rc::new(Cell::new(false));
        let queue: Rc<RefCell<Vec<Vec<u8>>>> = Rc::default();
        let on_message = {
            let (shared, ready, queue, w) =
                (shared.clone(), ready.clone(), queue.clone(), worker.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
                let Some(message) = decode::<FromEngine>(&bytes) else {
                    return;
                };
                match message {
                    FromEngine::Crashed { message } => return crashed(&shared, message),
                    FromEngine::Ready => {
                        ready.set(true);
                        for m in queue.borrow_mut().drain(..) {
                            post_bytes(&w, &m);
                        }
                    }
                    _ => {}
                }
                shared.inbox.borrow_mut().push_back(message);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let on_error = {
            let (shared, ready) = (shared.clone(), ready.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                if ready.get() {
                    // An uncaught error once it listened (a wasm trap after a panic): the
                    // engine is gone. Handled here (a new engine takes over), so not reported
                    // to the console as uncaught.
                    e.prevent_default();
                    // (`ErrorEvent.message`, read without the web-sys feature for one field.)
                    let text = js_sys::Reflect::get(&e, &"message".into())
                        .ok()
                        .and_then(|m| m.as_string())
                        .filter(|m| !m.is_empty())
                        .unwrap_or_else(|| "error".to_owned());
                    crashed(&shared, text);
                } else {
                    // A script that cannot load (or a module that cannot start).
                    shared.failed.set(true);
                }
            })
        };
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let on_message_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_e: MessageEvent| {
            crashed(
                &shared,
                "a message from the engine could not be read".to_owned(),
            );
        });
        worker.set_onmessageerror(Some(on_message_error.as_ref().unchecked_ref()));
        Some(WorkerEnd {
            worker,
            ready,
            queue,
            _on_message: on_message,
            _on_error: on_error,
            _on_message_error: on_message_error,
        })
    }

    pub fn is_ready(&self) -> bool {
        self.ready.get()
    }

    pub fn post(&self, bytes: Vec<u8>) {
        if self.ready.get() {
            post_bytes(&self.worker, &bytes);
        } else {
            self.queue.borrow_mut().push(bytes);
        }
    }
}
