//! A client's request classes (`GET /static/*`, `POST /api/orders`…): one card per class with
//! its name, method, path, host, share and cost, and buttons to add and remove classes. Each
//! edit is one node replacement checked by the engine's validator, so it is one undo step and a
//! running simulation follows it. Without classes every request is one implicit class whose
//! reads and writes follow the client's read share.

use super::check::{fmt_num, parse_float, parse_positive, FieldError};
use super::fields::{note, section, ActionButton, CheckField, InputField, SelectField};
use super::node::Ctx;
use super::{parse_bool, parse_text};
use crate::i18n::{fill, tr};
use scaleboard_sim::diagram::{ClientParams, Node, NodeSpec, RequestClass};
use yew::prelude::*;

/// The methods offered in the drop-down (a file may name another, which is then offered too).
pub const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

/// Applies `f` to the parameters if the node is a client.
fn client<T>(f: impl Fn(&mut ClientParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Client(p) = &mut n.spec {
            f(p, v)
        }
    }
}

/// Applies `f` to class `i`, if it is still there.
fn class<T>(i: usize, f: impl Fn(&mut RequestClass, T)) -> impl Fn(&mut Node, T) {
    client(move |p, v| {
        if let Some(k) = p.classes.get_mut(i) {
            f(k, v)
        }
    })
}

/// A share typed in percent (`35` → 0.35); negative numbers are refused here, the engine
/// judges the rest (all shares 0).
pub fn parse_percent(text: &str) -> Result<f64, FieldError> {
    let v = parse_float(text.trim().trim_end_matches('%'))?;
    if v < 0.0 {
        Err(FieldError::Negative)
    } else {
        Ok(v / 100.0)
    }
}

/// A fraction as a percentage without float noise: 0.35 → `35`, 1/3 → `33.3`.
pub fn fmt_percent(v: f64) -> String {
    fmt_num((v * 1000.0).round() / 10.0)
}

/// A name for a new class that no class of `classes` has yet: `class-1`, `class-2`…
pub fn new_class_name(classes: &[RequestClass]) -> String {
    (1..)
        .map(|k| format!("class-{k}"))
        .find(|name| !classes.iter().any(|c| c.name == *name))
        .unwrap_or_default()
}

/// The class a click on Add appends: `GET /`, with the whole traffic if it is the first class,
/// else a tenth (the others keep theirs; shares are divided by their total).
pub fn new_class(classes: &[RequestClass]) -> RequestClass {
    RequestClass {
        name: new_class_name(classes),
        share: if classes.is_empty() { 1.0 } else { 0.1 },
        ..RequestClass::default()
    }
}

/// Each class's part of the requests (shares divided by their total); all 0 if the total is.
pub fn effective_shares(classes: &[RequestClass]) -> Vec<f64> {
    let total: f64 = classes.iter().map(|c| c.share.max(0.0)).sum();
    classes
        .iter()
        .map(|c| {
            if total > 0.0 {
                c.share.max(0.0) / total
            } else {
                0.0
            }
        })
        .collect()
}

pub(super) fn view(cx: &Ctx, p: &ClientParams) -> Html {
    let l = cx.lang;
    let parts = effective_shares(&p.classes);
    let total: f64 = p.classes.iter().map(|c| c.share.max(0.0)).sum();
    let rows = p
        .classes
        .iter()
        .enumerate()
        .map(|(i, k)| row(cx, i, k, parts.get(i).copied().unwrap_or(0.0)));
    let add = cx.commit(
        "params.classes",
        parse_text,
        client(|p, _: String| {
            let k = new_class(&p.classes);
            p.classes.push(k);
        }),
    );
    let body = html! {
        <div class="insp-list" data-testid="classes">
            <p class="field-help">
                { tr(l, "Kinds of request this client sends. Each request draws a class by share; its method decides read or write, its cost multiplies the service time, and an L7 load balancer routes it by path and host.") }
            </p>
            if p.classes.is_empty() {
                <p class="insp-hint" data-testid="classes-implicit">
                    { fill(tr(l, "No classes: every request is one implicit class, GET / with no host, and {} % of them are reads (the read share above)."),
                           &[&fmt_percent(p.read_ratio)]) }
                </p>
            } else {
                { for rows }
                if total > 0.0 && (total - 1.0).abs() > 1e-6 {
                    { note("class-shares", &fill(tr(l, "The shares add up to {} %, so each is divided by the total: the parts of the requests are shown under each class."), &[&fmt_percent(total)])) }
                }
                <p class="field-help">
                    { tr(l, "With classes, each class's method decides reads and writes: the read share above no longer applies.") }
                </p>
            }
            <ActionButton name="class-add" label={tr(l, "Add a request class")}
                          class={classes!("insp-list-add")} lang={l} commit={add} />
        </div>
    };
    section(tr(l, "Request classes"), body)
}

/// One class: its fields in a card, its part of the requests and a Remove button.
fn row(cx: &Ctx, i: usize, k: &RequestClass, part: f64) -> Html {
    let l = cx.lang;
    let f = |name: &str| format!("params.classes[{i}].{name}");
    let mut methods: Vec<(AttrValue, AttrValue)> = METHODS
        .iter()
        .map(|m| (AttrValue::Static(m), AttrValue::Static(m)))
        .collect();
    if !METHODS.contains(&k.method.as_str()) {
        methods.push((k.method.clone().into(), k.method.clone().into()));
    }
    let remove = cx.commit(
        "params.classes",
        parse_text,
        client(move |p, _: String| {
            if i < p.classes.len() {
                p.classes.remove(i);
            }
        }),
    );
    let shown = if k.name.is_empty() {
        fill(tr(l, "class {}"), &[&(i + 1)])
    } else {
        k.name.clone()
    };
    let kind = if k.is_write() {
        tr(l, "write")
    } else {
        tr(l, "read")
    };
    html! {
        <div class="insp-item" key={i.to_string()} data-testid={format!("class-row-{i}")}
             role="group" aria-label={shown.clone()}>
            <div class="insp-item-grid">
                <InputField path={f("name")} label={tr(l, "Name")} lang={l} inputmode="text"
                            value={k.name.clone()}
                            commit={cx.commit(f("name"), parse_text, class(i, |k, v: String| k.name = v))} />
                <SelectField path={f("method")} label={tr(l, "Method")} lang={l}
                             value={k.method.clone()} options={methods}
                             commit={cx.commit(f("method"), parse_text, class(i, |k, v: String| k.method = v))} />
                <div class="insp-item-wide">
                    <InputField path={f("path")} label={tr(l, "Path")} lang={l} inputmode="text"
                                monospace=true value={k.path.clone()} placeholder="/"
                                commit={cx.commit(f("path"), parse_text, class(i, |k, v: String| k.path = v))} />
                </div>
                <div class="insp-item-wide">
                    <InputField path={f("host")} label={tr(l, "Host")} lang={l} inputmode="text"
                                monospace=true value={k.host.clone()} placeholder={tr(l, "any")}
                                commit={cx.commit(f("host"), parse_text, class(i, |k, v: String| k.host = v))} />
                </div>
                <InputField path={f("share")} label={tr(l, "Traffic share")} unit="%" lang={l}
                            value={fmt_percent(k.share)}
                            commit={cx.commit(f("share"), parse_percent, class(i, |k, v| k.share = v))} />
                <InputField path={f("cost")} label={tr(l, "Cost")} unit="×" lang={l}
                            value={fmt_num(k.cost)} placeholder="1"
                            commit={cx.commit(f("cost"), parse_cost, class(i, |k, v| k.cost = v))} />
                <div class="insp-item-wide">
                    <SelectField path={f("write")} label={tr(l, "Counts as")} lang={l}
                                 value={write_slug(k.write)} options={write_options(l, &k.method)}
                                 commit={cx.commit(f("write"), parse_text, class(i, |k, v: String| k.write = write_from_slug(&v)))} />
                </div>
                if !k.is_write() {
                    <div class="insp-item-wide">
                        <CheckField path={f("cacheable")} label={tr(l, "Caches may answer it")} lang={l}
                                    checked={k.is_cacheable()}
                                    commit={cx.commit(f("cacheable"), parse_bool, class(i, |k, on: bool| k.cacheable = (!on).then_some(false)))} />
                    </div>
                }
            </div>
            <div class="insp-item-foot">
                <output class="insp-item-part" data-testid={format!("class-part-{i}")}
                        data-part={fmt_percent(part)}>
                    { fill(tr(l, "{} % of requests, {}"), &[&fmt_percent(part), &kind]) }
                </output>
                <ActionButton name={format!("class-remove-{i}")} label={tr(l, "Remove")}
                              title={fill(tr(l, "Remove class {}"), &[&shown])}
                              class={classes!("btn-small")} lang={l} commit={remove} />
            </div>
        </div>
    }
}

/// The read/write override as a drop-down value: `method` (none), `read` or `write`.
fn write_slug(w: Option<bool>) -> &'static str {
    match w {
        None => "method",
        Some(false) => "read",
        Some(true) => "write",
    }
}

fn write_from_slug(slug: &str) -> Option<bool> {
    match slug {
        "read" => Some(false),
        "write" => Some(true),
        _ => None,
    }
}

/// "As its method says (GET: read)", "Always a read", "Always a write".
fn write_options(l: crate::i18n::Lang, method: &str) -> Vec<(AttrValue, AttrValue)> {
    let by_method = RequestClass {
        method: method.to_owned(),
        ..RequestClass::default()
    };
    let implied = if by_method.is_write() {
        tr(l, "write")
    } else {
        tr(l, "read")
    };
    vec![
        (
            AttrValue::Static("method"),
            fill(tr(l, "As its method says ({}: {})"), &[&method, &implied]).into(),
        ),
        (
            AttrValue::Static("read"),
            AttrValue::Static(tr(l, "Always a read")),
        ),
        (
            AttrValue::Static("write"),
            AttrValue::Static(tr(l, "Always a write")),
        ),
    ]
}

/// A cost multiplier: a number, 0 allowed (free requests), negative refused.
fn parse_cost(text: &str) -> Result<f64, FieldError> {
    match parse_positive(text) {
        Ok(v) => Ok(v),
        Err(FieldError::NotPositive) if parse_float(text)? == 0.0 => Ok(0.0),
        Err(FieldError::NotPositive) => Err(FieldError::Negative),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_typed_in_percent() {
        assert_eq!(parse_percent("35"), Ok(0.35));
        assert_eq!(parse_percent(" 50 % "), Ok(0.5));
        assert_eq!(parse_percent("0"), Ok(0.0));
        assert_eq!(parse_percent("-5"), Err(FieldError::Negative));
        assert_eq!(parse_percent("lots"), Err(FieldError::NotANumber));
        assert_eq!(fmt_percent(0.35), "35");
        assert_eq!(fmt_percent(1.0 / 3.0), "33.3");
        assert_eq!(fmt_percent(0.0), "0");
    }

    #[test]
    fn a_new_class_gets_a_free_name_and_a_share() {
        let first = new_class(&[]);
        assert_eq!((first.name.as_str(), first.share), ("class-1", 1.0));
        assert_eq!((first.method.as_str(), first.path.as_str()), ("GET", "/"));
        let second = new_class(std::slice::from_ref(&first));
        assert_eq!((second.name.as_str(), second.share), ("class-2", 0.1));
    }

    #[test]
    fn effective_shares_divide_by_the_total() {
        let k = |share| RequestClass {
            share,
            ..RequestClass::default()
        };
        assert_eq!(effective_shares(&[k(0.5), k(1.5)]), vec![0.25, 0.75]);
        assert_eq!(effective_shares(&[k(0.0), k(0.0)]), vec![0.0, 0.0]);
    }

    #[test]
    fn the_write_override_round_trips_through_its_slug() {
        for w in [None, Some(false), Some(true)] {
            assert_eq!(write_from_slug(write_slug(w)), w);
        }
        let options = write_options(crate::i18n::Lang::En, "POST");
        assert_eq!(options[0].1.as_str(), "As its method says (POST: write)");
    }

    #[test]
    fn a_cost_may_be_zero_but_not_negative() {
        assert_eq!(parse_cost("1.5"), Ok(1.5));
        assert_eq!(parse_cost("0"), Ok(0.0));
        assert_eq!(parse_cost("-1"), Err(FieldError::Negative));
        assert_eq!(parse_cost("x"), Err(FieldError::NotANumber));
    }
}
