//! A selected connection: which node calls which, and the network delay between them.

use super::check::{fmt_num, parse_float, Candidate};
use super::fields::{section, InputField};
use super::{committer, delete_button, InspectorProps};
use crate::i18n::tr;
use scaleboard_sim::diagram::{ChaosAction, Edge};
use yew::prelude::*;

/// Cuts the network on this connection now (a partition: calls over it fail), or heals it.
fn partition_button(props: &InspectorProps, name: &str) -> Html {
    let l = props.lang;
    let cut = props.cut.contains(name);
    let onclick = {
        let (cb, edge) = (props.on_inject.clone(), name.to_owned());
        Callback::from(move |_: MouseEvent| {
            cb.emit(if cut {
                ChaosAction::Heal { edge: edge.clone() }
            } else {
                ChaosAction::Partition { edge: edge.clone() }
            })
        })
    };
    html! {
        <button class={classes!("insp-btn", if cut { "insp-btn-ok" } else { "insp-btn-danger" })}
                data-testid="partition-toggle" aria-pressed={cut.to_string()} {onclick}
                title={tr(l, "A network partition: every call over this connection fails until it heals")}>
            { if cut { tr(l, "Heal the network") } else { tr(l, "Cut the network") } }
        </button>
    }
}

pub fn view(props: &InspectorProps, edge: &Edge) -> Html {
    let l = props.lang;
    let defaults = Edge::new("", "", "");
    let old_name = edge.name();
    let field = |path: &'static str, set: fn(&mut Edge, f64)| {
        let (edge, old_name, on_edge) = (edge.clone(), old_name.clone(), props.on_edge.clone());
        committer(
            &props.doc,
            path,
            parse_float,
            {
                let old_name = old_name.clone();
                move |v| {
                    let mut e = edge.clone();
                    set(&mut e, v);
                    Some(Candidate::Edge {
                        old_name: old_name.clone(),
                        edge: e,
                    })
                }
            },
            move |c| {
                if let Candidate::Edge { edge, .. } = c {
                    on_edge.emit((old_name.clone(), edge));
                }
            },
        )
    };
    let end = |id: &str, testid: &'static str| {
        let name = props.doc.node(id).map_or(id, |n| n.display_name());
        html! {
            <span class="insp-end" data-testid={testid}>
                <span class="insp-end-name">{ name.to_owned() }</span>
                if name != id {
                    <code class="insp-id">{ id.to_owned() }</code>
                }
            </span>
        }
    };
    let network = html! {
        <>
            <InputField path="latency_ms" label={tr(l, "Network latency")} unit="ms" lang={l}
                        help={tr(l, "One-way delay; the answer pays it again on the way back.")}
                        value={fmt_num(edge.latency_ms)} placeholder={fmt_num(defaults.latency_ms)}
                        commit={field("latency_ms", |e, v| e.latency_ms = v)} />
            <InputField path="jitter_ms" label={tr(l, "Jitter")} unit="ms" lang={l}
                        help={tr(l, "Extra random delay each way, between 0 and this.")}
                        value={fmt_num(edge.jitter_ms)} placeholder={fmt_num(defaults.jitter_ms)}
                        commit={field("jitter_ms", |e, v| e.jitter_ms = v)} />
        </>
    };
    html! {
        <>
            <header class="insp-head insp-head-edge">
                <div class="insp-head-top">
                    <span class="insp-kind">{ tr(l, "Connection") }</span>
                </div>
                <div class="insp-route" aria-label={tr(l, "Connection")}>
                    { end(&edge.from, "edge-from") }
                    <span class="insp-arrow" aria-hidden="true">{ "→" }</span>
                    { end(&edge.to, "edge-to") }
                </div>
                <p class="field-help">{ tr(l, "The first calls the second and waits for its answer.") }</p>
            </header>
            { section(tr(l, "Network"), network) }
            <div class="insp-actions">
                { partition_button(props, &old_name) }
                { delete_button(props) }
            </div>
        </>
    }
}
