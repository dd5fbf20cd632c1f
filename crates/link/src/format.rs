//! The binary link formats.
//!
//! Every format shares one wire layout; what differs is the table of defaults parameters are
//! stored as differences from. Each table is frozen when its format is made, never edited:
//! changing a default in a later release must not change what an old link means. Parameters
//! added after a format was made are written out in full, and old links get today's default
//! for them — which must be the old behaviour (a feature off).
//!
//! - Format 1: clients, load balancers, servers.
//! - Format 2: adds caches, databases, shard routers and the servers' L1 cache.
//! - Format 3: adds resilience — health checks, standby balancers, autoscaling, reserved
//!   instances, database failover, zones (per node and per member), the chaos timeline and the
//!   SLO. These travel in a trailer after the format-2 layout.
//! - Format 4: adds going global — traffic managers and CDNs (kinds 6 and 7), regions (frames
//!   on the canvas, their round-trip matrix, each node's region) in a second trailer. Request
//!   classes, L7 rules, partition modes and the members' regions are parameters: they travel as
//!   differences like any other (absent from the older tables, so written out in full).
//! - Format 5: adds asynchronous work and distributed transactions — the message queue (kind
//!   8). A server's `transaction` is a parameter, absent from every table (left out of the
//!   parameters when off, written out in full when on); nothing else in the layout changed.
//! - Format 6: adds batch processing — the batch job (MapReduce, kind 9). Nothing else in the
//!   layout changed.
//!
//! A client's long-lived `connections` (issue 20) is a parameter like a server's
//! `transaction`: absent from every table, left out when off, written out in full when on. Old
//! links decode with it off — their behaviour — so it needs no new format.

use crate::leaf::{apply, diff, Leaf};
use crate::{damaged, Document, LinkError, View};
use scaleboard_sim::diagram::{
    ChaosEvent, Diagram, Edge, Node, Region, RegionLatency, Slo, Workload, FORMAT_VERSION,
};
use scaleboard_sim::ComponentKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Defaults of each kind when link format 1 was defined. Never edit these.
const V1_CLIENT: &str = r#"{"rate_rps":100.0,"profile":"constant","read_ratio":0.9,"key_space":10000,"zipf_s":0.99,"sessions":1000,"timeout_ms":1000.0,"retry":{"max_retries":0,"backoff_ms":100.0,"multiplier":2.0,"max_backoff_ms":5000.0,"jitter":true}}"#;
const V1_LOAD_BALANCER: &str = r#"{"algorithm":"round_robin","sticky_sessions":false,"virtual_nodes":100,"capacity_rps":50000.0,"max_queue":10000,"latency_ms":0.1}"#;
const V1_SERVER: &str = r#"{"instances":1,"size":"medium","workers":8,"queue_capacity":100,"service":{"distribution":"exponential","mean_ms":20.0,"cv":1.0},"cost_per_hour":0.05}"#;
const EMPTY: &str = "{}";

/// Defaults of each kind when link format 2 was defined. Never edit these.
const V2_SERVER: &str = r#"{"instances":1,"size":"medium","workers":8,"queue_capacity":100,"service":{"distribution":"exponential","mean_ms":20.0,"cv":1.0},"cost_per_hour":0.05,"l1":{"capacity_keys":0,"ttl_ms":5000.0}}"#;
const V2_CACHE: &str = r#"{"capacity_keys":1000,"ttl_ms":30000.0,"write_policy":"invalidate","capacity_rps":100000.0,"latency_ms":0.2,"cost_per_hour":0.05}"#;
const V2_DATABASE: &str = r#"{"size":"medium","connections":32,"queue_capacity":200,"read_ms":2.0,"write_ms":5.0,"primaries":1,"replicas":0,"replication":"async","replication_lag_ms":20.0,"apply_rate":5000.0,"read_from":"primary","cost_per_hour":0.1}"#;
const V2_SHARD_ROUTER: &str = r#"{"strategy":"hash_mod","virtual_nodes":100,"latency_ms":0.1}"#;

/// Defaults of each kind when link format 3 was defined. Never edit these.
const V3_LOAD_BALANCER: &str = r#"{"algorithm":"round_robin","capacity_rps":50000.0,"health_check":{"enabled":false,"healthy_threshold":2,"interval_ms":1000.0,"timeout_ms":500.0,"unhealthy_threshold":3},"latency_ms":0.1,"max_queue":10000,"standby_failover_ms":0.0,"sticky_sessions":false,"virtual_nodes":100}"#;
const V3_SERVER: &str = r#"{"autoscale":{"boot_s":30.0,"enabled":false,"interval_s":15.0,"max":10,"metric":"cpu","min":1,"schedule":[],"stabilization_s":300.0,"target":0.6},"cost_per_hour":0.05,"instances":1,"l1":{"capacity_keys":0,"ttl_ms":5000.0},"queue_capacity":100,"reserved_discount":0.4,"reserved_instances":0,"service":{"cv":1.0,"distribution":"exponential","mean_ms":20.0},"size":"medium","workers":8,"zones":[]}"#;
const V3_DATABASE: &str = r#"{"apply_rate":5000.0,"connections":32,"cost_per_hour":0.1,"failover":false,"failover_detect_ms":3000.0,"failover_promote_ms":2000.0,"primaries":1,"queue_capacity":200,"read_from":"primary","read_ms":2.0,"replicas":0,"replication":"async","replication_lag_ms":20.0,"size":"medium","write_ms":5.0,"zones":[]}"#;

/// Defaults of the kinds link format 4 added, when it was defined. Never edit these.
const V4_TRAFFIC_MANAGER: &str = r#"{"anycast":false,"dns_ttl_s":60.0,"healthy_threshold":3,"policy":"latency","probe_interval_ms":10000.0,"unhealthy_threshold":3}"#;
const V4_CDN: &str =
    r#"{"capacity_keys":10000,"edge_latency_ms":2.0,"shield":false,"ttl_ms":60000.0}"#;

/// Defaults of the kind link format 5 added, when it was defined. Never edit these.
const V5_QUEUE: &str = r#"{"capacity":1000000,"consumers":8,"enqueue_ms":1.0,"idempotent":false,"max_attempts":5,"retention_s":86400.0,"visibility_timeout_ms":30000.0}"#;

/// Defaults of the kind link format 6 added, when it was defined. Never edit these.
const V6_BATCH_JOB: &str = r#"{"map_us_per_record":50.0,"period_s":0.0,"record_bytes":100.0,"records":10000000,"reduce_us_per_record":10.0,"reducers":10,"setup_s":1.0,"shuffle_mb_per_s":500.0,"slots_per_worker":2,"speculation_factor":1.5,"speculative":false,"split_records":100000,"start_s":0.0,"straggler_factor":1.0,"workers":10}"#;

/// Kinds by their number on the wire: format 1's six, then those formats 4, 5 and 6 added.
/// Never reorder.
const KINDS: [ComponentKind; 10] = [
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

/// How many of [`KINDS`] link format `version` knows.
fn kinds_known(version: u32) -> usize {
    match version {
        6.. => 10,
        5 => 9,
        4 => 8,
        _ => 6,
    }
}

/// The defaults table of link format `version`, for `kind`.
fn defaults(version: u32, kind: ComponentKind) -> Value {
    let text = match (version, kind) {
        (_, ComponentKind::Client) => V1_CLIENT,
        (1 | 2, ComponentKind::LoadBalancer) => V1_LOAD_BALANCER,
        (_, ComponentKind::LoadBalancer) => V3_LOAD_BALANCER,
        (1, ComponentKind::Server) => V1_SERVER,
        (1, _) => EMPTY,
        (2, ComponentKind::Server) => V2_SERVER,
        (_, ComponentKind::Server) => V3_SERVER,
        (_, ComponentKind::Cache) => V2_CACHE,
        (2, ComponentKind::Database) => V2_DATABASE,
        (_, ComponentKind::Database) => V3_DATABASE,
        (_, ComponentKind::ShardRouter) => V2_SHARD_ROUTER,
        // Format 4's kinds (older formats cannot name them: see `kinds_known`).
        (_, ComponentKind::TrafficManager) => V4_TRAFFIC_MANAGER,
        (_, ComponentKind::Cdn) => V4_CDN,
        (_, ComponentKind::Queue) => V5_QUEUE,
        (_, ComponentKind::BatchJob) => V6_BATCH_JOB,
    };
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[derive(Serialize, Deserialize)]
struct Wire {
    name: String,
    seed: u64,
    /// duration_s, warmup_s, traffic_scale.
    workload: (Leaf, Leaf, Leaf),
    nodes: Vec<WireNode>,
    edges: Vec<WireEdge>,
    /// x and y in tenths of a pixel, zoom in thousandths.
    view: Option<(i64, i64, u32)>,
    playhead_ms: Option<u64>,
}

/// What format 3 adds after the format-2 layout.
#[derive(Serialize, Deserialize, Default)]
struct Trailer {
    /// (node index, zone) for the nodes that have one.
    zones: Vec<(u32, String)>,
    /// The chaos timeline as JSON (empty: none). Its actions are a tagged enum, which the
    /// compact binary form cannot carry; deflate makes the repeated names cheap.
    chaos: String,
    /// Availability (parts per million) and p99 target, when not the default.
    slo: Option<(u32, Leaf)>,
}

/// What format 4 adds after format 3's trailer: regions.
#[derive(Serialize, Deserialize, Default)]
struct RegionTrailer {
    /// id, label, and the frame: x, y, width, height.
    regions: Vec<(String, String, Leaf, Leaf, Leaf, Leaf)>,
    /// Round trips set by hand: (region a, region b, ms).
    latency: Vec<(String, String, Leaf)>,
    /// (node index, region) for the nodes that have one.
    node_regions: Vec<(u32, String)>,
}

#[derive(Serialize, Deserialize)]
struct WireNode {
    id: String,
    label: String,
    kind: u8,
    x: Leaf,
    y: Leaf,
    params: Vec<(String, Leaf)>,
}

#[derive(Serialize, Deserialize)]
struct WireEdge {
    id: String,
    /// Indices into the node list.
    from: u32,
    to: u32,
    latency_ms: Leaf,
    jitter_ms: Leaf,
}

/// Encodes `doc` in the wire layout against the defaults of format `version`.
pub fn to_bytes(version: u32, doc: &Document) -> Vec<u8> {
    let d = &doc.diagram;
    let index = |id: &str| d.nodes.iter().position(|n| n.id == id).map(|i| i as u32);
    let nodes = d
        .nodes
        .iter()
        .map(|n| {
            let params = n.spec_json();
            WireNode {
                id: n.id.clone(),
                label: n.label.clone(),
                kind: KINDS.iter().position(|k| *k == n.kind()).unwrap_or(0) as u8,
                x: Leaf::from_f64(n.x),
                y: Leaf::from_f64(n.y),
                params: diff(&params, &defaults(version, n.kind())),
            }
        })
        .collect();
    // Edges to nodes that do not exist cannot be written as indices; a document being edited
    // never has them (commands keep edges and nodes together).
    let edges = d
        .edges
        .iter()
        .filter_map(|e| {
            Some(WireEdge {
                id: e.id.clone(),
                from: index(&e.from)?,
                to: index(&e.to)?,
                latency_ms: Leaf::from_f64(e.latency_ms),
                jitter_ms: Leaf::from_f64(e.jitter_ms),
            })
        })
        .collect();
    let w = &d.workload;
    let wire = Wire {
        name: d.name.clone(),
        seed: d.seed,
        workload: (
            Leaf::from_f64(w.duration_s),
            Leaf::from_f64(w.warmup_s),
            Leaf::from_f64(w.traffic_scale),
        ),
        nodes,
        edges,
        view: doc.view.map(|v| {
            (
                (v.x * 10.0).round() as i64,
                (v.y * 10.0).round() as i64,
                (v.zoom * 1000.0).round().clamp(1.0, 100_000.0) as u32,
            )
        }),
        playhead_ms: doc
            .playhead_s
            .filter(|p| p.is_finite() && *p >= 0.0)
            .map(|p| (p * 1000.0).round() as u64),
    };
    let mut bytes = postcard::to_allocvec(&wire).unwrap_or_default();
    if version >= 3 {
        let trailer = Trailer {
            zones: d
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.zone.is_empty())
                .map(|(i, n)| (i as u32, n.zone.clone()))
                .collect(),
            chaos: if d.chaos.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&d.chaos).unwrap_or_default()
            },
            slo: (d.slo != Slo::default()).then(|| {
                (
                    (d.slo.availability * 1e6).round().clamp(0.0, 1e6) as u32,
                    Leaf::from_f64(d.slo.p99_ms),
                )
            }),
        };
        bytes.extend(postcard::to_allocvec(&trailer).unwrap_or_default());
    }
    if version >= 4 {
        let regions = RegionTrailer {
            regions: d
                .regions
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        r.label.clone(),
                        Leaf::from_f64(r.x),
                        Leaf::from_f64(r.y),
                        Leaf::from_f64(r.w),
                        Leaf::from_f64(r.h),
                    )
                })
                .collect(),
            latency: d
                .region_latency
                .iter()
                .map(|l| (l.a.clone(), l.b.clone(), Leaf::from_f64(l.rtt_ms)))
                .collect(),
            node_regions: d
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.region.is_empty())
                .map(|(i, n)| (i as u32, n.region.clone()))
                .collect(),
        };
        bytes.extend(postcard::to_allocvec(&regions).unwrap_or_default());
    }
    bytes
}

/// The parameters of a node as JSON, through the node's own serialisation (which knows its
/// kind's parameter type).
trait SpecJson {
    fn spec_json(&self) -> Value;
}

impl SpecJson for Node {
    fn spec_json(&self) -> Value {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("params").cloned())
            .unwrap_or(Value::Null)
    }
}

fn number(leaf: &Leaf, what: &str) -> Result<f64, LinkError> {
    leaf.as_f64()
        .ok_or_else(|| damaged(format!("{what} is not a number")))
}

/// Decodes the wire layout against the defaults of format `version`.
pub fn from_bytes(version: u32, bytes: &[u8]) -> Result<Document, LinkError> {
    let (wire, rest): (Wire, &[u8]) = postcard::take_from_bytes(bytes)
        .map_err(|_| damaged("its contents are not a Scaleboard diagram"))?;
    let (trailer, rest) = if version >= 3 {
        postcard::take_from_bytes::<Trailer>(rest)
            .map_err(|_| damaged("its chaos timeline, zones or SLO cannot be read"))?
    } else {
        (Trailer::default(), rest)
    };
    let (geo, rest) = if version >= 4 {
        postcard::take_from_bytes::<RegionTrailer>(rest)
            .map_err(|_| damaged("its regions cannot be read"))?
    } else {
        (RegionTrailer::default(), rest)
    };
    if !rest.is_empty() {
        return Err(damaged("it has unexpected data at the end"));
    }
    let mut nodes = Vec::with_capacity(wire.nodes.len().min(10_000));
    for (i, w) in wire.nodes.iter().enumerate() {
        let kind = *KINDS[..kinds_known(version)]
            .get(w.kind as usize)
            .ok_or_else(|| damaged(format!("node {} has an unknown kind", i + 1)))?;
        let params = apply(&defaults(version, kind), &w.params)
            .map_err(|e| damaged(format!("node '{}': {e}", w.id)))?;
        let json = serde_json::json!({
            "id": w.id,
            "label": w.label,
            "x": number(&w.x, "a position")?,
            "y": number(&w.y, "a position")?,
            "kind": kind.slug(),
            "params": params,
        });
        let node: Node = serde_json::from_value(json)
            .map_err(|e| damaged(format!("node '{}' cannot be read: {e}", w.id)))?;
        nodes.push(node);
    }
    let mut edges = Vec::with_capacity(wire.edges.len().min(10_000));
    for w in &wire.edges {
        let end = |i: u32| {
            nodes
                .get(i as usize)
                .map(|n: &Node| n.id.clone())
                .ok_or_else(|| damaged("an edge points to a node that is not there"))
        };
        edges.push(Edge {
            id: w.id.clone(),
            from: end(w.from)?,
            to: end(w.to)?,
            latency_ms: number(&w.latency_ms, "a latency")?,
            jitter_ms: number(&w.jitter_ms, "a jitter")?,
        });
    }
    for (i, zone) in trailer.zones {
        let node = nodes
            .get_mut(i as usize)
            .ok_or_else(|| damaged("a zone names a node that is not there"))?;
        node.zone = zone;
    }
    for (i, region) in geo.node_regions {
        let node = nodes
            .get_mut(i as usize)
            .ok_or_else(|| damaged("a region names a node that is not there"))?;
        node.region = region;
    }
    let mut regions = Vec::with_capacity(geo.regions.len().min(1_000));
    for (id, label, x, y, w, h) in geo.regions {
        regions.push(Region {
            x: number(&x, "a region's position")?,
            y: number(&y, "a region's position")?,
            w: number(&w, "a region's size")?,
            h: number(&h, "a region's size")?,
            id,
            label,
        });
    }
    let mut region_latency = Vec::with_capacity(geo.latency.len().min(10_000));
    for (a, b, rtt) in geo.latency {
        region_latency.push(RegionLatency {
            a,
            b,
            rtt_ms: number(&rtt, "a round trip between regions")?,
        });
    }
    let chaos: Vec<ChaosEvent> = if trailer.chaos.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&trailer.chaos)
            .map_err(|e| damaged(format!("its chaos timeline cannot be read: {e}")))?
    };
    let slo = match trailer.slo {
        None => Slo::default(),
        Some((ppm, p99)) => Slo {
            availability: ppm as f64 / 1e6,
            p99_ms: number(&p99, "the SLO latency")?,
        },
    };
    let workload = Workload {
        duration_s: number(&wire.workload.0, "the run length")?,
        warmup_s: number(&wire.workload.1, "the warm-up")?,
        traffic_scale: number(&wire.workload.2, "the traffic scale")?,
    };
    Ok(Document {
        diagram: Diagram {
            version: FORMAT_VERSION,
            name: wire.name,
            seed: wire.seed,
            workload,
            nodes,
            edges,
            chaos,
            slo,
            regions,
            region_latency,
        },
        view: wire.view.map(|(x, y, z)| View {
            x: x as f64 / 10.0,
            y: y as f64 / 10.0,
            zoom: z as f64 / 1000.0,
        }),
        playhead_s: wire.playhead_ms.map(|ms| ms as f64 / 1000.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf::flatten;
    use scaleboard_sim::diagram::NodeSpec;

    /// Every parameter a frozen defaults table names still exists today (a renamed or removed
    /// parameter would silently change what old links mean).
    #[test]
    fn frozen_defaults_name_only_parameters_that_exist() {
        for version in 1..=crate::CURRENT_VERSION {
            for kind in ComponentKind::ALL {
                let frozen = flatten(&defaults(version, kind));
                let today = Node::new("x", NodeSpec::default_for(kind).unwrap()).spec_json();
                let today = flatten(&today);
                for path in frozen.keys().filter(|p| !p.is_empty()) {
                    assert!(
                        today.contains_key(path),
                        "v{version} {kind:?}: '{path}' is gone"
                    );
                }
            }
        }
        // A kind added later goes at the end of KINDS; none may be missing.
        assert!(ComponentKind::ALL.iter().all(|k| KINDS.contains(k)));
    }

    /// A queue is kind 8, which only format 5 knows: the same bytes read as format 4 are
    /// refused as damaged, never opened as some other kind.
    #[test]
    fn only_format_5_can_name_a_queue() {
        use crate::Document;
        let doc = Document::new(Diagram {
            nodes: vec![Node::new("q", NodeSpec::Queue(Default::default()))],
            ..Default::default()
        });
        let bytes = to_bytes(5, &doc);
        assert_eq!(from_bytes(5, &bytes).unwrap(), doc);
        let e = from_bytes(4, &bytes).unwrap_err();
        assert!(e.0.contains("unknown kind"), "{e}");
    }

    /// A batch job is kind 9, which only format 6 knows: read as format 5 the same bytes are
    /// refused as damaged.
    #[test]
    fn only_format_6_can_name_a_batch_job() {
        use crate::Document;
        let doc = Document::new(Diagram {
            nodes: vec![Node::new("job", NodeSpec::BatchJob(Default::default()))],
            ..Default::default()
        });
        let bytes = to_bytes(6, &doc);
        assert_eq!(from_bytes(6, &bytes).unwrap(), doc);
        let e = from_bytes(5, &bytes).unwrap_err();
        assert!(e.0.contains("unknown kind"), "{e}");
    }
}
