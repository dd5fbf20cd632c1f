//! Functions the page exposes to JavaScript (`window.wasmBindings.*`) for end-to-end tests and
//! the browser benchmark. They run the same engine the app runs, so a test can check that a
//! diagram and seed give bit-for-bit the same results in the browser as on the command line.

use scaleboard_sim::time::secs_to_ns;
use scaleboard_sim::{Diagram, RunConfig, Simulation};
use wasm_bindgen::prelude::*;

/// Runs the diagram in `json` for `duration_s` simulated seconds after `warmup_s`, and returns the
/// report as compact JSON — the same document `scaleboard run --compact` prints. Problems with the
/// diagram come back as `{"problems": [...]}`.
#[wasm_bindgen]
pub fn run_report(json: &str, duration_s: f64, warmup_s: f64) -> String {
    let result = Diagram::from_json(json).and_then(|mut d| {
        d.workload.duration_s = duration_s;
        d.workload.warmup_s = warmup_s;
        let mut sim = Simulation::with_config(&d, RunConfig::for_diagram(&d))?;
        sim.run_until(secs_to_ns(duration_s));
        Ok(sim.report())
    });
    match result {
        Ok(report) => serde_json::to_string(&report),
        Err(problems) => serde_json::to_string(&serde_json::json!({
            "problems": problems.iter().map(ToString::to_string).collect::<Vec<_>>()
        })),
    }
    .unwrap_or_default()
}

/// Simulates the reference diagram (client → LB → 4 servers) for `seconds` simulated seconds and
/// returns `[events, completed requests]`; the caller times it.
#[wasm_bindgen]
pub fn bench_reference(seconds: f64) -> Vec<f64> {
    use scaleboard_sim::reference::{reference_diagram, REFERENCE_RATE};
    let d = reference_diagram(REFERENCE_RATE);
    let Ok(mut sim) = Simulation::with_config(&d, RunConfig::for_run(secs_to_ns(seconds), 0))
    else {
        return vec![0.0, 0.0];
    };
    sim.run_until(secs_to_ns(seconds));
    vec![sim.events() as f64, sim.lifetime_counts().completed as f64]
}
