//! Parameters of each component kind, with the defaults a newly placed component gets.
//!
//! Units are in the field names (`_ms`, `_s`, `_rps`) so a diagram file reads unambiguously.
//! Every struct has `deny_unknown_fields`: a misspelt parameter is reported, not silently ignored.

use serde::{Deserialize, Serialize};

/// A traffic source: an open workload of Poisson arrivals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientParams {
    /// Mean arrival rate λ in requests per second (before the profile and the global scale).
    pub rate_rps: f64,
    /// How the rate changes over simulated time.
    pub profile: Profile,
    /// Fraction of requests that are reads; the rest are writes.
    pub read_ratio: f64,
    /// Number of distinct keys requests are spread over.
    pub key_space: u64,
    /// Zipf exponent of key popularity: 0 = uniform, ~1 = typical web skew, >1 = a few very hot keys.
    pub zipf_s: f64,
    /// Number of distinct users (sessions), for sticky sessions.
    pub sessions: u64,
    /// The client gives up on an attempt after this long; 0 = wait forever.
    pub timeout_ms: f64,
    pub retry: RetryPolicy,
}

impl Default for ClientParams {
    fn default() -> Self {
        ClientParams {
            rate_rps: 100.0,
            profile: Profile::Constant,
            read_ratio: 0.9,
            key_space: 10_000,
            zipf_s: 0.99,
            sessions: 1_000,
            timeout_ms: 1_000.0,
            retry: RetryPolicy::default(),
        }
    }
}

/// Retries after a timeout or an error response, with exponential backoff.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Extra attempts after the first; 0 = never retry.
    pub max_retries: u32,
    /// Wait before the first retry.
    pub backoff_ms: f64,
    /// Each further retry waits this many times longer.
    pub multiplier: f64,
    /// Upper bound on a single wait.
    pub max_backoff_ms: f64,
    /// "Full jitter": wait a uniform random fraction of the backoff, which de-synchronises retries.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 0,
            backoff_ms: 100.0,
            multiplier: 2.0,
            max_backoff_ms: 5_000.0,
            jitter: true,
        }
    }
}

/// The shape of a client's traffic over time, as a factor applied to `rate_rps`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Profile {
    /// The same rate throughout.
    #[default]
    Constant,
    /// The rate jumps to `factor ×` at `at_s` and stays there.
    Step { at_s: f64, factor: f64 },
    /// The rate is `factor ×` from `at_s` for `duration_s`, then returns to normal.
    Spike {
        at_s: f64,
        duration_s: f64,
        factor: f64,
    },
    /// The rate rises (or falls) linearly from 1× at `start_s` to `to_factor ×` at `end_s`.
    Ramp {
        start_s: f64,
        end_s: f64,
        to_factor: f64,
    },
    /// A day/night cycle: 1 − amplitude at t = 0 (night), 1 + amplitude at half a period (peak).
    Diurnal { period_s: f64, amplitude: f64 },
}

/// How a load balancer picks a backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    #[default]
    RoundRobin,
    Random,
    /// The backend with the fewest requests this balancer has sent and not yet seen answered.
    LeastOutstanding,
    /// A hash ring over the request key, with virtual nodes: the same key goes to the same backend,
    /// and adding a backend moves only ≈ 1/(N+1) of the keys.
    ConsistentHash,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancerParams {
    pub algorithm: Algorithm,
    /// Pin each session (user) to the backend that served its first request.
    pub sticky_sessions: bool,
    /// Points per backend on the consistent-hash ring.
    pub virtual_nodes: u32,
    /// Requests per second the balancer itself can forward; beyond it, requests queue.
    pub capacity_rps: f64,
    /// Requests that may wait for the balancer; beyond it, new ones are refused (503).
    pub max_queue: u32,
    /// Processing delay added to every request passing through.
    pub latency_ms: f64,
}

impl Default for LoadBalancerParams {
    fn default() -> Self {
        LoadBalancerParams {
            algorithm: Algorithm::RoundRobin,
            sticky_sessions: false,
            virtual_nodes: 100,
            capacity_rps: 50_000.0,
            max_queue: 10_000,
            latency_ms: 0.1,
        }
    }
}

/// Instance sizes for vertical scaling. Bigger is faster but costs disproportionately more and
/// gains less each step — the physical limit and "cost rises sharply" of scaling up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InstanceSize {
    Small,
    #[default]
    Medium,
    Large,
    Xlarge,
    Xxlarge,
}

impl InstanceSize {
    pub const ALL: [InstanceSize; 5] = [
        InstanceSize::Small,
        InstanceSize::Medium,
        InstanceSize::Large,
        InstanceSize::Xlarge,
        InstanceSize::Xxlarge,
    ];

    /// How many times faster than `small` a request is served.
    pub fn speed(self) -> f64 {
        match self {
            InstanceSize::Small => 1.0,
            InstanceSize::Medium => 1.9,
            InstanceSize::Large => 3.6,
            InstanceSize::Xlarge => 6.6,
            InstanceSize::Xxlarge => 11.5,
        }
    }

    /// How many times the price of `small`.
    pub fn cost_multiplier(self) -> f64 {
        match self {
            InstanceSize::Small => 1.0,
            InstanceSize::Medium => 2.0,
            InstanceSize::Large => 4.0,
            InstanceSize::Xlarge => 8.0,
            InstanceSize::Xxlarge => 16.0,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            InstanceSize::Small => "small",
            InstanceSize::Medium => "medium",
            InstanceSize::Large => "large",
            InstanceSize::Xlarge => "xlarge",
            InstanceSize::Xxlarge => "xxlarge",
        }
    }
}

/// Shape of the service-time distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// Every request takes exactly the mean.
    Constant,
    /// Memoryless, coefficient of variation 1 (the M in M/M/c).
    #[default]
    Exponential,
    /// Right-skewed with a long tail; spread set by `cv`. Closest to real request handlers.
    Lognormal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceTime {
    pub distribution: Distribution,
    /// Mean CPU time of one request on a `small` instance.
    pub mean_ms: f64,
    /// Coefficient of variation (std dev / mean), used by `lognormal`.
    pub cv: f64,
}

impl Default for ServiceTime {
    fn default() -> Self {
        ServiceTime {
            distribution: Distribution::Exponential,
            mean_ms: 20.0,
            cv: 1.0,
        }
    }
}

/// An application server group: identical instances, each with worker threads and a queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerParams {
    /// Horizontal scaling: how many identical instances.
    pub instances: u32,
    /// Vertical scaling: how big each instance is.
    pub size: InstanceSize,
    /// Worker threads per instance. A worker stays busy while it waits for downstream calls.
    pub workers: u32,
    /// Requests that may wait per instance when all workers are busy; beyond it, 503.
    pub queue_capacity: u32,
    pub service: ServiceTime,
    /// Price of one `small` instance per hour; bigger sizes multiply it.
    pub cost_per_hour: f64,
    /// In-process cache of each instance (off unless given a capacity).
    pub l1: L1Cache,
}

impl Default for ServerParams {
    fn default() -> Self {
        ServerParams {
            instances: 1,
            size: InstanceSize::Medium,
            workers: 8,
            queue_capacity: 100,
            service: ServiceTime::default(),
            cost_per_hour: 0.05,
            l1: L1Cache::default(),
        }
    }
}

impl ServerParams {
    /// Cost of the whole group per hour.
    pub fn cost_per_hour_total(&self) -> f64 {
        self.cost_per_hour * self.size.cost_multiplier() * self.instances as f64
    }
}

/// An in-process cache on every server instance (the L1 of multi-layer caching). Each instance
/// has its own: a write through one instance leaves the others' copies stale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct L1Cache {
    /// Keys each instance keeps (LRU); 0 turns the L1 off.
    pub capacity_keys: u64,
    /// Entries expire after this long; 0 = never.
    pub ttl_ms: f64,
}

impl Default for L1Cache {
    fn default() -> Self {
        L1Cache {
            capacity_keys: 0,
            ttl_ms: 5_000.0,
        }
    }
}

/// What a cache does when a write passes through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WritePolicy {
    /// Delete the cached key once the database has committed the write.
    #[default]
    Invalidate,
    /// Store the new value in the cache once the database has committed it.
    WriteThrough,
    /// Leave the cache alone: the old value stays until its TTL runs out (stale reads).
    TtlOnly,
}

/// A shared cache (Redis/Memcached-like, the L2): a read-through proxy in front of whatever it
/// is connected to. Hits answer at once; misses and writes go on to the next tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheParams {
    /// Keys it holds; the least recently used is evicted when full.
    pub capacity_keys: u64,
    /// Entries expire this long after being stored; 0 = never.
    pub ttl_ms: f64,
    pub write_policy: WritePolicy,
    /// Operations per second it can serve (a single Redis thread does about 100 000).
    pub capacity_rps: f64,
    /// Time to look up or store a key.
    pub latency_ms: f64,
    pub cost_per_hour: f64,
}

impl Default for CacheParams {
    fn default() -> Self {
        CacheParams {
            capacity_keys: 1_000,
            ttl_ms: 30_000.0,
            write_policy: WritePolicy::Invalidate,
            capacity_rps: 100_000.0,
            latency_ms: 0.2,
            cost_per_hour: 0.05,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Replication {
    /// A write is acknowledged as soon as the primary commits it; replicas catch up later.
    #[default]
    Async,
    /// A write is acknowledged only after every replica has applied it: slower, never stale.
    Sync,
}

/// Where a database sends reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    /// Always the primary: consistent, but the primary carries every read.
    #[default]
    Primary,
    /// The replicas in turn (the primary if there are none): spreads reads, may be stale.
    Replicas,
    /// Primary and replicas in turn.
    Any,
}

/// A database: one or more primaries that take writes, read replicas that copy them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseParams {
    /// Vertical scaling of every member.
    pub size: InstanceSize,
    /// Connections (concurrent queries) per member.
    pub connections: u32,
    /// Queries that may wait per member; beyond it, errors.
    pub queue_capacity: u32,
    /// Mean time of a read on a `small` member (exponential).
    pub read_ms: f64,
    /// Mean time of a write on a `small` member (exponential).
    pub write_ms: f64,
    /// More than one primary is multi-primary: writes go to any of them and replicate to the
    /// others; concurrent writes to a key are conflicts (last writer wins).
    pub primaries: u32,
    pub replicas: u32,
    pub replication: Replication,
    /// Time for a write to reach another member (network and log shipping).
    pub replication_lag_ms: f64,
    /// Writes per second a member can apply from the replication log; below the write rate,
    /// lag grows without bound.
    pub apply_rate: f64,
    pub read_from: ReadFrom,
    /// Price per member (primary or replica) of a `small` size per hour.
    pub cost_per_hour: f64,
}

impl Default for DatabaseParams {
    fn default() -> Self {
        DatabaseParams {
            size: InstanceSize::Medium,
            connections: 32,
            queue_capacity: 200,
            read_ms: 2.0,
            write_ms: 5.0,
            primaries: 1,
            replicas: 0,
            replication: Replication::Async,
            replication_lag_ms: 20.0,
            apply_rate: 5_000.0,
            read_from: ReadFrom::Primary,
            cost_per_hour: 0.10,
        }
    }
}

/// How a shard router maps a key to a shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ShardStrategy {
    /// hash(key) mod N: even, but adding a shard moves almost every key.
    #[default]
    HashMod,
    /// A hash ring with virtual nodes: adding a shard moves about 1/(N+1) of the keys.
    ConsistentHash,
    /// Contiguous key ranges: range scans stay on one shard, but popular keys make a hot shard.
    Range,
}

/// Routes each request to one shard (one of its outgoing edges) by the request's key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShardRouterParams {
    pub strategy: ShardStrategy,
    /// Points per shard on the consistent-hash ring.
    pub virtual_nodes: u32,
    /// Routing time added to every request.
    pub latency_ms: f64,
}

impl Default for ShardRouterParams {
    fn default() -> Self {
        ShardRouterParams {
            strategy: ShardStrategy::HashMod,
            virtual_nodes: 100,
            latency_ms: 0.1,
        }
    }
}

impl DatabaseParams {
    /// Cost of all members per hour.
    pub fn cost_per_hour_total(&self) -> f64 {
        self.cost_per_hour * self.size.cost_multiplier() * (self.primaries + self.replicas) as f64
    }
}
