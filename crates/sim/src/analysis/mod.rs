//! Analyses of a diagram that need no simulation.

pub mod spof;
#[cfg(test)]
mod spof_oracle;
#[cfg(test)]
mod spof_oracle_tests;

pub use spof::{analyze as spof, Element, Finding, Reason, SpofReport};
