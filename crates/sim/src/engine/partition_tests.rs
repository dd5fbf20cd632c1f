//! Partitions through a database: `cp` refuses exactly the minority's writes, `ap` takes every
//! write and counts the keys written on both sides as conflicts. Fixed seeds, exact counts.

use super::*;
use crate::diagram::*;
use crate::time::{secs_to_ns, NS_PER_S};

/// Zone a: client `ca` → server `sa`; zone b: client `cb` → server `sb`; both call `db`, whose
/// three members sit in `members` zones (member 0 is the primary). No network delay, servers
/// of constant 1 ms with plenty of workers: a request reaches the database exactly 1 ms after
/// it is created. Zone b is cut off at 20 s and healed at 40 s.
fn split(mode: &str, members: [&str; 3], read_ratio: f64, keys: (u64, u64)) -> Diagram {
    let json = format!(
        r#"{{
      "version": 1, "seed": 99,
      "workload": {{ "duration_s": 60, "warmup_s": 0 }},
      "nodes": [
        {{ "id": "ca", "kind": "client", "zone": "a", "params": {{ "rate_rps": 100,
          "timeout_ms": 0, "read_ratio": {read_ratio}, "key_space": {ka}, "zipf_s": 0 }} }},
        {{ "id": "cb", "kind": "client", "zone": "b", "params": {{ "rate_rps": 100,
          "timeout_ms": 0, "read_ratio": {read_ratio}, "key_space": {kb}, "zipf_s": 0 }} }},
        {{ "id": "sa", "kind": "server", "zone": "a", "params": {{ "workers": 500,
          "service": {{ "distribution": "constant", "mean_ms": 1 }} }} }},
        {{ "id": "sb", "kind": "server", "zone": "b", "params": {{ "workers": 500,
          "service": {{ "distribution": "constant", "mean_ms": 1 }} }} }},
        {{ "id": "db", "kind": "database", "params": {{ "replicas": 2,
          "zones": ["{m0}", "{m1}", "{m2}"], "partition_mode": "{mode}",
          "connections": 500, "queue_capacity": 0 }} }}
      ],
      "edges": [
        {{ "from": "ca", "to": "sa", "latency_ms": 0 }}, {{ "from": "cb", "to": "sb", "latency_ms": 0 }},
        {{ "from": "sa", "to": "db", "latency_ms": 0 }}, {{ "from": "sb", "to": "db", "latency_ms": 0 }}
      ],
      "chaos": [
        {{ "at_s": 20, "action": {{ "partition_zone": {{ "zone": "b" }} }} }},
        {{ "at_s": 40, "action": {{ "heal_zone": {{ "zone": "b" }} }} }}
      ]
    }}"#,
        ka = keys.0,
        kb = keys.1,
        m0 = members[0],
        m1 = members[1],
        m2 = members[2],
    );
    let d = Diagram::from_json(&json).expect("valid");
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    d
}

/// Requests client `id` generated up to `t` (ns), by running `sim` there.
fn generated_by(sim: &mut Simulation, id: &str, t: Time) -> u64 {
    sim.run_until(t);
    sim.report().nodes[id].arrivals
}

fn partition(r: &Report) -> PartitionReport {
    r.nodes["db"]
        .database
        .as_ref()
        .unwrap()
        .partition
        .clone()
        .expect("partition report")
}

#[test]
fn cp_refuses_exactly_the_writes_reaching_the_minority_and_records_no_conflict() {
    // Only writes; zone b holds one member of three: the minority.
    let d = split("cp", ["a", "a", "b"], 0.0, (20, 20));
    let mut sim = Simulation::new(&d).unwrap();
    let ms = NS_PER_S / 1_000;
    // Requests created in [20 s − 1 ms, 40 s − 1 ms) reach the database during the partition.
    let before = generated_by(&mut sim, "cb", 20 * NS_PER_S - ms);
    let during = generated_by(&mut sim, "cb", 40 * NS_PER_S - ms) - before;
    sim.run_until(secs_to_ns(60.0));
    sim.check_invariants().unwrap();
    let r = sim.report();
    let p = partition(&r);
    assert!(during > 1_500, "{during}");
    assert_eq!(p.refused_writes, during);
    // The chart shows every refusal, each in its second, and only during the partition.
    let series: Vec<_> = sim.node_series("db").unwrap().copied().collect();
    let refused: f64 = series.iter().map(|x| x.refused_per_s).sum();
    assert_eq!(refused, during as f64);
    assert!(series
        .iter()
        .filter(|x| x.t_s <= 20.0 || x.t_s > 41.0)
        .all(|x| x.refused_per_s == 0.0));
    assert!(series.iter().all(|x| x.conflicting_keys == Some(0.0)));
    assert_eq!(r.end_to_end.failures.get("no_quorum"), Some(&during));
    // Nothing else failed: the majority (zone a, with the primary) kept working.
    assert_eq!(r.end_to_end.failed, during);
    assert_eq!((p.conflicts, p.lww_lost_writes, p.split_brains), (0, 0, 0));
    assert!(!p.active);
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert!(log
        .iter()
        .any(|e| e.what == LogWhat::MinorityRefuses { members: 1 }));
}

#[test]
fn cp_majority_elects_a_primary_when_the_old_one_is_cut_off() {
    // The primary (member 0) is in zone b, the minority: zone a elects member 1 after
    // failover_detect_ms + failover_promote_ms = 5 s; its writes fail meanwhile.
    let d = split("cp", ["b", "a", "a"], 0.0, (20, 20));
    let mut sim = Simulation::new(&d).unwrap();
    let ms = NS_PER_S / 1_000;
    let a0 = generated_by(&mut sim, "ca", 20 * NS_PER_S - ms);
    let a_electing = generated_by(&mut sim, "ca", 25 * NS_PER_S - ms) - a0;
    sim.run_until(secs_to_ns(60.0));
    sim.check_invariants().unwrap();
    let r = sim.report();
    assert_eq!(r.end_to_end.failures.get("node_down"), Some(&a_electing));
    let members = &r.nodes["db"].database.as_ref().unwrap().members;
    let roles: Vec<&str> = members.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        vec!["replica", "primary", "replica"],
        "one primary after the heal"
    );
    assert_eq!(partition(&r).split_brains, 0);
}

#[test]
fn ap_takes_every_write_and_counts_keys_written_on_both_sides_as_conflicts() {
    // Zone a writes keys of a 5-key space, zone b of a 3-key space: exactly 3 keys can be
    // written on both sides (and with hundreds of writes each, all are).
    let d = split("ap", ["a", "a", "b"], 0.0, (5, 3));
    let mut sim = Simulation::new(&d).unwrap();
    let ms = NS_PER_S / 1_000;
    let b0 = generated_by(&mut sim, "cb", 20 * NS_PER_S - ms);
    let b_electing = generated_by(&mut sim, "cb", 25 * NS_PER_S - ms) - b0;
    sim.run_until(secs_to_ns(60.0));
    sim.check_invariants().unwrap();
    let r = sim.report();
    let p = partition(&r);
    assert_eq!((p.refused_writes, p.refused_reads), (0, 0));
    assert_eq!(r.end_to_end.failures.get("no_quorum"), None);
    // Zone b, without the primary, elects its own after 5 s (its writes fail meanwhile)...
    assert_eq!(r.end_to_end.failures.get("node_down"), Some(&b_electing));
    assert_eq!(r.end_to_end.failed, b_electing);
    // ...and from 25 s to the heal at 40 s there are two primaries.
    assert_eq!(p.split_brains, 1);
    assert!((p.split_brain_s - 15.0).abs() < 1e-9, "{}", p.split_brain_s);
    assert_eq!(p.conflicts, 3);
    // The chart's line: no diverged key before the cut, all three while it lasts (once both
    // sides have written them), and the same three resolved after the heal.
    let keys_at = |t: f64| {
        sim.node_series("db")
            .unwrap()
            .find(|x| (x.t_s - t).abs() < 1e-9)
            .and_then(|x| x.conflicting_keys)
    };
    assert_eq!(keys_at(19.0), Some(0.0));
    assert_eq!(keys_at(39.0), Some(3.0));
    assert_eq!(keys_at(59.0), Some(3.0));
    assert!(sim
        .node_series("db")
        .unwrap()
        .all(|x| x.refused_per_s == 0.0));
    assert_eq!(
        r.nodes["db"].database.as_ref().unwrap().conflicts,
        0,
        "counted once"
    );
    assert!(p.lww_lost_writes > 0);
    let mut log = Vec::new();
    sim.drain_log(&mut log);
    assert!(log
        .iter()
        .any(|e| matches!(e.what, LogWhat::SplitBrain { .. })));
    assert!(log.iter().any(|e| e.what
        == LogWhat::Healed {
            conflicts: 3,
            lost_writes: p.lww_lost_writes
        }));
    let roles: Vec<&str> = r.nodes["db"]
        .database
        .as_ref()
        .unwrap()
        .members
        .iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(
        roles,
        vec!["primary", "replica", "replica"],
        "one primary after the heal"
    );
}

#[test]
fn ap_reads_on_the_side_that_missed_the_writes_are_stale_and_cp_minority_reads_too() {
    for mode in ["ap", "cp"] {
        let d = split(mode, ["a", "a", "b"], 0.5, (3, 3));
        let (_, r) = super::tests::run(&d, 0.0, 60.0);
        let e = &r.end_to_end;
        assert!(
            e.stale_reads > 0,
            "{mode}: side b reads miss zone a's writes"
        );
        if mode == "cp" {
            assert_eq!(partition(&r).refused_reads, 0);
        }
    }
    // With cp_refuse_reads the minority refuses its reads too: nothing stale is served.
    let mut d = split("cp", ["a", "a", "b"], 0.5, (3, 3));
    if let NodeSpec::Database(p) = &mut d.nodes[4].spec {
        p.cp_refuse_reads = true;
    }
    let (_, r) = super::tests::run(&d, 0.0, 60.0);
    let p = partition(&r);
    assert!(p.refused_reads > 0 && p.refused_writes > 0);
    assert_eq!(
        r.end_to_end.failures.get("no_quorum"),
        Some(&(p.refused_reads + p.refused_writes))
    );
}

#[test]
fn without_a_partition_mode_nothing_changes() {
    let d = split("ignore", ["a", "a", "b"], 0.5, (3, 3));
    let (_, r) = super::tests::run(&d, 0.0, 60.0);
    assert!(r.nodes["db"].database.as_ref().unwrap().partition.is_none());
    assert_eq!(r.end_to_end.failures.get("no_quorum"), None);
    // The database node has no zone: zone b is cut off from it, as before partition modes.
    assert!(r
        .end_to_end
        .failures
        .get("partitioned")
        .is_some_and(|&n| n > 0));
    let doc = d.to_json_pretty();
    assert!(!doc.contains("partition_mode") && !doc.contains("cp_refuse_reads"));
}

#[test]
fn a_region_partition_splits_a_cp_database_whose_members_span_regions() {
    // The zone test's topology moved to regions: clients and servers in eu and us, the
    // database's members placed eu, eu, us; the us region is cut off from 20 s to 40 s. Round
    // trips are set to 0 so that requests still reach the database 1 ms after they start.
    let mut d = split("cp", ["a", "a", "b"], 0.0, (20, 20));
    d.regions = ["eu", "us"]
        .iter()
        .map(|id| Region {
            id: (*id).into(),
            label: String::new(),
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 100.0,
        })
        .collect();
    d.region_latency = vec![RegionLatency {
        a: "eu".into(),
        b: "us".into(),
        rtt_ms: 0.0,
    }];
    for n in &mut d.nodes {
        n.region = match n.zone.as_str() {
            "b" => "us".into(),
            _ => "eu".into(),
        };
        n.zone = String::new();
        if let NodeSpec::Database(p) = &mut n.spec {
            p.zones = Vec::new();
            p.regions = vec!["eu".into(), "eu".into(), "us".into()];
        }
    }
    d.chaos = vec![
        ChaosEvent {
            at_s: 20.0,
            action: ChaosAction::PartitionRegion {
                region: "us".into(),
            },
        },
        ChaosEvent {
            at_s: 40.0,
            action: ChaosAction::HealRegion {
                region: "us".into(),
            },
        },
    ];
    assert!(d.errors().is_empty(), "{:?}", d.errors());
    let mut sim = Simulation::new(&d).unwrap();
    let ms = NS_PER_S / 1_000;
    let before = generated_by(&mut sim, "cb", 20 * NS_PER_S - ms);
    let during = generated_by(&mut sim, "cb", 40 * NS_PER_S - ms) - before;
    sim.run_until(secs_to_ns(60.0));
    sim.check_invariants().unwrap();
    let r = sim.report();
    let p = partition(&r);
    assert!(during > 1_500, "{during}");
    assert_eq!(p.refused_writes, during);
    assert_eq!(r.end_to_end.failed, during);
    assert_eq!(p.conflicts, 0);
    // Undeclared regions are refused.
    let mut bad = d.clone();
    bad.chaos[0].action = ChaosAction::PartitionRegion {
        region: "mars".into(),
    };
    let codes: Vec<&str> = bad.errors().iter().map(|p| p.code).collect();
    assert_eq!(codes, vec!["no_such_region"]);
}

#[test]
fn partition_modes_need_a_single_primary() {
    let mut d = split("ap", ["a", "a", "b"], 0.5, (3, 3));
    if let NodeSpec::Database(p) = &mut d.nodes[4].spec {
        p.primaries = 2;
    }
    let codes: Vec<&str> = d.errors().iter().map(|p| p.code).collect();
    assert_eq!(codes, vec!["partition_mode_multi_primary"]);
}

#[test]
fn the_new_examples_replay_exactly() {
    for json in [
        include_str!("../../../../examples/partition-cp-vs-ap.json"),
        include_str!("../../../../examples/l7-path-routing.json"),
    ] {
        let d = Diagram::from_json(json).unwrap();
        let a = super::tests::run(&d, 2.0, 30.0);
        let b = super::tests::run(&d, 2.0, 30.0);
        assert_eq!(a.1, b.1);
        assert_eq!(a.0.events(), b.0.events());
    }
}
