//! Nothing selected: the diagram's own settings — name, seed, and the run's workload.

use super::check::{fmt_num, new_seed, parse_float, parse_whole, Candidate};
use super::fields::{section, InputField};
use super::{committer, InspectorProps};
use crate::i18n::{fill, tr};
use scaleboard_sim::diagram::Workload;
use yew::prelude::*;

pub fn view(props: &InspectorProps) -> Html {
    let l = props.lang;
    let doc = &props.doc;
    let defaults = Workload::default();

    let name_commit = {
        let (on_name, current) = (props.on_name.clone(), doc.name.clone());
        Callback::from(move |text: String| {
            let name = text.trim().to_owned();
            if name != current {
                on_name.emit(name);
            }
            None
        })
    };
    let seed_commit = {
        let (on_seed, current) = (props.on_seed.clone(), doc.seed);
        Callback::from(move |text: String| match parse_whole(&text, u64::MAX) {
            Ok(seed) => {
                if seed != current {
                    on_seed.emit(seed);
                }
                None
            }
            Err(e) => Some(e),
        })
    };
    let reseed = {
        let (on_seed, current) = (props.on_seed.clone(), doc.seed);
        Callback::from(move |_: MouseEvent| on_seed.emit(new_seed(current)))
    };
    // Workload fields: the validator names them without the `workload.` prefix.
    let workload = |field: &'static str, set: fn(&mut Workload, f64)| {
        let (current, on_workload) = (doc.workload.clone(), props.on_workload.clone());
        committer(
            doc,
            field,
            parse_float,
            move |v| {
                let mut w = current.clone();
                set(&mut w, v);
                Some(Candidate::Workload(w))
            },
            move |c| {
                if let Candidate::Workload(w) = c {
                    on_workload.emit(w);
                }
            },
        )
    };
    let w = &doc.workload;

    let about = html! {
        <>
            <InputField path="name" label={tr(l, "Name")} lang={l} inputmode="text"
                        help={tr(l, "Title of this design, shown in the header and in saved files.")}
                        value={doc.name.clone()} placeholder={tr(l, "Untitled diagram")}
                        commit={name_commit} />
            <div class="insp-seed">
                <InputField path="seed" label={tr(l, "Seed")} lang={l} inputmode="numeric"
                            help={tr(l, "The same diagram with the same seed replays exactly the same run.")}
                            value={doc.seed.to_string()} placeholder="1" monospace=true
                            commit={seed_commit} />
                <button type="button" class="btn insp-btn insp-seed-btn" data-testid="new-seed"
                        title={tr(l, "Pick a random seed")} onclick={reseed}>
                    { tr(l, "New seed") }
                </button>
            </div>
        </>
    };
    let run = html! {
        <>
            <InputField path="workload.warmup_s" label={tr(l, "Warm-up")} unit="s" lang={l}
                        help={tr(l, "Simulated time ignored at the start, before statistics are collected.")}
                        value={fmt_num(w.warmup_s)} placeholder={fmt_num(defaults.warmup_s)}
                        commit={workload("warmup_s", |w, v| w.warmup_s = v)} />
            <InputField path="workload.duration_s" label={tr(l, "Run length")} unit="s" lang={l}
                        help={tr(l, "Simulated time a headless run lasts (command line and CI).")}
                        value={fmt_num(w.duration_s)} placeholder={fmt_num(defaults.duration_s)}
                        commit={workload("duration_s", |w, v| w.duration_s = v)} />
            <InputField path="workload.traffic_scale" label={tr(l, "Traffic scale")} unit="×"
                        lang={l}
                        help={tr(l, "Multiplies every client's rate, like the traffic slider.")}
                        value={fmt_num(w.traffic_scale)}
                        placeholder={fmt_num(defaults.traffic_scale)}
                        commit={workload("traffic_scale", |w, v| w.traffic_scale = v)} />
        </>
    };
    html! {
        <>
            <div class="insp-hint-box" data-testid="inspector-hint">
                <p class="insp-hint-title">{ tr(l, "Select a component to edit it.") }</p>
                <p class="insp-hint">
                    { tr(l, "Drag components from the left onto the canvas, connect them, then press Play.") }
                </p>
                <p class="insp-hint insp-counts">
                    { fill(tr(l, "{} components, {} connections"), &[&doc.nodes.len(), &doc.edges.len()]) }
                </p>
            </div>
            { section(tr(l, "Diagram"), about) }
            { section(tr(l, "Run"), run) }
            { super::regions::view(props) }
        </>
    }
}
