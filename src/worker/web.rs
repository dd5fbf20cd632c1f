//! The engine in a Web Worker: decodes each message from the page, lets [`EngineService`]
//! answer it, and posts the answer back in a transferred `ArrayBuffer`. Started by
//! `src/bin/engine_worker.rs`.

use super::EngineService;
use crate::protocol::{decode, encode, FromEngine, ToEngine};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Listens to the page until the worker is terminated.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    tell_the_page_of_panics();
    let performance = scope.performance();
    let service = RefCell::new(EngineService::default());
    let out = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
        let Some(message) = decode::<ToEngine>(&bytes) else {
            return;
        };
        let mut clock = || performance.as_ref().map_or(0.0, |p| p.now());
        let reply = service.borrow_mut().handle(message, &mut clock);
        post(&out, &reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its handler.
    on_message.forget();
    post(&scope, &FromEngine::Ready);
}

/// A panic ends the worker (the wasm traps right after the hook): first the page hears what
/// it said, so that it can tell the user and start a new engine.
fn tell_the_page_of_panics() {
    std::panic::set_hook(Box::new(|info| {
        // What the panic said, for the user's toast (the location means nothing to them).
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| info.to_string());
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        post(&scope, &FromEngine::Crashed { message });
    }));
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromEngine) {
    let bytes = js_sys::Uint8Array::from(&encode(message)[..]).buffer();
    let _ = scope.post_message_with_transfer(&bytes, &js_sys::Array::of1(&bytes));
}
