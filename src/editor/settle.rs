//! When whole-diagram analysis (single points of failure, the problems list) catches up with
//! edits. On a small design it runs with every change: it takes microseconds and a learner sees
//! the badge move with the edge they drew. On a big one it takes milliseconds, so it waits for
//! the edits to pause (`QUIET_MS` without a change) and runs once, in a timer task of its own
//! rather than in the render that follows each keystroke or drop. Pure logic with the clock
//! passed in; the app's `use_settled` hook drives it with timers.

use super::cull::CULL_ABOVE;

/// Time without an edit after which a big design is analysed again.
pub const QUIET_MS: f64 = 150.0;

/// How long analysis waits after an edit to a design of `nodes` nodes.
pub fn quiet_ms(nodes: usize) -> f64 {
    if nodes > CULL_ABOVE {
        QUIET_MS
    } else {
        0.0
    }
}

/// Debounce of one kind of work: `edited` at each change, `due` says when to run it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settle {
    /// The last change not yet analysed, and the quiet time it asks for.
    pending: Option<(f64, f64)>,
}

impl Settle {
    /// A change at `now_ms` that needs `quiet_ms` without another before it is analysed.
    /// Returns how long to wait before asking `due` (0: at once).
    pub fn edited(&mut self, now_ms: f64, quiet_ms: f64) -> f64 {
        self.pending = Some((now_ms, quiet_ms));
        quiet_ms
    }

    /// Whether the analysis should run now: a change is pending and no other came within its
    /// quiet time. Running it clears the pending change.
    pub fn due(&mut self, now_ms: f64) -> bool {
        match self.pending {
            Some((at, quiet)) if now_ms - at >= quiet => {
                self.pending = None;
                true
            }
            _ => false,
        }
    }

    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_edits_is_analysed_once_after_it_pauses() {
        let mut s = Settle::default();
        let mut runs = Vec::new();
        // Twenty edits 16 ms apart (a drag's drops, a number typed key by key), each asking
        // again at its own timer: none is due until 150 ms after the last.
        let mut timers = Vec::new();
        for i in 0..20 {
            let t = i as f64 * 16.0;
            timers.push(t + s.edited(t, QUIET_MS));
        }
        let last = 19.0 * 16.0;
        for t in timers {
            if s.due(t) {
                runs.push(t);
            }
        }
        assert_eq!(runs, vec![last + QUIET_MS]);
        // Nothing is left to do, and asking again runs nothing.
        assert!(!s.is_pending());
        assert!(!s.due(last + 1000.0));
    }

    #[test]
    fn nothing_runs_before_the_quiet_time_and_a_later_edit_postpones_it() {
        let mut s = Settle::default();
        s.edited(0.0, QUIET_MS);
        assert!(!s.due(149.0));
        s.edited(100.0, QUIET_MS);
        assert!(!s.due(150.0), "the second edit moved the run to 250 ms");
        assert!(s.due(250.0));
    }

    #[test]
    fn small_designs_are_analysed_with_every_change_big_ones_after_a_pause() {
        assert_eq!(quiet_ms(12), 0.0);
        assert_eq!(quiet_ms(CULL_ABOVE), 0.0);
        assert_eq!(quiet_ms(1_000), QUIET_MS);
        let mut s = Settle::default();
        assert_eq!(s.edited(5.0, quiet_ms(12)), 0.0);
        assert!(s.due(5.0));
    }
}
