//! Animated dots: each one is a sampled real request (or answer) crossing an edge, and each ✕
//! marker a sampled real refusal or timeout. They travel at a readable pace rather than at the
//! true network latency (a 2 ms hop would be invisible at real-time speed).

use scaleboard_sim::engine::{Cause, DotKind, Mark, Trace};
use std::collections::BTreeMap;

/// Most dots alive at once.
pub const MAX_DOTS: usize = 1_500;
/// Dots started per frame the sampling aims for.
const TARGET_PER_FRAME: usize = 4;
/// How long a refusal marker stays, ms.
pub const MARKER_MS: f64 = 1_400.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Engine node slots: the request travels from `from` to `to`.
    pub from: u32,
    pub to: u32,
    pub answer: bool,
    pub kind: DotKind,
    pub born_ms: f64,
    pub dur_ms: f64,
}

impl Dot {
    /// Progress in [0, 1], or `None` once arrived.
    pub fn progress(&self, now_ms: f64) -> Option<f64> {
        let t = (now_ms - self.born_ms) / self.dur_ms;
        (0.0..=1.0).contains(&t).then_some(t)
    }
}

/// What a marker on a node says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Label {
    /// A request refused or dropped here.
    Dropped(Cause),
    /// Data served here was out of date by this many ms.
    Stale(f64),
    Conflict,
    ReadYourWrites,
}

impl Label {
    /// Markers of one class at one node are rate-limited together.
    fn class(self) -> u8 {
        match self {
            Label::Dropped(_) => 0,
            Label::Stale(_) => 1,
            Label::Conflict => 2,
            Label::ReadYourWrites => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Marker {
    pub node: u32,
    pub label: Label,
    pub born_ms: f64,
}

#[derive(Debug)]
pub struct Particles {
    pub dots: Vec<Dot>,
    pub markers: Vec<Marker>,
    /// Current sampling: one hop in `every` is traced by the engine.
    every: u32,
    last_marker: BTreeMap<(u32, u8), f64>,
}

impl Default for Particles {
    fn default() -> Self {
        Particles {
            dots: Vec::new(),
            markers: Vec::new(),
            every: 1,
            last_marker: BTreeMap::new(),
        }
    }
}

impl Particles {
    pub fn clear(&mut self) {
        self.dots.clear();
        self.markers.clear();
        self.last_marker.clear();
    }

    /// Starts dots and markers for new traces, and forgets finished ones.
    pub fn spawn(&mut self, traces: &[Trace], now_ms: f64, speed: f64) {
        self.dots.retain(|d| now_ms - d.born_ms <= d.dur_ms);
        self.markers.retain(|m| now_ms - m.born_ms < MARKER_MS);
        for t in traces {
            match *t {
                Trace::Hop {
                    from,
                    to,
                    latency,
                    kind,
                    answer,
                    ..
                } => {
                    if self.dots.len() >= MAX_DOTS {
                        continue;
                    }
                    // Real latency at the chosen speed, kept between 0.35 s and 2 s on screen.
                    let real_ms = latency as f64 / 1e6 / speed.max(1e-6);
                    self.dots.push(Dot {
                        from,
                        to,
                        answer,
                        kind,
                        born_ms: now_ms,
                        dur_ms: real_ms.clamp(350.0, 2_000.0),
                    });
                }
                Trace::Drop { node, cause, .. } => self.mark(node, Label::Dropped(cause), now_ms),
                Trace::Mark { node, mark, .. } => {
                    let label = match mark {
                        Mark::Stale { age } => Label::Stale(age as f64 / 1e6),
                        Mark::Conflict => Label::Conflict,
                        Mark::ReadYourWrites => Label::ReadYourWrites,
                    };
                    self.mark(node, label, now_ms);
                }
            }
        }
    }

    /// One marker of a kind per node at a time is enough to see where things happen.
    fn mark(&mut self, node: u32, label: Label, now_ms: f64) {
        let key = (node, label.class());
        let last = self.last_marker.get(&key).copied().unwrap_or(f64::MIN);
        if now_ms - last >= MARKER_MS / 2.0 {
            self.last_marker.insert(key, now_ms);
            self.markers.push(Marker {
                node,
                label,
                born_ms: now_ms,
            });
        }
    }

    /// Adjusts the sampling interval so that about `TARGET_PER_FRAME` dots start per frame.
    /// `seen` is how many traces arrived this frame.
    pub fn next_sampling(&mut self, seen: usize) -> u32 {
        if seen > 2 * TARGET_PER_FRAME {
            self.every = self.every.saturating_mul(2).min(1 << 24);
        } else if seen < TARGET_PER_FRAME / 2 && self.every > 1 {
            self.every /= 2;
        }
        self.every
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop(latency_ms: f64) -> Trace {
        Trace::Hop {
            at: 0,
            from: 0,
            to: 1,
            latency: (latency_ms * 1e6) as u64,
            kind: DotKind::Read,
            answer: false,
        }
    }

    #[test]
    fn dots_travel_at_a_readable_pace_and_expire() {
        let mut p = Particles::default();
        p.spawn(&[hop(2.0), hop(900.0)], 0.0, 1.0);
        assert_eq!(p.dots[0].dur_ms, 350.0, "too fast to see: slowed");
        assert_eq!(p.dots[1].dur_ms, 900.0, "real latency when visible");
        assert_eq!(p.dots[1].progress(450.0), Some(0.5));
        p.spawn(&[], 1_000.0, 1.0);
        assert!(p.dots.is_empty());
        // At 10× speed, real latency shrinks on screen.
        p.spawn(&[hop(9_000.0)], 0.0, 10.0);
        assert_eq!(p.dots[0].dur_ms, 900.0);
    }

    #[test]
    fn markers_are_rate_limited_per_node() {
        let mut p = Particles::default();
        let drop = |node| Trace::Drop {
            at: 0,
            node,
            cause: Cause::QueueFull,
        };
        p.spawn(&[drop(3), drop(3), drop(4)], 0.0, 1.0);
        assert_eq!(p.markers.len(), 2);
        p.spawn(&[drop(3)], MARKER_MS / 4.0, 1.0);
        assert_eq!(p.markers.len(), 2, "too soon for another marker at node 3");
        p.spawn(&[drop(3)], MARKER_MS, 1.0);
        assert_eq!(p.markers.len(), 1, "both old markers expired");
        assert_eq!((p.markers[0].node, p.markers[0].born_ms), (3, MARKER_MS));
        // A stale read at node 3 is another kind of marker: shown alongside.
        let stale = Trace::Mark {
            at: 0,
            node: 3,
            mark: Mark::Stale { age: 120_000_000 },
        };
        p.spawn(&[stale], MARKER_MS + 1.0, 1.0);
        assert_eq!(p.markers.len(), 2);
        assert_eq!(p.markers[1].label, Label::Stale(120.0));
    }

    #[test]
    fn sampling_adapts_to_the_load() {
        let mut p = Particles::default();
        let mut every = 1;
        for _ in 0..10 {
            // A heavy load: 100 traces per frame at the current sampling.
            let seen = (100 / every as usize).max(1);
            every = p.next_sampling(seen);
        }
        assert!((16..=64).contains(&every), "{every}");
        for _ in 0..20 {
            every = p.next_sampling(0);
        }
        assert_eq!(every, 1);
    }
}
