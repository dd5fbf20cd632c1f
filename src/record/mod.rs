//! Recording a run as an animated GIF or a WebM video (File → Record), from a fresh simulation
//! of the document painted frame by frame: deterministic, and independent of the live run.
//!
//! One file per concept: what is asked for (`settings`), the recording's run (`job`), painting a
//! frame (`paint`), the GIF encoder (`gif`), the browser's WebM recorder (`webm`), the
//! per-animation-frame driver (`runner`) and the dialog (`dialog`).

pub mod dialog;
pub mod gif;
pub mod job;
pub mod paint;
pub mod runner;
pub mod settings;
pub mod webm;
