//! A bare discrete-event loop of the reference topology, to measure the engine against.
//!
//! Poisson client → round-robin balancer → `servers` servers × `workers` workers with a bounded
//! FIFO queue each, exponential service, network hops both ways, an HDR-style histogram of
//! response times, and a 4-ary heap keyed by (time, sequence). It knows nothing else: no
//! diagram, no chaos, no charts, no dots. What the engine costs above this loop per request is
//! the price of its generality — `scaleboard bench` reports the ratio, measured side by side.
//!
//! Not part of the engine's API: only the benchmarks (`cargo bench`, `scaleboard bench`) use it.

use crate::dist::Rng;
use crate::metrics::Histogram;
use crate::quad_heap::QuadHeap;
use crate::time::Time;
use std::collections::VecDeque;

/// The shape and load of the bare loop.
#[derive(Clone, Copy, Debug)]
pub struct BareConfig {
    pub rate_rps: f64,
    pub servers: u32,
    pub workers: u32,
    pub queue_capacity: u32,
    pub mean_service_ns: f64,
    /// One-way latency client ↔ balancer and balancer ↔ server.
    pub client_hop_ns: Time,
    pub server_hop_ns: Time,
    pub seed: u64,
}

/// Counts and response times after a run.
#[derive(Clone, Debug, Default)]
pub struct BareResult {
    pub events: u64,
    pub generated: u64,
    pub completed: u64,
    pub rejected: u64,
    pub in_flight: u64,
    /// Response times (client send → answer back at the client) of completed requests.
    pub latency: Histogram,
    /// Time from arrival at a server to leaving it (queueing + service).
    pub sojourn: Histogram,
}

/// What happens at an instant; `u32` is a request slot.
#[derive(Clone, Copy, Debug)]
enum BareEv {
    Generate,
    AtBalancer(u32),
    AtServer(u32),
    Done(u32),
    AnswerAtBalancer(u32),
    AnswerAtClient(u32),
}

#[derive(Clone, Copy, Default)]
struct Req {
    sent: Time,
    at_server: Time,
    server: u32,
    rejected: bool,
}

#[derive(Default)]
struct Server {
    busy: u32,
    queue: VecDeque<u32>,
}

/// Runs the loop for `duration` simulated nanoseconds.
pub fn run(cfg: &BareConfig, duration: Time) -> BareResult {
    let mut rng = Rng::seed(cfg.seed);
    let mut heap = QuadHeap::default();
    let mut reqs: Vec<Req> = Vec::new();
    let mut free: Vec<u32> = Vec::new();
    let mut servers: Vec<Server> = (0..cfg.servers).map(|_| Server::default()).collect();
    let mut rr = 0u32;
    let mut out = BareResult::default();
    let mean_gap = 1e9 / cfg.rate_rps;
    heap.push(rng.exponential(mean_gap) as Time, BareEv::Generate);
    while let Some((now, ev)) = heap.pop() {
        if now > duration {
            break;
        }
        out.events += 1;
        match ev {
            BareEv::Generate => {
                out.generated += 1;
                let slot = match free.pop() {
                    Some(s) => s,
                    None => {
                        reqs.push(Req::default());
                        reqs.len() as u32 - 1
                    }
                };
                reqs[slot as usize] = Req {
                    sent: now,
                    ..Req::default()
                };
                heap.push(now + cfg.client_hop_ns, BareEv::AtBalancer(slot));
                heap.push(now + rng.exponential(mean_gap) as Time, BareEv::Generate);
            }
            BareEv::AtBalancer(r) => {
                reqs[r as usize].server = rr;
                rr = (rr + 1) % cfg.servers;
                heap.push(now + cfg.server_hop_ns, BareEv::AtServer(r));
            }
            BareEv::AtServer(r) => {
                let req = &mut reqs[r as usize];
                req.at_server = now;
                let s = &mut servers[req.server as usize];
                if s.busy < cfg.workers {
                    s.busy += 1;
                    let service = rng.exponential(cfg.mean_service_ns) as Time;
                    heap.push(now + service, BareEv::Done(r));
                } else if s.queue.len() < cfg.queue_capacity as usize {
                    s.queue.push_back(r);
                } else {
                    req.rejected = true;
                    heap.push(now + cfg.server_hop_ns, BareEv::AnswerAtBalancer(r));
                }
            }
            BareEv::Done(r) => {
                let req = reqs[r as usize];
                out.sojourn.record(now - req.at_server);
                heap.push(now + cfg.server_hop_ns, BareEv::AnswerAtBalancer(r));
                let s = &mut servers[req.server as usize];
                match s.queue.pop_front() {
                    Some(next) => {
                        let service = rng.exponential(cfg.mean_service_ns) as Time;
                        heap.push(now + service, BareEv::Done(next));
                    }
                    None => s.busy -= 1,
                }
            }
            BareEv::AnswerAtBalancer(r) => {
                heap.push(now + cfg.client_hop_ns, BareEv::AnswerAtClient(r));
            }
            BareEv::AnswerAtClient(r) => {
                let req = reqs[r as usize];
                if req.rejected {
                    out.rejected += 1;
                } else {
                    out.completed += 1;
                    out.latency.record(now - req.sent);
                }
                free.push(r);
            }
        }
    }
    out.in_flight = (reqs.len() - free.len()) as u64;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic;
    use crate::time::NS_PER_S;

    fn config(servers: u32) -> BareConfig {
        BareConfig {
            rate_rps: 50_000.0 * servers as f64,
            servers,
            workers: 8,
            queue_capacity: 100_000,
            mean_service_ns: 125_000.0,
            client_hop_ns: 500_000,
            server_hop_ns: 200_000,
            seed: 7,
        }
    }

    #[test]
    fn every_request_generated_is_completed_rejected_or_still_in_flight() {
        let mut c = config(4);
        c.queue_capacity = 2; // some requests are refused
        c.rate_rps = 300_000.0; // above the 256 k/s the 32 workers can serve
        let r = run(&c, 2 * NS_PER_S);
        assert!(r.rejected > 0 && r.completed > 0);
        assert_eq!(r.generated, r.completed + r.rejected + r.in_flight);
    }

    /// One server: round robin over one is the Poisson stream itself, so the server is M/M/8.
    /// 20 s at 50 k/s = 10⁶ requests; ρ = 0.78, mean sojourn ≈ 0.159 ms. The batch standard
    /// error of the mean at this load is well under 0.5 %; ±2 % is more than 4 of them.
    #[test]
    fn one_server_matches_the_m_m_c_closed_form() {
        let c = config(1);
        let r = run(&c, 20 * NS_PER_S);
        let mu = 1e9 / c.mean_service_ns;
        let expected = (analytic::mmc_wait_time(8, c.rate_rps, mu) + 1.0 / mu) * 1e9;
        let got = r.sojourn.mean().expect("requests completed");
        assert!(
            (got / expected - 1.0).abs() < 0.02,
            "mean sojourn {got:.0} ns, M/M/8 says {expected:.0} ns"
        );
        // The answer adds the four hops exactly.
        let hops = 2.0 * (c.client_hop_ns + c.server_hop_ns) as f64;
        let latency = r.latency.mean().expect("requests completed");
        assert!((latency - hops - got).abs() / got < 0.01);
    }
}
