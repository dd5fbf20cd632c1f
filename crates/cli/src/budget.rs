//! What a run will cost before it starts, and how long it has left while it runs.
//!
//! A client at 10⁹ requests a second validates (it is a number), but simulating a minute of it
//! would take hours and gigabytes. Before a run the CLI estimates its events — requests ×
//! (events per request) — and refuses a run above the budget with the estimate and what to
//! change; during a run it stops at the budget whatever the estimate said, so a run's time and
//! memory are bounded either way.

use scaleboard_sim::diagram::{ChaosAction, NodeSpec, Profile};
use scaleboard_sim::Diagram;
use std::collections::HashMap;

/// Events a run may take unless `--max-events` says otherwise: about two minutes of a release
/// build on a laptop core (the engine handles 8–10 million events a second).
pub const DEFAULT_MAX_EVENTS: u64 = 1_000_000_000;

/// A run's expected size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Requests (or messages) the clients will send over the run, at their peak rate.
    pub requests: f64,
    /// Components on the longest path a request can take from a client.
    pub hops: usize,
    /// Events: each request arrives at, and is answered by, every component on its path.
    pub events: f64,
}

/// The most a profile multiplies its client's rate.
fn peak(p: &Profile) -> f64 {
    match *p {
        Profile::Constant => 1.0,
        Profile::Step { factor, .. } | Profile::Spike { factor, .. } => factor.max(1.0),
        Profile::Ramp { to_factor, .. } => to_factor.max(1.0),
        Profile::Diurnal { amplitude, .. } => 1.0 + amplitude.abs(),
    }
}

/// Components on the longest path from `id` (itself included). Validation refuses cycles; a
/// depth guard keeps a cycle from looping anyway.
fn depth<'a>(
    id: &'a str,
    out: &HashMap<&'a str, Vec<&'a str>>,
    memo: &mut HashMap<&'a str, usize>,
    guard: usize,
) -> usize {
    if guard == 0 {
        return 1;
    }
    if let Some(&d) = memo.get(id) {
        return d;
    }
    let below = out
        .get(id)
        .map(|ts| {
            ts.iter()
                .map(|t| depth(t, out, memo, guard - 1))
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    memo.insert(id, below + 1);
    below + 1
}

/// The estimate for running `d` for its `workload.duration_s`.
pub fn estimate(d: &Diagram) -> Estimate {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &d.edges {
        out.entry(e.from.as_str()).or_default().push(e.to.as_str());
    }
    let spikes = d
        .chaos
        .iter()
        .filter_map(|c| match c.action {
            ChaosAction::Traffic { factor } => Some(factor),
            _ => None,
        })
        .fold(1.0f64, f64::max);
    let seconds = d.workload.duration_s.max(0.0);
    let scale = d.workload.traffic_scale.max(0.0) * spikes;
    let mut memo = HashMap::new();
    let (mut requests, mut events, mut hops) = (0.0, 0.0, 0);
    for n in &d.nodes {
        let NodeSpec::Client(c) = &n.spec else {
            continue;
        };
        let rate = match &c.connections {
            Some(k) => {
                // Open connections settle at connects × lifetime, each sending messages.
                let open = k.connect_rate_per_s * k.lifetime_s.max(0.0);
                k.connect_rate_per_s + open * k.messages_per_s
            }
            None => c.rate_rps,
        };
        let sent = rate.max(0.0) * peak(&c.profile) * scale * seconds;
        let path = depth(n.id.as_str(), &out, &mut memo, d.nodes.len() + 1);
        // Retries can send each request again.
        let tries = 1.0 + f64::from(c.retry.max_retries);
        requests += sent * tries;
        events += sent * tries * 2.0 * path as f64;
        hops = hops.max(path);
    }
    Estimate {
        requests,
        hops,
        events,
    }
}

/// "1.2 billion", "340 million", "12,000": figures people read at a glance.
pub fn count(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.0} million", x / 1e6)
    } else {
        format!("{:.0}", x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagram(json: &str) -> Diagram {
        Diagram::from_json(json).unwrap()
    }

    #[test]
    fn requests_times_the_path_both_ways() {
        // 100 req/s for 10 s through users → lb → api: 1 000 requests, 3 components, 2 events
        // each (there and back).
        let d = diagram(
            r#"{ "version": 1, "workload": { "duration_s": 10, "warmup_s": 0 },
                 "nodes": [ { "id": "users", "kind": "client", "params": { "rate_rps": 100 } },
                            { "id": "lb", "kind": "load_balancer" },
                            { "id": "api", "kind": "server" } ],
                 "edges": [ { "from": "users", "to": "lb" }, { "from": "lb", "to": "api" } ] }"#,
        );
        let e = estimate(&d);
        assert_eq!(e.requests, 1_000.0);
        assert_eq!(e.hops, 3);
        assert_eq!(e.events, 6_000.0);
    }

    #[test]
    fn spikes_retries_and_the_traffic_slider_raise_it() {
        let d = diagram(
            r#"{ "version": 1, "workload": { "duration_s": 10, "warmup_s": 0, "traffic_scale": 2 },
                 "nodes": [ { "id": "users", "kind": "client", "params": { "rate_rps": 100,
                              "profile": { "spike": { "at_s": 1, "duration_s": 1, "factor": 3 } },
                              "retry": { "max_retries": 1 } } },
                            { "id": "api", "kind": "server" } ],
                 "edges": [ { "from": "users", "to": "api" } ],
                 "chaos": [ { "at_s": 5, "action": { "traffic": { "factor": 1.5 } } } ] }"#,
        );
        // 100 × 3 (spike) × 2 (slider) × 1.5 (chaos) × 10 s × 2 (a retry each).
        assert_eq!(estimate(&d).requests, 18_000.0);
    }
}
