//! Geographic regions: groups of nodes drawn as frames, and the round-trip times between them.
//!
//! A request between two regions pays the speed of light in fibre, which no amount of capacity
//! buys back: that is what "going global" is about. Defaults come from published inter-region
//! round trips of public clouds; a diagram may override any pair with `region_latency`.

use serde::{Deserialize, Serialize};

/// A region: an id nodes refer to (`node.region`), and the frame drawn around them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub id: String,
    /// Display name; empty shows the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The frame on the canvas (canvas units): top-left corner, width and height.
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
    #[serde(default)]
    pub w: f64,
    #[serde(default)]
    pub h: f64,
}

impl Region {
    pub fn new(id: impl Into<String>) -> Region {
        Region {
            id: id.into(),
            label: String::new(),
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0,
        }
    }
}

/// The round-trip time between regions `a` and `b` (symmetric), overriding the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionLatency {
    pub a: String,
    pub b: String,
    pub rtt_ms: f64,
}

/// Round trip assumed between two regions the table does not know, on different continents
/// (by the id's prefix before the first '-'): a typical inter-continent figure.
pub const FALLBACK_RTT_MS: f64 = 100.0;
/// Round trip assumed between two unknown regions on the same continent (`eu-north`/`eu-south`).
pub const FALLBACK_SAME_CONTINENT_RTT_MS: f64 = 30.0;
/// The largest round trip a diagram may set. The longest path on Earth in fibre is about
/// 20 000 km, i.e. ≈ 200 ms one way; a geostationary satellite hop is ≈ 600 ms round trip.
/// Beyond a few seconds a figure is a typo, not a network.
pub const MAX_RTT_MS: f64 = 5_000.0;

/// Median inter-region round trips in milliseconds, rounded to 5 ms, for well-known region ids.
///
/// Source: AWS inter-region round-trip medians as published by CloudPing (cloudping.co, AWS
/// inter-region latency matrix, p50 over a year) cross-checked with Azure's "network round-trip
/// latency statistics" page; the ids name the area, not a provider: `us-east` (N. Virginia),
/// `us-west` (Oregon), `eu-west` (Ireland), `eu-central` (Frankfurt), `ap-northeast`
/// (Tokyo/Seoul), `ap-southeast` (Singapore), `sa-east` (São Paulo).
const TABLE: &[(&str, &str, f64)] = &[
    ("us-east", "us-west", 65.0),
    ("us-east", "eu-west", 70.0),
    ("us-east", "eu-central", 90.0),
    ("us-east", "ap-northeast", 150.0),
    ("us-east", "ap-southeast", 215.0),
    ("us-east", "sa-east", 115.0),
    ("us-west", "eu-west", 125.0),
    ("us-west", "eu-central", 145.0),
    ("us-west", "ap-northeast", 100.0),
    ("us-west", "ap-southeast", 165.0),
    ("us-west", "sa-east", 175.0),
    ("eu-west", "eu-central", 25.0),
    ("eu-west", "ap-northeast", 210.0),
    ("eu-west", "ap-southeast", 175.0),
    ("eu-west", "sa-east", 180.0),
    ("eu-central", "ap-northeast", 225.0),
    ("eu-central", "ap-southeast", 160.0),
    ("eu-central", "sa-east", 200.0),
    ("ap-northeast", "ap-southeast", 70.0),
    ("ap-northeast", "sa-east", 255.0),
    ("ap-southeast", "sa-east", 320.0),
];

/// `us-east-1` → `us-east`: cloud region names carry a number the table does not need.
fn area(id: &str) -> &str {
    match id.rsplit_once('-') {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => id,
    }
}

/// The default round trip between regions `a` and `b` in milliseconds: 0 for the same region,
/// the published figure for a known pair (see [`TABLE`]), else [`FALLBACK_SAME_CONTINENT_RTT_MS`]
/// when both ids start with the same continent prefix (`eu-…`) and [`FALLBACK_RTT_MS`] otherwise.
pub fn default_rtt_ms(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    let (a, b) = (area(a), area(b));
    if a == b {
        // Two numbered regions of one area (us-east-1, us-east-2): a short hop.
        return 10.0;
    }
    if let Some(&(_, _, rtt)) = TABLE
        .iter()
        .find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a))
    {
        return rtt;
    }
    let continent = |s: &str| s.split('-').next().unwrap_or(s).to_owned();
    if continent(a) == continent(b) && a.contains('-') && b.contains('-') {
        FALLBACK_SAME_CONTINENT_RTT_MS
    } else {
        FALLBACK_RTT_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_symmetric_and_known_pairs_use_it() {
        assert_eq!(default_rtt_ms("us-east", "eu-west"), 70.0);
        assert_eq!(default_rtt_ms("eu-west", "us-east"), 70.0);
        assert_eq!(default_rtt_ms("us-east-1", "ap-northeast-2"), 150.0);
        assert_eq!(default_rtt_ms("ap-northeast", "ap-northeast"), 0.0);
        assert_eq!(default_rtt_ms("us-east-1", "us-east-2"), 10.0);
        // Every pair of the table appears once.
        for (i, (a, b, _)) in TABLE.iter().enumerate() {
            for (x, y, _) in &TABLE[i + 1..] {
                assert!(!((a == x && b == y) || (a == y && b == x)), "{a}/{b} twice");
            }
        }
    }

    #[test]
    fn unknown_pairs_fall_back_by_continent() {
        assert_eq!(
            default_rtt_ms("eu-north", "eu-south"),
            FALLBACK_SAME_CONTINENT_RTT_MS
        );
        assert_eq!(default_rtt_ms("mars", "eu-west"), FALLBACK_RTT_MS);
        assert_eq!(default_rtt_ms("home", "office"), FALLBACK_RTT_MS);
    }
}
