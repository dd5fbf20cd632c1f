//! Client: an open workload. Poisson arrivals whose rate follows a time profile, keys drawn from a
//! Zipf popularity law, per-attempt timeouts and retries with exponential backoff.
//!
//! The client does not cancel work when it times out — nor do real clients: the server keeps
//! computing an answer nobody waits for, while the retry adds a second copy of the work. That is
//! how timeouts plus retries turn an overload into a retry storm.

use crate::diagram::{ClientParams, Profile};
use crate::dist::{Rng, Zipf};
use crate::time::{ms_to_ns, secs_to_ns, Time, NS_PER_S};
use std::collections::VecDeque;

/// An attempt waiting for its answer, in deadline order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub at: Time,
    pub req: super::jobs::ReqRef,
    pub attempt: u16,
}

#[derive(Clone, Debug)]
pub(crate) struct ClientRt {
    pub params: ClientParams,
    /// The workload's global traffic scale.
    pub scale: f64,
    pub zipf: Zipf,
    pub timeout: Time,
    /// Bumped when the arrival process is retuned, cancelling the arrival already scheduled.
    pub epoch: u32,
    /// Attempt deadlines. With one timeout per client they arrive in order, so a FIFO replaces a
    /// heap and a single timer event serves them all.
    pub deadlines: VecDeque<Deadline>,
    pub timer_at: Option<Time>,
    /// Next downstream edge, when the client has several (DNS-style round robin).
    pub rr: u32,
    pub stats: ClientStats,
    /// Each session's last completed write (key, version), for read-your-writes checks.
    /// Only looked up, never iterated: its order cannot leak into results.
    pub last_write: crate::fast_hash::FastMap<u32, (u64, u64)>,
    /// Indices of the client's classes in the simulation's table, and their cumulative
    /// normalised shares (both empty without classes).
    pub class_ids: Vec<u16>,
    pub class_cum: Vec<f64>,
    /// Where users are, when spread over regions: (region index, cumulative share), resolved
    /// whenever the diagram changes. Empty: every request comes from the node's own region.
    pub origins: Vec<(u32, f64)>,
}

/// Attempt-level counts of one client since warm-up.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ClientStats {
    pub attempts: u64,
    pub retries: u64,
    pub timeouts: u64,
    /// Answers that came back after the client had given up on that attempt.
    pub late_answers: u64,
}

impl ClientRt {
    pub fn new(params: &ClientParams, scale: f64) -> ClientRt {
        ClientRt {
            zipf: Zipf::new(params.key_space, params.zipf_s),
            timeout: ms_to_ns(params.timeout_ms),
            params: params.clone(),
            scale,
            epoch: 0,
            deadlines: VecDeque::new(),
            timer_at: None,
            rr: 0,
            stats: ClientStats::default(),
            last_write: Default::default(),
            class_ids: Vec::new(),
            class_cum: Vec::new(),
            origins: Vec::new(),
        }
    }

    /// Applies new parameters. Returns whether the arrival process changed (and must be
    /// rescheduled).
    pub fn retune(&mut self, params: &ClientParams, scale: f64) -> bool {
        let arrivals_changed = params.rate_rps != self.params.rate_rps
            || params.connections.as_ref().map(|k| k.connect_rate_per_s)
                != self
                    .params
                    .connections
                    .as_ref()
                    .map(|k| k.connect_rate_per_s)
            || params.profile != self.params.profile
            || scale != self.scale;
        if params.key_space != self.params.key_space || params.zipf_s != self.params.zipf_s {
            self.zipf = Zipf::new(params.key_space, params.zipf_s);
        }
        let timeout = ms_to_ns(params.timeout_ms);
        if timeout != self.timeout {
            // Pending deadlines keep their old values; restore FIFO order for the timer.
            self.deadlines.make_contiguous().sort_by_key(|d| d.at);
            self.timeout = timeout;
        }
        self.params = params.clone();
        self.scale = scale;
        if arrivals_changed {
            self.epoch = self.epoch.wrapping_add(1);
        }
        arrivals_changed
    }

    /// Rate multiplier of the profile at simulated time `t` seconds.
    pub fn factor(&self, t: f64) -> f64 {
        match self.params.profile {
            Profile::Constant => 1.0,
            Profile::Step { at_s, factor } => {
                if t >= at_s {
                    factor
                } else {
                    1.0
                }
            }
            Profile::Spike {
                at_s,
                duration_s,
                factor,
            } => {
                if t >= at_s && t < at_s + duration_s {
                    factor
                } else {
                    1.0
                }
            }
            Profile::Ramp {
                start_s,
                end_s,
                to_factor,
            } => {
                if t <= start_s {
                    1.0
                } else if t >= end_s {
                    to_factor
                } else {
                    1.0 + (to_factor - 1.0) * (t - start_s) / (end_s - start_s)
                }
            }
            Profile::Diurnal {
                period_s,
                amplitude,
            } => 1.0 - amplitude * libm::cos(std::f64::consts::TAU * t / period_s),
        }
    }

    /// End of the piece of the profile containing `t`: inside a piece the factor is either
    /// constant or monotone/bounded, so thinning needs only the piece's maximum.
    fn piece_end(&self, t: f64) -> f64 {
        let next_second = libm::floor(t) + 1.0;
        match self.params.profile {
            Profile::Constant => f64::INFINITY,
            Profile::Step { at_s, .. } => {
                if t < at_s {
                    at_s
                } else {
                    f64::INFINITY
                }
            }
            Profile::Spike {
                at_s, duration_s, ..
            } => {
                if t < at_s {
                    at_s
                } else if t < at_s + duration_s {
                    at_s + duration_s
                } else {
                    f64::INFINITY
                }
            }
            Profile::Ramp { start_s, end_s, .. } => {
                if t < start_s {
                    start_s
                } else if t < end_s {
                    next_second.min(end_s)
                } else {
                    f64::INFINITY
                }
            }
            // One-second pieces keep the thinning bound tight.
            Profile::Diurnal { .. } => next_second,
        }
    }

    /// Whether the factor is constant on the piece starting at `t`.
    fn piece_is_flat(&self, t: f64) -> bool {
        match self.params.profile {
            Profile::Constant | Profile::Step { .. } | Profile::Spike { .. } => true,
            Profile::Ramp { start_s, end_s, .. } => t < start_s || t >= end_s,
            Profile::Diurnal { amplitude, .. } => amplitude == 0.0,
        }
    }

    /// Largest factor on [a, b].
    fn max_factor(&self, a: f64, b: f64) -> f64 {
        match self.params.profile {
            Profile::Diurnal {
                period_s,
                amplitude,
            } => {
                // The peak 1 + amplitude falls at half periods: (k + ½)·period.
                let k = libm::ceil(a / period_s - 0.5);
                let peak = (k + 0.5) * period_s;
                if peak <= b {
                    1.0 + amplitude
                } else {
                    self.factor(a).max(self.factor(b))
                }
            }
            _ => self.factor(a).max(self.factor(b)),
        }
    }

    /// The time of the next arrival after `now`, or `None` if the rate stays zero for ever.
    /// A non-homogeneous Poisson process by thinning within pieces of the profile, restarting
    /// at each piece boundary (exact, thanks to memorylessness).
    pub fn next_arrival(&self, rng: &mut Rng, now: Time) -> Option<Time> {
        // With long-lived connections, arrivals are connects.
        let rate = match &self.params.connections {
            Some(k) => k.connect_rate_per_s,
            None => self.params.rate_rps,
        };
        let base = rate * self.scale;
        if base <= 0.0 || !base.is_finite() {
            return None;
        }
        if let Profile::Constant = self.params.profile {
            return Some(now + secs_to_ns(rng.exponential(1.0 / base)).max(1));
        }
        let mut t = now as f64 / NS_PER_S as f64;
        // A bounded loop: every iteration advances time, but never trust a float loop blindly.
        for _ in 0..1_000_000 {
            let end = self.piece_end(t);
            let flat = self.piece_is_flat(t);
            // On a flat piece the factor at `t` holds until `end` (exclusive); elsewhere take
            // the piece's maximum and thin.
            let lmax = if flat {
                base * self.factor(t)
            } else {
                base * self.max_factor(t, end)
            };
            if lmax <= 0.0 {
                if end.is_infinite() {
                    return None;
                }
                t = end;
                continue;
            }
            t += rng.exponential(1.0 / lmax);
            if t >= end {
                t = end;
                continue;
            }
            if flat || rng.uniform() * lmax <= base * self.factor(t) {
                return Some(secs_to_ns(t).max(now + 1));
            }
        }
        None
    }

    /// The region a new request comes from: `home` (the node's region) unless users are
    /// spread over regions, then one drawn by share (a random number only when there is a
    /// choice, so a client without a spread draws exactly what it always did).
    pub fn draw_origin(&self, rng: &mut Rng, home: u32) -> u32 {
        match self.origins.as_slice() {
            [] => home,
            [(only, _)] => *only,
            all => {
                let total = all.last().map_or(0.0, |x| x.1);
                let u = rng.uniform() * total;
                all.iter()
                    .find(|(_, cum)| u < *cum)
                    .or(all.last())
                    .map_or(home, |x| x.0)
            }
        }
    }

    /// Backoff before retry number `retry` (1 = the first retry).
    pub fn backoff(&self, rng: &mut Rng, retry: u32) -> Time {
        let r = &self.params.retry;
        let exp = libm::pow(r.multiplier, retry.saturating_sub(1) as f64);
        let wait_ms = (r.backoff_ms * exp).min(r.max_backoff_ms);
        let wait_ms = if r.jitter {
            wait_ms * rng.uniform()
        } else {
            wait_ms
        };
        ms_to_ns(wait_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(profile: Profile, rate: f64) -> ClientRt {
        ClientRt::new(
            &ClientParams {
                rate_rps: rate,
                profile,
                ..Default::default()
            },
            1.0,
        )
    }

    /// Counts arrivals in each whole second of [0, secs).
    fn arrivals_per_second(c: &ClientRt, secs: u64, seed: u64) -> Vec<u64> {
        let mut rng = Rng::seed(seed);
        let mut counts = vec![0; secs as usize];
        let mut t = 0;
        while let Some(next) = c.next_arrival(&mut rng, t) {
            if next >= secs * NS_PER_S {
                break;
            }
            counts[(next / NS_PER_S) as usize] += 1;
            t = next;
        }
        counts
    }

    #[test]
    fn constant_rate_is_poisson_with_the_right_mean() {
        // 400 one-second counts: the mean's standard error is √(1000/400) ≈ 1.6 (±10 is 6 of
        // them); the index of dispersion's is √(2/399) ≈ 0.07 (±0.3 is 4 of them).
        let counts = arrivals_per_second(&client(Profile::Constant, 1_000.0), 400, 1);
        let mean = counts.iter().sum::<u64>() as f64 / 400.0;
        let var = counts
            .iter()
            .map(|&c| (c as f64 - mean).powi(2))
            .sum::<f64>()
            / 399.0;
        eprintln!(
            "Poisson arrivals: mean {mean:.2}/s, dispersion {:.3}",
            var / mean
        );
        assert!((mean - 1_000.0).abs() < 10.0, "mean {mean}");
        // Poisson: variance equals the mean (index of dispersion ≈ 1).
        assert!((var / mean - 1.0).abs() < 0.3, "dispersion {}", var / mean);
    }

    #[test]
    fn profiles_shape_the_rate() {
        let spike = Profile::Spike {
            at_s: 10.0,
            duration_s: 5.0,
            factor: 4.0,
        };
        let c = arrivals_per_second(&client(spike, 500.0), 20, 2);
        let before: u64 = c[0..10].iter().sum();
        let during: u64 = c[10..15].iter().sum();
        let after: u64 = c[15..20].iter().sum();
        assert!((before as f64 / 10.0 - 500.0).abs() < 30.0);
        assert!((during as f64 / 5.0 - 2_000.0).abs() < 90.0);
        assert!((after as f64 / 5.0 - 500.0).abs() < 45.0);

        let ramp = Profile::Ramp {
            start_s: 0.0,
            end_s: 10.0,
            to_factor: 3.0,
        };
        let c = arrivals_per_second(&client(ramp, 1_000.0), 12, 3);
        // Second k of the ramp averages 1 + 2·(k + ½)/10 times the base rate.
        for (k, &n) in c.iter().enumerate().take(10) {
            let expected = 1_000.0 * (1.0 + 2.0 * (k as f64 + 0.5) / 10.0);
            assert!(
                (n as f64 - expected).abs() < 4.5 * expected.sqrt(),
                "second {k}: {n}"
            );
        }

        let diurnal = Profile::Diurnal {
            period_s: 20.0,
            amplitude: 0.8,
        };
        let c = arrivals_per_second(&client(diurnal, 1_000.0), 20, 4);
        assert!(c[0] < 400, "night: {}", c[0]);
        assert!(c[10] > 1_600, "peak: {}", c[10]);

        let off = Profile::Step {
            at_s: 5.0,
            factor: 0.0,
        };
        let c = arrivals_per_second(&client(off, 100.0), 10, 5);
        assert!(c[..5].iter().all(|&n| n > 60));
        assert!(c[5..].iter().all(|&n| n == 0));
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let mut c = client(Profile::Constant, 1.0);
        c.params.retry.jitter = false;
        c.params.retry.backoff_ms = 100.0;
        c.params.retry.max_backoff_ms = 500.0;
        let mut rng = Rng::seed(1);
        let waits: Vec<Time> = (1..=4).map(|r| c.backoff(&mut rng, r)).collect();
        assert_eq!(
            waits,
            vec![
                ms_to_ns(100.0),
                ms_to_ns(200.0),
                ms_to_ns(400.0),
                ms_to_ns(500.0)
            ]
        );
    }
}
