//! The engine alone in WebAssembly, on the browser benchmark's diagram (`tests/e2e/bench-diagram.mjs`:
//! 5 × (client → load balancer → 8 servers), `offered` requests per second in all): how many
//! simulated requests per wall-clock second the engine does in the JavaScript engine, without
//! the page, the worker's messages or the dots. `tests/e2e/bench.mjs` measures all of that
//! together; this separates the engine's share.
//!
//!   cargo build --release -p scaleboard-sim --example wasm_bench --target wasm32-unknown-unknown
//!   node scripts/wasm-bench.mjs [target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm]

use scaleboard_sim::diagram::*;
use scaleboard_sim::engine::{RunConfig, Simulation};
use scaleboard_sim::time::secs_to_ns;

/// The browser benchmark's 50 nodes, as `bench-diagram.mjs` builds them.
fn bench_diagram(offered: f64) -> Diagram {
    let rate = offered / 5.0;
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for g in 0..5 {
        let client = ClientParams {
            rate_rps: rate,
            timeout_ms: 2_000.0,
            key_space: 100_000,
            ..Default::default()
        };
        let lb = LoadBalancerParams {
            algorithm: Algorithm::LeastOutstanding,
            capacity_rps: 10.0 * rate,
            ..Default::default()
        };
        nodes.push(Node::new(format!("clients-{g}"), NodeSpec::Client(client)));
        nodes.push(Node::new(format!("lb-{g}"), NodeSpec::LoadBalancer(lb)));
        let mut e = Edge::new(format!("c{g}"), format!("clients-{g}"), format!("lb-{g}"));
        e.latency_ms = 5.0;
        e.jitter_ms = 2.0;
        edges.push(e);
        for s in 0..8 {
            let server = ServerParams {
                instances: 1,
                size: InstanceSize::Medium,
                workers: 32,
                queue_capacity: 200,
                service: ServiceTime {
                    distribution: Distribution::Lognormal,
                    mean_ms: 5.0 * 100_000.0 / offered,
                    cv: 1.0,
                },
                ..Default::default()
            };
            let id = format!("api-{g}-{s}");
            nodes.push(Node::new(&id, NodeSpec::Server(server)));
            let mut e = Edge::new(format!("l{g}-{s}"), format!("lb-{g}"), &id);
            e.latency_ms = 0.5;
            edges.push(e);
        }
    }
    Diagram {
        name: "Benchmark: 50 nodes".into(),
        seed: 7,
        nodes,
        edges,
        ..Default::default()
    }
}

/// Simulates `secs` seconds of the diagram at `offered` requests per second; returns the
/// requests completed (negative if the diagram is refused).
#[no_mangle]
pub extern "C" fn run_bench(offered: f64, secs: f64) -> f64 {
    let d = bench_diagram(offered);
    let end = secs_to_ns(secs);
    let Ok(mut sim) = Simulation::with_config(&d, RunConfig::for_run(end, 0)) else {
        return -1.0;
    };
    sim.run_until(end);
    sim.lifetime_counts().completed as f64
}
