//! Small components that take data and `Callback` props; they own no document state.

pub mod canvas;
pub mod charts;
pub mod inspector;
pub mod palette;
pub mod toolbar;
