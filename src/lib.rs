//! Scaleboard's browser app.
//!
//! The library holds every component and all UI logic; `main.rs` only mounts [`app::App`].
//! Being a library lets `cargo test` exercise the pure parts natively: the state reducer, editor
//! commands and history, geometry, the simulation host's pacing, particles, formatting, and the
//! completeness of the Korean translation.

pub mod app;
pub mod compare;
pub mod components;
pub mod editor;
pub mod embed;
pub mod engine_link;
pub mod event_text;
pub mod examples;
pub mod export;
pub mod files;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod icons;
pub mod keeping;
pub mod lesson_progress;
pub mod lessons;
pub mod offline;
pub mod persist;
pub mod protocol;
pub mod record;
pub mod render;
pub mod runtime;
pub mod settled;
pub mod state;
pub mod stats;
pub mod storage;
pub mod store;
pub mod worker;
