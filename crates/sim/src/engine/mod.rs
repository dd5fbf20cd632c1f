//! The discrete-event engine.
//!
//! One [`Simulation`] owns the clock, the event queue, the random stream, and every node's state.
//! Models only react to events; nothing polls. Time is integer nanoseconds. Given the same diagram
//! and seed, the sequence of events — and so every number reported — is identical on every
//! platform, natively and in the browser.

mod autoscale;
mod balancer;
mod batch_job;
mod batch_report;
mod cache;
mod cache_cluster;
mod cdn;
mod chaos;
mod classes;
mod client;
mod client_flow;
mod connection;
mod database;
mod e2e_fold;
mod eviction;
mod failover;
mod hashring;
mod health;
mod jobs;
mod l7;
mod lanes;
mod lfu;
mod live;
mod lru;
mod message_queue;
mod node;
mod overflow;
mod partition;
mod queue;
mod random_evict;
mod regions;
mod report;
mod router;
mod server;
mod spread;
mod trace;
mod traffic_manager;
mod transaction;
mod txn_sequence;

pub use batch_job::{BatchCounts, JobPhase};
pub use batch_report::{JobReport, JobTimeline, PhaseSpan, RunCounts, TaskCounts};
pub use cache::MemberCounts;
pub use cache_cluster::{Remap, REMAP_KEYS_MAX};
pub use cdn::CdnCounts;
pub use client::ClientStats;
pub use connection::ConnectionCounts;
pub use database::DatabaseStats;
pub use jobs::{Cause, N_CAUSES};
pub use l7::{L7_CPU_FACTOR, L7_EXTRA_LATENCY_MS};
pub use live::Edit;
pub use message_queue::QueueCounts;
pub use partition::PartitionStats;
pub use regions::RegionNow;
pub use report::{
    CacheMemberReport, CdnCacheReport, CdnReport, Ci95, ClassReport, ClusterReport, Dot, DotKind,
    EdgeReport, EndToEndReport, Latency, NodeReport, NodeStatus, PartitionReport, QueueReport,
    RegionReport, Report, SloReport, TargetReport, TrafficManagerReport, TransactionReport, Unit,
};
pub use router::keys_moved_if_added;
pub use spread::{BackendShare, BalancerReport};
pub use trace::{Mark, Trace};
pub use transaction::TxnStats;
pub use txn_sequence::{
    HoldKind, SeqArrow, SeqHold, SeqMessage, SeqNote, SeqNoteKind, SeqOutcome, TxnSamples,
    TxnSequence,
};

use crate::diagram::{Diagram, Problem};
use crate::dist::Rng;
use crate::metrics::{BatchMeans, EndToEndSample, Histogram, NodeMetrics, Series};
use crate::time::{secs_to_ns, Time, NS_PER_S};
use jobs::{Failure, JobRef, Jobs, Phase, ReqRef, Requests};
use node::{Model, NodeRt, Out};
use queue::EventQueue;
use std::collections::BTreeMap;

/// Something that happens at an instant.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    /// A client's next request. `epoch` cancels arrivals scheduled before a retune.
    Generate { node: u32, epoch: u32 },
    /// A job reaches its node.
    Arrive(JobRef),
    /// A server worker (or database connection) finishes a job's work.
    Done(JobRef),
    /// Every replica has acknowledged a synchronous write.
    Commit(JobRef),
    /// A job's answer reaches its caller.
    Answer(JobRef),
    /// A client's earliest attempt deadline.
    Timer { node: u32 },
    /// A request's retry backoff has elapsed.
    Retry(ReqRef),
    /// A simulated second ends: chart samples are taken.
    Tick,
    /// A batch for confidence intervals ends.
    BatchEnd,
    /// Warm-up ends: statistics start.
    WarmupEnd,
    /// A scripted chaos event (index into the diagram's timeline, under an epoch).
    Chaos { index: u32, epoch: u32 },
    /// A load balancer probes its backends.
    HealthCheck { node: u32 },
    /// Probes that timed out are counted as failed.
    HealthVerdict { node: u32 },
    /// A load balancer's standby takes over.
    Standby { node: u32 },
    /// A traffic manager probes its targets.
    Probe { node: u32 },
    /// A database promotes a replica after its primary died.
    Promote { node: u32, member: u32 },
    /// An autoscaler evaluates its group.
    Autoscale { node: u32 },
    /// A side of a partitioned database elects a primary (`epoch`: the partition it is for).
    SidePromote { node: u32, side: u32, epoch: u32 },
    /// A new server instance has booted.
    Boot { node: u32, instance: u32 },
    /// A queue's delivery of message slot `msg` has been out for its visibility timeout.
    Visibility { node: u32, msg: u32, delivery: u32 },
    /// A distributed transaction's message arrives, or one of its timers fires.
    Txn { txn: u32, gen: u32, msg: u32 },
    /// A long-lived connection's user closes it (its lifetime ended).
    ConnEnd { conn: u32, gen: u32 },
    /// A message on a long-lived connection.
    Message { conn: u32, gen: u32 },
    /// A batch job starts a run, ends its setup or shuffle, checks for slow tasks, or one of
    /// its task attempts (`step`) ends. `gen` drops events of an abandoned run or schedule.
    Batch { node: u32, gen: u32, step: u32 },
}

/// Something the system did on its own, worth a line in the event log.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogEvent {
    pub at: Time,
    /// The node concerned.
    pub node: String,
    pub what: LogWhat,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LogWhat {
    /// A health check took a backend out of rotation / put it back.
    BackendDown {
        backend: String,
    },
    BackendUp {
        backend: String,
    },
    /// A standby load balancer took over.
    StandbyTookOver,
    /// A replica was promoted; writes not yet replicated were lost.
    Promoted {
        member: u32,
        lost_writes: u64,
    },
    /// The autoscaler changed the group size.
    Scaled {
        from: u32,
        to: u32,
    },
    /// An instance finished booting.
    Booted {
        instance: u32,
    },
    /// Backends left this balancer gracefully: their long-lived connections were drained, and
    /// their users reconnected through it.
    ConnectionsDrained {
        connections: u64,
    },
    /// This node crashed: the long-lived connections through it or pinned to it were cut.
    ConnectionsDropped {
        connections: u64,
    },
    /// A traffic manager's probes declared a target (a region's entry point) down / up.
    TargetDown {
        target: String,
        region: String,
    },
    TargetUp {
        target: String,
        region: String,
    },
    /// A scripted chaos action ran.
    Chaos {
        action: crate::diagram::ChaosAction,
    },
    /// A partition left `members` members of a `cp` database without a quorum: that side
    /// refuses writes until healed.
    MinorityRefuses {
        members: u32,
    },
    /// An `ap` database's side without the primary promoted its own: two primaries.
    SplitBrain {
        member: u32,
    },
    /// A partition healed: keys written on both sides, resolved last-writer-wins, and the
    /// writes that lost.
    Healed {
        conflicts: u64,
        lost_writes: u64,
    },
}

/// Tuning of a run that is not part of the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct RunConfig {
    /// Statistics start after this much simulated time.
    pub warmup: Time,
    /// Length of a batch for confidence intervals.
    pub batch: Time,
    /// Chart samples (simulated seconds) kept per series.
    pub series_capacity: usize,
}

impl RunConfig {
    /// For a run of `duration` after `warmup`: 20 batches of whole seconds (at least one second).
    pub fn for_run(duration: Time, warmup: Time) -> RunConfig {
        let measured = duration.saturating_sub(warmup);
        let batch = (measured / 20 / NS_PER_S).max(1) * NS_PER_S;
        RunConfig {
            warmup,
            batch,
            series_capacity: 3_600,
        }
    }

    pub fn for_diagram(d: &Diagram) -> RunConfig {
        RunConfig::for_run(
            secs_to_ns(d.workload.duration_s),
            secs_to_ns(d.workload.warmup_s),
        )
    }
}

/// Whether [`Simulation::advance_to`] reached its target within the work budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    pub now: Time,
    pub events: u64,
    pub kept_up: bool,
}

/// Per-edge counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct EdgeRt {
    pub name: String,
    pub sent: u64,
    pub window_sent: u64,
    pub last_rate: f64,
}

/// Request counts for the whole system.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RequestCounts {
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub attempts: u64,
    /// Completed reads, those of them that returned out-of-date data, and completed writes.
    pub reads: u64,
    pub stale_reads: u64,
    pub writes: u64,
    /// Reads of a key the same session had written that returned an older version.
    pub ryw_violations: u64,
}

impl RequestCounts {
    /// Adds `o`'s counts to these.
    pub(crate) fn add(&mut self, o: &RequestCounts) {
        self.generated += o.generated;
        self.completed += o.completed;
        self.failed += o.failed;
        self.attempts += o.attempts;
        self.reads += o.reads;
        self.stale_reads += o.stale_reads;
        self.writes += o.writes;
        self.ryw_violations += o.ryw_violations;
    }
}

/// End-to-end measurements.
#[derive(Clone, Debug)]
pub(crate) struct EndToEnd {
    /// Since the start of the run, never reset: the conservation invariant is checked on these.
    /// Like `total` and `window`, short of `fresh` until `fold` adds it: read them through
    /// `lifetime_counts()`, `total_counts()` or after a fold.
    pub lifetime: RequestCounts,
    pub total: RequestCounts,
    pub window: RequestCounts,
    /// Counts since the last fold (see `e2e_fold.rs`): a request is counted once, here, instead
    /// of in the three above.
    pub fresh: RequestCounts,
    /// Failures since warm-up by cause and the node where they happened.
    pub failures: BTreeMap<(jobs::Cause, u32), u64>,
    pub latency: Histogram,
    pub window_latency: Histogram,
    pub batch: BatchMeans,
    pub series: Series<EndToEndSample>,
    pub read_latency: Histogram,
    pub write_latency: Histogram,
    /// Latencies of reads and writes completed since the last fold (see `e2e_fold.rs`): the
    /// five histograms above are each short of these until `fold` adds them.
    pub fresh_reads: Histogram,
    pub fresh_writes: Histogram,
    /// How out of date stale reads were.
    pub staleness: Histogram,
    /// Dollars spent since the start of the run (cost per hour, integrated per second).
    pub cost_total: f64,
    /// By the region the users are in (indices of `Core::regions`).
    pub regions: Vec<regions::RegionTotals>,
}

/// The state every model shares: clock, events, randomness, requests and jobs.
pub(crate) struct Core {
    pub now: Time,
    pub queue: EventQueue,
    pub rng: Rng,
    pub jobs: Jobs,
    pub reqs: Requests,
    pub e2e: EndToEnd,
    pub cfg: RunConfig,
    pub stats_start: Time,
    pub warm: bool,
    pub edges: Vec<EdgeRt>,
    pub events: u64,
    pub(crate) tracer: trace::Tracer,
    /// Synchronous writes waiting for acknowledgements: when each member applies them.
    pub sync_waits: crate::fast_hash::FastMap<(u32, u32), Vec<Time>>,
    /// Writes just committed (database, key, version), for caches in front to hear about.
    pub commits: Vec<(u32, u64, u64)>,
    /// Chaos: multiplies every client's rate.
    pub traffic_factor: f64,
    /// Chaos: cut edges (by name) and zones.
    pub cut_edges: std::collections::BTreeSet<String>,
    pub cut_zones: std::collections::BTreeSet<String>,
    /// Chaos: regions cut off from the others.
    pub cut_regions: std::collections::BTreeSet<String>,
    /// Bumped when the chaos timeline changes, cancelling events scheduled from the old one.
    pub chaos_epoch: u32,
    /// What the system did on its own (health checks, failovers, scaling, chaos), for the log.
    pub log: Vec<LogEvent>,
    /// Request classes of every client, interned (jobs carry an index).
    pub classes: Vec<classes::ClassRt>,
    /// The diagram's regions and the round trips between them.
    pub regions: regions::Regions,
}

impl Core {
    /// The kind of dot a job shows.
    #[inline]
    fn dot_kind(job: &jobs::Job) -> DotKind {
        if job.failed.is_some() {
            DotKind::Error
        } else if job.write {
            DotKind::Write
        } else {
            DotKind::Read
        }
    }

    /// One-way latency of a hop over `out`.
    #[inline]
    fn sample_hop(&mut self, out: Out) -> Time {
        if out.jitter == 0 {
            out.base
        } else {
            out.base + self.rng.below(out.jitter + 1)
        }
    }

    /// Sends a child of `parent` from node `from` over `out`, leaving after `delay`. Over a cut
    /// edge the call fails at once: the child comes straight back as a `partitioned` error.
    pub fn call(&mut self, from: u32, parent: JobRef, out: Out, instance: u32, delay: Time) {
        self.call_farther(from, parent, out, instance, delay, 0);
    }

    /// Like [`Core::call`], with `extra` one-way delay on top of the edge's (the request pays
    /// it, and its answer again): the round trip between the user's region and the target's
    /// when that depends on the request, not on the edge.
    pub fn call_farther(
        &mut self,
        from: u32,
        parent: JobRef,
        out: Out,
        instance: u32,
        delay: Time,
        extra: Time,
    ) {
        // Field by field, not a copy of the whole record: the caller has just written some of
        // its fields, and a wide read of them stalls on store-to-load forwarding.
        let p = self.jobs.at(parent);
        let (write, class, attempt, req, req_gen, session, key, origin) = (
            p.write, p.class, p.attempt, p.req, p.req_gen, p.session, p.key, p.origin,
        );
        // No network hop is sampled over a cut edge (the random stream stays as it was).
        let hop = if out.cut {
            0
        } else {
            self.sample_hop(out).saturating_add(extra)
        };
        let now = self.now;
        let k = self.jobs.alloc();
        let c = self.jobs.at(k);
        c.write = write;
        c.class = class;
        c.attempt = attempt;
        c.req = req;
        c.req_gen = req_gen;
        c.session = session;
        c.key = key;
        c.origin = origin;
        c.node = out.target;
        c.instance = instance;
        c.from = from;
        c.parent = parent;
        c.hop = hop;
        if out.cut {
            c.phase = Phase::Returning;
            c.sent_at = now;
            c.failed = Some(Failure {
                cause: Cause::Partitioned,
                node: from,
            });
            self.tracer.drop(|| Trace::Drop {
                at: now,
                node: from,
                cause: Cause::Partitioned,
            });
            self.queue.push(now, Ev::Answer(k));
            return;
        }
        c.phase = Phase::ToNode;
        c.sent_at = now + delay;
        let kind = Core::dot_kind(c);
        self.queue
            .push_in_lane(out.lane as usize, now + delay + hop, Ev::Arrive(k));
        self.count_edge(out.edge);
        self.tracer.hop(|| Trace::Hop {
            at: now + delay,
            from,
            to: out.target,
            latency: hop,
            kind,
            answer: false,
        });
    }

    #[inline]
    fn count_edge(&mut self, edge: u32) {
        if let Some(e) = self.edges.get_mut(edge as usize) {
            e.sent += 1;
            e.window_sent += 1;
        }
    }

    /// Sends `j`'s answer back to its caller, recording it at the node it leaves.
    pub fn send_answer(&mut self, m: &mut NodeMetrics, j: JobRef) {
        let now = self.now;
        let job = self.jobs.at(j);
        job.phase = Phase::Returning;
        job.sent_at = now;
        if job.failed.is_some() {
            m.answered_error();
        } else {
            m.answered_ok(now - job.arrived_at);
        }
        let (hop, from, to, kind) = (job.hop, job.node, job.from, Core::dot_kind(job));
        self.queue.push_after(now, hop, Ev::Answer(j));
        self.tracer.hop(|| Trace::Hop {
            at: now,
            from,
            to,
            latency: hop,
            kind,
            answer: true,
        });
    }

    /// Like [`Core::send_answer`], but the answer leaves after `delay` (a cache's lookup time).
    pub fn send_answer_after(&mut self, m: &mut NodeMetrics, j: JobRef, delay: Time) {
        let now = self.now;
        let job = self.jobs.at(j);
        job.phase = Phase::Returning;
        job.sent_at = now + delay;
        if job.failed.is_some() {
            m.answered_error();
        } else {
            m.answered_ok(delay);
        }
        let (hop, from, to, kind) = (job.hop, job.node, job.from, Core::dot_kind(job));
        self.queue.push_after(now, delay + hop, Ev::Answer(j));
        self.tracer.hop(|| Trace::Hop {
            at: now + delay,
            from,
            to,
            latency: hop,
            kind,
            answer: true,
        });
    }

    pub fn trace_stale(&mut self, node: u32, age: Time) {
        let at = self.now;
        self.tracer.drop(|| Trace::Mark {
            at,
            node,
            mark: Mark::Stale { age },
        });
    }

    pub fn trace_conflict(&mut self, node: u32) {
        let at = self.now;
        self.tracer.drop(|| Trace::Mark {
            at,
            node,
            mark: Mark::Conflict,
        });
    }

    /// Refuses `j` at node `n` with `cause` and answers with the error.
    pub fn reject(&mut self, m: &mut NodeMetrics, j: JobRef, cause: Cause, n: u32) {
        m.rejected(cause);
        self.jobs.at(j).failed = Some(Failure { cause, node: n });
        let at = self.now;
        self.tracer.drop(|| Trace::Drop { at, node: n, cause });
        self.send_answer(m, j);
    }
}

/// A running simulation of one diagram.
pub struct Simulation {
    core: Core,
    nodes: Vec<NodeRt>,
    index: BTreeMap<String, u32>,
    diagram: Diagram,
    /// Some node is a message queue (queues re-poll every second).
    has_queues: bool,
    /// Distributed transactions in progress and their statistics (empty without any).
    txns: transaction::Transactions,
    /// Long-lived connections (empty unless some client uses them).
    conns: connection::Connections,
}

impl Simulation {
    /// A simulation of `d`, configured from its workload (warm-up, batches).
    pub fn new(d: &Diagram) -> Result<Simulation, Vec<Problem>> {
        Simulation::with_config(d, RunConfig::for_diagram(d))
    }

    pub fn with_config(d: &Diagram, cfg: RunConfig) -> Result<Simulation, Vec<Problem>> {
        let errors = d.errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let series = cfg.series_capacity;
        let mut sim = Simulation {
            core: Core {
                now: 0,
                queue: EventQueue::default(),
                rng: Rng::seed(d.seed),
                jobs: Jobs::default(),
                reqs: Requests::default(),
                e2e: EndToEnd::new(series),
                stats_start: 0,
                warm: cfg.warmup == 0,
                cfg,
                edges: Vec::new(),
                events: 0,
                tracer: trace::Tracer::default(),
                sync_waits: Default::default(),
                commits: Vec::new(),
                traffic_factor: 1.0,
                cut_edges: Default::default(),
                cut_zones: Default::default(),
                cut_regions: Default::default(),
                chaos_epoch: 0,
                log: Vec::new(),
                classes: Vec::new(),
                regions: Default::default(),
            },
            nodes: Vec::new(),
            index: BTreeMap::new(),
            diagram: Diagram::default(),
            has_queues: false,
            txns: Default::default(),
            conns: Default::default(),
        };
        sim.apply_diagram(d);
        sim.core.queue.push(NS_PER_S, Ev::Tick);
        if sim.core.warm {
            sim.core.queue.push(sim.core.cfg.batch, Ev::BatchEnd);
        } else {
            sim.core.queue.push(sim.core.cfg.warmup, Ev::WarmupEnd);
        }
        Ok(sim)
    }

    /// Current simulated time.
    pub fn now(&self) -> Time {
        self.core.now
    }

    /// Events handled since the start.
    pub fn events(&self) -> u64 {
        self.core.events
    }

    /// The diagram being simulated (after live edits).
    pub fn diagram(&self) -> &Diagram {
        &self.diagram
    }

    pub fn config(&self) -> &RunConfig {
        &self.core.cfg
    }

    /// Runs every event up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        self.advance_to(t, u64::MAX);
    }

    /// Runs events up to `target`, but at most `max_events` of them. If the budget runs out
    /// first, the clock stops at the last event handled and `kept_up` is false: the caller (the
    /// UI's frame loop) slows the simulated clock instead of freezing.
    pub fn advance_to(&mut self, target: Time, max_events: u64) -> Advance {
        let mut events = 0;
        loop {
            if events >= max_events {
                if self.core.queue.peek_time().is_some_and(|t| t <= target) {
                    return Advance {
                        now: self.core.now,
                        events,
                        kept_up: false,
                    };
                }
                break;
            }
            // One look at the queue per event: the pop takes the next event only if it is due.
            let Some((t, ev)) = self.core.queue.pop_due(target) else {
                break;
            };
            self.handle(t, ev);
            events += 1;
        }
        self.core.now = self.core.now.max(target);
        Advance {
            now: self.core.now,
            events,
            kept_up: true,
        }
    }

    /// Handles the next event. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let Some((t, ev)) = self.core.queue.pop() else {
            return false;
        };
        self.handle(t, ev);
        true
    }

    /// Handles event `ev`, just taken from the queue, at its time `t`. With its handlers
    /// inlined it is large: natively it is inlined into the loop of `advance_to` (8 % fewer
    /// instructions per event), but in WebAssembly a copy in both `step` and `advance_to`
    /// made V8's code slower, so there it stays one function.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn handle(&mut self, t: Time, ev: Ev) {
        if self.core.queue.is_large() {
            // Many events pending, many jobs in flight: start fetching the next event's job
            // now (a small run's jobs are in the cache already, and it would only cost).
            if let Some(Ev::Arrive(j) | Ev::Done(j) | Ev::Answer(j)) = self.core.queue.peek_event()
            {
                self.core.jobs.prefetch(j.idx);
            }
        }
        debug_assert!(t >= self.core.now, "time went backwards");
        self.core.now = t;
        self.core.events += 1;
        match ev {
            Ev::Generate { node, epoch } => self.on_generate(node, epoch),
            Ev::Arrive(j) => self.on_arrive(j),
            Ev::Done(j) => self.on_done(j),
            Ev::Commit(j) => {
                self.database_commit(j);
                self.flush_commits();
            }
            Ev::Answer(j) => self.on_answer(j),
            Ev::Timer { node } => self.on_timer(node),
            Ev::Retry(r) => self.on_retry(r),
            Ev::Tick => self.on_tick(),
            Ev::BatchEnd => self.on_batch_end(),
            Ev::WarmupEnd => self.on_warmup_end(),
            Ev::Chaos { index, epoch } => self.on_chaos(index, epoch),
            Ev::HealthCheck { node } => self.on_health_check(node),
            Ev::HealthVerdict { node } => self.on_health_verdict(node),
            Ev::Standby { node } => self.on_standby(node),
            Ev::Probe { node } => self.on_probe(node),
            Ev::Promote { node, member } => self.on_promote(node, member),
            Ev::Autoscale { node } => self.on_autoscale(node),
            Ev::SidePromote { node, side, epoch } => self.on_side_promote(node, side, epoch),
            Ev::Boot { node, instance } => self.on_boot(node, instance),
            Ev::Visibility {
                node,
                msg,
                delivery,
            } => self.on_visibility(node, msg, delivery),
            Ev::Txn { txn, gen, msg } => self.on_txn(txn, gen, msg),
            Ev::ConnEnd { conn, gen } => self.on_conn_end(conn, gen),
            Ev::Message { conn, gen } => self.on_message(conn, gen),
            Ev::Batch { node, gen, step } => self.on_batch(node, gen, step),
        }
    }

    fn on_arrive(&mut self, j: JobRef) {
        let Some(job) = self.core.jobs.get(j) else {
            return;
        };
        let n = job.node;
        let rate = self.nodes[n as usize].error_rate;
        if rate > 0.0 && self.core.rng.bernoulli(rate) {
            let Simulation { core, nodes, .. } = self;
            let m = &mut nodes[n as usize].metrics;
            m.arrival();
            core.jobs.at(j).arrived_at = core.now;
            core.reject(m, j, Cause::Injected, n);
            return;
        }
        match &self.nodes[n as usize].model {
            Model::Server(_) => self.server_arrive(n, j),
            Model::Balancer(_) => self.balancer_arrive(n, j),
            Model::Cache(_) => self.cache_arrive(n, j),
            Model::Database(_) => {
                if self.txns.open_windows > 0 {
                    let job = self.core.jobs.at(j);
                    if !job.write {
                        let key = job.key;
                        self.txns.saw_read(n, key);
                    }
                }
                self.database_arrive(n, j)
            }
            Model::Router(_) => self.router_arrive(n, j),
            Model::TrafficManager(_) => self.traffic_manager_arrive(n, j),
            Model::Cdn(_) => self.cdn_arrive(n, j),
            Model::Queue(_) => self.queue_arrive(n, j),
            // Validation keeps edges away from a batch job: nothing arrives there.
            Model::Removed | Model::Client(_) | Model::BatchJob(_) => {
                let Simulation { core, nodes, .. } = self;
                let m = &mut nodes[n as usize].metrics;
                core.jobs.at(j).arrived_at = core.now;
                core.reject(m, j, Cause::NodeRemoved, n);
            }
        }
    }

    /// A server's CPU work or a database query finished.
    fn on_done(&mut self, j: JobRef) {
        let Some(job) = self.core.jobs.get(j) else {
            return; // aborted while working (node killed)
        };
        let n = job.node;
        match self.nodes[n as usize].model {
            Model::Database(_) => {
                self.database_done(n, j);
                self.flush_commits();
            }
            _ => self.server_done(j),
        }
    }

    /// Tells the caches in front of a database that older copies of the keys just written are
    /// stale from now on.
    fn flush_commits(&mut self) {
        if self.core.commits.is_empty() {
            return;
        }
        let now = self.core.now;
        let commits = std::mem::take(&mut self.core.commits);
        for &(db, key, version) in &commits {
            let watchers = match &self.nodes[db as usize].model {
                Model::Database(d) => d.watchers.clone(),
                _ => continue,
            };
            for w in watchers {
                match &mut self.nodes[w as usize].model {
                    Model::Cache(c) => c.mark_stale(key, version, now),
                    Model::Server(s) => s.mark_stale(key, version, now),
                    Model::Cdn(c) => c.mark_stale(key, version, now),
                    _ => {}
                }
            }
        }
        self.core.commits = commits;
        self.core.commits.clear();
    }

    fn on_answer(&mut self, j: JobRef) {
        let Some(job) = self.core.jobs.get(j) else {
            return;
        };
        let job = *job;
        if job.parent.is_root() {
            self.client_answer(j);
            return;
        }
        self.core.jobs.free(j);
        let Some(parent) = self.core.jobs.get(job.parent) else {
            return; // the caller was aborted: nobody is waiting for this answer
        };
        match &self.nodes[parent.node as usize].model {
            Model::Balancer(_) => self.balancer_answer(job.parent, &job),
            Model::Server(_) => self.server_answer(job.parent, &job),
            Model::Cache(_) => self.cache_answer(job.parent, job),
            Model::Router(_) => self.router_answer(job.parent, job),
            Model::TrafficManager(_) => self.traffic_manager_answer(job.parent, job),
            Model::Cdn(_) => self.cdn_answer(job.parent, job),
            Model::Queue(_) => self.queue_answer(job.parent, job),
            Model::Database(_) | Model::Client(_) | Model::BatchJob(_) | Model::Removed => {}
        }
    }

    fn on_tick(&mut self) {
        let now = self.core.now;
        let t_s = now as f64 / 1e9;
        let mut cost = 0.0;
        for node in &mut self.nodes {
            if node.is_removed() {
                continue;
            }
            let mut partition = (0.0, None);
            let lag_ms = match &mut node.model {
                Model::Database(db) => {
                    db.clean(now);
                    if !db.params.partition_mode.is_ignore() {
                        partition = (db.take_refused() as f64, Some(db.conflicting_keys() as f64));
                    }
                    // The slowest replica (or member, with no replicas).
                    let lags = db.lags(now);
                    let replicas = db.members.iter().any(|m| !m.primary);
                    lags.iter()
                        .zip(&db.members)
                        .filter(|(_, m)| !replicas || !m.primary)
                        .map(|(&l, _)| l)
                        .max()
                        .map(|l| l as f64 / 1e6)
                }
                _ => None,
            };
            let data = node.metrics.data.window;
            node.metrics.data.window = Default::default();
            let f = node.metrics.close_window(now);
            let c = node.cost_per_hour();
            cost += c;
            let ms = |v: Option<Time>| v.map(|x| x as f64 / 1e6);
            let (booting, down) = match &node.model {
                Model::Server(s) => s
                    .instances
                    .iter()
                    .filter(|i| !i.retired)
                    .fold((0, 0), |(b, d), i| {
                        (b + i.booting as u32, d + (!i.booting && !i.up) as u32)
                    }),
                _ => (0, 0),
            };
            let sample = crate::metrics::NodeSample {
                t_s,
                arrivals_per_s: f.arrivals_per_s,
                throughput: f.ok_per_s,
                errors_per_s: f.errors_per_s,
                p50_ms: ms(f.p50),
                p95_ms: ms(f.p95),
                p99_ms: ms(f.p99),
                utilization: f.utilization,
                queue: f.queue,
                instances: node.instances(),
                booting,
                down,
                cost_per_hour: c,
                up: node.up,
                hit_ratio: data.hit_ratio(),
                stale_per_s: data.stale as f64,
                conflicts_per_s: data.conflicts as f64,
                lag_ms,
                refused_per_s: partition.0,
                conflicting_keys: partition.1,
            };
            node.metrics.series.push(sample);
        }
        // Queues re-poll once a second: a consumer revived or a partition healed since the
        // last delivery can take work again, and expired messages leave the backlog.
        if self.has_queues {
            for n in 0..self.nodes.len() as u32 {
                if let Model::Queue(_) = self.nodes[n as usize].model {
                    self.queue_dispatch(n);
                }
            }
        }
        for e in &mut self.core.edges {
            e.last_rate = e.window_sent as f64;
            e.window_sent = 0;
        }
        let e2e = &mut self.core.e2e;
        e2e.fold();
        let w = e2e.window;
        let ms = |q: f64| e2e.window_latency.quantile(q).map(|x| x as f64 / 1e6);
        let ended = w.completed + w.failed;
        let sample = EndToEndSample {
            t_s,
            generated_per_s: w.generated as f64,
            attempts_per_s: w.attempts as f64,
            throughput: w.completed as f64,
            failed_per_s: w.failed as f64,
            error_rate: if ended > 0 {
                w.failed as f64 / ended as f64
            } else {
                0.0
            },
            p50_ms: ms(0.5),
            p95_ms: ms(0.95),
            p99_ms: ms(0.99),
            in_flight: self.core.reqs.live() as u64,
            cost_per_hour: cost,
            cost_total: e2e.cost_total + cost / 3_600.0,
            warmup: !self.core.warm,
            stale_per_s: w.stale_reads as f64,
            stale_rate: if w.reads > 0 {
                w.stale_reads as f64 / w.reads as f64
            } else {
                0.0
            },
        };
        e2e.series.push(sample);
        e2e.cost_total += cost / 3_600.0;
        e2e.window = RequestCounts::default();
        e2e.window_latency.clear();
        for (i, t) in e2e.regions.iter_mut().enumerate() {
            t.close_window(self.core.regions.name(i as u32));
        }
        self.core.queue.push(now + NS_PER_S, Ev::Tick);
    }

    fn on_batch_end(&mut self) {
        self.core.e2e.fold();
        self.core.e2e.batch.close_batch();
        for node in &mut self.nodes {
            node.metrics.close_batch();
        }
        let next = self.core.now + self.core.cfg.batch;
        self.core.queue.push(next, Ev::BatchEnd);
    }

    fn on_warmup_end(&mut self) {
        let now = self.core.now;
        self.core.warm = true;
        self.core.stats_start = now;
        let e2e = &mut self.core.e2e;
        e2e.fold();
        e2e.total = RequestCounts::default();
        e2e.failures.clear();
        e2e.latency.clear();
        e2e.batch.reset();
        e2e.read_latency.clear();
        e2e.write_latency.clear();
        e2e.staleness.clear();
        e2e.regions
            .iter_mut()
            .for_each(regions::RegionTotals::reset);
        self.core.reset_class_stats();
        for node in &mut self.nodes {
            node.metrics.reset_totals(now);
            match &mut node.model {
                Model::Client(c) => c.stats = ClientStats::default(),
                Model::Database(d) => d.stats = DatabaseStats::default(),
                Model::Cdn(c) => c.reset_stats(),
                Model::Cache(c) => c.reset_stats(),
                Model::Queue(q) => q.reset_stats(),
                Model::Balancer(lb) => {
                    lb.sent.iter_mut().for_each(|s| *s = 0);
                    lb.sent_departed = 0;
                }
                _ => {}
            }
        }
        self.txns.reset_stats();
        self.core
            .queue
            .push(now + self.core.cfg.batch, Ev::BatchEnd);
    }

    /// Kills (`up = false`) or revives a node. Killing fails everything the node holds — its
    /// callers get errors — and it refuses new requests until revived.
    pub fn set_up(&mut self, id: &str, up: bool) -> Result<(), String> {
        let &n = self
            .index
            .get(id)
            .ok_or_else(|| format!("there is no node '{id}'"))?;
        let node = &mut self.nodes[n as usize];
        if node.up == up {
            return Ok(());
        }
        node.up = up;
        let now = self.core.now;
        match &mut node.model {
            // Booting instances keep booting; they come up when ready if the node is up.
            Model::Server(s) => s
                .instances
                .iter_mut()
                .filter(|i| !i.booting)
                .for_each(|i| i.up = up),
            Model::Database(d) => d.members.iter_mut().for_each(|m| {
                m.up = up;
                m.down_since = (!up).then_some(now);
            }),
            Model::Balancer(lb) if up => lb.standby_used = false,
            _ => {}
        }
        if let Model::Queue(_) = self.nodes[n as usize].model {
            // Messages are durable: a killed queue refuses producers and stops delivering, and
            // picks up where it left off when revived. Deliveries already out complete.
            self.refresh_capacity(n);
            if up {
                self.queue_dispatch(n);
            }
            return Ok(());
        }
        if let Model::BatchJob(_) = self.nodes[n as usize].model {
            // A killed job node loses its run in progress; the next start finds it revived.
            if !up {
                self.batch_abort(n);
            }
            self.refresh_capacity(n);
            return Ok(());
        }
        if !up {
            self.abort_node(n, Cause::NodeDown);
            self.after_balancer_died(n);
            self.drop_connections_at(n, None);
        }
        self.coordinator_up(n, up);
        self.refresh_capacity(n);
        self.rebuild_backends();
        Ok(())
    }

    pub fn is_up(&self, id: &str) -> Option<bool> {
        self.index.get(id).map(|&n| self.nodes[n as usize].up)
    }

    /// Fails every job held at node `n` (queued, computing, or waiting downstream), answering
    /// each caller with `cause`.
    fn abort_node(&mut self, n: u32, cause: Cause) {
        if let Model::Queue(_) = self.nodes[n as usize].model {
            self.queue_forget(n);
            return;
        }
        if let Model::BatchJob(_) = self.nodes[n as usize].model {
            self.batch_abort(n);
            return;
        }
        let now = self.core.now;
        let held: Vec<JobRef> = self
            .core
            .jobs
            .iter_live()
            .filter(|(_, j)| {
                j.node == n && matches!(j.phase, Phase::Queued | Phase::InService | Phase::Waiting)
            })
            .map(|(r, _)| r)
            .collect();
        let node = &mut self.nodes[n as usize];
        node.metrics.integrate(now);
        match &mut node.model {
            Model::Server(s) => {
                for inst in &mut s.instances {
                    inst.busy = 0;
                    inst.queue.clear();
                }
            }
            Model::Balancer(lb) => lb.reset(now),
            Model::Cache(c) => c.reset(now),
            Model::Database(db) => db.reset(),
            Model::Cdn(c) => c.clear(),
            Model::Client(_)
            | Model::Router(_)
            | Model::TrafficManager(_)
            | Model::Queue(_)
            | Model::BatchJob(_)
            | Model::Removed => {}
        }
        node.metrics.levels.busy = 0;
        node.metrics.levels.cpu = 0;
        node.metrics.levels.queued = 0;
        self.abort_jobs(n, held, cause);
    }

    /// Answers each of `held` (jobs at node `n`) with `cause`. Levels are the caller's business
    /// unless the jobs still count in them (see [`Simulation::abort_members_from`]).
    fn abort_jobs(&mut self, n: u32, held: Vec<JobRef>, cause: Cause) {
        let Simulation { core, nodes, .. } = self;
        let node = &mut nodes[n as usize];
        node.metrics.integrate(core.now);
        for old in held {
            let copy = *core.jobs.at(old);
            // Still counted (a partial abort): take it out of the levels.
            let l = &mut node.metrics.levels;
            match copy.phase {
                Phase::Queued if l.queued > 0 => l.queued -= 1,
                Phase::InService if l.busy > 0 => {
                    l.busy -= 1;
                    l.cpu = l.cpu.saturating_sub(1);
                }
                Phase::Waiting if l.busy > 0 => l.busy -= 1,
                _ => {}
            }
            // Re-issue the job under a new generation: pending events for the old one (a worker's
            // completion, a downstream answer) then find nothing and are dropped.
            core.jobs.free(old);
            let k = core.jobs.alloc();
            let job = core.jobs.at(k);
            *job = jobs::Job {
                gen: job.gen,
                ..copy
            };
            core.reject(&mut node.metrics, k, cause, n);
        }
    }

    /// Recomputes a node's available workers after scaling or a failure.
    fn refresh_capacity(&mut self, n: u32) {
        let now = self.core.now;
        let node = &mut self.nodes[n as usize];
        node.metrics.integrate(now);
        node.metrics.levels.capacity = match &node.model {
            Model::Server(s) if node.up => s.capacity(),
            Model::Database(d) if node.up => d.capacity(),
            Model::Queue(q) if node.up => q.params.consumers as u64,
            Model::BatchJob(b) if node.up => b.params.slots(),
            _ => 0,
        };
    }

    /// Starts sampling one hop in `every` into the trace buffer (0 stops). Sampling counts
    /// hops; it draws no random numbers, so it never changes the run.
    pub fn set_trace_every(&mut self, every: u32) {
        self.core.tracer.every = every;
    }

    /// Moves the traces recorded since the last call into `out`.
    pub fn drain_traces(&mut self, out: &mut Vec<Trace>) {
        out.extend(self.core.tracer.buf.drain(..));
    }

    /// Ids of nodes by slot, for [`Dot`]s.
    pub fn node_id(&self, slot: u32) -> Option<&str> {
        self.nodes.get(slot as usize).map(|n| n.id.as_str())
    }

    /// Requests generated, ended and in flight since the start. Every generated request is
    /// exactly one of completed, failed or in flight.
    pub fn lifetime_counts(&self) -> RequestCounts {
        self.core.e2e.lifetime_counts()
    }

    /// Requests currently in flight (alive in the engine).
    pub fn requests_in_flight(&self) -> u64 {
        self.core.reqs.live() as u64
    }

    /// Jobs alive in the engine (node visits in progress, including abandoned attempts).
    pub fn jobs_in_flight(&self) -> u64 {
        self.core.jobs.live() as u64
    }

    /// Slots allocated for jobs: grows with the peak number in flight, not with the total.
    pub fn job_capacity(&self) -> usize {
        self.core.jobs.capacity()
    }

    pub fn pending_events(&self) -> usize {
        self.core.queue.len()
    }

    /// Checks internal consistency (tests and debugging): conservation of requests, and that
    /// every live job belongs to a request in flight or to an abandoned attempt.
    pub fn check_invariants(&self) -> Result<(), String> {
        let c = self.core.e2e.lifetime_counts();
        let live = self.core.reqs.live() as u64;
        if c.generated != c.completed + c.failed + live {
            return Err(format!(
                "conservation broken: generated {} ≠ completed {} + failed {} + in flight {live}",
                c.generated, c.completed, c.failed
            ));
        }
        self.check_connections()?;
        let counted = self.core.reqs.iter_live().count() as u64;
        if counted != live {
            return Err(format!(
                "request slab counts {live} live but holds {counted}"
            ));
        }
        for node in &self.nodes {
            if let Model::BatchJob(b) = &node.model {
                b.check_conservation()
                    .map_err(|e| format!("batch job {}: {e}", node.id))?;
                continue;
            }
            let (busy, queued): (u64, u64) = match &node.model {
                Model::Server(s) => (
                    s.instances.iter().map(|i| i.busy as u64).sum(),
                    s.instances.iter().map(|i| i.queue.len() as u64).sum(),
                ),
                Model::Database(d) => (
                    d.members.iter().map(|m| m.busy as u64).sum(),
                    d.members.iter().map(|m| m.queue.len() as u64).sum(),
                ),
                _ => continue,
            };
            if busy != node.metrics.levels.busy || queued != node.metrics.levels.queued {
                return Err(format!(
                    "node {}: level counters drifted (busy {busy} vs {}, queued {queued} vs {})",
                    node.id, node.metrics.levels.busy, node.metrics.levels.queued
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod cache_tests;
#[cfg(test)]
mod connection_tests;
#[cfg(test)]
mod data_tests;
#[cfg(test)]
mod geo_tests;
#[cfg(test)]
mod http_tests;
#[cfg(test)]
mod overflow_tests;
#[cfg(test)]
mod partition_tests;
#[cfg(test)]
mod queue_tests;
#[cfg(test)]
mod resilience_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod transaction_tests;
#[cfg(test)]
mod txn_sequence_tests;
