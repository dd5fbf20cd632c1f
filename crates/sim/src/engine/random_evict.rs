//! A cache map that evicts a uniformly random entry when full: entries sit densely in a vector
//! (so one draw picks one), indexed by a hash map that is only looked up, never iterated, so
//! the run stays deterministic. Its random numbers come from its own stream, seeded from the
//! simulation's generator when the cache is built: the same diagram and seed evict the same
//! keys, and switching a cache's policy leaves every other random draw of the run unchanged.

use super::lru::{expiry, mark_stale, Lookup};
use crate::dist::Rng;
use crate::time::Time;

#[derive(Clone, Copy, Debug)]
struct Slot {
    key: u64,
    version: u64,
    expires: Time,
    stale_since: Option<Time>,
}

#[derive(Clone, Debug)]
pub(crate) struct RandomEvict {
    capacity: usize,
    ttl: Time,
    map: crate::fast_hash::FastMap<u64, u32>,
    slots: Vec<Slot>,
    rng: Rng,
}

impl RandomEvict {
    pub fn new(capacity: u64, ttl: Time, seed: u64) -> RandomEvict {
        RandomEvict {
            capacity: capacity as usize,
            ttl,
            map: Default::default(),
            slots: Vec::new(),
            rng: Rng::seed(seed),
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Takes slot `i` out, moving the last slot into its place.
    fn take(&mut self, i: u32) {
        let key = self.slots[i as usize].key;
        self.map.remove(&key);
        self.slots.swap_remove(i as usize);
        if let Some(moved) = self.slots.get(i as usize) {
            self.map.insert(moved.key, i);
        }
    }

    fn evict_one(&mut self) {
        if !self.slots.is_empty() {
            let i = self.rng.below(self.slots.len() as u64) as u32;
            self.take(i);
        }
    }

    pub fn resize(&mut self, capacity: u64, ttl: Time) -> u64 {
        self.capacity = capacity as usize;
        self.ttl = ttl;
        let mut evicted = 0;
        while self.slots.len() > self.capacity {
            self.evict_one();
            evicted += 1;
        }
        evicted
    }

    pub fn get(&mut self, key: u64, now: Time) -> Lookup {
        let Some(&i) = self.map.get(&key) else {
            return Lookup::Miss;
        };
        let s = self.slots[i as usize];
        if s.expires <= now {
            self.take(i);
            return Lookup::Expired;
        }
        Lookup::Hit {
            version: s.version,
            stale_since: s.stale_since,
        }
    }

    pub fn put(&mut self, key: u64, version: u64, now: Time, stale_since: Option<Time>) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let expires = expiry(now, self.ttl);
        let slot = Slot {
            key,
            version,
            expires,
            stale_since,
        };
        if let Some(&i) = self.map.get(&key) {
            self.slots[i as usize] = slot;
            return false;
        }
        let evicted = self.slots.len() >= self.capacity;
        if evicted {
            self.evict_one();
        }
        self.map.insert(key, self.slots.len() as u32);
        self.slots.push(slot);
        evicted
    }

    pub fn remove(&mut self, key: u64) {
        if let Some(&i) = self.map.get(&key) {
            self.take(i);
        }
    }

    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        if let Some(&i) = self.map.get(&key) {
            let s = &mut self.slots[i as usize];
            mark_stale(&mut s.stale_since, s.version, version, now);
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_some_entry_and_keeps_the_index_consistent() {
        let mut c = RandomEvict::new(50, 0, 7);
        let mut rng = Rng::seed(2);
        for t in 0..100_000u64 {
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
        assert_eq!(c.map.len(), c.slots.len());
        for (i, s) in c.slots.iter().enumerate() {
            assert_eq!(c.map[&s.key], i as u32);
        }
        let before = c.len() as u64;
        assert!(before > 10, "the workload fills the cache");
        assert_eq!(c.resize(10, 0), before - 10);
        assert_eq!(c.len(), 10);
    }
}
