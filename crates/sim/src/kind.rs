//! The kinds of component a diagram can hold.

use serde::{Deserialize, Serialize};

/// A kind of component a learner can place on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Client,
    LoadBalancer,
    Server,
    Cache,
    Database,
    ShardRouter,
    TrafficManager,
    Cdn,
    /// A message queue (Kafka/SQS-like): producers enqueue, consumers pull.
    Queue,
    /// A batch job (MapReduce) on its own worker pool: not request/response.
    BatchJob,
}

impl ComponentKind {
    /// Every kind, in palette order (traffic flows left to right through this list).
    pub const ALL: [ComponentKind; 10] = [
        ComponentKind::Client,
        ComponentKind::LoadBalancer,
        ComponentKind::Server,
        ComponentKind::Cache,
        ComponentKind::Database,
        ComponentKind::ShardRouter,
        ComponentKind::TrafficManager,
        ComponentKind::Cdn,
        ComponentKind::Queue,
        ComponentKind::BatchJob,
    ];

    /// The identifier used in diagram files and test hooks (`palette-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            ComponentKind::Client => "client",
            ComponentKind::LoadBalancer => "load_balancer",
            ComponentKind::Server => "server",
            ComponentKind::Cache => "cache",
            ComponentKind::Database => "database",
            ComponentKind::ShardRouter => "shard_router",
            ComponentKind::TrafficManager => "traffic_manager",
            ComponentKind::Cdn => "cdn",
            ComponentKind::Queue => "queue",
            ComponentKind::BatchJob => "batch_job",
        }
    }

    /// Parses a slug as written in diagram files.
    pub fn from_slug(slug: &str) -> Option<ComponentKind> {
        ComponentKind::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_the_file_format_and_round_trip() {
        for kind in ComponentKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.slug()));
            assert_eq!(ComponentKind::from_slug(kind.slug()), Some(kind));
        }
        assert_eq!(ComponentKind::from_slug("balancer"), None);
    }
}
