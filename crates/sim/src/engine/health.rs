//! Load-balancer health checks and standby failover.
//!
//! Without health checks a balancer keeps sending a dead server its share of requests, and
//! every one fails. With them, it probes each backend every `interval_ms`; a probe of a dead
//! backend times out after `timeout_ms`, and after `unhealthy_threshold` failures in a row the
//! backend leaves the rotation — the window of errors a learner can watch close. A backend
//! that answers `healthy_threshold` probes in a row comes back.

use super::jobs::NONE;
use super::node::Model;
use super::{Ev, LogWhat, Simulation};
use crate::time::ms_to_ns;

impl Simulation {
    /// Starts (or keeps) the health-check cycle of balancer `n` if its checks are on.
    pub(super) fn ensure_health_checks(&mut self, n: u32) {
        let now = self.core.now;
        if let Model::Balancer(lb) = &mut self.nodes[n as usize].model {
            if lb.params.health_check.enabled && !lb.checking {
                lb.checking = true;
                let at = now + ms_to_ns(lb.params.health_check.interval_ms).max(1);
                self.core.queue.push(at, Ev::HealthCheck { node: n });
            }
        }
    }

    /// Whether backend `instance` of node `target` would answer a probe from balancer (or
    /// traffic manager) `lb` over its edge number `out`.
    pub(super) fn probe(&self, lb: u32, target: u32, instance: u32, out: u32) -> bool {
        let node = &self.nodes[target as usize];
        let link_ok = self.nodes[lb as usize]
            .out
            .get(out as usize)
            .is_some_and(|o| !o.cut);
        let up = node.up
            && match &node.model {
                Model::Server(s) if instance != NONE => s
                    .instances
                    .get(instance as usize)
                    .is_some_and(|i| i.up && !i.booting),
                Model::Removed => false,
                _ => true,
            };
        link_ok && up
    }

    pub(super) fn on_health_check(&mut self, n: u32) {
        let now = self.core.now;
        let (enabled, backends) = match &mut self.nodes[n as usize].model {
            Model::Balancer(lb) => {
                if !lb.params.health_check.enabled {
                    lb.checking = false;
                    return;
                }
                (true, lb.backends.clone())
            }
            _ => return,
        };
        debug_assert!(enabled);
        let targets: Vec<u32> = self.nodes[n as usize]
            .out
            .iter()
            .map(|o| o.target)
            .collect();
        let results: Vec<bool> = backends
            .iter()
            .map(|b| {
                let target = targets.get(b.out as usize).copied().unwrap_or(NONE);
                target != NONE && self.probe(n, target, b.instance, b.out)
            })
            .collect();
        let mut recovered = Vec::new();
        let Model::Balancer(lb) = &mut self.nodes[n as usize].model else {
            return;
        };
        let h = lb.params.health_check.clone();
        for (i, ok) in results.into_iter().enumerate() {
            if ok {
                let s = &mut lb.health[i];
                s.ok_streak += 1;
                s.fail_streak = 0;
                if !s.healthy && s.ok_streak >= h.healthy_threshold {
                    s.healthy = true;
                    recovered.push(i);
                }
            } else {
                lb.pending_fail.push(lb.backends[i].identity);
            }
        }
        if !lb.pending_fail.is_empty() {
            self.core.queue.push(
                now + ms_to_ns(h.timeout_ms).max(1),
                Ev::HealthVerdict { node: n },
            );
        }
        self.core.queue.push(
            now + ms_to_ns(h.interval_ms).max(1),
            Ev::HealthCheck { node: n },
        );
        for i in recovered {
            let backend = self.backend_name(n, i);
            self.log(n, LogWhat::BackendUp { backend });
        }
    }

    /// Probes that got no answer count as failures once they time out.
    pub(super) fn on_health_verdict(&mut self, n: u32) {
        let Model::Balancer(lb) = &mut self.nodes[n as usize].model else {
            return;
        };
        let threshold = lb.params.health_check.unhealthy_threshold;
        let mut removed = Vec::new();
        for id in std::mem::take(&mut lb.pending_fail) {
            let Some(i) = lb.backends.iter().position(|b| b.identity == id) else {
                continue;
            };
            let s = &mut lb.health[i];
            s.fail_streak += 1;
            s.ok_streak = 0;
            if s.healthy && s.fail_streak >= threshold {
                s.healthy = false;
                removed.push(i);
            }
        }
        for i in removed {
            let backend = self.backend_name(n, i);
            self.log(n, LogWhat::BackendDown { backend });
        }
    }

    /// "api#2" for instance 2 of server group api, or the node id.
    fn backend_name(&self, lb: u32, i: usize) -> String {
        let Model::Balancer(b) = &self.nodes[lb as usize].model else {
            return String::new();
        };
        let Some(backend) = b.backends.get(i) else {
            return String::new();
        };
        let target = self.nodes[lb as usize]
            .out
            .get(backend.out as usize)
            .and_then(|o| self.node_id(o.target))
            .unwrap_or("?");
        if backend.instance == NONE {
            target.to_owned()
        } else {
            format!("{target}#{}", backend.instance)
        }
    }

    /// Which backends of balancer `id` are out of rotation now (by "node#instance").
    pub fn unhealthy_backends(&self, id: &str) -> Vec<String> {
        let Some(&n) = self.index.get(id) else {
            return Vec::new();
        };
        let Model::Balancer(lb) = &self.nodes[n as usize].model else {
            return Vec::new();
        };
        lb.health
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.healthy)
            .map(|(i, _)| self.backend_name(n, i))
            .collect()
    }

    /// The standby of a killed balancer takes over (if it is still down).
    pub(super) fn on_standby(&mut self, n: u32) {
        let node = &mut self.nodes[n as usize];
        if node.up {
            return;
        }
        if let Model::Balancer(lb) = &mut node.model {
            lb.standby_used = true;
            lb.free_at = self.core.now;
            node.up = true;
            self.log(n, LogWhat::StandbyTookOver);
        }
    }

    /// A balancer just died: its standby (if it has an unused one) takes over later.
    pub(super) fn after_balancer_died(&mut self, n: u32) {
        if let Model::Balancer(lb) = &self.nodes[n as usize].model {
            if lb.params.standby_failover_ms > 0.0 && !lb.standby_used {
                let at = self.core.now + ms_to_ns(lb.params.standby_failover_ms);
                self.core.queue.push(at, Ev::Standby { node: n });
            }
        }
    }
}
