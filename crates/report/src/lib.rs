//! The one-page report of a run, as HTML — one module for the app's "Print report" and the
//! CLI's `scaleboard report --html`, so the two cannot drift — and the diagram SVG it draws
//! (also the app's SVG/PNG export). No web crates: it builds natively and in wasm.

mod chart;
pub mod fmt;
pub mod html;
pub mod svg;
pub mod words;

pub use html::{report_document, report_html, report_html_as};
pub use words::Lang;

#[cfg(test)]
mod tests;
