//! Where a client's users are: rows of (region, share) over the design's regions, each request
//! coming from one region drawn by share. Shown when the design has regions (or the client
//! already names some). Each edit is one node replacement checked by the engine's validator.

use super::check::FieldError;
use super::classes::{fmt_percent, parse_percent};
use super::fields::{note, section, ActionButton, InputField, SelectField};
use super::node::Ctx;
use super::parse_text;
use crate::i18n::{fill, tr};
use scaleboard_sim::diagram::{ClientParams, Diagram, Node, NodeSpec, RegionShare};
use yew::prelude::*;

fn client<T>(f: impl Fn(&mut ClientParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::Client(p) = &mut n.spec {
            f(p, v)
        }
    }
}

fn share_row<T>(i: usize, f: impl Fn(&mut RegionShare, T)) -> impl Fn(&mut Node, T) {
    client(move |p, v| {
        if let Some(r) = p.regions.get_mut(i) {
            f(r, v)
        }
    })
}

/// A share in percent that must be above 0 (a region with no users is simply left out).
fn parse_share(text: &str) -> Result<f64, FieldError> {
    match parse_percent(text)? {
        v if v > 0.0 => Ok(v),
        _ => Err(FieldError::NotPositive),
    }
}

/// The row a click on Add appends: the first region of the design no row names yet (else the
/// first region), with what is left of 100 % (or as much as the others on average).
pub fn new_row(doc: &Diagram, rows: &[RegionShare]) -> Option<RegionShare> {
    let region = doc
        .regions
        .iter()
        .find(|r| !rows.iter().any(|x| x.region == r.id))
        .or_else(|| doc.regions.first())?
        .id
        .clone();
    let total: f64 = rows.iter().map(|r| r.share.max(0.0)).sum();
    let share = if total < 1.0 - 1e-9 {
        1.0 - total
    } else {
        total / rows.len().max(1) as f64
    };
    Some(RegionShare { region, share })
}

pub(super) fn view(cx: &Ctx, p: &ClientParams) -> Html {
    let l = cx.lang;
    let doc = &cx.doc;
    if doc.regions.is_empty() && p.regions.is_empty() {
        return html! {};
    }
    let total: f64 = p.regions.iter().map(|r| r.share.max(0.0)).sum();
    let rows = p.regions.iter().enumerate().map(|(i, r)| {
        let f = |name: &str| format!("params.regions[{i}].{name}");
        let mut options: Vec<(AttrValue, AttrValue)> = doc
            .regions
            .iter()
            .map(|x| {
                // The frame's name, as on the canvas (the id when it has none).
                let text = if x.label.is_empty() {
                    x.id.clone()
                } else {
                    x.label.clone()
                };
                (AttrValue::from(x.id.clone()), AttrValue::from(text))
            })
            .collect();
        if !doc.regions.iter().any(|x| x.id == r.region) {
            options.push((r.region.clone().into(), r.region.clone().into()));
        }
        let part = if total > 0.0 { r.share.max(0.0) / total } else { 0.0 };
        let remove = cx.commit(
            "params.regions",
            parse_text,
            client(move |p, _: String| {
                if i < p.regions.len() {
                    p.regions.remove(i);
                }
            }),
        );
        html! {
            <div class="insp-item" key={i.to_string()} data-testid={format!("user-region-row-{i}")}
                 role="group" aria-label={r.region.clone()}>
                <div class="insp-item-grid is-region">
                    <SelectField path={f("region")} label={tr(l, "Region")} lang={l}
                                 value={r.region.clone()} options={options}
                                 commit={cx.commit(f("region"), parse_text, share_row(i, |r, v: String| r.region = v))} />
                    <InputField path={f("share")} label={tr(l, "User share")} unit="%" lang={l}
                                value={fmt_percent(r.share)}
                                commit={cx.commit(f("share"), parse_share, share_row(i, |r, v| r.share = v))} />
                </div>
                <div class="insp-item-foot">
                    <output class="insp-item-part" data-testid={format!("user-region-part-{i}")}
                            data-part={fmt_percent(part)}>
                        { fill(tr(l, "{} % of the users"), &[&fmt_percent(part)]) }
                    </output>
                    <ActionButton name={format!("user-region-remove-{i}")} label={tr(l, "Remove")}
                                  title={fill(tr(l, "Remove the users in {}"), &[&r.region])}
                                  class={classes!("btn-small")} lang={l} commit={remove} />
                </div>
            </div>
        }
    });
    let add = {
        let doc = doc.clone();
        cx.commit(
            "params.regions",
            parse_text,
            client(move |p, _: String| {
                if let Some(r) = new_row(&doc, &p.regions) {
                    p.regions.push(r);
                }
            }),
        )
    };
    let own = if cx.node.region.is_empty() {
        tr(l, "none").to_owned()
    } else {
        cx.node.region.clone()
    };
    let body = html! {
        <div class="insp-list" data-testid="user-regions">
            <p class="field-help">
                { tr(l, "Spread this client's users over regions: each request comes from one region, drawn by share, and pays the round trip from there.") }
            </p>
            if p.regions.is_empty() {
                <p class="insp-hint" data-testid="user-regions-implicit">
                    { fill(tr(l, "All users are in the client's own region ({})."), &[&own]) }
                </p>
            } else {
                { for rows }
                if total > 0.0 && (total - 1.0).abs() > 1e-6 {
                    { note("user-region-shares", &fill(tr(l, "The shares add up to {} %, so each is divided by the total."), &[&fmt_percent(total)])) }
                }
            }
            if !doc.regions.is_empty() {
                <ActionButton name="user-region-add" label={tr(l, "Add users in a region")}
                              class={classes!("insp-list-add")} lang={l} commit={add} />
            }
        </div>
    };
    section(tr(l, "Where the users are"), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::diagram::Region;

    fn doc() -> Diagram {
        let mut d = Diagram::default();
        for id in ["us-east", "eu-west"] {
            d.regions.push(Region {
                id: id.to_owned(),
                label: String::new(),
                x: 0.0,
                y: 0.0,
                w: 100.0,
                h: 100.0,
            });
        }
        d
    }

    #[test]
    fn a_new_row_takes_a_free_region_and_the_rest_of_the_users() {
        let d = doc();
        let first = new_row(&d, &[]).unwrap();
        assert_eq!((first.region.as_str(), first.share), ("us-east", 1.0));
        let us = RegionShare {
            region: "us-east".into(),
            share: 0.6,
        };
        let second = new_row(&d, std::slice::from_ref(&us)).unwrap();
        assert_eq!(second.region, "eu-west");
        assert!((second.share - 0.4).abs() < 1e-9);
        assert!(new_row(&Diagram::default(), &[]).is_none());
    }

    #[test]
    fn a_share_must_be_above_zero() {
        assert_eq!(parse_share("40"), Ok(0.4));
        assert_eq!(parse_share("0"), Err(FieldError::NotPositive));
        assert_eq!(parse_share("-1"), Err(FieldError::Negative));
    }
}
