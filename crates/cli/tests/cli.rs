//! The `scaleboard` command as a user runs it: every example works, bad input gets a message
//! naming the problem and a non-zero exit, never a panic.

mod common;

use common::{root, scaleboard, stderr, stdout};

/// Fails with the message, exit status `code`, and no sign of a panic.
fn assert_refused(args: &[&str], code: i32, needle: &str) {
    let o = scaleboard(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: expected '{needle}' in: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn every_example_runs_and_reports_what_the_docs_promise() {
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 6);
    for path in examples {
        let p = path.to_string_lossy();
        let o = scaleboard(&["run", &p, "--duration", "12", "--warmup", "2"]);
        assert!(o.status.success(), "{p}: {}", stderr(&o));
        let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        // A diagram of batch jobs alone serves no requests: its jobs report their runs.
        let nodes = r["nodes"].as_object().unwrap();
        if nodes.values().all(|n| n["kind"] == "batch_job") {
            for (id, n) in nodes {
                assert!(
                    n["job"]["runs"]["started"].as_u64().unwrap() > 0,
                    "{p}: {id}"
                );
            }
            continue;
        }
        let e = &r["end_to_end"];
        assert!(e["completed"].as_u64().unwrap() > 0, "{p}");
        for key in ["throughput", "error_rate"] {
            assert!(e[key].is_number(), "{p}: end_to_end.{key}");
        }
        for q in ["mean", "p50", "p95", "p99"] {
            assert!(e["latency_ms"][q].is_number(), "{p}: latency_ms.{q}");
        }
        assert!(e["ci95"]["mean_ms"]["low"].is_number(), "{p}: ci95");
        for (id, n) in r["nodes"].as_object().unwrap() {
            for key in [
                "throughput",
                "utilization",
                "error_rate",
                "latency_ms",
                "ci95",
            ] {
                assert!(n.get(key).is_some(), "{p}: nodes.{id}.{key}");
            }
        }
    }
}

#[test]
fn seeds_replay_exactly() {
    let run = |seed: &str| {
        stdout(&scaleboard(&[
            "run",
            "examples/basic.json",
            "--duration",
            "8",
            "--seed",
            seed,
            "--compact",
        ]))
    };
    assert_eq!(run("5"), run("5"));
    assert_ne!(run("5"), run("6"));
}

#[test]
fn series_lists_every_simulated_second() {
    let o = scaleboard(&[
        "run",
        "examples/retry-storm.json",
        "--duration",
        "10",
        "--series",
    ]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = r["series"].as_array().unwrap();
    assert_eq!(s.len(), 10);
    assert_eq!(s[9]["t_s"], 10.0);
}

#[test]
fn bad_input_is_named_not_panicked_on() {
    let dir = std::env::temp_dir().join(format!("scaleboard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    };
    assert_refused(&["run", "no/such/file.json"], 1, "cannot read the file");
    assert_refused(
        &["run", &write("broken.json", "{\"version\": 1,")],
        1,
        "not valid JSON",
    );
    let dangling = write(
        "dangling.json",
        r#"{"version":1,"nodes":[{"id":"c","kind":"client","params":{"rate_rps":-1}}],
            "edges":[{"from":"c","to":"nowhere"}]}"#,
    );
    assert_refused(&["run", &dangling], 1, "edge 'c→nowhere', to: dangling");
    assert_refused(
        &["run", &dangling],
        1,
        "node 'c', params.rate_rps: must not be negative",
    );
    assert_refused(&["validate", &dangling], 1, "3 problem(s)");
    let binary = dir.join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x9c]).unwrap();
    assert_refused(
        &["run", &binary.to_string_lossy()],
        1,
        "cannot read the file",
    );
    assert_refused(&["run"], 2, "needs a diagram file");
    assert_refused(
        &["run", "examples/basic.json", "--duration"],
        2,
        "needs a value",
    );
    assert_refused(
        &["run", "examples/basic.json", "--duration", "-4"],
        2,
        "non-negative",
    );
    assert_refused(
        &["run", "examples/basic.json", "--seed", "x"],
        2,
        "whole number",
    );
    assert_refused(
        &["run", "examples/basic.json", "--warmup", "99"],
        1,
        "warmup_s",
    );
    assert_refused(
        &["run", "examples/basic.json", "--fast"],
        2,
        "unknown option",
    );
    assert_refused(&["frobnicate"], 2, "unknown command");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_accepts_a_good_diagram() {
    let o = scaleboard(&["validate", "examples/basic.json"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("ok — 3 nodes, 2 edges"));
}

#[test]
fn bench_prints_one_json_line() {
    let o = scaleboard(&["bench", "--json", "--seconds", "0.5"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v["events_per_s"].as_f64().unwrap() > 0.0);
    assert!(v["requests_per_s"].as_f64().unwrap() > 0.0);
    // The bare loop ran beside it, and the ratio is the one of the two rates.
    let reference = v["reference_requests_per_s"].as_f64().unwrap();
    let ratio = v["reference_ratio"].as_f64().unwrap();
    assert!(reference > 0.0);
    let expected = reference / v["requests_per_s"].as_f64().unwrap();
    assert!(
        (ratio - expected).abs() < 0.01 + expected * 1e-3,
        "{ratio} vs {expected}"
    );
}

#[test]
fn a_link_works_wherever_a_file_does() {
    let o = scaleboard(&[
        "link",
        "examples/basic.json",
        "--base",
        "https://sb.example/app/",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let link = stdout(&o).trim().to_owned();
    let prefix = format!(
        "https://sb.example/app/#{}.",
        scaleboard_link::CURRENT_VERSION
    );
    assert!(link.starts_with(&prefix), "{link}");
    let fragment = link.split('#').nth(1).unwrap().to_owned();
    let run = |what: &str| stdout(&scaleboard(&["run", what, "--duration", "8", "--compact"]));
    let from_file = run("examples/basic.json");
    assert_eq!(run(&link), from_file);
    assert_eq!(run(&format!("#{fragment}")), from_file);
    assert_eq!(run(&fragment), from_file);
    assert!(scaleboard(&["validate", &link]).status.success());
    // A damaged link gets the same clear message as a damaged file.
    let cut = &link[..link.len() - 20];
    assert_refused(&["run", cut], 1, "this link is damaged");
}

#[test]
fn the_report_names_single_points_of_failure_and_scores_the_slo() {
    let run = |file: &str| -> serde_json::Value {
        let o = scaleboard(&["run", file]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    // The lone balancer is named, with its blast radius; its scripted death breaks the SLO.
    let r = run("examples/lone-load-balancer.json");
    let spofs = r["spof"]["spofs"].as_array().unwrap();
    assert_eq!(spofs.len(), 1, "{spofs:?}");
    assert_eq!(spofs[0]["element"]["id"], "lb");
    assert_eq!(spofs[0]["blast"]["users"], 1.0);
    assert!(spofs[0]["why"].as_str().unwrap().contains("load balancer"));
    let slo = &r["end_to_end"]["slo"];
    assert_eq!(slo["met"], false);
    assert!(slo["error_budget_burn"].as_f64().unwrap() > 1.0);
    // The standby pair with health checks has none.
    let r = run("examples/health-checks.json");
    assert!(r["spof"]["spofs"].as_array().unwrap().is_empty());
    // A zone holding the only database is one.
    let r = run("examples/zones.json");
    let spofs = r["spof"]["spofs"].as_array().unwrap();
    assert!(spofs
        .iter()
        .any(|f| f["element"]["type"] == "zone" && f["element"]["id"] == "zone-a"));
}

#[test]
fn the_report_shows_queues_and_transactions() {
    let run = |file: &str, secs: &str| -> serde_json::Value {
        let o = scaleboard(&["run", file, "--duration", secs, "--warmup", "0"]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    // Too few consumers: a backlog, lagging by seconds; every message accounted for.
    let r = run("examples/queue-backlog.json", "50");
    let q = &r["nodes"]["jobs"]["queue"];
    assert!(n(&q["backlog"]) > 1_000, "{q}");
    assert!(q["consumer_lag_s"].as_f64().unwrap() > 5.0, "{q}");
    assert_eq!(
        n(&q["enqueued"]),
        n(&q["processed"])
            + n(&q["backlog"])
            + n(&q["in_flight"])
            + n(&q["dlq"])
            + n(&q["expired"])
    );
    for key in ["duplicates", "duplicates_absorbed", "redeliveries", "dlq"] {
        assert!(q[key].is_u64(), "queue.{key}");
    }
    // Producers are answered long before the work is done.
    assert!(r["end_to_end"]["latency_ms"]["p99"].as_f64().unwrap() < 100.0);
    assert!(q["delay_ms"]["p50"].as_f64().unwrap() > 1_000.0);
    // 30 s in, the coordinator has been dead for 10: its prepared transactions are in doubt,
    // their locks held.
    let r = run("examples/two-phase-commit.json", "30");
    let t = &r["nodes"]["orders"]["transactions"];
    assert!(n(&t["in_doubt"]) > 0, "{t}");
    assert!(n(&t["locks_held"]) >= n(&t["in_doubt"]), "{t}");
    assert!(t["lock_wait_ms"]["p99"].is_number(), "{t}");
    // Failed saga steps are compensated, and some reads saw the state in between.
    let r = run("examples/saga-compensation.json", "30");
    let t = &r["nodes"]["booking"]["transactions"];
    assert!(n(&t["aborted"]) > 0 && n(&t["compensated"]) > 0, "{t}");
    assert!(n(&t["anomaly_reads"]) > 0, "{t}");
    assert!(n(&r["end_to_end"]["failures"]["aborted"]) > 0);
    // Under the partition 2PC aborts; the saga compensates.
    let r = run("examples/2pc-vs-saga-under-partition.json", "60");
    assert!(n(&r["nodes"]["tpc"]["transactions"]["aborted"]) > 0);
    assert!(n(&r["nodes"]["saga"]["transactions"]["compensated"]) > 0);
    assert_eq!(n(&r["nodes"]["tpc"]["transactions"]["compensated"]), 0);
}

/// The long-connections example: where connections are per backend and how they ended (the
/// autoscaler's scale-in drains, nothing is dropped), and where requests went.
#[test]
fn the_report_shows_connections_and_where_requests_went() {
    let o = scaleboard(&["run", "examples/long-connections.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    let c = &r["end_to_end"]["connections"];
    assert_eq!(
        n(&c["opened"]),
        n(&c["open"]) + n(&c["closed"]) + n(&c["dropped"]) + n(&c["drained"]),
        "{c}"
    );
    assert!(n(&c["drained"]) > 0, "the scale-in drained: {c}");
    assert_eq!(n(&c["dropped"]), 0, "and cut nothing: {c}");
    let lb = &r["nodes"]["lb"]["balancer"];
    assert_eq!(lb["connections"], *c, "one balancer: the same counts");
    let backends = lb["backends"].as_array().unwrap();
    let open: u64 = backends.iter().map(|b| n(&b["open_connections"])).sum();
    assert_eq!(open, n(&c["open"]));
    let sent: u64 =
        backends.iter().map(|b| n(&b["requests"])).sum::<u64>() + n(&lb["departed_requests"]);
    let shares: f64 = backends.iter().map(|b| b["share"].as_f64().unwrap()).sum();
    assert!(
        n(&lb["departed_requests"]) > 0,
        "scaled-in backends had served: {lb}"
    );
    assert!(
        (shares - (sent - n(&lb["departed_requests"])) as f64 / sent as f64).abs() < 1e-9,
        "{lb}"
    );
    assert!(backends[0]["backend"].as_str().unwrap().starts_with("api#"));
    // A balancer without connections reports requests only.
    let o = scaleboard(&["run", "examples/basic.json", "--duration", "10"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(r["end_to_end"].get("connections").is_none());
    let b = &r["nodes"]["lb"]["balancer"]["backends"][0];
    assert!(b["requests"].as_u64().unwrap() > 0 && b.get("open_connections").is_none());
}

#[test]
fn the_report_shows_cache_clusters_and_eviction_policies() {
    let run = |file: &str, secs: &str| -> serde_json::Value {
        let o = scaleboard(&["run", file, "--duration", secs]);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    // 30 s in, member 1 has been dead for 10: a quarter of the key space moved (consistent
    // hashing), the others carry all the load.
    let r = run("examples/cache-cluster.json", "30");
    let c = &r["nodes"]["cache"]["cache"];
    assert_eq!(c["eviction"], "lru");
    let cl = &c["cluster"];
    assert_eq!(cl["hashing"], "consistent");
    assert_eq!(cl["members"].as_array().unwrap().len(), 4);
    assert_eq!(cl["members"][1]["up"], false);
    assert!((f(&cl["remapped_share"]) - 0.25).abs() < 0.0625, "{cl}");
    assert_eq!(f(&cl["remapped_at_s"]), 20.0);
    assert_eq!(r["nodes"]["cache"]["instances"], 4);
    let shares: f64 = (0..4).map(|i| f(&cl["members"][i]["load_share"])).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{cl}");
    // The same traffic through four policies: LFU hits most, FIFO and random least.
    let r = run("examples/eviction-policies.json", "60");
    let hit = |id: &str| f(&r["nodes"][id]["cache"]["hit_ratio"]);
    assert_eq!(r["nodes"]["lfu"]["cache"]["eviction"], "lfu");
    assert!(hit("lfu") > hit("lru"), "{}", r["nodes"]);
    assert!(
        hit("lru") > hit("fifo").max(hit("random")),
        "{}",
        r["nodes"]
    );
}

/// The report of a batch job: its phases in order with start and end, the job time, and every
/// task attempt accounted for; speculation beats the straggler.
#[test]
fn the_report_shows_a_batch_jobs_phases_and_tasks() {
    let o = scaleboard(&["run", "examples/batch-mapreduce.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    let n = |v: &serde_json::Value| v.as_u64().unwrap();
    let mut times = Vec::new();
    for id in ["plain", "speculative"] {
        let j = &r["nodes"][id]["job"];
        assert_eq!(j["phase"], "done", "{j}");
        let t = &j["timeline"];
        // Each phase starts when the one before ends.
        let mut at = f(&t["started_s"]);
        for phase in ["setup", "map", "shuffle", "reduce"] {
            assert_eq!(f(&t[phase]["start_s"]), at, "{id} {phase}");
            at = f(&t[phase]["end_s"]);
            assert!(at > f(&t[phase]["start_s"]), "{id} {phase}");
        }
        assert_eq!(f(&t["finished_s"]), at);
        assert_eq!(f(&j["job_time_s"]), at - f(&t["started_s"]));
        let k = &j["tasks"];
        assert_eq!(
            n(&k["launched"]),
            n(&k["completed"]) + n(&k["killed"]) + n(&k["lost"]) + n(&k["running"]),
            "{k}"
        );
        assert_eq!(
            n(&k["completed"]),
            n(&j["map_tasks"]) + n(&j["reduce_tasks"])
        );
        times.push(f(&j["job_time_s"]));
    }
    assert!(times[1] < times[0], "speculation wins: {times:?}");
    assert!(n(&r["nodes"]["speculative"]["job"]["tasks"]["backups_won"]) > 0);
    assert_eq!(
        n(&r["nodes"]["plain"]["job"]["tasks"]["backups_launched"]),
        0
    );
}
