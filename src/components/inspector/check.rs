//! The inspector's pure logic: parsing what was typed, building the changed node, edge or
//! workload, and asking the engine's validator whether this field is now wrong. No Yew here, so
//! all of it is unit-tested natively.

use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::diagram::{
    Diagram, Edge, InstanceSize, Location, Node, NodeSpec, Profile, ReadFrom, Replication,
    Severity, ShardStrategy, Workload, WritePolicy,
};
use std::collections::BTreeSet;

/// A changed copy of one part of the document, before it is accepted.
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

/// Validates `candidate` as a change of `field` (a validation path such as `params.rate_rps`,
/// or `duration_s` for the workload). Returns the engine's message for the first error on that
/// field. An error the change newly causes on another field of the same node, edge or workload
/// (a ramp ending before it starts, a warm-up longer than the run) refuses it too, as
/// "`other_field`: message". Problems without a field (topology: "not connected", cycles)
/// are not this field's business and are ignored.
pub fn check_field(doc: &Diagram, candidate: &Candidate, field: &str) -> Result<(), String> {
    let mut next = doc.clone();
    if !candidate.apply_to(&mut next) {
        return Err(GONE.to_owned());
    }
    let (before_at, after_at) = candidate.locations();
    let field_errors = |d: &Diagram, at: &Location| {
        d.problems()
            .into_iter()
            .filter(|p| p.severity == Severity::Error && p.location == *at)
            .filter_map(|p| p.field.map(|f| (f, p.message)))
            .collect::<Vec<(String, String)>>()
    };
    let after = field_errors(&next, &after_at);
    if let Some((_, message)) = after.iter().find(|(f, _)| f == field) {
        return Err(message.clone());
    }
    let before: BTreeSet<String> = field_errors(doc, &before_at)
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    match after.into_iter().find(|(f, _)| !before.contains(f)) {
        Some((other, message)) => Err(format!("{other}: {message}")),
        None => Ok(()),
    }
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
    /// The engine's validation message (English, as `check_field` returns it).
    Engine(String),
}

impl FieldError {
    /// The message shown under the field, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            FieldError::NotANumber => tr(lang, "Enter a number").to_owned(),
            FieldError::NotWhole => tr(lang, "Enter a whole number").to_owned(),
            FieldError::Negative => tr(lang, "Must not be negative").to_owned(),
            FieldError::TooLarge(max) => fill(tr(lang, "Must be at most {}"), &[max]),
            FieldError::Engine(message) => localize_engine_message(lang, message),
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

/// The outcome of committing a value: `Ok(Some(_))` to emit, `Ok(None)` if nothing changed.
pub fn vet(
    doc: &Diagram,
    candidate: Candidate,
    field: &str,
) -> Result<Option<Candidate>, FieldError> {
    if candidate.is_current(doc) {
        return Ok(None);
    }
    check_field(doc, &candidate, field).map_err(FieldError::Engine)?;
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

// ---------------------------------------------------------------------------------------------
// The engine's messages in Korean

/// The shapes of the validator's field messages, most specific first. Each is looked up in the
/// Korean table; `{}` are the values, in order.
pub const ENGINE_TEMPLATES: &[&str] = &[
    "must be a finite number (got {})",
    "must not be negative (got {})",
    "must be greater than 0 (got {})",
    "must be between 0 and 1 (got {})",
    "must be at least {}: {} (got {})",
    "must be at least {} (got {})",
    "must be at most {} (got {})",
    "must be after start_s = {} (got {})",
    "must be shorter than the run (duration_s = {}), or nothing is measured",
    "another node has the same id",
    "another edge has the same id",
    "synchronous replication needs a single primary (multi-primary replicates asynchronously)",
    GONE,
];

/// The reasons the validator gives inside "must be at least {}: {reason}".
pub const ENGINE_REASONS: &[&str] = &[
    "requests need keys",
    "requests come from users",
    "each backend needs a point on the ring",
    "each shard needs a point on the ring",
    "a cache must hold something",
    "something must take writes",
    "zero capacity",
];

/// `msg` in `lang`, first letter capitalised. Known engine messages are translated with their
/// values kept; an unknown one is shown as it is.
pub fn localize_engine_message(lang: Lang, msg: &str) -> String {
    // "other_field: message" from `check_field`.
    let (prefix, body) = match msg.split_once(": ") {
        Some((f, rest))
            if !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.".contains(c)) =>
        {
            (Some(f), rest)
        }
        _ => (None, msg),
    };
    let mut text = translate_body(lang, body);
    if prefix.is_none() {
        text = capitalise(&text);
    }
    match prefix {
        Some(f) => format!("{f}: {text}"),
        None => text,
    }
}

fn translate_body(lang: Lang, body: &str) -> String {
    if lang == Lang::En {
        return body.to_owned();
    }
    for template in ENGINE_TEMPLATES {
        if let Some(values) = match_template(template, body) {
            let values: Vec<String> = values
                .into_iter()
                .map(|v| {
                    ENGINE_REASONS
                        .iter()
                        .find(|r| **r == v)
                        .map_or(v, |r| tr(lang, r).to_owned())
                })
                .collect();
            let args: Vec<&dyn std::fmt::Display> =
                values.iter().map(|v| v as &dyn std::fmt::Display).collect();
            return fill(tr(lang, template), &args);
        }
    }
    body.to_owned()
}

/// The values at the `{}` of `template` if `text` has its shape.
fn match_template(template: &str, text: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = template.split("{}").collect();
    let mut rest = text.strip_prefix(parts[0])?;
    let mut values = Vec::new();
    for (i, part) in parts.iter().enumerate().skip(1) {
        let last = i == parts.len() - 1;
        let at = if last {
            if !rest.ends_with(part) {
                return None;
            }
            rest.len() - part.len()
        } else {
            rest.find(part)?
        };
        values.push(rest[..at].to_owned());
        rest = &rest[at + part.len()..];
    }
    if parts.len() == 1 && !rest.is_empty() {
        return None;
    }
    Some(values)
}

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
        assert_eq!(
            vet(&d, c, "params.rate_rps"),
            Err(FieldError::Engine("must not be negative (got -5)".into()))
        );
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

    #[test]
    fn engine_messages_read_well_in_both_languages() {
        let m = "must be at least 1: zero capacity (got 0)";
        assert_eq!(
            localize_engine_message(Lang::En, m),
            "Must be at least 1: zero capacity (got 0)"
        );
        let ko = localize_engine_message(Lang::Ko, m);
        assert!(ko.contains('1') && ko.contains('0'), "{ko}");
        assert!(ko.contains(tr(Lang::Ko, "zero capacity")), "{ko}");
        assert!(!ko.contains("zero capacity"), "{ko}");
        let ko = localize_engine_message(Lang::Ko, "must be at most 1000 (got 5000)");
        assert!(
            ko.contains("1000") && ko.contains("5000") && !ko.contains("must"),
            "{ko}"
        );
        let ko = localize_engine_message(
            Lang::Ko,
            "warmup_s: must be shorter than the run (duration_s = 3), or nothing is measured",
        );
        assert!(ko.starts_with("warmup_s: ") && ko.contains('3') && !ko.contains("must"));
        // Unknown messages pass through.
        assert_eq!(
            localize_engine_message(Lang::Ko, "something new"),
            "Something new"
        );
        assert_eq!(
            match_template("a {} b {}", "a 1 b 2"),
            Some(vec!["1".into(), "2".into()])
        );
        assert_eq!(match_template("exact", "exact"), Some(vec![]));
        assert_eq!(match_template("exact", "exactly"), None);
    }

    #[test]
    fn every_engine_template_and_reason_has_korean() {
        for t in ENGINE_TEMPLATES.iter().chain(ENGINE_REASONS) {
            let ko = tr(Lang::Ko, t);
            assert_ne!(ko, *t, "no Korean for {t:?}");
            assert_eq!(ko.matches("{}").count(), t.matches("{}").count(), "{t:?}");
        }
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
        // In Korean, with the field name kept.
        let ko = localize_engine_message(Lang::Ko, &err);
        assert!(ko.starts_with("params.replication: "), "{ko}");
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
            vet(&d, c, "params.capacity_keys"),
            Err(FieldError::Engine(
                "must be at least 1: a cache must hold something (got 0)".into()
            ))
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
}
