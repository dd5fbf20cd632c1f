//! Inspector of a batch job (MapReduce): the input and its splits, the worker pool and its
//! straggler, the shuffle and the reducers, the schedule, and speculative execution.

use super::fields::section;
use super::node::{Ctx, Text, U32};
use crate::i18n::tr;
use scaleboard_sim::diagram::{BatchJobParams, Node, NodeSpec};
use yew::prelude::*;

/// Applies `f` to the parameters if the node is a batch job.
fn job<T>(f: impl Fn(&mut BatchJobParams, T)) -> impl Fn(&mut Node, T) {
    move |n, v| {
        if let NodeSpec::BatchJob(p) = &mut n.spec {
            f(p, v)
        }
    }
}

pub(super) fn params(cx: &Ctx, p: &BatchJobParams) -> Html {
    let l = cx.lang;
    let d = BatchJobParams::default();
    let input = html! {
        <>
            { cx.count("params.records", Text {
                label: tr(l, "Input records"), unit: tr(l, "records"),
                help: tr(l, "Records the job reads (M)."),
            }, p.records, d.records, u64::MAX, job(|p, v| p.records = v)) }
            { cx.count("params.split_records", Text {
                label: tr(l, "Split size"), unit: tr(l, "records per map task"),
                help: tr(l, "Each map task reads one split: map tasks = records ÷ split size."),
            }, p.split_records, d.split_records, u64::MAX, job(|p, v| p.split_records = v)) }
            { cx.num("params.map_us_per_record", Text {
                label: tr(l, "Map work"), unit: tr(l, "µs per record"),
                help: tr(l, "Time a map task spends on each record of its split."),
            }, p.map_us_per_record, d.map_us_per_record, job(|p, v| p.map_us_per_record = v)) }
        </>
    };
    let pool = html! {
        <>
            { cx.count("params.workers", Text {
                label: tr(l, "Workers"), unit: tr(l, "machines"),
                help: tr(l, "Machines in the pool. More shorten the map and reduce phases, not the setup or the shuffle."),
            }, p.workers as u64, d.workers as u64, U32, job(|p, v| p.workers = v as u32)) }
            { cx.count("params.slots_per_worker", Text {
                label: tr(l, "Slots per worker"), unit: tr(l, "tasks at once"),
                help: tr(l, "Tasks one machine runs at the same time."),
            }, p.slots_per_worker as u64, d.slots_per_worker as u64, U32, job(|p, v| p.slots_per_worker = v as u32)) }
            { cx.num("params.straggler_factor", Text {
                label: tr(l, "Straggler"), unit: tr(l, "× slower"),
                help: tr(l, "The first machine is this many times slower (a bad disk, a noisy neighbour); 1 = none."),
            }, p.straggler_factor, d.straggler_factor, job(|p, v| p.straggler_factor = v)) }
        </>
    };
    let shuffle = html! {
        <>
            { cx.count("params.reducers", Text {
                label: tr(l, "Reducers"), unit: tr(l, "reduce tasks"),
                help: tr(l, "Reduce tasks (R); each gets an equal share of the records."),
            }, p.reducers as u64, d.reducers as u64, U32, job(|p, v| p.reducers = v as u32)) }
            { cx.num("params.reduce_us_per_record", Text {
                label: tr(l, "Reduce work"), unit: tr(l, "µs per record"),
                help: tr(l, "Time a reduce task spends on each record of its share."),
            }, p.reduce_us_per_record, d.reduce_us_per_record, job(|p, v| p.reduce_us_per_record = v)) }
            { cx.num("params.record_bytes", Text {
                label: tr(l, "Map output"), unit: tr(l, "bytes per record"),
                help: tr(l, "What each record sends across the network in the shuffle."),
            }, p.record_bytes, d.record_bytes, job(|p, v| p.record_bytes = v)) }
            { cx.num("params.shuffle_mb_per_s", Text {
                label: tr(l, "Network bandwidth"), unit: "MB/s",
                help: tr(l, "The shuffle moves all map output through this: it does not get faster with more workers."),
            }, p.shuffle_mb_per_s, d.shuffle_mb_per_s, job(|p, v| p.shuffle_mb_per_s = v)) }
        </>
    };
    let schedule = html! {
        <>
            { cx.num("params.setup_s", Text {
                label: tr(l, "Setup (serial part)"), unit: "s",
                help: tr(l, "Scheduling, planning the splits, committing the output: no number of workers shortens it."),
            }, p.setup_s, d.setup_s, job(|p, v| p.setup_s = v)) }
            { cx.num("params.start_s", Text {
                label: tr(l, "Starts at"), unit: "s",
                help: tr(l, "Simulated time of the first run."),
            }, p.start_s, d.start_s, job(|p, v| p.start_s = v)) }
            { cx.num("params.period_s", Text {
                label: tr(l, "Repeats every"), unit: "s",
                help: tr(l, "0 = runs once. A start that finds the previous run still going is skipped."),
            }, p.period_s, d.period_s, job(|p, v| p.period_s = v)) }
        </>
    };
    let speculation = html! {
        <>
            { cx.check("params.speculative", tr(l, "Speculative execution"),
                tr(l, "Once no task is left to start, a task running much longer than the others gets a backup copy on another machine; the first copy to finish wins."),
                p.speculative, job(|p, v| p.speculative = v)) }
            { cx.num("params.speculation_factor", Text {
                label: tr(l, "Backup after"), unit: tr(l, "× the median task"),
                help: tr(l, "A task gets its backup once it has run this many times the median finished task of its phase."),
            }, p.speculation_factor, d.speculation_factor, job(|p, v| p.speculation_factor = v)) }
        </>
    };
    html! {
        <>
            { section(tr(l, "Input"), input) }
            { section(tr(l, "Worker pool"), pool) }
            { section(tr(l, "Shuffle and reduce"), shuffle) }
            { section(tr(l, "Schedule"), schedule) }
            { section(tr(l, "Stragglers"), speculation) }
        </>
    }
}
