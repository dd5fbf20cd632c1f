//! A 4-ary min-heap of events keyed by (time, insertion sequence).
//!
//! Four children per node make the heap half as deep as a binary one, and with the keys kept
//! apart from the payloads the four children's keys (16 bytes each) share one cache line. A pop
//! walks the hole down to a leaf choosing the smallest child without comparing against the
//! element being placed (branch-free selection), then lifts that element back up — it came from
//! the bottom, so it rarely rises far. Keys are unique (the sequence number breaks ties), so the
//! order of pops is the total order of keys whatever the heap's shape: swapping this heap for
//! another changes nothing a run reports.

use crate::time::Time;

pub(crate) struct QuadHeap<T: Copy> {
    keys: Vec<u128>,
    items: Vec<T>,
    seq: u64,
}

impl<T: Copy> Default for QuadHeap<T> {
    fn default() -> Self {
        QuadHeap {
            keys: Vec::new(),
            items: Vec::new(),
            seq: 0,
        }
    }
}

impl<T: Copy> QuadHeap<T> {
    /// Always inlined: called out of line, an event built on the caller's stack field by field
    /// is then read back whole, and that store-to-load forward stall cost more than the rest of
    /// the push (a third of the engine's push time in `perf`).
    #[inline(always)]
    pub fn push(&mut self, at: Time, item: T) {
        self.seq += 1;
        self.push_key(((at as u128) << 64) | self.seq as u128, item);
    }

    /// Pushes under a key made elsewhere (the engine's event list numbers events itself, as
    /// they may pass through more than one heap). Keys must be unique.
    #[inline(always)]
    pub fn push_key(&mut self, key: u128, item: T) {
        let mut i = self.keys.len();
        self.keys.push(key);
        self.items.push(item);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.keys[parent] <= key {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.items[i] = self.items[parent];
            i = parent;
        }
        self.keys[i] = key;
        self.items[i] = item;
    }

    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        self.keys.first().copied()
    }

    /// Takes the last element of the array (not the smallest): for a caller that knows what it
    /// just pushed is larger than everything else, and so has not moved.
    #[inline]
    pub fn pop_last(&mut self) -> Option<(u128, T)> {
        Some((self.keys.pop()?, self.items.pop()?))
    }

    /// The item that comes out next.
    #[inline]
    pub fn peek_item(&self) -> Option<&T> {
        self.items.first()
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Time, T)> {
        self.pop_key().map(|(k, item)| ((k >> 64) as Time, item))
    }

    /// The smallest key and its item.
    #[inline(always)]
    pub fn pop_key(&mut self) -> Option<(u128, T)> {
        let last_key = self.keys.pop()?;
        let last_item = self.items.pop()?;
        let n = self.keys.len();
        if n == 0 {
            return Some((last_key, last_item));
        }
        let top = (self.keys[0], self.items[0]);
        // Down to a leaf, always along the smallest child.
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let best = if first + 4 <= n {
                let k = &self.keys[first..first + 4];
                let a = first + (k[1] < k[0]) as usize;
                let b = first + 2 + (k[3] < k[2]) as usize;
                if self.keys[b] < self.keys[a] {
                    b
                } else {
                    a
                }
            } else {
                let mut best = first;
                for c in first + 1..n {
                    if self.keys[c] < self.keys[best] {
                        best = c;
                    }
                }
                best
            };
            self.keys[i] = self.keys[best];
            self.items[i] = self.items[best];
            i = best;
        }
        // Then up to where the last element belongs.
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.keys[parent] <= last_key {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.items[i] = self.items[parent];
            i = parent;
        }
        self.keys[i] = last_key;
        self.items[i] = last_item;
        Some(top)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Empties the heap, handing over its keys and items in no particular order.
    pub fn drain(&mut self) -> impl Iterator<Item = (u128, T)> + '_ {
        self.keys.drain(..).zip(self.items.drain(..))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dist::Rng;

    /// Against a sort of (time, insertion order) pairs: the same order, ties in insertion order,
    /// with pushes and pops interleaved as a run does.
    #[test]
    fn pops_in_time_order_with_ties_in_insertion_order() {
        let mut rng = Rng::seed(3);
        let mut heap = QuadHeap::default();
        let mut expected: Vec<(Time, u32)> = Vec::new();
        let mut got = Vec::new();
        let mut now = 0;
        for id in 0..20_000u32 {
            // Few distinct times, so ties are frequent.
            let at = now + rng.below(50);
            heap.push(at, id);
            expected.push((at, id));
            if rng.below(3) == 0 {
                let (t, v) = heap.pop().unwrap();
                assert!(t >= now);
                now = t;
                got.push((t, v));
            }
        }
        while let Some(p) = heap.pop() {
            got.push(p);
        }
        assert_eq!(heap.len(), 0);
        assert_popped_in_key_order(got, expected, "");
    }

    /// `got` (time, id) as popped, `expected` as pushed, ids numbered in push order: pops never
    /// go back in time, equal times come out in the order they went in, and every event comes
    /// out once. Shared with the engine's event list, which must order exactly like this heap.
    pub(crate) fn assert_popped_in_key_order(
        mut got: Vec<(Time, u32)>,
        mut expected: Vec<(Time, u32)>,
        context: &str,
    ) {
        for w in got.windows(2) {
            assert!(
                w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1),
                "{context}{w:?}"
            );
        }
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "{context}every event comes out once");
    }
}
