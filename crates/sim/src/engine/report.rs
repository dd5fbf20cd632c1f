//! What a simulation reports: a serialisable summary (the CLI's JSON, the UI's badges), chart
//! series, and a sample of requests in flight for animation.

use super::jobs::{Cause, Phase};
use super::node::Model;
use super::spread::BalancerReport;
use super::{ClientStats, ConnectionCounts, Simulation};
use crate::metrics::{EndToEndSample, Histogram, Interval, NodeSample, WindowFigures};
use crate::time::Time;
use crate::ComponentKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Latency percentiles in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
}

impl Latency {
    pub fn of(h: &Histogram) -> Latency {
        let ms = |v: Option<Time>| v.map(|x| x as f64 / 1e6);
        Latency {
            mean: h.mean().map(|x| x / 1e6),
            p50: ms(h.quantile(0.50)),
            p95: ms(h.quantile(0.95)),
            p99: ms(h.quantile(0.99)),
            p999: ms(h.quantile(0.999)),
            max: ms(h.max()),
        }
    }
}

/// 95 % confidence intervals (batch means) for steady-state latency, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ci95 {
    pub mean_ms: Option<Interval>,
    pub p99_ms: Option<Interval>,
}

impl Ci95 {
    fn of(b: &crate::metrics::BatchMeans) -> Option<Ci95> {
        let mean_ms = b.mean_interval().map(|i| i.scaled(1e-6));
        let p99_ms = b.p99_interval().map(|i| i.scaled(1e-6));
        (mean_ms.is_some() || p99_ms.is_some()).then_some(Ci95 { mean_ms, p99_ms })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EndToEndReport {
    /// Requests created by clients since warm-up.
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    /// Requests still waiting for an answer now.
    pub in_flight: u64,
    /// Attempts sent, including retries; `attempts / generated` > 1 is retry amplification.
    pub attempts: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub late_answers: u64,
    /// Completed requests per simulated second (goodput).
    pub throughput: f64,
    pub offered_rps: f64,
    /// Failed ÷ (completed + failed).
    pub error_rate: f64,
    pub latency_ms: Latency,
    pub ci95: Option<Ci95>,
    /// Failed requests by cause, e.g. `"queue_full"`.
    pub failures: BTreeMap<String, u64>,
    /// Failed requests by cause and node, e.g. `"queue_full@api"`.
    pub failures_by_node: BTreeMap<String, u64>,
    pub cost_per_hour: f64,
    /// Completed reads and writes, with their own latencies.
    pub reads: u64,
    pub writes: u64,
    pub read_latency_ms: Latency,
    pub write_latency_ms: Latency,
    /// Completed reads that returned an older version than the latest committed one.
    pub stale_reads: u64,
    pub stale_read_rate: f64,
    /// How out of date the stale reads were.
    pub staleness_ms: Latency,
    /// Reads of a key the same session had written that returned an older version.
    pub ryw_violations: u64,
    /// Acknowledged writes lost in database failovers.
    pub lost_writes: u64,
    /// Dollars spent since the run began.
    pub cost_total: f64,
    pub slo: SloReport,
    /// Per request class of every client that has classes (none: omitted).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<ClassReport>,
    /// By the region the users are in (diagrams with regions only).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, RegionReport>,
    /// Long-lived connections since the start (clients using them only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<ConnectionCounts>,
}

/// What happened to one request class since warm-up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassReport {
    pub client: String,
    pub name: String,
    pub method: String,
    pub path: String,
    pub write: bool,
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    pub error_rate: f64,
    pub latency_ms: Latency,
    /// Failures by cause slug.
    pub failures: BTreeMap<String, u64>,
}

/// End-to-end figures of the requests whose users are in one region (since warm-up).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionReport {
    pub generated: u64,
    pub completed: u64,
    pub failed: u64,
    /// Completed requests per simulated second.
    pub throughput: f64,
    /// failed ÷ (completed + failed).
    pub error_rate: f64,
    pub latency_ms: Latency,
}

/// How the run did against the diagram's service-level objective.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SloReport {
    pub availability_target: f64,
    /// Completed ÷ (completed + failed).
    pub success_ratio: f64,
    /// How fast the error budget burns: 1 = exactly at the objective, 10 = ten times too fast.
    pub error_budget_burn: f64,
    pub p99_target_ms: f64,
    pub p99_ms: Option<f64>,
    /// Availability and p99 both met.
    pub met: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeReport {
    pub kind: ComponentKind,
    pub up: bool,
    pub instances: u32,
    pub arrivals: u64,
    /// Arrivals per simulated second.
    pub arrival_rate: f64,
    /// Successful answers per simulated second.
    pub throughput: f64,
    pub utilization: f64,
    pub cpu_utilization: f64,
    /// Time-averaged number of requests waiting.
    pub queue_length: f64,
    /// Requests waiting right now.
    pub queue_now: u64,
    /// Mean time a request waited before being served.
    pub wait_ms_mean: Option<f64>,
    pub error_rate: f64,
    pub latency_ms: Latency,
    pub ci95: Option<Ci95>,
    /// Requests this node refused, by cause.
    pub rejected: BTreeMap<String, u64>,
    pub cost_per_hour: f64,
    /// Clients only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientReport>,
    /// Caches, and servers with an in-process (L1) cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub router: Option<RouterReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cdn: Option<CdnReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_manager: Option<TrafficManagerReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueReport>,
    /// Servers that coordinate distributed transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionReport>,
    /// Load balancers: where requests went (and sticky users, open connections).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balancer: Option<BalancerReport>,
    /// Batch jobs: phases, runs and tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<super::JobReport>,
}

/// A message queue, now and since the start of the run (its counts add up:
/// `enqueued = processed + backlog + in_flight + dlq + expired`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueReport {
    /// Messages waiting for a consumer: the consumer lag in messages.
    pub backlog: u64,
    /// Messages delivered and not yet acknowledged.
    pub in_flight: u64,
    /// Age of the oldest message waiting: the consumer lag in time.
    pub consumer_lag_s: f64,
    pub enqueued: u64,
    /// Producers refused because the queue was full.
    pub refused: u64,
    pub processed: u64,
    /// Moved to the dead-letter queue after `max_attempts` deliveries.
    pub dlq: u64,
    /// Dropped unprocessed after `retention_s`.
    pub expired: u64,
    pub deliveries: u64,
    pub redeliveries: u64,
    /// Messages processed once more after their first success (work done twice).
    pub duplicates: u64,
    /// Duplicates made harmless by idempotent consumers.
    pub duplicates_absorbed: u64,
    /// From enqueue to processed, for messages processed since warm-up.
    pub delay_ms: Latency,
}

/// A server's distributed transactions since warm-up; `in_doubt` and `locks_held` are now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransactionReport {
    pub protocol: crate::diagram::TxnProtocol,
    pub started: u64,
    pub committed: u64,
    pub aborted: u64,
    /// 2PC: transactions prepared at some participant and undecided while this coordinator
    /// is down; their participants hold their locks.
    pub in_doubt: u64,
    /// 2PC: keys locked at participants right now for this coordinator's transactions.
    pub locks_held: u64,
    /// Saga: steps undone by a compensation.
    pub compensated: u64,
    /// Saga: reads of a key between a step's commit and its compensation.
    pub anomaly_reads: u64,
    /// 2PC: how long participants waited for a key's lock.
    pub lock_wait_ms: Latency,
    /// From the start of a transaction to its commit.
    pub commit_latency_ms: Latency,
}

/// A traffic manager's targets: where each is, whether its probes say it is up now, and the
/// share of the requests routed to it since the start.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrafficManagerReport {
    pub targets: BTreeMap<String, TargetReport>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetReport {
    pub region: String,
    pub healthy: bool,
    pub share: f64,
}

/// A CDN: hits and misses of each user region's edge cache, of the shield, and the load it
/// leaves on the origin (since warm-up).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CdnReport {
    /// By user region ("" for users without one).
    pub regions: BTreeMap<String, CdnCacheReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shield: Option<CdnCacheReport>,
    /// Requests the CDN sent to its origin (misses and writes).
    pub origin_requests: u64,
    /// Of the requests the CDN received, the share that reached the origin.
    pub origin_share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CdnCacheReport {
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: Option<f64>,
}

impl From<super::CdnCounts> for CdnCacheReport {
    fn from(c: super::CdnCounts) -> Self {
        let n = c.hits + c.misses;
        CdnCacheReport {
            hits: c.hits,
            misses: c.misses,
            hit_ratio: (n > 0).then(|| c.hits as f64 / n as f64),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CacheReport {
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: Option<f64>,
    pub expired: u64,
    pub evictions: u64,
    /// Hits that returned a version older than the database's latest.
    pub stale_hits: u64,
    /// Cache components: which entry a full member gives up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eviction: Option<crate::diagram::Eviction>,
    /// Cache clusters (more than one member): each member's share, and what moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterReport>,
}

/// A cache cluster: its members since warm-up, and the last membership change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterReport {
    pub hashing: crate::diagram::CacheHashing,
    pub members: Vec<CacheMemberReport>,
    /// Members killed, revived, added or taken away since the start.
    pub membership_changes: u64,
    /// Of the keys `0..remap_keys` (the largest client key space, at most 100 000), the share
    /// whose member changed at the last membership change (None: none yet).
    pub remapped_share: Option<f64>,
    pub remap_keys: u64,
    /// Simulated time of the last membership change.
    pub remapped_at_s: Option<f64>,
}

/// One member of a cache cluster, since warm-up (`keys` now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CacheMemberReport {
    pub index: u32,
    pub up: bool,
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: Option<f64>,
    /// Operations routed to it.
    pub requests: u64,
    /// Its share of the cluster's operations (the load a hot key concentrates).
    pub load_share: Option<f64>,
    /// Entries it holds now.
    pub keys: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberReport {
    pub role: &'static str,
    pub up: bool,
    /// How far behind the latest committed write this member is now.
    pub lag_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatabaseReport {
    pub reads: u64,
    pub writes: u64,
    pub stale_reads: u64,
    /// Concurrent writes to one key on different primaries (last writer wins).
    pub conflicts: u64,
    pub members: Vec<MemberReport>,
    pub failovers: u64,
    /// Acknowledged writes lost because they had not reached the promoted replica.
    pub lost_writes: u64,
    /// Databases in a partition mode (`cp`/`ap`) only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionReport>,
}

/// What network partitions cost a database in `cp` or `ap` mode since warm-up: availability
/// (refused requests) or consistency (conflicts, lost writes, stale reads, split brain).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionReport {
    pub mode: crate::diagram::PartitionMode,
    /// Partitioned now.
    pub active: bool,
    pub refused_writes: u64,
    pub refused_reads: u64,
    /// Keys written on both sides, resolved last-writer-wins at heal.
    pub conflicts: u64,
    pub lww_lost_writes: u64,
    pub split_brains: u64,
    /// Time with two primaries (an ongoing split brain counts up to now).
    pub split_brain_s: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouterReport {
    /// Share of routed requests per shard (node id).
    pub shares: BTreeMap<String, f64>,
    /// Share of keys that would move to another shard if one more were added.
    pub keys_moved_if_added: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientReport {
    pub attempts: u64,
    pub retries: u64,
    pub timeouts: u64,
    pub late_answers: u64,
}

impl From<ClientStats> for ClientReport {
    fn from(s: ClientStats) -> Self {
        ClientReport {
            attempts: s.attempts,
            retries: s.retries,
            timeouts: s.timeouts,
            late_answers: s.late_answers,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdgeReport {
    pub requests: u64,
    /// Requests sent over the edge in the last simulated second.
    pub last_rate: f64,
}

/// The whole summary of a run so far.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub seed: u64,
    /// Simulated time now.
    pub time_s: f64,
    pub warmup_s: f64,
    /// Simulated seconds the statistics cover.
    pub measured_s: f64,
    pub events: u64,
    pub end_to_end: EndToEndReport,
    pub nodes: BTreeMap<String, NodeReport>,
    pub edges: BTreeMap<String, EdgeReport>,
    /// Single points of failure of the diagram, with their blast radius.
    pub spof: crate::analysis::SpofReport,
}

/// One server instance or database member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub index: u32,
    pub up: bool,
    pub booting: bool,
    /// Databases: takes writes.
    pub primary: bool,
}

/// Live state of a node, for badges and colouring.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeStatus {
    pub id: String,
    pub up: bool,
    pub instances: u32,
    /// Over the last simulated second.
    pub last: Option<NodeSample>,
    pub queue_now: u64,
    pub in_service: u64,
    /// Databases: how far behind each member is now, in ms (primaries first).
    pub member_lag_ms: Vec<f64>,
    /// Server instances (not scaled in) and database members, each by its engine index: what
    /// the canvas offers to kill or revive one at a time.
    pub units: Vec<Unit>,
    /// Load balancers: backends a health check has taken out of rotation ("api#1").
    pub unhealthy: Vec<String>,
    /// Load balancers: the standby has taken over.
    pub standby_active: bool,
    /// Chaos now: service-time multiplier and injected error rate.
    pub slow: f64,
    pub error_rate: f64,
    /// Cache clusters: each member's hit ratio and load since warm-up (for the inspector).
    pub cache_members: Vec<CacheMemberReport>,
    /// Message queues: backlog, lag and counts now (for the card).
    pub queue: Option<QueueReport>,
    /// Servers that coordinate transactions: in doubt, locks, compensations (for badges).
    pub transactions: Option<TransactionReport>,
    /// Load balancers: where requests went, sticky users and open connections per backend.
    pub balancer: Option<BalancerReport>,
    /// Batch jobs: phase, progress and timeline now (for the card).
    pub job: Option<super::JobReport>,
}

impl NodeStatus {
    /// Server instances or database members that are down now.
    pub fn instances_down(&self) -> u32 {
        self.units.iter().filter(|u| !u.up).count() as u32
    }

    /// Server instances started by the autoscaler that are still booting.
    pub fn booting(&self) -> u32 {
        self.units.iter().filter(|u| u.booting).count() as u32
    }
}

/// What a request dot on the canvas shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DotKind {
    Read,
    Write,
    /// An error answer travelling back.
    Error,
}

/// A request (or its answer) on an edge.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Dot {
    /// Node slots; names via [`Simulation::node_id`].
    pub from: u32,
    pub to: u32,
    /// 0 at `from`, 1 at `to`.
    pub progress: f32,
    pub kind: DotKind,
    /// An answer going back towards the caller.
    pub answer: bool,
}

impl Simulation {
    /// Per-class figures, clients in slot order, classes in the client's order.
    fn class_reports(&self) -> Vec<ClassReport> {
        let mut out = Vec::new();
        for node in &self.nodes {
            let Model::Client(cl) = &node.model else {
                continue;
            };
            for &id in &cl.class_ids {
                let Some(c) = self.core.classes.get(id as usize) else {
                    continue;
                };
                let s = &c.stats;
                let ended = s.completed + s.failed;
                out.push(ClassReport {
                    client: node.id.clone(),
                    name: c.name.clone(),
                    method: c.method.clone(),
                    path: c.path.clone(),
                    write: c.write,
                    generated: s.generated,
                    completed: s.completed,
                    failed: s.failed,
                    error_rate: if ended > 0 {
                        s.failed as f64 / ended as f64
                    } else {
                        0.0
                    },
                    latency_ms: Latency::of(&s.latency),
                    failures: s
                        .failures
                        .iter()
                        .map(|(c, &n)| (c.slug().to_owned(), n))
                        .collect(),
                });
            }
        }
        out
    }

    /// The summary since warm-up.
    pub fn report(&self) -> Report {
        let core = &self.core;
        let now = core.now;
        let measured = if core.warm {
            (now - core.stats_start) as f64 / 1e9
        } else {
            0.0
        };
        let rate = |n: u64| {
            if measured > 0.0 {
                n as f64 / measured
            } else {
                0.0
            }
        };
        let e = &core.e2e;
        // Counts since warm-up, with those not folded yet (a report can be read mid-second).
        let total = e.total_counts();
        let mut client_totals = ClientStats::default();
        let mut nodes = BTreeMap::new();
        let mut cost = 0.0;
        for (n, node) in self.nodes.iter().enumerate() {
            if node.is_removed() {
                continue;
            }
            let m = &node.metrics;
            let areas = m.areas_until(now);
            let f = WindowFigures::from_parts(
                &m.total,
                &m.latency(),
                &areas,
                m.balancer.then_some((m.work, m.wait)),
            );
            let answered = m.total.ok + m.total.errors;
            let client = if let Model::Client(c) = &node.model {
                let s = c.stats;
                client_totals.attempts += s.attempts;
                client_totals.retries += s.retries;
                client_totals.timeouts += s.timeouts;
                client_totals.late_answers += s.late_answers;
                Some(ClientReport::from(s))
            } else {
                None
            };
            let c = node.cost_per_hour();
            cost += c;
            nodes.insert(
                node.id.clone(),
                NodeReport {
                    kind: node.kind,
                    up: node.up,
                    instances: node.instances(),
                    arrivals: m.total.arrivals,
                    arrival_rate: rate(m.total.arrivals),
                    throughput: rate(m.total.ok),
                    utilization: f.utilization,
                    cpu_utilization: f.cpu_utilization,
                    queue_length: f.queue,
                    queue_now: self.queue_now(node),
                    wait_ms_mean: m.mean_wait().map(|w| w / 1e6),
                    error_rate: if answered > 0 {
                        m.total.errors as f64 / answered as f64
                    } else {
                        0.0
                    },
                    latency_ms: Latency::of(&m.latency()),
                    ci95: Ci95::of(m.batch()),
                    rejected: Cause::ALL
                        .iter()
                        .filter(|c| m.total.rejected(**c) > 0)
                        .map(|c| (c.slug().to_owned(), m.total.rejected(*c)))
                        .collect(),
                    cost_per_hour: c,
                    client,
                    cache: self.cache_report(node),
                    database: self.database_report(node),
                    router: self.router_report(node),
                    cdn: self.cdn_report(node),
                    traffic_manager: self.traffic_manager_report(node),
                    queue: self.queue_report(node),
                    job: match &node.model {
                        Model::BatchJob(b) => Some(super::JobReport::of(b)),
                        _ => None,
                    },
                    transactions: self.transaction_report(n as u32, node),
                    balancer: self.balancer_report(n as u32, node),
                },
            );
        }
        let mut failures = BTreeMap::new();
        let mut failures_by_node = BTreeMap::new();
        for (&(cause, n), &count) in &e.failures {
            *failures.entry(cause.slug().to_owned()).or_insert(0) += count;
            let at = self.node_id(n).unwrap_or("?");
            *failures_by_node
                .entry(format!("{}@{at}", cause.slug()))
                .or_insert(0) += count;
        }
        let ended = total.completed + total.failed;
        let in_diagram = self.edge_names();
        Report {
            seed: self.diagram.seed,
            time_s: now as f64 / 1e9,
            warmup_s: core.cfg.warmup as f64 / 1e9,
            measured_s: measured,
            events: core.events,
            end_to_end: EndToEndReport {
                generated: total.generated,
                completed: total.completed,
                failed: total.failed,
                in_flight: core.reqs.live() as u64,
                attempts: total.attempts,
                retries: client_totals.retries,
                timeouts: client_totals.timeouts,
                late_answers: client_totals.late_answers,
                throughput: rate(total.completed),
                offered_rps: rate(total.generated),
                error_rate: if ended > 0 {
                    total.failed as f64 / ended as f64
                } else {
                    0.0
                },
                latency_ms: Latency::of(&e.latency_total()),
                ci95: Ci95::of(&e.batch),
                failures,
                failures_by_node,
                cost_per_hour: cost,
                reads: total.reads,
                writes: total.writes,
                read_latency_ms: Latency::of(&e.read_total()),
                write_latency_ms: Latency::of(&e.write_total()),
                stale_reads: total.stale_reads,
                stale_read_rate: if total.reads > 0 {
                    total.stale_reads as f64 / total.reads as f64
                } else {
                    0.0
                },
                staleness_ms: Latency::of(&e.staleness),
                ryw_violations: total.ryw_violations,
                lost_writes: self
                    .nodes
                    .iter()
                    .filter_map(|n| match &n.model {
                        Model::Database(d) => Some(d.stats.lost_writes),
                        _ => None,
                    })
                    .sum(),
                cost_total: e.cost_total,
                slo: self.slo_report(),
                classes: self.class_reports(),
                regions: e
                    .regions
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.generated > 0 || t.completed > 0 || t.failed > 0)
                    .map(|(i, t)| {
                        let ended = t.completed + t.failed;
                        (
                            core.regions.name(i as u32).to_owned(),
                            RegionReport {
                                generated: t.generated,
                                completed: t.completed,
                                failed: t.failed,
                                throughput: rate(t.completed),
                                error_rate: if ended > 0 {
                                    t.failed as f64 / ended as f64
                                } else {
                                    0.0
                                },
                                latency_ms: Latency::of(&t.latency),
                            },
                        )
                    })
                    .collect(),
                connections: self.connection_counts(),
            },
            nodes,
            edges: core
                .edges
                .iter()
                .filter(|e| in_diagram.contains(&e.name))
                .map(|e| {
                    (
                        e.name.clone(),
                        EdgeReport {
                            requests: e.sent,
                            last_rate: e.last_rate,
                        },
                    )
                })
                .collect(),
            spof: crate::analysis::spof(&self.diagram),
        }
    }

    fn cache_report(&self, node: &super::node::NodeRt) -> Option<CacheReport> {
        let has_cache = match &node.model {
            Model::Cache(_) | Model::Cdn(_) => true,
            Model::Server(s) => !s.l1.is_empty(),
            _ => false,
        };
        let d = node.metrics.data.total;
        let cache = match &node.model {
            Model::Cache(c) => Some(c),
            _ => None,
        };
        has_cache.then(|| CacheReport {
            hits: d.hits,
            misses: d.misses,
            hit_ratio: d.hit_ratio(),
            expired: d.expired,
            evictions: d.evictions,
            stale_hits: d.stale,
            eviction: cache.map(|c| c.params.eviction),
            cluster: cache.and_then(cluster_report),
        })
    }

    fn database_report(&self, node: &super::node::NodeRt) -> Option<DatabaseReport> {
        let Model::Database(db) = &node.model else {
            return None;
        };
        let lags = db.lags(self.core.now);
        Some(DatabaseReport {
            reads: db.stats.reads,
            writes: db.stats.writes,
            stale_reads: db.stats.stale_reads,
            conflicts: db.stats.conflicts,
            failovers: db.stats.failovers,
            lost_writes: db.stats.lost_writes,
            partition: (!db.params.partition_mode.is_ignore()).then(|| {
                let p = db.stats.partition;
                let ongoing = db
                    .part
                    .as_ref()
                    .and_then(|x| x.split_since)
                    .map_or(0, |since| self.core.now.saturating_sub(since));
                PartitionReport {
                    mode: db.params.partition_mode,
                    active: db.part.is_some(),
                    refused_writes: p.refused_writes,
                    refused_reads: p.refused_reads,
                    conflicts: p.conflicts,
                    lww_lost_writes: p.lww_lost_writes,
                    split_brains: p.split_brains,
                    split_brain_s: (p.split_brain_ns + ongoing) as f64 / 1e9,
                }
            }),
            members: db
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| MemberReport {
                    role: if m.primary { "primary" } else { "replica" },
                    up: m.up,
                    lag_ms: lags.get(i).copied().unwrap_or(0) as f64 / 1e6,
                })
                .collect(),
        })
    }

    fn router_report(&self, node: &super::node::NodeRt) -> Option<RouterReport> {
        let Model::Router(r) = &node.model else {
            return None;
        };
        let sent: Vec<(String, u64)> = node
            .out
            .iter()
            .map(|o| {
                let id = self.node_id(o.target).unwrap_or("?").to_owned();
                (
                    id,
                    self.core.edges.get(o.edge as usize).map_or(0, |e| e.sent),
                )
            })
            .collect();
        let total: u64 = sent.iter().map(|(_, n)| n).sum();
        let key_space = self
            .diagram
            .nodes
            .iter()
            .filter_map(|n| match &n.spec {
                crate::diagram::NodeSpec::Client(c) => Some(c.key_space),
                _ => None,
            })
            .max()
            .unwrap_or(10_000);
        Some(RouterReport {
            shares: sent
                .into_iter()
                .map(|(id, n)| {
                    (
                        id,
                        if total > 0 {
                            n as f64 / total as f64
                        } else {
                            0.0
                        },
                    )
                })
                .collect(),
            keys_moved_if_added: super::router::keys_moved_if_added(
                node.out.len(),
                r.params.virtual_nodes,
                key_space,
            )
            .into_iter()
            .map(|(s, f)| {
                let name = match s {
                    crate::diagram::ShardStrategy::HashMod => "hash_mod",
                    crate::diagram::ShardStrategy::ConsistentHash => "consistent_hash",
                    crate::diagram::ShardStrategy::Range => "range",
                };
                (name.to_owned(), f)
            })
            .collect(),
        })
    }

    fn traffic_manager_report(&self, node: &super::node::NodeRt) -> Option<TrafficManagerReport> {
        let Model::TrafficManager(_) = &node.model else {
            return None;
        };
        let down = self.unhealthy_targets(&node.id);
        let sent: Vec<(u32, u64)> = node
            .out
            .iter()
            .map(|o| {
                let n = self.core.edges.get(o.edge as usize).map_or(0, |e| e.sent);
                (o.target, n)
            })
            .collect();
        let total: u64 = sent.iter().map(|s| s.1).sum();
        Some(TrafficManagerReport {
            targets: sent
                .into_iter()
                .map(|(t, n)| {
                    let id = self.node_id(t).unwrap_or("?").to_owned();
                    let region = self.nodes[t as usize].region;
                    let report = TargetReport {
                        region: self.core.regions.name(region).to_owned(),
                        healthy: !down.contains(&id),
                        share: if total > 0 {
                            n as f64 / total as f64
                        } else {
                            0.0
                        },
                    };
                    (id, report)
                })
                .collect(),
        })
    }

    fn cdn_report(&self, node: &super::node::NodeRt) -> Option<CdnReport> {
        let Model::Cdn(c) = &node.model else {
            return None;
        };
        let arrivals = node.metrics.total.arrivals;
        Some(CdnReport {
            regions: c
                .by_slot()
                .filter(|(_, n)| n.hits + n.misses > 0)
                .map(|(r, n)| (self.core.regions.name(r).to_owned(), n.into()))
                .collect(),
            shield: c.params.shield.then(|| c.shield_counts.into()),
            origin_requests: c.origin_requests,
            origin_share: (arrivals > 0).then(|| c.origin_requests as f64 / arrivals as f64),
        })
    }

    fn queue_report(&self, node: &super::node::NodeRt) -> Option<QueueReport> {
        let Model::Queue(q) = &node.model else {
            return None;
        };
        let c = q.counts;
        Some(QueueReport {
            backlog: q.visible,
            in_flight: q.in_flight,
            consumer_lag_s: q.oldest_age(self.core.now).unwrap_or(0) as f64 / 1e9,
            enqueued: c.enqueued,
            refused: c.refused,
            processed: c.processed,
            dlq: c.dead_lettered,
            expired: c.expired,
            deliveries: c.deliveries,
            redeliveries: c.redeliveries,
            duplicates: c.duplicates,
            duplicates_absorbed: c.absorbed,
            delay_ms: Latency::of(&q.delay),
        })
    }

    fn transaction_report(&self, n: u32, node: &super::node::NodeRt) -> Option<TransactionReport> {
        let Model::Server(s) = &node.model else {
            return None;
        };
        let protocol = s.params.transaction.protocol;
        if protocol == crate::diagram::TxnProtocol::None {
            return None;
        }
        let empty = super::TxnStats::default();
        let st = self.txns.stats.get(n as usize).unwrap_or(&empty);
        Some(TransactionReport {
            protocol,
            started: st.started,
            committed: st.committed,
            aborted: st.aborted,
            in_doubt: self.txns.in_doubt(n, node.up),
            locks_held: self.txns.locks_held_by(n),
            compensated: st.compensated,
            anomaly_reads: st.anomaly_reads,
            lock_wait_ms: Latency::of(&st.lock_wait),
            commit_latency_ms: Latency::of(&st.commit_latency),
        })
    }

    fn queue_now(&self, node: &super::node::NodeRt) -> u64 {
        match &node.model {
            Model::Server(_) => node.metrics.levels.queued,
            Model::Balancer(lb) => lb.queue_len(self.core.now),
            Model::Cache(c) => c.queue_len(self.core.now),
            Model::Database(_) => node.metrics.levels.queued,
            Model::Queue(q) => q.visible,
            _ => 0,
        }
    }

    /// The run so far against the diagram's SLO (since warm-up).
    pub fn slo_report(&self) -> SloReport {
        let e = &self.core.e2e;
        let total = e.total_counts();
        let slo = &self.diagram.slo;
        let ended = total.completed + total.failed;
        let success = if ended > 0 {
            total.completed as f64 / ended as f64
        } else {
            1.0
        };
        let p99 = e.latency_total().quantile(0.99).map(|v| v as f64 / 1e6);
        let burn = (1.0 - success) / (1.0 - slo.availability).max(1e-12);
        SloReport {
            availability_target: slo.availability,
            success_ratio: success,
            error_budget_burn: burn,
            p99_target_ms: slo.p99_ms,
            p99_ms: p99,
            met: success >= slo.availability && p99.is_none_or(|p| p <= slo.p99_ms),
        }
    }

    /// Live state of every node, in diagram order.
    pub fn statuses(&self) -> Vec<NodeStatus> {
        self.diagram
            .nodes
            .iter()
            .filter_map(|d| {
                let slot = *self.index.get(&d.id)?;
                let node = &self.nodes[slot as usize];
                Some(NodeStatus {
                    id: node.id.clone(),
                    up: node.up,
                    instances: node.instances(),
                    last: node.metrics.series.last().copied(),
                    queue_now: self.queue_now(node),
                    in_service: node.metrics.levels.busy,
                    member_lag_ms: match &node.model {
                        Model::Database(db) => db
                            .lags(self.core.now)
                            .iter()
                            .map(|&l| l as f64 / 1e6)
                            .collect(),
                        _ => Vec::new(),
                    },
                    units: match &node.model {
                        Model::Server(s) => (0u32..)
                            .zip(&s.instances)
                            .filter(|(_, i)| !i.retired)
                            .map(|(index, i)| Unit {
                                index,
                                up: i.up,
                                booting: i.booting,
                                primary: false,
                            })
                            .collect(),
                        Model::Database(db) => (0u32..)
                            .zip(&db.members)
                            .map(|(index, m)| Unit {
                                index,
                                up: m.up,
                                booting: false,
                                primary: m.primary,
                            })
                            .collect(),
                        Model::Cache(c) if c.members.len() > 1 => (0u32..)
                            .zip(&c.membership.up)
                            .map(|(index, &up)| Unit {
                                index,
                                up,
                                booting: false,
                                primary: false,
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    cache_members: match &node.model {
                        Model::Cache(c) => cluster_report(c).map(|r| r.members).unwrap_or_default(),
                        _ => Vec::new(),
                    },
                    unhealthy: match &node.model {
                        Model::TrafficManager(_) => self.unhealthy_targets(&d.id),
                        _ => self.unhealthy_backends(&d.id),
                    },
                    standby_active: matches!(&node.model, Model::Balancer(b) if b.standby_used),
                    slow: node.slow,
                    error_rate: node.error_rate,
                    queue: self.queue_report(node),
                    job: match &node.model {
                        Model::BatchJob(b) => Some(super::JobReport::of(b)),
                        _ => None,
                    },
                    transactions: self.transaction_report(slot, node),
                    balancer: self.balancer_report(slot, node),
                })
            })
            .collect()
    }

    /// The names of the diagram's edges: edges removed by a live edit keep their counters but
    /// leave the reports (one lookup per edge, not a scan of every edge per edge).
    fn edge_names(&self) -> std::collections::HashSet<String> {
        self.diagram.edges.iter().map(|d| d.name()).collect()
    }

    /// Requests per second over each edge of the diagram, in the last simulated second.
    pub fn edge_rates(&self) -> BTreeMap<String, f64> {
        let in_diagram = self.edge_names();
        self.core
            .edges
            .iter()
            .filter(|e| in_diagram.contains(&e.name))
            .map(|e| (e.name.clone(), e.last_rate))
            .collect()
    }

    /// Failed requests since warm-up by cause and node id.
    pub fn failure_counts(&self) -> Vec<(Cause, String, u64)> {
        self.core
            .e2e
            .failures
            .iter()
            .map(|(&(cause, n), &count)| (cause, self.node_id(n).unwrap_or("?").to_owned(), count))
            .collect()
    }

    /// The per-second chart series of a node.
    pub fn node_series(&self, id: &str) -> Option<impl ExactSizeIterator<Item = &NodeSample>> {
        let &n = self.index.get(id)?;
        Some(self.nodes[n as usize].metrics.series.iter())
    }

    /// The per-second chart series of the whole system.
    pub fn series(&self) -> impl ExactSizeIterator<Item = &EndToEndSample> {
        self.core.e2e.series.iter()
    }

    /// Up to `max` requests and answers currently on edges, spread evenly over all of them.
    pub fn dots(&self, max: usize, out: &mut Vec<Dot>) {
        out.clear();
        let now = self.core.now;
        let in_transit = |phase: Phase| matches!(phase, Phase::ToNode | Phase::Returning);
        let total = self
            .core
            .jobs
            .iter_live()
            .filter(|(_, j)| in_transit(j.phase))
            .count();
        if total == 0 || max == 0 {
            return;
        }
        let stride = total.div_ceil(max);
        for (_, j) in self
            .core
            .jobs
            .iter_live()
            .filter(|(_, j)| in_transit(j.phase))
            .step_by(stride)
        {
            let answer = j.phase == Phase::Returning;
            let (from, to) = if answer {
                (j.node, j.from)
            } else {
                (j.from, j.node)
            };
            let progress = if j.hop == 0 || now <= j.sent_at {
                0.0
            } else {
                ((now - j.sent_at) as f64 / j.hop as f64).min(1.0) as f32
            };
            let kind = if j.failed.is_some() {
                DotKind::Error
            } else if j.write {
                DotKind::Write
            } else {
                DotKind::Read
            };
            out.push(Dot {
                from,
                to,
                progress,
                kind,
                answer,
            });
        }
    }
}

/// The members of a cache cluster (None for a single cache).
fn cluster_report(c: &super::cache::CacheRt) -> Option<ClusterReport> {
    if c.members.len() < 2 {
        return None;
    }
    let total: u64 = c.members.iter().map(|m| m.counts.requests).sum();
    let ratio = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
    let members = (0u32..)
        .zip(&c.members)
        .map(|(index, m)| CacheMemberReport {
            index,
            up: c.membership.up[index as usize],
            hits: m.counts.hits,
            misses: m.counts.misses,
            hit_ratio: ratio(m.counts.hits, m.counts.hits + m.counts.misses),
            requests: m.counts.requests,
            load_share: ratio(m.counts.requests, total),
            keys: m.store.len() as u64,
        })
        .collect();
    let remap = c.membership.last_remap;
    Some(ClusterReport {
        hashing: c.params.hashing,
        members,
        membership_changes: c.membership.changes,
        remapped_share: remap.map(|r| r.share),
        remap_keys: remap.map_or(0, |r| r.keys),
        remapped_at_s: remap.map(|r| r.at as f64 / 1e9),
    })
}
