//! A least-recently-used map of keys to cached versions, with expiry: O(1) lookups, inserts and
//! evictions (an intrusive doubly linked list in a slab, indexed by a hash map that is only
//! looked up, never iterated, so the run stays deterministic). Used through `peek` and
//! `put_in_place`, which leave the order alone, the same list is a FIFO.

use crate::time::Time;

const NIL: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Entry {
    pub key: u64,
    pub version: u64,
    pub expires: Time,
    /// When a newer version was committed at the database (the entry is stale since then).
    pub stale_since: Option<Time>,
    prev: u32,
    next: u32,
}

/// When a copy put in at `now` expires: never with a TTL of 0. (Every eviction policy.)
pub(super) fn expiry(now: Time, ttl: Time) -> Time {
    if ttl == 0 {
        Time::MAX
    } else {
        now.saturating_add(ttl)
    }
}

/// A newer version (`version`) was committed at `now`: a copy holding `held` is stale from
/// then on (the first such moment is kept). (Every eviction policy.)
pub(super) fn mark_stale(stale_since: &mut Option<Time>, held: u64, version: u64, now: Time) {
    if held < version && stale_since.is_none() {
        *stale_since = Some(now);
    }
}

/// What a lookup found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lookup {
    Hit {
        version: u64,
        stale_since: Option<Time>,
    },
    Expired,
    Miss,
}

#[derive(Clone, Debug)]
pub(crate) struct Lru {
    capacity: usize,
    ttl: Time,
    map: crate::fast_hash::FastMap<u64, u32>,
    slots: Vec<Entry>,
    free: Vec<u32>,
    /// Most recently used.
    head: u32,
    /// Least recently used: the next to go.
    tail: u32,
}

impl Lru {
    pub fn new(capacity: u64, ttl: Time) -> Lru {
        Lru {
            capacity: capacity as usize,
            ttl,
            map: Default::default(),
            slots: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Changes size and TTL in place (a live retune); shrinking evicts the oldest entries.
    /// Returns how many were evicted.
    pub fn resize(&mut self, capacity: u64, ttl: Time) -> u64 {
        self.capacity = capacity as usize;
        self.ttl = ttl;
        let mut evicted = 0;
        while self.map.len() > self.capacity {
            self.evict_tail();
            evicted += 1;
        }
        evicted
    }

    fn unlink(&mut self, i: u32) {
        let Entry { prev, next, .. } = self.slots[i as usize];
        if prev == NIL {
            self.head = next;
        } else {
            self.slots[prev as usize].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.slots[next as usize].prev = prev;
        }
    }

    fn push_front(&mut self, i: u32) {
        self.slots[i as usize].prev = NIL;
        self.slots[i as usize].next = self.head;
        if self.head != NIL {
            self.slots[self.head as usize].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }

    fn evict_tail(&mut self) {
        let t = self.tail;
        if t == NIL {
            return;
        }
        self.unlink(t);
        self.map.remove(&self.slots[t as usize].key);
        self.free.push(t);
    }

    /// Looks a key up at `now`, making it the most recently used. An expired entry is removed.
    pub fn get(&mut self, key: u64, now: Time) -> Lookup {
        self.lookup(key, now, true)
    }

    /// Looks a key up without changing the order: the list stays in insertion order (FIFO).
    pub fn peek(&mut self, key: u64, now: Time) -> Lookup {
        self.lookup(key, now, false)
    }

    #[inline(always)]
    fn lookup(&mut self, key: u64, now: Time, promote: bool) -> Lookup {
        let Some(&i) = self.map.get(&key) else {
            return Lookup::Miss;
        };
        let e = self.slots[i as usize];
        if e.expires <= now {
            self.remove(key);
            return Lookup::Expired;
        }
        if promote {
            self.unlink(i);
            self.push_front(i);
        }
        Lookup::Hit {
            version: e.version,
            stale_since: e.stale_since,
        }
    }

    /// Stores `key` at `version` (already stale since `stale_since` if it came from a lagging
    /// replica). Returns true if another key was evicted to make room.
    pub fn put(&mut self, key: u64, version: u64, now: Time, stale_since: Option<Time>) -> bool {
        self.store(key, version, now, stale_since, true)
    }

    /// Like [`Lru::put`], but a key already held keeps its place (FIFO: an update is not an
    /// insertion).
    pub fn put_in_place(
        &mut self,
        key: u64,
        version: u64,
        now: Time,
        stale_since: Option<Time>,
    ) -> bool {
        self.store(key, version, now, stale_since, false)
    }

    #[inline(always)]
    fn store(
        &mut self,
        key: u64,
        version: u64,
        now: Time,
        stale_since: Option<Time>,
        promote: bool,
    ) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let expires = expiry(now, self.ttl);
        if let Some(&i) = self.map.get(&key) {
            let e = &mut self.slots[i as usize];
            e.version = version;
            e.expires = expires;
            e.stale_since = stale_since;
            if promote {
                self.unlink(i);
                self.push_front(i);
            }
            return false;
        }
        let evicted = self.map.len() >= self.capacity;
        if evicted {
            self.evict_tail();
        }
        let entry = Entry {
            key,
            version,
            expires,
            stale_since,
            prev: NIL,
            next: NIL,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = entry;
                i
            }
            None => {
                self.slots.push(entry);
                self.slots.len() as u32 - 1
            }
        };
        self.map.insert(key, i);
        self.push_front(i);
        evicted
    }

    pub fn remove(&mut self, key: u64) {
        if let Some(i) = self.map.remove(&key) {
            self.unlink(i);
            self.free.push(i);
        }
    }

    /// A newer version of `key` was committed at `now`: an older cached copy is stale from now.
    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        if let Some(&i) = self.map.get(&key) {
            let e = &mut self.slots[i as usize];
            mark_stale(&mut e.stale_since, e.version, version, now);
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.slots.clear();
        self.free.clear();
        self.head = NIL;
        self.tail = NIL;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut c = Lru::new(2, 0);
        c.put(1, 10, 0, None);
        c.put(2, 20, 0, None);
        assert!(matches!(c.get(1, 1), Lookup::Hit { version: 10, .. }));
        assert!(
            c.put(3, 30, 2, None),
            "2 is evicted: 1 was used more recently"
        );
        assert_eq!(c.get(2, 3), Lookup::Miss);
        assert!(matches!(c.get(1, 3), Lookup::Hit { .. }));
        assert!(matches!(c.get(3, 3), Lookup::Hit { version: 30, .. }));
        assert_eq!(c.len(), 2);
        assert_eq!(c.resize(1, 0), 1);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn peeking_keeps_insertion_order_a_fifo() {
        let mut c = Lru::new(2, 0);
        c.put_in_place(1, 10, 0, None);
        c.put_in_place(2, 20, 0, None);
        assert!(matches!(c.peek(1, 1), Lookup::Hit { version: 10, .. }));
        assert!(
            !c.put_in_place(1, 11, 2, None),
            "an update is not an insertion"
        );
        assert!(c.put_in_place(3, 30, 3, None));
        assert_eq!(c.peek(1, 4), Lookup::Miss, "1 was first in, read or not");
        assert!(matches!(c.peek(2, 4), Lookup::Hit { .. }));
    }

    #[test]
    fn entries_expire_and_go_stale() {
        let mut c = Lru::new(10, 100);
        c.put(7, 1, 1_000, None);
        assert!(matches!(c.get(7, 1_099), Lookup::Hit { .. }));
        assert_eq!(c.get(7, 1_100), Lookup::Expired);
        assert_eq!(c.get(7, 1_100), Lookup::Miss);
        c.put(8, 5, 0, None);
        c.mark_stale(8, 4, 10);
        assert_eq!(
            c.get(8, 20),
            Lookup::Hit {
                version: 5,
                stale_since: None
            },
            "older write: not stale"
        );
        c.mark_stale(8, 6, 30);
        c.mark_stale(8, 7, 40);
        assert_eq!(
            c.get(8, 50),
            Lookup::Hit {
                version: 5,
                stale_since: Some(30)
            }
        );
        c.put(8, 7, 60, None);
        assert_eq!(
            c.get(8, 70),
            Lookup::Hit {
                version: 7,
                stale_since: None
            }
        );
    }

    #[test]
    fn a_long_random_workload_keeps_the_list_consistent() {
        let mut c = Lru::new(50, 0);
        let mut rng = crate::dist::Rng::seed(1);
        for t in 0..100_000 {
            let k = rng.below(200);
            match rng.below(3) {
                0 => {
                    c.put(k, t, t, None);
                }
                1 => {
                    c.get(k, t);
                }
                _ => c.remove(k),
            }
            assert!(c.len() <= 50);
        }
        // Walk the list: it holds exactly the mapped keys.
        let mut n = 0;
        let mut i = c.head;
        while i != NIL {
            assert_eq!(c.map[&c.slots[i as usize].key], i);
            i = c.slots[i as usize].next;
            n += 1;
        }
        assert_eq!(n, c.len());
    }
}
