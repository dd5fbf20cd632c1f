//! A least-frequently-used cache map with perfect counts: every key's requests are counted
//! over the whole run, evicted keys included, so the cache converges on the keys requested
//! most often so far. When full, a newcomer is stored only if it has been requested more often
//! than the least-used entry (which it then evicts); ties keep the entry already held. Under
//! independent requests this holds the C most popular keys, the best any policy can do.
//!
//! Entries are ordered by (uses, last use) in a B-tree: O(log C) per operation. The hash maps
//! are only looked up, never iterated, so the run stays deterministic.

use super::lru::{expiry, mark_stale, Lookup};
use crate::time::Time;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug)]
struct Entry {
    version: u64,
    expires: Time,
    stale_since: Option<Time>,
    uses: u64,
    tick: u64,
}

#[derive(Clone, Debug)]
pub(crate) struct Lfu {
    capacity: usize,
    ttl: Time,
    entries: crate::fast_hash::FastMap<u64, Entry>,
    /// (uses, last use, key) of every entry: the first is the next to go.
    order: BTreeSet<(u64, u64, u64)>,
    /// Requests of every key seen since the cache was built or emptied.
    seen: crate::fast_hash::FastMap<u64, u64>,
    tick: u64,
}

impl Lfu {
    pub fn new(capacity: u64, ttl: Time) -> Lfu {
        Lfu {
            capacity: capacity as usize,
            ttl,
            entries: Default::default(),
            order: BTreeSet::new(),
            seen: Default::default(),
            tick: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    fn evict_least(&mut self) {
        if let Some((_, _, key)) = self.order.pop_first() {
            self.entries.remove(&key);
        }
    }

    pub fn resize(&mut self, capacity: u64, ttl: Time) -> u64 {
        self.capacity = capacity as usize;
        self.ttl = ttl;
        let mut evicted = 0;
        while self.entries.len() > self.capacity {
            self.evict_least();
            evicted += 1;
        }
        evicted
    }

    /// Counts a request for `key` and looks it up.
    pub fn get(&mut self, key: u64, now: Time) -> Lookup {
        self.tick += 1;
        let uses = self.seen.entry(key).or_insert(0);
        *uses += 1;
        let uses = *uses;
        let Some(e) = self.entries.get_mut(&key) else {
            return Lookup::Miss;
        };
        if e.expires <= now {
            self.remove(key);
            return Lookup::Expired;
        }
        self.order.remove(&(e.uses, e.tick, key));
        e.uses = uses;
        e.tick = self.tick;
        self.order.insert((uses, self.tick, key));
        Lookup::Hit {
            version: e.version,
            stale_since: e.stale_since,
        }
    }

    pub fn put(&mut self, key: u64, version: u64, now: Time, stale_since: Option<Time>) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let expires = expiry(now, self.ttl);
        if let Some(e) = self.entries.get_mut(&key) {
            e.version = version;
            e.expires = expires;
            e.stale_since = stale_since;
            return false;
        }
        let uses = self.seen.get(&key).copied().unwrap_or(0);
        let full = self.entries.len() >= self.capacity;
        if full {
            match self.order.first() {
                Some(&(least, _, _)) if least < uses => self.evict_least(),
                // Every entry held is at least as popular as the newcomer.
                _ => return false,
            }
        }
        self.tick += 1;
        self.entries.insert(
            key,
            Entry {
                version,
                expires,
                stale_since,
                uses,
                tick: self.tick,
            },
        );
        self.order.insert((uses, self.tick, key));
        full
    }

    pub fn remove(&mut self, key: u64) {
        if let Some(e) = self.entries.remove(&key) {
            self.order.remove(&(e.uses, e.tick, key));
        }
    }

    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        if let Some(e) = self.entries.get_mut(&key) {
            mark_stale(&mut e.stale_since, e.version, version, now);
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_requested_keys() {
        let mut c = Lfu::new(2, 0);
        for (key, reads) in [(1u64, 3), (2, 1), (3, 2)] {
            for t in 0..reads {
                if c.get(key, t) == Lookup::Miss {
                    c.put(key, 1, t, None);
                }
            }
        }
        // 1 (3 uses) and 3 (2 uses) stay; 2 (1 use) was evicted for 3.
        assert!(matches!(c.get(1, 9), Lookup::Hit { .. }));
        assert!(matches!(c.get(3, 9), Lookup::Hit { .. }));
        assert_eq!(c.get(2, 9), Lookup::Miss);
        // 2 now has 2 uses, 3 has 3: 2 is not let in.
        assert!(!c.put(2, 1, 9, None));
        assert_eq!(c.get(2, 10), Lookup::Miss);
        // 2 has 3 uses now, as many as 3: a tie keeps the entry already held.
        assert!(!c.put(2, 1, 10, None));
        c.get(2, 11);
        assert!(
            c.put(2, 1, 11, None),
            "4 uses beat 3: the least-used entry goes"
        );
        assert_eq!(c.len(), 2);
        assert!(matches!(c.get(2, 12), Lookup::Hit { .. }));
    }
}
