//! A selected component: header (icon, label, id), live figures, every parameter of its kind in
//! groups, and the Kill/Revive and Delete actions.

use super::check::{
    add_schedule_row, autoscale_range, fmt_money, fmt_num, fmt_zones, from_slug, group_cost_text,
    keys_moved, keys_moved_parts, largest_key_space, parse_float, parse_positive, parse_whole,
    parse_zone, parse_zones, profile_default, profile_fields, profile_slug, remove_schedule_row,
    set_metric, set_profile_field, shard_count, size_from_slug, slug_of, Candidate, FieldError,
    DEFAULT_RPS_TARGET, PROFILE_SLUGS, READ_FROMS, REPLICATIONS, SCALE_METRICS, SHARD_STRATEGIES,
    WRITE_POLICIES,
};
use super::fields::{note, section, ActionButton, CheckField, InputField, Readout, SelectField};
use super::{committer, delete_button, parse_bool, parse_text, InspectorProps};
use crate::i18n::{fill, tr, Lang};
use crate::icons::KindIcon;
use scaleboard_sim::diagram::{
    Algorithm, Autoscale, CacheParams, ClientParams, DatabaseParams, Diagram, Distribution,
    InstanceSize, Layer, LoadBalancerParams, Node, NodeSpec, PartitionMode, ReadFrom, Replication,
    ScaleMetric, ServerParams, ShardRouterParams, ShardStrategy, WritePolicy,
};
use std::rc::Rc;
use yew::prelude::*;

pub use crate::i18n::kind_name;

/// Everything a field of this node needs to commit.
pub(super) struct Ctx {
    pub(super) doc: Rc<Diagram>,
    pub(super) node: Node,
    pub(super) lang: Lang,
    pub(super) on_node: Callback<Node>,
}

/// Applies `f` to the parameters if the node is of that kind.
fn client<T>(f: impl Fn(&mut ClientParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Client(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn balancer<T>(f: impl Fn(&mut LoadBalancerParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::LoadBalancer(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn server<T>(f: impl Fn(&mut ServerParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Server(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn cache<T>(f: impl Fn(&mut CacheParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Cache(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn database<T>(f: impl Fn(&mut DatabaseParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Database(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn router<T>(f: impl Fn(&mut ShardRouterParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::ShardRouter(p) = &mut n.spec {
            f(p, v)
        }
    }
}

/// Label, unit and help of a field, already in the UI language.
pub(super) struct Text {
    pub(super) label: &'static str,
    pub(super) unit: &'static str,
    pub(super) help: &'static str,
}

impl Ctx {
    pub(super) fn commit<T: 'static>(
        &self,
        field: impl Into<String>,
        parse: impl Fn(&str) -> Result<T, FieldError> + 'static,
        set: impl Fn(&mut Node, T) + 'static,
    ) -> super::fields::Commit {
        let node = self.node.clone();
        let on_node = self.on_node.clone();
        committer(
            &self.doc,
            field,
            parse,
            move |v| {
                let mut n = node.clone();
                set(&mut n, v);
                Some(Candidate::Node(n))
            },
            move |c| {
                if let Candidate::Node(n) = c {
                    on_node.emit(n);
                }
            },
        )
    }

    /// A decimal field.
    pub(super) fn num(
        &self,
        path: impl Into<AttrValue>,
        t: Text,
        value: f64,
        default: f64,
        set: impl Fn(&mut Node, f64) + 'static,
    ) -> Html {
        let path = path.into();
        html! {
            <InputField path={path.clone()} label={t.label} unit={t.unit} help={t.help}
                        value={fmt_num(value)} placeholder={fmt_num(default)} lang={self.lang}
                        commit={self.commit(path.to_string(), parse_float, set)} />
        }
    }

    /// A decimal field that must be greater than 0 (where 0 would mean "off", and "off" has
    /// its own checkbox).
    pub(super) fn positive(
        &self,
        path: &'static str,
        t: Text,
        value: f64,
        default: f64,
        set: impl Fn(&mut Node, f64) + 'static,
    ) -> Html {
        html! {
            <InputField path={path} label={t.label} unit={t.unit} help={t.help}
                        value={fmt_num(value)} placeholder={fmt_num(default)} lang={self.lang}
                        commit={self.commit(path, parse_positive, set)} />
        }
    }

    /// A count field, `0..=u32::MAX` (the engine sets the real bounds).
    pub(super) fn count(
        &self,
        path: impl Into<AttrValue>,
        t: Text,
        value: u64,
        default: u64,
        max: u64,
        set: impl Fn(&mut Node, u64) + 'static,
    ) -> Html {
        let path = path.into();
        html! {
            <InputField path={path.clone()} label={t.label} unit={t.unit} help={t.help}
                        value={value.to_string()} placeholder={default.to_string()}
                        lang={self.lang} inputmode="numeric"
                        commit={self.commit(path.to_string(), move |s: &str| parse_whole(s, max), set)} />
        }
    }

    /// A comma-separated list of availability zones; empty shows the node's own zone.
    fn zones(
        &self,
        path: &'static str,
        t: Text,
        value: &[String],
        set: impl Fn(&mut Node, Vec<String>) + 'static,
    ) -> Html {
        let placeholder = if self.node.zone.is_empty() {
            AttrValue::Static(tr(self.lang, "none"))
        } else {
            AttrValue::from(self.node.zone.clone())
        };
        html! {
            <InputField path={path} label={t.label} unit={t.unit} help={t.help}
                        value={fmt_zones(value)} placeholder={placeholder} lang={self.lang}
                        inputmode="text" commit={self.commit(path, parse_zones, set)} />
        }
    }

    pub(super) fn check(
        &self,
        path: &'static str,
        label: &'static str,
        help: &'static str,
        checked: bool,
        set: impl Fn(&mut Node, bool) + 'static,
    ) -> Html {
        html! {
            <CheckField path={path} label={label} help={help} checked={checked}
                        lang={self.lang} commit={self.commit(path, parse_bool, set)} />
        }
    }

    /// A drop-down of `(slug, text)`; `set` receives the chosen slug.
    pub(super) fn select(
        &self,
        path: &'static str,
        label: &'static str,
        help: &'static str,
        value: &'static str,
        options: Vec<(&'static str, String)>,
        set: impl Fn(&mut Node, String) + 'static,
    ) -> Html {
        let options: Vec<(AttrValue, AttrValue)> = options
            .into_iter()
            .map(|(v, t)| (AttrValue::Static(v), AttrValue::from(t)))
            .collect();
        html! {
            <SelectField path={path} label={label} help={help} value={value}
                         options={options} lang={self.lang}
                         commit={self.commit(path, parse_text, set)} />
        }
    }
}

pub(super) const U32: u64 = u32::MAX as u64;

pub fn view(props: &InspectorProps, node: &Node) -> Html {
    let lang = props.lang;
    let l = lang;
    let kind = node.kind();
    let down = props.down.contains(&node.id);
    let cx = Ctx {
        doc: props.doc.clone(),
        node: node.clone(),
        lang,
        on_node: props.on_node.clone(),
    };
    let label_commit = cx.commit("label", parse_text, |n: &mut Node, v: String| n.label = v);
    let zone_commit = cx.commit("zone", parse_zone, |n: &mut Node, v: String| n.zone = v);
    // Region ids follow the same rules as zone names (validation names unknown regions).
    let region_commit = cx.commit("region", parse_zone, |n: &mut Node, v: String| n.region = v);
    let params = match &node.spec {
        NodeSpec::Client(p) => client_params(&cx, p),
        NodeSpec::LoadBalancer(p) => balancer_params(&cx, p),
        NodeSpec::Server(p) => server_params(&cx, p),
        NodeSpec::Cache(p) => cache_params(&cx, p),
        NodeSpec::Database(p) => database_params(&cx, p),
        NodeSpec::ShardRouter(p) => router_params(&cx, p),
        NodeSpec::TrafficManager(p) => super::traffic_manager::params(&cx, p),
        NodeSpec::Cdn(p) => super::cdn::params(&cx, p),
        NodeSpec::Queue(p) => super::queue::params(&cx, p),
        NodeSpec::BatchJob(p) => super::batch_job::params(&cx, p),
    };
    let toggle = {
        let (cb, id) = (props.on_set_down.clone(), node.id.clone());
        Callback::from(move |_: MouseEvent| cb.emit((id.clone(), !down)))
    };
    html! {
        <>
            <header class={classes!("insp-head", format!("kind-{}", kind.slug()))}>
                <div class="insp-head-top">
                    <span class="insp-icon"><KindIcon kind={kind} size={26} /></span>
                    <span class="insp-kind" data-testid="inspector-kind">
                        { kind_name(lang, kind) }
                    </span>
                    if down {
                        <span class="insp-badge is-down" data-testid="down-badge">
                            { tr(l, "Down") }
                        </span>
                    }
                </div>
                <InputField path="label" label={tr(l, "Label")} lang={lang}
                            help={tr(l, "Name shown on the canvas; leave empty to show the id.")}
                            value={node.label.clone()} placeholder={node.id.clone()}
                            inputmode="text" commit={label_commit} />
                <InputField path="zone" label={tr(l, "Zone")} lang={lang}
                            help={tr(l, "Availability zone this component runs in (e.g. zone-a); a whole zone can fail or be cut off at once. Empty = none.")}
                            value={node.zone.clone()} placeholder={tr(l, "none")}
                            inputmode="text" commit={zone_commit} />
                if kind != scaleboard_sim::ComponentKind::TrafficManager
                    && (!props.doc.regions.is_empty() || !node.region.is_empty()) {
                    <InputField path="region" label={tr(l, "Region")} lang={lang}
                                help={tr(l, "Region the component runs in (e.g. us-east); links that cross regions pay the round trip between them. Empty = none.")}
                                value={node.region.clone()} placeholder={tr(l, "none")}
                                inputmode="text" commit={region_commit} />
                }
                <div class="insp-id-row">
                    <span class="field-label">{ tr(l, "ID") }</span>
                    <code class="insp-id" data-testid="node-id"
                          title={tr(l, "Used by connections, reports and files; cannot be changed here.")}>
                        { node.id.clone() }
                    </code>
                </div>
            </header>
            <div class="insp-live" data-testid="inspector-live">{ props.live.clone() }</div>
            { params }
            <div class="insp-actions">
                <button type="button"
                        class={classes!("btn", "insp-btn",
                                        if down { "insp-btn-ok" } else { "insp-btn-danger" })}
                        data-testid="kill-toggle" aria-pressed={down.to_string()}
                        title={if down {
                            tr(l, "Bring this component back into service")
                        } else {
                            tr(l, "Fail this component: what it holds errors out and new requests are refused")
                        }}
                        onclick={toggle}>
                    { if down { tr(l, "Revive") } else { tr(l, "Kill") } }
                </button>
                { delete_button(props) }
            </div>
        </>
    }
}

fn client_params(cx: &Ctx, p: &ClientParams) -> Html {
    let l = cx.lang;
    let d = ClientParams::default();
    let profile_options = PROFILE_SLUGS
        .iter()
        .map(|&slug| (slug, profile_name(l, slug).to_owned()))
        .collect();
    let profile_fields_html: Html = profile_fields(&p.profile)
        .into_iter()
        .map(|(name, value)| profile_field(cx, &p.profile, name, value))
        .collect();
    let traffic = html! {
        <>
            { cx.num("params.rate_rps", Text {
                label: tr(l, "Request rate"), unit: "req/s",
                help: tr(l, "Average requests per second this client sends."),
            }, p.rate_rps, d.rate_rps, client(|p, v| p.rate_rps = v)) }
            { cx.select("params.profile", tr(l, "Traffic shape"),
                tr(l, "How the rate changes over the run."),
                profile_slug(&p.profile), profile_options,
                client(|p, slug: String| {
                    if let Some(new) = profile_default(&slug) {
                        // Choosing the current shape again keeps its values.
                        if profile_slug(&p.profile) != slug {
                            p.profile = new;
                        }
                    }
                })) }
            if !matches!(p.profile, scaleboard_sim::diagram::Profile::Constant) {
                <div class="insp-subfields">{ profile_fields_html }</div>
            }
            { cx.num("params.read_ratio", Text {
                label: tr(l, "Read share"), unit: "0–1",
                help: tr(l, "Fraction of requests that are reads; the rest are writes."),
            }, p.read_ratio, d.read_ratio, client(|p, v| p.read_ratio = v)) }
            { cx.count("params.key_space", Text {
                label: tr(l, "Key space"), unit: tr(l, "keys"),
                help: tr(l, "How many different keys requests are spread over."),
            }, p.key_space, d.key_space, u64::MAX, client(|p, v| p.key_space = v)) }
            { cx.num("params.zipf_s", Text {
                label: tr(l, "Key skew (Zipf)"), unit: "",
                help: tr(l, "0 = every key equally popular, about 1 = typical web, above 1 = a few very hot keys."),
            }, p.zipf_s, d.zipf_s, client(|p, v| p.zipf_s = v)) }
            { cx.count("params.sessions", Text {
                label: tr(l, "Users"), unit: tr(l, "users"),
                help: tr(l, "Different users sending requests; sticky sessions keep each on one backend."),
            }, p.sessions, d.sessions, u64::MAX, client(|p, v| p.sessions = v)) }
        </>
    };
    let r = &p.retry;
    let dr = &d.retry;
    let retries = html! {
        <>
            { cx.num("params.timeout_ms", Text {
                label: tr(l, "Timeout"), unit: "ms",
                help: tr(l, "Give up on an attempt after this long; 0 = wait forever."),
            }, p.timeout_ms, d.timeout_ms, client(|p, v| p.timeout_ms = v)) }
            { cx.count("params.retry.max_retries", Text {
                label: tr(l, "Retries"), unit: "",
                help: tr(l, "Extra attempts after a timeout or an error; 0 = never retry."),
            }, r.max_retries as u64, dr.max_retries as u64, U32,
               client(|p, v| p.retry.max_retries = v as u32)) }
            { cx.num("params.retry.backoff_ms", Text {
                label: tr(l, "First backoff"), unit: "ms",
                help: tr(l, "Wait before the first retry."),
            }, r.backoff_ms, dr.backoff_ms, client(|p, v| p.retry.backoff_ms = v)) }
            { cx.num("params.retry.multiplier", Text {
                label: tr(l, "Backoff multiplier"), unit: "×",
                help: tr(l, "Each further retry waits this many times longer."),
            }, r.multiplier, dr.multiplier, client(|p, v| p.retry.multiplier = v)) }
            { cx.num("params.retry.max_backoff_ms", Text {
                label: tr(l, "Longest backoff"), unit: "ms",
                help: tr(l, "Upper limit on a single wait between retries."),
            }, r.max_backoff_ms, dr.max_backoff_ms, client(|p, v| p.retry.max_backoff_ms = v)) }
            { cx.check("params.retry.jitter", tr(l, "Full jitter"),
                tr(l, "Wait a random part of each backoff, so retries do not arrive all at once."),
                r.jitter, client(|p, v| p.retry.jitter = v)) }
        </>
    };
    html! {
        <>
            { section(tr(l, "Traffic"), traffic) }
            { super::connections::view(cx, p) }
            { super::classes::view(cx, p) }
            { super::client_regions::view(cx, p) }
            { section(tr(l, "Timeouts & retries"), retries) }
        </>
    }
}

pub fn profile_name(l: Lang, slug: &str) -> &'static str {
    match slug {
        "step" => tr(l, "Step"),
        "spike" => tr(l, "Spike"),
        "ramp" => tr(l, "Ramp"),
        "diurnal" => tr(l, "Day/night cycle"),
        _ => tr(l, "Constant"),
    }
}

/// One numeric field of the client's traffic profile.
fn profile_field(
    cx: &Ctx,
    profile: &scaleboard_sim::diagram::Profile,
    name: &'static str,
    value: f64,
) -> Html {
    let l = cx.lang;
    let slug = profile_slug(profile);
    let default = profile_default(slug)
        .and_then(|p| profile_fields(&p).into_iter().find(|(n, _)| *n == name))
        .map_or(value, |(_, v)| v);
    let t = match (slug, name) {
        ("step", "at_s") => Text {
            label: tr(l, "Step at"),
            unit: "s",
            help: tr(l, "When the rate jumps."),
        },
        ("step", "factor") => Text {
            label: tr(l, "Step factor"),
            unit: "×",
            help: tr(l, "The rate is multiplied by this from then on."),
        },
        ("spike", "at_s") => Text {
            label: tr(l, "Spike at"),
            unit: "s",
            help: tr(l, "When the spike starts."),
        },
        ("spike", "duration_s") => Text {
            label: tr(l, "Spike length"),
            unit: "s",
            help: tr(l, "How long the spike lasts."),
        },
        ("spike", "factor") => Text {
            label: tr(l, "Spike factor"),
            unit: "×",
            help: tr(l, "The rate is multiplied by this during the spike."),
        },
        ("ramp", "start_s") => Text {
            label: tr(l, "Ramp start"),
            unit: "s",
            help: tr(l, "When the rate starts to change."),
        },
        ("ramp", "end_s") => Text {
            label: tr(l, "Ramp end"),
            unit: "s",
            help: tr(l, "When the rate reaches the final factor and stays there."),
        },
        ("ramp", "to_factor") => Text {
            label: tr(l, "Final factor"),
            unit: "×",
            help: tr(
                l,
                "Multiplier reached at the end of the ramp (below 1 = falling).",
            ),
        },
        ("diurnal", "period_s") => Text {
            label: tr(l, "Day length"),
            unit: "s",
            help: tr(l, "Simulated seconds for one full night-to-night cycle."),
        },
        _ => Text {
            label: tr(l, "Swing"),
            unit: "0–1",
            help: tr(
                l,
                "How far the rate swings: 0 = flat, 1 = from zero at night to double at peak.",
            ),
        },
    };
    let path: &'static str = match (slug, name) {
        ("step", "at_s") => "params.profile.step.at_s",
        ("step", "factor") => "params.profile.step.factor",
        ("spike", "at_s") => "params.profile.spike.at_s",
        ("spike", "duration_s") => "params.profile.spike.duration_s",
        ("spike", "factor") => "params.profile.spike.factor",
        ("ramp", "start_s") => "params.profile.ramp.start_s",
        ("ramp", "end_s") => "params.profile.ramp.end_s",
        ("ramp", "to_factor") => "params.profile.ramp.to_factor",
        ("diurnal", "period_s") => "params.profile.diurnal.period_s",
        _ => "params.profile.diurnal.amplitude",
    };
    cx.num(
        path,
        t,
        value,
        default,
        client(move |p, v| {
            set_profile_field(&mut p.profile, name, v);
        }),
    )
}

fn balancer_params(cx: &Ctx, p: &LoadBalancerParams) -> Html {
    let l = cx.lang;
    let d = LoadBalancerParams::default();
    let algorithms = [
        Algorithm::RoundRobin,
        Algorithm::Random,
        Algorithm::LeastOutstanding,
        Algorithm::ConsistentHash,
    ];
    let options = algorithms
        .iter()
        .map(|&a| (algorithm_slug(a), algorithm_name(l, a).to_owned()))
        .collect();
    let layers = vec![
        ("l4", tr(l, "L4: connections").to_owned()),
        ("l7", tr(l, "L7: HTTP requests").to_owned()),
    ];
    let layer_slug = if p.layer == Layer::L7 { "l7" } else { "l4" };
    let layer_help = if p.layer == Layer::L7 {
        tr(l, "Terminates TLS and reads each request: routes by path and host (rules below), at a CPU cost: about 4× less capacity and 0.5 ms more per request than L4.")
    } else {
        tr(l, "Forwards connections without reading them: the cheapest and fastest, but it can only spread load by the algorithm.")
    };
    let routing = html! {
        <>
            { cx.select("params.layer", tr(l, "Layer"), layer_help, layer_slug, layers,
                balancer(|p, slug: String| p.layer = if slug == "l7" { Layer::L7 } else { Layer::L4 })) }
            if p.layer == Layer::L4 && !p.rules.is_empty() {
                { note("l7-rules", &fill(tr(l, "{} routing rules: the first that matches a request's path and host picks its pool."), &[&p.rules.len()])) }
            }
            { cx.select("params.algorithm", tr(l, "Algorithm"),
                algorithm_help(l, p.algorithm), algorithm_slug(p.algorithm), options,
                balancer(move |p, slug: String| {
                    if let Some(a) = algorithms.iter().find(|a| algorithm_slug(**a) == slug) {
                        p.algorithm = *a;
                    }
                })) }
            { cx.check("params.sticky_sessions", tr(l, "Sticky sessions"),
                tr(l, "Keep each user on the backend that served their first request."),
                p.sticky_sessions, balancer(|p, v| p.sticky_sessions = v)) }
            if p.algorithm == Algorithm::ConsistentHash {
                { cx.count("params.virtual_nodes", Text {
                    label: tr(l, "Virtual nodes"), unit: tr(l, "per backend"),
                    help: tr(l, "Points per backend on the hash ring; more points spread keys more evenly."),
                }, p.virtual_nodes as u64, d.virtual_nodes as u64, U32,
                   balancer(|p, v| p.virtual_nodes = v as u32)) }
            }
        </>
    };
    let capacity = html! {
        <>
            { cx.num("params.capacity_rps", Text {
                label: tr(l, "Capacity"), unit: "req/s",
                help: tr(l, "Requests per second the balancer itself can forward; beyond it, requests queue."),
            }, p.capacity_rps, d.capacity_rps, balancer(|p, v| p.capacity_rps = v)) }
            { cx.count("params.max_queue", Text {
                label: tr(l, "Queue limit"), unit: tr(l, "requests"),
                help: tr(l, "Requests that may wait at the balancer; more are refused (503)."),
            }, p.max_queue as u64, d.max_queue as u64, U32,
               balancer(|p, v| p.max_queue = v as u32)) }
            { cx.num("params.latency_ms", Text {
                label: tr(l, "Added latency"), unit: "ms",
                help: tr(l, "Processing delay added to every request passing through."),
            }, p.latency_ms, d.latency_ms, balancer(|p, v| p.latency_ms = v)) }
        </>
    };
    let h = &p.health_check;
    let dh = &d.health_check;
    let health = html! {
        <>
            { cx.check("params.health_check.enabled", tr(l, "Active health checks"),
                tr(l, "Probe each backend regularly and take it out of rotation after failed probes in a row. Without checks, a dead backend keeps getting its share of requests, and every one fails."),
                h.enabled, balancer(|p, v| p.health_check.enabled = v)) }
            if h.enabled {
                <div class="insp-subfields">
                    { cx.num("params.health_check.interval_ms", Text {
                        label: tr(l, "Check interval"), unit: "ms",
                        help: tr(l, "Time between probes of each backend."),
                    }, h.interval_ms, dh.interval_ms, balancer(|p, v| p.health_check.interval_ms = v)) }
                    { cx.num("params.health_check.timeout_ms", Text {
                        label: tr(l, "Probe timeout"), unit: "ms",
                        help: tr(l, "A probe with no answer in this long counts as failed."),
                    }, h.timeout_ms, dh.timeout_ms, balancer(|p, v| p.health_check.timeout_ms = v)) }
                    { cx.count("params.health_check.unhealthy_threshold", Text {
                        label: tr(l, "Unhealthy threshold"), unit: tr(l, "probes"),
                        help: tr(l, "Failed probes in a row before a backend is taken out of rotation."),
                    }, h.unhealthy_threshold as u64, dh.unhealthy_threshold as u64, U32,
                       balancer(|p, v| p.health_check.unhealthy_threshold = v as u32)) }
                    { cx.count("params.health_check.healthy_threshold", Text {
                        label: tr(l, "Healthy threshold"), unit: tr(l, "probes"),
                        help: tr(l, "Good probes in a row before a backend is put back."),
                    }, h.healthy_threshold as u64, dh.healthy_threshold as u64, U32,
                       balancer(|p, v| p.health_check.healthy_threshold = v as u32)) }
                </div>
            }
        </>
    };
    let standby = p.standby_failover_ms > 0.0;
    let redundancy = html! {
        <>
            { cx.check("params.standby", tr(l, "Standby balancer (active/standby pair)"),
                tr(l, "A lone load balancer is a single point of failure: if it dies, nothing behind it can be reached. An idle standby takes over when the active one fails."),
                standby, balancer(set_standby)) }
            if standby {
                <div class="insp-subfields">
                    { cx.positive("params.standby_failover_ms", Text {
                        label: tr(l, "Failover time"), unit: "ms",
                        help: tr(l, "How long after the active balancer fails the standby takes over; requests in that gap fail."),
                    }, p.standby_failover_ms, STANDBY_FAILOVER_MS,
                       balancer(|p, v| p.standby_failover_ms = v)) }
                </div>
            }
        </>
    };
    html! {
        <>
            { section(tr(l, "Routing"), routing) }
            if p.layer == Layer::L7 {
                { super::l7_rules::view(cx, p) }
            }
            { section(tr(l, "Capacity"), capacity) }
            { section(tr(l, "Health checks"), health) }
            { section(tr(l, "Redundancy"), redundancy) }
        </>
    }
}

/// Failover time a newly added standby balancer gets.
const STANDBY_FAILOVER_MS: f64 = 2_000.0;

/// The standby checkbox: on keeps a failover time already set (or takes the default), off is
/// a failover time of 0, the engine's "no standby".
fn set_standby(p: &mut LoadBalancerParams, on: bool) {
    p.standby_failover_ms = match (on, p.standby_failover_ms > 0.0) {
        (false, _) => 0.0,
        (true, true) => p.standby_failover_ms,
        (true, false) => STANDBY_FAILOVER_MS,
    };
}

fn algorithm_slug(a: Algorithm) -> &'static str {
    match a {
        Algorithm::RoundRobin => "round_robin",
        Algorithm::Random => "random",
        Algorithm::LeastOutstanding => "least_outstanding",
        Algorithm::ConsistentHash => "consistent_hash",
    }
}

fn algorithm_name(l: Lang, a: Algorithm) -> &'static str {
    match a {
        Algorithm::RoundRobin => tr(l, "Round robin"),
        Algorithm::Random => tr(l, "Random"),
        Algorithm::LeastOutstanding => tr(l, "Least outstanding requests"),
        Algorithm::ConsistentHash => tr(l, "Consistent hashing"),
    }
}

/// What the chosen algorithm does, as the help line.
fn algorithm_help(l: Lang, a: Algorithm) -> &'static str {
    match a {
        Algorithm::RoundRobin => tr(l, "Sends requests to each backend in turn."),
        Algorithm::Random => tr(l, "Sends each request to a backend picked at random."),
        Algorithm::LeastOutstanding => tr(
            l,
            "Sends each request to the backend with the fewest unanswered requests.",
        ),
        Algorithm::ConsistentHash => tr(
            l,
            "The same key always goes to the same backend; adding one moves few keys.",
        ),
    }
}

/// The instance sizes as drop-down options: "large — 3.6× speed, 4× cost".
fn size_options(l: Lang) -> Vec<(&'static str, String)> {
    InstanceSize::ALL
        .iter()
        .map(|&s| (s.slug(), size_text(l, s)))
        .collect()
}

fn size_text(l: Lang, s: InstanceSize) -> String {
    fill(
        tr(l, "{} — {}× speed, {}× cost"),
        &[
            &crate::i18n::size_name(l, s),
            &fmt_num(s.speed()),
            &fmt_num(s.cost_multiplier()),
        ],
    )
}

fn server_params(cx: &Ctx, p: &ServerParams) -> Html {
    let l = cx.lang;
    let d = ServerParams::default();
    let sizes = size_options(l);
    let scaling = html! {
        <>
            { cx.count("params.instances", Text {
                label: tr(l, "Instances"), unit: "",
                help: tr(l, "Scale out: how many identical copies run behind the same name."),
            }, p.instances as u64, d.instances as u64, U32,
               server(|p, v| p.instances = v as u32)) }
            { cx.zones("params.zones", Text {
                label: tr(l, "Instance zones"), unit: "",
                help: tr(l, "Instances are spread over these zones in turn (comma-separated, e.g. zone-a, zone-b); empty = the component's zone."),
            }, &p.zones, server(|p, v| p.zones = v)) }
            { cx.select("params.size", tr(l, "Instance size"),
                tr(l, "Scale up: a bigger instance is faster, but the price rises faster than the speed."),
                p.size.slug(), sizes,
                server(|p, slug: String| {
                    if let Some(s) = size_from_slug(&slug) {
                        p.size = s;
                    }
                })) }
            { cx.count("params.workers", Text {
                label: tr(l, "Workers"), unit: tr(l, "per instance"),
                help: tr(l, "Requests one instance works on at the same time."),
            }, p.workers as u64, d.workers as u64, U32,
               server(|p, v| p.workers = v as u32)) }
            { cx.count("params.queue_capacity", Text {
                label: tr(l, "Queue capacity"), unit: tr(l, "requests"),
                help: tr(l, "Requests that may wait per instance when all workers are busy; more get 503."),
            }, p.queue_capacity as u64, d.queue_capacity as u64, U32,
               server(|p, v| p.queue_capacity = v as u32)) }
        </>
    };
    let distributions = [
        Distribution::Constant,
        Distribution::Exponential,
        Distribution::Lognormal,
    ];
    let options = distributions
        .iter()
        .map(|&x| (distribution_slug(x), distribution_name(l, x).to_owned()))
        .collect();
    let service = html! {
        <>
            { cx.select("params.service.distribution", tr(l, "Distribution"),
                tr(l, "How much the time of one request varies."),
                distribution_slug(p.service.distribution), options,
                server(move |p, slug: String| {
                    if let Some(x) = distributions.iter().find(|x| distribution_slug(**x) == slug) {
                        p.service.distribution = *x;
                    }
                })) }
            { cx.num("params.service.mean_ms", Text {
                label: tr(l, "Mean service time"), unit: "ms",
                help: tr(l, "Average CPU time of one request on a small instance."),
            }, p.service.mean_ms, d.service.mean_ms, server(|p, v| p.service.mean_ms = v)) }
            if p.service.distribution == Distribution::Lognormal {
                { cx.num("params.service.cv", Text {
                    label: tr(l, "Variability (CV)"), unit: "",
                    help: tr(l, "Standard deviation ÷ mean: 1 = as varied as exponential, higher = longer tail."),
                }, p.service.cv, d.service.cv, server(|p, v| p.service.cv = v)) }
            }
        </>
    };
    let (lo, hi) = autoscale_range(&p.autoscale);
    let cost = html! {
        <>
            { cx.num("params.cost_per_hour", Text {
                label: tr(l, "Price"), unit: "$/h",
                help: tr(l, "Hourly price of one small instance; bigger sizes multiply it."),
            }, p.cost_per_hour, d.cost_per_hour, server(|p, v| p.cost_per_hour = v)) }
            { cx.count("params.reserved_instances", Text {
                label: tr(l, "Reserved instances"), unit: "",
                help: tr(l, "Bought in advance at a discount and paid whether running or not; instances beyond them are on demand."),
            }, p.reserved_instances as u64, d.reserved_instances as u64, U32,
               server(|p, v| p.reserved_instances = v as u32)) }
            if p.reserved_instances > 0 {
                { cx.num("params.reserved_discount", Text {
                    label: tr(l, "Reserved discount"), unit: "0–1",
                    help: tr(l, "How much cheaper a reserved instance is than on demand: 0.4 = 40 % off."),
                }, p.reserved_discount, d.reserved_discount, server(|p, v| p.reserved_discount = v)) }
            }
            <Readout name="group_cost" label={tr(l, "Group cost")} unit="/h"
                     value={fmt_money(p.cost_per_hour_total())}
                     help={group_cost_text(l, p)} />
            if p.autoscale.enabled {
                <Readout name="autoscale_cost" label={tr(l, "Cost while autoscaling")} unit="/h"
                         value={format!("{} – {}", fmt_money(p.cost_per_hour_for(lo)),
                                        fmt_money(p.cost_per_hour_for(hi)))}
                         help={fill(tr(l, "From {} to {} instances; reserved instances are paid even when not running."),
                                    &[&lo, &hi])} />
            }
        </>
    };
    let autoscale = autoscale_fields(cx, &p.autoscale);
    let l1 = html! {
        <>
            { cx.count("params.l1.capacity_keys", Text {
                label: tr(l, "L1 capacity"), unit: tr(l, "keys per instance"),
                help: tr(l, "Keys each instance keeps in its own memory (LRU); 0 = off. Each instance has its own L1, so a write through one instance leaves the other instances' copies stale."),
            }, p.l1.capacity_keys, d.l1.capacity_keys, u64::MAX,
               server(|p, v| p.l1.capacity_keys = v)) }
            if p.l1.capacity_keys > 0 {
                { cx.num("params.l1.ttl_ms", Text {
                    label: tr(l, "L1 expiry (TTL)"), unit: "ms",
                    help: tr(l, "Entries expire this long after being stored, which bounds how stale a copy can get; 0 = never."),
                }, p.l1.ttl_ms, d.l1.ttl_ms, server(|p, v| p.l1.ttl_ms = v)) }
            }
        </>
    };
    html! {
        <>
            { section(tr(l, "Scaling"), scaling) }
            { section(tr(l, "Autoscaling"), autoscale) }
            { section(tr(l, "Service time"), service) }
            { section(tr(l, "In-process cache (L1)"), l1) }
            { super::transaction::fields(cx, &p.transaction) }
            { section(tr(l, "Cost"), cost) }
        </>
    }
}

/// The autoscaling section of a server: the switch, then (when on) metric, target, bounds,
/// timings and the schedule.
fn autoscale_fields(cx: &Ctx, a: &Autoscale) -> Html {
    let l = cx.lang;
    let d = Autoscale::default();
    let metrics = SCALE_METRICS
        .iter()
        .map(|&(m, slug)| (slug, metric_name(l, m).to_owned()))
        .collect();
    let (target, target_default) = match a.metric {
        ScaleMetric::Cpu => (
            Text {
                label: tr(l, "Target"),
                unit: "0–1",
                help: tr(
                    l,
                    "CPU utilisation to keep instances at, as a fraction: 0.6 = 60 %.",
                ),
            },
            d.target,
        ),
        ScaleMetric::Rps => (
            Text {
                label: tr(l, "Target"),
                unit: "req/s",
                help: tr(l, "Requests per second each instance should handle."),
            },
            DEFAULT_RPS_TARGET,
        ),
    };
    html! {
        <>
            { cx.check("params.autoscale.enabled", tr(l, "Autoscale instances"),
                tr(l, "Like Kubernetes' HPA: every interval, desired = ceil(current × metric / target), left alone within ±10 % of the target and kept between minimum and maximum. The instance count above is where it starts."),
                a.enabled, server(|p, v| p.autoscale.enabled = v)) }
            if a.enabled {
                <div class="insp-subfields">
                    { cx.select("params.autoscale.metric", tr(l, "Metric"),
                        metric_help(l, a.metric), slug_of(&SCALE_METRICS, a.metric), metrics,
                        server(|p, slug: String| {
                            if let Some(m) = from_slug(&SCALE_METRICS, &slug) {
                                set_metric(p, m);
                            }
                        })) }
                    { cx.num("params.autoscale.target", target, a.target, target_default,
                        server(|p, v| p.autoscale.target = v)) }
                    { cx.count("params.autoscale.min", Text {
                        label: tr(l, "Minimum"), unit: tr(l, "instances"),
                        help: tr(l, "Never fewer instances than this."),
                    }, a.min as u64, d.min as u64, U32, server(|p, v| p.autoscale.min = v as u32)) }
                    { cx.count("params.autoscale.max", Text {
                        label: tr(l, "Maximum"), unit: tr(l, "instances"),
                        help: tr(l, "Never more instances than this: the ceiling on cost."),
                    }, a.max as u64, d.max as u64, U32, server(|p, v| p.autoscale.max = v as u32)) }
                    { cx.num("params.autoscale.interval_s", Text {
                        label: tr(l, "Evaluation interval"), unit: "s",
                        help: tr(l, "How often the autoscaler measures and decides."),
                    }, a.interval_s, d.interval_s, server(|p, v| p.autoscale.interval_s = v)) }
                    { cx.num("params.autoscale.stabilization_s", Text {
                        label: tr(l, "Scale-down stabilisation"), unit: "s",
                        help: tr(l, "Scale-downs follow the highest recommendation of this window, so a brief dip does not remove capacity the next peak needs."),
                    }, a.stabilization_s, d.stabilization_s,
                       server(|p, v| p.autoscale.stabilization_s = v)) }
                    { cx.num("params.autoscale.boot_s", Text {
                        label: tr(l, "Boot time"), unit: "s",
                        help: tr(l, "A new instance serves requests only after this long."),
                    }, a.boot_s, d.boot_s, server(|p, v| p.autoscale.boot_s = v)) }
                    { schedule_fields(cx, a) }
                </div>
            }
        </>
    }
}

/// The autoscaler's schedule: one row (from, min, max) per change, each removable, and a
/// button to add one.
fn schedule_fields(cx: &Ctx, a: &Autoscale) -> Html {
    let l = cx.lang;
    let rows = a.schedule.iter().enumerate().map(|(i, row)| {
        let remove = cx.commit(
            "params.autoscale.schedule",
            parse_text,
            server(move |p, _: String| {
                remove_schedule_row(&mut p.autoscale, i);
            }),
        );
        html! {
            <div class="insp-schedule-row" key={i.to_string()}
                 data-testid={format!("schedule-row-{i}")}>
                { cx.num(format!("params.autoscale.schedule[{i}].at_s"), Text {
                    label: tr(l, "From"), unit: "s", help: "",
                }, row.at_s, row.at_s, server(move |p, v| {
                    if let Some(r) = p.autoscale.schedule.get_mut(i) {
                        r.at_s = v;
                    }
                })) }
                { cx.count(format!("params.autoscale.schedule[{i}].min"), Text {
                    label: tr(l, "Min"), unit: "", help: "",
                }, row.min as u64, a.min as u64, U32, server(move |p, v| {
                    if let Some(r) = p.autoscale.schedule.get_mut(i) {
                        r.min = v as u32;
                    }
                })) }
                { cx.count(format!("params.autoscale.schedule[{i}].max"), Text {
                    label: tr(l, "Max"), unit: "", help: "",
                }, row.max as u64, a.max as u64, U32, server(move |p, v| {
                    if let Some(r) = p.autoscale.schedule.get_mut(i) {
                        r.max = v as u32;
                    }
                })) }
                <ActionButton name={format!("schedule-remove-{i}")} label="×"
                              title={tr(l, "Remove this scheduled change")}
                              class={classes!("insp-schedule-remove")} lang={l}
                              commit={remove} />
            </div>
        }
    });
    let add = cx.commit(
        "params.autoscale.schedule",
        parse_text,
        server(|p, _: String| add_schedule_row(&mut p.autoscale)),
    );
    html! {
        <div class="insp-schedule" data-testid="autoscale-schedule">
            <span class="field-label">{ tr(l, "Scheduled scaling") }</span>
            <p class="field-help">
                { tr(l, "For peak and off-peak hours: from each time on, its minimum and maximum replace the ones above.") }
            </p>
            if a.schedule.is_empty() {
                <p class="insp-hint">
                    { tr(l, "No scheduled changes: the minimum and maximum above apply throughout.") }
                </p>
            } else {
                { for rows }
            }
            <ActionButton name="schedule-add" label={tr(l, "Add scheduled change")}
                          class={classes!("insp-schedule-add")} lang={l} commit={add} />
        </div>
    }
}

fn metric_name(l: Lang, m: ScaleMetric) -> &'static str {
    match m {
        ScaleMetric::Cpu => tr(l, "CPU utilisation"),
        ScaleMetric::Rps => tr(l, "Requests per second per instance"),
    }
}

/// What the chosen metric measures, as the help line.
fn metric_help(l: Lang, m: ScaleMetric) -> &'static str {
    match m {
        ScaleMetric::Cpu => tr(l, "Average CPU utilisation of the ready instances."),
        ScaleMetric::Rps => tr(
            l,
            "Requests per second each ready instance receives. Switching converts the target to about the same load.",
        ),
    }
}

fn cache_params(cx: &Ctx, p: &CacheParams) -> Html {
    let l = cx.lang;
    let d = CacheParams::default();
    let policies = WRITE_POLICIES
        .iter()
        .map(|&(w, slug)| (slug, write_policy_name(l, w).to_owned()))
        .collect();
    let storage = html! {
        <>
            { cx.count("params.capacity_keys", Text {
                label: tr(l, "Keys held"), unit: tr(l, "keys per member"),
                help: tr(l, "Keys each member keeps; when full, the eviction policy picks the key that goes."),
            }, p.capacity_keys, d.capacity_keys, u64::MAX, cache(|p, v| p.capacity_keys = v)) }
            { cx.num("params.ttl_ms", Text {
                label: tr(l, "Expiry (TTL)"), unit: "ms",
                help: tr(l, "Entries expire this long after being stored; 0 = never expires."),
            }, p.ttl_ms, d.ttl_ms, cache(|p, v| p.ttl_ms = v)) }
            { cx.select("params.write_policy", tr(l, "Write policy"),
                write_policy_help(l, p.write_policy), slug_of(&WRITE_POLICIES, p.write_policy),
                policies,
                cache(|p, slug: String| {
                    if let Some(w) = from_slug(&WRITE_POLICIES, &slug) {
                        p.write_policy = w;
                    }
                })) }
        </>
    };
    let capacity = html! {
        <>
            { cx.num("params.capacity_rps", Text {
                label: tr(l, "Throughput"), unit: tr(l, "ops/s"),
                help: tr(l, "Lookups and stores per second it can serve (one Redis thread does about 100 000); beyond it, requests queue."),
            }, p.capacity_rps, d.capacity_rps, cache(|p, v| p.capacity_rps = v)) }
            { cx.num("params.latency_ms", Text {
                label: tr(l, "Lookup time"), unit: "ms",
                help: tr(l, "Time to look up or store one key."),
            }, p.latency_ms, d.latency_ms, cache(|p, v| p.latency_ms = v)) }
        </>
    };
    let cost = html! {
        { cx.num("params.cost_per_hour", Text {
            label: tr(l, "Price"), unit: "$/h",
            help: tr(l, "Hourly price of one cache member."),
        }, p.cost_per_hour, d.cost_per_hour, cache(|p, v| p.cost_per_hour = v)) }
    };
    html! {
        <>
            { section(tr(l, "Cache"), storage) }
            { super::cache::params(cx, p) }
            { section(tr(l, "Capacity"), capacity) }
            { section(tr(l, "Cost"), cost) }
        </>
    }
}

fn write_policy_name(l: Lang, w: WritePolicy) -> &'static str {
    match w {
        WritePolicy::Invalidate => tr(l, "Invalidate"),
        WritePolicy::WriteThrough => tr(l, "Write-through"),
        WritePolicy::TtlOnly => tr(l, "TTL only"),
    }
}

/// What the chosen write policy does, as the help line.
fn write_policy_help(l: Lang, w: WritePolicy) -> &'static str {
    match w {
        WritePolicy::Invalidate => tr(
            l,
            "After the database commits a write, the key is deleted here; the next read misses and fetches the new value.",
        ),
        WritePolicy::WriteThrough => tr(
            l,
            "After the database commits a write, the new value is stored here, so reads keep hitting.",
        ),
        WritePolicy::TtlOnly => tr(
            l,
            "Writes leave the cache alone: the old value is served (stale) until its TTL runs out.",
        ),
    }
}

fn database_params(cx: &Ctx, p: &DatabaseParams) -> Html {
    let l = cx.lang;
    let d = DatabaseParams::default();
    let scaling = html! {
        <>
            { cx.select("params.size", tr(l, "Instance size"),
                tr(l, "Scale up every member: bigger is faster, but the price rises faster than the speed."),
                p.size.slug(), size_options(l),
                database(|p, slug: String| {
                    if let Some(s) = size_from_slug(&slug) {
                        p.size = s;
                    }
                })) }
            { cx.count("params.connections", Text {
                label: tr(l, "Connections"), unit: tr(l, "per member"),
                help: tr(l, "Queries one member runs at the same time."),
            }, p.connections as u64, d.connections as u64, U32,
               database(|p, v| p.connections = v as u32)) }
            { cx.count("params.queue_capacity", Text {
                label: tr(l, "Queue capacity"), unit: tr(l, "queries"),
                help: tr(l, "Queries that may wait per member when every connection is busy; more fail."),
            }, p.queue_capacity as u64, d.queue_capacity as u64, U32,
               database(|p, v| p.queue_capacity = v as u32)) }
        </>
    };
    let queries = html! {
        <>
            { cx.num("params.read_ms", Text {
                label: tr(l, "Read time"), unit: "ms",
                help: tr(l, "Average time of one read on a small member."),
            }, p.read_ms, d.read_ms, database(|p, v| p.read_ms = v)) }
            { cx.num("params.write_ms", Text {
                label: tr(l, "Write time"), unit: "ms",
                help: tr(l, "Average time of one write on a small member."),
            }, p.write_ms, d.write_ms, database(|p, v| p.write_ms = v)) }
        </>
    };
    let replicated = replication_applies(p);
    let replications = REPLICATIONS
        .iter()
        .map(|&(r, slug)| (slug, replication_name(l, r).to_owned()))
        .collect();
    let read_froms = READ_FROMS
        .iter()
        .map(|&(r, slug)| (slug, read_from_name(l, r).to_owned()))
        .collect();
    let replication = html! {
        <>
            { cx.count("params.primaries", Text {
                label: tr(l, "Primaries"), unit: "",
                help: tr(l, "Members that take writes. More than one = multi-primary: writes to the same key on different primaries conflict, and conflicts are counted."),
            }, p.primaries as u64, d.primaries as u64, U32,
               database(|p, v| p.primaries = v as u32)) }
            { cx.count("params.replicas", Text {
                label: tr(l, "Replicas"), unit: "",
                help: tr(l, "Read-only copies that apply every write and can serve reads."),
            }, p.replicas as u64, d.replicas as u64, U32,
               database(|p, v| p.replicas = v as u32)) }
            { cx.zones("params.zones", Text {
                label: tr(l, "Member zones"), unit: "",
                help: tr(l, "Members (primaries, then replicas) are spread over these zones in turn (comma-separated); empty = the component's zone."),
            }, &p.zones, database(|p, v| p.zones = v)) }
            if replicated {
                { cx.select("params.replication", tr(l, "Replication"),
                    tr(l, "Sync: a write waits for every replica, so reads are never stale. Async: faster, but replicas lag behind."),
                    slug_of(&REPLICATIONS, p.replication), replications,
                    database(|p, slug: String| {
                        if let Some(r) = from_slug(&REPLICATIONS, &slug) {
                            p.replication = r;
                        }
                    })) }
                { cx.num("params.replication_lag_ms", Text {
                    label: tr(l, "Replication lag"), unit: "ms",
                    help: tr(l, "Time for a write to reach another member (network and log shipping)."),
                }, p.replication_lag_ms, d.replication_lag_ms,
                   database(|p, v| p.replication_lag_ms = v)) }
                { cx.num("params.apply_rate", Text {
                    label: tr(l, "Apply rate"), unit: tr(l, "writes/s"),
                    help: tr(l, "Writes per second a replica can apply; below the write rate, lag grows without limit."),
                }, p.apply_rate, d.apply_rate, database(|p, v| p.apply_rate = v)) }
                { cx.select("params.read_from", tr(l, "Read from"),
                    read_from_help(l, p.read_from), slug_of(&READ_FROMS, p.read_from), read_froms,
                    database(|p, slug: String| {
                        if let Some(r) = from_slug(&READ_FROMS, &slug) {
                            p.read_from = r;
                        }
                    })) }
                { cx.select("params.partition_mode", tr(l, "When a partition splits it"),
                    partition_help(l, p.partition_mode), slug_of(&PARTITION_MODES, p.partition_mode),
                    PARTITION_MODES.iter().map(|&(m, slug)| (slug, partition_name(l, m).to_owned())).collect(),
                    database(|p, slug: String| {
                        if let Some(m) = from_slug(&PARTITION_MODES, &slug) {
                            p.partition_mode = m;
                        }
                    })) }
                if p.partition_mode == PartitionMode::Cp {
                    { cx.check("params.cp_refuse_reads", tr(l, "Minority refuses reads too"),
                        tr(l, "Off: the side without a majority still serves reads, which may be stale. On: it refuses them as well."),
                        p.cp_refuse_reads, database(|p, v| p.cp_refuse_reads = v)) }
                }
            }
        </>
    };
    let failover = html! {
        <>
            { cx.check("params.failover", tr(l, "Automatic failover"),
                tr(l, "When the primary dies a replica is promoted after detection + promotion; with asynchronous replication, writes not yet replicated are lost."),
                p.failover, database(|p, v| p.failover = v)) }
            if p.failover {
                if p.replicas == 0 {
                    { note("failover-no-replica",
                        tr(l, "Failover needs at least one replica to promote: with none, a dead primary stays down until it is revived.")) }
                }
                <div class="insp-subfields">
                    { cx.num("params.failover_detect_ms", Text {
                        label: tr(l, "Detection time"), unit: "ms",
                        help: tr(l, "Time to notice that a primary is dead."),
                    }, p.failover_detect_ms, d.failover_detect_ms,
                       database(|p, v| p.failover_detect_ms = v)) }
                    { cx.num("params.failover_promote_ms", Text {
                        label: tr(l, "Promotion time"), unit: "ms",
                        help: tr(l, "Time to promote a replica once the death is noticed."),
                    }, p.failover_promote_ms, d.failover_promote_ms,
                       database(|p, v| p.failover_promote_ms = v)) }
                    <Readout name="write_outage" label={tr(l, "Writes fail for")} unit="ms"
                             value={fmt_num(p.failover_detect_ms + p.failover_promote_ms)}
                             help={tr(l, "Detection + promotion: writes to a dead primary fail until a replica takes over.")} />
                </div>
            }
        </>
    };
    let cost = html! {
        <>
            { cx.num("params.cost_per_hour", Text {
                label: tr(l, "Price"), unit: "$/h",
                help: tr(l, "Hourly price of one small member (primary or replica); bigger sizes multiply it."),
            }, p.cost_per_hour, d.cost_per_hour, database(|p, v| p.cost_per_hour = v)) }
            <Readout name="db_cost" label={tr(l, "Total cost")} unit="/h"
                     value={fmt_money(p.cost_per_hour_total())}
                     help={fill(tr(l, "{} × {} ({}) × (primaries {} + replicas {})"), &[
                         &fmt_money(p.cost_per_hour),
                         &fmt_num(p.size.cost_multiplier()),
                         &crate::i18n::size_name(l, p.size),
                         &p.primaries,
                         &p.replicas,
                     ])} />
        </>
    };
    html! {
        <>
            { section(tr(l, "Scaling"), scaling) }
            { section(tr(l, "Query time"), queries) }
            { section(tr(l, "Replication"), replication) }
            { section(tr(l, "Failover"), failover) }
            { section(tr(l, "Cost"), cost) }
        </>
    }
}

/// Whether the replication settings mean anything: with one primary and no replica there is
/// nothing to replicate to, and the form hides them.
fn replication_applies(p: &DatabaseParams) -> bool {
    p.replicas > 0 || p.primaries > 1
}

fn replication_name(l: Lang, r: Replication) -> &'static str {
    match r {
        Replication::Async => tr(l, "Asynchronous"),
        Replication::Sync => tr(l, "Synchronous"),
    }
}

fn read_from_name(l: Lang, r: ReadFrom) -> &'static str {
    match r {
        ReadFrom::Primary => tr(l, "Primary"),
        ReadFrom::Replicas => tr(l, "Replicas"),
        ReadFrom::Any => tr(l, "Any member"),
    }
}

/// Where the chosen setting sends reads, as the help line.
/// The partition modes, by slug (the file format's names).
const PARTITION_MODES: [(PartitionMode, &str); 3] = [
    (PartitionMode::Ignore, "ignore"),
    (PartitionMode::Cp, "cp"),
    (PartitionMode::Ap, "ap"),
];

fn partition_name(l: Lang, m: PartitionMode) -> &'static str {
    match m {
        PartitionMode::Ignore => tr(l, "Not modelled"),
        PartitionMode::Cp => tr(l, "CP: stay consistent"),
        PartitionMode::Ap => tr(l, "AP: stay available"),
    }
}

fn partition_help(l: Lang, m: PartitionMode) -> &'static str {
    match m {
        PartitionMode::Ignore => tr(l, "A partition does not split the members: every caller still reaches the primary."),
        PartitionMode::Cp => tr(l, "Only the side with a majority of members takes writes; the other side refuses them until the partition heals."),
        PartitionMode::Ap => tr(l, "Every side takes writes (two primaries: split brain); keys written on both sides conflict and are resolved last-writer-wins when it heals."),
    }
}

fn read_from_help(l: Lang, r: ReadFrom) -> &'static str {
    match r {
        ReadFrom::Primary => tr(
            l,
            "Every read goes to a primary: always fresh, but the primary carries all the load.",
        ),
        ReadFrom::Replicas => tr(
            l,
            "Reads go to the replicas in turn: spreads the load, but a lagging replica answers stale.",
        ),
        ReadFrom::Any => tr(
            l,
            "Reads go to primaries and replicas in turn; some answers may be stale.",
        ),
    }
}

fn router_params(cx: &Ctx, p: &ShardRouterParams) -> Html {
    let l = cx.lang;
    let d = ShardRouterParams::default();
    let strategies = SHARD_STRATEGIES
        .iter()
        .map(|&(s, slug)| (slug, strategy_name(l, s).to_owned()))
        .collect();
    let routing = html! {
        <>
            { cx.select("params.strategy", tr(l, "Strategy"),
                strategy_help(l, p.strategy), slug_of(&SHARD_STRATEGIES, p.strategy), strategies,
                router(set_strategy)) }
            if p.strategy == ShardStrategy::ConsistentHash {
                { cx.count("params.virtual_nodes", Text {
                    label: tr(l, "Virtual nodes"), unit: tr(l, "per shard"),
                    help: tr(l, "Points per shard on the hash ring; more points spread keys more evenly."),
                }, p.virtual_nodes as u64, d.virtual_nodes as u64, U32,
                   router(|p, v| p.virtual_nodes = v as u32)) }
            }
            { cx.num("params.latency_ms", Text {
                label: tr(l, "Added latency"), unit: "ms",
                help: tr(l, "Routing time added to every request."),
            }, p.latency_ms, d.latency_ms, router(|p, v| p.latency_ms = v)) }
        </>
    };
    let resharding = html! {
        <KeysMoved shards={shard_count(&cx.doc, &cx.node.id)}
                   virtual_nodes={p.virtual_nodes}
                   key_space={largest_key_space(&cx.doc)}
                   strategy={p.strategy} lang={l} />
    };
    html! {
        <>
            { section(tr(l, "Sharding"), routing) }
            { section(tr(l, "Resharding"), resharding) }
        </>
    }
}

/// The strategy chosen in the drop-down (an unknown slug changes nothing).
fn set_strategy(p: &mut ShardRouterParams, slug: String) {
    if let Some(s) = from_slug(&SHARD_STRATEGIES, &slug) {
        p.strategy = s;
    }
}

fn strategy_name(l: Lang, s: ShardStrategy) -> &'static str {
    match s {
        ShardStrategy::HashMod => tr(l, "Hash mod N"),
        ShardStrategy::ConsistentHash => tr(l, "Consistent hashing"),
        ShardStrategy::Range => tr(l, "Key ranges"),
    }
}

/// What the chosen strategy does, as the help line.
fn strategy_help(l: Lang, s: ShardStrategy) -> &'static str {
    match s {
        ShardStrategy::HashMod => tr(
            l,
            "hash(key) mod N spreads keys evenly, but adding a shard (resharding) moves almost every key.",
        ),
        ShardStrategy::ConsistentHash => tr(
            l,
            "A hash ring: keys spread evenly and adding a shard moves only about 1/(N+1) of them.",
        ),
        ShardStrategy::Range => tr(
            l,
            "Each shard holds a range of neighbouring keys, but popular keys crowd into one hot shard.",
        ),
    }
}

#[derive(Properties, PartialEq)]
struct KeysMovedProps {
    /// Shards connected now.
    shards: usize,
    virtual_nodes: u32,
    key_space: u64,
    /// The router's strategy, highlighted.
    strategy: ShardStrategy,
    lang: Lang,
}

/// The resharding readout: the share of keys each strategy would move if one more shard were
/// connected. A component so that the sampling runs only when its inputs change, not on every
/// re-render while the simulation runs.
#[function_component]
fn KeysMoved(props: &KeysMovedProps) -> Html {
    let l = props.lang;
    let value = match keys_moved(props.shards, props.virtual_nodes, props.key_space) {
        Some(moved) => {
            let (lead, items) = keys_moved_parts(l, props.shards, &moved);
            let count = items.len();
            let items = items.into_iter().enumerate().map(|(i, (s, text))| {
                let current = s == props.strategy;
                html! {
                    <>
                        <span class={classes!("insp-moved-item", current.then_some("is-current"))}
                              data-strategy={slug_of(&SHARD_STRATEGIES, s)}
                              aria-current={current.then_some("true")}>
                            { text }
                        </span>
                        if i + 1 < count { { ", " } }
                    </>
                }
            });
            html! { <>{ lead }{ " " }{ for items }</> }
        }
        None => html! { { tr(l, "Connect this router to its shards first.") } },
    };
    html! {
        <div class="field field-readout">
            <span class="field-label">{ tr(l, "Keys moved by one more shard") }</span>
            <div class="field-control is-readonly insp-moved">
                <output class="insp-moved-text" data-testid="readout-keys_moved">{ value }</output>
            </div>
            <p class="field-help">
                { fill(tr(l, "Measured over the clients' {} keys; each moved key must be copied to its new shard."),
                       &[&props.key_space]) }
            </p>
        </div>
    }
}

fn distribution_slug(x: Distribution) -> &'static str {
    match x {
        Distribution::Constant => "constant",
        Distribution::Exponential => "exponential",
        Distribution::Lognormal => "lognormal",
    }
}

fn distribution_name(l: Lang, x: Distribution) -> &'static str {
    match x {
        Distribution::Constant => tr(l, "Constant (every request the same)"),
        Distribution::Exponential => tr(l, "Exponential (memoryless)"),
        Distribution::Lognormal => tr(l, "Lognormal (long tail)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_the_file_format() {
        for a in [
            Algorithm::RoundRobin,
            Algorithm::Random,
            Algorithm::LeastOutstanding,
            Algorithm::ConsistentHash,
        ] {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", algorithm_slug(a)));
        }
        for x in [
            Distribution::Constant,
            Distribution::Exponential,
            Distribution::Lognormal,
        ] {
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(json, format!("\"{}\"", distribution_slug(x)));
        }
        for slug in PROFILE_SLUGS {
            let p = profile_default(slug).unwrap();
            let json = serde_json::to_value(&p).unwrap();
            let name = json
                .as_str()
                .map(str::to_owned)
                .or_else(|| json.as_object().and_then(|o| o.keys().next().cloned()))
                .unwrap();
            assert_eq!(name, slug);
            assert_ne!(profile_name(Lang::En, slug), "", "{slug}");
        }
    }

    #[test]
    fn size_options_show_speed_and_cost() {
        let s = InstanceSize::Large;
        let text = fill(
            tr(Lang::En, "{} — {}× speed, {}× cost"),
            &[
                &s.slug(),
                &fmt_num(s.speed()),
                &fmt_num(s.cost_multiplier()),
            ],
        );
        assert_eq!(text, "large — 3.6× speed, 4× cost");
    }

    #[test]
    fn group_cost_is_price_times_size_times_instances() {
        let p = ServerParams {
            instances: 3,
            size: InstanceSize::Large,
            cost_per_hour: 0.05,
            ..ServerParams::default()
        };
        assert_eq!(fmt_money(p.cost_per_hour_total()), "$0.60");
    }

    #[test]
    fn profile_field_paths_are_the_validators() {
        // A negative value in each profile field is reported on the path the inspector uses.
        use scaleboard_sim::diagram::Edge;
        let mut d = Diagram::default();
        d.nodes
            .push(Node::new("u", NodeSpec::Client(ClientParams::default())));
        d.nodes
            .push(Node::new("s", NodeSpec::Server(ServerParams::default())));
        d.edges.push(Edge::new("", "u", "s"));
        for slug in PROFILE_SLUGS {
            let p = profile_default(slug).unwrap();
            for (name, _) in profile_fields(&p) {
                let mut q = p.clone();
                set_profile_field(&mut q, name, -1.0);
                let mut n = d.node("u").unwrap().clone();
                if let NodeSpec::Client(c) = &mut n.spec {
                    c.profile = q;
                }
                let path = format!("params.profile.{slug}.{name}");
                let r = super::super::check_field(&d, &Candidate::Node(n), &path);
                // ramp.end_s = -1 is before the start; every other field refuses negatives.
                assert!(r.is_err(), "{path}");
                assert!(
                    !r.unwrap_err().contains(": must"),
                    "{path}: reported elsewhere"
                );
            }
        }
    }

    /// users → router → db-1, db-2; a `Ctx` for the router that records what it emits.
    fn router_ctx() -> (Ctx, Rc<std::cell::RefCell<Vec<Node>>>) {
        use scaleboard_sim::diagram::Edge;
        let mut d = Diagram::default();
        d.nodes
            .push(Node::new("u", NodeSpec::Client(ClientParams::default())));
        d.nodes.push(Node::new(
            "r",
            NodeSpec::ShardRouter(ShardRouterParams::default()),
        ));
        d.edges.push(Edge::new("", "u", "r"));
        for id in ["db-1", "db-2"] {
            d.nodes
                .push(Node::new(id, NodeSpec::Database(DatabaseParams::default())));
            d.edges.push(Edge::new("", "r", id));
        }
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        let out = Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = out.clone();
        let cx = Ctx {
            node: d.node("r").unwrap().clone(),
            doc: Rc::new(d),
            lang: Lang::En,
            on_node: Callback::from(move |n: Node| sink.borrow_mut().push(n)),
        };
        (cx, out)
    }

    #[test]
    fn choosing_a_shard_strategy_commits_that_strategy() {
        for (slug, want) in [
            ("consistent_hash", ShardStrategy::ConsistentHash),
            ("range", ShardStrategy::Range),
        ] {
            let (cx, out) = router_ctx();
            let commit = cx.commit("params.strategy", parse_text, router(set_strategy));
            assert_eq!(commit.emit(slug.into()), None);
            let out = out.borrow();
            assert_eq!(out.len(), 1, "{slug}");
            let NodeSpec::ShardRouter(p) = &out[0].spec else {
                panic!("not a router")
            };
            assert_eq!(p.strategy, want);
            assert_eq!(p.virtual_nodes, 100, "other parameters kept");
            assert_eq!(out[0].id, "r");
        }
        // The current strategy again, or an unknown one: nothing to emit.
        let (cx, out) = router_ctx();
        let commit = cx.commit("params.strategy", parse_text, router(set_strategy));
        assert_eq!(commit.emit("hash_mod".into()), None);
        assert_eq!(commit.emit("modulo".into()), None);
        assert!(out.borrow().is_empty());
        // Zero virtual nodes: the engine's reason.
        let commit = cx.commit(
            "params.virtual_nodes",
            |t| parse_whole(t, U32),
            router(|p, v| p.virtual_nodes = v as u32),
        );
        assert_eq!(
            commit.emit("0".into()).map(|e| e.text(Lang::En)),
            Some("Must be at least 1: each shard needs a point on the ring (got 0)".into())
        );
        assert!(out.borrow().is_empty());
        // The router's shards are its two edges.
        assert_eq!(shard_count(&cx.doc, &cx.node.id), 2);
    }

    #[test]
    fn database_cost_counts_every_member_and_replication_hides_when_alone() {
        let p = DatabaseParams {
            size: InstanceSize::Large,
            primaries: 2,
            replicas: 3,
            cost_per_hour: 0.10,
            ..DatabaseParams::default()
        };
        assert_eq!(fmt_money(p.cost_per_hour_total()), "$2.00");
        assert!(replication_applies(&p));
        let alone = DatabaseParams::default();
        assert_eq!(fmt_money(alone.cost_per_hour_total()), "$0.20");
        assert!(!replication_applies(&alone));
        assert!(replication_applies(&DatabaseParams {
            replicas: 1,
            ..DatabaseParams::default()
        }));
        assert!(replication_applies(&DatabaseParams {
            primaries: 2,
            ..DatabaseParams::default()
        }));
        // The database's size menu is the server's.
        assert_eq!(size_options(Lang::En)[2].1, "large — 3.6× speed, 4× cost");
        assert_eq!(size_options(Lang::En).len(), InstanceSize::ALL.len());
    }

    #[test]
    fn every_choice_has_a_name_and_help_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            for (w, _) in WRITE_POLICIES {
                assert_ne!(write_policy_name(lang, w), "");
                assert_ne!(write_policy_help(lang, w), "");
            }
            for (r, _) in REPLICATIONS {
                assert_ne!(replication_name(lang, r), "");
            }
            for (r, _) in READ_FROMS {
                assert_ne!(read_from_name(lang, r), "");
                assert_ne!(read_from_help(lang, r), "");
            }
            for (s, _) in SHARD_STRATEGIES {
                assert_ne!(strategy_name(lang, s), "");
                assert_ne!(strategy_help(lang, s), "");
            }
            for (m, _) in SCALE_METRICS {
                assert_ne!(metric_name(lang, m), "");
                assert_ne!(metric_help(lang, m), "");
            }
        }
        assert_eq!(metric_name(Lang::Ko, ScaleMetric::Cpu), "CPU 사용률");
        assert_eq!(
            write_policy_name(Lang::Ko, WritePolicy::Invalidate),
            "무효화"
        );
        assert_eq!(
            strategy_name(Lang::Ko, ShardStrategy::ConsistentHash),
            "일관된 해싱"
        );
    }

    /// users → lb → api → db; a `Ctx` for node `id` that records what it emits.
    fn resilient_ctx(id: &str) -> (Ctx, Rc<std::cell::RefCell<Vec<Node>>>) {
        use scaleboard_sim::diagram::Edge;
        let mut d = Diagram::default();
        d.nodes
            .push(Node::new("u", NodeSpec::Client(ClientParams::default())));
        d.nodes.push(Node::new(
            "lb",
            NodeSpec::LoadBalancer(LoadBalancerParams::default()),
        ));
        d.nodes
            .push(Node::new("api", NodeSpec::Server(ServerParams::default())));
        d.nodes.push(Node::new(
            "db",
            NodeSpec::Database(DatabaseParams::default()),
        ));
        for (from, to) in [("u", "lb"), ("lb", "api"), ("api", "db")] {
            d.edges.push(Edge::new("", from, to));
        }
        assert!(d.errors().is_empty(), "{:?}", d.errors());
        let out = Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = out.clone();
        let cx = Ctx {
            node: d.node(id).unwrap().clone(),
            doc: Rc::new(d),
            lang: Lang::En,
            on_node: Callback::from(move |n: Node| sink.borrow_mut().push(n)),
        };
        (cx, out)
    }

    #[test]
    fn the_standby_checkbox_sets_and_clears_the_failover_time() {
        let mut p = LoadBalancerParams::default();
        assert_eq!(p.standby_failover_ms, 0.0, "a lone balancer by default");
        set_standby(&mut p, true);
        assert_eq!(p.standby_failover_ms, STANDBY_FAILOVER_MS);
        p.standby_failover_ms = 500.0;
        set_standby(&mut p, true);
        assert_eq!(p.standby_failover_ms, 500.0, "a time already set is kept");
        set_standby(&mut p, false);
        assert_eq!(p.standby_failover_ms, 0.0);
        // Through the field: on, then a failover time of 0 is refused (that is "off").
        let (cx, out) = resilient_ctx("lb");
        let commit = cx.commit("params.standby", parse_bool, balancer(set_standby));
        assert_eq!(commit.emit("true".into()), None);
        let NodeSpec::LoadBalancer(p) = &out.borrow()[0].spec else {
            panic!("not a balancer")
        };
        assert_eq!(p.standby_failover_ms, STANDBY_FAILOVER_MS);
        let commit = cx.commit(
            "params.standby_failover_ms",
            parse_positive,
            balancer(|p, v| p.standby_failover_ms = v),
        );
        assert_eq!(commit.emit("0".into()), Some(FieldError::NotPositive));
        assert_eq!(out.borrow().len(), 1);
    }

    #[test]
    fn zone_fields_normalise_lists() {
        let (cx, out) = resilient_ctx("api");
        let commit = cx.commit("params.zones", parse_zones, server(|p, v| p.zones = v));
        assert_eq!(commit.emit(" zone-a,zone-b, ".into()), None);
        let NodeSpec::Server(p) = &out.borrow()[0].spec else {
            panic!("not a server")
        };
        assert_eq!(p.zones, vec!["zone-a".to_owned(), "zone-b".to_owned()]);
        // The node's own zone.
        let (cx, out) = resilient_ctx("db");
        let commit = cx.commit("zone", parse_zone, |n: &mut Node, v: String| n.zone = v);
        assert_eq!(commit.emit("a, b".into()), Some(FieldError::ZoneComma));
        assert_eq!(commit.emit(" zone-c ".into()), None);
        assert_eq!(out.borrow()[0].zone, "zone-c");
        assert_eq!(out.borrow()[0].id, "db");
    }

    #[test]
    fn schedule_rows_are_added_edited_and_removed_through_commits() {
        let (cx, out) = resilient_ctx("api");
        let add = cx.commit(
            "params.autoscale.schedule",
            parse_text,
            server(|p, _: String| add_schedule_row(&mut p.autoscale)),
        );
        assert_eq!(add.emit(String::new()), None);
        let with_row = out.borrow()[0].clone();
        let NodeSpec::Server(p) = &with_row.spec else {
            panic!("not a server")
        };
        assert_eq!(p.autoscale.schedule.len(), 1);
        // A context on the node with its row: editing it, removing it.
        let mut d = (*cx.doc).clone();
        *d.node_mut("api").unwrap() = with_row.clone();
        let out = Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = out.clone();
        let cx = Ctx {
            node: with_row,
            doc: Rc::new(d),
            lang: Lang::En,
            on_node: Callback::from(move |n: Node| sink.borrow_mut().push(n)),
        };
        let i = 0;
        let min = cx.commit(
            format!("params.autoscale.schedule[{i}].min"),
            |t| parse_whole(t, U32),
            server(move |p, v| {
                if let Some(r) = p.autoscale.schedule.get_mut(i) {
                    r.min = v as u32;
                }
            }),
        );
        assert_eq!(
            min.emit("50".into()).map(|e| e.text(Lang::En)),
            Some("Must not exceed the maximum (10) (got 50)".into())
        );
        assert_eq!(min.emit("4".into()), None);
        // A row that has gone (removed meanwhile) changes nothing.
        let gone = cx.commit(
            "params.autoscale.schedule[7].min",
            |t| parse_whole(t, U32),
            server(|p, v| {
                if let Some(r) = p.autoscale.schedule.get_mut(7) {
                    r.min = v as u32;
                }
            }),
        );
        assert_eq!(gone.emit("3".into()), None);
        let remove = cx.commit(
            "params.autoscale.schedule",
            parse_text,
            server(move |p, _: String| {
                remove_schedule_row(&mut p.autoscale, i);
            }),
        );
        assert_eq!(remove.emit(String::new()), None);
        let out = out.borrow();
        assert_eq!(out.len(), 2);
        let NodeSpec::Server(p) = &out[0].spec else {
            panic!("not a server")
        };
        assert_eq!(p.autoscale.schedule[0].min, 4);
        let NodeSpec::Server(p) = &out[1].spec else {
            panic!("not a server")
        };
        assert!(p.autoscale.schedule.is_empty());
    }
}
