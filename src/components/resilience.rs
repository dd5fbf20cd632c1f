//! The Resilience tab: single points of failure found from the graph, the chaos timeline (a
//! script of failures replayed at the same simulated second on every run), and the SLO with
//! the money spent so far.

use crate::event_text::{action_text, finding_text};
use crate::format;
use crate::i18n::{fill, tr, Lang};
use crate::state::{Action, Selection};
use crate::stats::Stats;
use scaleboard_sim::analysis::{Element, SpofReport};
use scaleboard_sim::diagram::{ChaosAction, ChaosEvent, Diagram, NodeSpec, Slo};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResilienceProps {
    pub doc: Rc<Diagram>,
    pub spof: Rc<SpofReport>,
    pub stats: Rc<Stats>,
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn Resilience(props: &ResilienceProps) -> Html {
    html! {
        <div class="resilience" data-testid="resilience">
            <SpofList doc={props.doc.clone()} spof={props.spof.clone()} lang={props.lang}
                      dispatch={props.dispatch.clone()} />
            <ChaosTimeline doc={props.doc.clone()} time_s={props.stats.time_s} lang={props.lang}
                           dispatch={props.dispatch.clone()} />
            <SloCard slo={props.doc.slo.clone()} stats={props.stats.clone()} lang={props.lang}
                     dispatch={props.dispatch.clone()} />
        </div>
    }
}

// ---------- Single points of failure ----------

#[derive(Properties, PartialEq)]
struct SpofListProps {
    doc: Rc<Diagram>,
    spof: Rc<SpofReport>,
    lang: Lang,
    dispatch: Callback<Action>,
}

#[function_component]
fn SpofList(props: &SpofListProps) -> Html {
    let lang = props.lang;
    let row = |f: &scaleboard_sim::analysis::Finding, is_spof: bool| {
        let (testid, select) = match &f.element {
            Element::Node(id) => (format!("spof-{id}"), Some(Selection::node(id))),
            Element::Zone(z) => (format!("spof-zone-{z}"), None),
        };
        let d = props.dispatch.clone();
        let onclick =
            select.map(|s| Callback::from(move |_: MouseEvent| d.emit(Action::Select(s.clone()))));
        html! {
            <li class={classes!("spof-row", if is_spof { "is-spof" } else { "is-risk" })}
                data-testid={testid} {onclick}>
                <span class="spof-tag">{ if is_spof { tr(lang, "SPOF") } else { tr(lang, "risk") } }</span>
                <span class="spof-text">{ finding_text(lang, &props.doc, f, is_spof) }</span>
                <span class="spof-share" title={tr(lang, "Share of all traffic that would fail")}>
                    { format::pct(f.traffic_share) }
                </span>
            </li>
        }
    };
    let empty = props.spof.spofs.is_empty() && props.spof.risks.is_empty();
    html! {
        <section class="res-col" data-testid="spof-list">
            <h3 class="res-title">
                { tr(lang, "Single points of failure") }
                <span class={classes!("res-count", (!props.spof.spofs.is_empty()).then_some("is-bad"))}
                      data-testid="spof-count">{ props.spof.spofs.len() }</span>
            </h3>
            <p class="res-help">{ tr(lang, "Found from the graph: each node, instance and zone is failed in turn, and the traffic that would then fail is traced to the clients.") }</p>
            <ul class="res-list">
                if empty {
                    <li class="muted">{ tr(lang, "None: every single failure leaves every client served.") }</li>
                }
                { for props.spof.spofs.iter().map(|f| row(f, true)) }
                { for props.spof.risks.iter().map(|f| row(f, false)) }
            </ul>
        </section>
    }
}

// ---------- Chaos timeline ----------

/// The kinds of scripted action, as the form offers them.
const ACTIONS: [&str; 11] = [
    "kill",
    "revive",
    "slow",
    "errors",
    "partition",
    "heal",
    "kill_zone",
    "revive_zone",
    "partition_zone",
    "heal_zone",
    "traffic",
];

fn action_label(l: Lang, slug: &str) -> &'static str {
    match slug {
        "kill" => tr(l, "Kill"),
        "revive" => tr(l, "Revive"),
        "slow" => tr(l, "Slow down"),
        "errors" => tr(l, "Inject errors"),
        "partition" => tr(l, "Cut an edge"),
        "heal" => tr(l, "Heal an edge"),
        "kill_zone" => tr(l, "Zone outage"),
        "revive_zone" => tr(l, "Zone back"),
        "partition_zone" => tr(l, "Cut a zone off"),
        "heal_zone" => tr(l, "Reconnect a zone"),
        _ => tr(l, "Traffic spike"),
    }
}

/// What an action kind targets.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Node,
    Edge,
    Zone,
    Nothing,
}

fn target_of(slug: &str) -> Target {
    match slug {
        "kill" | "revive" | "slow" | "errors" => Target::Node,
        "partition" | "heal" => Target::Edge,
        "kill_zone" | "revive_zone" | "partition_zone" | "heal_zone" => Target::Zone,
        _ => Target::Nothing,
    }
}

/// The value field of an action kind: (label, default) — or None.
fn value_of(l: Lang, slug: &str) -> Option<(&'static str, &'static str)> {
    match slug {
        "slow" => Some((tr(l, "× service time"), "3")),
        "errors" => Some((tr(l, "% of requests"), "50")),
        "traffic" => Some((tr(l, "× traffic"), "3")),
        _ => None,
    }
}

/// Instances (or members) of a node that a kill can name one at a time.
fn units(d: &Diagram, id: &str) -> u32 {
    match d.node(id).map(|n| &n.spec) {
        Some(NodeSpec::Server(p)) => p.instances.max(if p.autoscale.enabled {
            p.autoscale.max
        } else {
            0
        }),
        Some(NodeSpec::Database(p)) => p.primaries + p.replicas,
        Some(NodeSpec::Cache(p)) => p.members,
        _ => 1,
    }
}

/// The form's fields, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChaosForm {
    pub at: String,
    pub action: String,
    pub target: String,
    /// "" = the whole node, else an instance index.
    pub instance: String,
    pub value: String,
}

/// Builds the event the form describes, or says what is wrong with it.
pub fn build_event(l: Lang, f: &ChaosForm) -> Result<ChaosEvent, String> {
    let at_s: f64 =
        f.at.trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| tr(l, "The time must be a number of seconds, 0 or more.").to_owned())?;
    let value = |min_exclusive: f64, max: f64| -> Result<f64, String> {
        f.value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > min_exclusive && *v <= max)
            .ok_or_else(|| {
                fill(
                    tr(l, "The value must be a number above {} and at most {}."),
                    &[&min_exclusive, &max],
                )
            })
    };
    if target_of(&f.action) != Target::Nothing && f.target.is_empty() {
        return Err(tr(l, "Choose what it happens to.").to_owned());
    }
    let node = f.target.clone();
    let instance = if f.instance.is_empty() {
        None
    } else {
        Some(
            f.instance
                .parse::<u32>()
                .map_err(|_| tr(l, "Choose an instance.").to_owned())?,
        )
    };
    let action = match f.action.as_str() {
        "kill" => ChaosAction::Kill { node, instance },
        "revive" => ChaosAction::Revive { node, instance },
        "slow" => ChaosAction::Slow {
            node,
            factor: value(0.0, 1_000.0)?,
        },
        "errors" => ChaosAction::Errors {
            node,
            rate: value(0.0, 100.0)? / 100.0,
        },
        "partition" => ChaosAction::Partition { edge: node },
        "heal" => ChaosAction::Heal { edge: node },
        "kill_zone" => ChaosAction::KillZone { zone: node },
        "revive_zone" => ChaosAction::ReviveZone { zone: node },
        "partition_zone" => ChaosAction::PartitionZone { zone: node },
        "heal_zone" => ChaosAction::HealZone { zone: node },
        "traffic" => ChaosAction::Traffic {
            factor: value(0.0, 100.0)?,
        },
        other => return Err(fill(tr(l, "Unknown action '{}'."), &[&other])),
    };
    Ok(ChaosEvent { at_s, action })
}

/// `list` with `e` inserted after every event at the same time or earlier (order = run order).
pub fn insert_sorted(list: &[ChaosEvent], e: ChaosEvent) -> Vec<ChaosEvent> {
    let mut out = list.to_vec();
    let at = out.partition_point(|x| x.at_s <= e.at_s);
    out.insert(at, e);
    out
}

#[derive(Properties, PartialEq)]
struct ChaosProps {
    doc: Rc<Diagram>,
    time_s: f64,
    lang: Lang,
    dispatch: Callback<Action>,
}

fn input_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default()
}

/// What the target list offers for an action kind: (value, label) pairs.
fn target_options(d: &Diagram, kind: Target) -> Vec<(String, String)> {
    match kind {
        Target::Node => d
            .nodes
            .iter()
            .filter(|n| n.kind() != scaleboard_sim::ComponentKind::Client)
            .map(|n| (n.id.clone(), n.display_name().to_owned()))
            .collect(),
        Target::Edge => d
            .edges
            .iter()
            .map(|e| (e.name(), crate::event_text::edge_text(d, e)))
            .collect(),
        Target::Zone => d
            .zones()
            .into_iter()
            .map(|z| (z.to_owned(), z.to_owned()))
            .collect(),
        Target::Nothing => Vec::new(),
    }
}

/// The chosen target, or the first option when the choice is empty or no longer offered.
fn resolve_target(options: &[(String, String)], chosen: &str) -> String {
    if options.iter().any(|(v, _)| v == chosen) {
        chosen.to_owned()
    } else {
        options.first().map(|(v, _)| v.clone()).unwrap_or_default()
    }
}

#[function_component]
fn ChaosTimeline(props: &ChaosProps) -> Html {
    let lang = props.lang;
    let d = &props.doc;
    let form = use_state(|| ChaosForm {
        at: "30".into(),
        action: "kill".into(),
        target: String::new(),
        instance: String::new(),
        value: String::new(),
    });
    let error = use_state(|| None::<String>);
    // The form as the user last changed it. The click on Add can arrive before Yew re-renders
    // after a change (a fast hand or a loaded machine), so Add reads this, not the render's copy.
    let latest = use_mut_ref(|| (*form).clone());
    let kind = target_of(&form.action);
    let options = target_options(d, kind);
    let target = resolve_target(&options, &form.target);
    let unit_count = if matches!(form.action.as_str(), "kill" | "revive") {
        units(d, &target)
    } else {
        1
    };
    let value_field = value_of(lang, &form.action);
    let set = |f: fn(&mut ChaosForm, String)| {
        let form = form.clone();
        let latest = latest.clone();
        let error = error.clone();
        Callback::from(move |e: Event| {
            let next = {
                let mut l = latest.borrow_mut();
                f(&mut l, input_value(&e));
                l.clone()
            };
            form.set(next);
            error.set(None);
        })
    };
    // Typing updates the form at once: the panel re-renders every snapshot while the run goes
    // on, and Yew resets an input to its `value` on each re-render.
    let typed = |f: fn(&mut ChaosForm, String)| {
        let on_change = set(f);
        Callback::from(move |e: InputEvent| on_change.emit(e.into()))
    };
    let on_add = {
        let latest = latest.clone();
        let error = error.clone();
        let dispatch = props.dispatch.clone();
        let doc = props.doc.clone();
        Callback::from(move |_: MouseEvent| {
            let mut f = latest.borrow().clone();
            f.target = resolve_target(&target_options(&doc, target_of(&f.action)), &f.target);
            if f.value.trim().is_empty() {
                f.value = value_of(lang, &f.action)
                    .map(|(_, v)| v)
                    .unwrap_or("")
                    .into();
            }
            let list = &doc.chaos;
            match build_event(lang, &f) {
                Ok(e) => {
                    dispatch.emit(Action::SetChaos(insert_sorted(list, e)));
                    error.set(None);
                }
                Err(msg) => error.set(Some(msg)),
            }
        })
    };
    let rows = d.chaos.iter().enumerate().map(|(i, e)| {
        let done = e.at_s <= props.time_s;
        let remove = {
            let dispatch = props.dispatch.clone();
            let list = d.chaos.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = list.clone();
                if i < next.len() {
                    next.remove(i);
                    dispatch.emit(Action::SetChaos(next));
                }
            })
        };
        html! {
            <li class={classes!("chaos-row", done.then_some("is-done"))} data-testid={format!("chaos-event-{i}")}>
                <span class="chaos-time">{ format::clock(e.at_s) }</span>
                <span class="chaos-text">{ action_text(lang, d, &e.action) }</span>
                <button class="btn btn-icon chaos-remove" data-testid={format!("chaos-remove-{i}")}
                        title={tr(lang, "Remove")} aria-label={tr(lang, "Remove")} onclick={remove}>{ "×" }</button>
            </li>
        }
    });
    html! {
        <section class="res-col res-chaos" data-testid="chaos-timeline">
            <h3 class="res-title">{ tr(lang, "Chaos timeline") }</h3>
            <p class="res-help">{ tr(lang, "Failures scripted in simulated time. They replay at the same second on every run: press Reset to watch again from 0.") }</p>
            <ol class="res-list chaos-list" data-testid="chaos-list">
                if d.chaos.is_empty() {
                    <li class="muted">{ tr(lang, "Nothing scripted yet. Add an event below, e.g. kill the database primary at 30 s.") }</li>
                }
                { for rows }
            </ol>
            <div class="chaos-form" data-testid="chaos-form">
                <label class="chaos-at">
                    <span>{ tr(lang, "at") }</span>
                    <input type="number" min="0" step="1" value={form.at.clone()} data-testid="chaos-at"
                           oninput={typed(|f, v| f.at = v)} onchange={set(|f, v| f.at = v)} />
                    <span>{ "s" }</span>
                </label>
                <select data-testid="chaos-action" onchange={set(|f, v| { f.action = v; f.value.clear(); f.instance.clear(); })}>
                    { for ACTIONS.iter().map(|a| html! {
                        <option value={*a} selected={form.action == *a}>{ action_label(lang, a) }</option>
                    }) }
                </select>
                if kind != Target::Nothing {
                    <select data-testid="chaos-target" onchange={set(|f, v| { f.target = v; f.instance.clear(); })}>
                        if options.is_empty() {
                            <option value="" selected=true>{ match kind {
                                Target::Zone => tr(lang, "(no zones: set a node's zone)"),
                                _ => tr(lang, "(nothing to choose)"),
                            } }</option>
                        }
                        { for options.iter().map(|(v, label)| html! {
                            <option value={v.clone()} selected={*v == target}>{ label.clone() }</option>
                        }) }
                    </select>
                }
                if unit_count > 1 {
                    <select data-testid="chaos-instance" onchange={set(|f, v| f.instance = v)}>
                        <option value="" selected={form.instance.is_empty()}>{ tr(lang, "whole node") }</option>
                        { for (0..unit_count).map(|k| html! {
                            <option value={k.to_string()} selected={form.instance == k.to_string()}>{ format!("#{k}") }</option>
                        }) }
                    </select>
                }
                if let Some((label, default)) = value_field {
                    <label class="chaos-value">
                        <input type="number" min="0" step="any" placeholder={default} value={form.value.clone()}
                               data-testid="chaos-value" oninput={typed(|f, v| f.value = v)}
                               onchange={set(|f, v| f.value = v)} />
                        <span>{ label }</span>
                    </label>
                }
                <button class="btn btn-primary" data-testid="chaos-add" onclick={on_add}>{ tr(lang, "Add") }</button>
            </div>
            if let Some(msg) = &*error {
                <p class="res-error" data-testid="chaos-error" role="alert">{ msg.clone() }</p>
            }
        </section>
    }
}

// ---------- SLO and cost ----------

#[derive(Properties, PartialEq)]
struct SloProps {
    slo: Slo,
    stats: Rc<Stats>,
    lang: Lang,
    dispatch: Callback<Action>,
}

/// Parses the availability field, in percent ("99.9"), to a fraction.
pub fn parse_availability(text: &str) -> Option<f64> {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v < 100.0)
        // 99.9 / 100 is 0.9990000000000001 in binary: keep the nines the learner typed.
        .map(|v| (v * 1e7).round() / 1e9)
}

/// The availability as the field shows it: 0.999 → "99.9".
pub fn availability_text(a: f64) -> String {
    let s = format!("{:.6}", a * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[function_component]
fn SloCard(props: &SloProps) -> Html {
    let lang = props.lang;
    let error = use_state(|| None::<String>);
    // What was typed and not yet accepted: the card re-renders every snapshot while the run goes
    // on, and Yew resets an input to its `value` on each re-render.
    let draft_pct = use_state(|| None::<String>);
    let draft_p99 = use_state(|| None::<String>);
    {
        let (a, b) = (draft_pct.clone(), draft_p99.clone());
        use_effect_with(props.slo.clone(), move |_| {
            a.set(None);
            b.set(None);
        });
    }
    let draft_input = |draft: &UseStateHandle<Option<String>>| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| draft.set(Some(input_value(&e))))
    };
    let live = props.stats.slo.as_ref();
    let last = props.stats.series.last();
    let on_availability = {
        let (slo, dispatch, error) = (props.slo.clone(), props.dispatch.clone(), error.clone());
        let draft = draft_pct.clone();
        Callback::from(move |e: Event| match parse_availability(&input_value(&e)) {
            Some(a) => {
                error.set(None);
                draft.set(None);
                dispatch.emit(Action::SetSlo(Slo {
                    availability: a,
                    ..slo.clone()
                }));
            }
            None => error.set(Some(
                tr(
                    lang,
                    "Availability is a percentage between 0 and 100, e.g. 99.9.",
                )
                .into(),
            )),
        })
    };
    let on_p99 = {
        let (slo, dispatch, error) = (props.slo.clone(), props.dispatch.clone(), error.clone());
        let draft = draft_p99.clone();
        Callback::from(move |e: Event| {
            match input_value(&e)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
            {
                Some(p) => {
                    error.set(None);
                    draft.set(None);
                    dispatch.emit(Action::SetSlo(Slo {
                        p99_ms: p,
                        ..slo.clone()
                    }));
                }
                None => error.set(Some(
                    tr(
                        lang,
                        "The p99 target must be a number of milliseconds above 0.",
                    )
                    .into(),
                )),
            }
        })
    };
    let pct_text = (*draft_pct)
        .clone()
        .unwrap_or_else(|| availability_text(props.slo.availability));
    let p99_text = (*draft_p99)
        .clone()
        .unwrap_or_else(|| format::trim_num(props.slo.p99_ms));
    html! {
        <section class="res-col res-slo" data-testid="slo-card">
            <h3 class="res-title">{ tr(lang, "Service level") }</h3>
            <div class="slo-inputs">
                <label>
                    <span>{ tr(lang, "Availability target") }</span>
                    <input type="text" inputmode="decimal" value={pct_text} data-testid="slo-availability"
                           oninput={draft_input(&draft_pct)} onchange={on_availability} />
                    <span>{ "%" }</span>
                </label>
                <label>
                    <span>{ tr(lang, "p99 target") }</span>
                    <input type="text" inputmode="decimal" value={p99_text}
                           data-testid="slo-p99" oninput={draft_input(&draft_p99)} onchange={on_p99} />
                    <span>{ "ms" }</span>
                </label>
            </div>
            if let Some(msg) = &*error {
                <p class="res-error" role="alert">{ msg.clone() }</p>
            }
            if let Some(r) = live.filter(|_| props.stats.completed_total > 0) {
                <dl class="slo-figures">
                    <div>
                        <dt>{ tr(lang, "Success ratio") }</dt>
                        <dd data-testid="slo-success" class={classes!((r.success_ratio < r.availability_target).then_some("is-bad"))}>
                            { format!("{:.3}%", r.success_ratio * 100.0) }
                        </dd>
                    </div>
                    <div>
                        <dt title={tr(lang, "1× uses the error budget exactly as fast as the SLO allows; 10× burns it ten times too fast")}>
                            { tr(lang, "Error budget burn") }
                        </dt>
                        <dd data-testid="slo-burn" class={classes!((r.error_budget_burn > 1.0).then_some("is-bad"))}>
                            { format!("{}×", format::trim_num(r.error_budget_burn)) }
                        </dd>
                    </div>
                    <div>
                        <dt>{ tr(lang, "p99 so far") }</dt>
                        <dd class={classes!(r.p99_ms.is_some_and(|p| p > r.p99_target_ms).then_some("is-bad"))}>
                            { r.p99_ms.map_or("–".into(), format::ms) }
                        </dd>
                    </div>
                    <div>
                        <dt>{ tr(lang, "Spent so far") }</dt>
                        <dd data-testid="cost-total">{ format::money(last.map_or(0.0, |s| s.cost_total)) }</dd>
                    </div>
                </dl>
                <p class={classes!("slo-verdict", if r.met { "is-met" } else { "is-missed" })} data-testid="slo-verdict">
                    { if r.met { tr(lang, "SLO met so far") } else { tr(lang, "SLO missed") } }
                </p>
            } else {
                <p class="muted">{ tr(lang, "Press Play: the run is scored against these targets as it goes.") }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(action: &str, target: &str, value: &str) -> ChaosForm {
        ChaosForm {
            at: "30".into(),
            action: action.into(),
            target: target.into(),
            instance: String::new(),
            value: value.into(),
        }
    }

    #[test]
    fn the_form_builds_each_kind_of_event_and_refuses_nonsense() {
        let l = Lang::En;
        let e = build_event(l, &form("kill", "db", "")).unwrap();
        assert_eq!(e.at_s, 30.0);
        assert_eq!(
            e.action,
            ChaosAction::Kill {
                node: "db".into(),
                instance: None
            }
        );
        let mut f = form("revive", "api", "");
        f.instance = "2".into();
        assert_eq!(
            build_event(l, &f).unwrap().action,
            ChaosAction::Revive {
                node: "api".into(),
                instance: Some(2)
            }
        );
        assert_eq!(
            build_event(l, &form("errors", "api", "25")).unwrap().action,
            ChaosAction::Errors {
                node: "api".into(),
                rate: 0.25
            }
        );
        assert!(build_event(l, &form("errors", "api", "150")).is_err());
        assert!(build_event(l, &form("slow", "api", "-2")).is_err());
        assert!(build_event(l, &form("slow", "api", "NaN")).is_err());
        assert!(build_event(l, &form("kill", "", "")).is_err());
        let mut late = form("traffic", "", "3");
        late.at = "-1".into();
        assert!(build_event(l, &late).is_err());
        late.at = "12.5".into();
        assert_eq!(build_event(l, &late).unwrap().at_s, 12.5);
        assert!(build_event(l, &form("explode", "api", "")).is_err());
    }

    #[test]
    fn events_stay_in_time_order_and_ties_keep_the_order_they_were_added() {
        let ev = |at: f64, factor: f64| ChaosEvent {
            at_s: at,
            action: ChaosAction::Traffic { factor },
        };
        let list = vec![ev(10.0, 1.0), ev(30.0, 2.0)];
        let list = insert_sorted(&list, ev(20.0, 3.0));
        let list = insert_sorted(&list, ev(10.0, 4.0));
        let order: Vec<f64> = list
            .iter()
            .map(|e| match e.action {
                ChaosAction::Traffic { factor } => factor,
                _ => 0.0,
            })
            .collect();
        assert_eq!(order, vec![1.0, 4.0, 3.0, 2.0]);
    }

    #[test]
    fn availability_is_typed_in_percent() {
        assert_eq!(parse_availability("99.9"), Some(0.999));
        assert_eq!(parse_availability(" 99.95 % "), Some(0.9995));
        assert_eq!(parse_availability("100"), None);
        assert_eq!(parse_availability("0"), None);
        assert_eq!(parse_availability("abc"), None);
        assert_eq!(availability_text(0.999), "99.9");
        assert_eq!(availability_text(0.99995), "99.995");
    }
}
