//! Validation: every problem with a diagram at once, each naming the node or edge and the field.
//!
//! The engine only ever runs diagrams without errors, so it never meets a NaN rate, a dangling
//! edge or a cycle. Warnings (an unreachable node) do not stop a run.

use super::{
    Autoscale, Diagram, Edge, Node, NodeSpec, Profile, Replication, ScaleMetric, FORMAT_VERSION,
    MAX_RTT_MS,
};
use crate::ComponentKind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum Location {
    Diagram,
    Workload,
    Node(String),
    Edge(String),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    /// The parameter concerned, as written in the file (`params.retry.backoff_ms`).
    pub field: Option<String>,
    /// What is wrong, as a stable code (one of [`PROBLEM_CODES`]): the app shows the message in
    /// the reader's language from it and `params`.
    pub code: &'static str,
    /// The values the message names, in the order its English template (see
    /// [`problem_template`]) places them: numbers as written in the message, ids, a cycle.
    pub params: Vec<String>,
    /// The message in English: the code's template filled with `params`.
    pub message: String,
}

/// Declares the problem codes with their English templates (`{}` are the params, in order).
macro_rules! problem_codes {
    ($($code:literal => $en:literal,)*) => {
        /// Every code a [`Problem`] can carry.
        pub const PROBLEM_CODES: &[&str] = &[$($code,)*];

        /// The English template of `code`: `{}` stand for the problem's params, in order.
        pub fn problem_template(code: &str) -> Option<&'static str> {
            match code {
                $($code => Some($en),)*
                _ => None,
            }
        }
    };
}

problem_codes! {
    // A field's value.
    "not_finite" => "must be a finite number (got {})",
    "negative" => "must not be negative (got {})",
    "not_positive" => "must be greater than 0 (got {})",
    "not_fraction" => "must be between 0 and 1 (got {})",
    "at_most" => "must be at most {} (got {})",
    "at_least" => "must be at least {} (got {})",
    "at_least_capacity" => "must be at least {}: zero capacity (got {})",
    "at_least_keys" => "must be at least {}: requests need keys (got {})",
    "at_least_sessions" => "must be at least {}: requests come from users (got {})",
    "at_least_backend_points" => "must be at least {}: each backend needs a point on the ring (got {})",
    "at_least_shard_points" => "must be at least {}: each shard needs a point on the ring (got {})",
    "at_least_cache_keys" => "must be at least {}: a cache must hold something (got {})",
    "at_least_primaries" => "must be at least {}: something must take writes (got {})",
    "at_least_unhealthy" => "must be at least {}: a backend must fail a probe to be removed (got {})",
    "at_least_healthy" => "must be at least {}: a backend must pass a probe to come back (got {})",
    "at_least_autoscaled" => "must be at least {}: an autoscaled group keeps at least one instance (got {})",
    "above_maximum" => "must not exceed the maximum ({}) (got {})",
    "below_minimum" => "must not be below the minimum ({}) (got {})",
    "ramp_end_before_start" => "must be after start_s = {} (got {})",
    "warmup_too_long" => "must be shorter than the run (duration_s = {}), or nothing is measured",
    "availability_range" => "must be between 0 and 1, e.g. 0.999 (got {})",
    "zone_without_name" => "a zone needs a name",
    "partition_mode_multi_primary" => "partition modes (cp, ap) need a single primary",
    "sync_multi_primary" => "synchronous replication needs a single primary (multi-primary replicates asynchronously)",
    "empty_id" => "must not be empty",
    // Request classes and L7 routing.
    "class_without_name" => "a request class needs a name",
    "duplicate_class_name" => "another class of this client is called '{}'",
    "path_not_absolute" => "must be a path starting with '/' (got '{}')",
    "bad_method" => "must be an HTTP method such as GET or POST (got '{}')",
    "class_shares_zero" => "the class shares add up to 0: give some class a share above 0",
    "class_shares_normalised" => "the class shares add up to {}, not 1: each is divided by the total",
    "rules_on_l4" => "routing rules need an L7 load balancer: this L4 one ignores them (set layer to l7)",
    "rule_without_targets" => "a routing rule needs at least one target",
    "rule_target_not_backend" => "'{}' is not a backend of this load balancer: draw an edge to it first",
    "duplicate_node_id" => "another node has the same id",
    "unsupported_version" => "format version {} is not supported (this build reads version {})",
    // Regions.
    "duplicate_region_id" => "another region has the same id",
    "no_such_region" => "there is no region '{}'",
    "rtt_too_large" => "must be at most {} ms: no round trip on Earth takes that long (got {})",
    "rtt_same_region" => "names the same region twice: a region is 0 ms from itself",
    "duplicate_region_pair" => "'{}' and '{}' already have a round-trip time",
    "global_in_region" => "this component is global (DNS, anycast, or a CDN's edges in every region): leave its region empty",
    // The chaos timeline.
    "no_such_node" => "there is no node '{}'",
    "no_such_edge" => "there is no edge '{}'",
    "no_such_instance" => "'{}' has no instance {} (it has {})",
    "empty_zone" => "no node is in zone '{}'",
    // Edges.
    "duplicate_edge_id" => "another edge has the same id",
    "dangling_edge" => "dangling: there is no node '{}'",
    "self_call" => "a node cannot call itself",
    "calls_client" => "clients only send requests; nothing can call a client",
    "already_connected" => "'{}' is already connected to '{}'",
    // The graph.
    "no_client" => "there is no client, so nothing sends requests: add a client and connect it",
    "empty_diagram" => "the diagram is empty: add a client and something for it to call",
    "client_unconnected" => "this client is not connected to anything: draw an edge from it to a load balancer or server",
    "balancer_without_backends" => "this load balancer has no backends: connect it to at least one server",
    "cache_without_backing" => "this cache has nothing behind it: connect it to the database (or next cache) that misses go to",
    "router_without_shards" => "this shard router has no shards: connect it to at least one database",
    "cdn_without_origin" => "this CDN has no origin: connect it to the server or load balancer whose answers it caches",
    "batch_job_no_edges" => "a batch job takes no requests and calls nothing: remove this edge (the job runs on its own schedule)",
    "queue_without_consumers" => "this queue has no consumers: connect it to the servers (worker pools) that process its messages",
    "transaction_without_participants" => "a transaction needs participants: connect this server to the databases it writes (two or more make it distributed)",
    "participant_not_database" => "'{}' is not a database this server calls: draw an edge from the server to it first",
    "cdn_one_origin" => "a CDN has one origin: keep a single outgoing edge (put a load balancer behind it to spread misses)",
    "traffic_manager_without_targets" => "this traffic manager has no targets: connect it to the entry point of each region (a load balancer or server)",
    "unreachable" => "no client reaches this node, so it will receive no traffic",
    "cycle" => "calls go round in a cycle ({}), so a request would never finish: remove one of these edges",
    // Reading the file (parse.rs). Where serde explains, the first param is its English text and
    // the others the names a translation needs.
    "file_too_large" => "the file is {} bytes; diagrams larger than {} bytes are refused",
    "too_many_nodes" => "the diagram has {} components; Scaleboard opens at most {}",
    "too_many_edges" => "the diagram has {} connections; Scaleboard opens at most {}",
    "invalid_json" => "this is not valid JSON ({})",
    "not_an_object" => "expected a JSON object with version, nodes and edges",
    "unknown_top_field" => "unknown field (expected one of: {})",
    "version_missing" => "missing or not a whole number: this build writes version {}",
    "version_too_new" => "format version {} is not supported: this build reads versions 1 to {} (was it made by a newer Scaleboard?)",
    "version_too_old" => "format version {} is not supported: this build reads versions 1 to {}",
    "not_a_list" => "must be a list",
    "unknown_field" => "{}",
    "missing_field" => "{}",
    "unknown_kind" => "{}",
    "unknown_variant" => "{}",
    "wrong_type" => "{}",
    "unreadable" => "{}",
}

/// `template` with each `{}` replaced by the next of `params` (extra params are not shown).
fn fill(template: &str, params: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut params = params.iter();
    let mut rest = template;
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(params.next().map_or("", String::as_str));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

impl Problem {
    /// An error with `code` (one of [`PROBLEM_CODES`]) and its params; the English message is
    /// the code's template filled with them.
    pub fn error(
        location: Location,
        field: Option<&str>,
        code: &'static str,
        params: Vec<String>,
    ) -> Problem {
        debug_assert!(
            problem_template(code).is_some(),
            "unknown problem code {code}"
        );
        let message = fill(problem_template(code).unwrap_or("{}"), &params);
        Problem {
            severity: Severity::Error,
            location,
            field: field.map(str::to_owned),
            code,
            params,
            message,
        }
    }

    /// A warning, otherwise as [`Problem::error`].
    pub fn warning(
        location: Location,
        field: Option<&str>,
        code: &'static str,
        params: Vec<String>,
    ) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(location, field, code, params)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        match &self.location {
            Location::Diagram => write!(f, "diagram")?,
            Location::Workload => write!(f, "workload")?,
            Location::Node(id) => write!(f, "node '{id}'")?,
            Location::Edge(id) => write!(f, "edge '{id}'")?,
        }
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects problems for one place.
struct Checker<'a> {
    out: &'a mut Vec<Problem>,
    at: Location,
}

impl Checker<'_> {
    fn err(&mut self, field: &str, code: &'static str, params: Vec<String>) {
        self.out
            .push(Problem::error(self.at.clone(), Some(field), code, params));
    }

    /// A finite number ≥ 0 (and at most [`MAX_NUMBER`]).
    fn non_negative(&mut self, field: &str, v: f64) {
        if !v.is_finite() {
            self.err(field, "not_finite", vec![v.to_string()]);
        } else if v < 0.0 {
            self.err(field, "negative", vec![v.to_string()]);
        } else {
            self.not_huge(field, v);
        }
    }

    /// A finite number > 0 (and at most [`MAX_NUMBER`]).
    fn positive(&mut self, field: &str, v: f64) {
        if !v.is_finite() {
            self.err(field, "not_finite", vec![v.to_string()]);
        } else if v <= 0.0 {
            self.err(field, "not_positive", vec![v.to_string()]);
        } else {
            self.not_huge(field, v);
        }
    }

    /// Rates, times and prices beyond a billion mean nothing here and would overflow the
    /// nanosecond clock (a billion seconds is already 10^18 ns).
    fn not_huge(&mut self, field: &str, v: f64) {
        if v > MAX_NUMBER {
            self.err(
                field,
                "at_most",
                vec![MAX_NUMBER.to_string(), v.to_string()],
            );
        }
    }

    fn fraction(&mut self, field: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) {
            self.err(field, "not_fraction", vec![v.to_string()]);
        }
    }

    /// At least `min`; `code` says why (one of the `at_least…` codes).
    fn at_least(&mut self, field: &str, v: u64, min: u64, code: &'static str) {
        if v < min {
            self.err(field, code, vec![min.to_string(), v.to_string()]);
        }
    }

    fn at_most(&mut self, field: &str, v: u64, max: u64) {
        if v > max {
            self.err(field, "at_most", vec![max.to_string(), v.to_string()]);
        }
    }
}

/// Largest rate, time or price accepted.
pub const MAX_NUMBER: f64 = 1e9;

/// Upper bounds that keep one diagram from exhausting memory in a browser tab.
pub const MAX_INSTANCES: u32 = 1_000;
pub const MAX_WORKERS: u32 = 10_000;
pub const MAX_RETRIES: u32 = 20;
pub const MAX_VIRTUAL_NODES: u32 = 10_000;
pub const MAX_SESSIONS: u64 = 10_000_000;
pub const MAX_CACHE_KEYS: u64 = 10_000_000;
/// Members of one cache cluster.
pub const MAX_CACHE_MEMBERS: u32 = 64;
pub const MAX_PRIMARIES: u32 = 8;
pub const MAX_REPLICAS: u32 = 16;
pub const MAX_CLASSES: usize = 16;
pub const MAX_RULES: usize = 32;
/// Databases one transaction may span.
pub const MAX_PARTICIPANTS: usize = 16;
/// Deliveries of one message before the dead-letter queue.
pub const MAX_DELIVERY_ATTEMPTS: u32 = 100;
/// Messages one queue may hold: each costs about 40 bytes of engine memory while held, so a
/// full queue stays under 100 MB in a browser tab.
pub const MAX_QUEUE_MESSAGES: u64 = 2_000_000;
/// Map or reduce tasks of one batch job run (each costs a few dozen bytes while it runs).
pub const MAX_BATCH_TASKS: u64 = 100_000;
/// Records of one batch job's input.
pub const MAX_BATCH_RECORDS: u64 = 1_000_000_000_000;

pub fn validate(d: &Diagram) -> Vec<Problem> {
    validate_with(d, &BTreeSet::new())
}

/// Validates `d`; `broken` holds ids of nodes that exist in the file but failed to parse, so
/// edges to them are not also reported as dangling.
pub(super) fn validate_with(d: &Diagram, broken: &BTreeSet<String>) -> Vec<Problem> {
    let mut out = Vec::new();
    if d.version != FORMAT_VERSION {
        out.push(Problem::error(
            Location::Diagram,
            Some("version"),
            "unsupported_version",
            vec![d.version.to_string(), FORMAT_VERSION.to_string()],
        ));
    }
    check_workload(d, &mut out);

    let mut kinds: BTreeMap<&str, ComponentKind> = BTreeMap::new();
    for (i, node) in d.nodes.iter().enumerate() {
        if node.id.trim().is_empty() {
            out.push(Problem::error(
                Location::Node(format!("#{}", i + 1)),
                Some("id"),
                "empty_id",
                vec![],
            ));
            continue;
        }
        if kinds.insert(&node.id, node.kind()).is_some() {
            out.push(Problem::error(
                Location::Node(node.id.clone()),
                Some("id"),
                "duplicate_node_id",
                vec![],
            ));
        }
        check_node_params(&node.id, &node.spec, &mut out);
    }

    check_regions(d, &mut out);
    check_edges(d, &kinds, broken, &mut out);
    check_topology(d, &kinds, &mut out);
    check_rule_targets(d, &mut out);
    check_transactions(d, &kinds, &mut out);
    check_chaos(d, &mut out);
    let mut c = Checker {
        out: &mut out,
        at: Location::Diagram,
    };
    if !(d.slo.availability > 0.0 && d.slo.availability < 1.0) {
        c.err(
            "slo.availability",
            "availability_range",
            vec![d.slo.availability.to_string()],
        );
    }
    c.positive("slo.p99_ms", d.slo.p99_ms);
    out
}

/// Regions: unique non-empty ids, frames with finite coordinates, nodes and latency entries
/// naming regions that exist, round trips that are possible on Earth.
fn check_regions(d: &Diagram, out: &mut Vec<Problem>) {
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for (i, r) in d.regions.iter().enumerate() {
        let mut c = Checker {
            out: &mut *out,
            at: Location::Diagram,
        };
        let f = format!("regions[{i}]");
        if r.id.trim().is_empty() {
            c.err(&format!("{f}.id"), "empty_id", vec![]);
        } else if !ids.insert(&r.id) {
            c.err(&format!("{f}.id"), "duplicate_region_id", vec![]);
        }
        for (name, v) in [("x", r.x), ("y", r.y)] {
            if !v.is_finite() {
                c.err(&format!("{f}.{name}"), "not_finite", vec![v.to_string()]);
            }
        }
        c.non_negative(&format!("{f}.w"), r.w);
        c.non_negative(&format!("{f}.h"), r.h);
    }
    for n in &d.nodes {
        if !n.region.is_empty() && !ids.contains(n.region.as_str()) {
            out.push(Problem::error(
                Location::Node(n.id.clone()),
                Some("region"),
                "no_such_region",
                vec![n.region.clone()],
            ));
        }
        match &n.spec {
            NodeSpec::Client(p) => {
                for (i, r) in p.regions.iter().enumerate() {
                    if !ids.contains(r.region.as_str()) {
                        out.push(Problem::error(
                            Location::Node(n.id.clone()),
                            Some(&format!("params.regions[{i}].region")),
                            "no_such_region",
                            vec![r.region.clone()],
                        ));
                    }
                }
            }
            NodeSpec::Database(p) => {
                for (i, r) in p.regions.iter().enumerate() {
                    if !ids.contains(r.as_str()) {
                        out.push(Problem::error(
                            Location::Node(n.id.clone()),
                            Some(&format!("params.regions[{i}]")),
                            "no_such_region",
                            vec![r.clone()],
                        ));
                    }
                }
            }
            NodeSpec::TrafficManager(_) | NodeSpec::Cdn(_) if !n.region.is_empty() => {
                out.push(Problem::error(
                    Location::Node(n.id.clone()),
                    Some("region"),
                    "global_in_region",
                    vec![],
                ));
            }
            _ => {}
        }
    }
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, l) in d.region_latency.iter().enumerate() {
        let mut c = Checker {
            out: &mut *out,
            at: Location::Diagram,
        };
        let f = format!("region_latency[{i}]");
        for (end, id) in [("a", &l.a), ("b", &l.b)] {
            if !ids.contains(id.as_str()) {
                c.err(&format!("{f}.{end}"), "no_such_region", vec![id.clone()]);
            }
        }
        if l.a == l.b {
            c.err(&format!("{f}.b"), "rtt_same_region", vec![]);
        } else {
            let pair = if l.a < l.b {
                (l.a.as_str(), l.b.as_str())
            } else {
                (l.b.as_str(), l.a.as_str())
            };
            if !pairs.insert(pair) {
                c.err(
                    &f,
                    "duplicate_region_pair",
                    vec![pair.0.to_owned(), pair.1.to_owned()],
                );
            }
        }
        let field = format!("{f}.rtt_ms");
        if !l.rtt_ms.is_finite() {
            c.err(&field, "not_finite", vec![l.rtt_ms.to_string()]);
        } else if l.rtt_ms < 0.0 {
            c.err(&field, "negative", vec![l.rtt_ms.to_string()]);
        } else if l.rtt_ms > MAX_RTT_MS {
            c.err(
                &field,
                "rtt_too_large",
                vec![MAX_RTT_MS.to_string(), l.rtt_ms.to_string()],
            );
        }
    }
}

/// Chaos events must name things that exist and use sensible values.
fn check_chaos(d: &Diagram, out: &mut Vec<Problem>) {
    use super::ChaosAction as A;
    if d.chaos.is_empty() {
        return;
    }
    let zones = d.zones();
    // Looked up once per event: an id names its first node (as `Diagram::node` does).
    let mut nodes: BTreeMap<&str, &Node> = BTreeMap::new();
    for n in &d.nodes {
        nodes.entry(n.id.as_str()).or_insert(n);
    }
    let edges: BTreeSet<String> = d.edges.iter().map(Edge::name).collect();
    for (i, e) in d.chaos.iter().enumerate() {
        let mut c = Checker {
            out: &mut *out,
            at: Location::Diagram,
        };
        let f = format!("chaos[{i}]");
        c.non_negative(&format!("{f}.at_s"), e.at_s);
        let node = |c: &mut Checker, id: &str| {
            if !nodes.contains_key(id) {
                c.err(&f, "no_such_node", vec![id.to_owned()]);
            }
        };
        match &e.action {
            A::Kill { node: id, instance } | A::Revive { node: id, instance } => {
                node(&mut c, id);
                if let (Some(i), Some(n)) = (instance, nodes.get(id.as_str())) {
                    let count = match &n.spec {
                        NodeSpec::Server(p) => p.instances.max(p.autoscale.max),
                        NodeSpec::Database(p) => p.primaries.saturating_add(p.replicas),
                        NodeSpec::Cache(p) => p.members,
                        _ => 1,
                    };
                    if *i >= count {
                        c.err(
                            &f,
                            "no_such_instance",
                            vec![id.clone(), i.to_string(), count.to_string()],
                        );
                    }
                }
            }
            A::Slow { node: id, factor } => {
                node(&mut c, id);
                c.positive(&format!("{f}.factor"), *factor);
            }
            A::Errors { node: id, rate } => {
                node(&mut c, id);
                c.fraction(&format!("{f}.rate"), *rate);
            }
            A::Partition { edge } | A::Heal { edge } => {
                if !edges.contains(edge) {
                    c.err(&f, "no_such_edge", vec![edge.clone()]);
                }
            }
            A::PartitionZone { zone }
            | A::HealZone { zone }
            | A::KillZone { zone }
            | A::ReviveZone { zone } => {
                if !zones.contains(zone.as_str()) {
                    c.err(&f, "empty_zone", vec![zone.clone()]);
                }
            }
            A::PartitionRegion { region } | A::HealRegion { region } => {
                if !d.regions.iter().any(|r| &r.id == region) {
                    c.err(&f, "no_such_region", vec![region.clone()]);
                }
            }
            A::Traffic { factor } => c.non_negative(&format!("{f}.factor"), *factor),
        }
    }
}

/// Autoscaling bounds: min ≤ max within the instance limit, a positive target (a CPU target is a
/// fraction), positive intervals, and scheduled bounds under the same rules.
fn check_autoscale(c: &mut Checker, a: &Autoscale) {
    let bounds = |c: &mut Checker, field: &str, min: u32, max: u32| {
        c.at_least(
            &format!("{field}.min"),
            min as u64,
            1,
            "at_least_autoscaled",
        );
        c.at_most(&format!("{field}.max"), max as u64, MAX_INSTANCES as u64);
        if min > max {
            c.err(
                &format!("{field}.min"),
                "above_maximum",
                vec![max.to_string(), min.to_string()],
            );
            c.err(
                &format!("{field}.max"),
                "below_minimum",
                vec![min.to_string(), max.to_string()],
            );
        }
    };
    bounds(c, "params.autoscale", a.min, a.max);
    c.positive("params.autoscale.target", a.target);
    if a.metric == ScaleMetric::Cpu && a.target.is_finite() && a.target > 1.0 {
        // A CPU target is a utilisation.
        c.fraction("params.autoscale.target", a.target);
    }
    c.positive("params.autoscale.interval_s", a.interval_s);
    c.non_negative("params.autoscale.stabilization_s", a.stabilization_s);
    c.non_negative("params.autoscale.boot_s", a.boot_s);
    for (i, p) in a.schedule.iter().enumerate() {
        let f = format!("params.autoscale.schedule[{i}]");
        c.non_negative(&format!("{f}.at_s"), p.at_s);
        bounds(c, &f, p.min, p.max);
    }
}

/// An LRU cache's size and expiry (the cache kind, and each of a CDN's edge caches).
fn check_lru(c: &mut Checker, capacity_keys: u64, ttl_ms: f64) {
    c.at_least(
        "params.capacity_keys",
        capacity_keys,
        1,
        "at_least_cache_keys",
    );
    c.at_most("params.capacity_keys", capacity_keys, MAX_CACHE_KEYS);
    c.non_negative("params.ttl_ms", ttl_ms);
}

/// Zone names of a group: no empty names (a repeated name weighs the placement).
fn check_zones(c: &mut Checker, zones: &[String]) {
    if zones.iter().any(|z| z.trim().is_empty()) {
        c.err("params.zones", "zone_without_name", vec![]);
    }
}

fn check_workload(d: &Diagram, out: &mut Vec<Problem>) {
    let w = &d.workload;
    let mut c = Checker {
        out,
        at: Location::Workload,
    };
    c.positive("duration_s", w.duration_s);
    c.non_negative("warmup_s", w.warmup_s);
    if w.warmup_s.is_finite() && w.duration_s.is_finite() && w.warmup_s >= w.duration_s {
        c.err(
            "warmup_s",
            "warmup_too_long",
            vec![w.duration_s.to_string()],
        );
    }
    c.non_negative("traffic_scale", w.traffic_scale);
}

fn check_node_params(id: &str, spec: &NodeSpec, out: &mut Vec<Problem>) {
    let mut c = Checker {
        out,
        at: Location::Node(id.to_owned()),
    };
    match spec {
        NodeSpec::Client(p) => {
            c.non_negative("params.rate_rps", p.rate_rps);
            c.fraction("params.read_ratio", p.read_ratio);
            c.at_least("params.key_space", p.key_space, 1, "at_least_keys");
            c.non_negative("params.zipf_s", p.zipf_s);
            c.at_least("params.sessions", p.sessions, 1, "at_least_sessions");
            c.at_most("params.sessions", p.sessions, MAX_SESSIONS);
            c.non_negative("params.timeout_ms", p.timeout_ms);
            if let Some(k) = &p.connections {
                c.non_negative(
                    "params.connections.connect_rate_per_s",
                    k.connect_rate_per_s,
                );
                c.positive("params.connections.lifetime_s", k.lifetime_s);
                c.non_negative("params.connections.messages_per_s", k.messages_per_s);
            }
            let r = &p.retry;
            c.at_most(
                "params.retry.max_retries",
                r.max_retries as u64,
                MAX_RETRIES as u64,
            );
            c.non_negative("params.retry.backoff_ms", r.backoff_ms);
            c.non_negative("params.retry.max_backoff_ms", r.max_backoff_ms);
            if !r.multiplier.is_finite() || r.multiplier < 1.0 {
                c.err(
                    "params.retry.multiplier",
                    "at_least",
                    vec!["1".to_owned(), r.multiplier.to_string()],
                );
            }
            check_profile(&mut c, &p.profile);
            check_classes(&mut c, &p.classes);
            for (i, r) in p.regions.iter().enumerate() {
                c.positive(&format!("params.regions[{i}].share"), r.share);
            }
        }
        NodeSpec::LoadBalancer(p) => {
            c.positive("params.capacity_rps", p.capacity_rps);
            c.non_negative("params.latency_ms", p.latency_ms);
            c.at_least(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                1,
                "at_least_backend_points",
            );
            c.at_most(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                MAX_VIRTUAL_NODES as u64,
            );
            let h = &p.health_check;
            c.positive("params.health_check.interval_ms", h.interval_ms);
            c.non_negative("params.health_check.timeout_ms", h.timeout_ms);
            c.at_least(
                "params.health_check.unhealthy_threshold",
                h.unhealthy_threshold as u64,
                1,
                "at_least_unhealthy",
            );
            c.at_least(
                "params.health_check.healthy_threshold",
                h.healthy_threshold as u64,
                1,
                "at_least_healthy",
            );
            c.non_negative("params.standby_failover_ms", p.standby_failover_ms);
            c.at_most("params.rules", p.rules.len() as u64, MAX_RULES as u64);
            for (i, r) in p.rules.iter().enumerate() {
                if !r.path_prefix.starts_with('/') {
                    c.err(
                        &format!("params.rules[{i}].path_prefix"),
                        "path_not_absolute",
                        vec![r.path_prefix.clone()],
                    );
                }
                if r.targets.is_empty() {
                    c.err(
                        &format!("params.rules[{i}].targets"),
                        "rule_without_targets",
                        vec![],
                    );
                }
            }
            if p.layer == super::Layer::L4 && !p.rules.is_empty() {
                c.out.push(Problem::warning(
                    c.at.clone(),
                    Some("params.rules"),
                    "rules_on_l4",
                    vec![],
                ));
            }
        }
        NodeSpec::Server(p) => {
            c.at_least(
                "params.instances",
                p.instances as u64,
                1,
                "at_least_capacity",
            );
            c.at_most("params.instances", p.instances as u64, MAX_INSTANCES as u64);
            c.at_least("params.workers", p.workers as u64, 1, "at_least_capacity");
            c.at_most("params.workers", p.workers as u64, MAX_WORKERS as u64);
            c.positive("params.service.mean_ms", p.service.mean_ms);
            c.non_negative("params.service.cv", p.service.cv);
            c.non_negative("params.cost_per_hour", p.cost_per_hour);
            c.at_most(
                "params.l1.capacity_keys",
                p.l1.capacity_keys,
                MAX_CACHE_KEYS,
            );
            c.non_negative("params.l1.ttl_ms", p.l1.ttl_ms);
            c.at_most(
                "params.reserved_instances",
                p.reserved_instances as u64,
                MAX_INSTANCES as u64,
            );
            c.fraction("params.reserved_discount", p.reserved_discount);
            check_autoscale(&mut c, &p.autoscale);
            check_zones(&mut c, &p.zones);
            let t = &p.transaction;
            c.fraction(
                "params.transaction.failure_probability",
                t.failure_probability,
            );
            c.positive("params.transaction.timeout_ms", t.timeout_ms);
            c.non_negative("params.transaction.local_ms", t.local_ms);
            c.at_most(
                "params.transaction.participants",
                t.participants.len() as u64,
                MAX_PARTICIPANTS as u64,
            );
        }
        NodeSpec::Queue(p) => {
            c.at_least(
                "params.consumers",
                p.consumers as u64,
                1,
                "at_least_capacity",
            );
            c.at_most("params.consumers", p.consumers as u64, MAX_WORKERS as u64);
            c.positive("params.visibility_timeout_ms", p.visibility_timeout_ms);
            c.at_least("params.max_attempts", p.max_attempts as u64, 1, "at_least");
            c.at_most(
                "params.max_attempts",
                p.max_attempts as u64,
                MAX_DELIVERY_ATTEMPTS as u64,
            );
            c.non_negative("params.retention_s", p.retention_s);
            c.at_least("params.capacity", p.capacity, 1, "at_least_capacity");
            c.at_most("params.capacity", p.capacity, MAX_QUEUE_MESSAGES);
            c.non_negative("params.enqueue_ms", p.enqueue_ms);
        }
        NodeSpec::BatchJob(p) => {
            c.at_least("params.records", p.records, 1, "at_least");
            c.at_most("params.records", p.records, MAX_BATCH_RECORDS);
            c.at_least("params.split_records", p.split_records, 1, "at_least");
            if p.split_records >= 1 && p.records <= MAX_BATCH_RECORDS {
                c.at_most("params.split_records", p.map_tasks(), MAX_BATCH_TASKS);
            }
            c.non_negative("params.map_us_per_record", p.map_us_per_record);
            c.at_least("params.workers", p.workers as u64, 1, "at_least_capacity");
            c.at_most("params.workers", p.workers as u64, MAX_INSTANCES as u64);
            let slots = "params.slots_per_worker";
            c.at_least(slots, p.slots_per_worker as u64, 1, "at_least_capacity");
            c.at_most(slots, p.slots(), MAX_WORKERS as u64);
            c.at_least("params.reducers", p.reducers as u64, 1, "at_least");
            c.at_most("params.reducers", p.reducers as u64, MAX_BATCH_TASKS);
            c.non_negative("params.reduce_us_per_record", p.reduce_us_per_record);
            c.non_negative("params.record_bytes", p.record_bytes);
            c.positive("params.shuffle_mb_per_s", p.shuffle_mb_per_s);
            c.non_negative("params.setup_s", p.setup_s);
            c.non_negative("params.start_s", p.start_s);
            c.non_negative("params.period_s", p.period_s);
            c.positive("params.straggler_factor", p.straggler_factor);
            c.positive("params.speculation_factor", p.speculation_factor);
        }
        NodeSpec::Cache(p) => {
            check_lru(&mut c, p.capacity_keys, p.ttl_ms);
            c.at_least("params.members", p.members as u64, 1, "at_least");
            c.at_most("params.members", p.members as u64, MAX_CACHE_MEMBERS as u64);
            c.at_least(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                1,
                "at_least_backend_points",
            );
            c.at_most(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                MAX_VIRTUAL_NODES as u64,
            );
            c.positive("params.capacity_rps", p.capacity_rps);
            c.non_negative("params.latency_ms", p.latency_ms);
            c.non_negative("params.cost_per_hour", p.cost_per_hour);
        }
        NodeSpec::Database(p) => {
            c.at_least(
                "params.connections",
                p.connections as u64,
                1,
                "at_least_capacity",
            );
            c.at_most(
                "params.connections",
                p.connections as u64,
                MAX_WORKERS as u64,
            );
            c.positive("params.read_ms", p.read_ms);
            c.positive("params.write_ms", p.write_ms);
            c.at_least(
                "params.primaries",
                p.primaries as u64,
                1,
                "at_least_primaries",
            );
            c.at_most("params.primaries", p.primaries as u64, MAX_PRIMARIES as u64);
            c.at_most("params.replicas", p.replicas as u64, MAX_REPLICAS as u64);
            c.non_negative("params.replication_lag_ms", p.replication_lag_ms);
            c.positive("params.apply_rate", p.apply_rate);
            c.non_negative("params.cost_per_hour", p.cost_per_hour);
            c.non_negative("params.failover_detect_ms", p.failover_detect_ms);
            c.non_negative("params.failover_promote_ms", p.failover_promote_ms);
            check_zones(&mut c, &p.zones);
            if !p.partition_mode.is_ignore() && p.primaries > 1 {
                c.err(
                    "params.partition_mode",
                    "partition_mode_multi_primary",
                    vec![],
                );
            }
            if p.replication == Replication::Sync && p.primaries > 1 {
                c.err("params.replication", "sync_multi_primary", vec![]);
            }
        }
        NodeSpec::TrafficManager(p) => {
            c.positive("params.probe_interval_ms", p.probe_interval_ms);
            c.at_least(
                "params.unhealthy_threshold",
                p.unhealthy_threshold as u64,
                1,
                "at_least_unhealthy",
            );
            c.at_least(
                "params.healthy_threshold",
                p.healthy_threshold as u64,
                1,
                "at_least_healthy",
            );
            c.non_negative("params.dns_ttl_s", p.dns_ttl_s);
        }
        NodeSpec::Cdn(p) => {
            check_lru(&mut c, p.capacity_keys, p.ttl_ms);
            c.non_negative("params.edge_latency_ms", p.edge_latency_ms);
        }
        NodeSpec::ShardRouter(p) => {
            c.at_least(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                1,
                "at_least_shard_points",
            );
            c.at_most(
                "params.virtual_nodes",
                p.virtual_nodes as u64,
                MAX_VIRTUAL_NODES as u64,
            );
            c.non_negative("params.latency_ms", p.latency_ms);
        }
    }
}

/// Servers running distributed transactions: their participants are databases they call.
fn check_transactions(d: &Diagram, kinds: &BTreeMap<&str, ComponentKind>, out: &mut Vec<Problem>) {
    for n in &d.nodes {
        let NodeSpec::Server(p) = &n.spec else {
            continue;
        };
        let t = &p.transaction;
        if t.protocol == super::TxnProtocol::None {
            continue;
        }
        let calls = |to: &str| d.edges.iter().any(|e| e.from == n.id && e.to == to);
        let mut c = Checker {
            out: &mut *out,
            at: Location::Node(n.id.clone()),
        };
        for (i, id) in t.participants.iter().enumerate() {
            let field = format!("params.transaction.participants[{i}]");
            if !kinds.contains_key(id.as_str()) {
                c.err(&field, "no_such_node", vec![id.clone()]);
            } else if kinds.get(id.as_str()) != Some(&ComponentKind::Database) || !calls(id) {
                c.err(&field, "participant_not_database", vec![id.clone()]);
            }
        }
        let databases = d
            .edges
            .iter()
            .filter(|e| e.from == n.id)
            .filter(|e| kinds.get(e.to.as_str()) == Some(&ComponentKind::Database))
            .count();
        if t.participants.is_empty() && databases == 0 {
            c.err(
                "params.transaction.protocol",
                "transaction_without_participants",
                vec![],
            );
        }
    }
}

/// Request classes: named, unique, with a path, a method, a share and a cost.
fn check_classes(c: &mut Checker<'_>, classes: &[super::RequestClass]) {
    if classes.is_empty() {
        return;
    }
    c.at_most("params.classes", classes.len() as u64, MAX_CLASSES as u64);
    let mut names = BTreeSet::new();
    let mut total = 0.0;
    let mut shares_ok = true;
    for (i, k) in classes.iter().enumerate() {
        let f = |name: &str| format!("params.classes[{i}].{name}");
        if k.name.trim().is_empty() {
            c.err(&f("name"), "class_without_name", vec![]);
        } else if !names.insert(k.name.as_str()) {
            c.err(&f("name"), "duplicate_class_name", vec![k.name.clone()]);
        }
        if !k.path.starts_with('/') {
            c.err(&f("path"), "path_not_absolute", vec![k.path.clone()]);
        }
        let method_ok = !k.method.is_empty()
            && k.method.len() <= 16
            && k.method.chars().all(|ch| ch.is_ascii_alphabetic());
        if !method_ok {
            c.err(&f("method"), "bad_method", vec![k.method.clone()]);
        }
        let before = c.out.len();
        c.non_negative(&f("share"), k.share);
        if c.out.len() > before {
            shares_ok = false;
        } else {
            total += k.share;
        }
        c.non_negative(&f("cost"), k.cost);
    }
    if !shares_ok {
        return;
    }
    if total <= 0.0 {
        c.err("params.classes", "class_shares_zero", vec![]);
    } else if (total - 1.0).abs() > 1e-6 {
        c.out.push(Problem::warning(
            c.at.clone(),
            Some("params.classes"),
            "class_shares_normalised",
            vec![format!("{}", (total * 1e6).round() / 1e6)],
        ));
    }
}

/// L7 rules name nodes the balancer has an edge to.
fn check_rule_targets(d: &Diagram, out: &mut Vec<Problem>) {
    for node in &d.nodes {
        if let NodeSpec::Database(p) = &node.spec {
            for r in &p.regions {
                if !d.regions.iter().any(|x| &x.id == r) {
                    out.push(Problem::error(
                        Location::Node(node.id.clone()),
                        Some("params.regions"),
                        "no_such_region",
                        vec![r.clone()],
                    ));
                }
            }
        }
        let NodeSpec::LoadBalancer(p) = &node.spec else {
            continue;
        };
        for (i, r) in p.rules.iter().enumerate() {
            for t in &r.targets {
                let field = format!("params.rules[{i}].targets");
                let at = Location::Node(node.id.clone());
                if d.node(t).is_none() {
                    out.push(Problem::error(
                        at,
                        Some(&field),
                        "no_such_node",
                        vec![t.clone()],
                    ));
                } else if !d.edges.iter().any(|e| e.from == node.id && &e.to == t) {
                    out.push(Problem::error(
                        at,
                        Some(&field),
                        "rule_target_not_backend",
                        vec![t.clone()],
                    ));
                }
            }
        }
    }
}

fn check_profile(c: &mut Checker<'_>, profile: &Profile) {
    match *profile {
        Profile::Constant => {}
        Profile::Step { at_s, factor } => {
            c.non_negative("params.profile.step.at_s", at_s);
            c.non_negative("params.profile.step.factor", factor);
        }
        Profile::Spike {
            at_s,
            duration_s,
            factor,
        } => {
            c.non_negative("params.profile.spike.at_s", at_s);
            c.positive("params.profile.spike.duration_s", duration_s);
            c.non_negative("params.profile.spike.factor", factor);
        }
        Profile::Ramp {
            start_s,
            end_s,
            to_factor,
        } => {
            c.non_negative("params.profile.ramp.start_s", start_s);
            c.non_negative("params.profile.ramp.to_factor", to_factor);
            if !(end_s.is_finite() && end_s > start_s) {
                c.err(
                    "params.profile.ramp.end_s",
                    "ramp_end_before_start",
                    vec![start_s.to_string(), end_s.to_string()],
                );
            }
        }
        Profile::Diurnal {
            period_s,
            amplitude,
        } => {
            c.positive("params.profile.diurnal.period_s", period_s);
            c.fraction("params.profile.diurnal.amplitude", amplitude);
        }
    }
}

fn check_edges(
    d: &Diagram,
    kinds: &BTreeMap<&str, ComponentKind>,
    broken: &BTreeSet<String>,
    out: &mut Vec<Problem>,
) {
    let mut seen_ids = BTreeSet::new();
    let mut seen_pairs = BTreeSet::new();
    for edge in &d.edges {
        let name = edge.name();
        let mut c = Checker {
            out: &mut *out,
            at: Location::Edge(name.clone()),
        };
        if !edge.id.is_empty() && !seen_ids.insert(edge.id.as_str()) {
            c.err("id", "duplicate_edge_id", vec![]);
        }
        c.non_negative("latency_ms", edge.latency_ms);
        c.non_negative("jitter_ms", edge.jitter_ms);
        let from = kinds.get(edge.from.as_str());
        let to = kinds.get(edge.to.as_str());
        for (field, end, kind) in [("from", &edge.from, from), ("to", &edge.to, to)] {
            if kind.is_none() && !broken.contains(end) {
                c.err(field, "dangling_edge", vec![end.clone()]);
            }
        }
        if edge.from == edge.to {
            c.err("to", "self_call", vec![]);
        }
        if to == Some(&ComponentKind::Client) {
            c.err("to", "calls_client", vec![]);
        }
        for (field, kind) in [("from", from), ("to", to)] {
            if kind == Some(&ComponentKind::BatchJob) {
                c.err(field, "batch_job_no_edges", vec![]);
            }
        }
        if !seen_pairs.insert((edge.from.as_str(), edge.to.as_str())) {
            c.err(
                "to",
                "already_connected",
                vec![edge.from.clone(), edge.to.clone()],
            );
        }
    }
}

/// Graph-level checks: clients that reach nothing, nodes no client reaches, cycles.
fn check_topology(d: &Diagram, kinds: &BTreeMap<&str, ComponentKind>, out: &mut Vec<Problem>) {
    let mut adj: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for Edge { from, to, .. } in &d.edges {
        if kinds.contains_key(from.as_str()) && kinds.contains_key(to.as_str()) && from != to {
            adj.entry(from.as_str()).or_default().push(to.as_str());
        }
    }
    let clients: Vec<&str> = kinds
        .iter()
        .filter(|(_, k)| **k == ComponentKind::Client)
        .map(|(id, _)| *id)
        .collect();
    // A batch job runs on its own schedule: a diagram of batch jobs alone needs no client.
    let batch_only = kinds.values().all(|k| *k == ComponentKind::BatchJob);
    if clients.is_empty() && !d.nodes.is_empty() && !batch_only {
        out.push(Problem::error(
            Location::Diagram,
            Some("nodes"),
            "no_client",
            vec![],
        ));
    }
    if d.nodes.is_empty() {
        out.push(Problem::error(
            Location::Diagram,
            Some("nodes"),
            "empty_diagram",
            vec![],
        ));
    }
    for &c in &clients {
        if adj.get(c).is_none_or(|v| v.is_empty()) {
            out.push(Problem::error(
                Location::Node(c.to_owned()),
                None,
                "client_unconnected",
                vec![],
            ));
        }
    }
    for (&id, &kind) in kinds {
        let connected = adj.get(id).is_some_and(|v| !v.is_empty());
        let code = match kind {
            ComponentKind::LoadBalancer => "balancer_without_backends",
            ComponentKind::Cache => "cache_without_backing",
            ComponentKind::ShardRouter => "router_without_shards",
            ComponentKind::TrafficManager => "traffic_manager_without_targets",
            ComponentKind::Cdn => "cdn_without_origin",
            ComponentKind::Queue => "queue_without_consumers",
            _ => continue,
        };
        if !connected {
            out.push(Problem::error(
                Location::Node(id.to_owned()),
                None,
                code,
                vec![],
            ));
        }
    }

    for (&id, &kind) in kinds {
        if kind == ComponentKind::Cdn && adj.get(id).is_some_and(|v| v.len() > 1) {
            out.push(Problem::error(
                Location::Node(id.to_owned()),
                None,
                "cdn_one_origin",
                vec![],
            ));
        }
    }

    // Reachability from clients.
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = clients.clone();
    while let Some(n) = stack.pop() {
        if reached.insert(n) {
            stack.extend(adj.get(n).into_iter().flatten().copied());
        }
    }
    for (&id, &kind) in kinds {
        if !reached.contains(id) && kind != ComponentKind::BatchJob {
            out.push(Problem::warning(
                Location::Node(id.to_owned()),
                None,
                "unreachable",
                vec![],
            ));
        }
    }

    // Cycles: a request would loop forever. Report each cycle once, by its nodes.
    if let Some(cycle) = find_cycle(kinds.keys().copied(), &adj) {
        out.push(Problem::error(
            Location::Node(cycle[0].to_owned()),
            None,
            "cycle",
            vec![cycle.join(" → ")],
        ));
    }
}

/// Returns one directed cycle (first node repeated at the end), if any. Iterative DFS.
fn find_cycle<'a>(
    nodes: impl Iterator<Item = &'a str>,
    adj: &BTreeMap<&'a str, Vec<&'a str>>,
) -> Option<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in nodes {
        if mark.get(start).copied().unwrap_or(Mark::New) != Mark::New {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        mark.insert(start, Mark::Active);
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let succ = adj.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&s) = succ.get(*next) {
                *next += 1;
                match mark.get(s).copied().unwrap_or(Mark::New) {
                    Mark::New => {
                        mark.insert(s, Mark::Active);
                        path.push((s, 0));
                    }
                    Mark::Active => {
                        let from = path.iter().position(|(n, _)| *n == s).unwrap_or(0);
                        let mut cycle: Vec<&str> = path[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(s);
                        return Some(cycle);
                    }
                    Mark::Done => {}
                }
            } else {
                mark.insert(node, Mark::Done);
                path.pop();
            }
        }
    }
    None
}
