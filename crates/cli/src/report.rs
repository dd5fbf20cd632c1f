//! `scaleboard report FILE --html OUT.html`: the app's one-page run report from a headless run.
//! The page comes from `scaleboard-report`, the same code the app prints, so the two cannot
//! drift; the run is exactly `scaleboard run`'s (same flags, same budget, same simulation).

use crate::{load_with, max_events, run_watched, simulation, Fail, Opts, RunFlags};
use scaleboard_report::{report_document, Lang};
use scaleboard_sim::time::secs_to_ns;

pub fn report(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(
        args,
        &[
            "--html",
            "--lang",
            "--duration",
            "--warmup",
            "--seed",
            "--max-events",
        ],
        &["--quiet"],
    )?;
    let path = o.one_file("report")?;
    let Some(out) = o.value("--html") else {
        return Err(Fail(
            "report needs --html OUT.html (where to write the page)".into(),
            2,
        ));
    };
    let lang = match o.value("--lang") {
        None => Lang::En,
        Some(code) => Lang::from_code(code)
            .ok_or_else(|| Fail(format!("--lang must be 'en' or 'ko' (got '{code}')"), 2))?,
    };
    let d = load_with(path, &RunFlags::parse(&o)?)?;
    let max_events = max_events(&o)?;
    let mut sim = simulation(path, &d, max_events)?;
    let stopped = run_watched(
        &mut sim,
        secs_to_ns(d.workload.duration_s),
        max_events,
        o.has("--quiet"),
    );
    std::fs::write(out, report_document(&sim, lang))
        .map_err(|e| Fail(format!("{out}: cannot write the report: {e}"), 1))?;
    match stopped {
        None => Ok(()),
        Some(reason) => Err(Fail(
            format!(
                "stopped early ({reason}) at t = {:.1} s of {} s: {out} reports what was simulated",
                sim.now() as f64 / 1e9,
                d.workload.duration_s
            ),
            if reason == "interrupted" { 130 } else { 3 },
        )),
    }
}
