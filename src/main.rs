//! Entry point: mount the app into `<body>`.
//!
//! Yew installs `console_error_panic_hook` when the renderer starts, so a Rust panic reaches the
//! browser console (and fails the end-to-end suite) instead of dying silently.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        // index.html paints a static shell (name, one line, a progress bar) while the wasm loads;
        // the app takes the page over from here.
        if let Some(shell) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot-shell"))
        {
            shell.remove();
        }
        yew::Renderer::<scaleboard_app::app::App>::new().render();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("scaleboard-app runs in a browser: use `make serve` and open http://127.0.0.1:8080");
}
