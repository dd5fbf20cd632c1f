//! A node's latencies are written once per answer and folded into its totals, window and batch
//! (`NodeMetrics::fold`): these tests hold the folded figures to three histograms written per
//! answer, as before, at every point a report or a chart can read them.

use super::*;
use crate::dist::Rng;

/// Count, mean, extremes and quantiles: everything a report takes from a histogram.
type Figures = (u64, Option<f64>, [Option<Time>; 6]);

fn figures(h: &Histogram) -> Figures {
    let q = [0.5, 0.95, 0.99, 0.999].map(|q| h.quantile(q));
    (
        h.count(),
        h.mean(),
        [h.min(), h.max(), q[0], q[1], q[2], q[3]],
    )
}

/// 200 simulated seconds of answers (0–300 a second, latencies over six decades) with the
/// warm-up ending mid-second, batches of 7 s, and the totals read mid-second now and then: the
/// window figures of every second, the totals and both batch intervals are exactly those of
/// histograms written per answer.
#[test]
fn folded_latencies_equal_latencies_written_per_answer() {
    let mut rng = Rng::seed(17);
    let mut m = NodeMetrics::new(0, 10, false);
    let (mut total, mut window, mut batch) =
        (Histogram::new(), Histogram::new(), BatchMeans::default());
    let second = 1_000_000_000;
    for s in 0..200u64 {
        for _ in 0..rng.below(300) {
            let decades = 1 + rng.below(6) as u32;
            let v = 1 + rng.below(10u64.pow(decades));
            m.answered_ok(v);
            total.record(v);
            window.record(v);
            batch.record(v);
            if rng.below(500) == 0 {
                // A report read between folds sees every answer so far.
                assert_eq!(figures(&m.latency()), figures(&total), "second {s}");
            }
        }
        if s == 30 {
            // Warm-up ends mid-second: the totals restart, the open window does not.
            m.reset_totals(s * second + second / 2);
            total.clear();
            batch.reset();
        }
        let f = m.close_window((s + 1) * second);
        let expected = [0.5, 0.95, 0.99].map(|q| window.quantile(q));
        assert_eq!([f.p50, f.p95, f.p99], expected, "second {s}");
        window.clear();
        if s % 7 == 6 {
            m.close_batch();
            batch.close_batch();
        }
        assert_eq!(figures(&m.latency()), figures(&total), "second {s}");
    }
    assert!(batch.batches() > 20);
    assert_eq!(m.batch().mean_interval(), batch.mean_interval());
    assert_eq!(m.batch().p99_interval(), batch.p99_interval());
}
