//! Where designs live. One small interface — list, open, save, delete, watch, and a quarantine
//! for damaged data — with an IndexedDB implementation for the page and an in-memory one for
//! tests. Views never touch storage: they ask the [`keeper::Keeper`], which holds the policy
//! (what to open at start-up, revision checks between tabs, forks instead of overwrites).

pub mod idb;
pub mod journal;
pub mod keeper;
pub mod legacy;
pub mod memory;
pub mod record;
#[cfg(test)]
mod tests;

pub use record::{Damaged, DocMeta, DocRecord};

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// What a store operation hands back, later.
pub type StoreFuture<T> = Pin<Box<dyn Future<Output = Result<T, StoreError>>>>;

/// Why storage failed, in words for the user (the browser's own reason included).
#[derive(Clone, Debug, PartialEq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every document's metadata, and whatever could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listing {
    pub docs: Vec<DocMeta>,
    pub damaged: Vec<Damaged>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Opened {
    Doc(Box<DocRecord>),
    Missing,
    Damaged(Damaged),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SaveOutcome {
    Saved,
    /// Someone else saved revision `stored_rev` since we read `expected`: nothing was written.
    Conflict {
        stored_rev: u64,
    },
}

/// A change another tab made (the store's own writes are not echoed back).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub id: String,
    /// The new revision; 0 when the document was deleted.
    pub rev: u64,
    pub tab: String,
}

/// Keeps a [`DocStore::watch`] subscription alive; dropping it unsubscribes.
pub type WatchGuard = Box<dyn std::any::Any>;

pub trait DocStore {
    /// Every document's metadata (deleted ones included: the bin is part of the list).
    fn list(&self) -> StoreFuture<Listing>;
    fn open(&self, id: &str) -> StoreFuture<Opened>;
    /// Writes `rec` only if the stored revision is `expected` (0: the document must not exist).
    fn save(&self, rec: &DocRecord, expected: u64) -> StoreFuture<SaveOutcome>;
    fn delete(&self, id: &str) -> StoreFuture<()>;
    /// Keeps `d` aside and removes the unreadable original (when it is a document).
    fn quarantine(&self, d: Damaged) -> StoreFuture<()>;
    fn quarantined(&self) -> StoreFuture<Vec<Damaged>>;
    /// Calls `f` for every change made by another tab.
    fn watch(&self, f: Rc<dyn Fn(Change)>) -> WatchGuard;
}

/// Runs a future that is already complete (the in-memory store's are): for native tests.
#[cfg(test)]
pub fn now<T>(f: impl Future<Output = T>) -> T {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the in-memory store never waits"),
    }
}
