//! Links: round trips, sizes, and that nothing a link contains can panic or exhaust memory.

use super::*;
use scaleboard_sim::diagram::*;
use scaleboard_sim::dist::Rng;

/// An example diagram from `examples/`, the same files the app bundles.
fn example(name: &str) -> Diagram {
    let path = format!("{}/../../examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
    Diagram::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The name of every example.
fn example_names() -> Vec<String> {
    let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            Some(name.strip_suffix(".json")?.to_owned())
        })
        .collect();
    names.sort();
    names
}

/// The 50-node diagram of the browser benchmark (tests/e2e/bench-diagram.mjs).
pub fn fifty_nodes() -> Diagram {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for g in 0..5 {
        let y = 80.0 + g as f64 * 200.0;
        let client = ClientParams {
            rate_rps: 20_000.0,
            timeout_ms: 2_000.0,
            key_space: 100_000,
            ..Default::default()
        };
        nodes.push(Node::new(format!("clients-{g}"), NodeSpec::Client(client)).at(40.0, y));
        let lb = LoadBalancerParams {
            algorithm: Algorithm::LeastOutstanding,
            capacity_rps: 200_000.0,
            ..Default::default()
        };
        nodes.push(Node::new(format!("lb-{g}"), NodeSpec::LoadBalancer(lb)).at(340.0, y));
        let mut e = Edge::new("", format!("clients-{g}"), format!("lb-{g}"));
        e.latency_ms = 5.0;
        e.jitter_ms = 2.0;
        edges.push(e);
        for s in 0..8 {
            let id = format!("api-{g}-{s}");
            let server = ServerParams {
                workers: 32,
                queue_capacity: 200,
                service: ServiceTime {
                    distribution: Distribution::Lognormal,
                    mean_ms: 5.0,
                    cv: 1.0,
                },
                ..Default::default()
            };
            let x = 660.0 + (s % 4) as f64 * 240.0;
            let y = y - 50.0 + (s / 4) as f64 * 110.0;
            nodes.push(Node::new(&id, NodeSpec::Server(server)).at(x, y));
            let mut e = Edge::new("", format!("lb-{g}"), id);
            e.latency_ms = 0.5;
            edges.push(e);
        }
    }
    Diagram {
        name: "Benchmark: 50 nodes at 100k req/s".into(),
        seed: 7,
        nodes,
        edges,
        ..Default::default()
    }
}

#[test]
fn examples_round_trip_and_fit_in_short_links() {
    for name in example_names() {
        let name = name.as_str();
        let doc = Document::new(example(name));
        let link = encode(&doc);
        eprintln!("link length, {name}: {} characters", link.len());
        // Short enough for any chat app (the app warns from 2,000); a design spanning regions
        // carries its frames and round trips too.
        assert!(link.len() < 800, "{name}: {} characters", link.len());
        assert_eq!(decode(&link).unwrap(), doc, "{name}");
    }
}

#[test]
fn a_fifty_node_diagram_fits_in_a_thousand_characters() {
    let doc = Document {
        diagram: fifty_nodes(),
        view: Some(View {
            x: -120.5,
            y: 33.0,
            zoom: 0.75,
        }),
        playhead_s: Some(12.5),
    };
    assert_eq!(doc.diagram.nodes.len(), 50);
    assert!(doc.diagram.errors().is_empty());
    let link = encode(&doc);
    eprintln!("link length, 50 nodes: {} characters", link.len());
    assert!(link.len() <= 1_000, "{} characters", link.len());
    assert_eq!(decode(&link).unwrap(), doc);
}

#[test]
fn urls_fragments_and_bare_payloads_all_open() {
    let doc = Document::new(example("basic"));
    let url = to_url("https://scaleboard.example/app/#old-fragment", &doc);
    assert!(url.starts_with("https://scaleboard.example/app/#6."));
    let payload = encode(&doc);
    for form in [
        url.clone(),
        format!("#{payload}"),
        payload.clone(),
        format!("  {url}\n"),
    ] {
        assert_eq!(decode(&form).unwrap(), doc);
    }
    // A chat app that pads base64 or percent-escapes it does not break the link.
    assert_eq!(decode(&format!("{payload}%3D%3D")).unwrap(), doc);
}

#[test]
fn damaged_links_say_what_is_wrong() {
    let link = encode(&Document::new(example("basic")));
    let cases = [
        ("", "nothing after #"),
        ("https://scaleboard.example/", "nothing after #"),
        ("#", "nothing after #"),
        ("#abc", "no format version"),
        ("#x.abc", "not a format version"),
        ("#9.abc", "newer Scaleboard"),
        ("#7.abc", "newer Scaleboard"),
        ("#0.abc", "does not exist"),
        ("#1.@@@", "not valid base64url"),
        (&link[..link.len() / 2], "cut short"),
    ];
    for (input, needle) in cases {
        let e = decode(input).unwrap_err().to_string();
        assert!(e.starts_with("this link is damaged: "), "{e}");
        assert!(e.contains(needle), "{input:?}: {e}");
    }
    // One changed character is caught by the checksum or the decoder, never silently accepted
    // as a different diagram.
    let mut rng = Rng::seed(3);
    let original = decode(&link).unwrap();
    for _ in 0..500 {
        let mut chars: Vec<char> = link.chars().collect();
        let i = 2 + rng.below(chars.len() as u64 - 2) as usize;
        let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            [rng.below(64) as usize] as char;
        if chars[i] == c {
            continue;
        }
        chars[i] = c;
        let mutated: String = chars.into_iter().collect();
        if let Ok(doc) = decode(&mutated) {
            // base64's last character may carry unused bits: only then may it still decode,
            // and then to the very same document.
            assert_eq!(doc, original, "a changed link opened as another diagram");
        }
    }
}

#[test]
fn a_zip_bomb_is_refused_within_the_memory_cap() {
    let bomb = vec![0u8; 64 * 1024 * 1024];
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&bomb, 10);
    let link = format!("2.{}", URL_SAFE_NO_PAD.encode(&packed));
    assert!(link.len() < MAX_LINK_CHARS);
    let e = decode(&link).unwrap_err().to_string();
    assert!(e.contains("larger than any real diagram"), "{e}");
    let huge = "2.".to_string() + &"A".repeat(MAX_LINK_CHARS);
    assert!(decode(&huge)
        .unwrap_err()
        .to_string()
        .contains("characters long"));
}

/// The cap is exactly [`MAX_DECODED_BYTES`]: a payload one byte under it is read (and found
/// damaged: zeros are no diagram), one byte over it is refused as too large.
#[test]
fn the_decompression_cap_is_four_mebibytes() {
    let too_large = |n: usize| {
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; n], 10);
        let link = format!("2.{}", URL_SAFE_NO_PAD.encode(&packed));
        let e = decode(&link).unwrap_err().to_string();
        e.contains("larger than any real diagram")
    };
    assert!(!too_large(MAX_DECODED_BYTES - 1));
    assert!(!too_large(3 << 20));
    assert!(too_large(MAX_DECODED_BYTES + 1));
}

/// Arbitrary strings and bytes never panic the decoder (a fuzz loop with a fixed seed).
#[test]
fn arbitrary_input_never_panics() {
    let mut rng = Rng::seed(11);
    let good = encode(&Document::new(example("cascading-failure")));
    for round in 0..20_000 {
        let input: String = match round % 4 {
            // Random printable junk.
            0 => (0..rng.below(200))
                .map(|_| (32 + rng.below(95)) as u8 as char)
                .collect(),
            // A real link with random edits.
            1 => {
                let mut s: Vec<char> = good.chars().collect();
                for _ in 0..1 + rng.below(6) {
                    let i = rng.below(s.len() as u64) as usize;
                    match rng.below(3) {
                        0 => s[i] = (32 + rng.below(95)) as u8 as char,
                        1 => {
                            s.remove(i);
                        }
                        _ => s.insert(i, 'A'),
                    }
                }
                s.into_iter().collect()
            }
            // Valid base64 of random bytes, compressed or not.
            2 => {
                let bytes: Vec<u8> = (0..rng.below(300)).map(|_| rng.below(256) as u8).collect();
                let packed = if rng.bernoulli(0.5) {
                    miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6)
                } else {
                    bytes
                };
                format!("2.{}", URL_SAFE_NO_PAD.encode(packed))
            }
            // Valid compression of random postcard-ish bytes: reaches the decoder proper.
            _ => {
                let mut bytes =
                    crate::format::to_bytes(CURRENT_VERSION, &Document::new(example("basic")));
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(bytes.len() as u64) as usize;
                    bytes[i] = rng.below(256) as u8;
                }
                let packed = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6);
                format!("2.{}", URL_SAFE_NO_PAD.encode(packed))
            }
        };
        let _ = decode(&input);
    }
}

fn zones(rng: &mut Rng) -> Vec<String> {
    (0..rng.below(3)).map(|z| format!("zone-{z}")).collect()
}

/// Random valid documents survive link → document unchanged.
#[test]
fn random_documents_round_trip() {
    let mut rng = Rng::seed(21);
    let words = ["api", "db", "서버", "edge-ω", "", "a b", "x\"y", "🙂"];
    for case in 0..300 {
        let mut nodes = Vec::new();
        for i in 0..1 + rng.below(12) {
            let spec = match rng.below(6) {
                3 => NodeSpec::Cache(CacheParams {
                    capacity_keys: 1 + rng.below(1_000_000),
                    ttl_ms: rng.uniform() * 1e5,
                    write_policy: [
                        WritePolicy::Invalidate,
                        WritePolicy::WriteThrough,
                        WritePolicy::TtlOnly,
                    ][rng.below(3) as usize],
                    capacity_rps: rng.uniform() * 1e6,
                    latency_ms: rng.uniform(),
                    cost_per_hour: rng.uniform(),
                    members: 1 + rng.below(8) as u32,
                    hashing: [CacheHashing::Consistent, CacheHashing::Modulo]
                        [rng.below(2) as usize],
                    virtual_nodes: 1 + rng.below(300) as u32,
                    eviction: [
                        Eviction::Lru,
                        Eviction::Lfu,
                        Eviction::Fifo,
                        Eviction::Random,
                    ][rng.below(4) as usize],
                }),
                4 => NodeSpec::Database(DatabaseParams {
                    size: InstanceSize::ALL[rng.below(5) as usize],
                    connections: 1 + rng.below(500) as u32,
                    queue_capacity: rng.below(1000) as u32,
                    read_ms: rng.uniform() * 20.0,
                    write_ms: rng.uniform() * 20.0,
                    primaries: 1 + rng.below(3) as u32,
                    replicas: rng.below(5) as u32,
                    replication: if rng.bernoulli(0.5) {
                        Replication::Sync
                    } else {
                        Replication::Async
                    },
                    replication_lag_ms: rng.uniform() * 500.0,
                    apply_rate: rng.uniform() * 1e4,
                    read_from: [ReadFrom::Primary, ReadFrom::Replicas, ReadFrom::Any]
                        [rng.below(3) as usize],
                    cost_per_hour: rng.uniform(),
                    failover: rng.bernoulli(0.5),
                    failover_detect_ms: rng.uniform() * 1e4,
                    failover_promote_ms: rng.uniform() * 1e4,
                    zones: zones(&mut rng),
                    regions: Vec::new(),
                    partition_mode: Default::default(),
                    cp_refuse_reads: false,
                }),
                5 => NodeSpec::ShardRouter(ShardRouterParams {
                    strategy: [
                        ShardStrategy::HashMod,
                        ShardStrategy::ConsistentHash,
                        ShardStrategy::Range,
                    ][rng.below(3) as usize],
                    virtual_nodes: 1 + rng.below(400) as u32,
                    latency_ms: rng.uniform(),
                }),
                0 => NodeSpec::Client(ClientParams {
                    rate_rps: rng.uniform() * 1e5,
                    profile: match rng.below(5) {
                        0 => Profile::Constant,
                        1 => Profile::Step {
                            at_s: rng.uniform() * 100.0,
                            factor: 3.0,
                        },
                        2 => Profile::Spike {
                            at_s: 30.0,
                            duration_s: rng.uniform() * 9.0,
                            factor: 1.5,
                        },
                        3 => Profile::Ramp {
                            start_s: 0.0,
                            end_s: 60.0,
                            to_factor: rng.uniform() * 5.0,
                        },
                        _ => Profile::Diurnal {
                            period_s: 120.0,
                            amplitude: rng.uniform(),
                        },
                    },
                    read_ratio: rng.uniform(),
                    key_space: 1 + rng.next_u64() % 1_000_000_000_000,
                    zipf_s: rng.uniform() * 2.0,
                    sessions: 1 + rng.below(100_000),
                    timeout_ms: if rng.bernoulli(0.5) {
                        0.0
                    } else {
                        rng.uniform() * 5e3
                    },
                    retry: RetryPolicy {
                        max_retries: rng.below(5) as u32,
                        backoff_ms: rng.uniform() * 100.0,
                        multiplier: 1.0 + rng.uniform(),
                        max_backoff_ms: 5_000.0,
                        jitter: rng.bernoulli(0.5),
                    },
                    classes: Vec::new(),
                    regions: Vec::new(),
                    // Long-lived connections: a parameter written out in full (no format bump).
                    connections: rng.bernoulli(0.5).then(|| ConnectionParams {
                        connect_rate_per_s: rng.uniform() * 100.0,
                        lifetime_s: 1.0 + rng.uniform() * 600.0,
                        messages_per_s: rng.uniform() * 10.0,
                    }),
                }),
                1 => NodeSpec::LoadBalancer(LoadBalancerParams {
                    algorithm: [
                        Algorithm::RoundRobin,
                        Algorithm::Random,
                        Algorithm::LeastOutstanding,
                        Algorithm::ConsistentHash,
                    ][rng.below(4) as usize],
                    sticky_sessions: rng.bernoulli(0.5),
                    virtual_nodes: 1 + rng.below(500) as u32,
                    capacity_rps: rng.uniform() * 1e6,
                    max_queue: rng.below(1_000_000) as u32,
                    latency_ms: rng.uniform(),
                    health_check: HealthCheck {
                        enabled: rng.bernoulli(0.5),
                        interval_ms: rng.uniform() * 5e3,
                        timeout_ms: rng.uniform() * 1e3,
                        unhealthy_threshold: 1 + rng.below(10) as u32,
                        healthy_threshold: 1 + rng.below(10) as u32,
                    },
                    standby_failover_ms: if rng.bernoulli(0.5) {
                        0.0
                    } else {
                        rng.uniform() * 1e4
                    },
                    layer: Default::default(),
                    rules: Vec::new(),
                }),
                _ => NodeSpec::Server(ServerParams {
                    l1: L1Cache {
                        capacity_keys: rng.below(3) * rng.below(10_000),
                        ttl_ms: rng.uniform() * 1e4,
                    },
                    instances: 1 + rng.below(50) as u32,
                    size: InstanceSize::ALL[rng.below(5) as usize],
                    workers: 1 + rng.below(256) as u32,
                    queue_capacity: rng.below(10_000) as u32,
                    service: ServiceTime {
                        distribution: [
                            Distribution::Constant,
                            Distribution::Exponential,
                            Distribution::Lognormal,
                        ][rng.below(3) as usize],
                        mean_ms: rng.uniform() * 100.0,
                        cv: rng.uniform() * 3.0,
                    },
                    cost_per_hour: rng.uniform(),
                    autoscale: Autoscale {
                        enabled: rng.bernoulli(0.5),
                        metric: if rng.bernoulli(0.5) {
                            ScaleMetric::Cpu
                        } else {
                            ScaleMetric::Rps
                        },
                        target: rng.uniform(),
                        min: 1 + rng.below(3) as u32,
                        max: 3 + rng.below(30) as u32,
                        interval_s: 1.0 + rng.uniform() * 30.0,
                        stabilization_s: rng.uniform() * 600.0,
                        boot_s: rng.uniform() * 60.0,
                        schedule: (0..rng.below(3))
                            .map(|k| ScheduledScaling {
                                at_s: k as f64 * 60.0,
                                min: 1 + rng.below(4) as u32,
                                max: 5 + rng.below(20) as u32,
                            })
                            .collect(),
                    },
                    zones: zones(&mut rng),
                    reserved_instances: rng.below(10) as u32,
                    reserved_discount: rng.uniform(),
                    // Drawn in `queues_and_transactions_travel_in_format_5` (drawing here
                    // would change every case after it).
                    transaction: Default::default(),
                }),
            };
            let mut n = Node::new(format!("{}-{i}", words[rng.below(8) as usize]), spec);
            n.label = words[rng.below(8) as usize].to_string();
            n.x = (rng.uniform() - 0.5) * 1e4;
            n.y = (rng.below(2000) as f64) - 1000.0;
            if rng.bernoulli(0.3) {
                n.zone = words[rng.below(8) as usize].to_string();
            }
            nodes.push(n);
        }
        let mut edges = Vec::new();
        for _ in 0..rng.below(15) {
            let a = &nodes[rng.below(nodes.len() as u64) as usize].id;
            let b = &nodes[rng.below(nodes.len() as u64) as usize].id;
            let mut e = Edge::new(
                if rng.bernoulli(0.3) { "named" } else { "" },
                a.clone(),
                b.clone(),
            );
            e.latency_ms = rng.uniform() * 50.0;
            e.jitter_ms = if rng.bernoulli(0.5) {
                0.0
            } else {
                rng.uniform()
            };
            edges.push(e);
        }
        let doc = Document {
            diagram: Diagram {
                name: words[rng.below(8) as usize].repeat(rng.below(4) as usize),
                seed: rng.next_u64(),
                workload: Workload {
                    duration_s: 1.0 + rng.uniform() * 1e3,
                    warmup_s: rng.uniform(),
                    traffic_scale: rng.uniform() * 5.0,
                },
                chaos: (0..rng.below(4))
                    .map(|k| ChaosEvent {
                        at_s: k as f64 * 7.5 + rng.uniform(),
                        action: match rng.below(6) {
                            0 => ChaosAction::Kill {
                                node: nodes[0].id.clone(),
                                instance: rng.bernoulli(0.5).then(|| rng.below(4) as u32),
                            },
                            1 => ChaosAction::Slow {
                                node: nodes[0].id.clone(),
                                factor: 1.0 + rng.uniform() * 9.0,
                            },
                            2 => ChaosAction::Partition {
                                edge: "named".into(),
                            },
                            3 => ChaosAction::KillZone {
                                zone: words[rng.below(8) as usize].into(),
                            },
                            4 => ChaosAction::Errors {
                                node: nodes[0].id.clone(),
                                rate: rng.uniform(),
                            },
                            _ => ChaosAction::Traffic {
                                factor: rng.uniform() * 5.0,
                            },
                        },
                    })
                    .collect(),
                slo: if rng.bernoulli(0.5) {
                    Slo::default()
                } else {
                    Slo {
                        availability: [0.9, 0.99, 0.999, 0.9999, 0.99995][rng.below(5) as usize],
                        p99_ms: rng.uniform() * 1e3,
                    }
                },
                nodes,
                edges,
                ..Default::default()
            },
            view: rng.bernoulli(0.5).then(|| View {
                x: (rng.below(100_000) as f64 - 50_000.0) / 10.0,
                y: rng.below(1000) as f64 / 10.0,
                zoom: (1 + rng.below(3000)) as f64 / 1000.0,
            }),
            playhead_s: rng
                .bernoulli(0.5)
                .then(|| rng.below(1_000_000) as f64 / 1000.0),
        };
        // Documents being edited may be invalid (duplicate ids, cycles): links carry them anyway.
        let back = decode(&encode(&doc)).unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert_eq!(back, doc, "case {case}");
    }
}

/// Format 5's additions: the queue kind with every parameter changed, and servers' 2PC and
/// saga settings (explicit participants, failure probability) survive a link unchanged.
#[test]
fn queues_and_transactions_travel_in_format_5() {
    let mut rng = Rng::seed(13);
    for case in 0..100 {
        let queue = QueueParams {
            consumers: 1 + rng.below(500) as u32,
            visibility_timeout_ms: rng.uniform() * 1e5,
            max_attempts: 1 + rng.below(50) as u32,
            retention_s: rng.uniform() * 1e6,
            capacity: 1 + rng.below(1_000_000),
            idempotent: rng.bernoulli(0.5),
            enqueue_ms: rng.uniform() * 10.0,
        };
        let protocol = [
            TxnProtocol::None,
            TxnProtocol::TwoPhaseCommit,
            TxnProtocol::Saga,
        ][rng.below(3) as usize];
        let server = ServerParams {
            transaction: TransactionParams {
                protocol,
                participants: (0..rng.below(3)).map(|i| format!("db{i}")).collect(),
                failure_probability: rng.uniform(),
                timeout_ms: rng.uniform() * 1e4,
                local_ms: rng.uniform() * 10.0,
            },
            ..Default::default()
        };
        let doc = Document::new(Diagram {
            nodes: vec![
                Node::new("q", NodeSpec::Queue(queue)),
                Node::new("s", NodeSpec::Server(server)),
                Node::new("db0", NodeSpec::Database(Default::default())),
            ],
            edges: vec![Edge::new("e1", "q", "s"), Edge::new("e2", "s", "db0")],
            ..Default::default()
        });
        let link = encode(&doc);
        assert!(link.starts_with("6."), "{link}");
        assert_eq!(decode(&link).unwrap(), doc, "case {case}");
    }
    // A queue with today's defaults costs nothing beyond its kind and id.
    let plain = Document::new(Diagram {
        nodes: vec![Node::new("q", NodeSpec::Queue(Default::default()))],
        ..Default::default()
    });
    let with_server = Document::new(Diagram {
        nodes: vec![Node::new("q", NodeSpec::Server(Default::default()))],
        ..Default::default()
    });
    assert_eq!(encode(&plain).len(), encode(&with_server).len());
}

/// Format 6's addition: the batch job kind with every parameter changed survives a link
/// unchanged, and one with today's defaults costs nothing beyond its kind and id.
#[test]
fn batch_jobs_travel_in_format_6() {
    let mut rng = Rng::seed(20);
    for case in 0..100 {
        let job = BatchJobParams {
            records: 1 + rng.below(1_000_000_000),
            split_records: 1 + rng.below(1_000_000),
            map_us_per_record: rng.uniform() * 100.0,
            workers: 1 + rng.below(100) as u32,
            slots_per_worker: 1 + rng.below(8) as u32,
            reducers: 1 + rng.below(100) as u32,
            reduce_us_per_record: rng.uniform() * 100.0,
            record_bytes: rng.uniform() * 1000.0,
            shuffle_mb_per_s: 1.0 + rng.uniform() * 1000.0,
            setup_s: rng.uniform() * 10.0,
            start_s: rng.uniform() * 100.0,
            period_s: rng.uniform() * 600.0,
            straggler_factor: 1.0 + rng.uniform() * 5.0,
            speculative: rng.bernoulli(0.5),
            speculation_factor: 1.0 + rng.uniform(),
        };
        let doc = Document::new(Diagram {
            nodes: vec![Node::new("job", NodeSpec::BatchJob(job))],
            ..Default::default()
        });
        let link = encode(&doc);
        assert!(link.starts_with("6."), "{link}");
        assert_eq!(decode(&link).unwrap(), doc, "case {case}");
    }
    let plain = Document::new(Diagram {
        nodes: vec![Node::new("q", NodeSpec::BatchJob(Default::default()))],
        ..Default::default()
    });
    let with_server = Document::new(Diagram {
        nodes: vec![Node::new("q", NodeSpec::Server(Default::default()))],
        ..Default::default()
    });
    assert_eq!(encode(&plain).len(), encode(&with_server).len());
}

/// A link of exactly the longest length is read (and found damaged only for what it holds);
/// one character more is refused for its length.
#[test]
fn the_length_limit_is_inclusive() {
    let at_limit = format!("2.{}", "A".repeat(MAX_LINK_CHARS - 2));
    let e = decode(&at_limit).unwrap_err().to_string();
    assert!(!e.contains("characters long"), "{e}");
    let over = format!("2.{}", "A".repeat(MAX_LINK_CHARS - 1));
    assert!(decode(&over)
        .unwrap_err()
        .to_string()
        .contains("characters long"));
    // The same for a comparison link, as a whole.
    let c = crate::compare_url(
        "",
        &scaleboard_sim::compare::Comparison::new(
            example("basic"),
            example("basic"),
            scaleboard_sim::compare::Labels::default(),
        ),
    );
    let pad = |n: usize| format!("{c}{}", "x".repeat(n));
    let base = pad(0).len();
    let e = crate::decode_compare(&pad(MAX_LINK_CHARS - base))
        .unwrap_err()
        .to_string();
    assert!(!e.contains("characters long"), "{e}");
    let e = crate::decode_compare(&pad(MAX_LINK_CHARS - base + 1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("characters long"), "{e}");
}

/// Each way a payload can be spoiled is named: a changed checksum, a version that is no
/// number (its start quoted, clipped to 12 characters).
#[test]
fn a_changed_checksum_and_a_bad_version_are_named() {
    let good = encode(&Document::new(example("basic")));
    let (version, body) = good.split_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55; // the Adler-32 trailer
    let spoiled = format!("{version}.{}", URL_SAFE_NO_PAD.encode(&bytes));
    let e = decode(&spoiled).unwrap_err().to_string();
    assert!(e.contains("checksum does not match"), "{e}");
    let e = decode("abcdefghijklmnopqrstuvwxyz.AAAA")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'abcdefghijkl' is not a format version"), "{e}");
}

/// A negative or non-finite playhead is left out of the link, not turned into 0.
#[test]
fn a_negative_playhead_is_left_out() {
    for bad in [-5.0, f64::NAN, f64::INFINITY] {
        let doc = Document {
            playhead_s: Some(bad),
            ..Document::new(example("basic"))
        };
        assert_eq!(decode(&encode(&doc)).unwrap().playhead_s, None, "{bad}");
    }
}
