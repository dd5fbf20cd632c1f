//! The fixed reference diagram that `scaleboard bench`, `cargo bench` and the browser benchmark
//! all measure: client → load balancer → 4 servers, under heavy load.

use crate::diagram::*;

/// Client → LB → a group of 4 server instances, at `rate_rps` requests per second.
pub fn reference_diagram(rate_rps: f64) -> Diagram {
    let client = ClientParams {
        rate_rps,
        timeout_ms: 1_000.0,
        ..Default::default()
    };
    let lb = LoadBalancerParams {
        algorithm: Algorithm::LeastOutstanding,
        capacity_rps: 2_000_000.0,
        ..Default::default()
    };
    let server = ServerParams {
        instances: 4,
        workers: 64,
        queue_capacity: 1_000,
        service: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms: 1.0,
            cv: 1.0,
        },
        ..Default::default()
    };
    let mut edge_in = Edge::new("client-lb", "client", "lb");
    edge_in.latency_ms = 0.5;
    let mut edge_out = Edge::new("lb-servers", "lb", "servers");
    edge_out.latency_ms = 0.2;
    Diagram {
        name: "Reference: client → LB → 4 servers".into(),
        seed: 1,
        nodes: vec![
            Node::new("client", NodeSpec::Client(client)).at(80.0, 200.0),
            Node::new("lb", NodeSpec::LoadBalancer(lb)).at(320.0, 200.0),
            Node::new("servers", NodeSpec::Server(server)).at(560.0, 200.0),
        ],
        edges: vec![edge_in, edge_out],
        ..Default::default()
    }
}

/// Requests per second the benchmarks offer: well below the reference servers' capacity
/// (≈ 486 k/s), so every request completes and each costs the full event path.
pub const REFERENCE_RATE: f64 = 200_000.0;
