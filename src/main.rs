//! Entry point: mount the app into `<body>`.
//!
//! Yew installs `console_error_panic_hook` when the renderer starts, so a Rust panic reaches the
//! browser console (and fails the end-to-end suite) instead of dying silently.

fn main() {
    #[cfg(target_arch = "wasm32")]
    start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("scaleboard-app runs in a browser: use `make serve` and open http://127.0.0.1:8080");
}

/// Mounts the app once the static shell has reached the screen.
///
/// index.html paints a shell (name, what the app does, a progress bar) while the wasm loads. On
/// a fast load the wasm can be ready before the browser's first frame, and the shell would
/// never be seen — the page would stay blank until the app's first render. So the app waits
/// for one frame and mounts in a task after its paint, then removes the shell. Frames are
/// paused in a background tab: there a timer mounts it instead, at once if the page is hidden,
/// else after a second (a busy machine can take well over 100 ms to its first frame, and a
/// mount before it meant the shell was never painted: Lighthouse then saw the largest paint
/// only once the app had run).
#[cfg(target_arch = "wasm32")]
fn start() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let mounted = Rc::new(Cell::new(false));
    let mount = {
        let mounted = mounted.clone();
        move || {
            if mounted.replace(true) {
                return;
            }
            if let Some(shell) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("boot-shell"))
            {
                shell.remove();
            }
            yew::Renderer::<scaleboard_app::app::App>::new().render();
        }
    };
    let after_frame = {
        let mount = mount.clone();
        Closure::once_into_js(move || gloo_timers::callback::Timeout::new(0, mount).forget())
    };
    let Some(window) = web_sys::window() else {
        return mount();
    };
    if window
        .request_animation_frame(after_frame.unchecked_ref())
        .is_err()
    {
        return mount();
    }
    let hidden = window.document().is_some_and(|d| d.hidden());
    gloo_timers::callback::Timeout::new(if hidden { 100 } else { 1_000 }, mount).forget();
}
