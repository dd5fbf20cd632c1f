//! One node card: icon, name, what it is, live badges (throughput, p99, errors), a utilisation
//! bar, and the ports used to connect it. Coloured by health.

use crate::editor::geometry::{NODE_H, NODE_W};
use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::icons::{short_label, KindIcon};
use scaleboard_sim::diagram::{
    Algorithm, Eviction, Node, NodeSpec, Profile, Replication, RoutingPolicy, ShardStrategy,
    WritePolicy,
};
use scaleboard_sim::engine::NodeStatus;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NodeViewProps {
    pub node: Rc<Node>,
    pub x: f64,
    pub y: f64,
    pub selected: bool,
    pub down: bool,
    pub status: Option<NodeStatus>,
    /// A connection being drawn would end here.
    pub connect_target: bool,
    pub dragging: bool,
    pub lang: Lang,
    /// The SPOF analysis says: Some((is a SPOF — else a risk, explanation)).
    pub spof: Option<(bool, String)>,
    /// Zoomed far out, the card is drawn simply: its name and one figure, in larger type (the
    /// type sizes come from the canvas's world layer, `ZoomLevel::class`, so that a zoom step
    /// changes no card).
    #[prop_or_default]
    pub compact: bool,
}

/// What the node is, in a few words: "3 × medium · 8 workers".
pub fn subtitle(node: &Node, lang: Lang) -> String {
    match &node.spec {
        NodeSpec::Client(p) => {
            let shape = match p.profile {
                Profile::Constant => String::new(),
                Profile::Step { factor, .. } => format!(" · {} ×{factor}", tr(lang, "step")),
                Profile::Spike { factor, .. } => format!(" · {} ×{factor}", tr(lang, "spike")),
                Profile::Ramp { to_factor, .. } => format!(" · {} ×{to_factor}", tr(lang, "ramp")),
                Profile::Diurnal { .. } => format!(" · {}", tr(lang, "day/night")),
            };
            if let Some(k) = &p.connections {
                // Long-lived connections: the rate of connects and how long they stay.
                return format!(
                    "{}{}",
                    fill(
                        tr(lang, "{} connections/s · open {} s"),
                        &[&format::rate(k.connect_rate_per_s), &k.lifetime_s]
                    ),
                    shape
                );
            }
            format!(
                "{} {}{} · {}",
                format::rate(p.rate_rps),
                tr(lang, "req/s"),
                shape,
                fill(tr(lang, "{} reads"), &[&format::pct(p.read_ratio)])
            )
        }
        NodeSpec::LoadBalancer(p) => {
            let algo = match p.algorithm {
                Algorithm::RoundRobin => tr(lang, "round robin"),
                Algorithm::Random => tr(lang, "random"),
                Algorithm::LeastOutstanding => tr(lang, "least outstanding"),
                Algorithm::ConsistentHash => tr(lang, "consistent hash"),
            };
            let sticky = if p.sticky_sessions {
                format!(" · {}", tr(lang, "sticky"))
            } else {
                String::new()
            };
            format!("{algo}{sticky}")
        }
        NodeSpec::Server(p) => {
            let base = fill(
                tr(lang, "{} × {} · {} workers"),
                &[
                    &p.instances,
                    &crate::i18n::size_name(lang, p.size),
                    &p.workers,
                ],
            );
            if p.l1.capacity_keys > 0 {
                format!("{base} · L1")
            } else {
                base
            }
        }
        NodeSpec::Cache(p) => {
            let policy = match p.write_policy {
                WritePolicy::Invalidate => tr(lang, "invalidate"),
                WritePolicy::WriteThrough => tr(lang, "write-through"),
                WritePolicy::TtlOnly => tr(lang, "TTL only"),
            };
            let ttl = if p.ttl_ms > 0.0 {
                format!(" · TTL {}", format::ms(p.ttl_ms))
            } else {
                String::new()
            };
            let summary = fill(
                tr(lang, "{} keys{} · {}"),
                &[&format::rate(p.capacity_keys as f64), &ttl, &policy],
            );
            // The eviction policy, unless it is the usual LRU.
            match p.eviction {
                Eviction::Lru => summary,
                Eviction::Lfu => format!("{summary} · LFU"),
                Eviction::Fifo => format!("{summary} · FIFO"),
                Eviction::Random => format!("{summary} · {}", tr(lang, "random")),
            }
        }
        NodeSpec::Database(p) => {
            let mut parts = vec![if p.primaries > 1 {
                fill(tr(lang, "{} primaries"), &[&p.primaries])
            } else {
                tr(lang, "primary").to_owned()
            }];
            if p.replicas > 0 {
                let mode = match p.replication {
                    Replication::Async => tr(lang, "async"),
                    Replication::Sync => tr(lang, "sync"),
                };
                parts.push(fill(tr(lang, "{} replicas ({})"), &[&p.replicas, &mode]));
            }
            parts.push(crate::i18n::size_name(lang, p.size).to_owned());
            parts.join(" · ")
        }
        NodeSpec::ShardRouter(p) => match p.strategy {
            ShardStrategy::HashMod => tr(lang, "hash mod N").to_owned(),
            ShardStrategy::ConsistentHash => tr(lang, "consistent hash").to_owned(),
            ShardStrategy::Range => tr(lang, "key ranges").to_owned(),
        },
        NodeSpec::Cdn(p) => {
            let keys = fill(
                tr(lang, "{} keys{} · {}"),
                &[
                    &format::rate(p.capacity_keys as f64),
                    &if p.ttl_ms > 0.0 {
                        format!(" · TTL {}", format::ms(p.ttl_ms))
                    } else {
                        String::new()
                    },
                    &if p.shield { tr(lang, "shield") } else { "" },
                ],
            );
            keys.trim_end_matches(" · ").to_owned()
        }
        NodeSpec::Queue(p) => fill(
            tr(lang, "{} consumers · {} attempts"),
            &[&p.consumers.to_string(), &p.max_attempts.to_string()],
        ),
        NodeSpec::BatchJob(p) => fill(
            tr(lang, "{} map → {} reduce · {} slots"),
            &[&p.map_tasks(), &p.reducers, &p.slots()],
        ),
        NodeSpec::TrafficManager(p) => {
            let policy = match p.policy {
                RoutingPolicy::Latency => tr(lang, "latency routing"),
                RoutingPolicy::Geo => tr(lang, "geo routing"),
            };
            if p.anycast {
                format!("{policy} · {}", tr(lang, "anycast"))
            } else {
                format!("{policy} · TTL {} s", p.dns_ttl_s)
            }
        }
    }
}

#[function_component]
pub fn NodeView(props: &NodeViewProps) -> Html {
    let lang = props.lang;
    let n = &props.node;
    let kind = n.kind();
    let last = props.status.as_ref().and_then(|s| s.last);
    let down = props.down || props.status.as_ref().is_some_and(|s| !s.up);
    let util = last.map_or(0.0, |s| s.utilization);
    let errors = last.map_or(0.0, |s| s.errors_per_s);
    let health = if down {
        "is-down"
    } else if errors > 0.0 {
        "is-failing"
    } else if last.is_none() {
        "is-idle"
    } else if util >= 0.9 {
        "is-hot"
    } else if util >= 0.7 {
        "is-warm"
    } else {
        "is-ok"
    };
    let status = props.status.as_ref();
    // The autoscaler changes the count: the engine's is the truth while running.
    let instances = match &n.spec {
        NodeSpec::Server(p) => status.map_or(p.instances, |s| s.instances),
        NodeSpec::Cache(p) => p.members,
        _ => 1,
    };
    let instances_down = status.map_or(0, NodeStatus::instances_down);
    let booting = status.map_or(0, NodeStatus::booting);
    let unhealthy = status.map_or(0, |s| s.unhealthy.len());
    let standby = status.is_some_and(|s| s.standby_active);
    let slow = status.map_or(1.0, |s| s.slow);
    let injected = status.map_or(0.0, |s| s.error_rate);
    let stack = match instances {
        0 | 1 => None,
        2 => Some("stack-2"),
        _ => Some("stack-3"),
    };
    let id = &n.id;
    let rps = last.map_or(0.0, |s| s.throughput);
    let p99 = last.and_then(|s| s.p99_ms);
    let err_rate = last.map_or(0.0, |s| {
        let total = s.throughput + s.errors_per_s;
        if total > 0.0 {
            s.errors_per_s / total
        } else {
            0.0
        }
    });
    let queue = props.status.as_ref().map_or(0, |s| s.queue_now);
    let hit_ratio = last.and_then(|s| s.hit_ratio);
    let lag = last.and_then(|s| s.lag_ms);
    let stale = last.map_or(0.0, |s| s.stale_per_s);
    let conflicts = last.map_or(0.0, |s| s.conflicts_per_s);
    let mq = status.and_then(|s| s.queue.as_ref());
    let txn = status.and_then(|s| s.transactions.as_ref());
    let job = status.and_then(|s| s.job.as_ref());
    // What a screen reader says on focus: "API servers, server, 3 instances, p99 51 ms, healthy".
    let spoken = {
        let state = match health {
            "is-down" => tr(lang, "down"),
            "is-failing" => tr(lang, "failing requests"),
            "is-idle" => tr(lang, "idle"),
            "is-hot" => tr(lang, "overloaded"),
            _ => tr(lang, "healthy"),
        };
        let mut parts = vec![
            n.display_name().to_owned(),
            crate::i18n::kind_name(lang, kind).to_owned(),
        ];
        if instances > 1 {
            parts.push(fill(tr(lang, "{} instances"), &[&instances]));
        }
        if let Some(p) = p99 {
            parts.push(format!("p99 {}", format::ms(p)));
        }
        parts.push(state.to_owned());
        if let Some((true, why)) = &props.spof {
            parts.push(fill(tr(lang, "single point of failure: {}"), &[why]));
        }
        parts.join(", ")
    };
    if props.compact {
        // The one figure that says most about this kind of node now.
        let in_doubt = txn.map_or(0, |t| t.in_doubt);
        let (key, key_id) = if down {
            (tr(lang, "down").to_owned(), "key")
        } else if in_doubt > 0 {
            (fill(tr(lang, "{} in doubt"), &[&in_doubt]), "in-doubt")
        } else if let Some(j) = job {
            (
                super::job_card::phase_name(lang, j.phase).0.to_owned(),
                "job-phase",
            )
        } else if let Some(q) = mq.filter(|q| q.backlog > 0) {
            (
                fill(tr(lang, "backlog {}"), &[&format::rate(q.backlog as f64)]),
                "backlog",
            )
        } else if err_rate > 0.0 {
            (
                format!("{} {}", format::pct(err_rate), tr(lang, "errors")),
                "key",
            )
        } else if let Some(h) = hit_ratio {
            (format!("{} {}", tr(lang, "hit"), format::pct(h)), "hit")
        } else {
            match p99 {
                Some(p) => (format!("p99 {}", format::ms(p)), "key"),
                None => (format!("{}/s", format::rate(rps)), "key"),
            }
        };
        return html! {
            <div class={classes!("node", "node-compact", format!("kind-{}", kind.slug()), health,
                                 props.selected.then_some("is-selected"),
                                 props.connect_target.then_some("is-target"),
                                 props.dragging.then_some("is-dragging"))}
                 data-testid={format!("node-{id}")} data-kind={kind.slug()} data-node={id.clone()}
                 data-health={health} data-compact="true"
                 tabindex="0" role="group" aria-roledescription={tr(lang, "component")} aria-current={props.selected.then_some("true")} aria-label={spoken}
                 style={format!("transform:translate({}px,{}px);width:{NODE_W}px;height:{NODE_H}px", props.x, props.y)}>
                <span class="node-title">{ n.display_name() }</span>
                <span class="node-key" data-testid={format!("node-{id}-{key_id}")}
                      data-value={match key_id {
                          "in-doubt" => in_doubt.to_string(),
                          "backlog" => mq.map_or(0, |q| q.backlog).to_string(),
                          _ => String::new(),
                      }}>{ key }</span>
            </div>
        };
    }
    html! {
        <div class={classes!("node", format!("kind-{}", kind.slug()), health, stack,
                             props.selected.then_some("is-selected"),
                             props.connect_target.then_some("is-target"),
                             props.dragging.then_some("is-dragging"))}
             data-testid={format!("node-{id}")} data-kind={kind.slug()} data-node={id.clone()}
             data-health={health}
             tabindex="0" role="group" aria-roledescription={tr(lang, "component")} aria-current={props.selected.then_some("true")} aria-label={spoken}
             style={format!("transform:translate({}px,{}px);width:{NODE_W}px;height:{NODE_H}px", props.x, props.y)}>
            <div class="node-head">
                <span class="node-icon"><KindIcon kind={kind} size={20} /></span>
                <span class="node-title">{ n.display_name() }</span>
                if instances > 1 {
                    <span class="node-count" data-testid={format!("node-{id}-instances")}>{ format!("×{instances}") }</span>
                }
                <span class="node-kind">{ tr(lang, short_label(kind)) }</span>
            </div>
            <div class="node-sub">{ subtitle(n, lang) }</div>
            // A batch job answers no requests: its phase and job time replace the badges.
            if kind == scaleboard_sim::ComponentKind::BatchJob {
                if let Some(j) = job {
                    <div class="node-badges">
                        { super::job_card::badges(id, j, lang) }
                    </div>
                    { super::job_card::timeline(id, j, lang) }
                } else {
                    <div class="node-badges">
                        <span class="badge" data-testid={format!("node-{id}-job-phase")} data-value="waiting">
                            { tr(lang, "waiting") }
                        </span>
                    </div>
                }
            }
            if kind != scaleboard_sim::ComponentKind::BatchJob {
                <div class="node-badges">
                    <span class="badge" data-testid={format!("node-{id}-rps")} title={tr(lang, "Successful answers per second")}>
                        { format!("{}/s", format::rate(rps)) }
                    </span>
                    // A queue answers in its enqueue time: its backlog says more than its p99.
                    if mq.is_none() {
                        <span class="badge" data-testid={format!("node-{id}-p99")} title={tr(lang, "99th percentile latency at this node")}>
                            { format!("p99 {}", p99.map_or("–".into(), format::ms)) }
                        </span>
                    }
                    // What is broken comes before the rest: a card has room for three or four badges.
                    if instances_down > 0 && !down {
                        <span class="badge badge-bad" data-testid={format!("node-{id}-instances-down")}
                              title={tr(lang, "Instances or database members that are down")}>
                            { fill(tr(lang, "{} down"), &[&instances_down]) }
                        </span>
                    }
                    if booting > 0 {
                        <span class="badge badge-warn" data-testid={format!("node-{id}-booting")}
                              title={tr(lang, "Instances the autoscaler started that are still booting")}>
                            { fill(tr(lang, "{} booting"), &[&booting]) }
                        </span>
                    }
                    if unhealthy > 0 {
                        <span class="badge badge-bad" data-testid={format!("node-{id}-unhealthy")}
                              title={tr(lang, "Backends the health check took out of rotation")}>
                            { fill(tr(lang, "{} out of rotation"), &[&unhealthy]) }
                        </span>
                    }
                    if standby {
                        <span class="badge badge-warn" data-testid={format!("node-{id}-standby")}
                              title={tr(lang, "The active balancer died; its standby is serving")}>
                            { tr(lang, "standby active") }
                        </span>
                    }
                    // Message queues: what waits, how old the oldest is, what gave up.
                    if let Some(q) = mq {
                        <span class={classes!("badge", (q.backlog > 0).then_some("badge-warn"))} data-testid={format!("node-{id}-backlog")}
                              data-value={q.backlog.to_string()} title={tr(lang, "Messages waiting for a consumer (consumer lag in messages)")}>
                            { fill(tr(lang, "backlog {}"), &[&format::rate(q.backlog as f64)]) }
                        </span>
                        if q.consumer_lag_s > 0.0 {
                            <span class={classes!("badge", (q.consumer_lag_s > 5.0).then_some("badge-warn"))} data-testid={format!("node-{id}-consumer-lag")}
                                  data-value={q.consumer_lag_s.to_string()} title={tr(lang, "Age of the oldest waiting message (consumer lag in time)")}>
                                { format!("{} {}", tr(lang, "lag"), format::ms(q.consumer_lag_s * 1e3)) }
                            </span>
                        }
                        if q.dlq > 0 {
                            <span class="badge badge-bad" data-testid={format!("node-{id}-dlq")} data-value={q.dlq.to_string()}
                                  title={tr(lang, "Messages moved to the dead-letter queue after too many attempts")}>
                                { fill(tr(lang, "DLQ {}"), &[&q.dlq]) }
                            </span>
                        }
                    }
                    // Transactions this server coordinates: blocked (2PC) or undone (saga) work.
                    if let Some(t) = txn {
                        if t.in_doubt > 0 {
                            <span class="badge badge-bad" data-testid={format!("node-{id}-in-doubt")} data-value={t.in_doubt.to_string()}
                                  title={tr(lang, "2PC: transactions prepared and undecided while the coordinator is down; their locks stay held")}>
                                { fill(tr(lang, "{} in doubt"), &[&t.in_doubt]) }
                            </span>
                        }
                        if t.locks_held > 0 {
                            <span class="badge badge-warn" data-testid={format!("node-{id}-locks")} data-value={t.locks_held.to_string()}
                                  title={tr(lang, "2PC: keys locked at participants now")}>
                                { fill(tr(lang, "{} locks"), &[&t.locks_held]) }
                            </span>
                        }
                        if t.compensated > 0 {
                            <span class="badge badge-warn" data-testid={format!("node-{id}-compensated")} data-value={t.compensated.to_string()}
                                  title={tr(lang, "Saga: steps undone by a compensation since the start")}>
                                { fill(tr(lang, "{} compensated"), &[&t.compensated]) }
                            </span>
                        }
                    }
                    // With data-tier or queue badges to show, a 0 % error badge gives way.
                    if err_rate > 0.0 || (hit_ratio.is_none() && lag.is_none() && stale == 0.0 && mq.is_none()) {
                        <span class={classes!("badge", (err_rate > 0.0).then_some("badge-bad"))} data-testid={format!("node-{id}-err")}
                              title={tr(lang, "Share of answers that were errors")}>
                            { format!("{} {}", format::pct(err_rate), tr(lang, "err")) }
                        </span>
                    }
                    if let Some(h) = hit_ratio {
                        <span class="badge badge-hit" data-testid={format!("node-{id}-hit")} title={tr(lang, "Cache hit ratio")}>
                            { format!("{} {}", tr(lang, "hit"), format::pct(h)) }
                        </span>
                    }
                    if let Some(l) = lag {
                        <span class={classes!("badge", (l > 500.0).then_some("badge-warn"))} data-testid={format!("node-{id}-lag")}
                              title={tr(lang, "How far the slowest replica is behind")}>
                            { format!("{} {}", tr(lang, "lag"), format::ms(l)) }
                        </span>
                    }
                    if stale > 0.0 {
                        <span class="badge badge-stale" data-testid={format!("node-{id}-stale")} title={tr(lang, "Stale answers per second")}>
                            { format!("{} {}/s", tr(lang, "stale"), format::rate(stale)) }
                        </span>
                    }
                    if conflicts > 0.0 {
                        <span class="badge badge-conflict" data-testid={format!("node-{id}-conflicts")} title={tr(lang, "Write conflicts per second")}>
                            { format!("{} {}/s", tr(lang, "conflicts"), format::rate(conflicts)) }
                        </span>
                    }
                    if queue > 0 && mq.is_none() {
                        <span class="badge badge-warn" data-testid={format!("node-{id}-queue")} title={tr(lang, "Requests waiting now")}>
                            { fill(tr(lang, "{} queued"), &[&queue]) }
                        </span>
                    }
                    if slow != 1.0 {
                        <span class="badge badge-warn" data-testid={format!("node-{id}-slow")}
                              title={tr(lang, "Chaos: service times are multiplied")}>
                            { format!("{} ×{}", tr(lang, "slow"), format::trim_num(slow)) }
                        </span>
                    }
                    if injected > 0.0 {
                        <span class="badge badge-bad" data-testid={format!("node-{id}-injected")}
                              title={tr(lang, "Chaos: this share of requests fails on purpose")}>
                            { format!("{} {}", tr(lang, "chaos"), format::pct(injected)) }
                        </span>
                    }
                </div>
            }
            // A batch job's timeline bar takes the utilisation bar's place.
            if kind != scaleboard_sim::ComponentKind::BatchJob {
                <div class="node-util" title={tr(lang, "Utilisation")}>
                    <div class="node-util-bar" style={format!("width:{:.1}%", (util * 100.0).min(100.0))}></div>
                </div>
            }
            if down {
                <div class="node-down" data-testid={format!("node-{id}-down")}>{ tr(lang, "DOWN") }</div>
            }
            if let Some((is_spof, why)) = &props.spof {
                <div class={classes!("node-spof", (!is_spof).then_some("is-risk"))}
                     data-testid={format!("node-{id}-spof")} data-spof={is_spof.to_string()}
                     title={why.clone()} aria-label={why.clone()}>
                    { if *is_spof { tr(lang, "SPOF") } else { tr(lang, "risk") } }
                </div>
            }
            if !n.zone.is_empty() {
                <div class="node-zone" data-testid={format!("node-{id}-zone")} title={tr(lang, "Availability zone")}>
                    { &n.zone }
                </div>
            }
            // Nothing connects to a batch job: it runs on its own schedule.
            if kind != scaleboard_sim::ComponentKind::Client && kind != scaleboard_sim::ComponentKind::BatchJob {
                <div class="port port-in" data-port="in" data-node={id.clone()}></div>
            }
            if kind != scaleboard_sim::ComponentKind::BatchJob {
                <div class="port port-out" data-port="out" data-node={id.clone()} data-testid={format!("port-{id}")}
                     title={tr(lang, "Drag to another node to connect")}></div>
            }
        </div>
    }
}
