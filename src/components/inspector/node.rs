//! A selected component: header (icon, label, id), live figures, every parameter of its kind in
//! groups, and the Kill/Revive and Delete actions.

use super::check::{
    fmt_money, fmt_num, parse_float, parse_whole, profile_default, profile_fields, profile_slug,
    set_profile_field, Candidate, FieldError, PROFILE_SLUGS,
};
use super::fields::{section, CheckField, InputField, Readout, SelectField};
use super::{committer, delete_button, parse_bool, parse_text, InspectorProps};
use crate::i18n::{fill, tr, Lang};
use crate::icons::KindIcon;
use scaleboard_sim::diagram::{
    Algorithm, ClientParams, Diagram, Distribution, InstanceSize, LoadBalancerParams, Node,
    NodeSpec, ServerParams,
};
use scaleboard_sim::ComponentKind;
use std::rc::Rc;
use yew::prelude::*;

/// The kind's name in `lang`.
pub fn kind_name(lang: Lang, kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Client => tr(lang, "Client"),
        ComponentKind::LoadBalancer => tr(lang, "Load balancer"),
        ComponentKind::Server => tr(lang, "Server"),
        ComponentKind::Cache => tr(lang, "Cache"),
        ComponentKind::Database => tr(lang, "Database"),
        ComponentKind::ShardRouter => tr(lang, "Shard router"),
    }
}

/// Everything a field of this node needs to commit.
struct Ctx {
    doc: Rc<Diagram>,
    node: Node,
    lang: Lang,
    on_node: Callback<Node>,
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

/// Label, unit and help of a field, already in the UI language.
struct Text {
    label: &'static str,
    unit: &'static str,
    help: &'static str,
}

impl Ctx {
    fn commit<T: 'static>(
        &self,
        field: &'static str,
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
    fn num(
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
                        commit={self.commit(path, parse_float, set)} />
        }
    }

    /// A count field, `0..=u32::MAX` (the engine sets the real bounds).
    fn count(
        &self,
        path: &'static str,
        t: Text,
        value: u64,
        default: u64,
        max: u64,
        set: impl Fn(&mut Node, u64) + 'static,
    ) -> Html {
        html! {
            <InputField path={path} label={t.label} unit={t.unit} help={t.help}
                        value={value.to_string()} placeholder={default.to_string()}
                        lang={self.lang} inputmode="numeric"
                        commit={self.commit(path, move |s: &str| parse_whole(s, max), set)} />
        }
    }

    fn check(
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
    fn select(
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

const U32: u64 = u32::MAX as u64;

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
    let params = match &node.spec {
        NodeSpec::Client(p) => client_params(&cx, p),
        NodeSpec::LoadBalancer(p) => balancer_params(&cx, p),
        NodeSpec::Server(p) => server_params(&cx, p),
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
    let routing = html! {
        <>
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
    html! {
        <>
            { section(tr(l, "Routing"), routing) }
            { section(tr(l, "Capacity"), capacity) }
        </>
    }
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

fn server_params(cx: &Ctx, p: &ServerParams) -> Html {
    let l = cx.lang;
    let d = ServerParams::default();
    let sizes = InstanceSize::ALL
        .iter()
        .map(|&s| {
            let text = fill(
                tr(l, "{} — {}× speed, {}× cost"),
                &[
                    &s.slug(),
                    &fmt_num(s.speed()),
                    &fmt_num(s.cost_multiplier()),
                ],
            );
            (s.slug(), text)
        })
        .collect();
    let scaling = html! {
        <>
            { cx.count("params.instances", Text {
                label: tr(l, "Instances"), unit: "",
                help: tr(l, "Scale out: how many identical copies run behind the same name."),
            }, p.instances as u64, d.instances as u64, U32,
               server(|p, v| p.instances = v as u32)) }
            { cx.select("params.size", tr(l, "Instance size"),
                tr(l, "Scale up: a bigger instance is faster, but the price rises faster than the speed."),
                p.size.slug(), sizes,
                server(|p, slug: String| {
                    if let Some(s) = InstanceSize::ALL.iter().find(|s| s.slug() == slug) {
                        p.size = *s;
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
    let cost = html! {
        <>
            { cx.num("params.cost_per_hour", Text {
                label: tr(l, "Price"), unit: "$/h",
                help: tr(l, "Hourly price of one small instance; bigger sizes multiply it."),
            }, p.cost_per_hour, d.cost_per_hour, server(|p, v| p.cost_per_hour = v)) }
            <Readout name="group_cost" label={tr(l, "Group cost")} unit="/h"
                     value={fmt_money(p.cost_per_hour_total())}
                     help={fill(tr(l, "{} × {} ({}) × {} instances"), &[
                         &fmt_money(p.cost_per_hour),
                         &fmt_num(p.size.cost_multiplier()),
                         &p.size.slug(),
                         &p.instances,
                     ])} />
        </>
    };
    html! {
        <>
            { section(tr(l, "Scaling"), scaling) }
            { section(tr(l, "Service time"), service) }
            { section(tr(l, "Cost"), cost) }
        </>
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
}
