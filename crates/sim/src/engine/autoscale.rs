//! Autoscaling of server groups with Kubernetes HPA semantics.
//!
//! Every `interval_s` the autoscaler measures the group — average CPU utilisation of ready
//! instances, or requests per second per ready instance — and computes
//! desired = ceil(current × metric / target), doing nothing within ±10 % of the target. It
//! scales up at once (new instances serve after `boot_s`), but scales down only to the highest
//! recommendation of the last `stabilization_s`, so a brief dip does not shed capacity that the
//! next peak needs. Scheduled bounds (peak / off-peak) replace min and max from their time on.

use super::node::Model;
use super::{Ev, LogWhat, Simulation};
use crate::diagram::ScaleMetric;
use crate::time::{secs_to_ns, Time};
use std::collections::VecDeque;

/// HPA's tolerance: ratios within 10 % of 1 change nothing.
const TOLERANCE: f64 = 0.1;

#[derive(Clone, Debug, Default)]
pub(crate) struct Scaler {
    /// An evaluation is scheduled.
    pub scheduled: bool,
    last_at: Time,
    last_cpu: u128,
    last_capacity: u128,
    last_arrivals: u64,
    /// (time, desired) recommendations within the stabilisation window.
    recommendations: VecDeque<(Time, u32)>,
}

/// desired = ceil(current × metric / target), or current within the tolerance.
pub fn hpa_desired(current: u32, metric: f64, target: f64) -> u32 {
    if current == 0 || target <= 0.0 || !metric.is_finite() {
        return current;
    }
    let ratio = metric / target;
    if (ratio - 1.0).abs() <= TOLERANCE {
        current
    } else {
        // A hair below the next integer counts as that integer (floating-point noise).
        libm::ceil(current as f64 * ratio - 1e-9).max(0.0) as u32
    }
}

impl Simulation {
    /// Starts the autoscaler of server group `n` if it is enabled.
    pub(super) fn ensure_autoscaler(&mut self, n: u32) {
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        if let Model::Server(s) = &mut node.model {
            if s.params.autoscale.enabled && !s.scaler.scheduled {
                s.scaler.scheduled = true;
                let a = node.metrics.areas_until(now);
                s.scaler.last_at = now;
                s.scaler.last_cpu = a.cpu;
                s.scaler.last_capacity = a.capacity;
                s.scaler.last_arrivals = node.metrics.total.arrivals;
                let at = now + secs_to_ns(s.params.autoscale.interval_s).max(1);
                self.core.queue.push(at, Ev::Autoscale { node: n });
            }
        }
    }

    pub(super) fn on_autoscale(&mut self, n: u32) {
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        let Model::Server(s) = &mut node.model else {
            return;
        };
        let a = s.params.autoscale.clone();
        if !a.enabled {
            s.scaler.scheduled = false;
            return;
        }
        self.core.queue.push(
            now + secs_to_ns(a.interval_s).max(1),
            Ev::Autoscale { node: n },
        );
        // Measure the last interval (statistics reset at warm-up: then start afresh).
        let areas = node.metrics.areas_until(now);
        let arrivals = node.metrics.total.arrivals;
        let sc = &mut s.scaler;
        if areas.cpu < sc.last_cpu
            || areas.capacity < sc.last_capacity
            || arrivals < sc.last_arrivals
            || now < sc.last_at
        {
            sc.last_cpu = 0;
            sc.last_capacity = 0;
            sc.last_arrivals = 0;
            sc.last_at = sc.last_at.min(now);
        }
        let dt = now.saturating_sub(sc.last_at) as f64 / 1e9;
        let cpu = areas.cpu - sc.last_cpu;
        let capacity = areas.capacity - sc.last_capacity;
        let arrived = arrivals - sc.last_arrivals;
        sc.last_at = now;
        sc.last_cpu = areas.cpu;
        sc.last_capacity = areas.capacity;
        sc.last_arrivals = arrivals;
        let ready = s.ready_instances();
        let metric = match a.metric {
            ScaleMetric::Cpu if capacity > 0 => cpu as f64 / capacity as f64,
            ScaleMetric::Rps if ready > 0 && dt > 0.0 => arrived as f64 / dt / ready as f64,
            _ => return, // nothing ready to measure
        };
        let (min, max) = a
            .schedule
            .iter()
            .filter(|p| secs_to_ns(p.at_s) <= now)
            .max_by(|x, y| x.at_s.total_cmp(&y.at_s))
            .map_or((a.min, a.max), |p| (p.min, p.max));
        let current = s.active_instances();
        // Validation keeps min ≤ max; never panic on a diagram that slipped past it.
        let hi = max.max(1);
        let desired = hpa_desired(current, metric, a.target).clamp(min.clamp(1, hi), hi);
        // Scale-down stabilisation: act on the highest recommendation of the window.
        let window = secs_to_ns(a.stabilization_s);
        let sc = &mut s.scaler;
        sc.recommendations.push_back((now, desired));
        while sc
            .recommendations
            .front()
            .is_some_and(|&(t, _)| now.saturating_sub(t) > window)
        {
            sc.recommendations.pop_front();
        }
        let stabilized = sc
            .recommendations
            .iter()
            .map(|&(_, d)| d)
            .max()
            .unwrap_or(desired);
        let target = if desired > current {
            desired
        } else {
            stabilized.min(current).max(desired)
        };
        if target == current {
            return;
        }
        let boot = secs_to_ns(a.boot_s);
        let new = s.scale_to(target, boot > 0);
        for i in new {
            self.core.queue.push(
                now + boot,
                Ev::Boot {
                    node: n,
                    instance: i,
                },
            );
        }
        self.log(
            n,
            LogWhat::Scaled {
                from: current,
                to: target,
            },
        );
        self.refresh_capacity(n);
        self.rebuild_backends();
    }

    /// A new instance is ready: it starts serving and joins its balancers.
    pub(super) fn on_boot(&mut self, n: u32, instance: u32) {
        let node = &mut self.nodes[n as usize];
        let up = node.up;
        let Model::Server(s) = &mut node.model else {
            return;
        };
        let Some(inst) = s.instances.get_mut(instance as usize) else {
            return;
        };
        if !inst.booting {
            return;
        }
        inst.booting = false;
        inst.up = up;
        self.log(n, LogWhat::Booted { instance });
        self.refresh_capacity(n);
        self.rebuild_backends();
    }
}

#[cfg(test)]
mod tests {
    use super::hpa_desired;

    #[test]
    fn hpa_formula_with_tolerance() {
        assert_eq!(hpa_desired(4, 0.9, 0.6), 6, "ceil(4 × 1.5)");
        assert_eq!(hpa_desired(4, 0.63, 0.6), 4, "within 10 %: no change");
        assert_eq!(hpa_desired(4, 0.2, 0.6), 2, "ceil(4 / 3)");
        assert_eq!(hpa_desired(3, 0.6 * 4.0 / 3.0, 0.6), 4);
        assert_eq!(hpa_desired(0, 1.0, 0.6), 0);
    }
}
