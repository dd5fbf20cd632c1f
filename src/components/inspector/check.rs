//! The inspector's pure logic: parsing what was typed, building the changed node, edge or
//! workload, and asking the engine's validator whether this field is now wrong. No Yew here, so
//! all of it is unit-tested natively.

use crate::i18n::{fill, problems, tr, Lang};
use scaleboard_sim::diagram::{
    Autoscale, CacheHashing, Diagram, Edge, Eviction, InstanceSize, Location, Node, NodeSpec,
    Problem, Profile, ReadFrom, Replication, ScaleMetric, ScheduledScaling, ServerParams, Severity,
    ShardStrategy, Workload, WritePolicy,
};
use std::collections::BTreeSet;

/// A changed copy of one part of the document, before it is accepted.
// One candidate lives for one edit, by value: boxing the node would cost an allocation per
// keystroke for no saving.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Candidate {
    /// A replacement for the node with the same id.
    Node(Node),
    /// A replacement for the edge now named `old_name` (see `Edge::name`).
    Edge {
        old_name: String,
        edge: Edge,
    },
    Workload(Workload),
}

impl Candidate {
    /// Where the validator reports problems of this candidate, before and after the change.
    fn locations(&self) -> (Location, Location) {
        match self {
            Candidate::Node(n) => (Location::Node(n.id.clone()), Location::Node(n.id.clone())),
            Candidate::Edge { old_name, edge } => (
                Location::Edge(old_name.clone()),
                Location::Edge(edge.name()),
            ),
            Candidate::Workload(_) => (Location::Workload, Location::Workload),
        }
    }

    /// Puts the candidate into `doc`; `false` if what it replaces is no longer there.
    fn apply_to(&self, doc: &mut Diagram) -> bool {
        match self {
            Candidate::Node(n) => match doc.node_mut(&n.id) {
                Some(slot) => {
                    *slot = n.clone();
                    true
                }
                None => false,
            },
            Candidate::Edge { old_name, edge } => {
                match doc.edges.iter_mut().find(|e| e.name() == *old_name) {
                    Some(slot) => {
                        *slot = edge.clone();
                        true
                    }
                    None => false,
                }
            }
            Candidate::Workload(w) => {
                doc.workload = w.clone();
                true
            }
        }
    }

    /// Whether `doc` already holds exactly this.
    fn is_current(&self, doc: &Diagram) -> bool {
        match self {
            Candidate::Node(n) => doc.node(&n.id) == Some(n),
            Candidate::Edge { old_name, edge } => {
                doc.edges.iter().any(|e| e.name() == *old_name && e == edge)
            }
            Candidate::Workload(w) => doc.workload == *w,
        }
    }
}

/// Message when the component being edited has disappeared (deleted meanwhile).
pub const GONE: &str = "this component no longer exists";

/// Why the engine refuses a change of one field.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// The component being edited has disappeared (deleted meanwhile).
    Gone,
    /// The engine's problem: on the edited field itself (`other` is `None`), or one the change
    /// newly causes on `other` field.
    Problem {
        other: Option<String>,
        problem: Box<Problem>,
    },
}

impl Refusal {
    /// As the engine says it: "message", or "other_field: message".
    pub fn english(&self) -> String {
        match self {
            Refusal::Gone => GONE.to_owned(),
            Refusal::Problem {
                other: None,
                problem,
            } => problem.message.clone(),
            Refusal::Problem {
                other: Some(f),
                problem,
            } => format!("{f}: {}", problem.message),
        }
    }

    /// In `lang`, as shown under the field: first letter capitalised, and another field named
    /// as the reader knows it (English keeps the file's path).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Refusal::Gone => capitalise(tr(lang, GONE)),
            Refusal::Problem {
                other: None,
                problem,
            } => capitalise(&problems::message(lang, problem)),
            Refusal::Problem {
                other: Some(f),
                problem,
            } => format!(
                "{}: {}",
                problems::field(lang, f),
                problems::message(lang, problem)
            ),
        }
    }
}

/// Validates `candidate` as a change of `field` (a validation path such as `params.rate_rps`,
/// or `duration_s` for the workload). Refuses with the engine's problem for the first error on
/// that field. An error the change newly causes on another field of the same node, edge or
/// workload (a ramp ending before it starts, a warm-up longer than the run) refuses it too,
/// naming that field. So does a chaos event the change leaves pointing at nothing (the last node
/// of a zone moved out of it: "`chaos[2]`: no node is in zone 'zone-b'"), as the timeline cannot
/// be edited here. Problems without a field (topology: "not connected", cycles) are not this
/// field's business and are ignored.
pub fn refusal(doc: &Diagram, candidate: &Candidate, field: &str) -> Result<(), Refusal> {
    let mut next = doc.clone();
    if !candidate.apply_to(&mut next) {
        return Err(Refusal::Gone);
    }
    let (before_at, after_at) = candidate.locations();
    let field_errors = |d: &Diagram, at: &Location| {
        let timeline = |p: &Problem| {
            p.location == Location::Diagram
                && p.field.as_deref().is_some_and(|f| f.starts_with("chaos["))
        };
        d.problems()
            .into_iter()
            .filter(|p| p.severity == Severity::Error && (p.location == *at || timeline(p)))
            .filter_map(|p| Some((p.field.clone()?, p)))
            .collect::<Vec<(String, Problem)>>()
    };
    let after = field_errors(&next, &after_at);
    if let Some((_, problem)) = after.iter().find(|(f, _)| f == field) {
        return Err(Refusal::Problem {
            other: None,
            problem: Box::new(problem.clone()),
        });
    }
    let before: BTreeSet<String> = field_errors(doc, &before_at)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    match after.into_iter().find(|(f, _)| !before.contains(f)) {
        Some((other, problem)) => Err(Refusal::Problem {
            other: Some(other),
            problem: Box::new(problem),
        }),
        None => Ok(()),
    }
}

/// [`refusal`] as the engine's English words ("message" or "other_field: message").
pub fn check_field(doc: &Diagram, candidate: &Candidate, field: &str) -> Result<(), String> {
    refusal(doc, candidate, field).map_err(|r| r.english())
}

/// Why a committed value was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldError {
    /// Not a number at all (or NaN / infinite).
    NotANumber,
    /// A fraction where a count is needed.
    NotWhole,
    /// A negative count.
    Negative,
    /// Larger than the field can hold.
    TooLarge(u64),
    /// Zero or negative where only a positive number makes sense.
    NotPositive,
    /// A zone name with a comma, which separates zones in lists.
    ZoneComma,
    /// The engine's refusal (see [`refusal`]).
    Engine(Refusal),
}

impl FieldError {
    /// The message shown under the field, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            FieldError::NotANumber => tr(lang, "Enter a number").to_owned(),
            FieldError::NotWhole => tr(lang, "Enter a whole number").to_owned(),
            FieldError::Negative => tr(lang, "Must not be negative").to_owned(),
            FieldError::TooLarge(max) => fill(tr(lang, "Must be at most {}"), &[max]),
            FieldError::NotPositive => tr(lang, "Must be greater than 0").to_owned(),
            FieldError::ZoneComma => tr(lang, "A zone name cannot contain a comma").to_owned(),
            FieldError::Engine(r) => r.text(lang),
        }
    }
}

/// Reads a decimal number; `1_000` and surrounding spaces are accepted, NaN and infinities not.
pub fn parse_float(text: &str) -> Result<f64, FieldError> {
    let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(FieldError::NotANumber),
    }
}

/// Reads a count in `0..=max`.
pub fn parse_whole(text: &str, max: u64) -> Result<u64, FieldError> {
    let cleaned: String = text.trim().chars().filter(|c| *c != '_').collect();
    let cleaned = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    if let Ok(v) = cleaned.parse::<u64>() {
        return if v > max {
            Err(FieldError::TooLarge(max))
        } else {
            Ok(v)
        };
    }
    // Not a plain count: say why as precisely as possible.
    let v = parse_float(cleaned)?;
    if v < 0.0 {
        Err(FieldError::Negative)
    } else if v.fract() != 0.0 {
        Err(FieldError::NotWhole)
    } else if v > max as f64 {
        Err(FieldError::TooLarge(max))
    } else {
        // "1e3", "5.0": whole numbers written as decimals.
        Ok(v as u64)
    }
}

/// Reads a decimal number greater than 0.
pub fn parse_positive(text: &str) -> Result<f64, FieldError> {
    match parse_float(text)? {
        v if v > 0.0 => Ok(v),
        _ => Err(FieldError::NotPositive),
    }
}

/// Reads one availability zone name (trimmed; empty = none). Commas are refused: they
/// separate the zones of a list ([`parse_zones`]).
pub fn parse_zone(text: &str) -> Result<String, FieldError> {
    let zone = text.trim();
    if zone.contains(',') {
        Err(FieldError::ZoneComma)
    } else {
        Ok(zone.to_owned())
    }
}

/// Reads a comma-separated list of zones: each name trimmed, empty entries dropped
/// (`"a, , b,"` is `a, b`). Instance *k* goes to entry *k mod n*, so a name given twice weighs
/// the placement (`a, b, b`: two thirds in b). Names are case-sensitive, as in the engine.
pub fn parse_zones(text: &str) -> Result<Vec<String>, FieldError> {
    Ok(text
        .split(',')
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .map(str::to_owned)
        .collect())
}

/// A list of zones as it is typed: `zone-a, zone-b`.
pub fn fmt_zones(zones: &[String]) -> String {
    zones.join(", ")
}

/// The outcome of committing a value: `Ok(Some(_))` to emit, `Ok(None)` if nothing changed.
pub fn vet(
    doc: &Diagram,
    candidate: Candidate,
    field: &str,
) -> Result<Option<Candidate>, FieldError> {
    if candidate.is_current(doc) {
        return Ok(None);
    }
    refusal(doc, &candidate, field).map_err(FieldError::Engine)?;
    Ok(Some(candidate))
}

// ---------------------------------------------------------------------------------------------
// Traffic profiles

/// The profile shapes, in menu order, by their file-format name.
pub const PROFILE_SLUGS: [&str; 5] = ["constant", "step", "spike", "ramp", "diurnal"];

pub fn profile_slug(p: &Profile) -> &'static str {
    match p {
        Profile::Constant => "constant",
        Profile::Step { .. } => "step",
        Profile::Spike { .. } => "spike",
        Profile::Ramp { .. } => "ramp",
        Profile::Diurnal { .. } => "diurnal",
    }
}

/// A new profile of the shape `slug`, with sensible starting values (those of the format docs:
/// something visible half-way through a one-minute run).
pub fn profile_default(slug: &str) -> Option<Profile> {
    Some(match slug {
        "constant" => Profile::Constant,
        "step" => Profile::Step {
            at_s: 30.0,
            factor: 3.0,
        },
        "spike" => Profile::Spike {
            at_s: 30.0,
            duration_s: 10.0,
            factor: 5.0,
        },
        "ramp" => Profile::Ramp {
            start_s: 0.0,
            end_s: 60.0,
            to_factor: 4.0,
        },
        "diurnal" => Profile::Diurnal {
            period_s: 120.0,
            amplitude: 0.8,
        },
        _ => return None,
    })
}

/// The numeric fields of a profile, in display order, with their values.
pub fn profile_fields(p: &Profile) -> Vec<(&'static str, f64)> {
    match *p {
        Profile::Constant => vec![],
        Profile::Step { at_s, factor } => vec![("at_s", at_s), ("factor", factor)],
        Profile::Spike {
            at_s,
            duration_s,
            factor,
        } => vec![
            ("at_s", at_s),
            ("duration_s", duration_s),
            ("factor", factor),
        ],
        Profile::Ramp {
            start_s,
            end_s,
            to_factor,
        } => vec![
            ("start_s", start_s),
            ("end_s", end_s),
            ("to_factor", to_factor),
        ],
        Profile::Diurnal {
            period_s,
            amplitude,
        } => vec![("period_s", period_s), ("amplitude", amplitude)],
    }
}

/// Sets one numeric field of a profile; `false` if the profile has no such field.
pub fn set_profile_field(p: &mut Profile, name: &str, v: f64) -> bool {
    let slot = match (p, name) {
        (Profile::Step { at_s, .. }, "at_s") => at_s,
        (Profile::Step { factor, .. }, "factor") => factor,
        (Profile::Spike { at_s, .. }, "at_s") => at_s,
        (Profile::Spike { duration_s, .. }, "duration_s") => duration_s,
        (Profile::Spike { factor, .. }, "factor") => factor,
        (Profile::Ramp { start_s, .. }, "start_s") => start_s,
        (Profile::Ramp { end_s, .. }, "end_s") => end_s,
        (Profile::Ramp { to_factor, .. }, "to_factor") => to_factor,
        (Profile::Diurnal { period_s, .. }, "period_s") => period_s,
        (Profile::Diurnal { amplitude, .. }, "amplitude") => amplitude,
        _ => return false,
    };
    *slot = v;
    true
}

// ---------------------------------------------------------------------------------------------
// Choices: the file-format name of each option of a drop-down

/// `(value, slug)` of each option, in menu order; the slug is the value's name in diagram files.
pub type Choices<E> = [(E, &'static str)];

pub const WRITE_POLICIES: [(WritePolicy, &str); 3] = [
    (WritePolicy::Invalidate, "invalidate"),
    (WritePolicy::WriteThrough, "write_through"),
    (WritePolicy::TtlOnly, "ttl_only"),
];

pub const REPLICATIONS: [(Replication, &str); 2] =
    [(Replication::Async, "async"), (Replication::Sync, "sync")];

pub const READ_FROMS: [(ReadFrom, &str); 3] = [
    (ReadFrom::Primary, "primary"),
    (ReadFrom::Replicas, "replicas"),
    (ReadFrom::Any, "any"),
];

pub const EVICTIONS: [(Eviction, &str); 4] = [
    (Eviction::Lru, "lru"),
    (Eviction::Lfu, "lfu"),
    (Eviction::Fifo, "fifo"),
    (Eviction::Random, "random"),
];

pub const CACHE_HASHINGS: [(CacheHashing, &str); 2] = [
    (CacheHashing::Consistent, "consistent"),
    (CacheHashing::Modulo, "modulo"),
];

pub const SHARD_STRATEGIES: [(ShardStrategy, &str); 3] = [
    (ShardStrategy::HashMod, "hash_mod"),
    (ShardStrategy::ConsistentHash, "consistent_hash"),
    (ShardStrategy::Range, "range"),
];

/// The slug of `value` (the first option's if it is not listed).
pub fn slug_of<E: PartialEq>(choices: &Choices<E>, value: E) -> &'static str {
    choices
        .iter()
        .find(|(v, _)| *v == value)
        .or(choices.first())
        .map_or("", |(_, s)| s)
}

/// The value chosen as `slug`, if it is one of the options.
pub fn from_slug<E: Copy>(choices: &Choices<E>, slug: &str) -> Option<E> {
    choices.iter().find(|(_, s)| *s == slug).map(|(v, _)| *v)
}

pub fn size_from_slug(slug: &str) -> Option<InstanceSize> {
    InstanceSize::ALL.iter().copied().find(|s| s.slug() == slug)
}

// ---------------------------------------------------------------------------------------------
// Sharding: what adding a shard would move

/// Key space assumed when the diagram has no client (a new client's default).
pub const DEFAULT_KEY_SPACE: u64 = 10_000;

/// Shards of a router: the edges leaving it.
pub fn shard_count(doc: &Diagram, router: &str) -> usize {
    doc.edges.iter().filter(|e| e.from == router).count()
}

/// The largest key space among the diagram's clients.
pub fn largest_key_space(doc: &Diagram) -> u64 {
    doc.nodes
        .iter()
        .filter_map(|n| match &n.spec {
            NodeSpec::Client(c) => Some(c.key_space),
            _ => None,
        })
        .max()
        .unwrap_or(DEFAULT_KEY_SPACE)
}

/// The share of keys each strategy would move if an (`shards` + 1)-th shard were connected;
/// `None` while there is no shard to compare with.
pub fn keys_moved(
    shards: usize,
    virtual_nodes: u32,
    key_space: u64,
) -> Option<[(ShardStrategy, f64); 3]> {
    (shards > 0).then(|| {
        scaleboard_sim::engine::keys_moved_if_added(shards, virtual_nodes.max(1), key_space)
    })
}

/// A share as a whole percentage: `0.213` → `21%`; tiny non-zero shares read `<1%`.
pub fn fmt_pct(share: f64) -> String {
    if share > 0.0 && share < 0.005 {
        "<1%".to_owned()
    } else {
        format!("{:.0}%", share * 100.0)
    }
}

/// The strategy's name inside the resharding sentence.
pub fn strategy_short_name(lang: Lang, s: ShardStrategy) -> &'static str {
    match s {
        ShardStrategy::HashMod => tr(lang, "hash mod N"),
        ShardStrategy::ConsistentHash => tr(lang, "consistent hashing"),
        ShardStrategy::Range => tr(lang, "ranges"),
    }
}

/// The resharding readout in parts: the lead ("Adding shard 5 would move:") and, per strategy,
/// "name share". Joined with `", "` they read as one sentence ([`keys_moved_text`]).
pub fn keys_moved_parts(
    lang: Lang,
    shards: usize,
    moved: &[(ShardStrategy, f64); 3],
) -> (String, Vec<(ShardStrategy, String)>) {
    let lead = fill(tr(lang, "Adding shard {} would move:"), &[&(shards + 1)]);
    let items = moved
        .iter()
        .map(|&(s, share)| {
            (
                s,
                format!("{} {}", strategy_short_name(lang, s), fmt_pct(share)),
            )
        })
        .collect();
    (lead, items)
}

/// The readout as the browser shows it (its text content, as `KeysMoved` in `node.rs` lays out
/// the parts); what to do first when the router has no shards.
#[cfg(test)]
pub fn keys_moved_text(lang: Lang, shards: usize, virtual_nodes: u32, key_space: u64) -> String {
    match keys_moved(shards, virtual_nodes, key_space) {
        Some(moved) => {
            let (lead, items) = keys_moved_parts(lang, shards, &moved);
            let items: Vec<String> = items.into_iter().map(|(_, t)| t).collect();
            format!("{lead} {}", items.join(", "))
        }
        None => tr(lang, "Connect this router to its shards first.").to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Resilience: autoscaling helpers

pub const SCALE_METRICS: [(ScaleMetric, &str); 2] =
    [(ScaleMetric::Cpu, "cpu"), (ScaleMetric::Rps, "rps")];

/// Requests per second one instance of `p` serves at full CPU (`workers` busy for the whole
/// mean service time), if that is a positive number.
fn instance_capacity_rps(p: &ServerParams) -> Option<f64> {
    let rps = p.workers as f64 * p.size.speed() * 1_000.0 / p.service.mean_ms;
    (rps.is_finite() && rps > 0.0).then_some(rps)
}

/// Target of a new request-rate autoscaler when the server's capacity is unknown.
pub const DEFAULT_RPS_TARGET: f64 = 100.0;

/// Switches the autoscaler to `metric`, translating the target to about the same load: a CPU
/// target of 0.6 becomes 60 % of what one instance serves per second, and back. The current
/// metric again changes nothing.
pub fn set_metric(p: &mut ServerParams, metric: ScaleMetric) {
    if p.autoscale.metric == metric {
        return;
    }
    let capacity = instance_capacity_rps(p);
    let a = &mut p.autoscale;
    let valid = a.target.is_finite() && a.target > 0.0;
    a.target = match (metric, capacity) {
        (ScaleMetric::Rps, Some(cap)) if valid && a.target <= 1.0 => {
            (a.target * cap).round().max(1.0)
        }
        (ScaleMetric::Rps, _) => DEFAULT_RPS_TARGET,
        (ScaleMetric::Cpu, Some(cap)) if valid => {
            ((a.target / cap).clamp(0.05, 1.0) * 100.0).round() / 100.0
        }
        (ScaleMetric::Cpu, _) => Autoscale::default().target,
    };
    a.metric = metric;
}

/// Seconds between a new scheduled change and the one before it.
pub const SCHEDULE_STEP_S: f64 = 60.0;

/// Appends a scheduled change a minute after the last one, with the current bounds.
pub fn add_schedule_row(a: &mut Autoscale) {
    let at_s = a
        .schedule
        .iter()
        .map(|r| r.at_s)
        .filter(|t| t.is_finite())
        .fold(0.0, f64::max)
        + SCHEDULE_STEP_S;
    a.schedule.push(ScheduledScaling {
        at_s,
        min: a.min,
        max: a.max,
    });
}

/// Removes scheduled change `i`; `false` if there is none.
pub fn remove_schedule_row(a: &mut Autoscale, i: usize) -> bool {
    if i < a.schedule.len() {
        a.schedule.remove(i);
        true
    } else {
        false
    }
}

/// The fewest and the most instances the autoscaler may run, over its bounds and every
/// scheduled change (each at least 1, as in the engine).
pub fn autoscale_range(a: &Autoscale) -> (u32, u32) {
    let (lo, hi) = std::iter::once((a.min, a.max))
        .chain(a.schedule.iter().map(|r| (r.min, r.max)))
        .fold((u32::MAX, 0), |(lo, hi), (min, max)| {
            (lo.min(min.max(1)), hi.max(max.max(1)))
        });
    (lo, hi.max(lo))
}

/// How the group's hourly cost is made up, as the help line under it: price × size ×
/// instances, or with reserved instances, the reserved ones at their discount plus the rest on
/// demand.
pub fn group_cost_text(lang: Lang, p: &ServerParams) -> String {
    if p.reserved_instances == 0 {
        return fill(
            tr(lang, "{} × {} ({}) × {} instances"),
            &[
                &fmt_money(p.cost_per_hour),
                &fmt_num(p.size.cost_multiplier()),
                &crate::i18n::size_name(lang, p.size),
                &p.instances,
            ],
        );
    }
    fill(
        tr(lang, "{} reserved ({} off) + {} on demand, at {} each"),
        &[
            &p.reserved_instances,
            &fmt_pct(p.reserved_discount),
            &p.instances.saturating_sub(p.reserved_instances),
            &fmt_money(p.cost_per_hour * p.size.cost_multiplier()),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// A number as the user would type it: `100`, `0.05`, `50000`.
pub fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        // Also turns -0 into 0.
        "0".to_owned()
    } else {
        format!("{v}")
    }
}

/// Money per hour, with enough decimals to be non-zero for tiny prices.
pub fn fmt_money(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("${v:.4}")
    } else {
        format!("${v:.2}")
    }
}

/// A random seed below 2^53, so that JavaScript tooling reads it exactly, and different from
/// `current`. Uses `Math.random()` in the browser; natively (tests) a fixed mix of `current`.
pub fn new_seed(current: u64) -> u64 {
    let (a, b) = random_pair(current);
    seed_from(a, b, current)
}

#[cfg(target_arch = "wasm32")]
fn random_pair(_current: u64) -> (f64, f64) {
    (js_sys::Math::random(), js_sys::Math::random())
}

#[cfg(not(target_arch = "wasm32"))]
fn random_pair(current: u64) -> (f64, f64) {
    // SplitMix64 steps: deterministic, no JavaScript needed.
    let mut x = current;
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / 2f64.powi(64)
    };
    (next(), next())
}

/// Builds a seed from two uniform numbers in [0, 1): 21 high bits and 32 low bits.
fn seed_from(a: f64, b: f64, current: u64) -> u64 {
    let hi = ((a * 2f64.powi(21)) as u64) & ((1 << 21) - 1);
    let lo = ((b * 2f64.powi(32)) as u64) & 0xFFFF_FFFF;
    let seed = (hi << 32) | lo;
    if seed == current {
        (seed + 1) & ((1 << 53) - 1)
    } else {
        seed
    }
}

/// `s` with its first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::diagram::{ClientParams, NodeSpec, ServerParams};

    /// users → api, a valid diagram.
    fn doc() -> Diagram {
        let mut d = Diagram::default();
        d.nodes.push(Node::new(
            "users",
            NodeSpec::Client(ClientParams::default()),
        ));
        d.nodes
            .push(Node::new("api", NodeSpec::Server(ServerParams::default())));
        d.edges.push(Edge::new("", "users", "api"));
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        d
    }

    fn client(d: &Diagram, f: impl FnOnce(&mut ClientParams)) -> Candidate {
        let mut n = d.node("users").unwrap().clone();
        let NodeSpec::Client(p) = &mut n.spec else {
            unreachable!()
        };
        f(p);
        Candidate::Node(n)
    }

    fn server(d: &Diagram, f: impl FnOnce(&mut ServerParams)) -> Candidate {
        let mut n = d.node("api").unwrap().clone();
        let NodeSpec::Server(p) = &mut n.spec else {
            unreachable!()
        };
        f(p);
        Candidate::Node(n)
    }

    #[test]
    fn a_negative_rate_is_refused_with_the_engines_message() {
        let d = doc();
        let c = client(&d, |p| p.rate_rps = -5.0);
        assert_eq!(
            check_field(&d, &c, "params.rate_rps"),
            Err("must not be negative (got -5)".to_owned())
        );
        let refused = vet(&d, c, "params.rate_rps").unwrap_err();
        assert!(matches!(refused, FieldError::Engine(_)));
        assert_eq!(refused.text(Lang::En), "Must not be negative (got -5)");
        assert_eq!(refused.text(Lang::Ko), "음수일 수 없습니다 (입력값 -5)");
    }

    #[test]
    fn zero_instances_are_refused_as_zero_capacity() {
        let d = doc();
        let c = server(&d, |p| p.instances = 0);
        let err = check_field(&d, &c, "params.instances").unwrap_err();
        assert!(err.contains("zero capacity"), "{err}");
        assert_eq!(err, "must be at least 1: zero capacity (got 0)");
        // Too many instances: the engine's upper bound.
        let c = server(&d, |p| p.instances = 5_000);
        assert_eq!(
            check_field(&d, &c, "params.instances"),
            Err("must be at most 1000 (got 5000)".to_owned())
        );
    }

    #[test]
    fn garbage_nan_and_infinite_text_is_not_a_number() {
        for text in [
            "abc",
            "",
            "  ",
            "NaN",
            "nan",
            "inf",
            "-infinity",
            "1.2.3",
            "12ms",
        ] {
            assert_eq!(parse_float(text), Err(FieldError::NotANumber), "{text:?}");
            assert_eq!(
                parse_whole(text, 100),
                Err(FieldError::NotANumber),
                "{text:?}"
            );
        }
        assert_eq!(parse_float(" 2.5 "), Ok(2.5));
        assert_eq!(parse_float("1_000"), Ok(1000.0));
        assert_eq!(parse_float("-3"), Ok(-3.0));
        assert_eq!(parse_float("1e3"), Ok(1000.0));
    }

    #[test]
    fn counts_must_be_whole_non_negative_and_fit() {
        assert_eq!(parse_whole("8", 100), Ok(8));
        assert_eq!(parse_whole("+8", 100), Ok(8));
        assert_eq!(parse_whole("8.0", 100), Ok(8));
        assert_eq!(parse_whole("1e2", 100), Ok(100));
        assert_eq!(parse_whole("2.5", 100), Err(FieldError::NotWhole));
        assert_eq!(parse_whole("-1", 100), Err(FieldError::Negative));
        assert_eq!(parse_whole("101", 100), Err(FieldError::TooLarge(100)));
        assert_eq!(
            parse_whole("99999999999999999999999", u64::MAX),
            Err(FieldError::TooLarge(u64::MAX))
        );
        assert_eq!(parse_whole(&u64::MAX.to_string(), u64::MAX), Ok(u64::MAX));
    }

    #[test]
    fn a_valid_change_passes_and_an_unchanged_one_emits_nothing() {
        let d = doc();
        let c = client(&d, |p| p.rate_rps = 250.0);
        assert_eq!(check_field(&d, &c, "params.rate_rps"), Ok(()));
        assert_eq!(vet(&d, c.clone(), "params.rate_rps"), Ok(Some(c)));
        let same = client(&d, |p| p.rate_rps = 100.0);
        assert_eq!(vet(&d, same, "params.rate_rps"), Ok(None));
        let c = server(&d, |p| p.instances = 12);
        assert_eq!(check_field(&d, &c, "params.instances"), Ok(()));
    }

    #[test]
    fn topology_problems_are_not_a_fields_business() {
        // A lone client is "not connected to anything": that is no reason to refuse its rate.
        let mut d = Diagram::default();
        d.nodes.push(Node::new(
            "users",
            NodeSpec::Client(ClientParams::default()),
        ));
        assert!(!d.errors().is_empty());
        let c = client(&d, |p| p.rate_rps = 5.0);
        assert_eq!(check_field(&d, &c, "params.rate_rps"), Ok(()));
    }

    #[test]
    fn an_error_the_change_causes_on_a_sibling_field_refuses_it() {
        let d = doc();
        // The run becomes shorter than the 5 s warm-up: reported on warmup_s.
        let w = Workload {
            duration_s: 3.0,
            ..d.workload.clone()
        };
        let err = check_field(&d, &Candidate::Workload(w), "duration_s").unwrap_err();
        assert!(
            err.starts_with("warmup_s: must be shorter than the run"),
            "{err}"
        );
        let w = Workload {
            traffic_scale: -1.0,
            ..d.workload.clone()
        };
        assert_eq!(
            check_field(&d, &Candidate::Workload(w), "traffic_scale"),
            Err("must not be negative (got -1)".to_owned())
        );
        // A ramp whose start moves past its end.
        let c = client(&d, |p| {
            p.profile = Profile::Ramp {
                start_s: 90.0,
                end_s: 60.0,
                to_factor: 4.0,
            }
        });
        let err = check_field(&d, &c, "params.profile.ramp.start_s").unwrap_err();
        assert!(
            err.starts_with("params.profile.ramp.end_s: must be after"),
            "{err}"
        );
    }

    #[test]
    fn edges_are_checked_by_their_name() {
        let d = doc();
        let mut e = d.edges[0].clone();
        e.latency_ms = -1.0;
        let c = Candidate::Edge {
            old_name: "users→api".into(),
            edge: e.clone(),
        };
        assert_eq!(
            check_field(&d, &c, "latency_ms"),
            Err("must not be negative (got -1)".to_owned())
        );
        assert_eq!(
            check_field(&d, &c, "jitter_ms"),
            Err("latency_ms: must not be negative (got -1)".to_owned())
        );
        e.latency_ms = 20.0;
        let c = Candidate::Edge {
            old_name: "users→api".into(),
            edge: e,
        };
        assert_eq!(check_field(&d, &c, "latency_ms"), Ok(()));
        let gone = Candidate::Edge {
            old_name: "nope".into(),
            edge: d.edges[0].clone(),
        };
        assert_eq!(check_field(&d, &gone, "latency_ms"), Err(GONE.to_owned()));
    }

    #[test]
    fn choosing_a_profile_builds_that_variant_with_its_defaults() {
        assert_eq!(profile_default("constant"), Some(Profile::Constant));
        assert_eq!(
            profile_default("spike"),
            Some(Profile::Spike {
                at_s: 30.0,
                duration_s: 10.0,
                factor: 5.0
            })
        );
        assert!(matches!(
            profile_default("step"),
            Some(Profile::Step { .. })
        ));
        assert!(matches!(
            profile_default("ramp"),
            Some(Profile::Ramp { .. })
        ));
        assert!(matches!(
            profile_default("diurnal"),
            Some(Profile::Diurnal { .. })
        ));
        assert_eq!(profile_default("sawtooth"), None);
        let d = doc();
        for slug in PROFILE_SLUGS {
            let p = profile_default(slug).unwrap();
            assert_eq!(profile_slug(&p), slug);
            let c = client(&d, |c| c.profile = p.clone());
            // Every default is valid.
            assert_eq!(check_field(&d, &c, "params.profile"), Ok(()), "{slug}");
            // Every listed field can be set, and a spike's factor is refused when negative.
            for (name, value) in profile_fields(&p) {
                let mut q = p.clone();
                assert!(
                    set_profile_field(&mut q, name, value + 1.0),
                    "{slug}.{name}"
                );
                assert_ne!(q, p);
            }
            assert!(!set_profile_field(&mut p.clone(), "nonsense", 1.0));
        }
        let c = client(&d, |c| {
            c.profile = profile_default("spike").unwrap();
            set_profile_field(&mut c.profile, "factor", -2.0);
        });
        assert_eq!(
            check_field(&d, &c, "params.profile.spike.factor"),
            Err("must not be negative (got -2)".to_owned())
        );
    }

    /// The refusal of changing `field` to `candidate`, in Korean.
    fn korean(doc: &Diagram, candidate: &Candidate, field: &str) -> String {
        refusal(doc, candidate, field).unwrap_err().text(Lang::Ko)
    }

    #[test]
    fn engine_messages_read_well_in_both_languages() {
        let d = doc();
        let c = server(&d, |p| p.instances = 0);
        let r = refusal(&d, &c, "params.instances").unwrap_err();
        assert_eq!(
            r.text(Lang::En),
            "Must be at least 1: zero capacity (got 0)"
        );
        let ko = r.text(Lang::Ko);
        assert!(ko.contains('1') && ko.contains('0'), "{ko}");
        assert!(!ko.contains("zero capacity"), "{ko}");
        let c = server(&d, |p| p.instances = 5000);
        let ko = korean(&d, &c, "params.instances");
        assert!(
            ko.contains("1000") && ko.contains("5000") && !ko.contains("must"),
            "{ko}"
        );
        let mut w = d.workload.clone();
        w.duration_s = 3.0;
        let c = Candidate::Workload(w);
        let r = refusal(&d, &c, "duration_s").unwrap_err();
        assert_eq!(
            r.english(),
            "warmup_s: must be shorter than the run (duration_s = 3), or nothing is measured"
        );
        assert_eq!(
            r.text(Lang::En),
            "warmup_s: must be shorter than the run (duration_s = 3), or nothing is measured"
        );
        let ko = r.text(Lang::Ko);
        assert!(
            ko.starts_with(&format!("{}: ", tr(Lang::Ko, "Warm-up"))) && ko.contains('3'),
            "{ko}"
        );
        assert!(!ko.contains("must") && !ko.contains("warmup_s"), "{ko}");
        // A component deleted meanwhile.
        assert_eq!(
            Refusal::Gone.text(Lang::En),
            "This component no longer exists"
        );
        assert_eq!(Refusal::Gone.text(Lang::Ko), tr(Lang::Ko, GONE));
    }

    #[test]
    fn field_errors_have_text() {
        assert_eq!(FieldError::NotANumber.text(Lang::En), "Enter a number");
        assert_eq!(
            FieldError::TooLarge(20).text(Lang::En),
            "Must be at most 20"
        );
        assert_ne!(FieldError::NotWhole.text(Lang::Ko), "Enter a whole number");
    }

    #[test]
    fn numbers_and_money_format_as_typed() {
        assert_eq!(fmt_num(100.0), "100");
        assert_eq!(fmt_num(0.05), "0.05");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(fmt_num(50_000.0), "50000");
        assert_eq!(fmt_money(0.1), "$0.10");
        assert_eq!(fmt_money(0.004), "$0.0040");
        assert_eq!(fmt_money(0.0), "$0.00");
    }

    #[test]
    fn new_seeds_are_fresh_and_exact_in_javascript() {
        let mut seen = BTreeSet::new();
        let mut s = 1;
        for _ in 0..100 {
            let next = new_seed(s);
            assert_ne!(next, s);
            assert!(next < 1 << 53);
            seen.insert(next);
            s = next;
        }
        assert!(seen.len() > 95);
        assert_eq!(seed_from(0.0, 0.0, 0), 1);
        assert_eq!(seed_from(0.999_999_999, 0.999_999_999, 7) >> 53, 0);
    }

    // -----------------------------------------------------------------------------------------
    // Data tier

    use scaleboard_sim::diagram::{CacheParams, DatabaseParams, ShardRouterParams};

    /// users → api → cache → db, and users → router → shard-1…shard-4: a valid diagram.
    fn data_doc() -> Diagram {
        let mut d = doc();
        d.nodes
            .push(Node::new("cache", NodeSpec::Cache(CacheParams::default())));
        d.nodes.push(Node::new(
            "db",
            NodeSpec::Database(DatabaseParams::default()),
        ));
        d.edges.push(Edge::new("", "api", "cache"));
        d.edges.push(Edge::new("", "cache", "db"));
        d.nodes.push(Node::new(
            "router",
            NodeSpec::ShardRouter(ShardRouterParams::default()),
        ));
        d.edges.push(Edge::new("", "users", "router"));
        for i in 1..=4 {
            let id = format!("shard-{i}");
            d.nodes.push(Node::new(
                id.clone(),
                NodeSpec::Database(DatabaseParams::default()),
            ));
            d.edges.push(Edge::new("", "router", &id));
        }
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        d
    }

    fn database(d: &Diagram, f: impl FnOnce(&mut DatabaseParams)) -> Candidate {
        let mut n = d.node("db").unwrap().clone();
        let NodeSpec::Database(p) = &mut n.spec else {
            unreachable!()
        };
        f(p);
        Candidate::Node(n)
    }

    fn cache(d: &Diagram, f: impl FnOnce(&mut CacheParams)) -> Candidate {
        let mut n = d.node("cache").unwrap().clone();
        let NodeSpec::Cache(p) = &mut n.spec else {
            unreachable!()
        };
        f(p);
        Candidate::Node(n)
    }

    #[test]
    fn more_than_16_replicas_are_refused_with_the_engines_message() {
        let d = data_doc();
        let c = database(&d, |p| p.replicas = 17);
        assert_eq!(
            check_field(&d, &c, "params.replicas"),
            Err("must be at most 16 (got 17)".to_owned())
        );
        let c = database(&d, |p| p.replicas = 16);
        assert_eq!(check_field(&d, &c, "params.replicas"), Ok(()));
        // No primary: nothing takes writes.
        let c = database(&d, |p| p.primaries = 0);
        assert_eq!(
            check_field(&d, &c, "params.primaries"),
            Err("must be at least 1: something must take writes (got 0)".to_owned())
        );
        let c = database(&d, |p| p.primaries = 9);
        assert_eq!(
            check_field(&d, &c, "params.primaries"),
            Err("must be at most 8 (got 9)".to_owned())
        );
        let c = database(&d, |p| p.apply_rate = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.apply_rate"),
            Err("must be greater than 0 (got 0)".to_owned())
        );
        let c = database(&d, |p| p.connections = 0);
        assert_eq!(
            check_field(&d, &c, "params.connections"),
            Err("must be at least 1: zero capacity (got 0)".to_owned())
        );
    }

    #[test]
    fn synchronous_replication_is_refused_with_two_primaries() {
        const SYNC_MSG: &str = "synchronous replication needs a single primary (multi-primary replicates asynchronously)";
        let d = data_doc();
        // Choosing sync while there are two primaries.
        let c = database(&d, |p| {
            p.primaries = 2;
            p.replication = Replication::Sync;
        });
        assert_eq!(
            check_field(&d, &c, "params.replication"),
            Err(SYNC_MSG.to_owned())
        );
        // Adding a second primary to a synchronous database: refused on the primaries field,
        // naming the replication field that became wrong.
        let mut sync = d.clone();
        let Candidate::Node(n) = database(&d, |p| p.replication = Replication::Sync) else {
            unreachable!()
        };
        *sync.node_mut("db").unwrap() = n;
        assert!(sync.errors().is_empty());
        let c = database(&sync, |p| p.primaries = 2);
        let err = check_field(&sync, &c, "params.primaries").unwrap_err();
        assert_eq!(err, format!("params.replication: {SYNC_MSG}"));
        // In Korean, naming the other field as the inspector does.
        let ko = korean(&sync, &c, "params.primaries");
        assert!(ko.starts_with("복제: "), "{ko}");
        assert!(!ko.contains("synchronous"), "{ko}");
        // Sync with a single primary and replicas is fine.
        let c = database(&d, |p| {
            p.replicas = 3;
            p.replication = Replication::Sync;
        });
        assert_eq!(check_field(&d, &c, "params.replication"), Ok(()));
    }

    #[test]
    fn an_empty_cache_is_refused() {
        let d = data_doc();
        let c = cache(&d, |p| p.capacity_keys = 0);
        assert_eq!(
            check_field(&d, &c, "params.capacity_keys"),
            Err("must be at least 1: a cache must hold something (got 0)".to_owned())
        );
        assert_eq!(
            vet(&d, c, "params.capacity_keys").map_err(|e| e.text(Lang::En)),
            Err("Must be at least 1: a cache must hold something (got 0)".to_owned())
        );
        let c = cache(&d, |p| p.capacity_keys = 20_000_000);
        assert_eq!(
            check_field(&d, &c, "params.capacity_keys"),
            Err("must be at most 10000000 (got 20000000)".to_owned())
        );
        let c = cache(&d, |p| p.ttl_ms = -1.0);
        assert_eq!(
            check_field(&d, &c, "params.ttl_ms"),
            Err("must not be negative (got -1)".to_owned())
        );
        // TTL 0 = never expires; a new write policy is fine.
        let c = cache(&d, |p| {
            p.ttl_ms = 0.0;
            p.write_policy = WritePolicy::TtlOnly;
        });
        assert_eq!(check_field(&d, &c, "params.ttl_ms"), Ok(()));
        let c = cache(&d, |p| p.capacity_rps = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.capacity_rps"),
            Err("must be greater than 0 (got 0)".to_owned())
        );
    }

    #[test]
    fn l1_capacity_zero_is_off_and_too_many_keys_are_refused() {
        let d = data_doc();
        let c = server(&d, |p| p.l1.capacity_keys = 0);
        assert_eq!(vet(&d, c, "params.l1.capacity_keys"), Ok(None));
        let c = server(&d, |p| p.l1.capacity_keys = 500);
        assert_eq!(check_field(&d, &c, "params.l1.capacity_keys"), Ok(()));
        let c = server(&d, |p| p.l1.capacity_keys = 10_000_001);
        assert_eq!(
            check_field(&d, &c, "params.l1.capacity_keys"),
            Err("must be at most 10000000 (got 10000001)".to_owned())
        );
        let c = server(&d, |p| {
            p.l1.capacity_keys = 500;
            p.l1.ttl_ms = -5.0;
        });
        assert_eq!(
            check_field(&d, &c, "params.l1.ttl_ms"),
            Err("must not be negative (got -5)".to_owned())
        );
    }

    #[test]
    fn choices_are_named_as_in_diagram_files() {
        fn check<E: Copy + PartialEq + std::fmt::Debug + serde::Serialize>(choices: &Choices<E>) {
            for &(v, slug) in choices {
                assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{slug}\""));
                assert_eq!(slug_of(choices, v), slug);
                assert_eq!(from_slug(choices, slug), Some(v));
            }
            assert_eq!(from_slug(choices, "nonsense"), None);
        }
        check(&WRITE_POLICIES);
        check(&REPLICATIONS);
        check(&READ_FROMS);
        check(&SHARD_STRATEGIES);
        check(&SCALE_METRICS);
        check(&EVICTIONS);
        check(&CACHE_HASHINGS);
        assert_eq!(
            from_slug(&SHARD_STRATEGIES, "consistent_hash"),
            Some(ShardStrategy::ConsistentHash)
        );
        assert_eq!(size_from_slug("xlarge"), Some(InstanceSize::Xlarge));
        assert_eq!(size_from_slug("huge"), None);
    }

    #[test]
    fn router_shards_are_its_edges_and_key_space_the_largest_clients() {
        let mut d = data_doc();
        assert_eq!(shard_count(&d, "router"), 4);
        assert_eq!(shard_count(&d, "cache"), 1);
        assert_eq!(shard_count(&d, "shard-1"), 0);
        assert_eq!(largest_key_space(&d), 10_000);
        d.nodes.push(Node::new(
            "more",
            NodeSpec::Client(ClientParams {
                key_space: 50_000,
                ..ClientParams::default()
            }),
        ));
        assert_eq!(largest_key_space(&d), 50_000);
        assert_eq!(largest_key_space(&Diagram::default()), DEFAULT_KEY_SPACE);
    }

    #[test]
    fn adding_a_fifth_shard_moves_about_a_fifth_of_the_keys_with_a_ring() {
        let moved = keys_moved(4, 100, 10_000).unwrap();
        let share = |s| moved.iter().find(|(x, _)| *x == s).unwrap().1;
        let ring = share(ShardStrategy::ConsistentHash);
        assert!((0.12..=0.28).contains(&ring), "consistent hashing {ring}");
        assert!(share(ShardStrategy::HashMod) > 0.7, "{moved:?}");
        let text = keys_moved_text(Lang::En, 4, 100, 10_000);
        assert!(
            text.starts_with("Adding shard 5 would move: hash mod N "),
            "{text}"
        );
        assert!(text.contains(", ranges "), "{text}");
        // The ring's percentage as shown: about 20%.
        let pct: u32 = text
            .split("consistent hashing ")
            .nth(1)
            .and_then(|rest| rest.split('%').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no percentage in {text:?}"));
        assert!((12..=28).contains(&pct), "{text}");
        assert_eq!(fmt_pct(ring), format!("{pct}%"));
        // Parts joined read as the whole sentence, and each names its strategy.
        let (lead, items) = keys_moved_parts(Lang::En, 4, &moved);
        assert_eq!(lead, "Adding shard 5 would move:");
        assert_eq!(items[1].0, ShardStrategy::ConsistentHash);
        assert!(items[1].1.starts_with("consistent hashing "));
        // No shards yet: what to do.
        assert_eq!(keys_moved(0, 100, 10_000), None);
        assert_eq!(
            keys_moved_text(Lang::En, 0, 100, 10_000),
            "Connect this router to its shards first."
        );
        let ko = keys_moved_text(Lang::Ko, 4, 100, 10_000);
        assert!(
            ko.contains("5") && ko.contains(tr(Lang::Ko, "consistent hashing")),
            "{ko}"
        );
        assert!(!ko.contains("would move"), "{ko}");
    }

    #[test]
    fn shares_format_as_whole_percentages() {
        assert_eq!(fmt_pct(0.8), "80%");
        assert_eq!(fmt_pct(0.213), "21%");
        assert_eq!(fmt_pct(0.0), "0%");
        assert_eq!(fmt_pct(0.001), "<1%");
        assert_eq!(fmt_pct(1.0), "100%");
    }

    // -----------------------------------------------------------------------------------------
    // Resilience

    use scaleboard_sim::diagram::{ChaosAction, ChaosEvent, LoadBalancerParams, MAX_INSTANCES};

    #[test]
    fn zone_lists_are_trimmed_without_empties() {
        assert_eq!(
            parse_zones(" zone-a ,zone-b"),
            Ok(vec!["zone-a".to_owned(), "zone-b".to_owned()])
        );
        // Empty entries (a trailing comma, two commas) are dropped; nothing at all is no zones.
        assert_eq!(
            parse_zones("a, , b,"),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(parse_zones(""), Ok(vec![]));
        assert_eq!(parse_zones(" , ,"), Ok(vec![]));
        // Spaces inside a name are kept.
        assert_eq!(parse_zones("us east 1"), Ok(vec!["us east 1".to_owned()]));
        // The same name twice weighs the placement; case matters.
        assert_eq!(
            parse_zones("a, b, b "),
            Ok(vec!["a".to_owned(), "b".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            parse_zones("a, A"),
            Ok(vec!["a".to_owned(), "A".to_owned()])
        );
        // Shown as typed, and read back unchanged.
        let zones = vec!["zone-a".to_owned(), "zone-b".to_owned()];
        assert_eq!(fmt_zones(&zones), "zone-a, zone-b");
        assert_eq!(parse_zones(&fmt_zones(&zones)), Ok(zones));
        assert_eq!(fmt_zones(&[]), "");
        // One zone: trimmed, empty = none, no commas.
        assert_eq!(parse_zone("  zone-a "), Ok("zone-a".to_owned()));
        assert_eq!(parse_zone("   "), Ok(String::new()));
        assert_eq!(parse_zone("a,b"), Err(FieldError::ZoneComma));
        // The message, in both languages.
        assert_ne!(
            FieldError::ZoneComma.text(Lang::Ko),
            FieldError::ZoneComma.text(Lang::En)
        );
    }

    #[test]
    fn positive_numbers_refuse_zero_and_negatives() {
        assert_eq!(parse_positive(" 2_000 "), Ok(2_000.0));
        assert_eq!(parse_positive("0.5"), Ok(0.5));
        assert_eq!(parse_positive("0"), Err(FieldError::NotPositive));
        assert_eq!(parse_positive("-3"), Err(FieldError::NotPositive));
        assert_eq!(parse_positive("soon"), Err(FieldError::NotANumber));
        assert_eq!(
            FieldError::NotPositive.text(Lang::En),
            "Must be greater than 0"
        );
        assert_ne!(
            FieldError::NotPositive.text(Lang::Ko),
            "Must be greater than 0"
        );
    }

    /// users → lb → api → db, a valid diagram.
    fn resilient_doc() -> Diagram {
        let mut d = doc();
        d.edges.clear();
        d.nodes.push(Node::new(
            "lb",
            NodeSpec::LoadBalancer(LoadBalancerParams::default()),
        ));
        d.nodes.push(Node::new(
            "db",
            NodeSpec::Database(DatabaseParams::default()),
        ));
        d.edges.push(Edge::new("", "users", "lb"));
        d.edges.push(Edge::new("", "lb", "api"));
        d.edges.push(Edge::new("", "api", "db"));
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        d
    }

    fn balancer(d: &Diagram, f: impl FnOnce(&mut LoadBalancerParams)) -> Candidate {
        let mut n = d.node("lb").unwrap().clone();
        let NodeSpec::LoadBalancer(p) = &mut n.spec else {
            unreachable!()
        };
        f(p);
        Candidate::Node(n)
    }

    #[test]
    fn health_checks_standby_and_failover_use_the_engines_rules() {
        let d = resilient_doc();
        let c = balancer(&d, |p| p.health_check.interval_ms = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.health_check.interval_ms"),
            Err("must be greater than 0 (got 0)".to_owned())
        );
        let c = balancer(&d, |p| p.health_check.timeout_ms = -1.0);
        assert_eq!(
            check_field(&d, &c, "params.health_check.timeout_ms"),
            Err("must not be negative (got -1)".to_owned())
        );
        let c = balancer(&d, |p| p.health_check.timeout_ms = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.health_check.timeout_ms"),
            Ok(())
        );
        let c = balancer(&d, |p| p.health_check.unhealthy_threshold = 0);
        let err = check_field(&d, &c, "params.health_check.unhealthy_threshold").unwrap_err();
        assert_eq!(
            err,
            "must be at least 1: a backend must fail a probe to be removed (got 0)"
        );
        let ko = korean(&d, &c, "params.health_check.unhealthy_threshold");
        assert!(!ko.contains("probe") && ko.contains('1'), "{ko}");
        let c = balancer(&d, |p| p.health_check.healthy_threshold = 0);
        assert!(check_field(&d, &c, "params.health_check.healthy_threshold").is_err());
        let c = balancer(&d, |p| {
            p.health_check.enabled = true;
            p.standby_failover_ms = 2_000.0;
        });
        assert_eq!(check_field(&d, &c, "params.health_check.enabled"), Ok(()));
        let c = balancer(&d, |p| p.standby_failover_ms = -5.0);
        assert_eq!(
            check_field(&d, &c, "params.standby_failover_ms"),
            Err("must not be negative (got -5)".to_owned())
        );
        let c = database(&d, |p| {
            p.failover = true;
            p.failover_detect_ms = -1.0;
        });
        assert_eq!(
            check_field(&d, &c, "params.failover_detect_ms"),
            Err("must not be negative (got -1)".to_owned())
        );
        let c = database(&d, |p| {
            p.failover = true;
            p.replicas = 1;
            p.failover_promote_ms = 0.0;
            p.zones = vec!["a".into(), "b".into()];
        });
        assert_eq!(check_field(&d, &c, "params.failover"), Ok(()));
    }

    #[test]
    fn autoscaler_bounds_are_refused_before_they_reach_the_engine() {
        let d = doc();
        let on = |p: &mut ServerParams| p.autoscale.enabled = true;
        // A valid autoscaler.
        let c = server(&d, |p| {
            on(p);
            p.autoscale.min = 2;
            p.autoscale.max = 12;
        });
        assert_eq!(check_field(&d, &c, "params.autoscale.enabled"), Ok(()));
        // Minimum above maximum: refused on whichever field was edited.
        let c = server(&d, |p| p.autoscale.min = 11);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.min"),
            Err("must not exceed the maximum (10) (got 11)".to_owned())
        );
        let c = server(&d, |p| p.autoscale.max = 0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.max"),
            Err("must not be below the minimum (1) (got 0)".to_owned())
        );
        let c = server(&d, |p| p.autoscale.min = 0);
        let err = check_field(&d, &c, "params.autoscale.min").unwrap_err();
        assert_eq!(
            err,
            "must be at least 1: an autoscaled group keeps at least one instance (got 0)"
        );
        assert!(!korean(&d, &c, "params.autoscale.min").contains("autoscaled"));
        let c = server(&d, |p| p.autoscale.max = MAX_INSTANCES + 1);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.max"),
            Err("must be at most 1000 (got 1001)".to_owned())
        );
        // Targets: CPU is a fraction, requests per second any positive number.
        let c = server(&d, |p| p.autoscale.target = 60.0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.target"),
            Err("must be between 0 and 1 (got 60)".to_owned())
        );
        let c = server(&d, |p| {
            p.autoscale.metric = ScaleMetric::Rps;
            p.autoscale.target = 60.0;
        });
        assert_eq!(check_field(&d, &c, "params.autoscale.target"), Ok(()));
        let c = server(&d, |p| p.autoscale.target = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.target"),
            Err("must be greater than 0 (got 0)".to_owned())
        );
        // Timings.
        let c = server(&d, |p| p.autoscale.interval_s = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.interval_s"),
            Err("must be greater than 0 (got 0)".to_owned())
        );
        let c = server(&d, |p| p.autoscale.stabilization_s = 0.0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.stabilization_s"),
            Ok(())
        );
        let c = server(&d, |p| p.autoscale.boot_s = -1.0);
        assert_eq!(
            check_field(&d, &c, "params.autoscale.boot_s"),
            Err("must not be negative (got -1)".to_owned())
        );
        // Bounds that were already wrong (a hand-edited file) do not block other fields...
        let mut bad = d.clone();
        let Candidate::Node(n) = server(&d, |p| {
            p.autoscale.min = 5;
            p.autoscale.max = 3;
        }) else {
            unreachable!()
        };
        *bad.node_mut("api").unwrap() = n;
        let c = server(&bad, on);
        assert_eq!(check_field(&bad, &c, "params.autoscale.enabled"), Ok(()));
        // ...but editing them must put them right.
        assert!(check_field(
            &bad,
            &server(&bad, |p| p.autoscale.max = 4),
            "params.autoscale.max"
        )
        .is_err());
    }

    #[test]
    fn scheduled_changes_are_checked_row_by_row() {
        let d = doc();
        let c = server(&d, |p| {
            add_schedule_row(&mut p.autoscale);
            add_schedule_row(&mut p.autoscale);
        });
        assert_eq!(check_field(&d, &c, "params.autoscale.schedule"), Ok(()));
        let Candidate::Node(n) = &c else {
            unreachable!()
        };
        let NodeSpec::Server(p) = &n.spec else {
            unreachable!()
        };
        // A minute apart, with the current bounds.
        assert_eq!(
            p.autoscale.schedule,
            vec![
                ScheduledScaling {
                    at_s: 60.0,
                    min: 1,
                    max: 10
                },
                ScheduledScaling {
                    at_s: 120.0,
                    min: 1,
                    max: 10
                },
            ]
        );
        let mut two = d.clone();
        *two.node_mut("api").unwrap() = n.clone();
        let c = server(&two, |p| p.autoscale.schedule[1].min = 20);
        let err = check_field(&two, &c, "params.autoscale.schedule[1].min").unwrap_err();
        assert_eq!(err, "must not exceed the maximum (10) (got 20)");
        let c = server(&two, |p| p.autoscale.schedule[0].at_s = -1.0);
        assert_eq!(
            check_field(&two, &c, "params.autoscale.schedule[0].at_s"),
            Err("must not be negative (got -1)".to_owned())
        );
        // A row made wrong by another field is named, and the name survives translation.
        let c = server(&two, |p| p.autoscale.schedule[1].max = 0);
        let err = check_field(&two, &c, "params.autoscale.schedule").unwrap_err();
        assert!(err.starts_with("params.autoscale.schedule[1]."), "{err}");
        let ko = korean(&two, &c, "params.autoscale.schedule");
        assert!(ko.starts_with("예약 변경 2 "), "{ko}");
        assert!(!ko.contains("must") && !ko.contains("schedule"), "{ko}");
        // Removing.
        let mut a = p.autoscale.clone();
        assert!(remove_schedule_row(&mut a, 0));
        assert_eq!(a.schedule.len(), 1);
        assert_eq!(a.schedule[0].at_s, 120.0);
        assert!(!remove_schedule_row(&mut a, 5));
        // The next one added comes a minute after the latest, wherever it is listed.
        a.schedule.insert(
            0,
            ScheduledScaling {
                at_s: 600.0,
                min: 4,
                max: 8,
            },
        );
        add_schedule_row(&mut a);
        assert_eq!(a.schedule[2].at_s, 660.0);
    }

    #[test]
    fn switching_the_metric_keeps_about_the_same_load() {
        let mut p = ServerParams::default();
        // Medium (1.9×), 8 workers, 20 ms: one instance serves 760 req/s at full CPU.
        p.autoscale.target = 0.6;
        set_metric(&mut p, ScaleMetric::Rps);
        assert_eq!(p.autoscale.metric, ScaleMetric::Rps);
        assert_eq!(p.autoscale.target, 456.0);
        set_metric(&mut p, ScaleMetric::Rps);
        assert_eq!(
            p.autoscale.target, 456.0,
            "the same metric again changes nothing"
        );
        set_metric(&mut p, ScaleMetric::Cpu);
        assert_eq!(p.autoscale.metric, ScaleMetric::Cpu);
        assert_eq!(p.autoscale.target, 0.6);
        // A request rate beyond what an instance can do is capped at full CPU.
        p.autoscale.metric = ScaleMetric::Rps;
        p.autoscale.target = 5_000.0;
        set_metric(&mut p, ScaleMetric::Cpu);
        assert_eq!(p.autoscale.target, 1.0);
        // Nothing to convert with: the defaults.
        p.service.mean_ms = 0.0;
        set_metric(&mut p, ScaleMetric::Rps);
        assert_eq!(p.autoscale.target, DEFAULT_RPS_TARGET);
        set_metric(&mut p, ScaleMetric::Cpu);
        assert_eq!(p.autoscale.target, Autoscale::default().target);
        // Every converted target is one the inspector accepts.
        let d = doc();
        for metric in [ScaleMetric::Rps, ScaleMetric::Cpu] {
            let c = server(&d, |p| set_metric(p, metric));
            assert_eq!(check_field(&d, &c, "params.autoscale.metric"), Ok(()));
        }
    }

    #[test]
    fn reserved_instances_are_priced_and_bounded() {
        let d = doc();
        let c = server(&d, |p| p.reserved_discount = 1.5);
        assert_eq!(
            check_field(&d, &c, "params.reserved_discount"),
            Err("must be between 0 and 1 (got 1.5)".to_owned())
        );
        let c = server(&d, |p| p.reserved_instances = MAX_INSTANCES + 1);
        assert!(check_field(&d, &c, "params.reserved_instances").is_err());
        let c = server(&d, |p| p.reserved_instances = 3);
        assert_eq!(check_field(&d, &c, "params.reserved_instances"), Ok(()));
        // 3 instances, 2 reserved at half price: $0.20/h each on demand.
        let p = ServerParams {
            instances: 3,
            cost_per_hour: 0.10,
            reserved_instances: 2,
            reserved_discount: 0.5,
            ..ServerParams::default()
        };
        assert_eq!(fmt_money(p.cost_per_hour_total()), "$0.40");
        assert_eq!(
            group_cost_text(Lang::En, &p),
            "2 reserved (50% off) + 1 on demand, at $0.20 each"
        );
        let ko = group_cost_text(Lang::Ko, &p);
        assert!(ko.contains("50%") && ko.contains("$0.20") && !ko.contains("reserved"));
        // Without reserved instances, the plain formula.
        let plain = ServerParams {
            reserved_instances: 0,
            ..p.clone()
        };
        assert_eq!(
            group_cost_text(Lang::En, &plain),
            "$0.10 × 2 (medium) × 3 instances"
        );
        // Autoscaling: from the lowest minimum to the highest maximum, schedule included.
        let mut a = Autoscale {
            min: 2,
            max: 6,
            ..Autoscale::default()
        };
        assert_eq!(autoscale_range(&a), (2, 6));
        a.schedule.push(ScheduledScaling {
            at_s: 60.0,
            min: 4,
            max: 12,
        });
        a.schedule.push(ScheduledScaling {
            at_s: 120.0,
            min: 0,
            max: 3,
        });
        assert_eq!(autoscale_range(&a), (1, 12));
        // Reserved instances are paid even at the low end.
        assert_eq!(fmt_money(p.cost_per_hour_for(1)), "$0.20");
        assert_eq!(fmt_money(p.cost_per_hour_for(12)), "$2.20");
    }

    #[test]
    fn moving_the_last_node_out_of_a_scripted_zone_is_refused() {
        let mut d = resilient_doc();
        d.node_mut("api").unwrap().zone = "zone-a".into();
        d.node_mut("db").unwrap().zone = "zone-a".into();
        d.chaos.push(ChaosEvent {
            at_s: 20.0,
            action: ChaosAction::KillZone {
                zone: "zone-a".into(),
            },
        });
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        let zone = |d: &Diagram, id: &str, z: &str| {
            let mut n = d.node(id).unwrap().clone();
            n.zone = z.into();
            Candidate::Node(n)
        };
        // One of two nodes leaves zone-a: fine.
        assert_eq!(check_field(&d, &zone(&d, "api", "zone-b"), "zone"), Ok(()));
        let mut moved = d.clone();
        *moved.node_mut("api").unwrap() = match zone(&d, "api", "zone-b") {
            Candidate::Node(n) => n,
            _ => unreachable!(),
        };
        // The last one: the timeline would name an empty zone.
        let err = check_field(&moved, &zone(&moved, "db", ""), "zone").unwrap_err();
        assert_eq!(err, "chaos[0]: no node is in zone 'zone-a'");
        let ko = korean(&moved, &zone(&moved, "db", ""), "zone");
        assert!(
            ko.starts_with("타임라인 이벤트 1: ") && ko.contains("'zone-a'"),
            "{ko}"
        );
        assert!(!ko.contains("no node") && !ko.contains("chaos"), "{ko}");
        // Member zones count too.
        let c = database(&moved, |p| p.zones = vec!["zone-a".into()]);
        let Candidate::Node(mut n) = c else {
            unreachable!()
        };
        n.zone.clear();
        assert_eq!(
            check_field(&moved, &Candidate::Node(n), "params.zones"),
            Ok(())
        );
        // A killed instance that would no longer exist.
        let mut d = doc();
        if let NodeSpec::Server(p) = &mut d.node_mut("api").unwrap().spec {
            // The engine counts up to the autoscaler's maximum, even while it is off.
            p.instances = 4;
            p.autoscale.max = 1;
        }
        d.chaos.push(ChaosEvent {
            at_s: 5.0,
            action: ChaosAction::Kill {
                node: "api".into(),
                instance: Some(3),
            },
        });
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        let err = check_field(&d, &server(&d, |p| p.instances = 2), "params.instances");
        assert_eq!(
            err,
            Err("chaos[0]: 'api' has no instance 3 (it has 2)".to_owned())
        );
        // An autoscaler that may grow to 4 keeps instance 3 meaningful.
        let c = server(&d, |p| {
            p.instances = 2;
            p.autoscale.max = 4;
        });
        assert_eq!(check_field(&d, &c, "params.instances"), Ok(()));
    }
}
