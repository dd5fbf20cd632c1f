//! What happens at a client: generating requests, starting attempts, timeouts, retries, and
//! counting each request once as completed or failed.

use super::classes::NO_CLASS;
use super::client::Deadline;
use super::jobs::{Cause, Failure, JobRef, Phase, ReqRef, Request, NONE};
use super::node::Model;
use super::{Ev, Simulation};

impl Simulation {
    pub(super) fn on_generate(&mut self, c: u32, epoch: u32) {
        let node = &self.nodes[c as usize];
        let Model::Client(cl) = &node.model else {
            return;
        };
        if epoch != cl.epoch {
            return; // superseded by a retune
        }
        let now = self.core.now;
        if cl.params.connections.is_some() {
            if node.up {
                self.open_connection(c, None);
            }
        } else {
            self.new_request(c, None);
        }
        let Model::Client(cl) = &mut self.nodes[c as usize].model else {
            return;
        };
        if let Some(t) = cl.next_arrival(&mut self.core.rng, now) {
            let stream = super::lanes::arrivals_of(c);
            self.core
                .queue
                .push_stream(stream, t, Ev::Generate { node: c, epoch });
        }
    }

    /// A new request of client `c` (if it is up). `conn`: the long-lived connection it is a
    /// message on, which stands for its session; otherwise the session is drawn.
    pub(super) fn new_request(&mut self, c: u32, conn: Option<u32>) {
        if self.over_caps(c) {
            if self.nodes[c as usize].up {
                self.overflow(c);
            }
            return;
        }
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[c as usize];
        let Model::Client(cl) = &mut node.model else {
            return;
        };
        let now = core.now;
        if node.up {
            let key = cl.zipf.sample(&mut core.rng);
            // With classes, one draw picks the class (whose method decides the write); without,
            // the read/write draw of old — the random stream of such clients is unchanged.
            let (write, class) = if cl.class_ids.is_empty() {
                (!core.rng.bernoulli(cl.params.read_ratio), NO_CLASS)
            } else {
                let i = super::classes::pick(&cl.class_cum, core.rng.uniform());
                let class = cl.class_ids[i];
                let write = core.classes.get(class as usize).is_some_and(|c| c.write);
                (write, class)
            };
            let session = match conn {
                Some(i) => i,
                None => core.rng.below(cl.params.sessions.max(1)) as u32,
            };
            let origin = cl.draw_origin(&mut core.rng, node.region);
            let r = core.reqs.alloc(Request {
                gen: 0,
                live: true,
                waiting: false,
                write,
                class,
                attempt: 0,
                client: c,
                session,
                key,
                key_space: cl.params.key_space,
                origin,
                created: now,
            });
            // Counted once, folded into the three sets of counts each second (`e2e_fold.rs`).
            core.e2e.fresh.generated += 1;
            core.class_generated(class);
            if let Some(t) = core.e2e.regions.get_mut(origin as usize) {
                t.lifetime_generated += 1;
                t.generated += 1;
            }
            node.metrics.arrival();
            self.start_attempt(c, r);
        }
    }

    /// Sends attempt number `req.attempt` of a request to one of the client's targets.
    fn start_attempt(&mut self, c: u32, r: ReqRef) {
        // A message on a long-lived connection goes over the connection's edge.
        let pinned_out = if self.conns.active {
            self.core
                .reqs
                .get(r)
                .and_then(|q| self.conns.out_for(c, q.session))
        } else {
            None
        };
        let Simulation { core, nodes, .. } = self;
        // Users spread over regions pay the round trip from their own region to the first hop,
        // not the client node's: the target's region is read before the client is borrowed.
        let target_region = {
            let node = &nodes[c as usize];
            match &node.model {
                Model::Client(cl) if !cl.origins.is_empty() && !node.out.is_empty() => {
                    let out = node.out[cl.rr as usize % node.out.len()];
                    Some(nodes[out.target as usize].region)
                }
                _ => None,
            }
        };
        let node = &mut nodes[c as usize];
        let Model::Client(cl) = &mut node.model else {
            return;
        };
        let now = core.now;
        if node.out.is_empty() {
            // Its edges were removed while a retry waited.
            self.attempt_failed(
                c,
                r,
                Failure {
                    cause: Cause::NodeRemoved,
                    node: c,
                },
            );
            return;
        }
        let out = match pinned_out {
            Some(i) => node.out[i as usize % node.out.len()],
            None => {
                let out = node.out[cl.rr as usize % node.out.len()];
                cl.rr = cl.rr.wrapping_add(1);
                out
            }
        };
        if out.cut {
            // The network to the first hop is cut: the attempt fails at once.
            if let Some(q) = core.reqs.get_mut(r) {
                q.waiting = true;
            }
            cl.stats.attempts += 1;
            core.e2e.fresh.attempts += 1;
            self.attempt_failed(
                c,
                r,
                Failure {
                    cause: Cause::Partitioned,
                    node: c,
                },
            );
            return;
        }
        let Some(slot) = core.reqs.get_mut(r) else {
            return;
        };
        // Copied before the write: read back whole right after a one-byte store, the copy
        // waited on a store-to-load forward (the hottest line of this function in `perf`).
        let q = *slot;
        slot.waiting = true;
        cl.stats.attempts += 1;
        core.e2e.fresh.attempts += 1;
        let mut hop = if out.jitter == 0 {
            out.base
        } else {
            out.base + core.rng.below(out.jitter + 1)
        };
        if let Some(to) = target_region {
            hop = hop - out.region_delay + core.regions.one_way(q.origin, to);
        }
        let k = core.jobs.alloc();
        let job = core.jobs.at(k);
        job.phase = Phase::ToNode;
        job.write = q.write;
        job.class = q.class;
        job.attempt = q.attempt;
        job.req = r.idx;
        job.req_gen = r.gen;
        job.session = q.session;
        job.key = q.key;
        job.key_space = q.key_space;
        job.origin = q.origin;
        job.node = out.target;
        job.instance = NONE;
        job.from = c;
        job.parent = JobRef::ROOT;
        job.hop = hop;
        job.sent_at = now;
        core.queue
            .push_in_lane(out.lane as usize, now + hop, Ev::Arrive(k));
        core.count_edge(out.edge);
        let kind = if q.write {
            super::DotKind::Write
        } else {
            super::DotKind::Read
        };
        core.tracer.hop(|| super::Trace::Hop {
            at: now,
            from: c,
            to: out.target,
            latency: hop,
            kind,
            answer: false,
        });
        if cl.timeout > 0 {
            let at = now + cl.timeout;
            cl.deadlines.push_back(Deadline {
                at,
                req: r,
                attempt: q.attempt,
            });
            if cl.timer_at.is_none_or(|t| t > at) {
                cl.timer_at = Some(at);
                core.queue.push(at, Ev::Timer { node: c });
            }
        }
    }

    /// The answer to a client's own job (an attempt) arrived.
    pub(super) fn client_answer(&mut self, j: JobRef) {
        let job = *self.core.jobs.at(j);
        self.core.jobs.free(j);
        let c = job.from;
        let r = ReqRef {
            idx: job.req,
            gen: job.req_gen,
        };
        let current = self
            .core
            .reqs
            .get(r)
            .is_some_and(|q| q.waiting && q.attempt == job.attempt);
        if !current {
            if let Model::Client(cl) = &mut self.nodes[c as usize].model {
                cl.stats.late_answers += 1;
            }
            return;
        }
        match job.failed {
            None => self.complete(c, r, &job),
            Some(f) => self.attempt_failed(c, r, f),
        }
    }

    fn complete(&mut self, c: u32, r: ReqRef, answer: &super::jobs::Job) {
        let Some(q) = self.core.reqs.get(r).copied() else {
            return;
        };
        let now = self.core.now;
        let latency = now - q.created;
        // Read-your-writes: this session's last write, if it was to the same key.
        let mut violated = false;
        if let Model::Client(cl) = &mut self.nodes[c as usize].model {
            if q.write {
                cl.last_write.insert(q.session, (q.key, answer.version));
            } else if let Some(&(key, version)) = cl.last_write.get(&q.session) {
                violated = key == q.key && answer.version < version;
            }
        }
        let e2e = &mut self.core.e2e;
        let counts = &mut e2e.fresh;
        counts.completed += 1;
        if q.write {
            counts.writes += 1;
        } else {
            counts.reads += 1;
            counts.stale_reads += (answer.stale_for > 0) as u64;
            counts.ryw_violations += violated as u64;
        }
        // Written once, folded into the five end-to-end histograms each second (`e2e_fold.rs`).
        if q.write {
            e2e.fresh_writes.record(latency);
        } else {
            e2e.fresh_reads.record(latency);
        }
        if let Some(t) = e2e.regions.get_mut(q.origin as usize) {
            t.completed += 1;
            t.latency.record(latency);
            t.window.0 += 1;
            t.window.2 += u128::from(latency);
        }
        if q.class != NO_CLASS {
            self.core.class_completed(q.class, latency);
        }
        let e2e = &mut self.core.e2e;
        if !q.write && answer.stale_for > 0 {
            e2e.staleness.record(answer.stale_for);
        }
        if violated {
            self.core.tracer.drop(|| super::Trace::Mark {
                at: now,
                node: c,
                mark: super::Mark::ReadYourWrites,
            });
        }
        self.nodes[c as usize].metrics.answered_ok(latency);
        self.core.reqs.free(r);
    }

    /// An attempt failed (error answer or timeout): retry after a backoff, or give up.
    fn attempt_failed(&mut self, c: u32, r: ReqRef, f: Failure) {
        let Simulation { core, nodes, .. } = self;
        let Some(q) = core.reqs.get_mut(r) else {
            return;
        };
        q.waiting = false;
        let retries_used = q.attempt as u32;
        if let Model::Client(cl) = &mut nodes[c as usize].model {
            if retries_used < cl.params.retry.max_retries {
                let wait = cl.backoff(&mut core.rng, retries_used + 1);
                cl.stats.retries += 1;
                core.queue.push(core.now + wait, Ev::Retry(r));
                return;
            }
        }
        self.fail(c, r, f);
    }

    /// The request ends in failure.
    pub(super) fn fail(&mut self, c: u32, r: ReqRef, f: Failure) {
        let Some((origin, class)) = self.core.reqs.get(r).map(|q| (q.origin, q.class)) else {
            return;
        };
        if class != NO_CLASS {
            self.core.class_failed(class, f.cause);
        }
        let e2e = &mut self.core.e2e;
        if let Some(t) = e2e.regions.get_mut(origin as usize) {
            t.failed += 1;
            t.window.1 += 1;
        }
        e2e.fresh.failed += 1;
        *e2e.failures.entry((f.cause, f.node)).or_insert(0) += 1;
        self.nodes[c as usize].metrics.answered_error();
        self.core.reqs.free(r);
    }

    pub(super) fn on_retry(&mut self, r: ReqRef) {
        let Some(q) = self.core.reqs.get_mut(r) else {
            return;
        };
        q.attempt = q.attempt.saturating_add(1);
        let c = q.client;
        self.start_attempt(c, r);
    }

    /// The earliest deadline of a client passed: time out every attempt that is still waiting.
    pub(super) fn on_timer(&mut self, c: u32) {
        let now = self.core.now;
        loop {
            let Model::Client(cl) = &mut self.nodes[c as usize].model else {
                return;
            };
            if cl.timer_at.is_some_and(|t| t > now) {
                return; // a stale timer: a later one is already scheduled
            }
            let Some(&d) = cl.deadlines.front() else {
                cl.timer_at = None;
                return;
            };
            let pending = self
                .core
                .reqs
                .get(d.req)
                .is_some_and(|q| q.waiting && q.attempt == d.attempt);
            if !pending {
                cl.deadlines.pop_front(); // answered in time, or already retried
                continue;
            }
            if d.at > now {
                cl.timer_at = Some(d.at);
                self.core.queue.push(d.at, Ev::Timer { node: c });
                return;
            }
            cl.deadlines.pop_front();
            cl.stats.timeouts += 1;
            self.core.tracer.drop(|| super::Trace::Drop {
                at: now,
                node: c,
                cause: Cause::Timeout,
            });
            self.attempt_failed(
                c,
                d.req,
                Failure {
                    cause: Cause::Timeout,
                    node: c,
                },
            );
        }
    }
}
