//! `scaleboard`: run Scaleboard diagrams without a browser.
//!
//! Every error reaches the user as one line naming the problem, with a non-zero exit status;
//! nothing a file contains can make this program panic.

use scaleboard_sim::bare_loop;
use scaleboard_sim::reference::{reference_bare_config, reference_diagram, REFERENCE_RATE};
use scaleboard_sim::time::secs_to_ns;
use scaleboard_sim::{Diagram, RunConfig, Simulation};
use std::process::ExitCode;
use std::time::Instant;

mod budget;
mod compare;
mod lesson;
mod report;

const USAGE: &str = "\
scaleboard — run Scaleboard system diagrams headless

Wherever a FILE.json is expected, a share link (or its #fragment) works too.

USAGE:
    scaleboard run FILE.json [--duration S] [--warmup S] [--seed N] [--compact] [--series]
                             [--max-events N] [--quiet]
        Simulate the diagram and print one JSON report (see docs/cli.md);
        --series adds the end-to-end figures of every simulated second. A run estimated at
        more than --max-events events (default 1,000,000,000) is refused with the estimate;
        a run longer than 2 s reports progress on standard error (not with --quiet); Ctrl+C
        stops it and prints the report of what was simulated, marked partial.
    scaleboard compare A.json B.json [--duration S] [--warmup S] [--seed N] [--compact]
        Run two variants of a design side by side (each exactly as `run` runs it) and print
        {labels, a: report, b: report, diff}; one comparison file or link works too.
    scaleboard report FILE.json --html OUT.html [--lang en|ko] [--duration S] [--warmup S]
                             [--seed N] [--max-events N] [--quiet]
        Simulate the diagram exactly as `run` does and write the one-page run report (the
        page the app's Print report button prints: diagram, key figures with 95 % confidence
        intervals, charts, SLO verdict, SPOFs, chaos events) as a standalone HTML file.
    scaleboard validate FILE.json
        List every problem with a diagram; exit 0 if it can run.
    scaleboard link FILE.json [--base URL]
        Print a share link for the diagram (default base http://127.0.0.1:8080/).
    scaleboard bench [--json] [--seconds S]
        Measure engine speed on the reference diagram (client → LB → 4 servers), then the
        bare event loop of the same topology, and print both and their ratio.
    scaleboard kinds
        List the component kinds.
    scaleboard lesson list [DIR] | scaleboard lesson check [DIR] [--verbose]
        List the workshop lessons in DIR (default lessons/), or prove every step of each
        (see docs/cli.md).
    scaleboard --help | --version
";

/// A failure to report: message and exit status.
struct Fail(String, u8);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg, code)) => {
            eprintln!("scaleboard: {msg}");
            ExitCode::from(code)
        }
    }
}

fn dispatch(args: &[String]) -> Result<(), Fail> {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("--help", &[][..]),
    };
    match cmd {
        "--help" | "-h" | "help" => {
            print!("{USAGE}");
            Ok(())
        }
        "--version" | "-V" => {
            println!("scaleboard {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        "kinds" => {
            for kind in scaleboard_sim::ComponentKind::ALL {
                println!("{}", kind.slug());
            }
            Ok(())
        }
        "run" => run(rest),
        "compare" => compare::compare(rest),
        "validate" => validate(rest),
        "bench" => bench(rest),
        "link" => link(rest),
        "lesson" => lesson::lesson(rest),
        "report" => report::report(rest),
        other => Err(Fail(format!("unknown command '{other}'\n\n{USAGE}"), 2)),
    }
}

/// Parsed `--flag value` options and positional arguments.
struct Opts {
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl Opts {
    fn parse(args: &[String], with_value: &[&str], switches: &[&str]) -> Result<Opts, Fail> {
        let mut o = Opts {
            positional: Vec::new(),
            flags: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if with_value.contains(&a.as_str()) {
                let v = it
                    .next()
                    .ok_or_else(|| Fail(format!("{a} needs a value"), 2))?;
                o.flags.push((a.clone(), Some(v.clone())));
            } else if switches.contains(&a.as_str()) {
                o.flags.push((a.clone(), None));
            } else if a.starts_with("--") {
                return Err(Fail(format!("unknown option '{a}'\n\n{USAGE}"), 2));
            } else {
                o.positional.push(a.clone());
            }
        }
        Ok(o)
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(f, _)| f == name)
    }

    fn number(&self, name: &str) -> Result<Option<f64>, Fail> {
        let Some((_, Some(v))) = self.flags.iter().rev().find(|(f, _)| f == name) else {
            return Ok(None);
        };
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
            _ => Err(Fail(
                format!("{name} must be a non-negative number of seconds (got '{v}')"),
                2,
            )),
        }
    }

    /// The last value given to `--name`.
    fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| f == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn one_file(&self, cmd: &str) -> Result<&str, Fail> {
        match self.positional.as_slice() {
            [f] => Ok(f),
            [] => Err(Fail(format!("{cmd} needs a diagram file\n\n{USAGE}"), 2)),
            _ => Err(Fail(format!("{cmd} takes one diagram file"), 2)),
        }
    }
}

/// True if `arg` is a share link or fragment rather than a file name.
fn is_link(arg: &str) -> bool {
    arg.contains('#')
        || arg.split_once('.').is_some_and(|(v, rest)| {
            !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) && rest.len() > 16
        })
}

/// How messages name a file or a link (links are long: the start is enough).
fn shown(path: &str) -> String {
    if is_link(path) && !std::path::Path::new(path).exists() {
        let start: String = path.chars().take(32).collect();
        format!("link {start}…")
    } else {
        path.to_owned()
    }
}

/// Reads a diagram from a file, or from a share link.
fn load(path: &str) -> Result<Diagram, Fail> {
    load_with(path, &RunFlags::default())
}

/// Reads a diagram with the command line's run flags applied before it is validated: a file
/// with a 5 s warm-up runs with `--duration 1 --warmup 0`.
fn load_with(path: &str, flags: &RunFlags) -> Result<Diagram, Fail> {
    let text = if std::path::Path::new(path).exists() || !is_link(path) {
        std::fs::read_to_string(path)
            .map_err(|e| Fail(format!("{path}: cannot read the file: {e}"), 1))?
    } else {
        let doc = scaleboard_link::decode(path).map_err(|e| Fail(e.to_string(), 1))?;
        doc.diagram.to_json_pretty()
    };
    Diagram::from_json_adjusted(&text, |d| flags.apply(d)).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        Fail(
            format!(
                "{}: the diagram has {} problem(s):\n{}",
                shown(path),
                problems.len(),
                list.join("\n")
            ),
            1,
        )
    })
}

fn link(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(args, &["--base"], &[])?;
    let path = o.one_file("link")?;
    let d = load(path)?;
    let base = o
        .flags
        .iter()
        .rev()
        .find(|(f, _)| f == "--base")
        .and_then(|(_, v)| v.clone())
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let url = scaleboard_link::to_url(&base, &scaleboard_link::Document::new(d));
    if url.len() > scaleboard_link::WARN_CHARS {
        eprintln!(
            "scaleboard: note: the link is {} characters; some chat apps cut links longer than {}",
            url.len(),
            scaleboard_link::WARN_CHARS
        );
    }
    println!("{url}");
    Ok(())
}

/// `--duration`, `--warmup` and `--seed`, read before the diagram (`run` and `compare`).
#[derive(Default)]
struct RunFlags {
    duration_s: Option<f64>,
    warmup_s: Option<f64>,
    seed: Option<u64>,
}

impl RunFlags {
    fn parse(o: &Opts) -> Result<RunFlags, Fail> {
        let seed = match o.flags.iter().rev().find(|(f, _)| f == "--seed") {
            Some((_, Some(v))) => Some(
                v.parse()
                    .map_err(|_| Fail(format!("--seed must be a whole number (got '{v}')"), 2))?,
            ),
            _ => None,
        };
        Ok(RunFlags {
            duration_s: o.number("--duration")?,
            warmup_s: o.number("--warmup")?,
            seed,
        })
    }

    fn apply(&self, d: &mut Diagram) {
        if let Some(s) = self.duration_s {
            d.workload.duration_s = s;
        }
        if let Some(s) = self.warmup_s {
            d.workload.warmup_s = s;
        }
        if let Some(seed) = self.seed {
            d.seed = seed;
        }
    }
}

/// `--max-events N`: a whole number of events.
fn max_events(o: &Opts) -> Result<u64, Fail> {
    match o.flags.iter().rev().find(|(f, _)| f == "--max-events") {
        Some((_, Some(v))) => v.replace(['_', ','], "").parse().map_err(|_| {
            Fail(
                format!("--max-events must be a whole number of events (got '{v}')"),
                2,
            )
        }),
        _ => Ok(budget::DEFAULT_MAX_EVENTS),
    }
}

/// Why a run stopped before its end.
#[derive(serde::Serialize)]
struct Partial {
    /// Simulated seconds reached, of those asked for.
    simulated_s: f64,
    duration_s: f64,
    /// "interrupted" (Ctrl+C) or "event_budget" (`--max-events` reached).
    reason: &'static str,
}

/// Set by Ctrl+C: the run stops at the next slice and reports what it has.
static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `sim` to `end` in slices: progress on standard error once it has taken 2 s (unless
/// `quiet`), stopping early on Ctrl+C or at `max_events`.
fn run_watched(
    sim: &mut Simulation,
    end: scaleboard_sim::time::Time,
    max_events: u64,
    quiet: bool,
) -> Option<&'static str> {
    use std::sync::atomic::Ordering;
    use std::time::Duration;
    // A second Ctrl+C (or a handler that cannot be set) falls back to the default: the
    // process ends at once.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    const SLICE: u64 = 250_000;
    let (start, first_events) = (Instant::now(), sim.events());
    let mut said = start;
    loop {
        let used = sim.events() - first_events;
        if used >= max_events {
            return Some("event_budget");
        }
        let step = sim.advance_to(end, SLICE.min(max_events - used));
        if step.kept_up {
            return None;
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Some("interrupted");
        }
        let wall = start.elapsed();
        if !quiet && wall > Duration::from_secs(2) && said.elapsed() >= Duration::from_secs(1) {
            said = Instant::now();
            let (now, of) = (sim.now() as f64 / 1e9, end as f64 / 1e9);
            let rate = (sim.events() - first_events) as f64 / wall.as_secs_f64();
            let left = wall.as_secs_f64() * (of - now) / now.max(1e-9);
            eprintln!(
                "scaleboard: t = {now:.1} s of {of:.1} s · {} events/s · about {left:.0} s left (Ctrl+C stops and reports)",
                budget::count(rate)
            );
        }
    }
}

/// Refuses a run over the event budget, then builds its simulation (`run` and `report`).
fn simulation(path: &str, d: &Diagram, max_events: u64) -> Result<Simulation, Fail> {
    let est = budget::estimate(d);
    if est.events > max_events as f64 {
        return Err(Fail(
            format!(
                "{}: this run would take about {} events ({} requests over {} s, each through up to {} components and back) — more than the budget of {} events, hours of work. Shorten it (--duration), lower the clients' rates, or raise the budget (--max-events {:.0}).",
                shown(path),
                budget::count(est.events),
                budget::count(est.requests),
                d.workload.duration_s,
                est.hops,
                budget::count(max_events as f64),
                est.events.ceil(),
            ),
            1,
        ));
    }
    let cfg = RunConfig::for_diagram(d);
    Simulation::with_config(d, cfg).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        Fail(
            format!("{}: cannot run:\n{}", shown(path), list.join("\n")),
            1,
        )
    })
}

fn run(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(
        args,
        &["--duration", "--warmup", "--seed", "--max-events"],
        &["--compact", "--series", "--quiet"],
    )?;
    let path = o.one_file("run")?;
    let d = load_with(path, &RunFlags::parse(&o)?)?;
    let max_events = max_events(&o)?;
    let mut sim = simulation(path, &d, max_events)?;
    let end = secs_to_ns(d.workload.duration_s);
    let stopped = run_watched(&mut sim, end, max_events, o.has("--quiet"));
    /// The report, with the per-second series appended when asked for, and why it stopped
    /// early if it did.
    #[derive(serde::Serialize)]
    struct Output<'a> {
        #[serde(flatten)]
        report: scaleboard_sim::Report,
        #[serde(skip_serializing_if = "Option::is_none")]
        series: Option<Vec<&'a scaleboard_sim::metrics::EndToEndSample>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        partial: Option<Partial>,
    }
    let output = Output {
        report: sim.report(),
        series: o.has("--series").then(|| sim.series().collect()),
        partial: stopped.map(|reason| Partial {
            simulated_s: sim.now() as f64 / 1e9,
            duration_s: d.workload.duration_s,
            reason,
        }),
    };
    let json = if o.has("--compact") {
        serde_json::to_string(&output)
    } else {
        serde_json::to_string_pretty(&output)
    }
    .map_err(|e| Fail(format!("cannot write the report: {e}"), 1))?;
    println!("{json}");
    match &output.partial {
        Some(p) if p.reason == "interrupted" => Err(Fail(
            format!(
                "interrupted at t = {:.1} s of {} s: the report above is partial",
                p.simulated_s, p.duration_s
            ),
            130,
        )),
        Some(p) => Err(Fail(
            format!(
                "stopped at the budget of {} events, at t = {:.1} s of {} s: the report above is partial (raise --max-events to go on)",
                budget::count(max_events as f64),
                p.simulated_s,
                p.duration_s
            ),
            3,
        )),
        None => Ok(()),
    }
}

fn validate(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(args, &[], &[])?;
    let path = o.one_file("validate")?;
    let d = load(path)?;
    let warnings = d.problems();
    for w in &warnings {
        println!("{w}");
    }
    println!(
        "{path}: ok — {} nodes, {} edges{}",
        d.nodes.len(),
        d.edges.len(),
        if warnings.is_empty() {
            String::new()
        } else {
            format!(", {} warning(s)", warnings.len())
        }
    );
    Ok(())
}

fn bench(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(args, &["--seconds"], &["--json"])?;
    let seconds = o.number("--seconds")?.unwrap_or(10.0).max(0.5);
    let d = reference_diagram(REFERENCE_RATE);
    let mut sim = Simulation::with_config(&d, RunConfig::for_run(secs_to_ns(seconds), 0))
        .map_err(|p| Fail(format!("the reference diagram is invalid: {p:?}"), 1))?;
    let start = Instant::now();
    sim.run_until(secs_to_ns(seconds));
    let wall = start.elapsed().as_secs_f64();
    let counts = sim.lifetime_counts();
    let events_per_s = sim.events() as f64 / wall;
    let requests_per_s = counts.completed as f64 / wall;
    // The bare loop of the same topology, right after, on the same machine and load.
    let start = Instant::now();
    let bare = bare_loop::run(&reference_bare_config(REFERENCE_RATE), secs_to_ns(seconds));
    let bare_wall = start.elapsed().as_secs_f64();
    let reference_requests_per_s = bare.completed as f64 / bare_wall;
    let ratio = reference_requests_per_s / requests_per_s;
    if o.has("--json") {
        println!(
            "{}",
            serde_json::json!({
                "events_per_s": events_per_s.round(),
                "requests_per_s": requests_per_s.round(),
                "reference_requests_per_s": reference_requests_per_s.round(),
                "reference_ratio": (ratio * 100.0).round() / 100.0,
            })
        );
    } else {
        println!("reference diagram: client → LB → 4 servers × 8 workers at {REFERENCE_RATE} req/s, {seconds} simulated s");
        println!("  events handled        {:>14}", sim.events());
        println!("  requests completed    {:>14}", counts.completed);
        println!("  wall-clock time       {wall:>14.3} s");
        println!("  events per second     {events_per_s:>14.0}");
        println!("  requests per second   {requests_per_s:>14.0}");
        println!("  simulated / real time {:>14.1}×", seconds / wall);
        println!("  peak job slots        {:>14}", sim.job_capacity());
        println!("bare loop of the same topology (no diagram, no charts, no dots)");
        println!("  requests completed    {:>14}", bare.completed);
        println!("  wall-clock time       {bare_wall:>14.3} s");
        println!("  requests per second   {reference_requests_per_s:>14.0}");
        println!("  engine cost per request {ratio:>12.2}× the bare loop's");
    }
    Ok(())
}
