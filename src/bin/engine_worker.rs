//! The engine's Web Worker: the live simulation runs here, off the page's main thread, and
//! talks to the page only through `scaleboard_app::protocol` (see docs/architecture.md). It
//! links the engine host and never the UI (no Yew).

fn main() {
    #[cfg(target_arch = "wasm32")]
    scaleboard_app::worker::web::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("engine_worker runs as the app's Web Worker in a browser");
}
