//! A batch job's card body: its phase, the last job time, backup tasks, and a small timeline
//! bar of the run in progress (setup → map → shuffle → reduce), each segment with its state.

use crate::format;
use crate::i18n::{fill, tr, Lang};
use scaleboard_sim::engine::{JobPhase, JobReport, PhaseSpan};
use yew::prelude::*;

/// The phase's name in `lang`, and its slug for tests and styles.
pub fn phase_name(lang: Lang, p: JobPhase) -> (&'static str, &'static str) {
    match p {
        JobPhase::Waiting => (tr(lang, "waiting"), "waiting"),
        JobPhase::Setup => (tr(lang, "setup"), "setup"),
        JobPhase::Map => (tr(lang, "map"), "map"),
        JobPhase::Shuffle => (tr(lang, "shuffle"), "shuffle"),
        JobPhase::Reduce => (tr(lang, "reduce"), "reduce"),
        JobPhase::Done => (tr(lang, "done"), "done"),
    }
}

/// Badges: phase (with progress), last job time, backups won of launched (short: a card is
/// 208 px wide).
pub fn badges(id: &str, job: &JobReport, lang: Lang) -> Html {
    let (name, slug) = phase_name(lang, job.phase);
    let phase = match job.phase {
        JobPhase::Map | JobPhase::Reduce => format!("{name} {}", format::pct(job.progress)),
        _ => name.to_owned(),
    };
    let t = &job.tasks;
    html! {
        <>
            <span class={classes!("badge", "badge-phase", format!("phase-{slug}"))}
                  data-testid={format!("node-{id}-job-phase")} data-value={slug}
                  title={tr(lang, "What the job is doing now")}>
                { phase }
            </span>
            <span class="badge" data-testid={format!("node-{id}-job-time")}
                  data-value={job.job_time_s.map(|s| s.to_string()).unwrap_or_default()}
                  title={tr(lang, "Time of the last finished run, start to end")}>
                { job.job_time_s.map_or("–".into(), |s| format::ms(s * 1e3)) }
            </span>
            if t.backups_launched > 0 {
                <span class="badge badge-warn" data-testid={format!("node-{id}-backups")}
                      data-value={t.backups_won.to_string()}
                      title={tr(lang, "Backup copies of slow tasks: how many finished first, of how many launched")}>
                    { fill(tr(lang, "backups {}/{}"), &[&t.backups_won, &t.backups_launched]) }
                </span>
            }
        </>
    }
}

/// One segment per phase, equal widths: done segments full, the current one filled by its
/// progress (map and reduce: tasks finished; setup and shuffle: striped while they run).
pub fn timeline(id: &str, job: &JobReport, lang: Lang) -> Html {
    let t = job.timeline;
    let span_state = |s: Option<PhaseSpan>| match s {
        Some(PhaseSpan { end_s: Some(_), .. }) => "done",
        Some(_) => "active",
        None => "pending",
    };
    let segments = [
        (JobPhase::Setup, t.map(|t| t.setup)),
        (JobPhase::Map, t.and_then(|t| t.map)),
        (JobPhase::Shuffle, t.and_then(|t| t.shuffle)),
        (JobPhase::Reduce, t.and_then(|t| t.reduce)),
    ];
    let segment = |(phase, span): (JobPhase, Option<PhaseSpan>)| {
        let (name, slug) = phase_name(lang, phase);
        let state = span_state(span);
        let fill_pct = match state {
            "done" => 100.0,
            "active" if matches!(phase, JobPhase::Map | JobPhase::Reduce) => job.progress * 100.0,
            "active" => 100.0,
            _ => 0.0,
        };
        let took = span
            .and_then(|s| s.end_s.map(|e| format::ms((e - s.start_s) * 1e3)))
            .unwrap_or_default();
        html! {
            <div class={classes!("job-seg", format!("job-seg-{slug}"), format!("is-{state}"))}
                 data-testid={format!("node-{id}-job-{slug}")} data-state={state}
                 data-start={span.map(|s| s.start_s.to_string()).unwrap_or_default()}
                 data-end={span.and_then(|s| s.end_s).map(|e| e.to_string()).unwrap_or_default()}
                 title={format!("{name} {took}")}>
                <div class="job-seg-fill" style={format!("width:{fill_pct:.1}%")}></div>
            </div>
        }
    };
    html! {
        <div class="job-timeline" data-testid={format!("node-{id}-job-timeline")}
             aria-label={tr(lang, "Phases of the run: setup, map, shuffle, reduce")}>
            { for segments.into_iter().map(segment) }
        </div>
    }
}
