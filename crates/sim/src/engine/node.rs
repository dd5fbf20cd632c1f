//! A node at run time: its model, its outgoing edges and its metrics.

use super::balancer::BalancerRt;
use super::batch_job::BatchJobRt;
use super::cache::CacheRt;
use super::cdn::CdnRt;
use super::client::ClientRt;
use super::database::DatabaseRt;
use super::message_queue::MessageQueueRt;
use super::router::RouterRt;
use super::server::ServerRt;
use super::traffic_manager::TrafficManagerRt;
use crate::metrics::NodeMetrics;
use crate::time::Time;
use crate::ComponentKind;

/// An outgoing edge as the engine uses it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Out {
    pub target: u32,
    pub base: Time,
    pub jitter: Time,
    /// Index of the edge's counters in `Core::edges`.
    pub edge: u32,
    /// The edge is partitioned: requests over it fail at once.
    pub cut: bool,
    /// The part of `base` that is the round trip between the ends' regions (half of it): a
    /// client whose users are spread over regions replaces it with its user's.
    pub region_delay: Time,
    /// The event list's lane for the requests sent over it (`lanes.rs`), or `NO_LANE`.
    pub lane: u8,
}

#[derive(Debug)]
pub(crate) enum Model {
    Client(ClientRt),
    Balancer(BalancerRt),
    Server(ServerRt),
    Cache(CacheRt),
    Database(DatabaseRt),
    Router(RouterRt),
    TrafficManager(TrafficManagerRt),
    Cdn(CdnRt),
    Queue(MessageQueueRt),
    // Boxed: a batch job's run state is large and rare; the other variants stay small.
    BatchJob(Box<BatchJobRt>),
    /// Removed from the diagram; the slot stays so that indices held by jobs remain valid.
    Removed,
}

#[derive(Debug)]
pub(crate) struct NodeRt {
    pub id: String,
    /// Portable hash of the id: the node's identity on hash rings.
    pub id_hash: u64,
    pub kind: ComponentKind,
    pub model: Model,
    pub out: Vec<Out>,
    /// False while killed by failure injection.
    pub up: bool,
    pub metrics: NodeMetrics,
    /// Availability zone (empty: none).
    pub zone: String,
    /// Region, as an index into `Core::regions` (NONE: none).
    pub region: u32,
    /// Chaos: service times are multiplied by this.
    pub slow: f64,
    /// Chaos: this fraction of arriving requests fails.
    pub error_rate: f64,
}

impl NodeRt {
    pub fn is_removed(&self) -> bool {
        matches!(self.model, Model::Removed)
    }

    /// Instances currently in service (servers), members (databases, caches), else 1.
    pub fn instances(&self) -> u32 {
        match &self.model {
            Model::Server(s) => s.active_instances(),
            Model::Database(d) => d.members.len() as u32,
            Model::Cache(c) => c.members.len() as u32,
            Model::Removed => 0,
            _ => 1,
        }
    }

    pub fn cost_per_hour(&self) -> f64 {
        match &self.model {
            Model::Server(s) => s.cost_per_hour(),
            Model::Cache(c) => c.cost_per_hour(),
            Model::Database(d) => d.cost_per_hour(),
            _ => 0.0,
        }
    }
}
