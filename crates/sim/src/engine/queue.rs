//! The future event list: a 4-ary heap keyed by (time, sequence number).
//!
//! The sequence number breaks ties in insertion order, so two events at the same nanosecond are
//! always handled in the same order — the heap alone is not stable, and without this tie-break
//! the same seed could replay differently.

use super::Ev;
use crate::quad_heap::QuadHeap;
use crate::time::Time;

#[derive(Default)]
pub(crate) struct EventQueue {
    heap: QuadHeap<Ev>,
}

impl EventQueue {
    #[inline(always)]
    pub fn push(&mut self, at: Time, ev: Ev) {
        self.heap.push(at, ev);
    }

    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek_time()
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Time, Ev)> {
        self.heap.pop()
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }
}
