//! Scaleboard's simulation engine.
//!
//! A deterministic discrete-event simulation of requests moving through a system diagram:
//! clients, load balancers and servers connected by edges with network latency. The same diagram
//! and seed give bit-identical results natively and in WebAssembly.
//!
//! This crate depends on no web crate: it is tested and benchmarked natively, runs headless from
//! the `scaleboard` CLI, and is compiled into the browser app unchanged.
//!
//! ```
//! use scaleboard_sim::{Diagram, Simulation};
//! let d = Diagram::from_json(include_str!("../../../examples/basic.json")).unwrap();
//! let mut sim = Simulation::new(&d).unwrap();
//! sim.run_until(scaleboard_sim::time::secs_to_ns(10.0));
//! assert!(sim.report().end_to_end.completed > 0);
//! ```

pub mod analysis;
pub mod analytic;
#[doc(hidden)]
pub mod bare_loop;
pub mod compare;
pub mod diagram;
pub mod dist;
pub mod engine;
mod fast_hash;
pub mod kind;
pub mod lesson;
pub mod metrics;
mod quad_heap;
pub mod reference;
pub mod time;

pub use diagram::{Diagram, Edge, Node, NodeSpec, Problem};
pub use engine::{Advance, Edit, Report, RunConfig, Simulation};
pub use kind::ComponentKind;
