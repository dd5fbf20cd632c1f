//! A sample of what individual requests do, for animation: hops along edges and refusals.
//!
//! Sampling is by counting (every n-th hop), never by drawing random numbers, so watching a run
//! cannot change it: a run with the canvas open and the same run headless give the same results.

use super::jobs::Cause;
use super::report::DotKind;
use crate::time::Time;
use std::collections::VecDeque;

/// Something one request did.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Trace {
    /// A request (or its answer) left `from` for `to` at `at`, taking `latency` on the wire.
    Hop {
        at: Time,
        from: u32,
        to: u32,
        latency: Time,
        kind: DotKind,
        answer: bool,
    },
    /// A request was refused or dropped at `node` (for a timeout: the client gave up).
    Drop { at: Time, node: u32, cause: Cause },
    /// Something a learner should see happen at `node`.
    Mark { at: Time, node: u32, mark: Mark },
}

/// Consistency events worth marking on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mark {
    /// A read returned data older than the latest committed version, by `age`.
    Stale { age: Time },
    /// Two primaries accepted concurrent writes to the same key (last writer wins).
    Conflict,
    /// A client read a key it had written and got an older version.
    ReadYourWrites,
}

#[derive(Debug)]
pub(crate) struct Tracer {
    /// Record one hop in `every`; 0 disables tracing.
    pub every: u32,
    counter: u32,
    /// Refusals are rarer and matter more: one in `every / 8` of them.
    drop_counter: u32,
    pub buf: VecDeque<Trace>,
    pub capacity: usize,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer {
            every: 0,
            counter: 0,
            drop_counter: 0,
            buf: VecDeque::new(),
            capacity: 4_096,
        }
    }
}

impl Tracer {
    #[inline]
    pub fn hop(&mut self, t: impl FnOnce() -> Trace) {
        if self.every == 0 {
            return;
        }
        self.counter += 1;
        if self.counter >= self.every {
            self.counter = 0;
            self.push(t());
        }
    }

    #[inline]
    pub fn drop(&mut self, t: impl FnOnce() -> Trace) {
        if self.every == 0 {
            return;
        }
        self.drop_counter += 8;
        if self.drop_counter >= self.every {
            self.drop_counter = 0;
            self.push(t());
        }
    }

    fn push(&mut self, t: Trace) {
        if self.buf.len() == self.capacity {
            self.buf.pop_front();
        }
        self.buf.push_back(t);
    }
}
