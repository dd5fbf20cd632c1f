//! The routing rules of an L7 load balancer: an ordered list (the first rule that matches a
//! request wins), each with a path prefix, an optional host and the backends it may send to,
//! chosen among the nodes the balancer has edges to. Rules are added, removed and moved up or
//! down; each edit is one node replacement checked by the engine's validator (a rule with no
//! target is refused with its message), so one undo step.

use super::fields::{section, ActionButton, CheckField, InputField};
use super::node::Ctx;
use super::{parse_bool, parse_text};
use crate::i18n::{fill, tr};
use scaleboard_sim::diagram::{Diagram, L7Rule, LoadBalancerParams, Node, NodeSpec};
use yew::prelude::*;

fn balancer<T>(f: impl Fn(&mut LoadBalancerParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::LoadBalancer(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn rule<T>(i: usize, f: impl Fn(&mut L7Rule, T)) -> impl Fn(&mut Node, T) {
    balancer(move |p, v| {
        if let Some(r) = p.rules.get_mut(i) {
            f(r, v)
        }
    })
}

/// The balancer's backends: the targets of its outgoing edges, in edge order, once each.
pub fn backends(doc: &Diagram, id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in doc.edges.iter().filter(|e| e.from == id) {
        if !out.contains(&e.to) {
            out.push(e.to.clone());
        }
    }
    out
}

/// The rule a click on Add appends: every request (`/`) to every backend, a catch-all at the end.
pub fn new_rule(backends: &[String]) -> L7Rule {
    L7Rule {
        path_prefix: "/".to_owned(),
        host: String::new(),
        targets: backends.to_vec(),
    }
}

/// Rule `i` swapped with the one `up` (or down) of it; nothing at the ends.
pub fn move_rule(rules: &mut [L7Rule], i: usize, up: bool) {
    let j = if up { i.checked_sub(1) } else { Some(i + 1) };
    if let Some(j) = j.filter(|j| *j < rules.len() && i < rules.len()) {
        rules.swap(i, j);
    }
}

/// `target` checked (added in backend order) or unchecked in `targets`.
pub fn set_target(targets: &mut Vec<String>, target: &str, on: bool, backends: &[String]) {
    targets.retain(|t| t != target);
    if on {
        targets.push(target.to_owned());
        // Keep the order the backends are listed in; unknown ids stay where they were.
        targets.sort_by_key(|t| backends.iter().position(|b| b == t).unwrap_or(usize::MAX));
    }
}

pub(super) fn view(cx: &Ctx, p: &LoadBalancerParams) -> Html {
    let l = cx.lang;
    let backends = backends(&cx.doc, &cx.node.id);
    let n = p.rules.len();
    let rows = p
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| row(cx, i, n, r, &backends));
    let add = {
        let backends = backends.clone();
        cx.commit(
            "params.rules",
            parse_text,
            balancer(move |p, _: String| p.rules.push(new_rule(&backends))),
        )
    };
    let body = html! {
        <div class="insp-list" data-testid="l7-rules">
            <p class="field-help">
                { tr(l, "Checked in order: the first rule whose path prefix starts the request's path (and whose host, if set, is the request's host) picks the backends it may go to; the algorithm picks among them.") }
            </p>
            if p.rules.is_empty() {
                <p class="insp-hint" data-testid="l7-rules-none">
                    { tr(l, "No rules: every request is spread over all backends, as an L4 balancer does.") }
                </p>
            } else {
                <ol class="insp-rules">{ for rows }</ol>
                <p class="insp-hint" data-testid="l7-rules-no-route">
                    { tr(l, "A request no rule matches fails here with 404 (cause no_route): end with a rule for / to catch the rest.") }
                </p>
            }
            if backends.is_empty() {
                <p class="insp-hint">
                    { tr(l, "Connect this balancer to backends first: rules choose among them.") }
                </p>
            }
            <ActionButton name="rule-add" label={tr(l, "Add a routing rule")}
                          class={classes!("insp-list-add")} lang={l} commit={add} />
        </div>
    };
    section(tr(l, "Routing rules"), body)
}

fn row(cx: &Ctx, i: usize, n: usize, r: &L7Rule, backends: &[String]) -> Html {
    let l = cx.lang;
    let f = |name: &str| format!("params.rules[{i}].{name}");
    let number = i + 1;
    let mover = |up: bool| {
        cx.commit(
            "params.rules",
            parse_text,
            balancer(move |p, _: String| move_rule(&mut p.rules, i, up)),
        )
    };
    let remove = cx.commit(
        "params.rules",
        parse_text,
        balancer(move |p, _: String| {
            if i < p.rules.len() {
                p.rules.remove(i);
            }
        }),
    );
    // Checkboxes for the backends, then any target that is no longer one (so it can be cleared).
    let mut listed: Vec<String> = backends.to_vec();
    for t in &r.targets {
        if !listed.contains(t) {
            listed.push(t.clone());
        }
    }
    let targets_field = f("targets");
    let boxes = listed.iter().map(|t| {
        let name = cx
            .doc
            .node(t)
            .map_or_else(|| t.clone(), |n| n.display_name().to_owned());
        let label = if backends.contains(t) {
            name
        } else {
            fill(tr(l, "{} (not connected)"), &[&name])
        };
        let commit = {
            let (t, backends) = (t.clone(), backends.to_vec());
            cx.commit(
                targets_field.clone(),
                parse_bool,
                rule(i, move |r, on: bool| {
                    set_target(&mut r.targets, &t, on, &backends)
                }),
            )
        };
        html! {
            <CheckField path={format!("params.rules[{i}].targets.{t}")} label={label} lang={l}
                        checked={r.targets.contains(t)} commit={commit} />
        }
    });
    html! {
        <li class="insp-item" key={i.to_string()} data-testid={format!("rule-row-{i}")}
            data-path-prefix={r.path_prefix.clone()}>
            <div class="insp-item-head">
                <span class="insp-item-title">{ fill(tr(l, "Rule {}"), &[&number]) }</span>
                <span class="insp-item-tools">
                    if i > 0 {
                        <ActionButton name={format!("rule-up-{i}")} label="↑"
                                      title={fill(tr(l, "Move rule {} up"), &[&number])}
                                      class={classes!("insp-icon-btn")} lang={l} commit={mover(true)} />
                    }
                    if i + 1 < n {
                        <ActionButton name={format!("rule-down-{i}")} label="↓"
                                      title={fill(tr(l, "Move rule {} down"), &[&number])}
                                      class={classes!("insp-icon-btn")} lang={l} commit={mover(false)} />
                    }
                    <ActionButton name={format!("rule-remove-{i}")} label="×"
                                  title={fill(tr(l, "Remove rule {}"), &[&number])}
                                  class={classes!("insp-icon-btn", "insp-schedule-remove")} lang={l}
                                  commit={remove} />
                </span>
            </div>
            <div class="insp-item-grid">
                <InputField path={f("path_prefix")} label={tr(l, "Path prefix")} lang={l}
                            inputmode="text" monospace=true value={r.path_prefix.clone()}
                            placeholder="/"
                            commit={cx.commit(f("path_prefix"), parse_text, rule(i, |r, v: String| r.path_prefix = v))} />
                <InputField path={f("host")} label={tr(l, "Host")} lang={l} inputmode="text"
                            monospace=true value={r.host.clone()} placeholder={tr(l, "any")}
                            commit={cx.commit(f("host"), parse_text, rule(i, |r, v: String| r.host = v))} />
            </div>
            <fieldset class="insp-targets" data-testid={format!("rule-targets-{i}")}>
                <legend class="field-label">{ tr(l, "Send to") }</legend>
                { for boxes }
            </fieldset>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(prefix: &str) -> L7Rule {
        L7Rule {
            path_prefix: prefix.to_owned(),
            ..L7Rule::default()
        }
    }

    #[test]
    fn rules_move_within_the_list() {
        let mut rules = vec![r("/a"), r("/b"), r("/c")];
        move_rule(&mut rules, 2, true);
        move_rule(&mut rules, 0, true);
        move_rule(&mut rules, 2, false);
        move_rule(&mut rules, 9, false);
        let order: Vec<&str> = rules.iter().map(|r| r.path_prefix.as_str()).collect();
        assert_eq!(order, ["/a", "/c", "/b"]);
    }

    #[test]
    fn targets_are_checked_in_backend_order() {
        let backends = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let mut t = vec!["c".to_owned()];
        set_target(&mut t, "a", true, &backends);
        assert_eq!(t, ["a", "c"]);
        set_target(&mut t, "c", false, &backends);
        assert_eq!(t, ["a"]);
        set_target(&mut t, "a", true, &backends);
        assert_eq!(t, ["a"], "checking twice keeps one entry");
        assert_eq!(new_rule(&backends).targets, backends);
        assert_eq!(new_rule(&backends).path_prefix, "/");
    }
}
