//! The future event list: a binary heap keyed by (time, sequence number).
//!
//! The sequence number breaks ties in insertion order, so two events at the same nanosecond are
//! always handled in the same order — the heap alone is not stable, and without this tie-break
//! the same seed could replay differently.

use super::Ev;
use crate::time::Time;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry {
    /// time << 64 | seq: one integer comparison orders by time, then by insertion.
    key: u128,
    ev: Ev,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest event first.
        other.key.cmp(&self.key)
    }
}

#[derive(Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    #[inline]
    pub fn push(&mut self, at: Time, ev: Ev) {
        self.seq += 1;
        self.heap.push(Entry {
            key: ((at as u128) << 64) | self.seq as u128,
            ev,
        });
    }

    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| (e.key >> 64) as Time)
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Time, Ev)> {
        self.heap.pop().map(|e| ((e.key >> 64) as Time, e.ev))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }
}
