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
    /// Request classes (method, path, share, cost). Empty: one implicit class whose reads and
    /// writes follow `read_ratio` — the behaviour of every diagram written before classes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<RequestClass>,
    /// Where the users are: each request comes from one of these regions, drawn by share
    /// (empty: the node's own region). Left out of files when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionShare>,
    /// Long-lived connections (WebSocket-like): users open connections that stay open and
    /// carry messages, instead of sending independent requests. `None` (left out of files):
    /// independent requests at `rate_rps`, as before the option existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<ConnectionParams>,
}

/// A client whose users keep connections open: connects arrive as a Poisson process (following
/// the client's profile and the workload's scale), each connection lives an exponentially
/// distributed time, and carries Poisson messages. Each message is a request; the balancer the
/// connection went through sends all of them to the backend it chose when the connection
/// opened. `rate_rps` is not used while this is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionParams {
    /// New connections per second (mean).
    pub connect_rate_per_s: f64,
    /// Mean time a connection stays open, in seconds.
    pub lifetime_s: f64,
    /// Messages per second on each open connection (mean).
    pub messages_per_s: f64,
}

impl Default for ConnectionParams {
    fn default() -> Self {
        ConnectionParams {
            connect_rate_per_s: 10.0,
            lifetime_s: 60.0,
            messages_per_s: 1.0,
        }
    }
}

/// A kind of request a client sends: `GET /static/*`, `POST /api/orders`… Each request draws its
/// class by `share`; the class decides whether it is a write, how expensive it is to serve, and
/// where an L7 load balancer routes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestClass {
    pub name: String,
    /// HTTP method; GET, HEAD and OPTIONS are reads, anything else is a write (unless `write`
    /// says otherwise).
    pub method: String,
    /// Overrides what `method` implies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<bool>,
    /// The request path, e.g. `/api/orders`; L7 rules match its prefix.
    pub path: String,
    /// The Host header (empty: any); L7 rules with a host match it exactly.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// Share of the client's requests (shares are normalised to sum to 1).
    pub share: f64,
    /// Multiplies the service time at servers and databases (1 = an ordinary request).
    pub cost: f64,
    /// Whether caches may answer it (default: reads are cacheable, writes never are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cacheable: Option<bool>,
}

impl Default for RequestClass {
    fn default() -> Self {
        RequestClass {
            name: String::new(),
            method: "GET".to_owned(),
            write: None,
            path: "/".to_owned(),
            host: String::new(),
            share: 1.0,
            cost: 1.0,
            cacheable: None,
        }
    }
}

impl RequestClass {
    /// Whether requests of this class write.
    pub fn is_write(&self) -> bool {
        self.write.unwrap_or_else(|| {
            !matches!(
                self.method.to_ascii_uppercase().as_str(),
                "GET" | "HEAD" | "OPTIONS"
            )
        })
    }

    /// Whether a cache may answer requests of this class (never for writes).
    pub fn is_cacheable(&self) -> bool {
        !self.is_write() && self.cacheable.unwrap_or(true)
    }
}

/// A share of a client's users living in a region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionShare {
    pub region: String,
    /// Relative weight (the shares need not add up to 1).
    #[serde(default = "one")]
    pub share: f64,
}

fn one() -> f64 {
    1.0
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
            classes: Vec::new(),
            regions: Vec::new(),
            connections: None,
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
    pub health_check: HealthCheck,
    /// An idle standby takes over this long after the active balancer fails (0 = no standby):
    /// an active/standby pair is not a single point of failure.
    pub standby_failover_ms: f64,
    /// `l4` forwards connections; `l7` terminates TLS and parses HTTP (slower, fewer requests
    /// per second, but can route by path and host).
    #[serde(skip_serializing_if = "Layer::is_l4")]
    pub layer: Layer,
    /// L7 only: ordered routing rules; the first that matches a request picks its pool.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<L7Rule>,
}

/// What a load balancer looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Transport (TCP): forwards bytes, cheap, blind to paths.
    #[default]
    L4,
    /// Application (HTTP): terminates TLS, parses requests, routes by path/host.
    L7,
}

impl Layer {
    pub fn is_l4(&self) -> bool {
        *self == Layer::L4
    }
}

/// An L7 routing rule: requests whose path starts with `path_prefix` (and whose host is `host`,
/// if given) go to the backends among `targets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct L7Rule {
    pub path_prefix: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// Node ids the balancer has edges to.
    pub targets: Vec<String>,
}

impl L7Rule {
    /// Whether a request for `path` on `host` matches.
    pub fn matches(&self, path: &str, host: &str) -> bool {
        path.starts_with(&self.path_prefix) && (self.host.is_empty() || self.host == host)
    }
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
            health_check: HealthCheck::default(),
            standby_failover_ms: 0.0,
            layer: Layer::L4,
            rules: Vec::new(),
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
    pub autoscale: Autoscale,
    /// Availability zones instances are spread over, in turn (empty: the node's zone).
    pub zones: Vec<String>,
    /// Instances bought as reserved capacity: paid whether used or not, at a discount.
    pub reserved_instances: u32,
    /// How much cheaper a reserved instance is than on-demand (0.4 = 40 % off).
    pub reserved_discount: f64,
    /// Writes as distributed transactions over several databases (off: `protocol: none`).
    /// Left out of files when off, so diagrams without transactions read as they always did.
    #[serde(skip_serializing_if = "TransactionParams::is_off")]
    pub transaction: TransactionParams,
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
            autoscale: Autoscale::default(),
            zones: Vec::new(),
            reserved_instances: 0,
            reserved_discount: 0.4,
            transaction: TransactionParams::default(),
        }
    }
}

impl ServerParams {
    /// Cost per hour of `active` instances: reserved ones are paid whether used or not, at a
    /// discount; the rest are on demand.
    pub fn cost_per_hour_for(&self, active: u32) -> f64 {
        let unit = self.cost_per_hour * self.size.cost_multiplier();
        let reserved = self.reserved_instances as f64 * unit * (1.0 - self.reserved_discount);
        let on_demand = active.saturating_sub(self.reserved_instances) as f64 * unit;
        reserved + on_demand
    }

    /// Cost of the whole group per hour at its configured size.
    pub fn cost_per_hour_total(&self) -> f64 {
        self.cost_per_hour_for(self.instances)
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

/// Which entry a full cache gives up to make room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Eviction {
    /// Least recently used: the entry untouched the longest.
    #[default]
    Lru,
    /// Least frequently used: the entry requested the fewest times (counted over the whole run,
    /// evicted keys included); a newcomer requested no more often than it is not stored.
    Lfu,
    /// First in, first out: the oldest stored entry, however often it is read.
    Fifo,
    /// A uniformly random entry.
    Random,
}

impl Eviction {
    pub fn is_lru(&self) -> bool {
        *self == Eviction::Lru
    }
}

/// How the clients of a cache cluster pick the member that holds a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CacheHashing {
    /// A hash ring with virtual nodes: when a member leaves, only its keys move.
    #[default]
    Consistent,
    /// hash(key) mod (members up): when one leaves, almost every key moves.
    Modulo,
}

impl CacheHashing {
    pub fn is_consistent(&self) -> bool {
        *self == CacheHashing::Consistent
    }
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn is_hundred(n: &u32) -> bool {
    *n == 100
}

/// A shared cache (Redis/Memcached-like, the L2): a read-through proxy in front of whatever it
/// is connected to. Hits answer at once; misses and writes go on to the next tier.
///
/// With more than one member it is a cache cluster: each key lives on one member, chosen by
/// client-side hashing; every member has its own capacity, engine and price. The cluster's
/// parameters are left out of files at their defaults (one member, LRU), so diagrams written
/// before them read as they always did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheParams {
    /// Keys each member holds; `eviction` decides which one goes when it is full.
    pub capacity_keys: u64,
    /// Entries expire this long after being stored; 0 = never.
    pub ttl_ms: f64,
    pub write_policy: WritePolicy,
    /// Operations per second it can serve (a single Redis thread does about 100 000).
    pub capacity_rps: f64,
    /// Time to look up or store a key.
    pub latency_ms: f64,
    /// Price of one member per hour.
    pub cost_per_hour: f64,
    /// Members of the cluster (1: a single cache).
    #[serde(skip_serializing_if = "is_one")]
    pub members: u32,
    /// How a key's member is chosen when there are several.
    #[serde(skip_serializing_if = "CacheHashing::is_consistent")]
    pub hashing: CacheHashing,
    /// Points per member on the consistent-hash ring.
    #[serde(skip_serializing_if = "is_hundred")]
    pub virtual_nodes: u32,
    #[serde(skip_serializing_if = "Eviction::is_lru")]
    pub eviction: Eviction,
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
            members: 1,
            hashing: CacheHashing::Consistent,
            virtual_nodes: 100,
            eviction: Eviction::Lru,
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
    /// Promote a replica when a primary dies.
    pub failover: bool,
    /// Time to notice a dead primary.
    pub failover_detect_ms: f64,
    /// Time to promote a replica once noticed.
    pub failover_promote_ms: f64,
    /// Availability zones of the members, in turn (empty: the node's zone).
    pub zones: Vec<String>,
    /// Regions of the members, in turn (empty: all in the node's region). A member in another
    /// region than the writer receives its writes half a round trip later, and a partition of
    /// a region splits the members by it. Left out of files when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// What the members do when a network partition (of zones or regions) splits them.
    #[serde(skip_serializing_if = "PartitionMode::is_ignore")]
    pub partition_mode: PartitionMode,
    /// `cp` only: the minority side refuses reads too (else it serves possibly stale reads).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cp_refuse_reads: bool,
}

/// A database's choice when a partition splits its members (the CAP theorem's C or A).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMode {
    /// The database is not split by partitions: replication keeps flowing and every request
    /// reaches the primary (the behaviour of every diagram before partition modes).
    #[default]
    Ignore,
    /// Consistency: only the side with a strict majority of members takes writes (electing a
    /// primary if needed); the minority refuses them.
    Cp,
    /// Availability: every side takes writes (electing its own primary: split brain); writes
    /// diverge and conflict, resolved last-writer-wins on heal.
    Ap,
}

impl PartitionMode {
    pub fn is_ignore(&self) -> bool {
        *self == PartitionMode::Ignore
    }
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
            failover: false,
            failover_detect_ms: 3_000.0,
            failover_promote_ms: 2_000.0,
            zones: Vec::new(),
            regions: Vec::new(),
            partition_mode: PartitionMode::Ignore,
            cp_refuse_reads: false,
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

/// How a traffic manager picks a region for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoutingPolicy {
    /// Latency-based routing: the healthy target with the shortest round trip from the user's
    /// region.
    #[default]
    Latency,
    /// Geolocation routing: the target in the user's own region if it is healthy, else the
    /// default record — the first healthy target in edge order, however far away.
    Geo,
}

/// A global traffic manager (geo-DNS / latency-based routing / anycast): sends each request
/// to one of its targets (outgoing edges, usually one stack per region), probing their health.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrafficManagerParams {
    pub policy: RoutingPolicy,
    /// Anycast: one address announced from every region; routing changes as soon as a region
    /// is withdrawn (no DNS answer is cached). Off: DNS, whose answers are cached for
    /// `dns_ttl_s`.
    pub anycast: bool,
    /// Time between health probes of each target.
    pub probe_interval_ms: f64,
    /// Failed probes in a row before a target is declared down.
    pub unhealthy_threshold: u32,
    /// Good probes in a row before it is declared up again.
    pub healthy_threshold: u32,
    /// How long users' resolvers cache a DNS answer.
    pub dns_ttl_s: f64,
}

impl Default for TrafficManagerParams {
    fn default() -> Self {
        TrafficManagerParams {
            policy: RoutingPolicy::Latency,
            anycast: false,
            probe_interval_ms: 10_000.0,
            unhealthy_threshold: 3,
            healthy_threshold: 3,
            dns_ttl_s: 60.0,
        }
    }
}

/// A content delivery network: an edge cache in every region of the users, in front of one
/// origin (its single outgoing edge).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CdnParams {
    /// Keys each region's edge cache holds (LRU).
    pub capacity_keys: u64,
    /// Entries expire this long after being stored; 0 = never.
    pub ttl_ms: f64,
    /// Time for an edge location to answer a hit (or to pass a miss on).
    pub edge_latency_ms: f64,
    /// One shared mid-tier cache next to the origin: edge misses try it before the origin.
    pub shield: bool,
}

impl Default for CdnParams {
    fn default() -> Self {
        CdnParams {
            capacity_keys: 10_000,
            ttl_ms: 60_000.0,
            edge_latency_ms: 2.0,
            shield: false,
        }
    }
}

/// How a server keeps a write that spans several databases correct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TxnProtocol {
    /// Each database is written on its own call, with nothing tying the writes together.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Two-phase commit: the server coordinates; every participant prepares (locks the key and
    /// votes), then all commit or all abort.
    #[serde(rename = "2pc")]
    TwoPhaseCommit,
    /// A saga: one local transaction per participant, in order; a failed step is undone by
    /// compensating the steps already committed, in reverse order.
    #[serde(rename = "saga")]
    Saga,
}

/// A server's distributed transactions: every write it serves spans its participants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TransactionParams {
    pub protocol: TxnProtocol,
    /// The databases the transaction spans, by node id, in step order. Empty: every database
    /// the server has an edge to, in edge order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    /// Chance that a participant votes no (2PC) or that a saga step fails.
    pub failure_probability: f64,
    /// The coordinator gives up on a vote (2PC) or a step's answer (saga) after this long.
    pub timeout_ms: f64,
    /// Work at a participant for one prepare, commit, abort, saga step or compensation.
    pub local_ms: f64,
}

impl Default for TransactionParams {
    fn default() -> Self {
        TransactionParams {
            protocol: TxnProtocol::None,
            participants: Vec::new(),
            failure_probability: 0.0,
            timeout_ms: 1_000.0,
            local_ms: 1.0,
        }
    }
}

impl TransactionParams {
    /// No transactions, whatever the other fields say (they are kept, not written).
    pub fn is_off(&self) -> bool {
        *self == TransactionParams::default()
    }
}

/// A message queue (Kafka/SQS-like): producers (edges into it) enqueue and are answered at
/// once; its outgoing edges are the consumers, which it feeds with at most `consumers`
/// deliveries in flight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueParams {
    /// Deliveries in flight at once, over all consumer edges (the consumer group's
    /// concurrency).
    pub consumers: u32,
    /// A delivered message not acknowledged within this long becomes visible again and is
    /// delivered again (at-least-once).
    pub visibility_timeout_ms: f64,
    /// Deliveries of a message before it is moved to the dead-letter queue.
    pub max_attempts: u32,
    /// Messages older than this are dropped unprocessed; 0 = kept for ever.
    pub retention_s: f64,
    /// Messages the queue holds at most; beyond it producers are refused (503).
    pub capacity: u64,
    /// Consumers remember the messages they applied: a duplicate delivery does no harm.
    pub idempotent: bool,
    /// Time to store a message and acknowledge its producer.
    pub enqueue_ms: f64,
}

impl Default for QueueParams {
    fn default() -> Self {
        QueueParams {
            consumers: 8,
            visibility_timeout_ms: 30_000.0,
            max_attempts: 5,
            retention_s: 86_400.0,
            capacity: 1_000_000,
            idempotent: false,
            enqueue_ms: 1.0,
        }
    }
}

/// Active health checks a load balancer runs against each backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthCheck {
    pub enabled: bool,
    /// Time between probes of each backend.
    pub interval_ms: f64,
    /// A probe that gets no answer in this long counts as failed.
    pub timeout_ms: f64,
    /// Consecutive failed probes before a backend is taken out of rotation.
    pub unhealthy_threshold: u32,
    /// Consecutive good probes before it is put back.
    pub healthy_threshold: u32,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            enabled: false,
            interval_ms: 1_000.0,
            timeout_ms: 500.0,
            unhealthy_threshold: 3,
            healthy_threshold: 2,
        }
    }
}

/// What an autoscaler measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScaleMetric {
    /// Average CPU utilisation of ready instances (0–1).
    #[default]
    Cpu,
    /// Requests per second per ready instance.
    Rps,
}

/// A scheduled change of the autoscaler's bounds (peak / off-peak).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledScaling {
    pub at_s: f64,
    pub min: u32,
    pub max: u32,
}

/// Horizontal autoscaling with Kubernetes HPA semantics: every `interval_s`,
/// desired = ceil(current × metric / target), ignored within ±10 %, clamped to [min, max];
/// scale-downs use the highest desired count of the last `stabilization_s`; new instances take
/// `boot_s` before they serve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Autoscale {
    pub enabled: bool,
    pub metric: ScaleMetric,
    /// Target CPU utilisation (0–1) or requests per second per instance.
    pub target: f64,
    pub min: u32,
    pub max: u32,
    pub interval_s: f64,
    pub stabilization_s: f64,
    pub boot_s: f64,
    pub schedule: Vec<ScheduledScaling>,
}

impl Default for Autoscale {
    fn default() -> Self {
        Autoscale {
            enabled: false,
            metric: ScaleMetric::Cpu,
            target: 0.6,
            min: 1,
            max: 10,
            interval_s: 15.0,
            stabilization_s: 300.0,
            boot_s: 30.0,
            schedule: Vec::new(),
        }
    }
}

/// What can go wrong, scripted on the chaos timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ChaosAction {
    /// Take a node (or one instance / database member of it) down.
    Kill {
        node: String,
        instance: Option<u32>,
    },
    Revive {
        node: String,
        instance: Option<u32>,
    },
    /// Multiply a node's service times (1 = normal).
    Slow {
        node: String,
        factor: f64,
    },
    /// Make a node fail this fraction of requests (0 = normal).
    Errors {
        node: String,
        rate: f64,
    },
    /// Cut an edge (by its name: id, or from→to): requests over it fail.
    Partition {
        edge: String,
    },
    Heal {
        edge: String,
    },
    /// Cut a zone off from everything outside it.
    PartitionZone {
        zone: String,
    },
    HealZone {
        zone: String,
    },
    /// Cut a region off from every other region: every edge and replication link crossing
    /// its boundary.
    PartitionRegion {
        region: String,
    },
    HealRegion {
        region: String,
    },
    /// Take every node and instance in a zone down (an availability-zone outage).
    KillZone {
        zone: String,
    },
    ReviveZone {
        zone: String,
    },
    /// Multiply every client's rate (1 = normal): a traffic spike.
    Traffic {
        factor: f64,
    },
}

impl ChaosAction {
    /// The node this action targets, if it targets one.
    pub fn node(&self) -> Option<&str> {
        match self {
            ChaosAction::Kill { node, .. }
            | ChaosAction::Revive { node, .. }
            | ChaosAction::Slow { node, .. }
            | ChaosAction::Errors { node, .. } => Some(node),
            _ => None,
        }
    }

    /// The edge (by name) this action targets, if it targets one.
    pub fn edge(&self) -> Option<&str> {
        match self {
            ChaosAction::Partition { edge } | ChaosAction::Heal { edge } => Some(edge),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChaosEvent {
    pub at_s: f64,
    pub action: ChaosAction,
}

/// The service level the design is meant to meet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Slo {
    /// Share of requests that must succeed (0.999 = "three nines").
    pub availability: f64,
    /// The p99 end-to-end latency to stay under.
    pub p99_ms: f64,
}

impl Default for Slo {
    fn default() -> Self {
        Slo {
            availability: 0.999,
            p99_ms: 200.0,
        }
    }
}
