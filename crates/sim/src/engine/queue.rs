//! The future event list: events come out in the order of (time, sequence number).
//!
//! The sequence number breaks ties in insertion order, so two events at the same nanosecond are
//! always handled in the same order — a heap alone is not stable, and without this tie-break
//! the same seed could replay differently.
//!
//! A small queue is one 4-ary heap (`near`): it stays in the fastest cache. A busy design keeps
//! thousands of events pending (1 M requests/s on 5 ms hops is ~13 000), and a heap that size
//! is seven levels of cache misses per pop — half the engine's time went there. Past
//! [`SPREAD_ABOVE`] events the queue becomes a calendar: most events are due within a few
//! milliseconds, so they are filed by time into a ring of buckets (2^[`SHIFT`] ns wide,
//! [`SLOTS`] of them), which is an append. Only the current bucket is ordered: when it is
//! opened its events are sorted once (`run`, popped from the end), and an event pushed into it
//! after that (a hop shorter than a bucket) goes to `near`; a pop takes the smaller of the two.
//! Events beyond the ring's horizon (timers, the per-second tick, slow clients) wait in a heap
//! of their own (`far`) and join `near` when their bucket opens. Every event keeps the key it
//! got when it was pushed, and the current bucket always holds the smallest keys, so the order
//! of pops is exactly the total order of keys — the same as one heap's, whatever the bucket
//! width: reports do not change.
//!
//! Hops over an edge skip all of this: an event pushed after a delay that has a lane
//! ([`EventQueue::push_after`], `lanes.rs`) waits in that lane, and a pop takes the earlier of
//! this list's next event and the lanes'.

use super::lanes::{self, Lanes};
use super::Ev;
use crate::quad_heap::QuadHeap;
use crate::time::Time;

/// log2 of a bucket's width in nanoseconds: 8.2 µs (of 12, 13, 14 and 15, the fastest on the
/// browser benchmark's 50 nodes at 1 M requests/s).
const SHIFT: u32 = 13;
/// Buckets in the ring: with [`SHIFT`], a horizon of 8.4 ms.
const SLOTS: usize = 1024;
const MASK: u64 = SLOTS as u64 - 1;
const WORDS: usize = SLOTS / 64;
/// A bucket's events are ordered by (time within the bucket, place in its slot) packed in a
/// u64: the time takes [`SHIFT`] bits, the place the rest.
const PLACE_BITS: u32 = 64 - SHIFT;
const PLACE_MASK: u64 = (1 << PLACE_BITS) - 1;
#[cfg(test)]
const BUCKET_NS: Time = 1 << SHIFT;
/// Below this many pending events one heap is faster (it stays in the first-level cache and
/// each event is handled once, not filed and then ordered): the queue is `near` alone until it
/// holds more than `SPREAD_ABOVE` events, and becomes `near` alone again when the next bucket
/// is wanted and fewer than `GATHER_BELOW` are left. The gap keeps it from switching back and
/// forth; each switch moves every event once.
const SPREAD_ABOVE: usize = 2048;
const GATHER_BELOW: usize = 512;
/// The thresholds as a run uses them; tests move them to make every queue a calendar or none.
#[cfg(not(test))]
#[inline(always)]
fn spread_above() -> usize {
    SPREAD_ABOVE
}

#[cfg(not(test))]
#[inline(always)]
fn gather_below() -> usize {
    GATHER_BELOW
}

#[cfg(test)]
thread_local! {
    static SPREAD_ABOVE_IN_TEST: std::cell::Cell<usize> = const { std::cell::Cell::new(SPREAD_ABOVE) };
}

#[cfg(test)]
fn spread_above() -> usize {
    SPREAD_ABOVE_IN_TEST.with(|c| c.get())
}

#[cfg(test)]
fn gather_below() -> usize {
    GATHER_BELOW.min(spread_above() / 4)
}

/// `cur` while the queue is one heap: every bucket is at or before it, so every push goes to
/// `near`.
const ONE_HEAP: u64 = u64::MAX;

pub(crate) struct EventQueue {
    seq: u64,
    /// The bucket (time >> SHIFT) being handled: its events are in `run` and `near`; every
    /// event in the ring is in a later bucket, less than `SLOTS` later, and every event in
    /// `far` is in a later bucket. [`ONE_HEAP`] while `near` holds them all.
    cur: u64,
    near: QuadHeap<Ev>,
    /// The current bucket's events as it was opened, sorted by key from largest to smallest.
    run: Vec<(u128, Ev)>,
    /// Out of line: a run that never spreads should not carry it beside the hot fields.
    buckets: Box<Buckets>,
    lanes: Lanes,
}

struct Buckets {
    /// Bucket `b`'s events, unordered, in slot `b & MASK`.
    ring: Vec<Vec<(u128, Ev)>>,
    /// One bit per slot: whether it holds events.
    occupied: [u64; WORDS],
    /// Events in the ring.
    ringed: usize,
    far: QuadHeap<Ev>,
    /// Scratch for ordering a bucket as it opens.
    order: Vec<u64>,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            seq: 0,
            cur: ONE_HEAP,
            near: QuadHeap::default(),
            run: Vec::new(),
            buckets: Box::new(Buckets {
                ring: (0..SLOTS).map(|_| Vec::new()).collect(),
                occupied: [0; WORDS],
                ringed: 0,
                far: QuadHeap::default(),
                order: Vec::new(),
            }),
            lanes: Lanes::default(),
        }
    }
}

impl EventQueue {
    /// Written so that every path stores the event straight from the caller's registers into
    /// where it goes: a branch to a call taking the event made each caller build it on the
    /// stack and read it back whole, a store-forwarding stall on every push (7 % of a small
    /// run). Only an event for `far` (or the first after the queue ran empty) takes the long way
    /// through `near` and `file_last`.
    #[inline(always)]
    pub fn push(&mut self, at: Time, ev: Ev) {
        self.seq += 1;
        let key = ((at as u128) << 64) | self.seq as u128;
        let b = at >> SHIFT;
        if self.cur == ONE_HEAP || b <= self.cur {
            self.near.push_key(key, ev);
            if self.cur != ONE_HEAP && self.run.is_empty() && self.near.len() == 1 {
                // Nothing else is pending (see `pop`): this event's bucket is the current one.
                self.cur = b;
            }
        } else if b - self.cur < SLOTS as u64 && !(self.run.is_empty() && self.near.len() == 0) {
            self.ring_put(b, key, ev);
        } else {
            self.near.push_key(key, ev);
            self.file_last(key);
        }
    }

    /// The lane of `stream` (see `lanes.rs`), a new one if there is room, else `NO_LANE`.
    pub fn add_lane(&mut self, stream: u64) -> u8 {
        self.lanes.add(stream)
    }

    /// Pushes an event due `delay` after `now`, the clock's present time: into that delay's
    /// lane if it has one, else as [`EventQueue::push`] does. (The pushes are inlined into the
    /// handlers natively; in WebAssembly the compiler decides, as larger handlers ran slower
    /// there.)
    #[cfg_attr(target_arch = "wasm32", inline)]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn push_after(&mut self, now: Time, delay: Time, ev: Ev) {
        self.push_stream(lanes::after_delay(delay), now + delay, ev);
    }

    /// Pushes an event of `stream` due at `at`: into the stream's lane if it has one (and the
    /// event is not due before the lane's last), else as [`EventQueue::push`] does.
    #[cfg_attr(target_arch = "wasm32", inline)]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn push_stream(&mut self, stream: u64, at: Time, ev: Ev) {
        let lane = match self.cur == ONE_HEAP {
            true => self.lanes.lane_of(stream),
            false => None,
        };
        self.push_in_lane(lane.unwrap_or(lanes::NO_LANE as usize), at, ev);
    }

    /// Pushes an event due at `at` into lane `lane` (if it is one, and the event is not due
    /// before the lane's last), else as [`EventQueue::push`] does.
    ///
    /// Lanes serve the one heap only: a calendar already files an event with an append and
    /// pops it from a sorted run, and a lane beside it would only add its own upkeep (measured:
    /// a quarter slower on the browser benchmark's 50 nodes in WebAssembly, where every
    /// 128-bit comparison costs several). So while the list is a calendar, events go there and
    /// the lanes drain; they fill again once it is one heap.
    #[cfg_attr(target_arch = "wasm32", inline)]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn push_in_lane(&mut self, lane: usize, at: Time, ev: Ev) {
        if lane == lanes::NO_LANE as usize || self.cur != ONE_HEAP {
            return self.push(at, ev);
        }
        let seq = self.seq + 1;
        let key = ((at as u128) << 64) | seq as u128;
        match self.lanes.push(lane, key, ev) {
            None => self.seq = seq,
            Some(ev) => self.push(at, ev),
        }
    }

    /// The event just pushed (`key`) is in `near`: with nothing else pending its bucket becomes
    /// the current one; else, being later than every event there, it is taken back from the
    /// end and goes where its bucket is kept.
    #[cold]
    #[inline(never)]
    fn file_last(&mut self, key: u128) {
        let b = ((key >> 64) as u64) >> SHIFT;
        if self.run.is_empty() && self.near.len() == 1 {
            // Nothing else is pending (see `pop`): this event's bucket is the current one.
            self.cur = b;
        } else if b > self.cur {
            // Later than every event in `near` (all of the current bucket or before), so the
            // push left it at the end, where it can be taken back.
            if let Some((k, ev)) = self.near.pop_last() {
                debug_assert_eq!(k, key);
                self.place_later(b, k, ev);
            }
        }
    }

    /// Files an event (spreading the one heap): into `near` if it belongs to the current
    /// bucket, else where its bucket is kept.
    fn file(&mut self, key: u128, ev: Ev) {
        let b = ((key >> 64) as u64) >> SHIFT;
        if self.run.is_empty() && self.near.len() == 0 {
            self.cur = b;
            self.near.push_key(key, ev);
        } else if b <= self.cur {
            self.near.push_key(key, ev);
        } else {
            self.place_later(b, key, ev);
        }
    }

    /// An event of bucket `b`, after the current one: into the ring, or `far` beyond it.
    #[inline(always)]
    fn place_later(&mut self, b: u64, key: u128, ev: Ev) {
        if b - self.cur < SLOTS as u64 {
            self.ring_put(b, key, ev);
        } else {
            self.buckets.far.push_key(key, ev);
        }
    }

    /// Appends an event of bucket `b` (later than the current one, within the ring's horizon)
    /// to its slot. Always inlined, so that `push` still writes the event in place.
    #[inline(always)]
    fn ring_put(&mut self, b: u64, key: u128, ev: Ev) {
        let s = (b & MASK) as usize;
        let r = &mut *self.buckets;
        r.ring[s].push((key, ev));
        r.ringed += 1;
        r.occupied[s / 64] |= 1 << (s % 64);
    }

    /// Whether the next event is the end of `run` (else the top of `near`); `None`: no events.
    #[inline(always)]
    fn next_in_run(&self) -> Option<bool> {
        match (self.run.last(), self.near.peek_key()) {
            (Some(r), Some(n)) => Some(r.0 < n),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    /// The key of this list's next event (the lanes' aside).
    #[inline(always)]
    fn list_key(&self) -> Option<u128> {
        if self.cur == ONE_HEAP {
            return self.near.peek_key();
        }
        if self.next_in_run()? {
            self.run.last().map(|e| e.0)
        } else {
            self.near.peek_key()
        }
    }

    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        let lane = self.lanes.peek_key();
        let key = match self.list_key() {
            Some(k) if k < lane => k,
            _ if self.lanes.len() > 0 => lane,
            _ => return None,
        };
        Some((key >> 64) as Time)
    }

    /// Whether the queue is large (a calendar): then the records its events point to are
    /// unlikely to be in the cache either.
    #[inline(always)]
    pub fn is_large(&self) -> bool {
        self.cur != ONE_HEAP
    }

    /// Whether the next event is this list's (else a lane's, or none).
    #[inline(always)]
    fn list_first(&self) -> bool {
        self.list_key().is_some_and(|k| k < self.lanes.peek_key())
    }

    /// The event that comes out next (the caller warms the cache for it).
    #[inline]
    pub fn peek_event(&self) -> Option<&Ev> {
        if !self.list_first() {
            return self.lanes.peek_event();
        }
        if self.next_in_run()? {
            self.run.last().map(|(_, ev)| ev)
        } else {
            self.near.peek_item()
        }
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(Time, Ev)> {
        self.pop_due(Time::MAX)
    }

    /// One heap with more than [`SPREAD_ABOVE`] events pending, lanes included, becomes a
    /// calendar. Lanes count: a design big enough to keep thousands of events pending is better
    /// served by the calendar (whose buckets are sorted by 64-bit keys) than by one deep heap
    /// beside full lanes — in WebAssembly each of the heap's 128-bit comparisons costs several.
    #[inline(always)]
    fn spread_if_large(&mut self) {
        if self.cur == ONE_HEAP && self.near.len() + self.lanes.len() > spread_above() {
            self.spread();
        }
    }

    /// The next event, if it is due at or before `until` (one look at the queue, not two).
    #[inline]
    pub fn pop_due(&mut self, until: Time) -> Option<(Time, Ev)> {
        let lane = self.lanes.peek_key();
        let list = self.list_key();
        let from_list = list.is_some_and(|k| k < lane);
        let key = if from_list { list? } else { lane };
        if (key >> 64) as Time > until {
            return None;
        }
        let (k, ev) = if from_list {
            self.pop_list()?
        } else {
            self.lanes.pop()?
        };
        self.spread_if_large();
        Some(((k >> 64) as Time, ev))
    }

    /// This list's next event (not empty).
    #[inline(always)]
    fn pop_list(&mut self) -> Option<(u128, Ev)> {
        if self.cur == ONE_HEAP {
            return self.near.pop_key();
        }
        let (k, ev) = if self.next_in_run()? {
            self.run.pop()?
        } else {
            self.near.pop_key()?
        };
        // The current bucket is empty only when everything is: the next one opens now, not at
        // the next look, so that looking stays a plain read.
        if self.run.is_empty() && self.near.len() == 0 {
            self.refill();
        }
        Some((k, ev))
    }

    pub fn len(&self) -> usize {
        self.list_len() + self.lanes.len()
    }

    /// Events in this list, the lanes' aside.
    fn list_len(&self) -> usize {
        self.near.len() + self.run.len() + self.buckets.ringed + self.buckets.far.len()
    }

    /// The one heap has grown past [`SPREAD_ABOVE`]: file its events into buckets, the
    /// earliest one's staying in `near`.
    #[cold]
    #[inline(never)]
    fn spread(&mut self) {
        let Some(first) = self.near.pop_key() else {
            return;
        };
        let mut all: Vec<(u128, Ev)> = self.near.drain().collect();
        // In key order, so that each bucket's slot lists its events in push order (see
        // `refill`).
        all.sort_unstable_by_key(|e| e.0);
        // The earliest first: with nothing else pending its bucket becomes the current one
        // (see `file`).
        self.file(first.0, first.1);
        for (k, ev) in all {
            self.file(k, ev);
        }
    }

    /// The current bucket has just run dry: open the earliest bucket with events, sorting its
    /// events (from the ring) into `run` and taking those waiting in `far` into `near`.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) {
        if self.list_len() < gather_below() {
            // Few left: back to one heap.
            self.cur = ONE_HEAP;
            let b = &mut *self.buckets;
            for (w, word) in b.occupied.iter_mut().enumerate() {
                while *word != 0 {
                    let s = w * 64 + word.trailing_zeros() as usize;
                    *word &= *word - 1;
                    b.ringed -= b.ring[s].len();
                    for (k, ev) in b.ring[s].drain(..) {
                        self.near.push_key(k, ev);
                    }
                }
            }
            for (k, ev) in b.far.drain() {
                self.near.push_key(k, ev);
            }
            return;
        }
        let ring_next = self.next_occupied();
        let far_next = self
            .buckets
            .far
            .peek_key()
            .map(|k| ((k >> 64) as u64) >> SHIFT);
        let next = match (ring_next, far_next) {
            (None, None) => return,
            (Some(r), None) => r,
            (None, Some(f)) => f,
            (Some(r), Some(f)) => r.min(f),
        };
        // Ring events are all in buckets after `next` and before `cur + SLOTS` ≤ `next + SLOTS`:
        // moving `cur` keeps them where they belong.
        self.cur = next;
        if ring_next == Some(next) {
            let s = (next & MASK) as usize;
            let b = &mut *self.buckets;
            b.occupied[s / 64] &= !(1 << (s % 64));
            let slot = &mut b.ring[s];
            b.ringed -= slot.len();
            // Events of a slot at the same time are listed in sequence order (pushes append, in
            // sequence; `spread` files in key order). So an event's key within the bucket is
            // its time there (13 bits) and its place in the slot (the tie-break): one u64,
            // sorted far faster than the 32-byte events by 128-bit keys (WebAssembly has no
            // 128-bit compare). The events are then copied out in that order.
            let base = next << SHIFT;
            b.order.clear();
            b.order.extend(
                slot.iter()
                    .enumerate()
                    .map(|(i, (k, _))| ((((k >> 64) as u64) - base) << PLACE_BITS) | i as u64),
            );
            b.order.sort_unstable();
            self.run.clear();
            // Largest first: `run` is popped from its end.
            self.run.extend(
                b.order
                    .iter()
                    .rev()
                    .map(|&o| slot[(o & PLACE_MASK) as usize]),
            );
            slot.clear();
            debug_assert!(
                self.run.windows(2).all(|w| w[0].0 > w[1].0),
                "run in key order"
            );
        }
        while let Some(k) = self.buckets.far.peek_key() {
            if ((k >> 64) as u64) >> SHIFT != next {
                break;
            }
            if let Some((k, ev)) = self.buckets.far.pop_key() {
                self.near.push_key(k, ev);
            }
        }
    }

    /// The earliest bucket with events in the ring, if any: the first occupied slot after
    /// `cur`'s, going round.
    fn next_occupied(&self) -> Option<u64> {
        let start = ((self.cur + 1) & MASK) as usize;
        // The word holding `start`, from `start` on; then the other words in turn; then the
        // bits of the first word before `start`.
        let (w0, b0) = (start / 64, start % 64);
        let first = self.buckets.occupied[w0] & (!0u64 << b0);
        let found = if first != 0 {
            Some(w0 * 64 + first.trailing_zeros() as usize)
        } else {
            (1..=WORDS).map(|i| (w0 + i) % WORDS).find_map(|w| {
                let bits = self.buckets.occupied[w];
                (bits != 0).then(|| w * 64 + bits.trailing_zeros() as usize)
            })
        };
        let s = found? as u64;
        Some(self.cur + 1 + (s.wrapping_sub(self.cur + 1) & MASK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;
    use crate::quad_heap::tests::assert_popped_in_key_order;

    /// Against a sort of (time, insertion order): pushes and pops interleaved as a run does,
    /// delays from the same bucket to far past the ring's horizon, ties frequent; `peek_time`
    /// between them. Every event comes out once, in time order, ties in insertion order.
    #[test]
    fn pops_in_key_order_across_near_ring_and_far() {
        let horizon = BUCKET_NS * SLOTS as Time;
        for seed in 1..=6u64 {
            let mut rng = Rng::seed(seed);
            let mut q = EventQueue::default();
            let mut expected: Vec<(Time, u32)> = Vec::new();
            let mut got: Vec<(Time, u32)> = Vec::new();
            let mut now: Time = 0;
            let mut calendar = false;
            for id in 0..40_000u32 {
                let delay = match rng.below(6) {
                    0 => rng.below(3),                      // same instant or nearly
                    1 => rng.below(BUCKET_NS),              // this bucket or the next
                    2 => rng.below(horizon),                // somewhere in the ring
                    3 => horizon - 1 + rng.below(3),        // the ring's edge
                    4 => horizon + rng.below(50 * horizon), // far
                    _ => rng.below(20) * BUCKET_NS,         // bucket boundaries
                };
                let at = now + delay;
                q.push(at, Ev::Timer { node: id });
                expected.push((at, id));
                if rng.below(5) == 0 {
                    // A look between pushes (a plain read: it must change nothing).
                    let _ = q.peek_time();
                }
                if rng.below(2) == 0 {
                    let peek = q.peek_time();
                    let (t, ev) = q.pop().expect("events pending");
                    assert_eq!(peek, Some(t));
                    assert!(t >= now);
                    now = t;
                    got.push((t, timer_id(ev)));
                }
                assert_eq!(q.len(), expected.len() - got.len());
                calendar |= q.cur != ONE_HEAP;
            }
            assert!(
                calendar,
                "20 000 pending events spread the queue into buckets"
            );
            while let Some((t, ev)) = q.pop() {
                got.push((t, timer_id(ev)));
            }
            assert_eq!(q.cur, ONE_HEAP, "emptied, it is one heap again");
            assert_eq!(q.len(), 0);
            assert_eq!(q.peek_time(), None);
            assert_popped_in_key_order(got, expected, &format!("seed {seed}: "));
        }
    }

    /// Every example, run for 3 simulated seconds with the calendar past `spread_above` events
    /// and with lanes or without: (path, report, events handled, whether the queue spread).
    fn run_examples(spread_above: usize, lanes: bool) -> Vec<(String, String, u64, bool)> {
        use crate::diagram::Diagram;
        use crate::engine::Simulation;
        use crate::time::secs_to_ns;
        let dir = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("the examples folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        assert!(paths.len() >= 20, "examples found in {dir}");
        SPREAD_ABOVE_IN_TEST.with(|c| c.set(spread_above));
        super::lanes::LANES_IN_TEST.with(|c| c.set(lanes));
        let runs = paths
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("readable example");
                let d = Diagram::from_json(&text).expect("a valid example");
                let mut sim = Simulation::new(&d).expect("a valid example");
                let mut spread = false;
                let end = secs_to_ns(3.0);
                while sim.core.queue.peek_time().is_some_and(|t| t <= end) {
                    sim.step();
                    spread |= sim.core.queue.is_large();
                }
                sim.run_until(end);
                let report = serde_json::to_string(&sim.report()).expect("a report");
                (path.display().to_string(), report, sim.events(), spread)
            })
            .collect();
        SPREAD_ABOVE_IN_TEST.with(|c| c.set(SPREAD_ABOVE));
        super::lanes::LANES_IN_TEST.with(|c| c.set(true));
        runs
    }

    /// Whatever the queue's layout, a run is the same: every example, run once with a queue
    /// that becomes a calendar past 16 events and once with one that never does, gives the
    /// same report and the same number of events.
    #[test]
    fn calendar_or_one_heap_every_example_reports_the_same() {
        let calendar = run_examples(16, true);
        let heap = run_examples(usize::MAX, true);
        assert!(heap.iter().all(|r| !r.3));
        assert!(
            calendar.iter().any(|r| r.3),
            "some example's queue became a calendar"
        );
        assert_same_runs(&calendar, &heap);
    }

    /// Two runs of every example handled the same events and gave the same reports.
    fn assert_same_runs(a: &[(String, String, u64, bool)], b: &[(String, String, u64, bool)]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x.2, y.2, "{}", x.0);
            assert!(x.1 == y.1, "{}: the reports differ", x.0);
        }
    }

    /// Lanes change where events wait, never their order: every example gives the same report
    /// and handles the same events with lanes and without, as one heap and as a calendar.
    #[test]
    fn lanes_or_none_every_example_reports_the_same() {
        for spread_above in [usize::MAX, 16] {
            assert_same_runs(
                &run_examples(spread_above, true),
                &run_examples(spread_above, false),
            );
        }
    }

    /// Lanes and the list together hand events out in key order: plain pushes, pushes after
    /// fixed delays (more delays than lanes, so some have none), streams whose times mostly
    /// rise but now and then go down (those events take the list), as one heap and as a
    /// calendar; `peek_time` and `pop_due` agree with what is popped.
    #[test]
    fn lanes_and_list_pop_in_key_order() {
        use super::super::lanes::{after_delay, arrivals_of, sent_by};
        for spread_above in [usize::MAX, 64] {
            SPREAD_ABOVE_IN_TEST.with(|c| c.set(spread_above));
            for seed in 1..=4u64 {
                let mut rng = Rng::seed(seed);
                let mut q = EventQueue::default();
                let edges: Vec<usize> = (0..3)
                    .map(|n| q.add_lane(sent_by(n, 500)) as usize)
                    .collect();
                let delays: Vec<Time> = (0..6).map(|i| 1_000 + i * 777).collect();
                for &d in &delays {
                    q.add_lane(after_delay(d));
                }
                q.add_lane(arrivals_of(0));
                assert_eq!(q.add_lane(arrivals_of(1)), super::super::lanes::NO_LANE);
                let mut last = [0 as Time; 3];
                let (mut expected, mut got) = (Vec::new(), Vec::new());
                let mut now: Time = 0;
                let (mut laned, mut calendar) = (false, false);
                for id in 0..30_000u32 {
                    let ev = Ev::Timer { node: id };
                    let at = match rng.below(4) {
                        0 => {
                            let at = now + rng.below(BUCKET_NS * 3);
                            q.push(at, ev);
                            at
                        }
                        1 => {
                            let d = delays[rng.below(6) as usize];
                            q.push_after(now, d, ev);
                            now + d
                        }
                        2 => {
                            let s = rng.below(3) as usize;
                            let at = if rng.below(8) == 0 {
                                now + rng.below(400)
                            } else {
                                last[s].max(now) + rng.below(300)
                            };
                            last[s] = last[s].max(at);
                            q.push_in_lane(edges[s], at, ev);
                            at
                        }
                        _ => {
                            let at = now + rng.below(5_000);
                            q.push_stream(arrivals_of(rng.below(2) as u32), at, ev);
                            at
                        }
                    };
                    expected.push((at, id));
                    laned |= q.lanes.len() > 0;
                    calendar |= q.is_large();
                    if rng.below(2) == 0 {
                        let peek = q.peek_time();
                        let popped = if rng.below(2) == 0 {
                            q.pop()
                        } else {
                            let until = now + rng.below(2_000);
                            match q.pop_due(until) {
                                Some(e) => Some(e),
                                None => {
                                    assert!(peek.is_none_or(|t| t > until));
                                    continue;
                                }
                            }
                        };
                        let (t, ev) = popped.expect("events pending");
                        assert_eq!(peek, Some(t));
                        assert!(t >= now);
                        now = t;
                        got.push((t, timer_id(ev)));
                    }
                    assert_eq!(q.len(), expected.len() - got.len());
                }
                assert!(laned, "events waited in lanes");
                assert_eq!(calendar, spread_above == 64, "a calendar only when asked");
                while let Some((t, ev)) = q.pop() {
                    got.push((t, timer_id(ev)));
                }
                assert_eq!(q.len(), 0);
                assert_eq!(q.peek_time(), None);
                assert_popped_in_key_order(got, expected, &format!("seed {seed}: "));
            }
        }
        SPREAD_ABOVE_IN_TEST.with(|c| c.set(SPREAD_ABOVE));
    }

    fn timer_id(ev: Ev) -> u32 {
        match ev {
            Ev::Timer { node } => node,
            _ => unreachable!("only timers were pushed"),
        }
    }
}
