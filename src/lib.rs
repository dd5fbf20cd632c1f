//! Scaleboard's browser app.
//!
//! The library holds every component and all UI logic; `main.rs` only mounts [`app::App`]. Being a
//! library lets `cargo test` exercise the pure parts (state reducer, editor commands) natively.

pub mod app;
pub mod components;
pub mod hooks;
pub mod icons;
pub mod state;
