//! Offline use: registers the service worker (static/sw.js) and tells when the app, its wasm,
//! styles and lessons are cached, so the page, its examples and lessons open with the network
//! gone. The lessons are fetched here (through the service worker, which keeps a copy) once it
//! controls the page: they are not in the wasm (src/lessons.rs).

use wasm_bindgen_futures::JsFuture;

/// Registers the service worker and calls `ready` once it is active (the app is cached).
/// Browsers without service workers, or pages not served over http(s), simply skip it.
pub fn register(ready: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let http = window
        .location()
        .protocol()
        .is_ok_and(|p| p == "http:" || p == "https:");
    let nav = window.navigator();
    // `serviceWorker` is missing in some contexts (file://, some private modes).
    let has_sw = js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false);
    if !http || !has_sw {
        return;
    }
    let container = nav.service_worker();
    let registration = container.register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if JsFuture::from(registration).await.is_err() {
            return;
        }
        if let Ok(ready_promise) = container.ready() {
            if JsFuture::from(ready_promise).await.is_ok() {
                // A first visit's worker takes the page over just after it is active
                // (`clients.claim()`): the lessons must pass through it to be kept.
                for _ in 0..50 {
                    if container.controller().is_some() {
                        break;
                    }
                    let wait = js_sys::Promise::new(&mut |done, _| {
                        let _ = window
                            .set_timeout_with_callback_and_timeout_and_arguments_0(&done, 100);
                    });
                    let _ = JsFuture::from(wait).await;
                }
                if crate::lessons::load(true).await.is_ok() {
                    ready();
                }
            }
        }
    });
}
