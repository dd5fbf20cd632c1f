//! Analyses of a diagram that need no simulation.

pub mod spof;

pub use spof::{analyze as spof, Element, Finding, Reason, SpofReport};
