//! The fixed reference diagram that `scaleboard bench`, `cargo bench` and the browser benchmark
//! all measure: client → load balancer → 4 servers, under heavy load.
//!
//! Its shape is the one [`crate::bare_loop`] simulates with nothing else around it (Poisson
//! client → round robin → 4 servers × 8 workers, exponential service, the same hops), so the
//! two can be timed side by side: the ratio is what the engine's generality costs per request.

use crate::bare_loop::BareConfig;
use crate::diagram::*;
use crate::time::ms_to_ns;

/// Workers per server instance, and their mean service time.
const WORKERS: u32 = 8;
const SERVICE_MS: f64 = 0.125;
const CLIENT_HOP_MS: f64 = 0.5;
const SERVER_HOP_MS: f64 = 0.2;

/// Client → LB → a group of 4 server instances, at `rate_rps` requests per second.
pub fn reference_diagram(rate_rps: f64) -> Diagram {
    let client = ClientParams {
        rate_rps,
        timeout_ms: 1_000.0,
        ..Default::default()
    };
    let lb = LoadBalancerParams {
        algorithm: Algorithm::RoundRobin,
        capacity_rps: 2_000_000.0,
        ..Default::default()
    };
    let server = ServerParams {
        instances: 4,
        // Small instances run at speed 1: the service mean is `SERVICE_MS` itself.
        size: InstanceSize::Small,
        workers: WORKERS,
        queue_capacity: 1_000,
        service: ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms: SERVICE_MS,
            cv: 1.0,
        },
        ..Default::default()
    };
    let mut edge_in = Edge::new("client-lb", "client", "lb");
    edge_in.latency_ms = CLIENT_HOP_MS;
    let mut edge_out = Edge::new("lb-servers", "lb", "servers");
    edge_out.latency_ms = SERVER_HOP_MS;
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

/// Requests per second the benchmarks offer: below the reference servers' capacity
/// (32 workers × 8 000/s = 256 k/s, ρ ≈ 0.78), so every request completes and each costs the
/// full event path.
pub const REFERENCE_RATE: f64 = 200_000.0;

/// The bare loop of the same topology and load as [`reference_diagram`].
pub fn reference_bare_config(rate_rps: f64) -> BareConfig {
    BareConfig {
        rate_rps,
        servers: 4,
        workers: WORKERS,
        queue_capacity: 1_000,
        mean_service_ns: SERVICE_MS * 1e6,
        client_hop_ns: ms_to_ns(CLIENT_HOP_MS),
        server_hop_ns: ms_to_ns(SERVER_HOP_MS),
        seed: 1,
    }
}
