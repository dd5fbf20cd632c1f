//! A node of the diagram: identity, position on the canvas, and kind-specific parameters.
//!
//! In JSON a node is flat — `{"id", "label", "x", "y", "kind", "params"}` — which is what a
//! person expects to read and write. Binary formats (share links) get the same fields in order.

use super::batch::BatchJobParams;
use super::params::{
    CacheParams, CdnParams, ClientParams, DatabaseParams, LoadBalancerParams, QueueParams,
    ServerParams, ShardRouterParams, TrafficManagerParams,
};
use crate::ComponentKind;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub id: String,
    /// Display name; empty means "use the id".
    pub label: String,
    pub x: f64,
    pub y: f64,
    /// Availability zone (empty: none). A zone can fail or be cut off as a whole.
    pub zone: String,
    /// Geographic region (empty: none), one of the diagram's `regions`. Calls between regions
    /// pay the round trip between them.
    pub region: String,
    pub spec: NodeSpec,
}

/// What a node is, with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeSpec {
    Client(ClientParams),
    LoadBalancer(LoadBalancerParams),
    Server(ServerParams),
    Cache(CacheParams),
    Database(DatabaseParams),
    ShardRouter(ShardRouterParams),
    TrafficManager(TrafficManagerParams),
    Cdn(CdnParams),
    Queue(QueueParams),
    BatchJob(BatchJobParams),
}

impl NodeSpec {
    pub fn kind(&self) -> ComponentKind {
        match self {
            NodeSpec::Client(_) => ComponentKind::Client,
            NodeSpec::LoadBalancer(_) => ComponentKind::LoadBalancer,
            NodeSpec::Server(_) => ComponentKind::Server,
            NodeSpec::Cache(_) => ComponentKind::Cache,
            NodeSpec::Database(_) => ComponentKind::Database,
            NodeSpec::ShardRouter(_) => ComponentKind::ShardRouter,
            NodeSpec::TrafficManager(_) => ComponentKind::TrafficManager,
            NodeSpec::Cdn(_) => ComponentKind::Cdn,
            NodeSpec::Queue(_) => ComponentKind::Queue,
            NodeSpec::BatchJob(_) => ComponentKind::BatchJob,
        }
    }

    /// A component of `kind` with default parameters (`None` is kept for kinds a future build
    /// may add before the engine simulates them).
    pub fn default_for(kind: ComponentKind) -> Option<NodeSpec> {
        Some(match kind {
            ComponentKind::Client => NodeSpec::Client(Default::default()),
            ComponentKind::LoadBalancer => NodeSpec::LoadBalancer(Default::default()),
            ComponentKind::Server => NodeSpec::Server(Default::default()),
            ComponentKind::Cache => NodeSpec::Cache(Default::default()),
            ComponentKind::Database => NodeSpec::Database(Default::default()),
            ComponentKind::ShardRouter => NodeSpec::ShardRouter(Default::default()),
            ComponentKind::TrafficManager => NodeSpec::TrafficManager(Default::default()),
            ComponentKind::Cdn => NodeSpec::Cdn(Default::default()),
            ComponentKind::Queue => NodeSpec::Queue(Default::default()),
            ComponentKind::BatchJob => NodeSpec::BatchJob(Default::default()),
        })
    }
}

impl Node {
    pub fn new(id: impl Into<String>, spec: NodeSpec) -> Node {
        Node {
            id: id.into(),
            label: String::new(),
            x: 0.0,
            y: 0.0,
            zone: String::new(),
            region: String::new(),
            spec,
        }
    }

    pub fn at(mut self, x: f64, y: f64) -> Node {
        self.x = x;
        self.y = y;
        self
    }

    pub fn kind(&self) -> ComponentKind {
        self.spec.kind()
    }

    /// The label if set, else the id.
    pub fn display_name(&self) -> &str {
        if self.label.is_empty() {
            &self.id
        } else {
            &self.label
        }
    }
}

const FIELDS: &[&str] = &["id", "label", "x", "y", "zone", "region", "kind", "params"];

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Files leave out an empty zone or region (most diagrams have none); binary forms keep
        // every field in order.
        let skip_zone = self.zone.is_empty() && s.is_human_readable();
        let skip_region = self.region.is_empty() && s.is_human_readable();
        let mut st = s.serialize_struct("Node", FIELDS.len())?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("label", &self.label)?;
        st.serialize_field("x", &self.x)?;
        st.serialize_field("y", &self.y)?;
        if skip_zone {
            st.skip_field("zone")?;
        } else {
            st.serialize_field("zone", &self.zone)?;
        }
        if skip_region {
            st.skip_field("region")?;
        } else {
            st.serialize_field("region", &self.region)?;
        }
        st.serialize_field("kind", &self.kind())?;
        match &self.spec {
            NodeSpec::Client(p) => st.serialize_field("params", p)?,
            NodeSpec::LoadBalancer(p) => st.serialize_field("params", p)?,
            NodeSpec::Server(p) => st.serialize_field("params", p)?,
            NodeSpec::Cache(p) => st.serialize_field("params", p)?,
            NodeSpec::Database(p) => st.serialize_field("params", p)?,
            NodeSpec::ShardRouter(p) => st.serialize_field("params", p)?,
            NodeSpec::TrafficManager(p) => st.serialize_field("params", p)?,
            NodeSpec::Cdn(p) => st.serialize_field("params", p)?,
            NodeSpec::Queue(p) => st.serialize_field("params", p)?,
            NodeSpec::BatchJob(p) => st.serialize_field("params", p)?,
        }
        st.end()
    }
}

/// Builds the spec of `kind` from already-parsed JSON parameters.
pub(super) fn spec_from_value(
    kind: ComponentKind,
    params: serde_json::Value,
) -> Result<NodeSpec, String> {
    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }
    let params = if params.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        params
    };
    match kind {
        ComponentKind::Client => parse(params).map(NodeSpec::Client),
        ComponentKind::LoadBalancer => parse(params).map(NodeSpec::LoadBalancer),
        ComponentKind::Server => parse(params).map(NodeSpec::Server),
        ComponentKind::Cache => parse(params).map(NodeSpec::Cache),
        ComponentKind::Database => parse(params).map(NodeSpec::Database),
        ComponentKind::ShardRouter => parse(params).map(NodeSpec::ShardRouter),
        ComponentKind::TrafficManager => parse(params).map(NodeSpec::TrafficManager),
        ComponentKind::Cdn => parse(params).map(NodeSpec::Cdn),
        ComponentKind::Queue => parse(params).map(NodeSpec::Queue),
        ComponentKind::BatchJob => parse(params).map(NodeSpec::BatchJob),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_struct("Node", FIELDS, NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a node with id, kind and params")
    }

    /// Binary formats: the fields in declaration order.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let missing = |i| de::Error::invalid_length(i, &"8 node fields");
        let id: String = seq.next_element()?.ok_or_else(|| missing(0))?;
        let label: String = seq.next_element()?.ok_or_else(|| missing(1))?;
        let x: f64 = seq.next_element()?.ok_or_else(|| missing(2))?;
        let y: f64 = seq.next_element()?.ok_or_else(|| missing(3))?;
        let zone: String = seq.next_element()?.ok_or_else(|| missing(4))?;
        let region: String = seq.next_element()?.ok_or_else(|| missing(5))?;
        let kind: ComponentKind = seq.next_element()?.ok_or_else(|| missing(6))?;
        let spec = match kind {
            ComponentKind::Client => seq.next_element()?.map(NodeSpec::Client),
            ComponentKind::LoadBalancer => seq.next_element()?.map(NodeSpec::LoadBalancer),
            ComponentKind::Server => seq.next_element()?.map(NodeSpec::Server),
            ComponentKind::Cache => seq.next_element()?.map(NodeSpec::Cache),
            ComponentKind::Database => seq.next_element()?.map(NodeSpec::Database),
            ComponentKind::ShardRouter => seq.next_element()?.map(NodeSpec::ShardRouter),
            ComponentKind::TrafficManager => seq.next_element()?.map(NodeSpec::TrafficManager),
            ComponentKind::Cdn => seq.next_element()?.map(NodeSpec::Cdn),
            ComponentKind::Queue => seq.next_element()?.map(NodeSpec::Queue),
            ComponentKind::BatchJob => seq.next_element()?.map(NodeSpec::BatchJob),
        }
        .ok_or_else(|| missing(7))?;
        Ok(Node {
            id,
            label,
            x,
            y,
            zone,
            region,
            spec,
        })
    }

    /// Self-describing formats (JSON): any field order; `label`, `x`, `y`, `params` optional.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut id = None;
        let mut label = None;
        let mut x = None;
        let mut y = None;
        let mut zone = None;
        let mut region = None;
        let mut kind: Option<String> = None;
        let mut params: Option<serde_json::Value> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(map.next_value()?),
                "label" => label = Some(map.next_value()?),
                "x" => x = Some(map.next_value()?),
                "y" => y = Some(map.next_value()?),
                "zone" => zone = Some(map.next_value()?),
                "region" => region = Some(map.next_value()?),
                "kind" => kind = Some(map.next_value()?),
                "params" => params = Some(map.next_value()?),
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
        }
        let id: String = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let kind = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
        let kind = ComponentKind::from_slug(&kind).ok_or_else(|| {
            let known: Vec<&str> = ComponentKind::ALL.iter().map(|k| k.slug()).collect();
            de::Error::custom(format!(
                "unknown kind '{kind}' (expected one of: {})",
                known.join(", ")
            ))
        })?;
        let spec = spec_from_value(kind, params.unwrap_or(serde_json::Value::Null))
            .map_err(|e| de::Error::custom(format!("params: {e}")))?;
        Ok(Node {
            id,
            label: label.unwrap_or_default(),
            x: x.unwrap_or(0.0),
            y: y.unwrap_or(0.0),
            zone: zone.unwrap_or_default(),
            region: region.unwrap_or_default(),
            spec,
        })
    }
}
