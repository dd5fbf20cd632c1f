//! A cache member's store under its eviction policy. An enum, not a trait object: a cache
//! using LRU (the default) pays one predictable match per lookup, no dynamic dispatch.

use super::lfu::Lfu;
use super::lru::{Lookup, Lru};
use super::random_evict::RandomEvict;
use crate::diagram::Eviction;
use crate::time::Time;

#[derive(Clone, Debug)]
pub(crate) enum KeyStore {
    Lru(Lru),
    /// The LRU's list kept in insertion order: hits do not move an entry.
    Fifo(Lru),
    Lfu(Lfu),
    Random(RandomEvict),
}

impl KeyStore {
    /// `seed` feeds random eviction only.
    pub fn new(policy: Eviction, capacity: u64, ttl: Time, seed: u64) -> KeyStore {
        match policy {
            Eviction::Lru => KeyStore::Lru(Lru::new(capacity, ttl)),
            Eviction::Fifo => KeyStore::Fifo(Lru::new(capacity, ttl)),
            Eviction::Lfu => KeyStore::Lfu(Lfu::new(capacity, ttl)),
            Eviction::Random => KeyStore::Random(RandomEvict::new(capacity, ttl, seed)),
        }
    }

    #[inline]
    pub fn get(&mut self, key: u64, now: Time) -> Lookup {
        match self {
            KeyStore::Lru(s) => s.get(key, now),
            KeyStore::Fifo(s) => s.peek(key, now),
            KeyStore::Lfu(s) => s.get(key, now),
            KeyStore::Random(s) => s.get(key, now),
        }
    }

    /// Stores `key`; true if another entry was evicted for it.
    #[inline]
    pub fn put(&mut self, key: u64, version: u64, now: Time, stale_since: Option<Time>) -> bool {
        match self {
            KeyStore::Lru(s) => s.put(key, version, now, stale_since),
            KeyStore::Fifo(s) => s.put_in_place(key, version, now, stale_since),
            KeyStore::Lfu(s) => s.put(key, version, now, stale_since),
            KeyStore::Random(s) => s.put(key, version, now, stale_since),
        }
    }

    pub fn remove(&mut self, key: u64) {
        match self {
            KeyStore::Lru(s) | KeyStore::Fifo(s) => s.remove(key),
            KeyStore::Lfu(s) => s.remove(key),
            KeyStore::Random(s) => s.remove(key),
        }
    }

    pub fn mark_stale(&mut self, key: u64, version: u64, now: Time) {
        match self {
            KeyStore::Lru(s) | KeyStore::Fifo(s) => s.mark_stale(key, version, now),
            KeyStore::Lfu(s) => s.mark_stale(key, version, now),
            KeyStore::Random(s) => s.mark_stale(key, version, now),
        }
    }

    /// Returns how many entries a smaller capacity evicted.
    pub fn resize(&mut self, capacity: u64, ttl: Time) -> u64 {
        match self {
            KeyStore::Lru(s) | KeyStore::Fifo(s) => s.resize(capacity, ttl),
            KeyStore::Lfu(s) => s.resize(capacity, ttl),
            KeyStore::Random(s) => s.resize(capacity, ttl),
        }
    }

    pub fn clear(&mut self) {
        match self {
            KeyStore::Lru(s) | KeyStore::Fifo(s) => s.clear(),
            KeyStore::Lfu(s) => s.clear(),
            KeyStore::Random(s) => s.clear(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            KeyStore::Lru(s) | KeyStore::Fifo(s) => s.len(),
            KeyStore::Lfu(s) => s.len(),
            KeyStore::Random(s) => s.len(),
        }
    }
}
