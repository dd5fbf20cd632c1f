//! The data tier tells the truth: LRU hit ratios agree with Che's approximation, stale reads
//! under asynchronous replication agree with the Poisson closed form, synchronous replication
//! is never stale but slower, sharding behaves as taught, and requests are still conserved.

use super::tests::{client, diagram, edge, rel, run};
use super::*;
use crate::diagram::*;
use crate::dist::Zipf;
use crate::time::NS_PER_S;

/// Che's approximation of the LRU hit ratio: the characteristic time T solves
/// Σ (1 − e^{−p_i T}) = C, and the hit ratio is Σ p_i (1 − e^{−p_i T}).
pub(super) fn che_hit_ratio(zipf: &Zipf, capacity: f64) -> f64 {
    characteristic_time_hit_ratio(zipf, capacity, |x| 1.0 - (-x).exp())
}

/// The same approximation for a FIFO (or random-eviction) cache, where a key stays in the
/// cache for T whatever its hits: it is in with probability p_i T / (1 + p_i T) (Gelenbe;
/// Martina, Garetto and Leonardi), lower than LRU's for popular keys.
fn che_fifo_hit_ratio(zipf: &Zipf, capacity: f64) -> f64 {
    characteristic_time_hit_ratio(zipf, capacity, |x| x / (1.0 + x))
}

/// Σ p_i·in(p_i T) with T solving Σ in(p_i T) = C, for a key's probability `in` of being
/// cached after a characteristic time.
fn characteristic_time_hit_ratio(zipf: &Zipf, capacity: f64, cached: fn(f64) -> f64) -> f64 {
    let p: Vec<f64> = (0..zipf.len()).map(|k| zipf.pmf(k)).collect();
    let filled = |t: f64| p.iter().map(|&q| cached(q * t)).sum::<f64>();
    let (mut lo, mut hi) = (0.0, 1.0);
    while filled(hi) < capacity {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if filled(mid) < capacity {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    p.iter().map(|&q| q * cached(q * lo)).sum()
}

fn db(p: DatabaseParams) -> NodeSpec {
    NodeSpec::Database(p)
}

/// A fast database with plenty of connections: queueing never muddies what is measured.
fn roomy_db() -> DatabaseParams {
    DatabaseParams {
        connections: 1_000,
        queue_capacity: 10_000,
        read_ms: 0.2,
        write_ms: 0.2,
        ..Default::default()
    }
}

#[test]
fn lru_hit_ratio_matches_ches_approximation() {
    let keys = 10_000;
    let mut fifo_rejected = 0;
    for (s, capacity) in [(0.8, 100), (0.8, 1_000), (1.2, 100), (1.2, 1_000)] {
        let mut c = client(4_000.0);
        c.read_ratio = 1.0;
        c.key_space = keys;
        c.zipf_s = s;
        let cache = CacheParams {
            capacity_keys: capacity,
            ttl_ms: 0.0,
            capacity_rps: 10_000_000.0,
            latency_ms: 0.0,
            ..Default::default()
        };
        let d = diagram(
            31,
            vec![
                Node::new("reads", NodeSpec::Client(c)),
                Node::new("cache", NodeSpec::Cache(cache)),
                Node::new("db", db(roomy_db())),
            ],
            vec![edge("reads", "cache", 0.1), edge("cache", "db", 0.1)],
        );
        // 1,000,000 reads: the smallest hit ratio here (0.156) has a standard error of
        // √(0.156 × 0.844 / 10⁶) ≈ 0.00036, and the 1 % tolerance (0.00156) is 4.3 of them.
        let (_, r) = run(&d, 20.0, 250.0);
        let got = r.nodes["cache"].cache.as_ref().unwrap().hit_ratio.unwrap();
        let zipf = Zipf::new(keys, s);
        let che = che_hit_ratio(&zipf, capacity as f64);
        let fifo = che_fifo_hit_ratio(&zipf, capacity as f64);
        eprintln!(
            "LRU s={s} C={capacity}: hit ratio {got:.4}, Che {che:.4} ({:+.2} %), FIFO {fifo:.4} \
             ({:+.2} % from LRU's)",
            100.0 * (got - che) / che,
            100.0 * (fifo - che) / che
        );
        assert!(rel(got, che) < 0.01, "s={s} C={capacity}: {got} vs {che}");
        // A cache that evicted in insertion order would sit at FIFO's value: where the two
        // approximations are more than 2 % apart, the measured ratio is more than 1 % (the
        // tolerance) away from FIFO's, so the test above rejects FIFO there.
        if rel(fifo, che) > 0.02 {
            fifo_rejected += 1;
            assert!(
                rel(got, fifo) > 0.01,
                "s={s} C={capacity}: {got} is FIFO's {fifo}"
            );
        }
    }
    assert!(fifo_rejected >= 1, "no case tells LRU from FIFO");
}

/// One key, Poisson writes at rate w, reads at a replica that applies writes after a fixed
/// lag L: a read is stale exactly when a write committed within the last L, which happens
/// with probability 1 − e^{−wL} (reads see time averages: PASTA).
pub(super) fn replica_diagram(
    seed: u64,
    keys: u64,
    replication: Replication,
) -> (Diagram, f64, f64) {
    let (rate, write_ratio, lag_ms) = (400.0, 0.05, 50.0);
    let mut c = client(rate);
    c.read_ratio = 1.0 - write_ratio;
    c.key_space = keys;
    c.zipf_s = 0.0;
    let p = DatabaseParams {
        replicas: 1,
        replication,
        replication_lag_ms: lag_ms,
        apply_rate: 1e9,
        read_from: ReadFrom::Replicas,
        ..roomy_db()
    };
    let d = diagram(
        seed,
        vec![
            Node::new("app", NodeSpec::Client(c)),
            Node::new("db", db(p)),
        ],
        vec![edge("app", "db", 0.5)],
    );
    let writes_per_key = rate * write_ratio / keys as f64;
    (d, writes_per_key, lag_ms / 1e3)
}

#[test]
fn async_replica_staleness_matches_the_poisson_closed_form() {
    for (keys, seed) in [(1, 41), (4, 42)] {
        let (d, w, lag) = replica_diagram(seed, keys, Replication::Async);
        // About 230,000 reads: the 2 % tolerance is about 5 standard errors at 4 keys.
        let (_, r) = run(&d, 5.0, 600.0);
        let dbr = r.nodes["db"].database.as_ref().unwrap();
        let got = dbr.stale_reads as f64 / dbr.reads as f64;
        let theory = 1.0 - (-w * lag).exp();
        eprintln!(
            "async replica, {keys} key(s): stale fraction {got:.4}, closed form {theory:.4} ({:+.2} %)",
            100.0 * (got - theory) / theory
        );
        assert!(rel(got, theory) < 0.02, "{keys} keys: {got} vs {theory}");
        // End to end, the client saw the same stale reads.
        assert!(rel(r.end_to_end.stale_read_rate, theory) < 0.02);
        assert!(
            r.end_to_end.staleness_ms.p99.unwrap() <= 50.5,
            "never older than the lag"
        );
    }
}

#[test]
fn sync_replication_is_never_stale_and_writes_pay_for_it() {
    let (a, _, _) = replica_diagram(43, 1, Replication::Async);
    let (s, _, _) = replica_diagram(43, 1, Replication::Sync);
    let (_, ra) = run(&a, 5.0, 120.0);
    let (_, rs) = run(&s, 5.0, 120.0);
    assert_eq!(rs.end_to_end.stale_reads, 0);
    assert_eq!(rs.nodes["db"].database.as_ref().unwrap().stale_reads, 0);
    assert!(ra.end_to_end.stale_reads > 1_000);
    let wa = ra.end_to_end.write_latency_ms.mean.unwrap();
    let ws = rs.end_to_end.write_latency_ms.mean.unwrap();
    eprintln!("write latency: async {wa:.2} ms, sync {ws:.2} ms");
    // Sync waits for the log to reach the replica and the acknowledgement to return: 2 × 50 ms.
    assert!(ws - wa > 95.0 && ws - wa < 105.0, "{wa} → {ws}");
}

#[test]
fn replica_lag_grows_when_replicas_cannot_keep_up() {
    let mut c = client(2_000.0);
    c.read_ratio = 0.5; // 1 000 writes/s
    let p = DatabaseParams {
        replicas: 2,
        apply_rate: 800.0, // slower than the writes
        replication_lag_ms: 10.0,
        read_from: ReadFrom::Replicas,
        ..roomy_db()
    };
    let d = diagram(
        44,
        vec![
            Node::new("app", NodeSpec::Client(c)),
            Node::new("db", db(p)),
        ],
        vec![edge("app", "db", 0.5)],
    );
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(10 * NS_PER_S);
    let lag_10 = sim
        .node_series("db")
        .unwrap()
        .last()
        .unwrap()
        .lag_ms
        .unwrap();
    sim.run_until(30 * NS_PER_S);
    let lag_30 = sim
        .node_series("db")
        .unwrap()
        .last()
        .unwrap()
        .lag_ms
        .unwrap();
    eprintln!("replica lag: {lag_10:.0} ms at 10 s, {lag_30:.0} ms at 30 s");
    assert!(
        lag_10 > 1_000.0 && lag_30 > 2.0 * lag_10,
        "{lag_10} → {lag_30}"
    );
    sim.check_invariants().unwrap();
}

#[test]
fn reading_from_replicas_breaks_read_your_writes_and_the_primary_does_not() {
    let d = Diagram::from_json(include_str!("../../../../examples/replicas.json")).unwrap();
    let (_, r) = run(&d, 5.0, 55.0);
    assert!(
        r.end_to_end.ryw_violations > 20,
        "{}",
        r.end_to_end.ryw_violations
    );
    assert!(r.end_to_end.stale_read_rate > 0.1);
    let mut primary = d.clone();
    if let Some(NodeSpec::Database(p)) = primary.node_mut("db").map(|n| &mut n.spec) {
        p.read_from = ReadFrom::Primary;
    }
    let (_, r) = run(&primary, 5.0, 55.0);
    assert_eq!(r.end_to_end.ryw_violations, 0);
    assert_eq!(r.end_to_end.stale_reads, 0);
}

#[test]
fn multi_primary_counts_concurrent_writes_as_conflicts() {
    let conflicts = |primaries| {
        let mut c = client(400.0);
        c.read_ratio = 0.5;
        c.key_space = 20;
        let p = DatabaseParams {
            primaries,
            replication_lag_ms: 100.0,
            ..roomy_db()
        };
        let d = diagram(
            45,
            vec![
                Node::new("app", NodeSpec::Client(c)),
                Node::new("db", db(p)),
            ],
            vec![edge("app", "db", 0.5)],
        );
        run(&d, 2.0, 30.0).1.nodes["db"]
            .database
            .as_ref()
            .unwrap()
            .conflicts
    };
    assert_eq!(conflicts(1), 0);
    assert!(conflicts(2) > 100, "{}", conflicts(2));
}

#[test]
fn cache_write_policies_trade_freshness() {
    let stale_rate = |policy: WritePolicy| {
        let mut c = client(2_000.0);
        c.read_ratio = 0.8;
        c.key_space = 200;
        let cache = CacheParams {
            capacity_keys: 200,
            ttl_ms: 5_000.0,
            write_policy: policy,
            ..Default::default()
        };
        let d = diagram(
            46,
            vec![
                Node::new("app", NodeSpec::Client(c)),
                Node::new("cache", NodeSpec::Cache(cache)),
                Node::new("db", db(roomy_db())),
            ],
            vec![edge("app", "cache", 0.5), edge("cache", "db", 0.5)],
        );
        run(&d, 5.0, 30.0).1.end_to_end.stale_read_rate
    };
    let ttl_only = stale_rate(WritePolicy::TtlOnly);
    let invalidate = stale_rate(WritePolicy::Invalidate);
    let through = stale_rate(WritePolicy::WriteThrough);
    eprintln!("stale reads: TTL only {ttl_only:.4}, invalidate {invalidate:.4}, write-through {through:.4}");
    assert!(
        ttl_only > 0.3,
        "a write leaves the cache stale until the TTL"
    );
    assert!(
        invalidate < 0.01 && through < 0.01,
        "{invalidate} {through}"
    );
}

#[test]
fn each_servers_l1_goes_stale_when_another_instance_writes() {
    let d = Diagram::from_json(include_str!("../../../../examples/l1-l2.json")).unwrap();
    let (_, r) = run(&d, 5.0, 30.0);
    let l1 = r.nodes["api"].cache.as_ref().unwrap();
    assert!(l1.hit_ratio.unwrap() > 0.2);
    assert!(l1.stale_hits > 100, "{l1:?}");
    assert!(r.end_to_end.stale_reads > 0);
    // With the L1 off, the shared cache invalidates on writes: almost nothing stale.
    let mut no_l1 = d.clone();
    if let Some(NodeSpec::Server(p)) = no_l1.node_mut("api").map(|n| &mut n.spec) {
        p.l1.capacity_keys = 0;
    }
    let (_, r2) = run(&no_l1, 5.0, 30.0);
    assert!(r2.nodes["api"].cache.is_none());
    assert!(r2.end_to_end.stale_read_rate < r.end_to_end.stale_read_rate / 20.0);
}

#[test]
fn range_sharding_makes_a_hot_shard_and_hashing_spreads_the_load() {
    let d = Diagram::from_json(include_str!("../../../../examples/hot-shard.json")).unwrap();
    let (_, r) = run(&d, 5.0, 30.0);
    let shares = &r.nodes["router"].router.as_ref().unwrap().shares;
    assert!(shares["shard-0"] > 0.8, "{shares:?}");
    assert!(
        r.nodes["shard-0"].error_rate > 0.1,
        "the hot shard is overloaded"
    );
    assert!(
        r.nodes["shard-3"].utilization < 0.1,
        "while the others idle"
    );
    let mut hashed = d.clone();
    if let Some(NodeSpec::ShardRouter(p)) = hashed.node_mut("router").map(|n| &mut n.spec) {
        p.strategy = ShardStrategy::HashMod;
    }
    let (_, r) = run(&hashed, 5.0, 30.0);
    let shares = &r.nodes["router"].router.as_ref().unwrap().shares;
    // Even by keys — the single hottest key still sits on one shard.
    for (id, s) in shares {
        assert!((0.1..0.45).contains(s), "{id}: {s}");
    }
    let moved = &r.nodes["router"]
        .router
        .as_ref()
        .unwrap()
        .keys_moved_if_added;
    assert!((moved["hash_mod"] - 0.8).abs() < 0.03, "{moved:?}");
    assert!((moved["consistent_hash"] - 0.2).abs() < 0.06, "{moved:?}");
}

#[test]
fn killing_a_database_fails_its_callers_and_reviving_it_recovers() {
    let d = Diagram::from_json(include_str!("../../../../examples/cache-in-front.json")).unwrap();
    let mut sim = Simulation::new(&d).unwrap();
    sim.run_until(10 * NS_PER_S);
    sim.set_up("db", false).unwrap();
    sim.run_until(15 * NS_PER_S);
    let down = *sim.series().last().unwrap();
    // Cache hits still succeed; misses and writes fail.
    assert!(
        down.error_rate > 0.05 && down.throughput > 100.0,
        "{down:?}"
    );
    sim.set_up("db", true).unwrap();
    sim.run_until(20 * NS_PER_S);
    assert_eq!(sim.series().last().unwrap().error_rate, 0.0);
    sim.check_invariants().unwrap();
}
