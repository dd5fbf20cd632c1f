//! Nothing selected, and the design has regions: the round trip between each pair of regions.
//! Each field shows the default (published inter-region figures, `default_rtt_ms`) as its
//! placeholder; a number typed in overrides it, an empty field goes back to the default.

use super::check::{fmt_num, parse_float, FieldError};
use super::fields::{section, InputField};
use super::InspectorProps;
use crate::i18n::tr;
use crate::state::Action;
use scaleboard_sim::diagram::{default_rtt_ms, MAX_RTT_MS};
use yew::prelude::*;

/// A round trip typed by the user: empty = the default, else a number in `(0, MAX_RTT_MS]`.
pub fn parse_rtt(text: &str) -> Result<Option<f64>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let v = parse_float(text)?;
    if v <= 0.0 {
        Err(FieldError::NotPositive)
    } else if v > MAX_RTT_MS {
        Err(FieldError::TooLarge(MAX_RTT_MS as u64))
    } else {
        Ok(Some(v))
    }
}

/// The largest frame side a user can type (canvas units): far beyond any drawing.
const MAX_FRAME: f64 = 20_000.0;

/// A frame side typed by the user: a positive number up to [`MAX_FRAME`].
pub fn parse_size(text: &str) -> Result<f64, FieldError> {
    let v = parse_float(text)?;
    if v <= 0.0 {
        Err(FieldError::NotPositive)
    } else if v > MAX_FRAME {
        Err(FieldError::TooLarge(MAX_FRAME as u64))
    } else {
        Ok(v)
    }
}

pub fn view(props: &InspectorProps) -> Html {
    html! { <>{ frames(props) }{ round_trips(props) }</> }
}

/// The regions themselves: each one's label and a Remove button, and Add a region.
fn frames(props: &InspectorProps) -> Html {
    let l = props.lang;
    let rows = props.doc.regions.iter().map(|r| {
        let relabel = {
            let (cb, id, now) = (props.on_region.clone(), r.id.clone(), r.label.clone());
            Callback::from(move |text: String| {
                let label = text.trim().to_owned();
                if label != now {
                    cb.emit(Action::RelabelRegion { id: id.clone(), label });
                }
                None
            })
        };
        // The frame's size, for keyboards (pointers drag the corner); the command keeps every
        // member inside, so a number too small is raised to what they need.
        let resize = |width: bool| {
            let (cb, id, w, h) = (props.on_region.clone(), r.id.clone(), r.w, r.h);
            Callback::from(move |text: String| match parse_size(&text) {
                Ok(v) => {
                    let (nw, nh) = if width { (v, h) } else { (w, v) };
                    if (nw, nh) != (w, h) {
                        cb.emit(Action::ResizeRegion {
                            id: id.clone(),
                            w: nw,
                            h: nh,
                        });
                    }
                    None
                }
                Err(e) => Some(e),
            })
        };
        let remove = {
            let (cb, id) = (props.on_region.clone(), r.id.clone());
            Callback::from(move |_: MouseEvent| cb.emit(Action::RemoveRegion(id.clone())))
        };
        html! {
            <div class="insp-region" data-testid={format!("region-row-{}", r.id)}>
                <InputField path={format!("regions.{}.label", r.id)} label={r.id.clone()} lang={l}
                            inputmode="text" value={r.label.clone()} placeholder={r.id.clone()}
                            help={tr(l, "Name shown on the frame. Drag components into the frame to put them in this region.")}
                            commit={relabel} />
                <div class="insp-size">
                    <InputField path={format!("regions.{}.w", r.id)} label={tr(l, "Frame width")} lang={l}
                                inputmode="decimal" value={fmt_num(r.w)} commit={resize(true)} />
                    <InputField path={format!("regions.{}.h", r.id)} label={tr(l, "Frame height")} lang={l}
                                inputmode="decimal" value={fmt_num(r.h)} commit={resize(false)} />
                </div>
                <button type="button" class="btn btn-small insp-btn" data-testid={format!("region-remove-{}", r.id)}
                        onclick={remove}>{ tr(l, "Remove region") }</button>
            </div>
        }
    });
    let add = {
        let cb = props.on_region.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::AddRegion))
    };
    section(
        tr(l, "Regions"),
        html! {
            <>
                { for rows }
                <button type="button" class="btn insp-btn" data-testid="region-add" onclick={add}>
                    { tr(l, "Add a region") }
                </button>
            </>
        },
    )
}

fn round_trips(props: &InspectorProps) -> Html {
    let l = props.lang;
    let doc = &props.doc;
    if doc.regions.len() < 2 {
        return html! {};
    }
    let ids: Vec<&str> = doc.regions.iter().map(|r| r.id.as_str()).collect();
    let mut rows = Vec::new();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let set = doc
                .region_latency
                .iter()
                .find(|x| (x.a == *a && x.b == *b) || (x.a == *b && x.b == *a))
                .map(|x| x.rtt_ms);
            let commit = {
                let (cb, a, b, now) = (
                    props.on_region_rtt.clone(),
                    a.to_string(),
                    b.to_string(),
                    set,
                );
                Callback::from(move |text: String| match parse_rtt(&text) {
                    Ok(v) => {
                        if v != now {
                            cb.emit((a.clone(), b.clone(), v));
                        }
                        None
                    }
                    Err(e) => Some(e),
                })
            };
            rows.push(html! {
                <InputField path={format!("region_latency.{a}.{b}")} label={format!("{a} ↔ {b}")}
                            unit="ms" lang={l} inputmode="decimal"
                            help={tr(l, "Round trip between the two regions; every connection that crosses them pays half of it each way. Empty = the typical figure shown.")}
                            value={set.map(fmt_num).unwrap_or_default()}
                            placeholder={fmt_num(default_rtt_ms(a, b))} commit={commit} />
            });
        }
    }
    section(
        tr(l, "Round trips between regions"),
        html! { <>{ for rows }</> },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_trip_is_empty_for_the_default_or_a_positive_bounded_number() {
        assert_eq!(parse_rtt("  "), Ok(None));
        assert_eq!(parse_rtt("75"), Ok(Some(75.0)));
        assert_eq!(parse_rtt("0"), Err(FieldError::NotPositive));
        assert_eq!(parse_rtt("-3"), Err(FieldError::NotPositive));
        assert_eq!(parse_rtt("1e9"), Err(FieldError::TooLarge(5_000)));
        assert_eq!(parse_rtt("far"), Err(FieldError::NotANumber));
    }

    #[test]
    fn a_frame_side_is_a_positive_bounded_number() {
        assert_eq!(parse_size("480"), Ok(480.0));
        assert_eq!(parse_size("0"), Err(FieldError::NotPositive));
        assert_eq!(parse_size("1e9"), Err(FieldError::TooLarge(20_000)));
        assert_eq!(parse_size(""), Err(FieldError::NotANumber));
    }
}
