//! The editor: document changes as invertible commands, the undo history, geometry of the
//! canvas (pan, zoom, snapping, hit tests) and naming of new components. All pure Rust, tested
//! natively.

pub mod commands;
pub mod cull;
pub mod edge_sketch;
pub mod geometry;
pub mod history;
pub mod layout;
pub mod naming;
pub mod settle;
pub mod wheel_steps;
pub mod zoom_level;

pub use commands::Command;
pub use geometry::View;
pub use history::History;
