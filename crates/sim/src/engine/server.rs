//! Server group: identical instances, each with worker threads and a bounded FIFO queue.
//!
//! A request takes a worker for its CPU time, then — still holding the worker — calls each
//! downstream dependency in turn and waits for the answers. This thread-per-request behaviour is
//! what lets a slow database exhaust an application tier's workers: a cascading failure.

use super::jobs::{Cause, JobRef, Phase, NONE};
use super::lru::{Lookup, Lru};
use super::{Core, Ev, Simulation};
use crate::diagram::{Distribution, ServerParams};
use crate::dist::Sampler;
use crate::metrics::NodeMetrics;
use crate::time::{ms_to_ns, Time};
use std::collections::VecDeque;

#[derive(Clone, Debug, Default)]
pub(crate) struct Instance {
    pub up: bool,
    /// Scaled in: takes no new work; finishes what it holds.
    pub retired: bool,
    /// Started by the autoscaler and not yet ready.
    pub booting: bool,
    /// Workers occupied (computing or waiting downstream).
    pub busy: u32,
    pub queue: VecDeque<JobRef>,
}

#[derive(Clone, Debug)]
pub(crate) struct ServerRt {
    pub params: ServerParams,
    /// Service time in nanoseconds at this instance size.
    pub sampler: Sampler,
    pub instances: Vec<Instance>,
    /// The in-process (L1) cache of each instance, when enabled.
    pub l1: Vec<Lru>,
    rr: u32,
    /// Chaos: service times are multiplied by this.
    pub slow: f64,
    pub scaler: super::autoscale::Scaler,
    /// Indices (into the node's outgoing edges) of its transactions' participants, in step
    /// order; empty unless `transaction.protocol` is set.
    pub txn_outs: Vec<u32>,
}

pub(crate) fn sampler_for(p: &ServerParams) -> Sampler {
    let mean = p.service.mean_ms * 1e6 / p.size.speed();
    match p.service.distribution {
        Distribution::Constant => Sampler::Constant { mean },
        Distribution::Exponential => Sampler::Exponential { mean },
        Distribution::Lognormal => Sampler::lognormal(mean, p.service.cv),
    }
}

impl ServerRt {
    pub fn new(p: &ServerParams) -> ServerRt {
        let mut s = ServerRt {
            params: p.clone(),
            sampler: sampler_for(p),
            instances: Vec::new(),
            l1: Vec::new(),
            rr: 0,
            slow: 1.0,
            scaler: Default::default(),
            txn_outs: Vec::new(),
        };
        s.set_instances(p.instances);
        s
    }

    /// Applies new L1 settings to every instance's cache.
    pub fn retune_l1(&mut self) {
        let (cap, ttl) = (
            self.params.l1.capacity_keys,
            ms_to_ns(self.params.l1.ttl_ms),
        );
        if cap == 0 {
            self.l1.clear();
            return;
        }
        for c in &mut self.l1 {
            c.resize(cap, ttl);
        }
        while self.l1.len() < self.instances.len() {
            self.l1.push(Lru::new(cap, ttl));
        }
    }

    /// A newer version of `key` was committed: every instance's older copy is now stale.
    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        for c in &mut self.l1 {
            c.mark_stale(key, version, now);
        }
    }

    pub fn active_instances(&self) -> u32 {
        self.instances.iter().filter(|i| !i.retired).count() as u32
    }

    /// Instances serving (not retired, not booting, not down).
    pub fn ready_instances(&self) -> u32 {
        self.instances
            .iter()
            .filter(|i| i.up && !i.retired && !i.booting)
            .count() as u32
    }

    /// Workers able to take work now.
    pub fn capacity(&self) -> u64 {
        self.ready_instances() as u64 * self.params.workers as u64
    }

    /// Booting instances cost money too; reserved capacity is paid whether used or not.
    pub fn cost_per_hour(&self) -> f64 {
        self.params.cost_per_hour_for(self.active_instances())
    }

    /// Horizontal scaling: brings instances into (or out of) service. Scaled-in instances drain.
    pub fn set_instances(&mut self, n: u32) {
        let mut active = self.active_instances();
        // Reuse retired instances first, lowest index first.
        for inst in self.instances.iter_mut() {
            if active >= n {
                break;
            }
            if inst.retired {
                inst.retired = false;
                inst.up = true;
                active += 1;
            }
        }
        while active < n {
            self.instances.push(Instance {
                up: true,
                ..Default::default()
            });
            active += 1;
        }
        self.retune_l1();
        for inst in self.instances.iter_mut().rev() {
            if active <= n {
                break;
            }
            if !inst.retired {
                inst.retired = true;
                active -= 1;
            }
        }
    }

    /// Autoscaling: grows or shrinks the group to `target` active instances. New instances
    /// boot (if `boot`) before serving; the newest (booting ones first) are retired first.
    /// Returns the indices of instances that started booting.
    pub fn scale_to(&mut self, target: u32, boot: bool) -> Vec<u32> {
        let mut started = Vec::new();
        let mut active = self.active_instances();
        while active < target {
            let i = match self
                .instances
                .iter()
                .position(|i| i.retired && i.busy == 0 && i.queue.is_empty())
            {
                Some(i) => i,
                None => {
                    self.instances.push(Instance::default());
                    self.instances.len() - 1
                }
            };
            let inst = &mut self.instances[i];
            inst.retired = false;
            inst.booting = boot;
            inst.up = !boot;
            if boot {
                started.push(i as u32);
            }
            active += 1;
        }
        // Retire booting instances first, then the newest.
        for pass in [true, false] {
            for inst in self.instances.iter_mut().rev() {
                if active <= target {
                    break;
                }
                if !inst.retired && inst.booting == pass {
                    inst.retired = true;
                    inst.booting = false;
                    active -= 1;
                }
            }
        }
        self.retune_l1();
        started
    }

    /// Round robin over instances in service (for callers that are not load balancers).
    fn pick(&mut self) -> u32 {
        let n = self.instances.len() as u32;
        for _ in 0..n {
            let i = self.rr % n;
            self.rr = self.rr.wrapping_add(1);
            let inst = &self.instances[i as usize];
            if !inst.retired && !inst.booting {
                return i;
            }
        }
        0
    }
}

impl Simulation {
    pub(super) fn server_arrive(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let super::node::Model::Server(s) = &mut node.model else {
            return;
        };
        let now = core.now;
        let m = &mut node.metrics;
        m.arrival();
        let job = core.jobs.at(j);
        job.arrived_at = now;
        if job.instance == NONE || job.instance as usize >= s.instances.len() {
            job.instance = s.pick();
        }
        let i = job.instance as usize;
        let inst = &mut s.instances[i];
        if !node.up || !inst.up || inst.booting {
            core.reject(m, j, Cause::NodeDown, n);
        } else if inst.busy < s.params.workers {
            start_service(core, s, m, i, j);
        } else if inst.queue.len() < s.params.queue_capacity as usize {
            m.integrate(now);
            m.levels.queued += 1;
            inst.queue.push_back(j);
            core.jobs.at(j).phase = Phase::Queued;
        } else {
            core.reject(m, j, Cause::QueueFull, n);
        }
    }

    /// A worker finished computing: call the next dependency, or answer.
    pub(super) fn server_done(&mut self, j: JobRef) {
        let Some(job) = self.core.jobs.get(j) else {
            return; // aborted while computing (node killed)
        };
        let n = job.node;
        let job = *job;
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        node.metrics.integrate(now);
        node.metrics.levels.cpu -= 1;
        if let super::node::Model::Server(s) = &mut node.model {
            if let Some(l1) = s.l1.get_mut(job.instance as usize) {
                if !job.write && !self.core.class_cacheable(job.class) {
                    // An uncacheable class: no lookup.
                } else if job.write {
                    // The write goes on; this instance's copy is dropped. Other instances keep
                    // theirs — stale once the write commits.
                    l1.remove(job.key);
                } else {
                    match l1.get(job.key, now) {
                        Lookup::Hit {
                            version,
                            stale_since,
                        } => {
                            node.metrics.data.hit();
                            let j2 = self.core.jobs.at(j);
                            j2.version = version;
                            j2.hit = true;
                            if let Some(since) = stale_since {
                                j2.stale_for = (now - since).max(1);
                                node.metrics.data.stale();
                                self.core.trace_stale(n, now - since);
                            }
                            // Answered from memory: no downstream calls.
                            finish(&mut self.core, s, &mut node.metrics, j, n);
                            return;
                        }
                        Lookup::Expired => {
                            node.metrics.data.expired();
                            node.metrics.data.miss();
                        }
                        Lookup::Miss => node.metrics.data.miss(),
                    }
                }
            }
        }
        self.server_continue(n, j);
    }

    /// Makes the next downstream call of `j`, or finishes it when none is left.
    pub(super) fn server_continue(&mut self, n: u32, j: JobRef) {
        let mut step = self.core.jobs.at(j).step as usize;
        let txn = match &self.nodes[n as usize].model {
            super::node::Model::Server(s) => !s.txn_outs.is_empty(),
            _ => false,
        };
        if txn && self.core.jobs.at(j).write {
            // A write is one transaction over the participants, in place of its calls to
            // them: started before the first call, and the participants skipped after it.
            if self.core.jobs.at(j).epoch == 0 && self.maybe_start_txn(n, j) {
                return;
            }
            if let super::node::Model::Server(s) = &self.nodes[n as usize].model {
                while s.txn_outs.contains(&(step as u32)) {
                    step += 1;
                }
            }
            self.core.jobs.at(j).step = step as u32;
        }
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        if let Some(&out) = node.out.get(step) {
            core.jobs.at(j).phase = Phase::Waiting;
            core.call(n, j, out, NONE, 0);
        } else {
            let super::node::Model::Server(s) = &mut node.model else {
                return;
            };
            finish(core, s, &mut node.metrics, j, n);
        }
    }

    /// Fails `j` (its `failed` already set) and answers its caller.
    pub(super) fn server_fail(&mut self, n: u32, j: JobRef) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        let super::node::Model::Server(s) = &mut node.model else {
            return;
        };
        finish(core, s, &mut node.metrics, j, n);
    }

    /// Which outgoing edges are each transactional server's participants: the named nodes,
    /// or every database it calls, in edge order.
    pub(super) fn rebuild_txn_outs(&mut self) {
        use crate::diagram::TxnProtocol;
        let kinds: Vec<crate::ComponentKind> = self.nodes.iter().map(|n| n.kind).collect();
        let ids: Vec<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        for node in &mut self.nodes {
            let super::node::Model::Server(s) = &mut node.model else {
                continue;
            };
            s.txn_outs.clear();
            let t = &s.params.transaction;
            if t.protocol == TxnProtocol::None {
                continue;
            }
            let out_of = |target: u32| node.out.iter().position(|o| o.target == target);
            if t.participants.is_empty() {
                for (i, o) in node.out.iter().enumerate() {
                    if kinds[o.target as usize] == crate::ComponentKind::Database {
                        s.txn_outs.push(i as u32);
                    }
                }
            } else {
                for id in &t.participants {
                    let target = ids.iter().position(|x| x == id).map(|x| x as u32);
                    if let Some(i) = target.and_then(out_of) {
                        s.txn_outs.push(i as u32);
                    }
                }
            }
        }
    }

    /// An answer from downstream reached a server job waiting for it.
    pub(super) fn server_answer(&mut self, parent: JobRef, child: &super::jobs::Job) {
        let n = self.core.jobs.at(parent).node;
        self.core.jobs.at(parent).inherit(child);
        if let Some(f) = child.failed {
            let Simulation { core, nodes, .. } = self;
            let node = &mut nodes[n as usize];
            let super::node::Model::Server(s) = &mut node.model else {
                return;
            };
            core.jobs.at(parent).failed = Some(f);
            finish(core, s, &mut node.metrics, parent, n);
        } else {
            self.core.jobs.at(parent).step += 1;
            self.server_continue(n, parent);
        }
    }
}

fn start_service(core: &mut Core, s: &mut ServerRt, m: &mut NodeMetrics, i: usize, j: JobRef) {
    m.integrate(core.now);
    m.started(core.now - core.jobs.at(j).arrived_at);
    m.levels.busy += 1;
    m.levels.cpu += 1;
    s.instances[i].busy += 1;
    let job = core.jobs.at(j);
    job.phase = Phase::InService;
    let class = job.class;
    let service = s.sampler.sample(&mut core.rng) * s.slow * core.class_cost(class);
    let rounded = if service > 0.0 && service < u64::MAX as f64 {
        crate::time::round_positive(service)
    } else {
        libm::round(service) as Time
    };
    let at = core.now + rounded.max(1);
    core.queue.push(at, Ev::Done(j));
}

/// Releases the worker held by `j`, answers its caller, and starts queued work.
fn finish(core: &mut Core, s: &mut ServerRt, m: &mut NodeMetrics, j: JobRef, _n: u32) {
    let job = *core.jobs.at(j);
    let i = job.instance as usize;
    if !job.write && !job.hit && job.failed.is_none() && core.class_cacheable(job.class) {
        if let Some(l1) = s.l1.get_mut(i) {
            let since = (job.stale_for > 0).then(|| core.now.saturating_sub(job.stale_for));
            if l1.put(job.key, job.version, core.now, since) {
                m.data.evicted();
            }
        }
    }
    m.integrate(core.now);
    m.levels.busy -= 1;
    s.instances[i].busy -= 1;
    core.send_answer(m, j);
    let workers = s.params.workers;
    while s.instances[i].up && s.instances[i].busy < workers {
        let Some(next) = s.instances[i].queue.pop_front() else {
            break;
        };
        m.integrate(core.now);
        m.levels.queued -= 1;
        start_service(core, s, m, i, next);
    }
}
