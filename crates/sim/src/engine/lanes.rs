//! Lanes: streams of events whose times never go down, kept in push order beside the event list.
//!
//! Most of a run's events come in such streams. An event pushed at time `now` to happen a fixed
//! `d` later is due at `now + d`, and the clock never goes back: the answers sent back over an
//! edge of fixed latency are due in the order they were sent. A load balancer is one FIFO server
//! with a fixed latency, so what it forwards over its edges of one latency leaves in order too.
//! The sequence numbers (the tie-break) grow in push order as well, so a plain FIFO per stream
//! holds its events in exactly the order the event list would, and the next event of the queue is
//! the earlier of the list's next and the first of the earliest lane. An event that would come
//! before the last one of its lane (a stream whose times did go down: a jittered hop, a cache's
//! random lookup time) goes to the list instead, so which streams have a lane changes the speed,
//! never the order: reports are the same either way.
//!
//! A client's next arrival is scheduled when the one before it happens: a stream too.
//!
//! The reference diagram's heap then holds ~30 events instead of ~300 (service completions), and
//! a hop or an arrival costs an append and a pop from the front instead of a heap push and pop.
//! Lanes are used while the event list is one heap only (see `EventQueue::push_in_lane`).

use super::Ev;
use crate::time::Time;

/// Lanes at most: the first streams of a design (finding a lane by its stream scans them);
/// the events of others take the event list. A power of two (the tournament's leaves). Lanes
/// serve small queues (see `EventQueue::push_in_lane`), whose designs are small too: the
/// reference diagram has five streams.
const MAX_LANES: usize = 8;
const LANE_MASK: usize = MAX_LANES - 1;
/// A stream without a lane.
pub(crate) const NO_LANE: u8 = u8::MAX;

/// The stream of events due a fixed `delay` after they are pushed.
pub(crate) fn after_delay(delay: Time) -> u64 {
    delay & !(3 << 62)
}

/// The stream of requests node `from` sends over its edges of latency `latency`: each leaves
/// when the node is done with it (at once, or in FIFO order behind the ones before it at a
/// load balancer), so all of them are due in the order they were sent. (Streams whose numbers
/// collide only share a lane: the order stays right, see above.)
pub(crate) fn sent_by(from: u32, latency: Time) -> u64 {
    1 << 63 | (from as u64) << 32 | (latency & 0xFFFF_FFFF)
}

/// The stream of a client's arrivals (each scheduled when the one before happens).
pub(crate) fn arrivals_of(node: u32) -> u64 {
    1 << 62 | node as u64
}

/// The key of an empty lane: later than any event's.
const EMPTY: u128 = u128::MAX;

#[cfg(test)]
thread_local! {
    /// Tests turn lanes off to show that they change nothing but speed.
    pub(crate) static LANES_IN_TEST: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

pub(crate) struct Lanes {
    /// The stream of each lane in use (`n` of them).
    streams: [u64; MAX_LANES],
    n: usize,
    /// The key of each lane's first event, [`EMPTY`] for none.
    heads: [u128; MAX_LANES],
    /// A tournament over the lanes' first events: `win[i]` is the lane with the earliest of
    /// them under node `i` of a binary tree whose leaves (`MAX_LANES + l`) are the lanes, so a
    /// lane whose first event changed is placed again in three comparisons, not one per lane.
    win: [u8; MAX_LANES],
    /// The lane whose first event is the earliest (`win[1]`), and that event's key.
    first: usize,
    first_key: u128,
    lane: Vec<Fifo>,
    len: usize,
}

impl Default for Lanes {
    fn default() -> Self {
        // Every node's winner starts as a lane under it (all empty alike): the leftmost.
        let mut win = [0; MAX_LANES];
        for i in (1..MAX_LANES).rev() {
            win[i] = if 2 * i >= MAX_LANES {
                (2 * i - MAX_LANES) as u8
            } else {
                win[2 * i]
            };
        }
        Lanes {
            streams: [0; MAX_LANES],
            n: 0,
            heads: [EMPTY; MAX_LANES],
            win,
            first: 0,
            first_key: EMPTY,
            lane: Vec::new(),
            len: 0,
        }
    }
}

impl Lanes {
    /// The lane of `stream`, a new one if it has none and there is room.
    pub fn add(&mut self, stream: u64) -> u8 {
        if let Some(l) = self.lane_of(stream) {
            return l as u8;
        }
        #[cfg(test)]
        if !LANES_IN_TEST.with(|c| c.get()) {
            return NO_LANE;
        }
        if self.n == MAX_LANES {
            return NO_LANE;
        }
        self.streams[self.n] = stream;
        self.lane.push(Fifo::default());
        self.n += 1;
        (self.n - 1) as u8
    }

    /// The lane of `stream`, if it has one.
    #[inline(always)]
    pub fn lane_of(&self, stream: u64) -> Option<usize> {
        self.streams[..self.n].iter().position(|&s| s == stream)
    }

    /// Appends an event to lane `l`, or hands it back if it is due before the lane's last (the
    /// caller puts it in the list). Keys grow with every push (the sequence number), so an
    /// event due no earlier than the last keeps the lane in key order.
    #[inline(always)]
    pub fn push(&mut self, l: usize, key: u128, ev: Ev) -> Option<Ev> {
        let Some(lane) = self.lane.get_mut(l) else {
            return Some(ev);
        };
        if lane.back().is_some_and(|b| b.0 > key) {
            return Some(ev);
        }
        lane.push_back((key, ev));
        self.len += 1;
        if self.heads[l] == EMPTY {
            self.heads[l] = key;
            self.replay(l);
        }
        None
    }

    /// Lane `l`'s first event changed: the matches on its way to the root are played again.
    #[cfg_attr(target_arch = "wasm32", inline)]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn replay(&mut self, l: usize) {
        let h = &self.heads;
        // The two lanes of `l`'s pair, then the winners of the pairs of nodes above. (Indices
        // masked: every lane number is below `MAX_LANES`, and the compiler then knows it.)
        let l = l & LANE_MASK;
        let (a, b) = (l & !1, l | 1);
        let mut w = if h[b] < h[a] { b } else { a };
        let mut i = (MAX_LANES + l) / 2;
        self.win[i & LANE_MASK] = w as u8;
        while i > 1 {
            let other = self.win[(i ^ 1) & LANE_MASK] as usize & LANE_MASK;
            if h[other] < h[w] {
                w = other;
            }
            i /= 2;
            self.win[i & LANE_MASK] = w as u8;
        }
        self.first = w;
        self.first_key = h[w];
    }

    /// The key of the earliest event in any lane, [`EMPTY`] if there is none.
    #[inline(always)]
    pub fn peek_key(&self) -> u128 {
        self.first_key
    }

    pub fn peek_event(&self) -> Option<&Ev> {
        self.lane.get(self.first)?.front().map(|(_, ev)| ev)
    }

    /// Takes the earliest event of all lanes.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(u128, Ev)> {
        let l = self.first;
        let lane = self.lane.get_mut(l)?;
        let first = lane.pop_front()?;
        self.len -= 1;
        self.heads[l] = lane.front().map_or(EMPTY, |e| e.0);
        self.replay(l);
        Some(first)
    }

    pub fn len(&self) -> usize {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Rng;

    /// A lane that never runs dry keeps its order and does not grow without bound: two
    /// events in, one out, then drained, with the vector's taken front dropped on the way.
    #[test]
    fn a_lane_that_never_runs_dry_stays_in_order_and_bounded() {
        let mut f = Fifo::default();
        let (mut pushed, mut popped) = (0u128, 0u128);
        for round in 0..20_000u32 {
            f.push_back((pushed, Ev::Tick));
            pushed += 1;
            if round % 2 == 1 || round > 15_000 {
                assert_eq!(f.pop_front().map(|e| e.0), Some(popped));
                popped += 1;
            }
            assert_eq!(f.back().map(|e| e.0), (popped < pushed).then(|| pushed - 1));
            assert!(f.items.len() <= 2 * (pushed - popped) as usize + 1024);
        }
        while let Some(e) = f.pop_front() {
            assert_eq!(e.0, popped);
            popped += 1;
        }
        assert_eq!((popped, f.items.len(), f.head), (pushed, 0, 0));
    }

    /// The tournament always names the lane with the earliest first event: lanes filled and
    /// emptied in every order (a lane far from the others first, lanes running dry and filling
    /// again), against a scan of every lane's first.
    #[test]
    fn the_first_lane_is_always_the_earliest() {
        for seed in 1..=20u64 {
            let mut rng = Rng::seed(seed);
            let mut lanes = Lanes::default();
            let used = 1 + rng.below(MAX_LANES as u64) as usize;
            for l in 0..used {
                assert_eq!(lanes.add(1000 + l as u64), l as u8);
            }
            let mut last = vec![0u128; used];
            let mut seq = 0u128;
            for _ in 0..5_000 {
                if rng.below(3) == 0 || lanes.len() == 0 {
                    let l = rng.below(used as u64) as usize;
                    seq += 1;
                    let key = ((last[l] >> 64) + rng.below(50) as u128) << 64 | seq;
                    last[l] = key;
                    assert!(lanes.push(l, key, Ev::Tick).is_none());
                } else {
                    let earliest = (0..used)
                        .filter_map(|l| lanes.lane[l].front().map(|e| e.0))
                        .min();
                    assert_eq!(Some(lanes.peek_key()), earliest);
                    let (key, _) = lanes.pop().expect("a lane holds events");
                    assert_eq!(Some(key), earliest);
                }
            }
        }
    }
}

/// A lane's events: appended at the back, taken from the front. A vector and the index of its
/// first event (a `VecDeque`'s append was a call on every push); emptied in place when drained,
/// and the taken front dropped once it is most of the vector, so a lane that never runs dry
/// stays bounded too.
#[derive(Default)]
struct Fifo {
    items: Vec<(u128, Ev)>,
    head: usize,
}

impl Fifo {
    #[inline(always)]
    fn front(&self) -> Option<&(u128, Ev)> {
        self.items.get(self.head)
    }

    #[inline(always)]
    fn back(&self) -> Option<&(u128, Ev)> {
        self.items.last().filter(|_| self.head < self.items.len())
    }

    #[inline(always)]
    fn push_back(&mut self, e: (u128, Ev)) {
        self.items.push(e);
    }

    #[inline(always)]
    fn pop_front(&mut self) -> Option<(u128, Ev)> {
        let e = *self.items.get(self.head)?;
        self.head += 1;
        if self.head == self.items.len() {
            self.items.clear();
            self.head = 0;
        } else if self.head >= 1024 && 2 * self.head >= self.items.len() {
            self.compact();
        }
        Some(e)
    }

    #[cold]
    fn compact(&mut self) {
        self.items.drain(..self.head);
        self.head = 0;
    }
}
