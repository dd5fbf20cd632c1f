//! A run's metrics as CSV: every simulated second, one row for the whole system and one per
//! component. Made by the engine host (the page asks for it through the protocol).

use scaleboard_sim::Simulation;
use std::fmt::Write;

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Every simulated second of the run: one row for the whole system and one per component.
pub fn metrics_csv(sim: &Simulation) -> String {
    let mut s = String::from(
        "t_s,component,kind,arrivals_per_s,throughput,errors_per_s,error_rate,p50_ms,p95_ms,p99_ms,utilization,queue,instances,cost_per_hour\n",
    );
    for x in sim.series() {
        let _ = writeln!(
            s,
            "{},end_to_end,system,{},{},{},{},{},{},{},,,,{}",
            x.t_s,
            x.generated_per_s,
            x.throughput,
            x.failed_per_s,
            x.error_rate,
            opt(x.p50_ms),
            opt(x.p95_ms),
            opt(x.p99_ms),
            x.cost_per_hour
        );
    }
    for n in &sim.diagram().nodes {
        let Some(series) = sim.node_series(&n.id) else {
            continue;
        };
        let id = if n.id.contains([',', '"', '\n']) {
            format!("\"{}\"", n.id.replace('"', "\"\""))
        } else {
            n.id.clone()
        };
        for x in series {
            let total = x.throughput + x.errors_per_s;
            let rate = if total > 0.0 {
                x.errors_per_s / total
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "{},{id},{},{},{},{},{rate},{},{},{},{},{},{},{}",
                x.t_s,
                n.kind().slug(),
                x.arrivals_per_s,
                x.throughput,
                x.errors_per_s,
                opt(x.p50_ms),
                opt(x.p95_ms),
                opt(x.p99_ms),
                x.utilization,
                x.queue,
                x.instances,
                x.cost_per_hour
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleboard_sim::Diagram;

    fn basic() -> Diagram {
        Diagram::from_json(include_str!("../../examples/basic.json")).unwrap()
    }

    #[test]
    fn csv_has_a_row_per_second_and_component() {
        let d = basic();
        let mut sim = Simulation::new(&d).unwrap();
        sim.run_until(scaleboard_sim::time::secs_to_ns(5.0));
        let csv = metrics_csv(&sim);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 5 * (1 + d.nodes.len()));
        let columns = lines[0].split(',').count();
        assert!(
            lines.iter().all(|l| l.split(',').count() == columns),
            "{csv}"
        );
        assert!(lines.iter().any(|l| l.starts_with("5,api,server,")));
    }
}
