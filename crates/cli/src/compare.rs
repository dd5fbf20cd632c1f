//! `scaleboard compare A.json B.json`: both variants run as `scaleboard run` runs each, and
//! their key figures set side by side (b − a, b ÷ a).

use super::{load_with, shown, Fail, Opts, RunFlags, USAGE};
use scaleboard_sim::compare::{CompareError, Comparison, Diff, Kpis, Labels, Run, Side};

/// Reads the comparison the arguments name: two diagrams (files or links), or one comparison
/// file or comparison link.
fn comparison(positional: &[String], flags: &RunFlags) -> Result<Comparison, Fail> {
    match positional {
        [a, b] => Ok(Comparison::new(
            load_with(a, flags)?,
            load_with(b, flags)?,
            Labels::default(),
        )),
        [one] if scaleboard_link::is_compare(one) && !std::path::Path::new(one).exists() => {
            scaleboard_link::decode_compare(one).map_err(|e| Fail(e.to_string(), 1))
        }
        [one] => {
            let text = std::fs::read_to_string(one)
                .map_err(|e| Fail(format!("{one}: cannot read the file: {e}"), 1))?;
            Comparison::from_json(&text).map_err(|e| match e {
                CompareError::Variant { side, problems } => {
                    let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
                    Fail(
                        format!(
                            "{}: variant {} has {} problem(s):\n{}",
                            shown(one),
                            side.letter(),
                            problems.len(),
                            list.join("\n")
                        ),
                        1,
                    )
                }
                shape => Fail(format!("{}: {shape}", shown(one)), 1),
            })
        }
        _ => Err(Fail(
            format!("compare needs two diagram files (or one comparison file)\n\n{USAGE}"),
            2,
        )),
    }
}

pub fn compare(args: &[String]) -> Result<(), Fail> {
    let o = Opts::parse(args, &["--duration", "--warmup", "--seed"], &["--compact"])?;
    let flags = RunFlags::parse(&o)?;
    let mut c = comparison(&o.positional, &flags)?;
    // The same flags as `run`, applied to both sides: the same seed and run length.
    flags.apply(&mut c.a);
    flags.apply(&mut c.b);
    let mut run = Run::new(&c).map_err(|(side, problems)| {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        Fail(
            format!("variant {} cannot run:\n{}", side.letter(), list.join("\n")),
            1,
        )
    })?;
    run.finish();
    let (a, b) = (run.report(Side::A), run.report(Side::B));
    let diff = Diff::between(&Kpis::of(&a), &Kpis::of(&b));
    let output = serde_json::json!({ "labels": c.labels, "a": a, "b": b, "diff": diff });
    let json = if o.has("--compact") {
        serde_json::to_string(&output)
    } else {
        serde_json::to_string_pretty(&output)
    }
    .map_err(|e| Fail(format!("cannot write the report: {e}"), 1))?;
    println!("{json}");
    Ok(())
}
