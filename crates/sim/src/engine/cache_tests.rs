//! Caches beyond one LRU: eviction policies against their closed forms under independent Zipf
//! requests, and cache clusters whose members come and go (remapped keys miss, the hit ratio
//! dips and refills, the database absorbs the misses; a hot key loads one member).

use super::eviction::KeyStore;
use super::lru::Lookup;
use super::tests::{client, diagram, edge, rel, run};
use super::*;
use crate::diagram::*;
use crate::dist::{Rng, Zipf};
use crate::time::secs_to_ns;

/// Hit ratio of one store under independent requests drawn from `zipf` (the independent
/// reference model): `warm` requests fill it, the next `n` are counted.
fn irm_hit_ratio(policy: Eviction, zipf: &Zipf, capacity: u64, warm: u64, n: u64) -> f64 {
    let mut store = KeyStore::new(policy, capacity, 0, 99);
    let mut rng = Rng::seed(7);
    let mut hits = 0u64;
    for i in 0..warm + n {
        let k = zipf.sample(&mut rng);
        if let Lookup::Hit { .. } = store.get(k, 0) {
            hits += (i >= warm) as u64;
        } else {
            store.put(k, 1, 0, None);
        }
    }
    hits as f64 / n as f64
}

/// The probability mass of the `c` most popular keys: what a cache holding exactly them hits.
fn top_mass(zipf: &Zipf, c: u64) -> f64 {
    (0..c).map(|k| zipf.pmf(k)).sum()
}

/// The approximation of random (and FIFO) eviction in the manner of Che's for LRU
/// (Gelenbe 1973; Fricker, Robert & Roberts 2012): T solves Σ p_i T / (1 + p_i T) = C and
/// the hit ratio is Σ p_i · p_i T / (1 + p_i T).
fn random_hit_ratio(zipf: &Zipf, capacity: f64) -> f64 {
    let p: Vec<f64> = (0..zipf.len()).map(|k| zipf.pmf(k)).collect();
    let held = |t: f64| p.iter().map(|&q| q * t / (1.0 + q * t)).sum::<f64>();
    let (mut lo, mut hi) = (0.0, 1.0);
    while held(hi) < capacity {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if held(mid) < capacity {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    p.iter().map(|&q| q * q * lo / (1.0 + q * lo)).sum()
}

const CASES: [(f64, u64); 3] = [(0.8, 100), (0.8, 1_000), (1.2, 100)];
const KEYS: u64 = 10_000;
/// Requests counted per case, after 200 000 that fill the cache.
const SAMPLE: u64 = 1_000_000;
const WARM: u64 = 200_000;

/// Perfect LFU (counts over the whole run) holds the C most popular keys, so its hit ratio is
/// their total probability — the most any policy can hit under independent requests. On 10⁶
/// requests the sampling error is under 0.05 percentage points; the tolerance is 0.5 %
/// relative, which also covers keys near rank C whose counts are still close.
#[test]
fn perfect_lfu_hits_the_mass_of_the_c_most_popular_keys() {
    for (s, c) in CASES {
        let zipf = Zipf::new(KEYS, s);
        let got = irm_hit_ratio(Eviction::Lfu, &zipf, c, WARM, SAMPLE);
        let want = top_mass(&zipf, c);
        eprintln!("LFU s={s} C={c}: {got:.4}, top-C mass {want:.4}");
        assert!(rel(got, want) < 0.005, "s={s} C={c}: {got} vs {want}");
    }
}

/// FIFO and random eviction have the same hit ratio under independent requests (a classical
/// result), given by the approximation above, and both sit below LRU. On 10⁶ requests each
/// the two agree within 1 % relative and the approximation within 2 %; LRU beats both by more
/// than 2 % relative in every case.
#[test]
fn fifo_and_random_hit_alike_and_below_lru() {
    for (s, c) in CASES {
        let zipf = Zipf::new(KEYS, s);
        let fifo = irm_hit_ratio(Eviction::Fifo, &zipf, c, WARM, SAMPLE);
        let random = irm_hit_ratio(Eviction::Random, &zipf, c, WARM, SAMPLE);
        let lru = irm_hit_ratio(Eviction::Lru, &zipf, c, WARM, SAMPLE);
        let approx = random_hit_ratio(&zipf, c as f64);
        eprintln!(
            "s={s} C={c}: FIFO {fifo:.4}, random {random:.4} (approximation {approx:.4}), LRU {lru:.4}"
        );
        assert!(rel(fifo, random) < 0.01, "s={s} C={c}: {fifo} vs {random}");
        assert!(rel(fifo, approx) < 0.02 && rel(random, approx) < 0.02);
        assert!(lru > 1.02 * fifo.max(random), "s={s} C={c}: LRU {lru}");
    }
}

fn roomy_db() -> DatabaseParams {
    DatabaseParams {
        connections: 1_000,
        queue_capacity: 10_000,
        read_ms: 0.2,
        write_ms: 0.2,
        ..Default::default()
    }
}

/// Reads at `rate` from `keys` keys (Zipf `s`) through `cache` into a roomy database.
fn cached_reads(seed: u64, rate: f64, keys: u64, s: f64, cache: CacheParams) -> Diagram {
    let mut c = client(rate);
    c.read_ratio = 1.0;
    c.key_space = keys;
    c.zipf_s = s;
    diagram(
        seed,
        vec![
            Node::new("reads", NodeSpec::Client(c)),
            Node::new("cache", NodeSpec::Cache(cache)),
            Node::new("db", NodeSpec::Database(roomy_db())),
        ],
        vec![edge("reads", "cache", 0.1), edge("cache", "db", 0.1)],
    )
}

fn cache_params(capacity: u64, eviction: Eviction) -> CacheParams {
    CacheParams {
        capacity_keys: capacity,
        ttl_ms: 0.0,
        capacity_rps: 10_000_000.0,
        latency_ms: 0.0,
        eviction,
        ..Default::default()
    }
}

/// The policy is a cache parameter: the same traffic through each ranks them as the theory
/// says (LFU > LRU > FIFO ≈ random), and the report names the policy. 200 000 reads each.
#[test]
fn the_eviction_policy_of_a_cache_changes_its_hit_ratio() {
    let mut ratios = Vec::new();
    for policy in [
        Eviction::Lfu,
        Eviction::Lru,
        Eviction::Fifo,
        Eviction::Random,
    ] {
        let d = cached_reads(5, 2_000.0, 10_000, 0.9, cache_params(200, policy));
        let (_, r) = run(&d, 20.0, 100.0);
        let c = r.nodes["cache"].cache.clone().unwrap();
        assert_eq!(c.eviction, Some(policy));
        assert!(c.cluster.is_none(), "one member: no cluster section");
        // Every miss went on to the database.
        assert_eq!(r.nodes["db"].database.as_ref().unwrap().reads, c.misses);
        ratios.push(c.hit_ratio.unwrap());
    }
    eprintln!("LFU, LRU, FIFO, random: {ratios:?}");
    let [lfu, lru, fifo, random] = ratios[..] else {
        unreachable!()
    };
    assert!(lfu > lru && lru > fifo.max(random), "{ratios:?}");
    assert!(rel(fifo, random) < 0.03, "{ratios:?}");
}

/// Random eviction draws from a stream seeded by the diagram's seed: the same diagram gives the
/// same run, another seed another.
#[test]
fn random_eviction_is_deterministic() {
    let d = cached_reads(9, 2_000.0, 5_000, 0.9, cache_params(100, Eviction::Random));
    let json = |d: &Diagram| serde_json::to_string(&run(d, 5.0, 20.0).1).unwrap();
    assert_eq!(json(&d), json(&d));
    let mut other = d.clone();
    other.seed = 10;
    assert_ne!(json(&d), json(&other));
}

/// `members` members of 2 000 keys each (LRU, no expiry).
fn cluster(members: u32, hashing: CacheHashing) -> CacheParams {
    CacheParams {
        members,
        hashing,
        ..cache_params(2_000, Eviction::Lru)
    }
}

/// Per-second hit ratios of the cache from `from` to `to` seconds (1-based sample index).
fn hit_ratios(sim: &Simulation, from: usize, to: usize) -> Vec<f64> {
    sim.node_series("cache")
        .unwrap()
        .skip(from)
        .take(to - from)
        .filter_map(|s| s.hit_ratio)
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Killing one of four members of a consistently hashed cluster: its keys (≈ 1/4 of the key
/// space) move to the others and miss there, so the hit ratio dips and the database's reads
/// rise; the survivors refill and the ratio recovers. Reviving it moves the keys back, to an
/// empty member: a second, smaller dip. Requests in flight at the member fail; none is lost.
#[test]
fn killing_a_cache_member_dips_the_hit_ratio_which_then_refills() {
    let d = cached_reads(
        3,
        2_000.0,
        10_000,
        0.9,
        cluster(4, CacheHashing::Consistent),
    );
    let cfg = RunConfig::for_run(secs_to_ns(60.0), 0);
    let mut sim = Simulation::with_config(&d, cfg).unwrap();
    sim.run_until(secs_to_ns(20.0));
    let db_before = sim.report().nodes["db"].database.as_ref().unwrap().reads;
    sim.apply_chaos(&ChaosAction::Kill {
        node: "cache".into(),
        instance: Some(1),
    })
    .unwrap();
    sim.run_until(secs_to_ns(21.0));
    let db_first_second = sim.report().nodes["db"].database.as_ref().unwrap().reads - db_before;
    sim.run_until(secs_to_ns(40.0));
    let r = sim.report();
    let cl = r.nodes["cache"]
        .cache
        .as_ref()
        .unwrap()
        .cluster
        .clone()
        .unwrap();
    assert!(!cl.members[1].up);
    let share = cl.remapped_share.unwrap();
    assert!((share - 0.25).abs() < 0.0625, "remapped {share}");
    assert_eq!(cl.remap_keys, 10_000);
    // Second i of the series covers [i, i + 1) s: the kill came at 20 s.
    let steady = mean(&hit_ratios(&sim, 12, 20));
    let dip = hit_ratios(&sim, 20, 21)[0];
    let refilled = mean(&hit_ratios(&sim, 32, 40));
    eprintln!(
        "hit ratio {steady:.3} → {dip:.3} the second member 1 dies → {refilled:.3}; db reads in that second {db_first_second}"
    );
    assert!(dip < steady - 0.07, "{steady} then {dip}");
    // The survivors hold 3 × 2 000 keys instead of 4 × 2 000: refilled, a little lower.
    assert!(refilled > dip + 0.04 && refilled < steady, "{refilled}");
    // In that second the database took the cache's misses: well above the steady miss rate.
    assert!(db_first_second as f64 > 2_000.0 * (1.0 - steady) * 1.5);
    sim.apply_chaos(&ChaosAction::Revive {
        node: "cache".into(),
        instance: Some(1),
    })
    .unwrap();
    sim.run_until(secs_to_ns(60.0));
    sim.check_invariants().unwrap();
    let cl = sim.report().nodes["cache"]
        .cache
        .clone()
        .unwrap()
        .cluster
        .unwrap();
    assert!(
        cl.members[1].up && cl.members[1].keys > 0,
        "refilled after revival"
    );
    assert_eq!(cl.membership_changes, 2);
    let back = hit_ratios(&sim, 40, 42)[0];
    assert!(
        back < refilled,
        "revived empty: its keys miss again ({back})"
    );
    let c = sim.lifetime_counts();
    assert_eq!(
        c.generated,
        c.completed + c.failed + sim.requests_in_flight()
    );
}

/// With modulo hashing the same kill moves ≈ 3/4 of the keys: the dip is far deeper.
#[test]
fn modulo_hashing_loses_most_of_the_cache_when_a_member_dies() {
    let mut dips = Vec::new();
    for hashing in [CacheHashing::Consistent, CacheHashing::Modulo] {
        let mut d = cached_reads(3, 2_000.0, 10_000, 0.9, cluster(4, hashing));
        d.chaos = vec![ChaosEvent {
            at_s: 20.0,
            action: ChaosAction::Kill {
                node: "cache".into(),
                instance: Some(2),
            },
        }];
        let cfg = RunConfig::for_run(secs_to_ns(30.0), 0);
        let mut sim = Simulation::with_config(&d, cfg).unwrap();
        sim.run_until(secs_to_ns(30.0));
        let cl = sim.report().nodes["cache"]
            .cache
            .clone()
            .unwrap()
            .cluster
            .unwrap();
        let share = cl.remapped_share.unwrap();
        let ideal = match hashing {
            CacheHashing::Consistent => 0.25,
            CacheHashing::Modulo => 0.75,
        };
        assert!(
            (share - ideal).abs() < 0.0625,
            "{hashing:?}: remapped {share}"
        );
        dips.push(hit_ratios(&sim, 20, 21)[0]);
    }
    eprintln!(
        "hit ratio the second after the kill: consistent {}, modulo {}",
        dips[0], dips[1]
    );
    assert!(dips[1] < dips[0] - 0.2, "{dips:?}");
}

/// Under steep skew the hottest key's member carries far more than 1/N of the load; under
/// uniform keys the members share it evenly.
#[test]
fn a_hot_key_concentrates_load_on_one_member() {
    let shares = |s: f64| {
        let d = cached_reads(4, 2_000.0, 10_000, s, cluster(4, CacheHashing::Consistent));
        let (_, r) = run(&d, 5.0, 30.0);
        let cl = r.nodes["cache"].cache.clone().unwrap().cluster.unwrap();
        cl.members
            .iter()
            .map(|m| m.load_share.unwrap())
            .collect::<Vec<_>>()
    };
    let skewed = shares(1.3);
    let uniform = shares(0.0);
    eprintln!("load shares: s=1.3 {skewed:?}, uniform {uniform:?}");
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    assert!(max(&skewed) > 0.45, "{skewed:?}");
    // 100 virtual nodes: each member's arc is within ±25 % of a quarter.
    assert!(
        uniform.iter().all(|&s| (s - 0.25).abs() < 0.0625),
        "{uniform:?}"
    );
    assert!((skewed.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

/// Adding a member to a running cluster from the inspector moves ≈ 1/(N+1) of the keys to
/// it (consistent hashing); the report records the change.
#[test]
fn adding_a_member_live_moves_its_share_of_the_keys() {
    let d = cached_reads(
        3,
        1_000.0,
        10_000,
        0.9,
        cluster(4, CacheHashing::Consistent),
    );
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(secs_to_ns(10.0));
    let mut bigger = d.nodes[1].clone();
    if let NodeSpec::Cache(p) = &mut bigger.spec {
        p.members = 5;
    }
    sim.apply(Edit::UpdateNode(bigger)).unwrap();
    sim.run_until(secs_to_ns(20.0));
    let r = sim.report();
    let cl = r.nodes["cache"].cache.clone().unwrap().cluster.unwrap();
    assert_eq!(cl.members.len(), 5);
    assert_eq!(r.nodes["cache"].instances, 5);
    let share = cl.remapped_share.unwrap();
    assert!((share - 0.2).abs() < 0.05, "remapped {share}");
    assert!(cl.members[4].keys > 0, "the new member filled");
    // Five members cost five times one.
    assert!(rel(r.nodes["cache"].cost_per_hour, 5.0 * 0.05) < 1e-9);
}

/// Absurd cluster settings are refused by name; a chaos kill must name an existing member.
#[test]
fn bad_cluster_settings_are_named() {
    let bad = |p: CacheParams, chaos_member: u32| {
        let mut d = cached_reads(1, 100.0, 100, 0.9, p);
        d.chaos = vec![ChaosEvent {
            at_s: 1.0,
            action: ChaosAction::Kill {
                node: "cache".into(),
                instance: Some(chaos_member),
            },
        }];
        d.errors()
            .iter()
            .map(|e| (e.field.clone().unwrap_or_default(), e.code))
            .collect::<Vec<_>>()
    };
    let members = |n: u32| CacheParams {
        members: n,
        ..Default::default()
    };
    assert_eq!(bad(members(4), 3), vec![]);
    assert!(bad(members(0), 0).contains(&("params.members".into(), "at_least")));
    assert!(bad(members(65), 0).contains(&("params.members".into(), "at_most")));
    assert!(bad(members(4), 4)
        .iter()
        .any(|(_, c)| *c == "no_such_instance"));
    let no_points = CacheParams {
        virtual_nodes: 0,
        ..members(4)
    };
    assert!(bad(no_points, 0).contains(&("params.virtual_nodes".into(), "at_least_backend_points")));
    // A misspelt policy is refused when the file is read, naming the value.
    let text = r#"{"version":1,"nodes":[{"id":"c","kind":"cache","params":{"eviction":"mru"}}]}"#;
    let err = Diagram::from_json(text).unwrap_err();
    assert!(format!("{err:?}").contains("mru"), "{err:?}");
}
